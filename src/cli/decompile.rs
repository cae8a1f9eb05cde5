//! `gavel decompile`: Azure Policy JSON → gavel source.
//!
//! One input prints to stdout; several are written beside their inputs (or into `--out-dir`)
//! as `<name>.gavel`, never over an existing file unless `--force` says so.

use std::path::{Path, PathBuf};

use super::{DiagnosticArgs, Outcome, output, report_diagnostics};
use crate::decompile::files::{self, JsonFile};
use crate::diag::Diagnostic;
use crate::syntax::span::SourceMap;

#[derive(Debug, clap::Args)]
pub struct DecompileArgs {
    /// JSON files: definitions, initiatives, ARM templates, az CLI rules files (with the params
    /// file beside them).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write `<name>.gavel` files here instead of printing (or writing beside the inputs).
    #[arg(long, short = 'o')]
    pub out_dir: Option<PathBuf>,
    /// Replace .gavel files that exist already.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: DecompileArgs) -> Outcome {
    let companions = files::Companions::of(&args.files);
    let inputs: Vec<&PathBuf> = args.files.iter().filter(|p| !companions.contains(p)).collect();
    let to_stdout = args.out_dir.is_none() && inputs.len() == 1;
    let mut sources = SourceMap::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    let mut definitions = 0;
    for input in &inputs {
        let file = JsonFile::new(input);
        let (loaded, read) = match files::load(&file, &mut sources) {
            Ok(loaded) => loaded,
            Err((id, error)) => {
                diagnostics.push(error.into_diagnostic(id));
                continue;
            }
        };
        diagnostics.extend(read);
        let decompiled = crate::decompile::decompile(&loaded.input(), Some(&file.stem));
        diagnostics.extend(decompiled.diagnostics);
        if let Some(source) = decompiled.source {
            definitions += decompiled.definitions;
            outputs.push((target(input, &file.stem, args.out_dir.as_deref()), source));
        }
    }
    let failed = report_diagnostics(&diagnostics, &sources, &args.diagnostics);
    if to_stdout {
        if let Some((_, source)) = outputs.first() {
            print!("{source}");
        }
        return if failed { Outcome::InputErrors } else { Outcome::Success };
    }
    if let Err(error) = write(&outputs, args.force) {
        match error {
            Refusal::Clash(message) => eprintln!("error: {message}"),
            Refusal::Write(error) => error.report(&args.diagnostics),
        }
        return Outcome::UsageOrIo;
    }
    if args.diagnostics.format == crate::diag::render::Format::Human {
        eprintln!("decompiled {definitions} definition(s) into {} file(s)", outputs.len());
    }
    if failed { Outcome::InputErrors } else { Outcome::Success }
}

/// `<out-dir or the input's folder>/<stem>.gavel`.
fn target(input: &Path, stem: &str, out_dir: Option<&Path>) -> PathBuf {
    let dir = out_dir.map_or_else(|| input.parent().map(Path::to_path_buf).unwrap_or_default(), Path::to_path_buf);
    dir.join(format!("{stem}.gavel"))
}

/// Why `decompile` wrote nothing (or stopped at a file it could not write).
enum Refusal {
    /// An existing file without `--force`, or two inputs with one output.
    Clash(String),
    Write(output::WriteError),
}

/// Writes every output, or none when one would replace an existing file (without `--force`)
/// or two inputs would write the same file.
fn write(outputs: &[(PathBuf, String)], force: bool) -> Result<(), Refusal> {
    let mut targets = std::collections::HashSet::new();
    for (path, _) in outputs {
        if !targets.insert(path) {
            let message = format!("two inputs would both be written to {}; decompile them separately", path.display());
            return Err(Refusal::Clash(message));
        }
        if !force && (path.exists() || path.is_symlink()) {
            return Err(Refusal::Clash(format!("{} exists already; pass --force to replace it", path.display())));
        }
    }
    for (path, source) in outputs {
        output::write_file(path, source.as_bytes()).map_err(Refusal::Write)?;
    }
    Ok(())
}

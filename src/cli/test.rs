//! `gavel test`: runs the cases of `*.test.yaml` files against the engine and reports them in
//! the manner of `cargo test`. Exit code 1 when a case fails or cannot run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{CatalogArgs, Outcome, shown_sources};
use crate::diag::Diagnostic;
use crate::diag::render::{render_human, render_json, summary_line};
use crate::project::{self, Compilation};
use crate::test_runner::report::{self, Summary};
use crate::test_runner::run::{FileReport, Session};

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files (`*.test.yaml`) or folders searched for them; the `.gavel` files under the
    /// same folders provide the policies (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
    /// Run only the cases whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
}

/// Output of `gavel test` and `gavel eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReportFormat {
    /// Plain text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

pub fn run(args: TestArgs) -> Outcome {
    let started = Instant::now();
    let paths = super::input_paths(args.paths);
    let (tests, gavel_inputs) = match discover(&paths) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::UsageOrIo;
        }
    };
    let compilation = match compile(&gavel_inputs, &args.catalogs) {
        Ok(compilation) => compilation,
        Err(outcome) => return outcome,
    };
    // The catalogs of the projects (`gavel.toml`) and of `--catalog` serve the engine too.
    let catalogs = compilation.catalog.iter().cloned().collect();
    let mut session = Session::new(compilation, catalogs, args.filter);
    let reports: Vec<_> = tests.iter().map(|path| session.run_file(path)).collect();
    session.diagnostics.sort();
    let diagnostics = std::mem::take(&mut session.diagnostics).into_vec();
    print_results(args.format, &reports, &diagnostics, &session.compilation, started);
    let failed = !Summary::of(&reports).ok() || diagnostics.iter().any(|d| d.is_error());
    if failed { Outcome::InputErrors } else { Outcome::Success }
}

/// The results on stdout; in human form, the diagnostics before them on stderr.
fn print_results(
    format: ReportFormat,
    reports: &[FileReport],
    diagnostics: &[Diagnostic],
    compilation: &Compilation,
    started: Instant,
) {
    let sources = shown_sources(&compilation.sources);
    match format {
        ReportFormat::Human => {
            if !diagnostics.is_empty() {
                let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!("{}", render_human(diagnostics, &sources, color));
                eprintln!("{}", summary_line(diagnostics));
            }
            print!("{}", report::human(reports, &compilation.sources, Some(started.elapsed())));
        }
        ReportFormat::Json => {
            let diagnostics = render_json(diagnostics, &sources);
            let document = report::json(reports, &compilation.sources, &diagnostics);
            print!("{}", crate::emit::to_pretty_text(&document));
        }
    }
}

/// Compiles the gavel sources; their errors stop the run, as a compile error stops `cargo test`.
fn compile(inputs: &[PathBuf], catalogs: &CatalogArgs) -> Result<Compilation, Outcome> {
    let compilation = project::compile_paths_with(inputs, &catalogs.options()).map_err(|error| {
        eprintln!("error: {error}");
        Outcome::UsageOrIo
    })?;
    if compilation.has_errors() {
        let diagnostics: Vec<_> = compilation.diagnostics.iter().cloned().collect();
        eprint!("{}", render_human(&diagnostics, &shown_sources(&compilation.sources), false));
        eprintln!("{}", summary_line(&diagnostics));
        eprintln!("error: the policies have errors; no test was run");
        return Err(Outcome::InputErrors);
    }
    Ok(compilation)
}

/// The test files named by `paths` (folders searched recursively) and the gavel sources that go
/// with them: the `.gavel` files under the same folders, and those next to a test file given
/// on its own.
fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    let mut tests = Vec::new();
    let mut gavel = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if metadata.is_dir() {
            let wanted = |p: &Path| is_test_file(p) || crate::project::is_gavel_file(p);
            let found = crate::project::walk_inputs(std::slice::from_ref(path), &wanted, &|| false)
                .map_err(|e| e.to_string())?;
            let (found_tests, found_gavel): (Vec<PathBuf>, Vec<PathBuf>) =
                found.files.into_iter().partition(|p| is_test_file(p));
            tests.extend(found_tests);
            gavel.extend(found_gavel);
        } else if is_test_file(path) {
            tests.push(path.clone());
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            gavel.extend(gavel_files_in(dir)?);
        } else if path.extension().is_some_and(|e| e == "gavel") {
            gavel.push(path.clone());
        } else {
            return Err(format!("{}: not a test file (`*.test.yaml`), a `.gavel` file or a folder", path.display()));
        }
    }
    Ok((tests, gavel))
}

fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.yaml") || n.ends_with(".test.yml"))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn gavel_files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(sorted_entries(dir)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "gavel"))
        .collect())
}

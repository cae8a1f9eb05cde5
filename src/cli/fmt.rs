//! `gavel fmt`: rewrite .gavel files in the canonical layout, or (`--check`) list those that
//! are not.

use std::path::PathBuf;

use super::{DiagnosticArgs, Outcome, input_paths, output, report_diagnostics};
use crate::fmt::{FormatError, format_source};
use crate::project::{collect_inputs, read_source};
use crate::syntax::span::SourceMap;

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Files or folders to format (folders are searched for *.gavel; default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
    /// Format standard input to standard output.
    #[arg(long, conflicts_with_all = ["paths", "check"])]
    pub stdin: bool,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: FmtArgs) -> Outcome {
    if args.stdin {
        return stdin(&args);
    }
    let files = match collect_inputs(&input_paths(args.paths.clone())) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::UsageOrIo;
        }
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut unformatted = 0;
    let mut broken = false;
    for path in files {
        let text = match read_source(&path) {
            Ok(text) => text,
            Err(error) => {
                let file = sources.add(&path, String::new());
                diagnostics.push(error.into_diagnostic(file));
                continue;
            }
        };
        let file = sources.add(&path, text.clone());
        match format_source(file, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) if args.check => {
                unformatted += 1;
                let shown = path.strip_prefix(".").unwrap_or(&path);
                println!("{}", crate::project::display_path(shown).display());
                let _ = formatted;
            }
            Ok(formatted) => {
                if let Err(error) = output::write_file(&path, formatted.as_bytes()) {
                    error.report(&args.diagnostics);
                    return Outcome::UsageOrIo;
                }
            }
            Err(FormatError::Syntax(errors)) => diagnostics.extend(errors),
            Err(FormatError::Unstable(why)) => {
                broken = true;
                eprintln!(
                    "error: {} was left as it is: {why} (the file has no errors, so the formatter is at fault; please report it)",
                    path.display()
                );
            }
        }
    }
    let failed = report_diagnostics(&diagnostics, &sources, &args.diagnostics) || broken;
    if failed || unformatted > 0 { Outcome::InputErrors } else { Outcome::Success }
}

fn stdin(args: &FmtArgs) -> Outcome {
    let bytes = match crate::project::read::read_stdin(crate::project::read::Limit::File) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read standard input: {error}\n  = help: {}", error.help());
            return Outcome::UsageOrIo;
        }
    };
    let mut sources = SourceMap::new();
    let text = match crate::project::decode_source(bytes) {
        Ok(text) => text,
        Err(error) => {
            let file = sources.add("<stdin>", String::new());
            report_diagnostics(&[error.into_diagnostic(file)], &sources, &args.diagnostics);
            return Outcome::InputErrors;
        }
    };
    let file = sources.add("<stdin>", text.clone());
    match format_source(file, &text) {
        Ok(formatted) => {
            print!("{formatted}");
            Outcome::Success
        }
        Err(FormatError::Syntax(errors)) => {
            report_diagnostics(&errors, &sources, &args.diagnostics);
            Outcome::InputErrors
        }
        Err(FormatError::Unstable(why)) => {
            eprintln!(
                "error: standard input was not formatted: {why} (the text has no errors, so the formatter is at fault; please report it)"
            );
            Outcome::InputErrors
        }
    }
}

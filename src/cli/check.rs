//! `gavel check`: everything `build` does except writing output.

use std::path::PathBuf;

use super::{CatalogArgs, DiagnosticArgs, Outcome, input_paths, report};
use crate::project;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (folders are searched for *.gavel).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
}

pub fn run(args: CheckArgs) -> Outcome {
    let compilation = match project::compile_paths_with(&input_paths(args.paths), &args.catalogs.options()) {
        Ok(compilation) => compilation,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::UsageOrIo;
        }
    };
    let outcome = if report(&compilation, &args.diagnostics) { Outcome::InputErrors } else { Outcome::Success };
    // The process ends here: the operating system takes the memory back at once (see build).
    std::mem::forget(compilation);
    outcome
}

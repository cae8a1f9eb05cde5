//! The `gavel` command line: one file per subcommand.
//!
//! Exit codes: 0 success, 1 errors in the input (diagnostics), 2 usage or I/O problems.

mod aliases;
mod build;
mod catalog;
mod check;
mod decompile;
mod diff;
mod eval;
mod explain;
mod fmt;
mod lsp;
mod output;
mod test;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::Severity;
use crate::diag::render::{self, Format};
use crate::project::Compilation;

#[derive(Debug, Parser)]
#[command(
    name = "gavel",
    version,
    about = "A language and compiler for Azure Policy, with Azure Machine Learning built in"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The largest source, JSON, test file or standard input read (default 16 MiB; also
    /// `[limits] max-file-size` in gavel.toml), e.g. `64MiB`.
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::project::read::parse_size)]
    pub max_file_size: Option<u64>,
    /// The largest alias export read (default 256 MiB; also `[limits] max-catalog-size`).
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::project::read::parse_size)]
    pub max_catalog_size: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile .gavel files and folders to Azure Policy JSON.
    Build(build::BuildArgs),
    /// Check .gavel files without writing output.
    Check(check::CheckArgs),
    /// Print the long explanation of a diagnostic code (e.g. GV0105).
    Explain(explain::ExplainArgs),
    /// Turn Azure Policy JSON (definitions, initiatives, ARM templates, az CLI files) into gavel.
    Decompile(decompile::DecompileArgs),
    /// Format .gavel files in the canonical layout (comments kept).
    Fmt(fmt::FmtArgs),
    /// Search the alias catalog: name, short name, type, values, modifiable, default path.
    Aliases(aliases::AliasesArgs),
    /// Manage the project's alias catalogs.
    Catalog(catalog::CatalogCommandArgs),
    /// Run the language server (LSP over stdio) for editors.
    Lsp(lsp::LspArgs),
    /// Run the cases of *.test.yaml files: policies evaluated against example resources.
    Test(test::TestArgs),
    /// Evaluate one policy against one resource and say why.
    Eval(eval::EvalArgs),
    /// Changes between two versions of a library that existing assignments would feel.
    Diff(diff::DiffArgs),
}

/// Outcome of a subcommand, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    InputErrors,
    UsageOrIo,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::InputErrors => ExitCode::from(1),
            Outcome::UsageOrIo => ExitCode::from(2),
        }
    }
}

/// Runs the CLI on a thread with a generous stack, so that deeply nested (but accepted)
/// input cannot overflow it.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    const STACK_SIZE: usize = 256 * 1024 * 1024;
    // Files are compiled on the threads of this pool: they get the same stack. Building it can
    // only fail if a pool exists already, and then that one is used.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(STACK_SIZE).build_global();
    let worker = std::thread::Builder::new().stack_size(STACK_SIZE).spawn(move || run(cli));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(outcome)) => outcome.into(),
        _ => {
            eprintln!(
                "error: gavel stopped unexpectedly; this is a bug, please report it with the input that caused it"
            );
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> Outcome {
    let limits = crate::project::read::Limits { file: cli.max_file_size, catalog: cli.max_catalog_size };
    crate::project::read::set_run_limits(limits);
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Decompile(args) => decompile::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Aliases(args) => aliases::run(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Test(args) => test::run(args),
        Command::Eval(args) => eval::run(args),
    }
}

/// Options shared by commands that report diagnostics.
#[derive(Debug, Clone, clap::Args)]
pub struct DiagnosticArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Alias catalogs loaded for one run, besides the built-in one and those `gavel.toml` names.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CatalogArgs {
    /// An alias export to load for this run (`az provider show --namespace NS --expand
    /// "resourceTypes/aliases"`, or `Get-AzPolicyAlias | ConvertTo-Json -Depth 10`); repeatable.
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalogs: Vec<PathBuf>,
}

impl CatalogArgs {
    pub fn options(&self) -> crate::project::Options {
        crate::project::Options { catalogs: self.catalogs.clone() }
    }

    /// The catalog of the project containing `dir`, with these files laid over it.
    pub fn load(&self, dir: &std::path::Path) -> Result<crate::catalog::aliases::Catalog, String> {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        aliases::project_catalog(&dir, &self.catalogs)
    }
}

/// The inputs of build and check: files or folders (default: the current folder).
pub fn input_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() { vec![PathBuf::from(".")] } else { paths }
}

/// Prints the compilation's diagnostics in the chosen format: human to stderr, machine
/// formats to stdout. Returns whether the input counts as failed.
pub fn report(compilation: &Compilation, args: &DiagnosticArgs) -> bool {
    let diagnostics: Vec<_> = compilation.diagnostics.iter().cloned().collect();
    report_diagnostics(&diagnostics, &compilation.sources, args)
}

/// [`report`] for diagnostics that come from elsewhere than a compilation.
pub fn report_diagnostics(
    diagnostics: &[crate::diag::Diagnostic],
    sources: &crate::syntax::span::SourceMap,
    args: &DiagnosticArgs,
) -> bool {
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning));
    let sources = shown_sources(sources);
    let diagnostics = diagnostics.to_vec();
    match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            if !diagnostics.is_empty() {
                eprint!("{}", render::render_human(&diagnostics, &sources, color));
                eprintln!("{}", render::summary_line(&diagnostics));
            }
        }
        format => print!("{}", render::render(format, &diagnostics, &sources, false)),
    }
    failed
}

/// The source map with paths shown relative to the working directory (the texts are shared).
fn shown_sources(all: &crate::syntax::span::SourceMap) -> crate::syntax::span::SourceMap {
    all.with_paths(crate::project::display_path)
}

//! `gavel catalog import FILE`: validate an alias export and add it to the project, so that
//! every later `build`, `check` and `aliases` in the project uses it. The export may be UTF-8 or
//! UTF-16 (Windows PowerShell's `>`); the copy is UTF-8. An export without aliases (made without
//! `--expand "resourceTypes/aliases"`) is refused with the command that makes a complete one.

use crate::project::read::{Limit, ReadFailure, read_file, read_file_to_string};
use std::path::{Path, PathBuf};

use std::io::IsTerminal;

use super::Outcome;
use crate::catalog::import::{ImportError, NamespaceCount, decode, read_export};
use crate::diag::render::render_human;
use crate::diag::{Code, Diagnostic};
use crate::project::config::{self, FILE_NAME};
use crate::syntax::span::{FileId, SourceMap, Span};

#[derive(Debug, clap::Args)]
pub struct CatalogCommandArgs {
    #[command(subcommand)]
    pub command: CatalogCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Validate an `az provider show --namespace NS --expand "resourceTypes/aliases"` or
    /// `Get-AzPolicyAlias | ConvertTo-Json -Depth 10` export, copy it into the project and add
    /// it to gavel.toml.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The export to import (UTF-8 or UTF-16, as Windows PowerShell writes with `>`).
    pub file: PathBuf,
    /// Where to copy it (default: `catalogs/<namespace>.json` under the project root; an export
    /// of several namespaces is named after all of them, `catalogs/A+B.json`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: CatalogCommandArgs) -> Outcome {
    match args.command {
        CatalogCommand::Import(args) => match import(&args, Path::new(".")) {
            Ok(report) => {
                print!("{report}");
                Outcome::Success
            }
            Err(Failure::Input(diagnostic)) => {
                let mut sources = SourceMap::new();
                sources.add(args.file.clone(), String::new());
                let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!("{}", render_human(std::slice::from_ref(&diagnostic), &sources, color));
                Outcome::InputErrors
            }
            Err(Failure::Io(message)) => {
                eprintln!("error: {message}");
                Outcome::UsageOrIo
            }
            Err(Failure::Write(error)) => {
                let mut sources = SourceMap::new();
                let diagnostic = error.into_diagnostic(&mut sources);
                let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!("{}", render_human(std::slice::from_ref(&diagnostic), &sources, color));
                Outcome::UsageOrIo
            }
        },
    }
}

/// Why an import failed: a bad export (exit 1; a diagnostic about the whole file, in file 0) or
/// a file problem (exit 2).
#[derive(Debug)]
pub enum Failure {
    Input(Diagnostic),
    Io(String),
    /// The copy or `gavel.toml` could not be written; nothing was changed.
    Write(super::output::WriteError),
}

/// A diagnostic about the export as a whole.
fn refused(error: &ImportError) -> Failure {
    let message = match error.code() {
        Code::CatalogError => format!("not an alias export: {error}"),
        _ => error.to_string(),
    };
    let mut diagnostic = Diagnostic::new(error.code(), Span::new(FileId(0), 0, 0), message);
    if let Some(help) = error.help() {
        diagnostic = diagnostic.with_help(help);
    }
    Failure::Input(diagnostic)
}

/// Imports `args.file` into the project that contains `cwd`; returns what was done, one line
/// per namespace.
pub fn import(args: &ImportArgs, cwd: &Path) -> Result<String, Failure> {
    let source = resolve(cwd, &args.file);
    let bytes = read_file(&source, Limit::Catalog)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}\n  = help: {}", args.file.display(), e.help())))?;
    let text = decode(&bytes).map_err(|e| refused(&e))?;
    let export = read_export(&text).map_err(|e| refused(&e))?;
    export.require_aliases(&args.file.display().to_string()).map_err(|e| refused(&e))?;
    let namespaces: Vec<&NamespaceCount> = export.namespaces().collect();
    if namespaces.is_empty() {
        let error = Diagnostic::new(
            Code::CatalogError,
            Span::new(FileId(0), 0, 0),
            "the export holds no resource types",
        )
        .with_help(
            "export a provider with `az provider show --namespace NS --expand \"resourceTypes/aliases\" > FILE`",
        );
        return Err(Failure::Input(error));
    }
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let root = crate::project::find_root(&cwd.join(FILE_NAME));
    let target = match &args.out {
        Some(out) => resolve(&cwd, out),
        None => root.join("catalogs").join(file_name(&namespaces)),
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    // The copy is UTF-8 without a byte-order mark, whatever the export was.
    write_atomically(&target, text.trim_start_matches('\u{feff}').as_bytes())?;
    let target = target.canonicalize().unwrap_or(target);
    let root = root.canonicalize().unwrap_or(root);
    let entry = match target.strip_prefix(&root) {
        Ok(relative) => relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => target.display().to_string(),
    };
    let toml_path = root.join(FILE_NAME);
    let current = match read_file_to_string(&toml_path, Limit::File) {
        Ok(text) => text,
        Err(ReadFailure::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::Io(format!("cannot read {}: {e}", toml_path.display()))),
    };
    let updated = config::with_catalog(&current, &entry)
        .map_err(|message| Failure::Input(Diagnostic::new(Code::InvalidConfig, Span::new(FileId(0), 0, 0), message)))?;
    if updated != current {
        write_atomically(&toml_path, updated.as_bytes())?;
    }
    Ok(summary(&namespaces, &entry, &toml_path))
}

/// What was imported, per namespace, with totals when there are several.
fn summary(namespaces: &[&NamespaceCount], entry: &str, toml_path: &Path) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let width = namespaces.iter().map(|n| n.namespace.len()).max().unwrap_or(0).max(5);
    let mut out = format!("imported {entry} ({} lists it):\n", toml_path.display());
    let mut line = |name: &str, types: usize, aliases: usize| {
        out.push_str(&format!(
            "  {name:<width$}  {}, {}\n",
            plural(types, "resource type", "resource types"),
            plural(aliases, "alias", "aliases")
        ));
    };
    for n in namespaces {
        line(&n.namespace, n.resource_types, n.aliases);
    }
    if namespaces.len() > 1 {
        line("total", namespaces.iter().map(|n| n.resource_types).sum(), namespaces.iter().map(|n| n.aliases).sum());
    }
    out
}

/// At most this many namespaces are spelt out in the name of the copy.
const NAMED_NAMESPACES: usize = 3;

/// The file name of the copy: the namespace (`Microsoft.Storage.json`); for several, in order
/// ignoring case, joined by `+` (`Microsoft.KeyVault+Microsoft.Storage.json`), or the first two
/// and a count when there are more than three (`A+B-and-3-more.json`). Characters that do not
/// belong in a file name become `_`, so a namespace cannot lead out of `catalogs/`.
fn file_name(namespaces: &[&NamespaceCount]) -> String {
    let safe = |namespace: &str| -> String {
        let name: String = namespace
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
            .collect();
        if name.starts_with('.') { format!("_{name}") } else { name }
    };
    let stem = if namespaces.len() <= NAMED_NAMESPACES {
        namespaces.iter().map(|n| safe(&n.namespace)).collect::<Vec<_>>().join("+")
    } else {
        let named: Vec<String> = namespaces.iter().take(2).map(|n| safe(&n.namespace)).collect();
        format!("{}-and-{}-more", named.join("+"), namespaces.len() - 2)
    };
    format!("{stem}.json")
}

fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { base.join(path) }
}

/// Writes `bytes` to `target` through a temporary file beside it (see [`super::output`]).
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), Failure> {
    super::output::write_file(target, bytes).map(drop).map_err(Failure::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(names: &[&str]) -> Vec<NamespaceCount> {
        names.iter().map(|n| NamespaceCount { namespace: n.to_string(), resource_types: 1, aliases: 1 }).collect()
    }

    fn name(names: &[&str]) -> String {
        let counts = counts(names);
        file_name(&counts.iter().collect::<Vec<_>>())
    }

    #[test]
    fn copies_are_named_after_their_namespaces() {
        assert_eq!(name(&["Microsoft.Storage"]), "Microsoft.Storage.json");
        assert_eq!(name(&["Microsoft.KeyVault", "Microsoft.Storage"]), "Microsoft.KeyVault+Microsoft.Storage.json");
        assert_eq!(name(&["A.B", "C.D", "E.F"]), "A.B+C.D+E.F.json");
        assert_eq!(name(&["A.B", "C.D", "E.F", "G.H", "I.J"]), "A.B+C.D-and-3-more.json");
        // Nothing in a namespace leads out of `catalogs/`.
        assert_eq!(name(&["../../etc/x"]), "_.._.._etc_x.json");
        assert_eq!(name(&["a\\b:c"]), "a_b_c.json");
    }

    #[test]
    fn the_summary_has_a_line_per_namespace_and_a_total() {
        let counts = counts(&["Microsoft.KeyVault", "Microsoft.Storage"]);
        let text = summary(&counts.iter().collect::<Vec<_>>(), "catalogs/x.json", Path::new("gavel.toml"));
        assert_eq!(
            text,
            "imported catalogs/x.json (gavel.toml lists it):\n  \
             Microsoft.KeyVault  1 resource type, 1 alias\n  \
             Microsoft.Storage   1 resource type, 1 alias\n  \
             total               2 resource types, 2 aliases\n"
        );
    }
}

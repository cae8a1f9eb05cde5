//! `gavel catalog import FILE`: validate an alias export and add it to the project, so that
//! every later `build`, `check` and `aliases` in the project uses it.

use std::path::{Path, PathBuf};

use super::Outcome;
use crate::catalog::aliases::Catalog;
use crate::project::config::{self, FILE_NAME};

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
    /// The export to import.
    pub file: PathBuf,
    /// Where to copy it (default: `catalogs/<namespace>.json` under the project root).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: CatalogCommandArgs) -> Outcome {
    match args.command {
        CatalogCommand::Import(args) => match import(&args, Path::new(".")) {
            Ok(message) => {
                eprintln!("{message}");
                Outcome::Success
            }
            Err(Failure::Input(message)) => {
                eprintln!("error: {message}");
                Outcome::InputErrors
            }
            Err(Failure::Io(message)) => {
                eprintln!("error: {message}");
                Outcome::UsageOrIo
            }
        },
    }
}

/// Why an import failed: a bad export (exit 1) or a file problem (exit 2).
#[derive(Debug)]
pub enum Failure {
    Input(String),
    Io(String),
}

/// Imports `args.file` into the project that contains `cwd`; returns what was done.
pub fn import(args: &ImportArgs, cwd: &Path) -> Result<String, Failure> {
    let source = resolve(cwd, &args.file);
    let bytes = std::fs::read(&source).map_err(|e| Failure::Io(format!("cannot read {}: {e}", args.file.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| Failure::Input(format!("{} is not UTF-8", args.file.display())))?;
    let catalog = crate::catalog::import::import_json(&text)
        .map_err(|e| Failure::Input(format!("{} is not an alias export: {e}", args.file.display())))?;
    let namespace = main_namespace(&catalog)
        .ok_or_else(|| Failure::Input(format!("{} holds no resource types", args.file.display())))?;
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let root = crate::project::find_root(&cwd.join(FILE_NAME));
    let target = match &args.out {
        Some(out) => resolve(&cwd, out),
        None => root.join("catalogs").join(format!("{namespace}.json")),
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    write_atomically(&target, text.as_bytes())?;
    let target = target.canonicalize().unwrap_or(target);
    let root = root.canonicalize().unwrap_or(root);
    let entry = match target.strip_prefix(&root) {
        Ok(relative) => relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => target.display().to_string(),
    };
    let toml_path = root.join(FILE_NAME);
    let current = match std::fs::read_to_string(&toml_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::Io(format!("cannot read {}: {e}", toml_path.display()))),
    };
    let updated = config::with_catalog(&current, &entry).map_err(Failure::Input)?;
    if updated != current {
        write_atomically(&toml_path, updated.as_bytes())?;
    }
    Ok(format!(
        "imported {} aliases of {} resource types ({namespace}) to {entry}; {} lists it",
        catalog.len(),
        catalog.resource_types().count(),
        toml_path.display()
    ))
}

/// The namespace with the most resource types: the file name of the copy.
fn main_namespace(catalog: &Catalog) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for ty in catalog.resource_types() {
        let namespace = ty.namespace().to_string();
        match counts.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&namespace)) {
            Some((_, count)) => *count += 1,
            None => counts.push((namespace, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, count)| *count).map(|(namespace, _)| namespace)
}

fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { base.join(path) }
}

/// Writes to a temporary file next to `target`, then renames it into place.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", target.display()));
    let dir = target.parent().unwrap_or(Path::new("."));
    let temp = dir.join(format!(".gavel-import-{}.tmp", std::process::id()));
    std::fs::write(&temp, bytes).map_err(io)?;
    std::fs::rename(&temp, target).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io(e)
    })
}

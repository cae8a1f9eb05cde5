//! `gavel diff OLD NEW`: the changes between two versions of a library that existing
//! assignments would feel, and whether each definition's version says so. Fails (exit 1) when a
//! definition changes in a breaking way without a new major version, so it can gate CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{CatalogArgs, DiagnosticArgs, Outcome};
use crate::diff::{DefinitionDiff, compare};
use crate::project;

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old version: a file or folder, or `git:REV` for NEW as it was at a git revision.
    pub old: String,
    /// The new version: a file or folder.
    pub new: PathBuf,
    /// `human` (default) or `json`.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
}

pub fn run(args: DiffArgs) -> Outcome {
    // The checkout of a revision lives until the comparison is done.
    let mut _checkout = None;
    let old_path = match args.old.strip_prefix("git:") {
        Some(revision) => match checkout_at(revision, &args.new) {
            Ok((dir, path)) => {
                _checkout = Some(dir);
                path
            }
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::UsageOrIo;
            }
        },
        None => PathBuf::from(&args.old),
    };
    let options = args.catalogs.options();
    let compile = |path: &Path| project::compile_paths_with(&[path.to_path_buf()], &options);
    let (old, new) = match (compile(&old_path), compile(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("error: {error}");
            return Outcome::UsageOrIo;
        }
    };
    for (side, compilation) in [("old", &old), ("new", &new)] {
        if compilation.has_errors() {
            let shown = DiagnosticArgs { format: crate::diag::render::Format::Human, deny_warnings: false };
            let errors: Vec<_> = compilation.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
            super::report_diagnostics(&errors, &compilation.sources, &shown);
            eprintln!("error: the {side} version has errors; it is not compared");
            return Outcome::InputErrors;
        }
    }
    let diffs = compare(&old.emitted_definitions(), &new.emitted_definitions());
    match args.format {
        DiffFormat::Human => print!("{}", human(&diffs)),
        DiffFormat::Json => println!("{}", crate::emit::to_pretty_text(&json(&diffs)).trim_end()),
    }
    if diffs.iter().any(|d| d.needs_major_version) { Outcome::InputErrors } else { Outcome::Success }
}

/// NEW as it was at `revision`: the tree at NEW's path, extracted with `git archive` into a
/// temporary folder. Returns the folder (removed when dropped) and the path in it.
fn checkout_at(revision: &str, new: &Path) -> Result<(tempfile::TempDir, PathBuf), String> {
    let (dir, file) =
        if new.is_dir() { (new, None) } else { (new.parent().unwrap_or(Path::new(".")), new.file_name()) };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = git(dir, &["rev-parse", "--show-prefix"])?;
    // From a subfolder `git archive` keeps only that subfolder of the tree it is given.
    let top = PathBuf::from(String::from_utf8_lossy(&git(dir, &["rev-parse", "--show-toplevel"])?).trim());
    // Not a hidden name (`.tmpXXXX`): folder searches skip hidden folders.
    let target =
        tempfile::Builder::new().prefix("gavel-diff-").tempdir().map_err(|e| format!("a temporary folder: {e}"))?;
    let tree = format!("{revision}:{}", String::from_utf8_lossy(&prefix).trim());
    let archive = git(&top, &["archive", "--format=tar", &tree])?;
    untar(&archive, target.path()).map_err(|e| format!("unpacking {tree}: {e}"))?;
    let path = match file {
        Some(name) => target.path().join(name),
        None => target.path().to_path_buf(),
    };
    Ok((target, path))
}

/// Unpacks a tar archive with the system's `tar`, which every platform with git has.
fn untar(archive: &[u8], into: &Path) -> Result<(), String> {
    use std::io::Write as _;
    let mut child = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("tar could not be run: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(archive).map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).trim().to_string()),
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("git could not be run: {e}"))?;
    if !output.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(output.stdout)
}

fn human(diffs: &[DefinitionDiff]) -> String {
    let mut out = String::new();
    for diff in diffs {
        out.push_str(&format!("{}\n", diff.name));
        for change in &diff.changes {
            let marker = if change.kind.breaking() { "breaking" } else { "        " };
            out.push_str(&format!("  {marker}  {}\n", change.message));
        }
        out.push_str(&format!("  version   {}\n", diff.version_verdict()));
    }
    let failing = diffs.iter().filter(|d| d.needs_major_version).count();
    out.push_str(&match (diffs.len(), failing) {
        (0, _) => "no changes that assignments would feel\n".to_string(),
        (n, 0) => format!("{n} changed, every version matches its changes\n"),
        (n, f) => format!("{n} changed, {f} with breaking changes and no new major version\n"),
    });
    out
}

fn json(diffs: &[DefinitionDiff]) -> serde_json::Value {
    let definitions: Vec<serde_json::Value> = diffs
        .iter()
        .map(|d| {
            serde_json::json!({
                "name": d.name,
                "oldVersion": d.old_version,
                "newVersion": d.new_version,
                "changes": d.changes.iter().map(|c| serde_json::json!({
                    "kind": c.kind.name(), "breaking": c.kind.breaking(), "message": c.message,
                })).collect::<Vec<_>>(),
                "breaking": d.breaking(),
                "needsMajorVersion": d.needs_major_version,
                "version": d.version_verdict(),
            })
        })
        .collect();
    serde_json::json!({ "version": 1, "definitions": definitions })
}

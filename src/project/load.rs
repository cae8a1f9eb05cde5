//! Finding and reading source files, and following imports without leaving the project root.

use std::collections::HashSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use super::read::{Limit, ReadFailure, read_file};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{FileId, Span};

/// A problem with the inputs of a run (missing path, unreadable folder): exit code 2.
#[derive(Debug)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for InputError {}

/// What a search of the inputs found: the files, in order, and the entries it left out.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

/// An entry of a searched folder that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
    /// What to do about it.
    pub help: &'static str,
}

const SPECIAL_FILE_HELP: &str =
    "gavel opens regular files only (a FIFO would block the run); remove the entry or rename it";
const LOOP_HELP: &str =
    "the folder is searched once, where it is first reached; point the link elsewhere or add it to `.ignore`";
const UNREADABLE_HELP: &str = "check that the entry exists (a link may point nowhere) and is readable";

/// Folders that hold other tools' files, never sources: not searched (unless named).
const NOT_SEARCHED: &[&str] = &["node_modules", "target"];

/// The `.gavel` files named by `inputs`: files as given, folders searched recursively, in a
/// stable (sorted) order, each file once.
pub fn collect_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    walk_inputs(inputs, &is_gavel_file, &|| false).map(|found| found.files)
}

/// `path` is named like a gavel source.
pub fn is_gavel_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "gavel")
}

/// The files named by `inputs`: each file named is taken as it is (whatever its name, even in a
/// hidden or ignored folder); each folder is searched for files that are `wanted`, as `git`
/// would see them (hidden folders, `node_modules`, `target` and what `.gitignore` or `.ignore`
/// exclude are not entered), following symbolic links but never round a loop. A file reached
/// twice (through a link, a hard link, or named twice) is taken once, where it is first met.
/// The search stops early, with what it found, once `cancelled` says so.
///
/// A named input that does not exist, or is not a regular file or a folder, fails the run:
/// opening a FIFO would block it. Entries of a folder that cannot be read safely are skipped.
pub fn walk_inputs(
    inputs: &[PathBuf],
    wanted: &dyn Fn(&Path) -> bool,
    cancelled: &dyn Fn() -> bool,
) -> Result<Inputs, InputError> {
    let mut found = Found::default();
    for input in inputs {
        let metadata =
            std::fs::metadata(input).map_err(|e| InputError { path: input.clone(), message: e.to_string() })?;
        if metadata.is_dir() {
            search(input, wanted, cancelled, &mut found);
        } else if let Some(kind) = super::read::special_kind(&metadata) {
            let message = format!("it is {kind}, not a regular file; gavel reads regular files only");
            return Err(InputError { path: input.clone(), message });
        } else {
            found.take(input.clone(), &metadata);
        }
    }
    Ok(found.inputs)
}

/// The files taken so far and the identities of what they are.
#[derive(Default)]
struct Found {
    inputs: Inputs,
    seen: HashSet<FileIdentity>,
}

impl Found {
    fn take(&mut self, path: PathBuf, metadata: &std::fs::Metadata) {
        if self.seen.insert(FileIdentity::of(&path, metadata)) {
            self.inputs.files.push(path);
        }
    }

    fn skip(&mut self, path: PathBuf, reason: String, help: &'static str) {
        self.inputs.skipped.push(Skipped { path, reason, help });
    }
}

/// What makes two paths one file: its device and inode where there are such, else its
/// canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileIdentity {
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileIdentity {
    /// The identity of the file at `path`, whose metadata (links followed) is `metadata`.
    pub fn of(path: &Path, metadata: &std::fs::Metadata) -> FileIdentity {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            FileIdentity::Inode(metadata.dev(), metadata.ino())
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            FileIdentity::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
        }
    }
}

fn search(dir: &Path, wanted: &dyn Fn(&Path) -> bool, cancelled: &dyn Fn() -> bool, found: &mut Found) {
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(true)
        .hidden(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        // One's personal ignore list is not the project's: a build must not depend on it.
        .git_global(false)
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && entry.file_name().to_str().is_some_and(|n| NOT_SEARCHED.contains(&n)))
        })
        .build();
    for entry in walker {
        if cancelled() {
            return;
        }
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if entry.depth() == 0 || !wanted(path) {
                    continue;
                }
                match std::fs::metadata(path) {
                    Ok(metadata) if metadata.is_dir() => {}
                    Ok(metadata) => match super::read::special_kind(&metadata) {
                        Some(kind) => found.skip(
                            path.to_path_buf(),
                            format!("it is {kind}, not a regular file"),
                            SPECIAL_FILE_HELP,
                        ),
                        None => found.take(path.to_path_buf(), &metadata),
                    },
                    Err(error) => {
                        found.skip(path.to_path_buf(), format!("it cannot be read: {error}"), UNREADABLE_HELP)
                    }
                }
            }
            // A folder that cannot be entered is worth a word, an unwanted file is not.
            Err(error) => {
                if let Some((path, reason, help)) = skipped_entry(&error)
                    && (wanted(&path) || path.is_dir() || help == LOOP_HELP)
                {
                    found.skip(path, reason, help);
                }
            }
        }
    }
}

/// The entry a walk error is about and why it was skipped; `None` for problems with the ignore
/// files themselves (a bad pattern), which leave every entry searched.
fn skipped_entry(error: &ignore::Error) -> Option<(PathBuf, String, &'static str)> {
    match error {
        ignore::Error::Loop { ancestor, child } => Some((
            child.clone(),
            format!("it is a symbolic link back to `{}`, a folder being searched", ancestor.display()),
            LOOP_HELP,
        )),
        ignore::Error::WithPath { path, err } => match err.as_ref() {
            ignore::Error::Io(io) => Some((path.clone(), format!("it cannot be read: {io}"), UNREADABLE_HELP)),
            inner => skipped_entry(inner),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => skipped_entry(err),
        _ => None,
    }
}

/// The project root of a file: the nearest folder above it with a `gavel.toml`, else the
/// file's own folder.
pub fn find_root(file: &Path) -> PathBuf {
    let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    dir.ancestors().find(|d| d.join("gavel.toml").is_file()).map(Path::to_path_buf).unwrap_or(dir)
}

/// Why a source file could not be read.
pub enum ReadError {
    Io(String),
    /// Not read at all: a special file, or one past the read limit.
    Refused {
        code: Code,
        message: String,
        help: String,
    },
    /// Not UTF-8; `lossy` is the text with invalid bytes replaced, for showing the place.
    Utf8 {
        offset: usize,
        message: String,
        lossy: String,
    },
}

impl From<ReadFailure> for ReadError {
    fn from(failure: ReadFailure) -> ReadError {
        match failure.code() {
            Some(code) => ReadError::Refused { code, message: failure.to_string(), help: failure.help() },
            None => ReadError::Io(failure.to_string()),
        }
    }
}

impl ReadError {
    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        match self {
            ReadError::Io(message) => {
                Diagnostic::new(Code::ImportError, Span::new(file, 0, 0), format!("cannot read the file: {message}"))
                    .with_help("check that the file exists and is readable")
            }
            ReadError::Refused { code, message, help } => {
                Diagnostic::new(code, Span::new(file, 0, 0), format!("the file was not read: {message}"))
                    .with_help(help)
            }
            ReadError::Utf8 { offset, message, .. } => Diagnostic::new(
                Code::InvalidUtf8,
                Span::new(file, offset, offset + 1),
                format!("the file is not valid UTF-8 at byte {offset}: {message}"),
            )
            .with_help("save the file as UTF-8"),
        }
    }
}

/// Reads a source file as UTF-8, dropping a byte-order mark; bounded by the file limit.
pub fn read_source(path: &Path) -> Result<String, ReadError> {
    let bytes = read_file(path, Limit::File)?;
    decode_source(bytes)
}

/// Bytes to text: UTF-8 required, a leading byte-order mark dropped.
pub fn decode_source(bytes: Vec<u8>) -> Result<String, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Err(ReadError::Utf8 { offset, message: error.utf8_error().to_string(), lossy })
        }
    }
}

/// The file an `import` names, which must exist and stay inside `root`.
pub fn resolve_import(importer: &Path, root: &Path, target: &str) -> Result<PathBuf, String> {
    let relative = Path::new(target);
    if relative.is_absolute() || relative.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir)) {
        return Err(format!("`{target}` is an absolute path; imports are relative to the importing file"));
    }
    let base = importer.parent().unwrap_or(Path::new("."));
    let joined = base.join(relative);
    let resolved = joined.canonicalize().map_err(|_| format!("`{target}` does not exist"))?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !resolved.starts_with(&root) {
        return Err(format!("`{target}` is outside the project root `{}`", root.display()));
    }
    if !resolved.is_file() {
        return Err(format!("`{target}` is not a file"));
    }
    Ok(resolved)
}

//! Finding and reading source files, and following imports without leaving the project root.

use std::fmt;
use std::path::{Component, Path, PathBuf};

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

/// The `.gavel` files named by `inputs`: files as given, folders searched recursively, in a
/// stable (sorted) order.
pub fn collect_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for input in inputs {
        let metadata =
            std::fs::metadata(input).map_err(|e| InputError { path: input.clone(), message: e.to_string() })?;
        if metadata.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InputError { path: dir.to_path_buf(), message: e.to_string() })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "gavel") {
            files.push(path);
        }
    }
    Ok(())
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
    /// Not UTF-8; `lossy` is the text with invalid bytes replaced, for showing the place.
    Utf8 {
        offset: usize,
        message: String,
        lossy: String,
    },
}

impl ReadError {
    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        match self {
            ReadError::Io(message) => {
                Diagnostic::new(Code::ImportError, Span::new(file, 0, 0), format!("cannot read the file: {message}"))
                    .with_help("check that the file exists and is readable")
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

/// Reads a source file as UTF-8, dropping a byte-order mark.
pub fn read_source(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
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

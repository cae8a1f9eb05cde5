//! Writing what gavel makes without losing or changing anything behind the user's back.
//!
//! - [`write_file`] replaces one file (`fmt`, `decompile`, `catalog import`, `gavel.toml`):
//!   through a temporary file beside it, renamed into place, with the mode and owner the file had;
//!   through a symbolic link to the file it names; in place for a file with several hard links;
//!   never for a read-only file. A file whose bytes would not change is not touched.
//! - [`write_output_set`] replaces the whole output folder of `gavel build` at once: the new set
//!   is staged beside it and swapped in with one rename, so that a reader, or a build killed at
//!   any moment, sees either the complete old set or the complete new one.
//!
//! Temporary files and folders are made by `tempfile` (unpredictable names, created exclusively,
//! never through a link planted in their place) in the folder of what they replace.

mod file;
mod meta;
mod set;

use std::fmt;
use std::path::{Path, PathBuf};

pub use file::write_file;
pub use set::{SetSummary, write_output_set};

use super::{DiagnosticArgs, report_diagnostics};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{SourceMap, Span};

/// Why something could not be written; nothing was changed.
#[derive(Debug)]
pub struct WriteError {
    pub code: Code,
    pub path: PathBuf,
    pub message: String,
    pub help: String,
}

impl WriteError {
    fn io(path: &Path, what: &str, error: std::io::Error) -> WriteError {
        WriteError {
            code: Code::EmitFailed,
            path: path.to_path_buf(),
            message: format!("cannot {what} {}: {error}", path.display()),
            help: "check that the folder exists and is writable; nothing was changed".into(),
        }
    }

    fn read_only(path: &Path) -> WriteError {
        WriteError {
            code: Code::ReadOnlyOutput,
            path: path.to_path_buf(),
            message: format!("{} is read-only, so gavel does not replace it", path.display()),
            help: format!("make it writable (`chmod u+w {}`) if it should be replaced", path.display()),
        }
    }

    fn not_own_folder(path: &Path, message: String, help: &str) -> WriteError {
        WriteError { code: Code::OutputFolderRefused, path: path.to_path_buf(), message, help: help.into() }
    }

    /// The error as a diagnostic about the file it concerns.
    pub fn into_diagnostic(self, sources: &mut SourceMap) -> Diagnostic {
        let file = sources.add(self.path, String::new());
        Diagnostic::new(self.code, Span::new(file, 0, 0), self.message).with_help(self.help)
    }

    /// Prints the error as a diagnostic in the format the command was asked for.
    pub fn report(self, args: &DiagnosticArgs) {
        let mut sources = SourceMap::new();
        let diagnostic = self.into_diagnostic(&mut sources);
        report_diagnostics(&[diagnostic], &sources, args);
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}); {}", self.message, self.code.id(), self.help)
    }
}

impl std::error::Error for WriteError {}

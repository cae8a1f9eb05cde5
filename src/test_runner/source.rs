//! Values with the place they were written, and reading the JSON files that tests and
//! `gavel eval` refer to (resources, definitions) into the source map, so that a problem in
//! one is shown in its own text.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{FileId, SourceMap, Span};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Located<T> {
        Located { value, span }
    }
}

/// Reads a JSON file. An unreadable file is reported at `reference` (where it was named);
/// malformed JSON is reported in the file itself. The value's span is its first character.
pub fn read_json_file(
    path: &Path,
    sources: &mut SourceMap,
    code: Code,
    reference: Span,
) -> Result<Located<Value>, Diagnostic> {
    let text = match crate::project::read_source(path) {
        Ok(text) => text,
        Err(crate::project::ReadError::Io(message)) => {
            return Err(Diagnostic::new(code, reference, format!("cannot read `{}`: {message}", path.display()))
                .with_help("paths are relative to the file that names them"));
        }
        Err(crate::project::ReadError::Refused { code, message, help }) => {
            return Err(Diagnostic::new(code, reference, format!("`{}` was not read: {message}", path.display()))
                .with_help(help));
        }
        Err(error @ crate::project::ReadError::Utf8 { .. }) => {
            let file = sources.add(path, String::new());
            return Err(error.into_diagnostic(file));
        }
    };
    let file = sources.add(path, text);
    let text = sources.get(file).map_or("", |f| &*f.text);
    match serde_json::from_str::<Value>(text) {
        Ok(value) => {
            let start = text.len() - text.trim_start().len();
            Ok(Located::new(value, Span::new(file, start, start + 1)))
        }
        Err(error) => Err(Diagnostic::new(
            code,
            json_error_span(file, text, &error),
            format!("`{}` is not valid JSON: {}", path.display(), json_message(&error)),
        )
        .with_help("the file must hold one JSON value, as `az resource show` or `gavel build` write it")),
    }
}

/// serde_json's message without its trailing position (the diagnostic shows it).
pub fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    text.rsplit_once(" at line ").map_or(text.clone(), |(m, _)| m.to_string())
}

/// The one-character span serde_json's line and column point at.
pub fn json_error_span(file: FileId, text: &str, error: &serde_json::Error) -> Span {
    let line_start: usize = text.split_inclusive('\n').take(error.line().saturating_sub(1)).map(str::len).sum();
    let offset = (line_start + error.column().saturating_sub(1)).min(text.len());
    Span::new(file, offset, (offset + 1).min(text.len()).max(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_point_at_their_character() {
        let text = "{\n  \"a\": 1,\n  oops\n}";
        let error = serde_json::from_str::<Value>(text).unwrap_err();
        let span = json_error_span(FileId(0), text, &error);
        assert_eq!(&text[span.range()], "o");
        assert_eq!(json_message(&error), "key must be a string");
    }
}

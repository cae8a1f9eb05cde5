//! Renderers: people (ariadne), machines (JSON, SARIF 2.1.0).
//!
//! All three read the same [`Diagnostic`]s and the [`SourceMap`] they point into. Spans are
//! byte ranges that other phases compute; a renderer must never trust them blindly, so every
//! offset goes through `resolve_span`, which clamps it into the file and onto a character
//! boundary before anything slices the text.

mod excerpt;
mod human;
mod json;
mod sarif;

pub use human::{render_human, summary_line};
pub use json::render_json;
pub use sarif::render_sarif;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::diag::Diagnostic;
use crate::syntax::span::{ColumnUnit, SourceFile, SourceMap, Span, ceil_char_boundary, floor_char_boundary};

/// An output format for diagnostics, as chosen with `--format human|json|sarif`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Format {
    /// Annotated source snippets for people (ariadne).
    #[default]
    Human,
    /// gavel's own JSON shape, documented on [`render_json`].
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Format`] name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown diagnostic format `{}` (expected human, json or sarif)", self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Accepts the same names as the clap value enum, case-insensitively.
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        [Format::Human, Format::Json, Format::Sarif]
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Renders `diags` in `format`. Human output has no summary line (append [`summary_line`]
/// when wanted); JSON and SARIF are pretty-printed and end with a newline. `color` only
/// affects human output.
pub fn render(format: Format, diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    match format {
        Format::Human => render_human(diags, sources, color),
        Format::Json => pretty(&render_json(diags, sources)),
        Format::Sarif => pretty(&render_sarif(diags, sources, env!("CARGO_PKG_VERSION"))),
    }
}

fn pretty(value: &serde_json::Value) -> String {
    // Serialising a `Value` into a `String` cannot fail (no I/O, string keys only); the
    // fallback keeps this function total anyway.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text
}

/// A position in a file, resolved from a byte offset. Lines and all columns are zero-based;
/// the renderers add one where their format counts from one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// The byte offset after clamping into the text and onto a character boundary.
    pub byte: usize,
    pub line: usize,
    /// Column in Unicode scalar values (what people and gavel's JSON count).
    pub char_col: usize,
    /// Column in UTF-16 code units (what SARIF and LSP count by default).
    pub utf16_col: usize,
}

/// Both ends of a span, resolved in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub start: Position,
    pub end: Position,
}

/// Resolves `span` in `file`, clamping rather than failing: spans past the end of the file
/// shrink to the end, offsets inside a multi-byte character widen to cover the whole character,
/// and a reversed span (the fields are public) collapses to its start.
pub(crate) fn resolve_span(file: &SourceFile, span: Span) -> Range {
    let start = floor_char_boundary(&file.text, span.start as usize);
    let end = if span.end <= span.start { start } else { ceil_char_boundary(&file.text, span.end as usize).max(start) };
    Range { start: position(file, start), end: position(file, end) }
}

/// `offset` must already be clamped onto a character boundary of `file.text`. The file's line
/// index is built once and shared by every renderer, so a position costs a binary search
/// however long its line is.
fn position(file: &SourceFile, offset: usize) -> Position {
    let index = file.line_index();
    let (line, char_col) = index.line_column(&file.text, offset, ColumnUnit::Char);
    let (_, utf16_col) = index.line_column(&file.text, offset, ColumnUnit::Utf16);
    Position { byte: offset, line, char_col, utf16_col }
}

/// A file's path as machine outputs print it: as given, but with `/` separators on every
/// platform so that JSON and SARIF baselines do not depend on the OS that produced them.
pub(crate) fn portable_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' { text.replace('\\', "/") } else { text.into_owned() }
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
}

pub(crate) fn count(diags: &[Diagnostic]) -> Counts {
    use crate::diag::Severity;
    let mut counts = Counts::default();
    for diag in diags {
        match diag.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Hint => counts.hints += 1,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::FileId;

    #[test]
    fn format_names_round_trip() {
        for format in [Format::Human, Format::Json, Format::Sarif] {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
            assert_eq!(<Format as clap::ValueEnum>::from_str(format.as_str(), false), Ok(format));
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn spans_are_clamped_onto_characters_and_into_the_file() {
        let mut map = SourceMap::new();
        let id = map.add("a.gavel", "aé🚀\nb".to_string());
        let file = map.get(id).unwrap();
        // Inside `é` (bytes 1..3) and inside the rocket (bytes 3..7).
        let range = resolve_span(file, Span { file: id, start: 2, end: 5 });
        assert_eq!((range.start.byte, range.end.byte), (1, 7));
        assert_eq!((range.start.char_col, range.end.char_col), (1, 3));
        assert_eq!((range.start.utf16_col, range.end.utf16_col), (1, 4));
        // Past the end, and reversed.
        let range = resolve_span(file, Span { file: FileId(0), start: 100, end: 200 });
        assert_eq!((range.start.line, range.start.char_col, range.end.byte), (1, 1, 9));
        let range = resolve_span(file, Span { file: id, start: 8, end: 2 });
        assert_eq!(range.start, range.end);
    }
}

//! Diagnostics for people: annotated source snippets drawn by ariadne.
//!
//! ```text
//! error[GV0105]: undefined parameter `$efectType`
//!    ╭─[ policies/no_public_ip.gavel:9:10 ]
//!    │
//!  4 │     param effectType: effect = Deny in [Deny, Disabled]
//!    │           ─────┬────
//!    │                ╰────── a parameter with a similar name is declared here
//!    │
//!  9 │     then $efectType
//!    │          ─────┬────
//!    │               ╰────── a reference to a parameter that is not declared
//!    │
//!    │ Help: did you mean `$effectType`?
//!    │
//!    │ Note: fix: replace with `$effectType`
//! ───╯
//! ```
//!
//! The header is written here rather than by ariadne, whose own header reads
//! `[GV0105] Error: …`; gavel follows the `error[GV0105]: …` form people know from rustc.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use ariadne::{Color, Config, Fmt, IndexType, Label, Report, ReportKind, Source};

use super::{count, resolve_span};
use crate::diag::{Diagnostic, Fix, Severity};
use crate::syntax::span::{FileId, SourceFile, SourceMap, Span};

/// Renders every diagnostic, separated by blank lines. With `color: false` the output is
/// plain text and deterministic (snapshot tests rely on it). No summary line is added; see
/// [`summary_line`].
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut cache = SourceCache::default();
    let mut out = String::new();
    for (index, diag) in diags.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&render_one(diag, sources, &mut cache, color));
    }
    out
}

/// `error: 2 errors, 1 warning`: counts of the non-zero severities, led by the most severe
/// one present; `no problems found` when there is nothing to count.
pub fn summary_line(diags: &[Diagnostic]) -> String {
    let counts = count(diags);
    let parts: Vec<String> =
        [(counts.errors, "error", "errors"), (counts.warnings, "warning", "warnings"), (counts.hints, "hint", "hints")]
            .into_iter()
            .filter(|&(n, _, _)| n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect();
    let lead = if counts.errors > 0 {
        "error"
    } else if counts.warnings > 0 {
        "warning"
    } else if counts.hints > 0 {
        "hint"
    } else {
        return "no problems found".to_string();
    };
    format!("{lead}: {}", parts.join(", "))
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        // ariadne's own colour for advice, so hints look like ariadne hints elsewhere.
        Severity::Hint => Color::Fixed(147),
    }
}

fn header(diag: &Diagnostic, color: bool) -> String {
    let lead = format!("{}[{}]", diag.severity.as_str(), diag.code.id());
    if color {
        format!("{}: {}\n", lead.fg(severity_color(diag.severity)), diag.message)
    } else {
        format!("{lead}: {}\n", diag.message)
    }
}

/// The note line of a fix. Fixes built with [`Diagnostic::with_fix`] carry their own wording
/// ("replace with `x`"); one without a message is described from its edits.
fn fix_note(fix: &Fix) -> String {
    let message = if fix.message.trim().is_empty() {
        match fix.edits.as_slice() {
            [edit] if edit.span.is_empty() => format!("insert `{}`", edit.replacement),
            [edit] if edit.replacement.is_empty() => "delete this".to_string(),
            [edit] => format!("replace with `{}`", edit.replacement),
            _ => "apply the suggested edits".to_string(),
        }
    } else {
        fix.message.clone()
    };
    format!("fix: {message}")
}

/// A diagnostic with nothing to point at in a source: the file is not in the map (an I/O
/// error before it was read) or the diagnostic is about the file as a whole (an empty span at
/// offset 0).
fn is_file_level(diag: &Diagnostic, sources: &SourceMap) -> bool {
    sources.get(diag.span.file).is_none() || (diag.span.start == 0 && diag.span.end == 0)
}

fn render_one(diag: &Diagnostic, sources: &SourceMap, cache: &mut SourceCache, color: bool) -> String {
    if !is_file_level(diag, sources)
        && let Some(body) = render_snippet(diag, sources, cache, color)
    {
        return header(diag, color) + &body;
    }
    render_plain(diag, sources, color)
}

/// `error[GV0900]: message` and an arrow to the file, with help, fixes and labels as
/// `= note:` lines in the style of rustc.
fn render_plain(diag: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let mut out = header(diag, color);
    let arrow = |text: &str| {
        if color { format!("{}", text.fg(Color::Fixed(246))) } else { text.to_string() }
    };
    let _ = writeln!(out, "  {} {}", arrow("-->"), sources.path(diag.span.file).display());
    for label in &diag.labels {
        let _ = writeln!(out, "  {} note: {}: {}", arrow("="), location(sources, label.span), label.message);
    }
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "  {} help: {help}", arrow("="));
    }
    for fix in &diag.fixes {
        let _ = writeln!(out, "  {} note: {}", arrow("="), fix_note(fix));
    }
    out
}

/// `path:line:column` (1-based, columns in characters), or just the path when the file is
/// unknown.
fn location(sources: &SourceMap, span: Span) -> String {
    let path = sources.path(span.file).display();
    match sources.get(span.file) {
        Some(file) => {
            let start = resolve_span(file, span).start;
            format!("{path}:{}:{}", start.line + 1, start.char_col + 1)
        }
        None => path.to_string(),
    }
}

/// The ariadne part (everything below the header), or `None` if ariadne could not draw it.
fn render_snippet(diag: &Diagnostic, sources: &SourceMap, cache: &mut SourceCache, color: bool) -> Option<String> {
    let primary = cache.char_span(sources, diag.span)?;
    // The kind only shapes ariadne's header line, which is dropped below.
    let mut report = Report::build(ReportKind::Error, primary.clone())
        .with_config(Config::default().with_color(color).with_index_type(IndexType::Char));

    // ariadne draws no underline for a label without text, so the primary label carries the
    // code's one-line summary (the header already has the specific message). It wins overlaps.
    let mut labels = vec![(primary, diag.code.summary(), true)];
    let mut notes = Vec::new();
    for label in &diag.labels {
        match cache.char_span(sources, label.span) {
            Some(span) => labels.push((span, label.message.as_str(), false)),
            // A label in a file that was never read cannot be drawn; keep its message.
            None => notes.push(format!("{}: {}", location(sources, label.span), label.message)),
        }
    }
    // ariadne starts a new snippet whenever a label ends on a line above the previous label's
    // last line, so labels go in file and end order: the primary file first, then one snippet
    // per other file.
    let primary_file = diag.span.file;
    labels.sort_by_key(|((file, range), _, _)| (*file != primary_file, *file, range.end, range.start));
    for (span, message, is_primary) in labels {
        let mut label = Label::new(span).with_message(message);
        if is_primary {
            label = label.with_priority(1);
        }
        if color {
            label = label.with_color(if is_primary { severity_color(diag.severity) } else { Color::Blue });
        }
        report.add_label(label);
    }
    if let Some(help) = &diag.help {
        report.add_help(help);
    }
    notes.extend(diag.fixes.iter().map(fix_note));
    report.with_notes(notes);
    let report = report.finish();

    let mut bytes = Vec::new();
    // ariadne's layout code warns of its own bugs; a panic there must not take the compiler
    // down with it, so a failed drawing falls back to the plain form. Spans are already
    // clamped and every source is in the cache, so this is a last resort, not a code path.
    let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| report.write(&mut *cache, &mut bytes)));
    if !matches!(written, Ok(Ok(()))) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    // The report was built without a message, so ariadne's header is exactly one line.
    let (_, body) = text.split_once('\n')?;
    // ariadne pads lines with spaces; trailing blanks only make terminals and snapshot files
    // (whose editors strip them) disagree.
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Some(out)
}

/// The sources ariadne draws from, keyed by [`FileId`], built once per file per render.
#[derive(Default)]
struct SourceCache {
    files: HashMap<FileId, (String, Source<String>)>,
}

impl SourceCache {
    /// `span` as the character range ariadne indexes by, or `None` for an unknown file.
    fn char_span(&mut self, sources: &SourceMap, span: Span) -> Option<(FileId, Range<usize>)> {
        let file = sources.get(span.file)?;
        self.files
            .entry(span.file)
            .or_insert_with(|| (file.path.display().to_string(), Source::from(ariadne_text(&file.text))));
        let range = resolve_span(file, span);
        let start = char_offset(file, range.start.byte);
        let end = start + file.text.get(range.start.byte..range.end.byte).map_or(0, |s| s.chars().count());
        Some((span.file, start..end))
    }
}

fn char_offset(file: &SourceFile, byte: usize) -> usize {
    file.text.get(..byte).map_or(0, |s| s.chars().count())
}

/// The text handed to ariadne, with the same number of characters as the source so that
/// character offsets carry over unchanged.
///
/// ariadne breaks lines at `\r`, vertical tab, form feed, NEL, U+2028 and U+2029 as well as at
/// `\n`, while gavel (and its JSON and SARIF positions) counts `\n` only. Those characters are
/// drawn as spaces so that the line numbers people see match every other output. `\r\n` is
/// left alone: ariadne treats it as one break, like gavel.
///
/// A file ending in `\n` gets a trailing space: gavel places the end of such a file on a
/// last, empty line, which ariadne only has if something is on it.
fn ariadne_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let is_break = match c {
            '\r' => chars.peek() != Some(&'\n'),
            '\x0B' | '\x0C' | '\u{85}' | '\u{2028}' | '\u{2029}' => true,
            _ => false,
        };
        out.push(if is_break { ' ' } else { c });
    }
    if text.ends_with('\n') {
        out.push(' ');
    }
    out
}

impl ariadne::Cache<FileId> for SourceCache {
    type Storage = String;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<String>, impl std::fmt::Debug> {
        self.files.get(id).map(|(_, source)| source).ok_or("file not in the source map")
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl std::fmt::Display + 'a> {
        self.files.get(id).map(|(path, _)| path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn summary_counts_only_what_is_there() {
        let span = Span::default();
        let error = Diagnostic::new(Code::UnknownMode, span, "e");
        let warning = Diagnostic::new(Code::UnknownFunction, span, "w");
        let hint = warning.clone().with_severity(Severity::Hint);
        assert_eq!(summary_line(&[]), "no problems found");
        assert_eq!(summary_line(&[error.clone(), error.clone(), warning.clone()]), "error: 2 errors, 1 warning");
        assert_eq!(summary_line(&[warning, hint.clone(), hint]), "warning: 1 warning, 2 hints");
    }

    #[test]
    fn ariadne_text_keeps_character_count() {
        let text = "a\rb\r\nc\u{2028}d\x0C\n";
        let drawn = ariadne_text(text);
        assert_eq!(drawn.chars().count(), text.chars().count() + 1);
        assert_eq!(drawn, "a b\r\nc d \n ");
    }
}

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

use std::fmt::Write as _;
use std::ops::Range;

use ariadne::{Color, Config, Fmt, IndexType, Label, Report, ReportKind, Source};

use super::excerpt::{Excerpt, Renumbering, escape};
use super::{count, resolve_span};
use crate::diag::{Diagnostic, Fix, Severity};
use crate::syntax::span::{FileId, SourceMap, Span};

/// Renders every diagnostic, separated by blank lines. With `color: false` the output is
/// plain text and deterministic (snapshot tests rely on it). No summary line is added; see
/// [`summary_line`].
///
/// What each diagnostic shows of a file is bounded (see [`super::excerpt`]): the cost and the
/// size of the output grow with the number of diagnostics, not with the length of the lines
/// they point into. Control characters of sources and messages are shown as symbols, so that
/// nothing in an input can drive the terminal.
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for (index, diag) in diags.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&render_one(diag, sources, color));
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
    let message = escape(&diag.message);
    if color {
        format!("{}: {message}\n", lead.fg(severity_color(diag.severity)))
    } else {
        format!("{lead}: {message}\n")
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

fn render_one(diag: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    if !is_file_level(diag, sources)
        && let Some(body) = render_snippet(diag, sources, color)
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
    let path = escape(&sources.path(diag.span.file).display().to_string()).into_owned();
    let _ = writeln!(out, "  {} {path}", arrow("-->"));
    for label in &diag.labels {
        let _ = writeln!(out, "  {} note: {}: {}", arrow("="), location(sources, label.span), escape(&label.message));
    }
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "  {} help: {}", arrow("="), escape(help));
    }
    for fix in &diag.fixes {
        let _ = writeln!(out, "  {} note: {}", arrow("="), escape(&fix_note(fix)));
    }
    out
}

/// `path:line:column` (1-based, columns in characters), or just the path when the file is
/// unknown.
fn location(sources: &SourceMap, span: Span) -> String {
    let path = escape(&sources.path(span.file).display().to_string()).into_owned();
    match sources.get(span.file) {
        Some(file) => {
            let start = resolve_span(file, span).start;
            format!("{path}:{}:{}", start.line + 1, start.char_col + 1)
        }
        None => path.to_string(),
    }
}

/// One label to draw: its file, its byte range (clamped onto characters), its message.
struct Drawn<'d> {
    file: FileId,
    bytes: Range<usize>,
    message: &'d str,
    is_primary: bool,
}

/// The ariadne part (everything below the header), or `None` if ariadne could not draw it.
fn render_snippet(diag: &Diagnostic, sources: &SourceMap, color: bool) -> Option<String> {
    let primary_file = sources.get(diag.span.file)?;
    let primary = resolve_span(primary_file, diag.span);
    // ariadne draws no underline for a label without text, so the primary label carries the
    // code's one-line summary (the header already has the specific message). It wins overlaps.
    let mut labels = vec![Drawn {
        file: diag.span.file,
        bytes: primary.start.byte..primary.end.byte,
        message: diag.code.summary(),
        is_primary: true,
    }];
    let mut notes = Vec::new();
    for label in &diag.labels {
        match sources.get(label.span.file) {
            Some(file) => {
                let range = resolve_span(file, label.span);
                let bytes = range.start.byte..range.end.byte;
                labels.push(Drawn { file: label.span.file, bytes, message: &label.message, is_primary: false });
            }
            // A label in a file that was never read cannot be drawn; keep its message.
            None => notes.push(format!("{}: {}", location(sources, label.span), escape(&label.message))),
        }
    }
    // ariadne starts a new snippet whenever a label ends on a line above the previous label's
    // last line, so labels go in file and end order: the primary file first, then one snippet
    // per other file.
    labels.sort_by_key(|l| (l.file != diag.span.file, l.file, l.bytes.end, l.bytes.start));
    let excerpts = Excerpts::new(&labels, sources, diag.span.file, primary.start.byte);

    // The kind only shapes ariadne's header line, which is dropped below.
    let report_span =
        (diag.span.file, excerpts.range(sources, diag.span.file, &(primary.start.byte..primary.start.byte)));
    let mut report = Report::build(ReportKind::Error, report_span)
        .with_config(Config::default().with_color(color).with_index_type(IndexType::Char));
    for drawn in &labels {
        let span = (drawn.file, excerpts.range(sources, drawn.file, &drawn.bytes));
        let mut label = Label::new(span).with_message(escape(drawn.message));
        if drawn.is_primary {
            label = label.with_priority(1);
        }
        if color {
            label = label.with_color(if drawn.is_primary { severity_color(diag.severity) } else { Color::Blue });
        }
        report.add_label(label);
    }
    if let Some(help) = &diag.help {
        report.add_help(escape(help));
    }
    notes.extend(diag.fixes.iter().map(|fix| escape(&fix_note(fix)).into_owned()));
    report.with_notes(notes);
    let report = report.finish();

    let mut bytes = Vec::new();
    // ariadne's layout code warns of its own bugs; a panic there must not take the compiler
    // down with it, so a failed drawing falls back to the plain form. Spans are already
    // clamped and every source is an excerpt of its own, so this is a last resort.
    let mut cache = &excerpts;
    let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| report.write(&mut cache, &mut bytes)));
    if !matches!(written, Ok(Ok(()))) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    // The report was built without a message, so ariadne's header is exactly one line.
    let (_, body) = text.split_once('\n')?;
    Some(excerpts.renumbering(&labels, sources, diag.span.file, primary.start.byte).apply(body))
}

/// The excerpt of each file one diagnostic shows, keyed by [`FileId`], with the names shown
/// for them.
struct Excerpts {
    files: Vec<(FileId, String, Source<String>, Excerpt)>,
}

impl Excerpts {
    fn new(labels: &[Drawn<'_>], sources: &SourceMap, primary: FileId, focus: usize) -> Excerpts {
        let mut files: Vec<(FileId, String, Source<String>, Excerpt)> = Vec::new();
        for drawn in labels {
            if files.iter().any(|(id, ..)| *id == drawn.file) {
                continue;
            }
            let Some(file) = sources.get(drawn.file) else { continue };
            let ranges: Vec<Range<usize>> =
                labels.iter().filter(|l| l.file == drawn.file).map(|l| l.bytes.clone()).collect();
            let excerpt = Excerpt::new(file, &ranges, (drawn.file == primary).then_some(focus));
            let name = escape(&file.path.display().to_string()).into_owned();
            files.push((drawn.file, name, Source::from(excerpt.text.clone()), excerpt));
        }
        Excerpts { files }
    }

    fn get(&self, id: FileId) -> Option<&(FileId, String, Source<String>, Excerpt)> {
        self.files.iter().find(|(file, ..)| *file == id)
    }

    /// The excerpt's character range of a byte range of file `id`.
    fn range(&self, sources: &SourceMap, id: FileId, bytes: &Range<usize>) -> Range<usize> {
        match (self.get(id), sources.get(id)) {
            (Some((.., excerpt)), Some(file)) => excerpt.range(file, bytes),
            _ => 0..0,
        }
    }

    /// How to put the files' positions into ariadne's drawing: one snippet per file, in label
    /// order, whose header gives the diagnostic's position in its own file and the first
    /// label's position in the others.
    fn renumbering<'a>(
        &'a self,
        labels: &[Drawn<'_>],
        sources: &SourceMap,
        primary: FileId,
        focus: usize,
    ) -> Renumbering<'a> {
        let mut snippets = Vec::new();
        for (id, name, _, excerpt) in &self.files {
            let Some(file) = sources.get(*id) else { continue };
            let first = labels.iter().find(|l| l.file == *id).map_or(0, |l| l.bytes.start);
            let at = if *id == primary { focus } else { first };
            let (line, column) = excerpt.ariadne_location(excerpt.range(file, &(at..at)).start);
            let (real_line, real_column) = file.line_char_col(u32::try_from(at).unwrap_or(u32::MAX));
            snippets.push((
                excerpt,
                format!("{name}:{line}:{column}"),
                format!("{name}:{}:{}", real_line + 1, real_column + 1),
            ));
        }
        Renumbering { snippets }
    }
}

impl ariadne::Cache<FileId> for &Excerpts {
    type Storage = String;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<String>, impl std::fmt::Debug> {
        self.get(*id).map(|(_, _, source, _)| source).ok_or("file not in the source map")
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl std::fmt::Display + 'a> {
        self.get(*id).map(|(_, name, ..)| name.clone())
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
}

//! The part of a file one human diagnostic shows, and what it takes to draw it safely.
//!
//! ariadne draws from a text of its own and counts the whole of every line it shows, for every
//! diagnostic. Given the files themselves, a one-line file of 100 KB with a thousand
//! diagnostics would be drawn a thousand times whole. So each diagnostic gets an [`Excerpt`]
//! per file: only the lines its labels start or end on, one empty line for each run of lines
//! between them (ariadne draws such a run as one gap whatever its length), and of a long line
//! only a window around what the labels point at, with `…` where it is cut. Everything costs
//! in proportion to what is shown, never to the size of the file or of the line.
//!
//! ariadne numbers the lines of the text it is given, so the line numbers in its margin are
//! the excerpt's; [`Renumbering`] puts the file's numbers back afterwards.
//!
//! Text shown to a terminal must not be able to drive it: control characters of a source or of
//! a message that quotes one are shown as visible symbols ([`escape`]).

use std::fmt::Write as _;
use std::ops::Range;

use crate::syntax::span::{ColumnUnit, LineIndex, SourceFile, floor_char_boundary};

/// Lines up to this many characters are shown whole (so ordinary files look as they are).
pub(super) const SHOWN_WHOLE: usize = 160;
/// Characters of a longer line shown around what a diagnostic points at.
pub(super) const WINDOW: usize = 120;
/// When the labels of a line are further apart than the window, how much of the line before
/// the focus the window keeps.
const CONTEXT_BEFORE: usize = 40;
const ELLIPSIS: char = '…';

/// A character as it may be written to a terminal: `None` when it can go as it is.
///
/// C0 controls and DEL become their Unicode control pictures (`␛` for ESC), one character for
/// one, so columns stay put. C1 controls (which some terminals obey like ESC sequences), the
/// Unicode line and paragraph separators and the bidirectional overrides (which reorder what
/// the reader sees) are written as `\u{…}`. Tabs stay (ariadne turns them into spaces).
fn escaped(c: char, keep_newline: bool) -> Option<String> {
    match c {
        '\t' => None,
        '\n' if keep_newline => None,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).map(String::from),
        '\x7f' => Some('\u{2421}'.to_string()),
        '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some(format!("\\u{{{:x}}}", c as u32))
        }
        _ => None,
    }
}

/// `text` with every control character made visible (see [`escaped`]); line breaks stay.
pub(super) fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| escaped(c, true).is_some()) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match escaped(c, true) {
            Some(shown) => out.push_str(&shown),
            None => out.push(c),
        }
    }
    out.into()
}

/// One line of the file as the excerpt shows it.
#[derive(Debug)]
struct ShownLine {
    /// Zero-based line of the file.
    line: usize,
    /// The line's text, without its break.
    content: Range<usize>,
    /// The bytes of the line the excerpt shows (all of `content` unless the line is long).
    window: Range<usize>,
    /// Where the line starts in the excerpt, in characters.
    excerpt_start: usize,
    /// `(byte, excerpt column)` of every character of the window, in order.
    columns: Vec<(usize, usize)>,
    /// The excerpt column after the window's last character.
    window_end: usize,
    /// The excerpt column after the line's text (and after a closing `…`).
    line_end: usize,
}

impl ShownLine {
    fn cut_before(&self) -> bool {
        self.window.start > self.content.start
    }

    fn cut_after(&self) -> bool {
        self.window.end < self.content.end
    }

    /// The excerpt column of the character at `byte` (a character boundary on this line, or
    /// inside its line break).
    fn column_of(&self, byte: usize) -> usize {
        if byte < self.window.start {
            return 0;
        }
        if byte >= self.content.end {
            // The break's characters are ASCII and copied as they are.
            return self.line_end + (byte - self.content.end);
        }
        if byte >= self.window.end {
            return self.window_end;
        }
        let at = self.columns.partition_point(|&(b, _)| b < byte);
        self.columns.get(at).map_or(self.window_end, |&(_, column)| column)
    }

    /// The excerpt column just after the character that starts at `byte`.
    fn column_after(&self, byte: usize) -> usize {
        if byte < self.window.start {
            return 1;
        }
        if byte >= self.content.end {
            return self.line_end + (byte - self.content.end) + 1;
        }
        if byte >= self.window.end {
            return self.window_end + 1;
        }
        let at = self.columns.partition_point(|&(b, _)| b <= byte);
        self.columns.get(at).map_or(self.window_end, |&(_, column)| column)
    }
}

/// The part of one file that one diagnostic shows, as the text ariadne draws.
#[derive(Debug)]
pub(super) struct Excerpt {
    pub text: String,
    lines: Vec<ShownLine>,
    /// For each line of `text`, the file's zero-based line (`None` for a gap).
    numbers: Vec<Option<usize>>,
}

impl Excerpt {
    /// The excerpt of `file` that shows the byte ranges `labels` (each clamped onto characters
    /// of the file). `focus` is the offset to keep in view when a line has labels further apart
    /// than a window (the diagnostic's own position, when it is in this file).
    pub fn new(file: &SourceFile, labels: &[Range<usize>], focus: Option<usize>) -> Excerpt {
        let index = file.line_index();
        let text = &*file.text;
        let mut wanted: Vec<usize> = labels
            .iter()
            .flat_map(|label| [index.line_of(label.start), index.line_of(last_char(text, label))])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();

        let mut excerpt = Excerpt { text: String::new(), lines: Vec::new(), numbers: Vec::new() };
        let mut length = 0;
        for (i, &line) in wanted.iter().enumerate() {
            if i > 0 && wanted.get(i - 1).is_some_and(|&previous| previous + 1 < line) {
                excerpt.text.push('\n');
                excerpt.numbers.push(None);
                length += 1;
            }
            let content = index.line_range(text, line).unwrap_or(text.len()..text.len());
            let interest = interest(index, text, &content, labels, focus);
            let window = window(index, text, line, &content, interest);
            let shown = excerpt.push_line(text, line, content, window, length);
            length = shown.line_end;
            let line_break = line_break(text, index, line);
            excerpt.text.push_str(line_break);
            length += line_break.len();
            excerpt.lines.push(shown);
            excerpt.numbers.push(Some(line));
        }
        // ariadne has no line after a final break unless something is on it, while the end of
        // such a file is on that empty line.
        if excerpt.lines.last().is_some_and(|last| last.content.is_empty() && last.line > 0) {
            excerpt.text.push(' ');
        }
        excerpt
    }

    fn push_line(
        &mut self,
        text: &str,
        line: usize,
        content: Range<usize>,
        window: Range<usize>,
        start: usize,
    ) -> ShownLine {
        let mut shown =
            ShownLine { line, content, window, excerpt_start: start, columns: Vec::new(), window_end: 0, line_end: 0 };
        let mut column = 0;
        if shown.cut_before() {
            self.text.push(ELLIPSIS);
            column += 1;
        }
        let window_text = text.get(shown.window.clone()).unwrap_or_default();
        for (offset, c) in window_text.char_indices() {
            shown.columns.push((shown.window.start + offset, column));
            match escaped(c, false) {
                Some(visible) => {
                    column += visible.chars().count();
                    self.text.push_str(&visible);
                }
                None => {
                    column += 1;
                    self.text.push(c);
                }
            }
        }
        shown.window_end = column;
        if shown.cut_after() {
            self.text.push(ELLIPSIS);
            column += 1;
        }
        // Columns so far are within the line; make them excerpt offsets.
        for entry in &mut shown.columns {
            entry.1 += start;
        }
        shown.window_end += start;
        shown.line_end = start + column;
        shown
    }

    /// The excerpt's character range for a byte range of the file (clamped onto characters).
    pub fn range(&self, file: &SourceFile, label: &Range<usize>) -> Range<usize> {
        let index = file.line_index();
        let start = self.shown(index.line_of(label.start)).map_or(0, |line| line.column_of(label.start));
        if label.end <= label.start {
            return start..start;
        }
        let last = last_char(&file.text, label);
        let end = self.shown(index.line_of(last)).map_or(start, |line| line.column_after(last));
        start..end.max(start)
    }

    fn shown(&self, line: usize) -> Option<&ShownLine> {
        let at = self.lines.binary_search_by_key(&line, |shown| shown.line).ok()?;
        self.lines.get(at)
    }

    /// ariadne's 1-based `line:column` of an excerpt offset, as its header prints it.
    pub fn ariadne_location(&self, offset: usize) -> (usize, usize) {
        let at = self.lines.partition_point(|line| line.excerpt_start <= offset).saturating_sub(1);
        let Some(line) = self.lines.get(at) else { return (1, offset + 1) };
        let excerpt_line = self.numbers.iter().position(|&n| n == Some(line.line)).unwrap_or(0);
        (excerpt_line + 1, offset - line.excerpt_start + 1)
    }

    /// The number of the excerpt's last line, which sets the width of ariadne's margin.
    fn last_number(&self) -> usize {
        self.numbers.len()
    }

    /// The file's 1-based number of the excerpt's 1-based line `number`.
    fn file_number(&self, number: usize) -> Option<usize> {
        self.numbers.get(number.checked_sub(1)?).copied().flatten().map(|line| line + 1)
    }

    fn last_file_number(&self) -> usize {
        self.lines.last().map_or(1, |line| line.line + 1)
    }
}

/// The start of the last character of a non-empty range (its start when empty).
fn last_char(text: &str, label: &Range<usize>) -> usize {
    if label.end > label.start { floor_char_boundary(text, label.end - 1) } else { label.start }
}

/// The bytes after a line's text that end it: `\n` for `\n` and for a lone `\r` (ariadne
/// counts one character either way), `\r\n` as it is, nothing for the last line.
fn line_break(text: &str, index: &LineIndex, line: usize) -> &'static str {
    let end = index.line_range(text, line).map_or(text.len(), |range| range.end);
    match text.as_bytes().get(end..end + 2) {
        Some(b"\r\n") => "\r\n",
        _ if end < text.len() => "\n",
        _ => "",
    }
}

/// The character columns of the line that the labels start or end at, and the one to keep in
/// view first.
struct Interest {
    first: usize,
    last: usize,
    focus: usize,
}

fn interest(
    index: &LineIndex,
    text: &str,
    content: &Range<usize>,
    labels: &[Range<usize>],
    focus: Option<usize>,
) -> Interest {
    let column = |byte: usize| index.line_column(text, byte.clamp(content.start, content.end), ColumnUnit::Char).1;
    let on_line = |byte: usize| content.start <= byte && byte <= content.end;
    let mut columns = labels.iter().flat_map(|label| [label.start, label.end]).filter(|&b| on_line(b)).map(column);
    let first_column = columns.next().unwrap_or(0);
    let (first, last) = columns.fold((first_column, first_column), |(lo, hi), c| (lo.min(c), hi.max(c)));
    let focus = focus.filter(|&b| on_line(b)).map_or(first, column);
    Interest { first, last, focus }
}

/// The bytes of the line to show: all of a short line; of a long one, [`WINDOW`] characters
/// around the labels, or around the focus when the labels are further apart than that.
fn window(index: &LineIndex, text: &str, line: usize, content: &Range<usize>, interest: Interest) -> Range<usize> {
    let length = index.line_column(text, content.end, ColumnUnit::Char).1;
    if length <= SHOWN_WHOLE {
        return content.clone();
    }
    let start = if interest.last - interest.first <= WINDOW {
        interest.first.saturating_sub((WINDOW - (interest.last - interest.first)) / 2)
    } else {
        interest.focus.saturating_sub(CONTEXT_BEFORE)
    };
    let end = (start + WINDOW).min(length);
    let start = end.saturating_sub(WINDOW).min(start);
    let byte = |column| index.offset_at(text, line, column, ColumnUnit::Char);
    byte(start)..byte(end)
}

/// Puts the file's line numbers into ariadne's margin, and the file's positions into its
/// headers, in place of the excerpt's.
pub(super) struct Renumbering<'a> {
    /// The excerpt of each snippet, in the order ariadne draws them, with the header location
    /// ariadne prints for it (from the excerpt) and the one the file has.
    pub snippets: Vec<(&'a Excerpt, String, String)>,
}

impl Renumbering<'_> {
    /// ariadne's margin is as wide as the largest line number it shows.
    fn widths(&self) -> (usize, usize) {
        let digits = |n: usize| n.to_string().len();
        let drawn = self.snippets.iter().map(|(e, ..)| e.last_number()).max().unwrap_or(1);
        let real = self.snippets.iter().map(|(e, ..)| e.last_file_number()).max().unwrap_or(1);
        (digits(drawn), digits(real))
    }

    /// ariadne's drawing (without its first line), with the file's numbers; every line has
    /// its trailing blanks removed.
    pub fn apply(&self, drawn: &str) -> String {
        let (width, real_width) = self.widths();
        let mut snippet: Option<usize> = None;
        let mut out = String::with_capacity(drawn.len());
        for line in drawn.lines() {
            let line = line.trim_end();
            match split_margin(line, width) {
                Some(margin) => {
                    if margin.is_header() {
                        snippet = Some(snippet.map_or(0, |s| s + 1));
                    }
                    let current = snippet.and_then(|s| self.snippets.get(s));
                    out.push(' ');
                    out.push_str(margin.escape);
                    match margin.number().and_then(|n| current?.0.file_number(n)) {
                        Some(number) => {
                            let _ = write!(out, "{number:>real_width$}");
                        }
                        None => out.extend(std::iter::repeat_n(' ', real_width)),
                    }
                    match current.filter(|_| margin.is_header()) {
                        Some((_, drawn_location, real_location)) => {
                            out.push_str(&margin.rest.replacen(drawn_location.as_str(), real_location, 1));
                        }
                        None => out.push_str(margin.rest),
                    }
                }
                None => out.push_str(&widen_footer(line, width, real_width)),
            }
            out.push('\n');
        }
        out
    }
}

/// The margin of one line ariadne draws: ` `, a colour, the line-number field, then the rest
/// (a space and a bar, or the corner of a header).
struct Margin<'l> {
    escape: &'l str,
    field: &'l str,
    rest: &'l str,
}

impl Margin<'_> {
    fn number(&self) -> Option<usize> {
        self.field.trim().parse().ok()
    }

    fn is_header(&self) -> bool {
        let after = self.rest.strip_prefix(' ').unwrap_or(self.rest);
        let (_, after) = split_escapes(after);
        after.starts_with(['╭', '├'])
    }
}

fn split_margin(line: &str, width: usize) -> Option<Margin<'_>> {
    let rest = line.strip_prefix(' ')?;
    let (escape, rest) = split_escapes(rest);
    let field = rest.get(..width)?;
    let rest = rest.get(width..)?;
    let is_field = field.bytes().all(|b| b == b' ' || b.is_ascii_digit());
    (is_field && rest.starts_with(' ')).then_some(Margin { escape, field, rest })
}

/// The ANSI colour sequences at the start of `text`, and what follows them.
fn split_escapes(text: &str) -> (&str, &str) {
    let mut end = 0;
    while let Some(sequence) = text.get(end..).filter(|rest| rest.starts_with("\x1b[")) {
        match sequence.find('m') {
            Some(m) => end += m + 1,
            None => break,
        }
    }
    text.split_at(end)
}

/// The closing `───╯` of a drawing, as wide as the renumbered margin.
fn widen_footer(line: &str, width: usize, real_width: usize) -> String {
    let (escape, rest) = split_escapes(line);
    let bars = rest.chars().take_while(|&c| c == '─').count();
    if bars != width + 2 || rest.chars().nth(bars).is_none_or(|c| c != '╯') {
        return line.to_string();
    }
    let tail: String = rest.chars().skip(bars).collect();
    format!("{escape}{}{tail}", "─".repeat(real_width + 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("t.gavel"), text.to_string())
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(escape("a\x1b]0;x\x07b\n\tc"), "a␛]0;x␇b\n\tc");
        assert_eq!(escape("\u{9b}31m\u{202e}\x7f"), "\\u{9b}31m\\u{202e}␡");
        assert!(matches!(escape("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_breaks() {
        let source = file("a\r\nbb\rccc\n\nlast\n");
        let labels = [1..4, 11..12];
        let excerpt = Excerpt::new(&source, &labels, Some(1));
        // Lines 0 and 1 (where the first label starts and ends), a gap, line 4.
        assert_eq!(excerpt.text, "a\r\nbb\n\nlast\n");
        assert_eq!(excerpt.numbers, vec![Some(0), Some(1), None, Some(4)]);
        assert_eq!(excerpt.range(&source, &labels[0]), 1..4);
        assert_eq!(excerpt.range(&source, &labels[1]), 7..8);
    }

    #[test]
    fn long_lines_are_cut_around_the_labels() {
        let text = format!("{}needle{}\n", "x".repeat(10_000), "y".repeat(10_000));
        let source = file(&text);
        let label = 10_000..10_006;
        let excerpt = Excerpt::new(&source, std::slice::from_ref(&label), Some(label.start));
        let shown: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].chars().count(), WINDOW + 2);
        assert!(shown[0].starts_with(ELLIPSIS) && shown[0].ends_with(ELLIPSIS));
        let range = excerpt.range(&source, &label);
        let underlined: String = excerpt.text.chars().skip(range.start).take(range.len()).collect();
        assert_eq!(underlined, "needle");
    }

    #[test]
    fn labels_beyond_the_window_point_at_its_cut() {
        let text = format!("a{}b", "-".repeat(1_000));
        let source = file(&text);
        let (near, far) = (0..1, text.len() - 1..text.len());
        let excerpt = Excerpt::new(&source, &[near.clone(), far.clone()], Some(0));
        assert_eq!(excerpt.range(&source, &near), 0..1);
        // The far label is past the window: it covers the closing `…`.
        let window_end = excerpt.text.chars().count() - 1;
        assert_eq!(excerpt.range(&source, &far), window_end..window_end + 1);
    }

    #[test]
    fn control_characters_in_the_window_keep_labels_in_place() {
        let source = file("x = \"\x1b[2J\" y");
        let y = source.text.find('y').unwrap_or_default();
        let label = y..y + 1;
        let excerpt = Excerpt::new(&source, std::slice::from_ref(&label), None);
        assert_eq!(excerpt.text, "x = \"␛[2J\" y");
        assert_eq!(excerpt.range(&source, &label), 11..12);
    }
}

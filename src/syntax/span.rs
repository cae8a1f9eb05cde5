//! Byte spans into a source file, the table of files a run has read, and the one line index
//! every position (diagnostics, SARIF, the language server) is computed with.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Identifies one source file within a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: clamp_u32(start), end: clamp_u32(end.max(start)) }
    }

    /// The smallest span that covers both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnUnit {
    /// UTF-8 bytes.
    Byte,
    /// UTF-16 code units (SARIF, and LSP unless negotiated otherwise).
    Utf16,
    /// Unicode scalar values (what people and gavel's JSON count).
    Char,
}

impl ColumnUnit {
    /// Columns one character takes.
    pub fn width(self, c: char) -> usize {
        match self {
            ColumnUnit::Byte => c.len_utf8(),
            ColumnUnit::Utf16 => c.len_utf16(),
            ColumnUnit::Char => 1,
        }
    }
}

/// Where the lines of one text start, and where its characters outside ASCII are, so that a
/// line and a column in any [`ColumnUnit`] cost a binary search, however long the line.
///
/// Lines end at `\n`, `\r\n` or a lone `\r` (as the Language Server Protocol counts them, and
/// so every output of gavel). The break is not part of its line: an offset inside a `\r\n`
/// is the end of the line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Every character outside ASCII, in order, with how many bytes the text up to and
    /// including it holds beyond its characters and beyond its UTF-16 units. Columns between
    /// two of them grow by one per byte.
    wide: Vec<Wide>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide {
    offset: u32,
    bytes_over_chars: u32,
    bytes_over_utf16: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut wide = Vec::new();
        let (mut over_chars, mut over_utf16) = (0u32, 0u32);
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => starts.push(clamp_u32(i + 1)),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(clamp_u32(i + 1)),
                b if b >= 0x80 => {
                    let c = text.get(i..).and_then(|rest| rest.chars().next()).unwrap_or('\u{FFFD}');
                    let length = c.len_utf8();
                    over_chars += clamp_u32(length - 1);
                    over_utf16 += clamp_u32(length - c.len_utf16());
                    wide.push(Wide {
                        offset: clamp_u32(i),
                        bytes_over_chars: over_chars,
                        bytes_over_utf16: over_utf16,
                    });
                    i += length;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts, wide }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The line an offset is on (offsets past the end are on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start as usize <= offset).saturating_sub(1)
    }

    /// The byte range of a line's text, without its line break; `None` past the last line.
    pub fn line_range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = (*self.starts.get(line)? as usize).min(text.len());
        let next = self.starts.get(line + 1).map_or(text.len(), |&next| next as usize).min(text.len());
        let bytes = text.as_bytes().get(start..next).unwrap_or_default();
        let break_length = match bytes {
            [.., b'\r', b'\n'] => 2,
            [.., b'\n' | b'\r'] => 1,
            _ => 0,
        };
        Some(start..next - break_length)
    }

    /// The text of a line without its line break; empty past the end.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        self.line_range(text, line).and_then(|range| text.get(range)).unwrap_or_default()
    }

    /// The zero-based line and column of a byte offset. The offset is clamped into the text
    /// and rounded down onto a character; inside a line break it is the end of the line.
    pub fn line_column(&self, text: &str, offset: usize, unit: ColumnUnit) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let Some(range) = self.line_range(text, line) else { return (line, 0) };
        (line, self.count(range.start, offset.min(range.end), unit))
    }

    /// The byte offset of a zero-based line and column. A column past the end of the line
    /// means the end of the line, a line past the end the end of the text, and a column inside
    /// a character (half of a surrogate pair) that character's start.
    pub fn offset_at(&self, text: &str, line: usize, column: usize, unit: ColumnUnit) -> usize {
        let Some(range) = self.line_range(text, line) else { return text.len() };
        // The last character outside ASCII that starts at or before the column: up to it the
        // count is known, after it every byte is one column.
        let first = self.wide_from(range.start);
        let last = self.wide_from(range.end);
        let slice = self.wide.get(first..last).unwrap_or_default();
        let at = slice.partition_point(|w| self.count(range.start, w.offset as usize, unit) <= column);
        let (mut offset, mut reached) = (range.start, 0);
        if let Some(w) = at.checked_sub(1).and_then(|k| slice.get(k)) {
            let c = text.get(w.offset as usize..).and_then(|rest| rest.chars().next()).unwrap_or(' ');
            let before = self.count(range.start, w.offset as usize, unit);
            if before + unit.width(c) > column {
                return w.offset as usize;
            }
            (offset, reached) = (w.offset as usize + c.len_utf8(), before + unit.width(c));
        }
        (offset + (column - reached)).min(range.end)
    }

    /// Columns in `unit` between two character boundaries of the text, `from <= to`.
    fn count(&self, from: usize, to: usize, unit: ColumnUnit) -> usize {
        let over = |offset| -> usize {
            let Some(w) = self.wide_from(offset).checked_sub(1).and_then(|k| self.wide.get(k)) else { return 0 };
            match unit {
                ColumnUnit::Byte => 0,
                ColumnUnit::Utf16 => w.bytes_over_utf16 as usize,
                ColumnUnit::Char => w.bytes_over_chars as usize,
            }
        };
        (to.saturating_sub(from)).saturating_sub(over(to).saturating_sub(over(from)))
    }

    /// The index of the first character outside ASCII at or after `offset`.
    fn wide_from(&self, offset: usize) -> usize {
        self.wide.partition_point(|w| (w.offset as usize) < offset)
    }
}

/// `offset` clamped into `text` and moved down onto a character boundary.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `offset` clamped into `text` and moved up onto a character boundary.
pub fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// One file's name and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Shared: a file shown under another name (relative to the working directory, say) is the
    /// same text, not a copy.
    pub text: Arc<str>,
    /// Computed on first use (most files never need a line number) and shared with the copies
    /// of this file.
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile { path, text: text.into(), lines: Arc::default() }
    }

    /// The same text and line index under another path.
    pub fn renamed(&self, path: PathBuf) -> SourceFile {
        SourceFile { path, text: self.text.clone(), lines: self.lines.clone() }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Zero-based line and column (in UTF-8 bytes) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        self.line_index().line_column(&self.text, offset as usize, ColumnUnit::Byte)
    }

    /// Zero-based line and column counted in characters, as people count them.
    pub fn line_char_col(&self, offset: u32) -> (usize, usize) {
        self.line_index().line_column(&self.text, offset as usize, ColumnUnit::Char)
    }
}

/// Every file read during one run, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> FileId {
        self.add_file(SourceFile::new(path.into(), text))
    }

    /// Adds a file as it is (a [`SourceFile::renamed`] copy, say).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(file);
        id
    }

    /// The same files, each shown under the path `shown` gives it; texts and line indexes are
    /// shared, not copied.
    pub fn with_paths(&self, shown: impl Fn(&Path) -> PathBuf) -> SourceMap {
        SourceMap { files: self.files.iter().map(|file| file.renamed(shown(&file.path))).collect() }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &Path {
        self.get(id).map_or(Path::new("<unknown>"), |f| f.path.as_path())
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(|i| FileId(clamp_u32(i)))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(clamp_u32(i)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_every_kind_of_break() {
        let text = "a\nbb\r\nccc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line(text, 0), "a");
        assert_eq!(index.line(text, 1), "bb");
        assert_eq!(index.line(text, 2), "ccc");
        assert_eq!(index.line(text, 3), "d");
        assert_eq!(index.line(text, 9), "");
        assert_eq!(index.offset_at(text, 1, 2, ColumnUnit::Utf16), 4);
        assert_eq!(index.offset_at(text, 2, 0, ColumnUnit::Utf16), 6);
        assert_eq!(index.offset_at(text, 3, 1, ColumnUnit::Utf16), 11);
        assert_eq!(index.line_column(text, 5, ColumnUnit::Char), (1, 2), "between \\r and \\n");
        assert_eq!(index.line_column(text, 10, ColumnUnit::Char), (3, 0));
        // A text ending in a break ends on an empty last line.
        let text = "a\r\n";
        assert_eq!(LineIndex::new(text).line_column(text, 3, ColumnUnit::Char), (1, 0));
    }

    #[test]
    fn columns_count_in_every_unit() {
        // `é` is 2 bytes, 1 UTF-16 unit; `🚀` is 4 bytes, 2 UTF-16 units, 1 scalar.
        let text = "é🚀x\n🚀ab";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(index.line_column(text, x, ColumnUnit::Utf16), (0, 3));
        assert_eq!(index.line_column(text, x, ColumnUnit::Byte), (0, 6));
        assert_eq!(index.line_column(text, x, ColumnUnit::Char), (0, 2));
        assert_eq!(index.line_column(text, text.len(), ColumnUnit::Utf16), (1, 4));
        assert_eq!(index.offset_at(text, 0, 3, ColumnUnit::Utf16), x);
        assert_eq!(index.offset_at(text, 0, 6, ColumnUnit::Byte), x);
        assert_eq!(index.offset_at(text, 0, 2, ColumnUnit::Char), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(index.offset_at(text, 0, 2, ColumnUnit::Utf16), 2);
        assert_eq!(index.offset_at(text, 1, 3, ColumnUnit::Utf16), x + 7);
        // Inside a multi-byte character, offsets round down.
        assert_eq!(index.line_column(text, 1, ColumnUnit::Char), (0, 0));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset_at(text, 0, 99, ColumnUnit::Utf16), 2);
        assert_eq!(index.offset_at(text, 7, 0, ColumnUnit::Utf16), 5);
        assert_eq!(index.offset_at(text, usize::MAX, usize::MAX, ColumnUnit::Utf16), 5);
        assert_eq!(index.line_column(text, 99, ColumnUnit::Utf16), (1, 2));
    }

    /// The plain count: every character of the line up to the offset.
    fn counted(text: &str, offset: usize, unit: ColumnUnit) -> (usize, usize) {
        let before = &text[..offset];
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + before.matches('\r').count() - before.matches("\r\n").count();
        let column = before[line_start..].chars().map(|c| unit.width(c)).sum();
        (line, column)
    }

    #[test]
    fn positions_agree_with_counting_and_round_trip() {
        let text = "policy p \"Ünïcødé 🚀\" {\r\n    when compute\r\n\tthen deny\n}\r🚀é\n";
        let index = LineIndex::new(text);
        for unit in [ColumnUnit::Byte, ColumnUnit::Utf16, ColumnUnit::Char] {
            let inside_crlf = |i: usize| text[..i].ends_with('\r') && text[i..].starts_with('\n');
            for (offset, _) in text.char_indices().filter(|&(i, _)| !inside_crlf(i)) {
                let (line, column) = index.line_column(text, offset, unit);
                assert_eq!((line, column), counted(text, offset, unit), "{unit:?} at {offset}");
                assert_eq!(index.offset_at(text, line, column, unit), offset, "{unit:?} {line}:{column}");
            }
        }
    }

    #[test]
    fn renamed_files_share_their_text() {
        let mut map = SourceMap::new();
        map.add("/abs/a.gavel", "x\ny".to_string());
        let shown = map.with_paths(|path| path.strip_prefix("/abs").unwrap_or(path).to_path_buf());
        let (original, renamed) = (map.get(FileId(0)).unwrap(), shown.get(FileId(0)).unwrap());
        assert_eq!(renamed.path, Path::new("a.gavel"));
        assert!(Arc::ptr_eq(&original.text, &renamed.text));
        assert_eq!(renamed.line_char_col(2), (1, 0));
        assert!(std::ptr::eq(original.line_index(), renamed.line_index()));
    }
}

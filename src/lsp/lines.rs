//! Positions: LSP counts lines and columns (in UTF-16 units unless the client negotiated
//! otherwise); the compiler counts bytes. The compiler's one line index converts between the
//! two; lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says, and as every other
//! output of gavel counts them.

use std::sync::Arc;

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::syntax::span::{self as source, ColumnUnit};

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use, given what the client offers: UTF-8 when offered (no conversion
    /// needed), else the protocol's default, UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) { Encoding::Utf8 } else { Encoding::Utf16 }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// Columns one character takes.
    pub fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }

    /// Columns a piece of text takes.
    pub fn len(self, text: &str) -> u32 {
        match self {
            Encoding::Utf8 => u32::try_from(text.len()).unwrap_or(u32::MAX),
            _ if text.is_ascii() => u32::try_from(text.len()).unwrap_or(u32::MAX),
            _ => text.chars().map(|c| self.width(c)).sum(),
        }
    }
}

impl Encoding {
    fn unit(self) -> ColumnUnit {
        match self {
            Encoding::Utf8 => ColumnUnit::Byte,
            Encoding::Utf16 => ColumnUnit::Utf16,
            Encoding::Utf32 => ColumnUnit::Char,
        }
    }
}

/// The line index of one text, cheap to clone: a document, its snapshots and their analyses
/// share one. The index itself is the compiler's ([`source::LineIndex`]); this adds LSP
/// positions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex(Arc<source::LineIndex>);

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex(Arc::new(source::LineIndex::new(text)))
    }

    pub fn line_count(&self) -> usize {
        self.0.line_count()
    }

    /// The text of a line without its line break; empty past the end.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        self.0.line(text, line)
    }

    /// The byte offset of a position; see [`offset`].
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        offset(&self.0, text, position, encoding)
    }

    /// The position of a byte offset; see [`position`].
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        position(&self.0, text, offset, encoding)
    }

    pub fn range(&self, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
        range(&self.0, text, start, end, encoding)
    }
}

/// The byte offset of a position. Positions past the end of a line mean the end of the line,
/// lines past the end mean the end of the text, and a column inside a character (half of a
/// surrogate pair) means the character's start: any position the client sends maps to a
/// character boundary.
pub fn offset(index: &source::LineIndex, text: &str, position: Position, encoding: Encoding) -> usize {
    index.offset_at(text, position.line as usize, position.character as usize, encoding.unit())
}

/// The position of a byte offset (clamped to the text, rounded down to a character; inside a
/// `\r\n`, the end of its line).
pub fn position(index: &source::LineIndex, text: &str, offset: usize, encoding: Encoding) -> Position {
    let (line, column) = index.line_column(text, offset, encoding.unit());
    Position { line: offset_u32(line), character: offset_u32(column) }
}

pub fn range(index: &source::LineIndex, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
    Range { start: position(index, text, start, encoding), end: position(index, text, end.max(start), encoding) }
}

fn offset_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

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
        assert_eq!(index.offset(text, pos(1, 2), Encoding::Utf16), 4);
        assert_eq!(index.offset(text, pos(2, 0), Encoding::Utf16), 6);
        assert_eq!(index.offset(text, pos(3, 1), Encoding::Utf16), 11);
        assert_eq!(index.position(text, 5, Encoding::Utf16), pos(1, 2), "between \\r and \\n");
        assert_eq!(index.position(text, 10, Encoding::Utf16), pos(3, 0));
    }

    #[test]
    fn columns_count_in_the_negotiated_unit() {
        // `é` is 2 bytes, 1 UTF-16 unit; `🚀` is 4 bytes, 2 UTF-16 units, 1 scalar.
        let text = "é🚀x\n🚀";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(index.position(text, x, Encoding::Utf16), pos(0, 3));
        assert_eq!(index.position(text, x, Encoding::Utf8), pos(0, 6));
        assert_eq!(index.position(text, x, Encoding::Utf32), pos(0, 2));
        assert_eq!(index.offset(text, pos(0, 3), Encoding::Utf16), x);
        assert_eq!(index.offset(text, pos(0, 6), Encoding::Utf8), x);
        assert_eq!(index.offset(text, pos(0, 2), Encoding::Utf32), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(index.offset(text, pos(0, 2), Encoding::Utf16), 2);
        assert_eq!(index.offset(text, pos(1, 1), Encoding::Utf16), x + 2);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(index.offset(text, pos(7, 0), Encoding::Utf16), 5);
        assert_eq!(index.offset(text, pos(u32::MAX, u32::MAX), Encoding::Utf16), 5);
        assert_eq!(index.position(text, 99, Encoding::Utf16), pos(1, 2));
        let emoji = "🚀";
        assert_eq!(LineIndex::new(emoji).position(emoji, 2, Encoding::Utf16), pos(0, 0));
    }

    #[test]
    fn offsets_and_positions_round_trip() {
        let text = "policy p \"Ünïcødé 🚀\" {\r\n    when compute\r\n\tthen deny\n}\r";
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, _) in text.char_indices() {
                if text.get(offset..).is_some_and(|rest| rest.starts_with('\n'))
                    && text.get(..offset).is_some_and(|before| before.ends_with('\r'))
                {
                    continue;
                }
                let position = index.position(text, offset, encoding);
                assert_eq!(index.offset(text, position, encoding), offset, "{encoding:?} {position:?}");
            }
        }
    }
}

//! Positions: LSP counts lines and columns (in UTF-16 units unless the client negotiated
//! otherwise); the compiler counts bytes. A [`LineIndex`] converts between the two for one
//! text. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

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

/// The byte offset where each line of one text starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut bytes = text.bytes().enumerate().peekable();
        while let Some((i, b)) = bytes.next() {
            match b {
                b'\n' => starts.push(offset_u32(i + 1)),
                b'\r' => {
                    if bytes.peek().is_some_and(|&(_, next)| next == b'\n') {
                        bytes.next();
                        starts.push(offset_u32(i + 2));
                    } else {
                        starts.push(offset_u32(i + 1));
                    }
                }
                _ => {}
            }
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of a line without its line break; empty past the end.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line) else { return "" };
        let end = self.starts.get(line + 1).map_or(text.len(), |&next| next as usize);
        let content = text.get(start as usize..end).unwrap_or_default();
        // A line holds at most one break: `\n`, `\r\n` or `\r`.
        let content = content.strip_suffix('\n').unwrap_or(content);
        content.strip_suffix('\r').unwrap_or(content)
    }

    /// The byte offset of a position. Positions past the end of a line mean the end of the
    /// line, lines past the end mean the end of the text, and a column inside a character
    /// (half of a surrogate pair) means the character's start: any position the client sends
    /// maps to a character boundary.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else { return text.len() };
        let content = self.line(text, line);
        let mut columns = 0;
        for (i, c) in content.char_indices() {
            let width = encoding.width(c);
            if columns + width > position.character {
                return start as usize + i;
            }
            columns += width;
        }
        start as usize + content.len()
    }

    /// The position of a byte offset (clamped to the text, rounded down to a character).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start as usize <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0) as usize;
        let before = text.get(start..offset).unwrap_or_default();
        // Between the `\r` and `\n` of a line break is the end of the line.
        let before = before.strip_suffix('\r').unwrap_or(before);
        Position { line: offset_u32(line), character: encoding.len(before) }
    }

    pub fn range(&self, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
        Range { start: self.position(text, start, encoding), end: self.position(text, end.max(start), encoding) }
    }
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

//! A small Wadler-style layout engine: the printer describes what may break, and [`render`]
//! picks, group by group, the flat layout when it fits in the line width and the broken one
//! otherwise. Rendering keeps its own stack, so deep documents cannot exhaust the call stack.

/// Spaces per indentation level.
pub const INDENT: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub enum Doc {
    Nil,
    /// Text without line breaks (static text is not copied).
    Text(std::borrow::Cow<'static, str>),
    /// Text written as it is, line breaks included (block comments).
    Verbatim(String),
    /// A space when the enclosing group is flat, a line break otherwise.
    Line,
    /// Nothing when the enclosing group is flat, a line break otherwise.
    SoftLine,
    /// Always a line break; the enclosing groups break too.
    HardLine,
    /// An empty line, then a line break.
    Blank,
    /// Makes the enclosing group break without writing anything (after a line comment).
    BreakParent,
    Indent(Box<Doc>),
    Group(Box<Doc>),
    Concat(Vec<Doc>),
}

impl Doc {
    pub fn text(s: impl Into<std::borrow::Cow<'static, str>>) -> Doc {
        Doc::Text(s.into())
    }

    /// Text copied from a borrowed string.
    pub fn owned(s: &str) -> Doc {
        Doc::Text(std::borrow::Cow::Owned(s.to_string()))
    }

    pub fn indent(doc: Doc) -> Doc {
        Doc::Indent(Box::new(doc))
    }

    pub fn group(doc: Doc) -> Doc {
        Doc::Group(Box::new(doc))
    }

    pub fn concat(docs: impl IntoIterator<Item = Doc>) -> Doc {
        Doc::Concat(docs.into_iter().collect())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Lays `doc` out within `width` columns.
pub fn render(doc: &Doc, width: usize) -> String {
    let mut out = Output::default();
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Nil | Doc::BreakParent => {}
            Doc::Text(text) => out.text(text),
            Doc::Verbatim(text) => out.verbatim(text),
            Doc::Line if mode == Mode::Flat => out.text(" "),
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => out.newline(indent),
            Doc::Blank => {
                out.newline(indent);
                out.newline(indent);
            }
            Doc::Indent(inner) => stack.push((indent + INDENT, mode, inner)),
            Doc::Group(inner) => {
                let flat = mode == Mode::Flat || fits(width.saturating_sub(out.column), inner, &stack);
                stack.push((indent, if flat { Mode::Flat } else { Mode::Break }, inner));
            }
            Doc::Concat(items) => stack.extend(items.iter().rev().map(|item| (indent, mode, item))),
        }
    }
    out.finish()
}

/// Whether `group` fits flat in `room` columns, counting what follows it up to the next
/// place the line may break. A group holding a hard line never fits flat.
fn fits(room: usize, group: &Doc, rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut room = room as isize;
    let mut pending: Vec<(Mode, &Doc)> = vec![(Mode::Flat, group)];
    let mut rest = rest.iter().rev();
    let mut in_rest = false;
    loop {
        let (mode, doc) = match pending.pop() {
            Some(next) => next,
            None => match rest.next() {
                Some((_, mode, doc)) => {
                    in_rest = true;
                    (*mode, *doc)
                }
                None => return true,
            },
        };
        match doc {
            Doc::Nil => {}
            Doc::Text(text) => room -= text.chars().count() as isize,
            Doc::Verbatim(text) if text.contains('\n') => return in_rest,
            Doc::Verbatim(text) => room -= text.chars().count() as isize,
            Doc::Line if mode == Mode::Flat => room -= 1,
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine => return true,
            Doc::HardLine | Doc::Blank => return in_rest,
            Doc::BreakParent if !in_rest => return false,
            Doc::BreakParent => {}
            Doc::Indent(inner) | Doc::Group(inner) => pending.push((mode, inner)),
            Doc::Concat(items) => pending.extend(items.iter().rev().map(|item| (mode, item))),
        }
        if room < 0 {
            return false;
        }
    }
}

#[derive(Default)]
struct Output {
    text: String,
    column: usize,
    /// Indentation owed to the current line, written before its first character (so that
    /// empty lines carry no trailing spaces).
    owed: Option<usize>,
}

impl Output {
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(indent) = self.owed.take() {
            self.text.extend(std::iter::repeat_n(' ', indent));
        }
        self.text.push_str(text);
        self.column += text.chars().count();
    }

    fn verbatim(&mut self, text: &str) {
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            self.text(first);
        }
        for line in lines {
            self.text.push('\n');
            self.owed = None;
            self.column = 0;
            self.text(line);
        }
    }

    fn newline(&mut self, indent: usize) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        self.text.push('\n');
        self.owed = Some(indent);
        self.column = indent;
    }

    fn finish(mut self) -> String {
        while self.text.ends_with([' ', '\n']) {
            self.text.pop();
        }
        self.text.push('\n');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&'static str]) -> Doc {
        let mut inner = vec![Doc::SoftLine];
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::text(","));
                inner.push(Doc::Line);
            }
            inner.push(Doc::text(*item));
        }
        Doc::group(Doc::concat([Doc::text("["), Doc::indent(Doc::concat(inner)), Doc::SoftLine, Doc::text("]")]))
    }

    #[test]
    fn groups_stay_flat_when_they_fit() {
        assert_eq!(render(&list(&["a", "b"]), 20), "[a, b]\n");
        assert_eq!(render(&list(&["aaaa", "bbbb", "cccc"]), 10), "[\n    aaaa,\n    bbbb,\n    cccc\n]\n");
    }

    #[test]
    fn hard_lines_break_their_groups_and_blank_lines_have_no_spaces() {
        let doc = Doc::group(Doc::concat([
            Doc::text("{"),
            Doc::indent(Doc::concat([Doc::HardLine, Doc::text("a"), Doc::Blank, Doc::text("b")])),
            Doc::HardLine,
            Doc::text("}"),
        ]));
        assert_eq!(render(&doc, 80), "{\n    a\n\n    b\n}\n");
    }

    #[test]
    fn text_after_a_group_counts_towards_its_width() {
        let doc = Doc::concat([list(&["a", "b"]), Doc::text(" and more text")]);
        assert_eq!(render(&doc, 12), "[\n    a,\n    b\n] and more text\n");
    }
}

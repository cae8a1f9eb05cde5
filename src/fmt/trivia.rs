//! What the printer needs besides the syntax tree: comments, where the author left empty
//! lines, and two facts of style (which objects were written across lines, which keys were
//! quoted). The formatter reads them from the source text; the decompiler, whose tree has no
//! source, states them.

use crate::syntax::lexer::Comment;
use crate::syntax::span::Span;
use crate::syntax::tree::Name;

pub trait Trivia {
    /// Comments that start before `pos` and have not been printed yet, in order.
    fn take_before(&mut self, pos: u32) -> Vec<Comment>;
    /// A comment that follows `end` on the same line, with nothing but whitespace, `,` or `;`
    /// between.
    fn take_trailing(&mut self, end: u32) -> Option<Comment>;
    /// Whether an empty line comes right before `pos`.
    fn blank_before(&self, pos: u32) -> bool;
    /// Whether the object or array at `span` was written across lines.
    fn broken(&self, span: Span) -> bool;
    /// Whether an object key was written as a string.
    fn quoted(&self, key: &Name) -> bool;
    /// Every comment not printed yet.
    fn take_rest(&mut self) -> Vec<Comment>;
    /// The JSON value the lexer took in one piece at `span`, when it can be laid out anew.
    fn raw_json(&self, span: Span) -> Option<std::borrow::Cow<'_, serde_json::Value>>;
    /// The source text at `span`, for raw JSON that cannot be laid out anew.
    fn verbatim(&self, span: Span) -> Option<&str>;
    /// How many comments were handed out.
    fn taken(&self) -> usize;
}

/// Trivia of a source file.
pub struct SourceTrivia<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next: usize,
}

impl<'a> SourceTrivia<'a> {
    pub fn new(text: &'a str, comments: &'a [Comment]) -> SourceTrivia<'a> {
        SourceTrivia { text, comments, next: 0 }
    }
}

impl Trivia for SourceTrivia<'_> {
    fn take_before(&mut self, pos: u32) -> Vec<Comment> {
        let start = self.next;
        while self.comments.get(self.next).is_some_and(|c| c.span.start < pos) {
            self.next += 1;
        }
        self.comments.get(start..self.next).unwrap_or_default().to_vec()
    }

    fn take_trailing(&mut self, end: u32) -> Option<Comment> {
        let comment = self.comments.get(self.next)?;
        let between = self.text.get(end as usize..comment.span.start as usize)?;
        if between.chars().all(|c| c == ' ' || c == '\t' || c == ',' || c == ';') {
            self.next += 1;
            return Some(comment.clone());
        }
        None
    }

    fn blank_before(&self, pos: u32) -> bool {
        let before = self.text.get(..pos as usize).unwrap_or_default();
        let gap = before.len() - before.trim_end_matches([' ', '\t', '\r', '\n']).len();
        before.get(before.len() - gap..).is_some_and(|ws| ws.matches('\n').count() >= 2)
    }

    fn broken(&self, span: Span) -> bool {
        let inside = self.text.get(span.start as usize + 1..span.end as usize).unwrap_or_default();
        let first = inside.trim_start_matches([' ', '\t', '\r']);
        first.starts_with('\n') || first.starts_with("//")
    }

    fn quoted(&self, key: &Name) -> bool {
        self.text.as_bytes().get(key.span.start as usize) == Some(&b'"')
    }

    fn take_rest(&mut self) -> Vec<Comment> {
        self.take_before(u32::MAX)
    }

    fn raw_json(&self, span: Span) -> Option<std::borrow::Cow<'_, serde_json::Value>> {
        let text = self.text.get(span.range())?;
        // A number serde_json would round (or read as 0) is kept as written, with the rest.
        if crate::ast::numbers::first_inexact_in_json(text).is_some() {
            return None;
        }
        serde_json::from_str(text).ok().map(std::borrow::Cow::Owned)
    }

    fn verbatim(&self, span: Span) -> Option<&str> {
        self.text.get(span.range()).map(str::trim)
    }

    fn taken(&self) -> usize {
        self.next
    }
}

/// Trivia the decompiler states for the tree it builds. Positions are its own counter, which
/// only grows, so the position lists are sorted as they are filled.
#[derive(Debug, Default, Clone)]
pub struct StatedTrivia {
    pub comments: Vec<Comment>,
    pub blank_before: Vec<u32>,
    pub broken: Vec<u32>,
    pub quoted: Vec<u32>,
    /// JSON written as it is (deployments, `json { … }`), at the position of its node.
    pub json: Vec<(u32, serde_json::Value)>,
    next: usize,
}

impl Trivia for StatedTrivia {
    fn take_before(&mut self, pos: u32) -> Vec<Comment> {
        let start = self.next;
        while self.comments.get(self.next).is_some_and(|c| c.span.start < pos) {
            self.next += 1;
        }
        self.comments.get(start..self.next).unwrap_or_default().to_vec()
    }

    fn take_trailing(&mut self, _end: u32) -> Option<Comment> {
        None
    }

    fn blank_before(&self, pos: u32) -> bool {
        self.blank_before.binary_search(&pos).is_ok()
    }

    fn broken(&self, span: Span) -> bool {
        self.broken.binary_search(&span.start).is_ok()
    }

    fn quoted(&self, key: &Name) -> bool {
        self.quoted.binary_search(&key.span.start).is_ok()
    }

    fn take_rest(&mut self) -> Vec<Comment> {
        self.take_before(u32::MAX)
    }

    fn raw_json(&self, span: Span) -> Option<std::borrow::Cow<'_, serde_json::Value>> {
        let at = self.json.binary_search_by_key(&span.start, |(pos, _)| *pos).ok()?;
        self.json.get(at).map(|(_, value)| std::borrow::Cow::Borrowed(value))
    }

    fn verbatim(&self, _span: Span) -> Option<&str> {
        None
    }

    fn taken(&self) -> usize {
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::FileId;

    #[test]
    fn reads_blank_lines_and_broken_objects_from_the_source() {
        let text = "a\n\n  b {\n x }";
        let trivia = SourceTrivia::new(text, &[]);
        assert!(trivia.blank_before(5));
        assert!(!trivia.blank_before(1));
        assert!(trivia.broken(Span::new(FileId(0), 7, 13)));
    }
}

//! Expressions and paths.

use super::{Printer, comment_doc};
use crate::fmt::doc::Doc;
use crate::fmt::lexical;
use crate::syntax::span::Span;
use crate::syntax::tree::{Expr, Literal, LiteralKind, Name, Path, PathHead, Segment};

impl Printer<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) -> Doc {
        match expr {
            Expr::Literal(lit) => literal(lit),
            Expr::Param(name) => Doc::text(format!("${}", name.text)),
            Expr::Path(path) => self.path(path),
            Expr::Call { name, args, span } => {
                let args = self.list("(", ")", false, args, |e| e.span(), close_of(*span), false, |p, e| p.expr(e));
                // Arguments stay on the line: a tower of nested calls reads worse than a long
                // line (they still break around comments).
                Doc::concat([Doc::owned(&name.text), flatten(args)])
            }
            Expr::Member { base, name, .. } => Doc::concat([self.expr(base), Doc::text(format!(".{}", name.text))]),
            Expr::Index { base, index, .. } => {
                Doc::concat([self.expr(base), Doc::text("["), self.expr(index), Doc::text("]")])
            }
            Expr::Array(items, span) => {
                let broken = self.trivia.broken(*span);
                self.list("[", "]", false, items, |e| e.span(), close_of(*span), broken, |p, e| p.expr(e))
            }
            Expr::Object(entries, span) => {
                let broken = self.trivia.broken(*span);
                let entry_span = |(key, value): &(Name, Expr)| key.span.to(value.span());
                self.list("{", "}", true, entries, entry_span, close_of(*span), broken, |p, (key, value)| {
                    Doc::concat([p.key(key), Doc::text(": "), p.expr(value)])
                })
            }
            Expr::Raw(inner, _) => Doc::concat([Doc::text("json "), self.expr(inner)]),
            Expr::RawJson(span) => self.raw_json(*span),
        }
    }

    /// Strict JSON the lexer took in one piece (after `json` or `deployment`), laid out the
    /// way the decompiler writes JSON: quoted keys, one key per line.
    fn raw_json(&self, span: Span) -> Doc {
        // The lexer takes only strict JSON in one piece; what serde_json cannot hold exactly
        // (a number out of range) is kept as it was written.
        match self.trivia.raw_json(span) {
            Some(value) => json_doc(&value),
            None => Doc::text(self.trivia.verbatim(span).unwrap_or("null").to_string()),
        }
    }

    pub(super) fn path(&mut self, path: &Path) -> Doc {
        let mut parts = vec![match &path.head {
            PathHead::Name(name) | PathHead::Alias(name) => Doc::owned(&name.text),
        }];
        for segment in &path.segments {
            parts.push(match segment {
                Segment::Member(name) => Doc::text(format!(".{}", name.text)),
                Segment::Wildcard(_) => Doc::text("[*]"),
                Segment::Index(index, _) => Doc::concat([Doc::text("["), self.expr(index), Doc::text("]")]),
            });
        }
        Doc::concat(parts)
    }

    /// An object key: quoted where the author quoted it, or where it is not a plain name.
    fn key(&self, key: &Name) -> Doc {
        if self.trivia.quoted(key) || !lexical::is_any_name(&key.text) {
            Doc::text(format!("\"{}\"", key.text))
        } else {
            Doc::owned(&key.text)
        }
    }

    /// `[a, b]`, `{ a: 1 }`, `f(a, b)`: flat when it fits (and was not written across lines),
    /// one item per line otherwise.
    #[allow(clippy::too_many_arguments)]
    fn list<T>(
        &mut self,
        open: &'static str,
        close: &'static str,
        spaced: bool,
        items: &[T],
        span_of: impl Fn(&T) -> Span,
        close_pos: u32,
        broken: bool,
        mut print: impl FnMut(&mut Self, &T) -> Doc,
    ) -> Doc {
        let edge = if spaced { Doc::Line } else { Doc::SoftLine };
        // An object written across lines stays so; the mark goes first, so that measuring
        // the group stops at once.
        let mut inner =
            if broken && !items.is_empty() { vec![Doc::BreakParent, edge.clone()] } else { vec![edge.clone()] };
        let mut commented = false;
        for (i, item) in items.iter().enumerate() {
            let span = span_of(item);
            for comment in self.trivia.take_before(span.start) {
                commented = true;
                inner.push(comment_doc(&comment));
                inner.push(Doc::HardLine);
            }
            inner.push(print(self, item));
            if i + 1 < items.len() {
                inner.push(Doc::text(","));
            }
            if let Some(comment) = self.trivia.take_trailing(span.end) {
                commented = true;
                inner.push(Doc::text(" "));
                inner.push(comment_doc(&comment));
            }
            if i + 1 < items.len() {
                inner.push(Doc::Line);
            }
        }
        let rest = self.trivia.take_before(close_pos);
        for (i, comment) in rest.iter().enumerate() {
            if !items.is_empty() || i > 0 {
                inner.push(Doc::HardLine);
            }
            inner.push(comment_doc(comment));
        }
        if items.is_empty() && rest.is_empty() {
            return Doc::text(format!("{open}{close}"));
        }
        // A comment must end its line.
        if commented || !rest.is_empty() {
            inner.push(Doc::BreakParent);
        }
        Doc::group(Doc::concat([Doc::text(open), Doc::indent(Doc::concat(inner)), edge, Doc::text(close)]))
    }
}

/// JSON in JSON style: objects one key per line, lists flat when they fit.
pub fn json_doc(value: &serde_json::Value) -> Doc {
    use serde_json::Value;
    match value {
        Value::Null => Doc::text("null"),
        Value::Bool(b) => Doc::text(b.to_string()),
        Value::Number(n) => Doc::text(n.to_string()),
        Value::String(s) => Doc::text(lexical::quote(s, false)),
        Value::Array(items) if items.is_empty() => Doc::text("[]"),
        Value::Object(map) if map.is_empty() => Doc::text("{}"),
        Value::Array(items) => {
            let mut inner = vec![Doc::SoftLine];
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    inner.extend([Doc::text(","), Doc::Line]);
                }
                inner.push(json_doc(item));
            }
            Doc::group(Doc::concat([Doc::text("["), Doc::indent(Doc::concat(inner)), Doc::SoftLine, Doc::text("]")]))
        }
        Value::Object(map) => {
            // The break mark first, so that measuring the group stops at once.
            let mut inner = vec![Doc::BreakParent, Doc::Line];
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    inner.extend([Doc::text(","), Doc::Line]);
                }
                inner.extend([Doc::text(lexical::quote(key, false)), Doc::text(": "), json_doc(value)]);
            }
            Doc::group(Doc::concat([Doc::text("{"), Doc::indent(Doc::concat(inner)), Doc::Line, Doc::text("}")]))
        }
    }
}

pub(super) fn literal(literal: &Literal) -> Doc {
    Doc::text(match &literal.kind {
        LiteralKind::String(raw) => format!("\"{raw}\""),
        LiteralKind::Number(text) => text.clone(),
        LiteralKind::Bool(b) => b.to_string(),
        LiteralKind::Null => "null".to_string(),
    })
}

/// A list group that stays flat unless something inside forces a break.
fn flatten(doc: Doc) -> Doc {
    match doc {
        Doc::Group(inner) if !forces_break(&inner) => unbreakable(*inner),
        other => other,
    }
}

fn forces_break(doc: &Doc) -> bool {
    match doc {
        Doc::HardLine | Doc::Blank | Doc::BreakParent => true,
        Doc::Verbatim(text) => text.contains('\n'),
        Doc::Indent(inner) => forces_break(inner),
        Doc::Concat(items) => items.iter().any(forces_break),
        // A nested group breaks on its own.
        _ => false,
    }
}

/// The doc with its own line breaks turned into what they are when flat.
fn unbreakable(doc: Doc) -> Doc {
    match doc {
        Doc::Line => Doc::text(" "),
        Doc::SoftLine => Doc::Nil,
        Doc::Indent(inner) => unbreakable(*inner),
        Doc::Concat(items) => Doc::Concat(items.into_iter().map(unbreakable).collect()),
        other => other,
    }
}

fn close_of(span: Span) -> u32 {
    span.end.saturating_sub(1)
}

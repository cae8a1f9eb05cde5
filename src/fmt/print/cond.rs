//! Conditions.

use super::{Printer, braced, close_of};
use crate::fmt::doc::Doc;
use crate::syntax::tree::{Cond, Count, CountSource, Op, OpKind, Operand};

impl Printer<'_> {
    pub(super) fn cond(&mut self, cond: &Cond) -> Doc {
        match cond {
            Cond::Or(items, _) => self.chain(items, "or"),
            Cond::And(items, _) => self.chain(items, "and"),
            Cond::Not(inner, _) => Doc::concat([Doc::text("not "), self.cond(inner)]),
            Cond::Block { all, items, span } => {
                Doc::concat([Doc::text(if *all { "all" } else { "any" }), self.cond_block(items, close_of(*span))])
            }
            Cond::Kind { path, body, span } => {
                let path = self.path(path);
                match body {
                    Some(items) => Doc::concat([path, self.cond_block(items, close_of(*span))]),
                    None => path,
                }
            }
            Cond::Resource { ty, body, span, .. } => {
                let head = Doc::concat([Doc::text("resource "), super::expr::literal(ty)]);
                match body {
                    Some(items) => Doc::concat([head, self.cond_block(items, close_of(*span))]),
                    None => head,
                }
            }
            Cond::Compare { lhs, op, rhs, .. } => {
                let mut parts = vec![self.operand(lhs), Doc::text(format!(" {}", op_text(*op)))];
                if let Some(rhs) = rhs {
                    parts.push(Doc::text(" "));
                    parts.push(self.expr(rhs));
                }
                Doc::concat(parts)
            }
            Cond::Quantifier { all, binding, source, body, span } => {
                let mut parts = vec![Doc::text(if *all { "all " } else { "any " })];
                if let Some(binding) = binding {
                    parts.push(Doc::text(format!("{} in ", binding.text)));
                }
                parts.push(self.path(source));
                parts.push(self.cond_block(body, close_of(*span)));
                Doc::concat(parts)
            }
            Cond::Raw(value, _) => self.expr(value),
            Cond::Error(_) => Doc::Nil,
        }
    }

    /// `a or b or c`, breaking before each `or` when it does not fit.
    fn chain(&mut self, items: &[Cond], keyword: &str) -> Doc {
        let mut rest = Vec::with_capacity(items.len() * 3);
        let mut first = Doc::Nil;
        for (i, item) in items.iter().enumerate() {
            let doc = self.cond(item);
            if i == 0 {
                first = doc;
            } else {
                rest.extend([Doc::Line, Doc::text(format!("{keyword} ")), doc]);
            }
        }
        Doc::group(Doc::concat([first, Doc::indent(Doc::concat(rest))]))
    }

    /// ` { … }` with one condition per line; a single simple condition may stay on the line
    /// (`workspace { v1LegacyMode != "true" }`).
    fn cond_block(&mut self, items: &[Cond], close: u32) -> Doc {
        let items: Vec<&Cond> = items.iter().filter(|c| !matches!(c, Cond::Error(_))).collect();
        let taken = self.trivia.taken();
        let body = self.lines(&items, |c| c.span(), close, |p, c| p.cond(c));
        match items.as_slice() {
            [only] if is_simple(only) && self.trivia.taken() == taken => {
                let item = self.flat_item(body);
                Doc::group(Doc::concat([
                    Doc::text(" {"),
                    Doc::indent(Doc::concat([Doc::Line, item])),
                    Doc::Line,
                    Doc::text("}"),
                ]))
            }
            _ => braced(body),
        }
    }

    /// The one item of [`Printer::lines`] output, without its leading line break.
    fn flat_item(&self, body: Doc) -> Doc {
        match body {
            Doc::Concat(mut parts) if parts.first() == Some(&Doc::HardLine) => {
                parts.remove(0);
                Doc::Concat(parts)
            }
            other => other,
        }
    }

    fn operand(&mut self, operand: &Operand) -> Doc {
        match operand {
            Operand::Field(path) => self.path(path),
            Operand::Value(expr) => self.expr(expr),
            Operand::Count(count) => self.count(count),
        }
    }

    /// `count(x in source where …)`, breaking before `where` when it does not fit.
    fn count(&mut self, count: &Count) -> Doc {
        let mut parts = vec![Doc::text("count(")];
        if let Some(binding) = &count.binding {
            parts.push(Doc::text(format!("{} in ", binding.text)));
        }
        parts.push(match &count.source {
            CountSource::Field(path) => self.path(path),
            CountSource::Value(expr) => self.expr(expr),
        });
        if let Some(condition) = &count.condition {
            let multiline = !is_simple(condition);
            let condition = self.cond(condition);
            if multiline {
                // A block opens on the line: `where any {`.
                parts.extend([Doc::text(" where "), condition]);
            } else {
                parts.push(Doc::group(Doc::indent(Doc::concat([Doc::Line, Doc::text("where "), condition]))));
            }
        }
        parts.push(Doc::text(")"));
        Doc::concat(parts)
    }
}

/// A condition that prints on one line: a comparison, a kind alone, `not` of such.
fn is_simple(cond: &Cond) -> bool {
    match cond {
        Cond::Compare { lhs, .. } => match lhs.as_ref() {
            Operand::Count(count) => count.condition.as_ref().is_none_or(is_simple),
            _ => true,
        },
        Cond::Kind { body: None, .. } | Cond::Resource { body: None, .. } => true,
        Cond::Not(inner, _) => is_simple(inner),
        Cond::Or(items, _) | Cond::And(items, _) => items.iter().all(is_simple),
        _ => false,
    }
}

fn op_text(op: Op) -> &'static str {
    match (op.kind, op.negated) {
        (OpKind::Equals, _) => "==",
        (OpKind::NotEquals, _) => "!=",
        (OpKind::Less, _) => "<",
        (OpKind::LessOrEquals, _) => "<=",
        (OpKind::Greater, _) => ">",
        (OpKind::GreaterOrEquals, _) => ">=",
        (OpKind::In, false) => "in",
        (OpKind::In, true) => "notIn",
        (OpKind::Like, false) => "like",
        (OpKind::Like, true) => "notLike",
        (OpKind::Match, false) => "match",
        (OpKind::Match, true) => "notMatch",
        (OpKind::MatchInsensitively, false) => "matchInsensitively",
        (OpKind::MatchInsensitively, true) => "notMatchInsensitively",
        (OpKind::Contains, false) => "contains",
        (OpKind::Contains, true) => "notContains",
        (OpKind::ContainsKey, false) => "containsKey",
        (OpKind::ContainsKey, true) => "notContainsKey",
        (OpKind::Exists, false) => "exists",
        (OpKind::Exists, true) => "notExists",
    }
}

//! Syntax tree → document: the one printer behind `gavel fmt` and `gavel decompile`.
//!
//! Blocks put one item per line; lists, calls and long conditions break only when they do not
//! fit. Comments are printed where the tree has a place for them: before each item of a
//! block or list (keeping one empty line where the author left one), after an item on the
//! same line, and before a closing brace. A comment in any other place moves to the next such
//! place, never out of order and never dropped.

mod cond;
mod expr;

use super::doc::Doc;
use super::lexical;
use super::trivia::Trivia;
use crate::syntax::lexer::Comment;
use crate::syntax::span::Span;
use crate::syntax::tree::{self, BodyItem, DetailItem, Item, OperationKind, Property};

pub struct Printer<'t> {
    trivia: &'t mut dyn Trivia,
}

impl<'t> Printer<'t> {
    pub fn new(trivia: &'t mut dyn Trivia) -> Printer<'t> {
        Printer { trivia }
    }

    /// One expression (the decompiler measures interpolated pieces with it).
    pub fn expression(&mut self, expr: &tree::Expr) -> Doc {
        self.expr(expr)
    }

    pub fn file(&mut self, file: &tree::File) -> Doc {
        let items: Vec<&Item> = file.items.iter().filter(|item| !matches!(item, Item::Error(_))).collect();
        let is_import = |item: &Item| matches!(item, Item::Import { .. });
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let span = item_span(item);
            let comments = self.trivia.take_before(span.start);
            if i > 0 {
                let first = comments.first().map_or(span.start, |c| c.span.start);
                let previous_import = items.get(i - 1).is_some_and(|p| is_import(p));
                let blank = !(previous_import && is_import(item)) || self.trivia.blank_before(first);
                out.push(if blank { Doc::Blank } else { Doc::HardLine });
            }
            self.comment_lines(&comments, &mut out);
            out.push(self.item(item));
            self.trailing(span.end, &mut out);
        }
        let rest = self.trivia.take_rest();
        if let (false, Some(first)) = (out.is_empty(), rest.first()) {
            out.push(if self.trivia.blank_before(first.span.start) { Doc::Blank } else { Doc::HardLine });
        }
        self.comment_lines(&rest, &mut out);
        Doc::concat(out)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Import { path, .. } => Doc::concat([Doc::text("import "), expr::literal(path)]),
            Item::Policy(block) => self.block("policy", block),
            Item::Initiative(block) => self.block("initiative", block),
            Item::Keyed(block) => self.keyed_block(block),
            Item::Error(_) => Doc::Nil,
        }
    }

    /// `assignment name "Display" { key value … }`.
    fn keyed_block(&mut self, block: &tree::KeyedBlock) -> Doc {
        let mut head = vec![Doc::owned(&block.keyword.text), Doc::text(" "), Doc::owned(&block.name.text)];
        if let Some(display) = &block.display_name {
            head.push(Doc::text(" "));
            head.push(expr::literal(display));
        }
        if block.body.is_empty() {
            head.push(Doc::text(" {}"));
            return Doc::concat(head);
        }
        head.push(self.property_block(&block.body, block.span));
        Doc::concat(head)
    }

    fn block(&mut self, keyword: &str, block: &tree::Block) -> Doc {
        let mut head = vec![Doc::text(format!("{keyword} ")), Doc::owned(&block.name.text)];
        if let Some(display) = &block.display_name {
            head.push(Doc::text(" "));
            head.push(expr::literal(display));
        }
        let items: Vec<&BodyItem> = block.body.iter().filter(|item| !matches!(item, BodyItem::Error(_))).collect();
        let body = self.lines(&items, |item| body_item_span(item), close_of(block.span), |p, item| p.body_item(item));
        Doc::concat([Doc::concat(head), braced(body)])
    }

    fn body_item(&mut self, item: &BodyItem) -> Doc {
        match item {
            BodyItem::Property(property) => self.property(property),
            BodyItem::Param(param) => self.param(param),
            BodyItem::When { condition, .. } => Doc::concat([Doc::text("when "), self.cond(condition)]),
            BodyItem::Then(spec) => self.then(spec),
            BodyItem::Group { name, display_name, body, span } => {
                let mut head = vec![Doc::text("group "), Doc::owned(&name.text)];
                if let Some(display) = display_name {
                    head.push(Doc::text(" "));
                    head.push(expr::literal(display));
                }
                head.push(self.property_block(body, *span));
                Doc::concat(head)
            }
            BodyItem::Member { target, body, span } => {
                let target = match target {
                    tree::MemberTarget::Name(name) => Doc::owned(&name.text),
                    tree::MemberTarget::Id(id) => expr::literal(id),
                };
                Doc::concat([Doc::text("policy "), target, self.property_block(body, *span)])
            }
            BodyItem::Error(_) => Doc::Nil,
        }
    }

    /// `key value`, or a flag alone.
    fn property(&mut self, property: &Property) -> Doc {
        match &property.value {
            Some(value) => Doc::concat([Doc::owned(&property.key.text), Doc::text(" "), self.expr(value)]),
            None => Doc::owned(&property.key.text),
        }
    }

    /// ` { key value … }` after a parameter, group or member; nothing when empty.
    fn property_block(&mut self, properties: &[Property], span: Span) -> Doc {
        if properties.is_empty() {
            return Doc::Nil;
        }
        let body = self.lines(properties, |p| p.span, close_of(span), |p, property| p.property(property));
        braced(body)
    }

    fn param(&mut self, param: &tree::Param) -> Doc {
        let mut head = vec![Doc::text("param "), Doc::text(param_name(&param.name.text))];
        if let Some(display) = &param.display_name {
            head.push(Doc::text(" "));
            head.push(expr::literal(display));
        }
        head.push(Doc::text(": "));
        head.push(Doc::owned(&param.ty.text));
        if let Some(default) = &param.default {
            head.push(Doc::text(" = "));
            head.push(self.expr(default));
        }
        if let Some(allowed) = &param.allowed {
            // A long declaration continues on the next line, indented once more.
            let allowed = Doc::concat([Doc::Line, Doc::text("in "), self.expr(allowed)]);
            head.push(Doc::group(Doc::indent(allowed)));
        }
        head.push(self.property_block(&param.attributes, param.span));
        Doc::concat(head)
    }

    fn then(&mut self, spec: &tree::EffectSpec) -> Doc {
        let mut parts = vec![Doc::text("then ")];
        parts.push(match &spec.effect {
            tree::EffectRef::Literal(name) => Doc::owned(&name.text),
            tree::EffectRef::Param(name) => Doc::text(format!("${}", name.text)),
        });
        if let Some(kind) = &spec.details_kind {
            parts.push(Doc::text(format!(" {}", kind.text)));
        }
        if let Some(details) = &spec.details {
            let items: Vec<&DetailItem> =
                details.items.iter().filter(|item| !matches!(item, DetailItem::Error(_))).collect();
            let body = self.lines(&items, |item| detail_span(item), close_of(details.span), |p, item| p.detail(item));
            parts.push(braced(body));
        }
        Doc::concat(parts)
    }

    fn detail(&mut self, item: &DetailItem) -> Doc {
        match item {
            DetailItem::Property(property) => self.property(property),
            DetailItem::ExistenceCondition { condition, .. } => {
                Doc::concat([Doc::text("existenceCondition "), self.cond(condition)])
            }
            DetailItem::Operation(operation) => {
                let keyword = match operation.kind {
                    OperationKind::Set => "set ",
                    OperationKind::Add => "add ",
                    OperationKind::Remove => "remove ",
                };
                let mut parts = vec![Doc::text(keyword), self.path(&operation.field)];
                if let Some(value) = &operation.value {
                    parts.push(Doc::text(" = "));
                    parts.push(self.expr(value));
                }
                if let Some(condition) = &operation.condition {
                    parts.push(Doc::group(Doc::indent(Doc::concat([
                        Doc::Line,
                        Doc::text("when "),
                        self.expr(condition),
                    ]))));
                }
                Doc::concat(parts)
            }
            DetailItem::Error(_) => Doc::Nil,
        }
    }

    // ------------------------------------------------------------ lines and comments

    /// Items one per line, each after the comments before it and with an empty line where the
    /// author left one; then the comments left before `close`. Starts with a line break.
    fn lines<T>(
        &mut self,
        items: &[T],
        span_of: impl Fn(&T) -> Span,
        close: u32,
        mut print: impl FnMut(&mut Self, &T) -> Doc,
    ) -> Doc {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let span = span_of(item);
            let comments = self.trivia.take_before(span.start);
            let first = comments.first().map_or(span.start, |c| c.span.start);
            out.push(if i > 0 && self.trivia.blank_before(first) { Doc::Blank } else { Doc::HardLine });
            self.comment_lines(&comments, &mut out);
            out.push(print(self, item));
            self.trailing(span.end, &mut out);
        }
        let rest = self.trivia.take_before(close);
        for (i, comment) in rest.iter().enumerate() {
            let blank = (i > 0 || !items.is_empty()) && self.trivia.blank_before(comment.span.start);
            out.push(if blank { Doc::Blank } else { Doc::HardLine });
            out.push(comment_doc(comment));
        }
        Doc::concat(out)
    }

    /// Comments on lines of their own, each followed by a line break (an empty line kept
    /// between two comments where the author left one).
    fn comment_lines(&mut self, comments: &[Comment], out: &mut Vec<Doc>) {
        for (i, comment) in comments.iter().enumerate() {
            if i > 0 && self.trivia.blank_before(comment.span.start) {
                out.push(Doc::HardLine);
            }
            out.push(comment_doc(comment));
            out.push(Doc::HardLine);
        }
    }

    /// A comment after `end` on the same line.
    fn trailing(&mut self, end: u32, out: &mut Vec<Doc>) {
        if let Some(comment) = self.trivia.take_trailing(end) {
            out.push(Doc::text(" "));
            out.push(comment_doc(&comment));
            out.push(Doc::BreakParent);
        }
    }
}

/// ` {`, the lines (which start with a line break), a line break and `}`; `{ }` when empty.
fn braced(body: Doc) -> Doc {
    if body == Doc::Concat(Vec::new()) {
        return Doc::text(" { }");
    }
    Doc::concat([Doc::text(" {"), Doc::indent(body), Doc::HardLine, Doc::text("}")])
}

fn comment_doc(comment: &Comment) -> Doc {
    if comment.text.starts_with("/*") {
        Doc::Verbatim(comment.text.clone())
    } else {
        Doc::owned(comment.text.trim_end())
    }
}

/// The position of a block's closing brace.
fn close_of(span: Span) -> u32 {
    span.end.saturating_sub(1)
}

fn param_name(raw: &str) -> String {
    if lexical::is_any_name(raw) { raw.to_string() } else { format!("\"{raw}\"") }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Import { span, .. } | Item::Error(span) => *span,
        Item::Policy(block) | Item::Initiative(block) => Span { start: block.keyword.start, ..block.span },
        Item::Keyed(block) => Span { start: block.keyword.span.start, ..block.span },
    }
}

fn body_item_span(item: &BodyItem) -> Span {
    match item {
        BodyItem::Property(property) => property.span,
        BodyItem::Param(param) => Span { start: param.keyword.start, ..param.span },
        BodyItem::When { keyword, condition } => keyword.to(condition.span()),
        BodyItem::Then(spec) => spec.span,
        BodyItem::Group { span, .. } | BodyItem::Member { span, .. } | BodyItem::Error(span) => *span,
    }
}

fn detail_span(item: &DetailItem) -> Span {
    match item {
        DetailItem::Property(property) => property.span,
        DetailItem::ExistenceCondition { keyword, condition } => keyword.to(condition.span()),
        DetailItem::Operation(operation) => operation.span,
        DetailItem::Error(span) => *span,
    }
}

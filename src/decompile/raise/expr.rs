//! Expressions: `$param`, interpolation instead of `concat`, field paths, calls; JSON
//! literals.

use super::Raiser;
use super::paths::Want;
use crate::ast::lower::fields::Scope;
use crate::ast::{Expr, FieldName};
use crate::fmt::lexical;
use crate::syntax::span::Span;
use crate::syntax::tree::{self, Literal, LiteralKind, Name};

/// Where an expression stands; a bare path is a field only in [`Position::Expr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Position {
    /// Right of an operator, in lists and objects: paths read as fields.
    Expr,
    /// Where a path would be read otherwise (count sources, `when` of an operation).
    Value,
    /// A property or details value: a bare word is a string.
    Block,
}

/// ARM functions whose names are gavel keywords, callable where a value is expected.
const KEYWORD_FUNCTIONS: &[&str] = &["and", "or", "not", "contains", "add", "json"];

impl Raiser {
    /// An expression that reads back as `expr`: the idiomatic form, else a plainer one, else
    /// raw JSON.
    pub(super) fn value_expr(&mut self, expr: &Expr, scope: &Scope<'_>, position: Position) -> tree::Expr {
        if is_plain(expr)
            && let Some(syntax) = self.expr(expr, scope, position, false)
        {
            return syntax;
        }
        let block = position == Position::Block;
        for conservative in [false, true] {
            if let Some(syntax) = self.expr(expr, scope, position, conservative)
                && self.reads_as(&syntax, scope, expr, block)
            {
                return syntax;
            }
        }
        let json = crate::emit::expr::value(expr);
        self.raw(&json)
    }

    /// `json …`: JSON taken verbatim.
    pub(super) fn raw(&mut self, json: &serde_json::Value) -> tree::Expr {
        let start = self.open();
        let inner = self.json(json);
        tree::Expr::Raw(Box::new(inner), self.close(start))
    }

    /// Builds (without checking) the syntax for `expr`; `None` when it has none. Plain
    /// (`conservative`) syntax avoids interpolation, short names and count variables.
    pub(super) fn expr(
        &mut self,
        expr: &Expr,
        scope: &Scope<'_>,
        position: Position,
        conservative: bool,
    ) -> Option<tree::Expr> {
        Some(match expr {
            Expr::Null(_) => self.literal(LiteralKind::Null),
            Expr::Bool(b, _) => self.literal(LiteralKind::Bool(*b)),
            Expr::Number(n, _) => self.number(n)?,
            Expr::String(s, _) => self.string_expr(s, true),
            Expr::Array(items, _) => {
                let start = self.open();
                let mut raised = Vec::with_capacity(items.len());
                for item in items {
                    raised.push(self.expr(item, scope, Position::Expr, conservative)?);
                }
                tree::Expr::Array(raised, self.close(start))
            }
            Expr::Object(entries, _) => {
                let start = self.open();
                let mut raised = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key = self.key(&key.value);
                    raised.push((key, self.expr(value, scope, Position::Expr, conservative)?));
                }
                tree::Expr::Object(raised, self.close(start))
            }
            Expr::Raw(json, _) => self.raw(json),
            Expr::Param(name) if lexical::is_param_name(&name.value) => tree::Expr::Param(self.name(&name.value)),
            Expr::Param(name) => self.call_literal("parameters", &name.value),
            Expr::Field(field) => match &field.name {
                FieldName::Static(alias) => {
                    let path = (position == Position::Expr && !conservative)
                        .then(|| self.field_path(Want::Field(alias), scope, true))
                        .flatten();
                    match path {
                        Some(path) => tree::Expr::Path(path),
                        None => self.call_literal("field", alias),
                    }
                }
                FieldName::Dynamic(name) => {
                    let start = self.open();
                    let callee = self.name("field");
                    let arg = self.expr(name, scope, Position::Expr, conservative)?;
                    tree::Expr::Call { name: callee, args: vec![arg], span: self.close(start) }
                }
            },
            Expr::Current(None, _) => {
                let start = self.open();
                let name = self.name("current");
                tree::Expr::Call { name, args: Vec::new(), span: self.close(start) }
            }
            Expr::Current(Some(variable), _) => {
                let path = (position == Position::Expr && !conservative)
                    .then(|| self.field_path(Want::Current(variable), scope, true))
                    .flatten();
                match path {
                    Some(path) => tree::Expr::Path(path),
                    None => self.call_literal("current", variable),
                }
            }
            Expr::Call { name, args, .. } => self.call(&name.value, args, scope, conservative)?,
            Expr::Member { base, name, .. } => {
                let start = self.open();
                let base = self.postfix_base(base, scope, conservative)?;
                if !lexical::is_any_name(&name.value) {
                    return None;
                }
                let name = self.name(&name.value);
                tree::Expr::Member { base: Box::new(base), name, span: self.close(start) }
            }
            Expr::Index { base, index, .. } => {
                let start = self.open();
                let base = self.postfix_base(base, scope, conservative)?;
                let index = self.expr(index, scope, Position::Expr, conservative)?;
                tree::Expr::Index { base: Box::new(base), index: Box::new(index), span: self.close(start) }
            }
        })
    }

    fn literal(&mut self, kind: LiteralKind) -> tree::Expr {
        tree::Expr::Literal(Literal { kind, span: self.leaf() })
    }

    fn number(&mut self, n: &serde_json::Number) -> Option<tree::Expr> {
        let text = n.to_string();
        lexical::is_number(&text).then(|| self.literal(LiteralKind::Number(text)))
    }

    /// `name("text")`. The argument is escaped as an interpolating string: `field("…")` on the
    /// left of a condition and arguments of other calls read `$name` in it, and `\$` reads
    /// back as `$` wherever a plain string is read.
    fn call_literal(&mut self, name: &str, text: &str) -> tree::Expr {
        let start = self.open();
        let callee = self.name(name);
        let arg = self.string_expr(text, true);
        tree::Expr::Call { name: callee, args: vec![arg], span: self.close(start) }
    }

    fn call(&mut self, name: &str, args: &[Expr], scope: &Scope<'_>, conservative: bool) -> Option<tree::Expr> {
        if !conservative
            && name.eq_ignore_ascii_case("concat")
            && let Some(interpolated) = self.interpolation(args, scope)
        {
            return Some(interpolated);
        }
        if !(lexical::is_ident(name) || KEYWORD_FUNCTIONS.contains(&name)) {
            return None;
        }
        let start = self.open();
        let callee = self.name(name);
        let mut raised = Vec::with_capacity(args.len());
        for arg in args {
            raised.push(self.expr(arg, scope, Position::Expr, conservative)?);
        }
        Some(tree::Expr::Call { name: callee, args: raised, span: self.close(start) })
    }

    /// What `.name` or `[i]` may follow: a parameter or a call (fields and count variables as
    /// calls, since a path would swallow the member).
    fn postfix_base(&mut self, base: &Expr, scope: &Scope<'_>, conservative: bool) -> Option<tree::Expr> {
        let plain = matches!(base, Expr::Field(_) | Expr::Current(..)) || conservative;
        let syntax = self.expr(base, scope, Position::Value, plain)?;
        matches!(
            syntax,
            tree::Expr::Param(_) | tree::Expr::Call { .. } | tree::Expr::Member { .. } | tree::Expr::Index { .. }
        )
        .then_some(syntax)
    }

    /// `"text $param ${expr}"` for `concat(…)`, when every piece can be written inside a
    /// string and the pieces read back as the same arguments.
    fn interpolation(&mut self, args: &[Expr], scope: &Scope<'_>) -> Option<tree::Expr> {
        if args.len() < 2 {
            return None;
        }
        let mut raw = String::new();
        let mut previous_text = false;
        for (i, arg) in args.iter().enumerate() {
            if let Expr::String(text, _) = arg {
                if text.is_empty() || previous_text {
                    return None;
                }
                raw.push_str(&lexical::escape(text, true));
                previous_text = true;
                continue;
            }
            previous_text = false;
            let glued = matches!(args.get(i + 1), Some(Expr::String(next, _)) if next.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
            match arg {
                Expr::Param(name)
                    if !glued
                        && name.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && lexical::is_param_name(&name.value) =>
                {
                    raw.push('$');
                    raw.push_str(&name.value);
                }
                other => {
                    let syntax = self.expr(other, scope, Position::Expr, false)?;
                    let text = crate::fmt::print_inline(&syntax);
                    if text.contains(['"', '\\', '{', '}', '\n']) {
                        return None;
                    }
                    raw.push_str("${");
                    raw.push_str(&text);
                    raw.push('}');
                }
            }
        }
        Some(tree::Expr::Literal(Literal { kind: LiteralKind::String(raw), span: self.leaf() }))
    }

    /// JSON written as it is, in JSON style, straight from the value (the printer lays it out
    /// the way it lays out strict JSON in a source file).
    pub(super) fn raw_json(&mut self, json: serde_json::Value) -> tree::Expr {
        let span = self.leaf();
        self.trivia.json.push((span.start, json));
        tree::Expr::RawJson(span)
    }

    /// A JSON value as a gavel literal.
    pub(super) fn json(&mut self, json: &serde_json::Value) -> tree::Expr {
        use serde_json::Value;
        match json {
            Value::Null => self.literal(LiteralKind::Null),
            Value::Bool(b) => self.literal(LiteralKind::Bool(*b)),
            Value::Number(n) => {
                let text = n.to_string();
                self.literal(LiteralKind::Number(text))
            }
            Value::String(s) => self.string_expr(s, false),
            Value::Array(items) => {
                let start = self.open();
                let items = items.iter().map(|item| self.json(item)).collect();
                tree::Expr::Array(items, self.close(start))
            }
            Value::Object(map) => {
                let start = self.open();
                let mut entries = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let key = self.key(key);
                    entries.push((key, self.json(value)));
                }
                tree::Expr::Object(entries, self.close(start))
            }
        }
    }

    /// An object key: bare where it is a name, quoted otherwise.
    pub(super) fn key(&mut self, key: &str) -> Name {
        let span: Span = self.leaf();
        if !lexical::is_any_name(key) {
            self.trivia.quoted.push(span.start);
            return Name { text: lexical::escape(key, false), span };
        }
        Name { text: key.to_string(), span }
    }
}

/// Expressions whose syntax is right by construction: JSON values, parameters, and fields or
/// count variables (whose paths are checked as they are chosen). Calls, member and index
/// access are checked (interpolation, keyword names and postfix bases are easy to get wrong).
fn is_plain(expr: &Expr) -> bool {
    match expr {
        Expr::Null(_) | Expr::Bool(..) | Expr::Number(..) | Expr::String(..) | Expr::Current(..) => true,
        Expr::Param(name) => lexical::is_param_name(&name.value),
        Expr::Field(field) => matches!(field.name, FieldName::Static(_)),
        Expr::Array(items, _) => items.iter().all(is_plain),
        Expr::Object(entries, _) => entries.iter().all(|(_, v)| is_plain(v)),
        _ => false,
    }
}

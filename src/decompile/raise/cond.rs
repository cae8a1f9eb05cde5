//! Conditions: kind blocks for ML type guards, `all`/`any` blocks, comparisons, counts and
//! quantifiers.

use super::Raiser;
use super::expr::Position;
use super::paths::Want;
use crate::ast::lower::fields::{Binding, Scope, TOP_LEVEL_FIELDS};
use crate::ast::{Condition, Count, CountSource, Expr, Field, FieldName, Operator, OperatorKind};
use crate::catalog::kinds::{self, ResourceKind};
use crate::emit;
use crate::fmt::lexical;
use crate::syntax::tree::{self, Cond, Op, OpKind, Operand};

impl Raiser {
    pub(super) fn cond(&mut self, condition: &Condition, scope: &Scope<'_>) -> Cond {
        match condition {
            Condition::AllOf { items, .. } => {
                let guarded = items.split_first().and_then(|(first, rest)| Some((guard_type(first)?, rest)));
                match guarded {
                    Some((ty, rest)) => match kinds::kind_by_type(ty) {
                        Some(kind) => self.kind_block(kind, Some(rest), scope),
                        None => self.resource_block(ty, rest, scope),
                    },
                    None => self.block(true, items, scope),
                }
            }
            Condition::AnyOf { items, .. } => self.block(false, items, scope),
            Condition::Not { inner, .. } => {
                let start = self.open();
                let inner = self.cond(inner, scope);
                Cond::Not(Box::new(inner), self.close(start))
            }
            Condition::Raw { value, .. } => self.raw_cond(value),
            Condition::Count { count, op, rhs, .. } => self.count_cond(condition, count, *op, rhs, scope),
            Condition::Field { .. } => match kind_guard(condition) {
                Some(kind) => self.kind_block(kind, None, scope),
                None => self.leaf_cond(condition, scope),
            },
            Condition::Value { .. } => self.leaf_cond(condition, scope),
        }
    }

    /// Block items, with a comment above those kept as JSON.
    fn cond_items(&mut self, items: &[Condition], scope: &Scope<'_>) -> Vec<Cond> {
        let mut raised = Vec::with_capacity(items.len());
        for item in items {
            if matches!(item, Condition::Raw { .. }) {
                self.comment("// kept as JSON: gavel has no syntax for this condition");
            }
            raised.push(self.cond(item, scope));
        }
        raised
    }

    fn block(&mut self, all: bool, items: &[Condition], scope: &Scope<'_>) -> Cond {
        let start = self.open();
        let items = self.cond_items(items, scope);
        Cond::Block { all, items, span: self.close(start) }
    }

    /// `compute`, or `compute { … }` with short names relative to the kind.
    fn kind_block(&mut self, kind: &ResourceKind, body: Option<&[Condition]>, scope: &Scope<'_>) -> Cond {
        let start = self.open();
        let name = self.name(kind.name);
        let path = tree::Path { span: name.span, head: tree::PathHead::Name(name), segments: Vec::new() };
        let body = body.map(|items| {
            let inner = scope.with_resource_type(kind.resource_type);
            self.cond_items(items, &inner)
        });
        Cond::Kind { path: Box::new(path), body, span: self.close(start) }
    }

    /// `resource "Microsoft.X/y" { … }` for a type without a kind, with short names relative to
    /// the type.
    fn resource_block(&mut self, resource_type: &str, body: &[Condition], scope: &Scope<'_>) -> Cond {
        let start = self.open();
        let keyword = self.leaf();
        let ty = self.string(resource_type, false);
        let inner = scope.with_resource_type(resource_type);
        let body = self.cond_items(body, &inner);
        Cond::Resource { keyword, ty, body: Some(body), span: self.close(start) }
    }

    fn raw_cond(&mut self, value: &serde_json::Value) -> Cond {
        let start = self.open();
        let json = self.raw(value);
        Cond::Raw(Box::new(json), self.close(start))
    }

    /// Whether `syntax` lowers (in `scope`) to a condition that emits what `condition` does.
    fn cond_reads_as(&mut self, syntax: &Cond, scope: &Scope<'_>, condition: &Condition) -> bool {
        let lowered = self.lowers(|l| l.condition(syntax, scope));
        lowered.is_some_and(|c| super::same_json(&emit::condition(&c), &emit::condition(condition)))
    }

    /// A comparison: idiomatic, else plain, else raw JSON.
    fn leaf_cond(&mut self, condition: &Condition, scope: &Scope<'_>) -> Cond {
        // A static field against a value: the path and the value are each checked as they are
        // built, so the comparison needs no check of its own.
        if let Condition::Field { field: field @ Field { name: FieldName::Static(_), .. }, op, value, .. } = condition
            && let Some(syntax) = self.field_compare(field, *op, value, scope, Rhs::Checked)
        {
            return syntax;
        }
        for conservative in [false, true] {
            let syntax = match condition {
                Condition::Field { field, op, value, .. } => {
                    self.field_compare(field, *op, value, scope, Rhs::built(conservative))
                }
                Condition::Value { value, op, rhs, .. } => self.value_compare(value, *op, rhs, scope, conservative),
                _ => None,
            };
            if let Some(syntax) = syntax
                && self.cond_reads_as(&syntax, scope, condition)
            {
                return syntax;
            }
        }
        self.raw_cond(&emit::condition(condition))
    }

    fn field_compare(
        &mut self,
        field: &Field,
        op: Operator,
        value: &Expr,
        scope: &Scope<'_>,
        rhs: Rhs,
    ) -> Option<Cond> {
        let conservative = rhs == Rhs::Plain;
        let start = self.open();
        let lhs = match &field.name {
            FieldName::Static(name) => {
                let path = (!conservative).then(|| self.field_path(Want::Field(name), scope, false)).flatten();
                match path {
                    Some(path) => Operand::Field(path),
                    None => Operand::Value(self.field_call(&Expr::String(name.clone(), field.span), scope)?),
                }
            }
            FieldName::Dynamic(name) => {
                let path = (!conservative).then(|| self.dynamic_tag_path(name, scope, false)).flatten();
                match path {
                    Some(path) => Operand::Field(path),
                    None => Operand::Value(self.field_call(name, scope)?),
                }
            }
        };
        if rhs == Rhs::Checked && !matches!(lhs, Operand::Field(_)) && !matches!(&field.name, FieldName::Static(_)) {
            return None;
        }
        self.compare(start, lhs, op, value, scope, rhs)
    }

    /// `field(<name>)` on the left of a comparison, where the argument is a value: `$name` in
    /// it interpolates, so a dollar is escaped.
    fn field_call(&mut self, name: &Expr, scope: &Scope<'_>) -> Option<tree::Expr> {
        let start = self.open();
        let callee = self.name("field");
        let arg = match name {
            Expr::String(text, _) => self.string_expr(text, true),
            other => self.expr(other, scope, Position::Expr, true)?,
        };
        Some(tree::Expr::Call { name: callee, args: vec![arg], span: self.close(start) })
    }

    fn value_compare(
        &mut self,
        value: &Expr,
        op: Operator,
        rhs: &Expr,
        scope: &Scope<'_>,
        conservative: bool,
    ) -> Option<Cond> {
        let start = self.open();
        // A value count's variable reads as itself: `id == "x"`.
        if let (Expr::Current(Some(variable), _), false) = (value, conservative)
            && scope.bindings.iter().any(|b| matches!(b, Binding::Value { name } if name == variable))
            && let Some(path) = self.field_path(Want::Current(variable), scope, false)
        {
            return self.compare(start, Operand::Field(path), op, rhs, scope, Rhs::built(conservative));
        }
        let syntax = self.expr(value, scope, Position::Value, conservative)?;
        let lhs = if starts_condition(&syntax) {
            syntax
        } else {
            let wrapper_start = self.open();
            let callee = self.name("value");
            tree::Expr::Call { name: callee, args: vec![syntax], span: self.close(wrapper_start) }
        };
        self.compare(start, Operand::Value(lhs), op, rhs, scope, Rhs::built(conservative))
    }

    /// `lhs op rhs` (`lhs exists` / `lhs notExists` for `exists`).
    fn compare(
        &mut self,
        start: u32,
        lhs: Operand,
        op: Operator,
        rhs: &Expr,
        scope: &Scope<'_>,
        mode: Rhs,
    ) -> Option<Cond> {
        let (kind, negated) = op_kind(op.kind);
        let (negated, rhs) = match (op.kind, rhs) {
            (OperatorKind::Exists, Expr::Bool(b, _)) => (!b, None),
            (OperatorKind::Exists, _) => return None,
            _ if mode == Rhs::Checked => (negated, Some(self.value_expr(rhs, scope, Position::Expr))),
            _ => (negated, Some(self.expr(rhs, scope, Position::Expr, mode == Rhs::Plain)?)),
        };
        let op = Op { kind, negated, span: self.leaf() };
        Some(Cond::Compare { lhs: Box::new(lhs), op, rhs: rhs.map(Box::new), span: self.close(start) })
    }

    /// Counts: `any x in a[*] { … }` / `all x in a[*] { … }` where the count is one, else
    /// `count(x in a[*] where …) op n`; checked as a whole, raw JSON otherwise.
    fn count_cond(
        &mut self,
        condition: &Condition,
        count: &Count,
        op: Operator,
        rhs: &Expr,
        scope: &Scope<'_>,
    ) -> Cond {
        let syntax = match quantifier(count, op, rhs) {
            Some((all, alias, body)) => self.quantifier(all, alias, body, &count.source, scope),
            None => self.count(count, op, rhs, scope),
        };
        if let Some(syntax) = syntax
            && self.cond_reads_as(&syntax, scope, condition)
        {
            return syntax;
        }
        self.raw_cond(&emit::condition(condition))
    }

    /// A count's `where`: two or three simple comparisons read best as `a and b`.
    fn where_cond(&mut self, condition: &Condition, scope: &Scope<'_>) -> Cond {
        let (items, all) = match condition {
            Condition::AllOf { items, .. } => (items, true),
            Condition::AnyOf { items, .. } => (items, false),
            other => return self.cond(other, scope),
        };
        let simple =
            |c: &Condition| matches!(c, Condition::Field { .. } | Condition::Value { .. }) && kind_guard(c).is_none();
        if !(2..=3).contains(&items.len()) || !items.iter().all(simple) {
            return self.cond(condition, scope);
        }
        let start = self.open();
        let items = items.iter().map(|item| self.cond(item, scope)).collect();
        let span = self.close(start);
        if all { Cond::And(items, span) } else { Cond::Or(items, span) }
    }

    fn quantifier(
        &mut self,
        all: bool,
        alias: &str,
        body: &Condition,
        source: &CountSource,
        scope: &Scope<'_>,
    ) -> Option<Cond> {
        let CountSource::Field(_) = source else { return None };
        let start = self.open();
        let variable = binding_name(alias, scope);
        let binding = self.name(&variable);
        let source = self.field_path(Want::Field(alias), scope, false)?;
        let inner = scope.with_binding(Binding::Element { name: Some(variable), alias: alias.to_string() });
        let items = match body {
            Condition::AllOf { items, .. } if items.len() != 1 => self.cond_items(items, &inner),
            other => self.cond_items(std::slice::from_ref(other), &inner),
        };
        Some(Cond::Quantifier {
            all,
            binding: Some(binding),
            source: Box::new(source),
            body: items,
            span: self.close(start),
        })
    }

    fn count(&mut self, count: &Count, op: Operator, rhs: &Expr, scope: &Scope<'_>) -> Option<Cond> {
        let start = self.open();
        let count_start = self.open();
        let (binding, source, inner) = match &count.source {
            CountSource::Field(field) => {
                let FieldName::Static(alias) = &field.name else { return None };
                let variable = count.condition.as_ref().map(|_| binding_name(alias, scope));
                let binding = variable.as_ref().map(|v| self.name(v));
                let source = tree::CountSource::Field(self.field_path(Want::Field(alias), scope, false)?);
                let inner = scope.with_binding(Binding::Element { name: variable, alias: alias.clone() });
                (binding, source, inner)
            }
            CountSource::Value { value, name } => {
                let variable = name.as_ref().map(|n| n.value.clone());
                if variable
                    .as_ref()
                    .is_some_and(|v| !lexical::is_ident(v) || !v.chars().all(|c| c.is_ascii_alphanumeric()))
                {
                    return None;
                }
                let binding = variable.as_ref().map(|v| self.name(v));
                let source = tree::CountSource::Value(self.value_expr(value, scope, Position::Value));
                let inner = scope.with_binding(Binding::Value { name: variable.unwrap_or_default() });
                (binding, source, inner)
            }
        };
        let condition = count.condition.as_ref().map(|c| Box::new(self.where_cond(c, &inner)));
        let count = tree::Count { binding, source, condition: condition.map(|c| *c), span: self.close(count_start) };
        self.compare(start, Operand::Count(Box::new(count)), op, rhs, scope, Rhs::Idiomatic)
    }
}

/// How the right-hand side of a comparison is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rhs {
    /// Idiomatic, checked with the whole comparison.
    Idiomatic,
    /// Plain, checked with the whole comparison.
    Plain,
    /// Checked on its own (with its own fallbacks).
    Checked,
}

impl Rhs {
    fn built(conservative: bool) -> Rhs {
        if conservative { Rhs::Plain } else { Rhs::Idiomatic }
    }
}

/// The built-in kind a condition guards on: `{"field": "type", "equals": "<kind's type>"}`.
pub(super) fn kind_guard(condition: &Condition) -> Option<&'static ResourceKind> {
    guard_type(condition).and_then(kinds::kind_by_type)
}

/// The resource type a condition guards on (`{"field": "type", "equals": "<type>"}`), when it
/// is shaped like one, so that a kind or `resource "…"` block can say it.
fn guard_type(condition: &Condition) -> Option<&str> {
    match condition {
        Condition::Field { field, op, value: Expr::String(ty, _), .. }
            if op.kind == OperatorKind::Equals
                && matches!(&field.name, FieldName::Static(n) if n.eq_ignore_ascii_case("type"))
                && kinds::check_resource_type(ty).is_ok() =>
        {
            Some(ty)
        }
        _ => None,
    }
}

/// `any`: `count(… where c) > 0`; `all`: `count(… where not c) == 0`.
fn quantifier<'a>(count: &'a Count, op: Operator, rhs: &Expr) -> Option<(bool, &'a str, &'a Condition)> {
    let CountSource::Field(Field { name: FieldName::Static(alias), .. }) = &count.source else { return None };
    if !alias.ends_with("[*]") || !matches!(rhs, Expr::Number(n, _) if n.as_u64() == Some(0)) {
        return None;
    }
    match (op.kind, count.condition.as_ref()?) {
        (OperatorKind::Greater, body) => Some((false, alias, body)),
        (OperatorKind::Equals, Condition::Not { inner, .. }) => Some((true, alias, inner)),
        _ => None,
    }
}

/// A count variable named after what is counted: `privateEndpointConnections[*]` → `connection`.
fn binding_name(alias: &str, scope: &Scope<'_>) -> String {
    let stem = alias.trim_end_matches("[*]");
    let last = stem.rsplit(['.', '/']).next().unwrap_or_default();
    let word_start = last.char_indices().rev().find(|&(_, c)| c.is_ascii_uppercase()).map_or(0, |(i, _)| i);
    let mut word = last.get(word_start..).unwrap_or_default().to_ascii_lowercase();
    if let Some(singular) = word.strip_suffix("ies") {
        word = format!("{singular}y");
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word.pop();
    }
    let taken = |name: &str| {
        !lexical::is_ident(name)
            || TOP_LEVEL_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
            || scope.bindings.iter().any(|b| match b {
                Binding::Element { name: Some(n), .. } | Binding::Value { name: n } => n == name,
                Binding::Element { name: None, .. } => false,
            })
    };
    if !word.is_empty() && !taken(&word) {
        return word;
    }
    (1..).map(|i| if i == 1 { "item".to_string() } else { format!("item{i}") }).find(|n| !taken(n)).unwrap_or_default()
}

/// Whether syntax can start a condition as a value (`$x == …`, `length($x) == …`); other
/// values go in `value(…)`.
fn starts_condition(syntax: &tree::Expr) -> bool {
    match syntax {
        tree::Expr::Literal(_) | tree::Expr::Param(_) => true,
        tree::Expr::Call { name, args, .. } => {
            lexical::is_ident(&name.text) && !(args.len() == 1 && (name.text == "field" || name.text == "value"))
        }
        tree::Expr::Member { base, .. } | tree::Expr::Index { base, .. } => postfix_start(base),
        _ => false,
    }
}

fn postfix_start(syntax: &tree::Expr) -> bool {
    match syntax {
        tree::Expr::Param(_) => true,
        tree::Expr::Call { name, .. } => lexical::is_ident(&name.text),
        tree::Expr::Member { base, .. } | tree::Expr::Index { base, .. } => postfix_start(base),
        _ => false,
    }
}

fn op_kind(kind: OperatorKind) -> (OpKind, bool) {
    use OperatorKind as K;
    match kind {
        K::Equals => (OpKind::Equals, false),
        K::NotEquals => (OpKind::NotEquals, false),
        K::Less => (OpKind::Less, false),
        K::LessOrEquals => (OpKind::LessOrEquals, false),
        K::Greater => (OpKind::Greater, false),
        K::GreaterOrEquals => (OpKind::GreaterOrEquals, false),
        K::In => (OpKind::In, false),
        K::NotIn => (OpKind::In, true),
        K::Like => (OpKind::Like, false),
        K::NotLike => (OpKind::Like, true),
        K::Match => (OpKind::Match, false),
        K::NotMatch => (OpKind::Match, true),
        K::MatchInsensitively => (OpKind::MatchInsensitively, false),
        K::NotMatchInsensitively => (OpKind::MatchInsensitively, true),
        K::Contains => (OpKind::Contains, false),
        K::NotContains => (OpKind::Contains, true),
        K::ContainsKey => (OpKind::ContainsKey, false),
        K::NotContainsKey => (OpKind::ContainsKey, true),
        K::Exists => (OpKind::Exists, false),
    }
}

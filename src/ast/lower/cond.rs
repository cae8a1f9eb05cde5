//! Conditions: blocks, kind guards, comparisons, counts and quantifiers.

use super::Lowerer;
use super::fields::{Binding, Resolved, Scope};
use crate::ast::{Condition, Count, CountSource, Expr, Field, FieldName, Operator, OperatorKind, Spanned};
use crate::catalog::kinds;
use crate::diag::{Code, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, Cond, OpKind, PathHead};

impl Lowerer<'_> {
    pub(crate) fn condition(&mut self, cond: &Cond, scope: &Scope<'_>) -> Option<Condition> {
        match cond {
            Cond::Or(items, span) => Some(Condition::AnyOf { items: self.conditions(items, scope), span: *span }),
            Cond::And(items, span) => Some(Condition::AllOf { items: self.conditions(items, scope), span: *span }),
            Cond::Not(inner, span) => {
                Some(Condition::Not { inner: Box::new(self.condition(inner, scope)?), span: *span })
            }
            Cond::Block { all: true, items, span } => {
                Some(Condition::AllOf { items: self.conditions(items, scope), span: *span })
            }
            Cond::Block { all: false, items, span } => {
                Some(Condition::AnyOf { items: self.conditions(items, scope), span: *span })
            }
            Cond::Kind { path, body, span } => self.kind_guard(path, body.as_deref(), *span, scope),
            Cond::Resource { ty, body, span, .. } => self.resource_guard(ty, body.as_deref(), *span, scope),
            Cond::Compare { lhs, op, rhs, span } => self.compare(lhs, *op, rhs.as_deref(), *span, scope),
            Cond::Quantifier { all, binding, source, body, span } => {
                self.quantifier(*all, binding.as_ref(), source, body, *span, scope)
            }
            Cond::Raw(inner, span) => Some(Condition::Raw { value: self.json(inner)?, span: *span }),
            Cond::Error(_) => None,
        }
    }

    pub(crate) fn conditions(&mut self, items: &[Cond], scope: &Scope<'_>) -> Vec<Condition> {
        // Sized up front: a collected `filter_map` would reserve four conditions for one.
        let mut conditions = Vec::with_capacity(items.len());
        conditions.extend(items.iter().filter_map(|item| self.condition(item, scope)));
        conditions
    }

    /// `compute` → the `type` guard; `compute { … }` → `allOf [guard, …]` with short names
    /// resolved against the kind.
    fn kind_guard(
        &mut self,
        path: &tree::Path,
        body: Option<&[Cond]>,
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Condition> {
        let kind = match (&path.head, path.segments.is_empty()) {
            (PathHead::Name(name), true) => self.kinds.by_name(&name.text).ok_or(name),
            (PathHead::Name(name), false) | (PathHead::Alias(name), _) => {
                self.error(
                    Code::InvalidFieldPath,
                    path.span,
                    format!("`{}` alone is not a condition", self.text.get(path.span.range()).unwrap_or(&name.text)),
                    "compare the field with an operator, for example `… == true` or `… exists`",
                );
                return None;
            }
        };
        let kind = match kind {
            Ok(kind) => kind,
            Err(name) => {
                let suggestion = did_you_mean(&name.text, self.kinds.iter().map(|k| k.name));
                let mut diagnostic = crate::diag::Diagnostic::new(
                    Code::UnknownKind,
                    name.span,
                    format!("`{}` is not a resource kind", name.text),
                );
                diagnostic = diagnostic.with_suggestion(
                    name.span,
                    suggestion,
                    "use a kind such as `workspace`, `compute`, `storageAccount`, `keyVault`; for any other type write `resource \"Microsoft.X/y\" { … }` or declare a kind in gavel.toml",
                );
                self.report(diagnostic);
                return None;
            }
        };
        let resource_type = kind.resource_type.to_string();
        Some(self.guarded(&resource_type, path.span, path.span, body, span, scope))
    }

    /// `resource "Microsoft.X/y"` → the `type` guard; with a block, as a kind block of that type.
    fn resource_guard(
        &mut self,
        ty: &tree::Literal,
        body: Option<&[Cond]>,
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Condition> {
        let resource_type = self.plain_string(ty)?;
        if let Err(reason) = kinds::check_resource_type(&resource_type) {
            self.error(
                Code::InvalidResourceType,
                ty.span,
                reason,
                "write a resource type as Azure spells it: `resource \"Microsoft.Storage/storageAccounts\" { … }`",
            );
            return None;
        }
        let head = Span { end: ty.span.end, ..span };
        Some(self.guarded(&resource_type, head, ty.span, body, span, scope))
    }

    /// The `type` guard of `resource_type` (`guard_span` for the condition, `value_span` for the
    /// type string), alone or `allOf` with the block's conditions, whose short names are
    /// relative to the type.
    fn guarded(
        &mut self,
        resource_type: &str,
        guard_span: Span,
        value_span: Span,
        body: Option<&[Cond]>,
        span: Span,
        scope: &Scope<'_>,
    ) -> Condition {
        let mut guard = type_guard(resource_type, guard_span);
        if let Condition::Field { value: Expr::String(_, at), .. } = &mut guard {
            *at = value_span;
        }
        let Some(body) = body else {
            return guard;
        };
        let inner = scope.with_resource_type(resource_type);
        let mut items = vec![guard];
        items.extend(self.conditions(body, &inner));
        Condition::AllOf { items, span }
    }

    fn compare(
        &mut self,
        lhs: &tree::Operand,
        op: tree::Op,
        rhs: Option<&tree::Expr>,
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Condition> {
        let operator = Operator { kind: operator_kind(op), span: op.span };
        let value = match rhs {
            Some(rhs) => self.value(rhs, scope)?,
            None => Expr::Bool(!op.negated, op.span),
        };
        match lhs {
            tree::Operand::Field(path) => match self.resolve_path(path, scope, false)? {
                Resolved::Field(field) => Some(Condition::Field { field, op: operator, value, span }),
                Resolved::CurrentElement { alias, span: lhs_span } => {
                    let field = Field { name: FieldName::Static(alias), written: None, span: lhs_span };
                    Some(Condition::Field { field, op: operator, value, span })
                }
                Resolved::ValueBinding { .. } => {
                    let lhs = self.value(&tree::Expr::Path(path.clone()), scope)?;
                    Some(Condition::Value { value: lhs, op: operator, rhs: value, span })
                }
            },
            tree::Operand::Value(expr) => self.value_operand(expr, operator, value, span, scope),
            tree::Operand::Count(count) => {
                let count = self.count(count, scope)?;
                Some(Condition::Count { count: Box::new(count), op: operator, rhs: value, span })
            }
        }
    }

    /// A value on the left: `field(…)` makes a field condition with a computed name,
    /// `value(…)` forces a value condition, anything else is a value condition.
    fn value_operand(
        &mut self,
        expr: &tree::Expr,
        op: Operator,
        rhs: Expr,
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Condition> {
        if let tree::Expr::Call { name, args, .. } = expr
            && let [arg] = args.as_slice()
        {
            if name.text == "field" {
                let name_expr = self.value(arg, scope)?;
                let name = match name_expr {
                    Expr::String(text, _) => FieldName::Static(text),
                    Expr::Field(field) => field.name,
                    other => FieldName::Dynamic(Box::new(other)),
                };
                let field = Field { name, written: None, span: expr.span() };
                return Some(Condition::Field { field, op, value: rhs, span });
            }
            if name.text == "value" {
                let value = self.value(arg, scope)?;
                return Some(Condition::Value { value, op, rhs, span });
            }
        }
        let value = self.value(expr, scope)?;
        Some(Condition::Value { value, op, rhs, span })
    }

    fn count(&mut self, count: &tree::Count, scope: &Scope<'_>) -> Option<Count> {
        let (source, inner) = match &count.source {
            tree::CountSource::Field(path) => {
                let field = self.field(path, scope)?;
                let inner = match &field.name {
                    FieldName::Static(alias) => {
                        if !alias.ends_with("[*]") {
                            self.error(
                                Code::InvalidCount,
                                path.span,
                                format!("`{alias}` is not an array member selection"),
                                "a field count counts the members of a `[*]` alias: add `[*]`",
                            );
                        }
                        let name = count.binding.as_ref().map(|b| b.text.clone());
                        scope.with_binding(Binding::Element { name, alias: alias.clone() })
                    }
                    FieldName::Dynamic(_) => scope.clone(),
                };
                (CountSource::Field(field), inner)
            }
            tree::CountSource::Value(expr) => {
                let value = self.value(expr, scope)?;
                let name = count.binding.as_ref().map(|b| Spanned::new(b.text.clone(), b.span));
                if let Some(name) = &name
                    && !name.value.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    self.error(
                        Code::InvalidCount,
                        name.span,
                        "a value count name must be letters and digits",
                        "rename the variable, e.g. `item`",
                    );
                }
                let inner = match &name {
                    Some(name) => scope.with_binding(Binding::Value { name: name.value.clone() }),
                    None => scope.with_binding(Binding::Value { name: String::new() }),
                };
                (CountSource::Value { value, name }, inner)
            }
        };
        let condition = match &count.condition {
            Some(cond) => Some(self.condition(cond, &inner)?),
            None => None,
        };
        Some(Count { source, condition, span: count.span })
    }

    /// `any x in items[*] { … }` → count > 0; `all x in items[*] { … }` → no member fails.
    fn quantifier(
        &mut self,
        all: bool,
        binding: Option<&tree::Name>,
        source: &tree::Path,
        body: &[Cond],
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<Condition> {
        let field = self.field(source, scope)?;
        let FieldName::Static(alias) = &field.name else {
            self.error(
                Code::InvalidCount,
                source.span,
                "a quantifier needs a fixed `[*]` alias",
                "write the alias without computed parts",
            );
            return None;
        };
        if !alias.ends_with("[*]") {
            self.error(
                Code::InvalidCount,
                source.span,
                format!("`{alias}` is not an array member selection"),
                "quantifiers iterate over the members of a `[*]` alias: add `[*]`",
            );
            return None;
        }
        let inner =
            scope.with_binding(Binding::Element { name: binding.map(|b| b.text.clone()), alias: alias.clone() });
        let mut conditions = self.conditions(body, &inner);
        let condition = match conditions.len() {
            1 => conditions.pop(),
            _ => Some(Condition::AllOf { items: conditions, span }),
        };
        let (condition, op, rhs) = if all {
            let negated = condition.map(|c| Condition::Not { inner: Box::new(c), span });
            (negated, OperatorKind::Equals, 0)
        } else {
            (condition, OperatorKind::Greater, 0)
        };
        let count = Count { source: crate::ast::CountSource::Field(field), condition, span };
        Some(Condition::Count {
            count: Box::new(count),
            op: Operator { kind: op, span },
            rhs: Expr::Number(rhs.into(), span),
            span,
        })
    }
}

/// `{"field": "type", "equals": "<resource type>"}`
pub(crate) fn type_guard(resource_type: &str, span: Span) -> Condition {
    Condition::Field {
        field: Field { name: FieldName::Static("type".into()), written: None, span },
        op: Operator { kind: OperatorKind::Equals, span },
        value: Expr::String(resource_type.to_string(), span),
        span,
    }
}

fn operator_kind(op: tree::Op) -> OperatorKind {
    use OperatorKind as K;
    match (op.kind, op.negated) {
        (OpKind::Equals, _) => K::Equals,
        (OpKind::NotEquals, _) => K::NotEquals,
        (OpKind::Less, _) => K::Less,
        (OpKind::LessOrEquals, _) => K::LessOrEquals,
        (OpKind::Greater, _) => K::Greater,
        (OpKind::GreaterOrEquals, _) => K::GreaterOrEquals,
        (OpKind::In, false) => K::In,
        (OpKind::In, true) => K::NotIn,
        (OpKind::Like, false) => K::Like,
        (OpKind::Like, true) => K::NotLike,
        (OpKind::Match, false) => K::Match,
        (OpKind::Match, true) => K::NotMatch,
        (OpKind::MatchInsensitively, false) => K::MatchInsensitively,
        (OpKind::MatchInsensitively, true) => K::NotMatchInsensitively,
        (OpKind::Contains, false) => K::Contains,
        (OpKind::Contains, true) => K::NotContains,
        (OpKind::ContainsKey, false) => K::ContainsKey,
        (OpKind::ContainsKey, true) => K::NotContainsKey,
        (OpKind::Exists, _) => K::Exists,
    }
}

//! `then`: the effect, its details kind, and the details.

use super::expr::Position;
use super::paths::Want;
use super::{Raiser, bare_word};
use crate::ast::lower::fields::Scope;
use crate::ast::{
    DetailEntry, Details, Effect, EffectKind, EffectValue, Expr, FieldName, Operation, OperationKind, Parameter,
};
use crate::catalog::roles;
use crate::diag::{Code, Diagnostic};
use crate::fmt::lexical;
use crate::syntax::span::Span;
use crate::syntax::tree::{self, DetailItem, EffectRef, Name};

/// Details keys the compiler reads in its own way: written through `json { … }` when their
/// value is not in that shape.
const SPECIAL_KEYS: &[&str] = &["roles", "roleDefinitionIds", "json", "deployment"];

impl Raiser {
    pub(super) fn then(
        &mut self,
        effect: &Effect,
        params: &[Parameter],
        scope: &Scope<'_>,
        target: Option<&str>,
    ) -> Option<tree::EffectSpec> {
        let start = self.open();
        let keyword = Span::new(self.file, start as usize, start as usize + 1);
        let effect_ref = match &effect.value {
            EffectValue::Literal(name) if lexical::is_ident(&name.value) => EffectRef::Literal(self.name(&name.value)),
            EffectValue::Param(name) if lexical::is_param_name(&name.value) => EffectRef::Param(self.name(&name.value)),
            EffectValue::Literal(name) | EffectValue::Param(name) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnexpectedJsonValue,
                        name.span,
                        format!("gavel cannot write the effect `{}`", name.value),
                    )
                    .with_help("name the effect parameter with letters, digits, `_` and `-`"),
                );
                return None;
            }
        };
        let details_kind = match (&effect.value, &effect.details, effect.kind) {
            (EffectValue::Param(_), Some(_), Some(kind)) => Some(self.name(&lower_first(kind.name()))),
            _ => None,
        };
        let _ = params;
        let details = effect.details.as_ref().map(|d| self.details(d, effect.kind, scope, target));
        Some(tree::EffectSpec { keyword, effect: effect_ref, details_kind, details, span: self.close(start) })
    }

    fn details(
        &mut self,
        details: &Details,
        kind: Option<EffectKind>,
        scope: &Scope<'_>,
        target: Option<&str>,
    ) -> tree::Details {
        let start = self.open();
        let related = related_type(details);
        let exists_scope = match &related {
            Some(ty) => scope.with_resource_type(ty),
            None => scope.clone(),
        };
        let operation_scope = match target {
            Some(ty) => scope.with_resource_type(ty),
            None => scope.clone(),
        };
        let mut items = Vec::with_capacity(details.entries.len());
        let mut extra = serde_json::Map::new();
        let operations: Vec<&Operation> = details
            .entries
            .iter()
            .filter_map(|e| match e {
                DetailEntry::Operation(op) => Some(op),
                _ => None,
            })
            .collect();
        let mut raised_operations = self.operations(&operations, &operation_scope);
        let mut operations_written = false;
        for entry in &details.entries {
            match entry {
                DetailEntry::Property { key, value } => {
                    self.detail_property(&key.value, value, scope, &mut items, &mut extra)
                }
                // A string `roles [...]` would read as a role name (a display name, or a typo)
                // stays JSON, so that it is built back as written.
                DetailEntry::Roles { ids, .. } if !ids.iter().all(|id| writable_role(&id.value)) => {
                    let ids = ids.iter().map(|id| serde_json::Value::String(id.value.clone())).collect();
                    extra.insert("roleDefinitionIds".into(), serde_json::Value::Array(ids));
                }
                DetailEntry::Roles { ids, .. } => items.push(self.roles(ids)),
                DetailEntry::ExistenceCondition(condition) => {
                    let keyword = self.leaf();
                    let condition = self.cond(condition, &exists_scope);
                    items.push(DetailItem::ExistenceCondition { keyword, condition });
                }
                DetailEntry::Operation(_) if operations_written => {}
                DetailEntry::Operation(_) => {
                    operations_written = true;
                    if let Some(ops) = raised_operations.take() {
                        items.extend(ops.into_iter().map(|op| DetailItem::Operation(Box::new(op))));
                    } else {
                        let append = kind == Some(EffectKind::Append);
                        let json = serde_json::Value::Array(
                            operations.iter().map(|op| crate::emit::operation(op, append)).collect(),
                        );
                        if append {
                            items.push(self.raw_item(json));
                        } else {
                            extra.insert("operations".into(), json);
                        }
                    }
                }
                DetailEntry::Raw(value) => items.push(self.raw_item(crate::emit::expr::value(value))),
            }
        }
        if !extra.is_empty() {
            self.comment("// kept as JSON: details gavel has no syntax for");
            items.push(self.raw_item(serde_json::Value::Object(extra)));
        }
        tree::Details { items, span: self.close(start) }
    }

    /// `json …` as a details item.
    fn raw_item(&mut self, json: serde_json::Value) -> DetailItem {
        let start = self.open();
        let key = Name { text: "json".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let value = self.raw_json(json);
        DetailItem::Property(tree::Property { key, value: Some(value), span: self.close(start) })
    }

    fn detail_property(
        &mut self,
        key: &str,
        value: &Expr,
        scope: &Scope<'_>,
        items: &mut Vec<DetailItem>,
        extra: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        if key == "deployment" {
            // A deployment is an ARM deployment body, taken verbatim: JSON style.
            let start = self.open();
            let key =
                Name { text: "deployment".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
            let json = match value {
                Expr::Raw(json, _) => json.clone(),
                other => crate::emit::expr::value(other),
            };
            let value = self.raw_json(json);
            items.push(DetailItem::Property(tree::Property { key, value: Some(value), span: self.close(start) }));
            return;
        }
        if !writable_key(key) {
            extra.insert(key.to_string(), crate::emit::expr::value(value));
            return;
        }
        let syntax = match value {
            // Effect-like values read as words: `conflictEffect audit`.
            Expr::String(word, _) if key == "conflictEffect" && bare_word(word) => self.word(word),
            _ => self.value_expr(value, scope, Position::Block),
        };
        items.push(DetailItem::Property(self.property(key, Some(syntax))));
    }

    /// `roles [contributor, "/providers/…"]`: built-in roles by name, other ids as written.
    fn roles(&mut self, ids: &[crate::ast::Spanned<String>]) -> DetailItem {
        let start = self.open();
        let key = Name { text: "roles".into(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let list_start = self.open();
        let items = ids
            .iter()
            .map(|id| match roles::builtin_role_for_id(&id.value) {
                Some(role) => self.word(role.name),
                None => self.string_expr(&id.value, false),
            })
            .collect();
        let value = tree::Expr::Array(items, self.close(list_start));
        DetailItem::Property(tree::Property { key, value: Some(value), span: self.close(start) })
    }

    /// `set`/`add`/`remove` lines, or `None` when one of them has no syntax (then all are kept
    /// as JSON, in their order).
    fn operations(&mut self, operations: &[&Operation], scope: &Scope<'_>) -> Option<Vec<tree::Operation>> {
        let mut raised = Vec::with_capacity(operations.len());
        for op in operations {
            raised.push(self.operation(op, scope)?);
        }
        Some(raised)
    }

    fn operation(&mut self, op: &Operation, scope: &Scope<'_>) -> Option<tree::Operation> {
        let start = self.open();
        let keyword = Span::new(self.file, start as usize, start as usize + 1);
        let kind = match op.kind {
            OperationKind::AddOrReplace => tree::OperationKind::Set,
            OperationKind::Add => tree::OperationKind::Add,
            OperationKind::Remove => tree::OperationKind::Remove,
        };
        let field = match &op.field.name {
            FieldName::Static(name) => self.field_path(Want::Field(name), scope, false)?,
            FieldName::Dynamic(expr) => self.dynamic_tag_path(expr, scope, false)?,
        };
        let value = op.value.as_ref().map(|v| self.value_expr(v, scope, Position::Block));
        let condition = op.condition.as_ref().map(|c| self.value_expr(c, scope, Position::Value));
        Some(tree::Operation { kind, keyword, field, value, condition, span: self.close(start) })
    }
}

/// A role definition id `roles [...]` gives back as written: a built-in role's id (written as
/// its name) or a string gavel takes verbatim (other ids, GUIDs, expressions).
fn writable_role(id: &str) -> bool {
    roles::builtin_role_for_id(id).is_some() || roles::role_string(id) == roles::RoleString::Verbatim
}

/// Keys a details line can start with (the grammar's `DetailKey`), other than those the
/// compiler reads in its own way.
fn writable_key(key: &str) -> bool {
    let word = lexical::is_ident(key) || ["name", "metadata", "description", "version"].contains(&key);
    word && !SPECIAL_KEYS.contains(&key)
}

/// The details `type` when it is a plain string: short names in the existence condition are
/// relative to it.
fn related_type(details: &Details) -> Option<String> {
    details.entries.iter().find_map(|entry| match entry {
        DetailEntry::Property { key, value: Expr::String(ty, _) } if key.value == "type" => Some(ty.clone()),
        _ => None,
    })
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

//! Effects and their details.

use std::collections::HashMap;

use super::Lowerer;
use super::fields::Scope;
use crate::ast::caseless::Caseless;
use crate::ast::{
    DetailEntry, Details, Effect, EffectKind, EffectValue, Expr, Operation, OperationKind, Parameter, Spanned,
};
use crate::catalog::roles;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, DetailItem, EffectRef};

impl Lowerer<'_> {
    /// `then …`. `target_type` is the resource type the `when` guards on, for short names in
    /// modify/append operations.
    pub(crate) fn effect(
        &mut self,
        spec: &tree::EffectSpec,
        params: &[Parameter],
        scope: &Scope<'_>,
        target_type: Option<&str>,
    ) -> Option<Effect> {
        let (value, literal_kind) = match &spec.effect {
            EffectRef::Literal(name) => {
                let kind = self.effect_kind(name)?;
                (EffectValue::Literal(Spanned::new(name.text.clone(), name.span)), Some(kind))
            }
            EffectRef::Param(name) => (EffectValue::Param(self.param_ref(name, scope)), None),
        };
        let kind = match (&spec.details_kind, literal_kind) {
            (Some(word), None) => Some(self.effect_kind(word)?),
            (Some(word), Some(_)) => {
                self.error(
                    Code::InvalidDetails,
                    word.span,
                    "a details kind only follows a parameter effect",
                    "remove it: the effect already says what the details are",
                );
                literal_kind
            }
            (None, Some(kind)) => Some(kind),
            (None, None) => self.kind_from_parameter(&value, params, spec),
        };
        let details = spec.details.as_ref().map(|details| self.details(details, kind, scope, target_type));
        Some(Effect { value, kind, details, span: spec.span })
    }

    fn effect_kind(&mut self, name: &tree::Name) -> Option<EffectKind> {
        if let Some(kind) = EffectKind::parse(&name.text) {
            return Some(kind);
        }
        let names = EffectKind::ALL.iter().map(|k| k.name());
        let mut diagnostic =
            Diagnostic::new(Code::UnknownEffect, name.span, format!("`{}` is not an effect", name.text));
        diagnostic = match did_you_mean(&name.text, names) {
            Some(s) => {
                let replacement = lower_first(s);
                diagnostic
                    .with_help(format!("did you mean `{replacement}`?"))
                    .with_fix(format!("replace with `{replacement}`"), name.span, replacement)
            }
            None => diagnostic.with_help("effects: audit, deny, disabled, manual, append, modify, auditIfNotExists, deployIfNotExists, denyAction, enforceSetting, or a `$parameter`"),
        };
        self.report(diagnostic);
        None
    }

    /// The effect whose details shape a parameter effect takes: the one effect with details
    /// among its allowed values (deployIfNotExists wins over auditIfNotExists, whose details
    /// it extends).
    fn kind_from_parameter(
        &mut self,
        value: &EffectValue,
        params: &[Parameter],
        spec: &tree::EffectSpec,
    ) -> Option<EffectKind> {
        let EffectValue::Param(name) = value else {
            return None;
        };
        let param = params.iter().find(|p| p.name.value.eq_ignore_ascii_case(&name.value))?;
        match param.details_kind() {
            Ok(kind) => kind,
            Err(several) if spec.details.is_some() => {
                let names: Vec<&str> = several.iter().map(|k| k.name()).collect();
                self.error(
                    Code::AmbiguousDetails,
                    spec.span,
                    format!("the details could be for any of {}", names.join(", ")),
                    format!("name the details kind: `then ${} {} {{ … }}`", name.value, lower_first(names[0])),
                );
                None
            }
            Err(_) => None,
        }
    }

    fn details(
        &mut self,
        details: &tree::Details,
        kind: Option<EffectKind>,
        scope: &Scope<'_>,
        target_type: Option<&str>,
    ) -> Details {
        // Short names in an existence condition refer to the related resource (`type`).
        let related_type = details.items.iter().find_map(|item| match item {
            DetailItem::Property(p) if p.key.text == "type" => match p.value.as_ref()? {
                tree::Expr::Literal(literal) => self.plain_string_quiet(literal),
                _ => None,
            },
            _ => None,
        });
        let mut entries = Vec::with_capacity(details.items.len());
        let mut seen: HashMap<Caseless<'_>, Span> = HashMap::new();
        for item in &details.items {
            let entry = match item {
                // `json { … }`: further keys verbatim; `json [ … ]`: the whole details verbatim.
                DetailItem::Property(property) if property.key.text == "json" => {
                    let Some(value) = &property.value else { continue };
                    match self.json(value) {
                        Some(serde_json::Value::Object(map)) => {
                            entries.extend(map.into_iter().map(|(key, json)| DetailEntry::Property {
                                key: Spanned::new(key, value.span()),
                                value: Expr::Raw(json, value.span()),
                            }));
                            continue;
                        }
                        json => json.map(|json| DetailEntry::Raw(Expr::Raw(json, value.span()))),
                    }
                }
                DetailItem::Property(property) => {
                    let key = property.key.text.as_str();
                    if let Some(first) = seen.get(&Caseless(key)) {
                        let first = *first;
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateProperty,
                                property.key.span,
                                format!("`{key}` is given twice"),
                            )
                            .with_label(first, "first given here")
                            .with_help("remove one of them"),
                        );
                        continue;
                    }
                    seen.insert(Caseless(key), property.key.span);
                    self.detail_property(property, scope)
                }
                DetailItem::ExistenceCondition { condition, .. } => {
                    let inner = match &related_type {
                        Some(ty) => scope.with_resource_type(ty),
                        None => scope.clone(),
                    };
                    self.condition(condition, &inner).map(DetailEntry::ExistenceCondition)
                }
                DetailItem::Operation(operation) => {
                    let op_scope = match target_type {
                        Some(ty) => scope.with_resource_type(ty),
                        None => scope.clone(),
                    };
                    self.operation(operation, kind, &op_scope).map(DetailEntry::Operation)
                }
                DetailItem::Error(_) => None,
            };
            entries.extend(entry);
        }
        Details { entries, span: details.span }
    }

    fn plain_string_quiet(&self, literal: &tree::Literal) -> Option<String> {
        match &literal.kind {
            tree::LiteralKind::String(raw) => crate::ast::strings::decode_plain(raw).ok(),
            _ => None,
        }
    }

    fn detail_property(&mut self, property: &tree::Property, scope: &Scope<'_>) -> Option<DetailEntry> {
        let key = Spanned::new(property.key.text.clone(), property.key.span);
        let value = property.value.as_ref()?;
        match key.value.as_str() {
            "roles" | "roleDefinitionIds" => self.roles(value, property.span),
            // A deployment is an ARM deployment body, evaluated by ARM: taken verbatim.
            "deployment" => {
                let json = self.json(value)?;
                Some(DetailEntry::Property { key, value: Expr::Raw(json, value.span()) })
            }
            _ => {
                let value = self.block_value(value, scope)?;
                Some(DetailEntry::Property { key, value })
            }
        }
    }

    fn roles(&mut self, value: &tree::Expr, span: Span) -> Option<DetailEntry> {
        let tree::Expr::Array(items, _) = value else {
            self.error(Code::InvalidDetails, value.span(), "`roles` takes a list", "write `roles [contributor]` or `roles [\"/providers/Microsoft.Authorization/roleDefinitions/<guid>\"]`");
            return None;
        };
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            if let Some(word) = super::expr::bare_word(item) {
                match roles::role_by_name(&word.text) {
                    Some(role) => ids.push(Spanned::new(roles::role_definition_id(role.guid), word.span)),
                    None => {
                        let diagnostic = Diagnostic::new(
                            Code::UnknownRole,
                            word.span,
                            format!("`{}` is not a built-in role", word.text),
                        )
                        .with_suggestion(
                            word.span,
                            did_you_mean(&word.text, roles::names()),
                            "write a built-in role's name (`storageBlobDataContributor`), its display name as a string, or its role definition id: \"/providers/Microsoft.Authorization/roleDefinitions/<guid>\"",
                        );
                        self.report(diagnostic);
                    }
                }
            } else if let tree::Expr::Literal(literal) = item {
                if let Some(text) = self.plain_string(literal) {
                    match roles::role_string(&text) {
                        roles::RoleString::Role(role) => {
                            ids.push(Spanned::new(roles::role_definition_id(role.guid), literal.span));
                        }
                        roles::RoleString::Verbatim => ids.push(Spanned::new(text, literal.span)),
                        roles::RoleString::Unknown => self.unknown_role_string(&text, literal.span),
                    }
                }
            } else {
                self.error(
                    Code::InvalidDetails,
                    item.span(),
                    "a role is a built-in role's name, its display name or a role definition id string",
                    "write `contributor`, \"Storage Blob Data Contributor\" or \"/providers/Microsoft.Authorization/roleDefinitions/<guid>\"",
                );
            }
        }
        Some(DetailEntry::Roles { ids, span })
    }

    /// A string in `roles [...]` that is neither a role definition id nor a built-in role's
    /// display name.
    fn unknown_role_string(&mut self, text: &str, span: Span) {
        let diagnostic =
            Diagnostic::new(Code::UnknownRole, span, format!("\"{text}\" is not the display name of a built-in role"));
        let diagnostic = match did_you_mean(text.trim(), roles::display_names()) {
            Some(display) => {
                let quoted = serde_json::to_string(display).unwrap_or_default();
                diagnostic.with_help(format!("did you mean {quoted}?")).with_fix(format!("replace with {quoted}"), span, quoted)
            }
            None => diagnostic.with_help(
                "write a built-in role's display name (\"Storage Blob Data Contributor\") or a role definition id: \"/providers/Microsoft.Authorization/roleDefinitions/<guid>\"",
            ),
        };
        self.report(diagnostic);
    }

    fn operation(
        &mut self,
        operation: &tree::Operation,
        kind: Option<EffectKind>,
        scope: &Scope<'_>,
    ) -> Option<Operation> {
        if !matches!(kind, Some(EffectKind::Modify | EffectKind::Append) | None) {
            self.error(
                Code::InvalidDetails,
                operation.keyword,
                "operations belong to `modify` and `append` effects",
                "remove the operation, or change the effect",
            );
        }
        let field = self.field(&operation.field, scope)?;
        let value = match &operation.value {
            Some(value) => Some(self.block_value(value, scope)?),
            None => None,
        };
        let condition = match &operation.condition {
            Some(condition) => Some(self.value(condition, scope)?),
            None => None,
        };
        let kind = match operation.kind {
            tree::OperationKind::Set => OperationKind::AddOrReplace,
            tree::OperationKind::Add => OperationKind::Add,
            tree::OperationKind::Remove => OperationKind::Remove,
        };
        Some(Operation { kind, field, value, condition, span: operation.span })
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

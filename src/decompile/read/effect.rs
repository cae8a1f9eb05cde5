//! `then`: the effect and its details.

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};

use super::Reader;
use crate::ast::{
    DetailEntry, Details, Effect, EffectKind, EffectValue, Expr, Operation, OperationKind, Parameter, Spanned,
};
use crate::decompile::json::prop_name;
use crate::diag::Code;

pub(super) fn then(r: &mut Reader, value: &Value<'_>, params: &[Parameter]) -> Option<Effect> {
    let span = r.span(value);
    let Value::Object(object) = value else {
        r.unexpected(value, "an object with `effect`");
        return None;
    };
    let mut effect = None;
    let mut details = None;
    for prop in r.unique(object) {
        let key = prop_name(prop);
        match key.to_ascii_lowercase().as_str() {
            "effect" => effect = r.at_prop(prop, |r| effect_value(r, &prop.value)),
            "details" => details = Some(prop),
            _ => {
                let span = r.prop_span(prop);
                let message = format!("{}: `{key}` is not part of `then`", r.path_text());
                r.error(Code::UnexpectedJsonValue, span, message, "`then` has `effect` and `details` only");
            }
        }
    }
    let Some((value, literal_kind)) = effect else {
        if !r.diagnostics.iter().any(|d| d.is_error()) {
            let message = format!("{}: `then` has no `effect`", r.path_text());
            r.error(Code::UnexpectedJsonValue, span, message, "add `\"effect\": \"audit\"` or a parameter");
        }
        return None;
    };
    let mut kind = literal_kind.or_else(|| match &value {
        EffectValue::Param(name) => kind_from_parameter(params, &name.value),
        EffectValue::Literal(_) => None,
    });
    let details = details.map(|prop| r.at_prop(prop, |r| self::details(r, &prop.value, &mut kind, literal_kind)));
    Some(Effect { value, kind, details, span })
}

/// A literal effect name (any case) or `"[parameters('effect')]"`.
fn effect_value(r: &mut Reader, value: &Value<'_>) -> Option<(EffectValue, Option<EffectKind>)> {
    let Value::StringLit(lit) = value else {
        r.unexpected(value, "an effect name or \"[parameters('effect')]\"");
        return None;
    };
    let span = r.lit_span(lit);
    match r.string_expr(lit) {
        Expr::Param(name) => Some((EffectValue::Param(name), None)),
        Expr::String(text, _) => match EffectKind::parse(&text) {
            Some(kind) => Some((EffectValue::Literal(Spanned::new(text, span)), Some(kind))),
            None => {
                let message = format!("{}: `{text}` is not an effect", r.path_text());
                r.error(
                    Code::UnknownEffect,
                    span,
                    message,
                    "effects: audit, deny, disabled, modify, append, auditIfNotExists, deployIfNotExists, …",
                );
                None
            }
        },
        _ => {
            let message = format!("{}: gavel reads an effect name or a parameter here", r.path_text());
            r.error(Code::UnexpectedJsonValue, span, message, "compute the effect in a parameter's default instead");
            None
        }
    }
}

/// The details shape of a parameter effect, the way the compiler settles it.
pub(crate) fn kind_from_parameter(params: &[Parameter], name: &str) -> Option<EffectKind> {
    let param = params.iter().find(|p| p.name.value.eq_ignore_ascii_case(name))?;
    param.details_kind().unwrap_or(None)
}

/// Details: a list of `{field, value}` for append, an object for the rest; other shapes are
/// kept verbatim. `kind` is settled here when the effect alone does not settle it.
fn details(r: &mut Reader, value: &Value<'_>, kind: &mut Option<EffectKind>, literal: Option<EffectKind>) -> Details {
    let span = r.span(value);
    let entries = match value {
        Value::Array(array) if literal.is_none() || literal == Some(EffectKind::Append) => match append(r, array) {
            Some(operations) => {
                *kind = Some(EffectKind::Append);
                operations
            }
            None => vec![raw_details(r, value)],
        },
        Value::Object(object) if literal != Some(EffectKind::Append) => {
            if *kind == Some(EffectKind::Append) || kind.is_none() {
                *kind = kind_from_shape(object);
            }
            object_details(r, object, *kind)
        }
        _ => vec![raw_details(r, value)],
    };
    Details { entries, span }
}

fn raw_details(r: &mut Reader, value: &Value<'_>) -> DetailEntry {
    let span = r.span(value);
    r.kept(span, "details of a shape gavel has no syntax for");
    DetailEntry::Raw(r.raw_expr(value))
}

/// Append details: each item exactly `{field, value}`.
fn append(r: &mut Reader, array: &Array<'_>) -> Option<Vec<DetailEntry>> {
    let mut entries = Vec::with_capacity(array.elements.len());
    for (i, element) in array.elements.iter().enumerate() {
        let Value::Object(item) = element else { return None };
        let operation = r.at_index(i, |r| {
            let props = r.unique(item);
            let (field, value) = match props.as_slice() {
                [a, b] if is(a, "field") && is(b, "value") => (*a, *b),
                [a, b] if is(a, "value") && is(b, "field") => (*b, *a),
                _ => return None,
            };
            let Value::StringLit(lit) = &field.value else { return None };
            let field = r.at_prop(field, |r| r.field(lit));
            let value = r.at_prop(value, |r| r.expr(&value.value));
            Some(Operation {
                kind: OperationKind::AddOrReplace,
                field,
                value: Some(value),
                condition: None,
                span: r.span(element),
            })
        })?;
        entries.push(DetailEntry::Operation(operation));
    }
    Some(entries)
}

fn is(prop: &ObjectProp<'_>, key: &str) -> bool {
    prop_name(prop).eq_ignore_ascii_case(key)
}

/// The effect whose details these are, when no effect name says it.
fn kind_from_shape(object: &Object<'_>) -> Option<EffectKind> {
    let has = |key: &str| object.properties.iter().any(|p| is(p, key));
    Some(if has("operations") {
        EffectKind::Modify
    } else if has("deployment") {
        EffectKind::DeployIfNotExists
    } else if has("existenceCondition") || has("type") {
        EffectKind::AuditIfNotExists
    } else if has("setting") {
        EffectKind::EnforceSetting
    } else if has("actionNames") {
        EffectKind::DenyAction
    } else if has("defaultState") {
        EffectKind::Manual
    } else {
        return None;
    })
}

fn object_details(r: &mut Reader, object: &Object<'_>, kind: Option<EffectKind>) -> Vec<DetailEntry> {
    let mut entries = Vec::with_capacity(object.properties.len());
    for prop in r.unique(object) {
        r.at_prop(prop, |r| detail(r, prop, kind, &mut entries));
    }
    entries
}

/// One details key; what gavel has no syntax for is kept verbatim under its key.
fn detail(r: &mut Reader, prop: &ObjectProp<'_>, kind: Option<EffectKind>, entries: &mut Vec<DetailEntry>) {
    let key = prop_name(prop).to_ascii_lowercase();
    let value = &prop.value;
    match key.as_str() {
        "roledefinitionids" => {
            if let Some(entry) = roles(r, prop) {
                entries.push(entry);
                return;
            }
        }
        "existencecondition" if matches!(value, Value::Object(_)) => {
            entries.push(DetailEntry::ExistenceCondition(super::rule::condition(r, value)));
            return;
        }
        "operations" if matches!(kind, Some(EffectKind::Modify) | None) => {
            if let Some(operations) = operations(r, value) {
                entries.extend(operations.into_iter().map(DetailEntry::Operation));
                return;
            }
            let span = r.prop_span(prop);
            r.kept(span, "operations gavel has no syntax for");
        }
        "deployment" => {
            entries.push(DetailEntry::Property { key: r.key(prop), value: r.raw_expr(value) });
            return;
        }
        "roles" | "json" | "existencecondition" | "operations" => {}
        _ => {
            entries.push(DetailEntry::Property { key: r.key(prop), value: r.expr(value) });
            return;
        }
    }
    let (key, value) = r.extra(prop);
    entries.push(DetailEntry::Property { key, value });
}

/// `roleDefinitionIds`: a list of id strings.
fn roles(r: &mut Reader, prop: &ObjectProp<'_>) -> Option<DetailEntry> {
    let Value::Array(array) = &prop.value else { return None };
    let mut ids = Vec::with_capacity(array.elements.len());
    for element in &array.elements {
        ids.push(r.string_value(element)?);
    }
    Some(DetailEntry::Roles { ids, span: r.prop_span(prop) })
}

/// Modify operations; `None` (kept verbatim) unless there are some and every one is well formed.
fn operations(r: &mut Reader, value: &Value<'_>) -> Option<Vec<Operation>> {
    let Value::Array(array) = value else { return None };
    let mut operations = Vec::with_capacity(array.elements.len());
    for (i, element) in array.elements.iter().enumerate() {
        operations.push(r.at_index(i, |r| operation(r, element))?);
    }
    (!operations.is_empty()).then_some(operations)
}

fn operation(r: &mut Reader, element: &Value<'_>) -> Option<Operation> {
    let Value::Object(object) = element else { return None };
    let props = r.unique(object);
    let find = |key: &str| props.iter().find(|p| is(p, key)).copied();
    if props.iter().any(|p| !["operation", "field", "value", "condition"].iter().any(|k| is(p, k))) {
        return None;
    }
    let kind = match &find("operation")?.value {
        Value::StringLit(lit) => [OperationKind::AddOrReplace, OperationKind::Add, OperationKind::Remove]
            .into_iter()
            .find(|k| k.json_name().eq_ignore_ascii_case(&lit.value))?,
        _ => return None,
    };
    let Value::StringLit(field) = &find("field")?.value else { return None };
    let field = r.at_key("field", |r| r.field(field));
    let value = find("value").map(|p| r.at_prop(p, |r| r.expr(&p.value)));
    if value.is_some() == (kind == OperationKind::Remove) {
        return None;
    }
    let condition = find("condition").map(|p| r.at_prop(p, |r| r.expr(&p.value)));
    Some(Operation { kind, field, value, condition, span: r.span(element) })
}

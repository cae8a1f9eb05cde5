//! Definition properties shared by policies and initiatives (texts, mode, version, metadata,
//! parameters), and the policy itself.

use jsonc_parser::ast::{Object, ObjectProp, Value};

use super::{Reader, empty_span, rule};
use crate::ast::{EffectKind, Expr, Header, Mode, PROVIDER_MODES, ParamType, Parameter, Policy, Spanned};
use crate::decompile::json::{get, prop_name};
use crate::syntax::span::Span;

/// Keys Azure sets and returns but does not take: dropped on reading.
const READ_ONLY: &[&str] = &["policyType", "versions", "id", "systemData"];

pub(super) fn policy(r: &mut Reader, properties: &Object<'_>, name: Spanned<String>, span: Span) -> Option<Policy> {
    let handled = ["mode", "policyRule"];
    let mut header = self::header(r, properties, name, span, &handled);
    let mode = mode(r, properties);
    let rule = get(properties, "policyRule")?;
    let (condition, effect) = r.at_prop(rule, |r| rule::policy_rule(r, &rule.value, &header.parameters))?;
    header.span = span;
    Some(Policy { header, mode, condition, effect })
}

/// Texts, version, metadata and parameters; keys outside `handled` and the header's own go to
/// `extra` (kept verbatim).
pub(super) fn header(
    r: &mut Reader,
    properties: &Object<'_>,
    name: Spanned<String>,
    span: Span,
    handled: &[&str],
) -> Header {
    let mut header = Header { name, span, ..Header::default() };
    let props = r.unique(properties);
    let top_version = props.iter().find(|p| prop_name(p).eq_ignore_ascii_case("version")).copied();
    for prop in props {
        let key = prop_name(prop);
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "displayname" | "description" => text_property(r, &mut header, prop),
            "metadata" => r.at_prop(prop, |r| metadata(r, &mut header, prop, top_version)),
            "parameters" => r.at_prop(prop, |r| parameters(r, &mut header, prop)),
            "version" => {}
            _ if READ_ONLY.iter().any(|k| k.eq_ignore_ascii_case(key)) => {}
            _ if handled.iter().any(|k| k.eq_ignore_ascii_case(key)) => {}
            _ => {
                let extra = r.extra(prop);
                r.at_prop(prop, |r| r.kept(extra.1.span(), &format!("`{key}` is not a property gavel knows")));
                header.extra.push(extra);
            }
        }
    }
    if let Some(version) = top_version {
        // `version "x"` stands for both places Azure keeps it; one without the other is kept as is.
        if header.version.is_none() {
            header.extra.push(r.extra(version));
        }
    }
    header
}

fn text_property(r: &mut Reader, header: &mut Header, prop: &ObjectProp<'_>) {
    let Some(text) = r.string_value(&prop.value) else {
        header.extra.push(r.extra(prop));
        return;
    };
    if prop_name(prop).eq_ignore_ascii_case("displayName") {
        header.display_name = Some(text);
    } else {
        header.description = Some(text);
    }
}

/// `metadata`: version, category, preview and deprecated have their own syntax; the rest is
/// kept as entries.
fn metadata(r: &mut Reader, header: &mut Header, prop: &ObjectProp<'_>, top_version: Option<&ObjectProp<'_>>) {
    let Value::Object(object) = &prop.value else {
        header.extra.push(r.extra(prop));
        return;
    };
    if object.properties.is_empty() {
        header.extra.push(r.extra(prop));
        return;
    }
    let top_version = top_version.and_then(|p| match &p.value {
        Value::StringLit(lit) => Some(lit.value.to_string()),
        _ => None,
    });
    for entry in r.unique(object) {
        let key = prop_name(entry);
        let span = r.prop_span(entry);
        match (key, &entry.value) {
            // `version "x"` writes both places; a different metadata version overrides it.
            ("version", value) if top_version.is_some() => {
                header.version = top_version.clone().map(|v| Spanned::new(v, span));
                if !matches!(value, Value::StringLit(lit) if top_version.as_deref() == Some(&*lit.value)) {
                    let (key, value) = r.extra(entry);
                    header.metadata.push((key, value));
                }
            }
            ("category", Value::StringLit(_)) => header.category = r.string_value(&entry.value),
            ("preview", Value::BooleanLit(b)) if b.value => header.preview = Some(span),
            ("deprecated", Value::BooleanLit(b)) if b.value => header.deprecated = Some(span),
            _ => {
                let (key, value) = r.extra(entry);
                header.metadata.push((key, value));
            }
        }
    }
}

/// The definition's mode. Azure reads a missing (or null) mode as `Indexed`, so that is what a
/// definition without one decompiles to (`mode indexed`), never `All`, which would widen it to
/// resource types without tags and location.
pub(super) fn mode(r: &mut Reader, properties: &Object<'_>) -> Spanned<Mode> {
    let Some(prop) = get(properties, "mode").filter(|prop| !matches!(prop.value, Value::NullKeyword(_))) else {
        return Spanned::new(Mode::Indexed, empty_span(r));
    };
    let Some(text) = r.string_value(&prop.value) else {
        r.at_prop(prop, |r| r.unexpected(&prop.value, "a mode string such as \"All\""));
        return Spanned::new(Mode::All, r.span(&prop.value));
    };
    let mode = if text.value.eq_ignore_ascii_case("all") {
        Mode::All
    } else if text.value.eq_ignore_ascii_case("indexed") {
        Mode::Indexed
    } else {
        let known = PROVIDER_MODES.iter().find(|m| m.eq_ignore_ascii_case(&text.value));
        Mode::Provider(known.map_or(text.value.clone(), |m| (*m).to_string()))
    };
    Spanned::new(mode, text.span)
}

fn parameters(r: &mut Reader, header: &mut Header, prop: &ObjectProp<'_>) {
    let Value::Object(object) = &prop.value else {
        header.extra.push(r.extra(prop));
        return;
    };
    header.parameters = az_parameters(r, object);
}

/// A `parameters` object; also the whole of an az CLI params file.
pub(super) fn az_parameters(r: &mut Reader, object: &Object<'_>) -> Vec<Parameter> {
    let mut parameters = Vec::with_capacity(object.properties.len());
    for param in r.unique(object) {
        parameters.push(r.at_prop(param, |r| parameter(r, param)));
    }
    parameters
}

fn parameter(r: &mut Reader, prop: &ObjectProp<'_>) -> Parameter {
    let mut param = Parameter::new(r.key(prop), Spanned::new(ParamType::String, r.prop_span(prop)), r.prop_span(prop));
    let Value::Object(object) = &prop.value else {
        r.unexpected(&prop.value, "a parameter object");
        return param;
    };
    for entry in r.unique(object) {
        let key = prop_name(entry).to_ascii_lowercase();
        match key.as_str() {
            "type" => parameter_type(r, &mut param, entry),
            "metadata" => r.at_prop(entry, |r| parameter_metadata(r, &mut param, entry)),
            "defaultvalue" => param.default = Some(r.at_prop(entry, |r| r.raw_expr(&entry.value))),
            "allowedvalues" if matches!(entry.value, Value::Array(_)) => {
                param.allowed = Some(r.at_prop(entry, |r| r.raw_expr(&entry.value)));
            }
            "schema" => param.schema = Some(r.at_prop(entry, |r| r.raw_expr(&entry.value))),
            _ => param.extra.push(r.extra(entry)),
        }
    }
    if param.ty.value == ParamType::String && holds_effects(&param) {
        param.ty.value = ParamType::Effect;
    }
    param
}

/// Types gavel spells the way Azure does; others (and other spellings of the known ones, such
/// as `int`) are kept verbatim.
fn parameter_type(r: &mut Reader, param: &mut Parameter, entry: &ObjectProp<'_>) {
    let parsed = match &entry.value {
        Value::StringLit(lit) => ParamType::parse(&lit.value)
            .filter(|ty| ty.json_name().eq_ignore_ascii_case(&lit.value) && *ty != ParamType::Effect),
        _ => None,
    };
    match parsed {
        Some(ty) => param.ty = Spanned::new(ty, r.span(&entry.value)),
        None => param.extra.push(r.extra(entry)),
    }
}

fn parameter_metadata(r: &mut Reader, param: &mut Parameter, prop: &ObjectProp<'_>) {
    let Value::Object(object) = &prop.value else {
        param.extra.push(r.extra(prop));
        return;
    };
    if object.properties.is_empty() {
        param.extra.push(r.extra(prop));
        return;
    }
    for entry in r.unique(object) {
        let span = r.prop_span(entry);
        match (prop_name(entry), &entry.value) {
            ("displayName", Value::StringLit(_)) => param.display_name = r.string_value(&entry.value),
            ("description", Value::StringLit(_)) => param.description = r.string_value(&entry.value),
            ("strongType", Value::StringLit(_)) => param.strong_type = r.string_value(&entry.value),
            ("assignPermissions", Value::BooleanLit(b)) => param.assign_permissions = Some(Spanned::new(b.value, span)),
            ("deprecated", Value::BooleanLit(b)) => param.deprecated = Some(Spanned::new(b.value, span)),
            _ => param.metadata.push(r.extra(entry)),
        }
    }
}

/// A string parameter whose default and allowed values are all effect names reads best as an
/// `effect` parameter (`= Audit in [Audit, Deny, Disabled]`).
fn holds_effects(param: &Parameter) -> bool {
    let is_effect = |value: &serde_json::Value| value.as_str().and_then(EffectKind::parse).is_some();
    let default_ok = match &param.default {
        None => true,
        Some(Expr::Raw(value, _)) => is_effect(value),
        Some(_) => false,
    };
    let allowed = match &param.allowed {
        None => None,
        Some(Expr::Raw(serde_json::Value::Array(items), _)) => Some(items.iter().all(is_effect) && !items.is_empty()),
        Some(_) => Some(false),
    };
    default_ok && allowed.unwrap_or(param.default.is_some()) && (param.default.is_some() || param.allowed.is_some())
}

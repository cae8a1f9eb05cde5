//! Assignments (`properties.policyDefinitionId`) and exemptions (`properties.policyAssignmentId`
//! with `exemptionCategory`), in the shape Azure returns them and the landing-zone library and
//! policy-as-code pipelines keep them: what gavel has syntax for is read into the AST, the rest
//! (resource selectors, overrides, …) is kept verbatim.

use jsonc_parser::ast::{Object, ObjectProp, Value};

use super::Reader;
use crate::ast::assignment::{
    AssignedTarget, Assignment, AssignmentRef, Enforcement, Exemption, ExemptionCategory, Identity,
    NonComplianceMessage,
};
use crate::ast::{Expr, Spanned};
use crate::decompile::json::prop_name;
use crate::syntax::span::Span;

/// Whether `properties` are an exemption's.
pub(super) fn is_exemption(properties: &Object<'_>) -> bool {
    crate::decompile::json::get(properties, "policyAssignmentId").is_some()
        && crate::decompile::json::get(properties, "exemptionCategory").is_some()
}

/// Whether `properties` are an assignment's.
pub(super) fn is_assignment(properties: &Object<'_>) -> bool {
    crate::decompile::json::get(properties, "policyDefinitionId").is_some()
        && crate::decompile::json::get(properties, "policyRule").is_none()
        && crate::decompile::json::get(properties, "policyDefinitions").is_none()
}

pub(super) fn assignment(
    r: &mut Reader,
    properties: &Object<'_>,
    whole: &Object<'_>,
    name: Spanned<String>,
    span: Span,
) -> Assignment {
    let mut assignment = Assignment::new(name, span);
    let flat = std::ptr::eq(properties, whole);
    if !flat {
        for prop in r.unique(whole) {
            match prop_name(prop) {
                "location" => assignment.location = r.string_value(&prop.value),
                "identity" => assignment.identity = r.at_prop(prop, |r| identity(r, &prop.value)),
                _ => {}
            }
        }
    }
    for prop in r.unique(properties) {
        if flat && envelope_key(prop) {
            continue;
        }
        let read = r.at_prop(prop, |r| assignment_property(r, &mut assignment, prop));
        if !read {
            assignment.extra.push(r.extra(prop));
        }
    }
    assignment
}

/// Reads one key; false when it is kept verbatim instead.
fn assignment_property(r: &mut Reader, assignment: &mut Assignment, prop: &ObjectProp<'_>) -> bool {
    let value = &prop.value;
    match prop_name(prop) {
        "displayName" => store(r.string_value(value), &mut assignment.display_name),
        "description" => store(r.string_value(value), &mut assignment.description),
        "scope" => store(r.string_value(value), &mut assignment.scope),
        "definitionVersion" => store(r.string_value(value), &mut assignment.definition_version),
        "notScopes" => nonempty(strings(r, value)).map(|s| assignment.not_scopes = s).is_some(),
        "policyDefinitionId" => {
            r.string_value(value).map(|id| assignment.target = Some(AssignedTarget::Id(id))).is_some()
        }
        "parameters" => nonempty(parameter_values(r, value)).map(|p| assignment.parameters = p).is_some(),
        "enforcementMode" => {
            let mode =
                r.string_value(value).and_then(|m| Enforcement::parse(&m.value).map(|e| Spanned::new(e, m.span)));
            mode.map(|m| assignment.enforcement = Some(m)).is_some()
        }
        "nonComplianceMessages" => nonempty(messages(r, value)).map(|m| assignment.messages = m).is_some(),
        "metadata" => nonempty(entries(r, value)).map(|m| assignment.metadata = m).is_some(),
        _ => false,
    }
}

/// Keys of the envelope, which a flat object (the properties without their wrapper, as
/// policy-as-code files keep exemptions) has beside the properties.
fn envelope_key(prop: &ObjectProp<'_>) -> bool {
    matches!(prop_name(prop), "name" | "type" | "$schema")
}

pub(super) fn exemption(
    r: &mut Reader,
    properties: &Object<'_>,
    whole: &Object<'_>,
    name: Spanned<String>,
    span: Span,
) -> Exemption {
    let flat = std::ptr::eq(properties, whole);
    let mut exemption = Exemption::new(name, span);
    for prop in r.unique(properties) {
        if flat && envelope_key(prop) {
            continue;
        }
        let value = &prop.value;
        let read = r.at_prop(prop, |r| match prop_name(prop) {
            "displayName" => store(r.string_value(value), &mut exemption.display_name),
            "description" => store(r.string_value(value), &mut exemption.description),
            "scope" => store(r.string_value(value), &mut exemption.scope),
            "expiresOn" => store(r.string_value(value), &mut exemption.expires),
            "policyAssignmentId" => {
                r.string_value(value).map(|id| exemption.assignment = Some(AssignmentRef::Id(id))).is_some()
            }
            "exemptionCategory" => {
                let category = r
                    .string_value(value)
                    .and_then(|c| ExemptionCategory::parse(&c.value).map(|e| Spanned::new(e, c.span)));
                category.map(|c| exemption.category = Some(c)).is_some()
            }
            "policyDefinitionReferenceIds" => nonempty(strings(r, value)).map(|m| exemption.members = m).is_some(),
            "metadata" => nonempty(entries(r, value)).map(|m| exemption.metadata = m).is_some(),
            _ => false,
        });
        if !read {
            exemption.extra.push(r.extra(prop));
        }
    }
    exemption
}

/// An empty list or object is kept verbatim: gavel writes none for an empty field.
fn nonempty<T>(values: Option<Vec<T>>) -> Option<Vec<T>> {
    values.filter(|v| !v.is_empty())
}

fn store(value: Option<Spanned<String>>, slot: &mut Option<Spanned<String>>) -> bool {
    let read = value.is_some();
    if read {
        *slot = value;
    }
    read
}

fn strings(r: &mut Reader, value: &Value<'_>) -> Option<Vec<Spanned<String>>> {
    let Value::Array(array) = value else { return None };
    array.elements.iter().map(|e| r.string_value(e)).collect()
}

/// `{"name": {"value": …}}`; `None` unless every entry has exactly a `value`.
fn parameter_values(r: &mut Reader, value: &Value<'_>) -> Option<Vec<(Spanned<String>, Expr)>> {
    let Value::Object(object) = value else { return None };
    let mut values = Vec::with_capacity(object.properties.len());
    for prop in r.unique(object) {
        let Value::Object(wrapper) = &prop.value else { return None };
        let [inner] = wrapper.properties.as_slice() else { return None };
        if prop_name(inner) != "value" {
            return None;
        }
        let expr = r.at_prop(prop, |r| r.at_key("value", |r| r.expr(&inner.value)));
        values.push((r.key(prop), expr));
    }
    Some(values)
}

fn messages(r: &mut Reader, value: &Value<'_>) -> Option<Vec<NonComplianceMessage>> {
    let Value::Array(array) = value else { return None };
    let mut messages = Vec::with_capacity(array.elements.len());
    for element in &array.elements {
        let Value::Object(object) = element else { return None };
        let (mut message, mut reference_id) = (None, None);
        for prop in &object.properties {
            match prop_name(prop) {
                "message" => message = Some(r.string_value(&prop.value)?),
                "policyDefinitionReferenceId" => reference_id = Some(r.string_value(&prop.value)?),
                _ => return None,
            }
        }
        messages.push(NonComplianceMessage { reference_id, message: message? });
    }
    Some(messages)
}

fn entries(r: &mut Reader, value: &Value<'_>) -> Option<Vec<(Spanned<String>, Expr)>> {
    let Value::Object(object) = value else { return None };
    Some(r.unique(object).into_iter().map(|prop| (r.key(prop), r.raw_expr(&prop.value))).collect())
}

fn identity(r: &mut Reader, value: &Value<'_>) -> Option<Spanned<Identity>> {
    let Value::Object(object) = value else { return None };
    let span = r.span(value);
    let kind = object.properties.iter().find(|p| prop_name(p) == "type").and_then(|p| r.string_value(&p.value))?;
    match kind.value.to_ascii_lowercase().as_str() {
        "systemassigned" => Some(Spanned::new(Identity::SystemAssigned, span)),
        "userassigned" => {
            let identities = object.properties.iter().find(|p| prop_name(p) == "userAssignedIdentities")?;
            let Value::Object(ids) = &identities.value else { return None };
            let [only] = ids.properties.as_slice() else { return None };
            Some(Spanned::new(Identity::UserAssigned(prop_name(only).to_string()), span))
        }
        _ => None,
    }
}

/// Whether `object` is a policy-as-code (EPAC) assignment file: `assignment`, `definitionEntry`
/// and `scope` per environment.
pub(super) fn is_epac_assignment(object: &Object<'_>) -> bool {
    let get = |key| crate::decompile::json::get(object, key);
    get("assignment").is_some() && get("definitionEntry").is_some()
}

/// An EPAC assignment file: one assignment per scope it lists (for every environment), with the
/// file's definition, parameters (plain values), enforcement mode, metadata and messages.
/// Child nodes (`children`), which combine values down a tree, are reported and not read.
pub(super) fn epac_assignments(r: &mut Reader, object: &Object<'_>, span: Span) -> Vec<Assignment> {
    let mut base = Assignment::new(Spanned::new(String::new(), span), span);
    let mut scopes = Vec::new();
    for prop in r.unique(object) {
        let value = &prop.value;
        r.at_prop(prop, |r| match (prop_name(prop), value) {
            ("assignment", Value::Object(names)) => {
                for name in r.unique(names) {
                    let slot = match prop_name(name) {
                        "name" => {
                            if let Some(text) = r.string_value(&name.value) {
                                base.name = text;
                            }
                            continue;
                        }
                        "displayName" => &mut base.display_name,
                        "description" => &mut base.description,
                        _ => continue,
                    };
                    *slot = r.string_value(&name.value);
                }
            }
            ("definitionEntry", Value::Object(entry)) => base.target = definition_entry(r, entry),
            ("parameters", Value::Object(values)) => {
                base.parameters = r.unique(values).into_iter().map(|p| (r.key(p), r.expr(&p.value))).collect();
            }
            ("enforcementMode", _) => {
                base.enforcement =
                    r.string_value(value).and_then(|m| Enforcement::parse(&m.value).map(|e| Spanned::new(e, m.span)));
            }
            ("metadata", _) => base.metadata = entries(r, value).unwrap_or_default(),
            ("nonComplianceMessages", _) => base.messages = messages(r, value).unwrap_or_default(),
            ("definitionVersion", _) => base.definition_version = r.string_value(value),
            ("scope", Value::Object(environments)) => scopes = environment_lists(r, environments),
            ("notScopes" | "notScope", Value::Object(environments)) => {
                base.not_scopes = environment_lists(r, environments)
            }
            ("nodeName" | "$schema", _) => {}
            (key, _) => {
                let span = r.prop_span(prop);
                r.warn(
                    crate::diag::Code::KeptVerbatim,
                    span,
                    format!("{}: `{key}` of a policy-as-code assignment is not read", r.path_text()),
                    "gavel reads single-node assignment files: assignment, definitionEntry, parameters, scope, notScopes, enforcementMode, metadata and nonComplianceMessages",
                );
            }
        });
    }
    let several = scopes.len() > 1;
    scopes
        .into_iter()
        .enumerate()
        .map(|(i, scope)| {
            let mut assignment = base.clone();
            if several {
                assignment.resource_name = Some(base.name.clone());
                assignment.name.value = format!("{}-{}", base.name.value, i + 1);
            }
            assignment.scope = Some(scope);
            assignment
        })
        .collect()
}

/// `definitionEntry`: an id (`policySetId`, `policyId`) or a name EPAC resolves (`policySetName`,
/// `policyName`), taken as a built-in's id.
fn definition_entry(r: &mut Reader, entry: &Object<'_>) -> Option<AssignedTarget> {
    for prop in &entry.properties {
        let id = match prop_name(prop) {
            "policySetId" | "policyId" => r.string_value(&prop.value)?.value,
            "policySetName" => format!(
                "/providers/Microsoft.Authorization/policySetDefinitions/{}",
                r.string_value(&prop.value)?.value
            ),
            "policyName" => {
                format!("/providers/Microsoft.Authorization/policyDefinitions/{}", r.string_value(&prop.value)?.value)
            }
            _ => continue,
        };
        return Some(AssignedTarget::Id(Spanned::new(id, r.prop_span(prop))));
    }
    None
}

/// `{"epac-dev": ["/…", …], …}`: every environment's scopes, in order.
fn environment_lists(r: &mut Reader, environments: &Object<'_>) -> Vec<Spanned<String>> {
    let mut scopes = Vec::new();
    for environment in &environments.properties {
        scopes.extend(strings(r, &environment.value).unwrap_or_default());
    }
    scopes
}

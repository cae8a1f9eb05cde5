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
    let mut assignment = Assignment {
        name,
        resource_name: None,
        display_name: None,
        description: None,
        scope: None,
        not_scopes: Vec::new(),
        target: None,
        parameters: Vec::new(),
        enforcement: None,
        identity: None,
        location: None,
        messages: Vec::new(),
        definition_version: None,
        metadata: Vec::new(),
        extra: Vec::new(),
        span,
    };
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
    let mut exemption = Exemption {
        name,
        resource_name: None,
        display_name: None,
        description: None,
        scope: None,
        assignment: None,
        category: None,
        expires: None,
        members: Vec::new(),
        metadata: Vec::new(),
        extra: Vec::new(),
        span,
    };
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

//! Assignments and exemptions as Azure stores them: `{"name", "type", "properties": {…}}` in
//! the shape `az rest`, the Azure Landing Zones library and policy-as-code pipelines read, with
//! `scope` in the properties.

use serde_json::{Map, Value, json};

use super::EmitOptions;
use crate::ast::assignment::{AssignedTarget, Assignment, AssignmentRef, Exemption, Identity};
use crate::ast::{Expr, Spanned};

pub const ASSIGNMENT_TYPE: &str = "Microsoft.Authorization/policyAssignments";
pub const EXEMPTION_TYPE: &str = "Microsoft.Authorization/policyExemptions";

/// The `policyDefinitionId` an assignment points at: a policy or initiative built with it
/// (at the definition scope, by the name it is built with), or the id given.
pub fn assigned_id(target: &AssignedTarget, options: &EmitOptions) -> String {
    match target {
        AssignedTarget::Policy(name) => options.member_id(&name.value),
        AssignedTarget::Initiative(name) => options.set_definition_id(&name.value),
        AssignedTarget::Id(id) => id.value.clone(),
    }
}

/// The id of an assignment made at `scope`.
pub fn assignment_id(scope: &str, name: &str) -> String {
    format!("{}/providers/Microsoft.Authorization/policyAssignments/{name}", scope.trim_end_matches('/'))
}

pub fn assignment_json(assignment: &Assignment, options: &EmitOptions) -> Value {
    let mut properties = Map::new();
    put_text(&mut properties, "displayName", &assignment.display_name);
    put_text(&mut properties, "description", &assignment.description);
    put_text(&mut properties, "scope", &assignment.scope);
    if !assignment.not_scopes.is_empty() {
        properties.insert("notScopes".into(), strings(&assignment.not_scopes));
    }
    if let Some(target) = &assignment.target {
        properties.insert("policyDefinitionId".into(), Value::String(assigned_id(target, options)));
    }
    put_text(&mut properties, "definitionVersion", &assignment.definition_version);
    if !assignment.parameters.is_empty() {
        let values: Map<String, Value> = assignment
            .parameters
            .iter()
            .map(|(key, value)| (key.value.clone(), json!({ "value": super::expr::value(value) })))
            .collect();
        properties.insert("parameters".into(), Value::Object(values));
    }
    if let Some(enforcement) = &assignment.enforcement {
        properties.insert("enforcementMode".into(), Value::String(enforcement.value.json_name().into()));
    }
    if !assignment.messages.is_empty() {
        let messages: Vec<Value> = assignment
            .messages
            .iter()
            .map(|m| {
                let mut message = Map::new();
                message.insert("message".into(), Value::String(m.message.value.clone()));
                if let Some(reference) = &m.reference_id {
                    message.insert("policyDefinitionReferenceId".into(), Value::String(reference.value.clone()));
                }
                Value::Object(message)
            })
            .collect();
        properties.insert("nonComplianceMessages".into(), Value::Array(messages));
    }
    put_entries(&mut properties, "metadata", &assignment.metadata);
    extend(&mut properties, &assignment.extra);

    let mut resource = Map::new();
    resource.insert("name".into(), Value::String(assignment.resource_name().to_string()));
    resource.insert("type".into(), Value::String(ASSIGNMENT_TYPE.into()));
    put_text(&mut resource, "location", &assignment.location);
    if let Some(identity) = &assignment.identity {
        let identity = match &identity.value {
            Identity::SystemAssigned => json!({ "type": "SystemAssigned" }),
            Identity::UserAssigned(id) => {
                json!({ "type": "UserAssigned", "userAssignedIdentities": { id.as_str(): {} } })
            }
        };
        resource.insert("identity".into(), identity);
    }
    resource.insert("properties".into(), Value::Object(properties));
    Value::Object(resource)
}

/// `assignments` are those built with the exemption, for the id of one named by gavel name.
pub fn exemption_json(exemption: &Exemption, assignments: &[&Assignment]) -> Value {
    let mut properties = Map::new();
    put_text(&mut properties, "displayName", &exemption.display_name);
    put_text(&mut properties, "description", &exemption.description);
    put_text(&mut properties, "scope", &exemption.scope);
    if let Some(assignment) = &exemption.assignment {
        let id = match assignment {
            AssignmentRef::Id(id) => id.value.clone(),
            AssignmentRef::Name(name) => {
                let assigned = assignments.iter().find(|a| a.name.value == name.value);
                let scope = assigned.and_then(|a| a.scope.as_ref()).map_or("", |s| s.value.as_str());
                assignment_id(scope, assigned.map_or(name.value.as_str(), |a| a.resource_name()))
            }
        };
        properties.insert("policyAssignmentId".into(), Value::String(id));
    }
    if let Some(category) = &exemption.category {
        properties.insert("exemptionCategory".into(), Value::String(category.value.json_name().into()));
    }
    put_text(&mut properties, "expiresOn", &exemption.expires);
    if !exemption.members.is_empty() {
        properties.insert("policyDefinitionReferenceIds".into(), strings(&exemption.members));
    }
    put_entries(&mut properties, "metadata", &exemption.metadata);
    extend(&mut properties, &exemption.extra);
    json!({ "name": exemption.resource_name(), "type": EXEMPTION_TYPE, "properties": properties })
}

fn put_text(map: &mut Map<String, Value>, key: &str, value: &Option<Spanned<String>>) {
    if let Some(value) = value {
        map.insert(key.into(), Value::String(value.value.clone()));
    }
}

fn strings(values: &[Spanned<String>]) -> Value {
    Value::Array(values.iter().map(|v| Value::String(v.value.clone())).collect())
}

fn put_entries(map: &mut Map<String, Value>, key: &str, entries: &[(Spanned<String>, Expr)]) {
    if !entries.is_empty() {
        let object: Map<String, Value> =
            entries.iter().map(|(k, v)| (k.value.clone(), super::expr::value(v))).collect();
        map.insert(key.into(), Value::Object(object));
    }
}

/// Verbatim entries (`json { … }`) last; one that names a derived key replaces it in place.
fn extend(map: &mut Map<String, Value>, entries: &[(Spanned<String>, Expr)]) {
    for (key, value) in entries {
        map.insert(key.value.clone(), super::expr::value(value));
    }
}

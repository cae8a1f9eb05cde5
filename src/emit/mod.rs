//! AST → Azure Policy JSON: policy definitions, policy set definitions (initiatives), and the
//! ARM-template and az-CLI wrappings. Key order is fixed, so output is byte-identical across
//! runs and machines.

pub mod expr;
pub mod semantic;
pub mod target;

use serde_json::{Map, Value};

use crate::ast::{
    Condition, CountSource, DetailEntry, Details, Effect, EffectKind, EffectValue, Header, Initiative, MemberTarget,
    Parameter, Policy,
};

/// Where member policies named by gavel name live, for their `policyDefinitionId`.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// A scope such as `/providers/Microsoft.Management/managementGroups/contoso`; empty means
    /// the id is relative to the scope the initiative is deployed at.
    pub definition_scope: String,
}

/// `{"name": …, "properties": {…}}` for a policy definition.
pub fn policy_definition(policy: &Policy) -> Value {
    let mut properties = Map::new();
    header_texts(&policy.header, &mut properties);
    properties.insert("mode".into(), Value::String(policy.mode.value.as_str().to_string()));
    header_tail(&policy.header, &mut properties);
    properties.insert("policyRule".into(), policy_rule(policy));
    insert_extra(&policy.header.extra, &mut properties);
    envelope(policy.header.definition_name(), properties)
}

/// `{"if": …, "then": …}`.
pub fn policy_rule(policy: &Policy) -> Value {
    let mut rule = Map::new();
    rule.insert("if".into(), condition(&policy.condition));
    rule.insert("then".into(), effect(&policy.effect));
    Value::Object(rule)
}

/// The `parameters` object of a definition.
pub fn parameters(params: &[Parameter]) -> Value {
    Value::Object(params.iter().map(|p| (p.name.value.clone(), parameter(p))).collect())
}

/// `{"name": …, "properties": {…}}` for a policy set definition.
pub fn initiative_definition(initiative: &Initiative, options: &EmitOptions) -> Value {
    let mut properties = Map::new();
    header_texts(&initiative.header, &mut properties);
    header_tail(&initiative.header, &mut properties);
    if !initiative.groups.is_empty() {
        let groups = initiative.groups.iter().map(|g| {
            let mut group = Map::new();
            group.insert("name".into(), Value::String(g.name.value.clone()));
            for (key, value) in [
                ("category", &g.category),
                ("displayName", &g.display_name),
                ("description", &g.description),
                ("additionalMetadataId", &g.additional_metadata_id),
            ] {
                if let Some(value) = value {
                    group.insert(key.into(), Value::String(value.value.clone()));
                }
            }
            insert_extra(&g.extra, &mut group);
            Value::Object(group)
        });
        properties.insert("policyDefinitionGroups".into(), Value::Array(groups.collect()));
    }
    let members = initiative.members.iter().map(|member| {
        let mut entry = Map::new();
        let (id, default_reference) = match &member.target {
            MemberTarget::Policy(name) => (
                format!(
                    "{}/providers/Microsoft.Authorization/policyDefinitions/{}",
                    options.definition_scope, name.value
                ),
                name.value.clone(),
            ),
            MemberTarget::Id(id) => (id.value.clone(), id.value.rsplit('/').next().unwrap_or_default().to_string()),
        };
        let reference = member.reference_id.as_ref().map_or(default_reference, |r| r.value.clone());
        entry.insert("policyDefinitionReferenceId".into(), Value::String(reference));
        entry.insert("policyDefinitionId".into(), Value::String(id));
        if let Some(version) = &member.definition_version {
            entry.insert("definitionVersion".into(), Value::String(version.value.clone()));
        }
        let parameters: Map<String, Value> = member
            .parameters
            .iter()
            .map(|(key, value)| {
                let mut wrapped = Map::new();
                wrapped.insert("value".into(), expr::value(value));
                (key.value.clone(), Value::Object(wrapped))
            })
            .collect();
        entry.insert("parameters".into(), Value::Object(parameters));
        if !member.groups.is_empty() {
            let groups = member.groups.iter().map(|g| Value::String(g.value.clone())).collect();
            entry.insert("groupNames".into(), Value::Array(groups));
        }
        insert_extra(&member.extra, &mut entry);
        Value::Object(entry)
    });
    properties.insert("policyDefinitions".into(), Value::Array(members.collect()));
    insert_extra(&initiative.header.extra, &mut properties);
    envelope(initiative.header.definition_name(), properties)
}

/// Keys written with `json { … }`: inserted last, so they may also replace a derived key.
fn insert_extra(extra: &[(crate::ast::Spanned<String>, crate::ast::Expr)], out: &mut Map<String, Value>) {
    for (key, value) in extra {
        out.insert(key.value.clone(), expr::value(value));
    }
}

fn envelope(name: &str, properties: Map<String, Value>) -> Value {
    let mut definition = Map::new();
    definition.insert("name".into(), Value::String(name.to_string()));
    definition.insert("properties".into(), Value::Object(properties));
    Value::Object(definition)
}

fn header_texts(header: &Header, properties: &mut Map<String, Value>) {
    let display = header.display_name.as_ref().map_or(&header.name.value, |d| &d.value);
    properties.insert("displayName".into(), Value::String(display.clone()));
    if let Some(description) = &header.description {
        properties.insert("description".into(), Value::String(description.value.clone()));
    }
}

/// `metadata`, `version` and `parameters`, in that order.
fn header_tail(header: &Header, properties: &mut Map<String, Value>) {
    let mut metadata = Map::new();
    if let Some(version) = &header.version {
        metadata.insert("version".into(), Value::String(version.value.clone()));
    }
    if let Some(category) = &header.category {
        metadata.insert("category".into(), Value::String(category.value.clone()));
    }
    if header.preview.is_some() {
        metadata.insert("preview".into(), Value::Bool(true));
    }
    if header.deprecated.is_some() {
        metadata.insert("deprecated".into(), Value::Bool(true));
    }
    for (key, value) in &header.metadata {
        metadata.insert(key.value.clone(), expr::value(value));
    }
    if !metadata.is_empty() {
        properties.insert("metadata".into(), Value::Object(metadata));
    }
    if let Some(version) = &header.version {
        properties.insert("version".into(), Value::String(version.value.clone()));
    }
    properties.insert("parameters".into(), parameters(&header.parameters));
}

fn parameter(param: &Parameter) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), Value::String(param.ty.value.json_name().into()));
    let mut metadata = Map::new();
    if let Some(display) = &param.display_name {
        metadata.insert("displayName".into(), Value::String(display.value.clone()));
    }
    if let Some(description) = &param.description {
        metadata.insert("description".into(), Value::String(description.value.clone()));
    }
    if let Some(strong_type) = &param.strong_type {
        metadata.insert("strongType".into(), Value::String(strong_type.value.clone()));
    }
    if let Some(assign) = &param.assign_permissions {
        metadata.insert("assignPermissions".into(), Value::Bool(assign.value));
    }
    if let Some(deprecated) = &param.deprecated {
        metadata.insert("deprecated".into(), Value::Bool(deprecated.value));
    }
    for (key, value) in &param.metadata {
        metadata.insert(key.value.clone(), expr::value(value));
    }
    if !metadata.is_empty() {
        out.insert("metadata".into(), Value::Object(metadata));
    }
    if let Some(default) = &param.default {
        out.insert("defaultValue".into(), expr::value(default));
    }
    if let Some(allowed) = &param.allowed {
        out.insert("allowedValues".into(), expr::value(allowed));
    }
    if let Some(schema) = &param.schema {
        out.insert("schema".into(), expr::value(schema));
    }
    insert_extra(&param.extra, &mut out);
    Value::Object(out)
}

/// A condition as Azure Policy JSON.
pub fn condition(cond: &Condition) -> Value {
    let mut out = Map::new();
    match cond {
        Condition::AllOf { items, .. } => {
            out.insert("allOf".into(), Value::Array(items.iter().map(condition).collect()));
        }
        Condition::AnyOf { items, .. } => {
            out.insert("anyOf".into(), Value::Array(items.iter().map(condition).collect()));
        }
        Condition::Not { inner, .. } => {
            out.insert("not".into(), condition(inner));
        }
        Condition::Field { field, op, value, .. } => {
            out.insert("field".into(), expr::field_name(field));
            out.insert(op.kind.json_name().into(), expr::value(value));
        }
        Condition::Value { value, op, rhs, .. } => {
            out.insert("value".into(), expr::value(value));
            out.insert(op.kind.json_name().into(), expr::value(rhs));
        }
        Condition::Count { count, op, rhs, .. } => {
            let mut inner = Map::new();
            match &count.source {
                CountSource::Field(field) => {
                    inner.insert("field".into(), expr::field_name(field));
                }
                CountSource::Value { value, name } => {
                    inner.insert("value".into(), expr::value(value));
                    if let Some(name) = name {
                        inner.insert("name".into(), Value::String(name.value.clone()));
                    }
                }
            }
            if let Some(condition_) = &count.condition {
                inner.insert("where".into(), condition(condition_));
            }
            out.insert("count".into(), Value::Object(inner));
            out.insert(op.kind.json_name().into(), expr::value(rhs));
        }
        Condition::Raw { value, .. } => return value.clone(),
    }
    Value::Object(out)
}

fn effect(effect: &Effect) -> Value {
    let mut then = Map::new();
    let value = match &effect.value {
        EffectValue::Literal(name) => Value::String(name.value.clone()),
        EffectValue::Param(name) => Value::String(format!("[parameters('{}')]", name.value.replace('\'', "''"))),
    };
    then.insert("effect".into(), value);
    if let Some(details) = &effect.details {
        then.insert("details".into(), self::details(details, effect.kind));
    }
    Value::Object(then)
}

fn details(details: &Details, kind: Option<EffectKind>) -> Value {
    if let Some(raw) = details.entries.iter().find_map(|entry| match entry {
        DetailEntry::Raw(value) => Some(value),
        _ => None,
    }) {
        return expr::value(raw);
    }
    // Append details are a bare list of {field, value}.
    if kind == Some(EffectKind::Append) {
        let operations = details.entries.iter().filter_map(|entry| match entry {
            DetailEntry::Operation(op) => Some(operation(op, true)),
            _ => None,
        });
        return Value::Array(operations.collect());
    }
    let mut out = Map::new();
    let mut operations = Vec::new();
    for entry in &details.entries {
        match entry {
            DetailEntry::Property { key, value } => {
                out.insert(key.value.clone(), expr::value(value));
            }
            DetailEntry::Roles { ids, .. } => {
                out.insert(
                    "roleDefinitionIds".into(),
                    Value::Array(ids.iter().map(|id| Value::String(id.value.clone())).collect()),
                );
            }
            DetailEntry::ExistenceCondition(cond) => {
                out.insert("existenceCondition".into(), condition(cond));
            }
            DetailEntry::Operation(op) => {
                if operations.is_empty() {
                    // Reserve the key's place where the first operation was written.
                    out.insert("operations".into(), Value::Null);
                }
                operations.push(operation(op, false));
            }
            DetailEntry::Raw(_) => {}
        }
    }
    if !operations.is_empty() {
        out.insert("operations".into(), Value::Array(operations));
    }
    Value::Object(out)
}

/// One modify operation (`{condition, operation, field, value}`), or one append item
/// (`{field, value}`).
pub fn operation(op: &crate::ast::Operation, append: bool) -> Value {
    let mut item = Map::new();
    if !append {
        if let Some(cond) = &op.condition {
            item.insert("condition".into(), expr::value(cond));
        }
        item.insert("operation".into(), Value::String(op.kind.json_name().into()));
    }
    item.insert("field".into(), expr::field_name(&op.field));
    if let Some(value) = &op.value {
        item.insert("value".into(), expr::value(value));
    }
    Value::Object(item)
}

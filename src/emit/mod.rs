//! AST → Azure Policy JSON: policy definitions, policy set definitions (initiatives), and the
//! ARM-template and az-CLI wrappings. Key order is fixed, so output is byte-identical across
//! runs and machines.
//!
//! Each piece is a `Serialize` view of the AST (`PolicyJson`, `ConditionJson`, …), so a
//! definition is written as text in one pass; the functions returning [`Value`] are for
//! callers that inspect or compare the JSON.

pub mod assignment;
pub mod expr;
mod object;
pub mod scope;
pub mod semantic;
pub mod target;

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::collections::HashMap;

use serde_json::Value;

use crate::ast::{
    Condition, CountSource, DetailEntry, Details, Effect, EffectKind, EffectValue, Group, Header, Initiative, Member,
    MemberTarget, Operation, Parameter, Policy,
};
use object::{Node, Object};
pub use scope::DefinitionScope;

/// How initiatives reference the policies built with them: their `policyDefinitionId`.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// Where the policies are created.
    pub definition_scope: DefinitionScope,
    /// The definition name each policy is built with, by gavel name (they differ where a
    /// policy says `name "…"`).
    pub definition_names: HashMap<String, String>,
}

impl EmitOptions {
    /// Options for building `definitions` together at `scope`.
    pub fn new(definition_scope: DefinitionScope, definitions: &[&crate::ast::Definition]) -> EmitOptions {
        let definition_names =
            definitions.iter().map(|d| (d.name().value.clone(), d.header().definition_name().to_string())).collect();
        EmitOptions { definition_scope, definition_names }
    }

    /// The `policyDefinitionId` of the policy a member names by its gavel name: the one rule
    /// every target follows.
    pub fn member_id(&self, gavel_name: &str) -> String {
        let name = self.definition_names.get(gavel_name).map_or(gavel_name, String::as_str);
        self.definition_scope.definition_id(name)
    }

    /// The id of an initiative built with the others, by its gavel name.
    pub fn set_definition_id(&self, gavel_name: &str) -> String {
        let name = self.definition_names.get(gavel_name).map_or(gavel_name, String::as_str);
        self.definition_scope.set_definition_id(name)
    }
}

/// Pretty JSON text the one way gavel writes it: two-space indent and a trailing newline.
pub fn to_pretty_text<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON value of one of the `Serialize` views below.
fn to_value(view: impl Serialize) -> Value {
    // The views only hold strings, numbers and maps with string keys: serialising them to a
    // value cannot fail.
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// `{"name": …, "properties": {…}}` for a policy definition.
pub fn policy_definition(policy: &Policy) -> Value {
    to_value(PolicyJson(policy))
}

/// `{"if": …, "then": …}`.
pub fn policy_rule(policy: &Policy) -> Value {
    to_value(RuleJson(policy))
}

/// The `parameters` object of a definition.
pub fn parameters(params: &[Parameter]) -> Value {
    to_value(parameters_object(params))
}

/// `{"name": …, "properties": {…}}` for a policy set definition.
pub fn initiative_definition(initiative: &Initiative, options: &EmitOptions) -> Value {
    to_value(InitiativeJson(initiative, options))
}

/// A condition as Azure Policy JSON.
pub fn condition(cond: &Condition) -> Value {
    to_value(ConditionJson(cond))
}

/// One modify operation (`{condition, operation, field, value}`), or one append item
/// (`{field, value}`).
pub fn operation(op: &Operation, append: bool) -> Value {
    to_value(OperationJson(op, append))
}

/// A policy definition, serialised as `{"name": …, "properties": {…}}`.
pub struct PolicyJson<'a>(pub &'a Policy);

impl Serialize for PolicyJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let policy = self.0;
        let mut properties = Object::new();
        header_texts(&policy.header, &mut properties);
        properties.push_str("mode", policy.mode.value.as_str());
        header_tail(&policy.header, &mut properties);
        properties.push("policyRule", Node::Object(rule_object(policy)));
        properties.push_entries(&policy.header.extra);
        envelope(policy.header.definition_name(), properties).serialize(serializer)
    }
}

/// A policy rule, serialised as `{"if": …, "then": …}`.
pub struct RuleJson<'a>(pub &'a Policy);

impl Serialize for RuleJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        rule_object(self.0).serialize(serializer)
    }
}

/// A definition's `parameters` object.
pub struct ParametersJson<'a>(pub &'a [Parameter]);

impl Serialize for ParametersJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        parameters_object(self.0).serialize(serializer)
    }
}

/// A policy set definition, serialised as `{"name": …, "properties": {…}}`.
pub struct InitiativeJson<'a>(pub &'a Initiative, pub &'a EmitOptions);

impl Serialize for InitiativeJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let InitiativeJson(initiative, options) = *self;
        let mut properties = Object::new();
        header_texts(&initiative.header, &mut properties);
        header_tail(&initiative.header, &mut properties);
        if !initiative.groups.is_empty() {
            let groups = initiative.groups.iter().map(|g| Node::Object(group_object(g))).collect();
            properties.push("policyDefinitionGroups", Node::Array(groups));
        }
        let members = initiative.members.iter().map(|m| Node::Object(member_object(m, options))).collect();
        properties.push("policyDefinitions", Node::Array(members));
        properties.push_entries(&initiative.header.extra);
        envelope(initiative.header.definition_name(), properties).serialize(serializer)
    }
}

fn rule_object(policy: &Policy) -> Object<'_> {
    let mut rule = Object::new();
    rule.push("if", Node::Condition(&policy.condition));
    rule.push("then", Node::Object(effect_object(&policy.effect)));
    rule
}

fn parameters_object(params: &[Parameter]) -> Object<'_> {
    let mut out = Object::new();
    for param in params {
        out.push(&param.name.value, Node::Object(parameter_object(param)));
    }
    out
}

fn group_object(group: &Group) -> Object<'_> {
    let mut out = Object::new();
    out.push_str("name", &group.name.value);
    for (key, value) in [
        ("category", &group.category),
        ("displayName", &group.display_name),
        ("description", &group.description),
        ("additionalMetadataId", &group.additional_metadata_id),
    ] {
        if let Some(value) = value {
            out.push_str(key, &value.value);
        }
    }
    out.push_entries(&group.extra);
    out
}

fn member_object<'a>(member: &'a Member, options: &EmitOptions) -> Object<'a> {
    let mut entry = Object::new();
    let id = match &member.target {
        MemberTarget::Policy(name) => Node::String(options.member_id(&name.value)),
        MemberTarget::Id(id) => Node::Str(&id.value),
    };
    entry.push_str("policyDefinitionReferenceId", member.reference());
    entry.push("policyDefinitionId", id);
    if let Some(version) = &member.definition_version {
        entry.push_str("definitionVersion", &version.value);
    }
    let mut parameters = Object::new();
    for (key, value) in &member.parameters {
        let mut wrapped = Object::new();
        wrapped.push("value", Node::Expr(value));
        parameters.push(&key.value, Node::Object(wrapped));
    }
    entry.push("parameters", Node::Object(parameters));
    if !member.groups.is_empty() {
        entry.push("groupNames", Node::Array(member.groups.iter().map(|g| Node::Str(&g.value)).collect()));
    }
    entry.push_entries(&member.extra);
    entry
}

fn envelope<'a>(name: &'a str, properties: Object<'a>) -> Object<'a> {
    let mut definition = Object::new();
    definition.push_str("name", name);
    definition.push("properties", Node::Object(properties));
    definition
}

fn header_texts<'a>(header: &'a Header, properties: &mut Object<'a>) {
    let display = header.display_name.as_ref().map_or(&header.name.value, |d| &d.value);
    properties.push_str("displayName", display);
    if let Some(description) = &header.description {
        properties.push_str("description", &description.value);
    }
}

/// `metadata`, `version` and `parameters`, in that order.
fn header_tail<'a>(header: &'a Header, properties: &mut Object<'a>) {
    let mut metadata = Object::new();
    if let Some(version) = &header.version {
        metadata.push_str("version", &version.value);
    }
    if let Some(category) = &header.category {
        metadata.push_str("category", &category.value);
    }
    if header.preview.is_some() {
        metadata.push("preview", Node::Bool(true));
    }
    if header.deprecated.is_some() {
        metadata.push("deprecated", Node::Bool(true));
    }
    metadata.push_entries(&header.metadata);
    if !metadata.is_empty() {
        properties.push("metadata", Node::Object(metadata));
    }
    if let Some(version) = &header.version {
        properties.push_str("version", &version.value);
    }
    properties.push("parameters", Node::Object(parameters_object(&header.parameters)));
}

fn parameter_object(param: &Parameter) -> Object<'_> {
    let mut out = Object::new();
    out.push_str("type", param.ty.value.json_name());
    let mut metadata = Object::new();
    if let Some(display) = &param.display_name {
        metadata.push_str("displayName", &display.value);
    }
    if let Some(description) = &param.description {
        metadata.push_str("description", &description.value);
    }
    if let Some(strong_type) = &param.strong_type {
        metadata.push_str("strongType", &strong_type.value);
    }
    if let Some(assign) = &param.assign_permissions {
        metadata.push("assignPermissions", Node::Bool(assign.value));
    }
    if let Some(deprecated) = &param.deprecated {
        metadata.push("deprecated", Node::Bool(deprecated.value));
    }
    metadata.push_entries(&param.metadata);
    if !metadata.is_empty() {
        out.push("metadata", Node::Object(metadata));
    }
    for (key, value) in [("defaultValue", &param.default), ("allowedValues", &param.allowed), ("schema", &param.schema)]
    {
        if let Some(value) = value {
            out.push(key, Node::Expr(value));
        }
    }
    out.push_entries(&param.extra);
    out
}

/// A condition, serialised as Azure Policy JSON.
pub struct ConditionJson<'a>(pub &'a Condition);

impl Serialize for ConditionJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Condition::Raw { value, .. } => value.serialize(serializer),
            Condition::AllOf { items, .. } => single_entry(serializer, "allOf", &Conditions(items)),
            Condition::AnyOf { items, .. } => single_entry(serializer, "anyOf", &Conditions(items)),
            Condition::Not { inner, .. } => single_entry(serializer, "not", &ConditionJson(inner)),
            Condition::Field { field, op, value, .. } => {
                comparison(serializer, ("field", &expr::FieldNameJson(field)), op, value)
            }
            Condition::Value { value, op, rhs, .. } => {
                comparison(serializer, ("value", &expr::ExprJson(value)), op, rhs)
            }
            Condition::Count { count, op, rhs, .. } => comparison(serializer, ("count", &CountJson(count)), op, rhs),
        }
    }
}

fn single_entry<S: Serializer>(serializer: S, key: &str, value: &impl Serialize) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

/// `{"<subject>": …, "<operator>": operand}`.
fn comparison<S: Serializer>(
    serializer: S,
    (key, subject): (&str, &impl Serialize),
    op: &crate::ast::Operator,
    operand: &crate::ast::Expr,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry(key, subject)?;
    map.serialize_entry(op.kind.json_name(), &expr::ExprJson(operand))?;
    map.end()
}

struct Conditions<'a>(&'a [Condition]);

impl Serialize for Conditions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ConditionJson))
    }
}

/// `{"field": …, "where": …}` or `{"value": …, "name": …, "where": …}`.
struct CountJson<'a>(&'a crate::ast::Count);

impl Serialize for CountJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let count = self.0;
        let mut map = serializer.serialize_map(None)?;
        match &count.source {
            CountSource::Field(field) => map.serialize_entry("field", &expr::FieldNameJson(field))?,
            CountSource::Value { value, name } => {
                map.serialize_entry("value", &expr::ExprJson(value))?;
                if let Some(name) = name {
                    map.serialize_entry("name", &name.value)?;
                }
            }
        }
        if let Some(condition) = &count.condition {
            map.serialize_entry("where", &ConditionJson(condition))?;
        }
        map.end()
    }
}

fn effect_object(effect: &Effect) -> Object<'_> {
    let mut then = Object::new();
    let value = match &effect.value {
        EffectValue::Literal(name) => Node::Str(&name.value),
        EffectValue::Param(name) => Node::String(format!("[parameters('{}')]", name.value.replace('\'', "''"))),
    };
    then.push("effect", value);
    if let Some(details) = &effect.details {
        then.push("details", details_node(details, effect.kind));
    }
    then
}

fn details_node(details: &Details, kind: Option<EffectKind>) -> Node<'_> {
    if let Some(raw) = details.entries.iter().find_map(|entry| match entry {
        DetailEntry::Raw(value) => Some(value),
        _ => None,
    }) {
        return Node::Expr(raw);
    }
    let operations = || {
        details.entries.iter().filter_map(|entry| match entry {
            DetailEntry::Operation(op) => Some(op),
            _ => None,
        })
    };
    // Append details are a bare list of {field, value}.
    if kind == Some(EffectKind::Append) {
        return Node::Array(operations().map(|op| Node::Operation(op, true)).collect());
    }
    let mut out = Object::new();
    let mut has_operations = false;
    for entry in &details.entries {
        match entry {
            DetailEntry::Property { key, value } => out.push(&key.value, Node::Expr(value)),
            DetailEntry::Roles { ids, .. } => {
                out.push("roleDefinitionIds", Node::Array(ids.iter().map(|id| Node::Str(&id.value)).collect()));
            }
            DetailEntry::ExistenceCondition(cond) => out.push("existenceCondition", Node::Condition(cond)),
            // The list takes the place where the first operation was written.
            DetailEntry::Operation(_) if !has_operations => {
                has_operations = true;
                out.push("operations", Node::Bool(false));
            }
            DetailEntry::Operation(_) | DetailEntry::Raw(_) => {}
        }
    }
    if has_operations {
        // The list itself is written last, so that an `operations` property does not replace it.
        out.push("operations", Node::Array(operations().map(|op| Node::Operation(op, false)).collect()));
    }
    Node::Object(out)
}

/// A modify operation or an append item.
struct OperationJson<'a>(&'a Operation, bool);

impl Serialize for OperationJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let OperationJson(op, append) = *self;
        let mut item = serializer.serialize_map(None)?;
        if !append {
            if let Some(cond) = &op.condition {
                item.serialize_entry("condition", &expr::ExprJson(cond))?;
            }
            item.serialize_entry("operation", op.kind.json_name())?;
        }
        item.serialize_entry("field", &expr::FieldNameJson(&op.field))?;
        if let Some(value) = &op.value {
            item.serialize_entry("value", &expr::ExprJson(value))?;
        }
        item.end()
    }
}

//! The policy a test evaluates: a gavel policy of the compilation or a JSON definition file,
//! as the definition JSON the engine reads plus the tree of its conditions, each with where it
//! was written (a gavel source span, or a JSON pointer into the definition).

use std::path::Path;

use serde_json::{Map, Value};

use super::source::{Located, read_json_file};
use crate::ast::{Condition, Definition, DetailEntry, Policy};
use crate::diag::{Code, Diagnostic};
use crate::project::Compilation;
use crate::syntax::span::{SourceMap, Span};

/// A policy ready to hand to the engine.
#[derive(Debug, Clone)]
pub struct PolicyUnderTest {
    /// The gavel name, or the definition file's path.
    pub label: String,
    /// The Azure Policy definition (`{"name", "properties": {…}}`).
    pub definition: Value,
    /// The `if`.
    pub rule: ConditionNode,
    /// The `existenceCondition` of an auditIfNotExists/deployIfNotExists.
    pub existence: Option<ConditionNode>,
    /// Where each parameter is declared (gavel policies only).
    pub parameter_spans: Vec<(String, Span)>,
}

/// Where a condition was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// In gavel source.
    Source(Span),
    /// In a JSON definition, at this JSON pointer.
    Pointer(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    AllOf,
    AnyOf,
    Not,
    /// A `field`, `value` or `count` condition.
    Leaf,
}

/// One condition of a rule and the conditions inside it.
#[derive(Debug, Clone)]
pub struct ConditionNode {
    pub kind: ConditionKind,
    /// The condition as Azure Policy JSON.
    pub json: Value,
    /// The condition as its author wrote it, on one line.
    pub text: String,
    pub origin: Origin,
    /// What a field or value condition reads, as its author wrote it (`disableLocalAuth`,
    /// `length($names)`); `None` for JSON definitions, whose JSON says it.
    pub subject: Option<String>,
    pub children: Vec<ConditionNode>,
}

impl PolicyUnderTest {
    /// A gavel policy of the compilation, by name (exact, else ignoring case).
    pub fn from_gavel(compilation: &Compilation, name: &str, reference: Span) -> Result<PolicyUnderTest, Diagnostic> {
        let definitions = compilation.units.iter().flat_map(|u| u.module.definitions.iter());
        let found = definitions
            .clone()
            .find(|d| d.name().value == name)
            .or_else(|| definitions.clone().find(|d| d.name().value.eq_ignore_ascii_case(name)));
        match found {
            Some(Definition::Policy(policy)) => Ok(from_policy(policy, &compilation.sources)),
            Some(Definition::Initiative(_)) => Err(Diagnostic::new(
                Code::UnknownTestPolicy,
                reference,
                format!("`{name}` is an initiative; tests evaluate policies"),
            )
            .with_help("name one of the initiative's member policies")),
            None => {
                let names: Vec<&str> = definitions.map(|d| d.name().value.as_str()).collect();
                let help = match crate::diag::did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a policy of the .gavel files under the paths given (or in the test file's folder), or a .json definition file".into(),
                };
                Err(Diagnostic::new(Code::UnknownTestPolicy, reference, format!("no policy named `{name}`"))
                    .with_help(help))
            }
        }
    }

    /// A JSON definition file: `{"properties": {"policyRule": …}}` or the bare properties.
    pub fn from_json_file(
        path: &Path,
        sources: &mut SourceMap,
        reference: Span,
    ) -> Result<PolicyUnderTest, Diagnostic> {
        let Located { value, span } = read_json_file(path, sources, Code::InvalidDefinitionFile, reference)?;
        let label = crate::project::display_path(path).display().to_string();
        from_json(label, value).map_err(|message| {
            Diagnostic::new(Code::InvalidDefinitionFile, span, message).with_help(
                "a definition has `properties.policyRule` with `if` and `then` (the shape `gavel build` writes)",
            )
        })
    }
}

/// A definition given as JSON; `label` names it in reports.
pub fn from_json(label: String, definition: Value) -> Result<PolicyUnderTest, String> {
    let (properties, base) = match definition.get("properties") {
        Some(properties) => (properties, "/properties"),
        None => (&definition, ""),
    };
    let Some(rule) = properties.get("policyRule").filter(|r| r.is_object()) else {
        return Err(format!("`{label}` has no `policyRule` object"));
    };
    let Some(condition) = rule.get("if") else {
        return Err(format!("the `policyRule` of `{label}` has no `if`"));
    };
    let rule_node = json_node(condition, format!("{base}/policyRule/if"));
    let existence = rule
        .pointer("/then/details/existenceCondition")
        .map(|c| json_node(c, format!("{base}/policyRule/then/details/existenceCondition")));
    // The engine reads the envelope form; bare properties are wrapped.
    let definition = if base.is_empty() { serde_json::json!({ "properties": definition }) } else { definition };
    Ok(PolicyUnderTest { label, definition, rule: rule_node, existence, parameter_spans: Vec::new() })
}

fn from_policy(policy: &Policy, sources: &SourceMap) -> PolicyUnderTest {
    let existence = policy.effect.details.iter().flat_map(|d| d.entries.iter()).find_map(|entry| match entry {
        DetailEntry::ExistenceCondition(condition) => Some(gavel_node(condition, sources)),
        _ => None,
    });
    PolicyUnderTest {
        label: policy.header.name.value.clone(),
        definition: crate::emit::policy_definition(policy),
        rule: gavel_node(&policy.condition, sources),
        existence,
        parameter_spans: policy.header.parameters.iter().map(|p| (p.name.value.clone(), p.name.span)).collect(),
    }
}

fn gavel_node(condition: &Condition, sources: &SourceMap) -> ConditionNode {
    let (kind, children): (ConditionKind, Vec<&Condition>) = match condition {
        Condition::AllOf { items, .. } => (ConditionKind::AllOf, items.iter().collect()),
        Condition::AnyOf { items, .. } => (ConditionKind::AnyOf, items.iter().collect()),
        Condition::Not { inner, .. } => (ConditionKind::Not, vec![inner.as_ref()]),
        _ => (ConditionKind::Leaf, Vec::new()),
    };
    let source_text = |span: Span| sources.get(span.file).and_then(|f| f.text.get(span.range())).map(one_line);
    let span = condition.span();
    let json = crate::emit::condition(condition);
    let subject = match condition {
        Condition::Field { field, .. } => source_text(field.span),
        Condition::Value { value, .. } => source_text(value.span()),
        _ => None,
    };
    let text = source_text(span).map_or_else(|| compact_json(&json), |text| block_head(kind, text));
    ConditionNode {
        kind,
        text,
        json,
        origin: Origin::Source(span),
        subject,
        children: children.into_iter().map(|c| gavel_node(c, sources)).collect(),
    }
}

fn json_node(condition: &Value, pointer: String) -> ConditionNode {
    let member = |key: &str| {
        condition
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
            .map(|(k, v)| (k.clone(), v))
    };
    let (kind, children) = if let Some((key, Value::Array(items))) = member("allOf") {
        let children = items.iter().enumerate().map(|(i, c)| json_node(c, format!("{pointer}/{key}/{i}"))).collect();
        (ConditionKind::AllOf, children)
    } else if let Some((key, Value::Array(items))) = member("anyOf") {
        let children = items.iter().enumerate().map(|(i, c)| json_node(c, format!("{pointer}/{key}/{i}"))).collect();
        (ConditionKind::AnyOf, children)
    } else if let Some((key, inner)) = member("not") {
        (ConditionKind::Not, vec![json_node(inner, format!("{pointer}/{key}"))])
    } else {
        (ConditionKind::Leaf, Vec::new())
    };
    let text = match kind {
        ConditionKind::AllOf => "allOf".to_string(),
        ConditionKind::AnyOf => "anyOf".to_string(),
        ConditionKind::Not => "not".to_string(),
        ConditionKind::Leaf => compact_json(condition),
    };
    ConditionNode { kind, json: condition.clone(), text, origin: Origin::Pointer(pointer), subject: None, children }
}

/// A block shows only its head (`compute { … }`): its members are shown on their own.
fn block_head(kind: ConditionKind, text: String) -> String {
    match (kind, text.split_once('{')) {
        (ConditionKind::AllOf | ConditionKind::AnyOf, Some((head, _))) if text.ends_with('}') => {
            format!("{} {{ … }}", head.trim_end()).trim_start().to_string()
        }
        _ => text,
    }
}

/// Source text on one line: runs of whitespace (line breaks, indentation) become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A parameter of a definition, as far as assignments are concerned.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterInfo {
    pub name: String,
    pub default: Option<Value>,
    pub allowed: Option<Vec<Value>>,
}

/// The parameters a definition declares.
pub fn parameters(definition: &Value) -> Vec<ParameterInfo> {
    let declared =
        definition.pointer("/properties/parameters").and_then(Value::as_object).cloned().unwrap_or_else(Map::new);
    declared
        .into_iter()
        .map(|(name, spec)| ParameterInfo {
            name,
            default: spec.get("defaultValue").cloned(),
            allowed: spec.get("allowedValues").and_then(Value::as_array).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_conditions_keep_their_pointers() {
        let definition = json!({"properties": {"policyRule": {
            "if": {"allOf": [{"field": "type", "equals": "x"}, {"not": {"field": "name", "like": "a*"}}]},
            "then": {"effect": "audit"}
        }}});
        let policy = from_json("x.json".into(), definition).unwrap();
        assert_eq!(policy.rule.kind, ConditionKind::AllOf);
        let not = &policy.rule.children[1];
        assert_eq!(not.origin, Origin::Pointer("/properties/policyRule/if/allOf/1".into()));
        assert_eq!(not.children[0].origin, Origin::Pointer("/properties/policyRule/if/allOf/1/not".into()));
        assert_eq!(not.children[0].text, r#"{"field":"name","like":"a*"}"#);
    }

    #[test]
    fn bare_properties_are_wrapped() {
        let policy = from_json("x".into(), json!({"policyRule": {"if": {}, "then": {"effect": "deny"}}})).unwrap();
        assert!(policy.definition.pointer("/properties/policyRule").is_some());
        assert!(from_json("x".into(), json!({"properties": {}})).is_err());
        assert!(from_json("x".into(), json!([1])).is_err());
    }
}

//! One policy against one resource: the engine's verdict, whether the policy applies at all,
//! and what the engine could not model about it.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::engine::{CompiledPolicy, Engine, EngineError, Lookup, Prepared};
use super::policy::PolicyUnderTest;
use crate::catalog::aliases::Catalog;

/// What evaluating a policy gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The effect the engine returned; `None` when compliant or not applicable.
    pub effect: Option<String>,
    /// Whether the policy's `if` matches the resource.
    pub applicable: bool,
    /// The effect's details as the engine reports them.
    pub details: Option<Value>,
    /// The existence checks the engine made.
    pub lookups: Vec<Lookup>,
}

impl Outcome {
    /// The outcome as reports write it: the effect, `compliant` or `not applicable`.
    pub fn label(&self) -> String {
        match (&self.effect, self.applicable) {
            (Some(effect), _) => effect.clone(),
            (None, true) => "compliant".into(),
            (None, false) => "not applicable".into(),
        }
    }
}

/// A policy compiled by an engine: the definition itself, and a copy whose only effect is
/// `audit`, which tells whether the `if` matches whatever the real effect does with it.
#[derive(Debug, Clone)]
pub struct CompiledUnderTest {
    pub policy: Arc<PolicyUnderTest>,
    program: CompiledPolicy,
    applicability: CompiledPolicy,
}

impl CompiledUnderTest {
    pub fn new(engine: &Engine, policy: Arc<PolicyUnderTest>) -> Result<CompiledUnderTest, EngineError> {
        let program = engine.compile(&policy.definition)?;
        let applicability = engine.compile(&with_rule(&policy.definition, &policy.rule.json, "audit"))?;
        Ok(CompiledUnderTest { policy, program, applicability })
    }

    pub fn evaluate(&self, prepared: &Prepared) -> Result<Outcome, EngineError> {
        let verdict = self.program.evaluate(prepared)?;
        let applicable = verdict.effect.is_some() || self.applicability.evaluate(prepared)?.effect.is_some();
        Ok(Outcome { effect: verdict.effect, applicable, details: verdict.details, lookups: verdict.lookups })
    }

    /// The compiled definition alone, for callers that only want the verdict.
    pub fn program(&self) -> &CompiledPolicy {
        &self.program
    }
}

/// The definition with its `policyRule` replaced by `{"if": condition, "then": {"effect"}}`:
/// parameters and mode stay, so the engine reads the condition as in the policy.
pub fn with_rule(definition: &Value, condition: &Value, effect: &str) -> Value {
    let mut definition = definition.clone();
    let rule = serde_json::json!({ "if": condition, "then": { "effect": effect } });
    if let Some(properties) = definition.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert("policyRule".into(), rule);
    }
    definition
}

/// The definition without its `policyRule`, for [`with_rule`] to add one to: the rest is
/// copied, not the rule, which may be most of the definition.
pub fn without_rule(definition: &Value) -> Value {
    let copy_without = |map: &Map<String, Value>, skipped: &str| -> Map<String, Value> {
        map.iter().filter(|(key, _)| key.as_str() != skipped).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    match definition.as_object() {
        Some(envelope) => {
            let mut frame = copy_without(envelope, "properties");
            if let Some(properties) = envelope.get("properties").and_then(Value::as_object) {
                frame.insert("properties".into(), Value::Object(copy_without(properties, "policyRule")));
            }
            Value::Object(frame)
        }
        None => definition.clone(),
    }
}

/// What the engine does not model about this policy and outcome, said plainly so that nobody
/// mistakes the engine's answer for Azure's on those points.
pub fn engine_notes(engine: &Engine, policy: &PolicyUnderTest, outcome: &Outcome) -> Vec<String> {
    let mut notes = definition_notes(engine.catalog(), &policy.definition);
    notes.extend(outcome_notes(outcome));
    notes
}

/// What the engine does not model about the definition, whatever the resource.
fn definition_notes(catalog: &Catalog, definition: &Value) -> Vec<String> {
    let mut notes = Vec::new();
    for alias in legacy_array_aliases(catalog, definition) {
        notes.push(format!(
            "`{alias}` names no `[*]` but its path (`{}`) runs through an array: outside a `count` over \
             that array the engine reads `null` for such legacy aliases, where Azure reads the array members",
            catalog.lookup(&alias).map_or("", |a| a.default_path())
        ));
    }
    let mode = definition.pointer("/properties/mode").and_then(Value::as_str).unwrap_or("All");
    if mode.to_ascii_lowercase().ends_with(".data") {
        notes.push(format!(
            "mode `{mode}` is a resource-provider mode: the engine evaluates the rule against the resource given, \
             but does not model which data-plane requests Azure sends to the policy"
        ));
    }
    for alias in padded_integers(catalog, definition) {
        notes.push(format!(
            "`padLeft` is given the integer alias `{alias}`: the engine's `padLeft` returns nothing for an integer, \
             where ARM pads its digits"
        ));
    }
    notes
}

/// What the engine does not model about the effect it returned.
fn outcome_notes(outcome: &Outcome) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    let effect = outcome.effect.as_deref().unwrap_or_default();
    if effect.eq_ignore_ascii_case("enforceSetting") {
        notes.push(
            "the engine returns `enforceSetting` without its `setting`: the setting's value is not evaluated".into(),
        );
    }
    if effect.eq_ignore_ascii_case("denyAction") {
        notes.push(
            "the engine does not model the request's action: `denyAction` applies only to the actions in `actionNames`"
                .into(),
        );
    }
    let operations = outcome.details.as_ref().and_then(|d| d.get("operations")).and_then(Value::as_array);
    if operations.is_some_and(|ops| ops.iter().any(|op| op.get("condition").is_some())) {
        notes.push(
            "the engine does not evaluate a Modify operation's `condition`: it reports the operation with its \
             condition as written"
                .into(),
        );
    }
    notes
}

/// The aliases a definition reads whose name has no `[*]` although their default path has
/// (`Microsoft.Insights/diagnosticSettings/logs.enabled` → `properties.logs[*].enabled`), in
/// the order they first appear.
fn legacy_array_aliases(catalog: &Catalog, definition: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut visit = |text: &str| {
        let called = text.split("field('").skip(1).filter_map(|rest| rest.split_once("')").map(|(name, _)| name));
        for candidate in std::iter::once(text).chain(called) {
            if let Some(alias) = catalog.lookup(candidate)
                && !alias.name().contains("[*]")
                && alias.default_path().contains("[*]")
                && !found.iter().any(|f| f == alias.name())
            {
                found.push(alias.name().to_string());
            }
        }
    };
    if let Some(rule) = definition.pointer("/properties/policyRule") {
        visit_strings(rule, &mut visit);
    }
    found
}

/// Integer aliases passed straight to `padLeft(…)` through `field('…')` or `current('…')`.
fn padded_integers(catalog: &Catalog, definition: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut visit = |text: &str| {
        for rest in text.split("padLeft(").skip(1) {
            let argument = rest.split(',').next().unwrap_or_default();
            let name = ["field('", "current('"]
                .iter()
                .find_map(|call| argument.trim().strip_prefix(call))
                .and_then(|rest| rest.split_once('\'').map(|(name, _)| name));
            if let Some(alias) = name.and_then(|n| catalog.lookup(n))
                && alias.value_type().is_numeric()
                && !found.iter().any(|f| f == alias.name())
            {
                found.push(alias.name().to_string());
            }
        }
    };
    if let Some(rule) = definition.pointer("/properties/policyRule") {
        visit_strings(rule, &mut visit);
    }
    found
}

fn visit_strings(value: &Value, visit: &mut impl FnMut(&str)) {
    match value {
        Value::String(text) => visit(text),
        Value::Array(items) => items.iter().for_each(|item| visit_strings(item, visit)),
        Value::Object(map) => map.values().for_each(|item| visit_strings(item, visit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> Catalog {
        crate::catalog::import::import_json(
            r#"{"namespace": "Microsoft.Insights", "resourceTypes": [{"resourceType": "diagnosticSettings", "aliases": [
                {"name": "Microsoft.Insights/diagnosticSettings/logs.enabled", "defaultPath": "properties.logs[*].enabled"},
                {"name": "Microsoft.Insights/diagnosticSettings/logs[*].enabled", "defaultPath": "properties.logs[*].enabled"},
                {"name": "Microsoft.Insights/diagnosticSettings/logs[*].retentionPolicy.days",
                 "defaultPath": "properties.logs[*].retentionPolicy.days", "defaultMetadata": {"type": "Integer"}}]}]}"#,
        )
        .expect("an export")
    }

    #[test]
    fn legacy_array_aliases_are_found_in_fields_and_expressions() {
        let definition = json!({"properties": {"policyRule": {"if": {"allOf": [
            {"field": "Microsoft.Insights/diagnosticSettings/logs[*].enabled", "equals": true},
            {"value": "[field('Microsoft.Insights/diagnosticSettings/logs.enabled')]", "equals": true},
            {"field": "Microsoft.Insights/diagnosticSettings/logs.enabled", "equals": true}
        ]}}}});
        assert_eq!(
            legacy_array_aliases(&catalog(), &definition),
            vec!["Microsoft.Insights/diagnosticSettings/logs.enabled"]
        );
    }

    #[test]
    fn integers_given_to_pad_left_are_found() {
        let definition = json!({"properties": {"policyRule": {"if": {"value":
            "[padLeft(current('Microsoft.Insights/diagnosticSettings/logs[*].retentionPolicy.days'), 3, '0')]",
            "equals": "030"}}}});
        assert_eq!(
            padded_integers(&catalog(), &definition),
            vec!["Microsoft.Insights/diagnosticSettings/logs[*].retentionPolicy.days"]
        );
        let strings = json!({"properties": {"policyRule": {"if": {"value": "[padLeft(parameters('days'), 3, '0')]"}}}});
        assert!(padded_integers(&catalog(), &strings).is_empty());
    }

    #[test]
    fn outcome_notes_name_what_the_engine_skips() {
        let outcome = Outcome {
            effect: Some("Modify".into()),
            applicable: true,
            details: Some(json!({"operations": [{"operation": "addOrReplace", "condition": "[true()]"}]})),
            lookups: Vec::new(),
        };
        assert!(outcome_notes(&outcome)[0].contains("`condition`"));
        let setting = Outcome { effect: Some("EnforceSetting".into()), details: None, ..outcome };
        assert!(outcome_notes(&setting)[0].contains("enforceSetting"));
    }
}

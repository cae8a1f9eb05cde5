//! Semantic equality of Azure Policy JSON: what the round-trip and reproduction tests compare.
//!
//! Two definitions are equal when they differ only where Azure does not look: object key
//! order; the case of object keys (Azure reads `notin` as `notIn`) except inside a deployment
//! template; the case of alias names, effect and mode values, parameter type names, resource
//! types in a `type` guard and role definition ids; `exists` written as a string or a
//! boolean; whitespace and function-name case inside `[...]` expressions; and the read-only
//! envelope fields `id`, `properties.policyType` and `properties.versions`. What Azure assumes
//! when it is left out is written out before comparing: a missing or null `mode` is `Indexed`,
//! and a definition or initiative member with empty `parameters` equals one without.

use serde_json::Value;

/// Where two values first differ, as a JSON path, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

/// Compares two definitions (policy or initiative, with or without the envelope).
pub fn compare_definitions(expected: &Value, actual: &Value) -> Result<(), Difference> {
    // A definition read from a file without a name is compared on its properties only.
    if let (Some(a), Some(b)) = (expected.get("name"), actual.get("name"))
        && a != b
    {
        return Err(difference(&["name".to_string()], format!("{a} expected, {b} found")));
    }
    let expected = strip_envelope(expected);
    let actual = strip_envelope(actual);
    compare(&expected, &actual, &mut Vec::new())
}

fn strip_envelope(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove("id");
        map.remove("type");
        if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
            properties.remove("policyType");
            properties.remove("versions");
            normalize_defaults(properties);
        }
        // Bare properties (`{"policyRule": …}`) have no envelope.
        normalize_defaults(map);
        map.remove("name");
    }
    value
}

/// Writes out what Azure assumes when it is left out: a policy without a mode (or with a null
/// one) is `Indexed`; a definition or an initiative member with empty (or null) `parameters`
/// has none (dropped).
fn normalize_defaults(properties: &mut serde_json::Map<String, Value>) {
    drop_empty_parameters(properties);
    if properties.contains_key("policyRule") {
        let key = properties.keys().find(|k| k.eq_ignore_ascii_case("mode")).cloned();
        match key {
            Some(key) if properties.get(&key).is_some_and(Value::is_null) => {
                properties.remove(&key);
                properties.insert("mode".into(), Value::String("Indexed".into()));
            }
            Some(_) => {}
            None => {
                properties.insert("mode".into(), Value::String("Indexed".into()));
            }
        }
    }
    let members = properties.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case("policyDefinitions")).map(|(_, v)| v);
    if let Some(Value::Array(members)) = members {
        members.iter_mut().filter_map(Value::as_object_mut).for_each(drop_empty_parameters);
    }
}

fn drop_empty_parameters(map: &mut serde_json::Map<String, Value>) {
    let empty = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("parameters"))
        .filter(|(_, v)| v.as_object().is_some_and(serde_json::Map::is_empty) || v.is_null())
        .map(|(k, _)| k.clone());
    if let Some(key) = empty {
        map.remove(&key);
    }
}

/// Keys under which values are case-insensitive names.
const CASE_INSENSITIVE_VALUES: &[&str] = &["field", "effect", "mode", "type", "conflicteffect", "operation"];

fn compare(expected: &Value, actual: &Value, path: &mut Vec<String>) -> Result<(), Difference> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let in_template = path.iter().any(|k| k.eq_ignore_ascii_case("deployment"));
            let find = |map: &serde_json::Map<String, Value>, key: &str| -> Option<(String, Value)> {
                if in_template {
                    map.get(key).map(|v| (key.to_string(), v.clone()))
                } else {
                    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(k, v)| (k.clone(), v.clone()))
                }
            };
            for (key, value) in a {
                let Some((_, other)) = find(b, key) else {
                    return Err(difference(path, format!("key `{key}` is missing")));
                };
                path.push(key.clone());
                if is_type_guard(a) && key.eq_ignore_ascii_case("equals") {
                    compare_case_insensitive(value, &other, path)?;
                } else {
                    compare_value(key, value, &other, path, in_template)?;
                }
                path.pop();
            }
            for key in b.keys() {
                if find(a, key).is_none() {
                    return Err(difference(path, format!("unexpected key `{key}`")));
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(difference(path, format!("{} items expected, {} found", a.len(), b.len())));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                let parent = path.iter().rev().nth(1).cloned().unwrap_or_default();
                if parent.eq_ignore_ascii_case("roleDefinitionIds") {
                    compare_case_insensitive(x, y, path)?;
                } else {
                    compare(x, y, path)?;
                }
                path.pop();
            }
            Ok(())
        }
        (Value::String(a), Value::String(b)) if is_expression(a) && is_expression(b) => {
            if normalize_expression(a) == normalize_expression(b) {
                Ok(())
            } else {
                Err(difference(path, format!("expression {a:?} expected, {b:?} found")))
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(difference(path, format!("{a} expected, {b} found"))),
    }
}

fn compare_value(key: &str, a: &Value, b: &Value, path: &mut Vec<String>, in_template: bool) -> Result<(), Difference> {
    if !in_template && key.eq_ignore_ascii_case("exists") {
        return if as_bool(a) == as_bool(b) && as_bool(a).is_some() {
            Ok(())
        } else {
            Err(difference(path, format!("{a} expected, {b} found")))
        };
    }
    let lower = key.to_ascii_lowercase();
    if !in_template
        && CASE_INSENSITIVE_VALUES.contains(&lower.as_str())
        && let (Value::String(x), Value::String(y)) = (a, b)
        && !is_expression(x)
        && !is_expression(y)
    {
        return compare_case_insensitive(a, b, path);
    }
    compare(a, b, path)
}

fn compare_case_insensitive(a: &Value, b: &Value, path: &[String]) -> Result<(), Difference> {
    match (a, b) {
        (Value::String(x), Value::String(y)) if x.eq_ignore_ascii_case(y) => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(difference(path, format!("{a} expected, {b} found"))),
    }
}

fn is_type_guard(map: &serde_json::Map<String, Value>) -> bool {
    map.iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("field") && v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("type")))
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn is_expression(s: &str) -> bool {
    s.starts_with('[') && !s.starts_with("[[") && s.ends_with(']')
}

/// Drops whitespace outside string literals and folds the case of everything outside them
/// (function names are case-insensitive) and of the alias named by `field('…')` or
/// `current('…')` (alias names are case-insensitive).
pub fn normalize_expression(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    let mut in_alias = false;
    for c in s.chars() {
        if c == '\'' {
            if !in_string {
                in_alias = out.ends_with("field(") || out.ends_with("current(");
            }
            in_string = !in_string;
            out.push(c);
        } else if in_string {
            out.push(if in_alias { c.to_ascii_lowercase() } else { c });
        } else if !c.is_whitespace() {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn difference(path: &[String], message: String) -> Difference {
    let path = if path.is_empty() { "$".to_string() } else { format!("$.{}", path.join(".")) };
    Difference { path, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ignores_order_case_and_expression_whitespace() {
        let a = json!({"properties": {"mode": "All", "policyRule": {"if": {"field": "Microsoft.X/y/Z", "notin": "[parameters( 'a' )]"}, "then": {"effect": "Audit"}}}, "id": "x"});
        let b = json!({"name": "n", "properties": {"policyRule": {"then": {"effect": "audit"}, "if": {"notIn": "[parameters('a')]", "field": "microsoft.x/y/z"}}, "mode": "all"}});
        assert_eq!(compare_definitions(&a, &b), Ok(()));
    }

    #[test]
    fn alias_names_inside_expressions_are_case_insensitive_other_strings_are_not() {
        let field =
            |alias: &str| json!({"policyRule": {"then": {"details": {"value": format!("[field('{alias}')]")}}}});
        let lower = field("microsoft.machinelearningservices/workspaces/managedNetwork.isolationMode");
        let canonical = field("Microsoft.MachineLearningServices/workspaces/managedNetwork.isolationMode");
        assert_eq!(compare_definitions(&lower, &canonical), Ok(()));
        let text = |t: &str| json!({"policyRule": {"then": {"details": {"value": format!("[concat('{t}')]")}}}});
        assert!(compare_definitions(&text("Abc"), &text("abc")).is_err());
    }

    #[test]
    fn a_missing_mode_is_indexed_and_empty_member_parameters_are_none() {
        let rule = json!({"if": {"field": "type", "equals": "Microsoft.A/b"}, "then": {"effect": "audit"}});
        let without = json!({"properties": {"policyRule": rule}});
        let null = json!({"properties": {"mode": null, "policyRule": rule}});
        let indexed = json!({"properties": {"mode": "indexed", "policyRule": rule}});
        let all = json!({"properties": {"mode": "All", "policyRule": rule}});
        assert_eq!(compare_definitions(&without, &indexed), Ok(()));
        assert_eq!(compare_definitions(&null, &indexed), Ok(()));
        assert_eq!(
            compare_definitions(&json!({"policyRule": rule}), &json!({"mode": "Indexed", "policyRule": rule})),
            Ok(())
        );
        assert!(compare_definitions(&without, &all).is_err());
        let member = |extra: Value| {
            let mut m = json!({"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/x"});
            if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
                m.extend(extra.clone());
            }
            json!({"properties": {"policyDefinitions": [m]}})
        };
        assert_eq!(compare_definitions(&member(json!({"parameters": {}})), &member(json!({}))), Ok(()));
        assert!(compare_definitions(&member(json!({"parameters": {"a": {"value": 1}}})), &member(json!({}))).is_err());
        let with_empty = json!({"properties": {"mode": "All", "parameters": {}, "policyRule": rule}});
        assert_eq!(
            compare_definitions(&json!({"properties": {"mode": "All", "policyRule": rule}}), &with_empty),
            Ok(())
        );
    }

    #[test]
    fn reports_the_path_of_a_difference() {
        let a = json!({"properties": {"displayName": "A"}});
        let b = json!({"properties": {"displayName": "B"}});
        let diff = compare_definitions(&a, &b).err().map(|d| d.path);
        assert_eq!(diff.as_deref(), Some("$.properties.displayName"));
    }

    #[test]
    fn values_other_than_names_are_exact() {
        let a = json!({"properties": {"policyRule": {"if": {"field": "x", "equals": "Spark"}}}});
        let b = json!({"properties": {"policyRule": {"if": {"field": "x", "equals": "spark"}}}});
        assert!(compare_definitions(&a, &b).is_err());
        let guard_a = json!({"if": {"field": "type", "equals": "Microsoft.A/b"}});
        let guard_b = json!({"if": {"field": "type", "equals": "microsoft.a/b"}});
        assert_eq!(compare_definitions(&guard_a, &guard_b), Ok(()));
    }
}

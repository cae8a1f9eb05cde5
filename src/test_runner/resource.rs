//! Getting an ARM resource ready for the engine: the parts of Azure's behaviour that live in
//! the platform rather than in the policy language.
//!
//! - Property names are case-insensitive in Azure, but the engine finds an alias's value by
//!   following its default path with the catalog's spelling. Keys are therefore respelt as the
//!   catalog spells them (`enableNodePublicIP` → `enableNodePublicIp`) before the engine
//!   normalises the resource.
//! - `fullName` (`workspace/compute`) and the `resourceGroup()`/`subscription()` context are
//!   derived from the resource id, as Azure derives them.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::catalog::aliases::Catalog;

/// The property-name spellings of one resource type's alias paths, as a tree of path
/// segments. `[*]` steps into every element of an array.
#[derive(Debug, Default, Clone)]
pub struct KeyTree {
    children: HashMap<String, (String, KeyTree)>,
    elements: Option<Box<KeyTree>>,
}

impl KeyTree {
    fn insert(&mut self, path: &str) {
        let mut node = self;
        for segment in path.split('.') {
            let (key, arrays) = split_array_suffix(segment);
            if !key.is_empty() {
                let entry = node
                    .children
                    .entry(key.to_ascii_lowercase())
                    .or_insert_with(|| (key.to_string(), KeyTree::default()));
                node = &mut entry.1;
            }
            for _ in 0..arrays {
                node = node.elements.get_or_insert_with(Box::default);
            }
        }
    }

    /// Respells the keys of `value` that this tree knows under another casing.
    fn respell(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                let renames: Vec<(String, String)> = map
                    .keys()
                    .filter_map(|key| {
                        let (canonical, _) = self.children.get(&key.to_ascii_lowercase())?;
                        (canonical != key && !map.contains_key(canonical)).then(|| (key.clone(), canonical.clone()))
                    })
                    .collect();
                for (from, to) in renames {
                    if let Some(moved) = map.remove(&from) {
                        map.insert(to, moved);
                    }
                }
                for (key, child) in map.iter_mut() {
                    if let Some((_, tree)) = self.children.get(&key.to_ascii_lowercase()) {
                        tree.respell(child);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(tree) = &self.elements {
                    items.iter_mut().for_each(|item| tree.respell(item));
                }
            }
            _ => {}
        }
    }
}

/// `logs[*]` → (`logs`, 1); `ids[*][*]` → (`ids`, 2).
fn split_array_suffix(segment: &str) -> (&str, usize) {
    let mut key = segment;
    let mut arrays = 0;
    while let Some(rest) = key.strip_suffix("[*]") {
        key = rest;
        arrays += 1;
    }
    (key, arrays)
}

/// The key tree of one resource type: the property-name spellings of its aliases' paths.
pub fn key_tree(catalog: &Catalog, resource_type: &str) -> KeyTree {
    let mut tree = KeyTree::default();
    for alias in catalog.aliases_of_type(resource_type) {
        tree.insert(alias.default_path());
    }
    tree
}

/// The resource with its keys respelt for its type (`tree`) and `fullName` filled in.
pub fn prepare(resource: &Value, tree: &KeyTree) -> Value {
    let mut resource = resource.clone();
    tree.respell(&mut resource);
    if let Value::Object(map) = &mut resource
        && !map.keys().any(|k| k.eq_ignore_ascii_case("fullName"))
        && let Some(full_name) = full_name(map)
    {
        map.insert("fullName".into(), Value::String(full_name));
    }
    resource
}

/// A top-level member, its name compared ignoring case (ARM is case-insensitive).
pub fn member<'a>(resource: &'a Value, key: &str) -> Option<&'a Value> {
    resource.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

pub fn resource_type(resource: &Value) -> Option<&str> {
    member(resource, "type")?.as_str()
}

/// `workspace/compute` for `…/providers/NS/workspaces/workspace/computes/compute`: the names
/// of the resource and its parents. Without an id, the name as given.
fn full_name(resource: &Map<String, Value>) -> Option<String> {
    let get = |key: &str| resource.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, v)| v.as_str());
    if let Some(id) = get("id") {
        let segments: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
        // The last `providers/<namespace>` starts the resource's own path.
        if let Some(at) = segments.iter().rposition(|s| s.eq_ignore_ascii_case("providers")) {
            let names: Vec<&str> = segments.iter().skip(at + 2).skip(1).step_by(2).copied().collect();
            if !names.is_empty() {
                return Some(names.join("/"));
            }
        }
    }
    get("name").map(str::to_string)
}

/// `resourceGroup()` and `subscription()` as far as the resource id tells them.
pub fn derived_context(resource: &Value) -> Map<String, Value> {
    let mut context = Map::new();
    let Some(id) = member(resource, "id").and_then(Value::as_str) else {
        return context;
    };
    let segments: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    let after = |key: &str| {
        segments.iter().position(|s| s.eq_ignore_ascii_case(key)).and_then(|i| segments.get(i + 1)).copied()
    };
    if let Some(subscription) = after("subscriptions") {
        let sub_id = format!("/subscriptions/{subscription}");
        if let Some(group) = after("resourceGroups") {
            context.insert(
                "resourceGroup".into(),
                serde_json::json!({
                    "id": format!("{sub_id}/resourceGroups/{group}"),
                    "name": group,
                    "type": "Microsoft.Resources/resourceGroups",
                }),
            );
        }
        context.insert("subscription".into(), serde_json::json!({"id": sub_id, "subscriptionId": subscription}));
    }
    context
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_take_the_catalog_spelling_through_arrays() {
        let mut tree = KeyTree::default();
        tree.insert("properties.properties.enableNodePublicIp");
        tree.insert("properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status");
        let mut resource = json!({
            "Properties": {
                "properties": {"EnableNodePublicIP": true, "other": 1},
                "PrivateEndpointConnections": [{"properties": {"privateLinkServiceConnectionState": {"STATUS": "Approved"}}}]
            }
        });
        tree.respell(&mut resource);
        assert_eq!(
            resource,
            json!({
                "properties": {
                    "properties": {"enableNodePublicIp": true, "other": 1},
                    "privateEndpointConnections": [{"properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}}]
                }
            })
        );
    }

    #[test]
    fn a_key_already_spelt_right_is_not_overwritten() {
        let mut tree = KeyTree::default();
        tree.insert("properties.a");
        let mut resource = json!({"properties": {"a": 1, "A": 2}});
        tree.respell(&mut resource);
        assert_eq!(resource, json!({"properties": {"a": 1, "A": 2}}));
    }

    #[test]
    fn full_name_and_context_come_from_the_id() {
        let resource = json!({
            "id": "/subscriptions/0000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/ci",
            "name": "ci",
        });
        let prepared = prepare(&resource, &KeyTree::default());
        assert_eq!(prepared["fullName"], "ws/ci");
        let context = derived_context(&resource);
        assert_eq!(context["resourceGroup"]["name"], "ml-rg");
        assert_eq!(context["subscription"]["subscriptionId"], "0000");
        assert_eq!(prepare(&json!({"name": "x"}), &KeyTree::default())["fullName"], "x");
        assert!(derived_context(&json!({"id": 3})).is_empty());
    }
}

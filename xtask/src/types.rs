//! Walks alias default paths through a Bicep `types.json` (bicep-types-az): a flat array of type
//! nodes that reference each other as `{"$ref": "#/<index>"}`. Object properties carry flags
//! (Required 1, ReadOnly 2, WriteOnly 4, DeployTimeConstant 8); the walk reports ReadOnly for the
//! property at the end of the path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::facts::{Facts, Seg};

pub struct BicepTypes {
    /// The api-version: files of one namespace are walked newest first.
    pub version: String,
    /// The file, relative to the data folder, for reports only.
    pub source: String,
    nodes: Vec<Value>,
    /// Lower-cased resource type → body node(s).
    bodies: BTreeMap<String, Vec<usize>>,
    /// Resource types as spelt in the file.
    pub resource_types: BTreeSet<String>,
}

/// Recursive types (a job's inputs holding jobs, …) must not loop; real paths are far shorter.
const MAX_DEPTH: usize = 48;

/// One place a walk has reached: a type node, whether the way there went through a map's
/// "any key" (`additionalProperties`) rather than declared properties only, and the flags of the
/// last declared property on the way (`None` when the last `.name` step was a map key; `[*]`
/// steps keep them: `x[*]` is read-only when `x` is).
type State = (usize, bool, Option<u64>);

/// The ReadOnly bit of a Bicep object property's `flags`.
const READ_ONLY: u64 = 2;

impl BicepTypes {
    pub fn load(path: &Path, source: String, version: String) -> Result<BicepTypes, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let nodes: Vec<Value> = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(BicepTypes::from_nodes(nodes, source, version))
    }

    /// Indexes an already parsed node array.
    pub fn from_nodes(nodes: Vec<Value>, source: String, version: String) -> BicepTypes {
        let mut types = BicepTypes { version, source, nodes, bodies: BTreeMap::new(), resource_types: BTreeSet::new() };
        for (i, node) in types.nodes.iter().enumerate() {
            if node["$type"] != "ResourceType" {
                continue;
            }
            let Some(name) = node["name"].as_str() else {
                continue;
            };
            let ty = name.split('@').next().unwrap_or(name);
            if let Some(body) = reference(&node["body"]) {
                types.bodies.entry(ty.to_ascii_lowercase()).or_default().push(body);
                types.resource_types.insert(ty.to_string());
            } else {
                eprintln!("warning: {}: resource type node {i} has no body", types.source);
            }
        }
        types
    }

    /// The namespaces (text before the first `/`) of the resource types this file defines,
    /// lower-cased.
    pub fn namespaces(&self) -> BTreeSet<String> {
        self.bodies.keys().map(|ty| ty.split('/').next().unwrap_or(ty).to_string()).collect()
    }

    /// Adds what this file says about `path` under `resource_type` to `facts`.
    ///
    /// Where some ways through the type declare every step and others only get there through a
    /// map's any key, the declared ways answer alone: `Microsoft.Web/sites/config` is a union of
    /// config kinds, most of them string maps, and `properties.alwaysOn` is `web`'s boolean, not
    /// also "any string".
    pub fn walk(&self, resource_type: &str, path: &[Seg], facts: &mut Facts) {
        let Some(bodies) = self.bodies.get(&resource_type.to_ascii_lowercase()) else {
            return;
        };
        let mut current: BTreeSet<State> = bodies.iter().map(|&body| (body, false, None)).collect();
        let mut any = false;
        for seg in path {
            let mut next = BTreeSet::new();
            for &state in &current {
                match seg {
                    Seg::Prop(name) => self.step_prop(state, name, &mut next, &mut any, 0),
                    Seg::Elem => self.step_elem(state, &mut next, &mut any, 0),
                }
            }
            current = next;
        }
        let declared = current.iter().any(|&(_, loose, _)| !loose);
        if declared {
            current.retain(|&(_, loose, _)| !loose);
        }
        // Reaching a free-form value part-way down means everything below it is "any" (unless
        // a declared way answers).
        if any && !declared {
            facts.any();
        }
        let flags: Vec<u64> = current.iter().filter_map(|&(_, _, flags)| flags).collect();
        if !flags.is_empty() {
            facts.read_only(flags.iter().all(|flags| flags & READ_ONLY != 0));
        }
        for (node, _, _) in current {
            self.classify(node, facts, 0);
        }
    }

    fn node(&self, index: usize) -> &Value {
        self.nodes.get(index).unwrap_or(&Value::Null)
    }

    fn step_prop(&self, state: State, name: &str, out: &mut BTreeSet<State>, any: &mut bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let (index, loose, _) = state;
        let node = self.node(index);
        match node["$type"].as_str() {
            Some("ObjectType") => {
                let found = matching_props(&node["properties"], name, loose, out);
                if !found && let Some(extra) = reference(&node["additionalProperties"]) {
                    out.insert((extra, true, None));
                }
            }
            Some("DiscriminatedObjectType") => {
                matching_props(&node["baseProperties"], name, loose, out);
                // The union over every variant: `properties.properties.enableNodePublicIp`
                // exists on some computes only, and the alias covers them all.
                for element in elements(&node["elements"]) {
                    self.step_prop((element, loose, None), name, out, any, depth + 1);
                }
            }
            Some("UnionType") => {
                for element in elements(&node["elements"]) {
                    self.step_prop((element, loose, None), name, out, any, depth + 1);
                }
            }
            Some("AnyType") => *any = true,
            _ => {}
        }
    }

    fn step_elem(&self, state: State, out: &mut BTreeSet<State>, any: &mut bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let (index, loose, flags) = state;
        let node = self.node(index);
        match node["$type"].as_str() {
            Some("ArrayType") => {
                if let Some(item) = reference(&node["itemType"]) {
                    out.insert((item, loose, flags));
                }
            }
            Some("UnionType") => {
                for element in elements(&node["elements"]) {
                    self.step_elem((element, loose, flags), out, any, depth + 1);
                }
            }
            Some("AnyType") => *any = true,
            _ => {}
        }
    }

    fn classify(&self, index: usize, facts: &mut Facts, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        use crate::facts::Kind;
        let node = self.node(index);
        match node["$type"].as_str() {
            Some("StringType") => facts.plain_string(),
            Some("StringLiteralType") => match node["value"].as_str() {
                Some(value) => facts.literal(value),
                None => facts.plain_string(),
            },
            Some("UnionType") => {
                for element in elements(&node["elements"]) {
                    self.classify(element, facts, depth + 1);
                }
            }
            // Bicep has one numeric type: swagger `number` arrives here as IntegerType too.
            Some("IntegerType") => facts.kind(Kind::Integer),
            Some("BooleanType") => facts.kind(Kind::Boolean),
            Some("ArrayType") => facts.kind(Kind::Array),
            Some("ObjectType" | "DiscriminatedObjectType") => facts.kind(Kind::Object),
            Some("AnyType") => facts.any(),
            _ => {}
        }
    }
}

/// `{"$ref": "#/12"}` → 12.
fn reference(value: &Value) -> Option<usize> {
    value["$ref"].as_str()?.strip_prefix("#/")?.parse().ok()
}

/// The references of a union's `elements` (array) or a discriminated type's `elements` (object),
/// in file order.
fn elements(value: &Value) -> Vec<usize> {
    match value {
        Value::Array(items) => items.iter().filter_map(reference).collect(),
        Value::Object(map) => map.values().filter_map(reference).collect(),
        _ => Vec::new(),
    }
}

/// Adds the type of every property named `name` (case-insensitively: alias paths do not always
/// follow the spec's casing) with its flags, and says whether there was one.
fn matching_props(props: &Value, name: &str, loose: bool, out: &mut BTreeSet<State>) -> bool {
    let mut found = false;
    if let Value::Object(map) = props {
        for (key, prop) in map {
            if key.eq_ignore_ascii_case(name)
                && let Some(ty) = reference(&prop["type"])
            {
                out.insert((ty, loose, Some(prop["flags"].as_u64().unwrap_or(0))));
                found = true;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Kind, parse_path};
    use serde_json::json;

    /// A resource with a read-only string, a writable closed enum, an open enum, a read-only
    /// array of objects and a discriminated member whose variants disagree on ReadOnly.
    fn graph() -> BicepTypes {
        let nodes = json!([
            /* 0 */ {"$type": "StringType"},
            /* 1 */ {"$type": "StringLiteralType", "value": "TLS1_0"},
            /* 2 */ {"$type": "StringLiteralType", "value": "TLS1_2"},
            /* 3 */ {"$type": "UnionType", "elements": [{"$ref": "#/1"}, {"$ref": "#/2"}]},
            /* 4 */ {"$type": "UnionType", "elements": [{"$ref": "#/1"}, {"$ref": "#/0"}]},
            /* 5 */ {"$type": "ObjectType", "name": "Item", "properties": {
                        "id": {"type": {"$ref": "#/0"}, "flags": 0}}},
            /* 6 */ {"$type": "ArrayType", "itemType": {"$ref": "#/5"}},
            /* 7 */ {"$type": "BooleanType"},
            /* 8 */ {"$type": "ObjectType", "name": "A", "properties": {
                        "kind": {"type": {"$ref": "#/0"}, "flags": 1},
                        "shared": {"type": {"$ref": "#/7"}, "flags": 2}}},
            /* 9 */ {"$type": "ObjectType", "name": "B", "properties": {
                        "kind": {"type": {"$ref": "#/0"}, "flags": 1},
                        "shared": {"type": {"$ref": "#/7"}, "flags": 0}}},
            /* 10 */ {"$type": "DiscriminatedObjectType", "name": "Variant", "discriminator": "kind",
                        "baseProperties": {}, "elements": {"a": {"$ref": "#/8"}, "b": {"$ref": "#/9"}}},
            /* 11 */ {"$type": "ObjectType", "name": "Props", "properties": {
                        "provisioningState": {"type": {"$ref": "#/0"}, "flags": 2},
                        "minimumTlsVersion": {"type": {"$ref": "#/3"}, "flags": 0},
                        "mode": {"type": {"$ref": "#/4"}, "flags": 0},
                        "items": {"type": {"$ref": "#/6"}, "flags": 2},
                        "variant": {"type": {"$ref": "#/10"}, "flags": 0}}},
            /* 12 */ {"$type": "ObjectType", "name": "Res", "properties": {
                        "properties": {"type": {"$ref": "#/11"}, "flags": 0}}},
            /* 13 */ {"$type": "ResourceType", "name": "Test.Ns/things@2024-01-01", "body": {"$ref": "#/12"}}
        ]);
        let Value::Array(nodes) = nodes else { unreachable!() };
        BicepTypes::from_nodes(nodes, "test".into(), "2024-01-01".into())
    }

    fn facts(path: &str) -> crate::facts::Settled {
        let mut f = Facts::default();
        graph().walk("test.ns/THINGS", &parse_path(path), &mut f);
        f.settle()
    }

    #[test]
    fn resource_types_are_indexed_by_namespace() {
        let g = graph();
        assert_eq!(g.namespaces().into_iter().collect::<Vec<_>>(), vec!["test.ns"]);
        assert!(g.resource_types.contains("Test.Ns/things"));
    }

    #[test]
    fn read_only_comes_from_the_last_property() {
        let s = facts("properties.provisioningState");
        assert_eq!((s.kind, s.read_only), (Some(Kind::String), true));
        assert!(!facts("properties.minimumTlsVersion").read_only);
        // `items[*]` and `items[*].id`: the array is read-only, its element's `id` is not flagged.
        let s = facts("properties.items[*]");
        assert_eq!((s.kind, s.read_only), (Some(Kind::Object), true));
        assert!(!facts("properties.items[*].id").read_only);
        // One variant flags it, the other does not: not read-only.
        let s = facts("properties.variant.shared");
        assert_eq!((s.kind, s.read_only), (Some(Kind::Boolean), false));
        // Unresolved paths say nothing.
        let s = facts("properties.nothing");
        assert_eq!((s.kind, s.read_only), (None, false));
    }

    #[test]
    fn declared_properties_answer_before_map_keys() {
        // `sites/config`-like: a union of kinds, `web` declares `alwaysOn`, `appsettings` is a
        // string map.
        let nodes = json!([
            /* 0 */ {"$type": "StringType"},
            /* 1 */ {"$type": "BooleanType"},
            /* 2 */ {"$type": "ObjectType", "name": "SiteConfig", "properties": {
                        "alwaysOn": {"type": {"$ref": "#/1"}, "flags": 0}}},
            /* 3 */ {"$type": "ObjectType", "name": "Map", "properties": {}, "additionalProperties": {"$ref": "#/0"}},
            /* 4 */ {"$type": "ObjectType", "name": "web", "properties": {
                        "properties": {"type": {"$ref": "#/2"}, "flags": 0}}},
            /* 5 */ {"$type": "ObjectType", "name": "appsettings", "properties": {
                        "properties": {"type": {"$ref": "#/3"}, "flags": 0}}},
            /* 6 */ {"$type": "DiscriminatedObjectType", "name": "config", "discriminator": "name",
                        "baseProperties": {}, "elements": {"web": {"$ref": "#/4"}, "appsettings": {"$ref": "#/5"}}},
            /* 7 */ {"$type": "ResourceType", "name": "Test.Ns/sites/config@2024-01-01", "body": {"$ref": "#/6"}}
        ]);
        let Value::Array(nodes) = nodes else { unreachable!() };
        let g = BicepTypes::from_nodes(nodes, "test".into(), "2024-01-01".into());
        let settle = |path: &str| {
            let mut f = Facts::default();
            g.walk("Test.Ns/sites/config", &parse_path(path), &mut f);
            f.settle()
        };
        assert_eq!(settle("properties.alwaysOn").kind, Some(Kind::Boolean));
        // Only a map knows it: any key of the map, a string.
        assert_eq!(settle("properties.WEBSITE_NODE_DEFAULT_VERSION").kind, Some(Kind::String));
    }

    #[test]
    fn enums_are_closed_unions_of_literals_or_open_with_a_string() {
        let s = facts("properties.minimumTlsVersion");
        assert_eq!(s.kind, Some(Kind::String));
        assert_eq!(s.enum_values, vec!["TLS1_0", "TLS1_2"]);
        assert!(!s.enum_open);
        let s = facts("properties.mode");
        assert_eq!(s.enum_values, vec!["TLS1_0"]);
        assert!(s.enum_open);
        assert!(facts("properties.provisioningState").enum_values.is_empty());
    }
}

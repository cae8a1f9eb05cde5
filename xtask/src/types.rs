//! Walks alias default paths through a Bicep `types.json` (bicep-types-az): a flat array of type
//! nodes that reference each other as `{"$ref": "#/<index>"}`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::facts::{Facts, Seg};

pub struct BicepTypes {
    /// The api-version, for reports only.
    pub version: String,
    nodes: Vec<Value>,
    /// Lower-cased resource type → body node(s).
    bodies: BTreeMap<String, Vec<usize>>,
    /// Resource types as spelt in the file.
    pub resource_types: BTreeSet<String>,
}

/// Recursive types (a job's inputs holding jobs, …) must not loop; real paths are far shorter.
const MAX_DEPTH: usize = 48;

impl BicepTypes {
    pub fn load(path: &Path, version: String) -> Result<BicepTypes, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let nodes: Vec<Value> = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut types = BicepTypes { version, nodes, bodies: BTreeMap::new(), resource_types: BTreeSet::new() };
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
                eprintln!("warning: {}: resource type node {i} has no body", path.display());
            }
        }
        Ok(types)
    }

    /// Adds what this file says about `path` under `resource_type` to `facts`.
    pub fn walk(&self, resource_type: &str, path: &[Seg], facts: &mut Facts) {
        let Some(bodies) = self.bodies.get(&resource_type.to_ascii_lowercase()) else {
            return;
        };
        let mut current: BTreeSet<usize> = bodies.iter().copied().collect();
        let mut any = false;
        for seg in path {
            let mut next = BTreeSet::new();
            for &node in &current {
                match seg {
                    Seg::Prop(name) => self.step_prop(node, name, &mut next, &mut any, 0),
                    Seg::Elem => self.step_elem(node, &mut next, &mut any, 0),
                }
            }
            current = next;
        }
        // Reaching a free-form value part-way down means everything below it is "any".
        if any {
            facts.any();
        }
        for node in current {
            self.classify(node, facts, 0);
        }
    }

    fn node(&self, index: usize) -> &Value {
        self.nodes.get(index).unwrap_or(&Value::Null)
    }

    fn step_prop(&self, index: usize, name: &str, out: &mut BTreeSet<usize>, any: &mut bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let node = self.node(index);
        match node["$type"].as_str() {
            Some("ObjectType") => {
                let found = matching_props(&node["properties"], name, out);
                if !found && let Some(extra) = reference(&node["additionalProperties"]) {
                    out.insert(extra);
                }
            }
            Some("DiscriminatedObjectType") => {
                matching_props(&node["baseProperties"], name, out);
                // The union over every variant: `properties.properties.enableNodePublicIp`
                // exists on some computes only, and the alias covers them all.
                for element in elements(&node["elements"]) {
                    self.step_prop(element, name, out, any, depth + 1);
                }
            }
            Some("UnionType") => {
                for element in elements(&node["elements"]) {
                    self.step_prop(element, name, out, any, depth + 1);
                }
            }
            Some("AnyType") => *any = true,
            _ => {}
        }
    }

    fn step_elem(&self, index: usize, out: &mut BTreeSet<usize>, any: &mut bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let node = self.node(index);
        match node["$type"].as_str() {
            Some("ArrayType") => {
                if let Some(item) = reference(&node["itemType"]) {
                    out.insert(item);
                }
            }
            Some("UnionType") => {
                for element in elements(&node["elements"]) {
                    self.step_elem(element, out, any, depth + 1);
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
/// follow the spec's casing) and says whether there was one.
fn matching_props(props: &Value, name: &str, out: &mut BTreeSet<usize>) -> bool {
    let mut found = false;
    if let Value::Object(map) = props {
        for (key, prop) in map {
            if key.eq_ignore_ascii_case(name)
                && let Some(ty) = reference(&prop["type"])
            {
                out.insert(ty);
                found = true;
            }
        }
    }
    found
}

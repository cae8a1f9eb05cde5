//! Walks alias default paths through OpenAPI 2.0 (swagger) REST API specs.
//!
//! The Bicep type files are the main type source, but they have a single numeric type; the
//! swagger keeps `number` apart from `integer`, and it is the only source for resource types that
//! a Bicep file for the same api-version might lack.
//!
//! A schema is addressed as (file, JSON pointer) so that `$ref`s (`other.json#/definitions/X`)
//! resolve against the right file, and named definitions have an identity for polymorphism.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::facts::{Facts, Kind, Seg};

type Node = (usize, String);

pub struct Swagger {
    files: Vec<(PathBuf, Value)>,
    /// Lower-cased resource type → body schemas (PUT body, GET/PUT responses).
    bodies: BTreeMap<String, BTreeSet<Node>>,
    /// Resource types as spelt in the `paths`.
    pub resource_types: BTreeSet<String>,
    /// Definition → definitions that `allOf` it, transitively (for discriminated bases).
    descendants: BTreeMap<Node, BTreeSet<Node>>,
}

const MAX_DEPTH: usize = 48;

impl Swagger {
    /// Loads every `.json` under `root` (the REST spec files and the common types they refer
    /// to) and indexes the resources of `namespace`.
    pub fn load(root: &Path, namespace: &str) -> Result<Swagger, String> {
        let paths = crate::corpus::json_files(root)?;
        let mut files = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            files.push((normalize(&path), value));
        }
        let mut swagger =
            Swagger { files, bodies: BTreeMap::new(), resource_types: BTreeSet::new(), descendants: BTreeMap::new() };
        swagger.index_resources(namespace);
        swagger.index_inheritance();
        Ok(swagger)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    fn index_resources(&mut self, namespace: &str) {
        let marker = format!("/providers/{}/", namespace.to_ascii_lowercase());
        let mut found: Vec<(String, Node)> = Vec::new();
        for (file, (_, doc)) in self.files.iter().enumerate() {
            let Some(paths) = doc["paths"].as_object() else {
                continue;
            };
            for (url, ops) in paths {
                let lower = url.to_ascii_lowercase();
                let Some(at) = lower.find(&marker) else {
                    continue;
                };
                // `workspaces/{workspaceName}/computes/{computeName}` → `workspaces/computes`;
                // collection URLs (odd segment count) and actions are not resources.
                let rest = &url[at + marker.len()..];
                let segments: Vec<&str> = rest.split('/').collect();
                if !segments.len().is_multiple_of(2)
                    || !segments.iter().skip(1).step_by(2).all(|s| s.starts_with('{'))
                    || segments.iter().step_by(2).any(|s| s.starts_with('{'))
                {
                    continue;
                }
                let ty = format!("{namespace}/{}", segments.iter().step_by(2).copied().collect::<Vec<_>>().join("/"));
                let url_ptr = format!("/paths/{}", escape(url));
                for method in ["put", "get"] {
                    let Some(op) = ops.get(method) else { continue };
                    let op_ptr = format!("{url_ptr}/{method}");
                    if let Some(params) = op["parameters"].as_array() {
                        for (i, param) in params.iter().enumerate() {
                            let node = self.resolve((file, format!("{op_ptr}/parameters/{i}")));
                            let param_value = self.value(&node).unwrap_or(param);
                            if param_value["in"] == "body" {
                                found.push((ty.clone(), (node.0, format!("{}/schema", node.1))));
                            }
                        }
                    }
                    for status in ["200", "201"] {
                        if op["responses"][status]["schema"].is_object() {
                            found.push((ty.clone(), (file, format!("{op_ptr}/responses/{status}/schema"))));
                        }
                    }
                }
            }
        }
        for (ty, node) in found {
            self.bodies.entry(ty.to_ascii_lowercase()).or_default().insert(node);
            self.resource_types.insert(ty);
        }
    }

    fn index_inheritance(&mut self) {
        let mut parents: BTreeMap<Node, BTreeSet<Node>> = BTreeMap::new();
        for (file, (_, doc)) in self.files.iter().enumerate() {
            let Some(defs) = doc["definitions"].as_object() else {
                continue;
            };
            for (name, def) in defs {
                let child: Node = (file, format!("/definitions/{}", escape(name)));
                let Some(all_of) = def["allOf"].as_array() else {
                    continue;
                };
                for (i, _) in all_of.iter().enumerate() {
                    let parent = self.resolve((file, format!("{}/allOf/{i}", child.1)));
                    parents.entry(parent).or_default().insert(child.clone());
                }
            }
        }
        // Transitive closure, so a property typed as the root of a hierarchy sees every variant.
        for root in parents.keys() {
            let mut all = BTreeSet::new();
            let mut todo: Vec<Node> = parents[root].iter().cloned().collect();
            while let Some(node) = todo.pop() {
                if all.insert(node.clone())
                    && let Some(more) = parents.get(&node)
                {
                    todo.extend(more.iter().cloned());
                }
            }
            self.descendants.insert(root.clone(), all);
        }
    }

    fn value(&self, node: &Node) -> Option<&Value> {
        self.files.get(node.0)?.1.pointer(&node.1)
    }

    /// Follows `$ref`s until a schema with content.
    fn resolve(&self, mut node: Node) -> Node {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = self.value(&node).and_then(|v| v["$ref"].as_str()) else {
                return node;
            };
            let (file_part, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            let file = if file_part.is_empty() {
                Some(node.0)
            } else {
                let base = self.files[node.0].0.parent().unwrap_or(Path::new(""));
                let target = normalize(&base.join(file_part));
                self.files.iter().position(|(p, _)| *p == target)
            };
            let Some(file) = file else {
                eprintln!("warning: unresolved $ref {reference}");
                return (usize::MAX, String::new());
            };
            node = (file, pointer.to_string());
        }
        node
    }

    /// Is this schema the root (or a member) of a discriminated hierarchy, so that a property of
    /// this type may hold any variant?
    fn polymorphic(&self, node: &Node) -> bool {
        self.value(node).is_some_and(|v| v.get("discriminator").is_some())
            || self.value(node).is_some_and(|v| v.get("x-ms-discriminator-value").is_some())
    }

    /// Adds what the spec says about `path` under `resource_type` to `facts`.
    pub fn walk(&self, resource_type: &str, path: &[Seg], facts: &mut Facts) {
        let Some(bodies) = self.bodies.get(&resource_type.to_ascii_lowercase()) else {
            return;
        };
        let mut current: BTreeSet<Node> = bodies.clone();
        let mut any = false;
        for seg in path {
            let mut next = BTreeSet::new();
            for node in &current {
                match seg {
                    Seg::Prop(name) => {
                        self.step_prop(node.clone(), name, true, &mut next, &mut any, 0);
                    }
                    Seg::Elem => self.step_elem(node.clone(), &mut next, &mut any, 0),
                }
            }
            current = next;
        }
        if any {
            facts.any();
        }
        for node in current {
            self.classify(node, facts, 0);
        }
    }

    /// Returns whether a property of that name was found (so `additionalProperties` only
    /// answers for names the schema does not declare).
    fn step_prop(
        &self,
        node: Node,
        name: &str,
        expand: bool,
        out: &mut BTreeSet<Node>,
        any: &mut bool,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let node = self.resolve(node);
        let Some(v) = self.value(&node) else {
            return false;
        };
        let mut found = false;
        if let Some(props) = v["properties"].as_object() {
            for key in props.keys() {
                if key.eq_ignore_ascii_case(name) {
                    out.insert((node.0, format!("{}/properties/{}", node.1, escape(key))));
                    found = true;
                }
            }
        }
        if let Some(all_of) = v["allOf"].as_array() {
            for i in 0..all_of.len() {
                let parent = (node.0, format!("{}/allOf/{i}", node.1));
                // Not re-expanding variants from a parent: we came from one of them.
                found |= self.step_prop(parent, name, false, out, any, depth + 1);
            }
        }
        if expand
            && self.polymorphic(&node)
            && let Some(variants) = self.descendants.get(&node)
        {
            for variant in variants {
                found |= self.step_prop(variant.clone(), name, false, out, any, depth + 1);
            }
        }
        if !found {
            match &v["additionalProperties"] {
                Value::Object(_) => {
                    out.insert((node.0, format!("{}/additionalProperties", node.1)));
                }
                Value::Bool(true) => *any = true,
                _ if is_free_form(v) => *any = true,
                _ => {}
            }
        }
        found
    }

    fn step_elem(&self, node: Node, out: &mut BTreeSet<Node>, any: &mut bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let node = self.resolve(node);
        let Some(v) = self.value(&node) else { return };
        if v.get("items").is_some() {
            out.insert((node.0, format!("{}/items", node.1)));
        } else if let Some(all_of) = v["allOf"].as_array() {
            for i in 0..all_of.len() {
                self.step_elem((node.0, format!("{}/allOf/{i}", node.1)), out, any, depth + 1);
            }
        } else if is_free_form(v) {
            *any = true;
        }
    }

    fn classify(&self, node: Node, facts: &mut Facts, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let node = self.resolve(node);
        let Some(v) = self.value(&node) else { return };
        if let Some(values) = v["enum"].as_array() {
            let open = v["x-ms-enum"]["modelAsString"].as_bool().unwrap_or(false);
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            if !strings.is_empty() && matches!(v["type"].as_str(), None | Some("string")) {
                for s in strings {
                    facts.literal(s);
                }
                if open {
                    facts.plain_string();
                }
                return;
            }
        }
        match v["type"].as_str() {
            Some("string") => facts.plain_string(),
            Some("boolean") => facts.kind(Kind::Boolean),
            Some("integer") => facts.kind(Kind::Integer),
            Some("number") => facts.kind(Kind::Number),
            Some("array") => facts.kind(Kind::Array),
            // `{"type": "object"}` with no members is a free-form object: still an object.
            Some("object") => facts.kind(Kind::Object),
            Some(_) => {}
            None => {
                if v.get("properties").is_some()
                    || v.get("additionalProperties").is_some()
                    || v.get("discriminator").is_some()
                {
                    facts.kind(Kind::Object);
                } else if let Some(all_of) = v["allOf"].as_array() {
                    for i in 0..all_of.len() {
                        self.classify((node.0, format!("{}/allOf/{i}", node.1)), facts, depth + 1);
                    }
                } else {
                    facts.any();
                }
            }
        }
    }
}

/// A schema that declares nothing about its members.
fn is_free_form(v: &Value) -> bool {
    v.get("properties").is_none()
        && v.get("allOf").is_none()
        && v.get("items").is_none()
        && v.get("additionalProperties").is_none()
        && matches!(v["type"].as_str(), None | Some("object"))
}

/// JSON pointer escaping (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Lexical normalization (`a/b/../c` → `a/c`) so `$ref` targets compare equal to loaded paths
/// without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

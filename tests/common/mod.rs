//! Helpers shared by the integration tests: the reference corpus and the deployed form of a
//! definition file, computed independently of the reader under test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `../shared/data`, when it is there (it is not part of the repository).
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (the reference definitions are not part of the repository)", dir.display());
        None
    }
}

/// Every `.json` file under `dir`, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The definitions a file deploys, as Azure stores them: ARM resources unwrapped with their
/// `[[` escapes undone, `{"properties"}` wrappers as they are.
pub fn deployed_definitions(text: &str) -> Vec<Value> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("valid JSON");
    let resources = match value.get("resources").and_then(Value::as_array) {
        Some(resources) => resources.clone(),
        None => vec![value],
    };
    resources
        .into_iter()
        .map(|resource| {
            if resource.get("apiVersion").is_some() {
                let mut definition = serde_json::Map::new();
                definition.insert("name".into(), resource.get("name").cloned().unwrap_or(Value::Null));
                definition
                    .insert("properties".into(), unescape(resource.get("properties").cloned().unwrap_or(Value::Null)));
                Value::Object(definition)
            } else {
                resource
            }
        })
        .collect()
}

fn unescape(value: Value) -> Value {
    match value {
        Value::String(s) if s.starts_with("[[") && s.ends_with(']') => Value::String(s[1..].to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(unescape).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, unescape(v))).collect()),
        other => other,
    }
}

/// The folders of the round-trip corpus.
pub const CORPUS: &[&str] = &["builtin", "builtin-other", "custom"];

//! Helpers shared by the integration tests: the reference corpus and the deployed form of a
//! definition file, computed independently of the reader under test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::syntax::span::FileId;
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

/// `../shared/data/azure-policy/built-in-policies`, every definition and initiative Azure ships,
/// when it is there.
pub fn builtin_policies() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/azure-policy/built-in-policies");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (the reference definitions are not part of the repository)", dir.display());
        None
    }
}

/// A definition file's text decompiled to gavel, or why the decompiler gave no source.
pub fn decompiled_source(text: &str, stem: Option<&str>) -> Result<String, String> {
    let decompiled = gavel::decompile::decompile(&gavel::decompile::JsonInput::new(FileId(0), text), stem);
    decompiled.source.ok_or_else(|| {
        let errors: Vec<String> = decompiled.diagnostics.iter().map(|d| d.message.clone()).collect();
        format!("not decompiled: {}", errors.join("; "))
    })
}

/// Why a file does not come back the same from decompile → build.
#[derive(Debug)]
pub struct RoundTripFailure {
    pub why: String,
    /// The decompiled source, when the decompiler gave one.
    pub source: Option<String>,
}

impl std::fmt::Display for RoundTripFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)?;
        match &self.source {
            Some(source) => write!(f, "\n{source}"),
            None => Ok(()),
        }
    }
}

/// Decompiles a definition file and builds the result: the gavel source, when what it builds is
/// semantically equal to what the file deploys.
pub fn round_trip(path: &Path) -> Result<String, RoundTripFailure> {
    let text = read_text(path);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let source = decompiled_source(&text, stem.as_deref()).map_err(|why| RoundTripFailure { why, source: None })?;
    let fail = |why: String| RoundTripFailure { why, source: Some(source.clone()) };
    let compilation = gavel::project::compile_source("decompiled.gavel", &source);
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code.id(), d.message))
        .collect();
    if !errors.is_empty() {
        return Err(fail(format!("does not build: {}", errors.join("; "))));
    }
    let built: Vec<_> =
        compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect();
    let expected = deployed_definitions(&text);
    if built.len() != expected.len() {
        return Err(fail(format!("{} definitions built, {} expected", built.len(), expected.len())));
    }
    for (expected, built) in expected.iter().zip(&built) {
        compare_definitions(expected, built).map_err(|d| fail(d.to_string()))?;
    }
    Ok(source)
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

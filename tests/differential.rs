//! Differential test: for each of the 36 Machine Learning built-in definitions in
//! `../shared/data/builtin`, the original JSON and the JSON gavel builds from `stdlib/policies`
//! give the same outcome (effect, whether the `if` matches, details) on every test resource,
//! evaluated by the same engine with the same catalog. The originals are read from
//! `../shared/data`; where that folder is absent the test says so and passes without comparing.
//!
//! "Every test resource": each resource of `stdlib/testdata/resources/` and every inline resource
//! of the library's test files, under every parameter set (with the related resources) that the
//! policy's own test cases use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gavel::catalog::import::import_json;
use gavel::diag::Diagnostics;
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::compile_paths;
use gavel::syntax::span::SourceMap;
use gavel::test_runner::engine::{Engine, Request};
use gavel::test_runner::evaluate::{CompiledUnderTest, Outcome};
use gavel::test_runner::policy::from_json;
use gavel::test_runner::spec::{Case, PolicyRef, read_test_file};
use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_data() -> Option<PathBuf> {
    let dir = root().join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (the reference definitions are not part of the repository)", dir.display());
        None
    }
}

fn files_with(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The engine with the aliases the library's tests load.
fn engine() -> Engine {
    let path = root().join("stdlib/testdata/aliases/related-resources.json");
    let text = std::fs::read_to_string(&path).expect("the related-resource aliases");
    Engine::with_imports(&[import_json(&text).expect("an alias export")]).expect("the engine loads the catalogs")
}

/// Every case of the library's test files, by the gavel policy it tests.
fn library_cases() -> Vec<(String, Case)> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    let mut cases = Vec::new();
    for path in files_with(&root().join("stdlib/policies"), ".test.yaml") {
        let file = read_test_file(&path, &mut sources, &mut diagnostics).expect("library test files read");
        for case in file.cases {
            if let PolicyRef::Gavel(name) = &case.policy.value {
                cases.push((name.clone(), case));
            }
        }
    }
    assert!(!diagnostics.has_errors(), "{:?}", diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    cases
}

/// The resources every policy is evaluated on.
fn all_resources(cases: &[(String, Case)]) -> Vec<Value> {
    let mut resources: Vec<Value> =
        files_with(&root().join("stdlib/testdata/resources"), ".json").iter().map(|p| read_json(p)).collect();
    for (_, case) in cases {
        if !resources.contains(&case.resource.value) {
            resources.push(case.resource.value.clone());
        }
    }
    resources
}

/// A parameter set with its context and related resources, as one case gives them.
struct Setting {
    parameters: Map<String, Value>,
    context: Map<String, Value>,
    related: Vec<Value>,
}

fn settings_of(policy: &str, cases: &[(String, Case)]) -> Vec<Setting> {
    let mut settings: Vec<Setting> = Vec::new();
    for (_, case) in cases.iter().filter(|(name, _)| name == policy) {
        let parameters: Map<String, Value> =
            case.parameters.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
        let related: Vec<Value> = case.related.iter().map(|r| r.value.clone()).collect();
        let known =
            settings.iter().any(|s| s.parameters == parameters && s.related == related && s.context == case.context);
        if !known {
            settings.push(Setting { parameters, context: case.context.clone(), related });
        }
    }
    settings
}

/// Outcomes compare as Azure compares them: effect names and resource ids (some built-ins spell
/// role definition ids `/providers/microsoft.authorization/…`) ignoring case.
fn same(a: &Outcome, b: &Outcome) -> bool {
    let effect = match (&a.effect, &b.effect) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (a, b) => a == b,
    };
    effect && a.applicable == b.applicable && a.details.as_ref().map(ids_folded) == b.details.as_ref().map(ids_folded)
}

fn ids_folded(value: &Value) -> Value {
    match value {
        Value::String(s) if s.starts_with("/providers/") || s.starts_with("/subscriptions/") => {
            Value::String(s.to_ascii_lowercase())
        }
        Value::Array(items) => Value::Array(items.iter().map(ids_folded).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), ids_folded(v))).collect()),
        other => other.clone(),
    }
}

fn describe(outcome: &Outcome) -> String {
    format!("{} (details {})", outcome.label(), outcome.details.as_ref().map_or("none".into(), Value::to_string))
}

#[test]
fn originals_and_gavel_builds_agree_on_every_test_resource() {
    let Some(data) = shared_data() else { return };
    let compilation = compile_paths(&[root().join("stdlib/policies")]).expect("the library compiles");
    let built: Vec<(String, Value)> = compilation
        .emitted_definitions()
        .iter()
        .map(|d| (d.name().value.clone(), definition_json(d, &EmitOptions::default())))
        .collect();
    let cases = library_cases();
    let resources = all_resources(&cases);
    let engine = engine();
    let originals = files_with(&data.join("builtin"), ".json");
    assert_eq!(originals.len(), 36);
    let (mut compared, mut failures) = (0usize, Vec::new());
    for path in &originals {
        let original = read_json(path);
        let name = original.get("name").and_then(Value::as_str).unwrap_or_default();
        let version = original.pointer("/properties/version");
        let (gavel_name, definition) = built
            .iter()
            .find(|(_, d)| {
                d.get("name").and_then(Value::as_str) == Some(name) && d.pointer("/properties/version") == version
            })
            .unwrap_or_else(|| panic!("{}: no gavel policy named {name}", path.display()));
        let compile = |label: String, json: &Value| {
            let policy = Arc::new(from_json(label, json.clone()).expect("a definition"));
            CompiledUnderTest::new(&engine, policy).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let original_policy = compile(path.display().to_string(), &original);
        let gavel_policy = compile(gavel_name.clone(), definition);
        let settings = settings_of(gavel_name, &cases);
        assert!(!settings.is_empty(), "{gavel_name} has no test case");
        for setting in &settings {
            for resource in &resources {
                let request = Request {
                    resource: resource.clone(),
                    parameters: setting.parameters.clone(),
                    context: setting.context.clone(),
                    related: setting.related.clone(),
                };
                let prepared = engine.prepare(&request);
                let (a, b) = (original_policy.evaluate(&prepared), gavel_policy.evaluate(&prepared));
                compared += 1;
                match (a, b) {
                    (Ok(a), Ok(b)) if same(&a, &b) => {}
                    (a, b) => failures.push(format!(
                        "{} on {} with {:?}: original {:?}, gavel {:?}",
                        gavel_name,
                        resource.get("name").and_then(Value::as_str).unwrap_or("?"),
                        setting.parameters,
                        a.map(|o| describe(&o)),
                        b.map(|o| describe(&o)),
                    )),
                }
            }
        }
    }
    println!("compared {compared} evaluations of {} built-in definitions", originals.len());
    assert!(failures.is_empty(), "{} of {compared} differ:\n{}", failures.len(), failures.join("\n"));
}

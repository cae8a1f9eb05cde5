//! No test file and no resource makes `gavel test` or the engine bridge panic: arbitrary bytes,
//! YAML soup, alias bombs, deep nesting, arbitrary resources against every library policy. Every
//! input gets a diagnostic or an outcome.

#[path = "support/fragments.rs"]
mod fragments;
use fragments::YAML as FRAGMENTS;

use std::sync::{Arc, OnceLock};

use gavel::diag::Diagnostics;
use gavel::project::compile_paths;
use gavel::syntax::span::{SourceMap, Span};
use gavel::test_runner::engine::{Engine, Request};
use gavel::test_runner::evaluate::CompiledUnderTest;
use gavel::test_runner::explain::explain;
use gavel::test_runner::policy::PolicyUnderTest;
use gavel::test_runner::spec::read_test_file;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Reads `text` as a test file; returns whether it read and how many diagnostics it got.
fn read_bytes(text: &[u8]) -> (bool, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fuzz.test.yaml");
    std::fs::write(&path, text).expect("write");
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    let file = read_test_file(&path, &mut sources, &mut diagnostics);
    (file.is_some(), diagnostics.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (read, diagnostics) = read_bytes(&bytes);
        // A file that does not read always says why.
        prop_assert!(read || diagnostics > 0);
    }

    #[test]
    fn yaml_soup_never_panics(pieces in proptest::collection::vec(0..FRAGMENTS.len(), 0..60)) {
        let text: String = pieces.iter().map(|&i| FRAGMENTS[i]).collect();
        let (read, diagnostics) = read_bytes(text.as_bytes());
        prop_assert!(read || diagnostics > 0);
    }
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused_not_fatal() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        let star = if previous == 0 { "*a".to_string() } else { format!("*a{previous}") };
        bomb.push_str(&format!(
            "a{level}: &a{level} [{star}, {star}, {star}, {star}, {star}, {star}, {star}, {star}, {star}, {star}]\n"
        ));
    }
    bomb.push_str("cases: []\n");
    let (read, diagnostics) = read_bytes(bomb.as_bytes());
    assert!(!read && diagnostics == 1);

    let deep = format!(
        "cases:\n  - name: deep\n    resource: {}{}\n    expect: audit\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let (_, diagnostics) = read_bytes(deep.as_bytes());
    assert!(diagnostics >= 1);
}

/// The library's policies, compiled once for the property tests below.
fn library() -> &'static (Engine, Vec<Arc<CompiledUnderTest>>) {
    static LIBRARY: OnceLock<(Engine, Vec<Arc<CompiledUnderTest>>)> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("stdlib/testdata/aliases/related-resources.json")).expect("aliases");
        let catalog = gavel::catalog::import::import_json(&text).expect("an alias export");
        let engine = Engine::with_imports(&[catalog]).expect("engine");
        let compilation = compile_paths(&[root.join("stdlib/policies")]).expect("the library compiles");
        let policies = compilation
            .emitted_definitions()
            .iter()
            .map(|d| {
                let policy =
                    PolicyUnderTest::from_gavel(&compilation, &d.name().value, Span::default()).expect("policy");
                Arc::new(CompiledUnderTest::new(&engine, Arc::new(policy)).expect("compiles"))
            })
            .collect();
        (engine, policies)
    })
}

/// Resources of the right types with arbitrary content, so that the engine reads into them.
fn resource() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[a-zA-Z*\\[\\]./ ]{0,12}".prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("properties".to_string()),
                    Just("computeType".to_string()),
                    Just("privateEndpointConnections".to_string()),
                    Just("logs".to_string()),
                    Just("model".to_string()),
                    "[a-zA-Z]{1,8}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let types = prop_oneof![
        Just("Microsoft.MachineLearningServices/workspaces"),
        Just("Microsoft.MachineLearningServices/workspaces/computes"),
        Just("Microsoft.MachineLearningServices/registries"),
        Just("Microsoft.MachineLearningServices.v2.Data/workspaces/deployments"),
        Just("Microsoft.MachineLearningServices.Data/workspaces"),
        Just("Microsoft.Network/privateEndpoints"),
        Just("Microsoft.Insights/diagnosticSettings"),
    ];
    (types, value.clone(), value).prop_map(|(ty, properties, extra)| {
        json!({"type": ty, "name": "fuzz", "location": "eastus", "properties": properties, "model": extra})
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_resources_never_panic(resource in resource(), related in resource(), explained in 0..36usize) {
        let (engine, policies) = library();
        let request = Request { resource, related: vec![related], ..Request::default() };
        let prepared = engine.prepare(&request);
        for (index, policy) in policies.iter().enumerate() {
            // Parameters without defaults are left out: the engine must cope with that too.
            let outcome = policy.evaluate(&prepared);
            // Explaining compiles a definition per condition: one policy per case keeps it quick.
            if let (Ok(outcome), true) = (outcome, index == explained) {
                let _ = explain(engine, &policy.policy, &request, &outcome);
            }
        }
    }
}

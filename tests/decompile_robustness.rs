//! No input makes the JSON reader, the decompiler or the formatter panic: arbitrary bytes,
//! JSON soup, deep nesting, huge files all get a result or a diagnostic.

#[path = "support/fragments.rs"]
mod fragments;
use fragments::JSON as FRAGMENTS;

use gavel::decompile::{JsonInput, decompile, read_json_definitions};
use gavel::diag::Code;
use gavel::fmt::format_source;
use gavel::project::decode_source;
use gavel::syntax::span::FileId;
use proptest::prelude::*;

fn decompile_text(text: &str) -> gavel::decompile::Decompiled {
    decompile(&JsonInput::new(FileId(0), text), Some("fuzz"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(text) = decode_source(bytes) {
            let _ = read_json_definitions(FileId(0), &text);
            let _ = decompile_text(&text);
            let _ = format_source(FileId(0), &text);
        }
    }

    #[test]
    fn json_soup_never_panics(indices in proptest::collection::vec(0..FRAGMENTS.len(), 0..200)) {
        let text: String = indices.iter().map(|&i| FRAGMENTS[i]).collect::<Vec<_>>().join(" ");
        let _ = decompile_text(&text);
    }

    #[test]
    fn arbitrary_expressions_never_panic(inner in "\\PC{0,40}") {
        let text = format!(
            r#"{{"properties": {{"policyRule": {{"if": {{"value": "[{inner}]", "equals": "[{inner}]"}}, "then": {{"effect": "audit"}}}}}}}}"#,
            inner = inner.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let _ = decompile_text(&text);
    }
}

fn policy_with_condition(condition: &str) -> String {
    format!(
        r#"{{"properties": {{"displayName": "d", "mode": "All", "parameters": {{}}, "policyRule": {{"if": {condition}, "then": {{"effect": "audit"}}}}}}}}"#
    )
}

#[test]
fn nesting_beyond_the_limit_is_refused_with_a_diagnostic() {
    let depth = 100_000;
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let decompiled = decompile_text(&text);
    assert!(decompiled.source.is_none());
    assert!(decompiled.diagnostics.iter().any(|d| d.code == Code::JsonTooDeep));
}

#[test]
fn deep_but_accepted_conditions_decompile_and_build() {
    // `not` nests one JSON level at a time: 60 of them stay within every limit.
    let mut condition = r#"{"field": "name", "equals": "x"}"#.to_string();
    for _ in 0..60 {
        condition = format!(r#"{{"not": {condition}}}"#);
    }
    let decompiled = decompile_text(&policy_with_condition(&condition));
    let source = decompiled.source.unwrap_or_else(|| panic!("{:?}", decompiled.diagnostics));
    let compilation = gavel::project::compile_source("deep.gavel", &source);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
}

#[test]
fn the_deepest_accepted_json_does_not_exhaust_a_test_thread_stack() {
    // Objects and arrays alternate as in `allOf` chains, up to the reader's limit.
    let mut condition = r#"{"field": "name", "equals": "x"}"#.to_string();
    for _ in 0..(gavel::decompile::json::MAX_DEPTH - 6) / 2 {
        condition = format!(r#"{{"anyOf": [{condition}]}}"#);
    }
    let decompiled = decompile_text(&policy_with_condition(&condition));
    assert!(decompiled.source.is_some(), "{:?}", decompiled.diagnostics);
    let mut condition = r#"{"field": "name", "equals": "x"}"#.to_string();
    for _ in 0..gavel::decompile::json::MAX_DEPTH - 6 {
        condition = format!(r#"{{"not": {condition}}}"#);
    }
    let decompiled = decompile_text(&policy_with_condition(&condition));
    assert!(decompiled.source.is_some(), "{:?}", decompiled.diagnostics);
}

#[test]
fn deeply_nested_expressions_are_kept_verbatim() {
    let depth = 5_000;
    let expression = format!("{}1{}", "f(".repeat(depth), ")".repeat(depth));
    let condition = format!(r#"{{"value": "[{expression}]", "equals": 1}}"#);
    let decompiled = decompile_text(&policy_with_condition(&condition));
    assert!(decompiled.diagnostics.iter().any(|d| d.code == Code::UnparsedExpression));
    assert!(decompiled.source.is_some_and(|s| s.contains("json \"[f(f(")));
}

#[test]
fn huge_definitions_decompile() {
    let items: Vec<String> = (0..20_000).map(|i| format!(r#"{{"field": "name", "notEquals": "n{i}"}}"#)).collect();
    let condition = format!(r#"{{"allOf": [{}]}}"#, items.join(","));
    let started = std::time::Instant::now();
    let decompiled = decompile_text(&policy_with_condition(&condition));
    let source = decompiled.source.unwrap_or_else(|| panic!("{:?}", decompiled.diagnostics));
    assert_eq!(source.matches("name != ").count(), 20_000);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

#[test]
fn formatter_never_panics_on_token_soup() {
    let pieces = [
        "policy p {",
        "}",
        "when",
        "all {",
        "json {",
        "\"a\": [",
        "]",
        "// c\n",
        "/* c */",
        "then deny",
        ",",
        "x == 1",
    ];
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(pieces[(i * 7 + i / 3) % pieces.len()]);
        text.push(' ');
        let _ = format_source(FileId(0), &text);
    }
}

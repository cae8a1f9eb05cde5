//! Regression tests of this group; see `main.rs`.

use std::path::Path;
use std::process::Command;

use gavel::decompile::{JsonInput, decompile};
use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::project::compile_source;
use gavel::syntax::span::FileId;
use proptest::prelude::*;
use serde_json::{Value, json};

fn gavel(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gavel")).current_dir(dir).args(args).output().expect("gavel runs")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Decompiles `json` in memory and builds the source: the built definition, or why there is none.
fn decompile_and_build(json: &Value) -> Result<(String, Value), String> {
    let text = serde_json::to_string_pretty(json).map_err(|e| e.to_string())?;
    let decompiled = decompile(&JsonInput::new(FileId(0), &text), Some("generated"));
    let Some(source) = decompiled.source else {
        return Err(format!("not decompiled: {:?}", decompiled.diagnostics));
    };
    let compilation = compile_source("generated.gavel", &source);
    // Arbitrary text need not be valid Azure Policy (an alias the catalog does not know);
    // what the decompiler wrote must read back: no syntax or lowering errors.
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && (d.code.id().starts_with("GV00") || d.code.id().starts_with("GV01")))
        .map(|d| format!("{}: {}", d.code.id(), d.message))
        .collect();
    if !errors.is_empty() {
        return Err(format!("{errors:?}\n{source}"));
    }
    let Some(definition) = compilation.emitted_definitions().first().copied() else {
        return Err(format!("nothing built\n{source}"));
    };
    Ok((source, definition_json(definition, &EmitOptions::default())))
}

#[test]
fn a_dollar_in_a_field_name_survives_decompile_and_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = json!({
        "properties": {
            "mode": "All",
            "parameters": { "b": { "type": "String" } },
            "policyRule": {
                "if": { "allOf": [
                    { "field": "Contoso.Widgets/gadgets/a$b", "equals": "[parameters('b')]" },
                    { "field": "Contoso.Widgets/gadgets/x", "equals": "c$b" }
                ] },
                "then": { "effect": "deny" }
            }
        }
    });
    std::fs::write(dir.path().join("dollar.json"), definition.to_string()).expect("write");
    let decompiled = gavel(dir.path(), &["decompile", "dollar.json"]);
    assert!(decompiled.status.success(), "{}", stderr(&decompiled));
    let source = stdout(&decompiled);
    assert!(source.contains(r#"field("Contoso.Widgets/gadgets/a\$b")"#), "{source}");
    std::fs::write(dir.path().join("dollar.gavel"), &source).expect("write");
    let built = gavel(dir.path(), &["build", "dollar.gavel", "-o", "out"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let output = std::fs::read_to_string(dir.path().join("out/dollar.json")).expect("built definition");
    let output: Value = serde_json::from_str(&output).expect("JSON");
    let conditions = &output["properties"]["policyRule"]["if"]["allOf"];
    assert_eq!(conditions[0]["field"], "Contoso.Widgets/gadgets/a$b", "{output:#}");
    assert_eq!(conditions[1]["equals"], "c$b", "{output:#}");
}

// ------------------------------------------------------------ every printed string reads back

/// Pieces that mean something to gavel's lexer, its string escapes, interpolation, ARM
/// expressions or JSON.
const AWKWARD: &[&str] = &[
    "$", "$$", "${", "${x}", "$b", "$_", "\\", "\\$", "\\n", "\"", "'", "''", "[", "]", "]]", "[[", "[x]", "{", "}",
    "(", ")", "/", "//", "/*", "*/", "*", "\n", "\r", "\t", "\u{0}", "\u{1b}", "\u{7f}", "\u{85}", "\u{2028}",
    "\u{feff}", "é", "🚀", " ", "  ", "a", "B", "Z9", "-", ".", ":", ",", "#", "policy", "true", "null", "json",
];

/// Arbitrary text: awkward pieces and arbitrary characters in any order.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => (0..AWKWARD.len()).prop_map(|i| AWKWARD[i].to_string()),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..7).prop_map(|pieces| pieces.concat())
}

/// Text that is not an ARM expression (`[…]`): where the JSON itself would read one.
fn literal_text() -> impl Strategy<Value = String> {
    text().prop_map(|t| if t.starts_with('[') && t.ends_with(']') { format!("x{t}") } else { t })
}

/// A field name: arbitrary text, or arbitrary text in a tag's name (`tags['…']`, `tags.…`)
/// or an alias the catalog knows (which the decompiler writes as a path).
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        text().prop_map(|t| format!("tags['{}']", t.replace('\'', "''"))),
        text().prop_map(|t| format!("tags.{t}")),
        text().prop_map(|t| format!("tags[{t}]")),
        Just("Microsoft.MachineLearningServices/workspaces/computes/computeType".to_string()),
        Just("tags".to_string()),
    ]
}

/// An array field to count: arbitrary text or one the catalog knows.
fn array_field() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|t| format!("{t}[*]")),
        Just("Microsoft.MachineLearningServices/workspaces/privateEndpointConnections[*]".to_string()),
    ]
}

/// A definition with arbitrary text in every place the decompiler prints a string.
fn definition() -> impl Strategy<Value = Value> {
    let header = (text(), text(), text(), literal_text(), text(), text());
    let parameter = (text(), text(), text(), text(), text());
    let rule = (field_name(), literal_text(), text(), literal_text(), literal_text(), array_field(), literal_text());
    let effect = (0..3usize, field_name(), literal_text(), text(), literal_text(), text());
    (header, parameter, rule, effect).prop_map(|(header, parameter, rule, effect)| {
        let (name, display, description, category, metadata_key, metadata_value) = header;
        let (param_name, default, allowed, param_display, param_description) = parameter;
        let (field, value, object_key, object_value, array_member, count_field, like) = rule;
        let (effect_kind, detail_field, detail_value, detail_type, detail_name, value_expression) = effect;
        let then = match effect_kind {
            0 => json!({ "effect": "modify", "details": {
                "roleDefinitionIds": ["/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"],
                "operations": [{ "operation": "addOrReplace", "field": detail_field, "value": detail_value }]
            } }),
            1 => json!({ "effect": "append", "details": [{ "field": detail_field, "value": detail_value }] }),
            _ => json!({ "effect": "auditIfNotExists", "details": {
                "type": detail_type,
                "name": detail_name,
                "existenceCondition": { "field": detail_field, "equals": detail_value }
            } }),
        };
        let mut parameters = serde_json::Map::new();
        parameters.insert(
            param_name,
            json!({
                "type": "String",
                "defaultValue": default,
                "allowedValues": [default, allowed],
                "metadata": { "displayName": param_display, "description": param_description }
            }),
        );
        let mut metadata = serde_json::Map::new();
        metadata.insert("category".into(), Value::String(category));
        metadata.insert(metadata_key, Value::String(metadata_value));
        let mut object = serde_json::Map::new();
        object.insert(object_key, Value::String(object_value));
        json!({
            // Azure names a definition; without a name the decompiler takes the file's.
            "name": format!("n{name}"),
            "properties": {
                "displayName": display,
                "description": description,
                "mode": "All",
                "metadata": metadata,
                "parameters": parameters,
                "policyRule": {
                    "if": { "allOf": [
                        { "field": field, "equals": value },
                        { "field": "tags", "equals": object },
                        { "field": "location", "in": [array_member, "x"] },
                        { "value": value_expression, "notEquals": "x" },
                        { "count": { "field": count_field, "where": { "field": format!("{count_field}.v"), "like": like } }, "greater": 0 }
                    ] },
                    "then": then
                }
            }
        })
    })
}

#[test]
fn every_string_the_decompiler_prints_reads_back_the_same() {
    let config = ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&definition(), |json| {
        let (source, built) = decompile_and_build(&json).map_err(TestCaseError::fail)?;
        compare_definitions(&json, &built)
            .map_err(|difference| TestCaseError::fail(format!("{difference}\n{source}\n{json:#}\n{built:#}")))
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

// ------------------------------------------------------------ names of decompiled definitions

#[test]
fn four_thousand_definitions_with_one_display_name_get_distinct_names() {
    const COUNT: usize = 4000;
    let definition = json!({ "properties": {
        "displayName": "Same name",
        "mode": "All",
        "policyRule": { "if": { "field": "location", "equals": "x" }, "then": { "effect": "audit" } }
    } });
    let text = Value::Array(vec![definition; COUNT]).to_string();
    let (definitions, diagnostics) = gavel::decompile::read_json_definitions(FileId(0), &text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let names = gavel::decompile::raise::names::assign(&definitions, Some("file"));
    let expected: Vec<String> =
        std::iter::once("same_name".to_string()).chain((2..=COUNT).map(|i| format!("same_name_{i}"))).collect();
    assert_eq!(names, expected);
}

// ------------------------------------------------------------ keys given twice

#[test]
fn an_object_of_a_hundred_thousand_keys_reports_exactly_its_duplicates() {
    const COUNT: usize = 100_000;
    let mut metadata = String::from("{");
    for i in 0..COUNT {
        metadata.push_str(&format!("\"key{i}\": {i}, "));
    }
    // Keys are read ignoring case, as Azure reads them: these two are given twice.
    metadata.push_str("\"KEY7\": 0, \"Key99999\": 0, \"key100000\": 0}");
    let text = format!(
        r#"{{"properties": {{"mode": "All", "metadata": {metadata},
            "policyRule": {{"if": {{"field": "location", "equals": "x"}}, "then": {{"effect": "audit"}}}}}}}}"#
    );
    let (definitions, diagnostics) = gavel::decompile::read_json_definitions(FileId(0), &text);
    assert_eq!(definitions.len(), 1);
    let duplicates: Vec<(&str, &str)> = diagnostics.iter().map(|d| (d.code.id(), d.message.as_str())).collect();
    assert_eq!(
        duplicates,
        [
            ("GV0507", "$.properties.metadata: `KEY7` is given twice"),
            ("GV0507", "$.properties.metadata: `Key99999` is given twice")
        ]
    );
    assert_eq!(definitions[0].header().metadata.len(), COUNT + 1);
}

#[test]
fn a_policy_of_fifty_thousand_parameters_reports_exactly_its_duplicates() {
    const COUNT: usize = 50_000;
    let mut source = String::from("policy many {\n    mode all\n");
    for i in 0..COUNT {
        source.push_str(&format!("    param p{i}: string\n"));
    }
    // Parameter names are case-insensitive; properties are not.
    source.push_str("    param P7: string\n    mode all\n    version \"1.0.0\"\n    version \"1.0.1\"\n");
    source.push_str("    when location == \"x\"\n    then audit\n}\n");
    let compilation = compile_source("many.gavel", &source);
    let duplicates: Vec<(&str, &str)> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code.id() == "GV0101" || d.code.id() == "GV0106")
        .map(|d| (d.code.id(), d.message.as_str()))
        .collect();
    assert_eq!(
        duplicates,
        [
            ("GV0106", "parameter `P7` is declared twice"),
            ("GV0101", "`mode` is given twice"),
            ("GV0101", "`version` is given twice")
        ]
    );
}

// ------------------------------------------------------------ numbers

/// The code, message and text of each diagnostic.
fn located(text: &str, diagnostics: &[gavel::diag::Diagnostic]) -> Vec<(String, String, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let at = text.get(d.span.range()).unwrap_or_default().to_string();
            (d.code.id().to_string(), d.message.clone(), at)
        })
        .collect()
}

#[test]
fn json_numbers_that_would_change_value_are_diagnosed_where_they_stand() {
    let text = r#"{"properties": {"mode": "All", "metadata": {"tiny": 1e-400},
        "policyRule": {"if": {"field": "location", "greater": 18446744073709551616}, "then": {"effect": "audit"}}}}"#;
    let (_, diagnostics) = gavel::decompile::read_json_definitions(FileId(0), text);
    assert_eq!(
        located(text, &diagnostics),
        [
            (
                "GV0508".to_string(),
                "$.properties.metadata.tiny: `1e-400` is too small for a 64-bit float: it would be read as 0".to_string(),
                "1e-400".to_string()
            ),
            (
                "GV0508".to_string(),
                "$.properties.policyRule.if.greater: `18446744073709551616` does not fit in a 64-bit integer: it would be rounded to 1.8446744073709552e+19".to_string(),
                "18446744073709551616".to_string()
            ),
        ]
    );
    assert!(diagnostics.iter().all(|d| d.is_error() && d.help.is_some()), "{diagnostics:?}");
    let decompiled = decompile(&JsonInput::new(FileId(0), text), Some("numbers"));
    assert!(decompiled.source.is_none(), "{:?}", decompiled.source);
}

#[test]
fn numbers_that_64_bits_hold_come_back_exactly() {
    let json = json!({ "name": "numbers", "properties": {
        "mode": "All",
        "metadata": { "max": u64::MAX, "min": i64::MIN, "small": 5e-324, "large": 1.7976931348623157e308 },
        "policyRule": { "if": { "field": "location", "greater": u64::MAX }, "then": { "effect": "audit" } }
    } });
    let (source, built) = decompile_and_build(&json).expect("decompiles and builds");
    assert_eq!(built["properties"]["metadata"], json["properties"]["metadata"], "{source}");
    assert_eq!(built["properties"]["policyRule"], json["properties"]["policyRule"], "{source}");
}

#[test]
fn minus_zero_is_an_integer_default() {
    let source =
        "policy p {\n    mode all\n    param size: integer = -0\n    when location == \"x\"\n    then audit\n}\n";
    let compilation = compile_source("p.gavel", source);
    let errors: Vec<_> = compilation.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let built = definition_json(compilation.emitted_definitions()[0], &EmitOptions::default());
    assert_eq!(built["properties"]["parameters"]["size"]["defaultValue"], json!(0));
}

#[test]
fn numbers_out_of_range_in_a_source_are_diagnosed_where_they_stand() {
    let source = "policy p {\n    mode all\n    when all {\n        location == 1e-400\n        location == 18446744073709551616\n        location == -9223372036854775809\n        location == 1e400\n    }\n    then audit\n}\n";
    let compilation = compile_source("p.gavel", source);
    let diagnostics: Vec<_> = located(source, &compilation.diagnostics.0)
        .into_iter()
        .filter(|(code, ..)| code == "GV0008")
        .map(|(_, message, at)| (message, at))
        .collect();
    assert_eq!(
        diagnostics,
        [
            ("`1e-400` is too small for a 64-bit float: it would be read as 0".to_string(), "1e-400".to_string()),
            (
                "`18446744073709551616` does not fit in a 64-bit integer: it would be rounded to 1.8446744073709552e+19"
                    .to_string(),
                "18446744073709551616".to_string()
            ),
            (
                "`-9223372036854775809` does not fit in a 64-bit integer: it would be rounded to -9.223372036854776e+18"
                    .to_string(),
                "-9223372036854775809".to_string()
            ),
            ("`1e400` is too large for a 64-bit float".to_string(), "1e400".to_string()),
        ]
    );
}

// ------------------------------------------------------------ fmt on files with errors

#[test]
fn fmt_formats_a_file_with_a_lowering_error_without_calling_it_a_bug() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = "policy p { mode all\n  when location == json { \"a\": 1e999, \"b\": [1,2] }\n  then audit }\n";
    std::fs::write(dir.path().join("p.gavel"), source).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(dir.path())
        .args(["fmt", "--stdin"])
        .stdin(std::fs::File::open(dir.path().join("p.gavel")).expect("open"))
        .output()
        .expect("gavel runs");
    assert!(!stderr(&output).contains("bug"), "{}", stderr(&output));
    assert!(output.status.success(), "{}", stderr(&output));
    // Laid out; the number it cannot hold is kept as written, the rest of the JSON with it.
    assert_eq!(
        stdout(&output),
        "policy p {\n    mode all\n    when location == json { \"a\": 1e999, \"b\": [1,2] }\n    then audit\n}\n"
    );
    let checked = gavel(dir.path(), &["check", "p.gavel"]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr(&checked).contains("GV0008"), "{}", stderr(&checked));
}

#[test]
fn fmt_keeps_numbers_in_raw_json_as_written() {
    let source = "policy p {\n    mode all\n    when location == json { \"a\": 1e-400 }\n    then audit\n}\n";
    let formatted = gavel::fmt::format_source(FileId(0), source);
    assert!(matches!(&formatted, Ok(text) if text == source), "{formatted:?}");
}

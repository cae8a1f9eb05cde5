//! Property tests: for generated JSON policies, `build(decompile(j)) ≡ j`; for gavel sources
//! with whitespace and comments shuffled, `fmt(fmt(x)) == fmt(x)` and `build(fmt(x)) == build(x)`.

use gavel::decompile::{JsonInput, decompile};
use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::fmt::format_source;
use gavel::project::compile_source;
use gavel::syntax::span::FileId;
use logos::Logos;
use proptest::prelude::*;
use serde_json::{Value, json};

const PARAMS: &[&str] = &["p1", "p2", "allowed-list", "Has Space"];

const ALIASES: &[&str] = &[
    "name",
    "location",
    "tags",
    "tags['env']",
    "identity.type",
    "Microsoft.MachineLearningServices/workspaces/computes/computeType",
    "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth",
    "Microsoft.MachineLearningServices/workspaces/publicNetworkAccess",
    "microsoft.machinelearningservices/workspaces/managedNetwork.isolationMode",
    "Microsoft.KeyVault/vaults/networkAcls.defaultAction",
    "Microsoft.Web/sites/config/web.cors.allowedOrigins[*]",
    "Microsoft.X/y/odd name",
];

const ARRAYS: &[&str] = &[
    "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections[*]",
    "Microsoft.KeyVault/vaults/networkAcls.ipRules[*]",
    "tags[*]",
];

const TYPES: &[&str] = &[
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.MachineLearningServices/workspaces/computes",
    "microsoft.machinelearningservices/registries",
    "Microsoft.KeyVault/vaults",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("a $b ${c} \\ \"q\"".to_string()),
        Just("[kept]".to_string()),
        Just("[[double]".to_string()),
        Just("[Preview]: starts with a bracket".to_string()),
        Just("two  spaces\nand a line".to_string()),
        "[a-zA-Z0-9 ._/-]{0,12}",
        "\\PC{0,8}",
    ]
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// ARM expressions (without the brackets).
fn arm() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0..PARAMS.len()).prop_map(|i| format!("parameters({})", quoted(PARAMS[i]))),
        (0..ALIASES.len()).prop_map(|i| format!("field({})", quoted(ALIASES[i]))),
        text().prop_map(|t| quoted(&t)),
        (-5i64..100).prop_map(|n| n.to_string()),
        Just("resourceGroup().location".to_string()),
        Just("requestContext().apiVersion".to_string()),
        Just("utcNow()".to_string()),
        Just("true()".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|a| format!("concat({})", a.join(", "))),
            inner.clone().prop_map(|a| format!("toLower({a})")),
            inner.clone().prop_map(|a| format!("length({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("equals({a}, {b})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("if({a}, {b}, {c})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("and({a}, {b})")),
        ]
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        arm().prop_map(|e| Value::String(format!("[{e}]"))),
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(|n| json!(n)),
        Just(json!(1.5)),
        Just(Value::Null),
        prop::collection::vec(text().prop_map(Value::String), 0..3).prop_map(Value::Array),
        (text(), text()).prop_map(|(a, b)| json!({ "key": a, "other key": b })),
    ]
}

const OPERATORS: &[&str] = &[
    "equals",
    "notEquals",
    "like",
    "notLike",
    "match",
    "notMatch",
    "matchInsensitively",
    "notMatchInsensitively",
    "contains",
    "notContains",
    "in",
    "notIn",
    "containsKey",
    "notContainsKey",
    "less",
    "lessOrEquals",
    "greater",
    "greaterOrEquals",
    "notin",
];

fn leaf_condition() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0..ALIASES.len(), 0..OPERATORS.len(), value())
            .prop_map(|(a, o, v)| json!({ "field": ALIASES[a], OPERATORS[o]: v })),
        (0..ALIASES.len(), any::<bool>()).prop_map(|(a, b)| json!({ "field": ALIASES[a], "exists": b })),
        (0..ALIASES.len()).prop_map(|a| json!({ "field": ALIASES[a], "exists": "false" })),
        (arm(), 0..OPERATORS.len(), value())
            .prop_map(|(e, o, v)| json!({ "value": format!("[{e}]"), OPERATORS[o]: v })),
        (0..TYPES.len()).prop_map(|t| json!({ "field": "type", "equals": TYPES[t] })),
        (0..ALIASES.len(), value()).prop_map(|(a, v)| json!({ "field": ALIASES[a], "futureOperator": v })),
        Just(json!({ "field": "[concat('tags[', parameters('p1'), ']')]", "exists": true })),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    leaf_condition().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| json!({ "allOf": items })),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|items| json!({ "anyOf": items })),
            (0..TYPES.len(), prop::collection::vec(inner.clone(), 0..3)).prop_map(|(t, mut items)| {
                items.insert(0, json!({ "field": "type", "equals": TYPES[t] }));
                json!({ "allOf": items })
            }),
            inner.clone().prop_map(|c| json!({ "not": c })),
            (0..ARRAYS.len(), inner.clone(), 0usize..3).prop_map(|(a, c, n)| {
                let member = format!("{}.status", ARRAYS[a]);
                let wherein = json!({ "allOf": [c, { "field": member, "equals": "[current('x')]" }] });
                json!({ "count": { "field": ARRAYS[a], "where": wherein }, ["greater", "equals", "less"][n]: 0 })
            }),
            (0..ARRAYS.len(), inner.clone()).prop_map(|(a, c)| {
                json!({ "count": { "field": ARRAYS[a], "where": { "not": c } }, "equals": 0 })
            }),
            inner.prop_map(|c| json!({
                "count": { "value": "[parameters('p2')]", "name": "item", "where": { "allOf": [c, { "value": "[current('item')]", "like": "a*" }] } },
                "greaterOrEquals": 1
            })),
        ]
    })
}

fn effect() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({ "effect": "Audit" })),
        Just(json!({ "effect": "deny" })),
        (0..ALIASES.len(), value(), arm()).prop_map(|(a, v, c)| json!({
            "effect": "modify",
            "details": {
                "roleDefinitionIds": ["/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", "/subscriptions/x/roles/y"],
                "conflictEffect": "audit",
                "operations": [
                    { "operation": "addOrReplace", "field": ALIASES[a], "value": v, "condition": format!("[{c}]") },
                    { "operation": "remove", "field": "tags['old']" }
                ]
            }
        })),
        (text(), value()).prop_map(|(t, v)| json!({ "effect": "append", "details": [{ "field": "tags['a']", "value": t }, { "field": "Microsoft.X/y/z", "value": v }] })),
        (condition(), value()).prop_map(|(c, v)| json!({
            "effect": "[parameters('effect')]",
            "details": {
                "type": "Microsoft.Insights/diagnosticSettings",
                "name": "[parameters('p1')]",
                "existenceCondition": c,
                "roleDefinitionIds": ["/providers/microsoft.authorization/roleDefinitions/749f88d5-cbae-40b8-bcfc-e573ddc772fa"],
                "deployment": { "properties": { "mode": "incremental", "template": { "$schema": "x", "v": v } } },
                "evaluationDelay": "AfterProvisioning"
            }
        })),
        value().prop_map(|v| json!({ "effect": "enforceSetting", "details": { "setting": { "name": "x", "value": { "list": v } } } })),
        Just(json!({ "effect": "denyAction", "details": { "actionNames": ["delete"], "cascadeBehaviors": { "resourceGroup": "deny" } } })),
    ]
}

fn parameters() -> impl Strategy<Value = Value> {
    (text(), text(), prop::collection::vec(text(), 0..3)).prop_map(|(display, description, allowed)| {
        let mut params = serde_json::Map::new();
        params.insert(
            "effect".into(),
            json!({ "type": "String", "defaultValue": "DeployIfNotExists", "allowedValues": ["DeployIfNotExists", "AuditIfNotExists", "Disabled"], "metadata": { "displayName": display, "description": description } }),
        );
        params.insert("p1".into(), json!({ "type": "String", "defaultValue": description, "allowedValues": allowed }));
        params.insert("p2".into(), json!({ "type": "Array", "metadata": { "strongType": "location", "assignPermissions": true, "portalReview": "true" } }));
        params.insert("allowed-list".into(), json!({ "type": "array", "defaultValue": [] }));
        params.insert("Has Space".into(), json!({ "type": "Object", "schema": { "type": "object" }, "metadata": {} }));
        Value::Object(params)
    })
}

fn policy() -> impl Strategy<Value = Value> {
    (text(), text(), 0usize..4, condition(), effect(), parameters(), any::<bool>()).prop_map(
        |(display, description, mode, condition, then, params, versioned)| {
            // Modify and append work in Resource Manager modes only (the checker says so).
            let rm_only = matches!(then["effect"].as_str(), Some("modify" | "append"));
            let mode = ["All", "indexed", "Microsoft.MachineLearningServices.v2.Data", "Microsoft.New.Data"]
                [if rm_only { mode % 2 } else { mode }];
            let mut properties = json!({
                "displayName": display,
                "description": description,
                "mode": mode,
                "metadata": { "category": "Machine Learning", "preview": true, "custom": [1, { "a": null }] },
                "parameters": params,
                "policyRule": { "if": condition, "then": then }
            });
            if versioned {
                properties["version"] = json!("1.2.3");
                properties["metadata"]["version"] = json!("1.2.3-preview");
            }
            json!({ "name": "generated", "properties": properties })
        },
    )
}

/// Decompiles and builds `json`; the built definition must equal it.
fn round_trip(json: &Value) -> Result<String, TestCaseError> {
    let text = serde_json::to_string_pretty(json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decompiled = decompile(&JsonInput::new(FileId(0), &text), Some("generated"));
    let Some(source) = decompiled.source else {
        return Err(TestCaseError::fail(format!("not decompiled: {:?}\n{text}", decompiled.diagnostics)));
    };
    let compilation = compile_source("generated.gavel", &source);
    // Generated policies need not be valid Azure Policy (the checker may reject a default
    // outside its allowed values); the decompiled source must parse and lower cleanly.
    let errors: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && (d.code.id().starts_with("GV00") || d.code.id().starts_with("GV01")))
        .map(|d| d.message.clone())
        .collect();
    prop_assert!(errors.is_empty(), "{errors:?}\n{source}\n{text}");
    let built = definition_json(compilation.emitted_definitions()[0], &EmitOptions::default());
    if let Err(difference) = compare_definitions(json, &built) {
        return Err(TestCaseError::fail(format!("{difference}\n{source}\n{text}")));
    }
    Ok(source)
}

/// `source` with its whitespace replaced at random and comments inserted, keeping doc comments
/// attached to what they document.
fn shuffle(source: &str, choices: &[u8]) -> String {
    const GAPS: &[&str] = &[" ", "\n", "\n\n\n", "  \t", " // note\n", " /* note */ ", "\n    "];
    let mut out = String::new();
    let mut lexer = gavel::syntax::token::Token::lexer(source);
    let mut i = 0;
    let mut after_comment = false;
    while let Some(token) = lexer.next() {
        let doc = matches!(token, Ok(gavel::syntax::token::Token::DocComment(_)));
        let line = matches!(token, Ok(gavel::syntax::token::Token::Comment(_)));
        if !out.is_empty() {
            let choice = choices.get(i).copied().unwrap_or(0) as usize % GAPS.len();
            i += 1;
            out.push_str(if after_comment || doc { "\n" } else { GAPS[choice] });
        }
        out.push_str(lexer.slice());
        after_comment = doc || line;
    }
    out.push('\n');
    out
}

fn build(source: &str) -> Vec<Value> {
    let compilation = compile_source("shuffled.gavel", source);
    compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect()
}

/// Runs a property on a thread with room: proptest's generators for nested JSON take deep,
/// wide stack frames in debug builds (its own, not gavel's).
fn check<S: Strategy + 'static>(strategy: fn() -> S, test: fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let worker = std::thread::Builder::new().stack_size(64 * 1024 * 1024).spawn(move || {
        let strategy = strategy();
        let mut runner =
            proptest::test_runner::TestRunner::new(ProptestConfig { cases: 256, ..ProptestConfig::default() });
        runner.run(&strategy, test).map_err(|e| e.to_string())
    });
    match worker.map(|w| w.join()) {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(failure))) => panic!("{failure}"),
        _ => panic!("the property test thread failed"),
    }
}

#[test]
fn build_of_decompile_gives_the_json_back() {
    check(policy, |json| round_trip(&json).map(|_| ()));
}

#[test]
fn formatting_is_idempotent_and_keeps_meaning() {
    check(
        || (policy(), prop::collection::vec(any::<u8>(), 0..2000)),
        |(json, choices)| {
            let source = round_trip(&json)?;
            let shuffled = shuffle(&source, &choices);
            let formatted = format_source(FileId(0), &shuffled).map_err(|e| {
                let _ = std::fs::write(std::env::temp_dir().join("gavel-fmt-failure.gavel"), &shuffled);
                TestCaseError::fail(format!("{e:?}\n{shuffled}"))
            })?;
            let again = format_source(FileId(0), &formatted).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(&again, &formatted);
            prop_assert_eq!(build(&formatted), build(&shuffled));
            prop_assert_eq!(build(&shuffled), build(&source));
            Ok(())
        },
    );
}

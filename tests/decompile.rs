//! The decompiler over the reference corpus: reading, round trips and snapshots.

mod common;

use common::{CORPUS, deployed_definitions, json_files, read_text, round_trip, shared_data};
use gavel::decompile::read_json_definitions;
use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::syntax::span::FileId;

/// Reading a definition and emitting the AST gives the definition back: the reader loses
/// nothing, whatever the printer later does with it.
#[test]
fn reader_loses_nothing() {
    let Some(data) = shared_data() else { return };
    let mut failures = Vec::new();
    let mut total = 0;
    for folder in CORPUS {
        for path in json_files(&data.join(folder)) {
            total += 1;
            let text = read_text(&path);
            let (definitions, diagnostics) = read_json_definitions(FileId(0), &text);
            if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
                failures.push(format!("{}: {}", path.display(), error.message));
                continue;
            }
            let expected = deployed_definitions(&text);
            if expected.len() != definitions.len() {
                failures.push(format!(
                    "{}: {} definitions read, {} expected",
                    path.display(),
                    definitions.len(),
                    expected.len()
                ));
                continue;
            }
            for (definition, expected) in definitions.iter().zip(&expected) {
                let emitted = definition_json(definition, &EmitOptions::default());
                if let Err(difference) = compare_definitions(expected, &emitted) {
                    failures.push(format!("{}: {difference}", path.display()));
                }
            }
        }
    }
    println!("read {total} files");
    assert!(failures.is_empty(), "{} of {total} differ:\n{}", failures.len(), failures.join("\n"));
}

/// Issue 5's bar: every JSON file of the corpus decompiles, builds, and gives back a
/// semantically equal definition.
#[test]
fn decompile_then_build_gives_every_definition_back() {
    let Some(data) = shared_data() else { return };
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for folder in CORPUS {
        let files = json_files(&data.join(folder));
        let mut passed = 0;
        for path in &files {
            match round_trip(path) {
                Ok(_) => passed += 1,
                Err(why) => failures.push(format!("{}: {why}", path.display())),
            }
        }
        summary.push(format!("{folder}: {passed}/{}", files.len()));
    }
    println!("round trip: {}", summary.join(", "));
    assert!(failures.is_empty(), "{} failed ({}):\n{}", failures.len(), summary.join(", "), failures.join("\n\n"));
}

/// What gavel users see for each ML built-in: the decompiled source, which should read like
/// the hand-written `stdlib/policies`.
#[test]
fn ml_builtins_decompile_to_idiomatic_gavel() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("builtin");
    for path in json_files(&dir) {
        let name = path.strip_prefix(&dir).map(|p| p.to_string_lossy().replace('/', "__")).unwrap_or_default();
        let source = round_trip(&path).unwrap_or_else(|why| panic!("{}: {why}", path.display()));
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("builtin", source);
        });
    }
}

/// Decompiled output is byte-identical across runs and already formatted: `gavel fmt` leaves
/// it as it is.
#[test]
fn decompiled_output_is_formatted() {
    let Some(data) = shared_data() else { return };
    for folder in CORPUS {
        for path in json_files(&data.join(folder)) {
            let source = round_trip(&path).unwrap_or_else(|why| panic!("{}: {why}", path.display()));
            let again = round_trip(&path).unwrap_or_default();
            assert_eq!(again, source, "{}: two runs differ", path.display());
            let formatted =
                gavel::fmt::format_source(FileId(0), &source).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            assert_eq!(formatted, source, "{}: gavel fmt changes the decompiled output", path.display());
        }
    }
}

/// The Enterprise-Scale sources are ARM resources with `[[` escapes; the ALZ library holds the
/// same definitions as deployed. Decompiling and building the former gives the latter.
#[test]
fn arm_wrapped_sources_build_to_the_deployed_library() {
    let Some(data) = shared_data() else { return };
    let library = json_files(&data.join("custom/alz-library"));
    let mut compared = 0;
    for path in json_files(&data.join("custom/alz-src")) {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(deployed) = library.iter().find(|p| p.to_string_lossy().contains(&format!("/{stem}.alz_"))) else {
            continue;
        };
        let source = round_trip(&path).unwrap_or_else(|why| panic!("{}: {why}", path.display()));
        let compilation = gavel::project::compile_source("alz.gavel", &source);
        let mut built = definition_json(compilation.emitted_definitions()[0], &EmitOptions::default());
        // The library leaves out properties the sources set to null (`policyDefinitionGroups`).
        if let Some(properties) = built.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
            properties.retain(|_, v| !v.is_null());
        }
        let expected: serde_json::Value = serde_json::from_str(&read_text(deployed)).expect("valid JSON");
        if let Err(difference) = compare_definitions(&expected, &built) {
            panic!("{}: {difference}", path.display());
        }
        compared += 1;
    }
    assert_eq!(compared, 10);
}

/// Decompiles a JSON text given inline, building the result and comparing it with `expected`.
fn decompile_inline(json: &str, expected: &serde_json::Value) -> String {
    let decompiled = gavel::decompile::decompile(&gavel::decompile::JsonInput::new(FileId(0), json), Some("inline"));
    let source = decompiled.source.unwrap_or_else(|| panic!("not decompiled: {:?}", decompiled.diagnostics));
    let compilation = gavel::project::compile_source("inline.gavel", &source);
    assert!(!compilation.has_errors(), "{source}\n{:?}", compilation.diagnostics);
    let built = definition_json(compilation.emitted_definitions()[0], &EmitOptions::default());
    if let Err(difference) = compare_definitions(expected, &built) {
        panic!("{difference}\n{source}");
    }
    source
}

const RULE: &str = r#"{"if": {"field": "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth", "notEquals": true}, "then": {"effect": "[parameters('effect')]"}}"#;
const PARAMS: &str =
    r#"{"effect": {"type": "String", "defaultValue": "Audit", "allowedValues": ["Audit", "Disabled"]}}"#;

#[test]
fn reads_every_envelope() {
    let properties = format!(r#"{{"displayName": "D", "mode": "All", "parameters": {PARAMS}, "policyRule": {RULE}}}"#);
    let expected: serde_json::Value = serde_json::from_str(&properties).expect("valid JSON");
    let expected = serde_json::json!({ "properties": expected });
    // Raw, wrapped, with a byte-order mark, as az CLI `show` output, as an ARM resource and template.
    decompile_inline(&properties, &expected);
    decompile_inline(&format!(r#"{{"properties": {properties}}}"#), &expected);
    decompile_inline(&format!("\u{feff}{{\"properties\": {properties}}}"), &expected);
    let escaped = properties.replace("\"[parameters", "\"[[parameters");
    let resource = format!(
        r#"{{"type": "Microsoft.Authorization/policyDefinitions", "apiVersion": "2021-06-01", "name": "n", "properties": {escaped}}}"#
    );
    let named = serde_json::json!({ "name": "n", "properties": expected["properties"] });
    decompile_inline(&resource, &named);
    let template = format!(r#"{{"$schema": "x", "contentVersion": "1.0.0.0", "resources": [{resource}]}}"#);
    decompile_inline(&template, &named);
}

#[test]
fn reads_az_cli_pairs() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("p.rules.json"), RULE).expect("written");
    std::fs::write(dir.path().join("p.params.json"), PARAMS).expect("written");
    let compilation = gavel::project::compile_paths(&[dir.path().join("p.rules.json")]).expect("readable");
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    let files = gavel::emit::target::outputs(
        &compilation.emitted_definitions(),
        gavel::emit::target::Target::Az,
        &EmitOptions::default(),
    );
    let json = |path: &str| files.iter().find(|f| f.path == path).and_then(|f| serde_json::from_str(&f.text).ok());
    let (rules, params) = (json("p.rules.json"), json("p.params.json"));
    let wrap = |v: serde_json::Value| serde_json::json!([v]);
    let expected_rules: serde_json::Value = serde_json::from_str(RULE).expect("valid JSON");
    let expected_params: serde_json::Value = serde_json::from_str(PARAMS).expect("valid JSON");
    assert_eq!(compare_definitions(&wrap(expected_rules), &wrap(rules.unwrap_or_default())), Ok(()));
    assert_eq!(compare_definitions(&wrap(expected_params), &wrap(params.unwrap_or_default())), Ok(()));
}

#[test]
fn keeps_what_gavel_has_no_syntax_for() {
    let json = r#"{"name": "odd", "properties": {"displayName": "Odd", "mode": "Indexed", "futureProperty": {"a": 1},
        "metadata": {}, "version": "2.0.0",
        "parameters": {"p": {"type": "SecureString", "metadata": {}, "minLength": 3}},
        "policyRule": {"if": {"allOf": [{"field": "name", "isFancy": true}, {"count": {"field": "x[*]", "extra": 1}, "equals": 0}]},
                       "then": {"effect": "append", "details": [{"field": "tags['a']", "value": "b", "note": "?"}]}}}}"#;
    let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let source = decompile_inline(json, &expected);
    assert!(source.contains("json {"), "{source}");
    assert!(source.contains("// kept as JSON"), "{source}");
}

#[test]
fn case_insensitive_keys_read_as_azure_reads_them() {
    let json = r#"{"properties": {"displayName": "D", "mode": "all", "parameters": {},
        "policyRule": {"if": {"field": "type", "notin": ["a", "b"]},
                       "then": {"effect": "auditIfNotExists", "details": {"type": "Microsoft.Web/sites/config",
                                "existencecondition": {"field": "Microsoft.Web/sites/config/alwaysOn", "Exists": "false"}}}}}}"#;
    let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let source = decompile_inline(json, &expected);
    assert!(source.contains("type notIn [\"a\", \"b\"]"), "{source}");
    assert!(source.contains("existenceCondition alwaysOn notExists"), "{source}");
}

#[test]
fn built_in_role_ids_read_as_names_and_others_stay_as_written() {
    let json = r#"{"properties": {"displayName": "D", "mode": "All", "parameters": {},
        "policyRule": {"if": {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
                       "then": {"effect": "modify", "details": {
                           "roleDefinitionIds": [
                               "/providers/microsoft.authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
                               "/providers/Microsoft.Authorization/roleDefinitions/f526a384-b230-433a-b45c-95f59c4a2dec",
                               "/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-000000000001",
                               "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c",
                               "b24988ac-6180-42a0-ab88-20f7382dd24c"],
                           "operations": [{"operation": "addOrReplace", "field": "tags['a']", "value": "b"}]}}}}}"#;
    let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let source = decompile_inline(json, &expected);
    let roles: Vec<&str> = source
        .lines()
        .map(str::trim)
        .skip_while(|l| *l != "roles [")
        .skip(1)
        .take_while(|l| *l != "]")
        .map(|l| l.trim_end_matches(','))
        .collect();
    assert_eq!(
        roles,
        [
            "storageBlobDataContributor",
            "azureEventHubsDataOwner",
            "\"/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-000000000001\"",
            "\"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c\"",
            "\"b24988ac-6180-42a0-ab88-20f7382dd24c\"",
        ],
        "{source}"
    );
}

#[test]
fn role_strings_that_would_read_as_role_names_stay_json() {
    let json = r#"{"properties": {"displayName": "D", "mode": "All", "parameters": {},
        "policyRule": {"if": {"field": "type", "equals": "Microsoft.Storage/storageAccounts"},
                       "then": {"effect": "modify", "details": {
                           "roleDefinitionIds": ["Contributor", "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"],
                           "operations": [{"operation": "addOrReplace", "field": "tags['a']", "value": "b"}]}}}}}"#;
    let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let source = decompile_inline(json, &expected);
    assert!(!source.contains("roles [") && source.contains("\"roleDefinitionIds\": ["), "{source}");
}

/// Unreadable inputs get a diagnostic that names the JSON path.
#[test]
fn unreadable_inputs_render_their_diagnostics() {
    insta::glob!("decompile_errors/*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut sources = gavel::syntax::span::SourceMap::new();
        let file = sources.add(&name, text.clone());
        let decompiled = gavel::decompile::decompile(&gavel::decompile::JsonInput::new(file, &text), None);
        assert!(!decompiled.diagnostics.is_empty(), "{}: no diagnostic", path.display());
        let mut shown = gavel::diag::render::render_human(&decompiled.diagnostics, &sources, false);
        if let Some(source) = decompiled.source {
            shown.push_str("\n--- decompiled ---\n");
            shown.push_str(&source);
        }
        insta::assert_snapshot!(shown);
    });
}

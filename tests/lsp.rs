//! The language server, end to end: the real `gavel lsp` binary driven over stdio.

#[path = "support/lsp_client.rs"]
mod client;

use std::path::{Path, PathBuf};

use client::{Client, file_uri, position};
use serde_json::{Value, json};

const GAVEL: &str = env!("CARGO_BIN_EXE_gavel");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn started() -> Client {
    let mut client = Client::start(GAVEL);
    client.initialize();
    client
}

fn stdlib_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root().join("stdlib/policies")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("stdlib/policies is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "gavel") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A policy to edit, opened under an untitled URI (no file on disk).
const POLICY: &str = r#"/// Deny compute with a public IP.
policy no_public_ip "Deny compute with public IP" {
    mode all
    param effect "Effect": effect = Deny in [Deny, Disabled]
    param computeKinds: array = ["ComputeInstance"]

    when compute {
        computeType in $computeKinds
        enableNodePublicIP == true
    }
    then $effect
}
"#;

const URI: &str = "untitled:policy.gavel";

/// The `[line, character]` of the `n`th occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, n: usize) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(n).map(|(i, _)| i).expect("the needle is in the text");
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let column = before.rsplit('\n').next().map_or(0, |l| l.encode_utf16().count()) as u32;
    (line, column)
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.get("items").or(Some(completion)).and_then(Value::as_array).cloned().unwrap_or_default();
    items.iter().filter_map(|i| i.get("label").and_then(Value::as_str).map(str::to_string)).collect()
}

#[test]
fn initialize_advertises_the_features() {
    let mut client = Client::start(GAVEL);
    let result = client.initialize();
    let capabilities = &result["capabilities"];
    for feature in [
        "completionProvider",
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "codeActionProvider",
        "documentSymbolProvider",
        "foldingRangeProvider",
        "semanticTokensProvider",
        "signatureHelpProvider",
        "documentFormattingProvider",
        "inlayHintProvider",
        "workspaceSymbolProvider",
        "codeLensProvider",
        "executeCommandProvider",
    ] {
        assert!(capabilities.get(feature).is_some(), "{feature} is not advertised: {capabilities}");
    }
    assert_eq!(capabilities["textDocumentSync"]["change"], json!(2), "incremental sync");
    assert_eq!(capabilities["positionEncoding"], json!("utf-16"));
    assert_eq!(result["serverInfo"]["name"], json!("gavel"));
    assert!(client.shutdown().success());
}

/// Every stdlib policy opens without errors, and with exactly the diagnostics `gavel check`
/// reports for it (the library keeps a few justified warnings and hints; see
/// `tests/checked_sources.rs`).
#[test]
fn every_stdlib_policy_opens_without_errors() {
    let mut client = started();
    let files = stdlib_sources();
    assert!(files.len() > 30, "the stdlib has its policies");
    let mut shown = 0;
    for file in &files {
        let uri = file_uri(file);
        let text = std::fs::read_to_string(file).expect("readable");
        client.open(&uri, &text);
        let diagnostics = client.diagnostics(&uri, 1);
        let published: Vec<(String, u64)> = diagnostics
            .iter()
            .map(|d| {
                (d["code"].as_str().unwrap_or_default().to_string(), d["range"]["start"]["line"].as_u64().unwrap_or(0))
            })
            .collect();
        let compilation = gavel::project::compile_paths(std::slice::from_ref(file)).expect("the file exists");
        let expected: Vec<(String, u64)> = compilation
            .diagnostics
            .iter()
            .filter_map(|d| {
                let source = compilation.sources.get(d.span.file).filter(|s| s.path == *file)?;
                Some((d.code.id().to_string(), source.line_col(d.span.start).0 as u64))
            })
            .collect();
        assert_eq!(published, expected, "{}", file.display());
        assert!(diagnostics.iter().all(|d| d["severity"] != json!(1)), "{}: {diagnostics:?}", file.display());
        shown += diagnostics.len();
    }
    assert!(shown > 0, "the library's hints and justified warnings are shown too");
    assert!(client.shutdown().success());
}

#[test]
fn a_misspelt_function_gets_its_diagnostic_and_a_quick_fix() {
    let mut client = started();
    let text = POLICY.replace("enableNodePublicIP == true", "lenght($computeKinds) == 0");
    client.open(URI, &text);
    let diagnostics = client.diagnostics(URI, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], json!("GV0203"));
    let (line, column) = find(&text, "lenght", 0);
    assert_eq!(diagnostic["range"]["start"], json!({"line": line, "character": column}));
    assert_eq!(diagnostic["range"]["end"], json!({"line": line, "character": column + 6}));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]}
        }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], json!("quickfix"));
    assert_eq!(action["title"], json!("Replace with `length`"));
    let edit = &action["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], json!("length"));
    assert_eq!(edit["range"], diagnostic["range"]);
    assert!(client.shutdown().success());
}

#[test]
fn completion_after_a_kind_lists_its_fields() {
    let mut client = started();
    // Outside a kind block: inside `compute { … }`, `compute.` is a field of the block.
    let text = "policy p {\n    mode all\n    when compute.\n    then deny\n}\n".to_string();
    client.open(URI, &text);
    let (line, column) = find(&text, "compute.", 0);
    let completion = client.at("textDocument/completion", URI, line, column + 8);
    let labels = labels(&completion);
    for field in
        ["computeType", "disableLocalAuth", "enableNodePublicIp", "vmSize", "osImageMetadata.isLatestOsImageVersion"]
    {
        assert!(labels.iter().any(|l| l == field), "{field} missing from {labels:?}");
    }
    assert!(!labels.iter().any(|l| l.starts_with("Microsoft.")), "short names only");
    // Documentation comes with `completionItem/resolve`.
    let items = completion["items"].as_array().cloned().unwrap_or_default();
    let item = items.iter().find(|i| i["label"] == json!("computeType")).cloned().unwrap_or_default();
    assert!(item.get("documentation").is_none());
    let resolved = client.request("completionItem/resolve", item);
    let documentation = resolved["documentation"]["value"].as_str().unwrap_or_default();
    assert!(
        documentation.contains("Microsoft.MachineLearningServices/workspaces/computes/computeType"),
        "{documentation}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn hover_on_a_short_name_shows_the_full_alias() {
    let mut client = started();
    client.open(URI, POLICY);
    let (line, column) = find(POLICY, "computeType", 0);
    let hover = client.at("textDocument/hover", URI, line, column + 3);
    let value = hover["contents"]["value"].as_str().unwrap_or_default().to_string();
    assert!(value.contains("Microsoft.MachineLearningServices/workspaces/computes/computeType"), "{value}");
    assert!(value.contains("default path"), "{value}");
    assert_eq!(hover["range"]["start"], json!({"line": line, "character": column}));
    assert!(client.shutdown().success());
}

#[test]
fn renaming_a_parameter_edits_every_use() {
    let mut client = started();
    client.open(URI, POLICY);
    let (line, column) = find(POLICY, "$effect", 0);
    let prepared = client.at("textDocument/prepareRename", URI, line, column + 2);
    assert_eq!(prepared["placeholder"], json!("effect"));
    let mut params = position(URI, line, column + 2);
    params["newName"] = json!("policyEffect");
    let edit = client.request("textDocument/rename", params);
    let edits = edit["changes"][URI].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 2, "the declaration and `then $effect`: {edits:?}");
    let (decl_line, decl_column) = find(POLICY, "effect \"Effect\"", 0);
    let starts: Vec<&Value> = edits.iter().map(|e| &e["range"]["start"]).collect();
    assert!(starts.contains(&&json!({"line": decl_line, "character": decl_column})), "{starts:?}");
    assert!(starts.contains(&&json!({"line": line, "character": column + 1})), "after the `$`: {starts:?}");
    let refused = client.send_request(
        "textDocument/rename",
        json!({
            "textDocument": {"uri": URI}, "position": {"line": line, "character": column + 2}, "newName": "not valid"
        }),
    );
    assert!(client.response(refused).get("error").is_some());
    assert!(client.shutdown().success());
}

#[test]
fn semantic_tokens_classify_the_words() {
    let mut client = started();
    client.open(URI, POLICY);
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": URI}}));
    let data: Vec<u64> =
        tokens["data"].as_array().cloned().unwrap_or_default().iter().filter_map(Value::as_u64).collect();
    assert_eq!(data.len() % 5, 0);
    assert!(data.len() / 5 > 20, "{} tokens", data.len() / 5);
    // The first token is the doc comment on line 0: comment (9), documentation (2).
    assert_eq!(&data[..5], &[0, 0, 34, 9, 2]);
    assert!(client.shutdown().success());
}

#[test]
fn exit_without_shutdown_is_exit_code_one() {
    let mut client = started();
    client.notify("exit", Value::Null);
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
}

/// Splits `text` at its `‸` marker: the text without it, and the marker's line and column.
fn cursor(text: &str) -> (String, u32, u32) {
    let (line, column) = find(text, "‸", 0);
    (text.replacen('‸', "", 1), line, column)
}

/// The completion items at the marker, in the order an editor shows them, one per line.
fn completion_list(client: &mut Client, uri: &str, text: &str) -> String {
    let (text, line, column) = cursor(text);
    client.open(uri, &text);
    let completion = client.at("textDocument/completion", uri, line, column);
    let mut items = completion.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
    // As editors order them: by sort text, then by label.
    items.sort_by_key(|i| {
        let key = |field: &str| i[field].as_str().unwrap_or_default().to_lowercase();
        (key("sortText"), key("label"))
    });
    let total = items.len();
    let mut lines: Vec<String> = items
        .iter()
        .take(25)
        .map(|i| {
            let detail = i["detail"].as_str().map(|d| format!("  — {d}")).unwrap_or_default();
            let edit = i["textEdit"]["newText"].as_str().or(i["insertText"].as_str()).or(i["label"].as_str());
            let edit = edit.unwrap_or_default().replace('\n', "⏎");
            format!("{} [{}] {edit}{detail}", i["label"].as_str().unwrap_or_default(), i["kind"])
        })
        .collect();
    if total > 25 {
        lines.push(format!("… {} more", total - 25));
    }
    if completion["isIncomplete"] == json!(true) {
        lines.push("(incomplete)".into());
    }
    lines.join("\n")
}

#[test]
fn completion_snapshots() {
    let cases: &[(&str, &str)] = &[
        ("top_level", "‸"),
        ("policy_body", "policy p {\n    ‸\n}"),
        ("kind_block", "policy p {\n    when compute {\n        ‸\n    }\n    then deny\n}"),
        ("after_kind_dot", "policy p {\n    when compute.‸\n    then deny\n}"),
        ("nested_member", "policy p {\n    when compute { osImageMetadata.‸ }\n    then deny\n}"),
        ("enum_after_operator", "policy p {\n    when compute { computeType == ‸ }\n    then deny\n}"),
        ("enum_in_string", "policy p {\n    when compute { computeType in [\"Aml\", \"‸\"] }\n    then deny\n}"),
        ("resource_types", "policy p {\n    when type == \"Microsoft.MachineLearningServices/‸\"\n    then deny\n}"),
        ("effect", "policy p {\n    param e: effect = Audit in [Audit, Disabled]\n    when workspace\n    then ‸\n}"),
        ("mode", "policy p {\n    mode ‸\n}"),
        ("parameter_type", "policy p {\n    param x: ‸\n}"),
        ("effect_parameter_values", "policy p {\n    param e: effect = Audit in [Audit, ‸]\n}"),
        ("roles", "policy p {\n    when compute\n    then modify {\n        roles [‸]\n    }\n}"),
        (
            "modify_details",
            "policy p {\n    param e: effect = Modify in [Modify, Disabled]\n    when compute\n    then $e {\n        ‸\n    }\n}",
        ),
        (
            "parameters",
            "policy p {\n    param allowed: array = []\n    param effect: effect = Audit in [Audit]\n    when workspace { location in $‸ }\n    then $effect\n}",
        ),
        (
            "full_alias",
            "policy p {\n    when Microsoft.MachineLearningServices/workspaces/computes/vm‸\n    then deny\n}",
        ),
        (
            "member_policy",
            "policy first { when workspace then audit }\npolicy second { when compute then audit }\ninitiative set {\n    policy ‸\n}",
        ),
        (
            "member_parameters",
            "policy first {\n    param effect: effect = Audit in [Audit, Disabled]\n    when workspace\n    then $effect\n}\ninitiative set {\n    policy first { parameters { ‸ } }\n}",
        ),
        ("function_argument", "policy p {\n    when compute { length(‸) == 0 }\n    then deny\n}"),
    ];
    let mut client = started();
    for (i, (name, text)) in cases.iter().enumerate() {
        let uri = format!("untitled:completion-{i}.gavel");
        let list = completion_list(&mut client, &uri, text);
        insta::assert_snapshot!(format!("completion_{name}"), list, text);
    }
    assert!(client.shutdown().success());
}

#[test]
fn hover_snapshots() {
    let cases: &[(&str, &str)] = &[
        ("short_name", "policy p {\n    when compute { compute‸Type == \"AKS\" }\n    then deny\n}"),
        ("kind_qualified", "policy p {\n    when compute.vm‸Size == \"x\"\n    then deny\n}"),
        ("kind_prefix", "policy p {\n    when comp‸ute.vmSize == \"x\"\n    then deny\n}"),
        ("kind_block", "policy p {\n    when regis‸try\n    then deny\n}"),
        ("top_level_field", "policy p {\n    when workspace { loca‸tion == \"eastus\" }\n    then deny\n}"),
        (
            "parameter",
            "policy p {\n    /// What to do.\n    param effect \"Effect\": effect = Audit in [Audit, Disabled]\n    when workspace\n    then $eff‸ect\n}",
        ),
        ("function", "policy p {\n    when compute { len‸gth(name) > 3 }\n    then deny\n}"),
        ("effect", "policy p {\n    when compute\n    then de‸ny\n}"),
        (
            "role",
            "policy p {\n    when compute { disableLocalAuth != true }\n    then modify {\n        roles [contri‸butor]\n        set disableLocalAuth = true\n    }\n}",
        ),
        (
            "role_display_name",
            "policy p {\n    when compute { disableLocalAuth != true }\n    then modify {\n        roles [\"Storage Blob Data Cont‸ributor\"]\n        set disableLocalAuth = true\n    }\n}",
        ),
        ("keyword", "policy p {\n    wh‸en compute\n    then deny\n}"),
        ("diagnostic", "policy p {\n    when compute { lenght‸(name) > 3 }\n    then deny\n}"),
        ("code_in_comment", "// gavel explain GV01‸05\npolicy p { when compute then deny }"),
        (
            "member_policy",
            "/// The first.\npolicy first \"First policy\" { when workspace then audit }\ninitiative set {\n    policy fir‸st\n}",
        ),
    ];
    let mut client = started();
    for (i, (name, text)) in cases.iter().enumerate() {
        let uri = format!("untitled:hover-{i}.gavel");
        let (text, line, column) = cursor(text);
        client.open(&uri, &text);
        let hover = client.at("textDocument/hover", &uri, line, column);
        let value = hover["contents"]["value"].as_str().unwrap_or("(no hover)").to_string();
        insta::assert_snapshot!(format!("hover_{name}"), value, &text);
    }
    assert!(client.shutdown().success());
}

#[test]
fn the_compiled_json_command_answers_for_the_policy_at_a_position() {
    let mut client = started();
    let text = format!("{POLICY}\npolicy second {{ when workspace then audit }}\n");
    client.open(URI, &text);
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": URI}}));
    let commands: Vec<&Value> =
        lenses.as_array().map(|l| l.iter().map(|l| &l["command"]).collect()).unwrap_or_default();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0]["command"], json!("gavel.compiledJson"));
    let by_lens = client.request(
        "workspace/executeCommand",
        json!({"command": "gavel.compiledJson", "arguments": commands[1]["arguments"]}),
    );
    let json: Value = serde_json::from_str(by_lens.as_str().unwrap_or_default()).expect("the command returns JSON");
    assert_eq!(json["name"], json!("second"));
    let (line, _) = find(&text, "computeType", 0);
    let at = json!({"command": "gavel.compiledJson", "arguments": [URI, {"line": line, "character": 4}]});
    let by_position: Value =
        serde_json::from_str(client.request("workspace/executeCommand", at).as_str().unwrap_or_default())
            .expect("JSON");
    assert_eq!(by_position["name"], json!("no_public_ip"));
    assert_eq!(by_position["properties"]["policyRule"]["then"]["effect"], json!("[parameters('effect')]"));
    let explained =
        client.request("workspace/executeCommand", json!({"command": "gavel.explain", "arguments": ["GV0105"]}));
    assert!(explained.as_str().unwrap_or_default().contains("undefined-parameter"));
    assert!(client.shutdown().success());
}

#[test]
fn a_misspelt_field_gets_its_diagnostic_and_a_quick_fix() {
    let mut client = started();
    let text = POLICY.replace("computeType in", "computType in");
    client.open(URI, &text);
    let diagnostics = client.diagnostics(URI, 1);
    let diagnostic = diagnostics.iter().find(|d| d["code"] == json!("GV0301")).cloned();
    let diagnostic = diagnostic.unwrap_or_else(|| panic!("an unknown-alias diagnostic: {diagnostics:?}"));
    let (line, column) = find(&text, "computType", 0);
    assert_eq!(diagnostic["range"]["start"], json!({"line": line, "character": column}));
    assert_eq!(diagnostic["range"]["end"], json!({"line": line, "character": column + 10}));
    assert_eq!(diagnostic["severity"], json!(1));
    let context = json!({"diagnostics": [diagnostic]});
    let params = json!({"textDocument": {"uri": URI}, "range": diagnostic["range"], "context": context});
    let actions = client.request("textDocument/codeAction", params);
    let action = actions.as_array().and_then(|a| a.first()).cloned().unwrap_or_default();
    assert_eq!(action["kind"], json!("quickfix"));
    let edit = &action["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], json!("computeType"));
    // Applying the fix clears the diagnostic.
    let range = &edit["range"];
    let at = |p: &str| range[p]["character"].as_u64().unwrap_or_default() as u32;
    client.change(URI, 2, [line, at("start"), line, at("end")], "computeType");
    assert!(client.diagnostics(URI, 2).iter().all(|d| d["code"] != json!("GV0301")));
    assert!(client.shutdown().success());
}

#[test]
fn formatting_gives_the_formatters_layout() {
    let mut client = started();
    let messy = "policy   p \"P\" {\n  mode all\nwhen compute {computeType == \"AKS\"}\n      then deny }\n";
    client.open(URI, messy);
    let options = json!({"tabSize": 2, "insertSpaces": true});
    let edits = client.request("textDocument/formatting", json!({"textDocument": {"uri": URI}, "options": options}));
    let edits = edits.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "one edit: {edits:?}");
    let expected = gavel::fmt::format_source(gavel::syntax::span::FileId(0), messy).expect("the text formats");
    // Replay the edit on the client's text.
    let edit = &edits[0];
    let offset = |p: &Value| {
        let (line, character) =
            (p["line"].as_u64().unwrap_or(0) as usize, p["character"].as_u64().unwrap_or(0) as usize);
        messy.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
    };
    let mut text = messy.to_string();
    text.replace_range(
        offset(&edit["range"]["start"])..offset(&edit["range"]["end"]),
        edit["newText"].as_str().unwrap_or_default(),
    );
    assert_eq!(text, expected);
    // A formatted stdlib policy needs no edit; a file with syntax errors gets none.
    let stdlib = std::fs::read_to_string(root().join("stdlib/policies/vnet_audit.gavel")).expect("readable");
    client.open("untitled:formatted.gavel", &stdlib);
    let none = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": "untitled:formatted.gavel"}, "options": options}),
    );
    assert_eq!(none, json!([]));
    client.open("untitled:broken.gavel", "policy p { when");
    let broken = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": "untitled:broken.gavel"}, "options": options}),
    );
    assert_eq!(broken, Value::Null);
    assert!(client.shutdown().success());
}

#[test]
fn navigation_and_rename_follow_imports() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shared_path = dir.path().join("shared.gavel");
    let shared = "policy deny_ip {\n    param effect: effect = Deny in [Deny, Disabled]\n    when compute\n    then $effect\n}\n";
    std::fs::write(&shared_path, shared).expect("writable");
    let main_path = dir.path().join("main.gavel");
    let main =
        "import \"shared.gavel\"\ninitiative set {\n    policy deny_ip { parameters { effect: \"Disabled\" } }\n}\n";
    std::fs::write(&main_path, main).expect("writable");
    let (shared_uri, main_uri) = (file_uri(&shared_path), file_uri(&main_path));

    let mut client = started();
    client.open(&main_uri, main);
    let diagnostics = client.diagnostics(&main_uri, 1);
    assert!(diagnostics.iter().all(|d| d["severity"] != json!(1)), "{diagnostics:?}");
    // The member names a policy of the imported file.
    let (line, column) = find(main, "deny_ip", 0);
    let definition = client.at("textDocument/definition", &main_uri, line, column + 2);
    assert_eq!(definition["uri"], json!(shared_uri));
    assert_eq!(definition["range"]["start"], json!({"line": 0, "character": 7}));
    // `effect:` in the member sets the policy's parameter.
    let (line, column) = find(main, "effect:", 0);
    let parameter = client.at("textDocument/definition", &main_uri, line, column + 1);
    assert_eq!(parameter["range"]["start"], json!({"line": 1, "character": 10}));
    // Renaming the policy edits both files.
    let mut params = position(&main_uri, find(main, "deny_ip", 0).0, find(main, "deny_ip", 0).1);
    params["newName"] = json!("deny_public_ip");
    let edit = client.request("textDocument/rename", params);
    assert_eq!(edit["changes"][&shared_uri].as_array().map(Vec::len), Some(1));
    assert_eq!(edit["changes"][&main_uri].as_array().map(Vec::len), Some(1));
    // The import itself goes to the file.
    let import = client.at("textDocument/definition", &main_uri, 0, 10);
    assert_eq!(import["uri"], json!(shared_uri));
    // An unsaved change to the imported file, open in the editor, reaches the initiative.
    client.open(&shared_uri, shared);
    client.diagnostics(&shared_uri, 1);
    client.change(&shared_uri, 2, [0, 7, 0, 14], "renamed");
    let diagnostics = client.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["uri"] == json!(main_uri)
            && m["params"]["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == json!("GV0120")))
    });
    assert!(diagnostics["params"]["diagnostics"][0]["message"].as_str().unwrap_or_default().contains("deny_ip"));
    assert!(client.shutdown().success());
}

#[test]
fn the_project_file_applies_to_open_documents() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("gavel.toml"), "[lints]\nunknown-function = \"allow\"\nGV9999 = \"warn\"\n")
        .expect("writable");
    let path = dir.path().join("policy.gavel");
    let text = POLICY.replace("enableNodePublicIP == true", "lenght($computeKinds) == 0");
    std::fs::write(&path, &text).expect("writable");
    let uri = file_uri(&path);
    let mut client = started();
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!codes.contains(&"GV0203"), "the project allows unknown functions: {diagnostics:?}");
    let config = diagnostics.iter().find(|d| d["code"] == json!("GV0009")).cloned().unwrap_or_default();
    assert!(config["message"].as_str().unwrap_or_default().starts_with("gavel.toml: "), "{config}");
    assert_eq!(config["range"]["start"], json!({"line": 0, "character": 0}));
    assert!(client.shutdown().success());
}

/// The outline, folding, semantic tokens and inlay hints of one policy, rendered for review.
#[test]
fn document_features_snapshot() {
    let mut client = started();
    client.open(URI, POLICY);
    let document = json!({"textDocument": {"uri": URI}});
    let lines: Vec<&str> = POLICY.lines().collect();
    let mut out = String::new();

    out.push_str("# document symbols\n");
    let symbols = client.request("textDocument/documentSymbol", document.clone());
    fn outline(symbols: &Value, depth: usize, out: &mut String) {
        for symbol in symbols.as_array().into_iter().flatten() {
            let detail = symbol["detail"].as_str().map(|d| format!(" — {d}")).unwrap_or_default();
            let line = symbol["selectionRange"]["start"]["line"].as_u64().unwrap_or(0);
            out.push_str(&format!(
                "{}{} [{}] line {line}{detail}\n",
                "  ".repeat(depth),
                symbol["name"].as_str().unwrap_or_default(),
                symbol["kind"]
            ));
            outline(&symbol["children"], depth + 1, out);
        }
    }
    outline(&symbols, 0, &mut out);

    out.push_str("\n# folding ranges\n");
    let folds = client.request("textDocument/foldingRange", document.clone());
    for fold in folds.as_array().into_iter().flatten() {
        let kind = fold["kind"].as_str().map(|k| format!(" ({k})")).unwrap_or_default();
        out.push_str(&format!("{}..{}{kind}\n", fold["startLine"], fold["endLine"]));
    }

    out.push_str("\n# semantic tokens\n");
    let result = client.request("textDocument/semanticTokens/full", document.clone());
    // The legend `initialize` announced, in order.
    let types = [
        "namespace",
        "type",
        "class",
        "enumMember",
        "function",
        "parameter",
        "variable",
        "property",
        "keyword",
        "comment",
        "string",
        "number",
        "operator",
    ];
    let data: Vec<u64> = result["data"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect();
    let (mut line, mut column) = (0u64, 0u64);
    for token in data.chunks(5) {
        let [delta_line, delta_start, length, ty, modifiers] = token else { continue };
        line += delta_line;
        column = if *delta_line == 0 { column + delta_start } else { *delta_start };
        let text: String = lines[line as usize].chars().skip(column as usize).take(*length as usize).collect();
        let modifiers = if *modifiers == 0 { String::new() } else { format!(" +{modifiers}") };
        out.push_str(&format!("{line}:{column} {} {text:?}{modifiers}\n", types[*ty as usize]));
    }

    out.push_str("\n# inlay hints\n");
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines.len(), "character": 0}});
    let hints = client.request("textDocument/inlayHint", json!({"textDocument": {"uri": URI}, "range": range}));
    for hint in hints.as_array().into_iter().flatten() {
        out.push_str(&format!(
            "{}:{} {}\n",
            hint["position"]["line"],
            hint["position"]["character"],
            hint["label"].as_str().unwrap_or_default()
        ));
    }
    insta::assert_snapshot!(out);
    assert!(client.shutdown().success());
}

#[test]
fn rename_and_references_reach_the_files_that_import_the_document() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let shared_path = dir.path().join("shared.gavel");
    let shared = "policy deny_ip {\n    param effect: effect = Deny in [Deny, Disabled]\n    when compute\n    then $effect\n}\n";
    std::fs::write(&shared_path, shared).expect("writable");
    let main =
        "import \"shared.gavel\"\ninitiative set {\n    policy deny_ip { parameters { effect: \"Disabled\" } }\n}\n";
    std::fs::write(dir.path().join("main.gavel"), main).expect("writable");
    std::fs::write(dir.path().join("other.gavel"), "policy unrelated { when workspace then audit }\n")
        .expect("writable");
    let shared_uri = file_uri(&shared_path);
    let main_uri = file_uri(&dir.path().join("main.gavel"));

    let mut client = started();
    client.open(&shared_uri, shared);
    client.diagnostics(&shared_uri, 1);
    let mut params = position(&shared_uri, 0, 9);
    params["newName"] = json!("deny_public_ip");
    let edit = client.request("textDocument/rename", params);
    assert_eq!(edit["changes"][&shared_uri].as_array().map(Vec::len), Some(1), "{edit}");
    let in_main = edit["changes"][&main_uri].as_array().cloned().unwrap_or_default();
    assert_eq!(in_main.len(), 1, "the member of the initiative that imports the file: {edit}");
    assert_eq!(in_main[0]["range"]["start"], json!({"line": 2, "character": 11}));
    // The parameter is set by the member, in the other file.
    let mut params = position(&shared_uri, 1, 12);
    params["context"] = json!({"includeDeclaration": false});
    let references = client.request("textDocument/references", params);
    let uris: Vec<&str> = references.as_array().into_iter().flatten().filter_map(|l| l["uri"].as_str()).collect();
    assert_eq!(uris, [shared_uri.as_str(), main_uri.as_str()], "`then $effect` and `effect:` in main.gavel");
    // Every file of the project is searched for symbols.
    let symbols = client.request("workspace/symbol", json!({"query": "unrel"}));
    let names: Vec<&str> = symbols.as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["unrelated"]);
    let symbols = client.request("workspace/symbol", json!({"query": "effect"}));
    let containers: Vec<&str> =
        symbols.as_array().into_iter().flatten().filter_map(|s| s["containerName"].as_str()).collect();
    assert_eq!(containers, ["deny_ip"]);
    assert!(client.shutdown().success());
}

/// A project folder with a declared kind (the bundled catalog knows Storage and KeyVault);
/// documents are opened as its files.
fn neighbour_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let toml = "[kinds]\nblobService = \"Microsoft.Storage/storageAccounts/blobServices\"\n";
    std::fs::write(dir.path().join("gavel.toml"), toml).expect("writable");
    dir
}

#[test]
fn completion_and_hover_in_neighbour_kind_blocks() {
    let dir = neighbour_project();
    let completions: &[(&str, &str)] = &[
        ("storage_account_block", "policy p {\n    when storageAccount {\n        ‸\n    }\n    then deny\n}"),
        ("generic_block", "policy p {\n    when resource \"Microsoft.KeyVault/vaults\" { enable‸ }\n    then deny\n}"),
        ("declared_kind_dot", "policy p {\n    when blobService.‸\n    then deny\n}"),
        // Inside `compute { … }`, `compute.` is a field of the block, as the compiler reads it.
        ("kind_dot_inside_its_block", "policy p {\n    when compute { compute.‸ }\n    then deny\n}"),
    ];
    let mut client = started();
    for (i, (name, text)) in completions.iter().enumerate() {
        let path = dir.path().join(format!("completion-{i}.gavel"));
        let list = completion_list(&mut client, &file_uri(&path), text);
        insta::assert_snapshot!(format!("neighbour_completion_{name}"), list, text);
    }
    let hovers: &[(&str, &str)] = &[
        (
            "storage_short_name",
            "policy p {\n    when storageAccount { minimumTls‸Version != \"TLS1_2\" }\n    then deny\n}",
        ),
        (
            "generic_short_name",
            "policy p {\n    when resource \"Microsoft.KeyVault/vaults\" { enableSoft‸Delete == false }\n    then deny\n}",
        ),
        ("generic_guard", "policy p {\n    when reso‸urce \"Microsoft.KeyVault/vaults\"\n    then deny\n}"),
        ("declared_kind", "policy p {\n    when blob‸Service\n    then deny\n}"),
        ("kind_prefix_inside_its_block", "policy p {\n    when compute { comp‸ute.x == 1 }\n    then deny\n}"),
    ];
    for (i, (name, text)) in hovers.iter().enumerate() {
        let uri = file_uri(&dir.path().join(format!("hover-{i}.gavel")));
        let (text, line, column) = cursor(text);
        client.open(&uri, &text);
        let hover = client.at("textDocument/hover", &uri, line, column);
        let value = hover["contents"]["value"].as_str().unwrap_or("(no hover)").to_string();
        insta::assert_snapshot!(format!("neighbour_hover_{name}"), value, &text);
    }
    assert!(client.shutdown().success());
}

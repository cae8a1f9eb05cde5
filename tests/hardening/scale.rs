//! Regression tests of this group; see `main.rs`.

/// Diagnostics on long lines, many diagnostics on one line, line breaks of every kind, control
/// characters, and big documents in the server: what a diagnostic costs and prints is bounded
/// by what it shows, and every output agrees on positions.
mod diagnostics_and_documents {
    use crate::lsp_client as client;
    use std::path::Path;
    use std::process::{Command, Output};

    use gavel::diag::render::{render_human, render_json, render_sarif};
    use gavel::diag::{Code, Diagnostic};
    use gavel::syntax::span::{SourceMap, Span};
    use serde_json::{Value, json};

    const GAVEL: &str = env!("CARGO_BIN_EXE_gavel");

    fn gavel(dir: &Path, args: &[&str]) -> Output {
        Command::new(GAVEL).args(args).current_dir(dir).output().expect("gavel runs")
    }

    /// One policy on one line with `count` parameters, none of them used (a warning each).
    fn one_line_policy(count: usize) -> String {
        let params: Vec<String> = (0..count).map(|i| format!("param p{i}: string")).collect();
        format!("policy p \"p\" {{ mode all {} when compute {{ computeType == \"x\" }} then deny }}", params.join(" "))
    }

    /// The lines of the human drawing of the diagnostic whose header contains `needle`.
    fn block<'a>(stderr: &'a str, needle: &str) -> Vec<&'a str> {
        let start = stderr.find(needle).expect("the diagnostic is reported");
        stderr[start..].lines().take_while(|line| !line.starts_with('─')).collect()
    }

    /// Found by the source fuzz harness: lines of a thousand stray `-` gave one diagnostic per
    /// character (80,896 errors, 44 MB on stderr for a 260 KB file). A run is one diagnostic.
    #[test]
    fn a_run_of_stray_characters_is_one_diagnostic() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let stray_line = "- ".repeat(50_000);
        let text = format!(
            "policy p \"p\" {{\n{stray_line}\n{stray_line}\n when compute {{ computeType == \"AKS\" }} then deny }}\n"
        );
        std::fs::write(dir.path().join("stray.gavel"), &text).expect("written");
        let output = gavel(dir.path(), &["check", "--format", "json", "stray.gavel"]);
        let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
        let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
        let invalid: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == "GV0002").collect();
        assert_eq!(invalid.len(), 2, "one per line: {diagnostics:?}");
        assert_eq!(diagnostics.len(), 2, "nothing else: {diagnostics:?}");
        let human = gavel(dir.path(), &["check", "stray.gavel"]);
        assert!(human.stderr.len() < 4_096, "{} bytes of stderr", human.stderr.len());
    }

    #[test]
    fn diagnostics_on_a_long_line_print_a_bounded_window() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let text = one_line_policy(6_000);
        assert!(text.len() > 117_000, "{}", text.len());
        std::fs::write(dir.path().join("long.gavel"), &text).expect("written");
        let output = gavel(dir.path(), &["check", "long.gavel"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let count = stderr.lines().filter(|line| line.starts_with("warning[")).count();
        assert!(count >= 6_000, "{count} diagnostics");
        let per_diagnostic = stderr.len() / count;
        println!("{} bytes of stderr for {count} diagnostics: {per_diagnostic} per diagnostic", stderr.len());
        assert!(per_diagnostic < 2_048, "{per_diagnostic} bytes per diagnostic");

        // The window of a parameter in the middle is cut at both ends, its header gives the
        // position in the file, and the underline is under the parameter's name.
        let lines = block(&stderr, "parameter `p3000` is never used");
        let column = text.find("p3000:").expect("in the text") + 1;
        assert!(lines[1].ends_with(&format!("long.gavel:1:{column} ]")), "{}", lines[1]);
        let source = lines[3];
        assert!(source.starts_with(" 1 │ …") && source.ends_with('…'), "{source}");
        let name_at = source.find("p3000").expect("the name is shown");
        let underline_at = lines[4].find('─').expect("an underline");
        let chars = |s: &str, byte: usize| s[..byte].chars().count();
        assert_eq!(chars(lines[4], underline_at), chars(source, name_at), "{source}\n{}", lines[4]);
    }

    /// `🚀=x; ` repeated: every `x` is 5 characters (6 UTF-16 units) after the previous one.
    fn many_on_one_line(count: usize) -> (SourceMap, Vec<Diagnostic>) {
        let text = "🚀=x; ".repeat(count);
        let mut sources = SourceMap::new();
        let file = sources.add("line.gavel", text.clone());
        let diags = text
            .match_indices('x')
            .map(|(at, _)| Diagnostic::new(Code::UnknownFunction, Span::new(file, at, at + 1), "x"))
            .collect();
        (sources, diags)
    }

    #[test]
    fn a_hundred_thousand_diagnostics_on_one_line_have_their_columns() {
        const COUNT: usize = 100_000;
        let (sources, diags) = many_on_one_line(COUNT);
        let json = render_json(&diags, &sources);
        let sarif = render_sarif(&diags, &sources, "0");
        for k in [0, 1, COUNT / 2, COUNT - 1] {
            let range = &json["diagnostics"][k]["range"];
            assert_eq!(range["start"], json!({ "line": 1, "column": 5 * k + 3 }), "diagnostic {k}");
            assert_eq!(range["end"], json!({ "line": 1, "column": 5 * k + 4 }), "diagnostic {k}");
            let region = &sarif["runs"][0]["results"][k]["locations"][0]["physicalLocation"]["region"];
            assert_eq!(region["startColumn"], 6 * k + 4, "diagnostic {k}");
        }

        let human = render_human(&diags, &sources, false);
        assert!(human.len() / COUNT < 1_024, "{} bytes", human.len());
        for k in [0, COUNT / 2, COUNT - 1] {
            let header = format!("line.gavel:1:{} ]", 5 * k + 3);
            let at = human.match_indices(&header).next().map(|(i, _)| i);
            let drawing: Vec<&str> = human[at.expect("the diagnostic's header")..].lines().collect();
            let (source, underline) = (drawing[2], drawing[3]);
            // The underline starts under an `x`; ariadne draws the rocket two columns wide.
            let under = underline.chars().position(|c| c == '┬').expect("an underline");
            let mut display = 0;
            let pointed = source.chars().find(|&c| {
                let here = display == under;
                display += if c == '🚀' { 2 } else { 1 };
                here
            });
            assert_eq!(pointed, Some('x'), "{source}\n{underline}");
        }
    }

    #[test]
    fn control_characters_are_escaped_for_people_and_exact_for_machines() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let alias = "Microsoft.MachineLearningServices/workspaces/computes/\x1b]0;pwned\x07\u{9b}2J";
        let text =
            format!("policy p \"p\" {{\n    mode all\n    when field(\"{alias}\") == \"x\"\n    then deny\n}}\n");
        std::fs::write(dir.path().join("esc.gavel"), text).expect("written");

        let human = gavel(dir.path(), &["check", "esc.gavel"]);
        let stderr = String::from_utf8(human.stderr).expect("UTF-8");
        assert!(stderr.contains("unknown alias"), "{stderr}");
        let raw: Vec<char> = stderr.chars().filter(|&c| c.is_control() && c != '\n').collect();
        assert!(raw.is_empty(), "control characters reach the terminal: {raw:?}");
        // In the message, in the help line and in the source excerpt.
        assert!(stderr.matches("␛]0;pwned␇\\u{9b}2J").count() >= 3, "{stderr}");

        let machine = gavel(dir.path(), &["check", "esc.gavel", "--format", "json"]);
        let json: Value = serde_json::from_slice(&machine.stdout).expect("JSON");
        let message = json["diagnostics"][0]["message"].as_str().expect("a message");
        assert!(message.contains(alias), "{message:?}");
    }

    /// A misspelt field on the fourth line, after lines ending in `line_break`.
    fn broken_policy(line_break: &str) -> String {
        [
            "policy p \"p\" {",
            "    mode all",
            "    version \"1.0.0\"",
            "    when compute { computType == \"x\" }",
            "    then deny",
            "}",
        ]
        .join(line_break)
    }

    #[test]
    fn every_kind_of_line_break_gives_the_same_positions_in_the_cli_and_the_server() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut client = client::Client::start(GAVEL);
        client.initialize();
        for (name, line_break) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
            let file = format!("{name}.gavel");
            let path = dir.path().join(&file);
            let text = broken_policy(line_break);
            std::fs::write(&path, &text).expect("written");

            let output = gavel(dir.path(), &["check", &file, "--format", "json"]);
            let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
            let cli = json["diagnostics"].as_array().expect("diagnostics").iter().find(|d| d["code"] == "GV0301");
            let cli_range = &cli.expect("the misspelt field is reported")["range"];
            assert_eq!(cli_range["start"], json!({ "line": 4, "column": 20 }), "{name}");

            let uri = client::file_uri(&path);
            client.open(&uri, &text);
            let published = client.diagnostics(&uri, 1);
            let lsp = published.iter().find(|d| d["code"] == "GV0301").expect("the server reports it too");
            let start = &lsp["range"]["start"];
            assert_eq!(start["line"].as_u64().map(|l| l + 1), cli_range["start"]["line"].as_u64(), "{name}");
            assert_eq!(start["character"].as_u64().map(|c| c + 1), cli_range["start"]["column"].as_u64(), "{name}");
            let end = &lsp["range"]["end"];
            assert_eq!(end["character"].as_u64().map(|c| c + 1), cli_range["end"]["column"].as_u64(), "{name}");
        }
        client.shutdown();
    }

    /// The peak resident memory of a process, from `/proc/PID/status`.
    fn peak_rss_bytes(pid: u32) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kilobytes: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kilobytes * 1024)
    }

    #[test]
    #[cfg_attr(not(target_os = "linux"), ignore = "reads /proc")]
    fn a_big_document_costs_the_server_a_bounded_multiple_of_its_size() {
        let policy = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deny-compute-public-ip.gavel"),
        )
        .expect("the example");
        let mut text = String::new();
        for i in 0.. {
            if text.len() >= 12_000_000 {
                break;
            }
            text.push_str(&policy.replace("deny_compute_public_ip", &format!("deny_compute_public_ip_{i}")));
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let uri = client::file_uri(&dir.path().join("big.gavel"));
        let mut client = client::Client::start(GAVEL);
        client.initialize();
        let before = peak_rss_bytes(client.pid()).expect("the server's memory");
        client.open(&uri, &text);
        let diagnostics = client.diagnostics(&uri, 1);
        assert!(!diagnostics.is_empty(), "the document is analysed");
        let peak = peak_rss_bytes(client.pid()).expect("the server's memory");
        let ratio = peak as f64 / text.len() as f64;
        println!(
            "{} MB document: server peak RSS {} MB ({} MB before opening), {ratio:.1}x the document",
            text.len() / 1_000_000,
            peak / 1_000_000,
            before / 1_000_000
        );
        assert!(ratio < 40.0, "peak RSS {peak} bytes for a document of {} bytes", text.len());
        client.shutdown();
    }
}

/// Explanations of `gavel eval` and failing `gavel test` cases, and related resources: what
/// explaining an outcome costs grows with the policy once, and a related resource costs its
/// size once however often it is referenced.
mod explanations {
    use std::path::Path;
    use std::process::Command;
    use std::sync::Arc;

    use gavel::project::Compilation;
    use gavel::test_runner::engine::{Engine, Request};
    use gavel::test_runner::evaluate::CompiledUnderTest;
    use gavel::test_runner::explain::{Evaluated, explain_prepared};
    use gavel::test_runner::policy::from_json;
    use gavel::test_runner::run::{Session, Status};
    use serde_json::{Value, json};

    const LEVELS: usize = 40;
    const PER_LEVEL: usize = 100;

    /// `allOf` blocks nested `LEVELS` deep, each with `PER_LEVEL - 1` conditions that hold and
    /// the next block; the deepest ends with the one that fails: `not location == northeurope`.
    fn nested_condition(level: usize) -> Value {
        let mut members: Vec<Value> =
            (1..PER_LEVEL).map(|i| json!({"field": "name", "notEquals": format!("x{level}-{i}")})).collect();
        members.push(if level + 1 == LEVELS {
            json!({"not": {"field": "location", "equals": "northeurope"}})
        } else {
            nested_condition(level + 1)
        });
        json!({ "allOf": members })
    }

    fn node_count(node: &gavel::test_runner::policy::ConditionNode) -> usize {
        1 + node.children.iter().map(node_count).sum::<usize>()
    }

    #[test]
    fn four_thousand_nested_conditions_are_explained_with_each_condition_evaluated_once() {
        let definition = json!({"properties": {"mode": "All", "parameters": {},
            "policyRule": {"if": nested_condition(0), "then": {"effect": "deny"}}}});
        let policy = from_json("nested.json".into(), definition).expect("a definition");
        let nodes = node_count(&policy.rule);
        assert!(nodes > 4_000, "{nodes} conditions");
        let engine = Engine::builtin().expect("the engine");
        let compiled = CompiledUnderTest::new(&engine, Arc::new(policy.clone())).expect("compiles");
        let resource = json!({"type": "Microsoft.Storage/storageAccounts", "name": "sa", "location": "northeurope"});
        let request = Request { resource, ..Request::default() };
        let prepared = engine.prepare(&request);
        let outcome = compiled.evaluate(&prepared).expect("evaluates");
        assert_eq!((outcome.effect.as_deref(), outcome.applicable), (None, false));

        let explanation = explain_prepared(&engine, &policy, &request, &prepared, &outcome);
        assert_eq!(explanation.rule.result, Ok(false));
        // Each false block is decided by the block inside it alone, down to the `not`.
        let mut node: &Evaluated = &explanation.rule;
        for level in 0..LEVELS {
            assert_eq!(node.children.len(), 1, "level {level}: {:?}", node.children);
            node = &node.children[0];
            assert_eq!(node.result, Ok(false), "level {level}");
        }
        assert_eq!(node.text, "not");
        let deciding = &node.children[0];
        assert_eq!(deciding.result, Ok(true));
        assert_eq!(deciding.observed, Some(("location".to_string(), Some(json!("northeurope")))));
        assert!(
            matches!(&deciding.origin, gavel::test_runner::policy::Origin::Pointer(p) if p.ends_with("/allOf/99/not")),
            "{:?}",
            deciding.origin
        );
        // The whole `if` once, then each condition with its field's existence and value: asking
        // the engine about every block would hand it each condition once per block around it
        // (about 80,000 here).
        println!("{nodes} conditions, {} compiled to explain them", explanation.conditions_compiled);
        assert!(explanation.conditions_compiled <= 4 * nodes, "{} for {nodes}", explanation.conditions_compiled);
    }

    /// A count over an array of 20,000 members runs to its outcome: the engine's default budget
    /// of 25,000 instructions (about one and a quarter per member here) stopped it part-way with
    /// an engine error, where Azure evaluates the resource.
    #[test]
    fn a_count_over_a_large_array_is_evaluated() {
        let definition = json!({"properties": {"mode": "All", "parameters": {},
            "policyRule": {"if": {"allOf": [
                {"field": "type", "equals": "Microsoft.Network/networkSecurityGroups"},
                {"count": {"field": "Microsoft.Network/networkSecurityGroups/securityRules[*]",
                    "where": {"allOf": [
                        {"field": "Microsoft.Network/networkSecurityGroups/securityRules[*].access", "equals": "Allow"},
                        {"field": "Microsoft.Network/networkSecurityGroups/securityRules[*].direction", "equals": "Inbound"},
                        {"field": "Microsoft.Network/networkSecurityGroups/securityRules[*].sourceAddressPrefix", "in": ["*", "Internet"]}]}},
                 "greater": 0}]},
            "then": {"effect": "deny"}}}});
        let policy = from_json("rules.json".into(), definition).expect("a definition");
        let engine = Engine::builtin().expect("the engine");
        let compiled = CompiledUnderTest::new(&engine, Arc::new(policy)).expect("compiles");
        let mut rules: Vec<Value> = (0..20_000)
            .map(|i| json!({"name": format!("r{i}"), "properties": {"access": "Deny", "direction": "Inbound", "sourceAddressPrefix": "10.0.0.0/8"}}))
            .collect();
        rules.push(json!({"name": "open", "properties": {"access": "Allow", "direction": "Inbound", "sourceAddressPrefix": "*"}}));
        let resource = json!({"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg",
            "properties": {"securityRules": rules}});
        let prepared = engine.prepare(&Request { resource, ..Request::default() });
        let outcome = compiled.evaluate(&prepared).expect("evaluates");
        assert_eq!((outcome.effect.as_deref(), outcome.applicable), (Some("deny"), true));
    }

    /// The peak resident memory of this process so far.
    fn peak_rss_bytes() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let line = status.lines().find(|line| line.starts_with("VmHWM:")).expect("VmHWM");
        let kilobytes: u64 = line.trim_start_matches("VmHWM:").trim_end_matches("kB").trim().parse().expect("a number");
        kilobytes * 1024
    }

    /// A diagnostic setting of about 2.4 MB (its `logs`), which satisfies the policy's
    /// existence condition.
    fn big_setting() -> String {
        let logs: Vec<Value> = (0..24_000)
            .map(|i| json!({"category": format!("category-{i}"), "enabled": true, "note": "x".repeat(40)}))
            .collect();
        let setting = json!({"type": "Microsoft.Insights/diagnosticSettings", "name": "ws/audit",
            "properties": {"workspaceId": "ok", "logs": logs}});
        serde_json::to_string(&setting).expect("JSON")
    }

    /// A test file whose one case references the big setting `references` times and expects
    /// the wrong outcome, so that it fails and is explained.
    fn write_case(dir: &Path, references: usize) -> u64 {
        let catalog = r#"{"namespace": "Microsoft.Insights", "resourceTypes": [{"resourceType": "diagnosticSettings",
            "aliases": [{"name": "Microsoft.Insights/diagnosticSettings/workspaceId", "defaultPath": "properties.workspaceId"}]}]}"#;
        let definition = json!({"properties": {"mode": "All", "parameters": {}, "policyRule": {
            "if": {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"},
            "then": {"effect": "auditIfNotExists", "details": {
                "type": "Microsoft.Insights/diagnosticSettings", "name": "audit",
                "existenceCondition": {"field": "Microsoft.Insights/diagnosticSettings/workspaceId", "equals": "ok"}}}}}});
        let setting = big_setting();
        std::fs::write(dir.join("catalog.json"), catalog).expect("written");
        std::fs::write(dir.join("policy.json"), definition.to_string()).expect("written");
        std::fs::write(dir.join("setting.json"), &setting).expect("written");
        std::fs::write(
            dir.join("workspace.json"),
            r#"{"type": "Microsoft.MachineLearningServices/workspaces", "name": "ws"}"#,
        )
        .expect("written");
        let related = vec!["setting.json"; references].join(", ");
        let test = format!(
            "catalogs: [catalog.json]\npolicy: policy.json\ncases:\n  - name: referenced\n    resource: workspace.json\n    \
             related: [{related}]\n    expect: auditIfNotExists\n"
        );
        std::fs::write(dir.join("policy.test.yaml"), test).expect("written");
        setting.len() as u64
    }

    /// Runs the case in this process and prints `size growth` in bytes: the resource's size
    /// and how much the peak resident memory grew. Run alone, in a process of its own, by
    /// the test below.
    #[test]
    #[ignore = "run in a process of its own by `related_resources_cost_their_size_once_per_run`"]
    fn peak_memory_of_related_references() {
        let references: usize = std::env::var("GAVEL_RELATED_REFERENCES").map_or(10, |n| n.parse().expect("a count"));
        let dir = tempfile::tempdir().expect("a temp dir");
        let size = write_case(dir.path(), references);
        let before = peak_rss_bytes();
        let mut session = Session::new(Compilation::default(), Vec::new(), None);
        let report = session.run_file(&dir.path().join("policy.test.yaml"));
        let growth = peak_rss_bytes().saturating_sub(before);
        assert!(session.diagnostics.is_empty(), "{:?}", session.diagnostics);
        let case = &report.cases[0];
        assert_eq!(case.status, Status::Failed, "the case is explained");
        let explanation = case.explanation.as_ref().expect("an explanation");
        let (_, condition) = explanation.existence[0].found.as_ref().expect("the setting is found");
        assert_eq!(condition.as_ref().map(|c| c.result.clone()), Some(Ok(true)));
        println!("measured {size} {growth}");
    }

    fn measure(references: usize) -> (u64, u64) {
        let output = Command::new(std::env::current_exe().expect("the test binary"))
            .args(["--exact", "scale::explanations::peak_memory_of_related_references", "--ignored", "--nocapture"])
            .env("GAVEL_RELATED_REFERENCES", references.to_string())
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        let line = stdout.lines().find_map(|l| l.strip_prefix("measured ")).expect("the figures");
        let (size, growth) = line.split_once(' ').expect("two figures");
        (size.parse().expect("a size"), growth.parse().expect("a growth"))
    }

    #[test]
    #[cfg_attr(not(target_os = "linux"), ignore = "reads /proc")]
    fn related_resources_cost_their_size_once_per_run() {
        let (size, once) = measure(1);
        let (_, ten_times) = measure(10);
        let per_reference = ten_times.saturating_sub(once) / 9;
        println!(
            "a related resource of {:.1} MB: peak grows {:.0} MB referenced once, {:.0} MB ten times \
             ({:.0} MB, {:.1}x its size, per further reference)",
            size as f64 / 1e6,
            once as f64 / 1e6,
            ten_times as f64 / 1e6,
            per_reference as f64 / 1e6,
            per_reference as f64 / size as f64
        );
        // Each reference is read and parsed (its text and JSON tree); what the engine reads is
        // made once per distinct resource. Preparing it again per reference and per existence
        // check cost about 30 times its size per reference.
        assert!(once < 60 * size, "{once} bytes for one reference of {size}");
        assert!(per_reference < 12 * size, "{per_reference} bytes per reference of {size}");
    }
}

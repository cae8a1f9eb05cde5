//! `gavel test` and `gavel eval` as people and CI use them: the library's own tests pass, a
//! wrong expectation is reported with the conditions that decided, malformed test files get
//! located diagnostics, and the outputs are snapshotted.

use std::path::Path;
use std::process::{Command, Output};

fn gavel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gavel"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("gavel runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The report without its timing, which differs from run to run.
fn untimed(text: &str) -> String {
    match text.rsplit_once("; finished in ") {
        Some((head, _)) => format!("{head}\n"),
        None => text.to_string(),
    }
}

const FIXTURES: &str = "tests/fixtures/test_runner";
const RESOURCES: &str = "stdlib/testdata/resources";

#[test]
fn the_library_tests_pass() {
    let output = gavel(&["test", "stdlib/"]);
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{report}\n{}", stderr(&output));
    let summary = report.lines().last().unwrap_or_default();
    assert!(summary.starts_with("test result: ok."), "{summary}");
    // Every policy of the library has a test file with at least one case that passes.
    let policies = gavel_files(Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/policies").as_path());
    assert_eq!(policies.len(), 36);
    for policy in policies {
        let test_file = policy.with_extension("test.yaml");
        assert!(test_file.is_file(), "{} has no test file", policy.display());
    }
}

/// Each policy has a non-compliant case (an effect) and a compliant one (no effect), and both
/// pass; checked on the JSON report.
#[test]
fn every_library_policy_has_a_compliant_and_a_non_compliant_case() {
    let output = gavel(&["test", "stdlib/", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 36);
    for file in files {
        let passed: Vec<&serde_json::Value> =
            file["cases"].as_array().into_iter().flatten().filter(|c| c["status"] == "passed").collect();
        let effects = passed.iter().filter(|c| !c["actual"]["effect"].is_null()).count();
        let compliant = passed.iter().filter(|c| c["actual"]["effect"].is_null()).count();
        assert!(effects >= 1 && compliant >= 1, "{}: {effects} non-compliant, {compliant} compliant", file["file"]);
    }
}

fn gavel_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(gavel_files(&path));
        } else if path.extension().is_some_and(|e| e == "gavel") {
            found.push(path);
        }
    }
    found
}

#[test]
fn a_wrong_expectation_is_reported_with_its_reason() {
    let output = gavel(&["test", &format!("{FIXTURES}/failing.test.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    let report = untimed(&stdout(&output));
    assert!(report.contains("expected deny, got Audit"), "{report}");
    assert!(report.contains("enableNodePublicIp == true  (enableNodePublicIp is true)"), "{report}");
    insta::assert_snapshot!("failing_human", report);
}

#[test]
fn the_json_report_carries_outcomes_and_explanations() {
    let output = gavel(&["test", &format!("{FIXTURES}/failing.test.yaml"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    insta::assert_json_snapshot!("failing_json", report);
}

#[test]
fn passing_cases_skips_and_json_definitions() {
    let output = gavel(&["test", &format!("{FIXTURES}/passing.test.yaml")]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    insta::assert_snapshot!("passing_human", untimed(&stdout(&output)));
}

#[test]
fn filter_selects_cases_by_name() {
    let output = gavel(&["test", &format!("{FIXTURES}/failing.test.yaml"), "--filter", "virtual network"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(untimed(&stdout(&output)).ends_with("test result: ok. 1 passed; 0 failed; 0 skipped; 0 errors\n"));
}

/// Every malformed test file gets diagnostics with their place and help, and exit code 1.
#[test]
fn malformed_test_files_get_located_diagnostics() {
    let policies = format!("{FIXTURES}/policies.gavel");
    let mut names: Vec<_> = std::fs::read_dir(format!("{FIXTURES}/errors"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    assert!(names.len() >= 8);
    for name in names {
        let output = gavel(&["test", &policies, &format!("{FIXTURES}/errors/{name}")]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let shown = format!("{}\n{}", stderr(&output), untimed(&stdout(&output)));
        insta::assert_snapshot!(format!("errors_{name}"), shown);
    }
}

#[test]
fn compile_errors_stop_the_run() {
    let temp = tempfile::tempdir().expect("temp dir");
    std::fs::write(temp.path().join("p.gavel"), "policy p { when workspce then audit }\n").expect("write");
    std::fs::write(temp.path().join("p.test.yaml"), "cases: []\n").expect("write");
    let output = gavel(&["test", temp.path().to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no test was run"), "{}", stderr(&output));
}

#[test]
fn usage_problems_exit_with_two() {
    assert_eq!(gavel(&["test", "no/such/folder"]).status.code(), Some(2));
    assert_eq!(gavel(&["test", "README.md"]).status.code(), Some(2));
    assert_eq!(gavel(&["test", "stdlib/", "--catalog", "no-such.json"]).status.code(), Some(2));
    assert_eq!(gavel(&["eval", "no-such.gavel", "x.json"]).status.code(), Some(2));
    let policy = format!("{FIXTURES}/policies.gavel");
    let resource = format!("{RESOURCES}/workspace-public.json");
    // Four policies in the file and no --name.
    assert_eq!(gavel(&["eval", &policy, &resource]).status.code(), Some(2));
    assert_eq!(gavel(&["eval", &policy, &resource, "--name", "nope"]).status.code(), Some(2));
    let bad_parameters = gavel(&["eval", &policy, &resource, "--name", "allowed_locations", "--parameters", "[1]"]);
    assert_eq!(bad_parameters.status.code(), Some(2));
}

#[test]
fn eval_prints_the_effect_and_why() {
    let policy = "stdlib/policies/vnet_audit.gavel";
    let output = gavel(&["eval", policy, &format!("{RESOURCES}/compute-cluster-public.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("eval_human", stdout(&output));
}

#[test]
fn eval_json_gives_null_when_nothing_applies() {
    let policy = "stdlib/policies/vnet_audit.gavel";
    let output = gavel(&["eval", policy, &format!("{RESOURCES}/compute-cluster-vnet.json"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["effect"], serde_json::Value::Null);
    assert_eq!(document["applicable"], false);
    insta::assert_json_snapshot!("eval_json_compliant", document);
}

#[test]
fn eval_takes_parameters_related_resources_and_catalogs() {
    let output = gavel(&[
        "eval",
        "stdlib/policies/diagnostic-settings/ds_la_machinelearningservices_workspaces_dine.gavel",
        &format!("{RESOURCES}/workspace-public.json"),
        "--parameters",
        r#"{"logAnalytics": "/subscriptions/8f3c2a1e-5b7d-4c9a-9e21-3d4f6a7b8c90/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/log-ml-prod"}"#,
        "--related",
        &format!("{RESOURCES}/diagnostic-setting-log-analytics-alllogs.json"),
        "--catalog",
        "stdlib/testdata/aliases/related-resources.json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("eval_existence_check", stdout(&output));
}

#[test]
fn eval_of_a_json_definition_and_a_data_plane_resource() {
    let output = gavel(&[
        "eval",
        &format!("{FIXTURES}/definitions/no_public_ip.json"),
        &format!("{RESOURCES}/compute-instance-hardened.json"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("eval_json_definition", stdout(&output));
    let output = gavel(&[
        "eval",
        "stdlib/policies/only_deploy_allowed_registry_models_deny.gavel",
        &format!("{RESOURCES}/model-deployment-registry-other.json"),
        "--parameters",
        r#"{"effect": "Deny", "allowedRegistryName": "azureml-meta"}"#,
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["effect"], "Deny");
    assert!(document["notes"][0].as_str().is_some_and(|n| n.contains("resource-provider mode")), "{document}");
}

#[test]
fn eval_reports_input_errors_with_exit_one() {
    let policy = format!("{FIXTURES}/policies.gavel");
    // A required parameter without a value points at its declaration.
    let output =
        gavel(&["eval", &policy, &format!("{RESOURCES}/workspace-public.json"), "--name", "allowed_locations"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("parameter `locations` has no default and no value"), "{}", stderr(&output));
    // A resource without a type.
    let output = gavel(&["eval", &policy, &format!("{FIXTURES}/broken.json.txt"), "--name", "allowed_locations"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("GV0602"), "{}", stderr(&output));
}

/// Scripts read `--format json` output also when eval refuses: one JSON object on stdout that
/// says it did not evaluate, why, and the diagnostics.
#[test]
fn eval_json_refusals_are_json() {
    let policy = format!("{FIXTURES}/policies.gavel");
    let resource = format!("{RESOURCES}/workspace-public.json");
    // Input problems (exit 1): a required parameter without a value.
    let output = gavel(&["eval", &policy, &resource, "--name", "allowed_locations", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(document["evaluated"], false);
    assert_eq!(document["reason"], "input");
    assert_eq!(document["effect"], serde_json::Value::Null);
    let codes: Vec<&str> =
        document["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["GV0604"], "{document}");
    // Usage problems (exit 2): no such file, too many policies to choose from.
    for args in [
        vec!["eval", "no-such.gavel", "x.json", "--format", "json"],
        vec!["eval", &policy, &resource, "--format", "json"],
    ] {
        let output = gavel(&args);
        assert_eq!(output.status.code(), Some(2));
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
        assert_eq!(document["evaluated"], false);
        assert_eq!(document["reason"], "usage");
        assert!(document["message"].as_str().is_some_and(|m| !m.is_empty()), "{document}");
        assert_eq!(document["diagnostics"], serde_json::json!([]));
    }
}

const INITIATIVE: &str = "tests/fixtures/test_runner/initiative";

#[test]
fn initiative_cases_evaluate_each_member_with_what_the_initiative_gives_it() {
    let output = gavel(&["test", &format!("{INITIATIVE}/passing.test.yaml")]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("2 passed"), "{}", stdout(&output));
}

#[test]
fn an_initiative_failure_names_the_member_and_where_its_parameter_came_from() {
    let output = gavel(&["test", &format!("{INITIATIVE}/failing.test.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    let report = untimed(&stdout(&output));
    assert!(
        report.contains("member `Deny-Compute-PublicIp` (policy `no_public_ip_compute`): expected deny, got Audit; `effect` is \"Audit\" (from the initiative's `computeEffect`, its default)"),
        "{report}"
    );
    insta::assert_snapshot!("initiative_failing_human", report);
    let output = gavel(&["test", &format!("{INITIATIVE}/failing.test.yaml"), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let members = &report["files"][0]["cases"][0]["members"];
    assert_eq!(members[0]["reference"], "Deny-Compute-PublicIp", "{report:#}");
    assert_eq!(members[0]["status"], "failed");
    assert_eq!(members[0]["actual"]["effect"], "Audit");
}

#[test]
fn initiative_cases_that_cannot_run_get_located_diagnostics() {
    let output = gavel(&["test", &format!("{INITIATIVE}/errors.test.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("initiative_errors", stderr(&output));
}

#[test]
fn the_example_initiative_tests_pass() {
    let output = gavel(&["test", "examples"]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("3 passed"), "{}", stdout(&output));
}

#[test]
fn eval_of_an_initiative_gives_each_members_outcome() {
    let resource = format!("{RESOURCES}/compute-instance-ssh.json");
    let output = gavel(&["eval", "examples/ml-baseline.gavel", &resource]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("Deny             Computes-PublicIp  (policy `deny_compute_public_ip`)"), "{report}");
    assert!(report.contains("not applicable   Jobs-ServerlessSpark"), "{report}");
    let output = gavel(&[
        "eval",
        "examples/ml-baseline.gavel",
        &resource,
        "--parameters",
        r#"{"computeEffect": "Disabled"}"#,
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["members"][0]["reference"], "Computes-PublicIp");
    assert_eq!(document["members"][0]["actual"]["effect"], serde_json::Value::Null);
    let output = gavel(&["eval", "examples/ml-baseline.gavel", &resource, "--parameters", r#"{"bogus": 1}"#]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("`ml_baseline` has no parameter `bogus`"), "{}", stderr(&output));
}

//! One rule for the ids by which initiatives reference the policies built with them: every
//! target, at a management group and at a subscription, points each member at a definition the
//! same build creates, under the name that definition is created with.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const LIBRARY: &str = r#"
policy deny_public_ip {
    name "0a1b2c3d-0000-4000-8000-000000000001"
    when compute { enableNodePublicIp == true }
    then deny
}

policy audit_ssh {
    when compute { sshSettings.sshPublicAccess == "Enabled" }
    then audit
}

initiative guardrails {
    policy deny_public_ip
    policy audit_ssh
}
"#;

const MANAGEMENT_GROUP: &str = "/providers/Microsoft.Management/managementGroups/contoso";
const SUBSCRIPTION: &str = "/subscriptions/0b8e3a6b-0000-4000-8000-00000000000a";

fn library() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("library.gavel"), LIBRARY).expect("written");
    dir
}

fn build(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gavel"))
        .arg("build")
        .arg(dir.join("library.gavel"))
        .arg("--out-dir")
        .arg(dir.join("out"))
        .args(args)
        .output()
        .expect("gavel runs")
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

fn ids(members: &Value) -> Vec<String> {
    members
        .as_array()
        .expect("a member list")
        .iter()
        .map(|m| m["policyDefinitionId"].as_str().expect("an id").to_string())
        .collect()
}

/// The member ids the definition target writes, checked against the policy files it writes.
fn definition_target_ids(scope: &str) -> Vec<String> {
    let dir = library();
    let output = build(dir.path(), &["--definition-scope", scope]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = dir.path().join("out");
    let names: Vec<String> = ["deny_public_ip", "audit_ssh"]
        .iter()
        .map(|file| json(&out.join(format!("{file}.json")))["name"].as_str().expect("a name").to_string())
        .collect();
    assert_eq!(names, ["0a1b2c3d-0000-4000-8000-000000000001", "audit_ssh"]);
    let ids = ids(&json(&out.join("guardrails.json"))["properties"]["policyDefinitions"]);
    let expected: Vec<String> = names
        .iter()
        .map(|name| format!("{scope}/providers/Microsoft.Authorization/policyDefinitions/{name}"))
        .collect();
    assert_eq!(ids, expected);
    ids
}

#[test]
fn the_definition_and_az_targets_reference_the_definitions_built_at_either_scope() {
    for scope in [MANAGEMENT_GROUP, SUBSCRIPTION] {
        let expected = definition_target_ids(scope);
        let dir = library();
        let output = build(dir.path(), &["--target", "az", "--definition-scope", scope]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let az = ids(&json(&dir.path().join("out/guardrails.definitions.json")));
        assert_eq!(az, expected, "az at {scope}");
    }
}

#[test]
fn the_arm_target_computes_the_ids_where_it_is_deployed() {
    for (scope, schema, function) in [
        (MANAGEMENT_GROUP, "managementGroupDeploymentTemplate", "extensionResourceId(managementGroup().id, "),
        (SUBSCRIPTION, "subscriptionDeploymentTemplate", "subscriptionResourceId("),
    ] {
        let dir = library();
        let output = build(dir.path(), &["--target", "arm", "--definition-scope", scope]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let template = json(&dir.path().join("out/azuredeploy.json"));
        assert!(template["$schema"].as_str().is_some_and(|s| s.contains(schema)), "{scope}: {}", template["$schema"]);
        let resources = template["resources"].as_array().expect("resources");
        let built: Vec<&str> = resources
            .iter()
            .filter(|r| r["type"] == "Microsoft.Authorization/policyDefinitions")
            .map(|r| r["name"].as_str().expect("a name"))
            .collect();
        let initiative = resources
            .iter()
            .find(|r| r["type"] == "Microsoft.Authorization/policySetDefinitions")
            .expect("the initiative");
        let expected: Vec<String> = built
            .iter()
            .map(|name| format!("[{function}'Microsoft.Authorization/policyDefinitions', '{name}')]"))
            .collect();
        assert_eq!(ids(&initiative["properties"]["policyDefinitions"]), expected, "{scope}");
        assert_eq!(initiative["dependsOn"], serde_json::json!(expected), "{scope}");
    }
}

#[test]
fn the_scope_comes_from_gavel_toml_when_no_flag_gives_it() {
    let dir = library();
    std::fs::write(dir.path().join("gavel.toml"), format!("definition-scope = \"{SUBSCRIPTION}/\"\n"))
        .expect("written");
    let output = build(dir.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let ids = ids(&json(&dir.path().join("out/guardrails.json"))["properties"]["policyDefinitions"]);
    assert_eq!(ids[1], format!("{SUBSCRIPTION}/providers/Microsoft.Authorization/policyDefinitions/audit_ssh"));
}

#[test]
fn a_scope_azure_would_not_take_is_refused() {
    let dir = library();
    let output = build(dir.path(), &["--definition-scope", "contoso"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("write `/providers/Microsoft.Management/managementGroups/contoso`"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "nothing is written");

    std::fs::write(dir.path().join("gavel.toml"), "definition-scope = \"/resourceGroups/rg\"\n").expect("written");
    let output = build(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GV0009") && stderr.contains("is not a definition scope"), "{stderr}");
}

#[test]
fn members_without_a_scope_are_warned_about_except_for_arm() {
    let dir = library();
    let output = build(dir.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GV0131") && stderr.contains("`guardrails` references `deny_public_ip`"), "{stderr}");
    let output = build(dir.path(), &["--target", "arm"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("GV0131"));
}

//! `gavel diff OLD NEW`: each kind of breaking change is named, a breaking change without a new
//! major version fails the run, and a clean minor bump passes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// A library of one policy and one initiative; `policy` and `initiative` replace their bodies.
fn library(dir: &Path, policy: &str, initiative: &str) {
    std::fs::create_dir_all(dir).expect("a folder");
    let text = format!(
        "policy idle_shutdown {{\n{policy}\n    when compute {{ computeType == \"ComputeInstance\" }}\n    then $effect\n}}\n\n\
         policy deny_public_ip {{\n    when compute {{ enableNodePublicIp == true }}\n    then deny\n}}\n\n\
         initiative baseline {{\n{initiative}\n}}\n"
    );
    std::fs::write(dir.join("library.gavel"), text).expect("written");
}

const POLICY: &str = "    version \"1.0.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: integer = 30";
const INITIATIVE: &str = "    version \"1.0.0\"\n    policy idle_shutdown\n    policy deny_public_ip";

fn diff(old: &Path, new: &Path) -> (Output, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_gavel"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--format", "json"])
        .output()
        .expect("gavel runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    });
    (output, json)
}

/// The change kinds reported for `name`.
fn kinds(report: &Value, name: &str) -> Vec<String> {
    let definition = report["definitions"].as_array().and_then(|d| d.iter().find(|d| d["name"] == name));
    definition
        .and_then(|d| d["changes"].as_array())
        .map(|changes| changes.iter().map(|c| c["kind"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

/// `new_policy` against the base policy, at version 1.0.0 → `version`.
fn policy_change(new_policy: &str) -> (Output, Value) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // The policy in no initiative: a parameter it newly requires is for assignments to give.
    let initiative = "    version \"1.0.0\"\n    policy deny_public_ip";
    library(&dir.path().join("old"), POLICY, initiative);
    library(&dir.path().join("new"), new_policy, initiative);
    diff(&dir.path().join("old"), &dir.path().join("new"))
}

#[test]
fn each_breaking_change_is_named_and_fails_without_a_major_version() {
    let cases = [
        ("    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]", "parameter-removed"),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param idleMinutes: integer = 30",
            "parameter-renamed",
        ),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: integer = 30\n    param owner: string = []",
            "parameter-added",
        ),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: string = \"30\"",
            "parameter-type-changed",
        ),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: integer = 30 in [30, 60]",
            "allowed-values-narrowed",
        ),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Disabled]\n    param minutes: integer = 30",
            "effect-no-longer-allowed",
        ),
    ];
    let required = [
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: integer = 30\n    param owner: string",
            "parameter-newly-required",
        ),
        (
            "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    param minutes: integer",
            "parameter-newly-required",
        ),
    ];
    for (new_policy, kind) in cases.into_iter().filter(|(_, kind)| *kind != "parameter-added").chain(required) {
        let (output, report) = policy_change(new_policy);
        assert!(kinds(&report, "idle_shutdown").contains(&kind.to_string()), "{kind}: {report:#}");
        assert_eq!(output.status.code(), Some(1), "{kind}: a minor bump is not enough");
        let definition = &report["definitions"][0];
        assert_eq!(definition["needsMajorVersion"], true, "{kind}");
    }
}

#[test]
fn a_major_version_makes_a_breaking_change_pass() {
    let (output, report) =
        policy_change("    version \"2.0.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]");
    assert_eq!(kinds(&report, "idle_shutdown"), ["parameter-removed"]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
}

#[test]
fn a_clean_minor_bump_passes() {
    let (output, report) = policy_change(
        "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled, Manual]\n    param minutes: integer = 30\n    param note: string = \"\"",
    );
    assert_eq!(kinds(&report, "idle_shutdown"), ["parameter-added"]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let verdict = report["definitions"][0]["version"].as_str().unwrap_or_default();
    assert!(verdict.contains("1.0.0 → 1.1.0: compatible"), "{verdict}");
}

#[test]
fn a_member_or_definition_removed_is_breaking() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    library(&dir.path().join("old"), POLICY, INITIATIVE);
    library(&dir.path().join("new"), POLICY, "    version \"1.1.0\"\n    policy idle_shutdown");
    let (output, report) = diff(&dir.path().join("old"), &dir.path().join("new"));
    assert_eq!(kinds(&report, "baseline"), ["member-removed"]);
    assert_eq!(output.status.code(), Some(1));

    std::fs::write(
        dir.path().join("new/library.gavel"),
        "policy other {\n    when compute { enableNodePublicIp == true }\n    then deny\n}\n",
    )
    .expect("written");
    let (_, report) = diff(&dir.path().join("old"), &dir.path().join("new"));
    assert_eq!(kinds(&report, "idle_shutdown"), ["definition-removed"]);
    assert_eq!(kinds(&report, "other"), ["definition-added"]);
}

#[test]
fn the_old_version_can_be_a_git_revision() {
    let git = |dir: &Path, args: &[&str]| {
        let status = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git runs").status;
        assert!(status.success(), "git {args:?}");
    };
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let policies = dir.path().join("policies");
    library(&policies, POLICY, INITIATIVE);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "add", "."]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"]);
    library(
        &policies,
        "    version \"1.1.0\"\n    param effect: effect = Audit in [Audit, Deny, Disabled]",
        INITIATIVE,
    );
    let (output, report) = diff(Path::new("git:HEAD"), &policies);
    assert_eq!(kinds(&report, "idle_shutdown"), ["parameter-removed"], "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(1));
}

//! `gavel decompile` and `gavel fmt` as a user runs them: outputs, exit codes, no overwrites.

use std::path::Path;
use std::process::Command;

const POLICY: &str = r#"{"name": "n", "properties": {"displayName": "D", "mode": "All", "parameters": {},
  "policyRule": {"if": {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"}, "then": {"effect": "audit"}}}}"#;

fn gavel(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gavel")).args(args).current_dir(dir).output().expect("gavel runs");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

#[test]
fn decompile_prints_one_file_and_writes_several() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("a.json"), POLICY).expect("written");
    std::fs::write(dir.path().join("b.json"), POLICY.replace("\"n\"", "\"m\"")).expect("written");
    let (code, stdout, _) = gavel(&["decompile", "a.json"], dir.path());
    assert_eq!(code, 0);
    assert!(stdout.starts_with("policy n \"D\" {"), "{stdout}");
    assert!(stdout.contains("when workspace"), "{stdout}");
    let (code, _, stderr) = gavel(&["decompile", "a.json", "b.json", "--out-dir", "out"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("out/a.gavel").is_file() && dir.path().join("out/b.gavel").is_file());
    // Existing files are not replaced without --force.
    let (code, _, stderr) = gavel(&["decompile", "a.json", "b.json", "--out-dir", "out"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    let (code, _, _) = gavel(&["decompile", "a.json", "b.json", "--out-dir", "out", "--force"], dir.path());
    assert_eq!(code, 0);
    // What was written builds.
    let (code, _, stderr) = gavel(&["build", "out", "--out-dir", "built"], dir.path());
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn decompile_reports_unreadable_json_with_exit_code_1() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("bad.json"), "{\"properties\": ").expect("written");
    let (code, stdout, stderr) = gavel(&["decompile", "bad.json"], dir.path());
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("GV0500"), "{stderr}");
}

#[test]
fn fmt_check_lists_unformatted_files_and_fmt_rewrites_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let messy = "policy p { mode all when workspace then audit }\n";
    std::fs::write(dir.path().join("p.gavel"), messy).expect("written");
    let (code, stdout, _) = gavel(&["fmt", "--check"], dir.path());
    assert_eq!(code, 1);
    assert_eq!(stdout.trim(), "p.gavel");
    assert_eq!(std::fs::read_to_string(dir.path().join("p.gavel")).unwrap_or_default(), messy);
    let (code, _, _) = gavel(&["fmt"], dir.path());
    assert_eq!(code, 0);
    let formatted = std::fs::read_to_string(dir.path().join("p.gavel")).unwrap_or_default();
    assert_eq!(formatted, "policy p {\n    mode all\n    when workspace\n    then audit\n}\n");
    let (code, stdout, _) = gavel(&["fmt", "--check"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn fmt_leaves_files_with_syntax_errors_alone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let broken = "policy p { when compute { computeType == } then deny }\n";
    std::fs::write(dir.path().join("p.gavel"), broken).expect("written");
    let (code, _, stderr) = gavel(&["fmt"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("GV0005"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("p.gavel")).unwrap_or_default(), broken);
}

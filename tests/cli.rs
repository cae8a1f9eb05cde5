//! The `gavel` binary as build scripts and CI use it: exit codes, outputs, atomic and
//! deterministic writes, targets, formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gavel(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gavel")).args(args).current_dir(dir).output().expect("gavel runs")
}

fn stdlib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/policies")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a fixture");
    path
}

const GOOD: &str = "policy good { when workspace { publicNetworkAccess != \"Disabled\" } then audit }\n";
const BAD: &str = "policy bad { when workspce { publicNetworkAccess != \"Disabled\" } then audit }\n";

#[test]
fn building_the_library_succeeds_and_is_deterministic() {
    let temp = tempfile::tempdir().expect("temp dir");
    let (a, b) = (temp.path().join("a"), temp.path().join("b"));
    for out in [&a, &b] {
        let output = gavel(
            &["build", stdlib().to_str().unwrap_or_default(), "--out-dir", out.to_str().unwrap_or_default()],
            temp.path(),
        );
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let mut files: Vec<_> = std::fs::read_dir(&a).expect("output").flatten().map(|e| e.file_name()).collect();
    files.sort();
    assert!(files.len() >= 36, "{} files", files.len());
    for file in files {
        assert_eq!(
            std::fs::read(a.join(&file)).ok(),
            std::fs::read(b.join(&file)).ok(),
            "{file:?} differs between runs"
        );
    }
}

/// Files are compiled in parallel: one thread or several, the outputs and the diagnostics are
/// the same, byte for byte.
#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let temp = tempfile::tempdir().expect("temp dir");
    let library = stdlib();
    let library = library.to_str().unwrap_or_default();
    let run = |threads: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gavel"))
            .args(args)
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(temp.path())
            .output()
            .expect("gavel runs")
    };
    for (threads, out) in [("1", "one"), ("4", "four")] {
        assert!(run(threads, &["build", library, "--out-dir", out]).status.success());
    }
    let one = std::fs::read_dir(temp.path().join("one")).expect("output").flatten().count();
    assert!(one >= 36, "{one} files");
    for entry in std::fs::read_dir(temp.path().join("one")).expect("output").flatten() {
        let name = entry.file_name();
        let four = std::fs::read(temp.path().join("four").join(&name)).ok();
        assert_eq!(std::fs::read(entry.path()).ok(), four, "{name:?} differs");
    }
    let check = |threads: &str| run(threads, &["check", library, "--format", "json"]).stdout;
    assert_eq!(check("1"), check("4"), "diagnostics differ");
}

#[test]
fn errors_exit_with_one_and_leave_the_previous_output_intact() {
    let temp = tempfile::tempdir().expect("temp dir");
    let source = write(temp.path(), "p.gavel", GOOD);
    assert!(gavel(&["build", "p.gavel", "--out-dir", "out"], temp.path()).status.success());
    let before = std::fs::read(temp.path().join("out/good.json")).expect("first build wrote good.json");

    std::fs::write(&source, GOOD.replace("audit", "deny") + BAD).expect("edit");
    let output = gavel(&["build", "p.gavel", "--out-dir", "out"], temp.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GV0104") && stderr.contains("did you mean `workspace`?"), "{stderr}");
    assert_eq!(
        std::fs::read(temp.path().join("out/good.json")).ok(),
        Some(before),
        "a failed build changed the output"
    );
    let leftovers: Vec<_> = std::fs::read_dir(temp.path().join("out"))
        .expect("out")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// Regression: temporary names were numbered per run, so a build of more than 100 outputs
/// failed with "could not create a temporary file".
#[test]
fn builds_of_many_outputs_write_every_file() {
    let temp = tempfile::tempdir().expect("temp dir");
    let source: String = (0..250).map(|i| GOOD.replace("good", &format!("good_{i}"))).collect();
    write(temp.path(), "many.gavel", &source);
    for _ in 0..2 {
        let output = gavel(&["build", "many.gavel", "--out-dir", "out"], temp.path());
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let names: Vec<String> = std::fs::read_dir(temp.path().join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".gavel-outputs")
        .collect();
    assert_eq!(names.len(), 250, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("good_") && n.ends_with(".json")), "{names:?}");
}

#[test]
fn usage_and_io_problems_exit_with_two() {
    let temp = tempfile::tempdir().expect("temp dir");
    assert_eq!(gavel(&["build", "missing.gavel"], temp.path()).status.code(), Some(2));
    assert_eq!(gavel(&["frobnicate"], temp.path()).status.code(), Some(2));
    assert_eq!(gavel(&["explain", "GV9999"], temp.path()).status.code(), Some(2));
    write(temp.path(), "p.gavel", GOOD);
    write(temp.path(), "blocker", "a file where the output folder should be");
    assert_eq!(gavel(&["build", "p.gavel", "--out-dir", "blocker"], temp.path()).status.code(), Some(2));
}

#[test]
fn check_reports_in_every_format() {
    let temp = tempfile::tempdir().expect("temp dir");
    write(temp.path(), "bad.gavel", BAD);
    let json = gavel(&["check", "bad.gavel", "--format", "json"], temp.path());
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert_eq!(value.pointer("/diagnostics/0/code").and_then(|c| c.as_str()), Some("GV0104"));
    let sarif = gavel(&["check", "bad.gavel", "--format", "sarif"], temp.path());
    let value: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF output");
    assert_eq!(value.get("version").and_then(|v| v.as_str()), Some("2.1.0"));
    assert_eq!(value.pointer("/runs/0/results/0/ruleId").and_then(|c| c.as_str()), Some("GV0104"));
    write(temp.path(), "bad.gavel", GOOD);
    assert!(gavel(&["check", "bad.gavel"], temp.path()).status.success());
}

#[test]
fn explain_prints_the_long_form() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = gavel(&["explain", "GV0105"], temp.path());
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("undefined-parameter") && text.contains("$name"), "{text}");
    let list = gavel(&["explain"], temp.path());
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() >= 30);
}

#[test]
fn arm_target_escapes_policy_expressions() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output =
        gavel(&["build", stdlib().to_str().unwrap_or_default(), "--out-dir", "arm", "--target", "arm"], temp.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(temp.path().join("arm/azuredeploy.json")).expect("template");
    let template: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let resources = template.get("resources").and_then(|r| r.as_array()).expect("resources");
    assert!(resources.len() >= 36);
    assert!(text.contains("\"[[parameters('effect')]\""), "policy expressions are escaped");
    assert!(!text.contains("\"[parameters('effect')]\""), "no unescaped policy expression is left");
}

#[test]
fn az_target_writes_rules_and_params() {
    let temp = tempfile::tempdir().expect("temp dir");
    write(
        temp.path(),
        "p.gavel",
        "policy p { param effect: effect = Audit in [Audit, Disabled] when workspace then $effect }",
    );
    assert!(gavel(&["build", "p.gavel", "--out-dir", "az", "--target", "az"], temp.path()).status.success());
    let rules: serde_json::Value =
        serde_json::from_slice(&std::fs::read(temp.path().join("az/p.rules.json")).expect("rules")).expect("JSON");
    let params: serde_json::Value =
        serde_json::from_slice(&std::fs::read(temp.path().join("az/p.params.json")).expect("params")).expect("JSON");
    assert!(rules.get("if").is_some() && rules.get("then").is_some());
    assert_eq!(params.pointer("/effect/type").and_then(|t| t.as_str()), Some("String"));
}

#[test]
fn imports_stay_inside_the_project_root() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path().join("project");
    std::fs::create_dir_all(project.join("sub")).expect("dirs");
    write(&project, "gavel.toml", "");
    write(temp.path(), "outside.gavel", GOOD);
    write(&project, "shared.gavel", "policy shared { when workspace then audit }");
    write(&project.join("sub"), "main.gavel", "import \"../shared.gavel\"\ninitiative set { policy shared }\n");
    let ok = gavel(&["build", "sub/main.gavel", "--out-dir", "out"], &project);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(project.join("out/set.json").is_file() && !project.join("out/shared.json").exists());
    write(&project.join("sub"), "main.gavel", "import \"../../outside.gavel\"\n");
    let escape = gavel(&["build", "sub/main.gavel", "--out-dir", "out"], &project);
    assert_eq!(escape.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&escape.stderr).contains("outside the project root"));
}

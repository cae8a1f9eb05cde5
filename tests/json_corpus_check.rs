//! `gavel check` on existing Azure Policy JSON: every definition in `../shared/data/builtin`
//! and `../shared/data/custom` (raw, `{"properties"}`-wrapped, ARM templates with `[[`
//! escapes) checks with zero errors. Warnings are allowed; each is listed in a snapshot with
//! the reason it is right. Skipped, with a message, where `../shared/data` is absent.

use std::path::{Path, PathBuf};

use gavel::diag::Severity;
use gavel::project::compile_paths;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn builtin_and_custom_json_check_without_errors() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.is_dir() {
        eprintln!("skipped: {} is absent", data.display());
        return;
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut checked = 0;
    for folder in ["builtin", "custom"] {
        for file in json_files(&data.join(folder)) {
            checked += 1;
            // One file at a time: the corpus holds some definitions twice (ALZ sources and
            // their library copies), which would be duplicate names in one compilation.
            let compilation = compile_paths(std::slice::from_ref(&file)).expect("the file exists");
            let shown = file.strip_prefix(&data).unwrap_or(&file).display().to_string();
            for diagnostic in compilation.diagnostics.iter() {
                let line = format!("{shown}: {} {}", diagnostic.code.id(), diagnostic.message);
                match diagnostic.severity {
                    Severity::Error => errors.push(line),
                    Severity::Warning => warnings.push(line),
                    Severity::Hint => {}
                }
            }
        }
    }
    println!("checked {checked} JSON definitions");
    assert!(errors.is_empty(), "{} errors:\n{}", errors.len(), errors.join("\n"));
    // Why each warning is right:
    // - ComputeInstanceUpdates_Audit and Workspace_EnableV1LegacyMode_Audit compare boolean
    //   aliases with the strings "false"/"true"; Azure converts, but the literal is misleading.
    // - the Learn example spells the alias `enableNodePublicIP`; the catalog says `enableNodePublicIp`.
    insta::assert_snapshot!(warnings.join("\n"));
}

//! `gavel check` on existing Azure Policy JSON: every definition in `../shared/data/builtin`
//! and `../shared/data/custom` (raw, `{"properties"}`-wrapped, ARM templates with `[[`
//! escapes) checks with zero errors. Warnings are allowed; each is listed in a snapshot with
//! the reason it is right. Skipped, with a message, where `../shared/data` is absent.

mod common;

use common::{json_files, shared_data};

use gavel::diag::Severity;
use gavel::project::compile_paths;

#[test]
fn builtin_and_custom_json_check_without_errors() {
    let Some(data) = shared_data() else { return };
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

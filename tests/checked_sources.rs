//! Everything gavel ships as source, `stdlib/policies/` and `examples/`, checks without errors,
//! and every warning it keeps is deliberate: each is listed here with its reason, and the list
//! with the reasons is the snapshot.

use std::path::Path;

use gavel::diag::{Code, Severity};
use gavel::project::compile_paths;

/// Warnings kept on purpose: (file name, code, why).
const JUSTIFIED: &[(&str, Code, &str)] = &[
    (
        "compute_instance_updates_audit.gavel",
        Code::CoercedValue,
        "reproduces the built-in, which compares the boolean isLatestOsImageVersion with the string \"false\"",
    ),
    (
        "workspace_enable_v1_legacy_mode_audit.gavel",
        Code::CoercedValue,
        "reproduces the built-in, which compares the boolean v1LegacyMode with the string \"true\"",
    ),
    (
        "deny-compute-public-ip.gavel",
        Code::AliasCasing,
        "reproduces the Microsoft Learn example, which spells the alias enableNodePublicIP",
    ),
];

#[test]
fn stdlib_and_examples_check_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compilation = compile_paths(&[root.join("stdlib/policies"), root.join("examples")]).expect("the folders exist");
    let mut report = String::new();
    let mut unjustified = Vec::new();
    let mut used = vec![false; JUSTIFIED.len()];
    for diagnostic in compilation.diagnostics.iter() {
        let path = compilation.sources.path(diagnostic.span.file);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let line = compilation.sources.get(diagnostic.span.file).map_or(0, |f| f.line_col(diagnostic.span.start).0 + 1);
        let why = JUSTIFIED.iter().position(|(file, code, _)| *file == name && *code == diagnostic.code);
        if let Some(i) = why {
            used[i] = true;
        }
        let reason = match (diagnostic.severity, why) {
            (Severity::Hint, _) => "a hint".to_string(),
            (_, Some(i)) => JUSTIFIED[i].2.to_string(),
            (_, None) => {
                unjustified.push(format!(
                    "{name}:{line}: {} {}: {}",
                    diagnostic.severity.as_str(),
                    diagnostic.code.id(),
                    diagnostic.message
                ));
                continue;
            }
        };
        report.push_str(&format!(
            "{name}:{line}: {} {}: {}\n    because: {reason}\n",
            diagnostic.severity.as_str(),
            diagnostic.code.id(),
            diagnostic.message
        ));
    }
    assert!(unjustified.is_empty(), "errors or unexplained warnings:\n{}", unjustified.join("\n"));
    // A justification whose file exists but no longer warns is stale.
    for (i, (file, code, _)) in JUSTIFIED.iter().enumerate() {
        let present = compilation.sources.iter().any(|(_, f)| f.path.file_name().is_some_and(|n| n == *file));
        assert!(used[i] || !present, "{file} no longer reports {}: remove its justification", code.id());
    }
    insta::assert_snapshot!(report);
}

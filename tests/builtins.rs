//! Azure's own built-in definitions (`../shared/data/azure-policy/built-in-policies`, 5,266
//! policies and initiatives that Azure accepted) are the reference: checked in one run, they
//! give no error, and each decompiles to gavel that builds back to a semantically equal
//! definition (`gavel::emit::semantic`). The folder is not part of the repository; where it is
//! absent, these tests are compiled as ignored (see `build.rs`) and say why.

mod common;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use common::{builtin_policies, json_files, round_trip};
use gavel::diag::{Code, Severity};
use gavel::project::compile_paths;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files = json_files(&dir.join("policyDefinitions"));
    files.extend(json_files(&dir.join("policySetDefinitions")));
    files
}

/// All files in one check run, as `gavel check` is given them: no errors. Azure Government
/// copies share names with the public ones; they live in other folders, hence other projects,
/// which may share names.
#[test]
#[cfg_attr(not(azure_builtins), ignore = "needs ../shared/data/azure-policy (not part of the repository)")]
fn every_builtin_checks_without_errors() {
    let Some(dir) = builtin_policies() else { return };
    let files = files(&dir);
    let compilation = compile_paths(&files).expect("the files exist");
    let (mut policies, mut initiatives) = (0, 0);
    for definition in compilation.emitted_definitions() {
        match definition {
            gavel::ast::Definition::Policy(_) => policies += 1,
            gavel::ast::Definition::Initiative(_) => initiatives += 1,
        }
    }
    let mut errors = Vec::new();
    let mut warnings = 0;
    let mut unchecked = std::collections::BTreeSet::new();
    for diagnostic in compilation.diagnostics.iter() {
        let file = || compilation.sources.get(diagnostic.span.file).map(|f| f.path.display().to_string());
        if diagnostic.code == Code::UncheckedNamespace {
            unchecked.insert(format!("{} ({})", file().unwrap_or_default(), diagnostic.message));
        }
        match diagnostic.severity {
            Severity::Error => {
                errors.push(format!("{}: {} {}", file().unwrap_or_default(), diagnostic.code.id(), diagnostic.message));
            }
            Severity::Warning => warnings += 1,
            Severity::Hint => {}
        }
    }
    println!(
        "checked {} files: {policies} policies, {initiatives} initiatives; {} errors, {warnings} warnings; \
         {} files with aliases the catalog does not cover",
        files.len(),
        errors.len(),
        unchecked.len()
    );
    for file in &unchecked {
        println!("  not checked: {file}");
    }
    assert_eq!(files.len(), policies + initiatives, "one definition per file");
    assert!(errors.is_empty(), "{} errors:\n{}", errors.len(), errors.join("\n"));
    // The bundled catalog covers every namespace the built-ins use, retired providers included
    // (their aliases are known from the built-ins themselves).
    assert!(unchecked.len() <= 15, "{} files not checked:\n{unchecked:#?}", unchecked.len());
}

#[test]
#[cfg_attr(not(azure_builtins), ignore = "needs ../shared/data/azure-policy (not part of the repository)")]
fn every_builtin_round_trips() {
    let Some(dir) = builtin_policies() else { return };
    let files = files(&dir);
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|path| round_trip(path).err().map(|failure| format!("{}: {}", path.display(), failure.why)))
        .collect();
    println!("round trip: {} of {} files equal", files.len() - failures.len(), files.len());
    let shown: Vec<&String> = failures.iter().take(20).collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ (first 20):\n{}",
        failures.len(),
        files.len(),
        shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

//! Building `stdlib/policies` reproduces every Machine Learning built-in definition in
//! `../shared/data/builtin/`, and `examples/` reproduces the two Microsoft Learn examples,
//! semantically (see `gavel::emit::semantic`). The originals are read from `../shared/data`;
//! where that folder is absent the test says so and passes without comparing.

mod common;

use std::path::Path;

use common::{json_files, read_text, shared_data};

use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::project::compile_paths;
use serde_json::Value;

fn read_json(path: &Path) -> Value {
    let text = read_text(path);
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds a folder of gavel sources and returns the emitted definitions.
fn build(dir: &str) -> Vec<Value> {
    let compilation = compile_paths(&[Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)]).expect("the folder exists");
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{:?}: {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{dir} has errors: {errors:#?}");
    compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect()
}

fn display_name(definition: &Value) -> Option<&str> {
    definition.pointer("/properties/displayName").and_then(Value::as_str)
}

#[test]
fn stdlib_reproduces_every_ml_builtin() {
    let Some(data) = shared_data() else { return };
    let built = build("stdlib/policies");
    let originals = json_files(&data.join("builtin"));
    assert_eq!(originals.len(), 36, "26 ML built-ins, the Azure Government variant and 9 diagnostic-settings policies");
    let mut failures = Vec::new();
    for path in &originals {
        let original = read_json(path);
        let name = original.get("name").and_then(Value::as_str).unwrap_or_default();
        // The Azure Government copy shares its name with the public one; tell them apart by version.
        let version = original.pointer("/properties/version");
        let candidate = built.iter().find(|d| {
            d.get("name").and_then(Value::as_str) == Some(name) && d.pointer("/properties/version") == version
        });
        match candidate {
            None => failures.push(format!("{}: no gavel policy named {name}", path.display())),
            Some(definition) => {
                if let Err(difference) = compare_definitions(&original, definition) {
                    failures.push(format!("{}: {difference}", path.display()));
                }
            }
        }
    }
    println!("compared {} built-in definitions", originals.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), originals.len(), failures.join("\n"));
}

#[test]
fn examples_reproduce_the_learn_examples() {
    let Some(data) = shared_data() else { return };
    let built = build("examples");
    let originals = json_files(&data.join("custom/docs-examples"));
    assert_eq!(originals.len(), 2);
    for path in &originals {
        let original = read_json(path);
        let definition = built
            .iter()
            .find(|d| display_name(d) == display_name(&original))
            .unwrap_or_else(|| panic!("{}: no example with this display name", path.display()));
        if let Err(difference) = compare_definitions(&original, definition) {
            panic!("{}: {difference}", path.display());
        }
    }
}

//! The decompiler over the reference corpus: reading, round trips and snapshots.

mod common;

use common::{CORPUS, deployed_definitions, json_files, read_text, shared_data};
use gavel::decompile::read_json_definitions;
use gavel::emit::EmitOptions;
use gavel::emit::semantic::compare_definitions;
use gavel::emit::target::definition_json;
use gavel::syntax::span::FileId;

/// Reading a definition and emitting the AST gives the definition back: the reader loses
/// nothing, whatever the printer later does with it.
#[test]
fn reader_loses_nothing() {
    let Some(data) = shared_data() else { return };
    let mut failures = Vec::new();
    let mut total = 0;
    for folder in CORPUS {
        for path in json_files(&data.join(folder)) {
            total += 1;
            let text = read_text(&path);
            let (definitions, diagnostics) = read_json_definitions(FileId(0), &text);
            if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
                failures.push(format!("{}: {}", path.display(), error.message));
                continue;
            }
            let expected = deployed_definitions(&text);
            if expected.len() != definitions.len() {
                failures.push(format!("{}: {} definitions read, {} expected", path.display(), definitions.len(), expected.len()));
                continue;
            }
            for (definition, expected) in definitions.iter().zip(&expected) {
                let emitted = definition_json(definition, &EmitOptions::default());
                if let Err(difference) = compare_definitions(expected, &emitted) {
                    failures.push(format!("{}: {difference}", path.display()));
                }
            }
        }
    }
    println!("read {total} files");
    assert!(failures.is_empty(), "{} of {total} differ:\n{}", failures.len(), failures.join("\n"));
}

/// What decompiling a file and building the result gives, or why that failed.
fn round_trip(path: &std::path::Path) -> Result<String, String> {
    let text = read_text(path);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let decompiled = gavel::decompile::decompile(&gavel::decompile::JsonInput::new(FileId(0), &text), stem.as_deref());
    let Some(source) = decompiled.source else {
        let errors: Vec<String> = decompiled.diagnostics.iter().map(|d| d.message.clone()).collect();
        return Err(format!("not decompiled: {}", errors.join("; ")));
    };
    let compilation = gavel::project::compile_source("decompiled.gavel", &source);
    let errors: Vec<String> =
        compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code.id(), d.message)).collect();
    if !errors.is_empty() {
        return Err(format!("does not build: {}\n{source}", errors.join("; ")));
    }
    let built: Vec<_> = compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect();
    let expected = deployed_definitions(&text);
    if built.len() != expected.len() {
        return Err(format!("{} definitions built, {} expected", built.len(), expected.len()));
    }
    for (expected, built) in expected.iter().zip(&built) {
        compare_definitions(expected, built).map_err(|d| format!("{d}\n{source}"))?;
    }
    Ok(source)
}

/// Issue 5's bar: every JSON file of the corpus decompiles, builds, and gives back a
/// semantically equal definition.
#[test]
fn decompile_then_build_gives_every_definition_back() {
    let Some(data) = shared_data() else { return };
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for folder in CORPUS {
        let files = json_files(&data.join(folder));
        let mut passed = 0;
        for path in &files {
            match round_trip(path) {
                Ok(_) => passed += 1,
                Err(why) => failures.push(format!("{}: {why}", path.display())),
            }
        }
        summary.push(format!("{folder}: {passed}/{}", files.len()));
    }
    println!("round trip: {}", summary.join(", "));
    assert!(failures.is_empty(), "{} failed ({}):\n{}", failures.len(), summary.join(", "), failures.join("\n\n"));
}

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

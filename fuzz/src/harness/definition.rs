//! Azure Policy JSON (definitions, initiatives, ARM templates, az CLI rules) through the two
//! ways gavel reads it: `gavel check x.json` (read, then checked as a compilation) and the
//! decompiler, whose source is then compiled, emitted and formatted as a gavel source is.
//!
//! Properties: what the decompiler writes parses, and compiles without errors whenever the
//! JSON itself checked without errors; it is already formatted (the decompiler prints with
//! the formatter's printer), and the source harness's properties hold of it.

use std::path::PathBuf;

use gavel::decompile::{JsonInput, decompile};
use gavel::project::{compile_paths, compile_source, decode_source};
use gavel::syntax::span::FileId;

use super::source::{check_formatting, check_outputs, check_rendering};
use super::{Harness, signature};
use crate::fragments;
use crate::seeds;

pub const HARNESS: Harness = Harness {
    name: "definition",
    summary: "Azure Policy JSON: `gavel check x.json`, decompile, then compile/emit/fmt of the result",
    run,
    dictionary: fragments::JSON,
    seeds: seeds::json_definitions,
    mutate: None,
};

pub fn run(data: &[u8]) -> u64 {
    let checked = compile_paths(&[write_input(data)]).expect("the input file is readable");
    check_rendering(&checked.diagnostics.iter().cloned().collect::<Vec<_>>(), &checked.sources);
    let Ok(text) = decode_source(data.to_vec()) else { return signature(checked.diagnostics.iter(), 0) };
    let decompiled = decompile(&JsonInput::new(FileId(0), &text), Some("fuzz"));
    let Some(source) = decompiled.source else {
        return signature(checked.diagnostics.iter().chain(&decompiled.diagnostics), 1);
    };
    let compilation = compile_source("fuzz.gavel", &source);
    if !checked.has_errors() {
        assert!(
            !compilation.has_errors(),
            "the decompiled source of a definition without errors has errors: {:?}\n{source}",
            compilation.diagnostics.iter().map(|d| (d.code, &d.message)).collect::<Vec<_>>()
        );
    }
    if !compilation.has_errors() {
        check_outputs(&compilation);
    }
    assert!(check_formatting(&source), "the decompiled source does not format:\n{source}");
    signature(checked.diagnostics.iter().chain(&decompiled.diagnostics).chain(compilation.diagnostics.iter()), 2)
}

/// The input as a file, where `gavel check` reads it: one folder for the thread (removed when
/// it ends), one file rewritten for each input.
fn write_input(data: &[u8]) -> PathBuf {
    thread_local! {
        static FOLDER: tempfile::TempDir = tempfile::tempdir().expect("a temporary folder");
    }
    let path = FOLDER.with(|folder| folder.path().join("fuzz.json"));
    std::fs::write(&path, data).expect("the input is written");
    path
}

//! gavel source through every phase: decode, parse, lower, check, emit (all three targets),
//! the diagnostic renderers and the formatter.
//!
//! Properties: the output of a clean compile is JSON that reads back to what was emitted;
//! formatting is idempotent (what `fmt` writes, `fmt` leaves as it is) and never reports that
//! it would change the meaning (`FormatError::Unstable`, a formatter bug).

use gavel::diag::Diagnostic;
use gavel::diag::render::{Format, render};
use gavel::emit::EmitOptions;
use gavel::emit::target::{Target, outputs};
use gavel::fmt::{FormatError, format_source};
use gavel::project::{Compilation, compile_source, decode_source};
use gavel::syntax::span::{FileId, SourceMap};

use super::{Harness, signature};
use crate::fragments;
use crate::seeds;

pub const HARNESS: Harness = Harness {
    name: "source",
    summary: "gavel source: parse, lower, check, emit, render, fmt",
    run,
    dictionary: fragments::GAVEL,
    seeds: seeds::gavel_sources,
    mutate: None,
};

pub fn run(data: &[u8]) -> u64 {
    let text = match decode_source(data.to_vec()) {
        Ok(text) => text,
        Err(error) => {
            let diagnostic = error.into_diagnostic(FileId(0));
            return signature([&diagnostic], 0);
        }
    };
    let compilation = compile_source("fuzz.gavel", &text);
    check_rendering(&compilation.diagnostics.iter().cloned().collect::<Vec<_>>(), &compilation.sources);
    let emitted = !compilation.has_errors();
    if emitted {
        check_outputs(&compilation);
    }
    let formatted = check_formatting(&text);
    signature(compilation.diagnostics.iter(), 1 + u64::from(emitted) + 2 * u64::from(formatted))
}

/// Every renderer, as `gavel check --format` prints diagnostics. Human output without colour
/// holds no escape character (the input's own are shown escaped); JSON and SARIF are JSON.
pub fn check_rendering(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let plain = render(Format::Human, diagnostics, sources, false);
    assert!(!plain.contains('\u{1b}'), "an escape character reaches the terminal:\n{plain:?}");
    let _ = render(Format::Human, diagnostics, sources, true);
    for format in [Format::Json, Format::Sarif] {
        let text = render(format, diagnostics, sources, false);
        let read: Result<serde_json::Value, _> = serde_json::from_str(&text);
        assert!(read.is_ok(), "{format:?} diagnostics are not JSON: {:?}", read.err());
    }
}

/// Every output file of every target is JSON that reads back to the same value.
pub fn check_outputs(compilation: &Compilation) {
    let definitions = compilation.emitted_definitions();
    for target in [Target::Definition, Target::Arm, Target::Az] {
        for file in outputs(&definitions, target, &EmitOptions::default()) {
            let read: Result<serde_json::Value, _> = serde_json::from_str(&file.text);
            assert!(read.is_ok(), "{target:?} output {} is not JSON: {:?}\n{}", file.path, read.err(), file.text);
        }
    }
}

/// Formats `text`; returns whether it could be formatted.
pub fn check_formatting(text: &str) -> bool {
    match format_source(FileId(0), text) {
        Ok(formatted) => {
            match format_source(FileId(0), &formatted) {
                Ok(again) => assert!(again == formatted, "fmt is not idempotent:\n{formatted}\n---\n{again}"),
                Err(error) => panic!("fmt's own output does not format again: {error:?}\n{formatted}"),
            }
            true
        }
        Err(FormatError::Syntax(_)) => false,
        Err(FormatError::Unstable(how)) => panic!("fmt would change the meaning: {how}"),
    }
}

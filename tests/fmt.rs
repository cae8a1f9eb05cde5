//! `gavel fmt`: snapshots of messy sources formatted, and stability over every gavel source in
//! the repository (idempotent, comments kept, same JSON: `format_source` checks the last two
//! on every call).

use std::path::{Path, PathBuf};

use gavel::fmt::{FormatError, format_source};
use gavel::syntax::span::FileId;

fn gavel_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            gavel_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "gavel") {
            out.push(path);
        }
    }
}

#[test]
fn messy_sources_format_canonically() {
    insta::glob!("fmt/*.gavel", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let formatted = format_source(FileId(0), &text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let again = format_source(FileId(0), &formatted).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(again, formatted, "{}: formatting is not idempotent", path.display());
        insta::assert_snapshot!(formatted);
    });
}

#[test]
fn every_source_in_the_repository_formats_stably() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["stdlib", "examples", "tests/constructs", "tests/fmt"] {
        gavel_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 40, "found only {} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let once = format_source(FileId(0), &text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let twice = format_source(FileId(0), &once).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(once, twice, "{}: formatting is not idempotent", path.display());
    }
}

/// The library and the examples are what users copy from: they are in the formatter's layout
/// (`gavel fmt --check stdlib examples` passes).
#[test]
fn the_library_and_examples_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["stdlib", "examples"] {
        gavel_files(&root.join(dir), &mut files);
    }
    let unformatted: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            format_source(FileId(0), &text).is_ok_and(|formatted| formatted != text)
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(unformatted.is_empty(), "not in `gavel fmt` layout: {unformatted:#?}");
}

#[test]
fn files_with_syntax_errors_are_left_alone() {
    let result = format_source(FileId(0), "policy p { when compute { computeType == } then deny }");
    assert!(matches!(result, Err(FormatError::Syntax(errors)) if !errors.is_empty()));
}

#[test]
fn every_comment_survives() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt/comments.gavel"))
        .unwrap_or_default();
    let formatted = format_source(FileId(0), &text).unwrap_or_default();
    for comment in text.lines().filter_map(|l| l.find("//").map(|i| l[i..].trim_end())) {
        assert!(formatted.contains(comment), "lost {comment:?}:\n{formatted}");
    }
}

/// `// gavel-disable-next-line` comments stay on the line before the one they silence, so a
/// formatted source reports what the original did.
#[test]
fn suppressions_survive_formatting() {
    let text = "policy p {\n    // gavel-disable-next-line unused-parameter\n    param legacy: string = \"x\"\n    when compute {\n// gavel-disable-next-line GV0302\n  computetype == \"AmlCompute\" }\n    then audit\n}\n";
    let formatted = format_source(FileId(0), text).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(formatted.contains("// gavel-disable-next-line GV0302\n        computetype"), "{formatted}");
    for source in [text, formatted.as_str()] {
        let compilation = gavel::project::compile_source("p.gavel", source);
        let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.id()).collect();
        assert!(codes.is_empty(), "{codes:?} in\n{source}");
    }
}

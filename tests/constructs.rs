//! Snapshot tests, one per language construct: `tests/constructs/*.gavel` → emitted JSON
//! (and any warnings), `tests/syntax_errors/*.gavel` → the rendered diagnostics.

use std::path::Path;

use gavel::diag::render::render_human;
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::{Compilation, compile_source};

fn compile(path: &Path) -> (Compilation, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    (compile_source(name, &text), text)
}

fn rendered(compilation: &Compilation) -> String {
    let diagnostics: Vec<_> = compilation.diagnostics.iter().cloned().collect();
    render_human(&diagnostics, &compilation.sources, false)
}

#[test]
fn constructs_compile_to_json() {
    insta::glob!("constructs/*.gavel", |path| {
        let (compilation, _) = compile(path);
        let errors: Vec<_> = compilation.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}:\n{}", path.display(), rendered(&compilation));
        let definitions: Vec<_> =
            compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect();
        let mut snapshot = serde_json::to_string_pretty(&definitions).unwrap_or_default();
        if !compilation.diagnostics.is_empty() {
            snapshot.push_str("\n\n");
            snapshot.push_str(&rendered(&compilation));
        }
        insta::assert_snapshot!(snapshot);
    });
}

#[test]
fn syntax_errors_render_every_diagnostic() {
    insta::glob!("syntax_errors/*.gavel", |path| {
        let (compilation, _) = compile(path);
        assert!(compilation.has_errors(), "{} should not compile", path.display());
        insta::assert_snapshot!(rendered(&compilation));
    });
}

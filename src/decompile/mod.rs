//! The decompiler: Azure Policy JSON → gavel source. [`read`] turns JSON into the AST (the same
//! AST the compiler produces, also used by `gavel check x.json`); [`raise`] turns the AST into
//! an idiomatic syntax tree, which the one printer in [`crate::fmt`] writes out.

pub mod arm;
pub mod files;
pub mod json;
pub mod raise;
pub mod read;

pub use read::{JsonInput, JsonSource, read_json_definitions, read_json_input};

use crate::diag::Diagnostic;

/// What decompiling one input gave.
#[derive(Debug, Clone)]
pub struct Decompiled {
    /// The gavel source; `None` when the input has errors (see `diagnostics`).
    pub source: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many definitions the source holds.
    pub definitions: usize,
}

/// Decompiles one JSON input. `file_stem` names definitions whose own name is not a gavel
/// identifier (`DisableLocalAuth_Modify` → `disable_local_auth_modify`).
pub fn decompile(input: &JsonInput<'_>, file_stem: Option<&str>) -> Decompiled {
    // Definitions without a name get one from the file stem, in gavel's style (snake case).
    let input = JsonInput { name_hint: None, ..*input };
    let (module, mut diagnostics) = read::read_json_module(&input);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Decompiled { source: None, diagnostics, definitions: 0 };
    }
    let definitions = module.definitions;
    let names = raise::names::assign(&definitions, file_stem);
    let (tree, mut trivia, problems) =
        raise::raise_module(input.main.file, &definitions, &names, &module.assignments, &module.exemptions);
    diagnostics.extend(problems);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Decompiled { source: None, diagnostics, definitions: 0 };
    }
    let source = crate::fmt::print_tree(&tree, &mut trivia);
    let count = definitions.len() + module.assignments.len() + module.exemptions.len();
    Decompiled { source: Some(source), diagnostics, definitions: count }
}

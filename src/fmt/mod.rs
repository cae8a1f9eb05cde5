//! The formatter, and the printer it shares with the decompiler.
//!
//! `gavel fmt` prints the syntax tree (not the AST), so the author's constructs stay as they
//! were written and only the layout becomes canonical; comments come from the parser's
//! trivia. Every result is checked before it is handed out: it must parse, keep every
//! comment, and build to the same JSON as the input. A formatter bug therefore refuses to
//! format instead of changing a policy.

pub mod doc;
pub mod lexical;
pub mod print;
pub mod trivia;

use crate::ast;
use crate::diag::Diagnostic;
use crate::emit::{EmitOptions, target::definition_json};
use crate::syntax::{self, span::FileId, tree};
use trivia::{SourceTrivia, Trivia};

/// Line width the printer aims for (the project's rustfmt width).
pub const WIDTH: usize = 120;

/// Width doc comments are wrapped at: prose reads better in shorter lines.
pub const DOC_WIDTH: usize = 100;

/// Why a file was not formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file's own errors: it does not parse (nothing is formatted until it does), or its
    /// formatted text could not be shown to mean the same and the file has errors that may be
    /// why (a value gavel cannot read).
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not mean the same (a formatter bug): `String` says how.
    Unstable(String),
}

/// Formats a gavel source file: the text in canonical layout, comments where they were.
pub fn format_source(file: FileId, text: &str) -> Result<String, FormatError> {
    let parsed = syntax::parse_file(file, text);
    let errors: Vec<Diagnostic> = parsed.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let mut trivia = SourceTrivia::new(text, &parsed.comments);
    let formatted = print_tree(&parsed.tree, &mut trivia);
    if let Err(unstable) = verify(file, text, &parsed, &formatted) {
        // The author's errors come first: they are theirs to fix, and may be the reason.
        let lowered = ast::lower_file(file, text, &parsed.tree, &parsed.comments);
        let errors: Vec<Diagnostic> = lowered.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
        return Err(if errors.is_empty() { unstable } else { FormatError::Syntax(errors) });
    }
    Ok(formatted)
}

/// Prints a syntax tree with its trivia.
pub fn print_tree(file: &tree::File, trivia: &mut dyn Trivia) -> String {
    let doc = print::Printer::new(trivia).file(file);
    doc::render(&doc, WIDTH)
}

/// An expression on one line (however long).
pub fn print_inline(expr: &tree::Expr) -> String {
    let mut trivia = trivia::StatedTrivia::default();
    let doc = print::Printer::new(&mut trivia).expression(expr);
    doc::render(&doc, usize::MAX / 4).trim_end().to_string()
}

/// The formatted text must parse, keep the comments, and build to the same JSON.
fn verify(file: FileId, text: &str, before: &syntax::Parsed, formatted: &str) -> Result<(), FormatError> {
    let after = syntax::parse_file(file, formatted);
    if let Some(error) = after.diagnostics.iter().find(|d| d.is_error()) {
        return Err(FormatError::Unstable(format!("the formatted text does not parse: {}", error.message)));
    }
    let texts = |comments: &[syntax::lexer::Comment]| -> Vec<String> {
        comments.iter().map(|c| c.text.trim_end().to_string()).collect()
    };
    if texts(&before.comments) != texts(&after.comments) {
        return Err(FormatError::Unstable("the formatted text would lose or reorder a comment".into()));
    }
    if built(file, text, before) != built(file, formatted, &after) {
        return Err(FormatError::Unstable("the formatted text would build differently".into()));
    }
    Ok(())
}

/// What a file builds to, and how many problems lowering finds in it.
fn built(file: FileId, text: &str, parsed: &syntax::Parsed) -> (Vec<serde_json::Value>, Vec<String>, usize) {
    let lowered = ast::lower_file(file, text, &parsed.tree, &parsed.comments);
    let options = EmitOptions::default();
    let json = lowered.module.definitions.iter().map(|d| definition_json(d, &options)).collect();
    let imports = lowered.module.imports.iter().map(|i| i.value.clone()).collect();
    (json, imports, lowered.diagnostics.len())
}

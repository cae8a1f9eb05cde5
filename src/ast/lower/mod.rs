//! Lowering: syntax tree → AST. Resolves parameter references and field short names,
//! decodes strings, turns interpolation into `concat`, fills in defaults, and reports every
//! structural mistake with a span. Lowering never stops at the first error: what it cannot
//! lower it leaves out and reports.

mod assignment;
mod cond;
mod definition;
mod effect;
mod expr;
pub(crate) mod fields;

pub(crate) use definition::primary_type;

use crate::ast::{Module, Spanned};
use crate::catalog::aliases::Catalog;
use crate::catalog::kinds::Kinds;
use crate::diag::{Code, Diagnostic};
use crate::syntax::lexer::Comment;
use crate::syntax::span::{FileId, Span};
use crate::syntax::tree;

/// The AST of one file and what lowering found wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Lowered {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lowers a parsed file. `text` is the file's source, used for doc comments and for
/// expressions embedded in strings.
pub fn lower_file(file: FileId, text: &str, tree: &tree::File, comments: &[Comment]) -> Lowered {
    lower_file_with(file, text, tree, comments, Kinds::builtin(), Catalog::builtin())
}

/// [`lower_file`] with the kinds of the file's project and the catalog of the run (which
/// the help of a name that is no field here consults for the types that have it).
pub fn lower_file_with(
    file: FileId,
    text: &str,
    tree: &tree::File,
    comments: &[Comment],
    kinds: &Kinds,
    catalog: &Catalog,
) -> Lowered {
    let mut lowerer = Lowerer { file, text, comments, kinds, catalog, diagnostics: Vec::new() };
    let mut module = Module::default();
    for item in &tree.items {
        match item {
            tree::Item::Import { path, span } => {
                if let Some(path) = lowerer.plain_string(path) {
                    module.imports.push(Spanned::new(path, *span));
                }
            }
            tree::Item::Policy(block) => {
                if let Some(policy) = lowerer.policy(block) {
                    module.definitions.push(crate::ast::Definition::Policy(policy));
                }
            }
            tree::Item::Initiative(block) => {
                if let Some(initiative) = lowerer.initiative(block) {
                    module.definitions.push(crate::ast::Definition::Initiative(initiative));
                }
            }
            tree::Item::Keyed(block) => match lowerer.keyed(block) {
                Some(assignment::Keyed::Assignment(assignment)) => module.assignments.push(assignment),
                Some(assignment::Keyed::Exemption(exemption)) => module.exemptions.push(exemption),
                None => {}
            },
            tree::Item::Error(_) => {}
        }
    }
    // A compilation keeps every module until the end: no spare capacity (most files hold one
    // definition, and a definition is large).
    module.definitions.shrink_to_fit();
    Lowered { module, diagnostics: lowerer.diagnostics }
}

pub(crate) struct Lowerer<'a> {
    pub(crate) file: FileId,
    pub(crate) text: &'a str,
    comments: &'a [Comment],
    pub(crate) kinds: &'a Kinds,
    pub(crate) catalog: &'a Catalog,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Lowerer<'static> {
    /// A lowerer without a source file: the decompiler lowers the syntax it is about to print,
    /// to check that it reads back as the AST it came from.
    pub(crate) fn detached(file: FileId) -> Lowerer<'static> {
        Lowerer {
            file,
            text: "",
            comments: &[],
            kinds: Kinds::builtin(),
            catalog: Catalog::builtin(),
            diagnostics: Vec::new(),
        }
    }
}

impl Lowerer<'_> {
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn error(&mut self, code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.report(Diagnostic::new(code, span, message).with_help(help));
    }

    /// The doc comment (`/// …` lines) directly above `start`: lines of a paragraph are joined
    /// with spaces, paragraphs (separated by an empty `///`) with a line break.
    pub(crate) fn doc_comment(&self, start: Span) -> Option<String> {
        let mut lines = Vec::new();
        let mut next_start = start.start as usize;
        // Comments are in source order: find the ones before `start` without a scan.
        let before = self.comments.partition_point(|c| c.span.start < start.start);
        for comment in self.comments.get(..before).unwrap_or_default().iter().rev() {
            let between = self.text.get(comment.span.end as usize..next_start)?;
            if !comment.doc || !between.trim().is_empty() {
                break;
            }
            let line = comment.text.trim_start_matches('/');
            lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end());
            next_start = comment.span.start as usize;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        let mut doc = String::new();
        let mut paragraph_start = true;
        for line in lines {
            if line.is_empty() {
                doc.push('\n');
                paragraph_start = true;
                continue;
            }
            if !paragraph_start {
                doc.push(' ');
            }
            doc.push_str(line);
            paragraph_start = false;
        }
        doc.truncate(doc.trim_end().len());
        Some(doc)
    }
}

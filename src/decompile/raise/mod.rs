//! AST → syntax tree, the idiomatic way: ML kinds and short names where the `type` guard
//! allows, `$param`, interpolation, quantifiers, role names, doc comments.
//!
//! Every choice is checked as it is made: the syntax built for a condition, an expression or
//! a field is lowered again (by the compiler's own lowering, in the scope it will be read in)
//! and must emit the JSON the AST emits. When the idiomatic form does not, a plainer one is
//! tried (full alias names, `field("…")`, calls instead of interpolation), and last the
//! construct is written as raw JSON with `json …`, which always reads back as it was.
//!
//! The tree has no source text, so positions come from a counter that follows print order;
//! comments, empty lines and raw JSON are stated in [`StatedTrivia`] at those
//! positions.

mod assignment;
mod cond;
mod effect;
mod expr;
mod header;
pub mod names;
mod paths;

use crate::ast::lower::Lowerer;
use crate::ast::lower::fields::Scope;
use crate::ast::{Definition, Expr};
use crate::diag::{Code, Diagnostic};
use crate::emit::semantic::compare_definitions;
use crate::fmt::lexical;
use crate::fmt::trivia::StatedTrivia;
use crate::syntax::lexer::Comment;
use crate::syntax::span::{FileId, Span};
use crate::syntax::tree::{self, Literal, LiteralKind, Name};

/// Turns definitions into a syntax tree and the trivia to print it with.
pub fn raise(
    file: FileId,
    definitions: &[Definition],
    names: &[String],
) -> (tree::File, StatedTrivia, Vec<Diagnostic>) {
    raise_module(file, definitions, names, &[], &[])
}

/// [`raise`], with the assignments and exemptions after the definitions.
pub fn raise_module(
    file: FileId,
    definitions: &[Definition],
    names: &[String],
    assignments: &[crate::ast::Assignment],
    exemptions: &[crate::ast::Exemption],
) -> (tree::File, StatedTrivia, Vec<Diagnostic>) {
    let mut raiser = Raiser::new(file);
    let mut items = Vec::with_capacity(definitions.len() + assignments.len() + exemptions.len());
    for (definition, name) in definitions.iter().zip(names) {
        items.push(match definition {
            Definition::Policy(policy) => tree::Item::Policy(raiser.policy(policy, name)),
            Definition::Initiative(initiative) => tree::Item::Initiative(raiser.initiative(initiative, name)),
        });
    }
    for assignment in assignments {
        raiser.blank();
        items.push(tree::Item::Keyed(raiser.assignment(assignment)));
    }
    for exemption in exemptions {
        raiser.blank();
        items.push(tree::Item::Keyed(raiser.exemption(exemption)));
    }
    (tree::File { items }, raiser.trivia, raiser.diagnostics)
}

pub(crate) struct Raiser {
    file: FileId,
    pos: u32,
    blank_next: bool,
    pub(crate) trivia: StatedTrivia,
    /// The compiler's lowering, run over what the raiser builds to check it.
    lowerer: Lowerer<'static>,
    diagnostics: Vec<Diagnostic>,
}

impl Raiser {
    fn new(file: FileId) -> Raiser {
        Raiser {
            file,
            pos: 0,
            blank_next: false,
            trivia: StatedTrivia::default(),
            lowerer: Lowerer::detached(file),
            diagnostics: Vec::new(),
        }
    }

    // ------------------------------------------------------------ positions and trivia

    /// The next position in print order.
    fn tick(&mut self) -> u32 {
        self.pos += 2;
        if std::mem::take(&mut self.blank_next) {
            self.trivia.blank_before.push(self.pos);
        }
        self.pos
    }

    /// A span for a leaf.
    fn leaf(&mut self) -> Span {
        let start = self.tick();
        Span::new(self.file, start as usize, start as usize + 1)
    }

    /// The start of a node whose children follow; close it with [`Raiser::close`].
    fn open(&mut self) -> u32 {
        self.tick()
    }

    fn close(&mut self, start: u32) -> Span {
        let end = self.tick();
        Span::new(self.file, start as usize, end as usize + 1)
    }

    /// An empty line before whatever comes next.
    fn blank(&mut self) {
        self.blank_next = true;
    }

    /// A `//` comment (or `///` line) on its own line before whatever comes next.
    fn comment(&mut self, text: impl Into<String>) {
        let text = text.into();
        let span = self.leaf();
        let doc = text.starts_with("///");
        self.trivia.comments.push(Comment { span, text, doc });
    }

    // ------------------------------------------------------------ leaves

    fn name(&mut self, text: &str) -> Name {
        Name { text: text.to_string(), span: self.leaf() }
    }

    /// A string literal; `interpolating` for strings the compiler reads `$` in.
    fn string(&mut self, text: &str, interpolating: bool) -> Literal {
        Literal { kind: LiteralKind::String(lexical::escape(text, interpolating)), span: self.leaf() }
    }

    fn string_expr(&mut self, text: &str, interpolating: bool) -> tree::Expr {
        tree::Expr::Literal(self.string(text, interpolating))
    }

    /// `key value` in a block.
    fn property(&mut self, key: &str, value: Option<tree::Expr>) -> tree::Property {
        let start = self.open();
        let key = Name { text: key.to_string(), span: Span::new(self.file, start as usize, start as usize + 1) };
        let span = self.close(start);
        tree::Property { key, value, span }
    }

    /// A bare word (`audit`, `contributor`, `all`).
    fn word(&mut self, text: &str) -> tree::Expr {
        let name = self.name(text);
        tree::Expr::Path(tree::Path { span: name.span, head: tree::PathHead::Name(name), segments: Vec::new() })
    }

    // ------------------------------------------------------------ checks

    /// Runs `lower` over freshly built syntax with the compiler's lowering, ignoring what it
    /// says about undeclared parameters (the JSON may reference parameters it does not
    /// declare); any other error rejects the syntax.
    fn lowers<T>(&mut self, lower: impl FnOnce(&mut Lowerer<'static>) -> Option<T>) -> Option<T> {
        self.lowerer.diagnostics.clear();
        let result = lower(&mut self.lowerer);
        let clean = self.lowerer.diagnostics.iter().all(|d| !d.is_error() || d.code == Code::UndefinedParameter);
        self.lowerer.diagnostics.clear();
        result.filter(|_| clean)
    }

    /// Whether `syntax` reads back (as a value in `scope`) as `expected`.
    fn reads_as(&mut self, syntax: &tree::Expr, scope: &Scope<'_>, expected: &Expr, block: bool) -> bool {
        let lowered = self.lowers(|l| if block { l.block_value(syntax, scope) } else { l.value(syntax, scope) });
        lowered.is_some_and(|e| same_json(&crate::emit::expr::value(&e), &crate::emit::expr::value(expected)))
    }
}

/// Semantic JSON equality, the round trip's own. (Wrapped in lists: at the top level the
/// comparison would take `name` and `type` keys for a definition's envelope.)
pub(crate) fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    if a == b {
        return true;
    }
    let wrap = |v: &serde_json::Value| serde_json::Value::Array(vec![v.clone()]);
    compare_definitions(&wrap(a), &wrap(b)).is_ok()
}

/// Whether `text` may stand as a bare word in a value position (`conflictEffect audit`).
pub(crate) fn bare_word(text: &str) -> bool {
    lexical::is_ident(text)
}

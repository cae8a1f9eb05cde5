//! The syntax tree: what the parser saw, with spans, before names are resolved.
//!
//! The tree mirrors the grammar closely; [`crate::ast::lower`] turns it into the AST. Nodes
//! keep raw text (string literals still escaped) so that lowering owns every judgement
//! about meaning and reports it with a precise span.

use super::span::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Import {
        path: Literal,
        span: Span,
    },
    Policy(Block),
    Initiative(Block),
    /// A block of properties only: `assignment name { … }`, `exemption name { … }`.
    Keyed(KeyedBlock),
    /// A region the parser skipped while recovering from a syntax error.
    Error(Span),
}

/// `word name "Display name" { key value … }`: a block of properties only.
#[derive(Debug, Clone)]
pub struct KeyedBlock {
    pub keyword: Name,
    pub name: Name,
    pub display_name: Option<Literal>,
    pub body: Vec<Property>,
    pub span: Span,
}

/// A policy or an initiative: `policy name "Display name" { … }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub keyword: Span,
    pub name: Name,
    pub display_name: Option<Literal>,
    pub body: Vec<BodyItem>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum BodyItem {
    /// `mode all`, `version "1.0.0"`, `metadata { … }`.
    Property(Property),
    Param(Box<Param>),
    When {
        keyword: Span,
        condition: Cond,
    },
    Then(Box<EffectSpec>),
    /// An initiative's `group name "Display" { … }`.
    Group {
        name: Name,
        display_name: Option<Literal>,
        body: Vec<Property>,
        span: Span,
    },
    /// An initiative's `policy name_or_id { … }`.
    Member {
        target: MemberTarget,
        body: Vec<Property>,
        span: Span,
    },
    Error(Span),
}

#[derive(Debug, Clone)]
pub enum MemberTarget {
    Name(Name),
    Id(Literal),
}

/// `key value`: the key as written and the value (a path for `mode`, a bare word for enums).
#[derive(Debug, Clone)]
pub struct Property {
    pub key: Name,
    pub value: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub keyword: Span,
    pub name: Name,
    pub display_name: Option<Literal>,
    pub ty: Name,
    pub default: Option<Expr>,
    pub allowed: Option<Expr>,
    pub attributes: Vec<Property>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EffectSpec {
    pub keyword: Span,
    pub effect: EffectRef,
    /// `modify` in `then $effect modify { … }`.
    pub details_kind: Option<Name>,
    pub details: Option<Details>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum EffectRef {
    Literal(Name),
    Param(Name),
}

#[derive(Debug, Clone)]
pub struct Details {
    pub items: Vec<DetailItem>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum DetailItem {
    Property(Property),
    ExistenceCondition { keyword: Span, condition: Cond },
    Operation(Box<Operation>),
    Error(Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// `set` emits `addOrReplace` (modify) or a plain `{field, value}` (append).
    Set,
    Add,
    Remove,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: OperationKind,
    pub keyword: Span,
    pub field: Path,
    pub value: Option<Expr>,
    pub condition: Option<Expr>,
    pub span: Span,
}

/// Conditions. `or` and `and` chains are flat lists so that long chains never nest deeply.
#[derive(Debug, Clone)]
pub enum Cond {
    Or(Vec<Cond>, Span),
    And(Vec<Cond>, Span),
    Not(Box<Cond>, Span),
    /// `all { … }` or `any { … }`.
    Block {
        all: bool,
        items: Vec<Cond>,
        span: Span,
    },
    /// `compute`, or `compute { … }`: a resource kind guard with an optional scope block.
    Kind {
        path: Box<Path>,
        body: Option<Vec<Cond>>,
        span: Span,
    },
    /// `resource "Microsoft.X/y"`, or `resource "Microsoft.X/y" { … }`: a kind guard for any
    /// resource type, with an optional scope block.
    Resource {
        keyword: Span,
        ty: Literal,
        body: Option<Vec<Cond>>,
        span: Span,
    },
    Compare {
        lhs: Box<Operand>,
        op: Op,
        rhs: Option<Box<Expr>>,
        span: Span,
    },
    /// `any x in path[*] { … }` / `all x in path[*] { … }`.
    Quantifier {
        all: bool,
        binding: Option<Name>,
        source: Box<Path>,
        body: Vec<Cond>,
        span: Span,
    },
    /// `json { … }`: a condition taken verbatim (the expression is the `json …` value).
    Raw(Box<Expr>, Span),
    Error(Span),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(_, span) | Cond::And(_, span) | Cond::Not(_, span) | Cond::Raw(_, span) | Cond::Error(span) => {
                *span
            }
            Cond::Block { span, .. }
            | Cond::Kind { span, .. }
            | Cond::Resource { span, .. }
            | Cond::Compare { span, .. }
            | Cond::Quantifier { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Operand {
    Field(Path),
    Value(Expr),
    Count(Box<Count>),
}

/// `count(x in source where condition)`.
#[derive(Debug, Clone)]
pub struct Count {
    pub binding: Option<Name>,
    pub source: CountSource,
    pub condition: Option<Cond>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CountSource {
    Field(Path),
    Value(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Equals,
    NotEquals,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    In,
    Like,
    Match,
    MatchInsensitively,
    Contains,
    ContainsKey,
    Exists,
}

/// An operator as written: `not` marks `not in`, `not like`, `not exists`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub kind: OpKind,
    pub negated: bool,
    pub span: Span,
}

/// A field path: `computeType`, `compute.vmSize`, `tags["env"]`, `logs[*].enabled`,
/// `Microsoft.Insights/diagnosticSettings/logs[*]`.
#[derive(Debug, Clone)]
pub struct Path {
    pub head: PathHead,
    pub segments: Vec<Segment>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum PathHead {
    Name(Name),
    Alias(Name),
}

#[derive(Debug, Clone)]
pub enum Segment {
    Member(Name),
    Wildcard(Span),
    Index(Expr, Span),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Literal(Literal),
    Param(Name),
    Path(Path),
    Call {
        name: Name,
        args: Vec<Expr>,
        span: Span,
    },
    Member {
        base: Box<Expr>,
        name: Name,
        span: Span,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        span: Span,
    },
    Array(Vec<Expr>, Span),
    Object(Vec<(Name, Expr)>, Span),
    /// `json { … }`: JSON taken verbatim, strings not interpreted.
    Raw(Box<Expr>, Span),
    /// Strict JSON that the lexer took in one piece: the span of its text (which may start
    /// with whitespace).
    RawJson(Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(literal) => literal.span,
            Expr::Param(name) => name.span,
            Expr::Path(path) => path.span,
            Expr::Call { span, .. }
            | Expr::Member { span, .. }
            | Expr::Index { span, .. }
            | Expr::Array(_, span)
            | Expr::Object(_, span)
            | Expr::Raw(_, span)
            | Expr::RawJson(span) => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum LiteralKind {
    /// The raw text between the quotes, escapes not yet decoded.
    String(String),
    Number(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

/// An object key written as a string (`"$schema": …`) becomes a name with the raw text.
pub fn literal_key(literal: Literal) -> Name {
    match literal.kind {
        LiteralKind::String(text) => Name { text, span: literal.span },
        LiteralKind::Number(text) => Name { text, span: literal.span },
        LiteralKind::Bool(b) => Name { text: b.to_string(), span: literal.span },
        LiteralKind::Null => Name { text: "null".into(), span: literal.span },
    }
}

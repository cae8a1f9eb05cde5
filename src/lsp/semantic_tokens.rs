//! Semantic tokens: what each word is, as the compiler resolved it. Keywords used as names (a
//! field called `name`), kind names, fields, parameters, functions and effects get their role
//! from the AST; the rest from its token. The TextMate grammar colours the file before the
//! first analysis; these refine it.

use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensRangeResult, SemanticTokensResult,
};

use super::document::Analysis;
use super::tokens::{Tok, TokKind};
use super::walk::{self, Node};
use crate::ast::{Definition, EffectKind, Expr, MemberTarget, ParamType};
use crate::syntax::span::Span;

/// Token types, in legend order.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::TYPE,
    SemanticTokenType::CLASS,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Namespace = 0,
    Kind = 1,
    Definition = 2,
    Effect = 3,
    Function = 4,
    Parameter = 5,
    Property = 7,
    Keyword = 8,
    Comment = 9,
    String = 10,
    Number = 11,
    Operator = 12,
}

const MODIFIERS: &[SemanticTokenModifier] =
    &[SemanticTokenModifier::DECLARATION, SemanticTokenModifier::DOCUMENTATION, SemanticTokenModifier::DEFAULT_LIBRARY];

const DECLARATION: u32 = 1;
const DOCUMENTATION: u32 = 2;
const DEFAULT_LIBRARY: u32 = 4;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: MODIFIERS.to_vec() }
}

pub fn full(analysis: &Analysis) -> Option<SemanticTokensResult> {
    let data = encode(analysis, &classify(analysis, 0, analysis.text.len()));
    Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
}

pub fn range(analysis: &Analysis, range: Range) -> Option<SemanticTokensRangeResult> {
    let (start, end) = (analysis.offset(range.start), analysis.offset(range.end));
    let data = encode(analysis, &classify(analysis, start, end));
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens { result_id: None, data }))
}

/// One classified piece of text (never spanning lines).
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: usize,
    end: usize,
    ty: Type,
    modifiers: u32,
}

/// Pieces between `from` and `to`, in order.
fn classify(analysis: &Analysis, from: usize, to: usize) -> Vec<Piece> {
    let roles = ast_roles(analysis);
    let mut pieces = Vec::new();
    let mut role = 0;
    let tokens = analysis.tokens();
    let first = tokens.partition_point(|t| t.end <= from);
    for (i, token) in tokens.iter().enumerate().skip(first).take_while(|(_, t)| t.start < to) {
        while roles.get(role).is_some_and(|r| r.end <= token.start) {
            role += 1;
        }
        let from_ast = roles.get(role).filter(|r| r.start <= token.start && token.end <= r.end);
        let piece = match from_ast {
            Some(r) if token.is_word() || token.is(TokKind::Alias) => {
                Some(Piece { ty: refine(analysis, i, r.ty), modifiers: r.modifiers, ..at(token) })
            }
            _ => by_token(analysis, i, token),
        };
        pieces.extend(piece);
    }
    comments(analysis, from, to, &mut pieces);
    pieces.sort_by_key(|p| p.start);
    pieces
}

fn at(token: &Tok) -> Piece {
    Piece { start: token.start, end: token.end, ty: Type::Keyword, modifiers: 0 }
}

/// Inside a field path, a kind before a dot (`compute.vmSize`) is the kind.
fn refine(analysis: &Analysis, i: usize, ty: Type) -> Type {
    let token = analysis.tokens().get(i);
    let dot_follows = analysis.tokens().get(i + 1).is_some_and(|t| t.is_punct('.'));
    let is_kind = token.is_some_and(|t| analysis.kinds().by_name(analysis.token_text(t)).is_some());
    if ty == Type::Property
        && dot_follows
        && is_kind
        && i.checked_sub(1).and_then(|p| analysis.tokens().get(p)).is_none_or(|p| !p.is_punct('.'))
    {
        Type::Kind
    } else {
        ty
    }
}

fn by_token(analysis: &Analysis, i: usize, token: &Tok) -> Option<Piece> {
    let text = analysis.token_text(token);
    let next = analysis.tokens().get(i + 1);
    let previous = i.checked_sub(1).and_then(|p| analysis.tokens().get(p));
    let ty = match token.kind {
        TokKind::Keyword | TokKind::WordOperator | TokKind::Literal => Type::Keyword,
        TokKind::Operator => Type::Operator,
        TokKind::Param => Type::Parameter,
        TokKind::Alias => Type::Property,
        TokKind::Str => Type::String,
        TokKind::Number => Type::Number,
        TokKind::Ident if analysis.kinds().by_name(text).is_some() => Type::Kind,
        TokKind::Ident if next.is_some_and(|n| n.is_punct('(')) => Type::Function,
        TokKind::Ident if previous.is_some_and(|p| analysis.token_text(p) == "then") => Type::Effect,
        // `param effect: effect = Audit in [Audit, Disabled]`: the type, then effect names.
        TokKind::Ident if previous.is_some_and(|p| p.is_punct(':')) && ParamType::parse(text).is_some() => Type::Kind,
        TokKind::Ident
            if EffectKind::parse(text).is_some()
                && previous.is_some_and(|p| p.is_punct('=') || p.is_punct('[') || p.is_punct(',')) =>
        {
            Type::Effect
        }
        TokKind::Ident | TokKind::RawJson | TokKind::Punct(_) => return None,
    };
    let modifiers = if ty == Type::Function { DEFAULT_LIBRARY } else { 0 };
    Some(Piece { ty, modifiers, ..at(token) })
}

/// Comments, split at line ends (a token may not span lines).
fn comments(analysis: &Analysis, from: usize, to: usize, pieces: &mut Vec<Piece>) {
    for comment in analysis.comments().iter().filter(|c| (c.span.end as usize) > from && (c.span.start as usize) < to) {
        let modifiers = if comment.doc { DOCUMENTATION } else { 0 };
        let mut start = comment.span.start as usize;
        let text = analysis.slice(comment.span);
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if !content.is_empty() {
                pieces.push(Piece { start, end: start + content.len(), ty: Type::Comment, modifiers });
            }
            start += line.len();
        }
    }
}

/// Spans the AST gives a role, sorted by start, outermost first.
fn ast_roles(analysis: &Analysis) -> Vec<Piece> {
    let mut roles = Vec::new();
    let mut add = |span: Span, ty: Type, modifiers: u32| {
        roles.push(Piece { start: span.start as usize, end: span.end as usize, ty, modifiers });
    };
    for symbol in analysis.symbols().symbols.iter() {
        let ty = match symbol.kind {
            super::symbols::SymbolKind::Parameter => Type::Parameter,
            super::symbols::SymbolKind::Group => Type::Namespace,
            _ => Type::Definition,
        };
        for span in symbol.occurrences().filter(|s| s.file == analysis.file()) {
            add(span, ty, if span == symbol.declaration { DECLARATION } else { 0 });
        }
    }
    for (_, definition) in analysis.definitions() {
        walk::definition(definition, &mut |node| match node {
            // A kind used as a condition is its `type` guard in the AST.
            Node::Field(field) if analysis.kinds().by_name(analysis.slice(field.span)).is_some() => {
                add(field.span, Type::Kind, 0)
            }
            // The guard of `resource "…"`: its keyword and string are tokens of their own.
            Node::Field(field) if analysis.slice(field.span).starts_with("resource") && is_guard(field) => {}
            Node::Field(field) => add(field.span, Type::Property, 0),
            Node::Expr(Expr::Call { name, .. }) => add(name.span, Type::Function, DEFAULT_LIBRARY),
            Node::EffectLiteral(name) => add(name.span, Type::Effect, 0),
            _ => {}
        });
        if let Definition::Initiative(initiative) = definition {
            for member in &initiative.members {
                if let MemberTarget::Policy(name) = &member.target {
                    add(name.span, Type::Definition, 0);
                }
            }
        }
    }
    // Innermost roles win: sort so that for equal starts the shorter span comes first.
    roles.sort_by_key(|r| (r.start, r.end));
    roles
}

fn encode(analysis: &Analysis, pieces: &[Piece]) -> Vec<SemanticToken> {
    let mut data = Vec::with_capacity(pieces.len());
    let (mut line, mut column) = (0, 0);
    let mut last_end = 0;
    for piece in pieces {
        // Overlaps cannot be encoded; the first piece wins.
        if piece.start < last_end {
            continue;
        }
        let position = analysis.position(piece.start);
        let length = analysis.encoding.len(analysis.text.get(piece.start..piece.end).unwrap_or_default());
        let delta_line = position.line.saturating_sub(line);
        let delta_start = if delta_line == 0 { position.character.saturating_sub(column) } else { position.character };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: piece.ty as u32,
            token_modifiers_bitset: piece.modifiers,
        });
        (line, column, last_end) = (position.line, position.character, piece.end);
    }
    data
}

/// The `type` field of a guard (a kind or `resource "…"` written as a condition).
fn is_guard(field: &crate::ast::Field) -> bool {
    matches!(&field.name, crate::ast::FieldName::Static(name) if name == "type")
}

//! Where the cursor is, read from the tokens before it: which block it is in (a policy body, a
//! kind block, effect details, …), which resource type short names are relative to, and what
//! the token before the word being typed asks for. The syntax tree of a half-typed line is
//! mostly error nodes, while the tokens before the cursor are exactly what the user wrote, so
//! completion and signature help work from these.

use super::document::Analysis;
use super::tokens::{Tok, TokKind, index_after};
use crate::ast::{Definition, DetailEntry, Expr};
use crate::catalog::aliases::AliasInfo;
use crate::catalog::fields::{BuiltinField, TopLevelField, top_level_field};
use crate::catalog::kinds::GENERIC_KIND;

/// The block the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    TopLevel,
    Policy,
    Initiative,
    /// `param … { … }`
    ParamAttributes,
    /// An initiative's `group … { … }`.
    Group,
    /// An initiative's `policy … { … }`.
    Member,
    /// `then … { … }`, with the effect whose details these are (lower case), when known.
    Details(Option<String>),
    /// A condition block: `when compute { … }`, `any { … }`, ….
    Condition,
    /// Any other braces: an object value (`metadata { … }`, `parameters { … }`).
    Object {
        key: Option<String>,
    },
}

/// What the token before the word being typed asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The start of a statement of the block.
    Statement,
    /// A condition: after `when`, `not`, `and`, `or`, `where`, `existenceCondition`.
    Condition,
    /// A member after `path.` (the path before the dot, as written).
    Member(String),
    /// A full alias name being typed (the path holds a `/`).
    Alias,
    /// A parameter after `$`.
    Parameter,
    /// A value compared with a field (the field's path as written, when there is one).
    Value {
        lhs: Option<String>,
    },
    /// An argument of a call or a count's source.
    Argument,
    Effect,
    Mode,
    ParamType,
    /// The default or allowed values of a parameter of this type.
    ParamValue(String),
    Roles,
    /// `policy |` inside an initiative.
    MemberPolicy,
    /// `groups [|]` of a member.
    MemberGroups,
    /// Inside a string literal that is a compared value: `computeType == "Am|"`.
    StringValue {
        lhs: String,
        string: (usize, usize),
    },
    Nothing,
}

/// The cursor, classified.
#[derive(Debug, Clone)]
pub struct Context {
    pub offset: usize,
    /// Where the word being typed starts (identifier characters).
    pub word_start: usize,
    /// Where the path being typed starts (identifier characters, `.`, `/`, `[*]`).
    pub path_start: usize,
    /// A `$` precedes the word.
    pub dollar: bool,
    pub block: Block,
    /// The resource type short names are relative to here.
    pub resource_type: Option<String>,
    pub slot: Slot,
}

impl Context {
    pub fn path<'a>(&self, analysis: &'a Analysis) -> &'a str {
        analysis.text.get(self.path_start..self.offset).unwrap_or_default()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_path_char(c: char) -> bool {
    is_word_char(c) || matches!(c, '.' | '/' | '[' | ']' | '*')
}

/// Classifies the cursor at `offset`. `None` inside comments.
pub fn at(analysis: &Analysis, offset: usize) -> Option<Context> {
    let text = analysis.text.as_str();
    let offset = floor_boundary(text, offset.min(text.len()));
    if analysis.comments().iter().any(|c| c.span.start as usize <= offset && offset < c.span.end as usize) {
        return None;
    }
    let before = text.get(..offset).unwrap_or_default();
    let back =
        |keep: fn(char) -> bool| before.chars().rev().take_while(|&c| keep(c)).map(char::len_utf8).sum::<usize>();
    let word_start = offset - back(is_word_char);
    // A path starts with a name: `roles [` is not a path, `logs[*].` is.
    let mut path_start = offset - back(is_path_char);
    while text.get(path_start..offset).is_some_and(|p| p.starts_with(|c: char| !is_word_char(c))) {
        path_start += 1;
    }
    let dollar = before.get(..word_start).is_some_and(|b| b.ends_with('$'));
    // The tokens wholly before the path being typed.
    let prior = analysis.tokens().get(..index_after(analysis.tokens(), path_start)).unwrap_or_default();
    let prior = match prior.last() {
        Some(last) if last.end > path_start => prior.get(..prior.len() - 1).unwrap_or_default(),
        _ => prior,
    };
    let (block, opener) = enclosing_block(analysis, prior);
    let resource_type = resource_type(analysis, prior, offset);
    let mut context = Context { offset, word_start, path_start, dollar, block, resource_type, slot: Slot::Nothing };
    let path = context.path(analysis);
    context.slot = if let Some(string) = string_at(analysis, offset) {
        string_slot(analysis, prior, string)
    } else if dollar {
        Slot::Parameter
    } else if path.contains('/') {
        Slot::Alias
    } else if let Some((head, _)) = path.rsplit_once('.') {
        Slot::Member(head.to_string())
    } else {
        slot(analysis, prior, opener, &context.block)
    };
    Some(context)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The string token the cursor is inside (after its opening quote).
fn string_at(analysis: &Analysis, offset: usize) -> Option<(usize, usize)> {
    let text = analysis.text.as_str();
    analysis
        .tokens()
        .iter()
        .find(|t| t.is(TokKind::Str) && t.start < offset && (offset < t.end || !t.text(text).ends_with('"')))
        .map(|t| (t.start, t.end))
}

/// The innermost unclosed bracket of `tokens`: its index, if any.
fn innermost_opener(tokens: &[Tok]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().rev() {
        match token.kind {
            TokKind::Punct('}' | ')' | ']') => depth += 1,
            TokKind::Punct('{' | '(' | '[') if depth == 0 => return Some(i),
            TokKind::Punct('{' | '(' | '[') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The innermost unclosed `{` before the cursor, classified, and the innermost unclosed
/// bracket of any kind.
fn enclosing_block(analysis: &Analysis, prior: &[Tok]) -> (Block, Option<usize>) {
    let opener = innermost_opener(prior);
    let mut end = prior.len();
    loop {
        let Some(i) = innermost_opener(prior.get(..end).unwrap_or_default()) else {
            return (Block::TopLevel, opener);
        };
        if prior.get(i).is_some_and(|t| t.is_punct('{')) {
            return (classify_brace(analysis, prior, i), opener);
        }
        end = i;
    }
}

/// The resource type of the kind block whose `{` is at `at`: a kind named just before it
/// (`compute {`, a declared kind), or `resource "Microsoft.X/y" {`.
fn kind_before(analysis: &Analysis, tokens: &[Tok], at: usize) -> Option<String> {
    let text = analysis.text.as_str();
    let before = tokens.get(at.checked_sub(1)?)?;
    let earlier = at.checked_sub(2).and_then(|i| tokens.get(i));
    if before.is(TokKind::Str) && earlier.is_some_and(|t| t.is(TokKind::Keyword) && t.text(text) == GENERIC_KIND) {
        let quoted = before.text(text);
        return serde_json::from_str::<String>(quoted).ok();
    }
    if !before.is_word() || earlier.is_some_and(|t| t.is_punct('.')) {
        return None;
    }
    analysis.kinds().by_name(before.text(text)).map(|k| k.resource_type.to_string())
}

/// What the `{` at `at` opens, from the statement it ends.
fn classify_brace(analysis: &Analysis, tokens: &[Tok], at: usize) -> Block {
    let text = analysis.text.as_str();
    let head = statement_head(tokens, text, at).and_then(|h| Some((h, tokens.get(h)?.text(text))));
    let key = || tokens.get(at.checked_sub(1)?).filter(|t| t.is_word()).map(|t| t.text(text).to_string());
    let declaration = matches!(head, Some((_, "policy" | "initiative" | "group" | "param" | "then")));
    if !declaration && kind_before(analysis, tokens, at).is_some() {
        return Block::Condition;
    }
    match head {
        Some((h, "policy")) => {
            let outer = enclosing_block(analysis, tokens.get(..h).unwrap_or_default()).0;
            if outer == Block::Initiative { Block::Member } else { Block::Policy }
        }
        Some((_, "initiative")) => Block::Initiative,
        Some((_, "group")) => Block::Group,
        Some((_, "param")) => Block::ParamAttributes,
        Some((h, "then")) => Block::Details(details_effect(analysis, tokens, h, at)),
        Some((_, "when" | "existenceCondition" | "all" | "any" | "not" | "and" | "or" | "where")) => Block::Condition,
        _ => Block::Object { key: key() },
    }
}

/// Going back from the `{` at `at`, the reserved word that starts its statement, skipping
/// bracketed groups and reserved words used as names (`initiative set {`). `None` when a
/// bracket of an outer block or a `;` comes first, or the statement is a property
/// (`metadata {`), an operation or anything else that takes an object.
fn statement_head(tokens: &[Tok], text: &str, at: usize) -> Option<usize> {
    const HEADS: &[&str] = &[
        "policy",
        "initiative",
        "group",
        "param",
        "then",
        "when",
        "existenceCondition",
        "all",
        "any",
        "not",
        "and",
        "or",
        "where",
    ];
    let mut depth = 0usize;
    for i in (0..at).rev() {
        let token = tokens.get(i)?;
        match token.kind {
            TokKind::Punct('}' | ')' | ']') => depth += 1,
            TokKind::Punct('{' | '(' | '[' | ';') if depth == 0 => return None,
            TokKind::Punct('{' | '(' | '[') => depth -= 1,
            TokKind::Keyword if depth == 0 && !is_name(tokens, text, i) => {
                return HEADS.contains(&token.text(text)).then_some(i);
            }
            _ => {}
        }
    }
    None
}

/// A reserved word used as a name: after `policy`, `initiative`, `group`, `param` or a `.`.
fn is_name(tokens: &[Tok], text: &str, i: usize) -> bool {
    let Some(previous) = i.checked_sub(1).and_then(|p| tokens.get(p)) else { return false };
    previous.is_punct('.')
        || (previous.is(TokKind::Keyword) && matches!(previous.text(text), "policy" | "initiative" | "group" | "param"))
}

/// The effect whose details a `then … {` opens: `then deny {`, `then $e modify {`, or the
/// policy's effect as lowering resolved it.
fn details_effect(analysis: &Analysis, tokens: &[Tok], then: usize, brace: usize) -> Option<String> {
    let text = analysis.text.as_str();
    let written = match tokens.get(then + 1..brace).unwrap_or_default() {
        [effect] | [_, effect] if effect.is(TokKind::Ident) => Some(effect.text(text)),
        _ => None,
    };
    if let Some(written) = written {
        return Some(written.to_ascii_lowercase());
    }
    let offset = tokens.get(brace)?.start;
    match analysis.definition_at(offset)?.1 {
        Definition::Policy(policy) => policy.effect.kind.map(|k| k.name().to_ascii_lowercase()),
        Definition::Initiative(_) => None,
    }
}

/// The resource type that short names at the cursor are relative to: the innermost enclosing
/// kind block, or in `existenceCondition` the details `type`.
fn resource_type(analysis: &Analysis, prior: &[Tok], offset: usize) -> Option<String> {
    let text = analysis.text.as_str();
    let mut end = prior.len();
    while let Some(i) = innermost_opener(prior.get(..end).unwrap_or_default()) {
        end = i;
        if !prior.get(i).is_some_and(|t| t.is_punct('{')) {
            continue;
        }
        if let Some(resource_type) = kind_before(analysis, prior, i) {
            return Some(resource_type);
        }
        let head = statement_head(prior, text, i).and_then(|h| prior.get(h)).map(|t| t.text(text));
        if head == Some("existenceCondition") {
            return details_type(analysis, offset);
        }
    }
    None
}

/// The details `type` of the policy at `offset`.
fn details_type(analysis: &Analysis, offset: usize) -> Option<String> {
    let Definition::Policy(policy) = analysis.definition_at(offset)?.1 else { return None };
    policy.effect.details.as_ref()?.entries.iter().find_map(|entry| match entry {
        DetailEntry::Property { key, value: Expr::String(value, _) } if key.value == "type" => Some(value.clone()),
        _ => None,
    })
}

/// What the token before the word asks for.
fn slot(analysis: &Analysis, prior: &[Tok], opener: Option<usize>, block: &Block) -> Slot {
    let text = analysis.text.as_str();
    let Some(last) = prior.last() else { return Slot::Statement };
    let last_index = prior.len() - 1;
    let last_text = last.text(text);
    let in_param = param_statement(analysis, prior).is_some();
    match last.kind {
        TokKind::Operator => return Slot::Value { lhs: non_empty(path_before(analysis, prior, last_index)) },
        TokKind::WordOperator if last_text == "in" && in_param => return param_value(analysis, prior),
        TokKind::WordOperator if !matches!(last_text, "exists" | "notExists") => {
            return Slot::Value { lhs: non_empty(path_before(analysis, prior, last_index)) };
        }
        TokKind::Punct(':') if in_param => return Slot::ParamType,
        TokKind::Punct('=') if in_param => return param_value(analysis, prior),
        TokKind::Keyword => match last_text {
            "then" => return Slot::Effect,
            "mode" => return Slot::Mode,
            "when" | "not" | "and" | "or" | "where" | "existenceCondition" => return Slot::Condition,
            "policy" if *block == Block::Initiative => return Slot::MemberPolicy,
            _ => {}
        },
        _ => {}
    }
    if let Some(slot) = bracket_slot(analysis, prior, opener) {
        return slot;
    }
    if last.is_punct('{') || last.is_punct('}') || last.is_punct(';') || ends_value(last) {
        return Slot::Statement;
    }
    Slot::Nothing
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn ends_value(token: &Tok) -> bool {
    matches!(
        token.kind,
        TokKind::Str
            | TokKind::Number
            | TokKind::Ident
            | TokKind::Keyword
            | TokKind::Literal
            | TokKind::Param
            | TokKind::Alias
            | TokKind::RawJson
            | TokKind::WordOperator
            | TokKind::Punct(']' | ')')
    )
}

/// Right after `(`, `[` or a `,` inside them: arguments, compared arrays, roles and groups.
fn bracket_slot(analysis: &Analysis, prior: &[Tok], opener: Option<usize>) -> Option<Slot> {
    let text = analysis.text.as_str();
    let open = opener?;
    let last = prior.last()?;
    if !(last.is_punct(',') || prior.len() == open + 1) {
        return None;
    }
    let bracket = prior.get(open)?;
    if bracket.is_punct('(') {
        return Some(Slot::Argument);
    }
    if !bracket.is_punct('[') {
        return None;
    }
    let before_open = prior.get(..open).unwrap_or_default();
    match before_open.last().map(|t| (t.kind, t.text(text))) {
        Some((_, "roles")) => Some(Slot::Roles),
        Some((_, "groups")) => Some(Slot::MemberGroups),
        Some((TokKind::WordOperator, "in")) if param_statement(analysis, before_open).is_some() => {
            Some(param_value(analysis, before_open))
        }
        Some((TokKind::WordOperator | TokKind::Operator, _)) => {
            Some(Slot::Value { lhs: non_empty(path_before(analysis, prior, open - 1)) })
        }
        _ => Some(Slot::Argument),
    }
}

/// The `param` keyword of the statement the cursor is in, if it is a parameter declaration.
fn param_statement(analysis: &Analysis, prior: &[Tok]) -> Option<usize> {
    let text = analysis.text.as_str();
    let mut depth = 0usize;
    for (i, token) in prior.iter().enumerate().rev() {
        match token.kind {
            TokKind::Punct('}' | ')' | ']') => depth += 1,
            TokKind::Punct('{' | '(' | '[') if depth == 0 => return None,
            TokKind::Punct('{' | '(' | '[') => depth -= 1,
            TokKind::Keyword if depth == 0 => return (token.text(text) == "param").then_some(i),
            _ => {}
        }
    }
    None
}

/// Values of the parameter being declared: its type is the word after its `:`.
fn param_value(analysis: &Analysis, prior: &[Tok]) -> Slot {
    let text = analysis.text.as_str();
    let Some(start) = param_statement(analysis, prior) else { return Slot::Nothing };
    let statement = prior.get(start..).unwrap_or_default();
    let ty = statement.windows(2).find(|w| w.first().is_some_and(|t| t.is_punct(':'))).and_then(|w| w.get(1));
    Slot::ParamValue(ty.map(|t| t.text(text).to_string()).unwrap_or_default())
}

/// Inside a string: enum values when the string is compared with a field.
fn string_slot(analysis: &Analysis, prior: &[Tok], string: (usize, usize)) -> Slot {
    let count = prior.iter().take_while(|t| t.end <= string.0).count();
    let before = prior.get(..count).unwrap_or_default();
    let Some(last) = before.last() else { return Slot::Nothing };
    let operator = if last.is_punct('[') || last.is_punct(',') {
        innermost_opener(before).and_then(|open| open.checked_sub(1))
    } else {
        Some(count - 1)
    };
    let is_operator =
        |i: &usize| before.get(*i).is_some_and(|t| matches!(t.kind, TokKind::Operator | TokKind::WordOperator));
    let Some(index) = operator.filter(is_operator) else { return Slot::Nothing };
    match non_empty(path_before(analysis, before, index)) {
        Some(lhs) => Slot::StringValue { lhs, string },
        None => Slot::Nothing,
    }
}

/// The path written just before token `at` (an operator or a dot), as text.
pub fn path_before(analysis: &Analysis, prior: &[Tok], at: usize) -> String {
    let text = analysis.text.as_str();
    let mut start = at;
    let mut expect_name = true;
    while start > 0 {
        let Some(token) = prior.get(start - 1) else { break };
        let part_of_path = if expect_name {
            token.is_word() || token.is(TokKind::Alias) || token.is_punct(']')
        } else {
            token.is_punct('.')
        };
        if token.is_punct(']') {
            // `[*]` or `["key"]`: step over the brackets.
            let Some(open) = (0..start - 1).rev().find(|&j| prior.get(j).is_some_and(|t| t.is_punct('['))) else {
                break;
            };
            start = open;
            expect_name = true;
            continue;
        }
        if !part_of_path {
            break;
        }
        // Tokens of a path touch; a gap means the path ended.
        let next_start = prior.get(start).map_or(usize::MAX, |t| t.start);
        if token.end != next_start && start != at {
            break;
        }
        start -= 1;
        expect_name = !expect_name;
    }
    let from = prior.get(start).map_or(0, |t| t.start);
    let to = prior.get(at).map_or(from, |t| t.start);
    text.get(from..to).unwrap_or_default().trim().to_string()
}

/// What a field path written at the cursor names.
#[derive(Debug, Clone, Copy)]
pub enum FieldInfo<'a> {
    Alias(&'a AliasInfo),
    Builtin(&'static BuiltinField),
}

/// Resolves a field path with the resolver lowering uses ([`crate::ast::names`]), in the
/// scope at the cursor, against the analysis's catalog.
pub fn resolve_field<'a>(analysis: &'a Analysis, resource_type: Option<&str>, path: &str) -> Option<FieldInfo<'a>> {
    let name = analysis.names_at(resource_type).field_name(path)?;
    if let Some(TopLevelField::Fixed(field)) = top_level_field(&name) {
        return Some(FieldInfo::Builtin(field));
    }
    analysis.catalog().lookup(&name).map(FieldInfo::Alias)
}

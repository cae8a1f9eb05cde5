//! Hover: for a field, its full alias, type, values, whether Modify may write it and its
//! default path; for a parameter, its declaration; for a function, its signature; for kinds,
//! effects, roles and keywords, what they stand for; for a diagnostic under the cursor (or a
//! code such as `GV0105` in a comment), the code's explanation.

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::context;
use super::document::Analysis;
use super::symbols::{Symbol, SymbolKind};
use super::tokens::TokKind;
use super::walk::{self, Node};
use super::{docs, markup};
use crate::ast::names::Head;
use crate::ast::{Definition, Expr, FieldName};
use crate::catalog::fields::{TopLevelField, top_level_field};
use crate::catalog::kinds::GENERIC_KIND;
use crate::catalog::roles::{Role, RoleString, builtin_role_for_id, role_by_name, role_definition_id, role_string};
use crate::diag::Code;
use crate::syntax::span::Span;

pub fn hover(analysis: &Analysis, position: Position) -> Option<Hover> {
    let offset = analysis.offset(position);
    let subject = code_word(analysis, offset)
        .or_else(|| symbol(analysis, offset))
        .or_else(|| node(analysis, offset))
        .or_else(|| token(analysis, offset));
    let explanations = diagnostic_codes(analysis, offset);
    let (mut value, span) = match subject {
        Some((text, span)) => (text, Some(span)),
        None if !explanations.is_empty() => (String::new(), None),
        None => return None,
    };
    for code in explanations {
        if !value.contains(code.id()) {
            if !value.is_empty() {
                value.push_str("\n\n---\n\n");
            }
            value.push_str(&markup::explanation(code));
        }
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: span.map(|s| analysis.range(s)),
    })
}

/// A diagnostic code written at the cursor (`GV0105` in a comment).
fn code_word(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let text = analysis.text.as_str();
    let is_code_char = |c: char| c.is_ascii_alphanumeric();
    let start = text.get(..offset)?.rfind(|c: char| !is_code_char(c)).map_or(0, |i| i + 1);
    let end = text.get(offset..)?.find(|c: char| !is_code_char(c)).map_or(text.len(), |i| offset + i);
    let word = text.get(start..end)?;
    if !(word.len() == 6 && word.starts_with("GV")) {
        return None;
    }
    let code = Code::parse(word)?;
    Some((markup::explanation(code), Span::new(analysis.file(), start, end)))
}

/// The codes of the diagnostics under the cursor.
fn diagnostic_codes(analysis: &Analysis, offset: usize) -> Vec<Code> {
    let mut codes: Vec<Code> = analysis
        .compiled
        .compilation
        .diagnostics
        .iter()
        .filter(|d| d.span.file == analysis.file())
        .filter(|d| d.span.start as usize <= offset && offset <= d.span.end as usize)
        .map(|d| d.code)
        .collect();
    codes.dedup();
    codes
}

fn symbol(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let (symbol, span) = analysis.symbols().at(analysis.file(), offset)?;
    let text = match symbol.kind {
        SymbolKind::Parameter => parameter(analysis, symbol)?,
        SymbolKind::Policy | SymbolKind::Initiative => definition(analysis, symbol)?,
        SymbolKind::Group => format!("**{}** (group)", symbol.name),
    };
    Some((text, span))
}

fn parameter(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let definition = analysis.definition(symbol.owner)?;
    let parameter = definition.header().parameter(&symbol.name)?;
    let source = analysis.compiled.compilation.sources.get(parameter.span.file)?;
    let declaration = source.text.get(parameter.span.range())?;
    // The attribute block can be long: the first lines say enough.
    let shown: Vec<&str> = declaration.lines().take(6).collect();
    Some(markup::parameter(parameter, &shown.join("\n")))
}

fn definition(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let definition = analysis.definition(symbol.owner)?;
    let header = definition.header();
    let what = match definition {
        Definition::Policy(policy) => format!("policy, mode `{}`", policy.mode.value.as_str()),
        Definition::Initiative(initiative) => format!("initiative, {} members", initiative.members.len()),
    };
    let mut text = format!("**{}** ({what})", header.name.value);
    if let Some(display) = &header.display_name {
        text.push_str(&format!("\n\n{}", display.value));
    }
    if let Some(description) = &header.description {
        text.push_str(&format!("\n\n{}", description.value));
    }
    Some(text)
}

/// A field or a function call of the AST at the cursor (the innermost one).
fn node(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let (_, definition) = analysis.definition_at(offset)?;
    let contains = |span: Span| span.start as usize <= offset && offset <= span.end as usize;
    let mut best: Option<(String, Span)> = None;
    walk::definition(definition, &mut |node| {
        let found = match node {
            Node::Field(field) if contains(field.span) => match &field.name {
                // A kind used as a condition is a `type` guard in the AST: show the kind.
                FieldName::Static(name)
                    if name == "type" && analysis.kinds().by_name(analysis.slice(field.span)).is_some() =>
                {
                    let span = field.span;
                    kind_hover(analysis, analysis.slice(span), span.start as usize, span.end as usize)
                }
                // `resource "…"` is the guard of its type.
                FieldName::Static(name) if name == "type" && analysis.slice(field.span).starts_with(GENERIC_KIND) => {
                    resource_hover(analysis, field.span)
                }
                FieldName::Static(name) => Some((field_text(analysis, name), field.span)),
                FieldName::Dynamic(_) => None,
            },
            Node::Expr(Expr::Call { name, .. }) if contains(name.span) => {
                docs::function(&name.value).map(|f| (markup::function(f), name.span))
            }
            _ => None,
        };
        if let Some((text, span)) = found
            && best.as_ref().is_none_or(|(_, b)| span.end - span.start <= b.end - b.start)
        {
            best = Some((text, span));
        }
    });
    // On `compute` of `compute.vmSize`, the kind.
    kind_prefix(analysis, offset).or(best)
}

fn field_text(analysis: &Analysis, name: &str) -> String {
    if let Some(alias) = analysis.catalog().lookup(name) {
        return markup::alias(alias);
    }
    match top_level_field(name) {
        Some(TopLevelField::Fixed(field)) => markup::builtin_field(field),
        Some(TopLevelField::Tag { name }) => format!("**tag** `{name}`: the value of one tag of the resource"),
        None => markup::unknown_field(name),
    }
}

/// A resource kind written before a `.` at the cursor.
fn kind_prefix(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let i = analysis.token_at(offset)?;
    let token = analysis.tokens().get(i)?;
    let dot_follows = analysis.tokens().get(i + 1).is_some_and(|t| t.is_punct('.') && t.start == token.end);
    if !dot_follows {
        return None;
    }
    // Only where the resolver reads the word as a kind: inside `compute { … }`, `compute.x`
    // is a field of the block.
    let resource_type = context::at(analysis, token.start).and_then(|c| c.resource_type);
    let word = analysis.token_text(token);
    if !matches!(analysis.names_at(resource_type.as_deref()).head(word), Head::Kind(_)) {
        return None;
    }
    kind_hover(analysis, word, token.start, token.end)
}

fn kind_hover(analysis: &Analysis, word: &str, start: usize, end: usize) -> Option<(String, Span)> {
    let kind = analysis.kinds().by_name(word)?;
    let aliases = analysis.catalog().aliases_of_type(kind.resource_type).len();
    Some((markup::kind(kind, aliases), Span::new(analysis.file(), start, end)))
}

/// The type of the `resource "…"` guard at `span`, read from the string written there.
fn resource_hover(analysis: &Analysis, span: Span) -> Option<(String, Span)> {
    let quoted = analysis.slice(span).strip_prefix(GENERIC_KIND)?.trim();
    let ty: String = serde_json::from_str(quoted).ok()?;
    let aliases = analysis.catalog().aliases_of_type(&ty).len();
    Some((markup::resource_type(&ty, aliases), span))
}

/// Kinds, effects, roles and keywords, by the token at the cursor.
fn token(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let i = analysis.token_at(offset)?;
    let token = analysis.tokens().get(i)?;
    let word = analysis.token_text(token);
    let span = Span::new(analysis.file(), token.start, token.end);
    let previous = i.checked_sub(1).and_then(|p| analysis.tokens().get(p)).map(|t| analysis.token_text(t));
    if token.is(TokKind::Str) && in_roles(analysis, i) {
        return role_string_hover(word).map(|markup| (markup, span));
    }
    if !token.is_word() {
        return None;
    }
    if let Some(found) = kind_hover(analysis, word, token.start, token.end) {
        return Some(found);
    }
    if matches!(previous, Some("then" | "=" | "[" | ","))
        && let Some(doc) = docs::effect(word)
    {
        return Some((markup::effect(word, doc), span));
    }
    if let Some(role) = role_by_name(word).filter(|_| in_roles(analysis, i)) {
        return Some((role_markup(role), span));
    }
    if let Some(doc) = docs::keyword(word).filter(|_| token.is(TokKind::Keyword)).or_else(|| property(analysis, i)) {
        return Some((markup::keyword(word, doc), span));
    }
    None
}

fn role_markup(role: &Role) -> String {
    format!("**{}** (built-in role `{}`)\n\n`{}`", role.display_name, role.name, role_definition_id(role.guid))
}

/// A string in `roles [...]`: a display name or the id of a built-in role.
fn role_string_hover(literal: &str) -> Option<String> {
    let text: String = serde_json::from_str(literal).ok()?;
    let role = match role_string(&text) {
        RoleString::Role(role) => Some(role),
        RoleString::Verbatim => builtin_role_for_id(&text),
        RoleString::Unknown => None,
    }?;
    Some(role_markup(role))
}

/// A property key at the start of its line (`conflictEffect audit`, `strongType "location"`).
fn property(analysis: &Analysis, i: usize) -> Option<&'static str> {
    let token = analysis.tokens().get(i)?;
    let line_start = analysis.text.get(..token.start)?.rfind('\n').map_or(0, |n| n + 1);
    if !analysis.text.get(line_start..token.start)?.trim().is_empty() {
        return None;
    }
    let word = analysis.token_text(token);
    let effects = docs::EFFECTS.iter().flat_map(|(effect, _)| docs::detail_keys(effect).iter());
    let mut keys =
        effects.chain(docs::PARAMETER_ATTRIBUTES).chain(docs::MEMBER_PROPERTIES).chain(docs::GROUP_PROPERTIES);
    keys.find(|(key, _)| *key == word).map(|(_, doc)| *doc)
}

/// The token at `i` is inside `roles [ … ]`.
fn in_roles(analysis: &Analysis, i: usize) -> bool {
    let before = analysis.tokens().get(..i).unwrap_or_default();
    let open = before.iter().rposition(|t| t.is_punct('[') || t.is_punct(']'));
    open.is_some_and(|o| {
        before.get(o).is_some_and(|t| t.is_punct('['))
            && o.checked_sub(1).and_then(|p| before.get(p)).is_some_and(|t| analysis.token_text(t) == "roles")
    })
}

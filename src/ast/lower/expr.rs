//! Expressions: literals, parameters, calls, member and index access, interpolated strings,
//! and raw JSON.

use super::Lowerer;
use super::fields::{Resolved, Scope};
use crate::ast::numbers::{exact_number, first_inexact_in_json};
use crate::ast::strings::{self, Piece};
use crate::ast::{Expr, Field, FieldName, Spanned};
use crate::diag::{Code, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::tree::{self, Literal, LiteralKind, PathHead, Segment};

impl Lowerer<'_> {
    /// A string literal taken as plain text (escapes decoded, `$` not special).
    pub(crate) fn plain_string(&mut self, literal: &Literal) -> Option<String> {
        let LiteralKind::String(raw) = &literal.kind else {
            self.error(Code::InvalidLiteral, literal.span, "expected a string", "write the value in double quotes");
            return None;
        };
        match strings::decode_plain(raw) {
            Ok(text) => Some(text),
            Err(error) => {
                self.string_error(literal.span, &error);
                None
            }
        }
    }

    /// A name that may be written in quotes (`param "Has Space"`), escapes decoded. A bare
    /// word has no escapes, so it decodes to itself.
    pub(crate) fn quoted_name(&mut self, name: &tree::Name) -> Option<String> {
        match strings::decode_plain(&name.text) {
            Ok(text) => Some(text),
            Err(error) => {
                self.string_error(name.span, &error);
                None
            }
        }
    }

    fn string_error(&mut self, literal: Span, error: &strings::StringError) {
        // The raw text starts one byte after the opening quote.
        let start = literal.start as usize + 1 + error.start;
        let end = literal.start as usize + 1 + error.end;
        let span = Span::new(self.file, start, end.min(literal.end as usize));
        let (code, help) = if error.interpolation {
            (Code::InvalidInterpolation, "write `$name` or `${expression}`, or `\\$` for a dollar sign")
        } else {
            (
                Code::InvalidEscape,
                "use one of `\\\"`, `\\\\`, `\\/`, `\\n`, `\\r`, `\\t`, `\\b`, `\\f`, `\\uXXXX`, `\\$`",
            )
        };
        self.error(code, span, error.message.clone(), help);
    }

    /// An expression in a value position.
    pub(crate) fn value(&mut self, expr: &tree::Expr, scope: &Scope<'_>) -> Option<Expr> {
        match expr {
            tree::Expr::Literal(literal) => self.literal(literal, scope),
            tree::Expr::Param(name) => Some(Expr::Param(self.param_ref(name, scope))),
            tree::Expr::Path(path) => self.path_value(path, scope),
            tree::Expr::Call { name, args, span } => self.call(name, args, *span, scope),
            tree::Expr::Member { base, name, span } => Some(Expr::Member {
                base: Box::new(self.value(base, scope)?),
                name: Spanned::new(name.text.clone(), name.span),
                span: *span,
            }),
            tree::Expr::Index { base, index, span } => Some(Expr::Index {
                base: Box::new(self.value(base, scope)?),
                index: Box::new(self.value(index, scope)?),
                span: *span,
            }),
            tree::Expr::Array(items, span) => {
                let mut lowered = Vec::with_capacity(items.len());
                lowered.extend(items.iter().filter_map(|item| self.value(item, scope)));
                Some(Expr::Array(lowered, *span))
            }
            tree::Expr::Object(entries, span) => {
                let mut lowered = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let key = self.object_key(key);
                    if let Some(value) = self.value(value, scope) {
                        lowered.push((key, value));
                    }
                }
                Some(Expr::Object(lowered, *span))
            }
            tree::Expr::Raw(inner, span) => Some(Expr::Raw(self.json(inner)?, *span)),
            tree::Expr::RawJson(span) => Some(Expr::Raw(self.raw_json(*span)?, *span)),
        }
    }

    /// JSON the lexer has already found to be well-formed.
    pub(crate) fn raw_json(&mut self, span: Span) -> Option<serde_json::Value> {
        let text = self.text.get(span.range()).unwrap_or_default();
        if let Some((range, problem)) = first_inexact_in_json(text) {
            let start = span.start as usize;
            let number = Span::new(self.file, start + range.start, start + range.end);
            self.error(Code::InvalidNumber, number, problem.describe(&text[range]), problem.help());
            return None;
        }
        match serde_json::from_str(text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.error(Code::InvalidLiteral, span, format!("invalid JSON: {error}"), "write strict JSON here");
                None
            }
        }
    }

    /// A value in a property or details position, where a bare word is a string
    /// (`conflictEffect audit`, `existenceScope subscription`).
    pub(crate) fn block_value(&mut self, expr: &tree::Expr, scope: &Scope<'_>) -> Option<Expr> {
        match bare_word(expr) {
            Some(word) => Some(Expr::String(word.text.clone(), word.span)),
            None => self.value(expr, scope),
        }
    }

    /// A JSON literal (parameter defaults, metadata, `json { … }`): no parameters, fields or
    /// calls; strings taken as written. Bare words are strings when `bare_words` allows.
    pub(crate) fn literal_json(&mut self, expr: &tree::Expr, bare_words: bool) -> Option<serde_json::Value> {
        if bare_words {
            if let Some(word) = bare_word(expr) {
                return Some(serde_json::Value::String(word.text.clone()));
            }
            if let tree::Expr::Array(items, _) = expr {
                let items = items.iter().map(|item| self.literal_json(item, true)).collect::<Option<Vec<_>>>()?;
                return Some(serde_json::Value::Array(items));
            }
        }
        self.json(expr)
    }

    /// Strict JSON.
    pub(crate) fn json(&mut self, expr: &tree::Expr) -> Option<serde_json::Value> {
        use serde_json::Value;
        match expr {
            tree::Expr::Literal(literal) => match &literal.kind {
                LiteralKind::String(_) => self.plain_string(literal).map(Value::String),
                LiteralKind::Number(text) => self.number(text, literal.span).map(Value::Number),
                LiteralKind::Bool(b) => Some(Value::Bool(*b)),
                LiteralKind::Null => Some(Value::Null),
            },
            tree::Expr::Array(items, _) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.json(item)?);
                }
                Some(Value::Array(values))
            }
            tree::Expr::Object(entries, _) => {
                let mut map = serde_json::Map::new();
                for (key, value) in entries {
                    let key = self.object_key(key).value;
                    let value = self.json(value)?;
                    map.insert(key, value);
                }
                Some(Value::Object(map))
            }
            tree::Expr::Raw(inner, _) => self.json(inner),
            tree::Expr::RawJson(span) => self.raw_json(*span),
            other => {
                self.error(
                    Code::InvalidLiteral,
                    other.span(),
                    "only JSON is allowed here",
                    "write a string, number, boolean, null, array or object; ARM expressions go in strings, e.g. \"[parameters('name')]\"",
                );
                None
            }
        }
    }

    /// A number literal, kept exactly or refused (never rounded to a float or to 0).
    pub(crate) fn number(&mut self, text: &str, span: Span) -> Option<serde_json::Number> {
        match exact_number(text) {
            Ok(number) => Some(number),
            Err(problem) => {
                self.error(Code::InvalidNumber, span, problem.describe(text), problem.help());
                None
            }
        }
    }

    fn object_key(&mut self, key: &tree::Name) -> Spanned<String> {
        let text = strings::decode_plain(&key.text).unwrap_or_else(|_| key.text.clone());
        Spanned::new(text, key.span)
    }

    pub(crate) fn param_ref(&mut self, name: &tree::Name, scope: &Scope<'_>) -> Spanned<String> {
        if !scope.params.iter().any(|p| p.eq_ignore_ascii_case(&name.text)) {
            let help = match did_you_mean(&name.text, scope.params.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `${s}`?"),
                None => format!("declare it: `param {}: string`", name.text),
            };
            let diagnostic = crate::diag::Diagnostic::new(
                Code::UndefinedParameter,
                name.span,
                format!("parameter `${}` is not declared", name.text),
            )
            .with_help(help.clone());
            // `$name` in code spans the `$`; inside a string interpolation the span is the name
            // alone, and the replacement must not add a second `$`.
            let dollar = if self.text.get(name.span.range()).is_some_and(|t| t.starts_with('$')) { "$" } else { "" };
            let diagnostic = match did_you_mean(&name.text, scope.params.iter().map(String::as_str)) {
                Some(s) => diagnostic.with_fix(format!("replace with `${s}`"), name.span, format!("{dollar}{s}")),
                None => diagnostic,
            };
            self.report(diagnostic);
        }
        Spanned::new(name.text.clone(), name.span)
    }

    fn literal(&mut self, literal: &Literal, scope: &Scope<'_>) -> Option<Expr> {
        match &literal.kind {
            LiteralKind::String(raw) => self.interpolated(raw, literal.span, scope),
            LiteralKind::Number(text) => self.number(text, literal.span).map(|n| Expr::Number(n, literal.span)),
            LiteralKind::Bool(b) => Some(Expr::Bool(*b, literal.span)),
            LiteralKind::Null => Some(Expr::Null(literal.span)),
        }
    }

    fn interpolated(&mut self, raw: &str, span: Span, scope: &Scope<'_>) -> Option<Expr> {
        let pieces = match strings::split_interpolation(raw) {
            Ok(pieces) => pieces,
            Err(error) => {
                self.string_error(span, &error);
                return None;
            }
        };
        let content_start = span.start as usize + 1;
        let mut parts = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match piece {
                Piece::Text(text) => parts.push(Expr::String(text, span)),
                Piece::Param { name, start, end } => {
                    let name_span = Span::new(self.file, content_start + start, content_start + end);
                    let name = tree::Name { text: name, span: name_span };
                    parts.push(Expr::Param(self.param_ref(&name, scope)));
                }
                Piece::Expr { text, start } => {
                    match crate::syntax::parse_embedded_expr(self.file, &text, content_start + start) {
                        Ok(expr) => parts.push(self.value(&expr, scope)?),
                        Err(diagnostics) => {
                            self.diagnostics.extend(diagnostics);
                            return None;
                        }
                    }
                }
            }
        }
        match parts.len() {
            0 => Some(Expr::String(String::new(), span)),
            1 => parts.pop(),
            _ => Some(Expr::Call { name: Spanned::new("concat".into(), span), args: parts, span }),
        }
    }

    fn path_value(&mut self, path: &tree::Path, scope: &Scope<'_>) -> Option<Expr> {
        match self.resolve_path(path, scope, true)? {
            Resolved::Field(field) => Some(Expr::Field(Box::new(field))),
            Resolved::CurrentElement { alias, span } => Some(Expr::Current(Some(alias), span)),
            Resolved::ValueBinding { name, rest, span } => {
                let mut expr = Expr::Current(Some(name), span);
                for segment in &rest {
                    expr = match segment {
                        Segment::Member(member) => Expr::Member {
                            base: Box::new(expr),
                            name: Spanned::new(member.text.clone(), member.span),
                            span: span.to(member.span),
                        },
                        Segment::Index(index, index_span) => Expr::Index {
                            base: Box::new(expr),
                            index: Box::new(self.value(index, scope)?),
                            span: span.to(*index_span),
                        },
                        Segment::Wildcard(wildcard) => {
                            self.error(
                                Code::InvalidFieldPath,
                                *wildcard,
                                "`[*]` cannot follow a value-count variable",
                                "index the value with a number or a key",
                            );
                            return None;
                        }
                    };
                }
                Some(expr)
            }
        }
    }

    fn call(&mut self, name: &tree::Name, args: &[tree::Expr], span: Span, scope: &Scope<'_>) -> Option<Expr> {
        // `field("alias")` and `current("name")` get their own nodes so that the checker can
        // look at the alias and the count they refer to.
        if name.text.eq_ignore_ascii_case("field")
            && let [tree::Expr::Literal(literal @ Literal { kind: LiteralKind::String(_), .. })] = args
        {
            let alias = self.plain_string(literal)?;
            return Some(Expr::Field(Box::new(Field { name: FieldName::Static(alias), written: None, span })));
        }
        if name.text.eq_ignore_ascii_case("current") {
            match args {
                [] => return Some(Expr::Current(None, span)),
                [tree::Expr::Literal(literal @ Literal { kind: LiteralKind::String(_), .. })] => {
                    return Some(Expr::Current(Some(self.plain_string(literal)?), span));
                }
                [tree::Expr::Path(path)] if path.segments.is_empty() => {
                    if let PathHead::Name(variable) = &path.head
                        && let Some(expr) = self.path_value(path, scope)
                    {
                        return Some(match expr {
                            Expr::Current(..) => expr,
                            _ => Expr::Current(Some(variable.text.clone()), span),
                        });
                    }
                }
                _ => {}
            }
        }
        let mut lowered = Vec::with_capacity(args.len());
        for arg in args {
            lowered.push(self.value(arg, scope)?);
        }
        Some(Expr::Call { name: Spanned::new(name.text.clone(), name.span), args: lowered, span })
    }
}

/// A single bare word (`audit`, `contributor`): a path of one name and no segments.
pub(crate) fn bare_word(expr: &tree::Expr) -> Option<&tree::Name> {
    match expr {
        tree::Expr::Path(tree::Path { head: PathHead::Name(name), segments, .. }) if segments.is_empty() => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::project::compile_source;

    /// Applies the first fix of the first diagnostic with `code`.
    fn fixed(text: &str, code: Code) -> String {
        let compilation = compile_source("t.gavel", text);
        let diagnostic = compilation.diagnostics.iter().find(|d| d.code == code).expect("the diagnostic");
        let edit = &diagnostic.fixes[0].edits[0];
        let mut text = text.to_string();
        text.replace_range(edit.span.range(), &edit.replacement);
        text
    }

    #[test]
    fn the_fix_for_a_misspelt_parameter_keeps_one_dollar() {
        let code = "policy p {\n    param registry: string\n    when workspace { name == $regsitry }\n    then deny\n}";
        assert!(fixed(code, Code::UndefinedParameter).contains("name == $registry }"));
        let interpolated = "policy p {\n    param registry: string\n    when workspace { name like \"r/$regsitry/*\" }\n    then deny\n}";
        assert!(fixed(interpolated, Code::UndefinedParameter).contains("\"r/$registry/*\""));
    }
}

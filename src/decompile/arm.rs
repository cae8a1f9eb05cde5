//! ARM template expressions (`"[concat('a', parameters('b'))]"`) → [`Expr`]: calls, string
//! and number literals, member and index access. `parameters('x')`, `field('x')`,
//! `current(…)` and `null()` get the nodes the compiler gives them, so that the checker and
//! the decompiler see the same AST whichever way a definition was written.

use crate::ast::numbers::exact_number;
use crate::ast::{Expr, Field, FieldName, Spanned};
use crate::syntax::span::{FileId, Span};

/// Calls nested deeper than this are not followed (the expression is kept verbatim).
pub const MAX_DEPTH: usize = 32;

/// Where the expression text sits in the file.
#[derive(Debug, Clone, Copy)]
pub enum Positions {
    /// The text starts at this file offset and maps byte for byte (no JSON escapes before).
    Exact { file: FileId, start: usize },
    /// Escapes shift positions: every node gets the span of the whole JSON string.
    Whole(Span),
}

impl Positions {
    fn span(self, start: usize, end: usize) -> Span {
        match self {
            Positions::Exact { file, start: base } => Span::new(file, base + start, base + end),
            Positions::Whole(span) => span,
        }
    }
}

/// Parses the text between the outer brackets; `None` when it is not an expression gavel reads.
pub fn parse(text: &str, positions: Positions) -> Option<Expr> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, next: 0, positions, depth: 0 };
    let expr = parser.expr()?;
    (parser.next == parser.tokens.len()).then_some(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Str(String),
    Num(&'a str),
    Ident(&'a str),
    Punct(u8),
}

type Token<'a> = (Tok<'a>, usize, usize);

fn lex(text: &str) -> Option<Vec<Token<'_>>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let token = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'\'' => {
                let (value, end) = lex_string(text, i + 1)?;
                i = end;
                Tok::Str(value)
            }
            b'(' | b')' | b',' | b'.' | b'[' | b']' => {
                i += 1;
                Tok::Punct(b)
            }
            b'-' | b'0'..=b'9' => {
                i = lex_number(bytes, i)?;
                Tok::Num(text.get(start..i)?)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while bytes.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    i += 1;
                }
                Tok::Ident(text.get(start..i)?)
            }
            _ => return None,
        };
        tokens.push((token, start, i));
    }
    Some(tokens)
}

/// A single-quoted string whose content starts at `i`; `''` is a quote.
fn lex_string(text: &str, mut i: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    loop {
        let rest = text.get(i..)?;
        let quote = rest.find('\'')?;
        value.push_str(rest.get(..quote)?);
        i += quote + 1;
        if text.as_bytes().get(i) == Some(&b'\'') {
            value.push('\'');
            i += 1;
        } else {
            return Some((value, i));
        }
    }
}

fn lex_number(bytes: &[u8], mut i: usize) -> Option<usize> {
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits(&mut i);
    }
    Some(i)
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    next: usize,
    positions: Positions,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Tok<'a>> {
        self.tokens.get(self.next).map(|(t, _, _)| t)
    }

    fn eat(&mut self, punct: u8) -> bool {
        if self.peek() == Some(&Tok::Punct(punct)) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn start(&self) -> usize {
        self.tokens.get(self.next).map_or(0, |t| t.1)
    }

    fn end(&self) -> usize {
        self.next.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.2)
    }

    fn expr(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let start = self.start();
        let mut expr = self.primary()?;
        loop {
            if self.eat(b'.') {
                let name_start = self.start();
                let Some((Tok::Ident(name), _, _)) = self.tokens.get(self.next).cloned() else {
                    return None;
                };
                self.next += 1;
                let name = Spanned::new(name.to_string(), self.positions.span(name_start, self.end()));
                expr = Expr::Member { base: Box::new(expr), name, span: self.positions.span(start, self.end()) };
            } else if self.eat(b'[') {
                let index = self.expr()?;
                if !self.eat(b']') {
                    return None;
                }
                expr = Expr::Index {
                    base: Box::new(expr),
                    index: Box::new(index),
                    span: self.positions.span(start, self.end()),
                };
            } else {
                break;
            }
        }
        self.depth -= 1;
        Some(expr)
    }

    fn primary(&mut self) -> Option<Expr> {
        let (token, start, end) = self.tokens.get(self.next).cloned()?;
        self.next += 1;
        let span = self.positions.span(start, end);
        match token {
            Tok::Str(value) => Some(Expr::String(value, span)),
            // A number that would not keep its value leaves the expression unparsed (kept verbatim).
            Tok::Num(text) => exact_number(text).ok().map(|n| Expr::Number(n, span)),
            Tok::Ident(name) if self.eat(b'(') => {
                let args = self.arguments()?;
                Some(call(
                    name,
                    args,
                    self.positions.span(start, start + name.len()),
                    self.positions.span(start, self.end()),
                ))
            }
            Tok::Ident(word) if word == "true" || word == "false" => Some(Expr::Bool(word == "true", span)),
            Tok::Ident(_) | Tok::Punct(_) => None,
        }
    }

    /// Arguments after `(`, up to and including `)`.
    fn arguments(&mut self) -> Option<Vec<Expr>> {
        let mut args = Vec::new();
        if self.eat(b')') {
            return Some(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat(b')') {
                return Some(args);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }
}

/// A call, or the node the compiler gives `parameters`, `field`, `current` and `null`.
fn call(name: &str, mut args: Vec<Expr>, name_span: Span, span: Span) -> Expr {
    let literal = |args: &[Expr]| match args {
        [Expr::String(s, _)] => Some(s.clone()),
        _ => None,
    };
    if name.eq_ignore_ascii_case("parameters") {
        if let Some(param) = literal(&args) {
            return Expr::Param(Spanned::new(param, span));
        }
    } else if name.eq_ignore_ascii_case("field") {
        if let Some(alias) = literal(&args) {
            return Expr::Field(Box::new(Field { name: FieldName::Static(alias), written: None, span }));
        }
    } else if name.eq_ignore_ascii_case("current") {
        if args.is_empty() {
            return Expr::Current(None, span);
        }
        if let Some(variable) = literal(&args) {
            return Expr::Current(Some(variable), span);
        }
    } else if name.eq_ignore_ascii_case("null") && args.is_empty() {
        return Expr::Null(span);
    }
    args.shrink_to_fit();
    Expr::Call { name: Spanned::new(name.to_string(), name_span), args, span }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::expr::arm;

    fn round(text: &str) -> Option<String> {
        parse(text, Positions::Whole(Span::default())).map(|e| arm(&e))
    }

    #[test]
    fn parses_calls_members_indexes_and_literals() {
        assert_eq!(round("concat('a''b', parameters('x'))").as_deref(), Some("concat('a''b', parameters('x'))"));
        assert_eq!(round(" requestContext().apiVersion ").as_deref(), Some("requestContext().apiVersion"));
        assert_eq!(
            round("resourceGroup().tags[parameters('t')]").as_deref(),
            Some("resourceGroup().tags[parameters('t')]")
        );
        assert_eq!(round("add(-1, 2.5)").as_deref(), Some("add(-1, 2.5)"));
        assert_eq!(round("if(true, null(), current())").as_deref(), Some("if(true, null(), current())"));
    }

    #[test]
    fn maps_policy_functions_to_their_nodes() {
        let parsed = parse("Parameters('effect')", Positions::Whole(Span::default()));
        assert!(matches!(parsed, Some(Expr::Param(p)) if p.value == "effect"));
        let parsed = parse("field('type')", Positions::Whole(Span::default()));
        assert!(matches!(parsed, Some(Expr::Field(f)) if f.name == FieldName::Static("type".into())));
        let parsed = parse("current('x')", Positions::Whole(Span::default()));
        assert!(matches!(parsed, Some(Expr::Current(Some(x), _)) if x == "x"));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for text in ["", "concat(", "'open", "a b", "ns.fn()", "f(1,)", "x", "f())", "1 2"] {
            assert_eq!(round(text), None, "{text}");
        }
        let deep = format!("{}1{}", "f(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert_eq!(round(&deep), None);
        let ok = format!("{}1{}", "f(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
        assert!(round(&ok).is_some());
    }

    #[test]
    fn spans_point_into_the_file_when_positions_are_exact() {
        let parsed = parse("parameters('x')", Positions::Exact { file: FileId(0), start: 10 });
        assert_eq!(parsed.map(|e| e.span()), Some(Span::new(FileId(0), 10, 25)));
    }
}

//! Source text to syntax tree: tokens (logos), the parser (lalrpop, with error recovery),
//! spans. [`parse_file`] never fails: it returns a tree (with error nodes where the parser
//! recovered) and the diagnostics.

pub mod lexer;
pub mod span;
pub mod token;
pub mod tree;

#[allow(clippy::all, clippy::pedantic, unused_parens, unused_qualifications)]
mod grammar {
    lalrpop_util::lalrpop_mod!(pub gavel);
}

use lalrpop_util::ParseError;

use crate::diag::{Code, Diagnostic};
use lexer::{Comment, LexError, Lexer};
use span::{FileId, Span};
use token::Token;

/// What the parser produced for one file.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub tree: tree::File,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole gavel file.
pub fn parse_file(file: FileId, text: &str) -> Parsed {
    let mut lexer = Lexer::new(file, text);
    let mut recovered = Vec::new();
    let result = grammar::gavel::FileParser::new().parse(file, &mut recovered, &mut lexer);
    let mut diagnostics = std::mem::take(&mut lexer.diagnostics);
    for error in recovered {
        push_parse_error(file, text, error.error, &mut diagnostics);
    }
    let tree = match result {
        Ok(tree) => tree,
        Err(error) => {
            push_parse_error(file, text, error, &mut diagnostics);
            tree::File::default()
        }
    };
    let mut comments = lexer.comments;
    comments.shrink_to_fit();
    Parsed { tree, comments, diagnostics }
}

/// Parses a single expression embedded in a string (`"${concat(a, b)}"`), `offset` being
/// where the expression starts in the file so that spans point into the file.
pub fn parse_embedded_expr(file: FileId, text: &str, offset: usize) -> Result<tree::Expr, Vec<Diagnostic>> {
    let shifted = EmbeddedLexer { inner: Lexer::new(file, text), offset };
    let mut recovered = Vec::new();
    let result = grammar::gavel::ExprParser::new().parse(file, &mut recovered, shifted);
    let mut diagnostics = Vec::new();
    for error in recovered {
        push_parse_error(file, text, shift_error(error.error, offset), &mut diagnostics);
    }
    match result {
        Ok(expr) if diagnostics.is_empty() => Ok(expr),
        Ok(_) => Err(diagnostics),
        Err(error) => {
            push_parse_error(file, text, shift_error(error, offset), &mut diagnostics);
            Err(diagnostics)
        }
    }
}

struct EmbeddedLexer<'src> {
    inner: Lexer<'src>,
    offset: usize,
}

impl<'src> Iterator for EmbeddedLexer<'src> {
    type Item = lexer::Spanned<'src>;
    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.offset;
        self.inner.next().map(|item| {
            item.map(|(l, token, r)| (l + offset, token, r + offset)).map_err(|mut e| {
                e.span.start += offset as u32;
                e.span.end += offset as u32;
                e
            })
        })
    }
}

fn shift_error<'a>(
    error: ParseError<usize, Token<'a>, LexError>,
    _offset: usize,
) -> ParseError<usize, Token<'a>, LexError> {
    // Locations are already shifted by the embedded lexer.
    error
}

type GavelParseError<'a> = ParseError<usize, Token<'a>, LexError>;

fn push_parse_error(file: FileId, text: &str, error: GavelParseError<'_>, out: &mut Vec<Diagnostic>) {
    let diagnostic = match error {
        ParseError::UnrecognizedToken { token: (l, token, r), expected } => {
            let span = Span::new(file, l, r);
            let diagnostic = Diagnostic::new(Code::UnexpectedToken, span, format!("unexpected {}", token.describe()));
            match suggestion(&token, &expected) {
                Some((help, replacement)) => {
                    diagnostic.with_help(help).with_fix(format!("replace with `{replacement}`"), span, replacement)
                }
                None => diagnostic.with_help(expected_help(&expected)),
            }
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let end = location.min(text.len());
            Diagnostic::new(Code::UnexpectedEof, Span::new(file, end, end), "unexpected end of file")
                .with_help(expected_help(&expected))
        }
        ParseError::ExtraToken { token: (l, token, r) } => {
            Diagnostic::new(Code::UnexpectedToken, Span::new(file, l, r), format!("unexpected {}", token.describe()))
                .with_help("remove it")
        }
        ParseError::InvalidToken { location } => {
            Diagnostic::new(Code::InvalidCharacter, Span::new(file, location, location + 1), "invalid token")
                .with_help("remove it")
        }
        // The lexer has already reported why it stopped.
        ParseError::User { .. } => return,
    };
    // Recovery can report the same place twice; one diagnostic is enough.
    if !out.iter().any(|d| d.span == diagnostic.span && d.code == diagnostic.code) {
        out.push(diagnostic);
    }
}

/// A likely fix for a common slip: `=` for `==`, a misspelt keyword.
fn suggestion(token: &Token<'_>, expected: &[String]) -> Option<(String, String)> {
    let keywords = || {
        expected
            .iter()
            .map(|e| e.trim_matches('"'))
            .filter(|e| e.chars().all(|c| c.is_ascii_alphabetic()) && *e != "ident")
    };
    match token {
        Token::Assign if expected.iter().any(|e| e == "\"==\"") => {
            Some(("to compare, write `==`".to_string(), "==".to_string()))
        }
        Token::Ident(word) => {
            let keyword = crate::diag::did_you_mean(word, keywords())?;
            Some((format!("did you mean `{keyword}`?"), keyword.to_string()))
        }
        _ => None,
    }
}

/// Turns the parser's list of expected terminals into a readable help line.
fn expected_help(expected: &[String]) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut any_name = false;
    for terminal in expected {
        let bare = terminal.trim_matches('"');
        let shown = match bare {
            "ident" => {
                any_name = true;
                continue;
            }
            "string" => "a string".to_string(),
            "number" => "a number".to_string(),
            "$param" => "a `$parameter`".to_string(),
            "alias" => "an alias".to_string(),
            keyword if keyword.chars().all(|c| c.is_ascii_alphabetic()) => format!("`{keyword}`"),
            punct => format!("`{punct}`"),
        };
        if !names.contains(&shown) {
            names.push(shown);
        }
    }
    if any_name {
        // Keywords that are only expected because they may serve as names add noise.
        if names.len() > 12 {
            names.retain(|n| !n.starts_with('`') || !n.trim_matches('`').chars().all(|c| c.is_ascii_alphabetic()));
        }
        names.insert(0, "a name".to_string());
    }
    match names.len() {
        0 => "check the syntax near this point".to_string(),
        1 => format!("expected {}", names[0]),
        n if n <= 10 => format!("expected one of {}", names.join(", ")),
        _ => format!("expected one of {}, …", names[..10].join(", ")),
    }
}

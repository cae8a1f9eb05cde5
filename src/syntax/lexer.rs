//! Adapts the logos token stream to the parser: skips comments (keeping them as trivia for
//! doc comments and the formatter), turns bad input into diagnostics without stopping, and
//! refuses nesting deeper than [`MAX_NESTING`] so that no input can exhaust the stack of a
//! later phase.

use logos::Logos;

use super::span::{FileId, Span};
use super::token::Token;
use crate::diag::{Code, Diagnostic};

/// Deepest nesting of brackets plus `not`s that gavel accepts (Azure Policy's own object
/// depth limit).
pub const MAX_NESTING: usize = 128;

/// An error that stops the parse (the parser sees it as a user error).
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub span: Span,
}

/// A comment kept beside the token stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
    pub doc: bool,
}

pub type Spanned<'src> = Result<(usize, Token<'src>, usize), LexError>;

pub struct Lexer<'src> {
    file: FileId,
    inner: logos::Lexer<'src, Token<'src>>,
    /// `not`s seen at each open bracket level; the nesting is levels + all of them.
    nots_per_level: Vec<usize>,
    nesting: usize,
    stopped: bool,
    /// The last two tokens, to see where strict JSON may follow.
    previous: [Option<Token<'src>>; 2],
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'src> Lexer<'src> {
    pub fn new(file: FileId, text: &'src str) -> Lexer<'src> {
        Lexer {
            file,
            inner: Token::lexer(text),
            nots_per_level: vec![0],
            nesting: 0,
            stopped: false,
            previous: [None, None],
            comments: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// Tracks nesting; returns false when the limit is exceeded.
    fn track_nesting(&mut self, token: &Token<'_>) -> bool {
        match token {
            Token::LBrace | Token::LParen | Token::LBracket => {
                self.nots_per_level.push(0);
                self.nesting += 1;
            }
            Token::RBrace | Token::RParen | Token::RBracket if self.nots_per_level.len() > 1 => {
                let nots = self.nots_per_level.pop().unwrap_or(0);
                self.nesting = self.nesting.saturating_sub(1 + nots);
            }
            Token::Not => {
                if let Some(nots) = self.nots_per_level.last_mut() {
                    *nots += 1;
                }
                self.nesting += 1;
            }
            _ => {}
        }
        self.nesting <= MAX_NESTING
    }

    fn report(&mut self, code: Code, range: std::ops::Range<usize>, message: &str, help: &str) {
        let span = self.span(range);
        self.diagnostics.push(Diagnostic::new(code, span, message).with_help(help));
    }
}

impl<'src> Lexer<'src> {
    /// After `json`, or a `deployment` details key, a JSON value is taken in one piece when it
    /// is strict JSON: serde_json reads it far faster than the parser would, token by token.
    /// Anything else (bare keys, comments, expressions) goes through the parser as usual.
    fn raw_json_follows(&self) -> bool {
        match &self.previous {
            [Some(Token::Json), _] => true,
            [Some(Token::Ident("deployment")), before] => {
                !matches!(before, Some(Token::Policy | Token::Initiative | Token::Group | Token::Dot | Token::Param))
            }
            _ => false,
        }
    }

    fn take_raw_json(&mut self) -> Option<(usize, Token<'src>, usize)> {
        let remainder = self.inner.remainder();
        let value_start = remainder.len() - remainder.trim_start().len();
        if !remainder[value_start..].starts_with(['{', '[']) {
            return None;
        }
        let mut values =
            serde_json::Deserializer::from_str(&remainder[value_start..]).into_iter::<serde::de::IgnoredAny>();
        values.next()?.ok()?;
        let length = value_start + values.byte_offset();
        let start = self.inner.span().end;
        let text = &remainder[..length];
        self.inner.bump(length);
        Some((start, Token::RawJson(text), start + length))
    }

    fn remember(&mut self, token: &Token<'src>) {
        self.previous = [Some(token.clone()), self.previous[0].take()];
    }
}

impl<'src> Iterator for Lexer<'src> {
    type Item = Spanned<'src>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        if self.raw_json_follows()
            && let Some(raw) = self.take_raw_json()
        {
            self.previous = [None, None];
            return Some(Ok(raw));
        }
        loop {
            let result = self.inner.next()?;
            let range = self.inner.span();
            let token = match result {
                Ok(token) => token,
                Err(()) => {
                    let slice = self.inner.slice();
                    let message = format!("unexpected character `{}`", slice.escape_debug());
                    self.report(
                        Code::InvalidCharacter,
                        range,
                        &message,
                        "remove it; strings are written in double quotes and comments start with `//`",
                    );
                    continue;
                }
            };
            match token {
                Token::Comment(text) | Token::DocComment(text) => {
                    let doc = matches!(token, Token::DocComment(_));
                    let span = self.span(range);
                    self.comments.push(Comment { span, text: text.to_string(), doc });
                    continue;
                }
                Token::UnterminatedComment => {
                    self.report(
                        Code::UnterminatedString,
                        range,
                        "unterminated block comment",
                        "close the comment with `*/`",
                    );
                    continue;
                }
                Token::UnterminatedStr => {
                    self.report(
                        Code::UnterminatedString,
                        range.clone(),
                        "unterminated string",
                        "add the closing `\"` on the same line; write `\\n` for a line break",
                    );
                    // Hand the parser a string so that it can go on.
                    return Some(Ok((range.start, Token::Str("\"\""), range.end)));
                }
                _ => {}
            }
            if !self.track_nesting(&token) {
                self.stopped = true;
                let span = self.span(range.clone());
                self.diagnostics.push(
                    Diagnostic::new(Code::NestingTooDeep, span, format!("nesting deeper than {MAX_NESTING} levels"))
                        .with_help("flatten the condition with `all { … }` / `any { … }` blocks"),
                );
                return Some(Err(LexError { span }));
            }
            let token = match token {
                Token::Ident("resource") if self.inner.remainder().trim_start().starts_with('"') => Token::Resource,
                token => token,
            };
            self.remember(&token);
            return Some(Ok((range.start, token, range.end)));
        }
    }
}

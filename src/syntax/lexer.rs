//! Adapts the logos token stream to the parser: skips comments (keeping them as trivia for
//! doc comments and the formatter), turns bad input into diagnostics without stopping, and
//! refuses nesting deeper than [`MAX_NESTING`] so that no input can exhaust the stack of a
//! later phase.

use std::ops::Range;

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

/// How many characters of a run of invalid ones the message quotes.
const QUOTED_RUN: usize = 24;

impl<'src> Lexer<'src> {
    /// Operators and quotes of other languages (`&&`, `||`, `!`, `'…'`): one diagnostic that
    /// names gavel's spelling with a fix, and the token they stand for, so that parsing goes
    /// on as if the author had written it.
    fn foreign_syntax(&mut self, range: Range<usize>) -> Option<(usize, Token<'src>, usize)> {
        let slice = self.inner.slice();
        let remainder = self.inner.remainder();
        let (token, extra, spelling) = match slice {
            "&" if remainder.starts_with('&') => (Token::And, 1, "and"),
            "|" if remainder.starts_with('|') => (Token::Or, 1, "or"),
            "!" => (Token::Not, 0, "not"),
            "'" => return self.single_quoted_string(range),
            _ => return None,
        };
        self.inner.bump(extra);
        let range = range.start..range.end + extra;
        let written = &self.inner.source()[range.clone()];
        let span = self.span(range.clone());
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidCharacter, span, format!("`{written}` is written `{spelling}` in gavel"))
                .with_help(format!("conditions are combined with `and`, `or` and `not`; write `{spelling}`"))
                .with_fix(format!("replace with `{spelling}`"), span, spelling),
        );
        self.remember(&token);
        Some((range.start, token, range.end))
    }

    /// A string in single quotes, closed on the same line: reported once, with the same text in
    /// double quotes as the fix; the parser is handed an empty string so that it can go on.
    fn single_quoted_string(&mut self, range: Range<usize>) -> Option<(usize, Token<'src>, usize)> {
        let remainder = self.inner.remainder();
        let line = &remainder[..remainder.find('\n').unwrap_or(remainder.len())];
        let content_len = line.find('\'')?;
        let content = &line[..content_len];
        let quoted = format!("\"{}\"", content.replace('\\', "\\\\").replace('"', "\\\""));
        self.inner.bump(content_len + 1);
        let range = range.start..range.end + content_len + 1;
        let span = self.span(range.clone());
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidCharacter, span, "strings are written in double quotes")
                .with_help(format!("write {quoted}"))
                .with_fix("use double quotes", span, quoted),
        );
        let token = Token::Str("\"\"");
        self.remember(&token);
        Some((range.start, token, range.end))
    }

    /// One diagnostic per run of invalid characters on a line (blanks between them belong to
    /// the run): a line of a thousand stray characters is one error, not a thousand.
    fn report_invalid_character(&mut self, range: Range<usize>) {
        let source = self.inner.source();
        if let Some(last) = self.diagnostics.last_mut()
            && last.code == Code::InvalidCharacter
            && last.message.starts_with("unexpected character")
            && last.span.end as usize <= range.start
            && source[last.span.end as usize..range.start].bytes().all(|b| b == b' ' || b == b'\t')
        {
            last.span = Span::new(self.file, last.span.start as usize, range.end);
            let run = &source[last.span.start as usize..range.end];
            let quoted: String = run.chars().take(QUOTED_RUN).collect();
            let ellipsis = if run.chars().nth(QUOTED_RUN).is_some() { "…" } else { "" };
            last.message = format!("unexpected characters `{}{ellipsis}`", quoted.escape_debug());
            return;
        }
        let message = format!("unexpected character `{}`", self.inner.slice().escape_debug());
        self.report(
            Code::InvalidCharacter,
            range,
            &message,
            "remove it; strings are written in double quotes and comments start with `//`",
        );
    }

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
                    if let Some(token) = self.foreign_syntax(range.clone()) {
                        return Some(Ok(token));
                    }
                    self.report_invalid_character(range);
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

//! The buffer's tokens, kept beside the analysis. Completion and signature help read the tokens
//! before the cursor (the syntax tree of a half-typed line is mostly error nodes); semantic
//! tokens and folding read them all.

use crate::syntax::lexer::{Comment, Lexer};
use crate::syntax::span::FileId;
use crate::syntax::token::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A reserved word that is not an operator or a literal: `policy`, `when`, `mode`, ….
    Keyword,
    /// `in`, `like`, `contains`, `exists`, `notIn`, …
    WordOperator,
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`
    Operator,
    /// `true`, `false`, `null`
    Literal,
    Ident,
    /// `$name`
    Param,
    /// A full alias name.
    Alias,
    Str,
    Number,
    /// Strict JSON taken in one piece after `json` or `deployment`.
    RawJson,
    /// Brackets and separators, by character.
    Punct(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or_default()
    }

    pub fn is(&self, kind: TokKind) -> bool {
        self.kind == kind
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct(c)
    }

    /// A word: an identifier or any reserved word (the grammar takes most of them as names).
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokKind::Ident | TokKind::Keyword | TokKind::WordOperator | TokKind::Literal)
    }
}

/// Lexes the buffer as the parser sees it (comments apart, unterminated strings as strings).
pub fn lex(text: &str) -> (Vec<Tok>, Vec<Comment>) {
    let mut lexer = Lexer::new(FileId(0), text);
    let mut tokens = Vec::new();
    for item in lexer.by_ref() {
        let Ok((start, token, end)) = item else { break };
        tokens.push(Tok { kind: kind(&token), start, end });
    }
    (tokens, lexer.comments)
}

fn kind(token: &Token<'_>) -> TokKind {
    match token {
        Token::In
        | Token::Like
        | Token::Match
        | Token::MatchInsensitively
        | Token::Contains
        | Token::ContainsKey
        | Token::Exists
        | Token::NotIn
        | Token::NotLike
        | Token::NotMatch
        | Token::NotMatchInsensitively
        | Token::NotContains
        | Token::NotContainsKey
        | Token::NotExists => TokKind::WordOperator,
        Token::EqEq | Token::NotEq | Token::Less | Token::LessEq | Token::Greater | Token::GreaterEq => {
            TokKind::Operator
        }
        Token::True | Token::False | Token::Null => TokKind::Literal,
        Token::Ident(_) => TokKind::Ident,
        Token::ParamRef(_) => TokKind::Param,
        Token::Alias(_) => TokKind::Alias,
        Token::Str(_) | Token::UnterminatedStr => TokKind::Str,
        Token::Number(_) => TokKind::Number,
        Token::RawJson(_) => TokKind::RawJson,
        Token::LBrace => TokKind::Punct('{'),
        Token::RBrace => TokKind::Punct('}'),
        Token::LParen => TokKind::Punct('('),
        Token::RParen => TokKind::Punct(')'),
        Token::LBracket => TokKind::Punct('['),
        Token::RBracket => TokKind::Punct(']'),
        Token::Comma => TokKind::Punct(','),
        Token::Colon => TokKind::Punct(':'),
        Token::Semicolon => TokKind::Punct(';'),
        Token::Assign => TokKind::Punct('='),
        Token::Dot => TokKind::Punct('.'),
        Token::Star => TokKind::Punct('*'),
        _ => TokKind::Keyword,
    }
}

/// The index of the first token that ends after `offset` (the token at or after the cursor).
pub fn index_after(tokens: &[Tok], offset: usize) -> usize {
    tokens.partition_point(|t| t.end <= offset)
}

/// The index of the first token that starts at or after `offset`.
pub fn index_from(tokens: &[Tok], offset: usize) -> usize {
    tokens.partition_point(|t| t.start < offset)
}

/// Matching brackets: for each index of an opening `{`, `(` or `[`, the index of its closer
/// (unmatched openers are left out).
pub fn bracket_pairs(tokens: &[Tok]) -> Vec<(usize, usize)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokKind::Punct(c @ ('{' | '(' | '[')) => open.push((i, c)),
            TokKind::Punct(c @ ('}' | ')' | ']')) => {
                let opener = match c {
                    '}' => '{',
                    ')' => '(',
                    _ => '[',
                };
                // A stray closer closes the nearest opener of its own kind; openers skipped on
                // the way were never closed.
                if let Some(at) = open.iter().rposition(|&(_, o)| o == opener) {
                    pairs.push((open[at].0, i));
                    open.truncate(at);
                }
            }
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_and_keeps_comments_apart() {
        let text = "policy p { // c\n when compute { x in [\"a\"] } then $effect }";
        let (tokens, comments) = lex(text);
        assert_eq!(comments.len(), 1);
        let kinds: Vec<TokKind> = tokens.iter().map(|t| t.kind).collect();
        assert_eq!(kinds.first(), Some(&TokKind::Keyword));
        assert!(kinds.contains(&TokKind::WordOperator));
        assert!(kinds.contains(&TokKind::Param));
        assert_eq!(bracket_pairs(&tokens).len(), 3);
        assert_eq!(index_after(&tokens, 0), 0);
        assert_eq!(index_after(&tokens, 6), 1);
        assert_eq!(index_from(&tokens, 6), 1);
    }

    #[test]
    fn stray_closers_do_not_unbalance_the_rest() {
        let (tokens, _) = lex("{ ( ] } [ ]");
        assert_eq!(bracket_pairs(&tokens), vec![(0, 3), (4, 5)]);
    }
}

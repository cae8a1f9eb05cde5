//! How single words and strings are written: the primitives the formatter and the decompiler
//! share. Whether a word can stand bare is asked of gavel's own lexer, so the answer cannot
//! drift from what the parser accepts.

use logos::Logos;

use crate::syntax::token::Token;

/// The one token `text` lexes to, if it lexes to exactly one that covers all of it.
fn single_token(text: &str) -> Option<Token<'_>> {
    let mut lexer = Token::lexer(text);
    let token = lexer.next()?.ok()?;
    (lexer.span() == (0..text.len()) && lexer.next().is_none()).then_some(token)
}

/// A word that is not a keyword: usable as a policy name, a parameter name, a bare value.
pub fn is_ident(text: &str) -> bool {
    matches!(single_token(text), Some(Token::Ident(_)))
}

/// Any single word, keywords included: member names, object keys, property keys.
pub fn is_any_name(text: &str) -> bool {
    match single_token(text) {
        Some(Token::Ident(_)) => true,
        Some(token) => {
            let word = token.text();
            word == text && !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Whether `$name` reads back as a reference to the parameter `name`.
pub fn is_param_name(name: &str) -> bool {
    let reference = format!("${name}");
    matches!(single_token(&reference), Some(Token::ParamRef(r)) if r == reference)
}

/// Whether `text` is one full-alias token (`Microsoft.X/y/z[*].w`).
pub fn is_alias_token(text: &str) -> bool {
    matches!(single_token(text), Some(Token::Alias(_)))
}

/// Whether `text` is one number token.
pub fn is_number(text: &str) -> bool {
    matches!(single_token(text), Some(Token::Number(_)))
}

/// The text of a string literal (without the quotes). With `interpolating`, `$` is escaped
/// so that the string is not read as an interpolation.
pub fn escape(text: &str, interpolating: bool) -> String {
    let plain = |b: &u8| *b >= 0x20 && *b != b'"' && *b != b'\\' && *b != 0x7f && (*b != b'$' || !interpolating);
    if text.bytes().all(|b| plain(&b)) && !text.contains(|c: char| c.is_control()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if interpolating => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A quoted string literal.
pub fn quote(text: &str, interpolating: bool) -> String {
    format!("\"{}\"", escape(text, interpolating))
}

/// A word as a name, or quoted when it is not one (object keys, parameter names).
pub fn name_or_string(text: &str) -> String {
    if is_any_name(text) { text.to_string() } else { quote(text, false) }
}

/// A description as `///` lines, wrapped within `width` columns: `None` when the text would
/// not read back the same (doc comments join lines with single spaces and trim them).
pub fn doc_comment_lines(text: &str, width: usize) -> Option<Vec<String>> {
    let plain = !text.is_empty()
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.chars().any(|c| c.is_control() || (c.is_whitespace() && c != ' '));
    if !plain {
        return None;
    }
    let room = width.saturating_sub(4).max(20);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::from("/// ");
    let mut length = 0;
    for word in text.split(' ') {
        let word_length = word.chars().count();
        if length > 0 && length + 1 + word_length > room {
            lines.push(std::mem::replace(&mut line, String::from("/// ")));
            length = 0;
        }
        if length > 0 {
            line.push(' ');
            length += 1;
        }
        line.push_str(word);
        length += word_length;
    }
    lines.push(line);
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_judged_by_the_lexer() {
        assert!(is_ident("computeType"));
        assert!(is_ident("Deny-MachineLearning-Aks"));
        assert!(!is_ident("policy"));
        assert!(!is_ident("9lives"));
        assert!(!is_ident("a b"));
        assert!(is_any_name("policy"));
        assert!(is_any_name("notIn"));
        assert!(!is_any_name("$schema"));
        assert!(is_param_name("Initiative-Effect"));
        assert!(!is_param_name("a.b"));
        assert!(is_alias_token("Microsoft.MachineLearningServices/workspaces/computes/vmSize"));
        assert!(!is_alias_token("tags['x']"));
    }

    #[test]
    fn escapes_what_the_lexer_needs() {
        assert_eq!(quote("a\"b\\c\n$d\u{1}", true), "\"a\\\"b\\\\c\\n\\$d\\u0001\"");
        assert_eq!(quote("$x", false), "\"$x\"");
    }

    #[test]
    fn wraps_plain_descriptions_only() {
        let lines = doc_comment_lines("one two three four five six", 30);
        assert_eq!(lines, Some(vec!["/// one two three four five".to_string(), "/// six".to_string()]));
        assert_eq!(doc_comment_lines("two  spaces", 80), None);
        assert_eq!(doc_comment_lines("line\nbreak", 80), None);
        assert_eq!(doc_comment_lines("", 80), None);
    }
}

//! Inline suppressions: a line comment `// gavel-disable-next-line GV0302` (codes or names,
//! separated by spaces or commas, optionally followed by ` -- reason`) silences lints of those
//! codes reported on the next line that is not blank or a comment. Errors cannot be silenced;
//! a suppression that names one, names no code, or silences nothing is reported (GV0014).

use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::syntax::lexer::Comment;
use crate::syntax::span::{FileId, Span};

/// The directive a suppression comment starts with.
pub const DIRECTIVE: &str = "gavel-disable-next-line";

/// One code named by a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Where the code is written in the comment.
    pub span: Span,
    pub written: String,
    /// The byte range of the line it applies to (`None`: no line follows).
    pub target: Option<(u32, u32)>,
}

/// The suppressions of a file's line comments.
pub fn suppressions(file: FileId, text: &str, comments: &[Comment]) -> Vec<Suppression> {
    let mut found = Vec::new();
    for comment in comments.iter().filter(|c| !c.doc) {
        let Some(body) = comment.text.strip_prefix("//") else { continue };
        let trimmed = body.trim_start();
        let Some(rest) = trimmed.strip_prefix(DIRECTIVE) else { continue };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        // A reason may follow ` -- `.
        let codes = rest.split(" --").next().unwrap_or_default();
        let codes_start = comment.span.start as usize + 2 + (body.len() - trimmed.len()) + DIRECTIVE.len();
        let target = next_code_line(text, comment.span.end as usize);
        let mut offset = 0;
        for word in codes.split(|c: char| c.is_whitespace() || c == ',') {
            let at = codes[offset..].find(word).map_or(offset, |i| offset + i);
            offset = at + word.len();
            if word.is_empty() {
                continue;
            }
            let start = codes_start + at;
            found.push(Suppression {
                span: Span::new(file, start, start + word.len()),
                written: word.to_string(),
                target,
            });
        }
        if codes.split(|c: char| c.is_whitespace() || c == ',').all(str::is_empty) {
            let start = comment.span.start as usize;
            found.push(Suppression {
                span: Span::new(file, start, comment.span.end as usize),
                written: String::new(),
                target,
            });
        }
    }
    found
}

/// The first line after `from` (the end of the comment) that holds something other than
/// whitespace and comments, as a byte range.
fn next_code_line(text: &str, from: usize) -> Option<(u32, u32)> {
    let mut start = text.get(from..)?.find('\n').map(|i| from + i + 1)?;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..end].trim();
        if !line.is_empty() && !line.starts_with("//") {
            return Some((start as u32, end as u32));
        }
        start = end + 1;
    }
    None
}

/// Drops the lints that suppressions silence and reports the suppressions that are of no use.
pub fn apply(diagnostics: &mut Diagnostics, suppressions: &[Suppression]) {
    if suppressions.is_empty() {
        return;
    }
    let mut used = vec![false; suppressions.len()];
    let codes: Vec<Option<Code>> = suppressions.iter().map(|s| Code::parse(&s.written)).collect();
    diagnostics.0.retain(|diagnostic| {
        if !diagnostic.code.is_lint() {
            return true;
        }
        let mut keep = true;
        for (i, suppression) in suppressions.iter().enumerate() {
            let Some((start, end)) = suppression.target else { continue };
            if suppression.span.file == diagnostic.span.file
                && codes[i] == Some(diagnostic.code)
                && (start..=end).contains(&diagnostic.span.start)
            {
                used[i] = true;
                keep = false;
            }
        }
        keep
    });
    for ((suppression, code), used) in suppressions.iter().zip(codes).zip(used) {
        let report = match code {
            _ if suppression.written.is_empty() => {
                Diagnostic::new(Code::UselessSuppression, suppression.span, format!("`{DIRECTIVE}` names no code"))
                    .with_help(format!("name the lints to silence: `// {DIRECTIVE} GV0302`"))
            }
            None => {
                let diagnostic = Diagnostic::new(
                    Code::UselessSuppression,
                    suppression.span,
                    format!("`{}` is not a diagnostic code", suppression.written),
                );
                let names = Code::ALL.iter().filter(|c| c.is_lint()).map(|c| c.name());
                match did_you_mean(&suppression.written, names) {
                    Some(s) => diagnostic.with_suggestion(suppression.span, Some(s), ""),
                    None => diagnostic.with_help("write a lint's code (`GV0302`) or name; `gavel explain` lists them"),
                }
            }
            Some(code) if !code.is_lint() => Diagnostic::new(
                Code::UselessSuppression,
                suppression.span,
                format!("{} ({}) is an error, which cannot be suppressed", code.id(), code.name()),
            )
            .with_help(format!("errors are what Azure rejects or what can never work: fix what {} reports", code.id())),
            Some(_) if used => continue,
            Some(code) => Diagnostic::new(
                Code::UselessSuppression,
                suppression.span,
                format!("nothing to suppress: no {} ({}) on the next line", code.id(), code.name()),
            )
            .with_help("remove the suppression")
            .with_fix("remove the code", suppression.span, ""),
        };
        diagnostics.push(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;

    fn comment(text: &str, source: &str) -> Comment {
        let start = source.find(text).unwrap_or(0);
        Comment { span: Span::new(FileId(0), start, start + text.len()), text: text.to_string(), doc: false }
    }

    #[test]
    fn reads_codes_and_names_up_to_a_reason() {
        let source = "// gavel-disable-next-line GV0302, unused-parameter -- reviewed\n\n// other\n  x == 1\n";
        let found = suppressions(FileId(0), source, &[comment(&source[..source.find('\n').unwrap_or(0)], source)]);
        let written: Vec<&str> = found.iter().map(|s| s.written.as_str()).collect();
        assert_eq!(written, ["GV0302", "unused-parameter"]);
        assert_eq!(&source[found[0].span.start as usize..found[0].span.end as usize], "GV0302");
        assert_eq!(&source[found[1].span.start as usize..found[1].span.end as usize], "unused-parameter");
        let (start, end) = found[0].target.unwrap_or_default();
        assert_eq!(&source[start as usize..end as usize], "  x == 1");
    }

    #[test]
    fn other_comments_are_not_suppressions() {
        let source = "// gavel-disable-next-lines GV0302\n// see gavel-disable-next-line\nx\n";
        let comments: Vec<Comment> = source.lines().take(2).map(|l| comment(l, source)).collect();
        assert!(suppressions(FileId(0), source, &comments).is_empty());
    }
}

//! Formatting: the formatter's output, sent as the one edit that turns the buffer into it
//! (the changed middle between the common start and end), so that the cursor and folds
//! outside the change stay where they are.

use tower_lsp_server::ls_types::TextEdit;

use super::document::Analysis;
use crate::fmt::FormatError;

/// Edits that format the buffer in gavel's canonical layout (`gavel fmt`; the layout is the
/// language's, not the editor's tab settings): none when it is formatted already, `None` while
/// it has syntax errors (nothing is formatted until it parses), an error when the formatter
/// refuses the file (its output would not mean the same: a formatter bug, reported rather than
/// applied).
pub fn formatting(analysis: &Analysis) -> Result<Option<Vec<TextEdit>>, String> {
    match crate::fmt::format_source(analysis.file(), &analysis.text) {
        Ok(formatted) => Ok(Some(edit(analysis, &formatted).into_iter().collect())),
        Err(FormatError::Syntax(_)) => Ok(None),
        Err(FormatError::Unstable(why)) => Err(format!("gavel did not format this file: {why}")),
    }
}

/// The single replacement from the buffer's text to `formatted`.
fn edit(analysis: &Analysis, formatted: &str) -> Option<TextEdit> {
    let old = analysis.text.as_str();
    if old == formatted {
        return None;
    }
    let prefix = common_prefix(old, formatted);
    let suffix = common_suffix(old.get(prefix..).unwrap_or_default(), formatted.get(prefix..).unwrap_or_default());
    let replaced = prefix..old.len() - suffix;
    Some(TextEdit {
        range: analysis.lines.range(old, replaced.start, replaced.end, analysis.encoding),
        new_text: formatted.get(prefix..formatted.len() - suffix).unwrap_or_default().to_string(),
    })
}

/// Length in bytes of the common start, at a character boundary of both.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices().zip(b.chars()).find(|((_, x), y)| x != y).map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Length in bytes of the common end, at a character boundary of both.
fn common_suffix(a: &str, b: &str) -> usize {
    let same: usize = a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum();
    same
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_parts_respect_characters() {
        assert_eq!(common_prefix("abé", "abè"), 2);
        assert_eq!(common_suffix("xé🚀", "yé🚀"), "é🚀".len());
        assert_eq!(common_prefix("same", "same"), 4);
    }
}

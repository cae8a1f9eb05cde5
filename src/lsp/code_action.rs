//! Code actions: every fix the compiler attaches to a diagnostic in the requested range, as a
//! quick fix. Which fixes exist is the checker's business; this only turns them into edits.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionContext, CodeActionKind, CodeActionOrCommand, CodeActionResponse, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics;
use super::document::Analysis;
use crate::diag::{Diagnostic, Fix};

pub fn code_actions(analysis: &Analysis, range: Range, context: &CodeActionContext) -> Option<CodeActionResponse> {
    if let Some(only) = &context.only
        && !only.iter().any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
    {
        return None;
    }
    let (start, end) = (analysis.offset(range.start), analysis.offset(range.end));
    let touches = |d: &&Diagnostic| d.span.start as usize <= end && start <= d.span.end as usize;
    let actions: Vec<CodeActionOrCommand> = analysis
        .compiled
        .compilation
        .diagnostics
        .iter()
        .filter(|d| d.span.file == analysis.file() && !d.fixes.is_empty())
        .filter(touches)
        .flat_map(|d| d.fixes.iter().map(move |fix| (d, fix)))
        .filter_map(|(d, fix)| quick_fix(analysis, d, fix).map(CodeActionOrCommand::CodeAction))
        .collect();
    (!actions.is_empty()).then_some(actions)
}

fn quick_fix(analysis: &Analysis, diagnostic: &Diagnostic, fix: &Fix) -> Option<CodeAction> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let location = analysis.location(edit.span)?;
        changes
            .entry(location.uri)
            .or_default()
            .push(TextEdit { range: location.range, new_text: edit.replacement.clone() });
    }
    Some(CodeAction {
        title: capitalize(&fix.message),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostics::convert(analysis, diagnostic)]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: Some(diagnostic.fixes.len() == 1),
        ..CodeAction::default()
    })
}

/// Editors show action titles as menu entries: "Replace with `computeType`".
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

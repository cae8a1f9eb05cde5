//! Inlay hints: after a field written by its short name (`computeType` in a `compute` block,
//! `compute.vmSize`, `tags.env`), the name it stands for, so the author sees what the policy
//! will test without leaving the line.

use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, InlayHintTooltip, MarkupContent, MarkupKind, Range};

use super::document::Analysis;
use super::markup;
use super::walk::{self, Node};
use crate::ast::FieldName;

pub fn inlay_hints(analysis: &Analysis, range: Range) -> Option<Vec<InlayHint>> {
    let (start, end) = (analysis.offset(range.start), analysis.offset(range.end));
    let mut hints = Vec::new();
    for (_, definition) in analysis.definitions() {
        let span = definition.header().span;
        if (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        walk::definition(definition, &mut |node| {
            let Node::Field(field) = node else { return };
            let (FieldName::Static(name), Some(_)) = (&field.name, &field.written) else { return };
            let at = field.span.end as usize;
            if at < start || at > end || field.span.file != analysis.file() {
                return;
            }
            hints.push(hint(analysis, at, name));
        });
    }
    Some(hints)
}

fn hint(analysis: &Analysis, at: usize, name: &str) -> InlayHint {
    let alias = analysis.catalog().lookup(name);
    // The catalog's spelling: the one gavel emits, whatever casing the author wrote.
    let name = alias.map_or(name, |a| a.name());
    let tooltip = alias.map(|alias| {
        InlayHintTooltip::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: markup::alias(alias) })
    });
    InlayHint {
        position: analysis.position(at),
        label: InlayHintLabel::String(format!("→ {name}")),
        kind: None,
        text_edits: None,
        tooltip,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

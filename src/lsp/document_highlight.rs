//! Document highlights: the occurrences in this buffer of the symbol at the cursor; the
//! declaration is marked as written, uses as read.

use tower_lsp_server::ls_types::{DocumentHighlight, DocumentHighlightKind, Position};

use super::document::Analysis;

pub fn highlights(analysis: &Analysis, position: Position) -> Option<Vec<DocumentHighlight>> {
    let offset = analysis.offset(position);
    let file = analysis.file();
    let (symbol, _) = analysis.symbols().at(file, offset)?;
    let declaration = std::iter::once((symbol.declaration, DocumentHighlightKind::WRITE));
    let uses = symbol.references.iter().map(|&span| (span, DocumentHighlightKind::READ));
    let highlights = declaration
        .chain(uses)
        .filter(|(span, _)| span.file == file)
        .map(|(span, kind)| DocumentHighlight { range: analysis.range(span), kind: Some(kind) })
        .collect();
    Some(highlights)
}

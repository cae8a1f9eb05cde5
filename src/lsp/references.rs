//! Find references: every use of the parameter, policy or group at the cursor, in the buffer,
//! the files it imports and (`importers`) the project files that import it.

use tower_lsp_server::ls_types::{Location, Position};

use super::document::Analysis;

pub fn references(
    analysis: &Analysis,
    position: Position,
    include_declaration: bool,
    importers: &[Location],
) -> Option<Vec<Location>> {
    let offset = analysis.offset(position);
    let (symbol, _) = analysis.symbols().at(analysis.file(), offset)?;
    let declaration = include_declaration.then_some(symbol.declaration);
    let spans = declaration.into_iter().chain(symbol.references.iter().copied());
    let mut locations: Vec<Location> = spans.filter_map(|span| analysis.location(span)).collect();
    locations.extend_from_slice(importers);
    Some(locations)
}

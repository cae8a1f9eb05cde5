//! Go to definition: from a use of a parameter, policy or group to its declaration (in
//! whichever file declares it), and from an `import` to the imported file.

use tower_lsp_server::ls_types::{GotoDefinitionResponse, Location, Position, Range, Uri};

use super::document::{Analysis, file_path};

pub fn definition(analysis: &Analysis, position: Position) -> Option<GotoDefinitionResponse> {
    let offset = analysis.offset(position);
    if let Some((symbol, _)) = analysis.symbols().at(analysis.file(), offset) {
        return analysis.location(symbol.declaration).map(GotoDefinitionResponse::Scalar);
    }
    import_at(analysis, offset).map(GotoDefinitionResponse::Scalar)
}

/// The file an `import "…"` at the cursor names.
fn import_at(analysis: &Analysis, offset: usize) -> Option<Location> {
    let unit = analysis.compiled.compilation.units.iter().find(|u| u.file == analysis.file())?;
    let import =
        unit.module.imports.iter().find(|i| i.span.start as usize <= offset && offset <= i.span.end as usize)?;
    let dir = file_path(&analysis.uri).parent()?.to_path_buf();
    let target = dir.join(&import.value).canonicalize().ok()?;
    Some(Location { uri: Uri::from_file_path(target)?, range: Range::default() })
}

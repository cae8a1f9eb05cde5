//! Rename: a parameter, policy, initiative or group, with every use (in the buffer, the files
//! it imports and the project files that import it; for a policy parameter also the
//! initiative members that set it).

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Location, Position, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit};

use super::document::Analysis;
use super::symbols::{Symbol, SymbolKind};

pub fn prepare(analysis: &Analysis, position: Position) -> Option<PrepareRenameResponse> {
    let offset = analysis.offset(position);
    let (symbol, span) = analysis.symbols().at(analysis.file(), offset)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder { range: analysis.range(span), placeholder: symbol.name.clone() })
}

pub fn rename(
    analysis: &Analysis,
    position: Position,
    new_name: &str,
    importers: &[Location],
) -> Result<Option<WorkspaceEdit>> {
    let offset = analysis.offset(position);
    let Some((symbol, _)) = analysis.symbols().at(analysis.file(), offset) else { return Ok(None) };
    let new_name = match symbol.kind {
        SymbolKind::Parameter => new_name.strip_prefix('$').unwrap_or(new_name),
        _ => new_name,
    };
    check_name(symbol, new_name)?;
    check_unique(analysis, symbol, new_name)?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    let locations = symbol.occurrences().filter_map(|span| analysis.location(span));
    for location in locations.chain(importers.iter().cloned()) {
        changes.entry(location.uri).or_default().push(TextEdit { range: location.range, new_text: new_name.into() });
    }
    Ok(Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }))
}

/// Names that every place the symbol appears accepts: parameters also appear in `"…$name…"`
/// interpolations, which take letters, digits and `_` only.
fn check_name(symbol: &Symbol, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || (c == '-' && symbol.kind != SymbolKind::Parameter);
    let valid = starts_well && chars.all(rest_ok) && !name.ends_with('-');
    if valid {
        return Ok(());
    }
    let rule = match symbol.kind {
        SymbolKind::Parameter => "letters, digits and `_`, not starting with a digit",
        _ => "letters, digits, `_` and inner `-`, not starting with a digit",
    };
    Err(Error::invalid_params(format!("`{name}` is not a valid name: use {rule}")))
}

fn check_unique(analysis: &Analysis, symbol: &Symbol, name: &str) -> Result<()> {
    let clash = analysis.symbols().symbols.iter().any(|other| {
        let same_space = match symbol.kind {
            SymbolKind::Parameter | SymbolKind::Group => other.kind == symbol.kind && other.owner == symbol.owner,
            SymbolKind::Policy | SymbolKind::Initiative => {
                matches!(other.kind, SymbolKind::Policy | SymbolKind::Initiative)
            }
        };
        same_space && other.declaration != symbol.declaration && other.name.eq_ignore_ascii_case(name)
    });
    if clash { Err(Error::invalid_params(format!("`{name}` is already declared here"))) } else { Ok(()) }
}

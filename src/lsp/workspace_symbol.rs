//! Workspace symbols (go to symbol in workspace): the policies and initiatives of every `.gavel`
//! file in the workspace folders and the projects of the open documents, with their
//! parameters, matched against the query by its characters in order, as editors filter.
//! Files are only parsed: names and places need no checking.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::{Location, SymbolInformation, SymbolKind, Uri};

use super::lines::{Encoding, LineIndex};
use crate::project::{is_gavel_file, read_source, walk_inputs};
use crate::syntax::span::{FileId, Span};
use crate::syntax::tree::{BodyItem, Item};
use crate::syntax::{self};

/// At most this many symbols per answer.
const LIMIT: usize = 500;

/// The symbols of the files under `folders` that match `query`; the search gives up, with what
/// it found, once `cancelled` says so.
pub fn workspace_symbols(
    folders: &[PathBuf],
    query: &str,
    read: &dyn Fn(&Path) -> Option<String>,
    encoding: Encoding,
    cancelled: &dyn Fn() -> bool,
) -> Vec<SymbolInformation> {
    let files: BTreeSet<PathBuf> = folders
        .iter()
        .filter_map(|f| walk_inputs(std::slice::from_ref(f), &is_gavel_file, cancelled).ok())
        .flat_map(|found| found.files)
        .collect();
    let mut symbols = Vec::new();
    for file in files {
        if cancelled() || symbols.len() >= LIMIT {
            break;
        }
        let Some(text) = read(&file).or_else(|| read_source(&file).ok()) else { continue };
        let Some(uri) = Uri::from_file_path(&file) else { continue };
        file_symbols(&uri, &text, encoding, &mut |symbol| {
            if matches(&symbol.name, query) && symbols.len() < LIMIT {
                symbols.push(symbol);
            }
        });
    }
    symbols
}

#[allow(deprecated)] // `deprecated` is a field every SymbolInformation must still fill in.
fn file_symbols(uri: &Uri, text: &str, encoding: Encoding, push: &mut dyn FnMut(SymbolInformation)) {
    let parsed = syntax::parse_file(FileId(0), text);
    let lines = LineIndex::new(text);
    let location = |span: Span| Location {
        uri: uri.clone(),
        range: lines.range(text, span.start as usize, span.end as usize, encoding),
    };
    for item in &parsed.tree.items {
        let (Item::Policy(block) | Item::Initiative(block)) = item else { continue };
        let kind = if matches!(item, Item::Policy(_)) { SymbolKind::CLASS } else { SymbolKind::MODULE };
        let name = block.name.text.clone();
        push(SymbolInformation {
            name: name.clone(),
            kind,
            tags: None,
            deprecated: None,
            location: location(block.name.span),
            container_name: None,
        });
        for body in &block.body {
            let BodyItem::Param(param) = body else { continue };
            push(SymbolInformation {
                name: param.name.text.clone(),
                kind: SymbolKind::FIELD,
                tags: None,
                deprecated: None,
                location: location(param.name.span),
                container_name: Some(name.clone()),
            });
        }
    }
}

/// The query's characters occur in the name in order, ignoring case (`dlam` finds
/// `disable_local_auth_modify`).
fn matches(name: &str, query: &str) -> bool {
    let mut name = name.chars().map(|c| c.to_ascii_lowercase());
    query.chars().map(|c| c.to_ascii_lowercase()).all(|q| name.any(|c| c == q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_characters_in_order() {
        assert!(matches("disable_local_auth_modify", "dlam"));
        assert!(matches("disable_local_auth_modify", ""));
        assert!(matches("Effect", "EFF"));
        assert!(!matches("vnet_audit", "dlam"));
    }
}

//! Uses of a symbol in the files that import the buffer. The buffer's compilation sees what it
//! imports, not what imports it, so an initiative elsewhere in the project that names one of the
//! buffer's policies (or sets one of their parameters) is found here: every `.gavel` file of the
//! project (the folder with `gavel.toml`, or the buffer's folder) that mentions the name is
//! compiled, and its uses of the same declaration are collected. References and rename call this.

use std::path::Path;

use tower_lsp_server::ls_types::{Location, Position, Uri};

use super::document::{Analysis, file_path};
use super::lines::{Encoding, LineIndex};
use super::symbols::{Symbol, SymbolIndex, SymbolKind};
use crate::project::{compile_buffer, find_root, is_gavel_file, read_source, walk_inputs};
use crate::syntax::span::Span;

/// Uses of the symbol at `position` in project files outside the buffer's compilation. The
/// search gives up, with what it found, once `cancelled` says so (the client no longer waits).
pub fn references(
    analysis: &Analysis,
    position: Position,
    read: &dyn Fn(&Path) -> Option<String>,
    cancelled: &dyn Fn() -> bool,
) -> Vec<Location> {
    let offset = analysis.offset(position);
    let Some((symbol, _)) = analysis.symbols().at(analysis.file(), offset) else { return Vec::new() };
    // Only policies and their parameters are used across files.
    let reachable = match symbol.kind {
        SymbolKind::Policy => true,
        SymbolKind::Parameter => {
            analysis.definition(symbol.owner).is_some_and(|d| matches!(d, crate::ast::Definition::Policy(_)))
        }
        SymbolKind::Initiative | SymbolKind::Group => false,
    };
    let sources = &analysis.compiled.compilation.sources;
    let declared_in = sources.path(symbol.declaration.file).to_path_buf();
    if !reachable || !declared_in.is_absolute() {
        return Vec::new();
    }
    let known: Vec<&Path> = sources.iter().map(|(_, s)| s.path.as_path()).collect();
    let root = find_root(&file_path(&analysis.uri));
    let Ok(files) = walk_inputs(std::slice::from_ref(&root), &is_gavel_file, cancelled) else { return Vec::new() };
    let mut found = Vec::new();
    for file in files.files {
        if cancelled() {
            break;
        }
        if known.iter().any(|k| same_file(k, &file)) {
            continue;
        }
        let Some(text) = read(&file).or_else(|| read_source(&file).ok()) else { continue };
        let name = match symbol.kind {
            SymbolKind::Parameter => analysis.definition(symbol.owner).map(|d| d.name().value.clone()),
            _ => Some(symbol.name.clone()),
        };
        // Only files that name the policy can use it.
        if !name.is_some_and(|n| text.contains(&n)) || !text.contains("import") {
            continue;
        }
        found.extend(uses_in(&file, &text, symbol, &declared_in, read, analysis.encoding));
    }
    found
}

/// The uses, in `file`, of the symbol declared at `symbol.declaration` of `declared_in`.
fn uses_in(
    file: &Path,
    text: &str,
    symbol: &Symbol,
    declared_in: &Path,
    read: &dyn Fn(&Path) -> Option<String>,
    encoding: Encoding,
) -> Vec<Location> {
    let compiled = compile_buffer(file, text, read);
    let sources = &compiled.compilation.sources;
    let index = SymbolIndex::build(&compiled.compilation);
    let same = |s: &&Symbol| {
        s.kind == symbol.kind
            && s.name == symbol.name
            && (s.declaration.start, s.declaration.end) == (symbol.declaration.start, symbol.declaration.end)
            && same_file(sources.path(s.declaration.file), declared_in)
    };
    let Some(found) = index.symbols.iter().find(same) else { return Vec::new() };
    let lines = LineIndex::new(text);
    let Some(uri) = Uri::from_file_path(file) else { return Vec::new() };
    let in_file = |span: &&Span| span.file == compiled.file;
    found
        .references
        .iter()
        .filter(in_file)
        .map(|span| Location {
            uri: uri.clone(),
            range: lines.range(text, span.start as usize, span.end as usize, encoding),
        })
        .collect()
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b)
}

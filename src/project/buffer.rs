//! Compiling an editor buffer: the text an editor holds rather than the file on disk. Imports
//! are followed as `gavel build` follows them, but read through the caller first, so that an
//! imported file open in the editor is seen with its unsaved changes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{
    Compilation, Options, analyse_file_keeping_tree, apply_lint_levels, find_root, finish, load, load_configs,
};
use crate::catalog::aliases::Catalog;
use crate::catalog::kinds::Kinds;
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::FileId;
use crate::syntax::tree;

/// A compiled buffer: the compilation (the buffer is [`BufferCompilation::file`], imported
/// files follow it) and the buffer's syntax tree.
#[derive(Debug, Default)]
pub struct BufferCompilation {
    pub compilation: Compilation,
    pub file: FileId,
    pub tree: tree::File,
    /// The kinds of the buffer's project: the built-in ones and those its `gavel.toml` declares.
    pub kinds: Kinds,
}

/// Compiles `text` as the content of `path`. `read` gives the text of an imported file when
/// the caller holds it (an open editor buffer); other imports are read from disk. Imported
/// files are checked but, as in a build, only the buffer counts as an input.
pub fn compile_buffer(
    path: &Path,
    text: impl Into<std::sync::Arc<str>>,
    read: &dyn Fn(&Path) -> Option<String>,
) -> BufferCompilation {
    // Shared with the caller (the server's document) rather than copied.
    let text: std::sync::Arc<str> = text.into();
    let mut compilation = Compilation::default();
    let root = find_root(path);
    // The project's `gavel.toml` (catalogs, lint levels) applies as in a build. Only catalogs
    // named on a command line can fail a run, and a buffer has none.
    let configs = load_configs(std::slice::from_ref(&root), &Options::default(), &mut compilation).unwrap_or_default();
    let file = compilation.sources.add(path, text.clone());
    let mut file_roots = HashMap::from([(file, root.clone())]);
    let kinds = configs.first().map(|c| c.kinds.clone()).unwrap_or_default();
    let catalog = compilation.catalog.take();
    let lowering_catalog = catalog.as_ref().unwrap_or(Catalog::builtin());
    let (unit, tree) =
        analyse_file_keeping_tree(file, &text, false, &kinds, lowering_catalog, &mut compilation.diagnostics);
    compilation.set_kinds(file, &kinds);
    let mut loaded: HashSet<PathBuf> = HashSet::from([canonical(path)]);
    let mut queue: Vec<PathBuf> = Vec::new();
    follow_imports(&mut compilation, &unit.module.imports, path, &root, &mut queue);
    compilation.units.push(unit);
    while let Some(import) = queue.pop() {
        if !loaded.insert(canonical(&import)) {
            continue;
        }
        let text = match read(&import).map(Ok).unwrap_or_else(|| load::read_source(&import)) {
            Ok(text) => text,
            Err(error) => {
                let file = compilation.sources.add(&import, String::new());
                compilation.diagnostics.push(error.into_diagnostic(file));
                continue;
            }
        };
        let file = compilation.sources.add(&import, text.clone());
        file_roots.insert(file, root.clone());
        let (unit, _) =
            analyse_file_keeping_tree(file, &text, true, &kinds, lowering_catalog, &mut compilation.diagnostics);
        compilation.set_kinds(file, &kinds);
        follow_imports(&mut compilation, &unit.module.imports, &import, &root, &mut queue);
        compilation.units.push(unit);
    }
    compilation.catalog = catalog;
    finish(&mut compilation);
    apply_lint_levels(&mut compilation, &configs, &file_roots);
    BufferCompilation { compilation, file, tree, kinds }
}

fn follow_imports(
    compilation: &mut Compilation,
    imports: &[crate::ast::Spanned<String>],
    importer: &Path,
    root: &Path,
    queue: &mut Vec<PathBuf>,
) {
    for import in imports {
        match load::resolve_import(importer, root, &import.value) {
            Ok(target) => queue.push(target),
            Err(message) => compilation.diagnostics.push(
                Diagnostic::new(Code::ImportError, import.span, message)
                    .with_help("import paths are relative to the importing file and stay inside the project root"),
            ),
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_read_through_the_caller_first() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let shared = dir.path().join("shared.gavel");
        std::fs::write(&shared, "policy on_disk { when workspace then audit }").expect("writable");
        let main = dir.path().join("main.gavel");
        let text = "import \"shared.gavel\"\ninitiative set { policy in_buffer }";
        let buffer = "policy in_buffer { when workspace then audit }".to_string();
        let read = |path: &Path| (path.file_name() == shared.file_name()).then(|| buffer.clone());
        let compiled = compile_buffer(&main, text, &read);
        assert!(!compiled.compilation.has_errors(), "{:?}", compiled.compilation.diagnostics);
        assert_eq!(compiled.compilation.units.len(), 2);
        assert!(compiled.compilation.units[1].imported);
        let from_disk = compile_buffer(&main, text, &|_| None);
        assert!(from_disk.compilation.diagnostics.iter().any(|d| d.code == Code::MemberNotFound));
    }

    #[test]
    fn a_buffer_without_a_file_compiles_alone() {
        let compiled = compile_buffer(Path::new("untitled:1"), "policy p { when compute then deny }", &|_| None);
        assert!(!compiled.compilation.has_errors());
        assert_eq!(compiled.compilation.sources.path(compiled.file), Path::new("untitled:1"));
        assert_eq!(compiled.tree.items.len(), 1);
    }
}

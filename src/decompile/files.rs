//! JSON definition files on disk: the az CLI shapes come in groups of files
//! (`x.rules.json` + `x.params.json`; `x.definitions.json` + `x.params.json` + `x.groups.json`),
//! and definitions without a name of their own are named after their file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::read::{JsonInput, JsonSource};
use crate::ast::Definition;
use crate::diag::Diagnostic;
use crate::project::{ReadError, read_source};
use crate::syntax::span::{FileId, SourceMap};

/// Suffixes that say what a JSON file holds rather than what it is called.
const SUFFIXES: &[&str] = &[
    ".rules",
    ".params",
    ".definitions",
    ".groups",
    ".alz_policy_definition",
    ".alz_policy_set_definition",
    ".azurepolicy",
];

/// A JSON input and the files that go with it.
#[derive(Debug, Clone)]
pub struct JsonFile {
    pub path: PathBuf,
    pub params: Option<PathBuf>,
    pub groups: Option<PathBuf>,
    /// The file's name without `.json` and the suffixes above: `DisableLocalAuth_Modify`.
    pub stem: String,
}

impl JsonFile {
    pub fn new(path: &Path) -> JsonFile {
        let stem = stem(path);
        let sibling = |suffix: &str| {
            let candidate = path.with_file_name(format!("{stem}.{suffix}.json"));
            candidate.is_file().then_some(candidate)
        };
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let (params, groups) = if name.ends_with(".rules.json") {
            (sibling("params"), None)
        } else if name.ends_with(".definitions.json") {
            (sibling("params"), sibling("groups"))
        } else {
            (None, None)
        };
        JsonFile { path: path.to_path_buf(), params, groups, stem }
    }
}

/// Whether a path names a JSON file (rather than gavel source).
pub fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The inputs that are read as part of another input (`x.params.json` beside `x.rules.json`
/// when both are given), found once for a run so that checking each input is a lookup.
#[derive(Debug, Default)]
pub struct Companions(HashSet<PathBuf>);

impl Companions {
    pub fn of(inputs: &[PathBuf]) -> Companions {
        let mut found = HashSet::new();
        for input in inputs.iter().filter(|p| has_companions(p)) {
            let file = JsonFile::new(input);
            found.extend([file.params, file.groups].into_iter().flatten().map(|p| identity(&p)));
        }
        Companions(found)
    }

    /// Whether `path` is read with another input.
    pub fn contains(&self, path: &Path) -> bool {
        // Only params and groups files go with another input; asking first spares the others
        // a lookup of their identity.
        let name = lower_name(path);
        (name.ends_with(".params.json") || name.ends_with(".groups.json")) && self.0.contains(&identity(path))
    }
}

fn lower_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn has_companions(path: &Path) -> bool {
    let name = lower_name(path);
    name.ends_with(".rules.json") || name.ends_with(".definitions.json")
}

/// One file however it is named.
fn identity(path: &Path) -> PathBuf {
    path.canonicalize().or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

/// The file's name without `.json` and the suffixes that say what it holds.
pub fn stem(path: &Path) -> String {
    let mut stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    for suffix in SUFFIXES {
        if stem.to_ascii_lowercase().ends_with(suffix) {
            stem.truncate(stem.len() - suffix.len());
            break;
        }
    }
    stem
}

/// The texts of a JSON input, added to `sources`.
pub struct LoadedJson {
    pub main: (FileId, String),
    pub params: Option<(FileId, String)>,
    pub groups: Option<(FileId, String)>,
    pub stem: String,
}

impl LoadedJson {
    pub fn input(&self) -> JsonInput<'_> {
        fn source((file, text): &(FileId, String)) -> JsonSource<'_> {
            JsonSource { file: *file, text: text.as_str() }
        }
        JsonInput {
            main: source(&self.main),
            params: self.params.as_ref().map(source),
            groups: self.groups.as_ref().map(source),
            name_hint: Some(self.stem.as_str()),
        }
    }
}

/// Reads a JSON input and its companions into `sources`. A companion that cannot be read is
/// reported and left out.
pub fn load(file: &JsonFile, sources: &mut SourceMap) -> Result<(LoadedJson, Vec<Diagnostic>), (FileId, ReadError)> {
    let mut diagnostics = Vec::new();
    let main = match read_source(&file.path) {
        Ok(text) => (sources.add(&file.path, text.clone()), text),
        Err(error) => return Err((sources.add(&file.path, String::new()), error)),
    };
    let mut companion = |path: &Option<PathBuf>| {
        let path = path.as_ref()?;
        match read_source(path) {
            Ok(text) => Some((sources.add(path, text.clone()), text)),
            Err(error) => {
                let id = sources.add(path, String::new());
                diagnostics.push(error.into_diagnostic(id));
                None
            }
        }
    };
    let params = companion(&file.params);
    let groups = companion(&file.groups);
    Ok((LoadedJson { main, params, groups, stem: file.stem.clone() }, diagnostics))
}

/// The definitions in a loaded JSON input, named after the file where they carry no name.
pub fn definitions(loaded: &LoadedJson) -> (Vec<Definition>, Vec<Diagnostic>) {
    let (module, diagnostics) = module(loaded);
    (module.definitions, diagnostics)
}

/// [`definitions`], with the assignments and exemptions the input holds.
pub fn module(loaded: &LoadedJson) -> (crate::ast::Module, Vec<Diagnostic>) {
    let (mut module, diagnostics) = super::read::read_json_module(&loaded.input());
    let definitions = &mut module.definitions;
    let several = definitions.len() > 1;
    for (i, definition) in definitions.iter_mut().enumerate() {
        let header = match definition {
            Definition::Policy(p) => &mut p.header,
            Definition::Initiative(i) => &mut i.header,
        };
        if header.name.value.is_empty() {
            header.name.value = if several { format!("{}-{}", loaded.stem, i + 1) } else { loaded.stem.clone() };
        }
    }
    (module, diagnostics)
}

/// Reads a JSON input for a compilation: its definitions (named), with every problem as a
/// diagnostic.
pub fn read_for_compilation(path: &Path, sources: &mut SourceMap) -> (FileId, crate::ast::Module, Vec<Diagnostic>) {
    match load(&JsonFile::new(path), sources) {
        Ok((loaded, mut diagnostics)) => {
            let (module, read) = self::module(&loaded);
            diagnostics.extend(read);
            (loaded.main.0, module, diagnostics)
        }
        Err((file, error)) => (file, crate::ast::Module::default(), vec![error.into_diagnostic(file)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_the_shape_suffixes() {
        assert_eq!(stem(Path::new("a/Deny-Aks.alz_policy_definition.json")), "Deny-Aks");
        assert_eq!(stem(Path::new("x.rules.json")), "x");
        assert_eq!(stem(Path::new("DisableLocalAuth_Modify.json")), "DisableLocalAuth_Modify");
    }
}

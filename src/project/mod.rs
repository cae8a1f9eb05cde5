//! A compilation: the files a run reads (inputs and what they import), their ASTs, and the
//! diagnostics of every phase. The CLI and the language server both go through here.

mod buffer;
pub mod config;
mod load;
pub mod read;
pub mod suppress;

pub use buffer::{BufferCompilation, compile_buffer};
pub use config::Config;
pub use load::{
    FileIdentity, InputError, Inputs, ReadError, Skipped, collect_inputs, decode_source, find_root, is_gavel_file,
    read_source, walk_inputs,
};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::ast::{self, Definition, MemberTarget, Module};
use crate::catalog::aliases::Catalog;
use crate::catalog::kinds::Kinds;
use crate::check;
use crate::decompile::files::Companions;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::syntax::span::{FileId, SourceMap, Span};
use crate::syntax::{self, lexer::Comment};

/// One file of the compilation.
#[derive(Debug, Clone)]
pub struct Unit {
    pub file: FileId,
    pub module: Module,
    /// The file's comments, for the language server; empty in [`compile_paths`] compilations.
    pub comments: Vec<Comment>,
    /// Loaded only because another file imports it: checked, not emitted.
    pub imported: bool,
    /// The file's `// gavel-disable-next-line` comments.
    pub suppressions: Vec<suppress::Suppression>,
}

#[derive(Debug, Default)]
pub struct Compilation {
    pub sources: SourceMap,
    pub units: Vec<Unit>,
    pub diagnostics: Diagnostics,
    /// The alias catalog the checks used: the built-in one unless the project or the run
    /// imports others.
    pub catalog: Option<Catalog>,
    /// The kinds of the files whose project declares some (`[kinds]` in `gavel.toml`); other
    /// files know the built-in kinds.
    pub kinds: HashMap<FileId, Kinds>,
    /// The project root of each file read from disk (files without one, such as text compiled
    /// by [`compile_source`], belong to one unnamed project).
    pub projects: HashMap<FileId, PathBuf>,
    /// The `definition-scope` of the projects' `gavel.toml`, when one sets it.
    pub definition_scope: Option<crate::emit::DefinitionScope>,
}

/// Settings of one run beyond its inputs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Alias exports to load for this run (`--catalog FILE`), besides the project's.
    pub catalogs: Vec<PathBuf>,
}

impl Compilation {
    /// The definitions to emit, in input order.
    pub fn emitted_definitions(&self) -> Vec<&Definition> {
        self.units.iter().filter(|u| !u.imported).flat_map(|u| u.module.definitions.iter()).collect()
    }

    /// The assignments and exemptions to emit, in input order.
    pub fn emitted_assignments(&self) -> (Vec<&crate::ast::Assignment>, Vec<&crate::ast::Exemption>) {
        let units = || self.units.iter().filter(|u| !u.imported);
        (
            units().flat_map(|u| u.module.assignments.iter()).collect(),
            units().flat_map(|u| u.module.exemptions.iter()).collect(),
        )
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }

    /// The catalog the checks used.
    pub fn catalog(&self) -> &Catalog {
        self.catalog.as_ref().unwrap_or(Catalog::builtin())
    }

    /// The kinds `file` was lowered with.
    pub fn kinds_of(&self, file: FileId) -> &Kinds {
        self.kinds.get(&file).unwrap_or(Kinds::builtin())
    }

    /// Records the kinds of `file`'s project, when it declares any.
    fn set_kinds(&mut self, file: FileId, kinds: &Kinds) {
        if kinds.declared().next().is_some() {
            self.kinds.insert(file, kinds.clone());
        }
    }
}

/// Compiles source text that is not on disk (tests, the language server, benchmarks).
pub fn compile_source(path: impl Into<PathBuf>, text: &str) -> Compilation {
    let mut compilation = Compilation::default();
    let file = compilation.sources.add(path, text.to_string());
    let unit = analyse_file(file, text, false, &mut compilation.diagnostics);
    compilation.units.push(unit);
    finish(&mut compilation);
    compilation
}

/// Reads, parses and lowers `inputs` (files, or folders searched for `*.gavel`) and what they
/// import, then checks everything. JSON files given as inputs are read as definitions
/// ([`crate::decompile::read_json_definitions`]). I/O problems with the inputs themselves are errors of the
/// run (`Err`); problems inside files are diagnostics.
pub fn compile_paths(inputs: &[PathBuf]) -> Result<Compilation, InputError> {
    compile_paths_with(inputs, &Options::default())
}

/// [`compile_paths`] with the settings of the inputs' projects (`gavel.toml`) and of the run.
///
/// Inputs are read in order, then parsed and lowered in parallel (files do not depend on each
/// other until imports are resolved); what they import is loaded after them, in the order the
/// imports are written. Units keep the input order, so the result does not depend on threads.
pub fn compile_paths_with(inputs: &[PathBuf], options: &Options) -> Result<Compilation, InputError> {
    let Inputs { files, skipped } = walk_inputs(inputs, &is_gavel_file, &|| false)?;
    let mut queue: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    // Files of one folder share a root; finding it walks the folders above, so once is enough.
    let mut roots: HashMap<PathBuf, PathBuf> = HashMap::new();
    for file in files {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = roots.entry(dir).or_insert_with(|| find_root(&file)).clone();
        queue.push((file, root));
    }
    let mut loader = Loader { compilation: Compilation::default(), loaded: HashMap::new(), file_roots: HashMap::new() };
    let input_roots: Vec<PathBuf> = queue.iter().map(|(_, root)| root.clone()).collect();
    let configs = load_configs(&input_roots, options, &mut loader.compilation)?;
    loader.report_skipped(skipped);
    let companions = Companions::of(inputs);
    let read: Vec<Read> =
        queue.into_iter().filter_map(|(path, root)| loader.read(path, root, false, &companions)).collect();
    let (sources, catalog) = (&loader.compilation.sources, loader.compilation.catalog());
    let analysed: Vec<Analysed> =
        read.into_par_iter().map(|read| read.analyse(sources, false, &configs, catalog)).collect();
    // Imports after the inputs, depth first; a file already loaded is not read again.
    let mut imports = Vec::new();
    for analysed in analysed {
        loader.add(analysed, &mut imports);
    }
    while let Some((path, root)) = imports.pop() {
        if let Some(read) = loader.read(path, root, true, &companions) {
            let analysed = read.analyse(&loader.compilation.sources, true, &configs, loader.compilation.catalog());
            loader.add(analysed, &mut imports);
        }
    }
    let Loader { mut compilation, file_roots, .. } = loader;
    finish(&mut compilation);
    apply_lint_levels(&mut compilation, &configs, &file_roots);
    Ok(compilation)
}

/// A file read for the compilation: a gavel source still to parse, or a unit already made
/// (JSON definitions).
enum Read {
    Source { file: FileId, path: PathBuf, root: PathBuf },
    Done(Unit),
}

/// A file's unit and diagnostics, with the path and root its imports resolve against.
struct Analysed {
    unit: Unit,
    diagnostics: Diagnostics,
    origin: Option<(PathBuf, PathBuf)>,
    /// The kinds of the file's project, when it declares any.
    kinds: Option<Kinds>,
}

impl Read {
    fn analyse(self, sources: &SourceMap, imported: bool, configs: &[Config], catalog: &Catalog) -> Analysed {
        match self {
            Read::Done(unit) => Analysed { unit, diagnostics: Diagnostics::default(), origin: None, kinds: None },
            Read::Source { file, path, root } => {
                let mut diagnostics = Diagnostics::default();
                let text = sources.get(file).map_or("", |f| &*f.text);
                let kinds = configs.iter().find(|c| c.root == root).map_or(Kinds::builtin(), |c| &c.kinds);
                let mut unit = analyse_file_with(file, text, imported, kinds, catalog, &mut diagnostics);
                let kinds = kinds.declared().next().is_some().then(|| kinds.clone());
                // Lowering has read the doc comments; nothing else of a build or a check needs
                // comments (the formatter and the editor keep their own), and they add up.
                unit.comments = Vec::new();
                Analysed { unit, diagnostics, origin: Some((path, root)), kinds }
            }
        }
    }
}

/// The bookkeeping of loading files: which are loaded, and the project root of each.
struct Loader {
    compilation: Compilation,
    loaded: HashMap<PathBuf, FileId>,
    file_roots: HashMap<FileId, PathBuf>,
}

impl Loader {
    /// Reads a file; `None` when it is loaded already, could not be read (reported), or is an
    /// az CLI params file (read with its rules file).
    fn read(&mut self, path: PathBuf, root: PathBuf, imported: bool, companions: &Companions) -> Option<Read> {
        // One file is one file however it is named: an input reached through a link and
        // imported by its real path is loaded once.
        let key = path.canonicalize().or_else(|_| std::path::absolute(&path)).unwrap_or_else(|_| path.clone());
        if self.loaded.contains_key(&key) {
            return None;
        }
        if crate::decompile::files::is_json(&path) {
            // JSON definitions (`gavel check x.json`); an az CLI params file is read with its rules.
            if companions.contains(&path) {
                return None;
            }
            let sources = &mut self.compilation.sources;
            let (file, module, diagnostics) = crate::decompile::files::read_for_compilation(&path, sources);
            self.loaded.insert(key, file);
            self.compilation.projects.insert(file, root);
            self.compilation.diagnostics.extend(diagnostics);
            return Some(Read::Done(Unit { file, module, comments: Vec::new(), imported, suppressions: Vec::new() }));
        }
        match load::read_source(&path) {
            Ok(text) => {
                let file = self.compilation.sources.add(&path, text);
                self.loaded.insert(key, file);
                self.file_roots.insert(file, root.clone());
                self.compilation.projects.insert(file, root.clone());
                Some(Read::Source { file, path, root })
            }
            Err(error) => {
                let shown = match &error {
                    load::ReadError::Utf8 { lossy, .. } => lossy.clone(),
                    load::ReadError::Io(_) | load::ReadError::Refused { .. } => String::new(),
                };
                let file = self.compilation.sources.add(&path, shown);
                self.loaded.insert(key, file);
                self.compilation.diagnostics.push(error.into_diagnostic(file));
                None
            }
        }
    }

    /// Warnings for the entries the search of the input folders left out, in their project
    /// (whose `[lints]` may allow them).
    fn report_skipped(&mut self, skipped: Vec<Skipped>) {
        for Skipped { path, reason, help } in skipped {
            let file = self.compilation.sources.add(&path, String::new());
            self.file_roots.insert(file, find_root(&path));
            let diagnostic = Diagnostic::new(Code::SkippedInput, Span::new(file, 0, 0), format!("skipped: {reason}"))
                .with_help(help);
            self.compilation.diagnostics.push(diagnostic);
        }
    }

    /// Adds an analysed unit, queueing the files it imports.
    fn add(&mut self, analysed: Analysed, imports: &mut Vec<(PathBuf, PathBuf)>) {
        let Analysed { unit, diagnostics, origin, kinds } = analysed;
        self.compilation.diagnostics.extend(diagnostics);
        if let Some(kinds) = kinds {
            self.compilation.set_kinds(unit.file, &kinds);
        }
        if let Some((path, root)) = origin {
            for import in &unit.module.imports {
                match load::resolve_import(&path, &root, &import.value) {
                    Ok(target) => imports.push((target, root.clone())),
                    Err(message) => self.compilation.diagnostics.push(
                        Diagnostic::new(Code::ImportError, import.span, message).with_help(
                            "import paths are relative to the importing file and stay inside the project root",
                        ),
                    ),
                }
            }
        }
        self.compilation.units.push(unit);
    }
}

/// Reads the `gavel.toml` of every root and the catalogs they and the run name, into the
/// compilation. A catalog given on the command line that cannot be loaded fails the run.
fn load_configs(
    roots: &[PathBuf],
    options: &Options,
    compilation: &mut Compilation,
) -> Result<Vec<Config>, InputError> {
    let mut configs: Vec<Config> = Vec::new();
    let mut imports = Vec::new();
    for root in roots {
        if configs.iter().any(|c| &c.root == root) {
            continue;
        }
        let (config, diagnostics) = Config::load(root, &mut compilation.sources);
        compilation.diagnostics.extend(diagnostics);
        if compilation.definition_scope.is_none() {
            compilation.definition_scope.clone_from(&config.definition_scope);
        }
        let (catalogs, diagnostics) = config.load_catalog_files();
        compilation.diagnostics.extend(diagnostics);
        imports.extend(catalogs);
        configs.push(config);
    }
    for path in &options.catalogs {
        let catalog =
            config::load_catalog(path).map_err(|e| InputError { path: path.clone(), message: e.describe() })?;
        imports.push((path.clone(), catalog));
    }
    if !imports.is_empty() {
        compilation.catalog = Some(config::merge_catalogs(imports));
    }
    Ok(configs)
}

/// The one place lint levels apply: every diagnostic of a file takes the levels of its project.
fn apply_lint_levels(compilation: &mut Compilation, configs: &[Config], file_roots: &HashMap<FileId, PathBuf>) {
    if configs.iter().all(|c| c.lints.is_empty()) {
        return;
    }
    let diagnostics = std::mem::take(&mut compilation.diagnostics);
    for diagnostic in diagnostics {
        let config = file_roots.get(&diagnostic.span.file).and_then(|root| configs.iter().find(|c| &c.root == root));
        match config {
            Some(config) => compilation.diagnostics.extend(config.apply(diagnostic)),
            None => compilation.diagnostics.push(diagnostic),
        }
    }
}

/// Parses and lowers one file.
pub fn analyse_file(file: FileId, text: &str, imported: bool, diagnostics: &mut Diagnostics) -> Unit {
    analyse_file_with(file, text, imported, Kinds::builtin(), Catalog::builtin(), diagnostics)
}

/// [`analyse_file`] with the kinds of the file's project and the catalog of the run.
pub fn analyse_file_with(
    file: FileId,
    text: &str,
    imported: bool,
    kinds: &Kinds,
    catalog: &Catalog,
    diagnostics: &mut Diagnostics,
) -> Unit {
    analyse_file_keeping_tree(file, text, imported, kinds, catalog, diagnostics).0
}

/// [`analyse_file_with`], also handing back the syntax tree (the language server reads it).
fn analyse_file_keeping_tree(
    file: FileId,
    text: &str,
    imported: bool,
    kinds: &Kinds,
    catalog: &Catalog,
    diagnostics: &mut Diagnostics,
) -> (Unit, syntax::tree::File) {
    let parsed = syntax::parse_file(file, text);
    let lowered = ast::lower_file_with(file, text, &parsed.tree, &parsed.comments, kinds, catalog);
    diagnostics.extend(without_cascades(text, &parsed.diagnostics, lowered.diagnostics));
    diagnostics.extend(parsed.diagnostics);
    let suppressions = suppress::suppressions(file, text, &parsed.comments);
    (Unit { file, module: lowered.module, comments: parsed.comments, imported, suppressions }, parsed.tree)
}

/// What the parser recovered from often looks wrong to lowering too (a half-written
/// comparison reads as a kind): lowering's reports on a line with a syntax error are dropped.
fn without_cascades(text: &str, syntax: &[Diagnostic], lowering: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if syntax.is_empty() {
        return lowering;
    }
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: u32| line_starts.partition_point(|&start| start <= offset as usize);
    let syntax_lines: Vec<usize> = syntax.iter().map(|d| line_of(d.span.start)).collect();
    lowering.into_iter().filter(|d| !syntax_lines.contains(&line_of(d.span.start))).collect()
}

/// Cross-file checks, then the checker over every definition.
fn finish(compilation: &mut Compilation) {
    check_unique_names(compilation);
    check_members(compilation);
    let catalog = compilation.catalog.as_ref().unwrap_or(Catalog::builtin());
    let cx = check::Context::new(catalog).with_sources(&compilation.sources);
    // Lowering reports some problems the checker finds again on JSON inputs (an undeclared
    // parameter, a count without `[*]`): one report per place.
    let reported: HashMap<(Code, Span), usize> =
        compilation.diagnostics.iter().enumerate().map(|(i, d)| ((d.code, d.span), i)).collect();
    // Where lowering left parts out, a parameter may look unused: do not say so.
    let incomplete: HashSet<FileId> =
        compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.span.file).collect();
    // Definitions are checked independently, in parallel; the results are merged in order.
    let checked: Vec<Vec<Diagnostic>> = compilation
        .units
        .par_iter()
        .map(|unit| {
            let cx = cx.with_kinds(compilation.kinds_of(unit.file));
            unit.module.definitions.iter().flat_map(|d| check::check_definition(d, &cx)).collect()
        })
        .collect();
    let mut found = Vec::new();
    for (unit, diagnostics) in compilation.units.iter().zip(checked) {
        for diagnostic in diagnostics {
            if diagnostic.code == Code::UnusedParameter && incomplete.contains(&unit.file) {
                continue;
            }
            match reported.get(&(diagnostic.code, diagnostic.span)) {
                // The checker's report of the same problem may come with a fix.
                Some(&i) => {
                    if let Some(first) = compilation.diagnostics.0.get_mut(i)
                        && first.fixes.is_empty()
                        && !diagnostic.fixes.is_empty()
                    {
                        first.fixes = diagnostic.fixes;
                    }
                }
                None => found.push(diagnostic),
            }
        }
    }
    compilation.diagnostics.extend(found);
    let suppressions: Vec<suppress::Suppression> =
        compilation.units.iter().flat_map(|u| u.suppressions.iter().cloned()).collect();
    suppress::apply(&mut compilation.diagnostics, &suppressions);
    compilation.diagnostics.sort();
}

/// Names must be unique within a project: its definitions become files named after them, which
/// would overwrite each other. Definitions of different projects checked in one run (Azure's
/// public and Azure Government copies of a built-in, say) may share a name; building them into
/// one folder is refused by [`Compilation::output_collisions`].
fn check_unique_names(compilation: &mut Compilation) {
    let mut seen: HashMap<(Option<&Path>, String), Span> = HashMap::new();
    let mut found = Vec::new();
    for unit in &compilation.units {
        let project = compilation.projects.get(&unit.file).map(PathBuf::as_path);
        for definition in &unit.module.definitions {
            let name = definition.name();
            match seen.get(&(project, name.value.to_ascii_lowercase())) {
                Some(&first) => found.push(
                    Diagnostic::new(Code::DuplicateDefinition, name.span, format!("`{}` is defined twice", name.value))
                        .with_label(first, "first defined here")
                        .with_help("definition names become file names; rename one of them"),
                ),
                None => {
                    seen.insert((project, name.value.to_ascii_lowercase()), name.span);
                }
            }
        }
    }
    compilation.diagnostics.extend(found);
}

impl Compilation {
    /// Definitions of different projects that would be written to the same file of one output
    /// folder (within a project, the checks report them already): errors for `gavel build`.
    pub fn output_collisions(&self, file_of: &dyn Fn(&Definition) -> String) -> Vec<Diagnostic> {
        let mut seen: HashMap<String, (Option<&Path>, Span)> = HashMap::new();
        let mut found = Vec::new();
        for unit in self.units.iter().filter(|u| !u.imported) {
            let project = self.projects.get(&unit.file).map(PathBuf::as_path);
            for definition in &unit.module.definitions {
                let name = definition.name();
                match seen.get(&name.value.to_ascii_lowercase()) {
                    Some(&(first_project, first)) if first_project != project => found.push(
                        Diagnostic::new(
                            Code::DuplicateDefinition,
                            name.span,
                            format!(
                                "`{}` is also defined in another project, and both would be written to {}",
                                name.value,
                                file_of(definition)
                            ),
                        )
                        .with_label(first, "defined here too")
                        .with_help("build the projects into separate folders (`--out-dir`), or rename one of them"),
                    ),
                    Some(_) => {}
                    None => {
                        seen.insert(name.value.to_ascii_lowercase(), (project, name.span));
                    }
                }
            }
        }
        found
    }
}

fn check_members(compilation: &mut Compilation) {
    let path_of = |unit: &Unit| compilation.sources.get(unit.file).map_or(Path::new(""), |f| f.path.as_path());
    let policies: Vec<(&Path, &crate::ast::Header)> = compilation
        .units
        .iter()
        .flat_map(|u| u.module.definitions.iter().map(move |d| (u, d)))
        .filter_map(|(u, d)| match d {
            Definition::Policy(p) => Some((path_of(u), &p.header)),
            Definition::Initiative(_) => None,
        })
        .collect();
    let names: HashSet<&str> = policies.iter().map(|(_, h)| h.name.value.as_str()).collect();
    let index = check::initiative::PolicyIndex::new(policies.iter().copied());
    let catalog = compilation.catalog.as_ref().unwrap_or(Catalog::builtin());
    let cx = check::Context::new(catalog).with_sources(&compilation.sources);
    let mut found = Vec::new();
    for unit in &compilation.units {
        for definition in &unit.module.definitions {
            let Definition::Initiative(initiative) = definition else {
                continue;
            };
            for member in &initiative.members {
                if let MemberTarget::Policy(name) = &member.target
                    && !names.contains(name.value.as_str())
                {
                    let suggestion = crate::diag::did_you_mean(&name.value, names.iter().copied());
                    let diagnostic =
                        Diagnostic::new(Code::MemberNotFound, name.span, format!("no policy named `{}`", name.value));
                    found.push(diagnostic.with_suggestion(name.span, suggestion, "define the policy, `import` the file that defines it, or reference a definition by its id string"));
                }
            }
            found.extend(check::initiative::check_initiative(initiative, path_of(unit), &index, &cx));
        }
    }
    let units = &compilation.units;
    let known = check::assignment::Assignables::new(
        units.iter().flat_map(|u| u.module.definitions.iter()),
        units.iter().flat_map(|u| u.module.assignments.iter()),
    );
    let today = check::assignment::today();
    for unit in units {
        for assignment in &unit.module.assignments {
            found.extend(check::assignment::check_assignment(assignment, &known, &cx));
        }
        for exemption in &unit.module.exemptions {
            found.extend(check::assignment::check_exemption(exemption, &known, &today));
        }
    }
    compilation.diagnostics.extend(found);
}

/// The path shown for a file: relative to the working directory when it is below it.
pub fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

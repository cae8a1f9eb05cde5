//! `gavel.toml`, the project file at the project root:
//!
//! ```toml
//! catalogs = ["catalogs/Microsoft.Network.json"]   # alias exports, relative to the root
//! definition-scope = "/providers/Microsoft.Management/managementGroups/contoso"   # or /subscriptions/GUID
//!
//! [lints]
//! GV0401 = "allow"             # by code…
//! all-members-condition = "error"   # …or by name; "allow" | "warn" | "error"
//!
//! [kinds]
//! sqlServer = "Microsoft.Sql/servers"   # a kind of the project: `sqlServer { … }`
//!
//! [limits]
//! max-file-size = "64 MiB"      # sources, JSON, test files (default 16 MiB)
//! max-catalog-size = "1 GiB"    # alias exports (default 256 MiB)
//! ```
//!
//! Problems in the file are diagnostics that point into it (GV0009 to GV0013), so a run
//! reports them with the rest.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

use serde::Deserialize;
use toml::Spanned;

use super::read::{Limit, RawLimits, ReadFailure, read_file};
use crate::catalog::aliases::Catalog;
use crate::catalog::import::{ImportError, import_bytes};
use crate::catalog::kinds::{self, Kinds};
use crate::diag::{Code, Diagnostic, Severity, did_you_mean};
use crate::emit::DefinitionScope;
use crate::syntax::span::{FileId, SourceMap, Span};

/// The project file's name.
pub const FILE_NAME: &str = "gavel.toml";

/// What a project says about a lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    /// Not reported.
    Allow,
    Warn,
    Error,
}

impl LintLevel {
    const NAMES: &'static [&'static str] = &["allow", "warn", "error"];

    fn parse(text: &str) -> Option<LintLevel> {
        match text.to_ascii_lowercase().as_str() {
            "allow" => Some(LintLevel::Allow),
            "warn" | "warning" => Some(LintLevel::Warn),
            "error" | "deny" => Some(LintLevel::Error),
            _ => None,
        }
    }
}

/// One project's settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub root: PathBuf,
    /// The file, when the project has one (diagnostics point into it).
    pub file: Option<FileId>,
    /// Alias exports to load: the path as resolved, and the span of its entry.
    pub catalogs: Vec<(PathBuf, Span)>,
    pub lints: Vec<(Code, LintLevel)>,
    /// The built-in kinds and the ones `[kinds]` declares.
    pub kinds: Kinds,
    /// `definition-scope`: where `gavel build` creates the policies, for the ids by which
    /// initiatives reference them.
    pub definition_scope: Option<DefinitionScope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    catalogs: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    kinds: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Read limits; applied where files are read ([`super::read`]), checked here.
    #[serde(default)]
    limits: RawLimits,
    #[serde(default, rename = "definition-scope")]
    definition_scope: Option<Spanned<String>>,
}

impl Config {
    /// Reads `root/gavel.toml`, if there is one, adding it to `sources`.
    pub fn load(root: &Path, sources: &mut SourceMap) -> (Config, Vec<Diagnostic>) {
        let mut config = Config { root: root.to_path_buf(), ..Config::default() };
        let path = root.join(FILE_NAME);
        let bytes = match read_file(&path, Limit::File) {
            Ok(bytes) => bytes,
            Err(ReadFailure::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => return (config, Vec::new()),
            Err(failure) => {
                let file = sources.add(&path, String::new());
                config.file = Some(file);
                let code = failure.code().unwrap_or(Code::InvalidConfig);
                let diagnostic =
                    Diagnostic::new(code, Span::new(file, 0, 0), format!("{FILE_NAME} was not read: {failure}"))
                        .with_help(failure.help());
                return (config, vec![diagnostic]);
            }
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = sources.add(&path, text.clone());
        config.file = Some(file);
        let diagnostics = config.read(file, &text);
        (config, diagnostics)
    }

    /// Parses the file's text; what cannot be understood is reported and left out.
    fn read(&mut self, file: FileId, text: &str) -> Vec<Diagnostic> {
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                let range = error.span().unwrap_or(0..0);
                let span = Span::new(file, range.start, range.end);
                let message = error.message().to_string();
                return vec![Diagnostic::new(Code::InvalidConfig, span, format!("{FILE_NAME}: {message}")).with_help(
                    "`gavel.toml` takes `catalogs = [\"file.json\", …]`, `definition-scope = \"…\"`, a `[lints]`, a `[kinds]` and a `[limits]` table",
                )];
            }
        };
        let mut diagnostics = Vec::new();
        for entry in raw.catalogs.map(Spanned::into_inner).unwrap_or_default() {
            let span = Span::new(file, entry.span().start, entry.span().end);
            self.catalogs.push((self.root.join(entry.get_ref()), span));
        }
        // In the order written, so that diagnostics follow the file.
        let mut lints: Vec<(Spanned<String>, Spanned<String>)> = raw.lints.into_iter().collect();
        lints.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in lints {
            let key_span = Span::new(file, key.span().start, key.span().end);
            let value_span = Span::new(file, value.span().start, value.span().end);
            let Some(code) = Code::parse(key.get_ref()) else {
                diagnostics.push(unknown_code(key.get_ref(), key_span));
                continue;
            };
            match LintLevel::parse(value.get_ref()) {
                // An error is what Azure rejects or what can never work: no setting hides it.
                Some(level) if !code.is_lint() && level != LintLevel::Error => diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidConfig,
                        key_span,
                        format!("{} ({}) is an error, not a lint: its level cannot be changed", code.id(), code.name()),
                    )
                    .with_label(value_span, "this level is ignored")
                    .with_help(format!(
                        "remove the entry and fix what {} reports; only lints (`gavel explain` lists them) take a level",
                        code.id()
                    )),
                ),
                Some(level) => self.lints.push((code, level)),
                None => diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidConfig,
                        value_span,
                        format!("`{}` is not a lint level", value.get_ref()),
                    )
                    .with_help(format!("write one of {}", LintLevel::NAMES.join(", "))),
                ),
            }
        }
        self.read_kinds(file, raw.kinds, &mut diagnostics);
        if let Some(scope) = raw.definition_scope {
            let span = Span::new(file, scope.span().start, scope.span().end);
            match DefinitionScope::parse(scope.get_ref()) {
                Ok(parsed) => self.definition_scope = Some(parsed),
                Err(reason) => diagnostics.push(
                    Diagnostic::new(Code::InvalidConfig, span, format!("{FILE_NAME}: {reason}"))
                        .with_help("Azure creates custom definitions at a management group or a subscription"),
                ),
            }
        }
        for (range, reason) in raw.limits.resolve().1 {
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidConfig,
                    Span::new(file, range.start, range.end),
                    format!("{FILE_NAME}: {reason}"),
                )
                .with_help("write a size such as \"64 MiB\" (units B, KiB, MiB, GiB, kB, MB, GB)"),
            );
        }
        diagnostics
    }

    /// `[kinds]`: each entry a kind name and a resource type; entries that cannot be used are
    /// reported (GV0011) and left out.
    fn read_kinds(
        &mut self,
        file: FileId,
        entries: BTreeMap<Spanned<String>, Spanned<String>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut entries: Vec<(Spanned<String>, Spanned<String>)> = entries.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        let mut declared: Vec<(String, String)> = Vec::new();
        for (key, value) in entries {
            let key_span = Span::new(file, key.span().start, key.span().end);
            let value_span = Span::new(file, value.span().start, value.span().end);
            let (name, resource_type) = (key.into_inner(), value.into_inner());
            if let Err(reason) = kinds::check_kind_name(&name) {
                diagnostics.push(
                    Diagnostic::new(Code::InvalidDeclaredKind, key_span, format!("kind `{name}` cannot be declared: {reason}"))
                        .with_help("choose another name, such as `sqlServer`; `gavel explain GV0011` lists what a kind name must be"),
                );
                continue;
            }
            if let Err(reason) = kinds::check_resource_type(&resource_type) {
                diagnostics.push(
                    Diagnostic::new(Code::InvalidDeclaredKind, value_span, format!("kind `{name}`: {reason}"))
                        .with_help("write a resource type as Azure spells it, such as \"Microsoft.Sql/servers\""),
                );
                continue;
            }
            if let Some(kind) = kinds::kind_by_type(&resource_type) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidDeclaredKind,
                        value_span,
                        format!("`{resource_type}` already has the built-in kind `{}`", kind.name),
                    )
                    .with_help(format!("write `{} {{ … }}` and remove this entry", kind.name)),
                );
                continue;
            }
            if let Some((first, _)) = declared.iter().find(|(_, ty)| ty.eq_ignore_ascii_case(&resource_type)) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidDeclaredKind,
                        value_span,
                        format!("`{resource_type}` is declared twice, as `{first}` and `{name}`"),
                    )
                    .with_help("keep one name per resource type"),
                );
                continue;
            }
            declared.push((name, resource_type));
        }
        self.kinds = Kinds::with_declared(declared);
    }

    /// The alias exports this project names, read and imported; failures are diagnostics at
    /// their entry.
    pub fn load_catalogs(&self) -> (Vec<Catalog>, Vec<Diagnostic>) {
        let (catalogs, diagnostics) = self.load_catalog_files();
        (catalogs.into_iter().map(|(_, catalog)| catalog).collect(), diagnostics)
    }

    /// [`Config::load_catalogs`], each catalog with its file.
    pub fn load_catalog_files(&self) -> (Vec<(PathBuf, Catalog)>, Vec<Diagnostic>) {
        let mut catalogs = Vec::new();
        let mut diagnostics = Vec::new();
        for (path, span) in &self.catalogs {
            match load_catalog(path) {
                Ok(catalog) => catalogs.push((path.clone(), catalog)),
                Err(error) => diagnostics.push(Diagnostic::new(error.code, *span, error.message()).with_help(
                    error.help.unwrap_or_else(|| "check the path (relative to the project root) and that the file is an alias export; `gavel catalog import FILE` validates one".into()),
                )),
            }
        }
        (catalogs, diagnostics)
    }

    /// The level the project sets for `code`, if any (the last entry wins).
    pub fn level(&self, code: Code) -> Option<LintLevel> {
        self.lints.iter().rev().find(|(c, _)| *c == code).map(|(_, level)| *level)
    }

    /// Applies the project's lint levels to one diagnostic; `None` when it is allowed.
    pub fn apply(&self, diagnostic: Diagnostic) -> Option<Diagnostic> {
        if !diagnostic.code.is_lint() {
            return Some(diagnostic);
        }
        match self.level(diagnostic.code) {
            None => Some(diagnostic),
            Some(LintLevel::Allow) => None,
            Some(LintLevel::Warn) => Some(diagnostic.with_severity(Severity::Warning)),
            Some(LintLevel::Error) => Some(diagnostic.with_severity(Severity::Error)),
        }
    }
}

fn unknown_code(key: &str, span: Span) -> Diagnostic {
    let names = Code::ALL.iter().map(|c| c.name());
    let diagnostic = Diagnostic::new(Code::InvalidConfig, span, format!("`{key}` is not a diagnostic code"));
    match did_you_mean(key, names) {
        Some(s) => diagnostic.with_help(format!("did you mean `{s}`? `gavel explain` lists every code")).with_fix(
            format!("replace with `{s}`"),
            span,
            s,
        ),
        None => diagnostic.with_help("write a code such as `GV0401` or its name; `gavel explain` lists every code"),
    }
}

/// Why an alias export could not be loaded: its code (GV0010 unreadable or not an export,
/// GV0012 an encoding gavel does not read), the file, what is wrong and, when there is one, what
/// to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogReadError {
    pub code: Code,
    pub path: PathBuf,
    pub detail: String,
    pub help: Option<String>,
}

impl CatalogReadError {
    fn new(path: &Path, error: &ImportError) -> CatalogReadError {
        let detail = match error.code() {
            Code::CatalogError => format!("not an alias export: {error}"),
            _ => error.to_string(),
        };
        CatalogReadError {
            code: error.code(),
            path: path.to_path_buf(),
            detail,
            help: error.help().map(str::to_string),
        }
    }

    /// `PATH: DETAIL` (`PATH is not an alias export: …`).
    pub fn message(&self) -> String {
        let path = self.path.display();
        match self.detail.strip_prefix("not an alias export") {
            Some(rest) => format!("{path} is not an alias export{rest}"),
            None => format!("{path}: {}", self.detail),
        }
    }

    /// The detail with the code, and the help on a second line: for messages that already
    /// name the file.
    pub fn describe(&self) -> String {
        let help = self.help.as_deref().map(|h| format!("\n  = help: {h}")).unwrap_or_default();
        format!("{} [{}]{help}", self.detail, self.code.id())
    }
}

/// `PATH: DETAIL [GV0012]`, and the help on a second line.
impl std::fmt::Display for CatalogReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]", self.message(), self.code.id())?;
        match &self.help {
            Some(help) => write!(f, "\n  = help: {help}"),
            None => Ok(()),
        }
    }
}

/// Reads and imports one alias export (UTF-8 or UTF-16), bounded by the catalog limit. An
/// export is read once while it stays unchanged (same length and modification time): the
/// language server loads a project's catalogs on every edit.
pub fn load_catalog(path: &Path) -> Result<Catalog, CatalogReadError> {
    let stamp = stamp_of(path);
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Some(stamp) = stamp
        && let Some(catalog) = catalog_cache().lookup(&key, stamp)
    {
        return Ok(catalog);
    }
    let catalog = read_catalog_file(path)?;
    if let Some(stamp) = stamp {
        catalog_cache().keep(key, stamp, catalog.clone());
    }
    Ok(catalog)
}

fn read_catalog_file(path: &Path) -> Result<Catalog, CatalogReadError> {
    let bytes = read_file(path, Limit::Catalog).map_err(|failure| CatalogReadError {
        code: failure.code().unwrap_or(Code::CatalogError),
        path: path.to_path_buf(),
        detail: format!("cannot be read: {failure}"),
        help: failure.code().is_some().then(|| failure.help()),
    })?;
    import_bytes(&bytes).map_err(|e| CatalogReadError::new(path, &e))
}

/// The built-in catalog with `imports` laid over it in order. The last merge is kept: the
/// language server merges the same exports on every edit.
pub fn merge_catalogs(imports: Vec<(PathBuf, Catalog)>) -> Catalog {
    static LAST: Mutex<Option<(MergeKey, Catalog)>> = Mutex::new(None);
    let key: Option<MergeKey> = imports.iter().map(|(path, _)| Some((path.clone(), stamp_of(path)?))).collect();
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if let (Some(key), Some((seen, merged))) = (&key, last.as_ref())
        && key == seen
    {
        return merged.clone();
    }
    let merged = Catalog::with_imports(imports.into_iter().map(|(_, catalog)| catalog));
    *last = key.map(|key| (key, merged.clone()));
    merged
}

/// The files of a merge and their versions.
type MergeKey = Vec<(PathBuf, Stamp)>;

fn stamp_of(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

/// A file's length and modification time: what says it changed.
type Stamp = (u64, Option<SystemTime>);

/// The catalogs read so far, one version per file (a newer one replaces it). Catalogs share
/// their tables, so a copy out of here is cheap.
#[derive(Default)]
struct CatalogCache(Mutex<HashMap<PathBuf, (Stamp, Catalog)>>);

impl CatalogCache {
    fn lookup(&self, path: &Path, stamp: Stamp) -> Option<Catalog> {
        let cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cache.get(path).filter(|(seen, _)| *seen == stamp).map(|(_, catalog)| catalog.clone())
    }

    fn keep(&self, path: PathBuf, stamp: Stamp, catalog: Catalog) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert(path, (stamp, catalog));
    }
}

fn catalog_cache() -> &'static CatalogCache {
    static CACHE: OnceLock<CatalogCache> = OnceLock::new();
    CACHE.get_or_init(CatalogCache::default)
}

/// [`load_catalog`] with the error as text (code and help included).
pub fn read_catalog(path: &Path) -> Result<Catalog, String> {
    load_catalog(path).map_err(|e| e.to_string())
}

/// `text` (a `gavel.toml`, possibly empty) with `entry` added to `catalogs`, keeping the rest of
/// the file as it is. Unchanged when the entry is already there.
pub fn with_catalog(text: &str, entry: &str) -> Result<String, String> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| format!("{FILE_NAME} is not valid: {}", e.message()))?;
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    match raw.catalogs {
        Some(list) => {
            let range = list.span();
            let mut entries: Vec<String> = list.into_inner().into_iter().map(Spanned::into_inner).collect();
            if entries.iter().any(|e| same_entry(e, entry)) {
                return Ok(text.to_string());
            }
            entries.push(entry.to_string());
            let array = format!("[{}]", entries.iter().map(|e| quote(e)).collect::<Vec<_>>().join(", "));
            let (before, after) = (text.get(..range.start), text.get(range.end..));
            match (before, after) {
                (Some(before), Some(after)) => Ok(format!("{before}{array}{after}")),
                _ => Err(format!("cannot edit {FILE_NAME}")),
            }
        }
        // A top-level key must come before any table: put it first.
        None => Ok(format!("catalogs = [{}]\n{text}", quote(entry))),
    }
}

fn same_entry(a: &str, b: &str) -> bool {
    Path::new(a).components().eq(Path::new(b).components())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut config = Config { root: PathBuf::from("/project"), ..Config::default() };
        let diagnostics = config.read(FileId(0), text);
        (config, diagnostics)
    }

    #[test]
    fn reads_catalogs_and_lints_by_code_or_name() {
        let (config, diagnostics) = read(
            "catalogs = [\"catalogs/net.json\"]\n[lints]\nGV0401 = \"allow\"\nall-members-condition = \"error\"\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(config.catalogs.len(), 1);
        assert_eq!(config.catalogs[0].0, PathBuf::from("/project/catalogs/net.json"));
        assert_eq!(config.level(Code::UnusedParameter), Some(LintLevel::Allow));
        assert_eq!(config.level(Code::AllMembersCondition), Some(LintLevel::Error));
        assert_eq!(config.level(Code::UnknownAlias), None);
    }

    #[test]
    fn problems_point_into_the_file() {
        let (_, diagnostics) = read("[lints]\nunused-parameters = \"allow\"\nGV0302 = \"loud\"\n");
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::InvalidConfig, Code::InvalidConfig]);
        assert!(diagnostics[0].help.as_deref().unwrap_or_default().contains("unused-parameter"));
        let (_, diagnostics) = read("catalog = []\n");
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("unknown field"), "{}", diagnostics[0].message);
        let (_, diagnostics) = read("lints = [");
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn declared_kinds_are_read_and_bad_entries_reported_in_the_file() {
        let text = "[kinds]\nsqlServer = \"Microsoft.Sql/servers\"\ncompute = \"Microsoft.X/y\"\nvault = \"vaults\"\nkv = \"Microsoft.KeyVault/vaults\"\n";
        let (config, diagnostics) = read(text);
        assert_eq!(config.kinds.by_name("sqlServer").map(|k| k.resource_type), Some("Microsoft.Sql/servers"));
        assert_eq!(config.kinds.declared().count(), 1);
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::InvalidDeclaredKind; 3]);
        let at = |d: &Diagnostic| text.get(d.span.range()).unwrap_or_default().to_string();
        assert_eq!(at(&diagnostics[0]), "compute");
        assert!(diagnostics[0].message.contains("built-in kind"), "{}", diagnostics[0].message);
        assert_eq!(at(&diagnostics[1]), "\"vaults\"");
        assert_eq!(at(&diagnostics[2]), "\"Microsoft.KeyVault/vaults\"");
        assert!(diagnostics[2].message.contains("keyVault"), "{}", diagnostics[2].message);
    }

    #[test]
    fn levels_for_errors_are_refused_and_ignored() {
        let (config, diagnostics) =
            read("[lints]\nGV0005 = \"allow\"\nmissing-rule = \"warn\"\nGV0301 = \"error\"\nGV0401 = \"allow\"\n");
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::InvalidConfig, Code::InvalidConfig]);
        assert!(diagnostics[0].message.contains("GV0005"), "{}", diagnostics[0].message);
        assert_eq!(diagnostics[0].span, Span::new(FileId(0), 8, 14));
        assert!(diagnostics[1].message.contains("GV0102"), "{}", diagnostics[1].message);
        assert_eq!(config.level(Code::UnexpectedToken), None);
        assert_eq!(config.level(Code::MissingRule), None);
        // Raising an error to an error changes nothing and is not worth a report.
        assert_eq!(config.level(Code::UnknownAlias), Some(LintLevel::Error));
        assert_eq!(config.level(Code::UnusedParameter), Some(LintLevel::Allow));
        let syntax = Diagnostic::new(Code::UnexpectedToken, Span::default(), "x");
        assert_eq!(config.apply(syntax).map(|d| d.severity), Some(Severity::Error));
    }

    #[test]
    fn apply_allows_or_changes_severity() {
        let (config, _) = read("[lints]\nGV0401 = \"allow\"\nGV0302 = \"error\"\n");
        let span = Span::default();
        assert!(config.apply(Diagnostic::new(Code::UnusedParameter, span, "x")).is_none());
        let raised = config.apply(Diagnostic::new(Code::AliasCasing, span, "x"));
        assert_eq!(raised.map(|d| d.severity), Some(Severity::Error));
    }

    #[test]
    fn adding_a_catalog_keeps_the_rest_of_the_file() {
        assert_eq!(with_catalog("", "catalogs/a.json").ok(), Some("catalogs = [\"catalogs/a.json\"]\n".into()));
        let text = "# project\ncatalogs = [\"catalogs/a.json\"] # exports\n\n[lints]\nGV0401 = \"allow\"\n";
        let updated = with_catalog(text, "catalogs/b.json").unwrap_or_default();
        assert_eq!(
            updated,
            "# project\ncatalogs = [\"catalogs/a.json\", \"catalogs/b.json\"] # exports\n\n[lints]\nGV0401 = \"allow\"\n"
        );
        assert_eq!(with_catalog(&updated, "catalogs/b.json").ok(), Some(updated.clone()));
        let lints_only = "[lints]\nGV0401 = \"allow\"\n";
        assert_eq!(
            with_catalog(lints_only, "c.json").ok(),
            Some("catalogs = [\"c.json\"]\n[lints]\nGV0401 = \"allow\"\n".into())
        );
        assert!(with_catalog("catalogs = [", "x.json").is_err());
    }
}

//! The neighbours of an ML estate: storage accounts and key vaults written with their built-in
//! kinds, generic `resource "…"` blocks and kind-qualified names, a misspelt alias of each with
//! "did you mean", and kinds a project declares in `gavel.toml`.
//!
//! The aliases come from the bundled catalog, which covers every provider.

use std::path::{Path, PathBuf};

use gavel::diag::Code;
use gavel::diag::render::render_human;
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::{Compilation, Options, compile_paths_with};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled catalog alone: it knows every provider.
fn options() -> Options {
    Options::default()
}

fn compile(path: &Path) -> Compilation {
    // Relative to the repository root (the tests' working folder), so that rendered paths are too.
    let path = path.strip_prefix(root()).unwrap_or(path);
    compile_paths_with(&[path.to_path_buf()], &options())
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message))
}

fn rendered(compilation: &Compilation) -> String {
    let diagnostics: Vec<_> = compilation.diagnostics.iter().cloned().collect();
    render_human(&diagnostics, &compilation.sources, false)
}

#[test]
fn storage_and_key_vault_policies_build_to_full_aliases() {
    insta::glob!("neighbours/*.gavel", |path| {
        let compilation = compile(path);
        assert!(compilation.diagnostics.is_empty(), "{}:\n{}", path.display(), rendered(&compilation));
        let definitions: Vec<_> =
            compilation.emitted_definitions().iter().map(|d| definition_json(d, &EmitOptions::default())).collect();
        insta::assert_snapshot!(serde_json::to_string_pretty(&definitions).unwrap_or_default());
    });
}

#[test]
fn misspelt_aliases_get_did_you_mean() {
    insta::glob!("neighbours/errors/*.gavel", |path| {
        let compilation = compile(path);
        assert!(compilation.has_errors(), "{} should not compile", path.display());
        insta::assert_snapshot!(rendered(&compilation));
    });
}

/// A project with `gavel.toml` declaring kinds (and catalogs, while the bundled one lacks them).
fn project(kinds: &str, policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("p.gavel"), policy).expect("writes");
    std::fs::write(dir.path().join("gavel.toml"), format!("[kinds]\n{kinds}")).expect("writes");
    dir
}

fn compile_project(dir: &Path) -> Compilation {
    compile(&dir.join("p.gavel"))
}

#[test]
fn declared_kinds_are_kinds_of_the_project() {
    let policy = r#"policy retention {
    when blobService { deleteRetentionPolicy.enabled == false }
    then audit
}
policy qualified {
    when blobService.deleteRetentionPolicy.enabled != true
    then audit
}
"#;
    let dir = project("blobService = \"Microsoft.Storage/storageAccounts/blobServices\"\n", policy);
    let compilation = compile_project(dir.path());
    assert!(compilation.diagnostics.is_empty(), "{}", rendered(&compilation));
    let rules: Vec<String> = compilation
        .emitted_definitions()
        .iter()
        .map(|d| definition_json(d, &EmitOptions::default())["properties"]["policyRule"]["if"].to_string())
        .collect();
    insta::assert_snapshot!(rules.join("\n"));

    // A declared kind whose type the provider does not have: the guard says so, with the
    // closest type.
    let dir = project("blobService = \"Microsoft.Storage/storageAccounts/blobService\"\n", policy);
    let compilation = compile_project(dir.path());
    let codes: Vec<Code> = compilation.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::UnknownResourceType), "{}", rendered(&compilation));
}

#[test]
fn a_declared_kind_is_known_to_the_files_of_its_project_only() {
    let policy = "policy p {\n    when sqlServer { name like \"sql-*\" }\n    then audit\n}\n";
    let declared = project("sqlServer = \"Microsoft.Sql/servers\"\n", policy);
    let plain = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(plain.path().join("q.gavel"), policy.replace("policy p", "policy q")).expect("writes");
    let inputs: Vec<PathBuf> = vec![declared.path().join("p.gavel"), plain.path().join("q.gavel")];
    let compilation = compile_paths_with(&inputs, &options()).expect("compiles");
    let unknown: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownKind)
        .map(|d| compilation.sources.path(d.span.file).file_name().and_then(|n| n.to_str()).unwrap_or_default())
        .collect();
    assert_eq!(unknown, ["q.gavel"], "{}", rendered(&compilation));
}

#[test]
fn bad_declared_kinds_are_reported_in_the_project_file() {
    let toml = "compute = \"Microsoft.Sql/servers\"\nsqlServer = \"servers\"\nvault = \"Microsoft.KeyVault/vaults\"\nwhen = \"Microsoft.Sql/servers\"\n";
    let dir = project(toml, "policy p {\n    when workspace\n    then audit\n}\n");
    let compilation = compile_project(dir.path());
    let text = std::fs::read_to_string(dir.path().join("gavel.toml")).expect("reads");
    let found: Vec<(Code, &str)> =
        compilation.diagnostics.iter().map(|d| (d.code, text.get(d.span.range()).unwrap_or_default())).collect();
    assert_eq!(
        found,
        [
            (Code::InvalidDeclaredKind, "compute"),
            (Code::InvalidDeclaredKind, "\"servers\""),
            (Code::InvalidDeclaredKind, "\"Microsoft.KeyVault/vaults\""),
            (Code::InvalidDeclaredKind, "when"),
        ],
        "{}",
        rendered(&compilation)
    );
}

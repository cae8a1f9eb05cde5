//! Projects: `gavel.toml` lint levels and catalogs, `--catalog`, `gavel catalog import` and
//! `gavel aliases`, through the library and through the binary.

use std::path::Path;
use std::process::Command;

use gavel::diag::{Code, Severity};
use gavel::project::{Options, compile_paths, compile_paths_with};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/catalog");

/// A policy with an unused parameter (GV0401) and a Storage alias misspelt (the bundled catalog
/// knows Storage).
const POLICY: &str = r#"policy p {
    param unused: string = "x"
    when all {
        type == "Microsoft.Storage/storageAccounts"
        Microsoft.Storage/storageAccounts/allowBlobPublicAcess == true
    }
    then audit
}
"#;

fn project(toml: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("p.gavel"), POLICY).expect("writes");
    if let Some(toml) = toml {
        std::fs::write(dir.path().join("gavel.toml"), toml).expect("writes");
    }
    dir
}

fn codes(dir: &Path, options: &Options) -> Vec<(Code, Severity)> {
    let compilation = compile_paths_with(&[dir.join("p.gavel")], options).expect("compiles");
    compilation.diagnostics.iter().map(|d| (d.code, d.severity)).collect()
}

#[test]
fn without_a_project_file_the_defaults_apply() {
    let dir = project(None);
    assert_eq!(
        codes(dir.path(), &Options::default()),
        [(Code::UnusedParameter, Severity::Warning), (Code::UnknownAlias, Severity::Error)]
    );
}

#[test]
fn lint_levels_apply_to_every_diagnostic() {
    let dir = project(Some("[lints]\nGV0401 = \"allow\"\nunchecked-namespace = \"error\"\n"));
    assert_eq!(codes(dir.path(), &Options::default()), [(Code::UnknownAlias, Severity::Error)]);
}

#[test]
fn catalogs_in_the_project_file_and_on_the_command_line_are_loaded() {
    let dir = project(Some("catalogs = [\"storage.json\"]\n"));
    std::fs::copy(Path::new(FIXTURES).join("get-azpolicyalias.json"), dir.path().join("storage.json")).expect("copies");
    let found = codes(dir.path(), &Options::default());
    assert_eq!(found, [(Code::UnusedParameter, Severity::Warning), (Code::UnknownAlias, Severity::Error)]);

    let plain = project(None);
    let options = Options { catalogs: vec![Path::new(FIXTURES).join("get-azpolicyalias.json")] };
    assert!(codes(plain.path(), &options).contains(&(Code::UnknownAlias, Severity::Error)));
    let missing = Options { catalogs: vec![plain.path().join("nope.json")] };
    assert!(compile_paths_with(&[plain.path().join("p.gavel")], &missing).is_err());
}

#[test]
fn project_file_problems_are_diagnostics_in_the_file() {
    let dir = project(Some("catalogs = [\"missing.json\"]\n[lints]\nGV9999 = \"allow\"\n"));
    let compilation = compile_paths(&[dir.path().join("p.gavel")]).expect("compiles");
    let in_toml: Vec<Code> = compilation
        .diagnostics
        .iter()
        .filter(|d| compilation.sources.path(d.span.file).ends_with("gavel.toml"))
        .map(|d| d.code)
        .collect();
    assert_eq!(in_toml, [Code::CatalogError, Code::InvalidConfig]);
    assert!(compilation.has_errors());
}

fn gavel(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gavel")).args(args).current_dir(dir).output().expect("gavel runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn catalog_import_copies_the_export_and_names_it_in_the_project_file() {
    let dir = project(Some("# my project\n[lints]\nGV0401 = \"allow\"\n"));
    let export = Path::new(FIXTURES).join("get-azpolicyalias.json");
    let (ok, _, stderr) = gavel(dir.path(), &["catalog", "import", &export.to_string_lossy()]);
    assert!(ok, "{stderr}");
    assert!(dir.path().join("catalogs/Microsoft.Storage.json").is_file());
    let toml = std::fs::read_to_string(dir.path().join("gavel.toml")).unwrap_or_default();
    assert_eq!(toml, "catalogs = [\"catalogs/Microsoft.Storage.json\"]\n# my project\n[lints]\nGV0401 = \"allow\"\n");
    // Now `check` knows the Storage aliases.
    let (ok, _, stderr) = gavel(dir.path(), &["check", "p.gavel"]);
    assert!(!ok && stderr.contains("GV0301") && stderr.contains("allowBlobPublicAccess"), "{stderr}");

    let (ok, _, stderr) = gavel(dir.path(), &["catalog", "import", "p.gavel"]);
    assert!(!ok && stderr.contains("not an alias export"), "{stderr}");
}

#[test]
fn catalog_import_reads_utf16_and_prints_counts_per_namespace() {
    let dir = project(None);
    let export = Path::new(FIXTURES).join("utf16le-export.json");
    let (ok, stdout, stderr) = gavel(dir.path(), &["catalog", "import", &export.to_string_lossy()]);
    assert!(ok, "{stderr}");
    assert_eq!(
        stdout.lines().skip(1).collect::<Vec<_>>(),
        ["  Microsoft.KeyVault  2 resource types, 3 aliases"],
        "{stdout}"
    );
    // The copy is UTF-8 and loads like any export.
    let copy = std::fs::read(dir.path().join("catalogs/Microsoft.KeyVault.json")).expect("copied");
    assert!(copy.starts_with(b"{\r\n  \"id\""), "{:?}", copy.get(..8));
    let options = Options::default();
    let compilation = compile_paths_with(&[dir.path().join("p.gavel")], &options).expect("compiles");
    assert!(!compilation.diagnostics.iter().any(|d| d.code == Code::CatalogError), "{:?}", compilation.diagnostics);

    // `--catalog` reads the UTF-16 file as it is.
    let plain = project(None);
    let options = Options { catalogs: vec![export] };
    assert!(compile_paths_with(&[plain.path().join("p.gavel")], &options).is_ok());
}

#[test]
fn catalog_import_names_a_file_of_several_namespaces_after_all_of_them() {
    let dir = project(None);
    let export = Path::new(FIXTURES).join("two-namespaces.json");
    let (ok, stdout, stderr) = gavel(dir.path(), &["catalog", "import", &export.to_string_lossy()]);
    assert!(ok, "{stderr}");
    assert!(dir.path().join("catalogs/Microsoft.KeyVault+Microsoft.Storage.json").is_file());
    assert_eq!(
        stdout,
        format!(
            "imported catalogs/Microsoft.KeyVault+Microsoft.Storage.json ({} lists it):\n  \
             Microsoft.KeyVault  1 resource type, 1 alias\n  \
             Microsoft.Storage   2 resource types, 3 aliases\n  \
             total               3 resource types, 4 aliases\n",
            dir.path().canonicalize().expect("exists").join("gavel.toml").display()
        )
    );
    // The Storage aliases now check the policy.
    let (ok, _, stderr) = gavel(dir.path(), &["check", "p.gavel"]);
    assert!(!ok && stderr.contains("GV0301"), "{stderr}");
}

#[test]
fn catalog_import_refuses_an_export_without_aliases_with_the_command_to_run() {
    let dir = project(None);
    std::fs::copy(Path::new(FIXTURES).join("no-aliases.json"), dir.path().join("storage.json")).expect("copies");
    let (ok, stdout, stderr) = gavel(dir.path(), &["catalog", "import", "storage.json"]);
    assert!(!ok && stdout.is_empty(), "{stdout}");
    assert_eq!(
        stderr,
        "error[GV0013]: the export lists 3 resource types of Microsoft.Storage but no aliases: it was made without `--expand \"resourceTypes/aliases\"`\n  \
         --> storage.json\n  \
         = help: run `az provider show --namespace Microsoft.Storage --expand \"resourceTypes/aliases\" > storage.json` and import that file\n"
    );
    assert!(!dir.path().join("catalogs").exists() && !dir.path().join("gavel.toml").exists());
}

#[test]
fn exports_in_other_encodings_are_refused_wherever_catalogs_are_read() {
    let dir = project(Some("catalogs = [\"latin1.json\"]\n"));
    std::fs::write(dir.path().join("latin1.json"), b"{\"namespace\": \"caf\xe9\"}").expect("writes");
    let (ok, _, stderr) = gavel(dir.path(), &["catalog", "import", "latin1.json"]);
    assert!(!ok && stderr.starts_with("error[GV0012]: the file is not UTF-8 or UTF-16 text"), "{stderr}");
    assert!(stderr.contains("help: ") && stderr.contains("Out-File -Encoding utf8"), "{stderr}");

    // In gavel.toml: a diagnostic at the entry.
    let compilation = compile_paths(&[dir.path().join("p.gavel")]).expect("compiles");
    let codes: Vec<Code> = compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
    // The misspelt Storage alias is still caught by the bundled catalog.
    assert_eq!(codes, [Code::CatalogEncoding, Code::UnknownAlias]);
    // On the command line: the run fails with the code and the hint.
    let plain = project(None);
    let (ok, _, stderr) =
        gavel(plain.path(), &["check", "p.gavel", "--catalog", &dir.path().join("latin1.json").to_string_lossy()]);
    assert!(!ok && stderr.contains("[GV0012]") && stderr.contains("Out-File"), "{stderr}");
}

#[test]
fn aliases_lists_the_catalog_as_json_and_text() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (ok, stdout, stderr) = gavel(dir.path(), &["aliases", "--json"]);
    assert!(ok, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let aliases = list.as_array().map(Vec::as_slice).unwrap_or_default();
    let ml = aliases
        .iter()
        .filter(|a| a["name"].as_str().is_some_and(|n| n.starts_with("Microsoft.MachineLearningServices/")))
        .count();
    assert!(ml >= 3328, "{ml} ML aliases");
    // Every provider is bundled.
    assert!(aliases.len() >= 76_000, "{} aliases", aliases.len());
    let namespaces: std::collections::BTreeSet<String> =
        aliases.iter().filter_map(|a| a["name"].as_str()?.split('/').next().map(str::to_ascii_lowercase)).collect();
    assert!(namespaces.len() >= 136, "{} namespaces", namespaces.len());
    let tls = aliases.iter().find(|a| a["name"] == "Microsoft.Storage/storageAccounts/minimumTlsVersion");
    assert_eq!(tls.map(|a| a["type"].clone()), Some(serde_json::json!("string")));
    let dla =
        aliases.iter().find(|a| a["name"] == "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth");
    let dla = dla.expect("listed");
    assert_eq!(dla["shortName"], "disableLocalAuth");
    assert_eq!(dla["type"], "boolean");
    assert_eq!(dla["modifiable"], true);
    assert_eq!(dla["defaultPath"], "properties.disableLocalAuth");

    let (ok, stdout, _) = gavel(dir.path(), &["aliases", "computeType"]);
    assert!(ok && stdout.contains("short name    computeType") && stdout.contains("AmlCompute"), "{stdout}");

    let export = Path::new(FIXTURES).join("get-azpolicyalias.json");
    let (ok, stdout, _) =
        gavel(dir.path(), &["aliases", "allowBlobPublicAccess", "--catalog", &export.to_string_lossy()]);
    assert!(ok && stdout.starts_with("Microsoft.Storage/storageAccounts/allowBlobPublicAccess"), "{stdout}");
}

/// Errors are not lints: `gavel.toml` cannot allow them or make them warnings. The setting is
/// refused where it is written, and the file with the error still fails the build and writes
/// nothing.
#[test]
fn levels_for_errors_are_refused_and_do_not_let_a_bad_file_build() {
    for (toml, source, code) in [
        ("[lints]\nGV0005 = \"allow\"\n", "policy p { when workspace then audit )\n", "GV0005"),
        (
            "[lints]\nmissing-rule = \"warn\"\n",
            "policy p { when workspace }\npolicy q { when workspace then audit }\n",
            "GV0102",
        ),
    ] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("gavel.toml"), toml).expect("writes");
        std::fs::write(dir.path().join("p.gavel"), source).expect("writes");
        let compilation = compile_paths(&[dir.path().join("p.gavel")]).expect("compiles");
        let errors: Vec<(&str, String)> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let file = compilation.sources.get(d.span.file).map(|f| f.path.display().to_string());
                (d.code.id(), file.unwrap_or_default())
            })
            .collect();
        assert!(errors.iter().any(|(c, f)| *c == "GV0009" && f.ends_with("gavel.toml")), "{errors:?}");
        assert!(errors.iter().any(|(c, f)| *c == code && f.ends_with("p.gavel")), "{code} is kept: {errors:?}");
        let refusal = compilation.diagnostics.iter().find(|d| d.code == Code::InvalidConfig);
        assert!(refusal.is_some_and(|d| d.help.is_some() && d.message.contains("not a lint")), "{refusal:?}");
        let out = dir.path().join("out");
        let (ok, _, stderr) = gavel(dir.path(), &["build", "p.gavel", "--out-dir", &out.to_string_lossy()]);
        assert!(!ok && stderr.contains(code), "{stderr}");
        assert!(!out.join("q.json").exists(), "nothing is written");
    }
}

/// The same name in two projects checks (Azure's public and Azure Government copies of a
/// built-in live in different folders); built into one folder they would overwrite each other.
#[test]
fn the_same_name_in_two_projects_checks_but_does_not_build_into_one_folder() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for project in ["public", "government"] {
        std::fs::create_dir_all(dir.path().join(project)).expect("creates");
        std::fs::write(dir.path().join(project).join("gavel.toml"), "").expect("writes");
        std::fs::write(dir.path().join(project).join("p.gavel"), "policy p { when workspace then audit }\n")
            .expect("writes");
    }
    let (ok, _, stderr) = gavel(dir.path(), &["check", "public", "government"]);
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = gavel(dir.path(), &["build", "public", "government", "--out-dir", "out"]);
    assert!(!ok && stderr.contains("GV0113") && stderr.contains("another project"), "{stderr}");
    assert!(!dir.path().join("out/p.json").exists());
    // Within one project a name is still unique.
    std::fs::write(dir.path().join("public/q.gavel"), "policy P { when workspace then audit }\n").expect("writes");
    let (ok, _, stderr) = gavel(dir.path(), &["check", "public"]);
    assert!(!ok && stderr.contains("GV0113") && stderr.contains("defined twice"), "{stderr}");
}

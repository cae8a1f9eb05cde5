//! gavel's maintenance tasks, run with `cargo run -p xtask -- <task>`.
//!
//! `gen-catalog` turns the raw alias material under `../shared/data` (the alias listing of every
//! namespace, the modifiable list, the built-in and custom policies, the Bicep type files of
//! every provider and the Azure Machine Learning REST API specs) into the committed catalog under
//! `stdlib/catalog/`: `aliases/<Namespace>.tsv` (one compact text file per namespace, see
//! [`emit`]) and `namespaces.rs` (the Rust fragment that bundles them into gavel). The output is
//! a pure function of the input files: no clock, no environment, everything sorted.

mod builtins;
mod catalog;
mod corpus;
mod emit;
mod facts;
mod roles;
mod swagger;
mod types;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- <task>

tasks:
  gen-catalog [--data DIR] [--out DIR] [--check]
      Regenerate stdlib/catalog/aliases/<Namespace>.tsv and stdlib/catalog/namespaces.rs
      from the alias sources; .tsv files no longer generated are removed.
      --data DIR   source folder (default: ../shared/data relative to the repository root)
      --out DIR    output folder (default: stdlib/catalog under the repository root)
      --check      write nothing; fail if a committed file differs from what would be generated
                   or a .tsv file would be removed
      -v           also print per-source statistics, type conflicts and every odd name
      --explain NAME  print what every type source says about one alias
  gen-builtins [--data DIR] [--out DIR] [--check]
      Regenerate stdlib/catalog/builtin-parameters.json (the parameters of every built-in policy
      definition, for checking initiative members that reference built-ins by id).
  gen-roles [--data DIR] [--out DIR] [--check]
      Regenerate stdlib/catalog/roles.rs (the built-in roles) from roles/control_plane_roles.json;
      the options are those of gen-catalog.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen-catalog") => match gen_catalog(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Some("gen-builtins") => match gen_builtins(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Some("gen-roles") => match gen_roles(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The options the generators share; `-v` and `--explain` are `gen-catalog`'s own.
struct Options {
    data: PathBuf,
    out: PathBuf,
    check: bool,
    verbose: bool,
    explain: Option<String>,
}

impl Options {
    fn parse(args: &[String], catalog_flags: bool) -> Result<Options, String> {
        let root = repo_root();
        let mut options = Options {
            data: root.join("../shared/data"),
            out: root.join("stdlib/catalog"),
            check: false,
            verbose: false,
            explain: None,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--data" => options.data = PathBuf::from(it.next().ok_or("--data needs a folder")?),
                "--out" => options.out = PathBuf::from(it.next().ok_or("--out needs a folder")?),
                "--check" => options.check = true,
                "-v" | "--verbose" if catalog_flags => options.verbose = true,
                "--explain" if catalog_flags => {
                    options.explain = Some(it.next().ok_or("--explain needs an alias name")?.clone());
                }
                other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

fn gen_catalog(args: &[String]) -> Result<(), String> {
    let Options { data, out, check, verbose, explain } = Options::parse(args, true)?;
    if !data.is_dir() {
        return Err(format!("source folder {} does not exist", data.display()));
    }

    let catalog = catalog::build(&data, verbose, explain.as_deref())?;
    emit::validate(&catalog)?;
    if verbose {
        eprintln!("sources (under {}):\n  {}", data.display(), catalog.sources.join("\n  "));
    }
    let mut files: Vec<(PathBuf, String)> = catalog
        .namespaces
        .iter()
        .map(|ns| (Path::new(ALIASES_DIR).join(emit::file_name(ns)), emit::namespace_text(ns)))
        .collect();
    files.push((PathBuf::from("namespaces.rs"), emit::namespaces_rs(&catalog)));
    let generated: BTreeSet<PathBuf> = files.iter().map(|(name, _)| name.clone()).collect();
    let stale_tsv = stale_tsv_files(&out.join(ALIASES_DIR), &generated)?;

    if check {
        let mut stale = Vec::new();
        for (name, text) in &files {
            let path = out.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        for path in &stale_tsv {
            stale.push(format!("{} (no longer generated)", path.display()));
        }
        if !stale.is_empty() {
            return Err(format!(
                "generated catalog is out of date ({} files): {}\nrun `cargo run -p xtask -- gen-catalog`",
                stale.len(),
                stale.join(", ")
            ));
        }
        eprintln!("catalog is up to date ({} files)", files.len());
    } else {
        std::fs::create_dir_all(out.join(ALIASES_DIR)).map_err(|e| format!("{}: {e}", out.display()))?;
        let mut written = 0;
        for (name, text) in &files {
            written += usize::from(write_if_changed(&out.join(name), text)?);
        }
        for path in &stale_tsv {
            std::fs::remove_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        eprintln!(
            "{} files generated: {written} written, {} unchanged, {} stale .tsv files removed",
            files.len(),
            files.len() - written,
            stale_tsv.len()
        );
    }
    eprintln!("{}", catalog.summary());
    Ok(())
}

/// The namespace files' folder, under the output folder.
const ALIASES_DIR: &str = "aliases";

/// `.tsv` files in `dir` that this run does not generate.
fn stale_tsv_files(dir: &Path, generated: &BTreeSet<PathBuf>) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let Some(name) = path.file_name() else { continue };
        if path.extension().is_some_and(|e| e == "tsv") && !generated.contains(&Path::new(ALIASES_DIR).join(name)) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn gen_builtins(args: &[String]) -> Result<(), String> {
    let Options { data, out, check, .. } = Options::parse(args, false)?;
    let (text, count) = builtins::generate(&data)?;
    let path = out.join(builtins::OUTPUT);
    if check {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            return Err(format!("{} is out of date\nrun `cargo run -p xtask -- gen-builtins`", path.display()));
        }
        eprintln!("built-in parameters are up to date ({count} definitions)");
    } else {
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        write_if_changed(&path, &text)?;
        eprintln!("wrote {} ({count} definitions)", path.display());
    }
    Ok(())
}

fn gen_roles(args: &[String]) -> Result<(), String> {
    let Options { data, out, check, .. } = Options::parse(args, false)?;
    let roles = roles::read(&data)?;
    let text = roles::rust_table(&roles);
    let path = out.join(roles::OUTPUT);
    if check {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            return Err(format!("{} is out of date\nrun `cargo run -p xtask -- gen-roles`", path.display()));
        }
        eprintln!("roles are up to date ({} built-in roles)", roles.len());
    } else {
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        write_if_changed(&path, &text)?;
        eprintln!("{} built-in roles written to {}", roles.len(), path.display());
    }
    Ok(())
}

/// Leaves an unchanged file untouched so its mtime does not force cargo to recompile gavel.
/// Returns whether it wrote.
fn write_if_changed(path: &Path, text: &str) -> Result<bool, String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(false);
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

//! gavel's maintenance tasks, run with `cargo run -p xtask -- <task>`.
//!
//! `gen-catalog` turns the raw alias material under `../shared/data` (alias dump, modifiable
//! list, built-in policies, REST API specs and Bicep type files) into the committed catalog under
//! `stdlib/catalog/`: `ml_aliases.rs` (static tables compiled into gavel) and `catalog.json` (the
//! same data in the `az provider show` import shape, for people and other tools). The output is a
//! pure function of the input files: no clock, no environment, everything sorted.

mod catalog;
mod corpus;
mod emit;
mod facts;
mod roles;
mod swagger;
mod types;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- <task>

tasks:
  gen-catalog [--data DIR] [--out DIR] [--check]
      Regenerate stdlib/catalog/ from the alias sources.
      --data DIR   source folder (default: ../shared/data relative to the repository root)
      --out DIR    output folder (default: stdlib/catalog under the repository root)
      --check      write nothing; fail if the committed files differ from what would be generated
      -v           also print per-source statistics and type conflicts to stderr
      --explain NAME  print what every type source says about one alias
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

fn gen_catalog(args: &[String]) -> Result<(), String> {
    let root = repo_root();
    let mut data = root.join("../shared/data");
    let mut out = root.join("stdlib/catalog");
    let mut check = false;
    let mut verbose = false;
    let mut explain = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--data" => data = PathBuf::from(it.next().ok_or("--data needs a folder")?),
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a folder")?),
            "--check" => check = true,
            "-v" | "--verbose" => verbose = true,
            "--explain" => explain = Some(it.next().ok_or("--explain needs an alias name")?.clone()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    if !data.is_dir() {
        return Err(format!("source folder {} does not exist", data.display()));
    }

    let catalog = catalog::build(&data, verbose, explain.as_deref())?;
    let files = [("ml_aliases.rs", emit::rust_tables(&catalog)), ("catalog.json", emit::catalog_json(&catalog))];

    if check {
        let mut stale = Vec::new();
        for (name, text) in &files {
            let path = out.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        if !stale.is_empty() {
            return Err(format!(
                "generated catalog is out of date: {}\nrun `cargo run -p xtask -- gen-catalog`",
                stale.join(", ")
            ));
        }
        eprintln!("catalog is up to date");
    } else {
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        for (name, text) in &files {
            let path = out.join(name);
            write_if_changed(&path, text)?;
        }
    }
    eprintln!("{}", catalog.summary());
    Ok(())
}

fn gen_roles(args: &[String]) -> Result<(), String> {
    let root = repo_root();
    let mut data = root.join("../shared/data");
    let mut out = root.join("stdlib/catalog");
    let mut check = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--data" => data = PathBuf::from(it.next().ok_or("--data needs a folder")?),
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a folder")?),
            "--check" => check = true,
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
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
fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

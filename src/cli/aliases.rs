//! `gavel aliases [QUERY]`: browse the alias catalog (the built-in one, the project's imports
//! and `--catalog` files).

use std::path::Path;

use serde_json::{Value, json};

use super::{CatalogArgs, Outcome};
use crate::catalog::aliases::{AliasInfo, AliasOrigin, Catalog};

#[derive(Debug, clap::Args)]
pub struct AliasesArgs {
    /// Text to look for: part of a name, scattered letters (`pubnetacc`) or a near miss.
    /// Without it every alias is listed.
    pub query: Option<String>,
    /// Only aliases of namespaces or resource types whose name contains this text
    /// (`Microsoft.Storage`, `storageAccounts`, `Microsoft.KeyVault/vaults`).
    #[arg(long = "in", value_name = "NAMESPACE_OR_TYPE")]
    pub scope: Option<String>,
    /// Print a JSON array of objects instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
}

pub fn run(args: AliasesArgs) -> Outcome {
    let catalog = match args.catalogs.load(Path::new(".")) {
        Ok(catalog) => catalog,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::UsageOrIo;
        }
    };
    let aliases: Vec<&AliasInfo> = match (args.scope.as_deref(), args.query.as_deref()) {
        (Some(scope), query) => catalog.search_in(scope, query.unwrap_or_default()),
        (None, Some(query)) => catalog.search(query),
        (None, None) => catalog.iter().collect(),
    };
    let text = if args.json {
        let list: Vec<Value> = aliases.iter().map(|a| alias_json(a)).collect();
        serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
    } else if args.query.is_some() {
        aliases.iter().map(|a| describe(a)).collect()
    } else {
        table(&aliases)
    };
    // A reader that stops early (`| head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if aliases.is_empty() && !args.json {
        eprintln!("no alias matches");
    }
    Outcome::Success
}

/// One alias as JSON.
pub fn alias_json(alias: &AliasInfo) -> Value {
    json!({
        "name": alias.name(),
        "shortName": alias.short_name(),
        "resourceType": alias.resource_type(),
        "type": alias.value_type().as_str(),
        "enum": alias.enum_values().collect::<Vec<_>>(),
        "enumOpen": alias.enum_open(),
        "modifiable": alias.modifiable(),
        "readOnly": alias.read_only(),
        "defaultPath": alias.default_path(),
        "origin": origin(alias.origin()),
    })
}

fn origin(origin: AliasOrigin) -> &'static str {
    match origin {
        AliasOrigin::Published => "published",
        AliasOrigin::PolicyCorpus => "policy-corpus",
        AliasOrigin::Imported => "imported",
    }
}

/// A search result, one block per alias.
fn describe(alias: &AliasInfo) -> String {
    let mut kind = alias.value_type().as_str().to_string();
    if alias.modifiable() {
        kind.push_str(", modifiable");
    }
    if alias.read_only() {
        kind.push_str(", read-only");
    }
    let mut text = format!(
        "{}\n  short name    {}\n  type          {kind}\n  default path  {}\n",
        alias.name(),
        alias.short_name(),
        alias.default_path()
    );
    if alias.enum_values().len() > 0 {
        text.push_str(&format!("  values        {}\n", values(alias)));
    }
    text
}

fn values(alias: &AliasInfo) -> String {
    let mut shown = alias.enum_values().collect::<Vec<_>>().join(", ");
    if alias.enum_open() {
        shown.push_str(" (others allowed)");
    }
    shown
}

/// Every alias, grouped by resource type, one aligned line each.
fn table(aliases: &[&AliasInfo]) -> String {
    let mut text = String::new();
    let mut start = 0;
    while let Some(first) = aliases.get(start) {
        let ty = first.resource_type();
        let end = aliases.iter().skip(start).position(|a| a.resource_type() != ty).map_or(aliases.len(), |n| start + n);
        let group = aliases.get(start..end).unwrap_or_default();
        let width = group.iter().map(|a| a.short_name().len()).max().unwrap_or(0);
        text.push_str(&format!("{ty} ({} aliases)\n", group.len()));
        for alias in group {
            let mut line = format!(
                "  {:width$}  {:8}  {:10}  {}",
                alias.short_name(),
                alias.value_type().as_str(),
                if alias.modifiable() { "modifiable" } else { "" },
                alias.default_path()
            );
            if alias.enum_values().len() > 0 {
                line.push_str(&format!("  [{}]", values(alias)));
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        start = end;
    }
    text
}

/// The catalog a command reads: built-in, then the project's imports, then `--catalog` files.
pub fn project_catalog(dir: &Path, extra: &[std::path::PathBuf]) -> Result<Catalog, String> {
    let root = crate::project::find_root(&dir.join(crate::project::config::FILE_NAME));
    let mut sources = crate::syntax::span::SourceMap::new();
    let (config, diagnostics) = crate::project::Config::load(&root, &mut sources);
    if let Some(problem) = diagnostics.first() {
        return Err(format!("{}: {}", root.join(crate::project::config::FILE_NAME).display(), problem.message));
    }
    let mut imports = Vec::new();
    for (path, _) in &config.catalogs {
        imports.push(crate::project::config::read_catalog(path)?);
    }
    for path in extra {
        imports.push(crate::project::config::read_catalog(path)?);
    }
    Ok(if imports.is_empty() { Catalog::builtin().clone() } else { Catalog::with_imports(imports) })
}

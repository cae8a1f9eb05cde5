//! Alias catalog exports (`az provider show --expand "resourceTypes/aliases"`, `az provider
//! list`, the REST envelope, `Get-AzPolicyAlias | ConvertTo-Json`, gavel's own catalog), in
//! UTF-8 or UTF-16 of either byte order: the import that `--catalog`, `gavel.toml` and
//! `gavel catalog import` share, the merge over the built-in catalog, and a policy checked
//! and emitted against the result.
//!
//! Properties: every alias an import lists is found again by its name; a policy that names
//! imported aliases compiles against the merged catalog without panicking.

use gavel::catalog::aliases::Catalog;
use gavel::catalog::import::import_bytes;
use gavel::catalog::kinds::Kinds;
use gavel::diag::Diagnostics;
use gavel::project::analyse_file_with;
use gavel::syntax::span::FileId;

use super::{Harness, signature};
use crate::seeds;

pub const HARNESS: Harness = Harness {
    name: "catalog",
    summary: "alias exports (UTF-8/UTF-16): import, lookup, merge, a policy checked against them",
    run,
    dictionary: DICTIONARY,
    seeds: seeds::catalog_exports,
    mutate: None,
};

/// The members of each export shape, and the values of `defaultMetadata`.
const DICTIONARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"namespace\"",
    "\"Namespace\"",
    "\"resourceTypes\"",
    "\"resourceType\"",
    "\"ResourceType\"",
    "\"aliases\"",
    "\"Aliases\"",
    "\"name\"",
    "\"Name\"",
    "\"defaultPath\"",
    "\"paths\"",
    "\"path\"",
    "\"apiVersions\"",
    "\"metadata\"",
    "\"defaultMetadata\"",
    "\"DefaultMetadata\"",
    "\"type\"",
    "\"Type\"",
    "\"attributes\"",
    "\"Modifiable\"",
    "\"None\"",
    "\"String\"",
    "\"Boolean\"",
    "\"Integer\"",
    "\"Number\"",
    "\"Array\"",
    "\"Object\"",
    "\"NotSpecified\"",
    "\"value\"",
    "\"x-gavel-enum\"",
    "\"x-gavel-enumOpen\"",
    "\"x-gavel-origin\"",
    "\"Microsoft.MachineLearningServices\"",
    "\"workspaces/computes\"",
    "\"Microsoft.MachineLearningServices/workspaces/computes/vmSize\"",
    "\"properties.vmSize\"",
    "\"properties.list[*].x\"",
    "\"2024-04-01\"",
    "0",
    "1",
    "7",
    "true",
    "null",
];

/// Aliases checked and compiled against, at most: an export can list millions.
const SAMPLE: usize = 64;

pub fn run(data: &[u8]) -> u64 {
    let imported = match import_bytes(data) {
        Ok(catalog) => catalog,
        Err(error) => return signature([], 1 + error.code() as u64),
    };
    let mut names = Vec::new();
    for resource_type in imported.resource_types() {
        for alias in imported.aliases_of_type(resource_type.name()).take(SAMPLE) {
            assert!(imported.lookup(alias.name()).is_some(), "an imported alias is not found: {:?}", alias.name());
            names.push((resource_type.name().to_string(), alias.name().to_string()));
        }
        if names.len() >= SAMPLE {
            break;
        }
    }
    let merged = Catalog::with_imports([imported]);
    let source = policy_naming(&names);
    let mut diagnostics = Diagnostics::default();
    let _ = analyse_file_with(FileId(0), &source, false, Kinds::builtin(), &merged, &mut diagnostics);
    signature(diagnostics.iter(), 100 + names.len().min(3) as u64)
}

/// A policy with a condition on each of `aliases` that can be written plainly in gavel.
fn policy_naming(aliases: &[(String, String)]) -> String {
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "./_-[]*".contains(c));
    let conditions: Vec<String> = aliases
        .iter()
        .filter(|(resource_type, alias)| plain(resource_type) && plain(alias))
        .map(|(resource_type, alias)| format!("    any {{ type == \"{resource_type}\"  {alias} exists }}\n"))
        .collect();
    format!(
        "policy imported \"Imported aliases\" {{\n    mode all\n    when all {{\n    name != \"x\"\n{}    }}\n    then audit\n}}\n",
        conditions.concat()
    )
}

//! Assembles the catalog: aliases from the dump and the policy corpus, types from the specs,
//! modifiability from the modifiable list and the Modify/Append built-ins.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::corpus::{self, DumpAlias};
use crate::facts::{Facts, Kind, Settled, cmp_ci, parse_path};
use crate::swagger::Swagger;
use crate::types::BicepTypes;

pub const NAMESPACE: &str = "Microsoft.MachineLearningServices";

/// Where an alias comes from (recorded so tools can say how sure they are of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `Get-AzPolicyAlias` dump: Azure publishes this alias.
    Dump,
    /// Only seen in the built-in or custom policies (data-plane aliases that no listing shows).
    Corpus,
}

#[derive(Debug, Clone)]
pub struct Alias {
    pub name: String,
    pub default_path: String,
    pub kind: Option<Kind>,
    pub enum_values: Vec<String>,
    pub enum_open: bool,
    pub modifiable: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ResourceType {
    pub name: String,
    /// Sorted by short name, case-insensitively.
    pub aliases: Vec<Alias>,
}

pub struct Catalog {
    /// Sorted by name, case-insensitively.
    pub types: Vec<ResourceType>,
    /// Input files, relative to the data folder, in the order they were read.
    pub sources: Vec<String>,
    pub conflicts: usize,
    pub unresolved: usize,
    /// Unresolved aliases typed from the dump's own shape (see [`structural_kind`]).
    pub from_structure: usize,
}

impl Catalog {
    pub fn aliases(&self) -> impl Iterator<Item = (&ResourceType, &Alias)> {
        self.types.iter().flat_map(|t| t.aliases.iter().map(move |a| (t, a)))
    }

    pub fn summary(&self) -> String {
        let count = |f: &dyn Fn(&Alias) -> bool| self.aliases().filter(|(_, a)| f(a)).count();
        let total = count(&|_| true);
        let mut s = format!(
            "{total} aliases in {} resource types ({} with aliases): {} typed, {} unknown \
             ({} paths no spec resolves, {} typed from the dump's shape; {} conflicting types), \
             {} enums ({} open), {} modifiable, {} from the policy corpus",
            self.types.len(),
            self.types.iter().filter(|t| !t.aliases.is_empty()).count(),
            count(&|a| a.kind.is_some()),
            count(&|a| a.kind.is_none()),
            self.unresolved,
            self.from_structure,
            self.conflicts,
            count(&|a| !a.enum_values.is_empty()),
            count(&|a| a.enum_open),
            count(&|a| a.modifiable),
            count(&|a| a.origin == Origin::Corpus),
        );
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, a) in self.aliases() {
            *by_kind.entry(kind_name(a.kind)).or_default() += 1;
        }
        let _ = write!(s, "\nby type: {by_kind:?}");
        s
    }
}

pub fn kind_name(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::String) => "string",
        Some(Kind::Boolean) => "boolean",
        Some(Kind::Integer) => "integer",
        Some(Kind::Number) => "number",
        Some(Kind::Array) => "array",
        Some(Kind::Object) => "object",
        None => "unknown",
    }
}

const DUMP_DIR: &str = "aliases/jeircul-azure-policy-aliases/aliases/Microsoft.MachineLearningServices";
const MODIFIABLE_LIST: &str = "aliases/policy-generator-modAlias.MachineLearningServices.json";
const BICEP_DIR: &str = "swagger/bicep-types-az/generated/machinelearningservices/microsoft.machinelearningservices";
const SWAGGER_DIR: &str = "swagger/azure-rest-api-specs";

pub fn build(data: &Path, verbose: bool, explain: Option<&str>) -> Result<Catalog, String> {
    let mut sources = vec![
        format!("{DUMP_DIR}/*.md"),
        MODIFIABLE_LIST.to_string(),
        "builtin/**/*.json".to_string(),
        "custom/**/*.json".to_string(),
    ];
    let dump = corpus::read_dump(&data.join(DUMP_DIR))?;
    let listed_modifiable = corpus::read_modifiable_list(&data.join(MODIFIABLE_LIST))?;
    let written = corpus::written_by_policies(&data.join("builtin"))?;
    let mut used = corpus::fields_used(&data.join("builtin"))?;
    used.extend(corpus::fields_used(&data.join("custom"))?);

    // Newest api-version first: where versions spell an enum value differently, the newest
    // spelling is the one recorded.
    let mut versions: Vec<String> = std::fs::read_dir(data.join(BICEP_DIR))
        .map_err(|e| format!("{}: {e}", data.join(BICEP_DIR).display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("types.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    versions.sort_by(|a, b| b.cmp(a));
    let mut bicep = Vec::new();
    for version in &versions {
        let rel = format!("{BICEP_DIR}/{version}/types.json");
        bicep.push(BicepTypes::load(&data.join(&rel), version.clone())?);
        sources.push(rel);
    }
    let swagger = Swagger::load(&data.join(SWAGGER_DIR), NAMESPACE)?;
    sources.push(format!("{SWAGGER_DIR}/**/*.json ({} files)", swagger.file_count()));

    let mut types: BTreeMap<String, ResourceType> = BTreeMap::new();
    let mut conflicts = 0;
    let mut unresolved = 0;
    let mut from_structure = 0;
    let mut per_source: BTreeMap<String, usize> = BTreeMap::new();

    for DumpAlias { resource_type, name, default_path } in &dump {
        let path = parse_path(default_path);
        let mut facts = Facts::default();
        for types_file in &bicep {
            let mut f = Facts::default();
            types_file.walk(resource_type, &path, &mut f);
            if f.found {
                *per_source.entry(format!("bicep {}", types_file.version)).or_default() += 1;
            }
            facts.merge(&f);
        }
        let mut f = Facts::default();
        swagger.walk(resource_type, &path, &mut f);
        if f.found {
            *per_source.entry("swagger 2024-04-01".to_string()).or_default() += 1;
        }
        facts.merge(&f);

        if explain.is_some_and(|e| e.eq_ignore_ascii_case(name)) {
            eprintln!("{name} ({default_path}) → {path:?}");
            for types_file in &bicep {
                let mut f = Facts::default();
                types_file.walk(resource_type, &path, &mut f);
                eprintln!("  bicep {}: {f:?}", types_file.version);
            }
            let mut f = Facts::default();
            swagger.walk(resource_type, &path, &mut f);
            eprintln!("  swagger: {f:?}");
        }
        let settled = facts.settle();
        if !facts.found {
            unresolved += 1;
        }
        if settled.conflict {
            conflicts += 1;
            if verbose {
                eprintln!("conflict: {name} ({default_path}): {:?}", facts.kinds);
            }
        }
        let Settled { mut kind, enum_values, enum_open, .. } = settled;
        if !facts.found {
            kind = structural_kind(&dump, resource_type, default_path);
            if kind.is_some() {
                from_structure += 1;
            }
        }
        types
            .entry(resource_type.to_ascii_lowercase())
            .or_insert_with(|| ResourceType { name: resource_type.clone(), aliases: Vec::new() })
            .aliases
            .push(Alias {
                name: name.clone(),
                default_path: default_path.clone(),
                kind,
                enum_values,
                enum_open,
                modifiable: false,
                origin: Origin::Dump,
            });
    }
    if verbose {
        eprintln!("resolved by source: {per_source:?}");
    }

    add_corpus_aliases(&mut types, &used)?;

    // Resource types the specs define but the dump has no aliases for still exist: a policy
    // may test `type` against them.
    let spec_types = bicep.iter().flat_map(|b| b.resource_types.iter()).chain(swagger.resource_types.iter());
    for ty in spec_types {
        types.entry(ty.to_ascii_lowercase()).or_insert_with(|| ResourceType { name: ty.clone(), aliases: Vec::new() });
    }

    mark_modifiable(&mut types, listed_modifiable.iter().chain(written.iter()));

    let mut types: Vec<ResourceType> = types.into_values().collect();
    types.sort_by(|a, b| cmp_ci(&a.name, &b.name));
    for ty in &mut types {
        let prefix = ty.name.len() + 1;
        ty.aliases.sort_by(|a, b| cmp_ci(&a.name[prefix..], &b.name[prefix..]));
        for pair in ty.aliases.windows(2) {
            if pair[0].name.eq_ignore_ascii_case(&pair[1].name) {
                return Err(format!("duplicate alias {}", pair[0].name));
            }
        }
    }
    Ok(Catalog { types, sources, conflicts, unresolved, from_structure })
}

/// For a path no type source knows: the dump itself still shows the shape. Another alias of the
/// same type at `<path>[*]…` makes it an array, one at `<path>.…` an object.
fn structural_kind(dump: &[DumpAlias], resource_type: &str, path: &str) -> Option<Kind> {
    let lower = path.to_ascii_lowercase();
    let siblings = dump
        .iter()
        .filter(|d| d.resource_type.eq_ignore_ascii_case(resource_type))
        .map(|d| d.default_path.to_ascii_lowercase());
    let mut kind = None;
    for other in siblings {
        let Some(rest) = other.strip_prefix(&lower) else {
            continue;
        };
        if rest.starts_with("[*]") {
            return Some(Kind::Array);
        }
        if rest.starts_with('.') {
            kind = Some(Kind::Object);
        }
    }
    kind
}

/// Adds the data-plane aliases (`Microsoft.MachineLearningServices.Data/…`,
/// `….v2.Data/…`) the policies use: no alias listing carries them. Their resource type is the
/// name up to its last `/` (`…v2.Data/workspaces/deployments/model.assetId`), their default
/// path is assumed to be the short name, and their values are strings, except that an `x[*]`
/// makes `x` an array (and `x[*]` followed by more an array of objects).
fn add_corpus_aliases(types: &mut BTreeMap<String, ResourceType>, used: &[String]) -> Result<(), String> {
    let data_prefix = format!("{}.", NAMESPACE.to_ascii_lowercase());
    let control_prefix = format!("{}/", NAMESPACE.to_ascii_lowercase());
    let known: BTreeSet<String> =
        types.values().flat_map(|t| t.aliases.iter().map(|a| a.name.to_ascii_lowercase())).collect();
    let mut added: BTreeMap<String, (String, String, Kind)> = BTreeMap::new();
    for field in used {
        let lower = field.to_ascii_lowercase();
        if lower.starts_with(&control_prefix) {
            if !known.contains(&lower) {
                eprintln!("warning: policy corpus uses {field}, which the alias dump does not list");
            }
            continue;
        }
        if !lower.starts_with(&data_prefix) {
            continue;
        }
        let Some((resource_type, short)) = field.rsplit_once('/') else {
            return Err(format!("data-plane alias {field} has no resource type"));
        };
        // Every `[*]` prefix is an alias too.
        let mut names = vec![(short.to_string(), Kind::String)];
        let mut from = 0;
        while let Some(at) = short[from..].find("[*]") {
            let end = from + at;
            names.push((short[..end].to_string(), Kind::Array));
            if end + 3 < short.len() {
                names.push((short[..end + 3].to_string(), Kind::Object));
            }
            from = end + 3;
        }
        for (short, kind) in names {
            let name = format!("{resource_type}/{short}");
            added.entry(name.to_ascii_lowercase()).or_insert((resource_type.to_string(), name, kind));
        }
    }
    for (_, (resource_type, name, kind)) in added {
        let short = name[resource_type.len() + 1..].to_string();
        types
            .entry(resource_type.to_ascii_lowercase())
            .or_insert_with(|| ResourceType { name: resource_type.clone(), aliases: Vec::new() })
            .aliases
            .push(Alias {
                name,
                default_path: short,
                kind: Some(kind),
                enum_values: Vec::new(),
                enum_open: false,
                modifiable: false,
                origin: Origin::Corpus,
            });
    }
    Ok(())
}

fn mark_modifiable<'a>(types: &mut BTreeMap<String, ResourceType>, names: impl Iterator<Item = &'a String>) {
    let names: BTreeSet<String> = names.map(|n| n.to_ascii_lowercase()).collect();
    let mut seen = BTreeSet::new();
    for alias in types.values_mut().flat_map(|t| t.aliases.iter_mut()) {
        let lower = alias.name.to_ascii_lowercase();
        if names.contains(&lower) {
            alias.modifiable = true;
            seen.insert(lower);
        }
    }
    let ml = NAMESPACE.to_ascii_lowercase();
    for name in names.difference(&seen) {
        if name.starts_with(&ml) {
            eprintln!("warning: {name} is written by a policy but is not in the catalog");
        }
    }
}

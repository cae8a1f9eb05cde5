//! Assembles the catalog: aliases from the alias listing of every namespace and from the policy
//! corpus, types from the Bicep type files (and, for Azure Machine Learning, older Bicep files
//! and the REST API specs), modifiability from the modifiable list and the Modify/Append
//! built-ins.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::corpus::{self, DumpAlias};
use crate::facts::{Facts, Kind, Settled, cmp_ci, parse_path};
use crate::swagger::Swagger;
use crate::types::BicepTypes;

/// The namespace the REST API specs under `swagger/` describe.
pub const ML_NAMESPACE: &str = "Microsoft.MachineLearningServices";

/// Where an alias comes from (recorded so tools can say how sure they are of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `Get-AzPolicyAlias` listing: Azure publishes this alias.
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
    /// The property at the end of the default path is ReadOnly in every Bicep file declaring it.
    pub read_only: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ResourceType {
    pub name: String,
    /// Sorted by the short name as written (see [`emit::short_name`]), case-insensitively.
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone)]
pub struct Namespace {
    /// The spelling of the first source that names it: the alias listing, then the policy
    /// corpus, then the Bicep files.
    pub name: String,
    /// Sorted by name, case-insensitively.
    pub types: Vec<ResourceType>,
}

impl Namespace {
    pub fn alias_count(&self) -> usize {
        self.types.iter().map(|t| t.aliases.len()).sum()
    }
}

/// Figures about the inputs, for the summary.
#[derive(Debug, Default)]
pub struct Stats {
    /// Type sources disagreed on the kind (recorded as unknown).
    pub conflicts: usize,
    /// Paths no type source resolves.
    pub unresolved: usize,
    /// Unresolved aliases typed from the listing's own shape (see [`structural_kind`]).
    pub from_structure: usize,
    /// Listing rows whose alias name does not start byte for byte with `<type>/`.
    pub outside_type: usize,
    /// … and those not even case-insensitively (`Microsoft.Compute/imageOffer`).
    pub outside_type_ci: usize,
    /// Rows listing an alias a second time under the same type (dropped).
    pub duplicates: usize,
    /// Enum values dropped because the format cannot hold them (`|`, tab, newline, empty).
    pub enum_values_dropped: usize,
    /// Names that belong to two or more resource types.
    pub multi_type: usize,
    /// Bicep integers outside Azure Machine Learning, recorded as numbers.
    pub integers_as_numbers: usize,
    /// Resource types known only because a built-in policy tests them.
    pub types_from_policies: usize,
    /// Enum values added because a built-in policy compares the alias with them.
    pub enum_values_from_policies: usize,
    /// Aliases of listed namespaces that the listing lacks, known from the built-ins.
    pub unlisted_from_policies: usize,
    pub bicep_files: usize,
    pub listing_files: usize,
    pub policy_files: usize,
}

pub struct Catalog {
    /// Sorted by name, case-insensitively.
    pub namespaces: Vec<Namespace>,
    /// Input files, relative to the data folder, in the order they were read.
    pub sources: Vec<String>,
    pub stats: Stats,
}

impl Catalog {
    pub fn types(&self) -> impl Iterator<Item = &ResourceType> {
        self.namespaces.iter().flat_map(|n| n.types.iter())
    }

    pub fn aliases(&self) -> impl Iterator<Item = (&ResourceType, &Alias)> {
        self.types().flat_map(|t| t.aliases.iter().map(move |a| (t, a)))
    }

    pub fn summary(&self) -> String {
        let count = |f: &dyn Fn(&Alias) -> bool| self.aliases().filter(|(_, a)| f(a)).count();
        let s = &self.stats;
        let mut out = format!(
            "{} aliases in {} resource types ({} with aliases) of {} namespaces: {} typed, {} unknown \
             ({} paths no type source resolves, {} typed from the listing's shape; {} conflicting types); \
             {} enums ({} open), {} modifiable, {} read-only, {} from the policy corpus; \
             {} names under 2+ resource types, {} names not spelt with their type's prefix \
             ({} not under it even ignoring case), {} duplicate rows dropped, {} enum values dropped. \
             {} Bicep integers outside ML recorded as numbers. \
             From Microsoft's built-ins: {} resource types they test, {} enum values they compare with, \
             {} aliases the listing lacks. Read {} listing files, {} Bicep type files, {} policy files.",
            count(&|_| true),
            self.types().count(),
            self.types().filter(|t| !t.aliases.is_empty()).count(),
            self.namespaces.len(),
            count(&|a| a.kind.is_some()),
            count(&|a| a.kind.is_none()),
            s.unresolved,
            s.from_structure,
            s.conflicts,
            count(&|a| !a.enum_values.is_empty()),
            count(&|a| a.enum_open),
            count(&|a| a.modifiable),
            count(&|a| a.read_only),
            count(&|a| a.origin == Origin::Corpus),
            s.multi_type,
            s.outside_type,
            s.outside_type_ci,
            s.duplicates,
            s.enum_values_dropped,
            s.integers_as_numbers,
            s.types_from_policies,
            s.enum_values_from_policies,
            s.unlisted_from_policies,
            s.listing_files,
            s.bicep_files,
            s.policy_files,
        );
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, a) in self.aliases() {
            *by_kind.entry(kind_name(a.kind)).or_default() += 1;
        }
        let _ = write!(out, "\nby type: {by_kind:?}");
        out
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

const LISTING_DIR: &str = "aliases/all-providers/aliases";
const MODIFIABLE_LIST: &str = "aliases/policy-generator-modAlias.all-providers.json";
const BICEP_DIR: &str = "bicep-types/generated";
const ML_BICEP_DIR: &str = "swagger/bicep-types-az/generated/machinelearningservices/microsoft.machinelearningservices";
const SWAGGER_DIR: &str = "swagger/azure-rest-api-specs";
/// Policies whose fields are aliases in use.
const POLICY_DIRS: &[&str] = &["builtin", "custom", "azure-policy/built-in-policies"];
/// Policies whose Modify/Append operations make an alias modifiable (Azure's own built-ins).
const MODIFY_DIRS: &[&str] = &["builtin", "azure-policy/built-in-policies"];
/// How many examples a warning about many names shows.
const EXAMPLES: usize = 5;

/// Resource types by lower-cased name, plus the first spelling seen of each namespace.
#[derive(Default)]
struct Types {
    types: BTreeMap<String, ResourceType>,
    namespaces: BTreeMap<String, String>,
}

impl Types {
    fn entry(&mut self, name: &str) -> &mut ResourceType {
        let ns = namespace_of(name);
        self.namespaces.entry(ns.to_ascii_lowercase()).or_insert_with(|| ns.to_string());
        self.types
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| ResourceType { name: name.to_string(), aliases: Vec::new() })
    }
}

/// The text before the first `/` of a resource type or alias name.
pub fn namespace_of(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

/// `Microsoft.KeyVault.Data`: dot-separated ASCII words (also what a file name may be).
fn is_namespace(ns: &str) -> bool {
    ns.contains('.') && ns.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub fn build(data: &Path, verbose: bool, explain: Option<&str>) -> Result<Catalog, String> {
    let mut stats = Stats::default();
    let mut sources = vec![
        format!("{LISTING_DIR}/*/*.md"),
        MODIFIABLE_LIST.to_string(),
        "builtin/**/*.json".to_string(),
        "custom/**/*.json".to_string(),
        "azure-policy/built-in-policies/**/*.json".to_string(),
    ];
    let (dump, listing_files) = corpus::read_listing(&data.join(LISTING_DIR))?;
    stats.listing_files = listing_files;
    let listed_modifiable = corpus::read_modifiable_list(&data.join(MODIFIABLE_LIST))?;
    let dirs = |names: &[&str]| names.iter().map(|d| data.join(d)).collect::<Vec<PathBuf>>();
    let written = corpus::written_by_policies(&dirs(MODIFY_DIRS))?;
    let used = corpus::fields_used(&dirs(POLICY_DIRS))?;
    let compared = corpus::values_compared(&dirs(MODIFY_DIRS))?;
    stats.policy_files = dirs(POLICY_DIRS).iter().map(|d| corpus::json_files(d).map_or(0, |f| f.len())).sum();

    let bicep = load_bicep(data, &mut sources)?;
    stats.bicep_files = bicep.len();
    // Lower-cased namespace → the files defining its resource types, newest api-version first:
    // where versions spell an enum value differently, the newest spelling is the one recorded.
    let mut by_namespace: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, file) in bicep.iter().enumerate() {
        for ns in file.namespaces() {
            by_namespace.entry(ns).or_default().push(i);
        }
    }
    for files in by_namespace.values_mut() {
        files.sort_by(|&a, &b| {
            bicep[b].version.cmp(&bicep[a].version).then_with(|| bicep[a].source.cmp(&bicep[b].source))
        });
    }
    let swagger = Swagger::load(&data.join(SWAGGER_DIR), ML_NAMESPACE)?;
    sources.push(format!("{SWAGGER_DIR}/**/*.json ({} files)", swagger.file_count()));

    // Lower-cased type → lower-cased default paths, for the structural fallback.
    let mut paths_by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &dump {
        paths_by_type
            .entry(d.resource_type.to_ascii_lowercase())
            .or_default()
            .push(d.default_path.to_ascii_lowercase());
    }

    let mut types = Types::default();
    let mut per_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut outside = Vec::new();
    let no_files = Vec::new();

    for DumpAlias { resource_type, name, default_path } in &dump {
        if !name.starts_with(resource_type.as_str()) || name.as_bytes().get(resource_type.len()) != Some(&b'/') {
            stats.outside_type += 1;
            if !name.to_ascii_lowercase().starts_with(&format!("{}/", resource_type.to_ascii_lowercase())) {
                outside.push(format!("{name} (in {resource_type})"));
            }
        }
        let path = parse_path(default_path);
        let files = by_namespace.get(&namespace_of(resource_type).to_ascii_lowercase()).unwrap_or(&no_files);
        let mut facts = Facts::default();
        for &i in files {
            let mut f = Facts::default();
            bicep[i].walk(resource_type, &path, &mut f);
            if f.found && verbose {
                *per_source.entry(bicep[i].source.clone()).or_default() += 1;
            }
            facts.merge(&f);
        }
        let mut f = Facts::default();
        swagger.walk(resource_type, &path, &mut f);
        if f.found && verbose {
            *per_source.entry(format!("{SWAGGER_DIR} ({ML_NAMESPACE})")).or_default() += 1;
        }
        facts.merge(&f);

        if explain.is_some_and(|e| e.eq_ignore_ascii_case(name)) {
            eprintln!("{name} ({default_path}) → {path:?}");
            for &i in files {
                let mut f = Facts::default();
                bicep[i].walk(resource_type, &path, &mut f);
                eprintln!("  {}: {f:?}", bicep[i].source);
            }
            let mut f = Facts::default();
            swagger.walk(resource_type, &path, &mut f);
            eprintln!("  swagger: {f:?}");
        }
        let settled = facts.settle();
        if !facts.found {
            stats.unresolved += 1;
        }
        if settled.conflict {
            stats.conflicts += 1;
            if verbose {
                eprintln!("conflict: {name} ({default_path}): {:?}", facts.kinds);
            }
        }
        let Settled { mut kind, mut enum_values, mut enum_open, read_only, .. } = settled;
        if !facts.found {
            let siblings = paths_by_type.get(&resource_type.to_ascii_lowercase()).map_or(&[][..], Vec::as_slice);
            kind = structural_kind(siblings, default_path);
            if kind.is_some() {
                stats.from_structure += 1;
            }
        }
        // Bicep has one numeric type: its `IntegerType` stands for the specs' integers and
        // numbers alike (`learningRateMultiplier` is one). Only the ML REST specs, read as well,
        // tell the two apart; elsewhere an "integer" is recorded as a number, which accepts both.
        if kind == Some(Kind::Integer) && !namespace_of(resource_type).eq_ignore_ascii_case(ML_NAMESPACE) {
            kind = Some(Kind::Number);
            stats.integers_as_numbers += 1;
        }
        stats.enum_values_dropped += drop_unwritable(&mut enum_values, &mut enum_open);
        stats.enum_values_from_policies +=
            add_compared_values(&mut enum_values, compared.get(&name.to_ascii_lowercase()));
        types.entry(resource_type).aliases.push(Alias {
            name: name.clone(),
            default_path: default_path.clone(),
            kind,
            enum_values,
            enum_open,
            modifiable: false,
            read_only,
            origin: Origin::Dump,
        });
    }
    if stats.outside_type > 0 {
        stats.outside_type_ci = outside.len();
        eprintln!(
            "note: {} listing rows name an alias not spelt with its file's type as prefix ({} differ in case \
             only; written with their full names); not under the type even ignoring case: {}",
            stats.outside_type,
            stats.outside_type - outside.len(),
            examples(&outside, if verbose { usize::MAX } else { EXAMPLES }),
        );
    }
    if verbose {
        eprintln!("resolved by source: {per_source:#?}");
    }

    let listed: BTreeSet<String> = dump.iter().map(|d| namespace_of(&d.resource_type).to_ascii_lowercase()).collect();
    stats.unlisted_from_policies = add_corpus_aliases(&mut types, &used, &listed, verbose)?;

    // Resource types the specs define but the listing has no aliases for still exist: a policy
    // may test `type` against them.
    let spec_types = bicep.iter().flat_map(|b| b.resource_types.iter()).chain(swagger.resource_types.iter());
    for ty in spec_types {
        if is_namespace(namespace_of(ty)) {
            types.entry(ty);
        }
    }

    // Types Microsoft's built-ins test exist, whether or not a listing or spec names them
    // (`Microsoft.Resources/subscriptions`, types of retired API versions).
    for ty in compared.get("type").into_iter().flatten() {
        let shaped = ty.contains('/') && !ty.ends_with('/') && !ty.contains(['*', '[', ' ']);
        if shaped && is_namespace(namespace_of(ty)) && !types.types.contains_key(&ty.to_ascii_lowercase()) {
            types.entry(ty);
            stats.types_from_policies += 1;
        }
    }

    mark_modifiable(&mut types.types, listed_modifiable.iter().chain(written.iter()), verbose);

    // One entry per (type, alias); the same name may belong to several types.
    let mut type_count: BTreeMap<String, usize> = BTreeMap::new();
    for ty in types.types.values_mut() {
        // In the order gavel searches them: by the name after `<type>/` (matched ignoring case,
        // as gavel reads it), the whole name for the few outside their type.
        let prefix = ty.name.len() + 1;
        let runtime_short = |name: &'_ str| -> String {
            let under = name.len() > prefix
                && name.as_bytes()[prefix - 1] == b'/'
                && name[..prefix - 1].eq_ignore_ascii_case(&ty.name);
            if under { name[prefix..].to_string() } else { name.to_string() }
        };
        ty.aliases.sort_by(|a, b| {
            let (sa, sb) = (runtime_short(&a.name), runtime_short(&b.name));
            cmp_ci(&sa, &sb).then_with(|| sa.cmp(&sb))
        });
        let before = ty.aliases.len();
        ty.aliases.dedup_by(|b, a| {
            let same = a.name.eq_ignore_ascii_case(&b.name);
            if same {
                eprintln!("warning: {} lists alias {} twice; the first is kept", ty.name, a.name);
            }
            same
        });
        stats.duplicates += before - ty.aliases.len();
        for alias in &ty.aliases {
            *type_count.entry(alias.name.to_ascii_lowercase()).or_default() += 1;
        }
    }
    stats.multi_type = type_count.values().filter(|&&n| n > 1).count();

    let mut namespaces: BTreeMap<String, Namespace> = BTreeMap::new();
    for ty in types.types.into_values() {
        let key = namespace_of(&ty.name).to_ascii_lowercase();
        let name = types.namespaces[&key].clone();
        if !is_namespace(&name) {
            return Err(format!("resource type {} has no namespace", ty.name));
        }
        namespaces.entry(key).or_insert_with(|| Namespace { name, types: Vec::new() }).types.push(ty);
    }
    let mut namespaces: Vec<Namespace> = namespaces.into_values().collect();
    namespaces.sort_by(|a, b| cmp_ci(&a.name, &b.name).then_with(|| a.name.cmp(&b.name)));
    for ns in &mut namespaces {
        ns.types.sort_by(|a, b| cmp_ci(&a.name, &b.name).then_with(|| a.name.cmp(&b.name)));
    }
    Ok(Catalog { namespaces, sources, stats })
}

/// Every `types.json` under the Bicep folder of all providers, then the older Azure Machine
/// Learning versions, in path order.
fn load_bicep(data: &Path, sources: &mut Vec<String>) -> Result<Vec<BicepTypes>, String> {
    let mut paths: Vec<PathBuf> = corpus::json_files(&data.join(BICEP_DIR))?;
    let mut ml = corpus::json_files(&data.join(ML_BICEP_DIR))?;
    paths.append(&mut ml);
    paths.retain(|p| p.file_name().is_some_and(|n| n == "types.json"));
    let mut out = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(data).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let version = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .ok_or_else(|| format!("{}: no api-version folder", path.display()))?
            .to_string();
        out.push(BicepTypes::load(&path, rel.clone(), version)?);
        sources.push(rel);
    }
    Ok(out)
}

/// Drops the enum values the text format cannot hold (`|` separates values, tab and newline
/// separate columns and lines; an empty value is indistinguishable from no enum) and opens the
/// enum instead, so no valid value is rejected. Returns how many were dropped; none are expected.
pub fn drop_unwritable(values: &mut Vec<String>, open: &mut bool) -> usize {
    let before = values.len();
    values.retain(|v| !v.is_empty() && !v.contains(['|', '\t', '\n', '\r']));
    let dropped = before - values.len();
    if dropped > 0 {
        // With no value left there is no enum at all (any string goes).
        *open = !values.is_empty();
    }
    dropped
}

fn examples(names: &[String], max: usize) -> String {
    let mut s: Vec<&str> = names.iter().take(max).map(String::as_str).collect();
    if names.len() > max {
        s.push("…");
    }
    s.join(", ")
}

/// Adds to a known enum the values Microsoft's built-ins compare the alias with (an enum of the
/// newest API version can miss values older versions had, which resources still carry).
/// Returns how many were added.
fn add_compared_values(values: &mut Vec<String>, compared: Option<&BTreeSet<String>>) -> usize {
    let Some(compared) = compared.filter(|_| !values.is_empty()) else {
        return 0;
    };
    let before = values.len();
    for value in compared {
        let writable = !value.contains(['|', '\t', '\n']);
        if writable && !values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
            values.push(value.clone());
        }
    }
    values.sort_by(|a, b| cmp_ci(a, b).then_with(|| a.cmp(b)));
    values.len() - before
}

/// For a path no type source knows: the listing itself still shows the shape. Another alias of
/// the same type at `<path>[*]…` makes it an array, one at `<path>.…` an object. `siblings` are
/// the type's default paths, lower-cased.
fn structural_kind(siblings: &[String], path: &str) -> Option<Kind> {
    let lower = path.to_ascii_lowercase();
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

/// Adds the aliases the policies use in namespaces that have no alias listing at all: the
/// data-plane namespaces (`Microsoft.KeyVault.Data/…`, `Microsoft.MachineLearningServices.Data/…`)
/// and retired providers. Their resource type is the name up to its last `/`
/// (`Microsoft.KeyVault.Data/vaults/keys/attributes.expiresOn`), their default path is assumed
/// to be the short name, and their values are strings, except that an `x[*]` makes `x` an array
/// (and `x[*]` followed by more an array of objects). Fields of listed namespaces that the
/// listing does not know are only reported.
fn add_corpus_aliases(
    types: &mut Types,
    used: &[String],
    listed: &BTreeSet<String>,
    verbose: bool,
) -> Result<usize, String> {
    let known: BTreeSet<String> =
        types.types.values().flat_map(|t| t.aliases.iter().map(|a| a.name.to_ascii_lowercase())).collect();
    let mut unknown = BTreeSet::new();
    let mut added: BTreeMap<String, (String, String, Kind)> = BTreeMap::new();
    for field in used {
        let ns = namespace_of(field);
        if ns.len() == field.len() || !is_namespace(ns) {
            continue;
        }
        let lower = field.to_ascii_lowercase();
        if listed.contains(&ns.to_ascii_lowercase()) {
            if !known.contains(&lower) {
                unknown.insert(field.clone());
            }
            continue;
        }
        let Some((resource_type, short)) = field.rsplit_once('/') else {
            return Err(format!("alias {field} has no resource type"));
        };
        if !resource_type.contains('/') || short.is_empty() {
            continue;
        }
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
            let entry = added.entry(name.to_ascii_lowercase()).or_insert((resource_type.to_string(), name, kind));
            // A leaf use says "string" only for want of anything better: a use with more after
            // it (`x[*].y`) knows the shape, whichever policy was read first.
            if entry.2 == Kind::String {
                entry.2 = kind;
            }
        }
    }
    // Fields of listed namespaces that the listing lacks (retired aliases such as classic alert
    // rules' `Microsoft.Insights/alertRules/isEnabled`): Microsoft's built-ins use them and Azure
    // runs those, so they are aliases all the same. They go under the longest listed type their
    // name starts with, with the usual `properties.` path and no type.
    let unlisted = unknown.len();
    if unlisted > 0 {
        let names: Vec<String> = unknown.iter().cloned().collect();
        eprintln!(
            "note: the policies use {unlisted} fields of listed namespaces that the listing does not have \
             (added as known from policies): {}",
            examples(&names, if verbose { usize::MAX } else { EXAMPLES })
        );
    }
    for field in unknown {
        let owner = field
            .rmatch_indices('/')
            .map(|(at, _)| &field[..at])
            .find(|ty| types.types.contains_key(&ty.to_ascii_lowercase()))
            .or_else(|| field.rsplit_once('/').map(|(ty, _)| ty))
            .filter(|ty| ty.contains('/'));
        let Some(owner) = owner.map(str::to_string) else { continue };
        let spelling = types.entry(&owner).name.clone();
        let short = field[owner.len() + 1..].to_string();
        types.entry(&owner).aliases.push(Alias {
            name: format!("{spelling}/{short}"),
            default_path: format!("properties.{short}"),
            kind: None,
            enum_values: Vec::new(),
            enum_open: false,
            modifiable: false,
            read_only: false,
            origin: Origin::Corpus,
        });
    }
    for (_, (resource_type, name, kind)) in added {
        let short = name[resource_type.len() + 1..].to_string();
        types.entry(&resource_type).aliases.push(Alias {
            name,
            default_path: short,
            kind: Some(kind),
            enum_values: Vec::new(),
            enum_open: false,
            modifiable: false,
            read_only: false,
            origin: Origin::Corpus,
        });
    }
    Ok(unlisted)
}

fn mark_modifiable<'a>(
    types: &mut BTreeMap<String, ResourceType>,
    names: impl Iterator<Item = &'a String>,
    verbose: bool,
) {
    // Lower-cased → as first spelt.
    let mut names_ci: BTreeMap<String, &String> = BTreeMap::new();
    for name in names {
        names_ci.entry(name.to_ascii_lowercase()).or_insert(name);
    }
    let names: BTreeSet<String> = names_ci.keys().cloned().collect();
    let mut seen = BTreeSet::new();
    for alias in types.values_mut().flat_map(|t| t.aliases.iter_mut()) {
        let lower = alias.name.to_ascii_lowercase();
        if names.contains(&lower) {
            alias.modifiable = true;
            seen.insert(lower);
        }
    }
    // `tags['x']`, `location`, … are written too but are not aliases.
    let missing: Vec<String> = names
        .difference(&seen)
        .filter(|n| is_namespace(namespace_of(n)) && n.contains('/'))
        .map(|n| names_ci[n].clone())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "warning: {} aliases are modifiable or written by a policy but are not in the catalog: {}",
            missing.len(),
            examples(&missing, if verbose { usize::MAX } else { EXAMPLES })
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritable_enum_values_open_the_enum() {
        let mut values: Vec<String> = ["A", "B|C", "D\tE", "", "F"].iter().map(|s| s.to_string()).collect();
        let mut open = false;
        assert_eq!(drop_unwritable(&mut values, &mut open), 3);
        assert_eq!((values, open), (vec!["A".to_string(), "F".to_string()], true));
        let mut values = vec!["x\ny".to_string()];
        let mut open = false;
        assert_eq!(drop_unwritable(&mut values, &mut open), 1);
        assert_eq!((values.len(), open), (0, false));
        let mut values = vec!["Ok".to_string()];
        assert_eq!(drop_unwritable(&mut values, &mut open), 0);
        assert!(!open);
    }

    #[test]
    fn namespaces_are_dotted_words() {
        assert!(is_namespace("Microsoft.KeyVault.Data"));
        assert!(is_namespace("Microsoft.MachineLearningServices.v2.Data"));
        assert!(!is_namespace("tags['a"));
        assert!(!is_namespace("location"));
        assert!(!is_namespace("Microsoft..X"));
    }

    #[test]
    fn structure_gives_arrays_and_objects() {
        let siblings = vec!["properties.a[*].b".to_string(), "properties.c.d".to_string()];
        assert_eq!(structural_kind(&siblings, "properties.A"), Some(Kind::Array));
        assert_eq!(structural_kind(&siblings, "properties.c"), Some(Kind::Object));
        assert_eq!(structural_kind(&siblings, "properties.e"), None);
    }

    #[test]
    fn corpus_aliases_fill_unlisted_namespaces_and_listing_gaps() {
        let mut types = Types::default();
        types.entry("Microsoft.Storage/storageAccounts").aliases.push(Alias {
            name: "Microsoft.Storage/storageAccounts/minimumTlsVersion".into(),
            default_path: "properties.minimumTlsVersion".into(),
            kind: Some(Kind::String),
            enum_values: Vec::new(),
            enum_open: false,
            modifiable: false,
            read_only: false,
            origin: Origin::Dump,
        });
        let used: Vec<String> = [
            "Microsoft.Storage/storageAccounts/unknownThing",
            "Microsoft.KeyVault.Data/vaults/keys/keyType",
            "Microsoft.X.Data/things/list[*]",
            "Microsoft.X.Data/things/list[*].name",
            "tags['a/b']",
            "type",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let listed = BTreeSet::from(["microsoft.storage".to_string()]);
        assert_eq!(add_corpus_aliases(&mut types, &used, &listed, false), Ok(1));
        let names: Vec<(&str, Option<Kind>)> =
            types.types.values().flat_map(|t| t.aliases.iter().map(|a| (a.name.as_str(), a.kind))).collect();
        assert_eq!(
            names,
            vec![
                ("Microsoft.KeyVault.Data/vaults/keys/keyType", Some(Kind::String)),
                ("Microsoft.Storage/storageAccounts/minimumTlsVersion", Some(Kind::String)),
                // A listed type's alias that the listing lacks: under its type, type unknown.
                ("Microsoft.Storage/storageAccounts/unknownThing", None),
                ("Microsoft.X.Data/things/list", Some(Kind::Array)),
                ("Microsoft.X.Data/things/list[*]", Some(Kind::Object)),
                ("Microsoft.X.Data/things/list[*].name", Some(Kind::String)),
            ]
        );
        assert_eq!(types.namespaces["microsoft.keyvault.data"], "Microsoft.KeyVault.Data");
    }
}

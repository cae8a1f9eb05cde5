//! One namespace's aliases, indexed for case-insensitive lookup: the unit the catalog decodes,
//! imports and merges.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::{AliasInfo, ResourceTypeInfo, Str, ValueType, cmp_ignore_case, index_u32};

/// The aliases and resource types of one namespace.
///
/// Invariants: `types` is sorted by name, `entries` is parallel to it and each type's entries are
/// sorted by short name. A name is found by splitting it into `<type>/<short name>`; the few
/// aliases whose name does not start with their type (`Microsoft.Compute/imageOffer` of virtual
/// machines) are found through `stray_types`. An alias listed under two types is two entries,
/// one per type. All orders are [`cmp_ignore_case`].
///
/// A bundled table holds each type's lines of text and decodes them the first time the type is
/// used, so a policy about one resource type never pays for the rest of its namespace.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub(super) types: Vec<ResourceTypeInfo>,
    entries: Vec<Entries>,
    /// Indexes of the types with aliases outside their name.
    stray_types: Vec<usize>,
}

/// One type's aliases: decoded, or the text to decode them from.
#[derive(Debug, Clone, Default)]
struct Entries {
    decoded: OnceLock<Vec<AliasInfo>>,
    text: &'static str,
    decode: Option<fn(&'static str, &'static str) -> Vec<AliasInfo>>,
}

impl Table {
    /// Builds the indexes over owned entries. `types` lists resource types that exist even
    /// without aliases; the first spelling of a type wins, whether it comes from `types` or from
    /// an alias. Of two entries with the same type and name (ignoring case) the later one wins.
    pub(super) fn new(types: Vec<Str>, aliases: Vec<AliasInfo>) -> Table {
        let mut type_names: BTreeMap<String, Str> = BTreeMap::new();
        for name in types.into_iter().chain(aliases.iter().map(|a| a.resource_type.clone())) {
            type_names.entry(name.to_ascii_lowercase()).or_insert(name);
        }
        let mut unique: BTreeMap<(String, String), AliasInfo> = BTreeMap::new();
        for alias in aliases {
            unique.insert(entry_key(&alias), alias);
        }
        let mut by_type: BTreeMap<String, Vec<AliasInfo>> = BTreeMap::new();
        for mut alias in unique.into_values() {
            let key = alias.resource_type.to_ascii_lowercase();
            if let Some(spelling) = type_names.get(&key) {
                alias.resource_type = spelling.clone();
            }
            by_type.entry(key).or_default().push(alias);
        }
        let mut table = Table::default();
        let mut names: Vec<Str> = type_names.into_values().collect();
        names.sort_by(|a, b| cmp_ignore_case(a, b));
        for name in names {
            let mut aliases = by_type.remove(&name.to_ascii_lowercase()).unwrap_or_default();
            aliases.sort_by(|a, b| cmp_ignore_case(a.short_name(), b.short_name()));
            let strays = aliases.iter().any(|a| a.short_start == 0);
            table.push_type(
                name,
                aliases.len(),
                strays,
                Entries { decoded: OnceLock::from(aliases), ..Entries::default() },
            );
        }
        table
    }

    /// Adds a type whose aliases `decode(type, text)` gives on first use. Types must come in
    /// name order.
    pub(super) fn push_lazy(
        &mut self,
        name: &'static str,
        alias_count: usize,
        strays: bool,
        text: &'static str,
        decode: fn(&'static str, &'static str) -> Vec<AliasInfo>,
    ) {
        let entries = Entries { decoded: OnceLock::new(), text, decode: Some(decode) };
        self.push_type(Str::Borrowed(name), alias_count, strays, entries);
    }

    fn push_type(&mut self, name: Str, alias_count: usize, strays: bool, entries: Entries) {
        if strays {
            self.stray_types.push(self.types.len());
        }
        self.types.push(ResourceTypeInfo { name, len: index_u32(alias_count) });
        self.entries.push(entries);
    }

    /// The aliases of the `index`-th type, decoding them on first use.
    fn aliases_at(&self, index: usize) -> &[AliasInfo] {
        let (Some(ty), Some(entries)) = (self.types.get(index), self.entries.get(index)) else {
            return &[];
        };
        entries.decoded.get_or_init(|| match (entries.decode, &ty.name) {
            (Some(decode), Str::Borrowed(name)) => decode(name, entries.text),
            _ => Vec::new(),
        })
    }

    /// Every entry, by type, then short name (decodes every type).
    pub(super) fn aliases(&self) -> impl Iterator<Item = &AliasInfo> {
        (0..self.types.len()).flat_map(|i| self.aliases_at(i).iter())
    }

    /// Decodes every type not decoded yet, in parallel.
    pub(super) fn decode_all(&self) {
        use rayon::prelude::*;
        (0..self.types.len()).into_par_iter().for_each(|i| {
            self.aliases_at(i);
        });
    }

    /// How many entries the table has, without decoding anything.
    pub(super) fn alias_count(&self) -> usize {
        self.types.iter().map(|t| t.len as usize).sum()
    }

    /// This table updated with `newer` (an export of the same namespace):
    /// - entries only in one of them are kept, so a partial export never makes an alias unknown;
    /// - for an entry in both, `newer` gives the spelling, default path and (unless it does not
    ///   know it) the value type; enum values come from whichever has them (exports carry
    ///   none); it is modifiable if either says so, since the metadata undercounts;
    /// - resource types are the union, spelt as in `newer`.
    pub(super) fn merged_with(&self, newer: &Table) -> Table {
        let mut types: Vec<Str> = newer.types.iter().map(|t| t.name.clone()).collect();
        types.extend(self.types.iter().map(|t| t.name.clone()));
        let mut entries: BTreeMap<(String, String), AliasInfo> =
            self.aliases().map(|a| (entry_key(a), a.clone())).collect();
        for new in newer.aliases() {
            let key = entry_key(new);
            let merged = match entries.remove(&key) {
                None => new.clone(),
                Some(old) => merge_entry(old, new),
            };
            entries.insert(key, merged);
        }
        Table::new(types, entries.into_values().collect())
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&AliasInfo> {
        self.lookup_all(name).next()
    }

    /// Every entry with this name: one per resource type that lists it. Tries each split of the
    /// name into `<type>/<short name>`, longest type first, then the stray aliases.
    pub(super) fn lookup_all<'t>(&'t self, name: &str) -> impl Iterator<Item = &'t AliasInfo> {
        let split = name.rmatch_indices('/').filter_map(move |(at, _)| {
            let index = self.type_index(name.get(..at)?)?;
            let short = name.get(at + 1..)?;
            let aliases = self.aliases_at(index);
            aliases.binary_search_by(|a| cmp_ignore_case(a.short_name(), short)).ok().and_then(|i| aliases.get(i))
        });
        let strays = self
            .stray_types
            .iter()
            .flat_map(move |&i| self.aliases_at(i))
            .filter(move |a| a.short_start == 0 && a.name.eq_ignore_ascii_case(name));
        split.chain(strays)
    }

    fn type_index(&self, name: &str) -> Option<usize> {
        self.types.binary_search_by(|t| cmp_ignore_case(&t.name, name)).ok()
    }

    pub(super) fn resource_type(&self, name: &str) -> Option<&ResourceTypeInfo> {
        self.types.get(self.type_index(name)?)
    }

    pub(super) fn type_aliases(&self, resource_type: &str) -> &[AliasInfo] {
        self.type_index(resource_type).map_or(&[], |i| self.aliases_at(i))
    }

    pub(super) fn lookup_short(&self, resource_type: &str, short: &str) -> Option<&AliasInfo> {
        let aliases = self.type_aliases(resource_type);
        let at = aliases.binary_search_by(|a| cmp_ignore_case(a.short_name(), short)).ok()?;
        aliases.get(at)
    }
}

/// Entries are one per (type, name), case-insensitively.
fn entry_key(alias: &AliasInfo) -> (String, String) {
    (alias.resource_type.to_ascii_lowercase(), alias.name.to_ascii_lowercase())
}

fn merge_entry(old: AliasInfo, new: &AliasInfo) -> AliasInfo {
    let mut merged = new.clone();
    if merged.value_type == ValueType::Unknown {
        merged.value_type = old.value_type;
    }
    if merged.enum_values.is_empty() && merged.value_type == ValueType::String && old.value_type == ValueType::String {
        merged.enum_values = old.enum_values;
        merged.enum_open = old.enum_open;
    }
    merged.modifiable |= old.modifiable;
    merged.read_only |= old.read_only && !merged.modifiable;
    merged
}

//! One namespace's aliases, indexed for case-insensitive lookup: the unit the catalog decodes,
//! imports and merges.

use std::collections::BTreeMap;

use super::{AliasInfo, ResourceTypeInfo, Str, ValueType, cmp_ignore_case, index_u32};

/// The aliases and resource types of one namespace.
///
/// Invariants ([`Table::new`] establishes them): `types` is sorted by name; each type owns a
/// contiguous run of `aliases`, sorted by short name; `by_name` lists every alias index, sorted
/// by full name. An alias listed under two types is two entries, one per type. All orders are
/// [`cmp_ignore_case`].
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub(super) aliases: Vec<AliasInfo>,
    pub(super) by_name: Vec<u32>,
    pub(super) types: Vec<ResourceTypeInfo>,
}

impl Table {
    /// Builds the indexes. `types` lists resource types that exist even without aliases; the
    /// first spelling of a type wins, whether it comes from `types` or from an alias. Of two
    /// entries with the same type and name (ignoring case) the later one wins.
    pub(super) fn new(types: Vec<Str>, aliases: Vec<AliasInfo>) -> Table {
        let mut type_names: BTreeMap<String, Str> = BTreeMap::new();
        for name in types.into_iter().chain(aliases.iter().map(|a| a.resource_type.clone())) {
            type_names.entry(name.to_ascii_lowercase()).or_insert(name);
        }
        let mut unique: BTreeMap<(String, String), AliasInfo> = BTreeMap::new();
        for alias in aliases {
            unique.insert(entry_key(&alias), alias);
        }
        let mut aliases: Vec<AliasInfo> = unique.into_values().collect();
        for alias in &mut aliases {
            if let Some(spelling) = type_names.get(&alias.resource_type.to_ascii_lowercase()) {
                alias.resource_type = spelling.clone();
            }
        }
        Table::from_parts(type_names.into_values().collect(), aliases)
    }

    /// Indexes entries that are already unique per (type, name), as the bundled files are.
    pub(super) fn from_parts(mut type_list: Vec<Str>, mut aliases: Vec<AliasInfo>) -> Table {
        aliases.sort_by(|a, b| {
            cmp_ignore_case(&a.resource_type, &b.resource_type)
                .then_with(|| cmp_ignore_case(a.short_name(), b.short_name()))
        });
        type_list.sort_by(|a, b| cmp_ignore_case(a, b));
        type_list.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let mut types = Vec::with_capacity(type_list.len());
        let mut next = 0usize;
        for name in type_list {
            let start = next;
            while aliases.get(next).is_some_and(|a| a.resource_type.eq_ignore_ascii_case(&name)) {
                next += 1;
            }
            types.push(ResourceTypeInfo { name, start: index_u32(start), len: index_u32(next - start) });
        }
        let mut by_name: Vec<u32> = (0..aliases.len()).map(index_u32).collect();
        by_name.sort_by(|&a, &b| cmp_ignore_case(&aliases[a as usize].name, &aliases[b as usize].name));
        Table { aliases, by_name, types }
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
            self.aliases.iter().map(|a| (entry_key(a), a.clone())).collect();
        for new in &newer.aliases {
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
        let at =
            self.by_name.partition_point(|&i| self.alias_at(i).is_some_and(|a| cmp_ignore_case(&a.name, name).is_lt()));
        self.alias_at(*self.by_name.get(at)?).filter(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// Every entry with this name: one per resource type that lists it.
    pub(super) fn lookup_all<'t>(&'t self, name: &'t str) -> impl Iterator<Item = &'t AliasInfo> + 't {
        let start =
            self.by_name.partition_point(|&i| self.alias_at(i).is_some_and(|a| cmp_ignore_case(&a.name, name).is_lt()));
        self.by_name
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map_while(move |&i| self.alias_at(i).filter(|a| a.name.eq_ignore_ascii_case(name)))
    }

    pub(super) fn resource_type(&self, name: &str) -> Option<&ResourceTypeInfo> {
        let at = self.types.binary_search_by(|t| cmp_ignore_case(&t.name, name)).ok()?;
        self.types.get(at)
    }

    pub(super) fn type_aliases(&self, resource_type: &str) -> &[AliasInfo] {
        self.resource_type(resource_type).and_then(|t| self.aliases.get(t.range())).unwrap_or(&[])
    }

    pub(super) fn lookup_short(&self, resource_type: &str, short: &str) -> Option<&AliasInfo> {
        let aliases = self.type_aliases(resource_type);
        let at = aliases.binary_search_by(|a| cmp_ignore_case(a.short_name(), short)).ok()?;
        aliases.get(at)
    }

    fn alias_at(&self, index: u32) -> Option<&AliasInfo> {
        self.aliases.get(index as usize)
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

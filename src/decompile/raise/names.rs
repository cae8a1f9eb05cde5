//! gavel names for decompiled definitions: the definition's own name when it is a word
//! (`Deny-MachineLearning-Aks`), else the file's name in snake case
//! (`DisableLocalAuth_Modify.json` → `disable_local_auth_modify`, as `stdlib/policies` names
//! them), else the display name; unique within the file.

use std::collections::{HashMap, HashSet};

use crate::ast::Definition;
use crate::fmt::lexical;

/// Longest name derived from a display name, in words.
const MAX_WORDS: usize = 8;

pub fn assign(definitions: &[Definition], file_stem: Option<&str>) -> Vec<String> {
    let mut taken = TakenNames::default();
    definitions.iter().map(|definition| taken.claim(preferred_name(definition, definitions.len(), file_stem))).collect()
}

/// The name a definition would have alone in its file.
fn preferred_name(definition: &Definition, count: usize, file_stem: Option<&str>) -> String {
    let header = definition.header();
    let own = &header.name.value;
    if lexical::is_ident(own) && !is_guid(own) {
        return own.clone();
    }
    let from_stem = || file_stem.filter(|_| count == 1).map(snake_case);
    let from_display = || header.display_name.as_ref().map(|d| snake_case(&d.value));
    from_stem()
        .map(|n| to_ident(&n))
        .filter(|n| !n.is_empty())
        .or_else(|| from_display().map(|n| to_ident(&n)).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| fallback(definition).to_string())
}

/// The names given so far (gavel names are case-insensitive), and for each name that has
/// been asked for twice the next `_N` suffix to try, so that a thousand definitions with one
/// display name cost a thousand look-ups rather than a million.
#[derive(Default)]
struct TakenNames {
    taken: HashSet<String>,
    next_suffix: HashMap<String, u64>,
}

impl TakenNames {
    /// `name` if it is free, else `name_2`, `name_3`, … (the first that is free).
    fn claim(&mut self, name: String) -> String {
        let key = name.to_ascii_lowercase();
        if self.taken.insert(key.clone()) {
            return name;
        }
        // Suffixes below the counter were taken when it passed them, and names stay taken.
        let suffix = self.next_suffix.entry(key).or_insert(2);
        loop {
            let candidate = format!("{name}_{suffix}");
            *suffix += 1;
            if self.taken.insert(candidate.to_ascii_lowercase()) {
                return candidate;
            }
        }
    }
}

/// `a6f9a2d0-cff7-4855-83ad-4cd750666512`: a word to the lexer, but no name to a reader.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn fallback(definition: &Definition) -> &'static str {
    match definition {
        Definition::Policy(_) => "policy_definition",
        Definition::Initiative(_) => "initiative_definition",
    }
}

/// A snake-case name that lexes as an identifier: words kept, keywords and leading digits
/// given a prefix.
fn to_ident(name: &str) -> String {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).take(MAX_WORDS).collect();
    if words.is_empty() {
        return String::new();
    }
    let mut ident = words.join("_");
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident = format!("p_{ident}");
    }
    if !lexical::is_ident(&ident) {
        ident.push_str("_policy");
    }
    if lexical::is_ident(&ident) { ident } else { String::new() }
}

/// `DisableLocalAuth_Modify` → `disable_local_auth_modify`, `AllowedACRs` → `allowed_acrs`,
/// `Workspace_CMKEnabled_Audit_V2` → `workspace_cmk_enabled_audit_v2`.
pub fn snake_case(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|c| !c.is_empty()) {
        words.extend(camel_words(chunk));
    }
    words.iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_")
}

/// Splits at lower→upper and digit→upper boundaries, and before the last capital of an
/// acronym followed by a word (`CMKEnabled` → `CMK`, `Enabled`), keeping plural acronyms
/// whole (`ACRs`).
fn camel_words(chunk: &str) -> Vec<String> {
    let chars: Vec<char> = chunk.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let after_next = chars.get(i + 2).copied();
        let boundary = c.is_ascii_uppercase()
            && match previous {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => {
                    let starts_word = next.is_some_and(|n| n.is_ascii_lowercase());
                    let plural = next == Some('s') && !after_next.is_some_and(|a| a.is_ascii_lowercase());
                    starts_word && !plural
                }
                _ => false,
            };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_files_the_way_the_standard_library_does() {
        for (stem, name) in [
            ("DisableLocalAuth_Modify", "disable_local_auth_modify"),
            ("AllowedACRs_EnforceSetting", "allowed_acrs_enforce_setting"),
            ("Workspace_CMKEnabled_Audit_V2", "workspace_cmk_enabled_audit_v2"),
            ("Workspace_EnableV1LegacyMode_Audit", "workspace_enable_v1_legacy_mode_audit"),
            ("Workspace_UAIEnabled_Audit", "workspace_uai_enabled_audit"),
            ("DS_EH_machinelearningservices-workspaces_DINE", "ds_eh_machinelearningservices_workspaces_dine"),
            ("Workspace_PrivateDnsZones_DINE", "workspace_private_dns_zones_dine"),
        ] {
            assert_eq!(snake_case(stem), name);
        }
    }

    #[test]
    fn a_taken_name_gets_the_first_free_suffix() {
        let mut taken = TakenNames::default();
        let names: Vec<String> =
            ["a", "A", "a_3", "a", "a_2", "b"].iter().map(|n| taken.claim(n.to_string())).collect();
        assert_eq!(names, ["a", "A_2", "a_3", "a_4", "a_2_2", "b"]);
    }

    #[test]
    fn makes_identifiers() {
        assert_eq!(to_ident("9_lives"), "p_9_lives");
        assert_eq!(to_ident("policy"), "policy_policy");
        assert_eq!(to_ident(""), "");
    }
}

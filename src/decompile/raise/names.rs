//! gavel names for decompiled definitions: the definition's own name when it is a word
//! (`Deny-MachineLearning-Aks`), else the file's name in snake case
//! (`DisableLocalAuth_Modify.json` → `disable_local_auth_modify`, as `stdlib/policies` names
//! them), else the display name; unique within the file.

use crate::ast::Definition;
use crate::fmt::lexical;

/// Longest name derived from a display name, in words.
const MAX_WORDS: usize = 8;

pub fn assign(definitions: &[Definition], file_stem: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(definitions.len());
    for definition in definitions {
        let header = definition.header();
        let own = &header.name.value;
        let mut name = if lexical::is_ident(own) && !is_guid(own) {
            own.clone()
        } else {
            let from_stem = || file_stem.filter(|_| definitions.len() == 1).map(snake_case);
            let from_display = || header.display_name.as_ref().map(|d| snake_case(&d.value));
            from_stem()
                .map(|n| to_ident(&n))
                .filter(|n| !n.is_empty())
                .or_else(|| from_display().map(|n| to_ident(&n)).filter(|n| !n.is_empty()))
                .unwrap_or_else(|| fallback(definition).to_string())
        };
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            let base = name.clone();
            name = (2..)
                .map(|i| format!("{base}_{i}"))
                .find(|n| !names.iter().any(|m| m.eq_ignore_ascii_case(n)))
                .unwrap_or(base);
        }
        names.push(name);
    }
    names
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
    fn makes_identifiers() {
        assert_eq!(to_ident("9_lives"), "p_9_lives");
        assert_eq!(to_ident("policy"), "policy_policy");
        assert_eq!(to_ident(""), "");
    }
}

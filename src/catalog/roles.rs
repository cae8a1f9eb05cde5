//! Azure's built-in roles, so `roles [contributor]` can stand for a role definition id.
//!
//! The table is generated (`cargo run -p xtask -- gen-roles`, into `stdlib/catalog/roles.rs`)
//! from the 644 built-in control-plane roles. A role is written in gavel by the identifier form
//! of its display name (lower camel case: `Storage Blob Data Contributor` is
//! `storageBlobDataContributor`, `Private DNS Zone Contributor` is `privateDnsZoneContributor`;
//! the rule is in `xtask/src/roles.rs`) or by its display name as a string; both ignore case.

use std::cmp::Ordering;

/// A built-in role: the name gavel accepts, Azure's display name and its role definition GUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    pub name: &'static str,
    pub display_name: &'static str,
    pub guid: &'static str,
}

include!(concat!(env!("CARGO_MANIFEST_DIR"), "/stdlib/catalog/roles.rs"));

/// Every built-in role, sorted by name (ignoring case).
pub const ROLES: &[Role] = BUILTIN;

/// Names earlier versions of gavel accepted that are not the identifier form of the display
/// name; they keep working.
const FORMER_NAMES: &[(&str, &str)] = &[("eventHubsDataOwner", "f526a384-b230-433a-b45c-95f59c4a2dec")];

/// The roles remediation tasks (Modify, DeployIfNotExists) need most often; editors offer them
/// first.
pub const COMMON: &[&str] = &[
    "owner",
    "contributor",
    "reader",
    "userAccessAdministrator",
    "monitoringContributor",
    "logAnalyticsContributor",
    "networkContributor",
    "privateDnsZoneContributor",
    "storageAccountContributor",
    "azureEventHubsDataOwner",
    "azureMLDataScientist",
    "keyVaultContributor",
    "tagContributor",
];

/// The prefix of every built-in role definition id.
pub const ROLE_DEFINITION_PREFIX: &str = "/providers/Microsoft.Authorization/roleDefinitions/";

/// The role definition id Azure Policy expects for a role GUID.
pub fn role_definition_id(guid: &str) -> String {
    format!("{ROLE_DEFINITION_PREFIX}{guid}")
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes().map(|b| b.to_ascii_lowercase()).cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

/// Finds a role by its gavel name, ignoring case (`Contributor` and `contributor` both work).
pub fn role_by_name(name: &str) -> Option<&'static Role> {
    if let Ok(i) = ROLES.binary_search_by(|role| cmp_ignore_case(role.name, name)) {
        return ROLES.get(i);
    }
    let (_, guid) = FORMER_NAMES.iter().find(|(former, _)| former.eq_ignore_ascii_case(name))?;
    role_by_guid(guid)
}

/// Finds a role by its display name, ignoring case and surrounding spaces.
pub fn role_by_display_name(display_name: &str) -> Option<&'static Role> {
    let display_name = display_name.trim();
    ROLES.iter().find(|role| role.display_name.eq_ignore_ascii_case(display_name))
}

/// Finds a role by its GUID (case-insensitive).
pub fn role_by_guid(guid: &str) -> Option<&'static Role> {
    ROLES.iter().find(|role| role.guid.eq_ignore_ascii_case(guid))
}

/// Finds a role by the GUID at the end of a role definition id (case-insensitive).
pub fn role_by_definition_id(id: &str) -> Option<&'static Role> {
    role_by_guid(id.rsplit('/').next()?)
}

/// The built-in role whose full id (`/providers/Microsoft.Authorization/roleDefinitions/<guid>`)
/// `id` is, ignoring case; `None` for other ids (custom roles, expressions, bare GUIDs).
pub fn builtin_role_for_id(id: &str) -> Option<&'static Role> {
    let head = id.get(..ROLE_DEFINITION_PREFIX.len())?;
    if !head.eq_ignore_ascii_case(ROLE_DEFINITION_PREFIX) {
        return None;
    }
    role_by_guid(id.get(ROLE_DEFINITION_PREFIX.len()..)?)
}

/// Whether `text` is a GUID (`8-4-4-4-12` hexadecimal digits).
pub fn is_guid(text: &str) -> bool {
    let mut groups = text.split('-');
    let ok = [8, 4, 4, 4, 12]
        .iter()
        .all(|&n| groups.next().is_some_and(|g| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit())));
    ok && groups.next().is_none()
}

/// What a string in `roles [...]` stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleString {
    /// A built-in role's display name (or its gavel name written as a string).
    Role(&'static Role),
    /// Taken as written: a role definition id (anything with a `/`), a GUID or an ARM expression.
    Verbatim,
    /// None of these: a misspelt display name.
    Unknown,
}

/// Classifies a string written in `roles [...]`.
pub fn role_string(text: &str) -> RoleString {
    let trimmed = text.trim();
    if trimmed.contains('/') || trimmed.starts_with('[') || is_guid(trimmed) {
        return RoleString::Verbatim;
    }
    match role_by_display_name(trimmed).or_else(|| role_by_name(trimmed)) {
        Some(role) => RoleString::Role(role),
        None => RoleString::Unknown,
    }
}

/// Every name a role can be written with (for did-you-mean): gavel names, then former names.
pub fn names() -> impl Iterator<Item = &'static str> {
    ROLES.iter().map(|role| role.name).chain(FORMER_NAMES.iter().map(|(name, _)| *name))
}

/// Every display name (for did-you-mean on strings).
pub fn display_names() -> impl Iterator<Item = &'static str> {
    ROLES.iter().map(|role| role.display_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The names gavel accepted before every built-in role was known.
    const EARLIER: &[(&str, &str)] = &[
        ("owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
        ("contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
        ("reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
        ("userAccessAdministrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"),
        ("monitoringContributor", "749f88d5-cbae-40b8-bcfc-e573ddc772fa"),
        ("logAnalyticsContributor", "92aaf0da-9dab-42b6-94a3-d43ce8d16293"),
        ("networkContributor", "4d97b98b-1d4f-4787-a291-c67834d212e7"),
        ("privateDnsZoneContributor", "b12aa53e-6015-4669-85d0-8515ebb3ae7f"),
        ("storageAccountContributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab"),
        ("eventHubsDataOwner", "f526a384-b230-433a-b45c-95f59c4a2dec"),
        ("azureMLDataScientist", "f6c7c914-8db3-469d-8ca1-694a8f32e121"),
        ("keyVaultContributor", "f25e0fa2-a7c8-4377-a976-54943a77a395"),
        ("tagContributor", "4a9ae827-6dc8-4573-8ac7-8239d42aa03f"),
    ];

    #[test]
    fn every_built_in_role_is_known() {
        assert_eq!(ROLES.len(), 644);
        let storage = role_by_name("storageBlobDataContributor").expect("known");
        assert_eq!(storage.display_name, "Storage Blob Data Contributor");
        assert_eq!(storage.guid, "ba92f5b4-2d11-453d-a403-e96b0029c9fe");
        assert_eq!(role_by_name("KeyVaultSecretsUser").map(|r| r.display_name), Some("Key Vault Secrets User"));
        assert_eq!(role_by_display_name("storage blob DATA contributor"), Some(storage));
        assert_eq!(role_by_name("notARole"), None);
    }

    #[test]
    fn the_earlier_names_keep_their_roles() {
        for (name, guid) in EARLIER {
            assert_eq!(role_by_name(name).map(|r| r.guid), Some(*guid), "{name}");
            assert_eq!(role_by_name(&name.to_ascii_uppercase()).map(|r| r.guid), Some(*guid), "{name}");
        }
        // Only one of them is not the identifier form of its display name.
        let former: Vec<&str> =
            EARLIER.iter().map(|(n, _)| *n).filter(|n| !ROLES.iter().any(|r| r.name == *n)).collect();
        assert_eq!(former, ["eventHubsDataOwner"]);
    }

    #[test]
    fn names_are_unique_sorted_and_lex_as_one_word() {
        use logos::Logos;
        let lower: BTreeSet<String> = names().map(str::to_ascii_lowercase).collect();
        assert_eq!(lower.len(), ROLES.len() + FORMER_NAMES.len(), "names differ in more than case");
        let displays: BTreeSet<String> = display_names().map(str::to_ascii_lowercase).collect();
        assert_eq!(displays.len(), ROLES.len());
        let guids: BTreeSet<&str> = ROLES.iter().map(|r| r.guid).collect();
        assert_eq!(guids.len(), ROLES.len());
        assert!(ROLES.windows(2).all(|w| cmp_ignore_case(w[0].name, w[1].name) == Ordering::Less));
        for role in ROLES {
            let tokens: Vec<_> = crate::syntax::token::Token::lexer(role.name).collect();
            assert_eq!(tokens, [Ok(crate::syntax::token::Token::Ident(role.name))], "{}", role.name);
            assert!(is_guid(role.guid), "{}", role.guid);
        }
    }

    #[test]
    fn common_roles_are_built_in_names() {
        for name in COMMON {
            assert!(ROLES.iter().any(|r| r.name == *name), "{name}");
        }
    }

    #[test]
    fn ids_and_strings() {
        let contributor = role_by_name("contributor").expect("known");
        let id = role_definition_id(contributor.guid);
        assert_eq!(builtin_role_for_id(&id), Some(contributor));
        assert_eq!(builtin_role_for_id(&id.to_ascii_lowercase()), Some(contributor));
        assert_eq!(builtin_role_for_id(contributor.guid), None);
        assert_eq!(builtin_role_for_id("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/y"), None);
        assert_eq!(role_by_definition_id(&id), Some(contributor));

        assert_eq!(role_string("Contributor"), RoleString::Role(contributor));
        assert_eq!(
            role_string(" key vault secrets user "),
            RoleString::Role(role_by_name("keyVaultSecretsUser").expect("known"))
        );
        assert_eq!(role_string(&id), RoleString::Verbatim);
        assert_eq!(role_string(contributor.guid), RoleString::Verbatim);
        assert_eq!(role_string("[parameters('role')]"), RoleString::Verbatim);
        assert_eq!(role_string("Storage Blob Data Contributr"), RoleString::Unknown);
        assert!(!is_guid("b24988ac-6180-42a0-ab88-20f7382dd24c-0"));
        assert!(!is_guid("b24988ac-6180-42a0-ab88"));
    }
}

//! `gen-roles`: Azure's built-in roles (`data/roles/control_plane_roles.json`, `{roleId,
//! roleName}`) as the static table `stdlib/catalog/roles.rs`, which gavel compiles in so that
//! `roles [storageBlobDataContributor]` stands for a role definition id.
//!
//! Each role gets an identifier form of its display name, the name written in gavel:
//! - the name is split into words at every character other than an ASCII letter or digit
//!   (spaces, `-`, `.`, `/`, parentheses), which are dropped: `SignalR/Web PubSub Contributor`
//!   has the words `SignalR`, `Web`, `PubSub`, `Contributor`;
//! - a word written in capitals only (`DNS`, `API`, `VM`) is an acronym and keeps only its first
//!   letter in capitals (`Dns`); other words keep their casing (`AzureML`, `PubSub`, `IoT`);
//! - the first word starts with a small letter (an acronym first word is all small: `api`), the
//!   others with a capital; digits stay where they are (`windows365NetworkUser`).
//!
//! So `Private DNS Zone Contributor` is `privateDnsZoneContributor`, `Key Vault Secrets User` is
//! `keyVaultSecretsUser` and `Purview role 1 (Deprecated)` is `purviewRole1Deprecated`. gavel
//! looks names up ignoring case, so the generator refuses input in which two roles get names
//! that differ only in case, a name that does not start with a letter, a display name given
//! twice or a role id that is not `/providers/Microsoft.Authorization/roleDefinitions/<guid>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// Where the roles are read from, relative to the data folder.
pub const SOURCE: &str = "roles/control_plane_roles.json";

/// The generated file, relative to the output folder.
pub const OUTPUT: &str = "roles.rs";

const ID_PREFIX: &str = "/providers/Microsoft.Authorization/roleDefinitions/";

/// One built-in role as gavel knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub display_name: String,
    pub guid: String,
}

/// The identifier form of a role's display name (see the module docs).
pub fn identifier(display_name: &str) -> String {
    let mut out = String::with_capacity(display_name.len());
    for (i, word) in display_name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).enumerate() {
        let acronym = !word.bytes().any(|b| b.is_ascii_lowercase());
        for (j, c) in word.chars().enumerate() {
            let c = match (i, j) {
                (0, 0) => c.to_ascii_lowercase(),
                (0, _) if acronym => c.to_ascii_lowercase(),
                (_, 0) => c.to_ascii_uppercase(),
                _ if acronym => c.to_ascii_lowercase(),
                _ => c,
            };
            out.push(c);
        }
    }
    out
}

/// Reads and checks the roles; sorted by name, ignoring case.
pub fn read(data: &Path) -> Result<Vec<Role>, String> {
    let path = data.join(SOURCE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`read`] on the text of the source file.
pub fn parse(text: &str) -> Result<Vec<Role>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let items = value.as_array().ok_or("expected an array of {roleId, roleName}")?;
    let mut roles = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str| {
            item.get(key).and_then(Value::as_str).map(str::trim).ok_or_else(|| format!("entry {i}: no `{key}` string"))
        };
        let (id, display_name) = (field("roleId")?, field("roleName")?);
        let guid = id
            .get(..ID_PREFIX.len())
            .filter(|head| head.eq_ignore_ascii_case(ID_PREFIX))
            .and_then(|_| id.get(ID_PREFIX.len()..))
            .filter(|guid| is_guid(guid))
            .ok_or_else(|| format!("entry {i}: `{id}` is not {ID_PREFIX}<guid>"))?;
        let name = identifier(display_name);
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(format!(
                "entry {i}: `{display_name}` gives the name `{name}`, which does not start with a letter"
            ));
        }
        roles.push(Role { name, display_name: display_name.to_string(), guid: guid.to_ascii_lowercase() });
    }
    let mut seen: BTreeMap<(u8, String), &str> = BTreeMap::new();
    for role in &roles {
        for (kind, key) in [(0, &role.name), (1, &role.display_name), (2, &role.guid)] {
            if let Some(other) = seen.insert((kind, key.to_ascii_lowercase()), &role.display_name) {
                return Err(format!("`{other}` and `{}` share `{key}`", role.display_name));
            }
        }
    }
    roles.sort_by_key(|role| role.name.to_ascii_lowercase());
    Ok(roles)
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The text of `stdlib/catalog/roles.rs`.
pub fn rust_table(roles: &[Role]) -> String {
    let mut out = String::new();
    out.push_str("// @generated by `cargo run -p xtask -- gen-roles`; do not edit by hand.\n");
    let _ = writeln!(out, "// Source: ../shared/data/{SOURCE} ({} built-in roles).", roles.len());
    out.push_str("// `name` is the identifier form of the display name (see xtask/src/roles.rs); sorted by name,\n");
    out.push_str("// ignoring case.\n\n");
    out.push_str("pub(super) const BUILTIN: &[Role] = &[\n");
    for role in roles {
        let _ = writeln!(
            out,
            "    Role {{ name: {:?}, display_name: {:?}, guid: {:?} }},",
            role.name, role.display_name, role.guid
        );
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_rule() {
        let cases = [
            ("Contributor", "contributor"),
            ("Storage Blob Data Contributor", "storageBlobDataContributor"),
            ("Key Vault Secrets User", "keyVaultSecretsUser"),
            ("Private DNS Zone Contributor", "privateDnsZoneContributor"),
            ("API Management Service Contributor", "apiManagementServiceContributor"),
            ("AzureML Data Scientist", "azureMLDataScientist"),
            ("AcrPush", "acrPush"),
            ("SignalR/Web PubSub Contributor", "signalRWebPubSubContributor"),
            ("Kubernetes Cluster - Azure Arc Onboarding", "kubernetesClusterAzureArcOnboarding"),
            ("Purview role 1 (Deprecated)", "purviewRole1Deprecated"),
            ("Windows 365 Network User", "windows365NetworkUser"),
            ("Microsoft.Kubernetes connected cluster role", "microsoftKubernetesConnectedClusterRole"),
            ("Azure impact-insight reader", "azureImpactInsightReader"),
        ];
        for (display, name) in cases {
            assert_eq!(identifier(display), name, "{display}");
        }
    }

    #[test]
    fn parse_sorts_and_refuses_collisions() {
        let entry = |guid: &str, name: &str| {
            format!(
                r#"{{"roleId": "/providers/Microsoft.Authorization/roleDefinitions/{guid}", "roleName": "{name}"}}"#
            )
        };
        let a = "8311e382-0749-4cb8-b61a-304f252e45ec";
        let b = "312a565d-c81f-4fd8-895a-4e21e48d571c";
        let roles = parse(&format!("[{}, {}]", entry(a, "Reader"), entry(b, "AcrPush"))).expect("parses");
        let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["acrPush", "reader"]);

        let clash = parse(&format!("[{}, {}]", entry(a, "DNS Reader"), entry(b, "Dns (Reader)")));
        assert!(clash.is_err_and(|e| e.contains("dnsReader")));
        let bad_id = parse(r#"[{"roleId": "/subscriptions/x", "roleName": "R"}]"#);
        assert!(bad_id.is_err_and(|e| e.contains("not /providers")));
        let digit = parse(&format!("[{}]", entry(a, "365 Reader")));
        assert!(digit.is_err_and(|e| e.contains("start with a letter")));
    }
}

//! Where the policies of a build are created, which decides the `policyDefinitionId` by which
//! initiatives reference them: a management group or a subscription. Azure accepts no other
//! scope for custom definitions.

use std::fmt;

/// The scope custom definitions are created at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DefinitionScope {
    /// Not given: ids are written without a scope, which is where built-ins live, so an
    /// initiative built this way only works once the ids are completed by whoever deploys it.
    #[default]
    Unset,
    /// `/providers/Microsoft.Management/managementGroups/NAME`.
    ManagementGroup(String),
    /// `/subscriptions/GUID`.
    Subscription(String),
}

const MANAGEMENT_GROUPS: &str = "/providers/Microsoft.Management/managementGroups/";
const SUBSCRIPTIONS: &str = "/subscriptions/";

impl DefinitionScope {
    /// Reads a scope as Azure writes it; a trailing `/` is dropped. The error says what was
    /// expected.
    pub fn parse(text: &str) -> Result<DefinitionScope, String> {
        let trimmed = text.trim().trim_end_matches('/');
        if trimmed.is_empty() {
            return Ok(DefinitionScope::Unset);
        }
        if let Some(name) = strip_prefix_ignoring_case(trimmed, MANAGEMENT_GROUPS) {
            return match management_group_name(name) {
                true => Ok(DefinitionScope::ManagementGroup(name.to_string())),
                false => Err(format!(
                    "`{name}` is not a management group name (up to 90 letters, digits, `-`, `_`, `.`, `(` and `)`)"
                )),
            };
        }
        if let Some(id) = strip_prefix_ignoring_case(trimmed, SUBSCRIPTIONS) {
            return match is_guid(id) {
                true => Ok(DefinitionScope::Subscription(id.to_ascii_lowercase())),
                false => Err(format!("`{id}` is not a subscription id (a GUID)")),
            };
        }
        let hint = if is_guid(trimmed) {
            format!("; for a subscription write `{SUBSCRIPTIONS}{trimmed}`")
        } else if management_group_name(trimmed) {
            format!("; for a management group write `{MANAGEMENT_GROUPS}{trimmed}`")
        } else {
            String::new()
        };
        Err(format!(
            "`{text}` is not a definition scope: write `{MANAGEMENT_GROUPS}NAME` or `{SUBSCRIPTIONS}GUID`{hint}"
        ))
    }

    /// The id of the definition named `definition_name` created at this scope.
    pub fn definition_id(&self, definition_name: &str) -> String {
        format!("{self}/providers/Microsoft.Authorization/policyDefinitions/{definition_name}")
    }

    /// The id of the initiative named `definition_name` created at this scope.
    pub fn set_definition_id(&self, definition_name: &str) -> String {
        format!("{self}/providers/Microsoft.Authorization/policySetDefinitions/{definition_name}")
    }

    pub fn is_set(&self) -> bool {
        *self != DefinitionScope::Unset
    }
}

/// The scope as Azure writes it; empty when unset.
impl fmt::Display for DefinitionScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefinitionScope::Unset => Ok(()),
            DefinitionScope::ManagementGroup(name) => write!(f, "{MANAGEMENT_GROUPS}{name}"),
            DefinitionScope::Subscription(id) => write!(f, "{SUBSCRIPTIONS}{id}"),
        }
    }
}

fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Azure's rule for management group ids.
fn management_group_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.()".contains(c);
    (1..=90).contains(&name.len()) && name.chars().all(allowed) && !name.ends_with('.')
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::DefinitionScope;

    #[test]
    fn reads_the_two_scopes_azure_accepts() {
        let group = DefinitionScope::parse("/providers/microsoft.management/managementGroups/contoso/").unwrap();
        assert_eq!(group, DefinitionScope::ManagementGroup("contoso".into()));
        assert_eq!(group.to_string(), "/providers/Microsoft.Management/managementGroups/contoso");
        let subscription = DefinitionScope::parse("/subscriptions/0B8E3A6B-0000-4000-8000-00000000000A").unwrap();
        assert_eq!(
            subscription.definition_id("x"),
            "/subscriptions/0b8e3a6b-0000-4000-8000-00000000000a/providers/Microsoft.Authorization/policyDefinitions/x"
        );
        assert_eq!(DefinitionScope::parse(""), Ok(DefinitionScope::Unset));
        assert_eq!(DefinitionScope::Unset.definition_id("x"), "/providers/Microsoft.Authorization/policyDefinitions/x");
    }

    #[test]
    fn refuses_anything_else_and_says_what_to_write() {
        let bare = DefinitionScope::parse("contoso").unwrap_err();
        assert!(bare.contains("write `/providers/Microsoft.Management/managementGroups/contoso`"), "{bare}");
        let guid = DefinitionScope::parse("0b8e3a6b-0000-4000-8000-00000000000a").unwrap_err();
        assert!(guid.contains("/subscriptions/0b8e3a6b"), "{guid}");
        assert!(DefinitionScope::parse("/subscriptions/not-a-guid").is_err());
        assert!(DefinitionScope::parse("/providers/Microsoft.Management/managementGroups/a b").is_err());
        assert!(DefinitionScope::parse("/resourceGroups/rg").is_err());
    }
}

//! Well-known Azure built-in roles, so `roles [contributor]` can stand for a role definition id.

/// A built-in role: the name gavel accepts, Azure's display name and its role definition GUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    pub name: &'static str,
    pub display_name: &'static str,
    pub guid: &'static str,
}

/// Roles that remediation tasks of policies need most often (Modify and DeployIfNotExists).
pub const ROLES: &[Role] = &[
    Role { name: "owner", display_name: "Owner", guid: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
    Role { name: "contributor", display_name: "Contributor", guid: "b24988ac-6180-42a0-ab88-20f7382dd24c" },
    Role { name: "reader", display_name: "Reader", guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7" },
    Role {
        name: "userAccessAdministrator",
        display_name: "User Access Administrator",
        guid: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    },
    Role {
        name: "monitoringContributor",
        display_name: "Monitoring Contributor",
        guid: "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
    },
    Role {
        name: "logAnalyticsContributor",
        display_name: "Log Analytics Contributor",
        guid: "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
    },
    Role {
        name: "networkContributor",
        display_name: "Network Contributor",
        guid: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    },
    Role {
        name: "privateDnsZoneContributor",
        display_name: "Private DNS Zone Contributor",
        guid: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
    },
    Role {
        name: "storageAccountContributor",
        display_name: "Storage Account Contributor",
        guid: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    },
    Role {
        name: "eventHubsDataOwner",
        display_name: "Azure Event Hubs Data Owner",
        guid: "f526a384-b230-433a-b45c-95f59c4a2dec",
    },
    Role {
        name: "azureMLDataScientist",
        display_name: "AzureML Data Scientist",
        guid: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    },
    Role {
        name: "keyVaultContributor",
        display_name: "Key Vault Contributor",
        guid: "f25e0fa2-a7c8-4377-a976-54943a77a395",
    },
    Role { name: "tagContributor", display_name: "Tag Contributor", guid: "4a9ae827-6dc8-4573-8ac7-8239d42aa03f" },
];

/// The role definition id Azure Policy expects for a role GUID.
pub fn role_definition_id(guid: &str) -> String {
    format!("/providers/Microsoft.Authorization/roleDefinitions/{guid}")
}

/// Finds a role by its gavel name, ignoring case (`Contributor` and `contributor` both work).
pub fn role_by_name(name: &str) -> Option<&'static Role> {
    ROLES.iter().find(|role| role.name.eq_ignore_ascii_case(name))
}

/// Finds a role by the GUID at the end of a role definition id (case-insensitive).
pub fn role_by_definition_id(id: &str) -> Option<&'static Role> {
    let guid = id.rsplit('/').next()?;
    ROLES.iter().find(|role| role.guid.eq_ignore_ascii_case(guid))
}

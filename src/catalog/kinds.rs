//! Resource kinds: the short names authors write instead of resource types. gavel knows the
//! Machine Learning kinds and those of the resources an ML estate is governed with (storage,
//! key vault, registry, monitoring, network, role assignments); a project declares more in
//! `gavel.toml` (`[kinds]`), and any other type is written `resource "Microsoft.X/y" { … }`.
//!
//! A kind names one resource type. Used as a condition (`compute { … }`) it emits the
//! `type` guard; used as a path prefix (`compute.vmSize`) or as the scope of a block it lets
//! fields be written by their short names, which expand to `<type>/<short name>`.

/// One resource kind: its gavel name and the Azure resource type it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceKind {
    pub name: &'static str,
    pub resource_type: &'static str,
    /// Data-plane kinds (resource-provider modes) have no control-plane `type` guard in the
    /// built-ins that use `enforceSetting`; the guard is still emitted when a kind block is used.
    pub data_plane: bool,
}

const ML: &str = "Microsoft.MachineLearningServices";

macro_rules! kinds {
    ($( $name:literal => $ty:literal $(, $dp:ident)? ;)*) => {
        &[ $( ResourceKind { name: $name, resource_type: $ty, data_plane: kinds!(@dp $($dp)?) }, )* ]
    };
    (@dp) => { false };
    (@dp data_plane) => { true };
}

/// The Machine Learning kinds, in the order the language reference lists them.
pub const KINDS: &[ResourceKind] = kinds! {
    "workspace" => "Microsoft.MachineLearningServices/workspaces";
    "compute" => "Microsoft.MachineLearningServices/workspaces/computes";
    "job" => "Microsoft.MachineLearningServices/workspaces/jobs";
    "schedule" => "Microsoft.MachineLearningServices/workspaces/schedules";
    "registry" => "Microsoft.MachineLearningServices/registries";
    "datastore" => "Microsoft.MachineLearningServices/workspaces/datastores";
    "connection" => "Microsoft.MachineLearningServices/workspaces/connections";
    "connectionDeployment" => "Microsoft.MachineLearningServices/workspaces/connections/deployments";
    "raiPolicy" => "Microsoft.MachineLearningServices/workspaces/connections/raiPolicies";
    "raiBlocklist" => "Microsoft.MachineLearningServices/workspaces/connections/raiBlocklists";
    "raiBlocklistItem" => "Microsoft.MachineLearningServices/workspaces/connections/raiBlocklists/raiBlocklistItems";
    "onlineEndpoint" => "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
    "onlineDeployment" => "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
    "batchEndpoint" => "Microsoft.MachineLearningServices/workspaces/batchEndpoints";
    "batchDeployment" => "Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments";
    "serverlessEndpoint" => "Microsoft.MachineLearningServices/workspaces/serverlessEndpoints";
    "endpoint" => "Microsoft.MachineLearningServices/workspaces/endpoints";
    "endpointDeployment" => "Microsoft.MachineLearningServices/workspaces/endpoints/deployments";
    "outboundRule" => "Microsoft.MachineLearningServices/workspaces/outboundRules";
    "privateEndpointConnection" => "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections";
    "linkedService" => "Microsoft.MachineLearningServices/workspaces/linkedServices";
    "marketplaceSubscription" => "Microsoft.MachineLearningServices/workspaces/marketplaceSubscriptions";
    "featureset" => "Microsoft.MachineLearningServices/workspaces/featuresets";
    "featurestoreEntity" => "Microsoft.MachineLearningServices/workspaces/featurestoreEntities";
    "code" => "Microsoft.MachineLearningServices/workspaces/codes";
    "codeVersion" => "Microsoft.MachineLearningServices/workspaces/codes/versions";
    "component" => "Microsoft.MachineLearningServices/workspaces/components";
    "componentVersion" => "Microsoft.MachineLearningServices/workspaces/components/versions";
    "data" => "Microsoft.MachineLearningServices/workspaces/data";
    "dataVersion" => "Microsoft.MachineLearningServices/workspaces/data/versions";
    "environment" => "Microsoft.MachineLearningServices/workspaces/environments";
    "environmentVersion" => "Microsoft.MachineLearningServices/workspaces/environments/versions";
    "model" => "Microsoft.MachineLearningServices/workspaces/models";
    "modelVersion" => "Microsoft.MachineLearningServices/workspaces/models/versions";
    "computeSettings" => "Microsoft.MachineLearningServices.Data/workspaces", data_plane;
    "modelDeployment" => "Microsoft.MachineLearningServices.v2.Data/workspaces/deployments", data_plane;
};

/// The kinds of the resources an ML estate is governed with, next to it: its storage, key
/// vault, registry, monitoring and network. Listed apart from the ML kinds of [`KINDS`] so the
/// language reference can show them as their own group; [`builtin_kinds`] yields both.
pub const NEIGHBOUR_KINDS: &[ResourceKind] = kinds! {
    "storageAccount" => "Microsoft.Storage/storageAccounts";
    "keyVault" => "Microsoft.KeyVault/vaults";
    "containerRegistry" => "Microsoft.ContainerRegistry/registries";
    "appInsights" => "Microsoft.Insights/components";
    "logAnalyticsWorkspace" => "Microsoft.OperationalInsights/workspaces";
    "privateEndpoint" => "Microsoft.Network/privateEndpoints";
    "privateDnsZoneGroup" => "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";
    "virtualNetwork" => "Microsoft.Network/virtualNetworks";
    "subnet" => "Microsoft.Network/virtualNetworks/subnets";
    "networkSecurityGroup" => "Microsoft.Network/networkSecurityGroups";
    "diagnosticSetting" => "Microsoft.Insights/diagnosticSettings";
    "roleAssignment" => "Microsoft.Authorization/roleAssignments";
};

/// Every built-in kind: the ML kinds, then their neighbours.
pub fn builtin_kinds() -> impl Iterator<Item = &'static ResourceKind> {
    KINDS.iter().chain(NEIGHBOUR_KINDS)
}

/// Finds a built-in kind by its gavel name (exact: kinds are identifiers, like keywords).
pub fn kind_by_name(name: &str) -> Option<&'static ResourceKind> {
    builtin_kinds().find(|kind| kind.name == name)
}

/// Finds the built-in kind whose resource type is `resource_type` (case-insensitive, as Azure
/// compares types). Used by the decompiler to turn a `type` guard back into a kind.
pub fn kind_by_type(resource_type: &str) -> Option<&'static ResourceKind> {
    builtin_kinds().find(|kind| kind.resource_type.eq_ignore_ascii_case(resource_type))
}

/// The namespace every ML control-plane kind lives in.
pub const ML_NAMESPACE: &str = ML;

/// The word of a generic kind block: `resource "Microsoft.Storage/storageAccounts" { … }`.
pub const GENERIC_KIND: &str = "resource";

/// One kind as a compilation sees it: built in, or declared by the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind<'a> {
    pub name: &'a str,
    pub resource_type: &'a str,
    /// Declared in `gavel.toml` rather than built in.
    pub declared: bool,
}

impl From<&'static ResourceKind> for Kind<'static> {
    fn from(kind: &'static ResourceKind) -> Kind<'static> {
        Kind { name: kind.name, resource_type: kind.resource_type, declared: false }
    }
}

/// The kinds of one project: the built-in ones and those its `gavel.toml` declares
/// (`[kinds] sqlServer = "Microsoft.Sql/servers"`). Declared names never shadow built-in ones
/// (the project file reports a collision and leaves the entry out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kinds {
    declared: Vec<(String, String)>,
}

impl Kinds {
    /// The built-in kinds alone.
    pub fn builtin() -> &'static Kinds {
        static BUILTIN: Kinds = Kinds { declared: Vec::new() };
        &BUILTIN
    }

    /// The built-in kinds and `declared` (name, resource type), which must have passed
    /// [`check_kind_name`] and [`check_resource_type`].
    pub fn with_declared(declared: Vec<(String, String)>) -> Kinds {
        Kinds { declared }
    }

    /// The kinds the project declares.
    pub fn declared(&self) -> impl Iterator<Item = Kind<'_>> {
        self.declared.iter().map(|(name, ty)| Kind { name, resource_type: ty, declared: true })
    }

    /// Every kind: built-in ones first.
    pub fn iter(&self) -> impl Iterator<Item = Kind<'_>> {
        let builtin =
            builtin_kinds().map(|kind| Kind { name: kind.name, resource_type: kind.resource_type, declared: false });
        builtin.chain(self.declared())
    }

    /// The kind named `name` (exact).
    pub fn by_name(&self, name: &str) -> Option<Kind<'_>> {
        self.iter().find(|kind| kind.name == name)
    }

    /// The kind of `resource_type` (ignoring case); a built-in kind before a declared one.
    pub fn by_type(&self, resource_type: &str) -> Option<Kind<'_>> {
        self.iter().find(|kind| kind.resource_type.eq_ignore_ascii_case(resource_type))
    }
}

/// Whether `text` is shaped like a resource type: `Namespace.Part/type[/child…]`, where the
/// namespace has at least two dot-separated parts and every part is letters, digits, `-` or `_`.
/// The reason when it is not.
pub fn check_resource_type(text: &str) -> Result<(), String> {
    let word = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let mut segments = text.split('/');
    let namespace = segments.next().unwrap_or_default();
    if namespace.split('.').count() < 2 || !namespace.split('.').all(word) {
        return Err(format!("`{text}` does not start with a provider namespace such as `Microsoft.Storage`"));
    }
    let types: Vec<&str> = segments.collect();
    if types.is_empty() {
        return Err(format!("`{text}` names a provider, not a resource type: add `/<type>`"));
    }
    if let Some(bad) = types.iter().find(|t| !word(t)) {
        return Err(match *bad {
            "" => format!("`{text}` has an empty type segment"),
            bad => format!("`{bad}` in `{text}` is not a type name (letters, digits, `-`, `_`)"),
        });
    }
    Ok(())
}

/// Whether `name` can be declared as a kind: an identifier that is no keyword, built-in kind,
/// top-level field or [`GENERIC_KIND`]. The reason when it cannot.
pub fn check_kind_name(name: &str) -> Result<(), String> {
    if let Some(kind) = kind_by_name(name) {
        return Err(format!("`{name}` is a built-in kind (`{}`)", kind.resource_type));
    }
    if name == GENERIC_KIND {
        return Err(format!("`{name}` starts a generic kind block (`resource \"Microsoft.X/y\" {{ … }}`)"));
    }
    if crate::catalog::fields::TOP_LEVEL_NAMES.contains(&name) {
        return Err(format!("`{name}` is a field every resource has"));
    }
    if !crate::fmt::lexical::is_ident(name) {
        return Err(match crate::fmt::lexical::is_any_name(name) {
            true => format!("`{name}` is a gavel keyword"),
            false => format!("`{name}` is not an identifier (letters, digits, `_` and inner `-`)"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_and_types_are_unique() {
        let all: Vec<&ResourceKind> = builtin_kinds().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(!a.resource_type.eq_ignore_ascii_case(b.resource_type));
            }
        }
    }

    #[test]
    fn lookup_by_type_ignores_case() {
        let kind = kind_by_type("microsoft.machinelearningservices/workspaces/onlineendpoints");
        assert_eq!(kind.map(|k| k.name), Some("onlineEndpoint"));
        assert_eq!(
            kind_by_name("compute").map(|k| k.resource_type),
            Some("Microsoft.MachineLearningServices/workspaces/computes")
        );
    }

    #[test]
    fn neighbour_kinds_are_plain_identifiers() {
        for kind in NEIGHBOUR_KINDS {
            assert!(crate::fmt::lexical::is_ident(kind.name), "{}", kind.name);
            assert!(check_resource_type(kind.resource_type).is_ok(), "{}", kind.resource_type);
            assert!(!crate::catalog::fields::TOP_LEVEL_NAMES.contains(&kind.name));
        }
        assert_eq!(kind_by_type("microsoft.keyvault/VAULTS").map(|k| k.name), Some("keyVault"));
    }

    #[test]
    fn declared_kinds_follow_the_built_in_ones() {
        let kinds = Kinds::with_declared(vec![("sqlServer".into(), "Microsoft.Sql/servers".into())]);
        assert_eq!(
            kinds.by_name("sqlServer").map(|k| (k.resource_type, k.declared)),
            Some(("Microsoft.Sql/servers", true))
        );
        assert_eq!(kinds.by_type("microsoft.sql/servers").map(|k| k.name), Some("sqlServer"));
        assert_eq!(kinds.by_name("storageAccount").map(|k| k.declared), Some(false));
        assert!(Kinds::builtin().by_name("sqlServer").is_none());
        assert_eq!(kinds.iter().count(), builtin_kinds().count() + 1);
    }

    #[test]
    fn resource_types_and_kind_names_are_validated() {
        assert!(check_resource_type("Microsoft.Sql/servers/databases").is_ok());
        assert!(check_resource_type("microsoft.insights/components").is_ok());
        for bad in ["servers", "Microsoft.Sql", "Microsoft.Sql/", "Microsoft/servers", "Microsoft.Sql/ser vers", ""] {
            assert!(check_resource_type(bad).is_err(), "{bad}");
        }
        assert!(check_kind_name("sqlServer").is_ok());
        for bad in ["compute", "keyVault", "resource", "name", "location", "policy", "when", "9lives", "a b"] {
            assert!(check_kind_name(bad).is_err(), "{bad}");
        }
    }
}

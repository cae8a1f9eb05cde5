//! Machine Learning resource kinds: the short names authors write instead of resource types.
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

/// Every kind gavel knows, in the order the language reference lists them.
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

/// Finds a kind by its gavel name (exact: kinds are identifiers, like keywords).
pub fn kind_by_name(name: &str) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|kind| kind.name == name)
}

/// Finds the kind whose resource type is `resource_type` (case-insensitive, as Azure compares
/// types). Used by the decompiler to turn a `type` guard back into a kind.
pub fn kind_by_type(resource_type: &str) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|kind| kind.resource_type.eq_ignore_ascii_case(resource_type))
}

/// The namespace every ML control-plane kind lives in.
pub const ML_NAMESPACE: &str = ML;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_and_types_are_unique() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
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
}

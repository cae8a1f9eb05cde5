//! Documentation shown by completion, hover and signature help: template functions with their
//! parameters, effects, keywords and parameter types. Arities are the checker's
//! ([`crate::check::functions::FUNCTIONS`]); a test keeps the two tables in step.

/// One template function: its parameters (`…` marks a repeatable last one) and what it does.
#[derive(Debug, Clone, Copy)]
pub struct FunctionDoc {
    pub name: &'static str,
    pub params: &'static [&'static str],
    pub doc: &'static str,
}

impl FunctionDoc {
    /// `concat(value1, …)`
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.params.join(", "))
    }
}

macro_rules! functions {
    ($( $name:literal ( $($param:literal),* ) $doc:literal; )*) => {
        &[ $( FunctionDoc { name: $name, params: &[$($param),*], doc: $doc }, )* ]
    };
}

pub const FUNCTIONS: &[FunctionDoc] = functions! {
    "field"("name") "The value of a field or alias of the resource being evaluated, e.g. `field('tags')`. A path in a value is read as a field already: `toLower(name)`.";
    "current"("name") "Inside a `count`'s condition: the array member being evaluated (`current()` is the innermost count), or a member of the count named `name`.";
    "requestContext"() "The request being evaluated; `requestContext().apiVersion` is the API version of the request.";
    "policy"() "The assignment and definition being evaluated: `policy().assignmentId`, `definitionId`, `setDefinitionId`, `definitionReferenceId`.";
    "ipRangeContains"("range", "targetRange") "Whether the IP range (CIDR or single address) contains the target range.";
    "addDays"("dateTime", "numberOfDaysToAdd") "Adds days to an ISO 8601 date-time string.";
    "utcNow"("format") "The current date-time in UTC (only in policy rules that Azure evaluates at request time).";
    "resourceGroup"() "The resource group of the resource being evaluated: `resourceGroup().name`, `.location`, `.tags`.";
    "subscription"() "The subscription of the resource being evaluated: `subscription().subscriptionId`, `.displayName`.";
    "parameters"("name") "The value of a policy parameter; gavel writes `$name` instead.";
    "array"("value") "Wraps a value in an array (an array stays as it is).";
    "concat"("value1", "…") "Joins strings, or concatenates arrays.";
    "contains"("container", "item") "Whether an array holds a value, an object has a key, or a string contains a substring (case-insensitive for strings in policy rules).";
    "createArray"("…") "An array of the arguments.";
    "createObject"("key1", "value1", "…") "An object from alternating keys and values.";
    "empty"("value") "Whether an array, object or string is empty (or the value is null).";
    "first"("value") "The first element of an array, or the first character of a string.";
    "indexOf"("text", "item") "The position of a substring (case-insensitive), or -1.";
    "intersection"("value1", "value2", "…") "The elements (or properties) common to every argument.";
    "items"("object") "An object as an array of `{key, value}` entries.";
    "join"("array", "delimiter") "Joins an array of strings with a delimiter.";
    "json"("text") "Parses a JSON string.";
    "last"("value") "The last element of an array, or the last character of a string.";
    "lastIndexOf"("text", "item") "The last position of a substring (case-insensitive), or -1.";
    "length"("value") "The number of elements of an array, characters of a string, or properties of an object.";
    "max"("value1", "…") "The largest of integers, or of an array of integers.";
    "min"("value1", "…") "The smallest of integers, or of an array of integers.";
    "objectKeys"("object") "The keys of an object.";
    "range"("start", "count") "An array of `count` consecutive integers from `start`.";
    "shallowMerge"("objects") "Merges an array of objects; later properties win.";
    "skip"("value", "count") "An array or string without its first `count` elements.";
    "take"("value", "count") "The first `count` elements of an array or string.";
    "tryGet"("value", "key", "…") "The value at a key or index, or null when there is none.";
    "tryIndexFromEnd"("array", "index") "The element at a 1-based position from the end, or null.";
    "union"("value1", "value2", "…") "All elements (or properties) of the arguments, without duplicates.";
    "coalesce"("value1", "…") "The first argument that is not null.";
    "equals"("value1", "value2") "Whether two values are equal.";
    "greater"("value1", "value2") "Whether the first value is greater than the second.";
    "greaterOrEquals"("value1", "value2") "Whether the first value is greater than or equal to the second.";
    "less"("value1", "value2") "Whether the first value is less than the second.";
    "lessOrEquals"("value1", "value2") "Whether the first value is less than or equal to the second.";
    "and"("bool1", "bool2", "…") "Whether all arguments are true.";
    "or"("bool1", "bool2", "…") "Whether any argument is true.";
    "not"("bool") "The opposite of a boolean.";
    "if"("condition", "trueValue", "falseValue") "One of two values, by a condition.";
    "bool"("value") "A string or integer as a boolean.";
    "true"() "The boolean `true`.";
    "false"() "The boolean `false`.";
    "null"() "Null.";
    "add"("operand1", "operand2") "The sum of two integers.";
    "sub"("operand1", "operand2") "The difference of two integers.";
    "mul"("operand1", "operand2") "The product of two integers.";
    "div"("operand1", "operand2") "The integer quotient of two integers.";
    "mod"("operand1", "operand2") "The remainder of an integer division.";
    "int"("value") "A string or number as an integer.";
    "float"("value") "A string or integer as a floating-point number.";
    "base64"("text") "The base64 encoding of a string.";
    "base64ToJson"("base64Value") "Decodes base64 and parses the result as JSON.";
    "base64ToString"("base64Value") "Decodes a base64 string.";
    "dataUri"("text") "A string as a data URI.";
    "dataUriToString"("dataUri") "The content of a data URI.";
    "endsWith"("text", "suffix") "Whether a string ends with another (case-insensitive).";
    "format"("formatString", "…") "A string formatted from arguments: `format('{0}-{1}', a, b)`.";
    "guid"("baseString", "…") "A deterministic GUID from the arguments.";
    "padLeft"("value", "totalLength", "paddingCharacter") "A string padded on the left to a length.";
    "replace"("text", "oldString", "newString") "A string with every occurrence of a substring replaced.";
    "split"("text", "delimiter") "A string split at delimiters (a string or an array of strings).";
    "startsWith"("text", "prefix") "Whether a string starts with another (case-insensitive).";
    "string"("value") "A value as a string.";
    "substring"("text", "startIndex", "length") "Part of a string.";
    "toLower"("text") "A string in lower case.";
    "toUpper"("text") "A string in upper case.";
    "trim"("text") "A string without leading and trailing whitespace.";
    "uniqueString"("baseString", "…") "A deterministic 13-character hash of the arguments.";
    "uri"("baseUri", "relativeUri") "An absolute URI from a base and a relative part.";
    "uriComponent"("text") "A string encoded for a URI.";
    "uriComponentToString"("uriEncoded") "A URI-encoded string decoded.";
    "dateTimeAdd"("base", "duration", "format") "Adds an ISO 8601 duration to a date-time (deployment templates only).";
    "parseCidr"("network") "The parts of an IPv4 or IPv6 CIDR range.";
    "cidrHost"("network", "hostIndex") "The address of a host in a CIDR range.";
    "cidrSubnet"("network", "newCIDR", "subnetIndex") "A subnet of a CIDR range.";
};

/// The documentation of a function, by name (ignoring case, as Azure does).
pub fn function(name: &str) -> Option<&'static FunctionDoc> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// What an effect does, by its gavel spelling (lower camel case).
pub const EFFECTS: &[(&str, &str)] = &[
    ("audit", "Logs a warning in the activity log when a resource matches; does not change the request."),
    ("deny", "Rejects a create or update request that matches, before it reaches the resource provider."),
    ("disabled", "Turns the policy off for an assignment; usually one of an effect parameter's values."),
    ("manual", "Compliance is attested by hand; details give the `defaultState`."),
    ("append", "Adds fields to a resource being created or updated (`set field = value`)."),
    (
        "modify",
        "Adds, replaces or removes properties and tags on create or update, and remediates existing resources; needs `roles` and operations.",
    ),
    (
        "auditIfNotExists",
        "Audits a resource when a related resource (details `type`, `existenceCondition`) does not exist.",
    ),
    (
        "deployIfNotExists",
        "Deploys a template when a related resource does not exist; needs `roles` and a `deployment`.",
    ),
    ("denyAction", "Blocks actions (such as `delete`) on matching resources; details give `actionNames`."),
    ("auditAction", "Audits actions on matching resources."),
    (
        "enforceSetting",
        "Enforces a data-plane setting (Machine Learning registries and workspaces); details give the `setting`.",
    ),
    ("mutate", "Mutates Kubernetes resources (AKS Azure Policy add-on)."),
    ("addToNetworkGroup", "Adds virtual networks to an Azure Virtual Network Manager network group."),
];

pub fn effect(name: &str) -> Option<&'static str> {
    EFFECTS.iter().find(|(e, _)| e.eq_ignore_ascii_case(name)).map(|(_, doc)| *doc)
}

/// Keywords with a line of documentation each.
pub const KEYWORDS: &[(&str, &str)] = &[
    ("policy", "A policy definition: `policy name \"Display name\" { … }`; inside an initiative, a member."),
    ("initiative", "An initiative (policy set definition): `initiative name \"Display name\" { … }`."),
    ("assignment", "An assignment: `assignment name \"Display\" { scope \"…\"  initiative name  parameters { … } }`."),
    ("exemption", "An exemption: `exemption name { scope \"…\"  assignment name  category waiver  expires \"…\" }`."),
    ("import", "Makes the policies of another gavel file available to initiatives: `import \"shared.gavel\"`."),
    ("param", "A parameter: `param name \"Display name\": type = default in [allowed…] { attributes }`."),
    ("when", "The policy rule's condition (`if`)."),
    ("then", "The policy rule's effect (`then`), with its details."),
    (
        "resource",
        "A generic kind block for any resource type: `resource \"Microsoft.Storage/storageAccounts\" { minimumTlsVersion == \"TLS1_2\" }` checks the type and makes the names in the block short names of it.",
    ),
    ("name", "The definition name Azure stores (default: the gavel name)."),
    ("display", "The display name."),
    ("description", "The description (a `///` doc comment above the item says the same)."),
    (
        "mode",
        "The mode: `all`, `indexed`, or a resource-provider mode such as `Microsoft.MachineLearningServices.v2.Data`.",
    ),
    ("version", "The definition version, e.g. `\"1.0.0\"`."),
    ("category", "The portal category, e.g. `\"Machine Learning\"`."),
    ("preview", "Marks the definition as a preview (`metadata.preview`)."),
    ("deprecated", "Marks the definition as deprecated (`metadata.deprecated`)."),
    ("metadata", "Further metadata entries: `metadata { key: value }`."),
    ("group", "An initiative's policy definition group: `group name \"Display\" { category … }`."),
    ("all", "`all { … }`: every condition holds (`allOf`); `all x in a[*] { … }`: every member matches."),
    ("any", "`any { … }`: some condition holds (`anyOf`); `any x in a[*] { … }`: some member matches."),
    ("not", "Negates a condition."),
    ("and", "Both conditions hold (`allOf`)."),
    ("or", "Either condition holds (`anyOf`)."),
    ("count", "Counts array members: `count(x in a[*] where …) >= 1`, or values: `count(v in $list where …)`."),
    ("where", "The condition a counted member must meet."),
    (
        "existenceCondition",
        "In auditIfNotExists/deployIfNotExists details: the condition the related resource must meet.",
    ),
    ("set", "An operation: `set field = value` (modify `addOrReplace`, or append)."),
    ("add", "A modify operation: `add field = value`."),
    ("remove", "A modify operation: `remove field`."),
    ("json", "Raw JSON, taken verbatim: `json { … }`."),
];

pub fn keyword(name: &str) -> Option<&'static str> {
    KEYWORDS.iter().find(|(k, _)| *k == name).map(|(_, doc)| *doc)
}

/// The property keys of each block, with documentation: what completion offers at the start
/// of a line.
pub const POLICY_PROPERTIES: &[&str] =
    &["name", "display", "description", "mode", "version", "category", "preview", "deprecated", "metadata"];

pub const PARAMETER_ATTRIBUTES: &[(&str, &str)] = &[
    ("display", "The display name (`metadata.displayName`)."),
    ("description", "The description (`metadata.description`)."),
    ("strongType", "A portal picker for the value, e.g. `\"location\"`, `\"omsWorkspace\"` (`metadata.strongType`)."),
    ("assignPermissions", "Grant the remediation identity roles on the value's scope (`metadata.assignPermissions`)."),
    ("deprecated", "Marks the parameter as deprecated (`metadata.deprecated`)."),
    ("metadata", "Further metadata entries."),
    ("schema", "A JSON schema for an object parameter's value."),
];

pub const MEMBER_PROPERTIES: &[(&str, &str)] = &[
    ("reference", "The `policyDefinitionReferenceId` (default: the policy's name)."),
    ("parameters", "Values for the member policy's parameters: `parameters { effect: $effect }`."),
    ("groups", "The groups the member belongs to: `groups [network]`."),
    ("version", "The `definitionVersion`, e.g. `\"1.*.*\"`."),
];

pub const GROUP_PROPERTIES: &[(&str, &str)] = &[
    ("display", "The group's display name."),
    ("category", "The group's category."),
    ("description", "The group's description."),
    ("additionalMetadataId", "The id of additional metadata for the group."),
];

/// Details keys per effect (gavel spelling).
pub fn detail_keys(effect: &str) -> &'static [(&'static str, &'static str)] {
    const MODIFY: &[(&str, &str)] = &[
        ("roles", "Role definitions the remediation identity needs: `roles [contributor]`."),
        ("conflictEffect", "The effect when the operations conflict with the request: `audit`, `deny` or `disabled`."),
        ("set", "`set field = value`: add or replace a property (`addOrReplace`)."),
        ("add", "`add field = value`: add a property."),
        ("remove", "`remove field`: remove a property."),
    ];
    const APPEND: &[(&str, &str)] = &[("set", "`set field = value`: a `{field, value}` entry to append.")];
    const IF_NOT_EXISTS: &[(&str, &str)] = &[
        ("type", "The type of the related resource to look for."),
        ("name", "The name of the related resource."),
        ("resourceGroupName", "The resource group to look in (default: the evaluated resource's)."),
        ("existenceScope", "Where to look: `ResourceGroup` or `Subscription`."),
        ("evaluationDelay", "When to evaluate: `AfterProvisioning` or an ISO 8601 duration."),
        ("existenceCondition", "The condition the related resource must meet."),
    ];
    const DEPLOY: &[(&str, &str)] = &[
        ("type", "The type of the related resource to look for."),
        ("name", "The name of the related resource."),
        ("resourceGroupName", "The resource group to look in (default: the evaluated resource's)."),
        ("existenceScope", "Where to look: `ResourceGroup` or `Subscription`."),
        ("evaluationDelay", "When to evaluate: `AfterProvisioning` or an ISO 8601 duration."),
        ("existenceCondition", "The condition the related resource must meet."),
        ("roles", "Role definitions the deployment identity needs."),
        ("deploymentScope", "`ResourceGroup` or `Subscription`."),
        ("deployment", "The deployment: `{ \"properties\": { \"mode\": \"incremental\", \"template\": … } }`."),
    ];
    const DENY_ACTION: &[(&str, &str)] = &[
        ("actionNames", "The actions to block, e.g. `[\"delete\"]`."),
        ("cascadeBehaviors", "What happens to child resources: `{ resourceGroup: \"deny\" }`."),
    ];
    const MANUAL: &[(&str, &str)] = &[("defaultState", "`Unknown`, `Compliant` or `NonCompliant`.")];
    const ENFORCE: &[(&str, &str)] = &[("setting", "The setting to enforce: `{ name: \"…\", value: … }`.")];
    match effect.to_ascii_lowercase().as_str() {
        "modify" => MODIFY,
        "append" => APPEND,
        "auditifnotexists" => IF_NOT_EXISTS,
        "deployifnotexists" => DEPLOY,
        "denyaction" => DENY_ACTION,
        "manual" => MANUAL,
        "enforcesetting" => ENFORCE,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::functions;

    #[test]
    fn every_function_the_checker_knows_is_documented_with_its_arity() {
        for &(name, min, max) in functions::FUNCTIONS {
            let doc = function(name).unwrap_or_else(|| panic!("`{name}` has no documentation"));
            let variadic = doc.params.last().is_some_and(|p| *p == "…");
            let fixed = doc.params.len() - usize::from(variadic);
            if max == usize::MAX {
                assert!(variadic, "`{name}` takes any number of arguments");
            } else {
                assert_eq!(fixed, max, "`{name}` takes at most {max}");
            }
            assert!(fixed >= min, "`{name}` takes at least {min}");
        }
        assert_eq!(FUNCTIONS.len(), functions::FUNCTIONS.len());
    }
}

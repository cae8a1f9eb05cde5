//! The registry of diagnostic codes. Codes are stable: once published, a code keeps its number
//! and meaning; retired codes are never reused. `gavel explain GVxxxx` prints the long form.
//!
//! Ranges: GV00xx reading and syntax, GV01xx names and structure, GV02xx expressions,
//! GV03xx alias catalog checks, GV04xx effects and parameters, GV06xx policy tests (`gavel test`,
//! `gavel eval`), GV09xx output.

use super::Severity;

macro_rules! registry {
    ($( $variant:ident = $id:literal, $name:literal, $severity:ident, $summary:literal, $explanation:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as printed: `GV0001`.
            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// A short kebab-case name: `invalid-utf8`.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// The long form printed by `gavel explain`.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $explanation, )* }
            }
        }
    };
}

impl Code {
    /// Looks a code up by its id (`GV0105`, case-insensitive) or its name (`undefined-parameter`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.id().eq_ignore_ascii_case(text) || code.name() == text)
    }
}

registry! {
    InvalidUtf8 = "GV0001", "invalid-utf8", Error,
        "the file is not valid UTF-8",
        "gavel sources and JSON inputs must be UTF-8. The diagnostic points at the first byte that is not part of a valid UTF-8 sequence. Re-save the file as UTF-8 (without changing its content otherwise); a byte-order mark at the start is accepted.";
    InvalidCharacter = "GV0002", "invalid-character", Error,
        "a character that cannot start any token",
        "The lexer found a character that is not part of the gavel language, such as `#`, `@` or a stray backslash. Strings are written in double quotes, comments start with `//`, and parameters are referenced as `$name`.";
    UnterminatedString = "GV0003", "unterminated-string", Error,
        "a string literal has no closing quote",
        "Every string starts and ends with a double quote on the same line; write `\\n` for a line break inside a string. Block comments `/* … */` must also be closed.";
    InvalidEscape = "GV0004", "invalid-escape", Error,
        "an unknown escape sequence in a string",
        "Strings accept the JSON escapes `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\uXXXX`, plus `\\$` for a literal dollar sign (a bare `$` starts an interpolation).";
    UnexpectedToken = "GV0005", "unexpected-token", Error,
        "the parser did not expect this token here",
        "A syntax error. The message lists what the parser expected at this point. The parser recovers at the next statement or condition, so every syntax error of the file is reported at once.";
    UnexpectedEof = "GV0006", "unexpected-end-of-file", Error,
        "the file ends in the middle of a construct",
        "The file ended before a construct was complete, most often because a `}` or `)` is missing. The diagnostic points at the end of the file and lists what was expected.";
    NestingTooDeep = "GV0007", "nesting-too-deep", Error,
        "brackets or `not`s are nested deeper than gavel allows",
        "gavel limits nesting to 128 levels of brackets and conditions, the object depth Azure Policy itself evaluates. Deeper input is refused before it is parsed, so that no input can exhaust the compiler's stack. Flatten the condition with `all { … }` / `any { … }` blocks.";
    InvalidNumber = "GV0008", "invalid-number", Error,
        "a number literal that cannot be represented",
        "Numbers are JSON numbers: an optional minus sign, digits, an optional fraction and exponent. Integers must fit in 64 bits.";
    UnknownProperty = "GV0100", "unknown-property", Error,
        "a property that this item does not have",
        "Policies accept `name`, `display`, `description`, `mode`, `version`, `category`, `preview`, `deprecated` and `metadata`; initiatives also take `policy` members and `group`s; effect details accept the keys of their effect. The help line suggests the closest valid property.";
    DuplicateProperty = "GV0101", "duplicate-property", Error,
        "a property is given twice",
        "Each property of a policy, parameter or effect may be given once. Remove one of the two; the label points at the first.";
    MissingRule = "GV0102", "missing-rule", Error,
        "a policy without `when` or `then`",
        "A policy definition needs a condition (`when …`) and an effect (`then …`). A policy that should always apply can say `when all { }`, which emits an empty `allOf` (true).";
    UnknownMode = "GV0103", "unknown-mode", Error,
        "a mode that Azure Policy does not know",
        "Modes are `all`, `indexed`, or a resource-provider mode: `Microsoft.Kubernetes.Data`, `Microsoft.KeyVault.Data`, `Microsoft.Network.Data`, `Microsoft.ManagedHSM.Data`, `Microsoft.DataFactory.Data`, `Microsoft.MachineLearningServices.Data`, `Microsoft.MachineLearningServices.v2.Data`, `Microsoft.CognitiveServices.Data`, `Microsoft.LoadTestService.Data`, `Microsoft.ContainerService.Data`. Write other modes as a string to pass them through unchanged.";
    UnknownKind = "GV0104", "unknown-resource-kind", Error,
        "a condition names a resource kind that gavel does not know",
        "A bare name used as a condition, or followed by a `{ … }` block, must be a resource kind such as `workspace`, `compute`, `job`, `registry`, `onlineEndpoint` or `modelDeployment`. For other resource types write `type == \"Microsoft.Network/virtualNetworks\"`.";
    UndefinedParameter = "GV0105", "undefined-parameter", Error,
        "a reference to a parameter that is not declared",
        "`$name` refers to a parameter declared with `param name: type` in the same policy or initiative. Declare the parameter, or fix the spelling (the help line suggests the closest declared name).";
    DuplicateParameter = "GV0106", "duplicate-parameter", Error,
        "two parameters share a name",
        "Parameter names are case-insensitive in Azure Policy, so `Effect` and `effect` are the same parameter. Rename one of them.";
    UnknownParameterType = "GV0107", "unknown-parameter-type", Error,
        "a parameter type that Azure Policy does not have",
        "Parameter types are `string`, `array`, `object`, `boolean`, `integer`, `float`, `dateTime`, and `effect` (a string whose values are effect names, written bare: `= Audit in [Audit, Deny, Disabled]`).";
    InvalidLiteral = "GV0108", "invalid-literal", Error,
        "a value that is not allowed in this position",
        "Parameter defaults and allowed values are literals: strings, numbers, booleans, null, arrays and objects. Bare names are allowed only for effect-typed parameters. Raw `json { … }` blocks hold JSON only: no `$parameters`, fields or calls.";
    UnknownEffect = "GV0109", "unknown-effect", Error,
        "an effect that Azure Policy does not have",
        "Effects are `audit`, `deny`, `disabled`, `manual`, `append`, `modify`, `auditIfNotExists`, `deployIfNotExists`, `denyAction`, `mutate`, `addToNetworkGroup`, and the data-plane `enforceSetting`, or a `$parameter` of type `effect`/`string`.";
    InvalidDetails = "GV0110", "invalid-effect-details", Error,
        "effect details that do not fit the effect",
        "Each effect takes its own details: `modify` takes `roles`, `conflictEffect` and `set`/`add`/`remove` operations; `append` takes `set`/`add` operations; `auditIfNotExists` takes `type`, `name`, `resourceGroupName`, `existenceScope`, `evaluationDelay` and `existenceCondition`; `deployIfNotExists` adds `roles`, `deploymentScope` and `deployment`; `denyAction` takes `actionNames` and `cascadeBehaviors`; `manual` takes `defaultState`; `enforceSetting` takes `setting`. `audit`, `deny` and `disabled` take none in Resource Manager modes.";
    UnknownRole = "GV0111", "unknown-role", Error,
        "a role name that gavel does not know",
        "`roles [...]` accepts well-known role names (`contributor`, `owner`, `reader`, `monitoringContributor`, `logAnalyticsContributor`, `networkContributor`, `privateDnsZoneContributor`, …) or role definition ids as strings: \"/providers/Microsoft.Authorization/roleDefinitions/<guid>\".";
    InvalidInterpolation = "GV0112", "invalid-interpolation", Error,
        "a malformed `$name` or `${…}` inside a string",
        "Inside strings, `$name` inserts a parameter and `${expression}` inserts any expression; the string then compiles to an ARM `concat(...)` expression. Write `\\$` for a literal dollar sign.";
    DuplicateDefinition = "GV0113", "duplicate-definition", Error,
        "two policies or initiatives share a name",
        "Policy and initiative names become file names and definition names, so they must be unique across everything that is built together (case-insensitively).";
    ImportError = "GV0114", "import-error", Error,
        "an `import` that cannot be followed",
        "`import \"path.gavel\"` reads another gavel file relative to the importing file. The path must stay inside the project root (the folder being built), must exist, and imports must not form a cycle.";
    InvalidFieldPath = "GV0115", "invalid-field-path", Error,
        "a field path that cannot be turned into an alias",
        "Fields are written as short names inside a kind (`enableNodePublicIp`), kind-qualified (`compute.vmSize`), as top-level fields (`name`, `type`, `kind`, `location`, `id`, `fullName`, `identity.type`, `tags[\"env\"]`) or as full alias names (`Microsoft.MachineLearningServices/workspaces/computes/vmSize`). Array members are selected with `[*]`.";
    WrongArity = "GV0200", "wrong-arity", Error,
        "a function called with the wrong number of arguments",
        "Policy functions take fixed numbers of arguments (`field(name)`, `if(cond, then, else)`, `concat(a, …)`). The message gives the expected count.";
    FunctionNotAllowed = "GV0201", "function-not-allowed", Error,
        "a template function that Azure Policy rules cannot use",
        "Policy rules may call every ARM template function except `copyIndex`, `dateTimeAdd`, `dateTimeFromEpoch`, `dateTimeToEpoch`, `deployment`, `environment`, `extensionResourceId`, `lambda`, `list*`, `managementGroup`, `newGuid`, `pickZones`, `providers`, `reference`, `resourceId`, `subscriptionResourceId`, `tenantResourceId`, `tenant` and `variables`. They remain available inside a deployIfNotExists template.";
    CurrentOutsideCount = "GV0202", "current-outside-count", Error,
        "`current()` or a count variable used outside its `count`",
        "`current(name)` and count variables refer to the array member being evaluated, so they only have a meaning inside the `where` of a `count` (or inside an `any`/`all` quantifier).";
    UnknownFunction = "GV0203", "unknown-function", Warning,
        "a call to a function that gavel does not know",
        "The function is not an ARM template function or a policy function that gavel knows. It is emitted as written; check the spelling (the help suggests the closest known function).";
    InvalidCount = "GV0204", "invalid-count", Error,
        "a `count` that Azure Policy cannot evaluate",
        "A field count counts the members of a `[*]` alias: `count(x in privateEndpointConnections[*] where x.status == \"Approved\")`. A value count iterates over an array expression: `count(id in $allowedIds where …)`; its name must be letters and digits.";
    MemberNotFound = "GV0120", "unknown-member-policy", Error,
        "an initiative member that names no known policy",
        "A member of an initiative is either a policy defined in the files being built, referenced by its gavel name, or any definition referenced by its full id as a string.";
    AmbiguousDetails = "GV0121", "ambiguous-effect-details", Error,
        "details given for a parameter effect whose kind cannot be determined",
        "When the effect comes from a parameter, gavel takes the shape of the details from the parameter's allowed values. Name the shape when they do not settle it: `then $effect modify { … }`.";
    InvalidTestFile = "GV0600", "invalid-test-file", Error,
        "a test file that is not YAML of the test-file shape",
        "A test file (`*.test.yaml`) is a YAML mapping with `cases:`, a list of cases, and optionally `policy:`, `parameters:` and `catalogs:` that apply to every case. Each case has a `name`, a `resource` and an `expect`ed outcome, and may set `policy`, `parameters`, `requestContext`, `resourceGroup`, `subscription`, `related` and `skip`. docs/testing.md describes every key; the message names the key or value that does not fit.";
    UnknownTestPolicy = "GV0601", "unknown-test-policy", Error,
        "a test names a policy that cannot be found",
        "`policy:` names a gavel policy by its name (looked up in the `.gavel` files under the paths given to `gavel test` and in the test file's folder) or a JSON definition file by a path ending in `.json`, relative to the test file. Without `policy:`, a test file `x.test.yaml` tests the one policy of `x.gavel` next to it.";
    InvalidTestResource = "GV0602", "invalid-test-resource", Error,
        "a test resource that cannot be evaluated",
        "A resource is an ARM resource as `az resource show` prints it: a JSON object with at least `type`, written inline in the test file or stored in a `.json` file whose path (relative to the test file) is given instead. The same holds for the `related` resources that an existence check (auditIfNotExists, deployIfNotExists) can find.";
    InvalidExpectation = "GV0603", "invalid-expectation", Error,
        "an expected outcome that gavel does not understand",
        "`expect:` is an effect name (`deny`, `audit`, `modify`, `append`, `auditIfNotExists`, `deployIfNotExists`, `denyAction`, `manual`, `enforceSetting`…), `compliant` (the engine returns no effect) or `not applicable` (the policy's `if` does not match), or a mapping with `effect:` and optionally `operations:` (the Modify/Append operations the engine reports, in order) and `details:` (members the effect's details must contain).";
    InvalidTestParameters = "GV0604", "invalid-test-parameters", Error,
        "parameter values that an assignment of the policy could not have",
        "Every parameter of the policy needs a value, from the test or from its `defaultValue`; names must be parameters of the policy (case-insensitively), and a value must be one of the parameter's `allowedValues` when it has them. Azure refuses such assignments, so gavel does not evaluate them.";
    EngineRefused = "GV0605", "engine-error", Error,
        "the Azure Policy engine could not evaluate the policy",
        "gavel evaluates policies with Microsoft's Azure Policy engine (`regorus`). It reports what it cannot read, compile or run: an alias the loaded catalogs do not know (add it with `catalogs:` in the test file or `--catalog`), a Modify of an alias that is not modifiable, a template function the engine does not implement. The message is the engine's own.";
    InvalidDefinitionFile = "GV0606", "invalid-definition-file", Error,
        "a JSON definition file that cannot be read",
        "A test or `gavel eval` may name a JSON policy definition instead of a gavel policy: a file with `{\"properties\": {\"policyRule\": …}}` (the shape `gavel build` writes and the Azure/azure-policy repository uses) or the bare properties. The message says what is missing or where the JSON is malformed.";
    InvalidTestCatalog = "GV0607", "invalid-test-catalog", Error,
        "an alias catalog named by a test that cannot be read",
        "`catalogs:` in a test file (and `--catalog` on the command line) name alias exports in the `az provider show --expand \"resourceTypes/aliases\"` or `Get-AzPolicyAlias` shape, relative to the test file. The engine is given these aliases in addition to the built-in Machine Learning catalog.";
    EmitFailed = "GV0900", "output-error", Error,
        "an output file could not be written",
        "gavel writes each output to a temporary file and renames it into place, so a failed build leaves earlier outputs intact. Check that the output directory is writable.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count, "duplicate code ids");
        for code in Code::ALL {
            assert!(code.id().starts_with("GV") && code.id().len() == 6, "{}", code.id());
            assert!(!code.explanation().is_empty());
            assert_eq!(Code::parse(code.id()), Some(*code));
            assert_eq!(Code::parse(code.name()), Some(*code));
        }
    }
}

//! The registry of diagnostic codes. Codes are stable: once published, a code keeps its number
//! and meaning; retired codes are never reused. `gavel explain GVxxxx` prints the long form.
//!
//! Ranges: GV00xx reading and syntax, GV01xx names and structure, GV02xx expressions,
//! GV03xx alias catalog checks, GV04xx effects and parameters, GV05xx reading JSON definitions
//! (decompiler, `gavel check x.json`), GV06xx policy tests (`gavel test`, `gavel eval`), GV09xx output.

use super::Severity;

/// What a code is: an error (Azure rejects the definition, or it can never work), which no
/// setting changes, or a lint (advice) with a default severity that `gavel.toml` `[lints]` and
/// inline suppressions may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Error,
    Lint(Severity),
}

macro_rules! class {
    (Error) => {
        Class::Error
    };
    (Lint $level:ident) => {
        Class::Lint(Severity::$level)
    };
}

macro_rules! registry {
    ($( $variant:ident = $id:literal, $name:literal, $class:ident $($level:ident)?, $summary:literal, $explanation:literal; )*) => {
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

            /// An error or a lint (see [`Class`]).
            pub fn class(self) -> Class {
                match self { $( Code::$variant => class!($class $($level)?), )* }
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
    /// The severity a diagnostic of this code has unless a lint level changes it.
    pub fn default_severity(self) -> Severity {
        match self.class() {
            Class::Error => Severity::Error,
            Class::Lint(level) => level,
        }
    }

    /// `error` or `lint, warning by default`, as `gavel explain` shows it.
    pub fn class_label(self) -> String {
        match self.class() {
            Class::Error => "error".to_string(),
            Class::Lint(level) => format!("lint, {} by default", level.as_str()),
        }
    }

    /// Whether `gavel.toml` and inline suppressions may change this code's severity.
    pub fn is_lint(self) -> bool {
        matches!(self.class(), Class::Lint(_))
    }

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
        "not part of gavel's syntax",
        "The lexer found characters that are not part of the gavel language, such as `#`, `@` or a stray backslash; a run of them on one line is one diagnostic. The operators and quotes of other languages get a fix: `&&`, `||` and `!` are written `and`, `or` and `not`, and strings are written in double quotes (`'text'` becomes `\"text\"`). Comments start with `//`, and parameters are referenced as `$name`.";
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
    InvalidConfig = "GV0009", "invalid-config", Error,
        "`gavel.toml` cannot be read or has a setting gavel does not know",
        "The project file `gavel.toml` (at the project root) is TOML with `catalogs = [\"catalogs/Microsoft.Network.json\"]`, alias exports loaded for every run (paths relative to the root), a `[kinds]` table of resource kinds (GV0011), a `[limits]` table of read limits (`max-file-size = \"64 MiB\"`, `max-catalog-size = \"1 GiB\"`; see GV0015), and a `[lints]` table mapping a lint's code or name to `\"allow\"`, `\"warn\"` or `\"error\"` (`GV0401 = \"allow\"`, `unused-parameter = \"error\"`). Only lints can be given a level: errors are what Azure rejects or what can never work, so a level for an error code (`GV0005 = \"allow\"`) is refused and has no effect (`gavel explain` says which codes are lints). The diagnostic points at the offending entry.";
    CatalogError = "GV0010", "catalog-error", Error,
        "an alias catalog named by `gavel.toml` cannot be loaded",
        "Every file in `catalogs = [...]` must exist and be an `az provider show --namespace NS --expand \"resourceTypes/aliases\"` export or a `Get-AzPolicyAlias | ConvertTo-Json -Depth 10` export. `gavel catalog import FILE` validates an export before adding it to the project.";
    InvalidDeclaredKind = "GV0011", "invalid-declared-kind", Error,
        "a kind declared in `gavel.toml` that cannot be used",
        "`[kinds]` in `gavel.toml` names resource types for a project: `sqlServer = \"Microsoft.Sql/servers\"` lets its policies write `sqlServer { minimalTlsVersion == \"1.2\" }` and `sqlServer.minimalTlsVersion`. A name must be an identifier that is not a gavel keyword, a built-in kind (`workspace`, `storageAccount`, …), a top-level field (`name`, `type`, …) or `resource`; the value must be a resource type as Azure spells it (`Namespace.Provider/type[/child]`). The diagnostic points at the entry, which is left out.";
    CatalogEncoding = "GV0012", "catalog-encoding", Error,
        "an alias export is neither UTF-8 nor UTF-16 text",
        "Alias exports are read as UTF-8 (with or without a byte-order mark) or as UTF-16, little- or big-endian, which is what Windows PowerShell writes with `>` and `Out-File`. Any other encoding (a legacy code page, UTF-32, a truncated UTF-16 file) is refused with the position of the first byte that cannot be read. Write the export again with `az provider show ... > FILE`, or in PowerShell with `| Out-File -Encoding utf8 FILE`.";
    CatalogWithoutAliases = "GV0013", "catalog-without-aliases", Error,
        "an alias export lists resource types but no aliases",
        "`az provider show --namespace NS` without `--expand \"resourceTypes/aliases\"` lists a provider's resource types but none of their aliases, so it cannot tell gavel anything about fields. `gavel catalog import` refuses such a file; the help line gives the command that writes a complete export: `az provider show --namespace NS --expand \"resourceTypes/aliases\" > FILE`.";
    UselessSuppression = "GV0014", "useless-suppression", Lint Warning,
        "an inline suppression that suppresses nothing",
        "`// gavel-disable-next-line GV0302` (or `alias-casing`) silences lints of that code reported on the next line that is not a comment. It is reported when no such lint is reported there (remove the comment: the problem is gone), when the code is an error (errors are what Azure rejects or what can never work; they cannot be silenced), or when no code of that id or name exists (the help suggests the closest one).";
    FileTooLarge = "GV0015", "file-too-large", Error,
        "an input is larger than the read limit",
        "gavel reads at most a limit's worth of any input, so that a runaway file (or `/dev/zero` behind a symbolic link, or an endless pipe on standard input) cannot make a run grow until the system stops it. Sources, JSON definitions, test files and resources, `@FILE` options and standard input may be up to 16 MiB (`max-file-size`), alias exports up to 256 MiB (`max-catalog-size`): many times the largest real file (Azure's largest built-in definition is about 600 KB, an export of every provider's aliases tens of MB). Raise a limit for one run with `gavel --max-file-size 64MiB check …` or `--max-catalog-size 1GiB`, or for a project in `gavel.toml`: `[limits]` with `max-file-size = \"64 MiB\"` and `max-catalog-size = \"1 GiB\"` (units B, KiB, MiB, GiB, or kB, MB, GB). The flag wins over `gavel.toml`.";
    NotARegularFile = "GV0016", "not-a-regular-file", Error,
        "an input names a FIFO, a device or a socket",
        "gavel reads regular files only. Opening a FIFO (named pipe) waits until another process writes to it, and a device such as `/dev/zero` never ends, so neither is opened: a source, import, catalog, test file or resource that names one is refused. Name a regular file; to pass text through a pipe, use `-` (standard input) where the command accepts it.";
    SkippedInput = "GV0017", "skipped-input", Lint Warning,
        "a folder being searched for inputs holds an entry gavel skipped",
        "When gavel searches a folder for `.gavel` files it follows symbolic links, reads each file once however it is reached, and skips what it cannot read safely: a FIFO, device or socket with a matching name (opening a FIFO would block the run), a symbolic link that leads back into a folder being searched (a loop, which would otherwise be searched without end), and an entry that cannot be read (a link to nothing, a folder without permission). The warning names the entry; remove it or point the link elsewhere. Folders gavel does not search at all are hidden ones (`.git`, `.cache`), `node_modules`, `target` and whatever `.gitignore` or `.ignore` files exclude; a file named on the command line is always read.";
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
        "Each effect takes its own details: `modify` takes `roles`, `conflictEffect` and `set`/`add`/`remove` operations; `append` takes `set`/`add` operations; `auditIfNotExists` takes `type`, `name`, `resourceGroupName`, `existenceScope`, `evaluationDelay` and `existenceCondition`; `deployIfNotExists` adds `roles`, `deploymentScope` and `deployment`; `denyAction` takes `actionNames` and `cascadeBehaviors`; `manual` takes `defaultState`; `enforceSetting` takes `setting`. Details that the effect does not use at all (an `audit` effect with details) are GV0415, a lint.";
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
    UnknownFunction = "GV0203", "unknown-function", Lint Warning,
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
    UnknownMemberParameter = "GV0122", "unknown-member-parameter", Error,
        "a member parameter that the referenced policy does not declare",
        "Each key under a member's `parameters` must be a parameter of the policy it references; Azure rejects an initiative that passes one the definition does not declare (`UndefinedPolicyParameter`). The help line suggests the closest declared name, and lists them otherwise.";
    MissingMemberParameter = "GV0123", "missing-member-parameter", Error,
        "a parameter without a default that an initiative member does not give",
        "A policy parameter without a `defaultValue` must be given a value by every initiative that includes the policy (`MissingPolicyParameter`). Give it under the member's `parameters`, a literal or an initiative parameter passed through (`name: $name`), or give the policy's parameter a default.";
    MemberParameterType = "GV0124", "member-parameter-type", Error,
        "a member parameter value of another type than the policy's parameter",
        "The value an initiative passes to a member parameter must have that parameter's type: a string for `string`, a list for `array`, a whole number for `integer`. An initiative parameter passed through must be declared with a compatible type (`effect` and `dateTime` are strings; an `integer` may reach a `float`). A value of another type fails when the initiative is created or assigned.";
    MemberValueNotAllowed = "GV0125", "member-value-not-allowed", Error,
        "a literal member parameter value outside the policy parameter's allowed values",
        "When a policy parameter lists `allowedValues`, every value passed to it must be one of them, compared exactly as Azure compares assignment values; a list is checked member by member. The help line suggests the allowed value it is closest to.";
    PassedDefaultNotAllowed = "GV0126", "passed-default-not-allowed", Error,
        "an initiative parameter passed to a member whose allowed values exclude its default",
        "An initiative parameter passed through to a member parameter (`effect: $effect`) gives the member its value at assignment. When the initiative parameter's default is not among the member parameter's allowed values, every assignment that keeps the default fails. Change the default, pass a literal the member allows, or pass another parameter.";
    PassedValuesNotAllowed = "GV0127", "passed-values-not-allowed", Lint Warning,
        "an initiative parameter allows values that a member it is passed to does not",
        "The initiative parameter's allowed values are what an assignment may choose; those the member parameter does not allow fail when chosen. Declare a separate parameter for the member with its own allowed values, or narrow the initiative parameter's.";
    DuplicateReferenceId = "GV0128", "duplicate-reference-id", Error,
        "two initiative members with the same reference id",
        "Each member of an initiative is known by its `policyDefinitionReferenceId` (by default the policy's gavel name, or the last segment of its id); Azure rejects two members with the same one, compared ignoring case. Give one of them `reference \"…\"` (`policyDefinitionReferenceId` in JSON).";
    UnknownGroup = "GV0129", "unknown-group", Error,
        "a member that names a group the initiative does not define",
        "A member's `groups` (`groupNames`) must name groups defined in the same initiative (`group name { … }`, `policyDefinitionGroups`); Azure rejects the initiative otherwise. The help line suggests the closest defined group.";
    UnusedGroup = "GV0130", "unused-group", Lint Hint,
        "a group that no member of the initiative names",
        "A group shows a set of members together in compliance views; a group no member names stays empty. Regulatory initiatives define groups for every control, automated or not, so this is a hint only.";
    MemberWithoutScope = "GV0131", "member-without-scope", Lint Warning,
        "an initiative built without a definition scope references policies built with it",
        "A member named by gavel name is referenced by `<scope>/providers/Microsoft.Authorization/policyDefinitions/<name>`. Without a scope the id is that of a built-in, which Azure does not find. Give the management group or subscription the policies are created at: `gavel build --definition-scope /providers/Microsoft.Management/managementGroups/NAME` (or `/subscriptions/GUID`), or `definition-scope = \"…\"` in gavel.toml. The ARM target needs none: its template computes the ids where it is deployed.";
    UnknownAssigned = "GV0132", "unknown-assigned", Error,
        "an assignment or exemption that names no known policy, initiative or assignment",
        "`policy NAME` and `initiative NAME` in an assignment, and `assignment NAME` in an exemption, name what the files being built define (the help suggests the closest name). To assign a built-in or a definition deployed elsewhere, give its id: `definition \"/providers/Microsoft.Authorization/policySetDefinitions/…\"`; to exempt from an assignment made elsewhere, `assignment \"/…/policyAssignments/NAME\"`.";
    UnknownMemberReference = "GV0133", "unknown-member-reference", Error,
        "a non-compliance message or exemption for a member the initiative does not have",
        "A per-member non-compliance message and an exemption's `members` name initiative members by their reference id (`reference \"…\"`, by default the policy's gavel name). Azure rejects an id the assigned initiative does not have. The help suggests the closest one.";
    ExpiredExemption = "GV0134", "expired-exemption", Lint Warning,
        "an exemption whose expiry is already past",
        "An exemption stops applying at `expires`; one already expired waives nothing, and the resources it named are non-compliant again. Renew it with a later date, or remove it.";
    InvalidAssignmentScope = "GV0135", "invalid-assignment-scope", Error,
        "a scope Azure cannot assign or exempt at",
        "Assignments and exemptions are made at a management group (`/providers/Microsoft.Management/managementGroups/NAME`), a subscription (`/subscriptions/GUID`), a resource group (`/subscriptions/GUID/resourceGroups/NAME`) or a resource below it. An exemption's scope must lie within its assignment's scope.";
    IdentityWithoutLocation = "GV0136", "identity-without-location", Error,
        "an assignment with a managed identity but no location",
        "Azure creates the managed identity of an assignment in a region and rejects an assignment with an identity and no `location`. Add `location \"westeurope\"` (any region where the identity may live).";
    MissingIdentity = "GV0137", "missing-identity", Lint Warning,
        "an assignment of a modify or deployIfNotExists policy without a managed identity",
        "Modify and deployIfNotExists policies remediate with the assignment's managed identity; without one, Azure refuses the assignment when created from the portal or CLI and no remediation can run. Add `identity systemAssigned` and a `location`.";
    InvalidResourceType = "GV0116", "invalid-resource-type", Error,
        "a generic kind block whose string is not shaped like a resource type",
        "`resource \"…\" { … }` guards on any resource type and makes the names in its block short names of that type. The string must be a type as Azure spells it: a provider namespace with at least two dot-separated parts, then one or more type segments (`Microsoft.Storage/storageAccounts`, `Microsoft.Network/virtualNetworks/subnets`). Whether the type exists is checked against the catalog where it covers the namespace (GV0308).";
    UncheckedNamespace = "GV0300", "unchecked-namespace", Lint Hint,
        "aliases of a resource provider the catalog does not cover are not checked",
        "gavel's built-in catalog covers Azure Machine Learning (`Microsoft.MachineLearningServices` and its data-plane namespaces). Aliases of other providers (`Microsoft.Insights/diagnosticSettings/…`, `Microsoft.Network/…`) are passed through unchecked. To check them, export the provider's aliases with `az provider show --namespace Microsoft.Insights --expand \"resourceTypes/aliases\" > insights.json` and run `gavel catalog import insights.json`, or pass `--catalog insights.json` for one run.";
    UnknownAlias = "GV0301", "unknown-alias", Error,
        "a field that is neither a top-level field nor an alias of the catalog",
        "Azure Policy rejects a definition that names an alias it does not know (`InvalidPolicyAlias`), and a policy whose alias is wrong never matches anything. The field must be a top-level field (`name`, `fullName`, `type`, `kind`, `location`, `id`, `identity.type`, `tags`, `tags['x']`) or an alias of the catalog; `gavel aliases QUERY` searches it. The help line suggests the closest alias, spelt the way the field was written (a short name for a short name, a full alias for a full alias).";
    AliasCasing = "GV0302", "alias-casing", Lint Warning,
        "a field spelt with different upper/lower case than the catalog",
        "Azure compares alias names ignoring case, so the policy works, but the catalog's spelling is the one Azure documents and shows; a consistent spelling keeps definitions searchable and diffs quiet. The fix rewrites the name in the catalog's spelling.";
    FieldOfOtherKind = "GV0303", "field-of-other-kind", Lint Warning,
        "a field of a resource type the condition is not about",
        "Conditions are evaluated against one resource. When the enclosing block (or `allOf`) pins the resource type, with a kind block such as `compute { … }` or a `type == …` test, a field of another type never has a value there: `compute { hbiWorkspace == true }` reads a workspace property on a compute. Move the condition into a block of the right kind, or qualify it (`workspace.hbiWorkspace`). In an `existenceCondition` the type is the details `type`. It is a warning, not an error: Azure accepts such a condition, and a few of Microsoft's built-ins test an alias of a parent type inside a child type's condition.";
    TypeMismatch = "GV0304", "type-mismatch", Error,
        "a value whose type can never match the field's type",
        "The catalog knows the JSON type of each alias (from the REST API specifications). A boolean field compared with `\"yes\"`, a number field compared with `\"large\"`, or a string field compared with `true` never matches, so the condition is always false (or, negated, always true). Compare with a value of the field's type. Fields whose type the catalog does not know are not checked.";
    CoercedValue = "GV0305", "coerced-value", Lint Warning,
        "a value of another JSON type than the field, which Azure converts to compare",
        "Azure Policy converts values when it compares them, so `isLatestOsImageVersion == \"false\"` matches a `false` property and built-in definitions rely on it. Saying what is meant is clearer and lets gavel check it: compare a boolean field with `true`/`false`, a number field with a number, and a string field with a string. The fix writes the value with the field's type.";
    EnumValue = "GV0306", "enum-value", Error,
        "a value that the field's closed set of values does not contain",
        "The REST API specification lists every value the property can take, and this value is not one of them (compared ignoring case, as Azure does), so the condition never matches. The help line suggests the closest valid value; `gavel aliases NAME` lists them all.";
    OpenEnumValue = "GV0307", "open-enum-value", Lint Warning,
        "a value outside the known values of an extensible field",
        "The REST API specification lists the known values of this property but lets the service add more (`modelAsString`). The value is not one of the known ones: it may be new, or misspelt. The help line suggests the closest known value.";
    UnknownResourceType = "GV0308", "unknown-resource-type", Lint Warning,
        "a `type` condition naming a resource type that the provider does not have",
        "`type == \"Microsoft.MachineLearningServices/workspaces/computez\"` matches nothing. Resource types of providers that the catalog covers are checked against the catalog (ignoring case); the help line suggests the closest one. Types of providers the catalog does not cover are not checked. It is a warning: the catalog knows the types that have aliases, API specifications or a built-in policy testing them, and Azure has a few more.";
    LikeWildcards = "GV0309", "like-wildcards", Error,
        "a `like` pattern with more than one `*`",
        "Azure Policy's `like` and `notLike` accept at most one `*` wildcard in the pattern. For more complex patterns use `match` (`#` a digit, `?` a letter, `.` any character) or combine conditions.";
    ContainsWildcard = "GV0310", "contains-wildcard", Lint Warning,
        "a `contains` value with `*`, which is matched literally",
        "`contains` tests for a substring and has no wildcards: `name contains \"prod*\"` looks for the text `prod*`. Use `like \"*prod*\"` for a pattern, or drop the `*`.";
    InNeedsArray = "GV0311", "in-needs-array", Error,
        "`in` or `notIn` with a value that is not an array",
        "`in` and `notIn` test membership in an array: a literal list (`in [\"a\", \"b\"]`) or an array parameter (`in $allowed`). Azure rejects a string there. To compare with a single value use `==` or `!=`.";
    OrderedOperand = "GV0312", "ordered-operand", Error,
        "an ordered comparison or count with a value that cannot be ordered",
        "`<`, `<=`, `>`, `>=` (`less`, `lessOrEquals`, `greater`, `greaterOrEquals`) compare numbers, dates and strings; a boolean, null, array or object makes the evaluation fail, which Azure treats as a deny. A `count` yields a number, so it must be compared with a number.";
    TextOrdering = "GV0313", "text-ordering", Lint Warning,
        "an ordered comparison with text that is neither a number nor a date",
        "Ordered comparisons of strings compare them as text, ignoring case (`\"10\" < \"9\"`). That is right for ISO dates (`\"2021-10-01\"`) and numbers, and rarely what is meant otherwise. Compare with a number, or with a date in `yyyy-MM-dd` form.";
    ExistsOperand = "GV0314", "exists-operand", Error,
        "`exists` with a value other than true or false",
        "`exists` takes a boolean: `\"exists\": true` (gavel `x exists`) or `\"exists\": false` (gavel `x notExists`). The strings `\"true\"` and `\"false\"` are accepted too, as the Azure documentation writes them.";
    MatchPattern = "GV0315", "match-pattern", Lint Warning,
        "a `match` pattern that looks like a regular expression",
        "`match` patterns are not regular expressions: `#` matches a digit, `?` a letter, `.` any character, and every other character itself, over the whole value. `*`, `+`, `^`, `$`, `\\`, brackets and `|` are literal characters there. Use `like` for a `*` wildcard.";
    AllMembersCondition = "GV0316", "all-members-condition", Lint Warning,
        "a condition on `[*]` members outside `count`, which must hold for every member",
        "A field condition on an alias with `[*]` is true only when every member of the array satisfies it (and when the array is empty). `privateEndpointConnections[*].status == \"Approved\"` means *all* connections are approved, which is rarely the intent. To ask whether *any* member matches, write `any c in privateEndpointConnections[*] { c.status == \"Approved\" }` (the fix does that). To say \"every member\" explicitly, write `all c in … { … }`. Negative operators (`!=`, `notIn`, `notLike`) and conditions under `not` are not reported: \"every member differs\" is the usual intent there.";
    UnusedParameter = "GV0401", "unused-parameter", Lint Warning,
        "a parameter that nothing uses",
        "The parameter is declared but neither the rule, the effect, its details nor a deployment template reads it. Assignments still have to supply or accept it, and once a definition is assigned a parameter cannot be removed, so remove it before publishing, or use it.";
    DefaultNotAllowed = "GV0402", "default-not-allowed", Error,
        "a parameter default that is not one of its allowed values",
        "Azure rejects a definition whose `defaultValue` is not in `allowedValues` (`PolicyParameterAllowedAndDefaultValuesMismatch`). The comparison is exact (case-sensitive), as Azure checks assignment values. The default of an array parameter is checked member by member: each member must be an allowed value (or the whole list one of the allowed values), so `[]` always fits. An empty list of allowed values restricts nothing. Add the default to the allowed values or change it.";
    ParameterValueType = "GV0403", "parameter-value-type", Error,
        "a parameter default or allowed value of the wrong type",
        "Default and allowed values must have the parameter's type: a `string` (or `effect`) parameter takes strings, `integer` whole numbers, `float` numbers, `boolean` `true`/`false`, `array` lists, `object` objects, `dateTime` strings such as `2024-01-31T00:00:00Z`. Azure rejects the definition otherwise (\"The policy parameter 'x' default value does not match the expected parameter type\"). An empty list as the default of a parameter that is not an array is accepted (built-ins have it) and is GV0416, a lint.";
    ArrayParameterOperator = "GV0404", "array-parameter-operator", Error,
        "an array parameter compared with an operator that takes a single value",
        "Azure rejects `\"equals\": \"[parameters('list')]\"` when `list` is an array (\"…is type 'Array', expected type is 'String'\"). Arrays go with `in` / `notIn`, a `count`, or functions such as `length()` and `contains()`. The fix replaces `==` with `in` and `!=` with `notIn`.";
    EffectDetailsMismatch = "GV0405", "effect-details-mismatch", Error,
        "an effect that the parameter allows does not fit the details given",
        "When the effect is a parameter, every value it allows (and its default) must work with the one `details` the definition has. Effects that fit together: `AuditIfNotExists` and `DeployIfNotExists` (with `deployIfNotExists` details); `DenyAction` and `AuditAction`; `Audit`, `Deny` and `Disabled` with anything, since they ignore the details (GV0415 says so where that may be a surprise). `Manual`, `EnforceSetting`, `Mutate` and `AddToNetworkGroup` need their own details. An effect that needs details (`Modify`, `DeployIfNotExists`, …) cannot be allowed when none are given, nor with the details of another effect (`Modify` with `auditIfNotExists` details).";
    NotModifiable = "GV0406", "not-modifiable", Error,
        "a `modify` operation on an alias that Modify cannot write",
        "Modify changes only aliases marked *Modifiable* (`az provider show … --expand resourceTypes/aliases` lists them, and gavel's catalog adds those Microsoft's own Modify and Append built-ins write), tags and the top-level field `identity.type` (which Azure documents for virtual machines and scale sets); Azure rejects the definition otherwise (`InvalidPolicyRuleModifyDetails`). `gavel aliases QUERY` shows which aliases are modifiable.";
    RemoveNonTag = "GV0407", "remove-non-tag", Error,
        "a `remove` operation on something other than a tag",
        "Modify's `remove` operation only removes tags (`remove tags[\"env\"]`). To clear a property, set it to a value with `set field = …`.";
    EffectNotInMode = "GV0408", "effect-not-in-mode", Error,
        "an effect that the policy's mode does not support",
        "Modes restrict effects: `modify`, `append`, `auditIfNotExists`, `deployIfNotExists` and `denyAction` work only in the Resource Manager modes `all` and `indexed`; `mutate` only in `Microsoft.Kubernetes.Data`; `addToNetworkGroup` only in `Microsoft.Network.Data`; `enforceSetting` only in a resource-provider mode such as `Microsoft.MachineLearningServices.Data`. For an effect parameter every allowed value is checked.";
    EffectWithoutDisabled = "GV0409", "effect-without-disabled", Lint Warning,
        "an effect parameter that cannot be set to `Disabled`",
        "Azure's built-ins let every assignment switch a policy off through its effect parameter (`in [Audit, Deny, Disabled]`); without `Disabled` the only way to stop the policy is to remove the assignment. Add `Disabled` to the allowed values.";
    ConditionLimit = "GV0410", "condition-limit", Error,
        "a rule with more conditions than Azure Policy accepts",
        "A policy rule may hold at most 4,096 condition expressions in its `if` and at most 128 in an `existenceCondition`; each comparison, count and logical operator counts. Split the definition, or simplify with `in` lists.";
    CountLimit = "GV0411", "count-limit", Error,
        "more `count` expressions or iterations than Azure Policy accepts",
        "Azure Policy allows at most 10 value counts per rule, at most 100 iterations per value count (a nested count multiplies by its parent's iterations), and at most 5 field counts over the same array. Iterations are known when the counted value is a literal list or a parameter's default.";
    TextTooLong = "GV0412", "text-too-long", Error,
        "a description or metadata value longer than Azure allows",
        "Azure rejects definitions whose description is longer than 512 characters, or with a string metadata property longer than 1,024 characters. Display names longer than 128 characters are GV0414, a lint.";
    TooManyParameters = "GV0413", "too-many-parameters", Lint Warning,
        "more parameters than Azure Policy documents",
        "The Azure Policy limits page says a definition may have at most 20 parameters, but built-in definitions with 22 exist, so gavel only warns. Consider an `object` parameter for related settings.";
    LongDisplayName = "GV0414", "long-display-name", Lint Warning,
        "a display name longer than the 128 characters Azure documents",
        "The Azure Policy documentation limits display names to 128 characters, but Azure's own built-ins have display names of up to 139 characters (often once a `[Preview]: ` or `[Deprecated]: ` prefix was added), so this is advice, not an error. The portal shortens long names in lists; keep the name short and put the rest in the description.";
    IgnoredDetails = "GV0415", "ignored-details", Lint Warning,
        "effect details that the effect the policy takes ignores",
        "`Audit`, `Deny` and `Disabled` do not read the `details`: Azure accepts a definition whose effect parameter allows only those with Modify details, or allows `Audit` beside `auditIfNotExists` details, and ignores the details when that effect applies. Mind the difference: `Audit` reports every resource the `if` matches, while `AuditIfNotExists` reports only those whose related resource is missing. Remove details no effect uses, or allow the effect that uses them.";
    EmptyListDefault = "GV0416", "empty-list-default", Lint Warning,
        "an empty list as the default of a parameter that is not an array",
        "Azure accepts `\"defaultValue\": []` for a parameter of any type (built-in initiatives have it for `String` parameters), but the value does not have the parameter's type: an assignment that relies on the default passes an empty list where the rule expects a string. Give a default of the parameter's type, or none.";
    InvalidJson = "GV0500", "invalid-json", Error,
        "the file is not valid JSON",
        "gavel reads Azure Policy definitions as JSON (comments and trailing commas are tolerated). The diagnostic points at the first place the JSON parser could not read; fix the syntax there.";
    NotADefinition = "GV0501", "not-a-definition", Error,
        "JSON that holds no policy definition or initiative",
        "gavel reads a policy definition or initiative as raw JSON (`{\"policyRule\": …}`, `{\"policyDefinitions\": …}`), wrapped in `{\"properties\": …}` as in the Azure/azure-policy repository, as an ARM template or template resource of type `Microsoft.Authorization/policyDefinitions` or `policySetDefinitions`, as a list of those, or as the rules file of an `az policy definition create` pair (`x.rules.json`, with `x.params.json` beside it). The message says at which JSON path the shape was not recognised.";
    UnexpectedJsonValue = "GV0502", "unexpected-json-value", Error,
        "a definition value that has the wrong JSON type or shape",
        "A part of the definition is not what Azure Policy expects there: for example `policyRule.then.effect` must be a string, `allOf` a list of conditions, `parameters` an object. The message gives the JSON path of the value.";
    KeptVerbatim = "GV0503", "kept-verbatim", Lint Warning,
        "a construct gavel has no syntax for, kept as raw JSON",
        "The definition uses an operator, key or shape that gavel has no dedicated syntax for (often a newer Azure Policy feature, or a mistake). It is kept exactly as written with gavel's raw JSON escape hatch (`json { … }`), so nothing is lost; check that Azure Policy accepts it.";
    UnparsedExpression = "GV0504", "unparsed-expression", Lint Warning,
        "an ARM template expression gavel cannot parse, kept verbatim",
        "A string of the form `\"[…]\"` is an ARM template expression. gavel parses these into calls, parameters and fields so that it can check them; this one did not parse (or nests deeper than gavel follows), so it is kept verbatim as `json \"[…]\"`. Check its brackets and quotes.";
    TemplateExpression = "GV0505", "template-expression", Lint Warning,
        "an ARM template expression in a template-wrapped definition",
        "Inside an ARM template, a string such as `\"[parameters('x')]\"` is evaluated by Resource Manager when the template is deployed; the policy's own expressions are escaped as `\"[[…]\"`. gavel cannot evaluate template expressions, so this one is kept verbatim (`json \"[…]\"`); if it refers to the template's own parameters or variables, replace it with the value it has when deployed.";
    JsonTooDeep = "GV0506", "json-nesting-too-deep", Error,
        "JSON nested deeper than gavel reads",
        "gavel reads JSON nested up to 128 levels of objects and arrays, and ARM expressions nested up to 32 calls deep, which real definitions stay far below. Deeper input is refused before it is read, so that no input can exhaust the reader's stack.";
    DuplicateJsonKey = "GV0507", "duplicate-json-key", Lint Warning,
        "an object has the same key twice",
        "The object has the same key twice (Azure compares most keys without regard to case, so `notIn` and `notin` count as the same). gavel reads the first and ignores the rest; remove the duplicate.";
    InexactJsonNumber = "GV0508", "inexact-json-number", Error,
        "a JSON number that would not keep its value",
        "gavel keeps a number as a 64-bit integer or a 64-bit float, as Azure reads it. A number that neither holds as written would change on the way through: `1e-400` would become 0, `1e400` is beyond any float, and an integer beyond 64 bits (`18446744073709551616`) would be rounded to a float. gavel refuses it rather than change it: write a number in range, or the value as a string.";
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
        "`catalogs:` in a test file (and `--catalog` on the command line) name alias exports in the `az provider show --expand \"resourceTypes/aliases\"` or `Get-AzPolicyAlias` shape, relative to the test file. The engine is given these aliases in addition to the bundled catalog of every provider, merged into it namespace by namespace.";
    EmitFailed = "GV0900", "output-error", Error,
        "an output could not be written",
        "Nothing is changed when a write fails. `gavel build` stages its whole output set in a folder beside the output folder and swaps the two in one rename, so the output folder holds the complete old set or the complete new one, whenever the build stops; `fmt`, `decompile` and `catalog import` write each file to a temporary file beside it and rename it into place. The message names the file or folder and what the system said; check that its folder exists and is writable, and that the disk has room.";
    ReadOnlyOutput = "GV0901", "read-only-output", Error,
        "a file or folder that would be replaced is read-only",
        "gavel does not replace what is marked read-only: a source (`gavel fmt`, `gavel decompile --force`), a build output or the output folder itself, `gavel.toml` or a catalog copy. The read-only mode is the owner's way of saying \"do not change this\", and gavel honours it even where it could write anyway (as root). Make the file writable (`chmod u+w FILE`) if it should be replaced. Writes otherwise keep what a file was: its mode, its owner and group where permitted, the symbolic links that lead to it (the file they name is replaced) and its other hard links (such a file is rewritten in place).";
    OutputFolderRefused = "GV0902", "output-folder-refused", Error,
        "the output folder cannot be replaced as a whole",
        "`gavel build` replaces its output folder as a whole, so that it always holds one complete set. Files gavel did not write there (a README, a `.git` folder) are carried into the new set untouched, and outputs an earlier build wrote that this one no longer makes are removed; gavel records which are its own in `.gavel-outputs`. It refuses an output folder that is the working folder or holds it (`--out-dir .`), and a folder that stands where an output file goes. Build into a folder of its own, such as `--out-dir out`.";
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

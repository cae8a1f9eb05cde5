//! The template functions policy rules may call, with their arities, and those they may not.

/// `(name, minimum arguments, maximum arguments)`; `usize::MAX` means variadic.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    // Policy functions.
    ("field", 1, 1),
    ("current", 0, 1),
    ("requestContext", 0, 0),
    ("policy", 0, 0),
    ("ipRangeContains", 2, 2),
    ("addDays", 2, 2),
    ("utcNow", 0, 1),
    // Deployment-scope values that policy rules may read.
    ("resourceGroup", 0, 0),
    ("subscription", 0, 0),
    ("parameters", 1, 1),
    // Array and object functions.
    ("array", 1, 1),
    ("concat", 1, usize::MAX),
    ("contains", 2, 2),
    ("createArray", 0, usize::MAX),
    ("createObject", 0, usize::MAX),
    ("empty", 1, 1),
    ("first", 1, 1),
    ("indexOf", 2, 2),
    ("intersection", 2, usize::MAX),
    ("items", 1, 1),
    ("join", 2, 2),
    ("json", 1, 1),
    ("last", 1, 1),
    ("lastIndexOf", 2, 2),
    ("length", 1, 1),
    ("max", 1, usize::MAX),
    ("min", 1, usize::MAX),
    ("objectKeys", 1, 1),
    ("range", 2, 2),
    ("shallowMerge", 1, 1),
    ("skip", 2, 2),
    ("take", 2, 2),
    ("tryGet", 2, usize::MAX),
    ("tryIndexFromEnd", 2, 2),
    ("union", 2, usize::MAX),
    // Comparison and logical functions.
    ("coalesce", 1, usize::MAX),
    ("equals", 2, 2),
    ("greater", 2, 2),
    ("greaterOrEquals", 2, 2),
    ("less", 2, 2),
    ("lessOrEquals", 2, 2),
    ("and", 2, usize::MAX),
    ("or", 2, usize::MAX),
    ("not", 1, 1),
    ("if", 3, 3),
    ("bool", 1, 1),
    ("true", 0, 0),
    ("false", 0, 0),
    ("null", 0, 0),
    // Numeric functions.
    ("add", 2, 2),
    ("sub", 2, 2),
    ("mul", 2, 2),
    ("div", 2, 2),
    ("mod", 2, 2),
    ("int", 1, 1),
    ("float", 1, 1),
    // String functions.
    ("base64", 1, 1),
    ("base64ToJson", 1, 1),
    ("base64ToString", 1, 1),
    ("dataUri", 1, 1),
    ("dataUriToString", 1, 1),
    ("endsWith", 2, 2),
    ("format", 1, usize::MAX),
    ("guid", 1, usize::MAX),
    ("padLeft", 2, 3),
    ("replace", 3, 3),
    ("split", 2, 2),
    ("startsWith", 2, 2),
    ("string", 1, 1),
    ("substring", 1, 3),
    ("toLower", 1, 1),
    ("toUpper", 1, 1),
    ("trim", 1, 1),
    ("uniqueString", 1, usize::MAX),
    ("uri", 2, 2),
    ("uriComponent", 1, 1),
    ("uriComponentToString", 1, 1),
    ("dateTimeAdd", 2, 3),
    ("parseCidr", 1, 1),
    ("cidrHost", 2, 2),
    ("cidrSubnet", 3, 3),
];

/// Template functions Azure Policy rules reject (they remain usable inside a
/// deployIfNotExists template, which ARM evaluates).
pub const NOT_ALLOWED: &[&str] = &[
    "copyIndex",
    "dateTimeAdd",
    "dateTimeFromEpoch",
    "dateTimeToEpoch",
    "deployment",
    "environment",
    "extensionResourceId",
    "lambda",
    "listAccountSas",
    "listKeys",
    "listSecrets",
    "managementGroup",
    "newGuid",
    "pickZones",
    "providers",
    "reference",
    "resourceId",
    "subscriptionResourceId",
    "tenantResourceId",
    "tenant",
    "variables",
];

pub enum Verdict {
    Ok,
    NotAllowed,
    WrongArity { min: usize, max: usize },
    Unknown { suggestion: Option<&'static str> },
}

/// What the checker says about calling `name` with `arity` arguments (names ignore case).
pub fn judge(name: &str, arity: usize) -> Verdict {
    if NOT_ALLOWED.iter().any(|n| n.eq_ignore_ascii_case(name)) || name.to_ascii_lowercase().starts_with("list") {
        return Verdict::NotAllowed;
    }
    match FUNCTIONS.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name)) {
        Some(&(_, min, max)) if arity < min || arity > max => Verdict::WrongArity { min, max },
        Some(_) => Verdict::Ok,
        None => Verdict::Unknown { suggestion: crate::diag::did_you_mean(name, FUNCTIONS.iter().map(|f| f.0)) },
    }
}

//! Test files (`*.test.yaml`): reading them into cases, with a located diagnostic for every
//! key or value that does not fit. docs/testing.md is the user-facing description.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};
use serde_saphyr::Spanned;

use super::source::{Located, read_json_file};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::syntax::span::{FileId, SourceMap, Span};

/// The file as YAML gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    policy: Option<Spanned<String>>,
    #[serde(default)]
    parameters: Option<BTreeMap<String, Spanned<Value>>>,
    #[serde(default)]
    catalogs: Vec<Spanned<String>>,
    cases: Vec<Spanned<RawCase>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawCase {
    name: Spanned<String>,
    #[serde(default)]
    policy: Option<Spanned<String>>,
    resource: Spanned<Value>,
    #[serde(default)]
    parameters: Option<BTreeMap<String, Spanned<Value>>>,
    #[serde(default)]
    request_context: Option<Spanned<Map<String, Value>>>,
    #[serde(default)]
    resource_group: Option<Spanned<Map<String, Value>>>,
    #[serde(default)]
    subscription: Option<Spanned<Map<String, Value>>>,
    #[serde(default)]
    related: Vec<Spanned<Value>>,
    expect: Spanned<Value>,
    #[serde(default)]
    skip: Option<Spanned<String>>,
}

/// A test file, read and checked.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub path: PathBuf,
    pub file: FileId,
    /// Alias exports the engine loads for this file's cases.
    pub catalogs: Vec<Located<PathBuf>>,
    pub cases: Vec<Case>,
    /// Cases that could not be read (their diagnostics say why): name and place.
    pub broken: Vec<(String, Span)>,
}

/// Which policy a case evaluates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyRef {
    /// A gavel policy, by name.
    Gavel(String),
    /// A JSON definition file.
    Json(PathBuf),
}

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub span: Span,
    pub policy: Located<PolicyRef>,
    pub resource: Located<Value>,
    /// Parameter values by name, each with where it was written.
    pub parameters: BTreeMap<String, Located<Value>>,
    /// Where the parameters of the case are (for a missing one), else the case.
    pub parameters_span: Span,
    pub context: Map<String, Value>,
    pub related: Vec<Located<Value>>,
    pub expect: Located<Expectation>,
    /// Why the case is skipped.
    pub skip: Option<String>,
}

/// The outcome a case expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub outcome: Expected,
    /// The Modify/Append operations, in order.
    pub operations: Option<Vec<Value>>,
    /// Members the effect's details must have.
    pub details: Option<Map<String, Value>>,
    /// For an initiative: what each member (by reference id) is expected to give, in the
    /// order written; the outcome above is then unused.
    pub members: Option<Vec<(String, Expectation)>>,
}

impl Expectation {
    pub fn of(outcome: Expected) -> Expectation {
        Expectation { outcome, operations: None, details: None, members: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// This effect (compared ignoring case).
    Effect(String),
    /// No effect: the policy does not apply, or the resource complies.
    Compliant,
    /// No effect because the policy's `if` does not match.
    NotApplicable,
}

impl Expected {
    /// How the outcome is written in reports.
    pub fn label(&self) -> String {
        match self {
            Expected::Effect(effect) => effect.clone(),
            Expected::Compliant => "compliant".into(),
            Expected::NotApplicable => "not applicable".into(),
        }
    }
}

/// The effects Azure Policy has, in their usual spelling.
pub const EFFECTS: &[&str] = &[
    "addToNetworkGroup",
    "append",
    "audit",
    "auditAction",
    "auditIfNotExists",
    "deny",
    "denyAction",
    "deployIfNotExists",
    "disabled",
    "enforceSetting",
    "manual",
    "modify",
    "mutate",
];

/// Reads a test file. Problems become diagnostics; the cases that could be read are returned
/// (`None` when the file as a whole could not be).
pub fn read_test_file(path: &Path, sources: &mut SourceMap, diagnostics: &mut Diagnostics) -> Option<TestFile> {
    let text = match crate::project::read_source(path) {
        Ok(text) => text,
        Err(error) => {
            let file = sources.add(path, String::new());
            diagnostics.push(error.into_diagnostic(file));
            return None;
        }
    };
    let file = sources.add(path, text.clone());
    let raw: RawFile = match serde_saphyr::from_str(&text) {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(yaml_error(file, &text, &error));
            return None;
        }
    };
    let mut reader =
        Reader { file, dir: path.parent().map(Path::to_path_buf).unwrap_or_default(), sources, diagnostics };
    let default_policy = match &raw.policy {
        Some(policy) => Some(reader.policy_ref(policy)),
        None => sibling_policy(path).map(|name| Located::new(PolicyRef::Gavel(name), Span::new(file, 0, 0))),
    };
    let catalogs = raw.catalogs.iter().map(|c| Located::new(joined(&reader.dir, &c.value), reader.span(c))).collect();
    let mut cases = Vec::new();
    let mut broken = Vec::new();
    for raw_case in &raw.cases {
        match reader.case(&raw_case.value, default_policy.as_ref(), raw.parameters.as_ref()) {
            Some(case) => cases.push(case),
            None => broken.push((raw_case.value.name.value.clone(), reader.span(&raw_case.value.name))),
        }
    }
    Some(TestFile { path: path.to_path_buf(), file, catalogs, cases, broken })
}

/// `dir` joined with a path written in a test file, with `folder/..` steps taken out so that
/// reports show `tests/resources/a.json` rather than `tests/cases/../resources/a.json`.
fn joined(dir: &Path, relative: impl AsRef<Path>) -> PathBuf {
    let mut path = PathBuf::new();
    for component in dir.join(relative).components() {
        match component {
            std::path::Component::ParentDir
                if matches!(path.components().next_back(), Some(std::path::Component::Normal(_))) =>
            {
                path.pop();
            }
            other => path.push(other),
        }
    }
    path
}

/// `x.test.yaml` next to `x.gavel` tests the policy of that name when it names none.
fn sibling_policy(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".test.yaml").or_else(|| name.strip_suffix(".test.yml"))?;
    path.with_file_name(format!("{stem}.gavel")).is_file().then(|| stem.to_string())
}

/// The diagnostic for YAML that does not parse or does not have the test-file shape.
fn yaml_error(file: FileId, text: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let plain = error.without_snippet().render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    // The plain rendering ends with the position, which the diagnostic shows anyway.
    let message = friendly(plain.rsplit_once(" at line ").map_or(plain.as_str(), |(m, _)| m), text);
    let help = unknown_key_suggestion(&message).unwrap_or_else(|| {
        "a test file is a mapping with `cases:` (see docs/testing.md or `gavel explain GV0600`)".into()
    });
    let start = error
        .location()
        .and_then(|l| l.span().byte_offset())
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or(0)
        .min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n).max(start);
    Diagnostic::new(Code::InvalidTestFile, Span::new(file, start, end), message).with_help(help)
}

/// The parser's wording, put in the terms of a test file where it speaks of its own options.
fn friendly(message: &str, text: &str) -> String {
    if text.trim().is_empty() {
        return "the test file is empty".into();
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
        return format!("`{key}` is given twice in the same mapping");
    }
    if message == "expected mapping start" {
        return "expected a mapping of `key: value` lines here".into();
    }
    message.to_string()
}

/// "did you mean `expect`?" for serde's "unknown field `expected`, expected one of …".
fn unknown_key_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let candidates = rest.split_once("expected one of ")?.1;
    let names: Vec<&str> = candidates.split(", ").map(|c| c.trim_matches('`')).collect();
    crate::diag::did_you_mean(key, names.iter().copied()).map(|s| format!("did you mean `{s}`?"))
}

struct Reader<'a> {
    file: FileId,
    dir: PathBuf,
    sources: &'a mut SourceMap,
    diagnostics: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn span<T>(&self, spanned: &Spanned<T>) -> Span {
        let span = spanned.referenced.span();
        let start = span.byte_offset().and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
        let len = span.byte_len().and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
        Span::new(self.file, start, start + len.max(1))
    }

    fn error(&mut self, code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(code, span, message).with_help(help));
    }

    fn policy_ref(&self, policy: &Spanned<String>) -> Located<PolicyRef> {
        let value = &policy.value;
        let reference = if value.to_ascii_lowercase().ends_with(".json") {
            PolicyRef::Json(joined(&self.dir, value))
        } else {
            PolicyRef::Gavel(value.clone())
        };
        Located::new(reference, self.span(policy))
    }

    fn case(
        &mut self,
        raw: &RawCase,
        default_policy: Option<&Located<PolicyRef>>,
        default_parameters: Option<&BTreeMap<String, Spanned<Value>>>,
    ) -> Option<Case> {
        let name_span = self.span(&raw.name);
        let policy = self.case_policy(raw, default_policy);
        // Every part is read, even after a problem, so that one run reports all of them.
        let resource = self.resource(&raw.resource, "resource");
        let related: Vec<_> = raw.related.iter().map(|r| self.resource(r, "related resource")).collect();
        let expect = self.expectation(&raw.expect);
        let mut parameters = BTreeMap::new();
        for (key, value) in default_parameters.into_iter().flatten().chain(raw.parameters.iter().flatten()) {
            parameters.insert(key.clone(), Located::new(value.value.clone(), self.span(value)));
        }
        let parameters_span =
            raw.parameters.as_ref().and_then(|p| p.values().next()).map_or(name_span, |v| self.span(v));
        Some(Case {
            name: raw.name.value.clone(),
            span: name_span,
            policy: policy?,
            resource: resource?,
            parameters,
            parameters_span,
            context: context(raw),
            related: related.into_iter().collect::<Option<_>>()?,
            expect: expect?,
            skip: raw.skip.as_ref().map(|s| s.value.clone()),
        })
    }

    /// The case's own policy, else the file's.
    fn case_policy(
        &mut self,
        raw: &RawCase,
        default_policy: Option<&Located<PolicyRef>>,
    ) -> Option<Located<PolicyRef>> {
        match (&raw.policy, default_policy) {
            (Some(policy), _) => Some(self.policy_ref(policy)),
            (None, Some(policy)) => Some(policy.clone()),
            (None, None) => {
                self.error(
                    Code::UnknownTestPolicy,
                    self.span(&raw.name),
                    format!("case `{}` names no policy", raw.name.value),
                    "add `policy: NAME` to the case or at the top of the file, or name the file after its policy (`NAME.test.yaml` next to `NAME.gavel`)",
                );
                None
            }
        }
    }

    /// An inline resource, or the path of a JSON file holding one.
    fn resource(&mut self, raw: &Spanned<Value>, what: &str) -> Option<Located<Value>> {
        let span = self.span(raw);
        let (value, span) = match &raw.value {
            Value::String(path) => {
                let path = joined(&self.dir, path);
                match read_json_file(&path, self.sources, Code::InvalidTestResource, span) {
                    Ok(located) => (located.value, located.span),
                    Err(diagnostic) => {
                        self.diagnostics.push(diagnostic);
                        return None;
                    }
                }
            }
            other => (other.clone(), span),
        };
        if let Err(message) = check_resource(&value) {
            self.error(
                Code::InvalidTestResource,
                span,
                format!("the {what} {message}"),
                "write the resource as `az resource show` prints it: a JSON object with `type`, `name` and `properties`",
            );
            return None;
        }
        Some(Located::new(value, span))
    }

    fn expectation(&mut self, raw: &Spanned<Value>) -> Option<Located<Expectation>> {
        let span = self.span(raw);
        match parse_expectation(&raw.value) {
            Ok(expectation) => Some(Located::new(expectation, span)),
            Err((message, help)) => {
                self.error(Code::InvalidExpectation, span, message, help);
                None
            }
        }
    }
}

/// `requestContext`, `resourceGroup` and `subscription` as the engine's context reads them.
fn context(raw: &RawCase) -> Map<String, Value> {
    let mut context = Map::new();
    for (key, value) in [
        ("requestContext", &raw.request_context),
        ("resourceGroup", &raw.resource_group),
        ("subscription", &raw.subscription),
    ] {
        if let Some(value) = value {
            context.insert(key.into(), Value::Object(value.value.clone()));
        }
    }
    context
}

/// A resource must be an object with a string `type` for the engine to know its aliases.
pub fn check_resource(value: &Value) -> Result<(), String> {
    let Value::Object(_) = value else {
        return Err(format!("is {}, not a JSON object", kind_of(value)));
    };
    match super::resource::member(value, "type") {
        Some(Value::String(_)) => Ok(()),
        Some(other) => Err(format!("has a `type` that is {}, not a string", kind_of(other))),
        None => Err("has no `type`".into()),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const EXPECT_HELP: &str = "expect an effect name (`audit`, `deny`, `modify`…), `compliant`, `not applicable`, or a mapping with `effect:`, `operations:` and `details:` (for an initiative, `members:` with one of those per member reference id)";

fn parse_expectation(value: &Value) -> Result<Expectation, (String, String)> {
    match value {
        Value::String(text) => Ok(Expectation::of(parse_outcome(text)?)),
        Value::Object(map) => {
            let mut expectation = Expectation::of(Expected::Compliant);
            let mut effect = None;
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("members", Value::Object(members)) if map.len() == 1 => {
                        let mut expected = Vec::with_capacity(members.len());
                        for (reference, value) in members {
                            let member = parse_expectation(value)
                                .map_err(|(message, help)| (format!("member `{reference}`: {message}"), help))?;
                            if member.members.is_some() {
                                return Err((
                                    format!("member `{reference}` has `members` of its own"),
                                    EXPECT_HELP.into(),
                                ));
                            }
                            expected.push((reference.clone(), member));
                        }
                        expectation.members = Some(expected);
                        return Ok(expectation);
                    }
                    ("members", _) => {
                        return Err((
                            "`members` is a mapping of member reference ids to expectations, alone in `expect`".into(),
                            EXPECT_HELP.into(),
                        ));
                    }
                    ("effect", Value::String(text)) => effect = Some(parse_outcome(text)?),
                    ("operations", Value::Array(items)) => expectation.operations = Some(items.clone()),
                    ("details", Value::Object(details)) => expectation.details = Some(details.clone()),
                    ("effect" | "operations" | "details", other) => {
                        let wanted = match key.as_str() {
                            "effect" => "a string",
                            "operations" => "a list",
                            _ => "a mapping",
                        };
                        return Err((format!("`{key}` is {}, expected {wanted}", kind_of(other)), EXPECT_HELP.into()));
                    }
                    (other, _) => {
                        let help =
                            match crate::diag::did_you_mean(other, ["effect", "operations", "details", "members"]) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => EXPECT_HELP.into(),
                            };
                        return Err((format!("unknown key `{other}` in `expect`"), help));
                    }
                }
            }
            expectation.outcome =
                effect.ok_or_else(|| ("`expect` has no `effect`".to_string(), EXPECT_HELP.to_string()))?;
            Ok(expectation)
        }
        other => Err((format!("`expect` is {}", kind_of(other)), EXPECT_HELP.into())),
    }
}

fn parse_outcome(text: &str) -> Result<Expected, (String, String)> {
    let words: String = text.split(|c: char| c.is_whitespace() || c == '-' || c == '_').collect();
    if words.eq_ignore_ascii_case("compliant") || words.eq_ignore_ascii_case("none") {
        return Ok(Expected::Compliant);
    }
    if words.eq_ignore_ascii_case("notapplicable") {
        return Ok(Expected::NotApplicable);
    }
    if let Some(effect) = EFFECTS.iter().find(|e| e.eq_ignore_ascii_case(text.trim())) {
        return Ok(Expected::Effect((*effect).to_string()));
    }
    let candidates = EFFECTS.iter().copied().chain(["compliant", "not applicable"]);
    let help = match crate::diag::did_you_mean(text, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => EXPECT_HELP.into(),
    };
    Err((format!("`{text}` is not an effect or outcome"), help))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_their_parent_steps() {
        assert_eq!(joined(Path::new("a/b"), "../c/d.json"), PathBuf::from("a/c/d.json"));
        assert_eq!(joined(Path::new("a"), "../../x.json"), PathBuf::from("../x.json"));
        assert_eq!(joined(Path::new(""), "x.json"), PathBuf::from("x.json"));
    }

    #[test]
    fn outcomes_are_read_leniently() {
        assert_eq!(parse_outcome("Deny"), Ok(Expected::Effect("deny".into())));
        assert_eq!(parse_outcome("auditifnotexists"), Ok(Expected::Effect("auditIfNotExists".into())));
        assert_eq!(parse_outcome("Not Applicable"), Ok(Expected::NotApplicable));
        assert_eq!(parse_outcome("not-applicable"), Ok(Expected::NotApplicable));
        assert_eq!(parse_outcome("compliant"), Ok(Expected::Compliant));
        assert_eq!(
            friendly("duplicate mapping key: name, set DuplicateKeyPolicy in Options", "x"),
            "`name` is given twice in the same mapping"
        );
        assert_eq!(friendly("unexpected end of input", " \n"), "the test file is empty");
        assert_eq!(
            unknown_key_suggestion("unknown field `expected`, expected one of name, expect, skip"),
            Some("did you mean `expect`?".into())
        );
        let (message, help) = parse_outcome("audt").unwrap_err();
        assert_eq!(message, "`audt` is not an effect or outcome");
        assert_eq!(help, "did you mean `audit`?");
    }

    #[test]
    fn mappings_give_operations_and_details() {
        let expectation =
            parse_expectation(&serde_json::json!({"effect": "modify", "operations": [{"operation": "addOrReplace"}]}));
        assert_eq!(expectation.map(|e| e.operations.map(|o| o.len())), Ok(Some(1)));
        assert!(parse_expectation(&serde_json::json!({"effect": 3})).is_err());
        assert!(parse_expectation(&serde_json::json!({"efect": "deny"})).unwrap_err().1.contains("`effect`"));
        assert!(parse_expectation(&serde_json::json!({"details": {}})).is_err());
    }
}

//! Running test files: each case's policy is found and compiled by the engine (once per policy
//! and catalog set), its parameters checked as an assignment would be, the resource evaluated,
//! and the outcome compared with the expectation. Failures are explained.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::engine::{Engine, Request};
use super::evaluate::{CompiledUnderTest, Outcome, engine_notes};
use super::explain::{Explanation, explain_prepared};
use super::policy::{ParameterInfo, PolicyUnderTest, parameters};
use super::source::Located;
use super::spec::{Case, Expectation, Expected, PolicyRef, TestFile};
use crate::catalog::aliases::Catalog;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::project::Compilation;
use crate::syntax::span::Span;

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    /// The case could not be evaluated; its diagnostics say why.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub name: String,
    pub span: Span,
    pub status: Status,
    /// The policy's label.
    pub policy: String,
    /// `None` for a case that could not be read.
    pub expected: Option<Expectation>,
    pub outcome: Option<Outcome>,
    /// Why it failed: a one-line summary and, for operations or details, a diff.
    pub mismatch: Option<Mismatch>,
    pub explanation: Option<Explanation>,
    /// What the engine does not model about this evaluation.
    pub notes: Vec<String>,
    /// Why it was skipped.
    pub skip_reason: Option<String>,
    /// For an initiative: each member the case expects something of, in the order written.
    pub members: Vec<MemberReport>,
}

/// One member of an initiative case.
#[derive(Debug, Clone)]
pub struct MemberReport {
    pub reference: String,
    /// The member's policy (its label).
    pub policy: String,
    pub status: Status,
    pub expected: Expectation,
    pub outcome: Option<Outcome>,
    /// Why it failed, with where its parameters came from; empty when it passed.
    pub message: String,
    pub diff: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub summary: String,
    pub diff: Option<String>,
}

impl CaseReport {
    /// A case that has not run yet: an error until it does.
    fn new(name: String, span: Span, policy: String, expected: Option<Expectation>) -> CaseReport {
        CaseReport {
            name,
            span,
            status: Status::Error,
            policy,
            expected,
            outcome: None,
            mismatch: None,
            explanation: None,
            notes: Vec::new(),
            skip_reason: None,
            members: Vec::new(),
        }
    }
}

/// The results of one test file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub cases: Vec<CaseReport>,
    /// The file itself could not be read (its diagnostics say why).
    pub unreadable: bool,
}

/// Everything a run needs across files: the compiled gavel sources, the engines (one per set of
/// catalogs) and the policies they compiled.
pub struct Session {
    pub compilation: Compilation,
    pub diagnostics: Diagnostics,
    /// Catalogs loaded for every file: the projects' (`gavel.toml`) and `--catalog`.
    extra_catalogs: Vec<Catalog>,
    engines: HashMap<Vec<PathBuf>, Option<Engine>>,
    compiled: HashMap<(Vec<PathBuf>, PolicyRef), Option<Arc<CompiledUnderTest>>>,
    /// Case names must contain this to run.
    filter: Option<String>,
}

impl Session {
    pub fn new(compilation: Compilation, extra_catalogs: Vec<Catalog>, filter: Option<String>) -> Session {
        Session {
            compilation,
            diagnostics: Diagnostics::default(),
            extra_catalogs,
            engines: HashMap::new(),
            compiled: HashMap::new(),
            filter,
        }
    }

    /// Reads and runs one test file.
    pub fn run_file(&mut self, path: &Path) -> FileReport {
        let Some(file) = super::spec::read_test_file(path, &mut self.compilation.sources, &mut self.diagnostics) else {
            return FileReport { path: path.to_path_buf(), cases: Vec::new(), unreadable: true };
        };
        let key = self.engine_key(&file);
        let filter = self.filter.clone();
        let selected = |name: &str| filter.as_ref().is_none_or(|f| name.contains(f.as_str()));
        let TestFile { path, cases, broken, .. } = file;
        // Each case is handed over: its resources move into the evaluation rather than being
        // copied, and are freed when it ends.
        let mut cases: Vec<CaseReport> =
            cases.into_iter().filter(|case| selected(&case.name)).map(|case| self.run_case(&key, case)).collect();
        // Cases that could not be read are reported where they are written, as errors.
        for (name, span) in broken.iter().filter(|(name, _)| selected(name)) {
            let at = cases.iter().position(|c| c.span > *span).unwrap_or(cases.len());
            cases.insert(at, CaseReport::new(name.clone(), *span, String::new(), None));
        }
        FileReport { path, cases, unreadable: false }
    }

    /// Runs one case built by the caller (`gavel eval`) with the run's catalogs only.
    pub fn run_single_case(&mut self, case: Case) -> CaseReport {
        let key = Vec::new();
        if !self.engines.contains_key(&key) {
            let engine = self.load_engine(&[]);
            self.engines.insert(key.clone(), engine);
        }
        self.run_case(&key, case)
    }

    /// The catalogs of a file, loaded once per distinct set.
    fn engine_key(&mut self, file: &TestFile) -> Vec<PathBuf> {
        let mut key: Vec<PathBuf> =
            file.catalogs.iter().map(|c| c.value.canonicalize().unwrap_or_else(|_| c.value.clone())).collect();
        key.sort();
        key.dedup();
        if !self.engines.contains_key(&key) {
            let engine = self.load_engine(&file.catalogs);
            self.engines.insert(key.clone(), engine);
        }
        key
    }

    fn load_engine(&mut self, catalogs: &[Located<PathBuf>]) -> Option<Engine> {
        let mut imports = self.extra_catalogs.clone();
        for catalog in catalogs {
            match read_catalog(&catalog.value) {
                Ok(loaded) => imports.push(loaded),
                Err(message) => {
                    self.diagnostics.push(
                        Diagnostic::new(Code::InvalidTestCatalog, catalog.span, message)
                            .with_help("an alias catalog is `az provider show --expand \"resourceTypes/aliases\"` output (see `gavel explain GV0607`)"),
                    );
                    return None;
                }
            }
        }
        match Engine::with_imports(&imports) {
            Ok(engine) => Some(engine),
            Err(error) => {
                let span = catalogs.first().map_or(Span::default(), |c| c.span);
                self.diagnostics.push(Diagnostic::new(Code::InvalidTestCatalog, span, error.to_string()));
                None
            }
        }
    }

    fn run_case(&mut self, key: &[PathBuf], mut case: Case) -> CaseReport {
        let mut report = CaseReport::new(
            case.name.clone(),
            case.span,
            policy_label(&case.policy.value),
            Some(case.expect.value.clone()),
        );
        if let Some(reason) = &case.skip {
            report.status = Status::Skipped;
            report.skip_reason = Some(reason.clone());
            return report;
        }
        let Some(engine) = self.engines.get(key).cloned().flatten() else {
            return report;
        };
        if let PolicyRef::Gavel(name) = &case.policy.value
            && let Some(initiative) = self.initiative(name)
        {
            return self.run_initiative_case(key, &engine, case, &initiative, report);
        }
        if case.expect.value.members.is_some() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidExpectation,
                    case.expect.span,
                    format!("`members` is for initiatives; `{}` is a policy", report.policy),
                )
                .with_help("expect the policy's own outcome: an effect, `compliant` or `not applicable`"),
            );
            return report;
        }
        let Some(compiled) = self.compiled_policy(key, &engine, &case.policy) else {
            return report;
        };
        report.policy = compiled.policy.label.clone();
        let request = match self.request(&mut case, &compiled.policy) {
            Some(request) => request,
            None => return report,
        };
        let prepared = engine.prepare(&request);
        let outcome = match compiled.evaluate(&prepared) {
            Ok(outcome) => outcome,
            Err(error) => {
                self.diagnostics.push(engine_diagnostic(case.span, &compiled.policy.label, &error.to_string()));
                return report;
            }
        };
        report.notes = engine_notes(&engine, &compiled.policy, &outcome);
        report.mismatch = compare(&case.expect.value, &outcome);
        report.status = if report.mismatch.is_some() { Status::Failed } else { Status::Passed };
        if report.status == Status::Failed {
            report.explanation = Some(explain_prepared(&engine, &compiled.policy, &request, &prepared, &outcome));
        }
        report.outcome = Some(outcome);
        report
    }

    /// The case's policy compiled by `engine`; each policy is compiled once per catalog set.
    pub(super) fn compiled_policy(
        &mut self,
        key: &[PathBuf],
        engine: &Engine,
        policy: &Located<PolicyRef>,
    ) -> Option<Arc<CompiledUnderTest>> {
        let cache_key = (key.to_vec(), policy.value.clone());
        if let Some(compiled) = self.compiled.get(&cache_key) {
            return compiled.clone();
        }
        let compiled = self.compile_policy(engine, policy);
        self.compiled.insert(cache_key, compiled.clone());
        compiled
    }

    fn compile_policy(&mut self, engine: &Engine, policy: &Located<PolicyRef>) -> Option<Arc<CompiledUnderTest>> {
        let found = match &policy.value {
            PolicyRef::Gavel(name) => PolicyUnderTest::from_gavel(&self.compilation, name, policy.span),
            PolicyRef::Json(path) => PolicyUnderTest::from_json_file(path, &mut self.compilation.sources, policy.span),
        };
        let found = match found {
            Ok(found) => Arc::new(found),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                return None;
            }
        };
        match CompiledUnderTest::new(engine, Arc::clone(&found)) {
            Ok(compiled) => Some(Arc::new(compiled)),
            Err(error) => {
                self.diagnostics.push(engine_diagnostic(policy.span, &found.label, &error.to_string()));
                None
            }
        }
    }

    /// The request the case describes, if its parameters make a valid assignment. The case's
    /// resources move into it.
    fn request(&mut self, case: &mut Case, policy: &PolicyUnderTest) -> Option<Request> {
        let parameters = match assignment(&case.parameters, case.parameters_span, policy) {
            Ok(parameters) => parameters,
            Err(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                return None;
            }
        };
        Some(Request {
            resource: std::mem::take(&mut case.resource.value),
            parameters,
            context: std::mem::take(&mut case.context),
            related: case.related.drain(..).map(|r| r.value).collect(),
        })
    }
}

fn policy_label(policy: &PolicyRef) -> String {
    match policy {
        PolicyRef::Gavel(name) => name.clone(),
        PolicyRef::Json(path) => crate::project::display_path(path).display().to_string(),
    }
}

/// A diagnostic for something the engine refused, at the case or policy reference.
pub fn engine_diagnostic(span: Span, policy: &str, message: &str) -> Diagnostic {
    let help = if message.contains("unknown alias") {
        "load the provider's aliases: `catalogs:` in the test file or `--catalog FILE`, with an \
         `az provider show --namespace NS --expand \"resourceTypes/aliases\"` export"
    } else {
        "the engine is Microsoft's Azure Policy engine (regorus); see `gavel explain GV0605`"
    };
    Diagnostic::new(Code::EngineRefused, span, format!("cannot evaluate `{policy}`: {message}")).with_help(help)
}

/// Reads an alias export in any shape and encoding `gavel` imports.
pub fn read_catalog(path: &Path) -> Result<Catalog, String> {
    let bytes = crate::project::read::read_file(path, crate::project::read::Limit::Catalog)
        .map_err(|e| format!("cannot read `{}`: {e}; {}", path.display(), e.help()))?;
    crate::catalog::import::import_bytes(&bytes).map_err(|e| {
        let help = e.help().map(|h| format!("; {h}")).unwrap_or_default();
        format!("`{}` is not an alias catalog: {e}{help}", path.display())
    })
}

/// Parameter values as an assignment would give them: names in the policy's spelling, every
/// parameter without a default given, allowed values respected. A missing value is reported at
/// `missing_at`.
pub fn assignment(
    given: &BTreeMap<String, Located<Value>>,
    missing_at: Span,
    policy: &PolicyUnderTest,
) -> Result<Map<String, Value>, Vec<Diagnostic>> {
    let declared =
        Declared { label: &policy.label, parameters: parameters(&policy.definition), spans: &policy.parameter_spans };
    assignment_of(given, missing_at, &declared)
}

/// The parameters a policy or initiative declares, as an assignment sees them.
pub(super) struct Declared<'a> {
    pub label: &'a str,
    pub parameters: Vec<ParameterInfo>,
    /// Where each is declared, when known.
    pub spans: &'a [(String, Span)],
}

pub(super) fn assignment_of(
    given: &BTreeMap<String, Located<Value>>,
    missing_at: Span,
    declared: &Declared<'_>,
) -> Result<Map<String, Value>, Vec<Diagnostic>> {
    let mut values = Map::new();
    let mut errors = Vec::new();
    for (name, value) in given {
        match declared.parameters.iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
            Some(param) => {
                errors.extend(disallowed(param, value));
                values.insert(param.name.clone(), value.value.clone());
            }
            None => errors.push(unknown_parameter(name, value.span, declared)),
        }
    }
    for param in declared.parameters.iter().filter(|p| p.default.is_none() && !values.contains_key(&p.name)) {
        errors.push(missing_parameter(&param.name, missing_at, declared));
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

fn unknown_parameter(name: &str, at: Span, declared: &Declared<'_>) -> Diagnostic {
    let help = match crate::diag::did_you_mean(name, declared.parameters.iter().map(|p| p.name.as_str())) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("its parameters are: {}", names(&declared.parameters)),
    };
    Diagnostic::new(Code::InvalidTestParameters, at, format!("`{}` has no parameter `{name}`", declared.label))
        .with_help(help)
}

/// A value outside the parameter's `allowedValues`, which Azure refuses at assignment.
fn disallowed(param: &ParameterInfo, value: &Located<Value>) -> Option<Diagnostic> {
    let allowed = param.allowed.as_ref()?;
    if allowed.iter().any(|a| crate::check::parameters::same_allowed_value(a, &value.value)) {
        return None;
    }
    let listed = allowed.iter().map(Value::to_string).collect::<Vec<_>>().join(", ");
    let message = format!("{} is not an allowed value of `{}`", value.value, param.name);
    Some(Diagnostic::new(Code::InvalidTestParameters, value.span, message).with_help(format!("allowed: {listed}")))
}

/// A parameter without a default and without a value, reported at `missing_at` (or, when
/// that is nowhere, at the parameter's declaration).
fn missing_parameter(name: &str, missing_at: Span, declared: &Declared<'_>) -> Diagnostic {
    let declared_at = declared.spans.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
    let at = if missing_at == Span::default() { declared_at.unwrap_or(missing_at) } else { missing_at };
    let mut diagnostic =
        Diagnostic::new(Code::InvalidTestParameters, at, format!("parameter `{name}` has no default and no value"))
            .with_help(format!("give it a value, e.g. `{name}: …` under `parameters:`"));
    if let Some(declared_at) = declared_at.filter(|d| *d != at) {
        diagnostic = diagnostic.with_label(declared_at, "declared here without a default");
    }
    diagnostic
}

fn names(params: &[ParameterInfo]) -> String {
    if params.is_empty() {
        return "none".into();
    }
    params.iter().map(|p| format!("`{}`", p.name)).collect::<Vec<_>>().join(", ")
}

/// `None` when the outcome is what the case expects.
pub fn compare(expected: &Expectation, outcome: &Outcome) -> Option<Mismatch> {
    let effect_matches = match &expected.outcome {
        Expected::Effect(effect) => outcome.effect.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(effect)),
        Expected::Compliant => outcome.effect.is_none(),
        Expected::NotApplicable => outcome.effect.is_none() && !outcome.applicable,
    };
    if !effect_matches {
        return Some(Mismatch {
            summary: format!("expected {}, got {}", expected.outcome.label(), outcome.label()),
            diff: None,
        });
    }
    let details = outcome.details.as_ref();
    if let Some(operations) = &expected.operations {
        let actual = details.and_then(|d| member(d, "operations")).cloned().unwrap_or(Value::Array(Vec::new()));
        let wanted = Value::Array(operations.clone());
        if comparable(&wanted) != comparable(&actual) {
            return Some(Mismatch { summary: "the operations differ".into(), diff: Some(diff(&wanted, &actual)) });
        }
    }
    if let Some(wanted) = &expected.details {
        let actual: Map<String, Value> =
            wanted.keys().filter_map(|k| details.and_then(|d| member(d, k)).map(|v| (k.clone(), v.clone()))).collect();
        if comparable(&Value::Object(wanted.clone())) != comparable(&Value::Object(actual.clone())) {
            return Some(Mismatch {
                summary: "the details differ".into(),
                diff: Some(diff(&Value::Object(wanted.clone()), &Value::Object(actual))),
            });
        }
    }
    None
}

fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| k.to_ascii_lowercase());
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

fn member<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// Operation names, field names and keys compare ignoring case (as Azure does); values exactly.
fn comparable(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out: Vec<(String, Value)> = map
                .iter()
                .map(|(k, v)| {
                    let key = k.to_ascii_lowercase();
                    let v = match (key.as_str(), v) {
                        ("operation" | "field", Value::String(s)) => Value::String(s.to_ascii_lowercase()),
                        _ => comparable(v),
                    };
                    (key, v)
                })
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(out.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(comparable).collect()),
        other => other.clone(),
    }
}

/// A line diff of the two values, pretty-printed with keys in one order: `-` expected,
/// `+` actual.
fn diff(expected: &Value, actual: &Value) -> String {
    let expected = serde_json::to_string_pretty(&sorted_keys(expected)).unwrap_or_default();
    let actual = serde_json::to_string_pretty(&sorted_keys(actual)).unwrap_or_default();
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(&expected, &actual).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        out.push(sign);
        out.push_str(change.value().trim_end_matches('\n'));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outcome(effect: Option<&str>, applicable: bool, details: Option<Value>) -> Outcome {
        Outcome { effect: effect.map(String::from), applicable, details, lookups: Vec::new() }
    }

    fn expect(outcome: Expected) -> Expectation {
        Expectation::of(outcome)
    }

    #[test]
    fn effects_compare_ignoring_case() {
        assert_eq!(compare(&expect(Expected::Effect("audit".into())), &outcome(Some("Audit"), true, None)), None);
        let mismatch = compare(&expect(Expected::Effect("deny".into())), &outcome(Some("Audit"), true, None));
        assert_eq!(mismatch.map(|m| m.summary), Some("expected deny, got Audit".into()));
    }

    #[test]
    fn not_applicable_is_stricter_than_compliant() {
        assert_eq!(compare(&expect(Expected::Compliant), &outcome(None, true, None)), None);
        let mismatch = compare(&expect(Expected::NotApplicable), &outcome(None, true, None));
        assert_eq!(mismatch.map(|m| m.summary), Some("expected not applicable, got compliant".into()));
    }

    #[test]
    fn operations_differ_with_a_diff() {
        let details = json!({"operations": [{"operation": "addOrReplace", "field": "A/b", "value": true}]});
        let mut expectation = expect(Expected::Effect("modify".into()));
        expectation.operations = Some(vec![json!({"operation": "AddOrReplace", "field": "a/B", "value": true})]);
        assert_eq!(compare(&expectation, &outcome(Some("Modify"), true, Some(details.clone()))), None);
        expectation.operations = Some(vec![json!({"operation": "addOrReplace", "field": "A/b", "value": false})]);
        let mismatch = compare(&expectation, &outcome(Some("Modify"), true, Some(details))).unwrap();
        let diff = mismatch.diff.unwrap();
        assert!(diff.contains("-    \"value\": false") && diff.contains("+    \"value\": true"), "{diff}");
    }
}

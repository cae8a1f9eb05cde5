//! `gavel eval`: one policy (gavel or JSON definition) against one resource, printing the
//! effect and the conditions that decided it. Exit code 0 whatever the effect; 1 when the input
//! has errors; 2 for usage and I/O problems.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::test::ReportFormat;
use super::{CatalogArgs, Outcome, shown_sources};
use crate::catalog::aliases::Catalog;
use crate::diag::render::{render_human, summary_line};
use crate::diag::{Code, Diagnostic};
use crate::project::read::{Limit, read_file_to_string, read_stdin};
use crate::project::{self, Compilation};
use crate::syntax::span::{SourceMap, Span};
use crate::test_runner::engine::{Engine, Request};
use crate::test_runner::evaluate::{self, CompiledUnderTest, engine_notes};
use crate::test_runner::explain::{Explanation, explain};
use crate::test_runner::policy::PolicyUnderTest;
use crate::test_runner::report;
use crate::test_runner::run::assignment;
use crate::test_runner::source::{Located, read_json_file};
use crate::test_runner::spec::check_resource;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A `.gavel` file or a JSON policy definition (`.json`).
    pub policy: PathBuf,
    /// The resource as `az resource show` prints it (a JSON file, or `-` for standard input).
    pub resource: PathBuf,
    /// Parameter values: a JSON object, or `@FILE` holding one.
    #[arg(long, value_name = "JSON")]
    pub parameters: Option<String>,
    /// Which policy of the `.gavel` file, when it holds more than one.
    #[arg(long = "name", value_name = "POLICY")]
    pub name: Option<String>,
    /// A related resource that an existence check (auditIfNotExists, deployIfNotExists) can
    /// find; may be repeated.
    #[arg(long = "related", value_name = "FILE")]
    pub related: Vec<PathBuf>,
    /// `requestContext`, `resourceGroup` and `subscription` values: a JSON object, or `@FILE`.
    #[arg(long, value_name = "JSON")]
    pub context: Option<String>,
    #[command(flatten)]
    pub catalogs: CatalogArgs,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Why an evaluation did not happen.
enum Stop {
    Usage(String),
    Input(Vec<Diagnostic>),
}

pub fn run(args: EvalArgs) -> Outcome {
    let mut compilation = Compilation::default();
    match evaluate(&args, &mut compilation) {
        Ok(text) => {
            print!("{text}");
            Outcome::Success
        }
        Err(Stop::Usage(message)) => {
            eprintln!("error: {message}");
            if args.format == ReportFormat::Json {
                print!("{}", refusal_json("usage", &message, &[], &compilation.sources));
            }
            Outcome::UsageOrIo
        }
        Err(Stop::Input(diagnostics)) => {
            let shown = shown_sources(&compilation.sources);
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", render_human(&diagnostics, &shown, color));
            let summary = summary_line(&diagnostics);
            eprintln!("{summary}");
            if args.format == ReportFormat::Json {
                print!("{}", refusal_json("input", &summary, &diagnostics, &shown));
            }
            Outcome::InputErrors
        }
    }
}

/// What `--format json` prints when there is no evaluation, so that scripts always read JSON:
/// `evaluated: false`, why (`usage`: the arguments, a missing file; `input`: problems in the
/// policy, resource or parameters, with their diagnostics), and a message.
fn refusal_json(reason: &str, message: &str, diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let rendered = crate::diag::render::render_json(diagnostics, sources);
    let document = json!({
        "evaluated": false,
        "reason": reason,
        "message": message,
        "effect": Value::Null,
        "diagnostics": rendered.get("diagnostics").cloned().unwrap_or_else(|| json!([])),
    });
    crate::emit::to_pretty_text(&document)
}

/// Everything but printing: the text to print, or why there is none.
fn evaluate(args: &EvalArgs, compilation: &mut Compilation) -> Result<String, Stop> {
    let policy = match load_policy(args, compilation)? {
        Loaded::Policy(policy) => Arc::new(*policy),
        Loaded::Initiative(name) => return evaluate_initiative(args, compilation, &name),
    };
    let engine = Engine::with_imports(&catalog(args, compilation)?).map_err(|e| Stop::Usage(e.to_string()))?;
    let request = request(args, &policy, &mut compilation.sources)?;
    let refused = |message: &str| {
        Stop::Input(vec![crate::test_runner::run::engine_diagnostic(Span::default(), &policy.label, message)])
    };
    let compiled = CompiledUnderTest::new(&engine, Arc::clone(&policy)).map_err(|e| refused(&e.to_string()))?;
    let outcome = compiled.evaluate(&engine.prepare(&request)).map_err(|e| refused(&e.to_string()))?;
    let explanation = explain(&engine, &policy, &request, &outcome);
    let notes = engine_notes(&engine, &policy, &outcome);
    let sources = &compilation.sources;
    Ok(match args.format {
        ReportFormat::Human => human(&policy, &request, &outcome, &explanation, &notes, sources),
        ReportFormat::Json => {
            let mut document = report::outcome_json(&outcome);
            if let Some(map) = document.as_object_mut() {
                map.insert("policy".into(), json!(policy.label));
                map.insert("explanation".into(), report::explanation_json(&explanation, sources));
                map.insert("notes".into(), json!(notes));
            }
            crate::emit::to_pretty_text(&document)
        }
    })
}

/// The catalogs beyond the built-in one: those the compilation used (`gavel.toml`, `--catalog`),
/// or, for a JSON definition, those of the project around it and `--catalog`.
fn catalog(args: &EvalArgs, compilation: &Compilation) -> Result<Vec<Catalog>, Stop> {
    if !compilation.units.is_empty() {
        return Ok(compilation.catalog.iter().cloned().collect());
    }
    let dir = args.policy.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    args.catalogs.load(dir).map(|c| vec![c]).map_err(Stop::Usage)
}

/// The resource, related resources, parameters and context the arguments give, checked.
fn request(args: &EvalArgs, policy: &PolicyUnderTest, sources: &mut SourceMap) -> Result<Request, Stop> {
    let resource = read_resource(&args.resource, sources, "resource")?;
    let related =
        args.related.iter().map(|p| read_resource(p, sources, "related resource")).collect::<Result<Vec<_>, _>>()?;
    let given = json_option(args.parameters.as_deref(), "--parameters", sources)?;
    // Without `--parameters`, a missing value is reported at the parameter's declaration.
    let missing_at = given.as_ref().map_or(Span::default(), |g| g.1);
    let located: BTreeMap<String, Located<Value>> = given
        .iter()
        .flat_map(|(map, span)| map.iter().map(|(k, v)| (k.clone(), Located::new(v.clone(), *span))))
        .collect();
    let parameters = assignment(&located, missing_at, policy).map_err(Stop::Input)?;
    let context = json_option(args.context.as_deref(), "--context", sources)?.map(|(m, _)| m).unwrap_or_default();
    Ok(Request { resource, parameters, context, related })
}

fn human(
    policy: &PolicyUnderTest,
    request: &Request,
    outcome: &evaluate::Outcome,
    explanation: &Explanation,
    notes: &[String],
    sources: &SourceMap,
) -> String {
    let effect = match (&outcome.effect, outcome.applicable) {
        (Some(effect), _) => effect.clone(),
        (None, true) => "none (compliant)".into(),
        (None, false) => "none (not applicable)".into(),
    };
    let resource = resource_label(&request.resource);
    let mut out = format!("effect:   {effect}\npolicy:   {}\nresource: {resource}\n", policy.label);
    report::why(&mut out, explanation, outcome, sources);
    notes.iter().for_each(|n| out.push_str(&format!("note: {n}\n")));
    out
}

/// `type `name`` of a resource.
fn resource_label(resource: &Value) -> String {
    let get = |key: &str| crate::test_runner::resource::member(resource, key).and_then(Value::as_str);
    format!("{} `{}`", get("type").unwrap_or("?"), get("name").unwrap_or("(no name)"))
}

/// What `gavel eval` evaluates.
enum Loaded {
    Policy(Box<PolicyUnderTest>),
    /// An initiative of the compilation, by name: each member is evaluated.
    Initiative(String),
}

/// The policy: a JSON definition, or the (named, or only) policy of a gavel file; or the
/// initiative `--name` names (or the file's only definition, when it is one).
fn load_policy(args: &EvalArgs, compilation: &mut Compilation) -> Result<Loaded, Stop> {
    let path = &args.policy;
    if std::fs::metadata(path).is_err() {
        return Err(Stop::Usage(format!("{}: no such file", path.display())));
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return PolicyUnderTest::from_json_file(path, &mut compilation.sources, Span::default())
            .map(|p| Loaded::Policy(Box::new(p)))
            .map_err(|d| Stop::Input(vec![d]));
    }
    *compilation = project::compile_paths_with(std::slice::from_ref(path), &args.catalogs.options())
        .map_err(|e| Stop::Usage(e.to_string()))?;
    if compilation.has_errors() {
        return Err(Stop::Input(compilation.diagnostics.iter().cloned().collect()));
    }
    if let Some(name) = initiative_name(args, compilation) {
        return Ok(Loaded::Initiative(name));
    }
    let name = policy_name(args, compilation)?;
    PolicyUnderTest::from_gavel(compilation, &name, Span::default()).map(|p| Loaded::Policy(Box::new(p))).map_err(|d| {
        match d.code {
            Code::UnknownTestPolicy => {
                Stop::Usage(format!("{}{}", d.message, d.help.map(|h| format!("; {h}")).unwrap_or_default()))
            }
            _ => Stop::Input(vec![d]),
        }
    })
}

/// The initiative `--name` names, or the file's only definition when it is an initiative.
fn initiative_name(args: &EvalArgs, compilation: &Compilation) -> Option<String> {
    let definitions = compilation.emitted_definitions();
    let initiative = match &args.name {
        Some(name) => definitions.iter().find(|d| d.name().value == *name),
        None => match definitions.as_slice() {
            [only] => Some(only),
            _ => None,
        },
    };
    initiative.filter(|d| matches!(d, crate::ast::Definition::Initiative(_))).map(|d| d.name().value.clone())
}

/// Each member of initiative `name` evaluated with what the initiative (and `--parameters`,
/// the assignment's values) gives it, as `gavel test` evaluates an initiative case.
fn evaluate_initiative(args: &EvalArgs, compilation: &mut Compilation, name: &str) -> Result<String, Stop> {
    use crate::test_runner::run::Session;
    use crate::test_runner::spec::{Case, Expectation, Expected, PolicyRef};
    let catalogs: Vec<Catalog> = compilation.catalog.iter().cloned().collect();
    let mut session = Session::new(std::mem::take(compilation), catalogs, None);
    let sources = &mut session.compilation.sources;
    let resource = read_resource(&args.resource, sources, "resource")?;
    let related =
        args.related.iter().map(|p| read_resource(p, sources, "related resource")).collect::<Result<Vec<_>, _>>()?;
    let given = json_option(args.parameters.as_deref(), "--parameters", sources)?;
    let context = json_option(args.context.as_deref(), "--context", sources)?.map(|(m, _)| m).unwrap_or_default();
    let initiative = session.initiative(name).ok_or_else(|| Stop::Usage(format!("no initiative named `{name}`")))?;
    let evaluable = |member: &crate::ast::Member| session.member_policy_name(member).is_some();
    let members: Vec<(String, Expectation)> = initiative
        .members
        .iter()
        .filter(|m| evaluable(m))
        .map(|m| (m.reference().to_string(), Expectation::of(Expected::Compliant)))
        .collect();
    let skipped = initiative.members.len() - members.len();
    let resource_shown = resource_label(&resource);
    let case = Case {
        name: "eval".into(),
        span: Span::default(),
        policy: Located::new(PolicyRef::Gavel(name.to_string()), Span::default()),
        resource: Located::new(resource, Span::default()),
        parameters: given
            .iter()
            .flat_map(|(map, span)| map.iter().map(|(k, v)| (k.clone(), Located::new(v.clone(), *span))))
            .collect(),
        parameters_span: given.as_ref().map_or(Span::default(), |g| g.1),
        context,
        related: related.into_iter().map(|r| Located::new(r, Span::default())).collect(),
        expect: Located::new(
            Expectation { members: Some(members), ..Expectation::of(Expected::Compliant) },
            Span::default(),
        ),
        skip: None,
    };
    let report = session.run_single_case(case);
    let diagnostics: Vec<Diagnostic> = session.diagnostics.iter().cloned().collect();
    *compilation = session.compilation;
    if !diagnostics.is_empty() {
        return Err(Stop::Input(diagnostics));
    }
    let label = |m: &crate::test_runner::run::MemberReport| m.outcome.as_ref().map_or("?".into(), |o| o.label());
    Ok(match args.format {
        ReportFormat::Human => {
            let mut out = format!("initiative: {name}\nresource:   {resource_shown}\n");
            for member in &report.members {
                out.push_str(&format!("  {:<16} {}  (policy `{}`)\n", label(member), member.reference, member.policy));
            }
            if skipped > 0 {
                out.push_str(&format!(
                    "note: {skipped} member(s) reference definitions not among the files given, and were not evaluated\n"
                ));
            }
            out
        }
        ReportFormat::Json => {
            let members: Vec<Value> = report
                .members
                .iter()
                .map(|m| json!({"reference": m.reference, "policy": m.policy, "actual": m.outcome.as_ref().map(report::outcome_json)}))
                .collect();
            crate::emit::to_pretty_text(&json!({"initiative": name, "members": members, "notEvaluated": skipped}))
        }
    })
}

/// The policy `--name` chooses, or the only one of the file.
fn policy_name(args: &EvalArgs, compilation: &Compilation) -> Result<String, Stop> {
    let policies: Vec<&str> = compilation
        .emitted_definitions()
        .into_iter()
        .filter(|d| matches!(d, crate::ast::Definition::Policy(_)))
        .map(|d| d.name().value.as_str())
        .collect();
    let path = args.policy.display();
    match (&args.name, policies.as_slice()) {
        (Some(name), _) => Ok(name.clone()),
        (None, [only]) => Ok((*only).to_string()),
        (None, []) => Err(Stop::Usage(format!("{path} defines no policy"))),
        (None, many) => Err(Stop::Usage(format!(
            "{path} defines {} policies; choose one with --name ({})",
            many.len(),
            many.join(", ")
        ))),
    }
}

/// A resource from a file or standard input (`-`), checked like a test's.
fn read_resource(path: &Path, sources: &mut SourceMap, what: &str) -> Result<Value, Stop> {
    let located = if path == Path::new("-") {
        let bytes = read_stdin(Limit::File)
            .map_err(|e| Stop::Usage(format!("cannot read standard input: {e}\n  = help: {}", e.help())))?;
        let text = String::from_utf8(bytes).map_err(|e| Stop::Usage(format!("standard input is not UTF-8: {e}")))?;
        let file = sources.add("<stdin>", text.clone());
        let value = serde_json::from_str(&text).map_err(|e| {
            Stop::Input(vec![Diagnostic::new(
                Code::InvalidTestResource,
                crate::test_runner::source::json_error_span(file, &text, &e),
                format!("the {what} is not valid JSON: {}", crate::test_runner::source::json_message(&e)),
            )])
        })?;
        Located::new(value, Span::new(file, 0, 1))
    } else {
        if std::fs::metadata(path).is_err() {
            return Err(Stop::Usage(format!("{}: no such file", path.display())));
        }
        read_json_file(path, sources, Code::InvalidTestResource, Span::default()).map_err(|d| Stop::Input(vec![d]))?
    };
    check_resource(&located.value).map_err(|message| {
        Stop::Input(vec![
            Diagnostic::new(Code::InvalidTestResource, located.span, format!("the {what} {message}"))
                .with_help("give the resource as `az resource show` prints it: a JSON object with `type`"),
        ])
    })?;
    Ok(located.value)
}

/// A JSON object from the command line and where it is kept in the source map.
type JsonObject = (Map<String, Value>, Span);

/// A JSON object given on the command line (or `@FILE`), kept in the source map under `flag`
/// so that problems with its values can point at it.
fn json_option(text: Option<&str>, flag: &str, sources: &mut SourceMap) -> Result<Option<JsonObject>, Stop> {
    let Some(text) = text else { return Ok(None) };
    let (name, text) = match text.strip_prefix('@') {
        Some(file) => {
            let text = read_file_to_string(Path::new(file), Limit::File)
                .map_err(|e| Stop::Usage(format!("{flag}: cannot read `{file}`: {e}\n  = help: {}", e.help())))?;
            (file.to_string(), text)
        }
        None => (flag.to_string(), text.to_string()),
    };
    let file = sources.add(name, text.clone());
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(Some((map, Span::new(file, 0, text.len())))),
        Ok(_) => Err(Stop::Usage(format!("{flag} must be a JSON object, like '{{\"effect\": \"Deny\"}}'"))),
        Err(e) => Err(Stop::Usage(format!("{flag} is not valid JSON: {e}"))),
    }
}

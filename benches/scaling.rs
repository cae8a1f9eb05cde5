//! Scaling: each input dimension grown from 1,000 to 100,000, timed at each size, with the
//! ratio per 10× (linear is 10×; the goal is at most 12×). One line per dimension and size,
//! then a summary table.
//!
//! - file size: N policies in one source file, compiled;
//! - diagnostics per line: N unused parameters on one line, `gavel check` drawing them on
//!   stderr (the binary), and the JSON rendering (the library);
//! - keys per object: a JSON definition whose `metadata` has N keys, two given twice;
//! - same-named definitions: N JSON definitions with one display name, decompiled;
//! - conditions per policy: the explanation `gavel eval` prints for a policy of N conditions,
//!   and a failing `gavel test` case of that policy;
//! - related resources: an existence check trying N related resources, explained; and a
//!   related resource of N log entries (about 100 bytes each) referenced ten times by a
//!   failing case;
//! - document size in the server: an N-line document opened, then changed, until its
//!   diagnostics arrive (the language server over stdio, the LSP bench's client).
//!
//! Run: `cargo bench --bench scaling`. `GAVEL_BENCH_QUICK=1`: only 1,000 and 10,000, one
//! iteration (the CI step). `GAVEL_BENCH_ONLY=TEXT`: only the dimensions whose name contains it. A size whose projected time (the previous size's × 12) passes
//! [`TIME_CAP`] is not run, and the line says so. Inputs are written to a temporary folder.

#[path = "../tests/support/lsp_client.rs"]
mod client;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gavel::catalog::import::import_json;
use gavel::decompile::{JsonInput, decompile, read_json_definitions};
use gavel::diag::render::render_json;
use gavel::project::{Compilation, compile_source};
use gavel::syntax::span::FileId;
use gavel::test_runner::engine::{Engine, Request};
use gavel::test_runner::evaluate::CompiledUnderTest;
use gavel::test_runner::explain::explain_prepared;
use gavel::test_runner::policy::from_json;
use gavel::test_runner::run::{Session, Status};
use serde_json::{Value, json};

/// A size is not run when the one before it, times 12, would take longer than this.
const TIME_CAP: Duration = Duration::from_secs(120);
/// The goal: at most this many times slower for ten times the input.
const GOAL: f64 = 12.0;

fn main() {
    let quick = std::env::var_os("GAVEL_BENCH_QUICK").is_some();
    let sizes: &[usize] = if quick { &[1_000, 10_000] } else { &[1_000, 10_000, 100_000] };
    let iterations = if quick { 1 } else { 3 };
    let work = tempfile::tempdir().expect("a temporary folder");
    let dir = work.path();
    println!(
        "gavel scaling, sizes {sizes:?}, best of {iterations}{}",
        if quick { " (quick: GAVEL_BENCH_QUICK)" } else { "" }
    );

    let dimensions: Vec<Dimension> = vec![
        Dimension::new("file size: N policies in one file, compiled", file_size),
        Dimension::new("diagnostics per line: `gavel check`, human on stderr", move |n| human_diagnostics(dir, n)),
        Dimension::new("diagnostics per line: JSON rendering", json_diagnostics),
        Dimension::new("keys per object: N metadata keys, 2 twice", keys_per_object),
        Dimension::new("same-named definitions, decompiled", same_named_definitions),
        Dimension::new("conditions per policy: `gavel eval` explanation", explained_conditions).largest(
            10_000,
            "the engine compiles no rule of 100,000 conditions (instruction index overflow); Azure takes 4,096",
        ),
        Dimension::new("conditions per policy: failing `gavel test` case", move |n| failing_case(dir, n)).largest(
            10_000,
            "the engine compiles no rule of 100,000 conditions (instruction index overflow); Azure takes 4,096",
        ),
        Dimension::new("related resources: N tried and explained", related_resources),
        Dimension::new("related resource of N entries, 10 references", move |n| big_related(dir, n)),
        Dimension::new("server: N-line document, didOpen → diagnostics", |n| server_document(n).0),
        Dimension::new("server: N-line document, didChange → diagnostics", |n| server_document(n).1),
    ];
    let only = std::env::var("GAVEL_BENCH_ONLY").unwrap_or_default();
    let mut results = Vec::new();
    for mut dimension in dimensions.into_iter().filter(|d| d.name.contains(only.as_str())) {
        println!("{}", dimension.name);
        let timings = dimension.measure(sizes, iterations);
        results.push((dimension.name, timings));
    }
    summary(sizes, &results);
}

/// The time of one size, or why it was not run.
type Timing = Result<Duration, String>;

struct Dimension<'a> {
    name: &'static str,
    run: Box<dyn FnMut(usize) -> Duration + 'a>,
    /// The largest size that can run at all, and why no larger one can.
    largest: Option<(usize, &'static str)>,
}

impl<'a> Dimension<'a> {
    fn new(name: &'static str, run: impl FnMut(usize) -> Duration + 'a) -> Dimension<'a> {
        Dimension { name, run: Box::new(run), largest: None }
    }

    fn largest(self, size: usize, why: &'static str) -> Dimension<'a> {
        Dimension { largest: Some((size, why)), ..self }
    }

    /// Best of `iterations` at each size (one iteration once a run takes over 5 s), printing
    /// each size's time and its ratio to the size before.
    fn measure(&mut self, sizes: &[usize], iterations: usize) -> Vec<Timing> {
        let mut timings: Vec<Timing> = Vec::new();
        for &size in sizes {
            let previous = timings.last().and_then(|t| t.as_ref().ok()).copied();
            let timing = match (self.largest, previous) {
                (Some((largest, why)), _) if size > largest => Err(why.to_string()),
                (_, Some(previous)) if previous.mul_f64(GOAL) > TIME_CAP => {
                    Err(format!("not run: projected over {} s (the cap)", previous.mul_f64(GOAL).as_secs_f64().round()))
                }
                _ => Ok(self.best_of(size, iterations)),
            };
            let ratio = match (&timing, previous) {
                (Ok(time), Some(previous)) => format!("  ×{:.1} per 10×", ratio(*time, previous)),
                _ => String::new(),
            };
            match &timing {
                Ok(time) => println!("  {:>7}  {:>10.2} ms{ratio}", size, ms(*time)),
                Err(why) => println!("  {size:>7}  {why}"),
            }
            timings.push(timing);
        }
        timings
    }

    fn best_of(&mut self, size: usize, iterations: usize) -> Duration {
        let mut best = (self.run)(size);
        for _ in 1..iterations {
            if best > Duration::from_secs(5) {
                break;
            }
            best = best.min((self.run)(size));
        }
        best
    }
}

fn summary(sizes: &[usize], results: &[(&str, Vec<Timing>)]) {
    println!("\nsummary (ms; ratio per 10×, goal ≤ {GOAL}×)");
    let header: Vec<String> = sizes.iter().map(|s| format!("{s:>10}")).collect();
    println!("  {:<52} {}  ratios      verdict", "dimension", header.join(" "));
    for (name, timings) in results {
        let cells: Vec<String> = timings
            .iter()
            .map(|t| t.as_ref().map_or_else(|_| format!("{:>10}", "—"), |d| format!("{:>10.1}", ms(*d))))
            .collect();
        let ratios: Vec<f64> = timings
            .windows(2)
            .filter_map(|pair| match pair {
                [Ok(small), Ok(large)] => Some(ratio(*large, *small)),
                _ => None,
            })
            .collect();
        let shown: Vec<String> = ratios.iter().map(|r| format!("×{r:.1}")).collect();
        let verdict = match ratios.iter().copied().reduce(f64::max) {
            Some(worst) if worst <= GOAL => "linear",
            Some(_) => "SUPER-LINEAR",
            None => "—",
        };
        println!("  {name:<52} {}  {:<11} {verdict}", cells.join(" "), shown.join(" "));
    }
}

fn ratio(large: Duration, small: Duration) -> f64 {
    large.as_secs_f64() / small.as_secs_f64().max(1e-9)
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let result = std::hint::black_box(work());
    (started.elapsed(), result)
}

// ------------------------------------------------------------ the dimensions

fn policies(count: usize) -> String {
    (0..count)
        .map(|i| {
            format!(
                "/// Compute {i} has no public IP\npolicy p{i} \"Compute {i}\" {{\n    mode all\n    \
                 param effect: effect = Deny in [Deny, Disabled]\n    when compute {{\n        \
                 computeType != \"AKS\"\n        enableNodePublicIp == true\n    }}\n    then $effect\n}}\n"
            )
        })
        .collect()
}

fn file_size(count: usize) -> Duration {
    let text = policies(count);
    let (time, compilation) = timed(|| compile_source("many.gavel", &text));
    assert_eq!(compilation.units[0].module.definitions.len(), count);
    time
}

/// One policy on one line with `count` parameters, none of them used (a warning each).
fn one_line_policy(count: usize) -> String {
    let params: Vec<String> = (0..count).map(|i| format!("param p{i}: string")).collect();
    format!("policy p \"p\" {{ mode all {} when compute {{ computeType == \"x\" }} then deny }}", params.join(" "))
}

fn human_diagnostics(dir: &Path, count: usize) -> Duration {
    let path = dir.join("line.gavel");
    std::fs::write(&path, one_line_policy(count)).expect("written");
    let (time, status) = timed(|| {
        Command::new(env!("CARGO_BIN_EXE_gavel"))
            .arg("check")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("gavel runs")
    });
    assert!(status.code().is_some(), "gavel check ended by a signal");
    time
}

fn json_diagnostics(count: usize) -> Duration {
    let compilation = compile_source("line.gavel", &one_line_policy(count));
    let diagnostics = compilation.diagnostics.iter().cloned().collect::<Vec<_>>();
    assert!(diagnostics.len() >= count, "{} diagnostics", diagnostics.len());
    timed(|| render_json(&diagnostics, &compilation.sources)).0
}

fn keys_per_object(count: usize) -> Duration {
    let mut metadata = String::from("{");
    for i in 0..count {
        metadata.push_str(&format!("\"key{i}\": {i}, "));
    }
    metadata.push_str("\"KEY7\": 0, \"Key9\": 0, \"last\": 0}");
    let text = format!(
        r#"{{"properties": {{"mode": "All", "metadata": {metadata},
            "policyRule": {{"if": {{"field": "location", "equals": "x"}}, "then": {{"effect": "audit"}}}}}}}}"#
    );
    let (time, (definitions, diagnostics)) = timed(|| read_json_definitions(FileId(0), &text));
    assert_eq!((definitions.len(), diagnostics.len()), (1, 2));
    time
}

fn same_named_definitions(count: usize) -> Duration {
    let definition = json!({ "properties": {
        "displayName": "Same name",
        "mode": "All",
        "policyRule": { "if": { "field": "location", "equals": "x" }, "then": { "effect": "audit" } }
    } });
    let text = Value::Array(vec![definition; count]).to_string();
    let (time, decompiled) = timed(|| decompile(&JsonInput::new(FileId(0), &text), Some("same")));
    let source = decompiled.source.expect("decompiled");
    assert!(source.contains(&format!("same_name_{count} ")), "every definition is named");
    time
}

/// A definition whose `if` is `count` conditions, all holding but the last, which reads
/// `location`.
fn many_conditions(count: usize) -> Value {
    let mut conditions: Vec<Value> =
        (1..count).map(|i| json!({"field": "name", "notEquals": format!("x{i}")})).collect();
    conditions.push(json!({"field": "location", "equals": "westeurope"}));
    json!({"properties": {"mode": "All", "parameters": {},
        "policyRule": {"if": {"allOf": conditions}, "then": {"effect": "deny"}}}})
}

fn storage_account() -> Value {
    json!({"type": "Microsoft.Storage/storageAccounts", "name": "sa", "location": "northeurope"})
}

fn explained_conditions(count: usize) -> Duration {
    let policy = from_json("many.json".into(), many_conditions(count)).expect("a definition");
    let engine = Engine::builtin().expect("the engine");
    let compiled = CompiledUnderTest::new(&engine, Arc::new(policy.clone())).expect("compiles");
    let request = Request { resource: storage_account(), ..Request::default() };
    let prepared = engine.prepare(&request);
    let outcome = compiled.evaluate(&prepared).expect("evaluates");
    let (time, explanation) = timed(|| explain_prepared(&engine, &policy, &request, &prepared, &outcome));
    assert_eq!(explanation.rule.children.len(), 1, "the deciding condition");
    time
}

/// Runs one test file in a fresh session; the case must fail (and be explained).
fn run_failing(test_file: &Path) -> Duration {
    let mut session = Session::new(Compilation::default(), Vec::new(), None);
    let (time, report) = timed(|| session.run_file(test_file));
    assert!(session.diagnostics.is_empty(), "{:?}", session.diagnostics);
    assert_eq!(report.cases[0].status, Status::Failed, "the case fails");
    assert!(report.cases[0].explanation.is_some(), "and is explained");
    time
}

fn failing_case(dir: &Path, count: usize) -> Duration {
    std::fs::write(dir.join("many.json"), many_conditions(count).to_string()).expect("written");
    std::fs::write(dir.join("storage.json"), storage_account().to_string()).expect("written");
    let test = "policy: many.json\ncases:\n  - name: denied\n    resource: storage.json\n    expect: deny\n";
    std::fs::write(dir.join("many.test.yaml"), test).expect("written");
    run_failing(&dir.join("many.test.yaml"))
}

const INSIGHTS_CATALOG: &str = r#"{"namespace": "Microsoft.Insights", "resourceTypes": [{"resourceType": "diagnosticSettings",
    "aliases": [{"name": "Microsoft.Insights/diagnosticSettings/workspaceId", "defaultPath": "properties.workspaceId"}]}]}"#;

/// auditIfNotExists of a diagnostic setting named `audit` whose workspace is `ok`.
fn existence_policy() -> Value {
    json!({"properties": {"mode": "All", "parameters": {}, "policyRule": {
        "if": {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces"},
        "then": {"effect": "auditIfNotExists", "details": {
            "type": "Microsoft.Insights/diagnosticSettings", "name": "audit",
            "existenceCondition": {"field": "Microsoft.Insights/diagnosticSettings/workspaceId", "equals": "ok"}}}}}})
}

fn workspace() -> Value {
    json!({"type": "Microsoft.MachineLearningServices/workspaces", "name": "ws"})
}

fn setting(workspace_id: &str, entries: usize) -> Value {
    let logs: Vec<Value> = (0..entries)
        .map(|i| json!({"category": format!("category-{i}"), "enabled": true, "note": "x".repeat(40)}))
        .collect();
    json!({"type": "Microsoft.Insights/diagnosticSettings", "name": "ws/audit",
        "properties": {"workspaceId": workspace_id, "logs": logs}})
}

/// `count` related settings, none satisfying the existence condition: each is tried, and the
/// explanation evaluates the condition on each.
fn related_resources(count: usize) -> Duration {
    let catalog = import_json(INSIGHTS_CATALOG).expect("a catalog");
    let engine = Engine::with_imports(&[catalog]).expect("the engine");
    let policy = from_json("aine.json".into(), existence_policy()).expect("a definition");
    let compiled = CompiledUnderTest::new(&engine, Arc::new(policy.clone())).expect("compiles");
    let related = (0..count).map(|i| setting(&format!("workspace-{i}"), 0)).collect();
    let request = Request { resource: workspace(), related, ..Request::default() };
    let (time, explanation) = timed(|| {
        let prepared = engine.prepare(&request);
        let outcome = compiled.evaluate(&prepared).expect("evaluates");
        assert_eq!(outcome.lookups.len(), count, "every related resource is tried");
        explain_prepared(&engine, &policy, &request, &prepared, &outcome)
    });
    assert_eq!(explanation.existence.len(), count);
    time
}

/// A setting of `entries` log entries referenced ten times by a case that expects the wrong
/// outcome.
fn big_related(dir: &Path, entries: usize) -> Duration {
    std::fs::write(dir.join("catalog.json"), INSIGHTS_CATALOG).expect("written");
    std::fs::write(dir.join("aine.json"), existence_policy().to_string()).expect("written");
    std::fs::write(dir.join("workspace.json"), workspace().to_string()).expect("written");
    std::fs::write(dir.join("setting.json"), setting("ok", entries).to_string()).expect("written");
    let related = ["setting.json"; 10].join(", ");
    let test = format!(
        "catalogs: [catalog.json]\npolicy: aine.json\ncases:\n  - name: referenced\n    resource: workspace.json\n    \
         related: [{related}]\n    expect: auditIfNotExists\n"
    );
    std::fs::write(dir.join("aine.test.yaml"), test).expect("written");
    run_failing(&dir.join("aine.test.yaml"))
}

/// Opening a document of about `lines` lines, and changing one character in its middle: the
/// time until each one's diagnostics arrive.
fn server_document(lines: usize) -> (Duration, Duration) {
    let document = policies(lines.div_ceil(11));
    let uri = "untitled:scaling.gavel";
    let mut client = client::Client::start(env!("CARGO_BIN_EXE_gavel"));
    client.initialize();
    let (opened, _) = timed(|| {
        client.open(uri, &document);
        client.diagnostics(uri, 1)
    });
    let middle = (document.lines().count() / 2) as u32;
    let (changed, _) = timed(|| {
        client.change(uri, 2, [middle, 0, middle, 0], " ");
        client.diagnostics(uri, 2)
    });
    assert!(client.shutdown().success());
    (opened, changed)
}

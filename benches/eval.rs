//! Evaluation throughput: 10,000 evaluations of the ML library's policies by the Azure Policy
//! engine, on the realistic resources of the library's own test cases.
//!
//! Run: `cargo bench --bench eval`. Prints the cost of loading the catalog and compiling the 36
//! policies once, then, best of 5 runs, the time of 10,000 evaluations (with the resource
//! already prepared, and with its preparation counted), evaluations per second and the
//! latency percentiles of single evaluations. The workload is every case of
//! `stdlib/policies/**/*.test.yaml` (parameters, context and related resources included), cycled
//! until 10,000 evaluations are reached, so the mix is the library's: kinds, counts, modify,
//! existence checks with related resources, data-plane resources.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gavel::catalog::import::import_json;
use gavel::diag::Diagnostics;
use gavel::project::compile_paths;
use gavel::syntax::span::{SourceMap, Span};
use gavel::test_runner::engine::{Engine, Prepared, Request};
use gavel::test_runner::evaluate::CompiledUnderTest;
use gavel::test_runner::policy::PolicyUnderTest;
use gavel::test_runner::run::assignment;
use gavel::test_runner::spec::{PolicyRef, read_test_file};

const EVALUATIONS: usize = 10_000;
const RUNS: usize = 5;

struct Work {
    policy: Arc<CompiledUnderTest>,
    request: Request,
    prepared: Prepared,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let engine = engine(root);
    let catalog_time = started.elapsed();

    let started = Instant::now();
    let (work, policies) = workload(root, &engine);
    let setup_time = started.elapsed();
    assert!(!work.is_empty(), "the library has test cases");

    let prepared_run = best_of(|| {
        for item in work.iter().cycle().take(EVALUATIONS) {
            std::hint::black_box(item.policy.program().evaluate(&item.prepared).expect("evaluates"));
        }
    });
    let end_to_end = best_of(|| {
        for item in work.iter().cycle().take(EVALUATIONS) {
            let prepared = engine.prepare(&item.request);
            std::hint::black_box(item.policy.program().evaluate(&prepared).expect("evaluates"));
        }
    });
    let latencies = latencies(&work);
    let with_effect = work
        .iter()
        .cycle()
        .take(EVALUATIONS)
        .filter(|item| item.policy.program().evaluate(&item.prepared).is_ok_and(|v| v.effect.is_some()))
        .count();

    println!(
        "gavel eval, {EVALUATIONS} evaluations of {policies} library policies over {} test cases \
         ({with_effect} with an effect), best of {RUNS}",
        work.len()
    );
    println!("  catalog loaded into the engine:        {:>9.2} ms (once per process)", ms(catalog_time));
    println!("  {policies} policies compiled, {} resources prepared: {:>7.2} ms", work.len(), ms(setup_time));
    report("evaluate (resource prepared once)", prepared_run);
    report("prepare + evaluate", end_to_end);
    println!(
        "  single evaluation latency:             p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        us(latencies[latencies.len() / 2]),
        us(latencies[latencies.len() * 99 / 100]),
        us(latencies[latencies.len() - 1]),
    );
}

fn report(what: &str, time: Duration) {
    println!(
        "  {what:<38} {:>9.2} ms, {:>8.1} µs each, {:>9.0} evaluations/s",
        ms(time),
        us(time) / EVALUATIONS as f64,
        EVALUATIONS as f64 / time.as_secs_f64()
    );
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn us(time: Duration) -> f64 {
    time.as_secs_f64() * 1_000_000.0
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Each of the 10,000 evaluations timed on its own, sorted.
fn latencies(work: &[Work]) -> Vec<Duration> {
    let mut times: Vec<Duration> = work
        .iter()
        .cycle()
        .take(EVALUATIONS)
        .map(|item| {
            let started = Instant::now();
            std::hint::black_box(item.policy.program().evaluate(&item.prepared).expect("evaluates"));
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn engine(root: &Path) -> Engine {
    let text = std::fs::read_to_string(root.join("stdlib/testdata/aliases/related-resources.json")).expect("aliases");
    Engine::with_imports(&[import_json(&text).expect("an alias export")]).expect("the engine loads the catalog")
}

/// The library's test cases with their policies compiled once; also the number of policies.
fn workload(root: &Path, engine: &Engine) -> (Vec<Work>, usize) {
    let compilation = compile_paths(&[root.join("stdlib/policies")]).expect("the library compiles");
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    let mut compiled: Vec<(String, Arc<CompiledUnderTest>)> = Vec::new();
    let mut work = Vec::new();
    for path in test_files(&root.join("stdlib/policies")) {
        let file = read_test_file(&path, &mut sources, &mut diagnostics).expect("a test file");
        for case in file.cases.iter().filter(|c| c.skip.is_none()) {
            let PolicyRef::Gavel(name) = &case.policy.value else { continue };
            let policy = match compiled.iter().find(|(n, _)| n == name) {
                Some((_, policy)) => Arc::clone(policy),
                None => {
                    let found = PolicyUnderTest::from_gavel(&compilation, name, Span::default()).expect("a policy");
                    let policy = Arc::new(CompiledUnderTest::new(engine, Arc::new(found)).expect("compiles"));
                    compiled.push((name.clone(), Arc::clone(&policy)));
                    policy
                }
            };
            let parameters = assignment(&case.parameters, case.parameters_span, &policy.policy).expect("parameters");
            let request = Request {
                resource: case.resource.value.clone(),
                parameters,
                context: case.context.clone(),
                related: case.related.iter().map(|r| r.value.clone()).collect(),
            };
            let prepared = engine.prepare(&request);
            work.push(Work { policy, request, prepared });
        }
    }
    (work, compiled.len())
}

fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".test.yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

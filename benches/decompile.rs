//! Decompiling 10,000 definitions, against compiling the gavel they decompile to.
//!
//! Run: `cargo bench --bench decompile`. The definitions are the JSON corpus in
//! `../shared/data` (ML built-ins, other categories, custom and ARM-wrapped policies),
//! repeated to 10,000; where that folder is absent, a built-in kept in this file stands in.
//! Each phase runs several times and the fastest run counts.
//!
//! - decompile: JSON text → gavel text (read, raise with its checks, print), file by file;
//! - compile: that gavel text → JSON values (parse, lower, check, emit), file by file.
//!
//! On a busy machine wall time varies; `GAVEL_BENCH_PHASE=setup|decompile|compile` runs a single
//! phase once so that `perf stat -e instructions:u` can compare the phases by instructions.

use std::path::Path;
use std::time::{Duration, Instant};

use gavel::decompile::{JsonInput, decompile, read_json_definitions};
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::compile_source;
use gavel::syntax::span::FileId;

/// How many definitions to decompile; `GAVEL_BENCH_POLICIES` overrides it.
fn definition_count() -> usize {
    std::env::var("GAVEL_BENCH_POLICIES").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000)
}

/// How many timed runs to take the best of; `GAVEL_BENCH_RUNS` overrides it.
fn runs() -> usize {
    std::env::var("GAVEL_BENCH_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(3)
}

const FALLBACK: &str = r#"{"name": "a6f9a2d0-cff7-4855-83ad-4cd750666512", "properties": {
  "displayName": "Configure Azure Machine Learning Computes to disable local authentication methods",
  "description": "Disable location authentication methods so that your Machine Learning Computes require Azure Active Directory identities exclusively for authentication.",
  "mode": "All", "metadata": {"version": "2.1.0", "category": "Machine Learning"}, "version": "2.1.0",
  "parameters": {"effect": {"type": "String", "defaultValue": "Modify", "allowedValues": ["Modify", "Disabled"],
    "metadata": {"displayName": "Effect", "description": "Enable or disable the execution of the policy"}}},
  "policyRule": {"if": {"allOf": [
      {"field": "type", "equals": "Microsoft.MachineLearningServices/workspaces/computes"},
      {"field": "Microsoft.MachineLearningServices/workspaces/computes/computeType", "in": ["ComputeInstance", "AmlCompute"]},
      {"field": "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth", "notEquals": true}]},
    "then": {"effect": "[parameters('effect')]", "details": {"conflictEffect": "audit",
      "roleDefinitionIds": ["/providers/microsoft.authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"],
      "operations": [{"operation": "addOrReplace", "field": "Microsoft.MachineLearningServices/workspaces/computes/disableLocalAuth", "value": true}]}}}}}"#;

/// A corpus file: its stem, its text, and how many definitions it holds.
struct Input {
    stem: String,
    text: String,
    definitions: usize,
}

fn corpus() -> Vec<Input> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let mut files = Vec::new();
    for folder in ["builtin", "builtin-other", "custom"] {
        collect(&data.join(folder), &mut files);
    }
    files.sort();
    let mut corpus: Vec<Input> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let definitions = read_json_definitions(FileId(0), &text).0.len();
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            (definitions > 0).then_some(Input { stem, text, definitions })
        })
        .collect();
    if corpus.is_empty() {
        eprintln!("../shared/data is absent: benchmarking one built-in kept in this file");
        corpus.push(Input { stem: "DisableLocalAuth_Modify".into(), text: FALLBACK.into(), definitions: 1 });
    }
    corpus
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The corpus repeated until it holds the wanted number of definitions.
fn workload(corpus: &[Input]) -> Vec<&Input> {
    let wanted = definition_count();
    let mut work = Vec::new();
    let mut definitions = 0;
    for input in corpus.iter().cycle() {
        if definitions >= wanted {
            break;
        }
        definitions += input.definitions;
        work.push(input);
    }
    work
}

fn best_of<T>(mut phase: impl FnMut() -> T) -> (Duration, T) {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..runs().max(1) {
        let started = Instant::now();
        let result = phase();
        let elapsed = started.elapsed();
        if best.as_ref().is_none_or(|(fastest, _)| elapsed < *fastest) {
            best = Some((elapsed, result));
        }
    }
    best.unwrap_or_else(|| (Duration::ZERO, phase()))
}

fn main() {
    let corpus = corpus();
    let work = workload(&corpus);
    let definitions: usize = work.iter().map(|w| w.definitions).sum();
    let decompile_all = || {
        work.iter()
            .map(|input| {
                let decompiled = decompile(&JsonInput::new(FileId(0), &input.text), Some(&input.stem));
                decompiled.source.unwrap_or_else(|| panic!("{} does not decompile", input.stem))
            })
            .collect::<Vec<String>>()
    };
    let sources = decompile_all();
    let compile_all = || {
        let mut emitted = 0;
        for source in &sources {
            let compilation = compile_source("bench.gavel", source);
            assert!(!compilation.has_errors(), "decompiled sources compile");
            for definition in compilation.emitted_definitions() {
                std::hint::black_box(definition_json(definition, &EmitOptions::default()));
                emitted += 1;
            }
        }
        emitted
    };
    // `GAVEL_BENCH_PHASE=setup|decompile|compile` runs one phase once, for counting
    // instructions (`perf stat -e instructions:u`), which machine load does not change.
    match std::env::var("GAVEL_BENCH_PHASE").as_deref() {
        Ok("setup") => return,
        Ok("decompile") => return drop(std::hint::black_box(decompile_all())),
        Ok("compile") => return assert_eq!(compile_all(), definitions),
        _ => {}
    }
    // The two phases alternate, so that both see the same machine load; the fastest run of
    // each counts.
    let mut decompile_time = Duration::MAX;
    let mut compile_time = Duration::MAX;
    for _ in 0..runs().max(1) {
        decompile_time = decompile_time.min(best_of_one(|| std::hint::black_box(decompile_all())));
        compile_time = compile_time.min(best_of_one(|| assert_eq!(compile_all(), definitions)));
    }
    let (read_time, _) =
        best_of(|| work.iter().map(|input| read_json_definitions(FileId(0), &input.text).0.len()).sum::<usize>());
    let (raise_time, trees) = best_of(|| {
        work.iter()
            .map(|input| {
                let (definitions, _) = read_json_definitions(FileId(0), &input.text);
                let names = gavel::decompile::raise::names::assign(&definitions, Some(&input.stem));
                gavel::decompile::raise::raise(FileId(0), &definitions, &names)
            })
            .collect::<Vec<_>>()
    });
    let (print_time, _) = best_of(|| {
        trees.iter().map(|(tree, trivia, _)| gavel::fmt::print_tree(tree, &mut trivia.clone()).len()).sum::<usize>()
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / definitions as f64;
    println!("definitions: {definitions} ({} files; a corpus of {} files repeated)", work.len(), corpus.len());
    println!("decompile:   {:9.1} ms  {:7.1} µs/definition", ms(decompile_time), per(decompile_time));
    println!(
        "  phases: reading {:.1} ms, raising {:.1} ms, printing {:.1} ms",
        ms(read_time),
        ms(raise_time.saturating_sub(read_time)),
        ms(print_time)
    );
    println!("compile:     {:9.1} ms  {:7.1} µs/definition", ms(compile_time), per(compile_time));
    println!("decompile / compile: {:.2}", decompile_time.as_secs_f64() / compile_time.as_secs_f64());
}

fn best_of_one<T>(phase: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    std::hint::black_box(phase());
    started.elapsed()
}

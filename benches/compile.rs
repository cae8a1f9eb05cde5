//! Compile throughput: `gavel build` over a folder of 10,000 generated policies, against the
//! cost of parsing and re-serialising the emitted JSON with serde_json in the same run.
//!
//! Run: `cargo bench --bench compile` (prints MB/s, policies/s, the ratio and peak memory).
//! `RAYON_NUM_THREADS=1 cargo bench --bench compile` measures the compiler on one thread.
//! The policies are the ML library's sources with their names made unique, so the mix is
//! what real authors write: kinds, counts, interpolation, modify and deployIfNotExists.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gavel::ast::{Definition, lower_file};
use gavel::catalog::aliases::Catalog;
use gavel::check::{Context, check_definition};
use gavel::emit::EmitOptions;
use gavel::emit::target::{Target, definition_text, map_outputs};
use gavel::project::compile_paths;
use gavel::syntax::parse_file;
use gavel::syntax::span::FileId;

/// How many policies to generate; `GAVEL_BENCH_POLICIES` overrides it for quick profiling.
fn policy_count() -> usize {
    std::env::var("GAVEL_BENCH_POLICIES").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000)
}

/// How many timed runs to take the best of; `GAVEL_BENCH_RUNS` overrides it.
fn runs() -> usize {
    std::env::var("GAVEL_BENCH_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(5)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = library_sources(&root.join("stdlib/policies"));
    assert!(!templates.is_empty(), "stdlib/policies has no sources");
    let dir = std::env::temp_dir().join(format!("gavel-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let source_bytes = generate(&templates, &dir);

    // As `gavel build` does: compile everything, then write each definition's JSON text (files
    // and definitions are handled in parallel, on rayon's threads).
    // `gavel build` stages each file as it is made and does not free the ASTs before it exits,
    // so here each text is dropped once measured, and the compilation is dropped untimed.
    let mut json_bytes = 0;
    let compile = best_of(|| {
        let compilation = compile_paths(std::slice::from_ref(&dir)).expect("the folder exists");
        assert!(!compilation.has_errors(), "generated policies compile");
        let sizes = map_outputs(&compilation.emitted_definitions(), Target::Definition, &EmitOptions::default(), |f| {
            f.text.len()
        });
        json_bytes = sizes.iter().sum();
        compilation
    });
    let peak = peak_memory_mb();
    let phases = phase_times(&dir);
    let compilation = compile_paths(std::slice::from_ref(&dir)).expect("the folder exists");
    let emitted: Vec<String> =
        compilation.emitted_definitions().iter().map(|d| definition_text(d, &EmitOptions::default())).collect();
    drop(compilation);
    assert_eq!(emitted.len(), policy_count());
    let round_trip = best_of(|| {
        for text in &emitted {
            let value: serde_json::Value = serde_json::from_str(text).expect("emitted JSON parses");
            std::hint::black_box(serde_json::to_string_pretty(&value).unwrap_or_default());
        }
    });
    let _ = std::fs::remove_dir_all(&dir);

    let mb = |bytes: usize, time: Duration| bytes as f64 / 1_000_000.0 / time.as_secs_f64();
    println!(
        "gavel build, {} policies ({:.1} MB of source, {:.1} MB of JSON), best of {}, {} thread(s)",
        policy_count(),
        source_bytes as f64 / 1e6,
        json_bytes as f64 / 1e6,
        runs(),
        rayon::current_num_threads()
    );
    println!(
        "  compile (read, parse, lower, check, emit, serialise): {:>8.1} ms  {:>7.1} MB/s  {:>9.0} policies/s  (CPU {:.0} ms)",
        ms(compile.wall),
        mb(source_bytes, compile.wall),
        policy_count() as f64 / compile.wall.as_secs_f64(),
        ms(compile.cpu)
    );
    println!(
        "  serde_json parse + re-serialise of the output:        {:>8.1} ms  {:>7.1} MB/s  (CPU {:.0} ms)",
        ms(round_trip.wall),
        mb(json_bytes, round_trip.wall),
        ms(round_trip.cpu)
    );
    println!(
        "  ratio compile / round trip: {:.2}x elapsed, {:.2}x CPU time (goal: at most 2x)",
        compile.wall.as_secs_f64() / round_trip.wall.as_secs_f64(),
        compile.cpu.as_secs_f64() / round_trip.cpu.as_secs_f64()
    );
    println!("  phases on one thread: {phases}");
    if let Some(peak) = peak {
        println!("  peak memory (VmHWM): {peak:.1} MB (goal: under 200 MB)");
    }
}

/// Where compile time goes, phase by phase over the same files: reading, parsing, lowering,
/// checking, building the JSON values, serialising them.
fn phase_times(dir: &Path) -> String {
    let files = gavel::project::collect_inputs(&[dir.to_path_buf()]).expect("the folder exists");
    let (texts, read) =
        timed(|| files.iter().map(|p| std::fs::read_to_string(p).expect("readable")).collect::<Vec<_>>());
    let ids: Vec<FileId> = (0..texts.len() as u32).map(FileId).collect();
    let (parsed, parse) = timed(|| ids.iter().zip(&texts).map(|(&id, t)| parse_file(id, t)).collect::<Vec<_>>());
    let (lowered, lower) = timed(|| {
        ids.iter()
            .zip(&texts)
            .zip(&parsed)
            .map(|((&id, t), p)| lower_file(id, t, &p.tree, &p.comments))
            .collect::<Vec<_>>()
    });
    let definitions: Vec<&Definition> = lowered.iter().flat_map(|l| l.module.definitions.iter()).collect();
    let cx = Context::new(Catalog::builtin());
    let (found, check) = timed(|| definitions.iter().map(|d| check_definition(d, &cx).len()).sum::<usize>());
    std::hint::black_box(found);
    let (bytes, emitted) =
        timed(|| definitions.iter().map(|d| definition_text(d, &EmitOptions::default()).len()).sum::<usize>());
    std::hint::black_box(bytes);
    let ((), dropped) = timed(|| drop((lowered, parsed)));
    format!(
        "read {:.1} ms, parse {:.1} ms, lower {:.1} ms, check {:.1} ms, emit {:.1} ms, free {:.1} ms",
        ms(read),
        ms(parse),
        ms(lower),
        ms(check),
        ms(emitted),
        ms(dropped)
    )
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn library_sources(dir: &Path) -> Vec<String> {
    let files = gavel::project::collect_inputs(&[dir.to_path_buf()]).expect("the library folder exists");
    files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

/// Writes `policy_count()` files, each a library policy renamed to be unique; returns the bytes.
fn generate(templates: &[String], dir: &Path) -> usize {
    let mut total = 0;
    for i in 0..policy_count() {
        let template = &templates[i % templates.len()];
        let text = rename(template, i);
        total += text.len();
        let path: PathBuf = dir.join(format!("p{i:05}.gavel"));
        std::fs::write(&path, text).expect("write a generated policy");
    }
    total
}

/// Appends `_i` to the policy identifier and replaces the definition name.
fn rename(template: &str, i: usize) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut renamed = false;
    for line in template.lines() {
        let trimmed = line.trim_start();
        if !renamed && trimmed.starts_with("policy ") {
            let mut parts = trimmed.splitn(3, ' ');
            let (_, ident, rest) = (parts.next(), parts.next().unwrap_or("p"), parts.next().unwrap_or("{"));
            out.push_str(&format!("policy {ident}_{i} {rest}\n"));
            renamed = true;
        } else if trimmed.starts_with("name \"") {
            out.push_str(&format!("    name \"generated-{i:05}\"\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Elapsed and CPU time (all threads) of one run.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
}

/// The run with the least elapsed time; what a run returns is dropped after it is timed.
fn best_of<T>(mut f: impl FnMut() -> T) -> Sample {
    (0..runs())
        .map(|_| {
            let (start, cpu_start) = (Instant::now(), cpu_time());
            let result = f();
            let sample = Sample { wall: start.elapsed(), cpu: cpu_time().saturating_sub(cpu_start) };
            drop(result);
            sample
        })
        .min_by_key(|s| s.wall)
        .unwrap_or(Sample { wall: Duration::ZERO, cpu: Duration::ZERO })
}

/// User + system time of the process so far (from /proc, in clock ticks of 10 ms; zero where
/// /proc is missing).
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat").ok().and_then(|stat| {
        let fields: Vec<u64> =
            stat.rsplit_once(')')?.1.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect();
        Some(fields.iter().sum::<u64>())
    });
    Duration::from_millis(ticks.unwrap_or(0) * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

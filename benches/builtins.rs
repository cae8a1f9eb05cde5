//! Azure's 5,266 built-in definitions (`../shared/data/azure-policy/built-in-policies`), each
//! phase against a serde_json parse + re-serialise of the same files, on 1 and 2 threads:
//!
//! - round trip: `serde_json::from_str` + `to_string` of every file (the yardstick);
//! - check: the whole folder in one compilation, as `gavel check` runs it
//!   ([`gavel::project::compile_paths`]; it reads the files itself, from the page cache by
//!   then — the time to read them is reported on its own line);
//! - decompile: JSON text → gavel text, file by file.
//!
//! Goals: check at most 2× the round trip, decompile at most 3×. Each phase runs
//! `GAVEL_BENCH_RUNS` times (default 5) per thread count; the minimum and the median are shown
//! and the ratios use the medians. Where the folder is absent the bench says so and stops.
//!
//! `cargo bench --bench builtins` (a plain `harness = false` binary: no benchmark framework).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use gavel::decompile::{JsonInput, decompile};
use gavel::project::compile_paths;
use gavel::syntax::span::FileId;

fn runs() -> usize {
    std::env::var("GAVEL_BENCH_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(5).max(1)
}

/// One built-in file: its path, its stem and its text.
struct Input {
    path: PathBuf,
    stem: String,
    text: String,
}

fn inputs(dir: &Path) -> Vec<Input> {
    let mut paths = common::json_files(&dir.join("policyDefinitions"));
    paths.extend(common::json_files(&dir.join("policySetDefinitions")));
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            Some(Input { path, stem, text })
        })
        .collect()
}

/// Minimum and median of `runs()` timed runs of `phase`.
fn time<T>(mut phase: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs())
        .map(|_| {
            let started = Instant::now();
            let result = phase();
            let elapsed = started.elapsed();
            // Dropping the result is not part of the phase (`gavel check` exits instead).
            drop(black_box(result));
            elapsed
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn round_trip(inputs: &[Input]) -> usize {
    inputs
        .par_iter()
        .map(|input| {
            let value: serde_json::Value =
                serde_json::from_str(input.text.trim_start_matches('\u{feff}')).unwrap_or(serde_json::Value::Null);
            serde_json::to_string(&value).map_or(0, |s| s.len())
        })
        .sum()
}

fn read_files(paths: &[PathBuf]) -> usize {
    paths.par_iter().map(|path| std::fs::read_to_string(path).map_or(0, |t| t.len())).sum()
}

fn decompile_all(inputs: &[Input]) -> usize {
    inputs
        .par_iter()
        .map(|input| {
            decompile(&JsonInput::new(FileId(0), &input.text), Some(&input.stem)).source.map_or(0, |s| s.len())
        })
        .sum()
}

fn main() {
    let Some(dir) = common::builtin_policies() else { return };
    let inputs = inputs(&dir);
    let paths: Vec<PathBuf> = inputs.iter().map(|i| i.path.clone()).collect();
    let bytes: usize = inputs.iter().map(|i| i.text.len()).sum();
    println!("{} files, {:.1} MB; {} runs per phase, min / median", inputs.len(), bytes as f64 / 1e6, runs());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for threads in [1, 2] {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
            println!("{threads} threads: no thread pool");
            continue;
        };
        let (trip_min, trip) = pool.install(|| time(|| round_trip(&inputs)));
        let (read_min, read) = pool.install(|| time(|| read_files(&paths)));
        let (check_min, check) = pool.install(|| {
            time(|| {
                let compilation = compile_paths(&paths).expect("the built-in files exist");
                assert!(compilation.units.len() == inputs.len(), "one unit per file");
                compilation
            })
        });
        let (decompile_min, decompile) = pool.install(|| time(|| decompile_all(&inputs)));
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!("{threads} thread{}:", if threads == 1 { "" } else { "s" });
        println!("  serde_json round trip {:8.1} / {:8.1} ms", ms(trip_min), ms(trip));
        println!("  reading the files     {:8.1} / {:8.1} ms   (part of check)", ms(read_min), ms(read));
        println!(
            "  check                 {:8.1} / {:8.1} ms   {:.2}× the round trip (goal ≤ 2×)",
            ms(check_min),
            ms(check),
            ratio(check, trip)
        );
        println!(
            "  decompile             {:8.1} / {:8.1} ms   {:.2}× the round trip (goal ≤ 3×)",
            ms(decompile_min),
            ms(decompile),
            ratio(decompile, trip)
        );
    }
}

//! Whole-process figures of the `gavel` binary, as a user or a build script meets them: one
//! `gavel check` of a small policy, `gavel aliases QUERY` over the whole catalog, and the binary's
//! size. Set `GAVEL_BASELINE` to another `gavel` binary (an earlier release, built from another
//! checkout) to measure it in the same run and print the ratios, and `GAVEL_BINARY` to measure a
//! plain `cargo build --release` binary instead of the bench profile's (which carries line
//! tables, so its size is not the shipped size).
//!
//! `cargo bench --bench process` (a plain `harness = false` binary). Peak memory is read with
//! `/usr/bin/time` where it exists.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 60;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let current =
        std::env::var_os("GAVEL_BINARY").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_gavel")), PathBuf::from);
    let baseline = std::env::var_os("GAVEL_BASELINE").map(PathBuf::from);
    let example = root.join("examples/deny-compute-public-ip.gavel");
    let example = example.to_string_lossy();
    let cases: [(&str, Vec<&str>); 3] = [
        ("check one small policy", vec!["check", &example]),
        ("aliases minimumTlsVersion", vec!["aliases", "minimumTlsVersion"]),
        ("aliases --in Microsoft.KeyVault soft", vec!["aliases", "--in", "Microsoft.KeyVault", "soft"]),
    ];
    let binaries: Vec<(&str, &Path)> =
        [("current", current.as_path())].into_iter().chain(baseline.as_deref().map(|b| ("baseline", b))).collect();
    println!("{RUNS} runs each, min / median wall time; peak resident memory");
    for (name, binary) in &binaries {
        let size = std::fs::metadata(binary).map(|m| m.len()).unwrap_or(0);
        println!("{name}: {} ({size} bytes)", binary.display());
    }
    for (what, args) in &cases {
        let mut medians = Vec::new();
        for (name, binary) in &binaries {
            // Interleaved runs would be fairer on a noisy machine; alternating blocks keep the
            // numbers readable and the warm-up identical.
            let times = timed(binary, args);
            let (min, median) = (times[0], times[times.len() / 2]);
            let memory = peak_memory(binary, args).map_or_else(|| "n/a".to_string(), |kb| format!("{kb} KB"));
            println!("  {what:<40} {name:<9} {:>7.2} / {:>7.2} ms   {memory}", ms(min), ms(median));
            medians.push(median);
        }
        if let [current, baseline] = medians[..] {
            println!("  {what:<40} current / baseline: {:.2}×", ms(current) / ms(baseline));
        }
    }
}

fn timed(binary: &Path, args: &[&str]) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = quiet(Command::new(binary).args(args)).status();
            assert!(status.is_ok(), "{} runs", binary.display());
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// The largest maximum resident set size of five runs, from `/usr/bin/time -f %M`.
fn peak_memory(binary: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    (0..5)
        .filter_map(|_| {
            let mut command = Command::new(time);
            command.arg("-f").arg("%M").arg(binary).args(args).stdout(Stdio::null()).stderr(Stdio::piped());
            let output = command.output().ok()?;
            String::from_utf8_lossy(&output.stderr).lines().last()?.trim().parse().ok()
        })
        .max()
}

fn quiet(command: &mut Command) -> &mut Command {
    command.stdout(Stdio::null()).stderr(Stdio::null())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

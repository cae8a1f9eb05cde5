//! The supervisor: runs each harness in a worker process of its own (`gavel-fuzz worker`), a
//! few at a time, and deals with what a worker cannot report itself. A worker that dies of a
//! signal or an abort (a stack overflow, an allocation failure) left its running input in
//! `<artifacts>/<harness>/current`: that input is saved as a `crash-<hash>` finding. A worker
//! stopped for a hang or for memory saved its input itself. Either way the harness is
//! started again, with another seed, for the rest of its time.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::driver::{self, EXIT_CLEAN, EXIT_FINDINGS, EXIT_HANG, EXIT_MEMORY, Settings, Stats};
use crate::harness::Harness;

/// The outcome of one harness over all its workers.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stats: Stats,
    /// Workers that ended abnormally (crash, hang, memory), each with what it left.
    pub stops: Vec<String>,
}

impl Outcome {
    pub fn findings(&self) -> usize {
        self.stats.findings
    }
}

/// Runs `harnesses`, `jobs` at a time, each for `settings.seconds`.
pub fn run_all(harnesses: &[&'static Harness], settings: &Settings, jobs: usize) -> Vec<(&'static Harness, Outcome)> {
    let mut results = Vec::new();
    for chunk in harnesses.chunks(jobs.max(1)) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|&harness| {
                let settings = settings.clone();
                std::thread::spawn(move || (harness, supervise(harness, &settings)))
            })
            .collect();
        results.extend(handles.into_iter().map(|h| h.join().expect("a supervising thread ends normally")));
    }
    results
}

/// Runs one harness's workers until its time is spent.
fn supervise(harness: &Harness, settings: &Settings) -> Outcome {
    let folder = driver::artifact_folder(&settings.artifacts, harness);
    let began = Instant::now();
    let mut outcome = Outcome::default();
    let mut seed = settings.seed;
    let mut executions_left = settings.executions;
    loop {
        let elapsed = began.elapsed().as_secs();
        if elapsed >= settings.seconds || executions_left == Some(0) {
            break;
        }
        let _ = std::fs::remove_file(folder.join("summary.json"));
        let worker =
            Settings { seconds: settings.seconds - elapsed, executions: executions_left, seed, ..settings.clone() };
        let status = spawn_worker(harness, &worker);
        let stats = read_summary(&folder.join("summary.json"));
        add(&mut outcome.stats, &stats);
        executions_left = executions_left.map(|left| left.saturating_sub(stats.executions));
        match status.as_ref().map(ExitStatus::code) {
            Ok(Some(EXIT_CLEAN | EXIT_FINDINGS)) => break,
            Ok(Some(code @ (EXIT_HANG | EXIT_MEMORY))) => {
                outcome.stops.push(format!(
                    "worker stopped ({}); its input is saved in {}",
                    stop_kind(code),
                    folder.display()
                ));
            }
            Ok(_) => {
                let saved = save_crash(&folder, &status);
                outcome.stats.findings += 1;
                outcome.stops.push(format!("worker crashed ({status:?}); input saved as {}", saved.display()));
            }
            Err(error) => {
                outcome.stops.push(format!("the worker could not be started: {error}"));
                outcome.stats.findings += 1;
                break;
            }
        }
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    }
    outcome.stats.seconds = began.elapsed().as_secs_f64();
    outcome
}

fn spawn_worker(harness: &Harness, settings: &Settings) -> std::io::Result<ExitStatus> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("worker")
        .arg(harness.name)
        .args(["--seconds", &settings.seconds.to_string()])
        .args(["--seed", &settings.seed.to_string()])
        .args(["--max-len", &settings.max_len.to_string()])
        .args(["--timeout", &settings.timeout.as_secs().to_string()])
        .args(["--memory-limit-mib", &(settings.memory_limit >> 20).to_string()])
        .arg("--artifacts")
        .arg(&settings.artifacts)
        .arg("--repo")
        .arg(&settings.folders.repo);
    if let Some(executions) = settings.executions {
        command.args(["--executions", &executions.to_string()]);
    }
    match &settings.folders.shared {
        Some(shared) => command.arg("--shared").arg(shared),
        None => command.arg("--no-shared"),
    };
    // A worker that hangs past its own watchdog is stopped here, with a margin.
    let mut child = command.spawn()?;
    let limit = Duration::from_secs(settings.seconds) + settings.timeout * 2 + Duration::from_secs(120);
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            return child.wait();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stop_kind(code: i32) -> &'static str {
    if code == EXIT_HANG { "hang" } else { "memory limit" }
}

fn save_crash(folder: &Path, status: &std::io::Result<ExitStatus>) -> PathBuf {
    let input = std::fs::read(folder.join("current")).unwrap_or_default();
    let description = format!("the worker died while running this input: {status:?} (its stderr says why)");
    driver::save_finding(folder, "crash", &input, &description)
}

fn read_summary(path: &Path) -> Stats {
    let Some(value) =
        std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
    else {
        return Stats::default();
    };
    let number = |key: &str| value.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    Stats {
        executions: number("executions"),
        seeds: number("seeds") as usize,
        pool: number("pool") as usize,
        signatures: number("signatures") as usize,
        findings: number("findings") as usize,
        seconds: value.get("seconds").and_then(serde_json::Value::as_f64).unwrap_or(0.0),
    }
}

fn add(total: &mut Stats, part: &Stats) {
    total.executions += part.executions;
    total.findings += part.findings;
    total.seeds = total.seeds.max(part.seeds);
    total.pool = total.pool.max(part.pool);
    total.signatures = total.signatures.max(part.signatures);
}

//! The mutation loop of one harness, in one process (a "worker"): every seed once, then
//! mutated inputs until the budget is spent.
//!
//! Findings are panics, on any thread (a panic hook records them, so panics that gavel itself
//! catches, such as the language server's guard, count too). Each distinct panic place is
//! saved once, as `<artifacts>/<harness>/panic-<hash>` with a `.txt` beside it (message and
//! backtrace). What a panic hook cannot see is left to the supervisor ([`crate::supervise`]):
//! before each execution the input is written to `<artifacts>/<harness>/current`, so an
//! abort (stack overflow, out of memory) leaves it behind; a watchdog thread saves it itself
//! and stops the process when an input runs longer than the timeout (a hang) or the process
//! grows past the memory limit.
//!
//! Without coverage instrumentation (stable Rust has none that a library can read), the loop
//! keeps as new corpus entries the inputs whose signature (diagnostic codes, stage reached) it
//! has not seen before: a coarse but cheap guide towards inputs that reach further.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::harness::Harness;
use crate::mutate::Mutator;
use crate::rng::Rng;
use crate::seeds::{Seed, SeedFolders, files_under};

/// Exit codes of a worker, read by the supervisor.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_HANG: i32 = 3;
pub const EXIT_MEMORY: i32 = 4;

/// Corpus entries kept at most (seeds included).
const POOL_LIMIT: usize = 8192;

#[derive(Debug, Clone)]
pub struct Settings {
    pub seconds: u64,
    /// Stop after this many executions, if sooner.
    pub executions: Option<u64>,
    pub seed: u64,
    pub max_len: usize,
    /// One input running longer than this is a hang.
    pub timeout: Duration,
    /// The process growing past this many bytes resident is a finding.
    pub memory_limit: u64,
    pub artifacts: PathBuf,
    pub folders: SeedFolders,
}

/// What a run did, written to the summary file as it goes.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub executions: u64,
    pub seeds: usize,
    pub pool: usize,
    pub signatures: usize,
    pub findings: usize,
    pub seconds: f64,
}

impl Stats {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "executions": self.executions, "seeds": self.seeds, "pool": self.pool,
            "signatures": self.signatures, "findings": self.findings, "seconds": self.seconds,
        })
    }
}

/// The first panic of the running input: its place, message and backtrace.
static PANIC: Mutex<Option<Panic>> = Mutex::new(None);

#[derive(Debug, Clone)]
pub struct Panic {
    pub place: String,
    pub message: String,
    pub backtrace: String,
}

/// Records panics instead of printing them: the driver reports them with the input.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        let mut slot = PANIC.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(Panic { place, message, backtrace });
    }));
}

/// Runs one input; the panic it caused, if any.
pub fn execute(harness: &Harness, input: &[u8]) -> (u64, Option<Panic>) {
    PANIC.lock().unwrap_or_else(PoisonError::into_inner).take();
    let signature = catch_unwind(AssertUnwindSafe(|| (harness.run)(input))).unwrap_or(0);
    let panic = PANIC.lock().unwrap_or_else(PoisonError::into_inner).take();
    (signature, panic)
}

/// The folder of a harness's saved inputs.
pub fn artifact_folder(artifacts: &Path, harness: &Harness) -> PathBuf {
    artifacts.join(harness.name)
}

pub fn hash_of(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Saves a finding's input and its description; returns the input's path.
pub fn save_finding(folder: &Path, kind: &str, input: &[u8], description: &str) -> PathBuf {
    let path = folder.join(format!("{kind}-{}", hash_of(input)));
    let written = std::fs::write(&path, input).and_then(|()| std::fs::write(path.with_extension("txt"), description));
    if let Err(error) = written {
        eprintln!("could not save {}: {error}", path.display());
    }
    path
}

/// The harness's committed inputs: extra seeds (`fuzz/corpus/<harness>/`) and the inputs of
/// past findings (`fuzz/regressions/<harness>/`).
pub fn committed_inputs(repo: &Path, harness: &Harness) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for folder in ["corpus", "regressions"] {
        for path in files_under(&repo.join("fuzz").join(folder).join(harness.name), &|_| true) {
            if let Ok(bytes) = std::fs::read(&path) {
                seeds.push(Seed { origin: path.display().to_string(), bytes });
            }
        }
    }
    seeds
}

/// What the watchdog watches: when the running input started (milliseconds since the run
/// began, plus one; zero when idle).
struct Watch {
    began: Instant,
    started: AtomicU64,
}

fn spawn_watchdog(watch: Arc<Watch>, settings: &Settings, folder: PathBuf, stats: Arc<Mutex<Stats>>) {
    let (timeout, limit) = (settings.timeout, settings.memory_limit);
    let summary = folder.join("summary.json");
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let started = watch.started.load(Ordering::Relaxed);
            let now = watch.began.elapsed().as_millis() as u64 + 1;
            let running = Duration::from_millis(now.saturating_sub(started));
            let stop = if started != 0 && running > timeout {
                Some(("hang", format!("one input ran for more than {timeout:?}"), EXIT_HANG))
            } else {
                resident_bytes()
                    .filter(|&bytes| bytes > limit)
                    .map(|bytes| ("memory", format!("the process grew to {} MiB resident", bytes >> 20), EXIT_MEMORY))
            };
            if let Some((kind, description, code)) = stop {
                let input = std::fs::read(folder.join("current")).unwrap_or_default();
                let saved = save_finding(&folder, kind, &input, &description);
                eprintln!("finding: {description}; input saved as {}", saved.display());
                let mut stats = stats.lock().unwrap_or_else(PoisonError::into_inner).clone();
                stats.findings += 1;
                let _ = std::fs::write(&summary, stats.to_json().to_string());
                std::process::exit(code);
            }
        }
    });
}

/// The process's resident memory, from `/proc/self/statm` (pages of 4 KiB).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The corpus as it grows, and the signatures seen.
struct Pool {
    entries: Vec<Vec<u8>>,
    seeds: usize,
    signatures: HashSet<u64>,
}

impl Pool {
    fn offer(&mut self, rng: &mut Rng, input: Vec<u8>, signature: u64) {
        if !self.signatures.insert(signature) {
            return;
        }
        if self.entries.len() < POOL_LIMIT {
            self.entries.push(input);
        } else if self.entries.len() > self.seeds {
            // Seeds stay; a grown entry makes room.
            let at = self.seeds + rng.below(self.entries.len() - self.seeds);
            self.entries[at] = input;
        }
    }
}

/// One harness's run: the worker's body. Returns its statistics.
pub fn fuzz(harness: &Harness, settings: &Settings) -> Stats {
    let folder = artifact_folder(&settings.artifacts, harness);
    std::fs::create_dir_all(&folder).expect("the artifacts folder can be made");
    let current = std::fs::File::create(folder.join("current")).expect("the current-input file can be made");
    let summary = folder.join("summary.json");
    let began = Instant::now();
    let stats = Arc::new(Mutex::new(Stats::default()));
    let watch = Arc::new(Watch { began, started: AtomicU64::new(0) });
    spawn_watchdog(watch.clone(), settings, folder.clone(), stats.clone());

    let mut seeds = (harness.seeds)(&settings.folders);
    seeds.extend(committed_inputs(&settings.folders.repo, harness));
    let mut rng = Rng::new(settings.seed);
    let mut pool = Pool { entries: Vec::new(), seeds: 0, signatures: HashSet::new() };
    let mut seen_places: HashMap<String, PathBuf> = HashMap::new();
    let mut run_one = |input: &[u8], stats: &Mutex<Stats>| {
        // Written before it runs: an abort leaves the input behind for the supervisor.
        let _ = current.set_len(0).and_then(|()| current.write_all_at(input, 0));
        watch.started.store(began.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
        let (signature, panic) = execute(harness, input);
        watch.started.store(0, Ordering::Relaxed);
        let mut stats = stats.lock().unwrap_or_else(PoisonError::into_inner);
        stats.executions += 1;
        if let Some(panic) = panic
            && !seen_places.contains_key(&panic.place)
        {
            let description = format!("panicked at {}:\n{}\n\n{}", panic.place, panic.message, panic.backtrace);
            let saved = save_finding(&folder, "panic", input, &description);
            eprintln!(
                "finding: [{}] panicked at {}: {}\n  input saved as {}",
                harness.name,
                panic.place,
                first_line(&panic.message),
                saved.display()
            );
            seen_places.insert(panic.place, saved);
            stats.findings += 1;
        }
        signature
    };

    for seed in &seeds {
        let signature = run_one(&seed.bytes, &stats);
        pool.signatures.insert(signature);
        pool.entries.push(seed.bytes.clone());
    }
    pool.seeds = pool.entries.len();
    if pool.entries.is_empty() {
        pool.entries.push(Vec::new());
    }
    let mut mutator =
        Mutator { rng: Rng::new(settings.seed ^ 0x5eed), dictionary: harness.dictionary, max_len: settings.max_len };
    let deadline = began + Duration::from_secs(settings.seconds);
    let mut last_status = Instant::now();
    loop {
        let executed = stats.lock().unwrap_or_else(PoisonError::into_inner).executions;
        if Instant::now() >= deadline || settings.executions.is_some_and(|limit| executed >= limit) {
            break;
        }
        let base = &pool.entries[rng.below(pool.entries.len())];
        let other = &pool.entries[rng.below(pool.entries.len())];
        let input = match harness.mutate {
            Some(mutate) => mutate(&mut mutator, base, other),
            None => mutator.mutate(base, other),
        };
        let signature = run_one(&input, &stats);
        pool.offer(&mut rng, input, signature);
        if last_status.elapsed() >= Duration::from_secs(10) {
            last_status = Instant::now();
            let snapshot = snapshot(&stats, &pool, seeds.len(), began);
            eprintln!("[{}] {}", harness.name, describe(&snapshot));
            let _ = std::fs::write(&summary, snapshot.to_json().to_string());
        }
    }
    let done = snapshot(&stats, &pool, seeds.len(), began);
    let _ = std::fs::write(&summary, done.to_json().to_string());
    drop(current);
    let _ = std::fs::remove_file(folder.join("current"));
    done
}

fn snapshot(stats: &Mutex<Stats>, pool: &Pool, seeds: usize, began: Instant) -> Stats {
    let mut stats = stats.lock().unwrap_or_else(PoisonError::into_inner).clone();
    stats.seeds = seeds;
    stats.pool = pool.entries.len();
    stats.signatures = pool.signatures.len();
    stats.seconds = began.elapsed().as_secs_f64();
    stats
}

pub fn describe(stats: &Stats) -> String {
    let rate = stats.executions as f64 / stats.seconds.max(0.001);
    format!(
        "{:.0} s: {} executions ({rate:.0}/s), {} seeds, corpus {}, {} signatures, {} findings",
        stats.seconds, stats.executions, stats.seeds, stats.pool, stats.signatures, stats.findings
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

//! `gavel-fuzz`: runs the harnesses (`run`), replays saved inputs (`replay`), writes a seed
//! corpus for other fuzzers (`seeds`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use gavel_fuzz::driver::{self, EXIT_CLEAN, EXIT_FINDINGS, Settings};
use gavel_fuzz::harness::{self, Harness};
use gavel_fuzz::seeds::SeedFolders;
use gavel_fuzz::supervise;

#[derive(Parser)]
#[command(name = "gavel-fuzz", about = "Fuzzes gavel's front ends (see fuzz/README.md)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lists the harnesses.
    List,
    /// Fuzzes harnesses (all by default), each in worker processes of its own.
    Run {
        /// Harnesses to run (default: all).
        harnesses: Vec<String>,
        /// Harnesses run at the same time.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        #[command(flatten)]
        options: Options,
    },
    /// One worker: the mutation loop of one harness (run by `run`).
    #[command(hide = true)]
    Worker {
        harness: String,
        #[command(flatten)]
        options: Options,
    },
    /// Runs saved inputs through a harness and reports any panic.
    Replay { harness: String, inputs: Vec<PathBuf> },
    /// Writes a harness's seed corpus into a folder, one file per seed (for libFuzzer).
    Seeds {
        harness: String,
        out: PathBuf,
        #[arg(long)]
        shared: Option<PathBuf>,
    },
}

#[derive(Args, Clone)]
struct Options {
    /// Time for each harness.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Stop each harness after this many executions, if sooner.
    #[arg(long)]
    executions: Option<u64>,
    /// Seed of the random choices (a run is replayed with the same seed and corpus).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Largest input made by mutation, in bytes.
    #[arg(long, default_value_t = 256 * 1024)]
    max_len: usize,
    /// An input running longer than this many seconds is a hang.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// A worker resident beyond this many MiB is a finding.
    #[arg(long, default_value_t = 4096)]
    memory_limit_mib: u64,
    /// Where findings are saved (default: fuzz/artifacts).
    #[arg(long)]
    artifacts: Option<PathBuf>,
    /// The repository (default: the one this was built from).
    #[arg(long)]
    repo: Option<PathBuf>,
    /// The shared data (default: ../shared/data beside the repository).
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Seed from the repository alone.
    #[arg(long)]
    no_shared: bool,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Options {
    fn settings(&self) -> Settings {
        let repo = self.repo.clone().unwrap_or_else(repo_root);
        let shared = if self.no_shared {
            None
        } else {
            Some(self.shared.clone().unwrap_or_else(|| repo.join("../shared/data")))
        };
        Settings {
            seconds: self.seconds,
            executions: self.executions,
            seed: self.seed,
            max_len: self.max_len,
            timeout: Duration::from_secs(self.timeout),
            memory_limit: self.memory_limit_mib << 20,
            artifacts: self.artifacts.clone().unwrap_or_else(|| repo.join("fuzz/artifacts")),
            folders: SeedFolders::new(repo, shared),
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::List => {
            for harness in harness::ALL {
                println!("{:<14} {}", harness.name, harness.summary);
            }
            ExitCode::SUCCESS
        }
        Command::Run { harnesses, jobs, options } => run(&harnesses, jobs, &options.settings()),
        Command::Worker { harness, options } => with_harness(&harness, |h| worker(h, options.settings())),
        Command::Replay { harness, inputs } => with_harness(&harness, |h| replay(h, inputs)),
        Command::Seeds { harness, out, shared } => with_harness(&harness, |h| write_seeds(h, &out, shared)),
    }
}

fn with_harness(name: &str, then: impl FnOnce(&'static Harness) -> ExitCode) -> ExitCode {
    match harness::find(name) {
        Some(harness) => then(harness),
        None => {
            let names: Vec<&str> = harness::ALL.iter().map(|h| h.name).collect();
            eprintln!("error: no harness `{name}` (there are: {})", names.join(", "));
            ExitCode::from(2)
        }
    }
}

fn run(names: &[String], jobs: usize, settings: &Settings) -> ExitCode {
    let mut harnesses = Vec::new();
    for name in names {
        match harness::find(name) {
            Some(harness) => harnesses.push(harness),
            None => return with_harness(name, |_| ExitCode::from(2)),
        }
    }
    if harnesses.is_empty() {
        harnesses = harness::ALL.iter().collect();
    }
    match &settings.folders.shared {
        Some(shared) => eprintln!("seeding from the repository and {}", shared.display()),
        None => eprintln!("seeding from the repository only: the shared data is not present"),
    }
    let results = supervise::run_all(&harnesses, settings, jobs);
    let mut findings = 0;
    println!(
        "{:<14} {:>12} {:>8} {:>8} {:>10} {:>9}",
        "harness", "executions", "per s", "seeds", "signatures", "findings"
    );
    for (harness, outcome) in &results {
        let stats = &outcome.stats;
        let rate = stats.executions as f64 / stats.seconds.max(0.001);
        println!(
            "{:<14} {:>12} {:>8.0} {:>8} {:>10} {:>9}",
            harness.name,
            stats.executions,
            rate,
            stats.seeds,
            stats.signatures,
            outcome.findings()
        );
        for stop in &outcome.stops {
            println!("    {stop}");
        }
        findings += outcome.findings();
    }
    if findings > 0 {
        println!("{findings} findings; inputs and backtraces are in {}", settings.artifacts.display());
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs `body` on a thread with the stack the CLI gives the compiler (and the same for rayon's
/// threads), so that nesting the compiler accepts is no stack overflow here either.
fn on_large_stack<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    let _ = rayon::ThreadPoolBuilder::new().stack_size(gavel::lsp::STACK_SIZE).build_global();
    std::thread::Builder::new()
        .stack_size(gavel::lsp::STACK_SIZE)
        .spawn(body)
        .expect("a thread for the harness")
        .join()
        .expect("the harness thread ends normally")
}

fn worker(harness: &'static Harness, settings: Settings) -> ExitCode {
    driver::install_panic_hook();
    let stats = on_large_stack(move || driver::fuzz(harness, &settings));
    eprintln!("[{}] done: {}", harness.name, driver::describe(&stats));
    ExitCode::from(if stats.findings > 0 { EXIT_FINDINGS } else { EXIT_CLEAN } as u8)
}

fn replay(harness: &'static Harness, inputs: Vec<PathBuf>) -> ExitCode {
    driver::install_panic_hook();
    let failed = on_large_stack(move || {
        let mut failed = 0;
        for path in &inputs {
            let Ok(input) = std::fs::read(path) else {
                eprintln!("{}: cannot be read", path.display());
                failed += 1;
                continue;
            };
            match driver::execute(harness, &input).1 {
                Some(panic) => {
                    println!("{}: panicked at {}: {}\n{}", path.display(), panic.place, panic.message, panic.backtrace);
                    failed += 1;
                }
                None => println!("{}: ok", path.display()),
            }
        }
        failed
    });
    if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn write_seeds(harness: &Harness, out: &Path, shared: Option<PathBuf>) -> ExitCode {
    let repo = repo_root();
    let folders = SeedFolders::new(repo.clone(), Some(shared.unwrap_or_else(|| repo.join("../shared/data"))));
    let mut seeds = (harness.seeds)(&folders);
    seeds.extend(driver::committed_inputs(&repo, harness));
    let written = std::fs::create_dir_all(out).and_then(|()| {
        seeds.iter().try_for_each(|seed| std::fs::write(out.join(driver::hash_of(&seed.bytes)), &seed.bytes))
    });
    match written {
        Ok(()) => {
            println!("{} seeds written to {}", seeds.len(), out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {}: {error}", out.display());
            ExitCode::from(2)
        }
    }
}

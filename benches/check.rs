//! Checking against compiling, over two sets of 10,000 policies: the ML library's sources
//! (`stdlib/policies`, cycled, one file each — the mix `benches/compile.rs` builds) and
//! generated policies in six shapes (100 files of 100). Each is timed in three phases — parse +
//! lower, emit, check — over several rounds; the median round is reported. The goal is that
//! checking adds at most 30% to compiling (parse + lower + emit).
//!
//! `cargo bench --bench check` (a plain `harness = false` binary: no benchmark framework).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use gavel::catalog::aliases::Catalog;
use gavel::check::{Context, check_definition};
use gavel::diag::Diagnostics;
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::analyse_file;
use gavel::syntax::span::SourceMap;

const FILES: usize = 100;
const PER_FILE: usize = 100;
const ROUNDS: usize = 7;

/// Policies in the shapes the stdlib uses: kind blocks, parameters, counts, modify, AINE.
fn policy(i: usize) -> String {
    match i % 6 {
        0 => format!(
            "policy p{i} \"Compute {i} must not have a public IP\" {{\n    param effect: effect = Deny in [Audit, Deny, Disabled]\n    when compute {{\n        computeType in [\"AmlCompute\", \"ComputeInstance\"]\n        enableNodePublicIp == true\n        vmSize != \"Standard_D{i}_v2\"\n    }}\n    then $effect\n}}\n"
        ),
        1 => format!(
            "policy p{i} {{\n    mode indexed\n    param effect: effect = Modify in [Modify, Disabled]\n    when compute {{ computeType in [\"ComputeInstance\", \"AmlCompute\"]  disableLocalAuth != true }}\n    then $effect modify {{\n        roles [contributor]\n        conflictEffect audit\n        set disableLocalAuth = true\n    }}\n}}\n"
        ),
        2 => format!(
            "policy p{i} {{\n    mode indexed\n    param effect: effect = Audit in [Audit, Deny, Disabled]\n    when workspace {{\n        any {{ publicNetworkAccess != \"Disabled\"  publicNetworkAccess notExists }}\n        count(c in privateEndpointConnections[*] where c.privateLinkServiceConnectionState.status == \"Approved\") < 1\n        tags[\"team{i}\"] exists\n    }}\n    then $effect\n}}\n"
        ),
        3 => format!(
            "policy p{i} {{\n    param allowedSizes: array = [\"Standard_D2_v2\", \"Standard_D3_v2\"]\n    param effect: effect = Audit in [Audit, Disabled]\n    when compute {{\n        vmSize notIn $allowedSizes\n        scaleSettings.maxNodeCount > {i}\n        empty(idleTimeBeforeShutdown) == true\n    }}\n    then $effect\n}}\n"
        ),
        4 => format!(
            "policy p{i} {{\n    mode indexed\n    param effect: effect = AuditIfNotExists in [AuditIfNotExists, Disabled]\n    when workspace\n    then $effect auditIfNotExists {{\n        type \"Microsoft.MachineLearningServices/workspaces/computes\"\n        existenceCondition all {{ computeType == \"ComputeInstance\"  disableLocalAuth == true }}\n    }}\n}}\n"
        ),
        _ => format!(
            "policy p{i} {{\n    mode Microsoft.MachineLearningServices.v2.Data\n    param allowedRegistry: string = \"registry{i}\"\n    param effect: effect = Deny in [Deny, Disabled]\n    when modelDeployment {{\n        model.assetId notLike \"azureml://registries/$allowedRegistry/*\"\n        count(id in [\"a\", \"b\", \"c\"] where model.assetId contains id) == 0\n    }}\n    then $effect\n}}\n"
        ),
    }
}

fn main() {
    let generated: Vec<String> =
        (0..FILES).map(|f| (0..PER_FILE).map(|p| policy(f * PER_FILE + p)).collect::<Vec<_>>().join("\n")).collect();
    let library = library_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/policies"));
    assert!(!library.is_empty(), "stdlib/policies has sources");
    let cycled: Vec<String> = (0..FILES * PER_FILE).map(|i| library[i % library.len()].clone()).collect();
    report("library sources (stdlib/policies, cycled)", &cycled);
    report("generated policies", &generated);
}

fn report(what: &str, files: &[String]) {
    let mut rounds: Vec<(Duration, Duration, Duration, usize)> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        rounds.push(round(files));
    }
    rounds.sort_by_key(|r| r.0 + r.1 + r.2);
    let (lower, emit, check, found) = rounds[ROUNDS / 2];
    let compile = lower + emit;
    println!("{} policies: {what}, {} files, median of {ROUNDS} rounds", FILES * PER_FILE, files.len());
    println!("  parse + lower  {:>8.1} ms", ms(lower));
    println!("  emit           {:>8.1} ms", ms(emit));
    println!("  compile        {:>8.1} ms   (parse + lower + emit)", ms(compile));
    println!("  check          {:>8.1} ms   ({found} diagnostics)", ms(check));
    println!("  check adds     {:>8.1} %    of compile time (goal: at most 30 %)", 100.0 * ms(check) / ms(compile));
}

fn library_sources(dir: &Path) -> Vec<String> {
    let files = gavel::project::collect_inputs(&[dir.to_path_buf()]).expect("the library folder exists");
    files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

fn round(files: &[String]) -> (Duration, Duration, Duration, usize) {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::default();
    let start = Instant::now();
    let mut units = Vec::with_capacity(files.len());
    for (i, text) in files.iter().enumerate() {
        let file = sources.add(format!("bench{i}.gavel"), text.clone());
        units.push(analyse_file(file, text, false, &mut diagnostics));
    }
    let lower = start.elapsed();
    assert!(!diagnostics.has_errors(), "generated policies compile: {:?}", diagnostics.iter().next());

    let start = Instant::now();
    for unit in &units {
        for definition in &unit.module.definitions {
            black_box(definition_json(definition, &EmitOptions::default()));
        }
    }
    let emit = start.elapsed();

    let cx = Context::new(Catalog::builtin()).with_sources(&sources);
    let start = Instant::now();
    let mut found = 0;
    for unit in &units {
        for definition in &unit.module.definitions {
            found += black_box(check_definition(definition, &cx)).len();
        }
    }
    (lower, emit, start.elapsed(), found)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

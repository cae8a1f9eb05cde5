//! Language server latency over stdio, on a 5,000-line document (the ML library's policies,
//! repeated with unique names): `didChange` → `publishDiagnostics`, completion and hover, as an
//! editor sees them (JSON-RPC framing, the server process, the pipe).
//!
//! Run: `cargo bench --bench lsp` (prints p50, p99 and max of each; goal p99 under 20 ms for
//! diagnostics and under 5 ms for completion and hover).

#[path = "../tests/support/lsp_client.rs"]
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use client::Client;
use serde_json::Value;

const LINES: usize = 5_000;
const SAMPLES: usize = 300;
const URI: &str = "untitled:bench.gavel";

fn main() {
    let document = document();
    let lines: Vec<&str> = document.lines().collect();
    println!(
        "gavel lsp latency, {} lines ({:.0} KB), {SAMPLES} samples each",
        lines.len(),
        document.len() as f64 / 1e3
    );
    let mut client = Client::start(env!("CARGO_BIN_EXE_gavel"));
    client.initialize();
    client.open(URI, &document);
    let diagnostics = client.diagnostics(URI, 1);
    let errors = diagnostics.iter().filter(|d| d["severity"] == 1).count();
    assert_eq!(errors, 0, "the document compiles without errors: {diagnostics:?}");
    println!("  ({} diagnostics: the library's hints and justified warnings)", diagnostics.len());

    report("didChange → publishDiagnostics", &diagnostics_latency(&mut client, &lines, diagnostics.len()));
    let in_block = positions(&lines, "when compute {", 1, 8);
    report("completion (fields of a kind block)", &request_latency(&mut client, "textDocument/completion", &in_block));
    let after_operator = positions(&lines, "computeType in", 0, 24);
    report("completion (after an operator)", &request_latency(&mut client, "textDocument/completion", &after_operator));
    let fields = positions(&lines, "computeType in", 0, 12);
    report("hover (field)", &request_latency(&mut client, "textDocument/hover", &fields));
    let params = positions(&lines, "then $effect", 0, 11);
    report("hover (parameter)", &request_latency(&mut client, "textDocument/hover", &params));
    report("completion right after a change", &completion_after_change(&mut client, &lines, &in_block));
    let in_storage = positions(&lines, "when storageAccount {", 1, 8);
    report("completion (Storage fields)", &request_latency(&mut client, "textDocument/completion", &in_storage));
    let vault_fields = positions(&lines, "enablePurgeProtection !=", 0, 12);
    report("hover (Key Vault field)", &request_latency(&mut client, "textDocument/hover", &vault_fields));
    assert!(client.shutdown().success());
}

/// The ML library repeated, names made unique, to at least [`LINES`] lines.
fn document() -> String {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/policies");
    let mut sources: Vec<String> = std::fs::read_dir(&folder)
        .expect("stdlib/policies is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "gavel"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    sources.sort();
    let mut document = String::new();
    let mut lines = 0;
    for (copy, source) in sources.iter().cycle().enumerate() {
        if lines >= LINES {
            break;
        }
        for line in source.lines() {
            match line.strip_prefix("policy ") {
                Some(rest) => {
                    let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                    document.push_str(&format!("policy {name}_{copy} {tail}\n"));
                }
                None => document.push_str(&format!("{line}\n")),
            }
            lines += 1;
        }
        document.push('\n');
        lines += 1;
        // Every tenth copy, policies about an ML workspace's neighbours: their aliases come from
        // other namespaces of the bundled catalog.
        if copy % 10 == 0 {
            let neighbours = format!("{NEIGHBOURS}\n").replace("{copy}", &copy.to_string());
            lines += neighbours.lines().count();
            document.push_str(&neighbours);
        }
    }
    document
}

const NEIGHBOURS: &str = r#"policy storage_tls_{copy} "Storage accounts use TLS 1.2" {
    mode indexed
    when storageAccount {
        minimumTlsVersion != "TLS1_2"
    }
    then deny
}

policy vault_purge_{copy} "Key vaults keep purge protection" {
    mode indexed
    when keyVault {
        enablePurgeProtection != true
    }
    then audit
}"#;

/// `(line, column)` for each line containing `needle`, `offset` lines below it.
fn positions(lines: &[&str], needle: &str, offset: usize, column: u32) -> Vec<(u32, u32)> {
    let found: Vec<(u32, u32)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, l)| ((i + offset) as u32, column.min(l.len() as u32 + 4)))
        .collect();
    assert!(!found.is_empty(), "`{needle}` occurs in the document");
    (0..SAMPLES).map(|i| found[(i * 7) % found.len()]).collect()
}

/// Typing a character in a description in the middle of the document, then deleting it.
fn diagnostics_latency(client: &mut Client, lines: &[&str], expected: usize) -> Vec<Duration> {
    let target = (lines.len() / 2..lines.len()).find(|&i| lines[i].contains("category")).unwrap_or(0) as u32;
    let column = lines[target as usize].find('"').map_or(0, |c| c + 1) as u32;
    let mut samples = Vec::new();
    for i in 0..SAMPLES {
        let version = i as i64 + 2;
        let started = Instant::now();
        if i % 2 == 0 {
            client.change(URI, version, [target, column, target, column], "x");
        } else {
            client.change(URI, version, [target, column, target, column + 1], "");
        }
        let diagnostics = client.diagnostics(URI, version);
        samples.push(started.elapsed());
        assert_eq!(diagnostics.len(), expected, "{diagnostics:?}");
    }
    samples
}

fn request_latency(client: &mut Client, method: &str, at: &[(u32, u32)]) -> Vec<Duration> {
    at.iter()
        .map(|&(line, column)| {
            let started = Instant::now();
            let result = client.at(method, URI, line, column);
            let elapsed = started.elapsed();
            assert!(result != Value::Null, "{method} at {line}:{column} answered");
            elapsed
        })
        .collect()
}

/// A completion sent right behind a change: it waits for that change's analysis.
fn completion_after_change(client: &mut Client, lines: &[&str], at: &[(u32, u32)]) -> Vec<Duration> {
    let mut version = SAMPLES as i64 + 100;
    at.iter()
        .enumerate()
        .map(|(i, &(line, _))| {
            version += 1;
            let text = if i % 2 == 0 { " " } else { "" };
            let end = if i % 2 == 0 { 0 } else { 1 };
            let line_text = lines.get(line as usize).copied().unwrap_or_default();
            let indent = (line_text.len() - line_text.trim_start().len()) as u32;
            let started = Instant::now();
            client.change(URI, version, [line, indent, line, indent + end], text);
            let id = client.send_request("textDocument/completion", client::position(URI, line, indent));
            let response = client.response(id);
            let elapsed = started.elapsed();
            assert!(response.get("result").is_some(), "{response}");
            client.clear_backlog();
            elapsed
        })
        .collect()
}

fn report(what: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("  {what:<40} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms", ms(at(0.5)), ms(at(0.99)), ms(at(1.0)));
}

//! Regression tests of this group; see `main.rs`.
//!
//! Folders are searched once per file however it is reached, never round a link loop, and
//! never into FIFOs; every read is bounded and says how to raise its bound; the language
//! server bounds what a client sends it.

use crate::lsp_client as client;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const GAVEL: &str = env!("CARGO_BIN_EXE_gavel");

/// How long a run may take before it counts as hung (a guard, not a measure of speed).
const HANG: Duration = Duration::from_secs(120);

const POLICY: &str = "policy p { when compute then audit }\n";

/// Runs gavel in `dir` with `stdin` as its input, killed if it hangs.
fn gavel_with_input(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(GAVEL)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gavel starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_vec();
    // A refusal may close standard input early: a failed write is no failure of the test.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let started = Instant::now();
    while child.try_wait().expect("gavel can be waited for").is_none() {
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("gavel {args:?} did not finish within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = writer.join();
    child.wait_with_output().expect("gavel's output")
}

fn gavel(dir: &Path, args: &[&str]) -> Output {
    gavel_with_input(dir, args, b"")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a folder can be made");
    }
    std::fs::write(path, text).expect("writable");
}

/// A file of `bytes` bytes that takes no room on disk.
fn sparse_file(path: &Path, bytes: u64) {
    let file = std::fs::File::create(path).expect("writable");
    file.set_len(bytes).expect("a sparse file");
}

/// The definitions `gavel build` wrote into `out`.
fn built(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    // The build's record of its own outputs is not an output.
    names.retain(|name| name != ".gavel-outputs");
    names.sort();
    names
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("a symbolic link can be made");
}

#[cfg(unix)]
#[test]
fn a_folder_with_two_links_to_itself_is_searched_once() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("a.gavel"), POLICY);
    write(&dir.path().join("sub/b.gavel"), "policy q { when compute then audit }\n");
    symlink(".", &dir.path().join("again"));
    symlink("..", &dir.path().join("sub/up"));
    let output = gavel(dir.path(), &["build", ".", "--out-dir", "out"]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    assert!(!errors.contains("defined twice"), "{errors}");
    assert!(errors.contains("GV0017") && errors.contains("symbolic link back"), "{errors}");
    assert_eq!(built(&dir.path().join("out")).len(), 2, "{errors}");
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_links_and_directly_is_one_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("real/p.gavel"), POLICY);
    symlink("real", &dir.path().join("linked"));
    symlink("real/p.gavel", &dir.path().join("alias.gavel"));
    let output = gavel(dir.path(), &["check", ".", "real/p.gavel"]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    assert!(!errors.contains("defined twice"), "{errors}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_skipped_and_a_named_one_refused_unopened() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("a.gavel"), POLICY);
    mkfifo(&dir.path().join("pipe.gavel"));
    let searched = gavel(dir.path(), &["check", "."]);
    let errors = stderr(&searched);
    assert!(searched.status.success(), "{errors}");
    assert!(errors.contains("GV0017") && errors.contains("FIFO"), "{errors}");
    let named = gavel(dir.path(), &["check", "pipe.gavel"]);
    let errors = stderr(&named);
    assert_eq!(named.status.code(), Some(2), "{errors}");
    assert!(errors.contains("pipe.gavel") && errors.contains("not a regular file"), "{errors}");
    mkfifo(&dir.path().join("resource.json"));
    let resource = gavel(dir.path(), &["eval", "a.gavel", "resource.json"]);
    assert!(stderr(&resource).contains("not a regular file"), "{}", stderr(&resource));
}

#[cfg(unix)]
#[test]
fn dev_zero_is_never_read_as_a_catalog_a_resource_or_parameters() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("p.gavel"), POLICY);
    write(&dir.path().join("r.json"), r#"{"type": "Microsoft.Compute/virtualMachines", "name": "vm"}"#);
    write(&dir.path().join("p.test.yaml"), "cases:\n  - name: zero\n    resource: /dev/zero\n    expect: audit\n");
    let runs: [&[&str]; 3] = [
        &["check", "--catalog", "/dev/zero", "p.gavel"],
        &["test", "p.test.yaml"],
        &["eval", "p.gavel", "r.json", "--parameters", "@/dev/zero"],
    ];
    for args in runs {
        let output = gavel(dir.path(), args);
        let errors = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
        assert!(!output.status.success(), "{args:?}: {errors}");
        assert!(errors.contains("/dev/zero") && errors.contains("not a regular file"), "{args:?}: {errors}");
    }
}

#[test]
fn files_past_the_limit_are_refused_with_how_to_raise_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("p.gavel"), POLICY);
    write(&dir.path().join("r.json"), r#"{"type": "Microsoft.Compute/virtualMachines", "name": "vm"}"#);
    sparse_file(&dir.path().join("catalog.json"), 300 << 20);
    sparse_file(&dir.path().join("resource.json"), 17 << 20);
    sparse_file(&dir.path().join("parameters.json"), 17 << 20);
    write(&dir.path().join("p.test.yaml"), "cases:\n  - name: big\n    resource: resource.json\n    expect: audit\n");
    let runs: [(&[&str], &str); 3] = [
        (&["check", "--catalog", "catalog.json", "p.gavel"], "max-catalog-size"),
        (&["test", "p.test.yaml"], "max-file-size"),
        (&["eval", "p.gavel", "r.json", "--parameters", "@parameters.json"], "max-file-size"),
    ];
    for (args, setting) in runs {
        let output = gavel(dir.path(), args);
        let errors = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
        assert!(!output.status.success(), "{args:?}: {errors}");
        assert!(errors.contains("the limit for") && errors.contains(setting), "{args:?}: {errors}");
    }
}

#[test]
fn standard_input_past_the_limit_is_cut_off() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("p.gavel"), POLICY);
    let endless = vec![b' '; 17 << 20];
    for args in [&["fmt", "--stdin"][..], &["eval", "p.gavel", "-"][..]] {
        let output = gavel_with_input(dir.path(), args, &endless);
        let errors = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {errors}");
        assert!(errors.contains("16 MiB") && errors.contains("max-file-size"), "{args:?}: {errors}");
    }
}

#[test]
fn the_limit_is_set_by_gavel_toml_and_the_flag_wins() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A source of 2 KiB and more: one policy, then comment lines.
    let mut text = POLICY.to_string();
    text.push_str(&"// padding\n".repeat(200));
    write(&dir.path().join("p.gavel"), &text);
    write(&dir.path().join("gavel.toml"), "[limits]\nmax-file-size = \"1 KiB\"\n");
    let refused = gavel(dir.path(), &["check", "p.gavel"]);
    let errors = stderr(&refused);
    assert_eq!(refused.status.code(), Some(1), "{errors}");
    assert!(errors.contains("GV0015") && errors.contains("1 KiB"), "{errors}");
    for args in
        [&["--max-file-size", "4KiB", "check", "p.gavel"][..], &["check", "p.gavel", "--max-file-size", "4 KiB"]]
    {
        let raised = gavel(dir.path(), args);
        assert!(raised.status.success(), "{args:?}: {}", stderr(&raised));
    }
    write(&dir.path().join("gavel.toml"), "[limits]\nmax-file-size = \"4 KiB\"\n");
    let project = gavel(dir.path(), &["check", "p.gavel"]);
    assert!(project.status.success(), "{}", stderr(&project));
    write(&dir.path().join("gavel.toml"), "[limits]\nmax-file-size = \"lots\"\n");
    let wrong = gavel(dir.path(), &["check", "p.gavel"]);
    assert!(stderr(&wrong).contains("GV0009"), "{}", stderr(&wrong));
    let flag = gavel(dir.path(), &["--max-file-size", "lots", "check", "p.gavel"]);
    assert_eq!(flag.status.code(), Some(2), "{}", stderr(&flag));
}

#[test]
fn ignored_hidden_and_tool_folders_are_not_searched_but_named_files_are() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(&dir.path().join("a.gavel"), POLICY);
    write(&dir.path().join(".gitignore"), "generated/\n");
    // A policy with an error in each folder that must not be searched.
    let broken = "policy broken { when compute then }\n";
    for folder in ["generated", ".hidden", "node_modules/pkg", "target"] {
        write(&dir.path().join(folder).join("x.gavel"), broken);
    }
    let searched = gavel(dir.path(), &["check", "."]);
    assert!(searched.status.success(), "{}", stderr(&searched));
    for folder in ["generated", ".hidden", "node_modules/pkg", "target"] {
        let named = format!("{folder}/x.gavel");
        let output = gavel(dir.path(), &["check", ".", &named]);
        assert_eq!(output.status.code(), Some(1), "{named}: {}", stderr(&output));
        assert!(stderr(&output).contains("x.gavel"), "{named}: {}", stderr(&output));
    }
}

#[test]
fn an_oversized_header_line_is_skipped_and_the_server_goes_on() {
    let mut client = client::Client::start(GAVEL);
    client.initialize();
    let mut line = b"X-Padding: ".to_vec();
    line.extend(std::iter::repeat_n(b'a', 64 << 20));
    line.extend_from_slice(b"\r\n");
    client.send_raw(&line);
    client.send_raw(b"\r\n");
    let refused = client.wait_for(|m| m.pointer("/error/code") == Some(&json!(-32700)));
    assert!(refused.pointer("/error/message").and_then(Value::as_str).is_some_and(|m| m.contains("header")));
    let symbols = client.request("workspace/symbol", json!({"query": "nothing-matches-this"}));
    assert!(symbols.is_array(), "{symbols}");
    assert!(client.shutdown().success());
}

#[test]
fn an_oversized_content_length_is_refused_at_once() {
    let mut client = client::Client::start(GAVEL);
    client.initialize();
    // Claimed, never sent: the server must answer without waiting for (or allocating) it.
    client.send_raw(b"Content-Length: 104857600\r\n\r\n");
    let refused = client.wait_for(|m| m.pointer("/error/code") == Some(&json!(-32600)));
    assert_eq!(refused.pointer("/error/message"), Some(&json!("message too large")));
}

#[test]
fn a_dollar_request_is_answered_method_not_found() {
    let mut client = client::Client::start(GAVEL);
    client.initialize();
    client.notify("$/unknownNotification", json!({}));
    let id = client.send_request("$/foo", json!({}));
    let answer = client.response(id);
    assert_eq!(answer.pointer("/error/code"), Some(&json!(-32601)), "{answer}");
    assert!(client.shutdown().success());
}

#[cfg(unix)]
#[test]
fn references_in_a_folder_with_link_loops_are_answered() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().canonicalize().expect("a real path");
    write(&root.join("gavel.toml"), "");
    write(&root.join("lib.gavel"), POLICY);
    write(&root.join("sets/set.gavel"), "import \"../lib.gavel\"\ninitiative s { policy p }\n");
    symlink(".", &root.join("loop1"));
    symlink(".", &root.join("loop2"));
    symlink("..", &root.join("sets/up"));
    let mut client = client::Client::start(GAVEL);
    client.initialize();
    let uri = format!("file://{}", root.join("lib.gavel").display());
    client.open(&uri, POLICY);
    let params = json!({
        "textDocument": {"uri": uri},
        "position": {"line": 0, "character": 7},
        "context": {"includeDeclaration": false}
    });
    let found = client.request("textDocument/references", params);
    let uris: Vec<&str> = found.as_array().into_iter().flatten().filter_map(|l| l["uri"].as_str()).collect();
    assert_eq!(uris, [format!("file://{}", root.join("sets/set.gavel").display())], "{found}");
    assert!(client.shutdown().success());
}

//! The language server, in-process, on a stream of framed JSON-RPC as a client sends it: the
//! transport (framing, limits, refusals) and every feature behind it. The input is the raw
//! stream; its end closes the server's input, as a client that goes away.
//!
//! Mutations keep the framing mostly intact (a message's body is changed, then framed again
//! with its new length), so that inputs get past the transport into the features; now and then
//! the raw stream is mutated, to fuzz the framing itself.
//!
//! The stream is played as a client plays it: frame by frame, waiting for the answer to
//! `initialize` before the rest, and for the answers to every request before closing.
//!
//! Properties: every request is answered (until the server exits); none with an internal
//! error (the server's guard caught a panic in a feature); every message the server writes
//! is framed JSON.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use serde_json::{Value, json};

use super::Harness;
use crate::fragments;
use crate::mutate::Mutator;
use crate::seeds;

pub const HARNESS: Harness = Harness {
    name: "lsp",
    summary: "language server message streams: transport framing and every feature",
    run,
    dictionary: DICTIONARY,
    seeds: seeds::lsp_sessions,
    mutate: Some(mutate),
};

/// Pieces of LSP messages: methods, members, positions.
const DICTIONARY: &[&str] = &[
    "Content-Length: ",
    "Content-Length: 99999999999\r\n\r\n",
    "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
    "\r\n\r\n",
    "\"jsonrpc\":\"2.0\"",
    "\"id\":",
    "\"method\":",
    "\"params\":",
    "\"textDocument/didOpen\"",
    "\"textDocument/didChange\"",
    "\"textDocument/didClose\"",
    "\"textDocument/hover\"",
    "\"textDocument/completion\"",
    "\"completionItem/resolve\"",
    "\"textDocument/rename\"",
    "\"textDocument/references\"",
    "\"textDocument/formatting\"",
    "\"textDocument/rangeFormatting\"",
    "\"textDocument/semanticTokens/full\"",
    "\"workspace/executeCommand\"",
    "\"workspace/symbol\"",
    "\"$/cancelRequest\"",
    "\"$/x\"",
    "\"shutdown\"",
    "\"exit\"",
    "\"position\":{\"line\":0,\"character\":0}",
    "\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":4294967295,\"character\":4294967295}}",
    "\"uri\":\"untitled:fuzz.gavel\"",
    "\"uri\":\"file:///nonexistent/fuzz.gavel\"",
    "\"version\":",
    "\"text\":\"",
    "-1",
    "null",
    "[]",
    "{}",
];

/// A JSON-RPC internal error: what the server's guard answers when a feature panics.
const INTERNAL_ERROR: i64 = -32603;

/// How long the client waits for the answers to its requests (the driver's hang timeout is
/// longer, so a request left unanswered is reported as that, not as a hang).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

pub fn run(data: &[u8]) -> u64 {
    let (client, server) = tokio::io::duplex(1 << 16);
    let (server_input, server_output) = tokio::io::split(server);
    let server = std::thread::Builder::new()
        .stack_size(gavel::lsp::STACK_SIZE)
        .spawn(move || gavel::lsp::serve(server_input, server_output))
        .expect("a thread for the server");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a client runtime");
    let messages = runtime.block_on(talk(client, data));
    let served = server.join().expect("the server thread ends normally");
    assert!(served.is_ok(), "the server could not start: {served:?}");
    let mut seen = BTreeSet::new();
    for message in &messages {
        let code = message.pointer("/error/code").and_then(Value::as_i64);
        assert!(code != Some(INTERNAL_ERROR), "a request failed inside the server: {message}");
        seen.insert(summary(message));
    }
    let mut hasher = DefaultHasher::new();
    seen.hash(&mut hasher);
    hasher.finish()
}

/// What the client has seen of the server.
#[derive(Default)]
struct Seen {
    messages: Vec<Value>,
    /// How many answers each request id got.
    answers: HashMap<String, usize>,
    /// The server closed its output (it exited).
    ended: bool,
}

/// Plays `data` to the server as a client would: frame by frame, waiting for the answer to
/// `initialize` before going on (a client may send nothing else before it), and at the end
/// for the answers to every request, before closing the server's input. Returns what the
/// server wrote.
async fn talk(client: tokio::io::DuplexStream, data: &[u8]) -> Vec<Value> {
    let (from_server, mut to_server) = tokio::io::split(client);
    let seen = RefCell::new(Seen::default());
    let send = async {
        let mut expected: HashMap<String, usize> = HashMap::new();
        let mut rest = data;
        while let Some((body, after)) = next_frame(rest) {
            let (id, method) = id_and_method(body);
            // A client ends the session only once it has its answers.
            if matches!(method.as_deref(), Some("shutdown" | "exit")) {
                wait_for_answers(&seen, &expected).await;
            }
            let _ = to_server.write_all(&rest[..rest.len() - after.len()]).await;
            rest = after;
            if let Some(id) = id {
                *expected.entry(id).or_default() += 1;
            }
            match method.as_deref() {
                Some("initialize") => drop(wait_for_answers(&seen, &expected).await),
                Some("exit") => break,
                _ => {}
            }
        }
        let _ = to_server.write_all(rest).await;
        let unanswered = wait_for_answers(&seen, &expected).await;
        assert!(unanswered.is_empty(), "requests never answered: {unanswered:?}");
        let _ = to_server.shutdown().await;
    };
    tokio::join!(send, read_server(from_server, &seen));
    seen.into_inner().messages
}

/// Waits until each request in `expected` has its answers, or the server has ended, or the
/// timeout has passed. Returns the ids still unanswered then (none once the server ended).
async fn wait_for_answers(seen: &RefCell<Seen>, expected: &HashMap<String, usize>) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
    loop {
        let unanswered: Vec<String> = {
            let seen = seen.borrow();
            if seen.ended {
                return Vec::new();
            }
            let missing = |(id, count): (&String, &usize)| seen.answers.get(id).copied().unwrap_or(0) < *count;
            expected.iter().filter(|&entry| missing(entry)).map(|(id, _)| id.clone()).collect()
        };
        if unanswered.is_empty() || tokio::time::Instant::now() >= deadline {
            return unanswered;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Reads the server's messages until it closes its output.
async fn read_server(mut from_server: impl AsyncRead + Unpin, seen: &RefCell<Seen>) {
    let mut buffer = Vec::new();
    let mut chunk = vec![0; 1 << 16];
    loop {
        let read = from_server.read(&mut chunk).await.unwrap_or(0);
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
        let mut consumed = 0;
        while let Some((body, after)) = next_frame(&buffer[consumed..]) {
            let message: Value = serde_json::from_slice(body).expect("the server writes JSON");
            consumed = buffer.len() - after.len();
            let mut seen = seen.borrow_mut();
            if message.get("method").is_none()
                && let Some(id) = message.get("id").filter(|id| !id.is_null())
            {
                *seen.answers.entry(id.to_string()).or_default() += 1;
            }
            seen.messages.push(message);
        }
        buffer.drain(..consumed);
    }
    assert!(buffer.is_empty(), "the server wrote an unframed message: {buffer:?}");
    seen.borrow_mut().ended = true;
}

/// The method of a JSON-RPC message, and its id when it is a request (it has both).
fn id_and_method(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(message) = serde_json::from_slice::<Value>(body) else { return (None, None) };
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return (None, None);
    }
    let method = message.get("method").and_then(Value::as_str).map(str::to_string);
    let id = message.get("id").filter(|id| id.is_string() || id.is_i64() || id.is_u64()).map(Value::to_string);
    (id.filter(|_| method.is_some()), method)
}

/// What a message says, for the signature: its method or error code, and the codes of the
/// diagnostics it publishes.
fn summary(message: &Value) -> String {
    let method = message.get("method").and_then(Value::as_str).unwrap_or("response");
    let error = message.pointer("/error/code").and_then(Value::as_i64).map(|c| c.to_string()).unwrap_or_default();
    let codes: BTreeSet<&str> = message
        .pointer("/params/diagnostics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("code").and_then(Value::as_str))
        .collect();
    format!("{method} {error} {codes:?}")
}

/// The first frame of `stream` (its body) and what follows it; `None` when the stream does
/// not start with a complete frame.
fn next_frame(stream: &[u8]) -> Option<(&[u8], &[u8])> {
    let header_end = stream.windows(4).position(|w| w == b"\r\n\r\n")?;
    let header = std::str::from_utf8(&stream[..header_end]).ok()?;
    let length: usize = header.lines().find_map(|line| line.strip_prefix("Content-Length: "))?.trim().parse().ok()?;
    let body_start = header_end + 4;
    let body = stream.get(body_start..body_start + length)?;
    Some((body, &stream[body_start + length..]))
}

/// The bodies of a client stream, leniently: a stream that no longer frames cleanly is one
/// last body of its own.
fn bodies(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        match next_frame(rest) {
            Some((body, after)) => {
                found.push(body.to_vec());
                rest = after;
            }
            None => {
                found.push(rest.to_vec());
                break;
            }
        }
    }
    found
}

pub fn frame(bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = Vec::new();
    for body in bodies {
        stream.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        stream.extend_from_slice(body);
    }
    stream
}

/// One change to a stream: mostly to one message, kept framed; sometimes to the raw bytes.
fn mutate(mutator: &mut Mutator, input: &[u8], other: &[u8]) -> Vec<u8> {
    if mutator.rng.one_in(10) {
        return mutator.mutate(input, other);
    }
    let mut messages = bodies(input);
    let theirs = bodies(other);
    match mutator.rng.below(6) {
        0 if !theirs.is_empty() => {
            let at = mutator.rng.below(messages.len() + 1);
            messages.insert(at, mutator.rng.pick(&theirs).clone());
        }
        1 if !messages.is_empty() => {
            let at = mutator.rng.below(messages.len());
            let copies = 1 << mutator.rng.below(8);
            let message = messages[at].clone();
            messages.splice(at..at, std::iter::repeat_n(message, copies));
        }
        2 if !messages.is_empty() => {
            messages.remove(mutator.rng.below(messages.len()));
        }
        _ if !messages.is_empty() => {
            let at = mutator.rng.below(messages.len());
            messages[at] = mutate_body(mutator, &messages[at], other);
        }
        _ => return mutator.mutate(input, other),
    }
    let mut stream = frame(&messages);
    stream.truncate(mutator.max_len);
    stream
}

/// A message changed: the document text it carries (as gavel source), or its JSON.
fn mutate_body(mutator: &mut Mutator, body: &[u8], other: &[u8]) -> Vec<u8> {
    let Ok(mut message) = serde_json::from_slice::<Value>(body) else { return mutator.mutate(body, other) };
    let text = ["/params/textDocument/text", "/params/contentChanges/0/text"]
        .into_iter()
        .find(|pointer| message.pointer(pointer).is_some_and(Value::is_string));
    match text {
        Some(pointer) if mutator.rng.below(3) > 0 => {
            let old = message.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_string();
            let dictionary = std::mem::replace(&mut mutator.dictionary, fragments::GAVEL);
            let new = mutator.mutate(old.as_bytes(), other);
            mutator.dictionary = dictionary;
            if let Some(slot) = message.pointer_mut(pointer) {
                *slot = json!(String::from_utf8_lossy(&new));
            }
            message.to_string().into_bytes()
        }
        _ => mutator.mutate(body, other),
    }
}

/// A session as an editor has it with `text`: initialize, open, requests of every kind at a
/// few places, an edit, more requests, shutdown and exit.
pub fn session(text: &str) -> Vec<u8> {
    let uri = "untitled:fuzz.gavel";
    let document = json!({"uri": uri});
    let lines = text.lines().count().max(1);
    let mut messages = vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": true, "resolveSupport": {"properties": ["documentation"]}}},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                "publishDiagnostics": {"versionSupport": true}
            },
            "general": {"positionEncodings": ["utf-16"]}
        }}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "gavel", "version": 1, "text": text
        }}}),
    ];
    let mut id = 1;
    let mut requests = |messages: &mut Vec<Value>, line: usize| {
        let position = json!({"line": line, "character": 8});
        let at = json!({"textDocument": document, "position": position});
        let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}});
        for (method, params) in [
            ("textDocument/hover", at.clone()),
            ("textDocument/completion", at.clone()),
            ("textDocument/signatureHelp", at.clone()),
            ("textDocument/definition", at.clone()),
            (
                "textDocument/references",
                json!({"textDocument": document, "position": position, "context": {"includeDeclaration": true}}),
            ),
            ("textDocument/documentHighlight", at.clone()),
            ("textDocument/prepareRename", at.clone()),
            ("textDocument/rename", json!({"textDocument": document, "position": position, "newName": "renamed"})),
            (
                "textDocument/codeAction",
                json!({"textDocument": document, "range": range, "context": {"diagnostics": []}}),
            ),
            ("textDocument/semanticTokens/full", json!({"textDocument": document})),
            ("textDocument/semanticTokens/range", json!({"textDocument": document, "range": range})),
            ("textDocument/documentSymbol", json!({"textDocument": document})),
            ("textDocument/foldingRange", json!({"textDocument": document})),
            ("textDocument/inlayHint", json!({"textDocument": document, "range": range})),
            ("textDocument/codeLens", json!({"textDocument": document})),
            (
                "textDocument/formatting",
                json!({"textDocument": document, "options": {"tabSize": 4, "insertSpaces": true}}),
            ),
            ("workspace/symbol", json!({"query": "p"})),
            ("workspace/executeCommand", json!({"command": "gavel.compiledJson", "arguments": [uri]})),
        ] {
            id += 1;
            messages.push(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        }
    };
    requests(&mut messages, lines / 2);
    messages.push(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "when compute { computeType == \"AKS\" }\n"}]
    }}));
    requests(&mut messages, 1);
    messages.push(json!({"jsonrpc": "2.0", "id": 999, "method": "shutdown"}));
    messages.push(json!({"jsonrpc": "2.0", "method": "exit"}));
    let bodies: Vec<Vec<u8>> = messages.iter().map(|m| m.to_string().into_bytes()).collect();
    frame(&bodies)
}

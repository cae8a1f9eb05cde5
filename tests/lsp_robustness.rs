//! The language server under abuse: thousands of random edits (insertions, deletions, garbage,
//! unicode, line breaks of every kind) to a stdlib policy, with requests of every kind
//! interleaved, some at positions outside the text, some cancelled, some malformed. The
//! server must answer every request, keep its copy of the text identical to the client's, and
//! exit cleanly.

#[path = "support/fragments.rs"]
mod fragments;
use fragments::EDITS as FRAGMENTS;

#[path = "support/lsp_client.rs"]
mod client;

use std::collections::HashSet;

use client::Client;
use serde_json::json;

const GAVEL: &str = env!("CARGO_BIN_EXE_gavel");
const EDITS: usize = 5_000;
const URI: &str = "untitled:robustness.gavel";

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The LSP position (line, UTF-16 column) of a byte offset, lines ending at `\n`, `\r\n`, `\r`.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut line = 0;
    let mut column = 0;
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                column = 0;
            }
            c => column += c.len_utf16() as u32,
        }
    }
    (line, column)
}

/// A random character boundary of `text` that is not between the `\r` and `\n` of a break.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    loop {
        let offset = rng.below(text.len() + 1);
        let inside_break = text.get(..offset).is_some_and(|b| b.ends_with('\r'))
            && text.get(offset..).is_some_and(|a| a.starts_with('\n'));
        if text.is_char_boundary(offset) && !inside_break {
            return offset;
        }
    }
}

/// One random edit, applied to the mirror and sent to the server.
fn edit(rng: &mut Rng, client: &mut Client, text: &mut String, version: i64) {
    let start = boundary(rng, text);
    let end = match rng.below(3) {
        0 => start,
        _ => {
            let other = boundary(rng, text);
            if other < start { start } else { other.min(start + 40) }
        }
    };
    let end = if text.is_char_boundary(end) && !inside_break(text, end) { end } else { start };
    let inserted = match rng.below(4) {
        0 => String::new(),
        1 => (0..rng.below(4) + 1).map(|_| rng.pick(FRAGMENTS)).collect(),
        _ => rng.pick(FRAGMENTS).to_string(),
    };
    let (from, to) = (position(text, start), position(text, end));
    client.change(URI, version, [from.0, from.1, to.0, to.1], &inserted);
    text.replace_range(start..end, &inserted);
}

fn inside_break(text: &str, offset: usize) -> bool {
    text.get(..offset).is_some_and(|b| b.ends_with('\r')) && text.get(offset..).is_some_and(|a| a.starts_with('\n'))
}

/// A request about a random place, sometimes outside the text. Returns its id.
fn request(rng: &mut Rng, client: &mut Client, text: &str) -> i64 {
    let (line, character) = match rng.below(5) {
        0 => (rng.below(100_000) as u32, rng.below(100_000) as u32),
        _ => position(text, boundary(rng, text)),
    };
    let document = json!({"uri": URI});
    let at = json!({"textDocument": document, "position": {"line": line, "character": character}});
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": line, "character": character}});
    let (method, params) = match rng.below(16) {
        0 => ("textDocument/completion", at),
        1 => ("textDocument/hover", at),
        2 => ("textDocument/signatureHelp", at),
        3 => ("textDocument/definition", at),
        4 => (
            "textDocument/references",
            json!({"textDocument": document, "position": at["position"], "context": {"includeDeclaration": true}}),
        ),
        5 => ("textDocument/documentHighlight", at),
        6 => ("textDocument/prepareRename", at),
        7 => {
            ("textDocument/rename", json!({"textDocument": document, "position": at["position"], "newName": "renamed"}))
        }
        8 => (
            "textDocument/codeAction",
            json!({"textDocument": document, "range": range, "context": {"diagnostics": []}}),
        ),
        9 => ("textDocument/semanticTokens/full", json!({"textDocument": document})),
        10 => ("textDocument/semanticTokens/range", json!({"textDocument": document, "range": range})),
        11 => ("textDocument/documentSymbol", json!({"textDocument": document})),
        12 => ("textDocument/foldingRange", json!({"textDocument": document})),
        13 => ("textDocument/inlayHint", json!({"textDocument": document, "range": range})),
        14 => ("textDocument/codeLens", json!({"textDocument": document})),
        _ => (
            "textDocument/formatting",
            json!({"textDocument": document, "options": {"tabSize": 4, "insertSpaces": true}}),
        ),
    };
    client.send_request(method, params)
}

/// Requests the protocol layer must refuse without falling over.
fn malformed(rng: &mut Rng, client: &mut Client) -> i64 {
    match rng.below(4) {
        0 => client.send_request("textDocument/hover", json!({"textDocument": 5})),
        1 => client.send_request(
            "textDocument/completion",
            json!({"textDocument": {"uri": "untitled:not-open"}, "position": {"line": 0, "character": 0}}),
        ),
        2 => client.send_request("gavel/noSuchMethod", json!([1, 2, 3])),
        _ => {
            client.send_request("workspace/executeCommand", json!({"command": "gavel.compiledJson", "arguments": [42]}))
        }
    }
}

#[test]
fn random_edits_with_requests_interleaved() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/stdlib/policies/diagnostic-settings/ds_la_machinelearningservices_workspaces_dine.gavel"
    );
    let original = std::fs::read_to_string(path).expect("the stdlib policy is readable");
    let mut client = Client::start(GAVEL);
    client.initialize();
    client.open(URI, &original);
    let initial = client.diagnostics(URI, 1);
    assert!(initial.iter().all(|d| d["severity"] != json!(1)), "no errors at first: {initial:?}");

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut text = original.clone();
    let mut pending: HashSet<i64> = HashSet::new();
    let mut version = 1;
    for n in 0..EDITS {
        version += 1;
        edit(&mut rng, &mut client, &mut text, version);
        if rng.below(4) == 0 {
            let id = request(&mut rng, &mut client, &text);
            pending.insert(id);
            if rng.below(10) == 0 {
                client.notify("$/cancelRequest", json!({"id": id}));
            }
        }
        if rng.below(200) == 0 {
            pending.insert(malformed(&mut rng, &mut client));
        }
        if rng.below(100) == 0 {
            // Invalid JSON in a well-formed frame: the server answers with a parse error.
            client.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc");
        }
        // Now and then wait for everything sent so far, as a user pausing would.
        if n % 500 == 499 {
            for id in pending.drain() {
                let response = client.response(id);
                assert!(response.get("result").is_some() || response.get("error").is_some(), "{response}");
            }
        }
    }
    for id in pending.drain() {
        let response = client.response(id);
        assert!(response.get("result").is_some() || response.get("error").is_some(), "{response}");
    }

    // The server's text is the client's: replacing all of it with the original gives the
    // original's diagnostics again.
    let end = position(&text, text.len());
    version += 1;
    client.change(URI, version, [0, 0, end.0, end.1], &original);
    assert_eq!(client.diagnostics(URI, version), initial);
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    assert_eq!(symbols.as_array().map(Vec::len), Some(1));
    assert!(client.shutdown().success(), "the server exits cleanly");
}

/// A 10,000-line document and one nested as deeply as gavel accepts: every feature answers.
#[test]
fn large_and_deeply_nested_documents_are_served() {
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/stdlib/policies/vnet_audit.gavel"))
        .expect("readable");
    let mut large = String::new();
    let mut copy = 0;
    while large.lines().count() < 10_000 {
        large.push_str(&policy.replacen("policy vnet_audit ", &format!("policy vnet_audit_{copy} "), 1));
        copy += 1;
    }
    // 120 nested `any { … }` blocks (the limit is 128 levels of brackets and `not`s).
    let depth = 120;
    let nested = format!(
        "policy deep {{\n    when compute {{\n{}computeType == \"AKS\"\n{}    }}\n    then deny\n}}\n",
        "any {\n".repeat(depth),
        "}\n".repeat(depth)
    );
    let mut client = Client::start(GAVEL);
    client.initialize();
    for (uri, text) in [("untitled:large.gavel", large.as_str()), ("untitled:deep.gavel", nested.as_str())] {
        client.open(uri, text);
        let diagnostics = client.diagnostics(uri, 1);
        assert!(diagnostics.iter().all(|d| d["severity"] != json!(1)), "{uri}: {diagnostics:?}");
        let document = json!({"uri": uri});
        let lines = text.lines().count() as u32;
        let middle = json!({"line": lines / 2, "character": 8});
        let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}});
        for (method, params) in [
            ("textDocument/semanticTokens/full", json!({"textDocument": document})),
            ("textDocument/documentSymbol", json!({"textDocument": document})),
            ("textDocument/foldingRange", json!({"textDocument": document})),
            ("textDocument/inlayHint", json!({"textDocument": document, "range": whole})),
            ("textDocument/completion", json!({"textDocument": document, "position": middle})),
            ("textDocument/hover", json!({"textDocument": document, "position": middle})),
            (
                "textDocument/formatting",
                json!({"textDocument": document, "options": {"tabSize": 4, "insertSpaces": true}}),
            ),
        ] {
            let id = client.send_request(method, params);
            let response = client.response(id);
            assert!(response.get("result").is_some(), "{uri} {method}: {response}");
        }
    }
    assert!(client.shutdown().success());
}

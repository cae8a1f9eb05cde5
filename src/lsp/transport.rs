//! The stdio transport, guarded. tower-lsp-server stops reading its input at the first
//! message it cannot decode (a broken header, a body that is not JSON-RPC), which would end
//! the server on one bad message. So messages are framed and checked here first: well-formed
//! ones go on to the server, the others are answered here, as JSON-RPC says (`-32700` for a
//! body that is not JSON, `-32600` for JSON that is not a request), and reading goes on.
//!
//! ```text
//! stdin ─frame, check─▶ server ─▶ frames ─┐
//!            └──────── error answers ─────┴─▶ stdout (one writer, whole messages)
//! ```

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService, Server};

/// Bodies larger than this are refused (a 10,000-line policy file is well under 1 MB).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Buffer between the transport and the server, each way.
const PIPE: usize = 1 << 16;

/// Serves `service` over `input`/`output` until the client exits or closes the input.
pub async fn serve<S: LanguageServer>(
    input: impl AsyncRead + Unpin + Send + 'static,
    mut output: impl AsyncWrite + Unpin,
    service: LspService<S>,
    socket: ClientSocket,
) {
    let (server_input, to_server) = tokio::io::duplex(PIPE);
    let (server_output, from_server) = tokio::io::duplex(PIPE);
    let (outgoing, mut to_client) = unbounded_channel::<Vec<u8>>();
    let reader = tokio::spawn(read_client(input, to_server, outgoing.clone()));
    let server = Server::new(server_input, server_output, socket).serve(service);
    let writer = async move {
        while let Some(message) = to_client.recv().await {
            if output.write_all(&message).await.is_err() || output.flush().await.is_err() {
                break;
            }
        }
    };
    let forward = forward_server(from_server, outgoing);
    // The server ends on `exit` or at the end of its input; its last answers are then
    // forwarded, the channel closes (once the reader is stopped too) and the writer drains.
    let finish = async {
        tokio::join!(server, forward);
        reader.abort();
    };
    tokio::join!(finish, writer);
}

/// Frames the client's messages; passes checked ones to the server, answers the others.
async fn read_client(
    input: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    outgoing: UnboundedSender<Vec<u8>>,
) {
    let mut input = BufReader::new(input);
    while let Some(frame) = read_frame(&mut input).await {
        let result = match frame {
            Frame::Body(body) if is_message(&body) => write_frame(&mut server, &body).await,
            // A send fails only once the writer has stopped: the client is gone.
            Frame::Body(body) => {
                let _ = outgoing.send(framed(&refusal(&body)));
                Ok(())
            }
            Frame::TooLarge => {
                let _ = outgoing.send(framed(&error(Value::Null, -32600, "message too large")));
                Ok(())
            }
        };
        if result.is_err() {
            break;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    TooLarge,
}

/// The next message body; header blocks without a usable `Content-Length` are skipped.
/// `None` at the end of the input.
async fn read_frame(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Frame> {
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = Vec::new();
            if input.read_until(b'\n', &mut line).await.ok()? == 0 {
                return None;
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            // Garbage before a header on the same line is tolerated.
            let lower = line.to_ascii_lowercase();
            if let Some(at) = lower.find("content-length:") {
                length = line.get(at + "content-length:".len()..).and_then(|v| v.trim().parse().ok());
            }
        }
        let Some(length) = length else { continue };
        if length > MAX_BODY {
            let mut skipped = input.take(length as u64);
            tokio::io::copy(&mut skipped, &mut tokio::io::sink()).await.ok()?;
            return Some(Frame::TooLarge);
        }
        let mut body = vec![0; length];
        input.read_exact(&mut body).await.ok()?;
        return Some(Frame::Body(body));
    }
}

/// The body decodes as a JSON-RPC message as tower-lsp-server reads them.
fn is_message(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok() || serde_json::from_slice::<Response>(body).is_ok()
}

/// The answer to a body that is not a message.
fn refusal(body: &[u8]) -> Value {
    match serde_json::from_slice::<Value>(body) {
        Err(_) => error(Value::Null, -32700, "the message is not valid JSON"),
        Ok(value) => {
            let id = value.get("id").filter(|id| id.is_string() || id.is_number()).cloned();
            error(id.unwrap_or(Value::Null), -32600, "the message is not a JSON-RPC request, notification or response")
        }
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn framed(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

async fn write_frame(output: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> std::io::Result<()> {
    output.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

/// Passes the server's messages on, whole, to the single writer.
async fn forward_server(output: impl AsyncRead + Unpin, outgoing: UnboundedSender<Vec<u8>>) {
    let mut output = BufReader::new(output);
    while let Some(Frame::Body(body)) = read_frame(&mut output).await {
        let mut message = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        message.extend_from_slice(&body);
        if outgoing.send(message).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_rpc_messages_pass() {
        assert!(is_message(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#));
        assert!(is_message(br#"{"jsonrpc":"2.0","method":"initialized"}"#));
        assert!(is_message(br#"{"jsonrpc":"2.0","id":1,"result":null}"#));
        assert!(!is_message(br#"{"jsonrpc"#));
        assert!(!is_message(b"5"));
        assert!(!is_message(br#"{"id":3,"method":"x"}"#));
        assert_eq!(refusal(b"{").pointer("/error/code"), Some(&json!(-32700)));
        let refused = refusal(br#"{"id":3,"method":7}"#);
        assert_eq!(refused.pointer("/error/code"), Some(&json!(-32600)));
        assert_eq!(refused.get("id"), Some(&json!(3)));
    }

    #[tokio::test]
    async fn frames_survive_garbage_between_them() {
        let input: &[u8] = b"junk\r\n\r\nxxContent-Length: 2\r\n\r\n{}Content-Length: 1\r\n\r\n5";
        let mut input = BufReader::new(input);
        let mut seen = Vec::new();
        while let Some(Frame::Body(body)) = read_frame(&mut input).await {
            seen.push(body);
        }
        assert_eq!(seen, vec![b"{}".to_vec(), b"5".to_vec()]);
    }
}

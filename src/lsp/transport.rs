//! The stdio transport, guarded. tower-lsp-server stops reading its input at the first
//! message it cannot decode (a broken header, a body that is not JSON-RPC), which would end
//! the server on one bad message. So messages are framed and checked here first: well-formed
//! ones go on to the server, the others are answered here, as JSON-RPC says (`-32700` for a
//! body that is not JSON, `-32600` for JSON that is not a request), and reading goes on.
//!
//! Nothing the client sends is held beyond a bound: a header line longer than
//! [`MAX_HEADER_LINE`] is skipped (its bytes read and dropped), a body longer than [`MAX_BODY`]
//! is refused and skipped, and a body is buffered as it arrives, never allocated at the length
//! it claims.
//!
//! Requests whose method starts with `$/` are answered here with MethodNotFound, as the
//! protocol asks: tower-lsp-server drops its answer to them, which leaves the client waiting.
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

/// Bodies larger than this are refused: a 10,000-line policy file is well under 1 MB, and the
/// compiler reads no file over 16 MiB by default; 64 MiB leaves room for JSON escaping.
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// Header lines longer than this are skipped: real ones (`Content-Length`, `Content-Type`) are
/// a few dozen bytes.
const MAX_HEADER_LINE: usize = 8 * 1024;

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
    // A send fails only once the writer has stopped: the client is gone.
    let answer = |message: Value| {
        let _ = outgoing.send(framed(&message));
    };
    while let Some(frame) = read_frame(&mut input, MAX_BODY).await {
        let result = match frame {
            Frame::Body(body) => match dollar_request(&body) {
                Some(id) => {
                    answer(error(id, -32601, "no such method"));
                    Ok(())
                }
                None if is_message(&body) => write_frame(&mut server, &body).await,
                None => {
                    answer(refusal(&body));
                    Ok(())
                }
            },
            Frame::LongHeaderLine => {
                answer(error(Value::Null, -32700, "a header line is too long; it was skipped"));
                Ok(())
            }
            Frame::TooLarge(length) => {
                // Answered first: the client may be waiting, with the rest still unsent.
                answer(error(Value::Null, -32600, "message too large"));
                let mut skipped = (&mut input).take(length);
                tokio::io::copy(&mut skipped, &mut tokio::io::sink()).await.map(|_| ())
            }
        };
        if result.is_err() {
            break;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    /// A header line over [`MAX_HEADER_LINE`], skipped; the header block goes on after it.
    LongHeaderLine,
    /// A header that announces a body over [`MAX_BODY`], still to be skipped.
    TooLarge(u64),
}

/// The next message body, of at most `max_body` bytes; header blocks without a usable
/// `Content-Length` are skipped. `None` at the end of the input.
async fn read_frame(input: &mut (impl AsyncBufReadExt + Unpin), max_body: u64) -> Option<Frame> {
    loop {
        let mut length: Option<u64> = None;
        loop {
            let Some(line) = read_header_line(input).await? else { return Some(Frame::LongHeaderLine) };
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
        if length > max_body {
            return Some(Frame::TooLarge(length));
        }
        // Buffered as it comes: a length that is claimed but never sent costs nothing.
        let mut body = Vec::new();
        input.take(length).read_to_end(&mut body).await.ok()?;
        if (body.len() as u64) < length {
            return None;
        }
        return Some(Frame::Body(body));
    }
}

/// One header line, with its line break: `Some(None)` when it is longer than
/// [`MAX_HEADER_LINE`] (it is then read to its end and dropped), `None` at the end of the input.
async fn read_header_line(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = input.fill_buf().await.ok()?;
        if available.is_empty() {
            // The input ends; a last line without a break is still a line.
            if line.is_empty() && !too_long {
                return None;
            }
            return Some((!too_long).then_some(line));
        }
        let (taken, ends) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        if !too_long && line.len() + taken <= MAX_HEADER_LINE {
            line.extend_from_slice(&available[..taken]);
        } else {
            too_long = true;
            line = Vec::new();
        }
        input.consume(taken);
        if ends {
            return Some((!too_long).then_some(line));
        }
    }
}

/// The id of a request whose method starts with `$/`: such requests are answered here.
fn dollar_request(body: &[u8]) -> Option<Value> {
    #[derive(serde::Deserialize)]
    struct Head {
        id: Option<Value>,
        method: Option<String>,
    }
    let head: Head = serde_json::from_slice(body).ok()?;
    let id = head.id.filter(|id| id.is_string() || id.is_number())?;
    head.method.filter(|m| m.starts_with("$/")).map(|_| id)
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
    // The server's own answers are not bounded: a large document's tokens are large.
    while let Some(Frame::Body(body)) = read_frame(&mut output, u64::MAX).await {
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
        while let Some(Frame::Body(body)) = read_frame(&mut input, MAX_BODY).await {
            seen.push(body);
        }
        assert_eq!(seen, vec![b"{}".to_vec(), b"5".to_vec()]);
    }

    #[tokio::test]
    async fn long_header_lines_are_skipped_and_the_frame_after_them_read() {
        let mut input = format!("X-Padding: {}\r\n", "a".repeat(3 * MAX_HEADER_LINE)).into_bytes();
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let mut input = BufReader::with_capacity(64, &input[..]);
        assert!(matches!(read_frame(&mut input, MAX_BODY).await, Some(Frame::LongHeaderLine)));
        assert!(matches!(read_frame(&mut input, MAX_BODY).await, Some(Frame::Body(body)) if body == b"{}"));
        assert!(read_frame(&mut input, MAX_BODY).await.is_none());
    }

    #[test]
    fn dollar_requests_are_told_apart_from_notifications() {
        assert_eq!(dollar_request(br#"{"jsonrpc":"2.0","id":4,"method":"$/foo"}"#), Some(json!(4)));
        assert_eq!(dollar_request(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#), None);
        assert_eq!(dollar_request(br#"{"jsonrpc":"2.0","id":4,"method":"initialize"}"#), None);
    }
}

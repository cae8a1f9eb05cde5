//! The language server: `gavel lsp` speaks the Language Server Protocol over stdio
//! (tower-lsp-server on tokio).
//!
//! Every feature reads one model, the [`document::Analysis`] of a document: its text and line
//! index, the compilation (syntax tree, AST, diagnostics), its tokens and a symbol index. An
//! analysis is made on the blocking pool after each change ([`documents`]) and replaced whole;
//! handlers are plain functions from an analysis and a position to an answer, one file per
//! feature. The runtime runs on the CLI's large-stack thread and the blocking pool gets the same
//! stack size, so input nested as deeply as the compiler accepts is safe everywhere.

mod capabilities;
mod code_action;
mod code_lens;
mod commands;
mod completion;
mod context;
mod definition;
mod diagnostics;
mod docs;
pub mod document;
mod document_highlight;
mod document_symbol;
mod documents;
mod folding_range;
mod formatting;
mod hover;
mod importers;
mod inlay_hint;
pub mod lines;
mod markup;
mod recover;
mod references;
mod rename;
mod semantic_tokens;
mod server;
mod signature_help;
mod symbols;
mod tokens;
mod transport;
mod walk;
mod workspace_symbol;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tower_lsp_server::LspService;

/// Stack size of the threads that analyse documents, as the CLI gives the compiler.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin. Returns whether
/// the client asked for `shutdown` first (the exit code depends on it).
pub fn serve_stdio() -> std::io::Result<bool> {
    serve(tokio::io::stdin(), tokio::io::stdout())
}

/// [`serve_stdio`] on any pair of streams: the server in-process, as the fuzzer drives it.
pub fn serve(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    output: impl tokio::io::AsyncWrite + Unpin,
) -> std::io::Result<bool> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().thread_stack_size(STACK_SIZE).build()?;
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    runtime.block_on(async move {
        let (service, socket) = LspService::new(move |client| server::Server::new(client, flag));
        transport::serve(input, output, service, socket).await;
    });
    // Analyses still running are of no use any more; do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(shut_down.load(Ordering::SeqCst))
}

//! The LSP methods. Each handler finds the analysis of its document and hands it to the
//! feature's own module; this file only routes, waits and guards.
//!
//! Guarding: a feature that panics on some input (a bug) answers that one request with an
//! internal error instead of taking the server down.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::completion::Doc;
use super::document::Analysis;
use super::documents::{Documents, spawn_analysis};
use super::lines::Encoding;
use super::{
    capabilities, code_action, code_lens, commands, completion, definition, document_highlight, document_symbol,
    folding_range, formatting, hover, importers, inlay_hint, references, rename, semantic_tokens, signature_help,
    workspace_symbol,
};

/// What the client told us it can do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    pub encoding: Encoding,
    pub snippets: bool,
    pub hierarchical_symbols: bool,
    /// Completion documentation may come later, through `completionItem/resolve`.
    pub resolve_documentation: bool,
}

/// The documentation of the last completion list, for `completionItem/resolve`.
#[derive(Default)]
struct LastCompletion {
    id: u64,
    analysis: Option<Arc<Analysis>>,
    docs: Vec<Doc>,
}

pub struct Server {
    client: Client,
    documents: Arc<Documents>,
    settings: OnceLock<Settings>,
    shut_down: Arc<AtomicBool>,
    last_completion: Mutex<LastCompletion>,
    /// The workspace folders the client opened.
    folders: OnceLock<Vec<PathBuf>>,
}

impl Server {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Server {
        let last_completion = Mutex::default();
        let folders = OnceLock::new();
        Server { client, documents: Arc::default(), settings: OnceLock::new(), shut_down, last_completion, folders }
    }

    fn last_completion(&self) -> MutexGuard<'_, LastCompletion> {
        self.last_completion.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn settings(&self) -> Settings {
        self.settings.get().copied().unwrap_or_default()
    }

    fn analyse(&self, uri: &Uri) {
        spawn_analysis(self.documents.clone(), self.client.clone(), uri.clone(), self.settings().encoding);
    }

    /// Re-analyses the open documents that import `uri`'s file.
    fn analyse_dependents(&self, uri: &Uri) {
        let path = self.documents.path_of(uri).unwrap_or_else(|| super::document::file_path(uri));
        for dependent in self.documents.dependents(&path) {
            if dependent != *uri && self.documents.invalidate(&dependent) {
                self.analyse(&dependent);
            }
        }
    }

    /// Uses of the symbol at `position` in project files that import the document: each such
    /// file is compiled, so this runs on the blocking pool.
    async fn importers(&self, analysis: &Arc<Analysis>, position: Position) -> Vec<Location> {
        let (analysis, documents) = (analysis.clone(), self.documents.clone());
        let cancel = CancelOnDrop::default();
        let cancelled = cancel.flag();
        let job = tokio::task::spawn_blocking(move || {
            let read = |path: &std::path::Path| documents.text_of(path);
            importers::references(&analysis, position, &read, &|| cancelled.load(Ordering::Relaxed))
        });
        let found = job.await.unwrap_or_default();
        drop(cancel);
        found
    }

    /// Runs `feature` on the current analysis of `uri` (`None` when the document is not open).
    async fn answer<T>(&self, uri: &Uri, feature: impl FnOnce(&Analysis, Settings) -> Option<T>) -> Result<Option<T>> {
        let Some(analysis) = self.documents.analysis(uri).await? else { return Ok(None) };
        let settings = self.settings();
        guarded(|| feature(&analysis, settings))
    }
}

/// Tells a job on the blocking pool that its request is over. A cancelled request (`$/cancelRequest`)
/// drops the handler's future, and with it this guard: the job sees the flag and stops, rather
/// than searching a whole project for an answer nobody waits for.
#[derive(Default)]
struct CancelOnDrop(Arc<AtomicBool>);

impl CancelOnDrop {
    fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs a feature, turning a panic into an error answer.
fn guarded<T>(feature: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(feature)).map_err(|_| {
        let mut error = Error::internal_error();
        error.message = "gavel failed on this request (a bug); the server keeps running".into();
        error
    })
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let settings = capabilities::settings(&params.capabilities);
        // `initialize` runs once (the protocol layer refuses a second one), so these are empty.
        let _ = self.settings.set(settings);
        let _ = self.folders.set(capabilities::folders(&params));
        Ok(capabilities::result(settings))
    }

    async fn initialized(&self, _: InitializedParams) {
        let version = env!("CARGO_PKG_VERSION");
        self.client.log_message(MessageType::INFO, format!("gavel language server {version}")).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        if self.documents.open(&document.uri, document.text, document.version) {
            self.analyse(&document.uri);
        }
        self.analyse_dependents(&document.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        if self.documents.change(&uri, params.content_changes, version, self.settings().encoding) {
            self.analyse(&uri);
        }
        self.analyse_dependents(&uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.analyse_dependents(&uri);
        self.documents.close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            self.analyse_dependents(&change.uri);
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some(analysis) = self.documents.analysis(&at.text_document.uri).await? else { return Ok(None) };
        let Some((mut response, docs)) = guarded(|| completion::completion(&analysis, at.position, self.settings()))?
        else {
            return Ok(None);
        };
        // Items point at their documentation by index; the list id tells stale resolves apart.
        let mut last = self.last_completion();
        let id = last.id + 1;
        if let CompletionResponse::List(list) = &mut response {
            for item in &mut list.items {
                if let Some(index) = item.data.take() {
                    item.data = Some(serde_json::json!([id, index]));
                }
            }
        }
        *last = LastCompletion { id, analysis: Some(analysis), docs };
        Ok(Some(response))
    }

    async fn completion_resolve(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        let at = item.data.as_ref().and_then(|d| Some((d.get(0)?.as_u64()?, d.get(1)?.as_u64()?)));
        let last = self.last_completion();
        if let (Some((id, index)), Some(analysis)) = (at, &last.analysis)
            && id == last.id
            && let Some(doc) = usize::try_from(index).ok().and_then(|i| last.docs.get(i))
        {
            item.documentation = guarded(|| doc.render(analysis))?;
        }
        Ok(item)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.answer(&at.text_document.uri, |a, _| hover::hover(a, at.position)).await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        self.answer(&at.text_document.uri, |a, _| signature_help::signature_help(a, at.position)).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.answer(&at.text_document.uri, |a, _| definition::definition(a, at.position)).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let declaration = params.context.include_declaration;
        let Some(analysis) = self.documents.analysis(&at.text_document.uri).await? else { return Ok(None) };
        let importers = self.importers(&analysis, at.position).await;
        guarded(|| references::references(&analysis, at.position, declaration, &importers))
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.answer(&at.text_document.uri, |a, _| document_highlight::highlights(a, at.position)).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.answer(&params.text_document.uri, |a, _| rename::prepare(a, params.position)).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some(analysis) = self.documents.analysis(&at.text_document.uri).await? else { return Ok(None) };
        let importers = self.importers(&analysis, at.position).await;
        guarded(|| rename::rename(&analysis, at.position, &params.new_name, &importers))?
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.answer(&params.text_document.uri, |a, _| code_action::code_actions(a, params.range, &params.context)).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.answer(&params.text_document.uri, |a, _| code_lens::code_lenses(a)).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.answer(&params.text_document.uri, |a, s| document_symbol::document_symbols(a, s.hierarchical_symbols))
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.answer(&params.text_document.uri, |a, _| folding_range::folding_ranges(a)).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.answer(&params.text_document.uri, |a, _| semantic_tokens::full(a)).await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.answer(&params.text_document.uri, |a, _| semantic_tokens::range(a, params.range)).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.answer(&params.text_document.uri, |a, _| inlay_hint::inlay_hints(a, params.range)).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(analysis) = self.documents.analysis(&params.text_document.uri).await? else { return Ok(None) };
        // The formatter parses, prints and re-checks the whole file: off the request thread.
        let job = tokio::task::spawn_blocking(move || formatting::formatting(&analysis));
        job.await.map_err(|_| Error::internal_error())?.map_err(|message| {
            let mut error = Error::internal_error();
            error.message = message.into();
            error
        })
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        // The workspace folders, and the projects of open documents outside them.
        let mut folders = self.folders.get().cloned().unwrap_or_default();
        folders.extend(self.documents.paths().iter().map(|p| crate::project::find_root(p)));
        folders.sort();
        folders.dedup();
        let (documents, encoding) = (self.documents.clone(), self.settings().encoding);
        let cancel = CancelOnDrop::default();
        let cancelled = cancel.flag();
        let job = tokio::task::spawn_blocking(move || {
            let read = |path: &std::path::Path| documents.text_of(path);
            let cancelled = || cancelled.load(Ordering::Relaxed);
            workspace_symbol::workspace_symbols(&folders, &params.query, &read, encoding, &cancelled)
        });
        let symbols = job.await.map_err(|_| Error::internal_error())?;
        drop(cancel);
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        commands::execute(&self.documents, params).await
    }
}

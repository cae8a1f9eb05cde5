//! What the server offers, and what it takes from the client's capabilities.

use tower_lsp_server::ls_types::*;

use super::commands;
use super::lines::Encoding;
use super::semantic_tokens;
use super::server::Settings;

pub fn settings(client: &ClientCapabilities) -> Settings {
    let text = client.text_document.as_ref();
    let snippets = text
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    let hierarchical_symbols = text
        .and_then(|t| t.document_symbol.as_ref())
        .and_then(|s| s.hierarchical_document_symbol_support)
        .unwrap_or(false);
    let resolve_documentation = text
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "documentation"));
    let offered = client.general.as_ref().and_then(|g| g.position_encodings.as_deref());
    Settings { encoding: Encoding::negotiate(offered), snippets, hierarchical_symbols, resolve_documentation }
}

/// The folders the client opened (workspace folders, or the older root URI).
#[allow(deprecated)] // `root_uri` is how older clients name the workspace.
pub fn folders(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    folders.chain(params.root_uri.iter()).filter_map(|uri| uri.to_file_path()).map(|p| p.into_owned()).collect()
}

pub fn result(settings: Settings) -> InitializeResult {
    InitializeResult {
        capabilities: capabilities(settings),
        server_info: Some(ServerInfo { name: "gavel".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        offset_encoding: None,
    }
}

fn capabilities(settings: Settings) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(settings.encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..TextDocumentSyncOptions::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "$".into(), "\"".into()]),
            resolve_provider: Some(settings.resolve_documentation),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            retrigger_characters: None,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: commands::COMMANDS.iter().map(|c| c.to_string()).collect(),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        ..ServerCapabilities::default()
    }
}

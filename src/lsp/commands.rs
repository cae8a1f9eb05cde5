//! Commands the server runs (`workspace/executeCommand`):
//! - `gavel.compiledJson [uri, name or position?]`: the Azure Policy JSON of a definition of the
//!   document (by name, the one at a position, or the first), as `gavel build` writes it;
//! - `gavel.explain [code]`: the long explanation of a diagnostic code, as `gavel explain`
//!   prints it (Markdown).

use std::str::FromStr;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, LSPAny, Position, Uri};

use super::document::Analysis;
use super::documents::Documents;
use super::markup;
use crate::diag::Code;
use crate::emit::EmitOptions;
use crate::emit::target::definition_json;

pub const COMPILED_JSON: &str = "gavel.compiledJson";
pub const EXPLAIN: &str = "gavel.explain";
pub const COMMANDS: &[&str] = &[COMPILED_JSON, EXPLAIN];

pub async fn execute(documents: &Documents, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    let argument = |i: usize| params.arguments.get(i).and_then(Value::as_str).map(str::to_string);
    match params.command.as_str() {
        COMPILED_JSON => {
            let uri = argument(0).ok_or_else(|| Error::invalid_params("expected the document's URI"))?;
            let uri = Uri::from_str(&uri).map_err(|e| Error::invalid_params(format!("not a URI: {e}")))?;
            let analysis =
                documents.analysis(&uri).await?.ok_or_else(|| Error::invalid_params("the document is not open"))?;
            let which = match params.arguments.get(1) {
                Some(Value::String(name)) => Which::Name(name.clone()),
                Some(position @ Value::Object(_)) => serde_json::from_value::<Position>(position.clone())
                    .map(Which::At)
                    .map_err(|e| Error::invalid_params(format!("not a position: {e}")))?,
                _ => Which::First,
            };
            compiled_json(&analysis, which).map(|json| Some(Value::String(json)))
        }
        EXPLAIN => {
            let code = argument(0).and_then(|c| Code::parse(&c));
            let code = code.ok_or_else(|| Error::invalid_params("expected a diagnostic code such as GV0105"))?;
            Ok(Some(Value::String(markup::explanation(code))))
        }
        other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
    }
}

/// Which definition of the document.
enum Which {
    Name(String),
    At(Position),
    First,
}

/// The JSON a build writes for one definition of the document.
fn compiled_json(analysis: &Analysis, which: Which) -> Result<String> {
    let mut definitions = analysis.definitions().map(|(_, d)| d);
    let definition = match which {
        Which::Name(name) => definitions.find(|d| d.name().value == name),
        Which::At(position) => {
            let offset = analysis.offset(position);
            analysis.definition_at(offset).map(|(_, d)| d).or_else(|| definitions.next())
        }
        Which::First => definitions.next(),
    };
    let definition = definition.ok_or_else(|| Error::invalid_params("no such policy or initiative in the document"))?;
    let errors: Vec<&crate::diag::Diagnostic> =
        analysis.compiled.compilation.diagnostics.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        return Err(Error::invalid_params(format!(
            "`{}` does not build: {} error(s), the first: {}",
            definition.name().value,
            errors.len(),
            first.message
        )));
    }
    let json = definition_json(definition, &EmitOptions::default());
    let mut text = serde_json::to_string_pretty(&json).map_err(|_| Error::internal_error())?;
    text.push('\n');
    Ok(text)
}

//! Code lenses: "Show compiled JSON" above each policy and initiative, running the
//! [`super::commands::COMPILED_JSON`] command.

use tower_lsp_server::ls_types::{CodeLens, Command};

use super::commands;
use super::document::Analysis;

pub fn code_lenses(analysis: &Analysis) -> Option<Vec<CodeLens>> {
    let lenses = analysis
        .definitions()
        .map(|(_, definition)| {
            let name = &definition.name().value;
            CodeLens {
                range: analysis.range(definition.header().span.to(definition.name().span)),
                command: Some(Command {
                    title: "Show compiled JSON".into(),
                    command: commands::COMPILED_JSON.into(),
                    arguments: Some(vec![analysis.uri.as_str().into(), name.as_str().into()]),
                }),
                data: None,
            }
        })
        .collect();
    Some(lenses)
}

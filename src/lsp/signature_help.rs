//! Signature help: inside the parentheses of a call, the function's parameters with the one
//! being written highlighted.

use tower_lsp_server::ls_types::{
    Documentation, MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, Position, SignatureHelp,
    SignatureInformation,
};

use super::docs::{self, FunctionDoc};
use super::document::Analysis;
use super::tokens::index_from;

pub fn signature_help(analysis: &Analysis, position: Position) -> Option<SignatureHelp> {
    let offset = analysis.offset(position);
    let (function, argument) = call_at(analysis, offset)?;
    let active = if function.params.last() == Some(&"…") {
        argument.min(function.params.len().saturating_sub(1))
    } else {
        argument
    };
    Some(SignatureHelp {
        signatures: vec![signature(function)],
        active_signature: Some(0),
        active_parameter: Some(u32::try_from(active).unwrap_or(0)),
    })
}

/// The function whose parentheses enclose `offset`, and the index of the argument there.
fn call_at(analysis: &Analysis, offset: usize) -> Option<(&'static FunctionDoc, usize)> {
    let before = analysis.tokens().get(..index_from(analysis.tokens(), offset))?;
    let mut depth = 0usize;
    let mut commas = 0usize;
    for (i, token) in before.iter().enumerate().rev() {
        match token.kind {
            super::tokens::TokKind::Punct(')' | ']' | '}') => depth += 1,
            super::tokens::TokKind::Punct('(') if depth == 0 => {
                let name = i.checked_sub(1).and_then(|n| before.get(n)).filter(|t| t.is_word())?;
                return docs::function(analysis.token_text(name)).map(|f| (f, commas));
            }
            // Any other bracket opening here means the cursor is not in an argument list.
            super::tokens::TokKind::Punct('[' | '{') if depth == 0 => return None,
            super::tokens::TokKind::Punct('(' | '[' | '{') => depth -= 1,
            super::tokens::TokKind::Punct(',') if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

fn signature(function: &FunctionDoc) -> SignatureInformation {
    let parameters = function
        .params
        .iter()
        .map(|p| ParameterInformation { label: ParameterLabel::Simple(p.to_string()), documentation: None })
        .collect();
    SignatureInformation {
        label: function.signature(),
        documentation: Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: function.doc.to_string(),
        })),
        parameters: Some(parameters),
        active_parameter: None,
    }
}

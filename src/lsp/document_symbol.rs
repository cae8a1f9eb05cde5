//! Document symbols (outline, breadcrumbs, go to symbol): policies and initiatives, with
//! their parameters, effect, groups and members.

use tower_lsp_server::ls_types::{DocumentSymbol, DocumentSymbolResponse, Location, SymbolInformation, SymbolKind};

use super::document::Analysis;
use crate::ast::{Definition, EffectValue, MemberTarget, Spanned};
use crate::syntax::span::Span;

pub fn document_symbols(analysis: &Analysis, hierarchical: bool) -> Option<DocumentSymbolResponse> {
    let symbols: Vec<DocumentSymbol> = analysis.definitions().map(|(_, d)| definition(analysis, d)).collect();
    if hierarchical {
        return Some(DocumentSymbolResponse::Nested(symbols));
    }
    let mut flat = Vec::new();
    for symbol in &symbols {
        flatten(analysis, symbol, None, &mut flat);
    }
    Some(DocumentSymbolResponse::Flat(flat))
}

#[allow(deprecated)] // `deprecated` is a field every DocumentSymbol must still fill in.
fn symbol(
    analysis: &Analysis,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
) -> DocumentSymbol {
    // The selection must lie within the range, whatever lowering made of the spans.
    let span = span.to(name_span);
    DocumentSymbol {
        name: if name.is_empty() { "(unnamed)".into() } else { name.to_string() },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: analysis.range(span),
        selection_range: analysis.range(name_span),
        children: None,
    }
}

fn definition(analysis: &Analysis, definition: &Definition) -> DocumentSymbol {
    let header = definition.header();
    let display = header.display_name.as_ref().map(|d| d.value.clone());
    let kind = match definition {
        Definition::Policy(_) => SymbolKind::CLASS,
        Definition::Initiative(_) => SymbolKind::MODULE,
    };
    let mut children: Vec<DocumentSymbol> = header
        .parameters
        .iter()
        .map(|p| {
            let detail = Some(p.ty.value.json_name().to_string());
            symbol(analysis, &p.name.value, detail, SymbolKind::FIELD, p.span, p.name.span)
        })
        .collect();
    match definition {
        Definition::Policy(policy) => {
            let (effect, detail) = match &policy.effect.value {
                EffectValue::Literal(name) => (name, None),
                EffectValue::Param(name) => (name, policy.effect.kind.map(|k| k.name().to_string())),
            };
            let name = format!("then {}", analysis.slice(effect.span));
            children.push(symbol(analysis, &name, detail, SymbolKind::EVENT, policy.effect.span, effect.span));
        }
        Definition::Initiative(initiative) => {
            for group in &initiative.groups {
                let detail = group.display_name.as_ref().map(|d| d.value.clone());
                children.push(symbol(
                    analysis,
                    &group.name.value,
                    detail,
                    SymbolKind::NAMESPACE,
                    group.span,
                    group.name.span,
                ));
            }
            for member in &initiative.members {
                let target: &Spanned<String> = match &member.target {
                    MemberTarget::Policy(name) | MemberTarget::Id(name) => name,
                };
                let detail = member.reference_id.as_ref().map(|r| r.value.clone());
                children.push(symbol(analysis, &target.value, detail, SymbolKind::OBJECT, member.span, target.span));
            }
        }
    }
    let mut parent = symbol(analysis, &header.name.value, display, kind, header.span, header.name.span);
    parent.children = Some(children);
    parent
}

#[allow(deprecated)] // as above
fn flatten(analysis: &Analysis, symbol: &DocumentSymbol, container: Option<&str>, out: &mut Vec<SymbolInformation>) {
    out.push(SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol.kind,
        tags: None,
        deprecated: None,
        location: Location { uri: analysis.uri.clone(), range: symbol.range },
        container_name: container.map(str::to_string),
    });
    for child in symbol.children.iter().flatten() {
        flatten(analysis, child, Some(&symbol.name), out);
    }
}

//! Diagnostics: the compilation's own, as LSP diagnostics. Nothing is filtered or special-cased
//! by code: every diagnostic the parser, lowering and checker report for the buffer is shown
//! with its code, its help line, its labels as related information, and (through code
//! actions) its fixes. Problems in imported files show on the `import` that brings them in.

use std::path::Path;

use tower_lsp_server::ls_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, NumberOrString, Range,
};

use super::document::Analysis;
use crate::diag::{Diagnostic, Severity};
use crate::syntax::span::{FileId, Span};

/// The name diagnostics carry as their source.
pub const SOURCE: &str = "gavel";

/// Every diagnostic to publish for the analysed buffer.
pub fn of(analysis: &Analysis) -> Vec<LspDiagnostic> {
    let file = analysis.file();
    let diagnostics = &analysis.compiled.compilation.diagnostics;
    let mut published: Vec<LspDiagnostic> =
        diagnostics.iter().filter(|d| d.span.file == file).map(|d| convert(analysis, d)).collect();
    published.extend(project_problems(analysis));
    published.extend(imported_problems(analysis));
    published
}

/// Problems of the project file (`gavel.toml`) concern every file of the project: they show at
/// the top of the buffer, as Bicep shows problems of its configuration file.
fn project_problems(analysis: &Analysis) -> Vec<LspDiagnostic> {
    let compilation = &analysis.compiled.compilation;
    let is_unit = |file| compilation.units.iter().any(|u| u.file == file);
    compilation
        .diagnostics
        .iter()
        .filter(|d| d.span.file != analysis.file() && !is_unit(d.span.file))
        .map(|d| {
            let mut shown = convert(analysis, d);
            let name = compilation.sources.path(d.span.file).file_name().map(|n| n.to_string_lossy().into_owned());
            shown.message = format!("{}: {}", name.unwrap_or_default(), shown.message);
            shown.range = Range::default();
            if let Some(location) = analysis.location(d.span) {
                let message = "here".to_string();
                shown.related_information = Some(vec![DiagnosticRelatedInformation { location, message }]);
            }
            shown
        })
        .collect()
}

/// One compiler diagnostic as an LSP diagnostic of the buffer.
pub fn convert(analysis: &Analysis, diagnostic: &Diagnostic) -> LspDiagnostic {
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: analysis.location(label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    LspDiagnostic {
        range: analysis.range(diagnostic.span),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.id().to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(diagnostic),
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Editors fade unused code and strike deprecated code; the code's name says which applies.
fn tags(diagnostic: &Diagnostic) -> Option<Vec<DiagnosticTag>> {
    let name = diagnostic.code.name();
    if name.starts_with("unused-") {
        Some(vec![DiagnosticTag::UNNECESSARY])
    } else if name.contains("deprecated") {
        Some(vec![DiagnosticTag::DEPRECATED])
    } else {
        None
    }
}

/// Errors in imported files, summarised on the `import` of the buffer that leads to them (the
/// first import when the file comes in through another file).
fn imported_problems(analysis: &Analysis) -> Vec<LspDiagnostic> {
    let compilation = &analysis.compiled.compilation;
    let Some(unit) = compilation.units.iter().find(|u| u.file == analysis.file()) else { return Vec::new() };
    let Some(first) = unit.module.imports.first() else { return Vec::new() };
    let dir = super::document::file_path(&analysis.uri).parent().map(Path::to_path_buf).unwrap_or_default();
    let import_of = |file: FileId| -> Span {
        let path = compilation.sources.path(file);
        unit.module
            .imports
            .iter()
            .find(|import| dir.join(&import.value).canonicalize().is_ok_and(|p| p == path))
            .map_or(first.span, |import| import.span)
    };
    let mut per_import: Vec<(Span, FileId, usize, &Diagnostic)> = Vec::new();
    let is_import = |file| file != analysis.file() && compilation.units.iter().any(|u| u.file == file);
    for diagnostic in compilation.diagnostics.iter().filter(|d| d.is_error() && is_import(d.span.file)) {
        let span = import_of(diagnostic.span.file);
        match per_import.iter_mut().find(|(s, ..)| *s == span) {
            Some(entry) => entry.2 += 1,
            None => per_import.push((span, diagnostic.span.file, 1, diagnostic)),
        }
    }
    per_import
        .into_iter()
        .map(|(span, file, count, first)| {
            let name = compilation.sources.path(file).file_name().map(|n| n.to_string_lossy().into_owned());
            let location = analysis.location(first.span);
            LspDiagnostic {
                range: analysis.range(span),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String(first.code.id().to_string())),
                source: Some(SOURCE.to_string()),
                message: format!(
                    "{} has {count} error{}; the first: {}",
                    name.unwrap_or_default(),
                    if count == 1 { "" } else { "s" },
                    first.message
                ),
                related_information: location
                    .map(|location| vec![DiagnosticRelatedInformation { location, message: first.message.clone() }]),
                ..LspDiagnostic::default()
            }
        })
        .collect()
}

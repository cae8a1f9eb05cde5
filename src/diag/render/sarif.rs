//! SARIF 2.1.0 output (`--format sarif`), for code-scanning services such as GitHub code
//! scanning and Azure DevOps.
//!
//! One run; `tool.driver.rules` lists every code of the registry in [`Code::ALL`] order, so a
//! result's `ruleIndex` is the code's position there and stays valid whatever was reported.
//! Columns are UTF-16 code units, SARIF's default `columnKind`, stated explicitly on the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{portable_path, resolve_span};
use crate::diag::{Code, Diagnostic, Fix, Severity};
use crate::syntax::span::{FileId, SourceMap, Span};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";

/// Where the tool lives, from Cargo metadata (`homepage`, else `repository`). gavel has no
/// published address yet, so until Cargo.toml names one `informationUri` is left out (it is
/// optional in SARIF) rather than pointing somewhere made up.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")].into_iter().find(|uri| !uri.is_empty())
}

/// The SARIF `level` of a severity. SARIF has no "hint"; `note` is its lowest reportable level.
pub(crate) fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

/// Renders diagnostics as a SARIF 2.1.0 log with one run of `gavel` at `tool_version`.
pub fn render_sarif(diags: &[Diagnostic], sources: &SourceMap, tool_version: &str) -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), "gavel".into());
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), uri.into());
    }
    driver.insert("version".into(), tool_version.into());
    driver.insert("rules".into(), Code::ALL.iter().map(|&code| rule(code)).collect());

    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "utf16CodeUnits",
            "results": diags.iter().map(|diag| result(diag, sources)).collect::<Vec<_>>(),
        }],
    })
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.id(),
        "name": code.name(),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": code.explanation() },
        // Shown by code-scanning UIs next to a result; the same text as `gavel explain`.
        "help": { "text": code.explanation() },
        "defaultConfiguration": { "level": sarif_level(code.default_severity()) },
    })
}

fn result(diag: &Diagnostic, sources: &SourceMap) -> Value {
    let mut text = diag.message.clone();
    if let Some(help) = &diag.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }

    let mut object = Map::new();
    object.insert("ruleId".into(), diag.code.id().into());
    if let Some(index) = Code::ALL.iter().position(|&code| code == diag.code) {
        object.insert("ruleIndex".into(), index.into());
    }
    object.insert("level".into(), sarif_level(diag.severity).into());
    object.insert("message".into(), json!({ "text": text }));
    // A diagnostic in a file that was never read has nowhere to point; SARIF allows a result
    // without locations.
    let locations: Vec<Value> = physical_location(sources, diag.span)
        .map(|physical| json!({ "physicalLocation": physical }))
        .into_iter()
        .collect();
    object.insert("locations".into(), locations.into());

    let related: Vec<Value> = diag
        .labels
        .iter()
        .filter_map(|label| Some((physical_location(sources, label.span)?, &label.message)))
        .enumerate()
        .map(|(id, (physical, message))| {
            json!({ "id": id, "physicalLocation": physical, "message": { "text": message } })
        })
        .collect();
    if !related.is_empty() {
        object.insert("relatedLocations".into(), related.into());
    }

    let fixes: Vec<Value> = diag.fixes.iter().filter_map(|f| fix(f, sources)).collect();
    if !fixes.is_empty() {
        object.insert("fixes".into(), fixes.into());
    }
    Value::Object(object)
}

/// A SARIF fix, or `None` if none of its edits lands in a known file (SARIF requires at
/// least one artifact change with at least one replacement).
fn fix(fix: &Fix, sources: &SourceMap) -> Option<Value> {
    // One artifactChange per file, in FileId order so the output is stable.
    let mut changes: BTreeMap<FileId, Vec<Value>> = BTreeMap::new();
    for edit in &fix.edits {
        let Some(file) = sources.get(edit.span.file) else {
            continue;
        };
        changes.entry(edit.span.file).or_default().push(json!({
            "deletedRegion": region(file, edit.span, true),
            "insertedContent": { "text": edit.replacement },
        }));
    }
    if changes.is_empty() {
        return None;
    }
    let artifact_changes: Vec<Value> = changes
        .into_iter()
        .map(|(id, replacements)| {
            json!({
                "artifactLocation": { "uri": file_uri(sources.path(id)) },
                "replacements": replacements,
            })
        })
        .collect();
    Some(json!({ "description": { "text": fix.message }, "artifactChanges": artifact_changes }))
}

/// `physicalLocation` of a span. Always with a region, even for a file-level diagnostic
/// (the empty span at offset 0 becomes an empty region at 1:1): SARIF would allow leaving it
/// out, but GitHub code scanning rejects results without `region.startLine` (its rule GH1003).
fn physical_location(sources: &SourceMap, span: Span) -> Option<Value> {
    let file = sources.get(span.file)?;
    Some(json!({
        "artifactLocation": { "uri": file_uri(&file.path) },
        "region": region(file, span, false),
    }))
}

/// A text region with 1-based lines and UTF-16 columns. End positions are exclusive, so an
/// empty span (an insertion point) has `endColumn == startColumn`. A deleted region also
/// carries byte offsets, which SARIF allows alongside lines and columns, so that consumers
/// applying fixes need not recount UTF-16 units.
fn region(file: &crate::syntax::span::SourceFile, span: Span, with_bytes: bool) -> Value {
    let range = resolve_span(file, span);
    let mut region = json!({
        "startLine": range.start.line + 1,
        "startColumn": range.start.utf16_col + 1,
        "endLine": range.end.line + 1,
        "endColumn": range.end.utf16_col + 1,
    });
    if with_bytes {
        region["byteOffset"] = range.start.byte.into();
        region["byteLength"] = (range.end.byte - range.start.byte).into();
    }
    region
}

/// The `artifactLocation.uri` of a path: relative paths stay relative (code-scanning services
/// resolve them against the repository root), absolute ones become `file:` URIs. Characters
/// that may not appear in a URI path are percent-encoded, so `my policies/café.gavel` becomes
/// `my%20policies/caf%C3%A9.gavel`.
pub(crate) fn file_uri(path: &Path) -> String {
    let text = portable_path(path);
    // `/C:/x` on Windows; on Unix an absolute path already starts with `/`.
    let absolute = path.is_absolute() || text.starts_with('/');
    let mut uri = String::with_capacity(text.len() + 8);
    if absolute {
        uri.push_str("file://");
        if !text.starts_with('/') {
            uri.push('/');
        }
    }
    for (index, byte) in text.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'')
            || matches!(byte, b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@')
            // A drive letter's colon in a `file:` URI; elsewhere a colon in a relative path
            // would read as a URI scheme, so it is encoded.
            || (byte == b':' && absolute && index == 1 && !text.starts_with('/'));
        if keep {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(file_uri(Path::new("policies/a.gavel")), "policies/a.gavel");
        assert_eq!(file_uri(Path::new("my policies/café.gavel")), "my%20policies/caf%C3%A9.gavel");
        assert_eq!(file_uri(Path::new("a:b#c%.gavel")), "a%3Ab%23c%25.gavel");
        #[cfg(unix)]
        assert_eq!(file_uri(Path::new("/srv/p q.gavel")), "file:///srv/p%20q.gavel");
    }
}

//! gavel's own machine-readable diagnostics (`--format json`).

use serde_json::{Value, json};

use super::{count, portable_path, resolve_span};
use crate::diag::{Diagnostic, Edit, Fix, Label};
use crate::syntax::span::{SourceMap, Span};

/// Renders diagnostics as one JSON document. The shape is stable: fields are only ever
/// added, and `version` changes if one is removed or changes meaning.
///
/// ```text
/// {
///   "version": 1,
///   "diagnostics": [
///     {
///       "code": "GV0105",                   // stable id, see `gavel explain`
///       "name": "undefined-parameter",      // stable kebab-case name of the code
///       "severity": "error",                // "error" | "warning" | "hint"
///       "message": "undefined parameter `$efect`",
///       "file": "policies/a.gavel",         // Location fields, below
///       "range": { "start": { "line": 9, "column": 10 }, "end": { "line": 9, "column": 16 } },
///       "byteRange": { "start": 180, "end": 186 },
///       "labels": [ { Location fields, "message": "declared here" } ],
///       "help": "did you mean `$effect`?",  // or null
///       "fixes": [
///         {
///           "message": "replace with `$effect`",
///           "edits": [ { Location fields, "replacement": "$effect" } ]
///         }
///       ]
///     }
///   ],
///   "summary": { "errors": 1, "warnings": 0, "hints": 0 }
/// }
/// ```
///
/// Location fields, on a diagnostic, a label and an edit:
/// - `file`: the path as given in the source map, with `/` separators on every platform;
///   `null` when the file was never read (an I/O error, say).
/// - `range`: start and end (exclusive) positions; `line` and `column` are 1-based and columns
///   count Unicode scalar values (characters), not bytes or UTF-16 units. Lines end at `\n`,
///   `\r\n` or a lone `\r`, as the language server counts them; the break is not part of its
///   line (a position inside `\r\n` is the end of the line). `null` when `file` is null.
/// - `byteRange`: 0-based, half-open byte offsets into the file's UTF-8 text. Offsets past
///   the end of the file are clamped to its length, and offsets inside a multi-byte character
///   widen to the whole character, so `range` and `byteRange` always denote the same text.
///   For an unknown file they are the offsets as reported.
///
/// A diagnostic about a file as a whole has an empty range at line 1, column 1.
/// Diagnostics keep the order they were given in.
pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> Value {
    let counts = count(diags);
    json!({
        "version": 1,
        "diagnostics": diags.iter().map(|diag| diagnostic(diag, sources)).collect::<Vec<_>>(),
        "summary": {
            "errors": counts.errors,
            "warnings": counts.warnings,
            "hints": counts.hints,
        },
    })
}

fn diagnostic(diag: &Diagnostic, sources: &SourceMap) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("code".into(), diag.code.id().into());
    object.insert("name".into(), diag.code.name().into());
    object.insert("severity".into(), diag.severity.as_str().into());
    object.insert("message".into(), diag.message.clone().into());
    extend_location(&mut object, sources, diag.span);
    object.insert("labels".into(), diag.labels.iter().map(|l| label(l, sources)).collect());
    object.insert("help".into(), diag.help.clone().into());
    object.insert("fixes".into(), diag.fixes.iter().map(|f| fix(f, sources)).collect());
    Value::Object(object)
}

fn label(label: &Label, sources: &SourceMap) -> Value {
    let mut object = serde_json::Map::new();
    extend_location(&mut object, sources, label.span);
    object.insert("message".into(), label.message.clone().into());
    Value::Object(object)
}

fn fix(fix: &Fix, sources: &SourceMap) -> Value {
    json!({
        "message": fix.message,
        "edits": fix.edits.iter().map(|e| edit(e, sources)).collect::<Vec<_>>(),
    })
}

fn edit(edit: &Edit, sources: &SourceMap) -> Value {
    let mut object = serde_json::Map::new();
    extend_location(&mut object, sources, edit.span);
    object.insert("replacement".into(), edit.replacement.clone().into());
    Value::Object(object)
}

/// Adds `file`, `range` and `byteRange` for `span`.
fn extend_location(object: &mut serde_json::Map<String, Value>, sources: &SourceMap, span: Span) {
    let Some(file) = sources.get(span.file) else {
        object.insert("file".into(), Value::Null);
        object.insert("range".into(), Value::Null);
        object.insert("byteRange".into(), json!({ "start": span.start, "end": span.end }));
        return;
    };
    let range = resolve_span(file, span);
    let position = |p: super::Position| json!({ "line": p.line + 1, "column": p.char_col + 1 });
    object.insert("file".into(), portable_path(&file.path).into());
    object.insert("range".into(), json!({ "start": position(range.start), "end": position(range.end) }));
    object.insert("byteRange".into(), json!({ "start": range.start.byte, "end": range.end.byte }));
}

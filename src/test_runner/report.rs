//! Printing test results and evaluations: plain text for people (in the manner of `cargo test`)
//! and one JSON document for machines.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::evaluate::Outcome;
use super::explain::{Evaluated, Explanation};
use super::policy::Origin;
use super::run::{CaseReport, FileReport, Status};
use crate::syntax::span::{SourceMap, Span};

/// Counts of case results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub errors: usize,
}

impl Summary {
    pub fn of(files: &[FileReport]) -> Summary {
        let mut summary = Summary { errors: files.iter().filter(|f| f.unreadable).count(), ..Summary::default() };
        for case in files.iter().flat_map(|f| f.cases.iter()) {
            match case.status {
                Status::Passed => summary.passed += 1,
                Status::Failed => summary.failed += 1,
                Status::Skipped => summary.skipped += 1,
                Status::Error => summary.errors += 1,
            }
        }
        summary
    }

    pub fn ok(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}

/// The human report: one line per case, then every failure with its reasons, then the totals.
/// `elapsed` is left out when `None` (snapshots).
pub fn human(files: &[FileReport], sources: &SourceMap, elapsed: Option<Duration>) -> String {
    let mut out = String::new();
    case_lines(&mut out, files);
    let failures: Vec<(&FileReport, &CaseReport)> =
        files.iter().flat_map(|f| f.cases.iter().filter(|c| c.status == Status::Failed).map(move |c| (f, c))).collect();
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for (file, case) in failures {
            failure(&mut out, file, case, sources);
        }
    }
    summary_line(&mut out, &Summary::of(files), elapsed);
    out
}

/// `running N cases from M files`, then each file with one line per case.
fn case_lines(out: &mut String, files: &[FileReport]) {
    let total: usize = files.iter().map(|f| f.cases.len()).sum();
    let (cases, file_word) = (plural(total, "case", "cases"), plural(files.len(), "file", "files"));
    let _ = writeln!(out, "running {total} {cases} from {} {file_word}", files.len());
    for file in files {
        let _ = writeln!(out, "\n{}", shown_path(&file.path));
        if file.unreadable {
            let _ = writeln!(out, "  {:<8} the file could not be read: see the errors above", "error");
        }
        for case in &file.cases {
            let _ = writeln!(out, "  {:<8} {}{}", status_word(case.status), case.name, case_suffix(case));
        }
    }
}

/// `test result: ok. 3 passed; 0 failed; 0 skipped; 0 errors; finished in 0.05s`.
fn summary_line(out: &mut String, summary: &Summary, elapsed: Option<Duration>) {
    let verdict = if summary.ok() { "ok" } else { "FAILED" };
    let errors = plural(summary.errors, "error", "errors");
    let _ = write!(
        out,
        "\ntest result: {verdict}. {} passed; {} failed; {} skipped; {} {errors}",
        summary.passed, summary.failed, summary.skipped, summary.errors
    );
    if let Some(elapsed) = elapsed {
        let _ = write!(out, "; finished in {:.2}s", elapsed.as_secs_f64());
    }
    out.push('\n');
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Passed => "ok",
        Status::Failed => "FAILED",
        Status::Skipped => "skipped",
        Status::Error => "error",
    }
}

fn case_suffix(case: &CaseReport) -> String {
    match (case.status, &case.outcome, &case.skip_reason) {
        (Status::Skipped, _, Some(reason)) => format!(" ({reason})"),
        (Status::Passed, Some(outcome), _) => format!(": {}", outcome.label()),
        (Status::Failed, _, _) => ": see below".into(),
        (Status::Error, _, _) => ": see the errors above".into(),
        _ => String::new(),
    }
}

fn failure(out: &mut String, file: &FileReport, case: &CaseReport, sources: &SourceMap) {
    let _ = writeln!(out, "\n---- {}:{} {} ----", shown_path(&file.path), line_of(sources, case.span), case.name);
    let _ = writeln!(out, "policy:   {}", case.policy);
    if let Some(mismatch) = &case.mismatch {
        let _ = writeln!(out, "{}", mismatch.summary);
        if let Some(diff) = &mismatch.diff {
            let _ = writeln!(out, "diff (- expected, + actual):");
            for line in diff.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if let (Some(explanation), Some(outcome)) = (&case.explanation, &case.outcome) {
        why(out, explanation, outcome, sources);
    }
    for note in &case.notes {
        let _ = writeln!(out, "note: {note}");
    }
}

/// The reasons, as an indented tree of the conditions that decided.
pub fn why(out: &mut String, explanation: &Explanation, outcome: &Outcome, sources: &SourceMap) {
    let verdict = match &explanation.rule.result {
        Ok(true) => "the policy's `if` matches the resource",
        Ok(false) => "the policy's `if` does not match the resource",
        Err(_) => "the engine could not evaluate the policy's `if` on its own",
    };
    if let Some(source) = &explanation.effect_source {
        let _ = writeln!(out, "{source}");
    }
    let _ = writeln!(out, "why: {verdict}:");
    tree(out, &explanation.rule, 1, sources);
    for check in &explanation.existence {
        match &check.found {
            None => {
                let _ = writeln!(
                    out,
                    "existence check: looked for {}; none was given under `related:`, so none exists",
                    check.wanted
                );
            }
            Some((name, condition)) => {
                let _ = writeln!(out, "existence check: looked for {}; found {name}", check.wanted);
                if let Some(condition) = condition {
                    tree(out, condition, 1, sources);
                }
            }
        }
    }
    if outcome.effect.is_none() && outcome.applicable && explanation.existence.is_empty() {
        let _ =
            writeln!(out, "the effect itself gave no result (it is `Disabled`, or the engine returned nothing for it)");
    }
}

fn tree(out: &mut String, node: &Evaluated, depth: usize, sources: &SourceMap) {
    let result = match &node.result {
        Ok(true) => "true ".to_string(),
        Ok(false) => "false".to_string(),
        Err(_) => "?    ".to_string(),
    };
    let _ = write!(out, "{}{result}  {}", "  ".repeat(depth), shorten(&node.text, 100));
    if let Some((subject, value)) = &node.observed {
        match value {
            Some(value) => {
                let _ = write!(out, "  ({subject} is {})", shorten(&value.to_string(), 80));
            }
            None => {
                let _ = write!(out, "  ({subject} does not exist)");
            }
        }
    }
    if let Some((matched, total)) = node.counted {
        let _ = write!(out, "  (matching members: {matched} of {total})");
    }
    let _ = writeln!(out, "  [{}]", origin_label(&node.origin, sources));
    if let Err(message) = &node.result {
        let _ = writeln!(out, "{}  the engine: {message}", "  ".repeat(depth + 1));
    }
    for child in &node.children {
        tree(out, child, depth + 1, sources);
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{kept}…")
}

/// `file:line:col` for a gavel condition, the JSON pointer for a definition's.
pub fn origin_label(origin: &Origin, sources: &SourceMap) -> String {
    match origin {
        Origin::Source(span) => location(sources, *span),
        Origin::Pointer(pointer) => pointer.clone(),
    }
}

/// `path:line:col` (one-based), paths relative to the working directory.
pub fn location(sources: &SourceMap, span: Span) -> String {
    match sources.get(span.file) {
        Some(file) => {
            let (line, col) = file.line_char_col(span.start);
            format!("{}:{}:{}", shown_path(&file.path), line + 1, col + 1)
        }
        None => "?".into(),
    }
}

fn line_of(sources: &SourceMap, span: Span) -> usize {
    sources.get(span.file).map_or(0, |f| f.line_col(span.start).0 + 1)
}

fn shown_path(path: &std::path::Path) -> String {
    let shown = crate::project::display_path(path);
    shown.display().to_string().replace('\\', "/")
}

/// The machine report of a test run.
pub fn json(files: &[FileReport], sources: &SourceMap, diagnostics: &Value) -> Value {
    let summary = Summary::of(files);
    json!({
        "version": 1,
        "files": files.iter().map(|f| json!({
            "file": shown_path(&f.path),
            "readable": !f.unreadable,
            "cases": f.cases.iter().map(|c| case_json(c, sources)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "diagnostics": diagnostics,
        "summary": {
            "passed": summary.passed,
            "failed": summary.failed,
            "skipped": summary.skipped,
            "errors": summary.errors,
        },
    })
}

fn case_json(case: &CaseReport, sources: &SourceMap) -> Value {
    let mut out = json!({
        "name": case.name,
        "location": location(sources, case.span),
        "status": case.status.as_str(),
        "policy": case.policy,
        "expected": case.expected.as_ref().map(expectation_json),
        "actual": case.outcome.as_ref().map(outcome_json),
    });
    if let Some(map) = out.as_object_mut() {
        if let Some(mismatch) = &case.mismatch {
            map.insert("message".into(), json!(mismatch.summary));
            map.insert("diff".into(), json!(mismatch.diff));
        }
        if let Some(explanation) = &case.explanation {
            map.insert("explanation".into(), explanation_json(explanation, sources));
        }
        if let Some(reason) = &case.skip_reason {
            map.insert("skipReason".into(), json!(reason));
        }
        map.insert("notes".into(), json!(case.notes));
        if !case.members.is_empty() {
            let members: Vec<Value> = case
                .members
                .iter()
                .map(|m| {
                    json!({
                        "reference": m.reference,
                        "policy": m.policy,
                        "status": m.status.as_str(),
                        "expected": expectation_json(&m.expected),
                        "actual": m.outcome.as_ref().map(outcome_json),
                        "message": (!m.message.is_empty()).then_some(&m.message),
                    })
                })
                .collect();
            map.insert("members".into(), Value::Array(members));
        }
    }
    out
}

fn expectation_json(expected: &super::spec::Expectation) -> Value {
    json!({
        "outcome": expected.outcome.label(),
        "operations": expected.operations,
        "details": expected.details,
    })
}

/// `{effect, applicable, details}`: `effect` is null when compliant or not applicable.
pub fn outcome_json(outcome: &Outcome) -> Value {
    json!({
        "effect": outcome.effect,
        "applicable": outcome.applicable,
        "details": outcome.details,
        "lookups": outcome.lookups.iter().map(|l| json!({"request": l.request, "found": l.found.as_deref()})).collect::<Vec<_>>(),
    })
}

pub fn explanation_json(explanation: &Explanation, sources: &SourceMap) -> Value {
    json!({
        "effectSource": explanation.effect_source,
        "rule": evaluated_json(&explanation.rule, sources),
        "existence": explanation.existence.iter().map(|check| json!({
            "wanted": check.wanted,
            "found": check.found.as_ref().map(|(name, _)| name),
            "condition": check.found.as_ref().and_then(|(_, c)| c.as_ref()).map(|c| evaluated_json(c, sources)),
        })).collect::<Vec<_>>(),
    })
}

fn evaluated_json(node: &Evaluated, sources: &SourceMap) -> Value {
    let mut out = json!({
        "condition": node.text,
        "location": origin_label(&node.origin, sources),
        "result": node.result.as_ref().ok(),
    });
    if let Some(map) = out.as_object_mut() {
        if let Err(message) = &node.result {
            map.insert("engineError".into(), json!(message));
        }
        if let Some((subject, value)) = &node.observed {
            map.insert("observed".into(), json!({"subject": subject, "value": value, "exists": value.is_some()}));
        }
        if let Some((matched, total)) = node.counted {
            map.insert("counted".into(), json!({"matched": matched, "of": total}));
        }
        map.insert("children".into(), node.children.iter().map(|c| evaluated_json(c, sources)).collect());
    }
    out
}

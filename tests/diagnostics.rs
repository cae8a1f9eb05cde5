//! Diagnostic baselines, in the style of Bicep's: every `tests/diagnostics/<code>-<name>.gavel`
//! is compiled as `gavel check` would (read from disk, imports followed), and its
//! `<code>-<name>.baseline` is the source with each diagnostic written under the line it points
//! at:
//!
//! ```text
//!     when compute { computeTyp == "AmlCompute" }
//! //                 ^^^^^^^^^^ error GV0301: `computeTyp` is not a field of `compute` (…)
//! //                 help: did you mean `computeType`?
//! //                 fix: replace with `computeType` => computeType
//! ```
//!
//! `GAVEL_BLESS=1 cargo test --test diagnostics` rewrites the baselines; review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gavel::diag::{Code, Diagnostic};
use gavel::project::{Compilation, compile_paths};
use gavel::syntax::span::SourceFile;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics")
}

fn sources() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir()).map(|entries| entries.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "gavel" || e == "json"));
    files.sort();
    files
}

/// Codes no gavel source can produce, and why. Each is tested elsewhere.
const NOT_FROM_SOURCES: &[(Code, &str)] = &[
    (Code::InvalidConfig, "a problem in gavel.toml, not in a source (src/project/config.rs, tests/project.rs)"),
    (Code::CatalogError, "a catalog named by gavel.toml that cannot be loaded (tests/project.rs)"),
    (Code::InvalidDeclaredKind, "a `[kinds]` entry of gavel.toml (src/project/config.rs, tests/neighbours.rs)"),
    (Code::CatalogEncoding, "an alias export in an unknown encoding (src/catalog/import.rs, tests/project.rs)"),
    (
        Code::CatalogWithoutAliases,
        "an alias export without aliases, refused by `gavel catalog import` (tests/project.rs)",
    ),
    (
        Code::ExistsOperand,
        "gavel writes `x exists` / `x notExists`; only JSON inputs can give `exists` another value (src/check/tests.rs)",
    ),
    (Code::EmitFailed, "an output file that cannot be written; nothing in a source causes it"),
    (Code::MemberWithoutScope, "reported by `gavel build` without a definition scope (tests/initiative_ids.rs)"),
    (Code::InvalidJson, "read from JSON inputs: tests/decompile_errors/invalid_json.json, empty.json"),
    (
        Code::NotADefinition,
        "read from JSON inputs: tests/decompile_errors/params_file_alone.json, list_of_numbers.json",
    ),
    (Code::UnexpectedJsonValue, "read from JSON inputs: tests/decompile_errors/effect_not_a_string.json"),
    (Code::KeptVerbatim, "read from JSON inputs: tests/decompile_errors/unknown_operator.json, all_of_not_a_list.json"),
    (Code::UnparsedExpression, "read from JSON inputs: tests/decompile_errors/unparsed_expression.json"),
    (Code::TemplateExpression, "read from JSON inputs: tests/decompile_errors/template_expression.json"),
    (Code::JsonTooDeep, "read from JSON inputs: tests/decompile_errors/too_deep.json"),
    (Code::DuplicateJsonKey, "read from JSON inputs: tests/decompile_errors/duplicate_key.json"),
    (Code::InexactJsonNumber, "read from JSON inputs: tests/decompile_errors/inexact_number.json"),
    (Code::FileTooLarge, "a file past the read limit, not its text (tests/hardening/inputs.rs)"),
    (Code::NotARegularFile, "a FIFO or device named as an input, not a source's text (tests/hardening/inputs.rs)"),
    (Code::SkippedInput, "a folder entry skipped by the search: a link loop or FIFO (tests/hardening/inputs.rs)"),
    (Code::ReadOnlyOutput, "a read-only file or output folder on disk, not a source's text"),
    (Code::OutputFolderRefused, "an output folder that holds the working folder, not a source's text"),
    (Code::InvalidTestFile, "test files: tests/fixtures/test_runner/errors/yaml_syntax, unknown_key, not_a_mapping"),
    (Code::UnknownTestPolicy, "test files: tests/fixtures/test_runner/errors/policies.test.yaml"),
    (Code::InvalidTestResource, "test files: tests/fixtures/test_runner/errors/resources.test.yaml"),
    (Code::InvalidExpectation, "test files: tests/fixtures/test_runner/errors/expectations.test.yaml"),
    (Code::InvalidTestParameters, "test files: tests/fixtures/test_runner/errors/parameters.test.yaml"),
    (Code::EngineRefused, "the engine refusing a policy: tests/fixtures/test_runner/errors/policies.test.yaml"),
    (Code::InvalidDefinitionFile, "test files: tests/fixtures/test_runner/errors/policies.test.yaml"),
    (Code::InvalidTestCatalog, "test files: tests/fixtures/test_runner/errors/catalog.test.yaml"),
];

#[test]
fn baselines_match() {
    let bless = std::env::var_os("GAVEL_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for source in sources() {
        let baseline_path = source.with_extension("baseline");
        let actual = baseline(&source);
        if bless {
            std::fs::write(&baseline_path, &actual).unwrap_or_else(|e| panic!("{}: {e}", baseline_path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&baseline_path).unwrap_or_default();
        if expected != actual {
            stale.push(format!("{}:\n{}", baseline_path.display(), first_difference(&expected, &actual)));
        }
    }
    assert!(stale.is_empty(), "baselines differ (GAVEL_BLESS=1 rewrites them):\n{}", stale.join("\n"));
}

#[test]
fn every_code_has_a_baseline_or_a_reason() {
    let names: Vec<String> =
        sources().iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
    for code in Code::ALL {
        let stem = format!("{}-{}", code.id(), code.name());
        let has_source = names.contains(&stem);
        let exempt = NOT_FROM_SOURCES.iter().any(|(c, _)| c == code);
        assert!(
            has_source || exempt,
            "{stem}.gavel is missing (or add {} to NOT_FROM_SOURCES with the reason)",
            code.id()
        );
        assert!(!(has_source && exempt), "{} has a baseline and is listed as unreachable", code.id());
        if has_source {
            assert!(dir().join(format!("{stem}.baseline")).is_file(), "{stem}.baseline is missing");
        }
    }
    for name in &names {
        let known = Code::ALL.iter().any(|c| name.starts_with(&format!("{}-{}", c.id(), c.name())));
        assert!(known, "{name}.gavel does not start with a code and its name");
    }
}

#[test]
fn each_baseline_shows_its_code() {
    for source in sources() {
        let Some(stem) = source.file_stem().map(|s| s.to_string_lossy().into_owned()) else { continue };
        let Some(id) = stem.get(..6) else { continue };
        let text = std::fs::read_to_string(source.with_extension("baseline")).unwrap_or_default();
        let shown = text.lines().any(|line| line.starts_with("//") && line.contains(&format!(" {id}: ")));
        assert!(shown, "{stem}.baseline never reports {id}");
    }
}

/// The baseline text of one source file.
fn baseline(path: &Path) -> String {
    let compilation = compile_paths(&[path.to_path_buf()]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let Some(file) = compilation.sources.find(path) else {
        return String::new();
    };
    let Some(source) = compilation.sources.get(file) else {
        return String::new();
    };
    let mut lines: Vec<&str> = source.text.split('\n').collect();
    if lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let last = lines.len().saturating_sub(1);
    let mut mine: Vec<(usize, &Diagnostic)> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.span.file == file)
        .map(|d| (source.line_char_col(d.span.start).0.min(last), d))
        .collect();
    mine.sort_by_key(|(line, d)| (*line, d.span.start, d.span.end, d.code));
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        for (_, diagnostic) in mine.iter().filter(|(line, _)| *line == index) {
            write_diagnostic(&mut out, diagnostic, source, &compilation);
        }
    }
    for diagnostic in compilation.diagnostics.iter().filter(|d| d.span.file != file) {
        let place = compilation.sources.get(diagnostic.span.file).map(|f| {
            let (line, col) = f.line_char_col(diagnostic.span.start);
            format!("{}:{}:{}", file_name(&f.path), line + 1, col + 1)
        });
        let _ = writeln!(
            out,
            "// in {}: {} {}: {}",
            place.unwrap_or_default(),
            diagnostic.severity.as_str(),
            diagnostic.code.id(),
            diagnostic.message
        );
        write_lines(&mut out, diagnostic, 2, &compilation);
    }
    out
}

fn write_diagnostic(out: &mut String, diagnostic: &Diagnostic, source: &SourceFile, compilation: &Compilation) {
    let (line, col) = source.line_char_col(diagnostic.span.start);
    let line_text = source.text.split('\n').nth(line).unwrap_or_default();
    let (end_line, end_col) = source.line_char_col(diagnostic.span.end);
    let width =
        if end_line == line { end_col.saturating_sub(col) } else { line_text.chars().count().saturating_sub(col) };
    let indent = col.max(2);
    let _ = writeln!(
        out,
        "//{}{} {} {}: {}",
        " ".repeat(indent - 2),
        "^".repeat(width.max(1)),
        diagnostic.severity.as_str(),
        diagnostic.code.id(),
        diagnostic.message
    );
    write_lines(out, diagnostic, indent, compilation);
}

/// Help, labels and fixes under the caret line.
fn write_lines(out: &mut String, diagnostic: &Diagnostic, indent: usize, compilation: &Compilation) {
    let pad = format!("//{}", " ".repeat(indent.saturating_sub(2)));
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(out, "{pad}help: {help}");
    }
    for label in &diagnostic.labels {
        let place = compilation.sources.get(label.span.file).map(|f| {
            let (line, col) = f.line_char_col(label.span.start);
            format!("{}:{}", line + 1, col + 1)
        });
        let _ = writeln!(out, "{pad}label {}: {}", place.unwrap_or_default(), label.message);
    }
    for fix in &diagnostic.fixes {
        let edits: Vec<String> = fix.edits.iter().map(|e| e.replacement.replace('\n', "\\n")).collect();
        let _ = writeln!(out, "{pad}fix: {} => {}", fix.message, edits.join(" | "));
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("  line {}:\n  - {e}\n  + {a}", i + 1);
        }
    }
    format!("  lengths differ: {} vs {} lines", expected.lines().count(), actual.lines().count())
}

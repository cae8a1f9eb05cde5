//! Snapshots of the three diagnostic renderings over one hand-built set of diagnostics, and
//! the structural checks that snapshots alone would not make obvious.

use gavel::diag::render::{Format, render, render_human, render_json, render_sarif, summary_line};
use gavel::diag::{Code, Diagnostic, Severity};
use gavel::syntax::span::{FileId, SourceMap, Span};
use serde_json::Value;

const POLICY: &str = r#"policy no_public_ip "Deny public IP" {
    mode all
    description "Blocks café 🚀 computes: ${lenght(tags)}"
    param effectType: effect = Deny in [Deny, Disabled]
    when compute {
        computType != "AKS"
        enableNodePublicIp == true
    }
    then $efectType
}
"#;

/// The same kind of text, saved on Windows.
const CRLF: &str = "policy crlf \"CRLF\" {\r\n    mode all\r\n    mode indexed\r\n}\r\n";

struct Fixture {
    sources: SourceMap,
    diags: Vec<Diagnostic>,
}

/// The byte span of the `nth` (0-based) occurrence of `needle` in `text`.
fn find(file: FileId, text: &str, needle: &str, nth: usize) -> Span {
    let start = text.match_indices(needle).nth(nth).map(|(i, _)| i).expect("needle in fixture");
    Span::new(file, start, start + needle.len())
}

fn fixture() -> Fixture {
    let mut sources = SourceMap::new();
    let policy = sources.add("policies/no_public_ip.gavel", POLICY.to_string());
    let crlf = sources.add("policies/crlf.gavel", CRLF.to_string());
    let missing = FileId(9);

    let efect = find(policy, POLICY, "$efectType", 0);
    let declared = find(policy, POLICY, "effectType", 0);
    let lenght = find(policy, POLICY, "lenght", 0);
    let comput = find(policy, POLICY, "computType", 0);
    let second_mode = find(crlf, CRLF, "mode indexed", 0);
    let first_mode = find(crlf, CRLF, "mode all", 0);
    let eof = POLICY.len();

    let diags = vec![
        Diagnostic::new(Code::UndefinedParameter, efect, "undefined parameter `$efectType`")
            .with_label(declared, "a parameter with a similar name is declared here")
            .with_help("did you mean `$effectType`?")
            .with_fix("replace with `$effectType`", efect, "$effectType"),
        Diagnostic::new(Code::UnknownFunction, lenght, "unknown function `lenght`")
            .with_help("did you mean `length`?")
            .with_fix("replace with `length`", lenght, "length"),
        Diagnostic::new(Code::InvalidFieldPath, comput, "`computType` is not a field of `compute`")
            .with_severity(Severity::Hint)
            .with_help("did you mean `computeType`?"),
        Diagnostic::new(Code::ImportError, Span::new(policy, 0, 0), "this file imports itself"),
        Diagnostic::new(
            Code::EmitFailed,
            Span::new(missing, 0, 0),
            "could not write `out/no_public_ip.json`: permission denied",
        )
        .with_help("check that the output directory is writable"),
        Diagnostic::new(
            Code::UnexpectedEof,
            Span::new(policy, eof + 5, eof + 40),
            "unexpected end of file, expected `}`",
        ),
        Diagnostic::new(Code::DuplicateProperty, second_mode, "`mode` is given twice")
            .with_label(first_mode, "first given here")
            .with_fix("remove the second `mode`", second_mode, ""),
        // A span over several CRLF lines.
        Diagnostic::new(
            Code::MissingRule,
            Span::new(crlf, 0, CRLF.len() - 2),
            "policy `crlf` has no `when` and no `then`",
        )
        .with_label(first_mode, "the policy has a mode, but nothing to apply it to"),
    ];
    Fixture { sources, diags }
}

#[test]
fn human_snapshot() {
    let Fixture { sources, diags } = fixture();
    let mut out = render_human(&diags, &sources, false);
    out.push('\n');
    out.push_str(&summary_line(&diags));
    insta::assert_snapshot!("human", out);
}

#[test]
fn json_snapshot() {
    let Fixture { sources, diags } = fixture();
    insta::assert_snapshot!("json", render(Format::Json, &diags, &sources, false));
}

#[test]
fn sarif_snapshot() {
    let Fixture { sources, diags } = fixture();
    // A fixed version keeps the snapshot stable across releases.
    let sarif = render_sarif(&diags, &sources, "0.0.0-test");
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&sarif).unwrap());
}

#[test]
fn human_output_is_plain_without_color_and_colored_with_it() {
    let Fixture { sources, diags } = fixture();
    let plain = render_human(&diags, &sources, false);
    assert!(!plain.contains('\x1b'));
    assert_eq!(plain, render_human(&diags, &sources, false), "deterministic");
    let colored = render_human(&diags, &sources, true);
    assert!(colored.contains("\x1b["));
    assert!(render_human(&[], &sources, false).is_empty());
}

/// Colour changes nothing but colour: without its escape sequences, the coloured drawing is
/// the plain one (line numbers and margins included).
#[test]
fn colored_output_is_the_plain_output_with_colours() {
    let Fixture { sources, diags } = fixture();
    let colored = render_human(&diags, &sources, true);
    let mut stripped = String::new();
    let mut rest = colored.as_str();
    while let Some(at) = rest.find("\x1b[") {
        stripped.push_str(&rest[..at]);
        let after = &rest[at..];
        rest = after.find('m').map_or("", |m| &after[m + 1..]);
    }
    stripped.push_str(rest);
    let trimmed: String = stripped.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    assert_eq!(trimmed, render_human(&diags, &sources, false));
}

#[test]
fn json_has_the_documented_shape() {
    let Fixture { sources, diags } = fixture();
    let json = render_json(&diags, &sources);
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"], serde_json::json!({ "errors": 6, "warnings": 1, "hints": 1 }));
    let rendered = json["diagnostics"].as_array().unwrap();
    assert_eq!(rendered.len(), diags.len());
    for (value, diag) in rendered.iter().zip(&diags) {
        assert_eq!(value["code"], diag.code.id());
        assert_eq!(value["name"], diag.code.name());
        assert_eq!(value["severity"], diag.severity.as_str());
        assert_eq!(value["labels"].as_array().unwrap().len(), diag.labels.len());
        assert_eq!(value["fixes"].as_array().unwrap().len(), diag.fixes.len());
    }
    // The diagnostic past the end of the file is clamped to the end: line 11 (after the last
    // `\n`), column 1, and its byte range is the file's length.
    let eof = &rendered[5];
    assert_eq!(eof["range"]["start"], serde_json::json!({ "line": 11, "column": 1 }));
    assert_eq!(eof["byteRange"], serde_json::json!({ "start": POLICY.len(), "end": POLICY.len() }));
    // The unknown file has no path and no range.
    assert_eq!(rendered[4]["file"], Value::Null);
    assert_eq!(rendered[4]["range"], Value::Null);
}

/// The JSON `column` counts characters and the SARIF `startColumn` UTF-16 units, so on a line
/// with one astral-plane character (🚀, two UTF-16 units) before the span they differ by one.
#[test]
fn sarif_columns_count_utf16_units() {
    let mut sources = SourceMap::new();
    let text = "x \"é 🚀 y\"\n";
    let file = sources.add("u.gavel", text.to_string());
    let rocket = find(file, text, "🚀", 0);
    let after = find(file, text, "y", 0);
    let diags = vec![
        Diagnostic::new(Code::InvalidEscape, rocket, "the rocket"),
        Diagnostic::new(Code::InvalidEscape, after, "after the rocket"),
    ];
    let sarif = render_sarif(&diags, &sources, "0");
    let json = render_json(&diags, &sources);
    let region = |i: usize| sarif["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["region"].clone();
    let range = |i: usize| json["diagnostics"][i]["range"].clone();

    // `x "é ` is 5 characters and 5 UTF-16 units: the rocket starts at column 6 in both.
    assert_eq!(region(0)["startColumn"], 6);
    assert_eq!(range(0)["start"]["column"], 6);
    // It is one character wide, but two UTF-16 units.
    assert_eq!(range(0)["end"]["column"], 7);
    assert_eq!(region(0)["endColumn"], 8);
    // After it, SARIF is one ahead.
    assert_eq!(range(1)["start"]["column"], 8);
    assert_eq!(region(1)["startColumn"], 9);
    assert_eq!(region(1)["endColumn"], 10);
    assert_eq!(sarif["runs"][0]["columnKind"], "utf16CodeUnits");
}

#[test]
fn every_severity_maps_to_its_sarif_level() {
    let mut sources = SourceMap::new();
    let file = sources.add("s.gavel", "policy p \"p\" {}\n".to_string());
    let span = Span::new(file, 0, 6);
    let cases = [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Hint, "note")];
    let diags: Vec<Diagnostic> = cases
        .iter()
        .map(|&(severity, _)| Diagnostic::new(Code::UnknownFunction, span, "m").with_severity(severity))
        .collect();
    let sarif = render_sarif(&diags, &sources, "0");
    for (i, (_, level)) in cases.iter().enumerate() {
        assert_eq!(sarif["runs"][0]["results"][i]["level"], *level);
    }
    // Rules carry each code's default severity.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        let level = match code.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "note",
        };
        assert_eq!(rule["id"], code.id());
        assert_eq!(rule["defaultConfiguration"]["level"], level);
    }
}

#[test]
fn sarif_is_structurally_valid() {
    let Fixture { sources, diags } = fixture();
    let sarif = render_sarif(&diags, &sources, "1.2.3");
    let errors = sarif_schema::validate(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    // The checker itself catches what it claims to.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0.into();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["uri"] = "x".into();
    broken["runs"][0]["tool"].as_object_mut().unwrap().remove("driver");
    assert_eq!(sarif_schema::validate(&broken).len(), 4);

    let run = &sarif["runs"][0];
    assert_eq!(sarif["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "gavel");
    assert_eq!(run["tool"]["driver"]["version"], "1.2.3");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (result, diag) in run["results"].as_array().unwrap().iter().zip(&diags) {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], diag.code.id());
        let text = result["message"]["text"].as_str().unwrap();
        assert!(text.starts_with(&diag.message));
        if let Some(help) = &diag.help {
            assert!(text.ends_with(help.as_str()), "help appended: {text}");
        }
    }
    // The unknown file's diagnostic has no location; every other one has a region.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results[4]["locations"], serde_json::json!([]));
    assert_eq!(results[0]["relatedLocations"].as_array().unwrap().len(), 1);
    let deleted = &results[6]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(deleted["insertedContent"]["text"], "");
    assert_eq!(deleted["deletedRegion"]["startLine"], 3);
}

/// A structural check of SARIF 2.1.0: for every object type gavel emits, the properties the
/// schema requires are present and no property the schema does not define appears (the
/// schema sets `additionalProperties: false` on them). Value constraints that matter to
/// consumers (levels, positive line and column numbers, URIs) are checked too. Transcribed
/// from the OASIS schema (sarif-schema-2.1.0.json), so the test needs no network.
mod sarif_schema {
    use serde_json::Value;

    /// (object type, required properties, allowed properties with the type of their value
    /// when it is a SARIF object or an array of them).
    type Shape = (&'static [&'static str], &'static [(&'static str, Option<&'static str>)]);

    fn shape(kind: &str) -> Shape {
        match kind {
            "log" => (
                &["version", "runs"],
                &[("$schema", None), ("version", None), ("runs", Some("run")), ("properties", None)],
            ),
            "run" => (
                &["tool"],
                &[("tool", Some("tool")), ("results", Some("result")), ("columnKind", None), ("properties", None)],
            ),
            "tool" => (&["driver"], &[("driver", Some("toolComponent")), ("extensions", Some("toolComponent"))]),
            "toolComponent" => (
                &["name"],
                &[
                    ("name", None),
                    ("version", None),
                    ("semanticVersion", None),
                    ("informationUri", None),
                    ("rules", Some("reportingDescriptor")),
                ],
            ),
            "reportingDescriptor" => (
                &["id"],
                &[
                    ("id", None),
                    ("name", None),
                    ("shortDescription", Some("multiformatMessageString")),
                    ("fullDescription", Some("multiformatMessageString")),
                    ("help", Some("multiformatMessageString")),
                    ("helpUri", None),
                    ("defaultConfiguration", Some("reportingConfiguration")),
                ],
            ),
            "multiformatMessageString" | "message" => (&["text"], &[("text", None), ("markdown", None)]),
            "reportingConfiguration" => (&[], &[("enabled", None), ("level", None), ("rank", None)]),
            "result" => (
                &["message"],
                &[
                    ("ruleId", None),
                    ("ruleIndex", None),
                    ("level", None),
                    ("message", Some("message")),
                    ("locations", Some("location")),
                    ("relatedLocations", Some("location")),
                    ("fixes", Some("fix")),
                ],
            ),
            "location" => {
                (&[], &[("id", None), ("physicalLocation", Some("physicalLocation")), ("message", Some("message"))])
            }
            "physicalLocation" => {
                (&["artifactLocation"], &[("artifactLocation", Some("artifactLocation")), ("region", Some("region"))])
            }
            "artifactLocation" => (&[], &[("uri", None), ("uriBaseId", None), ("index", None)]),
            "region" => (
                &[],
                &[
                    ("startLine", None),
                    ("startColumn", None),
                    ("endLine", None),
                    ("endColumn", None),
                    ("charOffset", None),
                    ("charLength", None),
                    ("byteOffset", None),
                    ("byteLength", None),
                ],
            ),
            "fix" => {
                (&["artifactChanges"], &[("description", Some("message")), ("artifactChanges", Some("artifactChange"))])
            }
            "artifactChange" => (
                &["artifactLocation", "replacements"],
                &[("artifactLocation", Some("artifactLocation")), ("replacements", Some("replacement"))],
            ),
            "replacement" => {
                (&["deletedRegion"], &[("deletedRegion", Some("region")), ("insertedContent", Some("artifactContent"))])
            }
            "artifactContent" => (&[], &[("text", None)]),
            _ => (&[], &[]),
        }
    }

    /// Arrays the schema gives `minItems: 1`.
    const NON_EMPTY: &[&str] = &["artifactChanges", "replacements"];

    pub fn validate(log: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(log, "log", "$", &mut errors);
        if log["version"] != "2.1.0" {
            errors.push("$.version must be 2.1.0".into());
        }
        errors
    }

    fn check(value: &Value, kind: &str, path: &str, errors: &mut Vec<String>) {
        let Some(object) = value.as_object() else {
            errors.push(format!("{path}: a {kind} must be an object"));
            return;
        };
        let (required, allowed) = shape(kind);
        for key in required {
            if !object.contains_key(*key) {
                errors.push(format!("{path}: {kind} lacks required `{key}`"));
            }
        }
        for (key, child) in object {
            let here = format!("{path}.{key}");
            let Some(&(_, child_kind)) = allowed.iter().find(|(name, _)| name == key) else {
                errors.push(format!("{here}: not a property of {kind}"));
                continue;
            };
            match (child, child_kind) {
                (Value::Array(items), Some(child_kind)) => {
                    if items.is_empty() && NON_EMPTY.contains(&key.as_str()) {
                        errors.push(format!("{here}: must not be empty"));
                    }
                    for (i, item) in items.iter().enumerate() {
                        check(item, child_kind, &format!("{here}[{i}]"), errors);
                    }
                }
                (_, Some(child_kind)) => check(child, child_kind, &here, errors),
                (_, None) => check_value(kind, key, child, &here, errors),
            }
        }
    }

    fn check_value(kind: &str, key: &str, value: &Value, path: &str, errors: &mut Vec<String>) {
        let ok = match (kind, key) {
            (_, "level") => matches!(value.as_str(), Some("none" | "note" | "warning" | "error")),
            ("run", "columnKind") => {
                matches!(value.as_str(), Some("utf16CodeUnits" | "unicodeCodePoints"))
            }
            ("region", "startLine" | "startColumn" | "endLine" | "endColumn") => value.as_u64().is_some_and(|n| n >= 1),
            ("region", _) | ("result", "ruleIndex") | ("location", "id") => value.as_u64().is_some(),
            ("artifactLocation", "uri") => value.as_str().is_some_and(|uri| {
                !uri.is_empty() && uri.bytes().all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b))
            }),
            _ => value.is_string() || value.is_boolean(),
        };
        if !ok {
            errors.push(format!("{path}: invalid value {value}"));
        }
    }
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        let pieces =
            prop::sample::select(vec!["a", "bc", " ", "\t", "\n", "\r\n", "\r", "é", "🚀", "\u{2028}", "\x0B", "}"]);
        prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
    }

    /// Offsets mostly in and around a small file, sometimes absurd.
    fn offset() -> impl Strategy<Value = u32> {
        prop_oneof![8 => 0u32..120, 1 => Just(u32::MAX), 1 => any::<u32>()]
    }

    fn span() -> impl Strategy<Value = Span> {
        // File 2 is never added to the map. Reversed spans are built on purpose: the fields
        // are public, so nothing stops a phase from producing one.
        (0u32..3, offset(), offset()).prop_map(|(file, start, end)| Span { file: FileId(file), start, end })
    }

    fn diagnostic() -> impl Strategy<Value = Diagnostic> {
        let severity = prop::sample::select(vec![Severity::Error, Severity::Warning, Severity::Hint]);
        (span(), prop::collection::vec(span(), 0..3), prop::option::of(span()), severity).prop_map(
            |(primary, labels, fix, severity)| {
                let mut diag =
                    Diagnostic::new(Code::UnexpectedToken, primary, "unexpected\ntoken").with_severity(severity);
                for (i, label) in labels.into_iter().enumerate() {
                    diag = diag.with_label(label, format!("label {i}"));
                }
                if let Some(fix) = fix {
                    diag = diag.with_help("help").with_fix("", fix, "x");
                }
                diag
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn renderers_accept_any_spans(a in text(), b in text(), diags in prop::collection::vec(diagnostic(), 1..4)) {
            let mut sources = SourceMap::new();
            sources.add("a.gavel", a);
            sources.add("dir/b c.gavel", b);
            for diag in &diags {
                let human = render_human(std::slice::from_ref(diag), &sources, false);
                prop_assert!(human.starts_with(&format!("{}[GV0005]: unexpected\ntoken\n", diag.severity.as_str())), "{}", human);
                // Where there is a snippet to draw, ariadne drew it (no fallback after a panic).
                let drawable = sources.get(diag.span.file).is_some() && (diag.span.start, diag.span.end) != (0, 0);
                prop_assert_eq!(drawable, human.contains("─[ "), "{}", human);
            }
            for format in [Format::Human, Format::Json, Format::Sarif] {
                let _ = render(format, &diags, &sources, true);
            }
            let errors = sarif_schema::validate(&render_sarif(&diags, &sources, "0"));
            prop_assert!(errors.is_empty(), "{:?}", errors);
        }
    }
}

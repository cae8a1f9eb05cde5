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
        Diagnostic::new(Code::EmitFailed, Span::new(missing, 0, 0), "could not write `out/no_public_ip.json`: permission denied")
            .with_help("check that the output directory is writable"),
        Diagnostic::new(Code::UnexpectedEof, Span::new(policy, eof + 5, eof + 40), "unexpected end of file, expected `}`"),
        Diagnostic::new(Code::DuplicateProperty, second_mode, "`mode` is given twice")
            .with_label(first_mode, "first given here")
            .with_fix("remove the second `mode`", second_mode, ""),
        // A span over several CRLF lines.
        Diagnostic::new(Code::MissingRule, Span::new(crlf, 0, CRLF.len() - 2), "policy `crlf` has no `when` and no `then`")
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

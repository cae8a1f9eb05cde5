//! No input makes the lexer, parser, lowering, checker or emitter panic: every input gets a
//! diagnostic or a result. Arbitrary bytes, token soup, deep nesting, huge files.

#[path = "support/fragments.rs"]
mod fragments;
use fragments::GAVEL as FRAGMENTS;

use gavel::diag::Code;
use gavel::emit::EmitOptions;
use gavel::emit::target::definition_json;
use gavel::project::{Compilation, compile_source, decode_source};
use proptest::prelude::*;

fn compile_and_emit(text: &str) -> Compilation {
    let compilation = compile_source("fuzz.gavel", text);
    if !compilation.has_errors() {
        for definition in compilation.emitted_definitions() {
            let _ = definition_json(definition, &EmitOptions::default());
        }
    }
    compilation
}

fn has_code(compilation: &Compilation, code: Code) -> bool {
    compilation.diagnostics.iter().any(|d| d.code == code)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match decode_source(bytes) {
            Ok(text) => { compile_and_emit(&text); }
            Err(error) => { let _ = error.into_diagnostic(gavel::syntax::span::FileId(0)); }
        }
    }

    #[test]
    fn token_soup_never_panics(indices in proptest::collection::vec(0..FRAGMENTS.len(), 0..200)) {
        let text: String = indices.iter().map(|&i| FRAGMENTS[i]).collect();
        compile_and_emit(&text);
    }

    #[test]
    fn valid_policy_with_mutations_never_panics(position in 0usize..400, insert in 0..FRAGMENTS.len(), delete in 0usize..20) {
        let mut text = String::from(VALID);
        let at = (0..=position.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (at..=(at + delete).min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(at);
        text.replace_range(at..end, FRAGMENTS[insert]);
        compile_and_emit(&text);
    }
}

const VALID: &str = r#"
/// Deny public IPs on computes.
policy no_public_ip "No public IP" {
    mode all
    param effect "Effect": effect = Deny in [Deny, Disabled]
    when compute {
        computeType != "AKS"
        enableNodePublicIp == true
        count(s in schedules.computeStartStop[*] where s.status == "Enabled") == 0
    }
    then $effect
}
"#;

#[test]
fn deep_bracket_nesting_is_refused_with_a_diagnostic() {
    for (open, close) in [("[", "]"), ("{", "}"), ("(", ")")] {
        let text = format!(
            "policy p {{ when workspace {{ name == {}1{} }} then audit }}",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let compilation = compile_and_emit(&text);
        assert!(
            has_code(&compilation, Code::NestingTooDeep),
            "{open}: {:?}",
            compilation.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

#[test]
fn deep_condition_nesting_is_refused_with_a_diagnostic() {
    let blocks =
        format!("policy p {{ when {} workspace {} then audit }}", "all { ".repeat(100_000), "} ".repeat(100_000));
    assert!(has_code(&compile_and_emit(&blocks), Code::NestingTooDeep));
    let nots = format!("policy p {{ when {} workspace then audit }}", "not ".repeat(100_000));
    assert!(has_code(&compile_and_emit(&nots), Code::NestingTooDeep));
}

#[test]
fn nesting_within_the_limit_compiles() {
    let text = format!("policy p {{ when {} workspace {} then audit }}", "all { ".repeat(100), "} ".repeat(100));
    let compilation = compile_and_emit(&text);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
}

#[test]
fn long_flat_chains_compile() {
    let conditions = vec!["name == \"a\""; 20_000].join(" or ");
    let compilation = compile_and_emit(&format!("policy p {{ when {conditions} then audit }}"));
    // Azure accepts at most 4,096 condition expressions; that is the only complaint.
    let codes: Vec<Code> = compilation.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
    assert_eq!(codes, [Code::ConditionLimit]);
}

#[test]
fn a_fifty_megabyte_file_gets_a_result() {
    // Valid policies, numbered so that the names are unique.
    let mut text = String::with_capacity(51 * 1024 * 1024);
    let mut count = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&VALID.replace("no_public_ip", &format!("no_public_ip_{count}")));
        count += 1;
    }
    let compilation = compile_source("big.gavel", &text);
    assert!(!compilation.has_errors());
    assert_eq!(compilation.emitted_definitions().len(), count);
}

#[test]
fn a_fifty_megabyte_string_gets_a_diagnostic() {
    let text = format!("policy p {{ when workspace {{ name == \"{}", "x".repeat(50 * 1024 * 1024));
    let compilation = compile_and_emit(&text);
    assert!(has_code(&compilation, Code::UnterminatedString));
}

#[test]
fn invalid_utf8_gets_a_diagnostic_with_its_offset() {
    let mut bytes = b"policy p { when workspace then audit } // ".to_vec();
    bytes.extend([0xff, 0xfe, 0x00]);
    let error = decode_source(bytes).err().map(|e| e.into_diagnostic(gavel::syntax::span::FileId(0)));
    let diagnostic = error.expect("invalid UTF-8 is refused");
    assert_eq!(diagnostic.code, Code::InvalidUtf8);
    assert_eq!(diagnostic.span.start, 42);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(b"policy p { when workspace then audit }");
    let text = decode_source(bytes).ok().expect("a BOM is fine");
    assert!(!compile_and_emit(&text).has_errors());
}

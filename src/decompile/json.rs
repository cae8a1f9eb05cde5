//! JSON with positions. Parsing is jsonc-parser's (comments and trailing commas tolerated,
//! otherwise strict JSON); this module adds the depth guard that runs before it, and the small
//! helpers the reader walks objects with.

use jsonc_parser::ast::{Object, ObjectProp, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::diag::{Code, Diagnostic};
use crate::syntax::span::{FileId, Span};

/// Deepest nesting of objects and arrays the reader accepts (the depth gavel's own parser
/// accepts, and far beyond any real definition).
pub const MAX_DEPTH: usize = 128;

/// Parses `text` (which starts `offset` bytes into the file) into a JSON tree with positions.
pub(crate) fn parse(file: FileId, text: &str, offset: usize) -> Result<Value<'_>, Diagnostic> {
    if let Some(at) = too_deep(text) {
        let span = Span::new(file, offset + at, offset + at + 1);
        return Err(Diagnostic::new(Code::JsonTooDeep, span, format!("JSON nested deeper than {MAX_DEPTH} levels"))
            .with_help("real definitions nest far less; check for runaway brackets"));
    }
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options) {
        Ok(result) => result.value.ok_or_else(|| {
            Diagnostic::new(Code::InvalidJson, Span::new(file, offset, offset), "the file holds no JSON value")
                .with_help("a definition is a JSON object: `{ \"properties\": { … } }`")
        }),
        Err(error) => {
            let range = error.range();
            let span = Span::new(file, offset + range.start, offset + range.end.max(range.start + 1));
            Err(Diagnostic::new(Code::InvalidJson, span, format!("invalid JSON: {}", error.kind()))
                .with_help("fix the JSON syntax here"))
        }
    }
}

/// The offset of the first bracket that opens one level too many, if any. Strings and
/// comments are skipped; the scan is iterative, so no input can exhaust the stack here.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => i = skip_string(bytes, i + 1),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text.get(i + 2..).and_then(|rest| rest.find("*/")).map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// The offset just after the string whose content starts at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    // Strings are most of a definition's text: jump from quote or backslash to the next.
    while let Some(found) = bytes.get(i..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) {
        match bytes.get(i + found) {
            Some(b'\\') => i += found + 2,
            _ => return i + found + 1,
        }
    }
    bytes.len()
}

pub(crate) fn span_of(file: FileId, offset: usize, value: &Value<'_>) -> Span {
    let range = match value {
        Value::StringLit(v) => v.range,
        Value::NumberLit(v) => v.range,
        Value::BooleanLit(v) => v.range,
        Value::Object(v) => v.range,
        Value::Array(v) => v.range,
        Value::NullKeyword(v) => v.range,
    };
    Span::new(file, offset + range.start, offset + range.end)
}

pub(crate) fn prop_name<'b>(prop: &'b ObjectProp<'_>) -> &'b str {
    prop.name.as_str()
}

/// The first property whose name equals `key` ignoring ASCII case, as Azure reads keys.
pub(crate) fn get<'b, 'a>(object: &'b Object<'a>, key: &str) -> Option<&'b ObjectProp<'a>> {
    object.properties.iter().find(|p| prop_name(p).eq_ignore_ascii_case(key))
}

pub(crate) fn get_str<'b>(object: &'b Object<'_>, key: &str) -> Option<&'b str> {
    match &get(object, key)?.value {
        Value::StringLit(s) => Some(&s.value),
        _ => None,
    }
}

pub(crate) fn type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::NullKeyword(_) => "null",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_guard_skips_strings_and_comments() {
        let shallow = format!("{{\"a\": \"{}\" /* {} */}}", "[".repeat(500), "{".repeat(500));
        assert_eq!(too_deep(&shallow), None);
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&deep), Some(MAX_DEPTH));
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH)), None);
    }

    #[test]
    fn reports_syntax_errors_with_a_span() {
        let error = parse(FileId(0), "{\"a\": }", 0).err().map(|d| (d.code, d.span.start));
        assert_eq!(error, Some((Code::InvalidJson, 6)));
        assert!(parse(FileId(0), "", 0).is_err());
        assert!(parse(FileId(0), "{\"a\": 1} // trailing comment", 0).is_ok());
    }
}

//! Number literals, kept exactly or refused. gavel keeps a number as a 64-bit integer or a
//! 64-bit float (what Azure reads). A literal that neither holds as written would change
//! value on the way through (`1e-400` read as `0`, `18446744073709551616` rounded to a float), so the
//! reader and the compiler refuse it rather than change it behind the author's back.

/// Why a number literal cannot be kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inexact {
    /// Not JSON number syntax (`007`, `1.`).
    Malformed,
    /// Larger in magnitude than any 64-bit float (`1e400`).
    TooLarge,
    /// Not zero, but closer to zero than any 64-bit float (`1e-400`): it would read as `0`.
    TooSmall,
    /// An integer beyond 64 bits; `kept` is the float it would be rounded to.
    WideInteger { kept: String },
}

impl Inexact {
    /// What is wrong, for a message: "`1e-400` …".
    pub fn describe(&self, text: &str) -> String {
        match self {
            Inexact::Malformed => format!("`{text}` is not a valid number"),
            Inexact::TooLarge => format!("`{text}` is too large for a 64-bit float"),
            Inexact::TooSmall => format!("`{text}` is too small for a 64-bit float: it would be read as 0"),
            Inexact::WideInteger { kept } => {
                format!("`{text}` does not fit in a 64-bit integer: it would be rounded to {kept}")
            }
        }
    }

    /// How to write the number instead.
    pub fn help(&self) -> &'static str {
        match self {
            Inexact::Malformed => {
                "write a JSON number: digits without leading zeros, an optional fraction and exponent"
            }
            Inexact::TooLarge => "write a number within ±1.7976931348623157e308, or the value as a string",
            Inexact::TooSmall => "write 0, a number of magnitude 5e-324 or more, or the value as a string",
            Inexact::WideInteger { .. } => {
                "write an integer from -9223372036854775808 to 18446744073709551615, or the value as a string"
            }
        }
    }
}

/// The number `text` (JSON number syntax) stands for, when it can be kept: integers that fit
/// in 64 bits, and floats a 64-bit float holds (to its precision, as every reader of the JSON
/// takes them). `-0` is the integer 0.
pub fn exact_number(text: &str) -> Result<serde_json::Number, Inexact> {
    if !is_json_number(text) {
        return Err(Inexact::Malformed);
    }
    let integer_syntax = !text.contains(['.', 'e', 'E']);
    if integer_syntax {
        if let Ok(n) = text.parse::<i64>() {
            return Ok(n.into());
        }
        if let Ok(n) = text.parse::<u64>() {
            return Ok(n.into());
        }
    }
    // Rust's parser rounds correctly, so the float is the one nearest to the text.
    let value: f64 = text.parse().map_err(|_| Inexact::TooLarge)?;
    let number = serde_json::Number::from_f64(value).ok_or(Inexact::TooLarge)?;
    if integer_syntax {
        return Err(Inexact::WideInteger { kept: number.to_string() });
    }
    if value == 0.0 && has_nonzero_digit(text) {
        return Err(Inexact::TooSmall);
    }
    Ok(number)
}

/// The first number in strict JSON `text` that would not keep its value, with its byte range:
/// serde_json, which reads raw JSON, turns `1e-400` into 0 and rounds wide integers without a
/// word.
pub fn first_inexact_in_json(text: &str) -> Option<(std::ops::Range<usize>, Inexact)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => at = string_end(bytes, at + 1),
            b'-' | b'0'..=b'9' => {
                let length = bytes[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                    .count();
                let number = &text[at..at + length];
                if let Err(problem) = exact_number(number) {
                    return Some((at..at + length, problem));
                }
                at += length;
            }
            _ => at += 1,
        }
    }
    None
}

/// The offset just after the JSON string whose content starts at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: Rust's own parser takes more (`inf`,
/// `+1`, `.5`).
fn is_json_number(text: &str) -> bool {
    let bytes = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let digits =
        |from: usize| bytes.get(from..).map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_digit()).count());
    let whole = digits(0);
    if whole == 0 || (whole > 1 && bytes[0] == b'0') {
        return false;
    }
    let mut at = whole;
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return false;
        }
        at += 1 + fraction;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == bytes.len()
}

/// Whether the mantissa (before any exponent) has a digit other than 0.
fn has_nonzero_digit(text: &str) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    mantissa.bytes().any(|b| b.is_ascii_digit() && b != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_64_bits_hold() {
        for (text, kept) in [
            ("0", "0"),
            ("-0", "0"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("18446744073709551615", "18446744073709551615"),
            ("1.5", "1.5"),
            ("0.1", "0.1"),
            ("1e-300", "1e-300"),
            ("0.0e99999999999999999999", "0.0"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("150.00", "150.0"),
            // Digits beyond a float's precision: every JSON reader takes the nearest float.
            ("0.10000000000000000001", "0.1"),
            ("18446744073709551616.0", "1.8446744073709552e+19"),
        ] {
            assert_eq!(exact_number(text).map(|n| n.to_string()), Ok(kept.to_string()), "{text}");
        }
    }

    #[test]
    fn finds_numbers_outside_strings() {
        let text = r#"{"a": "1e-400 \" 1e-400", "b": [1.5, -0, 1e-400]}"#;
        let in_the_list = text.rfind("1e-400").unwrap_or_default();
        assert_eq!(first_inexact_in_json(text), Some((in_the_list..in_the_list + 6, Inexact::TooSmall)));
        assert_eq!(first_inexact_in_json(r#"{"a": [1, 2.5e3, "x"]}"#), None);
    }

    #[test]
    fn refuses_what_would_change() {
        for malformed in ["", "-", "007", "-00", "1.", ".5", "+1", "1e", "1e+", "inf", "NaN", "1_000"] {
            assert_eq!(exact_number(malformed), Err(Inexact::Malformed), "{malformed}");
        }
        assert_eq!(exact_number("1e400"), Err(Inexact::TooLarge));
        assert_eq!(exact_number("-1e400"), Err(Inexact::TooLarge));
        assert_eq!(exact_number("1e-400"), Err(Inexact::TooSmall));
        assert_eq!(
            exact_number("18446744073709551616"),
            Err(Inexact::WideInteger { kept: "1.8446744073709552e+19".into() })
        );
        assert_eq!(
            exact_number("-9223372036854775809"),
            Err(Inexact::WideInteger { kept: "-9.223372036854776e+18".into() })
        );
    }
}

//! String literals: escape decoding and `$name` / `${expr}` interpolation.

/// A piece of an interpolated string, with byte offsets into the raw literal text.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// `$name`: offsets of the name (after the `$`).
    Param {
        name: String,
        start: usize,
        end: usize,
    },
    /// `${…}`: the raw expression text and its offset.
    Expr {
        text: String,
        start: usize,
    },
}

/// Why a literal could not be decoded: the byte range in the raw text and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct StringError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub interpolation: bool,
}

/// Decodes escapes without interpreting `$`: for names, descriptions and raw JSON.
pub fn decode_plain(raw: &str) -> Result<String, StringError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            decode_escape(raw, i, &mut chars, &mut out)?;
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Splits a literal into text and interpolations, decoding escapes in the text.
pub fn split_interpolation(raw: &str) -> Result<Vec<Piece>, StringError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => decode_escape(raw, i, &mut chars, &mut text)?,
            '$' => match chars.peek().copied() {
                Some((_, '{')) => {
                    chars.next();
                    let start = i + 2;
                    let end = matching_brace(raw, start).ok_or_else(|| StringError {
                        start: i,
                        end: raw.len(),
                        message: "`${` without a closing `}`".into(),
                        interpolation: true,
                    })?;
                    flush(&mut text, &mut pieces);
                    pieces.push(Piece::Expr { text: raw[start..end].to_string(), start });
                    while chars.peek().is_some_and(|&(j, _)| j <= end) {
                        chars.next();
                    }
                }
                Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {
                    let start = i + 1;
                    let mut end = start;
                    while let Some(&(j, c)) = chars.peek() {
                        if c.is_ascii_alphanumeric() || c == '_' {
                            end = j + c.len_utf8();
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    flush(&mut text, &mut pieces);
                    pieces.push(Piece::Param { name: raw[start..end].to_string(), start, end });
                }
                _ => {
                    return Err(StringError {
                        start: i,
                        end: i + 1,
                        message: "`$` must start `$name` or `${expression}`".into(),
                        interpolation: true,
                    });
                }
            },
            c => text.push(c),
        }
    }
    flush(&mut text, &mut pieces);
    Ok(pieces)
}

fn flush(text: &mut String, pieces: &mut Vec<Piece>) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

/// The offset of the `}` that closes a `${` whose content starts at `start`.
fn matching_brace(raw: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in raw.get(start..)?.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(start + i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn decode_escape(
    raw: &str,
    at: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    out: &mut String,
) -> Result<(), StringError> {
    let error =
        |end: usize, message: &str| StringError { start: at, end, message: message.into(), interpolation: false };
    let Some((i, c)) = chars.next() else {
        return Err(error(raw.len(), "a backslash at the end of the string"));
    };
    match c {
        '"' => out.push('"'),
        '\\' => out.push('\\'),
        '/' => out.push('/'),
        '$' => out.push('$'),
        'b' => out.push('\u{8}'),
        'f' => out.push('\u{c}'),
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        't' => out.push('\t'),
        'u' => {
            let code = read_hex4(raw, i + 1).ok_or_else(|| error(i + 1, "`\\u` needs four hex digits"))?;
            for _ in 0..4 {
                chars.next();
            }
            let decoded = if (0xD800..0xDC00).contains(&code) {
                // A surrogate pair: `\uD83D\uDE80`.
                let low = raw
                    .get(i + 5..i + 7)
                    .filter(|s| *s == "\\u")
                    .and_then(|_| read_hex4(raw, i + 7))
                    .filter(|low| (0xDC00..0xE000).contains(low))
                    .ok_or_else(|| error(i + 5, "an unpaired surrogate in `\\u` escape"))?;
                for _ in 0..6 {
                    chars.next();
                }
                char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
            } else {
                char::from_u32(code)
            };
            out.push(decoded.ok_or_else(|| error(i + 5, "an invalid `\\u` escape"))?);
        }
        other => {
            return Err(error(i + other.len_utf8(), &format!("unknown escape `\\{other}`")));
        }
    }
    Ok(())
}

fn read_hex4(raw: &str, start: usize) -> Option<u32> {
    let digits = raw.get(start..start + 4)?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_json_escapes() {
        assert_eq!(decode_plain(r#"a\"b\\c\n\u00e9\uD83D\uDE80\$"#).as_deref(), Ok("a\"b\\c\né🚀$"));
        assert!(decode_plain(r"\q").is_err());
        assert!(decode_plain(r"\u12").is_err());
    }

    #[test]
    fn splits_interpolations() {
        let pieces = split_interpolation("azureml://registries/$name/${concat(a, b)}/*").unwrap_or_default();
        assert_eq!(
            pieces,
            vec![
                Piece::Text("azureml://registries/".into()),
                Piece::Param { name: "name".into(), start: 22, end: 26 },
                Piece::Text("/".into()),
                Piece::Expr { text: "concat(a, b)".into(), start: 29 },
                Piece::Text("/*".into()),
            ]
        );
        assert!(split_interpolation("${oops").is_err());
        assert!(split_interpolation("5 $").is_err());
    }
}

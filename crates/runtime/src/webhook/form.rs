//! Strict `application/x-www-form-urlencoded` decoding for webhook bodies and query strings: pairs split on `&`,
//! name and value on the first `=`, `+` is a space, `%XX` is a byte. Unlike lenient decoders, a broken escape or
//! a name or value that is not UTF-8 once decoded is an error naming the pair, never a silent replacement, so the
//! parameters that are signed are exactly the ones the application reads.

use std::fmt;

/// Why a form body (or query string) could not be decoded. Offsets count bytes from the start of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// A `%` not followed by two hexadecimal digits.
    BadEscape {
        /// Index of the `&`-separated pair (from 0).
        pair: usize,
        /// Byte offset of the `%`.
        offset: usize,
    },
    /// A name or value that is not UTF-8 after percent-decoding.
    NotUtf8 {
        /// Index of the `&`-separated pair (from 0).
        pair: usize,
        /// The parameter's name when the name itself decoded to UTF-8 (the value was at fault).
        name: Option<String>,
    },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadEscape { pair, offset } => write!(
                f,
                "form pair {pair}: `%` at byte {offset} is not followed by two hexadecimal digits"
            ),
            Self::NotUtf8 {
                pair,
                name: Some(name),
            } => write!(
                f,
                "form pair {pair}: the value of `{name}` is not UTF-8 once decoded"
            ),
            Self::NotUtf8 { pair, name: None } => {
                write!(f, "form pair {pair}: the name is not UTF-8 once decoded")
            }
        }
    }
}

impl std::error::Error for FormError {}

/// Decodes `input` into its `(name, value)` pairs, in order, duplicates kept. Empty pairs (`a=1&&b=2`) are
/// skipped and a pair without `=` has an empty value, as browsers and Twilio's libraries do.
///
/// ```
/// use twilio_rest_runtime::webhook::{FormError, parse_form};
///
/// let pairs = parse_form(b"Body=Hello+world%21&To=CH1&To=CH2").unwrap();
/// assert_eq!(pairs, [("Body".into(), "Hello world!".into()), ("To".into(), "CH1".into()), ("To".into(), "CH2".into())]);
/// assert_eq!(parse_form(b"Body=100%"), Err(FormError::BadEscape { pair: 0, offset: 8 }));
/// ```
pub fn parse_form(input: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    let mut out = Vec::new();
    let mut start = 0;
    for (pair, segment) in input.split(|b| *b == b'&').enumerate() {
        let offset = start;
        start += segment.len() + 1;
        if segment.is_empty() {
            continue;
        }
        let (name, value, value_offset) = match segment.iter().position(|b| *b == b'=') {
            Some(eq) => (&segment[..eq], &segment[eq + 1..], offset + eq + 1),
            None => (segment, &segment[segment.len()..], offset + segment.len()),
        };
        let name = decode(name, pair, offset)?;
        let name = String::from_utf8(name).map_err(|_| FormError::NotUtf8 { pair, name: None })?;
        let value = decode(value, pair, value_offset)?;
        let value = String::from_utf8(value).map_err(|_| FormError::NotUtf8 {
            pair,
            name: Some(name.clone()),
        })?;
        out.push((name, value));
    }
    Ok(out)
}

/// Encodes pairs as `application/x-www-form-urlencoded` text, in order: the inverse of [`parse_form`]. Names and
/// values are percent-encoded like the runtime's request parameters (everything but `A-Z a-z 0-9 - . _ ~`; a space
/// is `%20`).
///
/// ```
/// use twilio_rest_runtime::webhook::{encode_form, parse_form};
///
/// let pairs = [("Body".to_owned(), "50% & more".to_owned()), ("To".to_owned(), "CH1".to_owned())];
/// assert_eq!(encode_form(&pairs), "Body=50%25%20%26%20more&To=CH1");
/// assert_eq!(parse_form(encode_form(&pairs).as_bytes()).unwrap(), pairs);
/// ```
pub fn encode_form<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&crate::encode::encode_path_segment(name.as_ref()));
        out.push('=');
        out.push_str(&crate::encode::encode_path_segment(value.as_ref()));
    }
    out
}

fn decode(input: &[u8], pair: usize, offset: usize) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|c| hex_digit(*c));
                let lo = input.get(i + 2).and_then(|c| hex_digit(*c));
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(FormError::BadEscape {
                        pair,
                        offset: offset + i,
                    });
                };
                out.push(hi << 4 | lo);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    Ok(out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[u8], expected: Result<&[(&str, &str)], FormError>) {
        let actual = parse_form(input);
        let expected = expected.map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        });
        assert_eq!(actual, expected, "{}", String::from_utf8_lossy(input));
    }

    #[test]
    fn decodes() {
        check(b"", Ok(&[]));
        check(b"a=1&b=2", Ok(&[("a", "1"), ("b", "2")]));
        check(b"a=1&&b=2&", Ok(&[("a", "1"), ("b", "2")]));
        check(b"flag&x=", Ok(&[("flag", ""), ("x", "")]));
        check(b"a=b=c", Ok(&[("a", "b=c")]));
        check(b"A+B=c+d%2B%3d", Ok(&[("A B", "c d+=")]));
        check(b"k=%E2%9C%93", Ok(&[("k", "\u{2713}")]));
        check(b"k=1&k=2&k=1", Ok(&[("k", "1"), ("k", "2"), ("k", "1")]));
        check("k=é".as_bytes(), Ok(&[("k", "é")]));
    }

    #[test]
    fn rejects() {
        check(b"a=%", Err(FormError::BadEscape { pair: 0, offset: 2 }));
        check(
            b"a=1&b=%4",
            Err(FormError::BadEscape { pair: 1, offset: 6 }),
        );
        check(
            b"a=1&%zz=1",
            Err(FormError::BadEscape { pair: 1, offset: 4 }),
        );
        check(
            b"a=%FF",
            Err(FormError::NotUtf8 {
                pair: 0,
                name: Some("a".into()),
            }),
        );
        check(
            b"x=1&%C3=1",
            Err(FormError::NotUtf8 {
                pair: 1,
                name: None,
            }),
        );
        check(
            b"a=\xff",
            Err(FormError::NotUtf8 {
                pair: 0,
                name: Some("a".into()),
            }),
        );
    }

    #[test]
    fn messages_name_the_pair() {
        assert_eq!(
            FormError::BadEscape { pair: 1, offset: 6 }.to_string(),
            "form pair 1: `%` at byte 6 is not followed by two hexadecimal digits"
        );
        assert_eq!(
            FormError::NotUtf8 {
                pair: 0,
                name: Some("Body".into())
            }
            .to_string(),
            "form pair 0: the value of `Body` is not UTF-8 once decoded"
        );
    }
}

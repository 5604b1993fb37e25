//! Form bodies and query strings (`application/x-www-form-urlencoded`), decoded strictly: pairs split on `&` and
//! the first `=`, `+` stands for a space, `%` and two hex digits for a byte, and the decoded text must be UTF-8. A
//! stray `%` or decoded bytes that are not UTF-8 are answered 400 (code 20001) with the parameter named, rather
//! than guessed at (a lenient decoder would store `%zz` or U+FFFD and answer 201).

use crate::store::ApiError;

/// Where pairs come from, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The request body.
    Body,
    /// The query string of the URL.
    Query,
}

/// Form or query pairs, in order.
#[derive(Debug, Default)]
pub(crate) struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// Decodes `text`; empty pieces (`a=1&&b=2`) are skipped and a piece without `=` has an empty value.
    pub(crate) fn parse(text: &[u8], source: Source) -> Result<Self, ApiError> {
        let mut pairs = Vec::new();
        for piece in text.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (key, value) = match piece.iter().position(|b| *b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &[][..]),
            };
            let key = decode(key).map_err(|problem| refuse(source, None, &problem))?;
            let value = decode(value).map_err(|problem| refuse(source, Some(&key), &problem))?;
            pairs.push((key, value));
        }
        Ok(Self(pairs))
    }

    /// Every value of `key`, in order.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether `key` was sent.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Replaces every value of `key` with one `value` (added when `key` was not sent).
    pub(crate) fn replace(&mut self, key: &str, value: &str) {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.to_owned(), value.to_owned()));
    }

    /// The pairs as a form body.
    pub(crate) fn encode(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.0)
            .finish()
    }

    /// The last value of `key`.
    pub(crate) fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What is wrong with an encoded name or value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    /// A `%` not followed by two hex digits (the text from the `%`).
    Escape(String),
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

/// Longest parameter name or escape quoted in an error message.
const QUOTED_CHARS: usize = 64;

fn decode(raw: &[u8]) -> Result<String, Problem> {
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    while let Some(&byte) = raw.get(at) {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let escaped = raw.get(at + 1..at + 3).and_then(|hex| {
                    let high = char::from(hex[0]).to_digit(16)?;
                    let low = char::from(hex[1]).to_digit(16)?;
                    u8::try_from(high * 16 + low).ok()
                });
                let Some(escaped) = escaped else {
                    let end = raw.len().min(at + 3);
                    let text = String::from_utf8_lossy(raw.get(at..end).unwrap_or_default());
                    return Err(Problem::Escape(text.into_owned()));
                };
                out.push(escaped);
                at += 2;
            }
            other => out.push(other),
        }
        at += 1;
    }
    String::from_utf8(out).map_err(|_| Problem::NotUtf8)
}

fn refuse(source: Source, key: Option<&str>, problem: &Problem) -> ApiError {
    let place = match source {
        Source::Body => "the form body",
        Source::Query => "the query string",
    };
    let what = match key {
        Some(key) => format!("Invalid parameter {}", quoted(key)),
        None => format!("Invalid parameter name in {place}"),
    };
    let why = match problem {
        Problem::Escape(text) => format!("`{}` is not `%` and two hex digits", quoted(text)),
        Problem::NotUtf8 => "the percent-decoded text is not UTF-8".to_owned(),
    };
    ApiError::invalid(format!("{what}: {why}"))
}

/// `text`, cut to [`QUOTED_CHARS`] characters.
fn quoted(text: &str) -> String {
    if text.chars().count() <= QUOTED_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(QUOTED_CHARS).collect();
    cut.push_str("...");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` and compares the pairs, or the error message, with `expected`.
    fn check(input: &str, expected: Result<&[(&str, &str)], &str>) {
        let got = Pairs::parse(input.as_bytes(), Source::Body);
        match (got, expected) {
            (Ok(pairs), Ok(want)) => {
                let want: Vec<(String, String)> = want
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
                assert_eq!(pairs.0, want, "{input}");
            }
            (Err(error), Err(want)) => assert_eq!(error.message, want, "{input}"),
            (got, want) => panic!("{input}: got {got:?}, expected {want:?}"),
        }
    }

    #[test]
    fn decodes_strictly() {
        check("a=1&b=x+y%20z", Ok(&[("a", "1"), ("b", "x y z")]));
        check("&&a=&b&", Ok(&[("a", ""), ("b", "")]));
        check("a=1=2&a=3", Ok(&[("a", "1=2"), ("a", "3")]));
        check("N%C3%A4me=%E2%9C%93", Ok(&[("Näme", "✓")]));
        check(
            "FriendlyName=%zz",
            Err("Invalid parameter FriendlyName: `%zz` is not `%` and two hex digits"),
        );
        check(
            "FriendlyName=abc%",
            Err("Invalid parameter FriendlyName: `%` is not `%` and two hex digits"),
        );
        check(
            "FriendlyName=%4",
            Err("Invalid parameter FriendlyName: `%4` is not `%` and two hex digits"),
        );
        check(
            "FriendlyName=%FF%FE",
            Err("Invalid parameter FriendlyName: the percent-decoded text is not UTF-8"),
        );
        check(
            "%C3=1",
            Err("Invalid parameter name in the form body: the percent-decoded text is not UTF-8"),
        );
    }

    #[test]
    fn long_names_are_cut_in_messages() {
        let input = format!("{}=%", "K".repeat(1000));
        let error = Pairs::parse(input.as_bytes(), Source::Query).unwrap_err();
        assert!(error.message.len() < 200, "{}", error.message);
        assert!(error.message.contains("KKK..."), "{}", error.message);
    }
}

//! Making text that came from a server (or from the network stack) safe to log: [`Redactor`] replaces the
//! client's own secrets and every `Authorization` value with `[redacted]`, and [`Redactor::one_line`] also
//! escapes control characters and bounds the length, so an error message is always a single line of bounded
//! size that a server cannot use to forge log lines or to reflect credentials.

use std::borrow::Cow;

/// The value shown instead of secrets.
pub(crate) const REDACTED: &str = "[redacted]";

/// Longest server-provided text (in characters) kept in an error message or field.
pub(crate) const MAX_TEXT_CHARS: usize = 1024;

/// Words after which a credential follows (`Authorization: Basic ...`, `Bearer ...`), compared ignoring case.
const CREDENTIAL_SCHEMES: [&str; 2] = ["basic ", "bearer "];

/// Redacts secrets from text. The default redacts only `Authorization` values and `Basic`/`Bearer` credentials;
/// a client's redactor also knows its own secret and encoded `Authorization` value.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for these secrets (empty values are ignored).
    pub(crate) fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { secrets }
    }

    /// `text` with the known secrets, `Authorization` values and `Basic`/`Bearer` credentials replaced by
    /// `[redacted]`. Layout (line breaks, spacing) is kept.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // Patterns first: a secret replaced earlier would leave `[redacted]` for them to cut in the middle.
        let mut out = match redact_credentials(text) {
            Some(changed) => Cow::Owned(changed),
            None => Cow::Borrowed(text),
        };
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        out
    }

    /// [`redact`](Self::redact), then control characters escaped (`\n`, `\r`, `\t`, `\u{..}`) and the text cut to
    /// `max_chars` characters (an ellipsis marks the cut): one line of bounded length.
    pub(crate) fn one_line(&self, text: &str, max_chars: usize) -> String {
        escape_and_bound(&self.redact(text), max_chars)
    }
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

/// Escapes control and line-separating characters and keeps at most `max_chars` characters of the result.
pub(crate) fn escape_and_bound(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(2)));
    let mut count = 0_usize;
    for c in text.chars() {
        let escaped: Cow<'static, str> = match c {
            '\n' => Cow::Borrowed("\\n"),
            '\r' => Cow::Borrowed("\\r"),
            '\t' => Cow::Borrowed("\\t"),
            c if c.is_control() || is_invisible_format(c) => {
                Cow::Owned(format!("\\u{{{:04x}}}", u32::from(c)))
            }
            c => {
                if count >= max_chars {
                    out.push('…');
                    return out;
                }
                count += 1;
                out.push(c);
                continue;
            }
        };
        if count >= max_chars {
            out.push('…');
            return out;
        }
        count += 1;
        out.push_str(&escaped);
    }
    out
}

/// Line and paragraph separators and bidirectional controls: invisible, and able to reorder or split a log line.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Replaces the value after every `authorization` name (`Authorization: ...`, `"authorization": "..."`,
/// `authorization=...`) and every `Basic`/`Bearer` credential; `None` when there was nothing to replace.
fn redact_credentials(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("authorization") {
        let name_end = from + found + "authorization".len();
        from = name_end;
        let mut i = name_end;
        // Optional closing quote of a JSON/quoted name, then spaces, then `:` or `=`.
        while i < bytes.len() && matches!(bytes[i], b'"' | b'\'' | b' ' | b'\\') {
            i += 1;
        }
        if i >= bytes.len() || !matches!(bytes[i], b':' | b'=') {
            continue;
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'"' | b'\'' | b'\\') {
            // A backslash here starts an escaped quote (`\"`) in JSON inside JSON.
            if bytes[i] == b'\\' && bytes.get(i + 1) != Some(&b'"') {
                break;
            }
            i += 1;
        }
        let end = value_end(bytes, i);
        if end > i {
            spans.push((i, end));
        }
        from = end.max(from);
    }
    for scheme in CREDENTIAL_SCHEMES {
        let mut from = 0;
        while let Some(found) = lower[from..].find(scheme) {
            let start = from + found + scheme.len();
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| {
                        b.is_ascii_alphanumeric()
                            || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'.' | b'~')
                    })
                    .count();
            // Prose ("basic plan", "basic configuration") is not a credential: those are long (an encoded
            // `user:secret` or a token) and not made of letters only.
            let token = &bytes[start..end];
            if token.len() >= 16 && !token.iter().all(u8::is_ascii_alphabetic) {
                spans.push((start, end));
            }
            from = end.max(start);
        }
    }
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        if end <= at {
            continue;
        }
        let start = start.max(at);
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// End of a header value: the first quote, line break, escaped line break or separator.
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'\r' | b'\n' | b',' | b';' | b'&' | b'}' | b']' | b'<' | b'>' => break,
            b'\\' => break,
            _ => i += 1,
        }
    }
    // Keep trailing spaces outside the redaction.
    while i > start && bytes[i - 1] == b' ' {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(redactor: &Redactor, input: &str, expected: &str) {
        assert_eq!(redactor.one_line(input, 200), expected, "{input:?}");
    }

    #[test]
    fn redacts_secrets_authorization_values_and_credentials() {
        let r = Redactor::new(["t0ps3cret".to_owned(), "QUM6dDBwczNjcmV0".to_owned()]);
        check(&r, "token t0ps3cret here", "token [redacted] here");
        check(
            &r,
            "Authorization: Basic QUM6dDBwczNjcmV0\r\nHost: x",
            "Authorization: [redacted]\\r\\nHost: x",
        );
        check(
            &r,
            r#"{"headers": {"authorization": "Bearer abc.def", "accept": "*/*"}}"#,
            r#"{"headers": {"authorization": "[redacted]", "accept": "*/*"}}"#,
        );
        check(&r, "AUTHORIZATION=xyz&a=b", "AUTHORIZATION=[redacted]&a=b");
        check(
            &r,
            "saw basic Zm9vOmJhcmJhemJhcg== in a log",
            "saw basic [redacted] in a log",
        );
        check(&r, "the basic plan", "the basic plan");
        check(
            &r,
            "basic configurationsettings",
            "basic configurationsettings",
        );
        check(&r, "Bearer eyJhbGciOi.eyJzdWIi.c2ln", "Bearer [redacted]");
        check(&r, "no authorization header", "no authorization header");
        check(
            &Redactor::default(),
            r#"{"a": "{\"Authorization\": \"Basic x\"}"}"#,
            r#"{"a": "{\"Authorization\": \"[redacted]\"}"}"#,
        );
    }

    #[test]
    fn escapes_control_characters_and_bounds_length() {
        let r = Redactor::default();
        check(
            &r,
            "a\nb\tc\u{1b}[31m\u{2028}d",
            "a\\nb\\tc\\u{001b}[31m\\u{2028}d",
        );
        let long = "x".repeat(500);
        let cut = r.one_line(&long, 10);
        assert_eq!(cut, format!("{}…", "x".repeat(10)));
        assert_eq!(r.one_line("é\n", 1), "é…");
        assert_eq!(r.one_line("ok", 2), "ok");
    }
}

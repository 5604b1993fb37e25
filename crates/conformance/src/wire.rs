//! Small wire helpers: splitting a sent URL into path and query, decoding `application/x-www-form-urlencoded`.

/// Splits an absolute URL into its path (as sent, still percent-encoded) and its raw query, dropping `base_url`
/// (or any scheme and authority) in front.
pub fn split_url(url: &str, base_url: &str) -> (String, String) {
    let rest = match url.strip_prefix(base_url) {
        Some(rest) => rest,
        None => match url.find("://") {
            Some(i) => {
                let after = &url[i + 3..];
                after.find('/').map_or("", |j| &after[j..])
            }
            None => url,
        },
    };
    let rest = rest.split('#').next().unwrap_or_default();
    match rest.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (rest.to_owned(), String::new()),
    }
}

/// Decodes `a=1&b=x+y&b=%C3%A9` into ordered pairs; `+` is a space, malformed escapes are kept as they are.
pub fn decode_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decodes one component of a form or query (`+` is a space).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a form or query component the way browsers do (`application/x-www-form-urlencoded`).
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs() {
        let pairs = decode_pairs("A=1&B=x+y&B=%C3%A9&C=&D&E=%zz&F=%4");
        let want: Vec<(String, String)> = [
            ("A", "1"),
            ("B", "x y"),
            ("B", "é"),
            ("C", ""),
            ("D", ""),
            ("E", "%zz"),
            ("F", "%4"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs, want);
    }

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_url(
                "http://127.0.0.1:9/v2/Services?PageSize=2",
                "http://127.0.0.1:9"
            ),
            ("/v2/Services".into(), "PageSize=2".into())
        );
        assert_eq!(
            split_url("https://chat.twilio.com/v2/Services", "http://x"),
            ("/v2/Services".into(), String::new())
        );
    }

    #[test]
    fn encodes() {
        assert_eq!(encode("a b/é"), "a+b%2F%C3%A9");
    }
}

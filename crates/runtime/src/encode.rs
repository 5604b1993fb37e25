//! Percent-encoding, shared by requests and webhooks: [`encode_path_segment`] for path parameters, the encoder
//! that query strings and form bodies use, its inverse, and the filling of `{Name}` path templates. Everything
//! except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped with upper-case hex, so a space is
//! `%20`, never `+`.

/// Percent-encodes a path parameter: everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so `/`, `#`, `?` and `%` cannot change the path (`a#b` becomes `a%23b`, `a/b` becomes `a%2Fb`).
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    percent_encode_into(&mut out, value);
    out
}

/// Whether a byte is an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`), sent as it is.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

pub(crate) fn percent_encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    // Text with nothing to escape (keys, SIDs, numbers) is copied as it is.
    let Some(first) = bytes.iter().position(|&b| !UNRESERVED[usize::from(b)]) else {
        out.push_str(value);
        return;
    };
    out.push_str(value.get(..first).unwrap_or_default());
    // The rest goes through a small buffer of ASCII bytes, flushed as text when nearly full.
    let mut buf = [0_u8; 256];
    let mut len = 0;
    for &b in bytes.get(first..).unwrap_or_default() {
        if len > buf.len() - 3 {
            out.push_str(
                std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default(),
            );
            len = 0;
        }
        if UNRESERVED[usize::from(b)] {
            if let Some(slot) = buf.get_mut(len) {
                *slot = b;
            }
            len += 1;
        } else if let Some(slots) = buf.get_mut(len..len + 3) {
            slots.copy_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]]);
            len += 3;
        }
    }
    out.push_str(std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default());
}

/// Decodes text written by [`percent_encode_into`] (`%XX` escapes; anything else is taken as it is).
#[cfg(feature = "client")]
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let (b'%', Some(Some(hi)), Some(Some(lo))) = (
            b,
            bytes.get(i + 1).map(|&h| hex(h)),
            bytes.get(i + 2).map(|&l| hex(l)),
        ) {
            out.push(((hi << 4) | lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `template` with each `{Name}` placeholder replaced by the percent-encoded `value(Name)` (called once per
/// placeholder, in order), and why the path is unusable, if it is: a value that is empty, `.` or `..`, or none.
#[cfg(feature = "client")]
pub(crate) fn fill_path<'v>(
    template: &'static str,
    mut value: impl FnMut(&'static str) -> Option<&'v str>,
) -> (String, Option<String>) {
    let mut path = String::with_capacity(template.len() + 64);
    let mut invalid = None;
    let mut rest = template;
    // Byte searches: the braces are ASCII, and these templates are short.
    let find = |text: &str, brace: u8| text.bytes().position(|b| b == brace);
    while let Some(open) = find(rest, b'{') {
        path.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = find(after, b'}') else {
            path.push_str(rest.get(open..).unwrap_or_default());
            rest = "";
            break;
        };
        let name = after.get(..close).unwrap_or_default();
        match value(name) {
            Some(v) if matches!(v, "" | "." | "..") => {
                invalid.get_or_insert_with(|| {
                    format!("path parameter `{name}` must not be empty, `.` or `..` (got {v:?})")
                });
            }
            Some(v) => percent_encode_into(&mut path, v),
            None => {
                invalid.get_or_insert_with(|| format!("path parameter `{name}` has no value"));
            }
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    (path, invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        let cases = [
            ("IS123", "IS123"),
            ("a#b", "a%23b"),
            ("a/b", "a%2Fb"),
            ("a b?c=d&e%", "a%20b%3Fc%3Dd%26e%25"),
            ("user@example.com", "user%40example.com"),
            ("ü", "%C3%BC"),
            ("aü-b€c", "a%C3%BC-b%E2%82%ACc"),
            ("", ""),
            ("-._~", "-._~"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_path_segment(input), expected, "{input}");
        }
    }
}

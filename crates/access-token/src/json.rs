//! The JSON text of a token's header and payload, written the way Python's `json.dumps` writes it with its
//! defaults as PyJWT uses them: compact separators, `ensure_ascii` on.
//!
//! Strings escape `"` and `\`, the short escapes `\b \f \n \r \t`, every other character outside the printable
//! ASCII range (`' '..='~'`, so DEL too) as `\uXXXX` in lowercase hex, and characters beyond the Basic
//! Multilingual Plane as a UTF-16 surrogate pair. `/`, `<`, `>` and `&` are written as they are. Writing into a
//! `String` cannot fail, so nothing here returns a `Result`.

use serde_json::Value;

/// Appends `s` as a JSON string literal (quotes included).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unicode_escape(out, *unit);
                }
            }
        }
    }
    out.push('"');
}

/// Appends `"key":` for an object member.
pub(crate) fn write_key(out: &mut String, key: &str) {
    write_str(out, key);
    out.push(':');
}

/// Appends an unsigned integer.
pub(crate) fn write_u64(out: &mut String, n: u64) {
    out.push_str(&n.to_string());
}

/// Appends any JSON value, compact, with object members in the map's order.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // serde_json prints numbers as it would serialize them; integers match Python exactly.
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_key(out, key);
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn push_unicode_escape(out: &mut String, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12u16, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let mut out = String::new();
        write_str(&mut out, input);
        assert_eq!(out, expected, "escaping {input:?}");
    }

    // Expected strings were produced by Python 3's `json.dumps(s)` (ensure_ascii on).
    #[test]
    fn strings_escape_like_python() {
        check("alice", r#""alice""#);
        check("a\"quote", r#""a\"quote""#);
        check("back\\slash/", r#""back\\slash/""#);
        check("<script>&amp;", r#""<script>&amp;""#);
        check("zoë ✓", r#""zo\u00eb \u2713""#);
        check("\u{8}\u{c}\n\r\t", r#""\b\f\n\r\t""#);
        check("\u{0}\u{1}\u{1f}\u{7f}", r#""\u0000\u0001\u001f\u007f""#);
        check("😀", r#""\ud83d\ude00""#);
        check("a𝄞b", r#""a\ud834\udd1eb""#);
        check(
            "\u{ffff}\u{10000}\u{10ffff}",
            r#""\uffff\ud800\udc00\udbff\udfff""#,
        );
    }

    #[test]
    fn values_are_compact_and_ascii() {
        let value = serde_json::json!({"a": [1, -2, true, null, "é"], "b": {"c": 1.5}});
        let mut out = String::new();
        write_value(&mut out, &value);
        assert_eq!(out, r#"{"a":[1,-2,true,null,"\u00e9"],"b":{"c":1.5}}"#);
    }
}

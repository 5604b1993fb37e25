//! Decoding JSON answers into generated models, and naming the JSON path where a failed decode went wrong.
//!
//! Every answer is decoded the same way, `serde_json::from_str` over the body checked as UTF-8 once, so a model's
//! `Deserialize` impl is compiled once per client crate for one deserializer type, whatever the operation kind
//! (value, page records, upload answer). When decoding fails, the path is found without decoding again: the
//! error's line and column point into the body, and [`path_at`] walks the JSON text up to that point to name the
//! value there (`messages[3].date_created`). The walk is plain code over bytes, compiled once in this crate,
//! tolerant of any input (truncated, malformed, deeply nested) and never panics.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes JSON, naming the path that failed; trailing data is an error too. An empty body (such as
/// `204 No Content`) reads as JSON `null`, so `()` and `Option<T>` accept it.
pub(crate) fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, Error> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let text = utf8(operation, body)?;
    serde_json::from_str(text).map_err(|e| decode_error(operation, body, "", &e))
}

/// The body as text. JSON is UTF-8: checking it once, in one fast pass, lets every decode read from a `&str`
/// without checking each string again (and keeps one deserializer type for every answer).
pub(crate) fn utf8<'a>(operation: &str, body: &'a [u8]) -> Result<&'a str, Error> {
    std::str::from_utf8(body).map_err(|e| not_utf8(operation, e))
}

/// The decode error of a body that is not UTF-8.
pub(crate) fn not_utf8(operation: &str, error: std::str::Utf8Error) -> Error {
    Error::decode(
        operation,
        String::new(),
        &format!("the body is not UTF-8 (byte {})", error.valid_up_to()),
    )
}

/// The decode error of `body` (the records of a page when `prefix` names their property), its path located
/// from the position `error` reports.
pub(crate) fn decode_error(
    operation: &str,
    body: &[u8],
    prefix: &str,
    error: &serde_json::Error,
) -> Error {
    let path = path_at(body, error);
    let full = if prefix.is_empty() {
        path
    } else if path == "." {
        prefix.to_owned()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    };
    Error::decode(operation, full, error)
}

/// The JSON path (`a.b[2].c`, `.` for the top level) of the value at which `error` stopped decoding `body`.
///
/// serde_json reports positions in two ways. A type or value error (a member of the wrong type, a date a visitor
/// refused, a missing field) is reported just past the last character read: right after a refused scalar, at the
/// opening brace or bracket of a refused object or array (which is not read), or right after the closing brace of
/// an object that lacks a field. A syntax error is reported at the character that could not be read. At the end of
/// truncated text, the path is the value being read, or the innermost open object or array when the text ended
/// between its members. The path is that of the innermost value at the reported place; characters between members
/// (keys, colons, commas) belong to the enclosing object or array.
pub(crate) fn path_at(body: &[u8], error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    if error.line() == 0 || body.is_empty() {
        return ".".to_owned();
    }
    let mut start_of_line = 0;
    for _ in 1..error.line() {
        match body[start_of_line..].iter().position(|&b| b == b'\n') {
            Some(i) => start_of_line += i + 1,
            None => break,
        }
    }
    // One past the character serde_json was at.
    let past = start_of_line + error.column();
    let walk = match error.classify() {
        Category::Eof => {
            let message = error.to_string();
            let mut walk = Walk::new(body, usize::MAX, 0);
            walk.eof_between =
                message.contains("parsing an object") || message.contains("parsing a list");
            walk
        }
        Category::Data => Walk::new(body, past, 1),
        Category::Syntax | Category::Io => Walk::new(body, past.saturating_sub(1), 0),
    };
    render(&walk.run())
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn render(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// An open object or array during the walk: the path segment of its current member, if one started.
struct Frame {
    array: bool,
    next_index: usize,
    member: Option<Segment>,
}

/// A scan of JSON text up to the character at `target`.
struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
    target: usize,
    /// How many characters past its end a value still spans (1 for type and value errors, reported just past
    /// the value).
    tail: usize,
    /// At the end of truncated text, report the innermost open container rather than its member.
    eof_between: bool,
    frames: Vec<Frame>,
}

impl<'a> Walk<'a> {
    fn new(bytes: &'a [u8], target: usize, tail: usize) -> Self {
        Self {
            bytes,
            pos: 0,
            target,
            tail,
            eof_between: false,
            frames: Vec::new(),
        }
    }

    /// The path of the open containers, with the member being read in each.
    fn path(&self, with_member: bool) -> Vec<Segment> {
        let mut out = Vec::with_capacity(self.frames.len());
        let last = self.frames.len().saturating_sub(1);
        for (i, frame) in self.frames.iter().enumerate() {
            if i == last && !with_member {
                break;
            }
            match &frame.member {
                Some(segment) => out.push(segment.clone()),
                None => break,
            }
        }
        out
    }

    /// Path of the container being read (its current member excluded).
    fn container(&self) -> Vec<Segment> {
        self.path(false)
    }

    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        {
            self.pos += 1;
        }
    }

    /// Reads a string token starting at its opening quote; returns its (unescaped enough) text and the position
    /// after its closing quote, or the end of input when it is not closed.
    fn string(&mut self) -> String {
        let start = self.pos + 1;
        let mut i = start;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let end = i.min(self.bytes.len());
        let text = String::from_utf8_lossy(&self.bytes[start..end]).into_owned();
        self.pos = (end + 1).min(self.bytes.len());
        text
    }

    /// Skips a number, literal or stray token.
    fn scalar(&mut self) {
        self.pos += 1;
        while self.bytes.get(self.pos).is_some_and(|b| {
            !matches!(
                b,
                b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t' | b'"' | b'{' | b'['
            )
        }) {
            self.pos += 1;
        }
    }

    fn run(mut self) -> Vec<Segment> {
        loop {
            self.skip_space();
            let Some(&b) = self.bytes.get(self.pos) else {
                // The text ended before a value began: an array's next element is not begun, an object member
                // whose key was read is.
                if self.frames.last().is_some_and(|f| f.array) {
                    return self.container();
                }
                return self.at_end();
            };
            if self.pos > self.target {
                return self.container();
            }
            let start = self.pos;
            match b {
                b'{' | b'[' => {
                    if start == self.target {
                        return self.path(true);
                    }
                    self.frames.push(Frame {
                        array: b == b'[',
                        next_index: 0,
                        member: None,
                    });
                    self.pos += 1;
                    self.begin_member();
                }
                b'}' | b']' => {
                    if self.target < start + 1 + self.tail {
                        return self.container();
                    }
                    self.pos += 1;
                    self.frames.pop();
                    self.end_member();
                }
                b',' => {
                    self.pos += 1;
                    self.begin_member();
                }
                _ => {
                    if b == b'"' {
                        self.string();
                    } else {
                        self.scalar();
                    }
                    let end = self.pos + self.tail;
                    if self.target < end {
                        return self.path(true);
                    }
                    if self.pos >= self.bytes.len() {
                        return self.at_end();
                    }
                    self.end_member();
                }
            }
        }
    }

    /// The text ended before the target: the value being read, or with [`Walk::eof_between`] the container.
    fn at_end(&self) -> Vec<Segment> {
        if self.eof_between {
            self.container()
        } else {
            self.path(true)
        }
    }

    /// After `{`, `[` or `,`: the next member of the innermost container starts. For an object, its key is read
    /// here up to the colon.
    fn begin_member(&mut self) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        if frame.array {
            let index = frame.next_index;
            if let Some(frame) = self.frames.last_mut() {
                frame.next_index += 1;
                frame.member = Some(Segment::Index(index));
            }
            return;
        }
        self.skip_space();
        if self.pos > self.target || self.bytes.get(self.pos) != Some(&b'"') {
            // An empty object, a stray character, or the target lies before the key: handled by the main loop.
            if let Some(frame) = self.frames.last_mut() {
                frame.member = None;
            }
            return;
        }
        let key_start = self.pos;
        let key = self.string();
        if let Some(frame) = self.frames.last_mut() {
            frame.member = None;
        }
        if self.bytes.get(self.pos - 1) != Some(&b'"') || self.pos - 1 == key_start {
            // The key is not closed: the text ended inside it.
            self.pos = self.bytes.len();
            return;
        }
        if self.target < self.pos && self.target >= key_start {
            // The target is inside the key: stop before the colon so the main loop reports the object.
            self.pos = self.target + 1;
            return;
        }
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b':') {
            if self.pos == self.target {
                return;
            }
            self.pos += 1;
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.member = Some(Segment::Key(key));
        }
    }

    /// A member value ended: until the next `,` the container's member stays what it was, but a target seen
    /// from here on is between members.
    fn end_member(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.member = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct S {
        inner: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    fn path_of<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let err = serde_json::from_slice::<T>(body.as_bytes()).unwrap_err();
        path_at(body.as_bytes(), &err)
    }

    #[test]
    fn decode_names_path() {
        let err = decode::<S>("FetchX", br#"{"inner": [{"n": 1}, {"n": "x"}]}"#).unwrap_err();
        assert_eq!(err.decode_path(), Some("inner[1].n"));
        assert!(
            err.to_string()
                .starts_with("FetchX: could not decode the response at `inner[1].n`")
        );
        let err = decode::<S>("FetchX", br#"{"inner": []} x"#).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        decode::<()>("DeleteX", b"").unwrap();
        assert_eq!(decode::<Option<u32>>("X", b" \n").unwrap(), None);
        let err = decode::<S>("FetchX", b"").unwrap_err();
        assert_eq!(err.decode_path(), Some("."));
        let err = decode::<S>("FetchX", b"{\"inner\": [\"\xff\"]}").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        assert!(err.to_string().contains("not UTF-8 (byte 12)"), "{err}");
    }

    /// A record read by the shared object reader, with a required member.
    #[derive(Debug, Default)]
    struct Required {
        code: i64,
    }

    impl twilio_rest_core::__private::de::Object for Required {
        const EXPECTING: &'static str = "struct Required";
        const MEMBERS: &'static [&'static str] = &["code"];
        const REQUIRED: &'static [usize] = &[0];

        fn read<'de, A: serde::de::MapAccess<'de>>(
            &mut self,
            _: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            self.code = map.next_value()?;
            Ok(())
        }
    }

    impl<'de> serde::Deserialize<'de> for Required {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            twilio_rest_core::__private::de::deserialize(deserializer)
        }
    }

    /// A missing required member or a repeated member of a type read by the shared reader is a decode error that
    /// names the member and the JSON path of its object.
    #[test]
    fn reader_errors_name_the_member_and_its_path() {
        let err = decode::<Vec<Required>>("ListX", br#"[{"code": 1}, {"other": 2}]"#).unwrap_err();
        assert_eq!(err.decode_path(), Some("[1]"));
        assert_eq!(
            err.to_string(),
            "ListX: could not decode the response at `[1]`: missing field `code` at line 1 column 26"
        );
        let err =
            decode::<Vec<Required>>("ListX", b"[{\"code\": 1},\n {\"code\": 2, \"code\": 3}]")
                .unwrap_err();
        assert_eq!(err.decode_path(), Some("[1]"));
        assert!(
            err.to_string()
                .ends_with("duplicate field `code` at line 2 column 19"),
            "{err}"
        );
        assert_eq!(
            decode::<Required>("FetchX", br#"{"code": 7}"#)
                .unwrap()
                .code,
            7
        );
    }

    #[test]
    fn paths_of_typical_failures() {
        assert_eq!(
            path_of::<S>(r#"{"inner":[{"n":1},{"n":"x"}]}"#),
            "inner[1].n"
        );
        assert_eq!(
            path_of::<S>(r#"{"inner":[{"n":1},{"n":-1}]}"#),
            "inner[1].n"
        );
        assert_eq!(path_of::<S>(r#"{"inner":[{"n":1},{}]}"#), "inner[1]");
        assert_eq!(path_of::<S>(r#"{"inner":[{"n":1},{"m":2}]}"#), "inner[1]");
        assert_eq!(path_of::<S>(r#"{"inner":{"n":1}}"#), "inner");
        assert_eq!(path_of::<S>(r#"{"inner":[{"n":[1]}]}"#), "inner[0].n");
        assert_eq!(path_of::<S>(r#"{"inner":[{"n":1"#), "inner[0]");
        assert_eq!(path_of::<S>(r#"{"inner":[{"n":"#), "inner[0].n");
        assert_eq!(path_of::<S>("[]"), ".");
        assert_eq!(path_of::<S>("null"), ".");
        assert_eq!(path_of::<Vec<u8>>("[1, 2, 300]"), "[2]");
        assert_eq!(path_of::<Vec<u8>>("[1, 2, x]"), "[2]");
    }

    /// A record with the shapes generated models have: nested objects and arrays, optional and required
    /// members, numbers, booleans, dates read by a visitor that can refuse them.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        sid: String,
        count: Option<u32>,
        flags: Vec<bool>,
        links: std::collections::BTreeMap<String, String>,
        items: Vec<Item>,
        when: Option<twilio_rest_time::Timestamp>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        size: Option<i64>,
        tags: Option<Vec<String>>,
    }

    fn reference_path(body: &[u8]) -> Option<String> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let result: Result<Doc, _> = serde_path_to_error::deserialize(&mut de);
        // serde_path_to_error shows a member whose key was not read yet as `?`: that is its object.
        let parent = |path: String| match path.strip_suffix('?') {
            Some(rest) => match rest.trim_end_matches('.') {
                "" => ".".to_owned(),
                rest => rest.to_owned(),
            },
            None => path,
        };
        match result {
            Err(e) => Some(parent(e.path().to_string())),
            Ok(_) => de.end().err().map(|_| ".".to_owned()),
        }
    }

    /// The located path agrees with serde_path_to_error (which decodes a second time, tracking the path) on
    /// every truncation of a document and on every wrong-typed, missing or malformed member of it.
    #[test]
    fn agrees_with_path_tracking_decoding() {
        let good = br#"{"sid": "CH1", "count": 3, "flags": [true, false],
            "links": {"self": "https://x", "next": "https://y"},
            "items": [{"name": "a", "size": 1, "tags": ["t", "u"]}, {"name": "b\"q", "size": -2}],
            "when": "2020-01-02T03:04:05Z"}"#;
        let mut bodies: Vec<Vec<u8>> = (0..good.len()).map(|cut| good[..cut].to_vec()).collect();
        let replacements: [(&str, &str); 16] = [
            (r#""CH1""#, "1"),
            (r#""CH1""#, "[1]"),
            (r#""CH1""#, "{}"),
            ("3,", r#""3","#),
            ("3,", "-3,"),
            ("3,", "99999999999,"),
            ("[true, false]", r#"[true, "no"]"#),
            (r#""https://y""#, "7"),
            (r#""size": 1,"#, r#""size": "1","#),
            (r#""size": -2"#, r#""size": 2.5"#),
            (r#""name": "b\"q", "#, ""),
            (r#"["t", "u"]"#, r#"["t", 5]"#),
            (r#""2020-01-02T03:04:05Z""#, r#""yesterday""#),
            (r#""2020-01-02T03:04:05Z""#, "null x"),
            (r#""flags": [true, false]"#, r#""flags": [true false]"#),
            (r#""count": 3,"#, r#""count": 3,,"#),
        ];
        let text = String::from_utf8(good.to_vec()).unwrap();
        for (from, to) in replacements {
            assert!(text.contains(from), "{from}");
            bodies.push(text.replacen(from, to, 1).into_bytes());
        }
        bodies.push(text.replace(r#""sid": "CH1", "#, "").into_bytes());
        let mut checked = 0;
        let mut differences = Vec::new();
        for body in &bodies {
            let Err(error) = serde_json::from_slice::<Doc>(body) else {
                continue;
            };
            let expected = reference_path(body).unwrap_or_else(|| ".".to_owned());
            let found = path_at(body, &error);
            if found != expected {
                differences.push(format!(
                    "{found} != {expected}: {error} in {}",
                    String::from_utf8_lossy(body)
                ));
            }
            checked += 1;
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
        assert!(checked > good.len(), "{checked}");
    }

    #[test]
    fn never_panics_on_any_prefix_or_position() {
        let body = br#"{"a": [1, {"b": "c\"d", "e": [true, null]}], "f": {"g": -1.5e3}}"#;
        for cut in 0..=body.len() {
            let part = &body[..cut];
            if let Err(e) = serde_json::from_slice::<S>(part) {
                let _ = path_at(part, &e);
            }
            for target in 0..cut {
                for tail in [0, 1] {
                    let _ = render(&Walk::new(part, target, tail).run());
                }
            }
        }
    }
}

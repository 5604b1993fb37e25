//! The one error type of the runtime: [`Error`] with its [`ErrorKind`], and [`ApiError`], the parsed form of a
//! Twilio error response. Messages name the operation and never contain credentials.

use std::error::Error as StdError;
use std::fmt;

use serde::de::{Error as _, MapAccess};
use twilio_rest_core::__private::de as object;

use crate::redact::{MAX_TEXT_CHARS, Redactor};

/// Longest response body excerpt (in characters) kept in an error when the body is not a Twilio error document.
pub(crate) const SNIPPET_CHARS: usize = 512;

/// Longest error message (in characters, operation id excluded).
pub(crate) const MAX_MESSAGE_CHARS: usize = 2048;

/// Largest `details` document (serialized bytes) kept in an [`ApiError`]; larger ones are dropped.
const MAX_DETAILS_BYTES: usize = 16 * 1024;

/// Every failure of the runtime: configuration, transport, timeouts, API errors, decoding and pagination.
///
/// `Display` gives a one-line message that starts with the operation id when there is one (for example
/// `FetchService: HTTP 404: The requested resource /Services/IS1 was not found (code 20404)`).
///
/// Safe to log: neither `Display` nor `Debug` ever contains the client's auth token or API key secret, nor any
/// `Authorization` value or `Basic`/`Bearer` credential, even when a server or proxy echoes the request back
/// (they read `[redacted]`). Text that came from the server is cut to a bounded length (about 2,000 characters
/// for the message, 512 for a body excerpt) and its control characters are escaped (`\n`, `\u{1b}`), so a
/// message is always one line.
///
/// When a response arrived, [`Error::status`] and [`Error::request_id`] (Twilio's `Twilio-Request-Id` header,
/// which Twilio support asks for) are set whatever the kind: API errors, decode errors, oversized bodies.
///
/// The error is `Send + Sync + 'static`, so it can cross tasks and be boxed into `anyhow`-style errors.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<String>,
    message: String,
    api: Option<ApiError>,
    decode_path: Option<String>,
    /// HTTP status of the response, when one arrived.
    status: Option<u16>,
    /// `Twilio-Request-Id` of the response, when one arrived with that header.
    request_id: Option<String>,
    /// For [`ErrorKind::ResponseTooLarge`]: the limit in bytes.
    size_limit: Option<u64>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

/// What went wrong, broadly. Match on it to decide what to do; the enum may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Twilio answered with a non-success status. [`Error::api_error`] has the status, code and message.
    Api,
    /// The request could not be sent or the response could not be read (DNS, connect, TLS, reset).
    Transport,
    /// The attempt exceeded its timeout (connect or total). See [`Error::is_timeout`].
    Timeout,
    /// A success response could not be decoded into the expected type. [`Error::decode_path`] names the JSON path.
    Decode,
    /// The client is misconfigured: missing or malformed credentials, bad base URL, region or edge, refused
    /// `http://`. Reported by `build()` or before any request is sent.
    Config,
    /// A caller-supplied value cannot be sent (for example a header value with a line break).
    InvalidArgument,
    /// A page link is unsafe or inconsistent: a next page on another scheme, host or port than the client's base
    /// URL, a page link that repeats an already fetched page, too many consecutive empty pages that still link
    /// onward, or a page body without records.
    Pagination,
    /// The response body is larger than the limit set for it ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
    /// or [`RequestOptions::max_response_bytes`](crate::RequestOptions::max_response_bytes)); reading stopped at
    /// the limit. [`Error::size_limit`] gives the limit.
    ResponseTooLarge,
}

/// A Twilio error response: the HTTP status and, when the body is Twilio's JSON error document
/// (`{"code", "message", "more_info", "status", "details"}`), its fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response (not the `status` field of the body).
    pub status: u16,
    /// Twilio error code, such as `20404`; see <https://www.twilio.com/docs/api/errors>.
    pub code: Option<i64>,
    /// Human-readable message from Twilio.
    pub message: Option<String>,
    /// Link to the documentation of the error code.
    pub more_info: Option<String>,
    /// Extra structured details Twilio sometimes includes.
    pub details: Option<serde_json::Value>,
    /// When the body was not a Twilio error document (HTML, empty, truncated JSON): its first 512 characters,
    /// cut on a character boundary. `None` when the body was parsed.
    pub body_snippet: Option<String>,
}

impl Error {
    /// The broad category of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation id (such as `CreateMessage`) the error happened in, when known.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// The HTTP status of the response, for every error that happened after a response arrived ([`ErrorKind::Api`]
    /// errors, and also decode errors and oversized bodies).
    pub fn status(&self) -> Option<u16> {
        self.inner
            .status
            .or_else(|| self.inner.api.as_ref().map(|a| a.status))
    }

    /// Twilio's `Twilio-Request-Id` response header (such as `RQ...`), for every error that happened after a
    /// response carrying it arrived. Quote it to Twilio support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// For [`ErrorKind::ResponseTooLarge`] errors: the limit, in bytes, that the body exceeded.
    pub fn size_limit(&self) -> Option<u64> {
        self.inner.size_limit
    }

    /// The Twilio error code for [`ErrorKind::Api`] errors whose body was a Twilio error document.
    pub fn code(&self) -> Option<i64> {
        self.inner.api.as_ref().and_then(|a| a.code)
    }

    /// Twilio's error message for [`ErrorKind::Api`] errors whose body was a Twilio error document.
    pub fn message(&self) -> Option<&str> {
        self.inner.api.as_ref().and_then(|a| a.message.as_deref())
    }

    /// Twilio's documentation link for the error code, when given.
    pub fn more_info(&self) -> Option<&str> {
        self.inner.api.as_ref().and_then(|a| a.more_info.as_deref())
    }

    /// Twilio's structured `details`, when given.
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.inner.api.as_ref().and_then(|a| a.details.as_ref())
    }

    /// The full API error for [`ErrorKind::Api`] errors.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// For [`ErrorKind::Decode`] errors: the JSON path that failed, such as `messages[3].date_created`
    /// (`.` when the document itself was malformed).
    pub fn decode_path(&self) -> Option<&str> {
        self.inner.decode_path.as_deref()
    }

    /// `true` for HTTP 404 responses (Twilio code 20404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || self.code() == Some(20404)
    }

    /// `true` for HTTP 429 responses (Twilio code 20429) that were still failing after retries.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429) || self.code() == Some(20429)
    }

    /// `true` when an attempt timed out ([`ErrorKind::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// `true` for HTTP 401 and 403 responses and Twilio code 20003 (authentication failed).
    pub fn is_auth_error(&self) -> bool {
        matches!(self.status(), Some(401 | 403)) || self.code() == Some(20003)
    }

    /// An [`ErrorKind::InvalidArgument`] error for `operation`; generated code uses it to reject arguments
    /// before sending anything.
    pub fn invalid_argument(operation: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message).with_operation(operation)
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                message: Redactor::default().one_line(&message.into(), MAX_MESSAGE_CHARS),
                api: None,
                decode_path: None,
                status: None,
                request_id: None,
                size_limit: None,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub(crate) fn pagination(operation: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Pagination, message).with_operation(operation)
    }

    pub(crate) fn with_operation(mut self, operation: &str) -> Self {
        self.inner.operation = Some(operation.to_owned());
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// An error for a response whose status is not the expected success status.
    pub(crate) fn from_response(operation: &str, status: u16, body: &[u8]) -> Self {
        let api = ApiError::parse(status, body);
        let message = api.describe();
        let mut err = Self::new(ErrorKind::Api, message).with_operation(operation);
        err.inner.api = Some(api);
        err.inner.status = Some(status);
        err
    }

    /// A body larger than `limit` bytes.
    pub(crate) fn too_large(operation: &str, limit: u64, what: &str) -> Self {
        let mut err = Self::new(
            ErrorKind::ResponseTooLarge,
            format!("the response body exceeds the limit of {limit} bytes ({what})"),
        )
        .with_operation(operation);
        err.inner.size_limit = Some(limit);
        err
    }

    /// Records the status and `Twilio-Request-Id` of the response the error is about.
    pub(crate) fn with_response(mut self, status: u16, request_id: Option<&str>) -> Self {
        self.inner.status = Some(status);
        self.inner.request_id =
            request_id.map(|id| Redactor::default().one_line(id, SNIPPET_CHARS));
        self
    }

    /// Redacts `redactor`'s secrets (the client's own credentials) from every text the error shows.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Self {
        let inner = &mut *self.inner;
        inner.message = redactor.one_line(&inner.message, MAX_MESSAGE_CHARS);
        if let Some(path) = &mut inner.decode_path {
            *path = redactor.one_line(path, MAX_TEXT_CHARS);
        }
        if let Some(api) = &mut inner.api {
            api.sanitize(redactor);
        }
        self
    }

    /// A transport error from reqwest, classified as [`ErrorKind::Timeout`] or [`ErrorKind::Transport`].
    pub(crate) fn from_reqwest(operation: &str, err: reqwest::Error) -> Self {
        let (kind, what) = if err.is_timeout() {
            (ErrorKind::Timeout, "request timed out")
        } else if err.is_connect() {
            (ErrorKind::Transport, "could not connect")
        } else if err.is_body() || err.is_decode() {
            (ErrorKind::Transport, "could not read the response body")
        } else {
            (ErrorKind::Transport, "could not send the request")
        };
        // reqwest's message names the URL (never credentials: they travel in a header only).
        let message = format!("{what}: {}", error_chain(&err));
        Self::new(kind, message)
            .with_operation(operation)
            .with_source(err)
    }

    /// A decode error naming the JSON path that failed.
    pub(crate) fn decode(operation: &str, path: String, cause: &dyn fmt::Display) -> Self {
        let shown = if path.is_empty() {
            ".".to_owned()
        } else {
            path
        };
        let message = format!("could not decode the response at `{shown}`: {cause}");
        let mut err = Self::new(ErrorKind::Decode, message).with_operation(operation);
        err.inner.decode_path = Some(shown);
        err
    }
}

impl ApiError {
    /// Parses Twilio's error document ([`Document`]); any other body (not JSON, no `code`, a member of the wrong
    /// type or given twice) is kept as a bounded snippet: the error still has the status and the server's text.
    pub(crate) fn parse(status: u16, body: &[u8]) -> Self {
        if let Ok(document) = serde_json::from_slice::<Document>(body) {
            let mut api = Self {
                status,
                code: Some(document.code),
                message: document.message,
                more_info: document.more_info,
                details: document.details,
                body_snippet: None,
            };
            api.sanitize(&Redactor::default());
            return api;
        }
        Self {
            status,
            code: None,
            message: None,
            more_info: None,
            details: None,
            body_snippet: Some(snippet(body)),
        }
    }

    /// Redacts, escapes and bounds every text field (see [`Error`]).
    fn sanitize(&mut self, redactor: &Redactor) {
        for text in [
            &mut self.message,
            &mut self.more_info,
            &mut self.body_snippet,
        ]
        .into_iter()
        .flatten()
        {
            *text = redactor.one_line(text, MAX_TEXT_CHARS);
        }
        if let Some(details) = &mut self.details {
            sanitize_value(details, redactor);
            if serde_json::to_vec(details).map_or(true, |v| v.len() > MAX_DETAILS_BYTES) {
                self.details = None;
            }
        }
    }

    fn describe(&self) -> String {
        let mut out = format!("HTTP {}", self.status);
        match (&self.message, &self.body_snippet) {
            (Some(m), _) => {
                out.push_str(": ");
                out.push_str(m);
            }
            (None, Some(s)) if s.trim().is_empty() => out.push_str(": empty response body"),
            (None, Some(s)) => {
                out.push_str(": unexpected response body: ");
                out.push_str(s);
            }
            (None, None) => {}
        }
        if let Some(code) = self.code {
            out.push_str(&format!(" (code {code}"));
            if let Some(more) = &self.more_info {
                out.push_str(&format!(", see {more}"));
            }
            out.push(')');
        }
        out
    }
}

/// Twilio's JSON error document, `{"code", "message", "more_info", "status", "details"}`, read by the shared object
/// reader: `code` is required (a JSON integer, or a string holding one), `message` and `more_info` are strings or
/// `null`, `details` is any JSON (`null` reads as absent); `status` and other members are skipped (the response's
/// own status is kept). A body without `code` is not Twilio's error document: a code is never made up.
#[derive(Default)]
struct Document {
    code: i64,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<serde_json::Value>,
}

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for Document {
    const EXPECTING: &'static str = "Twilio's error document";
    const MEMBERS: &'static [&'static str] = &["code", "message", "more_info", "details"];
    const REQUIRED: &'static [usize] = &[0];

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => {
                let code = match map.next_value()? {
                    serde_json::Value::Number(n) => n.as_i64(),
                    serde_json::Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                self.code = code.ok_or_else(|| A::Error::custom("`code` is not an integer"))?;
            }
            1 => self.message = map.next_value()?,
            2 => self.more_info = map.next_value()?,
            _ => self.details = map.next_value()?,
        }
        Ok(())
    }
}

/// The first [`SNIPPET_CHARS`] characters of a body (lossy UTF-8), credentials redacted, control characters
/// escaped, cut on a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    // Redaction looks a little past the cut so that a credential straddling it is still recognised.
    let head = body.get(..SNIPPET_CHARS * 8).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    Redactor::default().one_line(&text, SNIPPET_CHARS)
}

/// Redacts and bounds every string (keys included) of a JSON value.
fn sanitize_value(value: &mut serde_json::Value, redactor: &Redactor) {
    match value {
        serde_json::Value::String(s) => *s = redactor.one_line(s, MAX_TEXT_CHARS),
        serde_json::Value::Array(items) => {
            for item in items {
                sanitize_value(item, redactor);
            }
        }
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                sanitize_value(&mut item, redactor);
                map.insert(redactor.one_line(&key, MAX_TEXT_CHARS), item);
            }
        }
        _ => {}
    }
}

fn error_chain(err: &dyn StdError) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.operation {
            Some(op) => write!(f, "{op}: {}", self.inner.message),
            None => f.write_str(&self.inner.message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(op) = &self.inner.operation {
            d.field("operation", op);
        }
        d.field("message", &self.inner.message);
        if let Some(api) = &self.inner.api {
            d.field("api", api);
        }
        if let Some(path) = &self.inner.decode_path {
            d.field("decode_path", path);
        }
        if let Some(status) = self.inner.status {
            d.field("status", &status);
        }
        if let Some(id) = &self.inner.request_id {
            d.field("request_id", id);
        }
        if let Some(limit) = self.inner.size_limit {
            d.field("size_limit", &limit);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn parses_twilio_error_document() {
        let body = br#"{"code": 20404, "message": "The requested resource /Services/IS1 was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404, "details": {"a": 1}}"#;
        let err = Error::from_response("FetchService", 404, body);
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.code(), Some(20404));
        assert!(err.is_not_found());
        assert!(!err.is_auth_error());
        assert_eq!(err.details(), Some(&serde_json::json!({"a": 1})));
        assert_eq!(
            err.to_string(),
            "FetchService: HTTP 404: The requested resource /Services/IS1 was not found (code 20404, see https://www.twilio.com/docs/errors/20404)"
        );
    }

    /// Twilio's error document needs its `code`: a body without one, or with one that is not an integer, or with a
    /// member given twice, keeps the status and the server's text as it was sent (no made-up code).
    #[test]
    fn an_error_body_without_a_code_is_kept_as_sent() {
        for body in [
            r#"{"message": "Bad request", "status": 400}"#,
            r#"{"code": null, "message": "Bad request"}"#,
            r#"{"code": 1.5, "message": "Bad request"}"#,
            r#"{"code": "E1", "message": "Bad request"}"#,
            r#"{"code": 20001, "code": 20002, "message": "Bad request"}"#,
            r#"{"code": 20001, "message": ["Bad request"]}"#,
            r#"[20001, "Bad request"]"#,
        ] {
            let err = Error::from_response("CreateChannel", 400, body.as_bytes());
            assert_eq!(err.kind(), ErrorKind::Api, "{body}");
            assert_eq!(err.status(), Some(400), "{body}");
            assert_eq!(err.code(), None, "{body}");
            assert_eq!(err.message(), None, "{body}");
            let api = err.api_error().expect("an API error");
            assert_eq!(api.body_snippet.as_deref(), Some(body), "{body}");
            assert_eq!(
                err.to_string(),
                format!("CreateChannel: HTTP 400: unexpected response body: {body}")
            );
        }
        // A code given as a string is read; `null` optional members are absent; `status` is the response's.
        let err = Error::from_response(
            "CreateChannel",
            409,
            br#"{"code": "50307", "message": null, "more_info": null, "details": null, "status": 400}"#,
        );
        assert_eq!(err.code(), Some(50307));
        assert_eq!(err.status(), Some(409));
        assert_eq!(err.message(), None);
        assert_eq!(err.details(), None);
        assert_eq!(err.to_string(), "CreateChannel: HTTP 409 (code 50307)");
        let only_code = Error::from_response("Op", 400, br#"{"code": 20001}"#);
        assert_eq!(only_code.code(), Some(20001));
    }

    #[test]
    fn snippet_is_bounded_on_char_boundary() {
        let body = "é".repeat(600);
        let s = snippet(body.as_bytes());
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        let short = snippet(b"oops");
        assert_eq!(short, "oops");
    }

    #[test]
    fn non_json_bodies_keep_status_and_snippet() {
        let err = Error::from_response("Op", 500, b"<html>boom</html>");
        assert_eq!(err.status(), Some(500));
        assert_eq!(err.code(), None);
        assert_eq!(
            err.api_error().and_then(|a| a.body_snippet.as_deref()),
            Some("<html>boom</html>")
        );
        let empty = Error::from_response("Op", 502, b"");
        assert_eq!(empty.to_string(), "Op: HTTP 502: empty response body");
        let truncated = Error::from_response("Op", 500, br#"{"code": 2040"#);
        assert_eq!(truncated.code(), None);
        assert!(truncated.to_string().contains(r#"{"code": 2040"#));
    }

    #[test]
    fn helpers_classify() {
        assert!(Error::from_response("Op", 429, b"").is_rate_limited());
        assert!(Error::from_response("Op", 401, b"").is_auth_error());
        let e = Error::invalid_argument("CreateMessage", "body is empty");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert_eq!(e.operation(), Some("CreateMessage"));
        assert_eq!(e.to_string(), "CreateMessage: body is empty");
    }
}

//! Receiving a response: [`ResponseMeta`] (status, headers and `Twilio-Request-Id` of an answer, handed to callers
//! of [`Client::execute_with_response`](crate::Client::execute_with_response) and friends), the body size
//! [`Limits`], and the streaming body reader that enforces them.
//!
//! Memory bound: a body is read chunk by chunk into one buffer that never grows past the limit in force (a
//! `Content-Length` above the limit fails before anything is read, and the buffer is reserved once from a
//! `Content-Length` within the limit). Success bodies are limited by `max_response_bytes` (default
//! [`DEFAULT_MAX_RESPONSE_BYTES`]); error bodies by `max_error_body_bytes` (default
//! [`DEFAULT_MAX_ERROR_BODY_BYTES`]; the rest is not read, and the error keeps the status and an excerpt); an
//! [`Observer`](crate::Observer) receives at most `max_observed_body_bytes` of text (default
//! [`DEFAULT_MAX_OBSERVED_BODY_BYTES`]). So one call holds at most the body limit for the raw bytes, plus the
//! decoded value (for a page, the records: about 1.5 bytes per byte of JSON for Chat messages, as measured by
//! `runtime_bench --page-memory`; so a page at the default limit peaks near 80 MiB), plus the observer's copy.

use reqwest::header::HeaderMap;

/// Default largest success body: 32 MiB, far above the largest Twilio page (1,000 records).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// Default largest error body read: 64 KiB (Twilio's error documents are a few hundred bytes).
pub const DEFAULT_MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;

/// Default largest body text given to an [`Observer`](crate::Observer): 1 MiB.
pub const DEFAULT_MAX_OBSERVED_BODY_BYTES: u64 = 1024 * 1024;

/// The name of the header Twilio puts its request id in.
pub(crate) const REQUEST_ID_HEADER: &str = "twilio-request-id";

/// What Twilio answered, besides the body: status, headers and request id. Returned by
/// [`Client::execute_with_response`](crate::Client::execute_with_response),
/// [`Client::execute_empty_with_response`](crate::Client::execute_empty_with_response) and
/// [`Page::response`](crate::Page::response); each call gets its own, nothing is shared between calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMeta {
    status: u16,
    headers: HeaderMap,
}

/// Body size limits in force for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest body of a response whose status is 1xx-3xx.
    pub(crate) response: u64,
    /// Largest part of an error body (4xx, 5xx) that is read.
    pub(crate) error: u64,
    /// Largest body text copied for an observer.
    pub(crate) observed: u64,
}

/// A response body as read under a limit.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// The bytes read (at most the limit).
    pub(crate) bytes: Vec<u8>,
    /// `true` when the body was longer than the limit (so `bytes` is a prefix, possibly empty).
    pub(crate) truncated: bool,
}

impl ResponseMeta {
    pub(crate) fn new(status: u16, headers: HeaderMap) -> Self {
        Self { status, headers }
    }

    /// The HTTP status, such as `200` or `201`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Twilio's `Twilio-Request-Id` header (such as `RQ...`), when present and readable as text.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            response: DEFAULT_MAX_RESPONSE_BYTES,
            error: DEFAULT_MAX_ERROR_BODY_BYTES,
            observed: DEFAULT_MAX_OBSERVED_BODY_BYTES,
        }
    }
}

impl Limits {
    /// The limit for a body that comes with `status`.
    pub(crate) fn for_status(&self, status: u16) -> u64 {
        if status < 400 {
            self.response
        } else {
            self.error
        }
    }
}

/// The `Twilio-Request-Id` of `headers`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok())
}

/// Reads `response`'s body chunk by chunk, stopping as soon as it would exceed `limit` bytes (then
/// [`Body::truncated`] is set and `bytes` holds the first `limit` bytes). When `Content-Length` already announces
/// too much, nothing is read unless `keep_prefix` asks for the first `limit` bytes anyway (error bodies, whose
/// excerpt is useful). The connection of a truncated body is dropped, not reused.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: u64,
    keep_prefix: bool,
) -> Result<Body, reqwest::Error> {
    let announced = response.content_length();
    if !keep_prefix && announced.is_some_and(|len| len > limit) {
        return Ok(Body {
            bytes: Vec::new(),
            truncated: true,
        });
    }
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    let reserve = announced
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit_usize);
    let mut bytes = Vec::with_capacity(reserve);
    while let Some(chunk) = response.chunk().await? {
        let room = limit_usize - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Body {
                bytes,
                truncated: true,
            });
        }
        if bytes.capacity() - bytes.len() < chunk.len() {
            // Grow by doubling, but never past the limit: the buffer stays within the bound.
            let wanted = (bytes.capacity() * 2)
                .max(bytes.len() + chunk.len())
                .min(limit_usize);
            bytes.reserve_exact(wanted - bytes.len());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body {
        bytes,
        truncated: false,
    })
}

//! Request bodies read within a limit, so an oversized body is never held in memory: form requests (every
//! operation of the description, `MediaSet`, unknown paths) up to the service's form limit
//! ([`Config::form_body_limit`](crate::Config::form_body_limit), 1 MiB by default), media uploads up to
//! [`MEDIA_BODY_LIMIT`]. A declared `Content-Length` over the limit is refused before any of the body is read, a
//! chunked body as soon as it crosses the limit; both with 413 and Twilio's code 20413.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::http::{HeaderMap, Method, header};

use crate::store::ApiError;

/// The most bytes of a media upload read: above the 150 MB a service accepts by default, so that a service's own
/// `size_limit_mb` answers first (`media.rs`).
pub(crate) const MEDIA_BODY_LIMIT: usize = 160 * 1024 * 1024;

/// Twilio's code for a request entity larger than the server accepts.
const TOO_LARGE: u32 = 20413;

/// The most bytes a request may carry, and what kind of request it is (for the error message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limit {
    pub bytes: usize,
    pub what: &'static str,
}

impl Limit {
    /// The limit of a request: media uploads (`POST /v1/Services/{ServiceSid}/Media`) have their own, every other
    /// request has the form limit.
    pub(crate) fn of(method: &Method, path: &str, form_limit: usize) -> Self {
        if method == Method::POST && crate::media::is_upload(path) {
            Self {
                bytes: MEDIA_BODY_LIMIT,
                what: "a media upload",
            }
        } else {
            Self {
                bytes: form_limit,
                what: "a form request",
            }
        }
    }

    fn exceeded(self) -> ApiError {
        ApiError::new(
            413,
            TOO_LARGE,
            format!(
                "Request Entity Too Large: the body is larger than the {} bytes accepted for {}",
                self.bytes, self.what
            ),
        )
    }
}

/// The body, or 413 once it is known to exceed `limit` (400 when it cannot be read, such as a broken chunked
/// encoding).
pub(crate) async fn read(
    mut body: Body,
    headers: &HeaderMap,
    limit: Limit,
) -> Result<Bytes, ApiError> {
    let declared = declared_length(headers);
    if declared.is_some_and(|length| length > limit.bytes as u64) {
        return Err(limit.exceeded());
    }
    // Reserve what was declared (within the limit), at most 1 MiB up front.
    let reserve = declared.map_or(0, |d| usize::try_from(d).unwrap_or(0).min(1 << 20));
    let mut collected = Vec::with_capacity(reserve);
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame
            .map_err(|e| ApiError::invalid(format!("The request body could not be read: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if collected.len().saturating_add(data.len()) > limit.bytes {
            return Err(limit.exceeded());
        }
        collected.extend_from_slice(&data);
    }
    Ok(Bytes::from(collected))
}

/// `Content-Length`, when the request declares one (hyper has already refused an unreadable one).
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

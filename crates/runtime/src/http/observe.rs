//! Watching the wire: the [`Observer`] hook receives an [`Exchange`] for every attempt (request and response or
//! error), with the `Authorization` header value replaced by `[redacted]`. The conformance recorder uses it;
//! applications can use it for logging or metrics.

/// Receives every HTTP exchange the client performs, retries included. Called synchronously after each attempt:
/// keep it quick.
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// Called once per attempt.
    fn on_exchange(&self, exchange: &Exchange);
}

/// One attempt as sent and received. Credentials never appear: `Authorization` is `[redacted]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The operation id of the request.
    pub operation: &'static str,
    /// 1-based attempt number.
    pub attempt: u32,
    /// HTTP method, such as `GET`.
    pub method: String,
    /// Full URL including the query string.
    pub url: String,
    /// Request headers as sent (names lower-case), `Authorization` redacted.
    pub request_headers: Vec<(String, String)>,
    /// Request body text, when there was one.
    pub request_body: Option<String>,
    /// Response status, when a response arrived.
    pub status: Option<u16>,
    /// Response headers (names lower-case).
    pub response_headers: Vec<(String, String)>,
    /// Response body text (lossy UTF-8), when a response arrived.
    pub response_body: Option<String>,
    /// The error message, when the attempt failed without a response (transport error, timeout).
    pub error: Option<String>,
}

/// The value shown instead of secrets.
pub(crate) const REDACTED: &str = "[redacted]";

/// Headers as `(name, value)` text pairs, redacting `Authorization`.
pub(crate) fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if name == reqwest::header::AUTHORIZATION || value.is_sensitive() {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn authorization_is_redacted() {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("Basic c2VjcmV0"));
        h.insert("accept", HeaderValue::from_static("application/json"));
        let pairs = header_pairs(&h);
        assert!(pairs.contains(&("authorization".into(), REDACTED.into())));
        assert!(pairs.contains(&("accept".into(), "application/json".into())));
    }
}

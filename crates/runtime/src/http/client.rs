//! The HTTP client: [`Client`] sends [`Request`]s with the standard headers, runs the retry loop, traces each
//! attempt and turns responses into values or errors. Configuring it is in `builder.rs`, following pages in
//! `paging/follow.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use url::Url;

use crate::decode::decode;
use crate::error::{Error, ErrorKind, MAX_MESSAGE_CHARS};
use crate::http::credentials::Credentials;
use crate::http::observe::{Exchange, Observer, header_pairs};
use crate::http::request::{Body, Request};
use crate::http::response::{self, Limits, ResponseMeta, request_id};
use crate::http::retry::{
    Outcome, RetryPolicy, Sleeper, is_idempotent, parse_retry_after, should_retry,
};
use crate::redact::Redactor;

/// A request in flight, boxed where it is created (see [`Client::start`]).
pub(crate) type Sending<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error>> + Send>>;

/// The body and metadata of an accepted answer, not decoded yet.
pub(crate) type Answer = (Vec<u8>, ResponseMeta);

/// Default total time allowed for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured Twilio REST client. Cloning is cheap (an `Arc`); clones share one connection pool.
///
/// Build one with [`Client::builder`] (or a generated crate's `Client::builder()`), then call
/// [`execute`](Client::execute), [`execute_empty`](Client::execute_empty), [`execute_page`](Client::execute_page),
/// [`next_page`](Client::next_page) or [`stream`](Client::stream); the `*_with_response` variants also return
/// the [`ResponseMeta`] (status, headers, `Twilio-Request-Id`) of the answer. `Debug` never shows secrets.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Everything a client holds; `builder.rs` fills it in after validating the configuration.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// `true` when the caller supplied a ready-made HTTP client whose redirect policy is unknown.
    pub(crate) foreign_http: bool,
    pub(crate) base_url: Url,
    pub(crate) credentials: Credentials,
    pub(crate) redactor: Redactor,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    pub(crate) observer: Option<Arc<dyn Observer>>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// Region/edge applied to the default base URL, re-applied to page links that name the default host.
    pub(crate) rewrite: Option<(Option<String>, Option<String>)>,
    /// Other hosts of the API (see [`crate::hosts`]).
    pub(crate) hosts: crate::http::hosts::Hosts,
}

/// A response as received: any status, the body read under the limit for that status.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: response::Body,
}

struct AttemptError {
    error: Error,
    /// How far the attempt got, for the retry rules.
    outcome: Outcome,
}

impl Client {
    /// The base URL requests are sent to, after any region/edge rewrite.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The HTTP client of the API's own requests (credentials are added per request).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The hosts other than the base URL, and the plain HTTP client for links outside the API.
    pub(crate) fn hosts(&self) -> &crate::http::hosts::Hosts {
        &self.inner.hosts
    }

    /// The per-attempt timeout of `req`: its own, else the client's.
    pub(crate) fn timeout_for(&self, req: &Request) -> Duration {
        req.options.timeout.unwrap_or(self.inner.timeout)
    }

    /// The observer of exchanges, when one is set.
    pub(crate) fn observer(&self) -> Option<&Arc<dyn Observer>> {
        self.inner.observer.as_ref()
    }

    /// The account SID of the credentials.
    pub fn account_sid(&self) -> &str {
        self.inner.credentials.account_sid()
    }

    /// Sends `req` and decodes a 2xx JSON body into `T`. An empty body decodes as JSON `null` (so `()` and
    /// `Option<_>` accept a `204 No Content`).
    ///
    /// Non-2xx responses become [`ErrorKind::Api`](crate::ErrorKind::Api) errors; a body that does not decode becomes an
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming the operation and the JSON path that failed;
    /// a body above the size limit becomes an [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge)
    /// error.
    pub async fn execute<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        self.call(req, 200..300).await.map(|(value, _)| value)
    }

    /// [`execute`](Self::execute), also returning the status, headers and `Twilio-Request-Id` of the answer.
    pub async fn execute_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        self.call(req, 200..300).await
    }

    /// Sends `req` and decodes the JSON body of a 2xx or 3xx response into `T`, without following the redirect.
    /// For operations described only by a redirect whose body names the location (API v2010's recording add-on
    /// payload data answers `307` with `{"redirect_to": ...}`).
    pub async fn execute_redirect<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        self.call(req, 200..400).await.map(|(value, _)| value)
    }

    /// [`execute_redirect`](Self::execute_redirect), also returning the status, headers and `Twilio-Request-Id`.
    pub async fn execute_redirect_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        self.call(req, 200..400).await
    }

    /// Sends `req` and accepts any 2xx response, ignoring its body (deletes answer `204 No Content`).
    pub async fn execute_empty(&self, req: Request) -> Result<(), Error> {
        self.execute_empty_with_response(req).await.map(|_| ())
    }

    /// [`execute_empty`](Self::execute_empty), returning the status, headers and `Twilio-Request-Id` of the answer.
    pub async fn execute_empty_with_response(&self, req: Request) -> Result<ResponseMeta, Error> {
        self.start(req, 200..300).await.map(|(_, meta)| meta)
    }

    /// Sends `req` and checks the status is in `success`: the body and metadata of the answer.
    ///
    /// The future is boxed here: its state machine (sending, retries, reading the body) is then compiled once, in
    /// this crate, and the generic code of a client crate only holds a pointer to it.
    pub(crate) fn start(&self, req: Request, success: std::ops::Range<u16>) -> Sending<Answer> {
        let client = self.clone();
        Box::pin(async move {
            let run = async {
                let url = client.url_for(&req)?;
                let raw = client.send(&req, url).await?;
                client.accept(&req, raw, success)
            };
            run.await.map_err(|e| client.scrub(e))
        })
    }

    /// Sends `req`, checks the status is in `success` and decodes the body; a decode error carries the answer's
    /// status and request ID. Only this small step depends on `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        req: Request,
        success: std::ops::Range<u16>,
    ) -> Result<(T, ResponseMeta), Error> {
        let operation = req.operation;
        let (body, meta) = self.start(req, success).await?;
        let value = decode(operation, &body)
            .map_err(|e| self.scrub(e.with_response(meta.status(), meta.request_id())))?;
        Ok((value, meta))
    }

    /// Turns a response into its body and metadata when its status is in `success` and its body was read whole;
    /// otherwise into the API error (status, Twilio's error document, request id) or a size error.
    pub(crate) fn accept(
        &self,
        req: &Request,
        raw: Raw,
        success: std::ops::Range<u16>,
    ) -> Result<(Vec<u8>, ResponseMeta), Error> {
        let id = request_id(&raw.headers);
        if !success.contains(&raw.status) {
            return Err(
                Error::from_response(req.operation, raw.status, &raw.body.bytes)
                    .with_response(raw.status, id),
            );
        }
        if raw.body.truncated {
            let limit = self.limits_for(req).for_status(raw.status);
            return Err(Error::too_large(req.operation, limit, "max_response_bytes")
                .with_response(raw.status, id));
        }
        Ok((raw.body.bytes, ResponseMeta::new(raw.status, raw.headers)))
    }

    /// Removes the client's own secrets from an error's texts; every public method passes its errors through.
    pub(crate) fn scrub(&self, error: Error) -> Error {
        error.redact(&self.inner.redactor)
    }

    /// The full URL of `req`: base URL + path + encoded query.
    ///
    /// The path is checked twice: as given (no empty, `.` or `..` segment, also percent-encoded as `%2e`, no
    /// backslash or control character, which the URL parser would drop or reinterpret), and as parsed (the same
    /// segments as given, none of them a dot segment): the URL that is sent addresses exactly the path that was
    /// checked.
    pub(crate) fn url_for(&self, req: &Request) -> Result<Url, Error> {
        if let Some(reason) = &req.invalid {
            return Err(Error::invalid_argument(req.operation, reason.clone()));
        }
        let refuse = |why: &str| {
            Error::invalid_argument(
                req.operation,
                format!(
                    "path `{}` {why}, which would address another resource",
                    req.path.escape_debug()
                ),
            )
        };
        if req.path.chars().any(|c| c == '\\' || c.is_control()) {
            return Err(refuse(
                "has a backslash or a control character (the URL parser would rewrite or drop it)",
            ));
        }
        let given: Vec<&str> = req
            .path
            .strip_prefix('/')
            .unwrap_or(&req.path)
            .split('/')
            .collect();
        if given.iter().any(|segment| is_dot_or_empty(segment)) {
            return Err(refuse("has an empty, `.` or `..` segment (also as `%2e`)"));
        }
        let base_url = self.inner.hosts.base_for(req, &self.inner.base_url)?;
        let base = base_url.as_str().trim_end_matches('/');
        let mut text = String::with_capacity(base.len() + req.path.len() + 32);
        text.push_str(base);
        if !req.path.starts_with('/') {
            text.push('/');
        }
        text.push_str(&req.path);
        if !req.query.is_empty() {
            text.push('?');
            text.push_str(&req.query.encode());
        }
        let url = Url::parse(&text).map_err(|e| {
            Error::invalid_argument(
                req.operation,
                format!(
                    "path `{}` does not form a valid URL: {e}",
                    req.path.escape_debug()
                ),
            )
        })?;
        // The final check: the parsed path has the base's segments followed by exactly the given ones.
        let base_segments = base_url
            .path_segments()
            .map_or(0, |s| s.filter(|s| !s.is_empty()).count());
        let sent: Vec<&str> = url
            .path_segments()
            .map(Iterator::collect)
            .unwrap_or_default();
        if sent.len() != base_segments + given.len()
            || sent.iter().skip(base_segments).any(|s| is_dot_or_empty(s))
        {
            return Err(refuse("changes when parsed as a URL"));
        }
        Ok(url)
    }

    /// Checks a page link: it must share the base URL's scheme, host and port (after re-applying the client's
    /// region/edge to Twilio's default host).
    pub(crate) fn resolve_next_url(&self, operation: &str, next: &str) -> Result<Url, Error> {
        let base = &self.inner.base_url;
        let mut url = base.join(next).map_err(|e| {
            Error::pagination(operation, format!("the next page URL is invalid: {e}"))
        })?;
        if let (Some((edge, region)), Some(host)) =
            (&self.inner.rewrite, url.host_str().map(str::to_owned))
            && !same_origin(&url, base)
        {
            let rewritten = rewrite_host(&host, edge.as_deref(), region.as_deref());
            if Some(rewritten.as_str()) == base.host_str() {
                url.set_host(Some(&rewritten)).map_err(|e| {
                    Error::pagination(
                        operation,
                        format!("the next page URL cannot be rewritten: {e}"),
                    )
                })?;
            }
        }
        if !same_origin(&url, base) {
            return Err(Error::pagination(
                operation,
                format!(
                    "refusing to follow the next page URL to {}: it is not on the client's base URL {} (same scheme, host and port required)",
                    origin_text(&url),
                    origin_text(base)
                ),
            ));
        }
        Ok(url)
    }

    /// The body limits for `req`: the client's, with the request's override.
    fn limits_for(&self, req: &Request) -> Limits {
        Limits {
            response: req
                .options
                .max_response_bytes
                .unwrap_or(self.inner.limits.response),
            ..self.inner.limits
        }
    }

    /// The retry loop (rules on [`RetryPolicy`]): returns the last response (any status) or the last failure.
    pub(crate) async fn send(&self, req: &Request, url: Url) -> Result<Raw, Error> {
        let policy = &self.inner.retry;
        let max_attempts = req
            .options
            .max_attempts
            .unwrap_or(policy.max_attempts)
            .max(1);
        let may_repeat = is_idempotent(&req.method)
            || req
                .options
                .retry_non_idempotent
                .unwrap_or(policy.retry_non_idempotent);
        let headers = self.headers_for(req)?;
        // Encoded once; every attempt sends the same shared bytes.
        let body = match &req.body {
            Body::None => None,
            Body::Form(params) => Some(bytes::Bytes::from(params.encode())),
            Body::Json(value) => Some(bytes::Bytes::from(value.to_string())),
        };
        let timeout = req.options.timeout.unwrap_or(self.inner.timeout);
        let deadline_after = req.options.deadline.or(policy.deadline);
        let deadline = deadline_after.map(|d| Instant::now() + d);
        let limits = self.limits_for(req);
        let mut attempt = 0_u32;
        loop {
            attempt += 1;
            let remaining = deadline.map(|at| at.saturating_duration_since(Instant::now()));
            let attempt_timeout = remaining.map_or(timeout, |r| r.min(timeout));
            let span = tracing::info_span!(
                "twilio.request",
                operation = req.operation,
                method = %req.method,
                path = url.path(),
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(
                    req,
                    &url,
                    &headers,
                    body.as_ref(),
                    attempt_timeout,
                    attempt,
                    limits,
                )
                .instrument(span.clone())
                .await;
            let outcome = match outcome {
                Err(e) if e.error.is_timeout() && attempt_timeout < timeout => Err(AttemptError {
                    error: Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "the deadline of {} ms across attempts passed during attempt {attempt}",
                            millis(deadline_after.unwrap_or_default())
                        ),
                    )
                    .with_operation(req.operation),
                    outcome: Outcome::Other,
                }),
                other => other,
            };
            let happened = match &outcome {
                Ok(raw) => Outcome::Status(raw.status),
                Err(e) => e.outcome,
            };
            let mut wait = None;
            if attempt < max_attempts && should_retry(happened, may_repeat) {
                wait = match &outcome {
                    Ok(raw) => match raw
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()))
                    {
                        Some(d) if d > policy.max_retry_after => {
                            tracing::debug!(parent: &span, retry_after_ms = millis(d), "Retry-After exceeds the cap; not retrying");
                            None
                        }
                        Some(d) => Some(d),
                        None => Some(policy.backoff(attempt)),
                    },
                    Err(_) => Some(policy.backoff(attempt)),
                };
            }
            if let (Some(d), Some(at)) = (wait, deadline)
                && Instant::now() + d >= at
            {
                tracing::debug!(parent: &span, wait_ms = millis(d), "the wait would pass the deadline; not retrying");
                wait = None;
            }
            match wait {
                None => return outcome.map_err(|e| e.error),
                Some(d) => {
                    tracing::debug!(parent: &span, wait_ms = millis(d), "retrying");
                    self.inner.sleeper.sleep(d).await;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        req: &Request,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&bytes::Bytes>,
        timeout: Duration,
        attempt: u32,
        limits: Limits,
    ) -> Result<Raw, AttemptError> {
        let op = req.operation;
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .headers(headers.clone())
            .timeout(timeout);
        if let Some(body) = body {
            builder = builder.body(body.clone());
        }
        let request = builder.build().map_err(|e| AttemptError {
            error: Error::from_reqwest(op, e),
            outcome: Outcome::Other,
        })?;
        let mut exchange = self.inner.observer.as_ref().map(|_| Exchange {
            operation: op,
            attempt,
            method: req.method.to_string(),
            url: url.to_string(),
            request_headers: header_pairs(request.headers()),
            request_body: req.observed_body(body.and_then(|b| std::str::from_utf8(b).ok())),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            error: None,
        });
        let mut received: Option<(u16, HeaderMap)> = None;
        let result: Result<Raw, AttemptError> = async {
            let response = self
                .inner
                .http
                .execute(request)
                .await
                .map_err(|e| AttemptError {
                    outcome: Outcome::of_send_error(&e),
                    error: Error::from_reqwest(op, e),
                })?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let headers = response.headers().clone();
            if self.inner.observer.is_some() {
                received = Some((status, headers.clone()));
            }
            if self.inner.foreign_http && response.url() != url {
                return Err(AttemptError {
                    error: Error::config(format!(
                        "the HTTP client given to http_client(..) followed a redirect to {}; build it with redirect(reqwest::redirect::Policy::none()) or pass a builder to http_client_builder(..)",
                        origin_text(response.url())
                    ))
                    .with_operation(op)
                    .with_response(status, request_id(&headers)),
                    outcome: Outcome::Other,
                });
            }
            let limit = limits.for_status(status);
            // A connection reset or closed while the body streams in counts as interrupted: the request was
            // processed, so only a request that may be repeated is sent again.
            let body = response::read_limited(response, limit, status >= 400)
                .await
                .map_err(|e| AttemptError {
                    outcome: Outcome::of_body_error(&e),
                    error: Error::from_reqwest(op, e).with_response(status, request_id(&headers)),
                })?;
            Ok(Raw {
                status,
                headers,
                body,
            })
        }
        .await;
        if let (Some(observer), Some(exchange)) = (&self.inner.observer, exchange.as_mut()) {
            let redactor = &self.inner.redactor;
            if let Some((status, headers)) = &received {
                exchange.status = Some(*status);
                exchange.response_headers = header_pairs(headers)
                    .into_iter()
                    .map(|(name, value)| (name, redactor.redact(&value).into_owned()))
                    .collect();
            }
            match &result {
                Ok(raw) => {
                    exchange.response_body =
                        Some(observed_text(redactor, &raw.body, limits.observed))
                }
                Err(e) => {
                    exchange.error =
                        Some(redactor.one_line(&e.error.to_string(), MAX_MESSAGE_CHARS));
                }
            }
            observer.on_exchange(exchange);
        }
        match &result {
            Ok(raw) => tracing::debug!(status = raw.status, "response"),
            Err(e) => {
                tracing::debug!(error = %self.inner.redactor.one_line(&e.error.to_string(), MAX_MESSAGE_CHARS), "request failed")
            }
        }
        result
    }

    pub(crate) fn headers_for(&self, req: &Request) -> Result<HeaderMap, Error> {
        if req.upload.is_some() {
            return Err(Error::invalid_argument(
                req.operation,
                "a request with an upload body is sent with execute_upload",
            ));
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            self.inner.credentials.authorization().clone(),
        );
        headers.insert(header::USER_AGENT, self.inner.user_agent.clone());
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::ACCEPT_CHARSET, HeaderValue::from_static("utf-8"));
        match req.body {
            Body::None => {}
            Body::Form(_) => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
            }
            Body::Json(_) => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
        }
        for (name, value) in &req.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_argument(
                    req.operation,
                    format!("`{name}` is not a valid header name"),
                )
            })?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_argument(
                    req.operation,
                    format!("the value of header `{name}` is not a valid header value"),
                )
            })?;
            headers.insert(header_name, header_value);
        }
        Ok(headers)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("credentials", &self.inner.credentials)
            .field("user_agent", &self.inner.user_agent)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("limits", &self.inner.limits)
            .field("observer", &self.inner.observer)
            .finish_non_exhaustive()
    }
}

/// Twilio's host rewrite: parts `[product, edge, region, rest of domain]`, keeping an edge or region already in
/// the host unless overridden, with region `us1` when only an edge is known.
pub(crate) fn rewrite_host(host: &str, edge: Option<&str>, region: Option<&str>) -> String {
    let pieces: Vec<&str> = host.split('.').collect();
    let (Some(product), true) = (pieces.first(), pieces.len() >= 3) else {
        return host.to_owned();
    };
    let suffix = pieces.get(pieces.len() - 2..).unwrap_or_default().join(".");
    let (current_edge, current_region) = match pieces.len() {
        4 => (None, pieces.get(1).copied()),
        5 => (pieces.get(1).copied(), pieces.get(2).copied()),
        _ => (None, None),
    };
    let edge = edge.or(current_edge);
    let region = region.or(current_region).or(edge.map(|_| "us1"));
    [Some(*product), edge, region, Some(suffix.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(".")
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn origin_text(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// Whether a path segment is empty, `.` or `..`, also when its dots are percent-encoded (`%2e`).
fn is_dot_or_empty(segment: &str) -> bool {
    // At most two dots, each written `.`, `%2e` or `%2E`: read them off without decoding the segment.
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    true
}

/// The text an observer gets for a body: at most `limit` bytes (lossy UTF-8), secrets redacted, and a marker when
/// the body was cut (here or by the body limit).
fn observed_text(redactor: &Redactor, body: &response::Body, limit: u64) -> String {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let shown = body.bytes.get(..limit).unwrap_or(&body.bytes);
    let mut text = redactor
        .redact(&String::from_utf8_lossy(shown))
        .into_owned();
    if shown.len() < body.bytes.len() || body.truncated {
        text.push_str("…[truncated]");
    }
    text
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const AC: &str = "AC0123456789abcdef0123456789abcdef";
    const SECRET: &str = "s3cr3t-t0ken-value";

    fn creds() -> Credentials {
        Credentials::auth_token(AC, SECRET).unwrap()
    }

    fn build(b: crate::ClientBuilder) -> Result<Client, Error> {
        b.build_with(&|_| None)
    }

    #[test]
    fn dot_segments_in_every_spelling() {
        for dot in ["", ".", "..", "%2e", "%2E", "%2e.", ".%2E", "%2e%2E"] {
            assert!(is_dot_or_empty(dot), "{dot}");
        }
        for other in [
            "...",
            "a",
            ".a",
            "%2e%2e%2e",
            "%2",
            "%2f",
            "%252e",
            "IS123",
            "a.b",
        ] {
            assert!(!is_dot_or_empty(other), "{other}");
        }
    }

    #[test]
    fn rewrite_host_keeps_existing_parts() {
        assert_eq!(
            rewrite_host("chat.au1.twilio.com", Some("sydney"), None),
            "chat.sydney.au1.twilio.com"
        );
        assert_eq!(
            rewrite_host("chat.sydney.au1.twilio.com", None, Some("ie1")),
            "chat.sydney.ie1.twilio.com"
        );
        assert_eq!(rewrite_host("localhost", Some("x"), None), "localhost");
    }

    #[test]
    fn next_url_origin_checks() {
        let client = build(
            Client::builder("https://chat.twilio.com")
                .credentials(creds())
                .edge("sydney"),
        )
        .unwrap();
        let ok = client
            .resolve_next_url("Op", "https://chat.twilio.com/v2/Services?Page=1")
            .unwrap();
        assert_eq!(
            ok.as_str(),
            "https://chat.sydney.us1.twilio.com/v2/Services?Page=1"
        );
        let rel = client
            .resolve_next_url("Op", "/v2/Services?Page=2")
            .unwrap();
        assert_eq!(rel.host_str(), Some("chat.sydney.us1.twilio.com"));
        for bad in [
            "https://evil.example.com/v2/Services",
            "http://chat.sydney.us1.twilio.com/v2/Services",
            "https://chat.sydney.us1.twilio.com:8443/v2/Services",
            "https://api.twilio.com/v2/Services",
        ] {
            let err = client.resolve_next_url("Op", bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Pagination, "{bad}");
        }
    }

    #[test]
    fn url_for_joins_path_and_query() {
        let client =
            build(Client::builder("https://chat.twilio.com").credentials(creds())).unwrap();
        let mut q = crate::Params::new();
        q.push("PageSize", 2_u32);
        q.push("Identity", "a b");
        let req = Request::new(reqwest::Method::GET, "Op", "/v2/Services/a%23b".into()).query(q);
        assert_eq!(
            client.url_for(&req).unwrap().as_str(),
            "https://chat.twilio.com/v2/Services/a%23b?PageSize=2&Identity=a%20b"
        );
        // Without a leading slash, and under a base URL with a path of its own.
        let req = Request::new(reqwest::Method::GET, "Op", "v2/Services".into());
        assert_eq!(
            client.url_for(&req).unwrap().as_str(),
            "https://chat.twilio.com/v2/Services"
        );
        let proxied = build(
            Client::builder("https://chat.twilio.com")
                .credentials(creds())
                .base_url("https://proxy.example.com/twilio/"),
        )
        .unwrap();
        let req = Request::new(reqwest::Method::GET, "Op", "/v2/Services/IS1".into());
        assert_eq!(
            proxied.url_for(&req).unwrap().as_str(),
            "https://proxy.example.com/twilio/v2/Services/IS1"
        );
        let req = Request::new(reqwest::Method::GET, "Op", "/v2/%2e%2e/IS1".into());
        assert_eq!(
            proxied.url_for(&req).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}

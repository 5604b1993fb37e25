//! The HTTP client: [`Client`] holds the configuration (filled in by `builder.rs`), sends [`Request`]s with the
//! standard headers and turns answers into values or errors. The retry loop and each attempt are in `send.rs`,
//! the URL a request goes to in `target.rs`, following pages in `paging/follow.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;

use crate::decode::decode;
use crate::error::Error;
use crate::http::credentials::Credentials;
use crate::http::observe::Observer;
use crate::http::request::{Body, Request};
use crate::http::response::{self, Limits, ResponseMeta, request_id};
use crate::http::retry::{RetryPolicy, Sleeper};
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
    /// Other hosts of the API (see [`crate::http::hosts`]).
    pub(crate) hosts: crate::http::hosts::Hosts,
}

/// A response as received: any status, the body read under the limit for that status.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: response::Body,
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

    /// The body limits for `req`: the client's, with the request's override.
    pub(crate) fn limits_for(&self, req: &Request) -> Limits {
        Limits {
            response: req
                .options
                .max_response_bytes
                .unwrap_or(self.inner.limits.response),
            ..self.inner.limits
        }
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

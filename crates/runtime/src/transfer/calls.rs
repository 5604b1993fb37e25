//! Moving files: uploads with a streamed [`UploadBody`](crate::UploadBody) ([`Client::execute_upload`]), authenticated downloads
//! ([`Client::execute_download`]), credential-free downloads of pre-signed links
//! ([`Client::download_unauthenticated`]) and the combination of both that media records call for
//! ([`Client::download_links`] with [`FileLinks`]).
//!
//! What is retried, and why: nothing here is retried by the client's [`RetryPolicy`](crate::RetryPolicy). An
//! upload is sent once: a streamed body cannot be replayed, and an upload that reached the service before the
//! connection failed may already have stored the file, so sending it again could leave a second copy (a second
//! media record). Downloads are not retried either; instead [`Client::download_links`] moves on from an expired
//! temporary link to a fresh one, then to the authenticated content link.
//!
//! Timeouts: the client's timeout (or the request's [`RequestOptions::timeout`](crate::RequestOptions::timeout))
//! bounds each wait (for the server to take the next chunk of an upload or to answer, for the next chunk of a
//! download), not the whole transfer, so a large file is not cut off while it keeps moving.

use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::future::{Either, select};
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use url::Url;

use crate::Method;
use crate::decode::decode;
use crate::error::{Error, ErrorKind};
use crate::http::client::{Answer, Client, Sending};
use crate::http::hosts::{check_scheme, redact_query};
use crate::http::observe::{Exchange, header_pairs};
use crate::http::request::Request;
use crate::http::response::{ResponseMeta, request_id};
use crate::transfer::download::Download;
use crate::transfer::upload::Progress;

/// Largest response body read into memory by an upload (a JSON record) or kept from an error response.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Where the bytes of a stored file can be downloaded, as a media record gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileLinks {
    /// A short-lived pre-signed URL on another host: fetched without any credential or Twilio header.
    pub temporary: Option<String>,
    /// The path (or URL) of the bytes on the API's own host: fetched with the client's credentials.
    pub content: Option<String>,
}

impl FileLinks {
    /// Links from a temporary URL and a content path, either of which may be missing.
    pub fn new(temporary: Option<String>, content: Option<String>) -> Self {
        Self { temporary, content }
    }
}

impl Client {
    /// Sends `req` with its [`upload`](Request::upload) body, read chunk by chunk as it is sent, and decodes the
    /// 2xx JSON answer into `T`.
    ///
    /// `req` must carry the body's media type as a `Content-Type` header ([`Request::header`]); without one, or
    /// without a body (or with one that a clone of the request already sent), the call fails with
    /// [`ErrorKind::InvalidArgument`] before anything is sent. The body's length, when known, is sent as
    /// `Content-Length`.
    ///
    /// The upload is sent exactly once, whatever the retry policy: not after a `429`/`503`, not after a
    /// connection failure. Calling again with a new body is the caller's decision, made knowing that the first
    /// upload may have been stored. Observers see the exchange without the request body.
    pub async fn execute_upload<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        self.execute_upload_with_response(req)
            .await
            .map(|(value, _)| value)
    }

    /// [`execute_upload`](Self::execute_upload), also returning the status, headers and request ID of the answer.
    pub async fn execute_upload_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        let op = req.operation;
        let (body, meta) = self.start_upload(req).await.map_err(|e| self.scrub(e))?;
        let value = decode(op, &body)
            .map_err(|e| self.scrub(e.with_response(meta.status(), meta.request_id())))?;
        Ok((value, meta))
    }

    /// Sends an upload once: the accepted answer's body and metadata.
    async fn upload(&self, mut req: Request) -> Result<(Vec<u8>, ResponseMeta), Error> {
        let op = req.operation;
        let slot = req.upload.take();
        let body = slot.as_ref().and_then(|slot| slot.take()).ok_or_else(|| {
            Error::invalid_argument(
                op,
                "no upload body: set one with Request::upload (a body is sent once)",
            )
        })?;
        let url = self.url_for(&req)?;
        let mut headers = self.headers_for(&req)?;
        if !headers.contains_key(header::CONTENT_TYPE) {
            return Err(Error::invalid_argument(
                op,
                "an upload needs the file's media type as its Content-Type header",
            ));
        }
        if let Some(length) = body.length() {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        let (body, progress) = body.into_tracked();
        let mut builder = self
            .http()
            .request(req.method.clone(), url.clone())
            .headers(headers)
            .body(body);
        if let Some(total) = req.options.timeout {
            builder = builder.timeout(total);
        }
        let request = builder.build().map_err(|e| Error::from_reqwest(op, e))?;
        let mut exchange = self.exchange(op, &req.method, url.to_string(), &request);
        let span = tracing::info_span!(
            "twilio.request",
            operation = op,
            method = %req.method,
            path = url.path(),
            attempt = 1_u32,
            status = tracing::field::Empty,
        );
        let idle = self.timeout_for(&req);
        let result = async {
            progress.mark();
            let response = until_idle(self.http().execute(request), &progress, idle)
                .await
                .ok_or_else(|| idle_error(op, idle, "while uploading"))?
                .map_err(|e| Error::from_reqwest(op, e))?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            self.check_not_redirected(op, &url, &response)?;
            let headers = response.headers().clone();
            let body = read_limited(op, response, idle).await?;
            Ok((status, headers, body))
        }
        .instrument(span)
        .await;
        self.report(&mut exchange, result.as_ref());
        let (status, headers, body) = result?;
        if !(200..300).contains(&status) {
            return Err(refused(op, status, &headers, &body));
        }
        Ok((body, ResponseMeta::new(status, headers)))
    }

    /// Sends `req` (a `GET` with the client's credentials, on the operation's host) and returns the 2xx body as
    /// a [`Download`] stream.
    ///
    /// When the server answers with a redirect (`301`, `302`, `303`, `307`, `308` with a `Location`), the location
    /// is fetched with [`download_unauthenticated`](Self::download_unauthenticated): credentials never follow a
    /// redirect. Other statuses are [`ErrorKind::Api`] errors with Twilio's code and message when the body has
    /// them. Not retried (see the [module notes](crate#transfers)).
    pub async fn execute_download(&self, req: Request) -> Result<Download, Error> {
        let client = self.clone();
        let started: Sending<Download> =
            Box::pin(async move { client.download(req).await.map_err(|e| client.scrub(e)) });
        started.await
    }

    /// [`upload`](Self::upload), boxed here so its state machine is compiled once, in this crate.
    fn start_upload(&self, req: Request) -> Sending<Answer> {
        let client = self.clone();
        Box::pin(async move { client.upload(req).await })
    }

    async fn download(&self, req: Request) -> Result<Download, Error> {
        let op = req.operation;
        let url = self.url_for(&req)?;
        let mut headers = self.headers_for(&req)?;
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        let request = self
            .http()
            .request(req.method.clone(), url.clone())
            .headers(headers)
            .build()
            .map_err(|e| Error::from_reqwest(op, e))?;
        let idle = self.timeout_for(&req);
        let mut exchange = self.exchange(op, &req.method, url.to_string(), &request);
        let span = tracing::info_span!(
            "twilio.request",
            operation = op,
            method = %req.method,
            path = url.path(),
            attempt = 1_u32,
            status = tracing::field::Empty,
        );
        let sent = async {
            let response = tokio::time::timeout(idle, self.http().execute(request))
                .await
                .map_err(|_| idle_error(op, idle, "waiting for the response"))?
                .map_err(|e| Error::from_reqwest(op, e))?;
            tracing::Span::current().record("status", response.status().as_u16());
            self.check_not_redirected(op, &url, &response)?;
            Ok(response)
        }
        .instrument(span)
        .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                self.report(&mut exchange, Err(&e));
                return Err(e);
            }
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            self.report_streamed(&mut exchange, &response);
            return Ok(Download::new(op, response, idle));
        }
        if matches!(status, 301 | 302 | 303 | 307 | 308)
            && let Some(location) = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
        {
            let target = url.join(location).map_err(|e| {
                Error::invalid_argument(
                    op,
                    format!("the redirect location is not a valid URL: {e}"),
                )
            })?;
            self.report_streamed(&mut exchange, &response);
            return self.download_unauthenticated(op, target.as_str()).await;
        }
        let headers = response.headers().clone();
        let body = read_limited(op, response, idle).await;
        let result = body.map(|body| (status, headers, body));
        self.report(&mut exchange, result.as_ref());
        let (status, headers, body) = result?;
        Err(refused(op, status, &headers, &body))
    }

    /// Downloads `url`, a link outside the API such as a pre-signed temporary URL, **without any credential or
    /// Twilio header**: through a separate HTTP client with default settings, no redirects (a redirect is an
    /// error), no cookies, no `Authorization`, no `User-Agent`. `operation` names the call in errors and traces.
    ///
    /// The URL must be `https` (or `http` with [`allow_insecure_http`](crate::ClientBuilder::allow_insecure_http)).
    /// Its query, where pre-signed links keep their signature, is shown as `[redacted]` in errors, traces and
    /// observers. A non-2xx answer is an [`ErrorKind::Api`] error with its status.
    pub async fn download_unauthenticated(
        &self,
        operation: &'static str,
        url: &str,
    ) -> Result<Download, Error> {
        self.download_link(operation, url)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn download_link(&self, operation: &'static str, url: &str) -> Result<Download, Error> {
        let op = operation;
        let url = Url::parse(url).map_err(|e| {
            Error::invalid_argument(op, format!("the link is not a valid URL: {e}"))
        })?;
        check_scheme(&url, self.hosts().allow_insecure_http(), "a download link")
            .map_err(|reason| Error::invalid_argument(op, reason))?;
        let http = self.hosts().plain_http()?;
        let request = http
            .get(url.clone())
            .build()
            .map_err(|e| Error::from_reqwest(op, e.without_url()))?;
        let idle = self.timeout_for(&Request::new(Method::GET, op, String::new()));
        let mut exchange = self.exchange(op, &Method::GET, redact_query(&url), &request);
        let span = tracing::info_span!(
            "twilio.download",
            operation = op,
            host = url.host_str().unwrap_or_default(),
            path = url.path(),
            status = tracing::field::Empty,
        );
        let sent = async {
            let response = tokio::time::timeout(idle, http.execute(request))
                .await
                .map_err(|_| idle_error(op, idle, "waiting for the link's response"))?
                .map_err(|e| Error::from_reqwest(op, e.without_url()))?;
            tracing::Span::current().record("status", response.status().as_u16());
            Ok(response)
        }
        .instrument(span)
        .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                self.report(&mut exchange, Err(&e));
                return Err(e);
            }
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            self.report_streamed(&mut exchange, &response);
            return Ok(Download::new(op, response, idle));
        }
        let headers = response.headers().clone();
        let result = read_limited(op, response, idle)
            .await
            .map(|body| (status, headers, body));
        self.report(&mut exchange, result.as_ref());
        let (status, headers, body) = result?;
        Err(refused(op, status, &headers, &body))
    }

    /// Downloads a stored file from its `links`, the safe way:
    ///
    /// 1. the temporary link, when there is one, through
    ///    [`download_unauthenticated`](Self::download_unauthenticated): no credential reaches its host;
    /// 2. when it answers with a 4xx status (it has expired), `refresh` is called once for fresh links (fetch the
    ///    media record again) and the fresh temporary link is tried;
    /// 3. otherwise, or when that fails too, the content link with the client's credentials
    ///    ([`execute_download`](Self::execute_download)), on the host `server` (such as
    ///    `https://mcs.us1.twilio.com`, with the client's region, edge and overrides applied). A content link that
    ///    is a full URL on another host is refused: credentials go to the API's hosts only.
    ///
    /// The error of the last step tried is returned; [`ErrorKind::InvalidArgument`] when there is no link at all.
    pub async fn download_links<F, Fut>(
        &self,
        operation: &'static str,
        server: &'static str,
        links: FileLinks,
        refresh: F,
    ) -> Result<Download, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FileLinks, Error>>,
    {
        let mut links = links;
        let mut last_error = None;
        if let Some(temporary) = links.temporary.take() {
            match self.download_unauthenticated(operation, &temporary).await {
                Ok(download) => return Ok(download),
                Err(e) if e.status().is_some_and(|s| (400..500).contains(&s)) => {
                    tracing::debug!(
                        operation,
                        status = e.status(),
                        "temporary link refused; refreshing"
                    );
                    match refresh().await {
                        Ok(fresh) => {
                            if fresh.content.is_some() {
                                links.content = fresh.content;
                            }
                            match fresh.temporary {
                                Some(temporary) => {
                                    match self.download_unauthenticated(operation, &temporary).await
                                    {
                                        Ok(download) => return Ok(download),
                                        Err(e) => last_error = Some(e),
                                    }
                                }
                                None => last_error = Some(e),
                            }
                        }
                        Err(refresh_error) => last_error = Some(refresh_error),
                    }
                }
                Err(e) => last_error = Some(e),
            }
        }
        let Some(content) = links.content else {
            return Err(last_error.unwrap_or_else(|| {
                Error::invalid_argument(operation, "the file has no download link")
            }));
        };
        let path = self.content_path(operation, server, &content)?;
        self.execute_download(Request::new(Method::GET, operation, path).server(server))
            .await
    }

    /// Refuses a response that a caller-supplied HTTP client reached by following a redirect (credentials may
    /// have gone with it); the runtime's own client never follows one.
    fn check_not_redirected(
        &self,
        operation: &str,
        url: &Url,
        response: &reqwest::Response,
    ) -> Result<(), Error> {
        if self.inner.foreign_http && response.url() != url {
            return Err(Error::config(format!(
                "the HTTP client given to http_client(..) followed a redirect to {}; build it with redirect(reqwest::redirect::Policy::none()) or pass a builder to http_client_builder(..)",
                response.url().host_str().unwrap_or_default()
            ))
            .with_operation(operation)
            .with_response(response.status().as_u16(), request_id(response.headers())));
        }
        Ok(())
    }

    /// The path (and query) of a content link on `server`; a full URL must be on that host.
    fn content_path(
        &self,
        operation: &'static str,
        server: &'static str,
        content: &str,
    ) -> Result<String, Error> {
        if content.starts_with('/') {
            return Ok(content.to_owned());
        }
        let link = Url::parse(content).map_err(|e| {
            Error::invalid_argument(
                operation,
                format!("the content link is not a valid URL: {e}"),
            )
        })?;
        let host = self
            .hosts()
            .resolve(server, self.base_url())
            .map_err(|reason| {
                Error::invalid_argument(operation, format!("server {server}: {reason}"))
            })?;
        let default = Url::parse(server).ok();
        let same = |a: &Url, b: &Url| {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
        };
        if !same(&link, &host) && !default.as_ref().is_some_and(|d| same(&link, d)) {
            return Err(Error::invalid_argument(
                operation,
                format!(
                    "refusing the content link on {}: credentials are sent only to {}",
                    link.host_str().unwrap_or_default(),
                    host.host_str().unwrap_or_default()
                ),
            ));
        }
        let mut path = link.path().to_owned();
        if let Some(query) = link.query() {
            path.push('?');
            path.push_str(query);
        }
        Ok(path)
    }

    fn exchange(
        &self,
        operation: &'static str,
        method: &Method,
        url: String,
        request: &reqwest::Request,
    ) -> Option<Exchange> {
        self.observer().map(|_| Exchange {
            operation,
            attempt: 1,
            method: method.to_string(),
            url,
            request_headers: header_pairs(request.headers()),
            request_body: None,
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            error: None,
        })
    }

    /// Reports an exchange whose body is read (an answer or an error).
    fn report(
        &self,
        exchange: &mut Option<Exchange>,
        result: Result<&(u16, reqwest::header::HeaderMap, Vec<u8>), &Error>,
    ) {
        let (Some(observer), Some(exchange)) = (self.observer(), exchange.as_mut()) else {
            return;
        };
        match result {
            Ok((status, headers, body)) => {
                exchange.status = Some(*status);
                exchange.response_headers = header_pairs(headers);
                // The client's secrets never reach observers, even when a server echoes them.
                let text = String::from_utf8_lossy(body);
                exchange.response_body = Some(self.inner.redactor.redact(&text).into_owned());
            }
            Err(e) => exchange.error = Some(e.to_string()),
        }
        observer.on_exchange(exchange);
    }

    /// Reports an exchange whose body is handed over as a stream (not read here).
    fn report_streamed(&self, exchange: &mut Option<Exchange>, response: &reqwest::Response) {
        let (Some(observer), Some(exchange)) = (self.observer(), exchange.as_mut()) else {
            return;
        };
        exchange.status = Some(response.status().as_u16());
        exchange.response_headers = header_pairs(response.headers());
        observer.on_exchange(exchange);
    }
}

/// Runs `future` until it completes, or until `idle` passes without [`Progress`]; `None` on the latter.
async fn until_idle<F: Future>(
    future: F,
    progress: &Progress,
    idle: Duration,
) -> Option<F::Output> {
    let mut future = pin!(future);
    loop {
        let deadline = progress.last() + idle;
        let sleep = pin!(tokio::time::sleep_until(tokio::time::Instant::from_std(
            deadline
        )));
        match select(future.as_mut(), sleep).await {
            Either::Left((output, _)) => return Some(output),
            Either::Right(((), _)) => {
                if progress.last() + idle <= Instant::now() {
                    return None;
                }
            }
        }
    }
}

/// The error of a non-success answer: Twilio's status, code and message, and the request id.
fn refused(operation: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    Error::from_response(operation, status, body).with_response(status, request_id(headers))
}

fn idle_error(operation: &str, idle: Duration, what: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("no progress for {} ms {what}", idle.as_millis()),
    )
    .with_operation(operation)
}

/// Reads a response body into memory, at most [`MAX_ANSWER_BYTES`] (the rest is dropped), each wait bounded by
/// `idle`.
async fn read_limited(
    operation: &str,
    mut response: reqwest::Response,
    idle: Duration,
) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    loop {
        let chunk = tokio::time::timeout(idle, response.chunk())
            .await
            .map_err(|_| idle_error(operation, idle, "reading the response"))?
            .map_err(|e| Error::from_reqwest(operation, e.without_url()))?;
        let Some(chunk) = chunk else { break };
        let room = MAX_ANSWER_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ANSWER_BYTES {
            break;
        }
    }
    Ok(body)
}

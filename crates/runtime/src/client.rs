//! The HTTP client: [`ClientBuilder`] (credentials, base URL with region/edge rewrite, timeouts, retries,
//! observers) and [`Client`], which sends [`Request`]s with the standard headers, runs the retry loop, traces each
//! attempt and turns responses into values, pages or errors.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use url::Url;

use crate::credentials::{Credentials, EnvLookup};
use crate::error::Error;
use crate::observe::{Exchange, Observer, header_pairs};
use crate::page::{self, ItemStream, Page, PageOrigin};
use crate::request::{Body, Request};
use crate::retry::{
    RetryPolicy, Sleeper, TokioSleeper, is_idempotent, is_retryable_status, parse_retry_after,
};

/// Default total time allowed for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured Twilio REST client. Cloning is cheap (an `Arc`); clones share one connection pool.
///
/// Build one with [`Client::builder`] (or a generated crate's `Client::builder()`), then call
/// [`execute`](Client::execute), [`execute_empty`](Client::execute_empty), [`execute_page`](Client::execute_page),
/// [`next_page`](Client::next_page) or [`stream`](Client::stream). `Debug` never shows secrets.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    credentials: Credentials,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    timeout: Duration,
    observer: Option<Arc<dyn Observer>>,
    sleeper: Arc<dyn Sleeper>,
    /// Region/edge applied to the default base URL, re-applied to page links that name the default host.
    rewrite: Option<(Option<String>, Option<String>)>,
    /// Other hosts of the API (see [`crate::hosts`]).
    hosts: crate::hosts::Hosts,
}

/// Configures and builds a [`Client`] (or, through `C: From<Client>`, a generated crate's wrapper around one).
///
/// Nothing is validated until [`build`](ClientBuilder::build), which reports every configuration problem as an
/// [`ErrorKind::Config`](crate::ErrorKind::Config) error before any request is sent.
pub struct ClientBuilder<C = Client> {
    default_base_url: String,
    credentials: Option<Credentials>,
    use_env: bool,
    region: Option<String>,
    edge: Option<String>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent_extensions: Vec<String>,
    observer: Option<Arc<dyn Observer>>,
    sleeper: Option<Arc<dyn Sleeper>>,
    http: Option<reqwest::Client>,
    server_urls: Vec<(String, String)>,
    target: PhantomData<fn() -> C>,
}

struct Raw {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

struct AttemptError {
    error: Error,
    /// Nothing reached the server (connection could not be established), so a retry is safe.
    connect: bool,
}

impl Client {
    /// A builder whose base URL defaults to `default_base_url` (such as `https://chat.twilio.com`).
    pub fn builder(default_base_url: &str) -> ClientBuilder<Client> {
        ClientBuilder::new(default_base_url)
    }

    /// The base URL requests are sent to, after any region/edge rewrite.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The HTTP client of the API's own requests (credentials are added per request).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The hosts other than the base URL, and the plain HTTP client for links outside the API.
    pub(crate) fn hosts(&self) -> &crate::hosts::Hosts {
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
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming the operation and the JSON path that failed.
    pub async fn execute<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        let url = self.url_for(&req)?;
        let raw = self.send(&req, url).await?;
        if !(200..300).contains(&raw.status) {
            return Err(Error::from_response(req.operation, raw.status, &raw.body));
        }
        decode(req.operation, &raw.body)
    }

    /// Sends `req` and decodes the JSON body of a 2xx or 3xx response into `T`, without following the redirect.
    /// For operations described only by a redirect whose body names the location (API v2010's recording add-on
    /// payload data answers `307` with `{"redirect_to": ...}`).
    pub async fn execute_redirect<T: DeserializeOwned>(&self, req: Request) -> Result<T, Error> {
        let url = self.url_for(&req)?;
        let raw = self.send(&req, url).await?;
        if !(200..400).contains(&raw.status) {
            return Err(Error::from_response(req.operation, raw.status, &raw.body));
        }
        decode(req.operation, &raw.body)
    }

    /// Sends `req` and accepts any 2xx response, ignoring its body (deletes answer `204 No Content`).
    pub async fn execute_empty(&self, req: Request) -> Result<(), Error> {
        let url = self.url_for(&req)?;
        let raw = self.send(&req, url).await?;
        if !(200..300).contains(&raw.status) {
            return Err(Error::from_response(req.operation, raw.status, &raw.body));
        }
        Ok(())
    }

    /// Fetches one page. The response must be exactly `200 OK`.
    pub async fn execute_page<T: DeserializeOwned>(&self, req: Request) -> Result<Page<T>, Error> {
        let url = self.url_for(&req)?;
        self.fetch_page(&req, url).await
    }

    /// Fetches the page after `page`, or `None` on the last page. The link must point at the client's own
    /// scheme, host and port and differ from `page`'s own URL; otherwise an [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error is
    /// returned and nothing is sent.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        page: &Page<T>,
    ) -> Result<Option<Page<T>>, Error> {
        let Some(next) = page.next_page_url() else {
            return Ok(None);
        };
        let operation = page.origin.request.operation;
        let url = self.resolve_next_url(operation, next)?;
        if url == page.origin.fetched_url {
            return Err(Error::pagination(
                operation,
                format!("the next page URL {url} repeats the current page"),
            ));
        }
        self.fetch_page(&page.origin.request, url).await.map(Some)
    }

    /// Streams the records of `req` across pages, stopping after `limit` records when given.
    ///
    /// Memory is bounded by one page; a page is requested only when its records are needed (with a limit that
    /// ends on a page boundary, the following page is never requested). Unsafe or repeated next page links end
    /// the stream with an [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error.
    pub fn stream<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
        limit: Option<u64>,
    ) -> ItemStream<T> {
        page::stream(self.clone(), req, limit)
    }

    /// The full URL of `req`: base URL + path + encoded query.
    pub(crate) fn url_for(&self, req: &Request) -> Result<Url, Error> {
        if let Some(reason) = &req.invalid {
            return Err(Error::invalid_argument(req.operation, reason.clone()));
        }
        // Empty and dot segments would make the URL parser address another resource.
        if req
            .path
            .split('/')
            .skip(1)
            .any(|segment| matches!(segment, "" | "." | ".."))
        {
            return Err(Error::invalid_argument(
                req.operation,
                format!(
                    "path `{}` has an empty, `.` or `..` segment, which would address another resource",
                    req.path
                ),
            ));
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
        Url::parse(&text).map_err(|e| {
            Error::invalid_argument(
                req.operation,
                format!("path `{}` does not form a valid URL: {e}", req.path),
            )
        })
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

    pub(crate) async fn fetch_page<T: DeserializeOwned>(
        &self,
        req: &Request,
        url: Url,
    ) -> Result<Page<T>, Error> {
        let raw = self.send(req, url.clone()).await?;
        if raw.status != 200 {
            return Err(Error::from_response(req.operation, raw.status, &raw.body));
        }
        let (records, meta) =
            page::parse_page(req.operation, &raw.body, &self.inner.base_url, req.page_key)?;
        let mut template = req.clone();
        template.query = crate::Params::new();
        Ok(Page {
            records,
            meta,
            origin: PageOrigin {
                request: template,
                fetched_url: url,
            },
        })
    }

    /// The retry loop: returns the last response (any status) or the last transport error.
    async fn send(&self, req: &Request, url: Url) -> Result<Raw, Error> {
        let policy = &self.inner.retry;
        let max_attempts = req
            .options
            .max_attempts
            .unwrap_or(policy.max_attempts)
            .max(1);
        let may_retry = is_idempotent(&req.method)
            || req
                .options
                .retry_non_idempotent
                .unwrap_or(policy.retry_non_idempotent);
        let headers = self.headers_for(req)?;
        let body = match &req.body {
            Body::None => None,
            Body::Form(params) => Some(params.encode()),
            Body::Json(value) => Some(value.to_string()),
        };
        let timeout = req.options.timeout.unwrap_or(self.inner.timeout);
        let mut attempt = 0_u32;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "twilio.request",
                operation = req.operation,
                method = %req.method,
                path = url.path(),
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(req, &url, &headers, body.as_deref(), timeout, attempt)
                .instrument(span.clone())
                .await;
            let can_retry = may_retry && attempt < max_attempts;
            let wait = match &outcome {
                Ok(raw) if can_retry && is_retryable_status(raw.status) => {
                    let retry_after = raw
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    match retry_after {
                        Some(d) if d > policy.max_retry_after => {
                            tracing::debug!(parent: &span, retry_after_ms = millis(d), "Retry-After exceeds the cap; not retrying");
                            None
                        }
                        Some(d) => Some(d),
                        None => Some(policy.backoff(attempt)),
                    }
                }
                Err(e) if can_retry && e.connect => Some(policy.backoff(attempt)),
                _ => None,
            };
            match wait {
                None => return outcome.map_err(|e| e.error),
                Some(d) => {
                    tracing::debug!(parent: &span, wait_ms = millis(d), "retrying");
                    self.inner.sleeper.sleep(d).await;
                }
            }
        }
    }

    async fn attempt(
        &self,
        req: &Request,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&str>,
        timeout: Duration,
        attempt: u32,
    ) -> Result<Raw, AttemptError> {
        let op = req.operation;
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .headers(headers.clone())
            .timeout(timeout);
        if let Some(body) = body {
            builder = builder.body(body.to_owned());
        }
        let request = builder.build().map_err(|e| AttemptError {
            error: Error::from_reqwest(op, e),
            connect: false,
        })?;
        let mut exchange = self.inner.observer.as_ref().map(|_| Exchange {
            operation: op,
            attempt,
            method: req.method.to_string(),
            url: url.to_string(),
            request_headers: header_pairs(request.headers()),
            request_body: req.observed_body(body),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            error: None,
        });
        let result: Result<Raw, AttemptError> = async {
            let response = self
                .inner
                .http
                .execute(request)
                .await
                .map_err(|e| AttemptError {
                    connect: e.is_connect() && !e.is_timeout(),
                    error: Error::from_reqwest(op, e),
                })?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(|e| AttemptError {
                error: Error::from_reqwest(op, e),
                connect: false,
            })?;
            Ok(Raw {
                status,
                headers,
                body: Vec::from(body),
            })
        }
        .await;
        if let (Some(observer), Some(exchange)) = (&self.inner.observer, exchange.as_mut()) {
            match &result {
                Ok(raw) => {
                    exchange.status = Some(raw.status);
                    exchange.response_headers = header_pairs(&raw.headers);
                    exchange.response_body = Some(String::from_utf8_lossy(&raw.body).into_owned());
                }
                Err(e) => exchange.error = Some(e.error.to_string()),
            }
            observer.on_exchange(exchange);
        }
        match &result {
            Ok(raw) => tracing::debug!(status = raw.status, "response"),
            Err(e) => tracing::debug!(error = %e.error, "request failed"),
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
            .field("observer", &self.inner.observer)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder whose base URL defaults to `default_base_url` (such as `https://chat.twilio.com`).
    pub fn new(default_base_url: &str) -> Self {
        Self {
            default_base_url: default_base_url.to_owned(),
            credentials: None,
            use_env: false,
            region: None,
            edge: None,
            base_url: None,
            allow_insecure_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::new(),
            user_agent_extensions: Vec::new(),
            observer: None,
            sleeper: None,
            http: None,
            server_urls: Vec::new(),
            target: PhantomData,
        }
    }

    /// The credentials to authenticate with (takes precedence over [`from_env`](ClientBuilder::from_env)).
    pub fn credentials(mut self, c: Credentials) -> Self {
        self.credentials = Some(c);
        self
    }

    /// At [`build`](ClientBuilder::build), read what was not set explicitly from the environment: credentials as
    /// [`Credentials::from_env`], and `TWILIO_REGION` / `TWILIO_EDGE`.
    pub fn from_env(mut self) -> Self {
        self.use_env = true;
        self
    }

    /// Twilio region, such as `au1` or `ie1`: the host becomes `product.[edge.]region.twilio.com`.
    pub fn region(mut self, r: impl Into<String>) -> Self {
        self.region = Some(r.into());
        self
    }

    /// Twilio edge location, such as `sydney`; the region defaults to `us1` when only the edge is set.
    pub fn edge(mut self, e: impl Into<String>) -> Self {
        self.edge = Some(e.into());
        self
    }

    /// Overrides the base URL (for proxies and mock servers). Region and edge are not applied to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL (for local mock servers). Refused by default: credentials would travel in
    /// clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Total time allowed for each attempt: connect, send, and read the whole body (default 30 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Time allowed to establish a connection (default 10 s). Ignored when [`http_client`](Self::http_client)
    /// supplies the HTTP client.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The retry policy (default [`RetryPolicy::new`]).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }

    /// Appends a product token to the `User-Agent` header (space-separated, in call order).
    pub fn user_agent_extension(mut self, ext: impl Into<String>) -> Self {
        self.user_agent_extensions.push(ext.into());
        self
    }

    /// Receives every exchange (credentials redacted).
    pub fn observer(mut self, o: Arc<dyn Observer>) -> Self {
        self.observer = Some(o);
        self
    }

    /// Performs retry waits (default: `tokio::time::sleep`).
    pub fn sleeper(mut self, s: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(s);
        self
    }

    /// Overrides the URL of another host of the API: requests of operations whose description names the server
    /// `default` (such as the Media Content Service, `https://mcs.us1.twilio.com`) go to `url` instead (for
    /// proxies and mock servers). Without it, such requests go to `default` with the client's region and edge
    /// applied (`https://mcs.au1.twilio.com` for region `au1`), or to the [`base_url`](Self::base_url) when that
    /// is set: one mock server then answers for every host.
    pub fn server_url(mut self, default: impl Into<String>, url: impl Into<String>) -> Self {
        self.server_urls.push((default.into(), url.into()));
        self
    }

    /// Uses the given reqwest client (for custom TLS, proxies, pools). The runtime's own client refuses
    /// redirects; a supplied client follows its own redirect policy.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http = Some(c);
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::Config`](crate::ErrorKind::Config) when credentials are missing or malformed, the base URL, region or edge is
    /// invalid, the scheme is not `https` (or `http` with [`allow_insecure_http`](Self::allow_insecure_http)), or
    /// the HTTP client cannot be created.
    pub fn build(self) -> Result<C, Error> {
        self.build_with(&|name| std::env::var(name).ok())
    }

    pub(crate) fn build_with(self, env: EnvLookup<'_>) -> Result<C, Error> {
        let credentials = match self.credentials {
            Some(c) => c,
            None if self.use_env => Credentials::from_lookup(env)?,
            None => {
                return Err(Error::config(
                    "no credentials: call credentials(...) or from_env() on the client builder",
                ));
            }
        };
        let from_env = |name: &str| {
            if self.use_env {
                env(name).filter(|v| !v.is_empty())
            } else {
                None
            }
        };
        let region = self.region.clone().or_else(|| from_env("TWILIO_REGION"));
        let edge = self.edge.clone().or_else(|| from_env("TWILIO_EDGE"));
        let (base_url, rewrite) = match &self.base_url {
            Some(url) => (parse_base_url(url, "base URL")?, None),
            None => {
                let mut url = parse_base_url(&self.default_base_url, "default base URL")?;
                if region.is_none() && edge.is_none() {
                    (url, None)
                } else {
                    check_label("region", region.as_deref())?;
                    check_label("edge", edge.as_deref())?;
                    let host = url
                        .host_str()
                        .ok_or_else(|| Error::config("the default base URL has no host"))?
                        .to_owned();
                    let rewritten = rewrite_host(&host, edge.as_deref(), region.as_deref());
                    url.set_host(Some(&rewritten)).map_err(|e| {
                        Error::config(format!("region/edge give an invalid host: {e}"))
                    })?;
                    (url, Some((edge, region)))
                }
            }
        };
        match base_url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http => {}
            "http" => {
                return Err(Error::config(
                    "refusing an http:// base URL: credentials would be sent in clear text (use https, or allow_insecure_http(true) for local testing)",
                ));
            }
            other => {
                return Err(Error::config(format!(
                    "unsupported base URL scheme `{other}` (expected https)"
                )));
            }
        }
        let mut agent = format!(
            "twilio-rest-runtime/{} ({} {}) Rust",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        for ext in &self.user_agent_extensions {
            agent.push(' ');
            agent.push_str(ext);
        }
        let user_agent = HeaderValue::from_str(&agent).map_err(|_| {
            Error::config("a user agent extension contains characters not allowed in a header")
        })?;
        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| {
                    Error::config(format!("could not create the HTTP client: {e}")).with_source(e)
                })?,
        };
        let mut server_urls = Vec::with_capacity(self.server_urls.len());
        for (default, url) in &self.server_urls {
            let parsed = parse_base_url(url, &format!("server URL for {default}"))?;
            server_urls.push((default.clone(), parsed));
        }
        let hosts = crate::hosts::Hosts::new(crate::hosts::HostsConfig {
            server_urls,
            base_overridden: self.base_url.is_some(),
            allow_insecure_http: self.allow_insecure_http,
            rewrite: rewrite.clone(),
            rewrite_host,
            connect_timeout: self.connect_timeout,
        })?;
        let client = Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                user_agent,
                retry: self.retry,
                timeout: self.timeout,
                observer: self.observer,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(TokioSleeper)),
                rewrite,
                hosts,
            }),
        };
        Ok(C::from(client))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("default_base_url", &self.default_base_url)
            .field("credentials", &self.credentials)
            .field("from_env", &self.use_env)
            .field("region", &self.region)
            .field("edge", &self.edge)
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent_extensions", &self.user_agent_extensions)
            .field("observer", &self.observer)
            .field("sleeper", &self.sleeper)
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

fn check_label(what: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        None => Ok(()),
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            Ok(())
        }
        Some(_) => Err(Error::config(format!(
            "{what} must be a non-empty host label of letters, digits and `-`"
        ))),
    }
}

fn parse_base_url(text: &str, what: &str) -> Result<Url, Error> {
    let url =
        Url::parse(text).map_err(|e| Error::config(format!("{what} is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "{what} must not contain user information (pass credentials separately)"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("{what} `{url}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "{what} `{url}` must not have a query or fragment"
        )));
    }
    Ok(url)
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes JSON, naming the path that failed; trailing data is an error too.
pub(crate) fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, Error> {
    // An empty body (such as `204 No Content`) reads as JSON `null`, so `()` and `Option<T>` accept it.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // Fast path without path tracking; a failure is decoded again with serde_path_to_error to name its path.
    serde_json::from_slice(body).map_err(|plain| {
        let mut de = serde_json::Deserializer::from_slice(body);
        let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => e.path().to_string(),
            Ok(_) => String::new(),
        };
        Error::decode(operation, path, &plain)
    })
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

    fn build(b: ClientBuilder) -> Result<Client, Error> {
        b.build_with(&|_| None)
    }

    #[test]
    fn region_edge_table() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (None, None, "https://chat.twilio.com/"),
            (None, Some("sydney"), "https://chat.sydney.us1.twilio.com/"),
            (Some("au1"), None, "https://chat.au1.twilio.com/"),
            (
                Some("au1"),
                Some("sydney"),
                "https://chat.sydney.au1.twilio.com/",
            ),
            (
                Some("ie1"),
                Some("dublin"),
                "https://chat.dublin.ie1.twilio.com/",
            ),
        ];
        for (region, edge, expected) in cases {
            let mut b = Client::builder("https://chat.twilio.com").credentials(creds());
            if let Some(r) = region {
                b = b.region(*r);
            }
            if let Some(e) = edge {
                b = b.edge(*e);
            }
            assert_eq!(
                build(b).unwrap().base_url().as_str(),
                *expected,
                "{region:?} {edge:?}"
            );
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
    fn region_and_edge_from_env() {
        let env = |name: &str| match name {
            "TWILIO_ACCOUNT_SID" => Some(AC.to_owned()),
            "TWILIO_AUTH_TOKEN" => Some(SECRET.to_owned()),
            "TWILIO_REGION" => Some("au1".to_owned()),
            "TWILIO_EDGE" => Some("sydney".to_owned()),
            _ => None,
        };
        let c: Client = Client::builder("https://chat.twilio.com")
            .from_env()
            .build_with(&env)
            .unwrap();
        assert_eq!(c.base_url().as_str(), "https://chat.sydney.au1.twilio.com/");
        assert_eq!(c.account_sid(), AC);
        let c: Client = Client::builder("https://chat.twilio.com")
            .from_env()
            .region("us1")
            .build_with(&env)
            .unwrap();
        assert_eq!(c.base_url().as_str(), "https://chat.sydney.us1.twilio.com/");
        // Without from_env(), the environment is not consulted.
        let err = Client::builder("https://chat.twilio.com")
            .build_with(&env)
            .unwrap_err();
        assert!(err.to_string().contains("no credentials"));
    }

    #[test]
    fn config_errors() {
        let check = |b: ClientBuilder, expected: &str| {
            let err = build(b).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.to_string().contains(expected), "{err} / {expected}");
        };
        let b = || Client::builder("https://chat.twilio.com").credentials(creds());
        check(
            b().base_url("http://127.0.0.1:1"),
            "refusing an http:// base URL",
        );
        check(b().base_url("ftp://x"), "unsupported base URL scheme");
        check(b().base_url("not a url"), "base URL is not a valid URL");
        check(
            b().base_url("https://u:p@x.com"),
            "must not contain user information",
        );
        check(b().base_url("https://x.com/?a=1"), "must not have a query");
        check(b().region("a b"), "region must be");
        check(b().edge(""), "edge must be");
        check(
            b().user_agent_extension("bad\nvalue"),
            "user agent extension",
        );
        check(Client::builder("https://chat.twilio.com"), "no credentials");
        assert!(build(b().base_url("http://127.0.0.1:1").allow_insecure_http(true)).is_ok());
    }

    #[test]
    fn builds_a_wrapper_type() {
        #[derive(Debug)]
        struct Wrapper(Client);
        impl From<Client> for Wrapper {
            fn from(c: Client) -> Self {
                Self(c)
            }
        }
        let w: Wrapper = ClientBuilder::<Wrapper>::new("https://chat.twilio.com")
            .credentials(creds())
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .build_with(&|_| None)
            .unwrap();
        assert_eq!(w.0.base_url().as_str(), "https://chat.twilio.com/");
        assert_eq!(w.0.inner.timeout, Duration::from_secs(5));
    }

    #[test]
    fn debug_has_no_secrets() {
        let b = Client::builder("https://chat.twilio.com").credentials(creds());
        let dbg_builder = format!("{b:?}");
        let client = build(b).unwrap();
        let dbg_client = format!("{client:?}");
        for dbg in [dbg_builder, dbg_client] {
            assert!(!dbg.contains(SECRET), "{dbg}");
            assert!(dbg.contains("[redacted]"), "{dbg}");
        }
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
    }

    #[test]
    fn decode_names_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct S {
            inner: Vec<Inner2>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner2 {
            n: u32,
        }
        let err = decode::<S>("FetchX", br#"{"inner": [{"n": 1}, {"n": "x"}]}"#).unwrap_err();
        assert_eq!(err.decode_path(), Some("inner[1].n"));
        assert!(
            err.to_string()
                .starts_with("FetchX: could not decode the response at `inner[1].n`")
        );
        let err = decode::<S>("FetchX", br#"{"inner": []} x"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        decode::<()>("DeleteX", b"").unwrap();
        assert_eq!(decode::<Option<u32>>("X", b" \n").unwrap(), None);
        let err = decode::<S>("FetchX", b"").unwrap_err();
        assert_eq!(err.decode_path(), Some("."));
    }
}

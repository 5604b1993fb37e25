//! Configuring a client: [`ClientBuilder`] (credentials, base URL with region/edge rewrite, timeouts, retries,
//! body limits, observers, the HTTP client and its redirect rule) and the validation `build()` runs before any
//! request is sent.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::error::Error;
use crate::http::client::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Inner};
use crate::http::credentials::{Credentials, EnvLookup};
use crate::http::observe::Observer;
use crate::http::response::Limits;
use crate::http::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::http::target::rewrite_host;
use crate::redact::Redactor;

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
    limits: Limits,
    user_agent_extensions: Vec<String>,
    observer: Option<Arc<dyn Observer>>,
    sleeper: Option<Arc<dyn Sleeper>>,
    http: Option<HttpSource>,
    server_urls: Vec<(String, String)>,
    target: PhantomData<fn() -> C>,
}

/// Where the HTTP client comes from when the caller supplies it.
enum HttpSource {
    /// A built client: its redirect policy cannot be changed, so followed redirects are detected and refused.
    Client(reqwest::Client),
    /// A builder: redirects are turned off before it is built.
    Builder(Box<reqwest::ClientBuilder>),
}

impl Client {
    /// A builder whose base URL defaults to `default_base_url` (such as `https://chat.twilio.com`).
    pub fn builder(default_base_url: &str) -> ClientBuilder<Client> {
        ClientBuilder::new(default_base_url)
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
            limits: Limits::default(),
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

    /// Largest success (1xx-3xx) response body accepted, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES), 32 MiB). The body is read as it streams
    /// in and reading stops at the limit: a larger body (or a `Content-Length` announcing one) fails the call with
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge). Per request:
    /// [`RequestOptions::max_response_bytes`](crate::RequestOptions::max_response_bytes).
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.limits.response = n;
        self
    }

    /// Largest part of an error (4xx, 5xx) response body that is read, in bytes (default
    /// [`DEFAULT_MAX_ERROR_BODY_BYTES`](crate::DEFAULT_MAX_ERROR_BODY_BYTES), 64 KiB). The rest is not read; the
    /// error keeps its status and an excerpt of what was read.
    pub fn max_error_body_bytes(mut self, n: u64) -> Self {
        self.limits.error = n;
        self
    }

    /// Largest body text handed to the [`Observer`] in [`Exchange::response_body`](crate::Exchange::response_body), in bytes (default
    /// [`DEFAULT_MAX_OBSERVED_BODY_BYTES`](crate::DEFAULT_MAX_OBSERVED_BODY_BYTES), 1 MiB). A longer body is cut
    /// and ends with `…[truncated]`.
    pub fn max_observed_body_bytes(mut self, n: u64) -> Self {
        self.limits.observed = n;
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

    /// Uses the given reqwest client (for custom TLS, proxies, pools).
    ///
    /// Redirects: the client the runtime builds never follows them (a redirect could carry the credentials to
    /// another scheme, host or path). Build the client you pass here with
    /// `.redirect(reqwest::redirect::Policy::none())` too: its policy cannot be changed afterwards, so a response
    /// that arrives from another URL than the one requested (a redirect was followed) fails the call with an
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) error instead of being used. Prefer
    /// [`http_client_builder`](Self::http_client_builder), which turns redirects off for you. The
    /// [`connect_timeout`](Self::connect_timeout) of this builder is not applied to a supplied client.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http = Some(HttpSource::Client(c));
        self
    }

    /// Builds the HTTP client from the given reqwest builder (custom TLS, proxies, pools) after turning redirects
    /// off, so no redirect is ever followed. The [`connect_timeout`](Self::connect_timeout) of this builder is not
    /// applied: set it on `builder`.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(HttpSource::Builder(Box::new(builder)));
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
        self.erase().build_runtime(env).map(C::from)
    }

    /// The same settings for the runtime client, so that building is compiled once, here, whatever `C`.
    fn erase(self) -> ClientBuilder<Client> {
        ClientBuilder {
            default_base_url: self.default_base_url,
            credentials: self.credentials,
            use_env: self.use_env,
            region: self.region,
            edge: self.edge,
            base_url: self.base_url,
            allow_insecure_http: self.allow_insecure_http,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            retry: self.retry,
            limits: self.limits,
            user_agent_extensions: self.user_agent_extensions,
            observer: self.observer,
            sleeper: self.sleeper,
            http: self.http,
            server_urls: self.server_urls,
            target: PhantomData,
        }
    }
}

impl ClientBuilder<Client> {
    fn build_runtime(self, env: EnvLookup<'_>) -> Result<Client, Error> {
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
        let foreign_http = matches!(self.http, Some(HttpSource::Client(_)));
        let http = match self.http {
            Some(HttpSource::Client(c)) => Ok(c),
            Some(HttpSource::Builder(b)) => b.redirect(reqwest::redirect::Policy::none()).build(),
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build(),
        }
        .map_err(|e| {
            Error::config(format!("could not create the HTTP client: {e}")).with_source(e)
        })?;
        let mut server_urls = Vec::with_capacity(self.server_urls.len());
        for (default, url) in &self.server_urls {
            let parsed = parse_base_url(url, &format!("server URL for {default}"))?;
            server_urls.push((default.clone(), parsed));
        }
        let hosts = crate::http::hosts::Hosts::new(crate::http::hosts::HostsConfig {
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
                foreign_http,
                base_url,
                redactor: Redactor::new(credentials.secrets()),
                credentials,
                user_agent,
                retry: self.retry,
                timeout: self.timeout,
                limits: self.limits,
                observer: self.observer,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(TokioSleeper)),
                rewrite,
                hosts,
            }),
        };
        Ok(client)
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
            .field("limits", &self.limits)
            .field("user_agent_extensions", &self.user_agent_extensions)
            .field("observer", &self.observer)
            .field("sleeper", &self.sleeper)
            .finish_non_exhaustive()
    }
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
}

//! The API's other hosts and links outside the API: where a [`Request`] naming its own server
//! ([`Request::server`]) is sent, and the separate credential-free HTTP client that follows pre-signed links (see
//! [`Client::download_unauthenticated`](crate::Client::download_unauthenticated)).
//!
//! A request for another host (the Media Content Service, `https://mcs.us1.twilio.com`) goes to, in this order:
//! the URL given for that server by [`ClientBuilder::server_url`](crate::ClientBuilder::server_url); the client's
//! [`base_url`](crate::ClientBuilder::base_url) override when there is one (a proxy or mock server that answers for
//! every host); otherwise the server itself with the client's region and edge applied exactly as to the main host
//! (`mcs.us1.twilio.com` becomes `mcs.au1.twilio.com` for region `au1`, `mcs.sydney.us1.twilio.com` for edge
//! `sydney`).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Duration;

use url::Url;

use crate::error::Error;
use crate::http::request::Request;

/// Hosts other than the base URL, resolved per request.
#[derive(Debug)]
pub(crate) struct Hosts {
    /// `(default base URL without trailing slash, URL to use instead)`.
    overrides: Vec<(String, Url)>,
    /// The client's base URL was set explicitly (proxy or mock): every host goes there.
    base_overridden: bool,
    allow_insecure_http: bool,
    /// `(edge, region)` applied to default hosts.
    rewrite: Option<(Option<String>, Option<String>)>,
    /// The client's host rewrite rule (`host`, `edge`, `region`) -> host, given by the client so both hosts follow
    /// one rule.
    rewrite_host: RewriteHost,
    connect_timeout: Duration,
    /// Built on first use: most clients never follow a link outside the API.
    plain: OnceLock<reqwest::Client>,
}

/// Twilio's host rewrite: `(host, edge, region)` -> host.
pub(crate) type RewriteHost = fn(&str, Option<&str>, Option<&str>) -> String;

/// What [`Hosts::new`] needs from the client's configuration.
pub(crate) struct HostsConfig {
    /// `(default base URL, URL to use instead)`, already parsed.
    pub(crate) server_urls: Vec<(String, Url)>,
    /// The client's base URL was set explicitly.
    pub(crate) base_overridden: bool,
    pub(crate) allow_insecure_http: bool,
    /// `(edge, region)` applied to default hosts.
    pub(crate) rewrite: Option<(Option<String>, Option<String>)>,
    pub(crate) rewrite_host: RewriteHost,
    pub(crate) connect_timeout: Duration,
}

impl Hosts {
    pub(crate) fn new(config: HostsConfig) -> Result<Self, Error> {
        let mut overrides = Vec::with_capacity(config.server_urls.len());
        for (default, url) in config.server_urls {
            let what = format!("server URL for {default}");
            check_scheme(&url, config.allow_insecure_http, &what).map_err(Error::config)?;
            overrides.push((default.trim_end_matches('/').to_owned(), url));
        }
        Ok(Self {
            overrides,
            base_overridden: config.base_overridden,
            allow_insecure_http: config.allow_insecure_http,
            rewrite: config.rewrite,
            rewrite_host: config.rewrite_host,
            connect_timeout: config.connect_timeout,
            plain: OnceLock::new(),
        })
    }

    /// The base URL `req` goes to: `base` unless the request names another server.
    pub(crate) fn base_for<'a>(&self, req: &Request, base: &'a Url) -> Result<Cow<'a, Url>, Error> {
        match req.server {
            None => Ok(Cow::Borrowed(base)),
            Some(server) => self
                .resolve(server, base)
                .map(Cow::Owned)
                .map_err(|reason| {
                    Error::invalid_argument(req.operation, format!("server {server}: {reason}"))
                }),
        }
    }

    /// The URL requests for `server` go to (see the module documentation for the order of the rules).
    pub(crate) fn resolve(&self, server: &str, base: &Url) -> Result<Url, String> {
        let key = server.trim_end_matches('/');
        if let Some((_, url)) = self.overrides.iter().find(|(default, _)| default == key) {
            return Ok(url.clone());
        }
        if self.base_overridden {
            return Ok(base.clone());
        }
        let mut url = Url::parse(server).map_err(|e| format!("not a valid URL: {e}"))?;
        if let (Some((edge, region)), Some(host)) = (&self.rewrite, url.host_str()) {
            let rewritten = (self.rewrite_host)(host, edge.as_deref(), region.as_deref());
            url.set_host(Some(&rewritten))
                .map_err(|e| format!("region/edge give an invalid host: {e}"))?;
        }
        check_scheme(&url, self.allow_insecure_http, "the server URL")?;
        Ok(url)
    }

    /// Whether `http://` URLs are accepted (local mock servers only).
    pub(crate) fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// The HTTP client for links outside the API: default settings, no redirects, no default headers, no
    /// cookies, so nothing configured for Twilio (not even the headers of a client given to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)) reaches another host.
    pub(crate) fn plain_http(&self) -> Result<&reqwest::Client, Error> {
        if let Some(client) = self.plain.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| {
                Error::config(format!("could not create the HTTP client for links: {e}"))
                    .with_source(e)
            })?;
        Ok(self.plain.get_or_init(|| client))
    }
}

/// `https`, or `http` when allowed.
pub(crate) fn check_scheme(url: &Url, allow_insecure_http: bool, what: &str) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http => Ok(()),
        "http" => Err(format!(
            "refusing {what} over http:// (use https, or allow_insecure_http(true) for local testing)"
        )),
        other => Err(format!("unsupported scheme `{other}` in {what}")),
    }
}

/// A URL for messages and observers: its query (where pre-signed links keep their signature) replaced by
/// `[redacted]`.
pub(crate) fn redact_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    if shown.query().is_some() {
        shown.set_query(None);
        format!("{shown}?[redacted]")
    } else {
        shown.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Client, Credentials, ErrorKind, Method};

    const AC: &str = "AC0123456789abcdef0123456789abcdef";
    const MCS: &str = "https://mcs.us1.twilio.com";

    fn client(f: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder) -> Client {
        let b = Client::builder("https://chat.twilio.com")
            .credentials(Credentials::auth_token(AC, "token").unwrap());
        f(b).build().unwrap()
    }

    fn url(c: &Client) -> String {
        let req = Request::new(
            Method::GET,
            "FetchMedia",
            "/v1/Services/IS1/Media/ME1".into(),
        )
        .server(MCS);
        c.url_for(&req)
            .map(|u| u.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn region_and_edge_apply_to_other_hosts() {
        let path = "/v1/Services/IS1/Media/ME1";
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (None, None, "https://mcs.us1.twilio.com"),
            (Some("au1"), None, "https://mcs.au1.twilio.com"),
            (None, Some("sydney"), "https://mcs.sydney.us1.twilio.com"),
            (
                Some("ie1"),
                Some("dublin"),
                "https://mcs.dublin.ie1.twilio.com",
            ),
        ];
        for (region, edge, host) in cases {
            let c = client(|mut b| {
                if let Some(r) = region {
                    b = b.region(*r);
                }
                if let Some(e) = edge {
                    b = b.edge(*e);
                }
                b
            });
            assert_eq!(url(&c), format!("{host}{path}"), "{region:?} {edge:?}");
        }
    }

    #[test]
    fn overrides_take_precedence() {
        let c = client(|b| b.base_url("https://proxy.example.com"));
        assert_eq!(
            url(&c),
            "https://proxy.example.com/v1/Services/IS1/Media/ME1"
        );
        let c = client(|b| {
            b.base_url("https://proxy.example.com")
                .server_url(format!("{MCS}/"), "https://mcs-proxy.example.com")
        });
        assert_eq!(
            url(&c),
            "https://mcs-proxy.example.com/v1/Services/IS1/Media/ME1"
        );
        // The main host is not affected by a server override.
        let req = Request::new(Method::GET, "FetchService", "/v2/Services/IS1".into());
        assert_eq!(
            c.url_for(&req).unwrap().as_str(),
            "https://proxy.example.com/v2/Services/IS1"
        );
    }

    #[test]
    fn server_overrides_are_checked_at_build() {
        let err = Client::builder("https://chat.twilio.com")
            .credentials(Credentials::auth_token(AC, "token").unwrap())
            .server_url(MCS, "http://127.0.0.1:1")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("refusing server URL for"), "{err}");
        let err = Client::builder("https://chat.twilio.com")
            .credentials(Credentials::auth_token(AC, "token").unwrap())
            .server_url(MCS, "not a url")
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("server URL for https://mcs.us1.twilio.com"),
            "{err}"
        );
    }

    #[test]
    fn redaction_hides_the_query() {
        let u = Url::parse("https://files.example.com/a/b?Signature=secret&Expires=1#x").unwrap();
        assert_eq!(redact_query(&u), "https://files.example.com/a/b?[redacted]");
        let u = Url::parse("https://files.example.com/a").unwrap();
        assert_eq!(redact_query(&u), "https://files.example.com/a");
    }
}

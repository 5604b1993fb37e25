//! Which URL a webhook request was signed for. Twilio signs the URL it called, which behind a proxy, load balancer
//! or tunnel is not the URL the application sees (`http://10.0.0.5:8080/hook` instead of
//! `https://chat.example.com/hook`). [`UrlSource`] says where the public scheme and host come from: a configured
//! base URL, or the `Host` header with `X-Forwarded-*` honoured only from trusted proxies. The candidates to try
//! (as given, default port added, default port removed) are computed here too.

use std::fmt;
use std::net::IpAddr;

use super::WebhookRequest;

/// Where the public URL of a webhook request comes from. The request's path and query are always the ones received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// A configured base URL (scheme, host, optional port and path prefix), such as `https://chat.example.com` or
    /// `https://example.com/api` when a proxy strips `/api`: the request's path and query are appended. Headers
    /// are ignored, so nothing the client sends can change the URL. Build it with [`UrlSource::public`].
    Public(PublicBase),
    /// The exact URL configured in Twilio (scheme, host, port and path, as written), whatever path the request
    /// arrived on: for proxies that rewrite paths. Only the request's query is appended (it carries `bodySHA256`
    /// for JSON webhooks). Build it with [`UrlSource::exact`].
    Exact(PublicBase),
    /// The `Host` header with a fixed scheme; when [`ProxyTrust`] trusts the peer, `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` and `X-Forwarded-Port` (first value of each) take precedence.
    Headers {
        /// Scheme used when no trusted `X-Forwarded-Proto` is present.
        scheme: Scheme,
        /// Which peers may set `X-Forwarded-*`.
        trust: ProxyTrust,
    },
}

/// A validated URL for [`UrlSource::Public`] and [`UrlSource::Exact`]: `http` or `https`, a host, no query or
/// fragment. It is kept as written (a base without its trailing `/`), because Twilio signs the URL as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBase(String);

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443.
    Https,
}

/// Which peers may tell the public scheme and host through `X-Forwarded-Proto`, `X-Forwarded-Host` and
/// `X-Forwarded-Port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyTrust {
    /// Ignore `X-Forwarded-*` (the application faces the internet itself).
    Nobody,
    /// Every peer: only when the application is reachable solely through proxies that overwrite these headers.
    Everyone,
    /// Peers whose address (as given by [`WebhookRequest::peer`]) is in one of these networks; requests without a
    /// peer address are not trusted.
    Networks(Vec<IpNetwork>),
}

/// An IP network such as `10.0.0.0/8`, `fd00::/8` or a single address (`192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    addr: IpAddr,
    prefix: u8,
}

/// A configuration value that is not usable, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl UrlSource {
    /// A [`UrlSource::Public`] from `base`, such as `https://chat.example.com` or `https://example.com/api`.
    ///
    /// ```
    /// use twilio_rest_runtime::webhook::UrlSource;
    ///
    /// assert!(UrlSource::public("https://chat.example.com/").is_ok());
    /// assert!(UrlSource::public("chat.example.com").is_err());
    /// assert!(UrlSource::public("https://chat.example.com/?a=1").is_err());
    /// ```
    pub fn public(base: &str) -> Result<Self, ConfigError> {
        PublicBase::parse(base).map(Self::Public)
    }

    /// A [`UrlSource::Exact`] from `url`, the webhook URL exactly as configured in Twilio, such as
    /// `https://chat.example.com/webhooks/chat` (no query or fragment).
    ///
    /// ```
    /// use twilio_rest_runtime::webhook::UrlSource;
    ///
    /// assert!(UrlSource::exact("https://chat.example.com/webhooks/chat").is_ok());
    /// assert!(UrlSource::exact("https://chat.example.com/webhooks/chat?tenant=1").is_err());
    /// ```
    pub fn exact(url: &str) -> Result<Self, ConfigError> {
        PublicBase::validate(url)?;
        Ok(Self::Exact(PublicBase(url.to_owned())))
    }

    /// A [`UrlSource::Headers`] that ignores `X-Forwarded-*`.
    pub fn host_header(scheme: Scheme) -> Self {
        Self::Headers {
            scheme,
            trust: ProxyTrust::Nobody,
        }
    }

    /// A [`UrlSource::Headers`] that honours `X-Forwarded-*` from the peers `trust` names.
    pub fn forwarded(scheme: Scheme, trust: ProxyTrust) -> Self {
        Self::Headers { scheme, trust }
    }

    /// The public URL of `request`, or why it cannot be built.
    pub(crate) fn url_of(&self, request: &WebhookRequest<'_>) -> Result<String, String> {
        let path = origin_form(request.target)?;
        match self {
            Self::Public(base) => Ok(format!("{}{path}", base.0)),
            Self::Exact(url) => Ok(match path.split_once('?') {
                Some((_, query)) => format!("{}?{query}", url.0),
                None => url.0.clone(),
            }),
            Self::Headers { scheme, trust } => {
                let trusted = trust.trusts(request.peer);
                let forwarded = |name: &str| -> Result<Option<String>, String> {
                    if !trusted {
                        return Ok(None);
                    }
                    Ok(request
                        .header_str(name)?
                        .and_then(|v| v.split(',').next())
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty()))
                };
                let scheme = match forwarded("x-forwarded-proto")? {
                    Some(proto) => match proto.to_ascii_lowercase().as_str() {
                        "https" => Scheme::Https,
                        "http" => Scheme::Http,
                        _ => {
                            return Err(format!(
                                "X-Forwarded-Proto `{proto}` is not http or https"
                            ));
                        }
                    },
                    None => *scheme,
                };
                let mut host = match forwarded("x-forwarded-host")? {
                    Some(host) => host,
                    None => request
                        .header_str("host")?
                        .map(|h| h.trim().to_owned())
                        .ok_or("the request has no Host header")?,
                };
                check_host(&host)?;
                if let Some(port) = forwarded("x-forwarded-port")? {
                    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(format!("X-Forwarded-Port `{port}` is not a port number"));
                    }
                    if !has_port(&host) {
                        host.push(':');
                        host.push_str(&port);
                    }
                }
                Ok(format!("{}://{host}{path}", scheme.as_str()))
            }
        }
    }
}

impl PublicBase {
    /// Validates `base` (see [`UrlSource::public`]).
    pub fn parse(base: &str) -> Result<Self, ConfigError> {
        Self::validate(base)?;
        Ok(Self(base.trim_end_matches('/').to_owned()))
    }

    /// The URL as configured (for [`UrlSource::Public`], without a trailing `/`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An absolute `http` or `https` URL with a host (a name, an IPv4 address or a bracketed IPv6 address), an
    /// optional numeric port, and no query, fragment, whitespace or control character.
    fn validate(base: &str) -> Result<(), ConfigError> {
        let err = |why: &str| ConfigError(format!("public URL `{base}`: {why}"));
        if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err("it contains whitespace or a control character"));
        }
        let parts = split_authority(base)
            .ok_or_else(|| err("not an absolute URL (such as `https://chat.example.com`)"))?;
        if !["http", "https"]
            .iter()
            .any(|s| parts.scheme.eq_ignore_ascii_case(s))
        {
            return Err(err("the scheme must be http or https"));
        }
        if parts.host.is_empty() {
            return Err(err("there is no host"));
        }
        let host_ok = match parts
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
        {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
            // The characters a URL host cannot hold (WHATWG's forbidden host code points, and `%`).
            None => !parts.host.contains([
                '#', '%', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|', '"', '`', '{',
                '}',
            ]),
        };
        if !host_ok {
            return Err(err("the host is not a valid host name or IP address"));
        }
        if parts
            .port
            .is_some_and(|p| !p.is_empty() && p.parse::<u16>().is_err())
        {
            return Err(err("the port is not a number from 0 to 65535"));
        }
        if parts.rest.contains(['?', '#']) {
            return Err(err(
                "a base URL has no query or fragment (the request's own are appended)",
            ));
        }
        Ok(())
    }
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }
}

impl ProxyTrust {
    /// [`ProxyTrust::Networks`] from strings such as `"10.0.0.0/8"` or `"::1"`.
    pub fn networks<S: AsRef<str>>(networks: &[S]) -> Result<Self, ConfigError> {
        networks
            .iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<Vec<_>, _>>()
            .map(Self::Networks)
    }

    fn trusts(&self, peer: Option<IpAddr>) -> bool {
        match self {
            Self::Nobody => false,
            Self::Everyone => true,
            Self::Networks(nets) => peer.is_some_and(|p| nets.iter().any(|n| n.contains(p))),
        }
    }
}

impl IpNetwork {
    /// `true` when `addr` is in the network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.addr, addr.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpNetwork {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let err = |why: &str| ConfigError(format!("trusted network `{s}`: {why}"));
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| err("not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| err(&format!("the prefix length must be 0 to {max}")))?,
            None => max,
        };
        Ok(Self {
            addr: addr.to_canonical(),
            prefix,
        })
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The path and query of a request target (origin form `/p?q`, or absolute form `http://h/p?q`), fragment dropped.
fn origin_form(target: &str) -> Result<&str, String> {
    let target = target.split('#').next().unwrap_or_default();
    let path = if target.starts_with('/') {
        target
    } else if let Some(parts) = split_authority(target) {
        if parts.rest.is_empty() {
            "/"
        } else {
            parts.rest
        }
    } else {
        return Err(format!(
            "request target `{target}` is not a path or an absolute URL"
        ));
    };
    if !path.starts_with('/') {
        return Err(format!("request target `{target}` has no path"));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the request target contains whitespace".to_owned());
    }
    Ok(path)
}

fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty()
        || host.chars().any(|c| {
            matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
        })
    {
        return Err(format!("host `{host}` is not a host name"));
    }
    Ok(())
}

fn has_port(host: &str) -> bool {
    match host.rfind(':') {
        Some(i) => !host[i..].contains(']'),
        None => false,
    }
}

/// `url` as given, with the default port made explicit and with it removed (duplicates dropped).
pub(crate) fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    if let Some(parts) = split_authority(url) {
        let default = match parts.scheme.to_ascii_lowercase().as_str() {
            "https" => Some("443"),
            "http" => Some("80"),
            _ => None,
        };
        if let Some(default) = default {
            let rebuild = |port: Option<&str>| {
                let mut s = String::with_capacity(url.len() + 4);
                s.push_str(parts.before_host);
                s.push_str(parts.host);
                if let Some(p) = port {
                    s.push(':');
                    s.push_str(p);
                }
                s.push_str(parts.rest);
                s
            };
            match parts.port {
                None => out.push(rebuild(Some(default))),
                Some(p) if p == default => out.push(rebuild(None)),
                Some(_) => {}
            }
        }
    }
    out.dedup();
    out
}

struct Authority<'a> {
    scheme: &'a str,
    /// Everything up to the host: scheme, `://` and any userinfo with its `@`.
    before_host: &'a str,
    host: &'a str,
    port: Option<&'a str>,
    /// Path, query and fragment.
    rest: &'a str,
}

fn split_authority(url: &str) -> Option<Authority<'_>> {
    let scheme_end = url.find("://")?;
    let scheme = url.get(..scheme_end)?;
    let auth_start = scheme_end + 3;
    let after = url.get(auth_start..)?;
    let auth_len = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = after.get(..auth_len)?;
    let rest = after.get(auth_len..)?;
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let hostport = authority.get(host_start..)?;
    let (host, port) = match hostport.rfind(':') {
        Some(i) if !hostport.get(i..)?.contains(']') => {
            (hostport.get(..i)?, Some(hostport.get(i + 1..)?))
        }
        _ => (hostport, None),
    };
    Some(Authority {
        scheme,
        before_host: url.get(..auth_start + host_start)?,
        host,
        port,
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variant_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "https://a.com/x",
                &["https://a.com/x", "https://a.com:443/x"],
            ),
            (
                "https://a.com:443/x",
                &["https://a.com:443/x", "https://a.com/x"],
            ),
            ("http://a.com?q", &["http://a.com?q", "http://a.com:80?q"]),
            (
                "https://u:p@a.com:443/",
                &["https://u:p@a.com:443/", "https://u:p@a.com/"],
            ),
            (
                "https://[::1]/x",
                &["https://[::1]/x", "https://[::1]:443/x"],
            ),
            ("https://a.com:8443/x", &["https://a.com:8443/x"]),
            ("not a url", &["not a url"]),
        ];
        for (url, expected) in cases {
            assert_eq!(url_variants(url), *expected, "{url}");
        }
    }

    #[test]
    fn networks() {
        let cases: &[(&str, &str, bool)] = &[
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("10.0.0.0/8", "::ffff:10.1.2.3", true),
            ("192.0.2.7", "192.0.2.7", true),
            ("192.0.2.7", "192.0.2.8", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("fd00::/8", "fd12::1", true),
            ("fd00::/8", "fe80::1", false),
            ("::1", "::1", true),
            ("::1", "127.0.0.1", false),
        ];
        for (net, addr, expected) in cases {
            let net: IpNetwork = net.parse().unwrap();
            assert_eq!(
                net.contains(addr.parse().unwrap()),
                *expected,
                "{net:?} {addr}"
            );
        }
        for bad in ["10.0.0.0/33", "fd00::/129", "nonsense", "10.0.0.0/x"] {
            let err = bad.parse::<IpNetwork>().unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn public_base_validation() {
        assert_eq!(
            PublicBase::parse("https://example.com/api/")
                .unwrap()
                .as_str(),
            "https://example.com/api"
        );
        for good in [
            "http://127.0.0.1:8080",
            "https://[::1]:8443/hooks",
            "HTTPS://Chat.Example.com",
            "https://chat.example.com:/api",
            "https://user@chat.example.com",
        ] {
            assert!(PublicBase::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com/#x",
            "https://example.com/?a=1",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://exa%6Dple.com",
            "https://example.com:99999",
            "https://example.com:port",
            "https://[::g]/",
            "https://a|b.com",
        ] {
            let err = PublicBase::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with(&format!("public URL `{bad}`")), "{err}");
        }
    }

    #[test]
    fn origin_forms() {
        assert_eq!(origin_form("/a?b=1#f"), Ok("/a?b=1"));
        assert_eq!(origin_form("http://h:8080/a?b"), Ok("/a?b"));
        assert_eq!(origin_form("http://h"), Ok("/"));
        assert!(origin_form("*").is_err());
        assert!(origin_form("/a b").is_err());
    }
}

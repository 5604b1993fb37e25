//! Where a request goes: the URL of a [`Request`] (base URL, or another host of the API, plus a path that is
//! checked before and after parsing so it addresses exactly what was given), the checks on page links (same
//! scheme, host and port as the client), and Twilio's region/edge host rewrite.

use url::Url;

use crate::error::Error;
use crate::http::client::Client;
use crate::http::request::Request;

impl Client {
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

pub(crate) fn origin_text(url: &Url) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::http::credentials::Credentials;

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

//! Validating Twilio's webhook requests: the `X-Twilio-Signature` header is the base64 HMAC-SHA1, keyed by the
//! auth token, of the full URL followed by every POST parameter (sorted by name; a name's values de-duplicated and
//! sorted) as `name + value` with no separators. JSON-bodied webhooks put `bodySHA256=<hex sha256 of the body>`
//! in the URL query and sign the URL alone.
//!
//! Like Twilio's libraries, the URL is tried as given, with the scheme's default port added (`:443` for https,
//! `:80` for http) and with it removed, because proxies differ in what they report. Comparisons are constant-time.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use ring::{digest, hmac};

/// Checks `X-Twilio-Signature` headers with an account's auth token. `Debug` does not show the token.
///
/// ```
/// use twilio_rest_runtime::webhook::RequestValidator;
///
/// let validator = RequestValidator::new("12345");
/// let params = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
///               ("From", "+14158675309"), ("To", "+18005551212")];
/// let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
/// assert!(validator.validate(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
/// ```
#[derive(Clone)]
pub struct RequestValidator {
    key: hmac::Key,
}

impl RequestValidator {
    /// A validator for the given auth token (the account's primary token, not an API key secret).
    pub fn new(auth_token: impl Into<String>) -> Self {
        let token = auth_token.into();
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, token.as_bytes()),
        }
    }

    /// The expected signature (base64) of a request to `url` with form `params`.
    pub fn compute_signature<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
    ) -> String {
        let tag = hmac::sign(&self.key, signing_payload(url, params).as_bytes());
        base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
    }

    /// `true` when `signature` matches `url` and `params`, trying `url` as given, with its default port added and
    /// with it removed.
    pub fn validate<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
        signature: &str,
    ) -> bool {
        let Ok(tag) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
            return false;
        };
        let mut valid = false;
        for candidate in url_variants(url) {
            // Evaluate every candidate so timing does not depend on which matched.
            let ok = hmac::verify(
                &self.key,
                signing_payload(&candidate, params).as_bytes(),
                &tag,
            )
            .is_ok();
            valid |= ok;
        }
        valid
    }

    /// Validates a JSON-bodied webhook: `url` must carry `bodySHA256` equal to the hex SHA-256 of `body`, and
    /// `signature` must sign `url` with no parameters (URL variants as in [`RequestValidator::validate`]).
    pub fn validate_body(&self, url: &str, body: &[u8], signature: &str) -> bool {
        let Some(expected) = query_value(url, "bodySHA256") else {
            return false;
        };
        let actual = hex(digest::digest(&digest::SHA256, body).as_ref());
        let hash_ok = constant_time_eq(actual.as_bytes(), expected.to_ascii_lowercase().as_bytes());
        let no_params: [(&str, &str); 0] = [];
        let signature_ok = self.validate(url, &no_params, signature);
        hash_ok & signature_ok
    }
}

impl fmt::Debug for RequestValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestValidator")
            .field("auth_token", &"[redacted]")
            .finish()
    }
}

/// Lower-case hex SHA-256 of `body`, the value Twilio puts in `bodySHA256`.
pub fn body_sha256_hex(body: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, body).as_ref())
}

fn signing_payload<K: AsRef<str>, V: AsRef<str>>(url: &str, params: &[(K, V)]) -> String {
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in params {
        grouped.entry(k.as_ref()).or_default().push(v.as_ref());
    }
    let mut out = String::from(url);
    for (name, mut values) in grouped {
        values.sort_unstable();
        values.dedup();
        for value in values {
            out.push_str(name);
            out.push_str(value);
        }
    }
    out
}

/// `url` as given, with the default port made explicit and with it removed (duplicates dropped).
fn url_variants(url: &str) -> Vec<String> {
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

fn query_value(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    const BODY: &str = r#"{"property": "value", "boolean": true}"#;
    const BODY_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    fn params() -> Vec<(&'static str, &'static str)> {
        vec![
            ("From", "+14158675309"),
            ("CallSid", "CA1234567890ABCDE"),
            ("To", "+18005551212"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
        ]
    }

    #[test]
    fn twilio_vector() {
        let v = RequestValidator::new(TOKEN);
        assert_eq!(v.compute_signature(URL, &params()), SIGNATURE);
        assert!(v.validate(URL, &params(), SIGNATURE));
    }

    #[test]
    fn default_port_added_or_removed() {
        let v = RequestValidator::new(TOKEN);
        assert!(v.validate(
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &params(),
            SIGNATURE
        ));
        let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        let signed_with_port = v.compute_signature(with_port, &params());
        assert!(v.validate(URL, &params(), &signed_with_port));
        assert!(!v.validate(
            "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
            &params(),
            SIGNATURE
        ));
        assert!(!v.validate(
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &params(),
            SIGNATURE
        ));
    }

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
    fn wrong_signatures_rejected() {
        let v = RequestValidator::new(TOKEN);
        assert!(!v.validate(URL, &params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8x"));
        assert!(!v.validate(URL, &params(), "not base64!"));
        assert!(!v.validate(URL, &params(), ""));
        assert!(!RequestValidator::new("54321").validate(URL, &params(), SIGNATURE));
        let mut changed = params();
        changed[4].1 = "1235";
        assert!(!v.validate(URL, &changed, SIGNATURE));
    }

    #[test]
    fn values_are_sorted_and_deduplicated() {
        let v = RequestValidator::new(TOKEN);
        let a = v.compute_signature(
            "https://x.com/",
            &[("B", "2"), ("A", "z"), ("A", "y"), ("A", "z")],
        );
        let b = v.compute_signature("https://x.com/", &[("A", "y"), ("A", "z"), ("B", "2")]);
        assert_eq!(a, b);
        assert_eq!(
            signing_payload("u", &[("B", "2"), ("A", "z"), ("A", "y")]),
            "uAyAzB2"
        );
    }

    #[test]
    fn json_body_validation() {
        assert_eq!(body_sha256_hex(BODY.as_bytes()), BODY_HASH);
        let v = RequestValidator::new(TOKEN);
        let url = format!("https://mycompany.com/myapp.php?bodySHA256={BODY_HASH}");
        let no_params: [(&str, &str); 0] = [];
        let sig = v.compute_signature(&url, &no_params);
        assert!(v.validate_body(&url, BODY.as_bytes(), &sig));
        let with_port = format!("https://mycompany.com:443/myapp.php?bodySHA256={BODY_HASH}");
        assert!(v.validate_body(&with_port, BODY.as_bytes(), &sig));
        assert!(!v.validate_body(&url, b"{\"property\": \"other\"}", &sig));
        assert!(!v.validate_body(&url, BODY.as_bytes(), SIGNATURE));
        assert!(!v.validate_body("https://mycompany.com/myapp.php", BODY.as_bytes(), &sig));
    }

    #[test]
    fn debug_hides_token() {
        let dbg = format!("{:?}", RequestValidator::new("supersecrettoken"));
        assert!(!dbg.contains("supersecrettoken"));
        assert!(dbg.contains("[redacted]"));
    }
}

//! Verifying Twilio's webhook requests. The `X-Twilio-Signature` header is the base64 HMAC-SHA1, keyed by the
//! account's auth token, of the full URL Twilio called followed by every POST parameter (sorted by name; a name's
//! values de-duplicated and sorted) as `name + value` with no separators. JSON-bodied webhooks put
//! `bodySHA256=<hex sha256 of the body>` in the URL query and sign the URL alone.
//!
//! [`WebhookVerifier`] is the framework-neutral entry point: give it the method, request target, headers, peer
//! address and body bytes of a request ([`WebhookRequest`]) and it returns the verified parameters
//! ([`Verified`]) or a typed [`Rejection`]. It rebuilds the URL Twilio signed ([`UrlSource`]) from a configured
//! public base URL, the exact configured webhook URL, or `Host` with, for trusted proxies only,
//! `X-Forwarded-Proto`/`-Host`/`-Port`, so signatures keep verifying behind load balancers and tunnels, and fail
//! closed when nothing says what the public URL is. Bodies above a limit are refused before any work, form bodies
//! are decoded strictly ([`parse_form`]), and nothing in a request can make verification panic.
//!
//! Like Twilio's libraries, each URL is tried as given, with the scheme's default port added (`:443` for https,
//! `:80` for http) and with it removed, because proxies differ in what they report. [`RequestValidator`] is the
//! lower-level check on a URL and parameters the caller has already assembled. Signatures are compared in
//! constant time by `ring`.
//!
//! ```
//! use twilio_rest_runtime::webhook::{Rejection, UrlSource, WebhookRequest, WebhookVerifier};
//!
//! // The service's webhook URL is https://chat.example.com/hooks/chat; the app listens behind a proxy.
//! let verifier = WebhookVerifier::new("12345", UrlSource::public("https://chat.example.com").unwrap());
//! let body = b"EventType=onMessageSend&Body=hi";
//! let request = WebhookRequest::new("POST", "/hooks/chat", body)
//!     .header("Host", b"10.0.0.5:8080")
//!     .header("Content-Type", b"application/x-www-form-urlencoded")
//!     .header("X-Twilio-Signature", b"keylXmIwIu5f4ar5jbdAPHVHFCk=");
//! let verified = verifier.verify(&request).unwrap();
//! assert_eq!(verified.url, "https://chat.example.com/hooks/chat");
//! assert_eq!(verified.params[1], ("Body".to_owned(), "hi".to_owned()));
//!
//! let tampered = WebhookRequest::new("POST", "/hooks/chat", b"EventType=onMessageSend&Body=HI")
//!     .header("X-Twilio-Signature", b"keylXmIwIu5f4ar5jbdAPHVHFCk=");
//! assert_eq!(verifier.verify(&tampered), Err(Rejection::BadSignature));
//! ```

#[cfg(feature = "events")]
pub(crate) mod event;
mod form;
mod public_url;

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use ring::{digest, hmac};

#[cfg(feature = "events")]
pub use event::{Attributes, EventError, HttpReply, ReplyError, Timestamp};
pub use form::{FormError, encode_form, parse_form};
pub use public_url::{ConfigError, IpNetwork, ProxyTrust, PublicBase, Scheme, UrlSource};

/// Verifies whole webhook requests: body limit, public URL, body decoding and signature. `Debug` does not show the
/// auth token.
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    validator: RequestValidator,
    urls: UrlSource,
    max_body_bytes: usize,
}

/// One incoming request, as any HTTP framework can describe it. Header names are matched case-insensitively.
#[derive(Clone)]
pub struct WebhookRequest<'a> {
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    peer: Option<IpAddr>,
}

/// A request whose signature matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The URL the signature was made for (one of the candidates: as built, default port added or removed).
    pub url: String,
    /// The request's parameters, in order with duplicates kept: the form body's for [`SignedAs::FormBody`], the
    /// query's for [`SignedAs::UrlOnly`], none for [`SignedAs::BodyHash`] (read the body yourself).
    pub params: Vec<(String, String)>,
    /// What the signature covered.
    pub signed_as: SignedAs,
}

/// What a verified signature covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedAs {
    /// The URL and the form-encoded body's parameters (`POST`, `application/x-www-form-urlencoded`).
    FormBody,
    /// The URL, whose `bodySHA256` query parameter matched the SHA-256 of the body (JSON webhooks).
    BodyHash,
    /// The URL alone; the parameters are in its query (`GET` webhooks).
    UrlOnly,
}

/// Why a webhook request was refused. Messages never contain the auth token or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// No `X-Twilio-Signature` header.
    MissingSignature,
    /// More than one `X-Twilio-Signature` header.
    DuplicateSignature,
    /// The signature is not base64 or matches none of the URL candidates.
    BadSignature,
    /// The body is larger than the verifier's limit; nothing was decoded or hashed.
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// The body's size in bytes.
        size: usize,
    },
    /// The form body is not valid `application/x-www-form-urlencoded` (a broken `%` escape, or not UTF-8).
    Form(FormError),
    /// The `bodySHA256` query parameter does not match the SHA-256 of the body.
    BodyHashMismatch,
    /// A non-empty `POST` body that is neither a form nor covered by `bodySHA256`.
    UnsupportedContentType(String),
    /// The public URL could not be built (no `Host`, a malformed forwarded header or request target).
    BadUrl(String),
}

impl WebhookVerifier {
    /// Default body limit: 256 KiB, room for Chat's largest message body and attributes once form-encoded.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;

    /// A verifier for the account's auth token (not an API key secret), rebuilding public URLs from `urls`.
    pub fn new(auth_token: impl Into<String>, urls: UrlSource) -> Self {
        Self {
            validator: RequestValidator::new(auth_token),
            urls,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Refuses bodies larger than `limit` bytes ([`Rejection::BodyTooLarge`]).
    #[must_use]
    pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The body limit in bytes, for servers to stop reading a body early.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Checks `request`'s signature and returns its parameters.
    pub fn verify(&self, request: &WebhookRequest<'_>) -> Result<Verified, Rejection> {
        if request.body.len() > self.max_body_bytes {
            return Err(Rejection::BodyTooLarge {
                limit: self.max_body_bytes,
                size: request.body.len(),
            });
        }
        let mut signatures = request.headers_named("x-twilio-signature");
        let signature = signatures.next().ok_or(Rejection::MissingSignature)?;
        if signatures.next().is_some() {
            return Err(Rejection::DuplicateSignature);
        }
        let signature = std::str::from_utf8(signature).map_err(|_| Rejection::BadSignature)?;
        let url = self.urls.url_of(request).map_err(Rejection::BadUrl)?;
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query_params = parse_form(query.as_bytes())
            .map_err(|e| Rejection::BadUrl(format!("the query string: {e}")))?;
        let claimed_hash = query_params
            .iter()
            .find(|(name, _)| name == "bodySHA256")
            .map(|(_, value)| value.to_ascii_lowercase());

        let no_params: [(String, String); 0] = [];
        let (params, signed_as) = if claimed_hash.is_some() {
            (Vec::new(), SignedAs::BodyHash)
        } else if request.method.eq_ignore_ascii_case("GET")
            || request.method.eq_ignore_ascii_case("HEAD")
        {
            (query_params, SignedAs::UrlOnly)
        } else {
            if !request.body.is_empty() {
                let content_type = request
                    .header_str("content-type")
                    .map_err(|_| Rejection::UnsupportedContentType("(not UTF-8)".to_owned()))?;
                if let Some(ct) = content_type {
                    let essence = ct.split(';').next().unwrap_or_default().trim();
                    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
                        return Err(Rejection::UnsupportedContentType(essence.to_owned()));
                    }
                }
            }
            let params = parse_form(request.body).map_err(Rejection::Form)?;
            (params, SignedAs::FormBody)
        };
        let signed: &[(String, String)] = match signed_as {
            SignedAs::FormBody => &params,
            _ => &no_params,
        };
        let url = self
            .validator
            .matching_url(&url, signed, signature)
            .ok_or(Rejection::BadSignature)?;
        if let Some(claimed) = claimed_hash {
            let actual = body_sha256_hex(request.body);
            // The hash of a body is not secret; the comparison is constant-time all the same.
            if !constant_time_eq(actual.as_bytes(), claimed.as_bytes()) {
                return Err(Rejection::BodyHashMismatch);
            }
        }
        Ok(Verified {
            url,
            params,
            signed_as,
        })
    }
}

impl<'a> WebhookRequest<'a> {
    /// A request with its method (`POST`), target as received (`/hook?x=1`, or an absolute URL) and body bytes.
    pub fn new(method: &'a str, target: &'a str, body: &'a [u8]) -> Self {
        Self {
            method,
            target,
            headers: Vec::new(),
            body,
            peer: None,
        }
    }

    /// Adds a header (repeat for repeated headers).
    #[must_use]
    pub fn header(mut self, name: &'a str, value: &'a [u8]) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The address of the connection's peer, checked against [`ProxyTrust::Networks`].
    #[must_use]
    pub fn peer(mut self, addr: IpAddr) -> Self {
        self.peer = Some(addr);
        self
    }

    fn headers_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The first `name` header as text, or an error naming it when it is not UTF-8.
    fn header_str(&self, name: &str) -> Result<Option<&'a str>, String> {
        self.headers_named(name)
            .next()
            .map(|v| std::str::from_utf8(v).map_err(|_| format!("the {name} header is not UTF-8")))
            .transpose()
    }
}

impl fmt::Debug for WebhookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("WebhookRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("header_names", &names)
            .field("body_len", &self.body.len())
            .field("peer", &self.peer)
            .finish()
    }
}

impl Rejection {
    /// The HTTP status to answer with: 403 for signature problems, 413 for a body over the limit, 415 for an
    /// unsupported content type, 400 for malformed requests.
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingSignature
            | Self::DuplicateSignature
            | Self::BadSignature
            | Self::BodyHashMismatch => 403,
            Self::BodyTooLarge { .. } => 413,
            Self::UnsupportedContentType(_) => 415,
            Self::Form(_) | Self::BadUrl(_) => 400,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("webhook request has no X-Twilio-Signature header"),
            Self::DuplicateSignature => {
                f.write_str("webhook request has more than one X-Twilio-Signature header")
            }
            Self::BadSignature => f.write_str(
                "X-Twilio-Signature does not match the request (check the auth token and the public URL)",
            ),
            Self::BodyTooLarge { limit, size } => {
                write!(f, "webhook body of {size} bytes is over the {limit}-byte limit")
            }
            Self::Form(e) => write!(f, "webhook body: {e}"),
            Self::BodyHashMismatch => {
                f.write_str("bodySHA256 in the URL does not match the SHA-256 of the body")
            }
            Self::UnsupportedContentType(ct) => write!(
                f,
                "webhook body of type `{ct}` is neither a form nor signed through bodySHA256"
            ),
            Self::BadUrl(why) => write!(f, "cannot rebuild the webhook's public URL: {why}"),
        }
    }
}

impl std::error::Error for Rejection {}

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
        self.matching_url(url, params, signature).is_some()
    }

    /// The URL candidate (as given, default port added or removed) that `signature` signs with `params`.
    fn matching_url<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
        signature: &str,
    ) -> Option<String> {
        let tag = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .ok()?;
        let mut matched = None;
        for candidate in public_url::url_variants(url) {
            // Evaluate every candidate so timing does not depend on which matched.
            let ok = hmac::verify(
                &self.key,
                signing_payload(&candidate, params).as_bytes(),
                &tag,
            )
            .is_ok();
            if ok && matched.is_none() {
                matched = Some(candidate);
            }
        }
        matched
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

/// The value of parameter `name` in the query of `url` (decoded as [`WebhookVerifier::verify`] decodes it), or
/// `None` when there is none or the query does not decode.
fn query_value(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    parse_form(query.as_bytes())
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
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

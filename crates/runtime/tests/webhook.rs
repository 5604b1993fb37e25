//! Whole-request webhook verification: public URLs configured or taken from trusted proxy headers, default
//! ports, form and JSON (`bodySHA256`) bodies, GET webhooks, and every rejection. Signatures here are computed
//! independently from Twilio's published algorithm (HMAC-SHA1 over the URL and the sorted `name + value` pairs,
//! base64), not with the crate's own signer.

use std::net::IpAddr;

use base64::Engine as _;
use ring::{digest, hmac};
use twilio_rest_runtime::webhook::{
    FormError, ProxyTrust, Rejection, Scheme, SignedAs, UrlSource, WebhookRequest, WebhookVerifier,
};

const TOKEN: &str = "auth-token-0123456789abcdef";
const FORM: &str = "application/x-www-form-urlencoded";

/// Twilio's algorithm, written out: URL, then for each name in sorted order its sorted distinct values.
fn twilio_signature(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, TOKEN.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hmac::sign(&key, data.as_bytes()).as_ref())
}

fn form_body(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const PARAMS: &[(&str, &str)] = &[
    ("EventType", "onMessageSend"),
    ("Body", "Hello, world & friends = 100%"),
    ("ChannelSid", "CH00000000000000000000000000000001"),
    ("Attributes", "{\"a\":1}"),
];

/// One proxy/port case: how the verifier is configured, what the app sees, which URL Twilio signed.
struct Case {
    name: &'static str,
    source: UrlSource,
    peer: Option<&'static str>,
    headers: &'static [(&'static str, &'static str)],
    target: &'static str,
    signed_url: &'static str,
    expected: Result<&'static str, Rejection>,
}

fn check(case: Case) {
    let verifier = WebhookVerifier::new(TOKEN, case.source);
    let body = form_body(PARAMS);
    let signature = twilio_signature(case.signed_url, PARAMS);
    let mut request = WebhookRequest::new("POST", case.target, body.as_bytes())
        .header("Content-Type", FORM.as_bytes())
        .header("X-Twilio-Signature", signature.as_bytes());
    for (name, value) in case.headers {
        request = request.header(name, value.as_bytes());
    }
    if let Some(peer) = case.peer {
        request = request.peer(peer.parse::<IpAddr>().unwrap());
    }
    let actual = verifier.verify(&request).map(|v| {
        assert_eq!(v.signed_as, SignedAs::FormBody, "{}", case.name);
        let expected: Vec<(String, String)> = PARAMS
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(v.params, expected, "{}", case.name);
        v.url
    });
    assert_eq!(
        actual.as_deref().map_err(Clone::clone),
        case.expected,
        "{}",
        case.name
    );
}

fn public(base: &str) -> UrlSource {
    UrlSource::public(base).unwrap()
}

fn internal() -> ProxyTrust {
    ProxyTrust::networks(&["10.0.0.0/8", "fd00::/8"]).unwrap()
}

#[test]
fn proxy_and_port_cases() {
    let cases = vec![
        Case {
            name: "configured public URL behind a TLS-terminating proxy",
            source: public("https://chat.example.com"),
            peer: Some("10.0.0.2"),
            headers: &[("Host", "10.0.0.5:8080")],
            target: "/hooks/chat?tenant=7",
            signed_url: "https://chat.example.com/hooks/chat?tenant=7",
            expected: Ok("https://chat.example.com/hooks/chat?tenant=7"),
        },
        Case {
            name: "configured public URL with a path prefix the proxy strips",
            source: public("https://example.com/api/"),
            peer: None,
            headers: &[],
            target: "/hooks/chat",
            signed_url: "https://example.com/api/hooks/chat",
            expected: Ok("https://example.com/api/hooks/chat"),
        },
        Case {
            name: "Twilio signed with :443, public URL configured without it",
            source: public("https://chat.example.com"),
            peer: None,
            headers: &[],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com:443/hooks/chat",
            expected: Ok("https://chat.example.com:443/hooks/chat"),
        },
        Case {
            name: "Twilio signed without the port, public URL configured with :443",
            source: public("https://chat.example.com:443"),
            peer: None,
            headers: &[],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Ok("https://chat.example.com/hooks/chat"),
        },
        Case {
            name: "http with :80 either way",
            source: public("http://chat.example.com"),
            peer: None,
            headers: &[],
            target: "/h",
            signed_url: "http://chat.example.com:80/h",
            expected: Ok("http://chat.example.com:80/h"),
        },
        Case {
            name: "exact URL: the proxy rewrote the path",
            source: UrlSource::exact("https://chat.example.com/webhooks/chat").unwrap(),
            peer: None,
            headers: &[("Host", "10.0.0.5:8080")],
            target: "/internal/v2/chat-hook",
            signed_url: "https://chat.example.com/webhooks/chat",
            expected: Ok("https://chat.example.com/webhooks/chat"),
        },
        Case {
            name: "exact URL keeps its trailing slash and takes the request's query",
            source: UrlSource::exact("https://chat.example.com/hook/").unwrap(),
            peer: None,
            headers: &[],
            target: "/x?tenant=7",
            signed_url: "https://chat.example.com/hook/?tenant=7",
            expected: Ok("https://chat.example.com/hook/?tenant=7"),
        },
        Case {
            name: "exact URL: signed without the query the request has",
            source: UrlSource::exact("https://chat.example.com/hook").unwrap(),
            peer: None,
            headers: &[],
            target: "/hook?added=1",
            signed_url: "https://chat.example.com/hook",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "a non-default port is never dropped",
            source: public("https://chat.example.com"),
            peer: None,
            headers: &[],
            target: "/h",
            signed_url: "https://chat.example.com:8443/h",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "configured public URL ignores forged forwarded headers",
            source: public("https://chat.example.com"),
            peer: Some("10.0.0.2"),
            headers: &[("X-Forwarded-Host", "evil.example.net")],
            target: "/h",
            signed_url: "https://evil.example.net/h",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "trusted proxy: X-Forwarded-Proto and X-Forwarded-Host",
            source: UrlSource::forwarded(Scheme::Http, internal()),
            peer: Some("10.1.2.3"),
            headers: &[
                ("Host", "app:8080"),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "chat.example.com"),
            ],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Ok("https://chat.example.com/hooks/chat"),
        },
        Case {
            name: "trusted proxy chain: the first forwarded value is the public one",
            source: UrlSource::forwarded(Scheme::Http, internal()),
            peer: Some("fd12::7"),
            headers: &[
                ("Host", "app:8080"),
                ("X-Forwarded-Proto", "https, http"),
                ("X-Forwarded-Host", "chat.example.com, lb.internal"),
            ],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Ok("https://chat.example.com/hooks/chat"),
        },
        Case {
            name: "trusted proxy: Host kept when only X-Forwarded-Proto is set",
            source: UrlSource::forwarded(Scheme::Http, internal()),
            peer: Some("10.0.0.9"),
            headers: &[("Host", "chat.example.com"), ("X-Forwarded-Proto", "https")],
            target: "/h",
            signed_url: "https://chat.example.com:443/h",
            expected: Ok("https://chat.example.com:443/h"),
        },
        Case {
            name: "trusted proxy: X-Forwarded-Port is added to a host without one",
            source: UrlSource::forwarded(Scheme::Https, internal()),
            peer: Some("10.0.0.9"),
            headers: &[
                ("X-Forwarded-Host", "chat.example.com"),
                ("X-Forwarded-Port", "8443"),
            ],
            target: "/h",
            signed_url: "https://chat.example.com:8443/h",
            expected: Ok("https://chat.example.com:8443/h"),
        },
        Case {
            name: "untrusted peer: forwarded headers ignored, so a proxied request fails closed",
            source: UrlSource::forwarded(Scheme::Http, internal()),
            peer: Some("203.0.113.50"),
            headers: &[
                ("Host", "app:8080"),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "chat.example.com"),
            ],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "no peer address: trusted networks cannot match",
            source: UrlSource::forwarded(Scheme::Http, internal()),
            peer: None,
            headers: &[
                ("Host", "app:8080"),
                ("X-Forwarded-Host", "chat.example.com"),
            ],
            target: "/h",
            signed_url: "http://chat.example.com/h",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "no configuration behind a proxy fails closed",
            source: UrlSource::host_header(Scheme::Http),
            peer: Some("10.0.0.2"),
            headers: &[
                ("Host", "app:8080"),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "chat.example.com"),
            ],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Err(Rejection::BadSignature),
        },
        Case {
            name: "direct: Host header with the configured scheme",
            source: UrlSource::host_header(Scheme::Https),
            peer: Some("198.51.100.1"),
            headers: &[("Host", "chat.example.com")],
            target: "/hooks/chat",
            signed_url: "https://chat.example.com/hooks/chat",
            expected: Ok("https://chat.example.com/hooks/chat"),
        },
        Case {
            name: "everyone trusted",
            source: UrlSource::forwarded(Scheme::Http, ProxyTrust::Everyone),
            peer: None,
            headers: &[("Host", "app"), ("X-Forwarded-Proto", "HTTPS")],
            target: "http://app/h",
            signed_url: "https://app/h",
            expected: Ok("https://app/h"),
        },
        Case {
            name: "missing Host",
            source: UrlSource::host_header(Scheme::Https),
            peer: None,
            headers: &[],
            target: "/h",
            signed_url: "https://chat.example.com/h",
            expected: Err(Rejection::BadUrl("the request has no Host header".into())),
        },
        Case {
            name: "a Host that smuggles a path",
            source: UrlSource::host_header(Scheme::Https),
            peer: None,
            headers: &[("Host", "chat.example.com/x?")],
            target: "/h",
            signed_url: "https://chat.example.com/x?/h",
            expected: Err(Rejection::BadUrl(
                "host `chat.example.com/x?` is not a host name".into(),
            )),
        },
        Case {
            name: "a forwarded scheme that is not http or https",
            source: UrlSource::forwarded(Scheme::Https, ProxyTrust::Everyone),
            peer: None,
            headers: &[("Host", "a.com"), ("X-Forwarded-Proto", "gopher")],
            target: "/h",
            signed_url: "https://a.com/h",
            expected: Err(Rejection::BadUrl(
                "X-Forwarded-Proto `gopher` is not http or https".into(),
            )),
        },
    ];
    for case in cases {
        check(case);
    }
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(
        TOKEN,
        UrlSource::public("https://chat.example.com").unwrap(),
    )
}

fn post<'a>(target: &'a str, body: &'a [u8], signature: &'a str) -> WebhookRequest<'a> {
    WebhookRequest::new("POST", target, body)
        .header("content-type", FORM.as_bytes())
        .header("x-twilio-signature", signature.as_bytes())
}

#[test]
fn json_body_sha256() {
    let body = br#"{"EventType":"onMessageSent","Body":"hi"}"#;
    let hash = hex(digest::digest(&digest::SHA256, body).as_ref());
    let target = format!("/hooks/json?bodySHA256={hash}");
    let url = format!("https://chat.example.com{target}");
    let signature = twilio_signature(&url, &[]);
    let request = WebhookRequest::new("POST", &target, body)
        .header("Content-Type", b"application/json")
        .header("X-Twilio-Signature", signature.as_bytes());
    let verified = verifier().verify(&request).unwrap();
    assert_eq!(verified.signed_as, SignedAs::BodyHash);
    assert_eq!(verified.url, url);
    assert!(verified.params.is_empty());

    // Same URL and signature, different body: the hash no longer matches.
    let tampered = WebhookRequest::new(
        "POST",
        &target,
        br#"{"EventType":"onMessageSent","Body":"HI"}"#,
    )
    .header("X-Twilio-Signature", signature.as_bytes());
    assert_eq!(
        verifier().verify(&tampered),
        Err(Rejection::BodyHashMismatch)
    );

    // A hash for the tampered body in the URL changes what was signed.
    let other = hex(digest::digest(&digest::SHA256, b"{}").as_ref());
    let forged_target = format!("/hooks/json?bodySHA256={other}");
    let forged = WebhookRequest::new("POST", &forged_target, b"{}")
        .header("X-Twilio-Signature", signature.as_bytes());
    assert_eq!(verifier().verify(&forged), Err(Rejection::BadSignature));

    // Upper-case hex is the same hash.
    let upper_target = format!("/hooks/json?bodySHA256={}", hash.to_ascii_uppercase());
    let upper_url = format!("https://chat.example.com{upper_target}");
    let upper_signature = twilio_signature(&upper_url, &[]);
    let upper = WebhookRequest::new("POST", &upper_target, body)
        .header("X-Twilio-Signature", upper_signature.as_bytes());
    assert!(verifier().verify(&upper).is_ok());

    // JSON without bodySHA256 is not something a signature covers.
    let unsigned_json = WebhookRequest::new("POST", "/hooks/json", body)
        .header("Content-Type", b"application/json; charset=utf-8")
        .header("X-Twilio-Signature", signature.as_bytes());
    assert_eq!(
        verifier().verify(&unsigned_json),
        Err(Rejection::UnsupportedContentType("application/json".into()))
    );
}

#[test]
fn get_webhooks_sign_the_url_only() {
    let target = "/hooks/chat?EventType=onMessageSent&Body=hi+there";
    let signature = twilio_signature(&format!("https://chat.example.com{target}"), &[]);
    let request =
        WebhookRequest::new("GET", target, b"").header("X-Twilio-Signature", signature.as_bytes());
    let verified = verifier().verify(&request).unwrap();
    assert_eq!(verified.signed_as, SignedAs::UrlOnly);
    assert_eq!(
        verified.params,
        [
            ("EventType".to_owned(), "onMessageSent".to_owned()),
            ("Body".to_owned(), "hi there".to_owned())
        ]
    );
}

#[test]
fn duplicate_keys_are_kept_and_signed_as_twilio_does() {
    let params = [("To", "b"), ("EventType", "x"), ("To", "a"), ("To", "b")];
    let body = form_body(&params);
    let signature = twilio_signature("https://chat.example.com/h", &params);
    let verified = verifier()
        .verify(&post("/h", body.as_bytes(), &signature))
        .unwrap();
    let names: Vec<(&str, &str)> = verified
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(names, params);
}

#[test]
fn rejections() {
    let body = form_body(PARAMS);
    let good = twilio_signature("https://chat.example.com/h", PARAMS);
    let v = verifier();
    assert!(v.verify(&post("/h", body.as_bytes(), &good)).is_ok());

    let no_signature = WebhookRequest::new("POST", "/h", body.as_bytes());
    assert_eq!(v.verify(&no_signature), Err(Rejection::MissingSignature));

    let twice = post("/h", body.as_bytes(), &good).header("X-Twilio-Signature", good.as_bytes());
    assert_eq!(v.verify(&twice), Err(Rejection::DuplicateSignature));

    for bad in ["", "not base64!", "AAAA", &good[1..]] {
        assert_eq!(
            v.verify(&post("/h", body.as_bytes(), bad)),
            Err(Rejection::BadSignature),
            "{bad}"
        );
    }
    let non_utf8 = WebhookRequest::new("POST", "/h", body.as_bytes())
        .header("X-Twilio-Signature", b"\xff\xfe");
    assert_eq!(v.verify(&non_utf8), Err(Rejection::BadSignature));

    let wrong_token = WebhookVerifier::new(
        "other-token",
        UrlSource::public("https://chat.example.com").unwrap(),
    );
    assert_eq!(
        wrong_token.verify(&post("/h", body.as_bytes(), &good)),
        Err(Rejection::BadSignature)
    );

    let tampered = body.replace("Hello", "Jello");
    assert_eq!(
        v.verify(&post("/h", tampered.as_bytes(), &good)),
        Err(Rejection::BadSignature)
    );
    let added = format!("{body}&Extra=1");
    assert_eq!(
        v.verify(&post("/h", added.as_bytes(), &good)),
        Err(Rejection::BadSignature)
    );
    assert_eq!(
        v.verify(&post("/other", body.as_bytes(), &good)),
        Err(Rejection::BadSignature)
    );

    assert_eq!(
        v.verify(&post("/h", b"Body=50%&EventType=x", &good)),
        Err(Rejection::Form(FormError::BadEscape { pair: 0, offset: 7 }))
    );
    assert_eq!(
        v.verify(&post("/h", b"EventType=x&Body=%C3%28", &good)),
        Err(Rejection::Form(FormError::NotUtf8 {
            pair: 1,
            name: Some("Body".into())
        }))
    );
    assert_eq!(
        v.verify(&post("/h", b"EventType=x&Body=\xe9", &good)),
        Err(Rejection::Form(FormError::NotUtf8 {
            pair: 1,
            name: Some("Body".into())
        }))
    );

    let text = WebhookRequest::new("POST", "/h", body.as_bytes())
        .header("Content-Type", b"text/plain")
        .header("X-Twilio-Signature", good.as_bytes());
    assert_eq!(
        v.verify(&text),
        Err(Rejection::UnsupportedContentType("text/plain".into()))
    );
}

#[test]
fn bodies_over_the_limit_are_refused_before_any_work() {
    let v = verifier().with_max_body_bytes(1024);
    assert_eq!(v.max_body_bytes(), 1024);
    let params = [("EventType", "onMessageSend"), ("Body", &*"x".repeat(2000))];
    let body = form_body(&params);
    let good = twilio_signature("https://chat.example.com/h", &params);
    assert_eq!(
        v.verify(&post("/h", body.as_bytes(), &good)),
        Err(Rejection::BodyTooLarge {
            limit: 1024,
            size: body.len()
        })
    );
    // Even without a signature or a valid encoding, the size is what is reported.
    let huge = vec![b'%'; 10 * 1024 * 1024];
    assert_eq!(
        verifier().verify(&WebhookRequest::new("POST", "/h", &huge)),
        Err(Rejection::BodyTooLarge {
            limit: WebhookVerifier::DEFAULT_MAX_BODY_BYTES,
            size: huge.len()
        })
    );
    // The same body passes under a larger limit.
    assert!(
        verifier()
            .verify(&post("/h", body.as_bytes(), &good))
            .is_ok()
    );
}

#[test]
fn rejection_statuses_and_messages() {
    let cases: Vec<(Rejection, u16, &str)> = vec![
        (
            Rejection::MissingSignature,
            403,
            "webhook request has no X-Twilio-Signature header",
        ),
        (
            Rejection::BadSignature,
            403,
            "X-Twilio-Signature does not match the request (check the auth token and the public URL)",
        ),
        (
            Rejection::BodyHashMismatch,
            403,
            "bodySHA256 in the URL does not match the SHA-256 of the body",
        ),
        (
            Rejection::BodyTooLarge {
                limit: 10,
                size: 11,
            },
            413,
            "webhook body of 11 bytes is over the 10-byte limit",
        ),
        (
            Rejection::Form(FormError::BadEscape { pair: 2, offset: 9 }),
            400,
            "webhook body: form pair 2: `%` at byte 9 is not followed by two hexadecimal digits",
        ),
        (
            Rejection::UnsupportedContentType("text/plain".into()),
            415,
            "webhook body of type `text/plain` is neither a form nor signed through bodySHA256",
        ),
    ];
    for (rejection, status, message) in cases {
        assert_eq!(rejection.status(), status, "{rejection:?}");
        assert_eq!(rejection.to_string(), message);
    }
}

#[test]
fn debug_output_has_no_secrets() {
    let v = verifier();
    assert!(!format!("{v:?}").contains(TOKEN));
    let request = post("/h", b"Body=private+words", "sig");
    let dbg = format!("{request:?}");
    assert!(!dbg.contains("private"), "{dbg}");
    assert!(dbg.contains("body_len: 18"), "{dbg}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Verification: each way a token can be wrong gives its own `VerifyError`, checked through one helper that also
//! asserts the message never contains the secret. Forged tokens are signed here with ring, so that the checks
//! after the signature (payload shape, validity period) are reached.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use twilio_access_token::{AccessToken, ChatGrant, Claims, Segment, VerifyError, verify_at};

const SECRET: &str = "verify-secret-do-not-show";
const NOW: u64 = 1_750_000_000;
const HEADER: &str = r#"{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}"#;

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// `header.payload.signature` with both parts base64url-encoded as given and signed with `secret`.
fn signed(header_b64: &str, payload_b64: &str, secret: &str) -> String {
    let input = format!("{header_b64}.{payload_b64}");
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac::sign(&key, input.as_bytes()));
    format!("{input}.{signature}")
}

fn payload(exp: u64, nbf: u64) -> String {
    format!(
        r#"{{"jti":"SK1-{nbf}","grants":{{"identity":"alice"}},"iss":"SK1","exp":{exp},"nbf":{nbf},"sub":"AC1"}}"#
    )
}

fn good_token() -> String {
    AccessToken::builder(
        "AC0123456789abcdef0123456789abcdef",
        "SK0123456789abcdef0123456789abcdef",
        SECRET,
    )
    .identity("alice")
    .chat_grant(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
    .build()
    .and_then(|t| t.to_jwt_at(NOW))
    .expect("signs")
}

/// Verifies `token` at `now` and asserts the error; the message must never show the secret.
fn check_err(token: &str, now: u64, expected: &VerifyError) {
    match verify_at(token, SECRET, now) {
        Ok(claims) => panic!("{token:?} verified to {claims:?}, expected {expected:?}"),
        Err(got) => {
            assert_eq!(&got, expected, "token {token:?}");
            let shown = format!("{got} {got:?}");
            assert!(!shown.contains(SECRET), "the secret shows in {shown}");
        }
    }
}

fn check_ok(token: &str, now: u64) -> Claims {
    verify_at(token, SECRET, now).unwrap_or_else(|e| panic!("{token:?} at {now}: {e}"))
}

fn json_err(segment: Segment, token: &str) -> VerifyError {
    match verify_at(token, SECRET, NOW) {
        Err(err @ VerifyError::Json { segment: got, .. }) if got == segment => err,
        other => panic!("{token:?}: expected a {segment} JSON error, got {other:?}"),
    }
}

#[test]
fn good_token_verifies() {
    let claims = check_ok(&good_token(), NOW);
    assert_eq!(claims.identity.as_deref(), Some("alice"));
    assert_eq!(claims.iss, "SK0123456789abcdef0123456789abcdef");
    assert_eq!(claims.sub, "AC0123456789abcdef0123456789abcdef");
    assert_eq!(
        claims.jti,
        format!("SK0123456789abcdef0123456789abcdef-{NOW}")
    );
    assert_eq!((claims.exp, claims.nbf), (NOW + 3600, Some(NOW)));
    assert_eq!(claims.region, None);
    assert_eq!(
        claims.chat,
        Some(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
    );
    assert!(claims.other_grants.is_empty());
}

#[test]
fn wrong_segment_count() {
    let token = good_token();
    for (text, found) in [
        (String::new(), 1),
        ("abc".to_owned(), 1),
        ("a.b".to_owned(), 2),
        (format!("{token}.x"), 4),
        ("....".to_owned(), 5),
    ] {
        check_err(&text, NOW, &VerifyError::SegmentCount { found });
    }
    assert_eq!(
        VerifyError::SegmentCount { found: 2 }.to_string(),
        "malformed token: expected 3 dot-separated segments, found 2"
    );
}

#[test]
fn malformed_base64_in_each_segment() {
    let token = good_token();
    let [h, p, s]: [&str; 3] = token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .expect("3 parts");
    let base64_err = |segment| move |e: VerifyError| matches!(e, VerifyError::Base64 { segment: got, .. } if got == segment);
    let cases: [(String, Segment); 6] = [
        (format!("!!.{p}.{s}"), Segment::Header),
        (format!("{h}=.{p}.{s}"), Segment::Header), // padding is not allowed
        (format!("{h}.{p}.{s}*"), Segment::Signature),
        (format!("{h}.{p}.{s}="), Segment::Signature),
        (signed(h, "p+y/", SECRET), Segment::Payload), // standard, not url-safe, alphabet
        (signed(h, "a", SECRET), Segment::Payload),    // impossible length
    ];
    for (text, segment) in cases {
        let err = verify_at(&text, SECRET, NOW).expect_err(&text);
        assert!(base64_err(segment)(err.clone()), "{text}: {err:?}");
        assert!(err.to_string().starts_with(&format!(
            "malformed token: the {segment} is not unpadded base64url"
        )));
    }
}

#[test]
fn malformed_json_in_header_and_payload() {
    let p = b64(&payload(NOW + 60, NOW));
    let sig = "AAAA";
    for header in [
        "{",
        "",
        "[]",
        "null",
        r#"{"typ":"JWT"}"#,
        r#"{"alg":5}"#,
        "\u{0}",
    ] {
        json_err(Segment::Header, &format!("{}.{p}.{sig}", b64(header)));
    }
    let invalid_utf8 = URL_SAFE_NO_PAD.encode([0xff, 0xfe, b'{']);
    json_err(Segment::Header, &format!("{invalid_utf8}.{p}.{sig}"));

    let h = b64(HEADER);
    for body in [
        "{",
        "",
        "[1]",
        r#"{"jti":"j","grants":{},"iss":"SK1","sub":"AC1"}"#, // no exp
        r#"{"jti":"j","grants":{},"iss":"SK1","exp":"soon","sub":"AC1"}"#, // exp not a number
        r#"{"jti":"j","grants":{},"iss":"SK1","exp":-5,"sub":"AC1"}"#,
        r#"{"jti":"j","grants":{},"iss":"SK1","exp":1.5e300,"sub":"AC1"}"#,
        r#"{"jti":"j","iss":"SK1","exp":9999999999,"sub":"AC1"}"#, // no grants
        r#"{"jti":"j","grants":{"identity":7},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        r#"{"jti":"j","grants":{"chat":"IS1"},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        r#"{"jti":"j","grants":{},"iss":"SK1","exp":1,"exp":9999999999,"sub":"AC1"}"#, // duplicate claim
    ] {
        let err = json_err(Segment::Payload, &signed(&h, &b64(body), SECRET));
        assert!(
            err.to_string()
                .starts_with("malformed token: the payload is not valid JSON: "),
            "{err}"
        );
    }
    let err = json_err(
        Segment::Payload,
        &signed(
            &h,
            &b64(r#"{"jti":"j","grants":{},"iss":"SK1","sub":"AC1"}"#),
            SECRET,
        ),
    );
    assert!(err.to_string().contains("missing field `exp`"), "{err}");
}

#[test]
fn algorithms_other_than_hs256_are_refused() {
    let p = b64(&payload(NOW + 60, NOW));
    for alg in ["none", "None", "HS384", "HS512", "RS256", "hs256", ""] {
        let header = b64(&format!(
            r#"{{"alg":"{alg}","cty":"twilio-fpa;v=1","typ":"JWT"}}"#
        ));
        let expected = VerifyError::UnsupportedAlgorithm { alg: alg.into() };
        // Unsigned (the classic `alg: none` forgery) and signed with the right secret: refused either way.
        check_err(&format!("{header}.{p}."), NOW, &expected);
        check_err(&signed(&header, &p, SECRET), NOW, &expected);
    }
    assert_eq!(
        VerifyError::UnsupportedAlgorithm { alg: "none".into() }.to_string(),
        r#"unsupported algorithm "none": Twilio Access Tokens use HS256"#
    );
}

#[test]
fn tokens_without_twilio_content_type_are_refused() {
    let p = b64(&payload(NOW + 60, NOW));
    let no_cty = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    check_err(
        &signed(&no_cty, &p, SECRET),
        NOW,
        &VerifyError::NotAnAccessToken { cty: None },
    );
    let other = b64(r#"{"alg":"HS256","cty":"JWT","typ":"JWT"}"#);
    check_err(
        &signed(&other, &p, SECRET),
        NOW,
        &VerifyError::NotAnAccessToken {
            cty: Some("JWT".into()),
        },
    );
}

#[test]
fn bad_signatures() {
    let token = good_token();
    let [h, p, s]: [&str; 3] = token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .expect("3 parts");
    // Signed with another secret.
    let other = signed(h, p, "another secret");
    // Payload changed after signing (identity "mallory"), signature kept.
    let forged_payload = b64(&payload(NOW + 60, NOW).replace("alice", "mallory"));
    let cases = [
        other,
        format!("{h}.{forged_payload}.{s}"),
        format!("{h}.{p}."), // empty signature
        format!("{h}.{p}.{}", truncated_signature(s)),
        format!("{h}.{p}.{}A", &s[..s.len() - 1]),
        format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode([0u8; 32])),
    ];
    for text in cases {
        check_err(&text, NOW, &VerifyError::BadSignature);
    }
    assert!(verify_at(&token, "", NOW) == Err(VerifyError::BadSignature));
}

#[test]
fn expiry_and_not_before_are_exact() {
    let token = good_token();
    check_ok(&token, NOW);
    check_ok(&token, NOW + 3599);
    check_err(
        &token,
        NOW + 3600,
        &VerifyError::Expired {
            exp: NOW + 3600,
            now: NOW + 3600,
        },
    );
    check_err(
        &token,
        u64::MAX,
        &VerifyError::Expired {
            exp: NOW + 3600,
            now: u64::MAX,
        },
    );
    check_err(
        &token,
        NOW - 1,
        &VerifyError::NotYetValid {
            nbf: NOW,
            now: NOW - 1,
        },
    );
    check_err(&token, 0, &VerifyError::NotYetValid { nbf: NOW, now: 0 });
    assert_eq!(
        VerifyError::Expired { exp: 10, now: 11 }.to_string(),
        "the token expired at 10 (now 11)"
    );
    assert_eq!(
        VerifyError::NotYetValid { nbf: 10, now: 9 }.to_string(),
        "the token is not valid before 10 (now 9)"
    );

    // Without nbf, a token is valid from any time before its expiry.
    let h = b64(HEADER);
    let no_nbf = signed(
        &h,
        &b64(r#"{"jti":"j","grants":{},"iss":"SK1","exp":100,"sub":"AC1"}"#),
        SECRET,
    );
    assert_eq!(check_ok(&no_nbf, 0).nbf, None);
    check_err(&no_nbf, 100, &VerifyError::Expired { exp: 100, now: 100 });
}

#[test]
fn system_clock_variant_rejects_old_tokens() {
    // Minted in 2025 with a one-hour lifetime: expired by now.
    let err = twilio_access_token::verify(&good_token(), SECRET).expect_err("expired");
    assert!(
        matches!(err, VerifyError::Expired { exp, .. } if exp == NOW + 3600),
        "{err:?}"
    );
}

#[test]
fn long_values_from_the_token_are_shortened_in_messages() {
    let alg = "X".repeat(10_000);
    let header = b64(&format!(r#"{{"alg":"{alg}","cty":"twilio-fpa;v=1"}}"#));
    let err = verify_at(&format!("{header}.e30.AAAA"), SECRET, NOW).expect_err("bad alg");
    assert_eq!(err, VerifyError::UnsupportedAlgorithm { alg });
    assert!(err.to_string().len() < 130, "{err}");
    assert!(err.to_string().contains("XXX...\""), "{err}");
}

/// The first 31 bytes of a signature, re-encoded.
fn truncated_signature(signature: &str) -> String {
    let bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .expect("base64url signature");
    URL_SAFE_NO_PAD.encode(&bytes[..31])
}

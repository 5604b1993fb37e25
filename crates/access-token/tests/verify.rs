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

/// Verifies a token with `HEADER` and `body` as its payload, signed with `SECRET`, at `NOW`.
fn verify_body(body: &str) -> Result<Claims, VerifyError> {
    verify_at(&signed(&b64(HEADER), &b64(body), SECRET), SECRET, NOW)
}

/// The detail of the payload JSON error `body` gives.
fn payload_detail(body: &str) -> String {
    match verify_body(body) {
        Err(VerifyError::Json {
            segment: Segment::Payload,
            detail,
        }) => detail,
        other => panic!("{body}: expected a payload JSON error, got {other:?}"),
    }
}

/// The detail of the header JSON error `header` gives (with a good payload and signature).
fn header_detail(header: &str) -> String {
    let token = signed(&b64(header), &b64(&payload(NOW + 60, NOW)), SECRET);
    match verify_at(&token, SECRET, NOW) {
        Err(VerifyError::Json {
            segment: Segment::Header,
            detail,
        }) => detail,
        other => panic!("{header}: expected a header JSON error, got {other:?}"),
    }
}

#[test]
fn each_missing_claim_is_named() {
    for (claim, body) in [
        (
            "jti",
            r#"{"grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        ),
        (
            "grants",
            r#"{"jti":"j","iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        ),
        (
            "iss",
            r#"{"jti":"j","grants":{},"exp":9999999999,"sub":"AC1"}"#,
        ),
        ("exp", r#"{"jti":"j","grants":{},"iss":"SK1","sub":"AC1"}"#),
        (
            "sub",
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999}"#,
        ),
        ("jti", "{}"),
    ] {
        let detail = payload_detail(body);
        assert!(
            detail.starts_with(&format!("missing field `{claim}`")),
            "{body}: {detail}"
        );
    }
}

#[test]
fn claims_of_the_wrong_type_are_json_errors() {
    for (body, message) in [
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":"9999999999","sub":"AC1"}"#,
            r#"invalid type: string "9999999999", expected u64"#,
        ),
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":1e3,"sub":"AC1"}"#,
            "invalid type: floating point `1000.0`, expected u64",
        ),
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999,"nbf":-1,"sub":"AC1"}"#,
            "invalid value: integer `-1`, expected u64",
        ),
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999,"nbf":"1","sub":"AC1"}"#,
            r#"invalid type: string "1", expected u64"#,
        ),
        (
            r#"{"jti":null,"grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "invalid type: null, expected a string",
        ),
        (
            r#"{"jti":"j","grants":{},"iss":5,"exp":9999999999,"sub":"AC1"}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999,"sub":["AC1"]}"#,
            "invalid type: sequence, expected a string",
        ),
        (
            r#"{"jti":"j","grants":{"identity":7},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "invalid type: integer `7`, expected a string",
        ),
        (
            r#"{"jti":"j","grants":{"chat":{"service_sid":5}},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"jti":"j","grants":{"chat":"IS1"},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            r#"invalid type: string "IS1""#,
        ),
        (
            r#"{"jti":"j","grants":null,"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "invalid type: null",
        ),
        (
            r#"{"jti":"j","grants":[],"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "invalid type: sequence",
        ),
        (
            r#"{"jti":"j","grants":"all","iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            r#"invalid type: string "all""#,
        ),
        ("5", "invalid type: integer `5`"),
        ("null", "invalid type: null"),
    ] {
        let detail = payload_detail(body);
        assert!(detail.starts_with(message), "{body}: {detail}");
    }
}

#[test]
fn repeated_claims_and_trailing_text_are_json_errors() {
    for (body, message) in [
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":1,"exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `exp`",
        ),
        (
            r#"{"jti":"j","jti":"k","grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `jti`",
        ),
        (
            r#"{"jti":"j","grants":{},"grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `grants`",
        ),
        (
            r#"{"jti":"j","grants":{"identity":"a","identity":"b"},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `identity`",
        ),
        (
            r#"{"jti":"j","grants":{"chat":{},"chat":null},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `chat`",
        ),
        // Other grants follow the same rule: a grant key given twice is an error naming it.
        (
            r#"{"jti":"j","grants":{"video":{},"x":1,"x":2},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `x`",
        ),
        (
            r#"{"jti":"j","grants":{"video":{"room":"r"},"identity":"a","video":null},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
            "duplicate field `video`",
        ),
        (
            r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"} x"#,
            "trailing characters",
        ),
    ] {
        let detail = payload_detail(body);
        assert!(detail.starts_with(message), "{body}: {detail}");
    }
}

#[test]
fn grants_other_than_identity_and_chat_are_kept() {
    let claims = verify_body(
        r#"{"jti":"j","grants":{"video":{"room":"r"},"identity":"alice","sync":{"service_sid":"IS1","n":[1,null,true]},"x":2,"y":null},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
    )
    .expect("verifies");
    assert_eq!(claims.identity.as_deref(), Some("alice"));
    assert_eq!(claims.chat, None);
    let expected = serde_json::json!({
        "video": {"room": "r"},
        "sync": {"service_sid": "IS1", "n": [1, null, true]},
        "x": 2,
        "y": null,
    });
    assert_eq!(
        serde_json::Value::Object(claims.other_grants.clone()),
        expected
    );
    assert!(!claims.other_grants.contains_key("identity"));
}

#[test]
fn identity_chat_and_nbf_may_be_missing_or_null() {
    for body in [
        r#"{"jti":"j","grants":{},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        r#"{"jti":"j","grants":{"identity":null,"chat":null},"iss":"SK1","exp":9999999999,"nbf":null,"sub":"AC1"}"#,
    ] {
        let claims = verify_body(body).expect("verifies");
        assert_eq!(
            (claims.identity, claims.chat, claims.nbf),
            (None, None, None),
            "{body}"
        );
        assert!(claims.other_grants.is_empty(), "{body}");
        assert_eq!(
            (
                claims.jti.as_str(),
                claims.iss.as_str(),
                claims.sub.as_str()
            ),
            ("j", "SK1", "AC1")
        );
        assert_eq!(claims.exp, 9_999_999_999);
    }
}

#[test]
fn the_chat_grant_is_read_with_its_members() {
    let claims = verify_body(
        r#"{"sub":"AC1","exp":9999999999,"iss":"SK1","grants":{"chat":{"push_credential_sid":"CR1","x":{},"service_sid":"IS1","endpoint_id":null}},"jti":"j","nbf":5,"extra":[1]}"#,
    )
    .expect("verifies");
    assert_eq!(
        claims.chat,
        Some(ChatGrant::service("IS1").with_push_credential_sid("CR1"))
    );
    assert_eq!(claims.nbf, Some(5));
    assert!(claims.other_grants.is_empty());
}

#[test]
fn header_members_are_checked() {
    // `cty` null reads as absent; `twr` becomes the region; unknown members are ignored.
    let p = b64(&payload(NOW + 60, NOW));
    check_err(
        &signed(&b64(r#"{"alg":"HS256","cty":null}"#), &p, SECRET),
        NOW,
        &VerifyError::NotAnAccessToken { cty: None },
    );
    let with_region = signed(
        &b64(r#"{"twr":"ie1","kid":{"a":[1]},"cty":"twilio-fpa;v=1","alg":"HS256","twr2":5}"#),
        &p,
        SECRET,
    );
    assert_eq!(check_ok(&with_region, NOW).region.as_deref(), Some("ie1"));
    let twr_null = signed(
        &b64(r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":null}"#),
        &p,
        SECRET,
    );
    assert_eq!(check_ok(&twr_null, NOW).region, None);

    for (header, message) in [
        (r#"{"cty":"twilio-fpa;v=1"}"#, "missing field `alg`"),
        (
            r#"{"alg":null,"cty":"twilio-fpa;v=1"}"#,
            "invalid type: null, expected a string",
        ),
        (
            r#"{"alg":"HS256","cty":5}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","twr":5}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","alg":"HS256"}"#,
            "duplicate field `alg`",
        ),
        (
            r#"{"alg":"HS256","cty":"twilio-fpa;v=1","cty":"twilio-fpa;v=1"}"#,
            "duplicate field `cty`",
        ),
        ("true", "invalid type: boolean `true`"),
    ] {
        let detail = header_detail(header);
        assert!(detail.starts_with(message), "{header}: {detail}");
    }
}

#[test]
fn header_payload_and_grants_must_be_objects() {
    // A JSON array of the members in order is not a JOSE header, a claims set or a grant.
    let p = b64(&payload(NOW + 60, NOW));
    let detail = header_detail(r#"["HS256","twilio-fpa;v=1"]"#);
    assert!(detail.starts_with("invalid type: sequence"), "{detail}");
    let array_header = signed(&b64(r#"["HS256","twilio-fpa;v=1",null]"#), &p, SECRET);
    assert!(
        matches!(
            verify_at(&array_header, SECRET, NOW),
            Err(VerifyError::Json {
                segment: Segment::Header,
                ..
            })
        ),
        "{array_header}"
    );
    for body in [
        r#"["j",{},"SK1",9999999999,null,"AC1"]"#,
        r#"{"jti":"j","grants":["alice",null],"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
        r#"{"jti":"j","grants":{"chat":["IS1"]},"iss":"SK1","exp":9999999999,"sub":"AC1"}"#,
    ] {
        let detail = payload_detail(body);
        assert!(
            detail.starts_with("invalid type: sequence"),
            "{body}: {detail}"
        );
    }
}

/// The first 31 bytes of a signature, re-encoded.
fn truncated_signature(signature: &str) -> String {
    let bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .expect("base64url signature");
    URL_SAFE_NO_PAD.encode(&bytes[..31])
}

//! Minting: every input error has its own `MintError`, limits are exact (never clamped), the secret never shows,
//! and tokens with characters beyond the Basic Multilingual Plane or extra grants match the bytes Python's
//! `json.dumps` + `hmac` (the way PyJWT signs) produce for the same inputs.

use std::time::Duration;

use serde_json::json;
use twilio_access_token::{AccessToken, AccessTokenBuilder, ChatGrant, MintError, verify_at};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const KEY: &str = "SK0123456789abcdef0123456789abcdef";
const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const SECRET: &str = "s3cr3t-value-that-must-not-leak";
const NOW: u64 = 1_750_000_000;

fn builder() -> AccessTokenBuilder {
    AccessToken::builder(ACCOUNT, KEY, SECRET).identity("alice")
}

/// Builds and signs at `NOW`, and asserts the outcome is `expected`; errors must never show the secret.
fn check(builder: AccessTokenBuilder, expected: Result<(), MintError>) {
    let outcome = builder.build().and_then(|token| token.to_jwt_at(NOW));
    match (&outcome, &expected) {
        (Ok(_), Ok(())) => {}
        (Err(got), Err(want)) => {
            assert_eq!(got, want);
            let shown = format!("{got} {got:?}");
            assert!(!shown.contains(SECRET), "the secret shows in {shown}");
        }
        _ => panic!("expected {expected:?}, got {outcome:?}"),
    }
}

#[test]
fn sids_must_have_their_prefix() {
    let sid_error = |field, expected_prefix| {
        Err(MintError::InvalidSid {
            field,
            expected_prefix,
        })
    };
    check(
        AccessToken::builder("", KEY, SECRET).identity("a"),
        sid_error("account SID", "AC"),
    );
    check(
        AccessToken::builder("AC", KEY, SECRET).identity("a"),
        sid_error("account SID", "AC"),
    );
    // The account SID as issuer, a mistake seen in the wild.
    check(
        AccessToken::builder(ACCOUNT, ACCOUNT, SECRET).identity("a"),
        sid_error("API key SID", "SK"),
    );
    check(
        AccessToken::builder(KEY, ACCOUNT, SECRET).identity("a"),
        sid_error("account SID", "AC"),
    );
}

#[test]
fn secret_swapped_with_key_sid_is_not_echoed() {
    let builder = AccessToken::builder(ACCOUNT, SECRET, KEY).identity("a");
    let err = builder.build().expect_err("the secret is not a key SID");
    assert_eq!(
        err.to_string(),
        "the API key SID must start with `SK` (as in SK0123456789abcdef0123456789abcdef)"
    );
}

#[test]
fn secret_must_not_be_empty() {
    check(
        AccessToken::builder(ACCOUNT, KEY, "").identity("a"),
        Err(MintError::EmptySecret),
    );
}

#[test]
fn identity_is_required_and_not_empty() {
    check(
        AccessToken::builder(ACCOUNT, KEY, SECRET),
        Err(MintError::MissingIdentity),
    );
    check(builder().identity(""), Err(MintError::MissingIdentity));
    let err = builder().identity("").build().expect_err("empty identity");
    assert_eq!(
        err.to_string(),
        "the identity is missing or empty: Chat clients reject tokens without an identity"
    );
}

#[test]
fn ttl_limits_are_exact_and_never_clamped() {
    for secs in [1, 60, 3600, 86_400] {
        let token = builder()
            .ttl(Duration::from_secs(secs))
            .build()
            .expect("ttl in range");
        assert_eq!(token.ttl(), Duration::from_secs(secs));
        let claims =
            verify_at(&token.to_jwt_at(NOW).expect("signs"), SECRET, NOW).expect("verifies");
        assert_eq!(claims.exp, NOW + secs);
    }
    for ttl in [
        Duration::ZERO,
        Duration::from_millis(999),
        Duration::from_secs(86_401),
        Duration::from_millis(1500),
        Duration::MAX,
    ] {
        check(builder().ttl(ttl), Err(MintError::InvalidTtl { ttl }));
    }
    let err = builder()
        .ttl(Duration::from_secs(86_401))
        .build()
        .expect_err("too long");
    assert_eq!(
        err.to_string(),
        "the ttl of 86401 s is out of range: it must be a whole number of seconds from 1 to 86400 (24 h)"
    );
}

#[test]
fn default_ttl_is_one_hour() {
    let jwt = builder()
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert_eq!(
        verify_at(&jwt, SECRET, NOW).expect("verifies").exp,
        NOW + 3600
    );
}

#[test]
fn region_must_not_be_empty() {
    check(builder().region(""), Err(MintError::EmptyRegion));
    let jwt = builder()
        .region("au1")
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert_eq!(
        verify_at(&jwt, SECRET, NOW)
            .expect("verifies")
            .region
            .as_deref(),
        Some("au1")
    );
}

#[test]
fn chat_grant_fields_must_not_be_empty() {
    let cases = [
        (ChatGrant::service(""), "chat.service_sid"),
        (
            ChatGrant::service(SERVICE).with_endpoint_id(""),
            "chat.endpoint_id",
        ),
        (
            ChatGrant::service(SERVICE).with_deployment_role_sid(""),
            "chat.deployment_role_sid",
        ),
        (
            ChatGrant::service(SERVICE).with_push_credential_sid(""),
            "chat.push_credential_sid",
        ),
    ];
    for (grant, field) in cases {
        check(
            builder().chat_grant(grant),
            Err(MintError::EmptyGrantField { field }),
        );
    }
}

#[test]
fn chat_grant_writes_only_set_fields_in_wire_order() {
    let grant = ChatGrant {
        push_credential_sid: Some("CR1".into()),
        deployment_role_sid: Some("RL1".into()),
        ..ChatGrant::default()
    };
    let jwt = builder()
        .chat_grant(grant)
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert!(
        payload_text(&jwt).contains(r#""grants":{"chat":{"deployment_role_sid":"RL1","push_credential_sid":"CR1"},"identity":"alice"}"#),
        "{}",
        payload_text(&jwt)
    );
    let jwt = builder()
        .chat_grant(ChatGrant::default())
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert!(payload_text(&jwt).contains(r#""grants":{"chat":{},"identity":"alice"}"#));
    let jwt = builder()
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert!(payload_text(&jwt).contains(r#""grants":{"identity":"alice"}"#));
}

#[test]
fn grant_keys_are_checked() {
    check(
        builder().grant("", json!({})),
        Err(MintError::EmptyGrantKey),
    );
    check(
        builder().grant("identity", json!({})),
        Err(MintError::ReservedGrantKey {
            key: "identity".into(),
        }),
    );
    check(
        builder()
            .chat_grant(ChatGrant::service(SERVICE))
            .grant("chat", json!({})),
        Err(MintError::DuplicateGrant { key: "chat".into() }),
    );
    check(
        builder()
            .grant("video", json!({}))
            .grant("video", json!({"room": "b"})),
        Err(MintError::DuplicateGrant {
            key: "video".into(),
        }),
    );
    for payload in [
        json!(null),
        json!("room"),
        json!([1]),
        json!(true),
        json!(2),
    ] {
        check(
            builder().grant("video", payload),
            Err(MintError::GrantNotObject {
                key: "video".into(),
            }),
        );
    }
}

#[test]
fn nbf_must_come_before_exp() {
    check(
        builder().nbf(NOW + 3600),
        Err(MintError::NeverValid {
            nbf: NOW + 3600,
            exp: NOW + 3600,
        }),
    );
    check(builder().nbf(NOW + 3599), Ok(()));
    check(builder().nbf(0), Ok(()));
}

#[test]
fn time_overflow_is_an_error() {
    let token = builder().build().expect("valid");
    assert_eq!(
        token.to_jwt_at(u64::MAX - 3599),
        Err(MintError::TimeOverflow {
            now: u64::MAX - 3599
        })
    );
    assert!(token.to_jwt_at(u64::MAX - 3600).is_ok());
}

#[test]
fn system_clock_variant_signs_with_the_current_time() {
    let before = unix_now();
    let jwt = builder().build().and_then(|t| t.to_jwt()).expect("signs");
    let after = unix_now();
    let claims = twilio_access_token::verify(&jwt, SECRET).expect("verifies now");
    let nbf = claims.nbf.expect("nbf is written");
    assert!(
        (before..=after).contains(&nbf),
        "nbf {nbf} outside {before}..={after}"
    );
    assert_eq!(claims.exp, nbf + 3600);
    assert_eq!(claims.jti, format!("{KEY}-{nbf}"));
}

#[test]
fn secret_never_shows_in_debug() {
    let builder = builder().chat_grant(ChatGrant::service(SERVICE));
    let shown = format!("{builder:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    let token = builder.build().expect("valid");
    let shown = format!("{token:?} {token:#?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains(ACCOUNT) && shown.contains("alice"),
        "{shown}"
    );
}

/// Identities and endpoint ids beyond the Basic Multilingual Plane are written as UTF-16 surrogate pairs
/// (`😀` is `\ud83d\ude00`). The expected token was computed with Python 3: `json.dumps(..., separators=(",",
/// ":"))` (ensure_ascii on, header keys sorted), unpadded urlsafe base64, and `hmac.new(secret, ..., sha256)`.
#[test]
fn non_bmp_characters_are_surrogate_pairs() {
    let identity = "😀 ann 𝄞";
    let jwt = AccessToken::builder(ACCOUNT, KEY, "non-bmp-secret")
        .identity(identity)
        .chat_grant(ChatGrant::service(SERVICE).with_endpoint_id("app:😀:\u{7f}\n"))
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .expect("signs");
    assert!(
        payload_text(&jwt).contains(r#""identity":"\ud83d\ude00 ann \ud834\udd1e""#),
        "{}",
        payload_text(&jwt)
    );
    assert!(payload_text(&jwt).is_ascii());
    assert_eq!(
        jwt,
        "eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHlwIjoiSldUIn0.\
         eyJqdGkiOiJTSzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmLTE3NTAwMDAwMDAiLCJncmFudHMiOnsiY2hhdCI6eyJzZXJ2aWNl\
         X3NpZCI6IklTMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJlbmRwb2ludF9pZCI6ImFwcDpcdWQ4M2RcdWRlMDA6XHUwMDdm\
         XG4ifSwiaWRlbnRpdHkiOiJcdWQ4M2RcdWRlMDAgYW5uIFx1ZDgzNFx1ZGQxZSJ9LCJpc3MiOiJTSzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2\
         Nzg5YWJjZGVmIiwiZXhwIjoxNzUwMDAzNjAwLCJuYmYiOjE3NTAwMDAwMDAsInN1YiI6IkFDMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh\
         YmNkZWYifQ.-6xTzK8TfsV1FFr6uCdsh2QIGAsLsW0hEghDqXaXkAI"
    );
    let claims = verify_at(&jwt, "non-bmp-secret", NOW).expect("verifies");
    assert_eq!(claims.identity.as_deref(), Some(identity));
    assert_eq!(
        claims.chat.and_then(|c| c.endpoint_id).as_deref(),
        Some("app:😀:\u{7f}\n")
    );
}

/// Another grant goes after the chat grant and before the identity, as Python's dict order has it; the
/// expected token was computed with Python 3 the same way as above, with a region and an explicit nbf.
#[test]
fn other_grants_are_written_in_order_before_identity() {
    let jwt = AccessToken::builder(ACCOUNT, KEY, "other-secret")
        .identity("bob")
        .ttl(Duration::from_secs(60))
        .nbf(1_759_999_000)
        .region("ie1")
        .chat_grant(ChatGrant::service(SERVICE))
        .grant("video", json!({"room": "Daily ✓"}))
        .build()
        .and_then(|t| t.to_jwt_at(1_760_000_000))
        .expect("signs");
    assert_eq!(
        jwt,
        "eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHdyIjoiaWUxIiwidHlwIjoiSldUIn0.\
         eyJqdGkiOiJTSzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmLTE3NjAwMDAwMDAiLCJncmFudHMiOnsiY2hhdCI6eyJzZXJ2aWNl\
         X3NpZCI6IklTMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifSwidmlkZW8iOnsicm9vbSI6IkRhaWx5IFx1MjcxMyJ9LCJpZGVu\
         dGl0eSI6ImJvYiJ9LCJpc3MiOiJTSzAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwiZXhwIjoxNzYwMDAwMDYwLCJuYmYiOjE3\
         NTk5OTkwMDAsInN1YiI6IkFDMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ.PGTvVm-VA4x39KwA_JeRfDBTwOZVJdTDuceamdghiRQ"
    );
    let claims = verify_at(&jwt, "other-secret", 1_760_000_000).expect("verifies");
    assert_eq!(
        claims.other_grants.get("video"),
        Some(&json!({"room": "Daily ✓"}))
    );
    assert_eq!(claims.other_grants.len(), 1);
    assert_eq!(claims.nbf, Some(1_759_999_000));
}

fn payload_text(jwt: &str) -> String {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).expect("a payload segment");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    String::from_utf8(bytes).expect("UTF-8 payload")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

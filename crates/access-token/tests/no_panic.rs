//! Property tests with a small seeded generator (no extra dependency): random strings, mutated tokens and
//! correctly signed tokens with random JSON never make `verify_at` panic, and reach every stage of it; any
//! identity, whatever its characters, survives minting and verification unchanged.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use twilio_access_token::{AccessToken, ChatGrant, VerifyError, verify_at};

const SECRET: &str = "fuzz-secret";
const NOW: u64 = 1_750_000_000;

/// xorshift64*: deterministic, so a failure reproduces with the printed case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn char(&mut self) -> char {
        match self.below(4) {
            0 => char::from(u8::try_from(self.below(128)).unwrap_or(b'a')),
            1 => char::from_u32(u32::try_from(self.below(0x800)).unwrap_or(0)).unwrap_or('é'),
            2 => char::from_u32(u32::try_from(self.below(0x1_0000)).unwrap_or(0)).unwrap_or('✓'),
            _ => char::from_u32(0x1_0000 + u32::try_from(self.below(0x10_0000)).unwrap_or(0))
                .unwrap_or('😀'),
        }
    }
}

fn kind(err: &VerifyError) -> &'static str {
    match err {
        VerifyError::SegmentCount { .. } => "segments",
        VerifyError::Base64 { .. } => "base64",
        VerifyError::Json { .. } => "json",
        VerifyError::UnsupportedAlgorithm { .. } => "alg",
        VerifyError::NotAnAccessToken { .. } => "cty",
        VerifyError::BadSignature => "signature",
        VerifyError::Expired { .. } => "expired",
        VerifyError::NotYetValid { .. } => "nbf",
        _ => "other",
    }
}

fn signed(header: &str, payload: &str) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(hmac::sign(&key, input.as_bytes()))
    )
}

/// A JSON-like text: often valid JSON with claim names, sometimes broken.
fn json_like(rng: &mut Rng, depth: usize) -> String {
    const ATOMS: [&str; 14] = [
        "0",
        "-1",
        "1750000060",
        "18446744073709551616",
        "1.5",
        "1e400",
        "true",
        "null",
        r#""""#,
        r#""alice""#,
        r#""\ud83d\ude00""#,
        r#""\ud83d""#,
        r#""HS256""#,
        r#""twilio-fpa;v=1""#,
    ];
    const KEYS: [&str; 12] = [
        "jti",
        "grants",
        "iss",
        "exp",
        "nbf",
        "sub",
        "identity",
        "chat",
        "service_sid",
        "alg",
        "cty",
        "x",
    ];
    const BROKEN: [&str; 6] = ["{", "}", "[", ",", ":", "\"\\u12"];
    match rng.below(10) {
        0 => (*rng.pick(&BROKEN)).to_owned(),
        1..=3 if depth < 5 => {
            let members: Vec<String> = (0..rng.below(7))
                .map(|_| format!(r#""{}":{}"#, rng.pick(&KEYS), json_like(rng, depth + 1)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        4 if depth < 5 => {
            let items: Vec<String> = (0..rng.below(4))
                .map(|_| json_like(rng, depth + 1))
                .collect();
            format!("[{}]", items.join(","))
        }
        _ => (*rng.pick(&ATOMS)).to_owned(),
    }
}

#[test]
fn no_input_makes_verify_panic() {
    let good = AccessToken::builder(
        "AC0123456789abcdef0123456789abcdef",
        "SK0123456789abcdef0123456789abcdef",
        SECRET,
    )
    .identity("alice")
    .chat_grant(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
    .build()
    .and_then(|t| t.to_jwt_at(NOW))
    .expect("signs");
    let header = r#"{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}"#;
    let alphabet: Vec<char> = "ABCxyz019-_.=+/ \u{0}é😀".chars().collect();
    let nows = [0, 1, NOW - 1, NOW, NOW + 3599, NOW + 3600, u64::MAX];

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seen = BTreeSet::new();
    let mut accepted = 0;
    for case in 0..20_000 {
        let input = match case % 5 {
            // Random bytes, read as UTF-8 with replacement characters.
            0 => {
                let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            // Random text over base64url, dots, padding and a few awkward characters.
            1 => (0..rng.below(120)).map(|_| *rng.pick(&alphabet)).collect(),
            // A good token with a few characters replaced, inserted or removed.
            2 => {
                let mut chars: Vec<char> = good.chars().collect();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(chars.len() + 1);
                    match rng.below(3) {
                        0 if at < chars.len() => chars[at] = *rng.pick(&alphabet),
                        1 => chars.insert(at, *rng.pick(&alphabet)),
                        _ if at < chars.len() => {
                            chars.remove(at);
                        }
                        _ => {}
                    }
                }
                chars.into_iter().collect()
            }
            // Correctly signed, random payload: reaches the claim parsing and the clock.
            3 => signed(header, &json_like(&mut rng, 0)),
            // Correctly signed, random header.
            _ => signed(
                &json_like(&mut rng, 0),
                r#"{"jti":"j","grants":{},"iss":"SK1","exp":1750000060,"sub":"AC1"}"#,
            ),
        };
        let now = *rng.pick(&nows);
        match verify_at(&input, SECRET, now) {
            Ok(_) => accepted += 1,
            Err(err) => {
                seen.insert(kind(&err));
                // Every message is one line.
                assert!(!err.to_string().contains('\n'), "case {case}: {err}");
            }
        }
    }
    assert_eq!(
        verify_at(&good, SECRET, NOW).map(|c| c.identity),
        Ok(Some("alice".into()))
    );
    let expected: BTreeSet<&str> = [
        "segments",
        "base64",
        "json",
        "alg",
        "cty",
        "signature",
        "expired",
        "nbf",
    ]
    .into();
    assert_eq!(seen, expected, "error kinds reached");
    assert!(
        accepted > 0,
        "no random input was accepted: the signed cases never reach the end"
    );
}

#[test]
fn any_identity_survives_minting_and_verification() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for case in 0..2_000 {
        let identity: String = (0..=rng.below(40)).map(|_| rng.char()).collect();
        let endpoint: String = (0..=rng.below(20)).map(|_| rng.char()).collect();
        let jwt = AccessToken::builder(
            "AC0123456789abcdef0123456789abcdef",
            "SK0123456789abcdef0123456789abcdef",
            SECRET,
        )
        .identity(identity.clone())
        .chat_grant(ChatGrant::default().with_endpoint_id(endpoint.clone()))
        .build()
        .and_then(|t| t.to_jwt_at(NOW))
        .unwrap_or_else(|e| panic!("case {case}: {e}"));
        let payload = jwt
            .split('.')
            .nth(1)
            .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
            .unwrap_or_default();
        assert!(payload.is_ascii(), "case {case}: payload is not ASCII");
        let claims = verify_at(&jwt, SECRET, NOW).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(
            claims.identity.as_deref(),
            Some(identity.as_str()),
            "case {case}"
        );
        assert_eq!(
            claims.chat.and_then(|c| c.endpoint_id).as_deref(),
            Some(endpoint.as_str()),
            "case {case}"
        );
    }
}

//! Verification: [`verify`] and [`verify_at`] check a token's form, algorithm, signature and validity period
//! and return its [`Claims`]. Every input, however malformed, gives a [`VerifyError`], never a panic.
//!
//! Checks run in this order, and the first failure is returned: three segments; the header's base64 and JSON;
//! `alg` is `HS256` and `cty` is `twilio-fpa;v=1`; the signature's base64 and HMAC-SHA256 (compared in
//! constant time); the payload's base64 and JSON, with `jti`, `grants`, `iss`, `exp` and `sub` present; then
//! the clock: a token is valid from `nbf` (inclusive) until `exp` (exclusive), with no leeway.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde::de::{DeserializeOwned, MapAccess};
use serde::{Deserialize, Deserializer};
use serde_json::map::Entry;
use serde_json::{Map, Value};
use twilio_rest_core::__private::de as object;

use crate::grant::ChatGrant;
use crate::mint::CONTENT_TYPE;

/// What a verified token says.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Claims {
    /// Token identifier (`jti`); Twilio's libraries write `<API key SID>-<issue time>`.
    pub jti: String,
    /// Issuer (`iss`): the API key SID (`SK...`) that signed the token.
    pub iss: String,
    /// Subject (`sub`): the account SID (`AC...`).
    pub sub: String,
    /// Expiry (`exp`, Unix seconds): the token is valid until just before it.
    pub exp: u64,
    /// Not-before time (`nbf`, Unix seconds), when present.
    pub nbf: Option<u64>,
    /// The region (`twr` header), when present.
    pub region: Option<String>,
    /// The identity (`grants.identity`), when present.
    pub identity: Option<String>,
    /// The Chat grant (`grants.chat`), when present.
    pub chat: Option<ChatGrant>,
    /// Every other grant, by key.
    pub other_grants: Map<String, Value>,
}

/// Which of a token's three dot-separated parts a [`VerifyError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// The first part: the JOSE header.
    Header,
    /// The second part: the claims.
    Payload,
    /// The third part: the HMAC.
    Signature,
}

/// Why a token was rejected. Each failure has its own variant; messages never contain the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token does not have exactly three dot-separated segments.
    SegmentCount {
        /// How many segments it has.
        found: usize,
    },
    /// A segment is not unpadded base64url.
    Base64 {
        /// The segment.
        segment: Segment,
        /// What the decoder reported.
        detail: String,
    },
    /// The header or payload is not JSON of the expected shape (a claim missing or of the wrong type, too).
    Json {
        /// The segment.
        segment: Segment,
        /// What the parser reported.
        detail: String,
    },
    /// The header's `alg` is not `HS256` (`none` included).
    UnsupportedAlgorithm {
        /// The `alg` the token declares.
        alg: String,
    },
    /// The header's `cty` is not `twilio-fpa;v=1`: not a Twilio Access Token.
    NotAnAccessToken {
        /// The `cty` the token declares, if any.
        cty: Option<String>,
    },
    /// The signature does not match the header and payload under the given secret.
    BadSignature,
    /// The token expired: `now` is at or after `exp`.
    Expired {
        /// The token's expiry (Unix seconds).
        exp: u64,
        /// The time of the check (Unix seconds).
        now: u64,
    },
    /// The token is not valid yet: `now` is before `nbf`.
    NotYetValid {
        /// The token's not-before time (Unix seconds).
        nbf: u64,
        /// The time of the check (Unix seconds).
        now: u64,
    },
    /// The system clock reads a time before 1970-01-01.
    ClockBeforeEpoch,
}

/// The header members verification reads.
#[derive(Default)]
struct RawHeader {
    alg: String,
    cty: Option<String>,
    twr: Option<String>,
}

/// The payload claims verification reads.
#[derive(Default)]
struct RawPayload {
    jti: String,
    grants: RawGrants,
    iss: String,
    exp: u64,
    nbf: Option<u64>,
    sub: String,
}

/// The payload's `grants` object.
#[derive(Default)]
struct RawGrants {
    identity: Option<String>,
    chat: Option<ChatGrant>,
    other: Map<String, Value>,
}

// Each of the three is read by the shared object reader: a required member that is missing, a member of the wrong
// type and a member that appears twice are errors naming it; optional members may be `null`; unknown members are
// ignored (kept, for the grants, where a repeated grant key is an error too).

impl<'de> Deserialize<'de> for RawHeader {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for RawHeader {
    const EXPECTING: &'static str = "a JOSE header object";
    const MEMBERS: &'static [&'static str] = &["alg", "cty", "twr"];
    const REQUIRED: &'static [usize] = &[0];

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.alg = map.next_value()?,
            1 => self.cty = map.next_value()?,
            _ => self.twr = map.next_value()?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for RawPayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for RawPayload {
    const EXPECTING: &'static str = "an object of claims";
    const MEMBERS: &'static [&'static str] = &["jti", "grants", "iss", "exp", "nbf", "sub"];
    /// Missing claims are reported in this order.
    const REQUIRED: &'static [usize] = &[0, 1, 2, 3, 5];

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.jti = map.next_value()?,
            1 => self.grants = map.next_value()?,
            2 => self.iss = map.next_value()?,
            3 => self.exp = map.next_value()?,
            4 => self.nbf = map.next_value()?,
            _ => self.sub = map.next_value()?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for RawGrants {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for RawGrants {
    const EXPECTING: &'static str = "an object of grants";
    const MEMBERS: &'static [&'static str] = &["identity", "chat"];
    const KEEPS_OTHERS: bool = true;

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.identity = map.next_value()?,
            _ => self.chat = map.next_value()?,
        }
        Ok(())
    }

    /// Another grant, by key.
    fn read_other<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match self.other.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(map.next_value()?);
                Ok(())
            }
            Entry::Occupied(entry) => Err(object::duplicate_key(entry.key())),
        }
    }
}

/// Verifies `token` with the API secret that signed it, against the system clock, and returns its claims.
pub fn verify(token: &str, api_secret: &str) -> Result<Claims, VerifyError> {
    let now = crate::unix_now().ok_or(VerifyError::ClockBeforeEpoch)?;
    verify_at(token, api_secret, now)
}

/// Verifies `token` with the API secret that signed it as if the time were `now` (Unix seconds), and returns
/// its claims.
///
/// ```
/// use twilio_access_token::{AccessToken, ChatGrant, VerifyError, verify_at};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = "my-api-secret";
/// let jwt = AccessToken::builder("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", secret)
///     .identity("alice")
///     .chat_grant(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
///     .build()?
///     .to_jwt_at(1_700_000_000)?;
///
/// let claims = verify_at(&jwt, secret, 1_700_000_000 + 60)?;
/// assert_eq!(claims.identity.as_deref(), Some("alice"));
/// assert_eq!(claims.exp, 1_700_003_600);
/// assert_eq!(verify_at(&jwt, "another secret", 1_700_000_000), Err(VerifyError::BadSignature));
/// assert!(matches!(verify_at(&jwt, secret, 1_700_003_600), Err(VerifyError::Expired { .. })));
/// # Ok(())
/// # }
/// ```
pub fn verify_at(token: &str, api_secret: &str, now: u64) -> Result<Claims, VerifyError> {
    let mut segments = token.splitn(3, '.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return Err(segment_count(token));
    };
    if signature_b64.contains('.') {
        return Err(segment_count(token));
    }

    let header: RawHeader = parse_json(Segment::Header, &decode(Segment::Header, header_b64)?)?;
    if header.alg != "HS256" {
        return Err(VerifyError::UnsupportedAlgorithm { alg: header.alg });
    }
    if header.cty.as_deref() != Some(CONTENT_TYPE) {
        return Err(VerifyError::NotAnAccessToken { cty: header.cty });
    }

    let signature = decode(Segment::Signature, signature_b64)?;
    // The signature covers `header.payload`, exactly as written in the token.
    let signed = format!("{header_b64}.{payload_b64}");
    let key = hmac::Key::new(hmac::HMAC_SHA256, api_secret.as_bytes());
    hmac::verify(&key, signed.as_bytes(), &signature).map_err(|_| VerifyError::BadSignature)?;

    let payload: RawPayload =
        parse_json(Segment::Payload, &decode(Segment::Payload, payload_b64)?)?;
    if now >= payload.exp {
        return Err(VerifyError::Expired {
            exp: payload.exp,
            now,
        });
    }
    if let Some(nbf) = payload.nbf
        && now < nbf
    {
        return Err(VerifyError::NotYetValid { nbf, now });
    }
    Ok(Claims {
        jti: payload.jti,
        iss: payload.iss,
        sub: payload.sub,
        exp: payload.exp,
        nbf: payload.nbf,
        region: header.twr,
        identity: payload.grants.identity,
        chat: payload.grants.chat,
        other_grants: payload.grants.other,
    })
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SegmentCount { found } => write!(
                f,
                "malformed token: expected 3 dot-separated segments, found {found}"
            ),
            Self::Base64 { segment, detail } => {
                write!(
                    f,
                    "malformed token: the {segment} is not unpadded base64url: {detail}"
                )
            }
            Self::Json { segment, detail } => {
                write!(
                    f,
                    "malformed token: the {segment} is not valid JSON: {detail}"
                )
            }
            Self::UnsupportedAlgorithm { alg } => write!(
                f,
                "unsupported algorithm {:?}: Twilio Access Tokens use HS256",
                truncate(alg)
            ),
            Self::NotAnAccessToken { cty: Some(cty) } => write!(
                f,
                "not a Twilio Access Token: content type {:?} instead of {CONTENT_TYPE:?}",
                truncate(cty)
            ),
            Self::NotAnAccessToken { cty: None } => write!(
                f,
                "not a Twilio Access Token: no content type (cty) where {CONTENT_TYPE:?} was expected"
            ),
            Self::BadSignature => {
                f.write_str("bad signature: the token was not signed with this secret")
            }
            Self::Expired { exp, now } => write!(f, "the token expired at {exp} (now {now})"),
            Self::NotYetValid { nbf, now } => {
                write!(f, "the token is not valid before {nbf} (now {now})")
            }
            Self::ClockBeforeEpoch => f.write_str("the system clock reads a time before 1970"),
        }
    }
}

impl std::error::Error for VerifyError {}

fn segment_count(token: &str) -> VerifyError {
    VerifyError::SegmentCount {
        found: token.bytes().filter(|&b| b == b'.').count() + 1,
    }
}

fn decode(segment: Segment, text: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| VerifyError::Base64 {
            segment,
            detail: e.to_string(),
        })
}

fn parse_json<T: DeserializeOwned>(segment: Segment, bytes: &[u8]) -> Result<T, VerifyError> {
    serde_json::from_slice(bytes).map_err(|e| VerifyError::Json {
        segment,
        detail: e.to_string(),
    })
}

/// A value taken from the token, cut to 64 characters (and `...`) for messages.
fn truncate(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(64) {
        Some((end, _)) => Cow::Owned(format!("{}...", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

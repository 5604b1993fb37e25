//! Minting: [`AccessTokenBuilder`] collects and validates the inputs, [`AccessToken`] signs them into a JWT
//! whose bytes are exactly those Twilio's Python library writes for the same inputs and clock.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::Value;

use crate::grant::ChatGrant;
use crate::json;

/// The lifetime a token gets when none is set: one hour, as in Twilio's libraries.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// The longest lifetime Twilio accepts: 24 hours.
pub const MAX_TTL: Duration = Duration::from_secs(86_400);
/// The shortest lifetime accepted: one second.
pub const MIN_TTL: Duration = Duration::from_secs(1);

/// The `cty` header of every Twilio Access Token.
pub(crate) const CONTENT_TYPE: &str = "twilio-fpa;v=1";

/// Inputs of an access token, validated by [`build`](Self::build). Start with [`AccessToken::builder`].
///
/// Setters never fail; every check happens in `build`, which names the first input at fault.
#[derive(Clone, Debug)]
pub struct AccessTokenBuilder {
    account_sid: String,
    api_key_sid: String,
    api_secret: Secret,
    identity: Option<String>,
    ttl: Duration,
    nbf: Option<u64>,
    region: Option<String>,
    grants: Vec<(String, Grant)>,
}

/// A validated access token, ready to be signed with [`to_jwt`](Self::to_jwt) as often as needed.
///
/// Its `Debug` output shows every input except the API secret.
#[derive(Clone, Debug)]
pub struct AccessToken {
    account_sid: String,
    api_key_sid: String,
    api_secret: Secret,
    identity: String,
    ttl: u64,
    nbf: Option<u64>,
    region: Option<String>,
    grants: Vec<(String, Grant)>,
}

/// Why a token could not be built or signed. Messages name the input at fault and never contain the API secret
/// (nor the value given as an API key SID, in case the two were swapped).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MintError {
    /// The account SID or API key SID is empty or lacks its prefix (`AC`, `SK`).
    InvalidSid {
        /// Which input: `"account SID"` or `"API key SID"`.
        field: &'static str,
        /// The prefix its value must start with.
        expected_prefix: &'static str,
    },
    /// The API secret is empty.
    EmptySecret,
    /// No identity, or an empty one: Chat clients reject tokens without an identity.
    MissingIdentity,
    /// The lifetime is shorter than 1 s, longer than 24 h, or not a whole number of seconds.
    InvalidTtl {
        /// The lifetime that was given.
        ttl: Duration,
    },
    /// The region (`twr` header) is an empty string.
    EmptyRegion,
    /// A field of the chat grant is set to an empty string.
    EmptyGrantField {
        /// The field, such as `"chat.service_sid"`.
        field: &'static str,
    },
    /// A grant key is empty.
    EmptyGrantKey,
    /// A grant uses the key `identity`, which holds the token's identity.
    ReservedGrantKey {
        /// The key.
        key: String,
    },
    /// Two grants use the same key.
    DuplicateGrant {
        /// The key.
        key: String,
    },
    /// A grant's payload is not a JSON object.
    GrantNotObject {
        /// The grant's key.
        key: String,
    },
    /// The not-before time is not earlier than the expiry, so the token would never be valid.
    NeverValid {
        /// The not-before time (Unix seconds).
        nbf: u64,
        /// The expiry (Unix seconds).
        exp: u64,
    },
    /// `now + ttl` does not fit in a `u64`.
    TimeOverflow {
        /// The time given as now (Unix seconds).
        now: u64,
    },
    /// The system clock reads a time before 1970-01-01.
    ClockBeforeEpoch,
}

/// A grant's payload.
#[derive(Clone, Debug)]
enum Grant {
    Chat(ChatGrant),
    Other(Value),
}

/// The API secret: kept out of `Debug`.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl AccessToken {
    /// Starts a token signed with the API key `api_key_sid` (`SK...`) and its secret, for the account
    /// `account_sid` (`AC...`). The lifetime defaults to [`DEFAULT_TTL`].
    pub fn builder(
        account_sid: impl Into<String>,
        api_key_sid: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> AccessTokenBuilder {
        AccessTokenBuilder {
            account_sid: account_sid.into(),
            api_key_sid: api_key_sid.into(),
            api_secret: Secret(api_secret.into()),
            identity: None,
            ttl: DEFAULT_TTL,
            nbf: None,
            region: None,
            grants: Vec::new(),
        }
    }

    /// Signs the token with the system clock as "now": `jti`, `exp` and (unless set) `nbf` derive from it.
    pub fn to_jwt(&self) -> Result<String, MintError> {
        let now = crate::unix_now().ok_or(MintError::ClockBeforeEpoch)?;
        self.to_jwt_at(now)
    }

    /// Signs the token as if the time were `now` (Unix seconds): the same inputs and `now` always give the same
    /// string, the one Twilio's Python library gives with its clock frozen at `now`.
    pub fn to_jwt_at(&self, now: u64) -> Result<String, MintError> {
        let exp = now
            .checked_add(self.ttl)
            .ok_or(MintError::TimeOverflow { now })?;
        let nbf = self.nbf.unwrap_or(now);
        if nbf >= exp {
            return Err(MintError::NeverValid { nbf, exp });
        }

        let mut header = String::with_capacity(80);
        header.push('{');
        json::write_key(&mut header, "alg");
        json::write_str(&mut header, "HS256");
        header.push(',');
        json::write_key(&mut header, "cty");
        json::write_str(&mut header, CONTENT_TYPE);
        if let Some(region) = &self.region {
            header.push(',');
            json::write_key(&mut header, "twr");
            json::write_str(&mut header, region);
        }
        header.push(',');
        json::write_key(&mut header, "typ");
        json::write_str(&mut header, "JWT");
        header.push('}');

        let mut payload = String::with_capacity(256);
        payload.push('{');
        json::write_key(&mut payload, "jti");
        json::write_str(&mut payload, &format!("{}-{now}", self.api_key_sid));
        payload.push(',');
        json::write_key(&mut payload, "grants");
        payload.push('{');
        for (key, grant) in &self.grants {
            json::write_key(&mut payload, key);
            match grant {
                Grant::Chat(chat) => chat.write_json(&mut payload),
                Grant::Other(value) => json::write_value(&mut payload, value),
            }
            payload.push(',');
        }
        json::write_key(&mut payload, "identity");
        json::write_str(&mut payload, &self.identity);
        payload.push_str("},");
        json::write_key(&mut payload, "iss");
        json::write_str(&mut payload, &self.api_key_sid);
        payload.push(',');
        json::write_key(&mut payload, "exp");
        json::write_u64(&mut payload, exp);
        payload.push(',');
        json::write_key(&mut payload, "nbf");
        json::write_u64(&mut payload, nbf);
        payload.push(',');
        json::write_key(&mut payload, "sub");
        json::write_str(&mut payload, &self.account_sid);
        payload.push('}');

        let mut jwt = URL_SAFE_NO_PAD.encode(header);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut jwt);
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.api_secret.0.as_bytes());
        let signature = hmac::sign(&key, jwt.as_bytes());
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut jwt);
        Ok(jwt)
    }

    /// The identity the token is for.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The token's lifetime.
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl)
    }
}

impl AccessTokenBuilder {
    /// Sets the identity of the user the token is for (required, not empty). Twilio's libraries write it under
    /// `grants.identity`; Chat shows it as the user's identity.
    #[must_use]
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Sets the lifetime: `exp` is "now" plus `ttl`. It must be a whole number of seconds from [`MIN_TTL`] to
    /// [`MAX_TTL`]; anything else makes [`build`](Self::build) fail (it is never clamped).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sets the not-before time (`nbf`, Unix seconds). Without it, `nbf` is the time the token is signed.
    #[must_use]
    pub fn nbf(mut self, nbf: u64) -> Self {
        self.nbf = Some(nbf);
        self
    }

    /// Sets the Twilio region the token is for (the `twr` header, such as `ie1` or `au1`).
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Adds the Chat grant, written under `grants.chat`.
    #[must_use]
    pub fn chat_grant(mut self, grant: ChatGrant) -> Self {
        self.grants.push(("chat".to_owned(), Grant::Chat(grant)));
        self
    }

    /// Adds any other grant: `payload` (a JSON object) is written as it is under `grants.<key>`, after the grants
    /// added before it. Keys must be unique and not `identity`.
    ///
    /// ```
    /// # fn main() -> Result<(), twilio_access_token::MintError> {
    /// use twilio_access_token::AccessToken;
    ///
    /// let token = AccessToken::builder("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "secret")
    ///     .identity("alice")
    ///     .grant("video", serde_json::json!({"room": "DailyStandup"}))
    ///     .build()?;
    /// # let _ = token;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn grant(mut self, key: impl Into<String>, payload: Value) -> Self {
        self.grants.push((key.into(), Grant::Other(payload)));
        self
    }

    /// Checks every input and returns the token, or the first problem found.
    pub fn build(self) -> Result<AccessToken, MintError> {
        check_sid(&self.account_sid, "account SID", "AC")?;
        check_sid(&self.api_key_sid, "API key SID", "SK")?;
        if self.api_secret.0.is_empty() {
            return Err(MintError::EmptySecret);
        }
        let identity = match self.identity {
            Some(identity) if !identity.is_empty() => identity,
            _ => return Err(MintError::MissingIdentity),
        };
        if self.ttl.subsec_nanos() != 0 || self.ttl < MIN_TTL || self.ttl > MAX_TTL {
            return Err(MintError::InvalidTtl { ttl: self.ttl });
        }
        if self.region.as_deref() == Some("") {
            return Err(MintError::EmptyRegion);
        }
        for (i, (key, grant)) in self.grants.iter().enumerate() {
            check_grant(key, grant)?;
            if self.grants[..i].iter().any(|(earlier, _)| earlier == key) {
                return Err(MintError::DuplicateGrant { key: key.clone() });
            }
        }
        Ok(AccessToken {
            account_sid: self.account_sid,
            api_key_sid: self.api_key_sid,
            api_secret: self.api_secret,
            identity,
            ttl: self.ttl.as_secs(),
            nbf: self.nbf,
            region: self.region,
            grants: self.grants,
        })
    }
}

impl fmt::Display for MintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidSid {
                field,
                expected_prefix,
            } => write!(
                f,
                "the {field} must start with `{expected_prefix}` (as in {expected_prefix}0123456789abcdef0123456789abcdef)"
            ),
            Self::EmptySecret => f.write_str("the API secret is empty"),
            Self::MissingIdentity => f.write_str(
                "the identity is missing or empty: Chat clients reject tokens without an identity",
            ),
            Self::InvalidTtl { ttl } => write!(
                f,
                "the ttl of {} s is out of range: it must be a whole number of seconds from 1 to 86400 (24 h)",
                ttl.as_secs_f64()
            ),
            Self::EmptyRegion => f.write_str("the region is empty"),
            Self::EmptyGrantField { field } => write!(f, "the grant field {field} is empty"),
            Self::EmptyGrantKey => f.write_str("a grant key is empty"),
            Self::ReservedGrantKey { key } => write!(
                f,
                "the grant key {key:?} is reserved for the token's identity"
            ),
            Self::DuplicateGrant { key } => write!(f, "the grant {key:?} is added twice"),
            Self::GrantNotObject { key } => {
                write!(f, "the payload of grant {key:?} is not a JSON object")
            }
            Self::NeverValid { nbf, exp } => write!(
                f,
                "the token would never be valid: nbf {nbf} is not before exp {exp}"
            ),
            Self::TimeOverflow { now } => {
                write!(f, "now ({now}) plus the ttl overflows a 64-bit timestamp")
            }
            Self::ClockBeforeEpoch => f.write_str("the system clock reads a time before 1970"),
        }
    }
}

impl std::error::Error for MintError {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

fn check_sid(
    value: &str,
    field: &'static str,
    expected_prefix: &'static str,
) -> Result<(), MintError> {
    if value.len() > expected_prefix.len() && value.starts_with(expected_prefix) {
        Ok(())
    } else {
        Err(MintError::InvalidSid {
            field,
            expected_prefix,
        })
    }
}

fn check_grant(key: &str, grant: &Grant) -> Result<(), MintError> {
    if key.is_empty() {
        return Err(MintError::EmptyGrantKey);
    }
    if key == "identity" {
        return Err(MintError::ReservedGrantKey {
            key: key.to_owned(),
        });
    }
    match grant {
        Grant::Chat(chat) => {
            const FIELDS: [&str; 4] = [
                "chat.service_sid",
                "chat.endpoint_id",
                "chat.deployment_role_sid",
                "chat.push_credential_sid",
            ];
            for (field, (_, value)) in FIELDS.into_iter().zip(chat.fields()) {
                if value == Some("") {
                    return Err(MintError::EmptyGrantField { field });
                }
            }
            Ok(())
        }
        Grant::Other(Value::Object(_)) => Ok(()),
        Grant::Other(_) => Err(MintError::GrantNotObject {
            key: key.to_owned(),
        }),
    }
}

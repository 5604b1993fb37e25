//! Account credentials: an account SID with its auth token, or an API key SID and secret. Values are validated
//! when created, turned into one HTTP Basic `Authorization` header, and never shown by `Debug`.

use std::fmt;

use base64::Engine as _;
use reqwest::header::HeaderValue;

use crate::error::Error;

/// Credentials for Twilio's HTTP Basic authentication.
///
/// Two kinds exist, as in Twilio's libraries:
/// - account SID (`AC` + 32 hex digits) and auth token: the username is the account SID;
/// - API key SID (`SK` + 32 hex digits) and secret, plus the account SID: the username is the key SID.
///
/// Constructors check the shape of every value and fail with an [`ErrorKind::Config`](crate::ErrorKind::Config)
/// error naming the field or environment variable at fault, never its value. `Debug` shows the account SID and
/// key SID only; secrets print as `[redacted]`.
#[derive(Clone)]
pub struct Credentials {
    account_sid: String,
    api_key_sid: Option<String>,
    authorization: HeaderValue,
}

/// Reads an environment variable; injected so tests need not mutate the process environment.
pub(crate) type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Credentials {
    /// Credentials from an account SID and its auth token.
    ///
    /// Fails when the account SID is not `AC` followed by 32 hexadecimal digits or the token is empty or
    /// contains whitespace or control characters.
    pub fn auth_token(
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Result<Self, Error> {
        let account_sid = account_sid.into();
        let auth_token = auth_token.into();
        check_sid("account SID", &account_sid, "AC")?;
        check_secret("auth token", &auth_token)?;
        Self::basic(account_sid, None, &auth_token)
    }

    /// Credentials from an API key: the account SID, the key SID (`SK` + 32 hex digits) and its secret.
    ///
    /// Requests authenticate as the key; the account SID is kept for URLs that contain it.
    pub fn api_key(
        account_sid: impl Into<String>,
        api_key_sid: impl Into<String>,
        api_key_secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let account_sid = account_sid.into();
        let api_key_sid = api_key_sid.into();
        let secret = api_key_secret.into();
        check_sid("account SID", &account_sid, "AC")?;
        check_sid("API key SID", &api_key_sid, "SK")?;
        check_secret("API key secret", &secret)?;
        Self::basic(account_sid, Some(api_key_sid), &secret)
    }

    /// Credentials from the environment: `TWILIO_ACCOUNT_SID`, and either `TWILIO_API_KEY` with
    /// `TWILIO_API_SECRET` (preferred when `TWILIO_API_KEY` is set) or `TWILIO_AUTH_TOKEN`.
    ///
    /// Errors name the missing or malformed variable, never its value.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// The account SID (`AC...`).
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    pub(crate) fn from_lookup(get: EnvLookup<'_>) -> Result<Self, Error> {
        let var = |name: &str| -> Result<String, Error> {
            match get(name) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(Error::config(format!(
                    "environment variable {name} is not set"
                ))),
            }
        };
        let account_sid = var("TWILIO_ACCOUNT_SID")?;
        check_sid("TWILIO_ACCOUNT_SID", &account_sid, "AC")?;
        match get("TWILIO_API_KEY").filter(|v| !v.is_empty()) {
            Some(key) => {
                check_sid("TWILIO_API_KEY", &key, "SK")?;
                let secret = var("TWILIO_API_SECRET")?;
                check_secret("TWILIO_API_SECRET", &secret)?;
                Self::basic(account_sid, Some(key), &secret)
            }
            None => {
                let token = var("TWILIO_AUTH_TOKEN").map_err(|_| {
                    Error::config(
                        "environment variable TWILIO_AUTH_TOKEN is not set (nor TWILIO_API_KEY with TWILIO_API_SECRET)",
                    )
                })?;
                check_secret("TWILIO_AUTH_TOKEN", &token)?;
                Self::basic(account_sid, None, &token)
            }
        }
    }

    /// The `Authorization` header value, marked sensitive so HTTP layers do not print it.
    pub(crate) fn authorization(&self) -> &HeaderValue {
        &self.authorization
    }

    /// What must never be shown: the encoded `Authorization` credential and the secret inside it.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let encoded = self
            .authorization
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Basic "))
            .unwrap_or_default()
            .to_owned();
        let secret = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .ok()
            .and_then(|plain| String::from_utf8(plain).ok())
            .and_then(|plain| plain.split_once(':').map(|(_, secret)| secret.to_owned()))
            .unwrap_or_default();
        vec![encoded, secret]
    }

    fn basic(
        account_sid: String,
        api_key_sid: Option<String>,
        secret: &str,
    ) -> Result<Self, Error> {
        let user = api_key_sid.as_deref().unwrap_or(&account_sid);
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
        let mut authorization = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| Error::config("credentials cannot form an Authorization header"))?;
        authorization.set_sensitive(true);
        Ok(Self {
            account_sid,
            api_key_sid,
            authorization,
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("account_sid", &self.account_sid);
        match &self.api_key_sid {
            Some(key) => d
                .field("api_key_sid", key)
                .field("api_key_secret", &"[redacted]"),
            None => d.field("auth_token", &"[redacted]"),
        };
        d.finish()
    }
}

/// `prefix` followed by exactly 32 hexadecimal digits.
fn check_sid(field: &str, value: &str, prefix: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::config(format!("{field} is empty")));
    }
    let ok = value.len() == prefix.len() + 32
        && value.starts_with(prefix)
        && value
            .get(prefix.len()..)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::config(format!(
            "{field} is malformed: expected `{prefix}` followed by 32 hexadecimal digits ({} characters given)",
            value.chars().count()
        )))
    }
}

fn check_secret(field: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::config(format!("{field} is empty")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(format!(
            "{field} is malformed: it contains whitespace or control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const AC: &str = "AC0123456789abcdef0123456789abcdef";
    const SK: &str = "SK0123456789abcdef0123456789abcdef";
    const SECRET: &str = "s3cr3t-t0ken-value";

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn basic(user: &str, pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    }

    #[test]
    fn auth_token_header_and_debug() {
        let c = Credentials::auth_token(AC, SECRET).unwrap();
        assert_eq!(c.authorization().to_str().unwrap(), basic(AC, SECRET));
        assert!(c.authorization().is_sensitive());
        let dbg = format!("{c:?}");
        assert!(dbg.contains(AC) && dbg.contains("[redacted]"));
        assert!(!dbg.contains(SECRET));
        assert_eq!(c.account_sid(), AC);
    }

    #[test]
    fn api_key_header_and_debug() {
        let c = Credentials::api_key(AC, SK, SECRET).unwrap();
        assert_eq!(c.authorization().to_str().unwrap(), basic(SK, SECRET));
        let dbg = format!("{c:?}");
        assert!(dbg.contains(SK) && !dbg.contains(SECRET));
    }

    #[test]
    fn malformed_values_are_named_without_values() {
        let cases: &[(Result<Credentials, Error>, &str)] = &[
            (
                Credentials::auth_token("AC123", SECRET),
                "account SID is malformed",
            ),
            (Credentials::auth_token("", SECRET), "account SID is empty"),
            (Credentials::auth_token(AC, ""), "auth token is empty"),
            (
                Credentials::auth_token(AC, "has space"),
                "auth token is malformed",
            ),
            (
                Credentials::api_key(AC, AC, SECRET),
                "API key SID is malformed",
            ),
            (Credentials::api_key(AC, SK, ""), "API key secret is empty"),
            (
                Credentials::auth_token("ACzz23456789abcdef0123456789abcdef", SECRET),
                "account SID is malformed",
            ),
        ];
        for (result, expected) in cases {
            let err = result.as_ref().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.to_string().contains(expected), "{err} / {expected}");
            assert!(!err.to_string().contains(SECRET));
        }
    }

    #[test]
    fn from_env_variants() {
        let c = Credentials::from_lookup(&env(&[
            ("TWILIO_ACCOUNT_SID", AC),
            ("TWILIO_AUTH_TOKEN", SECRET),
        ]))
        .unwrap();
        assert_eq!(c.authorization().to_str().unwrap(), basic(AC, SECRET));

        let c = Credentials::from_lookup(&env(&[
            ("TWILIO_ACCOUNT_SID", AC),
            ("TWILIO_AUTH_TOKEN", "other"),
            ("TWILIO_API_KEY", SK),
            ("TWILIO_API_SECRET", SECRET),
        ]))
        .unwrap();
        assert_eq!(c.authorization().to_str().unwrap(), basic(SK, SECRET));

        let check = |pairs: &[(&str, &str)], expected: &str| {
            let err = Credentials::from_lookup(&env(pairs)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.to_string().contains(expected), "{err} / {expected}");
            assert!(!err.to_string().contains(SECRET));
        };
        check(&[], "TWILIO_ACCOUNT_SID is not set");
        check(
            &[("TWILIO_ACCOUNT_SID", "nope")],
            "TWILIO_ACCOUNT_SID is malformed",
        );
        check(
            &[("TWILIO_ACCOUNT_SID", AC)],
            "TWILIO_AUTH_TOKEN is not set",
        );
        check(
            &[("TWILIO_ACCOUNT_SID", AC), ("TWILIO_API_KEY", SK)],
            "TWILIO_API_SECRET is not set",
        );
        check(
            &[
                ("TWILIO_ACCOUNT_SID", AC),
                ("TWILIO_API_KEY", SECRET),
                ("TWILIO_API_SECRET", SECRET),
            ],
            "TWILIO_API_KEY is malformed",
        );
        check(
            &[("TWILIO_ACCOUNT_SID", AC), ("TWILIO_AUTH_TOKEN", "a b")],
            "TWILIO_AUTH_TOKEN is malformed",
        );
    }
}

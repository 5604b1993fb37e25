//! Twilio Access Tokens: the JWTs a server mints so that Twilio's browser and mobile Chat SDKs can connect as one
//! of its users, and their verification.
//!
//! A token is signed with an API key (`SK...` SID and its secret) of the account (`AC...`), names the user's
//! `identity`, and carries grants: here a [`ChatGrant`] for a Chat Service, or any other Twilio grant by key
//! ([`AccessTokenBuilder::grant`]). For the same inputs and clock, [`AccessToken::to_jwt_at`] returns exactly the
//! string Twilio's Python library returns: same header and claim order, same ASCII-only JSON escapes (UTF-16
//! surrogate pairs beyond the Basic Multilingual Plane), same unpadded base64url, same HMAC. Inputs are checked
//! before anything is signed: an empty identity or a lifetime outside 1 s..=24 h is an error, never adjusted.
//!
//! [`verify`] and [`verify_at`] check a token's algorithm (HS256 only; `none` is refused), signature and validity
//! period, and return its [`Claims`]; each kind of failure is its own [`VerifyError`] variant, and no input makes
//! them panic. The API secret never appears in `Debug` output or error messages.
//!
//! The crate has no HTTP stack. HMAC-SHA256 comes from [`ring`](https://docs.rs/ring), which the workspace
//! already builds for rustls and for webhook signatures, so minting tokens adds no new cryptography crate.
//!
//! # Minting a token for a logged-in user
//!
//! A web handler (in any framework) authenticates the user with its own session, then answers with a token for
//! that user. The Twilio values come from configuration, never from the request.
//!
//! ```
//! use std::time::Duration;
//! use twilio_access_token::{AccessToken, ChatGrant, MintError};
//!
//! /// Read once at start-up, from the environment or a secret store.
//! struct TwilioConfig {
//!     account_sid: String,
//!     api_key_sid: String,
//!     api_secret: String,
//!     chat_service_sid: String,
//! }
//!
//! /// The body of `GET /chat/token`, for a request whose session says `user_id` is logged in.
//! /// Map `Err` to a 500 answer: it means the configuration is wrong, not the request.
//! fn chat_token_response(config: &TwilioConfig, user_id: &str, device: &str) -> Result<String, MintError> {
//!     let token = AccessToken::builder(&config.account_sid, &config.api_key_sid, &config.api_secret)
//!         .identity(user_id)
//!         .ttl(Duration::from_secs(3600))
//!         .chat_grant(
//!             ChatGrant::service(&config.chat_service_sid)
//!                 .with_endpoint_id(format!("my-chat-app:{user_id}:{device}")),
//!         )
//!         .build()?;
//!     let body = serde_json::json!({ "identity": user_id, "token": token.to_jwt()? });
//!     Ok(body.to_string())
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = TwilioConfig {
//!     account_sid: "AC0123456789abcdef0123456789abcdef".into(),
//!     api_key_sid: "SK0123456789abcdef0123456789abcdef".into(),
//!     api_secret: "the API key's secret".into(),
//!     chat_service_sid: "IS0123456789abcdef0123456789abcdef".into(),
//! };
//! let body = chat_token_response(&config, "alice@example.com", "browser")?;
//!
//! // What the Chat SDK will present to Twilio:
//! let body: serde_json::Value = serde_json::from_str(&body)?;
//! let claims = twilio_access_token::verify(body["token"].as_str().unwrap_or_default(), &config.api_secret)?;
//! assert_eq!(claims.identity.as_deref(), Some("alice@example.com"));
//! assert_eq!(claims.iss, config.api_key_sid);
//! assert_eq!(claims.sub, config.account_sid);
//! assert_eq!(
//!     claims.chat.and_then(|chat| chat.service_sid).as_deref(),
//!     Some("IS0123456789abcdef0123456789abcdef")
//! );
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod grant;
mod json;
mod mint;
mod verify;

pub use grant::ChatGrant;
pub use mint::{AccessToken, AccessTokenBuilder, DEFAULT_TTL, MAX_TTL, MIN_TTL, MintError};
pub use verify::{Claims, Segment, VerifyError, verify, verify_at};

/// Seconds since 1970-01-01 on the system clock, or `None` when it reads an earlier time.
fn unix_now() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|elapsed| elapsed.as_secs())
}

/// Compiles and runs the README example as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

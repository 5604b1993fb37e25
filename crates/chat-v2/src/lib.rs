//! Async, fully typed client for the Twilio Programmable Chat v2 REST API.
//!
//! The client is generated from `spec/chat-v2.json` by `cargo xtask codegen` (see `src/generated/`); this file is
//! hand-written. Resources follow the URL hierarchy: `client.service(sid).channel(sid).messages()` is
//! `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages`. Each operation is a builder named after its
//! operationId ([`CreateMessage`], [`ListMessage`], ...): required parameters are arguments, optional ones are
//! methods, and `.await` (or `.send()`) sends it. Lists return a [`Page`] or, with `.stream()`, every record.
//! HTTP, credentials, retries, pagination and errors come from [`runtime`] (`twilio-rest-runtime`).
//!
//! ```no_run
//! use futures_util::TryStreamExt as _;
//! use twilio_chat_v2::{Client, Credentials, models};
//!
//! # async fn run() -> Result<(), twilio_chat_v2::Error> {
//! let client = Client::new(Credentials::auth_token("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token")?)?;
//!
//! // Create a service, a channel in it, and send a message.
//! let service = client.services().create("Support").await?;
//! let channel = client
//!     .service(&service.sid)
//!     .channels()
//!     .create()
//!     .friendly_name("General")
//!     .unique_name("general")
//!     .type_(models::ChannelType::Private)
//!     .await?;
//! let message = client
//!     .service(&service.sid)
//!     .channel(&channel.sid)
//!     .messages()
//!     .create()
//!     .body("Hello from Rust")
//!     .from("system")
//!     .await?;
//! println!("sent message #{}", message.index);
//!
//! // Stream every message of the channel, oldest first, fetching pages as needed.
//! let mut messages = client
//!     .service(&service.sid)
//!     .channel(&channel.sid)
//!     .messages()
//!     .list()
//!     .order(models::MessageOrderType::Asc)
//!     .page_size(100)
//!     .stream();
//! while let Some(message) = messages.try_next().await? {
//!     println!("{}: {}", message.from.unwrap_or_default(), message.body.unwrap_or_default());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Chat v3's one operation (a public channel turned private, which makes it a Conversations conversation) is
//! reached from the same client through [`Client::v3`]; see [`v3`].
//!
//! # Typed SIDs
//!
//! Every SID has the type of its resource ([`models::ServiceSid`], [`models::ChannelSid`], ...), the fields
//! Twilio always sends (a record's `sid`, `account_sid`, its parents' SIDs, `url`, `date_created`) are plain
//! fields, and navigation takes the SID of the right resource. Where a path also takes a unique name or an
//! identity, any text works too: `client.service(&service_sid).channel("general")`. Parse SIDs from user input
//! (configuration, a request) with `parse()`, which checks the prefix and the length:
//!
//! ```
//! use twilio_chat_v2::{Client, Credentials, models};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::auth_token("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token")?)?;
//! let service_sid: models::ServiceSid = "IS0123456789abcdef0123456789abcdef".parse()?;
//! let general = client.service(&service_sid).channel("general");
//! # let _ = general;
//! let wrong = "CH0123456789abcdef0123456789abcdef".parse::<models::ServiceSid>();
//! assert_eq!(
//!     wrong.unwrap_err().to_string(),
//!     "`CH0123456789abcdef0123456789abcdef` is not a SID starting with IS"
//! );
//! # Ok(())
//! # }
//! ```
//!
//! A channel's SID where a service's is expected does not compile:
//!
//! ```compile_fail,E0308
//! use twilio_chat_v2::{Client, Credentials, models};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::auth_token("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token")?)?;
//! let channel_sid: models::ChannelSid = "CH0123456789abcdef0123456789abcdef".parse()?;
//! let service = client.service(&channel_sid); // error: expected `&Sid<'I', 'S'>`, found `&Sid<'C', 'H'>`
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! `client` (on by default) is the HTTP client: [`Client`], every operation and [`media`] transfers. Without it
//! (`default-features = false`) the crate is the [`models`], the typed [`webhook`]s and access [`token`]s, and
//! builds no HTTP stack: what a backend that only answers webhooks and mints tokens needs.
//!
//! [`token`] (`twilio-access-token`) mints the Access Tokens that Chat's browser and mobile SDKs log in with.
//! A web handler, once its session has authenticated the user:
//!
//! ```
//! use twilio_chat_v2::token::{AccessToken, ChatGrant, MintError};
//!
//! fn chat_token_for(logged_in_user: &str, api_secret: &str) -> Result<String, MintError> {
//!     AccessToken::builder("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", api_secret)
//!         .identity(logged_in_user)
//!         .chat_grant(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
//!         .build()?
//!         .to_jwt()
//! }
//! # let jwt = chat_token_for("alice", "secret").unwrap();
//! # assert_eq!(twilio_chat_v2::token::verify(&jwt, "secret").unwrap().identity.as_deref(), Some("alice"));
//! ```

#![deny(missing_docs)]

#[cfg(feature = "client")]
#[rustfmt::skip]
mod generated;
#[cfg(feature = "client")]
pub use generated::*;
#[cfg(feature = "client")]
pub mod media;
#[cfg(feature = "client")]
pub mod v3;
pub mod webhook;

pub use twilio_access_token as token;
pub use twilio_chat_v2_models as models;
pub use twilio_rest_runtime::{self as runtime, Date, Timestamp};
#[cfg(feature = "client")]
pub use twilio_rest_runtime::{
    Credentials, Download, Error, ErrorKind, ItemStream, Page, RequestOptions, RetryPolicy,
    UploadBody,
};

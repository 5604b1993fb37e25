//! Async, fully typed client for the Twilio Conversations v1 REST API, the successor of Programmable Chat.
//!
//! The client is generated from `spec/conversations-v1.json` by `cargo xtask codegen` (see `src/generated/`);
//! this file is hand-written. It reads like the Chat v2 client (`twilio-chat-v2`) and shares its runtime: the
//! same [`Credentials`] (from the environment with [`Client::from_env`]), regions and edges, retries with
//! `Retry-After`, [`Error`]s carrying Twilio's code, message and request ID, and lists as [`Page`]s or streams.
//! Resources follow the URL hierarchy: `client.conversation(sid).messages()` is
//! `/v1/Conversations/{ConversationSid}/Messages`, and `client.service(sid).conversation(sid)` addresses a
//! conversation of a given conversation service. Each operation is a builder named after its operationId
//! ([`CreateConversation`], [`ListConversationMessage`], ...): required parameters are arguments, optional ones
//! are methods, and `.await` (or `.send()`) sends it.
//!
//! ```no_run
//! use futures_util::TryStreamExt as _;
//! use twilio_conversations_v1::{Client, models};
//!
//! # async fn run() -> Result<(), twilio_conversations_v1::Error> {
//! // TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).
//! let client = Client::from_env()?;
//!
//! // A conversation with a chat participant (an SDK user) and an SMS participant.
//! let conversation = client.conversations().create().friendly_name("Order 1042").await?;
//! let support = client.conversation(&conversation.sid);
//! support.participants().create().identity("alice").await?;
//! support
//!     .participants()
//!     .create()
//!     .messaging_binding_address("+15558675310")
//!     .messaging_binding_proxy_address("+15017122661")
//!     .await?;
//!
//! // A message, then every message of the conversation as a stream, pages fetched as needed.
//! support.messages().create().author("alice").body("Your order has shipped").await?;
//! let mut messages = support
//!     .messages()
//!     .list()
//!     .order(models::ConversationMessageOrderType::Asc)
//!     .stream();
//! while let Some(message) = messages.try_next().await? {
//!     println!("{}: {}", message.author.unwrap_or_default(), message.body.unwrap_or_default());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Typed SIDs, shared with Chat
//!
//! SIDs are typed by prefix ([`models::ConversationSid`], [`models::ServiceSid`], ...), and a prefix has one type
//! in every product: a private Chat v2 channel is the conversation with the same SID, so a `ChannelSid` from
//! `twilio-chat-v2` is a [`models::ConversationSid`], and a Chat service's `ServiceSid` addresses the same
//! service here. Where a path also takes a unique name or an identity, text works too:
//! `client.conversation("order-1042")`, `client.user("alice")`. A SID of the wrong resource does not compile:
//!
//! ```compile_fail,E0308
//! use twilio_conversations_v1::{Client, Credentials, models};
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(Credentials::auth_token("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token")?)?;
//! let conversation: models::ConversationSid = "CH0123456789abcdef0123456789abcdef".parse()?;
//! let service = client.service(&conversation); // error: expected `&Sid<'I', 'S'>`, found `&Sid<'C', 'H'>`
//! # Ok(())
//! # }
//! ```
//!
//! # Access tokens
//!
//! Conversations' browser and mobile SDKs log in with the same Access Token as Chat's, carrying a Chat grant for
//! the conversation service (the `IS…` SID of the Chat service, or of the default conversation service named by
//! `client.configuration().fetch()`). [`token`] mints it:
//!
//! ```
//! use twilio_conversations_v1::token::{AccessToken, ChatGrant, MintError};
//!
//! fn conversations_token_for(user: &str, api_secret: &str) -> Result<String, MintError> {
//!     AccessToken::builder("AC0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef", api_secret)
//!         .identity(user)
//!         .chat_grant(ChatGrant::service("IS0123456789abcdef0123456789abcdef"))
//!         .build()?
//!         .to_jwt()
//! }
//! let jwt = conversations_token_for("alice", "secret").unwrap();
//! let claims = twilio_conversations_v1::token::verify(&jwt, "secret").unwrap();
//! assert_eq!(claims.identity.as_deref(), Some("alice"));
//! ```
//!
//! # Features
//!
//! `client` (on by default) is the HTTP client: [`Client`] and every operation. Without it
//! (`default-features = false`) the crate is the [`models`], the typed [`webhook`]s and access [`token`]s, and
//! builds no HTTP stack: what a backend that only answers webhooks and mints tokens needs.

#![deny(missing_docs)]

#[cfg(feature = "client")]
#[rustfmt::skip]
mod generated;
#[cfg(feature = "client")]
pub use generated::*;
pub mod webhook;

pub use twilio_access_token as token;
pub use twilio_conversations_v1_models as models;
pub use twilio_rest_runtime::{self as runtime, Date, Timestamp};
#[cfg(feature = "client")]
pub use twilio_rest_runtime::{
    Credentials, Download, Error, ErrorKind, ItemStream, Page, RequestOptions, RetryPolicy,
};

//! Runtime for generated Twilio REST clients.
//!
//! Generated crates such as `twilio-chat-v2` describe each operation as a [`Request`]; this crate sends it:
//! HTTP Basic [`Credentials`] (auth token or API key), region and edge host rewriting, the standard headers,
//! form encoding ([`Params`]), retries ([`RetryPolicy`]) and timeouts, pagination ([`Page`], [`Client::stream`])
//! with link safety checks, one [`Error`] type, tracing and an [`Observer`] hook, and webhook signature
//! validation ([`webhook::RequestValidator`]).
//!
//! # Example
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//! use twilio_rest_runtime::{
//!     Client, Credentials, ErrorKind, Method, Params, Request, RequestOptions, encode_path_segment,
//! };
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Channel {
//!     sid: String,
//!     friendly_name: Option<String>,
//! }
//!
//! # async fn run() -> Result<(), twilio_rest_runtime::Error> {
//! // Credentials from TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET).
//! let client: Client = Client::builder("https://chat.twilio.com")
//!     .credentials(Credentials::from_env()?)
//!     .edge("sydney") // requests go to https://chat.sydney.us1.twilio.com
//!     .build()?;
//!
//! // One request: create a channel.
//! let mut form = Params::new();
//! form.push("FriendlyName", "General");
//! let path = format!("/v2/Services/{}/Channels", encode_path_segment("IS00000000000000000000000000000000"));
//! let channel: Channel = client
//!     .execute(Request::new(Method::POST, "CreateChannel", path.clone()).form(form))
//!     .await?;
//! println!("created {}", channel.sid);
//!
//! // Every channel, page after page, at most 500 of them.
//! let mut channels = client.stream::<Channel>(Request::new(Method::GET, "ListChannel", path), Some(500));
//! while let Some(channel) = channels.next().await {
//!     println!("{:?}", channel?.friendly_name);
//! }
//!
//! // Errors carry Twilio's status, code and message.
//! let fetch = Request::new(Method::GET, "FetchChannel", "/v2/Services/IS0/Channels/CH0".into())
//!     .options(RequestOptions::new().max_attempts(1));
//! match client.execute::<Channel>(fetch).await {
//!     Ok(channel) => println!("{channel:?}"),
//!     Err(e) if e.is_not_found() => println!("no such channel: {:?}", e.code()),
//!     Err(e) if e.kind() == ErrorKind::Timeout => println!("timed out"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//!
//! // Webhooks: check X-Twilio-Signature before trusting a request.
//! use twilio_rest_runtime::webhook::RequestValidator;
//! let validator = RequestValidator::new("your auth token");
//! let params = [("From", "+14158675309"), ("Body", "hello")];
//! if !validator.validate("https://example.com/hook", &params, "signature from the header") {
//!     // reject with 403
//! }
//! ```
//!
//! # Transfers
//!
//! Files move without being held in memory: [`UploadBody`] streams an upload from bytes, a file or any byte
//! stream ([`Client::execute_upload`]), and [`Download`] streams a response body ([`Client::execute_download`]).
//! Pre-signed links on other hosts are fetched by [`Client::download_unauthenticated`] with no credential or
//! Twilio header; [`Client::download_links`] tries a temporary link, refreshes it once when it has expired, then
//! falls back to the authenticated content link. Operations on another host of the API (the Media Content
//! Service) name it with [`Request::server`]; the client's region and edge apply to it too. Uploads and
//! downloads are sent once, never retried: see the notes on [`Client::execute_upload`].
//!
//! # Behaviour
//!
//! - Success is any 2xx for [`Client::execute`] and [`Client::execute_empty`]; exactly `200` for pages.
//! - Retries (default 3 attempts): 429 and connections that sent nothing for every method; 503 and connections
//!   reset or closed before a response or while its body was being read for idempotent ones (a `POST` whose
//!   answer is cut off fails with a [`ErrorKind::Transport`] error carrying the status that arrived); full-jitter
//!   exponential backoff, `Retry-After` in all its forms, an optional overall deadline. The table is on
//!   [`RetryPolicy`].
//! - Bodies are read as they stream in, up to a limit (32 MiB for success bodies, 64 KiB for error bodies, 1 MiB
//!   copied for an observer; see [`ClientBuilder::max_response_bytes`]); a larger body fails with
//!   [`ErrorKind::ResponseTooLarge`]. Redirects are never followed.
//! - Paging always ends: no page is fetched twice in a chain, and [`MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages in
//!   a row that still link onward end it with an [`ErrorKind::Pagination`] error.
//! - Every error that follows a response carries its status and `Twilio-Request-Id` ([`Error::request_id`]);
//!   successful calls give them through [`Client::execute_with_response`],
//!   [`Client::execute_empty_with_response`] and [`Page::response`].
//! - Each attempt runs in a `tracing` span `twilio.request` with fields `operation`, `method`, `path` (no query),
//!   `attempt` and `status`; headers and bodies are never traced.
//! - `Debug` of [`Credentials`], [`Client`], [`ClientBuilder`] and [`webhook::RequestValidator`], error messages and
//!   traces never contain secrets; observers see `Authorization: [redacted]`. Server text in errors is redacted
//!   (the client's secret, any `Authorization` value), bounded and kept on one line. Parameters marked secret
//!   ([`Params::push_sensitive`], and the fields a description marks sensitive in generated builders) are sent as
//!   they are but show as `[redacted]` in `Debug` of [`Params`], [`Request`] and builders, and in observers'
//!   request bodies.
//!
//! # Features
//!
//! - `client` (default): the HTTP client and everything that sends requests or decodes answers; it brings
//!   reqwest, hyper, tokio, futures, bytes, url, serde, serde_json and tracing.
//! - Without it (`default-features = false`), the crate is [`webhook`] verification, [`encode_path_segment`] and
//!   the date types ([`time`]): a backend that only verifies Twilio's webhooks compiles no HTTP client.
//!
//! What only generated code calls is reachable as `twilio_rest_runtime::__private::*` and is not part of the
//! documented API.

#![deny(missing_docs)]

// Always built: webhook verification and what it shares (percent-encoding).
mod encode;
pub mod webhook;

pub use encode::encode_path_segment;
pub use twilio_rest_time::{self as time, Date, Timestamp};

// The `client` feature (on by default): everything that sends requests or decodes answers.
#[cfg(feature = "client")]
mod decode;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod http;
#[cfg(feature = "client")]
mod operation;
#[cfg(feature = "client")]
mod paging;
#[cfg(feature = "client")]
mod redact;
#[cfg(feature = "client")]
mod transfer;

#[cfg(feature = "client")]
pub use crate::{
    error::{ApiError, Error, ErrorKind},
    http::builder::ClientBuilder,
    http::client::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT},
    http::credentials::Credentials,
    http::observe::{Exchange, Observer},
    http::params::{ParamValue, Params},
    http::request::{Request, RequestOptions},
    http::response::{
        DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_OBSERVED_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
        ResponseMeta,
    },
    http::retry::{RetryPolicy, Sleeper, TokioSleeper},
    paging::page::{ItemStream, Page, PageMeta},
    paging::trail::MAX_CONSECUTIVE_EMPTY_PAGES,
    transfer::calls::FileLinks,
    transfer::download::Download,
    transfer::upload::{BoxError, UploadBody},
};
#[cfg(feature = "client")]
pub use bytes::Bytes;
#[cfg(feature = "client")]
pub use reqwest::Method;

/// What only generated code calls, in one list (the webhook events' readers with the `events` feature): the operation tables (`OperationSpec`, `ParamSpec`, `In`), the
/// builders' state (`Scope`, `Call`), what an operation answers (`Kind` with `Value`, `Empty`, `Redirect`,
/// `Paged`, `Upload`, `Binary`), the `operation!` macro that writes what every builder repeats, and the entry point
/// of page decoding for tools (`decode_page`).
///
/// Not part of the stable API: anything here may change in any release. Generated crates name these paths;
/// applications use the documented items at the crate root.
#[cfg(any(feature = "client", feature = "events"))]
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "client")]
    pub use crate::operation;
    #[cfg(feature = "client")]
    pub use crate::operation::{
        Binary, Call, Empty, In, Kind, OperationSpec, Paged, ParamSpec, Redirect, Scope, Upload,
        Value,
    };
    #[cfg(feature = "client")]
    pub use crate::paging::parse::decode_page;

    /// What generated webhook events call: the parameter readers and the reply core, beside the public types.
    #[cfg(feature = "events")]
    pub mod webhook {
        pub use crate::webhook::event::{Fields, Reply};
        pub use crate::webhook::{
            Attributes, EventError, FormError, HttpReply, ReplyError, Timestamp, Verified,
            encode_form, parse_form,
        };
    }
}

/// Compiles and runs the README examples as doctests.
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

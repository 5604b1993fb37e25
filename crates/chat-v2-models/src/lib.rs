//! Typed models of the Twilio Programmable Chat v2 REST API: services, channels, members, messages, invites,
//! users, user channels and bindings, roles, credentials, bindings and channel webhooks.
//!
//! The types are generated from `spec/chat-v2.json` by `cargo xtask codegen` (see `src/generated/`); this file is
//! hand-written. The async client lives in the `twilio-chat-v2` crate, which re-exports this one as `models`.
//! The models of Chat v3's one operation are the [`v3`] module.
//!
//! - Structs are `#[non_exhaustive]`, derive `Default`, ignore unknown JSON fields and default missing ones; a field
//!   is `Option<T>` when the description says it is nullable or not required. The fields Twilio always sends (a
//!   record's `sid`, `account_sid`, the SIDs of its parents, `url`, `date_created`) are plain fields: a record
//!   without one, or with `null`, is a decode error naming it.
//! - SIDs are typed per resource ([`ServiceSid`], [`ChannelSid`], [`MessageSid`], ...: aliases of [`Sid`] by
//!   prefix). `parse()` checks user input (prefix and length); decoding keeps whatever Twilio sent.
//! - Date-times are [`Timestamp`](twilio_rest_time::Timestamp)s in UTC (dates are
//!   [`Date`](twilio_rest_time::Date)s): parsing accepts RFC 3339 (Twilio's JSON APIs) as well as RFC 2822 (older
//!   Twilio APIs), so the same models code serves other descriptions. The `chrono` feature of `twilio-rest-time`
//!   converts them to and from chrono's types.
//! - Enums are `#[non_exhaustive]` with an `Unknown(String)` variant: values Twilio adds later deserialize into it
//!   and serialize back unchanged. `as_str()`, `Display` and an infallible `FromStr` give the wire value.
//! - `attributes` fields hold JSON text; `attributes_json::<T>()` parses them.
//!
//! ```
//! use twilio_chat_v2_models::{Message, ChannelType};
//!
//! let message: Message = serde_json::from_str(r#"{
//!     "sid": "IMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "service_sid": "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "channel_sid": "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "url": "https://chat.twilio.com/v2/Services/ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Channels/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/IMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
//!     "body": "hello",
//!     "index": 3,
//!     "attributes": "{\"importance\": \"high\"}",
//!     "date_created": "2016-03-24T20:37:57Z",
//!     "date_updated": "2016-03-24T20:37:57Z",
//!     "something_new": true
//! }"#).unwrap();
//! assert_eq!(message.body.as_deref(), Some("hello"));
//! assert_eq!(message.channel_sid, "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
//! let attributes: serde_json::Value = message.attributes_json().unwrap().unwrap();
//! assert_eq!(attributes["importance"], "high");
//!
//! let kind: ChannelType = "broadcast".parse().unwrap();
//! assert_eq!(kind, ChannelType::Unknown("broadcast".into()));
//! assert_eq!(serde_json::to_string(&kind).unwrap(), r#""broadcast""#);
//! ```

#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
pub use generated::*;
pub mod v3;

//! Typed models of the Twilio Conversations v1 REST API: conversations, participants, messages and their delivery
//! receipts, conversation services and their configuration, users and their conversations, roles, credentials,
//! bindings, address configurations and webhooks.
//!
//! The types are generated from `spec/conversations-v1.json` by `cargo xtask codegen` (see `src/generated/`);
//! this file is hand-written. The async client lives in the `twilio-conversations-v1` crate, which re-exports this
//! one as `models`. They follow the same rules as the Chat v2 models:
//!
//! - Structs are `#[non_exhaustive]`, derive `Default`, ignore unknown JSON fields and default missing ones; a field
//!   is `Option<T>` when the description says it is nullable or not required. The fields Twilio always sends (a
//!   record's `sid`, `account_sid`, the SIDs of its parents, `url`, `date_created`) are plain fields: a record
//!   without one, or with `null`, is a decode error naming it.
//! - SIDs are typed by prefix ([`ConversationSid`], [`ConversationParticipantSid`], [`ConversationMessageSid`],
//!   [`ServiceSid`], ...: aliases of [`Sid`]). A prefix has one type in every product: a Chat v2 `ChannelSid` *is*
//!   a [`ConversationSid`] (both `Sid<'C', 'H'>`), as a private Chat channel is the conversation with the same SID.
//!   `parse()` checks user input (prefix and length); decoding keeps whatever Twilio sent.
//! - Date-times are [`Timestamp`](twilio_rest_time::Timestamp)s in UTC.
//! - Enums are `#[non_exhaustive]` with an `Unknown(String)` variant: values Twilio adds later deserialize into it
//!   and serialize back unchanged.
//! - `attributes` fields hold JSON text; `attributes_json::<T>()` parses them.
//!
//! ```
//! use twilio_conversations_v1_models::{Conversation, ConversationState, ConversationSid};
//!
//! let conversation: Conversation = serde_json::from_str(r#"{
//!     "sid": "CH0123456789abcdef0123456789abcdef",
//!     "account_sid": "AC0123456789abcdef0123456789abcdef",
//!     "chat_service_sid": "IS0123456789abcdef0123456789abcdef",
//!     "friendly_name": "Support",
//!     "state": "active",
//!     "attributes": "{\"topic\": \"billing\"}",
//!     "date_created": "2026-03-24T20:37:57Z",
//!     "date_updated": "2026-03-24T20:37:57Z",
//!     "url": "https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef",
//!     "links": {"participants": "https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants"},
//!     "a_field_added_later": true
//! }"#).unwrap();
//! let sid: ConversationSid = "CH0123456789abcdef0123456789abcdef".parse().unwrap();
//! assert_eq!(conversation.sid, sid);
//! assert_eq!(conversation.state, Some(ConversationState::Active));
//! let attributes: serde_json::Value = conversation.attributes_json().unwrap().unwrap();
//! assert_eq!(attributes["topic"], "billing");
//!
//! // A record without a field Twilio always sends is refused, naming the field.
//! let error = serde_json::from_str::<Conversation>(r#"{"friendly_name": "no SIDs"}"#).unwrap_err();
//! assert_eq!(error.to_string(), "missing field `account_sid` at line 1 column 28");
//! ```

#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
pub use generated::*;

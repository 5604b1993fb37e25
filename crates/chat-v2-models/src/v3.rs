//! Models of Programmable Chat v3, whose one operation (`UpdateChannel`, `POST /v3/Services/{ServiceSid}/Channels/{Sid}`)
//! changes a channel's type: turning a public channel private makes it a Conversations conversation.
//!
//! Generated from `spec/chat-v3.json` by `cargo xtask codegen` (see `src/v3/generated/`). The SID types are the
//! same as Chat v2's: [`ChannelSid`] here is [`crate::ChannelSid`].
//!
//! ```
//! use twilio_chat_v2_models::v3::{Channel, ChannelType};
//!
//! let channel: Channel = serde_json::from_str(r#"{
//!     "sid": "CH0123456789abcdef0123456789abcdef",
//!     "account_sid": "AC0123456789abcdef0123456789abcdef",
//!     "service_sid": "IS0123456789abcdef0123456789abcdef",
//!     "type": "private",
//!     "date_created": "2026-03-24T20:37:57Z",
//!     "date_updated": "2026-03-24T20:37:57Z",
//!     "url": "https://chat.twilio.com/v3/Services/IS0123456789abcdef0123456789abcdef/Channels/CH0123456789abcdef0123456789abcdef"
//! }"#).unwrap();
//! let v2: twilio_chat_v2_models::ChannelSid = channel.sid.clone();
//! assert_eq!(v2, "CH0123456789abcdef0123456789abcdef");
//! assert_eq!(channel.type_, Some(ChannelType::Private));
//! ```

#[rustfmt::skip]
mod generated;
pub use generated::*;

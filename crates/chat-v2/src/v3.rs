//! Programmable Chat v3: one operation, [`UpdateChannel`], which changes a channel's type. Turning a public
//! channel private makes it a Conversations conversation with the same SID, the step Twilio asks of every Chat
//! user before moving to Conversations.
//!
//! Reach it from the Chat v2 client with [`crate::Client::v3`]: same credentials, base URL, region, retries and
//! connection pool, no second client. The models are [`models`] (`twilio_chat_v2_models::v3`), whose SID types
//! are Chat v2's.
//!
//! ```no_run
//! use twilio_chat_v2::{Client, models};
//!
//! # async fn run(client: Client, service: models::ServiceSid, channel: models::ChannelSid) -> Result<(), twilio_chat_v2::Error> {
//! let converted = client
//!     .v3()
//!     .service(&service)
//!     .channel(&channel)
//!     .update()
//!     .type_(models::v3::ChannelType::Private)
//!     .await?;
//! assert_eq!(converted.type_, Some(models::v3::ChannelType::Private));
//! # Ok(())
//! # }
//! ```
//!
//! Generated from `spec/chat-v3.json` by `cargo xtask codegen` (see `src/v3/generated/`). A module rather than a
//! crate: Chat v3 exists only beside Chat v2, so its users already have this crate and its client.

#[rustfmt::skip]
mod generated;
pub use generated::*;

pub use twilio_chat_v2_models::v3 as models;
pub use twilio_rest_runtime::RequestOptions;

impl crate::Client {
    /// The Chat v3 API (`https://chat.twilio.com/v3`) on this client's connection pool, credentials, base URL,
    /// region, edge and retry policy.
    pub fn v3(&self) -> Client {
        Client::from(self.runtime().clone())
    }
}

//! What `migrate` needs from Twilio, as three small traits over plain records: reading a Chat service
//! ([`ChatRead`], Chat v2), turning a channel private ([`ChannelConvert`], Chat v3) and reaching the result as a
//! conversation ([`ConversationsApi`], Conversations v1). `twilio.rs` implements them with the generated clients;
//! the planning and conversion code is written against the traits only.

use std::fmt;
use std::future::Future;

use serde::{Deserialize, Serialize};
use twilio_chat_v2::models::ChannelSid;

/// A failed call: Twilio's error (status, code and message) or a transport failure, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub String);

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<twilio_chat_v2::Error> for ApiError {
    fn from(e: twilio_chat_v2::Error) -> Self {
        Self(e.to_string())
    }
}

/// A Chat service's name and webhook configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceInfo {
    /// `IS…`.
    pub sid: String,
    /// Its friendly name.
    pub friendly_name: Option<String>,
    /// Called before events take effect.
    pub pre_webhook_url: Option<String>,
    /// Called after events took effect.
    pub post_webhook_url: Option<String>,
    /// `GET` or `POST`.
    pub webhook_method: Option<String>,
    /// The Chat events that call the webhooks (`onMessageSend`, …).
    pub webhook_filters: Vec<String>,
}

/// A channel's visibility, as Chat names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Anyone in the service can find and join it; not a conversation yet.
    Public,
    /// Members only; the conversation with the same SID.
    Private,
    /// A type this version does not know.
    #[serde(untagged)]
    Other(String),
}

impl ChannelKind {
    /// The name Chat uses.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Other(other) => other,
        }
    }
}

/// One channel with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelInfo {
    /// `CH…`, also the SID of the conversation it becomes.
    pub sid: ChannelSid,
    /// Its unique name, when it has one.
    pub unique_name: Option<String>,
    /// Its visibility.
    #[serde(rename = "type")]
    pub kind: ChannelKind,
    /// How many members it has.
    pub members: i64,
    /// How many messages it has.
    pub messages: i64,
}

/// A webhook of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelWebhookInfo {
    /// The channel it belongs to.
    pub channel_sid: String,
    /// `webhook`, `trigger` or `studio`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The URL it calls (`webhook` and `trigger`).
    pub url: Option<String>,
    /// The Studio flow it starts (`studio`).
    pub flow_sid: Option<String>,
    /// The Chat events that fire it.
    pub filters: Vec<String>,
}

/// A role of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleInfo {
    /// `RL…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: Option<String>,
    /// `channel` or `deployment` (Conversations calls them conversation and service roles).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// What it allows.
    pub permissions: Vec<String>,
}

/// A user of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The identity the SDKs log in with.
    pub identity: Option<String>,
    /// Its service role.
    pub role_sid: Option<String>,
    /// How many channels it is a member of.
    pub joined_channels: i64,
}

/// The Conversations webhook configuration of a service (`/v1/Services/{IS}/Configuration/Webhooks`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookConfig {
    /// Called before events take effect.
    pub pre_webhook_url: Option<String>,
    /// Called after events took effect.
    pub post_webhook_url: Option<String>,
    /// `GET` or `POST`.
    pub method: Option<String>,
    /// The Conversations events that call the webhooks.
    pub filters: Vec<String>,
}

/// Reads one Chat service through Chat v2. Nothing here changes anything.
pub trait ChatRead {
    /// The service's name and webhook configuration.
    fn service(&self) -> impl Future<Output = Result<ServiceInfo, ApiError>>;
    /// Every channel, public and private, in the order the service lists them.
    fn channels(&self) -> impl Future<Output = Result<Vec<ChannelInfo>, ApiError>>;
    /// The webhooks of one channel.
    fn channel_webhooks(
        &self,
        channel: &ChannelSid,
    ) -> impl Future<Output = Result<Vec<ChannelWebhookInfo>, ApiError>>;
    /// Every role.
    fn roles(&self) -> impl Future<Output = Result<Vec<RoleInfo>, ApiError>>;
    /// Every user.
    fn users(&self) -> impl Future<Output = Result<Vec<UserInfo>, ApiError>>;
}

/// Turns a public channel private through Chat v3, which makes it the conversation with the same SID.
pub trait ChannelConvert {
    /// Sets the channel's type to private and returns the type the service answers with.
    fn make_private(
        &self,
        channel: &ChannelSid,
    ) -> impl Future<Output = Result<ChannelKind, ApiError>>;
}

/// What `migrate` asks of Conversations v1, for the same service.
pub trait ConversationsApi {
    /// Fetches the conversation with the channel's SID: `Ok` when it exists.
    fn fetch_conversation(
        &self,
        channel: &ChannelSid,
    ) -> impl Future<Output = Result<(), ApiError>>;
    /// The service's current Conversations webhook configuration.
    fn webhook_config(&self) -> impl Future<Output = Result<WebhookConfig, ApiError>>;
    /// Replaces the service's Conversations webhook configuration.
    fn set_webhook_config(
        &self,
        config: &WebhookConfig,
    ) -> impl Future<Output = Result<(), ApiError>>;
}

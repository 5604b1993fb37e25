//! Typed Chat v2 webhook events: [`ChatWebhook`] holds the typed common fields, the [`ChatEvent`] variant with the
//! fields of its resource (message, channel, member or user), and every parameter exactly as received. Fields
//! whose format Twilio does not pin down stay text (and every field stays available raw through
//! [`ChatWebhook::params`]); attributes are parsed as JSON when they are JSON and kept as text otherwise.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::{SerializeStruct as _, Serializer};
use twilio_rest_runtime::webhook::{FormError, Verified, encode_form, parse_form};

use super::reply::PreEvent;

/// One Chat webhook request: what happened ([`ChatWebhook::event`]), the fields every event shares
/// ([`ChatWebhook::common`]) and all parameters as received.
///
/// ```
/// use twilio_chat_v2::webhook::{ChatEvent, ChatWebhook, PreEvent};
///
/// let hook = ChatWebhook::from_form(
///     b"EventType=onMessageSend&InstanceSid=IS1&ChannelSid=CH1&Body=hi&From=alice&Attributes=%7B%22x%22%3A1%7D",
/// )
/// .unwrap();
/// assert_eq!(hook.event.pre_event(), Some(PreEvent::MessageSend));
/// let ChatEvent::MessageSend(message) = &hook.event else { panic!("not a message") };
/// assert_eq!(message.body.as_deref(), Some("hi"));
/// assert_eq!(hook.common.service_sid.as_deref(), Some("IS1"));
/// assert_eq!(hook.param("From"), Some("alice"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChatWebhook {
    /// Fields every Chat event may carry.
    pub common: Common,
    /// The event with its resource's typed fields.
    pub event: ChatEvent,
    /// Every parameter as received, in order, duplicates kept.
    params: Vec<(String, String)>,
}

/// Fields shared by every Chat webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Common {
    /// `EventType`, such as `onMessageSend`.
    pub event_type: String,
    /// `AccountSid`.
    pub account_sid: Option<String>,
    /// `InstanceSid`: the Chat service (`IS...`).
    pub service_sid: Option<String>,
    /// `ClientIdentity`: the identity of the user whose client made the change, for actions from the SDKs.
    pub client_identity: Option<String>,
    /// `RetryCount`: how many times Twilio has retried this webhook.
    pub retry_count: Option<u32>,
    /// `Source`: whether the action came from a client SDK or the REST API.
    pub source: Option<Source>,
    /// `WebhookSid`: the channel webhook (`WH...`) that fired, for channel-scoped webhooks.
    pub webhook_sid: Option<String>,
    /// `WebhookType`: the channel webhook's type (`webhook`, `studio`, `trigger`), for channel-scoped webhooks.
    pub webhook_type: Option<String>,
}

/// Where the action came from (`Source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `SDK`: a client SDK.
    Sdk,
    /// `API`: the REST API.
    Api,
    /// A value this version does not know, kept as sent.
    Other(String),
}

/// A channel's type (`ChannelType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelType {
    /// `public`.
    Public,
    /// `private`.
    Private,
    /// A value this version does not know, kept as sent.
    Other(String),
}

/// A resource's `Attributes`: JSON when they parse as JSON, the text as sent otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Attributes {
    /// Parsed JSON (normally an object).
    Json(serde_json::Value),
    /// Text that is not JSON, kept as sent.
    Raw(String),
}

/// A date field as sent, with its UTC value when it is RFC 3339 (or RFC 2822).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// The value as sent.
    pub raw: String,
    /// The parsed value, `None` when the format was not recognised.
    pub utc: Option<twilio_rest_time::Timestamp>,
}

/// Fields of message events (`onMessageSend`, `onMessageSent`, updates, removals and media messages).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MessageEvent {
    /// `ChannelSid`.
    pub channel_sid: Option<String>,
    /// `MessageSid` (absent before a message exists, as in `onMessageSend`).
    pub message_sid: Option<String>,
    /// `Index`: the message's position in its channel.
    pub index: Option<u64>,
    /// `Body`.
    pub body: Option<String>,
    /// `Attributes`.
    pub attributes: Option<Attributes>,
    /// `From`: the author's identity.
    pub from: Option<String>,
    /// `To`: the channel SID, on post-events.
    pub to: Option<String>,
    /// `ModifiedBy`: who changed or removed the message.
    pub modified_by: Option<String>,
    /// `DateCreated`.
    pub date_created: Option<Timestamp>,
    /// `DateUpdated`.
    pub date_updated: Option<Timestamp>,
    /// The media of media messages (present when any `Media*` field is).
    pub media: Option<Media>,
}

/// Media of a media message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Media {
    /// `MediaSid` (`ME...`).
    pub sid: Option<String>,
    /// `MediaContentType`, such as `image/png`.
    pub content_type: Option<String>,
    /// `MediaFilename`.
    pub filename: Option<String>,
    /// `MediaSize` in bytes.
    pub size: Option<u64>,
}

/// Fields of channel events (`onChannelAdd`, `onChannelUpdated`, `onChannelDestroyed`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ChannelEvent {
    /// `ChannelSid` (absent before a channel exists, as in `onChannelAdd`).
    pub channel_sid: Option<String>,
    /// `ChannelType`.
    pub channel_type: Option<ChannelType>,
    /// `UniqueName`.
    pub unique_name: Option<String>,
    /// `FriendlyName`.
    pub friendly_name: Option<String>,
    /// `Attributes`.
    pub attributes: Option<Attributes>,
    /// `CreatedBy`: the creator's identity.
    pub created_by: Option<String>,
    /// `DateCreated`.
    pub date_created: Option<Timestamp>,
    /// `DateUpdated`.
    pub date_updated: Option<Timestamp>,
}

/// Fields of member events (`onMemberAdd`, `onMemberUpdated`, `onMemberRemoved`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MemberEvent {
    /// `ChannelSid`.
    pub channel_sid: Option<String>,
    /// `MemberSid` (absent before a member exists, as in `onMemberAdd`).
    pub member_sid: Option<String>,
    /// `Identity`: the member's user identity.
    pub identity: Option<String>,
    /// `RoleSid`.
    pub role_sid: Option<String>,
    /// `Reason`: why the member joined or left, as sent (such as `ADDED`, `JOINED`, `REMOVED`, `LEFT`).
    pub reason: Option<String>,
    /// `LastConsumedMessageIndex`.
    pub last_consumed_message_index: Option<u64>,
    /// `Attributes`.
    pub attributes: Option<Attributes>,
    /// `DateCreated`.
    pub date_created: Option<Timestamp>,
    /// `DateUpdated`.
    pub date_updated: Option<Timestamp>,
}

/// Fields of user events (`onUserAdded`, `onUserUpdate`, `onUserUpdated`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UserEvent {
    /// `UserSid`.
    pub user_sid: Option<String>,
    /// `Identity`.
    pub identity: Option<String>,
    /// `FriendlyName`.
    pub friendly_name: Option<String>,
    /// `RoleSid`.
    pub role_sid: Option<String>,
    /// `Attributes`.
    pub attributes: Option<Attributes>,
    /// `DateCreated`.
    pub date_created: Option<Timestamp>,
    /// `DateUpdated`.
    pub date_updated: Option<Timestamp>,
}

/// Why a webhook's parameters could not be read as a Chat event. Messages name the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not valid `application/x-www-form-urlencoded`.
    Form(FormError),
    /// There is no `EventType` parameter.
    MissingEventType,
    /// A parameter this crate reads as one value was sent more than once.
    DuplicateField {
        /// The parameter's name.
        name: &'static str,
    },
    /// A numeric parameter that is not a non-negative integer.
    BadNumber {
        /// The parameter's name.
        name: &'static str,
        /// The value as sent.
        value: String,
    },
}

macro_rules! chat_events {
    ($($(#[doc = $doc:literal])* $wire:literal => $variant:ident($payload:ident), $pre:expr;)*) => {
        /// A Chat v2 webhook event: one variant per pre-event (`onMessageSend`: the action waits for the reply,
        /// see [`super::PreEventReply`]) and post-event (`onMessageSent`: it already happened), named after
        /// Twilio's `EventType` without the `on`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ChatEvent {
            $($(#[doc = $doc])* $variant($payload),)*
            /// An `EventType` this version does not know (kept as sent); read its parameters from
            /// [`ChatWebhook::params`].
            Unknown(String),
        }

        impl Serialize for ChatEvent {
            /// `{"<Variant>": <fields>}`, or `{"Unknown": "<EventType>"}`.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                /// The variants' positions.
                #[allow(dead_code)]
                enum Index {
                    $($variant,)*
                    Unknown,
                }
                match self {
                    $(Self::$variant(fields) => serializer.serialize_newtype_variant(
                        "ChatEvent",
                        Index::$variant as u32,
                        stringify!($variant),
                        fields,
                    ),)*
                    Self::Unknown(event_type) => serializer.serialize_newtype_variant(
                        "ChatEvent",
                        Index::Unknown as u32,
                        "Unknown",
                        event_type,
                    ),
                }
            }
        }

        impl ChatEvent {
            /// The `EventType` as Twilio names it, such as `onMessageSend`.
            pub fn event_type(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $wire,)*
                    Self::Unknown(event_type) => event_type,
                }
            }

            /// The pre-event this is, or `None` for post-events and unknown events.
            pub fn pre_event(&self) -> Option<PreEvent> {
                match self {
                    $(Self::$variant(_) => $pre,)*
                    Self::Unknown(_) => None,
                }
            }

            /// Every event type this version knows, as Twilio names them.
            pub const KNOWN_EVENT_TYPES: &'static [&'static str] = &[$($wire),*];

            fn parse(event_type: &str, fields: &Fields<'_>) -> Result<Self, EventError> {
                Ok(match event_type {
                    $($wire => Self::$variant($payload::parse(fields)?),)*
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }
    };
}

chat_events! {
    /// `onMessageSend` (pre-event): a message is about to be sent.
    "onMessageSend" => MessageSend(MessageEvent), Some(PreEvent::MessageSend);
    /// `onMessageSent`: a message was sent.
    "onMessageSent" => MessageSent(MessageEvent), None;
    /// `onMessageUpdate` (pre-event): a message is about to change.
    "onMessageUpdate" => MessageUpdate(MessageEvent), Some(PreEvent::MessageUpdate);
    /// `onMessageUpdated`: a message changed.
    "onMessageUpdated" => MessageUpdated(MessageEvent), None;
    /// `onMessageRemove` (pre-event): a message is about to be removed.
    "onMessageRemove" => MessageRemove(MessageEvent), Some(PreEvent::MessageRemove);
    /// `onMessageRemoved`: a message was removed.
    "onMessageRemoved" => MessageRemoved(MessageEvent), None;
    /// `onMediaMessageSend` (pre-event): a media message is about to be sent.
    "onMediaMessageSend" => MediaMessageSend(MessageEvent), Some(PreEvent::MediaMessageSend);
    /// `onMediaMessageSent`: a media message was sent.
    "onMediaMessageSent" => MediaMessageSent(MessageEvent), None;
    /// `onChannelAdd` (pre-event): a channel is about to be created.
    "onChannelAdd" => ChannelAdd(ChannelEvent), Some(PreEvent::ChannelAdd);
    /// `onChannelAdded`: a channel was created.
    "onChannelAdded" => ChannelAdded(ChannelEvent), None;
    /// `onChannelUpdate` (pre-event): a channel is about to change.
    "onChannelUpdate" => ChannelUpdate(ChannelEvent), Some(PreEvent::ChannelUpdate);
    /// `onChannelUpdated`: a channel changed.
    "onChannelUpdated" => ChannelUpdated(ChannelEvent), None;
    /// `onChannelDestroy` (pre-event): a channel is about to be deleted.
    "onChannelDestroy" => ChannelDestroy(ChannelEvent), Some(PreEvent::ChannelDestroy);
    /// `onChannelDestroyed`: a channel was deleted.
    "onChannelDestroyed" => ChannelDestroyed(ChannelEvent), None;
    /// `onMemberAdd` (pre-event): a user is about to join or be added to a channel.
    "onMemberAdd" => MemberAdd(MemberEvent), Some(PreEvent::MemberAdd);
    /// `onMemberAdded`: a user joined or was added to a channel.
    "onMemberAdded" => MemberAdded(MemberEvent), None;
    /// `onMemberUpdate` (pre-event): a member is about to change.
    "onMemberUpdate" => MemberUpdate(MemberEvent), Some(PreEvent::MemberUpdate);
    /// `onMemberUpdated`: a member changed.
    "onMemberUpdated" => MemberUpdated(MemberEvent), None;
    /// `onMemberRemove` (pre-event): a member is about to leave or be removed.
    "onMemberRemove" => MemberRemove(MemberEvent), Some(PreEvent::MemberRemove);
    /// `onMemberRemoved`: a member left or was removed.
    "onMemberRemoved" => MemberRemoved(MemberEvent), None;
    /// `onUserAdded`: a user was created.
    "onUserAdded" => UserAdded(UserEvent), None;
    /// `onUserUpdate` (pre-event): a user is about to change.
    "onUserUpdate" => UserUpdate(UserEvent), Some(PreEvent::UserUpdate);
    /// `onUserUpdated`: a user changed.
    "onUserUpdated" => UserUpdated(UserEvent), None;
}

/// Writes `Serialize` for a struct: an object of every member (the pattern fails to compile when one is left
/// out), in declaration order, under its Rust name.
macro_rules! serialize_struct {
    ($($ty:ident { $($member:ident),* $(,)? })*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let Self { $($member),* } = self;
                let mut object =
                    serializer.serialize_struct(stringify!($ty), [$(stringify!($member)),*].len())?;
                $(object.serialize_field(stringify!($member), $member)?;)*
                object.end()
            }
        }
    )*};
}

serialize_struct! {
    ChatWebhook { common, event, params }
    Common {
        event_type,
        account_sid,
        service_sid,
        client_identity,
        retry_count,
        source,
        webhook_sid,
        webhook_type,
    }
    Timestamp { raw, utc }
    MessageEvent {
        channel_sid,
        message_sid,
        index,
        body,
        attributes,
        from,
        to,
        modified_by,
        date_created,
        date_updated,
        media,
    }
    Media { sid, content_type, filename, size }
    ChannelEvent {
        channel_sid,
        channel_type,
        unique_name,
        friendly_name,
        attributes,
        created_by,
        date_created,
        date_updated,
    }
    MemberEvent {
        channel_sid,
        member_sid,
        identity,
        role_sid,
        reason,
        last_consumed_message_index,
        attributes,
        date_created,
        date_updated,
    }
    UserEvent {
        user_sid,
        identity,
        friendly_name,
        role_sid,
        attributes,
        date_created,
        date_updated,
    }
}

impl Serialize for Source {
    /// `"Sdk"`, `"Api"` or `{"Other": "<as sent>"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Sdk => serializer.serialize_unit_variant("Source", 0, "Sdk"),
            Self::Api => serializer.serialize_unit_variant("Source", 1, "Api"),
            Self::Other(text) => serializer.serialize_newtype_variant("Source", 2, "Other", text),
        }
    }
}

impl Serialize for ChannelType {
    /// `"Public"`, `"Private"` or `{"Other": "<as sent>"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Public => serializer.serialize_unit_variant("ChannelType", 0, "Public"),
            Self::Private => serializer.serialize_unit_variant("ChannelType", 1, "Private"),
            Self::Other(text) => {
                serializer.serialize_newtype_variant("ChannelType", 2, "Other", text)
            }
        }
    }
}

impl Serialize for Attributes {
    /// `{"Json": <value>}` or `{"Raw": "<as sent>"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Json(value) => {
                serializer.serialize_newtype_variant("Attributes", 0, "Json", value)
            }
            Self::Raw(text) => serializer.serialize_newtype_variant("Attributes", 1, "Raw", text),
        }
    }
}

impl ChatWebhook {
    /// Reads an event from a form body (`application/x-www-form-urlencoded`, as Twilio sends it). Verify the
    /// request first; [`ChatWebhook::from_verified`] takes the verifier's result directly.
    pub fn from_form(body: &[u8]) -> Result<Self, EventError> {
        Self::from_params(parse_form(body).map_err(EventError::Form)?)
    }

    /// Reads an event from the parameters of a request that [`twilio_rest_runtime::webhook::WebhookVerifier`]
    /// accepted.
    pub fn from_verified(verified: Verified) -> Result<Self, EventError> {
        Self::from_params(verified.params)
    }

    /// Reads an event from decoded parameters (in order, duplicates allowed except for the typed fields).
    pub fn from_params(params: Vec<(String, String)>) -> Result<Self, EventError> {
        let fields = Fields(&params);
        let event_type = fields
            .text("EventType")?
            .ok_or(EventError::MissingEventType)?;
        let common = Common {
            account_sid: fields.text("AccountSid")?,
            service_sid: fields.text("InstanceSid")?,
            client_identity: fields.text("ClientIdentity")?,
            retry_count: fields.number("RetryCount")?,
            source: fields.text("Source")?.map(|s| match s.as_str() {
                "SDK" => Source::Sdk,
                "API" => Source::Api,
                _ => Source::Other(s),
            }),
            webhook_sid: fields.text("WebhookSid")?,
            webhook_type: fields.text("WebhookType")?,
            event_type,
        };
        let event = ChatEvent::parse(&common.event_type, &fields)?;
        Ok(Self {
            common,
            event,
            params,
        })
    }

    /// Every parameter as received, in order, duplicates kept.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The parameters, for re-encoding or forwarding.
    pub fn into_params(self) -> Vec<(String, String)> {
        self.params
    }

    /// The first value of parameter `name`, typed or not.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters form-encoded again, in their order (what [`ChatWebhook::from_form`] reads back to the same
    /// parameters).
    pub fn to_form(&self) -> String {
        encode_form(&self.params)
    }
}

impl Attributes {
    /// Parses attributes text: JSON when it is, [`Attributes::Raw`] otherwise.
    pub fn parse(text: &str) -> Self {
        serde_json::from_str(text).map_or_else(|_| Self::Raw(text.to_owned()), Self::Json)
    }
}

impl Timestamp {
    /// Reads a date: RFC 3339 (`2019-03-05T18:11:45.474Z`, as Chat sends) or RFC 2822; other formats keep only the
    /// text.
    pub fn parse(raw: &str) -> Self {
        let utc = twilio_rest_time::Timestamp::parse(raw).ok();
        Self {
            raw: raw.to_owned(),
            utc,
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Form(e) => write!(f, "Chat webhook body: {e}"),
            Self::MissingEventType => f.write_str("Chat webhook has no EventType parameter"),
            Self::DuplicateField { name } => {
                write!(f, "Chat webhook parameter `{name}` was sent more than once")
            }
            Self::BadNumber { name, value } => write!(
                f,
                "Chat webhook parameter `{name}` is `{value}`, not a non-negative integer"
            ),
        }
    }
}

impl std::error::Error for EventError {}

impl MessageEvent {
    fn parse(f: &Fields<'_>) -> Result<Self, EventError> {
        let media = Media {
            sid: f.text("MediaSid")?,
            content_type: f.text("MediaContentType")?,
            filename: f.text("MediaFilename")?,
            size: f.number("MediaSize")?,
        };
        let has_media = media != Media::default();
        Ok(Self {
            channel_sid: f.text("ChannelSid")?,
            message_sid: f.text("MessageSid")?,
            index: f.number("Index")?,
            body: f.text("Body")?,
            attributes: f.attributes()?,
            from: f.text("From")?,
            to: f.text("To")?,
            modified_by: f.text("ModifiedBy")?,
            date_created: f.timestamp("DateCreated")?,
            date_updated: f.timestamp("DateUpdated")?,
            media: has_media.then_some(media),
        })
    }
}

impl ChannelEvent {
    fn parse(f: &Fields<'_>) -> Result<Self, EventError> {
        Ok(Self {
            channel_sid: f.text("ChannelSid")?,
            channel_type: f.text("ChannelType")?.map(|t| match t.as_str() {
                "public" => ChannelType::Public,
                "private" => ChannelType::Private,
                _ => ChannelType::Other(t),
            }),
            unique_name: f.text("UniqueName")?,
            friendly_name: f.text("FriendlyName")?,
            attributes: f.attributes()?,
            created_by: f.text("CreatedBy")?,
            date_created: f.timestamp("DateCreated")?,
            date_updated: f.timestamp("DateUpdated")?,
        })
    }
}

impl MemberEvent {
    fn parse(f: &Fields<'_>) -> Result<Self, EventError> {
        Ok(Self {
            channel_sid: f.text("ChannelSid")?,
            member_sid: f.text("MemberSid")?,
            identity: f.text("Identity")?,
            role_sid: f.text("RoleSid")?,
            reason: f.text("Reason")?,
            last_consumed_message_index: f.number("LastConsumedMessageIndex")?,
            attributes: f.attributes()?,
            date_created: f.timestamp("DateCreated")?,
            date_updated: f.timestamp("DateUpdated")?,
        })
    }
}

impl UserEvent {
    fn parse(f: &Fields<'_>) -> Result<Self, EventError> {
        Ok(Self {
            user_sid: f.text("UserSid")?,
            identity: f.text("Identity")?,
            friendly_name: f.text("FriendlyName")?,
            role_sid: f.text("RoleSid")?,
            attributes: f.attributes()?,
            date_created: f.timestamp("DateCreated")?,
            date_updated: f.timestamp("DateUpdated")?,
        })
    }
}

/// Typed reads of single-valued parameters.
struct Fields<'a>(&'a [(String, String)]);

impl Fields<'_> {
    /// The value of `name`; an error when it was sent twice.
    fn text(&self, name: &'static str) -> Result<Option<String>, EventError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            return Err(EventError::DuplicateField { name });
        }
        Ok(first.cloned())
    }

    /// A number; an empty value counts as absent.
    fn number<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, EventError> {
        match self.text(name)? {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => match v.parse() {
                Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
                _ => Err(EventError::BadNumber { name, value: v }),
            },
        }
    }

    /// `Attributes`; an empty value counts as absent.
    fn attributes(&self) -> Result<Option<Attributes>, EventError> {
        Ok(self
            .text("Attributes")?
            .filter(|a| !a.is_empty())
            .map(|a| Attributes::parse(&a)))
    }

    /// A date; an empty value counts as absent.
    fn timestamp(&self, name: &'static str) -> Result<Option<Timestamp>, EventError> {
        Ok(self
            .text(name)?
            .filter(|d| !d.is_empty())
            .map(|d| Timestamp::parse(&d)))
    }
}

//! Typed Chat v2 webhook events: [`ChatWebhook`] holds the typed common fields, the [`ChatEvent`] variant with the
//! fields of its resource (message, channel, member or user), and every parameter exactly as received. Fields
//! whose format Twilio does not pin down stay text (and every field stays available raw through
//! [`ChatWebhook::params`]); attributes are parsed as JSON when they are JSON and kept as text otherwise.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::ser::{SerializeStruct as _, Serializer};
use twilio_rest_runtime::webhook::{FormError, Verified, encode_form, parse_form};

#[path = "../generated/webhook.rs"]
#[rustfmt::skip]
mod generated;
pub use generated::{
    ChannelEvent, ChatEvent, Common, Field, Media, MemberEvent, MessageEvent, PreEvent, UserEvent,
};

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
    Timestamp { raw, utc }
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
        let common = Common::parse(&fields)?;
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

/// Typed reads of single-valued parameters, for the generated events.
pub(crate) struct Fields<'a>(&'a [(String, String)]);

impl Fields<'_> {
    /// The value of `name`; an error when it was sent twice.
    pub(crate) fn text(&self, name: &'static str) -> Result<Option<String>, EventError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            return Err(EventError::DuplicateField { name });
        }
        Ok(first.cloned())
    }

    /// A number; an empty value counts as absent.
    pub(crate) fn number<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, EventError> {
        match self.text(name)? {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => match v.parse() {
                Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
                _ => Err(EventError::BadNumber { name, value: v }),
            },
        }
    }

    /// Attributes; an empty value counts as absent.
    pub(crate) fn attributes(&self, name: &'static str) -> Result<Option<Attributes>, EventError> {
        Ok(self
            .text(name)?
            .filter(|a| !a.is_empty())
            .map(|a| Attributes::parse(&a)))
    }

    /// A date; an empty value counts as absent.
    pub(crate) fn timestamp(&self, name: &'static str) -> Result<Option<Timestamp>, EventError> {
        Ok(self
            .text(name)?
            .filter(|d| !d.is_empty())
            .map(|d| Timestamp::parse(&d)))
    }
}

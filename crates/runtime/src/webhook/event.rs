//! What the typed webhook events of every product share (feature `events`): the values of parameters whose form
//! Twilio does not pin down ([`Attributes`], [`Timestamp`]), the error of reading a request as an event
//! ([`EventError`]), and the answer to a webhook ([`HttpReply`], with [`ReplyError`] for a pre-event reply Twilio
//! would not read as meant). The events themselves, their wrappers and their `PreEventReply` builders are
//! generated into each product's crate from the description's `x-twilio-webhooks`; they call the readers under
//! `__private::webhook`.

use std::fmt;
use std::str::FromStr;

use serde::ser::{Serialize, SerializeStruct as _, Serializer};

use super::FormError;

/// A resource's `Attributes`: JSON when they parse as JSON, the text as sent otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Attributes {
    /// Parsed JSON (normally an object).
    Json(serde_json::Value),
    /// Text that is not JSON, kept as sent.
    Raw(String),
}

impl Attributes {
    /// Parses attributes text: JSON when it is, [`Attributes::Raw`] otherwise.
    pub fn parse(text: &str) -> Self {
        serde_json::from_str(text).map_or_else(|_| Self::Raw(text.to_owned()), Self::Json)
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

/// A date parameter as sent, with its UTC value when it is RFC 3339 (or RFC 2822).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// The value as sent.
    pub raw: String,
    /// The parsed value, `None` when the format was not recognised.
    pub utc: Option<twilio_rest_time::Timestamp>,
}

impl Timestamp {
    /// Reads a date: RFC 3339 (`2019-03-05T18:11:45.474Z`, as Twilio sends) or RFC 2822; other formats keep only
    /// the text.
    pub fn parse(raw: &str) -> Self {
        Self {
            raw: raw.to_owned(),
            utc: twilio_rest_time::Timestamp::parse(raw).ok(),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Timestamp", 2)?;
        object.serialize_field("raw", &self.raw)?;
        object.serialize_field("utc", &self.utc)?;
        object.end()
    }
}

/// Why a webhook's parameters could not be read as an event. Messages name the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not valid `application/x-www-form-urlencoded`.
    Form(FormError),
    /// There is no `EventType` parameter.
    MissingEventType,
    /// A parameter read as one value was sent more than once.
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

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Form(e) => write!(f, "webhook body: {e}"),
            Self::MissingEventType => f.write_str("webhook has no EventType parameter"),
            Self::DuplicateField { name } => {
                write!(f, "webhook parameter `{name}` was sent more than once")
            }
            Self::BadNumber { name, value } => write!(
                f,
                "webhook parameter `{name}` is `{value}`, not a non-negative integer"
            ),
        }
    }
}

impl std::error::Error for EventError {}

/// An HTTP response as status, headers and body, ready for any server framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// Headers to set (none besides `Content-Type` when there is a body; the framework adds `Content-Length`).
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes (empty when there is nothing to say).
    pub body: Vec<u8>,
}

impl HttpReply {
    /// `200 OK` with no body: the answer to post-events (and to pre-events that are allowed unchanged).
    pub fn acknowledge() -> Self {
        Self::empty(200)
    }

    fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// A pre-event reply that Twilio would not read as meant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The pre-event does not let a reply change this field.
    NotChangeable {
        /// The pre-event's `EventType`.
        event: &'static str,
        /// The field's JSON key.
        field: &'static str,
    },
    /// A rejection status must be 400 to 599 (`200` allows; other codes are not a clear answer).
    BadStatus(u16),
    /// A rejection cannot carry changed fields.
    ChangesOnReject,
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotChangeable { event, field } => {
                write!(f, "a reply to {event} cannot change `{field}`")
            }
            Self::BadStatus(status) => write!(
                f,
                "rejection status {status} is not 400 to 599 (Twilio reads 200 as allow)"
            ),
            Self::ChangesOnReject => f.write_str("a rejection cannot change fields"),
        }
    }
}

impl std::error::Error for ReplyError {}

/// Typed reads of single-valued parameters, for the generated events.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a [(String, String)]);

impl Fields<'_> {
    /// The value of `name`; an error when it was sent twice.
    pub fn text(&self, name: &'static str) -> Result<Option<String>, EventError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            return Err(EventError::DuplicateField { name });
        }
        Ok(first.cloned())
    }

    /// A number; an empty value counts as absent.
    pub fn number<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, EventError> {
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
    pub fn attributes(&self, name: &'static str) -> Result<Option<Attributes>, EventError> {
        Ok(self
            .text(name)?
            .filter(|a| !a.is_empty())
            .map(|a| Attributes::parse(&a)))
    }

    /// A date; an empty value counts as absent.
    pub fn timestamp(&self, name: &'static str) -> Result<Option<Timestamp>, EventError> {
        Ok(self
            .text(name)?
            .filter(|d| !d.is_empty())
            .map(|d| Timestamp::parse(&d)))
    }
}

/// The core of every product's generated `PreEventReply`: allow, allow with changed fields (by JSON key), or
/// reject; rendered against what the pre-event lets a reply change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `None` allows; `Some(status)` rejects with that status.
    reject: Option<u16>,
    /// Changed fields by JSON key (each at most once; a second set replaces the first).
    changes: Vec<(&'static str, String)>,
}

impl Reply {
    /// Let the action proceed unchanged.
    pub fn allow() -> Self {
        Self {
            reject: None,
            changes: Vec::new(),
        }
    }

    /// Cancel the action with `403 Forbidden`.
    pub fn reject() -> Self {
        Self {
            reject: Some(403),
            changes: Vec::new(),
        }
    }

    /// Cancel the action with `status` (400 to 599).
    pub fn reject_with_status(status: u16) -> Result<Self, ReplyError> {
        if !(400..=599).contains(&status) {
            return Err(ReplyError::BadStatus(status));
        }
        Ok(Self {
            reject: Some(status),
            changes: Vec::new(),
        })
    }

    /// Whether this reply cancels the action.
    pub fn is_reject(&self) -> bool {
        self.reject.is_some()
    }

    /// Sets the field with JSON key `key` to `value`.
    pub fn change(mut self, key: &'static str, value: String) -> Self {
        match self.changes.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.changes.push((key, value)),
        }
        self
    }

    /// The HTTP answer to pre-event `event_type`, whose reply may change the fields keyed `changeable`. Keys are
    /// written in alphabetical order, so the bytes do not depend on the order fields were set in.
    pub fn render(
        &self,
        event_type: &'static str,
        changeable: &[&'static str],
    ) -> Result<HttpReply, ReplyError> {
        if let Some(status) = self.reject {
            if !self.changes.is_empty() {
                return Err(ReplyError::ChangesOnReject);
            }
            return Ok(HttpReply::empty(status));
        }
        if self.changes.is_empty() {
            return Ok(HttpReply::empty(200));
        }
        let mut object = serde_json::Map::new();
        for (key, value) in &self.changes {
            if !changeable.contains(key) {
                return Err(ReplyError::NotChangeable {
                    event: event_type,
                    field: key,
                });
            }
            object.insert((*key).to_owned(), serde_json::Value::String(value.clone()));
        }
        Ok(HttpReply {
            status: 200,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: serde_json::Value::Object(object).to_string().into_bytes(),
        })
    }
}

//! The backend's answer to a Chat webhook. For a pre-event Twilio holds the action until the answer arrives: a
//! `200 OK` lets it proceed, a `200 OK` with a JSON object of changed fields lets it proceed with those values,
//! and any other status (such as `403 Forbidden`) cancels it. Post-events only need a `200 OK`; Twilio ignores
//! the body. [`PreEventReply`] builds the answer and checks that only fields the pre-event can change are
//! changed; [`HttpReply`] is the exact status, headers and body to send, for any HTTP framework.
//!
//! Fields a pre-event reply can change (JSON keys as Twilio reads them):
//!
//! | pre-event | fields |
//! | --- | --- |
//! | `onMessageSend`, `onMessageUpdate` | `body`, `attributes` |
//! | `onMediaMessageSend` | `attributes` |
//! | `onChannelAdd`, `onChannelUpdate` | `friendlyName`, `uniqueName`, `attributes` |
//! | `onMessageRemove`, `onChannelDestroy`, `onMemberAdd`, `onMemberUpdate`, `onMemberRemove`, `onUserUpdate` | none: allow or reject |
//!
//! `attributes` is sent as a string holding JSON, the way the REST API takes it. Keys are written in alphabetical
//! order, so a reply's bytes do not depend on the order the builder was called in.

use std::fmt;

use super::event::{Field, PreEvent};

/// The answer to a pre-event: allow (optionally with changed fields) or reject.
///
/// ```
/// use twilio_chat_v2::webhook::{PreEvent, PreEventReply};
///
/// // Let the message through with a cleaned body and extra attributes.
/// let reply = PreEventReply::allow()
///     .body("[removed]")
///     .attributes(&serde_json::json!({"moderated": true}))
///     .render(PreEvent::MessageSend)
///     .unwrap();
/// assert_eq!(reply.status, 200);
/// assert_eq!(reply.headers, [("Content-Type", "application/json".to_owned())]);
/// assert_eq!(reply.body, br#"{"attributes":"{\"moderated\":true}","body":"[removed]"}"#);
///
/// // Cancel a channel creation.
/// let reply = PreEventReply::reject().render(PreEvent::ChannelAdd).unwrap();
/// assert_eq!((reply.status, reply.body.len()), (403, 0));
///
/// // Members cannot be changed through a reply.
/// assert!(PreEventReply::allow().body("x").render(PreEvent::MemberAdd).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct PreEventReply {
    /// `None` allows; `Some(status)` rejects with that status.
    reject: Option<u16>,
    /// Changed fields (each at most once; a second set replaces the first).
    changes: Vec<(Field, String)>,
}

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

/// A reply that Twilio would not read as meant.
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

impl PreEventReply {
    /// Let the action proceed unchanged (`200`, empty body) unless fields are changed with the methods below.
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

    /// Cancel the action with another status from 400 to 599.
    pub fn reject_with_status(status: u16) -> Result<Self, ReplyError> {
        if !(400..=599).contains(&status) {
            return Err(ReplyError::BadStatus(status));
        }
        Ok(Self {
            reject: Some(status),
            changes: Vec::new(),
        })
    }

    /// Replace the message body.
    pub fn body(self, body: impl Into<String>) -> Self {
        self.set(Field::Body, body.into())
    }

    /// Replace the attributes (sent as the JSON text of `attributes`).
    pub fn attributes(self, attributes: &serde_json::Value) -> Self {
        self.set(Field::Attributes, attributes.to_string())
    }

    /// Replace the channel's friendly name.
    pub fn friendly_name(self, name: impl Into<String>) -> Self {
        self.set(Field::FriendlyName, name.into())
    }

    /// Replace the channel's unique name.
    pub fn unique_name(self, name: impl Into<String>) -> Self {
        self.set(Field::UniqueName, name.into())
    }

    /// `true` when the reply cancels the action.
    pub fn is_reject(&self) -> bool {
        self.reject.is_some()
    }

    /// The exact response for `event`: `200` with an empty body to allow; `200` with
    /// `Content-Type: application/json` and an object of the changed fields to allow with changes; the rejection
    /// status with an empty body to reject. Fails when a field is changed that `event` cannot change, or a
    /// rejection carries changes.
    pub fn render(&self, event: PreEvent) -> Result<HttpReply, ReplyError> {
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
        for (field, value) in &self.changes {
            if !event.changeable().contains(field) {
                return Err(ReplyError::NotChangeable {
                    event: event.event_type(),
                    field: field.key(),
                });
            }
            object.insert(
                field.key().to_owned(),
                serde_json::Value::String(value.clone()),
            );
        }
        Ok(HttpReply {
            status: 200,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: serde_json::Value::Object(object).to_string().into_bytes(),
        })
    }

    fn set(mut self, field: Field, value: String) -> Self {
        match self.changes.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = value,
            None => self.changes.push((field, value)),
        }
        self
    }
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

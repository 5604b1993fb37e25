//! The log of webhook deliveries: every pre- and post-event request the service sent, with its signature, its
//! body, the answer's status and body, how long the answer took, and what a pre-event's answer did to the action.
//! Oldest first, bounded like the request journal. Tests and the inspector read it through
//! [`StateHandle::deliveries`](crate::StateHandle::deliveries).

use std::sync::PoisonError;
use std::time::{Duration, SystemTime};

use crate::http::Shared;

/// The most deliveries the log keeps; older ones are dropped first.
pub(crate) const LIMIT: usize = 10_000;

/// The most bytes of an answer's body the log keeps.
pub(crate) const ANSWER_LIMIT: usize = 64 * 1024;

/// When the event was sent, relative to the action it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Before the action: the answer can reject or change it.
    Pre,
    /// After the action.
    Post,
}

/// Where the request went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The Chat or Conversations service's own URL (`pre_webhook_url`, `post_webhook_url`).
    Service,
    /// The account's global Conversations webhook (`/v1/Configuration/Webhooks`), used by services without
    /// URLs of their own.
    Account,
    /// A conversation-scoped webhook (`WH...`), post-events only.
    Scoped(String),
}

/// What the answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A post-event was answered (any status: post-events are not retried).
    Delivered,
    /// A pre-event was answered 200 with nothing to change: the action went ahead as asked.
    Allowed,
    /// A pre-event was answered 200 with changes: the action went ahead with these parameters replaced.
    Modified(Vec<(String, String)>),
    /// A pre-event was answered with a status other than 200: the action was refused.
    Rejected,
    /// No answer (refused connection, timeout): a pre-event's action was refused, a post-event is lost.
    Failed(String),
}

/// One webhook request the service sent, and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Numbers the deliveries of this service from 1, in the order they were sent.
    pub id: u64,
    /// When the request was sent.
    pub sent_at: SystemTime,
    /// Pre- or post-event.
    pub timing: Timing,
    /// Where it went.
    pub destination: Destination,
    /// `EventType` (`onMessageSent`).
    pub event_type: String,
    /// `POST` or `GET`.
    pub method: String,
    /// The URL requested (with the parameters in the query for `GET`).
    pub url: String,
    /// `X-Twilio-Signature`.
    pub signature: String,
    /// The form parameters, sorted by name.
    pub params: Vec<(String, String)>,
    /// The answer's status, when one came.
    pub status: Option<u16>,
    /// The answer's body, at most 64 KiB of it, as text.
    pub answer: String,
    /// How long the answer took (or until the request failed).
    pub latency: Duration,
    /// What the answer did.
    pub outcome: Outcome,
}

/// Adds a delivery to the log, numbering it and dropping the oldest beyond [`LIMIT`].
pub(crate) fn record(shared: &Shared, mut delivery: Delivery) {
    let mut log = shared
        .deliveries
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    log.next_id += 1;
    delivery.id = log.next_id;
    if log.entries.len() >= LIMIT {
        log.entries.pop_front();
    }
    log.entries.push_back(delivery);
}

/// The log, as [`Shared`] keeps it.
#[derive(Debug, Default)]
pub(crate) struct Log {
    pub next_id: u64,
    pub entries: std::collections::VecDeque<Delivery>,
}

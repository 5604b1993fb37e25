//! The journal of answered requests: method, path and status of each request to the main host, oldest first,
//! bounded so that a long-running service keeps a fixed amount of it. Tests and tools read it through
//! [`StateHandle::requests`](crate::StateHandle::requests) to see what a client did (how often it retried, which
//! records it changed).

use std::sync::PoisonError;

use crate::http::Shared;

/// The most requests the journal keeps; older ones are dropped first.
pub(crate) const LIMIT: usize = 100_000;

/// One request the service answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// `GET`, `POST`, `DELETE`...
    pub method: String,
    /// The path as sent (percent-encoded, without the query).
    pub path: String,
    /// The status answered.
    pub status: u16,
}

/// Adds a request to the journal, dropping the oldest beyond [`LIMIT`].
pub(crate) fn record(shared: &Shared, method: &str, path: &str, status: u16) {
    let mut journal = shared
        .journal
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if journal.len() >= LIMIT {
        journal.pop_front();
    }
    journal.push_back(Answered {
        method: method.to_owned(),
        path: path.to_owned(),
        status,
    });
}

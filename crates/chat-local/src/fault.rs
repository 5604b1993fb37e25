//! Fault injection, so applications can test their retries and timeouts: answers queued by tests
//! ([`StateHandle::inject`](crate::StateHandle::inject)) replace or delay the next requests to the main host.

use std::time::Duration;

use crate::store::ApiError;

/// What an injected fault does to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests` with code 20429 and a `Retry-After` header of whole seconds.
    RateLimited {
        /// Value of `Retry-After`.
        retry_after: Duration,
    },
    /// A server error with this status (500, 502, 503, 504...) in Twilio's error shape; the request is not
    /// processed.
    ServerError {
        /// HTTP status.
        status: u16,
    },
    /// The request is processed normally after this delay.
    Latency(Duration),
}

/// A fault waiting for requests: which ones it applies to and how many more times.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub fault: Fault,
    /// Only requests with this method (`GET`, `POST`...), when set.
    pub method: Option<String>,
    pub remaining: usize,
}

impl Fault {
    /// The error answered instead of processing the request, with the `Retry-After` seconds to send; `None` for
    /// latency.
    pub(crate) fn answer(&self) -> Option<(ApiError, Option<u64>)> {
        match self {
            Fault::RateLimited { retry_after } => Some((
                ApiError::new(429, 20429, "Too Many Requests"),
                Some(retry_after.as_secs()),
            )),
            Fault::ServerError { status } => {
                let code = 20000 + u32::from(*status);
                Some((
                    ApiError::new(*status, code, "An injected server error occurred"),
                    None,
                ))
            }
            Fault::Latency(_) => None,
        }
    }
}

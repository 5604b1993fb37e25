//! What the request handlers share (the store, the credentials, the webhook client, the body limit), Basic
//! authentication, and answers in Twilio's JSON shape.

use std::sync::Mutex;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use serde_json::Value;

use crate::LocalCredentials;
use crate::store::{ApiError, Store};

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub credentials: LocalCredentials,
    /// Sends webhooks.
    pub http: reqwest::Client,
    /// Injected faults waiting for requests, in injection order.
    pub faults: Mutex<Vec<crate::fault::Pending>>,
    /// The most bytes a form request's body may have.
    pub form_body_limit: usize,
    /// A fault met by every n-th request to the main host (`(n, fault)`), counted by `requests`.
    pub every: Mutex<Option<(u64, crate::fault::Fault)>>,
    /// Requests to the main host so far.
    pub requests: std::sync::atomic::AtomicU64,
    /// The requests answered, oldest first, at most [`crate::journal::LIMIT`].
    pub journal: Mutex<std::collections::VecDeque<crate::journal::Answered>>,
    /// The webhook requests sent, oldest first, at most [`crate::deliveries::LIMIT`].
    pub deliveries: Mutex<crate::deliveries::Log>,
    /// Whether changes made through the REST API fire pre-events, as a client SDK's would
    /// ([`crate::Config::pre_events_from_rest`]).
    pub pre_events_from_rest: bool,
    /// How long a pre-event's answer is waited for.
    pub pre_event_timeout: std::time::Duration,
    /// Counts changes to the records (requests other than `GET` to the main host, seeding, clearing), for those
    /// that follow them (the inspector).
    pub changes: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    /// Tells those following changes that the records may have changed.
    pub(crate) fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A JSON answer.
pub(crate) fn json_response(status: u16, value: &Value) -> Response {
    json_bytes_response(status, serde_json::to_vec(value).unwrap_or_default())
}

/// An answer: its status and body, if any.
pub(crate) type Answer = (u16, Option<Payload>);

/// The body of an answer: JSON as a value, or already serialized (a page of records, written without building
/// its value).
#[derive(Debug)]
pub(crate) enum Payload {
    Value(Value),
    Serialized(Vec<u8>),
}

/// An answer whose body is a JSON value.
pub(crate) fn valued((status, value): (u16, Option<Value>)) -> Answer {
    (status, value.map(Payload::Value))
}

/// A JSON answer already serialized.
pub(crate) fn json_bytes_response(status: u16, body: Vec<u8>) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// An error in Twilio's JSON shape, with `WWW-Authenticate` on 401 and `Connection: close` on 413 (the rest of the
/// body is left unread, so the connection cannot carry another request).
pub(crate) fn error_response(error: &ApiError) -> Response {
    let mut response = json_response(error.status, &error.body());
    let headers = response.headers_mut();
    match error.status {
        401 => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"Twilio API\""),
            );
        }
        413 => {
            headers.insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
        }
        _ => {}
    }
    response
}

/// Accepts the account SID with the auth token, or the API key SID with its secret.
pub(crate) fn authenticate(
    credentials: &LocalCredentials,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let refused = || {
        ApiError::new(
            401,
            20003,
            "Authentication Error - invalid username or password",
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::new(401, 20003, "Authentication Error - No credentials provided"))?
        .to_str()
        .map_err(|_| refused())?;
    let encoded = value.strip_prefix("Basic ").ok_or_else(refused)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| refused())?;
    let text = String::from_utf8(decoded).map_err(|_| refused())?;
    let (user, password) = text.split_once(':').ok_or_else(refused)?;
    if credentials.accepts(user, password) {
        Ok(())
    } else {
        Err(refused())
    }
}

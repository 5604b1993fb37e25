//! The replay harness: mounts a scenario's exchanges on an httpmock server, makes the call through the generated
//! client, proves every exchange was requested exactly as expected and exactly as often, and returns the outcome.
//!
//! Sequencing: each exchange becomes one mock whose custom matcher only accepts a request while that exchange is
//! the next one expected; the runtime's `Observer` hook advances the sequence after every answered request and
//! records what was sent (method, URL, body). The matcher also keeps the headers that arrived on the wire, because
//! the `Observer` redacts `Authorization` and the exact header is part of what a scenario checks.
//!
//! This module owns the replay and its sequencing; `client` builds the client a scenario describes and turns an
//! outcome into JSON, `compare` holds what was sent against what was expected.

mod client;
mod compare;

pub use client::{
    RecordingSleeper, build_client, credentials_from_map, error_value, outcome_value,
    request_options,
};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};
use twilio_rest_runtime::{Exchange as SentExchange, Observer};

use crate::dispatch;
use crate::format::{BASE_URL_PLACEHOLDER, OTHER_BASE_URL_PLACEHOLDER, RecordedResponse, Scenario};
use compare::compare;

/// Replays one scenario and returns its outcome, or a message naming the scenario and every difference between
/// what was sent and what was expected.
pub async fn replay(scenario: &Scenario) -> Result<Value, String> {
    let server = MockServer::start_async().await;
    let base_url = server.base_url();
    let needs_other = scenario
        .exchanges
        .iter()
        .any(|e| mentions(&e.response, OTHER_BASE_URL_PLACEHOLDER));
    let other = if needs_other {
        Some(MockServer::start_async().await)
    } else {
        None
    };
    let other_base_url = other.as_ref().map(MockServer::base_url).unwrap_or_default();

    let slots: Vec<usize> = scenario
        .exchanges
        .iter()
        .enumerate()
        .flat_map(|(i, e)| std::iter::repeat_n(i, e.times as usize))
        .collect();
    let shared = Arc::new(Shared::new(slots.clone()));

    let mut mocks = Vec::new();
    for (index, exchange) in scenario.exchanges.iter().enumerate() {
        let response = &exchange.response;
        let body = response
            .body_bytes()
            .map(|b| substitute(&b, &base_url, &other_base_url));
        let shared = Arc::clone(&shared);
        let mock = server
            .mock_async(|when, then| {
                when.is_true(move |req: &HttpMockRequest| shared.accept(index, req));
                let mut then = then.status(response.status);
                let has_type = response
                    .headers
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case("content-type"));
                if response.body.as_ref().is_some_and(|b| !b.is_null())
                    && response.body_text.is_none()
                    && !has_type
                {
                    then = then.header("Content-Type", "application/json");
                }
                for (name, value) in &response.headers {
                    then =
                        then.header(name.as_str(), substitute(value, &base_url, &other_base_url));
                }
                if let Some(body) = &body {
                    then.body(body.as_bytes());
                }
            })
            .await;
        mocks.push(mock);
    }
    let other_mock = match &other {
        Some(other) => Some(
            other
                .mock_async(|when, then| {
                    when.is_true(|_: &HttpMockRequest| true);
                    then.status(200)
                        .header("Content-Type", "application/json")
                        .body("{}");
                })
                .await,
        ),
        None => None,
    };

    let sleeper = Arc::new(RecordingSleeper::default());
    let observer = Arc::new(RecordingObserver {
        shared: Arc::clone(&shared),
    });
    let outcome = match build_client(&scenario.client, &base_url, observer, sleeper.clone()) {
        Err(error) => json!({ "error": error_value(&error) }),
        Ok(client) => {
            let options = request_options(&scenario.client);
            let result = dispatch::dispatch(&client, &scenario.call, options)
                .await
                .map_err(|e| format!("scenario `{}`: {e}", scenario.name))?;
            outcome_value(result)
        }
    };
    // Mock URLs in the outcome (page URLs, error texts) become placeholders, so snapshots are stable and still
    // tell the two hosts apart.
    let mut outcome = placeholders(outcome, &base_url, &other_base_url);
    let waits = sleeper.waits();
    if !waits.is_empty() {
        outcome["retry_waits_ms"] =
            json!(waits.iter().map(Duration::as_millis).collect::<Vec<_>>());
    }

    let mut problems = compare(scenario, &shared, &base_url);
    for (index, mock) in mocks.iter().enumerate() {
        let calls = mock.calls_async().await;
        let times = scenario.exchanges[index].times as usize;
        if calls != times && problems.is_empty() {
            problems.push(format!(
                "exchange {} ({} {}) was answered {calls} time(s), expected {times}",
                index + 1,
                scenario.exchanges[index].request.method,
                scenario.exchanges[index].request.path
            ));
        }
    }
    if let Some(mock) = &other_mock {
        let calls = mock.calls_async().await;
        if calls != 0 {
            problems.push(format!(
                "{calls} request(s) reached the other host, expected none"
            ));
        }
    }
    if problems.is_empty() {
        Ok(outcome)
    } else {
        Err(format!(
            "scenario `{}`: {}\noutcome: {}",
            scenario.name,
            problems.join("\n"),
            serde_json::to_string_pretty(&outcome).unwrap_or_default()
        ))
    }
}

/// Replays a scenario on a fresh single-worker tokio runtime (for tests that are not async).
pub fn replay_blocking(scenario: &Scenario) -> Result<Value, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("scenario `{}`: tokio runtime: {e}", scenario.name))?
        .block_on(replay(scenario))
}

/// Shared between the mock matchers and the observer.
#[derive(Debug)]
struct Shared {
    slots: Vec<usize>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Exchanges answered by the server, as the observer saw them.
    sent: Vec<SentExchange>,
    /// Exchanges the observer reported without an HTTP status (nothing answered).
    failed: Vec<SentExchange>,
    /// Headers as they arrived on the wire, by request number.
    wire_headers: BTreeMap<usize, Vec<(String, String)>>,
    /// Bodies as they arrived on the wire (observers see secrets redacted), by request number.
    wire_bodies: BTreeMap<usize, String>,
}

impl Shared {
    fn new(slots: Vec<usize>) -> Self {
        Shared {
            slots,
            state: Mutex::new(State::default()),
        }
    }

    fn accept(&self, index: usize, req: &HttpMockRequest) -> bool {
        let mut state = lock(&self.state);
        let k = state.sent.len();
        state.wire_headers.insert(k, req.headers_vec().clone());
        state.wire_bodies.insert(k, req.body_string());
        self.slots.get(k) == Some(&index)
    }
}

#[derive(Debug)]
struct RecordingObserver {
    shared: Arc<Shared>,
}

impl Observer for RecordingObserver {
    fn on_exchange(&self, exchange: &SentExchange) {
        let mut state = lock(&self.shared.state);
        if exchange.status.is_some() {
            state.sent.push(exchange.clone());
        } else {
            state.failed.push(exchange.clone());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn mentions(response: &RecordedResponse, needle: &str) -> bool {
    response.body_bytes().is_some_and(|b| b.contains(needle))
        || response.headers.values().any(|v| v.contains(needle))
}

fn placeholders(outcome: Value, base_url: &str, other_base_url: &str) -> Value {
    let text = outcome.to_string();
    let mut text = replace_url(&text, other_base_url, OTHER_BASE_URL_PLACEHOLDER);
    text = replace_url(&text, base_url, BASE_URL_PLACEHOLDER);
    serde_json::from_str(&text).unwrap_or(outcome)
}

/// Replaces `url` where it is not followed by another port digit (`:1234` must not match inside `:12345`).
fn replace_url(text: &str, url: &str, placeholder: &str) -> String {
    if url.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(url) {
        let after = &rest[i + url.len()..];
        out.push_str(&rest[..i]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(url);
        } else {
            out.push_str(placeholder);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn substitute(text: &str, base_url: &str, other_base_url: &str) -> String {
    text.replace(BASE_URL_PLACEHOLDER, base_url)
        .replace(OTHER_BASE_URL_PLACEHOLDER, other_base_url)
}

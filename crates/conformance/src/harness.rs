//! The replay harness: mounts a scenario's exchanges on an httpmock server, makes the call through the generated
//! client, proves every exchange was requested exactly as expected and exactly as often, and returns the outcome.
//!
//! Sequencing: each exchange becomes one mock whose custom matcher only accepts a request while that exchange is
//! the next one expected; the runtime's `Observer` hook advances the sequence after every answered request and
//! records what was sent (method, URL, body). The matcher also keeps the headers that arrived on the wire, because
//! the `Observer` redacts `Authorization` and the exact header is part of what a scenario checks.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};
use twilio_rest_runtime::{
    Credentials, Error, Exchange as SentExchange, Observer, RequestOptions, RetryPolicy, Sleeper,
};

use crate::dispatch::{self, CallResult};
use crate::format::{
    BASE_URL_PLACEHOLDER, ClientOptions, CredentialsSpec, ExpectedRequest,
    OTHER_BASE_URL_PLACEHOLDER, REDACTED, RecordedResponse, Scenario,
};
use crate::wire::{decode_pairs, split_url};

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

/// Builds the generated client for a scenario: base URL of the mock, plain HTTP allowed, the scenario's options.
pub fn build_client(
    options: &ClientOptions,
    base_url: &str,
    observer: Arc<dyn Observer>,
    sleeper: Arc<dyn Sleeper>,
) -> Result<twilio_chat_v2::Client, Error> {
    let mut builder = twilio_chat_v2::Client::builder()
        .base_url(base_url)
        .allow_insecure_http(true)
        .observer(observer)
        .sleeper(sleeper);
    let mut region = options.region.clone();
    let mut edge = options.edge.clone();
    match &options.credentials {
        CredentialsSpec::AuthToken {
            account_sid,
            auth_token,
        } => {
            builder = builder.credentials(Credentials::auth_token(account_sid, auth_token)?);
        }
        CredentialsSpec::ApiKey {
            account_sid,
            api_key_sid,
            api_key_secret,
        } => {
            builder = builder.credentials(Credentials::api_key(
                account_sid,
                api_key_sid,
                api_key_secret,
            )?);
        }
        CredentialsSpec::FromEnv { env } => {
            if let Some(credentials) = credentials_from_map(env)? {
                builder = builder.credentials(credentials);
            }
            region = region.or_else(|| env.get("TWILIO_REGION").cloned());
            edge = edge.or_else(|| env.get("TWILIO_EDGE").cloned());
        }
        CredentialsSpec::None => {}
    }
    if let Some(region) = region {
        builder = builder.region(region);
    }
    if let Some(edge) = edge {
        builder = builder.edge(edge);
    }
    if let Some(retry) = &options.retry {
        let mut policy = RetryPolicy::new();
        if let Some(n) = retry.max_attempts {
            policy = policy.max_attempts(n);
        }
        if let Some(yes) = retry.retry_non_idempotent {
            policy = policy.retry_non_idempotent(yes);
        }
        if let Some(ms) = retry.initial_backoff_ms {
            policy = policy.initial_backoff(Duration::from_millis(ms));
        }
        if let Some(ms) = retry.max_backoff_ms {
            policy = policy.max_backoff(Duration::from_millis(ms));
        }
        if let Some(ms) = retry.max_retry_after_ms {
            policy = policy.max_retry_after(Duration::from_millis(ms));
        }
        builder = builder.retry_policy(policy);
    }
    builder.build()
}

/// `Credentials::from_env`'s rules applied to a map instead of the process environment (mutating the process
/// environment needs `unsafe` in edition 2024, which the workspace forbids): `TWILIO_ACCOUNT_SID` with
/// `TWILIO_API_KEY` + `TWILIO_API_SECRET` when the key is set, else with `TWILIO_AUTH_TOKEN`; `None` (the build then
/// fails for missing credentials) when a needed variable is missing. `tests/from_env.rs` runs the real
/// `Credentials::from_env` in a child process.
pub fn credentials_from_map(env: &BTreeMap<String, String>) -> Result<Option<Credentials>, Error> {
    let get = |k: &str| env.get(k).filter(|v| !v.is_empty());
    let Some(account_sid) = get("TWILIO_ACCOUNT_SID") else {
        return Ok(None);
    };
    if let Some(key) = get("TWILIO_API_KEY") {
        return match get("TWILIO_API_SECRET") {
            Some(secret) => Credentials::api_key(account_sid, key, secret).map(Some),
            None => Ok(None),
        };
    }
    match get("TWILIO_AUTH_TOKEN") {
        Some(token) => Credentials::auth_token(account_sid, token).map(Some),
        None => Ok(None),
    }
}

/// The scenario's per-request options, if any.
pub fn request_options(options: &ClientOptions) -> Option<RequestOptions> {
    let spec = options.request_options.as_ref()?;
    let mut o = RequestOptions::new();
    if let Some(ms) = spec.timeout_ms {
        o = o.timeout(Duration::from_millis(ms));
    }
    if let Some(n) = spec.max_attempts {
        o = o.max_attempts(n);
    }
    if let Some(yes) = spec.retry_non_idempotent {
        o = o.retry_non_idempotent(yes);
    }
    Some(o)
}

/// The outcome of a call as JSON: `{"ok": value}`, `{"error": {...}}`, or for streams `{"ok": [items]}` /
/// `{"items": [...], "error": {...}}`.
pub fn outcome_value(result: CallResult) -> Value {
    match result {
        CallResult::Value(Ok(value)) => json!({ "ok": value }),
        CallResult::Value(Err(error)) => json!({ "error": error_value(&error) }),
        CallResult::Stream { items, error: None } => json!({ "ok": items }),
        CallResult::Stream {
            items,
            error: Some(error),
        } => json!({ "items": items, "error": error_value(&error) }),
    }
}

/// An error as JSON: kind, status, code, message, more_info, the Display text, the JSON path of a decode error,
/// and the predicates that hold (`not_found`, `rate_limited`, `timeout`, `auth_error`).
pub fn error_value(error: &Error) -> Value {
    let mut value = json!({
        "kind": format!("{:?}", error.kind()),
        "status": error.status(),
        "code": error.code(),
        "message": error.message(),
        "more_info": error.more_info(),
        "display": error.to_string(),
    });
    if let Some(path) = error.decode_path() {
        value["decode_path"] = json!(path);
    }
    let flags: Vec<&str> = [
        ("not_found", error.is_not_found()),
        ("rate_limited", error.is_rate_limited()),
        ("timeout", error.is_timeout()),
        ("auth_error", error.is_auth_error()),
    ]
    .into_iter()
    .filter_map(|(name, holds)| holds.then_some(name))
    .collect();
    if !flags.is_empty() {
        value["flags"] = json!(flags);
    }
    value
}

/// A `Sleeper` that records the requested waits and returns at once.
#[derive(Debug, Default)]
pub struct RecordingSleeper {
    waits: Mutex<Vec<Duration>>,
}

impl RecordingSleeper {
    /// How many waits were requested.
    pub fn count(&self) -> usize {
        lock(&self.waits).len()
    }

    /// The waits requested so far.
    pub fn waits(&self) -> Vec<Duration> {
        lock(&self.waits).clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        lock(&self.waits).push(d);
        Box::pin(std::future::ready(()))
    }
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

/// One request as it was sent, in the shape of an expected request.
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    /// The body as it arrived (lossy UTF-8).
    body: String,
    headers: Vec<(String, String)>,
}

fn compare(scenario: &Scenario, shared: &Shared, base_url: &str) -> Vec<String> {
    let state = lock(&shared.state);
    let mut problems = Vec::new();
    let expected: Vec<&ExpectedRequest> = shared
        .slots
        .iter()
        .map(|&i| &scenario.exchanges[i].request)
        .collect();
    let sent: Vec<Sent> = state
        .sent
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let (path, query) = split_url(&e.url, base_url);
            Sent {
                method: e.method.clone(),
                path,
                query: decode_pairs(&query),
                form: e
                    .request_body
                    .as_ref()
                    .and(state.wire_bodies.get(&k))
                    .map(|body| decode_pairs(body))
                    .unwrap_or_default(),
                body: state.wire_bodies.get(&k).cloned().unwrap_or_default(),
                headers: state.wire_headers.get(&k).cloned().unwrap_or_default(),
            }
        })
        .collect();
    for k in 0..expected.len().max(sent.len()) {
        match (sent.get(k), expected.get(k)) {
            (Some(s), Some(e)) => {
                let diffs = differences(s, e);
                if !diffs.is_empty() {
                    problems.push(side_by_side(k, expected.len(), Some(s), Some(e), &diffs));
                }
            }
            (Some(s), None) => problems.push(side_by_side(k, expected.len(), Some(s), None, &[])),
            (None, Some(e)) => problems.push(side_by_side(k, expected.len(), None, Some(e), &[])),
            (None, None) => {}
        }
    }
    if !problems.is_empty() {
        for failed in &state.failed {
            problems.push(format!(
                "also attempted without an answer: {} {} ({})",
                failed.method,
                failed.url,
                failed.error.as_deref().unwrap_or("no error text")
            ));
        }
    }
    problems
}

fn sorted(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut v = pairs.to_vec();
    v.sort();
    v
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn differences(sent: &Sent, expected: &ExpectedRequest) -> Vec<String> {
    let mut diffs = Vec::new();
    if !sent.method.eq_ignore_ascii_case(&expected.method) {
        diffs.push("method".to_owned());
    }
    if sent.path != expected.path {
        diffs.push("path".to_owned());
    }
    if sorted(&sent.query) != sorted(&expected.query) {
        diffs.push("query".to_owned());
    }
    if let Some(json) = &expected.json {
        if serde_json::from_str::<Value>(&sent.body).ok().as_ref() != Some(json) {
            diffs.push("json body".to_owned());
        }
    } else if let Some(text) = &expected.body_text {
        if &sent.body != text {
            diffs.push("body".to_owned());
        }
    } else if sorted(&sent.form) != sorted(&expected.form) {
        diffs.push("form".to_owned());
    }
    for (name, value) in &expected.headers {
        let got = header(&sent.headers, name);
        let ok = if value == REDACTED {
            !got.is_empty()
        } else {
            got == [value.as_str()]
        };
        if !ok {
            diffs.push(format!("header {name}"));
        }
    }
    for name in &expected.absent_headers {
        if !header(&sent.headers, name).is_empty() {
            diffs.push(format!("header {name} (must be absent)"));
        }
    }
    diffs
}

fn side_by_side(
    k: usize,
    total: usize,
    sent: Option<&Sent>,
    expected: Option<&ExpectedRequest>,
    diffs: &[String],
) -> String {
    let mut out = String::new();
    let what = match (sent, expected) {
        (Some(_), Some(_)) => format!("differs in: {}", diffs.join(", ")),
        (Some(_), None) => "was sent but not expected".to_owned(),
        (None, Some(_)) => "was expected but never sent".to_owned(),
        (None, None) => String::new(),
    };
    let _ = writeln!(out, "request {} (of {total} expected) {what}", k + 1);
    let _ = writeln!(out, "  {:<10} | {:<60} | expected", "", "sent");
    let row = |out: &mut String, field: &str, s: String, e: String| {
        let mark = if s == e { ' ' } else { '!' };
        let _ = writeln!(out, "{mark} {field:<10} | {s:<60} | {e}");
    };
    let fmt_pairs = |p: &[(String, String)]| format!("{:?}", sorted(p));
    row(
        &mut out,
        "method",
        sent.map(|s| s.method.clone()).unwrap_or_default(),
        expected.map(|e| e.method.clone()).unwrap_or_default(),
    );
    row(
        &mut out,
        "path",
        sent.map(|s| s.path.clone()).unwrap_or_default(),
        expected.map(|e| e.path.clone()).unwrap_or_default(),
    );
    row(
        &mut out,
        "query",
        sent.map(|s| fmt_pairs(&s.query)).unwrap_or_default(),
        expected.map(|e| fmt_pairs(&e.query)).unwrap_or_default(),
    );
    match expected.and_then(|e| {
        e.json
            .as_ref()
            .map(Value::to_string)
            .or(e.body_text.clone())
    }) {
        Some(body) => row(
            &mut out,
            "body",
            sent.map(|s| s.body.clone()).unwrap_or_default(),
            body,
        ),
        None => row(
            &mut out,
            "form",
            sent.map(|s| fmt_pairs(&s.form)).unwrap_or_default(),
            expected.map(|e| fmt_pairs(&e.form)).unwrap_or_default(),
        ),
    }
    if let Some(e) = expected {
        for (name, value) in &e.headers {
            let got = sent
                .map(|s| header(&s.headers, name).join(", "))
                .unwrap_or_default();
            row(&mut out, name, got, value.clone());
        }
        for name in &e.absent_headers {
            let got = sent
                .map(|s| header(&s.headers, name).join(", "))
                .unwrap_or_default();
            let got = if got.is_empty() {
                "(absent)".to_owned()
            } else {
                got
            };
            row(&mut out, name, got, "(absent)".to_owned());
        }
    }
    out
}

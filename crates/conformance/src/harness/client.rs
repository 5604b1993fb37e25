//! The client a scenario describes (credentials, region and edge, retries, per-request options) and the JSON of a
//! call's outcome and errors that snapshots pin; with the `Sleeper` that records retry waits instead of waiting.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use twilio_rest_runtime::{Credentials, Error, Observer, RequestOptions, RetryPolicy, Sleeper};

use super::lock;
use crate::dispatch::CallResult;
use crate::format::{ClientOptions, CredentialsSpec};

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

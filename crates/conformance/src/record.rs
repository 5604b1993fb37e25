//! The recorder's core: makes one call through the generated client against a base URL, watches every exchange
//! with the runtime's `Observer` hook and turns them into a scenario that the harness replays.
//!
//! Secrets never reach the file: the `Observer` already redacts `Authorization`, and the recorded scenario only
//! requires the header to be present (`[redacted]`). With `redact_account`, every account SID (`AC` + 32 hex
//! digits) in paths, query, form and bodies becomes `ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`. URLs of the recorded host
//! in response bodies become `{{base_url}}`, so follow-up page URLs point at the mock on replay.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use twilio_rest_runtime::{Credentials, Exchange as SentExchange, Observer, RetryPolicy};

use crate::dispatch::dispatch;
use crate::format::{
    BASE_URL_PLACEHOLDER, Call, ClientOptions, Exchange, ExpectedRequest, REDACTED,
    REDACTED_ACCOUNT_SID, RecordedResponse, Scenario,
};
use crate::harness::outcome_value;
use crate::wire::{decode_pairs, split_url};

/// How to record.
#[derive(Debug, Clone)]
pub struct RecordConfig {
    /// Scenario name written into the file.
    pub name: String,
    /// Scenario description written into the file.
    pub description: String,
    /// Where to send the call: `https://chat.twilio.com` for a live recording, a mock server's URL in tests.
    pub base_url: String,
    /// Replace account SIDs by `ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`.
    pub redact_account: bool,
}

/// A recording: the scenario to write and the outcome the call had.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The scenario, ready to be written with `Scenario::to_json`.
    pub scenario: Scenario,
    /// The call's outcome as the harness reports it.
    pub outcome: Value,
}

/// Makes `call` against `config.base_url` with `credentials` (one attempt per request, no retries) and returns
/// the scenario that replays it. `Err` names a problem with the call's arguments or the client configuration.
pub async fn record(
    credentials: Credentials,
    call: &Call,
    config: &RecordConfig,
) -> Result<Recording, String> {
    let observer = Arc::new(Collect::default());
    let client = twilio_chat_v2::Client::builder()
        .base_url(config.base_url.as_str())
        .allow_insecure_http(config.base_url.starts_with("http://"))
        .credentials(credentials)
        .retry_policy(RetryPolicy::none())
        .observer(observer.clone())
        .build()
        .map_err(|e| format!("{}: building the client: {e}", config.name))?;
    let result = dispatch(&client, call, None)
        .await
        .map_err(|e| format!("{}: {e}", config.name))?;
    let outcome = outcome_value(result);
    let sent = observer
        .exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let base = config.base_url.trim_end_matches('/');
    let redact = |text: &str| -> String {
        let text = text.replace(base, BASE_URL_PLACEHOLDER);
        if config.redact_account {
            redact_account_sids(&text)
        } else {
            text
        }
    };
    let exchanges: Vec<Exchange> = sent
        .iter()
        .filter(|e| e.status.is_some())
        .map(|e| {
            let (path, query) = split_url(&e.url, base);
            let mut request = ExpectedRequest {
                method: e.method.clone(),
                path: redact(&path),
                query: redact_pairs(decode_pairs(&query), &redact),
                form: redact_pairs(
                    e.request_body
                        .as_deref()
                        .map(decode_pairs)
                        .unwrap_or_default(),
                    &redact,
                ),
                ..ExpectedRequest::default()
            };
            request
                .headers
                .insert("Authorization".to_owned(), REDACTED.to_owned());
            for (name, value) in &e.request_headers {
                if name.eq_ignore_ascii_case("x-twilio-webhook-enabled") {
                    request
                        .headers
                        .insert("X-Twilio-Webhook-Enabled".to_owned(), value.clone());
                }
            }
            let mut response = RecordedResponse {
                status: e.status.unwrap_or_default(),
                ..RecordedResponse::default()
            };
            for (name, value) in &e.response_headers {
                let keep = name.eq_ignore_ascii_case("retry-after")
                    || (name.eq_ignore_ascii_case("content-type")
                        && !value.starts_with("application/json"));
                if keep {
                    response.headers.insert(name.clone(), redact(value));
                }
            }
            let body = e.response_body.as_deref().map(redact).unwrap_or_default();
            if !body.is_empty() {
                match serde_json::from_str::<Value>(&body) {
                    Ok(value) if !value.is_null() => response.body = Some(value),
                    _ => response.body_text = Some(body),
                }
            }
            Exchange {
                request,
                response,
                times: 1,
            }
        })
        .collect();
    let call = redact_secret_args(call, &exchanges);
    let scenario = Scenario {
        name: config.name.clone(),
        description: config.description.clone(),
        client: ClientOptions::default(),
        call,
        exchanges,
    };
    Ok(Recording { scenario, outcome })
}

/// The call with `[redacted]` as the value of every argument the `Observer` saw redacted in a recorded request
/// (secret parameters such as a credential's `Secret`): the file keeps no secret, and the replay sends and
/// expects `[redacted]`.
fn redact_secret_args(call: &Call, exchanges: &[Exchange]) -> Call {
    let mut call = call.clone();
    for exchange in exchanges {
        let pairs = exchange.request.form.iter().chain(&exchange.request.query);
        for (name, value) in pairs {
            if value != REDACTED {
                continue;
            }
            if let Some(arg) = call.args.get_mut(name) {
                *arg = match arg {
                    Value::Array(items) => {
                        Value::Array(vec![Value::String(REDACTED.to_owned()); items.len()])
                    }
                    _ => Value::String(REDACTED.to_owned()),
                };
            }
        }
    }
    call
}

/// Replaces every `AC` + 32 hex digits by `ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`.
pub fn redact_account_sids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let is_sid = bytes[i..].starts_with(b"AC")
            && bytes.len() >= i + 34
            && bytes[i + 2..i + 34].iter().all(u8::is_ascii_hexdigit)
            && bytes.get(i + 34).is_none_or(|b| !b.is_ascii_alphanumeric())
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if is_sid {
            out.push_str(REDACTED_ACCOUNT_SID);
            i += 34;
        } else {
            let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn redact_pairs(
    pairs: Vec<(String, String)>,
    redact: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    pairs.into_iter().map(|(k, v)| (k, redact(&v))).collect()
}

#[derive(Debug, Default)]
struct Collect {
    exchanges: Mutex<Vec<SentExchange>>,
}

impl Observer for Collect {
    fn on_exchange(&self, exchange: &SentExchange) {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchange.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_account_sids_only() {
        let sid = "AC0123456789abcdef0123456789abcdef";
        let text = format!("/Accounts/{sid}/x {sid}. XAC0123456789abcdef0123456789abcdef {sid}0 é");
        assert_eq!(
            redact_account_sids(&text),
            format!(
                "/Accounts/{REDACTED_ACCOUNT_SID}/x {REDACTED_ACCOUNT_SID}. XAC0123456789abcdef0123456789abcdef {sid}0 é"
            )
        );
    }

    #[test]
    fn redacted_form_values_redact_their_arguments() {
        let call: Call = serde_json::from_value(serde_json::json!({
            "product": "conversations-v1",
            "operation": "CreateCredential",
            "args": {"Type": "fcm", "Secret": "server key", "FriendlyName": "app"}
        }))
        .expect("call");
        let exchange = Exchange {
            request: ExpectedRequest {
                form: vec![
                    ("Type".to_owned(), "fcm".to_owned()),
                    ("Secret".to_owned(), REDACTED.to_owned()),
                    ("FriendlyName".to_owned(), "app".to_owned()),
                ],
                ..ExpectedRequest::default()
            },
            response: RecordedResponse::default(),
            times: 1,
        };
        let redacted = redact_secret_args(&call, &[exchange]);
        assert_eq!(redacted.args["Secret"], REDACTED);
        assert_eq!(redacted.args["Type"], "fcm");
        assert_eq!(redacted.args["FriendlyName"], "app");
    }
}

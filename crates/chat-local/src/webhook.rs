//! Post-event webhooks: after a change made through the REST API with `X-Twilio-Webhook-Enabled: true` (Twilio
//! fires no webhooks for REST changes without it), the service's `post_webhook_url` receives the event when its
//! name is in the service's `webhook_filters`, as a form (or query, for `webhook_method` GET) signed with
//! `X-Twilio-Signature` (HMAC-SHA1 of the URL and the sorted parameters, keyed by the auth token). Deliveries are
//! sent once, in the background; failures are not retried. Which change fires which event, and the parameters each
//! carries, come from the description (the generated `EVENTS` table).

use base64::Engine as _;
use serde_json::Value;

use crate::generated::chat_v2::{EVENT_COMMON, EVENTS, event_names as names};
use crate::store::{Change, Store};

/// One webhook request to send.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub url: String,
    pub method: String,
    pub params: Vec<(String, String)>,
    pub signature: String,
}

/// The webhook of a change, when its service asks for it.
pub(crate) fn delivery(store: &Store, change: &Change, auth_token: &str) -> Option<Delivery> {
    let event = EVENTS
        .iter()
        .find(|e| e.resource == change.resource && e.kind == change.kind)?;
    let record = change.record.as_object()?;
    let service_sid = record.get("service_sid").and_then(Value::as_str)?;
    let service = store.find("Service", service_sid, None, &[])?;
    let url = service.str("post_webhook_url").filter(|u| !u.is_empty())?;
    let filters = service
        .value
        .get("webhook_filters")
        .and_then(Value::as_array)?;
    if !filters.iter().any(|f| f.as_str() == Some(event.event_type)) {
        return None;
    }
    let method = service
        .str("webhook_method")
        .unwrap_or("POST")
        .to_ascii_uppercase();
    let mut params: Vec<(String, String)> = vec![
        ("EventType".to_owned(), event.event_type.to_owned()),
        (names::SOURCE.to_owned(), names::SOURCE_API.to_owned()),
        (names::RETRY_COUNT.to_owned(), "0".to_owned()),
        (
            names::WEBHOOK_TYPE.to_owned(),
            names::WEBHOOK_TYPE_WEBHOOK.to_owned(),
        ),
    ];
    // The parameters the description reads from the record (`ChannelSid` <- `channel_sid`).
    for param in EVENT_COMMON.iter().chain(event.params) {
        if let Some(text) = field_text(record, param.field) {
            params.push((param.name.to_owned(), text));
        }
    }
    params.sort();
    let signed_url = if method == "GET" {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}{query}")
    } else {
        url.to_owned()
    };
    let signature = if method == "GET" {
        sign(auth_token, &signed_url, &[])
    } else {
        sign(auth_token, &signed_url, &params)
    };
    Some(Delivery {
        url: signed_url,
        method,
        params,
        signature,
    })
}

/// The text of the record field at `path`, when it is a string, number or boolean.
fn field_text(record: &serde_json::Map<String, Value>, path: &[&str]) -> Option<String> {
    let (first, rest) = path.split_first()?;
    let value = rest
        .iter()
        .try_fold(record.get(*first)?, |value, key| value.get(key))?;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Twilio's request signature: base64 HMAC-SHA1 of the URL followed by each parameter's name and value, sorted.
fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        auth_token.as_bytes(),
    );
    let tag = ring::hmac::sign(&key, data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// Sends one webhook; the answer and any failure are ignored, as a delivery is not retried.
pub(crate) async fn send(http: reqwest::Client, delivery: Delivery) {
    let request = if delivery.method == "GET" {
        http.get(&delivery.url)
    } else {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&delivery.params)
            .finish();
        http.post(&delivery.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let _ = request
        .header("x-twilio-signature", delivery.signature)
        .send()
        .await;
}

//! Post-event webhooks: after a change made through the REST API with `X-Twilio-Webhook-Enabled: true` (Twilio
//! fires no webhooks for REST changes without it), the service's `post_webhook_url` receives the event when its
//! name is in the service's `webhook_filters`, as a form (or query, for `webhook_method` GET) signed with
//! `X-Twilio-Signature` (HMAC-SHA1 of the URL and the sorted parameters, keyed by the auth token). Deliveries are
//! sent once, in the background; failures are not retried.

use base64::Engine as _;
use serde_json::Value;

use crate::store::{Change, Store};
use crate::table::Kind;

/// One webhook request to send.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub url: String,
    pub method: String,
    pub params: Vec<(String, String)>,
    pub signature: String,
}

/// The event name of a change, when Twilio has one.
fn event(resource: &str, kind: Kind) -> Option<&'static str> {
    Some(match (resource, kind) {
        ("Message", Kind::Create) => "onMessageSent",
        ("Message", Kind::Update) => "onMessageUpdated",
        ("Message", Kind::Delete) => "onMessageRemoved",
        ("Channel", Kind::Create) => "onChannelAdded",
        ("Channel", Kind::Update) => "onChannelUpdated",
        ("Channel", Kind::Delete) => "onChannelDestroyed",
        ("Member", Kind::Create) => "onMemberAdded",
        ("Member", Kind::Update) => "onMemberUpdated",
        ("Member", Kind::Delete) => "onMemberRemoved",
        ("User", Kind::Create) => "onUserAdded",
        ("User", Kind::Update) => "onUserUpdated",
        _ => return None,
    })
}

/// The webhook of a change, when its service asks for it.
pub(crate) fn delivery(store: &Store, change: &Change, auth_token: &str) -> Option<Delivery> {
    let event = event(change.resource, change.kind)?;
    let record = change.record.as_object()?;
    let service_sid = record.get("service_sid").and_then(Value::as_str)?;
    let service = store.find("Service", service_sid, None, &[])?;
    let url = service.str("post_webhook_url").filter(|u| !u.is_empty())?;
    let filters = service
        .value
        .get("webhook_filters")
        .and_then(Value::as_array)?;
    if !filters.iter().any(|f| f.as_str() == Some(event)) {
        return None;
    }
    let method = service
        .str("webhook_method")
        .unwrap_or("POST")
        .to_ascii_uppercase();
    let mut params: Vec<(String, String)> = vec![
        ("EventType".to_owned(), event.to_owned()),
        ("AccountSid".to_owned(), store.account_sid.clone()),
        ("InstanceSid".to_owned(), service_sid.to_owned()),
        ("Source".to_owned(), "api".to_owned()),
        ("RetryCount".to_owned(), "0".to_owned()),
        ("WebhookType".to_owned(), "webhook".to_owned()),
    ];
    // The record's scalar fields, PascalCase (`channel_sid` -> `ChannelSid`, its own `sid` -> `MessageSid`).
    for (key, value) in record {
        if matches!(
            key.as_str(),
            "url" | "links" | "account_sid" | "service_sid"
        ) {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        let name = if key == "sid" {
            format!("{}Sid", change.resource)
        } else {
            pascal(key)
        };
        params.push((name, text));
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

/// `channel_sid` -> `ChannelSid`.
fn pascal(key: &str) -> String {
    key.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
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

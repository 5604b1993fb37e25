//! Webhooks, both ways, for Chat v2 and Conversations v1 (Chat v3's one operation fires none).
//!
//! Post-events: after a change made through the REST API with `X-Twilio-Webhook-Enabled: true` (Twilio fires no
//! webhooks for REST changes without it), the event goes to every URL that asks for it:
//! - the service's `post_webhook_url` when its `webhook_filters` name the event (Chat and Conversations: the same
//!   service record);
//! - for Conversations, the account's global webhook (`/v1/Configuration/Webhooks`, target `webhook`) instead,
//!   when the service has no URL of its own: service webhooks override the global ones;
//! - each webhook scoped to the record's channel (Chat channel webhooks of type `webhook`, with `WebhookSid`) or
//!   conversation (Conversations conversation-scoped webhooks of target `webhook`) whose `configuration.filters`
//!   name the event.
//!
//! Pre-events go to the service's (or the global) `pre_webhook_url`, before the action; see `crate::pre_event`.
//!
//! Requests are forms (or queries, for method `GET`) signed with `X-Twilio-Signature` (HMAC-SHA1 of the URL and the
//! sorted parameters, keyed by the auth token). Post-events are sent once, in the background, and not retried.
//! Which change fires which event, and the parameters each carries, come from the descriptions (the generated
//! `EVENTS` and `PRE_EVENTS` tables); every request and its answer goes to the delivery log.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use serde_json::Value;

use crate::deliveries::{ANSWER_LIMIT, Delivery, Destination, Outcome, Timing};
use crate::fields::Object;
use crate::generated::{chat_v2, conversations_v1};
use crate::http::Shared;
use crate::mapping::{Api, CONVERSATIONS_V1};
use crate::store::{Record, Store};
use crate::table::{Event, EventParam, Kind};

/// The webhooks of one product: its events and the parameters every request carries.
#[derive(Debug)]
pub(crate) struct Family {
    /// Post-events, per kind of change after which they fire.
    pub events: &'static [Event],
    /// Pre-events, per kind of change they come before.
    pub pre_events: &'static [Event],
    /// Parameters read from the record for every event.
    pub common: &'static [EventParam],
    /// Parameters the service fills itself: `Source=API`, `RetryCount=0`...
    pub fixed: &'static [(&'static str, &'static str)],
    /// The record field that names the service.
    pub service_field: &'static str,
    /// Whether the account's global webhook applies when a service has no URLs (Conversations).
    pub global: bool,
    /// Webhooks scoped to one channel or conversation.
    pub scoped: Scoped,
}

/// Where a product keeps the webhooks of one channel or conversation, which hear its post-events.
#[derive(Debug)]
pub(crate) struct Scoped {
    /// The stored resource of their records.
    pub resource: &'static str,
    /// The field naming the channel or conversation, on the webhook and on the records whose events it hears.
    pub parent: &'static str,
    /// The field whose value `webhook` makes it send to `configuration.url`.
    pub kind: &'static str,
    /// The parameter that names the webhook (`WebhookSid`) on its requests, when the product sends one.
    pub sid_param: Option<&'static str>,
}

/// Chat v2's webhooks.
pub(crate) static CHAT: Family = {
    use chat_v2::event_names as n;
    Family {
        events: chat_v2::EVENTS,
        pre_events: chat_v2::PRE_EVENTS,
        common: chat_v2::EVENT_COMMON,
        fixed: &[
            (n::SOURCE, n::SOURCE_API),
            (n::RETRY_COUNT, "0"),
            (n::WEBHOOK_TYPE, n::WEBHOOK_TYPE_WEBHOOK),
        ],
        service_field: "service_sid",
        global: false,
        scoped: Scoped {
            resource: "ChannelWebhook",
            parent: "channel_sid",
            kind: "type",
            sid_param: Some(n::WEBHOOK_SID),
        },
    }
};

/// Conversations v1's webhooks.
pub(crate) static CONVERSATIONS: Family = {
    use conversations_v1::event_names as n;
    Family {
        events: conversations_v1::EVENTS,
        pre_events: conversations_v1::PRE_EVENTS,
        common: conversations_v1::EVENT_COMMON,
        fixed: &[(n::SOURCE, n::SOURCE_API), (n::RETRY_COUNT, "0")],
        service_field: "chat_service_sid",
        global: true,
        scoped: Scoped {
            resource: "ServiceConversationScopedWebhook",
            parent: "conversation_sid",
            kind: "target",
            sid_param: None,
        },
    }
};

/// The webhooks of the product a route belongs to (`None` for Chat v2), if it has any.
pub(crate) fn family(api: Option<&'static Api>) -> Option<&'static Family> {
    match api {
        None => Some(&CHAT),
        Some(api) if std::ptr::eq(api, &CONVERSATIONS_V1) => Some(&CONVERSATIONS),
        Some(_) => None,
    }
}

/// A change a request made, as its product shows the record.
#[derive(Debug, Clone)]
pub(crate) struct Happened {
    pub family: &'static Family,
    pub resource: &'static str,
    pub kind: Kind,
    pub record: Value,
    /// The form parameters the request sent, for events that fire only when one was (`when`).
    pub sent: Vec<&'static str>,
}

/// The event of `events` that a change of `resource` by `kind` fires: the one whose `when` parameter the request
/// sent, else the one that names none.
pub(crate) fn chosen(
    events: &'static [Event],
    resource: &str,
    kind: Kind,
    sent: impl Fn(&str) -> bool,
) -> Option<&'static Event> {
    let fired = || {
        events
            .iter()
            .filter(move |e| e.resource == resource && e.kind == kind)
    };
    fired()
        .find(|e| e.when.is_some_and(&sent))
        .or_else(|| fired().find(|e| e.when.is_none()))
}

/// One webhook request to send.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub timing: Timing,
    pub destination: Destination,
    pub event_type: &'static str,
    pub url: String,
    pub method: String,
    pub params: Vec<(String, String)>,
    pub signature: String,
}

/// A URL that asks for events: its method, the event types it wants, and parameters of its own.
struct Hook {
    url: String,
    method: String,
    filters: Vec<String>,
    destination: Destination,
    extra: Vec<(String, String)>,
}

/// The post-event requests of a change.
pub(crate) fn post_events(
    store: &mut Store,
    happened: &Happened,
    auth_token: &str,
) -> Vec<Outgoing> {
    let Some(record) = happened.record.as_object() else {
        return Vec::new();
    };
    let family = happened.family;
    let Some(event) = chosen(family.events, happened.resource, happened.kind, |wire| {
        happened.sent.contains(&wire)
    }) else {
        return Vec::new();
    };
    requests(store, family, Timing::Post, event, record, auth_token)
}

/// The requests of `event` about `record`: one per URL whose filters name it.
pub(crate) fn requests(
    store: &mut Store,
    family: &Family,
    timing: Timing,
    event: &'static Event,
    record: &impl Object,
    auth_token: &str,
) -> Vec<Outgoing> {
    let params = params(family, event, record);
    hooks(store, family, timing, record)
        .into_iter()
        .filter(|hook| hook.filters.iter().any(|f| f == event.event_type))
        .map(|hook| sign_request(hook, timing, event.event_type, params.clone(), auth_token))
        .collect()
}

/// `EventType`, the fixed parameters, and those the description reads from the record (`ChannelSid` <-
/// `channel_sid`), sorted.
fn params(family: &Family, event: &Event, record: &impl Object) -> Vec<(String, String)> {
    let mut params = vec![("EventType".to_owned(), event.event_type.to_owned())];
    params.extend(
        family
            .fixed
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    for param in family.common.iter().chain(event.params) {
        if let Some(text) = field_text(record, param.field) {
            params.push((param.name.to_owned(), text));
        }
    }
    params.sort();
    params.dedup_by(|a, b| a.0 == b.0);
    params
}

/// The URLs that may want an event about `record`: the service's (else, for Conversations, the account's global
/// webhook), and for post-events the conversation's scoped webhooks.
fn hooks(store: &mut Store, family: &Family, timing: Timing, record: &impl Object) -> Vec<Hook> {
    let url_field = match timing {
        Timing::Pre => "pre_webhook_url",
        Timing::Post => "post_webhook_url",
    };
    let service_sid = match record.field(family.service_field).and_then(Value::as_str) {
        Some(sid) => sid.to_owned(),
        None if family.global => crate::conversations::default_service(store),
        None => return Vec::new(),
    };
    let mut hooks = Vec::new();
    let service = store.find("Service", &service_sid, None, &[]);
    let configured = service.is_some_and(|s| {
        ["pre_webhook_url", "post_webhook_url"]
            .iter()
            .any(|f| s.str(f).is_some_and(|u| !u.is_empty()))
    });
    if let Some(service) = service.filter(|_| configured) {
        hooks.extend(hook(
            &service.value,
            url_field,
            "webhook_method",
            "webhook_filters",
            Destination::Service,
        ));
    } else if family.global
        && let Some(global) = store.all("ConfigurationWebhook").first()
        && global.str("target").is_none_or(|t| t == "webhook")
    {
        hooks.extend(hook(
            &global.value,
            url_field,
            "method",
            "filters",
            Destination::Account,
        ));
    }
    if timing == Timing::Post {
        let scoped = &family.scoped;
        // The channel or conversation the record is in, or is.
        let parent = record
            .field(scoped.parent)
            .or_else(|| {
                record
                    .field("sid")
                    .filter(|s| s.as_str().is_some_and(|s| s.starts_with("CH")))
            })
            .and_then(Value::as_str);
        if let Some(parent) = parent {
            hooks.extend(scoped_hooks(scoped, store.all(scoped.resource), parent));
        }
    }
    hooks
}

/// A hook read from a record's URL, method and filters fields.
fn hook(
    value: &impl Object,
    url_field: &str,
    method_field: &str,
    filters_field: &str,
    destination: Destination,
) -> Option<Hook> {
    let url = value
        .field(url_field)
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())?;
    Some(Hook {
        url: url.to_owned(),
        method: value
            .field(method_field)
            .and_then(Value::as_str)
            .unwrap_or("POST")
            .to_ascii_uppercase(),
        filters: strings(value.field(filters_field)),
        destination,
        extra: Vec::new(),
    })
}

/// The scoped webhooks of the channel or conversation `parent` that send to a URL.
fn scoped_hooks(scoped: &Scoped, records: &[Record], parent: &str) -> Vec<Hook> {
    records
        .iter()
        .filter(|r| r.str(scoped.parent) == Some(parent))
        .filter(|r| r.str(scoped.kind) == Some("webhook"))
        .filter_map(|r| {
            let configuration = r.value.get("configuration")?.as_object()?;
            let sid = r.str("sid").unwrap_or_default().to_owned();
            let mut hook = hook(
                configuration,
                "url",
                "method",
                "filters",
                Destination::Scoped(sid.clone()),
            )?;
            if let Some(name) = scoped.sid_param {
                hook.extra.push((name.to_owned(), sid));
            }
            Some(hook)
        })
        .collect()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The request to `hook`, signed.
fn sign_request(
    hook: Hook,
    timing: Timing,
    event_type: &'static str,
    mut params: Vec<(String, String)>,
    auth_token: &str,
) -> Outgoing {
    if !hook.extra.is_empty() {
        params.retain(|(name, _)| !hook.extra.iter().any(|(extra, _)| extra == name));
        params.extend(hook.extra);
        params.sort();
    }
    let url = if hook.method == "GET" {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let separator = if hook.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{query}", hook.url)
    } else {
        hook.url
    };
    let signed: &[(String, String)] = if hook.method == "GET" { &[] } else { &params };
    let signature = sign(auth_token, &url, signed);
    Outgoing {
        timing,
        destination: hook.destination,
        event_type,
        url,
        method: hook.method,
        params,
        signature,
    }
}

/// The text of the record field at `path`, when it is a string, number or boolean.
fn field_text(record: &impl Object, path: &[&str]) -> Option<String> {
    let (first, rest) = path.split_first()?;
    let value = rest
        .iter()
        .try_fold(record.field(first)?, |value, key| value.get(key))?;
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

/// The answer to a webhook request.
#[derive(Debug)]
pub(crate) struct Answer {
    /// Its status, or why none came.
    pub status: Result<u16, String>,
    /// Its body, at most [`ANSWER_LIMIT`] bytes of it.
    pub body: String,
    pub latency: Duration,
}

/// Sends one request, waiting at most `timeout` for the whole answer.
pub(crate) async fn send(http: &reqwest::Client, out: &Outgoing, timeout: Duration) -> Answer {
    let started = Instant::now();
    let request = if out.method == "GET" {
        http.get(&out.url)
    } else {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&out.params)
            .finish();
        http.post(&out.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let exchange = async {
        let mut response = request
            .header("x-twilio-signature", &out.signature)
            .send()
            .await?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            let room = ANSWER_LIMIT.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Ok::<_, reqwest::Error>((status, body))
    };
    let (status, body) = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok((status, body))) => (Ok(status), String::from_utf8_lossy(&body).into_owned()),
        Ok(Err(e)) => (Err(describe(&e)), String::new()),
        Err(_) => (
            Err(format!("no answer within {} ms", timeout.as_millis())),
            String::new(),
        ),
    };
    Answer {
        status,
        body,
        latency: started.elapsed(),
    }
}

/// What went wrong with a request, without the URL (the log has it).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "cannot connect"
    } else if error.is_timeout() {
        "timed out"
    } else {
        "request failed"
    };
    match std::error::Error::source(error) {
        Some(source) => format!("{kind}: {source}"),
        None => kind.to_owned(),
    }
}

/// Adds a sent request and its answer to the delivery log.
pub(crate) fn log(
    shared: &Shared,
    out: Outgoing,
    answer: Answer,
    outcome: Outcome,
    sent_at: SystemTime,
) {
    crate::deliveries::record(
        shared,
        Delivery {
            id: 0,
            sent_at,
            timing: out.timing,
            destination: out.destination,
            event_type: out.event_type.to_owned(),
            method: out.method,
            url: out.url,
            signature: out.signature,
            params: out.params,
            status: answer.status.as_ref().ok().copied(),
            answer: answer.body,
            latency: answer.latency,
            outcome,
        },
    );
}

/// Sends a post-event and logs it; the answer changes nothing, as a delivery is not retried.
pub(crate) async fn post(shared: Arc<Shared>, out: Outgoing) {
    let sent_at = SystemTime::now();
    let answer = send(&shared.http, &out, POST_TIMEOUT).await;
    let outcome = match &answer.status {
        Ok(_) => Outcome::Delivered,
        Err(reason) => Outcome::Failed(reason.clone()),
    };
    log(&shared, out, answer, outcome, sent_at);
}

/// How long a post-event's answer is waited for.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

//! An in-test fake of the three APIs `migrate run` calls, on 127.0.0.1 with an ephemeral port: Chat v2 list
//! channels (pages), Chat v3 `UpdateChannel` (public → private) and Conversations v1 fetch conversation, plus a
//! service's Chat and Conversations webhook configuration. It keeps channel state, counts conversions per channel,
//! answers every `throttle_every`-th request with 429 and `Retry-After`, and records retries that came sooner
//! than `Retry-After` allowed. It serves on its own thread and stops when dropped.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Backend, Scenario};

pub const SERVICE: &str = "IS00000000000000000000000000000001";
pub const ACCOUNT: &str = "AC00000000000000000000000000000001";

#[derive(Debug)]
struct Channel {
    sid: String,
    private: bool,
    /// Successful public → private changes.
    conversions: u32,
    /// `UpdateChannel` requests answered 2xx.
    updates: u32,
}

#[derive(Debug, Default)]
struct Store {
    channels: Vec<Channel>,
    by_sid: HashMap<String, usize>,
    requests: u64,
    throttled: u64,
    /// Path → earliest time a retry may come, after a 429.
    not_before: HashMap<String, Instant>,
    early_retries: u64,
    conversations_webhooks: Value,
}

struct Shared {
    config: Scenario,
    base_url: String,
    store: Mutex<Store>,
}

/// The running fake.
pub struct Fake {
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Backend for Fake {
    fn start(config: Scenario) -> Fake {
        let (public, private) = (config.public, config.private);
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let mut store = Store::default();
        for i in 0..public + private {
            let sid = format!("CH{i:032x}");
            store.by_sid.insert(sid.clone(), i);
            store.channels.push(Channel {
                sid,
                private: i >= public,
                conversions: 0,
                updates: 0,
            });
        }
        store.conversations_webhooks = json!({"pre_webhook_url": null, "post_webhook_url": null, "filters": [], "method": "POST"});
        let shared = Arc::new(Shared {
            config,
            base_url,
            store: Mutex::new(store),
        });
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Fake {
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }
    fn credentials(&self) -> (String, String) {
        (ACCOUNT.to_owned(), "fake-token".to_owned())
    }
    fn service_sid(&self) -> String {
        SERVICE.to_owned()
    }
    fn conversions(&self) -> BTreeMap<String, u32> {
        self.per_channel(|c| c.conversions)
    }
    fn private(&self) -> BTreeMap<String, bool> {
        self.per_channel(|c| c.private)
    }
    fn update_requests(&self) -> BTreeMap<String, u32> {
        self.per_channel(|c| c.updates)
    }
    fn requests(&self) -> u64 {
        self.store().requests
    }
    fn throttled(&self) -> u64 {
        self.store().throttled
    }
    fn early_retries(&self) -> Option<u64> {
        Some(self.store().early_retries)
    }
}

impl Fake {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn per_channel<T>(&self, f: impl Fn(&Channel) -> T) -> BTreeMap<String, T> {
        self.store()
            .channels
            .iter()
            .map(|c| (c.sid.clone(), f(c)))
            .collect()
    }

    /// The Conversations webhook configuration set.
    pub fn conversations_webhooks(&self) -> Value {
        self.store().conversations_webhooks.clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn error(status: u16, code: u32, message: &str) -> Response {
    let body = json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status});
    json_response(StatusCode::from_u16(status).unwrap(), &body)
}

/// `Key=value` pairs of a query or form body (values here need no decoding but `%2C`/`+`).
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.to_owned(),
                v.replace('+', " ").replace("%3A", ":").replace("%2F", "/"),
            )
        })
        .collect()
}

fn channel_json(base: &str, c: &Channel, v3: bool) -> Value {
    let prefix = if v3 { "v3" } else { "v2" };
    json!({
        "sid": c.sid, "account_sid": ACCOUNT, "service_sid": SERVICE,
        "friendly_name": null, "unique_name": null, "attributes": "{}",
        "type": if c.private { "private" } else { "public" },
        "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
        "created_by": "system", "members_count": 2, "messages_count": 5,
        "url": format!("{base}/{prefix}/Services/{SERVICE}/Channels/{}", c.sid),
        "links": {"members": format!("{base}/{prefix}/Services/{SERVICE}/Channels/{}/Members", c.sid)},
    })
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !headers.contains_key(header::AUTHORIZATION) {
        return error(401, 20003, "Authenticate");
    }
    let path = uri.path().to_owned();
    let key = format!("{method} {path}");
    {
        let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
        store.requests += 1;
        if let Some(at) = store.not_before.remove(&key)
            && Instant::now() < at
        {
            store.early_retries += 1;
        }
        let every = shared.config.throttle_every;
        if every > 0 && store.requests % every == 0 {
            store.throttled += 1;
            let wait = Duration::from_secs(shared.config.retry_after_secs);
            // A little slack for clocks read on two sides of a socket.
            store.not_before.insert(
                key,
                Instant::now() + wait.saturating_sub(Duration::from_millis(20)),
            );
            let mut response = error(429, 20429, "Too Many Requests");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, shared.config.retry_after_secs.into());
            return response;
        }
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let base = shared.base_url.as_str();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["v2", "Services", SERVICE]) => json_response(
            StatusCode::OK,
            &json!({
                "sid": SERVICE, "account_sid": ACCOUNT, "friendly_name": "Fake desk",
                "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
                "pre_webhook_url": "https://example.com/chat/pre", "post_webhook_url": "https://example.com/chat/post",
                "webhook_method": "POST", "webhook_filters": ["onMessageSend", "onMemberAdded", "onChannelDestroyed"],
                "url": format!("{base}/v2/Services/{SERVICE}"),
                "links": {"channels": format!("{base}/v2/Services/{SERVICE}/Channels")},
            }),
        ),
        ("GET", ["v2", "Services", SERVICE, "Channels"]) => {
            let query = pairs(uri.query().unwrap_or_default());
            let get = |k: &str| {
                query
                    .iter()
                    .find(|(key, _)| key == k)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let size = get("PageSize").unwrap_or(50).min(100);
            let page = get("Page").unwrap_or(0);
            let store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
            let records: Vec<Value> = store
                .channels
                .iter()
                .skip(page * size)
                .take(size)
                .map(|c| channel_json(base, c, false))
                .collect();
            let list = format!("{base}/v2/Services/{SERVICE}/Channels?PageSize={size}");
            let next = ((page + 1) * size < store.channels.len())
                .then(|| format!("{list}&Page={}&PageToken=PT{}", page + 1, page + 1));
            json_response(
                StatusCode::OK,
                &json!({
                    "channels": records,
                    "meta": {"page": page, "page_size": size, "first_page_url": format!("{list}&Page=0"),
                             "previous_page_url": null, "url": format!("{list}&Page={page}"), "next_page_url": next, "key": "channels"},
                }),
            )
        }
        ("POST", ["v3", "Services", SERVICE, "Channels", sid]) => {
            let form = pairs(std::str::from_utf8(&body).unwrap_or_default());
            let wants_private = form.iter().any(|(k, v)| k == "Type" && v == "private");
            if !shared.config.convert_latency.is_zero() {
                tokio::time::sleep(shared.config.convert_latency).await;
            }
            let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(&i) = store.by_sid.get(*sid) else {
                return error(404, 20404, "The requested resource was not found");
            };
            if shared.config.refuse.contains(&i) {
                return error(400, 50400, "Channel cannot be converted");
            }
            let channel = &mut store.channels[i];
            channel.updates += 1;
            if wants_private && !channel.private {
                channel.private = true;
                channel.conversions += 1;
            }
            json_response(StatusCode::OK, &channel_json(base, channel, true))
        }
        ("GET", ["v1", "Services", SERVICE, "Conversations", sid]) => {
            let store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
            match store.by_sid.get(*sid).map(|&i| &store.channels[i]) {
                Some(c) if c.private => json_response(
                    StatusCode::OK,
                    &json!({
                        "sid": c.sid, "account_sid": ACCOUNT, "chat_service_sid": SERVICE, "state": "active",
                        "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
                        "url": format!("{base}/v1/Services/{SERVICE}/Conversations/{}", c.sid),
                        "links": {"participants": format!("{base}/v1/Services/{SERVICE}/Conversations/{}/Participants", c.sid)},
                    }),
                ),
                _ => error(404, 20404, "The requested resource was not found"),
            }
        }
        (m, ["v1", "Services", SERVICE, "Configuration", "Webhooks"]) => {
            let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
            if m == "POST" {
                let form = pairs(std::str::from_utf8(&body).unwrap_or_default());
                let one = |k: &str| {
                    form.iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| v.clone())
                        .filter(|v| !v.is_empty())
                };
                let filters: Vec<String> = form
                    .iter()
                    .filter(|(k, _)| k == "Filters")
                    .map(|(_, v)| v.clone())
                    .collect();
                store.conversations_webhooks = json!({
                    "pre_webhook_url": one("PreWebhookUrl"), "post_webhook_url": one("PostWebhookUrl"),
                    "filters": filters, "method": one("Method"),
                });
            }
            let mut answer = store.conversations_webhooks.clone();
            answer["account_sid"] = json!(ACCOUNT);
            answer["chat_service_sid"] = json!(SERVICE);
            answer["url"] = json!(format!(
                "{base}/v1/Services/{SERVICE}/Configuration/Webhooks"
            ));
            json_response(StatusCode::OK, &answer)
        }
        _ => error(404, 20404, "The requested resource was not found"),
    }
}

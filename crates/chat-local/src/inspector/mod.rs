//! The inspector: a web page and JSON endpoints that show what the local service holds, served on their own port
//! of the main host's address when [`Config::inspector`](crate::Config::inspector) is on (`twilio-chat fake` turns
//! it on and prints its URL; [`LocalChat::inspector_url`](crate::LocalChat::inspector_url) gives it).
//!
//! The page at `/` lists the services; a service's channels (saying which are conversations: the private ones),
//! users and roles; a channel's members (participants) and messages with their bodies, attributes, media (with a
//! download link) and edits; the messages matching a search; and the log of webhook deliveries (event, URL,
//! signature, request body, the answer's status and body, latency, and whether a pre-event's answer refused or
//! changed the action). Each record links to its REST URLs on the main host. The page follows changes as they
//! happen through server-sent events, and has a reset button. It is HTML rendered on the server, from the same
//! documents the JSON endpoints answer, with a small script and style sheet built into the binary: no build
//! step, nothing fetched from elsewhere.
//!
//! # Endpoints
//!
//! | Method and path | Answer |
//! |---|---|
//! | `GET /` | The page. Query: `service=IS...` (the first service when absent), `channel=CH...`, `search=TEXT` |
//! | `GET /view` | The part of the page that changes, as an HTML fragment, with the same query |
//! | `GET /api/services` | `{"services": [...]}` |
//! | `GET /api/services/{ServiceSid}/channels` | `{"channels": [...]}`, conversations included |
//! | `GET /api/services/{ServiceSid}/users` | `{"users": [...]}` |
//! | `GET /api/services/{ServiceSid}/roles` | `{"roles": [...]}` |
//! | `GET /api/channels/{ChannelSid}/members` | `{"members": [...]}` |
//! | `GET /api/channels/{ChannelSid}/messages?search=TEXT` | `{"messages": [...]}` by index, those whose body, author or attributes contain `TEXT` (ignoring case) when given |
//! | `GET /api/messages?search=TEXT&service=IS...` | `{"messages": [...]}` of every channel (of one service when given) |
//! | `GET /api/deliveries?after=ID` | `{"deliveries": [...]}`, oldest first, those numbered above `ID` when given |
//! | `GET /api/events` | `text/event-stream`: an event at once, then one whenever records or the delivery log change; each event's data is `{"changes": N, "last_delivery": ID}` |
//! | `POST /api/reset` | Deletes every record, media and the delivery log; answers `{"reset": true}` |
//!
//! Records are as the Chat v2 API answers them (their `url` is their Chat v2 REST URL), with one more object,
//! `inspector`: `conversation` (channels), `conversations_url` (the Conversations v1 URL of a service, a
//! conversation, a participant, a message, a user, a role; `null` for public channels and what they hold) and
//! `media_content_url` (a media message's content on the main host). A delivery has `id`, `sent_at`, `timing`
//! (`pre`, `post`), `destination` (`service`, `account` or a conversation-scoped webhook's SID), `event_type`,
//! `method`, `url`, `signature`, `params` (`[name, value]` pairs), `status` (`null` without an answer), `answer`,
//! `latency_ms`, `outcome` (`delivered`, `allowed`, `modified`, `rejected`, `failed`), `changes` (what a pre-event's
//! answer changed) and `error` (why no answer came). An unknown service or channel is answered 404 with
//! `{"message": ...}`.
//!
//! # Access
//!
//! Bound to a loopback address, the inspector needs no login. Bound to any other address, every path needs the
//! account's HTTP Basic credentials, as the API does (account SID and auth token, or API key and secret), and is
//! answered 401 with `WWW-Authenticate` without them. Record text is always escaped ([`escape`]): a message body
//! of `<script>` shows as text.

mod data;
mod page;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::StateHandle;
use crate::http::{Shared, authenticate, error_response, json_response};
use data::{NotFound, Reader};
use page::Selection;
pub use page::escape;

/// How often a follower looks for new webhook deliveries, which are not announced.
const DELIVERY_POLL: Duration = Duration::from_millis(200);

/// How the inspector is served.
pub(crate) struct Settings {
    /// The main host's base URL, for REST links.
    pub base_url: String,
    /// Whether the inspector is bound to a loopback address, where it needs no credentials.
    pub open: bool,
    /// Counts the open event streams.
    pub followers: Followers,
    /// Changes when the service stops: event streams end then.
    pub stopped: tokio::sync::watch::Receiver<()>,
}

/// Counts the clients following `/api/events` right now.
#[derive(Debug, Clone, Default)]
pub(crate) struct Followers(Arc<AtomicUsize>);

impl Followers {
    /// How many follow now.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    fn join(&self) -> Following {
        self.0.fetch_add(1, Ordering::SeqCst);
        Following(self.clone())
    }
}

/// One open event stream; dropping it (the stream ends) counts it out.
struct Following(Followers);

impl Drop for Following {
    fn drop(&mut self) {
        (self.0).0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the handlers share.
struct Inspector {
    state: StateHandle,
    settings: Settings,
}

impl Inspector {
    fn reader(&self) -> Reader<'_> {
        Reader {
            state: &self.state,
            base_url: &self.settings.base_url,
        }
    }

    fn shared(&self) -> &Shared {
        &self.state.shared
    }
}

/// The inspector's router: the page, its assets and the JSON endpoints, behind the access check.
pub(crate) fn router(shared: Arc<Shared>, settings: Settings) -> axum::Router {
    let open = settings.open;
    let inspector = Arc::new(Inspector {
        state: StateHandle { shared },
        settings,
    });
    let routes = axum::Router::new()
        .route("/", get(index))
        .route("/view", get(view))
        .route("/assets/inspector.js", get(script))
        .route("/assets/inspector.css", get(style))
        .route("/api/services", get(services))
        .route("/api/services/{service}/channels", get(channels))
        .route("/api/services/{service}/users", get(users))
        .route("/api/services/{service}/roles", get(roles))
        .route("/api/channels/{channel}/members", get(members))
        .route("/api/channels/{channel}/messages", get(messages))
        .route("/api/messages", get(search))
        .route("/api/deliveries", get(deliveries))
        .route("/api/events", get(events))
        .route("/api/reset", post(reset))
        .fallback(not_found)
        .with_state(Arc::clone(&inspector));
    if open {
        routes
    } else {
        routes.layer(axum::middleware::from_fn_with_state(inspector, guard))
    }
}

/// The query of a request, decoded (the last value of a repeated name wins).
type Params = std::collections::BTreeMap<String, String>;

fn params(query: Option<String>) -> Params {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Refuses requests without the account's credentials (when not bound to loopback).
async fn guard(State(inspector): State<Arc<Inspector>>, request: Request, next: Next) -> Response {
    match authenticate(&inspector.shared().credentials, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(e) => error_response(&e),
    }
}

async fn index(State(inspector): State<Arc<Inspector>>, RawQuery(query): RawQuery) -> Response {
    html(page::page(&inspector.reader(), &selection(params(query))))
}

async fn view(State(inspector): State<Arc<Inspector>>, RawQuery(query): RawQuery) -> Response {
    html(page::view(&inspector.reader(), &selection(params(query))))
}

async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/inspector.js"),
    )
}

async fn style() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/inspector.css"),
    )
}

async fn services(State(inspector): State<Arc<Inspector>>) -> Response {
    json_response(200, &inspector.reader().services())
}

async fn channels(
    State(inspector): State<Arc<Inspector>>,
    Path(service): Path<String>,
) -> Response {
    found(inspector.reader().channels(&service))
}

async fn users(State(inspector): State<Arc<Inspector>>, Path(service): Path<String>) -> Response {
    found(inspector.reader().users(&service))
}

async fn roles(State(inspector): State<Arc<Inspector>>, Path(service): Path<String>) -> Response {
    found(inspector.reader().roles(&service))
}

async fn members(State(inspector): State<Arc<Inspector>>, Path(channel): Path<String>) -> Response {
    found(inspector.reader().members(&channel))
}

async fn messages(
    State(inspector): State<Arc<Inspector>>,
    Path(channel): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = params(query);
    let search = params.get("search").map(String::as_str).unwrap_or_default();
    found(inspector.reader().messages(&channel, search))
}

async fn search(State(inspector): State<Arc<Inspector>>, RawQuery(query): RawQuery) -> Response {
    let params = params(query);
    let search = params.get("search").map(String::as_str).unwrap_or_default();
    let service = params.get("service").map(String::as_str);
    json_response(200, &inspector.reader().search(search, service))
}

async fn deliveries(
    State(inspector): State<Arc<Inspector>>,
    RawQuery(query): RawQuery,
) -> Response {
    let after = match params(query).get("after").map(|a| a.parse::<u64>()) {
        None => 0,
        Some(Ok(after)) => after,
        Some(Err(_)) => {
            return json_response(
                400,
                &json!({ "message": "`after` must be a delivery id (a non-negative integer)" }),
            );
        }
    };
    json_response(200, &inspector.reader().deliveries(after))
}

/// Deletes every record, media and the delivery log.
async fn reset(State(inspector): State<Arc<Inspector>>) -> Response {
    inspector
        .shared()
        .deliveries
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entries
        .clear();
    inspector.state.clear();
    json_response(200, &json!({ "reset": true }))
}

async fn not_found() -> Response {
    json_response(
        404,
        &json!({ "message": "no such inspector page or endpoint" }),
    )
}

/// The event stream: one event at once, then one per change of the records (announced by the main host's
/// requests and by seeding) or of the delivery log (looked at every [`DELIVERY_POLL`]). It ends when the service
/// stops.
async fn events(
    State(inspector): State<Arc<Inspector>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let follower = Follower {
        changes: inspector.shared().changes.subscribe(),
        stopped: inspector.settings.stopped.clone(),
        last_delivery: None,
        _following: inspector.settings.followers.join(),
        inspector,
    };
    let stream = futures_util::stream::unfold(follower, |mut follower| async move {
        let data = follower.next().await?;
        Some((Ok(Event::default().data(data.to_string())), follower))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The state of one event stream.
struct Follower {
    inspector: Arc<Inspector>,
    changes: tokio::sync::watch::Receiver<u64>,
    stopped: tokio::sync::watch::Receiver<()>,
    /// The newest delivery announced; `None` before the first event.
    last_delivery: Option<u64>,
    _following: Following,
}

impl Follower {
    /// Waits for the next change; `None` once the service stops.
    async fn next(&mut self) -> Option<Value> {
        if self.last_delivery.is_some() {
            loop {
                if self.stopped.has_changed().is_err() {
                    return None;
                }
                match tokio::time::timeout(DELIVERY_POLL, self.changes.changed()).await {
                    Ok(Ok(())) => break,
                    Ok(Err(_)) => return None,
                    Err(_) if Some(self.newest_delivery()) != self.last_delivery => break,
                    Err(_) => {}
                }
            }
        }
        let changes = *self.changes.borrow_and_update();
        let last = self.newest_delivery();
        self.last_delivery = Some(last);
        Some(json!({ "changes": changes, "last_delivery": last }))
    }

    /// The id of the newest delivery so far (0 before any).
    fn newest_delivery(&self) -> u64 {
        self.inspector
            .shared()
            .deliveries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next_id
    }
}

/// A JSON document, or 404 naming the unknown record.
fn found(document: Result<Value, NotFound>) -> Response {
    match document {
        Ok(document) => json_response(200, &document),
        Err(NotFound(message)) => json_response(404, &json!({ "message": message })),
    }
}

fn selection(mut params: Params) -> Selection {
    let mut take = |name: &str| params.remove(name).filter(|v| !v.trim().is_empty());
    Selection {
        service: take("service"),
        channel: take("channel"),
        search: take("search").unwrap_or_default(),
    }
}

/// An HTML answer; its content security policy runs only the inspector's own script and style sheet, so even
/// markup that escaped [`escape`] could not run.
fn html(text: String) -> Response {
    let mut response = respond(
        StatusCode::OK,
        "text/html; charset=utf-8",
        Body::from(text),
        "no-store",
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:",
        ),
    );
    response
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    respond(StatusCode::OK, content_type, Body::from(text), "no-cache")
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Body,
    cache: &'static str,
) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, cache)
        .header("x-content-type-options", "nosniff")
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Followers, Settings, router};

    /// Off loopback every path needs the account's credentials; this serves the guarded router on 127.0.0.1 to
    /// check it without listening on another address.
    #[tokio::test]
    async fn off_loopback_every_path_needs_credentials() {
        let chat = crate::start().await.unwrap();
        let (_stop, stopped) = tokio::sync::watch::channel(());
        let guarded = router(
            Arc::clone(&chat.state().shared),
            Settings {
                base_url: chat.base_url().to_owned(),
                open: false,
                followers: Followers::default(),
                stopped,
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, guarded).await;
        });
        let http = reqwest::Client::new();
        let credentials = chat.credentials();
        for path in [
            "/",
            "/view",
            "/api/services",
            "/assets/inspector.js",
            "/nothing",
        ] {
            let refused = http.get(format!("{url}{path}")).send().await.unwrap();
            assert_eq!(refused.status(), 401, "{path}");
            assert!(
                refused.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Basic "),
                "{path}"
            );
            let wrong = http
                .get(format!("{url}{path}"))
                .basic_auth(credentials.account_sid(), Some("wrong"))
                .send()
                .await
                .unwrap();
            assert_eq!(wrong.status(), 401, "{path}");
        }
        let reset = http.post(format!("{url}/api/reset")).send().await.unwrap();
        assert_eq!(reset.status(), 401);
        for (user, password) in [
            (credentials.account_sid(), credentials.auth_token()),
            (credentials.api_key_sid(), credentials.api_key_secret()),
        ] {
            let page = http
                .get(format!("{url}/"))
                .basic_auth(user, Some(password))
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), 200, "{user}");
        }
    }
}

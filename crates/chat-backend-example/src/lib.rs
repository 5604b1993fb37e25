//! An example Chat backend: an axum server that verifies Twilio Chat webhooks (pre- and post-events), answers
//! pre-events with a small moderation policy, and mints Chat access tokens for logged-in users.
//!
//! Routes:
//! - `POST /webhooks/chat` (also `GET`, for services whose webhook method is GET): the Chat service's pre- and
//!   post-event URL. Requests are verified with [`WebhookVerifier`] (public URL from configuration or trusted
//!   proxies, body limit), read as a [`ChatWebhook`] and answered by [`decide`].
//! - `GET /token`: for a user who logs in with HTTP Basic authentication (`identity:password`, checked against
//!   the registered users in constant time), a Chat access token minted with [`twilio_access_token`]:
//!   `{"identity": "...", "token": "<JWT>"}`. `401` with `WWW-Authenticate` when the login fails, `503` when no
//!   API key is configured.
//! - `GET /healthz`: `ok`.
//!
//! The moderation policy in [`decide`]: messages containing a blocked word are rejected (`403`); other messages
//! are trimmed and tagged `"moderated": true` in their attributes; channels created without a unique name get one
//! made from the friendly name; only registered users may join channels; post-events are recorded.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use ring::hmac;
use twilio_access_token::{AccessToken, ChatGrant, MintError};
use twilio_chat_v2::webhook::{Attributes, ChatEvent, ChatWebhook, HttpReply, PreEventReply};
use twilio_rest_runtime::webhook::{
    ProxyTrust, Rejection, Scheme, UrlSource, WebhookRequest, WebhookVerifier,
};

/// Everything the server needs. `Debug` hides the auth token and passwords.
#[derive(Clone)]
pub struct Config {
    /// The account's auth token, which signs webhooks.
    pub auth_token: String,
    /// Where the public URL of webhook requests comes from.
    pub url_source: UrlSource,
    /// Largest webhook body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Words that make a message be rejected (compared case-insensitively).
    pub blocked_words: Vec<String>,
    /// Registered users as `(identity, password)`.
    pub users: Vec<(String, String)>,
    /// How to mint access tokens; `None` turns `/token` off (`503`).
    pub tokens: Option<TokenSettings>,
}

/// The API key and Chat service that access tokens are minted with. `Debug` hides the secret.
#[derive(Clone)]
pub struct TokenSettings {
    /// The account SID (`AC...`).
    pub account_sid: String,
    /// The API key SID (`SK...`).
    pub api_key_sid: String,
    /// The API key's secret.
    pub api_secret: String,
    /// The Chat service (`IS...`) the tokens grant access to.
    pub chat_service_sid: String,
    /// How long a token is valid.
    pub ttl: Duration,
}

/// The running server's shared state.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    verifier: WebhookVerifier,
    blocked_words: Vec<String>,
    users: Users,
    tokens: Option<TokenSettings>,
    events: Mutex<Vec<String>>,
}

/// Registered users; `Debug` shows identities only.
struct Users(Vec<(String, String)>);

impl Config {
    /// Reads the configuration from the environment:
    ///
    /// - `TWILIO_AUTH_TOKEN` (required): signs webhooks.
    /// - `PUBLIC_URL`: the public base URL of this server as configured in the Chat service (such as
    ///   `https://chat.example.com`); recommended behind any proxy or tunnel.
    /// - `WEBHOOK_URL`: instead of `PUBLIC_URL`, the webhook URL exactly as configured in the Chat service, for
    ///   proxies that rewrite the path.
    /// - `TRUSTED_PROXIES`: comma-separated networks (`10.0.0.0/8,::1`) whose `X-Forwarded-*` headers are
    ///   honoured when neither URL is set. With neither, the `Host` header and `http` are used.
    /// - `CHAT_USERS`: `identity:password` pairs separated by commas.
    /// - `BLOCKED_WORDS`: comma-separated (default `spam`).
    /// - `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY`, `TWILIO_API_SECRET`, `TWILIO_CHAT_SERVICE_SID`: all four turn
    ///   `/token` on; `TOKEN_TTL_SECONDS` sets the lifetime (default 3600).
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] reading variables through `lookup` (empty values count as unset).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let auth_token = var("TWILIO_AUTH_TOKEN").ok_or("TWILIO_AUTH_TOKEN is not set")?;
        let url_source = match (
            var("WEBHOOK_URL"),
            var("PUBLIC_URL"),
            var("TRUSTED_PROXIES"),
        ) {
            (Some(url), _, _) => UrlSource::exact(&url).map_err(|e| format!("WEBHOOK_URL: {e}"))?,
            (None, Some(url), _) => {
                UrlSource::public(&url).map_err(|e| format!("PUBLIC_URL: {e}"))?
            }
            (None, None, Some(nets)) => {
                let nets: Vec<&str> = nets.split(',').map(str::trim).collect();
                let trust =
                    ProxyTrust::networks(&nets).map_err(|e| format!("TRUSTED_PROXIES: {e}"))?;
                UrlSource::forwarded(Scheme::Http, trust)
            }
            (None, None, None) => UrlSource::host_header(Scheme::Http),
        };
        let users = var("CHAT_USERS")
            .unwrap_or_default()
            .split(',')
            .filter(|pair| !pair.trim().is_empty())
            .map(|pair| {
                pair.trim()
                    .split_once(':')
                    .map(|(id, pw)| (id.to_owned(), pw.to_owned()))
                    .ok_or_else(|| "CHAT_USERS: each entry is identity:password".to_owned())
            })
            .collect::<Result<_, _>>()?;
        let blocked_words = var("BLOCKED_WORDS")
            .unwrap_or_else(|| "spam".to_owned())
            .split(',')
            .map(|w| w.trim().to_owned())
            .filter(|w| !w.is_empty())
            .collect();
        let token_vars = [
            "TWILIO_ACCOUNT_SID",
            "TWILIO_API_KEY",
            "TWILIO_API_SECRET",
            "TWILIO_CHAT_SERVICE_SID",
        ];
        let values: Vec<Option<String>> = token_vars.iter().map(|name| var(name)).collect();
        let tokens = match values.as_slice() {
            [Some(account), Some(key), Some(secret), Some(service)] => {
                let ttl = match var("TOKEN_TTL_SECONDS") {
                    Some(v) => v.parse().map_err(|_| {
                        format!("TOKEN_TTL_SECONDS `{v}` is not a number of seconds")
                    })?,
                    None => 3600,
                };
                let settings = TokenSettings {
                    account_sid: account.clone(),
                    api_key_sid: key.clone(),
                    api_secret: secret.clone(),
                    chat_service_sid: service.clone(),
                    ttl: Duration::from_secs(ttl),
                };
                // Check the settings now rather than on the first login.
                settings
                    .mint("configuration-check")
                    .map_err(|e| format!("access token settings: {e}"))?;
                Some(settings)
            }
            [None, None, None, None] => None,
            _ => {
                let missing: Vec<&str> = token_vars
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| v.is_none())
                    .map(|(name, _)| *name)
                    .collect();
                return Err(format!(
                    "access tokens need all four of {}; missing {}",
                    token_vars.join(", "),
                    missing.join(", ")
                ));
            }
        };
        Ok(Self {
            auth_token,
            url_source,
            max_body_bytes: WebhookVerifier::DEFAULT_MAX_BODY_BYTES,
            blocked_words,
            users,
            tokens,
        })
    }
}

impl TokenSettings {
    /// A signed access token (JWT) for `identity` with a Chat grant for the configured service.
    pub fn mint(&self, identity: &str) -> Result<String, MintError> {
        AccessToken::builder(&self.account_sid, &self.api_key_sid, &self.api_secret)
            .identity(identity)
            .ttl(self.ttl)
            .chat_grant(ChatGrant::service(&self.chat_service_sid))
            .build()?
            .to_jwt()
    }
}

impl std::fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSettings")
            .field("account_sid", &self.account_sid)
            .field("api_key_sid", &self.api_key_sid)
            .field("api_secret", &"[redacted]")
            .field("chat_service_sid", &self.chat_service_sid)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let identities: Vec<&str> = self.users.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("Config")
            .field("auth_token", &"[redacted]")
            .field("url_source", &self.url_source)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("blocked_words", &self.blocked_words)
            .field("users", &identities)
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl std::fmt::Debug for Users {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(id, _)| id))
            .finish()
    }
}

impl AppState {
    /// State for `config`.
    pub fn new(config: Config) -> Self {
        let verifier = WebhookVerifier::new(config.auth_token, config.url_source)
            .with_max_body_bytes(config.max_body_bytes);
        Self {
            inner: Arc::new(Inner {
                verifier,
                blocked_words: config
                    .blocked_words
                    .into_iter()
                    .map(|w| w.to_lowercase())
                    .collect(),
                users: Users(config.users),
                tokens: config.tokens,
                events: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The post-events (and unknown events) received so far, as `EventType` and the resource's SID.
    pub fn events(&self) -> Vec<String> {
        self.inner
            .events
            .lock()
            .map(|e| e.clone())
            .unwrap_or_default()
    }

    fn is_user(&self, identity: &str) -> bool {
        self.inner.users.0.iter().any(|(id, _)| id == identity)
    }

    /// The identity whose `password` matches, compared in constant time.
    fn login(&self, identity: &str, password: &str) -> Option<&str> {
        // HMAC verification compares tags in constant time; the key only needs to be the same on both sides.
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"chat-backend-example login");
        let given = hmac::sign(&key, password.as_bytes());
        let (id, _) = self.inner.users.0.iter().find(|(id, expected)| {
            id == identity && hmac::verify(&key, expected.as_bytes(), given.as_ref()).is_ok()
        })?;
        Some(id)
    }
}

/// The router, without a listener.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/webhooks/chat", get(chat_webhook).post(chat_webhook))
        .route("/token", get(token))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The answer to a verified Chat webhook under the example's moderation policy (see the crate docs).
pub fn decide(state: &AppState, hook: &ChatWebhook) -> HttpReply {
    let reply = match &hook.event {
        ChatEvent::MessageSend(message) | ChatEvent::MessageUpdate(message) => {
            let body = message.body.as_deref().unwrap_or_default();
            let lower = body.to_lowercase();
            if state
                .inner
                .blocked_words
                .iter()
                .any(|w| lower.contains(w.as_str()))
            {
                PreEventReply::reject()
            } else {
                let mut reply = PreEventReply::allow();
                if body.trim() != body {
                    reply = reply.body(body.trim());
                }
                match &message.attributes {
                    Some(Attributes::Json(serde_json::Value::Object(map))) => {
                        let mut map = map.clone();
                        map.insert("moderated".into(), true.into());
                        reply.attributes(&serde_json::Value::Object(map))
                    }
                    None => reply.attributes(&serde_json::json!({"moderated": true})),
                    // Attributes that are not a JSON object are the client's business: left as they are.
                    Some(_) => reply,
                }
            }
        }
        ChatEvent::ChannelAdd(channel) if channel.unique_name.is_none() => {
            match channel.friendly_name.as_deref().map(slug) {
                Some(unique) if !unique.is_empty() => PreEventReply::allow().unique_name(unique),
                _ => PreEventReply::allow(),
            }
        }
        ChatEvent::MemberAdd(member) => match member.identity.as_deref() {
            Some(identity) if state.is_user(identity) => PreEventReply::allow(),
            _ => PreEventReply::reject(),
        },
        _ => PreEventReply::allow(),
    };
    let Some(pre) = hook.event.pre_event() else {
        if let Ok(mut events) = state.inner.events.lock() {
            // The most specific SID the event carries.
            let sid = ["MessageSid", "MemberSid", "UserSid", "ChannelSid"]
                .iter()
                .find_map(|name| hook.param(name))
                .unwrap_or_default();
            events.push(
                format!("{} {sid}", hook.event.event_type())
                    .trim_end()
                    .to_owned(),
            );
        }
        return HttpReply::acknowledge();
    };
    // The policy above only changes fields the pre-event allows; should that ever be wrong, fail closed.
    reply
        .render(pre)
        .unwrap_or_else(|e| text_reply(500, &e.to_string()))
}

async fn chat_webhook(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = state.inner.verifier.max_body_bytes();
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(size) = declared.filter(|size| *size > limit) {
        return to_response(rejection_reply(&Rejection::BodyTooLarge { limit, size }));
    }
    // Reading stops at the limit, so an undeclared huge body is never buffered whole.
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return to_response(text_reply(
            413,
            &format!("webhook body is over the {limit}-byte limit"),
        ));
    };
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path(), |pq| pq.as_str());
    let mut request = WebhookRequest::new(method.as_str(), target, &bytes).peer(peer.ip());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_bytes());
    }
    let verified = match state.inner.verifier.verify(&request) {
        Ok(verified) => verified,
        Err(rejection) => return to_response(rejection_reply(&rejection)),
    };
    match ChatWebhook::from_verified(verified) {
        Ok(hook) => to_response(decide(&state, &hook)),
        Err(e) => to_response(text_reply(400, &e.to_string())),
    }
}

async fn token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(settings) = &state.inner.tokens else {
        return to_response(text_reply(503, "access tokens are not configured"));
    };
    let credentials = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let identity = credentials.as_deref().and_then(|c| {
        let (identity, password) = c.split_once(':')?;
        state.login(identity, password)
    });
    let Some(identity) = identity else {
        let mut reply = text_reply(
            401,
            "log in with HTTP Basic authentication (identity:password)",
        );
        reply.headers.push((
            "WWW-Authenticate",
            "Basic realm=\"chat\", charset=\"UTF-8\"".to_owned(),
        ));
        return to_response(reply);
    };
    match settings.mint(identity) {
        Ok(jwt) => {
            let body = serde_json::json!({ "identity": identity, "token": jwt });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        // The message names the input at fault and never the secret.
        Err(e) => to_response(text_reply(500, &e.to_string())),
    }
}

fn rejection_reply(rejection: &Rejection) -> HttpReply {
    text_reply(rejection.status(), &rejection.to_string())
}

fn text_reply(status: u16, message: &str) -> HttpReply {
    HttpReply {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".to_owned())],
        body: message.as_bytes().to_vec(),
    }
}

fn to_response(reply: HttpReply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// `Support #42` -> `support-42`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

//! A local, in-memory Twilio Programmable Chat v2 service that speaks Twilio's wire format, and Chat v3 and
//! Conversations v1 over the same records: run the clients with no account and no network, and test applications
//! against it.
//!
//! Every operation of `spec/chat-v2.json` is answered: creates return 201 with a record built from the form fields,
//! a fresh SID with the resource's prefix, dates, `url` and `links` on the local host; fetch, update and delete
//! work by SID, and by unique name or identity where Twilio accepts them; lists come in Twilio's page shape with
//! absolute `next_page_url`s and the documented filters; errors carry Twilio's `code`, `message`, `more_info` and
//! `status`; every request needs HTTP Basic credentials (account SID and auth token, or API key and secret).
//! Media uploads, records, content and `MediaSet` answer as Twilio's Media Content Service does, with temporary
//! content links on a second host that needs no credentials. Post-event webhooks are sent signed to the service's
//! `post_webhook_url`, and tests can inject faults ([`Fault`]: 429 with `Retry-After`, server errors, latency).
//!
//! The service is bounded and strict, and never panics on what it is sent: a form body over
//! [`Config::form_body_limit`] (1 MiB by default) is answered 413 with code 20413 without being read, media uploads
//! keep the service's own `media.size_limit_mb`; credentials are checked first on every path (401, code 20003),
//! even unknown ones; `Attributes` must be JSON text (400, code 50304); `PageSize` must be an integer from 1 to
//! 1000, form and query encodings must decode to UTF-8, and typed parameters must parse (400, code 20001). Each
//! error's message names the parameter or the limit. The crate's README has the full table.
//!
//! The same base URL answers every operation of Chat v3 (`spec/chat-v3.json`) and Conversations v1
//! (`spec/conversations-v1.json`) over the same records, as Twilio maps them: a Chat service is a Conversations
//! service, a private channel is a conversation with the same SID (public channels are not, until Chat v3 makes them
//! private), a member is a participant, messages keep their SIDs and indexes (`author` is `from`), and users, roles,
//! credentials and push bindings are shared. Account-level Conversations resources live in the default conversation
//! service of `/v1/Configuration`, made on first use. SMS and WhatsApp participants keep their `messaging_binding`
//! and get delivery receipts (nothing is delivered). Other Conversations resources (configuration addresses,
//! conversation-scoped webhooks) keep records of their own. The crate's README has the mapping table.
//!
//! Webhooks go both ways. Post-events of Chat and Conversations changes made with `X-Twilio-Webhook-Enabled: true`
//! are sent signed to the service's `post_webhook_url` (for Conversations, else to the account's global webhook),
//! and to conversation-scoped webhooks. With [`Config::pre_events_from_rest`], REST changes fire pre-events first,
//! as a client SDK's would: the `pre_webhook_url`'s answer lets the action go ahead, changes it, or refuses it.
//! Every request sent, its answer and what it did are in [`StateHandle::deliveries`].
//!
//! The route tables (paths, SID prefixes, form field mappings, filters) are generated from the descriptions by
//! `cargo xtask codegen` into `src/generated/`; the mapping between products (`src/mapping.rs`), the store and the
//! behaviours a description cannot say (message indexes, member and message counts, unique names, default roles)
//! are written by hand.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let chat = twilio_chat_local::start().await?;
//! let service = chat.client().services().create("Test").await?;
//! assert!(service.sid.starts_with("IS"));
//! assert_eq!(chat.state().records("Service").len(), 1);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod behaviour;
mod body;
mod conversations;
mod deliveries;
mod fault;
mod fields;
mod form;
mod journal;
/// The route tables generated from the descriptions, one module per product.
mod generated {
    #[rustfmt::skip]
    pub(crate) mod chat_v2;
    #[rustfmt::skip]
    pub(crate) mod chat_v3;
    #[rustfmt::skip]
    pub(crate) mod conversations_v1;
}
mod http;
pub mod inspector;
mod list;
mod mapping;
mod media;
mod own;
mod pre_event;
mod product;
mod request;
mod server;
mod settle;
mod shown;
mod state;
mod store;
pub mod table;
mod views;
mod webhook;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crate::http::Shared;
use crate::store::Store;

pub use deliveries::{Delivery, Destination, Outcome, Timing};
pub use fault::Fault;
pub use journal::Answered;
pub use state::StateHandle;
pub use twilio_chat_v2::Client;

/// The post-events of Conversations v1 the service sends, once per kind of change after which each fires.
pub fn conversations_events() -> &'static [table::Event] {
    generated::conversations_v1::EVENTS
}

/// The route table generated from the Chat v2 description: one entry per operation.
pub fn routes() -> &'static [table::Route] {
    generated::chat_v2::ROUTES
}

/// The resources of the Chat v2 description, outermost first: the resources whose records are stored.
pub fn resources() -> &'static [table::Resource] {
    generated::chat_v2::RESOURCES
}

/// The post-events the service sends, from the Chat v2 description: each with the change that fires it.
pub fn events() -> &'static [table::Event] {
    generated::chat_v2::EVENTS
}

/// The route table of Conversations v1, answered over the same records as Chat v2.
pub fn conversations_routes() -> &'static [table::Route] {
    generated::conversations_v1::ROUTES
}

/// The resources of Conversations v1, outermost first.
pub fn conversations_resources() -> &'static [table::Resource] {
    generated::conversations_v1::RESOURCES
}

/// The route table of Chat v3, answered over the same records as Chat v2.
pub fn chat_v3_routes() -> &'static [table::Route] {
    generated::chat_v3::ROUTES
}

/// The credentials the service accepts: an account SID with its auth token, and an API key SID with its secret.
/// `Debug` shows the SIDs only.
#[derive(Clone, PartialEq, Eq)]
pub struct LocalCredentials {
    account_sid: String,
    auth_token: String,
    api_key_sid: String,
    api_key_secret: String,
}

impl LocalCredentials {
    /// A fresh random account SID, auth token, API key SID and secret.
    pub fn generate() -> Self {
        Self {
            account_sid: format!("AC{}", random_hex()),
            auth_token: random_hex(),
            api_key_sid: format!("SK{}", random_hex()),
            api_key_secret: random_hex(),
        }
    }

    /// The given account SID (`AC` and 32 hex digits) and auth token, with a fresh API key and secret.
    pub fn new(account_sid: &str, auth_token: &str) -> Result<Self, Error> {
        let hex = account_sid.get(2..).unwrap_or_default();
        if !account_sid.starts_with("AC")
            || hex.len() != 32
            || !hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(Error(format!(
                "the account SID `{account_sid}` is not `AC` followed by 32 hex digits"
            )));
        }
        if auth_token.is_empty() {
            return Err(Error("the auth token is empty".to_owned()));
        }
        Ok(Self {
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            ..Self::generate()
        })
    }

    /// The account SID.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The auth token of the account.
    pub fn auth_token(&self) -> &str {
        &self.auth_token
    }

    /// The SID of the API key (`SK...`).
    pub fn api_key_sid(&self) -> &str {
        &self.api_key_sid
    }

    /// The secret of the API key.
    pub fn api_key_secret(&self) -> &str {
        &self.api_key_secret
    }

    /// Whether Basic credentials `user:password` are accepted.
    pub fn accepts(&self, user: &str, password: &str) -> bool {
        (user == self.account_sid && password == self.auth_token)
            || (user == self.api_key_sid && password == self.api_key_secret)
    }
}

impl fmt::Debug for LocalCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalCredentials")
            .field("account_sid", &self.account_sid)
            .field("api_key_sid", &self.api_key_sid)
            .finish_non_exhaustive()
    }
}

/// Why the service could not start: a socket that cannot be bound, invalid credentials, a client that cannot be
/// built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The default of [`Config::form_body_limit`]: 1 MiB, generous for Chat requests, whose bodies carry short text
/// fields and JSON attributes.
pub const DEFAULT_FORM_BODY_LIMIT: usize = 1024 * 1024;

/// Options of [`start_with`]; start from [`Config::default`] and set what differs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub bind: SocketAddr,
    /// Credentials to accept (default: generated).
    pub credentials: LocalCredentials,
    /// The most bytes the body of a request other than a media upload may have (default
    /// [`DEFAULT_FORM_BODY_LIMIT`]). A larger body is answered 413 with code 20413 without being read: at once
    /// when its `Content-Length` says so, as soon as it crosses the limit when it is chunked. Media uploads keep
    /// their own limit, the service's `media.size_limit_mb`.
    pub form_body_limit: usize,
    /// Whether changes made through the REST API fire pre-events (default `false`). At Twilio only actions of
    /// client SDKs fire pre-events; REST calls fire post-events alone, and only with
    /// `X-Twilio-Webhook-Enabled: true`. With this switch on, every create, update and delete that has a pre-event
    /// calls the service's `pre_webhook_url` first (when its filters name the event), as an SDK action would: a
    /// 200 answer lets it go ahead, with the fields the reply may change replaced by its JSON; any other answer,
    /// or none within 5 seconds, refuses it. `twilio-chat fake --pre-events-from-rest` turns it on.
    pub pre_events_from_rest: bool,
    /// How long a pre-event's answer is waited for before the action is refused (default 5 seconds, Twilio's
    /// limit).
    pub pre_event_timeout: std::time::Duration,
    /// Whether to serve the [`inspector`] (default `false`): a web page and JSON endpoints showing the records and
    /// the webhook deliveries, on its own port of the main host's IP address ([`LocalChat::inspector_url`]).
    /// `twilio-chat fake` turns it on. Bound to a loopback address it needs no login; bound to any other address
    /// it needs the account's credentials, as the API does.
    pub inspector: bool,
    /// The inspector's port on the main host's address (default 0: a free port, see
    /// [`LocalChat::inspector_url`]); a fixed one keeps a bookmarked page working across restarts.
    pub inspector_port: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: LocalCredentials::generate(),
            form_body_limit: DEFAULT_FORM_BODY_LIMIT,
            pre_events_from_rest: false,
            pre_event_timeout: std::time::Duration::from_secs(5),
            inspector: false,
            inspector_port: 0,
        }
    }
}

/// A running local service. The server stops when the handle is dropped.
#[derive(Debug)]
pub struct LocalChat {
    base_url: String,
    credentials: LocalCredentials,
    client: Client,
    temporary_base_url: String,
    state: StateHandle,
    inspector: Option<(String, inspector::Followers)>,
    /// Dropping it stops both servers: they finish requests in flight and close idle connections.
    _shutdown: tokio::sync::watch::Sender<()>,
}

/// Starts a service on `127.0.0.1` with an ephemeral port and generated credentials.
pub async fn start() -> Result<LocalChat, Error> {
    start_with(Config::default()).await
}

/// Starts a service with the given address and credentials.
pub async fn start_with(config: Config) -> Result<LocalChat, Error> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| Error(format!("cannot listen on {}: {e}", config.bind)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error(format!("cannot read the address of the listener: {e}")))?;
    let base_url = format!("http://{addr}");
    // Temporary content links live on a second host, as Twilio's pre-signed URLs do.
    let temporary_bind = SocketAddr::new(addr.ip(), 0);
    let temporary_listener = tokio::net::TcpListener::bind(temporary_bind)
        .await
        .map_err(|e| Error(format!("cannot listen on {temporary_bind}: {e}")))?;
    let temporary_addr = temporary_listener
        .local_addr()
        .map_err(|e| Error(format!("cannot read the address of the listener: {e}")))?;
    let temporary_base_url = format!("http://{temporary_addr}");
    let seed = u128::from_str_radix(&random_hex(), 16).unwrap_or_default();
    let shared = Arc::new(Shared {
        store: Mutex::new(Store::new(
            base_url.clone(),
            temporary_base_url.clone(),
            config.credentials.account_sid.clone(),
            seed,
        )),
        credentials: config.credentials.clone(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| Error(format!("cannot build the webhook client: {e}")))?,
        faults: Mutex::new(Vec::new()),
        form_body_limit: config.form_body_limit,
        every: Mutex::new(None),
        requests: std::sync::atomic::AtomicU64::new(0),
        journal: Mutex::new(std::collections::VecDeque::new()),
        deliveries: Mutex::new(crate::deliveries::Log::default()),
        pre_events_from_rest: config.pre_events_from_rest,
        pre_event_timeout: config.pre_event_timeout,
        changes: tokio::sync::watch::channel(0).0,
    });
    // The servers stop when the sender, held by the handle, is dropped.
    let (shutdown, stopped) = tokio::sync::watch::channel(());
    // The inspector listens on its own port of the same address.
    let inspector = if config.inspector {
        let bind = SocketAddr::new(addr.ip(), config.inspector_port);
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| Error(format!("cannot listen on {bind}: {e}")))?;
        let inspector_addr = listener
            .local_addr()
            .map_err(|e| Error(format!("cannot read the address of the listener: {e}")))?;
        let followers = inspector::Followers::default();
        let router = inspector::router(
            Arc::clone(&shared),
            inspector::Settings {
                base_url: base_url.clone(),
                open: inspector_addr.ip().is_loopback(),
                followers: followers.clone(),
                stopped: stopped.clone(),
            },
        );
        Some((
            listener,
            router,
            format!("http://{inspector_addr}"),
            followers,
        ))
    } else {
        None
    };
    // Requests that may change records tell the inspector's followers once answered.
    let main = server::router(Arc::clone(&shared)).layer(axum::middleware::from_fn_with_state(
        Arc::clone(&shared),
        notify_changes,
    ));
    let mut servers = vec![
        (listener, main),
        (
            temporary_listener,
            server::temporary_router(Arc::clone(&shared)),
        ),
    ];
    let inspector = inspector.map(|(listener, router, url, followers)| {
        servers.push((listener, router));
        (url, followers)
    });
    for (listener, router) in servers {
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // Serving ends when the handle is dropped (or its runtime shuts down); nobody is left to tell.
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move { while stopped.changed().await.is_ok() {} })
                .await;
        });
    }
    let credentials = twilio_chat_v2::Credentials::auth_token(
        config.credentials.account_sid(),
        config.credentials.auth_token(),
    )
    .map_err(|e| Error(format!("credentials: {e}")))?;
    let client = Client::builder()
        .base_url(base_url.clone())
        .allow_insecure_http(true)
        .credentials(credentials)
        .build()
        .map_err(|e| Error(format!("client: {e}")))?;
    Ok(LocalChat {
        base_url,
        credentials: config.credentials,
        client,
        temporary_base_url,
        state: StateHandle { shared },
        inspector,
        _shutdown: shutdown,
    })
}

impl LocalChat {
    /// The base URL (`http://127.0.0.1:PORT`), to give any client instead of `https://chat.twilio.com`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL of the second host that serves temporary media content links (no credentials).
    pub fn temporary_base_url(&self) -> &str {
        &self.temporary_base_url
    }

    /// The credentials the service accepts.
    pub fn credentials(&self) -> &LocalCredentials {
        &self.credentials
    }

    /// A client of the service, authenticated with the account SID and auth token.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The state: inspect records and seed new ones.
    pub fn state(&self) -> &StateHandle {
        &self.state
    }

    /// The base URL of the [`inspector`] (`http://127.0.0.1:PORT`), when [`Config::inspector`] is on.
    pub fn inspector_url(&self) -> Option<&str> {
        self.inspector.as_ref().map(|(url, _)| url.as_str())
    }

    /// How many clients follow changes through the inspector's `/api/events` right now (open inspector pages):
    /// 0 without the inspector.
    pub fn inspector_followers(&self) -> usize {
        self.inspector
            .as_ref()
            .map_or(0, |(_, followers)| followers.count())
    }
}

/// Answers the request, then tells the inspector's followers when it may have changed records (any method but
/// `GET` and `HEAD`; webhook deliveries are followed apart).
async fn notify_changes(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let reads = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let response = next.run(request).await;
    if !reads {
        shared.changed();
    }
    response
}

/// The lines after the first that [`serve`] prints: which APIs the base URL answers, over which records.
pub fn serve_banner(base_url: &str) -> Vec<String> {
    vec![
        format!("  Chat v2:          {base_url}/v2/Services"),
        format!("  Chat v3:          {base_url}/v3/Services/{{ServiceSid}}/Channels/{{Sid}}"),
        format!("  Conversations v1: {base_url}/v1/Conversations, {base_url}/v1/Services/{{ChatServiceSid}}/..."),
        "  One state: Conversations services are Chat services, conversations are private channels, participants are members; messages, users and roles are shared.".to_owned(),
    ]
}

/// Runs a service with `config` until ctrl-c, after printing its base URL, the inspector's URL when it is on, and
/// the credentials to use.
pub async fn serve(config: Config) -> Result<(), Error> {
    let pre_events = config.pre_events_from_rest;
    let chat = start_with(config).await?;
    // Scripts read the base URL from the end of the first line.
    println!(
        "Local Twilio Chat and Conversations service listening on {}",
        chat.base_url()
    );
    for line in serve_banner(chat.base_url()) {
        println!("{line}");
    }
    if pre_events {
        println!(
            "  Pre-events:       REST creates, updates and deletes call the service's pre_webhook_url first, as a client SDK's would"
        );
    }
    if let Some(url) = chat.inspector_url() {
        println!("Inspector: {url}/");
    }
    println!("TWILIO_ACCOUNT_SID={}", chat.credentials().account_sid());
    println!("TWILIO_AUTH_TOKEN={}", chat.credentials().auth_token());
    println!("TWILIO_API_KEY={}", chat.credentials().api_key_sid());
    println!("TWILIO_API_SECRET={}", chat.credentials().api_key_secret());
    println!("Press ctrl-c to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Error(format!("cannot wait for ctrl-c: {e}")))?;
    // Dropping the handle stops the servers.
    drop(chat);
    Ok(())
}

/// 32 random hex digits from the system's random source.
fn random_hex() -> String {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 16];
    // The system random source does not fail on supported platforms; zeros would still be a valid (if
    // predictable) value for a local service.
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

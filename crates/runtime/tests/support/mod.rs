//! Shared helpers of the integration tests: credentials, a client pointed at a mock server, a recording
//! [`Sleeper`], an [`Observer`] that keeps every exchange, and a capturing `tracing` subscriber.

#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use httpmock::{Mock, MockServer};
use twilio_rest_runtime::{
    Client, ClientBuilder, Credentials, Exchange, Observer, RetryPolicy, Sleeper,
};

pub const AC: &str = "AC0123456789abcdef0123456789abcdef";
pub const SK: &str = "SKfedcba9876543210fedcba9876543210";
pub const SECRET: &str = "Sup3rS3cretT0kenValue";

pub fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

pub fn creds() -> Credentials {
    Credentials::auth_token(AC, SECRET).unwrap()
}

/// Records requested waits instead of sleeping; optionally deletes mocks (one per wait) to script a sequence of
/// responses: the earliest-created matching mock answers, so deleting it lets the next one answer.
#[derive(Default)]
pub struct RecordingSleeper {
    pub waits: Mutex<Vec<Duration>>,
    server: Option<Arc<MockServer>>,
    delete_on_wait: Mutex<Vec<usize>>,
}

impl RecordingSleeper {
    pub fn scripted(server: Arc<MockServer>, mock_ids: Vec<usize>) -> Self {
        Self {
            waits: Mutex::default(),
            server: Some(server),
            delete_on_wait: Mutex::new(mock_ids.into_iter().rev().collect()),
        }
    }

    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

impl std::fmt::Debug for RecordingSleeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingSleeper")
            .field("waits", &self.waits)
            .finish_non_exhaustive()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.waits.lock().unwrap().push(d);
        let next = self.delete_on_wait.lock().unwrap().pop();
        match (self.server.clone(), next) {
            (Some(server), Some(id)) => Box::pin(async move {
                Mock::new(id, &server).delete_async().await;
            }),
            _ => Box::pin(async {}),
        }
    }
}

/// Keeps every exchange.
#[derive(Debug, Default)]
pub struct Recorder(pub Mutex<Vec<Exchange>>);

impl Observer for Recorder {
    fn on_exchange(&self, exchange: &Exchange) {
        self.0.lock().unwrap().push(exchange.clone());
    }
}

impl Recorder {
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.0.lock().unwrap().clone()
    }

    pub fn statuses(&self) -> Vec<Option<u16>> {
        self.exchanges().iter().map(|e| e.status).collect()
    }
}

/// A builder aimed at `server` (http allowed) with auth-token credentials and a sleeper that never sleeps.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder("https://chat.twilio.com")
        .credentials(creds())
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .sleeper(Arc::new(RecordingSleeper::default()))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

pub fn client_without_retries(server: &MockServer) -> Client {
    builder(server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A `tracing` subscriber that writes every span field and event field as `name=value` lines.
#[derive(Debug, Default, Clone)]
pub struct CaptureSubscriber {
    pub lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Visitor<'a>(&'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!("{}={} ", field.name(), value));
    }
}

impl CaptureSubscriber {
    pub fn text(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }
    fn push(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }
}

impl tracing::Subscriber for CaptureSubscriber {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {} ", span.metadata().name());
        span.record(&mut Visitor(&mut line));
        self.push(line);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = String::from("record ");
        values.record(&mut Visitor(&mut line));
        self.push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {} ", event.metadata().target());
        event.record(&mut Visitor(&mut line));
        self.push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// What a [`RawServer`] does with one connection, after reading the request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Close the connection without answering.
    Close,
    /// Write these bytes, then close.
    Bytes(Vec<u8>),
    /// Write this head (status line and headers, ending with the blank line), then chunks of `x` forever (until
    /// the client goes away).
    EndlessChunked(String),
    /// Write these bytes (a head announcing a longer body, and part of that body), wait for the client to read
    /// them, then end the connection: with a reset (`RST`, linger zero) when `reset`, else with a close.
    Cut { bytes: Vec<u8>, reset: bool },
}

impl Reply {
    /// A `200 OK` whose `Content-Length` announces more body than is sent before the connection ends.
    pub fn cut_body(reset: bool) -> Self {
        let body = r#"{"sid": "IS1", "friendly_name": "#;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len() + 100
        );
        Reply::Cut {
            bytes: format!("{head}{body}").into_bytes(),
            reset,
        }
    }

    /// A complete response with a body and `Content-Length`.
    pub fn with_body(status_line: &str, headers: &[(&str, &str)], body: &str) -> Self {
        let mut text = format!(
            "HTTP/1.1 {status_line}\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("connection: close\r\n\r\n");
        text.push_str(body);
        Reply::Bytes(text.into_bytes())
    }
}

/// A loopback HTTP/1.1 server following a script: connection `i` gets `script[i]` (the last entry repeats).
/// Counts connections; stops when dropped.
pub struct RawServer {
    pub base_url: String,
    connections: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub async fn start(script: Vec<Reply>) -> Self {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicU64::new(0));
        let counter = connections.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let index = counter.fetch_add(1, Ordering::SeqCst) as usize;
                let reply = script[index.min(script.len() - 1)].clone();
                tokio::spawn(async move {
                    // Read the head (and a body announced by Content-Length) of one request.
                    let mut seen = Vec::new();
                    let mut buf = [0_u8; 4096];
                    loop {
                        let Ok(n) = socket.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            if seen.len() >= end + 4 + length {
                                break;
                            }
                        }
                    }
                    match reply {
                        Reply::Close => {}
                        Reply::Bytes(bytes) => {
                            let _ = socket.write_all(&bytes).await;
                        }
                        Reply::EndlessChunked(head) => {
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
                            while socket.write_all(chunk.as_bytes()).await.is_ok() {}
                        }
                        Reply::Cut { bytes, reset } => {
                            if socket.write_all(&bytes).await.is_err() {
                                return;
                            }
                            // The head must reach the client before the connection ends, so that the failure
                            // happens while the body is read, not before the response.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            if reset {
                                let _ = socket.set_zero_linger();
                            }
                        }
                    }
                });
            }
        });
        Self {
            base_url,
            connections,
            task,
        }
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// A client for this server: auth-token credentials, http allowed, a sleeper that never sleeps.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder("https://chat.twilio.com")
            .credentials(creds())
            .base_url(self.base_url.clone())
            .allow_insecure_http(true)
            .sleeper(Arc::new(RecordingSleeper::default()))
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

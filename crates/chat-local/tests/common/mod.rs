//! Requests written byte for byte over TCP to the local service (for what reqwest will not send: bad escapes,
//! non-UTF-8 headers, declared lengths with no body), and the check that an answer is Twilio's error JSON.

#![allow(dead_code)]

pub mod receiver;

use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How long a raw exchange may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// An answer read off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The status line and headers, lower-cased.
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, or a failure that shows the answer.
    pub fn json(&self, what: &str) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{what}: the body is not JSON ({e}): {}\n{}",
                self.head,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts a 4xx in Twilio's error shape (`code`, `message`, `more_info`, `status` equal to the HTTP status)
    /// and returns the body.
    pub fn twilio_error(&self, what: &str) -> Value {
        assert!(
            (400..500).contains(&self.status),
            "{what}: expected a 4xx, got {}\n{}",
            self.head,
            String::from_utf8_lossy(&self.body)
        );
        let error = self.json(what);
        check_error(what, self.status, &error);
        error
    }
}

/// Asserts that `error` is Twilio's error JSON for HTTP `status`.
pub fn check_error(what: &str, status: u16, error: &Value) {
    let code = error["code"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}: no numeric code in {error}"));
    assert_eq!(error["status"], status, "{what}: {error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no message in {error}"
    );
    assert_eq!(
        error["more_info"],
        format!("https://www.twilio.com/docs/errors/{code}"),
        "{what}: {error}"
    );
}

/// `host:port` of a base URL.
pub fn address(base_url: &str) -> String {
    base_url.trim_start_matches("http://").to_owned()
}

/// The value of a Basic `Authorization` header.
pub fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// Sends `request` (which should ask for `Connection: close`) and reads the answer until the server closes.
pub async fn exchange(address: &str, request: &[u8]) -> Answer {
    let mut stream = connect(address).await;
    stream.write_all(request).await.expect("write the request");
    read_answer(&mut stream).await
}

/// A connection to `address`.
pub async fn connect(address: &str) -> TcpStream {
    tokio::time::timeout(TIMEOUT, TcpStream::connect(address))
        .await
        .expect("connect in time")
        .expect("connect")
}

/// Reads one answer until the server closes the connection (a reset after the answer counts as closed).
pub async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let read = async {
        let mut buffer = [0u8; 8192];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(TIMEOUT, read)
        .await
        .expect("the server answers and closes in time");
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete answer (did the handler panic?): {:?}",
                String::from_utf8_lossy(bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    Answer {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Uploads `body` as a text file named `filename` to the service's Media Content Service; the new media's SID.
pub async fn upload(
    chat: &twilio_chat_local::LocalChat,
    service: &str,
    filename: &str,
    body: &str,
) -> String {
    let credentials = chat.credentials();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/v1/Services/{service}/Media?Filename={filename}",
            chat.base_url()
        ))
        .basic_auth(credentials.account_sid(), Some(credentials.auth_token()))
        .header("content-type", "text/plain")
        .body(body.to_owned())
        .send()
        .await
        .expect("the upload is answered");
    assert_eq!(answer.status(), 201, "the upload is stored");
    let media: Value = answer.json().await.expect("the upload answers JSON");
    media["sid"]
        .as_str()
        .expect("the media has a SID")
        .to_owned()
}

/// A request to the local service with its credentials (`GET`, `POST` with `form`, or `DELETE`), asking for webhooks
/// when `hooks`: the status and the JSON body (`null` when empty or not JSON).
pub async fn call(
    chat: &twilio_chat_local::LocalChat,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    hooks: bool,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", chat.base_url());
    let request = match method {
        "POST" => http.post(&url).form(form),
        "DELETE" => http.delete(&url),
        _ => http.get(&url),
    };
    let request = if hooks {
        request.header("X-Twilio-Webhook-Enabled", "true")
    } else {
        request
    };
    let credentials = chat.credentials();
    let answer = request
        .basic_auth(credentials.account_sid(), Some(credentials.auth_token()))
        .send()
        .await
        .expect("the local service answers");
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

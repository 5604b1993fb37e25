//! A webhook receiver on 127.0.0.1: it records every request (method, URL as sent, signature, form parameters)
//! and answers each as the test's rule says, after the rule's delay.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::sync::mpsc;

/// One request the receiver got.
#[derive(Debug)]
pub struct Received {
    pub method: Method,
    /// Path and query, as sent.
    pub path: String,
    pub url: String,
    pub signature: String,
    pub params: Vec<(String, String)>,
}

impl Received {
    /// The value of a form parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The answer to a request: status, JSON or text body, and how long to wait before answering.
pub type Rule = fn(&Received) -> (u16, String, Duration);

/// Answers `200` with an empty body at once.
pub fn acknowledge(_: &Received) -> (u16, String, Duration) {
    (200, String::new(), Duration::ZERO)
}

/// Starts a receiver answering by `rule`: its base URL and the requests it gets.
pub async fn receiver(rule: Rule) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let url_base = base.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let url_base = url_base.clone();
            async move {
                let params = url::form_urlencoded::parse(&body).into_owned().collect();
                let signature = headers
                    .get("x-twilio-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let received = Received {
                    method,
                    path: uri.to_string(),
                    url: format!("{url_base}{uri}"),
                    signature,
                    params,
                };
                let (status, body, delay) = rule(&received);
                let _ = tx.send(received);
                tokio::time::sleep(delay).await;
                (StatusCode::from_u16(status).unwrap(), body)
            }
        },
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, rx)
}

/// The next request, failing the test after 5 seconds.
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a webhook within 5 s")
        .unwrap()
}

/// Fails when a request arrives within 200 ms.
pub async fn nothing_more(rx: &mut mpsc::UnboundedReceiver<Received>) {
    if let Ok(Some(extra)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
        panic!("unexpected webhook: {extra:?}");
    }
}

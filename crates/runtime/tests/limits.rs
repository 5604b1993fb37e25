//! Response size limits against loopback servers: oversized success bodies (announced or streamed), an endless
//! chunked body, oversized error bodies, per-request overrides and the observer's capped copy.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::Value;
use support::*;
use twilio_rest_runtime::{
    DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_MAX_RESPONSE_BYTES, ErrorKind, Method, Request,
    RequestOptions,
};

const MIB: u64 = 1024 * 1024;

fn fetch() -> Request {
    Request::new(Method::GET, "FetchService", "/v2/Services/IS1".into())
}

/// A JSON document of about `bytes` bytes: one long string.
fn big_json(bytes: usize) -> String {
    format!("\"{}\"", "a".repeat(bytes))
}

#[tokio::test]
async fn oversized_success_body_fails_naming_the_limit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(200)
                .header("content-type", "application/json")
                .header("Twilio-Request-Id", "RQ123")
                .body(big_json(2 * MIB as usize));
        })
        .await;
    let client = builder(&server).max_response_bytes(MIB).build().unwrap();
    let err = client.execute::<Value>(fetch()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
    assert_eq!(err.size_limit(), Some(MIB));
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("RQ123"));
    assert_eq!(
        err.to_string(),
        "FetchService: the response body exceeds the limit of 1048576 bytes (max_response_bytes)"
    );

    // The same body within the default limit is accepted.
    const { assert!(MIB * 2 < DEFAULT_MAX_RESPONSE_BYTES) };
    let value: Value = builder(&server)
        .build()
        .unwrap()
        .execute(fetch())
        .await
        .unwrap();
    assert_eq!(value.as_str().map(str::len), Some(2 * MIB as usize));
}

#[tokio::test]
async fn request_options_override_the_client_limit() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(200).body(big_json(100));
        })
        .await;
    let client = builder(&server).max_response_bytes(50).build().unwrap();
    let err = client.execute::<Value>(fetch()).await.unwrap_err();
    assert_eq!(err.size_limit(), Some(50));
    let wider = fetch().options(RequestOptions::new().max_response_bytes(1000));
    client.execute::<Value>(wider).await.unwrap();
    let narrower = fetch().options(RequestOptions::new().max_response_bytes(10));
    let err = builder(&server)
        .build()
        .unwrap()
        .execute::<Value>(narrower)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(err.size_limit(), Some(10));
}

#[tokio::test]
async fn endless_chunked_body_stops_at_the_limit_not_the_timeout() {
    let server = RawServer::start(vec![Reply::EndlessChunked(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned(),
    )])
    .await;
    let client = server
        .builder()
        .max_response_bytes(4 * MIB)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute::<Value>(fetch()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
    assert_eq!(err.size_limit(), Some(4 * MIB));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn oversized_error_body_is_cut_and_keeps_status() {
    // An error body that never ends: only its first bytes are read, and the error keeps the status.
    let server = RawServer::start(vec![Reply::EndlessChunked(
        "HTTP/1.1 500 Internal Server Error\r\ntwilio-request-id: RQ500\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned(),
    )])
    .await;
    let client = server
        .builder()
        .retry_policy(twilio_rest_runtime::RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute::<Value>(fetch()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.request_id(), Some("RQ500"));
    let snippet = err
        .api_error()
        .and_then(|a| a.body_snippet.clone())
        .unwrap();
    assert!(
        snippet.starts_with("xxxx") && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!(err.to_string().len() < 700, "{}", err.to_string().len());

    // An announced error body above the error limit: the excerpt is still read, the rest is not.
    let announced = 100 * DEFAULT_MAX_ERROR_BODY_BYTES;
    let head = format!(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-length: {announced}\r\n\r\n{}",
        "<html>".repeat(20_000)
    );
    let server = RawServer::start(vec![Reply::Bytes(head.into_bytes())]).await;
    let client = server
        .builder()
        .retry_policy(twilio_rest_runtime::RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let err = client.execute::<Value>(fetch()).await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert!(err.to_string().contains("<html><html>"), "{err}");
}

#[tokio::test]
async fn observers_get_a_capped_copy() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(200).body(big_json(300 * 1024));
        })
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server)
        .observer(recorder.clone())
        .max_observed_body_bytes(1024)
        .build()
        .unwrap();
    let value: Value = client.execute(fetch()).await.unwrap();
    assert_eq!(value.as_str().map(str::len), Some(300 * 1024));
    let body = recorder.exchanges()[0].response_body.clone().unwrap();
    assert!(
        body.ends_with("…[truncated]"),
        "{}",
        &body[body.len() - 40..]
    );
    assert_eq!(body.len(), 1024 + "…[truncated]".len());
}

//! The retry loop against a mock server, with a recording sleeper instead of real waits: exact attempt counts,
//! `Retry-After` (seconds and HTTP dates) and its cap, backoff bounds, method rules and per-request overrides.

mod support;

use std::sync::Arc;
use std::time::Duration;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::{
    Client, ErrorKind, Method, Params, Request, RequestOptions, RetryPolicy,
};

fn get(path: &str) -> Request {
    Request::new(Method::GET, "FetchService", path.into())
}

fn post(path: &str) -> Request {
    let mut form = Params::new();
    form.push("FriendlyName", "x");
    Request::new(Method::POST, "CreateService", path.into()).form(form)
}

fn with_sleeper(
    server: &MockServer,
    sleeper: Arc<RecordingSleeper>,
    policy: RetryPolicy,
) -> Client {
    builder(server)
        .sleeper(sleeper)
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn retry_after_429_then_success() {
    let server = Arc::new(MockServer::start_async().await);
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(429)
                .header("Retry-After", "2")
                .json_body(json!({"code": 20429, "message": "Too Many Requests"}));
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(200).json_body(json!({"sid": "IS1"}));
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::scripted(server.clone(), vec![limited.id]));
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server)
        .sleeper(sleeper.clone())
        .observer(recorder.clone())
        .build()
        .unwrap();
    let value: Value = client.execute(get("/v2/Services/IS1")).await.unwrap();
    assert_eq!(value["sid"], "IS1");
    assert_eq!(recorder.statuses(), [Some(429), Some(200)]);
    assert_eq!(
        recorder
            .exchanges()
            .iter()
            .map(|e| e.attempt)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(sleeper.waits(), [Duration::from_secs(2)]);
    ok.assert_calls_async(1).await;
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start_async().await;
    // A date in the past means "retry now".
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(503)
                .header("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT");
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let err = with_sleeper(&server, sleeper.clone(), RetryPolicy::new())
        .execute::<Value>(get("/x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    mock.assert_calls_async(3).await;
    assert_eq!(sleeper.waits(), [Duration::ZERO, Duration::ZERO]);
}

#[tokio::test]
async fn server_errors_503_exhaust_attempts_with_bounded_backoff() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(503).body("Service Unavailable");
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let err = with_sleeper(&server, sleeper.clone(), RetryPolicy::new())
        .execute::<Value>(get("/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(503));
    mock.assert_calls_async(3).await;
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 2);
    assert!(waits[0] <= Duration::from_millis(500), "{waits:?}");
    assert!(waits[1] <= Duration::from_millis(1000), "{waits:?}");

    // The exponential ceiling is capped by max_backoff.
    let sleeper = Arc::new(RecordingSleeper::default());
    let policy = RetryPolicy::new()
        .max_attempts(6)
        .initial_backoff(Duration::from_secs(4))
        .max_backoff(Duration::from_secs(5));
    let _ = with_sleeper(&server, sleeper.clone(), policy)
        .execute::<Value>(get("/x"))
        .await;
    mock.assert_calls_async(9).await;
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 5);
    assert!(
        waits.iter().all(|w| *w <= Duration::from_secs(5)),
        "{waits:?}"
    );
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(500)
                .json_body(json!({"code": 20500, "message": "Internal"}));
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let err = with_sleeper(&server, sleeper.clone(), RetryPolicy::new())
        .execute::<Value>(get("/x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20500));
    mock.assert_calls_async(1).await;
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn retry_after_above_cap_returns_the_error_without_waiting() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(429)
                .header("Retry-After", "120")
                .json_body(json!({"code": 20429, "message": "Too Many Requests"}));
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let err = with_sleeper(&server, sleeper.clone(), RetryPolicy::new())
        .execute::<Value>(get("/x"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    mock.assert_calls_async(1).await;
    assert!(sleeper.waits().is_empty());

    // A larger cap lets it wait.
    let sleeper = Arc::new(RecordingSleeper::default());
    let policy = RetryPolicy::new()
        .max_retry_after(Duration::from_secs(120))
        .max_attempts(2);
    let _ = with_sleeper(&server, sleeper.clone(), policy)
        .execute::<Value>(get("/x"))
        .await;
    mock.assert_calls_async(3).await;
    assert_eq!(sleeper.waits(), [Duration::from_secs(120)]);
}

#[tokio::test]
async fn post_is_retried_only_when_allowed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).body("FriendlyName=x");
            then.status(503);
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = with_sleeper(&server, sleeper.clone(), RetryPolicy::new());
    let err = client
        .execute::<Value>(post("/v2/Services"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    mock.assert_calls_async(1).await;

    // Per request.
    let _ = client
        .execute::<Value>(
            post("/v2/Services").options(RequestOptions::new().retry_non_idempotent(true)),
        )
        .await;
    mock.assert_calls_async(4).await;

    // Per client, and the request can still forbid it.
    let client = with_sleeper(
        &server,
        sleeper.clone(),
        RetryPolicy::new().retry_non_idempotent(true),
    );
    let _ = client.execute::<Value>(post("/v2/Services")).await;
    mock.assert_calls_async(7).await;
    let _ = client
        .execute::<Value>(
            post("/v2/Services").options(RequestOptions::new().retry_non_idempotent(false)),
        )
        .await;
    mock.assert_calls_async(8).await;
    assert_eq!(sleeper.waits().len(), 4);
}

#[tokio::test]
async fn max_attempts_per_client_and_per_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/x");
            then.status(429);
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = with_sleeper(&server, sleeper.clone(), RetryPolicy::new().max_attempts(5));
    let _ = client.execute::<Value>(get("/x")).await;
    mock.assert_calls_async(5).await;
    let _ = client
        .execute::<Value>(get("/x").options(RequestOptions::new().max_attempts(2)))
        .await;
    mock.assert_calls_async(7).await;
    let _ = client
        .execute_empty(
            Request::new(Method::DELETE, "DeleteService", "/x".into())
                .options(RequestOptions::new().max_attempts(1)),
        )
        .await;
    mock.assert_calls_async(8).await;
    let client = with_sleeper(&server, sleeper.clone(), RetryPolicy::none());
    let _ = client.execute::<Value>(get("/x")).await;
    mock.assert_calls_async(9).await;
    assert_eq!(sleeper.waits().len(), 4 + 1);
}

#[tokio::test]
async fn delete_is_retried_like_get() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::DELETE);
            then.status(503);
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let err = with_sleeper(&server, sleeper, RetryPolicy::new())
        .execute_empty(Request::new(Method::DELETE, "DeleteService", "/x".into()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn connection_failures_are_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let sleeper = Arc::new(RecordingSleeper::default());
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder("https://chat.twilio.com")
        .credentials(creds())
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_insecure_http(true)
        .sleeper(sleeper.clone())
        .observer(recorder.clone())
        .build()
        .unwrap();
    let err = client.execute::<Value>(get("/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(
        err.to_string()
            .starts_with("FetchService: could not connect"),
        "{err}"
    );
    assert_eq!(recorder.exchanges().len(), 3);
    assert_eq!(sleeper.waits().len(), 2);

    // POST too: nothing reached the server, so a retry cannot repeat its effect.
    let err = client.execute::<Value>(post("/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(recorder.exchanges().len(), 6);
    assert_eq!(sleeper.waits().len(), 4);
}

fn ok_reply() -> Reply {
    Reply::with_body(
        "200 OK",
        &[("content-type", "application/json")],
        r#"{"sid": "IS1"}"#,
    )
}

#[tokio::test]
async fn idempotent_requests_are_retried_when_the_connection_closes_before_a_response() {
    let server = RawServer::start(vec![Reply::Close, ok_reply()]).await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = server.builder().sleeper(sleeper.clone()).build().unwrap();
    let value: Value = client.execute(get("/v2/Services/IS1")).await.unwrap();
    assert_eq!(value["sid"], "IS1");
    assert_eq!(server.connections(), 2);
    assert_eq!(sleeper.waits().len(), 1);
}

#[tokio::test]
async fn post_is_not_repeated_when_the_connection_closes_after_sending() {
    let server = RawServer::start(vec![Reply::Close, ok_reply()]).await;
    let client = server.builder().build().unwrap();
    let err = client
        .execute::<Value>(post("/v2/Services"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(server.connections(), 1);
    // Allowed per request, it is repeated.
    let server = RawServer::start(vec![Reply::Close, ok_reply()]).await;
    let client = server.builder().build().unwrap();
    let allowed = post("/v2/Services").options(RequestOptions::new().retry_non_idempotent(true));
    client.execute::<Value>(allowed).await.unwrap();
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn get_is_retried_when_the_connection_ends_while_the_body_is_read() {
    for reset in [true, false] {
        let server = RawServer::start(vec![Reply::cut_body(reset), ok_reply()]).await;
        let sleeper = Arc::new(RecordingSleeper::default());
        let client = server.builder().sleeper(sleeper.clone()).build().unwrap();
        let value: Value = client.execute(get("/v2/Services/IS1")).await.unwrap();
        assert_eq!(value["sid"], "IS1", "reset: {reset}");
        assert_eq!(server.connections(), 2, "reset: {reset}");
        assert_eq!(sleeper.waits().len(), 1, "reset: {reset}");
    }
    // Within the attempt budget: three cut-off answers end the call with the last failure.
    let server = RawServer::start(vec![Reply::cut_body(true)]).await;
    let err = server
        .builder()
        .build()
        .unwrap()
        .execute::<Value>(get("/v2/Services/IS1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.status(), Some(200), "{err}");
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn post_is_not_repeated_when_the_connection_ends_while_the_body_is_read() {
    for reset in [true, false] {
        let server = RawServer::start(vec![Reply::cut_body(reset), ok_reply()]).await;
        let client = server.builder().build().unwrap();
        let err = client
            .execute::<Value>(post("/v2/Services"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "reset: {reset}: {err}");
        assert_eq!(err.status(), Some(200), "reset: {reset}: {err}");
        assert!(
            err.to_string()
                .starts_with("CreateService: could not read the response body"),
            "reset: {reset}: {err}"
        );
        assert_eq!(server.connections(), 1, "reset: {reset}");
    }
    // Allowed per request, it is repeated.
    let server = RawServer::start(vec![Reply::cut_body(true), ok_reply()]).await;
    let allowed = post("/v2/Services").options(RequestOptions::new().retry_non_idempotent(true));
    let value: Value = server
        .builder()
        .build()
        .unwrap()
        .execute(allowed)
        .await
        .unwrap();
    assert_eq!(value["sid"], "IS1");
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn any_method_is_retried_on_429() {
    let server = Arc::new(MockServer::start_async().await);
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/Services");
            then.status(429)
                .header("Retry-After", "1")
                .json_body(json!({"code": 20429, "message": "Too Many Requests"}));
        })
        .await;
    let created = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/Services");
            then.status(201).json_body(json!({"sid": "IS1"}));
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::scripted(server.clone(), vec![limited.id]));
    let client = with_sleeper(&server, sleeper.clone(), RetryPolicy::new());
    let value: Value = client.execute(post("/v2/Services")).await.unwrap();
    assert_eq!(value["sid"], "IS1");
    assert_eq!(sleeper.waits(), [Duration::from_secs(1)]);
    created.assert_calls_async(1).await;
}

#[tokio::test]
async fn retry_after_in_every_http_date_form() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = chrono::DateTime::from_timestamp(i64::try_from(now).unwrap() + 20, 0).unwrap();
    for value in [
        at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        at.format("%A, %d-%b-%y %H:%M:%S GMT").to_string(),
        at.format("%a %b %e %H:%M:%S %Y").to_string(),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET);
                then.status(503).header("Retry-After", value.as_str());
            })
            .await;
        let sleeper = Arc::new(RecordingSleeper::default());
        let err = with_sleeper(&server, sleeper.clone(), RetryPolicy::new().max_attempts(2))
            .execute::<Value>(get("/x"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        let waits = sleeper.waits();
        assert_eq!(waits.len(), 1, "{value}");
        assert!(
            (Duration::from_secs(17)..=Duration::from_secs(20)).contains(&waits[0]),
            "{value}: {waits:?}"
        );
    }
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/slow");
            then.status(503).delay(Duration::from_millis(400));
        })
        .await;
    let sleeper = Arc::new(RecordingSleeper::default());
    let policy = RetryPolicy::new()
        .max_attempts(10)
        .initial_backoff(Duration::ZERO);
    let client = with_sleeper(&server, sleeper.clone(), policy.clone());
    let started = std::time::Instant::now();
    let err = client
        .execute::<Value>(
            get("/slow").options(RequestOptions::new().deadline(Duration::from_millis(1000))),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("deadline"), "{err}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // Attempts of 400 ms each within 1 s: the third (or, on a slow machine, the second) is cut by the deadline.
    let calls = slow.calls_async().await;
    assert!((2..=3).contains(&calls), "{calls} attempts");

    // Per client; a Retry-After that ends past the deadline is not waited for.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/limited");
            then.status(429).header("Retry-After", "5");
        })
        .await;
    let client = with_sleeper(
        &server,
        sleeper.clone(),
        policy.deadline(Duration::from_secs(2)),
    );
    let err = client.execute::<Value>(get("/limited")).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(sleeper.waits().len(), 2, "{:?}", sleeper.waits());
}

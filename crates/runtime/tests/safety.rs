//! What a hostile or broken server cannot do: make errors and observer records carry credentials, forged log
//! lines or megabytes of text; make a caller-supplied HTTP client follow a redirect; or turn a hand-built path
//! into another resource through the URL parser.

mod support;

use std::sync::Arc;

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::{ErrorKind, Method, Request, RetryPolicy};

fn fetch(path: &str) -> Request {
    Request::new(Method::GET, "FetchService", path.into())
}

/// Asserts a text is safe to log: no secret, no credential, one line, bounded.
fn assert_safe(what: &str, text: &str, max_len: usize) {
    let basic_value = basic(AC, SECRET);
    let encoded = basic_value.trim_start_matches("Basic ");
    assert!(!text.contains(SECRET), "{what} has the secret: {text}");
    assert!(!text.contains(encoded), "{what} has the credential: {text}");
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "{what} spans lines: {text}"
    );
    assert!(text.len() <= max_len, "{what} is {} bytes long", text.len());
}

#[tokio::test]
async fn server_text_in_errors_is_redacted_bounded_and_on_one_line() {
    let server = MockServer::start_async().await;
    let echoed = format!(
        "echo: Authorization: {}\r\n2026-01-01 INFO forged log line\nmy token is {SECRET} {}",
        basic(AC, SECRET),
        "a".repeat(50_000)
    );
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(400).json_body(json!({
                "code": 20001,
                "message": echoed,
                "more_info": format!("https://x/{SECRET}\n"),
                "details": {"request": {"headers": {"Authorization": basic(AC, SECRET)}}}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS2");
            then.status(502).body(format!(
                "<pre>GET /v2/Services/IS2\r\nauthorization: {}\r\n\r\n</pre>",
                basic(AC, SECRET)
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS3");
            then.status(200)
                .json_body(json!({"n": format!("{SECRET}\nforged")}));
        })
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server)
        .observer(recorder.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let err = client
        .execute::<Value>(fetch("/v2/Services/IS1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20001));
    assert_safe("Display", &err.to_string(), 2_200);
    assert_safe("Debug", &format!("{err:?}"), 6_000);
    assert!(err.to_string().contains("[redacted]"), "{err}");
    assert!(
        err.to_string().contains("\\r\\n2026-01-01 INFO forged"),
        "{err}"
    );
    assert_safe("message", err.message().unwrap_or_default(), 1_100);
    assert_safe(
        "details",
        &err.details().map(Value::to_string).unwrap_or_default(),
        2_000,
    );

    let err = client
        .execute::<Value>(fetch("/v2/Services/IS2"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_safe("Display of a non-JSON body", &err.to_string(), 700);

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Numbered {
        n: u32,
    }
    let err = client
        .execute::<Numbered>(fetch("/v2/Services/IS3"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_safe("Display of a decode error", &err.to_string(), 700);

    for exchange in recorder.exchanges() {
        let body = exchange.response_body.unwrap_or_default();
        assert!(!body.contains(SECRET), "observer body has the secret");
        assert!(
            !body.contains(basic(AC, SECRET).trim_start_matches("Basic ")),
            "observer body has the credential"
        );
    }
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.method(GET).path("/elsewhere");
            then.status(200).json_body(json!({"sid": "IS9"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1");
            then.status(302).header("Location", "/elsewhere");
        })
        .await;
    let no_retry = || builder(&server).retry_policy(RetryPolicy::none());

    // The runtime's own client, and one built from a caller's builder: the 302 is the answer.
    for client in [
        no_retry().build().unwrap(),
        no_retry()
            .http_client_builder(reqwest::Client::builder())
            .build()
            .unwrap(),
    ] {
        let err = client
            .execute::<Value>(fetch("/v2/Services/IS1"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(302), "{err}");
    }
    elsewhere.assert_calls_async(0).await;

    // A ready-made client that follows redirects: the answer from elsewhere is refused.
    let client = no_retry()
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client
        .execute::<Value>(fetch("/v2/Services/IS1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("followed a redirect"), "{err}");
}

#[tokio::test]
async fn paths_are_checked_as_the_url_parser_sees_them() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = client(&server);
    for path in [
        "/v2/Services/%2e%2e/Credentials",
        "/v2/Services/%2E%2e",
        "/v2/Services/.%2e/x",
        "/v2/Services/%2e/x",
        "/v2/Services\\..\\Credentials",
        "/v2/Services/IS1\\x",
        "/v2/Ser\tvices/IS1",
        "/v2/Services/IS1\n/Channels",
        "/v2/Services/IS1\r",
    ] {
        let err = client.execute::<Value>(fetch(path)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{path:?}: {err}");
        assert!(!err.to_string().contains('\n'), "{err}");
    }
    any.assert_calls_async(0).await;
    // Dots inside a segment and encoded slashes stay allowed.
    client
        .execute::<Value>(fetch("/v2/Services/a.b..c/x%2Fy"))
        .await
        .unwrap();
    any.assert_calls_async(1).await;
}

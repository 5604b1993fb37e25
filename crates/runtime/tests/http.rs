//! Requests on the wire against a mock server: authentication, headers, encoding, URL rules, errors, timeouts and
//! secret redaction.

mod support;

use std::sync::Arc;
use std::time::Duration;

use httpmock::Method::{DELETE, GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::{
    Client, Credentials, ErrorKind, Method, Params, Request, RequestOptions, RetryPolicy,
    encode_path_segment,
};

fn user_agent() -> String {
    format!(
        "twilio-rest-runtime/{} ({} {}) Rust",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

#[tokio::test]
async fn basic_auth_with_auth_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1")
                .header("authorization", basic(AC, SECRET));
            then.status(200).json_body(json!({"sid": "IS1"}));
        })
        .await;
    let value: Value = client(&server)
        .execute(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS1".into(),
        ))
        .await
        .unwrap();
    assert_eq!(value["sid"], "IS1");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn basic_auth_with_api_key() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services")
                .header("authorization", basic(SK, SECRET));
            then.status(200)
                .json_body(json!({"services": [], "meta": {"key": "services"}}));
        })
        .await;
    let client = builder(&server)
        .credentials(Credentials::api_key(AC, SK, SECRET).unwrap())
        .build()
        .unwrap();
    assert_eq!(client.account_sid(), AC);
    let page = client
        .execute_page::<Value>(Request::new(
            Method::GET,
            "ListService",
            "/v2/Services".into(),
        ))
        .await
        .unwrap();
    assert!(page.records.is_empty());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn post_sends_standard_headers_and_form_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/Services/IS1/Roles")
                .header("accept", "application/json")
                .header("accept-charset", "utf-8")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("user-agent", format!("{} my-app/1.0 extra", user_agent()))
                .header("x-twilio-webhook-enabled", "true")
                .body(
                    "FriendlyName=Room%20%231%20%2B%20more&Type=channel&Permission=sendMessage&Permission=leaveChannel\
                     &Notifications.NewMessage.Enabled=true&DateCreated=2024-01-02T03%3A04%3A05Z",
                );
            then.status(201).json_body(json!({"sid": "RL1"}));
        })
        .await;
    let client = builder(&server)
        .user_agent_extension("my-app/1.0")
        .user_agent_extension("extra")
        .build()
        .unwrap();
    let mut form = Params::new();
    form.push("FriendlyName", "Room #1 + more");
    form.push("Type", "channel");
    form.push_each("Permission", ["sendMessage", "leaveChannel"]);
    form.push("Notifications.NewMessage.Enabled", true);
    form.push_opt::<&str>("Unset", None);
    form.push(
        "DateCreated",
        twilio_rest_runtime::Timestamp::parse("2024-01-02T05:04:05+02:00").unwrap(),
    );
    let created: Value = client
        .execute(
            Request::new(Method::POST, "CreateRole", "/v2/Services/IS1/Roles".into())
                .form(form)
                .header("X-Twilio-Webhook-Enabled", "true"),
        )
        .await
        .unwrap();
    assert_eq!(created["sid"], "RL1");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn delete_sends_webhook_header_and_accepts_204() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/v2/Services/IS1/Channels/CH1")
                .header("x-twilio-webhook-enabled", "false")
                .header_missing("content-type");
            then.status(204);
        })
        .await;
    client(&server)
        .execute_empty(
            Request::new(
                Method::DELETE,
                "DeleteChannel",
                "/v2/Services/IS1/Channels/CH1".into(),
            )
            .header("X-Twilio-Webhook-Enabled", "false"),
        )
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn json_body_and_query_encoding() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/Content")
                .query_param("Identity", "a b+c")
                .query_param("Flag", "false")
                .header("content-type", "application/json")
                .json_body(json!({"friendly_name": "x", "types": {"twilio/text": {"body": "hi"}}}));
            then.status(200).json_body(json!({"ok": true}));
        })
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server).observer(recorder.clone()).build().unwrap();
    let mut query = Params::new();
    query.push("Identity", "a b+c");
    query.push("Flag", false);
    let _: Value = client
        .execute(
            Request::new(Method::POST, "CreateContent", "/v1/Content".into())
                .query(query)
                .json(json!({"friendly_name": "x", "types": {"twilio/text": {"body": "hi"}}})),
        )
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 1);
    assert!(
        exchanges[0]
            .url
            .ends_with("/v1/Content?Identity=a%20b%2Bc&Flag=false"),
        "{}",
        exchanges[0].url
    );
    assert_eq!(exchanges[0].operation, "CreateContent");
    assert_eq!(exchanges[0].method, "POST");
    assert_eq!(exchanges[0].attempt, 1);
    assert_eq!(exchanges[0].status, Some(200));
    assert_eq!(
        exchanges[0].request_body.as_deref(),
        Some(r#"{"friendly_name":"x","types":{"twilio/text":{"body":"hi"}}}"#)
    );
    assert_eq!(
        exchanges[0].response_body.as_deref(),
        Some(r#"{"ok":true}"#)
    );
    assert!(
        exchanges[0]
            .request_headers
            .contains(&("content-type".into(), "application/json".into()))
    );
    assert!(exchanges[0].error.is_none());
}

#[tokio::test]
async fn path_segments_are_encoded_on_the_wire() {
    let server = MockServer::start_async().await;
    let recorder = Arc::new(Recorder::default());
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path_includes("/v2/Services/IS1/Users/");
            then.status(200).json_body(json!({"identity": "a#b/c d"}));
        })
        .await;
    let client = builder(&server).observer(recorder.clone()).build().unwrap();
    let path = format!("/v2/Services/IS1/Users/{}", encode_path_segment("a#b/c d"));
    let user: Value = client
        .execute(Request::new(Method::GET, "FetchUser", path))
        .await
        .unwrap();
    assert_eq!(user["identity"], "a#b/c d");
    mock.assert_calls_async(1).await;
    let url = &recorder.exchanges()[0].url;
    assert!(
        url.ends_with("/v2/Services/IS1/Users/a%23b%2Fc%20d"),
        "{url}"
    );
}

#[tokio::test]
async fn http_base_url_refused_without_opt_in() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let err = Client::builder("https://chat.twilio.com")
        .credentials(creds())
        .base_url(server.base_url())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("http://"), "{err}");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn twilio_error_document() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(404).json_body(json!({
                "code": 20404,
                "message": "The requested resource /v2/Services/IS9 was not found",
                "more_info": "https://www.twilio.com/docs/errors/20404",
                "status": 404,
                "details": {"hint": "check the SID"}
            }));
        })
        .await;
    let err = client(&server)
        .execute::<Value>(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS9".into(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.operation(), Some("FetchService"));
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some(20404));
    assert!(err.is_not_found());
    assert_eq!(
        err.message(),
        Some("The requested resource /v2/Services/IS9 was not found")
    );
    assert_eq!(
        err.more_info(),
        Some("https://www.twilio.com/docs/errors/20404")
    );
    assert_eq!(err.details(), Some(&json!({"hint": "check the SID"})));
    assert_eq!(
        err.to_string(),
        "FetchService: HTTP 404: The requested resource /v2/Services/IS9 was not found \
         (code 20404, see https://www.twilio.com/docs/errors/20404)"
    );
}

#[tokio::test]
async fn non_json_error_bodies() {
    let server = MockServer::start_async().await;
    let long_html = format!("<html><body>{}</body></html>", "é".repeat(1000));
    server
        .mock_async(|when, then| {
            when.path("/html");
            then.status(500)
                .header("content-type", "text/html")
                .body(long_html.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/empty");
            then.status(502);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/truncated");
            then.status(500)
                .body(r#"{"code": 20500, "message": "Intern"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/auth");
            then.status(401)
                .json_body(json!({"code": 20003, "message": "Authenticate", "status": 401}));
        })
        .await;
    let client = client(&server);
    let fetch = |path: &str| client.execute::<Value>(Request::new(Method::GET, "Op", path.into()));

    let err = fetch("/html").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.code(), None);
    let snippet = err
        .api_error()
        .and_then(|a| a.body_snippet.clone())
        .unwrap();
    assert!(snippet.starts_with("<html><body>é"));
    assert!(
        snippet.chars().count() <= 513,
        "{}",
        snippet.chars().count()
    );
    assert!(err.to_string().len() < 1200);

    let err = fetch("/empty").await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.to_string(), "Op: HTTP 502: empty response body");

    let err = fetch("/truncated").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.code(), None);
    assert!(
        err.to_string()
            .contains(r#"{"code": 20500, "message": "Intern"#),
        "{err}"
    );

    let err = fetch("/auth").await.unwrap_err();
    assert!(err.is_auth_error());
    assert_eq!(err.code(), Some(20003));
}

#[tokio::test]
async fn decode_errors_name_operation_and_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Service {
        sid: String,
        limits: Limits,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Limits {
        channel_members: u32,
    }
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/Services/IS1");
            then.status(200)
                .json_body(json!({"sid": "IS1", "limits": {"channel_members": "lots"}}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/Services/IS2");
            then.status(200).body(r#"{"sid": "IS2", "lim"#);
        })
        .await;
    let client = client(&server);
    let err = client
        .execute::<Service>(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS1".into(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.decode_path(), Some("limits.channel_members"));
    assert!(
        err.to_string()
            .starts_with("FetchService: could not decode the response at `limits.channel_members`"),
        "{err}"
    );
    let err = client
        .execute::<Service>(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS2".into(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn per_request_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/slow");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(json!({}));
        })
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server).observer(recorder.clone()).build().unwrap();
    let err = client
        .execute::<Value>(
            Request::new(Method::GET, "Slow", "/slow".into())
                .options(RequestOptions::new().timeout(Duration::from_millis(50))),
        )
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.operation(), Some("Slow"));
    // Timeouts are not retried: the request may have been processed.
    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 1);
    assert!(exchanges[0].error.is_some());

    // The client-wide timeout applies when the request sets none.
    let client = builder(&server)
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = client
        .execute::<Value>(Request::new(Method::GET, "Slow", "/slow".into()))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn invalid_header_value_is_rejected_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let err = client(&server)
        .execute_empty(
            Request::new(Method::GET, "Op", "/x".into()).header("X-Custom", "a\r\nInjected: 1"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn secrets_never_leak() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/Services/IS1");
            then.status(200).json_body(json!({"sid": "IS1"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/Services/IS2");
            then.status(403)
                .json_body(json!({"code": 20003, "message": "Authenticate"}));
        })
        .await;
    let capture = CaptureSubscriber::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let recorder = Arc::new(Recorder::default());
    let builder = builder(&server)
        .credentials(Credentials::api_key(AC, SK, SECRET).unwrap())
        .observer(recorder.clone());
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let _: Value = client
        .execute(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS1".into(),
        ))
        .await
        .unwrap();
    let err = client
        .execute::<Value>(Request::new(
            Method::GET,
            "FetchService",
            "/v2/Services/IS2".into(),
        ))
        .await
        .unwrap_err();
    // A transport error too (nothing listens on port 9 of 127.0.0.1... or it refuses).
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = Client::builder("https://chat.twilio.com")
        .credentials(Credentials::auth_token(AC, SECRET).unwrap())
        .base_url(format!("http://127.0.0.1:{closed}"))
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .execute_empty(Request::new(Method::GET, "Op", "/x".into()))
        .await
        .unwrap_err();
    assert_eq!(transport.kind(), ErrorKind::Transport);

    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 2);
    let auth = exchanges[0]
        .request_headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str());
    assert_eq!(auth, Some("[redacted]"));

    let encoded_basic = basic(SK, SECRET);
    let encoded = encoded_basic.trim_start_matches("Basic ");
    let texts = [
        builder_debug,
        format!("{client:?}"),
        format!("{:?}", Credentials::auth_token(AC, SECRET).unwrap()),
        format!("{:?}", Credentials::api_key(AC, SK, SECRET).unwrap()),
        format!(
            "{:?}",
            twilio_rest_runtime::webhook::RequestValidator::new(SECRET)
        ),
        format!("{err} {err:?}"),
        format!("{transport} {transport:?}"),
        format!("{exchanges:?}"),
        capture.text(),
    ];
    for text in &texts {
        assert!(!text.contains(SECRET), "secret leaked in {text}");
        assert!(
            !text.contains(encoded),
            "encoded credentials leaked in {text}"
        );
    }
    let traced = capture.text();
    for expected in [
        "operation=FetchService",
        "method=GET",
        "path=/v2/Services/IS1",
        "attempt=1",
        "status=200",
        "status=403",
    ] {
        assert!(traced.contains(expected), "missing {expected} in\n{traced}");
    }
}

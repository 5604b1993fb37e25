//! Response metadata: status, headers and `Twilio-Request-Id` of successful calls (through the
//! `*_with_response` methods and `Page::response`), and status and request id on every kind of error that
//! follows a response.

mod support;

use httpmock::Method::{DELETE, GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::{ErrorKind, Method, Request};

#[tokio::test]
async fn successful_calls_give_status_headers_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/Services");
            then.status(201)
                .header("Twilio-Request-Id", "RQ0001")
                .header("X-Rate-Remaining", "99")
                .json_body(json!({"sid": "IS1"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/v2/Services/IS1");
            then.status(204).header("Twilio-Request-Id", "RQ0002");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services");
            then.status(200)
                .header("Twilio-Request-Id", "RQ0003")
                .json_body(json!({"services": [{"sid": "IS1"}], "meta": {"key": "services"}}));
        })
        .await;
    let client = client(&server);

    let (value, meta) = client
        .execute_with_response::<Value>(Request::new(
            Method::POST,
            "CreateService",
            "/v2/Services".into(),
        ))
        .await
        .unwrap();
    assert_eq!(value["sid"], "IS1");
    assert_eq!(meta.status(), 201);
    assert_eq!(meta.request_id(), Some("RQ0001"));
    assert_eq!(meta.headers()["x-rate-remaining"], "99");

    let meta = client
        .execute_empty_with_response(Request::new(
            Method::DELETE,
            "DeleteService",
            "/v2/Services/IS1".into(),
        ))
        .await
        .unwrap();
    assert_eq!((meta.status(), meta.request_id()), (204, Some("RQ0002")));

    let page = client
        .execute_page::<Value>(Request::new(
            Method::GET,
            "ListService",
            "/v2/Services".into(),
        ))
        .await
        .unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.response().status(), 200);
    assert_eq!(page.response().request_id(), Some("RQ0003"));
}

#[tokio::test]
async fn every_error_after_a_response_has_status_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS404");
            then.status(404)
                .header("Twilio-Request-Id", "RQ404")
                .json_body(json!({"code": 20404, "message": "not found"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/ISbad");
            then.status(200)
                .header("Twilio-Request-Id", "RQbad")
                .json_body(json!({"sid": 5}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services");
            then.status(200)
                .header("Twilio-Request-Id", "RQpage")
                .json_body(json!({"services": "nope", "meta": {"key": "services"}}));
        })
        .await;
    let client = client(&server);
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Service {
        sid: String,
    }
    let fetch =
        |sid: &str| Request::new(Method::GET, "FetchService", format!("/v2/Services/{sid}"));

    let err = client.execute::<Service>(fetch("IS404")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!((err.status(), err.request_id()), (Some(404), Some("RQ404")));
    assert!(format!("{err:?}").contains("RQ404"));

    let err = client.execute::<Service>(fetch("ISbad")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!((err.status(), err.request_id()), (Some(200), Some("RQbad")));

    let err = client
        .execute_page::<Service>(Request::new(
            Method::GET,
            "ListService",
            "/v2/Services".into(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(
        (err.status(), err.request_id()),
        (Some(200), Some("RQpage"))
    );
}

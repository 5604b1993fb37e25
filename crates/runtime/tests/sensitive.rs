//! Secret parameters (`Params::push_sensitive`, and the generated builders' sensitive fields through the
//! `Call` machinery) are sent as they are but never shown: `Debug`, observer records and traces show
//! `[redacted]`. Every server listens on 127.0.0.1.

mod support;

use std::sync::Arc;

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::{Value, json};
use support::{CaptureSubscriber, Recorder, builder};
use twilio_rest_runtime::__private::{OperationSpec, ParamSpec, Scope, Value as One};
use twilio_rest_runtime::{Method, Params, Request};

const PRIVATE_KEY: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIC-very-secret\n-----END RSA PRIVATE KEY-----";
const SERVER_KEY: &str = "AAAA-fcm-server-key";

static CREATE_CREDENTIAL: OperationSpec = OperationSpec::new(
    Method::POST,
    "CreateCredential",
    "/v2/Credentials",
    &[
        ParamSpec::form("FriendlyName"),
        ParamSpec::form("PrivateKey").sensitive(),
        ParamSpec::form("Secret").sensitive(),
    ],
);

#[test]
fn params_debug_redacts_secrets_but_encodes_them() {
    let mut p = Params::new();
    p.push("FriendlyName", "push");
    p.push_sensitive("Secret", SERVER_KEY);
    let debug = format!("{p:?}");
    assert!(!debug.contains(SERVER_KEY), "{debug}");
    assert!(
        debug.contains("[redacted]") && debug.contains("push"),
        "{debug}"
    );
    assert_eq!(p.encode(), format!("FriendlyName=push&Secret={SERVER_KEY}"));
    assert_eq!(
        p.encode_redacted(),
        "FriendlyName=push&Secret=%5Bredacted%5D"
    );
    assert!(p.is_sensitive(1) && !p.is_sensitive(0));
}

#[tokio::test]
async fn observers_and_traces_never_see_secret_form_values() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/Credentials")
                .form_urlencoded_tuple("FriendlyName", "push")
                .form_urlencoded_tuple("PrivateKey", PRIVATE_KEY)
                .form_urlencoded_tuple("Secret", SERVER_KEY);
            then.status(201).json_body(json!({"sid": "CR1"}));
        })
        .await;
    let capture = CaptureSubscriber::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server).observer(recorder.clone()).build().unwrap();

    // Through the table generated builders use.
    let call = Scope::new(&client)
        .call::<One<Value>>(&CREATE_CREDENTIAL)
        .set_str(0, "push")
        .set_str(1, PRIVATE_KEY)
        .set_str(2, SERVER_KEY);
    let debug = format!("{call:?}");
    assert!(
        !debug.contains("very-secret") && !debug.contains(SERVER_KEY),
        "{debug}"
    );
    assert!(
        debug.contains("[redacted]") && debug.contains("push"),
        "{debug}"
    );
    let request = call.into_request();
    let debug = format!("{request:?}");
    assert!(
        !debug.contains("very-secret") && !debug.contains(SERVER_KEY),
        "{debug}"
    );
    let created: Value = client.execute(request).await.unwrap();
    assert_eq!(created["sid"], "CR1");

    // Through a hand-built request.
    let mut form = Params::new();
    form.push("FriendlyName", "push");
    form.push_sensitive("PrivateKey", PRIVATE_KEY);
    form.push_sensitive("Secret", SERVER_KEY);
    let _: Value = client
        .execute(
            Request::new(Method::POST, "CreateCredential", "/v2/Credentials".into()).form(form),
        )
        .await
        .unwrap();

    // The server got the real values both times; the observer and the traces saw none of them.
    mock.assert_calls_async(2).await;
    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 2);
    for exchange in &exchanges {
        let body = exchange.request_body.as_deref().unwrap_or_default();
        assert_eq!(
            body, "FriendlyName=push&PrivateKey=%5Bredacted%5D&Secret=%5Bredacted%5D",
            "{exchange:?}"
        );
        assert!(!format!("{exchange:?}").contains(SERVER_KEY));
    }
    let traced = capture.text();
    assert!(
        !traced.contains(SERVER_KEY) && !traced.contains("very-secret"),
        "{traced}"
    );
}

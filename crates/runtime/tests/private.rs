//! Generated code's view of the runtime: builders written the way the generator writes them, naming only
//! `twilio_rest_runtime::__private` paths and the documented root items, send their requests and decode the
//! answers (one value, a page and its stream, an empty answer). Every server listens on 127.0.0.1.

mod support;

use futures_util::TryStreamExt as _;
use httpmock::Method::{DELETE, GET, POST};
use httpmock::MockServer;
use serde_json::json;
use twilio_rest_runtime::__private as rt;
use twilio_rest_runtime::{Client, Method};

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Channel {
    sid: String,
}

static CREATE_CHANNEL: rt::OperationSpec = rt::OperationSpec::new(
    Method::POST,
    "CreateChannel",
    "/v2/Services/{ServiceSid}/Channels",
    &[rt::ParamSpec::form("FriendlyName")],
);

static LIST_CHANNEL: rt::OperationSpec = rt::OperationSpec::new(
    Method::GET,
    "ListChannel",
    "/v2/Services/{ServiceSid}/Channels",
    &[rt::ParamSpec::query("PageSize")],
);

static DELETE_CHANNEL: rt::OperationSpec = rt::OperationSpec::new(
    Method::DELETE,
    "DeleteChannel",
    "/v2/Services/{ServiceSid}/Channels/{Sid}",
    &[],
);

/// A builder the way the generator writes one: a newtype over `Call` and one macro line.
struct CreateChannel(rt::Call<rt::Value<Channel>>);
rt::operation!(CreateChannel: value(Channel));

struct ListChannel(rt::Call<rt::Paged<Channel>>);
rt::operation!(ListChannel: page(Channel));

struct DeleteChannel(rt::Call<rt::Empty>);
rt::operation!(DeleteChannel: empty);

fn scope(client: &Client) -> rt::Scope {
    rt::Scope::new(client).child("IS1")
}

#[tokio::test]
async fn builders_on_private_paths_send_and_decode() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/Services/IS1/Channels")
                .body("FriendlyName=General");
            then.status(201).json_body(json!({"sid": "CH1"}));
        })
        .await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("PageSize", "2");
            then.status(200).json_body(json!({
                "channels": [{"sid": "CH1"}, {"sid": "CH2"}],
                "meta": {"key": "channels", "next_page_url": null}
            }));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/v2/Services/IS1/Channels/CH1");
            then.status(204);
        })
        .await;
    let client = support::client(&server);

    let created = CreateChannel(scope(&client).call(&CREATE_CHANNEL).set_str(0, "General"))
        .await
        .unwrap();
    assert_eq!(created.sid, "CH1");

    let page = ListChannel(scope(&client).call(&LIST_CHANNEL).set(0, 2_u32))
        .await
        .unwrap();
    assert_eq!(page.records.len(), 2);
    let sids: Vec<String> = ListChannel(scope(&client).call(&LIST_CHANNEL).set(0, 2_u32))
        .limit(1)
        .stream()
        .map_ok(|c| c.sid)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sids, ["CH1"]);

    let delete_call = scope(&client).child("CH1").call(&DELETE_CHANNEL);
    let ((), meta) = DeleteChannel(delete_call)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(meta.status(), 204);

    create.assert_calls_async(1).await;
    list.assert_calls_async(2).await;
    delete.assert_calls_async(1).await;
}

#[test]
fn decode_page_is_reachable() {
    let base = url::Url::parse("https://chat.twilio.com").unwrap();
    let (records, meta) = rt::decode_page::<Channel>(
        "ListChannel",
        br#"{"channels": [{"sid": "CH9"}], "meta": {"key": "channels"}}"#,
        &base,
        None,
    )
    .unwrap();
    assert_eq!(records, [Channel { sid: "CH9".into() }]);
    assert_eq!(meta.key.as_deref(), Some("channels"));
}

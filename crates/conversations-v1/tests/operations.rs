//! The Conversations client on the wire, against a mock server on 127.0.0.1: form bodies, typed SIDs and
//! alternate keys in paths, lists as streams across pages, and Twilio's errors.

use futures_util::TryStreamExt as _;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use twilio_conversations_v1::{Client, Credentials, models};

const AC: &str = "AC0123456789abcdef0123456789abcdef";
const CH: &str = "CH0123456789abcdef0123456789abcdef";
const IS: &str = "IS0123456789abcdef0123456789abcdef";
const MB: &str = "MB0123456789abcdef0123456789abcdef";
/// `Basic base64(AC:token)`.
fn basic() -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{AC}:token"))
    )
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .credentials(Credentials::auth_token(AC, "token").expect("credentials"))
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .build()
        .expect("client")
}

fn conversation(sid: &str, unique_name: Option<&str>) -> Value {
    json!({
        "sid": sid, "account_sid": AC, "chat_service_sid": IS, "messaging_service_sid": null,
        "friendly_name": "Order 1042", "unique_name": unique_name, "attributes": "{}", "state": "active",
        "date_created": "2026-01-02T03:04:05Z", "date_updated": "2026-01-02T03:04:05Z",
        "timers": {}, "bindings": null,
        "url": format!("https://conversations.twilio.com/v1/Conversations/{sid}"),
        "links": {}
    })
}

fn message(index: i64) -> Value {
    let sid = format!("IM{index:032x}");
    json!({
        "sid": sid, "account_sid": AC, "conversation_sid": CH, "index": index, "author": "alice",
        "body": format!("message {index}"), "media": null, "attributes": "{}", "participant_sid": MB,
        "date_created": "2026-01-02T03:04:05Z", "date_updated": "2026-01-02T03:04:05Z", "delivery": null, "links": {},
        "content_sid": null,
        "url": format!("https://conversations.twilio.com/v1/Conversations/{CH}/Messages/{sid}")
    })
}

#[tokio::test]
async fn create_sends_a_form_with_credentials_and_decodes_typed_sids() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/Conversations")
                .header("authorization", basic())
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("FriendlyName", "Order 1042")
                .form_urlencoded_tuple("UniqueName", "order-1042")
                .form_urlencoded_tuple("State", "active");
            then.status(201)
                .json_body(conversation(CH, Some("order-1042")));
        })
        .await;
    let created = client(&server)
        .conversations()
        .create()
        .friendly_name("Order 1042")
        .unique_name("order-1042")
        .state(models::ConversationState::Active)
        .await
        .expect("create");
    create.assert_calls_async(1).await;
    let expected: models::ConversationSid = CH.parse().expect("a conversation SID");
    assert_eq!(created.sid, expected);
    assert_eq!(created.chat_service_sid.as_str(), IS);
    assert_eq!(created.state, Some(models::ConversationState::Active));
}

#[tokio::test]
async fn participants_of_both_kinds() {
    let server = MockServer::start_async().await;
    let participant = |identity: Value, binding: Value| {
        json!({
            "sid": MB, "account_sid": AC, "conversation_sid": CH, "identity": identity,
            "attributes": "{}", "messaging_binding": binding, "role_sid": null,
            "date_created": "2026-01-02T03:04:05Z", "date_updated": "2026-01-02T03:04:05Z",
            "url": format!("https://conversations.twilio.com/v1/Conversations/{CH}/Participants/{MB}"),
            "last_read_message_index": null, "last_read_timestamp": null
        })
    };
    let chat = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Conversations/{CH}/Participants"))
                .form_urlencoded_tuple("Identity", "alice");
            then.status(201)
                .json_body(participant(json!("alice"), Value::Null));
        })
        .await;
    let sms = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Conversations/{CH}/Participants"))
                .form_urlencoded_tuple("MessagingBinding.Address", "+15558675310")
                .form_urlencoded_tuple("MessagingBinding.ProxyAddress", "+15017122661");
            then.status(201).json_body(participant(
                Value::Null,
                json!({"type": "sms", "address": "+15558675310", "proxy_address": "+15017122661"}),
            ));
        })
        .await;
    let client = client(&server);
    let sid: models::ConversationSid = CH.parse().expect("SID");
    let conversation = client.conversation(&sid);
    let alice = conversation
        .participants()
        .create()
        .identity("alice")
        .await
        .expect("chat participant");
    assert_eq!(alice.identity.as_deref(), Some("alice"));
    let phone = conversation
        .participants()
        .create()
        .messaging_binding_address("+15558675310")
        .messaging_binding_proxy_address("+15017122661")
        .await
        .expect("SMS participant");
    assert_eq!(phone.conversation_sid, sid);
    assert_eq!(
        phone
            .messaging_binding
            .as_ref()
            .and_then(|b| b["type"].as_str()),
        Some("sms")
    );
    chat.assert_calls_async(1).await;
    sms.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_unique_name_addresses_a_conversation_and_is_percent_encoded() {
    let server = MockServer::start_async().await;
    let fetch = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/Conversations/order%201042%2Fa");
            then.status(200)
                .json_body(conversation(CH, Some("order 1042/a")));
        })
        .await;
    let fetched = client(&server)
        .conversation("order 1042/a")
        .fetch()
        .await
        .expect("fetch");
    fetch.assert_calls_async(1).await;
    assert_eq!(fetched.unique_name.as_deref(), Some("order 1042/a"));
}

#[tokio::test]
async fn messages_stream_across_pages() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let path = format!("/v1/Conversations/{CH}/Messages");
    let meta = |page: u32, next: Option<String>| {
        json!({
            "page": page, "page_size": 2, "key": "messages",
            "first_page_url": format!("{base}{path}?PageSize=2&Page=0"),
            "previous_page_url": null,
            "url": format!("{base}{path}?PageSize=2&Page={page}"),
            "next_page_url": next
        })
    };
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path(&path).query_param("PageToken", "PT2");
            then.status(200)
                .json_body(json!({"messages": [message(2)], "meta": meta(1, None)}));
        })
        .await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param("Order", "asc")
                .query_param("PageSize", "2");
            then.status(200).json_body(json!({
                "messages": [message(0), message(1)],
                "meta": meta(0, Some(format!("{base}{path}?PageSize=2&Page=1&PageToken=PT2")))
            }));
        })
        .await;
    let sid: models::ConversationSid = CH.parse().expect("SID");
    let indexes: Vec<i64> = client(&server)
        .conversation(&sid)
        .messages()
        .list()
        .order(models::ConversationMessageOrderType::Asc)
        .page_size(2)
        .stream()
        .map_ok(|m| m.index)
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(indexes, vec![0, 1, 2]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn errors_carry_twilio_code_message_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/Conversations/{CH}"));
            then.status(404)
                .header("twilio-request-id", "RQ0123456789abcdef0123456789abcdef")
                .json_body(json!({
                    "code": 20404,
                    "message": "The requested resource was not found",
                    "more_info": "https://www.twilio.com/docs/errors/20404",
                    "status": 404
                }));
        })
        .await;
    let sid: models::ConversationSid = CH.parse().expect("SID");
    let error = client(&server)
        .conversation(&sid)
        .fetch()
        .await
        .expect_err("404");
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.code(), Some(20404));
    assert_eq!(
        error.message(),
        Some("The requested resource was not found")
    );
    assert_eq!(
        error.request_id(),
        Some("RQ0123456789abcdef0123456789abcdef")
    );
}

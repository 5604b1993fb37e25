//! The Conversations API as any client sees it: plain HTTP following Twilio's page shape (`meta.next_page_url`),
//! `Order=desc`, the service's webhook settings shared with Chat, and the records seen at both the account's and the
//! service's paths.

mod common;

use serde_json::Value;
use twilio_chat_local::LocalChat;
use twilio_chat_v2::models as chat;
use twilio_conversations_v1::models;

/// A Chat service and a Conversations client over the same local service.
async fn setup() -> (LocalChat, twilio_conversations_v1::Client, chat::ServiceSid) {
    let local = twilio_chat_local::start().await.unwrap();
    let service = local.client().services().create("Support").await.unwrap();
    let client = setup_client(&local);
    (local, client, service.sid)
}

/// A Conversations client of the local service.
fn setup_client(local: &LocalChat) -> twilio_conversations_v1::Client {
    let credentials = twilio_conversations_v1::Credentials::auth_token(
        local.credentials().account_sid(),
        local.credentials().auth_token(),
    )
    .unwrap();
    twilio_conversations_v1::Client::builder()
        .base_url(local.base_url())
        .allow_insecure_http(true)
        .credentials(credentials)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_conversations_api_answers_plain_http_in_twilio_page_shape() {
    let (local, conv, is) = setup().await;
    for name in ["a", "b", "c"] {
        conv.service(&is)
            .conversations()
            .create()
            .unique_name(name)
            .await
            .unwrap();
    }
    let http = reqwest::Client::new();
    let mut url = format!(
        "{}/v1/Services/{is}/Conversations?PageSize=2",
        local.base_url()
    );
    let mut names = Vec::new();
    loop {
        let page: Value = http
            .get(&url)
            .basic_auth(
                local.credentials().account_sid(),
                Some(local.credentials().auth_token()),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for c in page["conversations"].as_array().unwrap() {
            names.push(c["unique_name"].as_str().unwrap().to_owned());
        }
        match page["meta"]["next_page_url"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(names, ["a", "b", "c"]);
}

#[tokio::test]
async fn the_service_webhook_configuration_is_the_chat_service_webhooks() {
    let (local, conv, is) = setup().await;
    let configured = conv
        .service(&is)
        .configuration_webhooks()
        .update()
        .post_webhook_url("https://example.com/post")
        .filters(["onMessageAdded"])
        .method("POST")
        .await
        .unwrap();
    assert_eq!(
        configured.post_webhook_url.as_deref(),
        Some("https://example.com/post")
    );
    let service = local.client().service(&is).fetch().await.unwrap();
    assert_eq!(
        service.post_webhook_url.as_deref(),
        Some("https://example.com/post")
    );
    assert_eq!(
        service.webhook_filters,
        Some(vec!["onMessageAdded".to_owned()])
    );
    assert_eq!(service.webhook_method.as_deref(), Some("POST"));
}

#[tokio::test]
async fn conversation_messages_list_newest_first_on_request() {
    let (_local, conv, is) = setup().await;
    let made = conv.service(&is).conversations().create().await.unwrap();
    let conversation = conv.service(&is).conversation(&made.sid);
    for body in ["one", "two", "three"] {
        conversation.messages().create().body(body).await.unwrap();
    }
    let newest = conversation
        .messages()
        .list()
        .order(models::ServiceConversationMessageOrderType::Desc)
        .page_size(2)
        .await
        .unwrap();
    let indexes: Vec<i64> = newest.records.iter().map(|m| m.index).collect();
    assert_eq!(indexes, [2, 1]);
}

#[tokio::test]
async fn conversation_webhooks_and_receipts_are_the_same_records_at_both_paths() {
    let local = twilio_chat_local::start().await.unwrap();
    let conv = setup_client(&local);
    let made = conv.conversations().create().await.unwrap();
    let is = made.chat_service_sid.clone();
    let account = conv.conversation(&made.sid);
    let webhook = account
        .webhooks()
        .create(models::ConversationScopedWebhookTarget::Webhook)
        .configuration_url("https://example.com/hook")
        .await
        .unwrap();
    let service = conv.service(&is).conversation(&made.sid);
    let seen = service.webhook(&webhook.sid).fetch().await.unwrap();
    assert_eq!(seen.chat_service_sid, is);
    assert_eq!(seen.configuration, webhook.configuration);
    assert_eq!(
        seen.url,
        format!(
            "{}/v1/Services/{is}/Conversations/{}/Webhooks/{}",
            local.base_url(),
            made.sid,
            webhook.sid
        )
    );

    account
        .participants()
        .create()
        .messaging_binding_address("+15550001111")
        .await
        .unwrap();
    let message = account.messages().create().body("hi").await.unwrap();
    let at_account = account
        .message(&message.sid)
        .receipts()
        .list()
        .await
        .unwrap()
        .records;
    let at_service = service
        .message(&message.sid)
        .receipts()
        .list()
        .await
        .unwrap()
        .records;
    assert_eq!(at_account.len(), 1);
    assert_eq!(at_service.len(), 1);
    assert_eq!(at_account[0].sid, at_service[0].sid);
}

#[tokio::test]
async fn media_uploaded_next_to_conversations_paths_is_a_conversation_message_media_list() {
    let (local, conv, is) = setup().await;
    // The Media Content Service shares `/v1/Services/{Sid}/` with Conversations: both answer.
    let upload: Value = reqwest::Client::new()
        .post(format!(
            "{}/v1/Services/{is}/Media?Filename=a.png",
            local.base_url()
        ))
        .basic_auth(
            local.credentials().account_sid(),
            Some(local.credentials().auth_token()),
        )
        .header("content-type", "image/png")
        .body(vec![1, 2, 3])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = upload["sid"].as_str().unwrap().to_owned();
    let made = conv.service(&is).conversations().create().await.unwrap();
    let message = conv
        .service(&is)
        .conversation(&made.sid)
        .messages()
        .create()
        .media_sid(me.as_str())
        .await
        .unwrap();
    let media = message.media.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0]["sid"], me.as_str());
    assert_eq!(media[0]["content_type"], "image/png");
    let through_chat = local
        .client()
        .service(&is)
        .channel(&made.sid)
        .message(&message.sid)
        .fetch()
        .await
        .unwrap();
    assert_eq!(through_chat.type_.as_deref(), Some("media"));
    let text = conv
        .service(&is)
        .conversation(&made.sid)
        .messages()
        .create()
        .body("no media")
        .await
        .unwrap();
    assert_eq!(text.media, None);
}

#[tokio::test]
async fn the_service_notification_settings_are_the_chat_service_notifications() {
    let (local, conv, is) = setup().await;
    let settings = conv
        .service(&is)
        .configuration_notifications()
        .update()
        .new_message_enabled(true)
        .new_message_template("${USER}: ${MESSAGE}")
        .added_to_conversation_enabled(true)
        .log_enabled(true)
        .await
        .unwrap();
    assert_eq!(settings.log_enabled, Some(true));
    let chat = &local.state().records("Service")[0]["notifications"];
    assert_eq!(chat["new_message"]["enabled"], true);
    assert_eq!(chat["new_message"]["template"], "${USER}: ${MESSAGE}");
    assert_eq!(chat["added_to_channel"]["enabled"], true);
    assert_eq!(chat["log_enabled"], true);
    local
        .client()
        .service(&is)
        .update()
        .notifications_removed_from_channel_enabled(true)
        .await
        .unwrap();
    let settings = conv
        .service(&is)
        .configuration_notifications()
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        settings.removed_from_conversation.unwrap()["enabled"],
        true,
        "a Chat change is seen through Conversations"
    );
}

/// A GET with the local service's credentials, answered 200 with JSON.
async fn get_json(local: &LocalChat, path: &str) -> Value {
    let (status, body) = common::call(local, "GET", path, &[], false).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn participant_conversations_link_the_paths_of_the_list_they_are_read_from() {
    let local = twilio_chat_local::start().await.unwrap();
    let conv = setup_client(&local);
    let conversation = conv.conversations().create().await.unwrap();
    // A conversation with no bindings answers an empty object, as Twilio does.
    assert_eq!(conversation.bindings, Some(serde_json::json!({})));
    let participant = conv
        .conversation(&conversation.sid)
        .participants()
        .create()
        .identity("ana")
        .await
        .unwrap();
    let service = conversation.chat_service_sid.to_string();
    let (c, p) = (conversation.sid.to_string(), participant.sid.to_string());
    for (path, base) in [
        (
            "/v1/ParticipantConversations?Identity=ana".to_owned(),
            format!("/v1/Conversations/{c}"),
        ),
        (
            format!("/v1/Services/{service}/ParticipantConversations?Identity=ana"),
            format!("/v1/Services/{service}/Conversations/{c}"),
        ),
    ] {
        let page = get_json(&local, &path).await;
        let links = &page["conversations"][0]["links"];
        let base = format!("{}{base}", local.base_url());
        assert_eq!(links["conversation"], base.as_str(), "{path}: {links}");
        assert_eq!(
            links["participant"],
            format!("{base}/Participants/{p}").as_str(),
            "{path}: {links}"
        );
    }
}

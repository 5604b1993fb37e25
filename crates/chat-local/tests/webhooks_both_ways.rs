//! Conversations post-events (to the service's URL, else the account's global webhook, and to conversation-scoped
//! webhooks) and pre-events fired by REST calls when `Config::pre_events_from_rest` is on: a `200` answer lets the
//! action go ahead, its JSON changes it, any other status or no answer in time refuses it with Twilio's error.
//! Every request sent is in the delivery log with its answer and what it did.

mod common;

use std::time::Duration;

use common::call;
use common::receiver::{Received, acknowledge, next, nothing_more, receiver};
use serde_json::Value;
use twilio_chat_local::{Config, Destination, Outcome, Timing};
use twilio_chat_v2::runtime::webhook::RequestValidator;

fn sid(value: &Value) -> String {
    value["sid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn conversations_post_events_reach_service_global_and_scoped_webhooks() {
    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let validator = RequestValidator::new(chat.credentials().auth_token());

    // A service with webhooks of its own.
    let (_, service) = call(
        &chat,
        "POST",
        "/v1/Services",
        &[("FriendlyName", "hooks")],
        false,
    )
    .await;
    let service = sid(&service);
    let service_hook = format!("{base}/service");
    let (status, _) = call(
        &chat,
        "POST",
        &format!("/v1/Services/{service}/Configuration/Webhooks"),
        &[
            ("PostWebhookUrl", service_hook.as_str()),
            ("Filters", "onConversationAdded"),
            ("Filters", "onMessageAdded"),
            ("Filters", "onMessageRemoved"),
            ("Method", "POST"),
        ],
        false,
    )
    .await;
    assert_eq!(status, 200);
    // The account's global webhook: only for services without webhooks of their own.
    let global_hook = format!("{base}/global");
    let (status, _) = call(
        &chat,
        "POST",
        "/v1/Configuration/Webhooks",
        &[
            ("PostWebhookUrl", global_hook.as_str()),
            ("Filters", "onConversationAdded"),
            ("Target", "webhook"),
        ],
        false,
    )
    .await;
    assert_eq!(status, 200);

    let conversations = format!("/v1/Services/{service}/Conversations");
    let (_, conversation) = call(
        &chat,
        "POST",
        &conversations,
        &[("FriendlyName", "Support")],
        true,
    )
    .await;
    let conversation = sid(&conversation);
    let added = next(&mut rx).await;
    assert_eq!(added.path, "/service");
    assert_eq!(added.get("EventType"), Some("onConversationAdded"));
    assert_eq!(added.get("ConversationSid"), Some(conversation.as_str()));
    assert_eq!(added.get("ChatServiceSid"), Some(service.as_str()));
    assert_eq!(added.get("FriendlyName"), Some("Support"));
    assert_eq!(added.get("Source"), Some("API"));
    assert!(validator.validate(&added.url, &added.params, &added.signature));

    // A conversation-scoped webhook hears the conversation's messages too.
    let scoped_hook = format!("{base}/scoped");
    let (status, scoped) = call(
        &chat,
        "POST",
        &format!("{conversations}/{conversation}/Webhooks"),
        &[
            ("Target", "webhook"),
            ("Configuration.Url", scoped_hook.as_str()),
            ("Configuration.Filters", "onMessageAdded"),
            ("Configuration.Method", "post"),
        ],
        false,
    )
    .await;
    assert_eq!(status, 201, "{scoped}");
    let scoped = sid(&scoped);
    let messages = format!("{conversations}/{conversation}/Messages");
    // Without the header, nothing is sent.
    call(
        &chat,
        "POST",
        &messages,
        &[("Body", "quiet"), ("Author", "ana")],
        false,
    )
    .await;
    nothing_more(&mut rx).await;
    let (_, message) = call(
        &chat,
        "POST",
        &messages,
        &[("Body", "Hi & bye"), ("Author", "ana")],
        true,
    )
    .await;
    let message = sid(&message);
    let mut got: Vec<Received> = vec![next(&mut rx).await, next(&mut rx).await];
    got.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(got[0].path, "/scoped");
    assert_eq!(got[1].path, "/service");
    for hook in &got {
        assert_eq!(hook.get("EventType"), Some("onMessageAdded"), "{hook:?}");
        assert_eq!(hook.get("MessageSid"), Some(message.as_str()));
        assert_eq!(hook.get("ConversationSid"), Some(conversation.as_str()));
        assert_eq!(hook.get("Body"), Some("Hi & bye"));
        assert_eq!(hook.get("Author"), Some("ana"));
        assert_eq!(hook.get("Index"), Some("1"));
        assert!(validator.validate(&hook.url, &hook.params, &hook.signature));
    }

    // A removed message is reported as it was.
    let (status, _) = call(&chat, "DELETE", &format!("{messages}/{message}"), &[], true).await;
    assert_eq!(status, 204);
    let removed = next(&mut rx).await;
    assert_eq!(removed.path, "/service");
    assert_eq!(removed.get("EventType"), Some("onMessageRemoved"));
    assert_eq!(removed.get("MessageSid"), Some(message.as_str()));
    assert_eq!(removed.get("Body"), Some("Hi & bye"));

    // A conversation in the default service, which has no webhooks of its own, goes to the global webhook.
    let (_, other) = call(
        &chat,
        "POST",
        "/v1/Conversations",
        &[("FriendlyName", "Lobby")],
        true,
    )
    .await;
    let global = next(&mut rx).await;
    assert_eq!(global.path, "/global");
    assert_eq!(global.get("EventType"), Some("onConversationAdded"));
    assert_eq!(global.get("ConversationSid"), other["sid"].as_str());
    nothing_more(&mut rx).await;

    // The delivery log has each request, its answer and where it went.
    let log = chat.state().deliveries();
    assert_eq!(log.len(), 5, "{log:#?}");
    assert!(log.windows(2).all(|w| w[0].id < w[1].id));
    assert!(log.iter().all(|d| d.timing == Timing::Post
        && d.status == Some(200)
        && d.outcome == Outcome::Delivered));
    assert!(
        log.iter()
            .any(|d| d.destination == Destination::Scoped(scoped.clone()))
    );
    assert!(log.iter().any(|d| d.destination == Destination::Account));
    assert_eq!(chat.state().deliveries_after(log[3].id).len(), 1);
}

/// The moderation rule of the pre-event tests: `blocked` refuses, padding is trimmed, `slow` answers late.
fn moderate(received: &Received) -> (u16, String, Duration) {
    let body = received.get("Body").unwrap_or_default();
    if body.contains("blocked") {
        (403, "no".to_owned(), Duration::ZERO)
    } else if body.contains("slow") {
        (200, String::new(), Duration::from_secs(3))
    } else if body.trim() != body {
        let reply = serde_json::json!({"body": body.trim(), "attributes": {"moderated": true}, "sid": "ignored"});
        (200, reply.to_string(), Duration::ZERO)
    } else if received.get("EventType") == Some("onConversationAdd") {
        (
            200,
            r#"{"friendly_name": "Renamed"}"#.to_owned(),
            Duration::ZERO,
        )
    } else {
        (200, String::new(), Duration::ZERO)
    }
}

#[tokio::test]
async fn pre_events_from_rest_allow_change_and_refuse_actions() {
    let chat = twilio_chat_local::start_with(Config {
        pre_events_from_rest: true,
        pre_event_timeout: Duration::from_millis(500),
        ..Config::default()
    })
    .await
    .unwrap();
    let (base, mut rx) = receiver(moderate).await;
    let (_, service) = call(
        &chat,
        "POST",
        "/v1/Services",
        &[("FriendlyName", "pre")],
        false,
    )
    .await;
    let service = sid(&service);
    let pre_hook = format!("{base}/pre");
    call(
        &chat,
        "POST",
        &format!("/v1/Services/{service}/Configuration/Webhooks"),
        &[
            ("PreWebhookUrl", pre_hook.as_str()),
            ("Filters", "onMessageAdd"),
            ("Filters", "onConversationAdd"),
        ],
        false,
    )
    .await;
    let conversations = format!("/v1/Services/{service}/Conversations");
    // A pre-event whose reply changes the friendly name; the reply's other keys change nothing.
    let (status, conversation) = call(
        &chat,
        "POST",
        &conversations,
        &[("FriendlyName", "Support")],
        false,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(conversation["friendly_name"], "Renamed");
    let add = next(&mut rx).await;
    assert_eq!(add.get("EventType"), Some("onConversationAdd"));
    assert_eq!(add.get("FriendlyName"), Some("Support"));
    assert_eq!(add.get("ChatServiceSid"), Some(service.as_str()));
    assert_eq!(add.get("ConversationSid"), None, "no SID before it exists");
    let conversation = sid(&conversation);
    let messages = format!("{conversations}/{conversation}/Messages");

    // Refused: 403 with Twilio's error, nothing stored.
    let (status, error) = call(
        &chat,
        "POST",
        &messages,
        &[("Body", "a blocked word"), ("Author", "ana")],
        false,
    )
    .await;
    assert_eq!(status, 403, "{error}");
    assert_eq!(error["code"], 20403);
    assert!(
        error["message"].as_str().unwrap().contains("onMessageAdd"),
        "{error}"
    );
    let refused = next(&mut rx).await;
    assert_eq!(refused.get("ConversationSid"), Some(conversation.as_str()));
    assert_eq!(refused.get("Author"), Some("ana"));
    assert!(chat.state().records("Message").is_empty());

    // Changed: stored trimmed, with the reply's attributes.
    let (status, message) = call(
        &chat,
        "POST",
        &messages,
        &[("Body", "  padded  "), ("Author", "ana")],
        false,
    )
    .await;
    assert_eq!(status, 201, "{message}");
    assert_eq!(message["body"], "padded");
    let attributes: Value = serde_json::from_str(message["attributes"].as_str().unwrap()).unwrap();
    assert_eq!(attributes["moderated"], true);
    next(&mut rx).await;

    // No answer in time: 504 with code 50076, nothing stored.
    let (status, error) = call(
        &chat,
        "POST",
        &messages,
        &[("Body", "slow"), ("Author", "ana")],
        false,
    )
    .await;
    assert_eq!(
        (status, error["code"].as_u64()),
        (504, Some(50076)),
        "{error}"
    );
    next(&mut rx).await;
    assert_eq!(chat.state().records("Message").len(), 1);

    // An event the filters do not name goes ahead without a request.
    let (status, _) = call(
        &chat,
        "POST",
        &format!("{messages}/{}", sid(&message)),
        &[("Body", "edited")],
        false,
    )
    .await;
    assert_eq!(status, 200);
    nothing_more(&mut rx).await;

    let outcomes: Vec<Outcome> = chat
        .state()
        .deliveries()
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(outcomes.len(), 4);
    assert_eq!(
        outcomes[0],
        Outcome::Modified(vec![("FriendlyName".to_owned(), "Renamed".to_owned())])
    );
    assert_eq!(outcomes[1], Outcome::Rejected);
    assert_eq!(
        outcomes[2],
        Outcome::Modified(vec![
            ("Body".to_owned(), "padded".to_owned()),
            ("Attributes".to_owned(), r#"{"moderated":true}"#.to_owned()),
        ])
    );
    assert!(
        matches!(&outcomes[3], Outcome::Failed(reason) if reason.contains("500 ms")),
        "{:?}",
        outcomes[3]
    );
}

#[tokio::test]
async fn pre_events_need_the_switch_and_a_reachable_url() {
    // Off (the default, as at Twilio): REST calls fire no pre-event.
    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(moderate).await;
    let client = chat.client();
    let service = client.services().create("off").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .pre_webhook_url(format!("{base}/pre"))
        .webhook_filters(["onMessageSend"])
        .await
        .unwrap();
    let channel = client
        .service(&service)
        .channels()
        .create()
        .await
        .unwrap()
        .sid;
    let message = client
        .service(&service)
        .channel(&channel)
        .messages()
        .create()
        .body("a blocked word")
        .await
        .unwrap();
    assert_eq!(message.body.as_deref(), Some("a blocked word"));
    nothing_more(&mut rx).await;
    assert!(chat.state().deliveries().is_empty());

    // On, with a URL nobody listens on: refused with 504 and code 50076.
    let chat = twilio_chat_local::start_with(Config {
        pre_events_from_rest: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_url = format!("http://{}/pre", closed.local_addr().unwrap());
    drop(closed);
    let client = chat.client();
    let service = client.services().create("down").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .pre_webhook_url(closed_url)
        .webhook_filters(["onChannelAdd"])
        .await
        .unwrap();
    let error = client
        .service(&service)
        .channels()
        .create()
        .await
        .unwrap_err();
    let api = error.api_error().expect("Twilio's error");
    assert_eq!((api.status, api.code), (504, Some(50076)), "{error}");
    assert!(chat.state().records("Channel").is_empty());
    let log = chat.state().deliveries();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, None);
    assert!(
        matches!(&log[0].outcome, Outcome::Failed(reason) if reason.starts_with("cannot connect")),
        "{:?}",
        log[0]
    );
}

#[tokio::test]
async fn chat_channel_webhooks_hear_their_channel_with_their_sid() {
    use twilio_chat_v2::models;
    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let client = chat.client();
    let service = client.services().create("channel hooks").await.unwrap().sid;
    let svc = client.service(&service);
    let general = svc.channels().create().await.unwrap().sid;
    let other = svc.channels().create().await.unwrap().sid;
    let hook = svc
        .channel(&general)
        .webhooks()
        .create(models::ChannelWebhookType::Webhook)
        .configuration_url(format!("{base}/channel"))
        .configuration_method(models::ChannelWebhookMethod::Post)
        .configuration_filters(["onMessageSent"])
        .await
        .unwrap()
        .sid;
    let on = models::WebhookEnabledType::True;
    // Another channel's message, and an event the filters do not name: nothing.
    svc.channel(&other)
        .messages()
        .create()
        .body("elsewhere")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    svc.channel(&general)
        .members()
        .create("ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    nothing_more(&mut rx).await;
    let message = svc
        .channel(&general)
        .messages()
        .create()
        .body("hello")
        .webhook_enabled(on)
        .await
        .unwrap()
        .sid;
    let sent = next(&mut rx).await;
    assert_eq!(sent.path, "/channel");
    assert_eq!(sent.get("EventType"), Some("onMessageSent"));
    assert_eq!(sent.get("MessageSid"), Some(message.as_str()));
    assert_eq!(sent.get("WebhookSid"), Some(hook.as_str()));
    assert_eq!(sent.get("WebhookType"), Some("webhook"));
    let validator = RequestValidator::new(chat.credentials().auth_token());
    assert!(validator.validate(&sent.url, &sent.params, &sent.signature));
    // The log gets the delivery once its answer is read.
    nothing_more(&mut rx).await;
    let log = chat.state().deliveries();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].destination, Destination::Scoped(hook.to_string()));
}

/// Every Conversations event the service sends reads back through the typed reader of `twilio-conversations-v1`:
/// no unknown event, every parameter in a typed field, every value known.
#[tokio::test]
async fn every_conversations_event_sent_reads_back_fully_typed() {
    use std::collections::BTreeSet;
    use twilio_conversations_v1::models::WebhookSource;
    use twilio_conversations_v1::webhook::{ConversationsEvent, ConversationsWebhook};

    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let expected: BTreeSet<String> = twilio_chat_local::conversations_events()
        .iter()
        .map(|e| e.event_type.to_owned())
        .collect();
    let (_, service) = call(
        &chat,
        "POST",
        "/v1/Services",
        &[("FriendlyName", "typed")],
        false,
    )
    .await;
    let service = sid(&service);
    let hook_url = format!("{base}/hook");
    let mut config = vec![("PostWebhookUrl", hook_url.as_str())];
    config.extend(expected.iter().map(|e| ("Filters", e.as_str())));
    call(
        &chat,
        "POST",
        &format!("/v1/Services/{service}/Configuration/Webhooks"),
        &config,
        false,
    )
    .await;

    let root = format!("/v1/Services/{service}");
    let (_, conversation) = call(
        &chat,
        "POST",
        &format!("{root}/Conversations"),
        &[
            ("FriendlyName", "Support"),
            ("UniqueName", "support"),
            ("Attributes", r#"{"topic":"help"}"#),
        ],
        true,
    )
    .await;
    let conversation = format!("{root}/Conversations/{}", sid(&conversation));
    call(
        &chat,
        "POST",
        &conversation,
        &[("FriendlyName", "Help desk"), ("State", "inactive")],
        true,
    )
    .await;
    let (_, user) = call(
        &chat,
        "POST",
        &format!("{root}/Users"),
        &[("Identity", "ana")],
        true,
    )
    .await;
    call(
        &chat,
        "POST",
        &format!("{root}/Users/{}", sid(&user)),
        &[("FriendlyName", "Ana")],
        true,
    )
    .await;
    let (_, chat_participant) = call(
        &chat,
        "POST",
        &format!("{conversation}/Participants"),
        &[("Identity", "ana")],
        true,
    )
    .await;
    let (_, sms) = call(
        &chat,
        "POST",
        &format!("{conversation}/Participants"),
        &[
            ("MessagingBinding.Address", "+15005550006"),
            ("MessagingBinding.ProxyAddress", "+15005550001"),
        ],
        true,
    )
    .await;
    let participant = format!("{conversation}/Participants/{}", sid(&chat_participant));
    call(
        &chat,
        "POST",
        &participant,
        &[("Attributes", r#"{"vip":true}"#)],
        true,
    )
    .await;
    let (_, message) = call(
        &chat,
        "POST",
        &format!("{conversation}/Messages"),
        &[("Body", "hi"), ("Author", "ana")],
        true,
    )
    .await;
    let message = format!("{conversation}/Messages/{}", sid(&message));
    call(&chat, "POST", &message, &[("Body", "hi!")], true).await;
    call(&chat, "DELETE", &message, &[], true).await;
    call(
        &chat,
        "DELETE",
        &format!("{conversation}/Participants/{}", sid(&sms)),
        &[],
        true,
    )
    .await;
    call(&chat, "DELETE", &participant, &[], true).await;
    call(&chat, "DELETE", &conversation, &[], true).await;

    let mut received = BTreeSet::new();
    // Two participants added and two removed: 13 requests for 11 events.
    for _ in 0..13 {
        let delivery = next(&mut rx).await;
        let hook = ConversationsWebhook::from_params(delivery.params.clone())
            .unwrap_or_else(|e| panic!("{e}: {delivery:?}"));
        assert!(
            !matches!(hook.event, ConversationsEvent::Unknown(_)),
            "{delivery:?}"
        );
        assert_eq!(hook.common.source, Some(WebhookSource::Api));
        assert_eq!(
            hook.common.chat_service_sid.as_deref(),
            Some(service.as_str())
        );
        let typed = serde_json::to_value(&hook).unwrap();
        let payload = typed["event"]
            .as_object()
            .and_then(|o| o.values().next())
            .cloned()
            .unwrap();
        // Every parameter sent (besides EventType) is in a typed field; a group (`messaging_binding`) counts each
        // of its members.
        fn filled(v: &Value) -> usize {
            v.as_object()
                .unwrap()
                .iter()
                .map(|(key, v)| match v {
                    Value::Null => 0,
                    Value::Object(_) if key == "messaging_binding" => filled(v),
                    _ => 1,
                })
                .sum()
        }
        assert_eq!(
            filled(&typed["common"]) - 1 + filled(&payload),
            delivery.params.len() - 1,
            "a parameter is not read into a typed field: {delivery:?}\n{typed:#}"
        );
        let text = payload.to_string();
        assert!(!text.contains("\"Raw\""), "{text}");
        assert!(!text.contains("\"utc\":null"), "{text}");
        received.insert(hook.common.event_type.clone());
    }
    nothing_more(&mut rx).await;
    assert_eq!(received, expected);
}

/// A Chat message with `MediaSid` fires `onMediaMessageSend` and `onMediaMessageSent` (the description's `when`),
/// a message with a body `onMessageSend` and `onMessageSent`.
#[tokio::test]
async fn chat_media_messages_fire_the_media_events() {
    let chat = twilio_chat_local::start_with(Config {
        pre_events_from_rest: true,
        ..Config::default()
    })
    .await
    .unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let (_, service) = call(
        &chat,
        "POST",
        "/v2/Services",
        &[("FriendlyName", "media")],
        false,
    )
    .await;
    let service = sid(&service);
    let (pre, post) = (format!("{base}/pre"), format!("{base}/post"));
    let (status, _) = call(
        &chat,
        "POST",
        &format!("/v2/Services/{service}"),
        &[
            ("PreWebhookUrl", pre.as_str()),
            ("PostWebhookUrl", post.as_str()),
            ("WebhookFilters", "onMessageSend"),
            ("WebhookFilters", "onMessageSent"),
            ("WebhookFilters", "onMediaMessageSend"),
            ("WebhookFilters", "onMediaMessageSent"),
        ],
        false,
    )
    .await;
    assert_eq!(status, 200);
    let (_, channel) = call(
        &chat,
        "POST",
        &format!("/v2/Services/{service}/Channels"),
        &[],
        false,
    )
    .await;
    let messages = format!("/v2/Services/{service}/Channels/{}/Messages", sid(&channel));
    let media = common::upload(&chat, &service, "a.txt", "bytes").await;

    let (status, message) = call(
        &chat,
        "POST",
        &messages,
        &[("MediaSid", media.as_str())],
        true,
    )
    .await;
    assert_eq!(status, 201, "{message}");
    let before = next(&mut rx).await;
    assert_eq!(
        (before.path.as_str(), before.get("EventType")),
        ("/pre", Some("onMediaMessageSend"))
    );
    let after = next(&mut rx).await;
    assert_eq!(
        (after.path.as_str(), after.get("EventType")),
        ("/post", Some("onMediaMessageSent"))
    );
    assert_eq!(after.get("MessageSid"), message["sid"].as_str());
    assert_eq!(after.get("MediaSid"), Some(media.as_str()));

    call(&chat, "POST", &messages, &[("Body", "words")], true).await;
    let before = next(&mut rx).await;
    assert_eq!(
        (before.path.as_str(), before.get("EventType")),
        ("/pre", Some("onMessageSend"))
    );
    let after = next(&mut rx).await;
    assert_eq!(
        (after.path.as_str(), after.get("EventType")),
        ("/post", Some("onMessageSent"))
    );
    nothing_more(&mut rx).await;
}

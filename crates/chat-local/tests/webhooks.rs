//! Post-event webhooks: sent to the service's `post_webhook_url` for events in its `webhook_filters`, only for
//! REST changes made with `X-Twilio-Webhook-Enabled: true`, signed so that the runtime's validator accepts them.

mod common;

use std::time::Duration;

use axum::http::Method;
use common::receiver::{acknowledge, next, receiver};
use twilio_chat_v2::models;
use twilio_chat_v2::runtime::webhook::RequestValidator;

#[tokio::test]
async fn signed_post_event_webhooks_for_filtered_events_only() {
    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let client = chat.client();
    let service = client.services().create("hooks").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .post_webhook_url(format!("{base}/hook"))
        .webhook_filters(["onMessageSent", "onMemberRemoved"])
        .await
        .unwrap();
    let svc = client.service(&service);
    // onChannelAdded is not in the filters.
    let channel = svc
        .channels()
        .create()
        .webhook_enabled(models::WebhookEnabledType::True)
        .await
        .unwrap()
        .sid;
    let chan = svc.channel(&channel);
    // Without the header, REST changes fire nothing.
    chan.messages().create().body("quiet").await.unwrap();
    let member = chan.members().create("ana").await.unwrap().sid;
    let message = chan
        .messages()
        .create()
        .body("Hello & welcome")
        .from("ana")
        .webhook_enabled(models::WebhookEnabledType::True)
        .await
        .unwrap();

    let sent = next(&mut rx).await;
    assert_eq!(sent.method, Method::POST);
    assert_eq!(sent.url, format!("{base}/hook"));
    assert_eq!(sent.get("EventType"), Some("onMessageSent"), "{sent:?}");
    assert_eq!(sent.get("MessageSid"), Some(message.sid.as_str()));
    assert_eq!(sent.get("ChannelSid"), Some(channel.as_str()));
    assert_eq!(sent.get("InstanceSid"), Some(service.as_str()));
    assert_eq!(sent.get("Body"), Some("Hello & welcome"));
    assert_eq!(sent.get("From"), Some("ana"));
    assert_eq!(sent.get("Index"), Some("1"));
    assert_eq!(sent.get("Source"), Some("API"));
    let validator = RequestValidator::new(chat.credentials().auth_token());
    assert!(
        validator.validate(&sent.url, &sent.params, &sent.signature),
        "{sent:?}"
    );
    let other = RequestValidator::new("another token");
    assert!(!other.validate(&sent.url, &sent.params, &sent.signature));

    // GET webhooks carry the parameters in the query and sign the whole URL.
    client
        .service(&service)
        .update()
        .webhook_method(models::UpdateServiceWebhookMethod::Get)
        .await
        .unwrap();
    chan.member(&member)
        .delete()
        .webhook_enabled(models::WebhookEnabledType::True)
        .await
        .unwrap();
    let removed = next(&mut rx).await;
    assert_eq!(removed.method, Method::GET);
    assert!(removed.params.is_empty());
    let query: Vec<(String, String)> = url::Url::parse(&removed.url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert!(
        query.contains(&("EventType".to_owned(), "onMemberRemoved".to_owned())),
        "{removed:?}"
    );
    assert!(
        query.contains(&("Identity".to_owned(), "ana".to_owned())),
        "{removed:?}"
    );
    let no_params: [(&str, &str); 0] = [];
    assert!(
        validator.validate(&removed.url, &no_params, &removed.signature),
        "{removed:?}"
    );

    // Nothing else was sent (the quiet message and the channel).
    assert!(
        tokio::time::timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_err()
    );
}

/// Every event the service sends reads back through the typed webhook reader with every parameter in a typed field
/// and every value known: no unknown event or enum value, attributes that are JSON, dates that parse.
#[tokio::test]
async fn every_event_sent_reads_back_fully_typed() {
    use std::collections::BTreeSet;
    use twilio_chat_v2::webhook::{ChannelWebhookType, ChatEvent, ChatWebhook, WebhookSource};

    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver(acknowledge).await;
    let client = chat.client();
    let sent_events: BTreeSet<&str> = twilio_chat_local::events()
        .iter()
        .map(|e| e.event_type)
        .collect();
    let service = client.services().create("typed").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .post_webhook_url(format!("{base}/hook"))
        .webhook_filters(sent_events.iter().copied())
        .await
        .unwrap();
    let svc = client.service(&service);
    let on = models::WebhookEnabledType::True;
    let channel = svc
        .channels()
        .create()
        .unique_name("general")
        .attributes(r#"{"topic":"all"}"#)
        .webhook_enabled(on.clone())
        .await
        .unwrap()
        .sid;
    let chan = svc.channel(&channel);
    chan.update()
        .friendly_name("General")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    let user = svc
        .users()
        .create("ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap()
        .sid;
    svc.user(&user)
        .update()
        .friendly_name("Ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    let member = chan
        .members()
        .create("ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap()
        .sid;
    chan.member(&member)
        .update()
        .last_consumed_message_index(0)
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    let message = chan
        .messages()
        .create()
        .body("hi")
        .from("ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap()
        .sid;
    // A media message fires the media event.
    let media = common::upload(&chat, &service, "a.txt", "file").await;
    chan.messages()
        .create()
        .media_sid(&media)
        .from("ana")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    chan.message(&message)
        .update()
        .body("hi!")
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    chan.message(&message)
        .delete()
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    chan.member(&member)
        .delete()
        .webhook_enabled(on.clone())
        .await
        .unwrap();
    svc.channel(&channel)
        .delete()
        .webhook_enabled(on.clone())
        .await
        .unwrap();

    let mut received = BTreeSet::new();
    for _ in 0..sent_events.len() {
        let delivery = next(&mut rx).await;
        let hook = ChatWebhook::from_params(delivery.params.clone())
            .unwrap_or_else(|e| panic!("{e}: {delivery:?}"));
        assert!(!matches!(hook.event, ChatEvent::Unknown(_)), "{delivery:?}");
        assert_eq!(hook.common.source, Some(WebhookSource::Api));
        assert_eq!(hook.common.webhook_type, Some(ChannelWebhookType::Webhook));
        assert_eq!(hook.common.service_sid.as_deref(), Some(service.as_str()));
        let typed = serde_json::to_value(&hook).unwrap();
        let payload = typed["event"]
            .as_object()
            .and_then(|o| o.values().next())
            .cloned()
            .unwrap();
        // Every parameter sent (besides EventType) is in a typed field; a group's parameters are in its struct.
        fn filled(v: &serde_json::Value) -> usize {
            v.as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| if k == "media" { filled(v) } else { 1 })
                .sum()
        }
        assert_eq!(
            filled(&typed["common"]) - 1 + filled(&payload),
            delivery.params.len() - 1,
            "a parameter is not read into a typed field: {delivery:?}\n{typed:#}"
        );
        // Every value is known.
        let text = payload.to_string();
        assert!(!text.contains("\"Raw\""), "{text}");
        assert!(!text.contains("\"utc\":null"), "{text}");
        if let Some(kind) = payload.get("channel_type").and_then(|v| v.as_str()) {
            assert!(
                !matches!(
                    models::ChannelType::from(kind),
                    models::ChannelType::Unknown(_)
                ),
                "{text}"
            );
        }
        received.insert(hook.common.event_type.clone());
    }
    let expected: BTreeSet<String> = sent_events.iter().map(|e| (*e).to_owned()).collect();
    assert_eq!(received, expected);
}

//! The example backend as a Chat service's pre- and post-event URL, end to end: the local service (with pre-events
//! fired by REST calls, `Config::pre_events_from_rest`) calls the backend before each action and honours its
//! answers. A message with a blocked word is refused, a padded one is stored trimmed and tagged, a channel without
//! a unique name gets one, a member who is not a registered user is refused; the backend records the post-events.

use std::net::SocketAddr;

use chat_backend_example::{AppState, Config, serve};
use twilio_chat_local::{Outcome, Timing};
use twilio_rest_runtime::webhook::UrlSource;

/// Starts the backend on 127.0.0.1 with the local service's auth token; its webhook URL, and a sender that stops it.
async fn backend(auth_token: &str) -> (String, AppState, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let url = format!("http://{addr}/webhooks/chat");
    let state = AppState::new(Config {
        auth_token: auth_token.to_owned(),
        url_source: UrlSource::exact(&url).unwrap(),
        max_body_bytes: 64 * 1024,
        blocked_words: vec!["spam".to_owned()],
        users: vec![("alice".to_owned(), "alice-pw".to_owned())],
        tokens: None,
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = state.clone();
    tokio::spawn(async move {
        let _ = serve(listener, served, async {
            let _ = stopped.await;
        })
        .await;
    });
    (url, state, stop)
}

#[tokio::test]
async fn the_backend_moderates_actions_of_the_local_service() {
    let chat = twilio_chat_local::start_with(twilio_chat_local::Config {
        pre_events_from_rest: true,
        ..twilio_chat_local::Config::default()
    })
    .await
    .unwrap();
    let (url, state, _stop) = backend(chat.credentials().auth_token()).await;
    let client = chat.client();
    let service = client.services().create("moderated").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .pre_webhook_url(&url)
        .post_webhook_url(&url)
        .webhook_filters([
            "onMessageSend",
            "onChannelAdd",
            "onMemberAdd",
            "onMessageSent",
        ])
        .send()
        .await
        .unwrap();

    // A channel created without a unique name gets one made from its friendly name.
    let channel = client
        .service(&service)
        .channels()
        .create()
        .friendly_name("Team Room")
        .send()
        .await
        .unwrap();
    assert_eq!(channel.unique_name.as_deref(), Some("team-room"));
    let channel = channel.sid;

    // A blocked word: refused, nothing stored.
    let refused = client
        .service(&service)
        .channel(&channel)
        .messages()
        .create()
        .body("buy SPAM now")
        .from("alice")
        .send()
        .await
        .unwrap_err();
    let api = refused.api_error().expect("Twilio's error");
    assert_eq!((api.status, api.code), (403, Some(20403)), "{refused}");
    let text = api.message.as_deref().unwrap_or_default();
    assert!(text.contains("onMessageSend"), "{text}");
    assert!(chat.state().records("Message").is_empty());

    // Padded: stored trimmed, with the attributes the backend added.
    let message = client
        .service(&service)
        .channel(&channel)
        .messages()
        .create()
        .body("   hello there  ")
        .from("alice")
        .webhook_enabled(twilio_chat_v2::models::WebhookEnabledType::True)
        .send()
        .await
        .unwrap();
    assert_eq!(message.body.as_deref(), Some("hello there"));
    let attributes: serde_json::Value =
        serde_json::from_str(message.attributes.as_deref().unwrap()).unwrap();
    assert_eq!(attributes["moderated"], true);
    let stored = chat.state().records("Message");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["body"], "hello there");

    // A member who is not a registered user: refused.
    let stranger = client
        .service(&service)
        .channel(&channel)
        .members()
        .create("mallory")
        .await
        .unwrap_err();
    assert_eq!(stranger.api_error().map(|e| e.status), Some(403));
    client
        .service(&service)
        .channel(&channel)
        .members()
        .create("alice")
        .await
        .unwrap();

    // The delivery log shows what each answer did.
    let deliveries = chat.state().deliveries();
    let pre: Vec<(&str, &Outcome)> = deliveries
        .iter()
        .filter(|d| d.timing == Timing::Pre)
        .map(|d| (d.event_type.as_str(), &d.outcome))
        .collect();
    assert_eq!(pre.len(), 5, "{pre:?}");
    assert!(matches!(pre[0], ("onChannelAdd", Outcome::Modified(_))));
    assert_eq!(pre[1], ("onMessageSend", &Outcome::Rejected));
    match pre[2] {
        ("onMessageSend", Outcome::Modified(changes)) => {
            assert!(changes.contains(&("Body".to_owned(), "hello there".to_owned())));
        }
        other => panic!("expected the trimmed body, got {other:?}"),
    }
    assert_eq!(pre[3], ("onMemberAdd", &Outcome::Rejected));
    assert_eq!(pre[4], ("onMemberAdd", &Outcome::Allowed));
    assert!(deliveries.iter().all(|d| d.signature.len() == 28));

    // The post-event of the message reached the backend, verified.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let events = state.events();
        if events.iter().any(|e| e.starts_with("onMessageSent IM")) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{events:?}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

//! Post-event webhooks: sent to the service's `post_webhook_url` for events in its `webhook_filters`, only for
//! REST changes made with `X-Twilio-Webhook-Enabled: true`, signed so that the runtime's validator accepts them.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use tokio::sync::mpsc;
use twilio_chat_v2::models;
use twilio_chat_v2::runtime::webhook::RequestValidator;

/// One request the receiver got: method, URL as sent, signature header, form parameters of the body.
#[derive(Debug)]
struct Received {
    method: Method,
    url: String,
    signature: String,
    params: Vec<(String, String)>,
}

impl Received {
    fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A receiver on 127.0.0.1: its base URL and the requests it gets.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let url_base = base.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let url_base = url_base.clone();
            async move {
                let params = url::form_urlencoded::parse(&body).into_owned().collect();
                let signature = headers
                    .get("x-twilio-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let _ = tx.send(Received {
                    method,
                    url: format!("{url_base}{uri}"),
                    signature,
                    params,
                });
                ""
            }
        },
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a webhook within 5 s")
        .unwrap()
}

#[tokio::test]
async fn signed_post_event_webhooks_for_filtered_events_only() {
    let chat = twilio_chat_local::start().await.unwrap();
    let (base, mut rx) = receiver().await;
    let client = chat.client();
    let service = client
        .services()
        .create("hooks")
        .await
        .unwrap()
        .sid
        .unwrap();
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
        .sid
        .unwrap();
    let chan = svc.channel(&channel);
    // Without the header, REST changes fire nothing.
    chan.messages().create().body("quiet").await.unwrap();
    let member = chan.members().create("ana").await.unwrap().sid.unwrap();
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
    assert_eq!(sent.get("MessageSid"), message.sid.as_deref());
    assert_eq!(sent.get("ChannelSid"), Some(channel.as_str()));
    assert_eq!(sent.get("InstanceSid"), Some(service.as_str()));
    assert_eq!(sent.get("Body"), Some("Hello & welcome"));
    assert_eq!(sent.get("From"), Some("ana"));
    assert_eq!(sent.get("Index"), Some("1"));
    assert_eq!(sent.get("Source"), Some("api"));
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

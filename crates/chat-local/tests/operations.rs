//! Every Chat v2 operation against the local service through the generated client, with an observer proving that
//! each operation of the route table was answered with a success; then records, defaults and behaviours.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt as _;
use serde_json::{Value, json};
use twilio_chat_local::LocalChat;
use twilio_chat_v2::runtime::{Exchange, Observer};
use twilio_chat_v2::{Client, Credentials, models};

/// Operation ids answered with a 2xx status, with the last JSON body each returned.
#[derive(Debug, Default)]
struct Succeeded(Mutex<BTreeMap<&'static str, Option<Value>>>);

impl Observer for Succeeded {
    fn on_exchange(&self, exchange: &Exchange) {
        if exchange.status.is_some_and(|s| (200..300).contains(&s)) {
            let body = exchange
                .response_body
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok());
            self.0.lock().unwrap().insert(exchange.operation, body);
        }
    }
}

/// The key paths of a JSON value (`links.user`, `messages[].sid`), nested objects and first array items included.
fn shape(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = format!("{prefix}{key}");
                out.insert(path.clone());
                shape(inner, &format!("{path}."), out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                shape(first, &format!("{}[].", prefix.trim_end_matches('.')), out);
            }
        }
        _ => {}
    }
}

/// The example body of an operation's success response in the description.
fn example(spec: &Value, operation: &str) -> Option<Value> {
    spec["paths"].as_object()?.values().find_map(|item| {
        item.as_object()?.values().find_map(|op| {
            if op["operationId"] != operation {
                return None;
            }
            op["responses"].as_object()?.iter().find_map(|(code, r)| {
                let examples = r
                    .pointer("/content/application~1json/examples")?
                    .as_object()?;
                code.starts_with('2')
                    .then(|| examples.values().next()?.get("value").cloned())
                    .flatten()
            })
        })
    })
}

fn observed_client(chat: &LocalChat, observer: Arc<Succeeded>) -> Client {
    let credentials = Credentials::auth_token(
        chat.credentials().account_sid(),
        chat.credentials().auth_token(),
    )
    .unwrap();
    Client::builder()
        .base_url(chat.base_url())
        .allow_insecure_http(true)
        .credentials(credentials)
        .observer(observer)
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_operation_succeeds_through_the_generated_client() {
    let chat = twilio_chat_local::start().await.unwrap();
    let observer = Arc::new(Succeeded::default());
    let client = observed_client(&chat, Arc::clone(&observer));

    // Credentials.
    let credential = client
        .credentials()
        .create(models::CredentialPushService::Fcm)
        .friendly_name("push")
        .secret("server key")
        .sandbox(true)
        .await
        .unwrap();
    let cr = credential.sid.clone();
    assert!(cr.starts_with("CR") && cr.len() == 34, "{cr}");
    assert_eq!(credential.sandbox.as_deref(), Some("true"));
    let listed = client.credentials().list().await.unwrap();
    assert_eq!(listed.records.len(), 1);
    let fetched = client.credential(&cr).fetch().await.unwrap();
    assert_eq!(fetched.friendly_name.as_deref(), Some("push"));
    let updated = client
        .credential(&cr)
        .update()
        .friendly_name("renamed")
        .await
        .unwrap();
    assert_eq!(updated.friendly_name.as_deref(), Some("renamed"));
    assert_eq!(
        updated.sandbox.as_deref(),
        Some("true"),
        "fields not sent keep their value"
    );

    // Services.
    let service = client.services().create("Support").await.unwrap();
    let is = service.sid.clone();
    assert!(is.starts_with("IS"));
    assert_eq!(service.friendly_name.as_str(), "Support");
    assert_eq!(service.url, format!("{}/v2/Services/{is}", chat.base_url()));
    assert_eq!(client.services().list().await.unwrap().records.len(), 1);
    assert_eq!(client.service(&is).fetch().await.unwrap().sid, is);
    let service = client
        .service(&is)
        .update()
        .friendly_name("Help desk")
        .reachability_enabled(true)
        .notifications_new_message_enabled(true)
        .limits_channel_members(10)
        .await
        .unwrap();
    assert_eq!(service.friendly_name.as_str(), "Help desk");
    assert_eq!(service.reachability_enabled, Some(true));
    let raw = &chat.state().records("Service")[0];
    assert_eq!(raw["notifications"]["new_message"]["enabled"], json!(true));
    assert_eq!(raw["limits"]["channel_members"], json!(10));
    let svc = client.service(&is);

    // Roles.
    let role = svc
        .roles()
        .create(
            "moderator",
            models::RoleType::Channel,
            ["sendMessage", "deleteAnyMessage"],
        )
        .await
        .unwrap();
    let rl = role.sid.clone();
    assert!(rl.starts_with("RL"));
    assert_eq!(
        role.permissions,
        Some(vec![
            "sendMessage".to_owned(),
            "deleteAnyMessage".to_owned()
        ])
    );
    let roles = svc.roles().list().await.unwrap();
    assert_eq!(roles.records.len(), 5, "four default roles and one created");
    assert_eq!(
        svc.role(&rl).fetch().await.unwrap().friendly_name.as_str(),
        "moderator"
    );
    let role = svc.role(&rl).update(["sendMessage"]).await.unwrap();
    assert_eq!(role.permissions, Some(vec!["sendMessage".to_owned()]));

    // Users.
    let user = svc
        .users()
        .create("alice")
        .friendly_name("Alice")
        .await
        .unwrap();
    let us = user.sid.clone();
    assert!(us.starts_with("US"));
    assert_eq!(svc.users().list().await.unwrap().records.len(), 1);
    assert_eq!(
        svc.user("alice").fetch().await.unwrap().sid,
        us,
        "by identity"
    );
    let user = svc
        .user(&us)
        .update()
        .attributes(r#"{"team":"blue"}"#)
        .await
        .unwrap();
    assert_eq!(user.attributes.as_deref(), Some(r#"{"team":"blue"}"#));
    assert_eq!(user.friendly_name.as_deref(), Some("Alice"));

    // Channels.
    let channel = svc
        .channels()
        .create()
        .friendly_name("General")
        .unique_name("general")
        .type_(models::ChannelType::Private)
        .await
        .unwrap();
    let ch = channel.sid.clone();
    assert!(ch.starts_with("CH"));
    assert_eq!(svc.channels().list().await.unwrap().records.len(), 1);
    assert_eq!(
        svc.channel("general").fetch().await.unwrap().sid,
        ch,
        "by unique name"
    );
    let channel = svc
        .channel(&ch)
        .update()
        .friendly_name("Everyone")
        .await
        .unwrap();
    assert_eq!(channel.friendly_name.as_deref(), Some("Everyone"));
    assert_eq!(channel.unique_name.as_deref(), Some("general"));
    let chan = svc.channel(&ch);

    // Members.
    let member = chan.members().create("alice").await.unwrap();
    let mb = member.sid.clone();
    assert!(mb.starts_with("MB"));
    let bob = chan.members().create("bob").await.unwrap();
    assert_eq!(chan.members().list().await.unwrap().records.len(), 2);
    assert_eq!(
        chan.member("alice").fetch().await.unwrap().sid,
        mb,
        "by identity"
    );
    let member = chan
        .member(&mb)
        .update()
        .last_consumed_message_index(0)
        .await
        .unwrap();
    assert_eq!(member.last_consumed_message_index, Some(0));

    // Messages.
    let first = chan
        .messages()
        .create()
        .body("hello")
        .from("alice")
        .await
        .unwrap();
    let second = chan
        .messages()
        .create()
        .body("hi")
        .from("bob")
        .await
        .unwrap();
    assert_eq!((first.index, second.index), (0, 1));
    let im = first.sid.clone();
    assert!(im.starts_with("IM"));
    assert_eq!(chan.messages().list().await.unwrap().records.len(), 2);
    assert_eq!(
        chan.message(&im).fetch().await.unwrap().body.as_deref(),
        Some("hello")
    );
    let edited = chan
        .message(&im)
        .update()
        .body("hello, world")
        .await
        .unwrap();
    assert_eq!(edited.was_edited, Some(true));
    assert_eq!(edited.from.as_deref(), Some("alice"));

    // Invites.
    let invite = chan.invites().create("carol").await.unwrap();
    let inv = invite.sid.clone();
    assert!(inv.starts_with("IN"));
    assert_eq!(chan.invites().list().await.unwrap().records.len(), 1);
    assert_eq!(
        chan.invite(&inv).fetch().await.unwrap().identity.as_str(),
        "carol"
    );

    // Channel webhooks.
    let webhook = chan
        .webhooks()
        .create(models::ChannelWebhookType::Webhook)
        .configuration_url("https://example.com/hook")
        .configuration_filters(["onMessageSent"])
        .await
        .unwrap();
    let wh = webhook.sid.clone();
    assert!(wh.starts_with("WH"));
    assert_eq!(chan.webhooks().list().await.unwrap().records.len(), 1);
    assert!(
        chan.webhook(&wh)
            .fetch()
            .await
            .unwrap()
            .configuration
            .is_some()
    );
    chan.webhook(&wh)
        .update()
        .configuration_url("https://example.com/other")
        .await
        .unwrap();
    let raw = &chat.state().records("ChannelWebhook")[0];
    assert_eq!(
        raw["configuration"]["url"],
        json!("https://example.com/other")
    );
    assert_eq!(raw["configuration"]["filters"], json!(["onMessageSent"]));

    // User channels: alice's membership seen from alice.
    let ucs = svc.user(&us).channels().list().await.unwrap();
    assert_eq!(ucs.records.len(), 1);
    let uc = svc.user(&us).channel(&ch).fetch().await.unwrap();
    assert_eq!(uc.member_sid.as_deref(), Some(mb.as_str()));
    assert_eq!(
        uc.unread_messages_count,
        Some(1),
        "consumed index 0 of messages 0 and 1"
    );
    let uc = svc
        .user("alice")
        .channel("general")
        .update()
        .notification_level(models::UserChannelNotificationLevel::Muted)
        .last_consumed_message_index(1)
        .await
        .unwrap();
    assert_eq!(
        uc.notification_level,
        Some(models::UserChannelNotificationLevel::Muted)
    );
    assert_eq!(uc.unread_messages_count, Some(0));
    let uc_raw = chat.state().records("Member");
    assert_eq!(uc_raw.len(), 2);
    let uc = svc.user(&us).channel(&ch).fetch().await.unwrap();
    let links = serde_json::to_value(&uc.links).unwrap();
    let base = chat.base_url();
    assert_eq!(
        links["member"],
        json!(format!(
            "{base}/v2/Services/{is}/Channels/{ch}/Members/{mb}"
        ))
    );
    assert_eq!(
        links["messages"],
        json!(format!("{base}/v2/Services/{is}/Channels/{ch}/Messages"))
    );
    assert_eq!(
        uc.url,
        format!("{base}/v2/Services/{is}/Users/{us}/Channels/{ch}")
    );

    // Bindings cannot be created through the API; seed one.
    let binding = chat
        .state()
        .insert(
            "Binding",
            json!({"service_sid": is, "identity": "alice", "binding_type": "fcm", "endpoint": "device-1", "credential_sid": cr}),
        )
        .unwrap();
    let bs = models::BindingSid::from_wire(binding["sid"].as_str().unwrap());
    let base = chat.base_url();
    assert_eq!(
        binding["links"]["user"],
        json!(format!("{base}/v2/Services/{is}/Users/{us}")),
        "a binding links to the user with its identity"
    );
    assert!(bs.starts_with("BS"));
    assert_eq!(svc.bindings().list().await.unwrap().records.len(), 1);
    assert_eq!(
        svc.binding(&bs).fetch().await.unwrap().identity.as_str(),
        "alice"
    );
    assert_eq!(
        svc.user(&us).bindings().list().await.unwrap().records.len(),
        1
    );
    let ub = svc.user(&us).binding(&bs).fetch().await.unwrap();
    assert_eq!(Some(ub.user_sid.as_str()), Some(us.as_str()));
    svc.user(&us).binding(&bs).delete().await.unwrap();
    let second_binding = chat
        .state()
        .insert(
            "Binding",
            json!({"service_sid": is, "identity": "bob", "binding_type": "apn"}),
        )
        .unwrap();
    svc.binding(&models::BindingSid::from_wire(
        second_binding["sid"].as_str().unwrap(),
    ))
    .delete()
    .await
    .unwrap();
    assert!(chat.state().records("Binding").is_empty());

    // Deletes, innermost first.
    svc.user(&us).channel(&ch).delete().await.unwrap();
    assert!(chan.member(&mb).fetch().await.unwrap_err().is_not_found());
    chan.member(&bob.sid).delete().await.unwrap();
    chan.message(&im).delete().await.unwrap();
    chan.invite(&inv).delete().await.unwrap();
    chan.webhook(&wh).delete().await.unwrap();
    svc.channel(&ch).delete().await.unwrap();
    svc.user(&us).delete().await.unwrap();
    svc.role(&rl).delete().await.unwrap();
    client.service(&is).delete().await.unwrap();
    client.credential(&cr).delete().await.unwrap();
    assert!(
        client
            .service(&is)
            .fetch()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let succeeded = observer.0.lock().unwrap().clone();
    // The Chat v2 REST operations (`/v2/...`); media operations of the Media Content Service have their own tests.
    let chat_routes: Vec<&str> = twilio_chat_local::routes()
        .iter()
        .filter(|r| r.path.starts_with("/v2/"))
        .map(|r| r.operation_id)
        .collect();
    assert_eq!(chat_routes.len(), 54);
    let missing: Vec<&str> = chat_routes
        .into_iter()
        .filter(|id| !succeeded.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "operations never answered with success: {missing:?}"
    );

    // Each answer has the keys of the description's example answer, nested ones included.
    let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/chat-v2.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
    let mut compared = 0;
    let mut differences = Vec::new();
    for (operation, body) in &succeeded {
        let (Some(body), Some(example)) = (body, example(&spec, operation)) else {
            continue;
        };
        let (mut ours, mut theirs) = (BTreeSet::new(), BTreeSet::new());
        shape(body, "", &mut ours);
        shape(&example, "", &mut theirs);
        // Notification templates and sounds appear only once set; the example has them set.
        theirs.retain(|k| {
            !(k.contains("notifications.")
                && [".template", ".sound", ".badge_count_enabled"]
                    .iter()
                    .any(|end| k.ends_with(end)))
        });
        compared += 1;
        if ours != theirs {
            differences.push(format!(
                "{operation}: only ours {:?}, only the example {:?}",
                ours.difference(&theirs).collect::<Vec<_>>(),
                theirs.difference(&ours).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        compared >= 40,
        "only {compared} answers had an example to compare"
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[tokio::test]
async fn channel_counts_message_indexes_and_cascading_deletes() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let svc = client.service(&is);
    let ch = svc.channels().create().await.unwrap().sid;
    let chan = svc.channel(&ch);
    for identity in ["a", "b", "c"] {
        chan.members().create(identity).await.unwrap();
    }
    for body in ["1", "2", "3", "4"] {
        chan.messages().create().body(body).await.unwrap();
    }
    let channel = chan.fetch().await.unwrap();
    assert_eq!(
        (channel.members_count, channel.messages_count),
        (Some(3), Some(4))
    );
    assert_eq!(
        channel.type_,
        Some(models::ChannelType::Public),
        "default type"
    );

    // Indexes are not reused after a delete.
    let last = chan
        .messages()
        .list()
        .order(models::MessageOrderType::Desc)
        .await
        .unwrap();
    assert_eq!(last.records[0].index, 3);
    chan.message(&last.records[0].sid).delete().await.unwrap();
    let next = chan.messages().create().body("5").await.unwrap();
    assert_eq!(next.index, 4);
    assert_eq!(next.from.as_deref(), Some("system"));

    // A member with a new identity makes the user.
    let users = svc.users().list().await.unwrap();
    assert_eq!(users.records.len(), 3);
    assert_eq!(
        svc.user("a").fetch().await.unwrap().joined_channels_count,
        Some(1)
    );

    // Deleting the channel deletes its members and messages.
    chan.delete().await.unwrap();
    assert!(chat.state().records("Member").is_empty());
    assert!(chat.state().records("Message").is_empty());
    assert!(chan.fetch().await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn streams_follow_next_page_urls_across_pages() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let chan = client.service(&is).channel("lobby");
    client
        .service(&is)
        .channels()
        .create()
        .unique_name("lobby")
        .await
        .unwrap();
    for i in 0..7 {
        chan.messages()
            .create()
            .body(format!("m{i}"))
            .await
            .unwrap();
    }
    let page = chan.messages().list().page_size(3).await.unwrap();
    assert_eq!(page.records.len(), 3);
    assert_eq!(page.meta.page_size, Some(3));
    let next = page.next_page_url().unwrap().to_owned();
    assert!(next.starts_with(chat.base_url()), "{next}");
    let second = client.runtime().next_page(&page).await.unwrap().unwrap();
    let third = client.runtime().next_page(&second).await.unwrap().unwrap();
    assert_eq!(second.meta.page, Some(1));
    assert_eq!(third.records.len(), 1);
    assert!(third.next_page_url().is_none());
    assert!(client.runtime().next_page(&third).await.unwrap().is_none());

    let bodies: Vec<String> = chan
        .messages()
        .list()
        .page_size(3)
        .stream()
        .map_ok(|m| m.body.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(bodies, (0..7).map(|i| format!("m{i}")).collect::<Vec<_>>());
    let desc: Vec<i64> = chan
        .messages()
        .list()
        .order(models::MessageOrderType::Desc)
        .page_size(2)
        .stream()
        .map_ok(|m| m.index)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(desc, vec![6, 5, 4, 3, 2, 1, 0]);
}

#[tokio::test]
async fn list_filters() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let svc = client.service(&is);
    svc.channels()
        .create()
        .type_(models::ChannelType::Private)
        .await
        .unwrap();
    svc.channels().create().await.unwrap();
    svc.channels().create().await.unwrap();
    let private = svc
        .channels()
        .list()
        .type_([models::ChannelType::Private])
        .await
        .unwrap();
    assert_eq!(private.records.len(), 1);
    let public = svc
        .channels()
        .list()
        .type_([models::ChannelType::Public])
        .await
        .unwrap();
    assert_eq!(public.records.len(), 2);
    let both = svc
        .channels()
        .list()
        .type_([models::ChannelType::Public, models::ChannelType::Private])
        .await
        .unwrap();
    assert_eq!(both.records.len(), 3);

    let ch = private.records[0].sid.clone();
    let chan = svc.channel(&ch);
    for identity in ["ann", "ben", "cat"] {
        chan.members().create(identity).await.unwrap();
        chan.invites().create(identity).await.unwrap();
    }
    let members = chan
        .members()
        .list()
        .identity(["ben", "cat"])
        .await
        .unwrap();
    let names: Vec<_> = members
        .records
        .iter()
        .map(|m| m.identity.clone().unwrap())
        .collect();
    assert_eq!(names, ["ben", "cat"]);
    assert_eq!(
        chan.invites()
            .list()
            .identity(["ann"])
            .await
            .unwrap()
            .records
            .len(),
        1
    );

    for (identity, kind) in [("ann", "apn"), ("ann", "fcm"), ("ben", "fcm")] {
        chat.state()
            .insert(
                "Binding",
                json!({"service_sid": is, "identity": identity, "binding_type": kind}),
            )
            .unwrap();
    }
    let fcm = svc
        .bindings()
        .list()
        .binding_type([models::BindingType::Fcm])
        .await
        .unwrap();
    assert_eq!(fcm.records.len(), 2);
    let anns = svc.bindings().list().identity(["ann"]).await.unwrap();
    assert_eq!(anns.records.len(), 2);
    let ann_apn = svc
        .user("ann")
        .bindings()
        .list()
        .binding_type([models::UserBindingType::Apn])
        .await
        .unwrap();
    assert_eq!(ann_apn.records.len(), 1);
}

#[tokio::test]
async fn documented_error_codes() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let missing = client
        .service(&"IS00000000000000000000000000000000".parse().unwrap())
        .fetch()
        .await
        .unwrap_err();
    assert_eq!((missing.status(), missing.code()), (Some(404), Some(20404)));
    assert_eq!(
        missing.more_info(),
        Some("https://www.twilio.com/docs/errors/20404")
    );

    let is = client.services().create("s").await.unwrap().sid;
    let svc = client.service(&is);
    svc.channels().create().unique_name("dup").await.unwrap();
    let dup = svc
        .channels()
        .create()
        .unique_name("dup")
        .await
        .unwrap_err();
    assert_eq!((dup.status(), dup.code()), (Some(409), Some(50307)));
    svc.users().create("u").await.unwrap();
    let dup = svc.users().create("u").await.unwrap_err();
    assert_eq!((dup.status(), dup.code()), (Some(409), Some(50201)));
    svc.channel("dup").members().create("u").await.unwrap();
    let dup = svc.channel("dup").members().create("u").await.unwrap_err();
    assert_eq!((dup.status(), dup.code()), (Some(409), Some(50404)));

    // A parent that does not exist.
    let orphan = svc
        .channel("nope")
        .messages()
        .create()
        .body("x")
        .await
        .unwrap_err();
    assert_eq!((orphan.status(), orphan.code()), (Some(404), Some(20404)));

    // Wrong credentials.
    let wrong = Client::builder()
        .base_url(chat.base_url())
        .allow_insecure_http(true)
        .credentials(Credentials::auth_token(chat.credentials().account_sid(), "wrong").unwrap())
        .build()
        .unwrap();
    let refused = wrong.services().list().await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(401), Some(20003)));
    assert!(refused.is_auth_error());

    // An API key and its secret are accepted.
    let with_key = Client::builder()
        .base_url(chat.base_url())
        .allow_insecure_http(true)
        .credentials(
            Credentials::api_key(
                chat.credentials().account_sid(),
                chat.credentials().api_key_sid(),
                chat.credentials().api_key_secret(),
            )
            .unwrap(),
        )
        .build()
        .unwrap();
    assert_eq!(with_key.services().list().await.unwrap().records.len(), 1);
}

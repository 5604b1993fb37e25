//! Every Conversations v1 operation through the generated client, with an observer proving that each operation of
//! the generated route table was answered with a success (the client decodes each answer as the description's
//! model, so a success is also the description's shape).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::json;
use twilio_conversations_v1::runtime::{Exchange, Observer};
use twilio_conversations_v1::{Client, Credentials, models};

/// Operation ids answered with a 2xx status.
#[derive(Debug, Default)]
struct Succeeded(Mutex<BTreeSet<&'static str>>);

impl Observer for Succeeded {
    fn on_exchange(&self, exchange: &Exchange) {
        if exchange.status.is_some_and(|s| (200..300).contains(&s)) {
            self.0.lock().unwrap().insert(exchange.operation);
        }
    }
}

#[tokio::test]
async fn every_conversations_operation_succeeds_through_the_generated_client() {
    let local = twilio_chat_local::start().await.unwrap();
    let observer = Arc::new(Succeeded::default());
    let credentials = Credentials::auth_token(
        local.credentials().account_sid(),
        local.credentials().auth_token(),
    )
    .unwrap();
    let c = Client::builder()
        .base_url(local.base_url())
        .allow_insecure_http(true)
        .credentials(credentials)
        .observer(Arc::clone(&observer) as Arc<dyn Observer>)
        .build()
        .unwrap();

    // Account configuration and addresses.
    c.configuration().fetch().await.unwrap();
    c.configuration()
        .update()
        .default_inactive_timer("PT1H")
        .await
        .unwrap();
    let address = c
        .configuration_addresses()
        .create(models::ConfigurationAddressType::Sms, "+15550002222")
        .friendly_name("support line")
        .await
        .unwrap();
    c.configuration_addresses().list().await.unwrap();
    let ig = &address.sid;
    c.configuration_address(ig).fetch().await.unwrap();
    c.configuration_address(ig)
        .update()
        .friendly_name("renamed")
        .await
        .unwrap();
    c.configuration_webhooks().fetch().await.unwrap();
    c.configuration_webhooks()
        .update()
        .post_webhook_url("https://example.com/post")
        .await
        .unwrap();

    // Account-level conversations, in the default service.
    let with = c
        .conversation_with_participants()
        .create()
        .participant([r#"{"identity":"agent"}"#])
        .await
        .unwrap();
    assert!(with.sid.as_str().starts_with("CH"));
    let made = c
        .conversations()
        .create()
        .friendly_name("Account")
        .await
        .unwrap();
    let ch = made.sid.clone();
    c.conversations().list().await.unwrap();
    c.conversation(&ch).fetch().await.unwrap();
    c.conversation(&ch)
        .update()
        .state(models::ConversationState::Inactive)
        .await
        .unwrap();
    let conversation = c.conversation(&ch);
    let sms = conversation
        .participants()
        .create()
        .messaging_binding_address("+15550001111")
        .await
        .unwrap();
    let alice = conversation
        .participants()
        .create()
        .identity("alice")
        .await
        .unwrap();
    conversation.participants().list().await.unwrap();
    conversation.participant("alice").fetch().await.unwrap();
    conversation
        .participant(&alice.sid)
        .update()
        .last_read_message_index(0)
        .await
        .unwrap();
    let message = conversation
        .messages()
        .create()
        .author("alice")
        .body("hi")
        .await
        .unwrap();
    conversation.messages().list().await.unwrap();
    conversation.message(&message.sid).fetch().await.unwrap();
    conversation
        .message(&message.sid)
        .update()
        .body("hello")
        .await
        .unwrap();
    let receipts = conversation
        .message(&message.sid)
        .receipts()
        .list()
        .await
        .unwrap();
    let dy = &receipts.records[0].sid;
    conversation
        .message(&message.sid)
        .receipt(dy)
        .fetch()
        .await
        .unwrap();
    let webhook = conversation
        .webhooks()
        .create(models::ConversationScopedWebhookTarget::Webhook)
        .configuration_url("https://example.com/hook")
        .await
        .unwrap();
    conversation.webhooks().list().await.unwrap();
    conversation.webhook(&webhook.sid).fetch().await.unwrap();
    conversation
        .webhook(&webhook.sid)
        .update()
        .configuration_method(models::ConversationScopedWebhookMethod::Get)
        .await
        .unwrap();
    c.participant_conversations()
        .list()
        .identity("alice")
        .await
        .unwrap();

    // Account-level users, roles and credentials.
    let user = c.users().create("bob").await.unwrap();
    c.users().list().await.unwrap();
    c.user("bob").fetch().await.unwrap();
    c.user(&user.sid)
        .update()
        .friendly_name("Bob")
        .await
        .unwrap();
    c.user("alice").conversations().list().await.unwrap();
    c.user("alice").conversation(&ch).fetch().await.unwrap();
    c.user("alice")
        .conversation(&ch)
        .update()
        .notification_level(models::UserConversationNotificationLevel::Muted)
        .await
        .unwrap();
    let role = c
        .roles()
        .create("helper", models::RoleType::Conversation, ["sendMessage"])
        .await
        .unwrap();
    c.roles().list().await.unwrap();
    c.role(&role.sid).fetch().await.unwrap();
    c.role(&role.sid)
        .update(["sendMessage", "leaveConversation"])
        .await
        .unwrap();
    let credential = c
        .credentials()
        .create(models::CredentialPushType::Fcm)
        .secret("key")
        .await
        .unwrap();
    c.credentials().list().await.unwrap();
    c.credential(&credential.sid).fetch().await.unwrap();
    c.credential(&credential.sid)
        .update()
        .friendly_name("push")
        .await
        .unwrap();

    // A service and everything under it.
    let service = c.services().create("Support").await.unwrap();
    let is = service.sid.clone();
    c.services().list().await.unwrap();
    c.service(&is).fetch().await.unwrap();
    let s = c.service(&is);
    s.configuration().fetch().await.unwrap();
    s.configuration()
        .update()
        .reachability_enabled(true)
        .await
        .unwrap();
    s.configuration_notifications().fetch().await.unwrap();
    s.configuration_notifications()
        .update()
        .log_enabled(true)
        .await
        .unwrap();
    s.configuration_webhooks().fetch().await.unwrap();
    s.configuration_webhooks()
        .update()
        .method("POST")
        .await
        .unwrap();
    s.conversation_with_participants()
        .create()
        .participant([r#"{"identity":"agent"}"#])
        .await
        .unwrap();
    let made = s
        .conversations()
        .create()
        .unique_name("case")
        .await
        .unwrap();
    let sch = made.sid.clone();
    s.conversations().list().await.unwrap();
    s.conversation("case").fetch().await.unwrap();
    s.conversation(&sch)
        .update()
        .friendly_name("Case")
        .await
        .unwrap();
    let sc = s.conversation(&sch);
    let sms_in_service = sc
        .participants()
        .create()
        .messaging_binding_address("+15550003333")
        .await
        .unwrap();
    let carol = sc.participants().create().identity("carol").await.unwrap();
    sc.participants().list().await.unwrap();
    sc.participant("carol").fetch().await.unwrap();
    sc.participant(&carol.sid)
        .update()
        .attributes(r#"{"vip":true}"#)
        .await
        .unwrap();
    let m = sc
        .messages()
        .create()
        .author("carol")
        .body("hi")
        .await
        .unwrap();
    sc.messages().list().await.unwrap();
    sc.message(&m.sid).fetch().await.unwrap();
    sc.message(&m.sid).update().body("edited").await.unwrap();
    let receipts = sc.message(&m.sid).receipts().list().await.unwrap();
    sc.message(&m.sid)
        .receipt(&receipts.records[0].sid)
        .fetch()
        .await
        .unwrap();
    let wh = sc
        .webhooks()
        .create(models::ServiceConversationScopedWebhookTarget::Webhook)
        .configuration_url("https://example.com/hook")
        .await
        .unwrap();
    sc.webhooks().list().await.unwrap();
    sc.webhook(&wh.sid).fetch().await.unwrap();
    sc.webhook(&wh.sid)
        .update()
        .configuration_url("https://example.com/other")
        .await
        .unwrap();
    s.participant_conversations()
        .list()
        .address("+15550003333")
        .await
        .unwrap();
    let srole = s
        .roles()
        .create(
            "helper",
            models::ServiceRoleType::Service,
            ["createConversation"],
        )
        .await
        .unwrap();
    s.roles().list().await.unwrap();
    s.role(&srole.sid).fetch().await.unwrap();
    s.role(&srole.sid)
        .update(["joinConversation"])
        .await
        .unwrap();
    let dave = s.users().create("dave").await.unwrap();
    s.users().list().await.unwrap();
    s.user("dave").fetch().await.unwrap();
    s.user(&dave.sid).update().attributes("{}").await.unwrap();
    s.user("carol").conversations().list().await.unwrap();
    s.user("carol").conversation("case").fetch().await.unwrap();
    s.user("carol")
        .conversation(&sch)
        .update()
        .last_read_message_index(0)
        .await
        .unwrap();
    // Push bindings come from the SDKs: seed one.
    let binding = local
        .state()
        .insert(
            "Binding",
            json!({"service_sid": is.as_str(), "identity": "carol", "binding_type": "fcm"}),
        )
        .unwrap();
    let bs = models::ServiceBindingSid::parse(binding["sid"].as_str().unwrap()).unwrap();
    s.bindings().list().await.unwrap();
    s.binding(&bs).fetch().await.unwrap();

    // Deletes, innermost first.
    s.binding(&bs).delete().await.unwrap();
    s.user("carol").conversation(&sch).delete().await.unwrap();
    s.user(&dave.sid).delete().await.unwrap();
    s.role(&srole.sid).delete().await.unwrap();
    sc.webhook(&wh.sid).delete().await.unwrap();
    sc.message(&m.sid).delete().await.unwrap();
    sc.participant(&sms_in_service.sid).delete().await.unwrap();
    s.conversation(&sch).delete().await.unwrap();
    c.service(&is).delete().await.unwrap();
    c.credential(&credential.sid).delete().await.unwrap();
    c.role(&role.sid).delete().await.unwrap();
    c.user("alice").conversation(&ch).delete().await.unwrap();
    c.user(&user.sid).delete().await.unwrap();
    conversation.webhook(&webhook.sid).delete().await.unwrap();
    conversation.message(&message.sid).delete().await.unwrap();
    conversation.participant(&sms.sid).delete().await.unwrap();
    c.conversation(&ch).delete().await.unwrap();
    c.configuration_address(ig).delete().await.unwrap();

    let succeeded = observer.0.lock().unwrap().clone();
    let missing: Vec<&str> = twilio_chat_local::conversations_routes()
        .iter()
        .map(|r| r.operation_id)
        .filter(|id| !succeeded.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "operations never answered with a success: {missing:?}"
    );
}

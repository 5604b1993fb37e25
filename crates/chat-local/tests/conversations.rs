//! One state, three APIs: the records made through Chat v2 are seen through the generated Conversations v1 client
//! and back (a private channel is a conversation with the same SID, a member is a participant, messages share
//! their SIDs and indexes with `author` as `from`, users are the same records), Chat v3 turns a public channel into
//! a conversation, account-level conversations live in the default conversation service, and an SMS participant
//! keeps its messaging binding and gets delivery receipts.

use serde_json::json;
use twilio_chat_local::LocalChat;
use twilio_chat_v2::models as chat;
use twilio_conversations_v1::models;

fn conversations(local: &LocalChat) -> twilio_conversations_v1::Client {
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

/// A Chat service and the Conversations client over the same local service.
async fn setup() -> (LocalChat, twilio_conversations_v1::Client, chat::ServiceSid) {
    let local = twilio_chat_local::start().await.unwrap();
    let service = local.client().services().create("Support").await.unwrap();
    let client = conversations(&local);
    (local, client, service.sid)
}

#[tokio::test]
async fn a_private_channel_is_a_conversation_and_a_conversation_is_a_private_channel() {
    let (local, conv, is) = setup().await;
    let channel = local
        .client()
        .service(&is)
        .channels()
        .create()
        .friendly_name("Team")
        .unique_name("team")
        .type_(chat::ChannelType::Private)
        .await
        .unwrap();
    let service = conv.service(&is).fetch().await.unwrap();
    assert_eq!(service.sid, is, "a Chat service is a Conversations service");
    let ch: models::ConversationSid = channel.sid.clone();
    let conversation = conv.service(&is).conversation(&ch).fetch().await.unwrap();
    assert_eq!(conversation.sid, ch);
    assert_eq!(conversation.chat_service_sid, is);
    assert_eq!(conversation.friendly_name.as_deref(), Some("Team"));
    assert_eq!(conversation.unique_name.as_deref(), Some("team"));
    assert_eq!(
        conversation.url,
        format!("{}/v1/Services/{is}/Conversations/{ch}", local.base_url())
    );
    let by_name = conv
        .service(&is)
        .conversation("team")
        .fetch()
        .await
        .unwrap();
    assert_eq!(by_name.sid, ch, "by unique name");

    let made = conv
        .service(&is)
        .conversations()
        .create()
        .friendly_name("Made in Conversations")
        .await
        .unwrap();
    assert_eq!(
        made.state,
        Some(models::ServiceConversationState::Active),
        "a new conversation is active"
    );
    let seen = local
        .client()
        .service(&is)
        .channel(&made.sid)
        .fetch()
        .await
        .unwrap();
    assert_eq!(seen.type_, Some(chat::ChannelType::Private));
    assert_eq!(seen.friendly_name.as_deref(), Some("Made in Conversations"));
    let listed = conv.service(&is).conversations().list().await.unwrap();
    assert_eq!(listed.records.len(), 2);

    conv.service(&is)
        .conversation(&made.sid)
        .delete()
        .await
        .unwrap();
    let gone = local.client().service(&is).channel(&made.sid).fetch().await;
    assert_eq!(gone.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn members_are_participants_and_messages_are_shared_with_their_indexes() {
    let (local, conv, is) = setup().await;
    let svc = local.client().service(&is);
    let channel = svc
        .channels()
        .create()
        .type_(chat::ChannelType::Private)
        .await
        .unwrap();
    let ch = channel.sid.clone();
    let alice = svc.channel(&ch).members().create("alice").await.unwrap();
    let conversation = conv.service(&is).conversation(&ch);
    let participant = conversation.participant("alice").fetch().await.unwrap();
    assert_eq!(participant.sid, alice.sid, "a member is a participant");
    assert_eq!(participant.conversation_sid, ch);
    let bob = conversation
        .participants()
        .create()
        .identity("bob")
        .attributes(r#"{"team":"blue"}"#)
        .await
        .unwrap();
    let member = svc.channel(&ch).member("bob").fetch().await.unwrap();
    assert_eq!(member.sid, bob.sid, "a participant is a member");
    assert_eq!(member.attributes.as_deref(), Some(r#"{"team":"blue"}"#));

    let first = svc
        .channel(&ch)
        .messages()
        .create()
        .from("alice")
        .body("from Chat")
        .await
        .unwrap();
    let second = conversation
        .messages()
        .create()
        .author("bob")
        .body("from Conversations")
        .await
        .unwrap();
    assert_eq!((first.index, second.index), (0, 1), "one index sequence");
    let through_conversations = conversation.messages().list().await.unwrap().records;
    assert_eq!(through_conversations.len(), 2);
    assert_eq!(through_conversations[0].sid, first.sid);
    assert_eq!(
        through_conversations[0].author.as_deref(),
        Some("alice"),
        "`from` is `author`"
    );
    assert_eq!(
        through_conversations[1].participant_sid,
        Some(bob.sid.clone())
    );
    let through_chat = svc.channel(&ch).message(&second.sid).fetch().await.unwrap();
    assert_eq!(
        through_chat.from.as_deref(),
        Some("bob"),
        "`author` is `from`"
    );
    assert_eq!(through_chat.body.as_deref(), Some("from Conversations"));

    // Reading through Conversations moves the member's consumption horizon.
    conversation
        .participant(&bob.sid)
        .update()
        .last_read_message_index(1)
        .await
        .unwrap();
    let member = svc.channel(&ch).member(&bob.sid).fetch().await.unwrap();
    assert_eq!(member.last_consumed_message_index, Some(1));
    conversation.participant(&alice.sid).delete().await.unwrap();
    assert_eq!(
        svc.channel(&ch)
            .members()
            .list()
            .await
            .unwrap()
            .records
            .len(),
        1
    );
}

#[tokio::test]
async fn users_and_roles_are_the_same_records() {
    let (local, conv, is) = setup().await;
    let made = conv
        .service(&is)
        .users()
        .create("carol")
        .friendly_name("Carol")
        .await
        .unwrap();
    let user = local
        .client()
        .service(&is)
        .user("carol")
        .fetch()
        .await
        .unwrap();
    assert_eq!(user.sid, made.sid);
    assert_eq!(user.friendly_name.as_deref(), Some("Carol"));
    local
        .client()
        .service(&is)
        .users()
        .create("dave")
        .await
        .unwrap();
    let users = conv.service(&is).users().list().await.unwrap().records;
    assert_eq!(users.len(), 2);
    let roles = conv.service(&is).roles().list().await.unwrap().records;
    assert_eq!(roles.len(), 4, "a Chat service's default roles");
    assert!(
        roles
            .iter()
            .any(|r| r.type_ == Some(models::ServiceRoleType::Conversation))
    );
    let configuration = conv.service(&is).configuration().fetch().await.unwrap();
    let chat_service = local.client().service(&is).fetch().await.unwrap();
    assert_eq!(
        configuration.default_conversation_role_sid, chat_service.default_channel_role_sid,
        "the service configuration is the service's"
    );
}

#[tokio::test]
async fn a_public_channel_is_a_conversation_once_chat_v3_makes_it_private() {
    let (local, conv, is) = setup().await;
    let svc = local.client().service(&is);
    let channel = svc
        .channels()
        .create()
        .friendly_name("Lobby")
        .await
        .unwrap();
    assert_eq!(channel.type_, Some(chat::ChannelType::Public));
    let before = conv.service(&is).conversation(&channel.sid).fetch().await;
    assert_eq!(
        before.unwrap_err().status(),
        Some(404),
        "a public channel is not a conversation"
    );
    assert!(
        conv.service(&is)
            .conversations()
            .list()
            .await
            .unwrap()
            .records
            .is_empty()
    );

    let changed = local
        .client()
        .v3()
        .service(&is)
        .channel(&channel.sid)
        .update()
        .type_(chat::v3::ChannelType::Private)
        .await
        .unwrap();
    assert_eq!(changed.type_, Some(chat::v3::ChannelType::Private));
    let conversation = conv
        .service(&is)
        .conversation(&channel.sid)
        .fetch()
        .await
        .unwrap();
    assert_eq!(conversation.friendly_name.as_deref(), Some("Lobby"));
    assert_eq!(
        conv.service(&is)
            .conversations()
            .list()
            .await
            .unwrap()
            .records
            .len(),
        1
    );
}

#[tokio::test]
async fn account_conversations_live_in_the_default_conversation_service() {
    let local = twilio_chat_local::start().await.unwrap();
    let conv = conversations(&local);
    let configuration = conv.configuration().fetch().await.unwrap();
    let default = configuration.default_chat_service_sid.unwrap();
    let conversation = conv
        .conversations()
        .create()
        .unique_name("account")
        .await
        .unwrap();
    assert_eq!(conversation.chat_service_sid, default.clone());
    let channel = local
        .client()
        .service(&default)
        .channel("account")
        .fetch()
        .await
        .unwrap();
    assert_eq!(channel.sid, conversation.sid);
    let service = conv
        .service(&default)
        .conversation(&conversation.sid)
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        service.sid, conversation.sid,
        "the same conversation under its service"
    );

    // Another service can be made the default.
    let other = local.client().services().create("Other").await.unwrap();
    conv.configuration()
        .update()
        .default_chat_service_sid(other.sid.as_str())
        .await
        .unwrap();
    assert!(
        conv.conversations()
            .list()
            .await
            .unwrap()
            .records
            .is_empty()
    );
    let configuration = conv.configuration().fetch().await.unwrap();
    assert_eq!(configuration.default_chat_service_sid, Some(other.sid));
}

#[tokio::test]
async fn an_sms_participant_keeps_its_messaging_binding_and_gets_receipts() {
    let (local, conv, is) = setup().await;
    let made = conv
        .service(&is)
        .conversation_with_participants()
        .create()
        .friendly_name("Support case")
        .participant([r#"{"identity":"agent"}"#])
        .await
        .unwrap();
    let conversation = conv.service(&is).conversation(&made.sid);
    let sms = conversation
        .participants()
        .create()
        .messaging_binding_address("+15550001111")
        .messaging_binding_proxy_address("+15550009999")
        .await
        .unwrap();
    assert_eq!(sms.identity, None);
    let fetched = conversation.participant(&sms.sid).fetch().await.unwrap();
    assert_eq!(
        fetched.messaging_binding,
        Some(json!({"address": "+15550001111", "proxy_address": "+15550009999", "type": "sms"}))
    );
    let members = local
        .client()
        .service(&is)
        .channel(&made.sid)
        .members()
        .list()
        .await
        .unwrap();
    assert_eq!(
        members.records.len(),
        2,
        "the agent and the SMS participant"
    );

    let message = conversation
        .messages()
        .create()
        .author("agent")
        .body("hi")
        .await
        .unwrap();
    assert_eq!(
        message.delivery.as_ref().map(|d| d["total"].clone()),
        Some(json!(1))
    );
    let receipts = conversation
        .message(&message.sid)
        .receipts()
        .list()
        .await
        .unwrap()
        .records;
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].participant_sid, Some(sms.sid.clone()));
    let channel_message = receipts[0]
        .channel_message_sid
        .as_deref()
        .unwrap_or_default();
    assert!(
        channel_message.starts_with("SM") && channel_message.len() == 34,
        "{channel_message}"
    );
    assert_eq!(
        receipts[0].status,
        Some(models::ServiceConversationMessageReceiptDeliveryStatus::Sent)
    );
    let by_address = conv
        .service(&is)
        .participant_conversations()
        .list()
        .address("+15550001111")
        .await
        .unwrap()
        .records;
    assert_eq!(by_address.len(), 1);
    assert_eq!(by_address[0].conversation_sid, Some(made.sid.clone()));
    let agent = conv
        .service(&is)
        .user("agent")
        .conversations()
        .list()
        .await
        .unwrap()
        .records;
    assert_eq!(agent.len(), 1, "the agent's user sees the conversation");
    assert_eq!(agent[0].unread_messages_count, Some(1));
}

#[tokio::test]
async fn timers_are_answered_as_the_dates_they_fire() {
    let (_local, conv, is) = setup().await;
    let made = conv
        .service(&is)
        .conversations()
        .create()
        .timers_inactive("PT1H")
        .timers_closed("P1D")
        .await
        .unwrap();
    let timers = made.timers.expect("timers");
    let date =
        |key: &str| -> twilio_chat_v2::Timestamp { timers[key].as_str().unwrap().parse().unwrap() };
    assert_eq!(
        date("date_closed").unix_seconds() - date("date_inactive").unix_seconds(),
        86_400 - 3_600,
        "{timers}"
    );
    assert!(timers.get("inactive").is_none(), "{timers}");
    let refused = conv
        .service(&is)
        .conversation(&made.sid)
        .update()
        .timers_closed("tomorrow")
        .await
        .unwrap_err();
    let api = refused.api_error().expect("Twilio's error");
    assert_eq!((api.status, api.code), (400, Some(20001)), "{refused}");
}

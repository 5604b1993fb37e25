//! Conversations webhook events and replies: every golden form body under `tests/webhooks/` (one per event type,
//! plus SMS, media and unknown variants) parses into its variant and is pinned as a YAML snapshot; every event
//! type the API documents has a golden body; signed requests verify through the shared verifier; pre-event
//! replies render exact responses and refuse what the pre-event cannot change.

use std::collections::BTreeSet;
use std::path::Path;

use twilio_conversations_v1::webhook::{
    Attributes, ConversationState, ConversationsEvent, ConversationsWebhook, EventError,
    MessagingBinding, PreEvent, PreEventReply, ReplyError, WebhookSource,
};
use twilio_rest_runtime::webhook::{RequestValidator, UrlSource, WebhookRequest, WebhookVerifier};

fn read_form(path: &Path) -> Vec<u8> {
    let mut body = std::fs::read(path).unwrap();
    if body.last() == Some(&b'\n') {
        body.pop();
    }
    body
}

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/webhooks")
}

#[test]
fn golden_events() {
    insta::glob!("webhooks/*.form", |path| {
        let body = read_form(path);
        let hook = ConversationsWebhook::from_form(&body)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        if stem.starts_with("unknown") {
            assert!(
                matches!(hook.event, ConversationsEvent::Unknown(_)),
                "{stem}"
            );
        } else {
            let expected_type = stem.split('-').next().unwrap();
            assert_eq!(hook.event.event_type(), expected_type, "{stem}");
            assert!(
                !matches!(hook.event, ConversationsEvent::Unknown(_)),
                "{stem}"
            );
        }
        assert_eq!(hook.common.event_type, hook.event.event_type());
        // Nothing is lost: the parameters re-encode to a body that reads back the same.
        assert_eq!(
            ConversationsWebhook::from_form(hook.to_form().as_bytes()).unwrap(),
            hook,
            "{stem}"
        );
        insta::assert_yaml_snapshot!(hook);
    });
}

#[test]
fn every_documented_event_has_a_golden_body() {
    let goldens: BTreeSet<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            Some(name.strip_suffix(".form")?.split('-').next()?.to_owned())
        })
        .collect();
    let known: BTreeSet<String> = ConversationsEvent::KNOWN_EVENT_TYPES
        .iter()
        .map(|e| (*e).to_owned())
        .collect();
    let missing: Vec<_> = known.difference(&goldens).collect();
    assert!(
        missing.is_empty(),
        "events without a golden body: {missing:?}"
    );
    // The pre- and post-events of Conversations, as Twilio lists them for its webhook filters.
    for event in [
        "onConversationAdd",
        "onConversationAdded",
        "onConversationUpdate",
        "onConversationUpdated",
        "onConversationRemove",
        "onConversationRemoved",
        "onConversationStateUpdated",
        "onMessageAdd",
        "onMessageAdded",
        "onMessageUpdate",
        "onMessageUpdated",
        "onMessageRemove",
        "onMessageRemoved",
        "onParticipantAdd",
        "onParticipantAdded",
        "onParticipantUpdate",
        "onParticipantUpdated",
        "onParticipantRemove",
        "onParticipantRemoved",
        "onDeliveryUpdated",
        "onUserAdded",
        "onUserUpdate",
        "onUserUpdated",
    ] {
        assert!(known.contains(event), "{event} is not a typed event");
    }
}

#[test]
fn typed_fields_read_as_their_types() {
    let hook = ConversationsWebhook::from_form(&read_form(
        &golden_dir().join("onParticipantAdd-sms.form"),
    ))
    .unwrap();
    let ConversationsEvent::ParticipantAdd(participant) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    let binding: &MessagingBinding = participant.messaging_binding.as_ref().expect("binding");
    assert_eq!(binding.address.as_deref(), Some("+15558675310"));
    assert_eq!(binding.proxy_address.as_deref(), Some("+15017122661"));
    assert_eq!(hook.common.source, Some(WebhookSource::Api));
    assert_eq!(hook.event.pre_event(), Some(PreEvent::ParticipantAdd));

    let hook = ConversationsWebhook::from_form(&read_form(
        &golden_dir().join("onConversationStateUpdated.form"),
    ))
    .unwrap();
    let ConversationsEvent::ConversationStateUpdated(state) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    assert_eq!(state.state_from, Some(ConversationState::Active));
    assert_eq!(state.state_to, Some(ConversationState::Inactive));
    assert!(state.state_updated.as_ref().and_then(|t| t.utc).is_some());
    assert_eq!(hook.event.pre_event(), None);

    let hook = ConversationsWebhook::from_form(&read_form(&golden_dir().join("onUserUpdate.form")))
        .unwrap();
    let ConversationsEvent::UserUpdate(user) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    assert_eq!(
        user.attributes,
        Some(Attributes::Raw("not json".to_owned()))
    );
}

#[test]
fn bad_bodies_are_typed_errors_naming_the_parameter() {
    let error = |form: &str| ConversationsWebhook::from_form(form.as_bytes()).unwrap_err();
    assert_eq!(error("Body=hi"), EventError::MissingEventType);
    assert_eq!(
        error("EventType=onMessageAdded&Index=seven").to_string(),
        "webhook parameter `Index` is `seven`, not a non-negative integer"
    );
    assert_eq!(
        error("EventType=onMessageAdd&Body=a&Body=b").to_string(),
        "webhook parameter `Body` was sent more than once"
    );
    assert!(matches!(error("EventType=on%ZZ"), EventError::Form(_)));
}

#[test]
fn signed_requests_verify_with_the_shared_verifier() {
    let body = read_form(&golden_dir().join("onMessageAdded.form"));
    let url = "https://backend.example.com/hooks/conversations";
    let params = twilio_rest_runtime::webhook::parse_form(&body).unwrap();
    let signature = RequestValidator::new("auth token").compute_signature(url, &params);
    let verifier = WebhookVerifier::new(
        "auth token",
        UrlSource::public("https://backend.example.com").unwrap(),
    );
    let request = WebhookRequest::new("POST", "/hooks/conversations", &body)
        .header("Content-Type", b"application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", signature.as_bytes());
    let hook = ConversationsWebhook::from_verified(verifier.verify(&request).unwrap()).unwrap();
    assert!(matches!(hook.event, ConversationsEvent::MessageAdded(_)));
    let forged = WebhookRequest::new("POST", "/hooks/conversations", b"EventType=onMessageAdded")
        .header("X-Twilio-Signature", signature.as_bytes());
    assert!(verifier.verify(&forged).is_err());
}

#[test]
fn pre_event_replies_allow_modify_and_reject() {
    let reply = PreEventReply::allow()
        .body("[removed]")
        .author("moderator")
        .attributes(&serde_json::json!({"moderated": true}))
        .render(PreEvent::MessageAdd)
        .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers,
        [("Content-Type", "application/json".to_owned())]
    );
    assert_eq!(
        reply.body,
        br#"{"attributes":"{\"moderated\":true}","author":"moderator","body":"[removed]"}"#
    );

    let reply = PreEventReply::allow()
        .friendly_name("Order 1042 (VIP)")
        .render(PreEvent::ConversationAdd)
        .unwrap();
    assert_eq!(reply.body, br#"{"friendly_name":"Order 1042 (VIP)"}"#);

    assert_eq!(
        PreEventReply::allow()
            .render(PreEvent::MessageRemove)
            .unwrap()
            .status,
        200
    );
    let reject = PreEventReply::reject()
        .render(PreEvent::ParticipantAdd)
        .unwrap();
    assert_eq!((reject.status, reject.body.len()), (403, 0));
    assert_eq!(
        PreEventReply::allow()
            .body("x")
            .render(PreEvent::ParticipantAdd),
        Err(ReplyError::NotChangeable {
            event: "onParticipantAdd",
            field: "body"
        })
    );
    assert_eq!(
        PreEventReply::reject_with_status(200),
        Err(ReplyError::BadStatus(200))
    );
}

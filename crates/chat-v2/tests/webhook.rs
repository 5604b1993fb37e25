//! Chat webhook events and replies: every golden form body under `tests/webhooks/` parses into its variant and is
//! pinned as a YAML snapshot; unknown events keep their raw parameters; bad bodies are typed errors; pre-event
//! replies render exact responses.

use std::path::Path;

use twilio_chat_v2::webhook::{
    Attributes, ChatEvent, ChatWebhook, EventError, Field, HttpReply, PreEvent, PreEventReply,
    ReplyError, WebhookSource,
};
use twilio_rest_runtime::webhook::FormError;

fn read_form(path: &Path) -> Vec<u8> {
    let mut body = std::fs::read(path).unwrap();
    if body.last() == Some(&b'\n') {
        body.pop();
    }
    body
}

#[test]
fn golden_events() {
    insta::glob!("webhooks/*.form", |path| {
        let body = read_form(path);
        let hook =
            ChatWebhook::from_form(&body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let expected_type = stem.split('-').next().unwrap();
        if stem.starts_with("unknown") {
            assert!(matches!(hook.event, ChatEvent::Unknown(_)), "{stem}");
        } else {
            assert_eq!(hook.event.event_type(), expected_type, "{stem}");
            assert!(!matches!(hook.event, ChatEvent::Unknown(_)), "{stem}");
        }
        assert_eq!(hook.common.event_type, hook.event.event_type());
        // Nothing is lost: the parameters re-encode to a body that reads back the same.
        assert_eq!(
            ChatWebhook::from_form(hook.to_form().as_bytes()).unwrap(),
            hook,
            "{stem}"
        );
        insta::assert_yaml_snapshot!(hook);
    });
}

/// The JSON each golden event serializes to, exactly as `serde_json` writes it (member order included).
#[test]
fn golden_events_as_json() {
    insta::glob!("webhooks/*.form", |path| {
        let hook = ChatWebhook::from_form(&read_form(path)).unwrap();
        let json = serde_json::to_string_pretty(&hook).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap()["common"]["event_type"],
            hook.event.event_type()
        );
        insta::assert_snapshot!(json);
    });
}

/// The JSON shape of every enum variant and optional member, on events built from parameters.
#[test]
fn event_json_shapes() {
    let json = |form: &str| {
        serde_json::to_value(ChatWebhook::from_form(form.as_bytes()).unwrap()).unwrap()
    };
    let params = |form: &str| -> serde_json::Value {
        form.split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                serde_json::json!([k, v])
            })
            .collect()
    };

    let form = "EventType=onChannelAdd&Source=Phone&ChannelType=public&Attributes=%5B1%5D&DateCreated=yesterday";
    let mut expected = serde_json::json!({
        "common": {
            "event_type": "onChannelAdd", "account_sid": null, "service_sid": null, "client_identity": null,
            "retry_count": null, "source": "Phone", "webhook_sid": null, "webhook_type": null
        },
        "event": {"ChannelAdd": {
            "channel_sid": null, "channel_type": "public", "unique_name": null, "friendly_name": null,
            "attributes": {"Json": [1]}, "created_by": null,
            "date_created": {"raw": "yesterday", "utc": null}, "date_updated": null
        }},
        "params": [["EventType", "onChannelAdd"], ["Source", "Phone"], ["ChannelType", "public"],
                   ["Attributes", "[1]"], ["DateCreated", "yesterday"]]
    });
    assert_eq!(json(form), expected);

    let form = "EventType=onChannelUpdated&Source=API&ChannelType=private&Attributes=a%20b";
    let hook = json(form);
    expected["common"]["event_type"] = "onChannelUpdated".into();
    expected["common"]["source"] = "API".into();
    expected["event"] = serde_json::json!({"ChannelUpdated": {
        "channel_sid": null, "channel_type": "private", "unique_name": null, "friendly_name": null,
        "attributes": {"Raw": "a b"}, "created_by": null, "date_created": null, "date_updated": null
    }});
    expected["params"] = serde_json::json!([
        ["EventType", "onChannelUpdated"],
        ["Source", "API"],
        ["ChannelType", "private"],
        ["Attributes", "a b"]
    ]);
    assert_eq!(hook, expected);

    let form = "EventType=onChannelDestroy&Source=SDK&ChannelType=x&RetryCount=2";
    let hook = json(form);
    assert_eq!(hook["common"]["source"], "SDK");
    assert_eq!(hook["common"]["retry_count"], 2);
    assert_eq!(
        hook["event"]["ChannelDestroy"]["channel_type"],
        serde_json::json!("x")
    );
    assert_eq!(hook["params"], params(form));

    let form = "EventType=onMessageSent&MediaSize=7&Index=3&DateUpdated=2026-11-30T10%3A15%3A30Z";
    assert_eq!(
        json(form)["event"],
        serde_json::json!({"MessageSent": {
            "channel_sid": null, "message_sid": null, "index": 3, "body": null, "attributes": null, "from": null,
            "to": null, "modified_by": null, "date_created": null,
            "date_updated": {"raw": "2026-11-30T10:15:30Z", "utc": "2026-11-30T10:15:30Z"},
            "media": {"sid": null, "content_type": null, "filename": null, "size": 7}
        }})
    );
    assert_eq!(
        json("EventType=onMessageSend")["event"]["MessageSend"]["media"],
        serde_json::Value::Null
    );

    let form = "EventType=onMemberAdded&LastConsumedMessageIndex=0&Reason=JOINED";
    assert_eq!(
        json(form)["event"],
        serde_json::json!({"MemberAdded": {
            "channel_sid": null, "member_sid": null, "identity": null, "role_sid": null, "reason": "JOINED",
            "last_consumed_message_index": 0, "attributes": null, "date_created": null, "date_updated": null
        }})
    );
    let form = "EventType=onUserUpdate&Identity=bob&Attributes=%7B%7D";
    assert_eq!(
        json(form)["event"],
        serde_json::json!({"UserUpdate": {
            "user_sid": null, "identity": "bob", "friendly_name": null, "role_sid": null,
            "attributes": {"Json": {}}, "date_created": null, "date_updated": null
        }})
    );
    let form = "EventType=onNewThing&X=1&X=2";
    let hook = json(form);
    assert_eq!(hook["event"], serde_json::json!({"Unknown": "onNewThing"}));
    assert_eq!(hook["params"], params(form));
    // Member order is the declaration order.
    let text =
        serde_json::to_string(&ChatWebhook::from_form(b"EventType=onUserAdded").unwrap()).unwrap();
    assert_eq!(
        text,
        r#"{"common":{"event_type":"onUserAdded","account_sid":null,"service_sid":null,"client_identity":null,"retry_count":null,"source":null,"webhook_sid":null,"webhook_type":null},"event":{"UserAdded":{"user_sid":null,"identity":null,"friendly_name":null,"role_sid":null,"attributes":null,"date_created":null,"date_updated":null}},"params":[["EventType","onUserAdded"]]}"#
    );
}

/// The pre-events of Chat v2: the action waits for the backend's answer.
const PRE_EVENTS: &[&str] = &[
    "onMessageSend",
    "onMessageUpdate",
    "onMessageRemove",
    "onMediaMessageSend",
    "onChannelAdd",
    "onChannelUpdate",
    "onChannelDestroy",
    "onMemberAdd",
    "onMemberUpdate",
    "onMemberRemove",
    "onUserUpdate",
];

#[test]
fn every_known_event_has_a_golden_body() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/webhooks");
    assert_eq!(ChatEvent::KNOWN_EVENT_TYPES.len(), 23);
    for event_type in ChatEvent::KNOWN_EVENT_TYPES {
        let path = dir.join(format!("{event_type}.form"));
        let hook = ChatWebhook::from_form(&read_form(&path)).unwrap();
        assert_eq!(hook.event.event_type(), *event_type);
        let expected_pre = PRE_EVENTS.contains(event_type);
        assert_eq!(
            hook.event.pre_event().is_some(),
            expected_pre,
            "{event_type}"
        );
        if let Some(pre) = hook.event.pre_event() {
            assert_eq!(pre.event_type(), *event_type);
        }
    }
}

#[test]
fn typed_fields() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/webhooks");
    let hook = ChatWebhook::from_form(&read_form(&dir.join("onMessageSent.form"))).unwrap();
    assert_eq!(hook.common.source, Some(WebhookSource::Sdk));
    assert_eq!(hook.common.retry_count, Some(0));
    let ChatEvent::MessageSent(message) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    assert_eq!(message.index, Some(42));
    assert_eq!(
        message.body.as_deref(),
        Some("Hello, world! 50% off & more")
    );
    assert_eq!(
        message.attributes,
        Some(Attributes::Json(
            serde_json::json!({"importance": "high", "tags": ["a", "b"]})
        ))
    );
    let created = message.date_created.as_ref().unwrap();
    assert_eq!(
        created.utc.unwrap().to_rfc3339(),
        "2026-11-30T10:15:30.123Z"
    );

    let hook = ChatWebhook::from_form(&read_form(&dir.join("onMessageSent-channel-webhook.form")))
        .unwrap();
    assert_eq!(
        hook.common.webhook_sid.as_deref(),
        Some("WH00000000000000000000000000000009")
    );
    assert_eq!(
        hook.common.webhook_type,
        Some(twilio_chat_v2::webhook::ChannelWebhookType::Webhook)
    );
    assert_eq!(hook.common.source, Some(WebhookSource::Api));
    let ChatEvent::MessageSent(message) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    assert_eq!(
        message.attributes,
        Some(Attributes::Raw("not json {".into()))
    );
    assert_eq!(
        message
            .date_created
            .as_ref()
            .unwrap()
            .utc
            .unwrap()
            .to_rfc3339(),
        "2026-11-30T10:15:30Z"
    );

    let hook = ChatWebhook::from_form(&read_form(&dir.join("onMediaMessageSent.form"))).unwrap();
    let ChatEvent::MediaMessageSent(message) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    let media = message.media.as_ref().unwrap();
    assert_eq!(media.size, Some(48213));
    assert_eq!(media.filename.as_deref(), Some("cat photo.png"));
}

#[test]
fn unknown_events_round_trip_their_parameters() {
    let body =
        "EventType=onSomethingNew&Zeta=1&Alpha=%E2%9C%93&Alpha=two%20words&Empty=&Alpha=%E2%9C%93";
    let hook = ChatWebhook::from_form(body.as_bytes()).unwrap();
    assert_eq!(hook.event, ChatEvent::Unknown("onSomethingNew".into()));
    assert_eq!(hook.event.event_type(), "onSomethingNew");
    assert_eq!(hook.event.pre_event(), None);
    let expected: Vec<(String, String)> = [
        ("EventType", "onSomethingNew"),
        ("Zeta", "1"),
        ("Alpha", "\u{2713}"),
        ("Alpha", "two words"),
        ("Empty", ""),
        ("Alpha", "\u{2713}"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(hook.params(), expected);
    assert_eq!(hook.to_form(), body);
    let again = ChatWebhook::from_form(hook.to_form().as_bytes()).unwrap();
    assert_eq!(again, hook);
    assert_eq!(hook.param("Alpha"), Some("\u{2713}"));
    assert_eq!(hook.into_params(), expected);
}

#[test]
fn bad_bodies_are_typed_errors() {
    let cases: Vec<(&[u8], EventError, &str)> = vec![
        (
            b"EventType=onMessageSend&Body=100%",
            EventError::Form(FormError::BadEscape {
                pair: 1,
                offset: 32,
            }),
            "webhook body: form pair 1: `%` at byte 32 is not followed by two hexadecimal digits",
        ),
        (
            b"EventType=onMessageSend&Body=%FF%FE",
            EventError::Form(FormError::NotUtf8 {
                pair: 1,
                name: Some("Body".into()),
            }),
            "webhook body: form pair 1: the value of `Body` is not UTF-8 once decoded",
        ),
        (
            b"EventType=onMessageSend&\xc3\x28=x",
            EventError::Form(FormError::NotUtf8 {
                pair: 1,
                name: None,
            }),
            "webhook body: form pair 1: the name is not UTF-8 once decoded",
        ),
        (
            b"Body=hello",
            EventError::MissingEventType,
            "webhook has no EventType parameter",
        ),
        (
            b"EventType=onMessageSend&Body=a&Body=b",
            EventError::DuplicateField { name: "Body" },
            "webhook parameter `Body` was sent more than once",
        ),
        (
            b"EventType=onMessageSend&EventType=onMessageSent",
            EventError::DuplicateField { name: "EventType" },
            "webhook parameter `EventType` was sent more than once",
        ),
        (
            b"EventType=onMessageSent&Index=-1",
            EventError::BadNumber {
                name: "Index",
                value: "-1".into(),
            },
            "webhook parameter `Index` is `-1`, not a non-negative integer",
        ),
        (
            b"EventType=onMessageSent&RetryCount=lots",
            EventError::BadNumber {
                name: "RetryCount",
                value: "lots".into(),
            },
            "webhook parameter `RetryCount` is `lots`, not a non-negative integer",
        ),
        (
            b"EventType=onMediaMessageSent&MediaSize=%2B5",
            EventError::BadNumber {
                name: "MediaSize",
                value: "+5".into(),
            },
            "webhook parameter `MediaSize` is `+5`, not a non-negative integer",
        ),
    ];
    for (body, error, message) in cases {
        let actual = ChatWebhook::from_form(body).unwrap_err();
        assert_eq!(actual, error, "{}", String::from_utf8_lossy(body));
        assert_eq!(actual.to_string(), message);
    }
    // Duplicates of parameters that are not typed are kept, not refused; empty typed values count as absent.
    let hook =
        ChatWebhook::from_form(b"EventType=onMessageSent&X=1&X=2&Index=&Attributes=").unwrap();
    let ChatEvent::MessageSent(message) = &hook.event else {
        panic!("{:?}", hook.event)
    };
    assert_eq!((message.index, message.attributes.as_ref()), (None, None));
    assert_eq!(hook.params().iter().filter(|(k, _)| k == "X").count(), 2);
}

fn json_reply(body: &str) -> HttpReply {
    HttpReply {
        status: 200,
        headers: vec![("Content-Type", "application/json".to_owned())],
        body: body.as_bytes().to_vec(),
    }
}

fn empty(status: u16) -> HttpReply {
    HttpReply {
        status,
        headers: vec![],
        body: vec![],
    }
}

#[test]
fn pre_event_replies() {
    let cases: Vec<(PreEventReply, PreEvent, Result<HttpReply, ReplyError>)> = vec![
        (
            PreEventReply::allow(),
            PreEvent::MessageSend,
            Ok(empty(200)),
        ),
        (
            PreEventReply::allow(),
            PreEvent::MemberRemove,
            Ok(empty(200)),
        ),
        (
            PreEventReply::reject(),
            PreEvent::MessageSend,
            Ok(empty(403)),
        ),
        (
            PreEventReply::reject_with_status(422).unwrap(),
            PreEvent::ChannelDestroy,
            Ok(empty(422)),
        ),
        (
            PreEventReply::allow().body("clean").body("cleaner"),
            PreEvent::MessageSend,
            Ok(json_reply(r#"{"body":"cleaner"}"#)),
        ),
        (
            PreEventReply::allow()
                .attributes(&serde_json::json!({"k": "v \"q\""}))
                .body("b"),
            PreEvent::MessageUpdate,
            Ok(json_reply(
                r#"{"attributes":"{\"k\":\"v \\\"q\\\"\"}","body":"b"}"#,
            )),
        ),
        (
            PreEventReply::allow().attributes(&serde_json::json!({})),
            PreEvent::MediaMessageSend,
            Ok(json_reply(r#"{"attributes":"{}"}"#)),
        ),
        (
            PreEventReply::allow()
                .friendly_name("Support")
                .unique_name("support")
                .attributes(&serde_json::json!({"x": 1})),
            PreEvent::ChannelAdd,
            Ok(json_reply(
                r#"{"attributes":"{\"x\":1}","friendlyName":"Support","uniqueName":"support"}"#,
            )),
        ),
        (
            PreEventReply::allow().friendly_name("Renamed"),
            PreEvent::ChannelUpdate,
            Ok(json_reply(r#"{"friendlyName":"Renamed"}"#)),
        ),
        (
            PreEventReply::allow().body("x"),
            PreEvent::MediaMessageSend,
            Err(ReplyError::NotChangeable {
                event: "onMediaMessageSend",
                field: "body",
            }),
        ),
        (
            PreEventReply::allow().friendly_name("x"),
            PreEvent::MessageSend,
            Err(ReplyError::NotChangeable {
                event: "onMessageSend",
                field: "friendlyName",
            }),
        ),
        (
            PreEventReply::allow().attributes(&serde_json::json!({})),
            PreEvent::UserUpdate,
            Err(ReplyError::NotChangeable {
                event: "onUserUpdate",
                field: "attributes",
            }),
        ),
        (
            PreEventReply::reject().body("x"),
            PreEvent::MessageSend,
            Err(ReplyError::ChangesOnReject),
        ),
    ];
    for (reply, event, expected) in cases {
        assert_eq!(reply.render(event), expected, "{reply:?} for {event:?}");
    }
    for status in [200, 204, 302, 399, 600] {
        assert_eq!(
            PreEventReply::reject_with_status(status),
            Err(ReplyError::BadStatus(status))
        );
    }
    assert!(PreEventReply::reject().is_reject());
    assert!(!PreEventReply::allow().body("x").is_reject());
    assert_eq!(HttpReply::acknowledge(), empty(200));
    assert_eq!(
        ReplyError::NotChangeable {
            event: "onMemberAdd",
            field: "body"
        }
        .to_string(),
        "a reply to onMemberAdd cannot change `body`"
    );
    assert_eq!(
        PreEvent::ChannelAdd.changeable(),
        [Field::FriendlyName, Field::UniqueName, Field::Attributes]
    );
}

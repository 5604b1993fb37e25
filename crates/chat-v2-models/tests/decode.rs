//! How the generated models decode JSON: members by key in any order, unknown keys skipped, missing ones default,
//! `null` as `None`, dates in RFC 3339 or RFC 2822, and typed errors for anything else.

use twilio_chat_v2_models::{Message, MessageOrderType, MessagePage};

fn message(json: &str) -> Result<Message, serde_json::Error> {
    serde_json::from_str(json)
}

/// The members every message carries (declared `x-twilio-always-sent`), then `rest`.
fn full(rest: &str) -> String {
    let always = r#""sid": "IM1", "account_sid": "AC1", "service_sid": "IS1", "channel_sid": "CH1",
        "index": 0, "date_created": "2015-07-30T20:00:00Z", "date_updated": "2015-07-30T20:00:00Z",
        "url": "https://chat.twilio.com/v2/x""#;
    if rest.is_empty() {
        format!("{{{always}}}")
    } else {
        format!("{{{always}, {rest}}}")
    }
}

#[test]
fn members_in_any_order_with_unknown_keys_and_nulls() {
    let m = message(
        r#"{"url": "https://chat.twilio.com/v2/x", "future_member": {"a": [1, 2, {"b": null}]},
            "sid": "IM1", "body": null, "index": 7, "was_edited": true, "account_sid": "AC1",
            "service_sid": "IS1", "channel_sid": "CH1",
            "date_created": "2015-07-30T20:00:00Z", "date_updated": "Thu, 30 Jul 2015 20:00:01 +0000"}"#,
    )
    .unwrap();
    assert_eq!(Some(m.sid.as_str()), Some("IM1"));
    assert_eq!(m.body, None);
    assert_eq!(m.index, 7);
    assert_eq!(m.was_edited, Some(true));
    assert_eq!(m.url, "https://chat.twilio.com/v2/x");
    assert_eq!(m.date_created.to_rfc3339(), "2015-07-30T20:00:00Z");
    assert_eq!(m.date_updated.to_rfc3339(), "2015-07-30T20:00:01Z");
    let minimal = message(&full("")).unwrap();
    assert_eq!((minimal.body, minimal.was_edited), (None, None));
}

#[test]
fn a_repeated_member_is_an_error_naming_it() {
    let e = message(&full(r#""sid": "IM2""#)).unwrap_err();
    assert!(e.to_string().starts_with("duplicate field `sid`"), "{e}");
    // Unknown keys are skipped, repeated or not.
    assert_eq!(
        message(&full(r#""extra": 1, "extra": 2"#)).unwrap(),
        message(&full("")).unwrap()
    );
}

#[test]
fn a_missing_required_member_is_an_error_naming_it() {
    let e = serde_json::from_str::<twilio_chat_v2_models::TwilioError>(
        r#"{"message": "Not found", "status": 404}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("missing field `code`"), "{e}");
    // Members Twilio always sends are required, and `null` is refused for them.
    for member in [
        "sid",
        "account_sid",
        "service_sid",
        "channel_sid",
        "date_created",
        "url",
        "index",
        "date_updated",
    ] {
        let mut record: serde_json::Value = serde_json::from_str(&full("")).unwrap();
        let object = record.as_object_mut().unwrap();
        object.remove(member);
        let e = message(&record.to_string()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("missing field `{member}`")),
            "{member}: {e}"
        );
        record[member] = serde_json::Value::Null;
        let e = message(&record.to_string()).unwrap_err();
        assert!(
            e.to_string().starts_with("invalid type: null"),
            "{member}: {e}"
        );
    }
    let ok: twilio_chat_v2_models::TwilioError =
        serde_json::from_str(r#"{"code": 20404, "message": "Not found", "status": 404}"#).unwrap();
    assert_eq!(ok.code, 20404);
}

#[test]
fn wrong_shapes_are_errors_that_say_what_was_expected() {
    let e = message("[]").unwrap_err();
    assert!(e.to_string().contains("expected struct Message"), "{e}");
    let e = message(r#""IM1""#).unwrap_err();
    assert!(e.to_string().contains("expected struct Message"), "{e}");
    let e = message(&full("").replace(r#""index": 0"#, r#""index": "seven""#)).unwrap_err();
    assert!(
        e.to_string().starts_with("invalid type: string \"seven\""),
        "{e}"
    );
    let e = message(r#"{"date_created": "yesterday"}"#).unwrap_err();
    assert!(
        e.to_string().contains("invalid date-time \"yesterday\""),
        "{e}"
    );
    let e = message(r#"{"sid": "IM1""#).unwrap_err();
    assert!(e.is_eof(), "{e}");
    let e = message(r#"{1: "IM1"}"#).unwrap_err();
    assert!(e.is_syntax(), "{e}");
}

#[test]
fn nested_objects_and_enums_decode_through_the_same_path() {
    let page: MessagePage = serde_json::from_str(&format!(
        r#"{{"messages": [{}, {}],
            "meta": {{"page": 0, "page_size": 2, "key": "messages", "next_page_url": null}}}}"#,
        full(r#""media": {"sid": "ME1", "size": 3}"#),
        full("").replace("IM1", "IM2")
    ))
    .unwrap();
    let messages = page.messages.as_deref().unwrap_or_default();
    assert_eq!(messages.len(), 2);
    assert_eq!(Some(messages[1].sid.as_str()), Some("IM2"));
    assert!(messages[0].media.is_some());
    assert_eq!(
        page.meta.as_ref().and_then(|m| m.key.as_deref()),
        Some("messages")
    );
    let round_trip = serde_json::to_value(&page).unwrap();
    let again: MessagePage = serde_json::from_value(round_trip).unwrap();
    assert_eq!(again, page);
    let order: MessageOrderType = serde_json::from_str(r#""sideways""#).unwrap();
    assert_eq!(order.as_str(), "sideways");
}

#[test]
fn sids_of_an_unexpected_kind_decode_as_sent() {
    // To a client a SID is opaque: a prefix the description does not give still decodes, unchanged.
    let m =
        message(&full("").replace(r#""sid": "IM1""#, r#""sid": "XY-not-a-message-sid""#)).unwrap();
    assert_eq!(m.sid, "XY-not-a-message-sid");
    assert_eq!(m.service_sid, "IS1");
    let typed: &twilio_chat_v2_models::MessageSid = &m.sid;
    assert!(typed.parse::<twilio_chat_v2_models::MessageSid>().is_err());
}

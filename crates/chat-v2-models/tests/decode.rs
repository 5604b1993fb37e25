//! How the generated models decode JSON: members by key in any order, unknown keys skipped, missing ones default,
//! `null` as `None`, dates in RFC 3339 or RFC 2822, and typed errors for anything else.

use twilio_chat_v2_models::{Message, MessageOrderType, MessagePage};

fn message(json: &str) -> Result<Message, serde_json::Error> {
    serde_json::from_str(json)
}

#[test]
fn members_in_any_order_with_unknown_keys_and_nulls() {
    let m = message(
        r#"{"url": "https://chat.twilio.com/v2/x", "future_member": {"a": [1, 2, {"b": null}]},
            "sid": "IM1", "body": null, "index": 7, "was_edited": true,
            "date_created": "2015-07-30T20:00:00Z", "date_updated": "Thu, 30 Jul 2015 20:00:01 +0000"}"#,
    )
    .unwrap();
    assert_eq!(m.sid.as_deref(), Some("IM1"));
    assert_eq!(m.body, None);
    assert_eq!(m.index, Some(7));
    assert_eq!(m.was_edited, Some(true));
    assert_eq!(m.url.as_deref(), Some("https://chat.twilio.com/v2/x"));
    assert_eq!(
        m.date_created.map(|d| d.to_rfc3339()),
        Some("2015-07-30T20:00:00Z".to_owned())
    );
    assert_eq!(
        m.date_updated.map(|d| d.to_rfc3339()),
        Some("2015-07-30T20:00:01Z".to_owned())
    );
    assert_eq!(message("{}").unwrap(), Message::default());
}

#[test]
fn a_repeated_member_is_an_error_naming_it() {
    let e = message(r#"{"sid": "IM1", "sid": "IM2"}"#).unwrap_err();
    assert!(e.to_string().starts_with("duplicate field `sid`"), "{e}");
    // Unknown keys are skipped, repeated or not.
    assert_eq!(
        message(r#"{"extra": 1, "extra": 2}"#).unwrap(),
        Message::default()
    );
}

#[test]
fn a_missing_required_member_is_an_error_naming_it() {
    let e = serde_json::from_str::<twilio_chat_v2_models::TwilioError>(
        r#"{"message": "Not found", "status": 404}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("missing field `code`"), "{e}");
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
    let e = message(r#"{"index": "seven"}"#).unwrap_err();
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
    let page: MessagePage = serde_json::from_str(
        r#"{"messages": [{"sid": "IM1", "media": {"sid": "ME1", "size": 3}}, {"sid": "IM2"}],
            "meta": {"page": 0, "page_size": 2, "key": "messages", "next_page_url": null}}"#,
    )
    .unwrap();
    let messages = page.messages.as_deref().unwrap_or_default();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].sid.as_deref(), Some("IM2"));
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

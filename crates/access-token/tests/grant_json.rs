//! `ChatGrant` as JSON through serde: only the set members are written, in wire order; reading takes any subset
//! of the four members, treats `null` as absent, ignores unknown keys and refuses values of the wrong type.

use twilio_access_token::ChatGrant;

fn full() -> ChatGrant {
    ChatGrant::service("IS0123456789abcdef0123456789abcdef")
        .with_endpoint_id("app:alice:browser")
        .with_deployment_role_sid("RL0123456789abcdef0123456789abcdef")
        .with_push_credential_sid("CR0123456789abcdef0123456789abcdef")
}

fn read(text: &str) -> Result<ChatGrant, String> {
    serde_json::from_str::<ChatGrant>(text).map_err(|e| e.to_string())
}

fn round_trip(grant: &ChatGrant, expected: &str) {
    let text = serde_json::to_string(grant).expect("serializes");
    assert_eq!(text, expected);
    assert_eq!(read(&text).as_ref(), Ok(grant));
    // The same through a `Value`, and pretty-printed.
    let value = serde_json::to_value(grant).expect("to value");
    assert_eq!(
        serde_json::from_value::<ChatGrant>(value).ok().as_ref(),
        Some(grant)
    );
    let pretty = serde_json::to_string_pretty(grant).expect("pretty");
    assert_eq!(read(&pretty).as_ref(), Ok(grant));
}

#[test]
fn all_members_round_trip_in_wire_order() {
    round_trip(
        &full(),
        concat!(
            r#"{"service_sid":"IS0123456789abcdef0123456789abcdef","endpoint_id":"app:alice:browser","#,
            r#""deployment_role_sid":"RL0123456789abcdef0123456789abcdef","#,
            r#""push_credential_sid":"CR0123456789abcdef0123456789abcdef"}"#
        ),
    );
}

#[test]
fn only_set_members_are_written() {
    round_trip(
        &ChatGrant::service("IS1").with_push_credential_sid("CR1"),
        r#"{"service_sid":"IS1","push_credential_sid":"CR1"}"#,
    );
    round_trip(
        &ChatGrant::default().with_deployment_role_sid("RL1"),
        r#"{"deployment_role_sid":"RL1"}"#,
    );
    round_trip(
        &ChatGrant::default().with_endpoint_id("e"),
        r#"{"endpoint_id":"e"}"#,
    );
    round_trip(&ChatGrant::default(), "{}");
}

#[test]
fn strings_are_escaped_and_read_back() {
    round_trip(
        &ChatGrant::service("quote \" backslash \\ newline \n é 😀 \u{1}"),
        r#"{"service_sid":"quote \" backslash \\ newline \n é 😀 \u0001"}"#,
    );
    assert_eq!(
        read(r#"{"endpoint_id":"\u00e9\ud83d\ude00"}"#),
        Ok(ChatGrant::default().with_endpoint_id("é😀"))
    );
}

#[test]
fn members_are_read_in_any_order() {
    let text = r#"{"push_credential_sid":"CR0123456789abcdef0123456789abcdef",
        "deployment_role_sid":"RL0123456789abcdef0123456789abcdef",
        "endpoint_id":"app:alice:browser","service_sid":"IS0123456789abcdef0123456789abcdef"}"#;
    assert_eq!(read(text), Ok(full()));
}

#[test]
fn unknown_keys_are_ignored() {
    assert_eq!(
        read(
            r#"{"x":1,"service_sid":"IS1","nested":{"service_sid":5},"list":[null,"a"],"y":null}"#
        ),
        Ok(ChatGrant::service("IS1"))
    );
    assert_eq!(read(r#"{"Service_Sid":"IS1"}"#), Ok(ChatGrant::default()));
}

#[test]
fn null_members_are_absent() {
    assert_eq!(
        read(
            r#"{"service_sid":null,"endpoint_id":null,"deployment_role_sid":null,"push_credential_sid":"CR1"}"#
        ),
        Ok(ChatGrant::default().with_push_credential_sid("CR1"))
    );
    assert_eq!(read(r#"{"service_sid":null}"#), Ok(ChatGrant::default()));
}

#[test]
fn members_of_the_wrong_type_are_errors() {
    for (text, message) in [
        (
            r#"{"service_sid":5}"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"endpoint_id":true}"#,
            "invalid type: boolean `true`, expected a string",
        ),
        (
            r#"{"deployment_role_sid":1.5}"#,
            "invalid type: floating point `1.5`, expected a string",
        ),
        (
            r#"{"push_credential_sid":["CR1"]}"#,
            "invalid type: sequence, expected a string",
        ),
        (
            r#"{"service_sid":"IS1","endpoint_id":{}}"#,
            "invalid type: map, expected a string",
        ),
    ] {
        let err = read(text).expect_err(text);
        assert!(err.starts_with(message), "{text}: {err}");
    }
}

#[test]
fn values_other_than_an_object_are_errors() {
    for text in [
        "null",
        "\"IS1\"",
        "5",
        "true",
        "{",
        r#"{"service_sid":"IS1""#,
        r#"["IS1"]"#,
        "[]",
    ] {
        assert!(read(text).is_err(), "{text} read as {:?}", read(text));
    }
}

#[test]
fn a_repeated_member_is_an_error() {
    let err = read(r#"{"service_sid":"IS1","service_sid":"IS2"}"#).expect_err("repeated");
    assert!(err.starts_with("duplicate field `service_sid`"), "{err}");
}

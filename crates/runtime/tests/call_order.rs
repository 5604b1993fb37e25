//! The request a generated builder (`Call`) builds: query and form pairs in the description's order whatever the
//! order of the setter calls, a re-set parameter replaced in place, repeated keys, query and form parameters of
//! one operation kept apart, secrets redacted after reordering, path values percent-encoded, `{AccountSid}`
//! defaulting to the client's account. Nothing is sent.

mod support;

use serde_json::Value;
use support::{AC, creds};
use twilio_rest_runtime::__private::{OperationSpec, ParamSpec, Scope, Value as One};
use twilio_rest_runtime::Date;
use twilio_rest_runtime::{Client, Method, Params, Request};

const SECRET_VALUE: &str = "very-secret value";

static MIXED: OperationSpec = OperationSpec::new(
    Method::POST,
    "UpdateThing",
    "/v2/Services/{ServiceSid}/Things/{Sid}",
    &[
        ParamSpec::header("X-Twilio-Webhook-Enabled"),
        ParamSpec::query("Mode"),
        ParamSpec::form("FriendlyName"),
        ParamSpec::form("Secret").sensitive(),
        ParamSpec::form("Permission"),
        ParamSpec::form("DateCreated"),
        ParamSpec::query("Count"),
        ParamSpec::form("Enabled"),
    ],
);

static ACCOUNT: OperationSpec = OperationSpec::new(
    Method::GET,
    "FetchCall",
    "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    &[ParamSpec::account_path("AccountSid")],
);

fn client() -> Client {
    Client::builder("https://chat.twilio.com")
        .credentials(creds())
        .build()
        .unwrap()
}

fn scope(client: &Client) -> Scope {
    Scope::new(client).child("IS 1").child("TH/2")
}

/// The form the description's order gives, built pair by pair with `Params`.
fn expected_form() -> Params {
    let mut form = Params::new();
    form.push("FriendlyName", "Support & sales");
    form.push_sensitive("Secret", SECRET_VALUE);
    form.push_each("Permission", ["send", "leave channel"]);
    form.push(
        "DateCreated",
        Date::new(2026, 1, 2).unwrap().at(3, 4, 5).unwrap(),
    );
    form.push("Enabled", true);
    form
}

fn form_of(request: &Request) -> String {
    request.form_text().unwrap_or_default()
}

#[test]
fn pairs_follow_the_description_whatever_the_setter_order() {
    let client = client();
    let date = Date::new(2026, 1, 2).unwrap().at(3, 4, 5).unwrap();
    let in_order = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_str(0, "true")
        .set(1, "fast")
        .set_str(2, "Support & sales")
        .set_str(3, SECRET_VALUE)
        .set_strs(4, ["send", "leave channel"])
        .set(5, date)
        .set(6, -42_i64)
        .set(7, true)
        .into_request();
    let reversed = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set(7, true)
        .set(6, -42_i64)
        .set(5, date)
        .set_strs(4, ["send", "leave channel"])
        .set_str(3, SECRET_VALUE)
        .set_str(2, "Support & sales")
        .set(1, "fast")
        .set_str(0, "true")
        .into_request();
    let expected = expected_form().encode();
    assert_eq!(form_of(&in_order), expected);
    assert_eq!(form_of(&reversed), expected);
    assert_eq!(
        expected,
        "FriendlyName=Support%20%26%20sales&Secret=very-secret%20value&Permission=send\
         &Permission=leave%20channel&DateCreated=2026-01-02T03%3A04%3A05Z&Enabled=true"
    );
    for request in [&in_order, &reversed] {
        assert_eq!(request.query_text(), "Mode=fast&Count=-42");
        assert_eq!(request.path(), "/v2/Services/IS%201/Things/TH%2F2");
        let debug = format!("{request:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(
            debug.contains("[redacted]") && debug.contains("X-Twilio-Webhook-Enabled"),
            "{debug}"
        );
    }
}

#[test]
fn a_parameter_set_again_keeps_its_place_and_only_its_last_value() {
    let client = client();
    // Form parameters only, in order: the setters' buffer is the form as it is.
    let request = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_str(2, "first")
        .set_strs(4, ["a", "b"])
        .set(7, false)
        .into_request();
    assert_eq!(
        form_of(&request),
        "FriendlyName=first&Permission=a&Permission=b&Enabled=false"
    );
    let request = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_str(2, "first")
        .set(7, false)
        .set_str(2, "second")
        .set_strs(4, ["a", "b"])
        .set_strs(4, ["c"])
        .into_request();
    assert_eq!(
        form_of(&request),
        "FriendlyName=second&Permission=c&Enabled=false"
    );

    // An empty list removes a repeated key set before; a secret moved by the reordering stays redacted.
    let request = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_strs(4, ["x"])
        .set_str(3, SECRET_VALUE)
        .set_strs(4, Vec::<String>::new())
        .set_str(2, "name")
        .into_request();
    assert_eq!(
        form_of(&request),
        "FriendlyName=name&Secret=very-secret%20value"
    );
    let debug = format!("{request:?}");
    assert!(
        !debug.contains("very-secret") && debug.contains("\"name\""),
        "{debug}"
    );
}

#[test]
fn an_operation_with_form_parameters_sends_a_form_even_when_none_is_set() {
    let client = client();
    let request = scope(&client).call::<One<Value>>(&MIXED).into_request();
    assert_eq!(request.form_text().as_deref(), Some(""));
    assert_eq!(request.query_text(), "");
    let only_query = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set(6, 7_u32)
        .into_request();
    assert_eq!(only_query.form_text().as_deref(), Some(""));
    assert_eq!(only_query.query_text(), "Count=7");
}

#[test]
fn builders_show_decoded_values_and_redact_secrets() {
    let client = client();
    let call = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_str(2, "a&b=c d")
        .set_str(3, SECRET_VALUE)
        .set_strs(4, ["x y"])
        .set_str(0, "false");
    let debug = format!("{call:?}");
    assert!(
        debug.contains("\"a&b=c d\"")
            && debug.contains("[\"x y\"]")
            && debug.contains("\"false\"")
            && debug.contains("[redacted]")
            && !debug.contains("very-secret"),
        "{debug}"
    );
    assert!(debug.contains("\"IS 1\", \"TH/2\""), "{debug}");
    // Clones are independent builders.
    let other = call.clone().set_str(2, "other");
    assert!(format!("{call:?}").contains("a&b=c d"));
    assert_eq!(
        form_of(&other.into_request()),
        "FriendlyName=other&Secret=very-secret%20value&Permission=x%20y"
    );
}

#[test]
fn the_account_path_segment_defaults_to_the_clients_account() {
    let client = client();
    let call = Scope::new(&client).child("CA1");
    let default = call.call::<One<Value>>(&ACCOUNT).into_request();
    assert_eq!(
        default.path(),
        format!("/2010-04-01/Accounts/{AC}/Calls/CA1.json")
    );
    let other = call
        .call::<One<Value>>(&ACCOUNT)
        .set_str(0, "AC other")
        .into_request();
    assert_eq!(
        other.path(),
        "/2010-04-01/Accounts/AC%20other/Calls/CA1.json"
    );
    assert_eq!(other.form_text(), None);
}

#[test]
fn long_values_with_many_escapes_are_encoded_whole() {
    let client = client();
    let value: String = "é&ü x".repeat(300);
    let request = scope(&client)
        .call::<One<Value>>(&MIXED)
        .set_str(2, value.clone())
        .into_request();
    let mut expected = Params::new();
    expected.push("FriendlyName", value.as_str());
    assert_eq!(form_of(&request), expected.encode());
    let pairs: Vec<(String, String)> = expected.pairs().collect();
    assert_eq!(pairs, vec![("FriendlyName".to_owned(), value)]);
    assert_eq!(
        form_of(&request).len(),
        "FriendlyName=".len() + 300 * "%C3%A9%26%C3%BC%20x".len()
    );
}

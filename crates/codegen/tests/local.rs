//! The local service's route table: SID prefixes, kinds, records keys, form field mappings, filters, alternate keys
//! and links, all from structured parts of a description.

use serde_json::Value;
use twilio_codegen::{LocalSettings, Settings};

/// A description with one resource, `Thing`, whose SID pattern is `pattern`.
fn spec(pattern: &str) -> String {
    let model = serde_json::json!({
        "type": "object",
        "properties": {
            "sid": {"type": "string", "pattern": pattern, "nullable": true},
            "friendly_name": {"type": "string", "nullable": true},
            "limits": {"nullable": true},
            "permissions": {"type": "array", "items": {"type": "string"}, "nullable": true},
            "url": {"type": "string", "format": "uri", "nullable": true},
            "links": {"type": "object", "format": "uri-map", "nullable": true}
        }
    });
    let ok = |schema: Value| serde_json::json!({"description": "OK", "content": {"application/json": {"schema": schema}}});
    let page = serde_json::json!({"type": "object", "properties": {
        "things": {"type": "array", "items": {"$ref": "#/components/schemas/thing"}},
        "meta": {"type": "object", "properties": {"key": {"type": "string"}}}
    }});
    let form = serde_json::json!({"content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object",
        "required": ["FriendlyName"],
        "properties": {
            "FriendlyName": {"type": "string"},
            "Limits.ChannelMembers": {"type": "integer"},
            "Permission": {"type": "array", "items": {"type": "string"}},
            "Secret": {"type": "string"}
        }
    }}}});
    serde_json::json!({
        "openapi": "3.0.1",
        "info": {"title": "Demo", "version": "1"},
        "servers": [{"url": "https://demo.twilio.com"}],
        "paths": {
            "/v1/Things": {
                "get": {"operationId": "ListThing",
                    "parameters": [{"name": "Identity", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
                    "responses": {"200": ok(page)}},
                "post": {"operationId": "CreateThing", "requestBody": form,
                    "responses": {"201": ok(serde_json::json!({"$ref": "#/components/schemas/thing"}))}}
            },
            "/v1/Things/{Sid}": {
                "get": {"operationId": "FetchThing",
                    "parameters": [{"name": "Sid", "in": "path", "required": true,
                        "x-twilio-alternate-key": "unique_name", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "OK", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/thing"},
                        "examples": {"one": {"value": {
                            "sid": "TH0123456789abcdef0123456789abcdef",
                            "friendly_name": "Things",
                            "links": {
                                "parts": "https://demo.twilio.com/v1/Things/TH0123456789abcdef0123456789abcdef/Parts",
                                "named": "https://demo.twilio.com/v1/Names/Things",
                                "relative": "/v1/Things/TH0123456789abcdef0123456789abcdef",
                                "signed": "https://files.example.com/TH0123456789abcdef0123456789abcdef?Signature=x"
                            }
                        }}}
                    }}}}}
            }
        },
        "components": {"schemas": {"thing": model}}
    })
    .to_string()
}

fn settings(table_path: &str) -> Settings {
    Settings {
        local: Some(LocalSettings {
            file: "local/mod.rs".to_owned(),
            table_path: table_path.to_owned(),
        }),
        ..Settings::new("demo.json", "demo-models", "demo")
    }
}

/// Settings that also write the typed webhook events (`client/src/generated/webhook.rs`).
fn webhook_settings() -> Settings {
    Settings {
        webhooks: Some(twilio_codegen::WebhookSettings {
            file: "client/src/generated/webhook.rs".to_owned(),
            support_path: "::twilio_rest_runtime::__private::webhook".to_owned(),
        }),
        ..settings("crate::table")
    }
}

fn table(pattern: &str) -> Result<String, twilio_codegen::Error> {
    twilio_codegen::generate(&spec(pattern), &settings("crate::table"))
        .map(|generated| generated.files["local/mod.rs"].clone())
}

#[test]
fn table_carries_prefixes_mappings_filters_and_alternates() {
    let text = table("^TH[0-9a-fA-F]{32}$").unwrap();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"sid_prefix: ::core::option::Option::Some("TH")"#,
        r#"kind: crate::table::Kind::Create"#,
        r#"kind: crate::table::Kind::List"#,
        r#"records_key: ::core::option::Option::Some("things")"#,
        r#"wire: "Limits.ChannelMembers", field: &["limits", "channel_members"], kind: crate::table::ValueKind::Int"#,
        r#"wire: "Permission", field: &["permissions"], kind: crate::table::ValueKind::List"#,
        r#"wire: "Secret", field: &[]"#,
        r#"wire: "FriendlyName", field: &["friendly_name"], kind: crate::table::ValueKind::Str, required: true"#,
        r#"alternate: ::core::option::Option::Some("unique_name")"#,
        r#"wire: "Identity", field: ::core::option::Option::None"#,
        r#"("parts", "/v1/Things/{Sid}/Parts")"#,
        r#"("named", "/v1/Names/Things")"#,
        r#"("relative", "/v1/Things/{Sid}")"#,
    ] {
        assert!(flat.contains(expected), "missing `{expected}` in\n{text}");
    }
    assert!(
        !text.contains("signed"),
        "pre-signed links are not templates"
    );
    assert!(text.starts_with("// @generated by `cargo xtask codegen` from demo.json."));
    assert_eq!(table("^TH[0-9a-fA-F]{32}$").unwrap(), text, "deterministic");
}

#[test]
fn alternative_sid_prefixes_take_the_first() {
    let text = table("^(TH|TX)[0-9a-fA-F]{32}$").unwrap();
    assert!(
        text.contains(r#"sid_prefix: ::core::option::Option::Some("TH")"#),
        "{text}"
    );
}

#[test]
fn a_sid_pattern_without_a_prefix_is_an_error_naming_where() {
    let error = table("^[0-9a-fA-F]{32}$").unwrap_err();
    assert_eq!(
        error.pointer(),
        "/components/schemas/thing/properties/sid/pattern"
    );
    assert!(error.message().contains("not a SID pattern"), "{error}");
}

#[test]
fn a_table_path_that_is_not_a_path_is_an_error() {
    let error = twilio_codegen::generate(&spec("^TH[0-9a-fA-F]{32}$"), &settings("not a path"))
        .unwrap_err();
    assert!(error.message().contains("table_path"), "{error}");
}

/// The description of `spec` with `hooks` as its `x-twilio-webhooks`.
fn with_hooks(hooks: Value) -> String {
    let mut spec: Value = serde_json::from_str(&spec("^TH[0-9a-fA-F]{32}$")).unwrap();
    spec["x-twilio-webhooks"] = hooks;
    spec.to_string()
}

fn hooks() -> Value {
    serde_json::json!({
        "name": "Demo",
        "common": [{"name": "AccountSid", "kind": "string"}],
        "payloads": {"Thing": {"resource": "Thing", "params": [
            {"name": "ThingSid", "kind": "string", "field": "sid"},
            {"name": "Count", "kind": "integer", "format": "int32"}
        ]}},
        "events": [
            {"type": "onThingAdd", "payload": "Thing", "pre": {"changes": ["friendlyName"], "before": ["CreateThing"]}},
            {"type": "onThingAdded", "payload": "Thing", "after": ["CreateThing"]}
        ]
    })
}

#[test]
fn webhook_events_reach_the_route_table_and_the_ir() {
    let settings = Settings {
        ir_path: Some("ir.txt".to_owned()),
        ..settings("crate::table")
    };
    let mut hooks = hooks();
    hooks["events"].as_array_mut().unwrap().push(serde_json::json!(
        {"type": "onThingEdited", "payload": "Thing", "after": ["CreateThing"], "when": "FriendlyName"}
    ));
    let generated = twilio_codegen::generate(&with_hooks(hooks), &settings).unwrap();
    let table: String = generated.files["local/mod.rs"]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        r#"event_type: "onThingAdded", resource: "Thing", kind: crate::table::Kind::Create"#,
        r#"crate::table::EventParam { name: "ThingSid", field: &["sid"], }"#,
        r#"pub(crate) const ACCOUNT_SID: &str = "AccountSid";"#,
        r#"event_type: "onThingAdd", resource: "Thing", kind: crate::table::Kind::Create"#,
        r#"changes: &[("friendlyName", "FriendlyName")], when: None,"#,
        r#"event_type: "onThingEdited", resource: "Thing", kind: crate::table::Kind::Create"#,
        r#"when: Some("FriendlyName"),"#,
    ] {
        assert!(table.contains(expected), "missing `{expected}` in {table}");
    }
    let ir = &generated.files["ir.txt"];
    assert!(
        ir.contains(
            "event ThingAdd onThingAdd of ThingEvent pre changes [friendlyName] before CreateThing"
        ),
        "{ir}"
    );
    assert!(ir.contains("count: u32 `Count`"), "{ir}");
    assert!(
        ir.contains("event ThingEdited onThingEdited of ThingEvent after CreateThing when FriendlyName is sent"),
        "{ir}"
    );
}

#[test]
fn a_malformed_webhook_extension_is_an_error_naming_where() {
    let check = |edit: &dyn Fn(&mut Value), pointer: &str, message: &str| {
        let mut hooks = hooks();
        edit(&mut hooks);
        let error = twilio_codegen::generate(&with_hooks(hooks), &settings("crate::table"))
            .expect_err("a malformed extension fails");
        assert_eq!(error.pointer(), pointer, "{error}");
        assert!(error.message().contains(message), "{error}");
    };
    check(
        &|h| h["events"][1]["payload"] = "Nothing".into(),
        "/x-twilio-webhooks/events/1/payload",
        "no payload `Nothing`",
    );
    check(
        &|h| h["events"][1]["after"][0] = "CreateNothing".into(),
        "/x-twilio-webhooks/events/1/after/0",
        "not an operationId",
    );
    check(
        &|h| h["payloads"]["Thing"]["params"][0]["field"] = "nothing".into(),
        "/x-twilio-webhooks/payloads/Thing/params/0/field",
        "`nothing` is not a field of",
    );
    check(
        &|h| h["payloads"]["Thing"]["params"][1]["kind"] = "float".into(),
        "/x-twilio-webhooks/payloads/Thing/params/1/kind",
        "unknown kind `float`",
    );
    check(
        &|h| h["common"][0] = serde_json::json!({"name": "Source", "kind": "enum", "schema": "#/components/schemas/thing"}),
        "/x-twilio-webhooks/common/0/schema",
        "not a string enum",
    );
    check(
        &|h| h["events"] = serde_json::json!({}),
        "/x-twilio-webhooks/events",
        "expected an array",
    );
    check(
        &|h| h["events"][0]["pre"]["changes"][0] = 3.into(),
        "/x-twilio-webhooks/events/0/pre/changes/0",
        "expected a field name",
    );
    check(
        &|h| h["events"][0]["pre"]["before"][0] = "CreateNothing".into(),
        "/x-twilio-webhooks/events/0/pre/before/0",
        "not an operationId",
    );
    // A reply may only change what the operation it comes before takes as a form parameter.
    check(
        &|h| h["events"][0]["pre"]["changes"][0] = "nickname".into(),
        "/x-twilio-webhooks/events",
        "the reply to onThingAdd may change `nickname`, but CreateThing has no form parameter Nickname",
    );
    // An event fires `when` a form parameter is sent only where every operation it names takes it.
    check(
        &|h| h["events"][1]["when"] = "MediaSid".into(),
        "/x-twilio-webhooks/events/1/when",
        "onThingAdded fires when MediaSid is sent, but CreateThing has no form parameter MediaSid",
    );
    // A group read by two payloads is one type: the second must have the same parameters.
    let group = |param: &str| serde_json::json!({"group": "Binding", "params": [{"name": param, "kind": "string"}]});
    check(
        &|h| {
            h["payloads"]["Thing"]["params"][1] = group("Address");
            h["payloads"]["Other"] = serde_json::json!({"params": [group("ProxyAddress")]});
        },
        "/x-twilio-webhooks/payloads/Thing",
        "group `Binding` is declared again with other parameters",
    );
}

#[test]
fn a_group_two_payloads_read_is_one_type() {
    let mut hooks = hooks();
    let group =
        serde_json::json!({"group": "Binding", "params": [{"name": "Address", "kind": "string"}]});
    hooks["payloads"]["Thing"]["params"][1] = group.clone();
    hooks["payloads"]["Other"] = serde_json::json!({"params": [group]});
    let generated = twilio_codegen::generate(&with_hooks(hooks), &webhook_settings()).unwrap();
    let events = &generated.files["client/src/generated/webhook.rs"];
    assert_eq!(
        events.matches("pub struct Binding {").count(),
        1,
        "{events}"
    );
}

/// A description whose only operation is on an instance, as Chat v3's channel update: the last path parameter
/// names the operation's own resource though no collection operation exists.
#[test]
fn an_instance_only_operation_names_its_own_resource() {
    let mut spec: Value = serde_json::from_str(&spec("^TH[0-9a-fA-F]{32}$")).unwrap();
    let paths = spec["paths"].as_object_mut().unwrap();
    let fetch = paths["/v1/Things/{Sid}"]["get"].clone();
    paths.clear();
    let mut fetch = fetch;
    fetch["parameters"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "OwnerSid", "in": "path", "required": true, "schema": {"type": "string"}}));
    paths.insert(
        "/v1/Owners/{OwnerSid}/Things/{Sid}".to_owned(),
        serde_json::json!({"get": fetch}),
    );
    let generated = twilio_codegen::generate(&spec.to_string(), &settings("crate::table")).unwrap();
    let text = &generated.files["local/mod.rs"];
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains(r#"name:"Sid",resource:"Thing""#), "{text}");
}

//! Conversations requests the service refuses, in Twilio's error shape and never with a 5xx: unknown records on
//! every path of the generated table, values that do not parse as their type, `Attributes` that are not JSON, a
//! public channel seen as a conversation, a default conversation service that does not exist.

mod common;

use serde_json::Value;
use twilio_chat_local::LocalChat;
use twilio_chat_local::table::{Kind, ValueKind};

async fn send(local: &LocalChat, method: &str, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    common::call(local, method, path, form, false).await
}

/// Asserts Twilio's error shape with `status` and `code`.
fn refused(what: &str, (status, body): &(u16, Value), expected: u16, code: u64) {
    assert_eq!(*status, expected, "{what}: {body}");
    assert_eq!(
        body["status"].as_u64(),
        Some(u64::from(expected)),
        "{what}: {body}"
    );
    assert_eq!(body["code"].as_u64(), Some(code), "{what}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {body}"
    );
    assert!(body["more_info"].as_str().is_some(), "{what}: {body}");
}

#[tokio::test]
async fn unknown_records_are_not_found_on_every_path() {
    let local = twilio_chat_local::start().await.unwrap();
    for route in twilio_chat_local::conversations_routes()
        .iter()
        .chain(twilio_chat_local::chat_v3_routes())
    {
        if route.path_params.is_empty() {
            continue;
        }
        let mut path = route.path.to_owned();
        for p in route.path_params {
            path = path.replace(
                &format!("{{{}}}", p.name),
                "XX00000000000000000000000000000000",
            );
        }
        let answer = send(&local, route.method, &path, &[]).await;
        refused(route.operation_id, &answer, 404, 20404);
    }
}

#[tokio::test]
async fn values_that_do_not_parse_are_refused_naming_the_parameter() {
    let local = twilio_chat_local::start().await.unwrap();
    let service = local.client().services().create("Support").await.unwrap();
    let is = service.sid.as_str();
    for route in twilio_chat_local::conversations_routes() {
        // Routes with required parameters refuse their absence first.
        let own_params = route.path_params.iter().all(|p| p.name == "ChatServiceSid")
            && route.form.iter().all(|f| !f.required);
        if route.method != "POST" || !own_params || !matches!(route.kind, Kind::Create) {
            continue;
        }
        for field in route.form.iter().filter(|f| {
            matches!(
                f.kind,
                ValueKind::Int | ValueKind::Bool | ValueKind::DateTime | ValueKind::Number
            )
        }) {
            let path = route.path.replace("{ChatServiceSid}", is);
            let what = format!("{} {}", route.operation_id, field.wire);
            let answer = send(&local, "POST", &path, &[(field.wire, "not a value")]).await;
            refused(&what, &answer, 400, 20001);
            assert!(
                answer.1["message"].as_str().unwrap().contains(field.wire),
                "{what}: {answer:?}"
            );
        }
    }
}

#[tokio::test]
async fn conversations_refuse_what_chat_refuses() {
    let local = twilio_chat_local::start().await.unwrap();
    let service = local.client().services().create("Support").await.unwrap();
    let is = service.sid.as_str();
    let path = format!("/v1/Services/{is}/Conversations");
    let answer = send(&local, "POST", &path, &[("Attributes", "{not json")]).await;
    refused("attributes", &answer, 400, 50304);
    send(&local, "POST", &path, &[("UniqueName", "case")]).await;
    let answer = send(&local, "POST", &path, &[("UniqueName", "case")]).await;
    assert_eq!(answer.0, 409, "{answer:?}");

    // A public channel is not a conversation: none of its records are reachable through Conversations.
    let public = local
        .client()
        .service(&service.sid)
        .channels()
        .create()
        .await
        .unwrap();
    for tail in ["", "/Participants", "/Messages", "/Webhooks"] {
        let path = format!("/v1/Services/{is}/Conversations/{}{tail}", public.sid);
        refused(&path, &send(&local, "GET", &path, &[]).await, 404, 20404);
    }
    let answer = send(
        &local,
        "POST",
        "/v1/Configuration",
        &[(
            "DefaultChatServiceSid",
            "IS00000000000000000000000000000000",
        )],
    )
    .await;
    refused("default service", &answer, 400, 20001);
}

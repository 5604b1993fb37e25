//! Every property a description declares `x-twilio-always-sent` is one the generated model cannot go without: for
//! every record schema of every product, each record of the description's response examples decodes into the
//! model, and the same record without one declared property, or with it `null`, is refused with an error naming
//! that property (the client adds the JSON path; `scenarios/errors/always-sent-*.json` pin that).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde_json::Value;
use twilio_chat_v2::models as chat;
use twilio_chat_v2_models::v3 as chat_v3;
use twilio_conversations_v1::models as conv;

/// Decodes a record into one model, dropping the value.
type Decode = fn(Value) -> Result<(), serde_json::Error>;

fn decode<T: DeserializeOwned>(record: Value) -> Result<(), serde_json::Error> {
    serde_json::from_value::<T>(record).map(|_| ())
}

/// Each description and its record models, by component name.
fn products() -> Vec<(&'static str, Vec<(&'static str, Decode)>)> {
    vec![
        (
            "chat-v2",
            vec![
                ("Binding", decode::<chat::Binding>),
                ("Channel", decode::<chat::Channel>),
                ("ChannelWebhook", decode::<chat::ChannelWebhook>),
                ("Credential", decode::<chat::Credential>),
                ("Invite", decode::<chat::Invite>),
                ("Media", decode::<chat::Media>),
                ("Member", decode::<chat::Member>),
                ("Message", decode::<chat::Message>),
                ("Role", decode::<chat::Role>),
                ("Service", decode::<chat::Service>),
                ("User", decode::<chat::User>),
                ("UserBinding", decode::<chat::UserBinding>),
                ("UserChannel", decode::<chat::UserChannel>),
            ],
        ),
        ("chat-v3", vec![("Channel", decode::<chat_v3::Channel>)]),
        (
            "conversations-v1",
            vec![
                ("Configuration", decode::<conv::Configuration>),
                ("ConfigurationAddress", decode::<conv::ConfigurationAddress>),
                ("ConfigurationWebhook", decode::<conv::ConfigurationWebhook>),
                ("Conversation", decode::<conv::Conversation>),
                ("ConversationMessage", decode::<conv::ConversationMessage>),
                (
                    "ConversationMessageReceipt",
                    decode::<conv::ConversationMessageReceipt>,
                ),
                (
                    "ConversationParticipant",
                    decode::<conv::ConversationParticipant>,
                ),
                (
                    "ConversationScopedWebhook",
                    decode::<conv::ConversationScopedWebhook>,
                ),
                (
                    "ConversationWithParticipants",
                    decode::<conv::ConversationWithParticipants>,
                ),
                ("Credential", decode::<conv::Credential>),
                (
                    "ParticipantConversation",
                    decode::<conv::ParticipantConversation>,
                ),
                ("Role", decode::<conv::Role>),
                ("Service", decode::<conv::Service>),
                ("ServiceBinding", decode::<conv::ServiceBinding>),
                ("ServiceConfiguration", decode::<conv::ServiceConfiguration>),
                ("ServiceConversation", decode::<conv::ServiceConversation>),
                (
                    "ServiceConversationMessage",
                    decode::<conv::ServiceConversationMessage>,
                ),
                (
                    "ServiceConversationMessageReceipt",
                    decode::<conv::ServiceConversationMessageReceipt>,
                ),
                (
                    "ServiceConversationParticipant",
                    decode::<conv::ServiceConversationParticipant>,
                ),
                (
                    "ServiceConversationScopedWebhook",
                    decode::<conv::ServiceConversationScopedWebhook>,
                ),
                (
                    "ServiceConversationWithParticipants",
                    decode::<conv::ServiceConversationWithParticipants>,
                ),
                ("ServiceNotification", decode::<conv::ServiceNotification>),
                (
                    "ServiceParticipantConversation",
                    decode::<conv::ServiceParticipantConversation>,
                ),
                ("ServiceRole", decode::<conv::ServiceRole>),
                ("ServiceUser", decode::<conv::ServiceUser>),
                (
                    "ServiceUserConversation",
                    decode::<conv::ServiceUserConversation>,
                ),
                (
                    "ServiceWebhookConfiguration",
                    decode::<conv::ServiceWebhookConfiguration>,
                ),
                ("User", decode::<conv::User>),
                ("UserConversation", decode::<conv::UserConversation>),
            ],
        ),
    ]
}

#[test]
fn a_record_without_an_always_sent_property_is_refused_naming_it() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (product, models) in products() {
        let doc = description(product);
        let models: BTreeMap<&str, Decode> = models.into_iter().collect();
        let records = example_records(&doc);
        for (schema, declared) in always_sent(&doc) {
            let Some(decode) = models.get(schema.as_str()) else {
                problems.push(format!(
                    "{product}: {schema} declares {declared:?} always sent but has no model in this test"
                ));
                continue;
            };
            let examples = records.get(&schema).map(Vec::as_slice).unwrap_or_default();
            if examples.is_empty() {
                problems.push(format!("{product}: no example record of {schema}"));
            }
            for record in examples {
                if let Err(e) = decode(record.clone()) {
                    problems.push(format!(
                        "{product}: an example {schema} does not decode: {e}"
                    ));
                    continue;
                }
                for property in &declared {
                    let mut without = record.clone();
                    if let Some(object) = without.as_object_mut() {
                        object.remove(property);
                    }
                    check(
                        &mut problems,
                        &format!("{product}: {schema} without `{property}`"),
                        decode(without),
                        &format!("missing field `{property}`"),
                    );
                    let mut null = record.clone();
                    null[property.as_str()] = Value::Null;
                    check(
                        &mut problems,
                        &format!("{product}: {schema} with `{property}` null"),
                        decode(null),
                        "invalid type: null",
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 300, "only {checked} properties checked");
}

/// Records `what` as a problem unless `result` is an error whose text starts with `expected`.
fn check(
    problems: &mut Vec<String>,
    what: &str,
    result: Result<(), serde_json::Error>,
    expected: &str,
) {
    match result {
        Ok(()) => problems.push(format!("{what}: decoded")),
        Err(e) if !e.to_string().starts_with(expected) => {
            problems.push(format!("{what}: `{e}`, expected `{expected}...`"));
        }
        Err(_) => {}
    }
}

fn description(product: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(format!("{product}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The properties declared `x-twilio-always-sent: true`, per component schema that has any.
fn always_sent(doc: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (schema, body) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        for (property, value) in body["properties"].as_object().into_iter().flatten() {
            if value["x-twilio-always-sent"] == Value::Bool(true) {
                out.entry(schema.clone())
                    .or_default()
                    .push(property.clone());
            }
        }
    }
    out
}

/// The records of every success example, per component schema: a single record, the items of an array answer,
/// or the records of a page (the array members of a schema with `meta`).
fn example_records(doc: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let component = |schema: &Value| {
        schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_owned)
    };
    let resolve = |schema: &Value| match component(schema) {
        Some(name) => doc["components"]["schemas"][name.as_str()].clone(),
        None => schema.clone(),
    };
    for item in doc["paths"].as_object().into_iter().flatten().map(|p| p.1) {
        for op in item.as_object().into_iter().flatten().map(|o| o.1) {
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                let content = &response["content"]["application/json"];
                if !code.starts_with('2') {
                    continue;
                }
                let named = content["examples"].as_object().into_iter().flatten();
                let examples = std::iter::once(&content["example"])
                    .chain(named.map(|e| &e.1["value"]))
                    .filter(|e| !e.is_null());
                let schema = &content["schema"];
                let target = resolve(schema);
                for example in examples {
                    if let Some(name) = component(&target["items"]) {
                        let records = example.as_array().into_iter().flatten().cloned();
                        out.entry(name).or_default().extend(records);
                    } else if target["properties"]["meta"].is_object() {
                        for (member, property) in
                            target["properties"].as_object().into_iter().flatten()
                        {
                            if let Some(name) = component(&property["items"]) {
                                let records =
                                    example[member.as_str()].as_array().into_iter().flatten();
                                out.entry(name).or_default().extend(records.cloned());
                            }
                        }
                    } else if let Some(name) = component(schema) {
                        out.entry(name).or_default().push(example.clone());
                    }
                }
            }
        }
    }
    out
}

//! Every operation of the Conversations v1 and Chat v3 route tables answers with a success in the description's
//! shape, driven by the generated tables themselves: creates first (participants before messages, so that
//! messages get delivery receipts), then fetches, lists and updates, then deletes, innermost first. Each answer
//! has every field of its resource's model and decodes as the generated model of the description (Conversations'
//! and Chat v3's), and lists have their records key and Twilio's `meta`.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use twilio_chat_local::LocalChat;
use twilio_chat_local::table::{Kind, Route};

/// The sweep's requests over plain HTTP, with the service's credentials.
struct Sweep<'a> {
    chat: &'a LocalChat,
    http: reqwest::Client,
    /// The SID of the latest record of each product resource.
    sids: BTreeMap<&'static str, String>,
    /// The identity of the participants it adds.
    participant: &'static str,
}

impl Sweep<'_> {
    async fn send(&self, method: &str, path: &str, form: &[(String, String)]) -> (u16, Value) {
        let url = format!("{}{path}", self.chat.base_url());
        let credentials = self.chat.credentials();
        let request = match method {
            "GET" => self.http.get(&url),
            "POST" => self.http.post(&url).form(form),
            _ => self.http.delete(&url),
        };
        let response = request
            .basic_auth(credentials.account_sid(), Some(credentials.auth_token()))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The value of a path parameter: the latest record of the resource it names; a user by the identity of the
    /// participants (so that the user's conversations exist); a user's conversation by its conversation.
    fn param(&self, route: &Route, name: &str, resource: &str) -> String {
        let key = match (name, resource) {
            ("UserSid", _) => return "member".to_owned(),
            (_, "ServiceUserConversation") => "ServiceConversation",
            (_, "UserConversation") => "Conversation",
            _ => resource,
        };
        self.sids
            .get(key)
            .cloned()
            .unwrap_or_else(|| panic!("{}: no {key} yet for {{{name}}}", route.operation_id))
    }

    fn path(&self, route: &Route) -> String {
        let mut path = route.path.to_owned();
        for p in route.path_params {
            let value = self.param(route, p.name, p.resource);
            path = path.replacen(&format!("{{{}}}", p.name), &value, 1);
        }
        path
    }

    /// The required form fields, with values the operation accepts; a participant gets an SMS binding.
    fn form(&self, route: &Route) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for f in route.form {
            let value = match (route.resource, f.wire) {
                (_, "Identity") if route.resource.ends_with("Participant") => self.participant,
                (_, "MessagingBinding.Address") => "+15550001111",
                (_, "Identity") => "user",
                ("ConfigurationAddress", "Type") => "sms",
                ("ConfigurationAddress", "Address") => "+15550002222",
                ("Credential", "Type") => "fcm",
                (r, "Type") if r.ends_with("Role") => "conversation",
                (_, "Target") => "webhook",
                (_, "Permission") => "sendMessage",
                (_, "FriendlyName") => "name",
                (_, "Author") => "member",
                (_, "Body") => "hello",
                _ if !f.required => continue,
                _ => panic!("{}: no value for {}", route.operation_id, f.wire),
            };
            out.push((f.wire.to_owned(), value.to_owned()));
        }
        out
    }

    async fn run(&mut self, route: &'static Route, model: Option<&str>, fields: &[&str]) {
        let path = self.path(route);
        let form = self.form(route);
        let (status, body) = self.send(route.method, &path, &form).await;
        let what = format!("{} {} {path}", route.operation_id, route.method);
        assert!((200..300).contains(&status), "{what}: {status} {body}");
        match route.kind {
            Kind::Delete => assert_eq!(status, 204, "{what}"),
            Kind::List => {
                let key = route.records_key.unwrap();
                let records = body[key]
                    .as_array()
                    .unwrap_or_else(|| panic!("{what}: {body}"));
                assert!(
                    body["meta"]["next_page_url"].is_null()
                        || body["meta"]["next_page_url"].is_string(),
                    "{what}"
                );
                assert_eq!(body["meta"]["key"], json!(key), "{what}");
                if let Some(first) = records.first() {
                    has_fields(&what, first, fields);
                    if let Some(model) = model {
                        decodes(model, first).unwrap_or_else(|e| panic!("{what}: {e}: {first}"));
                    }
                    if let Some(sid) = first["sid"].as_str() {
                        self.sids
                            .entry(route.resource)
                            .or_insert_with(|| sid.to_owned());
                    }
                }
            }
            _ => {
                has_fields(&what, &body, fields);
                if let Some(model) = model {
                    decodes(model, &body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"));
                }
                if route.kind == Kind::Create
                    && let Some(sid) = body["sid"].as_str()
                {
                    self.sids.insert(route.resource, sid.to_owned());
                }
            }
        }
    }
}

/// Decodes a record as the generated model named `model`.
fn decodes(model: &str, record: &Value) -> Result<(), String> {
    use twilio_conversations_v1::models as m;
    macro_rules! models {
        ($($name:ident),* $(,)?) => {
            match model {
                $(stringify!($name) => serde_json::from_value::<m::$name>(record.clone())
                    .map(|_| ())
                    .map_err(|e| e.to_string()),)*
                "Channel" => serde_json::from_value::<twilio_chat_v2::models::v3::Channel>(record.clone())
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                other => Err(format!("no model {other}")),
            }
        };
    }
    models!(
        Configuration,
        ConfigurationAddress,
        ConfigurationWebhook,
        Conversation,
        ConversationMessage,
        ConversationMessageReceipt,
        ConversationParticipant,
        ConversationScopedWebhook,
        ConversationWithParticipants,
        Credential,
        ParticipantConversation,
        Role,
        Service,
        ServiceBinding,
        ServiceConfiguration,
        ServiceConversation,
        ServiceConversationMessage,
        ServiceConversationMessageReceipt,
        ServiceConversationParticipant,
        ServiceConversationScopedWebhook,
        ServiceConversationWithParticipants,
        ServiceNotification,
        ServiceParticipantConversation,
        ServiceRole,
        ServiceUser,
        ServiceUserConversation,
        ServiceWebhookConfiguration,
        User,
        UserConversation,
    )
}

fn has_fields(what: &str, record: &Value, fields: &[&str]) {
    for field in fields {
        assert!(
            record.get(field).is_some(),
            "{what}: no `{field}` in {record}"
        );
    }
}

/// The model and the fields of the resource `name`.
fn model(
    resources: &'static [twilio_chat_local::table::Resource],
    name: &str,
) -> (Option<&'static str>, Vec<&'static str>) {
    resources
        .iter()
        .find(|r| r.name == name)
        .map(|r| (r.model, r.fields.iter().map(|f| f.name).collect()))
        .unwrap_or_default()
}

#[tokio::test]
async fn every_conversations_operation_answers_in_the_description_shape() {
    assert!(
        decodes("ServiceConversation", &json!({"sid": 1})).is_err(),
        "the models refuse what is not their shape"
    );
    let chat = twilio_chat_local::start().await.unwrap();
    let mut sweep = Sweep {
        chat: &chat,
        http: reqwest::Client::new(),
        sids: BTreeMap::new(),
        participant: "member",
    };
    let routes = twilio_chat_local::conversations_routes();
    let resources = twilio_chat_local::conversations_resources();
    // A create makes a record with an instance path; singletons' `POST`s are updates.
    let is_create = |r: &Route| {
        r.kind == Kind::Create
            && resources
                .iter()
                .any(|x| x.name == r.resource && x.instance_path.is_some())
    };
    let creates = routes.iter().filter(|r| is_create(r));
    let (messages, others): (Vec<&Route>, Vec<&Route>) =
        creates.partition(|r| r.resource.ends_with("Message"));
    for route in others.into_iter().chain(messages) {
        let (model, fields) = model(resources, route.resource);
        sweep.run(route, model, &fields).await;
    }
    // Push bindings come from the SDKs, not the API: seed one.
    let service = sweep.sids["Service"].clone();
    let binding = chat
        .state()
        .insert(
            "Binding",
            json!({"service_sid": service, "identity": "member", "binding_type": "fcm", "endpoint": "e"}),
        )
        .unwrap();
    sweep.sids.insert(
        "ServiceBinding",
        binding["sid"].as_str().unwrap().to_owned(),
    );
    for route in routes
        .iter()
        .filter(|r| !is_create(r) && r.kind != Kind::Delete)
    {
        let (model, fields) = model(resources, route.resource);
        sweep.run(route, model, &fields).await;
    }
    // Deleting a user's conversation removes its participant: participants to delete are added first.
    sweep.participant = "leaver";
    for route in routes.iter().rev().filter(|r| r.kind == Kind::Delete) {
        if route.resource.ends_with("Participant") {
            let create = routes
                .iter()
                .find(|r| r.resource == route.resource && r.kind == Kind::Create)
                .unwrap();
            sweep.run(create, None, &[]).await;
        }
        sweep.run(route, None, &[]).await;
    }
}

#[tokio::test]
async fn the_chat_v3_operation_answers_in_the_description_shape() {
    let chat = twilio_chat_local::start().await.unwrap();
    let service = chat.client().services().create("Support").await.unwrap();
    let channel = chat
        .client()
        .service(&service.sid)
        .channels()
        .create()
        .await
        .unwrap();
    let mut sweep = Sweep {
        chat: &chat,
        http: reqwest::Client::new(),
        sids: BTreeMap::from([
            ("Service", service.sid.to_string()),
            ("Channel", channel.sid.to_string()),
        ]),
        participant: "member",
    };
    let fields = [
        "sid",
        "account_sid",
        "service_sid",
        "type",
        "messaging_service_sid",
        "url",
    ];
    for route in twilio_chat_local::chat_v3_routes() {
        sweep.run(route, Some("Channel"), &fields).await;
    }
}

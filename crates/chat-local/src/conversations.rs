//! What the Conversations description cannot say: the account's default conversation service (made on first use,
//! as every Twilio account has one), the defaults of the configuration singletons, conversations created with their
//! participants, the participants and delivery receipts of a new message, and the two views over memberships (a
//! user's conversations, a participant's conversations).

use serde_json::{Map, Value, json};

use crate::behaviour;
use crate::form::Pairs;
use crate::list::page;
use crate::product::Target;
use crate::store::{ApiError, Record, Store};
use crate::table::{Kind, Resource};

/// Friendly name of the service a new account's Conversations use.
const DEFAULT_SERVICE_NAME: &str = "Default Conversations Service";

/// The SID of the default conversation service, made on first use.
pub(crate) fn default_service(store: &mut Store) -> String {
    if let Some(sid) = &store.default_service
        && store.find("Service", sid, None, &[]).is_some()
    {
        return sid.clone();
    }
    let Some(resource) = Store::resource("Service") else {
        return String::new();
    };
    let mut service = store.blank(resource, &[]);
    behaviour::defaults(store, resource, &mut service);
    service
        .value
        .insert("friendly_name", json!(DEFAULT_SERVICE_NAME));
    store.locate(resource, &mut service.value);
    let sid = service.str("sid").unwrap_or_default().to_owned();
    store.insert(resource.name, service);
    store.default_service = Some(sid.clone());
    sid
}

/// The defaults of a configuration singleton's first record.
pub(crate) fn singleton_defaults(store: &mut Store, resource: &Resource, record: &mut Record) {
    let defaults = match resource.name {
        "Configuration" => json!({"default_chat_service_sid": default_service(store)}),
        "ConfigurationWebhook" => json!({"method": "POST", "filters": [], "target": "webhook"}),
        _ => return,
    };
    if let Value::Object(fields) = defaults {
        record.value.extend(fields);
    }
}

/// Checks an update of a singleton: the default conversation service must exist, and becomes the default.
pub(crate) fn singleton_updated(
    store: &mut Store,
    resource: &Resource,
    record: &mut Record,
) -> Result<(), ApiError> {
    if resource.name != "Configuration" {
        return Ok(());
    }
    let Some(sid) = record.str("default_chat_service_sid").map(str::to_owned) else {
        return Ok(());
    };
    if store.find("Service", &sid, None, &[]).is_none() {
        return Err(ApiError::invalid(format!(
            "Invalid DefaultChatServiceSid: no service {sid}"
        )));
    }
    store.default_service = Some(sid);
    Ok(())
}

/// Answers the operations whose records are views over memberships, and keeps the account configuration naming
/// the current default service; `None` for every other operation.
pub(crate) fn special(
    store: &mut Store,
    target: &Target<'_>,
    form: &Pairs,
    query: &Pairs,
) -> Result<Option<(u16, Option<Value>)>, ApiError> {
    match target.resource.name {
        "Configuration" => {
            let sid = default_service(store);
            if let Some(config) = store.first_mut("Configuration") {
                config.value.insert("default_chat_service_sid", json!(sid));
            }
            Ok(None)
        }
        "UserConversation" | "ServiceUserConversation" => {
            user_conversations(store, target, form, query).map(Some)
        }
        "ParticipantConversation" | "ServiceParticipantConversation" => {
            participant_conversations(store, target, query).map(Some)
        }
        _ => Ok(None),
    }
}

/// The memberships of private channels (participants of conversations) in `service`.
fn participants(store: &Store, service: &str) -> Vec<(Record, Record)> {
    store
        .all("Member")
        .iter()
        .filter(|m| m.str("service_sid") == Some(service))
        .filter_map(|m| {
            let channel = store.find("Channel", m.str("channel_sid")?, None, &[])?;
            (channel.str("type") == Some("private")).then(|| (m.clone(), channel.clone()))
        })
        .collect()
}

/// The fields a view over memberships takes from the conversation, by their Conversations names.
fn conversation_fields(store: &Store, channel: &Record) -> Map<String, Value> {
    let sid = channel.str("sid").unwrap_or_default();
    let apart = store.apart.get(sid);
    let get = |name: &str| channel.value.get(name).cloned().unwrap_or(Value::Null);
    let kept = |name: &str, or: Value| apart.and_then(|a| a.get(name)).cloned().unwrap_or(or);
    let mut v = Map::new();
    for (key, value) in [
        ("chat_service_sid", get("service_sid")),
        ("conversation_sid", get("sid")),
        ("friendly_name", get("friendly_name")),
        ("unique_name", get("unique_name")),
        ("attributes", get("attributes")),
        ("date_created", get("date_created")),
        ("date_updated", get("date_updated")),
        ("created_by", get("created_by")),
        ("state", kept("state", json!("active"))),
        ("timers", kept("timers", json!({}))),
    ] {
        v.insert(key.to_owned(), value);
    }
    v
}

/// `/Users/{UserSid}/Conversations`: the conversations a user takes part in, seen from the user.
fn user_conversations(
    store: &mut Store,
    target: &Target<'_>,
    form: &Pairs,
    query: &Pairs,
) -> Result<(u16, Option<Value>), ApiError> {
    let path = target.path;
    let user = target
        .parents
        .last()
        .ok_or_else(|| ApiError::not_found(path))?;
    let service = user.str("service_sid").unwrap_or_default().to_owned();
    let identity = user.str("identity").map(str::to_owned);
    let render = |store: &Store, member: &Record, channel: &Record| -> Value {
        let mut v = Map::new();
        for field in target.resource.fields {
            v.insert(field.name.to_owned(), Value::Null);
        }
        let common = conversation_fields(store, channel);
        let (consumed, unread, level) = crate::behaviour::reading(store, member);
        v.extend(common);
        if let Some(state) = v.remove("state") {
            v.insert("conversation_state".to_owned(), state);
        }
        for (key, value) in [
            ("account_sid", json!(store.account_sid)),
            ("user_sid", json!(user.str("sid"))),
            ("participant_sid", json!(member.str("sid"))),
            ("last_read_message_index", json!(consumed)),
            ("unread_messages_count", json!(unread)),
            ("notification_level", json!(level)),
        ] {
            v.insert(key.to_owned(), value);
        }
        v.retain(|k, _| target.resource.fields.iter().any(|f| f.name == k));
        store.locate(target.resource, &mut v);
        Value::Object(v)
    };
    let mine: Vec<(Record, Record)> = participants(store, &service)
        .into_iter()
        .filter(|(m, _)| identity.is_some() && m.str("identity") == identity.as_deref())
        .collect();
    if target.route.kind == Kind::List {
        let items = mine.iter().map(|(m, c)| (m.seq, render(store, m, c)));
        return page(store, target.route, path, query, items, false, Value::clone)
            .map(|p| (200, Some(p.into_value())));
    }
    let key = target.raw.last().ok_or_else(|| ApiError::not_found(path))?;
    let (member, channel) = mine
        .into_iter()
        .find(|(_, c)| c.str("sid") == Some(key) || c.str("unique_name") == Some(key))
        .ok_or_else(|| ApiError::not_found(path))?;
    let member_sid = member.str("sid").unwrap_or_default().to_owned();
    match target.route.kind {
        Kind::Update => {
            let mut updated = member.clone();
            if let Some(level) = form.last("NotificationLevel") {
                if !matches!(level, "default" | "muted") {
                    return Err(ApiError::invalid(format!(
                        "Invalid NotificationLevel '{level}': expected one of default, muted"
                    )));
                }
                store
                    .notification_levels
                    .insert(member_sid.clone(), level.to_owned());
            }
            if let Some(index) = form.last("LastReadMessageIndex") {
                let index = crate::store::decode(
                    "LastReadMessageIndex",
                    crate::table::ValueKind::Int,
                    &[index],
                )?;
                updated.value.insert("last_consumed_message_index", index);
            }
            store.replace("Member", updated.clone());
            Ok((200, Some(render(store, &updated, &channel))))
        }
        Kind::Delete => {
            if let Some(resource) = Store::resource("Member") {
                store.remove(resource, &member_sid);
            }
            Ok((204, None))
        }
        _ => Ok((200, Some(render(store, &member, &channel)))),
    }
}

/// `/ParticipantConversations`: the conversations of a participant, by `Identity` or messaging `Address`.
fn participant_conversations(
    store: &mut Store,
    target: &Target<'_>,
    query: &Pairs,
) -> Result<(u16, Option<Value>), ApiError> {
    // `/v1/ParticipantConversations` names no service: the default one's.
    let service = match target.bounds.first() {
        Some(bound) => bound.sid.clone(),
        None => default_service(store),
    };
    let identity = query.last("Identity");
    let address = query.last("Address");
    let items: Vec<(u64, Value)> = participants(store, &service)
        .into_iter()
        .filter(|(m, _)| {
            let binding = store.apart.get(m.str("sid").unwrap_or_default());
            let bound = binding
                .and_then(|b| b.get("messaging_binding"))
                .and_then(|b| b.get("address"))
                .and_then(Value::as_str);
            identity.is_none_or(|i| m.str("identity") == Some(i)) && address.is_none_or(|a| bound == Some(a))
        })
        .map(|(m, c)| {
            let mut v = Map::new();
            let apart = store.apart.get(m.str("sid").unwrap_or_default());
            let user = store
                .find("User", m.str("identity").unwrap_or_default(), Some("identity"), &[("service_sid", service.clone())])
                .and_then(|u| u.str("sid"));
            for (key, value) in conversation_fields(store, &c) {
                let key = if key == "chat_service_sid" || key == "conversation_sid" {
                    key
                } else {
                    format!("conversation_{key}")
                };
                v.insert(key, value);
            }
            for (key, value) in [
                ("account_sid", json!(store.account_sid)),
                ("participant_sid", json!(m.str("sid"))),
                ("participant_user_sid", json!(user)),
                ("participant_identity", json!(m.str("identity"))),
                ("participant_messaging_binding", apart.and_then(|a| a.get("messaging_binding")).cloned().unwrap_or(Value::Null)),
            ] {
                v.insert(key.to_owned(), value);
            }
            // The account's list links the account's paths; a service's list, the service's.
            let conversation = match target.bounds.first() {
                Some(_) => format!("{}/v1/Services/{service}/Conversations/{}", store.base_url, c.str("sid").unwrap_or_default()),
                None => format!("{}/v1/Conversations/{}", store.base_url, c.str("sid").unwrap_or_default()),
            };
            let links = json!({
                "participant": format!("{conversation}/Participants/{}", m.str("sid").unwrap_or_default()),
                "conversation": conversation,
            });
            v.insert("links".to_owned(), links);
            v.retain(|k, _| target.resource.fields.iter().any(|f| f.name == k));
            (m.seq, Value::Object(v))
        })
        .collect();
    page(
        store,
        target.route,
        target.path,
        query,
        items.into_iter(),
        false,
        Value::clone,
    )
    .map(|p| (200, Some(p.into_value())))
}

/// Completes a record created through a product: a conversation's `Participant`s join it, a message gets its
/// participant and a delivery receipt for each participant with a messaging binding (nothing is delivered).
pub(crate) fn created(
    store: &mut Store,
    target: &Target<'_>,
    form: &Pairs,
    record: &Record,
) -> Result<(), ApiError> {
    let mapping = target.mapping.map(|m| m.storage);
    match mapping {
        Some("Channel") => {
            for text in form.all("Participant") {
                let participant: Value = serde_json::from_str(text).map_err(|_| {
                    ApiError::invalid(format!("Invalid Participant: not a JSON object ({text})"))
                })?;
                join(store, record, &participant)?;
            }
            Ok(())
        }
        Some("Message") => {
            message_created(store, record);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Adds a participant (`identity`, `attributes`, `role_sid`, `messaging_binding`) to a new conversation.
fn join(store: &mut Store, channel: &Record, participant: &Value) -> Result<(), ApiError> {
    let resource = Store::resource("Member").ok_or_else(|| ApiError::invalid("no members"))?;
    let parents = [
        (
            "service_sid",
            channel.str("service_sid").unwrap_or_default().to_owned(),
        ),
        (
            "channel_sid",
            channel.str("sid").unwrap_or_default().to_owned(),
        ),
    ];
    let mut member = store.blank(resource, &parents);
    behaviour::defaults(store, resource, &mut member);
    for key in ["identity", "attributes", "role_sid"] {
        if let Some(value) = participant.get(key).filter(|v| !v.is_null()) {
            member.value.insert(key, value.clone());
        }
    }
    behaviour::check(store, resource, &mut member, None)?;
    store.locate(resource, &mut member.value);
    let mut apart = Map::new();
    if let Some(binding) = participant.get("messaging_binding") {
        apart.insert("messaging_binding".to_owned(), binding.clone());
    }
    crate::settle::settle(resource.name, &mut apart)?;
    store
        .apart
        .insert(member.str("sid").unwrap_or_default().to_owned(), apart);
    store.insert(resource.name, member);
    Ok(())
}

/// The author's participant, and one delivery receipt (`sent`) per participant with a messaging binding.
fn message_created(store: &mut Store, message: &Record) {
    let sid = message.str("sid").unwrap_or_default().to_owned();
    let channel = message.str("channel_sid").unwrap_or_default().to_owned();
    let service = message.str("service_sid").unwrap_or_default().to_owned();
    let members: Vec<Record> = store
        .all("Member")
        .iter()
        .filter(|m| m.str("channel_sid") == Some(&channel))
        .cloned()
        .collect();
    let author = members
        .iter()
        .find(|m| m.str("identity").is_some() && m.str("identity") == message.str("from"));
    let bound: Vec<&Record> = members
        .iter()
        .filter(|m| {
            store
                .apart
                .get(m.str("sid").unwrap_or_default())
                .is_some_and(|a| a.get("messaging_binding").is_some_and(|b| !b.is_null()))
        })
        .collect();
    // One record per receipt, seen at the account's and at the service's paths.
    let mut receipts = Vec::new();
    if let Some(resource) =
        crate::mapping::CONVERSATIONS_V1.resource("ServiceConversationMessageReceipt")
    {
        for member in &bound {
            let mut receipt = store.blank(resource, &[]);
            for (key, value) in [
                ("chat_service_sid", json!(service)),
                ("conversation_sid", json!(channel)),
                ("message_sid", json!(sid)),
                ("participant_sid", json!(member.str("sid"))),
                ("status", json!("sent")),
                // The message sent on the participant's channel; nothing is sent, but it has its SID.
                ("channel_message_sid", json!(store.new_sid("SM"))),
            ] {
                receipt.value.insert(key, value);
            }
            receipts.push((resource.name, receipt));
        }
    }
    let delivery = (!bound.is_empty()).then(|| {
        let total = bound.len();
        json!({"total": total, "sent": "all", "delivered": "none", "read": "none", "undelivered": "none", "failed": "none"})
    });
    let apart = store.apart.entry(sid).or_default();
    apart.insert(
        "participant_sid".to_owned(),
        json!(author.and_then(|a| a.str("sid"))),
    );
    apart.insert("delivery".to_owned(), delivery.unwrap_or(Value::Null));
    for (name, receipt) in receipts {
        store.insert(name, receipt);
    }
}

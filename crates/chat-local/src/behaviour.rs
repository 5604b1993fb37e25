//! What a description cannot say: the defaults Twilio fills in, the rules it enforces (unique names, identities,
//! enum values), message indexes per channel, counts computed on read, the default roles of a new service, users
//! made when a member joins with a new identity, and the two views over other records (a user's channels are its
//! memberships, a user's bindings are the service's bindings with its identity).

use serde_json::{Map, Value, json};

use crate::fields::Fields;
use crate::store::{ApiError, Record, Store};
use crate::table::Resource;

/// Fills the defaults a description does not state (its `default`s are set by [`Store::blank`]) before the form
/// fields are applied.
pub(crate) fn defaults(store: &mut Store, resource: &Resource, record: &mut Record) {
    let v = &mut record.value;
    let service_role = |store: &Store, v: &Fields, field: &str| {
        let service = v
            .get("service_sid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        store
            .find("Service", service, None, &[])
            .and_then(|s| s.value.get(field).cloned())
            .unwrap_or(Value::Null)
    };
    match resource.name {
        "Service" => {
            for (field, value) in [
                ("read_status_enabled", json!(true)),
                ("reachability_enabled", json!(false)),
                ("webhook_filters", json!([])),
                (
                    "limits",
                    json!({"channel_members": 100, "user_channels": 250}),
                ),
                (
                    "notifications",
                    json!({
                        "log_enabled": false,
                        "new_message": {"enabled": false},
                        "added_to_channel": {"enabled": false},
                        "removed_from_channel": {"enabled": false},
                        "invited_to_channel": {"enabled": false},
                    }),
                ),
                (
                    "media",
                    json!({"size_limit_mb": 150, "compatibility_message": "Media messages are not supported"}),
                ),
            ] {
                v.insert(field, value);
            }
            let sid = v
                .get("sid")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            for (field, name, kind, permissions) in DEFAULT_ROLES {
                let role_sid = default_role(store, &sid, name, kind, permissions);
                if let Some(field) = field {
                    v.insert(*field, Value::String(role_sid));
                }
            }
        }
        "Channel" => {
            v.insert("type", json!("public"));
            v.insert("attributes", json!("{}"));
            v.insert("created_by", json!("system"));
        }
        "Member" => {
            v.insert("attributes", json!("{}"));
            let role = service_role(store, v, "default_channel_role_sid");
            v.insert("role_sid", role);
        }
        "Invite" => {
            let role = service_role(store, v, "default_channel_role_sid");
            v.insert("role_sid", role);
        }
        "User" => {
            v.insert("attributes", json!("{}"));
            let role = service_role(store, v, "default_service_role_sid");
            v.insert("role_sid", role);
        }
        "Message" => {
            v.insert("attributes", json!("{}"));
            v.insert("from", json!("system"));
            v.insert("type", json!("text"));
            v.insert("was_edited", json!(false));
            let channel = v.get("channel_sid").cloned().unwrap_or(Value::Null);
            v.insert("to", channel);
        }
        "ChannelWebhook" => {
            v.insert("configuration", json!({"method": "POST", "retry_count": 0}));
        }
        "Binding" => {
            v.insert("message_types", json!([]));
        }
        _ => {}
    }
}

/// The roles every new service has: the service field naming it, name, type, permissions.
const DEFAULT_ROLES: &[(Option<&str>, &str, &str, &[&str])] = &[
    (
        None,
        "service admin",
        "deployment",
        &[
            "createChannel",
            "joinChannel",
            "destroyChannel",
            "inviteMember",
            "removeMember",
            "editChannelName",
            "editChannelAttributes",
            "editAnyMessage",
            "deleteAnyMessage",
            "editAnyUserInfo",
        ],
    ),
    (
        Some("default_service_role_sid"),
        "service user",
        "deployment",
        &["createChannel", "joinChannel", "editOwnUserInfo"],
    ),
    (
        Some("default_channel_creator_role_sid"),
        "channel admin",
        "channel",
        &[
            "sendMessage",
            "leaveChannel",
            "inviteMember",
            "removeMember",
            "editChannelName",
            "editChannelAttributes",
            "editAnyMessage",
            "deleteAnyMessage",
        ],
    ),
    (
        Some("default_channel_role_sid"),
        "channel user",
        "channel",
        &[
            "sendMessage",
            "leaveChannel",
            "editOwnMessage",
            "deleteOwnMessage",
        ],
    ),
];

fn default_role(
    store: &mut Store,
    service_sid: &str,
    name: &str,
    kind: &str,
    permissions: &[&str],
) -> String {
    let Some(resource) = Store::resource("Role") else {
        return String::new();
    };
    let mut role = store.blank(resource, &[("service_sid", service_sid.to_owned())]);
    role.value.insert("friendly_name", json!(name));
    role.value.insert("type", json!(kind));
    role.value.insert("permissions", json!(permissions));
    store.locate(resource, &mut role.value);
    let sid = role.str("sid").unwrap_or_default().to_owned();
    store.insert(resource.name, role);
    sid
}

/// Checks and completes a record after the form fields are applied; `old` is the stored record on update.
pub(crate) fn check(
    store: &mut Store,
    resource: &Resource,
    record: &mut Record,
    old: Option<&Record>,
) -> Result<(), ApiError> {
    let sid = record.str("sid").unwrap_or_default().to_owned();
    let one_of = |field: &str, allowed: &[&str]| -> Result<(), ApiError> {
        match record.str(field) {
            Some(v) if !allowed.contains(&v) => Err(ApiError::invalid(format!(
                "Invalid {field} '{v}': expected one of {}",
                allowed.join(", ")
            ))),
            _ => Ok(()),
        }
    };
    let sibling = |store: &Store, scope: &str, field: &str| {
        let (Some(scope_sid), Some(value)) = (record.str(scope), record.str(field)) else {
            return false;
        };
        store.all(resource.name).iter().any(|r| {
            r.str(scope) == Some(scope_sid)
                && r.str(field) == Some(value)
                && r.str("sid") != Some(&sid)
        })
    };
    match resource.name {
        "Channel" => {
            one_of("type", &["public", "private"])?;
            if sibling(store, "service_sid", "unique_name") {
                return Err(ApiError::new(
                    409,
                    50307,
                    "Channel with provided unique name already exists",
                ));
            }
        }
        "User" if sibling(store, "service_sid", "identity") => {
            return Err(ApiError::new(409, 50201, "User already exists"));
        }
        "Member" => {
            if sibling(store, "channel_sid", "identity") {
                return Err(ApiError::new(409, 50404, "Member already exists"));
            }
            if old.is_none() {
                ensure_user(store, record);
            }
        }
        "Role" => one_of("type", &["channel", "deployment"])?,
        "Credential" => one_of("type", &["apn", "gcm", "fcm"])?,
        "ChannelWebhook" => one_of("type", &["webhook", "trigger", "studio"])?,
        "Message" => match old {
            None => {
                let channel = record.str("channel_sid").unwrap_or_default().to_owned();
                let next = store.next_index.entry(channel).or_insert(0);
                record.value.insert("index", json!(*next));
                *next += 1;
            }
            Some(old) => {
                if old.value.get("body") != record.value.get("body") {
                    record.value.insert("was_edited", json!(true));
                }
            }
        },
        _ => {}
    }
    Ok(())
}

/// A form field the model does not return (`MediaSid` of a new message); others (credential secrets) are
/// accepted and not kept.
pub(crate) fn unmapped(
    store: &mut Store,
    resource: &Resource,
    record: &mut Record,
    wire: &str,
    value: &str,
) -> Result<(), ApiError> {
    match (resource.name, wire) {
        ("Message", "MediaSid") => crate::media::attach(store, record, value),
        _ => Ok(()),
    }
}

/// A member with an identity the service has no user for makes that user, as Twilio does.
fn ensure_user(store: &mut Store, member: &Record) {
    let (Some(service), Some(identity)) = (member.str("service_sid"), member.str("identity"))
    else {
        return;
    };
    let constraints = [("service_sid", service.to_owned())];
    if store
        .find("User", identity, Some("identity"), &constraints)
        .is_some()
    {
        return;
    }
    let Some(resource) = Store::resource("User") else {
        return;
    };
    let mut user = store.blank(resource, &constraints);
    defaults(store, resource, &mut user);
    user.value.insert("identity", json!(identity));
    store.locate(resource, &mut user.value);
    store.insert(resource.name, user);
}

/// A record as answered: its fields plus the ones computed on read.
pub(crate) fn render(store: &Store, resource: &Resource, record: &Record) -> Value {
    let mut value = record.value.to_map();
    for (field, computed) in computed(store, resource, record) {
        value.insert(field.to_owned(), computed);
    }
    Value::Object(value)
}

/// A record as answered, to serialize without building its JSON value: the same fields as [`render`] gives.
pub(crate) fn view<'r>(store: &Store, resource: &Resource, record: &'r Record) -> View<'r> {
    View {
        fields: &record.value,
        computed: computed(store, resource, record),
    }
}

/// A stored record's fields with the ones computed on read in place of theirs, serialized as one JSON object with
/// its keys in order.
pub(crate) struct View<'r> {
    fields: &'r Fields,
    computed: Vec<(&'static str, Value)>,
}

impl serde::Serialize for View<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self
            .fields
            .iter()
            .filter(|(k, _)| !self.computed.iter().any(|(c, _)| c == k))
            .chain(self.computed.iter().map(|(k, v)| (*k, v)))
            .collect();
        crate::fields::serialize_sorted(serializer, entries)
    }
}

/// The fields of a record computed when it is read, each with its value: a channel's counts, a user's joined
/// channels, a binding's link to its user.
pub(crate) fn computed(
    store: &Store,
    resource: &Resource,
    record: &Record,
) -> Vec<(&'static str, Value)> {
    let sid = record.str("sid").unwrap_or_default();
    match resource.name {
        "Channel" => {
            let scope = [("channel_sid", sid.to_owned())];
            let members = store.filter("Member", &scope).count();
            let messages = store.filter("Message", &scope).count();
            vec![
                ("members_count", json!(members)),
                ("messages_count", json!(messages)),
            ]
        }
        "Binding" => {
            // A binding names its user by identity; the link needs the user's SID, found here.
            let scope = [(
                "service_sid",
                record.str("service_sid").unwrap_or_default().to_owned(),
            )];
            let identity = record.str("identity").unwrap_or_default();
            let user = store
                .find("User", identity, Some("identity"), &scope)
                .and_then(|u| u.str("url"));
            match record.value.get("links") {
                Some(Value::Object(links)) => {
                    let mut links = links.clone();
                    links.insert("user".to_owned(), json!(user));
                    vec![("links", Value::Object(links))]
                }
                _ => Vec::new(),
            }
        }
        "User" => {
            let joined = store
                .all("Member")
                .iter()
                .filter(|m| {
                    m.str("service_sid") == record.str("service_sid")
                        && m.str("identity") == record.str("identity")
                })
                .count();
            vec![("joined_channels_count", json!(joined))]
        }
        _ => Vec::new(),
    }
}

/// The user channel of `user` for its membership `member`.
pub(crate) fn user_channel(
    store: &Store,
    resource: &Resource,
    user: &Record,
    member: &Record,
) -> Value {
    let mut v = Map::new();
    for field in resource.fields {
        v.insert(field.name.to_owned(), Value::Null);
    }
    let channel_sid = member.str("channel_sid").unwrap_or_default();
    let (consumed, unread, level) = reading(store, member);
    for (field, value) in [
        ("account_sid", json!(store.account_sid)),
        ("service_sid", json!(member.str("service_sid"))),
        ("channel_sid", json!(channel_sid)),
        ("user_sid", json!(user.str("sid"))),
        ("member_sid", json!(member.str("sid"))),
        ("status", json!("joined")),
        ("last_consumed_message_index", json!(consumed)),
        ("unread_messages_count", json!(unread)),
        ("notification_level", json!(level)),
    ] {
        v.insert(field.to_owned(), value);
    }
    store.locate(resource, &mut v);
    Value::Object(v)
}

/// The user binding of `user` for the service binding `binding`.
pub(crate) fn user_binding(
    store: &Store,
    resource: &Resource,
    user: &Record,
    binding: &Record,
) -> Value {
    let mut v = Map::new();
    for field in resource.fields {
        let value = binding
            .value
            .get(field.name)
            .cloned()
            .unwrap_or(Value::Null);
        v.insert(field.name.to_owned(), value);
    }
    v.insert("user_sid".to_owned(), json!(user.str("sid")));
    store.locate(resource, &mut v);
    Value::Object(v)
}

/// Where a member is in its channel's messages: the index it last read, how many messages come after it (all of
/// them when it has read none), and its notification level. Chat's user channels and Conversations' user
/// conversations show the same.
pub(crate) fn reading<'s>(store: &'s Store, member: &Record) -> (Option<i64>, usize, &'s str) {
    let channel_sid = member.str("channel_sid");
    let consumed = member
        .value
        .get("last_consumed_message_index")
        .and_then(Value::as_i64);
    let unread = store
        .all("Message")
        .iter()
        .filter(|m| m.str("channel_sid") == channel_sid)
        .filter(|m| consumed.is_none_or(|c| m.value.get("index").and_then(Value::as_i64) > Some(c)))
        .count();
    let level = store
        .notification_levels
        .get(member.str("sid").unwrap_or_default())
        .map_or("default", String::as_str);
    (consumed, unread, level)
}

#[cfg(test)]
mod tests {
    use super::{render, view};
    use crate::store::Store;
    use serde_json::json;

    #[test]
    fn a_view_serializes_as_the_rendered_record() {
        let mut store = Store::new(
            "http://127.0.0.1:1".to_owned(),
            "http://127.0.0.1:2".to_owned(),
            "AC00000000000000000000000000000000".to_owned(),
            3,
        );
        let resource = |name| Store::resource(name).unwrap_or_else(|| panic!("{name}"));
        let service = ("service_sid", "IS1".to_owned());
        let mut channel = store.blank(resource("Channel"), std::slice::from_ref(&service));
        channel.value.insert("links", json!({"members": "m"}));
        let parents = [
            service.clone(),
            (
                "channel_sid",
                channel.str("sid").unwrap_or_default().to_owned(),
            ),
        ];
        for name in ["Member", "Message", "Message"] {
            let record = store.blank(resource(name), &parents);
            store.insert(resource(name).name, record);
        }
        let mut user = store.blank(resource("User"), std::slice::from_ref(&service));
        user.value.insert("identity", json!("ana"));
        user.value
            .insert("url", json!("http://127.0.0.1:1/v2/Services/IS1/Users/US1"));
        store.insert("User", user.clone());
        let mut binding = store.blank(resource("Binding"), std::slice::from_ref(&service));
        binding.value.insert("identity", json!("ana"));
        binding.value.insert("links", json!({"user": null}));
        for (name, record) in [
            ("Channel", &channel),
            ("User", &user),
            ("Binding", &binding),
        ] {
            let rendered = render(&store, resource(name), record);
            let viewed =
                serde_json::to_value(view(&store, resource(name), record)).unwrap_or_default();
            assert_eq!(viewed, rendered, "{name}");
            assert_eq!(
                serde_json::to_string(&view(&store, resource(name), record)).unwrap_or_default(),
                serde_json::to_string(&rendered).unwrap_or_default(),
                "{name}: the same bytes"
            );
        }
        let channel = render(&store, resource("Channel"), &channel);
        assert_eq!(
            (
                channel["members_count"].clone(),
                channel["messages_count"].clone()
            ),
            (json!(1), json!(2))
        );
        let binding = render(&store, resource("Binding"), &binding);
        assert_eq!(
            binding["links"]["user"],
            json!("http://127.0.0.1:1/v2/Services/IS1/Users/US1")
        );
    }
}

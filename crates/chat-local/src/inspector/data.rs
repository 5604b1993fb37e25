//! The documents the inspector's JSON endpoints answer, and that its page is rendered from: records as the Chat v2
//! API answers them, each with an `inspector` object (whether a channel is a conversation, the record's
//! Conversations URL, a media message's content link), and the webhook delivery log.

use std::time::UNIX_EPOCH;

use serde_json::{Map, Value, json};
use twilio_chat_v2::Timestamp;

use crate::{Delivery, Destination, Outcome, StateHandle, Timing};

/// Why a document cannot be made: the record it hangs from is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotFound(pub String);

/// Reads documents from the state of one service.
pub(crate) struct Reader<'a> {
    pub state: &'a StateHandle,
    /// The main host's base URL, for Conversations URLs and media content links.
    pub base_url: &'a str,
}

impl Reader<'_> {
    /// `{"services": [...]}`, in creation order.
    pub fn services(&self) -> Value {
        let services = self
            .state
            .records("Service")
            .into_iter()
            .map(|mut service| {
                let url = format!("{}/v1/Services/{}", self.base_url, sid(&service));
                annotate(&mut service, json!({ "conversations_url": url }));
                service
            })
            .collect();
        json!({ "services": Value::Array(services) })
    }

    /// The service with SID `service`, as the API answers it.
    pub fn service(&self, service: &str) -> Result<Value, NotFound> {
        self.state
            .records("Service")
            .into_iter()
            .find(|s| sid(s) == service)
            .ok_or_else(|| NotFound(format!("no service {service}")))
    }

    /// `{"channels": [...]}`: the service's channels; private ones are conversations too.
    pub fn channels(&self, service: &str) -> Result<Value, NotFound> {
        self.service(service)?;
        let channels = self
            .state
            .records("Channel")
            .into_iter()
            .filter(|c| field(c, "service_sid") == service)
            .map(|mut channel| {
                let conversation = is_conversation(&channel);
                let url = conversation.then(|| {
                    format!(
                        "{}/v1/Services/{service}/Conversations/{}",
                        self.base_url,
                        sid(&channel)
                    )
                });
                annotate(
                    &mut channel,
                    json!({ "conversation": conversation, "conversations_url": url }),
                );
                channel
            })
            .collect();
        Ok(json!({ "channels": Value::Array(channels) }))
    }

    /// The channel with SID `channel`, as the API answers it.
    pub fn channel(&self, channel: &str) -> Result<Value, NotFound> {
        self.state
            .records("Channel")
            .into_iter()
            .find(|c| sid(c) == channel)
            .ok_or_else(|| NotFound(format!("no channel {channel}")))
    }

    /// `{"users": [...]}` of the service.
    pub fn users(&self, service: &str) -> Result<Value, NotFound> {
        self.service(service)?;
        let users = self
            .state
            .records("User")
            .into_iter()
            .filter(|u| field(u, "service_sid") == service)
            .map(|mut user| {
                let url = format!(
                    "{}/v1/Services/{service}/Users/{}",
                    self.base_url,
                    sid(&user)
                );
                annotate(&mut user, json!({ "conversations_url": url }));
                user
            })
            .collect();
        Ok(json!({ "users": Value::Array(users) }))
    }

    /// `{"roles": [...]}` of the service.
    pub fn roles(&self, service: &str) -> Result<Value, NotFound> {
        self.service(service)?;
        let roles = self
            .state
            .records("Role")
            .into_iter()
            .filter(|r| field(r, "service_sid") == service)
            .map(|mut role| {
                let url = format!(
                    "{}/v1/Services/{service}/Roles/{}",
                    self.base_url,
                    sid(&role)
                );
                annotate(&mut role, json!({ "conversations_url": url }));
                role
            })
            .collect();
        Ok(json!({ "roles": Value::Array(roles) }))
    }

    /// `{"members": [...]}` of the channel; in a conversation each is a participant too.
    pub fn members(&self, channel: &str) -> Result<Value, NotFound> {
        let record = self.channel(channel)?;
        let conversation = self.conversation_url(&record);
        let members = self
            .state
            .records("Member")
            .into_iter()
            .filter(|m| field(m, "channel_sid") == channel)
            .map(|mut member| {
                let url = conversation
                    .as_ref()
                    .map(|c| format!("{c}/Participants/{}", sid(&member)));
                annotate(&mut member, json!({ "conversations_url": url }));
                member
            })
            .collect();
        Ok(json!({ "members": Value::Array(members) }))
    }

    /// `{"messages": [...]}` of the channel, by index, those matching `search` only when it is not empty.
    pub fn messages(&self, channel: &str, search: &str) -> Result<Value, NotFound> {
        let record = self.channel(channel)?;
        let conversation = self.conversation_url(&record);
        let messages = self
            .state
            .records("Message")
            .into_iter()
            .filter(|m| field(m, "channel_sid") == channel && matches(m, search))
            .map(|message| self.message(message, conversation.as_deref()))
            .collect();
        Ok(json!({ "messages": Value::Array(messages) }))
    }

    /// `{"messages": [...]}`: the messages of every channel (of `service` only, when given) matching `search`.
    pub fn search(&self, search: &str, service: Option<&str>) -> Value {
        let conversations: Map<String, Value> = self
            .state
            .records("Channel")
            .into_iter()
            .filter_map(|c| {
                let url = self.conversation_url(&c)?;
                Some((sid(&c).to_owned(), Value::String(url)))
            })
            .collect();
        let messages = self
            .state
            .records("Message")
            .into_iter()
            .filter(|m| service.is_none_or(|s| field(m, "service_sid") == s) && matches(m, search))
            .map(|message| {
                let conversation = conversations
                    .get(field(&message, "channel_sid"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                self.message(message, conversation.as_deref())
            })
            .collect();
        json!({ "messages": Value::Array(messages) })
    }

    /// `{"deliveries": [...]}`: the webhook deliveries numbered above `after`, oldest first.
    pub fn deliveries(&self, after: u64) -> Value {
        let deliveries = self
            .state
            .deliveries_after(after)
            .iter()
            .map(delivery)
            .collect();
        json!({ "deliveries": Value::Array(deliveries) })
    }

    /// A message with its Conversations URL and, for a media message, the content link on the main host.
    fn message(&self, mut message: Value, conversation: Option<&str>) -> Value {
        let url = conversation.map(|c| format!("{c}/Messages/{}", sid(&message)));
        let media = message
            .get("media")
            .and_then(|m| m.get("sid"))
            .and_then(Value::as_str)
            .map(|media| {
                format!(
                    "{}/v1/Services/{}/Media/{media}/Content",
                    self.base_url,
                    field(&message, "service_sid")
                )
            });
        annotate(
            &mut message,
            json!({ "conversations_url": url, "media_content_url": media }),
        );
        message
    }

    /// The Conversations URL of a channel that is a conversation.
    fn conversation_url(&self, channel: &Value) -> Option<String> {
        is_conversation(channel).then(|| {
            format!(
                "{}/v1/Services/{}/Conversations/{}",
                self.base_url,
                field(channel, "service_sid"),
                sid(channel)
            )
        })
    }
}

/// A delivery as JSON: `timing` `pre`/`post`, `destination` `service`, `account` or the scoped webhook's SID,
/// `params` as `[name, value]` pairs, `sent_at` in ISO 8601 with milliseconds, `latency_ms`, `outcome`
/// (`delivered`, `allowed`, `modified`, `rejected`, `failed`), the parameters a pre-event's answer changed and the
/// reason a request failed.
pub(crate) fn delivery(d: &Delivery) -> Value {
    let since = d.sent_at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let millis = since.subsec_millis() * 1_000_000;
    let sent_at = i64::try_from(since.as_secs())
        .ok()
        .and_then(|secs| Timestamp::from_unix(secs, millis))
        .map(|t| t.to_string());
    let (outcome, changes, error) = match &d.outcome {
        Outcome::Delivered => ("delivered", Vec::new(), None),
        Outcome::Allowed => ("allowed", Vec::new(), None),
        Outcome::Modified(changes) => ("modified", changes.clone(), None),
        Outcome::Rejected => ("rejected", Vec::new(), None),
        Outcome::Failed(reason) => ("failed", Vec::new(), Some(reason.clone())),
    };
    json!({
        "id": d.id,
        "sent_at": sent_at,
        "timing": match d.timing { Timing::Pre => "pre", Timing::Post => "post" },
        "destination": match &d.destination {
            Destination::Service => "service".to_owned(),
            Destination::Account => "account".to_owned(),
            Destination::Scoped(sid) => sid.clone(),
        },
        "event_type": d.event_type,
        "method": d.method,
        "url": d.url,
        "signature": d.signature,
        "params": pairs(&d.params),
        "status": d.status,
        "answer": d.answer,
        "latency_ms": d.latency.as_secs_f64() * 1000.0,
        "outcome": outcome,
        "changes": pairs(&changes),
        "error": error,
    })
}

/// `[[name, value], ...]`.
fn pairs(pairs: &[(String, String)]) -> Value {
    Value::Array(pairs.iter().map(|(k, v)| json!([k, v])).collect())
}

/// Adds the `inspector` object to a record.
fn annotate(record: &mut Value, extra: Value) {
    if let Value::Object(map) = record {
        map.insert("inspector".to_owned(), extra);
    }
}

/// The record's `sid`.
pub(crate) fn sid(record: &Value) -> &str {
    field(record, "sid")
}

/// A text field of a record, empty when absent.
pub(crate) fn field<'a>(record: &'a Value, name: &str) -> &'a str {
    record.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Whether a channel is also a conversation (a private channel).
pub(crate) fn is_conversation(channel: &Value) -> bool {
    field(channel, "type") == "private"
}

/// Whether a message's body, author or attributes contain `search`, ignoring case; an empty search matches all.
fn matches(message: &Value, search: &str) -> bool {
    let search = search.trim().to_lowercase();
    search.is_empty()
        || ["body", "from", "attributes"]
            .iter()
            .any(|f| field(message, f).to_lowercase().contains(&search))
}

//! The in-memory state: records of every stored resource as JSON objects in creation order, SIDs, dates, URLs and
//! links, and the errors the service answers with. What is specific to one resource lives in `behaviour.rs`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use twilio_chat_v2::Timestamp;

use crate::generated::chat_v2::RESOURCES;
use crate::table::{Resource, ValueKind};

/// An error answered in Twilio's JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404 with code 20404.
    pub fn not_found(path: &str) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {} was not found", shown(path)),
        )
    }

    /// 405 with code 20004.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            405,
            20004,
            format!("Method {} not allowed on {}", shown(method), shown(path)),
        )
    }

    /// 400 with code 20001 (invalid parameter).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, 20001, message)
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status,
        })
    }
}

/// Longest request text (path, method) repeated in an error message.
const SHOWN_CHARS: usize = 256;

/// `text` as an error message repeats it: cut to [`SHOWN_CHARS`] characters, so an answer stays small whatever
/// was sent.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// One stored record.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// Creation order; list order and page tokens follow it.
    pub seq: u64,
    /// The model's fields.
    pub value: Map<String, Value>,
}

impl Record {
    pub fn str(&self, field: &str) -> Option<&str> {
        self.value.get(field).and_then(Value::as_str)
    }
}

/// A change made by a request (a record created, updated or deleted), as webhooks report it.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub resource: &'static str,
    pub kind: crate::table::Kind,
    pub record: Value,
}

/// One uploaded media file: its record (without links) and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct MediaFile {
    pub record: Map<String, Value>,
    pub bytes: axum::body::Bytes,
}

/// A temporary content link: the media it serves and until when.
#[derive(Debug, Clone)]
pub(crate) struct TemporaryLink {
    pub media_sid: String,
    pub expires: std::time::Instant,
}

/// Every record, keyed by resource name.
#[derive(Debug)]
pub(crate) struct Store {
    pub base_url: String,
    pub account_sid: String,
    seq: u64,
    sid_seed: u128,
    pub records: BTreeMap<&'static str, Vec<Record>>,
    /// Next message index, per channel SID.
    pub next_index: BTreeMap<String, i64>,
    /// Notification level of a user channel, per member SID.
    pub notification_levels: BTreeMap<String, String>,
    /// Uploaded media, per SID.
    pub media: BTreeMap<String, MediaFile>,
    /// Temporary content links, per token.
    pub temporary: BTreeMap<String, TemporaryLink>,
    /// Base URL of the host serving temporary content links.
    pub temporary_base_url: String,
    /// Requests that reached the temporary host with credentials.
    pub credentials_on_temporary_host: u64,
    /// Changes of the request being answered, for webhooks.
    pub changes: Vec<Change>,
    /// Fields another product gives a stored record and its Chat v2 resource has not (a conversation's `state`, a
    /// participant's `messaging_binding`), per SID.
    pub apart: BTreeMap<String, Map<String, Value>>,
    /// The default conversation service, once made or chosen.
    pub default_service: Option<String>,
}

impl Store {
    pub fn new(
        base_url: String,
        temporary_base_url: String,
        account_sid: String,
        sid_seed: u128,
    ) -> Self {
        Self {
            base_url,
            temporary_base_url,
            media: BTreeMap::new(),
            temporary: BTreeMap::new(),
            credentials_on_temporary_host: 0,
            changes: Vec::new(),
            apart: BTreeMap::new(),
            default_service: None,
            account_sid,
            seq: 0,
            sid_seed,
            records: BTreeMap::new(),
            next_index: BTreeMap::new(),
            notification_levels: BTreeMap::new(),
        }
    }

    /// The resource named `name`.
    pub fn resource(name: &str) -> Option<&'static Resource> {
        RESOURCES.iter().find(|r| r.name == name)
    }

    /// A fresh SID with `prefix`: 32 hex digits, unique within this store.
    pub fn new_sid(&mut self, prefix: &str) -> String {
        self.seq += 1;
        // A multiplicative mix of the counter and the start-up seed: distinct for every counter value.
        let mixed = (u128::from(self.seq)).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
            ^ self.sid_seed;
        format!("{prefix}{mixed:032x}")
    }

    /// The next creation sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Records of `resource`, in creation order.
    pub fn all(&self, resource: &str) -> &[Record] {
        self.records.get(resource).map_or(&[], Vec::as_slice)
    }

    /// The record of `resource` whose `sid` (or `alternate` field) is `key` and whose fields match `constraints`.
    pub fn find(
        &self,
        resource: &str,
        key: &str,
        alternate: Option<&str>,
        constraints: &[(&str, String)],
    ) -> Option<&Record> {
        self.all(resource).iter().find(|r| {
            (r.str("sid") == Some(key) || alternate.is_some_and(|a| r.str(a) == Some(key)))
                && matches(r, constraints)
        })
    }

    /// Mutable access to the record of `resource` whose `sid` is `sid`.
    pub fn find_mut(&mut self, resource: &str, sid: &str) -> Option<&mut Record> {
        self.records
            .get_mut(resource)?
            .iter_mut()
            .find(|r| r.str("sid") == Some(sid))
    }

    /// Records of `resource` whose fields match `constraints`.
    pub fn filter<'a>(
        &'a self,
        resource: &str,
        constraints: &'a [(&'a str, String)],
    ) -> impl Iterator<Item = &'a Record> + 'a {
        self.all(resource)
            .iter()
            .filter(move |r| matches(r, constraints))
    }

    /// A new record of `resource`: every model field at the description's default or null, then SID, account,
    /// dates and the given `parents`.
    pub fn blank(&mut self, resource: &Resource, parents: &[(&str, String)]) -> Record {
        let mut value = Map::new();
        for field in resource.fields {
            let initial = field.default.map_or(Value::Null, |d| d.to_json());
            value.insert(field.name.to_owned(), initial);
        }
        if let Some(prefix) = resource.sid_prefix {
            let sid = self.new_sid(prefix);
            value.insert("sid".to_owned(), Value::String(sid));
        }
        if value.contains_key("account_sid") {
            value.insert(
                "account_sid".to_owned(),
                Value::String(self.account_sid.clone()),
            );
        }
        let now = Value::String(now());
        for field in ["date_created", "date_updated"] {
            if value.contains_key(field) {
                value.insert(field.to_owned(), now.clone());
            }
        }
        for (field, sid) in parents {
            value.insert((*field).to_owned(), Value::String(sid.clone()));
        }
        Record {
            seq: self.next_seq(),
            value,
        }
    }

    /// Sets `url` and `links` of a record from the resource's path templates (null where a field is missing).
    pub fn locate(&self, resource: &Resource, value: &mut Map<String, Value>) {
        let absolute = |path: &str, value: &Map<String, Value>| {
            fill(path, value).map_or(Value::Null, |p| {
                Value::String(format!("{}{p}", self.base_url))
            })
        };
        // A singleton (no SIDs) is found at its collection path.
        let own = match (resource.instance_path, resource.sid_prefix) {
            (None, None) => Some(resource.collection_path),
            (path, _) => path,
        };
        if let (Some(path), true) = (own, value.contains_key("url")) {
            let url = absolute(path, value);
            value.insert("url".to_owned(), url);
        }
        if value.contains_key("links") && !resource.links.is_empty() {
            let links: Map<String, Value> = resource
                .links
                .iter()
                .map(|(key, path)| ((*key).to_owned(), absolute(path, value)))
                .collect();
            value.insert("links".to_owned(), Value::Object(links));
        }
    }

    /// Stores a record.
    pub fn insert(&mut self, resource: &'static str, record: Record) {
        self.records.entry(resource).or_default().push(record);
    }

    /// Removes the record of `resource` with `sid`, and every record nested under it.
    pub fn remove(&mut self, resource: &Resource, sid: &str) -> bool {
        let Some(list) = self.records.get_mut(resource.name) else {
            return false;
        };
        let before = list.len();
        list.retain(|r| r.str("sid") != Some(sid));
        if list.len() == before {
            return false;
        }
        let nested = format!("{}/{{", resource.collection_path);
        for child in RESOURCES {
            let Some(rest) = child.collection_path.strip_prefix(&nested) else {
                continue;
            };
            let Some(param) = rest.split('}').next() else {
                continue;
            };
            let field = snake(param);
            if let Some(list) = self.records.get_mut(child.name) {
                list.retain(|r| r.str(&field) != Some(sid));
            }
        }
        true
    }
}

/// Whether each `(field, value)` of `constraints` holds for the record.
pub(crate) fn matches(record: &Record, constraints: &[(&str, String)]) -> bool {
    constraints
        .iter()
        .all(|(field, sid)| record.str(field) == Some(sid.as_str()))
}

/// Now, as Twilio writes dates (`2026-01-31T12:00:00Z`).
pub(crate) fn now() -> String {
    whole_seconds(Timestamp::now()).to_string()
}

/// `at` without its fraction of a second.
fn whole_seconds(at: Timestamp) -> Timestamp {
    Timestamp::from_unix(at.unix_seconds(), 0).unwrap_or(at)
}

/// `ServiceSid` -> `service_sid`.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Fills `{Param}` segments of a path template from the record's fields (`{ServiceSid}` -> `service_sid`);
/// `None` when a field is missing.
pub(crate) fn fill(template: &str, value: &Map<String, Value>) -> Option<String> {
    template
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(param) => value
                    .get(&snake(param))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                None => Some(segment.to_owned()),
            },
        )
        .collect::<Option<Vec<_>>>()
        .map(|segments| segments.join("/"))
}

/// Decodes the form or query values of `wire` as `kind`.
pub(crate) fn decode(wire: &str, kind: ValueKind, values: &[&str]) -> Result<Value, ApiError> {
    let invalid = |what: &str| ApiError::invalid(format!("Invalid {wire}: {what}"));
    if kind == ValueKind::List {
        return Ok(Value::Array(
            values
                .iter()
                .map(|v| Value::String((*v).to_owned()))
                .collect(),
        ));
    }
    let Some(raw) = values.last() else {
        return Ok(Value::Null);
    };
    Ok(match kind {
        ValueKind::Str | ValueKind::List => Value::String((*raw).to_owned()),
        ValueKind::Int => Value::from(
            raw.trim()
                .parse::<i64>()
                .map_err(|_| invalid("expected an integer"))?,
        ),
        ValueKind::Number => Value::from(
            raw.trim()
                .parse::<f64>()
                .map_err(|_| invalid("expected a number"))?,
        ),
        ValueKind::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(invalid("expected true or false")),
        },
        ValueKind::DateTime => {
            let parsed = Timestamp::parse_rfc3339(raw.trim())
                .map_err(|_| invalid("expected an ISO 8601 date-time"))?;
            Value::String(whole_seconds(parsed).to_string())
        }
        ValueKind::Json => serde_json::from_str(raw).map_err(|_| invalid("expected JSON"))?,
    })
}

/// Sets a nested field (`["notifications", "new_message", "enabled"]`), creating objects on the way.
pub(crate) fn set_path(value: &mut Map<String, Value>, path: &[&str], new: Value) {
    let Some((last, outer)) = path.split_last() else {
        return;
    };
    let mut target = value;
    for key in outer {
        let entry = target
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else {
            return;
        };
        target = inner;
    }
    target.insert((*last).to_owned(), new);
}

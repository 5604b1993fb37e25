//! The in-memory state: the records of every stored resource in creation order (their fields kept as `Fields`),
//! the list of each parent's records (a channel's messages), SIDs, dates, URLs and links, and the errors the
//! service answers with. What is specific to one resource lives in `behaviour.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use twilio_chat_v2::Timestamp;

use crate::fields::{Fields, Object};
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
    pub value: Fields,
}

impl Record {
    pub fn str(&self, field: &str) -> Option<&str> {
        self.value.text(field)
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
    /// Records per resource name, in creation order.
    records: BTreeMap<&'static str, Vec<Record>>,
    /// Creation sequences of the records of a resource that name one parent (`("Message", "CH…")`), in order:
    /// lists, fetches and checks within one channel or conversation read its records alone.
    children: HashMap<(&'static str, String), Vec<u64>>,
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
            children: HashMap::new(),
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

    /// Every resource name with its records, in creation order.
    pub fn tables(&self) -> impl Iterator<Item = (&'static str, &[Record])> {
        self.records
            .iter()
            .map(|(name, list)| (*name, list.as_slice()))
    }

    /// The record of `resource` whose `sid` (or `alternate` field) is `key` and whose fields match `constraints`.
    pub fn find(
        &self,
        resource: &str,
        key: &str,
        alternate: Option<&str>,
        constraints: &[(&str, String)],
    ) -> Option<&Record> {
        let (mut records, rest) = self.candidates(resource, constraints);
        records.find(|r| {
            (r.str("sid") == Some(key) || alternate.is_some_and(|a| r.str(a) == Some(key)))
                && rest.iter().all(|(field, sid)| r.str(field) == Some(sid))
        })
    }

    /// The record of `resource` whose `sid` is `sid`, to change it in place. Its parent field must not change:
    /// [`Store::replace`] moves a record between parents.
    pub fn find_mut(&mut self, resource: &str, sid: &str) -> Option<&mut Record> {
        self.records
            .get_mut(resource)?
            .iter_mut()
            .find(|r| r.str("sid") == Some(sid))
    }

    /// The first record of `resource`, to change it in place (a singleton's record).
    pub fn first_mut(&mut self, resource: &str) -> Option<&mut Record> {
        self.records.get_mut(resource)?.first_mut()
    }

    /// Records of `resource` whose fields match `constraints`, in creation order. When the constraints name the
    /// resource's parent, only that parent's records are read.
    pub fn filter<'a>(
        &'a self,
        resource: &str,
        constraints: &'a [(&'a str, String)],
    ) -> impl DoubleEndedIterator<Item = &'a Record> + 'a {
        let (records, rest) = self.candidates(resource, constraints);
        records.filter(move |r| rest.iter().all(|(field, sid)| r.str(field) == Some(sid)))
    }

    /// The records of `resource` that may match `constraints`, and the constraints left to check on them: its
    /// parent's records and the other constraints when the constraints name the parent, else all of them and
    /// every constraint.
    fn candidates<'c, 'f>(
        &self,
        resource: &str,
        constraints: &'c [(&'f str, String)],
    ) -> (
        impl DoubleEndedIterator<Item = &Record> + '_,
        Vec<&'c (&'f str, String)>,
    ) {
        let all = self.all(resource);
        let named = parent(resource).and_then(|(name, field)| {
            let at = constraints.iter().position(|(f, _)| *f == field)?;
            Some((name, at))
        });
        let rest = constraints
            .iter()
            .enumerate()
            .filter(|(i, _)| named.is_none_or(|(_, at)| *i != at))
            .map(|(_, c)| c)
            .collect();
        let parent = named.and_then(|(name, at)| {
            let (_, sid) = constraints.get(at)?;
            let key = (name, sid.clone());
            Some(self.children.get(&key).map_or(&[][..], Vec::as_slice))
        });
        let (indexed, scanned) = match parent {
            Some(seqs) => (Some(seqs.iter().filter_map(|seq| by_seq(all, *seq))), None),
            None => (None, Some(all.iter())),
        };
        let records = indexed
            .into_iter()
            .flatten()
            .chain(scanned.into_iter().flatten());
        (records, rest)
    }

    /// A new record of `resource`: every model field at the description's default or null, then SID, account,
    /// dates and the given `parents`.
    pub fn blank(&mut self, resource: &Resource, parents: &[(&str, String)]) -> Record {
        let mut value = Fields::with_capacity(resource.fields.len());
        for field in resource.fields {
            let initial = field.default.map_or(Value::Null, |d| d.to_json());
            value.insert(field.name, initial);
        }
        if let Some(prefix) = resource.sid_prefix {
            let sid = self.new_sid(prefix);
            value.insert("sid", Value::String(sid));
        }
        if value.contains_key("account_sid") {
            value.insert("account_sid", Value::String(self.account_sid.clone()));
        }
        let now = Value::String(now());
        for field in ["date_created", "date_updated"] {
            if value.contains_key(field) {
                value.insert(field, now.clone());
            }
        }
        for (field, sid) in parents {
            value.insert(field, Value::String(sid.clone()));
        }
        Record {
            seq: self.next_seq(),
            value,
        }
    }

    /// Sets `url` and `links` of a record from the resource's path templates (null where a field is missing).
    pub fn locate(&self, resource: &Resource, value: &mut impl Object) {
        let absolute = |path: &str, value: &dyn Object| {
            let mut base = String::with_capacity(self.base_url.len() + path.len() + 64);
            base.push_str(&self.base_url);
            fill(base, path, value).map_or(Value::Null, Value::String)
        };
        // A singleton (no SIDs) is found at its collection path.
        let own = match (resource.instance_path, resource.sid_prefix) {
            (None, None) => Some(resource.collection_path),
            (path, _) => path,
        };
        if let (Some(path), true) = (own, value.field("url").is_some()) {
            let url = absolute(path, value);
            value.set_field("url", url);
        }
        if value.field("links").is_some() && !resource.links.is_empty() {
            let links: Map<String, Value> = resource
                .links
                .iter()
                .map(|(key, path)| ((*key).to_owned(), absolute(path, value)))
                .collect();
            value.set_field("links", Value::Object(links));
        }
    }

    /// Stores a record, in creation order.
    pub fn insert(&mut self, resource: &'static str, record: Record) {
        if let Some(key) = parent_key(resource, &record) {
            let seqs = self.children.entry(key).or_default();
            let at = seqs.partition_point(|s| *s < record.seq);
            seqs.insert(at, record.seq);
        }
        let list = self.records.entry(resource).or_default();
        let at = list.partition_point(|r| r.seq < record.seq);
        list.insert(at, record);
    }

    /// Puts `record` in place of the stored record of `resource` with the same creation sequence; `false` when
    /// there is none.
    pub fn replace(&mut self, resource: &'static str, record: Record) -> bool {
        let Some(slot) = self.records.get_mut(resource).and_then(|list| {
            let at = list.binary_search_by_key(&record.seq, |r| r.seq).ok()?;
            list.get_mut(at)
        }) else {
            return false;
        };
        if parent_key(resource, slot) == parent_key(resource, &record) {
            *slot = record;
            return true;
        }
        self.remove_seq(resource, record.seq);
        self.insert(resource, record);
        true
    }

    /// Removes the record of `resource` with creation sequence `seq` (and nothing nested under it).
    pub fn remove_seq(&mut self, resource: &str, seq: u64) -> Option<Record> {
        let list = self.records.get_mut(resource)?;
        let at = list.binary_search_by_key(&seq, |r| r.seq).ok()?;
        let record = list.remove(at);
        if let Some(key) = parent_key(resource, &record)
            && let Some(seqs) = self.children.get_mut(&key)
        {
            seqs.retain(|s| *s != seq);
            if seqs.is_empty() {
                self.children.remove(&key);
            }
        }
        Some(record)
    }

    /// Removes every record.
    pub fn clear_records(&mut self) {
        self.records.clear();
        self.children.clear();
    }

    /// Rebuilds the parent lists of `resource` after its records changed parents in place.
    pub fn reindex(&mut self, resource: &'static str) {
        self.children.retain(|(name, _), _| *name != resource);
        for record in self.records.get(resource).into_iter().flatten() {
            if let Some(key) = parent_key(resource, record) {
                self.children.entry(key).or_default().push(record.seq);
            }
        }
    }

    /// Removes the record of `resource` with `sid`, and every record nested under it.
    pub fn remove(&mut self, resource: &Resource, sid: &str) -> bool {
        let Some(list) = self.records.get_mut(resource.name) else {
            return false;
        };
        let Some(seq) = list
            .iter()
            .find(|r| r.str("sid") == Some(sid))
            .map(|r| r.seq)
        else {
            return false;
        };
        self.remove_seq(resource.name, seq);
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
                self.reindex(child.name);
            }
        }
        true
    }
}

/// The record of `list` (in creation order) with creation sequence `seq`.
fn by_seq(list: &[Record], seq: u64) -> Option<&Record> {
    list.binary_search_by_key(&seq, |r| r.seq)
        .ok()
        .and_then(|at| list.get(at))
}

/// A stored resource's name as the parent lists are keyed by, and the field naming the innermost parent of its
/// records (`channel_sid` for `Message`: the last parameter of its collection path).
fn parent(resource: &str) -> Option<(&'static str, &'static str)> {
    parents()
        .get_key_value(resource)
        .map(|(name, field)| (*name, *field))
}

/// The key of the parent list a record of `resource` is in, when its resource has parents and it names one.
fn parent_key(resource: &str, record: &Record) -> Option<(&'static str, String)> {
    let (name, field) = parent(resource)?;
    Some((name, record.str(field)?.to_owned()))
}

/// Each stored resource's parent field, from the generated tables. Chat v2's resources are stored under their
/// names; another product's resource is stored under its own name only where Chat v2 has none, and a name two
/// such products give different parents has none.
fn parents() -> &'static BTreeMap<&'static str, &'static str> {
    static PARENTS: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    PARENTS.get_or_init(|| {
        let last_param = |resource: &Resource| {
            resource
                .collection_path
                .rsplit('/')
                .find_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(snake)
        };
        let mut parents: BTreeMap<&'static str, Option<String>> =
            RESOURCES.iter().map(|r| (r.name, last_param(r))).collect();
        let products = crate::mapping::CONVERSATIONS_V1
            .resources
            .iter()
            .chain(crate::mapping::CHAT_V3.resources)
            .filter(|r| Store::resource(r.name).is_none());
        for resource in products {
            let last = last_param(resource);
            let entry = parents.entry(resource.name).or_insert_with(|| last.clone());
            if *entry != last {
                *entry = None;
            }
        }
        parents
            .into_iter()
            .filter_map(|(name, field)| {
                let field = field?;
                let known = RESOURCES
                    .iter()
                    .chain(crate::mapping::CONVERSATIONS_V1.resources)
                    .chain(crate::mapping::CHAT_V3.resources)
                    .flat_map(|r| r.fields)
                    .find(|f| f.name == field)?;
                Some((name, known.name))
            })
            .collect()
    })
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
    snake_into(name, &mut out);
    out
}

/// Appends the snake case of `name` to `out`.
fn snake_into(name: &str, out: &mut String) {
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
}

/// Appends to `out` (a base URL) a path template with its `{Param}` segments filled from the record's fields
/// (`{ServiceSid}` -> `service_sid`); `None` when a field is missing.
fn fill(mut out: String, template: &str, value: &(impl Object + ?Sized)) -> Option<String> {
    let mut field = String::new();
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                field.clear();
                snake_into(param, &mut field);
                out.push_str(value.text(&field)?);
            }
            None => out.push_str(segment),
        }
    }
    Some(out)
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
pub(crate) fn set_path(value: &mut impl Object, path: &[&str], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some((last, outer)) = rest.split_last() else {
        value.set_field(first, new);
        return;
    };
    if !value.field(first).is_some_and(Value::is_object) {
        value.set_field(first, Value::Object(Map::new()));
    }
    let Some(Value::Object(outermost)) = value.field_mut(first) else {
        return;
    };
    let mut target = outermost;
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

#[cfg(test)]
mod tests {
    use super::{Store, matches, parent};

    fn parent_field(resource: &str) -> Option<&'static str> {
        parent(resource).map(|(_, field)| field)
    }

    fn store() -> Store {
        Store::new(
            "http://127.0.0.1:1".to_owned(),
            "http://127.0.0.1:2".to_owned(),
            "AC00000000000000000000000000000000".to_owned(),
            7,
        )
    }

    /// The SIDs `filter` gives, and the SIDs a scan of every record gives.
    fn both(
        store: &Store,
        resource: &str,
        constraints: &[(&str, String)],
    ) -> (Vec<String>, Vec<String>) {
        let sids = |records: Vec<&super::Record>| {
            records
                .into_iter()
                .filter_map(|r| r.str("sid").map(str::to_owned))
                .collect::<Vec<_>>()
        };
        let indexed = sids(store.filter(resource, constraints).collect());
        let scanned = sids(
            store
                .all(resource)
                .iter()
                .filter(|r| matches(r, constraints))
                .collect(),
        );
        (indexed, scanned)
    }

    #[test]
    fn records_are_indexed_by_their_innermost_parent() {
        assert_eq!(parent_field("Message"), Some("channel_sid"));
        assert_eq!(parent_field("Member"), Some("channel_sid"));
        assert_eq!(parent_field("Channel"), Some("service_sid"));
        assert_eq!(parent_field("Service"), None);
    }

    #[test]
    fn parent_lists_follow_inserts_moves_and_removals() {
        let mut store = store();
        let (Some(message), Some(channel)) =
            (Store::resource("Message"), Store::resource("Channel"))
        else {
            panic!("the generated table has Message and Channel");
        };
        let service = ("service_sid", "IS1".to_owned());
        let mut channels = Vec::new();
        for _ in 0..2 {
            let record = store.blank(channel, std::slice::from_ref(&service));
            channels.push(record.str("sid").unwrap_or_default().to_owned());
            store.insert("Channel", record);
        }
        let mut messages = Vec::new();
        for i in 0..6 {
            let parents = [service.clone(), ("channel_sid", channels[i % 2].clone())];
            let record = store.blank(message, &parents);
            messages.push(record.clone());
            store.insert("Message", record);
        }
        let in_channel = |c: usize| [service.clone(), ("channel_sid", channels[c].clone())];
        let check = |store: &Store, c: usize, expected: usize| {
            let (indexed, scanned) = both(store, "Message", &in_channel(c));
            assert_eq!(indexed, scanned);
            assert_eq!(indexed.len(), expected);
        };
        check(&store, 0, 3);
        check(&store, 1, 3);
        // A record moved to the other channel leaves the first one's list.
        let mut moved = messages[0].clone();
        moved
            .value
            .insert("channel_sid", serde_json::json!(channels[1]));
        assert!(store.replace("Message", moved));
        check(&store, 0, 2);
        check(&store, 1, 4);
        assert_eq!(
            both(&store, "Message", &in_channel(1)).0.first(),
            messages[0].str("sid").map(str::to_owned).as_ref()
        );
        // One removed by sequence, then a channel with every message nested under it.
        assert!(store.remove_seq("Message", messages[1].seq).is_some());
        check(&store, 1, 3);
        assert!(store.remove(channel, &channels[1]));
        check(&store, 1, 0);
        check(&store, 0, 2);
        assert_eq!(store.all("Message").len(), 2);
        let sid = messages[2].str("sid").unwrap_or_default();
        assert!(store.find("Message", sid, None, &in_channel(0)).is_some());
        assert!(store.find("Message", sid, None, &in_channel(1)).is_none());
    }
}

//! How a stored record keeps its fields: [`Fields`], a small map in insertion order whose keys are the generated
//! tables' field names (`&'static str`, never copied per record) and whose values are JSON. A record of sixteen
//! fields takes one allocation for its entries instead of a tree of nodes, so the store's memory follows the size
//! of what it holds. [`Object`] is what the code that reads and writes records needs of a JSON object, shared by
//! stored records and by the `serde_json` maps answers are built from.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// A key: a field name of a generated table, borrowed; any other name, owned.
type Key = Cow<'static, str>;

/// The fields of one stored record, in the order they were first set.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fields(Vec<(Key, Value)>);

impl Fields {
    /// No fields, with room for `capacity`.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The value of `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether the record has a field `name` (null included).
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets `name` to `value`, returning the value it replaces.
    pub fn insert(&mut self, name: impl AsRef<str>, value: Value) -> Option<Value> {
        let name = name.as_ref();
        if let Some(slot) = self.get_mut(name) {
            return Some(std::mem::replace(slot, value));
        }
        self.0.push((key(name), value));
        None
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The fields as a JSON map (keys sorted, as every answer writes them).
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }
}

impl Extend<(String, Value)> for Fields {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl FromIterator<(String, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut fields = Self::default();
        fields.extend(iter);
        fields
    }
}

impl From<Fields> for Value {
    fn from(fields: Fields) -> Self {
        Value::Object(
            fields
                .0
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v))
                .collect(),
        )
    }
}

/// `name` as a key: borrowed from the generated tables when one of them has a field of that name.
fn key(name: &str) -> Key {
    static NAMES: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        crate::generated::chat_v2::RESOURCES
            .iter()
            .chain(crate::mapping::CONVERSATIONS_V1.resources)
            .chain(crate::mapping::CHAT_V3.resources)
            .flat_map(|r| r.fields.iter().map(|f| f.name))
            .collect()
    });
    match names.get(name) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_owned()),
    }
}

/// Serializes `entries` as one JSON object with its keys in order, as every answer writes them (a `serde_json`
/// map's order), without building the map.
pub(crate) fn serialize_sorted<S: serde::Serializer>(
    serializer: S,
    mut entries: Vec<(&str, &Value)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// What reading and writing a record needs of a JSON object: a stored record's [`Fields`] or a `serde_json` map.
pub(crate) trait Object {
    /// The value of `name`.
    fn field(&self, name: &str) -> Option<&Value>;
    /// The value of `name`, to change it.
    fn field_mut(&mut self, name: &str) -> Option<&mut Value>;
    /// Sets `name` to `value`.
    fn set_field(&mut self, name: &str, value: Value);
    /// The string value of `name`.
    fn text(&self, name: &str) -> Option<&str> {
        self.field(name).and_then(Value::as_str)
    }
}

impl Object for Fields {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.get_mut(name)
    }

    fn set_field(&mut self, name: &str, value: Value) {
        self.insert(name, value);
    }
}

impl Object for Map<String, Value> {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.get_mut(name)
    }

    fn set_field(&mut self, name: &str, value: Value) {
        self.insert(name.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::{Fields, Object};
    use serde_json::{Value, json};
    use std::borrow::Cow;

    #[test]
    fn fields_keep_one_entry_per_name_and_answer_as_a_sorted_map() {
        let mut fields = Fields::default();
        assert_eq!(fields.insert("sid", json!("CH1")), None);
        assert_eq!(fields.insert("body", json!("hi")), None);
        assert_eq!(fields.insert("sid", json!("CH2")), Some(json!("CH1")));
        assert_eq!(
            fields.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["sid", "body"]
        );
        assert_eq!(fields.text("sid"), Some("CH2"));
        assert!(fields.contains_key("body") && !fields.contains_key("index"));
        assert_eq!(
            serde_json::to_string(&Value::from(fields.clone())).unwrap_or_default(),
            r#"{"body":"hi","sid":"CH2"}"#
        );
        assert_eq!(Value::Object(fields.to_map()), Value::from(fields));
    }

    #[test]
    fn known_names_are_borrowed_and_others_owned() {
        let fields: Fields = [
            ("channel_sid".to_owned(), Value::Null),
            ("not_a_field_anywhere".to_owned(), Value::Null),
        ]
        .into_iter()
        .collect();
        assert!(matches!(fields.0[0].0, Cow::Borrowed("channel_sid")));
        assert!(matches!(&fields.0[1].0, Cow::Owned(name) if name == "not_a_field_anywhere"));
    }
}

//! A record as a product shows it, before it is written: its fields in any order, each borrowed from the stored
//! record where the product shows it unchanged, or owned where the product computes it (links, lists, renamed
//! values). It is read and completed like any JSON object ([`Object`]: `url` and `links` are filled from it) and
//! serialized with its keys in order, as every answer writes them, without building its JSON value first.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::fields::Object;

/// A record as a product shows it.
#[derive(Debug, Default)]
pub(crate) struct Shown<'r> {
    entries: Vec<(&'static str, Cow<'r, Value>)>,
}

impl<'r> Shown<'r> {
    /// No fields, with room for `capacity`.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Adds a field (its name is one of the product's, so each is added once).
    pub fn push(&mut self, name: &'static str, value: Cow<'r, Value>) {
        self.entries.push((name, value));
    }

    /// The record as a JSON value.
    pub fn into_value(self) -> Value {
        Value::Object(
            self.entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into_owned()))
                .collect::<Map<String, Value>>(),
        )
    }
}

impl Object for Shown<'_> {
    fn field(&self, name: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_ref())
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_mut())
    }

    /// Replaces a field the record has; a name it has not is not one of the product's, and is left out.
    fn set_field(&mut self, name: &str, value: Value) {
        if let Some((_, slot)) = self.entries.iter_mut().find(|(k, _)| *k == name) {
            *slot = Cow::Owned(value);
        }
    }
}

impl serde::Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.entries.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        crate::fields::serialize_sorted(serializer, entries)
    }
}

#[cfg(test)]
mod tests {
    use super::Shown;
    use crate::fields::Object;
    use serde_json::json;
    use std::borrow::Cow;

    #[test]
    fn shown_records_serialize_as_their_value_with_keys_in_order() {
        let stored = json!("IS1");
        let mut shown = Shown::with_capacity(3);
        shown.push("url", Cow::Owned(json!(null)));
        shown.push("chat_service_sid", Cow::Borrowed(&stored));
        shown.push("attributes", Cow::Owned(json!("{}")));
        assert_eq!(shown.text("chat_service_sid"), Some("IS1"));
        shown.set_field("url", json!("http://x/IS1"));
        shown.set_field("not_a_field", json!(1));
        let text = serde_json::to_string(&shown).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"attributes":"{}","chat_service_sid":"IS1","url":"http://x/IS1"}"#
        );
        assert_eq!(
            serde_json::to_string(&shown.into_value()).unwrap_or_default(),
            text
        );
    }
}

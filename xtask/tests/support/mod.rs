//! What the description tests share: reading our `x-twilio-always-sent` declarations.

use serde_json::Value;

/// Our extension marking a record property Twilio always sends.
pub const ALWAYS_SENT: &str = "x-twilio-always-sent";

/// The properties any record carries when its schema has them, besides its parents' SIDs: its SID, its account,
/// its address and its creation time.
pub const RECORD_FIELDS: [&str; 4] = ["sid", "account_sid", "url", "date_created"];

/// Every component property declared always sent, as `(schema, property)`, in description order.
pub fn declared_always_sent(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (property, value) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if value.get(ALWAYS_SENT).and_then(Value::as_bool) == Some(true) {
                out.push((name.clone(), property.clone()));
            }
        }
    }
    out
}

/// Follows `$ref` chains (`#/...` only) inside `doc`; other siblings of `$ref` are ignored,
/// as OpenAPI 3.0 says.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

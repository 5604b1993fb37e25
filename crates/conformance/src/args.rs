//! Hand-written half of the conformance dispatch: the scenario argument reader (`Args`, strict by wire name and
//! JSON type), what a call produced (`CallResult`), and the entry point [`dispatch`] that checks the call's mode
//! and hands it to the generated per-operation arms (`crate::generated`, written by `cargo xtask codegen` from
//! the same IR as the client).
//!
//! Arguments are checked strictly: a missing required argument, a value of the wrong JSON type, or an argument
//! the operation does not take is an error naming the operation and the argument, never a silent default.

use std::collections::BTreeSet;
use std::str::FromStr;

use futures_util::StreamExt;
use serde_json::{Map, Value, json};
use twilio_chat_v2::{Client, Download, Error, ItemStream, Page, RequestOptions};
use twilio_rest_runtime::Timestamp;

use crate::format::{Call, Mode, Product};
use crate::generated::{chat_v2, chat_v3, conversations_v1};

/// What a call produced.
#[derive(Debug)]
pub enum CallResult {
    /// `send()`: the record as JSON (`null` for deletes; `{"records", "meta"}` for a list page), or the error.
    Value(Result<Value, Error>),
    /// `stream()`: the records read before the stream ended, and the error that ended it, if any.
    Stream {
        /// Records in order.
        items: Vec<Value>,
        /// The error that ended the stream.
        error: Option<Error>,
    },
}

/// Makes `call` through the generated client of its product, built on `client`'s settings (credentials, base
/// URL, retries). `Err` is a problem with the scenario itself (unknown operation, missing or unknown argument,
/// `stream` on an operation that is not a list).
pub async fn dispatch(
    client: &Client,
    call: &Call,
    options: Option<RequestOptions>,
) -> Result<CallResult, String> {
    let mut a = Args::new(&call.operation, &call.args);
    if call.mode == Mode::Stream && !paged(call.product).contains(&call.operation.as_str()) {
        return Err(format!(
            "{}: mode `stream` needs a list operation",
            call.operation
        ));
    }
    if call.limit.is_some() && call.mode != Mode::Stream {
        return Err(format!(
            "{}: `limit` only applies to mode `stream`",
            call.operation
        ));
    }
    match call.product {
        Product::ChatV2 => chat_v2::call_operation(client, call, &mut a, options).await,
        Product::ChatV3 => chat_v3::call_operation(&client.v3(), call, &mut a, options).await,
        Product::ConversationsV1 => {
            let client = twilio_conversations_v1::Client::from(client.runtime().clone());
            conversations_v1::call_operation(&client, call, &mut a, options).await
        }
    }
}

/// Every operation of `product`: operationId, HTTP method and path template, in description order.
pub fn operations(product: Product) -> &'static [(&'static str, &'static str, &'static str)] {
    match product {
        Product::ChatV2 => chat_v2::OPERATIONS,
        Product::ChatV3 => chat_v3::OPERATIONS,
        Product::ConversationsV1 => conversations_v1::OPERATIONS,
    }
}

/// The list operations of `product` (those `stream` applies to).
pub fn paged(product: Product) -> &'static [&'static str] {
    match product {
        Product::ChatV2 => chat_v2::PAGED,
        Product::ChatV3 => chat_v3::PAGED,
        Product::ConversationsV1 => conversations_v1::PAGED,
    }
}

/// The method and path template of `product`'s operation `id`, if the dispatcher knows it.
pub fn operation(product: Product, id: &str) -> Option<(&'static str, &'static str)> {
    operations(product)
        .iter()
        .find(|(op, _, _)| *op == id)
        .map(|(_, m, p)| (*m, *p))
}

/// A model as JSON (models derive `Serialize`).
pub(crate) fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!({ "serialize_error": e.to_string() }))
}

/// A page as JSON: its records and its meta.
pub fn page_value<T: serde::Serialize>(page: Page<T>) -> Value {
    let meta = &page.meta;
    let meta = json!({
        "page": meta.page,
        "page_size": meta.page_size,
        "first_page_url": meta.first_page_url,
        "previous_page_url": meta.previous_page_url,
        "url": meta.url,
        "next_page_url": meta.next_page_url,
        "key": meta.key,
    });
    json!({ "records": page.records.into_iter().map(to_value).collect::<Vec<_>>(), "meta": meta })
}

/// Largest download a scenario reads into its outcome.
const MAX_DOWNLOAD: usize = 1024 * 1024;

/// A download as JSON: its media type and its bytes as text (lossy UTF-8), or the error.
pub(crate) async fn download_value(result: Result<Download, Error>) -> Result<Value, Error> {
    let download = result?;
    let content_type = download.content_type().map(str::to_owned);
    let bytes = download.bytes(MAX_DOWNLOAD).await?;
    Ok(json!({
        "content_type": content_type,
        "body": String::from_utf8_lossy(&bytes),
    }))
}

pub(crate) async fn collect<T: serde::Serialize>(mut stream: ItemStream<T>) -> CallResult {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(to_value(item)),
            Err(error) => {
                return CallResult::Stream {
                    items,
                    error: Some(error),
                };
            }
        }
    }
    CallResult::Stream { items, error: None }
}

/// The call's arguments, consumed by name; `finish` rejects what was not consumed.
#[derive(Debug)]
pub struct Args<'a> {
    operation: &'a str,
    map: &'a Map<String, Value>,
    used: BTreeSet<&'a str>,
}

impl<'a> Args<'a> {
    pub(crate) fn new(operation: &'a str, map: &'a Map<String, Value>) -> Self {
        Args {
            operation,
            map,
            used: BTreeSet::new(),
        }
    }

    fn get(&mut self, name: &'static str) -> Option<&'a Value> {
        self.used.insert(name);
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn wrong(&self, name: &str, want: &str, got: &Value) -> String {
        format!(
            "{}: argument `{name}` must be {want}, got {got}",
            self.operation
        )
    }

    fn missing(&self, name: &str) -> String {
        format!("{}: missing required argument `{name}`", self.operation)
    }

    pub(crate) fn finish(&self) -> Result<(), String> {
        let unknown: Vec<&str> = self
            .map
            .keys()
            .map(String::as_str)
            .filter(|k| !self.used.contains(k))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}: unknown argument(s) {}",
                self.operation,
                unknown.join(", ")
            ))
        }
    }

    pub(crate) fn opt_str(&mut self, name: &'static str) -> Result<Option<String>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    pub(crate) fn req_str(&mut self, name: &'static str) -> Result<String, String> {
        self.opt_str(name)?.ok_or_else(|| self.missing(name))
    }

    /// A raw body given as text (its UTF-8 bytes are sent).
    pub(crate) fn req_bytes(&mut self, name: &'static str) -> Result<Vec<u8>, String> {
        self.req_str(name).map(String::into_bytes)
    }

    /// A JSON body: any JSON value that decodes into the operation's body model.
    pub(crate) fn req_json<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<T, String> {
        let value = self.get(name).cloned().ok_or_else(|| self.missing(name))?;
        serde_json::from_value(value.clone())
            .map_err(|e| self.wrong(name, &format!("the body model ({e})"), &value))
    }

    pub(crate) fn opt_bool(&mut self, name: &'static str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => Err(self.wrong(name, "a boolean", other)),
        }
    }

    pub(crate) fn opt_int<T: TryFrom<i64>>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<T>, String> {
        let value = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(_) => None,
        };
        match value.and_then(|n| T::try_from(n).ok()) {
            Some(v) => Ok(Some(v)),
            None => Err(self.wrong(
                name,
                "an integer in range",
                self.map.get(name).unwrap_or(&Value::Null),
            )),
        }
    }

    pub(crate) fn opt_datetime(&mut self, name: &'static str) -> Result<Option<Timestamp>, String> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => Timestamp::parse_rfc3339(&s).map(Some).map_err(|e| {
                format!(
                    "{}: argument `{name}` must be an RFC 3339 date-time: {e}",
                    self.operation
                )
            }),
        }
    }

    pub(crate) fn opt_enum<T: FromStr>(&mut self, name: &'static str) -> Result<Option<T>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => s
                .parse::<T>()
                .map(Some)
                .map_err(|_| self.wrong(name, "an enum value", &json!(s))),
            Some(Value::Bool(b)) => b
                .to_string()
                .parse::<T>()
                .map(Some)
                .map_err(|_| self.wrong(name, "an enum value", &json!(b))),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    pub(crate) fn req_enum<T: FromStr>(&mut self, name: &'static str) -> Result<T, String> {
        self.opt_enum(name)?.ok_or_else(|| self.missing(name))
    }

    pub(crate) fn opt_list(&mut self, name: &'static str) -> Result<Option<Vec<String>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.wrong(name, "an array of strings", other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(name, "an array of strings", other)),
        }
    }

    pub(crate) fn req_list(&mut self, name: &'static str) -> Result<Vec<String>, String> {
        self.opt_list(name)?.ok_or_else(|| self.missing(name))
    }

    pub(crate) fn opt_enum_list<T: FromStr>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<Vec<T>>, String> {
        match self.opt_list(name)? {
            None => Ok(None),
            Some(items) => items
                .iter()
                .map(|s| {
                    s.parse::<T>()
                        .map_err(|_| self.wrong(name, "enum values", &json!(s)))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
        }
    }
}

//! A call being built: [`Call`], the newtype every generated builder wraps, over the non-generic `CallParts`
//! that holds what is set. Query and form values are percent-encoded by their setters straight into one buffer;
//! `request.rs` turns the parts into a [`Request`], and [`Kind`] sends it.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::encode::percent_encode_into;
use crate::error::Error;
use crate::http::client::Client;
use crate::http::observe::REDACTED;
use crate::http::params::{ParamValue, Params};
use crate::http::request::{Request, RequestOptions};
use crate::http::response::ResponseMeta;
use crate::operation::kind::{Kind, Paged};
use crate::operation::scope::{At, Scope, path_values};
use crate::operation::spec::{In, OperationSpec};
use crate::paging::page::ItemStream;
use crate::transfer::upload::{UploadBody, UploadSlot};

/// A request being built by a generated builder: a newtype over the non-generic `CallParts`, whose methods do
/// all the work once for every operation; only sending depends on `K`.
#[doc(hidden)]
pub struct Call<K> {
    parts: CallParts,
    kind: PhantomData<fn() -> K>,
}

/// Everything a [`Call`] holds, whatever its operation answers.
///
/// Query and form parameters are percent-encoded by their setters straight into one buffer, `text`
/// (`Key=Value` pairs joined by `&`), and `slots` records where each parameter's pairs are. When the parameters
/// were set in description order, the buffer is the final query or form text as it is; otherwise the request
/// copies the pairs into description order (a copy, never a re-encoding). Header and `{AccountSid}` path values
/// are kept unencoded in their slots.
pub(super) struct CallParts {
    /// The client and the path values.
    pub(super) at: At,
    pub(super) spec: &'static OperationSpec,
    pub(super) text: String,
    /// One per parameter once one is set (empty before).
    pub(super) slots: Vec<Slot>,
    /// What few calls set, boxed so builders stay small to move.
    pub(super) extra: Option<Box<Extra>>,
}

/// The rarely set parts of a [`CallParts`].
#[derive(Debug, Clone, Default)]
pub(super) struct Extra {
    pub(super) json: Option<serde_json::Value>,
    pub(super) upload: Option<UploadSlot>,
    pub(super) options: Option<RequestOptions>,
    pub(super) limit: Option<u64>,
}

/// Where the pairs of one query or form parameter are in [`CallParts`]' `text`: `start..end`, `pairs` of them
/// (`Key=a&Key=b` for a repeated key), set as several values or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) pairs: usize,
    pub(super) each: bool,
}

/// What is set for one parameter: the place of its pairs in `text` (query and form parameters), or its unencoded
/// value (header and `{AccountSid}` path parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Slot {
    #[default]
    Unset,
    Encoded(Span),
    One(String),
    Each(Vec<String>),
}

/// A repeated-key parameter being set value by value ([`CallParts::begin_each`]).
#[derive(Debug)]
struct EachValues {
    index: usize,
    encoded: bool,
    span: Span,
    raw: Vec<String>,
}

impl Scope {
    /// Starts a call of `spec`, its path placeholders to be filled from this scope's values in order.
    pub fn call<K>(&self, spec: &'static OperationSpec) -> Call<K> {
        Call {
            parts: CallParts::new(self, spec),
            kind: PhantomData,
        }
    }
}

impl<K> Call<K> {
    /// Sets parameter `index` to one value.
    pub fn set(mut self, index: usize, value: impl ParamValue) -> Self {
        self.parts.set_value(index, &value);
        self
    }

    /// Sets parameter `index` to one string (percent-encoded straight from `value`, without a copy, when it goes
    /// into the form or query).
    pub fn set_str(mut self, index: usize, value: impl AsRef<str>) -> Self {
        self.parts.set_text(index, value.as_ref());
        self
    }

    /// Sets parameter `index` to several values (a repeated key), replacing any earlier ones.
    pub fn set_each<V: ParamValue>(
        mut self,
        index: usize,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let mut each = self.parts.begin_each(index);
        for value in values {
            self.parts.push_each(&mut each, &value);
        }
        self.parts.end_each(each);
        self
    }

    /// Sets parameter `index` to several strings (a repeated key), replacing any earlier ones.
    pub fn set_strs(
        mut self,
        index: usize,
        values: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        let mut each = self.parts.begin_each(index);
        for value in values {
            self.parts.push_each(&mut each, &value.as_ref());
        }
        self.parts.end_each(each);
        self
    }

    /// Sets the JSON body. Serializing a generated model cannot fail (string keys only); `null` is the
    /// unreachable fallback.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.parts.extra().json = Some(serde_json::to_value(body).unwrap_or_default());
        self
    }

    /// Sets the raw body, sent once by [`Client::execute_upload`] (clones of the call share it).
    pub fn upload(mut self, body: impl Into<UploadBody>) -> Self {
        self.parts.extra().upload = Some(UploadSlot::new(body.into()));
        self
    }

    /// Per-request timeout and retry settings.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.parts.extra().options = Some(options);
        self
    }

    /// Stops a stream after this many records.
    pub fn limit(mut self, limit: u64) -> Self {
        self.parts.extra().limit = Some(limit);
        self
    }

    /// The request: path values substituted, then query, form or JSON body and headers in description order.
    pub fn into_request(self) -> Request {
        self.parts.into_request()
    }
}

impl CallParts {
    fn new(scope: &Scope, spec: &'static OperationSpec) -> Self {
        Self {
            at: scope.at.clone(),
            spec,
            text: String::new(),
            slots: Vec::new(),
            extra: None,
        }
    }

    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    fn limit(&self) -> Option<u64> {
        self.extra.as_ref().and_then(|e| e.limit)
    }

    /// Whether parameter `index` is a query or form one (encoded into `text`); `None` when there is no such
    /// parameter.
    fn encoded(&self, index: usize) -> Option<bool> {
        self.spec
            .params
            .get(index)
            .map(|p| matches!(p.location, In::Query | In::Form))
    }

    /// Starts a pair of parameter `index` at the end of `text` (after a `&`): its key and `=`. Returns where the
    /// pair starts.
    fn open_pair(&mut self, index: usize) -> Option<usize> {
        let name = self.spec.params.get(index)?.name;
        if self.text.capacity() == 0 {
            self.text.reserve(self.spec.text_hint);
        }
        if !self.text.is_empty() {
            self.text.push('&');
        }
        let start = self.text.len();
        if self.spec.plain_names {
            self.text.push_str(name);
        } else {
            percent_encode_into(&mut self.text, name);
        }
        self.text.push('=');
        Some(start)
    }

    fn store(&mut self, index: usize, value: Slot) {
        if self.slots.is_empty() {
            self.slots
                .resize_with(self.spec.params.len(), Slot::default);
        }
        if let Some(slot) = self.slots.get_mut(index) {
            *slot = value;
        }
    }

    /// Sets parameter `index` to one value.
    fn set_value(&mut self, index: usize, value: &dyn ParamValue) {
        match self.encoded(index) {
            Some(true) => self.set_encoded(index, |out| value.encode_param(out)),
            Some(false) => self.store(index, Slot::One(value.to_param())),
            None => {}
        }
    }

    /// Sets parameter `index` to one string.
    fn set_text(&mut self, index: usize, value: &str) {
        match self.encoded(index) {
            Some(true) => self.set_encoded(index, |out| percent_encode_into(out, value)),
            Some(false) => self.store(index, Slot::One(value.to_owned())),
            None => {}
        }
    }

    /// Sets query or form parameter `index` to the one value `encode` writes, encoded.
    fn set_encoded(&mut self, index: usize, encode: impl FnOnce(&mut String)) {
        if let Some(start) = self.open_pair(index) {
            encode(&mut self.text);
            let end = self.text.len();
            self.store(
                index,
                Slot::Encoded(Span {
                    start,
                    end,
                    pairs: 1,
                    each: false,
                }),
            );
        }
    }

    /// Starts setting parameter `index` to several values.
    fn begin_each(&self, index: usize) -> EachValues {
        EachValues {
            index,
            encoded: self.encoded(index).unwrap_or(false),
            span: Span {
                start: self.text.len(),
                end: self.text.len(),
                pairs: 0,
                each: true,
            },
            raw: Vec::new(),
        }
    }

    /// Adds one value to a parameter started with [`CallParts::begin_each`].
    fn push_each(&mut self, each: &mut EachValues, value: &dyn ParamValue) {
        if !each.encoded {
            each.raw.push(value.to_param());
            return;
        }
        if let Some(start) = self.open_pair(each.index) {
            if each.span.pairs == 0 {
                each.span.start = start;
            }
            value.encode_param(&mut self.text);
            each.span.end = self.text.len();
            each.span.pairs += 1;
        }
    }

    /// Stores a parameter set with [`CallParts::begin_each`] and [`CallParts::push_each`].
    fn end_each(&mut self, each: EachValues) {
        match self.encoded(each.index) {
            Some(true) => self.store(each.index, Slot::Encoded(each.span)),
            Some(false) => self.store(each.index, Slot::Each(each.raw)),
            None => {}
        }
    }
}

impl<K: Kind> Call<K> {
    /// Sends the request and decodes what the operation answers.
    pub fn send(self) -> impl Future<Output = Result<K::Output, Error>> + Send + 'static {
        let (client, request) = self.parts.into_client_request();
        K::run(client, request)
    }

    /// [`send`](Self::send), also returning the status, headers and request ID of the answer.
    pub fn send_with_response(
        self,
    ) -> impl Future<Output = Result<(K::Output, ResponseMeta), Error>> + Send + 'static {
        let (client, request) = self.parts.into_client_request();
        K::run_with_response(client, request)
    }
}

impl CallParts {
    /// The client and the request, for sending.
    fn into_client_request(self) -> (Client, Request) {
        let client = self.at.client().clone();
        (client, self.into_request())
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<Paged<T>> {
    /// Streams every record across pages, up to the limit.
    pub fn stream(self) -> ItemStream<T> {
        let limit = self.parts.limit();
        let (client, request) = self.parts.into_client_request();
        client.stream(request, limit)
    }
}

impl<K> Clone for Call<K> {
    fn clone(&self) -> Self {
        Self {
            parts: self.parts.clone(),
            kind: PhantomData,
        }
    }
}

impl Clone for CallParts {
    fn clone(&self) -> Self {
        Self {
            at: self.at.clone(),
            spec: self.spec,
            text: self.text.clone(),
            slots: self.slots.clone(),
            extra: self.extra.clone(),
        }
    }
}

/// Shows the operation and the parameters set, secrets as `[redacted]`.
impl<K> fmt::Debug for Call<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts.fmt(f)
    }
}

/// Shows the operation and the parameters set, secrets as `[redacted]`.
impl fmt::Debug for CallParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// One parameter's value: its text, its texts for a repeated key, or `[redacted]`.
        enum Shown {
            Redacted,
            One(String),
            Each(Vec<String>),
        }
        impl fmt::Debug for Shown {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Shown::Redacted => f.write_str(REDACTED),
                    Shown::One(v) => v.fmt(f),
                    Shown::Each(vs) => vs.fmt(f),
                }
            }
        }
        let mut map = f.debug_map();
        map.entry(&"operation", &self.spec.id);
        if self.at.depth() > 0 {
            map.entry(&"path", &path_values(&self.at));
        }
        for (i, p) in self.spec.params.iter().enumerate() {
            let shown = match self.slots.get(i) {
                Some(Slot::Encoded(span)) => {
                    let text = self.text.get(span.start..span.end).unwrap_or_default();
                    let values: Vec<String> =
                        Params::from_encoded(text.to_owned(), span.pairs, Vec::new())
                            .pairs()
                            .map(|(_, v)| v)
                            .collect();
                    match (span.each, values.as_slice()) {
                        (false, [one]) => Shown::One(one.clone()),
                        _ => Shown::Each(values),
                    }
                }
                Some(Slot::One(v)) => Shown::One(v.clone()),
                Some(Slot::Each(vs)) => Shown::Each(vs.clone()),
                Some(Slot::Unset) | None => continue,
            };
            let shown = if p.sensitive { Shown::Redacted } else { shown };
            map.entry(&p.name, &shown);
        }
        if let Some(extra) = &self.extra {
            if let Some(body) = &extra.json {
                map.entry(&"body", body);
            }
            if let Some(upload) = &extra.upload {
                map.entry(&"body", upload);
            }
            if let Some(options) = &extra.options {
                map.entry(&"options", options);
            }
            if let Some(limit) = &extra.limit {
                map.entry(&"limit", limit);
            }
        }
        map.finish()
    }
}

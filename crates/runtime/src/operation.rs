//! What every generated operation shares, so generated code says only what is specific to one operation.
//!
//! A generated builder is a newtype over [`Call`]: a static [`OperationSpec`] (operation id, method, path
//! template and the wire name and place of every parameter, in description order) and one slot per parameter.
//! Setters percent-encode query and form values straight into one buffer of `Key=Value` pairs and record where
//! each parameter's pairs are; sending builds the [`Request`] from the table in one place ([`Call`]'s
//! `into_request`), handing the buffer over as the query or form text when the setters ran in description order
//! and copying the pairs into that order otherwise, so the wire order is always the description's, whatever the
//! order of the setter calls. All of this lives in one non-generic type, so an operation instantiates only the
//! few lines that send its answer type. [`Scope`] is what resource lists and contexts hold (the client and the path
//! values of their parents), and the [`operation!`](crate::operation) macro writes `send`, `IntoFuture`,
//! `request_options` and, for lists, `limit` and `stream` for a builder.
//!
//! Everything here is `#[doc(hidden)]`: only generated code calls it. The helpers, in one list: [`Scope`],
//! [`Call`], [`OperationSpec`], [`ParamSpec`], [`In`], [`Kind`] with [`Value`], [`Empty`], [`Redirect`],
//! [`Paged`], [`Upload`] and [`Binary`], and the [`operation!`](crate::operation) macro.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::http::client::Client;
use crate::http::observe::REDACTED;
use crate::http::request::{
    Body, ParamValue, Params, Request, RequestOptions, fill_path, percent_encode_into,
};
use crate::http::response::ResponseMeta;
use crate::paging::page::{ItemStream, Page};
use crate::transfer::download::Download;
use crate::transfer::upload::{UploadBody, UploadSlot};

/// Where a parameter of an [`OperationSpec`] goes.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// A `{AccountSid}` path segment that defaults to the client's account SID when not set.
    AccountPath,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
    /// The whole `application/json` body.
    Json,
    /// The whole body as raw bytes ([`UploadBody`]), sent by [`Client::execute_upload`].
    Upload,
}

/// One parameter of an [`OperationSpec`]: wire name, place, and whether its value is a secret.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// Wire name (`FriendlyName`, `X-Twilio-Webhook-Enabled`).
    pub name: &'static str,
    /// Where it goes.
    pub location: In,
    /// A secret (a key, a private key): `Debug`, observers and traces show `[redacted]` instead of it.
    pub sensitive: bool,
}

/// The static description of one operation that generated code hands to [`Call`]. The `{Name}` placeholders of
/// `path` take the values of the [`Scope`] in order, except those named by an [`In::AccountPath`] parameter.
#[doc(hidden)]
#[derive(Debug)]
pub struct OperationSpec {
    /// `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path template (`/v2/Services/{ServiceSid}/Channels`).
    pub path: &'static str,
    /// Parameters in description order (path ones first).
    pub params: &'static [ParamSpec],
    /// Whether a form body is sent even when no form parameter is set.
    pub form_body: bool,
    /// The property holding the records of a page without `meta.key`.
    pub page_key: Option<&'static str>,
    /// The operation's own server (default base URL), when it is not the client's.
    pub server: Option<&'static str>,
    /// The fixed `Content-Type` of a raw body (a per-call `Content-Type` header parameter overrides it).
    pub content_type: Option<&'static str>,
    /// Room to reserve for the encoded query or form text when the first parameter is set.
    text_hint: usize,
    /// Whether a parameter is an [`In::AccountPath`] one.
    account_path: bool,
    /// Whether every wire name is made of unreserved characters only (written without percent-encoding).
    plain_names: bool,
    /// Whether a parameter goes in the query string.
    has_query: bool,
    /// Whether a parameter goes in a form body.
    has_form: bool,
}

/// Runs a [`Call`] and decodes what its operation answers: [`Value`], [`Empty`], [`Redirect`] or [`Paged`].
///
/// Every way of sending a call goes through this trait, so a variant of sending (with the response metadata, for
/// instance) is added here once for every operation.
#[doc(hidden)]
pub trait Kind {
    /// What a success returns.
    type Output: Send + 'static;
    /// Sends the request and decodes the answer.
    fn run(
        client: Client,
        request: Request,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'static;
    /// Sends the request and decodes the answer, also returning its status, headers and request ID.
    fn run_with_response(
        client: Client,
        request: Request,
    ) -> impl Future<Output = Result<(Self::Output, ResponseMeta), Error>> + Send + 'static;
}

/// An operation answering one JSON value.
#[doc(hidden)]
#[derive(Debug)]
pub struct Value<T>(PhantomData<fn() -> T>);

/// An operation answering no body (`204 No Content`).
#[doc(hidden)]
#[derive(Debug)]
pub struct Empty;

/// An operation whose body is an upload ([`Call::upload`]) and whose answer is one JSON value.
#[doc(hidden)]
#[derive(Debug)]
pub struct Upload<T>(PhantomData<fn() -> T>);

/// An operation answering raw bytes, streamed as a [`Download`].
#[doc(hidden)]
#[derive(Debug)]
pub struct Binary;

/// An operation answering a redirect whose JSON body is the value (not followed).
#[doc(hidden)]
#[derive(Debug)]
pub struct Redirect<T>(PhantomData<fn() -> T>);

/// A list operation answering a page of `T`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Paged<T>(PhantomData<fn() -> T>);

/// What a resource list or context holds: the client and the path values of its resource and its parents,
/// outermost first. Cheap to clone and to start calls from: the path values are shared.
#[doc(hidden)]
#[derive(Clone)]
pub struct Scope {
    at: At,
}

/// Where a [`Scope`] is: the top (the client itself) or a path value, which leads up to the client.
#[derive(Clone)]
enum At {
    Top(Client),
    Value(Arc<PathValue>),
}

/// One path value of a [`Scope`], linked to those of its parents and, at the outermost, to the client.
struct PathValue {
    up: At,
    value: String,
    depth: usize,
}

impl At {
    fn client(&self) -> &Client {
        let mut at = self;
        loop {
            match at {
                At::Top(client) => return client,
                At::Value(value) => at = &value.up,
            }
        }
    }

    fn value(&self) -> Option<&PathValue> {
        match self {
            At::Top(_) => None,
            At::Value(value) => Some(value),
        }
    }

    /// Number of path values.
    fn depth(&self) -> usize {
        self.value().map_or(0, |v| v.depth)
    }
}

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
struct CallParts {
    /// The client and the path values.
    at: At,
    spec: &'static OperationSpec,
    text: String,
    /// One per parameter once one is set (empty before).
    slots: Vec<Slot>,
    /// What few calls set, boxed so builders stay small to move.
    extra: Option<Box<Extra>>,
}

/// The rarely set parts of a [`CallParts`].
#[derive(Debug, Clone, Default)]
struct Extra {
    json: Option<serde_json::Value>,
    upload: Option<UploadSlot>,
    options: Option<RequestOptions>,
    limit: Option<u64>,
}

/// Where the pairs of one query or form parameter are in [`CallParts`]' `text`: `start..end`, `pairs` of them
/// (`Key=a&Key=b` for a repeated key), set as several values or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    pairs: usize,
    each: bool,
}

/// What is set for one parameter: the place of its pairs in `text` (query and form parameters), or its unencoded
/// value (header and `{AccountSid}` path parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Slot {
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

impl ParamSpec {
    /// A parameter that is not a secret.
    pub const fn new(name: &'static str, location: In) -> Self {
        Self {
            name,
            location,
            sensitive: false,
        }
    }

    /// A `{AccountSid}` path segment defaulting to the client's account.
    pub const fn account_path(name: &'static str) -> Self {
        Self::new(name, In::AccountPath)
    }

    /// A query parameter.
    pub const fn query(name: &'static str) -> Self {
        Self::new(name, In::Query)
    }

    /// A header.
    pub const fn header(name: &'static str) -> Self {
        Self::new(name, In::Header)
    }

    /// A form field.
    pub const fn form(name: &'static str) -> Self {
        Self::new(name, In::Form)
    }

    /// The JSON body.
    pub const fn json(name: &'static str) -> Self {
        Self::new(name, In::Json)
    }

    /// The raw body.
    pub const fn upload(name: &'static str) -> Self {
        Self::new(name, In::Upload)
    }

    /// The same parameter, marked as a secret.
    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
}

impl OperationSpec {
    /// A table with no form body unless a form parameter is set, and no page key.
    pub const fn new(
        method: reqwest::Method,
        id: &'static str,
        path: &'static str,
        params: &'static [ParamSpec],
    ) -> Self {
        // Key, `=` and `&` of every query and form parameter plus room for a typical value.
        let (mut text_hint, mut account_path, mut plain_names, mut i) = (0, false, true, 0);
        let (mut has_query, mut has_form) = (false, false);
        while i < params.len() {
            match params[i].location {
                In::Query => has_query = true,
                In::Form => has_form = true,
                In::AccountPath => account_path = true,
                _ => {}
            }
            if matches!(params[i].location, In::Query | In::Form) {
                text_hint += params[i].name.len() + 2 + 40;
            }
            let name = params[i].name.as_bytes();
            let mut j = 0;
            while j < name.len() {
                let b = name[j];
                plain_names &= b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
                j += 1;
            }
            i += 1;
        }
        Self {
            id,
            method,
            path,
            params,
            form_body: false,
            page_key: None,
            server: None,
            content_type: None,
            text_hint,
            account_path,
            plain_names,
            has_query,
            has_form,
        }
    }

    /// Sent to this server (a default base URL such as `https://mcs.us1.twilio.com`) instead of the client's; the
    /// client applies its region, edge and overrides to it.
    pub const fn server(mut self, server: &'static str) -> Self {
        self.server = Some(server);
        self
    }

    /// The `Content-Type` of the raw body, when the description fixes it.
    pub const fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// Sends a form body even when it is empty (the description declares one).
    pub const fn form_body(mut self) -> Self {
        self.form_body = true;
        self
    }

    /// Records of a page are under this property.
    pub const fn page_key(mut self, key: &'static str) -> Self {
        self.page_key = Some(key);
        self
    }
}

impl Scope {
    /// The top of the resource tree.
    pub fn new(client: &Client) -> Self {
        Self {
            at: At::Top(client.clone()),
        }
    }

    /// A nested resource: the same path values plus one.
    pub fn child(&self, value: impl Into<String>) -> Self {
        self.child_value(value.into())
    }

    fn child_value(&self, value: String) -> Self {
        Self {
            at: At::Value(Arc::new(PathValue {
                up: self.at.clone(),
                value,
                depth: self.at.depth() + 1,
            })),
        }
    }

    /// Starts a call of `spec`, its path placeholders to be filled from this scope's values in order.
    pub fn call<K>(&self, spec: &'static OperationSpec) -> Call<K> {
        Call {
            parts: CallParts::new(self, spec),
            kind: PhantomData,
        }
    }
}

/// The path values, outermost first.
fn path_values(at: &At) -> Vec<&str> {
    let mut values = Vec::with_capacity(at.depth());
    let mut node = at.value();
    while let Some(n) = node {
        values.push(n.value.as_str());
        node = n.up.value();
    }
    values.reverse();
    values
}

/// Shows the path values, outermost first.
impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("client", self.at.client())
            .field("path", &path_values(&self.at))
            .finish()
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

    /// The request: path values substituted, then query, form or JSON body and headers in description order.
    fn into_request(self) -> Request {
        let CallParts {
            at,
            spec,
            mut text,
            mut slots,
            extra,
            ..
        } = self;
        let Extra {
            json,
            upload,
            options,
            ..
        } = extra.map(|e| *e).unwrap_or_default();
        let params = spec.params;

        let (request_path, invalid) = if spec.path.bytes().any(|b| b == b'{') {
            // The scope's values, outermost first, without allocating for the usual few.
            let mut few = [""; 8];
            let depth = at.depth();
            let many = if depth <= few.len() {
                let mut node = at.value();
                for slot in few.iter_mut().take(depth).rev() {
                    if let Some(n) = node {
                        *slot = n.value.as_str();
                        node = n.up.value();
                    }
                }
                Vec::new()
            } else {
                path_values(&at)
            };
            let values = if many.is_empty() {
                few.get(..depth).unwrap_or_default()
            } else {
                many.as_slice()
            };
            let mut held = values.iter();
            fill_path(spec.path, |name| {
                if !spec.account_path {
                    return held.next().copied();
                }
                let account = params
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.location == In::AccountPath && p.name == name);
                match account {
                    Some((i, _)) => match slots.get(i) {
                        Some(Slot::One(v)) => Some(v.as_str()),
                        _ => Some(at.client().account_sid()),
                    },
                    None => held.next().copied(),
                }
            })
        } else {
            (spec.path.to_owned(), None)
        };
        let mut request = Request::new(spec.method.clone(), spec.id, request_path);
        request.invalid = invalid;

        // Query and form pairs, in description order: the buffer as it is when the setters ran in that order and
        // it holds one place's pairs only, else the spans copied in order.
        // Header values move into the request on the way.
        let (mut in_order, mut expected, mut places) = (true, 0, (false, false));
        for (p, slot) in params.iter().zip(slots.iter_mut()) {
            match (p.location, &*slot) {
                (In::Query | In::Form, Slot::Encoded(span)) if span.pairs > 0 => {
                    if p.location == In::Query {
                        places.0 = true;
                    } else {
                        places.1 = true;
                    }
                    in_order &= span.start == expected;
                    expected = span.end + 1;
                }
                (In::Header, Slot::One(_)) => {
                    if let Slot::One(value) = std::mem::take(slot) {
                        request.headers.push((p.name, value));
                    }
                }
                _ => {}
            }
        }
        let whole = in_order && expected.saturating_sub(1) == text.len() && !(places.0 && places.1);
        let mut collect = |place: In| {
            let (mut count, mut sensitive) = (0, Vec::new());
            let mut out = if whole {
                String::new()
            } else {
                String::with_capacity(text.len())
            };
            for (p, slot) in params.iter().zip(&slots) {
                let Slot::Encoded(span) = slot else {
                    continue;
                };
                if span.pairs == 0 || p.location != place {
                    continue;
                }
                if p.sensitive {
                    sensitive.extend(count..count + span.pairs);
                }
                count += span.pairs;
                if !whole {
                    if !out.is_empty() {
                        out.push('&');
                    }
                    out.push_str(text.get(span.start..span.end).unwrap_or_default());
                }
            }
            if whole && count > 0 {
                out = std::mem::take(&mut text);
            }
            Params::from_encoded(out, count, sensitive)
        };
        // Fields set in place: the request is large to move.
        if spec.has_query {
            request.query = collect(In::Query);
        }
        if spec.has_form || spec.form_body {
            request.body = Body::Form(collect(In::Form));
        }
        if let Some(body) = json {
            request.body = Body::Json(body);
        }
        if let Some(upload) = upload {
            request.body = Body::None;
            request.upload = Some(upload);
        }
        if let Some(content_type) = spec.content_type {
            request
                .headers
                .push(("Content-Type", content_type.to_owned()));
        }
        request.server = spec.server;
        request.page_key = spec.page_key;
        if let Some(options) = options {
            request.options = options;
        }
        request
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

impl<T: DeserializeOwned + Send + 'static> Kind for Value<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.call(request, 200..300).await.map(|(value, _)| value)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.call(request, 200..300).await
    }
}

impl Kind for Empty {
    type Output = ();
    async fn run(client: Client, request: Request) -> Result<(), Error> {
        client.execute_empty(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<((), ResponseMeta), Error> {
        client
            .execute_empty_with_response(request)
            .await
            .map(|meta| ((), meta))
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Upload<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.execute_upload(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.execute_upload_with_response(request).await
    }
}

impl Kind for Binary {
    type Output = Download;
    async fn run(client: Client, request: Request) -> Result<Download, Error> {
        client.execute_download(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(Download, ResponseMeta), Error> {
        let download = client.execute_download(request).await?;
        let meta = ResponseMeta::new(download.status(), download.headers().clone());
        Ok((download, meta))
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Redirect<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.call(request, 200..400).await.map(|(value, _)| value)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.call(request, 200..400).await
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Paged<T> {
    type Output = Page<T>;
    async fn run(client: Client, request: Request) -> Result<Page<T>, Error> {
        client.execute_page(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(Page<T>, ResponseMeta), Error> {
        let page: Page<T> = client.execute_page(request).await?;
        let meta = page.response().clone();
        Ok((page, meta))
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

/// Writes what every generated builder `$name` (a newtype over [`Call`]) repeats: `request_options`, `send` and
/// `IntoFuture`, plus `limit` and `stream` for a list (`$name: page(Item)`). Only generated code uses it.
#[doc(hidden)]
#[macro_export]
macro_rules! operation {
    ($name:ident: page($item:ty)) => {
        $crate::operation!(@common $name, $crate::Paged<$item>, "Sends the request and returns the first page; follow it with `Client::next_page` of the runtime, or use [`Self::stream`].");
        impl $name {
            /// Stops after this many records in total (across pages) when streaming.
            pub fn limit(self, limit: u64) -> Self {
                Self(self.0.limit(limit))
            }
            /// Streams every record, fetching the next page when needed, up to [`Self::limit`] records.
            pub fn stream(self) -> $crate::ItemStream<$item> {
                self.0.stream()
            }
        }
    };
    ($name:ident: value($out:ty)) => {
        $crate::operation!(@common $name, $crate::Value<$out>, "Sends the request and decodes the response.");
    };
    ($name:ident: redirect($out:ty)) => {
        $crate::operation!(@common $name, $crate::Redirect<$out>, "Sends the request and decodes the body of the redirect the API answers with; the redirect is not followed (its location is in the body).");
    };
    ($name:ident: upload($out:ty)) => {
        $crate::operation!(@common $name, $crate::Upload<$out>, "Sends the request with its body, read as it is sent, and decodes the response. Sent once, never retried: a repeated upload could store the file twice.");
    };
    ($name:ident: download) => {
        $crate::operation!(@common $name, $crate::Binary, "Sends the request and returns the response body as a stream of bytes; the client's timeout bounds each wait for data, not the whole transfer.");
    };
    ($name:ident: empty) => {
        $crate::operation!(@common $name, $crate::Empty, "Sends the request; `Ok(())` on any 2xx status.");
    };
    (@common $name:ident, $kind:ty, $send_doc:literal) => {
        impl $name {
            /// The request this builder sends, for tests and benchmarks.
            #[doc(hidden)]
            pub fn into_request(self) -> $crate::Request {
                self.0.into_request()
            }
            /// Per-request timeout and retry settings, overriding the client's.
            pub fn request_options(self, options: $crate::RequestOptions) -> Self {
                Self(self.0.options(options))
            }
            #[doc = $send_doc]
            pub fn send(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<<$kind as $crate::Kind>::Output, $crate::Error>,
            > + ::std::marker::Send
                   + 'static {
                self.0.send()
            }
            /// Like `send`, and also returns the answer's status, headers and `Twilio-Request-Id`.
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<
                    (<$kind as $crate::Kind>::Output, $crate::ResponseMeta),
                    $crate::Error,
                >,
            > + ::std::marker::Send
                   + 'static {
                self.0.send_with_response()
            }
        }
        impl ::std::future::IntoFuture for $name {
            type Output = ::std::result::Result<<$kind as $crate::Kind>::Output, $crate::Error>;
            type IntoFuture = ::std::pin::Pin<
                ::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send>,
            >;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.0.send())
            }
        }
    };
}

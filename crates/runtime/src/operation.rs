//! What every generated operation shares, so generated code says only what is specific to one operation.
//!
//! A generated builder is a newtype over [`Call`]: a static [`OperationSpec`] (operation id, method, path
//! template and the wire name and place of every parameter, in description order) and one slot per parameter.
//! Setters store the wire text of a value in its slot; sending builds the [`Request`] from the table in one
//! place ([`Call`]'s `into_request`), so the order of the pairs is always the description's order, whatever the
//! order of the setter calls. [`Scope`] is what resource lists and contexts hold (the client and the path
//! values of their parents), and the [`operation!`](crate::operation) macro writes `send`, `IntoFuture`,
//! `request_options` and, for lists, `limit` and `stream` for a builder.
//!
//! Everything here is `#[doc(hidden)]`: only generated code calls it. The helpers, in one list: [`Scope`],
//! [`Call`], [`OperationSpec`], [`ParamSpec`], [`In`], [`Kind`] with [`Value`], [`Empty`], [`Redirect`],
//! [`Paged`], [`Upload`] and [`Binary`], and the [`operation!`](crate::operation) macro.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::{UploadBody, UploadSlot};
use crate::client::Client;
use crate::download::Download;
use crate::error::Error;
use crate::observe::REDACTED;
use crate::page::{ItemStream, Page};
use crate::request::{ParamValue, Params, Request, RequestOptions};
use crate::response::ResponseMeta;

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
/// outermost first.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Scope {
    client: Client,
    path: Vec<String>,
}

/// A request being built by a generated builder: the operation's table and one slot per parameter.
#[doc(hidden)]
pub struct Call<K> {
    client: Client,
    spec: &'static OperationSpec,
    path: Vec<String>,
    slots: Vec<Slot>,
    json: Option<serde_json::Value>,
    upload: Option<UploadSlot>,
    options: Option<RequestOptions>,
    limit: Option<u64>,
    kind: PhantomData<fn() -> K>,
}

#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Unset,
    One(String),
    Each(Vec<String>),
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
        Self {
            id,
            method,
            path,
            params,
            form_body: false,
            page_key: None,
            server: None,
            content_type: None,
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
            client: client.clone(),
            path: Vec::new(),
        }
    }

    /// A nested resource: the same path values plus one.
    pub fn child(&self, value: impl Into<String>) -> Self {
        let mut path = self.path.clone();
        path.push(value.into());
        Self {
            client: self.client.clone(),
            path,
        }
    }

    /// Starts a call of `spec`, its path placeholders to be filled from this scope's values in order.
    pub fn call<K>(&self, spec: &'static OperationSpec) -> Call<K> {
        Call {
            client: self.client.clone(),
            spec,
            path: self.path.clone(),
            slots: vec![Slot::Unset; spec.params.len()],
            json: None,
            upload: None,
            options: None,
            limit: None,
            kind: PhantomData,
        }
    }
}

impl<K> Call<K> {
    /// Sets parameter `index` to one value.
    pub fn set(mut self, index: usize, value: impl ParamValue) -> Self {
        self.put(index, Slot::One(value.to_param()));
        self
    }

    /// Sets parameter `index` to one string.
    pub fn set_str(self, index: usize, value: impl Into<String>) -> Self {
        self.set(index, value.into())
    }

    /// Sets parameter `index` to several values (a repeated key), replacing any earlier ones.
    pub fn set_each<V: ParamValue>(
        mut self,
        index: usize,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(|v| v.to_param()).collect();
        self.put(index, Slot::Each(values));
        self
    }

    /// Sets parameter `index` to several strings (a repeated key), replacing any earlier ones.
    pub fn set_strs(
        self,
        index: usize,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.set_each(index, values.into_iter().map(Into::<String>::into))
    }

    /// Sets the JSON body. Serializing a generated model cannot fail (string keys only); `null` is the
    /// unreachable fallback.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.json = Some(serde_json::to_value(body).unwrap_or_default());
        self
    }

    /// Sets the raw body, sent once by [`Client::execute_upload`] (clones of the call share it).
    pub fn upload(mut self, body: impl Into<UploadBody>) -> Self {
        self.upload = Some(UploadSlot::new(body.into()));
        self
    }

    /// Per-request timeout and retry settings.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// Stops a stream after this many records.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    fn put(&mut self, index: usize, slot: Slot) {
        if let Some(s) = self.slots.get_mut(index) {
            *s = slot;
        }
    }

    /// The request: path values substituted, then query, form or JSON body and headers in description order.
    pub fn into_request(self) -> Request {
        let Call {
            client,
            spec,
            path,
            slots,
            json,
            upload,
            options,
            ..
        } = self;
        let mut request = {
            let mut held = path.iter();
            let path_values: Vec<(&'static str, &str)> = placeholders(spec.path)
                .filter_map(|name| {
                    let account = spec
                        .params
                        .iter()
                        .zip(&slots)
                        .find(|(p, _)| p.location == In::AccountPath && p.name == name);
                    match account {
                        Some((p, Slot::One(v))) => Some((p.name, v.as_str())),
                        Some((p, _)) => Some((p.name, client.account_sid())),
                        None => held.next().map(|v| (name, v.as_str())),
                    }
                })
                .collect();
            if spec.path.contains('{') {
                Request::with_path_params(spec.method.clone(), spec.id, spec.path, &path_values)
            } else {
                Request::new(spec.method.clone(), spec.id, spec.path.to_owned())
            }
        };
        // The values move into the request, in description order.
        let (mut query, mut form) = (Params::new(), Params::new());
        let (mut has_query, mut has_form) = (false, spec.form_body);
        for (p, slot) in spec.params.iter().zip(slots) {
            let target = match p.location {
                In::Query => {
                    has_query = true;
                    &mut query
                }
                In::Form => {
                    has_form = true;
                    &mut form
                }
                In::Header => {
                    if let Slot::One(v) = slot {
                        request = request.header(p.name, v);
                    }
                    continue;
                }
                In::AccountPath | In::Json | In::Upload => continue,
            };
            match slot {
                Slot::Unset => {}
                Slot::One(v) => target.push_marked(p.name, v, p.sensitive),
                Slot::Each(values) => {
                    for v in values {
                        target.push_marked(p.name, v, p.sensitive);
                    }
                }
            }
        }
        if has_query {
            request = request.query(query);
        }
        if has_form {
            request = request.form(form);
        }
        if let Some(body) = json {
            request = request.json(body);
        }
        if let Some(upload) = upload {
            request = request.upload_slot(upload);
        }
        if let Some(content_type) = spec.content_type {
            request = request.header("Content-Type", content_type);
        }
        if let Some(server) = spec.server {
            request = request.server(server);
        }
        if let Some(key) = spec.page_key {
            request = request.page_key(key);
        }
        if let Some(options) = options {
            request = request.options(options);
        }
        request
    }
}

/// The `{Name}` placeholders of a path template, in order.
fn placeholders(template: &'static str) -> impl Iterator<Item = &'static str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

impl<K: Kind> Call<K> {
    /// Sends the request and decodes what the operation answers.
    pub fn send(self) -> impl Future<Output = Result<K::Output, Error>> + Send + 'static {
        let client = self.client.clone();
        let request = self.into_request();
        K::run(client, request)
    }

    /// [`send`](Self::send), also returning the status, headers and request ID of the answer.
    pub fn send_with_response(
        self,
    ) -> impl Future<Output = Result<(K::Output, ResponseMeta), Error>> + Send + 'static {
        let client = self.client.clone();
        let request = self.into_request();
        K::run_with_response(client, request)
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<Paged<T>> {
    /// Streams every record across pages, up to the limit.
    pub fn stream(self) -> ItemStream<T> {
        let client = self.client.clone();
        let limit = self.limit;
        client.stream(self.into_request(), limit)
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Value<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        let (body, meta) = client.call_raw(&request, 200..300).await?;
        client.decode_answer(&request, &body, &meta)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        let (body, meta) = client.call_raw(&request, 200..300).await?;
        Ok((client.decode_answer(&request, &body, &meta)?, meta))
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
        let (body, meta) = client.call_raw(&request, 200..400).await?;
        client.decode_answer(&request, &body, &meta)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        let (body, meta) = client.call_raw(&request, 200..400).await?;
        Ok((client.decode_answer(&request, &body, &meta)?, meta))
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
            client: self.client.clone(),
            spec: self.spec,
            path: self.path.clone(),
            slots: self.slots.clone(),
            json: self.json.clone(),
            upload: self.upload.clone(),
            options: self.options.clone(),
            limit: self.limit,
            kind: PhantomData,
        }
    }
}

/// Shows the operation and the parameters set, secrets as `[redacted]`.
impl<K> fmt::Debug for Call<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Shown<'a>(&'a Slot, bool);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match (self.0, self.1) {
                    (_, true) => f.write_str(REDACTED),
                    (Slot::One(v), false) => v.fmt(f),
                    (Slot::Each(vs), false) => vs.fmt(f),
                    (Slot::Unset, false) => f.write_str("unset"),
                }
            }
        }
        let mut map = f.debug_map();
        map.entry(&"operation", &self.spec.id);
        if !self.path.is_empty() {
            map.entry(&"path", &self.path);
        }
        for (p, slot) in self.spec.params.iter().zip(&self.slots) {
            if *slot != Slot::Unset {
                map.entry(&p.name, &Shown(slot, p.sensitive));
            }
        }
        if let Some(body) = &self.json {
            map.entry(&"body", body);
        }
        if let Some(upload) = &self.upload {
            map.entry(&"body", upload);
        }
        if let Some(options) = &self.options {
            map.entry(&"options", options);
        }
        if let Some(limit) = &self.limit {
            map.entry(&"limit", limit);
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

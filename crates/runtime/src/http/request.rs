//! Describing one API call: [`Request`] (method, operation id, path, query, body, headers, options), the ordered
//! [`Params`] encoded as `application/x-www-form-urlencoded`, the [`ParamValue`] conversions, and
//! [`encode_path_segment`] for path parameters.
//!
//! Encoding rules (the same for query strings and form bodies): only parameters that were pushed are sent, in
//! push order; arrays repeat their key (`Permission=a&Permission=b`); booleans are `true`/`false`; date-times are
//! converted to UTC and written `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds only when non-zero); keys are sent
//! verbatim (dotted keys such as `Notifications.NewMessage.Enabled` stay dotted). Everything except RFC 3986
//! unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded with upper-case hex, so a space is `%20`
//! (never `+`, which is `%2B`): the one form every server decodes the same way in both query and body.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::Method;
use twilio_rest_time::{Date, Timestamp};

use crate::http::observe::REDACTED;

/// One API call, built by generated code and run by [`Client::execute`](crate::Client::execute) and friends.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    pub(crate) query: Params,
    pub(crate) body: Body,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) page_key: Option<&'static str>,
    /// The default base URL of the operation when it is not the client's (another host of the API).
    pub(crate) server: Option<&'static str>,
    /// A streamed body, sent only by [`Client::execute_upload`](crate::Client::execute_upload).
    pub(crate) upload: Option<crate::transfer::upload::UploadSlot>,
    pub(crate) options: RequestOptions,
    /// Why the request must not be sent (a bad path parameter); reported when it is executed.
    pub(crate) invalid: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Form(Params),
    Json(serde_json::Value),
}

/// Ordered `(key, value)` pairs for a query string or form body. Repeated keys are allowed and kept in order.
///
/// Encoding rules (the same for query strings and form bodies): only parameters that were pushed are sent, in
/// push order; arrays repeat their key (`Permission=a&Permission=b`, never commas or brackets); booleans are
/// `true`/`false`; date-times are converted to UTC and written `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds only
/// when non-zero); keys are sent verbatim (dotted keys such as `Notifications.NewMessage.Enabled` stay dotted).
/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded with upper-case
/// hex, so a space is `%20` and never `+` (a literal `+` is `%2B`): the one form every server decodes the same way
/// in both query strings and bodies.
///
/// ```
/// use twilio_rest_runtime::Params;
///
/// let mut p = Params::new();
/// p.push("FriendlyName", "General chat");
/// p.push_each("Permission", ["sendMessage", "leaveChannel"]);
/// p.push("Notifications.NewMessage.Enabled", true);
/// p.push_opt::<&str>("Attributes", None);
/// assert_eq!(
///     p.encode(),
///     "FriendlyName=General%20chat&Permission=sendMessage&Permission=leaveChannel&Notifications.NewMessage.Enabled=true"
/// );
/// ```
///
/// Values pushed with [`Params::push_sensitive`] are sent as they are but shown as `[redacted]` by `Debug` and
/// in the bodies [`Observer`](crate::Observer)s receive.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// The encoded text, `k=v` pairs joined by `&` (keys and values percent-encoded, so neither holds `&` or `=`).
    text: String,
    /// Number of pairs in `text`.
    count: usize,
    /// Indices of the pairs whose values are secrets.
    sensitive: Vec<usize>,
}

/// Conversion of a parameter value to its wire text (before percent-encoding).
///
/// Implemented for strings, `bool` (`true`/`false`), integers, floats, [`Timestamp`] (RFC 3339 in UTC,
/// `YYYY-MM-DDTHH:MM:SSZ`, fraction only when non-zero), [`Date`] (`YYYY-MM-DD`), `serde_json::Value`
/// (compact JSON text) and references to any of these. Enums of generated models are passed as `value.as_str()`.
pub trait ParamValue {
    /// The unencoded wire text of the value.
    fn to_param(&self) -> String;

    /// Appends the wire text of the value, percent-encoded as described on [`Params`], to `out`. The default goes
    /// through [`ParamValue::to_param`]; strings, booleans, integers and date-times write straight into `out`.
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, &self.to_param());
    }
}

/// Per-request overrides of the client's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Total time allowed for each attempt (connect, send, read the body); overrides the client's timeout.
    pub timeout: Option<Duration>,
    /// Most attempts for this request, first one included; overrides the client's [`RetryPolicy`](crate::RetryPolicy).
    pub max_attempts: Option<u32>,
    /// Whether a non-idempotent request (`POST`, `PATCH`) may be retried; overrides the client's policy.
    pub retry_non_idempotent: Option<bool>,
    /// Largest success response body accepted, in bytes; overrides
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    pub max_response_bytes: Option<u64>,
    /// Time allowed for all attempts together, waits included; overrides
    /// [`RetryPolicy::deadline`](crate::RetryPolicy::deadline).
    pub deadline: Option<Duration>,
}

impl Request {
    /// A request for `operation_id` (used in errors, traces and observers) with a path such as
    /// `/v2/Services/IS123/Channels`, built with [`encode_path_segment`] for each parameter. The path is
    /// appended to the client's base URL.
    pub fn new(method: Method, operation_id: &'static str, path: String) -> Self {
        Self {
            method,
            operation: operation_id,
            path,
            query: Params::new(),
            body: Body::None,
            headers: Vec::new(),
            page_key: None,
            server: None,
            upload: None,
            options: RequestOptions::default(),
            invalid: None,
        }
    }

    /// A request whose path is `template` with each `{Name}` placeholder replaced by the percent-encoded value
    /// of `Name` in `params` (see [`encode_path_segment`]).
    ///
    /// A value that is empty, `.` or `..` would address another resource (`/v2/Services/` is the list of
    /// services, `/v2/Services/IS1/Channels/..` is the service itself), and a placeholder without a value
    /// leaves the path incomplete: such a request fails with
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) naming the parameter, and nothing is
    /// sent.
    ///
    /// ```
    /// use twilio_rest_runtime::{Method, Request};
    ///
    /// let request = Request::with_path_params(
    ///     Method::GET,
    ///     "FetchChannel",
    ///     "/v2/Services/{ServiceSid}/Channels/{Sid}",
    ///     &[("ServiceSid", "IS00000000000000000000000000000000"), ("Sid", "my channel")],
    /// );
    /// assert_eq!(request.path(), "/v2/Services/IS00000000000000000000000000000000/Channels/my%20channel");
    /// ```
    pub fn with_path_params(
        method: Method,
        operation_id: &'static str,
        template: &'static str,
        params: &[(&'static str, &str)],
    ) -> Self {
        let (path, invalid) = fill_path(template, |name| {
            params
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
        });
        let mut request = Self::new(method, operation_id, path);
        request.invalid = invalid;
        request
    }

    /// Appends query parameters (added after any already set).
    pub fn query(mut self, params: Params) -> Self {
        self.query.append(params);
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body (replacing any body). It is sent even when empty.
    pub fn form(mut self, params: Params) -> Self {
        self.body = Body::Form(params);
        self
    }

    /// Sets an `application/json` body (replacing any body).
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// Adds a header, such as `X-Twilio-Webhook-Enabled`, sent with every attempt whatever the method (also on
    /// `DELETE`). A value that is not a valid header value fails the call with
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) before anything is sent.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The property holding the records of a page that has no `meta.key` (API v2010 style pages).
    pub fn page_key(mut self, key: &'static str) -> Self {
        self.page_key = Some(key);
        self
    }

    /// Sends the request to another host of the API, given by its default base URL (such as
    /// `https://mcs.us1.twilio.com`), instead of the client's base URL. The client applies its region and edge to
    /// it, or its [`server_url`](crate::ClientBuilder::server_url) / [`base_url`](crate::ClientBuilder::base_url)
    /// overrides.
    pub fn server(mut self, default_base_url: &'static str) -> Self {
        self.server = Some(default_base_url);
        self
    }

    /// Sets a streamed body (replacing any body), such as a file to upload; send the request with
    /// [`Client::execute_upload`](crate::Client::execute_upload), the one method that sends it. Clones of the
    /// request share the body, which is sent at most once.
    pub fn upload(self, body: crate::UploadBody) -> Self {
        self.upload_slot(crate::transfer::upload::UploadSlot::new(body))
    }

    /// Sets a streamed body already shared by a generated call.
    pub(crate) fn upload_slot(mut self, slot: crate::transfer::upload::UploadSlot) -> Self {
        self.body = Body::None;
        self.upload = Some(slot);
        self
    }

    /// The default base URL given to [`Request::server`], if any.
    pub fn server_url(&self) -> Option<&'static str> {
        self.server
    }

    /// Per-request timeout and retry overrides.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The operation id given to [`Request::new`].
    pub fn operation_id(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request body as observers see it: the form text with secrets redacted, else `sent`.
    pub(crate) fn observed_body(&self, sent: Option<&str>) -> Option<String> {
        match &self.body {
            Body::Form(params) if !params.sensitive.is_empty() => Some(params.encode_redacted()),
            _ => sent.map(str::to_owned),
        }
    }

    /// The encoded form body, when the request has one (for tests and benchmarks).
    #[doc(hidden)]
    pub fn form_text(&self) -> Option<String> {
        match &self.body {
            Body::Form(params) => Some(params.encode()),
            _ => None,
        }
    }

    /// The encoded query string, without `?` (for tests and benchmarks).
    #[doc(hidden)]
    pub fn query_text(&self) -> &str {
        self.query.as_encoded()
    }

    /// The path given to [`Request::new`] (without query).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parameters already encoded (`k=v` pairs joined by `&`, as [`Params::encode`] writes them): `count` pairs,
    /// those at the indices in `sensitive` secrets.
    pub(crate) fn from_encoded(text: String, count: usize, sensitive: Vec<usize>) -> Self {
        Self {
            text,
            count,
            sensitive,
        }
    }

    /// Appends `key=value`.
    pub fn push<V: ParamValue>(&mut self, key: &'static str, value: V) {
        self.push_marked(key, &value, false);
    }

    /// Appends `key=value` for a secret (a key, a private key): sent as it is, shown as `[redacted]` by `Debug` and
    /// to observers.
    pub fn push_sensitive<V: ParamValue>(&mut self, key: &'static str, value: V) {
        self.push_marked(key, &value, true);
    }

    fn push_marked(&mut self, key: &str, value: &dyn ParamValue, sensitive: bool) {
        if sensitive {
            self.sensitive.push(self.count);
        }
        if self.count > 0 {
            self.text.push('&');
        }
        percent_encode_into(&mut self.text, key);
        self.text.push('=');
        value.encode_param(&mut self.text);
        self.count += 1;
    }

    /// Appends the pairs of `other` after these.
    pub(crate) fn append(&mut self, other: Params) {
        if other.count == 0 {
            return;
        }
        let offset = self.count;
        self.sensitive
            .extend(other.sensitive.iter().map(|i| i + offset));
        if self.count == 0 {
            self.text = other.text;
        } else {
            self.text.push('&');
            self.text.push_str(&other.text);
        }
        self.count += other.count;
    }

    /// Whether the value of pair `index` (in push order) was pushed as a secret.
    pub fn is_sensitive(&self, index: usize) -> bool {
        self.sensitive.contains(&index)
    }

    /// Like [`Params::encode`], with the values of secrets replaced by `[redacted]`: what observers see.
    pub fn encode_redacted(&self) -> String {
        if self.sensitive.is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        for (i, pair) in self.encoded_pairs().enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((key, _)) if self.is_sensitive(i) => {
                    out.push_str(key);
                    out.push('=');
                    percent_encode_into(&mut out, REDACTED);
                }
                _ => out.push_str(pair),
            }
        }
        out
    }

    /// Appends `key=value` when `value` is `Some`; unset parameters are omitted.
    pub fn push_opt<V: ParamValue>(&mut self, key: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// Appends `key=value` once per value (repeated keys: how Twilio takes arrays).
    pub fn push_each<V: ParamValue>(
        &mut self,
        key: &'static str,
        values: impl IntoIterator<Item = V>,
    ) {
        for v in values {
            self.push(key, v);
        }
    }

    /// The pairs in push order, decoded (the text given to [`Params::push`] and friends).
    pub fn pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.encoded_pairs().map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
    }

    fn encoded_pairs(&self) -> impl Iterator<Item = &str> + '_ {
        self.text.split('&').take(self.count)
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` when no parameter was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `application/x-www-form-urlencoded` text: `k=v` pairs joined by `&`, percent-encoded as described
    /// on [`Params`] (space is `%20`). The text is kept encoded as pairs are pushed, so this is a copy.
    pub fn encode(&self) -> String {
        self.text.clone()
    }

    /// The encoded text, as [`Params::encode`] returns it.
    pub fn as_encoded(&self) -> &str {
        &self.text
    }
}

/// Pairs in order, secrets as `[redacted]`.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs().enumerate().map(|(i, (k, v))| {
                if self.is_sensitive(i) {
                    (k, Cow::Borrowed(REDACTED))
                } else {
                    (k, Cow::Owned(v))
                }
            }))
            .finish()
    }
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Total time allowed for each attempt of this request.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Most attempts for this request, first one included (`1` disables retries; `0` counts as `1`).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }

    /// Allow (or forbid) retrying this request even though its method is not idempotent.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = Some(yes);
        self
    }

    /// Largest success response body accepted for this request, in bytes.
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// Time allowed for all attempts of this request together, waits included.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
}

/// Percent-encodes a path parameter: everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so `/`, `#`, `?` and `%` cannot change the path (`a#b` becomes `a%23b`, `a/b` becomes `a%2Fb`).
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    percent_encode_into(&mut out, value);
    out
}

/// Whether a byte is an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`), sent as it is.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

pub(crate) fn percent_encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    // Text with nothing to escape (keys, SIDs, numbers) is copied as it is.
    let Some(first) = bytes.iter().position(|&b| !UNRESERVED[usize::from(b)]) else {
        out.push_str(value);
        return;
    };
    out.push_str(value.get(..first).unwrap_or_default());
    // The rest goes through a small buffer of ASCII bytes, flushed as text when nearly full.
    let mut buf = [0_u8; 256];
    let mut len = 0;
    for &b in bytes.get(first..).unwrap_or_default() {
        if len > buf.len() - 3 {
            out.push_str(
                std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default(),
            );
            len = 0;
        }
        if UNRESERVED[usize::from(b)] {
            if let Some(slot) = buf.get_mut(len) {
                *slot = b;
            }
            len += 1;
        } else if let Some(slots) = buf.get_mut(len..len + 3) {
            slots.copy_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]]);
            len += 3;
        }
    }
    out.push_str(std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default());
}

/// Decodes text written by [`percent_encode_into`] (`%XX` escapes; anything else is taken as it is).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let (b'%', Some(Some(hi)), Some(Some(lo))) = (
            b,
            bytes.get(i + 1).map(|&h| hex(h)),
            bytes.get(i + 2).map(|&l| hex(l)),
        ) {
            out.push(((hi << 4) | lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `template` with each `{Name}` placeholder replaced by the percent-encoded `value(Name)` (called once per
/// placeholder, in order), and why the path is unusable, if it is: a value that is empty, `.` or `..`, or none.
pub(crate) fn fill_path<'v>(
    template: &'static str,
    mut value: impl FnMut(&'static str) -> Option<&'v str>,
) -> (String, Option<String>) {
    let mut path = String::with_capacity(template.len() + 64);
    let mut invalid = None;
    let mut rest = template;
    // Byte searches: the braces are ASCII, and these templates are short.
    let find = |text: &str, brace: u8| text.bytes().position(|b| b == brace);
    while let Some(open) = find(rest, b'{') {
        path.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = find(after, b'}') else {
            path.push_str(rest.get(open..).unwrap_or_default());
            rest = "";
            break;
        };
        let name = after.get(..close).unwrap_or_default();
        match value(name) {
            Some(v) if matches!(v, "" | "." | "..") => {
                invalid.get_or_insert_with(|| {
                    format!("path parameter `{name}` must not be empty, `.` or `..` (got {v:?})")
                });
            }
            Some(v) => percent_encode_into(&mut path, v),
            None => {
                invalid.get_or_insert_with(|| format!("path parameter `{name}` has no value"));
            }
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    path.push_str(rest);
    (path, invalid)
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl ParamValue for Cow<'_, str> {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
    fn encode_param(&self, out: &mut String) {
        (**self).encode_param(out);
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
    fn encode_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Writes `-` when `negative`, then the decimal digits of `n` (digits and `-` need no percent-encoding).
fn write_integer(out: &mut String, negative: bool, mut n: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    if let Some(Ok(text)) = digits.get(at..).map(std::str::from_utf8) {
        out.push_str(text);
    }
}

macro_rules! signed_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
            fn encode_param(&self, out: &mut String) {
                let n = i64::from(*self);
                write_integer(out, n < 0, n.unsigned_abs());
            }
        }
    )*};
}
signed_param!(i8, i16, i32, i64);

macro_rules! unsigned_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
            fn encode_param(&self, out: &mut String) {
                write_integer(out, false, u64::from(*self));
            }
        }
    )*};
}
unsigned_param!(u8, u16, u32, u64);

impl ParamValue for isize {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        match i64::try_from(*self) {
            Ok(n) => write_integer(out, n < 0, n.unsigned_abs()),
            Err(_) => percent_encode_into(out, &self.to_param()),
        }
    }
}

impl ParamValue for usize {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        match u64::try_from(*self) {
            Ok(n) => write_integer(out, false, n),
            Err(_) => percent_encode_into(out, &self.to_param()),
        }
    }
}

macro_rules! float_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
float_param!(f32, f64);

impl ParamValue for Timestamp {
    fn to_param(&self) -> String {
        self.to_rfc3339()
    }
    fn encode_param(&self, out: &mut String) {
        // Digits, `-`, `T`, `.` and `Z` need no escaping; only the colons do.
        let _ = self.write_rfc3339(out, "%3A");
    }
}

impl ParamValue for Date {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_arrays_bools_dates_and_dotted_keys() {
        let mut p = Params::new();
        p.push("FriendlyName", "My chat & co");
        p.push_each("Permission", ["sendMessage", "leaveChannel"]);
        p.push("Notifications.NewMessage.Enabled", true);
        p.push("ReadStatusEnabled", false);
        p.push_opt::<&str>("Unset", None);
        p.push_opt("Count", Some(5_i32));
        let at = Timestamp::parse("2024-01-02T05:04:05+02:00").unwrap();
        p.push("DateCreated", at);
        p.push("Attributes", serde_json::json!({"a": [1, "x y"]}));
        p.push("Body", String::from("+1 ü"));
        assert_eq!(
            p.encode(),
            "FriendlyName=My%20chat%20%26%20co&Permission=sendMessage&Permission=leaveChannel\
             &Notifications.NewMessage.Enabled=true&ReadStatusEnabled=false&Count=5\
             &DateCreated=2024-01-02T03%3A04%3A05Z\
             &Attributes=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D&Body=%2B1%20%C3%BC"
        );
        assert_eq!(p.len(), 9);
        assert_eq!(p.pairs().count(), 9);
    }

    #[test]
    fn date_times_are_utc_with_optional_fraction() {
        let t = Date::new(2020, 2, 29)
            .and_then(|d| d.at(23, 59, 58))
            .unwrap();
        assert_eq!(t.to_param(), "2020-02-29T23:59:58Z");
        let frac = t
            .checked_add(std::time::Duration::from_millis(250))
            .unwrap();
        assert_eq!(frac.to_param(), "2020-02-29T23:59:58.250Z");
        let d = Date::new(2021, 12, 31).unwrap();
        assert_eq!(d.to_param(), "2021-12-31");
        let (direct, reference) = encoded_both_ways(&d);
        assert_eq!(direct, reference);
        let s = String::from("x");
        assert_eq!(<&String as ParamValue>::to_param(&&s), "x");
        assert_eq!(1.5_f64.to_param(), "1.5");
    }

    /// `encode_param` as the percent-encoded `to_param`, the definition it shortcuts.
    fn encoded_both_ways(value: &dyn ParamValue) -> (String, String) {
        let mut direct = String::new();
        value.encode_param(&mut direct);
        (direct, encode_path_segment(&value.to_param()))
    }

    #[test]
    fn date_times_are_written_directly_as_their_text_encoded() {
        let nanos = [
            0,
            1,
            999,
            1_000,
            250_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ];
        let mut checked = 0;
        for (year, month, day) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (1970, 1, 1),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            for nano in nanos {
                let t = Date::new(year, month, day)
                    .and_then(|d| d.at(23, 59, 58))
                    .and_then(|t| Timestamp::from_unix(t.unix_seconds(), nano))
                    .unwrap();
                let (direct, reference) = encoded_both_ways(&t);
                assert_eq!(direct, reference, "{t:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 6 * 8);
    }

    #[test]
    fn integers_are_written_directly_as_display_writes_them() {
        let values: [&dyn ParamValue; 14] = [
            &0_i64,
            &-1_i64,
            &i64::MIN,
            &i64::MAX,
            &u64::MAX,
            &i8::MIN,
            &u8::MAX,
            &-32_768_i16,
            &65_535_u16,
            &i32::MIN,
            &u32::MAX,
            &isize::MIN,
            &usize::MAX,
            &10_u32,
        ];
        for value in values {
            let (direct, reference) = encoded_both_ways(value);
            assert_eq!(direct, reference);
            assert_eq!(direct, value.to_param());
        }
    }

    #[test]
    fn params_keep_their_text_encoded_and_decode_their_pairs() {
        let mut first = Params::new();
        first.push("A b", "x&y=z");
        first.push_sensitive("Secret", "s 1");
        let mut second = Params::new();
        second.push_sensitive("Key", "k");
        second.push("Plain", "ü");
        let request = Request::new(Method::GET, "Op", "/v2/Things".into())
            .query(first.clone())
            .query(Params::new())
            .query(second);
        let query = &request.query;
        assert_eq!(
            query.encode(),
            "A%20b=x%26y%3Dz&Secret=s%201&Key=k&Plain=%C3%BC"
        );
        assert_eq!(query.len(), 4);
        assert!(query.is_sensitive(1) && query.is_sensitive(2) && !query.is_sensitive(3));
        assert_eq!(
            query.encode_redacted(),
            "A%20b=x%26y%3Dz&Secret=%5Bredacted%5D&Key=%5Bredacted%5D&Plain=%C3%BC"
        );
        let pairs: Vec<(String, String)> = query.pairs().collect();
        assert_eq!(pairs.first(), Some(&("A b".to_owned(), "x&y=z".to_owned())));
        assert_eq!(pairs.get(3), Some(&("Plain".to_owned(), "ü".to_owned())));
        assert_eq!(
            format!("{query:?}"),
            r#"[("A b", "x&y=z"), ("Secret", "[redacted]"), ("Key", "[redacted]"), ("Plain", "ü")]"#
        );
        let mut empty_value = Params::new();
        empty_value.push("Empty", "");
        assert_eq!(empty_value.encode(), "Empty=");
        assert_eq!(empty_value.pairs().count(), 1);
        assert_eq!(Params::new().pairs().count(), 0);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        let cases = [
            ("IS123", "IS123"),
            ("a#b", "a%23b"),
            ("a/b", "a%2Fb"),
            ("a b?c=d&e%", "a%20b%3Fc%3Dd%26e%25"),
            ("user@example.com", "user%40example.com"),
            ("ü", "%C3%BC"),
            ("aü-b€c", "a%C3%BC-b%E2%82%ACc"),
            ("", ""),
            ("-._~", "-._~"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_path_segment(input), expected, "{input}");
        }
    }

    #[test]
    fn request_builder_accumulates() {
        let mut q = Params::new();
        q.push("PageSize", 50_u32);
        let r = Request::new(
            Method::GET,
            "ListChannel",
            "/v2/Services/IS1/Channels".into(),
        )
        .query(q.clone())
        .query(q)
        .header("X-Twilio-Webhook-Enabled", "true")
        .page_key("channels")
        .options(RequestOptions::new().max_attempts(1));
        assert_eq!(r.query.encode(), "PageSize=50&PageSize=50");
        assert_eq!(r.operation_id(), "ListChannel");
        assert_eq!(r.options.max_attempts, Some(1));
    }

    #[test]
    fn path_params_are_encoded_and_checked() {
        let template = "/v2/Services/{ServiceSid}/Channels/{Sid}";
        let check = |sid: &str| {
            Request::with_path_params(
                Method::GET,
                "FetchChannel",
                template,
                &[("ServiceSid", "IS1"), ("Sid", sid)],
            )
        };
        let ok = check("a#b/c d");
        assert_eq!(ok.path(), "/v2/Services/IS1/Channels/a%23b%2Fc%20d");
        assert_eq!(ok.invalid, None);
        assert_eq!(check("...").invalid, None);
        for bad in ["", ".", ".."] {
            let reason = check(bad).invalid.unwrap_or_default();
            assert!(
                reason.contains("path parameter `Sid` must not be empty"),
                "{bad:?}: {reason}"
            );
        }
        let missing = Request::with_path_params(
            Method::GET,
            "FetchChannel",
            template,
            &[("ServiceSid", "IS1")],
        );
        assert_eq!(
            missing.invalid.as_deref(),
            Some("path parameter `Sid` has no value")
        );
        let plain = Request::with_path_params(Method::GET, "ListService", "/v2/Services", &[]);
        assert_eq!(plain.path(), "/v2/Services");
        assert_eq!(plain.invalid, None);
    }
}

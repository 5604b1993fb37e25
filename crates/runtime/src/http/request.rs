//! Describing one API call: [`Request`] (method, operation id, path, query, body, headers, options) and the
//! per-request [`RequestOptions`]. Its query and form body are [`Params`]; path parameters are percent-encoded
//! by [`encode_path_segment`](crate::encode_path_segment)(crate::encode_path_segment).

use std::time::Duration;

use reqwest::Method;

use crate::encode::fill_path;
use crate::http::params::Params;

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
    /// `/v2/Services/IS123/Channels`, built with [`encode_path_segment`](crate::encode_path_segment) for each parameter. The path is
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
    /// of `Name` in `params` (see [`encode_path_segment`](crate::encode_path_segment)).
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
            Body::Form(params) if params.has_sensitive() => Some(params.encode_redacted()),
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

#[cfg(test)]
mod tests {
    use super::*;

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

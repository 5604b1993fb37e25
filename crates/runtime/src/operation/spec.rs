//! The static table of one operation: [`OperationSpec`] (operation id, method, path template, options) and its
//! [`ParamSpec`]s (wire name, place [`In`], whether secret), in description order. Generated code writes one
//! `static` per operation; the facts a call needs often (room to reserve, whether names need escaping, which
//! places are used) are computed once, in `const` context, by [`OperationSpec::new`].

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

/// The static description of one operation that generated code hands to [`Call`](super::Call). The `{Name}` placeholders of
/// `path` take the values of the [`Scope`](super::Scope) in order, except those named by an [`In::AccountPath`] parameter.
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
    pub(super) text_hint: usize,
    /// Whether a parameter is an [`In::AccountPath`] one.
    pub(super) account_path: bool,
    /// Whether every wire name is made of unreserved characters only (written without percent-encoding).
    pub(super) plain_names: bool,
    /// Whether a parameter goes in the query string.
    pub(super) has_query: bool,
    /// Whether a parameter goes in a form body.
    pub(super) has_form: bool,
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
    /// `new` for a `GET`.
    pub const fn get(id: &'static str, path: &'static str, params: &'static [ParamSpec]) -> Self {
        Self::new(reqwest::Method::GET, id, path, params)
    }

    /// `new` for a `POST`.
    pub const fn post(id: &'static str, path: &'static str, params: &'static [ParamSpec]) -> Self {
        Self::new(reqwest::Method::POST, id, path, params)
    }

    /// `new` for a `DELETE`.
    pub const fn delete(
        id: &'static str,
        path: &'static str,
        params: &'static [ParamSpec],
    ) -> Self {
        Self::new(reqwest::Method::DELETE, id, path, params)
    }

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

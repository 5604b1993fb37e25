//! The scenario file format: one JSON document per scenario, read with serde.
//!
//! A scenario names one call of the generated client (operationId and arguments by wire name), the client options
//! to build it with, and the ordered HTTP exchanges the call must perform. See the crate README for the reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Placeholder for the mock server's base URL (`http://127.0.0.1:<port>`), substituted in response bodies and headers.
pub const BASE_URL_PLACEHOLDER: &str = "{{base_url}}";
/// Placeholder for a second mock server's base URL: a host the client must never contact.
pub const OTHER_BASE_URL_PLACEHOLDER: &str = "{{other_base_url}}";
/// A header value that only requires the header to be present (what the recorder writes for `Authorization`).
pub const REDACTED: &str = "[redacted]";
/// The account SID written by the recorder with `--redact-account`.
pub const REDACTED_ACCOUNT_SID: &str = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
/// Account SID of the default credentials.
pub const DEFAULT_ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// Auth token of the default credentials.
pub const DEFAULT_AUTH_TOKEN: &str = "test_auth_token";

/// One scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable name, used in failure messages (the file name without `.json` by convention).
    pub name: String,
    /// What the scenario proves.
    #[serde(default)]
    pub description: String,
    /// How to build the client.
    #[serde(default)]
    pub client: ClientOptions,
    /// The call to make through the generated client.
    pub call: Call,
    /// The HTTP exchanges the call must perform, in order.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
}

/// Options for building the client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOptions {
    /// Credentials; the default is an account SID and auth token pair (`DEFAULT_ACCOUNT_SID`, `DEFAULT_AUTH_TOKEN`).
    #[serde(default)]
    pub credentials: CredentialsSpec,
    /// `region` passed to the builder (the mock base URL is never rewritten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `edge` passed to the builder (the mock base URL is never rewritten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<String>,
    /// Retry policy; absent: the runtime's default policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Per-request options passed to the operation builder's `request_options`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_options: Option<RequestOptionsSpec>,
}

/// Where the client's credentials come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CredentialsSpec {
    /// Account SID and auth token.
    AuthToken {
        /// `AC...`
        account_sid: String,
        /// The account's auth token.
        auth_token: String,
    },
    /// API key SID and secret (plus the account SID).
    ApiKey {
        /// `AC...`
        account_sid: String,
        /// `SK...`
        api_key_sid: String,
        /// The key's secret.
        api_key_secret: String,
    },
    /// The variables `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_API_KEY`, `TWILIO_API_SECRET`,
    /// `TWILIO_REGION` and `TWILIO_EDGE` as the environment would hold them; the harness never mutates the process
    /// environment and resolves them the way `Credentials::from_env` documents.
    FromEnv {
        /// Variable name to value.
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// No credentials at all: building the client must fail before any request.
    None,
}

impl Default for CredentialsSpec {
    fn default() -> Self {
        CredentialsSpec::AuthToken {
            account_sid: DEFAULT_ACCOUNT_SID.to_owned(),
            auth_token: DEFAULT_AUTH_TOKEN.to_owned(),
        }
    }
}

/// Retry policy options (`RetryPolicy::new()` plus these).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Total attempts, the first included; `1` disables retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// Also retry POST requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_non_idempotent: Option<bool>,
    /// First backoff in milliseconds (before jitter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_backoff_ms: Option<u64>,
    /// Backoff cap in milliseconds; `0` makes every backoff wait 0 ms, so recorded waits are deterministic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_backoff_ms: Option<u64>,
    /// Longest `Retry-After` the client waits for, in milliseconds; beyond it the error is returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retry_after_ms: Option<u64>,
}

/// Per-request options (`RequestOptions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestOptionsSpec {
    /// Timeout in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Total attempts for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// Retry this request even when it is a POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_non_idempotent: Option<bool>,
}

/// The call to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The API the operation belongs to; Chat v2 when absent.
    #[serde(default, skip_serializing_if = "Product::is_chat_v2")]
    pub product: Product,
    /// operationId from the description, e.g. `CreateMessage`.
    pub operation: String,
    /// Arguments by wire name: path parameters (`ServiceSid`, `Sid`), query and form parameters (`FriendlyName`,
    /// `Configuration.Url`), and the `X-Twilio-Webhook-Enabled` header. Values are strings, numbers, booleans, or
    /// arrays of strings for array parameters.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// `send` (one request, or one page for lists) or `stream` (lists only: every record, page after page).
    #[serde(default)]
    pub mode: Mode,
    /// With `stream`: stop after this many records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// The API of a call: one per description, each with its own generated dispatch over the same client settings.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    /// Programmable Chat v2 and the Media Content Service (`spec/chat-v2.json`).
    #[default]
    ChatV2,
    /// Programmable Chat v3 (`spec/chat-v3.json`), through `client.v3()`.
    ChatV3,
    /// Conversations v1 (`spec/conversations-v1.json`).
    ConversationsV1,
}

impl Product {
    /// Every product.
    pub const ALL: [Product; 3] = [Product::ChatV2, Product::ChatV3, Product::ConversationsV1];

    /// Whether this is the default, Chat v2 (scenario files leave it out).
    pub fn is_chat_v2(&self) -> bool {
        *self == Product::ChatV2
    }

    /// The name scenario files use (`conversations-v1`).
    pub fn name(self) -> &'static str {
        match self {
            Product::ChatV2 => "chat-v2",
            Product::ChatV3 => "chat-v3",
            Product::ConversationsV1 => "conversations-v1",
        }
    }
}

/// How a call is made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `builder.send()`: the parsed record, `()` for deletes, or one page for lists.
    #[default]
    Send,
    /// `builder.limit(n).stream()`: every record, following `next_page_url`.
    Stream,
}

/// One expected request and the response the mock gives to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// What the client must send.
    pub request: ExpectedRequest,
    /// What the mock answers.
    pub response: RecordedResponse,
    /// How many times in a row this exact request must arrive (retries); default 1, 0 means never.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The request the client must send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// The path as sent on the wire (percent-encoded), without the query.
    pub path: String,
    /// Query pairs as decoded from the URL, compared as a multiset: `[["PageSize", "2"]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Form pairs as decoded from the body, compared as a multiset; an empty list means no form pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<(String, String)>,
    /// A JSON body, compared as a JSON value (key order and spacing do not matter); replaces the `form` check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A raw body (an upload), compared as text byte for byte; replaces the `form` check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// Headers that must be present with exactly this value (names case-insensitive); the value `[redacted]` only
    /// requires presence.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Headers that must not be sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent_headers: Vec<String>,
}

/// The response the mock gives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (`Content-Type: application/json` is added when `body` is set and no content type is).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body; `null` or absent means no body unless `body_text` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A raw body (HTML, truncated JSON, ...), sent as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

impl Scenario {
    /// Parses a scenario file's text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Pretty JSON with a trailing newline, as scenario files are written.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl RecordedResponse {
    /// The body bytes to send, placeholders not yet substituted.
    pub fn body_bytes(&self) -> Option<String> {
        if let Some(text) = &self.body_text {
            return Some(text.clone());
        }
        match &self.body {
            None | Some(Value::Null) => None,
            Some(value) => Some(serde_json::to_string(value).unwrap_or_default()),
        }
    }
}

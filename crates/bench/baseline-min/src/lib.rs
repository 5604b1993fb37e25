//! The cold-build baseline of `cargo xtask bench`: a minimal, one-file, hand-written client for a few Chat v2
//! operations (services, channels, messages) on reqwest 0.12 with the same rustls-on-ring TLS stack as
//! `twilio-rest-runtime`, serde and tokio. It is what a developer writes in an afternoon instead of using the
//! generated client: no retries, no region/edge, no typed enums, dates kept as text. Its only purpose is to be
//! built from scratch next to `twilio-chat-v2`; nothing runs it.

use serde::Deserialize;
use std::time::Duration;

/// Twilio's Chat v2 host.
pub const BASE_URL: &str = "https://chat.twilio.com";

/// A Chat service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    /// `IS...` identifier.
    pub sid: Option<String>,
    /// Display name.
    pub friendly_name: Option<String>,
    /// Creation time (ISO 8601 text).
    pub date_created: Option<String>,
}

/// A channel of a service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Channel {
    /// `CH...` identifier.
    pub sid: Option<String>,
    /// Display name.
    pub friendly_name: Option<String>,
    /// Unique name.
    pub unique_name: Option<String>,
    /// Number of messages.
    pub messages_count: Option<i64>,
}

/// A message of a channel.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    /// `IM...` identifier.
    pub sid: Option<String>,
    /// Author identity.
    pub from: Option<String>,
    /// Text.
    pub body: Option<String>,
    /// Position in the channel.
    pub index: Option<i64>,
    /// JSON text of application attributes.
    pub attributes: Option<String>,
    /// Creation time (ISO 8601 text).
    pub date_created: Option<String>,
    /// Media descriptor, when any.
    pub media: Option<serde_json::Value>,
}

/// Page metadata.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    /// Absolute URL of the next page, when any.
    pub next_page_url: Option<String>,
}

/// A page of messages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MessagePage {
    /// Records.
    pub messages: Vec<Message>,
    /// Links.
    pub meta: Meta,
}

/// Errors: transport, or a non-2xx answer with Twilio's code and message.
#[derive(Debug)]
pub enum Error {
    /// reqwest failed (connect, TLS, timeout, decode).
    Http(reqwest::Error),
    /// Twilio answered with an error status.
    Api {
        /// HTTP status.
        status: u16,
        /// Twilio error code.
        code: Option<i64>,
        /// Twilio error message.
        message: Option<String>,
    },
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Self::Http(e)
    }
}

/// The client: one reqwest pool, basic auth with an account SID and auth token.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    account_sid: String,
    auth_token: String,
}

impl Client {
    /// A client for `base` (normally [`BASE_URL`]).
    pub fn new(base: &str, account_sid: &str, auth_token: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
        })
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Error> {
        let response = request
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .header("Accept", "application/json")
            .send()
            .await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        if !(200..300).contains(&status) {
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(Error::Api {
                status,
                code: body.get("code").and_then(serde_json::Value::as_i64),
                message: body
                    .get("message")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::Api {
            status,
            code: None,
            message: Some(e.to_string()),
        })
    }

    /// `POST /v2/Services`.
    pub async fn create_service(&self, friendly_name: &str) -> Result<Service, Error> {
        let url = format!("{}/v2/Services", self.base);
        self.send(
            self.http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form(&[("FriendlyName", friendly_name)])),
        )
        .await
    }

    /// `GET /v2/Services/{sid}`.
    pub async fn fetch_service(&self, sid: &str) -> Result<Service, Error> {
        let url = format!("{}/v2/Services/{sid}", self.base);
        self.send(self.http.get(url)).await
    }

    /// `POST /v2/Services/{service}/Channels`.
    pub async fn create_channel(
        &self,
        service: &str,
        friendly_name: &str,
        unique_name: &str,
    ) -> Result<Channel, Error> {
        let url = format!("{}/v2/Services/{service}/Channels", self.base);
        let body = form(&[("FriendlyName", friendly_name), ("UniqueName", unique_name)]);
        self.send(
            self.http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await
    }

    /// `POST /v2/Services/{service}/Channels/{channel}/Messages`.
    pub async fn create_message(
        &self,
        service: &str,
        channel: &str,
        from: &str,
        body: &str,
    ) -> Result<Message, Error> {
        let url = format!(
            "{}/v2/Services/{service}/Channels/{channel}/Messages",
            self.base
        );
        self.send(
            self.http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form(&[("From", from), ("Body", body)])),
        )
        .await
    }

    /// Every message of a channel, page after page, passed to `each`; returns how many were seen.
    pub async fn for_each_message(
        &self,
        service: &str,
        channel: &str,
        mut each: impl FnMut(Message),
    ) -> Result<u64, Error> {
        let mut url = format!(
            "{}/v2/Services/{service}/Channels/{channel}/Messages?PageSize=100",
            self.base
        );
        let mut seen = 0;
        loop {
            let page: MessagePage = self.send(self.http.get(&url)).await?;
            for message in page.messages {
                seen += 1;
                each(message);
            }
            match page.meta.next_page_url {
                Some(next) => url = next,
                None => return Ok(seen),
            }
        }
    }
}

/// `application/x-www-form-urlencoded` without a form crate.
fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        escape(key, &mut out);
        out.push('=');
        escape(value, &mut out);
    }
    out
}

fn escape(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_escapes_reserved_bytes() {
        assert_eq!(
            super::form(&[("Body", "a b&c=é"), ("From", "x")]),
            "Body=a%20b%26c%3D%C3%A9&From=x"
        );
    }
}

//! The runtime baseline: a minimal hand-written reqwest + serde client for the same operations, decoding into
//! structs with the same field types as the generated models (so both sides parse dates and keep JSON values),
//! and form-encoding with `url::form_urlencoded`.

use crate::fixtures::{
    ACCOUNT_SID, AUTH_TOKEN, CHANNEL_SID, CreateMessageInput, SERVICE_SID, UpdateServiceInput,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

/// A message, with the generated `Message`'s fields and types.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    /// `sid`.
    pub sid: Option<String>,
    /// `account_sid`.
    pub account_sid: Option<String>,
    /// `attributes` (JSON text).
    pub attributes: Option<String>,
    /// `service_sid`.
    pub service_sid: Option<String>,
    /// `to`.
    pub to: Option<String>,
    /// `channel_sid`.
    pub channel_sid: Option<String>,
    /// `date_created`.
    pub date_created: Option<DateTime<Utc>>,
    /// `date_updated`.
    pub date_updated: Option<DateTime<Utc>>,
    /// `last_updated_by`.
    pub last_updated_by: Option<String>,
    /// `was_edited`.
    pub was_edited: Option<bool>,
    /// `from`.
    pub from: Option<String>,
    /// `body`.
    pub body: Option<String>,
    /// `index`.
    pub index: Option<i64>,
    /// `type`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// `media`.
    pub media: Option<serde_json::Value>,
    /// `url`.
    pub url: Option<String>,
}

/// Page links.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    /// `page`.
    pub page: Option<u64>,
    /// `page_size`.
    pub page_size: Option<u64>,
    /// `first_page_url`.
    pub first_page_url: Option<String>,
    /// `previous_page_url`.
    pub previous_page_url: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `next_page_url`.
    pub next_page_url: Option<String>,
    /// `key`.
    pub key: Option<String>,
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

/// The service fields a hand-written client would keep.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    /// `sid`.
    pub sid: Option<String>,
    /// `friendly_name`.
    pub friendly_name: Option<String>,
    /// `date_updated`.
    pub date_updated: Option<DateTime<Utc>>,
    /// `webhook_filters`.
    pub webhook_filters: Option<Vec<String>>,
}

/// Errors of the hand-written client.
#[derive(Debug)]
pub enum Error {
    /// Transport.
    Http(reqwest::Error),
    /// Non-2xx status.
    Status(u16),
    /// Body did not decode.
    Decode(serde_json::Error),
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Self::Http(e)
    }
}

/// One reqwest pool, basic auth.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client for `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Result<Self, Error> {
        Ok(Self {
            http: reqwest::Client::builder().build()?,
            base: base.to_owned(),
        })
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Error> {
        let response = request
            .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
            .header("Accept", "application/json")
            .send()
            .await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        if !(200..300).contains(&status) {
            return Err(Error::Status(status));
        }
        serde_json::from_slice(&bytes).map_err(Error::Decode)
    }

    /// Fetches one page by absolute URL.
    pub async fn message_page(&self, url: &str) -> Result<MessagePage, Error> {
        self.send(self.http.get(url)).await
    }

    /// Streams every message of the benchmark channel page by page (following `meta.next_page_url`), passing each
    /// to `each`; returns the count.
    pub async fn for_each_message(&self, mut each: impl FnMut(Message)) -> Result<u64, Error> {
        let mut url = crate::fixtures::page_url(&self.base, 0);
        let mut seen = 0;
        loop {
            let page = self.message_page(&url).await?;
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

    /// `POST` the form of [`encode_create_message`].
    pub async fn create_message(&self, input: &CreateMessageInput) -> Result<Message, Error> {
        let url = format!(
            "{}/v2/Services/{SERVICE_SID}/Channels/{CHANNEL_SID}/Messages",
            self.base
        );
        self.send(
            self.http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Webhook-Enabled", "true")
                .body(encode_create_message(input)),
        )
        .await
    }

    /// `POST` the form of [`encode_update_service`].
    pub async fn update_service(&self, input: &UpdateServiceInput) -> Result<Service, Error> {
        let url = format!("{}/v2/Services/{SERVICE_SID}", self.base);
        self.send(
            self.http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encode_update_service(input)),
        )
        .await
    }
}

fn date(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The `CreateMessage` form, every parameter set, with `url::form_urlencoded`.
pub fn encode_create_message(input: &CreateMessageInput) -> String {
    url::form_urlencoded::Serializer::new(String::with_capacity(256))
        .append_pair("From", input.from)
        .append_pair("Attributes", input.attributes)
        .append_pair("DateCreated", &date(&input.chrono_created))
        .append_pair("DateUpdated", &date(&input.chrono_updated))
        .append_pair("LastUpdatedBy", input.last_updated_by)
        .append_pair("Body", input.body)
        .append_pair("MediaSid", input.media_sid)
        .finish()
}

/// The `UpdateService` form, every parameter set, with `url::form_urlencoded`.
pub fn encode_update_service(input: &UpdateServiceInput) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::with_capacity(1024));
    for (key, value) in input.texts {
        form.append_pair(key, value);
    }
    for (key, value) in input.bools {
        form.append_pair(key, if value { "true" } else { "false" });
    }
    for (key, value) in input.ints {
        form.append_pair(key, &value.to_string());
    }
    form.append_pair("WebhookMethod", input.webhook_method);
    for value in input.webhook_filters {
        form.append_pair("WebhookFilters", value);
    }
    form.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn hand_written_page_decodes_the_fixture() {
        let body = fixtures::page_body("http://127.0.0.1:1", 0, 1);
        let page: MessagePage = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(page.messages.len(), fixtures::PAGE_SIZE);
        assert!(page.messages[3].date_created.is_some());
        assert_eq!(page.meta.next_page_url, None);
    }

    #[test]
    fn forms_carry_every_parameter() {
        let create = encode_create_message(&fixtures::create_message_input());
        assert_eq!(url::form_urlencoded::parse(create.as_bytes()).count(), 7);
        assert!(create.contains("DateCreated=2026-01-02T03%3A04%3A05Z"));
        let update = encode_update_service(&fixtures::update_service_input());
        assert_eq!(
            url::form_urlencoded::parse(update.as_bytes()).count(),
            15 + 8 + 6 + 1 + 3
        );
    }
}

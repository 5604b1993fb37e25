//! Sending a media message in one call ([`Client::send_media_message`], [`SendMediaMessage`]) and downloading a
//! media file ([`Client::download_media`], [`Client::download_media_record`]).

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use twilio_chat_v2_models as models;
use twilio_rest_runtime::{Download, FileLinks, UploadBody};

use super::{MEDIA_ALREADY_ATTACHED, MEDIA_BASE_URL, MediaError};
use crate::Client;

/// Uploads a file and posts the message that carries it; made by [`Client::send_media_message`]. Set the optional
/// parts, then `.send()` or `.await` it.
#[derive(Debug)]
#[must_use = "nothing is uploaded until it is sent with `.send()` or `.await`"]
pub struct SendMediaMessage {
    client: Client,
    service_sid: models::ServiceSid,
    channel: models::Key<'C', 'H'>,
    content_type: String,
    body: UploadBody,
    filename: Option<String>,
    from: Option<String>,
    attributes: Option<String>,
    text: Option<String>,
    size_limit: SizeLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeLimit {
    Unchecked,
    Known(u64),
    FromService,
}

impl Client {
    /// Uploads `body` (with its media type `content_type`, such as `image/png`) to the service's media store, then
    /// posts a message carrying it to the channel (`CreateMessage` with `MediaSid`), and returns that message.
    /// The channel is its SID or its unique name.
    ///
    /// The upload is sent once, never retried (see the [module notes](crate::media#what-is-retried-and-why)).
    pub fn send_media_message(
        &self,
        service_sid: &models::ServiceSid,
        channel: impl Into<models::Key<'C', 'H'>>,
        content_type: impl Into<String>,
        body: impl Into<UploadBody>,
    ) -> SendMediaMessage {
        SendMediaMessage {
            client: self.clone(),
            service_sid: service_sid.clone(),
            channel: channel.into(),
            content_type: content_type.into(),
            body: body.into(),
            filename: None,
            from: None,
            attributes: None,
            text: None,
            size_limit: SizeLimit::Unchecked,
        }
    }

    /// Downloads the file of media `media_sid` as a byte stream: fetches its record, then follows its temporary
    /// link without credentials (refreshing it once when it has expired), or its authenticated content link.
    pub async fn download_media(
        &self,
        service_sid: &models::ServiceSid,
        media_sid: &models::MediaSid,
    ) -> Result<Download, MediaError> {
        let record = self
            .service(service_sid)
            .media_instance(media_sid)
            .fetch()
            .await
            .map_err(MediaError::from)?;
        self.download_media_record(service_sid, &record).await
    }

    /// Downloads the file of a media record already at hand (from an upload, a fetch or a `MediaSet` look-up):
    /// its temporary link without credentials, fetching the record again once when that link has expired, else its
    /// authenticated content link.
    pub async fn download_media_record(
        &self,
        service_sid: &models::ServiceSid,
        record: &models::Media,
    ) -> Result<Download, MediaError> {
        let links = file_links(record);
        let sid = record.sid.clone();
        let service = self.service(service_sid);
        let refresh = || async move {
            let fresh = service.media_instance(&sid).fetch().await?;
            Ok(file_links(&fresh))
        };
        self.runtime()
            .download_links("FetchMediaContent", MEDIA_BASE_URL, links, refresh)
            .await
            .map_err(MediaError::from)
    }
}

impl SendMediaMessage {
    /// File name to record with the media (the `Filename` of the upload).
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }

    /// Identity shown as the message's author (`From`; `system` when not set).
    pub fn from(mut self, identity: impl Into<String>) -> Self {
        self.from = Some(identity.into());
        self
    }

    /// Application metadata of the message, as JSON text (`Attributes`).
    pub fn attributes(mut self, json: impl Into<String>) -> Self {
        self.attributes = Some(json.into());
        self
    }

    /// Text sent with the file (`Body` of the message).
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Refuses, before uploading anything, a file whose known length exceeds `megabytes` (the service's
    /// `media.size_limit_mb`), with [`MediaError::TooLarge`].
    pub fn size_limit_mb(mut self, megabytes: u64) -> Self {
        self.size_limit = SizeLimit::Known(megabytes);
        self
    }

    /// Fetches the service first and refuses, before uploading anything, a file whose known length exceeds its
    /// `media.size_limit_mb`, with [`MediaError::TooLarge`]. One more request; without it, the service's own
    /// refusal (`413`) gives the same error after the upload.
    pub fn check_service_size_limit(mut self) -> Self {
        self.size_limit = SizeLimit::FromService;
        self
    }

    /// Uploads the file, then posts the message; returns the message.
    pub async fn send(self) -> Result<models::Message, MediaError> {
        let service = self.client.service(&self.service_sid);
        let limit_mb = match self.size_limit {
            SizeLimit::Unchecked => None,
            SizeLimit::Known(mb) => Some(mb),
            SizeLimit::FromService => service_size_limit_mb(&service.fetch().await?),
        };
        let size = self.body.length();
        if let (Some(limit), Some(size)) = (limit_mb, size)
            && size > limit.saturating_mul(1024 * 1024)
        {
            return Err(MediaError::TooLarge {
                size: Some(size),
                limit_mb: Some(limit),
                error: None,
            });
        }
        let mut upload = service.media().create(self.content_type, self.body);
        if let Some(name) = self.filename {
            upload = upload.filename(name);
        }
        let media = upload
            .await
            .map_err(|error| match MediaError::from(error) {
                MediaError::TooLarge { error, .. } => MediaError::TooLarge {
                    size,
                    limit_mb,
                    error,
                },
                other => other,
            })?;
        let media_sid = media.sid.clone();
        let mut create = service
            .channel(self.channel)
            .messages()
            .create()
            .media_sid(&media_sid);
        if let Some(from) = self.from {
            create = create.from(from);
        }
        if let Some(attributes) = self.attributes {
            create = create.attributes(attributes);
        }
        if let Some(text) = self.text {
            create = create.body(text);
        }
        create.await.map_err(|error| {
            if error.code() == Some(MEDIA_ALREADY_ATTACHED) {
                MediaError::AlreadyAttached {
                    media_sid: Some(media_sid),
                    error,
                }
            } else {
                MediaError::MessageNotCreated {
                    media: Box::new(media),
                    error,
                }
            }
        })
    }
}

impl IntoFuture for SendMediaMessage {
    type Output = Result<models::Message, MediaError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The download links of a media record.
fn file_links(record: &models::Media) -> FileLinks {
    let links = record.links.as_ref();
    FileLinks::new(
        links.and_then(|l| l.content_direct_temporary.clone()),
        links.and_then(|l| l.content.clone()),
    )
}

/// `media.size_limit_mb` of a service, when it says.
fn service_size_limit_mb(service: &models::Service) -> Option<u64> {
    service
        .media
        .as_ref()
        .and_then(|media| media.get("size_limit_mb"))
        .and_then(|limit| {
            limit
                .as_u64()
                .or_else(|| limit.as_str().and_then(|s| s.trim().parse().ok()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn size_limit_is_read_from_the_service() {
        let service = |media: serde_json::Value| -> models::Service {
            serde_json::from_value(json!({
                "sid": "IS1", "account_sid": "AC1", "friendly_name": "Support",
                "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
                "url": "https://chat.twilio.com/v2/Services/IS1", "links": {}, "media": media
            }))
            .unwrap()
        };
        assert_eq!(
            service_size_limit_mb(&service(json!({"size_limit_mb": 150}))),
            Some(150)
        );
        assert_eq!(
            service_size_limit_mb(&service(json!({"size_limit_mb": "20"}))),
            Some(20)
        );
        assert_eq!(service_size_limit_mb(&service(json!({}))), None);
        assert_eq!(service_size_limit_mb(&service(json!(null))), None);
    }
}

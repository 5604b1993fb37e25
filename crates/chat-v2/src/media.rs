//! Media messages in one call, on top of the generated Media Content Service operations.
//!
//! A Chat v2 message can carry one file. The file goes to the Media Content Service (MCS, `mcs.us1.twilio.com`, with
//! the client's region and edge applied), and the message names it by its Media SID. The generated operations do each
//! step (`client.service(sid).media().create(..)`, `.media_instance(sid).fetch()`, `.media_instance(sid).content()`,
//! `.media_set().create(..)`); this module adds what a description cannot say:
//!
//! - [`Client::send_media_message`]: upload a file, then post the message that carries it, returning the message;
//! - [`Client::download_media`] and [`Client::download_media_record`]: download a file safely (the short-lived
//!   pre-signed link without any credential, one refresh when it has expired, then the authenticated content link;
//!   see [`runtime::Client::download_links`](crate::runtime::Client::download_links));
//! - [`MediaError`]: typed outcomes for a Media SID that is already attached to a message (Twilio error 50508), a
//!   file over the service's size limit (HTTP 413, or the limit checked before uploading), and a message that could
//!   not be posted after its file was stored;
//! - [`MessageMedia`]: the `media` object of a media message, typed.
//!
//! # What is retried, and why
//!
//! Uploads are sent once, never retried, whatever the retry policy: a streamed body cannot be replayed, and an
//! upload that reached the service before failing may have stored the file, so a second attempt could leave a
//! second media record. When posting the message fails after the upload, [`MediaError::MessageNotCreated`] hands
//! back the stored media so the message can be posted again with its SID, without uploading again. Fetching media
//! records follows the client's retry policy like every `GET`.
//!
//! ```no_run
//! use futures_util::TryStreamExt as _;
//! use twilio_chat_v2::media::{MediaError, MessageMedia};
//! use twilio_chat_v2::runtime::UploadBody;
//! use twilio_chat_v2::{Client, models};
//!
//! # async fn run(client: Client) -> Result<(), MediaError> {
//! let (service, channel) = ("IS00000000000000000000000000000000", "general");
//!
//! // Upload a file and post it, in one call.
//! let message = client
//!     .send_media_message(service, channel, "image/png", UploadBody::from_path("floor-plan.png").await?)
//!     .filename("floor-plan.png")
//!     .from("ana@example.com")
//!     .await?;
//! println!("posted {:?}", message.sid);
//!
//! // Download every file of the channel's media messages.
//! let mut messages = client.service(service).channel(channel).messages().list().stream();
//! while let Some(message) = messages.try_next().await? {
//!     let Some(media) = MessageMedia::of(&message) else { continue };
//!     let download = client.download_media(service, &media.sid).await?;
//!     let name = media.filename.unwrap_or_else(|| media.sid.clone());
//!     download.save(format!("downloads/{name}")).await?;
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use twilio_chat_v2_models as models;
use twilio_rest_runtime::{Download, Error, FileLinks, MemberKey, UploadBody};

use crate::Client;

/// The Media Content Service's default base URL (before the client's region and edge are applied): the server
/// the description gives the media operations, [`crate::MCS_BASE_URL`].
pub const MEDIA_BASE_URL: &str = crate::MCS_BASE_URL;

/// Twilio's error code for a Media SID that is already attached to a message.
pub const MEDIA_ALREADY_ATTACHED: i64 = 50508;

/// What can go wrong with a media message, with the cases worth handling apart typed.
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaError {
    /// The Media SID is already attached to a message (Twilio error 50508): a file can be sent in one message only.
    AlreadyAttached {
        /// The Media SID that was refused, when known.
        media_sid: Option<String>,
        /// Twilio's answer.
        error: Error,
    },
    /// The file is larger than the service accepts: the service answered `413 Payload Too Large`, or the size
    /// was checked against a known limit before anything was uploaded (then `error` is `None`).
    TooLarge {
        /// Size of the file in bytes, when known.
        size: Option<u64>,
        /// The service's limit in megabytes (`media.size_limit_mb`), when known.
        limit_mb: Option<u64>,
        /// Twilio's answer, when the service refused the upload.
        error: Option<Error>,
    },
    /// The file was stored, but the message carrying it could not be posted. The upload is not repeated: post a
    /// message with `media.sid` as its `MediaSid` to try again.
    MessageNotCreated {
        /// The stored media.
        media: Box<models::Media>,
        /// Why the message was not created.
        error: Error,
    },
    /// Any other failure (transport, authentication, a missing link, ...).
    Other(Error),
}

/// The `media` object of a media message (`type: media`): the attached file's SID, media type, name and size.
///
/// Read from a JSON object: `sid` is required, the other members may be missing or `null`, other members are
/// ignored, a repeated member is an error. An array of the members in this order is read too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MessageMedia {
    /// Media SID (`ME...`).
    pub sid: String,
    /// Media type of the file.
    pub content_type: Option<String>,
    /// File name, when one was given at upload.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
}

/// The members of [`MessageMedia`], in the order an array lists them.
const MEDIA_MEMBERS: &[&str] = &["sid", "content_type", "filename", "size"];

impl<'de> Deserialize<'de> for MessageMedia {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("MessageMedia", MEDIA_MEMBERS, MessageMediaVisitor)
    }
}

struct MessageMediaVisitor;

impl<'de> Visitor<'de> for MessageMediaVisitor {
    type Value = MessageMedia;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct MessageMedia")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MessageMedia, A::Error> {
        let mut sid = None;
        let (mut content_type, mut filename, mut size) = (None, None, None);
        while let Some(member) = map.next_key_seed(MemberKey(MEDIA_MEMBERS))? {
            match member {
                Some(0) => set(&mut sid, &mut map, 0)?,
                Some(1) => set(&mut content_type, &mut map, 1)?,
                Some(2) => set(&mut filename, &mut map, 2)?,
                Some(_) => set(&mut size, &mut map, 3)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(MessageMedia {
            sid: sid.ok_or_else(|| A::Error::missing_field("sid"))?,
            content_type: content_type.flatten(),
            filename: filename.flatten(),
            size: size.flatten(),
        })
    }

    /// The members in order; `sid` is required, missing trailing members are absent.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MessageMedia, A::Error> {
        let sid = seq
            .next_element::<String>()?
            .ok_or_else(|| A::Error::invalid_length(0, &"struct MessageMedia with 4 elements"))?;
        let content_type = seq.next_element()?.flatten();
        let filename = seq.next_element()?.flatten();
        let size = seq.next_element()?.flatten();
        Ok(MessageMedia {
            sid,
            content_type,
            filename,
            size,
        })
    }
}

/// Reads the value of member `index` of [`MEDIA_MEMBERS`] into `slot`; an error when it was already read.
fn set<'de, A: MapAccess<'de>, V: Deserialize<'de>>(
    slot: &mut Option<V>,
    map: &mut A,
    index: usize,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(MEDIA_MEMBERS[index]));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Uploads a file and posts the message that carries it; made by [`Client::send_media_message`]. Set the optional
/// parts, then `.send()` or `.await` it.
#[derive(Debug)]
#[must_use = "nothing is uploaded until it is sent with `.send()` or `.await`"]
pub struct SendMediaMessage {
    client: Client,
    service_sid: String,
    channel_sid: String,
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
    ///
    /// The upload is sent once, never retried (see the [module notes](crate::media#what-is-retried-and-why)).
    pub fn send_media_message(
        &self,
        service_sid: impl Into<String>,
        channel_sid: impl Into<String>,
        content_type: impl Into<String>,
        body: impl Into<UploadBody>,
    ) -> SendMediaMessage {
        SendMediaMessage {
            client: self.clone(),
            service_sid: service_sid.into(),
            channel_sid: channel_sid.into(),
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
        service_sid: &str,
        media_sid: &str,
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
        service_sid: &str,
        record: &models::Media,
    ) -> Result<Download, MediaError> {
        let links = file_links(record);
        let sid = record.sid.clone().unwrap_or_default();
        let service = self.service(service_sid);
        let refresh = || async move {
            if sid.is_empty() {
                return Ok(FileLinks::default());
            }
            let fresh = service.media_instance(sid).fetch().await?;
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
        let media_sid = media.sid.clone().unwrap_or_default();
        let mut create = service
            .channel(&self.channel_sid)
            .messages()
            .create()
            .media_sid(media_sid.clone());
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

impl MessageMedia {
    /// The media of `message`, when it is a media message whose `media` object names a SID.
    pub fn of(message: &models::Message) -> Option<Self> {
        message
            .media
            .as_ref()
            .and_then(|media| serde_json::from_value::<Self>(media.clone()).ok())
            .filter(|media| !media.sid.is_empty())
    }
}

impl MediaError {
    /// The underlying client error, when there is one.
    pub fn error(&self) -> Option<&Error> {
        match self {
            MediaError::AlreadyAttached { error, .. }
            | MediaError::MessageNotCreated { error, .. }
            | MediaError::Other(error) => Some(error),
            MediaError::TooLarge { error, .. } => error.as_ref(),
        }
    }
}

/// Classifies a client error: 50508 is [`MediaError::AlreadyAttached`], 413 is [`MediaError::TooLarge`], anything
/// else [`MediaError::Other`]. Use it on errors of the generated operations too (`CreateMessage` with `MediaSid`).
impl From<Error> for MediaError {
    fn from(error: Error) -> Self {
        if error.code() == Some(MEDIA_ALREADY_ATTACHED) {
            MediaError::AlreadyAttached {
                media_sid: None,
                error,
            }
        } else if error.status() == Some(413) {
            MediaError::TooLarge {
                size: None,
                limit_mb: None,
                error: Some(error),
            }
        } else {
            MediaError::Other(error)
        }
    }
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::AlreadyAttached { media_sid, error } => {
                write!(f, "media ")?;
                if let Some(sid) = media_sid {
                    write!(f, "{sid} ")?;
                }
                write!(f, "is already attached to a message: {error}")
            }
            MediaError::TooLarge {
                size,
                limit_mb,
                error,
            } => {
                write!(f, "the file")?;
                if let Some(size) = size {
                    write!(f, " ({size} bytes)")?;
                }
                write!(f, " is larger than the service accepts")?;
                if let Some(limit) = limit_mb {
                    write!(f, " ({limit} MB)")?;
                }
                if let Some(error) = error {
                    write!(f, ": {error}")?;
                }
                Ok(())
            }
            MediaError::MessageNotCreated { media, error } => write!(
                f,
                "media {} was stored but the message was not created: {error}",
                media.sid.as_deref().unwrap_or("(no SID)")
            ),
            MediaError::Other(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for MediaError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error()
            .map(|e| e as &(dyn std::error::Error + 'static))
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
    fn message_media_is_read_from_media_messages_only() {
        let message: models::Message = serde_json::from_value(json!({
            "type": "media",
            "media": {"sid": "ME1", "content_type": "image/png", "filename": "a.png", "size": 12}
        }))
        .unwrap();
        assert_eq!(
            MessageMedia::of(&message),
            Some(MessageMedia {
                sid: "ME1".into(),
                content_type: Some("image/png".into()),
                filename: Some("a.png".into()),
                size: Some(12),
            })
        );
        let text: models::Message =
            serde_json::from_value(json!({"type": "text", "media": null})).unwrap();
        assert_eq!(MessageMedia::of(&text), None);
        let odd: models::Message = serde_json::from_value(json!({"media": {"sid": ""}})).unwrap();
        assert_eq!(MessageMedia::of(&odd), None);
    }

    #[test]
    fn message_media_json_accepted_and_refused() {
        let read =
            |text: &str| serde_json::from_str::<MessageMedia>(text).map_err(|e| e.to_string());
        let media =
            |sid: &str, content_type: Option<&str>, filename: Option<&str>, size: Option<u64>| {
                MessageMedia {
                    sid: sid.into(),
                    content_type: content_type.map(Into::into),
                    filename: filename.map(Into::into),
                    size,
                }
            };
        assert_eq!(
            read(r#"{"sid": "ME1"}"#),
            Ok(media("ME1", None, None, None))
        );
        assert_eq!(
            read(
                r#"{"size": 3, "x": [1, {"y": null}], "sid": "ME1", "filename": null, "content_type": "a/b"}"#
            ),
            Ok(media("ME1", Some("a/b"), None, Some(3)))
        );
        assert_eq!(
            read(r#"{"s\u0069d": "M\u00c9"}"#),
            Ok(media("M\u{c9}", None, None, None))
        );
        assert_eq!(
            read(r#"["ME2", "a/b", "f", 4]"#),
            Ok(media("ME2", Some("a/b"), Some("f"), Some(4)))
        );
        assert_eq!(read(r#"["ME2"]"#), Ok(media("ME2", None, None, None)));
        assert_eq!(
            read("[]"),
            Err(
                "invalid length 0, expected struct MessageMedia with 4 elements at line 1 column 2"
                    .into()
            )
        );
        assert_eq!(
            read(r#"["ME2", null, null, null, 5]"#),
            Err("trailing characters at line 1 column 27".into())
        );
        assert_eq!(
            read("{}"),
            Err("missing field `sid` at line 1 column 2".into())
        );
        assert_eq!(
            read(r#"{"sid": "a", "sid": "b"}"#),
            Err("duplicate field `sid` at line 1 column 18".into())
        );
        assert_eq!(
            read(r#"{"sid": "a", "size": 1, "size": 2}"#),
            Err("duplicate field `size` at line 1 column 30".into())
        );
        assert_eq!(
            read(r#"{"sid": 5}"#),
            Err("invalid type: integer `5`, expected a string at line 1 column 9".into())
        );
        assert_eq!(
            read(r#"{"sid": "a", "size": -1}"#),
            Err("invalid value: integer `-1`, expected u64 at line 1 column 23".into())
        );
        assert_eq!(
            read("null"),
            Err("invalid type: null, expected struct MessageMedia at line 1 column 4".into())
        );
        assert_eq!(
            read(r#""ME1""#),
            Err(
                "invalid type: string \"ME1\", expected struct MessageMedia at line 1 column 5"
                    .into()
            )
        );
        // From a `serde_json::Value`, as `MessageMedia::of` reads it.
        assert_eq!(
            serde_json::from_value::<MessageMedia>(json!({"sid": "ME3", "size": 9}))
                .map_err(|e| e.to_string()),
            Ok(media("ME3", None, None, Some(9)))
        );
        assert_eq!(
            serde_json::from_value::<MessageMedia>(json!({"size": 9})).map_err(|e| e.to_string()),
            Err("missing field `sid`".into())
        );
    }

    #[test]
    fn size_limit_is_read_from_the_service() {
        let service = |media: serde_json::Value| -> models::Service {
            serde_json::from_value(json!({ "media": media })).unwrap()
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

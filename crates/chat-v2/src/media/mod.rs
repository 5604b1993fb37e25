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
//! # async fn run(client: Client, service: models::ServiceSid) -> Result<(), MediaError> {
//! let (service, channel) = (&service, "general");
//!
//! // Upload a file and post it, in one call.
//! let message = client
//!     .send_media_message(service, channel, "image/png", UploadBody::from_path("floor-plan.png").await?)
//!     .filename("floor-plan.png")
//!     .from("ana@example.com")
//!     .await?;
//! println!("posted {}", message.sid);
//!
//! // Download every file of the channel's media messages.
//! let mut messages = client.service(service).channel(channel).messages().list().stream();
//! while let Some(message) = messages.try_next().await? {
//!     let Some(media) = MessageMedia::of(&message) else { continue };
//!     let download = client.download_media(service, &media.sid).await?;
//!     let name = media.filename.unwrap_or_else(|| media.sid.to_string());
//!     download.save(format!("downloads/{name}")).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`Client::send_media_message`]: crate::Client::send_media_message
//! [`Client::download_media`]: crate::Client::download_media
//! [`Client::download_media_record`]: crate::Client::download_media_record

mod error;
mod message_media;
mod send;

pub use error::MediaError;
pub use message_media::MessageMedia;
pub use send::SendMediaMessage;

/// The Media Content Service's default base URL (before the client's region and edge are applied): the server
/// the description gives the media operations, [`crate::MCS_BASE_URL`].
pub const MEDIA_BASE_URL: &str = crate::MCS_BASE_URL;

/// Twilio's error code for a Media SID that is already attached to a message.
pub const MEDIA_ALREADY_ATTACHED: i64 = 50508;

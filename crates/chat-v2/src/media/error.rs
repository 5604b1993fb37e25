//! [`MediaError`]: what can go wrong with a media message, with the cases worth handling apart typed.

use std::fmt;

use twilio_chat_v2_models as models;
use twilio_rest_runtime::Error;

use super::MEDIA_ALREADY_ATTACHED;

/// What can go wrong with a media message, with the cases worth handling apart typed.
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaError {
    /// The Media SID is already attached to a message (Twilio error 50508): a file can be sent in one message only.
    AlreadyAttached {
        /// The Media SID that was refused, when known.
        media_sid: Option<models::MediaSid>,
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
                media.sid
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

//! [`MessageMedia`]: the `media` object of a media message, read by the shared object reader.

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer};
use twilio_chat_v2_models as models;
use twilio_rest_core::__private::de as object;

/// The `media` object of a media message (`type: media`): the attached file's SID, media type, name and size.
///
/// Read from a JSON object: `sid` is required, the other members may be missing or `null`, other members are
/// ignored, a repeated member is an error (the rules of every object the Twilio crates read). Only objects are
/// read: an array of the members is refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MessageMedia {
    /// Media SID (`ME...`).
    pub sid: models::MediaSid,
    /// Media type of the file.
    pub content_type: Option<String>,
    /// File name, when one was given at upload.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
}

impl<'de> Deserialize<'de> for MessageMedia {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for MessageMedia {
    const EXPECTING: &'static str = "struct MessageMedia";
    const MEMBERS: &'static [&'static str] = &["sid", "content_type", "filename", "size"];
    const REQUIRED: &'static [usize] = &[0];

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.sid = map.next_value()?,
            1 => self.content_type = map.next_value()?,
            2 => self.filename = map.next_value()?,
            _ => self.size = map.next_value()?,
        }
        Ok(())
    }
}

impl MessageMedia {
    /// The media of `message`, when it is a media message whose `media` object names a SID.
    pub fn of(message: &models::Message) -> Option<Self> {
        message
            .media
            .as_ref()
            .and_then(|media| Self::deserialize(media).ok())
            .filter(|media| !media.sid.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A message with the members every message has, and `extra`.
    fn record(extra: Value) -> models::Message {
        let mut record = json!({
            "sid": "IM1", "account_sid": "AC1", "service_sid": "IS1", "channel_sid": "CH1", "index": 0,
            "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
            "url": "https://chat.twilio.com/v2/x"
        });
        if let (Some(record), Value::Object(extra)) = (record.as_object_mut(), extra) {
            record.extend(extra);
        }
        serde_json::from_value(record).unwrap()
    }

    #[test]
    fn message_media_is_read_from_media_messages_only() {
        let message = record(json!({
            "type": "media",
            "media": {"sid": "ME1", "content_type": "image/png", "filename": "a.png", "size": 12}
        }));
        assert_eq!(
            MessageMedia::of(&message),
            Some(MessageMedia {
                sid: models::MediaSid::from_wire("ME1"),
                content_type: Some("image/png".into()),
                filename: Some("a.png".into()),
                size: Some(12),
            })
        );
        let text = record(json!({"type": "text", "media": null}));
        assert_eq!(MessageMedia::of(&text), None);
        let odd = record(json!({"media": {"sid": ""}}));
        assert_eq!(MessageMedia::of(&odd), None);
    }

    #[test]
    fn message_media_json_accepted_and_refused() {
        let read =
            |text: &str| serde_json::from_str::<MessageMedia>(text).map_err(|e| e.to_string());
        let media =
            |sid: &str, content_type: Option<&str>, filename: Option<&str>, size: Option<u64>| {
                MessageMedia {
                    sid: models::MediaSid::from_wire(sid),
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
        // Only objects: an array of the members in order is refused.
        assert_eq!(
            read(r#"["ME2", "a/b", "f", 4]"#),
            Err("invalid type: sequence, expected struct MessageMedia at line 1 column 0".into())
        );
        assert_eq!(
            read("[]"),
            Err("invalid type: sequence, expected struct MessageMedia at line 1 column 0".into())
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
        // A member first given as `null` is present: giving it again is an error too.
        assert_eq!(
            read(r#"{"filename": null, "sid": "a", "filename": "f"}"#),
            Err("duplicate field `filename` at line 1 column 41".into())
        );
        assert_eq!(
            read(r#"{"sid": null}"#),
            Err("invalid type: null, expected a SID at line 1 column 12".into())
        );
        assert_eq!(
            read(r#"{"sid": 5}"#),
            Err("invalid type: integer `5`, expected a SID at line 1 column 9".into())
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
}

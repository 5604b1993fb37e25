//! serde: both types are written as their text (`Display`) and read from it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::{Date, Timestamp};

impl Serialize for Timestamp {
    /// RFC 3339 in UTC.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Date {
    /// `YYYY-MM-DD`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Reads a string with `parse`, saying what was expected.
struct TextVisitor<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, crate::ParseError>,
}

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// RFC 3339, or RFC 2822 (see [`Timestamp::parse`]).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor {
            expecting: "an RFC 3339 or RFC 2822 date-time string",
            parse: Timestamp::parse,
        })
    }
}

impl<'de> Deserialize<'de> for Date {
    /// `YYYY-MM-DD`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor {
            expecting: "a date string YYYY-MM-DD",
            parse: Date::parse,
        })
    }
}

/// serde helpers for members an API sends in RFC 2822 (`#[serde(with = "twilio_rest_time::rfc2822")]`): written
/// in RFC 2822, read in either form.
pub mod rfc2822 {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::Timestamp;

    /// Writes RFC 2822 in UTC.
    pub fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_rfc2822())
    }

    /// Reads RFC 3339 or RFC 2822.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        Timestamp::deserialize(deserializer)
    }

    /// The same for `Option<Timestamp>` (`null` is `None`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        use crate::Timestamp;

        /// Writes RFC 2822 in UTC, or null.
        pub fn serialize<S: Serializer>(
            value: &Option<Timestamp>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_str(&value.to_rfc2822()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads RFC 3339 or RFC 2822, or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Timestamp>, D::Error> {
            Option::<Timestamp>::deserialize(deserializer)
        }
    }
}

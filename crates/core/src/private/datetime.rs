//! Date-time members of models: read from RFC 3339 first (Twilio's JSON APIs), then RFC 2822 (older Twilio
//! APIs); members an API sends in RFC 2822 are written back in RFC 2822 ([`Rfc2822`], [`Rfc2822Option`]).
//! Written otherwise by `Timestamp`'s own `Serialize` (RFC 3339).
//!
//! A date-time that does not parse is the error `invalid date-time "<text>"`; a value that is not a string is
//! serde's `invalid type` error (`expected a string`).
//!
//! ```
//! use twilio_rest_core::__private::datetime;
//!
//! let one: datetime::One = serde_json::from_str(r#""Thu, 30 Jul 2015 20:00:00 +0000""#).unwrap();
//! assert_eq!(one.0.to_string(), "2015-07-30T20:00:00Z");
//! let none: datetime::Opt = serde_json::from_str("null").unwrap();
//! assert_eq!(none.0, None);
//! assert_eq!(serde_json::to_string(&datetime::Rfc2822(&one.0)).unwrap(), r#""Thu, 30 Jul 2015 20:00:00 +0000""#);
//! ```

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};
use serde::ser::{Serialize, Serializer};
use twilio_rest_time::Timestamp;

/// A date-time member: `map.next_value::<datetime::One>()?.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct One(pub Timestamp);

/// An optional date-time member (`null` reads as `None`): `map.next_value::<datetime::Opt>()?.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt(pub Option<Timestamp>);

/// A date-time member the API sends in RFC 2822, written back in RFC 2822:
/// `out.serialize_field("date_created", &datetime::Rfc2822(&self.date_created))?`.
#[derive(Debug, Clone, Copy)]
pub struct Rfc2822<'a>(pub &'a Timestamp);

/// An optional date-time member the API sends in RFC 2822 (`None` is written as `null`).
#[derive(Debug, Clone, Copy)]
pub struct Rfc2822Option<'a>(pub &'a Option<Timestamp>);

/// Parses a date-time: RFC 3339, then RFC 2822; `None` when `text` is neither. For the alternatives of a
/// `oneOf` that are date-times.
pub fn parse(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text).ok()
}

impl<'de> Deserialize<'de> for One {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Text)
    }
}

impl<'de> Deserialize<'de> for Opt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(OptionalText).map(Opt)
    }
}

impl Serialize for Rfc2822<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc2822())
    }
}

impl Serialize for Rfc2822Option<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(value) => serializer.serialize_str(&value.to_rfc2822()),
            None => serializer.serialize_none(),
        }
    }
}

/// The visitor of date-time text (parsed where it stands, not copied), and of an optional one.
struct Text;

impl Text {
    fn parse<E: Error>(text: &str) -> Result<Timestamp, E> {
        parse(text).ok_or_else(|| E::custom(format_args!("invalid date-time {text:?}")))
    }
}

/// [`One`]: a string.
impl Visitor<'_> for Text {
    type Value = One;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<One, E> {
        Text::parse(text).map(One)
    }
}

/// [`Opt`]: `null`, or what [`One`] reads.
struct OptionalText;

impl<'de> Visitor<'de> for OptionalText {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        One::deserialize(deserializer).map(|one| Some(one.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn one_reads_rfc3339_and_rfc2822_and_names_bad_text() {
        let t = at("2015-07-30T20:00:00Z");
        assert_eq!(read::<One>(r#""2015-07-30T20:00:00Z""#), Ok(One(t)));
        assert_eq!(
            read::<One>(r#""Thu, 30 Jul 2015 20:00:00 +0000""#),
            Ok(One(t))
        );
        // Escaped text is unescaped before it is parsed.
        assert_eq!(read::<One>(r#""2015-07-30T20:00:00\u005a""#), Ok(One(t)));
        assert_eq!(
            read::<One>(r#""yesterday""#),
            Err(r#"invalid date-time "yesterday" at line 1 column 11"#.into())
        );
        assert_eq!(
            read::<One>("5"),
            Err("invalid type: integer `5`, expected a string at line 1 column 1".into())
        );
        assert_eq!(
            read::<One>("null"),
            Err("invalid type: null, expected a string at line 1 column 4".into())
        );
        // From a `serde_json::Value` (owned strings).
        assert_eq!(
            serde_json::from_value::<One>(serde_json::json!("2015-07-30T20:00:00Z")).ok(),
            Some(One(t))
        );
    }

    #[test]
    fn opt_reads_null_as_none() {
        let t = at("2015-07-30T20:00:00Z");
        assert_eq!(read::<Opt>("null"), Ok(Opt(None)));
        assert_eq!(read::<Opt>(r#""2015-07-30T20:00:00Z""#), Ok(Opt(Some(t))));
        assert_eq!(
            read::<Opt>(r#""""#),
            Err(r#"invalid date-time "" at line 1 column 2"#.into())
        );
        assert_eq!(
            read::<Opt>("[]"),
            Err("invalid type: sequence, expected a string at line 1 column 0".into())
        );
        assert_eq!(
            serde_json::from_value::<Opt>(serde_json::Value::Null).ok(),
            Some(Opt(None))
        );
    }

    #[test]
    fn rfc2822_wrappers_write_rfc2822_and_null() {
        let t = at("2015-07-30T20:00:00.5Z");
        assert_eq!(json(&Rfc2822(&t)), r#""Thu, 30 Jul 2015 20:00:00 +0000""#);
        assert_eq!(
            json(&Rfc2822Option(&Some(t))),
            r#""Thu, 30 Jul 2015 20:00:00 +0000""#
        );
        assert_eq!(json(&Rfc2822Option(&None)), "null");
        assert_eq!(
            parse("Thu, 30 Jul 2015 20:00:00 +0000"),
            Some(at("2015-07-30T20:00:00Z"))
        );
        assert_eq!(parse("30 July"), None);
    }

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }
}

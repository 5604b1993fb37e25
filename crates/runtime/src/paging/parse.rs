//! Parsing a page body, with no IO: the records and the [`PageMeta`] of both page shapes Twilio uses.
//!
//! Shapes: Chat v2 pages are `{"<key>": [...], "meta": {"page", "page_size", "first_page_url",
//! "previous_page_url", "url", "next_page_url", "key"}}` with records under `meta.key`. API v2010 pages have no
//! `meta`: `next_page_uri`, `first_page_uri`, `previous_page_uri`, `uri`, `page` and `page_size` sit at the top
//! level, the URIs are relative (joined to the client's base URL), and records are under
//! [`Request::page_key`](crate::Request::page_key), or else under the only array-valued property.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, MapAccess};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use url::Url;

use twilio_rest_core::__private::de as object;

use crate::decode::decode_error;
use crate::error::Error;
use crate::paging::page::PageMeta;

/// Decodes the records of a page (the JSON array found by [`page_shape`]) straight into `T`; a failure names its
/// path under `key`.
pub(crate) fn decode_records<T: DeserializeOwned>(
    operation: &str,
    records: &str,
    key: &str,
) -> Result<Vec<T>, Error> {
    serde_json::from_str(records).map_err(|e| decode_error(operation, records.as_bytes(), key, &e))
}

/// Whether the records of a page (a JSON array) are `[]`.
pub(crate) fn no_records(records: &str) -> bool {
    records
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .take(3)
        .eq(*b"[]")
}

/// The page's shape, without decoding its records: where the records are in `body` (the byte range of their
/// JSON array) and the paging information, whose `key` is the property holding them. Not generic: compiled once
/// here, whatever the record types.
pub(crate) fn page_shape(
    operation: &str,
    body: &str,
    base_url: &Url,
    page_key: Option<&str>,
) -> Result<(std::ops::Range<usize>, PageMeta), Error> {
    let top: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(body).map_err(|e| {
        let reason = if e.classify() == serde_json::error::Category::Data {
            "a page must be a JSON object".to_owned()
        } else {
            e.to_string()
        };
        Error::decode(operation, String::new(), &reason)
    })?;
    let meta = match top
        .get("meta")
        .map(|raw| serde_json::from_str::<RawMeta>(raw.get()))
    {
        Some(Ok(meta)) => PageMeta {
            page: meta.page.and_then(Number::into_u64),
            page_size: meta.page_size.and_then(Number::into_u64),
            first_page_url: non_empty(meta.first_page_url),
            previous_page_url: non_empty(meta.previous_page_url),
            url: non_empty(meta.url),
            next_page_url: non_empty(meta.next_page_url),
            key: non_empty(meta.key),
        },
        _ => PageMeta {
            page: field::<Number>(&top, "page").and_then(Number::into_u64),
            page_size: field::<Number>(&top, "page_size").and_then(Number::into_u64),
            first_page_url: link(&top, "first_page_uri", base_url),
            previous_page_url: link(&top, "previous_page_uri", base_url),
            url: link(&top, "uri", base_url),
            next_page_url: link(&top, "next_page_uri", base_url),
            key: None,
        },
    };
    let key = match meta.key.as_deref().or(page_key) {
        Some(k) => k.to_owned(),
        None => single_array_key(&top).ok_or_else(|| {
            Error::decode(
                operation,
                String::new(),
                &"the page has no `meta.key` and no single array property holding its records",
            )
        })?,
    };
    let records = match top.get(key.as_str()) {
        Some(raw) if is_array(raw) => raw.get(),
        Some(_) => {
            return Err(Error::decode(
                operation,
                key,
                &"expected an array of records",
            ));
        }
        None => {
            return Err(Error::decode(
                operation,
                key,
                &"the page has no records property",
            ));
        }
    };
    // The records' text is borrowed from `body`: its offset there is their range.
    let start = (records.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
    let range = start..start.wrapping_add(records.len());
    if body.get(range.clone()) != Some(records) {
        return Err(Error::decode(
            operation,
            key,
            &"the records are not in the page body",
        ));
    }
    Ok((
        range,
        PageMeta {
            key: Some(key),
            ..meta
        },
    ))
}

/// Decodes a page body exactly as [`Client::execute_page`](crate::Client::execute_page) does: the records and
/// the paging information, with relative API v2010 links resolved against `base_url`. For generated code,
/// benchmarks and tools; not part of the stable API.
///
/// The top level is read as borrowed raw JSON slices (no `Value` tree is built): `meta` and the API v2010 link
/// fields are decoded on their own, and the records are decoded once, straight from their slice into `T`.
#[doc(hidden)]
pub fn decode_page<T: DeserializeOwned>(
    operation: &str,
    body: &[u8],
    base_url: &Url,
    page_key: Option<&str>,
) -> Result<(Vec<T>, PageMeta), Error> {
    let body = crate::decode::utf8(operation, body)?;
    let (range, meta) = page_shape(operation, body, base_url, page_key)?;
    let records = body.get(range).unwrap_or_default();
    let records = decode_records(operation, records, meta.key.as_deref().unwrap_or(""))?;
    Ok((records, meta))
}

/// The `meta` block of a Chat-style page, read by the shared object reader: members of an unexpected type read as
/// absent, other members are skipped. A repeated member, or a `meta` that is not an object, fails the block (the
/// page is then read as API v2010 style).
#[derive(Default)]
struct RawMeta {
    page: Option<Number>,
    page_size: Option<Number>,
    first_page_url: Option<String>,
    previous_page_url: Option<String>,
    url: Option<String>,
    next_page_url: Option<String>,
    key: Option<String>,
}

impl<'de> Deserialize<'de> for RawMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::deserialize(deserializer)
    }
}

impl object::Object for RawMeta {
    const EXPECTING: &'static str = "struct RawMeta";
    const MEMBERS: &'static [&'static str] = &[
        "page",
        "page_size",
        "first_page_url",
        "previous_page_url",
        "url",
        "next_page_url",
        "key",
    ];

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.page = lenient(map)?,
            1 => self.page_size = lenient(map)?,
            2 => self.first_page_url = lenient(map)?,
            3 => self.previous_page_url = lenient(map)?,
            4 => self.url = lenient(map)?,
            5 => self.next_page_url = lenient(map)?,
            _ => self.key = lenient(map)?,
        }
        Ok(())
    }
}

/// An optional member that reads as absent when its value has another type (or is `null`), instead of failing
/// the block.
struct Lenient<V>(Option<V>);

/// A type a [`Lenient`] member holds, read from the member's JSON text.
trait FromRaw: Sized {
    /// The value of `raw` (one complete JSON value), `None` when it is not of this type.
    fn from_raw(raw: &str) -> Option<Self>;
}

/// The value of a [`Lenient`] member of a map.
fn lenient<'de, A: MapAccess<'de>, V: FromRaw>(map: &mut A) -> Result<Option<V>, A::Error> {
    map.next_value::<Lenient<V>>().map(|value| value.0)
}

impl<'de, V: FromRaw> Deserialize<'de> for Lenient<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&RawValue>::deserialize(deserializer)?;
        Ok(Lenient(V::from_raw(raw.get())))
    }
}

impl FromRaw for String {
    fn from_raw(raw: &str) -> Option<Self> {
        // A string without escapes is its text between the quotes (`raw` was read by serde_json, which refuses
        // control characters in strings); others are parsed.
        match raw
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        {
            Some(text) if !text.contains('\\') => Some(text.to_owned()),
            _ => serde_json::from_str(raw).ok(),
        }
    }
}

impl FromRaw for Number {
    /// A non-negative integer that fits `u64`, or any string; floats, negative numbers and other types are
    /// absent.
    fn from_raw(raw: &str) -> Option<Self> {
        // Digits only: an integer, absent when it does not fit (JSON reads it as a float then).
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return raw.parse().ok().map(Number::Int);
        }
        String::from_raw(raw).map(Number::Text)
    }
}

/// A page number or size, given as a JSON number or as a numeric string.
enum Number {
    Int(u64),
    Text(String),
}

impl Number {
    fn into_u64(self) -> Option<u64> {
        match self {
            Number::Int(n) => Some(n),
            Number::Text(s) => s.parse().ok(),
        }
    }
}

type TopLevel<'a> = BTreeMap<Cow<'a, str>, &'a RawValue>;

fn field<V: FromRaw>(top: &TopLevel<'_>, name: &str) -> Option<V> {
    top.get(name).and_then(|raw| V::from_raw(raw.get()))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.is_empty())
}

fn link(top: &TopLevel<'_>, name: &str, base: &Url) -> Option<String> {
    let raw = non_empty(field::<String>(top, name))?;
    base.join(&raw).ok().map(String::from).or(Some(raw))
}

fn is_array(raw: &RawValue) -> bool {
    raw.get().starts_with('[')
}

fn single_array_key(top: &TopLevel<'_>) -> Option<String> {
    let mut arrays = top.iter().filter(|(_, v)| is_array(v));
    let (first, _) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    Some(first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Rec {
        sid: String,
        n: Option<u32>,
    }

    fn base() -> Url {
        Url::parse("https://api.twilio.com").unwrap()
    }

    /// The paging information of a Chat-style page with `meta` as given (records under `items`, and a top-level
    /// `page` of 7 that only the API v2010 reading would use).
    fn meta_of(meta: &str) -> PageMeta {
        let body = format!(r#"{{"items": [], "page": 7, "meta": {meta}}}"#);
        page_shape("ListItem", &body, &base(), Some("items"))
            .unwrap()
            .1
    }

    fn numbers(meta: &str) -> (Option<u64>, Option<u64>) {
        let meta = meta_of(meta);
        (meta.page, meta.page_size)
    }

    #[test]
    fn meta_numbers_are_integers_or_numeric_strings() {
        assert_eq!(
            numbers(r#"{"page": 3, "page_size": 50}"#),
            (Some(3), Some(50))
        );
        assert_eq!(
            numbers(r#"{"page": "3", "page_size": "50"}"#),
            (Some(3), Some(50))
        );
        assert_eq!(
            numbers(r#"{"page": "+4", "page_size": " 5"}"#),
            (Some(4), None)
        );
        assert_eq!(numbers(r#"{"page": "", "page_size": "x"}"#), (None, None));
        assert_eq!(numbers(r#"{"page": -1, "page_size": "-1"}"#), (None, None));
        assert_eq!(numbers(r#"{"page": -0, "page_size": 0}"#), (None, Some(0)));
        assert_eq!(numbers(r#"{"page": 1.5, "page_size": 2.0}"#), (None, None));
        assert_eq!(
            numbers(r#"{"page": 1e2, "page_size": 1E400}"#),
            (None, None)
        );
        assert_eq!(
            numbers(r#"{"page": 18446744073709551615, "page_size": 18446744073709551616}"#),
            (Some(u64::MAX), None)
        );
        assert_eq!(
            numbers(r#"{"page": "18446744073709551615", "page_size": "18446744073709551616"}"#),
            (Some(u64::MAX), None)
        );
        assert_eq!(
            numbers(r#"{"page": true, "page_size": null}"#),
            (None, None)
        );
        assert_eq!(
            numbers(r#"{"page": [1], "page_size": {"n": 1}}"#),
            (None, None)
        );
        assert_eq!(
            numbers(r#"{"page": "\u0033", "page_size": "1\u0030"}"#),
            (Some(3), Some(10))
        );
    }

    #[test]
    fn meta_members_of_another_type_read_as_absent() {
        let meta = meta_of(
            r#"{"page": 1, "page_size": 2, "first_page_url": 5, "previous_page_url": null, "url": ["u"],
                "next_page_url": {"u": 1}, "key": false}"#,
        );
        assert_eq!(
            meta,
            PageMeta {
                page: Some(1),
                page_size: Some(2),
                key: Some("items".into()),
                ..PageMeta::default()
            }
        );
        // Strings are unescaped; empty links are absent; a string that is not valid UTF-16 reads as absent.
        let meta = meta_of(
            r#"{"first_page_url": "https:\/\/chat.twilio.com\/v2\/S?Page=0", "previous_page_url": "",
                "url": "\ud800", "next_page_url": "a\u00e9\n\"b\"", "key": "items"}"#,
        );
        assert_eq!(
            meta.first_page_url.as_deref(),
            Some("https://chat.twilio.com/v2/S?Page=0")
        );
        assert_eq!(meta.previous_page_url, None);
        assert_eq!(meta.url, None);
        assert_eq!(meta.next_page_url.as_deref(), Some("a\u{e9}\n\"b\""));
        assert_eq!(meta.key.as_deref(), Some("items"));
    }

    #[test]
    fn meta_ignores_unknown_keys_and_reads_missing_ones_as_absent() {
        let meta = meta_of(
            r#"{"extra": {"page": 9, "deep": [[{"key": "x"}]]}, "Page": 8, "page": 2, "other": "s", "n": null,
                "key": "items", "last": [1, 2.5, true, null, "x"]}"#,
        );
        assert_eq!(
            meta,
            PageMeta {
                page: Some(2),
                key: Some("items".into()),
                ..PageMeta::default()
            }
        );
        assert_eq!(
            meta_of("{}"),
            PageMeta {
                key: Some("items".into()),
                ..PageMeta::default()
            }
        );
        // Escaped member names are read unescaped.
        assert_eq!(
            numbers(r#"{"p\u0061ge": 6, "page\u005fsize": 4}"#),
            (Some(6), Some(4))
        );
    }

    #[test]
    fn meta_that_is_not_an_object_or_repeats_a_member_falls_back_to_the_top_level() {
        // Not a meta block: the API v2010 reading (top-level `page`) is used. An array is not read as the members
        // in order, and a repeated member fails the block whatever its values (the one duplicate-key rule).
        for meta in [
            "null",
            "5",
            r#""meta""#,
            "true",
            "[]",
            r#"[2, "5", "https://f", 3, "https://u", "", "items"]"#,
            r#"{"page": 1, "page": 2}"#,
            r#"{"page": 1, "page": 1}"#,
            r#"{"key": "a", "key": "b"}"#,
            r#"{"url": null, "url": null}"#,
            r#"{"next_page_url": 5, "next_page_url": "https://n"}"#,
            r#"{"page_size": 1, "p\u0061ge_size": 2}"#,
        ] {
            assert_eq!(
                meta_of(meta),
                PageMeta {
                    page: Some(7),
                    key: Some("items".into()),
                    ..PageMeta::default()
                },
                "{meta}"
            );
        }
        // Repeated keys that are not members are skipped.
        assert_eq!(numbers(r#"{"x": 1, "x": 2, "page": 3}"#), (Some(3), None));
    }

    #[test]
    fn decode_errors_name_paths() {
        let check = |body: &[u8], key: Option<&str>, path: &str| {
            let err = decode_page::<Rec>("ListChannel", body, &base(), key).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
            assert_eq!(err.decode_path(), Some(path), "{err}");
            assert!(err.to_string().starts_with("ListChannel: "), "{err}");
        };
        check(
            br#"{"channels": [{"sid": "CH1"}, {"sid": 5}], "meta": {"key": "channels"}}"#,
            None,
            "channels[1].sid",
        );
        check(br#"{"meta": {"key": "channels"}}"#, None, "channels");
        check(
            br#"{"channels": {}, "meta": {"key": "channels"}}"#,
            None,
            "channels",
        );
        check(br#"{"a": [], "b": []}"#, None, ".");
        check(br#"{"channels": [{"sid": "#, None, ".");
        check(b"[]", None, ".");
        check(
            b"{\"channels\": [{\"sid\": \"\xc3\"}], \"meta\": {\"key\": \"channels\"}}",
            None,
            ".",
        );
    }
}

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::MapAccess;
use serde_json::json;

use super::*;

/// An error body: `code` and `message` required, `more_info` optional.
#[derive(Debug, Default, PartialEq)]
struct Body {
    code: i64,
    message: String,
    more_info: Option<String>,
}

impl Object for Body {
    const EXPECTING: &'static str = "struct Body";
    const MEMBERS: &'static [&'static str] = &["code", "message", "more_info"];
    const REQUIRED: &'static [usize] = &[0, 1];

    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        match member {
            0 => self.code = map.next_value()?,
            1 => self.message = map.next_value()?,
            _ => self.more_info = map.next_value()?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

/// A type that keeps the keys of no member, as models with `additionalProperties` do.
#[derive(Debug, Default, PartialEq)]
struct Open {
    name: Option<String>,
    others: BTreeMap<String, u32>,
}

impl Object for Open {
    const EXPECTING: &'static str = "struct Open";
    const MEMBERS: &'static [&'static str] = &["name"];
    const KEEPS_OTHERS: bool = true;

    fn index(key: &str) -> Option<usize> {
        match key {
            "name" => Some(0),
            _ => None,
        }
    }

    fn read<'de, A: MapAccess<'de>>(&mut self, _: usize, map: &mut A) -> Result<(), A::Error> {
        self.name = map.next_value()?;
        Ok(())
    }

    fn read_other<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        keep(&mut self.others, key, map)
    }
}

impl<'de> Deserialize<'de> for Open {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

/// Members past the 128 tracked inline: `m0` to `m299` (named in errors for a few of them); `m<N>` for any `N`
/// below 1000 is a member, so indexes past the end of the names are read too.
#[derive(Debug, Default, PartialEq)]
struct Wide {
    sum: u64,
}

const WIDE_MEMBERS: [&str; 300] = {
    let mut names = ["m"; 300];
    names[5] = "m5";
    names[127] = "m127";
    names[128] = "m128";
    names[129] = "m129";
    names[250] = "m250";
    names
};

impl Object for Wide {
    const EXPECTING: &'static str = "struct Wide";
    const MEMBERS: &'static [&'static str] = &WIDE_MEMBERS;
    const REQUIRED: &'static [usize] = &[5, 250];

    fn index(key: &str) -> Option<usize> {
        key.strip_prefix('m')
            .and_then(|n| n.parse().ok())
            .filter(|n| *n < 1000)
    }

    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
        self.sum += map.next_value::<u64>()? * member as u64;
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Wide {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

/// The value read from `json`, or the error's text.
fn check<T: for<'de> Deserialize<'de> + PartialEq + fmt::Debug>(
    json: &str,
    expected: Result<T, &str>,
) {
    let found = serde_json::from_str::<T>(json).map_err(|e| e.to_string());
    assert_eq!(found, expected.map_err(str::to_owned), "{json}");
}

fn body(code: i64, message: &str, more_info: Option<&str>) -> Body {
    Body {
        code,
        message: message.into(),
        more_info: more_info.map(Into::into),
    }
}

#[test]
fn members_in_any_order_unknown_keys_skipped() {
    check(
        r#"{"message": "m", "code": 20404}"#,
        Ok(body(20404, "m", None)),
    );
    check(
        r#"{"x": {"code": 1, "deep": [[{"message": 2}]]}, "more_info": "u", "code": 1, "x": null, "x": 5,
            "message": "m", "Code": "skipped: names are case-sensitive"}"#,
        Ok(body(1, "m", Some("u"))),
    );
    // Escaped keys are read unescaped; `null` is accepted by an optional member.
    check(
        r#"{"c\u006fde": 2, "message": "m\u00e9", "more_info": null}"#,
        Ok(body(2, "m\u{e9}", None)),
    );
}

#[test]
fn a_missing_required_member_is_an_error_naming_it() {
    check::<Body>(
        r#"{"message": "m"}"#,
        Err("missing field `code` at line 1 column 16"),
    );
    check::<Body>(
        r#"{"code": 1, "more_info": "u"}"#,
        Err("missing field `message` at line 1 column 29"),
    );
    // The first missing one, in the order the type lists its required members.
    check::<Body>("{}", Err("missing field `code` at line 1 column 2"));
    // A key that differs only in case is not the member.
    check::<Body>(
        r#"{"Code": 1, "message": "m"}"#,
        Err("missing field `code` at line 1 column 27"),
    );
    // Present with `null` is present: the member's type refuses `null`.
    check::<Body>(
        r#"{"code": null, "message": "m"}"#,
        Err("invalid type: null, expected i64 at line 1 column 13"),
    );
    // From a `serde_json::Value` too.
    assert_eq!(
        serde_json::from_value::<Body>(json!({"message": "m"})).map_err(|e| e.to_string()),
        Err("missing field `code`".to_owned())
    );
}

#[test]
fn a_repeated_member_is_an_error_naming_it() {
    check::<Body>(
        r#"{"code": 1, "code": 2, "message": "m"}"#,
        Err("duplicate field `code` at line 1 column 18"),
    );
    // Also when the first value was `null`, and for optional members.
    check::<Body>(
        r#"{"code": 1, "message": "m", "more_info": null, "more_info": "u"}"#,
        Err("duplicate field `more_info` at line 1 column 58"),
    );
    // An escaped spelling is the same member.
    check::<Body>(
        r#"{"code": 1, "c\u006fde": 1, "message": "m"}"#,
        Err("duplicate field `code` at line 1 column 23"),
    );
}

#[test]
fn only_objects_are_read() {
    check::<Body>(
        r#"[1, "m"]"#,
        Err("invalid type: sequence, expected struct Body at line 1 column 0"),
    );
    check::<Body>(
        "null",
        Err("invalid type: null, expected struct Body at line 1 column 4"),
    );
    check::<Body>(
        r#""code""#,
        Err("invalid type: string \"code\", expected struct Body at line 1 column 6"),
    );
    check::<Body>(
        r#"{"code": 1, "message": "m"} x"#,
        Err("trailing characters at line 1 column 29"),
    );
}

#[test]
fn kept_keys_go_to_the_map_once() {
    let open = |name: Option<&str>, others: &[(&str, u32)]| Open {
        name: name.map(Into::into),
        others: others.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    };
    check(
        r#"{"b": 2, "name": "n", "a\u0041": 1}"#,
        Ok(open(Some("n"), &[("aA", 1), ("b", 2)])),
    );
    check(r#"{}"#, Ok(open(None, &[])));
    check::<Open>(
        r#"{"a": 1, "a": 2}"#,
        Err("duplicate field `a` at line 1 column 12"),
    );
    check::<Open>(
        r#"{"name": null, "name": "n"}"#,
        Err("duplicate field `name` at line 1 column 21"),
    );
    check::<Open>(
        r#"{"a": "x"}"#,
        Err("invalid type: string \"x\", expected u32 at line 1 column 9"),
    );
    // Owned keys (from a `serde_json::Value`) are kept as they are.
    assert_eq!(
        serde_json::from_value::<Open>(json!({"z": 26, "name": "n"})).ok(),
        Some(open(Some("n"), &[("z", 26)]))
    );
}

#[test]
fn members_past_128_are_tracked_without_panicking() {
    check(r#"{"m5": 1, "m250": 1}"#, Ok(Wide { sum: 255 }));
    check(
        r#"{"m127": 1, "m128": 1, "m129": 1, "m999": 1, "m5": 1, "m250": 1, "m300": 1}"#,
        Ok(Wide {
            sum: 127 + 128 + 129 + 999 + 5 + 250 + 300,
        }),
    );
    check::<Wide>(
        r#"{"m5": 1, "m250": 1, "m127": 1, "m127": 1}"#,
        Err("duplicate field `m127` at line 1 column 38"),
    );
    check::<Wide>(
        r#"{"m5": 1, "m250": 1, "m128": 1, "m129": 1, "m128": 1}"#,
        Err("duplicate field `m128` at line 1 column 49"),
    );
    check::<Wide>(
        r#"{"m5": 1, "m129": 1}"#,
        Err("missing field `m250` at line 1 column 20"),
    );
    // An index past the member names (a type's own mistake) still reads, and its errors name no member.
    check::<Wide>(
        r#"{"m5": 1, "m250": 1, "m500": 1, "m500": 1}"#,
        Err("duplicate field `` at line 1 column 38"),
    );
}

#[test]
fn the_default_index_is_the_position_in_members() {
    assert_eq!(Body::index("message"), Some(1));
    assert_eq!(Body::index("more_info"), Some(2));
    assert_eq!(Body::index("other"), None);
}

#[test]
fn seen_set() {
    let mut seen = Seen::default();
    for index in [0, 127, 128, 5000, 129, usize::MAX] {
        assert!(!seen.contains(index), "{index}");
        assert!(seen.insert(index), "{index}");
        assert!(seen.contains(index), "{index}");
        assert!(!seen.insert(index), "{index}");
    }
    assert_eq!(seen.high, [128, 129, 5000, usize::MAX]);
    assert!(!seen.contains(1));
    assert!(!seen.contains(130));
}

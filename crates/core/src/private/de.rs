//! The object reader: one `Deserialize` for every JSON object that generated models and the hand-written Twilio
//! crates read (page metadata, media records, token headers, claims and grants, Twilio's error body).
//!
//! A type implements [`Object`]: the wire names of its members ([`Object::MEMBERS`], a member is its index
//! there), which of them are required ([`Object::REQUIRED`]), how a key finds its member ([`Object::index`]) and
//! how a member's value is read ([`Object::read`]). Its `Deserialize` calls [`deserialize`], which asks for a map
//! and reads it key by key, in the order the keys come:
//!
//! - **A repeated member is an error** naming it: `duplicate field `sid``, reported at the repeated key, before
//!   its value is read. This is the one duplicate-key rule of every type read here; none keeps the first or the
//!   last value. A key kept in the type's map of other keys ([`Object::KEEPS_OTHERS`]) follows the same rule
//!   ([`keep`] refuses a key it already holds). Keys that are skipped are not tracked.
//! - **A missing required member is an error** naming it: `missing field `code``, raised once the object has
//!   ended (serde_json reports it just past the closing brace, where the runtime's path locator names the
//!   object's JSON path). Required members are checked in the order of [`Object::REQUIRED`]; the first missing
//!   one is reported. A member that is present with `null` is present: whether `null` is accepted is up to the
//!   member's type.
//! - **Unknown keys are skipped**, whatever their value, or handed to [`Object::read_other`] when the type keeps
//!   the keys of no member (models with `additionalProperties` keep them in a flattened map).
//! - Members that are not required and absent keep the value of the type's [`Default`].
//! - Only objects are read: an array, even of the members in order, is an `invalid type` error (serde's derive
//!   also reads arrays; JSON APIs never send them).
//!
//! Members already read are tracked in a 128-bit set, so objects of up to 128 members are read without
//! allocating; the members of larger objects beyond the 128th are tracked in a sorted list (allocated only when
//! such a member is met). The key visitor is not generic: it is compiled once per deserializer, whatever the
//! number of types read.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Unexpected, Visitor,
};

/// A type read member by member from a JSON object by [`deserialize`]; see the [module](self) for the rules.
///
/// ```
/// use serde::de::MapAccess;
/// use twilio_rest_core::__private::de;
///
/// #[derive(Default, Debug, PartialEq)]
/// struct Media {
///     sid: String,
///     size: Option<u64>,
/// }
///
/// impl de::Object for Media {
///     const EXPECTING: &'static str = "struct Media";
///     const MEMBERS: &'static [&'static str] = &["sid", "size"];
///     const REQUIRED: &'static [usize] = &[0];
///
///     fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error> {
///         match member {
///             0 => self.sid = map.next_value()?,
///             _ => self.size = map.next_value()?,
///         }
///         Ok(())
///     }
/// }
///
/// impl<'de> serde::Deserialize<'de> for Media {
///     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
///         de::deserialize(deserializer)
///     }
/// }
///
/// let media: Media = serde_json::from_str(r#"{"size": 3, "other": [1], "sid": "ME1"}"#).unwrap();
/// assert_eq!(media, Media { sid: "ME1".into(), size: Some(3) });
/// let missing = serde_json::from_str::<Media>(r#"{"size": 3}"#).unwrap_err();
/// assert_eq!(missing.to_string(), "missing field `sid` at line 1 column 11");
/// let repeated = serde_json::from_str::<Media>(r#"{"sid": "a", "sid": "b"}"#).unwrap_err();
/// assert_eq!(repeated.to_string(), "duplicate field `sid` at line 1 column 18");
/// ```
pub trait Object: Default {
    /// What a decode error says was expected, such as `struct Channel`.
    const EXPECTING: &'static str;

    /// The wire names of the members; a member is its index here. Errors name members by these.
    const MEMBERS: &'static [&'static str];

    /// The indexes of the required members, in the order they are checked (and the first missing one reported).
    const REQUIRED: &'static [usize] = &[];

    /// Whether keys of no member are handed to [`Object::read_other`] (the type keeps them); otherwise they are
    /// skipped.
    const KEEPS_OTHERS: bool = false;

    /// The index of the member whose wire name is `key`. By default, its position in [`Object::MEMBERS`];
    /// generated code matches the key instead.
    fn index(key: &str) -> Option<usize> {
        Self::MEMBERS.iter().position(|member| *member == key)
    }

    /// Reads the value of member `member` (an index of [`Object::MEMBERS`]) with `map.next_value()`, once.
    /// Called at most once per member: a repeated member is refused before its value is read.
    fn read<'de, A: MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> Result<(), A::Error>;

    /// Reads the value of `key`, a key of no member, when [`Object::KEEPS_OTHERS`] is set: usually
    /// [`keep`]`(&mut self.others, key, map)`. A key that is already kept must be refused with [`duplicate_key`].
    /// By default the value is skipped.
    fn read_other<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let _ = key;
        map.next_value::<IgnoredAny>()?;
        Ok(())
    }
}

/// Reads a `T` from a JSON object: the body of `T`'s `Deserialize::deserialize`.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(Reader::<T>(PhantomData))
}

/// Reads a `T` from the members of a map already open: for a visitor that has to decide what it reads first
/// (such as a type read from an object or from something else).
pub fn read_map<'de, T: Object, A: MapAccess<'de>>(mut map: A) -> Result<T, A::Error> {
    let mut out = T::default();
    let mut seen = Seen::default();
    let key = Key {
        index: T::index,
        keep: T::KEEPS_OTHERS,
    };
    while let Some(member) = map.next_key_seed(key)? {
        match member {
            Member::Known(index) => {
                if !seen.insert(index) {
                    return Err(A::Error::duplicate_field(name(T::MEMBERS, index)));
                }
                out.read(index, &mut map)?;
            }
            Member::Other(key) => out.read_other(key, &mut map)?,
            Member::Skipped => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match first_missing(&seen, T::REQUIRED, T::MEMBERS) {
        Some(missing) => Err(A::Error::missing_field(missing)),
        None => Ok(out),
    }
}

/// Reads the value of `key` into `kept`, the map of other keys of a type that keeps them
/// ([`Object::read_other`]); a key already in `kept` is a [`duplicate_key`] error, as a repeated member is.
pub fn keep<'de, A: MapAccess<'de>, V: Deserialize<'de>>(
    kept: &mut BTreeMap<String, V>,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    match kept.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(map.next_value()?);
            Ok(())
        }
        Entry::Occupied(entry) => Err(duplicate_key(entry.key())),
    }
}

/// The error of a repeated key that is not a member (one kept in a type's map of other keys): the same message
/// as serde's `duplicate_field` gives a repeated member, `duplicate field `key``.
pub fn duplicate_key<E: Error>(key: &str) -> E {
    E::custom(format_args!("duplicate field `{key}`"))
}

/// The [`Visitor`] of [`deserialize`]: a map, read by [`read_map`].
struct Reader<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for Reader<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        read_map(map)
    }
}

/// What a key is: a member (its index), a key the type keeps (its text), or a key that is skipped.
enum Member {
    Known(usize),
    Other(String),
    Skipped,
}

/// The seed and visitor of keys. Not generic over the type read, so it is compiled once per deserializer.
#[derive(Clone, Copy)]
struct Key {
    index: fn(&str) -> Option<usize>,
    keep: bool,
}

impl Key {
    fn other(self, key: &str) -> Member {
        if self.keep {
            Member::Other(key.to_owned())
        } else {
            Member::Skipped
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Member;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    /// The key is compared where it stands; it is copied only when the type keeps it.
    fn visit_str<E: Error>(self, key: &str) -> Result<Member, E> {
        Ok(match (self.index)(key) {
            Some(index) => Member::Known(index),
            None => self.other(key),
        })
    }

    /// An owned key (from a `serde_json::Value`) is kept without a copy.
    fn visit_string<E: Error>(self, key: String) -> Result<Member, E> {
        Ok(match (self.index)(&key) {
            Some(index) => Member::Known(index),
            None if self.keep => Member::Other(key),
            None => Member::Skipped,
        })
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Member, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) if self.keep => Err(E::invalid_value(Unexpected::Bytes(key), &self)),
            // Not UTF-8: no member has this name.
            Err(_) => Ok(Member::Skipped),
        }
    }
}

/// Most members tracked without allocating.
const INLINE_MEMBERS: usize = 128;

/// The members read so far: a bit per member below [`INLINE_MEMBERS`], a sorted list of the others.
#[derive(Default)]
struct Seen {
    low: u128,
    high: Vec<usize>,
}

impl Seen {
    /// Marks `index` read; `false` when it already was.
    #[inline]
    fn insert(&mut self, index: usize) -> bool {
        if index < INLINE_MEMBERS {
            let bit = 1_u128 << index;
            let new = self.low & bit == 0;
            self.low |= bit;
            new
        } else {
            self.insert_high(index)
        }
    }

    #[cold]
    #[inline(never)]
    fn insert_high(&mut self, index: usize) -> bool {
        match self.high.binary_search(&index) {
            Ok(_) => false,
            Err(at) => {
                self.high.insert(at, index);
                true
            }
        }
    }

    #[inline]
    fn contains(&self, index: usize) -> bool {
        if index < INLINE_MEMBERS {
            self.low & (1_u128 << index) != 0
        } else {
            self.high.binary_search(&index).is_ok()
        }
    }
}

/// The name of the first member of `required` that was not read.
#[inline]
fn first_missing(
    seen: &Seen,
    required: &[usize],
    members: &'static [&'static str],
) -> Option<&'static str> {
    required
        .iter()
        .find(|index| !seen.contains(**index))
        .map(|index| name(members, *index))
}

/// The wire name of member `index` (empty for an index [`Object::MEMBERS`] does not have: never for a correct
/// [`Object`]).
fn name(members: &'static [&'static str], index: usize) -> &'static str {
    members.get(index).copied().unwrap_or("")
}

#[cfg(test)]
#[path = "de_tests.rs"]
mod tests;

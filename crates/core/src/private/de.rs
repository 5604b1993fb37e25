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
//! such a member is met). The key visitors are not generic: they are compiled once per deserializer, whatever
//! the number of types read.

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
    ///
    /// Mark it `#[inline]`: inlined into the reader's loop, a model decodes as fast as with a visitor of its own;
    /// called out of line, every member costs a call more (a few percent of a page of models).
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
    // One loop or the other is compiled for `T`: the keys of a type that keeps none are read as small values.
    if T::KEEPS_OTHERS {
        while let Some(key) = map.next_key_seed(KeptKey(T::index))? {
            match key {
                Kept::Member(index) => read_member(&mut out, &mut seen, index, &mut map)?,
                Kept::Other(key) => out.read_other(key, &mut map)?,
            }
        }
    } else {
        while let Some(key) = map.next_key_seed(Key(T::index))? {
            match key {
                Some(index) => read_member(&mut out, &mut seen, index, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
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

/// Reads member `index` unless it was read already (then the error names it).
#[inline]
fn read_member<'de, T: Object, A: MapAccess<'de>>(
    out: &mut T,
    seen: &mut Seen,
    index: usize,
    map: &mut A,
) -> Result<(), A::Error> {
    if !seen.insert(index) {
        return Err(A::Error::duplicate_field(name(T::MEMBERS, index)));
    }
    out.read(index, map)
}

/// The seed and visitor of the keys of a type that keeps none: the index of a member, `None` for a key that is
/// skipped. The key is compared where it stands, never copied. Not generic over the type read, so it is compiled
/// once per deserializer.
#[derive(Clone, Copy)]
struct Key(fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok((self.0)(key))
    }

    /// Not UTF-8: no member has this name.
    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(std::str::from_utf8(key).ok().and_then(self.0))
    }
}

/// A key of a type that keeps the keys of no member: a member's index, or the key's text.
enum Kept {
    Member(usize),
    Other(String),
}

/// The seed and visitor of the keys of a type that keeps the keys of no member ([`Object::KEEPS_OTHERS`]).
#[derive(Clone, Copy)]
struct KeptKey(fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for KeptKey {
    type Value = Kept;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Kept, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeptKey {
    type Value = Kept;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    /// The key is copied only when it is not a member's.
    fn visit_str<E: Error>(self, key: &str) -> Result<Kept, E> {
        Ok(match (self.0)(key) {
            Some(index) => Kept::Member(index),
            None => Kept::Other(key.to_owned()),
        })
    }

    /// An owned key (from a `serde_json::Value`) is kept without a copy.
    fn visit_string<E: Error>(self, key: String) -> Result<Kept, E> {
        Ok(match (self.0)(&key) {
            Some(index) => Kept::Member(index),
            None => Kept::Other(key),
        })
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Kept, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(key), &self)),
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

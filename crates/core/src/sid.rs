//! Typed SIDs: [`Sid`], the identifier of one kind of Twilio resource, and [`Key`], a SID or the other key a
//! path accepts in its place (a unique name, an identity).
//!
//! A SID's kind is its two-letter prefix, the const parameters of [`Sid`]: `Sid<'I', 'S'>` is a service's SID,
//! `Sid<'C', 'H'>` a channel's. Generated models crates name them per resource (`ServiceSid`, `ChannelSid`), as
//! type aliases, so two products that share a resource share its SID type: a Chat channel's `ChannelSid` is the
//! `ConversationSid` of the same conversation in Conversations, which is how Twilio maps the two APIs.
//!
//! - [`str::parse`] (user input) checks the prefix and the length and says what is wrong ([`SidError`]).
//! - Decoding an answer never checks anything: to a client, a SID is opaque text, and a record whose SID has a
//!   prefix this crate did not expect still decodes.
//! - Serialization is transparent: a SID is written and read as its string.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::FromStr;

use serde::de::{Deserialize, Deserializer, Error, Unexpected, Visitor};
use serde::ser::{Serialize, Serializer};

/// Length of every Twilio SID: two letters of prefix and 32 characters.
pub const SID_LEN: usize = 34;

/// The SID of one kind of Twilio resource, whose two-letter prefix is `A` `B` (`Sid<'I', 'S'>` for a service).
///
/// Models crates give each kind its resource's name (`ServiceSid`, `ChannelSid`); a method that takes a
/// `&ChannelSid` refuses a `ServiceSid` at compile time:
///
/// ```compile_fail
/// use twilio_rest_core::Sid;
/// fn channel(_sid: &Sid<'C', 'H'>) {}
/// let service: Sid<'I', 'S'> = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().unwrap();
/// channel(&service);
/// ```
///
/// Parsing user input checks the prefix and the length:
///
/// ```
/// use twilio_rest_core::Sid;
/// type ServiceSid = Sid<'I', 'S'>;
///
/// let sid: ServiceSid = "IS0123456789abcdef0123456789abcdef".parse()?;
/// assert_eq!(sid.as_str(), "IS0123456789abcdef0123456789abcdef");
/// assert_eq!(ServiceSid::PREFIX, ['I', 'S']);
///
/// let wrong = "CH0123456789abcdef0123456789abcdef".parse::<ServiceSid>().unwrap_err();
/// assert_eq!(wrong.to_string(), "`CH0123456789abcdef0123456789abcdef` is not a SID starting with IS");
/// # Ok::<(), twilio_rest_core::SidError>(())
/// ```
///
/// Decoding an answer accepts any text: the SID is kept as Twilio sent it.
///
/// ```
/// use twilio_rest_core::Sid;
/// let sid: Sid<'I', 'S'> = serde_json::from_str(r#""XX-new-kind""#)?;
/// assert_eq!(sid, "XX-new-kind");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub struct Sid<const A: char, const B: char>(String);

/// A SID of the resource whose prefix is `A` `B`, or the other key its path accepts in the SID's place: a
/// unique name (channels) or an identity (users, members).
///
/// Methods that take one take `impl Into<Key<..>>`: a `Sid` of the same kind (owned or borrowed) or any text
/// converts. A SID of another kind does not:
///
/// ```
/// use twilio_rest_core::{Key, Sid};
/// fn channel(key: impl Into<Key<'C', 'H'>>) -> String {
///     key.into().as_str().to_owned()
/// }
/// let sid: Sid<'C', 'H'> = "CH0123456789abcdef0123456789abcdef".parse()?;
/// assert_eq!(channel(&sid), "CH0123456789abcdef0123456789abcdef");
/// assert_eq!(channel("general"), "general");
/// # Ok::<(), twilio_rest_core::SidError>(())
/// ```
///
/// ```compile_fail
/// use twilio_rest_core::{Key, Sid};
/// fn channel(_key: impl Into<Key<'C', 'H'>>) {}
/// let service: Sid<'I', 'S'> = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().unwrap();
/// channel(&service);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key<const A: char, const B: char>(String);

/// Why text is not a SID of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidError {
    text: String,
    prefix: [char; 2],
    reason: SidErrorReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SidErrorReason {
    Prefix,
    Length(usize),
    Character,
}

impl<const A: char, const B: char> Sid<A, B> {
    /// The two-letter prefix of this kind of SID (`['I', 'S']`).
    pub const PREFIX: [char; 2] = [A, B];

    /// The SID's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SID's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Checks that `text` is a SID of this kind: its prefix, ASCII letters and digits after it, and its length
    /// ([`SID_LEN`]). The same as `text.parse()`.
    pub fn parse(text: &str) -> Result<Self, SidError> {
        let error = |reason| SidError {
            text: text.to_owned(),
            prefix: [A, B],
            reason,
        };
        let mut chars = text.chars();
        if chars.next() != Some(A) || chars.next() != Some(B) {
            return Err(error(SidErrorReason::Prefix));
        }
        if !chars.all(|c| c.is_ascii_alphanumeric()) {
            return Err(error(SidErrorReason::Character));
        }
        if text.len() != SID_LEN {
            return Err(error(SidErrorReason::Length(text.len())));
        }
        Ok(Sid(text.to_owned()))
    }

    /// Wraps text that came from Twilio (an answer, a webhook, a scenario) without checking it: to a client,
    /// SIDs are opaque. Use [`Sid::parse`] on user input.
    pub fn from_wire(text: impl Into<String>) -> Self {
        Sid(text.into())
    }
}

impl SidError {
    /// The text that was refused.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The prefix that was expected (`IS`).
    pub fn expected_prefix(&self) -> String {
        self.prefix.iter().collect()
    }
}

impl fmt::Display for SidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b] = self.prefix;
        let text = &self.text;
        match self.reason {
            SidErrorReason::Prefix => write!(f, "`{text}` is not a SID starting with {a}{b}"),
            SidErrorReason::Length(n) => write!(
                f,
                "`{text}` is {n} characters long; a SID starting with {a}{b} has {SID_LEN}"
            ),
            SidErrorReason::Character => write!(
                f,
                "`{text}` has characters other than ASCII letters and digits after its prefix {a}{b}"
            ),
        }
    }
}

impl std::error::Error for SidError {}

impl<const A: char, const B: char> Key<A, B> {
    /// The key's text: a SID, a unique name or an identity.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The SID, when the key is one of this kind (its prefix and length); `None` for a name.
    pub fn sid(&self) -> Option<Sid<A, B>> {
        Sid::parse(&self.0).ok()
    }
}

// Equality, order and hashing are those of the text, so that a `Sid` and a `&str` hash alike (`Borrow<str>`).
impl<const A: char, const B: char> Clone for Sid<A, B> {
    fn clone(&self) -> Self {
        Sid(self.0.clone())
    }
}

impl<const A: char, const B: char> PartialEq for Sid<A, B> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<const A: char, const B: char> Eq for Sid<A, B> {}

impl<const A: char, const B: char> PartialOrd for Sid<A, B> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<const A: char, const B: char> Ord for Sid<A, B> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl<const A: char, const B: char> Hash for Sid<A, B> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// An empty SID, which no parse ever gives: what a record holds before its members are read.
impl<const A: char, const B: char> Default for Sid<A, B> {
    fn default() -> Self {
        Sid(String::new())
    }
}

impl<const A: char, const B: char> fmt::Debug for Sid<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const A: char, const B: char> fmt::Display for Sid<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const A: char, const B: char> fmt::Debug for Key<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const A: char, const B: char> fmt::Display for Key<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const A: char, const B: char> FromStr for Sid<A, B> {
    type Err = SidError;

    fn from_str(text: &str) -> Result<Self, SidError> {
        Sid::parse(text)
    }
}

impl<const A: char, const B: char> Deref for Sid<A, B> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const A: char, const B: char> AsRef<str> for Sid<A, B> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const A: char, const B: char> Borrow<str> for Sid<A, B> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<const A: char, const B: char> PartialEq<str> for Sid<A, B> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl<const A: char, const B: char> PartialEq<&str> for Sid<A, B> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl<const A: char, const B: char> PartialEq<String> for Sid<A, B> {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl<const A: char, const B: char> From<Sid<A, B>> for String {
    fn from(sid: Sid<A, B>) -> String {
        sid.0
    }
}

impl<const A: char, const B: char> From<&Sid<A, B>> for String {
    fn from(sid: &Sid<A, B>) -> String {
        sid.0.clone()
    }
}

impl<const A: char, const B: char> AsRef<str> for Key<A, B> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const A: char, const B: char> From<Sid<A, B>> for Key<A, B> {
    fn from(sid: Sid<A, B>) -> Self {
        Key(sid.0)
    }
}

impl<const A: char, const B: char> From<&Sid<A, B>> for Key<A, B> {
    fn from(sid: &Sid<A, B>) -> Self {
        Key(sid.0.clone())
    }
}

impl<const A: char, const B: char> From<&str> for Key<A, B> {
    fn from(name: &str) -> Self {
        Key(name.to_owned())
    }
}

impl<const A: char, const B: char> From<String> for Key<A, B> {
    fn from(name: String) -> Self {
        Key(name)
    }
}

impl<const A: char, const B: char> From<&String> for Key<A, B> {
    fn from(name: &String) -> Self {
        Key(name.clone())
    }
}

impl<const A: char, const B: char> From<Key<A, B>> for String {
    fn from(key: Key<A, B>) -> String {
        key.0
    }
}

impl<const A: char, const B: char> Serialize for Sid<A, B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, const A: char, const B: char> Deserialize<'de> for Sid<A, B> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(SidVisitor).map(Sid)
    }
}

/// Reads a SID's text; not generic over the kind, so it is compiled once per deserializer.
struct SidVisitor;

impl Visitor<'_> for SidVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SID")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }

    fn visit_string<E: Error>(self, text: String) -> Result<String, E> {
        Ok(text)
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<String, E> {
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| E::invalid_value(Unexpected::Bytes(bytes), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type ServiceSid = Sid<'I', 'S'>;

    fn check(text: &str, expected: Result<&str, &str>) {
        let got = text.parse::<ServiceSid>();
        match (got, expected) {
            (Ok(sid), Ok(want)) => assert_eq!(sid.as_str(), want),
            (Err(e), Err(want)) => assert_eq!(e.to_string(), want),
            (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
        }
    }

    #[test]
    fn parse_checks_prefix_length_and_characters() {
        let good = "IS0123456789abcdef0123456789abcdef";
        check(good, Ok(good));
        check(
            "ISXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            Ok("ISXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        );
        check(
            "CH0123456789abcdef0123456789abcdef",
            Err("`CH0123456789abcdef0123456789abcdef` is not a SID starting with IS"),
        );
        check("", Err("`` is not a SID starting with IS"));
        check("is0123", Err("`is0123` is not a SID starting with IS"));
        check(
            "IS0123",
            Err("`IS0123` is 6 characters long; a SID starting with IS has 34"),
        );
        check(
            "IS0123456789abcdef0123456789abcde/",
            Err(
                "`IS0123456789abcdef0123456789abcde/` has characters other than ASCII letters and digits after its prefix IS",
            ),
        );
        check(
            "ISé123456789abcdef0123456789abcdef",
            Err(
                "`ISé123456789abcdef0123456789abcdef` has characters other than ASCII letters and digits after its prefix IS",
            ),
        );
    }

    #[test]
    fn decoding_keeps_any_text_and_serializing_writes_it_back() {
        for text in [r#""IS0123""#, r#""CHaaaa""#, r#""""#] {
            let sid: ServiceSid = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&sid).unwrap(), text);
        }
        let error = serde_json::from_str::<ServiceSid>("3").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: integer `3`, expected a SID at line 1 column 1"
        );
    }

    #[test]
    fn the_prefix_and_the_text_read_back() {
        let sid = ServiceSid::from_wire("IS1");
        assert_eq!(ServiceSid::PREFIX, ['I', 'S']);
        assert_eq!(&*sid, "IS1");
        assert_eq!(sid.to_string(), "IS1");
        assert_eq!(format!("{sid:?}"), "\"IS1\"");
        assert_eq!(String::from(&sid), "IS1");
        let key: Key<'I', 'S'> = (&sid).into();
        assert_eq!(key.as_str(), "IS1");
        assert_eq!(key.sid(), None);
        let key: Key<'I', 'S'> = "IS0123456789abcdef0123456789abcdef".into();
        assert_eq!(
            key.sid().map(Sid::into_string).as_deref(),
            Some(key.as_str())
        );
    }

    #[test]
    fn sids_hash_and_compare_like_their_text() {
        let mut set = std::collections::BTreeSet::new();
        set.insert(ServiceSid::from_wire("IS2"));
        set.insert(ServiceSid::from_wire("IS1"));
        let texts: Vec<&str> = set.iter().map(|s| s.as_str()).collect();
        assert_eq!(texts, ["IS1", "IS2"]);
        let hashed: std::collections::HashSet<ServiceSid> = set.into_iter().collect();
        assert!(hashed.contains("IS1"));
    }
}

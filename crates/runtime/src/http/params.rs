//! Query strings and form bodies: the ordered [`Params`], encoded as `application/x-www-form-urlencoded` as they
//! are pushed, and the [`ParamValue`] conversions of strings, booleans, numbers, date-times and JSON values.
//!
//! Encoding rules (the same for query strings and form bodies): only parameters that were pushed are sent, in
//! push order; arrays repeat their key (`Permission=a&Permission=b`); booleans are `true`/`false`; date-times are
//! converted to UTC and written `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds only when non-zero); keys are sent
//! verbatim (dotted keys such as `Notifications.NewMessage.Enabled` stay dotted). Everything except RFC 3986
//! unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded with upper-case hex, so a space is `%20`
//! (never `+`, which is `%2B`): the one form every server decodes the same way in both query and body.

use std::borrow::Cow;
use std::fmt;

use twilio_rest_time::{Date, Timestamp};

use crate::encode::{percent_decode, percent_encode_into};
use crate::http::observe::REDACTED;

/// Ordered `(key, value)` pairs for a query string or form body. Repeated keys are allowed and kept in order.
///
/// Encoding rules (the same for query strings and form bodies): only parameters that were pushed are sent, in
/// push order; arrays repeat their key (`Permission=a&Permission=b`, never commas or brackets); booleans are
/// `true`/`false`; date-times are converted to UTC and written `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds only
/// when non-zero); keys are sent verbatim (dotted keys such as `Notifications.NewMessage.Enabled` stay dotted).
/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded with upper-case
/// hex, so a space is `%20` and never `+` (a literal `+` is `%2B`): the one form every server decodes the same way
/// in both query strings and bodies.
///
/// ```
/// use twilio_rest_runtime::Params;
///
/// let mut p = Params::new();
/// p.push("FriendlyName", "General chat");
/// p.push_each("Permission", ["sendMessage", "leaveChannel"]);
/// p.push("Notifications.NewMessage.Enabled", true);
/// p.push_opt::<&str>("Attributes", None);
/// assert_eq!(
///     p.encode(),
///     "FriendlyName=General%20chat&Permission=sendMessage&Permission=leaveChannel&Notifications.NewMessage.Enabled=true"
/// );
/// ```
///
/// Values pushed with [`Params::push_sensitive`] are sent as they are but shown as `[redacted]` by `Debug` and
/// in the bodies [`Observer`](crate::Observer)s receive.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// The encoded text, `k=v` pairs joined by `&` (keys and values percent-encoded, so neither holds `&` or `=`).
    text: String,
    /// Number of pairs in `text`.
    count: usize,
    /// Indices of the pairs whose values are secrets.
    sensitive: Vec<usize>,
}

/// Conversion of a parameter value to its wire text (before percent-encoding).
///
/// Implemented for strings, `bool` (`true`/`false`), integers, floats, [`Timestamp`] (RFC 3339 in UTC,
/// `YYYY-MM-DDTHH:MM:SSZ`, fraction only when non-zero), [`Date`] (`YYYY-MM-DD`), `serde_json::Value`
/// (compact JSON text) and references to any of these. Enums of generated models are passed as `value.as_str()`.
pub trait ParamValue {
    /// The unencoded wire text of the value.
    fn to_param(&self) -> String;

    /// Appends the wire text of the value, percent-encoded as described on [`Params`], to `out`. The default goes
    /// through [`ParamValue::to_param`]; strings, booleans, integers and date-times write straight into `out`.
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, &self.to_param());
    }
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parameters already encoded (`k=v` pairs joined by `&`, as [`Params::encode`] writes them): `count` pairs,
    /// those at the indices in `sensitive` secrets.
    pub(crate) fn from_encoded(text: String, count: usize, sensitive: Vec<usize>) -> Self {
        Self {
            text,
            count,
            sensitive,
        }
    }

    /// Appends `key=value`.
    pub fn push<V: ParamValue>(&mut self, key: &'static str, value: V) {
        self.push_marked(key, &value, false);
    }

    /// Appends `key=value` for a secret (a key, a private key): sent as it is, shown as `[redacted]` by `Debug` and
    /// to observers.
    pub fn push_sensitive<V: ParamValue>(&mut self, key: &'static str, value: V) {
        self.push_marked(key, &value, true);
    }

    fn push_marked(&mut self, key: &str, value: &dyn ParamValue, sensitive: bool) {
        if sensitive {
            self.sensitive.push(self.count);
        }
        if self.count > 0 {
            self.text.push('&');
        }
        percent_encode_into(&mut self.text, key);
        self.text.push('=');
        value.encode_param(&mut self.text);
        self.count += 1;
    }

    /// Appends the pairs of `other` after these.
    pub(crate) fn append(&mut self, other: Params) {
        if other.count == 0 {
            return;
        }
        let offset = self.count;
        self.sensitive
            .extend(other.sensitive.iter().map(|i| i + offset));
        if self.count == 0 {
            self.text = other.text;
        } else {
            self.text.push('&');
            self.text.push_str(&other.text);
        }
        self.count += other.count;
    }

    /// Whether a value was pushed as a secret.
    pub(crate) fn has_sensitive(&self) -> bool {
        !self.sensitive.is_empty()
    }

    /// Whether the value of pair `index` (in push order) was pushed as a secret.
    pub fn is_sensitive(&self, index: usize) -> bool {
        self.sensitive.contains(&index)
    }

    /// Like [`Params::encode`], with the values of secrets replaced by `[redacted]`: what observers see.
    pub fn encode_redacted(&self) -> String {
        if self.sensitive.is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        for (i, pair) in self.encoded_pairs().enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((key, _)) if self.is_sensitive(i) => {
                    out.push_str(key);
                    out.push('=');
                    percent_encode_into(&mut out, REDACTED);
                }
                _ => out.push_str(pair),
            }
        }
        out
    }

    /// Appends `key=value` when `value` is `Some`; unset parameters are omitted.
    pub fn push_opt<V: ParamValue>(&mut self, key: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// Appends `key=value` once per value (repeated keys: how Twilio takes arrays).
    pub fn push_each<V: ParamValue>(
        &mut self,
        key: &'static str,
        values: impl IntoIterator<Item = V>,
    ) {
        for v in values {
            self.push(key, v);
        }
    }

    /// The pairs in push order, decoded (the text given to [`Params::push`] and friends).
    pub fn pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.encoded_pairs().map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
    }

    fn encoded_pairs(&self) -> impl Iterator<Item = &str> + '_ {
        self.text.split('&').take(self.count)
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` when no parameter was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `application/x-www-form-urlencoded` text: `k=v` pairs joined by `&`, percent-encoded as described
    /// on [`Params`] (space is `%20`). The text is kept encoded as pairs are pushed, so this is a copy.
    pub fn encode(&self) -> String {
        self.text.clone()
    }

    /// The encoded text, as [`Params::encode`] returns it.
    pub fn as_encoded(&self) -> &str {
        &self.text
    }
}

/// Pairs in order, secrets as `[redacted]`.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs().enumerate().map(|(i, (k, v))| {
                if self.is_sensitive(i) {
                    (k, Cow::Borrowed(REDACTED))
                } else {
                    (k, Cow::Owned(v))
                }
            }))
            .finish()
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl ParamValue for Cow<'_, str> {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        percent_encode_into(out, self);
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
    fn encode_param(&self, out: &mut String) {
        (**self).encode_param(out);
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
    fn encode_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Writes `-` when `negative`, then the decimal digits of `n` (digits and `-` need no percent-encoding).
fn write_integer(out: &mut String, negative: bool, mut n: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    if let Some(Ok(text)) = digits.get(at..).map(std::str::from_utf8) {
        out.push_str(text);
    }
}

macro_rules! signed_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
            fn encode_param(&self, out: &mut String) {
                let n = i64::from(*self);
                write_integer(out, n < 0, n.unsigned_abs());
            }
        }
    )*};
}
signed_param!(i8, i16, i32, i64);

macro_rules! unsigned_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
            fn encode_param(&self, out: &mut String) {
                write_integer(out, false, u64::from(*self));
            }
        }
    )*};
}
unsigned_param!(u8, u16, u32, u64);

impl ParamValue for isize {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        match i64::try_from(*self) {
            Ok(n) => write_integer(out, n < 0, n.unsigned_abs()),
            Err(_) => percent_encode_into(out, &self.to_param()),
        }
    }
}

impl ParamValue for usize {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        match u64::try_from(*self) {
            Ok(n) => write_integer(out, false, n),
            Err(_) => percent_encode_into(out, &self.to_param()),
        }
    }
}

macro_rules! float_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
float_param!(f32, f64);

impl ParamValue for Timestamp {
    fn to_param(&self) -> String {
        self.to_rfc3339()
    }
    fn encode_param(&self, out: &mut String) {
        // Digits, `-`, `T`, `.` and `Z` need no escaping; only the colons do.
        let _ = self.write_rfc3339(out, "%3A");
    }
}

impl ParamValue for Date {
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn encode_param(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode_path_segment;

    #[test]
    fn encodes_arrays_bools_dates_and_dotted_keys() {
        let mut p = Params::new();
        p.push("FriendlyName", "My chat & co");
        p.push_each("Permission", ["sendMessage", "leaveChannel"]);
        p.push("Notifications.NewMessage.Enabled", true);
        p.push("ReadStatusEnabled", false);
        p.push_opt::<&str>("Unset", None);
        p.push_opt("Count", Some(5_i32));
        let at = Timestamp::parse("2024-01-02T05:04:05+02:00").unwrap();
        p.push("DateCreated", at);
        p.push("Attributes", serde_json::json!({"a": [1, "x y"]}));
        p.push("Body", String::from("+1 ü"));
        assert_eq!(
            p.encode(),
            "FriendlyName=My%20chat%20%26%20co&Permission=sendMessage&Permission=leaveChannel\
             &Notifications.NewMessage.Enabled=true&ReadStatusEnabled=false&Count=5\
             &DateCreated=2024-01-02T03%3A04%3A05Z\
             &Attributes=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D&Body=%2B1%20%C3%BC"
        );
        assert_eq!(p.len(), 9);
        assert_eq!(p.pairs().count(), 9);
    }

    #[test]
    fn date_times_are_utc_with_optional_fraction() {
        let t = Date::new(2020, 2, 29)
            .and_then(|d| d.at(23, 59, 58))
            .unwrap();
        assert_eq!(t.to_param(), "2020-02-29T23:59:58Z");
        let frac = t
            .checked_add(std::time::Duration::from_millis(250))
            .unwrap();
        assert_eq!(frac.to_param(), "2020-02-29T23:59:58.250Z");
        let d = Date::new(2021, 12, 31).unwrap();
        assert_eq!(d.to_param(), "2021-12-31");
        let (direct, reference) = encoded_both_ways(&d);
        assert_eq!(direct, reference);
        let s = String::from("x");
        assert_eq!(<&String as ParamValue>::to_param(&&s), "x");
        assert_eq!(1.5_f64.to_param(), "1.5");
    }

    /// `encode_param` as the percent-encoded `to_param`, the definition it shortcuts.
    fn encoded_both_ways(value: &dyn ParamValue) -> (String, String) {
        let mut direct = String::new();
        value.encode_param(&mut direct);
        (direct, encode_path_segment(&value.to_param()))
    }

    #[test]
    fn date_times_are_written_directly_as_their_text_encoded() {
        let nanos = [
            0,
            1,
            999,
            1_000,
            250_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ];
        let mut checked = 0;
        for (year, month, day) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (1970, 1, 1),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            for nano in nanos {
                let t = Date::new(year, month, day)
                    .and_then(|d| d.at(23, 59, 58))
                    .and_then(|t| Timestamp::from_unix(t.unix_seconds(), nano))
                    .unwrap();
                let (direct, reference) = encoded_both_ways(&t);
                assert_eq!(direct, reference, "{t:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 6 * 8);
    }

    #[test]
    fn integers_are_written_directly_as_display_writes_them() {
        let values: [&dyn ParamValue; 14] = [
            &0_i64,
            &-1_i64,
            &i64::MIN,
            &i64::MAX,
            &u64::MAX,
            &i8::MIN,
            &u8::MAX,
            &-32_768_i16,
            &65_535_u16,
            &i32::MIN,
            &u32::MAX,
            &isize::MIN,
            &usize::MAX,
            &10_u32,
        ];
        for value in values {
            let (direct, reference) = encoded_both_ways(value);
            assert_eq!(direct, reference);
            assert_eq!(direct, value.to_param());
        }
    }

    #[test]
    fn params_keep_their_text_encoded_and_decode_their_pairs() {
        let mut first = Params::new();
        first.push("A b", "x&y=z");
        first.push_sensitive("Secret", "s 1");
        let mut second = Params::new();
        second.push_sensitive("Key", "k");
        second.push("Plain", "ü");
        // As `Request::query` joins them.
        let mut joined = first.clone();
        joined.append(Params::new());
        joined.append(second);
        let query = &joined;
        assert_eq!(
            query.encode(),
            "A%20b=x%26y%3Dz&Secret=s%201&Key=k&Plain=%C3%BC"
        );
        assert_eq!(query.len(), 4);
        assert!(query.is_sensitive(1) && query.is_sensitive(2) && !query.is_sensitive(3));
        assert_eq!(
            query.encode_redacted(),
            "A%20b=x%26y%3Dz&Secret=%5Bredacted%5D&Key=%5Bredacted%5D&Plain=%C3%BC"
        );
        let pairs: Vec<(String, String)> = query.pairs().collect();
        assert_eq!(pairs.first(), Some(&("A b".to_owned(), "x&y=z".to_owned())));
        assert_eq!(pairs.get(3), Some(&("Plain".to_owned(), "ü".to_owned())));
        assert_eq!(
            format!("{query:?}"),
            r#"[("A b", "x&y=z"), ("Secret", "[redacted]"), ("Key", "[redacted]"), ("Plain", "ü")]"#
        );
        let mut empty_value = Params::new();
        empty_value.push("Empty", "");
        assert_eq!(empty_value.encode(), "Empty=");
        assert_eq!(empty_value.pairs().count(), 1);
        assert_eq!(Params::new().pairs().count(), 0);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}

//! UTC timestamps and calendar dates of Twilio's REST APIs.
//!
//! [`Timestamp`] is an instant in UTC with nanosecond precision; [`Date`] is a calendar date. Both cover the
//! years 0000 to 9999 (every value has a four-digit year, so every value can be written in the forms below), and
//! neither represents leap seconds.
//!
//! | form | read by | written by |
//! |---|---|---|
//! | RFC 3339, `2015-07-30T20:00:00Z` (Twilio's JSON APIs) | [`Timestamp::parse_rfc3339`], [`Timestamp::parse`] | `Display`, `Debug`, serde, [`Timestamp::to_rfc3339`] |
//! | RFC 2822, `Thu, 30 Jul 2015 20:00:00 +0000` (API v2010) | [`Timestamp::parse_rfc2822`], [`Timestamp::parse`] | [`Timestamp::to_rfc2822`] |
//! | HTTP date, all three forms (`Retry-After`) | [`Timestamp::parse_http_date`] | |
//! | `2021-12-31` | [`Date::parse`] | `Display`, `Debug`, serde |
//!
//! RFC 3339 is written in UTC with a fraction of 3, 6 or 9 digits only when the instant has one, as chrono's
//! `to_rfc3339_opts(SecondsFormat::AutoSi, true)` writes it. The `chrono` feature adds conversions to and from
//! `chrono::DateTime<Utc>` and `chrono::NaiveDate`.
//!
//! ```
//! use twilio_rest_time::{Date, Timestamp};
//!
//! let t: Timestamp = "2015-07-30T20:00:00Z".parse()?;
//! assert_eq!(t, Timestamp::parse("Thu, 30 Jul 2015 20:00:00 +0000")?);
//! assert_eq!(t, Timestamp::parse("2015-07-30T13:00:00-07:00")?);
//! assert_eq!(t.unix_seconds(), 1_438_286_400);
//! assert_eq!(t.date(), Date::new(2015, 7, 30).unwrap());
//! assert_eq!((t.hour(), t.minute(), t.second()), (20, 0, 0));
//! assert_eq!(t.to_string(), "2015-07-30T20:00:00Z");
//! assert_eq!(t.to_rfc2822(), "Thu, 30 Jul 2015 20:00:00 +0000");
//! # Ok::<(), twilio_rest_time::ParseError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

mod parse;
mod serde_impls;

#[cfg(feature = "chrono")]
mod chrono_impls;

pub use parse::ParseError;
pub use serde_impls::rfc2822;

const SECS_PER_DAY: i64 = 86_400;
const NANOS_PER_SEC: u32 = 1_000_000_000;
/// Days from 1970-01-01 to 0000-01-01.
const MIN_DAYS: i64 = -719_528;
/// Days from 1970-01-01 to 9999-12-31.
const MAX_DAYS: i64 = 2_932_896;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant in UTC, from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, with nanosecond precision.
///
/// Ordered by time. `Display` and `Debug` write RFC 3339 (`2015-07-30T20:00:00Z`), serde writes the same text and
/// reads RFC 3339 or RFC 2822 (see [`parse`](Self::parse)).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// A calendar date (proleptic Gregorian) from 0000-01-01 to 9999-12-31, written `YYYY-MM-DD`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A time outside what [`Timestamp`] or [`Date`] represent (years 0000 to 9999), or a system time outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange;

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("time outside the years 0000 to 9999")
    }
}

impl std::error::Error for OutOfRange {}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };
    /// 0000-01-01T00:00:00Z, the earliest timestamp.
    pub const MIN: Timestamp = Timestamp {
        secs: MIN_DAYS * SECS_PER_DAY,
        nanos: 0,
    };
    /// 9999-12-31T23:59:59.999999999Z, the latest timestamp.
    pub const MAX: Timestamp = Timestamp {
        secs: MAX_DAYS * SECS_PER_DAY + SECS_PER_DAY - 1,
        nanos: NANOS_PER_SEC - 1,
    };

    /// The instant `secs` seconds and `nanos` nanoseconds after 1970-01-01T00:00:00Z (`secs` may be negative);
    /// `None` outside the years 0000 to 9999 or when `nanos` is a second or more.
    pub const fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        if nanos >= NANOS_PER_SEC || secs < Self::MIN.secs || secs > Self::MAX.secs {
            return None;
        }
        Some(Self { secs, nanos })
    }

    /// The current time of the system clock (clamped to [`MIN`](Self::MIN)..=[`MAX`](Self::MAX)).
    pub fn now() -> Self {
        match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => Self::UNIX_EPOCH.checked_add(after).unwrap_or(Self::MAX),
            Err(before) => Self::UNIX_EPOCH
                .checked_sub(before.duration())
                .unwrap_or(Self::MIN),
        }
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it), rounded down.
    pub const fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds), `0..1_000_000_000`.
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The calendar date in UTC.
    pub const fn date(self) -> Date {
        Date::from_days(self.secs.div_euclid(SECS_PER_DAY))
    }

    /// The hour in UTC, `0..24`.
    pub const fn hour(self) -> u8 {
        (self.secs.rem_euclid(SECS_PER_DAY) / 3600) as u8
    }

    /// The minute, `0..60`.
    pub const fn minute(self) -> u8 {
        (self.secs.rem_euclid(3600) / 60) as u8
    }

    /// The second, `0..60`.
    pub const fn second(self) -> u8 {
        self.secs.rem_euclid(60) as u8
    }

    /// `self + duration`, or `None` past [`MAX`](Self::MAX).
    pub fn checked_add(self, duration: Duration) -> Option<Self> {
        let secs = i64::try_from(duration.as_secs()).ok()?;
        let mut nanos = self.nanos + duration.subsec_nanos();
        let mut secs = self.secs.checked_add(secs)?;
        if nanos >= NANOS_PER_SEC {
            nanos -= NANOS_PER_SEC;
            secs = secs.checked_add(1)?;
        }
        Self::from_unix(secs, nanos)
    }

    /// `self - duration`, or `None` before [`MIN`](Self::MIN).
    pub fn checked_sub(self, duration: Duration) -> Option<Self> {
        let secs = i64::try_from(duration.as_secs()).ok()?;
        let mut secs = self.secs.checked_sub(secs)?;
        let nanos = match self.nanos.checked_sub(duration.subsec_nanos()) {
            Some(nanos) => nanos,
            None => {
                secs = secs.checked_sub(1)?;
                self.nanos + NANOS_PER_SEC - duration.subsec_nanos()
            }
        };
        Self::from_unix(secs, nanos)
    }

    /// The time from `earlier` to `self`, or `None` when `earlier` is later than `self`.
    pub fn duration_since(self, earlier: Timestamp) -> Option<Duration> {
        if self < earlier {
            return None;
        }
        let (secs, nanos) = if self.nanos >= earlier.nanos {
            (self.secs - earlier.secs, self.nanos - earlier.nanos)
        } else {
            (
                self.secs - earlier.secs - 1,
                self.nanos + NANOS_PER_SEC - earlier.nanos,
            )
        };
        Some(Duration::new(u64::try_from(secs).ok()?, nanos))
    }

    /// The same instant as a [`SystemTime`], or `None` where the platform's `SystemTime` cannot represent it.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let since = Duration::new(self.secs.unsigned_abs(), 0);
        let whole = if self.secs >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(since)?
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(since)?
        };
        whole.checked_add(Duration::from_nanos(u64::from(self.nanos)))
    }

    /// Writes RFC 3339 in UTC (`2015-07-30T20:00:00Z`, or `…:00.250Z` with a fraction) to `out`, with
    /// `colon` between hours, minutes and seconds: `":"` for plain text, `"%3A"` inside a percent-encoded form.
    pub fn write_rfc3339<W: fmt::Write + ?Sized>(self, out: &mut W, colon: &str) -> fmt::Result {
        // Character by character, not through `format_args!`: this runs for every date-time parameter of every
        // request, and a `String` takes single characters cheaply.
        let date = Date::from_days(self.secs.div_euclid(SECS_PER_DAY));
        let of_day = self.secs.rem_euclid(SECS_PER_DAY) as u32;
        digits(out, u32::from(date.year), 4)?;
        out.write_char('-')?;
        digits(out, u32::from(date.month), 2)?;
        out.write_char('-')?;
        digits(out, u32::from(date.day), 2)?;
        out.write_char('T')?;
        digits(out, of_day / 3600, 2)?;
        out.write_str(colon)?;
        digits(out, of_day / 60 % 60, 2)?;
        out.write_str(colon)?;
        digits(out, of_day % 60, 2)?;
        let (value, width) = match self.nanos {
            0 => return out.write_char('Z'),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        out.write_char('.')?;
        digits(out, value, width)?;
        out.write_char('Z')
    }

    /// RFC 3339 in UTC: `2015-07-30T20:00:00Z`, with a fraction of 3, 6 or 9 digits only when there is one.
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }

    /// RFC 2822 in UTC: `Thu, 30 Jul 2015 20:00:00 +0000`, `Sat, 1 Jan 2000 …` (whole seconds, the day without a
    /// leading zero).
    pub fn to_rfc2822(self) -> String {
        let date = self.date();
        format!(
            "{}, {} {} {:04} {:02}:{:02}:{:02} +0000",
            WEEKDAYS[self.weekday_index()],
            date.day,
            MONTHS[usize::from(date.month - 1)],
            date.year,
            self.hour(),
            self.minute(),
            self.second()
        )
    }

    /// Monday = 0.
    fn weekday_index(self) -> usize {
        weekday_of_days(self.secs.div_euclid(SECS_PER_DAY))
    }

    /// Reads a date-time the way the generated models do: RFC 3339 first (Twilio's JSON APIs), then RFC 2822
    /// (API v2010). An offset other than UTC is converted to UTC. The error names the form the text looks like.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_rfc3339(text).or_else(|rfc3339| {
            Self::parse_rfc2822(text).map_err(|rfc2822| {
                // Name the form the text looks like: RFC 3339 starts `YYYY-`.
                if text.as_bytes().get(4) == Some(&b'-') {
                    rfc3339
                } else {
                    rfc2822
                }
            })
        })
    }

    /// Reads RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `T` may also be `t` or a space and `Z` may
    /// be `z`. Digits of the fraction past the ninth are dropped. A leap second (`:60`) is refused.
    pub fn parse_rfc3339(text: &str) -> Result<Self, ParseError> {
        parse::rfc3339(text)
    }

    /// Reads RFC 2822 (`[Thu, ]30 Jul 2015 20:00[:00] +0000`): the zone as `±HHMM`, `UT`, `GMT`, a North
    /// American name (`EST` … `PDT`) or a one-letter military zone (read as UTC); a two-digit year below 50 is
    /// 20xx and a two- or three-digit one otherwise 1900 + year; trailing `(comments)` are skipped. A weekday
    /// that does not match the date is refused.
    pub fn parse_rfc2822(text: &str) -> Result<Self, ParseError> {
        parse::rfc2822(text)
    }

    /// Reads an HTTP date (RFC 9110 section 5.6.7) in any of its three forms: `Sun, 06 Nov 1994 08:49:37 GMT`,
    /// the obsolete `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year below 70 is 20xx) and the obsolete
    /// asctime `Sun Nov  6 08:49:37 1994`.
    pub fn parse_http_date(text: &str) -> Result<Self, ParseError> {
        parse::http_date(text)
    }
}

impl Date {
    /// The date `year`-`month`-`day`, or `None` when there is no such day or the year is past 9999.
    pub const fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        if year > 9999 || month == 0 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// The year, `0..=9999`.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month, `1..=12`.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, `1..=31`.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// The instant at `hour`:`minute`:`second` UTC on this date, or `None` when the time does not exist.
    pub const fn at(self, hour: u8, minute: u8, second: u8) -> Option<Timestamp> {
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let secs =
            self.days() * SECS_PER_DAY + hour as i64 * 3600 + minute as i64 * 60 + second as i64;
        Some(Timestamp { secs, nanos: 0 })
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        parse::date(text)
    }

    /// Days since 1970-01-01 (negative before it).
    const fn days(self) -> i64 {
        // Days from civil, on a calendar whose years start in March (so the leap day ends a year).
        let month = self.month as i64;
        let year = self.year as i64 - if month <= 2 { 1 } else { 0 };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let shifted_month = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + self.day as i64 - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01; `days` is within `MIN_DAYS..=MAX_DAYS`.
    const fn from_days(days: i64) -> Self {
        // Days since 0000-03-01 minus one 400-year era (146,097 days), so that every step below is on
        // non-negative 32-bit numbers; the calendar repeats every era, so the era is added back to the year.
        let shifted = (days + 719_468 + 146_097) as u32;
        let era = shifted / 146_097;
        let day_of_era = shifted - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 } - 400;
        Self {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        }
    }
}

/// Writes `value` in decimal, zero-padded to `width` digits (`value` has at most `width` digits).
fn digits<W: fmt::Write + ?Sized>(out: &mut W, value: u32, width: usize) -> fmt::Result {
    const POWERS: [u32; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    for power in POWERS[..width].iter().rev() {
        out.write_char(char::from(b'0' + (value / power % 10) as u8))?;
    }
    Ok(())
}

const fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Monday = 0 for the day `days` after 1970-01-01 (a Thursday).
fn weekday_of_days(days: i64) -> usize {
    (days + 3).rem_euclid(7) as usize
}

impl Default for Timestamp {
    /// [`Timestamp::UNIX_EPOCH`], as chrono's `DateTime<Utc>` defaults (what a required member of a model that
    /// was never set holds).
    fn default() -> Self {
        Self::UNIX_EPOCH
    }
}

impl Default for Date {
    /// 1970-01-01.
    fn default() -> Self {
        Self::from_days(0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_rfc3339(f, ":")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Timestamp {
    type Err = ParseError;

    /// [`Timestamp::parse`]: RFC 3339, then RFC 2822.
    fn from_str(text: &str) -> Result<Self, ParseError> {
        Self::parse(text)
    }
}

impl FromStr for Date {
    type Err = ParseError;

    /// [`Date::parse`]: `YYYY-MM-DD`.
    fn from_str(text: &str) -> Result<Self, ParseError> {
        Self::parse(text)
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = OutOfRange;

    fn try_from(time: SystemTime) -> Result<Self, OutOfRange> {
        match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => Self::UNIX_EPOCH.checked_add(after),
            Err(before) => Self::UNIX_EPOCH.checked_sub(before.duration()),
        }
        .ok_or(OutOfRange)
    }
}

impl From<Date> for Timestamp {
    /// Midnight UTC at the start of the date.
    fn from(date: Date) -> Self {
        Timestamp {
            secs: date.days() * SECS_PER_DAY,
            nanos: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_over_the_whole_range() {
        let mut expected = Date::new(0, 1, 1).unwrap();
        for days in MIN_DAYS..=MAX_DAYS {
            let date = Date::from_days(days);
            assert_eq!(date, expected, "day {days}");
            assert_eq!(date.days(), days);
            expected = match Date::new(date.year, date.month, date.day + 1) {
                Some(next) => next,
                None => Date::new(date.year, date.month + 1, 1)
                    .or(Date::new(date.year + 1, 1, 1))
                    .unwrap_or(date),
            };
        }
        assert_eq!(Date::from_days(MAX_DAYS), Date::new(9999, 12, 31).unwrap());
        assert_eq!(Date::from_days(0), Date::new(1970, 1, 1).unwrap());
    }

    #[test]
    fn limits_and_arithmetic() {
        assert_eq!(Timestamp::MIN.to_string(), "0000-01-01T00:00:00Z");
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999999999Z");
        assert_eq!(Timestamp::from_unix(Timestamp::MAX.secs + 1, 0), None);
        assert_eq!(Timestamp::from_unix(Timestamp::MIN.secs - 1, 0), None);
        assert_eq!(Timestamp::from_unix(0, NANOS_PER_SEC), None);
        assert_eq!(Timestamp::MAX.checked_add(Duration::from_nanos(1)), None);
        assert_eq!(Timestamp::MIN.checked_sub(Duration::from_nanos(1)), None);
        let t = Timestamp::from_unix(10, 900_000_000).unwrap();
        let later = t.checked_add(Duration::from_millis(200)).unwrap();
        assert_eq!(later, Timestamp::from_unix(11, 100_000_000).unwrap());
        assert_eq!(later.checked_sub(Duration::from_millis(200)), Some(t));
        assert_eq!(later.duration_since(t), Some(Duration::from_millis(200)));
        assert_eq!(t.duration_since(later), None);
        assert_eq!(
            Timestamp::MAX.duration_since(Timestamp::MIN),
            Some(Duration::new(
                (Timestamp::MAX.secs - Timestamp::MIN.secs) as u64,
                NANOS_PER_SEC - 1
            ))
        );
    }

    #[test]
    fn system_time_round_trip() {
        let now = SystemTime::now();
        let t = Timestamp::try_from(now).unwrap();
        assert_eq!(t.to_system_time(), Some(now));
        let before = SystemTime::UNIX_EPOCH - Duration::new(86_400 * 400, 5);
        let t = Timestamp::try_from(before).unwrap();
        assert_eq!(t.to_string(), "1968-11-26T23:59:59.999999995Z");
        assert_eq!(t.to_system_time(), Some(before));
        assert!(Timestamp::now() >= Timestamp::try_from(now).unwrap());
    }

    #[test]
    fn dates_refuse_days_that_do_not_exist() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(Date::new(1900, 2, 29), None);
        assert!(Date::new(2000, 2, 29).is_some());
        assert_eq!(Date::new(2021, 4, 31), None);
        assert_eq!(Date::new(2021, 13, 1), None);
        assert_eq!(Date::new(2021, 0, 1), None);
        assert_eq!(Date::new(2021, 1, 0), None);
        assert_eq!(Date::new(10_000, 1, 1), None);
        let d = Date::new(2021, 12, 31).unwrap();
        assert_eq!(d.at(24, 0, 0), None);
        assert_eq!(d.at(23, 60, 0), None);
        assert_eq!(d.at(23, 59, 60), None);
        assert_eq!(
            d.at(23, 59, 59).map(|t| t.to_string()),
            Some("2021-12-31T23:59:59Z".to_owned())
        );
        assert_eq!(Timestamp::from(d).to_string(), "2021-12-31T00:00:00Z");
        assert_eq!(Timestamp::default(), Timestamp::UNIX_EPOCH);
        assert_eq!(Date::default().to_string(), "1970-01-01");
    }
}

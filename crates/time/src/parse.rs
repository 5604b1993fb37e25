//! Readers of the text forms: RFC 3339, RFC 2822, HTTP dates and `YYYY-MM-DD`.

use std::fmt;

use crate::{Date, MONTHS, SECS_PER_DAY, Timestamp, WEEKDAYS, weekday_of_days};

/// Text that is not a date-time (or date) in the form that was read: which form, what is wrong, and the text
/// (its first 64 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    form: &'static str,
    reason: &'static str,
    text: String,
}

impl ParseError {
    fn new(form: &'static str, reason: &'static str, text: &str) -> Self {
        let end = text.char_indices().nth(64).map_or(text.len(), |(at, _)| at);
        Self {
            form,
            reason,
            text: text[..end].to_owned(),
        }
    }

    /// The form that was read: `"RFC 3339 date-time"`, `"RFC 2822 date-time"`, `"HTTP date"` or `"date"`.
    pub fn form(&self) -> &'static str {
        self.form
    }

    /// What is wrong, such as `"month out of range"`.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.form, self.text, self.reason)
    }
}

impl std::error::Error for ParseError {}

const RFC3339: &str = "RFC 3339 date-time";
const RFC2822: &str = "RFC 2822 date-time";
const HTTP_DATE: &str = "HTTP date";
const DATE: &str = "date";

type Step<T> = Result<T, &'static str>;

/// A position in the text being read.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Step<()> {
        if self.eat(byte) { Ok(()) } else { Err(reason) }
    }

    /// Consumes white space; true when there was some.
    fn spaces(&mut self) -> bool {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
        self.at > start
    }

    /// Between `min` and `max` decimal digits, and how many there were.
    fn number(&mut self, min: usize, max: usize, reason: &'static str) -> Step<(u32, usize)> {
        let start = self.at;
        let mut value = 0_u32;
        while self.at - start < max
            && let Some(digit @ b'0'..=b'9') = self.peek()
        {
            value = value * 10 + u32::from(digit - b'0');
            self.at += 1;
        }
        let count = self.at - start;
        if count < min {
            return Err(reason);
        }
        Ok((value, count))
    }

    /// Exactly `n` digits.
    fn fixed(&mut self, n: usize, reason: &'static str) -> Step<u32> {
        self.number(n, n, reason).map(|(value, _)| value)
    }

    /// A run of ASCII letters.
    fn word(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }
}

/// Index of `word` among three-letter `names`, ignoring case.
fn name_index(names: &[&str], word: &[u8]) -> Option<usize> {
    names
        .iter()
        .position(|name| name.as_bytes().eq_ignore_ascii_case(word))
}

/// A month name: its three-letter abbreviation, any case.
fn month(cursor: &mut Cursor<'_>) -> Step<u8> {
    name_index(&MONTHS, cursor.word())
        .map(|i| i as u8 + 1)
        .ok_or("unknown month name")
}

/// How a time of day is written.
#[derive(Clone, Copy, PartialEq)]
enum Clock {
    /// `HH:MM:SS`.
    Strict,
    /// RFC 2822: seconds optional, white space allowed before the colons and after the first.
    Loose,
}

/// `HH:MM:SS`, checked.
fn time_of_day(cursor: &mut Cursor<'_>, clock: Clock) -> Step<(u32, u32, u32)> {
    let loose = clock == Clock::Loose;
    let colon = |cursor: &mut Cursor<'_>| {
        let at = cursor.at;
        if loose {
            cursor.spaces();
        }
        let found = cursor.eat(b':');
        if !found {
            cursor.at = at;
        }
        found
    };
    let hour = cursor.fixed(2, "expected a two-digit hour")?;
    if !colon(cursor) {
        return Err("expected ':' after the hour");
    }
    if loose {
        cursor.spaces();
    }
    let minute = cursor.fixed(2, "expected two-digit minutes")?;
    let second = if colon(cursor) {
        cursor.fixed(2, "expected two-digit seconds")?
    } else if loose {
        0
    } else {
        return Err("expected ':' after the minutes");
    };
    if hour > 23 {
        return Err("hour out of range");
    }
    if minute > 59 {
        return Err("minutes out of range");
    }
    if second == 60 {
        return Err("leap seconds are not represented");
    }
    if second > 59 {
        return Err("seconds out of range");
    }
    Ok((hour, minute, second))
}

/// The instant at a local date and time `offset` seconds east of UTC.
fn instant(
    date: Date,
    (hour, minute, second): (u32, u32, u32),
    nanos: u32,
    offset: i64,
) -> Step<Timestamp> {
    let local = date.days() * SECS_PER_DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Timestamp::from_unix(local - offset, nanos).ok_or("outside the years 0000 to 9999")
}

fn calendar_date(year: u32, month: u32, day: u32) -> Step<Date> {
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    let (year, month, day) = (
        u16::try_from(year).map_err(|_| "year out of range")?,
        month as u8,
        u8::try_from(day).map_err(|_| "day out of range")?,
    );
    Date::new(year, month, day).ok_or("no such day in that month")
}

/// `YYYY-MM-DD`.
fn full_date(cursor: &mut Cursor<'_>) -> Step<Date> {
    let year = cursor.fixed(4, "expected a four-digit year")?;
    cursor.expect(b'-', "expected '-' after the year")?;
    let month = cursor.fixed(2, "expected a two-digit month")?;
    cursor.expect(b'-', "expected '-' after the month")?;
    let day = cursor.fixed(2, "expected a two-digit day")?;
    calendar_date(year, month, day)
}

pub(crate) fn date(text: &str) -> Result<Date, ParseError> {
    let mut cursor = Cursor::new(text);
    full_date(&mut cursor)
        .and_then(|date| {
            if cursor.at_end() {
                Ok(date)
            } else {
                Err("unexpected text after the date")
            }
        })
        .map_err(|reason| ParseError::new(DATE, reason, text))
}

pub(crate) fn rfc3339(text: &str) -> Result<Timestamp, ParseError> {
    read_rfc3339(&mut Cursor::new(text)).map_err(|reason| ParseError::new(RFC3339, reason, text))
}

fn read_rfc3339(cursor: &mut Cursor<'_>) -> Step<Timestamp> {
    let date = full_date(cursor)?;
    if !(cursor.eat(b'T') || cursor.eat(b't') || cursor.eat(b' ')) {
        return Err("expected 'T' between the date and the time");
    }
    let time = time_of_day(cursor, Clock::Strict)?;
    let mut nanos = 0;
    if cursor.eat(b'.') {
        let (digits, count) = cursor.number(1, 9, "expected digits after '.'")?;
        nanos = digits * 10_u32.pow(9 - count as u32);
        while cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
            cursor.at += 1;
        }
    }
    let offset = if cursor.eat(b'Z') || cursor.eat(b'z') {
        0
    } else {
        let sign = match cursor.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err("expected 'Z' or an offset such as +02:00"),
        };
        cursor.at += 1;
        let hours = cursor.fixed(2, "expected two-digit offset hours")?;
        cursor.expect(b':', "expected ':' in the offset")?;
        let minutes = cursor.fixed(2, "expected two-digit offset minutes")?;
        if hours > 23 || minutes > 59 {
            return Err("offset out of range");
        }
        sign * i64::from(hours * 3600 + minutes * 60)
    };
    if !cursor.at_end() {
        return Err("unexpected text after the offset");
    }
    instant(date, time, nanos, offset)
}

pub(crate) fn rfc2822(text: &str) -> Result<Timestamp, ParseError> {
    read_rfc2822(&mut Cursor::new(text)).map_err(|reason| ParseError::new(RFC2822, reason, text))
}

fn read_rfc2822(cursor: &mut Cursor<'_>) -> Step<Timestamp> {
    cursor.spaces();
    let weekday = if cursor.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let day = name_index(&WEEKDAYS, cursor.word()).ok_or("unknown weekday name")?;
        cursor.expect(b',', "expected ',' after the weekday")?;
        cursor.spaces();
        Some(day)
    } else {
        None
    };
    let (day, _) = cursor.number(1, 2, "expected the day of the month")?;
    if !cursor.spaces() {
        return Err("expected a space after the day");
    }
    let month = month(cursor)?;
    if !cursor.spaces() {
        return Err("expected a space after the month");
    }
    let (year, digits) = cursor.number(2, 9, "expected a year of two or more digits")?;
    if cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
        return Err("year out of range");
    }
    let year = match (digits, year) {
        (2, 0..=49) => year + 2000,
        (2 | 3, _) => year + 1900,
        _ => year,
    };
    let date = calendar_date(year, u32::from(month), day)?;
    if !cursor.spaces() {
        return Err("expected a space after the date");
    }
    let time = time_of_day(cursor, Clock::Loose)?;
    if !cursor.spaces() {
        return Err("expected a space before the zone");
    }
    let offset = zone_2822(cursor)?;
    loop {
        let at = cursor.at;
        cursor.spaces();
        if cursor.peek() != Some(b'(') {
            cursor.at = at;
            break;
        }
        comment(cursor)?;
    }
    if !cursor.at_end() {
        return Err("unexpected text after the zone");
    }
    if let Some(weekday) = weekday
        && weekday_of_days(date.days()) != weekday
    {
        return Err("the weekday does not match the date");
    }
    instant(date, time, 0, offset)
}

/// An RFC 2822 zone, as seconds east of UTC.
fn zone_2822(cursor: &mut Cursor<'_>) -> Step<i64> {
    let sign = match cursor.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => {
            let name = cursor.word().to_ascii_uppercase();
            let hours = match name.as_slice() {
                b"UT" | b"GMT" | b"Z" => 0,
                b"EDT" => -4,
                b"EST" | b"CDT" => -5,
                b"CST" | b"MDT" => -6,
                b"MST" | b"PDT" => -7,
                b"PST" => -8,
                // One-letter military zones are read as UTC (RFC 2822 section 4.3), except J, which is none.
                [letter] if letter.is_ascii_alphabetic() && *letter != b'J' => 0,
                _ => return Err("unknown zone"),
            };
            return Ok(hours * 3600);
        }
    };
    cursor.at += 1;
    let hours = cursor.fixed(2, "expected a four-digit zone such as +0000")?;
    let minutes = cursor.fixed(2, "expected a four-digit zone such as +0000")?;
    if hours > 23 || minutes > 59 {
        return Err("zone out of range");
    }
    Ok(sign * i64::from(hours * 3600 + minutes * 60))
}

/// A parenthesized comment, which may nest and escape with `\`.
fn comment(cursor: &mut Cursor<'_>) -> Step<()> {
    let mut depth = 0_usize;
    while let Some(byte) = cursor.peek() {
        cursor.at += 1;
        match byte {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
            b'\\' => cursor.at = (cursor.at + 1).min(cursor.bytes.len()),
            _ => {}
        }
    }
    Err("unclosed comment")
}

pub(crate) fn http_date(text: &str) -> Result<Timestamp, ParseError> {
    if let Ok(at) = rfc2822(text) {
        return Ok(at);
    }
    let mut cursor = Cursor::new(text);
    let weekday = cursor.word();
    let read = if cursor.eat(b',') {
        read_rfc850(&mut cursor)
    } else if weekday.len() == 3 {
        read_asctime(&mut cursor)
    } else {
        Err("not an HTTP date in any of its three forms")
    };
    read.and_then(|at| {
        if cursor.at_end() {
            Ok(at)
        } else {
            Err("unexpected text after the date")
        }
    })
    .map_err(|reason| ParseError::new(HTTP_DATE, reason, text))
}

/// After `Sunday,`: ` 06-Nov-94 08:49:37 GMT`.
fn read_rfc850(cursor: &mut Cursor<'_>) -> Step<Timestamp> {
    cursor.expect(b' ', "expected a space after the weekday")?;
    let day = cursor.fixed(2, "expected a two-digit day")?;
    cursor.expect(b'-', "expected '-' after the day")?;
    let month = month(cursor)?;
    cursor.expect(b'-', "expected '-' after the month")?;
    let year = cursor.fixed(2, "expected a two-digit year")?;
    let year = if year < 70 { 2000 + year } else { 1900 + year };
    let date = calendar_date(year, u32::from(month), day)?;
    cursor.expect(b' ', "expected a space after the date")?;
    let time = time_of_day(cursor, Clock::Strict)?;
    cursor.expect(b' ', "expected a space before GMT")?;
    if cursor.word() != b"GMT" {
        return Err("expected GMT");
    }
    instant(date, time, 0, 0)
}

/// After `Sun`: ` Nov  6 08:49:37 1994`.
fn read_asctime(cursor: &mut Cursor<'_>) -> Step<Timestamp> {
    cursor.expect(b' ', "expected a space after the weekday")?;
    let month = month(cursor)?;
    if !cursor.spaces() {
        return Err("expected a space after the month");
    }
    let (day, _) = cursor.number(1, 2, "expected the day of the month")?;
    cursor.expect(b' ', "expected a space after the day")?;
    let time = time_of_day(cursor, Clock::Strict)?;
    cursor.expect(b' ', "expected a space after the time")?;
    let year = cursor.fixed(4, "expected a four-digit year")?;
    instant(calendar_date(year, u32::from(month), day)?, time, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> String {
        match Timestamp::parse(text) {
            Ok(at) => at.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn rfc3339_forms() {
        assert_eq!(t("2015-07-30T20:00:00Z"), "2015-07-30T20:00:00Z");
        assert_eq!(t("2015-07-30t20:00:00z"), "2015-07-30T20:00:00Z");
        assert_eq!(t("2015-07-30 20:00:00+00:00"), "2015-07-30T20:00:00Z");
        assert_eq!(
            t("2015-07-30T20:00:00.25-01:30"),
            "2015-07-30T21:30:00.250Z"
        );
        assert_eq!(
            t("2015-07-30T20:00:00.1234567891234Z"),
            "2015-07-30T20:00:00.123456789Z"
        );
        assert_eq!(t("2016-02-29T00:30:00+01:00"), "2016-02-28T23:30:00Z");
    }

    #[test]
    fn rfc2822_forms() {
        assert_eq!(t("Thu, 30 Jul 2015 20:00:00 +0000"), "2015-07-30T20:00:00Z");
        assert_eq!(t("30 jul 2015 20:00 GMT"), "2015-07-30T20:00:00Z");
        assert_eq!(t("Thu, 30 Jul 15 13:00:00 PDT"), "2015-07-30T20:00:00Z");
        assert_eq!(
            t("Thu, 30 Jul 115 20:00:00 Z (UTC)"),
            "2015-07-30T20:00:00Z"
        );
        assert_eq!(t("Fri, 30 Jul 99 20:00:00 +0000"), "1999-07-30T20:00:00Z");
        assert_eq!(
            t("Thu, 30 Jul 99 20:00:00 +0000"),
            "invalid RFC 2822 date-time \"Thu, 30 Jul 99 20:00:00 +0000\": the weekday does not match the date"
        );
    }

    #[test]
    fn errors_name_the_form_the_reason_and_the_text() {
        assert_eq!(
            t("2015-13-30T20:00:00Z"),
            "invalid RFC 3339 date-time \"2015-13-30T20:00:00Z\": month out of range"
        );
        assert_eq!(
            Timestamp::parse_rfc2822("Fri, 30 Jul 2015 20:00:00 +0000")
                .unwrap_err()
                .to_string(),
            "invalid RFC 2822 date-time \"Fri, 30 Jul 2015 20:00:00 +0000\": the weekday does not match the date"
        );
        let err = Timestamp::parse_rfc3339("2016-12-31T23:59:60Z").unwrap_err();
        assert_eq!(err.form(), "RFC 3339 date-time");
        assert_eq!(err.reason(), "leap seconds are not represented");
        let err = Timestamp::parse_rfc3339("0000-01-01T00:00:00+01:00").unwrap_err();
        assert_eq!(err.reason(), "outside the years 0000 to 9999");
        let long = "x".repeat(100);
        assert_eq!(
            Timestamp::parse(&long).unwrap_err().to_string(),
            format!(
                "invalid RFC 2822 date-time {:?}: unknown weekday name",
                "x".repeat(64)
            )
        );
        assert_eq!(
            Date::parse("2021-02-29").unwrap_err().to_string(),
            "invalid date \"2021-02-29\": no such day in that month"
        );
        assert_eq!(
            Date::parse("2021-02-28x").unwrap_err().reason(),
            "unexpected text after the date"
        );
        // Multi-byte text is cut on a character boundary.
        assert!(Timestamp::parse(&"é".repeat(70)).is_err());
        assert!(Timestamp::parse("Thu, 30 Jul 2015 20:00:00 +0000 (open").is_err());
        assert!(Timestamp::parse("Thu, 30 Jul 2015 20:00:00 +0000 \\").is_err());
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let at = Timestamp::from_unix(784_111_777, 0).unwrap();
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun Nov 6 08:49:37 1994",
        ] {
            assert_eq!(Timestamp::parse_http_date(form), Ok(at), "{form}");
        }
        assert_eq!(
            Timestamp::parse_http_date("Monday, 01-Jan-01 00:00:00 GMT").map(|t| t.to_string()),
            Ok("2001-01-01T00:00:00Z".to_owned())
        );
        for bad in [
            "Sunday, 06-Nov-94 08:49:37",
            "Sunday, 06-Nov-94 08:49:37 GMTx",
            "Sun Nov  6 08:49:37",
            "Sun Nov 31 08:49:37 1994",
            "soon",
            "",
        ] {
            let err = Timestamp::parse_http_date(bad).unwrap_err();
            assert_eq!(err.form(), "HTTP date", "{bad}");
        }
    }
}

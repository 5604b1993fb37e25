//! Conversions to and from chrono (feature `chrono`).

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};

use crate::{Date, OutOfRange, Timestamp};

impl From<Timestamp> for DateTime<Utc> {
    fn from(at: Timestamp) -> Self {
        // chrono covers years -262143 to 262142, a superset of 0000 to 9999.
        DateTime::from_timestamp(at.unix_seconds(), at.subsec_nanos()).unwrap_or_default()
    }
}

impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = OutOfRange;

    /// Fails outside the years 0000 to 9999. A leap second reads as the last nanosecond of its minute.
    fn try_from(at: DateTime<Utc>) -> Result<Self, OutOfRange> {
        Timestamp::from_unix(at.timestamp(), at.timestamp_subsec_nanos().min(999_999_999))
            .ok_or(OutOfRange)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        NaiveDate::from_ymd_opt(
            i32::from(date.year()),
            u32::from(date.month()),
            u32::from(date.day()),
        )
        .unwrap_or_default()
    }
}

impl TryFrom<NaiveDate> for Date {
    type Error = OutOfRange;

    /// Fails outside the years 0000 to 9999.
    fn try_from(date: NaiveDate) -> Result<Self, OutOfRange> {
        let year = u16::try_from(date.year()).map_err(|_| OutOfRange)?;
        Date::new(year, date.month() as u8, date.day() as u8).ok_or(OutOfRange)
    }
}

//! Every format and parse compared with chrono's over many values and malformed variants.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use twilio_rest_time::{Date, Timestamp};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn sample_timestamps() -> Vec<Timestamp> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let span = (Timestamp::MAX.unix_seconds() - Timestamp::MIN.unix_seconds()) as u64;
    let mut out = vec![Timestamp::MIN, Timestamp::MAX, Timestamp::UNIX_EPOCH];
    for _ in 0..20_000 {
        let secs = Timestamp::MIN.unix_seconds() + rng.below(span + 1) as i64;
        let nanos = match rng.below(4) {
            0 => 0,
            1 => rng.below(1000) as u32 * 1_000_000,
            2 => rng.below(1_000_000) as u32 * 1_000,
            _ => rng.below(1_000_000_000) as u32,
        };
        out.push(Timestamp::from_unix(secs, nanos).unwrap());
    }
    out
}

fn chrono_of(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_seconds(), t.subsec_nanos()).unwrap()
}

#[test]
fn formats_match_chrono() {
    for t in sample_timestamps() {
        let c = chrono_of(t);
        assert_eq!(
            t.to_rfc3339(),
            c.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        );
        assert_eq!(format!("{t:?}"), format!("{c:?}"));
        assert_eq!(t.to_rfc2822(), c.to_rfc2822());
        assert_eq!(t.date().to_string(), c.date_naive().to_string());
        assert_eq!(format!("{:?}", t.date()), format!("{:?}", c.date_naive()));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            serde_json::to_string(&c).unwrap()
        );
        let mut encoded = String::new();
        t.write_rfc3339(&mut encoded, "%3A").unwrap();
        assert_eq!(encoded, t.to_rfc3339().replace(':', "%3A"));
        let mut long = String::new();
        t.write_rfc3339(&mut long, "<a long separator>").unwrap();
        assert_eq!(long, t.to_rfc3339().replace(':', "<a long separator>"));
    }
}

#[test]
fn conversions_round_trip_through_chrono() {
    for t in sample_timestamps() {
        let c: DateTime<Utc> = t.into();
        assert_eq!(c, chrono_of(t));
        assert_eq!(Timestamp::try_from(c), Ok(t));
        let d: NaiveDate = t.date().into();
        assert_eq!(Date::try_from(d), Ok(t.date()));
    }
    let before = NaiveDate::from_ymd_opt(-1, 12, 31).unwrap();
    assert!(Date::try_from(before).is_err());
    assert!(Timestamp::try_from(before.and_hms_opt(23, 0, 0).unwrap().and_utc()).is_err());
    let after = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
    assert!(Date::try_from(after).is_err());
}

/// Valid texts and variants of them: one byte replaced, bytes cut off, a byte inserted.
fn variants(valid: &[String], rng: &mut Rng) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789 :-+.,TtZzJjaAGMTUESPDC()\\x";
    let mut out = Vec::new();
    for text in valid {
        out.push(text.clone());
        let bytes = text.as_bytes();
        for _ in 0..6 {
            let mut changed = bytes.to_vec();
            let at = rng.below(changed.len() as u64) as usize;
            changed[at] = ALPHABET[rng.below(ALPHABET.len() as u64) as usize];
            out.push(String::from_utf8(changed).unwrap());
            let mut inserted = bytes.to_vec();
            inserted.insert(at, ALPHABET[rng.below(ALPHABET.len() as u64) as usize]);
            out.push(String::from_utf8(inserted).unwrap());
        }
        for end in 0..bytes.len() {
            out.push(text[..end].to_owned());
        }
    }
    out
}

/// The instant chrono reads, when it is one `Timestamp` represents (chrono also keeps leap seconds and years
/// outside 0000 to 9999).
fn representable(parsed: Option<DateTime<Utc>>) -> Option<Option<Timestamp>> {
    match parsed {
        None => Some(None),
        Some(c) if c.timestamp_subsec_nanos() >= 1_000_000_000 => None,
        Some(c) => Timestamp::try_from(c).ok().map(Some),
    }
}

#[test]
fn rfc3339_reads_as_chrono_reads() {
    let mut rng = Rng(7);
    let mut valid: Vec<String> = sample_timestamps()
        .into_iter()
        .take(400)
        .map(|t| t.to_rfc3339())
        .collect();
    valid.extend(
        [
            "2015-07-30T20:00:00+05:30",
            "2015-07-30 20:00:00.5-23:59",
            "2016-02-29t23:59:59.123456789123z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59-00:00",
            "2016-12-31T23:59:60Z",
        ]
        .map(str::to_owned),
    );
    let mut compared = 0;
    for text in variants(&valid, &mut rng) {
        let chrono = DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|d| d.with_timezone(&Utc));
        let Some(expected) = representable(chrono) else {
            assert!(Timestamp::parse_rfc3339(&text).is_err(), "{text}");
            continue;
        };
        assert_eq!(Timestamp::parse_rfc3339(&text).ok(), expected, "{text:?}");
        compared += 1;
    }
    assert!(compared > 10_000, "{compared}");
}

#[test]
fn rfc2822_reads_as_chrono_reads() {
    let mut rng = Rng(11);
    let mut valid: Vec<String> = sample_timestamps()
        .into_iter()
        .take(400)
        .map(|t| t.to_rfc2822())
        .collect();
    valid.extend(
        [
            "30 Jul 2015 20:00 GMT",
            "Thu, 30 jul 15 13:00:00 PDT",
            "Thu,30 Jul 115 20:00:00 EST",
            "Fri, 30 Jul 99 20:00:00 -1130",
            "Thu, 30 Jul 2015 20:00:00 +0000 (UTC)",
            "Thu, 30 Jul 2015 20:00:00 A",
            "  Thu, 30 Jul 2015 20:00:00 ut",
        ]
        .map(str::to_owned),
    );
    let mut compared = 0;
    for text in variants(&valid, &mut rng) {
        let chrono = DateTime::parse_from_rfc2822(&text)
            .ok()
            .map(|d| d.with_timezone(&Utc));
        let Some(expected) = representable(chrono) else {
            continue;
        };
        assert_eq!(Timestamp::parse_rfc2822(&text).ok(), expected, "{text:?}");
        compared += 1;
    }
    assert!(compared > 10_000, "{compared}");
}

#[test]
fn dates_read_as_chrono_reads() {
    let mut rng = Rng(13);
    let valid: Vec<String> = sample_timestamps()
        .into_iter()
        .take(400)
        .map(|t| t.date().to_string())
        .collect();
    for text in variants(&valid, &mut rng) {
        let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        let strict = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let expected = chrono
            .filter(|_| strict)
            .and_then(|d| Date::try_from(d).ok());
        assert_eq!(Date::parse(&text).ok(), expected, "{text:?}");
    }
}

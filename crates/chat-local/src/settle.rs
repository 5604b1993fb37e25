//! What Twilio computes from the form of a Conversations create or update, kept with the record's Conversations
//! fields: a conversation's timers are the dates they fire (`Timers.Inactive=PT1H` is answered as
//! `timers.date_inactive`, an hour from now), and a participant's messaging binding names its type (`sms`, or
//! `whatsapp` for a `whatsapp:` address).

use std::time::Duration;

use serde_json::{Map, Value, json};

use twilio_chat_v2::Timestamp;

use crate::store::ApiError;

/// Completes the Conversations fields (`apart`) of a stored record of `storage` after a create or update.
pub(crate) fn settle(storage: &str, apart: &mut Map<String, Value>) -> Result<(), ApiError> {
    match storage {
        "Channel" => timers(apart),
        "Member" => {
            binding_type(apart);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `timers.inactive` and `timers.closed` (durations from now, as sent) become `date_inactive` and `date_closed`.
fn timers(apart: &mut Map<String, Value>) -> Result<(), ApiError> {
    let Some(Value::Object(timers)) = apart.get_mut("timers") else {
        return Ok(());
    };
    for (sent, wire, date) in [
        ("inactive", "Timers.Inactive", "date_inactive"),
        ("closed", "Timers.Closed", "date_closed"),
    ] {
        let Some(value) = timers.remove(sent) else {
            continue;
        };
        let text = value.as_str().unwrap_or_default();
        let after = duration(text).ok_or_else(|| {
            ApiError::invalid(format!(
                "Invalid {wire}: `{}` is not an ISO 8601 duration such as PT1H",
                crate::store::shown(text)
            ))
        })?;
        let at = Timestamp::now()
            .checked_add(after)
            .and_then(|at| Timestamp::from_unix(at.unix_seconds(), 0))
            .ok_or_else(|| ApiError::invalid(format!("Invalid {wire}: `{text}` is too long")))?;
        timers.insert(date.to_owned(), json!(at.to_string()));
    }
    Ok(())
}

/// An ISO 8601 duration of whole weeks, days, hours, minutes and seconds (`P1D`, `PT10M`, `P1DT2H`).
fn duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut seconds: u64 = 0;
    let mut any = false;
    let mut add = |part: &str, units: &[(char, u64)]| -> Option<()> {
        let mut number = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, scale) = allowed.by_ref().find(|(unit, _)| *unit == c)?;
            let n: u64 = number.parse().ok()?;
            seconds = seconds.checked_add(n.checked_mul(*scale)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    add(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(time) = time {
        add(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then(|| Duration::from_secs(seconds))
}

/// A messaging binding with an address and no type gets `sms`, or `whatsapp` for a `whatsapp:` address.
fn binding_type(apart: &mut Map<String, Value>) {
    let Some(Value::Object(binding)) = apart.get_mut("messaging_binding") else {
        return;
    };
    if binding.contains_key("type") {
        return;
    }
    let Some(address) = binding.get("address").and_then(Value::as_str) else {
        return;
    };
    let kind = if address.starts_with("whatsapp:") {
        "whatsapp"
    } else {
        "sms"
    };
    binding.insert("type".to_owned(), json!(kind));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("PT1H"), Some(Duration::from_secs(3_600)));
        assert_eq!(duration("P1D"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            duration("P1W2DT3H4M5S"),
            Some(Duration::from_secs(
                604_800 + 2 * 86_400 + 3 * 3_600 + 4 * 60 + 5
            ))
        );
        assert_eq!(duration("PT10M"), Some(Duration::from_secs(600)));
        for bad in [
            "",
            "P",
            "PT",
            "1H",
            "PT1",
            "PTH",
            "P1H",
            "PT1D",
            "PT1M1H",
            "P-1D",
            "PT99999999999999999999H",
        ] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn timers_become_dates_and_bad_ones_are_refused() {
        let mut apart = Map::new();
        apart.insert(
            "timers".to_owned(),
            json!({"inactive": "PT1H", "closed": "P1D"}),
        );
        settle("Channel", &mut apart).unwrap();
        let timers = apart["timers"].as_object().unwrap();
        assert_eq!(timers.len(), 2, "{timers:?}");
        let inactive: Timestamp = timers["date_inactive"].as_str().unwrap().parse().unwrap();
        let closed: Timestamp = timers["date_closed"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            closed.unix_seconds() - inactive.unix_seconds(),
            86_400 - 3_600
        );
        apart.insert("timers".to_owned(), json!({"closed": "soon"}));
        let error = settle("Channel", &mut apart).unwrap_err();
        assert!(
            error.body()["message"]
                .as_str()
                .unwrap()
                .contains("Timers.Closed")
        );
    }

    #[test]
    fn bindings_get_their_type() {
        for (address, kind) in [
            ("+15005550006", "sms"),
            ("whatsapp:+15005550006", "whatsapp"),
        ] {
            let mut apart = Map::new();
            apart.insert("messaging_binding".to_owned(), json!({"address": address}));
            settle("Member", &mut apart).unwrap();
            assert_eq!(apart["messaging_binding"]["type"], kind);
        }
    }
}

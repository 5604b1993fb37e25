//! Pre-events for REST calls, when [`Config::pre_events_from_rest`](crate::Config::pre_events_from_rest) is on.
//!
//! At Twilio only a client SDK's actions fire pre-events. With the switch on, a create, update or delete of the
//! REST API that the description pairs with a pre-event (`before` in `x-twilio-webhooks`) plays the SDK's part:
//! before anything changes, the record as it would be after the action (the current record with the form's fields
//! applied; for a create, the form's fields and the parents' SIDs) is sent as the pre-event to the service's
//! `pre_webhook_url` (else, for Conversations, the account's global one) when its filters name the event. Then:
//! - a `200` answer lets the action go ahead; a JSON object in it replaces the form parameters the reply may change
//!   (`{"body": "..."}` replaces `Body`), a string as it is and any other JSON value as its JSON text;
//! - any other status refuses the action: `403` with code 20403, naming the event, the URL and the status;
//! - no answer within the timeout ([`Config::pre_event_timeout`](crate::Config::pre_event_timeout), 5 seconds by
//!   default, Twilio's limit) or a refused connection refuses it too: `504` with code 50076, Twilio's code for a
//!   webhook that did not answer in time.
//!
//! Every pre-event and what its answer did goes to the delivery log.

use std::sync::PoisonError;
use std::time::SystemTime;

use axum::http::{Method, Uri};
use serde_json::{Map, Value};

use crate::deliveries::{Outcome, Timing};
use crate::form::{Pairs, Source};
use crate::http::Shared;
use crate::store::{ApiError, Store, decode, set_path};
use crate::table::{Kind, Route};
use crate::webhook::{Outgoing, chosen, family, requests};

/// Twilio's code for a refusal: 403 Forbidden.
const REJECTED: u32 = 20403;
/// Twilio's code for a webhook that did not answer in time.
const NO_ANSWER: u32 = 50076;

/// Runs the pre-event of a request, if it has one: `Ok(Some(body))` is the form body to act on, with the reply's
/// changes; `Err` refuses the action. Requests the route table does not know, or whose form does not decode, are
/// left to the handler, which answers them with the right error.
pub(crate) async fn run(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Result<Option<Vec<u8>>, ApiError> {
    let Ok((api, route, raw)) = crate::server::match_route(method.as_str(), uri.path()) else {
        return Ok(None);
    };
    let Some(family) = family(api) else {
        return Ok(None);
    };
    let Ok(mut form) = Pairs::parse(body, Source::Body) else {
        return Ok(None);
    };
    let Some(event) = chosen(family.pre_events, route.resource, route.kind, |wire| {
        form.has(wire)
    }) else {
        return Ok(None);
    };
    let outgoing: Vec<Outgoing> = {
        let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(record) = proposed(&mut store, api, route, &raw, &form, uri.path()) else {
            return Ok(None);
        };
        requests(
            &mut store,
            family,
            Timing::Pre,
            event,
            &record,
            shared.credentials.auth_token(),
        )
    };
    if outgoing.is_empty() {
        return Ok(None);
    }
    let mut changed = false;
    for out in outgoing {
        let sent_at = SystemTime::now();
        let answer = crate::webhook::send(&shared.http, &out, shared.pre_event_timeout).await;
        let (outcome, refusal) = match &answer.status {
            Ok(200) => {
                let changes = replies(event.changes, &answer.body);
                for (wire, value) in &changes {
                    form.replace(wire, value);
                }
                changed |= !changes.is_empty();
                if changes.is_empty() {
                    (Outcome::Allowed, None)
                } else {
                    (Outcome::Modified(changes), None)
                }
            }
            Ok(status) => (
                Outcome::Rejected,
                Some(ApiError::new(
                    403,
                    REJECTED,
                    format!(
                        "The action was rejected: the {} pre-event webhook at {} answered {status}",
                        out.event_type, out.url
                    ),
                )),
            ),
            Err(reason) => (
                Outcome::Failed(reason.clone()),
                Some(ApiError::new(
                    504,
                    NO_ANSWER,
                    format!(
                        "The action was refused: the {} pre-event webhook at {} did not answer ({reason})",
                        out.event_type, out.url
                    ),
                )),
            ),
        };
        crate::webhook::log(shared, out, answer, outcome, sent_at);
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
    }
    Ok(changed.then(|| form.encode().into_bytes()))
}

/// The form parameters a `200` reply replaces: `(wire name, value)` for each key of `changes` (`(reply key, wire
/// name)`) that the reply's JSON object carries, not `null`.
fn replies(changes: &[(&str, &str)], body: &str) -> Vec<(String, String)> {
    let Ok(Value::Object(reply)) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    changes
        .iter()
        .filter_map(|(key, wire)| {
            let text = match reply.get(*key)? {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(((*wire).to_owned(), text))
        })
        .collect()
}

/// The record as the action would leave it, as the product shows it: the current record (update, delete) or the
/// parents' SIDs and the SIDs the parent shares with it (create), with the form's fields applied. `None` when a
/// record it names does not exist (the handler answers 404).
fn proposed(
    store: &mut Store,
    api: Option<&'static crate::mapping::Api>,
    route: &'static Route,
    raw: &[String],
    form: &Pairs,
    path: &str,
) -> Option<Map<String, Value>> {
    let mut record = match route.kind {
        Kind::Create => created(store, api, route, raw, path)?,
        _ => crate::server::fetch_view(store, path)?,
    };
    for field in route.form.iter().filter(|f| !f.field.is_empty()) {
        let values = form.all(field.wire);
        if values.is_empty() {
            continue;
        }
        if let Ok(value) = decode(field.wire, field.kind, &values) {
            set_path(&mut record, field.field, value);
        }
    }
    Some(record)
}

/// A new record's parent SIDs, from each parent's own path (`/v2/Services/IS.../Channels/CH...` for a message),
/// and the `..._sid` fields of its nearest parent that it has too (`account_sid`, `chat_service_sid`).
fn created(
    store: &mut Store,
    api: Option<&'static crate::mapping::Api>,
    route: &'static Route,
    raw: &[String],
    path: &str,
) -> Option<Map<String, Value>> {
    let fields: Vec<&str> = match api {
        None => Store::resource(route.resource)?
            .fields
            .iter()
            .map(|f| f.name)
            .collect(),
        Some(api) => api
            .resource(route.resource)?
            .fields
            .iter()
            .map(|f| f.name)
            .collect(),
    };
    let mut record = Map::new();
    let segments: Vec<&str> = path.split('/').collect();
    let template: Vec<&str> = route.path.split('/').collect();
    let mut nearest = None;
    for (param, _) in route.path_params.iter().zip(raw) {
        let at = template
            .iter()
            .position(|t| *t == format!("{{{}}}", param.name))?;
        let parent = crate::server::fetch_view(store, &segments[..=at].join("/"))?;
        if let (Some(field), Some(sid)) = (param.field, parent.get("sid")) {
            record.insert(field.to_owned(), sid.clone());
        }
        nearest = Some(parent);
    }
    for (key, value) in nearest.into_iter().flatten() {
        if key != "sid" && key.ends_with("_sid") && fields.contains(&key.as_str()) {
            record.entry(key).or_insert(value);
        }
    }
    Some(record)
}

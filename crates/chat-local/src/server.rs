//! The HTTP side: Basic authentication on every path, bodies read within their limit, matching a request against
//! the generated route table, resolving path parameters (SIDs, unique names, identities) to records, and the
//! generic create, fetch, update, delete and list of every resource in Twilio's wire format (form bodies in, JSON
//! and pages out, errors in Twilio's shape).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::behaviour;
use crate::body::Limit;
use crate::form::{Pairs, Source};
use crate::generated::chat_v2::ROUTES;
use crate::http::{
    Answer, Payload, Shared, authenticate, error_response, json_bytes_response, json_response,
    valued,
};
use crate::list::{filtered, page};
use crate::mapping::{Api, CHAT_V3, CONVERSATIONS_V1};
use crate::request::{apply_form, parent_constraints, required};
use crate::store::{ApiError, Change, Record, Store};
use crate::table::{Kind, Resource, Route};
use crate::webhook::{Happened, family, post_events};

/// The router of the main host: every request goes through [`handle`]. Bodies are read by [`crate::body`] within
/// their limit, not by an extractor.
pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

/// The router of the temporary-link host: no credentials, only pre-signed content links.
pub(crate) fn temporary_router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .fallback(
            |State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap| async move {
                crate::media::temporary(&shared, &uri, &headers)
            },
        )
        .with_state(shared)
}

/// Numbers the answers' `Twilio-Request-Id`s (`RQ` and 32 hex digits, as Twilio's), unique in the process.
static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// Answers one request, with a fresh `Twilio-Request-Id` on every answer as Twilio sends.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut response = answer(&shared, &parts, body).await;
    crate::journal::record(
        &shared,
        parts.method.as_str(),
        parts.uri.path(),
        response.status().as_u16(),
    );
    let id = format!("RQ{:032x}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed));
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        response.headers_mut().insert("twilio-request-id", value);
    }
    response
}

/// Injected faults first, then credentials (on every path, before anything else is looked at), then the body
/// within its limit, then the media paths or the route table.
async fn answer(shared: &Arc<Shared>, parts: &Parts, body: Body) -> Response {
    let Parts {
        method,
        uri,
        headers,
        ..
    } = parts;
    if let Some(response) = injected(shared, method).await {
        return response;
    }
    if let Err(e) = authenticate(&shared.credentials, headers) {
        return error_response(&e);
    }
    let limit = Limit::of(method, uri.path(), shared.form_body_limit);
    let body = match crate::body::read(body, headers, limit).await {
        Ok(body) => body,
        Err(e) => return error_response(&e),
    };
    if let Some(response) = crate::media::handle(shared, method, uri, headers, &body) {
        return response;
    }
    let mut body = body;
    if shared.pre_events_from_rest {
        match crate::pre_event::run(shared, method, uri, &body).await {
            Ok(Some(changed)) => body = changed.into(),
            Ok(None) => {}
            Err(e) => return error_response(&e),
        }
    }
    let mut happened = Vec::new();
    let answer = respond(shared, method, uri, &body, &mut happened);
    if answer.is_ok() && webhooks_enabled(headers) {
        send_webhooks(shared, &happened);
    }
    match answer {
        Ok((status, Some(Payload::Value(value)))) => json_response(status, &value),
        Ok((status, Some(Payload::Serialized(bytes)))) => json_bytes_response(status, bytes),
        Ok((status, None)) => Response::builder()
            .status(StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT))
            .body(Body::empty())
            .unwrap_or_else(|_| Response::new(Body::empty())),
        Err(e) => error_response(&e),
    }
}

/// The answer of an injected fault, after its latency; `None` to process the request.
async fn injected(shared: &Shared, method: &Method) -> Option<Response> {
    let fault = take_fault(shared, method)?;
    let Some((error, retry_after)) = fault.answer() else {
        if let crate::fault::Fault::Latency(delay) = fault {
            tokio::time::sleep(delay).await;
        }
        return None;
    };
    let mut response = error_response(&error);
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    Some(response)
}

/// Whether the request asks for webhooks (`X-Twilio-Webhook-Enabled: true`).
fn webhooks_enabled(headers: &HeaderMap) -> bool {
    headers
        .get("x-twilio-webhook-enabled")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Sends, in the background, the post-events of a request's changes.
fn send_webhooks(shared: &Arc<Shared>, happened: &[Happened]) {
    let outgoing = {
        let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
        happened
            .iter()
            .flat_map(|h| post_events(&mut store, h, shared.credentials.auth_token()))
            .collect::<Vec<_>>()
    };
    for out in outgoing {
        tokio::spawn(crate::webhook::post(Arc::clone(shared), out));
    }
}

/// The first injected fault that applies to a request with `method`, counted as used.
fn take_fault(shared: &Shared, method: &Method) -> Option<crate::fault::Fault> {
    let count = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let every = shared
        .every
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some((_, fault)) = every.filter(|(n, _)| *n > 0 && count.is_multiple_of(*n)) {
        return Some(fault);
    }
    let mut faults = shared.faults.lock().unwrap_or_else(PoisonError::into_inner);
    let index = faults.iter().position(|p| {
        p.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    })?;
    let pending = &mut faults[index];
    pending.remaining = pending.remaining.saturating_sub(1);
    let fault = pending.fault.clone();
    if pending.remaining == 0 {
        faults.remove(index);
    }
    Some(fault)
}

/// Answers an authenticated request through the route tables; the changes it made are left in `happened`.
fn respond(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    body: &[u8],
    happened: &mut Vec<Happened>,
) -> Result<Answer, ApiError> {
    let path = uri.path();
    let (api, route, raw) = match_route(method.as_str(), path)?;
    let query = Pairs::parse(uri.query().unwrap_or_default().as_bytes(), Source::Query)?;
    let form = Pairs::parse(body, Source::Body)?;
    let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(family) = family(api) else {
        return dispatch(&mut store, api, route, &raw, &form, &query, path);
    };
    if api.is_none() {
        let answer = dispatch(&mut store, api, route, &raw, &form, &query, path);
        // Taken under the same lock, so a concurrent request never sees this one's changes.
        happened.extend(store.changes.drain(..).map(|c| Happened {
            family,
            sent: if c.resource == route.resource {
                sent(route, &form)
            } else {
                Vec::new()
            },
            resource: c.resource,
            kind: c.kind,
            record: c.record,
        }));
        return answer;
    }
    // A product's change is reported with the record as the product shows it: the answer, or for a delete the
    // record as fetched just before.
    let before = match route.kind {
        Kind::Delete => fetch_view(&mut store, path),
        _ => None,
    };
    let answer = dispatch(&mut store, api, route, &raw, &form, &query, path)?;
    let record = match (&answer, before) {
        (_, Some(before)) => Some(Value::Object(before)),
        ((_, Some(Payload::Value(value))), None)
            if matches!(route.kind, Kind::Create | Kind::Update) =>
        {
            Some(value.clone())
        }
        _ => None,
    };
    if let Some(record) = record {
        happened.push(Happened {
            family,
            resource: route.resource,
            kind: route.kind,
            record,
            sent: sent(route, &form),
        });
    }
    Ok(answer)
}

/// The form parameters of `route` that `form` has.
fn sent(route: &Route, form: &Pairs) -> Vec<&'static str> {
    route
        .form
        .iter()
        .filter(|f| form.has(f.wire))
        .map(|f| f.wire)
        .collect()
}

/// Answers a matched request with the store locked.
fn dispatch(
    store: &mut Store,
    api: Option<&'static Api>,
    route: &'static Route,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<Answer, ApiError> {
    if let Some(api) = api {
        return crate::product::respond(store, api, route, raw, form, query, path);
    }
    let resource = Store::resource(route.resource).ok_or_else(|| ApiError::not_found(path))?;
    match route.resource {
        "UserChannel" => {
            crate::views::user_channel(store, route, resource, raw, form, query, path).map(valued)
        }
        "UserBinding" => {
            crate::views::user_binding(store, route, resource, raw, query, path).map(valued)
        }
        _ => generic(store, route, resource, raw, form, query, path),
    }
}

/// The record at `path` as a `GET` answers it, if there is one.
pub(crate) fn fetch_view(store: &mut Store, path: &str) -> Option<Map<String, Value>> {
    let (api, route, raw) = match_route("GET", path).ok()?;
    if route.kind != Kind::Fetch {
        return None;
    }
    let empty = Pairs::default();
    match dispatch(store, api, route, &raw, &empty, &empty, path) {
        Ok((_, Some(Payload::Value(Value::Object(record))))) => Some(record),
        _ => None,
    }
}

/// A matched route: the product it belongs to (`None` for Chat v2, whose records are the stored ones), the route,
/// the decoded values of its parameters.
pub(crate) type Matched = (Option<&'static Api>, &'static Route, Vec<String>);

/// The route whose template matches `path`: Chat v2's first, then Chat v3's, then Conversations v1's. Their
/// version prefixes differ, except that Chat v2's media paths (`/v1/Services/{ServiceSid}/Media...`) share
/// Conversations' `/v1/Services/{ChatServiceSid}/...`: their literal segments (`Media`) tell them apart, and media
/// requests are answered before any table is read.
pub(crate) fn match_route(method: &str, path: &str) -> Result<Matched, ApiError> {
    let segments: Vec<String> = path.split('/').map(percent_decode).collect();
    let mut path_matched = false;
    for (api, route, template) in templates() {
        let fits = template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| {
                if t.starts_with('{') {
                    !s.is_empty()
                } else {
                    t == s
                }
            });
        if !fits {
            continue;
        }
        path_matched = true;
        if route.method == method {
            let params = template
                .iter()
                .zip(&segments)
                .filter(|(t, _)| t.starts_with('{'))
                .map(|(_, s)| s.clone())
                .collect();
            return Ok((*api, route, params));
        }
    }
    if path_matched {
        Err(ApiError::method_not_allowed(method, path))
    } else {
        Err(ApiError::not_found(path))
    }
}

/// Every route of the three tables in matching order, each with its path template split at `/`.
fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let tables: [(Option<&'static Api>, &'static [Route]); 3] = [
            (None, ROUTES),
            (Some(&CHAT_V3), CHAT_V3.routes),
            (Some(&CONVERSATIONS_V1), CONVERSATIONS_V1.routes),
        ];
        tables
            .into_iter()
            .flat_map(|(api, routes)| {
                routes
                    .iter()
                    .map(move |route| (api, route, route.path.split('/').collect()))
            })
            .collect()
    })
}

/// A route of [`templates`]: its product, the route, its path template's segments.
type Template = (Option<&'static Api>, &'static Route, Vec<&'static str>);

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn generic(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<Answer, ApiError> {
    let constraints = parent_constraints(store, route, raw, path)?;
    let own = || -> Result<Record, ApiError> {
        let param = route
            .path_params
            .last()
            .ok_or_else(|| ApiError::not_found(path))?;
        let key = raw.last().ok_or_else(|| ApiError::not_found(path))?;
        store
            .find(resource.name, key, param.alternate, &constraints)
            .cloned()
            .ok_or_else(|| ApiError::not_found(path))
    };
    match route.kind {
        Kind::Create => {
            required(route, form)?;
            let mut record = store.blank(resource, &constraints);
            behaviour::defaults(store, resource, &mut record);
            apply_form(route, form, &mut record.value)?;
            for field in route.form.iter().filter(|f| f.field.is_empty()) {
                if let Some(value) = form.last(field.wire) {
                    behaviour::unmapped(store, resource, &mut record, field.wire, value)?;
                }
            }
            behaviour::check(store, resource, &mut record, None)?;
            store.locate(resource, &mut record.value);
            let out = behaviour::render(store, resource, &record);
            store.insert(resource.name, record);
            store.changes.push(change(resource, Kind::Create, &out));
            Ok((201, Some(Payload::Value(out))))
        }
        Kind::Fetch => {
            let record = own()?;
            let out = behaviour::render(store, resource, &record);
            Ok((200, Some(Payload::Value(out))))
        }
        Kind::Update => {
            let old = own()?;
            required(route, form)?;
            let mut record = old.clone();
            apply_form(route, form, &mut record.value)?;
            if !form.has("DateUpdated") && record.value.contains_key("date_updated") {
                record
                    .value
                    .insert("date_updated", json!(crate::store::now()));
            }
            behaviour::check(store, resource, &mut record, Some(&old))?;
            let out = behaviour::render(store, resource, &record);
            store.replace(resource.name, record);
            store.changes.push(change(resource, Kind::Update, &out));
            Ok((200, Some(Payload::Value(out))))
        }
        Kind::Delete => {
            let record = own()?;
            let out = behaviour::render(store, resource, &record);
            store.remove(resource, record.str("sid").unwrap_or_default());
            store.changes.push(change(resource, Kind::Delete, &out));
            Ok((204, None))
        }
        Kind::List => {
            let items = store
                .filter(resource.name, &constraints)
                .filter(|r| filtered(route, query, r))
                .map(|r| (r.seq, r));
            let desc = crate::list::descending(route, query);
            let items = crate::list::in_order(items, desc);
            let page = page(store, route, path, query, items, desc, |r| {
                behaviour::view(store, resource, r)
            })?;
            Ok((200, Some(Payload::Serialized(page.to_bytes()?))))
        }
    }
}

fn change(resource: &'static Resource, kind: Kind, record: &Value) -> Change {
    Change {
        resource: resource.name,
        kind,
        record: record.clone(),
    }
}

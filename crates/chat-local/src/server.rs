//! The HTTP side: Basic authentication, matching a request against the generated route table, resolving path
//! parameters (SIDs, unique names, identities) to records, and the generic create, fetch, update, delete and list
//! of every resource in Twilio's wire format (form bodies in, JSON and pages out, errors in Twilio's shape).

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::LocalCredentials;
use crate::behaviour;
use crate::generated::ROUTES;
use crate::store::{ApiError, Record, Store, decode, matches, set_path, snake};
use crate::table::{Kind, Resource, Route};

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub credentials: LocalCredentials,
    /// Sends webhooks.
    pub http: reqwest::Client,
}

/// Largest request body read (media uploads; the service's own limit, 150 MB by default, answers below it).
const BODY_LIMIT: usize = 160 * 1024 * 1024;

/// The router of the main host: every request goes through [`handle`].
pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
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

/// A JSON answer.
pub(crate) fn json_response(status: u16, value: &Value) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(value.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// An error in Twilio's JSON shape (with `WWW-Authenticate` on 401).
pub(crate) fn error_response(error: &ApiError) -> Response {
    let mut response = json_response(error.status, &error.body());
    if error.status == 401 {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"Twilio API\""),
        );
    }
    response
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(fault) = take_fault(&shared, &method) {
        match fault.answer() {
            Some((error, retry_after)) => {
                let mut response = error_response(&error);
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
                }
                return response;
            }
            None => {
                if let crate::fault::Fault::Latency(delay) = fault {
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
    if let Some(response) = crate::media::handle(&shared, &method, &uri, &headers, &body) {
        return response;
    }
    let mut changes = Vec::new();
    let answer = respond(&shared, &method, &uri, &headers, &body, &mut changes);
    let deliveries = {
        let store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
        let enabled = headers
            .get("x-twilio-webhook-enabled")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        changes
            .iter()
            .filter(|_| enabled && answer.is_ok())
            .filter_map(|c| crate::webhook::delivery(&store, c, shared.credentials.auth_token()))
            .collect::<Vec<_>>()
    };
    for delivery in deliveries {
        tokio::spawn(crate::webhook::send(shared.http.clone(), delivery));
    }
    match answer {
        Ok((status, Some(value))) => json_response(status, &value),
        Ok((status, None)) => Response::builder()
            .status(StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT))
            .body(Body::empty())
            .unwrap_or_else(|_| Response::new(Body::empty())),
        Err(e) => error_response(&e),
    }
}

/// The first injected fault that applies to a request with `method`, counted as used.
fn take_fault(shared: &Shared, method: &Method) -> Option<crate::fault::Fault> {
    let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
    let index = store.faults.iter().position(|p| {
        p.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    })?;
    let pending = &mut store.faults[index];
    pending.remaining = pending.remaining.saturating_sub(1);
    let fault = pending.fault.clone();
    if pending.remaining == 0 {
        store.faults.remove(index);
    }
    Some(fault)
}

/// Form or query pairs, in order.
pub(crate) struct Pairs(Vec<(String, String)>);

impl Pairs {
    fn parse(text: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(text).into_owned().collect())
    }

    fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn respond(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    changes: &mut Vec<crate::webhook::Change>,
) -> Result<(u16, Option<Value>), ApiError> {
    authenticate(&shared.credentials, headers)?;
    let path = uri.path();
    let (route, raw) = match_route(method.as_str(), path)?;
    let query = Pairs::parse(uri.query().unwrap_or_default().as_bytes());
    let form = Pairs::parse(body);
    let mut store = shared.store.lock().unwrap_or_else(PoisonError::into_inner);
    let resource = Store::resource(route.resource).ok_or_else(|| ApiError::not_found(path))?;
    let answer = match route.resource {
        "UserChannel" => user_channel(&mut store, route, resource, &raw, &form, &query, path),
        "UserBinding" => user_binding(&mut store, route, resource, &raw, &query, path),
        _ => generic(&mut store, route, resource, &raw, &form, &query, path),
    };
    // Taken under the same lock, so a concurrent request never sees this one's changes.
    *changes = std::mem::take(&mut store.changes);
    answer
}

/// Accepts the account SID with the auth token, or the API key SID with its secret.
pub(crate) fn authenticate(
    credentials: &LocalCredentials,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let refused = || {
        ApiError::new(
            401,
            20003,
            "Authentication Error - invalid username or password",
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(401, 20003, "Authentication Error - No credentials provided")
        })?;
    let encoded = value.strip_prefix("Basic ").ok_or_else(refused)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| refused())?;
    let text = String::from_utf8(decoded).map_err(|_| refused())?;
    let (user, password) = text.split_once(':').ok_or_else(refused)?;
    if credentials.accepts(user, password) {
        Ok(())
    } else {
        Err(refused())
    }
}

/// The route whose template matches `path`, with the decoded values of its parameters.
fn match_route(method: &str, path: &str) -> Result<(&'static Route, Vec<String>), ApiError> {
    let segments: Vec<String> = path.split('/').map(percent_decode).collect();
    let mut path_matched = false;
    for route in ROUTES {
        let template: Vec<&str> = route.path.split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let fits = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                params.push(s.clone());
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
            return Ok((route, params));
        }
    }
    if path_matched {
        Err(ApiError::new(
            405,
            20004,
            format!("Method {method} not allowed on {path}"),
        ))
    } else {
        Err(ApiError::not_found(path))
    }
}

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

/// `(field, SID)` pairs a record below resolved parents must carry (`("service_sid", "IS...")`).
type Constraints = Vec<(&'static str, String)>;

/// The records named by the parent parameters (all but the last on an instance path), as constraints
/// `(field, sid)` on the records below them.
fn resolve_parents(
    store: &Store,
    route: &Route,
    raw: &[String],
    path: &str,
) -> Result<(Constraints, Vec<Record>), ApiError> {
    let instance = matches!(route.kind, Kind::Fetch | Kind::Update | Kind::Delete);
    let parents = if instance {
        &route.path_params[..route.path_params.len().saturating_sub(1)]
    } else {
        route.path_params
    };
    let mut constraints: Vec<(&'static str, String)> = Vec::new();
    let mut records = Vec::new();
    for (param, value) in parents.iter().zip(raw) {
        let record = store
            .find(param.resource, value, param.alternate, &constraints)
            .ok_or_else(|| ApiError::not_found(path))?;
        let field = param.field.unwrap_or("sid");
        constraints.push((field, record.str("sid").unwrap_or_default().to_owned()));
        records.push(record.clone());
    }
    Ok((constraints, records))
}

fn required(route: &Route, form: &Pairs) -> Result<(), ApiError> {
    for field in route.form {
        if field.required && !form.has(field.wire) {
            return Err(ApiError::invalid(format!(
                "Missing required parameter {} in the post body",
                field.wire
            )));
        }
    }
    Ok(())
}

fn apply_form(route: &Route, form: &Pairs, value: &mut Map<String, Value>) -> Result<(), ApiError> {
    for field in route.form {
        let values = form.all(field.wire);
        if values.is_empty() || field.field.is_empty() {
            continue;
        }
        let decoded = decode(field.wire, field.kind, &values)?;
        set_path(value, field.field, decoded);
    }
    Ok(())
}

fn generic(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<(u16, Option<Value>), ApiError> {
    let (constraints, _) = resolve_parents(store, route, raw, path)?;
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
            Ok((201, Some(out)))
        }
        Kind::Fetch => {
            let record = own()?;
            Ok((200, Some(behaviour::render(store, resource, &record))))
        }
        Kind::Update => {
            let old = own()?;
            required(route, form)?;
            let mut record = old.clone();
            apply_form(route, form, &mut record.value)?;
            if !form.has("DateUpdated") && record.value.contains_key("date_updated") {
                record
                    .value
                    .insert("date_updated".to_owned(), json!(crate::store::now()));
            }
            behaviour::check(store, resource, &mut record, Some(&old))?;
            let out = behaviour::render(store, resource, &record);
            let sid = record.str("sid").unwrap_or_default().to_owned();
            if let Some(slot) = store.find_mut(resource.name, &sid) {
                *slot = record;
            }
            store.changes.push(change(resource, Kind::Update, &out));
            Ok((200, Some(out)))
        }
        Kind::Delete => {
            let record = own()?;
            let out = behaviour::render(store, resource, &record);
            store.remove(resource, record.str("sid").unwrap_or_default());
            store.changes.push(change(resource, Kind::Delete, &out));
            Ok((204, None))
        }
        Kind::List => {
            let mut items: Vec<(u64, Value)> = store
                .filter(resource.name, &constraints)
                .filter(|r| filtered(route, query, r))
                .map(|r| (r.seq, behaviour::render(store, resource, r)))
                .collect();
            let desc = route.filters.iter().any(|f| f.wire == "Order")
                && query.last("Order") == Some("desc");
            if desc {
                items.reverse();
            }
            page(store, route, path, query, items, desc).map(|v| (200, Some(v)))
        }
    }
}

fn change(resource: &'static Resource, kind: Kind, record: &Value) -> crate::webhook::Change {
    crate::webhook::Change {
        resource: resource.name,
        kind,
        record: record.clone(),
    }
}

/// Whether a record passes the list's filters that were sent (any of the values given for each).
fn filtered(route: &Route, query: &Pairs, record: &Record) -> bool {
    route.filters.iter().all(|f| {
        let Some(field) = f.field else { return true };
        let wanted = query.all(f.wire);
        wanted.is_empty() || record.str(field).is_some_and(|v| wanted.contains(&v))
    })
}

/// Twilio's default and largest page sizes.
const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;

/// One page of `items` (already filtered and ordered), in Twilio's shape.
fn page(
    store: &Store,
    route: &Route,
    path: &str,
    query: &Pairs,
    items: Vec<(u64, Value)>,
    desc: bool,
) -> Result<Value, ApiError> {
    let key = route.records_key.unwrap_or("records");
    let page_size = match query.last("PageSize") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n.min(MAX_PAGE_SIZE),
            _ => {
                return Err(ApiError::invalid(format!(
                    "Invalid PageSize: {v} is not a positive integer"
                )));
            }
        },
    };
    let page_number = match query.last("Page") {
        None => 0,
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            ApiError::invalid(format!("Invalid Page: {v} is not a non-negative integer"))
        })?,
    };
    // Page tokens name a record by creation order: `PA<seq>` starts after it, `PB<seq>` ends before it.
    let after = |seq: u64, n: u64| if desc { seq < n } else { seq > n };
    let start = match query.last("PageToken") {
        None => page_number.saturating_mul(page_size).min(items.len()),
        Some(token) => {
            let parse = |rest: &str| {
                rest.parse::<u64>()
                    .map_err(|_| ApiError::invalid(format!("Invalid PageToken: {token}")))
            };
            if let Some(rest) = token.strip_prefix("PA") {
                let n = parse(rest)?;
                items
                    .iter()
                    .position(|(s, _)| after(*s, n))
                    .unwrap_or(items.len())
            } else if let Some(rest) = token.strip_prefix("PB") {
                let n = parse(rest)?;
                let end = items.iter().take_while(|(s, _)| after(n, *s)).count();
                end.saturating_sub(page_size)
            } else {
                return Err(ApiError::invalid(format!("Invalid PageToken: {token}")));
            }
        }
    };
    let end = (start + page_size).min(items.len());
    let records: Vec<Value> = items[start..end].iter().map(|(_, v)| v.clone()).collect();
    let filters: Vec<(&str, &str)> = route
        .filters
        .iter()
        .filter(|f| !matches!(f.wire, "PageSize" | "Page" | "PageToken"))
        .flat_map(|f| query.all(f.wire).into_iter().map(move |v| (f.wire, v)))
        .collect();
    let link = |page: usize, token: Option<String>| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &filters {
            s.append_pair(k, v);
        }
        s.append_pair("PageSize", &page_size.to_string());
        s.append_pair("Page", &page.to_string());
        if let Some(t) = &token {
            s.append_pair("PageToken", t);
        }
        format!("{}{}?{}", store.base_url, path, s.finish())
    };
    let next =
        (end < items.len()).then(|| link(page_number + 1, Some(format!("PA{}", items[end - 1].0))));
    // Past the end there is no record to anchor a token: the previous page is then addressed by number only.
    let previous = (start > 0 && page_number > 0).then(|| {
        let token = items.get(start).map(|(seq, _)| format!("PB{seq}"));
        link(page_number - 1, token)
    });
    let current = link(page_number, query.last("PageToken").map(str::to_owned));
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(records));
    body.insert(
        "meta".to_owned(),
        json!({
            "page": page_number,
            "page_size": page_size,
            "first_page_url": link(0, None),
            "previous_page_url": previous,
            "url": current,
            "next_page_url": next,
            "key": key,
        }),
    );
    Ok(Value::Object(body))
}

/// `/Users/{UserSid}/Channels`: a user's memberships, seen from the user.
fn user_channel(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<(u16, Option<Value>), ApiError> {
    let (constraints, parents) = resolve_parents(store, route, raw, path)?;
    let user = parents
        .last()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let service = constraints
        .first()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let memberships = |store: &Store| -> Vec<Record> {
        store
            .all("Member")
            .iter()
            .filter(|m| {
                m.str("service_sid") == Some(&service.1)
                    && m.str("identity") == user.str("identity")
            })
            .cloned()
            .collect()
    };
    if route.kind == Kind::List {
        let items = memberships(store)
            .iter()
            .map(|m| (m.seq, behaviour::user_channel(store, resource, &user, m)))
            .collect();
        return page(store, route, path, query, items, false).map(|v| (200, Some(v)));
    }
    let key = raw.last().ok_or_else(|| ApiError::not_found(path))?;
    let channel = store
        .find(
            "Channel",
            key,
            Some("unique_name"),
            &[("service_sid", service.1.clone())],
        )
        .ok_or_else(|| ApiError::not_found(path))?;
    let channel_sid = channel.str("sid").unwrap_or_default().to_owned();
    let member = memberships(store)
        .into_iter()
        .find(|m| m.str("channel_sid") == Some(&channel_sid))
        .ok_or_else(|| ApiError::not_found(path))?;
    let member_sid = member.str("sid").unwrap_or_default().to_owned();
    match route.kind {
        Kind::Fetch => Ok((
            200,
            Some(behaviour::user_channel(store, resource, &user, &member)),
        )),
        Kind::Update => {
            required(route, form)?;
            let mut updated = member.clone();
            for field in route.form {
                let values = form.all(field.wire);
                if values.is_empty() {
                    continue;
                }
                let decoded = decode(field.wire, field.kind, &values)?;
                match field.wire {
                    "NotificationLevel" => {
                        let level = decoded.as_str().unwrap_or_default().to_owned();
                        if !matches!(level.as_str(), "default" | "muted") {
                            return Err(ApiError::invalid(format!(
                                "Invalid NotificationLevel '{level}': expected one of default, muted"
                            )));
                        }
                        store.notification_levels.insert(member_sid.clone(), level);
                    }
                    wire => {
                        set_path(&mut updated.value, &[snake(wire).as_str()], decoded);
                    }
                }
            }
            if let Some(slot) = store.find_mut("Member", &member_sid) {
                *slot = updated.clone();
            }
            Ok((
                200,
                Some(behaviour::user_channel(store, resource, &user, &updated)),
            ))
        }
        Kind::Delete => {
            if let Some(member_resource) = Store::resource("Member") {
                store.remove(member_resource, &member_sid);
            }
            Ok((204, None))
        }
        Kind::Create | Kind::List => Err(ApiError::not_found(path)),
    }
}

/// `/Users/{UserSid}/Bindings`: the service's push bindings with the user's identity.
fn user_binding(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    query: &Pairs,
    path: &str,
) -> Result<(u16, Option<Value>), ApiError> {
    let (constraints, parents) = resolve_parents(store, route, raw, path)?;
    let user = parents
        .last()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let scope = [
        constraints
            .first()
            .cloned()
            .ok_or_else(|| ApiError::not_found(path))?,
        (
            "identity",
            user.str("identity").unwrap_or_default().to_owned(),
        ),
    ];
    if route.kind == Kind::List {
        let items = store
            .all("Binding")
            .iter()
            .filter(|b| matches(b, &scope) && filtered(route, query, b))
            .map(|b| (b.seq, behaviour::user_binding(store, resource, &user, b)))
            .collect();
        return page(store, route, path, query, items, false).map(|v| (200, Some(v)));
    }
    let key = raw.last().ok_or_else(|| ApiError::not_found(path))?;
    let binding = store
        .find("Binding", key, None, &scope)
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    match route.kind {
        Kind::Fetch => Ok((
            200,
            Some(behaviour::user_binding(store, resource, &user, &binding)),
        )),
        Kind::Delete => {
            if let Some(binding_resource) = Store::resource("Binding") {
                store.remove(binding_resource, key);
            }
            Ok((204, None))
        }
        Kind::Create | Kind::Update | Kind::List => Err(ApiError::not_found(path)),
    }
}

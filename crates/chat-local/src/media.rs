//! Chat media, as Twilio's Media Content Service (MCS) answers it: raw-bytes uploads to
//! `/v1/Services/{ServiceSid}/Media` (`Category`, `Filename` in the query, the file's own `Content-Type`), media
//! records with `links.content` and a short-lived `links.content_direct_temporary` on a second host that needs no
//! credentials, the bytes at `.../Media/{Sid}/Content`, `MediaSet` batch look-ups, and a media message made from a
//! `MediaSid` (one message per media, error 50508 otherwise).

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::form::{Pairs, Source};
use crate::http::{Shared, error_response, json_response};
use crate::store::{ApiError, MediaFile, Record, Store, TemporaryLink, now};

/// How long a temporary content link works.
pub(crate) const TEMPORARY_LINK_LIFETIME: Duration = Duration::from_secs(300);

/// Whether `path` is the upload path `/v1/Services/{ServiceSid}/Media`, whose bodies have their own limit.
pub(crate) fn is_upload(path: &str) -> bool {
    matches!(
        path.split('/').collect::<Vec<_>>().as_slice(),
        ["", "v1", "Services", service, "Media"] if !service.is_empty()
    )
}

/// Answers an authenticated request to an MCS path of the main host; `None` for any other path.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<Response> {
    let segments: Vec<&str> = uri.path().split('/').collect();
    // ["", "v1", "Services", sid, "Media" | "MediaSet", ...]
    let ["", "v1", "Services", service, rest @ ..] = segments.as_slice() else {
        return None;
    };
    if !matches!(rest.first(), Some(&"Media" | &"MediaSet")) {
        return None;
    }
    let request = Request {
        method,
        uri,
        headers,
        body,
    };
    let result = dispatch(shared, &request, service, rest);
    Some(result.unwrap_or_else(|e| error_response(&e)))
}

/// A request to an MCS path.
struct Request<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a Bytes,
}

/// Answers a request to `/v1/Services/{service}/{rest...}`.
fn dispatch(
    shared: &Shared,
    request: &Request<'_>,
    service: &str,
    rest: &[&str],
) -> Result<Response, ApiError> {
    let mut store = shared
        .store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = request.uri.path();
    let service = store
        .find("Service", service, None, &[])
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    match (request.method.as_str(), rest) {
        ("POST", ["Media"]) => upload(
            &mut store,
            &service,
            request.uri,
            request.headers,
            request.body,
        )
        .map(|record| json_response(201, &record)),
        ("GET", ["Media", sid]) => {
            let record =
                fetch(&mut store, &service, sid).ok_or_else(|| ApiError::not_found(path))?;
            Ok(json_response(200, &record))
        }
        ("GET", ["Media", sid, "Content"]) => {
            let media = find(&store, &service, sid).ok_or_else(|| ApiError::not_found(path))?;
            Ok(content(media))
        }
        ("POST", ["MediaSet"]) => {
            media_set(&mut store, &service, request.body).map(|v| json_response(200, &v))
        }
        (_, ["Media"] | ["Media", _] | ["Media", _, "Content"] | ["MediaSet"]) => {
            Err(ApiError::method_not_allowed(request.method.as_str(), path))
        }
        _ => Err(ApiError::not_found(path)),
    }
}

/// Answers a request to the temporary host: the bytes of a live link, 403 for an expired or unknown one, and 400
/// when credentials are sent (a pre-signed URL accepts no other authentication).
pub(crate) fn temporary(shared: &Shared, uri: &Uri, headers: &HeaderMap) -> Response {
    let mut store = shared
        .store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if headers.contains_key(header::AUTHORIZATION) {
        store.credentials_on_temporary_host += 1;
        return plain(
            400,
            "Only one authentication mechanism is allowed: the link is already signed",
        );
    }
    let token = uri.path().trim_start_matches('/');
    let live = store
        .temporary
        .get(token)
        .filter(|t| t.expires > Instant::now())
        .map(|t| t.media_sid.clone());
    match live.and_then(|sid| store.media.get(&sid)) {
        Some(media) => content(media),
        None => plain(403, "Request has expired"),
    }
}

fn plain(status: u16, text: &'static str) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(text))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn content(media: &MediaFile) -> Response {
    let content_type = media
        .record
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("application/octet-stream")
        .to_owned();
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(media.bytes.clone()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn find<'a>(store: &'a Store, service: &Record, sid: &str) -> Option<&'a MediaFile> {
    store
        .media
        .get(sid)
        .filter(|m| m.record.get("service_sid").and_then(Value::as_str) == service.str("sid"))
}

fn upload(
    store: &mut Store,
    service: &Record,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, ApiError> {
    let query = Pairs::parse(uri.query().unwrap_or_default().as_bytes(), Source::Query)?;
    let get = |key: &str| query.last(key).map(str::to_owned);
    let category = get("Category").unwrap_or_else(|| "media".to_owned());
    if !matches!(category.as_str(), "media" | "body" | "history") {
        return Err(ApiError::invalid(format!(
            "Invalid Category '{category}': expected one of media, body, history"
        )));
    }
    if body.is_empty() {
        return Err(ApiError::invalid(
            "Missing media content: the request body is empty",
        ));
    }
    let limit_mb = service
        .value
        .get("media")
        .and_then(|m| m.get("size_limit_mb"))
        .and_then(Value::as_u64)
        .unwrap_or(150);
    if body.len() as u64 > limit_mb.saturating_mul(1024 * 1024) {
        return Err(ApiError::new(
            413,
            20001,
            format!(
                "Media of {} bytes exceeds the service's limit of {limit_mb} MB",
                body.len()
            ),
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let service_sid = service.str("sid").unwrap_or_default().to_owned();
    let sid = store.new_sid("ME");
    let date = now();
    let mut record = Map::new();
    for (key, value) in [
        ("sid", json!(sid)),
        ("account_sid", json!(store.account_sid)),
        ("service_sid", json!(service_sid)),
        ("channel_sid", Value::Null),
        ("message_sid", Value::Null),
        ("date_created", json!(date)),
        ("date_updated", json!(date)),
        ("date_upload_updated", json!(date)),
        ("size", json!(body.len())),
        ("content_type", json!(content_type)),
        ("filename", json!(get("Filename"))),
        ("author", json!("system")),
        ("category", json!(category)),
        ("is_multipart_upstream", json!(false)),
        (
            "url",
            json!(format!(
                "{}/v1/Services/{service_sid}/Media/{sid}",
                store.base_url
            )),
        ),
    ] {
        record.insert(key.to_owned(), value);
    }
    store.media.insert(
        sid.clone(),
        MediaFile {
            record,
            bytes: body.clone(),
        },
    );
    fetch(store, service, &sid).ok_or_else(|| ApiError::not_found(&sid))
}

/// The media record with its links, minting a fresh temporary link.
fn fetch(store: &mut Store, service: &Record, sid: &str) -> Option<Value> {
    let mut record = find(store, service, sid)?.record.clone();
    let token = store.new_sid("TL");
    store.temporary.insert(
        token.clone(),
        TemporaryLink {
            media_sid: sid.to_owned(),
            expires: Instant::now() + TEMPORARY_LINK_LIFETIME,
        },
    );
    let url = record
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    record.insert(
        "links".to_owned(),
        json!({
            "content": format!("{url}/Content"),
            "content_direct_temporary": format!("{}/{token}", store.temporary_base_url),
        }),
    );
    Some(Value::Object(record))
}

fn media_set(store: &mut Store, service: &Record, body: &Bytes) -> Result<Value, ApiError> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("Invalid MediaSet body: not JSON ({e})")))?;
    if request.get("command").and_then(Value::as_str) != Some("get") {
        return Err(ApiError::invalid(
            "Invalid MediaSet command: expected \"get\"",
        ));
    }
    let list = request
        .get("list")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::invalid("Invalid MediaSet body: `list` must be an array"))?;
    let items = list
        .iter()
        .map(|item| {
            let sid = item
                .get("media_sid")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match fetch(store, service, sid) {
                Some(record) => json!({"code": 200, "media_record": record}),
                None => json!({"code": 404}),
            }
        })
        .collect();
    Ok(Value::Array(items))
}

/// Makes a new message a media message: checks that the media exists in the service and is not attached yet,
/// then links both ways.
pub(crate) fn attach(
    store: &mut Store,
    message: &mut Record,
    media_sid: &str,
) -> Result<(), ApiError> {
    let service_sid = message.str("service_sid").unwrap_or_default().to_owned();
    let media = store
        .media
        .get_mut(media_sid)
        .filter(|m| {
            m.record.get("service_sid").and_then(Value::as_str) == Some(service_sid.as_str())
        })
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "Invalid MediaSid: no media {media_sid} in this service"
            ))
        })?;
    if media
        .record
        .get("message_sid")
        .is_some_and(|v| !v.is_null())
    {
        return Err(ApiError::new(
            400,
            50508,
            format!("Media {media_sid} is already attached to a message"),
        ));
    }
    media
        .record
        .insert("message_sid".to_owned(), json!(message.str("sid")));
    media
        .record
        .insert("channel_sid".to_owned(), json!(message.str("channel_sid")));
    let summary = json!({
        "sid": media_sid,
        "content_type": media.record.get("content_type"),
        "filename": media.record.get("filename"),
        "size": media.record.get("size"),
    });
    message.value.insert("type", json!("media"));
    message.value.insert("media", summary);
    Ok(())
}

//! Media messages on the wire, through the generated client and its `media` module, against loopback mock servers:
//! the raw upload (method, path, query, `Content-Type`, body bytes, Basic auth), fetching a record, a `MediaSet`
//! look-up, downloads through a temporary link on a second server that must receive no credential, an expired link
//! refreshed once then the authenticated fall-back, error 50508, the size limit (413 and checked before uploading),
//! HTML error pages, and the one-call media message.
//!
//! The scenario files `scenarios/operations/{CreateMedia,FetchMedia,FetchMediaContent,CreateMediaSet}.json` cover
//! each operation once; these tests cover what a scenario file cannot: binary bodies byte for byte, uploads from
//! files and streams, a second server, sequences of answers, and the hand-written `media` module.

use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt as _;
use httpmock::Method::{GET, POST};
use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};
use twilio_chat_v2::media::{MediaError, MessageMedia};
use twilio_chat_v2::runtime::{Bytes, UploadBody};
use twilio_chat_v2::{Client, Credentials, ErrorKind, models};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "test_auth_token";
/// `Basic base64(AC:TOKEN)`.
const BASIC: &str = "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0X2F1dGhfdG9rZW4=";
const IS: &str = "IS890883fcb3c3ce0138e9bde41bc3084c";
const CH: &str = "CH3bb343468c922381d46cf5af2f18eeb5";
const ME: &str = "ME2b6e4a0e1f8d4c7a9b3e5f6071829a3b";
const ME2: &str = "ME7c1d2e3f405162738495a6b7c8d9e0f1";
const IM: &str = "IM8d4b1b17069f90083e75ad60a5c75149";

fn client(api: &MockServer) -> Client {
    Client::builder()
        .credentials(Credentials::auth_token(AC, TOKEN).expect("credentials"))
        .base_url(api.base_url())
        .allow_insecure_http(true)
        .build()
        .expect("client")
}

fn media_path(sid: &str) -> String {
    format!("/v1/Services/{IS}/Media/{sid}")
}

/// A media record as the service answers it; `temporary` is the pre-signed link, if any.
fn record(sid: &str, temporary: Option<String>) -> Value {
    json!({
        "sid": sid,
        "service_sid": IS,
        "channel_sid": null,
        "message_sid": null,
        "date_created": "2024-05-02T08:14:52.120Z",
        "date_updated": "2024-05-02T08:14:53.004Z",
        "date_upload_updated": "2024-05-02T08:14:53.004Z",
        "size": 6,
        "content_type": "image/png",
        "filename": "floor plan.png",
        "author": "ana@example.com",
        "category": "media",
        "is_multipart_upstream": false,
        "url": format!("https://mcs.us1.twilio.com{}", media_path(sid)),
        "links": {
            "content": format!("{}/Content", media_path(sid)),
            "content_direct_temporary": temporary
        }
    })
}

fn message(media_sid: &str) -> Value {
    json!({
        "sid": IM,
        "account_sid": AC,
        "service_sid": IS,
        "channel_sid": CH,
        "to": CH,
        "from": "ana@example.com",
        "body": null,
        "index": 14,
        "type": "media",
        "media": {"sid": media_sid, "content_type": "image/png", "filename": "floor plan.png", "size": 6},
        "date_created": "2024-05-02T08:15:00Z",
        "date_updated": "2024-05-02T08:15:00Z",
        "attributes": "{}",
        "was_edited": false,
        "last_updated_by": null,
        "url": format!("https://chat.twilio.com/v2/Services/{IS}/Channels/{CH}/Messages/{IM}")
    })
}

fn is() -> models::ServiceSid {
    models::ServiceSid::from_wire(IS)
}

fn me() -> models::MediaSid {
    models::MediaSid::from_wire(ME)
}

const PNG: &[u8] = b"\x89PNG\r\n";

/// The headers of one request: `(lower-case name, value)`.
type Headers = Vec<(String, String)>;

/// Records every request's headers as a matcher that always matches.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Headers>>>);

impl Seen {
    fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let seen = self.0.clone();
        move |req| {
            let headers = req
                .headers_vec()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            seen.lock().expect("lock").push(headers);
            true
        }
    }

    /// Fails when any request carried a credential or a Twilio header.
    fn assert_no_credentials(&self) {
        let seen = self.0.lock().expect("lock").clone();
        assert!(!seen.is_empty(), "the link's host saw no request");
        for headers in seen {
            for (name, value) in headers {
                assert!(
                    name != "authorization"
                        && name != "cookie"
                        && name != "user-agent"
                        && !name.starts_with("x-twilio"),
                    "`{name}: {value}` reached the temporary link's host"
                );
                assert!(
                    !value.contains(TOKEN) && !value.contains(AC) && !value.contains(&BASIC[6..]),
                    "a credential reached the temporary link's host in `{name}`"
                );
            }
        }
    }
}

#[tokio::test]
async fn upload_sends_the_raw_file_with_its_media_type_and_query() {
    let api = MockServer::start_async().await;
    let upload = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Services/{IS}/Media"))
                .query_param("Category", "media")
                .query_param("Filename", "floor plan.png")
                .header("authorization", BASIC)
                .header("content-type", "image/png")
                .header("content-length", PNG.len().to_string())
                .header("accept", "application/json")
                .is_true(|req| req.body().0.as_ref() == PNG);
            then.status(201).json_body(record(ME, None));
        })
        .await;
    let media = client(&api)
        .service(&is())
        .media()
        .create("image/png", PNG)
        .category(models::MediaCategory::Media)
        .filename("floor plan.png")
        .await
        .expect("upload");
    assert_eq!(Some(media.sid.as_str()), Some(ME));
    assert_eq!(media.size, Some(6));
    assert_eq!(media.category, Some(models::MediaCategory::Media));
    assert_eq!(
        media.links.and_then(|l| l.content).as_deref(),
        Some(format!("{}/Content", media_path(ME)).as_str())
    );
    upload.assert_calls_async(1).await;
}

#[tokio::test]
async fn upload_of_a_file_and_of_a_stream() {
    let api = MockServer::start_async().await;
    let data: Vec<u8> = (0..300_000_u32).map(|i| (i % 253) as u8).collect();
    let expected = data.clone();
    let upload = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Services/{IS}/Media"))
                .header("content-type", "application/pdf")
                .is_true(move |req| req.body().0.as_ref() == expected.as_slice());
            then.status(201).json_body(record(ME, None));
        })
        .await;
    let path = std::env::temp_dir().join(format!("conformance-media-{}.pdf", std::process::id()));
    std::fs::write(&path, &data).expect("temp file");
    let client = client(&api);
    let from_file = UploadBody::from_path(&path).await.expect("file body");
    client
        .service(&is())
        .media()
        .create("application/pdf", from_file)
        .await
        .expect("file upload");
    std::fs::remove_file(&path).expect("cleanup");
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(70_000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    client
        .service(&is())
        .media()
        .create(
            "application/pdf",
            UploadBody::from_stream(futures_util::stream::iter(chunks)),
        )
        .await
        .expect("stream upload");
    upload.assert_calls_async(2).await;
}

#[tokio::test]
async fn fetch_media_record() {
    let api = MockServer::start_async().await;
    let fetch = api
        .mock_async(|when, then| {
            when.method(GET)
                .path(media_path(ME))
                .header("authorization", BASIC);
            then.status(200).json_body(record(
                ME,
                Some("https://files.example.com/x?Signature=s".into()),
            ));
        })
        .await;
    let media = client(&api)
        .service(&is())
        .media_instance(&me())
        .fetch()
        .await
        .expect("fetch");
    assert_eq!(media.content_type.as_deref(), Some("image/png"));
    assert_eq!(media.filename.as_deref(), Some("floor plan.png"));
    assert_eq!(
        media
            .links
            .and_then(|l| l.content_direct_temporary)
            .as_deref(),
        Some("https://files.example.com/x?Signature=s")
    );
    fetch.assert_calls_async(1).await;
}

#[tokio::test]
async fn media_set_posts_a_json_body() {
    let api = MockServer::start_async().await;
    let set = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Services/{IS}/MediaSet"))
                .header("authorization", BASIC)
                .header("content-type", "application/json")
                .json_body(json!({
                    "command": "get",
                    "list": [{"media_sid": ME}, {"media_sid": ME2}]
                }));
            then.status(200).json_body(json!([
                {"code": 200, "media_record": record(ME, None)},
                {"code": 404}
            ]));
        })
        .await;
    let mut request = models::MediaSetRequest::default();
    request.command = Some(models::MediaSetCommand::Get);
    request.list = [ME, ME2]
        .into_iter()
        .map(|sid| {
            let mut entry = models::MediaSetEntry::default();
            entry.media_sid = models::MediaSid::from_wire(sid);
            entry
        })
        .collect();
    let results = client(&api)
        .service(&is())
        .media_set()
        .create(request)
        .await
        .expect("media set");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].code, Some(200));
    assert_eq!(
        results[0].media_record.as_ref().map(|m| m.sid.as_str()),
        Some(ME)
    );
    assert_eq!(results[1].code, Some(404));
    assert!(results[1].media_record.is_none());
    set.assert_calls_async(1).await;
}

#[tokio::test]
async fn download_through_the_temporary_link_sends_no_credentials() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let seen = Seen::default();
    let link = files.url(format!("/media/{ME}?Expires=1714637993&Signature=c2ln"));
    let fetch = api
        .mock_async(|when, then| {
            when.method(GET)
                .path(media_path(ME))
                .header("authorization", BASIC);
            then.status(200).json_body(record(ME, Some(link)));
        })
        .await;
    let file = files
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/media/{ME}"))
                .query_param("Signature", "c2ln")
                .is_true(seen.matcher());
            then.status(200)
                .header("content-type", "image/png")
                .body(PNG);
        })
        .await;
    let content = api
        .mock_async(|when, then| {
            when.method(GET).path(format!("{}/Content", media_path(ME)));
            then.status(200).body("wrong host");
        })
        .await;
    let download = client(&api)
        .download_media(&is(), &me())
        .await
        .expect("download");
    assert_eq!(download.content_type(), Some("image/png"));
    let bytes: Vec<Bytes> = download.try_collect().await.expect("bytes");
    assert_eq!(bytes.concat(), PNG);
    fetch.assert_calls_async(1).await;
    file.assert_calls_async(1).await;
    content.assert_calls_async(0).await;
    seen.assert_no_credentials();
}

#[tokio::test]
async fn an_expired_link_is_refreshed_once() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let seen = Seen::default();
    let expired = files
        .mock_async(|when, then| {
            when.method(GET)
                .path("/media/old")
                .is_true(seen.matcher());
            then.status(403)
                .header("content-type", "application/xml")
                .body("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
        })
        .await;
    let fresh = files
        .mock_async(|when, then| {
            when.method(GET).path("/media/new").is_true(seen.matcher());
            then.status(200).body(PNG);
        })
        .await;
    // The record first names the expired link; fetched again, a fresh one.
    let old_link = files.url("/media/old?Signature=old");
    let first = api
        .mock_async(|when, then| {
            when.method(GET).path(media_path(ME));
            then.status(200).json_body(record(ME, Some(old_link)));
        })
        .await;
    let client = client(&api);
    let stale: models::Media = client
        .service(&is())
        .media_instance(&me())
        .fetch()
        .await
        .expect("record");
    first.delete_async().await;
    let new_link = files.url("/media/new?Signature=new");
    let again = api
        .mock_async(|when, then| {
            when.method(GET)
                .path(media_path(ME))
                .header("authorization", BASIC);
            then.status(200).json_body(record(ME, Some(new_link)));
        })
        .await;
    let download = client
        .download_media_record(&is(), &stale)
        .await
        .expect("download");
    assert_eq!(download.bytes(1024).await.expect("bytes").as_ref(), PNG);
    expired.assert_calls_async(1).await;
    again.assert_calls_async(1).await;
    fresh.assert_calls_async(1).await;
    seen.assert_no_credentials();
}

#[tokio::test]
async fn links_that_keep_failing_fall_back_to_the_authenticated_content() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let seen = Seen::default();
    let expired = files
        .mock_async(|when, then| {
            when.method(GET).is_true(seen.matcher());
            then.status(403).body("expired");
        })
        .await;
    let link = files.url("/media/old?Signature=old");
    let fetch = api
        .mock_async(|when, then| {
            when.method(GET).path(media_path(ME));
            then.status(200).json_body(record(ME, Some(link)));
        })
        .await;
    let content = api
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{}/Content", media_path(ME)))
                .header("authorization", BASIC);
            then.status(200)
                .header("content-type", "image/png")
                .body(PNG);
        })
        .await;
    let download = client(&api)
        .download_media(&is(), &me())
        .await
        .expect("download");
    assert_eq!(download.bytes(1024).await.expect("bytes").as_ref(), PNG);
    // The record, then the record again for a fresh link; both links refused; then the content link.
    fetch.assert_calls_async(2).await;
    expired.assert_calls_async(2).await;
    content.assert_calls_async(1).await;
    seen.assert_no_credentials();
}

#[tokio::test]
async fn content_can_be_downloaded_directly() {
    let api = MockServer::start_async().await;
    let content = api
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{}/Content", media_path(ME)))
                .header("authorization", BASIC);
            then.status(200)
                .header("content-type", "image/png")
                .body(PNG);
        })
        .await;
    let download = client(&api)
        .service(&is())
        .media_instance(&me())
        .content()
        .fetch()
        .await
        .expect("content");
    assert_eq!(download.content_length(), Some(PNG.len() as u64));
    assert_eq!(download.bytes(1024).await.expect("bytes").as_ref(), PNG);
    content.assert_calls_async(1).await;
}

#[tokio::test]
async fn one_call_media_message_uploads_then_posts() {
    let api = MockServer::start_async().await;
    let upload = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/Services/{IS}/Media"))
                .query_param("Filename", "floor plan.png")
                .header("content-type", "image/png")
                .header("authorization", BASIC)
                .is_true(|req| req.body().0.as_ref() == PNG);
            then.status(201).json_body(record(ME, None));
        })
        .await;
    let post = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/Services/{IS}/Channels/{CH}/Messages"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", BASIC)
                .form_urlencoded_tuple("MediaSid", ME)
                .form_urlencoded_tuple("From", "ana@example.com")
                .form_urlencoded_tuple("Attributes", r#"{"room":"4B"}"#);
            then.status(201).json_body(message(ME));
        })
        .await;
    let message = client(&api)
        .send_media_message(&is(), CH, "image/png", PNG)
        .filename("floor plan.png")
        .from("ana@example.com")
        .attributes(r#"{"room":"4B"}"#)
        .await
        .expect("media message");
    assert_eq!(Some(message.sid.as_str()), Some(IM));
    let media = MessageMedia::of(&message).expect("a media message");
    assert_eq!(media.sid, ME);
    assert_eq!(media.size, Some(6));
    upload.assert_calls_async(1).await;
    post.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_already_attached_media_is_a_typed_error() {
    let api = MockServer::start_async().await;
    api.mock_async(|when, then| {
        when.method(POST).path(format!("/v1/Services/{IS}/Media"));
        then.status(201).json_body(record(ME, None));
    })
    .await;
    api.mock_async(|when, then| {
        when.method(POST)
            .path(format!("/v2/Services/{IS}/Channels/{CH}/Messages"));
        then.status(400).json_body(json!({
            "code": 50508,
            "message": "Media already attached to another message",
            "more_info": "https://www.twilio.com/docs/errors/50508",
            "status": 400
        }));
    })
    .await;
    let client = client(&api);
    let err = client
        .send_media_message(&is(), CH, "image/png", PNG)
        .await
        .expect_err("50508");
    match &err {
        MediaError::AlreadyAttached { media_sid, error } => {
            assert_eq!(media_sid.as_deref(), Some(ME));
            assert_eq!(error.code(), Some(50508));
        }
        other => panic!("expected AlreadyAttached, got {other:?}"),
    }
    assert!(err.to_string().contains("already attached"), "{err}");
    // The generated CreateMessage's own error classifies the same way.
    let plain = client
        .service(&is())
        .channel(CH)
        .messages()
        .create()
        .media_sid(ME)
        .await
        .expect_err("50508");
    assert!(matches!(
        MediaError::from(plain),
        MediaError::AlreadyAttached { .. }
    ));
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_a_typed_error() {
    let api = MockServer::start_async().await;
    let upload = api
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v1/Services/{IS}/Media"));
            then.status(413).json_body(json!({
                "status": 413,
                "message": "Media exceeds the size limit"
            }));
        })
        .await;
    let service = api
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v2/Services/{IS}"));
            then.status(200).json_body(json!({
                "sid": IS,
                "account_sid": AC,
                "friendly_name": "Support",
                "date_created": "2026-01-01T00:00:00Z",
                "date_updated": "2026-01-01T00:00:00Z",
                "url": format!("https://chat.twilio.com/v2/Services/{IS}"),
                "links": {"channels": format!("https://chat.twilio.com/v2/Services/{IS}/Channels")},
                "media": {"size_limit_mb": 1, "compatibility_message": "Media messages are not supported"}
            }));
        })
        .await;
    let client = client(&api);
    // The service refuses it.
    let err = client
        .send_media_message(&is(), CH, "image/png", PNG)
        .await
        .expect_err("413");
    match &err {
        MediaError::TooLarge { error, .. } => {
            assert_eq!(error.as_ref().and_then(|e| e.status()), Some(413));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    upload.assert_calls_async(1).await;
    // Checked before uploading: nothing more is sent to the media store.
    let two_megabytes = vec![0_u8; 2 * 1024 * 1024];
    let err = client
        .send_media_message(&is(), CH, "application/octet-stream", two_megabytes)
        .check_service_size_limit()
        .await
        .expect_err("over the limit");
    match err {
        MediaError::TooLarge {
            size,
            limit_mb,
            error,
        } => {
            assert_eq!(size, Some(2 * 1024 * 1024));
            assert_eq!(limit_mb, Some(1));
            assert!(error.is_none());
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    service.assert_calls_async(1).await;
    upload.assert_calls_async(1).await;
}

#[tokio::test]
async fn html_error_pages_are_reported_not_decoded() {
    let api = MockServer::start_async().await;
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    api.mock_async(|when, then| {
        when.method(POST).path(format!("/v1/Services/{IS}/Media"));
        then.status(502)
            .header("content-type", "text/html")
            .body(page);
    })
    .await;
    api.mock_async(|when, then| {
        when.method(GET).path(format!("{}/Content", media_path(ME)));
        then.status(502)
            .header("content-type", "text/html")
            .body(page);
    })
    .await;
    let client = client(&api);
    let err = client
        .send_media_message(&is(), CH, "image/png", PNG)
        .await
        .expect_err("502");
    let MediaError::Other(error) = &err else {
        panic!("expected Other, got {err:?}")
    };
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status(), Some(502));
    assert_eq!(error.code(), None);
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
    let err = client
        .service(&is())
        .media_instance(&me())
        .content()
        .fetch()
        .await
        .expect_err("502");
    assert_eq!(err.status(), Some(502));
    assert!(
        err.api_error()
            .and_then(|a| a.body_snippet.as_deref())
            .is_some_and(|s| s.contains("<h1>502 Bad Gateway</h1>")),
        "{err}"
    );
}

#[tokio::test]
async fn a_message_that_fails_after_its_upload_hands_back_the_media() {
    let api = MockServer::start_async().await;
    let upload = api
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v1/Services/{IS}/Media"));
            then.status(201).json_body(record(ME, None));
        })
        .await;
    let post = api
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v2/Services/{IS}/Channels/{CH}/Messages"));
            then.status(503)
                .json_body(json!({"code": 20503, "message": "Service unavailable", "status": 503}));
        })
        .await;
    let err = client(&api)
        .send_media_message(&is(), CH, "image/png", PNG)
        .await
        .expect_err("503");
    match err {
        MediaError::MessageNotCreated { media, error } => {
            assert_eq!(Some(media.sid.as_str()), Some(ME));
            assert_eq!(error.status(), Some(503));
        }
        other => panic!("expected MessageNotCreated, got {other:?}"),
    }
    // Neither the upload nor the POST was repeated.
    upload.assert_calls_async(1).await;
    post.assert_calls_async(1).await;
}

//! Uploads and downloads on the wire: streamed bodies, per-request hosts, credential-free links on a second
//! server, the temporary-link refresh and fall-back, redirects, idle timeouts and the no-retry rule.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::{
    Client, ErrorKind, FileLinks, Method, Params, Request, RequestOptions, RetryPolicy, UploadBody,
};

const MCS: &str = "https://mcs.us1.twilio.com";
const UPLOAD_PATH: &str = "/v1/Services/IS1/Media";

fn upload_request() -> Request {
    let mut query = Params::new();
    query.push("Category", "media");
    query.push("Filename", "plan v2.png");
    Request::new(Method::POST, "CreateMedia", UPLOAD_PATH.into())
        .server(MCS)
        .query(query)
        .header("Content-Type", "image/png")
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

/// Header names of every request a mock server saw, in order (captured by a matcher).
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

fn capture(seen: &Seen) -> impl Fn(&httpmock::HttpMockRequest) -> bool + Send + Sync + 'static {
    let seen = seen.clone();
    move |req| {
        let headers = req
            .headers_vec()
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        seen.lock().unwrap().push(headers);
        true
    }
}

#[tokio::test]
async fn upload_sends_the_exact_bytes_with_its_content_type_and_query() {
    let server = MockServer::start_async().await;
    let data = pattern(200_000);
    let expected = data.clone();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPLOAD_PATH)
                .query_param("Category", "media")
                .query_param("Filename", "plan v2.png")
                .header("authorization", basic(AC, SECRET))
                .header("content-type", "image/png")
                .header("content-length", "200000")
                .is_true(move |req| req.body().0.as_ref() == expected.as_slice());
            then.status(201)
                .json_body(json!({"sid": "ME1", "size": 200000}));
        })
        .await;
    let client = client(&server);
    let record: Value = client
        .execute_upload(upload_request().upload(UploadBody::from_bytes(data)))
        .await
        .unwrap();
    assert_eq!(record["sid"], "ME1");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn upload_streams_chunks_of_unknown_length() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPLOAD_PATH)
                .header("transfer-encoding", "chunked")
                .header_missing("content-length")
                .body("first,second,third");
            then.status(201).json_body(json!({"sid": "ME2"}));
        })
        .await;
    let chunks = futures_util::stream::iter(
        ["first,", "second,", "third"].map(|s| Ok::<_, std::io::Error>(Bytes::from(s))),
    );
    let record: Value = client(&server)
        .execute_upload(upload_request().upload(UploadBody::from_stream(chunks)))
        .await
        .unwrap();
    assert_eq!(record["sid"], "ME2");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn upload_from_a_file() {
    let server = MockServer::start_async().await;
    let data = pattern(3 * 64 * 1024 + 11);
    let path = std::env::temp_dir().join(format!("twilio-upload-{}.bin", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    let expected = data.clone();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(UPLOAD_PATH)
                .header("content-length", data.len().to_string())
                .is_true(move |req| req.body().0.as_ref() == expected.as_slice());
            then.status(201).json_body(json!({"sid": "ME3"}));
        })
        .await;
    let body = UploadBody::from_path(&path).await.unwrap();
    let record: Value = client(&server)
        .execute_upload(upload_request().upload(body))
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(record["sid"], "ME3");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn upload_is_never_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(UPLOAD_PATH);
            then.status(503)
                .json_body(json!({"code": 20503, "message": "busy"}));
        })
        .await;
    let client = builder(&server)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(5)
                .retry_non_idempotent(true),
        )
        .build()
        .unwrap();
    let err = client
        .execute_upload::<Value>(
            upload_request()
                .options(RequestOptions::new().max_attempts(4))
                .upload(UploadBody::from_bytes(&b"abc"[..])),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), Some(20503));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn upload_needs_a_content_type() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201).json_body(json!({}));
        })
        .await;
    let req = Request::new(Method::POST, "CreateMedia", UPLOAD_PATH.into()).server(MCS);
    let err = client(&server)
        .execute_upload::<Value>(req.upload(UploadBody::from_bytes(&b"abc"[..])))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("Content-Type"), "{err}");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_failing_upload_stream_fails_the_upload() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201).json_body(json!({}));
        })
        .await;
    let chunks = futures_util::stream::iter(vec![
        Ok(Bytes::from_static(b"part")),
        Err(std::io::Error::other("the disk went away")),
    ]);
    let err = client(&server)
        .execute_upload::<Value>(upload_request().upload(UploadBody::from_stream(chunks)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
}

#[tokio::test]
async fn a_stalled_upload_times_out() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201).json_body(json!({}));
        })
        .await;
    let chunks =
        futures_util::stream::once(async { Ok::<_, std::io::Error>(Bytes::from_static(b"a")) })
            .chain(futures_util::stream::pending());
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client
        .execute_upload::<Value>(upload_request().upload(UploadBody::from_stream(chunks)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn download_of_a_link_sends_no_credentials() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let seen: Seen = Arc::default();
    let data = pattern(300_000);
    let body = data.clone();
    let mock = files
        .mock_async(|when, then| {
            when.method(GET)
                .path("/f/ME1")
                .query_param("Signature", "abc")
                .is_true(capture(&seen));
            then.status(200)
                .header("content-type", "image/png")
                .body(body);
        })
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&api)
        .observer(recorder.clone())
        .user_agent_extension("my-app/1.0")
        .build()
        .unwrap();
    let download = client
        .download_unauthenticated("FetchMediaContent", &files.url("/f/ME1?Signature=abc"))
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.content_type(), Some("image/png"));
    assert_eq!(download.content_length(), Some(300_000));
    let chunks: Vec<Bytes> = download.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), data);
    mock.assert_calls_async(1).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    for (name, value) in &seen[0] {
        assert!(
            !["authorization", "user-agent", "cookie", "x-twilio-token"].contains(&name.as_str()),
            "{name}: {value} reached the link's host"
        );
        assert!(
            !value.contains(SECRET) && !value.contains(AC),
            "{name}: {value}"
        );
    }
    // The observer sees the link without its signature.
    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len(), 1);
    assert!(
        exchanges[0].url.ends_with("/f/ME1?[redacted]"),
        "{}",
        exchanges[0].url
    );
}

#[tokio::test]
async fn links_must_be_https_unless_allowed() {
    let client = Client::builder("https://chat.twilio.com")
        .credentials(creds())
        .build()
        .unwrap();
    let err = client
        .download_unauthenticated(
            "FetchMediaContent",
            "http://files.example.com/f?Signature=s",
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.to_string().contains("Signature=s"), "{err}");
    let err = client
        .download_unauthenticated("FetchMediaContent", "not a url")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a valid URL"), "{err}");
}

#[tokio::test]
async fn expired_link_is_refreshed_once() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let expired = files
        .mock_async(|when, then| {
            when.method(GET).path("/f/old");
            then.status(403).body(
                "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
            );
        })
        .await;
    let fresh = files
        .mock_async(|when, then| {
            when.method(GET)
                .path("/f/new")
                .header_missing("authorization");
            then.status(200).body("fresh bytes");
        })
        .await;
    let content = api
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("content bytes");
        })
        .await;
    let client = client(&api);
    let refreshes = Arc::new(Mutex::new(0));
    let counter = refreshes.clone();
    let new_link = files.url("/f/new?Signature=n");
    let download = client
        .download_links(
            "FetchMediaContent",
            MCS,
            FileLinks::new(
                Some(files.url("/f/old?Signature=o")),
                Some("/v1/Services/IS1/Media/ME1/Content".into()),
            ),
            || async move {
                *counter.lock().unwrap() += 1;
                Ok(FileLinks::new(Some(new_link), None))
            },
        )
        .await
        .unwrap();
    assert_eq!(
        download.bytes(1024).await.unwrap(),
        Bytes::from_static(b"fresh bytes")
    );
    assert_eq!(*refreshes.lock().unwrap(), 1);
    expired.assert_calls_async(1).await;
    fresh.assert_calls_async(1).await;
    content.assert_calls_async(0).await;
}

#[tokio::test]
async fn falls_back_to_the_content_link_with_credentials() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let expired = files
        .mock_async(|when, then| {
            when.method(GET);
            then.status(404).body("gone");
        })
        .await;
    let content = api
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/Services/IS1/Media/ME1/Content")
                .header("authorization", basic(AC, SECRET));
            then.status(200)
                .header("content-type", "application/pdf")
                .body("content bytes");
        })
        .await;
    let client = client(&api);
    let again = files.url("/f/again");
    let download = client
        .download_links(
            "FetchMediaContent",
            MCS,
            FileLinks::new(
                Some(files.url("/f/old")),
                Some("/v1/Services/IS1/Media/ME1/Content".into()),
            ),
            || async move { Ok(FileLinks::new(Some(again), None)) },
        )
        .await
        .unwrap();
    assert_eq!(download.content_type(), Some("application/pdf"));
    assert_eq!(
        download.bytes(1024).await.unwrap(),
        Bytes::from_static(b"content bytes")
    );
    // The first link, then the refreshed one, then the content link.
    expired.assert_calls_async(2).await;
    content.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_content_link_on_another_host_is_refused() {
    let api = MockServer::start_async().await;
    let other = MockServer::start_async().await;
    let mock = other
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("x");
        })
        .await;
    let client = client(&api);
    let err = client
        .download_links(
            "FetchMediaContent",
            MCS,
            FileLinks::new(None, Some(other.url("/v1/Services/IS1/Media/ME1/Content"))),
            || async { Ok(FileLinks::default()) },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.to_string().contains("credentials are sent only to"),
        "{err}"
    );
    mock.assert_calls_async(0).await;
    let err = client
        .download_links("FetchMediaContent", MCS, FileLinks::default(), || async {
            Ok(FileLinks::default())
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no download link"), "{err}");
}

#[tokio::test]
async fn a_redirect_is_followed_without_credentials() {
    let api = MockServer::start_async().await;
    let files = MockServer::start_async().await;
    let location = files.url("/f/ME1?Signature=r");
    let content = api
        .mock_async(|when, then| {
            when.method(GET).path("/v1/Services/IS1/Media/ME1/Content");
            then.status(307).header("location", location);
        })
        .await;
    let file = files
        .mock_async(|when, then| {
            when.method(GET)
                .path("/f/ME1")
                .header_missing("authorization");
            then.status(200).body("moved bytes");
        })
        .await;
    let req = Request::new(
        Method::GET,
        "FetchMediaContent",
        "/v1/Services/IS1/Media/ME1/Content".into(),
    )
    .server(MCS);
    let download = client(&api).execute_download(req).await.unwrap();
    assert_eq!(
        download.bytes(1024).await.unwrap(),
        Bytes::from_static(b"moved bytes")
    );
    content.assert_calls_async(1).await;
    file.assert_calls_async(1).await;
}

#[tokio::test]
async fn download_errors_carry_the_answer() {
    let api = MockServer::start_async().await;
    api.mock_async(|when, then| {
        when.method(GET).path("/v1/Services/IS1/Media/ME1/Content");
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
    })
    .await;
    api.mock_async(|when, then| {
        when.method(GET).path("/v1/Services/IS1/Media/ME2/Content");
        then.status(404)
            .json_body(json!({"code": 20404, "message": "not found", "status": 404}));
    })
    .await;
    let client = client(&api);
    let get = |sid: &str| {
        Request::new(
            Method::GET,
            "FetchMediaContent",
            format!("/v1/Services/IS1/Media/{sid}/Content"),
        )
        .server(MCS)
    };
    let err = client.execute_download(get("ME1")).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
    let err = client.execute_download(get("ME2")).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some(20404));
}

#[tokio::test]
async fn a_stalled_download_times_out() {
    let files = MockServer::start_async().await;
    files
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("late").delay(Duration::from_secs(3));
        })
        .await;
    let client = builder(&files)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .download_unauthenticated("FetchMediaContent", &files.url("/f"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[tokio::test]
async fn an_upload_body_is_sent_once_and_only_by_execute_upload() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(UPLOAD_PATH).body("abc");
            then.status(201).json_body(json!({"sid": "ME4"}));
        })
        .await;
    let client = client(&server);
    let request = upload_request().upload(UploadBody::from_bytes(&b"abc"[..]));
    let err = client.execute::<Value>(request.clone()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("execute_upload"), "{err}");
    let record: Value = client.execute_upload(request.clone()).await.unwrap();
    assert_eq!(record["sid"], "ME4");
    let err = client.execute_upload::<Value>(request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("no upload body"), "{err}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_supplied_client_that_follows_redirects_is_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/Services/IS1/Media/ME1/Content");
            then.status(302).header("location", "/elsewhere");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/elsewhere");
            then.status(200).body("followed");
        })
        .await;
    let client = builder(&server)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let req = Request::new(
        Method::GET,
        "FetchMediaContent",
        "/v1/Services/IS1/Media/ME1/Content".into(),
    )
    .server(MCS);
    let err = client.execute_download(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("followed a redirect"), "{err}");
}

#[tokio::test]
async fn transfer_errors_carry_the_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(UPLOAD_PATH);
            then.status(400)
                .header("Twilio-Request-Id", "RQ0123")
                .json_body(json!({"code": 20001, "message": "bad upload"}));
        })
        .await;
    let err = client(&server)
        .execute_upload::<Value>(upload_request().upload(UploadBody::from_bytes(&b"x"[..])))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20001));
    assert_eq!(err.request_id(), Some("RQ0123"));
}

/// A download served by a mock file host, of `data`.
async fn serve(files: &MockServer, data: Vec<u8>) {
    files
        .mock_async(|when, then| {
            when.method(GET).path("/f/ME9");
            then.status(200)
                .header("content-type", "application/pdf")
                .body(data);
        })
        .await;
}

#[tokio::test]
async fn a_download_is_saved_over_an_existing_file() {
    let files = MockServer::start_async().await;
    let data = pattern(5 * 64 * 1024 + 3);
    serve(&files, data.clone()).await;
    let dir = std::env::temp_dir().join(format!("twilio-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("saved.pdf");
    std::fs::write(&path, vec![1_u8; data.len() + 1000]).unwrap();
    let download = client(&files)
        .download_unauthenticated("FetchMediaContent", &files.url("/f/ME9"))
        .await
        .unwrap();
    let written = download.save(&path).await.unwrap();
    assert_eq!(written, data.len() as u64);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        data,
        "truncated, then written whole"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn saving_into_a_missing_folder_is_an_error_naming_the_path() {
    let files = MockServer::start_async().await;
    serve(&files, pattern(10)).await;
    let download = client(&files)
        .download_unauthenticated("FetchMediaContent", &files.url("/f/ME9"))
        .await
        .unwrap();
    let path = std::env::temp_dir().join("twilio-no-such-folder/deeper/saved.pdf");
    let err = download.save(&path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(!path.exists());
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_failing_write_fails_the_save() {
    // Every write to /dev/full fails with "no space left on device".
    let files = MockServer::start_async().await;
    serve(&files, pattern(3 * 64 * 1024)).await;
    let download = client(&files)
        .download_unauthenticated("FetchMediaContent", &files.url("/f/ME9"))
        .await
        .unwrap();
    let err = download.save("/dev/full").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(
        err.to_string().contains("could not write the download"),
        "{err}"
    );
}

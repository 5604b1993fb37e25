//! Pages and auto-paging against a mock server: following links, stopping at the limit, refusing foreign and
//! repeated links, API v2010 pages, and the exact-200 rule.

mod support;

use futures_util::StreamExt as _;
use httpmock::Method::GET;
use httpmock::{Mock, MockServer};
use serde_json::{Value, json};
use support::*;
use twilio_rest_runtime::__private::decode_page;
use twilio_rest_runtime::{ErrorKind, MAX_CONSECUTIVE_EMPTY_PAGES, Method, Params, Request};

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Channel {
    sid: String,
}

fn list_request() -> Request {
    let mut q = Params::new();
    q.push("PageSize", 2_u32);
    Request::new(
        Method::GET,
        "ListChannel",
        "/v2/Services/IS1/Channels".into(),
    )
    .query(q)
}

fn page_body(sids: &[&str], page: u64, next: Option<String>) -> Value {
    json!({
        "channels": sids.iter().map(|s| json!({"sid": s})).collect::<Vec<_>>(),
        "meta": {"page": page, "page_size": 2, "key": "channels", "next_page_url": next,
                 "previous_page_url": null, "first_page_url": null, "url": null}
    })
}

/// Three pages of two channels: page 0 at the list path without `Page`, pages 1 and 2 by `Page`.
async fn three_pages(server: &MockServer) -> [Mock<'_>; 3] {
    let next = |page: u64| {
        server.url(format!(
            "/v2/Services/IS1/Channels?PageSize=2&Page={page}&PageToken=PT{page}"
        ))
    };
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("PageSize", "2")
                .query_param_missing("Page");
            then.status(200)
                .json_body(page_body(&["CH1", "CH2"], 0, Some(next(1))));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("Page", "1")
                .query_param("PageToken", "PT1");
            then.status(200)
                .json_body(page_body(&["CH3", "CH4"], 1, Some(next(2))));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("Page", "2");
            then.status(200)
                .json_body(page_body(&["CH5", "CH6"], 2, None));
        })
        .await;
    [first, second, third]
}

async fn sids(
    stream: twilio_rest_runtime::ItemStream<Channel>,
) -> (Vec<String>, Vec<twilio_rest_runtime::Error>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    let mut stream = stream;
    while let Some(item) = stream.next().await {
        match item {
            Ok(c) => ok.push(c.sid),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

#[tokio::test]
async fn stream_follows_three_pages() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server).await;
    let (got, errors) = sids(client(&server).stream(list_request(), None)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(got, ["CH1", "CH2", "CH3", "CH4", "CH5", "CH6"]);
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn limit_stops_before_unneeded_pages() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server).await;
    let client = client(&server);

    let (got, _) = sids(client.stream(list_request(), Some(4))).await;
    assert_eq!(got, ["CH1", "CH2", "CH3", "CH4"]);
    mocks[0].assert_calls_async(1).await;
    mocks[1].assert_calls_async(1).await;
    mocks[2].assert_calls_async(0).await;

    let (got, _) = sids(client.stream(list_request(), Some(3))).await;
    assert_eq!(got, ["CH1", "CH2", "CH3"]);
    mocks[2].assert_calls_async(0).await;

    let (got, _) = sids(client.stream(list_request(), Some(0))).await;
    assert!(got.is_empty());
    mocks[0].assert_calls_async(2).await;
}

#[tokio::test]
async fn manual_paging_with_next_page() {
    let server = MockServer::start_async().await;
    let mocks = three_pages(&server).await;
    let client = client(&server);
    let mut page = client
        .execute_page::<Channel>(list_request())
        .await
        .unwrap();
    let mut all = Vec::new();
    loop {
        assert_eq!(page.meta.key.as_deref(), Some("channels"));
        all.extend(page.records.iter().map(|c| c.sid.clone()));
        match client.next_page(&page).await.unwrap() {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(all.len(), 6);
    assert_eq!(page.meta.page, Some(2));
    assert_eq!(page.next_page_url(), None);
    assert_eq!(page.into_records().len(), 2);
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn foreign_next_url_is_refused_without_sending() {
    let server = MockServer::start_async().await;
    let foreign = MockServer::start_async().await;
    let foreign_mock = foreign
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(page_body(&["EVIL"], 1, None));
        })
        .await;
    let next = foreign.url("/v2/Services/IS1/Channels?PageSize=2&Page=1");
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/Services/IS1/Channels");
            then.status(200)
                .json_body(page_body(&["CH1", "CH2"], 0, Some(next.clone())));
        })
        .await;
    let client = client(&server);
    let (got, errors) = sids(client.stream(list_request(), None)).await;
    assert_eq!(got, ["CH1", "CH2"]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind(), ErrorKind::Pagination);
    assert!(
        errors[0]
            .to_string()
            .starts_with("ListChannel: refusing to follow"),
        "{}",
        errors[0]
    );

    let page = client
        .execute_page::<Channel>(list_request())
        .await
        .unwrap();
    let err = client.next_page(&page).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Pagination);
    foreign_mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn repeated_next_url_is_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    let again = server.url("/v2/Services/IS1/Channels?PageSize=2&Page=1");
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param_missing("Page");
            then.status(200)
                .json_body(page_body(&["CH1"], 0, Some(again.clone())));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("Page", "1");
            then.status(200)
                .json_body(page_body(&["CH2"], 1, Some(again.clone())));
        })
        .await;
    let client = client(&server);
    let (got, errors) = sids(client.stream(list_request(), None)).await;
    assert_eq!(got, ["CH1", "CH2"]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind(), ErrorKind::Pagination);
    second.assert_calls_async(1).await;

    // next_page refuses a link to the page itself.
    let first = client
        .execute_page::<Channel>(list_request())
        .await
        .unwrap();
    let page = client.next_page(&first).await.unwrap().unwrap();
    let err = client.next_page(&page).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Pagination);
    second.assert_calls_async(2).await;
}

#[tokio::test]
async fn v2010_pages_with_relative_uris_and_page_key() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/2010-04-01/Accounts/AC1/Calls.json").query_param_missing("Page");
            then.status(200).json_body(json!({
                "calls": [{"sid": "CA1"}], "recordings_count": [1, 2], "page": 0, "page_size": 1,
                "uri": "/2010-04-01/Accounts/AC1/Calls.json?PageSize=1",
                "first_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?PageSize=1&Page=0",
                "next_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?PageSize=1&Page=1", "previous_page_uri": null
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/2010-04-01/Accounts/AC1/Calls.json")
                .query_param("Page", "1");
            then.status(200).json_body(json!({
                "calls": [{"sid": "CA2"}], "page": 1, "page_size": 1, "next_page_uri": null,
                "uri": "/2010-04-01/Accounts/AC1/Calls.json?PageSize=1&Page=1"
            }));
        })
        .await;
    let client = client(&server);
    let request = Request::new(
        Method::GET,
        "ListCall",
        "/2010-04-01/Accounts/AC1/Calls.json".into(),
    )
    .page_key("calls");
    let (got, errors) = sids(client.stream(request.clone(), None)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(got, ["CA1", "CA2"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;

    let page = client.execute_page::<Channel>(request).await.unwrap();
    assert_eq!(
        page.next_page_url(),
        Some(
            server
                .url("/2010-04-01/Accounts/AC1/Calls.json?PageSize=1&Page=1")
                .as_str()
        )
    );
    assert_eq!(
        page.first_page_url(),
        Some(
            server
                .url("/2010-04-01/Accounts/AC1/Calls.json?PageSize=1&Page=0")
                .as_str()
        )
    );
    assert_eq!(page.previous_page_url(), None);
}

#[tokio::test]
async fn pages_require_exactly_200_and_errors_end_the_stream() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/created");
            then.status(201).json_body(page_body(&["CH1"], 0, None));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/missing");
            then.status(404)
                .json_body(json!({"code": 20404, "message": "not found"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/bad");
            then.status(200)
                .json_body(json!({"channels": [{"sid": 1}], "meta": {"key": "channels"}}));
        })
        .await;
    let client = client_without_retries(&server);
    let err = client
        .execute_page::<Channel>(Request::new(Method::GET, "ListChannel", "/created".into()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(201));

    let (got, errors) = sids(client.stream(
        Request::new(Method::GET, "ListChannel", "/missing".into()),
        None,
    ))
    .await;
    assert!(got.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].is_not_found());

    let (_, errors) = sids(client.stream(
        Request::new(Method::GET, "ListChannel", "/bad".into()),
        None,
    ))
    .await;
    assert_eq!(errors[0].kind(), ErrorKind::Decode);
    assert_eq!(errors[0].decode_path(), Some("channels[0].sid"));
}

#[tokio::test]
async fn a_page_that_is_not_utf8_is_a_decode_error_with_its_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/latin1");
            then.status(200).body(
                b"{\"channels\": [{\"sid\": \"caf\xe9\"}], \"meta\": {\"key\": \"channels\"}}",
            );
        })
        .await;
    let client = client_without_retries(&server);
    let err = client
        .execute_page::<Channel>(Request::new(Method::GET, "ListChannel", "/latin1".into()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("not UTF-8 (byte 26)"), "{err}");
}

/// Pages 0..20 of a list that are all empty and each link to the next one.
async fn empty_pages_linking_onward(server: &MockServer) -> Vec<Mock<'_>> {
    let mut mocks = Vec::new();
    for page in 0..20_u64 {
        let next = server.url(format!(
            "/v2/Services/IS1/Channels?PageSize=2&Page={}",
            page + 1
        ));
        let mock = server
            .mock_async(|when, then| {
                let when = when.method(GET).path("/v2/Services/IS1/Channels");
                if page == 0 {
                    when.query_param_missing("Page");
                } else {
                    when.query_param("Page", page.to_string());
                }
                then.status(200).json_body(page_body(&[], page, Some(next)));
            })
            .await;
        mocks.push(mock);
    }
    mocks
}

#[tokio::test]
async fn empty_pages_that_link_onward_end_the_stream_with_an_error() {
    let server = MockServer::start_async().await;
    let mocks = empty_pages_linking_onward(&server).await;
    let client = client(&server);
    let (got, errors) = sids(client.stream(list_request(), Some(5))).await;
    assert!(got.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind(), ErrorKind::Pagination);
    assert!(
        errors[0]
            .to_string()
            .contains("pages in a row had no records"),
        "{}",
        errors[0]
    );
    let sent: usize = {
        let mut n = 0;
        for mock in &mocks {
            n += mock.calls_async().await;
        }
        n
    };
    assert_eq!(sent, MAX_CONSECUTIVE_EMPTY_PAGES as usize);

    // Without a limit too, and by hand with next_page.
    let (_, errors) = sids(client.stream(list_request(), None)).await;
    assert_eq!(errors.len(), 1);
    let mut page = client
        .execute_page::<Channel>(list_request())
        .await
        .unwrap();
    let mut fetched = 1;
    let err = loop {
        match client.next_page(&page).await {
            Ok(Some(next)) => {
                page = next;
                fetched += 1;
            }
            Ok(None) => panic!("the pages never end"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), ErrorKind::Pagination);
    assert_eq!(fetched, MAX_CONSECUTIVE_EMPTY_PAGES);
}

#[tokio::test]
async fn empty_pages_between_full_ones_are_followed() {
    // Fewer empty pages in a row than the bound: the stream goes on to the records after them.
    let server = MockServer::start_async().await;
    let link =
        |page: u64| Some(server.url(format!("/v2/Services/IS1/Channels?PageSize=2&Page={page}")));
    let runs = MAX_CONSECUTIVE_EMPTY_PAGES as u64 - 1;
    for page in 0..=runs + 1 {
        let body = match page {
            0 => page_body(&["CH1"], 0, link(1)),
            p if p <= runs => page_body(&[], p, link(p + 1)),
            p => page_body(&["CH2"], p, None),
        };
        server
            .mock_async(|when, then| {
                let when = when.method(GET).path("/v2/Services/IS1/Channels");
                if page == 0 {
                    when.query_param_missing("Page");
                } else {
                    when.query_param("Page", page.to_string());
                }
                then.status(200).json_body(body);
            })
            .await;
    }
    let (got, errors) = sids(client(&server).stream(list_request(), None)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(got, ["CH1", "CH2"]);
}

#[tokio::test]
async fn manual_next_page_between_two_urls_is_refused() {
    let server = MockServer::start_async().await;
    let a = server.url("/v2/Services/IS1/Channels?PageSize=2&Page=0");
    let b = server.url("/v2/Services/IS1/Channels?PageSize=2&Page=1");
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("Page", "0");
            then.status(200)
                .json_body(page_body(&["CH1"], 0, Some(b.clone())));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/Services/IS1/Channels")
                .query_param("Page", "1");
            then.status(200)
                .json_body(page_body(&["CH2"], 1, Some(a.clone())));
        })
        .await;
    let client = client(&server);
    let mut q = Params::new();
    q.push("PageSize", 2_u32);
    q.push("Page", 0_u32);
    let start = Request::new(
        Method::GET,
        "ListChannel",
        "/v2/Services/IS1/Channels".into(),
    )
    .query(q);
    let page_a = client.execute_page::<Channel>(start).await.unwrap();
    let page_b = client.next_page(&page_a).await.unwrap().unwrap();
    let err = client.next_page(&page_b).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Pagination);
    assert!(err.to_string().contains("already fetched"), "{err}");
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

/// A record of the decoding tests, with an optional member.
#[derive(Debug, serde::Deserialize, PartialEq)]
struct Rec {
    sid: String,
    n: Option<u32>,
}

fn api_base() -> url::Url {
    url::Url::parse("https://api.twilio.com").unwrap()
}

#[test]
fn chat_v2_page_decodes_without_a_server() {
    let body = br#"{"channels": [{"sid": "CH1"}, {"sid": "CH2", "n": 2}], "meta": {"page": 0, "page_size": 2,
        "first_page_url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=0",
        "previous_page_url": null, "url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=0",
        "next_page_url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=1&PageToken=PT", "key": "channels"}}"#;
    let (records, meta) = decode_page::<Rec>("ListChannel", body, &api_base(), None).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[1],
        Rec {
            sid: "CH2".into(),
            n: Some(2)
        }
    );
    assert_eq!(meta.page, Some(0));
    assert_eq!(meta.page_size, Some(2));
    assert_eq!(meta.previous_page_url, None);
    assert_eq!(meta.key.as_deref(), Some("channels"));
    assert!(meta.next_page_url.unwrap().ends_with("Page=1&PageToken=PT"));
}

#[test]
fn v2010_page_with_relative_uris_decodes_without_a_server() {
    let body = br#"{"calls": [{"sid": "CA1"}], "end": 0, "first_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=0",
        "next_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=1", "previous_page_uri": null, "page": 0,
        "page_size": 1, "uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=0"}"#;
    let (records, meta) = decode_page::<Rec>("ListCall", body, &api_base(), None).unwrap();
    assert_eq!(records[0].sid, "CA1");
    assert_eq!(
        meta.next_page_url.as_deref(),
        Some("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Page=1")
    );
    assert_eq!(meta.key.as_deref(), Some("calls"));
    let (records, _) = decode_page::<Rec>("ListCall", body, &api_base(), Some("calls")).unwrap();
    assert_eq!(records.len(), 1);
}

//! The service is bounded and strict like Twilio: form bodies over the limit are refused (413, code 20413) before
//! they are read, media uploads keep their own limit, `Attributes` must be JSON (400, code 50304), `PageSize` must
//! be 1 to 1000 and encodings must decode (400, code 20001), and credentials are checked on every path first.

mod common;

use common::{Answer, address, basic, connect, exchange, read_answer};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;
use twilio_chat_local::{Config, LocalChat};

const MIB: usize = 1024 * 1024;

/// The `Authorization` header the service accepts.
fn auth(chat: &LocalChat) -> String {
    basic(
        chat.credentials().account_sid(),
        chat.credentials().auth_token(),
    )
}

/// A raw request with `Connection: close`; `headers` are extra header lines.
fn request(method: &str, target: &str, headers: &[String], body: &[u8]) -> Vec<u8> {
    let mut text =
        format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for line in headers {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A form POST with the service's credentials.
async fn post_form(chat: &LocalChat, path: &str, body: &str) -> Answer {
    let headers = [
        format!("Authorization: {}", auth(chat)),
        "Content-Type: application/x-www-form-urlencoded".to_owned(),
        format!("Content-Length: {}", body.len()),
    ];
    let bytes = request("POST", path, &headers, body.as_bytes());
    exchange(&address(chat.base_url()), &bytes).await
}

/// A GET with the service's credentials.
async fn get(chat: &LocalChat, target: &str) -> Answer {
    let headers = [format!("Authorization: {}", auth(chat))];
    exchange(
        &address(chat.base_url()),
        &request("GET", target, &headers, b""),
    )
    .await
}

fn code(error: &Value) -> Option<u64> {
    error["code"].as_u64()
}

#[tokio::test]
async fn form_body_over_the_limit_is_refused_before_it_is_read() {
    let chat = twilio_chat_local::start().await.unwrap();
    // 64 MiB declared and never sent: the answer cannot wait for the body.
    let headers = [
        format!("Authorization: {}", auth(&chat)),
        "Content-Type: application/x-www-form-urlencoded".to_owned(),
        format!("Content-Length: {}", 64 * MIB),
    ];
    let answer = exchange(
        &address(chat.base_url()),
        &request("POST", "/v2/Services", &headers, b"FriendlyName="),
    )
    .await;
    assert_eq!(answer.status, 413);
    let error = answer.twilio_error("64 MiB form");
    assert_eq!(code(&error), Some(20413), "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("1048576 bytes"),
        "{error}"
    );
    assert!(answer.head.contains("connection: close"), "{}", answer.head);
    assert!(chat.state().records("Service").is_empty(), "nothing stored");

    // Exactly the limit is read and answered as usual.
    let at_limit = format!(
        "FriendlyName=x&Padding={}",
        "p".repeat(MIB - "FriendlyName=x&Padding=".len())
    );
    assert_eq!(at_limit.len(), MIB);
    let answer = post_form(&chat, "/v2/Services", &at_limit).await;
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
}

#[tokio::test]
async fn chunked_form_body_is_refused_once_it_crosses_the_limit() {
    let chat = twilio_chat_local::start().await.unwrap();
    let mut stream = connect(&address(chat.base_url())).await;
    let headers = [
        format!("Authorization: {}", auth(&chat)),
        "Content-Type: application/x-www-form-urlencoded".to_owned(),
        "Transfer-Encoding: chunked".to_owned(),
    ];
    stream
        .write_all(&request("POST", "/v2/Services", &headers, b""))
        .await
        .unwrap();
    // One byte over the limit in 64 KiB chunks, and no final chunk: the answer cannot wait for the end.
    let mut remaining = MIB + 1;
    let mut first = true;
    while remaining > 0 {
        let size = remaining.min(64 * 1024);
        let data = if first {
            first = false;
            let mut data = b"FriendlyName=".to_vec();
            data.resize(size, b'n');
            data
        } else {
            vec![b'n'; size]
        };
        let mut chunk = format!("{size:x}\r\n").into_bytes();
        chunk.extend_from_slice(&data);
        chunk.extend_from_slice(b"\r\n");
        stream.write_all(&chunk).await.unwrap();
        remaining -= size;
    }
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 413);
    assert_eq!(code(&answer.twilio_error("chunked form")), Some(20413));
    assert!(chat.state().records("Service").is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_64_mib_form_from_a_client_is_not_stored() {
    let chat = twilio_chat_local::start().await.unwrap();
    let name = "n".repeat(64 * MIB);
    let outcome = chat.client().services().create(&name).await;
    // The answer is 413, unless the connection closes while the client is still sending the unread body.
    if let Err(error) = &outcome
        && let Some(status) = error.status()
    {
        assert_eq!((status, error.code()), (413, Some(20413)), "{error}");
    }
    assert!(outcome.is_err(), "a 64 MiB form must be refused");
    assert!(chat.state().records("Service").is_empty(), "nothing stored");
    // The service still answers.
    chat.client().services().create("after").await.unwrap();
}

#[tokio::test]
async fn form_body_limit_is_configurable() {
    let chat = twilio_chat_local::start_with(Config {
        form_body_limit: 256,
        ..Config::default()
    })
    .await
    .unwrap();
    let error = chat
        .client()
        .services()
        .create("n".repeat(300))
        .await
        .unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(413), Some(20413)));
    assert!(error.to_string().contains("256 bytes"), "{error}");
    chat.client().services().create("short").await.unwrap();
    assert_eq!(chat.state().records("Service").len(), 1);
}

#[tokio::test]
async fn media_uploads_keep_their_own_limit() {
    let chat = twilio_chat_local::start_with(Config {
        form_body_limit: 1024,
        ..Config::default()
    })
    .await
    .unwrap();
    let service = chat.client().services().create("media").await.unwrap().sid;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/Services/{service}/Media", chat.base_url()))
        .basic_auth(
            chat.credentials().account_sid(),
            Some(chat.credentials().auth_token()),
        )
        .header("content-type", "image/png")
        .body(vec![7u8; 2 * MIB])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "over the form limit, within the media limit"
    );
    assert_eq!(chat.state().media()[0]["size"], 2 * MIB);

    // A `MediaSet` look-up is not an upload: the form limit applies.
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v1/Services/{service}/MediaSet",
            chat.base_url()
        ))
        .basic_auth(
            chat.credentials().account_sid(),
            Some(chat.credentials().auth_token()),
        )
        .body(format!(
            r#"{{"command":"get","list":[],"pad":"{}"}}"#,
            "p".repeat(2048)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn attributes_must_be_json() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let svc = client.service(&is);
    let check = |what: &str, outcome: Result<(), twilio_chat_v2::Error>| {
        let error = outcome.expect_err(what);
        assert_eq!(
            (error.status(), error.code()),
            (Some(400), Some(50304)),
            "{what}: {error}"
        );
        assert!(error.to_string().contains("Attributes"), "{what}: {error}");
    };

    check(
        "channel create",
        svc.channels().create().attributes("{oops").await.map(drop),
    );
    assert!(chat.state().records("Channel").is_empty(), "nothing stored");
    let channel = svc
        .channels()
        .create()
        .unique_name("room")
        .attributes(r#"{"topic":"all"}"#)
        .await
        .unwrap();
    assert_eq!(channel.attributes.as_deref(), Some(r#"{"topic":"all"}"#));
    check(
        "channel update",
        svc.channel("room").update().attributes("").await.map(drop),
    );
    check(
        "user create",
        svc.users()
            .create("u")
            .attributes("not json")
            .await
            .map(drop),
    );
    svc.users().create("u").attributes("[1, 2]").await.unwrap();
    check(
        "user update",
        svc.user("u")
            .update()
            .attributes("{\"a\":}")
            .await
            .map(drop),
    );
    check(
        "member create",
        svc.channel("room")
            .members()
            .create("u")
            .attributes("'single'")
            .await
            .map(drop),
    );
    let member = svc.channel("room").members().create("u").await.unwrap();
    check(
        "member update",
        svc.channel("room")
            .member(&member.sid)
            .update()
            .attributes("{")
            .await
            .map(drop),
    );
    check(
        "message create",
        svc.channel("room")
            .messages()
            .create()
            .body("hi")
            .attributes("nope")
            .await
            .map(drop),
    );
    let message = svc
        .channel("room")
        .messages()
        .create()
        .body("hi")
        .await
        .unwrap();
    check(
        "message update",
        svc.channel("room")
            .message(&message.sid)
            .update()
            .attributes("}")
            .await
            .map(drop),
    );
    // JSON nested beyond 128 levels is refused too, without exhausting the stack.
    check(
        "deep JSON",
        svc.channel("room")
            .update()
            .attributes("[".repeat(100_000))
            .await
            .map(drop),
    );
}

#[tokio::test]
async fn page_size_is_a_positive_integer_capped_at_the_lists_maximum() {
    let chat = twilio_chat_local::start().await.unwrap();
    let service = chat.client().services().create("s").await.unwrap();
    for bad in ["0", "-1", "abc", "", "1e3", "99999999999999999999999"] {
        let answer = get(&chat, &format!("/v2/Services?PageSize={bad}")).await;
        let error = answer.twilio_error(bad);
        assert_eq!(
            (answer.status, code(&error)),
            (400, Some(20001)),
            "{bad}: {error}"
        );
        assert!(
            error["message"].as_str().unwrap().contains("PageSize"),
            "{error}"
        );
    }
    // Each list's maximum is the description's: 100 for services, 1000 for credentials, 5 for a channel's
    // webhooks, whose default page is then 5 too.
    let channel = chat
        .client()
        .service(&service.sid)
        .channels()
        .create()
        .send()
        .await
        .unwrap();
    let webhooks = format!(
        "/v2/Services/{}/Channels/{}/Webhooks",
        service.sid, channel.sid
    );
    for (path, sent, answered) in [
        ("/v2/Services".to_owned(), Some("1"), 1),
        ("/v2/Services".to_owned(), Some("100"), 100),
        ("/v2/Services".to_owned(), Some("1001"), 100),
        ("/v2/Services".to_owned(), None, 50),
        ("/v2/Credentials".to_owned(), Some("1000"), 1000),
        ("/v2/Credentials".to_owned(), Some("5000"), 1000),
        (webhooks.clone(), Some("50"), 5),
        (webhooks, None, 5),
    ] {
        let query = sent.map_or(String::new(), |n| format!("?PageSize={n}"));
        let answer = get(&chat, &format!("{path}{query}")).await;
        assert_eq!(answer.status, 200, "{path}{query}");
        let page = answer.json(&path);
        assert_eq!(page["meta"]["page_size"], answered, "{path}{query}");
        assert!(
            page["meta"]["url"]
                .as_str()
                .unwrap()
                .contains(&format!("PageSize={answered}&")),
            "{page}"
        );
    }
}

#[tokio::test]
async fn form_and_query_encodings_must_decode() {
    let chat = twilio_chat_local::start().await.unwrap();
    for (body, named) in [
        ("FriendlyName=%zz", "FriendlyName"),
        ("FriendlyName=ok%", "FriendlyName"),
        ("FriendlyName=%FF%FE", "FriendlyName"),
        ("Friendly%ZZName=x", "parameter name"),
    ] {
        let answer = post_form(&chat, "/v2/Services", body).await;
        let error = answer.twilio_error(body);
        assert_eq!(
            (answer.status, code(&error)),
            (400, Some(20001)),
            "{body}: {error}"
        );
        assert!(
            error["message"].as_str().unwrap().contains(named),
            "{body}: {error}"
        );
    }
    assert!(chat.state().records("Service").is_empty(), "nothing stored");

    let answer = get(&chat, "/v2/Services?PageSize=%zz").await;
    let error = answer.twilio_error("query");
    assert_eq!((answer.status, code(&error)), (400, Some(20001)));
    assert!(
        error["message"].as_str().unwrap().contains("PageSize"),
        "{error}"
    );

    // `+` and escapes that decode to UTF-8 are fine.
    let answer = post_form(&chat, "/v2/Services", "FriendlyName=caf%C3%A9+bar").await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.json("ok")["friendly_name"], "café bar");
}

#[tokio::test]
async fn credentials_are_checked_first_on_every_path() {
    let chat = twilio_chat_local::start().await.unwrap();
    let wrong = basic(chat.credentials().account_sid(), "wrong");
    let cases: [(&str, &str, Vec<String>); 6] = [
        ("GET", "/v2/Nowhere", vec![]),
        ("GET", "/", vec![]),
        ("DELETE", "/v2/Services", vec![]),
        ("GET", "/v1/Services/IS0/Media/ME0", vec![]),
        (
            "GET",
            "/v2/Nowhere",
            vec![format!("Authorization: {wrong}")],
        ),
        (
            "POST",
            "/v2/Services",
            vec![format!("Content-Length: {}", 64 * MIB)],
        ),
    ];
    for (method, path, headers) in cases {
        let what = format!("{method} {path} {headers:?}");
        let answer = exchange(
            &address(chat.base_url()),
            &request(method, path, &headers, b""),
        )
        .await;
        assert_eq!(answer.status, 401, "{what}");
        assert_eq!(code(&answer.twilio_error(&what)), Some(20003), "{what}");
        assert!(answer.head.contains("www-authenticate: basic"), "{what}");
    }
    // With credentials, an unknown path is a 404.
    let answer = get(&chat, "/v2/Nowhere").await;
    assert_eq!(code(&answer.twilio_error("known")), Some(20404));
}

#[tokio::test]
async fn enum_parameters_take_only_the_descriptions_values() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let svc = client.service(&is);
    // A form value outside the enum, on Chat v2 and on Conversations: 400 naming the parameter and the values.
    let error = svc
        .channels()
        .create()
        .type_(twilio_chat_v2::models::ChannelType::Unknown(
            "broadcast".into(),
        ))
        .await
        .expect_err("an unknown channel type");
    assert_eq!((error.status(), error.code()), (Some(400), Some(20001)));
    assert!(
        error
            .to_string()
            .contains("Invalid Type: `broadcast` is not one of public, private"),
        "{error}"
    );
    assert!(chat.state().records("Channel").is_empty(), "nothing stored");
    let answer = post_form(
        &chat,
        &format!("/v1/Services/{is}/Conversations"),
        "FriendlyName=x&State=archived",
    )
    .await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(
        code(&answer.twilio_error("conversation state")),
        Some(20001)
    );
    // A list filter too, every value of a repeated one.
    let answer = get(
        &chat,
        &format!("/v2/Services/{is}/Channels?Type=public&Type=secret"),
    )
    .await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert!(
        answer.twilio_error("channel type filter")["message"]
            .as_str()
            .unwrap()
            .contains("Invalid Type: `secret`"),
        "{answer:?}"
    );
    // The values the description lists are taken.
    let answer = get(
        &chat,
        &format!("/v2/Services/{is}/Channels?Type=public&Type=private"),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn every_nth_request_meets_a_fault_and_the_journal_shows_each_answer() {
    let chat = twilio_chat_local::start().await.unwrap();
    chat.state()
        .inject_every(3, twilio_chat_local::Fault::ServerError { status: 503 });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(get(&chat, "/v2/Services").await.status);
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503]);
    chat.state()
        .inject_every(0, twilio_chat_local::Fault::ServerError { status: 503 });
    assert_eq!(get(&chat, "/v2/Services").await.status, 200);
    let journal = chat.state().requests();
    let seen: Vec<(&str, &str, u16)> = journal
        .iter()
        .map(|a| (a.method.as_str(), a.path.as_str(), a.status))
        .collect();
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[2], ("GET", "/v2/Services", 503));
    assert_eq!(seen[6], ("GET", "/v2/Services", 200));
}

#[tokio::test]
async fn sid_parameters_take_sids_of_their_prefix() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let is = client.services().create("s").await.unwrap().sid;
    let channel = client.service(&is).channels().create().await.unwrap().sid;
    let members = format!("/v2/Services/{is}/Channels/{channel}/Members");
    // Not a SID, a SID of another kind, a role SID one digit short, one with a character that is not hex.
    let role = "RL0123456789abcdef0123456789abcdef";
    for bad in [
        "admin".to_owned(),
        format!("CH{}", &role[2..]),
        role[..33].to_owned(),
        format!("{}g", &role[..33]),
    ] {
        let answer = post_form(&chat, &members, &format!("Identity=ana&RoleSid={bad}")).await;
        let error = answer.twilio_error(&bad);
        assert_eq!(
            (answer.status, code(&error)),
            (400, Some(20001)),
            "{bad}: {error}"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("Invalid RoleSid"),
            "{error}"
        );
    }
    assert!(chat.state().records("Member").is_empty(), "nothing stored");
    // The same rule on Conversations, from its own description.
    let answer = post_form(
        &chat,
        &format!("/v1/Services/{is}/Conversations"),
        "MessagingServiceSid=MG123",
    )
    .await;
    let error = answer.twilio_error("messaging service");
    assert_eq!((answer.status, code(&error)), (400, Some(20001)), "{error}");
    // A SID of the right form goes through.
    let answer = post_form(&chat, &members, &format!("Identity=ana&RoleSid={role}")).await;
    assert_eq!(answer.status, 201, "{answer:?}");
}

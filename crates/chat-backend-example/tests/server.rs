//! Starts the example backend on 127.0.0.1 (ephemeral port) in this process, sends signed, tampered and malformed
//! Chat webhooks over real HTTP, checks every reply, and stops the server. Signatures are computed here with
//! Twilio's published algorithm (HMAC-SHA1 of the URL and the sorted `name + value` pairs, base64).

use std::net::SocketAddr;

use base64::Engine as _;
use chat_backend_example::{AppState, Config, TokenSettings, serve};
use ring::hmac;
use twilio_rest_runtime::webhook::{ProxyTrust, Scheme, UrlSource};

const TOKEN: &str = "test-auth-token-7f3a";
const PUBLIC: &str = "https://chat.example.com";
const FORM: &str = "application/x-www-form-urlencoded";

fn sign(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, TOKEN.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hmac::sign(&key, data.as_bytes()).as_ref())
}

fn encode(params: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn config(url_source: UrlSource) -> Config {
    Config {
        auth_token: TOKEN.to_owned(),
        url_source,
        max_body_bytes: 4096,
        blocked_words: vec!["Spam".to_owned()],
        users: vec![("alice".to_owned(), "alice-pw".to_owned())],
        tokens: Some(TokenSettings {
            account_sid: ACCOUNT.to_owned(),
            api_key_sid: API_KEY.to_owned(),
            api_secret: API_SECRET.to_owned(),
            chat_service_sid: SERVICE.to_owned(),
            ttl: std::time::Duration::from_secs(600),
        }),
    }
}

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const API_KEY: &str = "SK0123456789abcdef0123456789abcdef";
const API_SECRET: &str = "api-secret-for-tests";
const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";

/// A server running in this process; dropping the sender stops it.
struct Running {
    addr: SocketAddr,
    state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(config: Config) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        state,
        stop,
        task,
    }
}

impl Running {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

struct Reply {
    status: u16,
    content_type: Option<String>,
    body: String,
}

async fn post(
    server: &Running,
    body: impl Into<reqwest::Body>,
    signature: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = reqwest::Client::new()
        .post(server.url("/webhooks/chat"))
        .header("Content-Type", FORM)
        .body(body);
    if let Some(signature) = signature {
        request = request.header("X-Twilio-Signature", signature);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    Reply {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.text().await.unwrap(),
    }
}

/// Posts `params` signed for the public URL.
async fn post_signed(server: &Running, params: &[(&str, &str)]) -> Reply {
    let signature = sign(&format!("{PUBLIC}/webhooks/chat"), params);
    post(server, encode(params), Some(&signature), &[]).await
}

const SEND: &[(&str, &str)] = &[
    ("EventType", "onMessageSend"),
    ("AccountSid", "AC00000000000000000000000000000001"),
    ("InstanceSid", "IS00000000000000000000000000000002"),
    ("ChannelSid", "CH00000000000000000000000000000003"),
    ("ClientIdentity", "alice"),
    ("From", "alice"),
    ("Body", "  hello there  "),
    ("Attributes", "{\"importance\":\"high\"}"),
    ("Source", "SDK"),
    ("RetryCount", "0"),
];

#[tokio::test]
async fn signed_and_tampered_webhooks() {
    let server = start(config(UrlSource::public(PUBLIC).unwrap())).await;

    // Allowed with changes: body trimmed, attributes tagged.
    let reply = post_signed(&server, SEND).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        reply.body,
        r#"{"attributes":"{\"importance\":\"high\",\"moderated\":true}","body":"hello there"}"#
    );

    // Rejected by policy.
    let mut spam = SEND.to_vec();
    spam[6] = ("Body", "buy SPAM now");
    let reply = post_signed(&server, &spam).await;
    assert_eq!((reply.status, reply.body.as_str()), (403, ""));

    // Tampered: the body changed after signing.
    let signature = sign(&format!("{PUBLIC}/webhooks/chat"), SEND);
    let tampered = encode(SEND).replace("hello", "HELLO");
    let reply = post(&server, tampered, Some(&signature), &[]).await;
    assert_eq!(reply.status, 403);
    assert!(reply.body.contains("does not match"), "{}", reply.body);

    // Signed for another URL.
    let wrong_url = sign("https://chat.example.com/other", SEND);
    let reply = post(&server, encode(SEND), Some(&wrong_url), &[]).await;
    assert_eq!(reply.status, 403);

    // No signature at all.
    let reply = post(&server, encode(SEND), None, &[]).await;
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.body,
        "webhook request has no X-Twilio-Signature header"
    );

    // Malformed form body.
    let reply = post(
        &server,
        "EventType=onMessageSend&Body=%zz",
        Some(&signature),
        &[],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("form pair 1"), "{}", reply.body);

    // Non-UTF-8 value.
    let reply = post(
        &server,
        b"EventType=onMessageSend&Body=%FF".to_vec(),
        Some(&signature),
        &[],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("not UTF-8"), "{}", reply.body);

    // Over the body limit (4096 bytes here).
    let big = "x".repeat(5000);
    let huge = [("EventType", "onMessageSend"), ("Body", big.as_str())];
    let reply = post_signed(&server, &huge).await;
    assert_eq!(reply.status, 413, "{}", reply.body);

    // A signed body with a duplicated typed field is refused by the event reader.
    let duplicated = [("EventType", "onMessageSend"), ("Body", "a"), ("Body", "b")];
    let reply = post_signed(&server, &duplicated).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        "webhook parameter `Body` was sent more than once"
    );

    // Members: only registered users may join.
    let join = |identity: &'static str| {
        [
            ("EventType", "onMemberAdd"),
            ("ChannelSid", "CH00000000000000000000000000000003"),
            ("Identity", identity),
        ]
    };
    assert_eq!(post_signed(&server, &join("alice")).await.status, 200);
    assert_eq!(post_signed(&server, &join("mallory")).await.status, 403);

    // Channels without a unique name get one.
    let channel = [
        ("EventType", "onChannelAdd"),
        ("FriendlyName", "Support #42"),
        ("ChannelType", "private"),
    ];
    let reply = post_signed(&server, &channel).await;
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"uniqueName":"support-42"}"#)
    );

    // Post-events and unknown events are acknowledged and recorded.
    let sent = [
        ("EventType", "onMessageSent"),
        ("ChannelSid", "CH00000000000000000000000000000003"),
        ("MessageSid", "IM00000000000000000000000000000004"),
        ("Index", "0"),
    ];
    let reply = post_signed(&server, &sent).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, ""));
    let unknown = [("EventType", "onSomethingNew"), ("Thing", "1")];
    assert_eq!(post_signed(&server, &unknown).await.status, 200);
    assert_eq!(
        server.state.events(),
        [
            "onMessageSent IM00000000000000000000000000000004",
            "onSomethingNew"
        ]
    );

    // GET webhooks sign the URL with its query.
    let target = "/webhooks/chat?EventType=onUserUpdated&UserSid=US1";
    let signature = sign(&format!("{PUBLIC}{target}"), &[]);
    let response = reqwest::Client::new()
        .get(server.url(target))
        .header("X-Twilio-Signature", signature)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        server.state.events().last().map(String::as_str),
        Some("onUserUpdated US1")
    );

    server.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy() {
    let trusted = UrlSource::forwarded(
        Scheme::Http,
        ProxyTrust::networks(&["127.0.0.1/32"]).unwrap(),
    );
    let server = start(config(trusted)).await;
    let signature = sign("https://chat.example.com/webhooks/chat", SEND);
    let forwarded = [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "chat.example.com"),
    ];
    let reply = post(&server, encode(SEND), Some(&signature), &forwarded).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Without the forwarded headers the URL is http://127.0.0.1:port/..., which Twilio did not sign.
    let reply = post(&server, encode(SEND), Some(&signature), &[]).await;
    assert_eq!(reply.status, 403);
    server.stop().await;

    // The same request to a server that trusts no proxy fails closed.
    let untrusted =
        UrlSource::forwarded(Scheme::Http, ProxyTrust::networks(&["10.0.0.0/8"]).unwrap());
    let server = start(config(untrusted)).await;
    let reply = post(&server, encode(SEND), Some(&signature), &forwarded).await;
    assert_eq!(reply.status, 403);
    server.stop().await;
}

#[tokio::test]
async fn undeclared_huge_bodies_stop_at_the_limit() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let server = start(config(UrlSource::public(PUBLIC).unwrap())).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /webhooks/chat HTTP/1.1\r\nHost: {}\r\nContent-Type: {FORM}\r\nX-Twilio-Signature: x\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // 64 chunks of 1 KiB: far over the 4 KiB limit, with no Content-Length to refuse early.
    let chunk = format!("400\r\n{}\r\n", "a".repeat(1024));
    for _ in 0..64 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break; // the server may stop reading and close once over the limit
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("over the 4096-byte limit"), "{response}");
    server.stop().await;
}

async fn get_token(
    client: &reqwest::Client,
    server: &Running,
    authorization: Option<&str>,
) -> reqwest::Response {
    let mut request = client.get(server.url("/token"));
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn tokens_for_logged_in_users() {
    let server = start(config(UrlSource::public(PUBLIC).unwrap())).await;
    let client = reqwest::Client::new();
    let basic = |credentials: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        )
    };

    let response = get_token(&client, &server, Some(&basic("alice:alice-pw"))).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["identity"], "alice");
    let claims = twilio_access_token::verify(body["token"].as_str().unwrap(), API_SECRET).unwrap();
    assert_eq!(claims.identity.as_deref(), Some("alice"));
    assert_eq!(claims.iss, API_KEY);
    assert_eq!(claims.sub, ACCOUNT);
    let not_before = claims.nbf.expect("tokens carry nbf");
    assert_eq!(claims.exp - not_before, 600);
    assert_eq!(
        claims.chat.and_then(|chat| chat.service_sid).as_deref(),
        Some(SERVICE)
    );
    // Signed with the API secret, not anything else.
    assert!(twilio_access_token::verify(body["token"].as_str().unwrap(), TOKEN).is_err());

    for bad in [
        Some(basic("alice:wrong")),
        Some(basic("mallory:alice-pw")),
        Some(basic("alice")),
        Some("Basic !!!".to_owned()),
        Some("Bearer alice-pw".to_owned()),
        None,
    ] {
        let response = get_token(&client, &server, bad.as_deref()).await;
        assert_eq!(response.status().as_u16(), 401, "{bad:?}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Basic realm=\"chat\", charset=\"UTF-8\""
        );
    }
    server.stop().await;

    let mut no_tokens = config(UrlSource::public(PUBLIC).unwrap());
    no_tokens.tokens = None;
    let server = start(no_tokens).await;
    let response = get_token(&client, &server, Some(&basic("alice:alice-pw"))).await;
    assert_eq!(response.status().as_u16(), 503);
    server.stop().await;
}

#[test]
fn config_debug_hides_secrets() {
    let dbg = format!("{:?}", config(UrlSource::public(PUBLIC).unwrap()));
    assert!(
        !dbg.contains(TOKEN) && !dbg.contains("alice-pw") && !dbg.contains(API_SECRET),
        "{dbg}"
    );
    assert!(dbg.contains("alice"), "{dbg}");
}

#[test]
fn configuration_from_variables() {
    let from = |pairs: &[(&str, &str)]| {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_vars(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    };
    let token_vars = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_API_KEY", API_KEY),
        ("TWILIO_API_SECRET", API_SECRET),
        ("TWILIO_CHAT_SERVICE_SID", SERVICE),
    ];

    let full = from(
        &[
            &[
                ("TWILIO_AUTH_TOKEN", TOKEN),
                ("PUBLIC_URL", "https://chat.example.com/"),
                ("CHAT_USERS", "alice:pw1, bob:pw:2"),
                ("BLOCKED_WORDS", "spam, scam,"),
                ("TOKEN_TTL_SECONDS", "120"),
            ][..],
            &token_vars[..],
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(
        full.url_source,
        UrlSource::public("https://chat.example.com").unwrap()
    );
    assert_eq!(
        full.users,
        [
            ("alice".to_owned(), "pw1".to_owned()),
            ("bob".to_owned(), "pw:2".to_owned())
        ]
    );
    assert_eq!(full.blocked_words, ["spam", "scam"]);
    let tokens = full.tokens.unwrap();
    assert_eq!(tokens.ttl, std::time::Duration::from_secs(120));

    let exact = from(&[
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("WEBHOOK_URL", "https://chat.example.com/hooks/chat"),
        ("PUBLIC_URL", "https://ignored.example.com"),
    ])
    .unwrap();
    assert_eq!(
        exact.url_source,
        UrlSource::exact("https://chat.example.com/hooks/chat").unwrap()
    );

    let proxied = from(&[
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TRUSTED_PROXIES", "10.0.0.0/8, ::1"),
    ])
    .unwrap();
    assert_eq!(
        proxied.url_source,
        UrlSource::forwarded(
            Scheme::Http,
            ProxyTrust::networks(&["10.0.0.0/8", "::1"]).unwrap()
        )
    );
    assert!(proxied.tokens.is_none());
    assert_eq!(proxied.blocked_words, ["spam"]);

    let errors: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "TWILIO_AUTH_TOKEN is not set"),
        (
            vec![
                ("TWILIO_AUTH_TOKEN", TOKEN),
                ("PUBLIC_URL", "chat.example.com"),
            ],
            "PUBLIC_URL: public URL `chat.example.com`",
        ),
        (
            vec![
                ("TWILIO_AUTH_TOKEN", TOKEN),
                ("TRUSTED_PROXIES", "10.0.0.0/99"),
            ],
            "TRUSTED_PROXIES: trusted network `10.0.0.0/99`",
        ),
        (
            vec![("TWILIO_AUTH_TOKEN", TOKEN), ("CHAT_USERS", "alice")],
            "CHAT_USERS: each entry is identity:password",
        ),
        (
            vec![("TWILIO_AUTH_TOKEN", TOKEN), ("TWILIO_API_KEY", API_KEY)],
            "access tokens need all four of TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET, \
             TWILIO_CHAT_SERVICE_SID; missing TWILIO_ACCOUNT_SID, TWILIO_API_SECRET, TWILIO_CHAT_SERVICE_SID",
        ),
        (
            [
                &[("TWILIO_AUTH_TOKEN", TOKEN), ("TOKEN_TTL_SECONDS", "soon")][..],
                &token_vars[..],
            ]
            .concat(),
            "TOKEN_TTL_SECONDS `soon` is not a number of seconds",
        ),
        (
            [
                &[
                    ("TWILIO_AUTH_TOKEN", TOKEN),
                    ("TOKEN_TTL_SECONDS", "999999"),
                ][..],
                &token_vars[..],
            ]
            .concat(),
            "access token settings: ",
        ),
    ];
    for (vars, expected) in errors {
        let err = from(&vars).unwrap_err();
        assert!(err.starts_with(expected), "{err} (expected {expected})");
        assert!(!err.contains(API_SECRET) && !err.contains(TOKEN), "{err}");
    }
}

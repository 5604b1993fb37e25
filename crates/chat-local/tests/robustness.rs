//! No input makes the service panic or answer a 5xx: malformed forms, paths, headers and methods, written byte for
//! byte over TCP, are each answered with a 4xx in Twilio's error shape, and a normal request works afterwards.
//! Requests hyper cannot parse as HTTP never reach the service; they get hyper's bare 4xx, checked separately.

mod common;

use base64::Engine as _;
use common::{address, basic, exchange};
use twilio_chat_local::LocalChat;

/// A request and what it is, for failure messages.
struct Case {
    what: String,
    bytes: Vec<u8>,
}

/// Builds raw requests with `Connection: close`.
struct Requests {
    auth: String,
}

impl Requests {
    fn new(chat: &LocalChat) -> Self {
        Self {
            auth: basic(
                chat.credentials().account_sid(),
                chat.credentials().auth_token(),
            ),
        }
    }

    /// `method target` with the given header lines (bytes, so they may be non-UTF-8) and body.
    fn raw(what: &str, method: &str, target: &[u8], headers: &[&[u8]], body: &[u8]) -> Case {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(method.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(target);
        bytes.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for line in headers {
            bytes.extend_from_slice(line);
            bytes.extend_from_slice(b"\r\n");
        }
        if !body.is_empty() {
            bytes.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(body);
        Case {
            what: what.to_owned(),
            bytes,
        }
    }

    /// An authenticated request.
    fn authed(&self, what: &str, method: &str, target: &[u8], body: &[u8]) -> Case {
        let auth = format!("Authorization: {}", self.auth);
        let headers: [&[u8]; 2] = [
            auth.as_bytes(),
            b"Content-Type: application/x-www-form-urlencoded",
        ];
        Self::raw(what, method, target, &headers, body)
    }

    /// An authenticated form POST to `target`.
    fn form(&self, what: &str, target: &str, body: &[u8]) -> Case {
        self.authed(what, "POST", target.as_bytes(), body)
    }

    /// An authenticated GET of `target`.
    fn get(&self, what: &str, target: &[u8]) -> Case {
        self.authed(what, "GET", target, b"")
    }
}

fn malformed_forms(r: &Requests, is: &str) -> Vec<Case> {
    let channels = format!("/v2/Services/{is}/Channels");
    let service = format!("/v2/Services/{is}");
    let mut cases = vec![
        r.form("lone %", "/v2/Services", b"FriendlyName=%"),
        r.form("% and a non-hex digit", "/v2/Services", b"FriendlyName=%g0"),
        r.form("only escapes", "/v2/Services", b"%%%%"),
        r.form(
            "escape of invalid UTF-8",
            "/v2/Services",
            b"FriendlyName=%C3%28",
        ),
        r.form(
            "raw invalid UTF-8",
            "/v2/Services",
            b"FriendlyName=\xff\xfe",
        ),
        r.form("invalid UTF-8 name", "/v2/Services", b"\xc3=1"),
        r.form("empty names", "/v2/Services", b"=&=&=&&&"),
        r.form("no FriendlyName", "/v2/Services", b"Friendlyname=x"),
        r.form(
            "repeated Attributes, the last not JSON",
            &channels,
            b"Attributes=%7B%7D&Attributes=nope",
        ),
        r.form(
            "integer overflow",
            &service,
            b"TypingIndicatorTimeout=99999999999999999999",
        ),
        r.form("boolean", &service, b"ReadStatusEnabled=yes"),
        r.form("date", &channels, b"DateCreated=9999-99-99T99:99:99Z"),
        r.form(
            "date far out",
            &channels,
            b"DateCreated=%2B275760-09-13T00:00:00Z",
        ),
        r.form("date", &channels, b"DateCreated=2024-13-01T00:00:00Z"),
        r.form("channel type", &channels, b"Type=secret"),
    ];
    let huge_key = format!("{}=v", "K".repeat(900_000));
    cases.push(r.form("900 KB parameter name", "/v2/Services", huge_key.as_bytes()));
    let over = format!("{}=v", "K".repeat(2 * 1024 * 1024));
    cases.push(r.form("2 MiB parameter name", "/v2/Services", over.as_bytes()));
    let repeated = "Friendlyname=x&".repeat(50_000);
    cases.push(r.form("50,000 repeated keys", "/v2/Services", repeated.as_bytes()));
    let auth = format!("Authorization: {}", r.auth);
    let chunked: [&[u8]; 3] = [
        auth.as_bytes(),
        b"Transfer-Encoding: chunked",
        b"Content-Type: application/x-www-form-urlencoded",
    ];
    cases.push(Requests::raw(
        "broken chunked encoding",
        "POST",
        b"/v2/Services",
        &chunked,
        b"zz\r\nFriendlyName=x\r\n0\r\n\r\n",
    ));
    // hyper reads the chunked body and drops the length; the empty form lacks FriendlyName.
    let both: [&[u8]; 2] = [auth.as_bytes(), b"Transfer-Encoding: chunked"];
    cases.push(Requests::raw(
        "Content-Length and chunked",
        "POST",
        b"/v2/Services",
        &both,
        b"0\r\n\r\n",
    ));
    let odd: [&[u8]; 3] = [
        auth.as_bytes(),
        b"Content-Type: \xff\xfe",
        b"X-Twilio-Webhook-Enabled: \xff",
    ];
    cases.push(Requests::raw(
        "non-UTF-8 content type and webhook flag",
        "POST",
        b"/v2/Services",
        &odd,
        b"Friendlyname=x",
    ));
    cases
}

fn malformed_paths(r: &Requests, is: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = [
        "/v2/Services/..",
        "/v2/Services/../../etc/passwd",
        "/v2/Services/%2F",
        "/v2/Services/%2e%2e",
        "//v2//Services",
        "/v2/Services/",
        "/v2/Services/%FF%FE",
        "/v2/Services/%",
        "/v2/Services/%zz",
        "/v2/Services/IS%00",
        "/v1/Services//Media",
        "/v1/Services/%2F/Media",
        "/v2/Services?%FF=1",
        "/v2/Services?PageSize=1&PageSize=abc",
        "/v2/Services?Page=-1",
        "/v2/Services?PageToken=PB",
        "/v2/Services?PageToken=PA99999999999999999999999",
        "*",
    ]
    .iter()
    .map(|path| r.get(path, path.as_bytes()))
    .collect();
    let channel = format!("/v2/Services/{is}/Channels/%FF/Messages");
    cases.push(r.get("bad channel key", channel.as_bytes()));
    let long = format!("/v2/{}", "a".repeat(32_000));
    cases.push(r.get("32 KB path", long.as_bytes()));
    let deep = format!("/v2/Services{}", "/x".repeat(8_000));
    cases.push(r.get("8,000 segments", deep.as_bytes()));
    cases
}

fn bad_headers() -> Vec<Case> {
    let not_utf8 = base64::engine::general_purpose::STANDARD.encode(b"\xff\xfe:\xff");
    let no_colon = base64::engine::general_purpose::STANDARD.encode(b"nocolon");
    let long = "A".repeat(8_000);
    let lines: Vec<(&str, Vec<u8>)> = vec![
        ("no credentials", Vec::new()),
        ("not base64", b"Authorization: Basic !!!".to_vec()),
        ("empty Basic", b"Authorization: Basic ".to_vec()),
        (
            "Basic of non-UTF-8",
            format!("Authorization: Basic {not_utf8}").into_bytes(),
        ),
        (
            "Basic without a colon",
            format!("Authorization: Basic {no_colon}").into_bytes(),
        ),
        ("Bearer", b"Authorization: Bearer abc".to_vec()),
        ("non-UTF-8 header", b"Authorization: \xff\xfe".to_vec()),
        (
            "8 KB credentials",
            format!("Authorization: Basic {long}").into_bytes(),
        ),
    ];
    lines
        .into_iter()
        .map(|(what, line)| {
            let headers: Vec<&[u8]> = if line.is_empty() {
                Vec::new()
            } else {
                vec![line.as_slice()]
            };
            Requests::raw(what, "GET", b"/v2/Services", &headers, b"")
        })
        .collect()
}

fn wrong_methods(r: &Requests, is: &str) -> Vec<Case> {
    let media = format!("/v1/Services/{is}/Media");
    let media_set = format!("/v1/Services/{is}/MediaSet");
    vec![
        r.authed("PATCH", "PATCH", b"/v2/Services", b""),
        r.authed("PUT", "PUT", b"/v2/Services", b"FriendlyName=x"),
        r.authed("DELETE a collection", "DELETE", b"/v2/Services", b""),
        r.authed("unknown method", "FOO", b"/v2/Services", b""),
        r.authed("TRACE", "TRACE", b"/v2/Services", b""),
        r.authed("OPTIONS", "OPTIONS", b"/v2/Services", b""),
        r.authed("DELETE media uploads", "DELETE", media.as_bytes(), b""),
        r.authed("GET a media set", "GET", media_set.as_bytes(), b""),
    ]
}

/// Requests hyper refuses before they reach the service.
fn unparsable() -> Vec<Case> {
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let huge_head = format!(
        "GET /v2/Services HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "p".repeat(500_000)
    );
    [
        ("garbage", b"GARBAGE\r\n\r\n".to_vec()),
        (
            "raw non-UTF-8 path",
            b"GET /v2/\xff HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "non-numeric Content-Length",
            b"POST /v2/Services HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_vec(),
        ),
        ("70 KB path", long_path.into_bytes()),
        ("500 KB header", huge_head.into_bytes()),
    ]
    .into_iter()
    .map(|(what, bytes)| Case {
        what: what.to_owned(),
        bytes,
    })
    .collect()
}

#[tokio::test]
async fn malformed_requests_get_twilio_errors_and_never_panic() {
    let chat = twilio_chat_local::start().await.unwrap();
    let is = chat.client().services().create("kept").await.unwrap().sid;
    let is = is.to_string();
    let r = Requests::new(&chat);
    let cases = [
        malformed_forms(&r, &is),
        malformed_paths(&r, &is),
        bad_headers(),
        wrong_methods(&r, &is),
    ]
    .into_iter()
    .flatten();
    let address = address(chat.base_url());
    for case in cases {
        let answer = exchange(&address, &case.bytes).await;
        answer.twilio_error(&case.what);
        assert!(
            answer.body.len() < 1024,
            "{}: the error repeats too much of the request ({} bytes)",
            case.what,
            answer.body.len()
        );
    }
    // HEAD answers have no body; the status still says what is wrong.
    let head = exchange(
        &address,
        &r.authed("HEAD", "HEAD", b"/v2/Services", b"").bytes,
    )
    .await;
    assert_eq!(head.status, 405, "{}", head.head);

    for case in unparsable() {
        let answer = exchange(&address, &case.bytes).await;
        assert!(
            (400..500).contains(&answer.status),
            "{}: {}",
            case.what,
            answer.head
        );
    }

    // Nothing was stored, and the service still answers a normal request.
    let services = chat.client().services().list().await.unwrap().records;
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].friendly_name, "kept");
    assert!(chat.state().records("Channel").is_empty());
}

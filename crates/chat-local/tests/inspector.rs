//! The inspector: its JSON endpoints and page over records and webhook deliveries made through the client, record
//! text escaped, and the page in headless Chromium (`/usr/bin/chromium`, or `CHROMIUM`): the records and the
//! delivery appear, a message sent while the page is open shows up without a reload, and a screenshot is written to
//! `target/inspector.png`. Without Chromium the browser test prints SKIPPED and passes, except under CI, where it
//! fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use twilio_chat_v2::models;

/// The body of a message that would run a script if it were not escaped.
const SCRIPT_BODY: &str = "<script>document.title='pwned'</script>";

/// What [`seed`] made.
struct Seeded {
    service_sid: models::ServiceSid,
    channel_sid: models::ChannelSid,
    service: String,
    channel: String,
    public_channel: String,
    media: String,
}

/// A webhook receiver on 127.0.0.1 that answers every request 200 with `thanks`.
async fn receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|| async { "thanks" });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

/// A service with a post-event URL, a conversation (private channel) with a member, messages (one with markup,
/// one edited, one with media, one sent with webhooks on), a public channel, a user; waits for the delivery.
async fn seed(chat: &twilio_chat_local::LocalChat) -> Seeded {
    let hooks = receiver().await;
    let client = chat.client();
    let service = client.services().create("Inspected").await.unwrap().sid;
    client
        .service(&service)
        .update()
        .post_webhook_url(format!("{hooks}/hook"))
        .webhook_filters(["onMessageSent"])
        .await
        .unwrap();
    let svc = client.service(&service);
    let channel = svc
        .channels()
        .create()
        .friendly_name("General")
        .type_(models::ChannelType::Private)
        .await
        .unwrap()
        .sid;
    let public_channel = svc
        .channels()
        .create()
        .friendly_name("Lobby")
        .await
        .unwrap()
        .sid;
    svc.users().create("bea").await.unwrap();
    let chan = svc.channel(&channel);
    chan.members().create("ana").await.unwrap();
    chan.messages()
        .create()
        .body(SCRIPT_BODY)
        .from("ana")
        .await
        .unwrap();
    let edited = chan
        .messages()
        .create()
        .body("first draft")
        .from("ana")
        .await
        .unwrap()
        .sid;
    chan.message(&edited)
        .update()
        .body("second draft")
        .last_updated_by("ana")
        .await
        .unwrap();
    let upload = reqwest::Client::new()
        .post(format!(
            "{}/v1/Services/{service}/Media?Filename=notes.txt",
            chat.base_url()
        ))
        .basic_auth(
            chat.credentials().account_sid(),
            Some(chat.credentials().auth_token()),
        )
        .header("content-type", "text/plain")
        .body("some notes")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    let media: Value = upload.json().await.unwrap();
    let media = media["sid"].as_str().unwrap().to_owned();
    chan.messages()
        .create()
        .media_sid(&media)
        .from("ana")
        .await
        .unwrap();
    chan.messages()
        .create()
        .body("Hello from ana")
        .from("ana")
        .webhook_enabled(models::WebhookEnabledType::True)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while chat.state().deliveries().is_empty() {
        assert!(Instant::now() < deadline, "no webhook delivery within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Seeded {
        service: service.to_string(),
        channel: channel.to_string(),
        public_channel: public_channel.to_string(),
        service_sid: service,
        channel_sid: channel,
        media,
    }
}

async fn start() -> twilio_chat_local::LocalChat {
    twilio_chat_local::start_with(twilio_chat_local::Config {
        inspector: true,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn get(url: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

async fn get_json(url: &str) -> Value {
    let (status, body, _) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}"))
}

#[tokio::test]
async fn the_inspector_takes_the_port_asked_for() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let chat = twilio_chat_local::start_with(twilio_chat_local::Config {
        inspector: true,
        inspector_port: port,
        ..Default::default()
    })
    .await
    .unwrap();
    let url = chat.inspector_url().unwrap().to_owned();
    assert!(url.ends_with(&format!(":{port}")), "{url}");
    assert_eq!(get(&url).await.0, 200);
    // A port in use is an error naming it, not a panic.
    let taken = twilio_chat_local::start_with(twilio_chat_local::Config {
        inspector: true,
        inspector_port: port,
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(taken.to_string().contains(&port.to_string()), "{taken}");
}

#[tokio::test]
async fn the_inspector_is_off_unless_asked_for() {
    let chat = twilio_chat_local::start().await.unwrap();
    assert_eq!(chat.inspector_url(), None);
    assert_eq!(chat.inspector_followers(), 0);
}

#[tokio::test]
async fn json_endpoints_answer_records_and_deliveries() {
    let chat = start().await;
    let seeded = seed(&chat).await;
    let inspector = chat.inspector_url().unwrap().to_owned();
    let base = chat.base_url();
    assert_ne!(inspector, base);

    let services = get_json(&format!("{inspector}/api/services")).await;
    assert_eq!(services["services"][0]["sid"], json!(seeded.service));
    assert_eq!(
        services["services"][0]["url"],
        json!(format!("{base}/v2/Services/{}", seeded.service))
    );

    let channels = get_json(&format!(
        "{inspector}/api/services/{}/channels",
        seeded.service
    ))
    .await;
    let channels = channels["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 2);
    let general = channels
        .iter()
        .find(|c| c["sid"] == json!(seeded.channel))
        .unwrap();
    assert_eq!(general["inspector"]["conversation"], true);
    assert_eq!(
        general["inspector"]["conversations_url"],
        json!(format!(
            "{base}/v1/Services/{}/Conversations/{}",
            seeded.service, seeded.channel
        ))
    );
    let lobby = channels
        .iter()
        .find(|c| c["sid"] == json!(seeded.public_channel))
        .unwrap();
    assert_eq!(lobby["inspector"]["conversation"], false);
    assert_eq!(lobby["inspector"]["conversations_url"], Value::Null);

    let users = get_json(&format!(
        "{inspector}/api/services/{}/users",
        seeded.service
    ))
    .await;
    let identities: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["identity"].as_str())
        .collect();
    assert!(
        identities.contains(&"ana") && identities.contains(&"bea"),
        "{users}"
    );
    let roles = get_json(&format!(
        "{inspector}/api/services/{}/roles",
        seeded.service
    ))
    .await;
    assert!(roles["roles"].as_array().unwrap().len() >= 4, "{roles}");

    let members = get_json(&format!(
        "{inspector}/api/channels/{}/members",
        seeded.channel
    ))
    .await;
    assert_eq!(members["members"][0]["identity"], "ana");
    assert!(
        members["members"][0]["inspector"]["conversations_url"]
            .as_str()
            .unwrap()
            .contains("/Participants/MB")
    );

    let messages = get_json(&format!(
        "{inspector}/api/channels/{}/messages",
        seeded.channel
    ))
    .await;
    let messages = messages["messages"].as_array().unwrap();
    let bodies: Vec<&str> = messages.iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(
        bodies,
        [SCRIPT_BODY, "second draft", "Hello from ana"],
        "{messages:?}"
    );
    assert_eq!(messages[1]["was_edited"], true);
    let media = messages.iter().find(|m| m["type"] == "media").unwrap();
    let content = media["inspector"]["media_content_url"].as_str().unwrap();
    assert_eq!(
        content,
        format!(
            "{base}/v1/Services/{}/Media/{}/Content",
            seeded.service, seeded.media
        )
    );
    let downloaded = reqwest::Client::new()
        .get(content)
        .basic_auth(
            chat.credentials().account_sid(),
            Some(chat.credentials().auth_token()),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(downloaded, "some notes");

    let found = get_json(&format!(
        "{inspector}/api/channels/{}/messages?search=DRAFT",
        seeded.channel
    ))
    .await;
    assert_eq!(found["messages"].as_array().unwrap().len(), 1, "{found}");
    let everywhere = get_json(&format!("{inspector}/api/messages?search=hello")).await;
    assert_eq!(everywhere["messages"][0]["body"], "Hello from ana");

    let deliveries = get_json(&format!("{inspector}/api/deliveries")).await;
    let delivery = &deliveries["deliveries"][0];
    assert_eq!(delivery["event_type"], "onMessageSent");
    assert_eq!(delivery["timing"], "post");
    assert_eq!(delivery["destination"], "service");
    assert_eq!(delivery["status"], 200);
    assert_eq!(delivery["answer"], "thanks");
    assert_eq!(delivery["outcome"], "delivered");
    assert!(delivery["url"].as_str().unwrap().ends_with("/hook"));
    assert!(!delivery["signature"].as_str().unwrap().is_empty());
    assert!(delivery["latency_ms"].as_f64().unwrap() >= 0.0);
    assert!(
        delivery["params"]
            .as_array()
            .unwrap()
            .contains(&json!(["Body", "Hello from ana"])),
        "{delivery}"
    );
    let id = delivery["id"].as_u64().unwrap();
    let later = get_json(&format!("{inspector}/api/deliveries?after={id}")).await;
    assert_eq!(later["deliveries"], json!([]));
    let (status, body, _) = get(&format!("{inspector}/api/deliveries?after=soon")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("after"), "{body}");

    for unknown in [
        format!("{inspector}/api/services/IS00000000000000000000000000000000/channels"),
        format!("{inspector}/api/channels/CH00000000000000000000000000000000/messages"),
        format!("{inspector}/api/nothing"),
    ] {
        let (status, body, _) = get(&unknown).await;
        assert_eq!(status, 404, "{unknown}: {body}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["message"].is_string());
    }

    // Reset deletes the records and the delivery log.
    let reset = reqwest::Client::new()
        .post(format!("{inspector}/api/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(chat.state().records("Service").is_empty());
    assert!(chat.state().deliveries().is_empty());
    let services = get_json(&format!("{inspector}/api/services")).await;
    assert_eq!(services["services"], json!([]));
}

#[tokio::test]
async fn the_page_escapes_record_text_and_links_to_rest_urls() {
    let chat = start().await;
    let seeded = seed(&chat).await;
    let inspector = chat.inspector_url().unwrap();
    let url = format!(
        "{inspector}/?service={}&channel={}",
        seeded.service, seeded.channel
    );
    let (status, page, headers) = get(&url).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert!(
        page.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"),
        "the body is shown as text"
    );
    assert!(!page.contains(SCRIPT_BODY), "the body is not markup");
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    for expected in [
        "Inspected",
        "General",
        "Lobby",
        "no (public)",
        "second draft",
        "notes.txt",
        "onMessageSent",
        "thanks",
    ] {
        assert!(page.contains(expected), "{expected} is on the page");
    }
    let base = chat.base_url();
    for link in [
        format!("href=\"{base}/v2/Services/{}\"", seeded.service),
        format!(
            "href=\"{base}/v2/Services/{}/Channels/{}\"",
            seeded.service, seeded.channel
        ),
        format!(
            "href=\"{base}/v1/Services/{}/Conversations/{}\"",
            seeded.service, seeded.channel
        ),
        format!(
            "href=\"{base}/v1/Services/{}/Media/{}/Content\" download",
            seeded.service, seeded.media
        ),
    ] {
        assert!(page.contains(&link), "{link}");
    }
    // The view the script fetches is the same part of the page; search narrows the messages.
    let (status, view, _) = get(&format!(
        "{inspector}/view?service={}&channel={}&search=second",
        seeded.service, seeded.channel
    ))
    .await;
    assert_eq!(status, 200);
    assert!(view.contains("second draft") && !view.contains("Hello from ana</td>"));
    assert!(!view.contains("<html"));

    // The assets are built in.
    for (path, kind, marker) in [
        ("/assets/inspector.js", "text/javascript", "EventSource"),
        ("/assets/inspector.css", "text/css", "table"),
    ] {
        let (status, body, headers) = get(&format!("{inspector}{path}")).await;
        assert_eq!(status, 200, "{path}");
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind));
        assert!(body.contains(marker), "{path}");
    }
}

#[tokio::test]
async fn the_event_stream_announces_changes_and_deliveries() {
    let chat = start().await;
    let inspector = chat.inspector_url().unwrap();
    let mut events = reqwest::get(format!("{inspector}/api/events"))
        .await
        .unwrap();
    assert_eq!(
        events.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let first = next_event(&mut events).await;
    assert_eq!(chat.inspector_followers(), 1);
    chat.client().services().create("later").await.unwrap();
    let second = next_event(&mut events).await;
    assert!(
        second["changes"].as_u64() > first["changes"].as_u64(),
        "{first} then {second}"
    );
    drop(events);
    let deadline = Instant::now() + Duration::from_secs(5);
    while chat.inspector_followers() != 0 {
        assert!(Instant::now() < deadline, "the follower is counted out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The data of the next event of a stream.
async fn next_event(response: &mut reqwest::Response) -> Value {
    let mut text = String::new();
    loop {
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the stream goes on");
        text.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(data) = text
            .lines()
            .find_map(|l| l.strip_prefix("data:"))
            .filter(|_| text.contains("\n\n"))
        {
            return serde_json::from_str(data.trim()).unwrap();
        }
    }
}

/// Chromium, when installed: `CHROMIUM`, else `/usr/bin/chromium`.
fn chromium() -> Result<PathBuf, PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() { Ok(path) } else { Err(path) }
}

/// The workspace's `target/` directory.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_in_headless_chromium_follows_changes() {
    let chromium = match chromium() {
        Ok(path) => path,
        Err(missing) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have Chromium at {} (.ci/run installs it)",
                missing.display()
            );
            println!(
                "SKIPPED: no Chromium at {} (install Debian's chromium, or set CHROMIUM to its path)",
                missing.display()
            );
            return;
        }
    };
    let chat = start().await;
    let seeded = seed(&chat).await;
    let url = format!(
        "{}/?service={}&channel={}",
        chat.inspector_url().unwrap(),
        seeded.service,
        seeded.channel
    );
    let browser = Browser::launch(&chromium, &url).await;
    let mut page = browser.page().await;

    // The records and the delivery appear; the markup of a body is text, and did not run.
    let text = page
        .wait_for_text(&["Hello from ana", "onMessageSent"])
        .await;
    for expected in [
        "Inspected",
        "General",
        "Lobby",
        "ana",
        "second draft",
        "notes.txt",
        "delivered",
        SCRIPT_BODY,
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    // The answer's body is inside the delivery's closed details.
    let all_text = page.evaluate("document.body.textContent").await;
    assert!(all_text.contains("thanks"), "{all_text}");
    assert_eq!(
        page.evaluate("document.title").await,
        "Local Twilio Chat inspector"
    );

    // The page follows: once its event stream is open, a new message shows up without a reload.
    let deadline = Instant::now() + Duration::from_secs(20);
    while chat.inspector_followers() == 0 {
        assert!(Instant::now() < deadline, "the page opened no event stream");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while page
        .evaluate("document.getElementById('live').textContent")
        .await
        != "live"
    {
        assert!(
            Instant::now() < deadline,
            "the page does not say it is live"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    page.evaluate("window.notReloaded = true").await;
    chat.client()
        .service(&seeded.service_sid)
        .channel(&seeded.channel_sid)
        .messages()
        .create()
        .body("A message sent while the page is open")
        .from("bea")
        .await
        .unwrap();
    page.wait_for_text(&["A message sent while the page is open"])
        .await;
    assert_eq!(page.evaluate("String(window.notReloaded)").await, "true");

    let png = page.screenshot().await;
    let path = target_dir().join("inspector.png");
    std::fs::create_dir_all(target_dir()).unwrap();
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
    drop(page);
    drop(browser);
}

/// Headless Chromium with its DevTools endpoint, and a profile directory of its own.
struct Browser {
    child: std::process::Child,
    devtools: String,
    profile: PathBuf,
}

impl Browser {
    async fn launch(chromium: &std::path::Path, url: &str) -> Self {
        let profile = std::env::temp_dir().join(format!(
            "twilio-chat-local-inspector-{}",
            std::process::id()
        ));
        let mut child = std::process::Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Chromium prints `DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID` when ready; the
        // thread keeps reading so that Chromium never blocks on a full pipe.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("ws://") {
                    let address = line[at + "ws://".len()..]
                        .split('/')
                        .next()
                        .unwrap_or_default();
                    let _ = tx.send(address.to_owned());
                }
            }
        });
        let devtools = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("Chromium's DevTools endpoint within 30 s");
        Self {
            child,
            devtools,
            profile,
        }
    }

    /// The page target, over a WebSocket connection of its own.
    async fn page(&self) -> Page {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let targets: Value = reqwest::get(format!("http://{}/json/list", self.devtools))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let page = targets.as_array().unwrap().iter().find(|t| {
                t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.contains("/?service="))
            });
            if let Some(socket) = page.and_then(|p| p["webSocketDebuggerUrl"].as_str()) {
                return Page::connect(socket).await;
            }
            assert!(Instant::now() < deadline, "no page target: {targets}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A DevTools protocol session with one page, over a minimal WebSocket client (text frames, masked as a client's
/// must be).
struct Page {
    socket: TcpStream,
    next_id: u64,
}

impl Page {
    async fn connect(url: &str) -> Self {
        let rest = url.strip_prefix("ws://").unwrap();
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let mut socket = TcpStream::connect(host).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(socket.read_u8().await.unwrap());
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        Self { socket, next_id: 1 }
    }

    /// Sends a command and returns its `result`.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let command = json!({ "id": id, "method": method, "params": params }).to_string();
        self.send(command.as_bytes()).await;
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.receive())
                .await
                .expect("a DevTools answer within 30 s");
            let message: Value = serde_json::from_slice(&message).unwrap();
            if message["id"] == id {
                assert!(message["error"].is_null(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression, as text.
    async fn evaluate(&mut self, expression: &str) -> String {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .await;
        match &result["result"]["value"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Waits until the page's visible text contains every one of `needles`, and returns the text.
    async fn wait_for_text(&mut self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self
                .evaluate("document.body ? document.body.innerText : ''")
                .await;
            if needles.iter().all(|n| text.contains(n)) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "the page did not show {needles:?} within 20 s:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the whole page.
    async fn screenshot(&mut self) -> Vec<u8> {
        let result = self
            .call(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(result["data"].as_str().unwrap())
            .unwrap()
    }

    async fn send(&mut self, payload: &[u8]) {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let mut frame = vec![0x81];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= usize::from(u16::MAX) => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.socket.write_all(&frame).await.unwrap();
    }

    /// The next text message, frames joined; control frames are skipped.
    async fn receive(&mut self) -> Vec<u8> {
        let mut message = Vec::new();
        loop {
            let first = self.socket.read_u8().await.unwrap();
            let second = self.socket.read_u8().await.unwrap();
            let length = match second & 0x7f {
                126 => u64::from(self.socket.read_u16().await.unwrap()),
                127 => self.socket.read_u64().await.unwrap(),
                n => u64::from(n),
            };
            let mut payload = vec![0; usize::try_from(length).unwrap()];
            self.socket.read_exact(&mut payload).await.unwrap();
            let opcode = first & 0x0f;
            assert_ne!(opcode, 0x8, "DevTools closed the connection");
            if opcode >= 0x8 {
                continue;
            }
            message.extend_from_slice(&payload);
            if first & 0x80 != 0 {
                return message;
            }
        }
    }
}

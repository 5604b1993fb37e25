//! The service behaves like Twilio to a client that is not ours: plain reqwest builds URLs from the base URL,
//! sends form bodies with Basic auth, follows `meta.next_page_url` exactly as given and parses Twilio's error body.

use serde_json::Value;

struct Plain {
    http: reqwest::Client,
    base: String,
    user: String,
    password: String,
}

impl Plain {
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .basic_auth(&self.user, Some(&self.password))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get_url(&self, url: &str) -> (u16, Value) {
        let response = self
            .http
            .get(url)
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn delete(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .delete(format!("{}{path}", self.base))
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

#[tokio::test]
async fn plain_http_client_pages_and_errors() {
    let chat = twilio_chat_local::start().await.unwrap();
    let plain = Plain {
        http: reqwest::Client::new(),
        base: chat.base_url().to_owned(),
        user: chat.credentials().account_sid().to_owned(),
        password: chat.credentials().auth_token().to_owned(),
    };

    let (status, service) = plain
        .post("/v2/Services", &[("FriendlyName", "plain")])
        .await;
    assert_eq!(status, 201);
    let is = service["sid"].as_str().unwrap().to_owned();
    assert_eq!(
        service["links"]["channels"],
        format!("{}/v2/Services/{is}/Channels", chat.base_url())
    );

    // Dotted names and repeated keys, as Twilio's libraries send them.
    let (status, updated) = plain
        .post(
            &format!("/v2/Services/{is}"),
            &[
                ("Notifications.AddedToChannel.Enabled", "true"),
                ("Notifications.AddedToChannel.Template", "joined ${CHANNEL}"),
                ("WebhookFilters", "onMessageSent"),
                ("WebhookFilters", "onChannelAdded"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        updated["notifications"]["added_to_channel"]["enabled"],
        true
    );
    assert_eq!(
        updated["notifications"]["added_to_channel"]["template"],
        "joined ${CHANNEL}"
    );
    assert_eq!(
        updated["webhook_filters"],
        serde_json::json!(["onMessageSent", "onChannelAdded"])
    );
    assert_eq!(
        updated["friendly_name"], "plain",
        "fields not sent keep their value"
    );

    let (status, channel) = plain
        .post(
            &format!("/v2/Services/{is}/Channels"),
            &[("UniqueName", "room one")],
        )
        .await;
    assert_eq!(status, 201);
    // A unique name with a space, percent-encoded in the path.
    let messages = format!("/v2/Services/{is}/Channels/room%20one/Messages");
    for i in 0..7 {
        let (status, message) = plain.post(&messages, &[("Body", &format!("b{i}"))]).await;
        assert_eq!(status, 201);
        assert_eq!(message["channel_sid"], channel["sid"]);
    }

    // Follow next_page_url exactly as given, three pages of three.
    let mut url = format!("{}{messages}?PageSize=3", chat.base_url());
    let mut pages = Vec::new();
    loop {
        let (status, page) = plain.get_url(&url).await;
        assert_eq!(status, 200);
        assert_eq!(page["meta"]["key"], "messages");
        assert_eq!(page["meta"]["page_size"], 3);
        let bodies: Vec<String> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect();
        pages.push(bodies);
        match page["meta"]["next_page_url"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(chat.base_url()),
                    "absolute on the local host: {next}"
                );
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(
        pages,
        [vec!["b0", "b1", "b2"], vec!["b3", "b4", "b5"], vec!["b6"]]
    );

    // Page=N without a token reaches the same records.
    let (_, second) = plain
        .get_url(&format!("{}{messages}?PageSize=3&Page=1", chat.base_url()))
        .await;
    assert_eq!(second["messages"][0]["body"], "b3");
    assert!(second["meta"]["previous_page_url"].is_string());

    // A page past the end is empty, with a way back and no way on.
    let (status, beyond) = plain
        .get_url(&format!("{}{messages}?PageSize=3&Page=9", chat.base_url()))
        .await;
    assert_eq!(status, 200);
    assert_eq!(beyond["messages"], serde_json::json!([]));
    assert!(beyond["meta"]["next_page_url"].is_null());
    assert!(beyond["meta"]["previous_page_url"].is_string());
    let (status, error) = plain
        .get_url(&format!("{}{messages}?PageSize=0", chat.base_url()))
        .await;
    assert_eq!((status, error["code"].as_i64()), (400, Some(20001)));

    // Errors in Twilio's shape.
    let (status, error) = plain
        .post(
            &format!("/v2/Services/{is}/Roles"),
            &[("FriendlyName", "r")],
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error["code"], 20001);
    assert_eq!(error["status"], 400);
    assert!(
        error["message"].as_str().unwrap().contains("Type"),
        "{error}"
    );
    assert_eq!(
        error["more_info"],
        "https://www.twilio.com/docs/errors/20001"
    );

    let (status, error) = plain
        .post(
            &format!("/v2/Services/{is}"),
            &[("TypingIndicatorTimeout", "soon")],
        )
        .await;
    assert_eq!((status, error["code"].as_i64()), (400, Some(20001)));

    let (status, body) = plain.delete(&format!("/v2/Services/{is}")).await;
    assert_eq!((status, body.as_str()), (204, ""));
    let (status, error) = plain
        .get_url(&format!("{}/v2/Services/{is}", chat.base_url()))
        .await;
    assert_eq!(status, 404);
    assert_eq!(error["code"], 20404);

    let (status, error) = plain
        .get_url(&format!("{}/v2/Nothing", chat.base_url()))
        .await;
    assert_eq!((status, error["code"].as_i64()), (404, Some(20404)));

    let response = plain
        .http
        .get(format!("{}/v2/Services", chat.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], 20003);

    let response = plain
        .http
        .put(format!("{}/v2/Services", chat.base_url()))
        .basic_auth(&plain.user, Some(&plain.password))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

#[tokio::test]
async fn server_stops_when_the_handle_is_dropped() {
    let chat = twilio_chat_local::start().await.unwrap();
    let base = chat.base_url().to_owned();
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/v2/Services"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    drop(chat);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // Neither the open keep-alive connection nor a new one is answered any more.
    assert!(
        http.get(format!("{base}/v2/Services"))
            .send()
            .await
            .is_err()
    );
    let fresh = reqwest::Client::new();
    assert!(
        fresh
            .get(format!("{base}/v2/Services"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn injected_faults_exercise_retries_and_timeouts() {
    use std::time::Duration;
    use twilio_chat_local::Fault;
    use twilio_chat_v2::{Client, Credentials, RetryPolicy};

    let chat = twilio_chat_local::start().await.unwrap();
    let client = |retry: RetryPolicy, timeout: Duration| {
        Client::builder()
            .base_url(chat.base_url())
            .allow_insecure_http(true)
            .credentials(
                Credentials::auth_token(
                    chat.credentials().account_sid(),
                    chat.credentials().auth_token(),
                )
                .unwrap(),
            )
            .retry_policy(retry)
            .timeout(timeout)
            .build()
            .unwrap()
    };
    let patient = client(RetryPolicy::new().max_attempts(3), Duration::from_secs(10));

    let once = client(RetryPolicy::none(), Duration::from_secs(10));
    let no_wait = Fault::RateLimited {
        retry_after: Duration::ZERO,
    };

    // Two 429s with Retry-After: 0, then the list goes through on the third attempt; both faults are used up,
    // so a client without retries then gets through as well.
    chat.state().inject(no_wait.clone(), 2);
    assert!(patient.services().list().await.unwrap().records.is_empty());
    assert!(once.services().list().await.is_ok());
    chat.state().inject(no_wait, 1);
    assert!(once.services().list().await.unwrap_err().is_rate_limited());

    // The raw answer: 429, code 20429, Retry-After.
    chat.state().inject(
        Fault::RateLimited {
            retry_after: Duration::from_secs(7),
        },
        1,
    );
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/v2/Services", chat.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 20429);

    // A 500 on a POST is returned, not retried, and nothing is created.
    chat.state()
        .inject_on("POST", Fault::ServerError { status: 500 }, 1);
    let error = patient.services().create("x").await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(chat.state().records("Service").is_empty());
    // The fault was used up: the next POST succeeds.
    patient.services().create("x").await.unwrap();

    // Latency beyond the client's timeout.
    chat.state()
        .inject(Fault::Latency(Duration::from_millis(400)), 1);
    let hasty = client(RetryPolicy::none(), Duration::from_millis(100));
    let error = hasty.services().list().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn every_operation_kind_gives_its_response_metadata() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();

    // A created value: 201 with a request ID of Twilio's form, no state shared between calls.
    let (service, created) = client
        .services()
        .create("metadata")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let first_id = created.request_id().unwrap().to_owned();
    assert!(
        first_id.starts_with("RQ") && first_id.len() == 34,
        "{first_id}"
    );
    assert!(created.headers().contains_key("content-type"));
    let sid = service.sid;

    // A fetched value and a page: 200, each with its own request ID.
    let (_, fetched) = client
        .service(&sid)
        .fetch()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    assert_ne!(fetched.request_id(), Some(first_id.as_str()));
    let (page, listed) = client
        .service(&sid)
        .channels()
        .list()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(page.response().request_id(), listed.request_id());

    // No body: 204.
    let ((), deleted) = client
        .service(&sid)
        .delete()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(deleted.request_id().is_some());

    // An upload and a download.
    let service = client.services().create("files").await.unwrap().sid;
    let (media, uploaded) = client
        .service(&service)
        .media()
        .create("text/plain", b"abc".to_vec())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let (download, content) = client
        .service(&service)
        .media_instance(&media.sid)
        .content()
        .fetch()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(content.status(), 200);
    assert_eq!(&download.bytes(1024).await.unwrap()[..], b"abc");

    // Errors carry the status and request ID too.
    let missing = client.service(&sid).fetch().await.unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert!(missing.request_id().unwrap().starts_with("RQ"));
}

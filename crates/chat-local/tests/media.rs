//! Media as the Media Content Service answers it: raw-bytes upload, record and links, content with credentials,
//! the temporary link on a second host without credentials (refused with them), expiry and refresh, MediaSet, the
//! service's size limit, and media messages through the generated client (one message per media: 50508).

use serde_json::{Value, json};
use twilio_chat_local::LocalChat;

struct Mcs<'a> {
    chat: &'a LocalChat,
    http: reqwest::Client,
}

impl Mcs<'_> {
    fn auth(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let credentials = self.chat.credentials();
        request.basic_auth(credentials.account_sid(), Some(credentials.auth_token()))
    }

    async fn upload(
        &self,
        service: &str,
        query: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let url = format!(
            "{}/v1/Services/{service}/Media?{query}",
            self.chat.base_url()
        );
        let response = self
            .auth(self.http.post(url))
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get_json(&self, url: &str) -> (u16, Value) {
        let response = self.auth(self.http.get(url)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

#[tokio::test]
async fn upload_fetch_download_and_batch() {
    let chat = twilio_chat_local::start().await.unwrap();
    let mcs = Mcs {
        chat: &chat,
        http: reqwest::Client::new(),
    };
    let service = chat.client().services().create("media").await.unwrap().sid;
    let png: Vec<u8> = (0..=255u8).cycle().take(3000).collect();

    let (status, record) = mcs
        .upload(
            &service,
            "Category=media&Filename=cat.png",
            "image/png",
            png.clone(),
        )
        .await;
    assert_eq!(status, 201, "{record}");
    let sid = record["sid"].as_str().unwrap().to_owned();
    assert!(sid.starts_with("ME") && sid.len() == 34);
    assert_eq!(record["size"], 3000);
    assert_eq!(record["content_type"], "image/png");
    assert_eq!(record["filename"], "cat.png");
    assert_eq!(record["category"], "media");
    assert_eq!(record["message_sid"], Value::Null);
    assert_eq!(record["service_sid"], json!(service));

    // The record, then the bytes with credentials.
    let url = format!("{}/v1/Services/{service}/Media/{sid}", chat.base_url());
    let (status, fetched) = mcs.get_json(&url).await;
    assert_eq!(status, 200);
    let content = fetched["links"]["content"].as_str().unwrap();
    assert_eq!(content, format!("{url}/Content"));
    let bytes = mcs.auth(mcs.http.get(content)).send().await.unwrap();
    assert_eq!(bytes.headers()["content-type"], "image/png");
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), png.as_slice());
    let refused = mcs.http.get(content).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 401);

    // The temporary link is on another host and needs no credentials.
    let temporary = fetched["links"]["content_direct_temporary"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        temporary.starts_with(chat.temporary_base_url()),
        "{temporary}"
    );
    assert_ne!(chat.temporary_base_url(), chat.base_url());
    let direct = mcs.http.get(&temporary).send().await.unwrap();
    assert_eq!(direct.status().as_u16(), 200);
    assert_eq!(direct.bytes().await.unwrap().as_ref(), png.as_slice());
    assert_eq!(chat.state().credentials_sent_to_temporary_host(), 0);
    // Credentials sent there are refused, and counted.
    let with_auth = mcs.auth(mcs.http.get(&temporary)).send().await.unwrap();
    assert_eq!(with_auth.status().as_u16(), 400);
    assert_eq!(chat.state().credentials_sent_to_temporary_host(), 1);

    // Expired links answer 403; fetching the record again gives a fresh one.
    chat.state().expire_temporary_links();
    assert_eq!(
        mcs.http
            .get(&temporary)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let (_, again) = mcs.get_json(&url).await;
    let fresh = again["links"]["content_direct_temporary"].as_str().unwrap();
    assert_ne!(fresh, temporary);
    assert_eq!(
        mcs.http.get(fresh).send().await.unwrap().status().as_u16(),
        200
    );

    // MediaSet: one answer per SID, in order.
    let set = mcs
        .auth(mcs.http.post(format!("{}/v1/Services/{service}/MediaSet", chat.base_url())))
        .json(&json!({"command": "get", "list": [{"media_sid": sid}, {"media_sid": "ME00000000000000000000000000000000"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status().as_u16(), 200);
    let set: Value = set.json().await.unwrap();
    assert_eq!(set[0]["code"], 200);
    assert_eq!(set[0]["media_record"]["sid"], json!(sid));
    assert_eq!(set[1]["code"], 404);

    // Unknown media and services are 404 in Twilio's error shape.
    let (status, error) = mcs
        .get_json(&format!(
            "{}/v1/Services/{service}/Media/ME00000000000000000000000000000000",
            chat.base_url()
        ))
        .await;
    assert_eq!((status, error["code"].as_i64()), (404, Some(20404)));
    let (status, error) = mcs
        .upload(
            "IS00000000000000000000000000000000",
            "",
            "text/plain",
            b"x".to_vec(),
        )
        .await;
    assert_eq!((status, error["code"].as_i64()), (404, Some(20404)));
}

#[tokio::test]
async fn size_limit_and_bad_uploads() {
    let chat = twilio_chat_local::start().await.unwrap();
    let mcs = Mcs {
        chat: &chat,
        http: reqwest::Client::new(),
    };
    let service = chat.client().services().create("media").await.unwrap().sid;
    chat.state()
        .update(
            "Service",
            &service,
            json!({"media": {"size_limit_mb": 1, "compatibility_message": "file"}}),
        )
        .unwrap();
    let (status, _) = mcs
        .upload(&service, "", "application/pdf", vec![7; 1024 * 1024])
        .await;
    assert_eq!(status, 201, "exactly the limit is accepted");
    let (status, error) = mcs
        .upload(&service, "", "application/pdf", vec![7; 1024 * 1024 + 1])
        .await;
    assert_eq!(status, 413);
    assert_eq!(error["status"], 413);
    assert!(
        error["message"].as_str().unwrap().contains("limit"),
        "{error}"
    );
    let (status, error) = mcs.upload(&service, "", "text/plain", Vec::new()).await;
    assert_eq!((status, error["code"].as_i64()), (400, Some(20001)));
    let (status, error) = mcs
        .upload(&service, "Category=other", "text/plain", b"x".to_vec())
        .await;
    assert_eq!((status, error["code"].as_i64()), (400, Some(20001)));
    assert_eq!(
        chat.state().media().len(),
        1,
        "refused uploads store nothing"
    );
}

#[tokio::test]
async fn media_messages_through_the_client() {
    let chat = twilio_chat_local::start().await.unwrap();
    let mcs = Mcs {
        chat: &chat,
        http: reqwest::Client::new(),
    };
    let client = chat.client();
    let service = client.services().create("media").await.unwrap().sid;
    let channel = client
        .service(&service)
        .channels()
        .create()
        .await
        .unwrap()
        .sid;
    let (_, record) = mcs
        .upload(
            &service,
            "Filename=notes.txt",
            "text/plain",
            b"hello".to_vec(),
        )
        .await;
    let media_sid = record["sid"].as_str().unwrap().to_owned();

    let messages = client.service(&service).channel(&channel).messages();
    let message = messages.create().media_sid(&media_sid).await.unwrap();
    assert_eq!(message.type_.as_deref(), Some("media"));
    let media = serde_json::to_value(&message.media).unwrap();
    assert_eq!(media["sid"], json!(media_sid));
    assert_eq!(media["filename"], "notes.txt");
    assert_eq!(media["size"], 5);
    let stored = &chat.state().media()[0];
    assert_eq!(stored["message_sid"], json!(message.sid));
    assert_eq!(stored["channel_sid"], json!(channel));

    let again = messages.create().media_sid(&media_sid).await.unwrap_err();
    assert_eq!((again.status(), again.code()), (Some(400), Some(50508)));
    let unknown = messages
        .create()
        .media_sid("ME00000000000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!((unknown.status(), unknown.code()), (Some(400), Some(20001)));
    assert_eq!(
        messages.list().await.unwrap().records.len(),
        1,
        "refused messages are not stored"
    );
}

#[tokio::test]
async fn media_operations_through_the_generated_client() {
    use twilio_chat_v2::models::{MediaSetCommand, MediaSetEntry, MediaSetRequest};

    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client();
    let service = client.services().create("media").await.unwrap();
    let service_sid = service.sid;
    let media = client.service(&service_sid).media();

    // CreateMedia: raw bytes with the caller's media type, Filename as a query parameter on the POST.
    let created = media
        .create("text/plain", b"hello, file".to_vec())
        .filename("hello.txt")
        .await
        .unwrap();
    let media_sid = created.sid.clone();
    assert!(media_sid.starts_with("ME"), "{media_sid}");
    assert_eq!(created.size, Some(11));
    assert_eq!(created.content_type.as_deref(), Some("text/plain"));
    assert_eq!(created.filename.as_deref(), Some("hello.txt"));

    // FetchMedia: the same record.
    let fetched = client
        .service(&service_sid)
        .media_instance(&media_sid)
        .fetch()
        .await
        .unwrap();
    assert_eq!(Some(fetched.sid.as_str()), Some(media_sid.as_str()));
    assert_eq!(fetched.size, Some(11));

    // FetchMediaContent: the bytes, with credentials, on the local host.
    let content = client
        .service(&service_sid)
        .media_instance(&media_sid)
        .content()
        .fetch()
        .await
        .unwrap();
    assert_eq!(content.content_type(), Some("text/plain"));
    assert_eq!(&content.bytes(1 << 20).await.unwrap()[..], b"hello, file");

    // CreateMediaSet: one found, one unknown SID.
    let mut request = MediaSetRequest::default();
    request.command = Some(MediaSetCommand::Get);
    for sid in [media_sid.as_str(), "ME00000000000000000000000000000000"] {
        let mut entry = MediaSetEntry::default();
        entry.media_sid = twilio_chat_v2::models::MediaSid::from_wire(sid);
        request.list.push(entry);
    }
    let results = client
        .service(&service_sid)
        .media_set()
        .create(request)
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].code, Some(200));
    let record = results[0].media_record.as_ref().unwrap();
    assert_eq!(Some(record.sid.as_str()), Some(media_sid.as_str()));
    assert_ne!(results[1].code, Some(200));

    // The one-call media message and the safe download of the client's media module, end to end.
    let message = client
        .send_media_message(&service_sid, "general-media", "image/png", vec![1u8, 2, 3])
        .await;
    assert!(message.is_err(), "no such channel yet: {message:?}");
    let channel = client
        .service(&service_sid)
        .channels()
        .create()
        .unique_name("general-media")
        .await
        .unwrap();
    let message = client
        .send_media_message(&service_sid, &channel.sid, "image/png", vec![1u8, 2, 3])
        .await
        .unwrap();
    let attached = twilio_chat_v2::media::MessageMedia::of(&message).unwrap();
    let download = client
        .download_media(&service_sid, &attached.sid)
        .await
        .unwrap();
    assert_eq!(&download.bytes(1 << 20).await.unwrap()[..], &[1u8, 2, 3]);
}

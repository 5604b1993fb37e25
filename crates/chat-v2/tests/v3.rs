//! Chat v3 through the Chat v2 client (`client.v3()`), against a mock server on 127.0.0.1: same credentials and
//! base URL, typed SIDs shared with Chat v2.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use twilio_chat_v2::{Client, Credentials, models};

const AC: &str = "AC0123456789abcdef0123456789abcdef";
const IS: &str = "IS0123456789abcdef0123456789abcdef";
const CH: &str = "CH0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn v3_turns_a_public_channel_private_on_the_v2_clients_settings() {
    let server = MockServer::start_async().await;
    let update = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v3/Services/{IS}/Channels/{CH}"))
                .header_exists("authorization")
                .header("x-twilio-webhook-enabled", "true")
                .form_urlencoded_tuple("Type", "private");
            then.status(200).json_body(json!({
                "sid": CH, "account_sid": AC, "service_sid": IS, "friendly_name": "general",
                "unique_name": "general", "attributes": "{}", "type": "private",
                "date_created": "2026-01-02T03:04:05Z", "date_updated": "2026-01-02T03:04:06Z",
                "created_by": "system", "members_count": 2, "messages_count": 7,
                "messaging_service_sid": null,
                "url": format!("https://chat.twilio.com/v3/Services/{IS}/Channels/{CH}")
            }));
        })
        .await;
    let client = Client::builder()
        .credentials(Credentials::auth_token(AC, "token").expect("credentials"))
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .build()
        .expect("client");
    // SIDs read through Chat v2 address Chat v3.
    let service: models::ServiceSid = IS.parse().expect("service SID");
    let channel: models::ChannelSid = CH.parse().expect("channel SID");
    let converted = client
        .v3()
        .service(&service)
        .channel(&channel)
        .update()
        .type_(models::v3::ChannelType::Private)
        .webhook_enabled(models::v3::ChannelWebhookEnabledType::True)
        .await
        .expect("update");
    update.assert_calls_async(1).await;
    assert_eq!(converted.sid, channel);
    assert_eq!(converted.type_, Some(models::v3::ChannelType::Private));
    assert_eq!(converted.messages_count, Some(7));
}

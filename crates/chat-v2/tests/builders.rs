//! The generated builders: `Debug` shows the operation and the parameters set, with the credential secrets the
//! description marks sensitive (`PrivateKey`, `ApiKey`, `Secret`) as `[redacted]`. Nothing is sent.

use twilio_chat_v2::{Client, Credentials, models};

const PRIVATE_KEY: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIC-very-secret\n-----END RSA PRIVATE KEY-----";
const API_KEY: &str = "AIza-gcm-api-key";
const SECRET: &str = "fcm-server-secret";

fn client() -> Client {
    let credentials =
        Credentials::auth_token("AC00000000000000000000000000000000", "auth-token-value").unwrap();
    Client::builder()
        .credentials(credentials)
        .base_url("http://127.0.0.1:9")
        .allow_insecure_http(true)
        .build()
        .unwrap()
}

#[test]
fn credential_builders_redact_secrets_in_debug() {
    let client = client();
    let create = client
        .credentials()
        .create(models::CredentialPushService::Fcm)
        .friendly_name("push")
        .private_key(PRIVATE_KEY)
        .api_key(API_KEY)
        .secret(SECRET);
    let update = client
        .credential(&"CR00000000000000000000000000000000".parse().unwrap())
        .update()
        .private_key(PRIVATE_KEY)
        .api_key(API_KEY)
        .secret(SECRET)
        .sandbox(true);
    for debug in [
        format!("{create:?}"),
        format!("{update:?}"),
        format!("{create:#?}"),
    ] {
        for secret in ["very-secret", API_KEY, SECRET, "auth-token-value"] {
            assert!(!debug.contains(secret), "{secret} shows in {debug}");
        }
        assert_eq!(debug.matches("[redacted]").count(), 3, "{debug}");
    }
    let create = format!("{create:?}");
    assert!(
        create.contains("CreateCredential")
            && create.contains("\"push\"")
            && create.contains("\"fcm\""),
        "{create}"
    );
    let update = format!("{update:?}");
    assert!(
        update.contains("CR00000000000000000000000000000000") && update.contains("\"true\""),
        "{update}"
    );
}

#[test]
fn other_builders_show_their_parameters() {
    let message = client()
        .service(&models::ServiceSid::from_wire("IS1"))
        .channel("CH1")
        .messages()
        .create()
        .body("hello")
        .webhook_enabled(models::WebhookEnabledType::False);
    let debug = format!("{message:?}");
    assert!(
        debug.contains("\"hello\"") && debug.contains("\"false\""),
        "{debug}"
    );
    assert!(debug.contains("IS1") && debug.contains("CH1"), "{debug}");
    assert!(!debug.contains("[redacted]"), "{debug}");
}

//! A small application as a Rust user writes it on `twilio-chat-v2`: it reads its configuration from a JSON file
//! into its own derived struct, fetches one Chat service and prints it. `cargo xtask bench` builds it from scratch
//! (cold debug build) next to the same application on plain reqwest (`crates/bench/app-reqwest`); nothing runs it
//! there. Run by hand: `app-client CONFIG.json`, with `{"account_sid", "auth_token", "service_sid"}` and
//! optionally `"base_url"` (for example a local service from `twilio-chat fake`).

use serde_derive::Deserialize;
use twilio_chat_v2::{Client, Credentials, models};

/// The application's configuration file.
#[derive(Debug, Deserialize)]
struct Config {
    account_sid: String,
    auth_token: String,
    service_sid: models::ServiceSid,
    /// Another base URL than Twilio's (a local service, `http://` allowed).
    #[serde(default)]
    base_url: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "app.json".to_owned());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let config: Config = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;

    let mut builder = Client::builder().credentials(Credentials::auth_token(
        &config.account_sid,
        &config.auth_token,
    )?);
    if let Some(url) = &config.base_url {
        builder = builder.base_url(url).allow_insecure_http(true);
    }
    let client = builder.build()?;

    let service = client.service(&config.service_sid).fetch().await?;
    println!(
        "{}: {} (created {})",
        service.sid, service.friendly_name, service.date_created
    );
    Ok(())
}

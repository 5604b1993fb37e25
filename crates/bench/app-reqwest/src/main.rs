//! The application of `crates/bench/app-client` written on plain reqwest: it reads the same JSON configuration into
//! its own derived struct, fetches the same Chat service (`GET /v2/Services/{sid}`, basic auth) into its own
//! derived model and prints it. It is the baseline of the realistic-application cold build of `cargo xtask bench`;
//! nothing runs it there.

use serde_derive::Deserialize;

/// The application's configuration file.
#[derive(Debug, Deserialize)]
struct Config {
    account_sid: String,
    auth_token: String,
    service_sid: String,
    /// Another base URL than Twilio's (a local service).
    #[serde(default)]
    base_url: Option<String>,
}

/// The members of a Chat service the application reads.
#[derive(Debug, Deserialize)]
struct Service {
    sid: String,
    friendly_name: Option<String>,
    date_created: String,
}

/// Twilio's error body.
#[derive(Debug, Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "app.json".to_owned());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let config: Config = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let base = config
        .base_url
        .as_deref()
        .unwrap_or("https://chat.twilio.com")
        .trim_end_matches('/');

    let http = reqwest::Client::new();
    let response = http
        .get(format!("{base}/v2/Services/{}", config.service_sid))
        .basic_auth(&config.account_sid, Some(&config.auth_token))
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        let error: TwilioError = response.json().await?;
        return Err(format!(
            "Twilio error {status} {:?}: {}",
            error.code,
            error.message.unwrap_or_default()
        )
        .into());
    }
    let service: Service = response.json().await?;
    println!(
        "{}: {} (created {})",
        service.sid,
        service.friendly_name.unwrap_or_default(),
        service.date_created
    );
    Ok(())
}

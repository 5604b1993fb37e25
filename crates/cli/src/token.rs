//! `twilio-chat token`: mints a Twilio Access Token with a Chat grant, signed with the system clock, the way
//! Twilio's own CLI does, and returns it for printing alone on stdout.

use std::time::Duration;

use clap::Args;
use twilio_access_token::{AccessToken, ChatGrant, DEFAULT_TTL};

/// Mint an Access Token (JWT) with a Chat grant and print it alone on stdout.
///
/// The same token logs in Twilio's Chat SDKs and its Conversations SDKs: Conversations clients use the Chat grant,
/// with --chat-service-sid naming the conversation service (a Chat service's IS... SID is its conversation service).
///
/// The token is signed with an API key: its SID and secret, and the account SID, come from
/// TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET, or from the flags below, which take precedence.
/// Prefer the environment for the secret: command lines are visible to other users of the machine.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Identity of the user the token is for (required, not empty)
    #[arg(long, value_name = "IDENTITY")]
    identity: String,

    /// Chat or Conversations service SID (IS...) written as grants.chat.service_sid
    #[arg(long, value_name = "IS...")]
    chat_service_sid: Option<String>,

    /// Endpoint id of the user's device or browser, written as grants.chat.endpoint_id
    #[arg(long, value_name = "ID")]
    endpoint_id: Option<String>,

    /// Push credential SID (CR...) written as grants.chat.push_credential_sid
    #[arg(long, value_name = "CR...")]
    push_credential_sid: Option<String>,

    /// Deployment role SID (RL...) written as grants.chat.deployment_role_sid
    #[arg(long, value_name = "RL...")]
    deployment_role_sid: Option<String>,

    /// Lifetime in seconds, from 1 to 86400 (24 h) [default: 3600]
    #[arg(long, value_name = "SECONDS")]
    ttl: Option<u64>,

    /// Not-before time in Unix seconds [default: now]
    #[arg(long, value_name = "UNIX")]
    nbf: Option<u64>,

    /// Twilio region written as the twr header (for example ie1 or au1)
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// Account SID (AC...)
    #[arg(
        long,
        value_name = "AC...",
        env = "TWILIO_ACCOUNT_SID",
        hide_env_values = true
    )]
    account_sid: Option<String>,

    /// API key SID (SK...) that signs the token
    #[arg(
        long,
        value_name = "SK...",
        env = "TWILIO_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,

    /// Secret of the API key
    #[arg(
        long,
        value_name = "SECRET",
        env = "TWILIO_API_SECRET",
        hide_env_values = true
    )]
    api_secret: Option<String>,
}

/// Mints the token, or says in one line which input is wrong.
pub fn run(args: TokenArgs) -> Result<String, String> {
    let account_sid = required(
        args.account_sid,
        "account SID",
        "TWILIO_ACCOUNT_SID",
        "--account-sid",
    )?;
    let api_key = required(args.api_key, "API key SID", "TWILIO_API_KEY", "--api-key")?;
    let api_secret = required(
        args.api_secret,
        "API secret",
        "TWILIO_API_SECRET",
        "--api-secret",
    )?;

    let chat = ChatGrant {
        service_sid: args.chat_service_sid,
        endpoint_id: args.endpoint_id,
        deployment_role_sid: args.deployment_role_sid,
        push_credential_sid: args.push_credential_sid,
    };
    let mut builder = AccessToken::builder(account_sid, api_key, api_secret)
        .identity(args.identity)
        .ttl(args.ttl.map_or(DEFAULT_TTL, Duration::from_secs))
        .chat_grant(chat);
    if let Some(nbf) = args.nbf {
        builder = builder.nbf(nbf);
    }
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    let token = builder.build().map_err(|e| e.to_string())?;
    token.to_jwt().map_err(|e| e.to_string())
}

fn required(value: Option<String>, what: &str, env: &str, flag: &str) -> Result<String, String> {
    value.ok_or_else(|| format!("no {what}: set {env} or pass {flag}"))
}

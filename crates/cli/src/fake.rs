//! `twilio-chat fake`: runs the local Twilio service (`twilio-chat-local`: Chat v2, Chat v3 and Conversations v1
//! over one state) in the foreground until interrupted, after printing its base URL, the APIs it answers, the
//! inspector's URL and the credentials to use.

use std::net::SocketAddr;

use clap::Args;
use twilio_chat_local::LocalCredentials;

/// Run a local, in-memory Twilio Chat v2, Chat v3 and Conversations v1 service until interrupted (ctrl-c).
///
/// It answers every Chat v2, Chat v3 and Conversations v1 operation in Twilio's wire format at the printed base
/// URL, over one state: a Chat service is a Conversations service, private channels are conversations, members
/// are participants, and messages, users and roles are shared. Any client works against it. Requests need HTTP Basic
/// credentials: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN when they are set (a token is made up when only the
/// account SID is), else a made-up pair; an API key and secret are made up as well. All are printed on start.
///
/// An inspector, a web page showing the records and the webhook deliveries as they change, is served on another
/// port of the same address (printed as "Inspector: URL"); it needs the same credentials unless the address is a
/// loopback one.
#[derive(Debug, Args)]
pub struct FakeArgs {
    /// Address and port to listen on; port 0 picks a free one
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Fire pre-events for REST calls, as for a client SDK's actions, to test a backend's pre-event webhook
    ///
    /// At Twilio, REST calls fire only post-events (with X-Twilio-Webhook-Enabled: true). With this flag, every
    /// create, update and delete that has a pre-event (onMessageSend, onChannelAdd, onMessageAdd,
    /// onConversationAdd, ...) first calls the service's pre_webhook_url when its filters name the event: a 200
    /// answer lets it go ahead (its JSON may change the fields the event allows), any other status refuses it
    /// (403, code 20403), and no answer within 5 seconds refuses it too (504, code 50076).
    #[arg(long)]
    pre_events_from_rest: bool,
    /// Do not serve the inspector web page
    #[arg(long, conflicts_with = "inspector_port")]
    no_inspector: bool,
    /// Port of the inspector web page, on the address of --bind; 0 picks a free one
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    inspector_port: u16,
}

/// Serves until ctrl-c; the base URL and credentials are printed as soon as the service listens.
pub fn run(args: FakeArgs) -> Result<String, String> {
    let credentials = credentials(
        std::env::var("TWILIO_ACCOUNT_SID").ok(),
        std::env::var("TWILIO_AUTH_TOKEN").ok(),
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime
        .block_on(twilio_chat_local::serve(twilio_chat_local::Config {
            bind: args.bind,
            credentials,
            pre_events_from_rest: args.pre_events_from_rest,
            inspector: !args.no_inspector,
            inspector_port: args.inspector_port,
            ..twilio_chat_local::Config::default()
        }))
        .map_err(|e| e.to_string())?;
    Ok("Local Chat v2, Chat v3 and Conversations v1 service stopped".to_owned())
}

/// The credentials to accept: the environment's account SID and auth token when set, else made up.
fn credentials(
    account_sid: Option<String>,
    auth_token: Option<String>,
) -> Result<LocalCredentials, String> {
    let account_sid = account_sid.filter(|v| !v.is_empty());
    let auth_token = auth_token.filter(|v| !v.is_empty());
    match (account_sid, auth_token) {
        (None, None) => Ok(LocalCredentials::generate()),
        (None, Some(_)) => Err(
            "TWILIO_AUTH_TOKEN is set without TWILIO_ACCOUNT_SID; set both, or neither to make up a pair"
                .to_owned(),
        ),
        (Some(sid), token) => {
            let made_up = LocalCredentials::generate();
            let token = token.unwrap_or_else(|| made_up.auth_token().to_owned());
            LocalCredentials::new(&sid, &token).map_err(|e| format!("TWILIO_ACCOUNT_SID: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::credentials;

    #[test]
    fn the_banner_names_the_three_apis() {
        let banner = twilio_chat_local::serve_banner("http://127.0.0.1:1").join("\n");
        for api in [
            "Chat v2:",
            "Chat v3:",
            "Conversations v1:",
            "http://127.0.0.1:1/v1/Conversations",
        ] {
            assert!(banner.contains(api), "{banner}");
        }
    }

    const SID: &str = "AC0123456789abcdef0123456789abcdef";

    #[test]
    fn environment_credentials_are_used_or_made_up() {
        let given = credentials(Some(SID.to_owned()), Some("token".to_owned())).unwrap();
        assert_eq!((given.account_sid(), given.auth_token()), (SID, "token"));
        let made_up = credentials(None, None).unwrap();
        assert!(made_up.account_sid().starts_with("AC") && made_up.account_sid().len() == 34);
        let sid_only = credentials(Some(SID.to_owned()), None).unwrap();
        assert_eq!(sid_only.account_sid(), SID);
        assert_eq!(sid_only.auth_token().len(), 32);
        let empty = credentials(Some(String::new()), Some(String::new())).unwrap();
        assert_ne!(empty.account_sid(), "");
    }

    #[test]
    fn bad_environment_credentials_are_refused() {
        let error = credentials(Some("ACnope".to_owned()), Some("t".to_owned())).unwrap_err();
        assert!(error.starts_with("TWILIO_ACCOUNT_SID: "), "{error}");
        let error = credentials(None, Some("t".to_owned())).unwrap_err();
        assert!(error.contains("without TWILIO_ACCOUNT_SID"), "{error}");
    }
}

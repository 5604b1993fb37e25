//! The traits of `api.rs` over Twilio's APIs: [`Twilio`] holds a Chat v2 client (Chat v3 through `client.v3()`)
//! and a Conversations v1 client for one service, built from the environment's credentials, with every API at one
//! base URL when one is given.

use futures_util::TryStreamExt as _;
use twilio_chat_v2::models::{self as chat, ChannelSid, ServiceSid};
use twilio_chat_v2::{RequestOptions, RetryPolicy};

use crate::migrate::api::{
    ApiError, ChannelConvert, ChannelInfo, ChannelKind, ChannelWebhookInfo, ChatRead,
    ConversationsApi, RoleInfo, ServiceInfo, UserInfo, WebhookConfig,
};

/// Records per list page: Twilio's maximum.
const PAGE_SIZE: i64 = 100;

/// Chat v2 (with v3) and Conversations v1 clients of one service.
#[derive(Debug, Clone)]
pub struct Twilio {
    chat: twilio_chat_v2::Client,
    conversations: twilio_conversations_v1::Client,
    service: ServiceSid,
}

impl Twilio {
    /// Clients from `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN` (or `TWILIO_API_KEY` and `TWILIO_API_SECRET`),
    /// `TWILIO_REGION` and `TWILIO_EDGE`; with `base_url`, every API is reached there (plain `http` only on the
    /// loopback interface, for local services).
    pub fn from_env(service: ServiceSid, base_url: Option<&str>) -> Result<Self, String> {
        // 429s are retried for every method, POST included, after the server's Retry-After; a migration of
        // thousands of channels meets rate limits, so it gets more attempts than the default 3.
        let retry = RetryPolicy::new().max_attempts(8);
        let mut chat = twilio_chat_v2::Client::builder()
            .from_env()
            .retry_policy(retry.clone());
        let mut conversations = twilio_conversations_v1::Client::builder()
            .from_env()
            .retry_policy(retry);
        if let Some(url) = base_url {
            let local = is_loopback(url);
            chat = chat.base_url(url).allow_insecure_http(local);
            conversations = conversations.base_url(url).allow_insecure_http(local);
        }
        Ok(Self {
            chat: chat.build().map_err(|e| e.to_string())?,
            conversations: conversations.build().map_err(|e| e.to_string())?,
            service,
        })
    }
}

/// Whether `url` is `http://` on 127.0.0.1, `[::1]` or localhost.
fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "127.0.0.1" | "[::1]" | "localhost")
}

impl ChatRead for Twilio {
    async fn service(&self) -> Result<ServiceInfo, ApiError> {
        let s = self.chat.service(&self.service).fetch().await?;
        Ok(ServiceInfo {
            sid: s.sid.to_string(),
            friendly_name: Some(s.friendly_name),
            pre_webhook_url: s.pre_webhook_url.filter(|u| !u.is_empty()),
            post_webhook_url: s.post_webhook_url.filter(|u| !u.is_empty()),
            webhook_method: s.webhook_method,
            webhook_filters: s.webhook_filters.unwrap_or_default(),
        })
    }

    async fn channels(&self) -> Result<Vec<ChannelInfo>, ApiError> {
        // Both types named: Twilio lists public channels only when `Type` is absent.
        let channels: Vec<chat::Channel> = self
            .chat
            .service(&self.service)
            .channels()
            .list()
            .type_([chat::ChannelType::Public, chat::ChannelType::Private])
            .page_size(PAGE_SIZE)
            .stream()
            .try_collect()
            .await?;
        Ok(channels
            .into_iter()
            .map(|c| ChannelInfo {
                sid: c.sid,
                unique_name: c.unique_name,
                kind: match c.type_ {
                    Some(chat::ChannelType::Public) => ChannelKind::Public,
                    Some(chat::ChannelType::Private) => ChannelKind::Private,
                    Some(other) => ChannelKind::Other(other.as_str().to_owned()),
                    None => ChannelKind::Other("unknown".to_owned()),
                },
                members: c.members_count.unwrap_or_default(),
                messages: c.messages_count.unwrap_or_default(),
            })
            .collect())
    }

    async fn channel_webhooks(
        &self,
        channel: &ChannelSid,
    ) -> Result<Vec<ChannelWebhookInfo>, ApiError> {
        let hooks: Vec<chat::ChannelWebhook> = self
            .chat
            .service(&self.service)
            .channel(channel)
            .webhooks()
            .list()
            .page_size(PAGE_SIZE)
            .stream()
            .try_collect()
            .await?;
        Ok(hooks
            .into_iter()
            .map(|h| {
                let config = h.configuration.unwrap_or_default();
                let text = |key: &str| config.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                let filters = config
                    .get("filters")
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                ChannelWebhookInfo {
                    channel_sid: h.channel_sid.to_string(),
                    kind: h.type_,
                    url: text("url"),
                    flow_sid: text("flow_sid"),
                    filters,
                }
            })
            .collect())
    }

    async fn roles(&self) -> Result<Vec<RoleInfo>, ApiError> {
        let roles: Vec<chat::Role> = self
            .chat
            .service(&self.service)
            .roles()
            .list()
            .page_size(PAGE_SIZE)
            .stream()
            .try_collect()
            .await?;
        Ok(roles
            .into_iter()
            .map(|r| RoleInfo {
                sid: r.sid.to_string(),
                friendly_name: Some(r.friendly_name),
                kind: r.type_.map(|t| t.as_str().to_owned()),
                permissions: r.permissions.unwrap_or_default(),
            })
            .collect())
    }

    async fn users(&self) -> Result<Vec<UserInfo>, ApiError> {
        let users: Vec<chat::User> = self
            .chat
            .service(&self.service)
            .users()
            .list()
            .page_size(PAGE_SIZE)
            .stream()
            .try_collect()
            .await?;
        Ok(users
            .into_iter()
            .map(|u| UserInfo {
                identity: Some(u.identity),
                role_sid: u.role_sid.map(|r| r.to_string()),
                joined_channels: u.joined_channels_count.unwrap_or_default(),
            })
            .collect())
    }
}

impl ChannelConvert for Twilio {
    async fn make_private(&self, channel: &ChannelSid) -> Result<ChannelKind, ApiError> {
        use twilio_chat_v2::v3::models::ChannelType;
        // A POST, so by default only 429s (answered before processing) and connection failures are retried.
        // Setting a channel's type to private is idempotent in effect: repeated, it leaves the channel private
        // and converts nothing twice. So this request may also be repeated after a 503 or a connection closed
        // mid-request, which would otherwise leave the channel failed for this run.
        let channel = self
            .chat
            .v3()
            .service(&self.service)
            .channel(channel)
            .update()
            .type_(ChannelType::Private)
            .request_options(RequestOptions::new().retry_non_idempotent(true))
            .await?;
        Ok(match channel.type_ {
            Some(ChannelType::Private) => ChannelKind::Private,
            Some(ChannelType::Public) => ChannelKind::Public,
            Some(other) => ChannelKind::Other(other.as_str().to_owned()),
            None => ChannelKind::Other("unknown".to_owned()),
        })
    }
}

impl ConversationsApi for Twilio {
    async fn fetch_conversation(&self, channel: &ChannelSid) -> Result<(), ApiError> {
        // The SID types are shared: a channel's SID is the conversation's.
        self.conversations
            .service(&self.service)
            .conversation(channel)
            .fetch()
            .await?;
        Ok(())
    }

    async fn webhook_config(&self) -> Result<WebhookConfig, ApiError> {
        let c = self
            .conversations
            .service(&self.service)
            .configuration_webhooks()
            .fetch()
            .await?;
        Ok(WebhookConfig {
            pre_webhook_url: c.pre_webhook_url.filter(|u| !u.is_empty()),
            post_webhook_url: c.post_webhook_url.filter(|u| !u.is_empty()),
            method: c.method.map(|m| m.as_str().to_owned()),
            filters: c.filters.unwrap_or_default(),
        })
    }

    async fn set_webhook_config(&self, config: &WebhookConfig) -> Result<(), ApiError> {
        let mut update = self
            .conversations
            .service(&self.service)
            .configuration_webhooks()
            .update()
            .pre_webhook_url(config.pre_webhook_url.as_deref().unwrap_or_default())
            .post_webhook_url(config.post_webhook_url.as_deref().unwrap_or_default())
            .filters(&config.filters);
        if let Some(method) = &config.method {
            update = update.method(method);
        }
        update.await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_http_is_local() {
        for (url, local) in [
            ("http://127.0.0.1:4000", true),
            ("http://127.0.0.1", true),
            ("http://localhost:80/x", true),
            ("http://[::1]:8080", true),
            ("https://127.0.0.1:4000", false),
            ("http://chat.example.com", false),
            ("http://127.0.0.1.example.com:80", false),
        ] {
            assert_eq!(is_loopback(url), local, "{url}");
        }
    }
}

//! Canned Chat v2 data shared by the server and the benchmarks: SIDs, message pages, a created message and an
//! updated service, and the "every parameter set" inputs of `CreateMessage` and `UpdateService`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use twilio_rest_runtime::{Date, Timestamp};

/// Account SID of the benchmark credentials.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// Auth token of the benchmark credentials (the loopback server ignores it).
pub const AUTH_TOKEN: &str = "bench-auth-token";
/// Service of every request.
pub const SERVICE_SID: &str = "IS0123456789abcdef0123456789abcdef";
/// Channel of every message request.
pub const CHANNEL_SID: &str = "CH0123456789abcdef0123456789abcdef";
/// Records per page.
pub const PAGE_SIZE: usize = 100;

/// Path of the channel's messages.
pub fn messages_path() -> String {
    format!("/v2/Services/{SERVICE_SID}/Channels/{CHANNEL_SID}/Messages")
}

/// One message as Twilio returns it (about 750 bytes of JSON); `index` makes every message distinct.
pub fn message(base_url: &str, index: usize) -> Value {
    let sid = format!("IM{index:032x}");
    let minute = index % 60;
    let media = if index % 10 == 9 {
        json!({"sid": format!("ME{index:032x}"), "size": 4096 + index, "content_type": "image/png", "filename": "photo.png"})
    } else {
        Value::Null
    };
    json!({
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "attributes": format!("{{\"importance\": \"normal\", \"thread\": {}}}", index / 7),
        "service_sid": SERVICE_SID,
        "to": CHANNEL_SID,
        "channel_sid": CHANNEL_SID,
        "date_created": format!("2026-01-02T03:{minute:02}:05Z"),
        "date_updated": format!("2026-01-02T03:{minute:02}:06Z"),
        "last_updated_by": if index.is_multiple_of(5) { json!("moderator") } else { Value::Null },
        "was_edited": index.is_multiple_of(5),
        "from": format!("user-{}", index % 17),
        "body": format!("Message number {index}: the quick brown fox jumps over the lazy dog, caf\u{e9} \u{2713}"),
        "index": index,
        "type": if media.is_null() { "text" } else { "media" },
        "media": media,
        "url": format!("{base_url}{}/{sid}", messages_path()),
    })
}

/// The URL of page `page` (0-based) of the channel's messages on `base_url`.
pub fn page_url(base_url: &str, page: usize) -> String {
    if page == 0 {
        format!("{base_url}{}?PageSize={PAGE_SIZE}", messages_path())
    } else {
        format!(
            "{base_url}{}?PageSize={PAGE_SIZE}&Page={page}&PageToken=PT{page}",
            messages_path()
        )
    }
}

/// Page `page` (0-based) of `pages` pages of [`PAGE_SIZE`] messages, in Chat v2's shape (`messages` + `meta`).
pub fn page_body(base_url: &str, page: usize, pages: usize) -> Vec<u8> {
    let messages: Vec<Value> = (0..PAGE_SIZE)
        .map(|i| message(base_url, page * PAGE_SIZE + i))
        .collect();
    let next = if page + 1 < pages {
        Value::String(page_url(base_url, page + 1))
    } else {
        Value::Null
    };
    let previous = if page > 0 {
        Value::String(page_url(base_url, page - 1))
    } else {
        Value::Null
    };
    let body = json!({
        "messages": messages,
        "meta": {
            "page": page,
            "page_size": PAGE_SIZE,
            "first_page_url": page_url(base_url, 0),
            "previous_page_url": previous,
            "url": page_url(base_url, page),
            "next_page_url": next,
            "key": "messages",
        }
    });
    body.to_string().into_bytes()
}

/// The body answered to `CreateMessage`.
pub fn created_message(base_url: &str) -> Vec<u8> {
    message(base_url, 0).to_string().into_bytes()
}

/// The body answered to `UpdateService`.
pub fn updated_service(base_url: &str) -> Vec<u8> {
    json!({
        "sid": SERVICE_SID,
        "account_sid": ACCOUNT_SID,
        "friendly_name": "Support desk",
        "date_created": "2026-01-02T03:04:05Z",
        "date_updated": "2026-01-02T03:04:06Z",
        "default_service_role_sid": "RL0123456789abcdef0123456789abcdef",
        "default_channel_role_sid": "RL1123456789abcdef0123456789abcdef",
        "default_channel_creator_role_sid": "RL2123456789abcdef0123456789abcdef",
        "read_status_enabled": true,
        "reachability_enabled": true,
        "typing_indicator_timeout": 5,
        "consumption_report_interval": 10,
        "limits": {"channel_members": 100, "user_channels": 250},
        "pre_webhook_url": "https://example.com/pre",
        "post_webhook_url": "https://example.com/post",
        "webhook_method": "POST",
        "webhook_filters": ["onMessageSend", "onChannelAdd"],
        "pre_webhook_retry_count": 2,
        "post_webhook_retry_count": 3,
        "notifications": {"log_enabled": true},
        "media": {"compatibility_message": "Media messages are not supported"},
        "url": format!("{base_url}/v2/Services/{SERVICE_SID}"),
        "links": {}
    })
    .to_string()
    .into_bytes()
}

/// Every parameter of `CreateMessage`.
#[derive(Debug, Clone)]
pub struct CreateMessageInput {
    /// `From`.
    pub from: &'static str,
    /// `Attributes`.
    pub attributes: &'static str,
    /// `DateCreated`.
    pub date_created: Timestamp,
    /// `DateUpdated`.
    pub date_updated: Timestamp,
    /// `DateCreated` as chrono's type, for the hand-written client.
    pub chrono_created: DateTime<Utc>,
    /// `DateUpdated` as chrono's type, for the hand-written client.
    pub chrono_updated: DateTime<Utc>,
    /// `LastUpdatedBy`.
    pub last_updated_by: &'static str,
    /// `Body`.
    pub body: &'static str,
    /// `MediaSid`.
    pub media_sid: &'static str,
}

/// The `CreateMessage` input of the encoding benchmark.
pub fn create_message_input() -> CreateMessageInput {
    let at = |second| {
        Date::new(2026, 1, 2)
            .and_then(|day| day.at(3, 4, second))
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    let (created, updated) = (at(5), at(6));
    CreateMessageInput {
        from: "support-bot",
        attributes: r#"{"importance": "high", "tags": ["billing", "vip"]}"#,
        date_created: created,
        date_updated: updated,
        chrono_created: created.into(),
        chrono_updated: updated.into(),
        last_updated_by: "moderator@example.com",
        body: "Hello from Rust & friends: caf\u{e9} 100% \u{2713}",
        media_sid: "ME0123456789abcdef0123456789abcdef",
    }
}

/// Every parameter of `UpdateService` (string, bool, integer, enum and array parameters).
#[derive(Debug, Clone)]
pub struct UpdateServiceInput {
    /// Text parameters, in the order of the description (wire name, value).
    pub texts: [(&'static str, &'static str); 15],
    /// Boolean parameters (wire name, value).
    pub bools: [(&'static str, bool); 8],
    /// Integer parameters (wire name, value).
    pub ints: [(&'static str, i64); 6],
    /// `WebhookMethod`.
    pub webhook_method: &'static str,
    /// `WebhookFilters` (repeated key).
    pub webhook_filters: [&'static str; 3],
}

/// The `UpdateService` input of the encoding benchmark.
pub fn update_service_input() -> UpdateServiceInput {
    UpdateServiceInput {
        texts: [
            ("FriendlyName", "Support desk (EU)"),
            (
                "DefaultServiceRoleSid",
                "RL0123456789abcdef0123456789abcdef",
            ),
            (
                "DefaultChannelRoleSid",
                "RL1123456789abcdef0123456789abcdef",
            ),
            (
                "DefaultChannelCreatorRoleSid",
                "RL2123456789abcdef0123456789abcdef",
            ),
            (
                "Notifications.NewMessage.Template",
                "${CHANNEL};${USER}: ${MESSAGE}",
            ),
            ("Notifications.NewMessage.Sound", "default"),
            (
                "Notifications.AddedToChannel.Template",
                "You were added to ${CHANNEL} by ${USER}",
            ),
            ("Notifications.AddedToChannel.Sound", "chime"),
            (
                "Notifications.RemovedFromChannel.Template",
                "You left ${CHANNEL}",
            ),
            ("Notifications.RemovedFromChannel.Sound", "none"),
            (
                "Notifications.InvitedToChannel.Template",
                "${USER} invited you to ${CHANNEL}",
            ),
            ("Notifications.InvitedToChannel.Sound", "bell"),
            ("PreWebhookUrl", "https://example.com/hooks/pre?source=chat"),
            (
                "PostWebhookUrl",
                "https://example.com/hooks/post?source=chat",
            ),
            (
                "Media.CompatibilityMessage",
                "This client cannot show media; open the app",
            ),
        ],
        bools: [
            ("ReadStatusEnabled", true),
            ("ReachabilityEnabled", true),
            ("Notifications.NewMessage.Enabled", true),
            ("Notifications.NewMessage.BadgeCountEnabled", false),
            ("Notifications.AddedToChannel.Enabled", true),
            ("Notifications.RemovedFromChannel.Enabled", false),
            ("Notifications.InvitedToChannel.Enabled", true),
            ("Notifications.LogEnabled", true),
        ],
        ints: [
            ("TypingIndicatorTimeout", 5),
            ("ConsumptionReportInterval", 10),
            ("Limits.ChannelMembers", 100),
            ("Limits.UserChannels", 250),
            ("PreWebhookRetryCount", 2),
            ("PostWebhookRetryCount", 3),
        ],
        webhook_method: "POST",
        webhook_filters: ["onMessageSend", "onChannelAdd", "onMemberAdded"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_to_each_other_and_end() {
        let base = "http://127.0.0.1:1";
        let first: Value = serde_json::from_slice(&page_body(base, 0, 2)).unwrap_or_default();
        assert_eq!(first["messages"].as_array().map(Vec::len), Some(PAGE_SIZE));
        assert_eq!(first["meta"]["next_page_url"], json!(page_url(base, 1)));
        let last: Value = serde_json::from_slice(&page_body(base, 1, 2)).unwrap_or_default();
        assert_eq!(last["meta"]["next_page_url"], Value::Null);
        assert_eq!(last["messages"][0]["index"], json!(PAGE_SIZE));
    }
}

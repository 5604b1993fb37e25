//! `migrate plan`: reads a Chat service, changes nothing, and describes what a migration involves: channels by
//! type with their counts, the service's webhooks with the Conversations event of each Chat event, channel
//! webhooks, roles and users. [`Plan`] serializes as the `--json` file; [`Plan::render`] is the table for people.

use std::collections::BTreeMap;

use futures_util::{StreamExt as _, TryStreamExt as _};
use serde::Serialize;

use crate::migrate::api::{
    ApiError, ChannelInfo, ChannelKind, ChannelWebhookInfo, ChatRead, RoleInfo, ServiceInfo,
    UserInfo, WebhookConfig,
};
use crate::migrate::events;
use crate::migrate::table::Table;

/// Channels whose webhooks are read at once.
const WEBHOOK_READS_AT_ONCE: usize = 8;

/// Everything `plan` found.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The service, with its Chat webhook configuration.
    pub service: ServiceInfo,
    /// Per channel type: how many channels, members and messages.
    pub channel_types: BTreeMap<String, TypeTotals>,
    /// Every channel.
    pub channels: Vec<ChannelInfo>,
    /// Each Chat event of the service's webhook filters with the Conversations event it becomes (`null`: none).
    pub event_mapping: Vec<EventMapping>,
    /// The Conversations webhook configuration that matches the service's (`migrate webhooks --apply` sets it).
    pub conversations_webhooks: WebhookConfig,
    /// Webhooks of channels, which stay with their conversations.
    pub channel_webhooks: Vec<ChannelWebhookInfo>,
    /// Roles.
    pub roles: Vec<RoleInfo>,
    /// Users.
    pub users: Vec<UserInfo>,
    /// What `migrate run` would do.
    pub actions: Actions,
}

/// Totals of one channel type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TypeTotals {
    /// Channels of the type.
    pub channels: u64,
    /// Members of those channels.
    pub members: i64,
    /// Messages of those channels.
    pub messages: i64,
}

/// One Chat event and its Conversations counterpart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventMapping {
    /// The Chat event.
    pub chat: String,
    /// The Conversations event.
    pub conversations: Option<String>,
}

/// What `migrate run` would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actions {
    /// Public channels it would turn private.
    pub convert: u64,
    /// Private channels it would only check.
    pub check: u64,
}

impl Plan {
    /// Reads everything through `chat`.
    pub async fn gather<C: ChatRead>(chat: &C) -> Result<Plan, ApiError> {
        let service = chat.service().await?;
        let channels = chat.channels().await?;
        let mut channel_types: BTreeMap<String, TypeTotals> = BTreeMap::new();
        let mut actions = Actions::default();
        for channel in &channels {
            let totals = channel_types
                .entry(channel.kind.as_str().to_owned())
                .or_default();
            totals.channels += 1;
            totals.members += channel.members;
            totals.messages += channel.messages;
            match channel.kind {
                ChannelKind::Public => actions.convert += 1,
                ChannelKind::Private => actions.check += 1,
                ChannelKind::Other(_) => {}
            }
        }
        let per_channel: Vec<Vec<ChannelWebhookInfo>> = futures_util::stream::iter(&channels)
            .map(|c| chat.channel_webhooks(&c.sid))
            .buffered(WEBHOOK_READS_AT_ONCE)
            .try_collect()
            .await?;
        let event_mapping = service
            .webhook_filters
            .iter()
            .map(|chat| EventMapping {
                chat: chat.clone(),
                conversations: events::conversations_event(chat).map(str::to_owned),
            })
            .collect();
        let (conversations_webhooks, _) = events::matching_config(&service);
        Ok(Plan {
            channel_types,
            channels,
            event_mapping,
            conversations_webhooks,
            channel_webhooks: per_channel.into_iter().flatten().collect(),
            roles: chat.roles().await?,
            users: chat.users().await?,
            actions,
            service,
        })
    }

    /// The plan as tables for people.
    pub fn render(&self) -> String {
        let s = &self.service;
        let mut out = format!(
            "Service {} ({})\n\n",
            s.sid,
            s.friendly_name.as_deref().unwrap_or("no name")
        );
        out.push_str(&format!(
            "`migrate run` would turn {} public channels private and check {} already private; nothing \
             else changes.\n\n",
            self.actions.convert, self.actions.check
        ));
        out.push_str("Channels by type\n");
        let mut types = Table::new(&["type", "channels", "members", "messages"]);
        for (kind, t) in &self.channel_types {
            types.row(vec![
                kind.clone(),
                t.channels.to_string(),
                t.members.to_string(),
                t.messages.to_string(),
            ]);
        }
        out.push_str(&types.render());
        out.push_str("\nChannels\n");
        let mut channels = Table::new(&["sid", "type", "unique name", "members", "messages"]);
        for c in &self.channels {
            channels.row(vec![
                c.sid.to_string(),
                c.kind.as_str().to_owned(),
                c.unique_name.clone().unwrap_or_else(|| "-".to_owned()),
                c.members.to_string(),
                c.messages.to_string(),
            ]);
        }
        out.push_str(&channels.render());
        out.push_str("\nService webhooks\n");
        let mut hooks = Table::new(&["setting", "value"]);
        hooks.row(vec![
            "pre-event URL".to_owned(),
            or_none(&s.pre_webhook_url),
        ]);
        hooks.row(vec![
            "post-event URL".to_owned(),
            or_none(&s.post_webhook_url),
        ]);
        hooks.row(vec!["method".to_owned(), or_none(&s.webhook_method)]);
        out.push_str(&hooks.render());
        out.push_str("\nWebhook events (Chat -> Conversations)\n");
        let mut mapping = Table::new(&["chat event", "conversations event"]);
        for m in &self.event_mapping {
            mapping.row(vec![m.chat.clone(), or_none(&m.conversations)]);
        }
        out.push_str(&mapping.render());
        out.push_str(&format!(
            "Conversations only (no Chat filter turns them on): {}\n",
            events::conversations_only().join(", ")
        ));
        out.push_str("\nChannel webhooks\n");
        let mut channel_hooks = Table::new(&["channel", "type", "target", "events"]);
        for h in &self.channel_webhooks {
            let target = h.url.clone().or_else(|| h.flow_sid.clone());
            channel_hooks.row(vec![
                h.channel_sid.clone(),
                h.kind.clone(),
                or_none(&target),
                h.filters.join(","),
            ]);
        }
        out.push_str(&channel_hooks.render());
        out.push_str("\nRoles\n");
        let mut roles = Table::new(&["sid", "name", "type", "permissions"]);
        for r in &self.roles {
            roles.row(vec![
                r.sid.clone(),
                or_none(&r.friendly_name),
                or_none(&r.kind),
                r.permissions.len().to_string(),
            ]);
        }
        out.push_str(&roles.render());
        out.push_str("\nUsers\n");
        let mut users = Table::new(&["identity", "role", "channels"]);
        for u in &self.users {
            users.row(vec![
                or_none(&u.identity),
                or_none(&u.role_sid),
                u.joined_channels.to_string(),
            ]);
        }
        out.push_str(&users.render());
        out.truncate(out.trim_end().len());
        out
    }
}

/// The value, or `-`.
fn or_none(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".to_owned())
}

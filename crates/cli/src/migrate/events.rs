//! Which Conversations event each Chat event becomes, and the Conversations webhook configuration that matches a
//! Chat service's. Both APIs' event lists are generated from their descriptions (`KNOWN_EVENT_TYPES`); this table
//! is the one hand-written fact, and a test checks it against both lists.

use twilio_conversations_v1::webhook::ConversationsEvent;

use crate::migrate::api::{ServiceInfo, WebhookConfig};

/// Chat event → Conversations event. Channels are conversations, members are participants, and a media message is
/// a message with media.
const CHAT_TO_CONVERSATIONS: &[(&str, &str)] = &[
    ("onMessageSend", "onMessageAdd"),
    ("onMessageSent", "onMessageAdded"),
    ("onMessageUpdate", "onMessageUpdate"),
    ("onMessageUpdated", "onMessageUpdated"),
    ("onMessageRemove", "onMessageRemove"),
    ("onMessageRemoved", "onMessageRemoved"),
    ("onMediaMessageSend", "onMessageAdd"),
    ("onMediaMessageSent", "onMessageAdded"),
    ("onChannelAdd", "onConversationAdd"),
    ("onChannelAdded", "onConversationAdded"),
    ("onChannelUpdate", "onConversationUpdate"),
    ("onChannelUpdated", "onConversationUpdated"),
    ("onChannelDestroy", "onConversationRemove"),
    ("onChannelDestroyed", "onConversationRemoved"),
    ("onMemberAdd", "onParticipantAdd"),
    ("onMemberAdded", "onParticipantAdded"),
    ("onMemberUpdate", "onParticipantUpdate"),
    ("onMemberUpdated", "onParticipantUpdated"),
    ("onMemberRemove", "onParticipantRemove"),
    ("onMemberRemoved", "onParticipantRemoved"),
    ("onUserAdded", "onUserAdded"),
    ("onUserUpdate", "onUserUpdate"),
    ("onUserUpdated", "onUserUpdated"),
];

/// The Conversations event a Chat event becomes; `None` for events Chat does not know of or has no equivalent.
pub fn conversations_event(chat_event: &str) -> Option<&'static str> {
    CHAT_TO_CONVERSATIONS
        .iter()
        .find(|(chat, _)| *chat == chat_event)
        .map(|(_, conversations)| *conversations)
}

/// The Conversations events that have no Chat counterpart, so no Chat filter turns them on.
pub fn conversations_only() -> Vec<&'static str> {
    ConversationsEvent::KNOWN_EVENT_TYPES
        .iter()
        .copied()
        .filter(|e| !CHAT_TO_CONVERSATIONS.iter().any(|(_, c)| c == e))
        .collect()
}

/// The Conversations webhook configuration matching the Chat service's: the same URLs and method, each filter
/// mapped (in Conversations' order, without repeats), and the Chat filters that map to nothing.
pub fn matching_config(service: &ServiceInfo) -> (WebhookConfig, Vec<String>) {
    let mut unmapped = Vec::new();
    let mut wanted = Vec::new();
    for filter in &service.webhook_filters {
        match conversations_event(filter) {
            Some(event) => wanted.push(event),
            None => unmapped.push(filter.clone()),
        }
    }
    let filters = ConversationsEvent::KNOWN_EVENT_TYPES
        .iter()
        .filter(|e| wanted.contains(e))
        .map(|e| (*e).to_owned())
        .collect();
    let config = WebhookConfig {
        pre_webhook_url: service.pre_webhook_url.clone(),
        post_webhook_url: service.post_webhook_url.clone(),
        method: service.webhook_method.clone(),
        filters,
    };
    (config, unmapped)
}

#[cfg(test)]
mod tests {
    use twilio_chat_v2::webhook::ChatEvent;

    use super::*;

    fn chat_events() -> &'static [&'static str] {
        ChatEvent::KNOWN_EVENT_TYPES
    }

    #[test]
    fn every_chat_event_maps_to_a_known_conversations_event() {
        for chat in chat_events() {
            let mapped =
                conversations_event(chat).unwrap_or_else(|| panic!("{chat} is not mapped"));
            assert!(
                ConversationsEvent::KNOWN_EVENT_TYPES.contains(&mapped),
                "{chat} maps to {mapped}, which Conversations does not send"
            );
        }
        for (chat, _) in CHAT_TO_CONVERSATIONS {
            assert!(chat_events().contains(chat), "{chat} is not a Chat event");
        }
        assert_eq!(
            conversations_only(),
            ["onConversationStateUpdated", "onDeliveryUpdated"]
        );
    }

    #[test]
    fn matching_config_maps_filters_in_conversations_order_once() {
        let service = ServiceInfo {
            post_webhook_url: Some("https://example.com/post".to_owned()),
            webhook_method: Some("POST".to_owned()),
            webhook_filters: [
                "onMemberAdded",
                "onMessageSent",
                "onMediaMessageSent",
                "onSomethingNew",
            ]
            .map(str::to_owned)
            .to_vec(),
            ..ServiceInfo::default()
        };
        let (config, unmapped) = matching_config(&service);
        assert_eq!(config.filters, ["onMessageAdded", "onParticipantAdded"]);
        assert_eq!(
            config.post_webhook_url.as_deref(),
            Some("https://example.com/post")
        );
        assert_eq!(config.pre_webhook_url, None);
        assert_eq!(unmapped, ["onSomethingNew"]);
    }
}

//! The mapping between the products the service speaks and the records it stores, Twilio's: every record is a Chat
//! v2 record, and Conversations v1 and Chat v3 are other views of the same records. A Chat service is a
//! Conversations service, a private channel is a conversation with the same SID, a member is a participant, messages
//! and users (and roles, credentials, push bindings) are shared. Public channels are not conversations.
//!
//! This is the one hand-written list: which product resource shows which stored resource, which fields are renamed
//! (`chat_service_sid` is `service_sid`, `conversation_sid` is `channel_sid`, `author` is `from`), which records
//! a product sees (conversations are the private channels), and which resources live in the default conversation
//! service when their path names none. Operations, paths and fields come from the generated route tables.

use crate::generated::{chat_v3, conversations_v1};
use crate::table::{Resource, Route};

/// One product the service speaks, besides the Chat v2 description its records follow.
#[derive(Debug)]
pub(crate) struct Api {
    /// Every operation of the product.
    pub routes: &'static [Route],
    /// Every resource of the product.
    pub resources: &'static [Resource],
    /// Renames of fields that hold for every resource of the product: `(product field, stored field)`.
    pub renames: &'static [(&'static str, &'static str)],
    /// Which product resources show stored records; the others keep records of their own.
    pub mappings: &'static [Mapping],
    /// Product resources that keep their own records together with another's: `(resource, the other)` (a
    /// conversation's webhooks are the same records at the account's and at the service's paths).
    pub shared_records: &'static [(&'static str, &'static str)],
}

/// A product resource that shows stored records of another resource.
#[derive(Debug)]
pub(crate) struct Mapping {
    /// Product resource (`ServiceConversation`).
    pub resource: &'static str,
    /// Stored resource (`Channel`).
    pub storage: &'static str,
    /// Renames of this resource that differ from the product's: `(product field, stored field)`; a stored field
    /// may be a dotted path into the record (`notifications.new_message`).
    pub renames: &'static [(&'static str, &'static str)],
    /// Product fields kept apart from the stored record, though it has a field of that name.
    pub apart: &'static [&'static str],
    /// Product fields that are a list of the stored field's one object (a message's `media` is an object in Chat
    /// and a list in Conversations).
    pub listed: &'static [&'static str],
    /// Values that differ: `(product field, product value, stored value)` (a Conversations role of type
    /// `conversation` is a Chat role of type `channel`).
    pub values: &'static [(&'static str, &'static str, &'static str)],
    /// Stored field values a record needs to be seen through this resource; records it creates get them.
    pub only: &'static [(&'static str, &'static str)],
    /// The product resource whose paths give the records' `url` and `links`, when this one has no instance path
    /// (a conversation created with its participants is found at the conversation's URL).
    pub located_as: Option<&'static str>,
    /// Whether the resource's path names no service, so that its records live in the default conversation service
    /// (`/v1/Conversations` is `/v1/Services/{default}/Conversations`).
    pub default_service: bool,
}

/// The stored field that holds a product field: the resource's rename, else the product's, else the same name.
pub(crate) fn stored_name(
    api: &Api,
    mapping: Option<&Mapping>,
    field: &'static str,
) -> &'static str {
    mapping
        .and_then(|m| m.renames.iter().find(|(p, _)| *p == field))
        .or_else(|| api.renames.iter().find(|(p, _)| *p == field))
        .map_or(field, |(_, s)| s)
}

/// The value stored for a product's `value` of `field`, when it differs (a Conversations role of type
/// `conversation` is a Chat role of type `channel`).
pub(crate) fn stored_value(
    mapping: &Mapping,
    field: &str,
    value: &serde_json::Value,
) -> Option<serde_json::Value> {
    translated(mapping, field, value, true)
}

/// The value a product shows for a stored `value` of `field`, when it differs.
pub(crate) fn shown_value(
    mapping: &Mapping,
    field: &str,
    value: &serde_json::Value,
) -> Option<serde_json::Value> {
    translated(mapping, field, value, false)
}

/// `value` of `field` translated by the mapping's `values`, to the stored value or to the product's.
fn translated(
    mapping: &Mapping,
    field: &str,
    value: &serde_json::Value,
    to_stored: bool,
) -> Option<serde_json::Value> {
    mapping.values.iter().find_map(|(f, product, stored)| {
        let (from, to) = if to_stored {
            (product, stored)
        } else {
            (stored, product)
        };
        (*f == field && value.as_str() == Some(*from)).then(|| serde_json::Value::from(*to))
    })
}

impl Api {
    /// The product resource named `name`.
    pub fn resource(&self, name: &str) -> Option<&'static Resource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The mapping of the product resource named `name`, when it shows stored records.
    pub fn mapping(&self, name: &str) -> Option<&'static Mapping> {
        self.mappings.iter().find(|m| m.resource == name)
    }
}

/// Chat v3: the type of a channel (and its messaging service) changes over the Chat v2 channel.
pub(crate) static CHAT_V3: Api = Api {
    routes: chat_v3::ROUTES,
    resources: chat_v3::RESOURCES,
    renames: &[],
    mappings: &[
        shown("Service", "Service", false),
        shown("Channel", "Channel", false),
    ],
    shared_records: &[],
};

/// Conversations v1 over the Chat v2 records.
pub(crate) static CONVERSATIONS_V1: Api = Api {
    routes: conversations_v1::ROUTES,
    resources: conversations_v1::RESOURCES,
    renames: &[
        ("chat_service_sid", "service_sid"),
        ("conversation_sid", "channel_sid"),
        ("author", "from"),
        ("last_read_message_index", "last_consumed_message_index"),
        ("last_read_timestamp", "last_consumption_timestamp"),
    ],
    mappings: &[
        shown("Service", "Service", false),
        Mapping {
            renames: &[
                ("chat_service_sid", "sid"),
                (
                    "default_conversation_creator_role_sid",
                    "default_channel_creator_role_sid",
                ),
                ("default_conversation_role_sid", "default_channel_role_sid"),
                ("default_chat_service_role_sid", "default_service_role_sid"),
            ],
            ..shown("ServiceConfiguration", "Service", false)
        },
        Mapping {
            renames: &[
                ("chat_service_sid", "sid"),
                ("filters", "webhook_filters"),
                ("method", "webhook_method"),
            ],
            ..shown("ServiceWebhookConfiguration", "Service", false)
        },
        Mapping {
            renames: &[
                ("chat_service_sid", "sid"),
                ("log_enabled", "notifications.log_enabled"),
                ("new_message", "notifications.new_message"),
                ("added_to_conversation", "notifications.added_to_channel"),
                (
                    "removed_from_conversation",
                    "notifications.removed_from_channel",
                ),
            ],
            ..shown("ServiceNotification", "Service", false)
        },
        conversation("Conversation", true),
        Mapping {
            located_as: Some("Conversation"),
            ..conversation("ConversationWithParticipants", true)
        },
        conversation("ServiceConversation", false),
        Mapping {
            located_as: Some("ServiceConversation"),
            ..conversation("ServiceConversationWithParticipants", false)
        },
        message("ConversationMessage", true),
        message("ServiceConversationMessage", false),
        shown("ConversationParticipant", "Member", true),
        shown("ServiceConversationParticipant", "Member", false),
        shown("User", "User", true),
        shown("ServiceUser", "User", false),
        role("Role", true),
        role("ServiceRole", false),
        shown("Credential", "Credential", false),
        shown("ServiceBinding", "Binding", false),
    ],
    shared_records: &[
        (
            "ConversationScopedWebhook",
            "ServiceConversationScopedWebhook",
        ),
        (
            "ConversationMessageReceipt",
            "ServiceConversationMessageReceipt",
        ),
    ],
};

/// Product fields a stored record may lack, with the value Twilio answers for them (JSON text).
pub(crate) const FALLBACKS: &[(&str, &str)] = &[
    ("state", "\"active\""),
    ("timers", "{}"),
    ("bindings", "{}"),
];

/// A resource that shows every record of `storage` under the product's renames.
const fn shown(resource: &'static str, storage: &'static str, default_service: bool) -> Mapping {
    Mapping {
        resource,
        storage,
        renames: &[],
        apart: &[],
        listed: &[],
        values: &[],
        only: &[],
        located_as: None,
        default_service,
    }
}

/// Conversations are the private channels.
const fn conversation(resource: &'static str, default_service: bool) -> Mapping {
    Mapping {
        only: &[("type", "private")],
        ..shown(resource, "Channel", default_service)
    }
}

/// Roles are shared; Conversations calls the role types `conversation` and `service`, Chat `channel` and
/// `deployment`.
const fn role(resource: &'static str, default_service: bool) -> Mapping {
    Mapping {
        values: &[
            ("type", "conversation", "channel"),
            ("type", "service", "deployment"),
        ],
        ..shown(resource, "Role", default_service)
    }
}

/// Messages are shared; their media are a single object in Chat, a list in Conversations.
const fn message(resource: &'static str, default_service: bool) -> Mapping {
    Mapping {
        listed: &["media"],
        ..shown(resource, "Message", default_service)
    }
}

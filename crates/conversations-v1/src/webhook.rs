//! Conversations webhooks: typed events and pre-event replies.
//!
//! A conversation service (and the account's global webhook, and conversation-scoped webhooks) calls its pre-event
//! URL before an action (`onMessageAdd`, `onConversationAdd`, `onParticipantAdd`, ...) and waits for the answer,
//! and its post-event URL after one (`onMessageAdded`, `onConversationStateUpdated`, `onDeliveryUpdated`, ...).
//! Verify each request first with [`twilio_rest_runtime::webhook::WebhookVerifier`] (signature, public URL behind
//! proxies, body limit), read it with [`ConversationsWebhook::from_verified`], and answer pre-events with
//! [`PreEventReply`] (post-events with [`HttpReply::acknowledge`]). The events, their parameters and what each
//! pre-event reply may change are generated from the `x-twilio-webhooks` extension of
//! `spec/conversations-v1.json`; an event type this version does not know is kept as
//! [`ConversationsEvent::Unknown`] with every parameter available raw.
//!
//! ```
//! use twilio_conversations_v1::runtime::webhook::{UrlSource, WebhookRequest, WebhookVerifier};
//! use twilio_conversations_v1::webhook::{ConversationsEvent, ConversationsWebhook, HttpReply, PreEventReply};
//!
//! fn handle(verifier: &WebhookVerifier, request: &WebhookRequest<'_>) -> HttpReply {
//!     let verified = match verifier.verify(request) {
//!         Ok(verified) => verified,
//!         Err(rejection) => {
//!             return HttpReply { status: rejection.status(), headers: vec![], body: vec![] };
//!         }
//!     };
//!     let Ok(hook) = ConversationsWebhook::from_verified(verified) else {
//!         return HttpReply { status: 400, headers: vec![], body: vec![] };
//!     };
//!     let reply = match &hook.event {
//!         ConversationsEvent::MessageAdd(message)
//!             if message.body.as_deref().is_some_and(|b| b.contains("spam")) =>
//!         {
//!             PreEventReply::reject()
//!         }
//!         ConversationsEvent::MessageAdd(message) => {
//!             PreEventReply::allow().body(message.body.as_deref().unwrap_or_default().trim())
//!         }
//!         _ => PreEventReply::allow(),
//!     };
//!     match hook.event.pre_event() {
//!         Some(pre) => reply.render(pre).unwrap_or_else(|_| HttpReply::acknowledge()),
//!         None => HttpReply::acknowledge(),
//!     }
//! }
//!
//! let verifier = WebhookVerifier::new("auth token", UrlSource::public("https://chat.example.com").unwrap());
//! let unsigned = WebhookRequest::new("POST", "/hooks/conversations", b"EventType=onMessageAdd&Body=hi");
//! assert_eq!(handle(&verifier, &unsigned).status, 403);
//!
//! // Read as Twilio sends it:
//! let hook = ConversationsWebhook::from_form(
//!     b"EventType=onMessageAdded&ChatServiceSid=IS1&ConversationSid=CH1&MessageSid=IM1&Index=3&Body=hi&Author=alice",
//! )
//! .unwrap();
//! let ConversationsEvent::MessageAdded(message) = &hook.event else { panic!("not a message") };
//! assert_eq!((message.index, message.author.as_deref()), (Some(3), Some("alice")));
//! assert_eq!(hook.common.chat_service_sid.as_deref(), Some("IS1"));
//! ```

#[path = "generated/webhook.rs"]
#[rustfmt::skip]
mod generated;

pub use generated::{
    Common, ConversationEvent, ConversationStateEvent, ConversationsEvent, ConversationsWebhook,
    DeliveryEvent, Field, MessageEvent, MessagingBinding, ParticipantEvent, PreEvent,
    PreEventReply, UserEvent,
};
pub use twilio_conversations_v1_models::{
    ConversationMessageReceiptDeliveryStatus, ConversationState, WebhookSource,
};
pub use twilio_rest_runtime::webhook::{Attributes, EventError, HttpReply, ReplyError, Timestamp};

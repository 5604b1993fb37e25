//! Chat v2 webhooks: typed events and pre-event replies.
//!
//! A Chat service calls its pre-event URL before an action (`onMessageSend`, `onChannelAdd`, ...) and waits for
//! the answer, and its post-event URL after one (`onMessageSent`, `onChannelDestroyed`, ...), including for REST
//! calls sent with `X-Twilio-Webhook-Enabled: true`; channel-scoped webhooks add `WebhookSid` and `WebhookType`.
//! Verify each request first with [`twilio_rest_runtime::webhook::WebhookVerifier`] (signature, public URL behind
//! proxies, body limit), read it with [`ChatWebhook::from_verified`], and answer pre-events with
//! [`PreEventReply`] (post-events with [`HttpReply::acknowledge`]).
//!
//! ```
//! use twilio_chat_v2::runtime::webhook::{UrlSource, WebhookRequest, WebhookVerifier};
//! use twilio_chat_v2::webhook::{ChatEvent, ChatWebhook, HttpReply, PreEventReply};
//!
//! fn handle(verifier: &WebhookVerifier, request: &WebhookRequest<'_>) -> HttpReply {
//!     let verified = match verifier.verify(request) {
//!         Ok(verified) => verified,
//!         Err(rejection) => {
//!             return HttpReply { status: rejection.status(), headers: vec![], body: vec![] };
//!         }
//!     };
//!     let Ok(hook) = ChatWebhook::from_verified(verified) else {
//!         return HttpReply { status: 400, headers: vec![], body: vec![] };
//!     };
//!     let reply = match &hook.event {
//!         ChatEvent::MessageSend(message) if message.body.as_deref().is_some_and(|b| b.contains("spam")) => {
//!             PreEventReply::reject()
//!         }
//!         ChatEvent::MessageSend(message) => {
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
//! let unsigned = WebhookRequest::new("POST", "/hooks/chat", b"EventType=onMessageSend&Body=hi");
//! assert_eq!(handle(&verifier, &unsigned).status, 403);
//! ```

#[path = "generated/webhook.rs"]
#[rustfmt::skip]
mod generated;

pub use generated::{
    ChannelEvent, ChatEvent, ChatWebhook, Common, Field, Media, MemberEvent, MessageEvent,
    PreEvent, PreEventReply, UserEvent,
};
pub use twilio_chat_v2_models::{ChannelType, ChannelWebhookType, WebhookSource};
pub use twilio_rest_runtime::webhook::{Attributes, EventError, HttpReply, ReplyError, Timestamp};

//! The form-encoded operations of the runtime benchmark, `CreateMessage` (7 parameters) and `UpdateService` (33
//! pairs): built with every parameter through the generated setters, their encoding timed against
//! `url::form_urlencoded` (the `encode.*` rows), and the check that the body the generated client really sends,
//! its `into_request` form and the hand-written encoder decode to the same pairs.

use crate::{Plan, generated_client};
use bench::fixtures::{self, CHANNEL_SID, SERVICE_SID};
use bench::hand;
use bench::stats::{report, report_pair, report_text, time_ns, time_pair_ns};
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use twilio_chat_v2::Client;
use twilio_chat_v2::models;
use twilio_chat_v2::runtime::{Exchange, Observer};

/// The resource list `CreateMessage` is called on (client, service and channel navigation).
fn messages_of(client: &Client) -> twilio_chat_v2::MessageList {
    client
        .service(&models::ServiceSid::from_wire(SERVICE_SID))
        .channel(CHANNEL_SID)
        .messages()
}

/// `CreateMessage` with every parameter set through the generated setters.
fn create_message_on(
    messages: &twilio_chat_v2::MessageList,
    input: &fixtures::CreateMessageInput,
) -> twilio_chat_v2::CreateMessage {
    messages
        .create()
        .webhook_enabled(models::WebhookEnabledType::True)
        .from(input.from)
        .attributes(input.attributes)
        .date_created(input.date_created)
        .date_updated(input.date_updated)
        .last_updated_by(input.last_updated_by)
        .body(input.body)
        .media_sid(input.media_sid)
}

pub(crate) fn create_message_builder(client: &Client) -> twilio_chat_v2::CreateMessage {
    create_message_on(&messages_of(client), &fixtures::create_message_input())
}

/// The service context `UpdateService` is called on.
fn service_of(client: &Client) -> twilio_chat_v2::ServiceContext {
    client.service(&models::ServiceSid::from_wire(SERVICE_SID))
}

pub(crate) fn update_service_builder(client: &Client) -> twilio_chat_v2::UpdateService {
    update_service_on(&service_of(client), &fixtures::update_service_input())
}

/// `UpdateService` with every parameter set through the generated setters.
fn update_service_on(
    service: &twilio_chat_v2::ServiceContext,
    input: &fixtures::UpdateServiceInput,
) -> twilio_chat_v2::UpdateService {
    let [
        friendly_name,
        service_role,
        channel_role,
        creator_role,
        new_message_template,
        new_message_sound,
        added_template,
        added_sound,
        removed_template,
        removed_sound,
        invited_template,
        invited_sound,
        pre_url,
        post_url,
        media_message,
    ] = input.texts.map(|(_, v)| v);
    let [
        read_status,
        reachability,
        new_message,
        badge_count,
        added,
        removed,
        invited,
        log,
    ] = input.bools.map(|(_, v)| v);
    let [
        typing,
        consumption,
        members,
        user_channels,
        pre_retry,
        post_retry,
    ] = input.ints.map(|(_, v)| v);
    service
        .update()
        .friendly_name(friendly_name)
        .default_service_role_sid(service_role)
        .default_channel_role_sid(channel_role)
        .default_channel_creator_role_sid(creator_role)
        .read_status_enabled(read_status)
        .reachability_enabled(reachability)
        .typing_indicator_timeout(typing)
        .consumption_report_interval(consumption)
        .notifications_new_message_enabled(new_message)
        .notifications_new_message_template(new_message_template)
        .notifications_new_message_sound(new_message_sound)
        .notifications_new_message_badge_count_enabled(badge_count)
        .notifications_added_to_channel_enabled(added)
        .notifications_added_to_channel_template(added_template)
        .notifications_added_to_channel_sound(added_sound)
        .notifications_removed_from_channel_enabled(removed)
        .notifications_removed_from_channel_template(removed_template)
        .notifications_removed_from_channel_sound(removed_sound)
        .notifications_invited_to_channel_enabled(invited)
        .notifications_invited_to_channel_template(invited_template)
        .notifications_invited_to_channel_sound(invited_sound)
        .pre_webhook_url(pre_url)
        .post_webhook_url(post_url)
        .webhook_method(models::UpdateServiceWebhookMethod::Post)
        .webhook_filters(input.webhook_filters)
        .limits_channel_members(members)
        .limits_user_channels(user_channels)
        .media_compatibility_message(media_message)
        .pre_webhook_retry_count(pre_retry)
        .post_webhook_retry_count(post_retry)
        .notifications_log_enabled(log)
}

/// Form encoding, without HTTP, against the hand-written `url::form_urlencoded` encoder, interleaved sample by
/// sample. The generated side sets every parameter through the generated setters (value to wire text, dates
/// included) on a resource list navigated to beforehand, builds the request (`into_request`, the runtime's one
/// table-driven assembly) and takes its encoded form body; both sides read the same prebuilt input. The
/// navigation (`client.service(..).channel(..).messages()`) is timed on its own row.
pub(crate) fn encode(plan: Plan, client: &Client) {
    let create = fixtures::create_message_input();
    encode_rows(
        plan,
        "create_message",
        || messages_of(black_box(client)),
        |messages| create_message_on(black_box(messages), black_box(&create)),
        |builder| builder.into_request().form_text(),
        || hand::encode_create_message(black_box(&create)),
    );
    let update = fixtures::update_service_input();
    encode_rows(
        plan,
        "update_service",
        || service_of(black_box(client)),
        |service| update_service_on(black_box(service), black_box(&update)),
        |builder| builder.into_request().form_text(),
        || hand::encode_update_service(black_box(&update)),
    );
}

/// The rows of one operation: `navigate` timed alone; `set` (the setters, on what `navigate` returned) alone;
/// `set` then `finish` (request and form text) interleaved with `hand`.
fn encode_rows<N, B>(
    plan: Plan,
    op: &str,
    navigate: impl Fn() -> N,
    set: impl Fn(&N) -> B,
    finish: impl Fn(B) -> Option<String>,
    hand: impl Fn() -> String,
) {
    let (warmup, batch) = (2000 * plan.scale, 1000 * plan.scale);
    let navigation_ns = time_ns(warmup, plan.samples, batch, &navigate);
    let target = navigate();
    let builder_ns = time_ns(warmup, plan.samples, batch, || set(&target));
    let pair = time_pair_ns(warmup, plan.samples, batch, || finish(set(&target)), hand);
    report(&format!("encode.{op}.navigation"), navigation_ns, "ns");
    report(&format!("encode.{op}.generated_builder"), builder_ns, "ns");
    report(
        &format!("encode.{op}.generated_params"),
        pair.a_ns - builder_ns,
        "ns",
    );
    report(&format!("encode.{op}.generated_total"), pair.a_ns, "ns");
    report_pair(&format!("encode.{op}"), pair, 1.0, "ns");
}

/// Records request bodies.
#[derive(Debug, Default)]
pub(crate) struct Capture {
    bodies: Mutex<Vec<String>>,
}

impl Observer for Capture {
    fn on_exchange(&self, exchange: &Exchange) {
        if let (Some(body), Ok(mut bodies)) = (&exchange.request_body, self.bodies.lock()) {
            bodies.push(body.clone());
        }
    }
}

fn pairs(form: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(form.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Checks that the generated client really sends the form its `into_request` encodes and the hand-written encoder
/// produces (same pairs after decoding), so the encoding benchmarks compare the same work.
pub(crate) fn verify_forms(rt: &tokio::runtime::Runtime, base: &str) -> Result<(), String> {
    let capture = Arc::new(Capture::default());
    let client = generated_client(base, Some(Arc::clone(&capture)))?;
    rt.block_on(async {
        create_message_builder(&client).await.map(|_| ())?;
        update_service_builder(&client).await.map(|_| ())
    })
    .map_err(|e| format!("verification request failed: {e}"))?;
    let bodies = capture
        .bodies
        .lock()
        .map_err(|_| "capture lock poisoned".to_owned())?
        .clone();
    let [sent_create, sent_update] = bodies.as_slice() else {
        return Err(format!("expected 2 request bodies, saw {}", bodies.len()));
    };
    let create = fixtures::create_message_input();
    let update = fixtures::update_service_input();
    for (what, sent, mirror, handwritten) in [
        (
            "CreateMessage",
            sent_create,
            create_message_builder(&client)
                .into_request()
                .form_text()
                .unwrap_or_default(),
            hand::encode_create_message(&create),
        ),
        (
            "UpdateService",
            sent_update,
            update_service_builder(&client)
                .into_request()
                .form_text()
                .unwrap_or_default(),
            hand::encode_update_service(&update),
        ),
    ] {
        if pairs(sent) != pairs(&mirror) || pairs(sent) != pairs(&handwritten) {
            return Err(format!(
                "{what}: the forms differ\n  sent by the generated client: {sent}\n  into_request: {mirror}\n  hand-written: {handwritten}"
            ));
        }
        report_text(
            &format!("verified.{what}"),
            &format!("{} pairs, {} bytes sent", pairs(sent).len(), sent.len()),
        );
    }
    Ok(())
}

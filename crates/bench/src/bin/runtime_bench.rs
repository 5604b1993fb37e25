//! Runtime cost of the generated client (`twilio-chat-v2`) against the hand-written reqwest + serde client of
//! [`bench::hand`], on the same data: decoding a 100-message page, form-encoding `CreateMessage` and
//! `UpdateService` with every parameter set, sending them, streaming 50 pages of 100 messages from a loopback
//! server, and the peak memory (VmHWM) of streaming 10 versus 100 pages in child processes.
//!
//! `runtime_bench [--quick]` prints JSON result lines (see [`bench::stats::report`]); `runtime_bench --encode
//! [--quick]` runs only the form encoding rows; `runtime_bench --decode [--quick]` only the page decoding rows; `runtime_bench --child-stream
//! generated|hand BASE_URL` is the child mode used for the memory measurement.
//!
//! Also the peak memory of receiving an oversized body: a loopback server streams a 256 MiB chunked body, the
//! client (default 32 MiB limit) must stop at the limit. `runtime_bench --oversized` runs only that measurement;
//! `--child-oversized plain|observer BASE_URL` is its child mode. And the memory of decoding one very large page
//! (40,000 messages, about 30 MB of JSON, just under the limit): `--page-memory`, child mode `--child-page-memory`.

use bench::fixtures::{self, ACCOUNT_SID, AUTH_TOKEN, CHANNEL_SID, SERVICE_SID};
use bench::hand;
use bench::server::Server;
use bench::stats::{report, report_pair, report_text, time_ns, time_pair_ns};
use futures_util::StreamExt as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use twilio_chat_v2::models;
use twilio_chat_v2::runtime::{Exchange, Observer};
use twilio_chat_v2::{Client, Credentials};

/// Pages of the streaming benchmark.
const STREAM_PAGES: usize = 50;

#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Samples of each measurement (the median is reported).
    samples: usize,
    /// Scale of warm-up runs and batch sizes.
    scale: usize,
}

fn main() -> ExitCode {
    bench::main_with("runtime_bench", |first, rest| match first {
        Some("--child-stream") => child_stream(rest),
        Some("--child-oversized") => child_oversized(rest),
        Some("--oversized") => oversized_memory(),
        Some("--child-page-memory") => child_page_memory(),
        Some("--page-memory") => page_memory(),
        Some("--encode") => encode_only(rest),
        Some("--decode") => decode_only(rest),
        Some("--quick") => run(Plan {
            samples: 7,
            scale: 1,
        }),
        None => run(Plan {
            samples: 21,
            scale: 3,
        }),
        Some(other) => bench::unknown_argument(
            other,
            "--quick, --encode [--quick], --decode [--quick] or nothing",
        ),
    })
}

fn generated_client(base_url: &str, observer: Option<Arc<Capture>>) -> Result<Client, String> {
    let credentials =
        Credentials::auth_token(ACCOUNT_SID, AUTH_TOKEN).map_err(|e| e.to_string())?;
    let mut builder = Client::builder()
        .credentials(credentials)
        .base_url(base_url)
        .allow_insecure_http(true);
    if let Some(observer) = observer {
        builder = builder.observer(observer);
    }
    builder.build().map_err(|e| e.to_string())
}

fn hand_client(base_url: &str) -> Result<hand::Client, String> {
    hand::Client::new(base_url).map_err(|e| format!("{e:?}"))
}

fn run(plan: Plan) -> Result<(), String> {
    let server = Server::start(STREAM_PAGES).map_err(|e| format!("loopback server: {e}"))?;
    let base = server.base_url().to_owned();
    let rt = bench::runtime()?;
    let generated = generated_client(&base, None)?;
    let handwritten = hand_client(&base)?;
    verify_forms(&rt, &base)?;

    decode(plan);
    encode(plan, &generated);
    send(plan, &rt, &generated, &handwritten)?;
    stream(plan, &rt, &generated, &handwritten)?;
    drop(server);
    peak_memory()?;
    oversized_memory()?;
    page_memory()?;
    Ok(())
}

/// The plan of `--encode` and `--decode`: full, or `--quick`.
fn plan_of(mode: &str, rest: &[String]) -> Result<Plan, String> {
    match rest {
        [] => Ok(Plan {
            samples: 21,
            scale: 3,
        }),
        [quick] if quick == "--quick" => Ok(Plan {
            samples: 7,
            scale: 1,
        }),
        _ => Err(format!("{mode} takes only --quick (got {rest:?})")),
    }
}

/// `--encode [--quick]`: only the form encoding rows (no server, no HTTP).
fn encode_only(rest: &[String]) -> Result<(), String> {
    let plan = plan_of("--encode", rest)?;
    let client = generated_client("http://127.0.0.1:9", None)?;
    encode(plan, &client);
    Ok(())
}

/// `--decode [--quick]`: only the page decoding rows (no server, no HTTP).
fn decode_only(rest: &[String]) -> Result<(), String> {
    decode(plan_of("--decode", rest)?);
    Ok(())
}

/// Decoding one 100-message page, without HTTP.
fn decode(plan: Plan) {
    let body = fixtures::page_body("http://127.0.0.1:1", 3, 50);
    let (warmup, batch) = (10 * plan.scale, 5 * plan.scale);
    report("page_bytes", body.len() as f64, "bytes");
    let models_ns = time_ns(warmup, plan.samples, batch, || {
        serde_json::from_slice::<models::MessagePage>(black_box(&body)).map(|p| p.messages)
    });
    report("decode.generated_models", models_ns / 1e3, "us");
    // The runtime's own page decoding, as `Client::execute_page` runs it (the body checked as UTF-8 once, the top
    // level read as raw slices, the records decoded from their text; a failure names its JSON path).
    let base_url = url::Url::parse("http://127.0.0.1:1").expect("static URL");
    let runtime_path_ns = time_ns(warmup, plan.samples, batch, || {
        twilio_rest_runtime::decode_page::<models::Message>(
            "ListMessage",
            black_box(&body),
            &base_url,
            None,
        )
        .map(|(records, _)| records)
        .unwrap_or_default()
    });
    report("decode.runtime_path", runtime_path_ns / 1e3, "us");
    // The same page without its records: the top level and `meta` only.
    let mut empty: serde_json::Value = serde_json::from_slice(&body).expect("fixture page is JSON");
    empty["messages"] = serde_json::Value::Array(Vec::new());
    let empty = serde_json::to_vec(&empty).expect("JSON value");
    let empty_page_ns = time_ns(warmup * 100, plan.samples, batch * 100, || {
        twilio_rest_runtime::decode_page::<models::Message>(
            "ListMessage",
            black_box(&empty),
            &base_url,
            None,
        )
        .map(|(_, meta)| meta)
        .unwrap_or_default()
    });
    report("decode.runtime_path_no_records", empty_page_ns, "ns");
    let value_only_ns = time_ns(warmup, plan.samples, batch, || {
        serde_json::from_slice::<serde_json::Value>(black_box(&body)).is_ok()
    });
    report("decode.value_tree_only", value_only_ns / 1e3, "us");
    let hand_ns = time_ns(warmup, plan.samples, batch, || {
        serde_json::from_slice::<hand::MessagePage>(black_box(&body)).map(|p| p.messages)
    });
    report("decode.hand", hand_ns / 1e3, "us");
}

/// The resource list `CreateMessage` is called on (client, service and channel navigation).
fn messages_of(client: &Client) -> twilio_chat_v2::MessageList {
    client.service(SERVICE_SID).channel(CHANNEL_SID).messages()
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

fn create_message_builder(client: &Client) -> twilio_chat_v2::CreateMessage {
    create_message_on(&messages_of(client), &fixtures::create_message_input())
}

/// The service context `UpdateService` is called on.
fn service_of(client: &Client) -> twilio_chat_v2::ServiceContext {
    client.service(SERVICE_SID)
}

fn update_service_builder(client: &Client) -> twilio_chat_v2::UpdateService {
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
fn encode(plan: Plan, client: &Client) {
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

/// Whole requests over loopback: one page fetched and decoded, `CreateMessage` and `UpdateService` sent.
fn send(
    plan: Plan,
    rt: &tokio::runtime::Runtime,
    generated: &Client,
    handwritten: &hand::Client,
) -> Result<(), String> {
    // Batches of a few milliseconds, so one scheduling hiccup of this 2-core machine does not decide a sample.
    let (warmup, batch) = (50 * plan.scale, 40 * plan.scale);
    let first_page = fixtures::page_url(handwritten_base(generated), 0);
    // Interleaved like the sends below: both clients see the same machine load.
    let pair = time_pair_ns(
        warmup,
        plan.samples,
        batch,
        || {
            rt.block_on(async {
                generated
                    .service(SERVICE_SID)
                    .channel(CHANNEL_SID)
                    .messages()
                    .list()
                    .page_size(fixtures::PAGE_SIZE as i64)
                    .send()
                    .await
                    .map(|page| page.records.len())
            })
        },
        || {
            rt.block_on(async {
                handwritten
                    .message_page(&first_page)
                    .await
                    .map(|p| p.messages.len())
            })
        },
    );
    report_pair("fetch_page", pair, 1e3, "us");

    // Interleaved sample by sample, so both clients see the same machine load; the ratio's spread is reported.
    let create = fixtures::create_message_input();
    let pair = time_pair_ns(
        warmup,
        plan.samples,
        batch,
        || rt.block_on(async { create_message_builder(generated).await.is_ok() }),
        || rt.block_on(async { handwritten.create_message(&create).await.is_ok() }),
    );
    report_pair("send.create_message", pair, 1e3, "us");

    let update = fixtures::update_service_input();
    let pair = time_pair_ns(
        warmup,
        plan.samples,
        batch,
        || rt.block_on(async { update_service_builder(generated).await.is_ok() }),
        || rt.block_on(async { handwritten.update_service(&update).await.is_ok() }),
    );
    report_pair("send.update_service", pair, 1e3, "us");

    // One more of each, checked, so a silently failing request cannot produce a fast number.
    rt.block_on(async {
        create_message_builder(generated)
            .await
            .map_err(|e| format!("generated CreateMessage failed: {e}"))?;
        update_service_builder(generated)
            .await
            .map_err(|e| format!("generated UpdateService failed: {e}"))?;
        handwritten
            .create_message(&create)
            .await
            .map_err(|e| format!("hand-written create_message failed: {e:?}"))?;
        handwritten
            .update_service(&update)
            .await
            .map_err(|e| format!("hand-written update_service failed: {e:?}"))?;
        Ok::<(), String>(())
    })
}

fn handwritten_base(generated: &Client) -> &str {
    generated
        .runtime()
        .base_url()
        .as_str()
        .trim_end_matches('/')
}

async fn stream_generated(client: &Client) -> Result<u64, String> {
    let mut messages = client
        .service(SERVICE_SID)
        .channel(CHANNEL_SID)
        .messages()
        .list()
        .page_size(fixtures::PAGE_SIZE as i64)
        .stream();
    let mut seen = 0;
    while let Some(message) = messages.next().await {
        black_box(message.map_err(|e| e.to_string())?);
        seen += 1;
    }
    Ok(seen)
}

async fn stream_hand(client: &hand::Client) -> Result<u64, String> {
    client
        .for_each_message(|m| {
            black_box(m);
        })
        .await
        .map_err(|e| format!("{e:?}"))
}

/// Streaming every message of 50 pages x 100 messages.
fn stream(
    plan: Plan,
    rt: &tokio::runtime::Runtime,
    generated: &Client,
    handwritten: &hand::Client,
) -> Result<(), String> {
    let expected = (STREAM_PAGES * fixtures::PAGE_SIZE) as u64;
    for (what, seen) in [
        ("generated", rt.block_on(stream_generated(generated))?),
        ("hand-written", rt.block_on(stream_hand(handwritten))?),
    ] {
        if seen != expected {
            return Err(format!(
                "{what} stream saw {seen} messages, expected {expected}"
            ));
        }
    }
    let samples = (plan.samples / 2).max(3) | 1;
    let generated_ns = time_ns(2, samples, 1, || rt.block_on(stream_generated(generated)));
    let hand_ns = time_ns(2, samples, 1, || rt.block_on(stream_hand(handwritten)));
    report("stream_50x100.generated", generated_ns / 1e6, "ms");
    report("stream_50x100.hand", hand_ns / 1e6, "ms");
    Ok(())
}

/// Peak resident memory (VmHWM) of a child process streaming 10 and 100 pages, for both clients.
fn peak_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    for pages in [10_usize, 100] {
        let server = Server::start(pages).map_err(|e| format!("loopback server: {e}"))?;
        for kind in ["generated", "hand"] {
            let output = std::process::Command::new(&exe)
                .args(["--child-stream", kind, server.base_url()])
                .output()
                .map_err(|e| format!("child process: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "child `{kind}` streaming {pages} pages failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
            let text = String::from_utf8_lossy(&output.stdout);
            let (seen, kb) = text
                .trim()
                .split_once(' ')
                .and_then(|(seen, kb)| Some((seen.parse::<u64>().ok()?, kb.parse::<f64>().ok()?)))
                .ok_or_else(|| format!("child `{kind}` printed `{}`", text.trim()))?;
            if seen != (pages * fixtures::PAGE_SIZE) as u64 {
                return Err(format!(
                    "child `{kind}` streamed {seen} messages over {pages} pages"
                ));
            }
            report(&format!("peak_rss.{kind}.{pages}_pages"), kb, "KiB");
        }
    }
    Ok(())
}

/// Child mode: stream every page from BASE_URL with one client, then print `<messages> <VmHWM KiB>`.
fn child_stream(args: &[String]) -> Result<(), String> {
    let [kind, base] = args else {
        return Err("--child-stream needs KIND BASE_URL".to_owned());
    };
    let rt = bench::runtime()?;
    let seen = match kind.as_str() {
        "generated" => rt.block_on(stream_generated(&generated_client(base, None)?))?,
        "hand" => rt.block_on(stream_hand(&hand_client(base)?))?,
        other => return Err(format!("unknown client `{other}`")),
    };
    let hwm = bench::vm_hwm()?;
    println!("{seen} {hwm}");
    Ok(())
}

/// Records request bodies.
#[derive(Debug, Default)]
struct Capture {
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
fn verify_forms(rt: &tokio::runtime::Runtime, base: &str) -> Result<(), String> {
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

/// Size of the body the oversized-body server streams.
const OVERSIZED_BYTES: u64 = 256 * 1024 * 1024;

/// Peak resident memory (VmHWM) of a child process receiving a 256 MiB body under the default 32 MiB limit,
/// without and with an observer.
fn oversized_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let server = OversizedServer::start().map_err(|e| format!("loopback server: {e}"))?;
    for mode in ["plain", "observer"] {
        let output = std::process::Command::new(&exe)
            .args(["--child-oversized", mode, &server.base_url])
            .output()
            .map_err(|e| format!("child process: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "child `{mode}` receiving an oversized body failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let kb = text
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("child `{mode}` printed `{}`", text.trim()))?;
        report(&format!("peak_rss.oversized_body.{mode}"), kb, "KiB");
    }
    report(
        "oversized_body.limit",
        (twilio_chat_v2::runtime::DEFAULT_MAX_RESPONSE_BYTES / 1024) as f64,
        "KiB",
    );
    Ok(())
}

/// Child mode: fetch the oversized body once, require the size error, print VmHWM in KiB.
fn child_oversized(args: &[String]) -> Result<(), String> {
    let [mode, base] = args else {
        return Err("--child-oversized needs MODE BASE_URL".to_owned());
    };
    let observer = match mode.as_str() {
        "plain" => None,
        "observer" => Some(Arc::new(Capture::default())),
        other => return Err(format!("unknown mode `{other}`")),
    };
    let credentials =
        Credentials::auth_token(ACCOUNT_SID, AUTH_TOKEN).map_err(|e| e.to_string())?;
    let mut builder = twilio_chat_v2::runtime::Client::builder("https://chat.twilio.com")
        .credentials(credentials)
        .base_url(base.as_str())
        .allow_insecure_http(true);
    if let Some(observer) = observer {
        builder = builder.observer(observer);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let request = twilio_chat_v2::runtime::Request::new(
        twilio_chat_v2::runtime::Method::GET,
        "FetchService",
        format!("/v2/Services/{SERVICE_SID}"),
    );
    let rt = bench::runtime()?;
    let outcome = rt.block_on(client.execute::<serde_json::Value>(request));
    match outcome {
        Err(e) if e.kind() == twilio_chat_v2::runtime::ErrorKind::ResponseTooLarge => {}
        Err(e) => return Err(format!("expected a size error, got: {e}")),
        Ok(_) => return Err("a 256 MiB body was accepted".to_owned()),
    }
    let hwm = bench::vm_hwm()?;
    println!("{hwm}");
    Ok(())
}

/// A loopback server answering every request with a 256 MiB chunked JSON string, streamed (never held in
/// memory); it stops when dropped.
struct OversizedServer {
    base_url: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OversizedServer {
    fn start() -> std::io::Result<Self> {
        use std::io::{Read as _, Write as _};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let idle_until = std::time::Instant::now() + bench::server::IDLE_LIMIT;
            while !thread_stop.load(Ordering::SeqCst) && std::time::Instant::now() < idle_until {
                let Ok((mut socket, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                let _ = socket.set_nonblocking(false);
                let mut head = Vec::new();
                let mut buf = [0_u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let chunk_len = 64 * 1024;
                let mut chunk = format!("{chunk_len:x}\r\n").into_bytes();
                chunk.extend(std::iter::repeat_n(b'a', chunk_len));
                chunk.extend_from_slice(b"\r\n");
                let mut sent = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n1\r\n\"\r\n")
                    .is_ok();
                let mut written = 0_u64;
                while sent && written < OVERSIZED_BYTES {
                    sent = socket.write_all(&chunk).is_ok();
                    written += chunk_len as u64;
                }
                if sent {
                    let _ = socket.write_all(b"1\r\n\"\r\n0\r\n\r\n");
                }
            }
        });
        Ok(Self {
            base_url,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for OversizedServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Messages in the large page of the page-memory measurement.
const LARGE_PAGE_RECORDS: usize = 40_000;

/// Peak resident memory of decoding one large page as `Client::execute_page` does, in a child process: the body
/// size, the peak before decoding (body in memory) and the peak after (body and records together).
fn page_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let output = std::process::Command::new(&exe)
        .arg("--child-page-memory")
        .output()
        .map_err(|e| format!("child process: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "child decoding a large page failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [bytes, before, after] = numbers.as_slice() else {
        return Err(format!("child printed `{}`", text.trim()));
    };
    report("page_memory.body", bytes / 1024.0, "KiB");
    report("page_memory.peak_before_decode", *before, "KiB");
    report("page_memory.peak_after_decode", *after, "KiB");
    // Memory the decoded records add, per byte of JSON.
    report(
        "page_memory.records_per_body_byte",
        (after - before) * 1024.0 / bytes,
        "x",
    );
    Ok(())
}

/// Child mode: build one page of [`LARGE_PAGE_RECORDS`] messages, decode it with the runtime's page decoder,
/// print `<body bytes> <VmHWM before decoding KiB> <VmHWM after KiB>`.
fn child_page_memory() -> Result<(), String> {
    let base = "http://127.0.0.1:1";
    let mut body = Vec::with_capacity(LARGE_PAGE_RECORDS * 800);
    body.extend_from_slice(b"{\"messages\": [");
    for index in 0..LARGE_PAGE_RECORDS {
        if index > 0 {
            body.push(b',');
        }
        serde_json::to_writer(&mut body, &fixtures::message(base, index))
            .map_err(|e| e.to_string())?;
    }
    body.extend_from_slice(b"], \"meta\": {\"key\": \"messages\", \"page\": 0}}");
    body.shrink_to_fit();
    let before = bench::vm_hwm()?;
    let base_url = url::Url::parse(base).map_err(|e| e.to_string())?;
    let (records, _) =
        twilio_rest_runtime::decode_page::<models::Message>("ListMessage", &body, &base_url, None)
            .map_err(|e| e.to_string())?;
    let after = bench::vm_hwm()?;
    if records.len() != LARGE_PAGE_RECORDS {
        return Err(format!("decoded {} records", records.len()));
    }
    println!("{} {before} {after}", body.len());
    Ok(())
}

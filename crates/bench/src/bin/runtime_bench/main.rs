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
//!
//! This file owns the command line, the clients and the decoding, sending and streaming rows; `encode` owns the
//! two form-encoded operations (built with every parameter, their encoding timed, the bodies sent checked), and
//! `memory` the peak-memory measurements and their child modes.

mod encode;
mod memory;

use bench::fixtures::{self, ACCOUNT_SID, AUTH_TOKEN, CHANNEL_SID, SERVICE_SID};
use bench::hand;
use bench::server::Server;
use bench::stats::{report, report_pair, time_ns, time_pair_ns};
use encode::{Capture, create_message_builder, encode, update_service_builder, verify_forms};
use futures_util::StreamExt as _;
use memory::{
    child_oversized, child_page_memory, child_stream, oversized_memory, page_memory, peak_memory,
};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use twilio_chat_v2::models;
use twilio_chat_v2::{Client, Credentials};

/// Pages of the streaming benchmark.
const STREAM_PAGES: usize = 50;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Samples of each measurement (the median is reported).
    pub(crate) samples: usize,
    /// Scale of warm-up runs and batch sizes.
    pub(crate) scale: usize,
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

pub(crate) fn generated_client(
    base_url: &str,
    observer: Option<Arc<Capture>>,
) -> Result<Client, String> {
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

pub(crate) fn hand_client(base_url: &str) -> Result<hand::Client, String> {
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
        twilio_rest_runtime::__private::decode_page::<models::Message>(
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
        twilio_rest_runtime::__private::decode_page::<models::Message>(
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
                    .service(&models::ServiceSid::from_wire(SERVICE_SID))
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

pub(crate) async fn stream_generated(client: &Client) -> Result<u64, String> {
    let mut messages = client
        .service(&models::ServiceSid::from_wire(SERVICE_SID))
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

pub(crate) async fn stream_hand(client: &hand::Client) -> Result<u64, String> {
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

//! The table of `cargo xtask bench`: one row per measurement (what, ours, baseline, ratio, target, status) from
//! the results of a run, with the number formats and the target checks the rows share. The rows of each compared
//! product (codegen, generated lines, crate-only builds) are in `generator_rows`; the rest are here.

use super::generator_rows::product_rows;
use super::local::{local_load_rows, local_memory_rows};
use super::{COMPARED, Results, key};
use std::fmt::Write as _;

/// The cells of one row: what, generated / ours, baseline, ratio, target, status.
pub(super) type Row = [String; 6];

/// `ours / baseline`, when both are measured and the baseline is positive.
pub(super) fn ratio(ours: Option<f64>, baseline: Option<f64>) -> Option<f64> {
    match (ours, baseline) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// `met` or `missed by N%` for "ratio at most `limit`".
pub(super) fn at_most(value: Option<f64>, limit: f64) -> String {
    match value {
        None => "not measured".into(),
        Some(v) if v <= limit => "met".into(),
        Some(v) => format!("**missed** by {:.0}%", (v / limit - 1.0) * 100.0),
    }
}

/// `met` or `missed by N%` for "value under `limit`".
pub(super) fn under(value: Option<f64>, limit: f64) -> String {
    match value {
        None => "not measured".into(),
        Some(v) if v < limit => "met".into(),
        Some(v) => format!("**missed** by {:.0}%", (v / limit - 1.0) * 100.0),
    }
}

/// `met` or `missed by N%` for "value at least `limit`" (N: how far below the limit, in % of it).
pub(super) fn at_least(value: Option<f64>, limit: f64) -> String {
    match value {
        None => "not measured".into(),
        Some(v) if v >= limit => "met".into(),
        Some(v) => format!("**missed** by {:.0}%", (1.0 - v / limit) * 100.0),
    }
}

/// `value` with its `unit` and `digits` decimals, or `—` when it was not measured.
pub(super) fn num(value: Option<f64>, unit: &str, digits: usize) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.digits$} {unit}"))
}

/// A ratio with the range of its per-sample ratios: `1.03x (0.97x-1.10x)`.
pub(super) fn spread(value: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(low), Some(high)) => format!("{} ({low:.2}x-{high:.2}x)", times(value)),
        _ => times(value),
    }
}

/// A ratio: `1.03x`, or `—` when it was not measured.
pub(super) fn times(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}x"))
}

/// One row from its cells.
pub(super) fn row(
    what: &str,
    ours: String,
    base: String,
    ratio: String,
    target: &str,
    status: String,
) -> Row {
    [
        what.to_owned(),
        ours,
        base,
        ratio,
        target.to_owned(),
        status,
    ]
}

/// A row with a measurement only: no baseline, ratio or target.
pub(super) fn info(what: &str, ours: String) -> Row {
    row(what, ours, String::new(), String::new(), "", String::new())
}

/// The whole table: every compared product's generator and build rows, the cold builds, the runtime, the
/// migration, the local service and the media transfers.
pub(super) fn table(r: &Results) -> String {
    let mut rows: Vec<Row> = COMPARED.iter().flat_map(|c| product_rows(r, c)).collect();
    rows.extend(cold_build_rows(r));
    rows.extend(app_build_rows(r));
    rows.extend(runtime_rows(r));
    rows.extend(memory_rows(r));
    rows.extend(migrate_rows(r));
    rows.extend(local_memory_rows(r));
    rows.extend(local_load_rows(r));
    let mut out = render(&rows);
    out.push_str(&media_rows(r));
    out
}

/// The rows of `runtime_bench`'s requests: decoding a page, fetching it, form-encoding and sending two operations,
/// each against the hand-written client.
#[allow(clippy::too_many_lines)]
fn runtime_rows(r: &Results) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut add =
        |what: &str, ours: String, base: String, ratio: String, target: &str, status: String| {
            rows.push(row(what, ours, base, ratio, target, status));
        };
    let g = |name: &str| r.get(name);
    let hand_decode = g("decode.hand");
    for (name, what, target) in [
        (
            "decode.generated_models",
            "Decode a 100-message page: generated models (`serde_json::from_slice::<MessagePage>`)",
            true,
        ),
        (
            "decode.runtime_path",
            "Decode a 100-message page the way the client does (`twilio_rest_runtime::decode_page`: UTF-8 checked once, raw top level, records straight from their text)",
            true,
        ),
        (
            "decode.value_tree_only",
            "  diagnostic: parsing the page into a `serde_json::Value` tree alone",
            false,
        ),
    ] {
        let x = ratio(g(name), hand_decode);
        add(
            what,
            num(g(name), "µs", 0),
            format!("{} (hand-written struct)", num(hand_decode, "µs", 0)),
            times(x),
            if target { "<= 1.1x" } else { "" },
            if target {
                at_most(x, 1.1)
            } else {
                String::new()
            },
        );
    }
    let x =
        g("fetch_page.ratio").or_else(|| ratio(g("fetch_page.generated"), g("fetch_page.hand")));
    add(
        "Fetch + decode one 100-message page over loopback (`list().page_size(100).send()`; interleaved, median of per-sample ratios)",
        num(g("fetch_page.generated"), "µs", 0),
        format!(
            "{} (reqwest get + from_slice)",
            num(g("fetch_page.hand"), "µs", 0)
        ),
        spread(x, g("fetch_page.ratio_low"), g("fetch_page.ratio_high")),
        "",
        String::new(),
    );
    for (op, label) in [
        ("create_message", "CreateMessage (7 params)"),
        ("update_service", "UpdateService (33 pairs)"),
    ] {
        let total = g(&format!("encode.{op}.generated_total"));
        let hand = g(&format!("encode.{op}.hand"));
        let x = g(&format!("encode.{op}.ratio")).or_else(|| ratio(total, hand));
        add(
            &format!(
                "Form-encode {label}: the operation's builder and every setter + `into_request` + form text (interleaved with the baseline)"
            ),
            format!(
                "{} ({} builder + {} request and encode)",
                num(total, "ns", 0),
                num(g(&format!("encode.{op}.generated_builder")), "ns", 0),
                num(g(&format!("encode.{op}.generated_params")), "ns", 0)
            ),
            format!("{} (url::form_urlencoded)", num(hand, "ns", 0)),
            spread(
                x,
                g(&format!("encode.{op}.ratio_low")),
                g(&format!("encode.{op}.ratio_high")),
            ),
            "<= 1.2x",
            at_most(x, 1.2),
        );
        add(
            "  navigation to the resource before it (`client.service(..)...`), timed alone",
            num(g(&format!("encode.{op}.navigation")), "ns", 0),
            String::new(),
            String::new(),
            "",
            String::new(),
        );
        let sent = g(&format!("send.{op}.generated"));
        let sent_hand = g(&format!("send.{op}.hand"));
        let x = g(&format!("send.{op}.ratio")).or_else(|| ratio(sent, sent_hand));
        add(
            &format!(
                "Send {label} over loopback and decode the answer (interleaved, median of per-sample ratios)"
            ),
            num(sent, "µs", 0),
            num(sent_hand, "µs", 0),
            spread(
                x,
                g(&format!("send.{op}.ratio_low")),
                g(&format!("send.{op}.ratio_high")),
            ),
            "<= 1.05x",
            at_most(x, 1.05),
        );
    }
    rows
}

/// The rows of `migrate_bench`: channels per second of `twilio-chat migrate run` against the local service, at
/// concurrency 1 and 8, with the injected 429 rate in the row.
pub(super) fn migrate_rows(r: &Results) -> Vec<Row> {
    let every = r.get("migrate.throttle_every");
    let channels = r.get("migrate.channels");
    [1, 8]
        .into_iter()
        .map(|c| {
            let what = format!(
                "`twilio-chat migrate run --concurrency {c}` (release) against the local service: {} public \
                 channels turned private (Chat v3) and checked (Conversations v1), 1 request in {} answered 429 \
                 with `Retry-After: 0` (median of {}, fresh service each)",
                num(channels, "", 0).trim_end(),
                num(every, "", 0).trim_end(),
                num(r.get("migrate.samples"), "runs", 0),
            );
            let throttled = r.get(&format!("migrate.c{c}.throttled"));
            info(
                &what,
                format!(
                    "{} ({} 429s in a run)",
                    num(r.get(&format!("migrate.c{c}.channels_per_s")), "channels/s", 0),
                    num(throttled, "", 0).trim_end()
                ),
            )
        })
        .collect()
}

/// The rows of `runtime_bench`'s streaming and memory: the 50-page stream, and the peak memory of streaming,
/// of an oversized body and of decoding one large page.
fn memory_rows(r: &Results) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut add =
        |what: &str, ours: String, base: String, ratio: String, target: &str, status: String| {
            rows.push(row(what, ours, base, ratio, target, status));
        };
    let g = |name: &str| r.get(name);
    let x = ratio(g("stream_50x100.generated"), g("stream_50x100.hand"));
    add(
        "Stream 50 pages x 100 messages from loopback (`.stream()`)",
        num(g("stream_50x100.generated"), "ms", 1),
        format!(
            "{} (hand-written page loop)",
            num(g("stream_50x100.hand"), "ms", 1)
        ),
        times(x),
        "<= 1.1x",
        at_most(x, 1.1),
    );
    let growth = ratio(
        g("peak_rss.generated.100_pages"),
        g("peak_rss.generated.10_pages"),
    );
    add(
        "Peak RSS (VmHWM) streaming 100 pages vs 10 pages, child process",
        format!(
            "{} vs {}",
            num(g("peak_rss.generated.100_pages"), "KiB", 0),
            num(g("peak_rss.generated.10_pages"), "KiB", 0)
        ),
        format!(
            "hand-written: {} vs {}",
            num(g("peak_rss.hand.100_pages"), "KiB", 0),
            num(g("peak_rss.hand.10_pages"), "KiB", 0)
        ),
        times(growth),
        "within 10% (<= 1.10x)",
        at_most(growth, 1.1),
    );
    // Receiving a 256 MiB body: the default limit (32 MiB) bounds the memory, whatever the body's size; the
    // process's own baseline (runtime, TLS, allocator) comes on top.
    let oversized = ratio(
        g("peak_rss.oversized_body.plain"),
        g("oversized_body.limit"),
    );
    add(
        "Peak RSS (VmHWM) receiving a 256 MiB body, refused at the default limit, child process",
        format!(
            "{} ({} with an observer)",
            num(g("peak_rss.oversized_body.plain"), "KiB", 0),
            num(g("peak_rss.oversized_body.observer"), "KiB", 0)
        ),
        format!("limit {}", num(g("oversized_body.limit"), "KiB", 0)),
        times(oversized),
        "bounded by the limit (<= 1.5x the limit)",
        at_most(oversized, 1.5),
    );
    let per_byte = g("page_memory.records_per_body_byte");
    add(
        "Memory of decoding one 40,000-message page (records added per byte of JSON body), child process",
        format!(
            "peak {} after decoding, {} before",
            num(g("page_memory.peak_after_decode"), "KiB", 0),
            num(g("page_memory.peak_before_decode"), "KiB", 0)
        ),
        format!("body {}", num(g("page_memory.body"), "KiB", 0)),
        times(per_byte),
        "records <= 2x the body",
        at_most(per_byte, 2.0),
    );
    rows
}

/// The table's header and `rows`, `|` in cells escaped.
pub(super) fn render(rows: &[Row]) -> String {
    let mut out = String::from(
        "| benchmark | generated / ours | baseline | ratio | target | status |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for cells in rows {
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The row of the cold build of the whole client against `crates/bench/baseline-min`.
pub(super) fn cold_build_rows(r: &Results) -> Vec<Row> {
    let g = |name: &str| r.get(name);
    let cold = ratio(g("cold.twilio-chat-v2"), g("cold.bench-baseline-min"));
    vec![[
        "Cold debug build of the whole client (fresh target dir, deps included)".to_owned(),
        num(g("cold.twilio-chat-v2"), "s", 1),
        format!(
            "{} (crates/bench/baseline-min: reqwest 0.12 rustls/ring + serde + tokio)",
            num(g("cold.bench-baseline-min"), "s", 1)
        ),
        spread(cold, g("cold.ratio_low"), g("cold.ratio_high")),
        "<= 1.1x".to_owned(),
        at_most(cold, 1.1),
    ]]
}

/// The rows of the realistic application's cold build: on the client against on plain reqwest, and the client's
/// application with serde's `derive` feature off against on. Wall times (the ratio) with the CPU time of each build
/// beside them: on a busy machine the CPU time moves less than the wall time.
pub(super) fn app_build_rows(r: &Results) -> Vec<Row> {
    let g = |name: &str| r.get(name);
    let app = ratio(g("app.client"), g("app.reqwest"));
    let lean = ratio(g("app.client_no_derive_feature"), g("app.client"));
    vec![
        [
            "Cold debug build of a realistic application: `#[tokio::main]`, its own derived config struct, one fetch of a service (fresh target dir, deps included)".to_owned(),
            format!(
                "{} (CPU {}; crates/bench/app-client)",
                num(g("app.client"), "s", 1),
                num(g("app.client.cpu"), "s", 1)
            ),
            format!(
                "{} (CPU {}; crates/bench/app-reqwest: the same application on reqwest 0.12 rustls/ring, its own derived model)",
                num(g("app.reqwest"), "s", 1),
                num(g("app.reqwest.cpu"), "s", 1)
            ),
            spread(app, g("app.ratio_low"), g("app.ratio_high")),
            "<= 1.1x".to_owned(),
            at_most(app, 1.1),
        ],
        [
            "  the same application on the client with serde's `derive` feature off (it derives through `serde_derive` directly)".to_owned(),
            format!(
                "{} (CPU {})",
                num(g("app.client_no_derive_feature"), "s", 1),
                num(g("app.client_no_derive_feature.cpu"), "s", 1)
            ),
            format!(
                "{} (CPU {}) with the feature on",
                num(g("app.client"), "s", 1),
                num(g("app.client.cpu"), "s", 1)
            ),
            spread(lean, g("app.derive_feature_low"), g("app.derive_feature_high")),
            String::new(),
            String::new(),
        ],
    ]
}

/// The size `media_bench` moves (200 MiB, `LARGE` there), in MiB.
const LARGE_MIB: f64 = 200.0;

/// Rows of `media_bench`: 200 MB uploads and downloads through the runtime against plain reqwest streaming of the
/// same bytes (same run, alternating), and the peak memory of moving 200 MB against 1 MB.
pub(super) fn media_rows(r: &Results) -> String {
    let g = |name: &str| r.get(name);
    let mut out = String::new();
    for direction in ["upload", "download"] {
        // Loopback transfers on this VM are slowed at random by the machine, on both sides alike: the medians are
        // compared, each side's fastest sample and the range of the per-sample ratios are shown beside them.
        let fastest = |who: &str| g(&format!("media.{direction}_200mb.{who}.fastest_ms"));
        let median_ms = |who: &str| g(&format!("media.{direction}_200mb.{who}.ms"));
        let x = ratio(median_ms("ours"), median_ms("reqwest"));
        let rate = |who: &str| num(median_ms(who).map(|ms| LARGE_MIB / (ms / 1e3)), "MiB/s", 0);
        let _ = writeln!(
            out,
            "| Media: {direction} 200 MB over loopback, streamed (median of 15 alternating samples per side, fastest in brackets; range of per-sample ratios) | {} ({}; fastest {}) | {} ({}; fastest {}; plain reqwest streaming) | {} | <= 1.2x | {} |",
            num(median_ms("ours"), "ms", 0),
            rate("ours"),
            num(fastest("ours"), "ms", 0),
            num(median_ms("reqwest"), "ms", 0),
            rate("reqwest"),
            num(fastest("reqwest"), "ms", 0),
            spread(
                x,
                g(&format!("media.{direction}_200mb.ratio_low")),
                g(&format!("media.{direction}_200mb.ratio_high"))
            ),
            at_most(x, 1.2),
        );
    }
    for direction in ["upload", "download"] {
        let big = g(&format!("media.peak_rss.{direction}.ours.200mb"));
        let small = g(&format!("media.peak_rss.{direction}.ours.1mb"));
        let growth = big.zip(small).map(|(b, s)| b - s);
        let status = match growth {
            Some(kib) if kib <= 4096.0 => "met".to_owned(),
            Some(_) => "**missed**".to_owned(),
            None => "not measured".to_owned(),
        };
        let _ = writeln!(
            out,
            "| Media: peak RSS (VmHWM) of a 200 MB vs 1 MB {direction}, child process | {} vs {} | plain reqwest: {} vs {} | {} | within 4 MiB | {status} |",
            num(big, "KiB", 0),
            num(small, "KiB", 0),
            num(
                g(&format!("media.peak_rss.{direction}.reqwest.200mb")),
                "KiB",
                0
            ),
            num(
                g(&format!("media.peak_rss.{direction}.reqwest.1mb")),
                "KiB",
                0
            ),
            growth.map_or_else(|| "-".to_owned(), |kib| format!("{kib:+.0} KiB")),
        );
    }
    out
}

/// The notes under the table: versions, fixes applied, checks the run made.
pub(super) fn notes(r: &Results) -> String {
    let mut out = String::new();
    if let Some(v) = r.notes.get("oag.version") {
        let _ = writeln!(out, "- openapi-generator-cli version: {v}.");
    }
    for compared in COMPARED {
        if let Some(fix) = r.note(&key(compared.product, "oag.fix")) {
            let _ = writeln!(
                out,
                "- openapi-generator crate of {}: {fix}.",
                compared.twilio
            );
        }
        if let Some(failure) = r.note(&key(compared.product, "oag.build")) {
            let _ = writeln!(
                out,
                "- openapi-generator crate of {} did not build, so its crate-only ratio is not measured: {failure}.",
                compared.twilio
            );
        }
    }
    if let Some(bytes) = r.get("page_bytes") {
        let _ = writeln!(out, "- One 100-message page is {bytes:.0} bytes of JSON.");
    }
    for (name, text) in &r.notes {
        if let Some(what) = name.strip_prefix("verified.") {
            let _ = writeln!(
                out,
                "- {what}: the generated client's request body, the mirrored `Params` and the hand-written form decode to the same pairs ({text})."
            );
        }
    }
    out
}

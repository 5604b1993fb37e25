//! The local Chat service's rows: `local_bench memory` (peak RSS of `twilio-chat fake` holding 100,000 messages,
//! against the JSON of those records) and `local_bench load` (requests per second and p99 latency of create- and
//! list-message under concurrent clients, and of the same list through Conversations v1, against Prism mocking
//! Twilio's Chat v2 and Conversations v1 descriptions in the same run).
//!
//! Prism is found through the `PRISM` environment variable, then `prism` on `PATH`, then
//! `<WORK>/prism/node_modules/.bin/prism` (`npm install --prefix /tmp/twilio-chat-bench/prism
//! @stoplight/prism-cli`). Without it the load rows still measure the local service and say how to install Prism
//! in their baseline column.

use super::exec::{run_ok, step};
use super::table::{Row, at_least, at_most, num, ratio, row, times};
use super::{Results, WORK};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Twilio's Chat v2 description that Prism mocks, beside the checkout.
pub(super) const PRISM_SPEC: &str = "../shared/twilio-oai/twilio_chat_v2.json";

/// Twilio's Conversations v1 description that a second Prism mocks for the Conversations list row.
pub(super) const PRISM_CONVERSATIONS_SPEC: &str =
    "../shared/twilio-oai/twilio_conversations_v1.json";

/// What the baseline column says when Prism is not found.
const NOT_INSTALLED: &str = "Prism not installed: npm install -g @stoplight/prism-cli";

/// The most peak memory the service may take per byte of the records' JSON.
const MEMORY_TARGET: f64 = 4.0;

/// How much faster than Prism the service must answer.
const LOAD_TARGET: f64 = 10.0;

/// Runs `local_bench memory` (built under `bench_target`, with the release `twilio-chat` beside it).
pub(super) fn local_memory(bench_target: &Path, results: &mut Results) -> Result<(), String> {
    step("local_bench memory");
    let out = run_ok(
        Command::new(bench_target.join("release/local_bench"))
            .arg("memory")
            .arg(bench_target.join("release/twilio-chat")),
        "local_bench memory",
    )?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));
    Ok(())
}

/// Runs `local_bench load` against Prism when it is found (and Twilio's description is beside the checkout),
/// else against the local service alone with the note `local.load.prism` saying why.
pub(super) fn local_load(
    root: &Path,
    bench_target: &Path,
    quick: bool,
    results: &mut Results,
) -> Result<(), String> {
    let prism = find_prism(
        std::env::var_os("PRISM"),
        std::env::var_os("PATH"),
        Path::new(WORK),
    );
    let spec = root.join(PRISM_SPEC);
    let mut command = Command::new(bench_target.join("release/local_bench"));
    command
        .arg("load")
        .arg(bench_target.join("release/twilio-chat"));
    let missing = match prism {
        Some(_) if !spec.is_file() => Some(format!("not run: {PRISM_SPEC} is missing")),
        Some(prism) => {
            step(&format!("local_bench load (Prism: {})", prism.display()));
            command.arg("--prism").arg(prism).arg("--spec").arg(&spec);
            let conversations = root.join(PRISM_CONVERSATIONS_SPEC);
            if conversations.is_file() {
                command.arg("--conversations-spec").arg(conversations);
            }
            None
        }
        None => {
            step("local_bench load (Prism not found)");
            Some(NOT_INSTALLED.to_owned())
        }
    };
    if quick {
        command.arg("--quick");
    }
    let out = run_ok(&mut command, "local_bench load")?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));
    if let Some(missing) = missing {
        results.notes.insert("local.load.prism".into(), missing);
    }
    Ok(())
}

/// Prism's executable: `env` (the `PRISM` variable) when set, else `prism` in a directory of `path` (the `PATH`
/// variable), else `work/prism/node_modules/.bin/prism`; `None` when none of them is a file.
pub(super) fn find_prism(
    env: Option<OsString>,
    path: Option<OsString>,
    work: &Path,
) -> Option<PathBuf> {
    if let Some(given) = env.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(given));
    }
    path.iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("prism"))
        .chain(std::iter::once(work.join("prism/node_modules/.bin/prism")))
        .find(|candidate| candidate.is_file())
}

/// The row of `local_bench memory`: peak RSS of the service holding the messages against their JSON.
pub(super) fn local_memory_rows(r: &Results) -> Vec<Row> {
    let g = |name: &str| r.get(name);
    let messages = g("local.memory.messages");
    let json_kib = g("local.memory.json_bytes").map(|b| b / 1024.0);
    let peak = g("local.memory.peak_kib");
    let per_message = |kib: Option<f64>| {
        kib.zip(messages)
            .filter(|(_, n)| *n > 0.0)
            .map(|(kib, n)| kib * 1024.0 / n)
    };
    let x = ratio(peak, json_kib);
    vec![row(
        &format!(
            "Peak RSS (VmHWM) of the local service (`twilio-chat fake`, release, child process) holding {} messages \
             in one channel, created through the REST API by {} concurrent clients",
            num(messages, "", 0).trim_end(),
            num(g("local.memory.clients"), "", 0).trim_end(),
        ),
        format!(
            "{} ({} per message; {} before the messages; filled in {})",
            num(peak, "KiB", 0),
            num(per_message(peak), "bytes", 0),
            num(g("local.memory.start_kib"), "KiB", 0),
            num(g("local.memory.fill_s"), "s", 1),
        ),
        format!(
            "stored JSON {} ({} per message: the records as answered)",
            num(json_kib, "KiB", 0),
            num(per_message(json_kib), "bytes", 0),
        ),
        times(x),
        "<= 4x the stored JSON (parsed fields in field order cost about 2x their JSON; the rest leaves room for \
         the request journal, bounded at 100,000 entries, and the allocator)",
        at_most(x, MEMORY_TARGET),
    )]
}

/// The rows of `local_bench load`: create-message and list-messages, the local service against Prism.
pub(super) fn local_load_rows(r: &Results) -> Vec<Row> {
    let g = |name: &str| r.get(name);
    let prism_missing = r.note("local.load.prism");
    let version = r
        .note("local.load.prism.version")
        .map_or_else(String::new, |v| format!(" {v}"));
    [
        (
            "create",
            "create message (`POST` form with `From` and `Body`)".to_owned(),
        ),
        (
            "list",
            format!(
                "list messages (`GET ?PageSize=50` on a channel of {} messages)",
                num(g("local.load.seeded"), "", 0).trim_end()
            ),
        ),
        (
            "list-conversation",
            "list the same messages through Conversations v1 (`GET \
             /v1/Services/{IS}/Conversations/{CH}/Messages?PageSize=50`)"
                .to_owned(),
        ),
    ]
    .into_iter()
    .map(|(op, label)| {
        let side = |who: &str| {
            let v = |what: &str| g(&format!("local.load.{op}.{who}.{what}"));
            (
                v("rps"),
                format!(
                    "{}, p99 {} (p50 {}; {} answers)",
                    num(v("rps"), "req/s", 0),
                    num(v("p99_ms"), "ms", 2),
                    num(v("p50_ms"), "ms", 2),
                    num(v("bytes"), "B", 0),
                ),
            )
        };
        let (local_rps, local) = side("local");
        let (prism_rps, prism) = side("prism");
        let (description, missing) = match op {
            "list-conversation" => (
                "twilio_conversations_v1.json",
                prism_missing.or(r.note("local.load.prism.conversations")),
            ),
            _ => ("twilio_chat_v2.json", prism_missing),
        };
        let base = match missing {
            Some(why) if prism_rps.is_none() => why.to_owned(),
            None if prism_rps.is_none() => format!("not measured: Prism did not mock {description}"),
            _ => format!("Prism{version} (`prism mock` of {description}): {prism}"),
        };
        let x = ratio(local_rps, prism_rps);
        row(
            &format!(
                "Local service (`twilio-chat fake`, release) under {} concurrent clients on loopback, {label} \
                 (median of {} rounds of {} alternating with Prism)",
                num(g("local.load.clients"), "", 0).trim_end(),
                num(g("local.load.rounds"), "", 0).trim_end(),
                num(g("local.load.round_s"), "s", 0),
            ),
            local,
            base,
            times(x),
            ">= 10x Prism's req/s",
            at_least(x, LOAD_TARGET),
        )
    })
    .collect()
}

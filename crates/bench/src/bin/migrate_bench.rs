//! `twilio-chat migrate run` against the local service: 1,000 public channels turned private through Chat v3 and
//! checked through Conversations v1, with every 10th request answered `429` (`Retry-After: 0`), at concurrency 1
//! and 8. Each sample starts a fresh local service, seeds it, runs the release binary as a child process (as users
//! run it) and checks that every channel is private afterwards.
//!
//! `migrate_bench TWILIO_CHAT_BINARY [--quick]` prints JSON result lines (see [`bench::stats::report`]):
//! `migrate.c1.channels_per_s`, `migrate.c8.channels_per_s` (medians), and the 429s answered in a sample.

use bench::stats::{median, report};
use serde_json::json;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use twilio_chat_local::Fault;

/// Public channels migrated per sample.
const CHANNELS: usize = 1000;
/// Every n-th request is answered 429.
const THROTTLE_EVERY: u64 = 10;

fn main() -> ExitCode {
    bench::main_with("migrate_bench", |first, rest| match (first, rest) {
        (Some(binary), []) => run(Path::new(binary), 5),
        (Some(binary), [quick]) if quick == "--quick" => run(Path::new(binary), 1),
        _ => Err("usage: migrate_bench TWILIO_CHAT_BINARY [--quick]".to_owned()),
    })
}

fn run(binary: &Path, samples: usize) -> Result<(), String> {
    report("migrate.channels", CHANNELS as f64, "channels");
    report("migrate.throttle_every", THROTTLE_EVERY as f64, "requests");
    report("migrate.samples", samples as f64, "runs");
    for concurrency in [1, 8] {
        let mut rates = Vec::new();
        let mut throttled = 0;
        for _ in 0..samples {
            let (seconds, answered_429) = sample(binary, concurrency)?;
            rates.push(CHANNELS as f64 / seconds);
            throttled = answered_429;
        }
        report(
            &format!("migrate.c{concurrency}.channels_per_s"),
            median(rates),
            "channels/s",
        );
        report(
            &format!("migrate.c{concurrency}.throttled"),
            throttled as f64,
            "responses",
        );
    }
    Ok(())
}

/// One migration of a freshly seeded local service: its wall-clock seconds and the 429s the service answered.
fn sample(binary: &Path, concurrency: usize) -> Result<(f64, usize), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let chat = runtime
        .block_on(twilio_chat_local::start())
        .map_err(|e| e.to_string())?;
    let state = chat.state();
    let service = state
        .insert("Service", json!({"friendly_name": "migrate-bench"}))
        .map_err(|e| e.to_string())?["sid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for i in 0..CHANNELS {
        state
            .insert(
                "Channel",
                json!({"service_sid": service, "type": "public", "unique_name": format!("c{i}")}),
            )
            .map_err(|e| e.to_string())?;
    }
    state.inject_every(
        THROTTLE_EVERY,
        Fault::RateLimited {
            retry_after: Duration::ZERO,
        },
    );
    let dir = std::env::temp_dir().join(format!("migrate-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let output = Command::new(binary)
        .args(["migrate", "run", "--service", &service, "--yes"])
        .args(["--concurrency", &concurrency.to_string()])
        .arg("--state")
        .arg(dir.join("state.json"))
        .env("TWILIO_BASE_URL", chat.base_url())
        .env("TWILIO_ACCOUNT_SID", chat.credentials().account_sid())
        .env("TWILIO_AUTH_TOKEN", chat.credentials().auth_token())
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        return Err(format!(
            "migrate run exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        ));
    }
    let channels = state.records("Channel");
    let public = channels.iter().filter(|c| c["type"] != "private").count();
    if public > 0 || channels.len() != CHANNELS {
        return Err(format!(
            "after the run {public} of {} channels are not private",
            channels.len()
        ));
    }
    let throttled = state.requests().iter().filter(|a| a.status == 429).count();
    drop(chat);
    runtime.shutdown_timeout(Duration::from_secs(5));
    Ok((seconds, throttled))
}

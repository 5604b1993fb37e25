//! What the `migrate` tests share: the [`Backend`] a test runs the binary against, and running the binary.
//!
//! Tests of `migrate run` are written against [`Backend`], so they run against any server that answers Chat v2,
//! Chat v3 and Conversations v1 at one base URL, can be started with a [`Scenario`] and can say what it saw: the
//! in-test [`fake::Fake`], and the local service ([`local::Local`], `twilio-chat-local`: channels seeded in its
//! state, `Fault::RateLimited` on every n-th request, conversions counted from its journal of requests).

#![allow(dead_code, reason = "each test file uses part of the support")]

pub mod fake;
pub mod local;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// What a server starts with, and how it misbehaves.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Public channels, created first.
    pub public: usize,
    /// Private channels, created after the public ones.
    pub private: usize,
    /// Every n-th request (counted over all requests) is answered 429; 0: never.
    pub throttle_every: u64,
    /// `Retry-After` seconds of those 429s.
    pub retry_after_secs: u64,
    /// Delay before answering each `UpdateChannel`.
    pub convert_latency: Duration,
    /// Channels (by creation index) whose `UpdateChannel` is refused with 400.
    pub refuse: Vec<usize>,
}

/// A server answering the three APIs at one base URL, and what it saw.
pub trait Backend {
    /// Starts a server for `scenario` (on 127.0.0.1; it stops when dropped).
    fn start(scenario: Scenario) -> Self
    where
        Self: Sized;
    /// `http://127.0.0.1:PORT`.
    fn base_url(&self) -> String;
    /// Account SID and auth token it accepts.
    fn credentials(&self) -> (String, String);
    /// The Chat service holding the channels.
    fn service_sid(&self) -> String;
    /// Per channel SID: how many times it went from public to private.
    fn conversions(&self) -> BTreeMap<String, u32>;
    /// Per channel SID: whether it is private now.
    fn private(&self) -> BTreeMap<String, bool>;
    /// Per channel SID: `UpdateChannel` requests answered 2xx.
    fn update_requests(&self) -> BTreeMap<String, u32>;
    /// Requests received so far.
    fn requests(&self) -> u64;
    /// 429s answered so far.
    fn throttled(&self) -> u64;
    /// Requests repeated before the `Retry-After` of their 429 had passed, when the server can tell.
    fn early_retries(&self) -> Option<u64>;
}

/// `UpdateChannel` requests answered 2xx, over all channels.
pub fn updates(backend: &dyn Backend) -> u64 {
    backend
        .update_requests()
        .values()
        .map(|n| u64::from(*n))
        .sum()
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The binary's command with `args`, only the backend's credentials in its environment, stdin empty.
pub fn command(backend: &dyn Backend, args: &[&str]) -> Command {
    let (account, token) = backend.credentials();
    let mut command = Command::new(env!("CARGO_BIN_EXE_twilio-chat"));
    command
        .args(args)
        .env_clear()
        .env("TWILIO_ACCOUNT_SID", account)
        .env("TWILIO_AUTH_TOKEN", token)
        .env("TWILIO_BASE_URL", backend.base_url())
        .stdin(Stdio::null());
    command
}

/// Runs `migrate run --service … --state STATE --yes` plus `extra` to its end.
pub fn migrate_run(backend: &dyn Backend, state: &Path, extra: &[&str]) -> Ran {
    let service = backend.service_sid();
    let state = state.to_str().unwrap().to_owned();
    let mut args = vec![
        "migrate",
        "run",
        "--service",
        &service,
        "--state",
        &state,
        "--yes",
    ];
    args.extend_from_slice(extra);
    output(command(backend, &args).output().unwrap())
}

pub fn output(output: Output) -> Ran {
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("twilio-chat-migrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `name: N` number of a report line.
pub fn count(report: &str, name: &str) -> usize {
    report
        .lines()
        .find_map(|l| {
            l.strip_prefix(name)?
                .trim_start()
                .strip_prefix(':')?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no `{name}:` line in {report}"))
}

//! Benchmarks of `cargo xtask bench`: the generator's speed (`codegen_bench`) and the generated client's runtime cost
//! against a minimal hand-written reqwest + serde client on the same data (`runtime_bench`), media transfers
//! (`media_bench`), the migration tool (`migrate_bench`) and the local service under load (`local_bench`, with the
//! load generator of [`load`]).
//!
//! The binaries print one JSON object per line (`{"name": ..., "value": ..., "unit": ...}`) that `xtask` turns into
//! the table of `BENCHMARKS.md`. Timing uses [`std::time::Instant`], warm-up runs and medians ([`stats`]); HTTP goes
//! to a loopback server started by the binary itself ([`server`]), which stops when dropped or after idling.
//! Nothing here is a test: `cargo test` only checks the fixtures and encoders.

pub mod fixtures;
pub mod hand;
pub mod load;
pub mod media_server;
pub mod server;
pub mod stats;

use std::process::ExitCode;

/// The `main` of a benchmark binary: `dispatch` gets the first argument and the ones after it; an error is
/// printed as `<name>: <message>` and fails the process.
pub fn main_with(
    name: &str,
    dispatch: impl FnOnce(Option<&str>, &[String]) -> Result<(), String>,
) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (first, rest) = match args.split_first() {
        Some((first, rest)) => (Some(first.as_str()), rest),
        None => (None, &[][..]),
    };
    match dispatch(first, rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{name}: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The error for an argument a binary does not take.
pub fn unknown_argument(argument: &str, expected: &str) -> Result<(), String> {
    Err(format!(
        "unknown argument `{argument}` (expected {expected})"
    ))
}

/// The current-thread tokio runtime (IO and timers) the binaries run their clients on.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

/// This process's peak resident memory (`VmHWM` of `/proc/self/status`), in KiB.
pub fn vm_hwm() -> Result<u64, String> {
    proc_status_kib("self", "VmHWM")
}

/// A memory field (`VmHWM`, `VmRSS`) of `/proc/<process>/status` (`process`: a process id or `self`), in KiB.
pub fn proc_status_kib(process: &str, field: &str) -> Result<u64, String> {
    let path = format!("/proc/{process}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .ok_or_else(|| format!("no {field} in {path}"))
}

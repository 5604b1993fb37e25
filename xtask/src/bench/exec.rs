//! Running commands for the benchmarks: cargo with the bench's own target dir and environment, timing, medians,
//! and the source-file helpers of the crate-only builds (touching sources, counting lines).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime};

pub(super) fn step(what: &str) {
    eprintln!("bench: {what}");
}

pub(super) fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS");
    command
}

pub(super) fn run_ok(command: &mut Command, what: &str) -> Result<Output, String> {
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 30)
        ))
    }
}

pub(super) fn timed(command: &mut Command) -> Result<(f64, Output), String> {
    let start = Instant::now();
    let output = command.output().map_err(|e| format!("cannot start: {e}"))?;
    Ok((start.elapsed().as_secs_f64(), output))
}

/// CPU seconds (user + system) of every child process this process has waited for so far, with their own
/// waited-for children (cargo's rustc and build-script processes): `cutime` + `cstime` of `/proc/self/stat`, in
/// clock ticks of 1/100 s (Linux's `USER_HZ`). `None` off Linux.
pub(super) fn children_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces, inside parentheses); `state` is field 3, so field n is
    // at n - 3: cutime is field 16, cstime 17.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields.get(n - 3)?.parse::<f64>().ok();
    Some((ticks(16)? + ticks(17)?) / 100.0)
}

/// CPU seconds the whole machine has spent busy so far (user, nice, system, irq, softirq of every core, from the
/// `cpu` line of `/proc/stat`, in 1/100 s), and the seconds the hypervisor took (steal). A build's share of the
/// busy time tells whether other processes competed with it. `None` off Linux.
pub(super) fn machine_busy_secs() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|t| t.parse().unwrap_or(0.0))
        .collect();
    let field = |n: usize| ticks.get(n).copied().unwrap_or(0.0);
    // user nice system idle iowait irq softirq steal
    let busy = field(0) + field(1) + field(2) + field(5) + field(6);
    Some((busy / 100.0, field(7) / 100.0))
}

pub(super) fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => samples[n / 2],
        _ => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
    }
}

pub(super) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Sets the modification time of every `.rs` file under `dir` to now, so cargo rebuilds that crate only.
pub(super) fn touch_sources(dir: &Path) -> Result<(), String> {
    for file in rust_files(dir) {
        std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(SystemTime::now()))
            .map_err(|e| format!("touch {}: {e}", file.display()))?;
    }
    Ok(())
}

pub(super) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

pub(super) fn count_lines(files: &[PathBuf]) -> usize {
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|text| text.lines().count())
        .sum()
}

pub(super) fn check_build(output: &Output, what: &str) -> Result<(), String> {
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "build of {what} failed:\n{}",
            tail(&String::from_utf8_lossy(&output.stderr), 20)
        ))
    }
}

//! The section of `BENCHMARKS.md` that `cargo xtask bench` owns: its markers, the machine and tree it names, and
//! splicing it into the file without touching the hand-written text around it.

use std::path::Path;
use std::process::Command;

pub(super) const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
pub(super) const END: &str = "<!-- bench:end -->";

pub(super) fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or_else(
            || "unknown memory".to_owned(),
            |kb| format!("{:.1} GiB RAM", kb / 1024.0 / 1024.0),
        );
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpus} CPUs (nproc), {memory}, {model}; {rustc}.")
}

pub(super) fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// `git describe --always --dirty` of the checkout (a `-dirty` tree includes uncommitted changes).
pub(super) fn revision(root: &Path) -> String {
    Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

pub(super) fn write_benchmarks(path: &Path, section: &str) -> Result<(), String> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, splice(&old, section)).map_err(|e| format!("{}: {e}", path.display()))
}

/// `old` with the text between the markers replaced by `section` (which holds the markers), or a new file.
pub(super) fn splice(old: &str, section: &str) -> String {
    match (old.find(BEGIN), old.find(END)) {
        (Some(begin), Some(end)) if begin < end => {
            let rest = old[end + END.len()..].trim_start_matches('\n');
            if rest.is_empty() {
                format!("{}{section}", &old[..begin])
            } else {
                format!("{}{section}\n{rest}", &old[..begin])
            }
        }
        _ => format!(
            "# Benchmarks\n\nRegenerate with `cargo xtask bench` (see `xtask/src/bench/`).\n\n{section}"
        ),
    }
}

//! Timed builds: crate-only rebuilds of the generated crates (against openapi-generator's crate), and cold debug
//! builds, where each package builds its whole dependency graph from scratch in a target dir of its own and the
//! packages compared are built one after the other in every run (`alternated_cold_builds`), so both sides of a
//! ratio see the same machine. Two comparisons use that machinery: the whole client against
//! `crates/bench/baseline-min`, and the realistic application on the client against the same application on
//! plain reqwest (`crates/bench/app-client`, `crates/bench/app-reqwest`).

use super::Results;
use super::exec::{
    cargo, check_build, children_cpu_secs, count_lines, machine_busy_secs, median, run_ok,
    rust_files, step, timed, touch_sources,
};
use super::oag::{OagCrate, oag_failure};
use std::path::Path;

/// Crate-only rebuilds of the generated models and client, debug and release (openapi-generator's crate in the
/// same loop, debug only).
pub(super) fn crate_only_builds(
    root: &Path,
    work: &Path,
    runs: usize,
    oag: Option<&OagCrate>,
    results: &mut Results,
) -> Result<(), String> {
    let target = work.join("crate-only");
    let models = root.join("crates/chat-v2-models/src");
    let client = root.join("crates/chat-v2/src");
    for (profile, flag) in [("debug", None), ("release", Some("--release"))] {
        step(&format!(
            "crate-only {profile} builds of the generated crates"
        ));
        let build = || {
            let mut command = cargo(root, &target);
            command.args(["build", "--locked", "-p", "twilio-chat-v2"]);
            if let Some(flag) = flag {
                command.arg(flag);
            }
            command
        };
        run_ok(&mut build(), "warm-up build of twilio-chat-v2")?;
        // openapi-generator's crate is built in the same loop (debug only), right after ours, so both sides of
        // the ratio see the same machine.
        let oag = oag.filter(|_| flag.is_none());
        let (mut both, mut client_only, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
        let mut failure = None;
        for _ in 0..runs {
            touch_sources(&models)?;
            touch_sources(&client)?;
            let (secs, output) = timed(&mut build())?;
            check_build(&output, "twilio-chat-v2")?;
            both.push(secs);
            if let Some(oag) = oag {
                touch_sources(&oag.dir.join("src"))?;
                let (secs, output) = timed(cargo(&oag.dir, &oag.target).args(["build"]))?;
                theirs.push(secs);
                if !output.status.success() {
                    failure = Some(oag_failure(&String::from_utf8_lossy(&output.stderr)));
                }
            }
            touch_sources(&client)?;
            let (secs, output) = timed(&mut build())?;
            check_build(&output, "twilio-chat-v2")?;
            client_only.push(secs);
        }
        if !theirs.is_empty() {
            results
                .values
                .insert("oag.crate_debug".into(), median(theirs));
        }
        if let Some(failure) = failure {
            results.notes.insert("oag.build".into(), failure);
        }
        results
            .values
            .insert(format!("build.crates_{profile}"), median(both));
        results
            .values
            .insert(format!("build.client_{profile}"), median(client_only));
    }
    Ok(())
}

/// One side of a cold-build comparison: a workspace package built with `cargo build -p` (plus `args`).
struct ColdBuild {
    /// Name of its target dir (`cold-<key>`) and of its result (`<prefix><key>`).
    key: &'static str,
    /// The workspace package.
    package: &'static str,
    /// Further `cargo build` arguments (features).
    args: &'static [&'static str],
}

/// One cold build: wall seconds, and CPU seconds of cargo and everything it ran (when known).
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: Option<f64>,
}

/// Builds each of `builds` from scratch `runs` times, in a fresh target dir under `work` and `--offline`
/// (downloads cached), one after the other in every run; returns the samples of every build, in the order of
/// `builds`. Each package is built alone (`-p`), so its features are its own, not the workspace's.
fn alternated_cold_builds(
    root: &Path,
    work: &Path,
    runs: usize,
    builds: &[ColdBuild],
) -> Result<Vec<Vec<Sample>>, String> {
    let mut samples = vec![Vec::new(); builds.len()];
    for run in 0..runs {
        for (build, taken) in builds.iter().zip(&mut samples) {
            let what = format!(
                "{}{}",
                build.package,
                build
                    .args
                    .iter()
                    .map(|a| format!(" {a}"))
                    .collect::<String>()
            );
            step(&format!("cold debug build of {what} ({}/{runs})", run + 1));
            let target = work.join(format!("cold-{}", build.key));
            let _ = std::fs::remove_dir_all(&target);
            let cpu_before = children_cpu_secs();
            let machine_before = machine_busy_secs();
            let (wall, output) = timed(
                cargo(root, &target)
                    .args(["build", "--locked", "--offline", "-p", build.package])
                    .args(build.args),
            )?;
            let cpu = children_cpu_secs()
                .zip(cpu_before)
                .map(|(after, before)| after - before);
            let machine = machine_busy_secs()
                .zip(machine_before)
                .map(|((busy, steal), (busy0, steal0))| (busy - busy0, steal - steal0));
            check_build(&output, &what)?;
            let _ = std::fs::remove_dir_all(&target);
            // The CPU the rest of the machine used meanwhile says how much this sample's wall time is worth.
            let others = match (cpu, machine) {
                (Some(cpu), Some((busy, steal))) => format!(
                    " (other processes meanwhile: {:.1} s CPU, hypervisor steal {steal:.1} s)",
                    (busy - cpu).max(0.0)
                ),
                _ => String::new(),
            };
            step(&format!(
                "  {wall:.1} s{}{others}",
                cpu.map_or_else(String::new, |cpu| format!(", {cpu:.1} s CPU"))
            ));
            taken.push(Sample { wall, cpu });
        }
    }
    Ok(samples)
}

/// Stores the range of the per-run ratios `ours[i] / base[i]` of wall times as `<name>_low` and `<name>_high`:
/// each run built both, one after the other, so the range shows how much the machine moved.
fn ratio_range(results: &mut Results, name: &str, ours: &[Sample], base: &[Sample]) {
    let ratios: Vec<f64> = ours
        .iter()
        .zip(base)
        .map(|(o, b)| o.wall / b.wall)
        .collect();
    if !ratios.is_empty() {
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        results.values.insert(format!("{name}_low"), low);
        results.values.insert(format!("{name}_high"), high);
    }
}

/// Measures `builds` and stores the median wall time of each as `<prefix><key>` and its median CPU time as
/// `<prefix><key>.cpu`; returns the samples.
fn cold_comparison(
    root: &Path,
    work: &Path,
    runs: usize,
    prefix: &str,
    builds: &[ColdBuild],
    results: &mut Results,
) -> Result<Vec<Vec<Sample>>, String> {
    let samples = alternated_cold_builds(root, work, runs, builds)?;
    for (build, taken) in builds.iter().zip(&samples) {
        results.values.insert(
            format!("{prefix}{}", build.key),
            median(taken.iter().map(|s| s.wall).collect()),
        );
        let cpu: Option<Vec<f64>> = taken.iter().map(|s| s.cpu).collect();
        if let Some(cpu) = cpu {
            results
                .values
                .insert(format!("{prefix}{}.cpu", build.key), median(cpu));
        }
    }
    Ok(samples)
}

/// Cold debug builds of the whole client (`twilio-chat-v2`) against `crates/bench/baseline-min`:
/// `cold.twilio-chat-v2`, `cold.bench-baseline-min`, `cold.ratio_low`/`_high`.
pub(super) fn cold_builds(
    root: &Path,
    work: &Path,
    runs: usize,
    results: &mut Results,
) -> Result<(), String> {
    let builds = [
        ColdBuild {
            key: "twilio-chat-v2",
            package: "twilio-chat-v2",
            args: &[],
        },
        ColdBuild {
            key: "bench-baseline-min",
            package: "bench-baseline-min",
            args: &[],
        },
    ];
    let samples = cold_comparison(root, work, runs, "cold.", &builds, results)?;
    ratio_range(results, "cold.ratio", &samples[0], &samples[1]);
    Ok(())
}

/// Cold debug builds of the realistic application: on the client (`crates/bench/app-client`) against the same
/// application on plain reqwest (`crates/bench/app-reqwest`), both with serde's `derive` feature on as
/// applications have it, and the client's application again with that feature off (it then derives through
/// `serde_derive` directly, so `serde` need not wait for `serde_derive`): `app.client`, `app.reqwest`,
/// `app.client_no_derive_feature`, `app.ratio_low`/`_high` (client / reqwest) and `app.derive_feature_low`/`_high`
/// (feature off / on).
pub(super) fn app_builds(
    root: &Path,
    work: &Path,
    runs: usize,
    results: &mut Results,
) -> Result<(), String> {
    let builds = [
        ColdBuild {
            key: "client",
            package: "bench-app-client",
            args: &[],
        },
        ColdBuild {
            key: "reqwest",
            package: "bench-app-reqwest",
            args: &[],
        },
        ColdBuild {
            key: "client_no_derive_feature",
            package: "bench-app-client",
            args: &["--no-default-features"],
        },
    ];
    let samples = cold_comparison(root, work, runs, "app.", &builds, results)?;
    ratio_range(results, "app.ratio", &samples[0], &samples[1]);
    ratio_range(results, "app.derive_feature", &samples[2], &samples[0]);
    Ok(())
}

/// Lines of the generated models and client.
pub(super) fn generated_lines(root: &Path, results: &mut Results) {
    let models = count_lines(&rust_files(
        &root.join("crates/chat-v2-models/src/generated"),
    ));
    let client = count_lines(&rust_files(&root.join("crates/chat-v2/src/generated")));
    results.values.insert("lines.models".into(), models as f64);
    results.values.insert("lines.client".into(), client as f64);
}

//! Timed builds and the generated code's size: crate-only rebuilds of every compared product's generated crates
//! (against openapi-generator's crate of the same API), the lines of each product's generated files, and cold debug
//! builds, where each package builds its whole dependency graph from scratch in a target dir of its own and the
//! packages compared are built one after the other in every run (`alternated_cold_builds`), so both sides of a
//! ratio see the same machine. Two comparisons use that machinery: the whole client against
//! `crates/bench/baseline-min`, and the realistic application on the client against the same application on
//! plain reqwest (`crates/bench/app-client`, `crates/bench/app-reqwest`).

use super::exec::{
    cargo, check_build, children_cpu_secs, machine_busy_secs, median, run_ok, step, timed,
    touch_sources,
};
use super::oag::{OagCrate, oag_failure};
use super::{COMPARED, Results, key};
use crate::products::{PRODUCTS, Product};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates of one product that its crate-only builds rebuild: the client package (which builds the models
/// package first) and the source folders of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CratePair {
    /// The client's package (`twilio-chat-v2`).
    pub(super) package: String,
    /// The models crate's `src`.
    pub(super) models_src: PathBuf,
    /// The client crate's `src`.
    pub(super) client_src: PathBuf,
}

impl CratePair {
    /// The pair of `product` under `root`: the package named after the client crate (`twilio_chat_v2` ->
    /// `twilio-chat-v2`), and the `src` folders that hold the generated folders. An error for a product whose
    /// client is a module of another crate (`twilio_chat_v2::v3`).
    pub(super) fn of(root: &Path, product: &Product) -> Result<Self, String> {
        if product.client_crate.contains("::") {
            return Err(format!(
                "{}: its client is a module of another crate ({})",
                product.name, product.client_crate
            ));
        }
        let src = |dir: &str| {
            dir.split_once("/src/")
                .map(|(krate, _)| root.join(krate).join("src"))
                .ok_or_else(|| format!("{}: `{dir}` is not inside a crate's src", product.name))
        };
        Ok(Self {
            package: product.client_crate.replace('_', "-"),
            models_src: src(product.models_dir)?,
            client_src: src(product.client_dir)?,
        })
    }
}

/// A profile of the crate-only builds: its name in result names, and its cargo flag.
#[derive(Debug, Clone, Copy)]
struct Profile {
    name: &'static str,
    flag: Option<&'static str>,
}

const DEBUG: Profile = Profile {
    name: "debug",
    flag: None,
};
const RELEASE: Profile = Profile {
    name: "release",
    flag: Some("--release"),
};

/// Crate-only rebuilds of every compared product's generated models and client: debug, and for the product with
/// `every_build` also release and the client crate alone; openapi-generator's crate of the same API (from `oags`)
/// in the same loop, debug only. Results `<product>.build.crates_<profile>`, `<product>.build.client_<profile>`,
/// `<product>.oag.crate_debug` and the note `<product>.oag.build` when that crate failed.
pub(super) fn crate_only_builds(
    root: &Path,
    work: &Path,
    runs: usize,
    oags: &BTreeMap<&'static str, OagCrate>,
    results: &mut Results,
) -> Result<(), String> {
    let target = work.join("crate-only");
    for compared in COMPARED {
        let pair = CratePair::of(root, compared.product()?)?;
        let profiles: &[Profile] = if compared.every_build {
            &[DEBUG, RELEASE]
        } else {
            &[DEBUG]
        };
        for profile in profiles {
            let oag = oags
                .get(compared.product)
                .filter(|_| profile.flag.is_none());
            let samples = crate_only_samples(
                root,
                &target,
                runs,
                &pair,
                *profile,
                compared.every_build,
                oag,
            )?;
            samples.store(results, compared.product, profile.name);
        }
    }
    Ok(())
}

/// The samples of one product's crate-only builds in one profile.
#[derive(Debug, Default)]
struct CrateOnlySamples {
    /// Models and client touched.
    both: Vec<f64>,
    /// The client alone touched.
    client_only: Vec<f64>,
    /// openapi-generator's crate touched.
    theirs: Vec<f64>,
    /// Why openapi-generator's crate failed to build, if it did.
    failure: Option<String>,
}

impl CrateOnlySamples {
    /// Stores the medians of the samples taken (see [`crate_only_builds`]).
    fn store(self, results: &mut Results, product: &str, profile: &str) {
        let mut put = |what: String, samples: Vec<f64>| {
            if !samples.is_empty() {
                results.values.insert(key(product, &what), median(samples));
            }
        };
        put(format!("build.crates_{profile}"), self.both);
        put(format!("build.client_{profile}"), self.client_only);
        put(format!("oag.crate_{profile}"), self.theirs);
        if let Some(failure) = self.failure {
            results.notes.insert(key(product, "oag.build"), failure);
        }
    }
}

/// Builds `pair` once untimed, then `runs` times with both crates' sources touched (and, with `client_only`, again
/// with the client's alone), each followed by openapi-generator's crate, if given, so both sides of the ratio see
/// the same machine.
fn crate_only_samples(
    root: &Path,
    target: &Path,
    runs: usize,
    pair: &CratePair,
    profile: Profile,
    client_only: bool,
    oag: Option<&OagCrate>,
) -> Result<CrateOnlySamples, String> {
    step(&format!(
        "crate-only {} builds of {} and its models",
        profile.name, pair.package
    ));
    let build = || {
        let mut command = cargo(root, target);
        command.args(["build", "--locked", "-p", &pair.package]);
        command.args(profile.flag);
        command
    };
    run_ok(&mut build(), &format!("warm-up build of {}", pair.package))?;
    let mut samples = CrateOnlySamples::default();
    for _ in 0..runs {
        touch_sources(&pair.models_src)?;
        touch_sources(&pair.client_src)?;
        samples.both.push(timed_build(&mut build(), &pair.package)?);
        if let Some(oag) = oag {
            let (secs, failure) = oag_build(oag)?;
            samples.theirs.push(secs);
            samples.failure = failure.or(samples.failure);
        }
        if client_only {
            touch_sources(&pair.client_src)?;
            samples
                .client_only
                .push(timed_build(&mut build(), &pair.package)?);
        }
    }
    Ok(samples)
}

/// Runs `build` of `package`; its wall seconds, or why it failed.
fn timed_build(build: &mut Command, package: &str) -> Result<f64, String> {
    let (secs, output) = timed(build)?;
    check_build(&output, package)?;
    Ok(secs)
}

/// Rebuilds openapi-generator's crate with its sources touched: its wall seconds, and why it failed if it did
/// (its time is kept either way).
fn oag_build(oag: &OagCrate) -> Result<(f64, Option<String>), String> {
    touch_sources(&oag.dir.join("src"))?;
    let (secs, output) = timed(cargo(&oag.dir, &oag.target).args(["build"]))?;
    let failure =
        (!output.status.success()).then(|| oag_failure(&String::from_utf8_lossy(&output.stderr)));
    Ok((secs, failure))
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

/// Lines of every product's generated files: `<product>.lines.models` and `<product>.lines.client` (the models
/// and client module files, `mod.rs` of their generated folders), and `<product>.lines.webhooks` (its typed
/// webhook events file, when it has one). The client's line count leaves out the webhook events and any module
/// of another product inside the crate (Chat v3's `v3/generated`).
pub(super) fn generated_lines(root: &Path, results: &mut Results) {
    for product in PRODUCTS {
        for (what, lines) in product_lines(root, product) {
            results.values.insert(key(product.name, what), lines as f64);
        }
    }
}

/// The line counts of `product`'s generated files under `root` that could be read, by result name (`lines.client`).
pub(super) fn product_lines(root: &Path, product: &Product) -> Vec<(&'static str, usize)> {
    let module = |dir: &str| Path::new(dir).join("mod.rs");
    [
        ("lines.models", Some(module(product.models_dir))),
        ("lines.client", Some(module(product.client_dir))),
        (
            "lines.webhooks",
            product.webhooks.map(|(file, _)| PathBuf::from(file)),
        ),
    ]
    .into_iter()
    .filter_map(|(what, file)| {
        let text = std::fs::read_to_string(root.join(file?)).ok()?;
        Some((what, text.lines().count()))
    })
    .collect()
}

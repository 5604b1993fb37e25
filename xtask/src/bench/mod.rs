//! `cargo xtask bench [--quick] [--skip-baselines] [--skip-builds] [--runs N] [--only GROUP]`: measures the
//! generator, the builds and the generated client against real baselines in one run, prints the table and writes
//! it into `BENCHMARKS.md`.
//!
//! - codegen: `crates/bench` `codegen_bench --spec` (release) on the description of every compared product
//!   ([`COMPARED`]: Chat v2, Conversations v1) versus `openapi-generator-cli generate -g rust` on Twilio's
//!   description of the same API, when it is installed (`pip install openapi-generator-cli`);
//! - generated code: lines of each product's generated models and client module files (and of its typed webhook
//!   events, apart), versus openapi-generator's crate;
//! - builds: crate-only rebuilds of each compared product's generated models and client (dependencies built,
//!   sources touched, `CARGO_INCREMENTAL=0`), debug (and release for Chat v2), versus openapi-generator's crate
//!   of the same API; cold debug builds of the whole
//!   client versus `crates/bench/baseline-min`, and of a realistic application on the client
//!   (`crates/bench/app-client`) versus the same application on plain reqwest (`crates/bench/app-reqwest`), in
//!   fresh `CARGO_TARGET_DIR`s under `/tmp`;
//! - runtime: `crates/bench` `runtime_bench` (release) versus the hand-written client of `bench::hand`.
//! - media: `crates/bench` `media_bench` (release): 200 MB uploads and downloads through the runtime versus plain
//!   reqwest streaming over loopback, and the peak memory of 200 MB versus 1 MB transfers.
//! - migration: `crates/bench` `migrate_bench` (release) runs the release `twilio-chat migrate run` on 1,000 public
//!   channels of a fresh local service with every 10th request answered 429, at concurrency 1 and 8.
//! - local service: `crates/bench` `local_bench` (release) runs the release `twilio-chat fake` as a child process:
//!   its peak RSS holding 100,000 messages against the JSON of those records, and its requests per second and p99
//!   latency (create and list messages, 16 concurrent clients) against Prism mocking Twilio's Chat v2 description
//!   (`npm install -g @stoplight/prism-cli`, or the `PRISM` environment variable; see `local`).
//!
//! Everything builds under `/tmp/twilio-chat-bench` so it never waits on (or disturbs) the workspace's `target/`.
//! `BENCHMARKS.md` keeps whatever is outside its `<!-- bench:begin -->`/`<!-- bench:end -->` markers; a run with
//! `--only` prints its rows and leaves `BENCHMARKS.md` alone, so the file only ever shows rows of one full run.
//!
//! This module owns the options and the order of the run; `exec` runs commands, `oag` prepares
//! openapi-generator's crate, `builds` times the builds, `local` measures the local service, `table` turns the
//! results into rows and `report` writes the section of `BENCHMARKS.md`.

mod builds;
mod exec;
mod generator_rows;
mod local;
mod oag;
mod report;
mod table;
#[cfg(test)]
mod tests;

use crate::codegen::project_root;
use crate::products::Product;
use builds::{app_builds, cold_builds, crate_only_builds, generated_lines};
use exec::{cargo, run_ok, step};
use oag::openapi_generator;
use report::{BEGIN, END, date, machine, revision, write_benchmarks};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use table::{notes, table};

const WORK: &str = "/tmp/twilio-chat-bench";

/// A product whose generator run, generated code and crate-only builds the table compares with
/// openapi-generator's.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Compared {
    /// Its name in [`crate::products::PRODUCTS`].
    product: &'static str,
    /// Twilio's description of the same API, in `../shared/twilio-oai` beside the checkout: openapi-generator's
    /// input.
    twilio: &'static str,
    /// The speedup over openapi-generator's `generate` that codegen must reach, if it has a target.
    codegen_speedup: Option<f64>,
    /// Whether its crate-only builds also time the client crate alone and release builds (one product does, to
    /// keep the run short).
    every_build: bool,
}

impl Compared {
    /// The product's row of [`crate::products::PRODUCTS`].
    fn product(&self) -> Result<&'static Product, String> {
        Product::named(self.product)
    }
}

/// The compared products, in the order of the table.
const COMPARED: &[Compared] = &[
    Compared {
        product: "chat-v2",
        twilio: "twilio_chat_v2.json",
        codegen_speedup: Some(20.0),
        every_build: true,
    },
    Compared {
        product: "conversations-v1",
        twilio: "twilio_conversations_v1.json",
        codegen_speedup: None,
        every_build: false,
    },
];

/// The name of a product's result `what`: `chat-v2.codegen.generate`.
fn key(product: &str, what: &str) -> String {
    format!("{product}.{what}")
}

/// Options of `cargo xtask bench`.
#[derive(Debug, Default, Clone)]
pub struct BenchOpts {
    /// Fewer samples and one run of each build.
    pub quick: bool,
    /// Skip openapi-generator and the cold-build baselines.
    pub skip_baselines: bool,
    /// Skip every build measurement (codegen and runtime only).
    pub skip_builds: bool,
    /// Samples of each build (default 5, 1 with `--quick`).
    pub runs: Option<usize>,
    /// Measure one group of rows only, print them and leave `BENCHMARKS.md` alone.
    pub only: Option<Only>,
}

/// A group of rows that `--only` measures alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// `cold-build`: the whole client versus `crates/bench/baseline-min`, built cold.
    ColdBuild,
    /// `app-build`: the realistic application on the client versus on plain reqwest, built cold.
    AppBuild,
    /// `local-memory`: the local service's peak RSS holding 100,000 messages.
    LocalMemory,
    /// `local-load`: the local service's throughput and p99 latency under concurrent clients, versus Prism.
    LocalLoad,
}

impl Only {
    const NAMES: &[(&str, Only)] = &[
        ("cold-build", Only::ColdBuild),
        ("app-build", Only::AppBuild),
        ("local-memory", Only::LocalMemory),
        ("local-load", Only::LocalLoad),
    ];

    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, only)| *only == self)
            .map_or("", |(name, _)| name)
    }
}

/// Parses the arguments after `bench`.
pub fn parse(args: &[String]) -> Result<BenchOpts, String> {
    let mut opts = BenchOpts::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--skip-baselines" => opts.skip_baselines = true,
            "--skip-builds" => opts.skip_builds = true,
            "--runs" => {
                let value = it.next().ok_or("--runs needs a number")?;
                match value.parse::<usize>() {
                    Ok(n) if n > 0 => opts.runs = Some(n),
                    _ => return Err(format!("--runs `{value}` is not a positive number")),
                }
            }
            "--only" => {
                let names = || {
                    Only::NAMES
                        .iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let value = it
                    .next()
                    .ok_or_else(|| format!("--only needs one of: {}", names()))?;
                let only = Only::NAMES
                    .iter()
                    .find(|(name, _)| name == value)
                    .map(|(_, only)| *only)
                    .ok_or_else(|| format!("--only `{value}` is none of: {}", names()))?;
                opts.only = Some(only);
            }
            other => return Err(format!("unknown argument `{other}` for bench")),
        }
    }
    if opts.only.is_some() && (opts.skip_baselines || opts.skip_builds) {
        return Err(
            "--only measures its rows against their baseline: it cannot skip either".into(),
        );
    }
    Ok(opts)
}

/// Every measured value (`name` -> number) and note (`name` -> text) of a run.
#[derive(Debug, Default)]
struct Results {
    values: BTreeMap<String, f64>,
    notes: BTreeMap<String, String>,
}

impl Results {
    fn get(&self, name: &str) -> Option<f64> {
        self.values.get(name).copied()
    }

    /// The note `name`.
    fn note(&self, name: &str) -> Option<&str> {
        self.notes.get(name).map(String::as_str)
    }

    /// Takes the JSON result lines of a bench binary (`{"name", "value"}` or `{"name", "text"}`).
    fn absorb(&mut self, stdout: &str) {
        self.absorb_as(stdout, "");
    }

    /// Like [`Results::absorb`], each name after `prefix`.
    fn absorb_as(&mut self, stdout: &str, prefix: &str) {
        for line in stdout.lines() {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let Some(name) = value["name"].as_str() else {
                continue;
            };
            let name = format!("{prefix}{name}");
            if let Some(number) = value["value"].as_f64() {
                self.values.insert(name, number);
            } else if let Some(text) = value["text"].as_str() {
                self.notes.insert(name, text.to_owned());
            }
        }
    }
}

/// Runs every benchmark (or the `--only` group), prints the table and rewrites `BENCHMARKS.md` (not for
/// `--only`); returns a one-line summary.
pub fn run(opts: &BenchOpts) -> Result<String, String> {
    let root = project_root();
    let work = PathBuf::from(WORK);
    std::fs::create_dir_all(&work).map_err(|e| format!("{WORK}: {e}"))?;
    let runs = opts.runs.unwrap_or(if opts.quick { 1 } else { 5 });
    let mut results = Results::default();
    let started = Instant::now();

    let bench_target = work.join("target");
    if let Some(only) = opts.only {
        let (rows, how) = match only {
            Only::ColdBuild => {
                cold_builds(&root, &work, runs, &mut results)?;
                (
                    table::cold_build_rows(&results),
                    format!("{runs} alternated runs"),
                )
            }
            Only::AppBuild => {
                app_builds(&root, &work, runs, &mut results)?;
                (
                    table::app_build_rows(&results),
                    format!("{runs} alternated runs"),
                )
            }
            Only::LocalMemory => {
                build_bench_and_cli(&root, &bench_target)?;
                local::local_memory(&bench_target, &mut results)?;
                (local::local_memory_rows(&results), "one fill".to_owned())
            }
            Only::LocalLoad => {
                build_bench_and_cli(&root, &bench_target)?;
                local::local_load(&root, &bench_target, opts.quick, &mut results)?;
                let rounds = if opts.quick {
                    "one round"
                } else {
                    "three rounds"
                };
                (
                    local::local_load_rows(&results),
                    format!("{rounds} per side"),
                )
            }
        };
        println!("\n{}", table::render(&rows));
        return Ok(format!(
            "measured `{}` only ({how}, {:.0} s); BENCHMARKS.md unchanged",
            only.name(),
            started.elapsed().as_secs_f64()
        ));
    }

    build_bench_and_cli(&root, &bench_target)?;
    let quick_flag: &[&str] = if opts.quick { &["--quick"] } else { &[] };
    codegen_benches(&root, &bench_target, quick_flag, &mut results)?;

    let oags = if opts.skip_baselines {
        results
            .notes
            .insert("oag".into(), "skipped (--skip-baselines)".into());
        BTreeMap::new()
    } else {
        openapi_generator(&root, &work, opts.skip_builds, &mut results)
    };

    if !opts.skip_builds {
        crate_only_builds(&root, &work, runs, &oags, &mut results)?;
        if !opts.skip_baselines {
            cold_builds(&root, &work, runs, &mut results)?;
            app_builds(&root, &work, runs, &mut results)?;
        }
    }
    generated_lines(&root, &mut results);

    step("runtime_bench");
    let out = run_ok(
        Command::new(bench_target.join("release/runtime_bench")).args(quick_flag),
        "runtime_bench",
    )?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));

    step("media_bench");
    let out = run_ok(
        Command::new(bench_target.join("release/media_bench")).args(quick_flag),
        "media_bench",
    )?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));

    step("migrate_bench");
    let out = run_ok(
        Command::new(bench_target.join("release/migrate_bench"))
            .arg(bench_target.join("release/twilio-chat"))
            .args(quick_flag),
        "migrate_bench",
    )?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));

    local::local_memory(&bench_target, &mut results)?;
    local::local_load(&root, &bench_target, opts.quick, &mut results)?;

    let command = std::iter::once("cargo xtask bench".to_owned())
        .chain(opts.quick.then(|| "--quick".to_owned()))
        .chain(opts.skip_baselines.then(|| "--skip-baselines".to_owned()))
        .chain(opts.skip_builds.then(|| "--skip-builds".to_owned()))
        .chain(opts.runs.map(|n| format!("--runs {n}")))
        .collect::<Vec<_>>()
        .join(" ");
    let table = table(&results);
    let section = format!(
        "{BEGIN}\n\nCommand: `{command}` (took {:.0} s). Date: {}. Tree: `{}`.\n\nMachine: {}\n\n{table}\n{}\n{END}\n",
        started.elapsed().as_secs_f64(),
        date(),
        revision(&root),
        machine(),
        notes(&results),
    );
    println!("\n{table}");
    write_benchmarks(&root.join("BENCHMARKS.md"), &section)?;
    Ok("wrote BENCHMARKS.md".to_owned())
}

/// Builds the benchmark binaries of `crates/bench`, then the `twilio-chat` binary on its own (its features as
/// users build it, not unified with the benchmarks'), release, under `bench_target`.
fn build_bench_and_cli(root: &Path, bench_target: &Path) -> Result<(), String> {
    for (package, what) in [
        ("bench", "crates/bench"),
        ("twilio-chat-cli", "twilio-chat"),
    ] {
        step(&format!("building {what} (release)"));
        run_ok(
            cargo(root, bench_target).args([
                "build",
                "--release",
                "--locked",
                "-p",
                package,
                "--bins",
            ]),
            &format!("cargo build -p {package}"),
        )?;
    }
    Ok(())
}

/// Runs `codegen_bench --spec` (built under `bench_target`) on the description of every compared product, its
/// results named `<product>.codegen.*`.
fn codegen_benches(
    root: &Path,
    bench_target: &Path,
    quick_flag: &[&str],
    results: &mut Results,
) -> Result<(), String> {
    for compared in COMPARED {
        let product = compared.product()?;
        step(&format!("codegen_bench --spec {}", product.spec));
        let out = run_ok(
            Command::new(bench_target.join("release/codegen_bench"))
                .args(quick_flag)
                .arg("--spec")
                .arg(root.join(product.spec)),
            &format!("codegen_bench --spec {}", product.spec),
        )?;
        results.absorb_as(
            &String::from_utf8_lossy(&out.stdout),
            &key(product.name, ""),
        );
    }
    Ok(())
}

//! `cargo xtask bench [--quick] [--skip-baselines] [--skip-builds]`: measures the generator, the builds and the
//! generated client against real baselines in one run, prints the table and writes it into `BENCHMARKS.md`.
//!
//! - codegen: `crates/bench` `codegen_bench` (release) versus `openapi-generator-cli generate -g rust` on Twilio's
//!   description, when it is installed (`pip install openapi-generator-cli`);
//! - builds: crate-only rebuilds of the generated models and client (dependencies built, sources touched,
//!   `CARGO_INCREMENTAL=0`), debug and release, versus openapi-generator's crate; cold debug builds of the whole
//!   client versus `crates/bench/baseline-min` in fresh `CARGO_TARGET_DIR`s under `/tmp`;
//! - runtime: `crates/bench` `runtime_bench` (release) versus the hand-written client of `bench::hand`.
//! - media: `crates/bench` `media_bench` (release): 200 MB uploads and downloads through the runtime versus plain
//!   reqwest streaming over loopback, and the peak memory of 200 MB versus 1 MB transfers.
//!
//! Everything builds under `/tmp/twilio-chat-bench` so it never waits on (or disturbs) the workspace's `target/`.
//! `BENCHMARKS.md` keeps whatever is outside its `<!-- bench:begin -->`/`<!-- bench:end -->` markers.

use crate::codegen::project_root;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime};

const WORK: &str = "/tmp/twilio-chat-bench";
const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
const END: &str = "<!-- bench:end -->";

/// Options of `cargo xtask bench`.
#[derive(Debug, Default, Clone)]
pub struct BenchOpts {
    /// Fewer samples and one run of each build.
    pub quick: bool,
    /// Skip openapi-generator and the cold-build baseline.
    pub skip_baselines: bool,
    /// Skip every build measurement (codegen and runtime only).
    pub skip_builds: bool,
}

/// Parses the arguments after `bench`.
pub fn parse(args: &[String]) -> Result<BenchOpts, String> {
    let mut opts = BenchOpts::default();
    for arg in args {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--skip-baselines" => opts.skip_baselines = true,
            "--skip-builds" => opts.skip_builds = true,
            other => return Err(format!("unknown argument `{other}` for bench")),
        }
    }
    Ok(opts)
}

#[derive(Debug, Default)]
struct Results {
    values: BTreeMap<String, f64>,
    notes: BTreeMap<String, String>,
}

impl Results {
    fn get(&self, name: &str) -> Option<f64> {
        self.values.get(name).copied()
    }

    fn absorb(&mut self, stdout: &str) {
        for line in stdout.lines() {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let Some(name) = value["name"].as_str() else {
                continue;
            };
            if let Some(number) = value["value"].as_f64() {
                self.values.insert(name.to_owned(), number);
            } else if let Some(text) = value["text"].as_str() {
                self.notes.insert(name.to_owned(), text.to_owned());
            }
        }
    }
}

/// Runs every benchmark, prints the table and rewrites `BENCHMARKS.md`; returns a one-line summary.
pub fn run(opts: &BenchOpts) -> Result<String, String> {
    let root = project_root();
    let work = PathBuf::from(WORK);
    std::fs::create_dir_all(&work).map_err(|e| format!("{WORK}: {e}"))?;
    let runs = if opts.quick { 1 } else { 5 };
    let mut results = Results::default();
    let started = Instant::now();

    step("building crates/bench (release)");
    let bench_target = work.join("target");
    run_ok(
        cargo(&root, &bench_target).args([
            "build",
            "--release",
            "--locked",
            "-p",
            "bench",
            "--bins",
        ]),
        "cargo build -p bench",
    )?;
    let quick_flag: &[&str] = if opts.quick { &["--quick"] } else { &[] };
    step("codegen_bench");
    let out = run_ok(
        Command::new(bench_target.join("release/codegen_bench")).args(quick_flag),
        "codegen_bench",
    )?;
    results.absorb(&String::from_utf8_lossy(&out.stdout));

    let oag = if opts.skip_baselines {
        results
            .notes
            .insert("oag".into(), "skipped (--skip-baselines)".into());
        None
    } else {
        openapi_generator(&root, &work, opts.skip_builds, &mut results)
    };

    if !opts.skip_builds {
        crate_only_builds(&root, &work, runs, oag.as_ref(), &mut results)?;
        if !opts.skip_baselines {
            cold_builds(&root, &work, runs, &mut results)?;
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

    let command = std::iter::once("cargo xtask bench".to_owned())
        .chain(opts.quick.then(|| "--quick".to_owned()))
        .chain(opts.skip_baselines.then(|| "--skip-baselines".to_owned()))
        .chain(opts.skip_builds.then(|| "--skip-builds".to_owned()))
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

fn step(what: &str) {
    eprintln!("bench: {what}");
}

fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS");
    command
}

fn run_ok(command: &mut Command, what: &str) -> Result<Output, String> {
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

fn timed(command: &mut Command) -> Result<(f64, Output), String> {
    let start = Instant::now();
    let output = command.output().map_err(|e| format!("cannot start: {e}"))?;
    Ok((start.elapsed().as_secs_f64(), output))
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => samples[n / 2],
        _ => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Sets the modification time of every `.rs` file under `dir` to now, so cargo rebuilds that crate only.
fn touch_sources(dir: &Path) -> Result<(), String> {
    for file in rust_files(dir) {
        std::fs::File::options()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(SystemTime::now()))
            .map_err(|e| format!("touch {}: {e}", file.display()))?;
    }
    Ok(())
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
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

fn count_lines(files: &[PathBuf]) -> usize {
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|text| text.lines().count())
        .sum()
}

/// openapi-generator's crate, generated, fixed and with its dependencies built: ready for crate-only builds.
struct OagCrate {
    dir: PathBuf,
    target: PathBuf,
}

fn openapi_generator(
    root: &Path,
    work: &Path,
    skip_builds: bool,
    results: &mut Results,
) -> Option<OagCrate> {
    let spec = root.join("../shared/twilio-oai/twilio_chat_v2.json");
    if !spec.is_file() {
        results.notes.insert(
            "oag".into(),
            format!("not run: {} is missing", spec.display()),
        );
        return None;
    }
    let installed = Command::new("openapi-generator-cli")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        results.notes.insert(
            "oag".into(),
            "not installed (`pip install openapi-generator-cli` failed or was not run)".into(),
        );
        return None;
    }
    let version = Command::new("openapi-generator-cli")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    results.notes.insert("oag.version".into(), version);
    step("openapi-generator-cli generate -g rust");
    let out_dir = work.join("oag");
    let mut samples = Vec::new();
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&out_dir);
        match timed(Command::new("openapi-generator-cli").args([
            "generate",
            "-g",
            "rust",
            "-i",
            &spec.to_string_lossy(),
            "-o",
            &out_dir.to_string_lossy(),
        ])) {
            Ok((secs, output)) if output.status.success() => samples.push(secs),
            Ok((_, output)) => {
                results.notes.insert(
                    "oag".into(),
                    format!(
                        "generate failed: {}",
                        tail(&String::from_utf8_lossy(&output.stderr), 3)
                    ),
                );
                return None;
            }
            Err(e) => {
                results.notes.insert("oag".into(), e);
                return None;
            }
        }
    }
    results
        .values
        .insert("oag.generate".into(), median(samples) * 1e3);
    results.values.insert(
        "oag.lines".into(),
        count_lines(&rust_files(&out_dir.join("src"))) as f64,
    );
    if skip_builds {
        return None;
    }
    // openapi-generator 7.x writes `models::models::X` in some generated paths; its one known fix (the same text
    // edit users apply) makes the crate compile, so the build ratio has a passing baseline.
    match fix_oag_model_paths(&out_dir.join("src")) {
        Ok(fixed) => {
            results.notes.insert(
                "oag.fix".into(),
                format!("`models::models::` -> `models::` in {fixed} places before building"),
            );
        }
        Err(e) => {
            results.notes.insert("oag.build".into(), e);
            return None;
        }
    }
    step("openapi-generator crate: dependencies");
    let target = work.join("oag-target");
    if let Err(e) = cargo(&out_dir, &target).args(["build"]).output() {
        results
            .notes
            .insert("oag.build".into(), format!("cargo: {e}"));
        return None;
    }
    Some(OagCrate {
        dir: out_dir,
        target,
    })
}

/// Why openapi-generator's crate did not build: its own errors, or its dependencies.
fn oag_failure(stderr: &str) -> String {
    if !stderr.contains("could not compile `openapi`") {
        return format!("dependencies did not build: {}", tail(stderr, 3));
    }
    let errors = stderr.lines().filter(|l| l.starts_with("error[")).count();
    let first = stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or_default();
    format!("does not compile as generated: {errors} errors, first `{first}`")
}

/// Replaces `models::models::` by `models::` in every `.rs` file under `src`; returns how many were replaced.
fn fix_oag_model_paths(src: &Path) -> Result<usize, String> {
    let mut fixed = 0;
    for file in rust_files(src) {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let count = text.matches("models::models::").count();
        if count > 0 {
            std::fs::write(&file, text.replace("models::models::", "models::"))
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            fixed += count;
        }
    }
    Ok(fixed)
}

fn crate_only_builds(
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

fn check_build(output: &Output, what: &str) -> Result<(), String> {
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "build of {what} failed:\n{}",
            tail(&String::from_utf8_lossy(&output.stderr), 20)
        ))
    }
}

fn cold_builds(root: &Path, work: &Path, runs: usize, results: &mut Results) -> Result<(), String> {
    let mut samples: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for run in 0..runs {
        for package in ["twilio-chat-v2", "bench-baseline-min"] {
            step(&format!(
                "cold debug build of {package} ({}/{runs})",
                run + 1
            ));
            let target = work.join(format!("cold-{package}"));
            let _ = std::fs::remove_dir_all(&target);
            let (secs, output) = timed(cargo(root, &target).args([
                "build",
                "--locked",
                "--offline",
                "-p",
                package,
            ]))?;
            check_build(&output, package)?;
            let _ = std::fs::remove_dir_all(&target);
            samples.entry(package).or_default().push(secs);
        }
    }
    // Each run builds both, one after the other: the range of the per-run ratios shows how much the machine moved.
    if let (Some(ours), Some(base)) = (
        samples.get("twilio-chat-v2"),
        samples.get("bench-baseline-min"),
    ) {
        let ratios: Vec<f64> = ours.iter().zip(base).map(|(o, b)| o / b).collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        if !ratios.is_empty() {
            results.values.insert("cold.ratio_low".into(), low);
            results.values.insert("cold.ratio_high".into(), high);
        }
    }
    for (package, secs) in samples {
        results
            .values
            .insert(format!("cold.{package}"), median(secs));
    }
    Ok(())
}

fn generated_lines(root: &Path, results: &mut Results) {
    let models = count_lines(&rust_files(
        &root.join("crates/chat-v2-models/src/generated"),
    ));
    let client = count_lines(&rust_files(&root.join("crates/chat-v2/src/generated")));
    results.values.insert("lines.models".into(), models as f64);
    results.values.insert("lines.client".into(), client as f64);
}

fn ratio(ours: Option<f64>, baseline: Option<f64>) -> Option<f64> {
    match (ours, baseline) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// `met` or `missed by N%` for "ratio at most `limit`".
fn at_most(value: Option<f64>, limit: f64) -> String {
    match value {
        None => "not measured".into(),
        Some(v) if v <= limit => "met".into(),
        Some(v) => format!("**missed** by {:.0}%", (v / limit - 1.0) * 100.0),
    }
}

fn num(value: Option<f64>, unit: &str, digits: usize) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.digits$} {unit}"))
}

/// A ratio with the range of its per-sample ratios: `1.03x (0.97x-1.10x)`.
fn spread(value: Option<f64>, low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(low), Some(high)) => format!("{} ({low:.2}x-{high:.2}x)", times(value)),
        _ => times(value),
    }
}

fn times(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}x"))
}

#[allow(clippy::too_many_lines)]
fn table(r: &Results) -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut row =
        |what: &str, ours: String, base: String, ratio: String, target: &str, status: String| {
            rows.push([
                what.to_owned(),
                ours,
                base,
                ratio,
                target.to_owned(),
                status,
            ]);
        };
    let g = |name: &str| r.get(name);

    // Codegen.
    let ours = g("codegen.generate");
    let oag = g("oag.generate");
    let speedup = ratio(oag, ours);
    let codegen_status = match (ours, speedup) {
        (Some(ms), Some(x)) => format!(
            "{} / {}",
            if ms < 100.0 { "met" } else { "**missed**" },
            if x >= 20.0 { "met" } else { "**missed**" }
        ),
        (Some(ms), None) => format!(
            "{} / baseline not run",
            if ms < 100.0 { "met" } else { "**missed**" }
        ),
        _ => "not measured".into(),
    };
    row(
        "Codegen: parse + lower + emit + render of chat-v2 (release, median)",
        num(ours, "ms", 1),
        oag.map_or_else(
            || r.notes.get("oag").cloned().unwrap_or_else(|| "—".into()),
            |v| format!("{v:.0} ms (openapi-generator `generate -g rust`, median of 3)"),
        ),
        speedup.map_or_else(|| "—".into(), |x| format!("{x:.0}x faster")),
        "< 100 ms; >= 20x faster",
        codegen_status,
    );
    row(
        "  of which parse + lower",
        num(g("codegen.parse_lower"), "ms", 1),
        String::new(),
        String::new(),
        "",
        String::new(),
    );
    row(
        "  of which emit + render (quote, syn, prettyplease)",
        num(g("codegen.emit_render"), "ms", 1),
        String::new(),
        String::new(),
        "",
        String::new(),
    );

    // Build cost.
    let lines = match (g("lines.models"), g("lines.client")) {
        (Some(m), Some(c)) => Some(m + c),
        _ => None,
    };
    let per_op = match (g("lines.client"), g("codegen.operations")) {
        (Some(c), Some(ops)) if ops > 0.0 => format!(
            "{:.0} models + {:.0} client ({:.0} client lines per operation)",
            g("lines.models").unwrap_or_default(),
            c,
            c / ops
        ),
        _ => String::new(),
    };
    row(
        "Generated code (lines of .rs)",
        format!("{} ({per_op})", num(lines, "lines", 0)),
        num(g("oag.lines"), "lines (openapi-generator crate)", 0),
        times(ratio(lines, g("oag.lines"))),
        "",
        String::new(),
    );
    let per_op_value = match (g("lines.client"), g("codegen.operations")) {
        (Some(c), Some(ops)) if ops > 0.0 => Some(c / ops),
        _ => None,
    };
    row(
        "  client lines per operation",
        num(per_op_value, "lines", 1),
        String::new(),
        String::new(),
        "<= 45",
        match per_op_value {
            None => "not measured".into(),
            Some(v) if v <= 45.0 => "met".into(),
            Some(v) => format!("**missed** by {:.0}%", (v / 45.0 - 1.0) * 100.0),
        },
    );
    let oag_build = match (g("oag.crate_debug"), r.notes.get("oag.build")) {
        (Some(s), Some(failure)) => format!("failed after {s:.1} s: {failure}"),
        (Some(s), None) => format!("{s:.1} s"),
        (None, Some(note)) => note.clone(),
        (None, None) => r.notes.get("oag").cloned().unwrap_or_else(|| "—".into()),
    };
    let x = if r.notes.contains_key("oag.build") {
        None
    } else {
        ratio(g("build.crates_debug"), g("oag.crate_debug"))
    };
    row(
        "Crate-only debug build: models + client (deps built, sources touched, CARGO_INCREMENTAL=0)",
        num(g("build.crates_debug"), "s", 1),
        format!("openapi-generator crate (with its one-line fix): {oag_build}"),
        times(x),
        "<= 0.5x",
        at_most(x, 0.5),
    );
    row(
        "  client crate only, debug",
        num(g("build.client_debug"), "s", 1),
        String::new(),
        String::new(),
        "",
        String::new(),
    );
    row(
        "Crate-only release build: models + client",
        num(g("build.crates_release"), "s", 1),
        String::new(),
        String::new(),
        "",
        String::new(),
    );
    row(
        "  client crate only, release",
        num(g("build.client_release"), "s", 1),
        String::new(),
        String::new(),
        "",
        String::new(),
    );
    let cold = ratio(g("cold.twilio-chat-v2"), g("cold.bench-baseline-min"));
    row(
        "Cold debug build of the whole client (fresh target dir, deps included)",
        num(g("cold.twilio-chat-v2"), "s", 1),
        format!(
            "{} (crates/bench/baseline-min: reqwest 0.12 rustls/ring + serde + tokio)",
            num(g("cold.bench-baseline-min"), "s", 1)
        ),
        spread(cold, g("cold.ratio_low"), g("cold.ratio_high")),
        "<= 1.1x",
        at_most(cold, 1.1),
    );

    // Runtime.
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
        row(
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
    row(
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
        row(
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
        row(
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
        row(
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
    let x = ratio(g("stream_50x100.generated"), g("stream_50x100.hand"));
    row(
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
    row(
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
    row(
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
    row(
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

    let mut out = String::from(
        "| benchmark | generated / ours | baseline | ratio | target | status |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for cells in rows {
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push_str(&media_rows(r));
    out
}

/// The size `media_bench` moves (200 MiB, `LARGE` there), in MiB.
const LARGE_MIB: f64 = 200.0;

/// Rows of `media_bench`: 200 MB uploads and downloads through the runtime against plain reqwest streaming of the
/// same bytes (same run, alternating), and the peak memory of moving 200 MB against 1 MB.
fn media_rows(r: &Results) -> String {
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

fn notes(r: &Results) -> String {
    let mut out = String::new();
    if let Some(v) = r.notes.get("oag.version") {
        let _ = writeln!(out, "- openapi-generator-cli version: {v}.");
    }
    if let Some(fix) = r.notes.get("oag.fix") {
        let _ = writeln!(out, "- openapi-generator crate: {fix}.");
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

fn machine() -> String {
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

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// `git describe --always --dirty` of the checkout (a `-dirty` tree includes uncommitted changes).
fn revision(root: &Path) -> String {
    Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn write_benchmarks(path: &Path, section: &str) -> Result<(), String> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, splice(&old, section)).map_err(|e| format!("{}: {e}", path.display()))
}

/// `old` with the text between the markers replaced by `section` (which holds the markers), or a new file.
fn splice(old: &str, section: &str) -> String {
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
            "# Benchmarks\n\nRegenerate with `cargo xtask bench` (see `xtask/src/bench.rs`).\n\n{section}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{BEGIN, END, splice};

    #[test]
    fn splice_keeps_the_text_around_the_markers() {
        let old = format!("intro\n\n{BEGIN}\nold table\n{END}\n\n## Findings\n");
        let section = format!("{BEGIN}\nnew table\n{END}\n");
        assert_eq!(
            splice(&old, &section),
            format!("intro\n\n{BEGIN}\nnew table\n{END}\n\n## Findings\n")
        );
        assert!(splice("", &section).starts_with("# Benchmarks\n"));
        assert!(splice("", &section).ends_with(&section));
    }

    #[test]
    fn options() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let opts = super::parse(&args(&["--quick", "--skip-baselines"])).unwrap_or_default();
        assert!(opts.quick && opts.skip_baselines && !opts.skip_builds);
        assert_eq!(
            super::parse(&args(&["--fast"])).map(|_| ()),
            Err("unknown argument `--fast` for bench".to_owned())
        );
    }

    #[test]
    fn at_most_reports_the_excess() {
        assert_eq!(super::at_most(Some(1.05), 1.1), "met");
        assert_eq!(super::at_most(Some(2.2), 1.1), "**missed** by 100%");
        assert_eq!(super::at_most(None, 1.1), "not measured");
    }

    #[test]
    fn media_rows_compare_with_reqwest_and_the_small_transfer() {
        let mut r = super::Results::default();
        r.absorb(
            &[
                ("media.upload_200mb.ours.ms", 110.0),
                ("media.upload_200mb.reqwest.ms", 100.0),
                ("media.download_200mb.ours.ms", 130.0),
                ("media.download_200mb.reqwest.ms", 100.0),
                ("media.peak_rss.upload.ours.200mb", 9000.0),
                ("media.peak_rss.upload.ours.1mb", 8000.0),
                ("media.peak_rss.download.ours.200mb", 20000.0),
                ("media.peak_rss.download.ours.1mb", 8000.0),
            ]
            .iter()
            .map(|(name, value)| {
                format!("{{\"name\": \"{name}\", \"value\": {value}, \"unit\": \"x\"}}\n")
            })
            .collect::<String>(),
        );
        let rows: Vec<String> = super::media_rows(&r).lines().map(str::to_owned).collect();
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert!(rows[0].contains("| 1.10x | <= 1.2x | met |"), "{}", rows[0]);
        assert!(rows[1].contains("**missed** by 8%"), "{}", rows[1]);
        assert!(
            rows[2].ends_with("| +1000 KiB | within 4 MiB | met |"),
            "{}",
            rows[2]
        );
        assert!(
            rows[3].ends_with("| +12000 KiB | within 4 MiB | **missed** |"),
            "{}",
            rows[3]
        );
    }
}

//! openapi-generator, the codegen and crate-build baseline: generating its Rust crate from Twilio's description of
//! every compared product (timed), counting its lines, applying its one known fix and building its dependencies,
//! so that `builds` can time crate-only builds of it next to ours. Results are named `<product>.oag.*`; the
//! version and a missing installation are the notes `oag.version` and `oag`.

use super::exec::{cargo, count_lines, median, rust_files, step, tail, timed};
use super::{COMPARED, Compared, Results, key};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// openapi-generator's crate, generated, fixed and with its dependencies built: ready for crate-only builds.
#[derive(Debug)]
pub(super) struct OagCrate {
    /// The generated crate.
    pub(super) dir: PathBuf,
    /// Its target dir (shared by the crates of every product, so their dependencies build once).
    pub(super) target: PathBuf,
}

/// Runs openapi-generator on Twilio's description of every compared product, when it is installed; returns the
/// crates ready for crate-only builds (none with `skip_builds`), by product name.
pub(super) fn openapi_generator(
    root: &Path,
    work: &Path,
    skip_builds: bool,
    results: &mut Results,
) -> BTreeMap<&'static str, OagCrate> {
    let mut crates = BTreeMap::new();
    let Some(version) = installed_version() else {
        results.notes.insert(
            "oag".into(),
            "not installed (`pip install openapi-generator-cli` failed or was not run)".into(),
        );
        return crates;
    };
    results.notes.insert("oag.version".into(), version);
    for compared in COMPARED {
        if let Some(krate) = baseline(root, work, compared, skip_builds, results) {
            crates.insert(compared.product, krate);
        }
    }
    crates
}

/// `openapi-generator-cli version`, if it runs.
fn installed_version() -> Option<String> {
    let output = Command::new("openapi-generator-cli")
        .arg("version")
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// openapi-generator's crate for one compared product, under `work/oag-<product>`: `<product>.oag.generate` (ms)
/// and `<product>.oag.lines`, then (unless `skip_builds`) fixed and with its dependencies built. Why it stopped
/// goes to the note `<product>.oag`, or `<product>.oag.build` for the build.
fn baseline(
    root: &Path,
    work: &Path,
    compared: &Compared,
    skip_builds: bool,
    results: &mut Results,
) -> Option<OagCrate> {
    let name = compared.product;
    let spec = root.join("../shared/twilio-oai").join(compared.twilio);
    if !spec.is_file() {
        results.notes.insert(
            key(name, "oag"),
            format!("not run: {} is missing", spec.display()),
        );
        return None;
    }
    step(&format!(
        "openapi-generator-cli generate -g rust -i {}",
        compared.twilio
    ));
    let dir = work.join(format!("oag-{name}"));
    match time_generate(&spec, &dir) {
        Ok(ms) => results.values.insert(key(name, "oag.generate"), ms),
        Err(e) => {
            results.notes.insert(key(name, "oag"), e);
            return None;
        }
    };
    results.values.insert(
        key(name, "oag.lines"),
        count_lines(&rust_files(&dir.join("src"))) as f64,
    );
    if skip_builds {
        return None;
    }
    prepare_build(dir, work.join("oag-target"), name, results)
}

/// Generates openapi-generator's crate from `spec` into `out_dir` three times; the median wall time in ms.
fn time_generate(spec: &Path, out_dir: &Path) -> Result<f64, String> {
    let mut samples = Vec::new();
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(out_dir);
        let (secs, output) = timed(Command::new("openapi-generator-cli").args([
            "generate",
            "-g",
            "rust",
            "-i",
            &spec.to_string_lossy(),
            "-o",
            &out_dir.to_string_lossy(),
        ]))?;
        if !output.status.success() {
            return Err(format!(
                "generate failed: {}",
                tail(&String::from_utf8_lossy(&output.stderr), 3)
            ));
        }
        samples.push(secs);
    }
    Ok(median(samples) * 1e3)
}

/// Applies the crate's one known fix (note `<product>.oag.fix`) and builds its dependencies in `target`.
fn prepare_build(
    dir: PathBuf,
    target: PathBuf,
    product: &str,
    results: &mut Results,
) -> Option<OagCrate> {
    // openapi-generator 7.x writes `models::models::X` in some generated paths; its one known fix (the same text
    // edit users apply) makes the crate compile, so the build ratio has a passing baseline.
    match fix_oag_model_paths(&dir.join("src")) {
        Ok(fixed) => {
            results.notes.insert(
                key(product, "oag.fix"),
                format!("`models::models::` -> `models::` in {fixed} places before building"),
            );
        }
        Err(e) => {
            results.notes.insert(key(product, "oag.build"), e);
            return None;
        }
    }
    step(&format!(
        "openapi-generator crate of {product}: dependencies"
    ));
    if let Err(e) = cargo(&dir, &target).args(["build"]).output() {
        results
            .notes
            .insert(key(product, "oag.build"), format!("cargo: {e}"));
        return None;
    }
    Some(OagCrate { dir, target })
}

/// Why openapi-generator's crate did not build: its own errors, or its dependencies.
pub(super) fn oag_failure(stderr: &str) -> String {
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
pub(super) fn fix_oag_model_paths(src: &Path) -> Result<usize, String> {
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

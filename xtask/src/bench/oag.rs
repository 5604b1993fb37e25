//! openapi-generator, the codegen and crate-build baseline: generating its Rust crate from Twilio's description
//! (timed), counting its lines, applying its one known fix and building its dependencies, so that `builds` can
//! time crate-only builds of it next to ours.

use super::Results;
use super::exec::{cargo, count_lines, median, rust_files, step, tail, timed};
use std::path::{Path, PathBuf};
use std::process::Command;

/// openapi-generator's crate, generated, fixed and with its dependencies built: ready for crate-only builds.
pub(super) struct OagCrate {
    pub(super) dir: PathBuf,
    pub(super) target: PathBuf,
}

pub(super) fn openapi_generator(
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

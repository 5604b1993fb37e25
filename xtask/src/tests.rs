//! `cargo test -p xtask`: committed generated code is fresh, generation is deterministic.

use crate::codegen::{Mode, SPEC, project_root, run_codegen};
use twilio_codegen::{Settings, generate};

#[test]
fn generated_code_is_fresh() {
    let root = project_root();
    if !root.join(SPEC).exists() {
        eprintln!("SKIPPED: {SPEC} not found");
        return;
    }
    if let Err(stale) = run_codegen(Mode::Check, None) {
        panic!("{stale}");
    }
}

#[test]
fn generation_is_deterministic() {
    let root = project_root();
    let path = [
        root.join(SPEC),
        root.join("../shared/twilio-oai/twilio_chat_v2.json"),
    ]
    .into_iter()
    .find(|p| p.exists());
    let Some(path) = path else {
        eprintln!("SKIPPED: no description found");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable description");
    let first = generate(&text, &Settings::chat_v2()).expect("generates");
    let second = generate(&text, &Settings::chat_v2()).expect("generates");
    assert_eq!(first, second);
}

/// Generates a standalone crate pair and builds it with `-D warnings`, sharing this workspace's lock file and one
/// target directory so dependencies compile once. Returns the client crate's generated file.
fn generate_and_build(spec: &std::path::Path, name: &str) -> String {
    let root = project_root();
    let out = root.join("target/twilio-oai-check/crates");
    if let Err(e) = crate::codegen::generate_standalone(spec, &out, name) {
        panic!("{e}");
    }
    let client_dir = out.join(name);
    std::fs::copy(root.join("Cargo.lock"), client_dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = std::process::Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(client_dir.join("Cargo.toml"))
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", root.join("target/twilio-oai-check"))
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "generated crate {name} from {} does not build:\n{}",
        spec.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(client_dir.join("src/generated/mod.rs")).expect("generated client")
}

#[test]
fn twilio_description_generates_crates_that_build() {
    let root = project_root();
    let spec = root.join("../shared/twilio-oai/twilio_chat_v2.json");
    if !spec.exists() {
        println!("SKIPPED: {} not found", spec.display());
        return;
    }
    let client = generate_and_build(&spec, "twilio-chat-v2-oai");
    let builders = client
        .matches("impl ::std::future::IntoFuture for ")
        .count();
    assert_eq!(
        builders, 54,
        "operations generated from twilio_chat_v2.json"
    );
    println!("twilio_chat_v2.json: {builders} operations generated, crates build");

    // The golden fixtures of twilio-codegen must compile too.
    let fixtures = root.join("crates/codegen/tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    for path in names {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().replace('_', "-"))
            .unwrap_or_default();
        generate_and_build(&path, &format!("fixture-{stem}"));
    }
}

#[test]
fn check_mode_reports_without_writing() {
    use crate::codegen::{FileState, ensure_file_contents};
    let dir = project_root().join("target/xtask-test");
    let path = dir.join("file.rs");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        ensure_file_contents(&path, "a\n", Mode::Overwrite),
        Ok(FileState::Written)
    );
    assert_eq!(
        ensure_file_contents(&path, "a\n", Mode::Overwrite),
        Ok(FileState::Fresh)
    );
    assert_eq!(
        ensure_file_contents(&path, "b\n", Mode::Check),
        Ok(FileState::Stale)
    );
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("a\n"));
}

#[test]
fn usage_errors() {
    let check = |args: &[&str], expected: &str| {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        match crate::run(&args) {
            Ok(()) => panic!("{args:?} should fail"),
            Err(e) => assert!(e.starts_with(expected), "{args:?}: {e}"),
        }
    };
    check(&[], "missing command");
    check(&["build"], "unknown command `build`");
    check(
        &["codegen", "--frobnicate"],
        "unknown argument `--frobnicate`",
    );
    check(&["codegen", "--spec"], "--spec needs a value");
    check(&["codegen", "--out", "x"], "--out and --name go together");
    check(
        &["codegen", "--out", "x", "--name", "y"],
        "--out needs --spec",
    );
    check(
        &["codegen", "--name", "a b"],
        "--name `a b` is not a valid package name",
    );
    check(
        &["codegen", "--spec", "/nonexistent.json"],
        "cannot read /nonexistent.json",
    );
}

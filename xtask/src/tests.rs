//! `cargo test -p xtask`: committed generated code is fresh, generation is deterministic.

/// Writes a line straight to stderr, past the test harness's output capture, so results and skips show on
/// every run's output.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use crate::codegen::{Mode, project_root, run_codegen};
use crate::products::PRODUCTS;
use twilio_codegen::{Settings, generate};

/// The description of the workspace's first product (Chat v2).
const SPEC: &str = PRODUCTS[0].spec;

#[test]
fn generated_code_is_fresh() {
    let root = project_root();
    if !root.join(SPEC).exists() {
        report!("SKIPPED: {SPEC} not found");
        return;
    }
    let products: Vec<_> = PRODUCTS.iter().collect();
    if let Err(stale) = run_codegen(Mode::Check, &products, None) {
        panic!("{stale}");
    }
}

#[test]
fn generation_is_deterministic() {
    let root = project_root();
    let shared = root.join("../shared/twilio-oai");
    let paths: Vec<_> = std::iter::once(root.join(SPEC))
        .chain(SHARED.iter().map(|(file, _)| shared.join(file)))
        .filter(|p| p.exists())
        .collect();
    if paths.is_empty() {
        report!("SKIPPED: no description found");
        return;
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable description");
        // The conformance dispatch, route table and webhook events are generated for our own description only.
        let settings = if path.ends_with(SPEC) {
            PRODUCTS[0].settings(SPEC)
        } else {
            Settings::new("twilio.json", "twilio-models", "twilio")
        };
        let first = generate(&text, &settings).expect("generates");
        let second = generate(&text, &settings).expect("generates");
        assert!(
            first == second,
            "{} generates differently twice",
            path.display()
        );
    }
}

/// Twilio's descriptions the generator must handle, beside the checkout in `../shared/twilio-oai`, with the
/// number of operations each has.
const SHARED: &[(&str, usize)] = &[
    ("twilio_chat_v2.json", 54),
    ("twilio_api_v2010.json", 197),
    ("twilio_conversations_v1.json", 103),
    ("twilio_content_v1.json", 9),
];

/// Generates a crate pair per description (path, crate name) into one temporary workspace under
/// `target/twilio-oai-check`, printing one line per description, then checks the whole workspace in one cargo
/// invocation with clippy `-D warnings` (every rustc warning and clippy lint is an error) and documents it with
/// rustdoc `-D warnings`. One workspace and one target directory, so dependencies compile once and cargo schedules
/// all crates together.
fn generate_and_check(specs: &[(std::path::PathBuf, String, Option<usize>)]) {
    use crate::codegen::{Layout, Mode, ensure_file_contents, generate_crates};
    let root = project_root();
    let target = root.join("target/twilio-oai-check");
    let out = target.join("workspace");
    let runtime = crate::codegen::RuntimeDep::Path(root.join("crates/runtime"));
    let mut members = Vec::new();
    for (spec, name, expected) in specs {
        let started = std::time::Instant::now();
        let pair = generate_crates(spec, &out, name, Layout::Member, &runtime)
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some(expected) = expected {
            let file = spec.file_name().unwrap_or_default().to_string_lossy();
            assert_eq!(
                pair.operations, *expected,
                "operations generated from {file}"
            );
            report!(
                "{file}: {} operations, {} generated lines, generated in {:.2} s",
                pair.operations,
                pair.generated_lines,
                started.elapsed().as_secs_f64()
            );
        }
        members.push(format!("\"{name}\", \"{name}-models\""));
    }
    // Hand-written tests of the fixtures' generated code (oneOf, RFC 2822, v2010 pages, AccountSid default).
    let fixtures_present = [
        "one-of",
        "rfc2822",
        "additional-properties",
        "recursive",
        "v2010-page",
        "account-sid-default",
        "binary-body",
    ]
    .iter()
    .all(|f| {
        specs
            .iter()
            .any(|(_, name, _)| *name == format!("fixture-{f}"))
    });
    if fixtures_present {
        let runtime = root.join("crates/runtime");
        let behaviour_manifest = format!(
            r#"[package]
name = "generated-behaviour"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
fixture-one-of-models = {{ path = "../fixture-one-of-models" }}
fixture-rfc2822-models = {{ path = "../fixture-rfc2822-models" }}
fixture-recursive-models = {{ path = "../fixture-recursive-models" }}
fixture-additional-properties-models = {{ path = "../fixture-additional-properties-models" }}
fixture-v2010-page = {{ path = "../fixture-v2010-page" }}
fixture-account-sid-default = {{ path = "../fixture-account-sid-default" }}
fixture-binary-body = {{ path = "../fixture-binary-body" }}
twilio-rest-runtime = {{ path = "{}" }}
twilio-rest-time = {{ path = "{}" }}
serde_json = "1"
tokio = {{ version = "1.44", default-features = false, features = ["macros", "rt-multi-thread"] }}
futures-util = {{ version = "0.3", default-features = false, features = ["std"] }}
httpmock = {{ version = "0.8", default-features = false }}
"#,
            runtime.display(),
            root.join("crates/time").display()
        );
        let source = std::fs::read_to_string(root.join("crates/codegen/tests/behaviour/lib.rs"))
            .expect("behaviour tests");
        for (rel, contents) in [
            (
                "generated-behaviour/Cargo.toml",
                behaviour_manifest.as_str(),
            ),
            ("generated-behaviour/src/lib.rs", source.as_str()),
        ] {
            ensure_file_contents(&out.join(rel), contents, Mode::Overwrite)
                .expect("behaviour crate");
        }
        members.push("\"generated-behaviour\"".to_owned());
    }
    let manifest = format!(
        "# Written by `cargo test -p xtask`: crates generated from Twilio's descriptions and the codegen fixtures.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    ensure_file_contents(&out.join("Cargo.toml"), &manifest, Mode::Overwrite)
        .expect("workspace manifest");
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let run = |args: &[&str], after: &[&str]| {
        let started = std::time::Instant::now();
        let output = std::process::Command::new(&cargo)
            .args(args)
            .args(["--offline", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .args(after)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTDOCFLAGS", "-D warnings")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "generated crates do not pass `cargo {}`:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        report!(
            "cargo {} ({} workspace members): {:.1} s",
            args.join(" "),
            members.len(),
            started.elapsed().as_secs_f64()
        );
    };
    run(
        &["clippy", "--workspace", "--all-targets"],
        &["--", "-D", "warnings"],
    );
    run(&["doc", "--workspace", "--no-deps"], &[]);
    if fixtures_present {
        run(&["test", "-p", "generated-behaviour"], &[]);
    }
}

#[test]
fn twilio_descriptions_generate_crates_that_build() {
    let root = project_root();
    let shared = root.join("../shared/twilio-oai");
    let mut specs = Vec::new();
    for (file, expected) in SHARED {
        let spec = shared.join(file);
        if !spec.exists() {
            report!("SKIPPED: {} not found", spec.display());
            continue;
        }
        let name = format!("{}-oai", file.trim_end_matches(".json").replace('_', "-"));
        specs.push((spec, name, Some(*expected)));
    }
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
        specs.push((path, format!("fixture-{stem}"), None));
    }
    generate_and_check(&specs);
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
fn standalone_crates_depend_on_the_runtime_by_path_or_version() {
    use crate::codegen::{Layout, RuntimeDep, generate_crates};
    let root = project_root();
    let out = root.join("target/xtask-test/runtime-dep");
    let fixtures = root.join("crates/codegen/tests/fixtures");
    let manifest = |name: &str| {
        std::fs::read_to_string(out.join(name).join("Cargo.toml")).expect("client manifest")
    };
    let by_version = RuntimeDep::Version("0.1".to_owned());
    generate_crates(
        &fixtures.join("no_schemas.json"),
        &out,
        "by-version",
        Layout::Standalone,
        &by_version,
    )
    .expect("generates");
    assert!(
        manifest("by-version")
            .contains("twilio-rest-runtime = \"0.1\"\ntwilio-rest-time = \"0.1\"\n"),
        "{}",
        manifest("by-version")
    );
    let models_manifest = |name: &str| {
        std::fs::read_to_string(out.join(format!("{name}-models")).join("Cargo.toml"))
            .expect("models manifest")
    };
    assert!(
        models_manifest("by-version").contains("twilio-rest-time = \"0.1\"\n"),
        "{}",
        models_manifest("by-version")
    );
    let runtime = root.join("crates/runtime");
    let by_path = RuntimeDep::Path(runtime.clone());
    generate_crates(
        &fixtures.join("no_schemas.json"),
        &out,
        "by-path",
        Layout::Standalone,
        &by_path,
    )
    .expect("generates");
    assert!(manifest("by-path").contains(&format!(
        "twilio-rest-runtime = {{ path = \"{}\" }}",
        runtime.display()
    )));
    assert!(models_manifest("by-path").contains(&format!(
        "twilio-rest-time = {{ path = \"{}\" }}",
        root.join("crates/time").display()
    )));
    // No component schemas: the models crate re-exports nothing (an empty glob import would warn).
    let models_lib =
        std::fs::read_to_string(out.join("by-path-models/src/lib.rs")).expect("lib.rs");
    assert!(
        !models_lib.contains("pub use generated::*;"),
        "{models_lib}"
    );
    generate_crates(
        &fixtures.join("enum.json"),
        &out,
        "with-models",
        Layout::Standalone,
        &by_path,
    )
    .expect("generates");
    let models_lib =
        std::fs::read_to_string(out.join("with-models-models/src/lib.rs")).expect("lib.rs");
    assert!(models_lib.contains("pub use generated::*;"), "{models_lib}");
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
    check(
        &["codegen", "--runtime-version", "0.1"],
        "--runtime-version needs --out",
    );
    check(
        &["codegen", "--runtime-version", ""],
        "--runtime-version `` is not a version requirement",
    );
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
        "--spec needs exactly one product (--product NAME)",
    );
    check(
        &[
            "codegen",
            "--product",
            "chat-v2",
            "--spec",
            "/nonexistent.json",
        ],
        "cannot read /nonexistent.json",
    );
    check(
        &["codegen", "--product", "chat-v4"],
        "no product `chat-v4` (products: chat-v2, conversations-v1, chat-v3)",
    );
}

/// Rewrites every `description` and `summary` text of a description given as JSON text (operations, parameters,
/// schemas, examples, the webhook extension), keeping everything else byte for byte, key order included. Returns
/// the new text and how many texts it rewrote.
fn reword(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut count = 0;
    loop {
        let next = ["\"description\": \"", "\"summary\": \""]
            .iter()
            .filter_map(|key| rest.find(key).map(|at| (at, key.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return (out, count);
        };
        out.push_str(&rest[..at + len]);
        rest = &rest[at + len..];
        // The end of the string literal: the first quote not escaped by a backslash.
        let mut end = 0;
        let bytes = rest.as_bytes();
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        count += 1;
        out.push_str(&format!(
            "Reworded text number {count}, by SID or unique name or identity."
        ));
        rest = &rest[end.min(rest.len())..];
    }
}

/// The generated text without doc comments.
fn without_docs(text: &str) -> String {
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("///") && !line.starts_with("//!")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn english_text_changes_only_doc_comments() {
    for product in PRODUCTS {
        let path = project_root().join(product.spec);
        let Ok(text) = std::fs::read_to_string(&path) else {
            report!("SKIPPED: {} not found", product.spec);
            continue;
        };
        let (reworded, count) = reword(&text);
        serde_json::from_str::<serde_json::Value>(&reworded).expect("still JSON");
        // Chat v3 has one operation (38 texts); the others have hundreds.
        assert!(count > 30, "{}: only {count} texts reworded", product.spec);
        let settings = product.settings(product.spec);
        let before = generate(&text, &settings).expect("generates");
        let after = generate(&reworded, &settings).expect("generates reworded");
        assert_eq!(
            before.files.keys().collect::<Vec<_>>(),
            after.files.keys().collect::<Vec<_>>()
        );
        let mut docs_changed = 0;
        for (file, generated) in &before.files {
            let other = &after.files[file];
            if generated != other {
                docs_changed += 1;
            }
            assert!(
                without_docs(generated) == without_docs(other),
                "{file}: rewording the description's English text changed more than doc comments"
            );
        }
        assert!(docs_changed > 0, "the reworded texts reach the docs");
        report!(
            "{}: {count} texts reworded, {docs_changed} files differ in doc comments only",
            product.spec
        );
    }
}

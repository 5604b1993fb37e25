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

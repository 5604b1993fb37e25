//! Golden outputs: each fixture description in `fixtures/` generates a models file and a client file, snapshotted
//! together in `snapshots/`. Accept changes with `INSTA_UPDATE=always cargo test -p twilio-codegen`, then review.

use twilio_codegen::{Settings, generate};

fn check(spec: &str) -> String {
    let settings = Settings::new("fixture.json", "fixture-models", "fixture");
    let generated = match generate(spec, &settings) {
        Ok(generated) => generated,
        Err(e) => panic!("fixture does not generate: {e}"),
    };
    let mut out = format!(
        "structs: {}, enums: {}, operations: {}\n",
        generated.structs, generated.enums, generated.operations
    );
    for (path, contents) in &generated.files {
        out.push_str(&format!("\n===== {path} =====\n{contents}"));
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.json", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        insta::assert_snapshot!(check(&spec));
    });
}

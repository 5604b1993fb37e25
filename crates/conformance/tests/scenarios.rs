//! Replays every scenario under `scenarios/` through the generated client and pins each outcome as an insta YAML
//! snapshot in `tests/snapshots/` (one per scenario file). A scenario whose requests differ from what it expects
//! fails with the sent and expected requests side by side.

use std::cell::RefCell;

#[test]
fn scenarios() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let failures = RefCell::new(Vec::new());
    insta::glob!("../scenarios", "**/*.json", |path| {
        let scenario = match conformance::load(path) {
            Ok(scenario) => scenario,
            Err(e) => return failures.borrow_mut().push(e),
        };
        match runtime.block_on(conformance::replay(&scenario)) {
            Ok(outcome) => {
                insta::with_settings!({
                    description => scenario.description.clone(),
                    omit_expression => true,
                    filters => vec![(r"http://127\.0\.0\.1:\d+", "[mock]"), (r"127\.0\.0\.1:\d+", "[mock-host]")],
                }, {
                    insta::assert_yaml_snapshot!(outcome);
                });
            }
            Err(e) => failures.borrow_mut().push(e),
        }
    });
    let failures = failures.into_inner();
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

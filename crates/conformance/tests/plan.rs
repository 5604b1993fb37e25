//! The recording plan `plans/operations.json` still records against the local service: every step succeeds,
//! every recording replays through the harness, and each recorded request (method, path, query, form, headers)
//! is the one the committed scenario expects, so the committed files are what the plan records (only the
//! service's answers, dates above all, may differ between two recordings).

use std::path::Path;

use conformance::plan::{Plan, run_plan_locally};

#[test]
fn the_plan_records_the_committed_requests_and_each_recording_replays() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/operations.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let plan = Plan::from_json(&text, "plans/operations.json").unwrap_or_else(|e| panic!("{e}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let recorded = runtime
        .block_on(run_plan_locally(&plan, "plans/operations.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let expected_count = plan.steps.iter().filter(|s| s.record.is_some()).count();
    assert_eq!(recorded.len(), expected_count);
    let mut problems = Vec::new();
    for scenario in &recorded {
        if let Err(e) = runtime.block_on(conformance::replay(scenario)) {
            problems.push(format!("fresh recording does not replay: {e}"));
        }
        let file = conformance::scenarios_dir().join(format!("{}.json", scenario.name));
        match conformance::load(&file) {
            Ok(committed) => {
                let sent: Vec<_> = scenario.exchanges.iter().map(|e| &e.request).collect();
                let kept: Vec<_> = committed.exchanges.iter().map(|e| &e.request).collect();
                if sent != kept || scenario.call != committed.call {
                    problems.push(format!(
                        "{}: the plan now sends other requests than the committed file: re-record with \
                         `cargo run -p conformance --bin record -- --plan crates/conformance/plans/operations.json --local`",
                        scenario.name
                    ));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

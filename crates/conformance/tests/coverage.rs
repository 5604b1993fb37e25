//! Every operation of `spec/chat-v2.json` has at least one scenario, the dispatcher has exactly one arm per
//! operation, and every scenario file names itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn spec_operations() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/chat-v2.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut ids = BTreeSet::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "delete", "put", "patch"].contains(&method.as_str()) {
                ids.insert(op["operationId"].as_str().expect("operationId").to_owned());
            }
        }
    }
    ids
}

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("scenario folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_operation_has_a_scenario() {
    let mut files = Vec::new();
    scenario_files(&conformance::scenarios_dir(), &mut files);
    let covered: BTreeSet<String> = files
        .iter()
        .map(|p| {
            conformance::load(p)
                .unwrap_or_else(|e| panic!("{e}"))
                .call
                .operation
        })
        .collect();
    let missing: Vec<_> = spec_operations()
        .into_iter()
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a scenario: {missing:?}"
    );
}

#[test]
fn dispatcher_knows_exactly_the_spec_operations() {
    let known: BTreeSet<String> = conformance::dispatch::OPERATIONS
        .iter()
        .map(|(id, _, _)| (*id).to_owned())
        .collect();
    assert_eq!(known, spec_operations());
}

#[test]
fn scenario_names_match_their_files() {
    let root = conformance::scenarios_dir();
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    for path in files {
        let scenario = conformance::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let rel = path
            .strip_prefix(&root)
            .expect("under root")
            .with_extension("");
        let rel = rel.to_string_lossy().replace('\\', "/");
        assert_eq!(
            scenario.name,
            rel,
            "{}: `name` must be the path without .json",
            path.display()
        );
    }
}

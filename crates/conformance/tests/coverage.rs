//! Every operation of every product (`spec/chat-v2.json`, `spec/conversations-v1.json`, `spec/chat-v3.json`) has
//! a scenario of ours, `scenarios/operations/<product folder>/<operationId>.json`, that calls it; Twilio's
//! recorded scenarios, when they are beside the checkout, name only described operations; the dispatcher of each product has exactly
//! one arm per operation; and every scenario file names itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use conformance::Product;

fn spec_operations(product: Product) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(format!("{}.json", product.name()));
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

/// The folder of Twilio's recorded scenarios of `product` beside the checkout, when it is there.
fn recorded_folder(product: Product) -> Option<PathBuf> {
    let name = match product {
        Product::ChatV2 => "twilio-python",
        Product::ChatV3 => "twilio-python-chat-v3",
        Product::ConversationsV1 => "twilio-python-conversations-v1",
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/scenarios")
        .join(name);
    dir.is_dir().then_some(dir)
}

/// Operations of Twilio's recorded scenarios (`<operationId>__<test>.json`).
fn recorded_operations(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("recorded scenario folder")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (op, _) = name.split_once("__")?;
            Some(op.to_owned())
        })
        .collect()
}

/// The folder under `scenarios/` holding one scenario of ours per operation of `product`.
fn operations_folder(product: Product) -> &'static str {
    match product {
        Product::ChatV2 => "operations",
        Product::ChatV3 => "operations/chat-v3",
        Product::ConversationsV1 => "operations/conversations-v1",
    }
}

#[test]
fn every_operation_has_a_scenario_of_ours() {
    let root = conformance::scenarios_dir();
    let mut problems = Vec::new();
    for product in Product::ALL {
        let folder = root.join(operations_folder(product));
        for operation in spec_operations(product) {
            let path = folder.join(format!("{operation}.json"));
            if !path.is_file() {
                problems.push(format!("{}: missing", path.display()));
                continue;
            }
            match conformance::load(&path) {
                Ok(scenario)
                    if scenario.call.product == product && scenario.call.operation == operation => {
                }
                Ok(scenario) => problems.push(format!(
                    "{}: calls {} {} instead",
                    path.display(),
                    scenario.call.product.name(),
                    scenario.call.operation
                )),
                Err(e) => problems.push(e),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "operations without a scenario of ours ({}):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Twilio's recorded scenarios, when present, name only operations of the description (a renamed or removed
/// operation would leave recordings that no longer replay anything).
#[test]
fn twilio_recordings_name_described_operations() {
    for product in Product::ALL {
        let Some(dir) = recorded_folder(product) else {
            eprintln!(
                "{}: Twilio's recorded scenarios SKIPPED (not found beside the checkout)",
                product.name()
            );
            continue;
        };
        let recorded = recorded_operations(&dir);
        let described = spec_operations(product);
        let unknown: Vec<_> = recorded.difference(&described).collect();
        assert!(
            !recorded.is_empty() && unknown.is_empty(),
            "{}: {} recorded operations, unknown to the description: {unknown:?}",
            dir.display(),
            recorded.len()
        );
    }
}

#[test]
fn dispatcher_knows_exactly_the_spec_operations() {
    for product in Product::ALL {
        let known: BTreeSet<String> = conformance::dispatch::operations(product)
            .iter()
            .map(|(id, _, _)| (*id).to_owned())
            .collect();
        assert_eq!(known, spec_operations(product), "{}", product.name());
    }
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

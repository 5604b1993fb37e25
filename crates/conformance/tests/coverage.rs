//! Every operation of every product (`spec/chat-v2.json`, `spec/conversations-v1.json`, `spec/chat-v3.json`) has
//! at least one scenario, ours or Twilio's recorded ones; the dispatcher of each product has exactly one arm per
//! operation; and every scenario file names itself.

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

#[test]
fn every_operation_has_a_scenario() {
    let mut files = Vec::new();
    scenario_files(&conformance::scenarios_dir(), &mut files);
    let ours: BTreeSet<(Product, String)> = files
        .iter()
        .map(|p| {
            let call = conformance::load(p).unwrap_or_else(|e| panic!("{e}")).call;
            (call.product, call.operation)
        })
        .collect();
    for product in Product::ALL {
        let mut covered: BTreeSet<String> = ours
            .iter()
            .filter(|(p, _)| *p == product)
            .map(|(_, op)| op.clone())
            .collect();
        if product == Product::ChatV2 {
            // Our own scenarios cover every Chat v2 operation by themselves.
            assert_covered(product, &covered, "of ours ");
        }
        match recorded_folder(product) {
            Some(dir) => covered.extend(recorded_operations(&dir)),
            None => {
                eprintln!(
                    "{}: Twilio's recorded scenarios SKIPPED (not found beside the checkout)",
                    product.name()
                );
                continue;
            }
        }
        assert_covered(product, &covered, "");
    }
}

/// Fails naming the operations of `product` that `covered` lacks.
fn assert_covered(product: Product, covered: &BTreeSet<String>, whose: &str) {
    let missing: Vec<_> = spec_operations(product)
        .difference(covered)
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "{} operations without a scenario {whose}: {missing:?}",
        product.name()
    );
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

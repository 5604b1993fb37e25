//! The auth, encoding, error and pagination suites (`scenarios/{auth,encoding,errors,pagination}/`, written
//! against Chat v2) run against every product's client without being copied: each scenario is translated to the
//! product's equivalent operation the way Twilio maps Chat onto its successors (a channel is a conversation of
//! the same service, `ServiceSid` is `ChatServiceSid`, `/v2/Services/{IS}/Channels` is
//! `/v1/Services/{IS}/Conversations`; Chat v3 is Chat v2's path under `/v3`), replayed, and must behave as the
//! Chat v2 original does: the same requests (the harness checks every one), the same success or the same error
//! (kind, status, Twilio code, predicates), the same number of records. Each translated outcome is pinned with
//! insta. A scenario whose operation or arguments have no equivalent is listed as not applicable.

use std::cell::RefCell;

use conformance::{Product, Scenario};
use serde_json::{Value, json};

/// Chat v2 operationId -> the product's operationId.
fn equivalent(product: Product, operation: &str) -> Option<&'static str> {
    match (product, operation) {
        (Product::ConversationsV1, op) => Some(match op {
            "FetchService" => "FetchService",
            "CreateService" => "CreateService",
            "ListChannel" => "ListServiceConversation",
            "FetchChannel" => "FetchServiceConversation",
            "UpdateChannel" => "UpdateServiceConversation",
            "DeleteChannel" => "DeleteServiceConversation",
            "ListMessage" => "ListServiceConversationMessage",
            "FetchMessage" => "FetchServiceConversationMessage",
            "DeleteMessage" => "DeleteServiceConversationMessage",
            "DeleteRole" => "DeleteServiceRole",
            _ => return None,
        }),
        (Product::ChatV3, "UpdateChannel") => Some("UpdateChannel"),
        _ => None,
    }
}

/// Text replacements that move a Chat v2 scenario (paths, URLs, page keys, record fields) to `product`.
fn rewrites(product: Product) -> &'static [(&'static str, &'static str)] {
    match product {
        Product::ChatV2 => &[],
        Product::ChatV3 => &[("/v2/", "/v3/")],
        Product::ConversationsV1 => &[
            ("/v2/Services", "/v1/Services"),
            ("/Channels", "/Conversations"),
            ("\"channels\"", "\"conversations\""),
            ("\"service_sid\"", "\"chat_service_sid\""),
            ("\"channel_sid\"", "\"conversation_sid\""),
            ("\"from\"", "\"author\""),
        ],
    }
}

/// Argument renames from Chat v2 to `product`.
fn argument(product: Product, name: &str) -> String {
    match (product, name) {
        (Product::ConversationsV1, "ServiceSid") => "ChatServiceSid".to_owned(),
        (Product::ConversationsV1, "ChannelSid") => "ConversationSid".to_owned(),
        _ => name.to_owned(),
    }
}

/// Scenarios whose point is a field that the product's record does not have, or has with another type.
fn model_difference(product: Product, scenario: &str) -> Option<&'static str> {
    match (product, scenario) {
        (Product::ConversationsV1, "errors/wrong-field-type") => {
            Some("a Conversations service has no `typing_indicator_timeout` to break")
        }
        (Product::ConversationsV1, "pagination/records-by-meta-key") => {
            Some("a Chat message's `media` object is an array in Conversations")
        }
        _ => None,
    }
}

/// The scenario for `product`, or why it does not apply.
fn translate(scenario: &Scenario, product: Product) -> Result<Scenario, String> {
    if let Some(why) = model_difference(product, &scenario.name) {
        return Err(why.to_owned());
    }
    let operation = equivalent(product, &scenario.call.operation)
        .ok_or_else(|| format!("no equivalent of {}", scenario.call.operation))?;
    let (_, template) = conformance::dispatch::operation(product, operation)
        .ok_or_else(|| format!("{operation} is not an operation of {}", product.name()))?;
    let mut text = serde_json::to_string(scenario).map_err(|e| e.to_string())?;
    for (from, to) in rewrites(product) {
        text = text.replace(from, to);
    }
    let mut translated: Scenario = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    translated.call.product = product;
    translated.call.operation = operation.to_owned();
    translated.call.args = scenario
        .call
        .args
        .iter()
        .map(|(k, v)| (argument(product, k), v.clone()))
        .collect();
    for name in translated.call.args.keys() {
        let in_path = template.contains(&format!("{{{name}}}"));
        if !in_path && !takes(product, operation, name) {
            return Err(format!("{operation} takes no `{name}`"));
        }
    }
    Ok(translated)
}

/// Whether `product`'s `operation` takes the query, form or header parameter `name`, read from the description.
fn takes(product: Product, operation: &str, name: &str) -> bool {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(format!("{}.json", product.name()));
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(spec) = serde_json::from_str::<Value>(&text) else {
        return false;
    };
    let Some(paths) = spec["paths"].as_object() else {
        return false;
    };
    paths
        .values()
        .flat_map(|item| item.as_object())
        .flatten()
        .any(|(_, op)| {
            op["operationId"] == operation && {
                let params = op["parameters"].as_array().into_iter().flatten();
                let mut form =
                        op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
                            ["properties"]
                            .as_object()
                            .into_iter()
                            .flat_map(|p| p.keys());
                params.filter_map(|p| p["name"].as_str()).any(|n| n == name)
                    || form.any(|n| n == name)
            }
        })
}

/// What must be the same across products: success or the error's kind, status, code and predicates, and the
/// number of records.
fn behaviour(outcome: &Value) -> Value {
    let count = |v: &Value| v.as_array().map(Vec::len);
    let error = outcome.get("error").map(|e| {
        json!({"kind": e["kind"], "status": e["status"], "code": e["code"], "flags": e.get("flags")})
    });
    json!({
        "ok": outcome.get("ok").map(|ok| count(ok).map_or(json!("value"), |n| json!(n))),
        "items": outcome.get("items").and_then(count),
        "error": error,
    })
}

fn suite_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("scenario folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for suite in ["auth", "encoding", "errors", "pagination"] {
        walk(&conformance::scenarios_dir().join(suite), &mut files);
    }
    files.sort();
    files
}

#[test]
fn shared_suites_run_against_every_product() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let failures = RefCell::new(Vec::new());
    let mut ran = std::collections::BTreeMap::<&str, (usize, Vec<String>)>::new();
    for path in suite_files() {
        let scenario = conformance::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let original = runtime
            .block_on(conformance::replay(&scenario))
            .unwrap_or_else(|e| panic!("{e}"));
        for product in [Product::ConversationsV1, Product::ChatV3] {
            let entry = ran.entry(product.name()).or_default();
            let translated = match translate(&scenario, product) {
                Ok(translated) => translated,
                Err(why) => {
                    entry.1.push(format!("{} ({why})", scenario.name));
                    continue;
                }
            };
            entry.0 += 1;
            match runtime.block_on(conformance::replay(&translated)) {
                Ok(outcome) => {
                    if behaviour(&outcome) != behaviour(&original) {
                        failures.borrow_mut().push(format!(
                            "{} on {}: behaves as {} where Chat v2 behaves as {}",
                            scenario.name,
                            product.name(),
                            behaviour(&outcome),
                            behaviour(&original)
                        ));
                    }
                    insta::with_settings!({
                        description => scenario.description.clone(),
                        omit_expression => true,
                        filters => vec![(r"http://127\.0\.0\.1:\d+", "[mock]"), (r"127\.0\.0\.1:\d+", "[mock-host]")],
                    }, {
                        insta::assert_yaml_snapshot!(
                            format!("{}__{}", product.name(), scenario.name.replace('/', "__")),
                            outcome
                        );
                    });
                }
                Err(e) => failures.borrow_mut().push(format!(
                    "{} on {}: {e}",
                    scenario.name,
                    product.name()
                )),
            }
        }
    }
    for (product, (count, skipped)) in &ran {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "shared suites on {product}: {count} scenarios replayed; not applicable: {}",
            skipped.len()
        );
    }
    // Every suite applies to Conversations except what has no counterpart there (a Chat channel type filter).
    let (conversations, skipped) = &ran["conversations-v1"];
    assert!(
        *conversations >= 40,
        "only {conversations} shared scenarios ran on Conversations: {skipped:?}"
    );
    assert!(ran["chat-v3"].0 >= 1, "no shared scenario ran on Chat v3");
    let failures = failures.into_inner();
    assert!(
        failures.is_empty(),
        "{} translated scenario(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

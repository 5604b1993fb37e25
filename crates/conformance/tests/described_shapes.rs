//! The answers in our Conversations v1 and Chat v3 operation scenarios (most recorded from the local service) are
//! in the shape the product's description gives: the status is one the operation describes, a described JSON
//! answer has exactly the described members (for a page: the described members, the records' members and
//! `meta`'s members), and an answer described without a body has none.

use std::collections::BTreeSet;
use std::path::Path;

use conformance::Product;
use serde_json::Value;

fn spec(product: Product) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(format!("{}.json", product.name()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `value` with its `$ref`s followed (local references only).
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> Result<&'a Value, String> {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        value = reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .ok_or_else(|| format!("unresolved reference `{reference}`"))?;
    }
    Ok(value)
}

/// The names of the members a schema describes.
fn members(spec: &Value, schema: &Value) -> Result<BTreeSet<String>, String> {
    Ok(resolve(spec, schema)?
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default())
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Compares `body` with the members `schema` describes; a page (a `meta` member beside one array member) also has
/// its first record and its `meta` compared.
fn check_body(spec: &Value, schema: &Value, body: &Value) -> Result<(), String> {
    let schema = resolve(spec, schema)?;
    let described = members(spec, schema)?;
    let mut problems = Vec::new();
    let mut compare = |at: &str, described: &BTreeSet<String>, got: &BTreeSet<String>| {
        let missing: Vec<_> = described.difference(got).collect();
        let extra: Vec<_> = got.difference(described).collect();
        if !missing.is_empty() || !extra.is_empty() {
            problems.push(format!(
                "{at}: missing {missing:?}, not described {extra:?}"
            ));
        }
    };
    compare("answer", &described, &keys(body));
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(properties) = properties.filter(|p| p.contains_key("meta")) {
        for (name, property) in properties {
            let property = resolve(spec, property)?;
            if name == "meta" {
                compare("meta", &members(spec, property)?, &keys(&body["meta"]));
            } else if property.get("type").and_then(Value::as_str) == Some("array")
                && let Some(first) = body[name].as_array().and_then(|r| r.first())
            {
                let items = property.get("items").unwrap_or(&Value::Null);
                compare(&format!("{name}[0]"), &members(spec, items)?, &keys(first));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The described operation `operation_id`: its responses object.
fn responses<'a>(spec: &'a Value, operation_id: &str) -> Option<&'a Value> {
    spec["paths"]
        .as_object()?
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op["operationId"] == operation_id)
        .map(|op| &op["responses"])
}

fn check_scenario(spec: &Value, path: &Path) -> Result<(), String> {
    let scenario = conformance::load(path)?;
    let operation = &scenario.call.operation;
    let responses =
        responses(spec, operation).ok_or_else(|| format!("`{operation}` is not described"))?;
    let answer = &scenario.exchanges.last().ok_or("no exchange")?.response;
    let status = answer.status.to_string();
    let described = resolve(
        spec,
        responses
            .get(&status)
            .ok_or_else(|| format!("status {status} is not described for `{operation}`"))?,
    )?;
    let body = answer.body.as_ref().filter(|b| !b.is_null());
    match (described.pointer("/content/application~1json/schema"), body) {
        (Some(schema), Some(body)) => check_body(spec, schema, body),
        (Some(_), None) => Err(format!(
            "status {status}: described with a JSON body, none recorded"
        )),
        (None, Some(_)) => Err(format!(
            "status {status}: described without a body, one recorded"
        )),
        (None, None) => Ok(()),
    }
}

#[test]
fn operation_scenarios_answer_in_the_described_shape() {
    let root = conformance::scenarios_dir().join("operations");
    let mut problems = Vec::new();
    let mut checked = 0;
    for (product, folder) in [
        (Product::ConversationsV1, "conversations-v1"),
        (Product::ChatV3, "chat-v3"),
    ] {
        let spec = spec(product);
        let dir = root.join(folder);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for path in files {
            checked += 1;
            if let Err(e) = check_scenario(&spec, &path) {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
    }
    assert!(checked > 100, "only {checked} scenarios checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_member_too_many_or_too_few_is_reported() {
    let spec = serde_json::json!({
        "components": {"schemas": {
            "thing": {"properties": {"sid": {}, "name": {}}},
            "page": {"properties": {"things": {"type": "array", "items": {"$ref": "#/components/schemas/thing"}},
                                    "meta": {"properties": {"key": {}}}}}
        }}
    });
    let thing = serde_json::json!({"$ref": "#/components/schemas/thing"});
    assert_eq!(
        check_body(&spec, &thing, &serde_json::json!({"sid": "X", "name": "n"})),
        Ok(())
    );
    assert_eq!(
        check_body(&spec, &thing, &serde_json::json!({"sid": "X", "extra": 1})),
        Err(r#"answer: missing ["name"], not described ["extra"]"#.to_owned())
    );
    let page = serde_json::json!({"$ref": "#/components/schemas/page"});
    assert_eq!(
        check_body(
            &spec,
            &page,
            &serde_json::json!({"things": [{"sid": "X"}], "meta": {"key": "things", "url": "u"}})
        ),
        Err(r#"meta: missing [], not described ["url"]; things[0]: missing ["name"], not described []"#.to_owned())
    );
}

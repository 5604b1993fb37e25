//! The evidence behind our extension `x-twilio-always-sent` (see `spec/README.md`): for every property of every
//! record schema of our descriptions, in how many records it is present and not `null`, present as `null`, or
//! absent, counted in two sources:
//!
//! - the answers Twilio's own helper library was tested against, recorded in `../shared/scenarios/` beside the
//!   workspace (the `kind: response` scenarios; the records of a page are its array members);
//! - the examples of our descriptions' success responses.
//!
//! The test `always_sent_fields_are_never_missing` fails when a property declared always sent is absent or `null`
//! in any record of either source, or when a property other than a record's SIDs, `url` and `date_created` is
//! declared always sent on a schema no recorded answer holds (there is no evidence for it). It prints, per
//! description, every declared property with its counts, then the properties that every recorded record carries
//! but the description leaves optional: the candidates, with the reason each is not declared left to
//! `spec/README.md`. Without the scenarios it prints SKIPPED and checks the examples only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod support;

use support::{ALWAYS_SENT, RECORD_FIELDS, declared_always_sent, resolve};

/// Each description and the folder of `../shared/scenarios/` recorded against the same API.
const PRODUCTS: [(&str, &str); 3] = [
    ("spec/chat-v2.json", "twilio-python"),
    (
        "spec/conversations-v1.json",
        "twilio-python-conversations-v1",
    ),
    ("spec/chat-v3.json", "twilio-python-chat-v3"),
];

/// How often one property was seen, per source.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Seen {
    /// Present and not `null`.
    value: usize,
    /// Present as `null`.
    null: usize,
    /// Absent.
    absent: usize,
}

impl Seen {
    fn records(self) -> usize {
        self.value + self.null + self.absent
    }

    /// Present and not `null` in every record (vacuously true without records).
    fn always(self) -> bool {
        self.null == 0 && self.absent == 0
    }
}

impl std::fmt::Display for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.value, self.records())?;
        if self.null > 0 {
            write!(f, " ({} null)", self.null)?;
        }
        if self.absent > 0 {
            write!(f, " ({} absent)", self.absent)?;
        }
        Ok(())
    }
}

/// The counts of one description, keyed by `(schema, property)`, for every property of every component schema
/// that records are decoded into.
#[derive(Debug, Default)]
struct Counts {
    recorded: BTreeMap<(String, String), Seen>,
    examples: BTreeMap<(String, String), Seen>,
    /// Records seen per schema in the recorded answers.
    recorded_records: BTreeMap<String, usize>,
}

/// One line of the summary: a record schema's properties declared always sent, those never missing but not
/// declared, and how many records of it were seen.
#[derive(Debug, Default)]
struct SchemaLine<'a> {
    declared: Vec<&'a str>,
    candidates: Vec<&'a str>,
    recorded: usize,
    examples: usize,
}

/// Where a count goes.
#[derive(Debug, Clone, Copy)]
enum Source {
    Recorded,
    Example,
}

#[test]
fn always_sent_fields_are_never_missing() {
    let mut failures = Vec::new();
    for (spec, folder) in PRODUCTS {
        let doc = load(&workspace().join(spec));
        let mut counts = Counts::default();
        let scenarios = workspace().join("../shared/scenarios").join(folder);
        let recorded = scenarios.is_dir();
        if recorded {
            for (name, scenario) in read_scenarios(&scenarios) {
                if let Err(e) = count_scenario(&doc, &scenario, &mut counts) {
                    failures.push(format!("{folder}/{name}: {e}"));
                }
            }
        } else {
            summary(&format!(
                "always sent ({spec}): recorded answers SKIPPED: {} not found",
                scenarios.display()
            ));
        }
        count_examples(&doc, &mut counts);
        failures.extend(
            check(&doc, &counts, recorded)
                .into_iter()
                .map(|p| format!("{spec}: {p}")),
        );
        summary(&report(spec, &doc, &counts, recorded));
    }
    assert!(failures.is_empty(), "always sent:\n{}", failures.join("\n"));
}

/// The problems of one description: declared always sent, yet absent or `null` in a record; or declared without
/// evidence.
fn check(doc: &Value, counts: &Counts, recorded: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for (schema, property) in declared_always_sent(doc) {
        let key = (schema.clone(), property.clone());
        let examples = counts.examples.get(&key).copied().unwrap_or_default();
        if !examples.always() {
            problems.push(format!(
                "{schema}.{property} is declared {ALWAYS_SENT} but the examples lack it: {examples}"
            ));
        }
        if !recorded {
            continue;
        }
        let seen = counts.recorded.get(&key).copied().unwrap_or_default();
        if !seen.always() {
            problems.push(format!(
                "{schema}.{property} is declared {ALWAYS_SENT} but recorded answers lack it: {seen}"
            ));
        }
        let records = counts.recorded_records.get(&schema).copied().unwrap_or(0);
        if records == 0 && !names_the_record(doc, &schema, &property) {
            problems.push(format!(
                "{schema}.{property} is declared {ALWAYS_SENT} but no recorded answer holds a {schema}"
            ));
        }
    }
    problems
}

/// Whether `property` is one of the fields every record carries by construction: [`RECORD_FIELDS`] or a SID.
fn names_the_record(doc: &Value, schema: &str, property: &str) -> bool {
    RECORD_FIELDS.contains(&property)
        || (property.ends_with("_sid")
            && doc
                .pointer(&format!(
                    "/components/schemas/{schema}/properties/{property}/pattern"
                ))
                .is_some())
}

/// The summary of one description, a line per record schema that answers hold: how many records of it were seen
/// (recorded, in examples), its properties declared always sent, and, when the recorded answers were read, the
/// others that no recorded record nor example lacks (the candidates left optional).
fn report(spec: &str, doc: &Value, counts: &Counts, recorded: bool) -> String {
    let declared = declared_always_sent(doc);
    let mut schemas: BTreeMap<&str, SchemaLine<'_>> = BTreeMap::new();
    for (key, examples) in &counts.examples {
        let seen = counts.recorded.get(key).copied().unwrap_or_default();
        let line = schemas.entry(&key.0).or_default();
        line.recorded = seen.records();
        line.examples = examples.records();
        if declared.contains(key) {
            line.declared.push(&key.1);
        } else if recorded && seen.records() > 0 && seen.always() && examples.always() {
            line.candidates.push(&key.1);
        }
    }
    let mut out = format!(
        "always sent ({spec}): per record schema: records (recorded answers, examples); declared; never missing but not declared"
    );
    for (schema, line) in schemas {
        let recorded_records = if recorded {
            line.recorded.to_string()
        } else {
            "SKIPPED".to_owned()
        };
        out.push_str(&format!(
            "\n  {schema} ({recorded_records}, {}): {}; {}",
            line.examples,
            words(&line.declared),
            words(&line.candidates)
        ));
    }
    out
}

/// `names` separated by spaces, or `none`.
fn words(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(" ")
    }
}

/// Counts the records of one `kind: response` scenario (others are skipped).
fn count_scenario(doc: &Value, scenario: &Value, counts: &mut Counts) -> Result<(), String> {
    if scenario.get("kind").and_then(Value::as_str) != Some("response") {
        return Ok(());
    }
    let operation = scenario
        .get("operation")
        .and_then(Value::as_str)
        .ok_or("no `operation`")?;
    let status = scenario
        .pointer("/response/status")
        .and_then(Value::as_u64)
        .ok_or("no `response.status`")?;
    let body = scenario.pointer("/response/body").unwrap_or(&Value::Null);
    if body.is_null() {
        return Ok(());
    }
    let op = find_operation(doc, operation).ok_or_else(|| format!("no operation {operation}"))?;
    let response = op
        .pointer(&format!("/responses/{status}"))
        .ok_or_else(|| format!("{operation} has no {status} response"))?;
    count_body(doc, response, body, Source::Recorded, counts);
    Ok(())
}

/// Counts the records of every example of every success response.
fn count_examples(doc: &Value, counts: &mut Counts) {
    for op in all_operations(doc) {
        for (code, response) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !code.starts_with('2') {
                continue;
            }
            let content = resolve(doc, response).pointer("/content/application~1json");
            let Some(content) = content else {
                continue;
            };
            let mut examples: Vec<&Value> = content.get("example").into_iter().collect();
            for example in content
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                examples.extend(resolve(doc, example.1).get("value"));
            }
            for example in examples {
                count_body(doc, response, example, Source::Example, counts);
            }
        }
    }
}

/// Counts the records of `body`, an answer of `response`: the body itself, the items of an array body, or the
/// items of the array members of a page (a schema with a `meta` member).
fn count_body(doc: &Value, response: &Value, body: &Value, source: Source, counts: &mut Counts) {
    let Some(schema) = resolve(doc, response).pointer("/content/application~1json/schema") else {
        return;
    };
    let mut records: Vec<(&str, &Value)> = Vec::new();
    let target = resolve(doc, schema);
    if let Some(items) = target.get("items") {
        records.extend(
            body.as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| Some((component(items)?, r))),
        );
    } else if target.pointer("/properties/meta").is_some() {
        for (member, property) in target
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(items) = resolve(doc, property).get("items") else {
                continue;
            };
            let Some(name) = component(items) else {
                continue;
            };
            for record in body
                .get(member)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                records.push((name, record));
            }
        }
    } else if let Some(name) = component(schema) {
        records.push((name, body));
    }
    for (name, record) in records {
        count_record(doc, name, record, source, counts);
    }
}

/// Counts each property of component schema `name` in `record`.
fn count_record(doc: &Value, name: &str, record: &Value, source: Source, counts: &mut Counts) {
    let Some(properties) = doc
        .pointer(&format!("/components/schemas/{name}/properties"))
        .and_then(Value::as_object)
    else {
        return;
    };
    if let Source::Recorded = source {
        *counts.recorded_records.entry(name.to_owned()).or_default() += 1;
    }
    let map = match source {
        Source::Recorded => &mut counts.recorded,
        Source::Example => &mut counts.examples,
    };
    for property in properties.keys() {
        let seen = map.entry((name.to_owned(), property.clone())).or_default();
        match record.get(property) {
            None => seen.absent += 1,
            Some(Value::Null) => seen.null += 1,
            Some(_) => seen.value += 1,
        }
    }
}

/// The component name a `$ref` points at (`#/components/schemas/Channel` gives `Channel`).
fn component(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)?
        .strip_prefix("#/components/schemas/")
}

fn find_operation<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    all_operations(doc)
        .into_iter()
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id))
}

fn all_operations(doc: &Value) -> Vec<&Value> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten())
        .filter_map(|(_, op)| op.get("operationId").is_some().then_some(op))
        .collect()
}

/// The scenarios of a folder, by file name, in name order.
fn read_scenarios(folder: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, load(&path))
        })
        .collect()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn summary(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{text}");
}

// ------------------------------------------------------------------------------------------
// The counter and the check on small documents

/// A description with one record schema `Thing` (`sid`, `name` declared always sent, `note`), answered by
/// `FetchThing` (one record) and `ListThing` (a page of them), with `examples` as the fetch example.
fn thing_doc(fetch_example: Value) -> Value {
    serde_json::json!({
        "paths": {
            "/Things/{Sid}": {"get": {"operationId": "FetchThing", "responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}, "example": fetch_example}
            }}}}},
            "/Things": {"get": {"operationId": "ListThing", "responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ThingPage"}}
            }}}}}
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {
                "sid": {"type": "string", "pattern": "^TH[0-9a-fA-F]{32}$", ALWAYS_SENT: true},
                "name": {"type": "string", "nullable": true, ALWAYS_SENT: true},
                "note": {"type": "string", "nullable": true}
            }},
            "ThingPage": {"type": "object", "properties": {
                "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                "meta": {"type": "object"}
            }}
        }}
    })
}

fn response(operation: &str, body: Value) -> Value {
    serde_json::json!({"kind": "response", "operation": operation, "response": {"status": 200, "body": body}})
}

/// Counts `scenarios` against `doc` and returns the recorded counts of `Thing` and the problems found.
fn check_things(doc: &Value, scenarios: &[Value]) -> (Vec<(String, Seen)>, Vec<String>) {
    let mut counts = Counts::default();
    for scenario in scenarios {
        count_scenario(doc, scenario, &mut counts).expect("scenario counts");
    }
    count_examples(doc, &mut counts);
    let seen = counts
        .recorded
        .iter()
        .map(|((_, property), seen)| (property.clone(), *seen))
        .collect();
    (seen, check(doc, &counts, true))
}

#[test]
fn counts_records_of_single_answers_and_pages() {
    let doc = thing_doc(serde_json::json!({"sid": "TH0", "name": "a", "note": null}));
    let (seen, problems) = check_things(
        &doc,
        &[
            response("FetchThing", serde_json::json!({"sid": "TH1", "name": "b"})),
            response(
                "ListThing",
                serde_json::json!({"things": [{"sid": "TH2", "name": "c", "note": "n"}], "meta": {}}),
            ),
            serde_json::json!({"kind": "request", "operation": "FetchThing"}),
        ],
    );
    let expected = vec![
        (
            "name".to_owned(),
            Seen {
                value: 2,
                null: 0,
                absent: 0,
            },
        ),
        (
            "note".to_owned(),
            Seen {
                value: 1,
                null: 0,
                absent: 1,
            },
        ),
        (
            "sid".to_owned(),
            Seen {
                value: 2,
                null: 0,
                absent: 0,
            },
        ),
    ];
    assert_eq!(seen, expected);
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn a_declared_field_missing_or_null_anywhere_is_a_problem() {
    let doc = thing_doc(serde_json::json!({"sid": "TH0", "name": null, "note": null}));
    let (_, problems) = check_things(
        &doc,
        &[response(
            "ListThing",
            serde_json::json!({"things": [{"sid": "TH2", "note": "n"}], "meta": {}}),
        )],
    );
    assert_eq!(
        problems,
        vec![
            "Thing.name is declared x-twilio-always-sent but the examples lack it: 0/1 (1 null)",
            "Thing.name is declared x-twilio-always-sent but recorded answers lack it: 0/1 (1 absent)",
        ]
    );
}

#[test]
fn a_declared_field_without_recorded_records_is_a_problem_unless_it_names_the_record() {
    let doc = thing_doc(serde_json::json!({"sid": "TH0", "name": "a", "note": null}));
    let (_, problems) = check_things(&doc, &[]);
    assert_eq!(
        problems,
        vec!["Thing.name is declared x-twilio-always-sent but no recorded answer holds a Thing"]
    );
}

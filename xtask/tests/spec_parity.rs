//! Fact-for-fact parity between each of our descriptions (`spec/chat-v2.json`, `spec/conversations-v1.json`,
//! `spec/chat-v3.json`; the table [`DESCRIPTIONS`]) and the Twilio description it restates (read from
//! `../shared/twilio-oai/` beside the workspace when present; each comparison prints SKIPPED without it).
//!
//! Both documents are walked per operationId with every `$ref` resolved, and these facts are
//! compared: method and path; parameters (name, in, required, schema); form body (media types,
//! field schemas, required list); response status codes and response schemas (types, formats,
//! nullable, enums, constraints, recursively). Descriptions, summaries, examples, tags, titles,
//! security, response headers and vendor extensions are ignored, and so are our own additions:
//! the `4XX`/`5XX` error responses and the form `encoding` entries.
//!
//! A difference is reported as `OperationId /pointer: ours=<v> theirs=<v>`, where the pointer
//! is relative to the operation and walks through resolved references as if they were inlined
//! (parameters are named `name:in` instead of an array index, since the two sides order them
//! differently).
//!
//! The same file also checks what we add on top of Twilio's facts, in every description: a valid example on every
//! success response with a body, `TwilioError` behind `4XX` and `5XX` everywhere, and
//! `style: form, explode: true` encodings for array form fields.
//!
//! Chat v2's Media Content Service operations ([`MCS_OPERATIONS`]) are ours only: Twilio's Chat description does
//! not cover that service, so they are not compared. The test checks that they are exactly the operations on paths
//! with their own `servers` entry for the MCS host, and that every other operation of every description is compared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

mod support;

use support::{ALWAYS_SENT, RECORD_FIELDS, declared_always_sent, resolve};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords whose values are compared as they are.
const SCALAR_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "enum",
    "default",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// One of our descriptions and the Twilio description it restates.
#[derive(Debug)]
struct Description {
    /// Our file, relative to the workspace root.
    ours: &'static str,
    /// Twilio's file, in `../shared/twilio-oai/`.
    theirs: &'static str,
    /// Operations in Twilio's file, all of which must be compared.
    operations: usize,
    /// Operations described by us alone, not compared.
    ours_only: &'static [&'static str],
    /// The host of the [`Description::ours_only`] operations, given by a per-path `servers` entry.
    ours_only_server: Option<&'static str>,
    /// What the page URLs of list examples start with.
    page_urls: &'static str,
    /// What the ours-only operations are, for the summary line.
    ours_only_what: &'static str,
}

/// Every description this project publishes.
const DESCRIPTIONS: [Description; 3] = [
    Description {
        ours: "spec/chat-v2.json",
        theirs: "twilio_chat_v2.json",
        operations: 54,
        ours_only: &MCS_OPERATIONS,
        ours_only_server: Some(MCS_SERVER),
        page_urls: "https://chat.twilio.com/v2/",
        ours_only_what: "Media Content Service operations",
    },
    Description {
        ours: "spec/conversations-v1.json",
        theirs: "twilio_conversations_v1.json",
        operations: 103,
        ours_only: &[],
        ours_only_server: None,
        page_urls: "https://conversations.twilio.com/v1/",
        ours_only_what: "",
    },
    Description {
        ours: "spec/chat-v3.json",
        theirs: "twilio_chat_v3.json",
        operations: 1,
        ours_only: &[],
        ours_only_server: None,
        page_urls: "https://chat.twilio.com/v3/",
        ours_only_what: "",
    },
];

/// Chat v2 operations described by us alone: the Media Content Service (`https://mcs.us1.twilio.com`), which
/// Twilio's Chat description does not cover. Each sits on a path with its own `servers` entry for that host.
const MCS_OPERATIONS: [&str; 4] = [
    "CreateMedia",
    "CreateMediaSet",
    "FetchMedia",
    "FetchMediaContent",
];

/// The host of the [`MCS_OPERATIONS`].
const MCS_SERVER: &str = "https://mcs.us1.twilio.com";

/// Our additions: response codes that Twilio's description does not state.
const ERROR_CODES: [&str; 2] = ["4XX", "5XX"];

/// The Chat v2 row of [`DESCRIPTIONS`], which the comparator's own tests mutate.
fn chat_v2() -> &'static Description {
    &DESCRIPTIONS[0]
}

#[test]
fn spec_matches_twilio_description() {
    let mut failures = Vec::new();
    for description in &DESCRIPTIONS {
        let ours = load(&spec_path(description));
        let twilio_path = twilio_path(description);
        if !twilio_path.exists() {
            summary(&format!(
                "spec parity ({}): SKIPPED: ../shared/twilio-oai/{} not found (looked at {})",
                description.ours,
                description.theirs,
                twilio_path.display()
            ));
            continue;
        }
        let theirs = load(&twilio_path);
        let report = compare(&ours, &theirs, description.ours_only);
        if report.compared != description.operations
            || report.total_theirs != description.operations
        {
            failures.push(format!(
                "{}: {} of {} operations compared, expected {}",
                description.ours, report.compared, report.total_theirs, description.operations
            ));
        }
        if !report.differences.is_empty() {
            failures.push(format!(
                "{} differences between {} (ours) and {} (theirs):\n{}",
                report.differences.len(),
                description.ours,
                twilio_path.display(),
                report.differences.join("\n")
            ));
        }
        let ours_only = if description.ours_only.is_empty() {
            String::new()
        } else {
            format!(
                " ({} {} are ours only)",
                description.ours_only.len(),
                description.ours_only_what
            )
        };
        let always = declared_always_sent(&ours).len();
        let always = if always == 0 {
            String::new()
        } else {
            format!(
                "; {always} record properties declared `{ALWAYS_SENT}` (a documented difference: Twilio's says nullable)"
            )
        };
        summary(&format!(
            "spec parity ({}): {}/{} operations compared, {} differences{ours_only}{always}",
            description.ours,
            report.compared,
            report.total_theirs,
            report.differences.len(),
        ));
    }
    assert!(failures.is_empty(), "spec parity:\n{}", failures.join("\n"));
}

#[test]
fn ours_only_operations_sit_on_their_own_host() {
    for description in &DESCRIPTIONS {
        let ours = load(&spec_path(description));
        let mut elsewhere = BTreeSet::new();
        for (id, op) in operations(&ours) {
            let servers = ours
                .pointer(&format!(
                    "{}/servers",
                    op_pointer(&op).rsplit_once('/').map_or("", |x| x.0)
                ))
                .and_then(Value::as_array);
            let urls: Vec<&str> = servers
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url").and_then(Value::as_str))
                .collect();
            match urls.as_slice() {
                [] => {}
                [url] if Some(*url) == description.ours_only_server => {
                    elsewhere.insert(id);
                }
                other => panic!(
                    "{} {id}: unexpected per-path servers {other:?}",
                    description.ours
                ),
            }
        }
        assert_eq!(
            elsewhere,
            description
                .ours_only
                .iter()
                .copied()
                .collect::<BTreeSet<_>>(),
            "{}",
            description.ours
        );
    }
}

#[test]
fn spec_additions_are_complete() {
    let mut problems = Vec::new();
    for description in &DESCRIPTIONS {
        let ours = load(&spec_path(description));
        problems.extend(
            check_additions(&ours, description)
                .into_iter()
                .map(|p| format!("{}: {p}", description.ours)),
        );
    }
    assert!(
        problems.is_empty(),
        "spec additions: {} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn comparator_reports_no_difference_against_itself() {
    for description in &DESCRIPTIONS {
        let ours = load(&spec_path(description));
        let report = compare(&ours, &ours, description.ours_only);
        assert_eq!(
            report.differences,
            Vec::<String>::new(),
            "{}",
            description.ours
        );
        assert_eq!(report.compared, report.total_theirs, "{}", description.ours);
        assert_eq!(
            report.compared,
            description.operations + description.ours_only.len(),
            "{}",
            description.ours
        );
    }
}

#[test]
fn comparator_detects_mutations() {
    let ours = load(&spec_path(chat_v2()));
    let messages = "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages";
    let message = "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages~1{Sid}";

    // (what was changed, mutation, operationId and pointer expected in one difference line)
    type Mutation = fn(&mut Value);
    let cases: Vec<(&str, Mutation, &str, &str)> = vec![
        (
            "parameter type",
            |spec| {
                let params = spec
                    .pointer_mut(
                        "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages/get/parameters",
                    )
                    .and_then(Value::as_array_mut)
                    .expect("ListMessage parameters");
                let page_size = params
                    .iter_mut()
                    .find(|p| p["name"] == "PageSize")
                    .expect("PageSize parameter");
                page_size["schema"]["type"] = Value::from("string");
            },
            "ListMessage",
            "/parameters/PageSize:query/schema/type: ours=\"string\" theirs=\"integer\"",
        ),
        (
            "enum value",
            |spec| {
                let values = spec
                    .pointer_mut("/components/schemas/MessageOrderType/enum")
                    .and_then(Value::as_array_mut)
                    .expect("MessageOrderType enum");
                values.retain(|v| v != "desc");
            },
            "ListMessage",
            "/parameters/Order:query/schema/enum: ours=[\"asc\"] theirs=[\"asc\",\"desc\"]",
        ),
        (
            "nullable",
            |spec| {
                let body = spec
                    .pointer_mut("/components/schemas/Message/properties/body")
                    .and_then(Value::as_object_mut)
                    .expect("Message.body");
                body.insert("nullable".to_owned(), Value::Bool(false));
            },
            "FetchMessage",
            "/responses/200/content/application~1json/schema/properties/body/nullable: ours=false theirs=true",
        ),
        (
            "dropped operation",
            |spec| {
                let item = spec
                    .pointer_mut(
                        "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages~1{Sid}",
                    )
                    .and_then(Value::as_object_mut)
                    .expect("message path item");
                item.remove("delete");
            },
            "DeleteMessage",
            " ours=<absent> theirs=\"DELETE /v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages/{Sid}\"",
        ),
        (
            "body field format",
            |spec| {
                let field = spec
                    .pointer_mut(
                        "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/DateCreated",
                    )
                    .and_then(Value::as_object_mut)
                    .expect("CreateMessage DateCreated");
                field.remove("format");
            },
            "CreateMessage",
            "/requestBody/content/application~1x-www-form-urlencoded/schema/properties/DateCreated/format: ours=<absent> theirs=\"date-time\"",
        ),
        (
            "success status",
            |spec| {
                let responses = spec
                    .pointer_mut(
                        "/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages/post/responses",
                    )
                    .and_then(Value::as_object_mut)
                    .expect("CreateMessage responses");
                let created = responses.remove("201").expect("201 response");
                responses.insert("200".to_owned(), created);
            },
            "CreateMessage",
            "/responses/201: ours=<absent> theirs=\"response\"",
        ),
    ];
    assert!(ours.pointer(messages).is_some() && ours.pointer(message).is_some());

    let mut failures = Vec::new();
    for (what, mutate, operation, needle) in cases {
        let mut mutated = ours.clone();
        mutate(&mut mutated);
        let report = compare(&mutated, &ours, chat_v2().ours_only);
        let expected_prefix = format!("{operation} ");
        let found = report
            .differences
            .iter()
            .any(|line| line.starts_with(&expected_prefix) && line.contains(needle));
        if !found {
            failures.push(format!(
                "{what}: no difference `{operation} ...{needle}`; got:\n  {}",
                report.differences.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn example_validator_detects_bad_examples() {
    let ours = load(&spec_path(chat_v2()));
    let schema = serde_json::json!({"$ref": "#/components/schemas/Message"});
    let good = ours
        .pointer("/paths/~1v2~1Services~1{ServiceSid}~1Channels~1{ChannelSid}~1Messages~1{Sid}/get/responses/200/content/application~1json/examples/fetched/value")
        .expect("FetchMessage example")
        .clone();
    let mut errors = Vec::new();
    validate(&ours, &schema, &good, "", &mut errors);
    assert_eq!(errors, Vec::<String>::new());

    let cases: Vec<(&str, Value, &str)> = vec![
        ("index", Value::from("seven"), "/index: expected integer"),
        (
            "sid",
            Value::from("IMnothex"),
            "/sid: length 8 outside 34..=34",
        ),
        (
            "date_created",
            Value::from("yesterday"),
            "/date_created: not a date-time",
        ),
        ("index", Value::Null, "/index: null but not nullable"),
        (
            "channel_sid",
            Value::Null,
            "/channel_sid: null but declared x-twilio-always-sent",
        ),
        ("unexpected", Value::from(1), "/unexpected: not in schema"),
    ];
    for (field, value, needle) in cases {
        let mut bad = good.clone();
        bad[field] = value;
        let mut errors = Vec::new();
        validate(&ours, &schema, &bad, "", &mut errors);
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "{field}: expected `{needle}`, got {errors:?}"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove("body");
    let mut errors = Vec::new();
    validate(&ours, &schema, &missing, "", &mut errors);
    assert!(
        errors.iter().any(|e| e.contains("/body: missing")),
        "{errors:?}"
    );
}

// ------------------------------------------------------------------------------------------
// Loading

fn spec_path(description: &Description) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(description.ours)
}

fn twilio_path(description: &Description) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/twilio-oai")
        .join(description.theirs)
}

fn load(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

// ------------------------------------------------------------------------------------------
// Comparison

#[derive(Debug)]
struct Report {
    compared: usize,
    total_theirs: usize,
    differences: Vec<String>,
}

#[derive(Debug)]
struct Operation<'a> {
    method: &'a str,
    path: &'a str,
    op: &'a Value,
}

/// Compares every operation of `ours` with the operation of `theirs` that has the same operationId.
fn compare(ours: &Value, theirs: &Value, ours_only: &[&str]) -> Report {
    let our_ops = operations(ours);
    let their_ops = operations(theirs);
    let mut out = Diffs::default();
    let ids: BTreeSet<&str> = our_ops.keys().chain(their_ops.keys()).copied().collect();
    let mut compared = 0;
    for id in ids {
        if ours_only.contains(&id) && !their_ops.contains_key(id) {
            continue;
        }
        match (our_ops.get(id), their_ops.get(id)) {
            (Some(o), Some(t)) => {
                compared += 1;
                let cx = Cx {
                    id,
                    ours,
                    theirs,
                    out: &mut out,
                };
                compare_operation(cx, o, t);
            }
            (o, t) => {
                let pointer = o.or(t).map(op_pointer).unwrap_or_default();
                out.push(
                    id,
                    &pointer,
                    &o.map(describe_op).map(Value::from),
                    &t.map(describe_op).map(Value::from),
                );
            }
        }
    }
    Report {
        compared,
        total_theirs: their_ops.len(),
        differences: out.lines,
    }
}

#[derive(Debug, Default)]
struct Diffs {
    lines: Vec<String>,
}

impl Diffs {
    fn push(&mut self, id: &str, pointer: &str, ours: &Option<Value>, theirs: &Option<Value>) {
        self.lines.push(format!(
            "{id} {pointer}: ours={} theirs={}",
            show(ours.as_ref()),
            show(theirs.as_ref())
        ));
    }
}

/// What one comparison needs: the operation being compared, both documents, the output.
struct Cx<'a, 'b> {
    id: &'a str,
    ours: &'a Value,
    theirs: &'a Value,
    out: &'b mut Diffs,
}

impl Cx<'_, '_> {
    fn diff(&mut self, pointer: &str, ours: Option<&Value>, theirs: Option<&Value>) {
        if ours != theirs {
            self.out
                .push(self.id, pointer, &ours.cloned(), &theirs.cloned());
        }
    }
}

fn operations(doc: &Value) -> BTreeMap<&str, Operation<'_>> {
    let mut ops = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("<no operationId>");
                ops.insert(id, Operation { method, path, op });
            }
        }
    }
    ops
}

fn op_pointer(op: &Operation<'_>) -> String {
    format!("/paths/{}/{}", escape(op.path), op.method)
}

fn describe_op(op: &Operation<'_>) -> String {
    format!("{} {}", op.method.to_uppercase(), op.path)
}

fn compare_operation(mut cx: Cx<'_, '_>, o: &Operation<'_>, t: &Operation<'_>) {
    let (ours, theirs) = (cx.ours, cx.theirs);
    cx.diff(
        "/method",
        Some(&Value::from(o.method)),
        Some(&Value::from(t.method)),
    );
    cx.diff(
        "/path",
        Some(&Value::from(o.path)),
        Some(&Value::from(t.path)),
    );

    // Parameters, keyed by name and location.
    let our_params = parameters(ours, o.op);
    let their_params = parameters(theirs, t.op);
    let keys: BTreeSet<&(String, String)> = our_params.keys().chain(their_params.keys()).collect();
    for key in keys {
        let pointer = format!("/parameters/{}:{}", escape(&key.0), key.1);
        match (our_params.get(key), their_params.get(key)) {
            (Some(op), Some(tp)) => {
                let required =
                    |p: &Value| Some(p.get("required").cloned().unwrap_or(Value::Bool(false)));
                cx.diff(
                    &format!("{pointer}/required"),
                    required(op).as_ref(),
                    required(tp).as_ref(),
                );
                compare_schema(
                    &mut cx,
                    &format!("{pointer}/schema"),
                    op.get("schema"),
                    tp.get("schema"),
                    0,
                );
            }
            (op, tp) => {
                let present = |p: Option<&&Value>| p.map(|_| Value::from("parameter"));
                cx.diff(&pointer, present(op).as_ref(), present(tp).as_ref());
            }
        }
    }

    // Request body.
    let our_body = o.op.get("requestBody").map(|b| resolve(ours, b));
    let their_body = t.op.get("requestBody").map(|b| resolve(theirs, b));
    compare_content(&mut cx, "/requestBody", our_body, their_body);

    // Responses: every status code except our error additions.
    let empty = serde_json::Map::new();
    let our_responses =
        o.op.get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
    let their_responses =
        t.op.get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
    let codes: BTreeSet<&String> = our_responses
        .keys()
        .filter(|c| !ERROR_CODES.contains(&c.as_str()) || their_responses.contains_key(*c))
        .chain(their_responses.keys())
        .collect();
    for code in codes {
        let pointer = format!("/responses/{}", escape(code));
        let our_response = our_responses.get(code).map(|r| resolve(ours, r));
        let their_response = their_responses.get(code).map(|r| resolve(theirs, r));
        if our_response.is_none() || their_response.is_none() {
            let present = |r: Option<&Value>| r.map(|_| Value::from("response"));
            cx.diff(
                &pointer,
                present(our_response).as_ref(),
                present(their_response).as_ref(),
            );
            continue;
        }
        compare_content(&mut cx, &pointer, our_response, their_response);
    }
}

/// Parameters of an operation (references resolved) keyed by (name, in).
fn parameters<'a>(doc: &'a Value, op: &'a Value) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let p = resolve(doc, p);
        let name = p.get("name").and_then(Value::as_str).unwrap_or("<no name>");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("<no in>");
        out.insert((name.to_owned(), location.to_owned()), p);
    }
    out
}

/// Compares the `content` maps (media types and their schemas) of two bodies or responses.
fn compare_content(
    cx: &mut Cx<'_, '_>,
    pointer: &str,
    ours: Option<&Value>,
    theirs: Option<&Value>,
) {
    let media = |v: Option<&Value>| -> BTreeMap<String, Option<Value>> {
        v.and_then(|v| v.get("content"))
            .and_then(Value::as_object)
            .map(|c| {
                c.iter()
                    .map(|(k, m)| (k.clone(), m.get("schema").cloned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (om, tm) = (media(ours), media(theirs));
    let our_types: Vec<Value> = om.keys().map(|k| Value::from(k.as_str())).collect();
    let their_types: Vec<Value> = tm.keys().map(|k| Value::from(k.as_str())).collect();
    let (ot, tt) = (Value::Array(our_types), Value::Array(their_types));
    if ours.is_some() != theirs.is_some() {
        let present = |v: Option<&Value>| v.map(|_| Value::from("present"));
        cx.diff(pointer, present(ours).as_ref(), present(theirs).as_ref());
        return;
    }
    cx.diff(&format!("{pointer}/content"), Some(&ot), Some(&tt));
    for (media_type, our_schema) in &om {
        if let Some(their_schema) = tm.get(media_type) {
            compare_schema(
                cx,
                &format!("{pointer}/content/{}/schema", escape(media_type)),
                our_schema.as_ref(),
                their_schema.as_ref(),
                0,
            );
        }
    }
}

/// Compares two schemas fact by fact, resolving references on both sides.
fn compare_schema(
    cx: &mut Cx<'_, '_>,
    pointer: &str,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    depth: usize,
) {
    if depth > 32 {
        cx.diff(
            pointer,
            Some(&Value::from("<schema nested too deep>")),
            None,
        );
        return;
    }
    let ours = ours.map(|s| resolve(cx.ours, s));
    let theirs = theirs.map(|s| resolve(cx.theirs, s));
    let (Some(o), Some(t)) = (ours, theirs) else {
        let present = |v: Option<&Value>| v.map(|_| Value::from("schema"));
        cx.diff(pointer, present(ours).as_ref(), present(theirs).as_ref());
        return;
    };
    for keyword in SCALAR_KEYWORDS {
        cx.diff(
            &format!("{pointer}/{keyword}"),
            o.get(keyword),
            t.get(keyword),
        );
    }
    let nullable = |s: &Value| s.get("nullable").cloned().unwrap_or(Value::Bool(false));
    cx.diff(
        &format!("{pointer}/nullable"),
        Some(&nullable(o)),
        Some(&nullable(t)),
    );
    let required = |s: &Value| -> Option<Value> {
        s.get("required").and_then(Value::as_array).map(|r| {
            let set: BTreeSet<&str> = r.iter().filter_map(Value::as_str).collect();
            Value::Array(set.into_iter().map(Value::from).collect())
        })
    };
    cx.diff(
        &format!("{pointer}/required"),
        required(o).as_ref(),
        required(t).as_ref(),
    );

    if o.get("items").is_some() || t.get("items").is_some() {
        compare_schema(
            cx,
            &format!("{pointer}/items"),
            o.get("items"),
            t.get("items"),
            depth + 1,
        );
    }
    if o.get("additionalProperties").is_some() || t.get("additionalProperties").is_some() {
        let (oa, ta) = (o.get("additionalProperties"), t.get("additionalProperties"));
        if oa.is_some_and(Value::is_object) && ta.is_some_and(Value::is_object) {
            compare_schema(
                cx,
                &format!("{pointer}/additionalProperties"),
                oa,
                ta,
                depth + 1,
            );
        } else {
            cx.diff(&format!("{pointer}/additionalProperties"), oa, ta);
        }
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        let (oc, tc) = (
            o.get(combinator).and_then(Value::as_array),
            t.get(combinator).and_then(Value::as_array),
        );
        if oc.is_none() && tc.is_none() {
            continue;
        }
        let (oc, tc) = (
            oc.map(Vec::as_slice).unwrap_or(&[]),
            tc.map(Vec::as_slice).unwrap_or(&[]),
        );
        for i in 0..oc.len().max(tc.len()) {
            compare_schema(
                cx,
                &format!("{pointer}/{combinator}/{i}"),
                oc.get(i),
                tc.get(i),
                depth + 1,
            );
        }
    }
    let (op, tp) = (
        o.get("properties").and_then(Value::as_object),
        t.get("properties").and_then(Value::as_object),
    );
    if op.is_some() || tp.is_some() {
        let empty = serde_json::Map::new();
        let (op, tp) = (op.unwrap_or(&empty), tp.unwrap_or(&empty));
        let names: BTreeSet<&String> = op.keys().chain(tp.keys()).collect();
        for name in names {
            compare_schema(
                cx,
                &format!("{pointer}/properties/{}", escape(name)),
                op.get(name),
                tp.get(name),
                depth + 1,
            );
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "<absent>".to_owned(),
        Some(v) => v.to_string(),
    }
}

// ------------------------------------------------------------------------------------------
// Our additions

/// Records (success answers and the items of pages that have a `sid` or an `account_sid`) whose SID, account,
/// address, creation time or parent SIDs lack `x-twilio-always-sent`.
fn check_always_sent(doc: &Value, id: &str, op: &Operation<'_>, problems: &mut Vec<String>) {
    let parents: Vec<String> = op
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .filter(|p| *p != "Sid")
        .map(twilio_codegen::naming::snake)
        .collect();
    for (code, response) in op
        .op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !code.starts_with('2') {
            continue;
        }
        let schema = resolve(doc, response).pointer("/content/application~1json/schema");
        let Some(schema) = schema.map(|s| resolve(doc, s)) else {
            continue;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        let mut records = vec![schema];
        for item in properties.into_iter().flatten().filter_map(|(_, p)| {
            let p = resolve(doc, p);
            (p.get("type").and_then(Value::as_str) == Some("array"))
                .then(|| p.get("items").map(|i| resolve(doc, i)))
                .flatten()
        }) {
            records.push(item);
        }
        for record in records {
            let Some(properties) = record.get("properties").and_then(Value::as_object) else {
                continue;
            };
            if !properties.contains_key("sid") && !properties.contains_key("account_sid") {
                continue;
            }
            let wanted = RECORD_FIELDS
                .iter()
                .map(|f| (*f).to_owned())
                .chain(parents.iter().cloned());
            for field in wanted {
                if let Some(p) = properties.get(&field)
                    && p.get(ALWAYS_SENT).and_then(Value::as_bool) != Some(true)
                {
                    problems.push(format!(
                        "{id} {}/responses/{code}: record property `{field}` is not declared {ALWAYS_SENT}",
                        op_pointer(op)
                    ));
                }
            }
        }
    }
}

fn check_additions(doc: &Value, description: &Description) -> Vec<String> {
    let mut problems = Vec::new();
    let ops = operations(doc);
    if ops.is_empty() {
        problems.push("no operations".to_owned());
    }
    for (id, op) in &ops {
        let base = op_pointer(op);
        check_always_sent(doc, id, op, &mut problems);
        let responses = op.op.get("responses").and_then(Value::as_object);
        // Errors.
        for code in ERROR_CODES {
            let response = responses.and_then(|r| r.get(code));
            let schema_ref = response
                .map(|r| resolve(doc, r))
                .and_then(|r| r.pointer("/content/application~1json/schema/$ref"))
                .and_then(Value::as_str);
            if schema_ref != Some("#/components/schemas/TwilioError") {
                problems.push(format!(
                    "{id} {base}/responses/{code}: expected a JSON response with schema TwilioError"
                ));
            }
        }
        // Examples of success responses.
        for (code, response) in responses.into_iter().flatten() {
            if !code.starts_with('2') {
                continue;
            }
            let response = resolve(doc, response);
            for (media_type, media) in response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let pointer = format!("{base}/responses/{code}/content/{}", escape(media_type));
                let Some(schema) = media.get("schema") else {
                    problems.push(format!("{id} {pointer}: no schema"));
                    continue;
                };
                // A file's raw bytes (`format: binary`) cannot be shown as a JSON example.
                if resolve(doc, schema).get("format").and_then(Value::as_str) == Some("binary") {
                    continue;
                }
                let mut examples: Vec<(String, &Value)> = Vec::new();
                if let Some(example) = media.get("example") {
                    examples.push((format!("{pointer}/example"), example));
                }
                for (name, example) in media
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    match resolve(doc, example).get("value") {
                        Some(value) => examples
                            .push((format!("{pointer}/examples/{}/value", escape(name)), value)),
                        None => problems.push(format!("{id} {pointer}/examples/{name}: no value")),
                    }
                }
                if examples.is_empty() {
                    problems.push(format!("{id} {pointer}: no example"));
                }
                for (example_pointer, value) in examples {
                    let mut errors = Vec::new();
                    validate(doc, schema, value, "", &mut errors);
                    check_page_example(doc, schema, value, description.page_urls, &mut errors);
                    problems.extend(
                        errors
                            .into_iter()
                            .map(|e| format!("{id} {example_pointer}{e}")),
                    );
                }
            }
        }
        // Encodings of array form fields.
        let form = op
            .op
            .get("requestBody")
            .map(|b| resolve(doc, b))
            .and_then(|b| b.pointer("/content/application~1x-www-form-urlencoded"));
        if let Some(form) = form {
            let schema = form.get("schema").map(|s| resolve(doc, s));
            for (name, field) in schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if resolve(doc, field).get("type").and_then(Value::as_str) != Some("array") {
                    continue;
                }
                let encoding = form.get("encoding").and_then(|e| e.get(name));
                let style = encoding
                    .and_then(|e| e.get("style"))
                    .and_then(Value::as_str);
                let explode = encoding
                    .and_then(|e| e.get("explode"))
                    .and_then(Value::as_bool);
                if style != Some("form") || explode != Some(true) {
                    problems.push(format!(
                        "{id} {base}/requestBody/content/application~1x-www-form-urlencoded/encoding/{}: array field needs style form and explode true",
                        escape(name)
                    ));
                }
            }
        }
    }
    problems
}

/// A list example: `meta.key` names the records member and the page URLs start with `page_urls` (the API's own
/// address and version).
fn check_page_example(
    doc: &Value,
    schema: &Value,
    value: &Value,
    page_urls: &str,
    errors: &mut Vec<String>,
) {
    let schema = resolve(doc, schema);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if !properties.contains_key("meta") {
        return;
    }
    let records: Vec<&String> = properties.keys().filter(|k| *k != "meta").collect();
    let key = value.pointer("/meta/key").and_then(Value::as_str);
    if records.len() != 1 || key != Some(records[0].as_str()) {
        errors.push(format!(
            "/meta/key: {key:?} does not name the records member {records:?}"
        ));
    }
    for url in [
        "first_page_url",
        "url",
        "previous_page_url",
        "next_page_url",
    ] {
        if let Some(u) = value
            .pointer(&format!("/meta/{url}"))
            .and_then(Value::as_str)
            && !u.starts_with(page_urls)
        {
            errors.push(format!("/meta/{url}: {u} does not start with {page_urls}"));
        }
    }
}

/// Checks `value` against `schema`: type, format (date-time, uri), nullable, enum, string
/// lengths, Twilio SID patterns (`^XX[0-9a-fA-F]{32}$`, or [`ANY_SID_PATTERN`]), and that objects carry exactly the
/// declared properties (examples show complete resources, as Twilio sends them).
fn validate(doc: &Value, schema: &Value, value: &Value, pointer: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
            errors.push(format!("{pointer}: null but not nullable"));
        }
        if schema.get(ALWAYS_SENT).and_then(Value::as_bool) == Some(true) {
            errors.push(format!("{pointer}: null but declared {ALWAYS_SENT}"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!(
            "{pointer}: {value} not in enum {}",
            Value::Array(allowed.clone())
        ));
    }
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        return; // untyped: anything goes
    };
    let ok = match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !ok {
        errors.push(format!("{pointer}: expected {ty}, found {value}"));
        return;
    }
    match value {
        Value::String(s) => validate_string(schema, s, pointer, errors),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(doc, item_schema, item, &format!("{pointer}/{i}"), errors);
                }
            }
        }
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return; // free-form object
            };
            for (name, property) in properties {
                match map.get(name) {
                    Some(v) => validate(
                        doc,
                        property,
                        v,
                        &format!("{pointer}/{}", escape(name)),
                        errors,
                    ),
                    None => errors.push(format!("{pointer}/{}: missing", escape(name))),
                }
            }
            for name in map.keys().filter(|k| !properties.contains_key(*k)) {
                errors.push(format!("{pointer}/{}: not in schema", escape(name)));
            }
        }
        _ => {}
    }
}

fn validate_string(schema: &Value, s: &str, pointer: &str, errors: &mut Vec<String>) {
    let length = s.chars().count() as u64;
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    if length < min || length > max {
        errors.push(format!("{pointer}: length {length} outside {min}..={max}"));
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") if !is_utc_date_time(s) => {
            errors.push(format!(
                "{pointer}: not a date-time (YYYY-MM-DDTHH:MM:SSZ): {s}"
            ));
        }
        Some("uri") if !(s.starts_with("https://") || s.starts_with("http://")) => {
            errors.push(format!("{pointer}: not an absolute URL: {s}"));
        }
        _ => {}
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let is_hex = |h: &str| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit());
        match sid_prefix(pattern) {
            Some(prefix) => {
                if !s.strip_prefix(prefix).is_some_and(is_hex) {
                    errors.push(format!("{pointer}: {s} does not match {pattern}"));
                }
            }
            None if pattern == ANY_SID_PATTERN => {
                let letters = s
                    .get(..2)
                    .is_some_and(|p| p.bytes().all(|b| b.is_ascii_alphabetic()));
                if !(letters && s.get(2..).is_some_and(is_hex)) {
                    errors.push(format!("{pointer}: {s} does not match {pattern}"));
                }
            }
            None => errors.push(format!(
                "{pointer}: pattern {pattern} is not a SID pattern; teach the validator"
            )),
        }
    }
}

/// A SID of any two-letter kind (Conversations' `channel_message_sid`: an SMS, WhatsApp or other message).
const ANY_SID_PATTERN: &str = "^[a-zA-Z]{2}[0-9a-fA-F]{32}$";

/// `^XX[0-9a-fA-F]{32}$` -> `XX`.
fn sid_prefix(pattern: &str) -> Option<&str> {
    let prefix = pattern
        .strip_prefix('^')?
        .strip_suffix("[0-9a-fA-F]{32}$")?;
    (prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_uppercase())).then_some(prefix)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, optionally with a fraction of a second.
fn is_utc_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let rest = &b[19..b.len() - 1];
    let fraction = rest.is_empty()
        || (rest[0] == b'.' && rest.len() > 1 && rest[1..].iter().all(u8::is_ascii_digit));
    if !(shape && fraction) {
        return false;
    }
    let number = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) < 24
        && number(14..16) < 60
        && number(17..19) < 61
}

/// Prints a summary line straight to stderr, past the test harness's output capture, so it shows in every run.
fn summary(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn example_validator_knows_sids_of_any_kind() {
    let doc = serde_json::json!({});
    let schema = serde_json::json!({"type": "string", "pattern": ANY_SID_PATTERN});
    let check = |value: &str| {
        let mut errors = Vec::new();
        validate(
            &doc,
            &schema,
            &Value::from(value),
            "/channel_message_sid",
            &mut errors,
        );
        errors
    };
    assert_eq!(
        check("SM0123456789abcdef0123456789ABCDEF"),
        Vec::<String>::new()
    );
    for bad in [
        "S10123456789abcdef0123456789abcdef",
        "SM0123",
        "SM0123456789abcdef0123456789abcdeg",
    ] {
        let errors = check(bad);
        assert!(
            errors.iter().any(|e| e.contains("does not match")),
            "{bad}: {errors:?}"
        );
    }
}

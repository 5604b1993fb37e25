//! Replays the scenarios recorded from Twilio's official Python library (`../shared/scenarios/` beside the
//! checkout, read in place, never copied) through the generated clients: Chat v2 (`twilio-python`, 124),
//! Conversations v1 (`twilio-python-conversations-v1`, 237) and Chat v3 (`twilio-python-chat-v3`, 2).
//!
//! Request cases: the mock answers 500 with an empty body, the call must fail, and the sent request must match
//! the method, the path, the whole form body and the query as multisets of pairs, and the named headers.
//! Response cases: the mock answers the recorded status and body, and the call must succeed and parse.
//! Calls use only the required arguments (plus the header where named), taken from the recorded request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use conformance::format::{
    Call, ClientOptions, Exchange, ExpectedRequest, Mode, Product, RecordedResponse, RetrySpec,
    Scenario,
};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
struct Recorded {
    operation: String,
    kind: String,
    request: RecordedRequest,
    #[serde(default)]
    response: Option<RecordedResponseBody>,
}

#[derive(Debug, Deserialize)]
struct RecordedRequest {
    method: String,
    path: String,
    #[serde(default)]
    query: Vec<(String, String)>,
    #[serde(default)]
    form: Vec<(String, String)>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RecordedResponseBody {
    status: u16,
    #[serde(default)]
    body: Option<Value>,
}

fn folder(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/scenarios")
        .join(name)
}

/// Path parameters from a concrete path and the operation's template.
fn path_args(template: &str, path: &str) -> Result<Map<String, Value>, String> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return Err(format!("path {path} does not fit {template}"));
    }
    let mut args = Map::new();
    for (t, p) in t.iter().zip(&p) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) => {
                args.insert(name.to_owned(), Value::String((*p).to_owned()));
            }
            None if t == p => {}
            None => return Err(format!("path {path} does not fit {template}")),
        }
    }
    Ok(args)
}

/// Builds the scenario for one recorded case.
fn scenario(product: Product, name: &str, rec: &Recorded) -> Result<Scenario, String> {
    let (_, template) = conformance::dispatch::operation(product, &rec.operation)
        .ok_or_else(|| format!("unknown operation {}", rec.operation))?;
    let mut args = path_args(template, &rec.request.path)?;
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in rec.request.form.iter().chain(&rec.request.query) {
        grouped.entry(k).or_default().push(v);
    }
    for (k, vs) in grouped {
        let value = if vs.len() == 1 {
            Value::String(vs[0].to_owned())
        } else {
            Value::Array(vs.iter().map(|v| Value::String((*v).to_owned())).collect())
        };
        args.insert(k.to_owned(), value);
    }
    for (k, v) in &rec.request.headers {
        args.insert(k.clone(), Value::String(v.clone()));
    }
    let request = ExpectedRequest {
        method: rec.request.method.clone(),
        path: rec.request.path.clone(),
        query: rec.request.query.clone(),
        form: rec.request.form.clone(),
        headers: rec.request.headers.clone(),
        ..ExpectedRequest::default()
    };
    let response = match (rec.kind.as_str(), &rec.response) {
        ("request", _) => RecordedResponse {
            status: 500,
            ..RecordedResponse::default()
        },
        ("response", Some(r)) => RecordedResponse {
            status: r.status,
            body: r.body.clone(),
            ..RecordedResponse::default()
        },
        (kind, _) => return Err(format!("unknown kind {kind} or missing response")),
    };
    Ok(Scenario {
        name: name.to_owned(),
        description: String::new(),
        client: ClientOptions {
            retry: Some(RetrySpec {
                max_attempts: Some(1),
                ..RetrySpec::default()
            }),
            ..ClientOptions::default()
        },
        call: Call {
            product,
            operation: rec.operation.clone(),
            args,
            mode: Mode::Send,
            limit: None,
        },
        exchanges: vec![Exchange {
            request,
            response,
            times: 1,
        }],
    })
}

async fn check(product: Product, path: &Path) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let rec: Recorded = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let scenario = scenario(product, &name, &rec).map_err(|e| format!("{name}: {e}"))?;
    let outcome = conformance::replay(&scenario).await?;
    match rec.kind.as_str() {
        "request" if outcome.get("error").is_some() => Ok(()),
        "request" => Err(format!(
            "{name}: the call succeeded on a 500 answer: {outcome}"
        )),
        _ if outcome.get("ok").is_some() => Ok(()),
        _ => Err(format!("{name}: the call failed: {outcome}")),
    }
}

/// Replays every scenario of `folder` through `product`'s client; `expected` is the folder's documented count.
fn replay_folder(folder_name: &str, product: Product, expected: usize) {
    let dir = folder(folder_name);
    if !dir.is_dir() {
        summary(&format!(
            "{folder_name} scenarios: SKIPPED: {} not found",
            dir.display()
        ));
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenario folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut failures = Vec::new();
    for path in &files {
        if let Err(e) = runtime.block_on(check(product, path)) {
            failures.push(e);
        }
    }
    let passed = files.len() - failures.len();
    summary(&format!(
        "{folder_name} scenarios: {passed}/{} passed",
        files.len()
    ));
    assert!(
        failures.is_empty(),
        "{} {folder_name} scenario(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(files.len(), expected, "{folder_name}: scenario count");
}

#[test]
fn twilio_python_scenarios() {
    replay_folder("twilio-python", Product::ChatV2, 124);
}

#[test]
fn twilio_python_conversations_v1_scenarios() {
    replay_folder(
        "twilio-python-conversations-v1",
        Product::ConversationsV1,
        237,
    );
}

#[test]
fn twilio_python_chat_v3_scenarios() {
    replay_folder("twilio-python-chat-v3", Product::ChatV3, 2);
}

/// Prints a summary line straight to stderr, past the test harness's output capture, so it shows in every run.
fn summary(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

//! The recorder, against a local httpmock server only: the written scenario keeps no secret, redacts account SIDs
//! on request, points page URLs at `{{base_url}}`, and replays. The `record` binary refuses to run without
//! `--live`, and with it reads credentials through the real `Credentials::from_env` (in a child process, so the
//! test process environment is never touched).

use std::process::Command;

use conformance::format::{Call, Mode, REDACTED, REDACTED_ACCOUNT_SID, Scenario};
use conformance::record::{RecordConfig, record};
use httpmock::prelude::*;
use serde_json::{Map, Value, json};
use twilio_rest_runtime::Credentials;

const AC: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "super-secret-token";
const IS: &str = "IS0123456789abcdef0123456789abcdef";

fn args(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn basic(user: &str, password: &str) -> String {
    // Small base64 encoder so the test states the expected header independently of the runtime.
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_create_is_redacted_and_replays() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let body = json!({
        "sid": IS, "account_sid": AC, "friendly_name": "demo",
        "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
        "url": format!("{base}/v2/Services/{IS}"),
        "links": {"channels": format!("{base}/v2/Services/{IS}/Channels")}
    });
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/Services")
                .header("authorization", basic(AC, TOKEN));
            then.status(201)
                .header("content-type", "application/json")
                .body(body.to_string());
        })
        .await;
    let call = Call {
        product: conformance::Product::ChatV2,
        operation: "CreateService".to_owned(),
        args: args(&[("FriendlyName", json!("demo"))]),
        mode: Mode::Send,
        limit: None,
    };
    let config = RecordConfig {
        name: "recorded/create-service".to_owned(),
        description: "CreateService recorded against a local mock".to_owned(),
        base_url: base.clone(),
        redact_account: true,
    };
    let recording = record(Credentials::auth_token(AC, TOKEN).unwrap(), &call, &config)
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
    assert!(
        recording.outcome.get("ok").is_some(),
        "{}",
        recording.outcome
    );

    let text = recording.scenario.to_json();
    assert!(!text.contains(TOKEN), "the token leaked:\n{text}");
    assert!(
        !text.contains(AC),
        "the account SID was not redacted:\n{text}"
    );
    assert!(
        !text.contains(&base),
        "the mock URL was not replaced:\n{text}"
    );
    assert_eq!(
        recording.scenario.exchanges[0].request.headers["Authorization"],
        REDACTED
    );
    insta::assert_yaml_snapshot!("recorded_create_service", recording.scenario);

    // The file as written replays against a fresh mock.
    let path = std::env::temp_dir().join(format!("conformance-record-{}.json", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let loaded = conformance::load(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(loaded, recording.scenario);
    let outcome = conformance::replay(&loaded)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome["ok"]["account_sid"], json!(REDACTED_ACCOUNT_SID));
    assert_eq!(outcome["ok"]["friendly_name"], json!("demo"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_stream_follows_pages_and_replays() {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let path = format!("/v2/Services/{IS}/Roles");
    let role = |n: u32| {
        json!({
            "sid": format!("RL{n:032x}"), "account_sid": AC, "service_sid": IS,
            "friendly_name": format!("role {n}"), "date_created": "2026-01-01T00:00:00Z",
            "date_updated": "2026-01-01T00:00:00Z",
            "url": format!("https://chat.twilio.com/v2/Services/{IS}/Roles/RL{n:032x}")
        })
    };
    let page = |records: Vec<Value>, next: Option<String>| json!({"roles": records, "meta": {"key": "roles", "page_size": 1, "next_page_url": next}});
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.as_str())
                .query_param("Page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(page(vec![role(2)], None).to_string());
        })
        .await;
    let next = format!("{base}{path}?PageSize=1&Page=1&PageToken=PT1");
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.as_str())
                .query_param("PageSize", "1")
                .query_param_missing("Page");
            then.status(200)
                .header("content-type", "application/json")
                .body(page(vec![role(1)], Some(next)).to_string());
        })
        .await;
    let call = Call {
        product: conformance::Product::ChatV2,
        operation: "ListRole".to_owned(),
        args: args(&[("ServiceSid", json!(IS)), ("PageSize", json!("1"))]),
        mode: Mode::Stream,
        limit: None,
    };
    let config = RecordConfig {
        name: "recorded/list-roles".to_owned(),
        description: String::new(),
        base_url: base.clone(),
        redact_account: false,
    };
    let recording = record(Credentials::auth_token(AC, TOKEN).unwrap(), &call, &config)
        .await
        .unwrap();
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    let scenario: &Scenario = &recording.scenario;
    assert_eq!(scenario.exchanges.len(), 2);
    assert!(scenario.to_json().contains("{{base_url}}"));
    assert!(
        scenario.to_json().contains(AC),
        "without --redact-account the account SID stays"
    );
    let outcome = conformance::replay(scenario)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome, recording.outcome);
    assert_eq!(outcome["ok"].as_array().map(Vec::len), Some(2));
}

#[test]
fn binary_refuses_without_live() {
    let output = Command::new(env!("CARGO_BIN_EXE_record"))
        .args([
            "--operation",
            "FetchService",
            "--arg",
            "Sid=IS0123456789abcdef0123456789abcdef",
        ])
        .env("TWILIO_ACCOUNT_SID", AC)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to record without --live"),
        "{stderr}"
    );
}

/// The binary with `--live` against a local mock: credentials come from the child's environment through the real
/// `Credentials::from_env`, and the exact Basic header proves which ones were used (the API key wins).
#[test]
fn binary_reads_credentials_from_env() {
    let server = MockServer::start();
    let sk = "SK0123456789abcdef0123456789abcdef";
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path(format!("/v2/Services/{IS}"))
            .header("authorization", basic(sk, "key-secret"));
        then.status(200)
            .header("content-type", "application/json")
            .body(
            json!({
                "sid": IS, "account_sid": AC, "friendly_name": "Support",
                "date_created": "2026-01-01T00:00:00Z", "date_updated": "2026-01-01T00:00:00Z",
                "url": format!("https://chat.twilio.com/v2/Services/{IS}"),
                "links": {"channels": format!("https://chat.twilio.com/v2/Services/{IS}/Channels")}
            })
            .to_string(),
        );
    });
    let out = std::env::temp_dir().join(format!(
        "conformance-record-bin-{}.json",
        std::process::id()
    ));
    let output = Command::new(env!("CARGO_BIN_EXE_record"))
        .args([
            "--live",
            "--redact-account",
            "--operation",
            "FetchService",
            "--arg",
        ])
        .arg(format!("Sid={IS}"))
        .arg("--base-url")
        .arg(server.base_url())
        .arg("--out")
        .arg(&out)
        .env("TWILIO_ACCOUNT_SID", AC)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("TWILIO_API_KEY", sk)
        .env("TWILIO_API_SECRET", "key-secret")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    mock.assert_calls(1);
    let scenario = conformance::load(&out).unwrap();
    std::fs::remove_file(&out).ok();
    let text = scenario.to_json();
    assert!(
        !text.contains("key-secret") && !text.contains(TOKEN) && !text.contains(AC),
        "{text}"
    );
    assert_eq!(
        scenario.exchanges[0].request.path,
        format!("/v2/Services/{IS}")
    );
}

#[test]
fn binary_refuses_a_plan_without_local_or_live() {
    let output = Command::new(env!("CARGO_BIN_EXE_record"))
        .args(["--plan", "plans/operations.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to record a plan without --local or --live"),
        "{stderr}"
    );
}

/// A small plan recorded by the binary against the local service: later steps use saved and seeded SIDs, the
/// files land under `--out-dir` by scenario name, SIDs are renamed consistently across files, and each replays.
#[test]
fn binary_records_a_plan_locally() {
    let dir = std::env::temp_dir().join(format!("conformance-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("small.json");
    let steps = json!({"steps": [
        {"call": {"product": "conversations-v1", "operation": "CreateService", "args": {"FriendlyName": "Desk"}},
         "save": {"svc": "/sid"}, "record": "small/CreateService"},
        {"seed": {"resource": "Binding", "fields": {"service_sid": "${svc}", "identity": "ana", "binding_type": "apn"}},
         "save": {"binding": "/sid"}},
        {"call": {"product": "conversations-v1", "operation": "FetchServiceBinding",
                  "args": {"ChatServiceSid": "${svc}", "Sid": "${binding}"}},
         "record": "small/FetchServiceBinding", "about": "a seeded binding"}
    ]});
    std::fs::write(&plan, steps.to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_record"))
        .arg("--plan")
        .arg(&plan)
        .arg("--local")
        .arg("--out-dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let create = conformance::load(&dir.join("small/CreateService.json")).unwrap();
    let fetch = conformance::load(&dir.join("small/FetchServiceBinding.json")).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let sid = create.exchanges[0].response.body.as_ref().unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(fetch.call.args["ChatServiceSid"], sid.as_str());
    assert!(
        fetch.exchanges[0]
            .request
            .path
            .starts_with(&format!("/v1/Services/{sid}/Bindings/BS"))
    );
    assert_eq!(
        fetch.description,
        "FetchServiceBinding, recorded from the local service by `plans/small.json`: a seeded binding"
    );
    for scenario in [&create, &fetch] {
        let text = scenario.to_json();
        assert!(
            text.contains("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
            "{text}"
        );
        conformance::replay_blocking(scenario).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A step the service answers with an error stops the plan, naming the step.
#[test]
fn binary_stops_a_plan_at_a_failing_step() {
    let dir = std::env::temp_dir().join(format!("conformance-plan-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("fail.json");
    let steps = json!({"steps": [
        {"call": {"product": "conversations-v1", "operation": "FetchService",
                  "args": {"Sid": "IS0123456789abcdef0123456789abcdef"}},
         "record": "fail/FetchService"}
    ]});
    std::fs::write(&plan, steps.to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_record"))
        .arg("--plan")
        .arg(&plan)
        .arg("--local")
        .arg("--out-dir")
        .arg(&dir)
        .output()
        .unwrap();
    let written = dir.join("fail/FetchService.json").exists();
    std::fs::remove_dir_all(&dir).ok();
    assert!(!output.status.success());
    assert!(!written);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("step 1 (fail/FetchService): the service answered")
            && stderr.contains("20404"),
        "{stderr}"
    );
}

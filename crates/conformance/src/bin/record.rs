//! `record`: records a new scenario file from a real Twilio account (or any base URL).
//!
//! ```text
//! TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \
//!   cargo run -p conformance --bin record -- --live --operation CreateService --arg FriendlyName=demo \
//!   --name operations/CreateService-live --out crates/conformance/scenarios/recorded/create-service.json --redact-account
//! ```
//!
//! Refuses to run without `--live`: it sends real requests that can change the account.
//!
//! `--plan FILE` records every step of a plan (`conformance::plan`) instead of one call; with `--local` the plan
//! runs against a local service started in this process (`twilio-chat-local`), which needs no `--live` and no
//! credentials (its random account SID is always redacted), and the scenarios are written under `--out-dir`
//! (default: this crate's `scenarios/`):
//!
//! ```text
//! cargo run -p conformance --bin record -- --plan crates/conformance/plans/operations.json --local
//! ```

use std::process::ExitCode;

use conformance::format::{Call, Mode, Product};
use conformance::plan::{Plan, PlanConfig, run_plan, run_plan_locally};
use conformance::record::{RecordConfig, record};
use serde_json::{Map, Value};
use twilio_rest_runtime::Credentials;

const USAGE: &str = "usage: record --live [--product chat-v2|chat-v3|conversations-v1] --operation <OperationId> \
[--arg Name=Value]... [--mode send|stream] \
[--limit N] [--name NAME] [--description TEXT] [--out FILE] [--redact-account] [--base-url URL]
       record --plan FILE (--local | --live [--base-url URL] [--redact-account] [--set Name=Value]...) [--out-dir DIR]

Credentials come from TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET).
Repeat --arg with the same name for an array parameter. Without --out the scenario is printed.
--plan records every step of a plan file; --local runs it against a local service started here (no
credentials, no network, account SIDs always redacted); the scenarios are written under --out-dir (default:
the crate's scenarios/). --set gives a plan value (`webhooks`, the base URL of the webhooks to configure, which
--local gives itself: a receiver on 127.0.0.1).";

#[derive(Debug, Default)]
struct Options {
    live: bool,
    redact_account: bool,
    product: Product,
    operation: Option<String>,
    args: Map<String, Value>,
    mode: Mode,
    limit: Option<u64>,
    name: Option<String>,
    description: Option<String>,
    out: Option<String>,
    base_url: Option<String>,
    plan: Option<String>,
    local: bool,
    out_dir: Option<String>,
    given: std::collections::BTreeMap<String, String>,
}

fn parse(argv: Vec<String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--live" => o.live = true,
            "--redact-account" => o.redact_account = true,
            "--product" => {
                let name = value("--product")?;
                o.product = Product::ALL
                    .into_iter()
                    .find(|p| p.name() == name)
                    .ok_or_else(|| {
                        format!("--product {name}: expected chat-v2, chat-v3 or conversations-v1")
                    })?;
            }
            "--operation" => o.operation = Some(value("--operation")?),
            "--arg" => {
                let arg = value("--arg")?;
                let (k, v) = arg
                    .split_once('=')
                    .ok_or_else(|| format!("--arg {arg}: expected Name=Value"))?;
                let v = Value::String(v.to_owned());
                match o.args.get_mut(k) {
                    None => {
                        o.args.insert(k.to_owned(), v);
                    }
                    Some(Value::Array(items)) => items.push(v),
                    Some(first) => *first = Value::Array(vec![first.take(), v]),
                }
            }
            "--mode" => {
                o.mode = match value("--mode")?.as_str() {
                    "send" => Mode::Send,
                    "stream" => Mode::Stream,
                    other => return Err(format!("--mode {other}: expected send or stream")),
                }
            }
            "--limit" => {
                o.limit = Some(
                    value("--limit")?
                        .parse()
                        .map_err(|e| format!("--limit: {e}"))?,
                )
            }
            "--name" => o.name = Some(value("--name")?),
            "--description" => o.description = Some(value("--description")?),
            "--out" => o.out = Some(value("--out")?),
            "--base-url" => o.base_url = Some(value("--base-url")?),
            "--plan" => o.plan = Some(value("--plan")?),
            "--local" => o.local = true,
            "--out-dir" => o.out_dir = Some(value("--out-dir")?),
            "--set" => {
                let set = value("--set")?;
                let (k, v) = set
                    .split_once('=')
                    .ok_or_else(|| format!("--set {set}: expected Name=Value"))?;
                o.given.insert(k.to_owned(), v.to_owned());
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown flag {other}\n\n{USAGE}")),
        }
    }
    Ok(o)
}

async fn run(o: Options) -> Result<(), String> {
    if let Some(plan) = &o.plan {
        return run_plan_file(plan, &o).await;
    }
    if o.local || o.out_dir.is_some() {
        return Err(format!("--local and --out-dir apply to --plan\n\n{USAGE}"));
    }
    if !o.live {
        return Err(format!(
            "refusing to record without --live: recording sends real requests to Twilio with your credentials\n\n{USAGE}"
        ));
    }
    let operation = o
        .operation
        .ok_or_else(|| format!("--operation is required\n\n{USAGE}"))?;
    let credentials =
        Credentials::from_env().map_err(|e| format!("credentials from the environment: {e}"))?;
    let name = o.name.unwrap_or_else(|| format!("recorded/{operation}"));
    let config = RecordConfig {
        description: o
            .description
            .unwrap_or_else(|| format!("{operation} recorded from a live account")),
        name,
        base_url: o
            .base_url
            .unwrap_or_else(|| twilio_chat_v2::DEFAULT_BASE_URL.to_owned()),
        redact_account: o.redact_account,
    };
    let call = Call {
        product: o.product,
        operation,
        args: o.args,
        mode: o.mode,
        limit: o.limit,
    };
    let recording = record(credentials, &call, &config).await?;
    let text = recording.scenario.to_json();
    match &o.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("{path}: {e}"))?;
            eprintln!(
                "wrote {path} ({} exchange(s))",
                recording.scenario.exchanges.len()
            );
        }
        None => print!("{text}"),
    }
    eprintln!(
        "outcome: {}",
        serde_json::to_string(&recording.outcome).unwrap_or_default()
    );
    Ok(())
}

/// Records every step of the plan at `path`, against a local service (`--local`) or `--base-url` with credentials
/// from the environment (`--live`), and writes each recorded scenario under the output folder.
async fn run_plan_file(path: &str, o: &Options) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let plan = Plan::from_json(&text, path)?;
    let plan_name = std::path::Path::new(path).file_name().map_or_else(
        || path.to_owned(),
        |n| format!("plans/{}", n.to_string_lossy()),
    );
    let out_dir = o
        .out_dir
        .clone()
        .map_or_else(conformance::scenarios_dir, std::path::PathBuf::from);
    let scenarios = if o.local {
        if o.base_url.is_some() {
            return Err(format!(
                "--local and --base-url exclude each other\n\n{USAGE}"
            ));
        }
        run_plan_locally(&plan, &plan_name).await?
    } else {
        if !o.live {
            return Err(format!(
                "refusing to record a plan without --local or --live: it would send real requests\n\n{USAGE}"
            ));
        }
        let credentials = Credentials::from_env()
            .map_err(|e| format!("credentials from the environment: {e}"))?;
        let config = PlanConfig {
            base_url: o
                .base_url
                .clone()
                .unwrap_or_else(|| twilio_chat_v2::DEFAULT_BASE_URL.to_owned()),
            redact_account: o.redact_account,
            stable_sids: true,
            plan_name,
            given: o.given.clone(),
            written_as: Vec::new(),
        };
        run_plan(&plan, &credentials, &config, None).await?
    };
    for scenario in &scenarios {
        let file = out_dir.join(format!("{}.json", scenario.name));
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&file, scenario.to_json())
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    eprintln!(
        "wrote {} scenario(s) under {}",
        scenarios.len(),
        out_dir.display()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let result = match parse(std::env::args().skip(1).collect()) {
        Ok(options) => run(options).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("record: {e}");
            ExitCode::FAILURE
        }
    }
}

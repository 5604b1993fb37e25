//! The local Chat service as users run it (`twilio-chat fake`, release, a child process): its peak memory holding
//! 100,000 messages, and its throughput and latency under concurrent clients next to Prism mocking Twilio's Chat
//! v2 description on the same machine, with the same load generator ([`bench::load`]).
//!
//! `local_bench memory TWILIO_CHAT_BINARY` creates one service, one channel and 100,000 messages through the REST
//! API (16 concurrent clients), then reads the service's `VmHWM` from `/proc/<pid>/status`. It prints
//! `local.memory.peak_kib`, `local.memory.start_kib` (after the service and channel, before the messages) and
//! `local.memory.json_bytes` (the bodies of the 100,000 create answers: the records as stored and answered).
//!
//! `local_bench load TWILIO_CHAT_BINARY [--prism PRISM --spec DESCRIPTION [--conversations-spec DESCRIPTION]]
//! [--quick]` measures list-messages (`GET ?PageSize=50` on a private channel of 1,000 messages), the same
//! messages listed through Conversations v1 (`list-conversation`), and then create-message (`POST` with `From` and
//! `Body`) with 16 concurrent clients, in timed rounds that alternate the local service and Prism (`prism mock` of
//! Chat v2's description, and of Conversations v1's for `list-conversation`); it prints
//! `local.load.<op>.<side>.rps`, `.p50_ms`, `.p99_ms` and `.bytes` (mean answer body), medians of the rounds.
//! Without `--prism`, or when Prism fails, the local side is still measured and `local.load.prism` says why.

use bench::load::{Measured, Request, Stop, Target, http_client, run};
use bench::stats::{median, report, report_text};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Messages the memory row stores.
const MESSAGES: usize = 100_000;
/// Concurrent clients of every measurement.
const CLIENTS: usize = 16;
/// Messages in the channel the list rows read.
const SEEDED: usize = 1_000;
/// Untimed requests per side before the rounds of an operation.
const WARMUP: usize = 200;
/// The account and token every request carries (the local service accepts them; Prism checks that Basic
/// credentials are present).
const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "local-bench-token";
/// Service and channel SIDs sent to Prism: they match the description's patterns, Prism stores nothing.
const PRISM_SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const PRISM_CHANNEL: &str = "CH0123456789abcdef0123456789abcdef";

fn main() -> ExitCode {
    bench::main_with("local_bench", |first, rest| match (first, rest) {
        (Some("memory"), [binary]) => memory(Path::new(binary)),
        (Some("load"), [binary, options @ ..]) => {
            let options = LoadOptions::parse(options)?;
            load(Path::new(binary), &options)
        }
        _ => Err(
            "usage: local_bench memory TWILIO_CHAT_BINARY | local_bench load TWILIO_CHAT_BINARY \
             [--prism PRISM --spec DESCRIPTION [--conversations-spec DESCRIPTION]] [--quick]"
                .to_owned(),
        ),
    })
}

/// Options of `local_bench load`.
#[derive(Debug, Default)]
struct LoadOptions {
    prism: Option<PathBuf>,
    spec: Option<PathBuf>,
    conversations_spec: Option<PathBuf>,
    quick: bool,
}

impl LoadOptions {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || {
                it.next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("{arg} needs a path"))
            };
            match arg.as_str() {
                "--prism" => options.prism = Some(value()?),
                "--spec" => options.spec = Some(value()?),
                "--conversations-spec" => options.conversations_spec = Some(value()?),
                "--quick" => options.quick = true,
                other => {
                    return Err(format!(
                        "unknown argument `{other}` (expected --prism, --spec, --conversations-spec or --quick)"
                    ));
                }
            }
        }
        if options.prism.is_some() != options.spec.is_some() {
            return Err("--prism and --spec go together".to_owned());
        }
        if options.conversations_spec.is_some() && options.prism.is_none() {
            return Err("--conversations-spec needs --prism".to_owned());
        }
        Ok(options)
    }
}

/// A child process serving HTTP on loopback, killed (with its process group) when dropped.
#[derive(Debug)]
struct Served {
    child: Child,
    target: Target,
    /// The child's standard output, kept open so that it never writes to a closed pipe.
    _stdout: Option<ChildStdout>,
}

impl Served {
    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // The child leads its own process group: a wrapper script's children stop with it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `twilio-chat fake` on an ephemeral loopback port, once it has printed its base URL.
fn start_local(binary: &Path) -> Result<Served, String> {
    let mut child = Command::new(binary)
        .args(["fake", "--bind", "127.0.0.1:0"])
        .env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
        .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no standard output")?);
    let mut first = String::new();
    let read = stdout.read_line(&mut first);
    let base_url = first
        .split_whitespace()
        .last()
        .filter(|url| url.starts_with("http://"))
        .map(str::to_owned);
    let Some(base_url) = base_url else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!(
            "`{} fake` printed no base URL (first line {first:?}, {read:?})",
            binary.display()
        ));
    };
    Ok(Served {
        child,
        target: target(base_url),
        _stdout: Some(stdout.into_inner()),
    })
}

/// `prism mock` of `spec` on a free loopback port, once it answers `probe`.
fn start_prism(
    prism: &Path,
    spec: &Path,
    probe: &Request,
    http: &reqwest::Client,
    rt: &tokio::runtime::Runtime,
) -> Result<Served, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("{}: {e}", prism.display()))?;
    let mut served = Served {
        child,
        target: target(format!("http://127.0.0.1:{port}")),
        _stdout: None,
    };
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = served.child.try_wait() {
            return Err(format!(
                "`prism mock` exited with {status} before answering"
            ));
        }
        if rt
            .block_on(run(http, &served.target, probe, 1, Stop::Count(1)))
            .is_ok()
        {
            return Ok(served);
        }
        if started.elapsed() > Duration::from_secs(90) {
            return Err("`prism mock` did not answer within 90 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn target(base_url: String) -> Target {
    Target {
        base_url,
        user: ACCOUNT_SID.to_owned(),
        password: AUTH_TOKEN.to_owned(),
    }
}

/// A multi-thread runtime for the load generator (two workers: the machine's cores).
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

/// Creates a record with a form post and returns its `sid`.
async fn create(
    http: &reqwest::Client,
    target: &Target,
    path: &str,
    form: &str,
) -> Result<String, String> {
    let response = http
        .post(format!("{}{path}", target.base_url))
        .basic_auth(&target.user, Some(&target.password))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .map_err(|e| format!("POST {path}: {e}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("POST {path}: {e}"))?;
    let body: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("POST {path}: {e}"))?;
    match body["sid"].as_str() {
        Some(sid) if status.as_u16() == 201 => Ok(sid.to_owned()),
        _ => Err(format!("POST {path} answered {status}: {body}")),
    }
}

/// A service and `channels` private channels in it (conversations too): their SIDs.
async fn service_and_channels(
    http: &reqwest::Client,
    target: &Target,
    channels: usize,
) -> Result<(String, Vec<String>), String> {
    let service = create(http, target, "/v2/Services", "FriendlyName=local-bench").await?;
    let mut sids = Vec::new();
    for i in 0..channels {
        let path = format!("/v2/Services/{service}/Channels");
        let form = format!("FriendlyName=bench-{i}&Type=private");
        sids.push(create(http, target, &path, &form).await?);
    }
    Ok((service, sids))
}

fn memory(binary: &Path) -> Result<(), String> {
    let rt = runtime()?;
    let local = start_local(binary)?;
    let http = http_client(CLIENTS)?;
    let (service, channels) = rt.block_on(service_and_channels(&http, &local.target, 1))?;
    let start_kib = bench::proc_status_kib(&local.pid(), "VmHWM")?;
    let request = Request::create_message(&service, &channels[0]);
    let filled = rt.block_on(run(
        &http,
        &local.target,
        &request,
        CLIENTS,
        Stop::Count(MESSAGES),
    ))?;
    let peak_kib = bench::proc_status_kib(&local.pid(), "VmHWM")?;
    let rss_kib = bench::proc_status_kib(&local.pid(), "VmRSS")?;
    report("local.memory.messages", filled.requests as f64, "messages");
    report("local.memory.clients", CLIENTS as f64, "clients");
    report("local.memory.start_kib", start_kib as f64, "KiB");
    report("local.memory.peak_kib", peak_kib as f64, "KiB");
    report("local.memory.rss_kib", rss_kib as f64, "KiB");
    report("local.memory.json_bytes", filled.body_bytes as f64, "bytes");
    report("local.memory.fill_s", filled.seconds, "s");
    Ok(())
}

/// One side of an operation's rows: where it listens, the request it is sent, its measured rounds.
#[derive(Debug)]
struct Side<'s> {
    name: &'static str,
    served: &'s Served,
    request: Request,
    rounds: Vec<Measured>,
}

/// The operations of the load rows: lists first, since the creates add messages to the local service.
const OPERATIONS: [&str; 3] = ["list", "list-conversation", "create"];

fn load(binary: &Path, options: &LoadOptions) -> Result<(), String> {
    let (rounds, seconds) = if options.quick { (1, 1.0) } else { (3, 2.0) };
    let rt = runtime()?;
    let http = http_client(CLIENTS)?;
    let local = start_local(binary)?;
    let (service, channels) = rt.block_on(service_and_channels(&http, &local.target, 2))?;
    let seed = Request::create_message(&service, &channels[0]);
    rt.block_on(run(
        &http,
        &local.target,
        &seed,
        CLIENTS,
        Stop::Count(SEEDED),
    ))?;
    let mut prism = None;
    let mut prism_conversations = None;
    match (&options.prism, &options.spec) {
        (Some(path), Some(spec)) => {
            let probe = Request::list_messages(PRISM_SERVICE, PRISM_CHANNEL);
            match start_prism(path, spec, &probe, &http, &rt) {
                Ok(served) => {
                    if let Some(version) = prism_version(path) {
                        report_text("local.load.prism.version", &version);
                    }
                    prism = Some(served);
                }
                Err(e) => report_text("local.load.prism", &e),
            }
            if let (Some(spec), true) = (&options.conversations_spec, prism.is_some()) {
                let probe = Request::list_conversation_messages(PRISM_SERVICE, PRISM_CHANNEL);
                match start_prism(path, spec, &probe, &http, &rt) {
                    Ok(served) => prism_conversations = Some(served),
                    Err(e) => report_text("local.load.prism.conversations", &e),
                }
            }
        }
        _ => report_text("local.load.prism", "not given (--prism)"),
    }
    report("local.load.clients", CLIENTS as f64, "clients");
    report("local.load.rounds", rounds as f64, "rounds");
    report("local.load.round_s", seconds, "s");
    report("local.load.seeded", SEEDED as f64, "messages");
    for op in OPERATIONS {
        let (local_request, prism_request, prism_served) = match op {
            "list" => (
                Request::list_messages(&service, &channels[0]),
                Request::list_messages(PRISM_SERVICE, PRISM_CHANNEL),
                prism.as_ref(),
            ),
            "list-conversation" => (
                Request::list_conversation_messages(&service, &channels[0]),
                Request::list_conversation_messages(PRISM_SERVICE, PRISM_CHANNEL),
                prism_conversations.as_ref(),
            ),
            _ => (
                Request::create_message(&service, &channels[1]),
                Request::create_message(PRISM_SERVICE, PRISM_CHANNEL),
                prism.as_ref(),
            ),
        };
        let mut sides = vec![Side {
            name: "local",
            served: &local,
            request: local_request,
            rounds: Vec::new(),
        }];
        if let Some(served) = prism_served {
            sides.push(Side {
                name: "prism",
                served,
                request: prism_request,
                rounds: Vec::new(),
            });
        }
        for round in 0..=rounds {
            let mut order: Vec<usize> = (0..sides.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let Some(side) = sides.get_mut(i) else {
                    continue;
                };
                // Round 0 warms up (connections, caches, Prism's validators) and is not kept.
                let stop = if round == 0 {
                    Stop::Count(WARMUP)
                } else {
                    Stop::After(Duration::from_secs_f64(seconds))
                };
                match rt.block_on(run(
                    &http,
                    &side.served.target,
                    &side.request,
                    CLIENTS,
                    stop,
                )) {
                    Ok(measured) if round > 0 => side.rounds.push(measured),
                    Ok(_) => {}
                    Err(e) if side.name == "prism" => {
                        report_text("local.load.prism", &format!("failed: {e}"));
                        sides.truncate(1);
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        for side in &sides {
            let name = |what: &str| format!("local.load.{op}.{}.{what}", side.name);
            let of = |f: &dyn Fn(&Measured) -> f64| median(side.rounds.iter().map(f).collect());
            report(&name("rps"), of(&Measured::rate), "requests/s");
            report(&name("p50_ms"), of(&|m| m.percentile_ms(50.0)), "ms");
            report(&name("p99_ms"), of(&|m| m.percentile_ms(99.0)), "ms");
            report(
                &name("bytes"),
                of(&|m| m.body_bytes as f64 / m.requests.max(1) as f64),
                "bytes",
            );
        }
    }
    Ok(())
}

/// `prism --version`, if it answers.
fn prism_version(prism: &Path) -> Option<String> {
    let output = Command::new(prism).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::LoadOptions;
    use std::path::PathBuf;

    fn parse(args: &[&str]) -> Result<LoadOptions, String> {
        LoadOptions::parse(&args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn load_options_take_prism_with_its_description() {
        let options =
            parse(&["--prism", "/bin/prism", "--spec", "chat.json", "--quick"]).unwrap_or_default();
        assert_eq!(options.prism, Some(PathBuf::from("/bin/prism")));
        assert_eq!(options.spec, Some(PathBuf::from("chat.json")));
        assert!(options.quick);
        assert!(parse(&[]).is_ok_and(|o| o.prism.is_none() && !o.quick));
        let both = parse(&[
            "--prism",
            "/bin/prism",
            "--spec",
            "chat.json",
            "--conversations-spec",
            "conversations.json",
        ])
        .unwrap_or_default();
        assert_eq!(
            both.conversations_spec,
            Some(PathBuf::from("conversations.json"))
        );
        assert_eq!(
            parse(&["--conversations-spec", "conversations.json"]).map(|_| ()),
            Err("--conversations-spec needs --prism".to_owned())
        );
        assert_eq!(
            parse(&["--prism", "/bin/prism"]).map(|_| ()),
            Err("--prism and --spec go together".to_owned())
        );
        assert_eq!(
            parse(&["--spec"]).map(|_| ()),
            Err("--spec needs a path".to_owned())
        );
        assert_eq!(
            parse(&["--fast"]).map(|_| ()),
            Err(
                "unknown argument `--fast` (expected --prism, --spec, --conversations-spec or --quick)"
                    .to_owned()
            )
        );
    }
}

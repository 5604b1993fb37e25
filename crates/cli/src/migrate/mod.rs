//! `twilio-chat migrate`: moves a Chat service to Conversations. `plan` reads the service and changes nothing,
//! `run` turns public channels private through Chat v3 (each then checked as a conversation through Conversations
//! v1), resumable from a state file, and `webhooks` maps the service's webhook configuration to Conversations'.
//!
//! The work is written against the small traits of [`api`], implemented over Twilio's generated clients in
//! [`twilio`]; this file parses the arguments, builds the clients and turns outcomes into exit statuses.

pub mod api;
pub mod events;
pub mod plan;
pub mod progress;
pub mod report;
pub mod run;
pub mod state;
pub mod table;
pub mod twilio;
pub mod webhooks;

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Subcommand};
use twilio_chat_v2::models::ServiceSid;

use crate::migrate::api::{ChannelKind, ChatRead as _};
use crate::migrate::twilio::Twilio;

/// Move a Chat service to Conversations: plan, turn public channels private, map webhooks.
///
/// Credentials come from TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET), and
/// TWILIO_REGION / TWILIO_EDGE, as for the client libraries. What this does not do: change your applications.
/// Client code written with Chat's SDKs must move to the Conversations SDKs; see docs/migration.md.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(subcommand)]
    command: MigrateCommand,
}

#[derive(Debug, Subcommand)]
enum MigrateCommand {
    Plan(PlanArgs),
    Run(RunArgs),
    Webhooks(WebhooksArgs),
}

/// Which service, and where its APIs are.
#[derive(Debug, Args)]
struct Target {
    /// Chat service SID (IS followed by 32 hex digits)
    #[arg(long, value_name = "IS...")]
    service: String,

    /// Base URL for every API (Chat v2, Chat v3, Conversations v1), such as a local service's
    /// http://127.0.0.1:PORT [default: Twilio's hosts]
    #[arg(long, value_name = "URL", env = "TWILIO_BASE_URL")]
    base_url: Option<String>,
}

/// Read the service and describe the migration; changes nothing.
///
/// Lists channels by type with member and message counts, the service's webhook configuration with the
/// Conversations event each Chat event becomes, channel webhooks, roles and users, as tables on stdout.
#[derive(Debug, Args)]
struct PlanArgs {
    #[command(flatten)]
    target: Target,

    /// Also write the plan as JSON to this file
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Turn every public channel private through Chat v3, making it the conversation with the same SID.
///
/// Channels already private are only checked, so a second run changes nothing. Each converted channel is checked
/// by fetching the conversation with its SID through Conversations v1. Progress is checkpointed in the state file:
/// a run stopped by ctrl-c, kill or crash resumes where it stopped. Rate limits (429) are waited out as
/// Retry-After says. Exits 1 when any channel failed, listing each with the reason; run again to retry them.
#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    target: Target,

    /// Channels converted at once, from 1 to 64
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,

    /// Change channels without asking (required when stdin is not a terminal)
    #[arg(long)]
    yes: bool,

    /// State file recording each channel's outcome [default: twilio-chat-migrate-<IS...>.json]
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

/// Print the Conversations webhook configuration matching the Chat service's; set it with --apply.
///
/// Same URLs and method; each Chat event filter becomes its Conversations event (onMessageSend becomes
/// onMessageAdd, onMemberAdded becomes onParticipantAdded, ...).
#[derive(Debug, Args)]
struct WebhooksArgs {
    #[command(flatten)]
    target: Target,

    /// Set the configuration on the Conversations service, then read it back to check it
    #[arg(long)]
    apply: bool,
}

/// Why `migrate` did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad or missing input, nothing done: one line on stderr, exit status 2.
    Usage(String),
    /// The work failed, in part or whole: `report` on stdout (may be empty), `error` on stderr, exit status 1.
    Failed {
        /// What was done.
        report: String,
        /// Why it is not a success.
        error: String,
    },
}

/// Runs a `migrate` subcommand; `Ok` is the text for stdout.
pub fn run(args: MigrateArgs) -> Result<String, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the async runtime: {e}")))?;
    match args.command {
        MigrateCommand::Plan(args) => runtime.block_on(plan(args)),
        MigrateCommand::Run(args) => runtime.block_on(run_migration(args)),
        MigrateCommand::Webhooks(args) => runtime.block_on(webhooks(args)),
    }
}

/// A failure with nothing done to report.
fn failed(error: String) -> Failure {
    Failure::Failed {
        report: String::new(),
        error,
    }
}

impl Target {
    fn connect(&self) -> Result<(ServiceSid, Twilio), Failure> {
        let service: ServiceSid = self
            .service
            .parse()
            .map_err(|e| Failure::Usage(format!("--service: {e}")))?;
        let api =
            Twilio::from_env(service.clone(), self.base_url.as_deref()).map_err(Failure::Usage)?;
        Ok((service, api))
    }
}

async fn plan(args: PlanArgs) -> Result<String, Failure> {
    let (_, api) = args.target.connect()?;
    let plan = plan::Plan::gather(&api)
        .await
        .map_err(|e| failed(e.to_string()))?;
    if let Some(path) = &args.json {
        let mut json = serde_json::to_string_pretty(&plan).map_err(|e| failed(e.to_string()))?;
        json.push('\n');
        state::write_atomically(path, json.as_bytes())
            .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(plan.render())
}

async fn webhooks(args: WebhooksArgs) -> Result<String, Failure> {
    let (_, api) = args.target.connect()?;
    webhooks::webhooks(&api, args.apply)
        .await
        .map_err(|e| failed(e.to_string()))
}

async fn run_migration(args: RunArgs) -> Result<String, Failure> {
    let terminal = std::io::stdin().is_terminal();
    if !args.yes && !terminal {
        return Err(Failure::Usage(
            "`migrate run` changes channels: pass --yes, or run it at a terminal to confirm"
                .to_owned(),
        ));
    }
    let (service, api) = args.target.connect()?;
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("twilio-chat-migrate-{service}.json")));
    let mut state = state::State::load(&state_path, service.as_str()).map_err(Failure::Usage)?;
    let channels = api.channels().await.map_err(|e| failed(e.to_string()))?;
    let public = channels
        .iter()
        .filter(|c| c.kind == ChannelKind::Public)
        .count();
    if public > 0 && !args.yes && !confirm(&service, public)? {
        return Err(failed("not confirmed; nothing changed".to_owned()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    tokio::spawn(stop_on_ctrl_c(Arc::clone(&stop)));
    let mut progress = progress::Progress::for_stderr(channels.len() as u64);
    let outcome = run::migrate(
        &api,
        &channels,
        &mut state,
        &state_path,
        usize::from(args.concurrency),
        &stop,
        &mut progress,
    )
    .await;
    progress.finish();
    let report = outcome.map_err(failed)?;
    let text = report.render(service.as_str());
    if report.has_failures() {
        return Err(Failure::Failed {
            report: text,
            error: format!(
                "{} channels failed, {} not started; the state is in {}: run again to retry them",
                report.failed.len(),
                report.not_started,
                state_path.display()
            ),
        });
    }
    Ok(text)
}

/// Asks at the terminal; `true` when the user types `yes`.
fn confirm(service: &ServiceSid, public: usize) -> Result<bool, Failure> {
    let mut stderr = std::io::stderr();
    let _ = write!(
        stderr,
        "Turn {public} public channels of {service} private? They become conversations, which cannot be undone. \
         Type `yes` to go on: "
    );
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| failed(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim() == "yes")
}

/// The first ctrl-c stops starting channels (those in flight finish and are recorded); a second one exits at once.
async fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    let _ = writeln!(
        std::io::stderr(),
        "stopping: channels in flight finish and are recorded (ctrl-c again to quit now)"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

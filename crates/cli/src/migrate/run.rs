//! `migrate run`'s engine: decides what each channel needs (convert, check, nothing), does it with bounded
//! concurrency, records each outcome in the [`State`] and checkpoints it, and tallies a [`Report`].

use std::future::ready;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;

use crate::migrate::api::{ChannelConvert, ChannelInfo, ChannelKind, ConversationsApi};
use crate::migrate::progress::Progress;
use crate::migrate::state::{Outcome, State};

/// Longest time between two checkpoints while channels complete. A channel completed after the last checkpoint
/// and before a crash is private when the next run lists it, so that run checks it rather than converting it.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Channels listed.
    pub listed: usize,
    /// Turned private by this run (or by an earlier one whose check this run completed), checked as conversations.
    pub converted: Vec<String>,
    /// Found private and checked as conversations by this run.
    pub already_private: usize,
    /// Done in an earlier run, so left alone.
    pub done_before: usize,
    /// Channel SID and why, for channels not done.
    pub failed: Vec<(String, String)>,
    /// Channels left for the next run because the run was interrupted.
    pub not_started: usize,
    /// How long the conversions and checks took.
    pub elapsed: Duration,
}

/// The work one channel needs.
#[derive(Debug, Clone)]
enum Task {
    /// Public: turn it private, then check it.
    Convert(ChannelInfo),
    /// Private: check it as a conversation; `converted` when this tool turned it private earlier.
    Check {
        channel: ChannelInfo,
        converted: bool,
    },
    /// Neither public nor private: nothing this tool can do.
    Unknown(ChannelInfo),
}

/// The tasks for `channels` given what `state` recorded, and how many channels were done before.
fn tasks(channels: &[ChannelInfo], state: &State) -> (Vec<Task>, usize) {
    let mut done_before = 0;
    let mut tasks = Vec::new();
    for channel in channels {
        let before = state.channels.get(channel.sid.as_str());
        if before.is_some_and(Outcome::is_done) {
            done_before += 1;
            continue;
        }
        let channel = channel.clone();
        tasks.push(match channel.kind {
            ChannelKind::Public => Task::Convert(channel),
            ChannelKind::Private => Task::Check {
                channel,
                // Recorded as failed or unchecked, now private: this tool's request went through after all.
                converted: before.is_some(),
            },
            ChannelKind::Other(_) => Task::Unknown(channel),
        });
    }
    (tasks, done_before)
}

/// Runs every task `concurrency` at a time and checkpoints the state to `state_path`. When `stop` becomes true
/// no further channel is started; those in flight finish and are recorded.
pub async fn migrate<A: ChannelConvert + ConversationsApi>(
    api: &A,
    channels: &[ChannelInfo],
    state: &mut State,
    state_path: &Path,
    concurrency: usize,
    stop: &AtomicBool,
    progress: &mut Progress,
) -> Result<Report, String> {
    let started = Instant::now();
    let (tasks, done_before) = tasks(channels, state);
    let mut report = Report {
        listed: channels.len(),
        done_before,
        not_started: tasks.len(),
        ..Report::default()
    };
    state.save(state_path)?;
    let mut outcomes = futures_util::stream::iter(tasks)
        .take_while(|_| ready(!stop.load(Ordering::SeqCst)))
        .map(|task| handle(api, task))
        .buffer_unordered(concurrency.max(1));
    let mut last_checkpoint = Instant::now();
    while let Some((sid, outcome)) = outcomes.next().await {
        report.not_started -= 1;
        let what = match &outcome {
            Outcome::Converted => {
                report.converted.push(sid.clone());
                "converted".to_owned()
            }
            Outcome::AlreadyPrivate => {
                report.already_private += 1;
                "already private".to_owned()
            }
            Outcome::Unchecked { reason } | Outcome::Failed { reason } => {
                report.failed.push((sid.clone(), reason.clone()));
                format!("failed: {reason}")
            }
        };
        progress.channel(&sid, &what);
        state.channels.insert(sid, outcome);
        if last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            state.save(state_path)?;
            last_checkpoint = Instant::now();
        }
    }
    state.save(state_path)?;
    progress.finish();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Does one task; returns the channel SID and the outcome.
async fn handle<A: ChannelConvert + ConversationsApi>(api: &A, task: Task) -> (String, Outcome) {
    let (channel, converted) = match task {
        Task::Unknown(channel) => {
            let reason = format!(
                "type `{}` is neither public nor private",
                channel.kind.as_str()
            );
            return (channel.sid.to_string(), Outcome::Failed { reason });
        }
        Task::Check { channel, converted } => (channel, converted),
        Task::Convert(channel) => match api.make_private(&channel.sid).await {
            Ok(ChannelKind::Private) => (channel, true),
            Ok(other) => {
                let reason = format!("Chat v3 answered with type `{}`", other.as_str());
                return (channel.sid.to_string(), Outcome::Failed { reason });
            }
            Err(e) => {
                let reason = format!("Chat v3 UpdateChannel: {e}");
                return (channel.sid.to_string(), Outcome::Failed { reason });
            }
        },
    };
    let outcome = match api.fetch_conversation(&channel.sid).await {
        Ok(()) if converted => Outcome::Converted,
        Ok(()) => Outcome::AlreadyPrivate,
        Err(e) => Outcome::Unchecked {
            reason: format!("private, but Conversations v1 cannot fetch it: {e}"),
        },
    };
    (channel.sid.to_string(), outcome)
}

impl Report {
    /// Whether any channel is not done.
    pub fn has_failures(&self) -> bool {
        !self.failed.is_empty() || self.not_started > 0
    }

    /// The report as printed at the end of a run.
    pub fn render(&self, service: &str) -> String {
        let secs = self.elapsed.as_secs_f64();
        let handled = self.converted.len() + self.already_private + self.failed.len();
        let rate = if secs > 0.0 {
            handled as f64 / secs
        } else {
            0.0
        };
        let mut out = format!(
            "Service {service}: {} channels listed\n\
             converted:       {}\n\
             already private: {}\n\
             done before:     {}\n\
             failed:          {}\n",
            self.listed,
            self.converted.len(),
            self.already_private,
            self.done_before,
            self.failed.len(),
        );
        if self.not_started > 0 {
            out.push_str(&format!(
                "interrupted:     {} channels not started; run again to resume\n",
                self.not_started
            ));
        }
        for (sid, reason) in &self.failed {
            out.push_str(&format!("  {sid}: {reason}\n"));
        }
        out.push_str(&format!(
            "{handled} channels handled in {secs:.2} s ({rate:.1} channels/s)"
        ));
        out
    }
}

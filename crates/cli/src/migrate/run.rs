//! `migrate run`'s engine: decides what each channel needs (convert, check, nothing), does it with bounded
//! concurrency, records each outcome in the [`State`] and checkpoints it, and tallies a [`Report`].

use std::future::ready;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;

use crate::migrate::api::{ChannelConvert, ChannelInfo, ChannelKind, ConversationsApi};
use crate::migrate::progress::Progress;
use crate::migrate::report::Report;
use crate::migrate::state::{Outcome, State};

/// Longest time between two checkpoints while channels complete. A channel completed after the last checkpoint
/// and before a crash is private when the next run lists it, so that run checks it rather than converting it.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

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
                let reason = format!("Chat v3: {e}");
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use twilio_chat_v2::models::ChannelSid;

    use super::*;
    use crate::migrate::api::{ApiError, WebhookConfig};

    /// Channels by number: SID `CH` + the number in 32 hex digits.
    fn sid(n: u32) -> ChannelSid {
        format!("CH{n:032x}").parse().unwrap()
    }

    /// An API that converts every channel but `refuse`, and fetches every conversation but `missing`.
    #[derive(Default)]
    struct Mock {
        refuse: Vec<u32>,
        missing: Vec<u32>,
        converted: RefCell<Vec<String>>,
    }

    impl ChannelConvert for Mock {
        async fn make_private(&self, channel: &ChannelSid) -> Result<ChannelKind, ApiError> {
            if self.refuse.iter().any(|n| sid(*n) == *channel) {
                return Err(ApiError("HTTP 400: refused".to_owned()));
            }
            self.converted.borrow_mut().push(channel.to_string());
            Ok(ChannelKind::Private)
        }
    }

    impl ConversationsApi for Mock {
        async fn fetch_conversation(&self, channel: &ChannelSid) -> Result<(), ApiError> {
            if self.missing.iter().any(|n| sid(*n) == *channel) {
                return Err(ApiError("HTTP 404".to_owned()));
            }
            Ok(())
        }
        async fn webhook_config(&self) -> Result<WebhookConfig, ApiError> {
            Ok(WebhookConfig::default())
        }
        async fn set_webhook_config(&self, _: &WebhookConfig) -> Result<(), ApiError> {
            Ok(())
        }
    }

    /// One channel of each kind and earlier outcome: what the run records and whether it sent Chat v3.
    fn check(
        kind: ChannelKind,
        before: Option<Outcome>,
        api: Mock,
        expected: Option<Outcome>,
        converts: bool,
    ) {
        let dir = std::env::temp_dir().join(format!(
            "twilio-chat-run-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let channel = ChannelInfo {
            sid: sid(1),
            unique_name: None,
            kind,
            members: 0,
            messages: 0,
        };
        let mut state = State::new("IS0");
        if let Some(before) = before.clone() {
            state.channels.insert(sid(1).to_string(), before);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let stop = AtomicBool::new(false);
        let report = runtime
            .block_on(migrate(
                &api,
                &[channel],
                &mut state,
                &path,
                2,
                &stop,
                &mut Progress::Silent,
            ))
            .unwrap();
        let recorded = state.channels.get(sid(1).as_str()).cloned();
        assert_eq!(recorded, expected.clone().or(before), "recorded outcome");
        assert_eq!(!api.converted.borrow().is_empty(), converts, "Chat v3 sent");
        assert_eq!(
            State::load(&path, "IS0").unwrap(),
            state,
            "the state file holds the final state"
        );
        assert_eq!(report.done_before, usize::from(expected.is_none()));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn each_channel_gets_what_its_type_and_earlier_outcome_call_for() {
        let failed = || {
            Some(Outcome::Failed {
                reason: "x".to_owned(),
            })
        };
        let unchecked = || {
            Some(Outcome::Unchecked {
                reason: "x".to_owned(),
            })
        };
        use ChannelKind::{Private, Public};
        check(
            Public,
            None,
            Mock::default(),
            Some(Outcome::Converted),
            true,
        );
        check(
            Public,
            failed(),
            Mock::default(),
            Some(Outcome::Converted),
            true,
        );
        check(
            Private,
            None,
            Mock::default(),
            Some(Outcome::AlreadyPrivate),
            false,
        );
        check(
            Private,
            unchecked(),
            Mock::default(),
            Some(Outcome::Converted),
            false,
        );
        check(
            Private,
            failed(),
            Mock::default(),
            Some(Outcome::Converted),
            false,
        );
        check(
            Private,
            Some(Outcome::Converted),
            Mock::default(),
            None,
            false,
        );
        check(
            Private,
            Some(Outcome::AlreadyPrivate),
            Mock::default(),
            None,
            false,
        );
        let refused = Mock {
            refuse: vec![1],
            ..Mock::default()
        };
        let reason = "Chat v3: HTTP 400: refused".to_owned();
        check(
            Public,
            None,
            refused,
            Some(Outcome::Failed { reason }),
            false,
        );
        let missing = Mock {
            missing: vec![1],
            ..Mock::default()
        };
        let reason = "private, but Conversations v1 cannot fetch it: HTTP 404".to_owned();
        check(
            Public,
            None,
            missing,
            Some(Outcome::Unchecked { reason }),
            true,
        );
        let reason = "type `direct` is neither public nor private".to_owned();
        check(
            ChannelKind::Other("direct".to_owned()),
            None,
            Mock::default(),
            Some(Outcome::Failed { reason }),
            false,
        );
    }

    #[test]
    fn a_stopped_run_starts_nothing_and_reports_what_is_left() {
        let dir = std::env::temp_dir().join(format!("twilio-chat-run-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let channels: Vec<ChannelInfo> = (0..5)
            .map(|n| ChannelInfo {
                sid: sid(n),
                unique_name: None,
                kind: ChannelKind::Public,
                members: 0,
                messages: 0,
            })
            .collect();
        let api = Mock::default();
        let mut state = State::new("IS0");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let stop = AtomicBool::new(true);
        let report = runtime
            .block_on(migrate(
                &api,
                &channels,
                &mut state,
                &dir.join("s.json"),
                2,
                &stop,
                &mut Progress::Silent,
            ))
            .unwrap();
        assert_eq!(report.not_started, 5);
        assert!(report.has_failures());
        assert!(api.converted.borrow().is_empty());
        assert!(
            report
                .render("IS0")
                .contains("interrupted:     5 channels not started")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

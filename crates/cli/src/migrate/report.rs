//! What a `migrate run` did: the [`Report`] the engine tallies, and its text at the end of a run.

use std::time::Duration;

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

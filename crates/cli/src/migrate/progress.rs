//! Progress of `migrate run` on stderr: an indicatif bar when stderr is a terminal, one plain line per channel
//! otherwise (logs, CI, pipes).

use std::io::{IsTerminal as _, Write as _};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where progress goes.
#[derive(Debug)]
pub enum Progress {
    /// A bar redrawn on the terminal.
    Bar(ProgressBar),
    /// Plain lines: `[done/total] CH… converted`.
    Lines {
        /// Channels handled so far.
        done: u64,
        /// Channels to handle.
        total: u64,
    },
    /// Nothing (unit tests).
    #[cfg(test)]
    Silent,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise, for `total` channels.
    pub fn for_stderr(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{bar:40} {pos}/{len} channels, {per_sec}, {eta} left {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            Progress::Bar(bar)
        } else {
            Progress::Lines { done: 0, total }
        }
    }

    /// One channel handled, with what happened to it.
    pub fn channel(&mut self, sid: &str, what: &str) {
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                if what.starts_with("failed") {
                    bar.println(format!("{sid} {what}"));
                }
            }
            Progress::Lines { done, total } => {
                *done += 1;
                let _ = writeln!(std::io::stderr(), "[{done}/{total}] {sid} {what}");
            }
            #[cfg(test)]
            Progress::Silent => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

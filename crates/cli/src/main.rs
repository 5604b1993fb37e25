//! `twilio-chat`: command-line tools for Twilio Programmable Chat. Each subcommand lives in its own module;
//! this file parses the command line and turns every outcome into an exit status: 0 on success, 2 for bad or
//! missing input (one line on stderr, nothing on stdout), 1 when the work failed (`migrate`: a report on stdout,
//! the reason on stderr) or the output cannot be written.

use std::io::Write as _;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

mod fake;
mod migrate;
mod token;

/// Command-line tools for Twilio Programmable Chat.
#[derive(Debug, Parser)]
#[command(name = "twilio-chat", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once per process; boxing would only add noise"
)]
enum Command {
    Token(token::TokenArgs),
    Fake(fake::FakeArgs),
    Migrate(migrate::MigrateArgs),
}

/// Exit status for bad or missing input, as for command-line usage errors.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            return match err.print() {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        // Without arguments clap would print the whole help on stderr; one line is enough.
        Err(err) if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let migrate = std::env::args().nth(1).as_deref() == Some("migrate");
            return usage_error(if migrate {
                "error: a subcommand is required (`plan`, `run` or `webhooks`); see `twilio-chat migrate --help`"
            } else {
                "error: a subcommand is required (such as `token`); see `twilio-chat --help`"
            });
        }
        Err(err) => return usage_error(&one_line(&err.render().to_string())),
    };
    let output = match cli.command {
        Command::Token(args) => token::run(args).map_err(migrate::Failure::Usage),
        Command::Fake(args) => fake::run(args).map_err(migrate::Failure::Usage),
        Command::Migrate(args) => migrate::run(args),
    };
    match output {
        Ok(text) => print(&text),
        Err(migrate::Failure::Usage(message)) => usage_error(&format!("error: {message}")),
        Err(migrate::Failure::Failed { report, error }) => {
            if !report.is_empty() {
                let _ = print(&report);
            }
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints `text` and a newline on stdout: success, unless it cannot be written.
fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints `line` on stderr and returns the usage exit status.
fn usage_error(line: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{line}");
    ExitCode::from(USAGE)
}

/// clap's error text up to its usage block, on one line: `error: ... --identity <IDENTITY>`.
fn one_line(text: &str) -> String {
    let head = text.split("\n\n").next().unwrap_or(text);
    head.split_whitespace().collect::<Vec<_>>().join(" ")
}

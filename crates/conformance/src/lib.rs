//! Conformance tests for the generated Chat v2, Chat v3 and Conversations v1 clients: a scenario file format, a replay harness on httpmock that
//! drives the generated client and proves what it sent, and a recorder that writes new scenarios.
//!
//! The crate is `publish = false`; its tests live in `tests/` and its scenario files in `scenarios/`.
//! See `README.md` beside this crate for the scenario format and the record mode.

mod args;
pub mod format;
/// The generated half of the dispatch, one file per product (by `cargo xtask codegen`).
mod generated {
    #[rustfmt::skip]
    pub(crate) mod chat_v2;
    #[rustfmt::skip]
    pub(crate) mod chat_v3;
    #[rustfmt::skip]
    pub(crate) mod conversations_v1;
}
pub mod harness;
pub mod plan;
pub mod record;
pub mod wire;

/// Scenario calls made through the generated client: the operation table and arms are generated from the
/// description (`src/generated/`, by `cargo xtask codegen`), the argument reader is hand-written (`src/args.rs`).
pub mod dispatch {
    pub use crate::args::{Args, CallResult, dispatch, operation, operations, page_value, paged};
}

pub use format::{
    Call, ClientOptions, CredentialsSpec, Exchange, ExpectedRequest, Mode, Product,
    RecordedResponse, Scenario,
};
pub use harness::{replay, replay_blocking};

/// The root README's examples, compiled by `cargo test` as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// Path of the scenario folder of this crate.
pub fn scenarios_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Reads and parses a scenario file, naming the file on error.
pub fn load(path: &std::path::Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

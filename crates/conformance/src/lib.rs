//! Conformance tests for the generated Chat v2 client: a scenario file format, a replay harness on httpmock that
//! drives the generated client and proves what it sent, and a recorder that writes new scenarios.

pub mod format;
pub mod wire;

pub use format::{Call, ClientOptions, CredentialsSpec, Exchange, ExpectedRequest, Mode, RecordedResponse, Scenario};

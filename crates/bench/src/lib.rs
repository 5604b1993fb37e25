//! Benchmarks of `cargo xtask bench`: the generator's speed (`codegen_bench`) and the generated client's runtime cost
//! against a minimal hand-written reqwest + serde client on the same data (`runtime_bench`).
//!
//! The binaries print one JSON object per line (`{"name": ..., "value": ..., "unit": ...}`) that `xtask` turns into
//! the table of `BENCHMARKS.md`. Timing uses [`std::time::Instant`], warm-up runs and medians ([`stats`]); HTTP goes
//! to a loopback server started by the binary itself ([`server`]), which stops when dropped or after idling.
//! Nothing here is a test: `cargo test` only checks the fixtures and encoders.

pub mod fixtures;
pub mod hand;
pub mod media_server;
pub mod server;
pub mod stats;

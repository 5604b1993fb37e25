//! Support code shared by the generated Twilio REST models and the hand-written Twilio crates.
//!
//! Nothing here is meant for applications yet: what generated code and the other Twilio crates call sits under
//! [`__private`] (hidden from the documentation, serde's convention), and may change in any release.
//!
//! - `__private::de`: the one object reader every hand-written and generated `Deserialize` of a JSON object goes
//!   through, with one rule for repeated, missing and unknown members.
//! - `__private::datetime`: date-time members of models, read from RFC 3339 or RFC 2822.

#![deny(missing_docs)]

/// Support that generated code and the other Twilio crates call; not part of the stable API.
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

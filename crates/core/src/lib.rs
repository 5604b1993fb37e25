//! Support code shared by the generated Twilio REST models and the hand-written Twilio crates.
//!
//! Applications meet one part of it: the typed SIDs, [`Sid`] and [`Key`], which the models crates name per
//! resource (`ServiceSid`, `ChannelSid`) and re-export. What generated code and the other Twilio crates call
//! sits under [`__private`] (hidden from the documentation, serde's convention), and may change in any release:
//!
//! - `__private::de`: the one object reader every hand-written and generated `Deserialize` of a JSON object goes
//!   through, with one rule for repeated, missing and unknown members.
//! - `__private::datetime`: date-time members of models, read from RFC 3339 or RFC 2822.

#![deny(missing_docs)]

/// Support that generated code and the other Twilio crates call; not part of the stable API.
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

mod sid;

pub use sid::{Key, SID_LEN, Sid, SidError};

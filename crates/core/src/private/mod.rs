//! Support that generated models and the hand-written Twilio crates call: the object reader (`de`) and the
//! date-time members (`datetime`). Not part of the stable API.

pub mod datetime;
pub mod de;

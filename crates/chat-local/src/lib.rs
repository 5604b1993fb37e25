//! A local Chat v2 service.

#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
pub mod table;

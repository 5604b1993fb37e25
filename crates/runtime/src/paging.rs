//! Lists that span pages: the [`Page`](page::Page) type, the parsing of Twilio's two page shapes (no IO), the
//! trail that keeps a chain of pages finite, and the client calls that fetch and follow pages
//! (`Client::execute_page`, `next_page`, `stream`).

pub(crate) mod follow;
pub(crate) mod page;
pub(crate) mod parse;
pub(crate) mod trail;

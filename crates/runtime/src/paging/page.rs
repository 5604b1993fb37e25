//! Pages of list results: [`Page`] (records, [`PageMeta`], the response it came from, and how to fetch the next
//! one) and the [`ItemStream`] of records across pages. Parsing a page body is in `parse.rs`, the chain of pages
//! fetched in `trail.rs`, fetching and following pages in `follow.rs`.
//!
//! Safety: a next page URL must have the same scheme, host and port as the client's base URL (after the client's
//! region/edge rewrite), otherwise nothing is sent and a [`ErrorKind::Pagination`](crate::ErrorKind::Pagination)
//! error is returned: credentials never leave for a host the caller did not configure.

use std::pin::Pin;

use crate::error::Error;
use crate::http::request::Request;
use crate::http::response::ResponseMeta;
use crate::paging::trail::Trail;

/// A stream of records across pages, produced by [`Client::stream`](crate::Client::stream). Consume it with
/// `futures_util::StreamExt::next` (or `futures::StreamExt`). After an error the stream ends.
pub type ItemStream<T> = Pin<Box<dyn futures_core::Stream<Item = Result<T, Error>> + Send>>;

/// One page of a list operation.
///
/// Two body shapes are understood. Chat v2 style: `{"<key>": [...], "meta": {"page", "page_size",
/// "first_page_url", "previous_page_url", "url", "next_page_url", "key"}}`, records under `meta.key`. API v2010
/// style (no `meta`): `next_page_uri`, `first_page_uri`, `previous_page_uri`, `uri`, `page` and `page_size` at
/// the top level, relative URIs resolved against the client's base URL, records under
/// [`Request::page_key`](crate::Request::page_key) or else the only array-valued property.
///
/// Following a page ([`Client::next_page`](crate::Client::next_page), [`Client::stream`](crate::Client::stream))
/// requires the link to share the client's scheme, host and port; Twilio's default host is mapped to the
/// client's region/edge host first. Other links, and links to an already fetched page, give an
/// [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error and nothing is sent.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The records of this page, in server order.
    pub records: Vec<T>,
    /// Paging information: page number, size and links.
    pub meta: PageMeta,
    /// How to fetch the following page (operation, headers, options, the URLs fetched so far).
    pub(crate) origin: PageOrigin,
    /// Status and headers of the response this page came from.
    pub(crate) response: ResponseMeta,
}

/// Paging information of a [`Page`]. Links are absolute URLs (relative API v2010 URIs are resolved against the
/// client's base URL); empty links are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageMeta {
    /// Zero-based page number.
    pub page: Option<u64>,
    /// Records per page requested.
    pub page_size: Option<u64>,
    /// URL of the first page.
    pub first_page_url: Option<String>,
    /// URL of the previous page, `None` on the first page.
    pub previous_page_url: Option<String>,
    /// URL of this page.
    pub url: Option<String>,
    /// URL of the next page, `None` on the last page.
    pub next_page_url: Option<String>,
    /// Name of the property holding the records.
    pub key: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct PageOrigin {
    /// The request that produced the first page (its query is already part of every page URL).
    pub(crate) request: Request,
    /// The pages fetched so far in this chain, this one last.
    pub(crate) trail: Trail,
}

impl<T> Page<T> {
    /// The next page's URL, `None` on the last page.
    pub fn next_page_url(&self) -> Option<&str> {
        self.meta.next_page_url.as_deref()
    }

    /// The previous page's URL, `None` on the first page.
    pub fn previous_page_url(&self) -> Option<&str> {
        self.meta.previous_page_url.as_deref()
    }

    /// The first page's URL.
    pub fn first_page_url(&self) -> Option<&str> {
        self.meta.first_page_url.as_deref()
    }

    /// The records, consuming the page.
    pub fn into_records(self) -> Vec<T> {
        self.records
    }

    /// Status, headers and `Twilio-Request-Id` of the response this page came from.
    pub fn response(&self) -> &ResponseMeta {
        &self.response
    }
}

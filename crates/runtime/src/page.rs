//! Pages of list results: [`Page`] and [`PageMeta`], parsing of both page shapes Twilio uses, the safety checks
//! on page links, and the auto-paging [`ItemStream`].
//!
//! Shapes: Chat v2 pages are `{"<key>": [...], "meta": {"page", "page_size", "first_page_url",
//! "previous_page_url", "url", "next_page_url", "key"}}` with records under `meta.key`. API v2010 pages have no
//! `meta`: `next_page_uri`, `first_page_uri`, `previous_page_uri`, `uri`, `page` and `page_size` sit at the top
//! level, the URIs are relative (joined to the client's base URL), and records are under
//! [`Request::page_key`](crate::Request::page_key), or else under the only array-valued property.
//!
//! Safety: a next page URL must have the same scheme, host and port as the client's base URL (after the client's
//! region/edge rewrite), otherwise nothing is sent and a [`ErrorKind::Pagination`](crate::ErrorKind::Pagination)
//! error is returned: credentials never leave for a host the caller did not configure. A next URL that was
//! already fetched is also a pagination error, so a misbehaving server cannot make a stream loop forever.

use std::collections::HashSet;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;

/// A stream of records across pages, produced by [`Client::stream`]. Consume it with
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
    /// How to fetch the following page (operation, headers, options, this page's URL).
    pub(crate) origin: PageOrigin,
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
    /// The URL this page was fetched from.
    pub(crate) fetched_url: Url,
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
}

/// Parses a page body into records and metadata.
pub(crate) fn parse_page<T: DeserializeOwned>(
    operation: &str,
    body: &[u8],
    base_url: &Url,
    page_key: Option<&str>,
) -> Result<(Vec<T>, PageMeta), Error> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Error::decode(operation, String::new(), &e))?;
    let Value::Object(mut object) = value else {
        return Err(Error::decode(
            operation,
            String::new(),
            &"a page must be a JSON object",
        ));
    };
    let meta = match object.get("meta") {
        Some(Value::Object(meta)) => PageMeta {
            page: number(meta, "page"),
            page_size: number(meta, "page_size"),
            first_page_url: link(meta, "first_page_url", None),
            previous_page_url: link(meta, "previous_page_url", None),
            url: link(meta, "url", None),
            next_page_url: link(meta, "next_page_url", None),
            key: text(meta, "key"),
        },
        _ => PageMeta {
            page: number(&object, "page"),
            page_size: number(&object, "page_size"),
            first_page_url: link(&object, "first_page_uri", Some(base_url)),
            previous_page_url: link(&object, "previous_page_uri", Some(base_url)),
            url: link(&object, "uri", Some(base_url)),
            next_page_url: link(&object, "next_page_uri", Some(base_url)),
            key: None,
        },
    };
    let key = match meta.key.as_deref().or(page_key) {
        Some(k) => k.to_owned(),
        None => single_array_key(&object).ok_or_else(|| {
            Error::decode(
                operation,
                String::new(),
                &"the page has no `meta.key` and no single array property holding its records",
            )
        })?,
    };
    let records = match object.remove(&key) {
        Some(v @ Value::Array(_)) => v,
        Some(_) => {
            return Err(Error::decode(
                operation,
                key,
                &"expected an array of records",
            ));
        }
        None => {
            return Err(Error::decode(
                operation,
                key,
                &"the page has no records property",
            ));
        }
    };
    let records: Vec<T> = serde_path_to_error::deserialize(records).map_err(|e| {
        let path = e.path().to_string();
        let full = if path == "." || path.is_empty() {
            key.clone()
        } else if path.starts_with('[') {
            format!("{key}{path}")
        } else {
            format!("{key}.{path}")
        };
        Error::decode(operation, full, e.inner())
    })?;
    Ok((
        records,
        PageMeta {
            key: Some(key),
            ..meta
        },
    ))
}

fn number(map: &Map<String, Value>, name: &str) -> Option<u64> {
    match map.get(name)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn link(map: &Map<String, Value>, name: &str, base: Option<&Url>) -> Option<String> {
    let raw = text(map, name)?;
    match base {
        Some(base) => base.join(&raw).ok().map(String::from).or(Some(raw)),
        None => Some(raw),
    }
}

fn single_array_key(map: &Map<String, Value>) -> Option<String> {
    let mut arrays = map.iter().filter(|(_, v)| v.is_array());
    let (first, _) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    Some(first.clone())
}

struct StreamState<T> {
    client: Client,
    request: Request,
    limit: Option<u64>,
    yielded: u64,
    items: std::vec::IntoIter<T>,
    /// `None` before the first fetch; then the last fetched page's next URL.
    next: Option<String>,
    started: bool,
    done: bool,
    seen: HashSet<String>,
}

/// Auto-paging: yields records one at a time, holding at most one page in memory, and fetches the next page only
/// when the current one is used up and `limit` is not yet reached.
pub(crate) fn stream<T: DeserializeOwned + Send + 'static>(
    client: Client,
    request: Request,
    limit: Option<u64>,
) -> ItemStream<T> {
    let state = StreamState {
        client,
        request,
        limit,
        yielded: 0,
        items: Vec::new().into_iter(),
        next: None,
        started: false,
        done: false,
        seen: HashSet::new(),
    };
    Box::pin(futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if st.done || st.limit.is_some_and(|l| st.yielded >= l) {
                return None;
            }
            if let Some(item) = st.items.next() {
                st.yielded += 1;
                return Some((Ok(item), st));
            }
            let url = if !st.started {
                st.started = true;
                st.client.url_for(&st.request)
            } else {
                match st.next.take() {
                    None => return None,
                    Some(next) => st.client.resolve_next_url(st.request.operation, &next),
                }
            };
            let fetched = match url {
                Ok(url) => {
                    if st.seen.insert(url.as_str().to_owned()) {
                        st.client.fetch_page::<T>(&st.request, url).await
                    } else {
                        Err(Error::pagination(
                            st.request.operation,
                            format!(
                                "the next page URL {url} was already fetched; stopping instead of looping"
                            ),
                        ))
                    }
                }
                Err(e) => Err(e),
            };
            match fetched {
                Ok(page) => {
                    st.next = page.meta.next_page_url.clone();
                    st.items = page.records.into_iter();
                }
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Rec {
        sid: String,
        n: Option<u32>,
    }

    fn base() -> Url {
        Url::parse("https://api.twilio.com").unwrap()
    }

    #[test]
    fn chat_v2_page() {
        let body = br#"{"channels": [{"sid": "CH1"}, {"sid": "CH2", "n": 2}], "meta": {"page": 0, "page_size": 2,
            "first_page_url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=0",
            "previous_page_url": null, "url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=0",
            "next_page_url": "https://chat.twilio.com/v2/Services/IS1/Channels?PageSize=2&Page=1&PageToken=PT", "key": "channels"}}"#;
        let (records, meta) = parse_page::<Rec>("ListChannel", body, &base(), None).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[1],
            Rec {
                sid: "CH2".into(),
                n: Some(2)
            }
        );
        assert_eq!(meta.page, Some(0));
        assert_eq!(meta.page_size, Some(2));
        assert_eq!(meta.previous_page_url, None);
        assert_eq!(meta.key.as_deref(), Some("channels"));
        assert!(meta.next_page_url.unwrap().ends_with("Page=1&PageToken=PT"));
    }

    #[test]
    fn v2010_page_with_relative_uris() {
        let body = br#"{"calls": [{"sid": "CA1"}], "end": 0, "first_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=0",
            "next_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=1", "previous_page_uri": null, "page": 0,
            "page_size": 1, "uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=0"}"#;
        let (records, meta) = parse_page::<Rec>("ListCall", body, &base(), None).unwrap();
        assert_eq!(records[0].sid, "CA1");
        assert_eq!(
            meta.next_page_url.as_deref(),
            Some("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Page=1")
        );
        assert_eq!(meta.key.as_deref(), Some("calls"));
        let (records, _) = parse_page::<Rec>("ListCall", body, &base(), Some("calls")).unwrap();
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn decode_errors_name_paths() {
        let check = |body: &[u8], key: Option<&str>, path: &str| {
            let err = parse_page::<Rec>("ListChannel", body, &base(), key).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
            assert_eq!(err.decode_path(), Some(path), "{err}");
            assert!(err.to_string().starts_with("ListChannel: "), "{err}");
        };
        check(
            br#"{"channels": [{"sid": "CH1"}, {"sid": 5}], "meta": {"key": "channels"}}"#,
            None,
            "channels[1].sid",
        );
        check(br#"{"meta": {"key": "channels"}}"#, None, "channels");
        check(
            br#"{"channels": {}, "meta": {"key": "channels"}}"#,
            None,
            "channels",
        );
        check(br#"{"a": [], "b": []}"#, None, ".");
        check(br#"{"channels": [{"sid": "#, None, ".");
        check(b"[]", None, ".");
    }
}

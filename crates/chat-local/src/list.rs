//! Lists in Twilio's page shape: filters on the documented query parameters, `PageSize` (50 by default, at most
//! the list's maximum in the description), `Page` and `PageToken`, and `meta` with absolute `first_page_url`, `previous_page_url`, `url` and
//! `next_page_url` on the local host.

use serde_json::{Map, Value, json};

use crate::form::Pairs;
use crate::store::{ApiError, Record, Store};
use crate::table::Route;

/// Whether a record passes the list's filters that were sent (any of the values given for each).
pub(crate) fn filtered(route: &Route, query: &Pairs, record: &Record) -> bool {
    route.filters.iter().all(|f| {
        let Some(field) = f.field else { return true };
        let wanted = query.all(f.wire);
        wanted.is_empty() || record.str(field).is_some_and(|v| wanted.contains(&v))
    })
}

/// Twilio's default page size.
const DEFAULT_PAGE_SIZE: u64 = 50;

/// `PageSize` as sent: the default (50, or the list's maximum when smaller) when absent; below the description's
/// `minimum` or not an integer, refused with 400 (code 20001); above its `maximum` (5, 50, 100 or 1000 by list),
/// answered with the maximum, which is what `meta.page_size` then says (Twilio enforces the maximum on its side).
fn page_size(route: &Route, sent: Option<&str>) -> Result<usize, ApiError> {
    let range = route.filters.iter().find(|f| f.wire == "PageSize");
    let minimum = range.and_then(|f| f.minimum).unwrap_or(1);
    let maximum = range
        .and_then(|f| f.maximum)
        .and_then(|m| u64::try_from(m).ok())
        .unwrap_or(u64::MAX);
    let size = match sent {
        None => DEFAULT_PAGE_SIZE,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| i64::try_from(*n).map_or(true, |n| n >= minimum))
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid PageSize: {} is not an integer of at least {minimum}",
                    crate::store::shown(text)
                ))
            })?,
    };
    Ok(usize::try_from(size.min(maximum)).unwrap_or(usize::MAX))
}

/// One page of `items` (already filtered and ordered, each with its creation sequence), in Twilio's shape; only
/// the records of the page go through `render`.
pub(crate) fn page<T, V>(
    store: &Store,
    route: &Route,
    path: &str,
    query: &Pairs,
    items: Vec<(u64, T)>,
    desc: bool,
    render: impl Fn(&T) -> V,
) -> Result<Page<V>, ApiError> {
    let window = window(store, route, path, query, &items, desc)?;
    let records = window.of(&items).iter().map(|(_, v)| render(v)).collect();
    Ok(Page {
        key: window.key,
        records,
        meta: window.meta,
    })
}

/// A page: its records under their key (`meta.key`) and its `meta`.
pub(crate) struct Page<V> {
    key: &'static str,
    records: Vec<V>,
    meta: Value,
}

impl Page<Value> {
    /// The page as a JSON value.
    pub fn into_value(self) -> Value {
        let mut body = Map::new();
        body.insert(self.key.to_owned(), Value::Array(self.records));
        body.insert("meta".to_owned(), self.meta);
        Value::Object(body)
    }
}

impl<V: serde::Serialize> Page<V> {
    /// The page as JSON text, written without building its value.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApiError> {
        serde_json::to_vec(self)
            .map_err(|e| ApiError::new(500, 20500, format!("Internal error: {e}")))
    }
}

/// The two keys in order, as every answer writes a JSON object's keys.
impl<V: serde::Serialize> serde::Serialize for Page<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(2))?;
        if self.key < "meta" {
            map.serialize_entry(self.key, &self.records)?;
            map.serialize_entry("meta", &self.meta)?;
        } else {
            map.serialize_entry("meta", &self.meta)?;
            map.serialize_entry(self.key, &self.records)?;
        }
        map.end()
    }
}

/// Where a page starts and ends among a list's items, the key of its records and its `meta`.
struct Window {
    start: usize,
    end: usize,
    key: &'static str,
    meta: Value,
}

impl Window {
    fn of<'i, T>(&self, items: &'i [(u64, T)]) -> &'i [(u64, T)] {
        items.get(self.start..self.end).unwrap_or_default()
    }
}

/// The window of the page the query asks for: `PageSize`, then `PageToken` or `Page`.
fn window<T>(
    store: &Store,
    route: &Route,
    path: &str,
    query: &Pairs,
    items: &[(u64, T)],
    desc: bool,
) -> Result<Window, ApiError> {
    let key = route.records_key.unwrap_or("records");
    for filter in route.filters {
        crate::request::one_of(filter.wire, filter.values, &query.all(filter.wire))?;
    }
    let page_size = page_size(route, query.last("PageSize"))?;
    let page_number = match query.last("Page") {
        None => 0,
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            ApiError::invalid(format!("Invalid Page: {v} is not a non-negative integer"))
        })?,
    };
    // Page tokens name a record by creation order: `PA<seq>` starts after it, `PB<seq>` ends before it.
    let after = |seq: u64, n: u64| if desc { seq < n } else { seq > n };
    let start = match query.last("PageToken") {
        None => page_number.saturating_mul(page_size).min(items.len()),
        Some(token) => {
            let parse = |rest: &str| {
                rest.parse::<u64>()
                    .map_err(|_| ApiError::invalid(format!("Invalid PageToken: {token}")))
            };
            if let Some(rest) = token.strip_prefix("PA") {
                let n = parse(rest)?;
                items
                    .iter()
                    .position(|(s, _)| after(*s, n))
                    .unwrap_or(items.len())
            } else if let Some(rest) = token.strip_prefix("PB") {
                let n = parse(rest)?;
                let end = items.iter().take_while(|(s, _)| after(n, *s)).count();
                end.saturating_sub(page_size)
            } else {
                return Err(ApiError::invalid(format!("Invalid PageToken: {token}")));
            }
        }
    };
    let end = (start + page_size).min(items.len());
    let filters: Vec<(&str, &str)> = route
        .filters
        .iter()
        .filter(|f| !matches!(f.wire, "PageSize" | "Page" | "PageToken"))
        .flat_map(|f| query.all(f.wire).into_iter().map(move |v| (f.wire, v)))
        .collect();
    let link = |page: usize, token: Option<String>| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &filters {
            s.append_pair(k, v);
        }
        s.append_pair("PageSize", &page_size.to_string());
        s.append_pair("Page", &page.to_string());
        if let Some(t) = &token {
            s.append_pair("PageToken", t);
        }
        format!("{}{}?{}", store.base_url, path, s.finish())
    };
    let next = (end < items.len())
        .then(|| {
            let last = items.get(end.checked_sub(1)?)?;
            Some(link(
                page_number.saturating_add(1),
                Some(format!("PA{}", last.0)),
            ))
        })
        .flatten();
    // Past the end there is no record to anchor a token: the previous page is then addressed by number only.
    let previous = (start > 0 && page_number > 0).then(|| {
        let token = items.get(start).map(|(seq, _)| format!("PB{seq}"));
        link(page_number - 1, token)
    });
    let current = link(page_number, query.last("PageToken").map(str::to_owned));
    let meta = json!({
        "page": page_number,
        "page_size": page_size,
        "first_page_url": link(0, None),
        "previous_page_url": previous,
        "url": current,
        "next_page_url": next,
        "key": key,
    });
    Ok(Window {
        start,
        end,
        key,
        meta,
    })
}

/// Whether a list is asked newest first (`Order=desc`, where the list has that parameter).
pub(crate) fn descending(route: &Route, query: &Pairs) -> bool {
    route.filters.iter().any(|f| f.wire == "Order") && query.last("Order") == Some("desc")
}

/// The answer to a list: `items` (in creation order, each with its sequence) reversed when the query asks for
/// `Order=desc`, then one page of them, each record of the page through `render`.
pub(crate) fn answer<T>(
    store: &Store,
    route: &Route,
    path: &str,
    query: &Pairs,
    mut items: Vec<(u64, T)>,
    render: impl Fn(&T) -> Value,
) -> Result<(u16, Option<Value>), ApiError> {
    let desc = descending(route, query);
    if desc {
        items.reverse();
    }
    page(store, route, path, query, items, desc, render).map(|p| (200, Some(p.into_value())))
}

/// Whether the query sends a value for any of the list's filters on record fields.
pub(crate) fn filters_sent(route: &Route, query: &Pairs) -> bool {
    route
        .filters
        .iter()
        .any(|f| f.field.is_some() && query.has(f.wire))
}

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

/// One page of `items` (already filtered and in list order, each with its creation sequence), in Twilio's shape.
/// Items are read only up to the page's end and one more (to know whether a next page exists), and only the records
/// of the page go through `render`; `desc` says the order is newest first.
pub(crate) fn page<T, V>(
    store: &Store,
    route: &Route,
    path: &str,
    query: &Pairs,
    items: impl Iterator<Item = (u64, T)>,
    desc: bool,
    render: impl Fn(&T) -> V,
) -> Result<Page<V>, ApiError> {
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
    let mut items = items.peekable();
    let mut skipped = 0usize;
    let mut taken: Vec<(u64, T)> = Vec::with_capacity(page_size.min(1000));
    match query.last("PageToken") {
        None => {
            let offset = page_number.saturating_mul(page_size);
            skipped = items.by_ref().take(offset).count();
        }
        Some(token) => {
            let parse = |rest: &str| {
                rest.parse::<u64>()
                    .map_err(|_| ApiError::invalid(format!("Invalid PageToken: {token}")))
            };
            if let Some(rest) = token.strip_prefix("PA") {
                let n = parse(rest)?;
                while items.next_if(|(s, _)| !after(*s, n)).is_some() {
                    skipped += 1;
                }
            } else if let Some(rest) = token.strip_prefix("PB") {
                let n = parse(rest)?;
                // The page ends before the token's record: the last `page_size` records before it.
                while let Some(item) = items.next_if(|(s, _)| after(n, *s)) {
                    if taken.len() == page_size {
                        taken.remove(0);
                        skipped += 1;
                    }
                    taken.push(item);
                }
            } else {
                return Err(ApiError::invalid(format!("Invalid PageToken: {token}")));
            }
        }
    }
    // A page is full when records follow (a previous page near the start reaches past its token).
    let missing = page_size.saturating_sub(taken.len());
    taken.extend(items.by_ref().take(missing));
    let more = items.peek().is_some();
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
    let next = more
        .then(|| {
            let last = taken.last()?;
            Some(link(
                page_number.saturating_add(1),
                Some(format!("PA{}", last.0)),
            ))
        })
        .flatten();
    // Past the end there is no record to anchor a token: the previous page is then addressed by number only.
    let previous = (skipped > 0 && page_number > 0).then(|| {
        let token = taken.first().map(|(seq, _)| format!("PB{seq}"));
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
    Ok(Page {
        key,
        records: taken.iter().map(|(_, v)| render(v)).collect(),
        meta,
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
    items: Vec<(u64, T)>,
    render: impl Fn(&T) -> Value,
) -> Result<(u16, Option<Value>), ApiError> {
    let desc = descending(route, query);
    let items = in_order(items.into_iter(), desc);
    page(store, route, path, query, items, desc, render).map(|p| (200, Some(p.into_value())))
}

/// `items` (in creation order) in the list's order: reversed when `desc`.
pub(crate) fn in_order<'a, T: 'a>(
    items: impl DoubleEndedIterator<Item = T> + 'a,
    desc: bool,
) -> Box<dyn Iterator<Item = T> + 'a> {
    if desc {
        Box::new(items.rev())
    } else {
        Box::new(items)
    }
}

/// Whether the query sends a value for any of the list's filters on record fields.
pub(crate) fn filters_sent(route: &Route, query: &Pairs) -> bool {
    route
        .filters
        .iter()
        .any(|f| f.field.is_some() && query.has(f.wire))
}

#[cfg(test)]
mod tests {
    use super::{in_order, page};
    use crate::form::{Pairs, Source};
    use crate::generated::chat_v2::ROUTES;
    use crate::store::Store;
    use serde_json::Value;

    /// The sequences of the page a query asks for among records 1 to 10, and its `next_page_url` and
    /// `previous_page_url` queries.
    fn check(query: &str, desc: bool) -> (Vec<u64>, Option<String>, Option<String>) {
        let store = Store::new(
            "http://127.0.0.1:1".to_owned(),
            "http://127.0.0.1:2".to_owned(),
            "AC00000000000000000000000000000000".to_owned(),
            1,
        );
        let route = ROUTES
            .iter()
            .find(|r| r.operation_id == "ListMessage")
            .unwrap_or_else(|| panic!("ListMessage is generated"));
        let query = Pairs::parse(query.as_bytes(), Source::Query).unwrap_or_default();
        let items = in_order((1..=10u64).map(|n| (n, n)), desc);
        let page = page(&store, route, "/m", &query, items, desc, |n| *n)
            .and_then(|p| p.to_bytes())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let page: Value = serde_json::from_slice(&page).unwrap_or_default();
        let seqs = page["messages"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let link = |name: &str| {
            page["meta"][name]
                .as_str()
                .and_then(|url| url.split_once('?'))
                .map(|(_, q)| q.to_owned())
        };
        (seqs, link("next_page_url"), link("previous_page_url"))
    }

    #[test]
    fn pages_forward_by_token_and_back_again() {
        for desc in [false, true] {
            let order = if desc { "&Order=desc" } else { "" };
            let mut forward = Vec::new();
            let mut query = format!("PageSize=3{order}");
            let mut last = None;
            while let (seqs, next, previous) = check(&query, desc)
                && !seqs.is_empty()
            {
                forward.push(seqs);
                last = Some(query.clone());
                match next {
                    Some(next) => query = next,
                    None => {
                        // Back from the last page through the previous links.
                        let mut backward = vec![forward.last().cloned().unwrap_or_default()];
                        let mut back = previous;
                        while let Some(q) = back {
                            let (seqs, _, previous) = check(&q, desc);
                            backward.push(seqs);
                            back = previous;
                        }
                        backward.reverse();
                        assert_eq!(backward, forward, "back equals forth (desc: {desc})");
                        break;
                    }
                }
            }
            let expected: Vec<Vec<u64>> = if desc {
                vec![vec![10, 9, 8], vec![7, 6, 5], vec![4, 3, 2], vec![1]]
            } else {
                vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9], vec![10]]
            };
            assert_eq!(forward, expected, "{last:?}");
        }
    }

    #[test]
    fn pages_by_number_and_past_the_end() {
        let (seqs, next, previous) = check("PageSize=3&Page=2", false);
        assert_eq!(seqs, [7, 8, 9]);
        assert_eq!(next.as_deref(), Some("PageSize=3&Page=3&PageToken=PA9"));
        assert_eq!(previous.as_deref(), Some("PageSize=3&Page=1&PageToken=PB7"));
        // Past the end: no records, no next page, and a previous page by number only.
        let (seqs, next, previous) = check("PageSize=3&Page=9", false);
        assert!(seqs.is_empty() && next.is_none());
        assert_eq!(previous.as_deref(), Some("PageSize=3&Page=8"));
        // A previous page with fewer records before its token than a page holds is the first full page.
        let (seqs, _, previous) = check("PageSize=3&Page=1&PageToken=PB3", false);
        assert_eq!(seqs, [1, 2, 3]);
        assert!(previous.is_none());
        // A token past every record.
        let (seqs, next, _) = check("PageSize=3&Page=4&PageToken=PA10", false);
        assert!(seqs.is_empty() && next.is_none());
    }
}

//! The records a product resource keeps of its own, where no stored Chat record shows it (configuration addresses,
//! conversation-scoped webhooks, delivery receipts, the account configuration): generic create, fetch, update,
//! delete and list, records shared between the account's and the service's paths, and singletons that start from
//! their defaults on first use.

use serde_json::{Map, Value, json};

use crate::form::Pairs;
use crate::product::{Target, own_constraints, passes};
use crate::request::{apply_form, required};
use crate::store::{ApiError, Record, Store};
use crate::table::{Kind, Resource};

/// A product resource's own record as answered: the resource's fields (a record shared with another resource may
/// have more), `url` and `links` on its paths.
fn own_view(store: &Store, resource: &Resource, record: &Record) -> Value {
    let mut v: Map<String, Value> = resource
        .fields
        .iter()
        .map(|f| {
            let value = record.value.get(f.name).cloned().unwrap_or(Value::Null);
            (f.name.to_owned(), value)
        })
        .collect();
    store.locate(resource, &mut v);
    Value::Object(v)
}

/// An operation on a product resource's own records (kept under the resource whose records it shares, if any); a
/// singleton starts from its defaults on first use.
pub(crate) fn respond(
    store: &mut Store,
    target: &Target<'_>,
    form: &Pairs,
    query: &Pairs,
) -> Result<(u16, Option<Value>), ApiError> {
    let (route, resource, path) = (target.route, target.resource, target.path);
    let stored = target
        .api
        .shared_records
        .iter()
        .find(|(name, _)| *name == resource.name)
        .and_then(|(_, with)| target.api.resource(with))
        .unwrap_or(resource);
    let constraints = own_constraints(stored, &target.bounds);
    let singleton = resource.sid_prefix.is_none();
    let find = |store: &mut Store| -> Result<Record, ApiError> {
        if singleton {
            if let Some(found) = store.filter(stored.name, &constraints).next() {
                return Ok(found.clone());
            }
            let mut record = store.blank(stored, &constraints);
            crate::conversations::singleton_defaults(store, stored, &mut record);
            store.insert(stored.name, record.clone());
            return Ok(record);
        }
        let param = route
            .path_params
            .last()
            .ok_or_else(|| ApiError::not_found(path))?;
        let key = target.raw.last().ok_or_else(|| ApiError::not_found(path))?;
        store
            .find(stored.name, key, param.alternate, &constraints)
            .cloned()
            .ok_or_else(|| ApiError::not_found(path))
    };
    let save = |store: &mut Store, record: &Record| {
        store.replace(stored.name, record.clone());
    };
    match route.kind {
        Kind::Create if !singleton => {
            required(route, form)?;
            let mut record = store.blank(stored, &constraints);
            apply_form(route, form, &mut record.value)?;
            let out = own_view(store, resource, &record);
            store.insert(stored.name, record);
            Ok((201, Some(out)))
        }
        Kind::Create | Kind::Update => {
            let mut record = find(store)?;
            required(route, form)?;
            apply_form(route, form, &mut record.value)?;
            if !form.has("DateUpdated") && record.value.contains_key("date_updated") {
                record
                    .value
                    .insert("date_updated", json!(crate::store::now()));
            }
            crate::conversations::singleton_updated(store, stored, &mut record)?;
            save(store, &record);
            Ok((200, Some(own_view(store, resource, &record))))
        }
        Kind::Fetch => {
            let record = find(store)?;
            Ok((200, Some(own_view(store, resource, &record))))
        }
        Kind::Delete => {
            let record = find(store)?;
            store.remove_seq(stored.name, record.seq);
            Ok((204, None))
        }
        Kind::List => {
            let items: Vec<(u64, Value)> = store
                .filter(stored.name, &constraints)
                .map(|r| (r.seq, own_view(store, resource, r)))
                .filter(|(_, v)| v.as_object().is_some_and(|m| passes(route, query, m)))
                .collect();
            crate::list::answer(store, route, path, query, items, Value::clone)
        }
    }
}

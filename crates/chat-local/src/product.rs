//! The operations of Conversations v1 and Chat v3 over the stored records: path parameters resolved through the
//! mapping (`crate::mapping`), then create, fetch, update, delete and list of a stored record seen through its
//! product resource, or of the product resource's own records (delivery receipts, conversation-scoped webhooks,
//! configuration addresses...: `crate::own`). Singletons (`/v1/Configuration`, `.../Configuration`)
//! answer a fetch and a `POST` on their collection path.

use serde_json::{Map, Value, json};

use crate::behaviour;
use crate::fields::Object;
use crate::form::Pairs;
use crate::http::{Answer, Payload, valued};
use crate::mapping::{Api, FALLBACKS, Mapping, shown_value, stored_name, stored_value};
use crate::request::{form_is_valid, required};
use crate::shown::Shown;
use crate::store::{ApiError, Record, Store, decode, set_path};
use crate::table::{Kind, Resource, Route};
use std::borrow::Cow;

/// A resolved parent: the product field that names it on the records below (`chat_service_sid`) and its SID.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    pub field: &'static str,
    pub sid: String,
}

/// What a request resolved to: the route, its product resource, the resource's mapping, the parents.
pub(crate) struct Target<'a> {
    pub api: &'static Api,
    pub route: &'static Route,
    pub resource: &'static Resource,
    pub mapping: Option<&'static Mapping>,
    pub bounds: Vec<Bound>,
    pub parents: Vec<Record>,
    pub raw: &'a [String],
    pub path: &'a str,
}

/// Answers an operation of `api`.
pub(crate) fn respond(
    store: &mut Store,
    api: &'static Api,
    route: &'static Route,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<Answer, ApiError> {
    let resource = api
        .resource(route.resource)
        .ok_or_else(|| ApiError::not_found(path))?;
    let (bounds, parents) = resolve(store, api, route, raw, path)?;
    let target = Target {
        api,
        route,
        resource,
        mapping: api.mapping(route.resource),
        bounds,
        parents,
        raw,
        path,
    };
    if let Some(answer) = crate::conversations::special(store, &target, form, query)? {
        return Ok(valued(answer));
    }
    match target.mapping {
        Some(mapping) => mapped(store, &target, mapping, form, query),
        None => crate::own::respond(store, &target, form, query).map(valued),
    }
}

/// Whether the route's last path parameter names its own record (else every parameter names a parent).
fn on_instance(route: &Route) -> bool {
    matches!(route.kind, Kind::Fetch | Kind::Update | Kind::Delete) && route.path.ends_with('}')
}

/// Resolves the parents of a request through their mappings, outermost first; records in the default
/// conversation service get that service as their first parent.
fn resolve(
    store: &mut Store,
    api: &'static Api,
    route: &Route,
    raw: &[String],
    path: &str,
) -> Result<(Vec<Bound>, Vec<Record>), ApiError> {
    let parents = if on_instance(route) {
        &route.path_params[..route.path_params.len().saturating_sub(1)]
    } else {
        route.path_params
    };
    let in_default = std::iter::once(route.resource)
        .chain(route.path_params.iter().map(|p| p.resource))
        .filter_map(|r| api.mapping(r))
        .any(|m| m.default_service);
    let mut bounds = Vec::new();
    if in_default {
        let sid = crate::conversations::default_service(store);
        bounds.push(Bound {
            field: "chat_service_sid",
            sid,
        });
    }
    let mut records = Vec::new();
    for (param, key) in parents.iter().zip(raw) {
        let record = lookup(store, api, param.resource, key, param.alternate, &bounds)
            .ok_or_else(|| ApiError::not_found(path))?;
        bounds.push(Bound {
            field: param.field.unwrap_or("sid"),
            sid: record.str("sid").unwrap_or_default().to_owned(),
        });
        records.push(record);
    }
    Ok((bounds, records))
}

/// The record of product resource `name` that `key` names (SID or `alternate`) below `bounds`.
fn lookup(
    store: &Store,
    api: &Api,
    name: &str,
    key: &str,
    alternate: Option<&'static str>,
    bounds: &[Bound],
) -> Option<Record> {
    match api.mapping(name) {
        Some(m) => {
            let storage = Store::resource(m.storage)?;
            let constraints = stored_constraints(api, m, storage, bounds);
            let alternate = alternate.map(|a| stored_name(api, Some(m), a));
            store
                .find(storage.name, key, alternate, &constraints)
                .cloned()
        }
        None => {
            let resource = api.resource(name)?;
            store
                .find(name, key, alternate, &own_constraints(resource, bounds))
                .cloned()
        }
    }
}

/// The constraints of `bounds` on stored records seen through `mapping`, with the mapping's `only` values.
fn stored_constraints(
    api: &Api,
    mapping: &Mapping,
    storage: &Resource,
    bounds: &[Bound],
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = bounds
        .iter()
        .map(|b| (stored_name(api, Some(mapping), b.field), b.sid.clone()))
        .filter(|(f, _)| storage.fields.iter().any(|x| x.name == *f))
        .collect();
    out.extend(mapping.only.iter().map(|(f, v)| (*f, (*v).to_owned())));
    out
}

/// The constraints of `bounds` on a product resource's own records: the fields it has.
pub(crate) fn own_constraints(
    resource: &Resource,
    bounds: &[Bound],
) -> Vec<(&'static str, String)> {
    bounds
        .iter()
        .filter(|b| resource.fields.iter().any(|f| f.name == b.field))
        .map(|b| (b.field, b.sid.clone()))
        .collect()
}

/// A stored record seen through `mapping`: the product's fields from the stored record under their stored names,
/// the others from the record's product fields kept apart, else Twilio's fallback, else null; `url` and `links`
/// on the product's paths.
pub(crate) fn view(
    store: &Store,
    target: &Target<'_>,
    mapping: &'static Mapping,
    record: &Record,
) -> Value {
    Viewer::new(target, mapping).map_or(Value::Null, |v| v.view(store, record))
}

/// How the fields of a product resource are read from stored records through a mapping, decided once for all the
/// records of an answer.
pub(crate) struct Viewer {
    mapping: &'static Mapping,
    storage: &'static Resource,
    located: &'static Resource,
    fields: Vec<(&'static crate::table::Field, Source)>,
}

/// Where a product field's value is read.
enum Source {
    /// The stored record's field, then keys into it (`notifications.new_message`); `listed` when the product shows
    /// a list of the stored object.
    Stored {
        path: Vec<&'static str>,
        listed: bool,
    },
    /// The record's product fields kept apart.
    Apart,
}

impl Viewer {
    /// The viewer of `target`'s resource through `mapping`; `None` when the mapping names no stored resource.
    pub fn new(target: &Target<'_>, mapping: &'static Mapping) -> Option<Self> {
        let api = target.api;
        let storage = Store::resource(mapping.storage)?;
        let fields = target
            .resource
            .fields
            .iter()
            .map(|field| {
                // A stored name may be a path into the record (`notifications.new_message`).
                let path: Vec<&'static str> = stored_name(api, Some(mapping), field.name)
                    .split('.')
                    .collect();
                let name = path.first().copied().unwrap_or_default();
                let shared = !mapping.apart.contains(&field.name)
                    && storage.fields.iter().any(|f| f.name == name)
                    && !matches!(name, "url" | "links");
                let source = if shared {
                    Source::Stored {
                        path,
                        listed: mapping.listed.contains(&field.name),
                    }
                } else {
                    Source::Apart
                };
                (field, source)
            })
            .collect();
        let located = mapping
            .located_as
            .and_then(|name| api.resource(name))
            .unwrap_or(target.resource);
        Some(Self {
            mapping,
            storage,
            located,
            fields,
        })
    }

    /// `record` as the product shows it.
    pub fn view(&self, store: &Store, record: &Record) -> Value {
        self.shown(store, record).into_value()
    }

    /// `record` as the product shows it, borrowing what the product shows unchanged.
    pub fn shown<'a>(&self, store: &'a Store, record: &'a Record) -> Shown<'a> {
        let mut computed = behaviour::computed(store, self.storage, record);
        let apart = store.apart.get(record.str("sid").unwrap_or_default());
        let mut shown = Shown::with_capacity(self.fields.len());
        for (field, source) in &self.fields {
            let value: Option<Cow<'a, Value>> = match source {
                Source::Stored { path, listed } => {
                    let (first, rest) = path.split_first().unwrap_or((&"", &[]));
                    let top = match computed.iter().position(|(k, _)| k == first) {
                        Some(at) => Some(Cow::Owned(computed.swap_remove(at).1)),
                        None => record.value.get(first).map(Cow::Borrowed),
                    };
                    let found = top.and_then(|top| match top {
                        Cow::Borrowed(v) => rest
                            .iter()
                            .try_fold(v, |v, key| v.get(key))
                            .map(Cow::Borrowed),
                        Cow::Owned(v) => rest
                            .iter()
                            .try_fold(&v, |v, key| v.get(key))
                            .cloned()
                            .map(Cow::Owned),
                    });
                    match found {
                        Some(one) if *listed && !one.is_null() => {
                            Some(Cow::Owned(Value::Array(vec![one.into_owned()])))
                        }
                        other => other,
                    }
                }
                Source::Apart => apart.and_then(|a| a.get(field.name)).map(Cow::Borrowed),
            };
            let value = value.unwrap_or_else(|| Cow::Owned(fallback(field)));
            let value = match shown_value(self.mapping, field.name, &value) {
                Some(product) => Cow::Owned(product),
                None => value,
            };
            shown.push(field.name, value);
        }
        store.locate(self.located, &mut shown);
        shown
    }
}

/// The value of a field no record holds: the description's default, else Twilio's, else null.
fn fallback(field: &crate::table::Field) -> Value {
    if let Some(d) = field.default {
        return d.to_json();
    }
    FALLBACKS
        .iter()
        .find(|(name, _)| *name == field.name)
        .and_then(|(_, json)| serde_json::from_str(json).ok())
        .unwrap_or(Value::Null)
}

/// Sets the form's fields on a stored record (under their stored names) and on the fields kept apart.
fn apply_mapped(
    target: &Target<'_>,
    mapping: &Mapping,
    storage: &Resource,
    form: &Pairs,
    record: &mut impl Object,
    apart: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    form_is_valid(target.route, form)?;
    for field in target.route.form {
        let values = form.all(field.wire);
        let Some((first, rest)) = field.field.split_first() else {
            continue;
        };
        if values.is_empty() {
            continue;
        }
        let mut decoded = decode(field.wire, field.kind, &values)?;
        if let Some(stored) = stored_value(mapping, first, &decoded) {
            decoded = stored;
        }
        let stored: Vec<&str> = stored_name(target.api, Some(mapping), first)
            .split('.')
            .collect();
        let name = stored.first().copied().unwrap_or_default();
        if !mapping.apart.contains(first) && storage.fields.iter().any(|f| f.name == name) {
            let path: Vec<&str> = stored.iter().chain(rest).copied().collect();
            set_path(record, &path, decoded);
        } else {
            set_path(apart, field.field, decoded);
        }
    }
    Ok(())
}

/// Whether a record passes the list's filters that were sent, on its product view.
pub(crate) fn passes(route: &Route, query: &Pairs, view: &impl Object) -> bool {
    route.filters.iter().all(|f| {
        let Some(field) = f.field else { return true };
        let wanted = query.all(f.wire);
        wanted.is_empty() || view.text(field).is_some_and(|v| wanted.contains(&v))
    })
}

/// An operation on stored records seen through `mapping`.
fn mapped(
    store: &mut Store,
    target: &Target<'_>,
    mapping: &'static Mapping,
    form: &Pairs,
    query: &Pairs,
) -> Result<Answer, ApiError> {
    let path = target.path;
    let route = target.route;
    let storage = Store::resource(mapping.storage).ok_or_else(|| ApiError::not_found(path))?;
    let constraints = stored_constraints(target.api, mapping, storage, &target.bounds);
    let singleton = target.resource.sid_prefix.is_none();
    let find = |store: &Store| -> Result<Record, ApiError> {
        let found = if singleton {
            store.filter(storage.name, &constraints).next()
        } else {
            let param = route
                .path_params
                .last()
                .ok_or_else(|| ApiError::not_found(path))?;
            let key = target.raw.last().ok_or_else(|| ApiError::not_found(path))?;
            let alternate = param
                .alternate
                .map(|a| stored_name(target.api, Some(mapping), a));
            store.find(storage.name, key, alternate, &constraints)
        };
        found.cloned().ok_or_else(|| ApiError::not_found(path))
    };
    match route.kind {
        Kind::Create if !singleton => {
            required(route, form)?;
            let mut record = store.blank(storage, &constraints);
            behaviour::defaults(store, storage, &mut record);
            for (field, value) in mapping.only {
                record.value.insert(*field, json!(value));
            }
            let mut apart = Map::new();
            apply_mapped(
                target,
                mapping,
                storage,
                form,
                &mut record.value,
                &mut apart,
            )?;
            crate::settle::settle(storage.name, &mut apart)?;
            for field in route.form.iter().filter(|f| f.field.is_empty()) {
                if let Some(value) = form.last(field.wire) {
                    behaviour::unmapped(store, storage, &mut record, field.wire, value)?;
                }
            }
            behaviour::check(store, storage, &mut record, None)?;
            store.locate(storage, &mut record.value);
            let sid = record.str("sid").unwrap_or_default().to_owned();
            store.apart.insert(sid.clone(), apart);
            store.insert(storage.name, record.clone());
            crate::conversations::created(store, target, form, &record)?;
            Ok(valued((201, Some(view(store, target, mapping, &record)))))
        }
        Kind::Create | Kind::Update => {
            let old = find(store)?;
            required(route, form)?;
            let mut record = old.clone();
            let sid = old.str("sid").unwrap_or_default().to_owned();
            let mut apart = store.apart.get(&sid).cloned().unwrap_or_default();
            apply_mapped(
                target,
                mapping,
                storage,
                form,
                &mut record.value,
                &mut apart,
            )?;
            crate::settle::settle(storage.name, &mut apart)?;
            if !form.has("DateUpdated") && record.value.contains_key("date_updated") {
                record
                    .value
                    .insert("date_updated", json!(crate::store::now()));
            }
            behaviour::check(store, storage, &mut record, Some(&old))?;
            if let Some(slot) = store.find_mut(storage.name, &sid) {
                *slot = record.clone();
            }
            store.apart.insert(sid, apart);
            Ok(valued((200, Some(view(store, target, mapping, &record)))))
        }
        Kind::Fetch => {
            let record = find(store)?;
            Ok(valued((200, Some(view(store, target, mapping, &record)))))
        }
        Kind::Delete => {
            let record = find(store)?;
            let sid = record.str("sid").unwrap_or_default();
            store.remove(storage, sid);
            store.apart.remove(sid);
            Ok((204, None))
        }
        Kind::List => {
            let viewer = Viewer::new(target, mapping).ok_or_else(|| ApiError::not_found(path))?;
            // Filters compare the records as the product shows them; without any, only the page is shown.
            let filtering = crate::list::filters_sent(route, query);
            let items = store
                .filter(storage.name, &constraints)
                .filter(|r| !filtering || passes(route, query, &viewer.shown(store, r)))
                .map(|r| (r.seq, r));
            let desc = crate::list::descending(route, query);
            let items = crate::list::in_order(items, desc);
            let page = crate::list::page(store, route, path, query, items, desc, |r| {
                viewer.shown(store, r)
            })?;
            Ok((200, Some(Payload::Serialized(page.to_bytes()?))))
        }
    }
}

//! Inspecting and seeding the records of a running service from tests: every record of a resource as the API
//! answers it, records the API cannot create (push bindings), field updates, injected faults, media and temporary
//! links, and clearing everything.

use std::fmt;
use std::sync::{Arc, PoisonError};

use serde_json::Value;

use crate::fields::Fields;
use crate::http::Shared;
use crate::store::Store;
use crate::{Error, Fault, behaviour, fault, resources, store, table};

/// Inspects and seeds the records of a running service. `Debug` shows how many records each resource has.
#[derive(Clone)]
pub struct StateHandle {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for StateHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut out = f.debug_struct("StateHandle");
        for (resource, records) in store.tables() {
            out.field(resource, &records.len());
        }
        out.field("media", &store.media.len()).finish()
    }
}

impl StateHandle {
    /// Every record of `resource` (`Service`, `Channel`, `Message`...), as the API returns it, in creation order.
    pub fn records(&self, resource: &str) -> Vec<Value> {
        let store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(r) = Store::resource(resource) else {
            return Vec::new();
        };
        store
            .all(resource)
            .iter()
            .map(|record| behaviour::render(&store, r, record))
            .collect()
    }

    /// Adds a record of `resource` with the given model fields (JSON keys such as `service_sid`, `identity`), the
    /// way to seed resources the API cannot create (push bindings). SID, account, dates, URL and links are filled
    /// in; the parent SIDs of the resource's path (`service_sid` for a binding) must name existing records.
    pub fn insert(&self, resource: &str, fields: Value) -> Result<Value, Error> {
        let mut store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let r = Store::resource(resource)
            .filter(|r| r.sid_prefix.is_some())
            .ok_or_else(|| Error(format!("`{resource}` is not a stored resource")))?;
        let Value::Object(fields) = fields else {
            return Err(Error(format!(
                "the fields of a new `{resource}` must be a JSON object"
            )));
        };
        let mut record = store.blank(r, &[]);
        behaviour::defaults(&mut store, r, &mut record);
        for (key, value) in fields {
            if !record.value.contains_key(&key) {
                return Err(Error(format!("`{resource}` has no field `{key}`")));
            }
            record.value.insert(key, value);
        }
        check_parents(&store, r, &record.value)?;
        store.locate(r, &mut record.value);
        let out = behaviour::render(&store, r, &record);
        store.insert(r.name, record);
        drop(store);
        self.shared.changed();
        Ok(out)
    }

    /// Replaces fields of the record of `resource` with SID `sid` (top-level JSON keys of the model, such as
    /// `{"media": {"size_limit_mb": 1}}` on a service) and returns the record as the API now answers it.
    pub fn update(&self, resource: &str, sid: &str, fields: Value) -> Result<Value, Error> {
        let mut store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let r = Store::resource(resource)
            .ok_or_else(|| Error(format!("`{resource}` is not a resource")))?;
        let Value::Object(fields) = fields else {
            return Err(Error(format!(
                "the fields of a `{resource}` must be a JSON object"
            )));
        };
        let record = store
            .find_mut(r.name, sid)
            .ok_or_else(|| Error(format!("no {resource} {sid}")))?;
        if let Some(key) = fields.keys().find(|k| !record.value.contains_key(k)) {
            return Err(Error(format!("`{resource}` has no field `{key}`")));
        }
        record.value.extend(fields);
        let record = record.clone();
        store.reindex(r.name);
        let out = behaviour::render(&store, r, &record);
        drop(store);
        self.shared.changed();
        Ok(out)
    }

    /// Makes the next `times` requests to the main host (any method) meet `fault`; faults injected earlier apply
    /// first.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.push_fault(None, fault, times);
    }

    /// Makes every `every`-th request to the main host meet `fault` (the count starts with the service), until
    /// `inject_every(0, ..)`; faults queued with [`inject`](Self::inject) apply to the other requests.
    pub fn inject_every(&self, every: u64, fault: Fault) {
        let mut slot = self
            .shared
            .every
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *slot = (every > 0).then_some((every, fault));
    }

    /// The requests the main host answered, oldest first: method, path and status of each (the most recent
    /// 100,000).
    pub fn requests(&self) -> Vec<crate::Answered> {
        let journal = self
            .shared
            .journal
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        journal.iter().cloned().collect()
    }

    /// The webhook requests the service sent, oldest first (the most recent 10,000): each with its signature,
    /// parameters, the answer's status and body, its latency, and what a pre-event's answer did to the action.
    pub fn deliveries(&self) -> Vec<crate::Delivery> {
        self.deliveries_after(0)
    }

    /// The deliveries numbered above `id` (see [`Delivery::id`](crate::Delivery::id)), oldest first: what a
    /// reader that has seen up to `id` has not seen yet.
    pub fn deliveries_after(&self, id: u64) -> Vec<crate::Delivery> {
        let log = self
            .shared
            .deliveries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        log.entries.iter().filter(|d| d.id > id).cloned().collect()
    }

    /// Makes the next `times` requests with `method` (`GET`, `POST`, `DELETE`) meet `fault`.
    pub fn inject_on(&self, method: &str, fault: Fault, times: usize) {
        self.push_fault(Some(method.to_owned()), fault, times);
    }

    fn push_fault(&self, method: Option<String>, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        let mut faults = self
            .shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        faults.push(fault::Pending {
            fault,
            method,
            remaining: times,
        });
    }

    /// Every uploaded media record (without links), in SID order.
    pub fn media(&self) -> Vec<Value> {
        let store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        store
            .media
            .values()
            .map(|m| Value::Object(m.record.clone()))
            .collect()
    }

    /// Makes every temporary content link handed out so far expire now (they then answer 403), to test that a
    /// client fetches the media record again for a fresh link.
    pub fn expire_temporary_links(&self) {
        let mut store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = std::time::Instant::now();
        for link in store.temporary.values_mut() {
            link.expires = now;
        }
    }

    /// How many requests reached the temporary-link host with an `Authorization` header (which must never
    /// happen: the links are pre-signed, and such requests are refused with 400).
    pub fn credentials_sent_to_temporary_host(&self) -> u64 {
        let store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        store.credentials_on_temporary_host
    }

    /// Removes every record.
    pub fn clear(&self) {
        let mut store = self
            .shared
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        store.clear_records();
        store.next_index.clear();
        store.notification_levels.clear();
        store.apart.clear();
        store.default_service = None;
        store.media.clear();
        store.temporary.clear();
        drop(store);
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.shared.changed();
    }
}

/// The parents named in a resource's collection path exist (`{ServiceSid}` -> a service with `service_sid`).
fn check_parents(store: &Store, resource: &table::Resource, value: &Fields) -> Result<(), Error> {
    let mut prefix = String::new();
    for segment in resource
        .collection_path
        .split('/')
        .filter(|s| !s.is_empty())
    {
        if let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let field = store::snake(param);
            let parent = resources()
                .iter()
                .find(|r| r.collection_path == prefix)
                .ok_or_else(|| Error(format!("no resource at {prefix}")))?;
            let sid = value
                .get(&field)
                .and_then(Value::as_str)
                .unwrap_or_default();
            if store.find(parent.name, sid, None, &[]).is_none() {
                return Err(Error(format!(
                    "`{field}` must name an existing {} (got `{sid}`)",
                    parent.name
                )));
            }
        }
        prefix.push('/');
        prefix.push_str(segment);
    }
    Ok(())
}

//! The two views over other records: a user's channels are its memberships (`/Users/{UserSid}/Channels`), a
//! user's bindings are the service's push bindings with its identity (`/Users/{UserSid}/Bindings`).

use serde_json::Value;

use crate::behaviour;
use crate::form::Pairs;
use crate::list::{filtered, page};
use crate::request::{required, resolve_parents};
use crate::store::{ApiError, Record, Store, decode, matches, set_path, snake};
use crate::table::{Kind, Resource, Route};

/// `/Users/{UserSid}/Channels`: a user's memberships, seen from the user.
pub(crate) fn user_channel(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    form: &Pairs,
    query: &Pairs,
    path: &str,
) -> Result<(u16, Option<Value>), ApiError> {
    let (constraints, parents) = resolve_parents(store, route, raw, path)?;
    let user = parents
        .last()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let service = constraints
        .first()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let memberships = |store: &Store| -> Vec<Record> {
        store
            .all("Member")
            .iter()
            .filter(|m| {
                m.str("service_sid") == Some(&service.1)
                    && m.str("identity") == user.str("identity")
            })
            .cloned()
            .collect()
    };
    if route.kind == Kind::List {
        let items = memberships(store).into_iter().map(|m| (m.seq, m));
        return page(store, route, path, query, items, false, |m| {
            behaviour::user_channel(store, resource, &user, m)
        })
        .map(|p| (200, Some(p.into_value())));
    }
    let key = raw.last().ok_or_else(|| ApiError::not_found(path))?;
    let channel = store
        .find(
            "Channel",
            key,
            Some("unique_name"),
            &[("service_sid", service.1.clone())],
        )
        .ok_or_else(|| ApiError::not_found(path))?;
    let channel_sid = channel.str("sid").unwrap_or_default().to_owned();
    let member = memberships(store)
        .into_iter()
        .find(|m| m.str("channel_sid") == Some(&channel_sid))
        .ok_or_else(|| ApiError::not_found(path))?;
    let member_sid = member.str("sid").unwrap_or_default().to_owned();
    match route.kind {
        Kind::Fetch => Ok((
            200,
            Some(behaviour::user_channel(store, resource, &user, &member)),
        )),
        Kind::Update => {
            required(route, form)?;
            let mut updated = member.clone();
            for field in route.form {
                let values = form.all(field.wire);
                if values.is_empty() {
                    continue;
                }
                let decoded = decode(field.wire, field.kind, &values)?;
                match field.wire {
                    "NotificationLevel" => {
                        let level = decoded.as_str().unwrap_or_default().to_owned();
                        if !matches!(level.as_str(), "default" | "muted") {
                            return Err(ApiError::invalid(format!(
                                "Invalid NotificationLevel '{level}': expected one of default, muted"
                            )));
                        }
                        store.notification_levels.insert(member_sid.clone(), level);
                    }
                    wire => {
                        set_path(&mut updated.value, &[snake(wire).as_str()], decoded);
                    }
                }
            }
            if let Some(slot) = store.find_mut("Member", &member_sid) {
                *slot = updated.clone();
            }
            Ok((
                200,
                Some(behaviour::user_channel(store, resource, &user, &updated)),
            ))
        }
        Kind::Delete => {
            if let Some(member_resource) = Store::resource("Member") {
                store.remove(member_resource, &member_sid);
            }
            Ok((204, None))
        }
        Kind::Create | Kind::List => Err(ApiError::not_found(path)),
    }
}

/// `/Users/{UserSid}/Bindings`: the service's push bindings with the user's identity.
pub(crate) fn user_binding(
    store: &mut Store,
    route: &Route,
    resource: &'static Resource,
    raw: &[String],
    query: &Pairs,
    path: &str,
) -> Result<(u16, Option<Value>), ApiError> {
    let (constraints, parents) = resolve_parents(store, route, raw, path)?;
    let user = parents
        .last()
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    let scope = [
        constraints
            .first()
            .cloned()
            .ok_or_else(|| ApiError::not_found(path))?,
        (
            "identity",
            user.str("identity").unwrap_or_default().to_owned(),
        ),
    ];
    if route.kind == Kind::List {
        let items = store
            .all("Binding")
            .iter()
            .filter(|b| matches(b, &scope) && filtered(route, query, b))
            .map(|b| (b.seq, b));
        return page(store, route, path, query, items, false, |b| {
            behaviour::user_binding(store, resource, &user, b)
        })
        .map(|p| (200, Some(p.into_value())));
    }
    let key = raw.last().ok_or_else(|| ApiError::not_found(path))?;
    let binding = store
        .find("Binding", key, None, &scope)
        .cloned()
        .ok_or_else(|| ApiError::not_found(path))?;
    match route.kind {
        Kind::Fetch => Ok((
            200,
            Some(behaviour::user_binding(store, resource, &user, &binding)),
        )),
        Kind::Delete => {
            if let Some(binding_resource) = Store::resource("Binding") {
                store.remove(binding_resource, key);
            }
            Ok((204, None))
        }
        Kind::Create | Kind::Update | Kind::List => Err(ApiError::not_found(path)),
    }
}

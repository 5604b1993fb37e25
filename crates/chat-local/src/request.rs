//! The parameters of a request: path parameters resolved to the records they name (by SID, unique name or
//! identity), required form fields, `Attributes` that must be JSON, and form fields applied to a record through
//! the route table.

use serde_json::Value;

use crate::fields::Object;
use crate::form::Pairs;
use crate::store::{ApiError, Record, Store, decode, set_path};
use crate::table::{Kind, Route};

/// `(field, SID)` pairs a record below resolved parents must carry (`("service_sid", "IS...")`).
pub(crate) type Constraints = Vec<(&'static str, String)>;

/// The records named by the parent parameters (all but the last on an instance path), as constraints
/// `(field, sid)` on the records below them.
pub(crate) fn resolve_parents(
    store: &Store,
    route: &Route,
    raw: &[String],
    path: &str,
) -> Result<(Constraints, Vec<Record>), ApiError> {
    let (constraints, records) = parents(store, route, raw, path)?;
    Ok((constraints, records.into_iter().cloned().collect()))
}

/// The constraints of [`resolve_parents`] alone.
pub(crate) fn parent_constraints(
    store: &Store,
    route: &Route,
    raw: &[String],
    path: &str,
) -> Result<Constraints, ApiError> {
    parents(store, route, raw, path).map(|(constraints, _)| constraints)
}

fn parents<'s>(
    store: &'s Store,
    route: &Route,
    raw: &[String],
    path: &str,
) -> Result<(Constraints, Vec<&'s Record>), ApiError> {
    let instance = matches!(route.kind, Kind::Fetch | Kind::Update | Kind::Delete);
    let parents = if instance {
        &route.path_params[..route.path_params.len().saturating_sub(1)]
    } else {
        route.path_params
    };
    let mut constraints: Vec<(&'static str, String)> = Vec::new();
    let mut records = Vec::new();
    for (param, value) in parents.iter().zip(raw) {
        let record = store
            .find(param.resource, value, param.alternate, &constraints)
            .ok_or_else(|| ApiError::not_found(path))?;
        let field = param.field.unwrap_or("sid");
        constraints.push((field, record.str("sid").unwrap_or_default().to_owned()));
        records.push(record);
    }
    Ok((constraints, records))
}

pub(crate) fn required(route: &Route, form: &Pairs) -> Result<(), ApiError> {
    for field in route.form {
        if field.required && !form.has(field.wire) {
            return Err(ApiError::invalid(format!(
                "Missing required parameter {} in the post body",
                field.wire
            )));
        }
    }
    Ok(())
}

/// The wire name of the application metadata of channels, members, messages and users. The description types it
/// as a plain string; that it holds JSON text is Twilio's rule, which it enforces with code 50304 ("Attributes not
/// valid JSON"), so it applies to every operation whose form has the parameter.
const ATTRIBUTES: &str = "Attributes";

/// Twilio's code for `Attributes` that are not JSON text.
const ATTRIBUTES_NOT_JSON: u32 = 50304;

/// Refuses, with 400 and code 50304, an `Attributes` value that is not JSON text (any JSON value, as Twilio
/// accepts; nesting deeper than 128 levels is refused too).
fn attributes_are_json(route: &Route, form: &Pairs) -> Result<(), ApiError> {
    if !route.form.iter().any(|f| f.wire == ATTRIBUTES) {
        return Ok(());
    }
    for value in form.all(ATTRIBUTES) {
        if let Err(e) = serde_json::from_str::<Value>(value) {
            return Err(ApiError::new(
                400,
                ATTRIBUTES_NOT_JSON,
                format!("Invalid {ATTRIBUTES}: not valid JSON ({e})"),
            ));
        }
    }
    Ok(())
}

/// Refuses, with 400 and code 20001 naming the parameter, a value that is not one of the description's enum
/// values for it (`allowed`; empty allows anything). Twilio answers an unknown `Type` or `Order` the same way.
pub(crate) fn one_of(wire: &str, allowed: &[&str], values: &[&str]) -> Result<(), ApiError> {
    if allowed.is_empty() {
        return Ok(());
    }
    match values.iter().find(|v| !allowed.contains(v)) {
        None => Ok(()),
        Some(bad) => Err(ApiError::invalid(format!(
            "Invalid {wire}: `{}` is not one of {}",
            crate::store::shown(bad),
            allowed.join(", ")
        ))),
    }
}

/// The checks Twilio makes of a form before anything changes: `Attributes` are JSON, enum parameters take one
/// of their values, SID parameters SIDs of their prefix.
pub(crate) fn form_is_valid(route: &Route, form: &Pairs) -> Result<(), ApiError> {
    attributes_are_json(route, form)?;
    for field in route.form {
        let values = form.all(field.wire);
        one_of(field.wire, field.values, &values)?;
        if let Some(prefix) = field.sid_prefix {
            sids(field.wire, prefix, &values)?;
        }
    }
    Ok(())
}

/// Refuses, with 400 and code 20001 naming the parameter, a value that is not a SID with `prefix` (the prefix and
/// 32 hex digits), as the parameter's `pattern` in the description requires.
fn sids(wire: &str, prefix: &str, values: &[&str]) -> Result<(), ApiError> {
    let is_sid = |v: &str| {
        v.strip_prefix(prefix)
            .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    match values.iter().find(|v| !is_sid(v)) {
        None => Ok(()),
        Some(bad) => Err(ApiError::invalid(format!(
            "Invalid {wire}: `{}` is not a SID starting with {prefix} followed by 32 hex digits",
            crate::store::shown(bad)
        ))),
    }
}

/// Checks the form's fields and sets the model fields they map to.
pub(crate) fn apply_form(
    route: &Route,
    form: &Pairs,
    value: &mut impl Object,
) -> Result<(), ApiError> {
    form_is_valid(route, form)?;
    for field in route.form {
        let values = form.all(field.wire);
        if values.is_empty() || field.field.is_empty() {
            continue;
        }
        let decoded = decode(field.wire, field.kind, &values)?;
        set_path(value, field.field, decoded);
    }
    Ok(())
}

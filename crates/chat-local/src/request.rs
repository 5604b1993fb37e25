//! The parameters of a request: form and query pairs, path parameters resolved to the records they name (by SID,
//! unique name or identity), required form fields, and form fields applied to a record through the route table.

use serde_json::{Map, Value};

use crate::store::{ApiError, Record, Store, decode, set_path};
use crate::table::{Kind, Route};

/// Form or query pairs, in order.
pub(crate) struct Pairs(Vec<(String, String)>);

impl Pairs {
    pub(crate) fn parse(text: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(text).into_owned().collect())
    }

    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub(crate) fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

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
        records.push(record.clone());
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

pub(crate) fn apply_form(
    route: &Route,
    form: &Pairs,
    value: &mut Map<String, Value>,
) -> Result<(), ApiError> {
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

//! Facts of the resource tree read from the rest of the description: the model of each resource's records and
//! the `links` of a record, taken from the response examples (structured example values, never prose).

use std::collections::BTreeMap;

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;

use super::Lowerer;
use crate::error::Error;
use crate::ir::{Link, Operation, Resource, Response, Schema, Struct, TypeRef};

impl Lowerer<'_> {
    /// The example records of an operation's success responses: each example value, or the first record of an
    /// example page. Examples given by `$ref` are not read.
    pub(super) fn example_records(
        &self,
        op: &openapiv3::Operation,
        response: &Response,
        id: &str,
        pointer: &str,
    ) -> Result<Vec<Value>, Error> {
        let records_key = match response {
            Response::Page { records_key, .. } => Some(records_key.as_str()),
            _ => None,
        };
        let mut out = Vec::new();
        for (code, resp) in &op.responses.responses {
            let StatusCode::Code(200..=299) = code else {
                continue;
            };
            let resp = self.resolve(resp, &format!("{pointer}/responses/{code}"), Some(id))?;
            let Some(media) = resp.content.get("application/json") else {
                continue;
            };
            for example in media.examples.values() {
                let ReferenceOr::Item(example) = example else {
                    continue;
                };
                let record = match (&example.value, records_key) {
                    (Some(value), Some(key)) => value.get(key).and_then(|records| records.get(0)),
                    (Some(value), None) => Some(value),
                    (None, _) => None,
                };
                out.extend(record.cloned());
            }
        }
        Ok(out)
    }
}

/// Sets the model and links of every resource of the tree; `examples` holds each operation's example records by
/// operationId.
pub(super) fn attach_models_and_links(
    resources: &mut [Resource],
    operations: &[Operation],
    schemas: &BTreeMap<String, Schema>,
    examples: &BTreeMap<String, Vec<Value>>,
) {
    set_models(resources, operations, schemas);
    // SID prefix -> the SID parameter of its resource (`US` -> `UserSid`), for link segments no field holds.
    let mut prefixes = BTreeMap::new();
    collect_prefixes(resources, schemas, &mut prefixes);
    set_links(resources, operations, schemas, examples, &prefixes);
}

fn set_models(
    resources: &mut [Resource],
    operations: &[Operation],
    schemas: &BTreeMap<String, Schema>,
) {
    for r in resources {
        r.model = r
            .list_operations
            .iter()
            .chain(&r.instance_operations)
            .find_map(|&i| match &operations[i].response {
                Response::Value(TypeRef::Struct(name))
                | Response::Page {
                    item: TypeRef::Struct(name),
                    ..
                } if matches!(schemas.get(name), Some(Schema::Struct(_))) => Some(name.clone()),
                _ => None,
            });
        set_models(&mut r.children, operations, schemas);
    }
}

fn model<'a>(r: &Resource, schemas: &'a BTreeMap<String, Schema>) -> Option<&'a Struct> {
    match schemas.get(r.model.as_deref()?) {
        Some(Schema::Struct(s)) => Some(s),
        _ => None,
    }
}

fn collect_prefixes(
    resources: &[Resource],
    schemas: &BTreeMap<String, Schema>,
    out: &mut BTreeMap<String, String>,
) {
    for r in resources {
        if let Some(prefix) = model(r, schemas).and_then(Struct::sid_prefix) {
            out.insert(prefix.to_owned(), format!("{}Sid", r.name));
        }
        collect_prefixes(&r.children, schemas, out);
    }
}

fn set_links(
    resources: &mut [Resource],
    operations: &[Operation],
    schemas: &BTreeMap<String, Schema>,
    examples: &BTreeMap<String, Vec<Value>>,
    prefixes: &BTreeMap<String, String>,
) {
    for r in resources.iter_mut() {
        r.links = links(r, operations, schemas, examples, prefixes);
        set_links(&mut r.children, operations, schemas, examples, prefixes);
    }
}

/// The links of a resource's records: from the first example record that has `links`, whose URLs are matched
/// segment by segment against that record's fields; without one, a link per nested collection under the record's
/// own SID. Links with a query (pre-signed URLs on other hosts) are not paths of the API and are left out.
fn links(
    r: &Resource,
    operations: &[Operation],
    schemas: &BTreeMap<String, Schema>,
    examples: &BTreeMap<String, Vec<Value>>,
    prefixes: &BTreeMap<String, String>,
) -> Vec<Link> {
    let Some(model) = model(r, schemas).filter(|m| m.field("links").is_some()) else {
        return Vec::new();
    };
    let records = r
        .instance_operations
        .iter()
        .chain(&r.list_operations)
        .filter_map(|&i| examples.get(&operations[i].id))
        .flatten();
    for record in records {
        let Some(Value::Object(links)) = record.get("links") else {
            continue;
        };
        return links
            .iter()
            .filter_map(|(key, url)| {
                let url = url.as_str()?;
                if url.contains('?') {
                    return None;
                }
                let path = match url.split_once("://") {
                    Some((_, rest)) => &rest[rest.find('/')?..],
                    None if url.starts_with('/') => url,
                    None => return None,
                };
                let template = path
                    .split('/')
                    .map(|segment| link_segment(segment, record, model, prefixes))
                    .collect::<Vec<_>>()
                    .join("/");
                Some(Link {
                    key: key.clone(),
                    template,
                })
            })
            .collect();
    }
    r.children
        .iter()
        .map(|c| {
            let own = c
                .collection_path
                .rsplit('/')
                .find(|s| s.starts_with('{'))
                .unwrap_or_default();
            Link {
                key: c.list_accessor.to_snake_case(),
                template: c.collection_path.replacen(own, "{Sid}", 1),
            }
        })
        .collect()
}

/// One segment of an example link as a template segment. A SID becomes the field of the example record holding it
/// (`sid` first, then `*_sid` fields, then any), else the SID parameter of the resource its prefix names; every
/// other segment is literal.
fn link_segment(
    segment: &str,
    record: &Value,
    model: &Struct,
    prefixes: &BTreeMap<String, String>,
) -> String {
    let looks_like_sid = segment.len() == 34
        && segment.is_ascii()
        && segment[..2].bytes().all(|b| b.is_ascii_uppercase())
        && segment[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if !looks_like_sid {
        return segment.to_owned();
    }
    let holds = |api_name: &str| record.get(api_name).and_then(Value::as_str) == Some(segment);
    let fields: Vec<&str> = model
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| f.api_name.as_str())
        .collect();
    let named = fields
        .iter()
        .find(|f| **f == "sid" && holds(f))
        .or_else(|| fields.iter().find(|f| f.ends_with("_sid") && holds(f)))
        .or_else(|| fields.iter().find(|f| holds(f)));
    if let Some(f) = named {
        return format!("{{{}}}", f.to_upper_camel_case());
    }
    match prefixes.get(&segment[..2]) {
        Some(param) => format!("{{{param}}}"),
        None => segment.to_owned(),
    }
}

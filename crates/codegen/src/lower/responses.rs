//! What an operation answers: one value, nothing, a page of records (Twilio's `meta` pages and API v2010's
//! top-level paging), or the body of a redirect; and the shared error model.

use super::{Lowerer, Properties};
use crate::error::{Error, ptr};
use crate::ir::{Method, Response};
use crate::naming::pascal;
use openapiv3::{ReferenceOr, SchemaKind, StatusCode, Type};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_response(
        &mut self,
        op: &openapiv3::Operation,
        method: Method,
        id: &str,
        pointer: &str,
    ) -> Result<Response, Error> {
        let mut success: Vec<(u16, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                StatusCode::Code(c) if (200..300).contains(c) => Some((*c, r)),
                StatusCode::Range(2) => Some((299, r)),
                _ => None,
            })
            .collect();
        success.sort_by_key(|(c, _)| *c);
        let mut redirect = false;
        if success.is_empty() {
            // No 2xx: a 3xx with a body schema is the answer (the client returns its body, not following it).
            success = op
                .responses
                .responses
                .iter()
                .filter_map(|(code, r)| match code {
                    StatusCode::Code(c) if (300..400).contains(c) => Some((*c, r)),
                    _ => None,
                })
                .collect();
            success.sort_by_key(|(c, _)| *c);
            redirect = !success.is_empty();
        }
        let Some((code, resp)) = success.first() else {
            return Err(Error::new(
                Some(id),
                format!("{pointer}/responses"),
                "no 2xx response",
            ));
        };
        let resp_pointer = format!("{pointer}/responses/{code}");
        let resp = self.resolve(resp, &resp_pointer, Some(id))?;
        let media = resp
            .content
            .get("application/json")
            .map(|m| ("application/json", m))
            .or_else(|| {
                resp.content
                    .iter()
                    .find(|(k, _)| {
                        k.split(';')
                            .next()
                            .is_some_and(|t| t.trim().ends_with("+json"))
                    })
                    .map(|(k, m)| (k.as_str(), m))
            });
        if media.is_none()
            && !redirect
            && resp
                .content
                .values()
                .any(|m| m.schema.as_ref().is_some_and(super::operations::is_binary))
        {
            return Ok(Response::Binary);
        }
        if media.is_none() && !resp.content.is_empty() {
            // The runtime decodes JSON only; a client that decoded XML or bytes as JSON would be wrong.
            let types: Vec<&str> = resp.content.keys().map(String::as_str).collect();
            return Err(Error::new(
                Some(id),
                format!("{resp_pointer}/content"),
                format!(
                    "unsupported response content type {} (only JSON)",
                    types.join(", ")
                ),
            ));
        }
        let schema = media.and_then(|(ct, m)| m.schema.as_ref().map(|s| (ct, s)));
        let Some((ct, schema)) = schema else {
            if redirect {
                return Err(Error::new(
                    Some(id),
                    resp_pointer,
                    "no 2xx response, and the redirect has no body schema",
                ));
            }
            return Ok(Response::Empty);
        };
        let schema_pointer = format!("{}/schema", ptr(&format!("{resp_pointer}/content"), ct));
        // A page: one array of records beside `meta` (Twilio's JSON APIs) or beside top-level paging keys
        // (`next_page_uri`, `page_size`... in API v2010).
        if method == Method::Get
            && !redirect
            && let Some((props, _)) = self.object_of(schema)
            && let Some((key, items)) = page_records(props)
        {
            let item_pointer = format!(
                "{}/items",
                ptr(&format!("{schema_pointer}/properties"), &key)
            );
            let (item, _) = self.lower_ref_or(
                &items,
                &format!("{}Item", pascal(id)),
                &item_pointer,
                Some(id),
            )?;
            return Ok(Response::Page {
                records_key: key,
                item,
            });
        }
        let (ty, _) = self.lower_ref_or(
            schema,
            &format!("{}Response", pascal(id)),
            &schema_pointer,
            Some(id),
        )?;
        Ok(if redirect {
            Response::Redirect(ty)
        } else {
            Response::Value(ty)
        })
    }
}

/// Keys a page body may carry beside its records: `meta` (Twilio's JSON APIs) or API v2010's top-level paging.
pub(super) const PAGE_KEYS: &[&str] = &[
    "meta",
    "end",
    "first_page_uri",
    "next_page_uri",
    "previous_page_uri",
    "page",
    "page_size",
    "start",
    "uri",
    "num_pages",
    "total",
];

/// The records key and item schema of a page body: exactly one inline array property, every other property a
/// paging key, and at least `meta` or `next_page_uri`.
pub(super) fn page_records(props: &Properties) -> Option<(String, ReferenceOr<openapiv3::Schema>)> {
    if !props.contains_key("meta") && !props.contains_key("next_page_uri") {
        return None;
    }
    let mut records = props
        .iter()
        .filter(|(k, _)| !PAGE_KEYS.contains(&k.as_str()));
    let (key, schema) = records.next()?;
    if records.next().is_some() {
        return None;
    }
    match schema {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.clone().map(|items| {
                let items = match items {
                    ReferenceOr::Item(b) => ReferenceOr::Item(*b),
                    ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
                };
                (key.clone(), items)
            }),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

//! Operations: parameters (path, query, header; shared and per-operation), form, JSON and raw binary bodies, the
//! operation's own server, and the verb and builder names.

use super::schemas::schema_sid_prefix;
use super::twilio::{
    VERBS, account_scoped, alternate_key, is_sensitive, runtime_header, tree_path,
};
use super::{Lowerer, RawOperation, with_op};
use crate::docs::{format_note, join_doc, with_format_note};
use crate::error::{Error, ptr};
use crate::ir::{Location, Method, Operation, Parameter, Range, TypeRef};
use crate::naming::BUILDER_METHODS;
use crate::naming::{Scope, header_method, pascal, snake};
use openapiv3::{
    OpenAPI, ParameterSchemaOrContent, ReferenceOr, RequestBody, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Result<Vec<RawOperation>, Error> {
        let spec = self.spec;
        let mut out = Vec::new();
        let mut seen_ids = BTreeSet::new();
        for (path, item) in &spec.paths.paths {
            let path_pointer = ptr("/paths", path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { reference } => {
                    return Err(Error::new(
                        None,
                        path_pointer,
                        format!("unsupported path item $ref {reference}"),
                    ));
                }
            };
            let methods = [
                ("get", Method::Get, &item.get),
                ("post", Method::Post, &item.post),
                ("put", Method::Put, &item.put),
                ("patch", Method::Patch, &item.patch),
                ("delete", Method::Delete, &item.delete),
            ];
            for (key, method, op) in methods {
                let Some(op) = op else { continue };
                let pointer = ptr(&path_pointer, key);
                let id = op
                    .operation_id
                    .clone()
                    .ok_or_else(|| Error::new(None, pointer.clone(), "missing operationId"))?;
                if !seen_ids.insert(id.clone()) {
                    return Err(Error::new(Some(&id), pointer, "duplicate operationId"));
                }
                let mut raw =
                    self.lower_operation(path, method, &item.parameters, op, &id, &pointer)?;
                raw.op.server =
                    own_server(spec, &op.servers).or_else(|| own_server(spec, &item.servers));
                out.push(raw);
            }
        }
        Ok(out)
    }

    pub(super) fn lower_operation(
        &mut self,
        path: &str,
        method: Method,
        shared: &[ReferenceOr<openapiv3::Parameter>],
        op: &openapiv3::Operation,
        id: &str,
        pointer: &str,
    ) -> Result<RawOperation, Error> {
        let mut scope = Scope::with_reserved(BUILDER_METHODS);
        let template: Vec<String> = template_params(path);
        let mut path_params: BTreeMap<String, Parameter> = BTreeMap::new();
        let mut others = Vec::new();
        let all = shared
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p,
                    format!(
                        "{}/parameters/{i}",
                        pointer.rsplit_once('/').map_or("", |x| x.0)
                    ),
                )
            })
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{pointer}/parameters/{i}"))),
            );
        let mut by_key: Vec<(openapiv3::Parameter, String)> = Vec::new();
        for (p, p_pointer) in all {
            let p = self.resolve(p, &p_pointer, Some(id))?.clone();
            let data = p.parameter_data_ref();
            if let Some(existing) = by_key
                .iter_mut()
                .find(|(q, _)| q.parameter_data_ref().name == data.name && same_location(q, &p))
            {
                *existing = (p, p_pointer);
            } else {
                by_key.push((p, p_pointer));
            }
        }
        for (p, p_pointer) in &by_key {
            let data = p.parameter_data_ref();
            let location = match p {
                openapiv3::Parameter::Path { .. } => Location::Path,
                openapiv3::Parameter::Query { .. } => Location::Query,
                openapiv3::Parameter::Header { .. } => Location::Header,
                openapiv3::Parameter::Cookie { .. } => {
                    return Err(Error::new(
                        Some(id),
                        p_pointer.clone(),
                        "unsupported parameter location cookie",
                    ));
                }
            };
            if location == Location::Header && runtime_header(&data.name) {
                continue;
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    return Err(Error::new(
                        Some(id),
                        p_pointer.clone(),
                        "unsupported parameter with content",
                    ));
                }
            };
            let hint = format!("{}{}", pascal(id), pascal(&data.name));
            let (ty, _) = self.lower_ref_or(schema, &hint, &ptr(p_pointer, "schema"), Some(id))?;
            if location == Location::Path && !template.contains(&data.name) {
                return Err(Error::new(
                    Some(id),
                    p_pointer.clone(),
                    format!(
                        "path parameter {} is not in the path template {path}",
                        data.name
                    ),
                ));
            }
            let name = match location {
                Location::Header => scope.unique(header_method(&data.name)),
                _ => scope.unique(snake(&data.name)),
            };
            let account_default =
                location == Location::Path && data.name == "AccountSid" && account_scoped(path);
            let mut doc = data.description.clone();
            if let ReferenceOr::Item(s) = schema
                && let Some(note) = format_note(s)
            {
                doc = Some(join_doc(doc, note));
            }
            let param = Parameter {
                name,
                api_name: data.name.clone(),
                location,
                wire_ty: wire_type(&ty),
                ty,
                required: (data.required || location == Location::Path) && !account_default,
                account_default,
                sensitive: is_sensitive(&data.extensions, &data.name),
                alternate_key: alternate_key(&data.extensions, p_pointer)
                    .map_err(|e| with_op(e, Some(id)))?,
                sid_prefix: match (location, schema) {
                    (Location::Path, ReferenceOr::Item(s)) => schema_sid_prefix(s),
                    _ => None,
                },
                range: match schema {
                    ReferenceOr::Item(s) => integer_range(s),
                    ReferenceOr::Reference { .. } => Range::default(),
                },
                doc,
            };
            if location == Location::Path {
                path_params.insert(data.name.clone(), param);
            } else {
                others.push(param);
            }
        }
        let mut params = Vec::new();
        for name in &template {
            let p = path_params.remove(name).ok_or_else(|| {
                Error::new(
                    Some(id),
                    pointer,
                    format!("path template parameter {{{name}}} is not declared"),
                )
            })?;
            params.push(p);
        }
        params.extend(others);

        let mut body_content_type = None;
        if let Some(body) = &op.request_body {
            let body_pointer = format!("{pointer}/requestBody");
            let body = self.resolve(body, &body_pointer, Some(id))?;
            let (ct, fields) = self.lower_body(body, id, &body_pointer, &mut scope)?;
            body_content_type = Some(ct);
            params.extend(fields);
        }

        let response = self.lower_response(op, method, id, pointer)?;
        let examples = self.example_records(op, &response, id, pointer)?;
        let noun = VERBS.iter().find_map(|(prefix, _)| {
            id.strip_prefix(prefix)
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
                .map(str::to_owned)
        });
        let verb = VERBS
            .iter()
            .find(|(prefix, _)| noun.is_some() && id.starts_with(prefix))
            .map_or_else(|| snake(id), |(_, v)| (*v).to_owned());
        let doc = op
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or_else(|| op.summary.clone().filter(|d| !d.trim().is_empty()));
        Ok(RawOperation {
            op: Operation {
                id: id.to_owned(),
                builder: pascal(id),
                table: String::new(),
                verb,
                method,
                path: path.to_owned(),
                doc,
                params,
                body_content_type,
                server: None,
                response,
            },
            noun,
            tree_path: tree_path(path),
            examples,
        })
    }

    pub(super) fn lower_body(
        &mut self,
        body: &RequestBody,
        id: &str,
        pointer: &str,
        scope: &mut Scope,
    ) -> Result<(String, Vec<Parameter>), Error> {
        let content_pointer = format!("{pointer}/content");
        if let Some(media) = body.content.get("application/x-www-form-urlencoded") {
            let media_pointer = ptr(&content_pointer, "application/x-www-form-urlencoded");
            let Some(schema) = &media.schema else {
                return Ok(("application/x-www-form-urlencoded".to_owned(), Vec::new()));
            };
            let (props, required) = self.object_of(schema).ok_or_else(|| {
                Error::new(
                    Some(id),
                    format!("{media_pointer}/schema"),
                    "form body schema is not an object",
                )
            })?;
            let props = props.clone();
            let required = required.to_vec();
            let mut fields = Vec::new();
            for (key, prop) in &props {
                let p_pointer = ptr(&format!("{media_pointer}/schema/properties"), key);
                let hint = format!("{}{}", pascal(id), pascal(key));
                let (ty, _) = self.lower_ref_or(prop, &hint, &p_pointer, Some(id))?;
                if let TypeRef::Array(inner) = &ty
                    && matches!(**inner, TypeRef::Array(_))
                {
                    return Err(Error::new(
                        Some(id),
                        p_pointer,
                        "unsupported nested array form field",
                    ));
                }
                let doc = with_format_note(prop);
                fields.push(Parameter {
                    name: scope.unique(snake(key)),
                    api_name: key.clone(),
                    location: Location::Form,
                    wire_ty: wire_type(&ty),
                    ty,
                    required: required.contains(key),
                    account_default: false,
                    sensitive: match prop {
                        ReferenceOr::Item(s) => is_sensitive(&s.schema_data.extensions, key),
                        ReferenceOr::Reference { .. } => is_sensitive(&Default::default(), key),
                    },
                    alternate_key: None,
                    sid_prefix: match prop {
                        ReferenceOr::Item(s) => schema_sid_prefix(s),
                        ReferenceOr::Reference { .. } => None,
                    },
                    range: Range::default(),
                    doc,
                });
            }
            return Ok(("application/x-www-form-urlencoded".to_owned(), fields));
        }
        if let Some(media) = body.content.get("application/json") {
            let media_pointer = ptr(&content_pointer, "application/json");
            let ty = match &media.schema {
                Some(s) => {
                    self.lower_ref_or(
                        s,
                        &format!("{}Request", pascal(id)),
                        &format!("{media_pointer}/schema"),
                        Some(id),
                    )?
                    .0
                }
                None => TypeRef::Json,
            };
            return Ok((
                "application/json".to_owned(),
                vec![Parameter {
                    name: scope.unique("body".to_owned()),
                    api_name: "body".to_owned(),
                    location: Location::JsonBody,
                    wire_ty: ty.clone(),
                    ty,
                    required: true,
                    account_default: false,
                    sensitive: false,
                    alternate_key: None,
                    sid_prefix: None,
                    range: Range::default(),
                    doc: body.description.clone(),
                }],
            ));
        }
        if let Some((media_type, _)) = body
            .content
            .iter()
            .find(|(_, media)| media.schema.as_ref().is_some_and(is_binary))
        {
            let mut params = Vec::new();
            if media_type.contains('*') {
                params.push(Parameter {
                    name: scope.unique("content_type".to_owned()),
                    api_name: "Content-Type".to_owned(),
                    location: Location::ContentType,
                    ty: TypeRef::String,
                    wire_ty: TypeRef::String,
                    required: true,
                    account_default: false,
                    sensitive: false,
                    alternate_key: None,
                    sid_prefix: None,
                    range: Range::default(),
                    doc: Some(format!(
                        "Media type of the body (`image/png`, `application/pdf`, ...), sent as its `Content-Type`; \
                         the description accepts `{media_type}`."
                    )),
                });
            }
            params.push(Parameter {
                name: scope.unique("body".to_owned()),
                api_name: "body".to_owned(),
                location: Location::BinaryBody,
                ty: TypeRef::String,
                wire_ty: TypeRef::String,
                required: true,
                account_default: false,
                sensitive: false,
                alternate_key: None,
                sid_prefix: None,
                range: Range::default(),
                doc: body.description.clone(),
            });
            return Ok((media_type.clone(), params));
        }
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        Err(Error::new(
            Some(id),
            content_pointer,
            format!("unsupported request body content type {}", types.join(", ")),
        ))
    }
}

/// The first server of `servers` when it is not the document's first server (trailing slashes ignored).
fn own_server(spec: &OpenAPI, servers: &[openapiv3::Server]) -> Option<String> {
    let own = servers.first()?.url.trim_end_matches('/');
    let document = spec.servers.first().map(|s| s.url.trim_end_matches('/'));
    (document != Some(own)).then(|| own.to_owned())
}

/// A `type: string, format: binary` schema: raw bytes.
pub(super) fn is_binary(schema: &ReferenceOr<openapiv3::Schema>) -> bool {
    matches!(
        schema,
        ReferenceOr::Item(openapiv3::Schema {
            schema_kind: SchemaKind::Type(Type::String(openapiv3::StringType {
                format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                ..
            })),
            ..
        })
    )
}

pub(super) fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `{Name}` parameters of a path template, in order.
pub(super) fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

/// The type a query, header or form parameter takes on the wire: structured values are sent as JSON text, RFC 2822
/// date-times like any other date-time.
pub(super) fn wire_type(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Struct(_) | TypeRef::Map(_) | TypeRef::OneOf(_) | TypeRef::Boxed(_) => {
            TypeRef::Json
        }
        TypeRef::DateTimeRfc2822 => TypeRef::DateTime,
        TypeRef::Array(inner) => match wire_type(inner) {
            TypeRef::Array(_) => TypeRef::Array(Box::new(TypeRef::Json)),
            inner => TypeRef::Array(Box::new(inner)),
        },
        other => other.clone(),
    }
}

/// The bounds an integer schema sets (an exclusive bound moved in by one).
fn integer_range(schema: &openapiv3::Schema) -> Range {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i)) => Range {
            minimum: i.minimum.map(|m| {
                if i.exclusive_minimum {
                    m.saturating_add(1)
                } else {
                    m
                }
            }),
            maximum: i.maximum.map(|m| {
                if i.exclusive_maximum {
                    m.saturating_sub(1)
                } else {
                    m
                }
            }),
        },
        _ => Range::default(),
    }
}

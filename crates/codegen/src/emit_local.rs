//! Emits the route table of a local, in-memory service that answers a description's operations (the
//! `twilio-chat-local` crate): for every resource its model, SID prefix, paths, fields and links; for every operation
//! its method, path template, kind (create, fetch, update, delete, list), path parameters with the resource each
//! one names, form fields with the JSON field each one fills, and list filters.
//!
//! Everything comes from the lowered IR, except two facts the IR does not keep, which are read from the description
//! here: the SID prefix of each model (the `pattern` of its `sid` property, `^IS[0-9a-fA-F]{32}$`) and which path
//! parameters also accept a unique name or an identity (their description says "by SID or unique name").
//! The table refers to types of the service crate (`Settings::table_path`), which owns their meaning.

use std::collections::BTreeMap;

use heck::ToSnakeCase as _;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::error::escape_token;
use crate::{Error, ir};

/// Options of [`generate_local`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSettings {
    /// How the description is named in the header line (`spec/chat-v2.json`).
    pub spec_path_display: String,
    /// Path of the generated file relative to the output root (`crates/chat-local/src/generated/mod.rs`).
    pub file: String,
    /// Rust path of the module defining `Route`, `Resource`, `PathParam`, `FormField`, `Filter`, `Field`, `Kind`
    /// and `ValueKind` (`crate::table`).
    pub table_path: String,
}

impl LocalSettings {
    /// The settings of this repository: `spec/chat-v2.json` into `crates/chat-local/src/generated/mod.rs`.
    pub fn chat_v2() -> Self {
        Self {
            spec_path_display: "spec/chat-v2.json".to_owned(),
            file: "crates/chat-local/src/generated/mod.rs".to_owned(),
            table_path: "crate::table".to_owned(),
        }
    }
}

/// Lowers the description and renders the local service's route table: one file, keyed by its path.
pub fn generate_local(
    spec_json: &str,
    settings: &LocalSettings,
) -> Result<BTreeMap<String, String>, Error> {
    let api = crate::lower(spec_json)?;
    let raw: Value = serde_json::from_str(spec_json)
        .map_err(|e| Error::new(None, "", format!("not JSON: {e}")))?;
    let table: syn::Path = syn::parse_str(&settings.table_path).map_err(|_| {
        Error::new(
            None,
            "",
            format!(
                "settings: table_path `{}` is not a Rust path",
                settings.table_path
            ),
        )
    })?;
    let tokens = emit_local(&api, &raw, &quote!(#table))?;
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| {
        Error::new(
            None,
            "",
            format!("internal: generated route table does not parse: {e}"),
        )
    })?;
    let mut files = BTreeMap::new();
    files.insert(
        settings.file.clone(),
        format!(
            "{}{}",
            crate::header(&settings.spec_path_display),
            prettyplease::unparse(&file)
        ),
    );
    Ok(files)
}

/// A resource of the tree, with the facts the table needs.
struct Node<'a> {
    resource: &'a ir::Resource,
    model: Option<&'a ir::Struct>,
}

/// Tokens of the route table for `api`; `raw` is the description as JSON (for SID patterns and parameter prose).
fn emit_local(api: &ir::Api, raw: &Value, table: &TokenStream) -> Result<TokenStream, Error> {
    let mut nodes = Vec::new();
    collect(api, &api.resources, &mut nodes);
    let by_collection: BTreeMap<&str, &Node<'_>> = nodes
        .iter()
        .map(|n| (n.resource.collection_path.as_str(), n))
        .collect();

    // SID prefix -> the resource's SID parameter name (`US` -> `UserSid`), for link targets no field names.
    let mut prefixes = BTreeMap::new();
    for node in &nodes {
        if let Some(prefix) = node
            .model
            .map(|m| sid_prefix(raw, m))
            .transpose()?
            .flatten()
        {
            prefixes.insert(prefix, format!("{}Sid", node.resource.name));
        }
    }
    let mut resources = Vec::new();
    for node in &nodes {
        resources.push(resource_tokens(node, api, raw, &prefixes, table)?);
    }
    let mut routes = Vec::new();
    for node in &nodes {
        let ops = node
            .resource
            .list_operations
            .iter()
            .map(|i| (*i, false))
            .chain(node.resource.instance_operations.iter().map(|i| (*i, true)));
        for (index, on_instance) in ops {
            let op = &api.operations[index];
            routes.push(route_tokens(
                op,
                on_instance,
                node,
                &by_collection,
                raw,
                table,
            )?);
        }
    }
    Ok(quote! {
        /// Every resource of the description, outermost first.
        pub(crate) static RESOURCES: &[#table::Resource] = &[#(#resources),*];
        /// Every operation of the description, in resource-tree order.
        pub(crate) static ROUTES: &[#table::Route] = &[#(#routes),*];
    })
}

fn collect<'a>(api: &'a ir::Api, resources: &'a [ir::Resource], out: &mut Vec<Node<'a>>) {
    for resource in resources {
        let model = resource
            .list_operations
            .iter()
            .chain(&resource.instance_operations)
            .find_map(|i| match &api.operations[*i].response {
                ir::Response::Value(ir::TypeRef::Struct(name))
                | ir::Response::Page {
                    item: ir::TypeRef::Struct(name),
                    ..
                } => match api.schemas.get(name) {
                    Some(ir::Schema::Struct(s)) => Some(s),
                    _ => None,
                },
                _ => None,
            });
        out.push(Node { resource, model });
        collect(api, &resource.children, out);
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// The value kind of a type, as the service stores and decodes it.
fn value_kind(ty: &ir::TypeRef, table: &TokenStream) -> TokenStream {
    use ir::TypeRef as T;
    match ty {
        T::String | T::Uri | T::Enum(_) | T::Date => quote!(#table::ValueKind::Str),
        T::DateTime | T::DateTimeRfc2822 => quote!(#table::ValueKind::DateTime),
        T::I32 | T::I64 => quote!(#table::ValueKind::Int),
        T::F32 | T::F64 => quote!(#table::ValueKind::Number),
        T::Bool => quote!(#table::ValueKind::Bool),
        T::Array(_) => quote!(#table::ValueKind::List),
        T::Json | T::Map(_) | T::Struct(_) | T::OneOf(_) => quote!(#table::ValueKind::Json),
        T::Boxed(inner) => value_kind(inner, table),
    }
}

fn field<'a>(model: Option<&'a ir::Struct>, name: &str) -> Option<&'a ir::Field> {
    model?
        .fields
        .iter()
        .find(|f| !f.flatten && f.api_name == name)
}

/// The SID prefix of a model: the two letters of its `sid` property's `pattern` (`^IS[0-9a-fA-F]{32}$`).
fn sid_prefix(raw: &Value, model: &ir::Struct) -> Result<Option<String>, Error> {
    let pointer = format!(
        "/components/schemas/{}/properties/sid/pattern",
        escape_token(&model.api_name)
    );
    let Some(pattern) = raw.pointer(&pointer) else {
        return Ok(None);
    };
    let pattern = pattern.as_str().unwrap_or_default();
    // `^IS[0-9a-fA-F]{32}$`, or alternatives `^(SM|MM)[0-9a-fA-F]{32}$` whose first one new records get.
    let prefix: String = pattern
        .trim_start_matches('^')
        .trim_start_matches('(')
        .chars()
        .take_while(char::is_ascii_uppercase)
        .collect();
    if prefix.is_empty() || !pattern.contains("{32}") {
        return Err(Error::new(
            None,
            pointer,
            format!("`{pattern}` is not a SID pattern of the form `^XX[0-9a-fA-F]{{32}}$`"),
        ));
    }
    Ok(Some(prefix))
}

fn resource_tokens(
    node: &Node<'_>,
    api: &ir::Api,
    raw: &Value,
    prefixes: &BTreeMap<String, String>,
    table: &TokenStream,
) -> Result<TokenStream, Error> {
    let r = node.resource;
    let name = &r.name;
    let model = opt_str(node.model.map(|m| m.name.as_str()));
    let prefix = match node.model {
        Some(m) => sid_prefix(raw, m)?,
        None => None,
    };
    let prefix = opt_str(prefix.as_deref());
    let collection = &r.collection_path;
    let instance = opt_str(r.instance_path.as_deref());
    let links = links(node, api, raw, prefixes)
        .into_iter()
        .map(|(key, path)| quote!((#key, #path)))
        .collect::<Vec<_>>();
    let fields = node
        .model
        .map(|m| m.fields.iter().filter(|f| !f.flatten).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let n = &f.api_name;
            let k = value_kind(&f.ty, table);
            quote!(#table::Field { name: #n, kind: #k })
        })
        .collect::<Vec<_>>();
    Ok(quote! {
        #table::Resource {
            name: #name,
            model: #model,
            sid_prefix: #prefix,
            collection_path: #collection,
            instance_path: #instance,
            links: &[#(#links),*],
            fields: &[#(#fields),*],
        }
    })
}

/// The `links` of a resource's records: key and path template (`{Param}` segments name the record's fields,
/// `{ServiceSid}` -> `service_sid`). Taken from the description's response examples, whose link URLs are matched
/// segment by segment against the example record's fields; without examples, one link per nested resource.
fn links(
    node: &Node<'_>,
    api: &ir::Api,
    raw: &Value,
    prefixes: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let Some(model) = node.model.filter(|m| field(Some(m), "links").is_some()) else {
        return Vec::new();
    };
    let r = node.resource;
    for index in r.instance_operations.iter().chain(&r.list_operations) {
        let op = &api.operations[*index];
        for record in example_records(raw, op) {
            let Some(Value::Object(links)) = record.get("links") else {
                continue;
            };
            return links
                .iter()
                .filter_map(|(key, url)| {
                    let url = url.as_str()?;
                    // A link with a query is pre-signed (another host, a signature): not a path of this API.
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
                    Some((key.clone(), template))
                })
                .collect();
        }
    }
    // The nested collections, under the record's own SID.
    r.children
        .iter()
        .map(|c| {
            let own = c
                .collection_path
                .rsplit('/')
                .find(|s| s.starts_with('{'))
                .unwrap_or_default();
            let path = c.collection_path.replacen(own, "{Sid}", 1);
            (c.list_accessor.to_snake_case(), path)
        })
        .collect()
}

/// The example records of an operation's success responses (the first record of example pages).
fn example_records<'a>(raw: &'a Value, op: &ir::Operation) -> Vec<&'a Value> {
    let pointer = format!(
        "/paths/{}/{}/responses",
        escape_token(&op.path),
        op.method.as_str().to_lowercase()
    );
    let Some(Value::Object(responses)) = raw.pointer(&pointer) else {
        return Vec::new();
    };
    let records_key = match &op.response {
        ir::Response::Page { records_key, .. } => Some(records_key.as_str()),
        _ => None,
    };
    responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .filter_map(|(_, r)| {
            r.pointer("/content/application~1json/examples")?
                .as_object()
        })
        .flat_map(|examples| examples.values())
        .filter_map(|e| e.get("value"))
        .filter_map(|v| match records_key {
            Some(key) => v.get(key)?.get(0),
            None => Some(v),
        })
        .collect()
}

/// One segment of an example link as a template segment. A SID becomes the field of the example record holding it
/// (`sid` first, then `*_sid` fields, then any), else the SID parameter of the resource its prefix names; every
/// other segment is literal.
fn link_segment(
    segment: &str,
    record: &Value,
    model: &ir::Struct,
    prefixes: &BTreeMap<String, String>,
) -> String {
    use heck::ToUpperCamelCase as _;
    let looks_like_sid = segment.len() == 34
        && segment.is_ascii()
        && segment[..2].chars().all(|c| c.is_ascii_uppercase())
        && segment[2..].chars().all(|c| c.is_ascii_hexdigit());
    if !looks_like_sid {
        return segment.to_owned();
    }
    let holds = |f: &ir::Field| record.get(&f.api_name).and_then(Value::as_str) == Some(segment);
    let fields: Vec<&ir::Field> = model.fields.iter().filter(|f| !f.flatten).collect();
    let named = fields
        .iter()
        .find(|f| f.api_name == "sid" && holds(f))
        .or_else(|| {
            fields
                .iter()
                .find(|f| f.api_name.ends_with("_sid") && holds(f))
        })
        .or_else(|| fields.iter().find(|f| holds(f)));
    if let Some(f) = named {
        return format!("{{{}}}", f.api_name.to_upper_camel_case());
    }
    match prefixes.get(&segment[..2]) {
        Some(param) => format!("{{{param}}}"),
        None => segment.to_owned(),
    }
}

/// The resource a path parameter names: the one whose collection path is the path up to that parameter.
fn path_params<'a>(
    op: &ir::Operation,
    by_collection: &BTreeMap<&str, &'a Node<'a>>,
    raw: &Value,
    model: Option<&ir::Struct>,
    table: &TokenStream,
) -> Result<Vec<TokenStream>, Error> {
    let mut out = Vec::new();
    let mut prefix = String::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            // The resource whose collection path leads to the parameter, else the one it is named after
            // (`{ServiceSid}` -> `Service`).
            let named = name.strip_suffix("Sid").filter(|n| !n.is_empty());
            let owner = by_collection.get(prefix.as_str()).copied().or_else(|| {
                by_collection
                    .values()
                    .copied()
                    .find(|n| named.is_some_and(|named| n.resource.name == named))
            });
            let Some(owner) = owner else {
                return Err(Error::new(
                    Some(&op.id),
                    format!("/paths/{}", escape_token(&op.path)),
                    format!(
                        "no resource has the collection path `{prefix}` that names `{{{name}}}`"
                    ),
                ));
            };
            let doc = raw_param_doc(raw, op, name).to_lowercase();
            let alternate = if doc.contains("unique name") || doc.contains("unique_name") {
                Some("unique_name")
            } else if doc.contains("identity") {
                Some("identity")
            } else {
                None
            };
            let own = op.path.ends_with(&format!("/{segment}"));
            let json = field(model, "sid")
                .filter(|_| own)
                .or_else(|| field(model, &name.to_snake_case()));
            let json = opt_str(json.map(|f| f.api_name.as_str()));
            let resource = &owner.resource.name;
            let alternate = opt_str(alternate);
            out.push(quote! {
                #table::PathParam { name: #name, resource: #resource, field: #json, alternate: #alternate }
            });
        }
        prefix.push('/');
        prefix.push_str(segment);
    }
    Ok(out)
}

/// The description of a path parameter, from the operation or its path item.
fn raw_param_doc<'a>(raw: &'a Value, op: &ir::Operation, name: &str) -> &'a str {
    let item = raw.pointer(&format!("/paths/{}", escape_token(&op.path)));
    let method = op.method.as_str().to_lowercase();
    let lists = [
        item.and_then(|i| i.pointer(&format!("/{method}/parameters"))),
        item.and_then(|i| i.get("parameters")),
    ];
    lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => raw.pointer(r.trim_start_matches('#')).unwrap_or(p),
            None => p,
        })
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|p| p.get("description"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn route_tokens(
    op: &ir::Operation,
    on_instance: bool,
    node: &Node<'_>,
    by_collection: &BTreeMap<&str, &Node<'_>>,
    raw: &Value,
    table: &TokenStream,
) -> Result<TokenStream, Error> {
    // Every method and path maps to a kind: a collection GET without a page reads one thing, PUT and PATCH
    // update.
    let kind = match (op.method, on_instance, &op.response) {
        (ir::Method::Get, false, ir::Response::Page { .. }) => quote!(List),
        (ir::Method::Get, _, _) => quote!(Fetch),
        (ir::Method::Post, false, _) => quote!(Create),
        (ir::Method::Post | ir::Method::Put | ir::Method::Patch, _, _) => quote!(Update),
        (ir::Method::Delete, _, _) => quote!(Delete),
    };
    let model = node.model;
    let method = op.method.as_str();
    let path = &op.path;
    let id = &op.id;
    let resource = &node.resource.name;
    let records_key = opt_str(match &op.response {
        ir::Response::Page { records_key, .. } => Some(records_key.as_str()),
        _ => None,
    });
    let params = path_params(op, by_collection, raw, model, table)?;
    let mut form = Vec::new();
    let mut filters = Vec::new();
    for p in &op.params {
        match p.location {
            ir::Location::Form => {
                let wire = &p.api_name;
                let parts: Vec<String> = wire.split('.').map(|s| s.to_snake_case()).collect();
                let target: Vec<String> = if parts.len() == 1 {
                    let plural = format!("{}s", parts[0]);
                    if field(model, &parts[0]).is_some() {
                        parts.clone()
                    } else if field(model, &plural).is_some() {
                        vec![plural]
                    } else {
                        Vec::new()
                    }
                } else if field(model, &parts[0]).is_some() {
                    parts.clone()
                } else {
                    Vec::new()
                };
                let ty = match (target.len(), target.first()) {
                    (1, Some(name)) => field(model, name).map_or(&p.ty, |f| &f.ty),
                    _ => &p.ty,
                };
                let kind = value_kind(ty, table);
                let required = p.required;
                form.push(quote! {
                    #table::FormField { wire: #wire, field: &[#(#target),*], kind: #kind, required: #required }
                });
            }
            ir::Location::Query => {
                let wire = &p.api_name;
                let name = wire.to_snake_case();
                let json = opt_str(field(model, &name).map(|f| f.api_name.as_str()));
                let kind = value_kind(&p.ty, table);
                filters.push(quote! {
                    #table::Filter { wire: #wire, field: #json, kind: #kind }
                });
            }
            // Path parameters are above; headers and other bodies carry nothing the table records.
            _ => {}
        }
    }
    Ok(quote! {
        #table::Route {
            method: #method,
            path: #path,
            operation_id: #id,
            kind: #table::Kind::#kind,
            resource: #resource,
            path_params: &[#(#params),*],
            form: &[#(#form),*],
            filters: &[#(#filters),*],
            records_key: #records_key,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A description with one resource, `Thing`, whose SID pattern is `pattern`.
    fn spec(pattern: &str) -> String {
        let model = serde_json::json!({
            "type": "object",
            "properties": {
                "sid": {"type": "string", "pattern": pattern, "nullable": true},
                "friendly_name": {"type": "string", "nullable": true},
                "limits": {"nullable": true},
                "permissions": {"type": "array", "items": {"type": "string"}, "nullable": true},
                "url": {"type": "string", "format": "uri", "nullable": true},
                "links": {"type": "object", "format": "uri-map", "nullable": true}
            }
        });
        let ok = |schema: Value| serde_json::json!({"description": "OK", "content": {"application/json": {"schema": schema}}});
        let page = serde_json::json!({"type": "object", "properties": {
            "things": {"type": "array", "items": {"$ref": "#/components/schemas/thing"}},
            "meta": {"type": "object", "properties": {"key": {"type": "string"}}}
        }});
        let form = serde_json::json!({"content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "required": ["FriendlyName"],
            "properties": {
                "FriendlyName": {"type": "string"},
                "Limits.ChannelMembers": {"type": "integer"},
                "Permission": {"type": "array", "items": {"type": "string"}},
                "Secret": {"type": "string"}
            }
        }}}});
        serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "Demo", "version": "1"},
            "servers": [{"url": "https://demo.twilio.com"}],
            "paths": {
                "/v1/Things": {
                    "get": {"operationId": "ListThing",
                        "parameters": [{"name": "Identity", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
                        "responses": {"200": ok(page)}},
                    "post": {"operationId": "CreateThing", "requestBody": form,
                        "responses": {"201": ok(serde_json::json!({"$ref": "#/components/schemas/thing"}))}}
                },
                "/v1/Things/{Sid}": {
                    "get": {"operationId": "FetchThing",
                        "parameters": [{"name": "Sid", "in": "path", "required": true,
                            "description": "The thing, by SID or unique name.", "schema": {"type": "string"}}],
                        "responses": {"200": {"description": "OK", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/thing"},
                            "examples": {"one": {"value": {
                                "sid": "TH0123456789abcdef0123456789abcdef",
                                "friendly_name": "Things",
                                "links": {
                                    "parts": "https://demo.twilio.com/v1/Things/TH0123456789abcdef0123456789abcdef/Parts",
                                    "named": "https://demo.twilio.com/v1/Names/Things",
                                    "relative": "/v1/Things/TH0123456789abcdef0123456789abcdef",
                                    "signed": "https://files.example.com/TH0123456789abcdef0123456789abcdef?Signature=x"
                                }
                            }}}
                        }}}}}
                }
            },
            "components": {"schemas": {"thing": model}}
        })
        .to_string()
    }

    fn table(pattern: &str) -> Result<String, Error> {
        let settings = LocalSettings {
            spec_path_display: "demo.json".to_owned(),
            file: "local/mod.rs".to_owned(),
            table_path: "crate::table".to_owned(),
        };
        generate_local(&spec(pattern), &settings).map(|files| files["local/mod.rs"].clone())
    }

    #[test]
    fn table_carries_prefixes_mappings_filters_and_alternates() {
        let text = table("^TH[0-9a-fA-F]{32}$").unwrap();
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            r#"sid_prefix: ::core::option::Option::Some("TH")"#,
            r#"kind: crate::table::Kind::Create"#,
            r#"kind: crate::table::Kind::List"#,
            r#"records_key: ::core::option::Option::Some("things")"#,
            r#"wire: "Limits.ChannelMembers", field: &["limits", "channel_members"], kind: crate::table::ValueKind::Int"#,
            r#"wire: "Permission", field: &["permissions"], kind: crate::table::ValueKind::List"#,
            r#"wire: "Secret", field: &[]"#,
            r#"wire: "FriendlyName", field: &["friendly_name"], kind: crate::table::ValueKind::Str, required: true"#,
            r#"alternate: ::core::option::Option::Some("unique_name")"#,
            r#"wire: "Identity", field: ::core::option::Option::None"#,
            r#"("parts", "/v1/Things/{Sid}/Parts")"#,
            r#"("named", "/v1/Names/Things")"#,
            r#"("relative", "/v1/Things/{Sid}")"#,
        ] {
            assert!(flat.contains(expected), "missing `{expected}` in\n{text}");
        }
        assert!(
            !text.contains("signed"),
            "pre-signed links are not templates"
        );
        assert!(text.starts_with("// @generated by `cargo xtask codegen` from demo.json."));
        assert_eq!(table("^TH[0-9a-fA-F]{32}$").unwrap(), text, "deterministic");
    }

    #[test]
    fn alternative_sid_prefixes_take_the_first() {
        let text = table("^(TH|TX)[0-9a-fA-F]{32}$").unwrap();
        assert!(
            text.contains(r#"sid_prefix: ::core::option::Option::Some("TH")"#),
            "{text}"
        );
    }

    #[test]
    fn a_sid_pattern_without_a_prefix_is_an_error_naming_where() {
        let error = table("^[0-9a-fA-F]{32}$").unwrap_err();
        assert_eq!(
            error.pointer(),
            "/components/schemas/thing/properties/sid/pattern"
        );
        assert!(error.message().contains("not a SID pattern"), "{error}");
    }

    #[test]
    fn a_table_path_that_is_not_a_path_is_an_error() {
        let settings = LocalSettings {
            table_path: "not a path".to_owned(),
            ..LocalSettings::chat_v2()
        };
        let error = generate_local(&spec("^TH[0-9a-fA-F]{32}$"), &settings).unwrap_err();
        assert!(error.message().contains("table_path"), "{error}");
    }
}

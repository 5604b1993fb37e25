//! Emits the route table of a local, in-memory service that answers a description's operations: for every
//! resource its model, SID prefix, paths, fields and links; for every operation its method, path template, kind
//! (create, fetch, update, delete, list), path parameters with the resource each one names and the field it may
//! name instead of a SID, form fields with the JSON field each one fills, and list filters.
//!
//! Everything comes from the IR. The table refers to types of the service crate ([`LocalSettings::table_path`]),
//! which owns their meaning.

use std::collections::BTreeMap;

use heck::ToSnakeCase as _;
use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, escape_token};
use crate::ir;
use crate::settings::LocalSettings;
use crate::tokens::path;

/// Tokens of the route table for `api`.
pub(crate) fn emit(api: &ir::Api, settings: &LocalSettings) -> Result<TokenStream, Error> {
    let table = path("local.table_path", &settings.table_path)?;
    let table = &table;
    let mut nodes = Vec::new();
    collect(api, &api.resources, &mut nodes);
    let by_collection: BTreeMap<&str, &Node<'_>> = nodes
        .iter()
        .map(|n| (n.resource.collection_path.as_str(), n))
        .collect();
    let resources: Vec<TokenStream> = nodes.iter().map(|n| resource_tokens(n, table)).collect();
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
                api,
                op,
                on_instance,
                node,
                &by_collection,
                table,
            )?);
        }
    }
    let events = match &api.webhooks {
        Some(hooks) => super::local_events::emit(api, hooks, table)?,
        None => TokenStream::new(),
    };
    Ok(quote! {
        /// Every resource of the description, outermost first.
        pub(crate) static RESOURCES: &[#table::Resource] = &[#(#resources),*];
        /// Every operation of the description, in resource-tree order.
        pub(crate) static ROUTES: &[#table::Route] = &[#(#routes),*];
        #events
    })
}

/// A resource of the tree, with its model.
struct Node<'a> {
    resource: &'a ir::Resource,
    model: Option<&'a ir::Struct>,
}

fn collect<'a>(api: &'a ir::Api, resources: &'a [ir::Resource], out: &mut Vec<Node<'a>>) {
    for resource in resources {
        let model = match resource.model.as_ref().and_then(|m| api.schemas.get(m)) {
            Some(ir::Schema::Struct(s)) => Some(s),
            _ => None,
        };
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
        T::String | T::Uri | T::Sid(_) | T::Enum(_) | T::Date => quote!(#table::ValueKind::Str),
        T::DateTime | T::DateTimeRfc2822 => quote!(#table::ValueKind::DateTime),
        T::I32 | T::I64 => quote!(#table::ValueKind::Int),
        T::F32 | T::F64 => quote!(#table::ValueKind::Number),
        T::Bool => quote!(#table::ValueKind::Bool),
        T::Array(_) => quote!(#table::ValueKind::List),
        T::Json | T::Map(_) | T::Struct(_) | T::OneOf(_) => quote!(#table::ValueKind::Json),
        T::Boxed(inner) => value_kind(inner, table),
    }
}

/// The wire values of an enum-typed parameter (or of the items of an array of them); empty for other types.
fn enum_values(api: &ir::Api, ty: &ir::TypeRef) -> Vec<String> {
    match ty {
        ir::TypeRef::Enum(name) => match api.schemas.get(name) {
            Some(ir::Schema::Enum(e)) => e.variants.iter().map(|v| v.api_name.clone()).collect(),
            _ => Vec::new(),
        },
        ir::TypeRef::Array(inner) | ir::TypeRef::Boxed(inner) => enum_values(api, inner),
        _ => Vec::new(),
    }
}

fn field<'a>(model: Option<&'a ir::Struct>, name: &str) -> Option<&'a ir::Field> {
    model?.field(name)
}

fn resource_tokens(node: &Node<'_>, table: &TokenStream) -> TokenStream {
    let r = node.resource;
    let name = &r.name;
    let model = opt_str(node.model.map(|m| m.name.as_str()));
    let prefix = opt_str(node.model.and_then(ir::Struct::sid_prefix));
    let collection = &r.collection_path;
    let instance = opt_str(r.instance_path.as_deref());
    let links = r
        .links
        .iter()
        .map(|ir::Link { key, template }| quote!((#key, #template)))
        .collect::<Vec<_>>();
    let fields = node
        .model
        .map(|m| m.fields.iter().filter(|f| !f.flatten).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let n = &f.api_name;
            let k = value_kind(&f.ty, table);
            let default = match &f.default {
                Some(ir::Literal::Bool(b)) => {
                    quote!(::core::option::Option::Some(#table::Literal::Bool(#b)))
                }
                Some(ir::Literal::Int(i)) => {
                    quote!(::core::option::Option::Some(#table::Literal::Int(#i)))
                }
                Some(ir::Literal::Number(n)) => {
                    quote!(::core::option::Option::Some(#table::Literal::Number(#n)))
                }
                Some(ir::Literal::Str(s)) => {
                    quote!(::core::option::Option::Some(#table::Literal::Str(#s)))
                }
                None => quote!(::core::option::Option::None),
            };
            quote!(#table::Field { name: #n, kind: #k, default: #default })
        })
        .collect::<Vec<_>>();
    quote! {
        #table::Resource {
            name: #name,
            model: #model,
            sid_prefix: #prefix,
            collection_path: #collection,
            instance_path: #instance,
            links: &[#(#links),*],
            fields: &[#(#fields),*],
        }
    }
}

/// The resource a path parameter names: the one whose collection path is the path up to that parameter (the
/// operation's own resource for its last parameter, when a description has no collection operation for it).
fn path_params<'a>(
    op: &ir::Operation,
    node: &'a Node<'a>,
    by_collection: &BTreeMap<&str, &'a Node<'a>>,
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
            let own = op.path.ends_with(&format!("/{segment}"));
            let owner = by_collection
                .get(prefix.as_str())
                .copied()
                .or_else(|| {
                    by_collection
                        .values()
                        .copied()
                        .find(|n| named.is_some_and(|named| n.resource.name == named))
                })
                .or_else(|| {
                    Some(node)
                        .filter(|n| own && n.resource.instance_path.as_deref() == Some(&op.path))
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
            let alternate = op
                .params
                .iter()
                .find(|p| p.location == ir::Location::Path && p.api_name == name)
                .and_then(|p| p.alternate_key.as_deref());
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

/// What an operation does: every method and path maps to a kind (a collection GET without a page reads one
/// thing, PUT and PATCH update).
pub(super) fn route_kind(op: &ir::Operation, on_instance: bool) -> TokenStream {
    match (op.method, on_instance, &op.response) {
        (ir::Method::Get, false, ir::Response::Page { .. }) => quote!(List),
        (ir::Method::Get, _, _) => quote!(Fetch),
        (ir::Method::Post, false, _) => quote!(Create),
        (ir::Method::Post | ir::Method::Put | ir::Method::Patch, _, _) => quote!(Update),
        (ir::Method::Delete, _, _) => quote!(Delete),
    }
}

fn route_tokens<'a>(
    api: &ir::Api,
    op: &ir::Operation,
    on_instance: bool,
    node: &'a Node<'a>,
    by_collection: &BTreeMap<&str, &'a Node<'a>>,
    table: &TokenStream,
) -> Result<TokenStream, Error> {
    let kind = route_kind(op, on_instance);
    let model = node.model;
    let method = op.method.as_str();
    let path = &op.path;
    let id = &op.id;
    let resource = &node.resource.name;
    let records_key = opt_str(match &op.response {
        ir::Response::Page { records_key, .. } => Some(records_key.as_str()),
        _ => None,
    });
    let params = path_params(op, node, by_collection, model, table)?;
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
                let values = enum_values(api, &p.ty);
                let sid_prefix = opt_str(p.sid_prefix.as_deref());
                form.push(quote! {
                    #table::FormField {
                        wire: #wire, field: &[#(#target),*], kind: #kind, required: #required, values: &[#(#values),*],
                        sid_prefix: #sid_prefix,
                    }
                });
            }
            ir::Location::Query => {
                let wire = &p.api_name;
                let name = wire.to_snake_case();
                let json = opt_str(field(model, &name).map(|f| f.api_name.as_str()));
                let kind = value_kind(&p.ty, table);
                let values = enum_values(api, &p.ty);
                let bound = |b: Option<i64>| match b {
                    Some(n) => quote! { Some(#n) },
                    None => quote! { None },
                };
                let (minimum, maximum) = (bound(p.range.minimum), bound(p.range.maximum));
                filters.push(quote! {
                    #table::Filter {
                        wire: #wire, field: #json, kind: #kind, values: &[#(#values),*],
                        minimum: #minimum, maximum: #maximum,
                    }
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

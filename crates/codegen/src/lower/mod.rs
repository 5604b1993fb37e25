//! Parse (openapiv3) and lower the description into the IR: names, types, resources, operations.
//!
//! Supported: component schemas (objects, string enums, aliases), `$ref` to `#/components/{schemas,parameters,
//! requestBodies,responses}`, path/query/header parameters, form and JSON bodies, raw binary bodies and responses
//! (`type: string, format: binary`; a media type range such as `*/*` on a body makes its `Content-Type` a
//! per-call argument), servers per path or operation (an operation on another host than the document's first
//! server), GET/POST/PUT/PATCH/DELETE.
//! Ignored because they do not change the client: response headers, examples, security, tags,
//! HEAD/OPTIONS/TRACE, `Accept`/`Content-Type`/`Authorization` header parameters.
//!
//! The resource tree ignores the leading version segment of paths, so an operation of another version on its own
//! host (`/v1/Services/{ServiceSid}/Media` on the Media Content Service) hangs off the same resource as the API's
//! own (`/v2/Services/{Sid}`).
//!
//! Types: `oneOf`/`anyOf` become untagged enums of their alternatives (plus a JSON catch-all); objects without
//! properties whose `additionalProperties` is a schema become `BTreeMap<String, T>`; inline objects become structs
//! named after their parent and property; `number` is `f64` (`f32` for `format: float`); `date-time` and
//! `date-time-rfc-2822` are `twilio_rest_time::Timestamp` and `date` is `twilio_rest_time::Date`; other string formats (`phone-number`, `http-method`...) are `String`
//! with the format named in the docs. The documented fallback is `serde_json::Value`: untyped schemas, `not`,
//! `allOf` with several members, free-form objects (no properties, `additionalProperties` absent or `true`).
//! An object with both properties and an `additionalProperties` schema is a struct of its properties plus a
//! flattened `additional_properties: BTreeMap<String, T>`; `discriminator` is not needed (alternatives are tried
//! in order). Fields on a reference cycle are boxed.
//!
//! API v2010 house style: `.json` path suffixes are ignored when placing operations in the resource tree, and an
//! `AccountSid` path parameter under `/<version>/Accounts/{AccountSid}/` is an optional builder method defaulting
//! to the client's account, so those resources hang off the client directly (`client.calls()`).

mod cycles;
mod links;
mod operations;
mod refs;
mod resources;
mod responses;
mod schemas;
mod sids;
mod twilio;
mod webhooks;

use crate::error::{Error, ptr};
use crate::ir::{Api, Operation, Schema, TypeRef};
use crate::naming::{Scope, component_type_name, short_component_type_name};
use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use std::collections::{BTreeMap, BTreeSet};

use cycles::box_recursive_fields;
use resources::build_resources;
use twilio::merge_boolean_enums;

/// Parses `spec_json` and lowers it into the IR.
pub fn lower(spec_json: &str) -> Result<Api, Error> {
    // Syntax first, so a JSON error is reported as such; then the structure, straight from the text so that maps
    // keep the description's order (serde_json::Value would sort keys).
    serde_json::from_str::<serde_json::Value>(spec_json)
        .map_err(|e| Error::new(None, "", format!("invalid JSON: {e}")))?;
    let spec: OpenAPI = serde_json::from_str(spec_json)
        .map_err(|e| Error::new(None, "", format!("not an OpenAPI 3.0 description: {e}")))?;
    let mut lowerer = Lowerer::new(&spec)?;
    lowerer.lower_components()?;
    let mut operations = lowerer.lower_operations()?;
    let examples: BTreeMap<String, Vec<serde_json::Value>> = operations
        .iter_mut()
        .map(|raw| (raw.op.id.clone(), std::mem::take(&mut raw.examples)))
        .collect();
    let (mut resources, operations) = build_resources(operations, &mut lowerer.type_names)?;
    box_recursive_fields(&mut lowerer.schemas);
    let mut operations = operations;
    merge_boolean_enums(
        &mut lowerer.schemas,
        &mut operations,
        &mut lowerer.type_names,
    );
    let mut own_servers: Vec<&str> = Vec::new();
    for url in operations.iter().filter_map(|op| op.server.as_deref()) {
        if !own_servers.contains(&url) {
            own_servers.push(url);
        }
    }
    let servers = crate::naming::server_consts(own_servers);
    links::attach_models_and_links(&mut resources, &operations, &lowerer.schemas, &examples);
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        base_url: spec
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        servers,
        schemas: lowerer.schemas,
        resources,
        operations,
        webhooks: None,
        sid_types: Vec::new(),
    };
    sids::type_sids(&mut api)?;
    api.webhooks = webhooks::lower_webhooks(
        spec.extensions.get("x-twilio-webhooks"),
        &lowerer.components,
        &api,
    )?;
    drop_blank_docs(&mut api);
    Ok(api)
}

/// Empty or blank descriptions (`""`, `"  "`) count as none, so emitters write their fallback text and every
/// public item stays documented.
fn drop_blank_docs(api: &mut Api) {
    fn clear(doc: &mut Option<String>) {
        if doc.as_deref().is_some_and(|d| d.trim().is_empty()) {
            *doc = None;
        }
    }
    for schema in api.schemas.values_mut() {
        match schema {
            Schema::Struct(s) => {
                clear(&mut s.doc);
                s.fields.iter_mut().for_each(|f| clear(&mut f.doc));
            }
            Schema::Enum(e) => clear(&mut e.doc),
            Schema::OneOf(u) => clear(&mut u.doc),
        }
    }
    for op in &mut api.operations {
        clear(&mut op.doc);
        op.params.iter_mut().for_each(|p| clear(&mut p.doc));
    }
}

/// How a component schema is referred to.
#[derive(Debug, Clone)]
enum Component {
    Struct(String),
    Enum(String),
    OneOf(String),
    Alias(Option<TypeRef>),
}

pub(super) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    components: BTreeMap<String, Component>,
    schemas: BTreeMap<String, Schema>,
    type_names: Scope,
    /// Aliases being resolved (cycle detection).
    resolving: BTreeSet<String>,
}

/// An operation before it is placed in the resource tree.
pub(super) struct RawOperation {
    op: Operation,
    /// operationId with the verb prefix removed (`Message`), when it has a known verb.
    noun: Option<String>,
    /// The path as placed in the resource tree: `.json` suffixes and a defaulted `Accounts/{AccountSid}` removed.
    tree_path: String,
    /// The records of its success responses' examples (see [`Lowerer::example_records`]).
    examples: Vec<serde_json::Value>,
}

impl<'a> Lowerer<'a> {
    pub(super) fn new(spec: &'a OpenAPI) -> Result<Self, Error> {
        let mut type_names = Scope::with_reserved(&["Client"]);
        let mut components = BTreeMap::new();
        if let Some(c) = &spec.components {
            let names = component_names(c.schemas.keys());
            let component_type_name = |name: &String| names[name].clone();
            for (name, schema) in &c.schemas {
                let kind = match schema {
                    ReferenceOr::Reference { .. } => Component::Alias(None),
                    ReferenceOr::Item(s) => match &s.schema_kind {
                        SchemaKind::Type(Type::Object(_)) => {
                            Component::Struct(type_names.unique(component_type_name(name)))
                        }
                        SchemaKind::Any(any) if !any.properties.is_empty() => {
                            Component::Struct(type_names.unique(component_type_name(name)))
                        }
                        SchemaKind::Type(Type::String(st))
                            if st.enumeration.iter().any(Option::is_some) =>
                        {
                            Component::Enum(type_names.unique(component_type_name(name)))
                        }
                        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                            Component::OneOf(type_names.unique(component_type_name(name)))
                        }
                        _ => Component::Alias(None),
                    },
                };
                components.insert(name.clone(), kind);
            }
        }
        Ok(Self {
            spec,
            components,
            schemas: BTreeMap::new(),
            type_names,
            resolving: BTreeSet::new(),
        })
    }
}

pub(super) fn with_op(mut e: Error, op: Option<&str>) -> Error {
    if e.operation().is_none()
        && let Some(op) = op
    {
        e = Error::new(Some(op), e.pointer(), e.message());
    }
    e
}

/// Properties of an object schema, as openapiv3 stores them.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>;

pub(super) fn object_parts(
    s: &openapiv3::Schema,
) -> (
    &indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>,
    &[String],
) {
    static EMPTY: std::sync::OnceLock<
        indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>,
    > = std::sync::OnceLock::new();
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(a) => (&a.properties, &a.required),
        _ => (EMPTY.get_or_init(indexmap::IndexMap::new), &[]),
    }
}

/// The type name of each component schema: without the owner's repeated words (`channel_enum_channel_type` ->
/// `ChannelType`) when no other component would get the same name, else the full name (`ChannelChannelType`).
fn component_names<'k>(keys: impl Iterator<Item = &'k String> + Clone) -> BTreeMap<String, String> {
    let full: Vec<String> = keys.clone().map(|k| component_type_name(k)).collect();
    let short: Vec<Option<String>> = keys.clone().map(|k| short_component_type_name(k)).collect();
    keys.enumerate()
        .map(|(i, key)| {
            let name = match &short[i] {
                Some(s)
                    if short.iter().filter(|o| o.as_ref() == Some(s)).count() == 1
                        && !full.contains(s) =>
                {
                    s.clone()
                }
                _ => full[i].clone(),
            };
            (key.clone(), name)
        })
        .collect()
}

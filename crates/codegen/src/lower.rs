//! Parse (openapiv3) and lower the description into the IR: names, types, resources, operations.
//!
//! Supported: component schemas (objects, string enums, aliases), `$ref` to `#/components/{schemas,parameters,
//! requestBodies,responses}`, path/query/header parameters, form and JSON bodies, GET/POST/PUT/PATCH/DELETE.
//! Ignored because they do not change the client: response headers, examples, security, tags, servers per path,
//! HEAD/OPTIONS/TRACE, `Accept`/`Content-Type`/`Authorization` header parameters.
//!
//! Types: `oneOf`/`anyOf` become untagged enums of their alternatives (plus a JSON catch-all); objects without
//! properties whose `additionalProperties` is a schema become `BTreeMap<String, T>`; inline objects become structs
//! named after their parent and property; `number` is `f64` (`f32` for `format: float`); `date-time` and
//! `date-time-rfc-2822` are `DateTime<Utc>`; other string formats (`phone-number`, `http-method`...) are `String`
//! with the format named in the docs. The documented fallback is `serde_json::Value`: untyped schemas, `not`,
//! `allOf` with several members, free-form objects (no properties, `additionalProperties` absent or `true`).
//! An object with both properties and an `additionalProperties` schema is a struct of its properties plus a
//! flattened `additional_properties: BTreeMap<String, T>`; `discriminator` is not needed (alternatives are tried
//! in order). Fields on a reference cycle are boxed.
//!
//! API v2010 house style: `.json` path suffixes are ignored when placing operations in the resource tree, and an
//! `AccountSid` path parameter under `/<version>/Accounts/{AccountSid}/` is an optional builder method defaulting
//! to the client's account, so those resources hang off the client directly (`client.calls()`).

use crate::error::{Error, ptr};
use crate::ir::{
    Api, Enum, ErrorModel, Field, Location, Method, OneOf, OneOfVariant, Operation, Parameter,
    Resource, Response, Schema, Struct, TypeRef, Variant,
};
use crate::naming::{Scope, component_type_name, header_method, pascal, singular, snake};
use openapiv3::{
    AdditionalProperties, OpenAPI, ParameterSchemaOrContent, ReferenceOr, RequestBody, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

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
    let operations = lowerer.lower_operations()?;
    let (resources, operations) = build_resources(operations, &mut lowerer.type_names)?;
    box_recursive_fields(&mut lowerer.schemas);
    Ok(Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        base_url: spec
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_owned()),
        schemas: lowerer.schemas,
        resources,
        operations,
        error_model: lowerer.error_model,
    })
}

/// How a component schema is referred to.
#[derive(Debug, Clone)]
enum Component {
    Struct(String),
    Enum(String),
    OneOf(String),
    Alias(Option<TypeRef>),
}

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    components: BTreeMap<String, Component>,
    schemas: BTreeMap<String, Schema>,
    type_names: Scope,
    error_model: Option<ErrorModel>,
    /// Aliases being resolved (cycle detection).
    resolving: BTreeSet<String>,
}

/// An operation before it is placed in the resource tree.
struct RawOperation {
    op: Operation,
    /// operationId with the verb prefix removed (`Message`), when it has a known verb.
    noun: Option<String>,
    /// The path as placed in the resource tree: `.json` suffixes and a defaulted `Accounts/{AccountSid}` removed.
    tree_path: String,
}

const VERBS: &[(&str, &str)] = &[
    ("Create", "create"),
    ("List", "list"),
    ("Fetch", "fetch"),
    ("Update", "update"),
    ("Delete", "delete"),
];

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI) -> Result<Self, Error> {
        let mut type_names = Scope::with_reserved(&["Client"]);
        let mut components = BTreeMap::new();
        if let Some(c) = &spec.components {
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
            error_model: None,
            resolving: BTreeSet::new(),
        })
    }

    fn lower_components(&mut self) -> Result<(), Error> {
        let Some(c) = &self.spec.components else {
            return Ok(());
        };
        // Structs, enums and unions; aliases are resolved on demand (they may point at each other in any order).
        for (name, schema) in &c.schemas {
            let pointer = ptr("/components/schemas", name);
            match (self.components.get(name).cloned(), schema) {
                (Some(Component::Struct(rust)), ReferenceOr::Item(s)) => {
                    let st = self.lower_struct(&rust, name, s, &pointer)?;
                    self.schemas.insert(rust, Schema::Struct(st));
                }
                (Some(Component::Enum(rust)), ReferenceOr::Item(s)) => {
                    if let SchemaKind::Type(Type::String(st)) = &s.schema_kind {
                        let e = lower_enum(
                            &rust,
                            name,
                            s.schema_data.description.clone(),
                            &st.enumeration,
                        );
                        self.schemas.insert(rust, Schema::Enum(e));
                    }
                }
                (Some(Component::OneOf(rust)), ReferenceOr::Item(s)) => {
                    let u = self.lower_one_of(&rust, name, s, &pointer, None)?;
                    self.schemas.insert(rust, Schema::OneOf(u));
                }
                _ => {}
            }
        }
        for name in c.schemas.keys() {
            if let Some(Component::Alias(None)) = self.components.get(name) {
                let reference = format!("#/components/schemas/{name}");
                self.resolve_schema_ref(&reference, &ptr("/components/schemas", name))?;
            }
        }
        Ok(())
    }

    fn resolve_schema_ref(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| {
                Error::new(
                    None,
                    pointer,
                    format!("unsupported $ref {reference} (only #/components/schemas/...)"),
                )
            })?;
        match self.components.get(name) {
            Some(Component::Struct(rust)) => Ok(TypeRef::Struct(rust.clone())),
            Some(Component::Enum(rust)) => Ok(TypeRef::Enum(rust.clone())),
            Some(Component::OneOf(rust)) => Ok(TypeRef::OneOf(rust.clone())),
            Some(Component::Alias(Some(ty))) => Ok(ty.clone()),
            Some(Component::Alias(None)) => {
                if !self.resolving.insert(name.to_owned()) {
                    return Err(Error::new(
                        None,
                        pointer,
                        format!("$ref {reference} is circular (an alias that contains itself)"),
                    ));
                }
                let spec = self.spec;
                let schema = spec
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(name))
                    .ok_or_else(|| {
                        Error::new(None, pointer, format!("$ref to missing schema {reference}"))
                    })?;
                let alias_pointer = ptr("/components/schemas", name);
                let ty = match schema {
                    ReferenceOr::Reference { reference } => {
                        self.resolve_schema_ref(reference, &alias_pointer)?
                    }
                    ReferenceOr::Item(s) => {
                        self.lower_schema(s, &component_type_name(name), &alias_pointer, None)?
                            .0
                    }
                };
                self.resolving.remove(name);
                self.components
                    .insert(name.to_owned(), Component::Alias(Some(ty.clone())));
                Ok(ty)
            }
            None => Err(Error::new(
                None,
                pointer,
                format!("$ref to missing schema {reference}"),
            )),
        }
    }

    /// Lowers a schema (or reference) to a type, hoisting inline enums and objects into models named after `hint`.
    /// Returns the type and whether the schema is nullable.
    fn lower_ref_or<S: std::borrow::Borrow<openapiv3::Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &str,
        pointer: &str,
        op: Option<&str>,
    ) -> Result<(TypeRef, bool), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self
                .resolve_schema_ref(reference, pointer)
                .map(|t| (t, false))
                .map_err(|e| with_op(e, op)),
            ReferenceOr::Item(s) => self.lower_schema(s.borrow(), hint, pointer, op),
        }
    }

    fn lower_schema(
        &mut self,
        s: &openapiv3::Schema,
        hint: &str,
        pointer: &str,
        op: Option<&str>,
    ) -> Result<(TypeRef, bool), Error> {
        let nullable = s.schema_data.nullable;
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.iter().any(Option::is_some) {
                    let name = self.type_names.unique(pascal(hint));
                    let e = lower_enum(
                        &name,
                        hint,
                        s.schema_data.description.clone(),
                        &st.enumeration,
                    );
                    self.schemas.insert(name.clone(), Schema::Enum(e));
                    TypeRef::Enum(name)
                } else {
                    match &st.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" || f == "url" => {
                            TypeRef::Uri
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "date-time-rfc-2822" => {
                            TypeRef::DateTimeRfc2822
                        }
                        // Other formats (`phone-number`, `http-method`, `currency`...) are documented strings.
                        _ => TypeRef::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(it)) => match &it.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let (inner, _) = self.lower_ref_or(
                        items,
                        &format!("{hint}Item"),
                        &ptr(pointer, "items"),
                        op,
                    )?;
                    TypeRef::Array(Box::new(inner))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if !o.properties.is_empty() {
                    let name = self.type_names.unique(pascal(hint));
                    let st = self.lower_struct(&name, hint, s, pointer)?;
                    self.schemas.insert(name.clone(), Schema::Struct(st));
                    TypeRef::Struct(name)
                } else if let Some(AdditionalProperties::Schema(value)) = &o.additional_properties {
                    let (value, _) = self.lower_ref_or(
                        &**value,
                        &format!("{hint}Value"),
                        &ptr(pointer, "additionalProperties"),
                        op,
                    )?;
                    TypeRef::Map(Box::new(value))
                } else {
                    TypeRef::Json
                }
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let name = self.type_names.unique(pascal(hint));
                let st = self.lower_struct(&name, hint, s, pointer)?;
                self.schemas.insert(name.clone(), Schema::Struct(st));
                TypeRef::Struct(name)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                return self
                    .lower_ref_or(&all_of[0], hint, &ptr(pointer, "allOf/0"), op)
                    .map(|(t, _)| (t, nullable));
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                let name = self.type_names.unique(pascal(hint));
                let u = self.lower_one_of(&name, hint, s, pointer, op)?;
                self.schemas.insert(name.clone(), Schema::OneOf(u));
                TypeRef::OneOf(name)
            }
            // Documented fallback: anything else (`not`, `allOf` with several members, untyped) is free-form JSON.
            _ => TypeRef::Json,
        };
        Ok((ty, nullable))
    }

    /// The alternatives of a `oneOf`/`anyOf` as an untagged enum; variants are named after referenced types or
    /// the alternative's Rust type, deterministically de-duplicated.
    fn lower_one_of(
        &mut self,
        name: &str,
        api_name: &str,
        s: &openapiv3::Schema,
        pointer: &str,
        op: Option<&str>,
    ) -> Result<OneOf, Error> {
        let (key, members) = match &s.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            _ => {
                return Err(Error::new(
                    op,
                    pointer,
                    "internal: not a oneOf or anyOf schema",
                ));
            }
        };
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_pointer = format!("{pointer}/{key}/{i}");
            let (ty, _) = self.lower_ref_or(
                member,
                &format!("{name}Variant{}", i + 1),
                &member_pointer,
                op,
            )?;
            let variant = match (&ty, member) {
                (TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::OneOf(n), _) => n.clone(),
                (_, ReferenceOr::Reference { reference }) => {
                    component_type_name(reference.rsplit('/').next().unwrap_or(reference))
                }
                _ => variant_name_of(&ty),
            };
            let required_keys = match (&ty, member) {
                (TypeRef::Struct(_), ReferenceOr::Item(m)) => object_parts(m).1.to_vec(),
                (TypeRef::Struct(_), ReferenceOr::Reference { reference }) => self
                    .object_of(&ReferenceOr::Reference {
                        reference: reference.clone(),
                    })
                    .map(|(_, required)| required.to_vec())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            variants.push(OneOfVariant {
                name: scope.unique(variant),
                ty,
                required_keys,
            });
        }
        let other = scope.unique("Other".to_owned());
        Ok(OneOf {
            name: name.to_owned(),
            api_name: api_name.to_owned(),
            doc: s.schema_data.description.clone(),
            variants,
            other,
        })
    }

    /// A struct of the properties of `s`. When `s` also has an `additionalProperties` schema, the other keys are
    /// kept in a flattened `BTreeMap<String, T>` field (`additional_properties`).
    fn lower_struct(
        &mut self,
        name: &str,
        api_name: &str,
        s: &openapiv3::Schema,
        pointer: &str,
    ) -> Result<Struct, Error> {
        let (props, required) = object_parts(s);
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        for (key, prop) in props {
            let field_pointer = ptr(&ptr(pointer, "properties"), key);
            let hint = format!("{name}{}", pascal(key));
            let (ty, nullable) = self.lower_ref_or(prop, &hint, &field_pointer, None)?;
            let doc = with_format_note(prop);
            fields.push(Field {
                name: scope.unique(snake(key)),
                api_name: key.clone(),
                ty,
                required: required.contains(key),
                nullable,
                flatten: false,
                doc,
            });
        }
        let additional = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
            SchemaKind::Any(a) => a.additional_properties.as_ref(),
            _ => None,
        };
        if let Some(AdditionalProperties::Schema(value)) = additional {
            let (value, _) = self.lower_ref_or(
                &**value,
                &format!("{name}Value"),
                &ptr(pointer, "additionalProperties"),
                None,
            )?;
            fields.push(Field {
                name: scope.unique("additional_properties".to_owned()),
                api_name: String::new(),
                ty: TypeRef::Map(Box::new(value)),
                required: true,
                nullable: false,
                flatten: true,
                doc: Some(
                    "Keys other than the named properties (`additionalProperties` of the description)."
                        .to_owned(),
                ),
            });
        }
        Ok(Struct {
            name: name.to_owned(),
            api_name: api_name.to_owned(),
            doc: s.schema_data.description.clone(),
            fields,
        })
    }

    fn lower_operations(&mut self) -> Result<Vec<RawOperation>, Error> {
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
                out.push(self.lower_operation(
                    path,
                    method,
                    &item.parameters,
                    op,
                    &id,
                    &pointer,
                )?);
            }
        }
        Ok(out)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: Method,
        shared: &[ReferenceOr<openapiv3::Parameter>],
        op: &openapiv3::Operation,
        id: &str,
        pointer: &str,
    ) -> Result<RawOperation, Error> {
        let mut scope = Scope::with_reserved(&[
            "client",
            "options",
            "limit",
            "send",
            "stream",
            "request_options",
            "into_request",
        ]);
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
            let p = self.resolve_parameter(p, &p_pointer, id)?;
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
            if location == Location::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
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
                ty,
                required: (data.required || location == Location::Path) && !account_default,
                account_default,
                sensitive: is_sensitive(&data.extensions, &data.name),
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
            let body = self.resolve_request_body(body, &body_pointer, id)?;
            let (ct, fields) = self.lower_body(&body, id, &body_pointer, &mut scope)?;
            body_content_type = Some(ct);
            params.extend(fields);
        }

        let response = self.lower_response(op, method, id, pointer)?;
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
                verb,
                method,
                path: path.to_owned(),
                doc,
                params,
                body_content_type,
                response,
            },
            noun,
            tree_path: tree_path(path),
        })
    }

    fn resolve_parameter(
        &self,
        p: &ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
        id: &str,
    ) -> Result<openapiv3::Parameter, Error> {
        match p {
            ReferenceOr::Item(p) => Ok(p.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                name.and_then(|n| self.spec.components.as_ref()?.parameters.get(n))
                    .and_then(|p| match p {
                        ReferenceOr::Item(p) => Some(p.clone()),
                        ReferenceOr::Reference { .. } => None,
                    })
                    .ok_or_else(|| {
                        Error::new(
                            Some(id),
                            pointer,
                            format!("$ref to missing parameter {reference}"),
                        )
                    })
            }
        }
    }

    fn resolve_request_body(
        &self,
        b: &ReferenceOr<RequestBody>,
        pointer: &str,
        id: &str,
    ) -> Result<RequestBody, Error> {
        match b {
            ReferenceOr::Item(b) => Ok(b.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/");
                name.and_then(|n| self.spec.components.as_ref()?.request_bodies.get(n))
                    .and_then(|b| match b {
                        ReferenceOr::Item(b) => Some(b.clone()),
                        ReferenceOr::Reference { .. } => None,
                    })
                    .ok_or_else(|| {
                        Error::new(
                            Some(id),
                            pointer,
                            format!("$ref to missing request body {reference}"),
                        )
                    })
            }
        }
    }

    /// The properties and `required` of an object schema, following one `$ref` to a component.
    fn object_of<'s>(
        &'s self,
        schema: &'s ReferenceOr<openapiv3::Schema>,
    ) -> Option<(&'s Properties, &'s [String])> {
        let s = match schema {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                match self.spec.components.as_ref()?.schemas.get(name)? {
                    ReferenceOr::Item(s) => s,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
            SchemaKind::Any(a) if !a.properties.is_empty() => Some((&a.properties, &a.required)),
            _ => None,
        }
    }

    fn lower_body(
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
                    ty,
                    required: required.contains(key),
                    account_default: false,
                    sensitive: match prop {
                        ReferenceOr::Item(s) => is_sensitive(&s.schema_data.extensions, key),
                        ReferenceOr::Reference { .. } => is_sensitive(&Default::default(), key),
                    },
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
                    ty,
                    required: true,
                    account_default: false,
                    sensitive: false,
                    doc: body.description.clone(),
                }],
            ));
        }
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        Err(Error::new(
            Some(id),
            content_pointer,
            format!("unsupported request body content type {}", types.join(", ")),
        ))
    }

    fn lower_response(
        &mut self,
        op: &openapiv3::Operation,
        method: Method,
        id: &str,
        pointer: &str,
    ) -> Result<Response, Error> {
        // Error model: the first 4XX/5XX/default response with a referenced schema.
        if self.error_model.is_none() {
            for (code, resp) in op.responses.responses.iter() {
                let is_error = match code {
                    StatusCode::Code(c) => *c >= 400,
                    StatusCode::Range(r) => *r >= 4,
                };
                if let (true, ReferenceOr::Item(resp)) = (is_error, resp)
                    && let Some(ReferenceOr::Reference { reference }) =
                        resp.content.values().next().and_then(|m| m.schema.as_ref())
                    && let Ok(TypeRef::Struct(name)) = self.resolve_schema_ref(reference, pointer)
                {
                    self.error_model = Some(ErrorModel { name });
                }
            }
        }
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
        let resp = match resp {
            ReferenceOr::Item(r) => r.clone(),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                name.and_then(|n| self.spec.components.as_ref()?.responses.get(n))
                    .and_then(|r| match r {
                        ReferenceOr::Item(r) => Some(r.clone()),
                        ReferenceOr::Reference { .. } => None,
                    })
                    .ok_or_else(|| {
                        Error::new(
                            Some(id),
                            &*resp_pointer,
                            format!("$ref to missing response {reference}"),
                        )
                    })?
            }
        };
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

fn with_op(mut e: Error, op: Option<&str>) -> Error {
    if e.operation().is_none()
        && let Some(op) = op
    {
        e = Error::new(Some(op), e.pointer(), e.message());
    }
    e
}

/// Properties of an object schema, as openapiv3 stores them.
type Properties = indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>;

fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn object_parts(
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

/// Boxes every struct field and `oneOf` alternative that holds a model directly (not through `Vec` or a map) and
/// lies on a reference cycle (`node.child: node`), so every model has a finite size. Deterministic: edges are
/// visited in model and field order.
fn box_recursive_fields(schemas: &mut BTreeMap<String, Schema>) {
    fn direct(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Struct(n) | TypeRef::OneOf(n) => Some(n),
            _ => None,
        }
    }
    let edges: BTreeMap<String, Vec<String>> = schemas
        .iter()
        .map(|(name, s)| {
            let targets = match s {
                Schema::Struct(st) => st.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
                Schema::OneOf(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
                Schema::Enum(_) => Vec::new(),
            };
            (
                name.clone(),
                targets.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(&n)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    let mut on_cycle: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, targets) in &edges {
        for to in targets {
            if reaches(to, from) {
                on_cycle.insert((from.clone(), to.clone()));
            }
        }
    }
    if on_cycle.is_empty() {
        return;
    }
    let boxed = |owner: &str, ty: &mut TypeRef| {
        if let Some(target) = direct(ty)
            && on_cycle.contains(&(owner.to_owned(), target.to_owned()))
        {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
    };
    for (name, s) in schemas.iter_mut() {
        match s {
            Schema::Struct(st) => st.fields.iter_mut().for_each(|f| boxed(name, &mut f.ty)),
            Schema::OneOf(u) => u.variants.iter_mut().for_each(|v| boxed(name, &mut v.ty)),
            Schema::Enum(_) => {}
        }
    }
}

/// Keys a page body may carry beside its records: `meta` (Twilio's JSON APIs) or API v2010's top-level paging.
const PAGE_KEYS: &[&str] = &[
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
fn page_records(props: &Properties) -> Option<(String, ReferenceOr<openapiv3::Schema>)> {
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

/// Whether `path` is `/<version>/Accounts/{AccountSid}/...` (API v2010): its `AccountSid` defaults to the client's.
pub(crate) fn account_scoped(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    segments.len() > 4 && segments[2] == "Accounts" && segments[3] == "{AccountSid}"
}

/// The path as placed in the resource tree: `.json` suffixes dropped, `Accounts/{AccountSid}` removed when it
/// defaults to the client's account.
fn tree_path(path: &str) -> String {
    let scoped = account_scoped(path);
    path.split('/')
        .enumerate()
        .filter(|(i, _)| !(scoped && (*i == 2 || *i == 3)))
        .map(|(_, seg)| seg.strip_suffix(".json").unwrap_or(seg))
        .collect::<Vec<_>>()
        .join("/")
}

/// A note on a string format the Rust type does not capture (`phone-number`, `http-method`, `currency`...).
fn format_note(s: &openapiv3::Schema) -> Option<String> {
    let format = match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => match &st.format {
            VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
            _ => return None,
        },
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(ReferenceOr::Item(items)) => return format_note(items),
            _ => return None,
        },
        _ => return None,
    };
    match format.as_str() {
        "uri" | "url" => None,
        "date-time-rfc-2822" => Some(
            "Sent by the API in RFC 2822 (`date-time-rfc-2822`); parsed into UTC.".to_owned(),
        ),
        "phone-number" => Some(
            "Format `phone-number`: E.164 (`+15558675310`), or a client/SIP identifier where the API allows; \
             passed through unchecked."
                .to_owned(),
        ),
        "http-method" => Some(
            "Format `http-method`: `GET` or `POST`, passed through unchecked.".to_owned(),
        ),
        other => Some(format!(
            "Format `{other}`: a string the client passes through unchecked."
        )),
    }
}

/// The description of a property, with its format note.
fn with_format_note(prop: &ReferenceOr<Box<openapiv3::Schema>>) -> Option<String> {
    match prop {
        ReferenceOr::Item(s) => {
            let doc = s.schema_data.description.clone();
            match format_note(s) {
                Some(note) => Some(join_doc(doc, note)),
                None => doc,
            }
        }
        ReferenceOr::Reference { .. } => None,
    }
}

fn join_doc(doc: Option<String>, note: String) -> String {
    match doc {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note,
    }
}

/// Variant name of a `oneOf` alternative that is not a named model: after its Rust type.
fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Uri => "Uri".to_owned(),
        TypeRef::DateTime | TypeRef::DateTimeRfc2822 => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::I32 => "I32".to_owned(),
        TypeRef::I64 => "I64".to_owned(),
        TypeRef::F32 => "F32".to_owned(),
        TypeRef::F64 => "F64".to_owned(),
        TypeRef::Bool => "Bool".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Map(_) => "Map".to_owned(),
        TypeRef::Array(inner) => format!("{}List", variant_name_of(inner)),
        TypeRef::Boxed(inner) => variant_name_of(inner),
        TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::OneOf(n) => n.clone(),
    }
}

fn lower_enum(name: &str, api_name: &str, doc: Option<String>, values: &[Option<String>]) -> Enum {
    let mut scope = Scope::new();
    let mut variants = Vec::new();
    let mut seen = BTreeSet::new();
    for v in values.iter().flatten() {
        if seen.insert(v.clone()) {
            variants.push(Variant {
                name: scope.unique(pascal(v)),
                api_name: v.clone(),
            });
        }
    }
    let unknown = scope.unique("Unknown".to_owned());
    Enum {
        name: name.to_owned(),
        api_name: api_name.to_owned(),
        doc,
        variants,
        unknown,
    }
}

/// `{Name}` parameters of a path template, in order.
pub(crate) fn template_params(path: &str) -> Vec<String> {
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

fn is_param(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// Path with parameter names erased: `/v2/Services/{ServiceSid}/Channels` -> `/v2/Services/{}/Channels`.
fn normalize(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| if is_param(s) { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
struct Node {
    collection_path: Option<String>,
    instance_path: Option<String>,
    list_ops: Vec<usize>,
    instance_ops: Vec<usize>,
    /// Last literal segment naming the collection (`Channels`).
    literal: String,
    /// Every literal segment after the parent's parameter (`Auth`, `Calls`, `CredentialListMappings`).
    literals: Vec<String>,
    parent: String,
}

/// Places operations in the URL hierarchy and names resources, lists, contexts and builders.
fn build_resources(
    raw: Vec<RawOperation>,
    type_names: &mut Scope,
) -> Result<(Vec<Resource>, Vec<Operation>), Error> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let all_paths: Vec<String> = raw.iter().map(|r| r.tree_path.clone()).collect();
    for (i, r) in raw.iter().enumerate() {
        let segments: Vec<&str> = r.tree_path.split('/').collect();
        let instance = segments.last().is_some_and(|s| is_param(s));
        let coll_len = if instance {
            segments.len() - 1
        } else {
            segments.len()
        };
        ensure_node(&mut nodes, &segments[..coll_len]);
        let key = normalize(&segments[..coll_len]);
        let node = nodes
            .get_mut(&key)
            .ok_or_else(|| Error::new(Some(&r.op.id), "", "internal: missing node"))?;
        if instance {
            node.instance_path.get_or_insert_with(|| r.op.path.clone());
            node.instance_ops.push(i);
        } else {
            node.collection_path
                .get_or_insert_with(|| r.op.path.clone());
            node.list_ops.push(i);
        }
    }
    // Name resources: from the operationIds' nouns, else from the URL segment; unique across the crate.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (key, node) in &nodes {
        let mut nouns: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in node.list_ops.iter().chain(&node.instance_ops) {
            if let Some(n) = &raw[i].noun {
                *nouns.entry(n.as_str()).or_default() += 1;
            }
        }
        let best = nouns
            .iter()
            .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
            .map(|(n, _)| pascal(n));
        let mut name = best.unwrap_or_else(|| pascal(&singular(&node.literal)));
        if (type_names.contains(&format!("{name}List"))
            || type_names.contains(&format!("{name}Context")))
            && let Some(parent) = names.get(&node.parent)
        {
            name = format!("{parent}{name}");
        }
        let mut candidate = name.clone();
        let mut n = 2;
        while type_names.contains(&format!("{candidate}List"))
            || type_names.contains(&format!("{candidate}Context"))
        {
            candidate = format!("{name}{n}");
            n += 1;
        }
        type_names.unique(format!("{candidate}List"));
        type_names.unique(format!("{candidate}Context"));
        names.insert(key.clone(), candidate);
    }
    // Builders, in resource order; operations renumbered in that order.
    let mut order: Vec<usize> = Vec::new();
    for node in nodes.values() {
        order.extend(node.list_ops.iter().chain(&node.instance_ops));
    }
    let mut new_index = vec![0; raw.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut ops: Vec<Option<Operation>> = raw.into_iter().map(|r| Some(r.op)).collect();
    let mut operations = Vec::new();
    for &old in &order {
        if let Some(mut op) = ops[old].take() {
            op.builder = type_names.unique(op.builder.clone());
            operations.push(op);
        }
    }
    fn build(
        key: &str,
        nodes: &BTreeMap<String, Node>,
        names: &BTreeMap<String, String>,
        operations: &mut [Operation],
        new_index: &[usize],
        all_paths: &[String],
    ) -> Vec<Resource> {
        let mut out = Vec::new();
        let accessors = child_accessors(key, nodes);
        for (child_key, node) in nodes.iter().filter(|(_, n)| n.parent == key) {
            let name = names.get(child_key).cloned().unwrap_or_default();
            let list_operations: Vec<usize> = node.list_ops.iter().map(|&i| new_index[i]).collect();
            let instance_operations: Vec<usize> =
                node.instance_ops.iter().map(|&i| new_index[i]).collect();
            let children = build(
                &format!("{child_key}/{{}}"),
                nodes,
                names,
                operations,
                new_index,
                all_paths,
            );
            let coll_segments = child_key.split('/').count();
            let list_params = param_names(child_key, coll_segments, all_paths);
            let context_params =
                param_names(&format!("{child_key}/{{}}"), coll_segments + 1, all_paths);
            // Verbs unique per list / context, after the child accessors.
            let mut list_scope = Scope::new();
            let mut ctx_scope = Scope::new();
            for c in &children {
                ctx_scope.unique(c.list_accessor.clone());
                ctx_scope.unique(c.context_accessor.clone());
            }
            for &i in &list_operations {
                operations[i].verb = list_scope.unique(operations[i].verb.clone());
            }
            for &i in &instance_operations {
                operations[i].verb = ctx_scope.unique(operations[i].verb.clone());
            }
            let (list_accessor, context_accessor) =
                accessors.get(child_key).cloned().unwrap_or_default();
            out.push(Resource {
                name,
                list_accessor,
                context_accessor,
                collection_path: node
                    .collection_path
                    .clone()
                    .unwrap_or_else(|| child_key.to_owned()),
                instance_path: node.instance_path.clone(),
                list_params,
                context_params,
                list_operations,
                instance_operations,
                children,
            });
        }
        out
    }
    let resources = build("", &nodes, &names, &mut operations, &new_index, &all_paths);
    Ok((resources, operations))
}

/// List and context accessor names of the children of `parent`, unique among themselves (and, at the top, beside
/// the client's own methods). Each is named after the literal segments after the parent's parameter, without a
/// leading version segment: `/v2/Services` -> `services`, `.../Domains/{DomainSid}/Auth/Calls/CredentialListMappings`
/// -> `auth_calls_credential_list_mappings`, `/2010-04-01/IncomingPhoneNumbers/Local` ->
/// `incoming_phone_numbers_local`; names still equal after that get numbered suffixes.
fn child_accessors(
    parent: &str,
    nodes: &BTreeMap<String, Node>,
) -> BTreeMap<String, (String, String)> {
    let reserved: &[&str] = if parent.is_empty() {
        &["new", "from_env", "builder", "runtime", "clone", "from"]
    } else {
        &["clone"]
    };
    let mut scope = Scope::with_reserved(reserved);
    let mut out = BTreeMap::new();
    for (key, node) in nodes.iter().filter(|(_, n)| n.parent == parent) {
        let mut literals: Vec<&str> = node.literals.iter().map(String::as_str).collect();
        if parent.is_empty() && literals.len() > 1 && is_version(literals[0]) {
            literals.remove(0);
        }
        let Some((last, prefix)) = literals.split_last() else {
            out.insert(
                key.clone(),
                (
                    scope.unique(snake(&node.literal)),
                    scope.unique(format!("{}_instance", snake(&node.literal))),
                ),
            );
            continue;
        };
        let joined = |last: &str| {
            let mut parts: Vec<&str> = prefix.to_vec();
            parts.push(last);
            parts.join("_")
        };
        let list = scope.unique(snake(&joined(last)));
        let mut context = snake(&joined(&singular(last)));
        if context == list || scope.contains(&context) {
            context = format!("{context}_instance");
        }
        let context = scope.unique(context);
        out.insert(key.clone(), (list, context));
    }
    out
}

/// A version segment: `v2`, `V1`, `2010-04-01`.
fn is_version(segment: &str) -> bool {
    let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// Creates the node for a collection (and its ancestors).
fn ensure_node(nodes: &mut BTreeMap<String, Node>, collection: &[&str]) {
    let key = normalize(collection);
    if nodes.contains_key(&key) {
        return;
    }
    let last_param = collection.iter().rposition(|s| is_param(s));
    let (parent, literal_start) = match last_param {
        Some(p) => (normalize(&collection[..=p]), p + 1),
        None => (String::new(), 0),
    };
    let literal = collection[literal_start..]
        .iter()
        .rev()
        .find(|s| !s.is_empty())
        .copied()
        .unwrap_or("Root");
    let literals = collection[literal_start..]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| (*s).to_owned())
        .collect();
    nodes.insert(
        key,
        Node {
            literal: literal.to_owned(),
            literals,
            parent: parent.clone(),
            ..Node::default()
        },
    );
    if let Some(p) = last_param {
        ensure_node(nodes, &collection[..p]);
    }
}

/// Snake-case names of the first `len` segments' parameters, taken from the first path with that shape.
fn param_names(normalized_prefix: &str, len: usize, all_paths: &[String]) -> Vec<String> {
    let mut candidates: Vec<&String> = all_paths.iter().collect();
    candidates.sort();
    let found = candidates
        .iter()
        .map(|p| p.split('/').collect::<Vec<_>>())
        .filter(|segs| segs.len() >= len && normalize(&segs[..len]) == normalized_prefix)
        .min_by_key(|segs| segs.len());
    let mut scope = Scope::with_reserved(&["client"]);
    match found {
        Some(segs) => segs[..len]
            .iter()
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|n| scope.unique(snake(n)))
            .collect(),
        None => Vec::new(),
    }
}

/// Twilio house rule for secrets: a parameter is sensitive when the description marks it with
/// `x-twilio-sensitive: true`, or when its wire name is one Twilio uses for secret material (`Secret`,
/// `PrivateKey`, `ApiKey`, `AuthToken`, `Password`, or a name ending in one of them), unless the description
/// says `x-twilio-sensitive: false`.
fn is_sensitive(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    wire_name: &str,
) -> bool {
    if let Some(marked) = extensions
        .get("x-twilio-sensitive")
        .and_then(serde_json::Value::as_bool)
    {
        return marked;
    }
    const SECRET_NAMES: [&str; 5] = ["Secret", "PrivateKey", "ApiKey", "AuthToken", "Password"];
    let last = wire_name.rsplit('.').next().unwrap_or(wire_name);
    SECRET_NAMES.iter().any(|n| last.ends_with(n))
}

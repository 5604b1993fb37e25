//! Schemas to models and types: component schemas, inline objects and enums hoisted into named models, `oneOf`
//! unions, maps, arrays and scalar formats.

use super::twilio::sid_prefix;
use super::{Component, Lowerer, object_parts, with_op};
use crate::docs::with_format_note;
use crate::error::{Error, ptr};
use crate::ir::{Enum, Field, Literal, OneOf, OneOfVariant, Schema, Struct, TypeRef, Variant};
use crate::naming::{Scope, component_type_name, pascal, snake};
use openapiv3::{
    AdditionalProperties, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_components(&mut self) -> Result<(), Error> {
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

    /// Lowers a schema (or reference) to a type, hoisting inline enums and objects into models named after `hint`.
    /// Returns the type and whether the schema is nullable.
    pub(super) fn lower_ref_or<S: std::borrow::Borrow<openapiv3::Schema>>(
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

    pub(super) fn lower_schema(
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
    pub(super) fn lower_one_of(
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
    pub(super) fn lower_struct(
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
            let (mut ty, nullable) = self.lower_ref_or(prop, &hint, &field_pointer, None)?;
            // A SID of one prefix; the sids pass replaces the prefix by its type's name.
            if let (TypeRef::String, ReferenceOr::Item(p)) = (&ty, prop)
                && let Some(prefix) = schema_sid_prefix(p)
            {
                ty = TypeRef::Sid(prefix);
            }
            let doc = with_format_note(prop);
            let (sid_prefix, default, always_sent) = match prop {
                ReferenceOr::Item(p) => (
                    property_sid_prefix(key, p, &field_pointer)?,
                    literal(p.schema_data.default.as_ref()),
                    always_sent(&p.schema_data.extensions, &field_pointer)?,
                ),
                ReferenceOr::Reference { .. } => (None, None, false),
            };
            fields.push(Field {
                name: scope.unique(snake(key)),
                api_name: key.clone(),
                ty,
                required: required.contains(key),
                nullable,
                flatten: false,
                doc,
                sid_prefix,
                default,
                always_sent,
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
                sid_prefix: None,
                default: None,
                always_sent: false,
            });
        }
        Ok(Struct {
            name: name.to_owned(),
            api_name: api_name.to_owned(),
            doc: s.schema_data.description.clone(),
            fields,
        })
    }
}

/// Variant name of a `oneOf` alternative that is not a named model: after its Rust type.
pub(super) fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Uri => "Uri".to_owned(),
        TypeRef::Sid(name) => name.clone(),
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

pub(super) fn lower_enum(
    name: &str,
    api_name: &str,
    doc: Option<String>,
    values: &[Option<String>],
) -> Enum {
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

/// The pattern of a SID whose prefix the description does not pin down.
const ANY_SID_PATTERN: &str = "^[a-zA-Z]{2}[0-9a-fA-F]{32}$";

/// The SID prefix of a property whose `pattern` is a SID pattern. A `sid` property with a pattern of another form
/// is an error naming the pattern's pointer: every record's own SID has a two-letter prefix.
fn property_sid_prefix(
    key: &str,
    schema: &openapiv3::Schema,
    pointer: &str,
) -> Result<Option<String>, Error> {
    let SchemaKind::Type(Type::String(st)) = &schema.schema_kind else {
        return Ok(None);
    };
    let Some(pattern) = &st.pattern else {
        return Ok(None);
    };
    match sid_prefix(pattern) {
        Some(prefix) => Ok(Some(prefix)),
        // A SID of any prefix: a constraint without a resource to name.
        None if pattern == ANY_SID_PATTERN => Ok(None),
        None if key == "sid" => Err(Error::new(
            None,
            ptr(pointer, "pattern"),
            format!("`{pattern}` is not a SID pattern of the form `^XX[0-9a-fA-F]{{32}}$`"),
        )),
        None => Ok(None),
    }
}

/// The SID prefix of a string schema whose `pattern` is the SID pattern of one prefix (`^IS[0-9a-fA-F]{32}$`);
/// `None` for other schemas and for patterns of alternatives (`^(SM|MM)...`), whose values have no one type.
pub(super) fn schema_sid_prefix(schema: &openapiv3::Schema) -> Option<String> {
    let SchemaKind::Type(Type::String(st)) = &schema.schema_kind else {
        return None;
    };
    let pattern = st.pattern.as_deref()?;
    if pattern.starts_with("^(") {
        return None;
    }
    sid_prefix(pattern)
}

/// Our extension `x-twilio-always-sent: true` on a property of a record: the API sends it in every record, never
/// `null`, whatever the description's `nullable` says. Any other value than a boolean is an error.
fn always_sent(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    pointer: &str,
) -> Result<bool, Error> {
    match extensions.get("x-twilio-always-sent") {
        None => Ok(false),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(other) => Err(Error::new(
            None,
            ptr(pointer, "x-twilio-always-sent"),
            format!("expected true or false, found {other}"),
        )),
    }
}

/// A scalar `default`; other JSON (objects, arrays, null) is not a default the IR keeps.
fn literal(value: Option<&serde_json::Value>) -> Option<Literal> {
    match value? {
        serde_json::Value::Bool(b) => Some(Literal::Bool(*b)),
        serde_json::Value::Number(n) => Some(n.as_i64().map_or_else(
            || Literal::Number(n.as_f64().unwrap_or_default()),
            Literal::Int,
        )),
        serde_json::Value::String(s) => Some(Literal::Str(s.clone())),
        _ => None,
    }
}

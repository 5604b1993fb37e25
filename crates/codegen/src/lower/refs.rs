//! The one `$ref` resolver: every kind of component reference (schemas, parameters, request bodies, responses)
//! is followed by [`Lowerer::resolve`], which names the JSON pointer and the reference when it cannot. Schema
//! references additionally map to the model they name ([`Lowerer::resolve_schema_ref`]), through the same lookup.

use super::{Component, Error, Lowerer, Properties, TypeRef, ptr};
use crate::naming::component_type_name;
use openapiv3::{Components, ReferenceOr, SchemaKind, Type};
use std::collections::BTreeSet;

/// A kind of reusable component a `$ref` can name.
pub(super) trait Reusable: Sized {
    /// Prefix of references to this kind (`#/components/parameters/`).
    const PREFIX: &'static str;
    /// What the component is, in errors (`parameter`).
    const WHAT: &'static str;
    /// The components of this kind.
    fn table(c: &Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! reusable {
    ($ty:ty, $prefix:literal, $what:literal, $field:ident) => {
        impl Reusable for $ty {
            const PREFIX: &'static str = $prefix;
            const WHAT: &'static str = $what;
            fn table(c: &Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>> {
                &c.$field
            }
        }
    };
}
reusable!(
    openapiv3::Schema,
    "#/components/schemas/",
    "schema",
    schemas
);
reusable!(
    openapiv3::Parameter,
    "#/components/parameters/",
    "parameter",
    parameters
);
reusable!(
    openapiv3::RequestBody,
    "#/components/requestBodies/",
    "request body",
    request_bodies
);
reusable!(
    openapiv3::Response,
    "#/components/responses/",
    "response",
    responses
);

impl<'a> Lowerer<'a> {
    /// The item `item` is or refers to, following references from component to component. Errors name `pointer`
    /// and the reference: a reference to another kind of component, a missing component, or a circle.
    pub(super) fn resolve<'s, T: Reusable>(
        &self,
        item: &'s ReferenceOr<T>,
        pointer: &str,
        op: Option<&str>,
    ) -> Result<&'s T, Error>
    where
        'a: 's,
    {
        let mut current = item;
        let mut seen = BTreeSet::new();
        loop {
            let reference = match current {
                ReferenceOr::Item(item) => return Ok(item),
                ReferenceOr::Reference { reference } => reference,
            };
            let name = self.component_name::<T>(reference, pointer, op)?;
            if !seen.insert(name) {
                return Err(Error::new(
                    op,
                    pointer,
                    format!(
                        "$ref {reference} is circular (a {} that refers to itself)",
                        T::WHAT
                    ),
                ));
            }
            current = self.component::<T>(name).ok_or_else(|| {
                Error::new(
                    op,
                    pointer,
                    format!("$ref to missing {} {reference}", T::WHAT),
                )
            })?;
        }
    }

    /// The component name of a reference to a `T`, or an error for a reference to anything else.
    fn component_name<'r, T: Reusable>(
        &self,
        reference: &'r str,
        pointer: &str,
        op: Option<&str>,
    ) -> Result<&'r str, Error> {
        reference.strip_prefix(T::PREFIX).ok_or_else(|| {
            Error::new(
                op,
                pointer,
                format!("unsupported $ref {reference} (only {}...)", T::PREFIX),
            )
        })
    }

    fn component<T: Reusable>(&self, name: &str) -> Option<&'a ReferenceOr<T>> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        spec.components.as_ref().and_then(|c| T::table(c).get(name))
    }

    /// The type a schema reference stands for: the model a component became, or (for an alias) the type of what
    /// it aliases, lowered on first use.
    pub(super) fn resolve_schema_ref(
        &mut self,
        reference: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let name = self.component_name::<openapiv3::Schema>(reference, pointer, None)?;
        let missing = || Error::new(None, pointer, format!("$ref to missing schema {reference}"));
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
                let schema = self
                    .component::<openapiv3::Schema>(name)
                    .ok_or_else(missing)?;
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
            None => Err(missing()),
        }
    }

    /// The properties and `required` of an object schema (following references), or `None` when it is not an
    /// object or does not resolve (lowering its type reports why).
    pub(super) fn object_of<'s>(
        &self,
        schema: &'s ReferenceOr<openapiv3::Schema>,
    ) -> Option<(&'s Properties, &'s [String])>
    where
        'a: 's,
    {
        let s = self.resolve(schema, "", None).ok()?;
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
            SchemaKind::Any(a) if !a.properties.is_empty() => Some((&a.properties, &a.required)),
            _ => None,
        }
    }
}

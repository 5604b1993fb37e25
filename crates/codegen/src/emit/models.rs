//! Emits the models crate body: one struct per object schema, one enum per string enum, one untagged enum per
//! `oneOf`. `Serialize` and `Deserialize` are written out (no serde derive), so the models crate needs serde
//! without its `derive` feature: every struct is decoded through the shared object reader of the core crate
//! (`__private::de`: one rule for repeated, missing and unknown members), and date-time members through its
//! `__private::datetime`.

use crate::docs::{doc_attrs, sanitize};
use crate::ir::{Api, Enum, Field, OneOf, Schema, SidType, Struct, TypeRef};
use crate::tokens::{ident, type_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// Tokens of the models file; `core` is the path of the crate holding the shared support (`::twilio_rest_core`).
pub fn emit(api: &Api, core: &TokenStream) -> TokenStream {
    let struct_fields: Vec<&Field> = api
        .schemas
        .values()
        .flat_map(|s| match s {
            Schema::Struct(st) => st.fields.iter().collect(),
            Schema::OneOf(_) | Schema::Enum(_) => Vec::new(),
        })
        .collect();
    let variant_types: Vec<&TypeRef> = api
        .schemas
        .values()
        .flat_map(|s| match s {
            Schema::OneOf(u) => u.variants.iter().map(|v| &v.ty).collect(),
            Schema::Struct(_) | Schema::Enum(_) => Vec::new(),
        })
        .collect();
    let field = |rfc2822_only: bool, optional: bool| {
        struct_fields.iter().any(|f| {
            f.optional() == optional
                && (f.ty == TypeRef::DateTimeRfc2822
                    || (!rfc2822_only && f.ty == TypeRef::DateTime))
        })
    };
    let needs = DatetimeNeeds {
        deserialize: field(false, false),
        deserialize_option: field(false, true),
        serialize_rfc2822: field(true, false) || variant_types.contains(&&TypeRef::DateTimeRfc2822),
        serialize_rfc2822_option: field(true, true),
        parse_for_variants: variant_types
            .iter()
            .any(|t| matches!(t, TypeRef::DateTime | TypeRef::DateTimeRfc2822)),
    };
    let items = api.schemas.values().map(|s| match s {
        Schema::Struct(st) => emit_struct(st),
        Schema::Enum(e) => emit_enum(e),
        Schema::OneOf(u) => emit_one_of(u),
    });
    let datetime = (needs.deserialize
        || needs.deserialize_option
        || needs.parse_for_variants
        || needs.serialize_rfc2822
        || needs.serialize_rfc2822_option)
        .then(|| quote!(use #core::__private::datetime;));
    let structs: Vec<&Struct> = api
        .schemas
        .values()
        .filter_map(|s| match s {
            Schema::Struct(st) => Some(st),
            Schema::Enum(_) | Schema::OneOf(_) => None,
        })
        .collect();
    let de = (!structs.is_empty()).then(|| quote!(use #core::__private::de;));
    let sids = api.sid_types.iter().map(|t| emit_sid_type(t, core));
    // The SID types under `sids`, and at the top unless a model has the name.
    let sid_use = (!api.sid_types.is_empty()).then(|| {
        let free: Vec<syn::Ident> = ["Key", "Sid", "SidError"]
            .into_iter()
            .filter(|name| !api.schemas.contains_key(*name))
            .map(ident)
            .collect();
        let top = (!free.is_empty()).then(|| quote!(pub use sids::{#(#free),*};));
        quote! {
            /// Typed SIDs ([`Sid`](sids::Sid)), keys that take a SID or a name ([`Key`](sids::Key)), and the
            /// error of parsing a SID.
            pub mod sids {
                pub use #core::{Key, Sid, SidError};
            }
            #top
        }
    });
    quote! {
        #datetime
        #de
        #sid_use
        #(#sids)*
        #(#items)*
    }
}

/// `pub type ServiceSid = Sid<'I', 'S'>;`: the typed SID of one prefix, named after its resource.
fn emit_sid_type(t: &SidType, core: &TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let mut chars = t.prefix.chars();
    let (a, b) = (chars.next().unwrap_or('?'), chars.next().unwrap_or('?'));
    let doc = format!(
        " SID with the prefix `{}` (named after {}). `parse()` checks user input; decoding an answer keeps \
         whatever Twilio sent.",
        t.prefix, t.origin
    );
    quote! {
        #[doc = #doc]
        pub type #name = #core::Sid<#a, #b>;
    }
}

fn emit_struct(st: &Struct) -> TokenStream {
    let name = ident(&st.name);
    let doc = doc_attrs(&[
        st.doc
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("The `{}` resource.", st.api_name)),
        format!(
            "Component `{}` of the description. Unknown JSON fields are ignored and missing optional ones default; \
             a repeated member, or a missing required one, is a decode error naming it.",
            st.api_name
        ),
    ]);
    let fields = st.fields.iter().map(emit_field);
    let helpers: Vec<TokenStream> = st
        .fields
        .iter()
        .filter(|f| f.api_name == "attributes" && f.ty == TypeRef::String)
        .map(|f| {
            let field = ident(&f.name);
            let method = ident(&format!("{}_json", f.name.trim_end_matches('_')));
            let doc = format!(
                " Parses [`{}::{}`] (a JSON document in a string) into `T`; `None` when the field is absent.",
                st.name, f.name
            );
            let body = if f.optional() {
                quote!(self.#field.as_deref().map(::serde_json::from_str))
            } else {
                quote!(::std::option::Option::Some(::serde_json::from_str(&self.#field)))
            };
            quote! {
                #[doc = #doc]
                pub fn #method<T: ::serde::de::DeserializeOwned>(&self) -> ::std::option::Option<::std::result::Result<T, ::serde_json::Error>> {
                    #body
                }
            }
        })
        .collect();
    let impl_block = (!helpers.is_empty()).then(|| quote!(impl #name { #(#helpers)* }));
    let decode = emit_object(st);
    let encode = emit_serialize(st);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #impl_block
        #encode
        #decode
    }
}

/// `Serialize` of a struct: its members in order under their wire names (date-times the API sends in RFC 2822
/// written back in RFC 2822), then the entries of its map of other keys when it has one, as serde's derive with
/// `rename`, `serialize_with` and `flatten` writes them, without the derive.
fn emit_serialize(st: &Struct) -> TokenStream {
    let name = ident(&st.name);
    let value = |f: &Field| {
        let field = ident(&f.name);
        match (&f.ty, f.optional()) {
            (TypeRef::DateTimeRfc2822, true) => quote!(&datetime::Rfc2822Option(&self.#field)),
            (TypeRef::DateTimeRfc2822, false) => quote!(&datetime::Rfc2822(&self.#field)),
            _ => quote!(&self.#field),
        }
    };
    let named: Vec<&Field> = st.fields.iter().filter(|f| !f.flatten).collect();
    let body = match st.fields.iter().find(|f| f.flatten) {
        Some(others) => {
            let others = ident(&others.name);
            let entries = named.iter().map(|f| {
                let wire = &f.api_name;
                let value = value(f);
                quote!(out.serialize_entry(#wire, #value)?;)
            });
            quote! {
                use ::serde::ser::SerializeMap as _;
                let mut out = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                for (key, value) in &self.#others {
                    out.serialize_entry(key, value)?;
                }
                out.end()
            }
        }
        None => {
            let type_name = &st.name;
            let count = named.len();
            let fields = named.iter().map(|f| {
                let wire = &f.api_name;
                let value = value(f);
                quote!(out.serialize_field(#wire, #value)?;)
            });
            let out = if named.is_empty() {
                quote!(out)
            } else {
                quote!(mut out)
            };
            quote! {
                use ::serde::ser::SerializeStruct as _;
                let #out = serializer.serialize_struct(#type_name, #count)?;
                #(#fields)*
                out.end()
            }
        }
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// `Deserialize` of a struct through the shared object reader: its members' wire names, the required ones, one
/// `match` from key to member index and one from index to the member's decode, instead of serde's derived
/// visitors (a field enum, a map and a sequence visitor per struct), so each struct compiles to little code.
fn emit_object(st: &Struct) -> TokenStream {
    let name = ident(&st.name);
    let expecting = format!("struct {}", st.name);
    let named: Vec<(usize, &Field)> = st
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .enumerate()
        .collect();
    let keeps = st.fields.iter().find(|f| f.flatten);
    let members = named.iter().map(|(_, f)| &f.api_name);
    let required = named
        .iter()
        .filter(|(_, f)| f.must_be_present())
        .map(|(i, _)| proc_macro2::Literal::usize_unsuffixed(*i));
    let index = if named.is_empty() {
        quote!(::std::option::Option::None)
    } else {
        let arms = named.iter().map(|(i, f)| {
            let wire = &f.api_name;
            let i = proc_macro2::Literal::usize_unsuffixed(*i);
            quote!(#wire => ::std::option::Option::Some(#i),)
        });
        quote! {
            match key {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    };
    let key_arg = if named.is_empty() {
        quote!(_key)
    } else {
        quote!(key)
    };
    let reads = named.iter().map(|(i, f)| {
        let field = ident(&f.name);
        let i = proc_macro2::Literal::usize_unsuffixed(*i);
        let value = match (&f.ty, f.optional()) {
            (TypeRef::DateTime | TypeRef::DateTimeRfc2822, true) => {
                quote!(map.next_value::<datetime::Opt>()?.0)
            }
            (TypeRef::DateTime | TypeRef::DateTimeRfc2822, false) => {
                quote!(map.next_value::<datetime::One>()?.0)
            }
            _ => quote!(map.next_value()?),
        };
        quote!(#i => self.#field = #value,)
    });
    let other = keeps.map(|f| {
        let field = ident(&f.name);
        quote! {
            const KEEPS_OTHERS: bool = true;
            fn read_other<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: ::std::string::String, map: &mut A) -> ::std::result::Result<(), A::Error> {
                de::keep(&mut self.#field, key, map)
            }
        }
    });
    let read_body = if named.is_empty() {
        // No member: the reader never calls `read`.
        quote! {
            let _ = member;
            map.next_value::<::serde::de::IgnoredAny>()?;
        }
    } else {
        quote! {
            match member {
                #(#reads)*
                _ => {
                    map.next_value::<::serde::de::IgnoredAny>()?;
                }
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                de::deserialize(deserializer)
            }
        }

        impl de::Object for #name {
            const EXPECTING: &'static str = #expecting;
            const MEMBERS: &'static [&'static str] = &[#(#members),*];
            const REQUIRED: &'static [usize] = &[#(#required),*];
            fn index(#key_arg: &str) -> ::std::option::Option<usize> {
                #index
            }
            #[inline]
            fn read<'de, A: ::serde::de::MapAccess<'de>>(&mut self, member: usize, map: &mut A) -> ::std::result::Result<(), A::Error> {
                #read_body
                ::std::result::Result::Ok(())
            }
            #other
        }
    }
}

fn emit_field(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let inner = type_tokens(&f.ty, None);
    let ty = if f.optional() {
        quote!(::std::option::Option<#inner>)
    } else {
        inner
    };
    let mut paragraphs = vec![
        f.doc
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("The `{}` field.", f.api_name)),
    ];
    match &f.ty {
        TypeRef::Uri => paragraphs.push("An absolute URL.".to_owned()),
        TypeRef::DateTime => paragraphs.push(
            "In UTC; parsed from RFC 3339 (Twilio's format) or RFC 2822 (older Twilio APIs)."
                .to_owned(),
        ),
        TypeRef::DateTimeRfc2822 => paragraphs.push(
            "In UTC; parsed from RFC 2822 (this API's format) or RFC 3339, serialized in RFC 2822."
                .to_owned(),
        ),
        TypeRef::Json => {
            paragraphs.push("Free-form JSON (the description gives no schema).".to_owned())
        }
        _ => {}
    }
    let doc = doc_attrs(&paragraphs);
    quote! {
        #doc
        pub #name: #ty,
    }
}

fn emit_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let unknown = ident(&e.unknown);
    let doc = doc_attrs(&[
        e.doc
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("Values of `{}`.", e.api_name)),
        format!(
            "Values this version does not know are kept in [`{}::{}`], so they round-trip unchanged.",
            e.name, e.unknown
        ),
    ]);
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = format!(" `{}`", v.api_name);
        quote!(#[doc = #vdoc] #vname,)
    });
    let as_str_arms = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.api_name;
        quote!(Self::#vname => #wire,)
    });
    let from_arms = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.api_name;
        quote!(#wire => Self::#vname,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known when this crate was generated.
            #unknown(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#from_arms)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value))
            }
        }
    }
}

/// `oneOf`/`anyOf`: serialized untagged; decoded by trying the alternatives in description order, where a struct
/// alternative only fits an object that has all its required keys, with a last variant keeping any other JSON.
fn emit_one_of(u: &OneOf) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    let doc = doc_attrs(&[
        u.doc
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("One of several shapes (`{}`).", u.api_name)),
        format!(
            "Decoding tries the alternatives in the description's order and keeps the first that fits; a struct \
             fits an object that has all its required keys (structs without required keys fit any object). JSON \
             that fits none is kept in [`{}::{}`]. Serialized as the inner value.",
            u.name, u.other
        ),
    ]);
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = type_tokens(&v.ty, None);
        let vdoc = format!(" The `{}` alternative.", v.name);
        quote!(#[doc = #vdoc] #vname(#ty),)
    });
    let writes = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = if v.ty == TypeRef::DateTimeRfc2822 {
            quote!(&datetime::Rfc2822(value))
        } else {
            quote!(value)
        };
        quote!(Self::#vname(value) => ::serde::Serialize::serialize(#value, serializer),)
    });
    let attempts = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        match &v.ty {
            TypeRef::DateTime | TypeRef::DateTimeRfc2822 => quote! {
                if let ::std::option::Option::Some(parsed) = value.as_str().and_then(datetime::parse) {
                    return ::std::result::Result::Ok(Self::#vname(parsed));
                }
            },
            TypeRef::Struct(_) | TypeRef::Boxed(_) => {
                let keys = &v.required_keys;
                let fits = if keys.is_empty() {
                    quote!(value.is_object())
                } else {
                    quote!(value.as_object().is_some_and(|object| [#(#keys),*].iter().all(|key| object.contains_key(*key))))
                };
                quote! {
                    if #fits
                        && let ::std::result::Result::Ok(parsed) = ::serde_json::from_value(value.clone())
                    {
                        return ::std::result::Result::Ok(Self::#vname(parsed));
                    }
                }
            }
            _ => quote! {
                if let ::std::result::Result::Ok(parsed) = ::serde_json::from_value(value.clone()) {
                    return ::std::result::Result::Ok(Self::#vname(parsed));
                }
            },
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// JSON matching none of the alternatives.
            #other(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                    Self::#other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                ::std::result::Result::Ok(Self::#other(value))
            }
        }
    }
}

/// Which helpers of the `datetime` module the models use.
struct DatetimeNeeds {
    deserialize: bool,
    deserialize_option: bool,
    serialize_rfc2822: bool,
    serialize_rfc2822_option: bool,
    /// A `oneOf` alternative is a date-time: `parse` is called from its `Deserialize`.
    parse_for_variants: bool,
}

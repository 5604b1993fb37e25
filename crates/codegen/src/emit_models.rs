//! Emits the models crate body: one struct per object schema, one enum per string enum, one untagged enum per
//! `oneOf`, and a private `datetime` module when date-time fields need it.

use crate::docs::{doc_attrs, sanitize};
use crate::ir::{Api, Enum, Field, OneOf, Schema, Struct, TypeRef};
use crate::{ident, type_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// Tokens of the models file.
pub fn emit(api: &Api) -> TokenStream {
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
    let datetime = (needs.deserialize || needs.deserialize_option || needs.parse_for_variants)
        .then(|| datetime_module(&needs));
    quote! {
        #(#items)*
        #datetime
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
            "Component `{}` of the description. Unknown JSON fields are ignored and missing ones default.",
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
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #impl_block
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
    let wire = &f.api_name;
    let rename = if f.flatten {
        Some(quote!(#[serde(flatten)]))
    } else {
        (f.name != *wire).then(|| quote!(#[serde(rename = #wire)]))
    };
    let with = match (&f.ty, f.optional()) {
        (TypeRef::DateTime, true) => {
            Some(quote!(#[serde(deserialize_with = "datetime::deserialize_option")]))
        }
        (TypeRef::DateTime, false) => {
            Some(quote!(#[serde(deserialize_with = "datetime::deserialize")]))
        }
        (TypeRef::DateTimeRfc2822, true) => Some(quote!(#[serde(
            deserialize_with = "datetime::deserialize_option",
            serialize_with = "datetime::serialize_rfc2822_option"
        )])),
        (TypeRef::DateTimeRfc2822, false) => Some(quote!(#[serde(
            deserialize_with = "datetime::deserialize",
            serialize_with = "datetime::serialize_rfc2822"
        )])),
        _ => None,
    };
    quote! {
        #doc
        #rename
        #with
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
        let with = (v.ty == TypeRef::DateTimeRfc2822)
            .then(|| quote!(#[serde(serialize_with = "datetime::serialize_rfc2822")]));
        let vdoc = format!(" The `{}` alternative.", v.name);
        quote!(#[doc = #vdoc] #with #vname(#ty),)
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
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// JSON matching none of the alternatives.
            #other(::serde_json::Value),
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

fn datetime_module(needs: &DatetimeNeeds) -> TokenStream {
    let deserialize = needs.deserialize.then(|| {
        quote! {
            pub(crate) fn deserialize<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<DateTime<Utc>, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                parse(&text).ok_or_else(|| <D::Error as ::serde::de::Error>::custom(::std::format!("invalid date-time {text:?}")))
            }
        }
    });
    let deserialize_option = needs.deserialize_option.then(|| {
        quote! {
            pub(crate) fn deserialize_option<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::option::Option<DateTime<Utc>>, D::Error> {
                let text = <::std::option::Option<::std::string::String> as ::serde::Deserialize>::deserialize(deserializer)?;
                match text {
                    ::std::option::Option::None => ::std::result::Result::Ok(::std::option::Option::None),
                    ::std::option::Option::Some(text) => parse(&text)
                        .map(::std::option::Option::Some)
                        .ok_or_else(|| <D::Error as ::serde::de::Error>::custom(::std::format!("invalid date-time {text:?}"))),
                }
            }
        }
    });
    let serialize_rfc2822 = needs.serialize_rfc2822.then(|| {
        quote! {
            pub(crate) fn serialize_rfc2822<S: ::serde::Serializer>(value: &DateTime<Utc>, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&value.to_rfc2822())
            }
        }
    });
    let serialize_rfc2822_option = needs.serialize_rfc2822_option.then(|| {
        quote! {
            pub(crate) fn serialize_rfc2822_option<S: ::serde::Serializer>(value: &::std::option::Option<DateTime<Utc>>, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match value {
                    ::std::option::Option::Some(value) => serializer.serialize_str(&value.to_rfc2822()),
                    ::std::option::Option::None => serializer.serialize_none(),
                }
            }
        }
    });
    let parse_vis = needs.parse_for_variants.then(|| quote!(pub(crate)));
    quote! {
        /// Date-time parsing shared by the models: RFC 3339 first (Twilio's JSON APIs), then RFC 2822; fields the
        /// API sends in RFC 2822 are serialized back in RFC 2822.
        mod datetime {
            use ::chrono::{DateTime, Utc};

            #deserialize
            #deserialize_option
            #serialize_rfc2822
            #serialize_rfc2822_option

            #parse_vis fn parse(text: &str) -> ::std::option::Option<DateTime<Utc>> {
                DateTime::parse_from_rfc3339(text)
                    .or_else(|_| DateTime::parse_from_rfc2822(text))
                    .ok()
                    .map(|d| d.with_timezone(&Utc))
            }
        }
    }
}

//! Emits the typed webhook events of a description's `x-twilio-webhooks`: the struct of the parameters every
//! request carries, one struct per payload (and per group of parameters read together), the event enum with one
//! variant per event and a catch-all, the pre-event enum with the fields each reply may change, and their
//! `Serialize` impls, the request wrapper (`<Family>Webhook`: common fields, event and every parameter as received)
//! and the `PreEventReply` builder with one setter per changeable field. Reading a parameter's text and rendering a
//! reply are left to the support module [`WebhookSettings::support_path`] names, which provides `Fields` (`text`,
//! `number`, `attributes`, `timestamp`), `Attributes`, `Timestamp`, `EventError`, `Reply`, `HttpReply`,
//! `ReplyError`, `Verified`, `parse_form` and `encode_form`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs::{doc_attrs, sanitize};
use crate::error::Error;
use crate::ir::{EventKind, EventParam, Webhooks};
use crate::naming::snake;
use crate::settings::{Settings, WebhookSettings};
use crate::tokens::{crate_path, ident, path};

/// Tokens of the webhook events file.
pub(crate) fn emit(
    hooks: &Webhooks,
    settings: &Settings,
    webhook: &WebhookSettings,
) -> Result<TokenStream, Error> {
    let support = path("webhooks.support_path", &webhook.support_path)?;
    let models = crate_path("models_crate", &settings.models_crate)?;
    let cx = Cx {
        support: &support,
        models: &models,
        written: std::cell::RefCell::default(),
    };
    let mut items = Vec::new();
    // The shared parameters, with `EventType` first.
    items.push(cx.common(hooks));
    for payload in &hooks.payloads {
        let doc = payload.doc.as_deref().map_or_else(
            || format!("Parameters of `{}` events.", payload.key),
            sanitize,
        );
        items.push(cx.params_struct(&payload.type_name, &doc, &payload.params));
    }
    items.push(cx.event_enum(hooks));
    items.push(cx.wrapper(hooks));
    items.push(pre_events(hooks));
    items.push(cx.reply(hooks));
    Ok(quote!(#(#items)*))
}

struct Cx<'a> {
    support: &'a TokenStream,
    models: &'a TokenStream,
    /// Group structs already written: a group several payloads read is one type, written once.
    written: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

impl Cx<'_> {
    fn field_type(&self, kind: &EventKind) -> TokenStream {
        let support = self.support;
        let models = self.models;
        match kind {
            EventKind::Text => quote!(::std::string::String),
            EventKind::Integer => quote!(u64),
            EventKind::Int32 => quote!(u32),
            EventKind::DateTime => quote!(#support::Timestamp),
            EventKind::Attributes => quote!(#support::Attributes),
            EventKind::Enum(name) => {
                let name = ident(name);
                quote!(#models::#name)
            }
            EventKind::Group(group) => {
                let name = ident(&group.type_name);
                quote!(#name)
            }
        }
    }

    /// The expression reading `p` from `f` (a `Fields`), as an `Option` of its type.
    fn read(&self, p: &EventParam) -> TokenStream {
        let wire = &p.api_name;
        match &p.kind {
            EventKind::Text => quote!(f.text(#wire)?),
            EventKind::Integer | EventKind::Int32 => quote!(f.number(#wire)?),
            EventKind::DateTime => quote!(f.timestamp(#wire)?),
            EventKind::Attributes => quote!(f.attributes(#wire)?),
            EventKind::Enum(name) => {
                let models = self.models;
                let name = ident(name);
                quote!(f.text(#wire)?.map(#models::#name::from))
            }
            EventKind::Group(group) => {
                let name = ident(&group.type_name);
                quote!(#name::parse_group(f)?)
            }
        }
    }

    fn fields(&self, params: &[EventParam]) -> Vec<TokenStream> {
        params
            .iter()
            .map(|p| {
                let name = ident(&p.name);
                let ty = self.field_type(&p.kind);
                let doc = doc_attrs(&[param_doc(p)]);
                quote!(#doc pub #name: ::std::option::Option<#ty>,)
            })
            .collect()
    }

    /// A struct of parameters with its reader and `Serialize` (and, for groups, the structs of its groups).
    fn params_struct(&self, type_name: &str, doc: &str, params: &[EventParam]) -> TokenStream {
        let support = self.support;
        let name = ident(type_name);
        let doc = doc_attrs(&[doc.to_owned()]);
        let fields = self.fields(params);
        let names: Vec<syn::Ident> = params.iter().map(|p| ident(&p.name)).collect();
        let reads: Vec<TokenStream> = params.iter().map(|p| self.read(p)).collect();
        let groups = params.iter().filter_map(|p| match &p.kind {
            EventKind::Group(group)
                if self.written.borrow_mut().insert(group.type_name.clone()) =>
            {
                let group_doc = group
                    .doc
                    .as_deref()
                    .map_or_else(|| format!("The `{}` parameters.", p.api_name), sentence);
                Some(self.params_struct(&group.type_name, &group_doc, &group.params))
            }
            _ => None,
        });
        let serialize = serialize_struct(type_name, &names);
        quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                /// Reads the parameters; a value sent twice or not readable as its type is an error naming it.
                pub(crate) fn parse(f: &#support::Fields<'_>) -> ::std::result::Result<Self, #support::EventError> {
                    ::std::result::Result::Ok(Self { #(#names: #reads),* })
                }

                /// The parameters when any of them was sent.
                #[allow(dead_code)]
                pub(crate) fn parse_group(f: &#support::Fields<'_>) -> ::std::result::Result<::std::option::Option<Self>, #support::EventError> {
                    let read = Self::parse(f)?;
                    ::std::result::Result::Ok((read != Self::default()).then_some(read))
                }
            }

            #serialize
            #(#groups)*
        }
    }

    fn common(&self, hooks: &Webhooks) -> TokenStream {
        let support = self.support;
        let family = &hooks.name;
        let doc = doc_attrs(&[format!(
            "Parameters every {family} webhook request may carry."
        )]);
        let fields = self.fields(&hooks.common);
        let names: Vec<syn::Ident> = hooks.common.iter().map(|p| ident(&p.name)).collect();
        let reads: Vec<TokenStream> = hooks.common.iter().map(|p| self.read(p)).collect();
        let mut all = vec![ident("event_type")];
        all.extend(names.iter().cloned());
        let serialize = serialize_struct("Common", &all);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub struct Common {
                /// `EventType`: what happened, such as `onMessageSend`.
                pub event_type: ::std::string::String,
                #(#fields)*
            }

            impl Common {
                /// Reads the parameters; a request without `EventType` is an error.
                pub(crate) fn parse(f: &#support::Fields<'_>) -> ::std::result::Result<Self, #support::EventError> {
                    let event_type = f.text("EventType")?.ok_or(#support::EventError::MissingEventType)?;
                    ::std::result::Result::Ok(Self { event_type, #(#names: #reads),* })
                }
            }

            #serialize
        }
    }

    fn event_enum(&self, hooks: &Webhooks) -> TokenStream {
        let support = self.support;
        let name = ident(&format!("{}Event", hooks.name));
        let name_text = name.to_string();
        let family = &hooks.name;
        let doc = doc_attrs(&[
            hooks.doc.as_deref().map_or_else(
                || format!("A {family} webhook event."),
                |d| format!("A {family} webhook event. {}", sanitize(d)),
            ),
            "One variant per event, named after its `EventType` without the `on`: pre-events (the action waits \
             for the reply, see `PreEvent`) and post-events (it already happened). Unknown event types are kept."
                .to_owned(),
        ]);
        let mut variants = Vec::new();
        let mut types = Vec::new();
        let mut pres = Vec::new();
        let mut parses = Vec::new();
        let mut serializes = Vec::new();
        let wires: Vec<&str> = hooks.events.iter().map(|e| e.api_name.as_str()).collect();
        for (index, e) in hooks.events.iter().enumerate() {
            let variant = ident(&e.variant);
            let payload = ident(&hooks.payloads[e.payload].type_name);
            let wire = &e.api_name;
            let what = if e.pre.is_some() { " (pre-event)" } else { "" };
            let doc = doc_attrs(&[format!(
                "`{wire}`{what}: {}.",
                e.doc
                    .as_deref()
                    .map_or_else(|| "an event".to_owned(), sanitize)
                    .trim_end_matches('.')
            )]);
            variants.push(quote!(#doc #variant(#payload),));
            types.push(quote!(Self::#variant(_) => #wire,));
            pres.push(match &e.pre {
                Some(_) => {
                    quote!(Self::#variant(_) => ::std::option::Option::Some(PreEvent::#variant),)
                }
                None => quote!(Self::#variant(_) => ::std::option::Option::None,),
            });
            parses.push(quote!(#wire => Self::#variant(#payload::parse(fields)?),));
            let index = index as u32;
            let variant_text = &e.variant;
            serializes.push(quote! {
                Self::#variant(fields) => serializer.serialize_newtype_variant(#name_text, #index, #variant_text, fields),
            });
        }
        let unknown_index = hooks.events.len() as u32;
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// An `EventType` this version does not know (kept as sent); its parameters are all available raw.
                Unknown(::std::string::String),
            }

            impl #name {
                /// Every event type this version knows, as the API names them.
                pub const KNOWN_EVENT_TYPES: &'static [&'static str] = &[#(#wires),*];

                /// The `EventType` as the API names it, such as `onMessageSend`.
                pub fn event_type(&self) -> &str {
                    match self {
                        #(#types)*
                        Self::Unknown(event_type) => event_type,
                    }
                }

                /// The pre-event this is, or `None` for post-events and unknown events.
                pub fn pre_event(&self) -> ::std::option::Option<PreEvent> {
                    match self {
                        #(#pres)*
                        Self::Unknown(_) => ::std::option::Option::None,
                    }
                }

                /// Reads the payload of `event_type` from `fields`.
                pub(crate) fn parse(event_type: &str, fields: &#support::Fields<'_>) -> ::std::result::Result<Self, #support::EventError> {
                    ::std::result::Result::Ok(match event_type {
                        #(#parses)*
                        other => Self::Unknown(other.to_owned()),
                    })
                }
            }

            impl ::serde::Serialize for #name {
                /// `{"<Variant>": <parameters>}`, or `{"Unknown": "<EventType>"}`.
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    match self {
                        #(#serializes)*
                        Self::Unknown(event_type) => serializer.serialize_newtype_variant(#name_text, #unknown_index, "Unknown", event_type),
                    }
                }
            }
        }
    }
}

impl Cx<'_> {
    /// `<Family>Webhook`: one request read as the common parameters, the event and every parameter as received.
    fn wrapper(&self, hooks: &Webhooks) -> TokenStream {
        let support = self.support;
        let family = &hooks.name;
        let name = ident(&format!("{family}Webhook"));
        let event = ident(&format!("{family}Event"));
        let doc = doc_attrs(&[format!(
            "One {family} webhook request: what happened (`event`), the parameters every event shares (`common`) \
             and all parameters as received. Verify the request first (`WebhookVerifier` of the runtime), then \
             read it with `from_verified`."
        )]);
        let serialize = serialize_struct(
            &name.to_string(),
            &[ident("common"), ident("event"), ident("params")],
        );
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name {
                /// Parameters every event may carry.
                pub common: Common,
                /// The event with its resource's typed parameters.
                pub event: #event,
                /// Every parameter as received, in order, duplicates kept.
                params: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
            }

            impl #name {
                /// Reads an event from a form body (`application/x-www-form-urlencoded`, as Twilio sends it). Verify
                /// the request first; `from_verified` takes the verifier's result directly.
                pub fn from_form(body: &[u8]) -> ::std::result::Result<Self, #support::EventError> {
                    Self::from_params(#support::parse_form(body).map_err(#support::EventError::Form)?)
                }

                /// Reads an event from the parameters of a request the runtime's `WebhookVerifier` accepted.
                pub fn from_verified(verified: #support::Verified) -> ::std::result::Result<Self, #support::EventError> {
                    Self::from_params(verified.params)
                }

                /// Reads an event from decoded parameters (in order; duplicates allowed except for typed ones).
                pub fn from_params(
                    params: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                ) -> ::std::result::Result<Self, #support::EventError> {
                    let fields = #support::Fields(&params);
                    let common = Common::parse(&fields)?;
                    let event = #event::parse(&common.event_type, &fields)?;
                    ::std::result::Result::Ok(Self { common, event, params })
                }

                /// Every parameter as received, in order, duplicates kept.
                pub fn params(&self) -> &[(::std::string::String, ::std::string::String)] {
                    &self.params
                }

                /// The parameters, for re-encoding or forwarding.
                pub fn into_params(self) -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> {
                    self.params
                }

                /// The first value of parameter `name`, typed or not.
                pub fn param(&self, name: &str) -> ::std::option::Option<&str> {
                    self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
                }

                /// The parameters form-encoded again, in their order (`from_form` reads them back).
                pub fn to_form(&self) -> ::std::string::String {
                    #support::encode_form(&self.params)
                }
            }

            #serialize
        }
    }

    /// `PreEventReply`: allow, allow with changed fields (one setter per field some pre-event lets a reply
    /// change), or reject; rendered against the pre-event it answers.
    fn reply(&self, hooks: &Webhooks) -> TokenStream {
        let support = self.support;
        let family = &hooks.name;
        let setters = hooks.changeable.iter().enumerate().map(|(i, f)| {
            let method = ident(&snake(&f.api_name));
            let key = &f.api_name;
            let events: Vec<String> = hooks
                .events
                .iter()
                .filter(|e| e.pre.as_ref().is_some_and(|p| p.contains(&i)))
                .map(|e| format!("`{}`", e.api_name))
                .collect();
            let doc = format!(" Changes `{key}` (pre-events {}).", events.join(", "));
            if key.eq_ignore_ascii_case("attributes") {
                quote! {
                    #[doc = #doc]
                    ///
                    /// Sent as a string holding the JSON, the way the REST API takes attributes.
                    pub fn #method(self, value: &::serde_json::Value) -> Self {
                        Self(self.0.change(#key, value.to_string()))
                    }
                }
            } else {
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                        Self(self.0.change(#key, value.into()))
                    }
                }
            }
        });
        let doc = doc_attrs(&[
            format!(
                "The answer to a {family} pre-event: the API holds the action until it arrives. `200 OK` lets it \
                 proceed, `200 OK` with a JSON object of changed fields lets it proceed with those values, any \
                 other status (such as `403 Forbidden`) cancels it."
            ),
            "`render` checks that only fields the pre-event lets a reply change are changed and gives the exact \
             status, headers and body to send. Keys are written in alphabetical order."
                .to_owned(),
        ]);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[must_use]
            pub struct PreEventReply(#support::Reply);

            impl PreEventReply {
                /// Let the action proceed unchanged.
                pub fn allow() -> Self {
                    Self(#support::Reply::allow())
                }

                /// Cancel the action with `403 Forbidden`.
                pub fn reject() -> Self {
                    Self(#support::Reply::reject())
                }

                /// Cancel the action with `status`, which must be 400 to 599.
                pub fn reject_with_status(status: u16) -> ::std::result::Result<Self, #support::ReplyError> {
                    #support::Reply::reject_with_status(status).map(Self)
                }

                /// Whether this reply cancels the action.
                pub fn is_reject(&self) -> bool {
                    self.0.is_reject()
                }

                /// The HTTP answer to `event`; an error when a changed field is one `event` does not let a reply
                /// change, or when a rejection changes fields.
                pub fn render(&self, event: PreEvent) -> ::std::result::Result<#support::HttpReply, #support::ReplyError> {
                    let keys: ::std::vec::Vec<&'static str> = event.changeable().iter().map(|f| f.key()).collect();
                    self.0.render(event.event_type(), &keys)
                }

                #(#setters)*
            }
        }
    }
}

/// The pre-event enum and the enum of fields a reply may change.
fn pre_events(hooks: &Webhooks) -> TokenStream {
    let family = &hooks.name;
    let pre: Vec<_> = hooks.events.iter().filter(|e| e.pre.is_some()).collect();
    let variants = pre.iter().map(|e| {
        let variant = ident(&e.variant);
        let doc = doc_attrs(&[format!("`{}`.", e.api_name)]);
        quote!(#doc #variant,)
    });
    let types = pre.iter().map(|e| {
        let variant = ident(&e.variant);
        let wire = &e.api_name;
        quote!(Self::#variant => #wire,)
    });
    let changeable = pre.iter().map(|e| {
        let variant = ident(&e.variant);
        let fields = e.pre.iter().flatten().map(|&i| {
            let field = ident(&hooks.changeable[i].name);
            quote!(Field::#field)
        });
        quote!(Self::#variant => &[#(#fields),*],)
    });
    let fields = hooks.changeable.iter().map(|f| {
        let name = ident(&f.name);
        let doc = doc_attrs(&[format!("`{}`.", f.api_name)]);
        quote!(#doc #name,)
    });
    let keys = hooks.changeable.iter().map(|f| {
        let name = ident(&f.name);
        let key = &f.api_name;
        quote!(Self::#name => #key,)
    });
    let pre_doc = doc_attrs(&[format!(
        "A {family} pre-event: an action the API holds until the backend answers."
    )]);
    quote! {
        #pre_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum PreEvent {
            #(#variants)*
        }

        impl PreEvent {
            /// The `EventType` as the API names it.
            pub fn event_type(self) -> &'static str {
                match self {
                    #(#types)*
                }
            }

            /// The fields a reply to this pre-event can change.
            pub fn changeable(self) -> &'static [Field] {
                match self {
                    #(#changeable)*
                }
            }
        }

        /// A field a pre-event reply can change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Field {
            #(#fields)*
        }

        impl Field {
            /// The JSON key the API reads in a reply.
            pub fn key(self) -> &'static str {
                match self {
                    #(#keys)*
                }
            }
        }
    }
}

fn param_doc(p: &EventParam) -> String {
    match &p.doc {
        Some(doc) => format!("`{}`: {}.", p.api_name, sanitize(doc).trim_end_matches('.')),
        None => format!("`{}`.", p.api_name),
    }
}

/// `Serialize` writing every field under its Rust name, in order.
fn serialize_struct(type_name: &str, fields: &[syn::Ident]) -> TokenStream {
    let name = ident(type_name);
    let count = fields.len();
    let texts: Vec<String> = fields.iter().map(ToString::to_string).collect();
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let mut out = serializer.serialize_struct(#type_name, #count)?;
                #(out.serialize_field(#texts, &self.#fields)?;)*
                out.end()
            }
        }
    }
}

/// A description as one sentence ending in a period.
fn sentence(text: &str) -> String {
    let text = sanitize(text);
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

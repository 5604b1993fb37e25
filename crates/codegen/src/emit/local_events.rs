//! The webhook part of the local service's route table: for every post-event, the resource and kind of change
//! after which it fires and the parameters it carries with the record field each one is read from; the
//! parameters every request carries; and constants naming the parameters the service fills itself and the
//! values of their enums, so the service's sender names nothing the description does not.

use heck::{ToShoutySnakeCase as _, ToUpperCamelCase as _};
use proc_macro2::TokenStream;
use quote::quote;

use super::local::route_kind;
use crate::error::Error;
use crate::ir::{self, EventKind, EventParam, Location, Webhooks};
use crate::tokens::ident;

/// Tokens of `EVENTS`, `EVENT_COMMON` and the `event_names` module.
pub(super) fn emit(
    api: &ir::Api,
    hooks: &Webhooks,
    table: &TokenStream,
) -> Result<TokenStream, Error> {
    let mut events = Vec::new();
    let mut pre_events = Vec::new();
    for event in &hooks.events {
        let payload = &hooks.payloads[event.payload];
        let params = params(&payload.params, table);
        let when = match &event.when {
            Some(wire) => quote!(Some(#wire)),
            None => quote!(None),
        };
        for id in &event.after {
            let (resource, kind, _) = fired_by(api, id)?;
            let event_type = &event.api_name;
            events.push(quote! {
                #table::Event {
                    event_type: #event_type,
                    resource: #resource,
                    kind: #table::Kind::#kind,
                    params: &[#(#params),*],
                    changes: &[],
                    when: #when,
                }
            });
        }
        for id in &event.before {
            let (resource, kind, op) = fired_by(api, id)?;
            let mut changes = Vec::new();
            for &index in event.pre.iter().flatten() {
                let key = &hooks.changeable[index].api_name;
                let wire = key.to_upper_camel_case();
                let sent = op
                    .params
                    .iter()
                    .any(|p| p.location == Location::Form && p.api_name == wire);
                if !sent {
                    return Err(Error::new(
                        Some(id),
                        "/x-twilio-webhooks/events",
                        format!(
                            "the reply to {} may change `{key}`, but {id} has no form parameter {wire}",
                            event.api_name
                        ),
                    ));
                }
                changes.push(quote!((#key, #wire)));
            }
            let event_type = &event.api_name;
            pre_events.push(quote! {
                #table::Event {
                    event_type: #event_type,
                    resource: #resource,
                    kind: #table::Kind::#kind,
                    params: &[#(#params),*],
                    changes: &[#(#changes),*],
                    when: #when,
                }
            });
        }
    }
    let common = params(&hooks.common, table);
    let mut names = Vec::new();
    for p in all(&hooks.common) {
        let constant = ident(&p.name.to_shouty_snake_case());
        let wire = &p.api_name;
        let doc = format!(" `{wire}`.");
        names.push(
            quote!(#[doc = #doc] #[allow(dead_code)] pub(crate) const #constant: &str = #wire;),
        );
        if let EventKind::Enum(name) = &p.kind
            && let Some(ir::Schema::Enum(e)) = api.schemas.get(name)
        {
            for v in &e.variants {
                let constant = ident(&format!("{}_{}", p.name, v.name).to_shouty_snake_case());
                let value = &v.api_name;
                let doc = format!(" `{wire}={value}`.");
                names.push(
                    quote!(#[doc = #doc] #[allow(dead_code)] pub(crate) const #constant: &str = #value;),
                );
            }
        }
    }
    Ok(quote! {
        /// Every post-event the description declares, once per kind of change after which it fires.
        pub(crate) static EVENTS: &[#table::Event] = &[#(#events),*];
        /// Every pre-event the description declares, once per kind of change it comes before, with the fields
        /// its reply may change and the form parameter each one replaces.
        pub(crate) static PRE_EVENTS: &[#table::Event] = &[#(#pre_events),*];
        /// The parameters every webhook request may carry, besides `EventType`.
        pub(crate) static EVENT_COMMON: &[#table::EventParam] = &[#(#common),*];
        /// The names of the parameters every request carries, and the values of their enums.
        pub(crate) mod event_names {
            #(#names)*
        }
    })
}

/// The parameters, with those of groups flattened.
fn all(params: &[EventParam]) -> Vec<&EventParam> {
    params
        .iter()
        .flat_map(|p| match &p.kind {
            EventKind::Group(group) => all(&group.params),
            _ => vec![p],
        })
        .collect()
}

fn params(params: &[EventParam], table: &TokenStream) -> Vec<TokenStream> {
    all(params)
        .into_iter()
        .map(|p| {
            let name = &p.api_name;
            let field = match &p.field {
                Some(f) => {
                    let path = f.split('.');
                    quote!(&[#(#path),*])
                }
                None => quote!(&[]),
            };
            quote!(#table::EventParam { name: #name, field: #field })
        })
        .collect()
}

/// The resource and kind of change of the operation `id` that fires an event, and the operation.
fn fired_by<'a>(
    api: &'a ir::Api,
    id: &str,
) -> Result<(String, TokenStream, &'a ir::Operation), Error> {
    let internal = || {
        Error::new(
            Some(id),
            "/x-twilio-webhooks/events",
            "internal: operation is on no resource",
        )
    };
    let (resource, on_instance) = owner(api, id).ok_or_else(internal)?;
    let op = api
        .operations
        .iter()
        .find(|op| op.id == id)
        .ok_or_else(internal)?;
    Ok((resource, route_kind(op, on_instance), op))
}

/// The resource name of the operation `id`, and whether it acts on an instance.
fn owner(api: &ir::Api, id: &str) -> Option<(String, bool)> {
    let index = api.operations.iter().position(|op| op.id == id)?;
    api.resources_flat().find_map(|r| {
        if r.list_operations.contains(&index) {
            Some((r.name.clone(), false))
        } else if r.instance_operations.contains(&index) {
            Some((r.name.clone(), true))
        } else {
            None
        }
    })
}

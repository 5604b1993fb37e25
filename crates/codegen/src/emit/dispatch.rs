//! Emits the conformance dispatch: the table of operations (id, method, path template) and one match arm per
//! operation that turns wire-named scenario arguments into the generated client's typed builder calls. It reads
//! the same IR as the client emitter, so every operation has exactly one arm by construction.
//!
//! The file is a module of a conformance crate: it uses that crate's hand-written `Args` reader (`req_str`,
//! `opt_enum`, ...), `CallResult`, `to_value`, `page_value` and `collect`, and its scenario `Call` and `Mode`, from
//! the modules [`DispatchSettings`] names.

use crate::docs::sanitize;
use crate::error::Error;
use crate::ir::{Api, Location, Operation, Parameter, Resource, Response, TypeRef};
use crate::settings::{DispatchSettings, Settings};
use crate::tokens::{crate_path, ident, path, type_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// Tokens of the dispatch file, or an error naming an operation whose parameter type scenarios cannot express.
pub fn emit(
    api: &Api,
    settings: &Settings,
    dispatch: &DispatchSettings,
) -> Result<TokenStream, Error> {
    let args = path("dispatch.args_path", &dispatch.args_path)?;
    let call = path("dispatch.call_path", &dispatch.call_path)?;
    let client = crate_path("client_crate", &settings.client_crate)?;
    let models = quote!(#client::models);
    let mut arms = Vec::new();
    let mut table = Vec::new();
    let mut paged = Vec::new();
    let mut chains = Vec::new();
    for r in &api.resources {
        walk(r, &[], &mut chains);
    }
    for (index, op) in api.operations.iter().enumerate() {
        let id = &op.id;
        let method = op.method.as_str();
        let path = &op.path;
        table.push(quote!((#id, #method, #path)));
        if matches!(op.response, Response::Page { .. }) {
            paged.push(id.clone());
        }
        let Some((ancestors, resource, on_instance)) = chains.iter().find_map(|(r, anc, i)| {
            (r.list_operations.contains(&index) && !*i
                || r.instance_operations.contains(&index) && *i)
                .then_some((anc, *r, *i))
        }) else {
            return Err(Error::new(
                Some(id),
                "",
                "internal: operation is on no resource",
            ));
        };
        arms.push(arm(op, ancestors, resource, on_instance, &models)?);
    }
    let doc = format!(
        " Every operation of {}: operationId, HTTP method and path template, in description order.",
        sanitize(&api.title)
    );
    // Only the helpers some operation uses (an unused import would fail clippy): `download_value` when an
    // operation answers raw bytes, `collect`, `page_value` and `Mode` when one answers a page.
    let answers = |kind: fn(&Response) -> bool| api.operations.iter().any(|op| kind(&op.response));
    let mut helpers = vec![quote!(Args), quote!(CallResult)];
    let pages = answers(|r| matches!(r, Response::Page { .. }));
    if pages {
        helpers.push(quote!(collect));
    }
    if answers(|r| *r == Response::Binary) {
        helpers.push(quote!(download_value));
    }
    if pages {
        helpers.push(quote!(page_value));
    }
    helpers.push(quote!(to_value));
    let format_items = if pages {
        vec![quote!(Call), quote!(Mode)]
    } else {
        vec![quote!(Call)]
    };
    Ok(quote! {
        use #args::{#(#helpers),*};
        use #call::{#(#format_items),*};

        #[doc = #doc]
        pub const OPERATIONS: &[(&str, &str, &str)] = &[#(#table),*];

        /// The operations answering a page (the only ones mode `stream` applies to).
        pub const PAGED: &[&str] = &[#(#paged),*];

        /// Makes `call` through the generated client, arguments read from `a`; `Err` is a problem with the
        /// scenario (unknown operation, bad or missing argument).
        pub async fn call_operation(
            client: &#client::Client,
            call: &Call,
            a: &mut Args<'_>,
            options: ::std::option::Option<#client::RequestOptions>,
        ) -> ::std::result::Result<CallResult, ::std::string::String> {
            match call.operation.as_str() {
                #(#arms)*
                other => Err(format!("unknown operation `{other}`")),
            }
        }
    })
}

/// Every resource with its ancestors (outermost first), twice: `false` for its list, `true` for its context.
fn walk<'a>(
    r: &'a Resource,
    ancestors: &[&'a Resource],
    out: &mut Vec<(&'a Resource, Vec<&'a Resource>, bool)>,
) {
    out.push((r, ancestors.to_vec(), false));
    out.push((r, ancestors.to_vec(), true));
    let mut inner = ancestors.to_vec();
    inner.push(r);
    for c in &r.children {
        walk(c, &inner, out);
    }
}

fn arm(
    op: &Operation,
    ancestors: &[&Resource],
    resource: &Resource,
    on_instance: bool,
    models: &TokenStream,
) -> Result<TokenStream, Error> {
    let id = &op.id;
    // Path parameters the resource scope holds, in path order: one per context accessor on the way.
    let mut path = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path && !p.account_default)
        .map(|p| p.api_name.as_str());
    let mut chain = quote!(client);
    // A SID-only accessor takes the scenario's text as a SID from the wire (unchecked, as from an answer).
    let context_arg = |r: &Resource, key: &str| match (&r.context_sid, &r.context_alternate) {
        (Some(sid), None) => {
            let sid = ident(sid);
            quote!(&#models::#sid::from_wire(a.req_str(#key)?))
        }
        _ => quote!(a.req_str(#key)?),
    };
    for a in ancestors {
        let accessor = ident(&a.context_accessor);
        let arg = context_arg(a, path.next().unwrap_or_default());
        chain = quote!(#chain.#accessor(#arg));
    }
    if on_instance {
        let accessor = ident(&resource.context_accessor);
        let arg = context_arg(resource, path.next().unwrap_or_default());
        chain = quote!(#chain.#accessor(#arg));
    } else {
        let accessor = ident(&resource.list_accessor);
        chain = quote!(#chain.#accessor());
    }
    let verb = ident(&op.verb);
    let args = op
        .params
        .iter()
        .filter(|p| p.required && p.location != Location::Path)
        .map(|p| read(op, p, true, models))
        .collect::<Result<Vec<_>, _>>()?;
    let setters = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let value = read(op, p, false, models)?;
            let setter = ident(&p.name);
            Ok(quote! {
                if let ::std::option::Option::Some(v) = #value {
                    b = b.#setter(v);
                }
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let send = match &op.response {
        Response::Empty => quote!(Ok(CallResult::Value(
            b.send().await.map(|()| ::serde_json::Value::Null)
        ))),
        Response::Value(_) | Response::Redirect(_) => {
            quote!(Ok(CallResult::Value(b.send().await.map(to_value))))
        }
        Response::Binary => quote!(Ok(CallResult::Value(download_value(b.send().await).await))),
        Response::Page { .. } => quote! {
            match call.mode {
                Mode::Send => Ok(CallResult::Value(b.send().await.map(page_value))),
                Mode::Stream => {
                    if let ::std::option::Option::Some(n) = call.limit {
                        b = b.limit(n);
                    }
                    Ok(collect(b.stream()).await)
                }
            }
        },
    };
    Ok(quote! {
        #id => {
            let mut b = #chain.#verb(#(#args),*);
            #(#setters)*
            if let ::std::option::Option::Some(o) = options {
                b = b.request_options(o);
            }
            a.finish()?;
            #send
        }
    })
}

/// The `Args` read of one parameter: `a.opt_xxx("Name")?` for an optional one, `a.req_xxx("Name")?` else.
fn read(
    op: &Operation,
    p: &Parameter,
    required: bool,
    models: &TokenStream,
) -> Result<TokenStream, Error> {
    let key = &p.api_name;
    let required_name = if required { "req" } else { "opt" };
    match p.location {
        Location::JsonBody => {
            let name = ident(&format!("{required_name}_json"));
            return Ok(quote!(a.#name(#key)?));
        }
        Location::BinaryBody => {
            let name = ident(&format!("{required_name}_bytes"));
            return Ok(quote!(a.#name(#key)?));
        }
        _ => {}
    }
    let (method, turbofish) = match &p.ty {
        TypeRef::String | TypeRef::Uri => ("str", None),
        TypeRef::I32 | TypeRef::I64 => ("int", None),
        TypeRef::Bool => ("bool", None),
        TypeRef::DateTime | TypeRef::DateTimeRfc2822 => ("datetime", None),
        TypeRef::Enum(_) => ("enum", Some(type_tokens(&p.ty, Some(models)))),
        TypeRef::Array(inner) => match &**inner {
            TypeRef::String | TypeRef::Uri => ("list", None),
            TypeRef::Enum(_) => ("enum_list", Some(type_tokens(inner, Some(models)))),
            _ => return Err(unsupported(op, p)),
        },
        _ => return Err(unsupported(op, p)),
    };
    let name = ident(&format!(
        "{}_{method}",
        if required { "req" } else { "opt" }
    ));
    let turbofish = turbofish.map(|t| quote!(::<#t>));
    Ok(quote!(a.#name #turbofish(#key)?))
}

fn unsupported(op: &Operation, p: &Parameter) -> Error {
    Error::new(
        Some(&op.id),
        "",
        format!(
            "conformance dispatch: parameter `{}` has a type scenarios cannot give ({:?})",
            p.api_name, p.ty
        ),
    )
}

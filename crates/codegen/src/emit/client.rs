//! Emits the client crate body: `Client`, one `XxxList`/`XxxContext` per resource along the URL hierarchy, and one
//! builder per operation that builds a runtime `Request` and hands it to one runtime function.

use crate::docs::{doc_attrs, sanitize};
use crate::ir::{Api, Location, Method, Operation, Parameter, Resource, Response, TypeRef};
use crate::tokens::{ident, type_tokens};
use proc_macro2::TokenStream;
use quote::quote;

struct Ctx<'a> {
    api: &'a Api,
    /// `rt`, the alias of the runtime crate imported at the top of the file.
    rt: TokenStream,
    /// `models`, the alias of the models crate imported at the top of the file.
    models: TokenStream,
    /// `String`, from the prelude unless a generated item takes the name.
    string: TokenStream,
    /// `Into`, from the prelude unless a generated item takes the name.
    into: TokenStream,
    /// `AsRef`, from the prelude unless a generated item takes the name.
    as_ref: TokenStream,
}

/// Names of the prelude the client file uses unqualified when no generated item shadows them.
const PRELUDE: [&str; 4] = ["String", "Into", "IntoIterator", "AsRef"];

/// Tokens of the client file.
/// `runtime` and `models` are the absolute paths of the runtime crate and the models (`::twilio_rest_runtime`).
pub fn emit(api: &Api, runtime: &TokenStream, models: &TokenStream) -> TokenStream {
    let shadowed = api.resources_flat().any(|r| {
        PRELUDE
            .iter()
            .any(|n| *n == r.list_type || *n == r.context_type)
    }) || api
        .operations
        .iter()
        .any(|op| PRELUDE.contains(&op.builder.as_str()));
    let cx = Ctx {
        api,
        rt: quote!(rt),
        models: quote!(models),
        string: if shadowed {
            quote!(::std::string::String)
        } else {
            quote!(String)
        },
        into: if shadowed {
            quote!(::std::convert::Into)
        } else {
            quote!(Into)
        },
        as_ref: if shadowed {
            quote!(::std::convert::AsRef)
        } else {
            quote!(AsRef)
        },
    };
    let models_import = uses_models(api).then(|| quote!(use #models as models;));
    let rt = &cx.rt;
    let base_url = api.base_url.clone().unwrap_or_default();
    let base_doc = if base_url.is_empty() {
        " The description names no server: set one with `Client::builder().base_url(..)`."
            .to_owned()
    } else {
        format!(" Base URL of the API (`{base_url}`), from the description's `servers`.")
    };
    let title_doc = format!(
        " Client of {}, version {}.",
        sanitize(&api.title),
        sanitize(&api.version)
    );
    // An example for the docs: the first top-level list whose operation defaults its AccountSid.
    let defaults = |op: &&Operation| {
        op.params.iter().any(|p| p.account_default) && required_args(op).next().is_none()
    };
    let account_example = api
        .resources
        .iter()
        .find_map(|r| {
            r.list_operations
                .iter()
                .map(|&i| &api.operations[i])
                .find(defaults)
                .map(|op| format!("client.{}().{}()", r.list_accessor, op.verb))
        })
        .or_else(|| {
            api.resources.iter().find_map(|r| {
                r.instance_operations
                    .iter()
                    .map(|&i| &api.operations[i])
                    .find(defaults)
                    .map(|op| format!("client.{}(\"..\").{}()", r.context_accessor, op.verb))
            })
        });
    let account_doc = api
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.account_default))
        .then(|| {
            let example = account_example.as_deref().unwrap_or("client.xxx().list()");
            doc_attrs(&[format!(
                "# Account\n\nOperations under `/<version>/Accounts/{{AccountSid}}/` act on the account of the \
                 client's credentials (`Client::account_sid` of the runtime), so their resources hang off the client \
                 directly: `{example}`. To act on another account (a subaccount), set it on the request: \
                 `{example}.account_sid(\"AC...\")`."
            )])
        })
        .map(|doc| quote!(#[doc = ""] #doc));
    let accessors = api.resources.iter().map(|r| {
        let scope = quote!(rtp::Scope::new(&self.inner));
        accessors(&cx, r, scope.clone(), scope)
    });
    let resources = api.resources.iter().map(|r| emit_resource(&cx, r));
    let server_consts = api.servers.iter().map(|(name, url)| {
        let users: Vec<String> = api
            .operations
            .iter()
            .filter(|op| op.server.as_deref() == Some(url))
            .map(|op| format!("`{}`", op.id))
            .collect();
        let doc = format!(
            " Base URL of the operations served by another host than [`DEFAULT_BASE_URL`] (`{url}`), from their \
             `servers`: {}. The client applies its region and edge to it, and \
             `Client::builder().server_url({name}, ..)` sends them elsewhere.",
            users.join(", ")
        );
        let name = ident(name);
        quote! {
            #[doc = #doc]
            pub const #name: &str = #url;
        }
    });
    quote! {
        use #runtime as rt;
        // The runtime's support for generated code, which every builder names.
        use #runtime::__private as rtp;
        #models_import

        #[doc = #base_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #(#server_consts)*

        #[doc = #title_doc]
        ///
        /// Cheap to clone: clones share one connection pool. Start from [`Client::new`], [`Client::from_env`] or
        /// [`Client::builder`].
        #account_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: #rt::Client,
        }

        impl ::std::convert::From<#rt::Client> for Client {
            fn from(inner: #rt::Client) -> Self {
                Self { inner }
            }
        }

        impl Client {
            /// A client for [`DEFAULT_BASE_URL`] with these credentials and default settings.
            pub fn new(credentials: #rt::Credentials) -> ::std::result::Result<Self, #rt::Error> {
                Self::builder().credentials(credentials).build()
            }

            /// A client configured from the environment (`TWILIO_ACCOUNT_SID` with `TWILIO_API_KEY` and
            /// `TWILIO_API_SECRET`, or `TWILIO_AUTH_TOKEN`; `TWILIO_REGION`, `TWILIO_EDGE`).
            pub fn from_env() -> ::std::result::Result<Self, #rt::Error> {
                Self::builder().from_env().build()
            }

            /// A builder for region, edge, timeouts, retries and the rest, starting at [`DEFAULT_BASE_URL`].
            pub fn builder() -> #rt::ClientBuilder<Client> {
                #rt::ClientBuilder::new(DEFAULT_BASE_URL)
            }

            /// The runtime client underneath (base URL, account SID, raw requests, pagination).
            pub fn runtime(&self) -> &#rt::Client {
                &self.inner
            }

            #(#accessors)*
        }

        #(#resources)*
    }
}

/// `xs()` and `x(sid)` methods that open a child resource: `list` is the runtime `Scope` of the list, `base` the
/// parent's scope a context extends.
fn accessors(cx: &Ctx<'_>, r: &Resource, list: TokenStream, base: TokenStream) -> TokenStream {
    let scope = list;
    let (string, into) = (&cx.string, &cx.into);
    let mut out = TokenStream::new();
    if has_list(r) {
        let list = ident(&r.list_type);
        let method = ident(&r.list_accessor);
        let doc = format!(" The `{}` collection (`{}`).", r.name, r.collection_path);
        out.extend(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #list {
                #list(#scope)
            }
        });
    }
    if has_context(r) {
        let ctx = ident(&r.context_type);
        let method = ident(&r.context_accessor);
        let path = r
            .instance_path
            .clone()
            .unwrap_or_else(|| format!("{}/{{..}}", r.collection_path));
        let doc = format!(" One `{}` (`{}`).", r.name, path);
        if let Some(own) = r.context_param.as_deref().map(ident) {
            let models = &cx.models;
            let sid = r.context_sid.as_deref().and_then(|name| {
                let t = cx.api.sid_types.iter().find(|t| t.name == name)?;
                let mut chars = t.prefix.chars();
                Some((ident(name), chars.next()?, chars.next()?))
            });
            out.extend(match (sid, &r.context_alternate) {
                (Some((_, a, b)), Some(alternate)) => {
                    let doc2 = format!(
                        " Takes the record's SID or its `{alternate}`: a `{}` or any text.",
                        r.context_sid.as_deref().unwrap_or_default()
                    );
                    quote! {
                        #[doc = #doc]
                        ///
                        #[doc = #doc2]
                        pub fn #method(&self, #own: impl #into<#models::sids::Key<#a, #b>>) -> #ctx {
                            #ctx(#base.child(#own.into().into_string()))
                        }
                    }
                }
                (Some((name, _, _)), None) => quote! {
                    #[doc = #doc]
                    pub fn #method(&self, #own: &#models::#name) -> #ctx {
                        #ctx(#base.child(#own.as_str()))
                    }
                },
                (None, _) => quote! {
                    #[doc = #doc]
                    pub fn #method(&self, #own: impl #into<#string>) -> #ctx {
                        #ctx(#base.child(#own))
                    }
                },
            });
        }
    }
    out
}

fn has_list(r: &Resource) -> bool {
    !r.list_operations.is_empty()
}

fn has_context(r: &Resource) -> bool {
    !r.instance_operations.is_empty() || !r.children.is_empty()
}

fn emit_resource(cx: &Ctx<'_>, r: &Resource) -> TokenStream {
    let mut out = TokenStream::new();
    if has_list(r) {
        let list = ident(&r.list_type);
        let doc = format!(
            " Operations on the `{}` collection, `{}`.",
            r.name, r.collection_path
        );
        let methods = r
            .list_operations
            .iter()
            .map(|&i| verb_method(cx, &cx.api.operations[i]));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #list(rtp::Scope);
            impl #list {
                #(#methods)*
            }
        });
    }
    if has_context(r) {
        let ctx = ident(&r.context_type);
        let path = r
            .instance_path
            .clone()
            .unwrap_or_else(|| format!("{}/{{..}}", r.collection_path));
        let doc = format!(
            " Operations on one `{}`, `{}`, and its nested resources.",
            r.name, path
        );
        let methods = r
            .instance_operations
            .iter()
            .map(|&i| verb_method(cx, &cx.api.operations[i]));
        let children = r
            .children
            .iter()
            .map(|c| accessors(cx, c, quote!(self.0.clone()), quote!(self.0)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #ctx(rtp::Scope);
            impl #ctx {
                #(#methods)*
                #(#children)*
            }
        });
    }
    for &i in r.list_operations.iter().chain(&r.instance_operations) {
        out.extend(emit_builder(cx, &cx.api.operations[i]));
    }
    for c in &r.children {
        out.extend(emit_resource(cx, c));
    }
    out
}

fn op_line(op: &Operation) -> String {
    format!(
        "`{} {}` (operation `{}`).",
        op.method.as_str(),
        op.path,
        op.id
    )
}

fn op_doc(op: &Operation) -> String {
    op.doc.as_deref().map(sanitize).unwrap_or_else(|| {
        let what = match op.method {
            Method::Get => "Fetches",
            Method::Post => "Sends",
            Method::Put | Method::Patch => "Updates",
            Method::Delete => "Deletes",
        };
        format!("{what} `{}`.", op.path)
    })
}

fn param_doc(p: &Parameter) -> String {
    p.doc
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| format!("The `{}` parameter.", p.api_name))
}

/// Parameters of a builder that are arguments of its verb method: required ones that are not path parameters.
fn required_args(op: &Operation) -> impl Iterator<Item = &Parameter> {
    op.params
        .iter()
        .filter(|p| p.required && p.location != Location::Path)
}

/// `create(args)` on a list or context.
fn verb_method(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let verb = ident(&op.verb);
    let builder = ident(&op.builder);
    let spec = ident(&op.table);
    let args: Vec<(usize, &Parameter)> = table(op).filter(|(_, p)| p.required).collect();
    let arg_decls = args.iter().map(|(_, p)| {
        let name = ident(&p.name);
        let ty = match p.location {
            Location::JsonBody => type_tokens(&p.ty, Some(&cx.models)),
            Location::BinaryBody => {
                let (rt, into) = (&cx.rt, &cx.into);
                quote!(impl #into<#rt::UploadBody>)
            }
            _ => arg_type(cx, &p.wire_ty),
        };
        quote!(#name: #ty)
    });
    let sets = args.iter().map(|&(i, p)| set_call(i, p, &ident(&p.name)));
    let mut paragraphs = vec![
        op_doc(op),
        format!(
            "{} Optional parameters are methods of [`{}`]; `.await` it or call `.send()`.",
            op_line(op),
            op.builder
        ),
    ];
    if !args.is_empty() {
        let list: Vec<String> = args
            .iter()
            .map(|(_, p)| {
                format!(
                    "* `{}` (`{}`): {}",
                    p.name,
                    p.api_name,
                    param_doc(p).replace('\n', " ")
                )
            })
            .collect();
        paragraphs.push(format!("# Arguments\n\n{}", list.join("\n")));
    }
    let doc = doc_attrs(&paragraphs);
    let allow = (args.len() >= 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #allow
        pub fn #verb(&self, #(#arg_decls),*) -> #builder {
            #builder(self.0.call(&#spec)#(#sets)*)
        }
    }
}

/// The parameters in the operation's wire table, with their index there: all but the path parameters the
/// resource scope supplies (the runtime fills those from the path template).
fn table(op: &Operation) -> impl Iterator<Item = (usize, &Parameter)> {
    op.params
        .iter()
        .filter(|p| p.location != Location::Path || p.account_default)
        .enumerate()
}

/// `.set(index, value)` (or the variant for the parameter's type) storing parameter `index` from `value`.
fn set_call(index: usize, p: &Parameter, value: &syn::Ident) -> TokenStream {
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    if p.location == Location::JsonBody {
        return quote!(.json(&#value));
    }
    if p.location == Location::BinaryBody {
        return quote!(.upload(#value));
    }
    match &p.wire_ty {
        TypeRef::String | TypeRef::Uri => quote!(.set_str(#index, #value)),
        TypeRef::Enum(_) => quote!(.set(#index, #value.as_str())),
        TypeRef::Array(inner) => match &**inner {
            TypeRef::String | TypeRef::Uri => quote!(.set_strs(#index, #value)),
            TypeRef::Enum(_) => {
                quote!(.set_each(#index, #value.into_iter().map(|v| v.as_str().to_owned())))
            }
            _ => quote!(.set_each(#index, #value)),
        },
        _ => quote!(.set(#index, #value)),
    }
}

/// Whether the client file names a type of the models crate: a response, a JSON body, or a parameter whose wire
/// type is a model enum (structured parameters travel as `serde_json::Value`).
fn uses_models(api: &Api) -> bool {
    api.resources_flat().any(|r| r.context_sid.is_some())
        || api.operations.iter().any(|op| {
            let response = match &op.response {
                Response::Empty | Response::Binary => None,
                Response::Value(ty) | Response::Redirect(ty) => Some(ty.clone()),
                Response::Page { item, .. } => Some(item.clone()),
            };
            op.params
                .iter()
                .map(|p| match p.location {
                    Location::JsonBody => p.ty.clone(),
                    _ => p.wire_ty.clone(),
                })
                .chain(response)
                .any(|ty| ty.names_model())
        })
}

/// Argument type of a setter or verb argument.
fn arg_type(cx: &Ctx<'_>, wire_ty: &TypeRef) -> TokenStream {
    // Strings are borrowed (`&str`, `String`, `&String`...): they are percent-encoded straight into the request.
    let as_ref = &cx.as_ref;
    let iter = if cx.string.to_string() == "String" {
        quote!(IntoIterator)
    } else {
        quote!(::std::iter::IntoIterator)
    };
    match wire_ty.clone() {
        TypeRef::String | TypeRef::Uri => quote!(impl #as_ref<str>),
        TypeRef::Array(inner) => match *inner {
            TypeRef::String | TypeRef::Uri => quote!(impl #iter<Item = impl #as_ref<str>>),
            other => {
                let t = type_tokens(&other, Some(&cx.models));
                quote!(impl #iter<Item = #t>)
            }
        },
        other => type_tokens(&other, Some(&cx.models)),
    }
}

fn emit_builder(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&op.builder);
    let setters = table(op)
        .filter(|(_, p)| !p.required)
        .map(|(i, p)| {
            let f = ident(&p.name);
            let ty = arg_type(cx, &p.wire_ty);
            let set = set_call(
                i,
                p,
                &syn::Ident::new("value", proc_macro2::Span::call_site()),
            );
            let doc = doc_attrs(&[crate::docs::setter_doc(p)]);
            quote! {
                #doc
                pub fn #f(self, value: #ty) -> Self {
                    Self(self.0 #set)
                }
            }
        })
        .collect::<Vec<_>>();
    let upload = op.params.iter().any(|p| p.location == Location::BinaryBody);
    let (kind, macro_kind) = match &op.response {
        Response::Empty => (quote!(rtp::Empty), quote!(empty)),
        Response::Binary => (quote!(rtp::Binary), quote!(download)),
        Response::Value(ty) if upload => {
            let ty = type_tokens(ty, Some(&cx.models));
            (quote!(rtp::Upload<#ty>), quote!(upload(#ty)))
        }
        Response::Value(ty) => {
            let ty = type_tokens(ty, Some(&cx.models));
            (quote!(rtp::Value<#ty>), quote!(value(#ty)))
        }
        Response::Redirect(ty) => {
            let ty = type_tokens(ty, Some(&cx.models));
            (quote!(rtp::Redirect<#ty>), quote!(redirect(#ty)))
        }
        Response::Page { item, .. } => {
            let item = type_tokens(item, Some(&cx.models));
            (quote!(rtp::Paged<#item>), quote!(page(#item)))
        }
    };
    let params = table(op).map(|(_, p)| {
        let place = match p.location {
            Location::Path => quote!(account_path),
            Location::Query => quote!(query),
            Location::Header => quote!(header),
            Location::Form => quote!(form),
            Location::JsonBody => quote!(json),
            Location::BinaryBody => quote!(upload),
            Location::ContentType => quote!(header),
        };
        let key = &p.api_name;
        let sensitive = p.sensitive.then(|| quote!(.sensitive()));
        quote!(rtp::ParamSpec::#place(#key)#sensitive)
    });
    let form_body = (op.body_content_type.as_deref() == Some("application/x-www-form-urlencoded")
        && !op.params.iter().any(|p| p.location == Location::Form))
    .then(|| quote!(.form_body()));
    let page_key = match &op.response {
        Response::Page { records_key, .. } => Some(quote!(.page_key(#records_key))),
        _ => None,
    };
    let server = op.server.as_ref().map(|url| {
        let name = cx
            .api
            .servers
            .iter()
            .find(|(_, u)| u == url)
            .map(|(name, _)| ident(name));
        match name {
            Some(name) => quote!(.server(#name)),
            None => quote!(.server(#url)),
        }
    });
    // A raw body whose media type the description fixes (a range makes it a per-call argument instead).
    let content_type = op
        .body_content_type
        .as_ref()
        .filter(|_| upload)
        .filter(|_| {
            !op.params
                .iter()
                .any(|p| p.location == Location::ContentType)
        })
        .map(|ct| quote!(.content_type(#ct)));
    let spec = ident(&op.table);
    let id = &op.id;
    let template = &op.path;
    let doc = doc_attrs(&[op_doc(op), op_line(op)]);
    let setters = (!setters.is_empty()).then(|| quote!(impl #name { #(#setters)* }));
    // `GET`, `POST` and `DELETE` have their own constructor (one line less per operation); others name the method.
    let table = match op.method.as_str() {
        "GET" => quote!(rtp::OperationSpec::get(#id, #template, &[#(#params),*])),
        "POST" => quote!(rtp::OperationSpec::post(#id, #template, &[#(#params),*])),
        "DELETE" => quote!(rtp::OperationSpec::delete(#id, #template, &[#(#params),*])),
        other => {
            let method = ident(other);
            quote!(rtp::OperationSpec::new(#rt::Method::#method, #id, #template, &[#(#params),*]))
        }
    };
    quote! {
        static #spec: rtp::OperationSpec = #table #form_body #page_key #server #content_type;

        #doc
        #[must_use = "a request does nothing until it is sent with `.send()` or `.await`"]
        pub struct #name(rtp::Call<#kind>);

        rtp::operation!(#name: #macro_kind);

        #setters
    }
}

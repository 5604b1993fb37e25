//! Emits the client crate body: `Client`, one `XxxList`/`XxxContext` per resource along the URL hierarchy, and one
//! builder per operation that builds a runtime `Request` and hands it to one runtime function.

use crate::Settings;
use crate::docs::{doc_attrs, sanitize};
use crate::ir::{Api, Location, Method, Operation, Parameter, Resource, Response, TypeRef};
use crate::{ident, type_tokens};
use proc_macro2::TokenStream;
use quote::quote;

struct Ctx<'a> {
    api: &'a Api,
    rt: TokenStream,
    models: TokenStream,
}

/// Tokens of the client file.
pub fn emit(api: &Api, settings: &Settings) -> TokenStream {
    let rt_ident = ident(&settings.runtime_crate);
    let models_ident = ident(&settings.models_crate);
    let cx = Ctx {
        api,
        rt: quote!(::#rt_ident),
        models: quote!(::#models_ident),
    };
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
    let accessors = api
        .resources
        .iter()
        .map(|r| accessors(&cx, r, &[], quote!(self.inner)));
    let resources = api.resources.iter().map(|r| emit_resource(&cx, r));
    quote! {
        #[doc = #base_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;

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

/// `xs()` and `x(sid)` methods that open a child resource, given the path parameters the parent holds.
fn accessors(
    cx: &Ctx<'_>,
    r: &Resource,
    parent_params: &[String],
    client: TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    let pass = |names: &[String]| -> Vec<TokenStream> {
        names
            .iter()
            .zip(parent_params)
            .map(|(child, parent)| {
                let child = ident(child);
                let parent = ident(parent);
                quote!(#child: self.#parent.clone(),)
            })
            .collect()
    };
    let _ = cx;
    if has_list(r) {
        let list = ident(&format!("{}List", r.name));
        let method = ident(&r.list_accessor);
        let fields = pass(&r.list_params);
        let doc = format!(" The `{}` collection (`{}`).", r.name, r.collection_path);
        out.extend(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #list {
                #list { client: #client.clone(), #(#fields)* }
            }
        });
    }
    if has_context(r) {
        let ctx = ident(&format!("{}Context", r.name));
        let method = ident(&r.context_accessor);
        let fields = pass(&r.context_params);
        let own = r.context_params.last().map(|s| ident(s));
        let path = r
            .instance_path
            .clone()
            .unwrap_or_else(|| format!("{}/{{..}}", r.collection_path));
        let doc = format!(" One `{}` (`{}`).", r.name, path);
        if let Some(own) = own {
            out.extend(quote! {
                #[doc = #doc]
                pub fn #method(&self, #own: impl ::std::convert::Into<::std::string::String>) -> #ctx {
                    #ctx { client: #client.clone(), #(#fields)* #own: #own.into() }
                }
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
    let rt = &cx.rt;
    let mut out = TokenStream::new();
    if has_list(r) {
        let list = ident(&format!("{}List", r.name));
        let fields = r.list_params.iter().map(|p| {
            let p = ident(p);
            quote!(#p: ::std::string::String,)
        });
        let doc = format!(
            " Operations on the `{}` collection, `{}`.",
            r.name, r.collection_path
        );
        let methods = r
            .list_operations
            .iter()
            .map(|&i| verb_method(cx, &cx.api.operations[i], &r.list_params));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #list {
                client: #rt::Client,
                #(#fields)*
            }
            impl #list {
                #(#methods)*
            }
        });
    }
    if has_context(r) {
        let ctx = ident(&format!("{}Context", r.name));
        let fields = r.context_params.iter().map(|p| {
            let p = ident(p);
            quote!(#p: ::std::string::String,)
        });
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
            .map(|&i| verb_method(cx, &cx.api.operations[i], &r.context_params));
        let children = r
            .children
            .iter()
            .map(|c| accessors(cx, c, &r.context_params, quote!(self.client)));
        out.extend(quote! {
            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct #ctx {
                client: #rt::Client,
                #(#fields)*
            }
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
fn verb_method(cx: &Ctx<'_>, op: &Operation, held: &[String]) -> TokenStream {
    let verb = ident(&op.verb);
    let builder = ident(&op.builder);
    let path_fields = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path && !p.account_default)
        .zip(held)
        .map(|(p, h)| {
            let f = ident(&p.name);
            let h = ident(h);
            quote!(#f: self.#h.clone(),)
        });
    let args: Vec<&Parameter> = required_args(op).collect();
    let arg_decls = args.iter().map(|p| {
        let name = ident(&p.name);
        let rt = &cx.rt;
        let ty = if p.location == Location::JsonBody {
            type_tokens(&p.ty, Some(&cx.models))
        } else if p.location == Location::BinaryBody {
            quote!(impl ::std::convert::Into<#rt::UploadBody>)
        } else {
            arg_type(cx, &p.ty)
        };
        quote!(#name: #ty)
    });
    let arg_inits = args.iter().map(|p| {
        let name = ident(&p.name);
        let value = if p.location == Location::JsonBody && p.ty != TypeRef::Json {
            // Serializing a generated model cannot fail (string keys only); `Null` is the unreachable fallback.
            quote!(::serde_json::to_value(&#name).unwrap_or_default())
        } else if p.location == Location::BinaryBody {
            quote!(#name.into())
        } else {
            arg_convert(&p.ty, quote!(#name))
        };
        if name == value.to_string() {
            quote!(#name,)
        } else {
            quote!(#name: #value,)
        }
    });
    let optional_inits = op.params.iter().filter(|p| !p.required).map(|p| {
        let name = ident(&p.name);
        if matches!(p.ty, TypeRef::Array(_)) {
            quote!(#name: ::std::vec::Vec::new(),)
        } else {
            quote!(#name: ::std::option::Option::None,)
        }
    });
    let limit_init = matches!(op.response, Response::Page { .. })
        .then(|| quote!(limit: ::std::option::Option::None,));
    let mut paragraphs = vec![op_doc(op), op_line(op)];
    if !args.is_empty() {
        let list: Vec<String> = args
            .iter()
            .map(|p| {
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
    paragraphs.push(format!(
        "Optional parameters are methods of [`{}`]; send it with `.send()` or `.await`.",
        op.builder
    ));
    let doc = doc_attrs(&paragraphs);
    let allow = (args.len() >= 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #allow
        pub fn #verb(&self, #(#arg_decls),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#path_fields)*
                #(#arg_inits)*
                #(#optional_inits)*
                #limit_init
                options: ::std::option::Option::None,
            }
        }
    }
}

/// Types a parameter can take on the wire: structured values are sent as JSON text.
fn wire_type(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Struct(_) | TypeRef::Map(_) | TypeRef::OneOf(_) | TypeRef::Boxed(_) => {
            TypeRef::Json
        }
        TypeRef::DateTimeRfc2822 => TypeRef::DateTime,
        TypeRef::Array(inner) => match wire_type(inner) {
            TypeRef::Array(_) => TypeRef::Array(Box::new(TypeRef::Json)),
            inner => TypeRef::Array(Box::new(inner)),
        },
        other => other.clone(),
    }
}

/// Type of the stored value in the builder.
fn stored_type(cx: &Ctx<'_>, ty: &TypeRef) -> TokenStream {
    type_tokens(&wire_type(ty), Some(&cx.models))
}

/// Argument type of a setter or verb argument.
fn arg_type(cx: &Ctx<'_>, ty: &TypeRef) -> TokenStream {
    match wire_type(ty) {
        TypeRef::String | TypeRef::Uri => quote!(impl ::std::convert::Into<::std::string::String>),
        TypeRef::Array(inner) => match *inner {
            TypeRef::String | TypeRef::Uri => {
                quote!(
                    impl ::std::iter::IntoIterator<
                        Item = impl ::std::convert::Into<::std::string::String>,
                    >
                )
            }
            other => {
                let t = type_tokens(&other, Some(&cx.models));
                quote!(impl ::std::iter::IntoIterator<Item = #t>)
            }
        },
        other => type_tokens(&other, Some(&cx.models)),
    }
}

fn arg_convert(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match wire_type(ty) {
        TypeRef::String | TypeRef::Uri => quote!(#value.into()),
        TypeRef::Array(inner) => match *inner {
            TypeRef::String | TypeRef::Uri => {
                quote!(#value.into_iter().map(::std::convert::Into::into).collect())
            }
            _ => quote!(#value.into_iter().collect()),
        },
        _ => value,
    }
}

fn emit_builder(cx: &Ctx<'_>, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&op.builder);
    let is_page = matches!(op.response, Response::Page { .. });
    let fields = op.params.iter().map(|p| {
        let f = ident(&p.name);
        let ty = if p.location == Location::Path {
            quote!(::std::string::String)
        } else if p.location == Location::BinaryBody {
            quote!(#rt::UploadBody)
        } else {
            stored_type(cx, &p.ty)
        };
        let ty = if p.required || matches!(p.ty, TypeRef::Array(_)) {
            ty
        } else {
            quote!(::std::option::Option<#ty>)
        };
        quote!(#f: #ty,)
    });
    let limit_field = is_page.then(|| quote!(limit: ::std::option::Option<u64>,));
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let f = ident(&p.name);
        let ty = arg_type(cx, &p.ty);
        let value = arg_convert(&p.ty, quote!(value));
        let assign = if matches!(p.ty, TypeRef::Array(_)) {
            quote!(self.#f = #value;)
        } else {
            quote!(self.#f = ::std::option::Option::Some(#value);)
        };
        let mut paragraphs = vec![param_doc(p)];
        paragraphs.push(match p.location {
            Location::Path => format!(
                "The `{{{}}}` path segment; when not set, the account of the client's credentials \
                 (`Client::account_sid` of the runtime).",
                p.api_name
            ),
            Location::Header => format!("Sent as the `{}` header.", p.api_name),
            Location::Query => format!("Sent as the `{}` query parameter.", p.api_name),
            _ => format!("Sent as the `{}` form field.", p.api_name),
        });
        if matches!(p.ty, TypeRef::Array(_)) {
            paragraphs.push(
                "Each item is sent as a repeated key; replaces any earlier value.".to_owned(),
            );
        }
        let doc = doc_attrs(&paragraphs);
        quote! {
            #doc
            pub fn #f(mut self, value: #ty) -> Self {
                #assign
                self
            }
        }
    });
    let response_ty = match &op.response {
        Response::Empty => quote!(()),
        Response::Value(ty) | Response::Redirect(ty) => type_tokens(ty, Some(&cx.models)),
        Response::Page { item, .. } => {
            let item = type_tokens(item, Some(&cx.models));
            quote!(#rt::Page<#item>)
        }
        Response::Binary => quote!(#rt::Download),
    };
    let upload = op.params.iter().any(|p| p.location == Location::BinaryBody);
    let send_body = match &op.response {
        Response::Value(_) if upload => {
            quote!(client.execute_upload(self.into_request()).await)
        }
        Response::Binary => quote!(client.execute_download(self.into_request()).await),
        Response::Empty => quote!(client.execute_empty(self.into_request()).await),
        Response::Value(_) => quote!(client.execute(self.into_request()).await),
        Response::Redirect(_) => quote!(client.execute_redirect(self.into_request()).await),
        Response::Page { .. } => quote!(client.execute_page(self.into_request()).await),
    };
    let send_doc = match &op.response {
        Response::Value(_) if upload => " Sends the request with its body, streamed as it is read, and decodes the \
            response. Sent once, never retried: a repeated upload could store the file twice."
            .to_owned(),
        Response::Binary => " Sends the request and returns the response body as a stream of bytes; the client's \
            timeout bounds each wait for data, not the whole transfer."
            .to_owned(),
        Response::Empty => " Sends the request; `Ok(())` on any 2xx status.".to_owned(),
        Response::Value(_) => " Sends the request and decodes the response.".to_owned(),
        Response::Redirect(_) => " Sends the request and decodes the body of the redirect the API answers with; the \
            redirect is not followed (its location is in the body)."
            .to_owned(),
        Response::Page { .. } => {
            " Sends the request and returns the first page; follow it with `Client::next_page` of the runtime, or use [`Self::stream`].".to_owned()
        }
    };
    let page_methods = match &op.response {
        Response::Page { item, .. } => {
            let item = type_tokens(item, Some(&cx.models));
            quote! {
                /// Stops after this many records in total (across pages) when streaming.
                pub fn limit(mut self, limit: u64) -> Self {
                    self.limit = ::std::option::Option::Some(limit);
                    self
                }

                /// Streams every record, fetching the next page when needed, up to [`Self::limit`] records.
                pub fn stream(self) -> #rt::ItemStream<#item> {
                    let client = self.client.clone();
                    let limit = self.limit;
                    client.stream(self.into_request(), limit)
                }
            }
        }
        _ => TokenStream::new(),
    };

    // into_request: path, query, form, headers, options. Path parameters are substituted (and checked) by
    // the runtime from the template, so the generated code only names them.
    let path_args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| {
            let f = ident(&p.name);
            let key = &p.api_name;
            if p.account_default {
                quote!((#key, self.#f.as_deref().unwrap_or(self.client.account_sid())))
            } else {
                quote!((#key, self.#f.as_str()))
            }
        })
        .collect();
    let template = &op.path;
    let query_pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| push(p, quote!(query)))
        .collect();
    let form_pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Form)
        .map(|p| push(p, quote!(form)))
        .collect();
    let query = (!query_pushes.is_empty()).then(|| {
        quote! {
            let mut query = #rt::Params::new();
            #(#query_pushes)*
            request = request.query(query);
        }
    });
    let form = (!form_pushes.is_empty()
        || op.body_content_type.as_deref() == Some("application/x-www-form-urlencoded"))
    .then(|| {
        let decl = if form_pushes.is_empty() {
            quote!(let form)
        } else {
            quote!(let mut form)
        };
        quote! {
            #decl = #rt::Params::new();
            #(#form_pushes)*
            request = request.form(form);
        }
    });
    let json = op
        .params
        .iter()
        .find(|p| p.location == Location::JsonBody)
        .map(|p| {
            let f = ident(&p.name);
            quote!(request = request.json(self.#f);)
        });
    let upload_body = op
        .params
        .iter()
        .find(|p| p.location == Location::BinaryBody)
        .map(|p| {
            let f = ident(&p.name);
            quote!(request = request.upload(self.#f);)
        });
    let content_type = match op
        .params
        .iter()
        .find(|p| p.location == Location::ContentType)
    {
        Some(p) => {
            let f = ident(&p.name);
            Some(quote!(request = request.header("Content-Type", self.#f);))
        }
        None => upload_body
            .as_ref()
            .and(op.body_content_type.as_ref())
            .map(|fixed| quote!(request = request.header("Content-Type", #fixed);)),
    };
    let server = op
        .server
        .as_ref()
        .map(|url| quote!(request = request.server(#url);));
    let headers = op
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .map(|p| {
            let f = ident(&p.name);
            let key = &p.api_name;
            let v = param_expr(&p.ty, quote!(value));
            if p.required {
                quote! {
                    let value = &self.#f;
                    request = request.header(#key, #rt::ParamValue::to_param(&#v));
                }
            } else {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#f {
                        request = request.header(#key, #rt::ParamValue::to_param(&#v));
                    }
                }
            }
        });
    let page_key = match &op.response {
        Response::Page { records_key, .. } => {
            Some(quote!(request = request.page_key(#records_key);))
        }
        _ => None,
    };
    let method = ident(op.method.as_str());
    let id = &op.id;
    let new_request = if path_args.is_empty() {
        quote!(#rt::Request::new(#rt::Method::#method, #id, ::std::string::String::from(#template)))
    } else {
        quote!(#rt::Request::with_path_params(#rt::Method::#method, #id, #template, &[#(#path_args),*]))
    };
    let mut paragraphs = vec![op_doc(op), op_line(op)];
    paragraphs.push(format!(
        "Created by the `{}` method of its list or context; set optional parameters, then `.send()` or `.await` it.",
        op.verb
    ));
    let doc = doc_attrs(&paragraphs);

    // A streamed body is sent once: such a builder cannot be cloned.
    let derives = if upload {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    quote! {
        #doc
        #derives
        #[must_use = "a request does nothing until it is sent with `.send()` or `.await`"]
        pub struct #name {
            client: #rt::Client,
            #(#fields)*
            #limit_field
            options: ::std::option::Option<#rt::RequestOptions>,
        }

        impl #name {
            #(#setters)*

            /// Per-request timeout and retry settings, overriding the client's.
            pub fn request_options(mut self, options: #rt::RequestOptions) -> Self {
                self.options = ::std::option::Option::Some(options);
                self
            }

            #page_methods

            #[doc = #send_doc]
            pub async fn send(self) -> ::std::result::Result<#response_ty, #rt::Error> {
                let client = self.client.clone();
                #send_body
            }

            fn into_request(self) -> #rt::Request {
                let mut request = #new_request;
                #query
                #form
                #json
                #upload_body
                #content_type
                #server
                #(#headers)*
                #page_key
                if let ::std::option::Option::Some(options) = self.options {
                    request = request.options(options);
                }
                request
            }
        }

        impl ::std::future::IntoFuture for #name {
            type Output = ::std::result::Result<#response_ty, #rt::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send>>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    }
}

/// An expression of a type implementing `ParamValue` for one stored value `v` (a reference or a value).
fn param_expr(ty: &TypeRef, v: TokenStream) -> TokenStream {
    match wire_type(ty) {
        TypeRef::Enum(_) => quote!(#v.as_str()),
        _ => v,
    }
}

/// `params.push*(key, value)` for one query or form parameter.
fn push(p: &Parameter, params: TokenStream) -> TokenStream {
    let f = ident(&p.name);
    let key = &p.api_name;
    match wire_type(&p.ty) {
        TypeRef::Array(inner) => match *inner {
            TypeRef::Enum(_) => {
                quote!(#params.push_each(#key, self.#f.iter().map(|value| value.as_str()));)
            }
            _ => quote!(#params.push_each(#key, self.#f);),
        },
        TypeRef::Enum(_) if p.required => quote!(#params.push(#key, self.#f.as_str());),
        TypeRef::Enum(_) => {
            quote!(#params.push_opt(#key, self.#f.as_ref().map(|value| value.as_str()));)
        }
        _ if p.required => quote!(#params.push(#key, self.#f);),
        _ => quote!(#params.push_opt(#key, self.#f);),
    }
}

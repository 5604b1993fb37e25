//! Generates a typed async Rust client and its models from a Twilio OpenAPI description.
//!
//! The pipeline has no IO: `parse` (openapiv3, from a `&str` of JSON) -> `lower` into a named IR ([`ir`]) ->
//! emit tokens with `quote` (models and client) -> render with `syn::parse2::<syn::File>` + `prettyplease`.
//! Output is deterministic: the same description and [`Settings`] always give the same bytes.
//!
//! ```
//! let spec = r##"{"openapi": "3.0.1", "info": {"title": "Demo", "version": "1"},
//!   "servers": [{"url": "https://demo.twilio.com"}],
//!   "paths": {"/v1/Things/{Sid}": {"get": {"operationId": "FetchThing",
//!     "parameters": [{"name": "Sid", "in": "path", "required": true, "schema": {"type": "string"}}],
//!     "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}}}},
//!   "components": {"schemas": {"thing": {"type": "object", "properties": {"sid": {"type": "string", "nullable": true}}}}}}"##;
//! let generated = twilio_codegen::generate(spec, &twilio_codegen::Settings::new("demo.json", "demo_models", "demo")).unwrap();
//! assert_eq!(generated.operations, 1);
//! assert!(generated.files["demo/src/generated/mod.rs"].contains("pub struct FetchThing"));
//! ```

pub mod ir;
pub mod naming;

mod docs;
mod emit_client;
mod emit_dispatch;
mod emit_local;
mod emit_models;
mod error;
mod ir_text;
mod lower;

pub use emit_local::{LocalSettings, generate_local};
pub use error::Error;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Options of one generation run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How the description is named in the header line of every file (`spec/chat-v2.json`).
    pub spec_path_display: String,
    /// Rust name of the models crate, as the client refers to it (`twilio_chat_v2_models`).
    pub models_crate: String,
    /// Rust name of the runtime crate (`twilio_rest_runtime`).
    pub runtime_crate: String,
    /// Directory of the generated models file, relative to the output root (`crates/chat-v2-models/src/generated`).
    pub models_dir: String,
    /// Directory of the generated client file, relative to the output root (`crates/chat-v2/src/generated`).
    pub client_dir: String,
    /// Rust name of the client crate, as the conformance dispatch refers to it (`twilio_chat_v2`).
    pub client_crate: String,
    /// Path of the plain-text snapshot of the IR (`crates/chat-v2/src/generated/ir.txt`), when one is wanted.
    pub ir_path: Option<String>,
    /// Directory of the generated conformance dispatch (`crates/conformance/src/generated`), when one is wanted.
    pub dispatch_dir: Option<String>,
}

impl Settings {
    /// Settings for a crate pair named `client_name` and `models_name` (package names with `-` or `_`), with files
    /// under `<models_name>/src/generated` and `<client_name>/src/generated`, and the `twilio_rest_runtime` runtime.
    pub fn new(spec_path_display: &str, models_name: &str, client_name: &str) -> Self {
        Self {
            spec_path_display: spec_path_display.to_owned(),
            models_crate: models_name.replace('-', "_"),
            runtime_crate: "twilio_rest_runtime".to_owned(),
            models_dir: format!("{models_name}/src/generated"),
            client_dir: format!("{client_name}/src/generated"),
            client_crate: client_name.replace('-', "_"),
            ir_path: None,
            dispatch_dir: None,
        }
    }

    /// The settings of this repository: `spec/chat-v2.json` into `crates/chat-v2-models` and `crates/chat-v2`, and
    /// the dispatch of the conformance tests into `crates/conformance`.
    pub fn chat_v2() -> Self {
        Self {
            spec_path_display: "spec/chat-v2.json".to_owned(),
            models_crate: "twilio_chat_v2_models".to_owned(),
            runtime_crate: "twilio_rest_runtime".to_owned(),
            models_dir: "crates/chat-v2-models/src/generated".to_owned(),
            client_dir: "crates/chat-v2/src/generated".to_owned(),
            client_crate: "twilio_chat_v2".to_owned(),
            ir_path: Some("crates/chat-v2/src/generated/ir.txt".to_owned()),
            dispatch_dir: Some("crates/conformance/src/generated".to_owned()),
        }
    }
}

/// The output of [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File contents keyed by path relative to the output root.
    pub files: BTreeMap<String, String>,
    /// Number of model structs.
    pub structs: usize,
    /// Number of model enums (string enums and `oneOf` enums).
    pub enums: usize,
    /// Number of operations (one builder each).
    pub operations: usize,
}

/// Generates the models and client files for a description given as JSON text.
pub fn generate(spec_json: &str, settings: &Settings) -> Result<Generated, Error> {
    let api = lower::lower(spec_json)?;
    generate_from_ir(&api, settings)
}

/// Parses and lowers a description into the IR, without emitting anything.
pub fn lower(spec_json: &str) -> Result<ir::Api, Error> {
    lower::lower(spec_json)
}

/// Emits and renders the files of an already lowered API.
pub fn generate_from_ir(api: &ir::Api, settings: &Settings) -> Result<Generated, Error> {
    for (what, name) in [
        ("models_crate", &settings.models_crate),
        ("runtime_crate", &settings.runtime_crate),
        ("client_crate", &settings.client_crate),
    ] {
        if syn::parse_str::<syn::Ident>(name).is_err() {
            return Err(Error::new(
                None,
                "",
                format!("settings: {what} `{name}` is not a Rust identifier"),
            ));
        }
    }
    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/mod.rs", settings.models_dir),
        render(emit_models::emit(api), settings, "models")?,
    );
    files.insert(
        format!("{}/mod.rs", settings.client_dir),
        render(emit_client::emit(api, settings), settings, "client")?,
    );
    if let Some(path) = &settings.ir_path {
        let header = format!(
            "# {}",
            header(&settings.spec_path_display).trim_start_matches("// ")
        );
        files.insert(path.clone(), ir_text::render(api, &header));
    }
    if let Some(dir) = &settings.dispatch_dir {
        files.insert(
            format!("{dir}/mod.rs"),
            render(emit_dispatch::emit(api, settings)?, settings, "dispatch")?,
        );
    }
    let structs = api
        .schemas
        .values()
        .filter(|s| matches!(s, ir::Schema::Struct(_)))
        .count();
    Ok(Generated {
        files,
        structs,
        enums: api.schemas.len() - structs,
        operations: api.operations.len(),
    })
}

/// The header line of every generated file.
pub fn header(spec_path_display: &str) -> String {
    format!("// @generated by `cargo xtask codegen` from {spec_path_display}. Do not edit.\n")
}

fn render(tokens: TokenStream, settings: &Settings, what: &str) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| {
        Error::new(
            None,
            "",
            format!("internal: generated {what} code does not parse: {e}"),
        )
    })?;
    Ok(format!(
        "{}{}",
        header(&settings.spec_path_display),
        prettyplease::unparse(&file)
    ))
}

/// An identifier from a name made by [`naming`] (always valid; never panics).
pub(crate) fn ident(name: &str) -> syn::Ident {
    syn::parse_str::<syn::Ident>(name)
        .unwrap_or_else(|_| format_ident!("invalid_identifier_{}", name.len()))
}

/// Tokens of a type; `models` is the path of the models crate when emitting outside it.
pub(crate) fn type_tokens(ty: &ir::TypeRef, models: Option<&TokenStream>) -> TokenStream {
    use ir::TypeRef as T;
    match ty {
        T::String | T::Uri => quote!(::std::string::String),
        T::DateTime | T::DateTimeRfc2822 => quote!(::twilio_rest_time::Timestamp),
        T::Date => quote!(::twilio_rest_time::Date),
        T::I32 => quote!(i32),
        T::I64 => quote!(i64),
        T::F32 => quote!(f32),
        T::F64 => quote!(f64),
        T::Bool => quote!(bool),
        T::Json => quote!(::serde_json::Value),
        T::Map(value) => {
            let value = type_tokens(value, models);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        T::Array(inner) => {
            let inner = type_tokens(inner, models);
            quote!(::std::vec::Vec<#inner>)
        }
        T::Boxed(inner) => {
            let inner = type_tokens(inner, models);
            quote!(::std::boxed::Box<#inner>)
        }
        T::Struct(name) | T::Enum(name) | T::OneOf(name) => {
            let name = ident(name);
            match models {
                Some(m) => quote!(#m::#name),
                None => quote!(#name),
            }
        }
    }
}

//! Generates a typed async Rust client and its models from a Twilio OpenAPI description.
//!
//! The pipeline has no IO and reads top-down: parse (openapiv3, from a `&str` of JSON) -> [`lower`] into a named
//! IR ([`ir`]) -> emit tokens with `quote` (models, client, and when [`Settings`] asks for them the conformance
//! dispatch, the local service's route table and the typed webhook events) -> render with
//! `syn::parse2::<syn::File>` + `prettyplease`. Every emitter reads only the IR. Output is deterministic: the same
//! description and [`Settings`] always give the same bytes.
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
mod emit;
mod error;
mod ir_text;
mod lower;
mod settings;
mod tokens;

pub use emit::Generated;
pub use error::Error;
pub use settings::{DispatchSettings, LocalSettings, Settings, WebhookSettings};

/// Generates every file [`Settings`] asks for from a description given as JSON text.
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
    emit::emit(api, settings)
}

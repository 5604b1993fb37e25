//! Malformed or unsupported descriptions give an `Err` naming the operationId and the JSON pointer.

use twilio_codegen::{Settings, generate};

fn check(spec: &str, expected: &str) {
    match generate(spec, &Settings::new("spec.json", "models", "client")) {
        Ok(_) => panic!("expected an error containing {expected:?}, got Ok"),
        Err(e) => assert_eq!(e.to_string(), expected),
    }
}

/// A one-operation description around `operation` at `/v1/Things/{Sid}` (get), plus `schemas`.
fn with_operation(operation: &str, schemas: &str) -> String {
    format!(
        r#"{{"openapi": "3.0.1", "info": {{"title": "T", "version": "1"}},
        "paths": {{"/v1/Things/{{Sid}}": {{"get": {operation}}}}},
        "components": {{"schemas": {{{schemas}}}}}}}"#
    )
}

const SID: &str =
    r#"{"name": "Sid", "in": "path", "required": true, "schema": {"type": "string"}}"#;
const OK: &str = r##"{"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}"##;
const THING: &str = r#""thing": {"type": "object", "properties": {"sid": {"type": "string"}}}"#;

#[test]
fn invalid_json() {
    check(
        "{\"openapi\": ",
        "invalid JSON: EOF while parsing a value at line 1 column 12",
    );
}

#[test]
fn not_openapi() {
    let e = generate(
        r#"{"swagger": "2.0"}"#,
        &Settings::new("spec.json", "models", "client"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("not an OpenAPI 3.0 description: missing field"),
        "{e}"
    );
}

#[test]
fn ref_to_missing_schema() {
    let op = format!(
        r##"{{"operationId": "FetchThing", "parameters": [{SID}],
        "responses": {{"200": {{"description": "OK", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/nothing"}}}}}}}}}}}}"##
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/responses/200/content/application~1json/schema: $ref to missing schema #/components/schemas/nothing",
    );
}

#[test]
fn ref_to_missing_schema_in_component() {
    let op =
        format!(r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {OK}}}"#);
    let schemas = r##""thing": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/owner"}}}"##;
    check(
        &with_operation(&op, schemas),
        "/components/schemas/thing/properties/owner: $ref to missing schema #/components/schemas/owner",
    );
}

#[test]
fn missing_operation_id() {
    let op = format!(r#"{{"parameters": [{SID}], "responses": {OK}}}"#);
    check(
        &with_operation(&op, THING),
        "/paths/~1v1~1Things~1{Sid}/get: missing operationId",
    );
}

#[test]
fn unsupported_cookie_parameter() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}, {{"name": "session", "in": "cookie", "schema": {{"type": "string"}}}}], "responses": {OK}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/parameters/1: unsupported parameter location cookie",
    );
}

#[test]
fn path_parameter_not_in_template() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}, {{"name": "ServiceSid", "in": "path", "required": true, "schema": {{"type": "string"}}}}], "responses": {OK}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/parameters/1: path parameter ServiceSid is not in the path template /v1/Things/{Sid}",
    );
}

#[test]
fn template_parameter_not_declared() {
    let op = format!(r#"{{"operationId": "FetchThing", "responses": {OK}}}"#);
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get: path template parameter {Sid} is not declared",
    );
}

#[test]
fn duplicate_operation_id() {
    let spec = r#"{"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, "paths": {
        "/v1/A": {"get": {"operationId": "Same", "responses": {"204": {"description": "gone"}}}},
        "/v1/B": {"get": {"operationId": "Same", "responses": {"204": {"description": "gone"}}}}}}"#;
    check(spec, "Same /paths/~1v1~1B/get: duplicate operationId");
}

#[test]
fn unsupported_body_content_type() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {OK},
        "requestBody": {{"content": {{"multipart/form-data": {{"schema": {{"type": "object"}}}}}}}}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/requestBody/content: unsupported request body content type multipart/form-data",
    );
}

#[test]
fn no_success_response() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {{"404": {{"description": "no"}}}}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/responses: no 2xx response",
    );
}

#[test]
fn circular_alias() {
    let op =
        format!(r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {OK}}}"#);
    let schemas = r##""thing": {"type": "object", "properties": {"tags": {"$ref": "#/components/schemas/tags"}}},
        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/tags"}}"##;
    check(
        &with_operation(&op, schemas),
        "/components/schemas/tags/items: $ref #/components/schemas/tags is circular (an alias that contains itself)",
    );
}

#[test]
fn redirect_without_body_schema() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {{"307": {{"description": "elsewhere"}}}}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/responses/307: no 2xx response, and the redirect has no body schema",
    );
}

#[test]
fn one_of_member_ref_to_missing_schema() {
    let op =
        format!(r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {OK}}}"#);
    let schemas = r##""thing": {"type": "object", "properties": {"shape": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/circle"}]}}}"##;
    check(
        &with_operation(&op, schemas),
        "/components/schemas/thing/properties/shape/oneOf/1: $ref to missing schema #/components/schemas/circle",
    );
}

#[test]
fn non_json_response() {
    let op = format!(
        r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {{"200": {{"description": "TwiML", "content": {{"application/xml": {{"schema": {{"type": "string"}}}}}}}}}}}}"#
    );
    check(
        &with_operation(&op, THING),
        "FetchThing /paths/~1v1~1Things~1{Sid}/get/responses/200/content: unsupported response content type application/xml (only JSON)",
    );
}

#[test]
fn settings_crate_paths() {
    let spec = with_operation(
        &format!(r#"{{"operationId": "FetchThing", "parameters": [{SID}], "responses": {OK}}}"#),
        THING,
    );
    for bad in [
        "crate::models",
        "::models",
        "models<T>",
        "two words",
        "super::x",
    ] {
        let mut settings = Settings::new("spec.json", "models", "client");
        settings.models_crate = bad.to_owned();
        match generate(&spec, &settings) {
            Ok(_) => panic!("models_crate {bad:?} was accepted"),
            Err(e) => assert_eq!(
                e.to_string(),
                format!(
                    "settings: models_crate `{bad}` is not a crate name or a path into a crate (`name` or `name::module`)"
                )
            ),
        }
    }
    // A module of a crate is a valid home for the models of a small description.
    let mut settings = Settings::new("spec.json", "models", "client");
    settings.models_crate = "models::v3".to_owned();
    let generated = generate(&spec, &settings).expect("a path into a crate");
    let client = &generated.files["client/src/generated/mod.rs"];
    assert!(client.contains("use ::models::v3 as models;"), "{client}");
}

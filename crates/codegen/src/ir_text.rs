//! A plain-text rendering of the IR, committed beside the generated code (`cargo xtask codegen` writes it and
//! `--check` checks it), so a reviewer sees what changed in the model of the API (a type, a wire name, a house
//! rule) before reading the token changes it causes. One fact per line, in IR order; descriptions are omitted
//! (they show in the generated docs).

use crate::ir::{Api, Location, Operation, Resource, Response, Schema, TypeRef};
use std::fmt::Write as _;

/// The text of `api`, after `header` (a comment line naming the command that writes it).
pub fn render(api: &Api, header: &str) -> String {
    let mut out = String::new();
    out.push_str(header);
    let _ = writeln!(out, "api {:?} version {:?}", api.title, api.version);
    if let Some(url) = &api.base_url {
        let _ = writeln!(out, "base_url {url}");
    }
    for (name, url) in &api.servers {
        let _ = writeln!(out, "server {name} {url}");
    }
    out.push_str("\n# models\n");
    for schema in api.schemas.values() {
        match schema {
            Schema::Struct(s) => {
                let _ = writeln!(out, "struct {} ({})", s.name, s.api_name);
                for f in &s.fields {
                    let mut flags = Vec::new();
                    if f.required {
                        flags.push("required");
                    }
                    if f.nullable {
                        flags.push("nullable");
                    }
                    if f.flatten {
                        flags.push("flatten");
                    }
                    if f.optional() {
                        flags.push("Option");
                    }
                    let _ = writeln!(
                        out,
                        "  {}: {} `{}` [{}]",
                        f.name,
                        ty(&f.ty),
                        f.api_name,
                        flags.join(", ")
                    );
                }
            }
            Schema::Enum(e) => {
                let values: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| format!("{}=`{}`", v.name, v.api_name))
                    .collect();
                let _ = writeln!(
                    out,
                    "enum {} ({}): {}; other: {}",
                    e.name,
                    e.api_name,
                    values.join(" "),
                    e.unknown
                );
            }
            Schema::OneOf(u) => {
                let _ = writeln!(
                    out,
                    "one_of {} ({}); other: {}",
                    u.name, u.api_name, u.other
                );
                for v in &u.variants {
                    let _ = writeln!(
                        out,
                        "  {}: {} requires [{}]",
                        v.name,
                        ty(&v.ty),
                        v.required_keys.join(", ")
                    );
                }
            }
        }
    }
    out.push_str("\n# resources\n");
    for r in &api.resources {
        resource(&mut out, api, r, 0);
    }
    out
}

fn resource(out: &mut String, api: &Api, r: &Resource, depth: usize) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}resource {} list {} {}() {} context {} {}({}) {}",
        r.name,
        r.list_type,
        r.list_accessor,
        r.collection_path,
        r.context_type,
        r.context_accessor,
        r.context_param.as_deref().unwrap_or(""),
        r.instance_path.as_deref().unwrap_or("-"),
    );
    for &i in r.list_operations.iter().chain(&r.instance_operations) {
        operation(out, &api.operations[i], depth + 1);
    }
    for c in &r.children {
        resource(out, api, c, depth + 1);
    }
}

fn operation(out: &mut String, op: &Operation, depth: usize) {
    let pad = "  ".repeat(depth);
    let response = match &op.response {
        Response::Empty => "()".to_owned(),
        Response::Value(t) => ty(t),
        Response::Redirect(t) => format!("redirect {}", ty(t)),
        Response::Page { records_key, item } => format!("page `{records_key}` of {}", ty(item)),
        Response::Binary => "bytes".to_owned(),
    };
    let _ = writeln!(
        out,
        "{pad}op {} {} {} -> {}: {}() builds {} table {}{}{}",
        op.id,
        op.method.as_str(),
        op.path,
        response,
        op.verb,
        op.builder,
        op.table,
        op.body_content_type
            .as_deref()
            .map(|c| format!(" body {c}"))
            .unwrap_or_default(),
        op.server
            .as_deref()
            .map(|s| format!(" on {s}"))
            .unwrap_or_default()
    );
    for p in &op.params {
        let place = match p.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "form",
            Location::JsonBody => "json",
            Location::BinaryBody => "bytes",
            Location::ContentType => "content type",
        };
        let mut flags = vec![if p.required { "required" } else { "optional" }];
        if p.account_default {
            flags.push("account default");
        }
        if p.sensitive {
            flags.push("sensitive");
        }
        let wire = if p.wire_ty == p.ty {
            String::new()
        } else {
            format!(" sent as {}", ty(&p.wire_ty))
        };
        let _ = writeln!(
            out,
            "{pad}  {place} `{}` {}: {}{wire} [{}]",
            p.api_name,
            p.name,
            ty(&p.ty),
            flags.join(", ")
        );
    }
}

fn ty(t: &TypeRef) -> String {
    match t {
        TypeRef::Map(v) => format!("Map<{}>", ty(v)),
        TypeRef::Array(v) => format!("Vec<{}>", ty(v)),
        TypeRef::Boxed(v) => format!("Box<{}>", ty(v)),
        TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::OneOf(n) => n.clone(),
        other => format!("{other:?}"),
    }
}

//! A plain-text rendering of the IR, committed beside the generated code (`cargo xtask codegen` writes it and
//! `--check` checks it), so a reviewer sees what changed in the model of the API (a type, a wire name, a house
//! rule) before reading the token changes it causes. One fact per line, in IR order; descriptions are omitted
//! (they show in the generated docs).

use crate::ir::{
    Api, EventKind, EventParam, Literal, Location, Operation, Resource, Response, Schema, TypeRef,
    Webhooks,
};
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
    if !api.sid_types.is_empty() {
        out.push_str("\n# typed SIDs\n");
        for t in &api.sid_types {
            let _ = writeln!(out, "sid {} {} (after {})", t.name, t.prefix, t.origin);
        }
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
                    if f.always_sent {
                        flags.push("always sent");
                    }
                    if f.flatten {
                        flags.push("flatten");
                    }
                    if f.optional() {
                        flags.push("Option");
                    }
                    let mut flags: Vec<String> = flags.into_iter().map(str::to_owned).collect();
                    if let Some(prefix) = &f.sid_prefix {
                        flags.push(format!("sid {prefix}"));
                    }
                    if let Some(default) = &f.default {
                        flags.push(format!("default {}", literal(default)));
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
    if let Some(hooks) = &api.webhooks {
        webhooks(&mut out, hooks);
    }
    out
}

fn webhooks(out: &mut String, hooks: &Webhooks) {
    let _ = writeln!(out, "\n# webhooks {}", hooks.name);
    let _ = writeln!(out, "common");
    event_params(out, &hooks.common, 1);
    for p in &hooks.payloads {
        let _ = writeln!(
            out,
            "payload {} ({}) of {}",
            p.type_name,
            p.key,
            p.resource.as_deref().unwrap_or("-")
        );
        event_params(out, &p.params, 1);
    }
    for e in &hooks.events {
        let pre = match &e.pre {
            Some(fields) => {
                let keys: Vec<&str> = fields
                    .iter()
                    .map(|&i| hooks.changeable[i].api_name.as_str())
                    .collect();
                format!(" pre changes [{}]", keys.join(", "))
            }
            None => String::new(),
        };
        let before = if e.before.is_empty() {
            String::new()
        } else {
            format!(" before {}", e.before.join(", "))
        };
        let after = if e.after.is_empty() {
            String::new()
        } else {
            format!(" after {}", e.after.join(", "))
        };
        let when = e
            .when
            .as_ref()
            .map_or(String::new(), |wire| format!(" when {wire} is sent"));
        let _ = writeln!(
            out,
            "event {} {} of {}{pre}{before}{after}{when}",
            e.variant, e.api_name, hooks.payloads[e.payload].type_name
        );
    }
}

fn event_params(out: &mut String, params: &[EventParam], depth: usize) {
    let pad = "  ".repeat(depth);
    for p in params {
        let kind = match &p.kind {
            EventKind::Text => "Text".to_owned(),
            EventKind::Integer => "u64".to_owned(),
            EventKind::Int32 => "u32".to_owned(),
            EventKind::DateTime => "DateTime".to_owned(),
            EventKind::Attributes => "Attributes".to_owned(),
            EventKind::Enum(name) => name.clone(),
            EventKind::Group(g) => format!("group {}", g.type_name),
        };
        let field = p
            .field
            .as_deref()
            .map(|f| format!(" <- {f}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{pad}{}: {kind} `{}`{field}", p.name, p.api_name);
        if let EventKind::Group(g) = &p.kind {
            event_params(out, &g.params, depth + 1);
        }
    }
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
    if let Some(sid) = &r.context_sid {
        let alternate = r
            .context_alternate
            .as_deref()
            .map(|a| format!(" or {a}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{pad}  context takes {sid}{alternate}");
    }
    if let Some(model) = &r.model {
        let _ = writeln!(out, "{pad}  records {model}");
    }
    for link in &r.links {
        let _ = writeln!(out, "{pad}  link `{}` {}", link.key, link.template);
    }
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
        let mut flags = vec![(if p.required { "required" } else { "optional" }).to_owned()];
        if p.account_default {
            flags.push("account default".to_owned());
        }
        if p.sensitive {
            flags.push("sensitive".to_owned());
        }
        if let Some(key) = &p.alternate_key {
            flags.push(format!("or {key}"));
        }
        if let (Some(prefix), Location::Form) = (&p.sid_prefix, p.location) {
            flags.push(format!("{prefix} SID"));
        }
        match (p.range.minimum, p.range.maximum) {
            (Some(min), Some(max)) => flags.push(format!("{min} to {max}")),
            (Some(min), None) => flags.push(format!("at least {min}")),
            (None, Some(max)) => flags.push(format!("at most {max}")),
            (None, None) => {}
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
        TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::OneOf(n) | TypeRef::Sid(n) => n.clone(),
        other => format!("{other:?}"),
    }
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Number(n) => n.to_string(),
        Literal::Str(s) => format!("{s:?}"),
    }
}

//! Twilio house rules, in one place: verb prefixes of operationIds, API v2010's defaulted `AccountSid`, `.json`
//! path suffixes, the header parameters the runtime owns, which parameters are secrets, and one enum for the
//! true/false copies of the `X-Twilio-Webhook-Enabled` header.

use crate::ir::{Enum, Operation, Response, Schema, TypeRef, Variant};
use crate::naming::{Scope, pascal, snake};
use std::collections::BTreeMap;

/// operationId prefixes and the method of a list or context that starts the builder (`CreateMessage` is
/// `messages().create()`).
pub(super) const VERBS: &[(&str, &str)] = &[
    ("Create", "create"),
    ("List", "list"),
    ("Fetch", "fetch"),
    ("Update", "update"),
    ("Delete", "delete"),
];

/// Whether `path` is `/<version>/Accounts/{AccountSid}/...` (API v2010): its `AccountSid` defaults to the client's.
pub(super) fn account_scoped(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    segments.len() > 4 && segments[2] == "Accounts" && segments[3] == "{AccountSid}"
}

/// The path as placed in the resource tree: `.json` suffixes dropped, the leading version segment dropped (so
/// `/v1/Services/{ServiceSid}/Media`, on its own server, hangs off `/v2/Services/{Sid}`), `Accounts/{AccountSid}`
/// removed when it defaults to the client's account.
pub(super) fn tree_path(path: &str) -> String {
    let scoped = account_scoped(path);
    let versioned = path
        .split('/')
        .nth(1)
        .is_some_and(super::resources::is_version);
    path.split('/')
        .enumerate()
        .filter(|(i, _)| !(versioned && *i == 1))
        .filter(|(i, _)| !(scoped && (*i == 2 || *i == 3)))
        .map(|(_, seg)| seg.strip_suffix(".json").unwrap_or(seg))
        .collect::<Vec<_>>()
        .join("/")
}

/// Twilio house rule for secrets: a parameter is sensitive when the description marks it with
/// `x-twilio-sensitive: true`, or when its wire name is one Twilio uses for secret material (`Secret`,
/// `PrivateKey`, `ApiKey`, `AuthToken`, `Password`, or a name ending in one of them), unless the description
/// says `x-twilio-sensitive: false`.
pub(super) fn is_sensitive(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    wire_name: &str,
) -> bool {
    if let Some(marked) = extensions
        .get("x-twilio-sensitive")
        .and_then(serde_json::Value::as_bool)
    {
        return marked;
    }
    const SECRET_NAMES: [&str; 5] = ["Secret", "PrivateKey", "ApiKey", "AuthToken", "Password"];
    let last = wire_name.rsplit('.').next().unwrap_or(wire_name);
    SECRET_NAMES.iter().any(|n| last.ends_with(n))
}

/// Header parameters the runtime sets itself (`Accept`, `Content-Type`, `Authorization`): not builder methods.
pub(super) fn runtime_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
}

/// Merges the string enums whose only values are `true` and `false` (Twilio gives each resource its own copy for
/// the `X-Twilio-Webhook-Enabled` header: `ChannelWebhookEnabledType`, `MessageWebhookEnabledType`, ...) into one
/// enum named after the words their names share (`WebhookEnabledType`), and points every parameter, field and
/// response at it. Nothing changes on the wire: the values are the same strings.
pub(super) fn merge_boolean_enums(
    schemas: &mut BTreeMap<String, Schema>,
    operations: &mut [Operation],
    type_names: &mut Scope,
) {
    let copies: Vec<String> = schemas
        .values()
        .filter_map(|s| match s {
            Schema::Enum(e) if is_boolean(&e.variants) => Some(e.name.clone()),
            _ => None,
        })
        .collect();
    if copies.len() < 2 {
        return;
    }
    let words: Vec<Vec<String>> = copies
        .iter()
        .map(|n| snake(n).split('_').map(str::to_owned).collect())
        .collect();
    let shared = (1..=words.iter().map(Vec::len).min().unwrap_or(0))
        .take_while(|&n| {
            let tail = &words[0][words[0].len() - n..];
            words.iter().all(|w| &w[w.len() - n..] == tail)
        })
        .last()
        .unwrap_or(0);
    if shared == 0 {
        return;
    }
    let name = type_names.unique(pascal(&words[0][words[0].len() - shared..].join("_")));
    let Some(Schema::Enum(first)) = schemas.get(&copies[0]).cloned() else {
        return;
    };
    for copy in &copies {
        schemas.remove(copy);
    }
    schemas.insert(
        name.clone(),
        Schema::Enum(Enum {
            name: name.clone(),
            api_name: copies.join(", "),
            doc: Some(format!(
                "`true` or `false` (for example the `X-Twilio-Webhook-Enabled` header: `false` keeps the service's \
                 webhooks from firing for the request). One type for the description's identical enums {}.",
                copies
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            ..first
        }),
    );
    let rename = |ty: &mut TypeRef| rename_enum(ty, &copies, &name);
    for schema in schemas.values_mut() {
        match schema {
            Schema::Struct(s) => s.fields.iter_mut().for_each(|f| rename(&mut f.ty)),
            Schema::OneOf(u) => u.variants.iter_mut().for_each(|v| rename(&mut v.ty)),
            Schema::Enum(_) => {}
        }
    }
    for op in operations {
        for p in &mut op.params {
            rename(&mut p.ty);
            rename(&mut p.wire_ty);
        }
        match &mut op.response {
            Response::Empty | Response::Binary => {}
            Response::Value(t) | Response::Redirect(t) | Response::Page { item: t, .. } => {
                rename(t)
            }
        }
    }
}

fn is_boolean(values: &[Variant]) -> bool {
    let mut wire: Vec<&str> = values.iter().map(|v| v.api_name.as_str()).collect();
    wire.sort_unstable();
    wire == ["false", "true"]
}

fn rename_enum(ty: &mut TypeRef, from: &[String], to: &str) {
    match ty {
        TypeRef::Enum(n) if from.contains(n) => *n = to.to_owned(),
        TypeRef::Map(inner) | TypeRef::Array(inner) | TypeRef::Boxed(inner) => {
            rename_enum(inner, from, to)
        }
        _ => {}
    }
}

/// The two-letter prefix of a SID pattern (`^IS[0-9a-fA-F]{32}$` -> `IS`; of alternatives
/// `^(SM|MM)[0-9a-fA-F]{32}$`, the first, which new records get); `None` for any other pattern.
pub(super) fn sid_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let (prefix, tail) = match rest.strip_prefix('(') {
        Some(group) => {
            let (alternatives, tail) = group.split_once(')')?;
            (alternatives.split('|').next()?, tail)
        }
        None => rest.split_at(rest.find('[')?),
    };
    let is_prefix = prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_uppercase());
    (is_prefix && tail == "[0-9a-fA-F]{32}$").then(|| prefix.to_owned())
}

/// Our extension naming the record field a path parameter also accepts instead of a SID:
/// `x-twilio-alternate-key: "unique_name"` (or `"identity"`). Any other value than a non-empty string is an error.
pub(super) fn alternate_key(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    pointer: &str,
) -> Result<Option<String>, crate::error::Error> {
    match extensions.get("x-twilio-alternate-key") {
        None => Ok(None),
        Some(serde_json::Value::String(key)) if !key.trim().is_empty() => Ok(Some(key.clone())),
        Some(other) => Err(crate::error::Error::new(
            None,
            format!("{pointer}/x-twilio-alternate-key"),
            format!("expected the name of a record field, found {other}"),
        )),
    }
}

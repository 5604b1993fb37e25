//! Twilio house rules, in one place: verb prefixes of operationIds, API v2010's defaulted `AccountSid`, `.json`
//! path suffixes, the header parameters the runtime owns, and which parameters are secrets.

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

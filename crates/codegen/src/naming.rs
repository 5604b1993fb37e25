//! Identifier hygiene: every Rust name the generator emits is made here (case conversion with heck, Rust keywords,
//! leading digits, dotted wire names, collisions after case conversion).
//!
//! Keyword policy: a field, method or argument whose name would be a Rust keyword gets a trailing underscore
//! (`type` -> `type_`, `self` -> `self_`), and serde keeps the wire name through `#[serde(rename)]`. A trailing
//! underscore is used rather than raw identifiers because `self`, `super`, `crate` and `Self` cannot be raw.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// SCREAMING_SNAKE_CASE of a Rust type name, for statics: `CreateMessage` -> `CREATE_MESSAGE`.
pub fn shouty(type_name: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(type_name)
}

/// Names of the constants holding the servers of operations on another host than the API's: the first label of
/// the host in SCREAMING_SNAKE_CASE plus `_BASE_URL` (`https://mcs.us1.twilio.com` -> `MCS_BASE_URL`), never
/// `DEFAULT_BASE_URL` (the API's own), a number appended on collision; `SERVER_BASE_URL` when the URL has no
/// usable host.
pub fn server_consts<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = BTreeSet::from(["DEFAULT_BASE_URL".to_owned()]);
    let mut out = Vec::new();
    for url in urls {
        let host = url.split("://").nth(1).unwrap_or(url);
        let label = host.split(['.', '/', ':']).next().unwrap_or_default();
        let mut stem = shouty(&clean(label));
        if stem.is_empty() || stem.starts_with(|c: char| c.is_ascii_digit()) {
            stem = format!("SERVER{}", if stem.is_empty() { "" } else { "_" }) + &stem;
        }
        let mut name = format!("{stem}_BASE_URL");
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{stem}_{n}_BASE_URL");
            n += 1;
        }
        taken.insert(name.clone());
        out.push((name, url.to_owned()));
    }
    out
}

/// Methods every generated builder has (written by the runtime's `operation!` macro), so no parameter setter
/// may take their names.
pub const BUILDER_METHODS: &[&str] =
    &["send", "request_options", "limit", "stream", "into_request"];

/// Every Rust keyword: strict, reserved and edition-2018+ keywords (`async`, `await`, `dyn`, `try`, `gen`),
/// plus `union` and `'static`-free weak keywords that cannot be plain identifiers in some position.
pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Whether `s` is a Rust keyword (strict, reserved or weak-but-problematic).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Snake-case name for a field, method, argument or module: `Notifications.NewMessage.Enabled` ->
/// `notifications_new_message_enabled`, `type` -> `type_`, `1st` -> `_1st`.
pub fn snake(wire: &str) -> String {
    let cleaned = clean(&spell_symbols(&spell_comparison(wire)));
    let mut s = cleaned.to_snake_case();
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// PascalCase name for a type or enum variant: `notParticipating` -> `NotParticipating`, `GET` -> `Get`,
/// `self` -> `Self_`, `1x` -> `V1x`.
pub fn pascal(wire: &str) -> String {
    let cleaned = clean(&spell_symbols(wire));
    let mut s = cleaned.to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// SCREAMING_SNAKE_CASE name for a constant.
pub fn screaming(wire: &str) -> String {
    snake(wire).trim_end_matches('_').to_uppercase()
}

/// Type name of a component schema: `chat.v2.service.channel.message` -> `Message`,
/// `message_enum_order_type` -> `MessageOrderType`, `MessagePage` -> `MessagePage`.
pub fn component_type_name(component: &str) -> String {
    let last = component.rsplit('.').next().unwrap_or(component);
    let last = if last.is_empty() { component } else { last };
    let joined = match last.split_once("_enum_") {
        Some((owner, rest)) => format!("{owner}_{rest}"),
        None => last.to_owned(),
    };
    pascal(&joined)
}

/// Type name of a component without a repeated word run: `ChannelChannelType` and `channel_enum_channel_type` ->
/// `ChannelType`, `UserChannelChannelStatus` -> `UserChannelStatus`; `None` when no words repeat
/// (`MessageOrderType`).
pub fn short_component_type_name(component: &str) -> Option<String> {
    let full = snake(&component_type_name(component));
    let words: Vec<&str> = full.split('_').filter(|w| !w.is_empty()).collect();
    for n in (1..=words.len() / 2).rev() {
        for i in 0..=words.len() - 2 * n {
            if words[i..i + n] == words[i + n..i + 2 * n] {
                let kept: Vec<&str> = words[..i + n]
                    .iter()
                    .chain(&words[i + 2 * n..])
                    .copied()
                    .collect();
                return Some(pascal(&kept.join("_")));
            }
        }
    }
    None
}

/// Singular form of a URL collection segment, good enough for Twilio's English plurals:
/// `Services` -> `Service`, `Policies` -> `Policy`, `Addresses` -> `Address`, `Media` -> `Media`.
pub fn singular(segment: &str) -> String {
    let lower = segment.to_ascii_lowercase();
    if ["sses", "shes", "ches", "xes", "zzes"]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
    {
        segment[..segment.len() - 2].to_owned()
    } else if let Some(stem) = segment.strip_suffix("ies") {
        format!("{stem}y")
    } else if segment.ends_with("ss") {
        segment.to_owned()
    } else if let Some(stem) = segment.strip_suffix('s') {
        stem.to_owned()
    } else {
        segment.to_owned()
    }
}

/// Name of the builder method for a header parameter: `X-Twilio-Webhook-Enabled` -> `webhook_enabled`.
pub fn header_method(header: &str) -> String {
    let lower = header.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("x-twilio-")
        .or_else(|| lower.strip_prefix("x-"))
        .unwrap_or(&lower);
    snake(rest)
}

/// Hands out names unique within one scope: the second `friendly_name` becomes `friendly_name_2`.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope where `names` are already taken.
    pub fn with_reserved(names: &[&str]) -> Self {
        Self {
            taken: names.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Returns `name`, or `name_2`, `name_3`... (`Name2` for PascalCase names) when it is already taken.
    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let pascal_style = name.starts_with(|c: char| c.is_ascii_uppercase());
        let base = name.trim_end_matches('_');
        for n in 2.. {
            let candidate = if pascal_style {
                format!("{base}{n}")
            } else {
                format!("{base}_{n}")
            };
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// API v2010's range filters: `StartTime<` (on or before) -> `StartTime_before`, `StartTime>` (on or after) ->
/// `StartTime_after`, so they do not collide with `StartTime` after case conversion.
fn spell_comparison(wire: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = wire.trim_end_matches('=');
    match (trimmed.strip_suffix('<'), trimmed.strip_suffix('>')) {
        (Some(stem), _) if !stem.is_empty() => std::borrow::Cow::Owned(format!("{stem}_before")),
        (_, Some(stem)) if !stem.is_empty() => std::borrow::Cow::Owned(format!("{stem}_after")),
        _ => std::borrow::Cow::Borrowed(wire),
    }
}

/// A name for a value made only of punctuation (`*` -> `asterisk`, `+` -> `plus`, `-` -> `minus`), so enum values
/// such as `*` and `+` get readable, distinct variants; anything with a letter or digit is returned unchanged.
fn spell_symbols(wire: &str) -> std::borrow::Cow<'_, str> {
    if wire.is_empty() || wire.chars().any(|c| c.is_ascii_alphanumeric()) {
        return std::borrow::Cow::Borrowed(wire);
    }
    let words: Vec<&str> = wire
        .chars()
        .map(|c| match c {
            '*' => "asterisk",
            '+' => "plus",
            '-' => "minus",
            '.' => "dot",
            '/' => "slash",
            '#' => "hash",
            '@' => "at",
            '_' => "underscore",
            '~' => "tilde",
            '!' => "bang",
            '?' => "question",
            '=' => "equals",
            '<' => "less",
            '>' => "greater",
            '%' => "percent",
            '&' => "and",
            ':' => "colon",
            ',' => "comma",
            ' ' => "space",
            _ => "symbol",
        })
        .collect();
    std::borrow::Cow::Owned(words.join("_"))
}

/// Replaces every non-alphanumeric character by `_` so heck sees word boundaries (`Notifications.NewMessage`,
/// `application/json`, `a-b`).
fn clean(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_constants() {
        let names: Vec<String> = server_consts([
            "https://mcs.us1.twilio.com",
            "https://mcs.ie1.twilio.com",
            "https://default.example.com",
            "https://9lives.example.com",
            "file:///",
        ])
        .into_iter()
        .map(|(name, _)| name)
        .collect();
        assert_eq!(
            names,
            [
                "MCS_BASE_URL",
                "MCS_2_BASE_URL",
                "DEFAULT_2_BASE_URL",
                "SERVER_9LIVES_BASE_URL",
                "SERVER_BASE_URL"
            ]
        );
    }

    #[test]
    fn every_keyword_becomes_a_valid_identifier() {
        for kw in KEYWORDS {
            let field = snake(kw);
            assert!(
                syn::parse_str::<syn::Ident>(&field).is_ok(),
                "{kw} -> {field}"
            );
            assert_ne!(&field, kw);
            let ty = pascal(kw);
            assert!(syn::parse_str::<syn::Ident>(&ty).is_ok(), "{kw} -> {ty}");
        }
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("ref"), "ref_");
        assert_eq!(snake("match"), "match_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("async"), "async_");
        assert_eq!(snake("gen"), "gen_");
        assert_eq!(pascal("self"), "Self_");
    }

    #[test]
    fn enum_component_names_without_stutter() {
        let check = |component: &str, expected: Option<&str>| {
            assert_eq!(
                short_component_type_name(component).as_deref(),
                expected,
                "{component}"
            );
        };
        check("channel_enum_channel_type", Some("ChannelType"));
        check("binding_enum_binding_type", Some("BindingType"));
        check("user_binding_enum_binding_type", Some("UserBindingType"));
        check(
            "user_channel_enum_channel_status",
            Some("UserChannelStatus"),
        );
        check("message_enum_order_type", None);
        check("channel_webhook_enum_type", None);
        check("channel_enum_channel", Some("Channel"));
        check("ChannelChannelType", Some("ChannelType"));
        check("UserChannelChannelStatus", Some("UserChannelStatus"));
        check("MessageOrderType", None);
        check("chat.v2.service.channel", None);
    }

    #[test]
    fn dotted_names() {
        assert_eq!(
            snake("Notifications.NewMessage.Enabled"),
            "notifications_new_message_enabled"
        );
        assert_eq!(snake("Limits.ChannelMembers"), "limits_channel_members");
        assert_eq!(snake("Configuration.Filters"), "configuration_filters");
    }

    #[test]
    fn case_conversion() {
        assert_eq!(snake("FriendlyName"), "friendly_name");
        assert_eq!(snake("ServiceSid"), "service_sid");
        assert_eq!(
            snake("X-Twilio-Webhook-Enabled"),
            "x_twilio_webhook_enabled"
        );
        assert_eq!(pascal("notParticipating"), "NotParticipating");
        assert_eq!(pascal("GET"), "Get");
        assert_eq!(pascal("application/json"), "ApplicationJson");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("*"), "Asterisk");
        assert_eq!(pascal("+"), "Plus");
        assert_eq!(pascal("-"), "Minus");
        assert_eq!(snake("_"), "underscore");
        assert_eq!(
            pascal("com.twilio.messaging.message.delivered"),
            "ComTwilioMessagingMessageDelivered"
        );
        assert_eq!(screaming("defaultBaseUrl"), "DEFAULT_BASE_URL");
    }

    #[test]
    fn range_filters() {
        assert_eq!(snake("StartTime<"), "start_time_before");
        assert_eq!(snake("StartTime>"), "start_time_after");
        assert_eq!(snake("DateCreated>="), "date_created_after");
        assert_eq!(snake("StartTime"), "start_time");
        assert_eq!(snake("<"), "less");
    }

    #[test]
    fn leading_digits() {
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(pascal("1"), "V1");
        assert_eq!(pascal("2fa_code"), "V2faCode");
    }

    #[test]
    fn component_names() {
        assert_eq!(
            component_type_name("chat.v2.service.channel.message"),
            "Message"
        );
        assert_eq!(
            component_type_name("chat.v2.service.user.user_channel"),
            "UserChannel"
        );
        assert_eq!(
            component_type_name("message_enum_order_type"),
            "MessageOrderType"
        );
        assert_eq!(
            component_type_name("binding_enum_binding_type"),
            "BindingBindingType"
        );
        assert_eq!(component_type_name("MessagePage"), "MessagePage");
        assert_eq!(component_type_name("chat.v2.service"), "Service");
    }

    #[test]
    fn plurals_and_headers() {
        assert_eq!(singular("Services"), "Service");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("Media"), "Media");
        assert_eq!(singular("Address"), "Address");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Boxes"), "Box");
        assert_eq!(singular("Branches"), "Branch");
        assert_eq!(singular("Messages"), "Message");
        assert_eq!(singular("Services"), "Service");
        assert_eq!(header_method("X-Twilio-Webhook-Enabled"), "webhook_enabled");
        assert_eq!(header_method("X-Request-Id"), "request_id");
        assert_eq!(header_method("If-Match"), "if_match");
    }

    #[test]
    fn collisions_after_case_conversion() {
        let mut scope = Scope::new();
        assert_eq!(scope.unique(snake("FriendlyName")), "friendly_name");
        assert_eq!(scope.unique(snake("friendly_name")), "friendly_name_2");
        assert_eq!(scope.unique(snake("friendlyName")), "friendly_name_3");
        let mut types = Scope::with_reserved(&["Client"]);
        assert_eq!(types.unique(pascal("client")), "Client2");
        let mut kw = Scope::new();
        assert_eq!(kw.unique(snake("type")), "type_");
        assert_eq!(kw.unique(snake("type_")), "type_2");
    }
}

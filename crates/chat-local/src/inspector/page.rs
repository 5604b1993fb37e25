//! The inspector's HTML, rendered on the server from the documents of [`super::data`]: the whole page, and the
//! view inside it that the page's script fetches again when something changes. Every piece of record text goes
//! through [`escape`].

use std::fmt::Write as _;

use serde_json::Value;

use super::data::{Reader, field, is_conversation, sid};

/// What the page shows: the selected service and channel, and the message search.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Selection {
    /// `service=IS...`; the first service when absent.
    pub service: Option<String>,
    /// `channel=CH...`: its members and messages.
    pub channel: Option<String>,
    /// `search=...`: messages of the selected service whose body, author or attributes contain it.
    pub search: String,
}

/// The most recent deliveries the page lists.
const DELIVERIES_SHOWN: usize = 100;

/// Text made safe to place in HTML text and in quoted attribute values: `&`, `<`, `>`, `"` and `'` become
/// character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page: header, search, reset, the view and the script that keeps it current.
pub(crate) fn page(reader: &Reader<'_>, selection: &Selection) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Local Twilio Chat inspector</title>\
         <link rel=\"stylesheet\" href=\"/assets/inspector.css\"></head><body>\
         <header><h1>Local Twilio Chat inspector</h1>\
         <span class=\"api\">API: <code>{base}</code></span>\
         <form class=\"search\" method=\"get\" action=\"/\">{hidden}\
         <input type=\"search\" name=\"search\" placeholder=\"Search messages\" value=\"{search}\">\
         <button type=\"submit\">Search</button></form>\
         <button id=\"reset\" type=\"button\" title=\"Delete every record and the delivery log\">Reset</button>\
         <span id=\"live\" class=\"live\">static</span></header>\
         <main id=\"view\">",
        base = escape(reader.base_url),
        hidden = selection
            .service
            .as_deref()
            .map(|s| format!(
                "<input type=\"hidden\" name=\"service\" value=\"{}\">",
                escape(s)
            ))
            .unwrap_or_default(),
        search = escape(&selection.search),
    );
    out.push_str(&view(reader, selection));
    out.push_str(
        "</main><footer>Data: <a href=\"/api/services\">/api/services</a> and the other JSON endpoints \
         of the crate's README.</footer><script src=\"/assets/inspector.js\"></script></body></html>\n",
    );
    out
}

/// The view: services, the selected service's channels, users and roles, the selected channel's members and
/// messages, search results, and the delivery log.
pub(crate) fn view(reader: &Reader<'_>, selection: &Selection) -> String {
    let mut out = String::new();
    let services = reader.services();
    let services = list(&services, "services");
    let selected = selection
        .service
        .clone()
        .or_else(|| services.first().map(|s| sid(s).to_owned()));
    services_table(&mut out, services, selected.as_deref());
    if let Some(service) = selected.as_deref() {
        service_tables(&mut out, reader, service, selection);
    }
    deliveries_table(&mut out, reader);
    out
}

fn services_table(out: &mut String, services: &[Value], selected: Option<&str>) {
    out.push_str("<section id=\"services\"><h2>Services</h2>");
    if services.is_empty() {
        out.push_str("<p class=\"empty\">No service yet.</p></section>");
        return;
    }
    out.push_str(
        "<table><thead><tr><th>Friendly name</th><th>SID</th><th>Post-event URL</th>\
         <th>Pre-event URL</th><th>Filters</th><th>REST</th></tr></thead><tbody>",
    );
    for service in services {
        let class = if Some(sid(service)) == selected {
            " class=\"selected\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr{class}><td><a href=\"/?service={sid}\">{name}</a></td><td><code>{sid}</code></td>\
             <td>{post}</td><td>{pre}</td><td>{filters}</td><td>{rest}</td></tr>",
            sid = escape(sid(service)),
            name = escape(or_dash(field(service, "friendly_name"))),
            post = escape(field(service, "post_webhook_url")),
            pre = escape(field(service, "pre_webhook_url")),
            filters = escape(&text_list(service.get("webhook_filters"))),
            rest = rest_links(service),
        );
    }
    out.push_str("</tbody></table></section>");
}

fn service_tables(out: &mut String, reader: &Reader<'_>, service: &str, selection: &Selection) {
    let Ok(channels) = reader.channels(service) else {
        let _ = write!(
            out,
            "<section><p class=\"empty\">No service {}.</p></section>",
            escape(service)
        );
        return;
    };
    let service_name = reader
        .service(service)
        .map(|s| field(&s, "friendly_name").to_owned())
        .unwrap_or_default();
    let _ = write!(
        out,
        "<section id=\"channels\"><h2>Channels and conversations of {}</h2>",
        escape(or_dash(&service_name))
    );
    let channels = list(&channels, "channels");
    if channels.is_empty() {
        out.push_str("<p class=\"empty\">No channel yet.</p>");
    } else {
        out.push_str(
            "<table><thead><tr><th>Friendly name</th><th>Unique name</th><th>SID</th><th>Type</th>\
             <th>Conversation</th><th>Members</th><th>Messages</th><th>Attributes</th><th>REST</th></tr>\
             </thead><tbody>",
        );
        for channel in channels {
            let class = if Some(sid(channel)) == selection.channel.as_deref() {
                " class=\"selected\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr{class}><td><a href=\"/?service={service}&amp;channel={sid}\">{name}</a></td>\
                 <td>{unique}</td><td><code>{sid}</code></td><td>{kind}</td><td>{conversation}</td>\
                 <td>{members}</td><td>{messages}</td><td><code>{attributes}</code></td><td>{rest}</td></tr>",
                service = escape(service),
                sid = escape(sid(channel)),
                name = escape(or_dash(field(channel, "friendly_name"))),
                unique = escape(field(channel, "unique_name")),
                kind = escape(field(channel, "type")),
                conversation = if is_conversation(channel) {
                    "yes"
                } else {
                    "no (public)"
                },
                members = number(channel.get("members_count")),
                messages = number(channel.get("messages_count")),
                attributes = escape(field(channel, "attributes")),
                rest = rest_links(channel),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
    if let Some(channel) = selection.channel.as_deref() {
        channel_tables(out, reader, channel, &selection.search);
    }
    if !selection.search.trim().is_empty() {
        let found = reader.search(&selection.search, Some(service));
        let _ = write!(
            out,
            "<section id=\"search\"><h2>Messages matching “{}”</h2>",
            escape(&selection.search)
        );
        messages_table(out, list(&found, "messages"), Some(service));
        out.push_str("</section>");
    }
    if let Ok(users) = reader.users(service) {
        out.push_str("<section id=\"users\"><h2>Users</h2>");
        simple_table(
            out,
            list(&users, "users"),
            &[
                ("Identity", "identity"),
                ("Friendly name", "friendly_name"),
                ("SID", "sid"),
                ("Role", "role_sid"),
                ("Attributes", "attributes"),
            ],
            "No user yet.",
        );
        out.push_str("</section>");
    }
    if let Ok(roles) = reader.roles(service) {
        out.push_str("<section id=\"roles\"><h2>Roles</h2>");
        simple_table(
            out,
            list(&roles, "roles"),
            &[
                ("Friendly name", "friendly_name"),
                ("Type", "type"),
                ("SID", "sid"),
                ("Permissions", "permissions"),
            ],
            "No role.",
        );
        out.push_str("</section>");
    }
}

fn channel_tables(out: &mut String, reader: &Reader<'_>, channel: &str, search: &str) {
    let Ok(record) = reader.channel(channel) else {
        let _ = write!(
            out,
            "<section><p class=\"empty\">No channel {}.</p></section>",
            escape(channel)
        );
        return;
    };
    let name = or_dash(field(&record, "friendly_name")).to_owned();
    let title = if is_conversation(&record) {
        "Members (participants)"
    } else {
        "Members"
    };
    let _ = write!(
        out,
        "<section id=\"members\"><h2>{title} of {}</h2>",
        escape(&name)
    );
    if let Ok(members) = reader.members(channel) {
        simple_table(
            out,
            list(&members, "members"),
            &[
                ("Identity", "identity"),
                ("SID", "sid"),
                ("Role", "role_sid"),
                ("Last read index", "last_consumed_message_index"),
                ("Attributes", "attributes"),
            ],
            "No member yet.",
        );
    }
    out.push_str("</section>");
    let _ = write!(
        out,
        "<section id=\"messages\"><h2>Messages of {}</h2>",
        escape(&name)
    );
    if let Ok(messages) = reader.messages(channel, search) {
        messages_table(out, list(&messages, "messages"), None);
    }
    out.push_str("</section>");
}

/// Messages with body, attributes, media and edits; `service` adds a column linking to each message's channel.
fn messages_table(out: &mut String, messages: &[Value], service: Option<&str>) {
    if messages.is_empty() {
        out.push_str("<p class=\"empty\">No message.</p>");
        return;
    }
    out.push_str("<table class=\"messages\"><thead><tr>");
    if service.is_some() {
        out.push_str("<th>Channel</th>");
    }
    out.push_str(
        "<th>#</th><th>From</th><th>Body</th><th>Attributes</th><th>Media</th><th>Edited</th><th>SID</th>\
         <th>REST</th></tr></thead><tbody>",
    );
    for message in messages {
        out.push_str("<tr>");
        if let Some(service) = service {
            let channel = field(message, "channel_sid");
            let _ = write!(
                out,
                "<td><a href=\"/?service={}&amp;channel={c}\"><code>{c}</code></a></td>",
                escape(service),
                c = escape(channel)
            );
        }
        let media = message
            .get("media")
            .filter(|m| m.is_object())
            .map(|m| {
                let link = message
                    .pointer("/inspector/media_content_url")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                format!(
                    "<a class=\"media\" href=\"{}\" download>{}</a> <span class=\"meta\">{} · {} bytes</span>",
                    escape(link),
                    escape(or_dash(field(m, "filename"))),
                    escape(field(m, "content_type")),
                    number(m.get("size")),
                )
            })
            .unwrap_or_default();
        let edited = if message.get("was_edited") == Some(&Value::Bool(true)) {
            format!(
                "yes, {} by {}",
                escape(field(message, "date_updated")),
                escape(or_dash(field(message, "last_updated_by")))
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<td>{index}</td><td>{from}</td><td class=\"body\">{body}</td><td><code>{attributes}</code></td>\
             <td>{media}</td><td>{edited}</td><td><code>{sid}</code></td><td>{rest}</td></tr>",
            index = number(message.get("index")),
            from = escape(field(message, "from")),
            body = escape(field(message, "body")),
            attributes = escape(field(message, "attributes")),
            sid = escape(sid(message)),
            rest = rest_links(message),
        );
    }
    out.push_str("</tbody></table>");
}

fn deliveries_table(out: &mut String, reader: &Reader<'_>) {
    let all = reader.deliveries(0);
    let all = list(&all, "deliveries");
    out.push_str("<section id=\"deliveries\"><h2>Webhook deliveries</h2>");
    if all.is_empty() {
        out.push_str("<p class=\"empty\">No webhook sent yet.</p></section>");
        return;
    }
    out.push_str(
        "<table class=\"deliveries\"><thead><tr><th>#</th><th>Sent</th><th>Event</th><th>Request</th>\
         <th>Signature</th><th>Status</th><th>Latency</th><th>Outcome</th><th>Bodies</th></tr></thead><tbody>",
    );
    for d in all.iter().rev().take(DELIVERIES_SHOWN) {
        let body: String = d
            .get("params")
            .and_then(Value::as_array)
            .map(|pairs| {
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(
                        pairs
                            .iter()
                            .filter_map(|p| Some((p.get(0)?.as_str()?, p.get(1)?.as_str()?))),
                    )
                    .finish()
            })
            .unwrap_or_default();
        let params = d
            .get("params")
            .and_then(Value::as_array)
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|p| {
                        format!(
                            "{} = {}",
                            p.get(0).and_then(Value::as_str).unwrap_or_default(),
                            p.get(1).and_then(Value::as_str).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        let outcome = field(d, "outcome");
        let detail = match outcome {
            "modified" => d
                .get("changes")
                .and_then(Value::as_array)
                .map(|pairs| {
                    let changed: Vec<String> = pairs
                        .iter()
                        .map(|p| {
                            format!(
                                "{} → {}",
                                p.get(0).and_then(Value::as_str).unwrap_or_default(),
                                p.get(1).and_then(Value::as_str).unwrap_or_default()
                            )
                        })
                        .collect();
                    format!(": the action went ahead with {}", changed.join(", "))
                })
                .unwrap_or_default(),
            "rejected" => ": the action was refused".to_owned(),
            "failed" => format!(": {}", field(d, "error")),
            _ => String::new(),
        };
        let latency = d.get("latency_ms").and_then(Value::as_f64).unwrap_or(0.0);
        let _ = write!(
            out,
            "<tr class=\"{outcome}\"><td>{id}</td><td>{sent}</td><td><b>{event}</b><br>{timing}-event to {dest}</td>\
             <td><code>{method} {url}</code></td><td><code class=\"signature\">{signature}</code></td>\
             <td>{status}</td><td>{latency:.1} ms</td><td><span class=\"outcome\">{outcome}</span>{detail}</td>\
             <td><details data-key=\"delivery-{id}\"><summary>request and answer</summary><h4>Request body</h4><pre>{body}</pre>\
             <h4>Parameters</h4><pre>{params}</pre><h4>Answer</h4><pre>{answer}</pre></details></td></tr>",
            id = number(d.get("id")),
            sent = escape(field(d, "sent_at")),
            event = escape(field(d, "event_type")),
            timing = escape(field(d, "timing")),
            dest = escape(field(d, "destination")),
            method = escape(field(d, "method")),
            url = escape(field(d, "url")),
            signature = escape(field(d, "signature")),
            status = d
                .get("status")
                .and_then(Value::as_u64)
                .map_or_else(|| "none".to_owned(), |s| s.to_string()),
            outcome = escape(outcome),
            detail = escape(&detail),
            body = escape(&body),
            params = escape(&params),
            answer = escape(field(d, "answer")),
        );
    }
    out.push_str("</tbody></table></section>");
}

/// A table of text fields, with the REST links last.
fn simple_table(out: &mut String, records: &[Value], columns: &[(&str, &str)], empty: &str) {
    if records.is_empty() {
        let _ = write!(out, "<p class=\"empty\">{}</p>", escape(empty));
        return;
    }
    out.push_str("<table><thead><tr>");
    for (title, _) in columns {
        let _ = write!(out, "<th>{}</th>", escape(title));
    }
    out.push_str("<th>REST</th></tr></thead><tbody><tr>");
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push_str("<tr>");
        }
        for (_, name) in columns {
            let text = match record.get(*name) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(Value::Array(items)) => text_list(Some(&Value::Array(items.clone()))),
                Some(other) => other.to_string(),
            };
            if *name == "sid" || name.ends_with("_sid") {
                let _ = write!(out, "<td><code>{}</code></td>", escape(&text));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(&text));
            }
        }
        let _ = write!(out, "<td>{}</td></tr>", rest_links(record));
    }
    out.push_str("</tbody></table>");
}

/// Links to the record's Chat v2 URL and, when it has one, its Conversations URL.
fn rest_links(record: &Value) -> String {
    let mut out = String::new();
    let v2 = field(record, "url");
    if !v2.is_empty() {
        let _ = write!(out, "<a class=\"rest\" href=\"{}\">Chat v2</a>", escape(v2));
    }
    if let Some(v1) = record
        .pointer("/inspector/conversations_url")
        .and_then(Value::as_str)
    {
        let _ = write!(
            out,
            " <a class=\"rest\" href=\"{}\">Conversations v1</a>",
            escape(v1)
        );
    }
    out
}

/// The array under `key`, empty when absent.
fn list<'a>(document: &'a Value, key: &str) -> &'a [Value] {
    document
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A list of strings joined with commas.
fn text_list(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// A number as text, empty when absent.
fn number(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() { "—" } else { text }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_makes_markup_text() {
        for (input, expected) in [
            ("plain", "plain"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a & b", "a &amp; b"),
            (r#"" onmouseover='x'"#, "&quot; onmouseover=&#39;x&#39;"),
            ("&amp;", "&amp;amp;"),
            ("héllo ✓", "héllo ✓"),
            ("", ""),
        ] {
            assert_eq!(escape(input), expected, "{input}");
        }
    }
}

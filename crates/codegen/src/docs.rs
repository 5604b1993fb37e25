//! Turns description text into doc attributes rustdoc accepts with `-D warnings`: bare URLs become autolinks,
//! brackets that are not Markdown links are escaped (no broken intra-doc links), stray `<`/`>` are escaped (no
//! invalid HTML), leading indentation is dropped (no accidental doctests) and code fences are marked `text`.

use openapiv3::{ReferenceOr, SchemaKind, Type, VariantOrUnknownOrEmpty};
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `paragraphs`, separated by blank doc lines; empty paragraphs are skipped.
pub fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(str::to_owned));
    }
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// Sanitizes one description for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let line = line.trim();
        if line.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(sanitize_line(line));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

fn sanitize_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Inline code: copy verbatim up to the closing backtick.
                if let Some(end) = chars[i + 1..].iter().position(|&x| x == '`') {
                    out.extend(&chars[i..=i + 1 + end]);
                    i += end + 2;
                } else {
                    out.push_str("\\`");
                    i += 1;
                }
            }
            '[' => {
                // A Markdown link `[text](url)` is kept; anything else is escaped.
                if let Some(close) = chars[i + 1..]
                    .iter()
                    .position(|&x| x == ']')
                    .map(|p| p + i + 1)
                    && chars.get(close + 1) == Some(&'(')
                    && let Some(end) = chars[close + 2..]
                        .iter()
                        .position(|&x| x == ')')
                        .map(|p| p + close + 2)
                {
                    let text: String = chars[i + 1..close].iter().collect();
                    let url: String = chars[close + 2..end].iter().collect();
                    if !url.contains(char::is_whitespace) && !text.contains('[') {
                        out.push('[');
                        out.push_str(&sanitize_line(&text));
                        out.push_str("](");
                        out.push_str(&url);
                        out.push(')');
                        i = end + 1;
                        continue;
                    }
                }
                out.push_str("\\[");
                i += 1;
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' | '>' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            'h' if starts_with_url(&chars[i..]) => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], '<' | '>' | '"')
                {
                    end += 1;
                }
                while end > i
                    && matches!(
                        chars[end - 1],
                        '.' | ',' | ';' | ':' | ')' | ']' | '\'' | '!' | '?'
                    )
                {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn starts_with_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("http://") || s.starts_with("https://")
}

/// The doc of a builder method setting an optional parameter: its description, then (same paragraph) where it is
/// sent.
pub fn setter_doc(p: &crate::ir::Parameter) -> String {
    use crate::ir::{Location, TypeRef};
    let doc = p
        .doc
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| format!("The `{}` parameter.", p.api_name));
    let place = match p.location {
        Location::Path => format!(
            "The `{{{}}}` path segment; when not set, the account of the client's credentials \
             (`Client::account_sid` of the runtime).",
            p.api_name
        ),
        Location::Header => format!("Sent as the `{}` header.", p.api_name),
        Location::Query => format!("Sent as the `{}` query parameter.", p.api_name),
        _ => format!("Sent as the `{}` form field.", p.api_name),
    };
    let repeated = if matches!(p.ty, TypeRef::Array(_)) {
        " Each item is sent as a repeated key; replaces any earlier value."
    } else {
        ""
    };
    let secret = if p.sensitive {
        " A secret: `Debug` and observers show `[redacted]`."
    } else {
        ""
    };
    format!("{doc} {place}{repeated}{secret}")
}

/// A note on a string format the Rust type does not capture (`phone-number`, `http-method`, `currency`...).
pub(crate) fn format_note(s: &openapiv3::Schema) -> Option<String> {
    let format = match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => match &st.format {
            VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
            _ => return None,
        },
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(ReferenceOr::Item(items)) => return format_note(items),
            _ => return None,
        },
        _ => return None,
    };
    match format.as_str() {
        "uri" | "url" => None,
        "date-time-rfc-2822" => Some(
            "Sent by the API in RFC 2822 (`date-time-rfc-2822`); parsed into UTC.".to_owned(),
        ),
        "phone-number" => Some(
            "Format `phone-number`: E.164 (`+15558675310`), or a client/SIP identifier where the API allows; \
             passed through unchecked."
                .to_owned(),
        ),
        "http-method" => Some(
            "Format `http-method`: `GET` or `POST`, passed through unchecked.".to_owned(),
        ),
        other => Some(format!(
            "Format `{other}`: a string the client passes through unchecked."
        )),
    }
}

/// The description of a property, with its format note.
pub(crate) fn with_format_note(prop: &ReferenceOr<Box<openapiv3::Schema>>) -> Option<String> {
    match prop {
        ReferenceOr::Item(s) => {
            let doc = s.schema_data.description.clone();
            match format_note(s) {
                Some(note) => Some(join_doc(doc, note)),
                None => doc,
            }
        }
        ReferenceOr::Reference { .. } => None,
    }
}

pub(crate) fn join_doc(doc: Option<String>, note: String) -> String {
    match doc {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note,
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn keeps_links_and_code() {
        assert_eq!(
            sanitize("See [Service](https://x.io/a) and `a[0]`."),
            "See [Service](https://x.io/a) and `a[0]`."
        );
    }

    #[test]
    fn escapes_what_rustdoc_rejects() {
        assert_eq!(
            sanitize("Go to https://x.io/a. Now"),
            "Go to <https://x.io/a>. Now"
        );
        assert_eq!(sanitize("[Service] is <b>"), "\\[Service\\] is \\<b\\>");
        assert_eq!(
            sanitize("    indented\n```\nx\n```"),
            "indented\n```text\nx\n```"
        );
    }
}

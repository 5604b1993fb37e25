//! What a scenario's client sent (as the observer and the wire saw it) against the requests the scenario expects:
//! method, path, query and form pairs, body and headers, with a side-by-side view of each request that differs.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Shared, lock};
use crate::format::{ExpectedRequest, REDACTED, Scenario};
use crate::wire::{decode_pairs, split_url};

/// One request as it was sent, in the shape of an expected request.
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    /// The body as it arrived (lossy UTF-8).
    body: String,
    headers: Vec<(String, String)>,
}

pub(super) fn compare(scenario: &Scenario, shared: &Shared, base_url: &str) -> Vec<String> {
    let state = lock(&shared.state);
    let mut problems = Vec::new();
    let expected: Vec<&ExpectedRequest> = shared
        .slots
        .iter()
        .map(|&i| &scenario.exchanges[i].request)
        .collect();
    let sent: Vec<Sent> = state
        .sent
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let (path, query) = split_url(&e.url, base_url);
            Sent {
                method: e.method.clone(),
                path,
                query: decode_pairs(&query),
                form: e
                    .request_body
                    .as_ref()
                    .and(state.wire_bodies.get(&k))
                    .map(|body| decode_pairs(body))
                    .unwrap_or_default(),
                body: state.wire_bodies.get(&k).cloned().unwrap_or_default(),
                headers: state.wire_headers.get(&k).cloned().unwrap_or_default(),
            }
        })
        .collect();
    for k in 0..expected.len().max(sent.len()) {
        match (sent.get(k), expected.get(k)) {
            (Some(s), Some(e)) => {
                let diffs = differences(s, e);
                if !diffs.is_empty() {
                    problems.push(side_by_side(k, expected.len(), Some(s), Some(e), &diffs));
                }
            }
            (Some(s), None) => problems.push(side_by_side(k, expected.len(), Some(s), None, &[])),
            (None, Some(e)) => problems.push(side_by_side(k, expected.len(), None, Some(e), &[])),
            (None, None) => {}
        }
    }
    if !problems.is_empty() {
        for failed in &state.failed {
            problems.push(format!(
                "also attempted without an answer: {} {} ({})",
                failed.method,
                failed.url,
                failed.error.as_deref().unwrap_or("no error text")
            ));
        }
    }
    problems
}

fn sorted(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut v = pairs.to_vec();
    v.sort();
    v
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn differences(sent: &Sent, expected: &ExpectedRequest) -> Vec<String> {
    let mut diffs = Vec::new();
    if !sent.method.eq_ignore_ascii_case(&expected.method) {
        diffs.push("method".to_owned());
    }
    if sent.path != expected.path {
        diffs.push("path".to_owned());
    }
    if sorted(&sent.query) != sorted(&expected.query) {
        diffs.push("query".to_owned());
    }
    if let Some(json) = &expected.json {
        if serde_json::from_str::<Value>(&sent.body).ok().as_ref() != Some(json) {
            diffs.push("json body".to_owned());
        }
    } else if let Some(text) = &expected.body_text {
        if &sent.body != text {
            diffs.push("body".to_owned());
        }
    } else if sorted(&sent.form) != sorted(&expected.form) {
        diffs.push("form".to_owned());
    }
    for (name, value) in &expected.headers {
        let got = header(&sent.headers, name);
        let ok = if value == REDACTED {
            !got.is_empty()
        } else {
            got == [value.as_str()]
        };
        if !ok {
            diffs.push(format!("header {name}"));
        }
    }
    for name in &expected.absent_headers {
        if !header(&sent.headers, name).is_empty() {
            diffs.push(format!("header {name} (must be absent)"));
        }
    }
    diffs
}

fn side_by_side(
    k: usize,
    total: usize,
    sent: Option<&Sent>,
    expected: Option<&ExpectedRequest>,
    diffs: &[String],
) -> String {
    let mut out = String::new();
    let what = match (sent, expected) {
        (Some(_), Some(_)) => format!("differs in: {}", diffs.join(", ")),
        (Some(_), None) => "was sent but not expected".to_owned(),
        (None, Some(_)) => "was expected but never sent".to_owned(),
        (None, None) => String::new(),
    };
    let _ = writeln!(out, "request {} (of {total} expected) {what}", k + 1);
    let _ = writeln!(out, "  {:<10} | {:<60} | expected", "", "sent");
    let row = |out: &mut String, field: &str, s: String, e: String| {
        let mark = if s == e { ' ' } else { '!' };
        let _ = writeln!(out, "{mark} {field:<10} | {s:<60} | {e}");
    };
    let fmt_pairs = |p: &[(String, String)]| format!("{:?}", sorted(p));
    row(
        &mut out,
        "method",
        sent.map(|s| s.method.clone()).unwrap_or_default(),
        expected.map(|e| e.method.clone()).unwrap_or_default(),
    );
    row(
        &mut out,
        "path",
        sent.map(|s| s.path.clone()).unwrap_or_default(),
        expected.map(|e| e.path.clone()).unwrap_or_default(),
    );
    row(
        &mut out,
        "query",
        sent.map(|s| fmt_pairs(&s.query)).unwrap_or_default(),
        expected.map(|e| fmt_pairs(&e.query)).unwrap_or_default(),
    );
    match expected.and_then(|e| {
        e.json
            .as_ref()
            .map(Value::to_string)
            .or(e.body_text.clone())
    }) {
        Some(body) => row(
            &mut out,
            "body",
            sent.map(|s| s.body.clone()).unwrap_or_default(),
            body,
        ),
        None => row(
            &mut out,
            "form",
            sent.map(|s| fmt_pairs(&s.form)).unwrap_or_default(),
            expected.map(|e| fmt_pairs(&e.form)).unwrap_or_default(),
        ),
    }
    if let Some(e) = expected {
        for (name, value) in &e.headers {
            let got = sent
                .map(|s| header(&s.headers, name).join(", "))
                .unwrap_or_default();
            row(&mut out, name, got, value.clone());
        }
        for name in &e.absent_headers {
            let got = sent
                .map(|s| header(&s.headers, name).join(", "))
                .unwrap_or_default();
            let got = if got.is_empty() {
                "(absent)".to_owned()
            } else {
                got
            };
            row(&mut out, name, got, "(absent)".to_owned());
        }
    }
    out
}

//! Turning a call into a [`Request`]: path values substituted (the client's account SID for an unset
//! `{AccountSid}`), then query, form or JSON body and headers, in description order whatever the order of the
//! setter calls. The encoded buffer is handed over as it is when the setters ran in that order.

use crate::encode::fill_path;
use crate::http::params::Params;
use crate::http::request::{Body, Request};
use crate::operation::call::{CallParts, Extra, Slot};
use crate::operation::scope::path_values;
use crate::operation::spec::In;

impl CallParts {
    /// The request: path values substituted, then query, form or JSON body and headers in description order.
    pub(super) fn into_request(self) -> Request {
        let CallParts {
            at,
            spec,
            mut text,
            mut slots,
            extra,
            ..
        } = self;
        let Extra {
            json,
            upload,
            options,
            ..
        } = extra.map(|e| *e).unwrap_or_default();
        let params = spec.params;

        let (request_path, invalid) = if spec.path.bytes().any(|b| b == b'{') {
            // The scope's values, outermost first, without allocating for the usual few.
            let mut few = [""; 8];
            let depth = at.depth();
            let many = if depth <= few.len() {
                let mut node = at.value();
                for slot in few.iter_mut().take(depth).rev() {
                    if let Some(n) = node {
                        *slot = n.value.as_str();
                        node = n.up.value();
                    }
                }
                Vec::new()
            } else {
                path_values(&at)
            };
            let values = if many.is_empty() {
                few.get(..depth).unwrap_or_default()
            } else {
                many.as_slice()
            };
            let mut held = values.iter();
            fill_path(spec.path, |name| {
                if !spec.account_path {
                    return held.next().copied();
                }
                let account = params
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.location == In::AccountPath && p.name == name);
                match account {
                    Some((i, _)) => match slots.get(i) {
                        Some(Slot::One(v)) => Some(v.as_str()),
                        _ => Some(at.client().account_sid()),
                    },
                    None => held.next().copied(),
                }
            })
        } else {
            (spec.path.to_owned(), None)
        };
        let mut request = Request::new(spec.method.clone(), spec.id, request_path);
        request.invalid = invalid;

        // Query and form pairs, in description order: the buffer as it is when the setters ran in that order and
        // it holds one place's pairs only, else the spans copied in order.
        // Header values move into the request on the way.
        let (mut in_order, mut expected, mut places) = (true, 0, (false, false));
        for (p, slot) in params.iter().zip(slots.iter_mut()) {
            match (p.location, &*slot) {
                (In::Query | In::Form, Slot::Encoded(span)) if span.pairs > 0 => {
                    if p.location == In::Query {
                        places.0 = true;
                    } else {
                        places.1 = true;
                    }
                    in_order &= span.start == expected;
                    expected = span.end + 1;
                }
                (In::Header, Slot::One(_)) => {
                    if let Slot::One(value) = std::mem::take(slot) {
                        request.headers.push((p.name, value));
                    }
                }
                _ => {}
            }
        }
        let whole = in_order && expected.saturating_sub(1) == text.len() && !(places.0 && places.1);
        let mut collect = |place: In| {
            let (mut count, mut sensitive) = (0, Vec::new());
            let mut out = if whole {
                String::new()
            } else {
                String::with_capacity(text.len())
            };
            for (p, slot) in params.iter().zip(&slots) {
                let Slot::Encoded(span) = slot else {
                    continue;
                };
                if span.pairs == 0 || p.location != place {
                    continue;
                }
                if p.sensitive {
                    sensitive.extend(count..count + span.pairs);
                }
                count += span.pairs;
                if !whole {
                    if !out.is_empty() {
                        out.push('&');
                    }
                    out.push_str(text.get(span.start..span.end).unwrap_or_default());
                }
            }
            if whole && count > 0 {
                out = std::mem::take(&mut text);
            }
            Params::from_encoded(out, count, sensitive)
        };
        // Fields set in place: the request is large to move.
        if spec.has_query {
            request.query = collect(In::Query);
        }
        if spec.has_form || spec.form_body {
            request.body = Body::Form(collect(In::Form));
        }
        if let Some(body) = json {
            request.body = Body::Json(body);
        }
        if let Some(upload) = upload {
            request.body = Body::None;
            request.upload = Some(upload);
        }
        if let Some(content_type) = spec.content_type {
            request
                .headers
                .push(("Content-Type", content_type.to_owned()));
        }
        request.server = spec.server;
        request.page_key = spec.page_key;
        if let Some(options) = options {
            request.options = options;
        }
        request
    }
}

//! The retry loop and one attempt: [`Client::send`] repeats a request as the
//! [`RetryPolicy`](crate::RetryPolicy) allows (waits from `Retry-After` or backoff, an overall deadline); each
//! attempt runs in a `twilio.request` span, reads the body under its limit, classifies how far it got
//! ([`Outcome`]) and reports the exchange to the observer.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap};
use tracing::Instrument as _;
use url::Url;

use crate::error::{Error, ErrorKind, MAX_MESSAGE_CHARS};
use crate::http::client::{Client, Raw};
use crate::http::observe::{Exchange, header_pairs};
use crate::http::request::{Body, Request};
use crate::http::response::{self, Limits, request_id};
use crate::http::retry::{Outcome, is_idempotent, parse_retry_after, should_retry};
use crate::http::target::origin_text;
use crate::redact::Redactor;

struct AttemptError {
    error: Error,
    /// How far the attempt got, for the retry rules.
    outcome: Outcome,
}

impl Client {
    /// The retry loop (rules on [`RetryPolicy`](crate::RetryPolicy)): returns the last response (any status) or the last failure.
    pub(crate) async fn send(&self, req: &Request, url: Url) -> Result<Raw, Error> {
        let policy = &self.inner.retry;
        let max_attempts = req
            .options
            .max_attempts
            .unwrap_or(policy.max_attempts)
            .max(1);
        let may_repeat = is_idempotent(&req.method)
            || req
                .options
                .retry_non_idempotent
                .unwrap_or(policy.retry_non_idempotent);
        let headers = self.headers_for(req)?;
        // Encoded once; every attempt sends the same shared bytes.
        let body = match &req.body {
            Body::None => None,
            Body::Form(params) => Some(bytes::Bytes::from(params.encode())),
            Body::Json(value) => Some(bytes::Bytes::from(value.to_string())),
        };
        let timeout = req.options.timeout.unwrap_or(self.inner.timeout);
        let deadline_after = req.options.deadline.or(policy.deadline);
        let deadline = deadline_after.map(|d| Instant::now() + d);
        let limits = self.limits_for(req);
        let mut attempt = 0_u32;
        loop {
            attempt += 1;
            let remaining = deadline.map(|at| at.saturating_duration_since(Instant::now()));
            let attempt_timeout = remaining.map_or(timeout, |r| r.min(timeout));
            let span = tracing::info_span!(
                "twilio.request",
                operation = req.operation,
                method = %req.method,
                path = url.path(),
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(
                    req,
                    &url,
                    &headers,
                    body.as_ref(),
                    attempt_timeout,
                    attempt,
                    limits,
                )
                .instrument(span.clone())
                .await;
            let outcome = match outcome {
                Err(e) if e.error.is_timeout() && attempt_timeout < timeout => Err(AttemptError {
                    error: Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "the deadline of {} ms across attempts passed during attempt {attempt}",
                            millis(deadline_after.unwrap_or_default())
                        ),
                    )
                    .with_operation(req.operation),
                    outcome: Outcome::Other,
                }),
                other => other,
            };
            let happened = match &outcome {
                Ok(raw) => Outcome::Status(raw.status),
                Err(e) => e.outcome,
            };
            let mut wait = None;
            if attempt < max_attempts && should_retry(happened, may_repeat) {
                wait = match &outcome {
                    Ok(raw) => match raw
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()))
                    {
                        Some(d) if d > policy.max_retry_after => {
                            tracing::debug!(parent: &span, retry_after_ms = millis(d), "Retry-After exceeds the cap; not retrying");
                            None
                        }
                        Some(d) => Some(d),
                        None => Some(policy.backoff(attempt)),
                    },
                    Err(_) => Some(policy.backoff(attempt)),
                };
            }
            if let (Some(d), Some(at)) = (wait, deadline)
                && Instant::now() + d >= at
            {
                tracing::debug!(parent: &span, wait_ms = millis(d), "the wait would pass the deadline; not retrying");
                wait = None;
            }
            match wait {
                None => return outcome.map_err(|e| e.error),
                Some(d) => {
                    tracing::debug!(parent: &span, wait_ms = millis(d), "retrying");
                    self.inner.sleeper.sleep(d).await;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        req: &Request,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&bytes::Bytes>,
        timeout: Duration,
        attempt: u32,
        limits: Limits,
    ) -> Result<Raw, AttemptError> {
        let op = req.operation;
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .headers(headers.clone())
            .timeout(timeout);
        if let Some(body) = body {
            builder = builder.body(body.clone());
        }
        let request = builder.build().map_err(|e| AttemptError {
            error: Error::from_reqwest(op, e),
            outcome: Outcome::Other,
        })?;
        let mut exchange = self.inner.observer.as_ref().map(|_| Exchange {
            operation: op,
            attempt,
            method: req.method.to_string(),
            url: url.to_string(),
            request_headers: header_pairs(request.headers()),
            request_body: req.observed_body(body.and_then(|b| std::str::from_utf8(b).ok())),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            error: None,
        });
        let mut received: Option<(u16, HeaderMap)> = None;
        let result: Result<Raw, AttemptError> = async {
            let response = self
                .inner
                .http
                .execute(request)
                .await
                .map_err(|e| AttemptError {
                    outcome: Outcome::of_send_error(&e),
                    error: Error::from_reqwest(op, e),
                })?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let headers = response.headers().clone();
            if self.inner.observer.is_some() {
                received = Some((status, headers.clone()));
            }
            if self.inner.foreign_http && response.url() != url {
                return Err(AttemptError {
                    error: Error::config(format!(
                        "the HTTP client given to http_client(..) followed a redirect to {}; build it with redirect(reqwest::redirect::Policy::none()) or pass a builder to http_client_builder(..)",
                        origin_text(response.url())
                    ))
                    .with_operation(op)
                    .with_response(status, request_id(&headers)),
                    outcome: Outcome::Other,
                });
            }
            let limit = limits.for_status(status);
            // A connection reset or closed while the body streams in counts as interrupted: the request was
            // processed, so only a request that may be repeated is sent again.
            let body = response::read_limited(response, limit, status >= 400)
                .await
                .map_err(|e| AttemptError {
                    outcome: Outcome::of_body_error(&e),
                    error: Error::from_reqwest(op, e).with_response(status, request_id(&headers)),
                })?;
            Ok(Raw {
                status,
                headers,
                body,
            })
        }
        .await;
        if let (Some(observer), Some(exchange)) = (&self.inner.observer, exchange.as_mut()) {
            let redactor = &self.inner.redactor;
            if let Some((status, headers)) = &received {
                exchange.status = Some(*status);
                exchange.response_headers = header_pairs(headers)
                    .into_iter()
                    .map(|(name, value)| (name, redactor.redact(&value).into_owned()))
                    .collect();
            }
            match &result {
                Ok(raw) => {
                    exchange.response_body =
                        Some(observed_text(redactor, &raw.body, limits.observed))
                }
                Err(e) => {
                    exchange.error =
                        Some(redactor.one_line(&e.error.to_string(), MAX_MESSAGE_CHARS));
                }
            }
            observer.on_exchange(exchange);
        }
        match &result {
            Ok(raw) => tracing::debug!(status = raw.status, "response"),
            Err(e) => {
                tracing::debug!(error = %self.inner.redactor.one_line(&e.error.to_string(), MAX_MESSAGE_CHARS), "request failed")
            }
        }
        result
    }
}

/// The text an observer gets for a body: at most `limit` bytes (lossy UTF-8), secrets redacted, and a marker when
/// the body was cut (here or by the body limit).
fn observed_text(redactor: &Redactor, body: &response::Body, limit: u64) -> String {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let shown = body.bytes.get(..limit).unwrap_or(&body.bytes);
    let mut text = redactor
        .redact(&String::from_utf8_lossy(shown))
        .into_owned();
    if shown.len() < body.bytes.len() || body.truncated {
        text.push_str("…[truncated]");
    }
    text
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

//! When and how long to wait before retrying: [`RetryPolicy`] (attempts, backoff, `Retry-After` cap, which
//! methods; the rules are documented on it), the [`Sleeper`] that performs the waits, and the pure decision
//! helpers (idempotent methods, retryable statuses, `Retry-After` parsing, jitter) the client's retry loop uses.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;

/// Retry settings of a client. `Default` is [`RetryPolicy::new`].
///
/// # The rules
///
/// "Idempotent" means `GET`, `HEAD`, `OPTIONS`, `PUT` and `DELETE`, and also `POST` and `PATCH` when
/// [`RetryPolicy::retry_non_idempotent`] or
/// [`RequestOptions::retry_non_idempotent`](crate::RequestOptions::retry_non_idempotent) allows it (a repeated
/// `POST` could create a second message).
///
/// | What happened                                                        | Retried for            | Why |
/// |----------------------------------------------------------------------|------------------------|-----|
/// | Nothing was sent: connection refused, DNS, TLS handshake failure     | every method           | the server never saw the request |
/// | `429 Too Many Requests`                                              | every method           | Twilio rejects it before processing |
/// | `503 Service Unavailable`                                            | idempotent methods     | the request may have been partly processed |
/// | Connection reset or closed after sending, before any response        | idempotent methods     | the request may have been processed |
/// | Connection reset or closed while the response body was being read    | idempotent methods     | the request was processed; only a read is safe to repeat |
/// | Timeout (connect or total), deadline passed                          | never                  | the caller's bound on waiting |
/// | Any other status, a body that does not decode or is too large        | never                  | repeating gives the same answer |
///
/// Every retry also needs an attempt left ([`RetryPolicy::max_attempts`], default 3, or
/// [`RequestOptions::max_attempts`](crate::RequestOptions::max_attempts)) and, when an overall
/// [`deadline`](RetryPolicy::deadline) is set, a wait that ends before it; each attempt's timeout is shortened so
/// the last one ends by the deadline too.
///
/// The wait after attempt `n` is the server's `Retry-After` when present: delta-seconds, or an HTTP date in any of
/// the three forms of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`,
/// `Sun Nov  6 08:49:37 1994`). Otherwise it is "full jitter" exponential backoff: a uniformly random duration in
/// `[0, min(max_backoff, initial_backoff * 2^(n-1))]`. When `Retry-After` asks for more than
/// [`RetryPolicy::max_retry_after`], the client stops and returns the error instead of waiting. Waits go through
/// the client's [`Sleeper`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) deadline: Option<Duration>,
}

/// How far an attempt got, which decides whether it may be repeated (see [`RetryPolicy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response with this status arrived.
    Status(u16),
    /// The connection could not be established: nothing was sent.
    NotSent,
    /// The connection was reset or closed after the request was sent: before a response, or while its body was
    /// being read.
    Interrupted,
    /// Anything else: timeouts, unreadable bodies, refused redirects.
    Other,
}

/// Performs the waits between attempts. The default uses `tokio::time::sleep`; tests can record the requested
/// durations instead of sleeping.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// A future that completes after `d`.
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The default [`Sleeper`]: `tokio::time::sleep` (requires a Tokio runtime with the time driver).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(d))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// The default: 3 attempts in total, 500 ms initial backoff doubling up to 10 s, `Retry-After` honoured up
    /// to 30 s, idempotent methods only.
    pub fn new() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
            deadline: None,
        }
    }

    /// No retries: every request gets exactly one attempt.
    pub fn none() -> Self {
        Self::new().max_attempts(1)
    }

    /// Most attempts per request, the first included (`0` counts as `1`).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Upper bound of the first backoff (doubled for each further retry).
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Cap on any computed backoff.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Longest `Retry-After` the client will wait; a longer one ends retrying and returns the error.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Whether `POST` and `PATCH` requests may be retried too.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Time allowed for all attempts of a request together, waits included (default: none, each attempt only has
    /// its own timeout). A wait that would end after the deadline is not taken, and the last attempt's timeout is
    /// cut to end at the deadline; running out gives an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// Full-jitter backoff before the retry that follows attempt `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let shift = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .checked_mul(1_u32 << shift)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % nanos.saturating_add(1))
    }
}

/// Whether the method may be retried without the caller's consent.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// The table of [`RetryPolicy`]: whether an attempt that ended with `outcome` may be repeated, given whether the
/// request is idempotent (or allowed to be repeated).
pub(crate) fn should_retry(outcome: Outcome, idempotent: bool) -> bool {
    match outcome {
        Outcome::NotSent | Outcome::Status(429) => true,
        Outcome::Status(503) | Outcome::Interrupted => idempotent,
        Outcome::Status(_) | Outcome::Other => false,
    }
}

impl Outcome {
    /// Classifies a failure to read the body of a response that arrived: a reset or closed connection is
    /// [`Outcome::Interrupted`], anything else (a timeout among them) [`Outcome::Other`].
    pub(crate) fn of_body_error(err: &reqwest::Error) -> Self {
        if !err.is_timeout() && is_interrupted(err) {
            Outcome::Interrupted
        } else {
            Outcome::Other
        }
    }

    /// Classifies a failure to get a response.
    pub(crate) fn of_send_error(err: &reqwest::Error) -> Self {
        if err.is_timeout() {
            Outcome::Other
        } else if err.is_connect() {
            Outcome::NotSent
        } else if is_interrupted(err) {
            Outcome::Interrupted
        } else {
            Outcome::Other
        }
    }
}

/// A reset, aborted or prematurely closed connection anywhere in the error's chain.
fn is_interrupted(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(h) = e.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_canceled() || h.is_closed())
        {
            return true;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// Parses `Retry-After` (RFC 9110 section 10.2.3): delta-seconds, or an HTTP date relative to `now` in the
/// preferred IMF-fixdate form or either obsolete form (RFC 850 with a two-digit year, asctime). Dates in the past
/// give zero; unparseable values give `None` (fall back to backoff).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(value)?;
    let now_secs = i64::try_from(now.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
    let wait = u64::try_from(at.saturating_sub(now_secs)).unwrap_or(0);
    Some(Duration::from_secs(wait))
}

/// Seconds since the Unix epoch of an HTTP date in any of its three forms.
fn parse_http_date(value: &str) -> Option<i64> {
    twilio_rest_time::Timestamp::parse_http_date(value)
        .ok()
        .map(twilio_rest_time::Timestamp::unix_seconds)
}

/// A random 64-bit value from std's randomly keyed SipHash (no `rand` dependency); good enough for jitter.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.initial_backoff, Duration::from_millis(500));
        assert_eq!(p.max_backoff, Duration::from_secs(10));
        assert_eq!(p.max_retry_after, Duration::from_secs(30));
        assert!(!p.retry_non_idempotent);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn backoff_is_jittered_within_exponential_cap() {
        let p = RetryPolicy::new();
        for attempt in 1..40 {
            let ceiling = Duration::from_millis(500)
                .saturating_mul(1 << (attempt - 1).min(20))
                .min(Duration::from_secs(10));
            for _ in 0..20 {
                assert!(p.backoff(attempt) <= ceiling, "attempt {attempt}");
            }
        }
        let distinct: std::collections::HashSet<_> = (0..50).map(|_| p.backoff(5)).collect();
        assert!(distinct.len() > 1, "jitter should vary");
        assert_eq!(
            RetryPolicy::new()
                .initial_backoff(Duration::ZERO)
                .backoff(3),
            Duration::ZERO
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:49 GMT", now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:49 GMT", now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:49 1994", now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            parse_retry_after("Sun Nov 6 08:50:37 1994", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("Sunday, 06-Nov-94 08:49:49", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn method_and_status_classes() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
        let table = [
            (Outcome::NotSent, true, true),
            (Outcome::Status(429), true, true),
            (Outcome::Status(503), false, true),
            (Outcome::Interrupted, false, true),
            (Outcome::Status(500), false, false),
            (Outcome::Status(502), false, false),
            (Outcome::Other, false, false),
        ];
        for (outcome, any_method, idempotent) in table {
            assert_eq!(should_retry(outcome, false), any_method, "{outcome:?}");
            assert_eq!(should_retry(outcome, true), idempotent, "{outcome:?}");
        }
    }
}

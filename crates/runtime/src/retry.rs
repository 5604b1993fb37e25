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
/// What is retried:
/// - responses `429 Too Many Requests` and `503 Service Unavailable`;
/// - connection failures (nothing reached the server: DNS, refused, TLS handshake).
///
/// What is never retried: timeouts (the request may have been processed, and the timeout is the caller's bound
/// on waiting), other statuses, decode errors. Only idempotent methods (`GET`, `HEAD`, `OPTIONS`, `PUT`,
/// `DELETE`) are retried unless [`RetryPolicy::retry_non_idempotent`] or
/// [`RequestOptions::retry_non_idempotent`](crate::RequestOptions::retry_non_idempotent) allows `POST` and
/// `PATCH` too: a repeated `POST` could create a second message.
///
/// The wait after attempt `n` is the server's `Retry-After` (delta-seconds or HTTP date) when present, otherwise
/// "full jitter" exponential backoff: a uniformly random duration in
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

/// Statuses worth retrying.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date (RFC 2822 form, `GMT` accepted) relative to `now`.
/// Dates in the past give zero; unparseable values give `None` (fall back to backoff).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now_secs = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let at = u64::try_from(date.timestamp()).unwrap_or(0);
    Some(Duration::from_secs(at.saturating_sub(now_secs)))
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
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn method_and_status_classes() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
        assert!(is_retryable_status(429) && is_retryable_status(503));
        assert!(!is_retryable_status(500) && !is_retryable_status(502));
    }
}

//! A load generator for HTTP services on loopback: `clients` concurrent tasks share one reqwest client (one
//! keep-alive connection each) and send requests until a count is reached or a deadline passes, recording the
//! latency of every request (sent to body read) and the bytes answered. `local_bench` measures the local Chat
//! service and Prism with it, so both sides see the same generator, concurrency and machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where requests go and the HTTP Basic credentials they carry.
#[derive(Debug, Clone)]
pub struct Target {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// Basic user (account SID).
    pub user: String,
    /// Basic password (auth token).
    pub password: String,
}

/// One kind of request the generator sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `POST path` with a form body; the `n`-th request's body is `form(n)`.
    Form {
        /// Path after the base URL.
        path: String,
        /// Body prefix; the request number is appended to the last value so that bodies differ.
        form: String,
    },
    /// `GET path_and_query`.
    Get {
        /// Path and query after the base URL.
        path_and_query: String,
    },
}

impl Request {
    /// Create-message of Chat v2 under a service and channel: `Body` and `From` (the author's identity).
    pub fn create_message(service: &str, channel: &str) -> Self {
        Self::Form {
            path: messages_path(service, channel),
            form: "From=bench-user&Body=hello+from+the+load+generator+".to_owned(),
        }
    }

    /// List-messages of Chat v2 under a service and channel, `PageSize=50`.
    pub fn list_messages(service: &str, channel: &str) -> Self {
        Self::Get {
            path_and_query: format!("{}?PageSize=50", messages_path(service, channel)),
        }
    }

    /// List-messages of Conversations v1 under a service and conversation, `PageSize=50`.
    pub fn list_conversation_messages(service: &str, conversation: &str) -> Self {
        Self::Get {
            path_and_query: format!(
                "/v1/Services/{service}/Conversations/{conversation}/Messages?PageSize=50"
            ),
        }
    }

    /// The status a successful answer has: 201 for a create, 200 for a read.
    pub fn expected_status(&self) -> u16 {
        match self {
            Self::Form { .. } => 201,
            Self::Get { .. } => 200,
        }
    }
}

/// `/v2/Services/{service}/Channels/{channel}/Messages`.
pub fn messages_path(service: &str, channel: &str) -> String {
    format!("/v2/Services/{service}/Channels/{channel}/Messages")
}

/// When a run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// After this many requests in all.
    Count(usize),
    /// No request starts after this long; the ones in flight finish and count.
    After(Duration),
}

/// What a run measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    /// Requests answered with the expected status.
    pub requests: usize,
    /// Wall-clock seconds from the first request sent to the last answer read.
    pub seconds: f64,
    /// Latency of every request, in microseconds, sorted.
    pub latencies_us: Vec<f64>,
    /// Bytes of every answer's body, summed.
    pub body_bytes: u64,
}

impl Measured {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            f64::NAN
        }
    }

    /// The `p`-th percentile latency (0 < p <= 100), in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        percentile(&self.latencies_us, p) / 1000.0
    }
}

/// The `p`-th percentile (nearest rank) of `sorted` ascending values; NaN when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A reqwest client for loopback load: no proxy, an idle connection kept per client task.
pub fn http_client(clients: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("reqwest client: {e}"))
}

/// Sends `request` from `clients` concurrent tasks until `stop`; fails on the first answer that does not have
/// the expected status (naming the status and the start of the body) or the first transport error.
pub async fn run(
    http: &reqwest::Client,
    target: &Target,
    request: &Request,
    clients: usize,
    stop: Stop,
) -> Result<Measured, String> {
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients.max(1) {
        let http = http.clone();
        let target = target.clone();
        let request = request.clone();
        let issued = Arc::clone(&issued);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut bytes = 0u64;
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                let more = match stop {
                    Stop::Count(total) => n < total,
                    Stop::After(limit) => started.elapsed() < limit,
                };
                if !more {
                    break;
                }
                let sent = Instant::now();
                bytes += send(&http, &target, &request, n).await? as u64;
                latencies.push(sent.elapsed().as_secs_f64() * 1e6);
            }
            Ok::<_, String>((latencies, bytes))
        }));
    }
    let mut measured = Measured::default();
    let mut failure = None;
    for task in tasks {
        match task.await {
            Ok(Ok((latencies, bytes))) => {
                measured.latencies_us.extend(latencies);
                measured.body_bytes += bytes;
            }
            Ok(Err(e)) => failure = failure.or(Some(e)),
            Err(e) => failure = failure.or(Some(format!("client task: {e}"))),
        }
    }
    measured.seconds = started.elapsed().as_secs_f64();
    if let Some(e) = failure {
        return Err(e);
    }
    measured.requests = measured.latencies_us.len();
    measured.latencies_us.sort_by(f64::total_cmp);
    Ok(measured)
}

/// Sends the `n`-th request and reads its answer; the body's length, or why it failed.
async fn send(
    http: &reqwest::Client,
    target: &Target,
    request: &Request,
    n: usize,
) -> Result<usize, String> {
    let builder = match request {
        Request::Form { path, form } => http
            .post(format!("{}{path}", target.base_url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("{form}{n}")),
        Request::Get { path_and_query } => http.get(format!("{}{path_and_query}", target.base_url)),
    };
    let response = builder
        .basic_auth(&target.user, Some(&target.password))
        .send()
        .await
        .map_err(|e| format!("{}: {e}", what(request)))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{}: reading the answer: {e}", what(request)))?;
    if status != request.expected_status() {
        let text = String::from_utf8_lossy(&body);
        let start: String = text.chars().take(300).collect();
        return Err(format!(
            "{} answered {status}, expected {}: {start}",
            what(request),
            request.expected_status()
        ));
    }
    Ok(body.len())
}

/// `POST /v2/...` or `GET /v2/...?...`, for errors.
fn what(request: &Request) -> String {
    match request {
        Request::Form { path, .. } => format!("POST {path}"),
        Request::Get { path_and_query } => format!("GET {path_and_query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{Request, Stop, Target, http_client, percentile, run};
    use serde_json::json;

    #[test]
    fn runs_count_every_answer_and_fail_on_an_unexpected_status() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        rt.block_on(async {
            let chat = twilio_chat_local::start()
                .await
                .unwrap_or_else(|e| panic!("local service: {e}"));
            let state = chat.state();
            let service = state
                .insert("Service", json!({"friendly_name": "load"}))
                .unwrap_or_default()["sid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let channel = state
                .insert("Channel", json!({"service_sid": service}))
                .unwrap_or_default()["sid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let target = Target {
                base_url: chat.base_url().to_owned(),
                user: chat.credentials().account_sid().to_owned(),
                password: chat.credentials().auth_token().to_owned(),
            };
            let http = http_client(4).unwrap_or_else(|e| panic!("{e}"));
            let create = Request::create_message(&service, &channel);
            let created = run(&http, &target, &create, 4, Stop::Count(20)).await;
            let created = created.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(created.requests, 20);
            assert_eq!(created.latencies_us.len(), 20);
            assert!(created.latencies_us.is_sorted());
            let messages = state.records("Message");
            assert_eq!(messages.len(), 20);
            let answered: usize = messages.iter().map(|m| m.to_string().len()).sum();
            assert_eq!(created.body_bytes, answered as u64);
            assert!(messages.iter().all(|m| m["from"] == "bench-user"));
            let list = Request::list_messages(&service, &channel);
            let listed = run(
                &http,
                &target,
                &list,
                2,
                Stop::After(std::time::Duration::ZERO),
            )
            .await;
            assert_eq!(listed.map(|m| m.requests), Ok(0));
            let missing = Request::list_messages(&service, "CHmissing");
            let error = run(&http, &target, &missing, 2, Stop::Count(3)).await;
            assert!(
                error
                    .as_ref()
                    .is_err_and(|e| e.contains("answered 404, expected 200")),
                "{error:?}"
            );
        });
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let sorted: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 99.0), 198.0);
        assert_eq!(percentile(&sorted, 50.0), 100.0);
        assert_eq!(percentile(&sorted, 100.0), 200.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(percentile(&[], 99.0).is_nan());
    }

    #[test]
    fn requests_name_chat_v2_message_paths() {
        let list = Request::list_messages("IS1", "CH2");
        assert_eq!(
            list,
            Request::Get {
                path_and_query: "/v2/Services/IS1/Channels/CH2/Messages?PageSize=50".to_owned()
            }
        );
        assert_eq!(list.expected_status(), 200);
        let create = Request::create_message("IS1", "CH2");
        assert_eq!(create.expected_status(), 201);
        assert!(
            matches!(&create, Request::Form { path, form }
                if path == "/v2/Services/IS1/Channels/CH2/Messages"
                    && form.starts_with("From=")
                    && form.contains("&Body=")),
            "{create:?}"
        );
    }
}

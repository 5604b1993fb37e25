//! [`Backend`] over the local service (`twilio-chat-local`), which answers Chat v2, Chat v3 and Conversations v1
//! over one state: channels are seeded in its state, every n-th request meets `Fault::RateLimited`, conversion
//! latency is `Fault::Latency` on POSTs (the only POST of a run is Chat v3's `UpdateChannel`), and what the run
//! did is read from the service's journal of answered requests and its records.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use twilio_chat_local::{Fault, LocalChat};

use super::{Backend, Scenario};

/// The local service on its own runtime; both stop when this is dropped.
pub struct Local {
    chat: Option<LocalChat>,
    runtime: Option<tokio::runtime::Runtime>,
    service: String,
}

impl Drop for Local {
    fn drop(&mut self) {
        drop(self.chat.take());
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

impl Local {
    fn chat(&self) -> &LocalChat {
        self.chat.as_ref().expect("running")
    }

    /// Chat v3 `UpdateChannel` requests answered 2xx, per channel SID.
    fn updates_per_channel(&self) -> BTreeMap<String, u32> {
        let prefix = format!("/v3/Services/{}/Channels/", self.service);
        let mut out = BTreeMap::new();
        for answered in self.chat().state().requests() {
            let answered_post = answered.method == "POST" && (200..300).contains(&answered.status);
            if let Some(sid) = answered
                .path
                .strip_prefix(&prefix)
                .filter(|_| answered_post)
            {
                *out.entry(sid.to_owned()).or_insert(0) += 1;
            }
        }
        out
    }
}

impl Backend for Local {
    fn start(scenario: Scenario) -> Local {
        assert!(
            scenario.refuse.is_empty(),
            "the local service does not refuse chosen channels: use the fake for that"
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let chat = runtime.block_on(twilio_chat_local::start()).unwrap();
        let state = chat.state();
        let service = state
            .insert("Service", json!({"friendly_name": "migrate"}))
            .unwrap()["sid"]
            .as_str()
            .unwrap()
            .to_owned();
        for i in 0..scenario.public + scenario.private {
            let kind = if i < scenario.public {
                "public"
            } else {
                "private"
            };
            state
                .insert(
                    "Channel",
                    json!({"service_sid": service, "type": kind, "unique_name": format!("channel-{i}")}),
                )
                .unwrap();
        }
        if scenario.throttle_every > 0 {
            state.inject_every(
                scenario.throttle_every,
                Fault::RateLimited {
                    retry_after: Duration::from_secs(scenario.retry_after_secs),
                },
            );
        }
        if !scenario.convert_latency.is_zero() {
            state.inject_on("POST", Fault::Latency(scenario.convert_latency), usize::MAX);
        }
        Local {
            chat: Some(chat),
            runtime: Some(runtime),
            service,
        }
    }

    fn base_url(&self) -> String {
        self.chat().base_url().to_owned()
    }

    fn credentials(&self) -> (String, String) {
        let credentials = self.chat().credentials();
        (
            credentials.account_sid().to_owned(),
            credentials.auth_token().to_owned(),
        )
    }

    fn service_sid(&self) -> String {
        self.service.clone()
    }

    /// The run sends `UpdateChannel` only for channels it saw public, so each answered one is a conversion.
    fn conversions(&self) -> BTreeMap<String, u32> {
        self.updates_per_channel()
    }

    fn private(&self) -> BTreeMap<String, bool> {
        self.chat()
            .state()
            .records("Channel")
            .iter()
            .map(|c| {
                (
                    c["sid"].as_str().unwrap_or_default().to_owned(),
                    c["type"] == "private",
                )
            })
            .collect()
    }

    fn update_requests(&self) -> BTreeMap<String, u32> {
        self.updates_per_channel()
    }

    fn requests(&self) -> u64 {
        self.chat().state().requests().len() as u64
    }

    fn throttled(&self) -> u64 {
        self.chat()
            .state()
            .requests()
            .iter()
            .filter(|a| a.status == 429)
            .count() as u64
    }

    fn early_retries(&self) -> Option<u64> {
        None
    }
}

//! Peak resident memory (VmHWM) of the runtime benchmark, each measured in a child process of this binary: streaming
//! 10 versus 100 pages with both clients, receiving a 256 MiB body refused at the default limit (with its own
//! loopback server), and decoding one 40,000-message page; with the child modes that do the work and print their
//! figures.

use crate::encode::Capture;
use crate::{generated_client, hand_client, stream_generated, stream_hand};
use bench::fixtures::{self, ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID};
use bench::server::Server;
use bench::stats::report;
use std::sync::Arc;
use twilio_chat_v2::Credentials;
use twilio_chat_v2::models;

/// Peak resident memory (VmHWM) of a child process streaming 10 and 100 pages, for both clients.
pub(crate) fn peak_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    for pages in [10_usize, 100] {
        let server = Server::start(pages).map_err(|e| format!("loopback server: {e}"))?;
        for kind in ["generated", "hand"] {
            let output = std::process::Command::new(&exe)
                .args(["--child-stream", kind, server.base_url()])
                .output()
                .map_err(|e| format!("child process: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "child `{kind}` streaming {pages} pages failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
            let text = String::from_utf8_lossy(&output.stdout);
            let (seen, kb) = text
                .trim()
                .split_once(' ')
                .and_then(|(seen, kb)| Some((seen.parse::<u64>().ok()?, kb.parse::<f64>().ok()?)))
                .ok_or_else(|| format!("child `{kind}` printed `{}`", text.trim()))?;
            if seen != (pages * fixtures::PAGE_SIZE) as u64 {
                return Err(format!(
                    "child `{kind}` streamed {seen} messages over {pages} pages"
                ));
            }
            report(&format!("peak_rss.{kind}.{pages}_pages"), kb, "KiB");
        }
    }
    Ok(())
}

/// Child mode: stream every page from BASE_URL with one client, then print `<messages> <VmHWM KiB>`.
pub(crate) fn child_stream(args: &[String]) -> Result<(), String> {
    let [kind, base] = args else {
        return Err("--child-stream needs KIND BASE_URL".to_owned());
    };
    let rt = bench::runtime()?;
    let seen = match kind.as_str() {
        "generated" => rt.block_on(stream_generated(&generated_client(base, None)?))?,
        "hand" => rt.block_on(stream_hand(&hand_client(base)?))?,
        other => return Err(format!("unknown client `{other}`")),
    };
    let hwm = bench::vm_hwm()?;
    println!("{seen} {hwm}");
    Ok(())
}

/// Size of the body the oversized-body server streams.
const OVERSIZED_BYTES: u64 = 256 * 1024 * 1024;

/// Peak resident memory (VmHWM) of a child process receiving a 256 MiB body under the default 32 MiB limit,
/// without and with an observer.
pub(crate) fn oversized_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let server = OversizedServer::start().map_err(|e| format!("loopback server: {e}"))?;
    for mode in ["plain", "observer"] {
        let output = std::process::Command::new(&exe)
            .args(["--child-oversized", mode, &server.base_url])
            .output()
            .map_err(|e| format!("child process: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "child `{mode}` receiving an oversized body failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let kb = text
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("child `{mode}` printed `{}`", text.trim()))?;
        report(&format!("peak_rss.oversized_body.{mode}"), kb, "KiB");
    }
    report(
        "oversized_body.limit",
        (twilio_chat_v2::runtime::DEFAULT_MAX_RESPONSE_BYTES / 1024) as f64,
        "KiB",
    );
    Ok(())
}

/// Child mode: fetch the oversized body once, require the size error, print VmHWM in KiB.
pub(crate) fn child_oversized(args: &[String]) -> Result<(), String> {
    let [mode, base] = args else {
        return Err("--child-oversized needs MODE BASE_URL".to_owned());
    };
    let observer = match mode.as_str() {
        "plain" => None,
        "observer" => Some(Arc::new(Capture::default())),
        other => return Err(format!("unknown mode `{other}`")),
    };
    let credentials =
        Credentials::auth_token(ACCOUNT_SID, AUTH_TOKEN).map_err(|e| e.to_string())?;
    let mut builder = twilio_chat_v2::runtime::Client::builder("https://chat.twilio.com")
        .credentials(credentials)
        .base_url(base.as_str())
        .allow_insecure_http(true);
    if let Some(observer) = observer {
        builder = builder.observer(observer);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let request = twilio_chat_v2::runtime::Request::new(
        twilio_chat_v2::runtime::Method::GET,
        "FetchService",
        format!("/v2/Services/{SERVICE_SID}"),
    );
    let rt = bench::runtime()?;
    let outcome = rt.block_on(client.execute::<serde_json::Value>(request));
    match outcome {
        Err(e) if e.kind() == twilio_chat_v2::runtime::ErrorKind::ResponseTooLarge => {}
        Err(e) => return Err(format!("expected a size error, got: {e}")),
        Ok(_) => return Err("a 256 MiB body was accepted".to_owned()),
    }
    let hwm = bench::vm_hwm()?;
    println!("{hwm}");
    Ok(())
}

/// A loopback server answering every request with a 256 MiB chunked JSON string, streamed (never held in
/// memory); it stops when dropped.
struct OversizedServer {
    base_url: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OversizedServer {
    fn start() -> std::io::Result<Self> {
        use std::io::{Read as _, Write as _};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let idle_until = std::time::Instant::now() + bench::server::IDLE_LIMIT;
            while !thread_stop.load(Ordering::SeqCst) && std::time::Instant::now() < idle_until {
                let Ok((mut socket, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                let _ = socket.set_nonblocking(false);
                let mut head = Vec::new();
                let mut buf = [0_u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let chunk_len = 64 * 1024;
                let mut chunk = format!("{chunk_len:x}\r\n").into_bytes();
                chunk.extend(std::iter::repeat_n(b'a', chunk_len));
                chunk.extend_from_slice(b"\r\n");
                let mut sent = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n1\r\n\"\r\n")
                    .is_ok();
                let mut written = 0_u64;
                while sent && written < OVERSIZED_BYTES {
                    sent = socket.write_all(&chunk).is_ok();
                    written += chunk_len as u64;
                }
                if sent {
                    let _ = socket.write_all(b"1\r\n\"\r\n0\r\n\r\n");
                }
            }
        });
        Ok(Self {
            base_url,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for OversizedServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Messages in the large page of the page-memory measurement.
const LARGE_PAGE_RECORDS: usize = 40_000;

/// Peak resident memory of decoding one large page as `Client::execute_page` does, in a child process: the body
/// size, the peak before decoding (body in memory) and the peak after (body and records together).
pub(crate) fn page_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let output = std::process::Command::new(&exe)
        .arg("--child-page-memory")
        .output()
        .map_err(|e| format!("child process: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "child decoding a large page failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [bytes, before, after] = numbers.as_slice() else {
        return Err(format!("child printed `{}`", text.trim()));
    };
    report("page_memory.body", bytes / 1024.0, "KiB");
    report("page_memory.peak_before_decode", *before, "KiB");
    report("page_memory.peak_after_decode", *after, "KiB");
    // Memory the decoded records add, per byte of JSON.
    report(
        "page_memory.records_per_body_byte",
        (after - before) * 1024.0 / bytes,
        "x",
    );
    Ok(())
}

/// Child mode: build one page of [`LARGE_PAGE_RECORDS`] messages, decode it with the runtime's page decoder,
/// print `<body bytes> <VmHWM before decoding KiB> <VmHWM after KiB>`.
pub(crate) fn child_page_memory() -> Result<(), String> {
    let base = "http://127.0.0.1:1";
    let mut body = Vec::with_capacity(LARGE_PAGE_RECORDS * 800);
    body.extend_from_slice(b"{\"messages\": [");
    for index in 0..LARGE_PAGE_RECORDS {
        if index > 0 {
            body.push(b',');
        }
        serde_json::to_writer(&mut body, &fixtures::message(base, index))
            .map_err(|e| e.to_string())?;
    }
    body.extend_from_slice(b"], \"meta\": {\"key\": \"messages\", \"page\": 0}}");
    body.shrink_to_fit();
    let before = bench::vm_hwm()?;
    let base_url = url::Url::parse(base).map_err(|e| e.to_string())?;
    let (records, _) = twilio_rest_runtime::__private::decode_page::<models::Message>(
        "ListMessage",
        &body,
        &base_url,
        None,
    )
    .map_err(|e| e.to_string())?;
    let after = bench::vm_hwm()?;
    if records.len() != LARGE_PAGE_RECORDS {
        return Err(format!("decoded {} records", records.len()));
    }
    println!("{} {before} {after}", body.len());
    Ok(())
}

//! A tiny HTTP/1.1 loopback server answering canned Chat v2 responses, on its own thread and tokio runtime.
//!
//! `GET .../Messages?...&Page=N` answers page `N` of [`fixtures::page_body`]; `POST .../Messages` answers a created
//! message (201); `POST /v2/Services/{Sid}` answers an updated service. Connections are kept alive. The server
//! stops when its [`Server`] is dropped, or by itself after [`IDLE_LIMIT`] without a new connection or request.

use crate::fixtures;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The server gives up after this long without a connection (or a request on an open connection).
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// A running loopback server; dropping it stops the server and joins its thread.
#[derive(Debug)]
pub struct Server {
    base_url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Canned {
    pages: Vec<Vec<u8>>,
    message: Vec<u8>,
    service: Vec<u8>,
}

impl Server {
    /// Starts a server on `127.0.0.1` with `pages` precomputed message pages.
    pub fn start(pages: usize) -> io::Result<Self> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", std_listener.local_addr()?);
        let canned = Arc::new(Canned {
            pages: (0..pages)
                .map(|p| fixtures::page_body(&base_url, p, pages))
                .collect(),
            message: fixtures::created_message(&base_url),
            service: fixtures::updated_service(&base_url),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("loopback-server".to_owned())
            .spawn(move || {
                runtime.block_on(accept_loop(std_listener, canned, thread_stop));
            })?;
        Ok(Self {
            base_url,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: std::net::TcpListener, canned: Arc<Canned>, stop: Arc<AtomicBool>) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    let tick = Duration::from_millis(50);
    let mut idle = Duration::ZERO;
    while !stop.load(Ordering::SeqCst) && idle < IDLE_LIMIT {
        match tokio::time::timeout(tick, listener.accept()).await {
            Ok(Ok((socket, _))) => {
                idle = Duration::ZERO;
                let _ = socket.set_nodelay(true);
                tokio::spawn(serve(socket, Arc::clone(&canned)));
            }
            Ok(Err(_)) | Err(_) => idle += tick,
        }
    }
}

/// Answers requests on one connection until the client closes it or it idles.
async fn serve(mut socket: TcpStream, canned: Arc<Canned>) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0_u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if buf.len() > 64 * 1024 {
                return Ok(());
            }
            let n = tokio::time::timeout(IDLE_LIMIT, socket.read(&mut chunk))
                .await
                .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut words = head.split_whitespace();
        let method = words.next().unwrap_or_default().to_owned();
        let target = words.next().unwrap_or_default().to_owned();
        let content_length = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < head_end + content_length {
            let n = tokio::time::timeout(IDLE_LIMIT, socket.read(&mut chunk))
                .await
                .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..head_end + content_length);
        let (status, body) = answer(&canned, &method, &target);
        let header = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(header.as_bytes()).await?;
        socket.write_all(body).await?;
    }
}

fn answer<'a>(canned: &'a Canned, method: &str, target: &str) -> (&'static str, &'a [u8]) {
    const NOT_FOUND: &[u8] =
        br#"{"code": 20404, "message": "The requested resource was not found", "status": 404}"#;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match method {
        "GET" if path.ends_with("/Messages") => {
            let page = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("Page="))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            match canned.pages.get(page) {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", NOT_FOUND),
            }
        }
        "POST" if path.ends_with("/Messages") => ("201 Created", &canned.message),
        "POST" if path.starts_with("/v2/Services/") && path.matches('/').count() == 3 => {
            ("200 OK", &canned.service)
        }
        _ => ("404 Not Found", NOT_FOUND),
    }
}

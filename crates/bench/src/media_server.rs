//! A loopback HTTP/1.1 server for file transfers, on its own thread and tokio runtime.
//!
//! `POST <any path>` with a `Content-Length` body reads and discards the body, then answers `201` with a media
//! record whose `size` is the number of bytes received; `GET .../Media/{Sid}/Content` answers `200` with as many
//! bytes of a fixed pattern as the hexadecimal digits of the SID say ([`media_sid`]), written from one 64 KiB
//! buffer. Neither side holds a whole file. Connections are kept alive; the server
//! stops when its [`MediaServer`] is dropped, or by itself after [`crate::server::IDLE_LIMIT`] without
//! a connection.

use crate::server::IDLE_LIMIT;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Size of the server's read and write buffers.
const BUFFER: usize = 64 * 1024;

/// A running loopback transfer server; dropping it stops the server and joins its thread.
#[derive(Debug)]
pub struct MediaServer {
    base_url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MediaServer {
    /// Starts a server on `127.0.0.1`.
    pub fn start() -> io::Result<Self> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", std_listener.local_addr()?);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("media-server".to_owned())
            .spawn(move || runtime.block_on(accept_loop(std_listener, thread_stop)))?;
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

impl Drop for MediaServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The Media SID whose content is `size` bytes long: `ME` and the size in 32 hexadecimal digits.
pub fn media_sid(size: u64) -> String {
    format!("ME{size:032x}")
}

/// The byte at `offset` of every downloaded file.
pub fn pattern_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

async fn accept_loop(listener: std::net::TcpListener, stop: Arc<AtomicBool>) {
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
                tokio::spawn(serve(socket));
            }
            Ok(Err(_)) | Err(_) => idle += tick,
        }
    }
}

async fn read_some(socket: &mut TcpStream, chunk: &mut [u8]) -> io::Result<usize> {
    tokio::time::timeout(IDLE_LIMIT, socket.read(chunk))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
}

/// Answers requests on one connection until the client closes it or it idles.
async fn serve(mut socket: TcpStream) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(BUFFER);
    let mut chunk = vec![0_u8; BUFFER];
    let pattern: Vec<u8> = (0..BUFFER).map(pattern_byte).collect();
    loop {
        let head_end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if buf.len() > BUFFER {
                return Ok(());
            }
            let n = read_some(&mut socket, &mut chunk).await?;
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
            .and_then(|(_, value)| value.trim().parse::<u64>().ok())
            .unwrap_or(0);
        // The body: what already arrived with the head, then the rest, counted and dropped.
        let buffered = (buf.len() - head_end) as u64;
        let mut received = buffered.min(content_length);
        buf.drain(..head_end + received as usize);
        while received < content_length {
            let want = ((content_length - received) as usize).min(BUFFER);
            let n = read_some(&mut socket, &mut chunk[..want]).await?;
            if n == 0 {
                return Ok(());
            }
            received += n as u64;
        }
        match method.as_str() {
            "POST" => {
                let body = format!(
                    r#"{{"sid": "ME00000000000000000000000000000001", "service_sid": "IS00000000000000000000000000000001", "date_created": "2026-01-01T00:00:00Z", "url": "https://mcs.us1.twilio.com/v1/Services/IS00000000000000000000000000000001/Media/ME00000000000000000000000000000001", "size": {received}, "content_type": "application/octet-stream", "category": "media"}}"#
                );
                let head = format!(
                    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                socket.write_all(head.as_bytes()).await?;
                socket.write_all(body.as_bytes()).await?;
            }
            "GET" => {
                let size = target
                    .strip_suffix("/Content")
                    .and_then(|rest| rest.rsplit('/').next())
                    .and_then(|sid| sid.strip_prefix("ME"))
                    .and_then(|hex| usize::from_str_radix(hex, 16).ok());
                let Some(size) = size else {
                    socket
                        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                        .await?;
                    continue;
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
                );
                socket.write_all(head.as_bytes()).await?;
                let mut sent = 0;
                while sent < size {
                    // Every buffer starts at a multiple of BUFFER, where the pattern restarts only if BUFFER is a
                    // multiple of 251; write the slice that continues the pattern instead.
                    let start = sent % 251;
                    let n = (size - sent).min(BUFFER - start);
                    socket.write_all(&pattern[start..start + n]).await?;
                    sent += n;
                }
            }
            _ => {
                socket
                    .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                    .await?;
            }
        }
    }
}

//! A response body read as it arrives: [`Download`], a stream of byte chunks with the response's status, media
//! type and length, returned by [`Client::execute_download`](crate::Client::execute_download),
//! [`Client::download_unauthenticated`](crate::Client::download_unauthenticated) and
//! [`Client::download_links`](crate::Client::download_links).

use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{self, Write as _};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt as _;
use reqwest::header::{self, HeaderMap};
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::error::{Error, ErrorKind};
use crate::transfer::upload::{CHUNK, blocking};

/// The bytes of a downloaded file, as a stream of chunks read from the connection when polled: memory holds one
/// chunk at a time, whatever the file's size.
///
/// Each wait for the next chunk is bounded by the client's timeout (30 s by default, or the request's own
/// [`RequestOptions::timeout`](crate::RequestOptions::timeout)): a large file is not cut off after a fixed total
/// time, but a stalled connection is, with an [`ErrorKind::Timeout`] error.
///
/// ```no_run
/// use futures_util::TryStreamExt as _;
/// # async fn run(download: twilio_rest_runtime::Download) -> Result<(), twilio_rest_runtime::Error> {
/// println!("{:?}, {:?} bytes", download.content_type(), download.content_length());
/// let mut download = download;
/// let mut total = 0;
/// while let Some(chunk) = download.try_next().await? {
///     total += chunk.len();
/// }
/// # Ok(())
/// # }
/// ```
pub struct Download {
    status: u16,
    headers: HeaderMap,
    operation: &'static str,
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + 'static>>,
    received: u64,
}

impl Download {
    /// Reads `response`'s body as it arrives, each wait bounded by `idle`.
    pub(crate) fn new(
        operation: &'static str,
        response: reqwest::Response,
        idle: Duration,
    ) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let chunks = futures_util::stream::unfold(Some(response), move |response| async move {
            let mut response = response?;
            match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(chunk))) => Some((Ok(chunk), Some(response))),
                Ok(Ok(None)) => None,
                Ok(Err(e)) => Some((Err(Error::from_reqwest(operation, e.without_url())), None)),
                Err(_) => Some((
                    Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "no data received for {} ms while downloading",
                            idle.as_millis()
                        ),
                    )
                    .with_operation(operation)),
                    None,
                )),
            }
        });
        Self {
            status,
            headers,
            operation,
            chunks: Box::pin(chunks),
            received: 0,
        }
    }

    /// The HTTP status of the response (a 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` of the response: the file's media type, when the server gave one.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The `Content-Length` of the response, when the server gave one.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// The response headers (names lower-case).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads the whole file into memory. Fails with [`ErrorKind::InvalidArgument`] once more than `max_bytes`
    /// arrive, so an unexpectedly large file cannot exhaust memory; stream it instead.
    pub async fn bytes(mut self, max_bytes: usize) -> Result<Bytes, Error> {
        let mut out = BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if out.len() + chunk.len() > max_bytes {
                return Err(Error::invalid_argument(
                    self.operation,
                    format!("the download is larger than the {max_bytes} bytes allowed in memory"),
                ));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Writes every chunk to `writer` as it arrives, then flushes it; returns the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, Error> {
        let operation = self.operation;
        let io = |e: std::io::Error| {
            Error::new(
                ErrorKind::Transport,
                format!("could not write the download: {e}"),
            )
            .with_operation(operation)
        };
        let mut written = 0_u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }

    /// Writes the file to `path` (created or truncated) as it arrives; returns the number of bytes written.
    ///
    /// The file is created and written on tokio's blocking pool, so the async runtime never waits for the disk;
    /// chunks are written in batches of about 64 KiB, the next batch being received while the last one is
    /// written, so memory holds two batches at most. Fails with [`ErrorKind::InvalidArgument`] naming the path when it cannot be created
    /// (such as in a folder that does not exist), and with [`ErrorKind::Transport`] when a write fails.
    pub async fn save(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let operation = self.operation;
        let owned = path.to_path_buf();
        let file = blocking(move || File::create(owned))
            .await
            .and_then(|created| created)
            .map_err(|e| {
                Error::invalid_argument(operation, format!("cannot create {}: {e}", path.display()))
            })?;
        let io = |e: io::Error| {
            Error::new(
                ErrorKind::Transport,
                format!("could not write the download: {e}"),
            )
            .with_operation(operation)
        };
        // The write under way, which hands the file back when done; chunks keep arriving meanwhile.
        let mut writing: Pin<Box<dyn Future<Output = io::Result<File>> + Send>> =
            Box::pin(std::future::ready(Ok(file)));
        let mut batch = Vec::new();
        let mut batched = 0;
        let mut written = 0_u64;
        loop {
            let next = self.next().await.transpose()?;
            let last = next.is_none();
            if let Some(chunk) = next {
                batched += chunk.len();
                written += chunk.len() as u64;
                batch.push(chunk);
            }
            if batched < CHUNK && !last {
                continue;
            }
            let mut file = writing.await.map_err(io)?;
            let chunks = std::mem::take(&mut batch);
            batched = 0;
            let write = blocking(move || {
                chunks
                    .iter()
                    .try_for_each(|chunk| file.write_all(chunk))
                    .map(|()| file)
            });
            if last {
                write.await.and_then(|done| done).map_err(io)?;
                return Ok(written);
            }
            writing = Box::pin(async move { write.await.and_then(|done| done) });
        }
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.chunks.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.received += chunk.len() as u64;
        }
        polled
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

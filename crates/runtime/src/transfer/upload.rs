//! Request bodies sent as they are, without holding them in memory: [`UploadBody`], built from bytes, a file or
//! any stream of byte chunks, and sent by [`Client::execute_upload`](crate::Client::execute_upload).

use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{self, Read, Seek as _};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt as _;
use hyper::body::Frame;

use crate::error::{Error, ErrorKind};

/// Size of the chunks read from files and cut from in-memory bodies.
pub(crate) const CHUNK: usize = 64 * 1024;

/// The error type a body stream may yield.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The chunks of an [`UploadBody`].
type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send + 'static>>;

/// The bytes of an upload (such as a media file), sent as they are.
///
/// Only one chunk at a time is in memory while a file or stream is sent: a 200 MB file costs about as much
/// memory as a 1 MB one. The length, when known ([`from_bytes`](Self::from_bytes), [`from_path`](Self::from_path),
/// [`from_file`](Self::from_file), or [`with_length`](Self::with_length)), is sent as `Content-Length`;
/// otherwise the body is sent with chunked transfer encoding.
///
/// A body can be sent once: uploads are never retried (see
/// [`Client::execute_upload`](crate::Client::execute_upload)).
///
/// ```no_run
/// use bytes::Bytes;
/// use futures_util::stream;
/// use twilio_rest_runtime::UploadBody;
///
/// # async fn run() -> Result<(), twilio_rest_runtime::Error> {
/// let small = UploadBody::from_bytes(&b"hello"[..]);
/// let file = UploadBody::from_path("floor-plan.png").await?;
/// let chunks = stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"part 1, ")), Ok(Bytes::from_static(b"part 2"))]);
/// let streamed = UploadBody::from_stream(chunks).with_length(14);
/// assert_eq!(small.length(), Some(5));
/// # Ok(())
/// # }
/// ```
pub struct UploadBody {
    chunks: Chunks,
    length: Option<u64>,
    origin: &'static str,
}

/// An [`UploadBody`] inside a [`Request`](crate::Request): shared by the request's clones, taken by the one that
/// is sent.
#[derive(Clone)]
pub(crate) struct UploadSlot {
    body: Arc<Mutex<Option<UploadBody>>>,
    length: Option<u64>,
}

/// Time of the last chunk handed to the connection, shared between an upload body and its idle timeout.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    start: Instant,
    /// Milliseconds since `start` at the last chunk.
    last: Arc<AtomicU64>,
}

/// An [`UploadBody`] as an HTTP body for reqwest ([`reqwest::Body::wrap`]), marking [`Progress`] at each chunk.
struct Tracked {
    /// The chunks. reqwest wants a `Sync` body and a stream need not be `Sync`: the mutex makes it so. It is never
    /// locked: the body is polled through `&mut`, which reaches the stream with [`Mutex::get_mut`].
    inner: Mutex<Chunks>,
    progress: Progress,
}

impl UploadBody {
    /// A body of bytes already in memory (sent in chunks, without copying).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes: Bytes = bytes.into();
        let length = bytes.len() as u64;
        let chunks = futures_util::stream::unfold(bytes, |mut rest| async move {
            if rest.is_empty() {
                None
            } else {
                let chunk = rest.split_to(rest.len().min(CHUNK));
                Some((Ok(chunk), rest))
            }
        });
        Self {
            chunks: Box::pin(chunks),
            length: Some(length),
            origin: "bytes",
        }
    }

    /// A body read from the file at `path` as it is sent, one chunk at a time; its length is the file's size.
    ///
    /// The file is opened and read on tokio's blocking pool, so the async runtime never waits for the disk.
    /// Fails with [`ErrorKind::InvalidArgument`] naming the path when the file cannot be opened or is not a
    /// regular file. A read that fails later, while the body is sent, aborts the upload (an
    /// [`ErrorKind::Transport`] error).
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let owned = path.to_path_buf();
        let opened = blocking(move || {
            let file = File::open(&owned)
                .map_err(|e| format!("cannot open the upload file {}: {e}", owned.display()))?;
            measure(file).map_err(|reason| format!("upload file {}: {reason}", owned.display()))
        })
        .await
        .unwrap_or_else(|e| {
            Err(format!(
                "cannot open the upload file {}: {e}",
                path.display()
            ))
        });
        let (file, length) =
            opened.map_err(|reason| Error::new(ErrorKind::InvalidArgument, reason))?;
        Ok(Self::file_body(file, length))
    }

    /// A body read from an open file, from its current position to its end, as it is sent; its length is the
    /// rest of the file.
    ///
    /// The file is read on tokio's blocking pool, one chunk per task, so the async runtime never waits for the
    /// disk. Fails with [`ErrorKind::InvalidArgument`] when the file's metadata cannot be read or it is not a
    /// regular file.
    ///
    /// ```no_run
    /// use std::io::{Seek as _, SeekFrom};
    /// use twilio_rest_runtime::UploadBody;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut file = std::fs::File::open("recording.bin")?;
    /// file.seek(SeekFrom::Start(512))?; // skip a header: the body starts here
    /// let body = UploadBody::from_file(file).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn from_file(file: File) -> Result<Self, Error> {
        let (file, length) = blocking(move || measure(file))
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
            .map_err(|reason| {
                Error::new(ErrorKind::InvalidArgument, format!("upload file: {reason}"))
            })?;
        Ok(Self::file_body(file, length))
    }

    fn file_body(file: File, length: u64) -> Self {
        Self {
            chunks: Box::pin(read_chunks(file)),
            length: Some(length),
            origin: "file",
        }
    }

    /// A body of whatever `stream` yields, sent chunk by chunk as it comes. An error from the stream aborts the
    /// upload, which then fails with [`ErrorKind::Transport`]. The length is unknown (chunked transfer encoding)
    /// unless given with [`with_length`](Self::with_length).
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self {
            chunks: Box::pin(stream.map(|item| item.map_err(Into::into))),
            length: None,
            origin: "stream",
        }
    }

    /// Declares the exact length in bytes, sent as `Content-Length`. A stream that then yields more or fewer
    /// bytes fails the upload.
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }

    /// The length in bytes, when known.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// The body for reqwest, and the progress it reports as chunks are sent.
    pub(crate) fn into_tracked(self) -> (reqwest::Body, Progress) {
        let progress = Progress::new();
        let tracked = Tracked {
            inner: Mutex::new(self.chunks),
            progress: progress.clone(),
        };
        (reqwest::Body::wrap(tracked), progress)
    }
}

impl fmt::Debug for UploadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadBody")
            .field("from", &self.origin)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl From<Bytes> for UploadBody {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for UploadBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for UploadBody {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl UploadSlot {
    pub(crate) fn new(body: UploadBody) -> Self {
        Self {
            length: body.length,
            body: Arc::new(Mutex::new(Some(body))),
        }
    }

    /// The body, unless a clone of the request already took it.
    pub(crate) fn take(&self) -> Option<UploadBody> {
        self.body.lock().ok().and_then(|mut body| body.take())
    }
}

impl fmt::Debug for UploadSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadBody")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Records activity now.
    pub(crate) fn mark(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(elapsed, Ordering::Relaxed);
    }

    /// When the last activity happened.
    pub(crate) fn last(&self) -> Instant {
        self.start + std::time::Duration::from_millis(self.last.load(Ordering::Relaxed))
    }
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let inner = this.inner.get_mut().unwrap_or_else(PoisonError::into_inner);
        let polled = inner.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(_))) = &polled {
            this.progress.mark();
        }
        polled.map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }
}

/// Starts `work` on tokio's blocking pool at once, where waiting for the disk does not hold up the async runtime;
/// the future gives its result. Fails, rather than panics, outside a tokio runtime.
pub(crate) fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = io::Result<T>> + Send + 'static {
    let task = tokio::runtime::Handle::try_current().map(|runtime| runtime.spawn_blocking(work));
    async move {
        task.map_err(io::Error::other)?
            .await
            .map_err(|e| io::Error::other(format!("the file task did not complete: {e}")))
    }
}

/// `file` with the length left from its current position to its end, if it is a regular file (blocking).
fn measure(mut file: File) -> Result<(File, u64), String> {
    let metadata = file
        .metadata()
        .map_err(|e| format!("cannot read its metadata: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file".to_owned());
    }
    let position = file.stream_position().unwrap_or(0);
    Ok((file, metadata.len().saturating_sub(position)))
}

/// The bytes of `reader` from where it stands to its end, in chunks of [`CHUNK`] bytes (the last may be shorter),
/// each read on the blocking pool when the stream is polled for it. A read error is the stream's last item.
fn read_chunks<R: Read + Send + 'static>(
    reader: R,
) -> impl Stream<Item = Result<Bytes, BoxError>> + Send + 'static {
    futures_util::stream::unfold(Some(reader), |reader| async move {
        let mut reader = reader?;
        let read = blocking(move || {
            let chunk = read_chunk(&mut reader);
            (reader, chunk)
        })
        .await;
        match read {
            Ok((_, Ok(chunk))) if chunk.is_empty() => None,
            // A short chunk ends the file: no need for another read to find that out.
            Ok((reader, Ok(chunk))) => {
                let more = (chunk.len() == CHUNK).then_some(reader);
                Some((Ok(chunk), more))
            }
            Ok((_, Err(e))) | Err(e) => Some((Err(BoxError::from(e)), None)),
        }
    })
}

/// Reads up to [`CHUNK`] bytes, fewer only at the end of `reader` (blocking).
fn read_chunk(reader: &mut impl Read) -> io::Result<Bytes> {
    let mut buf = vec![0_u8; CHUNK];
    let mut filled = 0;
    while filled < CHUNK {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(Bytes::from(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: UploadBody) -> Result<Vec<Bytes>, BoxError> {
        let mut chunks = body.chunks;
        let mut out = Vec::new();
        while let Some(chunk) = chunks.next().await {
            out.push(chunk?);
        }
        Ok(out)
    }

    #[tokio::test]
    async fn bytes_are_cut_into_chunks_without_copying() {
        let data = Bytes::from(vec![7_u8; CHUNK * 2 + 5]);
        let body = UploadBody::from_bytes(data.clone());
        assert_eq!(body.length(), Some(data.len() as u64));
        let chunks = collect(body).await.unwrap();
        assert_eq!(
            chunks.iter().map(Bytes::len).collect::<Vec<_>>(),
            [CHUNK, CHUNK, 5]
        );
        assert_eq!(chunks.concat(), data.to_vec());
        assert!(
            collect(UploadBody::from_bytes(Vec::new()))
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn files_are_read_from_their_position_in_chunks() {
        let dir = std::env::temp_dir().join(format!("twilio-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("upload.bin");
        let data: Vec<u8> = (0..(CHUNK * 3 + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let body = UploadBody::from_path(&path).await.unwrap();
        assert_eq!(body.length(), Some(data.len() as u64));
        let chunks = collect(body).await.unwrap();
        assert!(chunks.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(chunks.concat(), data);

        let mut file = File::open(&path).unwrap();
        file.seek(io::SeekFrom::Start(10)).unwrap();
        let body = UploadBody::from_file(file).await.unwrap();
        assert_eq!(body.length(), Some(data.len() as u64 - 10));
        assert_eq!(collect(body).await.unwrap().concat(), data[10..]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Yields `good` bytes of sevens in reads of at most 1000 bytes, then fails.
    struct FailingReader {
        good: usize,
    }

    impl Read for FailingReader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.good == 0 {
                return Err(io::Error::other("sector unreadable"));
            }
            let n = buf.len().min(self.good).min(1000);
            buf[..n].fill(7);
            self.good -= n;
            Ok(n)
        }
    }

    #[tokio::test]
    async fn a_read_that_fails_midway_ends_the_chunks_with_its_error() {
        let mut chunks = Box::pin(read_chunks(FailingReader { good: CHUNK + 10 }));
        let first = chunks.next().await.unwrap().unwrap();
        assert_eq!(
            first.len(),
            CHUNK,
            "short reads are gathered into a whole chunk"
        );
        assert!(first.iter().all(|&b| b == 7));
        let err = chunks.next().await.unwrap().unwrap_err();
        assert_eq!(err.to_string(), "sector unreadable");
        assert!(
            chunks.next().await.is_none(),
            "nothing is read after an error"
        );
    }

    #[test]
    fn files_outside_a_tokio_runtime_are_an_error_not_a_panic() {
        let err = futures_util::FutureExt::now_or_never(UploadBody::from_path("Cargo.toml"))
            .expect("fails at once")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("Cargo.toml"), "{err}");
    }

    #[tokio::test]
    async fn bad_paths_are_named() {
        let err = UploadBody::from_path("/no/such/dir/file.png")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("/no/such/dir/file.png"), "{err}");
        let err = UploadBody::from_path(std::env::temp_dir())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[tokio::test]
    async fn streams_pass_through_with_errors() {
        let items = vec![
            Ok(Bytes::from_static(b"ab")),
            Err(std::io::Error::other("disk gone")),
        ];
        let body = UploadBody::from_stream(futures_util::stream::iter(items));
        assert_eq!(body.length(), None);
        assert_eq!(body.with_length(9).length(), Some(9));
        let body = UploadBody::from_stream(futures_util::stream::iter(vec![
            Ok::<_, std::io::Error>(Bytes::from_static(b"ab")),
            Err(std::io::Error::other("disk gone")),
        ]));
        let err = collect(body).await.unwrap_err();
        assert_eq!(err.to_string(), "disk gone");
        assert!(format!("{:?}", UploadBody::from_bytes(&b"x"[..])).contains("bytes"));
    }
}

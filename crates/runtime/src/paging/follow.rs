//! Following pages: [`Client::execute_page`], [`Client::next_page`] and the auto-paging [`Client::stream`]. The
//! client sends; `parse.rs` parses pages, and the [`Trail`] (`trail.rs`) makes every chain of pages finite (no
//! page fetched twice, a bounded run of empty pages).
//!
//! Fetching a page is not generic ([`RawPage`]: the body, where its records are, the paging information); only
//! decoding the records is. So the sending and paging state machines are compiled once, in this crate, and a
//! client crate compiles one small decode step per record type.

use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use url::Url;

use crate::error::Error;
use crate::http::client::{Client, Sending};
use crate::http::request::Request;
use crate::http::response::ResponseMeta;
use crate::paging::page::{ItemStream, Page, PageMeta, PageOrigin};
use crate::paging::parse;
use crate::paging::trail::Trail;

impl Client {
    /// Fetches one page. The response must be exactly `200 OK`; [`Page::response`] has its status, headers and
    /// `Twilio-Request-Id`.
    pub async fn execute_page<T: DeserializeOwned>(&self, req: Request) -> Result<Page<T>, Error> {
        let raw = fetch_first(self, req).await;
        raw.and_then(RawPage::decode).map_err(|e| self.scrub(e))
    }

    /// Fetches the page after `page`, or `None` on the last page.
    ///
    /// The link must point at the client's own scheme, host and port, and must not lead back to a page already
    /// fetched in this chain of pages (`A -> B -> A`); after
    /// [`MAX_CONSECUTIVE_EMPTY_PAGES`](crate::MAX_CONSECUTIVE_EMPTY_PAGES) pages in a row without records it is
    /// not followed either. In these cases an [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error is
    /// returned and nothing is sent, so a `while let Some(page) = client.next_page(&page)` loop always ends.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        page: &Page<T>,
    ) -> Result<Option<Page<T>>, Error> {
        let Some(next) = page.next_page_url() else {
            return Ok(None);
        };
        let raw = fetch_after(self, Box::new(page.origin.clone()), next.to_owned()).await;
        raw.and_then(RawPage::decode)
            .map(Some)
            .map_err(|e| self.scrub(e))
    }

    /// Streams the records of `req` across pages, stopping after `limit` records when given.
    ///
    /// Memory is bounded by one page; a page is requested only when its records are needed (with a limit that
    /// ends on a page boundary, the following page is never requested). The stream always ends: unsafe or
    /// repeated next page links, and [`MAX_CONSECUTIVE_EMPTY_PAGES`](crate::MAX_CONSECUTIVE_EMPTY_PAGES) pages
    /// in a row without records that still link onward, end it with an
    /// [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error. So with a limit of `n`, at most
    /// `n * MAX_CONSECUTIVE_EMPTY_PAGES` pages are requested (each page with records yields at least one).
    pub fn stream<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
        limit: Option<u64>,
    ) -> ItemStream<T> {
        Box::pin(Records::<T> {
            cursor: Cursor {
                client: self.clone(),
                request: req,
                limit,
                yielded: 0,
                position: Position::Start,
                fetching: None,
            },
            items: Vec::new().into_iter(),
        })
    }

    /// The first page of `req`, its records not decoded.
    async fn first_page(&self, req: &Request) -> Result<RawPage, Error> {
        let url = self.url_for(req)?;
        self.fetch_page(req, url, &Trail::default()).await
    }

    /// Checks and fetches the page at `next`, which follows the page of `origin`.
    async fn follow(&self, origin: &PageOrigin, next: &str) -> Result<RawPage, Error> {
        let operation = origin.request.operation;
        let url = self.resolve_next_url(operation, next)?;
        origin.trail.check_next(operation, &url)?;
        self.fetch_page(&origin.request, url, &origin.trail).await
    }

    async fn fetch_page(&self, req: &Request, url: Url, trail: &Trail) -> Result<RawPage, Error> {
        let raw = self.send(req, url.clone()).await?;
        let (body, response) = self.accept(req, raw, 200..201)?;
        let body = String::from_utf8(body).map_err(|e| {
            crate::decode::not_utf8(req.operation, e.utf8_error())
                .with_response(response.status(), response.request_id())
        })?;
        let (records, meta) =
            parse::page_shape(req.operation, &body, self.base_url(), req.page_key)
                .map_err(|e| e.with_response(response.status(), response.request_id()))?;
        let empty = body.get(records.clone()).is_none_or(parse::no_records);
        let mut template = req.clone();
        template.query = crate::Params::new();
        let trail = trail.then(url, empty);
        Ok(RawPage {
            body,
            records,
            meta,
            origin: PageOrigin {
                request: template,
                trail,
            },
            response,
        })
    }
}

/// A fetched page whose records are still JSON text.
struct RawPage {
    body: String,
    records: std::ops::Range<usize>,
    meta: PageMeta,
    origin: PageOrigin,
    response: ResponseMeta,
}

impl RawPage {
    /// Decodes the records; an error carries the page's status and request ID.
    fn records<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        let operation = self.origin.request.operation;
        let records = self.body.get(self.records.clone()).unwrap_or_default();
        let key = self.meta.key.as_deref().unwrap_or("");
        parse::decode_records(operation, records, key)
            .map_err(|e| e.with_response(self.response.status(), self.response.request_id()))
    }

    /// The page, its records decoded.
    fn decode<T: DeserializeOwned>(self) -> Result<Page<T>, Error> {
        let records = self.records()?;
        Ok(Page {
            records,
            meta: self.meta,
            origin: self.origin,
            response: self.response,
        })
    }
}

type Fetching = Sending<RawPage>;

/// Starts fetching the first page of `request`, boxed here so the fetch is compiled once, in this crate.
fn fetch_first(client: &Client, request: Request) -> Fetching {
    let client = client.clone();
    Box::pin(async move { client.first_page(&request).await })
}

/// Starts fetching the page at `next`, which follows the page of `origin` (boxed like [`fetch_first`]).
fn fetch_after(client: &Client, origin: Box<PageOrigin>, next: String) -> Fetching {
    let client = client.clone();
    Box::pin(async move { client.follow(&origin, &next).await })
}

/// The stream behind [`Client::stream`]: the records of the current page, and a [`Cursor`] for the pages.
struct Records<T> {
    cursor: Cursor,
    items: std::vec::IntoIter<T>,
}

/// Where a stream of records is in its chain of pages: everything that does not depend on the record type.
struct Cursor {
    client: Client,
    request: Request,
    limit: Option<u64>,
    yielded: u64,
    position: Position,
    fetching: Option<Fetching>,
}

/// Where a stream is in its chain of pages.
enum Position {
    /// Nothing fetched yet.
    Start,
    /// A page was fetched (its origin) and links to this next page.
    After(Box<PageOrigin>, String),
    /// The last page was fetched, or an error ended the stream.
    Done,
}

impl Cursor {
    /// Whether the stream has given as many records as its limit.
    fn at_limit(&self) -> bool {
        self.limit.is_some_and(|l| self.yielded >= l)
    }

    /// The next page, fetched when asked for; `None` after the last page. The position moves on as soon as a page
    /// arrives (its records are decoded by the caller).
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<RawPage, Error>>> {
        let fetching = match &mut self.fetching {
            Some(fetching) => fetching,
            None => {
                let fetching = match std::mem::replace(&mut self.position, Position::Done) {
                    Position::Done => return Poll::Ready(None),
                    Position::Start => fetch_first(&self.client, self.request.clone()),
                    Position::After(origin, next) => fetch_after(&self.client, origin, next),
                };
                self.fetching.insert(fetching)
            }
        };
        let fetched = match fetching.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(fetched) => fetched,
        };
        self.fetching = None;
        Poll::Ready(Some(match fetched {
            Ok(raw) => {
                if let Some(next) = &raw.meta.next_page_url {
                    self.position = Position::After(Box::new(raw.origin.clone()), next.clone());
                }
                Ok(raw)
            }
            Err(e) => Err(self.client.scrub(e)),
        }))
    }

    /// Ends the stream after an error.
    fn fail(&mut self, error: Error) -> Error {
        self.position = Position::Done;
        self.client.scrub(error)
    }
}

impl<T> Unpin for Records<T> {}

impl<T: DeserializeOwned> futures_core::Stream for Records<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let st = &mut *self;
        loop {
            if st.cursor.at_limit() {
                return Poll::Ready(None);
            }
            if let Some(item) = st.items.next() {
                st.cursor.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            match st.cursor.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(raw))) => match raw.records::<T>() {
                    Ok(records) => st.items = records.into_iter(),
                    Err(e) => return Poll::Ready(Some(Err(st.cursor.fail(e)))),
                },
            }
        }
    }
}

//! Following pages: [`Client::execute_page`], [`Client::next_page`] and the auto-paging [`Client::stream`]. The
//! client sends; `page.rs` parses pages and keeps the [`Trail`] that makes every chain of pages finite (no page
//! fetched twice, a bounded run of empty pages).

use serde::de::DeserializeOwned;
use url::Url;

use crate::client::Client;
use crate::error::Error;
use crate::page::{self, ItemStream, Page, PageOrigin, Trail};
use crate::request::Request;

impl Client {
    /// Fetches one page. The response must be exactly `200 OK`; [`Page::response`] has its status, headers and
    /// `Twilio-Request-Id`.
    pub async fn execute_page<T: DeserializeOwned>(&self, req: Request) -> Result<Page<T>, Error> {
        let run = async {
            let url = self.url_for(&req)?;
            self.fetch_page(&req, url, &Trail::default()).await
        };
        run.await.map_err(|e| self.scrub(e))
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
        self.follow(&page.origin, next)
            .await
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
        let state = StreamState {
            client: self.clone(),
            request: req,
            limit,
            yielded: 0,
            items: Vec::new().into_iter(),
            position: Position::Start,
        };
        Box::pin(futures_util::stream::unfold(state, |mut st| async move {
            loop {
                if st.limit.is_some_and(|l| st.yielded >= l) {
                    return None;
                }
                if let Some(item) = st.items.next() {
                    st.yielded += 1;
                    return Some((Ok(item), st));
                }
                let fetched = match std::mem::replace(&mut st.position, Position::Done) {
                    Position::Done => return None,
                    Position::Start => match st.client.url_for(&st.request) {
                        Ok(url) => {
                            st.client
                                .fetch_page::<T>(&st.request, url, &Trail::default())
                                .await
                        }
                        Err(e) => Err(e),
                    },
                    Position::After(origin, next) => st.client.follow(&origin, &next).await,
                };
                match fetched {
                    Ok(page) => {
                        if let Some(next) = page.meta.next_page_url {
                            st.position = Position::After(Box::new(page.origin), next);
                        }
                        st.items = page.records.into_iter();
                    }
                    Err(e) => return Some((Err(st.client.scrub(e)), st)),
                }
            }
        }))
    }

    /// Checks and fetches the page at `next`, which follows the page of `origin`.
    async fn follow<T: DeserializeOwned>(
        &self,
        origin: &PageOrigin,
        next: &str,
    ) -> Result<Page<T>, Error> {
        let operation = origin.request.operation;
        let url = self.resolve_next_url(operation, next)?;
        origin.trail.check_next(operation, &url)?;
        self.fetch_page(&origin.request, url, &origin.trail).await
    }

    async fn fetch_page<T: DeserializeOwned>(
        &self,
        req: &Request,
        url: Url,
        trail: &Trail,
    ) -> Result<Page<T>, Error> {
        let raw = self.send(req, url.clone()).await?;
        let (body, response) = self.accept(req, raw, 200..201)?;
        let (records, meta) = page::parse_page(req.operation, &body, self.base_url(), req.page_key)
            .map_err(|e| e.with_response(response.status(), response.request_id()))?;
        drop(body);
        let mut template = req.clone();
        template.query = crate::Params::new();
        let trail = trail.then(url, records.is_empty());
        Ok(Page {
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

struct StreamState<T> {
    client: Client,
    request: Request,
    limit: Option<u64>,
    yielded: u64,
    items: std::vec::IntoIter<T>,
    position: Position,
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

//! The chain of pages fetched so far, which keeps paging finite. Every page remembers the URLs of the pages before
//! it in its chain (a [`Trail`]). Following a link to a page already in the chain (`A -> B -> A`), or following a
//! link after [`MAX_CONSECUTIVE_EMPTY_PAGES`] pages in a row without records, is a pagination error, so neither a
//! stream nor a manual `next_page` loop can run forever against a misbehaving server.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use url::Url;

use crate::error::Error;

/// Most pages in a row without records that may still link to a next page. Following the link of the last of
/// them fails with an [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) error instead of sending a request.
pub const MAX_CONSECUTIVE_EMPTY_PAGES: u32 = 5;

/// The URLs of the pages of one chain, newest first, shared between pages (a page adds one link), and the
/// number of pages without records at its end.
#[derive(Clone, Default)]
pub(crate) struct Trail {
    last: Option<Arc<Step>>,
    empty_run: u32,
}

struct Step {
    hash: u64,
    url: Url,
    previous: Option<Arc<Step>>,
}

impl Trail {
    /// This trail followed by the page at `url`, which had records or not.
    pub(crate) fn then(&self, url: Url, empty: bool) -> Trail {
        Trail {
            last: Some(Arc::new(Step {
                hash: hash_of(&url),
                url,
                previous: self.last.clone(),
            })),
            empty_run: if empty { self.empty_run + 1 } else { 0 },
        }
    }

    /// Checks that the page at `next` may be fetched after this trail: not already in it, and not after
    /// [`MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages.
    pub(crate) fn check_next(&self, operation: &str, next: &Url) -> Result<(), Error> {
        if self.empty_run >= MAX_CONSECUTIVE_EMPTY_PAGES {
            return Err(Error::pagination(
                operation,
                format!(
                    "{} pages in a row had no records but still linked to a next page; stopping instead of following {next}",
                    self.empty_run
                ),
            ));
        }
        let hash = hash_of(next);
        let mut step = self.last.as_deref();
        while let Some(s) = step {
            if s.hash == hash && s.url == *next {
                return Err(Error::pagination(
                    operation,
                    format!(
                        "the next page URL {next} was already fetched; stopping instead of looping"
                    ),
                ));
            }
            step = s.previous.as_deref();
        }
        Ok(())
    }
}

impl std::fmt::Debug for Trail {
    /// The length of the chain, not every URL in it (a page's `Debug` stays short).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut pages = 0_usize;
        let mut step = self.last.as_deref();
        while let Some(s) = step {
            pages += 1;
            step = s.previous.as_deref();
        }
        f.debug_struct("Trail")
            .field("pages", &pages)
            .field("empty_run", &self.empty_run)
            .field("last", &self.last.as_ref().map(|s| s.url.as_str()))
            .finish()
    }
}

impl Drop for Step {
    /// Unlinks the chain iteratively: a long trail must not recurse once per page when dropped.
    fn drop(&mut self) {
        let mut next = self.previous.take();
        while let Some(step) = next {
            match Arc::try_unwrap(step) {
                Ok(mut owned) => next = owned.previous.take(),
                Err(_) => break,
            }
        }
    }
}

fn hash_of(url: &Url) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    url.as_str().hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn trail_refuses_repeats_and_long_empty_runs_and_drops_without_recursion() {
        let url = |n: u32| Url::parse(&format!("https://chat.twilio.com/v2/S?Page={n}")).unwrap();
        let mut trail = Trail::default();
        for n in 0..MAX_CONSECUTIVE_EMPTY_PAGES {
            trail.check_next("Op", &url(n)).unwrap();
            trail = trail.then(url(n), true);
        }
        let err = trail.check_next("Op", &url(99)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Pagination);
        let trail = trail.then(url(99), false);
        trail.check_next("Op", &url(100)).unwrap();
        let err = trail.check_next("Op", &url(1)).unwrap_err();
        assert!(err.to_string().contains("already fetched"), "{err}");
        // A very long chain is dropped iteratively.
        let mut long = Trail::default();
        for n in 0..200_000 {
            long = long.then(url(n), false);
        }
        assert!(format!("{long:?}").contains("pages: 200000"));
        drop(long);
    }
}

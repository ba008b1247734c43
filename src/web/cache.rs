//! Rendered public pages kept in memory, so that a burst of visitors (a
//! conference screen, a leaflet handed out at a rally) costs one render
//! rather than one per request.
//!
//! Only pages seen by anonymous visitors are kept, one per path and language.
//! What differs between visitors — their CSRF token and the one-time key of a
//! form — is left as a slot in the kept page and filled in per request. A kept
//! page is dropped when anything in this process commits a write, and in any
//! case after [`PageCache::TTL`], which bounds how stale a page can be after a
//! change made by another instance or by a command-line import.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use bytes::{Bytes, BytesMut};

use crate::i18n::Lang;

/// Put in place of the visitor's CSRF token while rendering a page to keep.
pub const CSRF_SLOT: &str = "@@solidarnist-csrf-slot@@";
/// Put in place of a form's one-time key while rendering a page to keep.
pub const KEY_SLOT: &str = "@@solidarnist-key-slot@@";

/// Pages are few (one per public appeal and language); past this many the
/// cache starts again, so unusual paths cannot grow it without bound.
const MAX_PAGES: usize = 256;

pub struct PageCache {
    pages: Mutex<HashMap<(String, Lang), Kept>>,
    /// Bumped by every committed write in this process.
    generation: Arc<AtomicU64>,
}

struct Kept {
    generation: u64,
    made: Instant,
    page: Arc<Page>,
}

/// A rendered page cut at its slots.
pub struct Page {
    text: Vec<Part>,
    /// The length of its text, without the slots.
    len: usize,
}

enum Part {
    Text(Bytes),
    Csrf,
    Key,
}

impl PageCache {
    /// The longest a kept page is served without being rendered again.
    pub const TTL: Duration = Duration::from_secs(1);

    /// A cache that forgets its pages whenever `generation` (the database's
    /// count of committed writes) moves.
    pub fn new(generation: Arc<AtomicU64>) -> PageCache {
        PageCache {
            pages: Mutex::default(),
            generation,
        }
    }

    /// Reads the generation before rendering; pass it back to [`Self::keep`].
    pub fn current(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, path: &str, lang: Lang) -> Option<Arc<Page>> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let kept = pages.get(&(path.to_owned(), lang))?;
        (kept.generation == self.current() && kept.made.elapsed() < Self::TTL)
            .then(|| kept.page.clone())
    }

    /// Keeps `html`, rendered with the slots in place, as of `generation`.
    pub fn keep(&self, path: &str, lang: Lang, generation: u64, html: &str) -> Arc<Page> {
        let page = Arc::new(Page::cut(html));
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(
            (path.to_owned(), lang),
            Kept {
                generation,
                made: Instant::now(),
                page: page.clone(),
            },
        );
        page
    }
}

impl Page {
    fn cut(html: &str) -> Page {
        let mut text = Vec::new();
        let mut rest = html;
        loop {
            let next = [(CSRF_SLOT, true), (KEY_SLOT, false)]
                .into_iter()
                .filter_map(|(slot, csrf)| rest.find(slot).map(|at| (at, slot, csrf)))
                .min_by_key(|(at, _, _)| *at);
            match next {
                Some((at, slot, csrf)) => {
                    text.push(Part::Text(Bytes::copy_from_slice(&rest.as_bytes()[..at])));
                    text.push(if csrf { Part::Csrf } else { Part::Key });
                    rest = &rest[at + slot.len()..];
                }
                None => {
                    text.push(Part::Text(Bytes::copy_from_slice(rest.as_bytes())));
                    break;
                }
            }
        }
        let len = text
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.len(),
                Part::Csrf | Part::Key => 0,
            })
            .sum();
        Page { text, len }
    }

    /// The page for one visitor: their CSRF token, and a fresh key per form.
    /// It leaves as one piece: copying 15 kB once costs less than passing
    /// each piece through the response body's layers and the HTTP writer.
    pub fn fill(&self, csrf: &str) -> Response {
        let mut body = BytesMut::with_capacity(self.len + 64 * self.text.len());
        for part in &self.text {
            match part {
                Part::Text(t) => body.extend_from_slice(t),
                Part::Csrf => body.extend_from_slice(csrf.as_bytes()),
                Part::Key => body.extend_from_slice(crate::auth::form_key().as_bytes()),
            }
        }
        let mut response = Response::new(Body::from(body.freeze()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(page: &Page, csrf: &str) -> String {
        let response = page.fill(csrf);
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn slots_are_filled_per_visitor_and_writes_drop_kept_pages() {
        let writes = Arc::new(AtomicU64::new(0));
        let cache = PageCache::new(writes.clone());
        let g = cache.current();
        let html = format!("<a>{CSRF_SLOT}</a><b>{KEY_SLOT}</b><c>{KEY_SLOT}</c>");
        cache.keep("/appeals/1", Lang::En, g, &html);
        assert!(cache.get("/appeals/1", Lang::Uk).is_none());
        let page = cache.get("/appeals/1", Lang::En).unwrap();
        let one = text(&page, "tok").await;
        assert!(one.starts_with("<a>tok</a><b>"));
        let keys: Vec<&str> = one.split(['<', '>']).filter(|s| s.len() == 32).collect();
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1], "each form gets its own key");
        assert_ne!(
            text(&page, "tok").await,
            one,
            "keys differ between visitors"
        );

        writes.fetch_add(1, Ordering::AcqRel);
        assert!(cache.get("/appeals/1", Lang::En).is_none());
    }
}

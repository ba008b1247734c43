//! The redirect's memory: every short link, kept so that `GET /s/{slug}`
//! answers from memory, and the clicks counted there until they are written.
//!
//! Clicks are counted per link in memory and added to their day's row every
//! `click_flush_interval` (and on shutdown), so a burst of scans costs no
//! database write per request; a crash loses at most one interval's clicks.
//! On the same tick the instance compares the links' version in the
//! database with the one it holds and reloads when another instance changed
//! a link; its own changes reload at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::model::{Link, LinkId};
use super::store;
use crate::db::{Db, DbError};

/// Where one slug sends people.
pub struct Target {
    pub id: LinkId,
    location: HeaderValue,
    expires_at: Option<i64>,
    /// Shared with this link's entry in every later reload, so that a click
    /// counted against an old map is not lost.
    clicks: Arc<AtomicU64>,
}

impl Target {
    /// The 302 to the target. A `GET` counts as a click; a `HEAD` (link
    /// checkers, chat previews) does not.
    pub fn redirect(&self, method: &Method) -> Response {
        if method != Method::HEAD {
            self.clicks.fetch_add(1, Ordering::Relaxed);
        }
        (
            StatusCode::FOUND,
            [(header::LOCATION, self.location.clone())],
        )
            .into_response()
    }
}

#[derive(Default)]
pub struct Redirects {
    slugs: RwLock<Arc<HashMap<String, Arc<Target>>>>,
    /// The links' version this memory was loaded at.
    loaded: AtomicI64,
    reloading: tokio::sync::Mutex<()>,
}

impl Redirects {
    pub async fn load(db: &Db) -> Result<Redirects, DbError> {
        let redirects = Redirects::default();
        redirects.reload(db).await?;
        Ok(redirects)
    }

    /// The live link with this slug, if any: an unknown or expired slug is
    /// left to the full page, which explains.
    pub fn live(&self, slug: &str) -> Option<Arc<Target>> {
        let slugs = self.slugs.read().unwrap_or_else(|e| e.into_inner()).clone();
        let target = slugs.get(slug)?;
        match target.expires_at {
            Some(t) if crate::common::clock::now() >= t => None,
            _ => Some(target.clone()),
        }
    }

    /// Reads every link again (after a change here or elsewhere).
    pub async fn reload(&self, db: &Db) -> Result<(), DbError> {
        let _one_at_a_time = self.reloading.lock().await;
        // The version first: a change committed while reading is seen next time.
        let version = store::version(db).await?;
        let links = store::all(db).await?;
        let old = self.slugs.read().unwrap_or_else(|e| e.into_inner()).clone();
        let counters: HashMap<LinkId, Arc<AtomicU64>> =
            old.values().map(|t| (t.id, t.clicks.clone())).collect();
        let fresh: HashMap<String, Arc<Target>> = links
            .into_iter()
            .filter_map(|link: Link| {
                // Targets were checked when saved; one that is not a valid
                // header value could only come from outside the app.
                let location = HeaderValue::from_str(&link.target_url).ok()?;
                let clicks = counters.get(&link.id).cloned().unwrap_or_default();
                Some((
                    link.slug,
                    Arc::new(Target {
                        id: link.id,
                        location,
                        expires_at: link.expires_at,
                        clicks,
                    }),
                ))
            })
            .collect();
        *self.slugs.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        self.loaded.store(version, Ordering::Release);
        Ok(())
    }

    /// Writes the clicks counted since the last flush to today's rows. If the
    /// write fails the counts are put back, to go with the next flush.
    pub async fn flush(&self, db: &Db) -> Result<u64, DbError> {
        let slugs = self.slugs.read().unwrap_or_else(|e| e.into_inner()).clone();
        let taken: Vec<(Arc<AtomicU64>, LinkId, u64)> = slugs
            .values()
            .filter_map(|t| {
                let n = t.clicks.swap(0, Ordering::AcqRel);
                (n > 0).then(|| (t.clicks.clone(), t.id, n))
            })
            .collect();
        if taken.is_empty() {
            return Ok(0);
        }
        let day = crate::common::clock::today().to_string();
        let counts: Vec<(LinkId, String, i64)> = taken
            .iter()
            .map(|(_, id, n)| (*id, day.clone(), i64::try_from(*n).unwrap_or(i64::MAX)))
            .collect();
        match store::add_clicks(db, &counts).await {
            Ok(()) => Ok(taken.iter().map(|(_, _, n)| n).sum()),
            Err(e) => {
                for (counter, _, n) in taken {
                    counter.fetch_add(n, Ordering::AcqRel);
                }
                Err(e)
            }
        }
    }

    /// Flushes clicks and follows other instances' changes until the task
    /// is dropped; [`Redirects::flush`] once more on shutdown.
    pub async fn run(self: Arc<Self>, db: Db, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.flush(&db).await {
                tracing::warn!(error = %e, "could not write short-link clicks; keeping them for the next try");
            }
            match store::version(&db).await {
                Ok(v) if v != self.loaded.load(Ordering::Acquire) => {
                    if let Err(e) = self.reload(&db).await {
                        tracing::warn!(error = %e, "could not reload short links");
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not check short links for changes"),
            }
        }
    }
}

//! The scheduler: the campaign's periodic jobs, each owned by its area and
//! listed here, run one after another on every pass. Each job writes its
//! effect (and queues its e-mails) in one transaction with a mark that it
//! is done, so several instances running the scheduler at once do each
//! thing once. The outbox sends what they queue; it schedules nothing.

use std::time::Duration;

use crate::db::Db;

/// Runs the jobs every `interval` until the task is dropped.
pub struct Scheduler {
    pub db: Db,
    /// For links in the e-mails the jobs queue.
    pub base_url: String,
    pub interval: Duration,
}

impl Scheduler {
    pub async fn run(self) {
        let mut tick = crate::common::clock::every(self.interval);
        loop {
            tick.tick().await;
            run_due(&self.db, &self.base_url).await;
        }
    }
}

/// One pass over every job. A job that fails is logged and tried again on
/// the next pass; the others still run.
pub async fn run_due(db: &Db, base_url: &str) {
    done(
        "speaker reminders and report requests",
        crate::speakers::reminders::queue_due(db, base_url).await,
    );
    done(
        "affiliation renewal reminders",
        crate::affiliations::actions::queue_renewal_reminders(db).await,
    );
    done(
        "quiet twinning links",
        crate::twinning::actions::mark_dormant(db, base_url).await,
    );
}

fn done<E: std::fmt::Display>(job: &str, result: Result<usize, E>) {
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(job, n, "periodic job done"),
        Err(error) => tracing::warn!(job, %error, "periodic job failed; it runs again next time"),
    }
}

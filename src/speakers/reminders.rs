//! E-mails the calendar causes rather than a person: the reminder two days
//! before a confirmed meeting, and the request for a report after it. The
//! outbox worker calls [`queue_due`] on every pass; each request's flag is
//! set in the same transaction that queues its e-mails, so a reminder goes
//! once however many workers run.

use super::actions::branch_recipients;
use super::mail::{self, Kind, Recipient};
use super::store;
use crate::db::Db;
use crate::outbox;
use crate::web::error::AppError;

/// How long before a meeting its reminder goes.
pub const REMINDER_BEFORE_SECS: i64 = 2 * 24 * 60 * 60;

pub async fn queue_due(db: &Db, base_url: &str) -> Result<usize, AppError> {
    let now = crate::common::clock::now();
    let mut tx = db.write().await?;
    let mut queued = 0;
    for (is_report, due) in [
        (
            false,
            store::due_for_reminder(&mut tx, now, REMINDER_BEFORE_SECS).await?,
        ),
        (true, store::due_for_report(&mut tx, now).await?),
    ] {
        for request in due {
            if !store::mark_reminded(&mut tx, request.id, is_report).await? {
                continue;
            }
            let speaker = match request.speaker_id {
                Some(s) => store::get_speaker(db, s).await?,
                None => None,
            };
            let name = speaker.as_ref().map(|s| s.name.as_str());
            let kind = if is_report {
                Kind::ReportRequest
            } else {
                Kind::Reminder
            };
            let mut recipients = branch_recipients(&mut tx, &request).await?;
            if !is_report {
                recipients.extend(speaker.as_ref().and_then(Recipient::speaker));
            }
            for to in recipients {
                outbox::enqueue(&mut tx, &mail::compose(kind, &to, &request, name, base_url))
                    .await?;
                queued += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(queued)
}

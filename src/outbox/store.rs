//! The outbox's queries.

use sqlx::Row;

use super::Mail;
use crate::common::clock;
use crate::db::{Conn, Db, DbError};

/// A claimed e-mail, ready to send.
#[derive(sqlx::FromRow)]
pub struct Queued {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

pub async fn insert(conn: &mut Conn, mail: &Mail) -> Result<(), DbError> {
    let now = clock::now();
    sqlx::query(
        "INSERT INTO outbox (kind, to_address, lang, subject, body, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(mail.kind)
    .bind(&mail.to)
    .bind(mail.lang.code())
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims up to `limit` due e-mails for `worker` until `lease_until`. The
/// claim condition stands in the outer `WHERE` so that PostgreSQL checks it
/// again on each row after waiting for another worker's lock.
pub async fn claim(
    db: &Db,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Queued>, DbError> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3
           AND (claimed_until IS NULL OR claimed_until < $3)
           AND id IN (SELECT id FROM outbox
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3
                        AND (claimed_until IS NULL OR claimed_until < $3)
                      ORDER BY id LIMIT $4)",
    )
    .bind(worker)
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .execute(&mut *tx)
    .await?;
    let claimed = sqlx::query_as::<_, Queued>(
        "SELECT id, kind, to_address, subject, body, attempts FROM outbox
         WHERE claimed_by = $1 AND claimed_until = $2 AND sent_at IS NULL ORDER BY id",
    )
    .bind(worker)
    .bind(lease_until)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

pub async fn mark_sent(db: &Db, id: i64, worker: &str) -> Result<(), DbError> {
    db.write_one(
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL
         WHERE id = $2 AND claimed_by = $3",
        )
        .bind(clock::now())
        .bind(id)
        .bind(worker),
    )
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn mark_failed(
    db: &Db,
    id: i64,
    worker: &str,
    attempts: i64,
    next_attempt_at: i64,
    give_up: bool,
    error: &str,
) -> Result<(), DbError> {
    let failed_at = give_up.then(crate::common::clock::now);
    db.write_one(sqlx::query(
        "UPDATE outbox SET attempts = $1, next_attempt_at = $2, failed_at = $3, last_error = $4,
             claimed_by = NULL, claimed_until = NULL
         WHERE id = $5 AND claimed_by = $6",
    )
    .bind(attempts)
    .bind(next_attempt_at)
    .bind(failed_at)
    .bind(error.chars().take(500).collect::<String>())
    .bind(id)
    .bind(worker)
    )
    .await?;
    Ok(())
}

/// An e-mail as the outbox page and the tests see it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
    pub sent: bool,
    pub failed: bool,
    pub attempts: i64,
    pub created_at: i64,
    pub last_error: Option<String>,
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>, DbError> {
    let rows = sqlx::query(
        "SELECT id, kind, to_address, lang, subject, body, sent_at, failed_at, attempts, created_at, last_error
         FROM outbox ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                to_address: r.try_get("to_address")?,
                lang: r.try_get("lang")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                sent: r.try_get::<Option<i64>, _>("sent_at")?.is_some(),
                failed: r.try_get::<Option<i64>, _>("failed_at")?.is_some(),
                attempts: r.try_get("attempts")?,
                created_at: r.try_get("created_at")?,
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

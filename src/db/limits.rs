//! Limits over a sliding window (failed logins, public-form submissions),
//! counted and recorded in one step, so that forty requests arriving at
//! the same moment cannot all be checked against the same old count.
//!
//! A limit's events are rows of `(scope, at)` in a table of their own
//! (`login_failures`, `rate_events`). Taking a slot counts a scope's rows in
//! the window and, only if every scope asked for is under its limit, adds
//! one row to each, in one write transaction. On SQLite the transaction
//! holds the database's write lock from its start; on PostgreSQL it first
//! takes a transaction-scoped advisory lock per scope (in a fixed order, so
//! two callers cannot deadlock). Either way the count and the insert of
//! one caller are never interleaved with another's, on one instance or many.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Backend, Db, DbError};

/// The tables events are kept in: named here, never taken from input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Events {
    /// Failed attempts at a secret: logins, current passwords, tokens, links.
    Failures,
    /// Submissions of public forms.
    Submissions,
}

impl Events {
    fn table(self) -> &'static str {
        match self {
            Events::Failures => "login_failures",
            Events::Submissions => "rate_events",
        }
    }
}

/// One scope to count and its limit within the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub scope: String,
    pub max: i64,
}

/// The rows a taken slot added: remove them with [`give_back`] when the
/// attempt turns out not to count (a login that succeeded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Taken(Vec<i64>);

/// Takes one slot in every scope, or none: `None` when any scope already
/// has `max` events in the last `window_secs` seconds. Events older than a
/// day are cleared on the way.
pub async fn take(
    db: &Db,
    events: Events,
    slots: &[Slot],
    window_secs: i64,
    now: i64,
) -> Result<Option<Taken>, DbError> {
    let table = events.table();
    let mut slots: Vec<&Slot> = slots.iter().collect();
    slots.sort_by(|a, b| a.scope.cmp(&b.scope));
    slots.dedup_by(|a, b| a.scope == b.scope);
    let mut tx = db.write().await?;
    if db.backend() == Backend::Postgres {
        for slot in &slots {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(lock_key(table, &slot.scope))
                .execute(&mut *tx)
                .await?;
        }
    }
    for slot in &slots {
        let recent: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE scope = $1 AND at > $2"
        ))
        .bind(&slot.scope)
        .bind(now - window_secs)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if recent >= slot.max {
            return Ok(None);
        }
    }
    let mut ids = Vec::with_capacity(slots.len());
    for slot in &slots {
        let id: i64 = sqlx::query(&format!(
            "INSERT INTO {table} (scope, at) VALUES ($1, $2) RETURNING id"
        ))
        .bind(&slot.scope)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        ids.push(id);
    }
    sqlx::query(&format!("DELETE FROM {table} WHERE at < $1"))
        .bind(now - 24 * 60 * 60)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(Taken(ids)))
}

/// Removes the events a slot added: the attempt did not count after all.
pub async fn give_back(db: &Db, events: Events, taken: Taken) -> Result<(), DbError> {
    if taken.0.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (1..=taken.0.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "DELETE FROM {} WHERE id IN ({})",
        events.table(),
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for id in taken.0 {
        q = q.bind(id);
    }
    db.write_one(q).await?;
    Ok(())
}

/// Forgets a scope's events: a correct password clears its account's failures.
pub async fn clear(db: &Db, events: Events, scope: &str) -> Result<(), DbError> {
    db.write_one(
        sqlx::query(&format!("DELETE FROM {} WHERE scope = $1", events.table())).bind(scope),
    )
    .await?;
    Ok(())
}

/// How many events a scope has had in the window.
pub async fn recent(
    db: &Db,
    events: Events,
    scope: &str,
    window_secs: i64,
    now: i64,
) -> Result<i64, DbError> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM {} WHERE scope = $1 AND at > $2",
        events.table()
    ))
    .bind(scope)
    .bind(now - window_secs)
    .fetch_one(db.read())
    .await?;
    Ok(row.try_get("n")?)
}

/// A PostgreSQL advisory lock key for a scope: the first eight bytes of a
/// SHA-256 of the table and scope, the same in every instance and version.
fn lock_key(table: &str, scope: &str) -> i64 {
    let digest = Sha256::digest(format!("{table}\u{0}{scope}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_differ_by_table_and_scope_and_never_change() {
        let a = lock_key("login_failures", "ip:10.0.0.1");
        assert_eq!(a, lock_key("login_failures", "ip:10.0.0.1"));
        assert_ne!(a, lock_key("rate_events", "ip:10.0.0.1"));
        assert_ne!(a, lock_key("login_failures", "ip:10.0.0.2"));
    }
}

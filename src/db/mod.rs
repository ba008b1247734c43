//! The database: one pool over SQLite or PostgreSQL, chosen at run time from
//! the URL, and the migrations.
//!
//! Every query in the code base is written once, in the SQL that both engines
//! share, and runs through sqlx's `Any` driver. The rules that keep that true:
//! placeholders are `$1, $2, …` (SQLite reads them as numbered parameters);
//! integers are `BIGINT` and flags are `BIGINT` 0/1 (the `Any` driver cannot
//! decode SQLite integers as booleans); time is a `BIGINT` of UTC seconds;
//! aggregates are `CAST(… AS BIGINT)` (PostgreSQL's `SUM` is `NUMERIC`);
//! case-insensitive search goes through a `search_key` column lower-cased in
//! Rust, because SQLite's `LOWER` only knows ASCII and our names are Cyrillic
//! as often as Latin.

mod migrations;
pub mod sql;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};
use tokio::sync::{Mutex, MutexGuard};

pub use sqlx::AnyConnection as Conn;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("migration {version} ({name}) failed")]
    Migration {
        version: i64,
        name: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

/// An import that the database refused or failed keeps the cause.
impl From<DbError> for crate::common::import::ImportError {
    fn from(e: DbError) -> Self {
        crate::common::import::ImportError::Db(Box::new(e))
    }
}

impl From<sqlx::Error> for crate::common::import::ImportError {
    fn from(e: sqlx::Error) -> Self {
        DbError::Sqlx(e).into()
    }
}

impl DbError {
    /// True when the statement broke a unique constraint: a duplicate that the
    /// caller turns into a 409 or a field error, never a 500.
    pub fn is_unique_violation(&self) -> bool {
        is_unique_violation(self.sqlx())
    }

    fn sqlx(&self) -> Option<&sqlx::Error> {
        match self {
            DbError::Sqlx(e) | DbError::Migration { source: e, .. } => Some(e),
            DbError::UnsupportedUrl => None,
        }
    }
}

fn is_unique_violation(e: Option<&sqlx::Error>) -> bool {
    matches!(e, Some(sqlx::Error::Database(d)) if d.is_unique_violation())
}

/// The shared handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time, and a transaction that reads first
    /// and writes later can fail at once with `SQLITE_BUSY` instead of waiting
    /// when another writer got in between. Writers in this process therefore
    /// queue here first. PostgreSQL needs no such queue: its row locks do it,
    /// across instances too.
    sqlite_writer: Arc<Mutex<()>>,
    /// Counts committed writes in this process, so that pages kept in memory
    /// (`web::cache`) know when they are out of date.
    changes: Arc<AtomicU64>,
}

/// A write transaction; on SQLite it also holds this process's writer slot.
pub struct WriteTx<'a> {
    pub tx: Transaction<'static, Any>,
    _writer: Option<MutexGuard<'a, ()>>,
    changes: &'a AtomicU64,
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        self.changes.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}

impl Db {
    /// Connects, creating a SQLite file if it does not exist yet, and applies
    /// the durability settings that make an acknowledged write survive a crash.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_file(url),
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work beside the one writer; FULL makes
                        // every commit durable before we answer 2xx.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 10000",
                        ] {
                            conn.execute(pragma).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            changes: Arc::default(),
        })
    }

    /// The counter of committed writes in this process.
    pub fn changes(&self) -> Arc<AtomicU64> {
        self.changes.clone()
    }

    /// Records a write made outside [`Db::write`] (a single statement on the pool).
    pub fn note_change(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A query written once for both engines, with `{json_rows}` standing for
    /// "the rows of the JSON array bound as `$1`", as a table `j` whose column
    /// `value` is each element (SQLite's `json_each`, PostgreSQL's
    /// `json_array_elements`). Elements are read with `j.value ->> N`.
    pub fn with_json_rows(&self, sql: &str) -> String {
        sql.replace(
            "{json_rows}",
            match self.backend {
                Backend::Sqlite => "json_each($1) AS j",
                Backend::Postgres => "json_array_elements($1::JSON) AS j(value)",
            },
        )
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection for reads (and single-statement writes).
    pub async fn conn(&self) -> Result<PoolConnection<Any>, DbError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a transaction for a change that writes.
    pub async fn write(&self) -> Result<WriteTx<'_>, DbError> {
        let writer = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            Backend::Postgres => None,
        };
        let tx = match self.backend {
            // Take the write lock at BEGIN: a deferred transaction that reads
            // first cannot upgrade if another process (an import, a second
            // instance) committed in between, and fails instead of waiting.
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            _writer: writer,
            changes: &self.changes,
        })
    }

    /// Brings the schema up to date; safe to run from several instances at once.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrations::run(self).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// sqlx opens an existing SQLite file unless told `mode=rwc`; `serve` must
/// create it on first run.
fn sqlite_url_creating_file(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Flags are stored as 0/1 on both engines.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file_unless_told_otherwise() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://x.db"),
            "sqlite://x.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://x.db?cache=shared"),
            "sqlite://x.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://x.db?mode=ro"),
            "sqlite://x.db?mode=ro"
        );
    }

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(Backend::from_url("sqlite://a").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://h").is_err());
    }
}

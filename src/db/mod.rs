//! The database: SQLite or PostgreSQL, chosen at run time from the URL; one
//! path for writes and a read-only one for reads; and the migrations.
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

pub mod backup;
pub mod limits;
mod migrations;
pub mod sql;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions, AnyQueryResult};
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
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
    /// The schema could not be brought up to date.
    #[error("could not migrate the database")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A database a read-only command may not use as it is.
    #[error("{0}")]
    Schema(String),
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
            DbError::Sqlx(e) => Some(e),
            DbError::UnsupportedUrl | DbError::Migrate(_) | DbError::Schema(_) => None,
        }
    }
}

fn is_unique_violation(e: Option<&sqlx::Error>) -> bool {
    matches!(e, Some(sqlx::Error::Database(d)) if d.is_unique_violation())
}

/// The shared handle to the database; cheap to clone.
///
/// Reads and writes go through different pools. The read pool's connections
/// are read-only in the engine itself (SQLite's `query_only`, PostgreSQL's
/// read-only transactions), so a write can only be made through
/// [`Db::write`] or [`Db::write_one`]: the one place that queues SQLite
/// writers and counts committed changes, which the pages kept in memory
/// rely on. A write sent through [`Db::read`] or [`Db::conn`] fails.
#[derive(Clone)]
pub struct Db {
    /// Connections for reads; the engine refuses writes on them.
    reader: AnyPool,
    /// Connections for [`Db::write`] and [`Db::write_one`].
    writer: AnyPool,
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

/// Which of the two pools a connection is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Reads,
    Writes,
}

async fn open_pool(
    backend: Backend,
    options: AnyConnectOptions,
    role: Role,
) -> Result<AnyPool, sqlx::Error> {
    let max = match (backend, role) {
        // Readers work beside the one writer in WAL mode; writers take turns
        // anyway (see `sqlite_writer`), so two are plenty.
        (Backend::Sqlite, Role::Reads) => 8,
        (Backend::Sqlite, Role::Writes) => 2,
        (Backend::Postgres, Role::Reads) => 10,
        (Backend::Postgres, Role::Writes) => 8,
    };
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                let settings: &[&str] = match (backend, role) {
                    // WAL lets readers work beside the one writer; FULL makes
                    // every commit durable before we answer 2xx. WAL is kept
                    // in the file, so the writer's setting holds for readers.
                    (Backend::Sqlite, Role::Writes) => &[
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
                    ],
                    (Backend::Sqlite, Role::Reads) => &[
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA query_only = ON",
                    ],
                    (Backend::Postgres, Role::Reads) => {
                        &["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"]
                    }
                    (Backend::Postgres, Role::Writes) => &[],
                };
                for setting in settings {
                    conn.execute(*setting).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
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
        // The writer first: it creates a new SQLite file and puts it in WAL mode.
        let writer = open_pool(backend, options.clone(), Role::Writes).await?;
        let reader = open_pool(backend, options, Role::Reads).await?;
        Ok(Db {
            reader,
            writer,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            changes: Arc::default(),
        })
    }

    /// Opens a database that must already exist and be at the current
    /// schema, for commands that only read it (`check`, `export`): a
    /// mistyped path is an error, never a new, empty database.
    pub async fn connect_existing(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let joiner = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joiner}mode=rw")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let writer = open_pool(backend, options.clone(), Role::Writes).await?;
        let reader = open_pool(backend, options, Role::Reads).await?;
        let db = Db {
            reader,
            writer,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            changes: Arc::default(),
        };
        migrations::check_current(&db).await?;
        Ok(db)
    }

    /// The counter of committed writes in this process.
    pub fn changes(&self) -> Arc<AtomicU64> {
        self.changes.clone()
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

    /// For reads: `query.fetch_one(db.read())`. The engine refuses a write
    /// sent this way; writes go through [`Db::write`] or [`Db::write_one`].
    pub fn read(&self) -> &AnyPool {
        &self.reader
    }

    /// A connection for several reads in a row (store functions take a
    /// `&mut Conn`, so that the same query serves a read and a transaction).
    pub async fn conn(&self) -> Result<PoolConnection<Any>, DbError> {
        Ok(self.reader.acquire().await?)
    }

    /// This process's turn to write, on SQLite.
    async fn writer_slot(&self) -> Option<MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Starts a transaction for a change that writes.
    pub async fn write(&self) -> Result<WriteTx<'_>, DbError> {
        let writer = self.writer_slot().await;
        let tx = match self.backend {
            // Take the write lock at BEGIN: a deferred transaction that reads
            // first cannot upgrade if another process (an import, a second
            // instance) committed in between, and fails instead of waiting.
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        Ok(WriteTx {
            tx,
            _writer: writer,
            changes: &self.changes,
        })
    }

    /// One statement that writes and stands alone (a session seen, a
    /// setting changed): committed on its own, after waiting its turn like a
    /// transaction, and counted as a change.
    pub async fn write_one<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Result<AnyQueryResult, DbError> {
        let _turn = self.writer_slot().await;
        let done = query.execute(&self.writer).await?;
        self.changes.fetch_add(1, Ordering::AcqRel);
        Ok(done)
    }

    /// Brings the schema up to date; safe to run from several instances at once.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrations::run(self).await
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
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

//! Backup and restore: the whole database as one file that either engine
//! reads, taken while the platform serves.
//!
//! The file is JSON lines. The first line says what it is, the schema
//! version and, per table, its columns, row count and SHA-256; then each
//! table's rows follow as JSON arrays, tables in the order the migrations
//! create them (so foreign keys are satisfied as rows go back in). Every
//! column is a whole number or text (the schema holds nothing else), so a
//! row reads the same into SQLite and PostgreSQL.
//!
//! The copy is consistent: every table is read in one read-only
//! transaction (SQLite's snapshot in WAL mode; PostgreSQL's REPEATABLE
//! READ), so writes made meanwhile are all in it or all not. A restore goes
//! into an empty database in one transaction, checks each table against
//! the checksum the backup recorded, and sets PostgreSQL's id sequences
//! past the restored ids.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{migrations, Backend, Conn, Db, DbError};

/// What the first line of a backup says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    /// Always `solidarnist-backup`.
    pub format: String,
    /// The version of this file's layout.
    pub layout: u32,
    /// The schema version (the last migration) of the database it came from.
    pub schema: i64,
    /// When it was taken, in Unix seconds.
    pub taken_at: i64,
    pub tables: Vec<TableSummary>,
}

/// One table as the backup holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// SHA-256 over the table's rows in a fixed order (see [`checksums`]).
    pub sha256: String,
}

const FORMAT: &str = "solidarnist-backup";
const LAYOUT: u32 = 1;
/// Tables whose rows are not the campaign's: the migration ledger.
const SKIPPED: &[&str] = &["_sqlx_migrations"];
/// Rows per INSERT on restore: well under SQLite's limit of bound values.
const BATCH_VALUES: usize = 4_000;

/// Why a backup or restore could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("cannot read or write the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("this is not a Solidarnist backup, or it is damaged: {0}")]
    Format(String),
    #[error(
        "the database is not empty ({0} holds rows); restore goes only into an empty database"
    )]
    NotEmpty(String),
    #[error("the backup is of schema version {backup}, this program's is {ours}: restore it with the version that made it, then upgrade")]
    Schema { backup: i64, ours: i64 },
    #[error(
        "table {table} does not match the backup after restoring ({what}); nothing was restored"
    )]
    Mismatch { table: String, what: String },
}

/// The tables, in the order the migrations create them.
pub fn tables() -> Vec<String> {
    let mut names = Vec::new();
    for (_, _, sql) in migrations::FILES {
        for line in sql.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("CREATE TABLE ") {
                let name: String = rest
                    .trim_start_matches("IF NOT EXISTS ")
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && !names.contains(&name) && !SKIPPED.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// A table's columns in order, and whether each holds whole numbers.
async fn columns(
    conn: &mut Conn,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, bool)>, DbError> {
    let rows = match backend {
        Backend::Sqlite => {
            sqlx::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query(
                "SELECT column_name::TEXT AS name, data_type::TEXT AS type FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            let kind: String = r.try_get("type")?;
            Ok((name, kind.to_ascii_lowercase().contains("int")))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

fn value_of(row: &AnyRow, i: usize, integer: bool) -> Result<Value, sqlx::Error> {
    Ok(if integer {
        row.try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::from)
    } else {
        row.try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::from)
    })
}

/// A table's rows, in a fixed order the same on both engines: by `id`
/// where it has one, else sorted here (text collation differs by engine).
async fn rows_of(
    conn: &mut Conn,
    table: &str,
    columns: &[(String, bool)],
) -> Result<Vec<Vec<Value>>, DbError> {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let has_id = names.contains(&"id");
    let sql = format!(
        "SELECT {} FROM {table}{}",
        names.join(", "),
        if has_id { " ORDER BY id" } else { "" }
    );
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    let mut out = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, integer))| value_of(r, i, *integer))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !has_id {
        out.sort_by_key(|row| serde_json::to_string(row).unwrap_or_default());
    }
    Ok(out)
}

fn digest(rows: &[Vec<Value>]) -> String {
    let mut hash = Sha256::new();
    for row in rows {
        hash.update(serde_json::to_string(row).unwrap_or_default().as_bytes());
        hash.update(b"\n");
    }
    hex::encode(hash.finalize())
}

/// Begins a read transaction that sees one moment of the database.
async fn snapshot(conn: &mut Conn, backend: Backend) -> Result<(), DbError> {
    match backend {
        Backend::Sqlite => {
            sqlx::query("BEGIN").execute(&mut *conn).await?;
        }
        Backend::Postgres => {
            sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Every table's row count and checksum, as a backup records them, read
/// in one snapshot.
pub async fn checksums(db: &Db) -> Result<Vec<TableSummary>, DbError> {
    let mut conn = db.conn().await?;
    snapshot(&mut conn, db.backend()).await?;
    let mut out = Vec::new();
    for table in tables() {
        let cols = columns(&mut conn, db.backend(), &table).await?;
        let rows = rows_of(&mut conn, &table, &cols).await?;
        out.push(TableSummary {
            name: table,
            columns: cols.into_iter().map(|(n, _)| n).collect(),
            rows: rows.len() as u64,
            sha256: digest(&rows),
        });
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(out)
}

/// Writes a consistent copy of the database. `progress` is told the total
/// number of rows, then each table's rows as they are written.
pub async fn backup(
    db: &Db,
    out: &mut impl Write,
    progress: &mut dyn FnMut(Progress),
) -> Result<Header, BackupError> {
    let mut conn = db.conn().await?;
    snapshot(&mut conn, db.backend()).await?;
    let mut tables_rows = Vec::new();
    let mut summaries = Vec::new();
    for table in tables() {
        let cols = columns(&mut conn, db.backend(), &table).await?;
        let rows = rows_of(&mut conn, &table, &cols).await?;
        summaries.push(TableSummary {
            name: table.clone(),
            columns: cols.iter().map(|(n, _)| n.clone()).collect(),
            rows: rows.len() as u64,
            sha256: digest(&rows),
        });
        tables_rows.push(rows);
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    drop(conn);
    let header = Header {
        format: FORMAT.to_owned(),
        layout: LAYOUT,
        schema: migrations::latest(),
        taken_at: crate::common::clock::now(),
        tables: summaries,
    };
    progress(Progress::Total(header.tables.iter().map(|t| t.rows).sum()));
    serde_json::to_writer(&mut *out, &header).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    for rows in tables_rows {
        for row in &rows {
            serde_json::to_writer(&mut *out, row).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        progress(Progress::Done(rows.len() as u64));
    }
    out.flush()?;
    Ok(header)
}

/// How far a backup or restore has come.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    Total(u64),
    Done(u64),
}

/// Whether any table holds the campaign's own rows: the tables that
/// migrations seed (fee bands, settings) do not count.
async fn first_nonempty(conn: &mut Conn) -> Result<Option<String>, DbError> {
    for table in [
        "users",
        "unions",
        "branches",
        "people",
        "appeals",
        "donations",
        "speakers",
        "links",
        "statements",
        "affiliations",
    ] {
        let any = sqlx::query(&format!("SELECT 1 AS one FROM {table} LIMIT 1"))
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        if any {
            return Ok(Some(table.to_owned()));
        }
    }
    Ok(None)
}

/// Loads a backup into an empty database of either engine, all or nothing.
pub async fn restore(
    db: &Db,
    input: impl BufRead,
    progress: &mut dyn FnMut(Progress),
) -> Result<Header, BackupError> {
    let mut lines = input.lines();
    let first = lines
        .next()
        .ok_or_else(|| BackupError::Format("the file is empty".into()))??;
    let header: Header =
        serde_json::from_str(&first).map_err(|e| BackupError::Format(e.to_string()))?;
    if header.format != FORMAT || header.layout != LAYOUT {
        return Err(BackupError::Format(format!(
            "format {:?}, layout {}",
            header.format, header.layout
        )));
    }
    let ours = migrations::latest();
    if header.schema != ours {
        return Err(BackupError::Schema {
            backup: header.schema,
            ours,
        });
    }
    progress(Progress::Total(header.tables.iter().map(|t| t.rows).sum()));
    let mut tx = db.write().await?;
    if let Some(table) = first_nonempty(&mut tx).await? {
        return Err(BackupError::NotEmpty(table));
    }
    // Seeded rows make way for the backup's own, children first.
    for table in header.tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", table.name))
            .execute(&mut *tx)
            .await?;
    }
    for table in &header.tables {
        let types = columns(&mut tx, db.backend(), &table.name).await?;
        let integer: Vec<bool> = table
            .columns
            .iter()
            .map(|c| types.iter().find(|(n, _)| n == c).is_some_and(|(_, i)| *i))
            .collect();
        if table
            .columns
            .iter()
            .any(|c| !types.iter().any(|(n, _)| n == c))
        {
            return Err(BackupError::Format(format!(
                "table {} has columns this database does not",
                table.name
            )));
        }
        let per_batch = (BATCH_VALUES / table.columns.len().max(1)).max(1);
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_batch);
        for _ in 0..table.rows {
            let line = lines.next().ok_or_else(|| {
                BackupError::Format(format!("table {} is cut short", table.name))
            })??;
            let row: Vec<Value> =
                serde_json::from_str(&line).map_err(|e| BackupError::Format(e.to_string()))?;
            if row.len() != table.columns.len() {
                return Err(BackupError::Format(format!(
                    "a row of {} has {} values for {} columns",
                    table.name,
                    row.len(),
                    table.columns.len()
                )));
            }
            batch.push(row);
            if batch.len() == per_batch {
                insert(&mut tx, &table.name, &table.columns, &integer, &batch).await?;
                progress(Progress::Done(batch.len() as u64));
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert(&mut tx, &table.name, &table.columns, &integer, &batch).await?;
            progress(Progress::Done(batch.len() as u64));
        }
        // The table as restored must be the table as backed up.
        let cols: Vec<(String, bool)> = table
            .columns
            .iter()
            .cloned()
            .zip(integer.iter().copied())
            .collect();
        let restored = rows_of(&mut tx, &table.name, &cols).await?;
        if restored.len() as u64 != table.rows || digest(&restored) != table.sha256 {
            return Err(BackupError::Mismatch {
                table: table.name.clone(),
                what: format!("{} rows of {}", restored.len(), table.rows),
            });
        }
        if db.backend() == Backend::Postgres && table.columns.iter().any(|c| c == "id") {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                table.name
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    if lines
        .next()
        .transpose()?
        .is_some_and(|l| !l.trim().is_empty())
    {
        return Err(BackupError::Format(
            "there is more after the last table".into(),
        ));
    }
    tx.commit().await?;
    Ok(header)
}

async fn insert(
    conn: &mut Conn,
    table: &str,
    columns: &[String],
    integer: &[bool],
    rows: &[Vec<Value>],
) -> Result<(), BackupError> {
    let width = columns.len();
    let groups: Vec<String> = (0..rows.len())
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        groups.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for row in rows {
        for (value, &is_int) in row.iter().zip(integer) {
            q = match (value, is_int) {
                (Value::Null, true) => q.bind(None::<i64>),
                (Value::Null, false) => q.bind(None::<String>),
                (Value::Number(n), true) => q.bind(n.as_i64().ok_or_else(|| {
                    BackupError::Format(format!("{table}: {n} is not a whole number"))
                })?),
                (Value::String(s), false) => q.bind(s.clone()),
                (other, _) => {
                    return Err(BackupError::Format(format!(
                        "{table}: {other} is not what the column holds"
                    )))
                }
            };
        }
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_in_the_order_the_migrations_make_them() {
        let t = tables();
        let at = |n: &str| {
            t.iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert!(at("unions") < at("branches") && at("branches") < at("people"));
        assert!(at("appeals") < at("donations") && at("users") < at("api_tokens"));
        assert!(!t.contains(&"_sqlx_migrations".to_owned()));
    }
}

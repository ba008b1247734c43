//! The links area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::model::*;
use crate::common::clock;
use crate::common::ids::{AppealId, BranchId, StatementId, UserId};
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{Conn, Db, DbError};

const COLUMNS: &str = "id, slug, target_url, title, appeal_id, statement_id, action, parent_id,
    branch_id, expires_at, version, created_at";

fn from_row(r: &AnyRow) -> Result<Link, sqlx::Error> {
    Link::from_row(r)
}

/// Tells every instance that the links changed; part of the change's transaction.
async fn bump(conn: &mut Conn) -> Result<(), DbError> {
    sqlx::query("UPDATE cache_versions SET version = version + 1 WHERE name = 'links'")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The version of the links as last changed by any instance.
pub async fn version(db: &Db) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT version FROM cache_versions WHERE name = 'links'")
            .fetch_one(db.read())
            .await?
            .try_get("version")?,
    )
}

pub async fn insert(
    conn: &mut Conn,
    f: &LinkFields,
    parent: Option<LinkId>,
    branch: Option<BranchId>,
    by: Option<UserId>,
) -> Result<LinkId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO links (slug, target_url, title, appeal_id, parent_id, branch_id, expires_at,
             created_by, created_at, updated_at, statement_id, action)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id",
    )
    .bind(&f.slug)
    .bind(&f.target_url)
    .bind(&f.title)
    .bind(f.appeal_id.map(|a| a.0))
    .bind(parent.map(|p| p.0))
    .bind(branch.map(|b| b.0))
    .bind(f.expires_at)
    .bind(by.map(|u| u.0))
    .bind(now)
    .bind(f.statement_id.map(|s| s.0))
    .bind(f.action.as_deref())
    .fetch_one(&mut *conn)
    .await?;
    bump(conn).await?;
    Ok(LinkId(row.try_get("id")?))
}

/// Edits a link if nobody edited it first; the branch copies follow its
/// target and expiry.
pub async fn update(
    conn: &mut Conn,
    id: LinkId,
    f: &LinkFields,
    version: i64,
) -> Result<bool, DbError> {
    let now = clock::now();
    let done = sqlx::query(
        "UPDATE links SET target_url = $1, title = $2, appeal_id = $3, expires_at = $4,
             version = version + 1, updated_at = $5, statement_id = $8, action = $9
         WHERE id = $6 AND version = $7",
    )
    .bind(&f.target_url)
    .bind(&f.title)
    .bind(f.appeal_id.map(|a| a.0))
    .bind(f.expires_at)
    .bind(now)
    .bind(id.0)
    .bind(version)
    .bind(f.statement_id.map(|s| s.0))
    .bind(f.action.as_deref())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE links SET target_url = $1, title = $2, appeal_id = $3, expires_at = $4,
             version = version + 1, updated_at = $5, statement_id = $7, action = $8
         WHERE parent_id = $6",
    )
    .bind(&f.target_url)
    .bind(&f.title)
    .bind(f.appeal_id.map(|a| a.0))
    .bind(f.expires_at)
    .bind(now)
    .bind(id.0)
    .bind(f.statement_id.map(|s| s.0))
    .bind(f.action.as_deref())
    .execute(&mut *conn)
    .await?;
    bump(conn).await?;
    Ok(true)
}

pub async fn get(conn: &mut Conn, id: LinkId) -> Result<Option<Link>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM links WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn by_slug(conn: &mut Conn, slug: &str) -> Result<Option<Link>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM links WHERE slug = $1");
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// A link by its id or its slug.
pub async fn find(conn: &mut Conn, id_or_slug: &str) -> Result<Option<Link>, DbError> {
    match id_or_slug.parse::<i64>() {
        Ok(id) => get(conn, LinkId(id)).await,
        Err(_) => by_slug(conn, id_or_slug).await,
    }
}

/// Every link, for the redirect's memory.
pub async fn all(db: &Db) -> Result<Vec<Link>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM links");
    let rows = sqlx::query(&sql).fetch_all(db.read()).await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Links newest first. `own`: only originals and the copies of these
/// branches (a branch officer's view); `None`: everything.
pub async fn list(
    db: &Db,
    own: Option<&[BranchId]>,
    paging: Paging,
) -> Result<(Vec<Link>, i64), DbError> {
    let mut w = Where::new();
    if let Some(own) = own {
        let ids: Vec<i64> = own.iter().map(|b| b.0).collect();
        let marks = vec!["?"; ids.len().max(1)].join(", ");
        let values: Vec<Value> = if ids.is_empty() {
            vec![Value::Int(0)]
        } else {
            ids.into_iter().map(Value::Int).collect()
        };
        w.and(
            &format!("(parent_id IS NULL OR branch_id IN ({marks}))"),
            values,
        );
    }
    sql::paged(db, COLUMNS, " FROM links", &w, "id DESC", paging, from_row).await
}

/// The campaign's own live links (not branch copies), newest first: what a
/// visitor who mistyped a link may have been looking for.
pub async fn live_originals(db: &Db, now: i64, limit: i64) -> Result<Vec<Link>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM links
         WHERE parent_id IS NULL AND (expires_at IS NULL OR expires_at > $1)
         ORDER BY (appeal_id IS NULL), id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(db.read())
        .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// The branch copies of a link, with each one's clicks so far.
pub async fn copies(conn: &mut Conn, parent: LinkId) -> Result<Vec<(Link, i64)>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT CAST(COALESCE(SUM(c.clicks), 0) AS BIGINT) FROM link_clicks c
             WHERE c.link_id = links.id) AS total
         FROM links WHERE parent_id = $1 ORDER BY id"
    );
    let rows = sqlx::query(&sql)
        .bind(parent.0)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((from_row(r)?, r.try_get("total")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// A link's clicks by day (UTC), oldest first.
pub async fn daily(conn: &mut Conn, id: LinkId) -> Result<Vec<(String, i64)>, DbError> {
    let rows = sqlx::query("SELECT day, clicks FROM link_clicks WHERE link_id = $1 ORDER BY day")
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("day")?, r.try_get("clicks")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Adds counted clicks to their days, all in one transaction.
pub async fn add_clicks(db: &Db, counts: &[(LinkId, String, i64)]) -> Result<(), DbError> {
    let mut tx = db.write().await?;
    for (link, day, n) in counts {
        sqlx::query(
            "INSERT INTO link_clicks (link_id, day, clicks) VALUES ($1, $2, $3)
             ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_clicks.clicks + excluded.clicks",
        )
        .bind(link.0)
        .bind(day)
        .bind(n)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Total clicks of every link, for `solidarnist check`-style reports and tests.
pub async fn total_clicks(db: &Db) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT CAST(COALESCE(SUM(clicks), 0) AS BIGINT) AS n FROM link_clicks")
            .fetch_one(db.read())
            .await?
            .try_get("n")?,
    )
}

// What a link can promote is owned by other areas; a link knows it only by
// id, and these read the little it needs from their tables: that it exists,
// and what it is called.

/// Whether an appeal exists (a link may be made for a draft, before launch).
pub async fn appeal_exists(conn: &mut Conn, id: AppealId) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM appeals WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Whether a statement exists.
pub async fn statement_exists(conn: &mut Conn, id: StatementId) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM statements WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The English and Ukrainian titles (either may be empty) of what a link
/// promotes, as a visitor may see it: an appeal that is not a draft, or a
/// statement.
pub async fn promoted_titles(
    conn: &mut Conn,
    link: &Link,
) -> Result<Option<(String, String)>, DbError> {
    let (sql, id) = match (link.appeal_id, link.statement_id) {
        (Some(a), _) => (
            "SELECT title, COALESCE(title_uk, '') AS title_uk FROM appeals
             WHERE id = $1 AND status <> 'draft'",
            a.0,
        ),
        (None, Some(s)) => ("SELECT title, title_uk FROM statements WHERE id = $1", s.0),
        (None, None) => return Ok(None),
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("title")?, r.try_get("title_uk")?)))
        .transpose()?)
}

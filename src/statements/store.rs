//! The statements area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::common::clock;
use crate::common::paging::Paging;
use crate::db::sql::{self, Where};
use crate::db::{self, Conn, Db, DbError};
use crate::i18n::Lang;

const COLUMNS: &str = "id, slug, title, title_uk, body, body_uk, source, source_url, published_on,
    original_lang, translation_reviewed, version, updated_at";

fn from_row(r: &AnyRow) -> Result<Statement, sqlx::Error> {
    let on: String = r.try_get("published_on")?;
    let lang: String = r.try_get("original_lang")?;
    Ok(Statement {
        id: StatementId(r.try_get("id")?),
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        title_uk: r.try_get("title_uk")?,
        body: r.try_get("body")?,
        body_uk: r.try_get("body_uk")?,
        source: r.try_get("source")?,
        source_url: r.try_get("source_url")?,
        published_on: on
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("bad date {on:?}").into()))?,
        original: Lang::from_code(&lang)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad language {lang:?}").into()))?,
        translation_reviewed: r.try_get::<i64, _>("translation_reviewed")? != 0,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert(conn: &mut Conn, f: &StatementFields) -> Result<StatementId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO statements (slug, title, title_uk, body, body_uk, source, source_url,
             published_on, original_lang, translation_reviewed, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(&f.title_uk)
    .bind(&f.body)
    .bind(&f.body_uk)
    .bind(&f.source)
    .bind(&f.source_url)
    .bind(f.published_on.to_string())
    .bind(f.original.code())
    .bind(db::flag(f.translation_reviewed))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(StatementId(row.try_get("id")?))
}

/// Saves an edit if nobody edited the statement first.
pub async fn update(
    conn: &mut Conn,
    id: StatementId,
    f: &StatementFields,
    version: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE statements SET slug = $1, title = $2, title_uk = $3, body = $4, body_uk = $5,
             source = $6, source_url = $7, published_on = $8, original_lang = $9,
             translation_reviewed = $10, version = version + 1, updated_at = $11
         WHERE id = $12 AND version = $13",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(&f.title_uk)
    .bind(&f.body)
    .bind(&f.body_uk)
    .bind(&f.source)
    .bind(&f.source_url)
    .bind(f.published_on.to_string())
    .bind(f.original.code())
    .bind(db::flag(f.translation_reviewed))
    .bind(clock::now())
    .bind(id.0)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A statement by id or slug.
pub async fn find(conn: &mut Conn, id_or_slug: &str) -> Result<Option<Statement>, DbError> {
    let (clause, id) = match id_or_slug.parse::<i64>() {
        Ok(id) => ("id = $1", Some(id)),
        Err(_) => ("slug = $1", None),
    };
    let sql = format!("SELECT {COLUMNS} FROM statements WHERE {clause}");
    let q = sqlx::query(&sql);
    let q = match id {
        Some(id) => q.bind(id),
        None => q.bind(id_or_slug),
    };
    let row = q.fetch_optional(&mut *conn).await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Newest first.
pub async fn list(db: &Db, paging: Paging) -> Result<(Vec<Statement>, i64), DbError> {
    sql::paged(
        db,
        COLUMNS,
        " FROM statements",
        &Where::new(),
        "published_on DESC, id DESC",
        paging,
        from_row,
    )
    .await
}

//! The directory's queries, written once for both engines. Every read of
//! people takes the caller's [`Scope`]; a record outside it is not found.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::model::*;
use crate::auth::Scope;
use crate::common::clock;
use crate::common::input::search_key;
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{self, Conn, Db, DbError};

/// Filters for the union list.
#[derive(Clone, Debug, Default)]
pub struct UnionFilter {
    pub q: Option<String>,
    pub country: Option<Country>,
}

#[derive(Clone, Debug, Default)]
pub struct BranchFilter {
    pub q: Option<String>,
    pub union_id: Option<UnionId>,
    pub country: Option<Country>,
    pub sector: Option<Sector>,
    pub region: Option<String>,
    /// The at-risk branches the reader may know (`None`: all of them). The
    /// others are never found by their name or region, which would say who
    /// and where they are.
    pub at_risk_known: Option<Vec<BranchId>>,
}

#[derive(Clone, Debug, Default)]
pub struct PersonFilter {
    pub q: Option<String>,
    pub branch_id: Option<BranchId>,
}

/// Outcome of an edit that carries the version it was based on.
pub enum Edit {
    Done,
    NotFound,
    Stale,
}

fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(row
        .try_get::<Option<String>, _>(col)?
        .filter(|s| !s.is_empty()))
}

fn bad_code(col: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {col} code {value:?} in the database").into())
}

fn union_from(row: &AnyRow) -> Result<Union, sqlx::Error> {
    Union::from_row(row)
}

const BRANCH_COLUMNS: &str = "b.id, b.union_id, u.name AS union_name, u.name_uk AS union_name_uk,
    u.country, b.name, b.name_uk, b.region, b.sector, b.size_band, b.languages, b.wished_region,
    b.at_risk, b.version, b.updated_at";
const BRANCH_FROM: &str = " FROM branches b JOIN unions u ON u.id = b.union_id";

fn branch_from(row: &AnyRow) -> Result<Branch, sqlx::Error> {
    let country: String = row.try_get("country")?;
    let sector: String = row.try_get("sector")?;
    let size: String = row.try_get("size_band")?;
    Ok(Branch {
        id: BranchId(row.try_get("id")?),
        union_id: UnionId(row.try_get("union_id")?),
        union_name: row.try_get("union_name")?,
        union_name_uk: opt_text(row, "union_name_uk")?,
        country: Country::parse(&country).ok_or_else(|| bad_code("country", &country))?,
        name: row.try_get("name")?,
        name_uk: opt_text(row, "name_uk")?,
        region: row.try_get("region")?,
        sector: Sector::parse(&sector).ok_or_else(|| bad_code("sector", &sector))?,
        size_band: SizeBand::parse(&size).ok_or_else(|| bad_code("size_band", &size))?,
        languages: row
            .try_get::<String, _>("languages")?
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        wished_region: row.try_get("wished_region")?,
        at_risk: row.try_get::<i64, _>("at_risk")? != 0,
        withheld: false,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const PERSON_COLUMNS: &str =
    "p.id, p.branch_id, b.name AS branch_name, b.name_uk AS branch_name_uk,
    p.name, p.email, p.phone, p.role, p.at_risk, COALESCE(b.at_risk, 0) AS branch_at_risk,
    p.version, p.updated_at";
const PERSON_FROM: &str = " FROM people p LEFT JOIN branches b ON b.id = p.branch_id";

fn person_from(row: &AnyRow) -> Result<Person, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Person {
        id: PersonId(row.try_get("id")?),
        branch_id: row.try_get::<Option<i64>, _>("branch_id")?.map(BranchId),
        branch_name: opt_text(row, "branch_name")?,
        branch_name_uk: opt_text(row, "branch_name_uk")?,
        name: row.try_get("name")?,
        email: opt_text(row, "email")?,
        phone: opt_text(row, "phone")?,
        role: BranchRole::parse(&role).ok_or_else(|| bad_code("role", &role))?,
        at_risk: row.try_get::<i64, _>("at_risk")? != 0,
        branch_at_risk: row.try_get::<i64, _>("branch_at_risk")? != 0,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
    })
}

// ---- unions ----

pub async fn list_unions(
    db: &Db,
    filter: &UnionFilter,
    paging: Paging,
) -> Result<(Vec<Union>, i64), DbError> {
    let mut w = Where::new();
    if let Some(q) = &filter.q {
        w.and_contains("search_key", q);
    }
    if let Some(c) = filter.country {
        w.and("country = ?", [Value::Text(c.code().into())]);
    }
    sql::paged(
        db,
        "*",
        " FROM unions",
        &w,
        "country, name, id",
        paging,
        union_from,
    )
    .await
}

/// Every union, for the choices in a branch form.
pub async fn all_unions(db: &Db) -> Result<Vec<Union>, DbError> {
    let rows = sqlx::query("SELECT * FROM unions ORDER BY country, name")
        .fetch_all(db.read())
        .await?;
    Ok(rows.iter().map(union_from).collect::<Result<_, _>>()?)
}

pub async fn get_union(db: &Db, id: UnionId) -> Result<Option<Union>, DbError> {
    let row = sqlx::query("SELECT * FROM unions WHERE id = $1")
        .bind(id.0)
        .fetch_optional(db.read())
        .await?;
    Ok(row.as_ref().map(union_from).transpose()?)
}

pub async fn insert_union(conn: &mut Conn, f: &UnionFields) -> Result<UnionId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO unions (name, name_uk, country, kind, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&f.name)
    .bind(f.name_uk.clone())
    .bind(f.country.code())
    .bind(f.kind.code())
    .bind(search_key(&[Some(&f.name), f.name_uk.as_deref()]))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(UnionId(row.try_get("id")?))
}

pub async fn update_union(
    db: &Db,
    id: UnionId,
    version: i64,
    f: &UnionFields,
) -> Result<Edit, DbError> {
    let done = db.write_one(sqlx::query(
        "UPDATE unions SET name = $1, name_uk = $2, country = $3, kind = $4, search_key = $5,
             version = version + 1, updated_at = $6
         WHERE id = $7 AND version = $8",
    )
    .bind(&f.name)
    .bind(f.name_uk.clone())
    .bind(f.country.code())
    .bind(f.kind.code())
    .bind(search_key(&[Some(&f.name), f.name_uk.as_deref()]))
    .bind(clock::now())
    .bind(id.0)
    .bind(version)
    )
    .await?;
    edit_outcome(db, "unions", id.0, done.rows_affected()).await
}

/// Deletes a union with no branches. `Ok(false)` when it still has some.
pub async fn delete_union(db: &Db, id: UnionId) -> Result<Option<bool>, DbError> {
    let mut tx = db.write().await?;
    let branches: i64 = sqlx::query("SELECT COUNT(*) AS n FROM branches WHERE union_id = $1")
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if branches > 0 {
        return Ok(Some(false));
    }
    let done = sqlx::query("DELETE FROM unions WHERE id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((done.rows_affected() > 0).then_some(true))
}

async fn edit_outcome(db: &Db, table: &str, id: i64, affected: u64) -> Result<Edit, DbError> {
    if affected > 0 {
        return Ok(Edit::Done);
    }
    let exists = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?
        .is_some();
    Ok(if exists { Edit::Stale } else { Edit::NotFound })
}

// ---- branches ----

pub async fn list_branches(
    db: &Db,
    filter: &BranchFilter,
    paging: Paging,
) -> Result<(Vec<Branch>, i64), DbError> {
    let mut w = Where::new();
    if let Some(q) = &filter.q {
        w.and_contains("b.search_key", q);
    }
    if let Some(u) = filter.union_id {
        w.and("b.union_id = ?", [Value::Int(u.0)]);
    }
    if let Some(c) = filter.country {
        w.and("u.country = ?", [Value::Text(c.code().into())]);
    }
    if let Some(s) = filter.sector {
        w.and("b.sector = ?", [Value::Text(s.code().into())]);
    }
    if let Some(r) = filter
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        w.and("b.region = ?", [Value::Text(r.to_owned())]);
    }
    let searched = filter.q.as_deref().is_some_and(|q| !q.trim().is_empty())
        || filter
            .region
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
    if let (true, Some(known)) = (searched, &filter.at_risk_known) {
        let mut known_sql = String::from("b.at_risk = 0");
        if !known.is_empty() {
            let marks = vec!["?"; known.len()].join(", ");
            known_sql = format!("({known_sql} OR b.id IN ({marks}))");
        }
        w.and(&known_sql, known.iter().map(|b| Value::Int(b.0)));
    }
    // Withheld branches come after the others, in the order they were
    // added: sorted by name, their place in the list would hint at it.
    let order = match &filter.at_risk_known {
        None => "u.country, b.name, b.id".to_owned(),
        Some(known) => {
            let ids: Vec<String> = known.iter().map(|b| b.0.to_string()).collect();
            let withheld = if ids.is_empty() {
                "b.at_risk <> 0".to_owned()
            } else {
                format!("b.at_risk <> 0 AND b.id NOT IN ({})", ids.join(", "))
            };
            format!(
                "u.country, CASE WHEN {withheld} THEN 1 ELSE 0 END, \
                 CASE WHEN {withheld} THEN '' ELSE b.name END, b.id"
            )
        }
    };
    sql::paged(
        db,
        BRANCH_COLUMNS,
        BRANCH_FROM,
        &w,
        &order,
        paging,
        branch_from,
    )
    .await
}

pub async fn get_branch(db: &Db, id: BranchId) -> Result<Option<Branch>, DbError> {
    let sql = format!("SELECT {BRANCH_COLUMNS}{BRANCH_FROM} WHERE b.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.0)
        .fetch_optional(db.read())
        .await?;
    Ok(row.as_ref().map(branch_from).transpose()?)
}

/// Branches by id, for choices limited to a caller's own branches.
pub async fn branches_by_scope(db: &Db, scope: &Scope) -> Result<Vec<Branch>, DbError> {
    let mut w = Where::new();
    match scope {
        Scope::All => {}
        Scope::Branches(ids) => {
            w.and_in("b.id", &ids.iter().map(|b| b.0).collect::<Vec<_>>());
        }
        Scope::Nothing => return Ok(Vec::new()),
    }
    let sql = format!(
        "SELECT {BRANCH_COLUMNS}{BRANCH_FROM}{} ORDER BY u.country, b.name",
        w.sql()
    );
    let rows = w.bind(sqlx::query(&sql)).fetch_all(db.read()).await?;
    Ok(rows.iter().map(branch_from).collect::<Result<_, _>>()?)
}

/// The regions in use, for the filter's choices; with `all` false, only
/// those of branches not at risk, whose places anyone may know.
pub async fn regions(db: &Db, all: bool) -> Result<Vec<String>, DbError> {
    let sql = if all {
        "SELECT DISTINCT region FROM branches ORDER BY region"
    } else {
        "SELECT DISTINCT region FROM branches WHERE at_risk = 0 ORDER BY region"
    };
    let rows = sqlx::query(sql).fetch_all(db.read()).await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("region"))
        .collect::<Result<_, _>>()?)
}

pub async fn union_exists(db: &Db, id: UnionId) -> Result<bool, DbError> {
    Ok(get_union(db, id).await?.is_some())
}

pub async fn insert_branch(conn: &mut Conn, f: &BranchFields) -> Result<BranchId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO branches (union_id, name, name_uk, region, sector, size_band, languages, wished_region,
             at_risk, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $9, $10, $11, $7, $8, $8) RETURNING id",
    )
    .bind(f.union_id.0)
    .bind(&f.name)
    .bind(f.name_uk.clone())
    .bind(&f.region)
    .bind(f.sector.code())
    .bind(f.size_band.code())
    .bind(search_key(&[Some(&f.name), f.name_uk.as_deref(), Some(&f.region)]))
    .bind(now)
    .bind(f.languages.join(","))
    .bind(&f.wished_region)
    .bind(db::flag(f.at_risk))
    .fetch_one(&mut *conn)
    .await?;
    Ok(BranchId(row.try_get("id")?))
}

pub async fn update_branch(
    db: &Db,
    id: BranchId,
    version: i64,
    f: &BranchFields,
) -> Result<Edit, DbError> {
    let done = db.write_one(sqlx::query(
        "UPDATE branches SET union_id = $1, name = $2, name_uk = $3, region = $4, sector = $5,
             size_band = $6, search_key = $7, version = version + 1, updated_at = $8,
             languages = $11, wished_region = $12, at_risk = $13
         WHERE id = $9 AND version = $10",
    )
    .bind(f.union_id.0)
    .bind(&f.name)
    .bind(f.name_uk.clone())
    .bind(&f.region)
    .bind(f.sector.code())
    .bind(f.size_band.code())
    .bind(search_key(&[
        Some(&f.name),
        f.name_uk.as_deref(),
        Some(&f.region),
    ]))
    .bind(clock::now())
    .bind(id.0)
    .bind(version)
    .bind(f.languages.join(","))
    .bind(&f.wished_region)
    .bind(db::flag(f.at_risk))
    )
    .await?;
    edit_outcome(db, "branches", id.0, done.rows_affected()).await
}

/// Deletes a branch with no people. `Some(false)` when people remain.
/// What still refers to a branch, in the order a person would clear it:
/// the table, its column, and the message that names it.
const BRANCH_HOLDERS: &[(&str, &str, &str)] = &[
    ("people", "branch_id", "err-branch-has-people"),
    ("speaker_requests", "branch_id", "err-branch-has-requests"),
    ("twinnings", "gb_branch_id", "err-branch-has-twinnings"),
    ("twinnings", "ua_branch_id", "err-branch-has-twinnings"),
    ("needs", "branch_id", "err-branch-has-needs"),
    ("needs", "adopted_by", "err-branch-has-needs"),
    ("donations", "branch_id", "err-branch-has-donations"),
    ("links", "branch_id", "err-branch-has-links"),
];

/// Deletes a branch nothing refers to any more. `Err(key)` names the first
/// kind of record that still holds it (never a foreign-key failure, which
/// would be a 500); `Ok(false)` when there was no such branch.
pub async fn delete_branch(db: &Db, id: BranchId) -> Result<Result<bool, &'static str>, DbError> {
    let mut tx = db.write().await?;
    for (table, column, key) in BRANCH_HOLDERS {
        let held = sqlx::query(&format!(
            "SELECT 1 AS one FROM {table} WHERE {column} = $1 LIMIT 1"
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if held {
            return Ok(Err(key));
        }
    }
    let done = sqlx::query("DELETE FROM branches WHERE id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(done.rows_affected() > 0))
}

// ---- people ----

fn scoped(scope: &Scope) -> Where {
    let mut w = Where::new();
    match scope {
        Scope::All => {}
        Scope::Branches(ids) => {
            w.and_in("p.branch_id", &ids.iter().map(|b| b.0).collect::<Vec<_>>());
        }
        Scope::Nothing => {
            w.and_in("p.branch_id", &[]);
        }
    }
    w
}

pub async fn list_people(
    db: &Db,
    scope: &Scope,
    filter: &PersonFilter,
    paging: Paging,
) -> Result<(Vec<Person>, i64), DbError> {
    let mut w = scoped(scope);
    if let Some(q) = &filter.q {
        w.and_contains("p.search_key", q);
    }
    if let Some(b) = filter.branch_id {
        w.and("p.branch_id = ?", [Value::Int(b.0)]);
    }
    sql::paged(
        db,
        PERSON_COLUMNS,
        PERSON_FROM,
        &w,
        "p.name, p.id",
        paging,
        person_from,
    )
    .await
}

pub async fn get_person(db: &Db, scope: &Scope, id: PersonId) -> Result<Option<Person>, DbError> {
    let mut w = scoped(scope);
    w.and("p.id = ?", [Value::Int(id.0)]);
    let sql = format!("SELECT {PERSON_COLUMNS}{PERSON_FROM}{}", w.sql());
    let row = w.bind(sqlx::query(&sql)).fetch_optional(db.read()).await?;
    Ok(row.as_ref().map(person_from).transpose()?)
}

fn person_search_key(f: &PersonFields) -> String {
    search_key(&[Some(&f.name), f.email.as_deref()])
}

pub async fn insert_person(conn: &mut Conn, f: &PersonFields) -> Result<PersonId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO people (branch_id, name, email, phone, role, at_risk, search_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(f.branch_id.map(|b| b.0))
    .bind(&f.name)
    .bind(f.email.clone())
    .bind(f.phone.clone())
    .bind(f.role.code())
    .bind(db::flag(f.at_risk))
    .bind(person_search_key(f))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(PersonId(row.try_get("id")?))
}

pub async fn update_person(
    db: &Db,
    id: PersonId,
    version: i64,
    f: &PersonFields,
) -> Result<Edit, DbError> {
    let done = db
        .write_one(
            sqlx::query(
                "UPDATE people SET branch_id = $1, name = $2, email = $3, phone = $4, role = $5,
             at_risk = $6, search_key = $7, version = version + 1, updated_at = $8
         WHERE id = $9 AND version = $10",
            )
            .bind(f.branch_id.map(|b| b.0))
            .bind(&f.name)
            .bind(f.email.clone())
            .bind(f.phone.clone())
            .bind(f.role.code())
            .bind(db::flag(f.at_risk))
            .bind(person_search_key(f))
            .bind(clock::now())
            .bind(id.0)
            .bind(version),
        )
        .await?;
    edit_outcome(db, "people", id.0, done.rows_affected()).await
}

pub async fn delete_person(db: &Db, id: PersonId) -> Result<bool, DbError> {
    let done = db
        .write_one(sqlx::query("DELETE FROM people WHERE id = $1").bind(id.0))
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The secret in a branch's calendar feed URL, made on first use.
pub async fn branch_feed_token(db: &Db, branch: BranchId) -> Result<String, DbError> {
    let existing = || async {
        sqlx::query("SELECT feed_token FROM branch_feeds WHERE branch_id = $1")
            .bind(branch)
            .fetch_optional(db.read())
            .await
    };
    if let Some(row) = existing().await? {
        return Ok(row.try_get("feed_token")?);
    }
    let token = crate::auth::random_hex(16);
    db.write_one(
        sqlx::query("INSERT INTO branch_feeds (branch_id, feed_token) VALUES ($1, $2) ON CONFLICT (branch_id) DO NOTHING")
            .bind(branch)
            .bind(&token),
    )
    .await?;
    // Another request may have made one at the same moment; theirs stands.
    let row = existing().await?.ok_or(sqlx::Error::RowNotFound)?;
    Ok(row.try_get("feed_token")?)
}

/// The branch whose calendar feed has this secret.
pub async fn branch_of_feed(db: &Db, token: &str) -> Result<Option<BranchId>, DbError> {
    let row = sqlx::query("SELECT branch_id FROM branch_feeds WHERE feed_token = $1")
        .bind(token)
        .fetch_optional(db.read())
        .await?;
    Ok(row
        .map(|r| r.try_get("branch_id").map(BranchId))
        .transpose()?)
}

//! The twinning area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::common::clock;
use crate::common::ids::UserId;
use crate::common::ids::{BranchId, UnionId};
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{Conn, Db, DbError};
use crate::directory::model::{Country, Sector, SizeBand};
use crate::money::{Currency, Money};

fn bad(col: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {col} {value:?} in the database").into())
}

const LINK_COLUMNS: &str =
    "t.id, t.gb_branch_id, g.name AS gb_name, t.ua_branch_id, a.name AS ua_name,
    a.name_uk AS ua_name_uk, t.status, t.gb_agreed_at, t.ua_agreed_at, t.last_activity_at,
    t.version, g.at_risk AS gb_at_risk, gu.name AS gb_union, a.at_risk AS ua_at_risk,
    au.name AS ua_union, au.name_uk AS ua_union_uk";
const LINK_FROM: &str = " FROM twinnings t
    JOIN branches g ON g.id = t.gb_branch_id
    JOIN unions gu ON gu.id = g.union_id
    JOIN branches a ON a.id = t.ua_branch_id
    JOIN unions au ON au.id = a.union_id";

fn link_from(row: &AnyRow) -> Result<Twinning, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Twinning {
        id: TwinningId(row.try_get("id")?),
        gb_branch_id: BranchId(row.try_get("gb_branch_id")?),
        gb_branch_name: row.try_get("gb_name")?,
        ua_branch_id: BranchId(row.try_get("ua_branch_id")?),
        ua_branch_name: row.try_get("ua_name")?,
        ua_branch_name_uk: row
            .try_get::<Option<String>, _>("ua_name_uk")?
            .filter(|n| !n.is_empty()),
        status: LinkStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        gb_agreed_at: row.try_get("gb_agreed_at")?,
        ua_agreed_at: row.try_get("ua_agreed_at")?,
        last_activity_at: row.try_get("last_activity_at")?,
        version: row.try_get("version")?,
        gb_union_name: row.try_get("gb_union")?,
        gb_at_risk: row.try_get::<i64, _>("gb_at_risk")? != 0,
        ua_union_name: row.try_get("ua_union")?,
        ua_union_name_uk: row
            .try_get::<Option<String>, _>("ua_union_uk")?
            .filter(|n| !n.is_empty()),
        ua_at_risk: row.try_get::<i64, _>("ua_at_risk")? != 0,
    })
}

/// Which links a caller may see: all, or those of these branches (either side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    All,
    Branches(Vec<BranchId>),
}

fn visible(w: &mut Where, who: &Visible) {
    if let Visible::Branches(ids) = who {
        let ids: Vec<i64> = ids.iter().map(|b| b.0).collect();
        let marks = vec!["?"; ids.len().max(1)].join(", ");
        if ids.is_empty() {
            w.and_in("t.id", &[]);
        } else {
            let values = ids.iter().chain(ids.iter()).map(|&i| Value::Int(i));
            w.and(
                &format!("(t.gb_branch_id IN ({marks}) OR t.ua_branch_id IN ({marks}))"),
                values,
            );
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct LinkFilter {
    pub status: Option<LinkStatus>,
    pub branch_id: Option<BranchId>,
}

pub async fn list_links(
    db: &Db,
    who: &Visible,
    filter: &LinkFilter,
    paging: Paging,
) -> Result<(Vec<Twinning>, i64), DbError> {
    let mut w = Where::new();
    visible(&mut w, who);
    if let Some(s) = filter.status {
        w.and("t.status = ?", [Value::Text(s.code().into())]);
    }
    if let Some(b) = filter.branch_id {
        w.and(
            "(t.gb_branch_id = ? OR t.ua_branch_id = ?)",
            [Value::Int(b.0), Value::Int(b.0)],
        );
    }
    sql::paged(
        db,
        LINK_COLUMNS,
        LINK_FROM,
        &w,
        "t.updated_at DESC, t.id DESC",
        paging,
        link_from,
    )
    .await
}

pub async fn get_link(conn: &mut Conn, id: TwinningId) -> Result<Option<Twinning>, DbError> {
    let q = format!("SELECT {LINK_COLUMNS}{LINK_FROM} WHERE t.id = $1");
    let row = sqlx::query(&q)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(link_from).transpose()?)
}

pub async fn insert_link(
    conn: &mut Conn,
    gb: BranchId,
    ua: BranchId,
    by: Option<UserId>,
) -> Result<TwinningId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO twinnings (gb_branch_id, ua_branch_id, status, proposed_by, last_activity_at, created_at, updated_at)
         VALUES ($1, $2, 'proposed', $3, $4, $4, $4) RETURNING id",
    )
    .bind(gb.0)
    .bind(ua.0)
    .bind(by.map(|u| u.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(TwinningId(row.try_get("id")?))
}

/// Records one side's agreement, if the link is still waiting for it, and
/// makes the link agreed when the other side has agreed too: in one
/// statement, so that both sides agreeing at the same moment still end
/// agreed. False when the link moved on or that side had agreed already.
pub async fn record_agreement(
    conn: &mut Conn,
    id: TwinningId,
    side: Side,
) -> Result<bool, DbError> {
    let (own, other) = match side {
        Side::Gb => ("gb_agreed_at", "ua_agreed_at"),
        Side::Ua => ("ua_agreed_at", "gb_agreed_at"),
    };
    let sql = format!(
        "UPDATE twinnings SET {own} = $1,
             status = CASE WHEN {other} IS NOT NULL THEN 'agreed' ELSE status END,
             version = version + 1, updated_at = $1
         WHERE id = $2 AND status = 'introduced' AND {own} IS NULL"
    );
    let done = sqlx::query(&sql)
        .bind(clock::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Moves a link if nobody moved it first. Reviving or starting a link
/// counts as activity, so it is not found dormant the next day.
pub async fn move_link(
    conn: &mut Conn,
    id: TwinningId,
    from: LinkStatus,
    to: LinkStatus,
) -> Result<bool, DbError> {
    let now = clock::now();
    let done = sqlx::query(
        "UPDATE twinnings SET status = $1, version = version + 1, updated_at = $2,
             last_activity_at = CASE WHEN $1 = 'active' THEN $2 ELSE last_activity_at END,
             dormant_notified = 0
         WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(now)
    .bind(id.0)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Active links quiet since before `cutoff`, not yet reported to coordinators.
pub async fn quiet_active_links(conn: &mut Conn, cutoff: i64) -> Result<Vec<Twinning>, DbError> {
    let q = format!(
        "SELECT {LINK_COLUMNS}{LINK_FROM} WHERE t.status = 'active' AND t.last_activity_at <= $1 ORDER BY t.id"
    );
    let rows = sqlx::query(&q).bind(cutoff).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(link_from).collect::<Result<_, _>>()?)
}

/// Turns a quiet active link dormant and marks coordinators as told; `false`
/// when another worker did it first.
pub async fn make_dormant(conn: &mut Conn, id: TwinningId) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE twinnings SET status = 'dormant', dormant_notified = 1, version = version + 1, updated_at = $1
         WHERE id = $2 AND status = 'active'",
    )
    .bind(clock::now())
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

// ---- activities ----

fn money_from(minor: Option<i64>, currency: Option<String>) -> Option<Money> {
    Some(Money {
        amount_minor: minor?,
        currency: Currency::parse(&currency?)?,
    })
}

pub async fn activities(db: &Db, link: TwinningId) -> Result<Vec<Activity>, DbError> {
    let rows = sqlx::query(
        "SELECT id, twinning_id, kind, happened_on, logged_by_name, note, amount_minor, currency
         FROM twinning_activities WHERE twinning_id = $1 ORDER BY happened_on DESC, id DESC",
    )
    .bind(link.0)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Activity {
                id: ActivityId(r.try_get("id")?),
                twinning_id: TwinningId(r.try_get("twinning_id")?),
                kind: ActivityKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
                happened_on: r.try_get("happened_on")?,
                logged_by_name: r.try_get("logged_by_name")?,
                note: r.try_get("note")?,
                amount: money_from(r.try_get("amount_minor")?, r.try_get("currency")?),
            })
        })
        .collect()
}

/// Logs an activity and counts it as the link's latest sign of life.
pub async fn insert_activity(
    conn: &mut Conn,
    link: TwinningId,
    f: &ActivityFields,
    by: Option<UserId>,
    by_name: &str,
) -> Result<ActivityId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO twinning_activities (twinning_id, kind, happened_on, logged_by, logged_by_name, note,
             amount_minor, currency, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(link.0)
    .bind(f.kind.code())
    .bind(f.happened_on.to_string())
    .bind(by.map(|u| u.0))
    .bind(by_name)
    .bind(&f.note)
    .bind(f.amount.map(|m| m.amount_minor))
    .bind(f.amount.map(|m| m.currency.code().to_owned()))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE twinnings SET last_activity_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(link.0)
        .execute(&mut *conn)
        .await?;
    Ok(ActivityId(row.try_get("id")?))
}

// ---- suggestions ----

/// Branches with what the ranking needs, and their number of live links:
/// those of one country, or every one. Links are counted once, by one
/// grouped subquery, not per branch.
pub async fn candidates(db: &Db, country: Option<Country>) -> Result<Vec<Candidate>, DbError> {
    let mut w = Where::new();
    if let Some(c) = country {
        w.and("u.country = ?", [Value::Text(c.code().into())]);
    }
    candidate_rows(db, &w).await
}

/// One branch as the ranking sees it.
pub async fn candidate(db: &Db, branch: BranchId) -> Result<Option<Candidate>, DbError> {
    let mut w = Where::new();
    w.and("b.id = ?", [Value::Int(branch.0)]);
    Ok(candidate_rows(db, &w).await?.into_iter().next())
}

async fn candidate_rows(db: &Db, w: &Where) -> Result<Vec<Candidate>, DbError> {
    let q = format!(
        "SELECT b.id, b.union_id, u.country, b.sector, b.size_band, b.region, b.languages, b.wished_region,
             COALESCE(l.n, 0) AS links
         FROM branches b
         JOIN unions u ON u.id = b.union_id
         LEFT JOIN (
             SELECT branch_id, CAST(COUNT(*) AS BIGINT) AS n FROM (
                 SELECT gb_branch_id AS branch_id FROM twinnings WHERE status <> 'ended'
                 UNION ALL
                 SELECT ua_branch_id AS branch_id FROM twinnings WHERE status <> 'ended'
             ) live GROUP BY branch_id
         ) l ON l.branch_id = b.id{}
         ORDER BY b.id",
        w.sql()
    );
    let rows = w.bind(sqlx::query(&q)).fetch_all(db.read()).await?;
    rows.iter()
        .map(|r| {
            let country: String = r.try_get("country")?;
            let sector: String = r.try_get("sector")?;
            let size: String = r.try_get("size_band")?;
            Ok(Candidate {
                id: BranchId(r.try_get("id")?),
                union_id: UnionId(r.try_get("union_id")?),
                country: Country::parse(&country).ok_or_else(|| bad("country", &country))?,
                sector: Sector::parse(&sector).ok_or_else(|| bad("sector", &sector))?,
                size_band: SizeBand::parse(&size).ok_or_else(|| bad("size_band", &size))?,
                region: r.try_get("region")?,
                languages: r
                    .try_get::<String, _>("languages")?
                    .split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                wished_region: r.try_get("wished_region")?,
                links: u32::try_from(r.try_get::<i64, _>("links")?).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// The branches this branch has a live link with.
pub async fn linked_with(db: &Db, branch: BranchId) -> Result<Vec<BranchId>, DbError> {
    let rows = sqlx::query(
        "SELECT gb_branch_id, ua_branch_id FROM twinnings
         WHERE (gb_branch_id = $1 OR ua_branch_id = $1) AND status <> 'ended'",
    )
    .bind(branch.0)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            let gb = BranchId(r.try_get("gb_branch_id")?);
            let ua = BranchId(r.try_get("ua_branch_id")?);
            Ok(if gb == branch { ua } else { gb })
        })
        .collect()
}

/// Live links per Ukrainian union and per sector, for the balance view:
/// (label key or name, links, branches on the Ukrainian side).
pub async fn balance_by_union(db: &Db) -> Result<Vec<(String, Option<String>, i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT u.name, u.name_uk,
             CAST(COUNT(t.id) AS BIGINT) AS links,
             CAST(COUNT(DISTINCT b.id) AS BIGINT) AS branches
         FROM unions u
         JOIN branches b ON b.union_id = u.id
         LEFT JOIN twinnings t ON t.ua_branch_id = b.id AND t.status <> 'ended'
         WHERE u.country = 'UA'
         GROUP BY u.id, u.name, u.name_uk
         ORDER BY u.name",
    )
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("name")?,
                r.try_get::<Option<String>, _>("name_uk")?,
                r.try_get("links")?,
                r.try_get("branches")?,
            ))
        })
        .collect()
}

pub async fn balance_by_sector(db: &Db) -> Result<Vec<(String, i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT b.sector,
             CAST(COUNT(t.id) AS BIGINT) AS links,
             CAST(COUNT(DISTINCT b.id) AS BIGINT) AS branches
         FROM branches b
         JOIN unions u ON u.id = b.union_id
         LEFT JOIN twinnings t ON t.ua_branch_id = b.id AND t.status <> 'ended'
         WHERE u.country = 'UA'
         GROUP BY b.sector
         ORDER BY b.sector",
    )
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("sector")?,
                r.try_get("links")?,
                r.try_get("branches")?,
            ))
        })
        .collect()
}

// ---- needs ----

const NEED_COLUMNS: &str = "n.id, n.branch_id, b.name AS branch_name, b.name_uk AS branch_name_uk,
    u.name AS union_name, b.region, b.at_risk, n.title, n.description, n.quantity, n.cost_minor,
    n.currency, n.urgency, n.status, n.adopted_by, ab.name AS adopted_by_name, n.version";
const NEED_FROM: &str = " FROM needs n
    JOIN branches b ON b.id = n.branch_id
    JOIN unions u ON u.id = b.union_id
    LEFT JOIN branches ab ON ab.id = n.adopted_by";

fn need_from(r: &AnyRow) -> Result<Need, sqlx::Error> {
    let urgency: String = r.try_get("urgency")?;
    let status: String = r.try_get("status")?;
    Ok(Need {
        id: NeedId(r.try_get("id")?),
        branch_id: BranchId(r.try_get("branch_id")?),
        branch_name: r.try_get("branch_name")?,
        branch_name_uk: r
            .try_get::<Option<String>, _>("branch_name_uk")?
            .filter(|n| !n.is_empty()),
        union_name: r.try_get("union_name")?,
        region: r.try_get("region")?,
        branch_at_risk: r.try_get::<i64, _>("at_risk")? != 0,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        quantity: r.try_get("quantity")?,
        cost: money_from(r.try_get("cost_minor")?, r.try_get("currency")?),
        urgency: Urgency::parse(&urgency).ok_or_else(|| bad("urgency", &urgency))?,
        status: NeedStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        adopted_by: r.try_get::<Option<i64>, _>("adopted_by")?.map(BranchId),
        adopted_by_name: r.try_get("adopted_by_name")?,
        version: r.try_get("version")?,
    })
}

#[derive(Clone, Debug, Default)]
pub struct NeedFilter {
    pub status: Option<NeedStatus>,
    pub branch_id: Option<BranchId>,
}

pub async fn list_needs(
    db: &Db,
    filter: &NeedFilter,
    paging: Paging,
) -> Result<(Vec<Need>, i64), DbError> {
    let mut w = Where::new();
    if let Some(s) = filter.status {
        w.and("n.status = ?", [Value::Text(s.code().into())]);
    }
    if let Some(b) = filter.branch_id {
        w.and(
            "(n.branch_id = ? OR n.adopted_by = ?)",
            [Value::Int(b.0), Value::Int(b.0)],
        );
    }
    let order = "CASE n.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, n.id DESC";
    sql::paged(db, NEED_COLUMNS, NEED_FROM, &w, order, paging, need_from).await
}

pub async fn get_need(conn: &mut Conn, id: NeedId) -> Result<Option<Need>, DbError> {
    let q = format!("SELECT {NEED_COLUMNS}{NEED_FROM} WHERE n.id = $1");
    let row = sqlx::query(&q)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(need_from).transpose()?)
}

pub async fn insert_need(conn: &mut Conn, f: &NeedFields) -> Result<NeedId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO needs (branch_id, title, description, quantity, cost_minor, currency, urgency, status,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8) RETURNING id",
    )
    .bind(f.branch_id.0)
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.quantity)
    .bind(f.cost.map(|m| m.amount_minor))
    .bind(f.cost.map(|m| m.currency.code().to_owned()))
    .bind(f.urgency.code())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(NeedId(row.try_get("id")?))
}

/// Adopts an open need for a branch; `false` if it was no longer open.
pub async fn adopt_need(conn: &mut Conn, id: NeedId, by: BranchId) -> Result<bool, DbError> {
    let now = clock::now();
    let done = sqlx::query(
        "UPDATE needs SET status = 'adopted', adopted_by = $1, adopted_at = $2, version = version + 1, updated_at = $2
         WHERE id = $3 AND status = 'open'",
    )
    .bind(by.0)
    .bind(now)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn deliver_need(conn: &mut Conn, id: NeedId) -> Result<bool, DbError> {
    let now = clock::now();
    let done = sqlx::query(
        "UPDATE needs SET status = 'delivered', delivered_at = $1, version = version + 1, updated_at = $1
         WHERE id = $2 AND status = 'adopted'",
    )
    .bind(now)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

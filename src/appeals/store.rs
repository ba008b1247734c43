//! The appeals area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::common::clock;
use crate::common::ids::BranchId;
use crate::common::ids::UserId;
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{Conn, Db, DbError};
use crate::money::{Currency, Money};

fn bad(col: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {col} {value:?} in the database").into())
}

fn money(row: &AnyRow, minor: &str, currency: &str) -> Result<Money, sqlx::Error> {
    let code: String = row.try_get(currency)?;
    Ok(Money {
        amount_minor: row.try_get(minor)?,
        currency: Currency::parse(&code).ok_or_else(|| bad("currency", &code))?,
    })
}

const APPEAL_COLUMNS: &str =
    "id, slug, title, title_uk, description, description_uk, beneficiary, target_minor,
    target_currency, opens_on, closes_on, donate_url, status, version";

fn appeal_from(r: &AnyRow) -> Result<Appeal, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Appeal {
        id: AppealId(r.try_get("id")?),
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        title_uk: r
            .try_get::<Option<String>, _>("title_uk")?
            .filter(|t| !t.is_empty()),
        description: r.try_get("description")?,
        description_uk: r.try_get("description_uk")?,
        beneficiary: r.try_get("beneficiary")?,
        target: money(r, "target_minor", "target_currency")?,
        opens_on: r.try_get("opens_on")?,
        closes_on: r.try_get("closes_on")?,
        donate_url: r.try_get("donate_url")?,
        status: AppealStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        version: r.try_get("version")?,
    })
}

pub async fn insert_appeal(conn: &mut Conn, f: &AppealFields) -> Result<AppealId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO appeals (slug, title, title_uk, description, description_uk, beneficiary, target_minor,
             target_currency, opens_on, closes_on, donate_url, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(f.title_uk.clone())
    .bind(&f.description)
    .bind(&f.description_uk)
    .bind(&f.beneficiary)
    .bind(f.target.amount_minor)
    .bind(f.target.currency.code())
    .bind(f.opens_on.map(|d| d.to_string()))
    .bind(f.closes_on.map(|d| d.to_string()))
    .bind(&f.donate_url)
    .bind(f.status.code())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(AppealId(row.try_get("id")?))
}

/// Saves an edit made against `version`; `false` when it was stale.
pub async fn update_appeal(
    db: &Db,
    id: AppealId,
    version: i64,
    f: &AppealFields,
) -> Result<bool, DbError> {
    let done = db.write_one(sqlx::query(
        "UPDATE appeals SET slug = $1, title = $2, title_uk = $3, description = $4, description_uk = $5,
             beneficiary = $6, target_minor = $7, target_currency = $8, opens_on = $9, closes_on = $10,
             donate_url = $11, status = $12, version = version + 1, updated_at = $13
         WHERE id = $14 AND version = $15",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(f.title_uk.clone())
    .bind(&f.description)
    .bind(&f.description_uk)
    .bind(&f.beneficiary)
    .bind(f.target.amount_minor)
    .bind(f.target.currency.code())
    .bind(f.opens_on.map(|d| d.to_string()))
    .bind(f.closes_on.map(|d| d.to_string()))
    .bind(&f.donate_url)
    .bind(f.status.code())
    .bind(clock::now())
    .bind(id.0)
    .bind(version)
    )
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn get_appeal(conn: &mut Conn, id: AppealId) -> Result<Option<Appeal>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {APPEAL_COLUMNS} FROM appeals WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(appeal_from).transpose()?)
}

pub async fn list_appeals(
    db: &Db,
    include_drafts: bool,
    paging: Paging,
) -> Result<(Vec<Appeal>, i64), DbError> {
    let mut w = Where::new();
    if !include_drafts {
        w.and("status <> ?", [Value::Text("draft".into())]);
    }
    sql::paged(
        db,
        APPEAL_COLUMNS,
        " FROM appeals",
        &w,
        "status DESC, id DESC",
        paging,
        appeal_from,
    )
    .await
}

pub async fn totals(conn: &mut Conn, appeal: AppealId) -> Result<Vec<Total>, DbError> {
    let rows = sqlx::query(
        "SELECT currency, pledged_minor, received_minor, count FROM appeal_totals WHERE appeal_id = $1 ORDER BY currency",
    )
    .bind(appeal.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get("currency")?;
            Ok(Total {
                currency: Currency::parse(&code).ok_or_else(|| bad("currency", &code))?,
                pledged_minor: r.try_get("pledged_minor")?,
                received_minor: r.try_get("received_minor")?,
                count: r.try_get("count")?,
            })
        })
        .collect()
}

/// Adds a change to an appeal's totals in one currency, inside the
/// transaction that made the change.
pub async fn apply_delta(
    conn: &mut Conn,
    appeal: AppealId,
    currency: Currency,
    d: TotalsDelta,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO appeal_totals (appeal_id, currency, pledged_minor, received_minor, count)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (appeal_id, currency) DO UPDATE SET
             pledged_minor = appeal_totals.pledged_minor + excluded.pledged_minor,
             received_minor = appeal_totals.received_minor + excluded.received_minor,
             count = appeal_totals.count + excluded.count",
    )
    .bind(appeal.0)
    .bind(currency.code())
    .bind(d.pledged_minor)
    .bind(d.received_minor)
    .bind(d.count)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const DONATION_COLUMNS: &str =
    "d.id, d.appeal_id, d.amount_minor, d.currency, d.branch_id, b.name AS branch_name,
    d.donor_name, d.status, d.received_on, d.reference, d.notes, d.version";
const DONATION_FROM: &str = " FROM donations d LEFT JOIN branches b ON b.id = d.branch_id";

fn donation_from(r: &AnyRow) -> Result<Donation, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Donation {
        id: DonationId(r.try_get("id")?),
        appeal_id: AppealId(r.try_get("appeal_id")?),
        amount: money(r, "amount_minor", "currency")?,
        branch_id: r.try_get::<Option<i64>, _>("branch_id")?.map(BranchId),
        branch_name: r.try_get("branch_name")?,
        donor_name: r.try_get("donor_name")?,
        status: DonationStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        received_on: r.try_get("received_on")?,
        reference: r.try_get("reference")?,
        notes: r.try_get("notes")?,
        version: r.try_get("version")?,
    })
}

/// Records a donation; a unique violation means the idempotency key was
/// used already (the caller then looks up the first result).
pub async fn insert_donation(
    conn: &mut Conn,
    appeal: AppealId,
    f: &DonationFields,
    key: Option<(&str, &str)>,
    by: Option<UserId>,
) -> Result<DonationId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO donations (appeal_id, amount_minor, currency, branch_id, donor_name, status, received_on,
             reference, notes, idempotency_key, request_hash, recorded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(appeal.0)
    .bind(f.amount.amount_minor)
    .bind(f.amount.currency.code())
    .bind(f.branch_id.map(|b| b.0))
    .bind(&f.donor_name)
    .bind(f.status.code())
    .bind(f.received_on.map(|d| d.to_string()))
    .bind(&f.reference)
    .bind(&f.notes)
    .bind(key.map(|k| k.0.to_owned()))
    .bind(key.map(|k| k.1.to_owned()))
    .bind(by.map(|u| u.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DonationId(row.try_get("id")?))
}

/// The donation an idempotency key made, and the hash of its request.
pub async fn by_key(
    conn: &mut Conn,
    appeal: AppealId,
    key: &str,
) -> Result<Option<(DonationId, String)>, DbError> {
    let row = sqlx::query(
        "SELECT id, request_hash FROM donations WHERE appeal_id = $1 AND idempotency_key = $2",
    )
    .bind(appeal.0)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            DonationId(r.try_get("id")?),
            r.try_get::<Option<String>, _>("request_hash")?
                .unwrap_or_default(),
        ))
    })
    .transpose()
}

pub async fn get_donation(conn: &mut Conn, id: DonationId) -> Result<Option<Donation>, DbError> {
    let q = format!("SELECT {DONATION_COLUMNS}{DONATION_FROM} WHERE d.id = $1");
    let row = sqlx::query(&q)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(donation_from).transpose()?)
}

/// An appeal's donations, all of them or those of some branches.
pub async fn list_donations(
    db: &Db,
    appeal: AppealId,
    branches: Option<&[BranchId]>,
    paging: Paging,
) -> Result<(Vec<Donation>, i64), DbError> {
    let mut w = Where::new();
    w.and("d.appeal_id = ?", [Value::Int(appeal.0)]);
    if let Some(ids) = branches {
        w.and_in("d.branch_id", &ids.iter().map(|b| b.0).collect::<Vec<_>>());
    }
    sql::paged(
        db,
        DONATION_COLUMNS,
        DONATION_FROM,
        &w,
        "d.id DESC",
        paging,
        donation_from,
    )
    .await
}

/// Moves a donation on if nobody moved it first.
pub async fn move_donation(
    conn: &mut Conn,
    id: DonationId,
    from: DonationStatus,
    to: DonationStatus,
    received_on: Option<jiff::civil::Date>,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE donations SET status = $1, received_on = COALESCE($2, received_on), version = version + 1,
             updated_at = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(to.code())
    .bind(received_on.map(|d| d.to_string()))
    .bind(clock::now())
    .bind(id.0)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One line of `solidarnist check`: an appeal and currency whose kept
/// totals differ from the donations' own sums.
#[derive(Debug, PartialEq, Eq)]
pub struct Difference {
    pub appeal: AppealId,
    pub currency: String,
    pub kept: (i64, i64, i64),
    pub counted: (i64, i64, i64),
}

/// Recomputes every appeal's totals from its donations and compares them
/// Totals rows (`appeal_id`, `currency`, `pledged`, `received`, `n`) by
/// appeal and currency, for comparing a recount with what is kept.
type TotalsMap = std::collections::BTreeMap<(i64, String), (i64, i64, i64)>;

fn by_appeal_and_currency(rows: &[AnyRow]) -> Result<TotalsMap, sqlx::Error> {
    rows.iter()
        .map(|r| {
            Ok((
                (r.try_get("appeal_id")?, r.try_get("currency")?),
                (
                    r.try_get("pledged")?,
                    r.try_get("received")?,
                    r.try_get("n")?,
                ),
            ))
        })
        .collect()
}

/// with the kept ones.
pub async fn check_totals(db: &Db) -> Result<Vec<Difference>, DbError> {
    let rows = sqlx::query(
        "SELECT appeal_id, currency,
             CAST(SUM(CASE WHEN status = 'pledged' THEN amount_minor ELSE 0 END) AS BIGINT) AS pledged,
             CAST(SUM(CASE WHEN status = 'received' THEN amount_minor ELSE 0 END) AS BIGINT) AS received,
             CAST(SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS BIGINT) AS n
         FROM donations GROUP BY appeal_id, currency",
    )
    .fetch_all(db.read())
    .await?;
    let counted = by_appeal_and_currency(&rows)?;
    let rows = sqlx::query(
        "SELECT appeal_id, currency, pledged_minor AS pledged, received_minor AS received,
             count AS n FROM appeal_totals",
    )
    .fetch_all(db.read())
    .await?;
    let kept = by_appeal_and_currency(&rows)?;
    let mut keys: Vec<_> = counted.keys().chain(kept.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    let zero = (0, 0, 0);
    Ok(keys
        .into_iter()
        .filter_map(|key| {
            let k = *kept.get(&key).unwrap_or(&zero);
            let c = *counted.get(&key).unwrap_or(&zero);
            (k != c).then_some(Difference {
                appeal: AppealId(key.0),
                currency: key.1,
                kept: k,
                counted: c,
            })
        })
        .collect())
}

/// How many branches gave (or pledged) to an appeal.
pub async fn giving_branches(conn: &mut Conn, appeal: AppealId) -> Result<i64, DbError> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT branch_id) AS n FROM donations
         WHERE appeal_id = $1 AND status <> 'cancelled' AND branch_id IS NOT NULL",
    )
    .bind(appeal.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("n")?)
}

/// An appeal by its id or its slug.
pub async fn find_appeal(db: &Db, id_or_slug: &str) -> Result<Option<AppealId>, DbError> {
    let id: i64 = id_or_slug.trim().parse().unwrap_or(0);
    let row = sqlx::query("SELECT id FROM appeals WHERE id = $1 OR slug = $2")
        .bind(id)
        .bind(id_or_slug.trim().to_lowercase())
        .fetch_optional(db.read())
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?.map(AppealId))
}

/// The appeal's short links, each original followed by its branch copies,
/// with clicks so far and the branch's name. The links area writes them;
/// the appeal's page reads them here, by the appeal they name.
pub async fn short_links(conn: &mut Conn, appeal: AppealId) -> Result<Vec<AppealLink>, DbError> {
    Ok(sqlx::query_as::<_, AppealLink>(
        "SELECT l.id, l.slug, l.branch_id, l.expires_at,
                (SELECT CAST(COALESCE(SUM(c.clicks), 0) AS BIGINT) FROM link_clicks c
                 WHERE c.link_id = l.id) AS clicks,
                COALESCE((SELECT b.name FROM branches b WHERE b.id = l.branch_id), '') AS branch_name
         FROM links l WHERE l.appeal_id = $1
         ORDER BY COALESCE(l.parent_id, l.id), l.parent_id IS NOT NULL, l.id",
    )
    .bind(appeal)
    .fetch_all(&mut *conn)
    .await?)
}

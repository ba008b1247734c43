//! The affiliations area's queries, written once for both engines.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::common::clock;
use crate::common::paging::Paging;
use crate::db::sql::{self, Value, Where};
use crate::db::{Conn, Db, DbError};
use crate::money::{Currency, Money};

fn bad(col: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {col} {value:?} in the database").into())
}

pub async fn fee_bands(db: &Db) -> Result<Vec<FeeBand>, DbError> {
    fee_bands_in(&mut *db.conn().await?).await
}

/// The fee table, read inside a transaction.
pub async fn fee_bands_in(conn: &mut Conn) -> Result<Vec<FeeBand>, DbError> {
    let rows = sqlx::query("SELECT id, name, min_members, max_members, fee_minor, currency FROM fee_bands ORDER BY min_members")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get("currency")?;
            Ok(FeeBand {
                id: FeeBandId(r.try_get("id")?),
                name: r.try_get("name")?,
                min_members: r.try_get("min_members")?,
                max_members: r.try_get("max_members")?,
                fee: Money {
                    amount_minor: r.try_get("fee_minor")?,
                    currency: Currency::parse(&code).ok_or_else(|| bad("currency", &code))?,
                },
            })
        })
        .collect()
}

/// Replaces one band's fee (the table's shape stays as it is).
pub async fn set_fee(db: &Db, id: FeeBandId, fee: Money) -> Result<bool, DbError> {
    let done = db
        .write_one(
            sqlx::query("UPDATE fee_bands SET fee_minor = $1, currency = $2 WHERE id = $3")
                .bind(fee.amount_minor)
                .bind(fee.currency.code())
                .bind(id.0),
        )
        .await?;
    Ok(done.rows_affected() > 0)
}

const COLUMNS: &str =
    "id, kind, organisation, union_name, members, contact_name, contact_email, fee_band, fee_minor,
    currency, status, renewal_on, version";

fn from_row(r: &AnyRow) -> Result<Affiliation, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let fee = match (
        r.try_get::<Option<i64>, _>("fee_minor")?,
        r.try_get::<Option<String>, _>("currency")?,
    ) {
        (Some(minor), Some(code)) => Some(Money {
            amount_minor: minor,
            currency: Currency::parse(&code).ok_or_else(|| bad("currency", &code))?,
        }),
        _ => None,
    };
    Ok(Affiliation {
        id: AffiliationId(r.try_get("id")?),
        kind: AffiliationKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        organisation: r.try_get("organisation")?,
        union_name: r.try_get("union_name")?,
        members: r.try_get("members")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        fee,
        fee_band: r.try_get("fee_band")?,
        status: AffiliationStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        renewal_on: r.try_get("renewal_on")?,
        version: r.try_get("version")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    f: &ApplicationFields,
    band: Option<&FeeBand>,
) -> Result<AffiliationId, DbError> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO affiliations (kind, organisation, union_name, members, contact_name, contact_email, fee_band,
             fee_minor, currency, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'applied', $10, $10) RETURNING id",
    )
    .bind(f.kind.code())
    .bind(&f.organisation)
    .bind(&f.union_name)
    .bind(f.members)
    .bind(&f.contact_name)
    .bind(&f.contact_email)
    .bind(band.map(|b| b.name.clone()))
    .bind(band.map(|b| b.fee.amount_minor))
    .bind(band.map(|b| b.fee.currency.code().to_owned()))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(AffiliationId(row.try_get("id")?))
}

pub async fn get(conn: &mut Conn, id: AffiliationId) -> Result<Option<Affiliation>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM affiliations WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn list(
    db: &Db,
    status: Option<AffiliationStatus>,
    paging: Paging,
) -> Result<(Vec<Affiliation>, i64), DbError> {
    let mut w = Where::new();
    if let Some(s) = status {
        w.and("status = ?", [Value::Text(s.code().into())]);
    }
    // National bodies first, then regions, then branches.
    let order =
        "CASE kind WHEN 'national' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, organisation, id";
    sql::paged(
        db,
        COLUMNS,
        " FROM affiliations",
        &w,
        order,
        paging,
        from_row,
    )
    .await
}

/// Moves an affiliation if nobody moved it first; activating sets the next
/// renewal date and clears the reminder.
pub async fn set_status(
    conn: &mut Conn,
    id: AffiliationId,
    from: AffiliationStatus,
    to: AffiliationStatus,
    renewal_on: Option<jiff::civil::Date>,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE affiliations SET status = $1, renewal_on = COALESCE($2, renewal_on),
             reminded = CASE WHEN $1 = 'active' THEN 0 ELSE reminded END,
             version = version + 1, updated_at = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(to.code())
    .bind(renewal_on.map(|d| d.to_string()))
    .bind(clock::now())
    .bind(id.0)
    .bind(from.code())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Active affiliations whose renewal falls on or before `by` and whose
/// reminder has not gone.
pub async fn due_for_reminder(
    conn: &mut Conn,
    by: jiff::civil::Date,
) -> Result<Vec<Affiliation>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM affiliations WHERE status = 'active' AND reminded = 0 AND renewal_on <= $1 ORDER BY id"
    ))
    .bind(by.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

pub async fn mark_reminded(conn: &mut Conn, id: AffiliationId) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE affiliations SET reminded = 1 WHERE id = $1 AND reminded = 0")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

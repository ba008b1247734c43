//! Rate limits for public forms, counted in the database so that several
//! instances share them.

use sqlx::Row;

use crate::common::clock;
use crate::db::{Db, DbError};

/// How many submissions one client address may make to one form per window.
pub struct Limit {
    pub form: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

/// Counts this submission and says whether it is within the limit. A caller
/// whose address is unknown is not limited here (the proxy should be).
pub async fn allow(
    db: &Db,
    limit: &Limit,
    client: Option<std::net::IpAddr>,
) -> Result<bool, DbError> {
    let Some(ip) = client else { return Ok(true) };
    let scope = format!("{}:{ip}", limit.form);
    let now = clock::now();
    let recent: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM rate_events WHERE scope = $1 AND at > $2")
            .bind(&scope)
            .bind(now - limit.window_secs)
            .fetch_one(db.read())
            .await?
            .try_get("n")?;
    if recent >= limit.max {
        return Ok(false);
    }
    db.write_one(
        sqlx::query("INSERT INTO rate_events (scope, at) VALUES ($1, $2)")
            .bind(&scope)
            .bind(now),
    )
    .await?;
    db.write_one(sqlx::query("DELETE FROM rate_events WHERE at < $1").bind(now - 24 * 60 * 60))
        .await?;
    Ok(true)
}

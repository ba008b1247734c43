//! Rate limits for public forms, counted in the database so that several
//! instances share them, and counted and recorded in one step (see
//! [`crate::db::limits`]) so that a burst cannot pass more than the limit.

use crate::common::clock;
use crate::db::limits::{self, Events, Slot};
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
    let slot = Slot {
        scope: format!("{}:{ip}", limit.form),
        max: limit.max,
    };
    let taken = limits::take(
        db,
        Events::Submissions,
        &[slot],
        limit.window_secs,
        clock::now(),
    )
    .await?;
    Ok(taken.is_some())
}

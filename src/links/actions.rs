//! What people do with short links, each checked against the permission
//! model and scoped to the branches the caller acts for.

use super::model::*;
use super::store;
use crate::auth::{Action, Principal, Scope};
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::db::{Db, DbError};
use crate::web::error::AppError;

/// A link with what its page and `/stats` show.
pub struct Stats {
    pub link: Link,
    pub daily: Vec<(String, i64)>,
    pub total: i64,
    /// Branch copies the caller may see, with their clicks.
    pub copies: Vec<(Link, i64)>,
}

fn field_error(field: &str, key: &'static str) -> AppError {
    AppError::Invalid(FieldErrors::one(field, key))
}

fn taken(e: DbError) -> AppError {
    AppError::duplicate_of("slug", "err-link-slug-taken")(e)
}

/// May the caller see this link at all? Originals: anyone who works with
/// links; a branch's copy: that branch's officers and the coordinators.
fn may_see(who: &Principal, link: &Link) -> bool {
    match link.branch_id {
        None => who.may(Action::BranchLinks),
        Some(b) => who.may_at(Action::BranchLinks, Some(b)),
    }
}

/// A link by id or slug, if the caller may see it (else "not found").
pub async fn find(db: &Db, who: &Principal, id_or_slug: &str) -> Result<Link, AppError> {
    let mut conn = db.conn().await?;
    let link = store::find(&mut conn, id_or_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_see(who, &link) {
        Ok(link)
    } else {
        Err(AppError::NotFound)
    }
}

/// The appeal and statement a link names must exist.
async fn check_refs(conn: &mut crate::db::Conn, f: &LinkFields) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if let Some(id) = f.appeal_id {
        if !store::appeal_exists(conn, id).await? {
            errors.add("appeal_id", "err-unknown-appeal");
        }
    }
    if let Some(id) = f.statement_id {
        if !store::statement_exists(conn, id).await? {
            errors.add("statement_id", "err-unknown-statement");
        }
    }
    Ok(errors.into_result()?)
}

pub async fn create(db: &Db, who: &Principal, input: &LinkInput) -> Result<Link, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    check_refs(&mut tx, &fields).await?;
    let id = store::insert(&mut tx, &fields, None, None, who.account().map(|a| a.id))
        .await
        .map_err(taken)?;
    let link = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(link)
}

pub async fn edit(db: &Db, id_or_slug: &str, input: &LinkInput) -> Result<Link, AppError> {
    let mut tx = db.write().await?;
    let current = store::find(&mut tx, id_or_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.parent_id.is_some() {
        // A copy follows its original; edit that instead.
        return Err(AppError::conflict("is_copy", "err-link-is-copy"));
    }
    let version = match &input.version {
        None => current.version,
        Some(v) => match v.int() {
            Some(Ok(n)) => n,
            _ => return Err(field_error("version", "err-wrong-type")),
        },
    };
    let mut errors = FieldErrors::new();
    let fields = input.parse(Some(&current), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    check_refs(&mut tx, &fields).await?;
    if !store::update(&mut tx, current.id, &fields, version).await? {
        return Err(AppError::conflict("stale", "err-stale"));
    }
    let link = store::get(&mut tx, current.id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(link)
}

/// A branch's own copy of a link (made once; asking again gives the same copy).
pub async fn copy_for_branch(
    db: &Db,
    who: &Principal,
    id_or_slug: &str,
    branch: BranchId,
) -> Result<(Link, bool), AppError> {
    if !who.may_at(Action::BranchLinks, Some(branch)) {
        return Err(field_error("branch_id", "err-only-officers-branches"));
    }
    if crate::directory::store::get_branch(db, branch)
        .await?
        .is_none()
    {
        return Err(field_error("branch_id", "err-unknown-branch"));
    }
    let mut tx = db.write().await?;
    let parent = store::find(&mut tx, id_or_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if parent.parent_id.is_some() || !may_see(who, &parent) {
        return Err(AppError::NotFound);
    }
    let slug = variant_slug(&parent.slug, branch);
    if let Some(existing) = store::by_slug(&mut tx, &slug).await? {
        if existing.parent_id == Some(parent.id) {
            return Ok((existing, false));
        }
        return Err(AppError::Duplicate {
            field: "slug",
            key: "err-link-slug-taken",
        });
    }
    let fields = LinkFields {
        slug,
        target_url: parent.target_url.clone(),
        title: parent.title.clone(),
        appeal_id: parent.appeal_id,
        statement_id: parent.statement_id,
        action: parent.action.clone(),
        expires_at: parent.expires_at,
    };
    let by = who.account().map(|a| a.id);
    let id = store::insert(&mut tx, &fields, Some(parent.id), Some(branch), by)
        .await
        .map_err(taken)?;
    let link = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok((link, true))
}

/// Clicks by day of a link the caller may see, and of the branch copies they
/// may see. An officer sees an original's copies for their branches only, and
/// not the original's own clicks.
pub async fn stats(db: &Db, who: &Principal, id_or_slug: &str) -> Result<Stats, AppError> {
    let link = find(db, who, id_or_slug).await?;
    let mut conn = db.conn().await?;
    let sees_own_clicks = link.branch_id.is_some() || who.may(Action::ManageLinks);
    let daily = if sees_own_clicks {
        store::daily(&mut conn, link.id).await?
    } else {
        Vec::new()
    };
    let scope = who.scope(Action::BranchLinks);
    let copies = store::copies(&mut conn, link.id)
        .await?
        .into_iter()
        .filter(|(c, _)| matches!(scope, Scope::All) || scope.includes(c.branch_id))
        .collect();
    let total = daily.iter().map(|(_, n)| n).sum();
    Ok(Stats {
        link,
        daily,
        total,
        copies,
    })
}

/// The branches whose copies the caller's list shows (`None`: all links).
pub fn list_scope(who: &Principal) -> Option<Vec<BranchId>> {
    match who.scope(Action::BranchLinks) {
        Scope::All => None,
        Scope::Branches(b) => Some(b),
        Scope::Nothing => Some(Vec::new()),
    }
}

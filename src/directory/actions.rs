//! What the directory's pages and API both do: parse input, check the
//! caller's reach, store, and say what happened. Handlers only translate
//! HTTP to these calls and back.

use super::model::*;
use super::store::{self, BranchFilter, Edit};
use crate::auth::{Action, Principal, Scope};
use crate::common::input::{parse_version, FieldErrors};
use crate::common::paging::Paging;
use crate::db::Db;
use crate::web::error::AppError;

fn duplicate(e: crate::db::DbError) -> AppError {
    AppError::duplicate_of("name", "err-duplicate")(e)
}

fn edit_result(edit: Edit) -> Result<(), AppError> {
    match edit {
        Edit::Done => Ok(()),
        Edit::NotFound => Err(AppError::NotFound),
        Edit::Stale => Err(AppError::stale()),
    }
}

pub async fn create_union(db: &Db, input: &UnionInput) -> Result<Union, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_union(&mut tx, &fields)
        .await
        .map_err(duplicate)?;
    tx.commit().await?;
    store::get_union(db, id).await?.ok_or(AppError::NotFound)
}

pub async fn edit_union(db: &Db, id: UnionId, input: &UnionInput) -> Result<Union, AppError> {
    let current = store::get_union(db, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let version = parse_version(input.version.as_ref(), &mut errors).unwrap_or(current.version);
    let fields = input.parse(Some(&current), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    edit_result(
        store::update_union(db, id, version, &fields)
            .await
            .map_err(duplicate)?,
    )?;
    store::get_union(db, id).await?.ok_or(AppError::NotFound)
}

pub async fn delete_union(db: &Db, id: UnionId) -> Result<(), AppError> {
    match store::delete_union(db, id).await? {
        Some(true) => Ok(()),
        Some(false) => Err(AppError::conflict("in_use", "err-union-has-branches")),
        None => Err(AppError::NotFound),
    }
}

async fn check_union(
    db: &Db,
    fields: &Option<BranchFields>,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    if let Some(f) = fields {
        if !store::union_exists(db, f.union_id).await? {
            errors.add("union_id", "err-unknown-union");
        }
    }
    Ok(())
}

pub async fn create_branch(db: &Db, input: &BranchInput) -> Result<Branch, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    check_union(db, &fields, &mut errors).await?;
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_branch(&mut tx, &fields)
        .await
        .map_err(duplicate)?;
    tx.commit().await?;
    store::get_branch(db, id).await?.ok_or(AppError::NotFound)
}

/// Coordinators may edit any branch, officers their own.
pub async fn edit_branch(
    db: &Db,
    who: &Principal,
    id: BranchId,
    input: &BranchInput,
) -> Result<Branch, AppError> {
    if !who.may_at(Action::EditBranch, Some(id)) {
        return Err(AppError::NotFound);
    }
    let current = store::get_branch(db, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let version = parse_version(input.version.as_ref(), &mut errors).unwrap_or(current.version);
    let fields = input.parse(Some(&current), &mut errors);
    // Moving a branch to another union is a coordinator's decision.
    if fields
        .as_ref()
        .is_some_and(|f| f.union_id != current.union_id)
        && !who.may(Action::ManageBranches)
    {
        errors.add("union_id", "err-not-allowed");
    }
    check_union(db, &fields, &mut errors).await?;
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    edit_result(
        store::update_branch(db, id, version, &fields)
            .await
            .map_err(duplicate)?,
    )?;
    store::get_branch(db, id).await?.ok_or(AppError::NotFound)
}

/// Deletes a branch; one that records still refer to is a 409 naming them.
pub async fn delete_branch(db: &Db, id: BranchId) -> Result<(), AppError> {
    match store::delete_branch(db, id).await? {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound),
        Err(holder) => Err(AppError::conflict("in_use", holder)),
    }
}

/// A person's branch must be one the caller reaches; an officer must name one.
fn check_person_branch(who: &Principal, fields: &Option<PersonFields>, errors: &mut FieldErrors) {
    if let Some(f) = fields {
        if !who.may_at(Action::ManagePeople, f.branch_id) {
            let key = if f.branch_id.is_none() {
                "err-required"
            } else {
                "err-unknown-branch"
            };
            errors.add("branch_id", key);
        }
    }
}

async fn check_branch_exists(
    db: &Db,
    fields: &Option<PersonFields>,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    if let Some(PersonFields {
        branch_id: Some(b), ..
    }) = fields
    {
        if !errors.has("branch_id") && store::get_branch(db, *b).await?.is_none() {
            errors.add("branch_id", "err-unknown-branch");
        }
    }
    Ok(())
}

pub async fn create_person(
    db: &Db,
    who: &Principal,
    input: &PersonInput,
) -> Result<Person, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, &mut errors);
    check_person_branch(who, &fields, &mut errors);
    check_branch_exists(db, &fields, &mut errors).await?;
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert_person(&mut tx, &fields).await?;
    tx.commit().await?;
    get_person(db, who, id).await
}

pub async fn get_person(db: &Db, who: &Principal, id: PersonId) -> Result<Person, AppError> {
    let person = store::get_person(db, &who.scope(Action::ViewPeople), id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit_views(db, who, std::slice::from_ref(&person)).await?;
    Ok(person)
}

/// Every time someone is shown the details of a person at risk, the audit
/// log says who saw whom, and when.
pub async fn audit_views(db: &Db, who: &Principal, people: &[Person]) -> Result<(), AppError> {
    let seen: Vec<String> = people
        .iter()
        .filter(|p| p.protected())
        .map(|p| format!("person={}", p.id))
        .collect();
    audit_seen(db, who, &seen).await
}

async fn audit_seen(db: &Db, who: &Principal, records: &[String]) -> Result<(), AppError> {
    crate::auth::store::audit_each(db, who.account().map(|a| a.id), "view_at_risk", records)
        .await?;
    Ok(())
}

/// The at-risk branches whose identity were shown, recorded in the audit
/// log: who saw which, and when.
pub async fn audit_branch_views(
    db: &Db,
    who: &Principal,
    branches: impl IntoIterator<Item = BranchId>,
) -> Result<(), AppError> {
    let seen: Vec<String> = branches
        .into_iter()
        .map(|b| format!("branch={b}"))
        .collect();
    audit_seen(db, who, &seen).await
}

/// Branches as this reader may see them (see [`Branch::seen_by`]), with
/// every at-risk one they were shown written to the audit log.
pub async fn shown(
    db: &Db,
    who: &Principal,
    branches: Vec<Branch>,
) -> Result<Vec<Branch>, AppError> {
    let shown: Vec<Branch> = branches.into_iter().map(|b| b.seen_by(who)).collect();
    audit_branch_views(
        db,
        who,
        shown
            .iter()
            .filter(|b| b.at_risk && !b.withheld)
            .map(|b| b.id),
    )
    .await?;
    Ok(shown)
}

/// The at-risk branches this reader may find by name or region.
fn at_risk_known(who: &Principal) -> Option<Vec<BranchId>> {
    match who.scope(Action::ViewAtRisk) {
        Scope::All => None,
        Scope::Branches(ids) => Some(ids),
        Scope::Nothing => Some(Vec::new()),
    }
}

/// A page of branches for this reader: at-risk ones they may not know are
/// withheld, and never found by what would identify them.
pub async fn list_branches(
    db: &Db,
    who: &Principal,
    filter: BranchFilter,
    paging: Paging,
) -> Result<(Vec<Branch>, i64), AppError> {
    let filter = BranchFilter {
        at_risk_known: at_risk_known(who),
        ..filter
    };
    let (branches, total) = store::list_branches(db, &filter, paging).await?;
    Ok((shown(db, who, branches).await?, total))
}

/// One branch as this reader may see it.
pub async fn get_branch(db: &Db, who: &Principal, id: BranchId) -> Result<Branch, AppError> {
    let branch = store::get_branch(db, id).await?.ok_or(AppError::NotFound)?;
    let mut shown = shown(db, who, vec![branch]).await?;
    shown.pop().ok_or(AppError::NotFound)
}

/// The regions a reader may filter branches by.
pub async fn regions(db: &Db, who: &Principal) -> Result<Vec<String>, AppError> {
    Ok(store::regions(db, who.scope(Action::ViewAtRisk) == Scope::All).await?)
}

pub async fn edit_person(
    db: &Db,
    who: &Principal,
    id: PersonId,
    input: &PersonInput,
) -> Result<Person, AppError> {
    let current = store::get_person(db, &who.scope(Action::ManagePeople), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let version = parse_version(input.version.as_ref(), &mut errors).unwrap_or(current.version);
    let fields = input.parse(Some(&current), &mut errors);
    check_person_branch(who, &fields, &mut errors);
    check_branch_exists(db, &fields, &mut errors).await?;
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    edit_result(store::update_person(db, id, version, &fields).await?)?;
    get_person(db, who, id).await
}

pub async fn delete_person(db: &Db, who: &Principal, id: PersonId) -> Result<(), AppError> {
    store::get_person(db, &who.scope(Action::ManagePeople), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::delete_person(db, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

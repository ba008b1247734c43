//! Writing statements: coordinators only (the route table says so); every
//! field checked, a stale edit refused.

use super::model::*;
use super::store;
use crate::common::clock::today;
use crate::common::input::FieldErrors;
use crate::db::{Db, DbError};
use crate::web::error::AppError;

fn taken(e: DbError) -> AppError {
    AppError::duplicate_of("slug", "err-statement-slug-taken")(e)
}

pub async fn get(db: &Db, id_or_slug: &str) -> Result<Statement, AppError> {
    let mut conn = db.conn().await?;
    store::find(&mut conn, id_or_slug)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn create(db: &Db, input: &StatementInput) -> Result<Statement, AppError> {
    let mut errors = FieldErrors::new();
    let fields = input.parse(None, today(), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    let mut tx = db.write().await?;
    let id = store::insert(&mut tx, &fields).await.map_err(taken)?;
    let s = store::find(&mut tx, &id.0.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(s)
}

pub async fn edit(
    db: &Db,
    id_or_slug: &str,
    input: &StatementInput,
) -> Result<Statement, AppError> {
    let mut tx = db.write().await?;
    let current = store::find(&mut tx, id_or_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = match &input.version {
        None => current.version,
        Some(v) => match v.int() {
            Some(Ok(n)) => n,
            _ => {
                return Err(AppError::Invalid(FieldErrors::one(
                    "version",
                    "err-wrong-type",
                )))
            }
        },
    };
    let mut errors = FieldErrors::new();
    let fields = input.parse(Some(&current), today(), &mut errors);
    errors.into_result()?;
    let fields = fields.ok_or(AppError::Internal("parse gave no value".into()))?;
    if !store::update(&mut tx, current.id, &fields, version)
        .await
        .map_err(taken)?
    {
        return Err(AppError::conflict("stale", "err-stale"));
    }
    let s = store::find(&mut tx, &current.id.0.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(s)
}

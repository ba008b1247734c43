//! `/api/v1/affiliations` and its state verbs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::store;
use crate::common::paging::Paging;
use crate::money::Money;
use crate::web::error::AppError;
use crate::web::extract::{ApiJson, Id, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct AffiliationJson {
    pub id: AffiliationId,
    pub kind: AffiliationKind,
    pub organisation: String,
    pub union_name: String,
    pub members: i64,
    pub contact_name: String,
    pub contact_email: String,
    /// The yearly fee from the band the membership fell in when applying;
    /// absent when the fee table had no band for it.
    pub fee: Option<Money>,
    pub fee_band: Option<String>,
    pub status: AffiliationStatus,
    /// When an active affiliation is next due (YYYY-MM-DD).
    pub renewal_on: Option<String>,
    pub version: i64,
}

pub fn affiliation_json(a: Affiliation) -> AffiliationJson {
    AffiliationJson {
        id: a.id,
        kind: a.kind,
        organisation: a.organisation,
        union_name: a.union_name,
        members: a.members,
        contact_name: a.contact_name,
        contact_email: a.contact_email,
        fee: a.fee,
        fee_band: a.fee_band,
        status: a.status,
        renewal_on: a.renewal_on,
        version: a.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(AffiliationStatus::parse(s).ok_or_else(|| {
            AppError::Malformed("status must be applied, active or lapsed".into())
        })?),
    };
    let (items, total) = store::list(&app.db, status, paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(affiliation_json),
        paging,
        total,
    ))
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<Response, AppError> {
    let a = actions::apply(&app.db, &input, ctx.lang, &app.base_url).await?;
    Ok((StatusCode::CREATED, Json(affiliation_json(a))).into_response())
}

pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<AffiliationId>,
) -> Result<Json<AffiliationJson>, AppError> {
    let mut conn = app.db.conn().await?;
    let a = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(affiliation_json(a)))
}

pub async fn activate(
    State(app): State<AppState>,
    Id(id): Id<AffiliationId>,
) -> Result<Json<AffiliationJson>, AppError> {
    Ok(Json(affiliation_json(
        actions::set_status(&app.db, id, AffiliationStatus::Active).await?,
    )))
}

pub async fn lapse(
    State(app): State<AppState>,
    Id(id): Id<AffiliationId>,
) -> Result<Json<AffiliationJson>, AppError> {
    Ok(Json(affiliation_json(
        actions::set_status(&app.db, id, AffiliationStatus::Lapsed).await?,
    )))
}

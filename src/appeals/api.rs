//! `/api/v1/appeals`, their donations, and `/api/v1/donations/{id}/{verb}`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::store;
use crate::auth::Action;
use crate::common::ids::BranchId;
use crate::common::paging::Paging;
use crate::money::Money;
use crate::web::error::AppError;
use crate::web::extract::{ApiJson, Id, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct AppealJson {
    pub id: AppealId,
    pub slug: String,
    pub title: String,
    pub title_uk: Option<String>,
    pub description: String,
    pub description_uk: String,
    pub beneficiary: String,
    pub target: Money,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    /// The external page where people give.
    pub donate_url: String,
    pub status: AppealStatus,
    /// Per currency, never converted.
    pub totals: Vec<Total>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DonationJson {
    pub id: DonationId,
    pub appeal_id: AppealId,
    pub amount: Money,
    pub branch_id: Option<BranchId>,
    pub donor_name: String,
    pub status: DonationStatus,
    pub received_on: Option<String>,
    pub reference: String,
    pub notes: String,
    pub version: i64,
}

fn appeal_json(full: actions::Full) -> AppealJson {
    let a = full.appeal;
    AppealJson {
        id: a.id,
        slug: a.slug,
        title: a.title,
        title_uk: a.title_uk,
        description: a.description,
        description_uk: a.description_uk,
        beneficiary: a.beneficiary,
        target: a.target,
        opens_on: a.opens_on,
        closes_on: a.closes_on,
        donate_url: a.donate_url,
        status: a.status,
        totals: full.totals,
        version: a.version,
    }
}

fn donation_json(d: Donation) -> DonationJson {
    DonationJson {
        id: d.id,
        appeal_id: d.appeal_id,
        amount: d.amount,
        branch_id: d.branch_id,
        donor_name: d.donor_name,
        status: d.status,
        received_on: d.received_on,
        reference: d.reference,
        notes: d.notes,
        version: d.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let (appeals, total) =
        store::list_appeals(&app.db, ctx.may(Action::ManageAppeals), paging).await?;
    let mut items = Vec::with_capacity(appeals.len());
    let mut conn = app.db.conn().await?;
    for appeal in appeals {
        let totals = store::totals(&mut conn, appeal.id).await?;
        items.push(appeal_json(actions::Full { appeal, totals }));
    }
    Ok(ListJson::page(items, paging, total))
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<AppealInput>,
) -> Result<Response, AppError> {
    let full = actions::create_appeal(&app.db, &ctx.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(appeal_json(full))).into_response())
}

pub async fn get(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
) -> Result<Json<AppealJson>, AppError> {
    Ok(Json(appeal_json(
        actions::get_appeal(&app.db, &ctx.principal, id).await?,
    )))
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    ApiJson(input): ApiJson<AppealInput>,
) -> Result<Json<AppealJson>, AppError> {
    Ok(Json(appeal_json(
        actions::edit_appeal(&app.db, &ctx.principal, id, &input).await?,
    )))
}

pub async fn donations(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    actions::get_appeal(&app.db, &ctx.principal, id).await?;
    let scope = actions::donation_scope(&ctx.principal);
    let (items, total) = store::list_donations(&app.db, id, scope.as_deref(), paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(donation_json),
        paging,
        total,
    ))
}

/// An `Idempotency-Key` is 1 to 200 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| AppError::Malformed("Idempotency-Key must be visible ASCII".into()))?;
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::Malformed(
            "Idempotency-Key must be 1 to 200 visible ASCII characters".into(),
        ));
    }
    Ok(Some(key.to_owned()))
}

pub async fn record(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<AppealId>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<DonationInput>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let (donation, _first_time) =
        actions::record(&app.db, &ctx.principal, id, &input, key.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(donation_json(donation))).into_response())
}

pub async fn receive(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<DonationId>,
) -> Result<Json<DonationJson>, AppError> {
    Ok(Json(donation_json(
        actions::move_donation(&app.db, &ctx.principal, id, DonationStatus::Received).await?,
    )))
}

pub async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<DonationId>,
) -> Result<Json<DonationJson>, AppError> {
    Ok(Json(donation_json(
        actions::move_donation(&app.db, &ctx.principal, id, DonationStatus::Cancelled).await?,
    )))
}

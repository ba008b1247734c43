//! `/api/v1/links`: short links, branch copies and their clicks.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::redirects;
use super::store;
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::web::error::AppError;
use crate::web::extract::{ApiJson, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct LinkJson {
    pub id: LinkId,
    pub slug: String,
    pub target_url: String,
    /// The address to print: this instance's public address plus `/s/{slug}`.
    pub short_url: String,
    /// The branch a copy credits; absent on an original.
    pub branch_id: Option<BranchId>,
    /// The original of a branch's copy.
    pub parent_id: Option<LinkId>,
    pub title: String,
    pub appeal_id: Option<crate::common::ids::AppealId>,
    pub statement_id: Option<crate::common::ids::StatementId>,
    /// The campaign action it promotes: `speaker`, `twinning`, `national`,
    /// `donate`, `motion` or `network`.
    pub action: Option<String>,
    /// The last day the link works (YYYY-MM-DD), if it ends.
    pub expires_on: Option<String>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DayJson {
    /// YYYY-MM-DD: the last day the link works.
    pub date: String,
    pub clicks: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CopyStatsJson {
    pub slug: String,
    pub branch_id: Option<BranchId>,
    pub clicks_total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LinkStatsJson {
    pub slug: String,
    /// This link's own clicks (not its branch copies').
    pub clicks_total: i64,
    pub daily: Vec<DayJson>,
    /// The branch copies the caller may see.
    pub branches: Vec<CopyStatsJson>,
}

pub fn link_json(base_url: &str, l: Link) -> LinkJson {
    LinkJson {
        short_url: format!("{base_url}/s/{}", l.slug),
        expires_on: l.expires_on().map(|d| d.to_string()),
        id: l.id,
        slug: l.slug,
        target_url: l.target_url,
        branch_id: l.branch_id,
        parent_id: l.parent_id,
        title: l.title,
        appeal_id: l.appeal_id,
        statement_id: l.statement_id,
        action: l.action,
        version: l.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
    per_page: Option<String>,
}

/// The body of `POST /api/v1/links/{id}/copies`.
#[derive(Deserialize, ToSchema)]
pub struct CopyBody {
    /// The branch the copy credits.
    branch_id: Option<Loose>,
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let own = actions::list_scope(&ctx.principal);
    let (items, total) = store::list(&app.db, own.as_deref(), paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(|l| link_json(&app.base_url, l)),
        paging,
        total,
    ))
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<LinkInput>,
) -> Result<Response, AppError> {
    let link = actions::create(&app.db, &ctx.principal, &input).await?;
    redirects(&app)?.reload(&app.db).await?;
    Ok((StatusCode::CREATED, Json(link_json(&app.base_url, link))).into_response())
}

pub async fn get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<LinkJson>, AppError> {
    let link = actions::find(&app.db, &ctx.principal, &id).await?;
    Ok(Json(link_json(&app.base_url, link)))
}

pub async fn edit(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LinkInput>,
) -> Result<Json<LinkJson>, AppError> {
    let link = actions::edit(&app.db, &id, &input).await?;
    redirects(&app)?.reload(&app.db).await?;
    Ok(Json(link_json(&app.base_url, link)))
}

/// Reads a branch id from a form or a body, naming the field when it is wrong.
pub fn branch_of(value: Option<&Loose>) -> Result<BranchId, AppError> {
    match value.and_then(Loose::int) {
        Some(Ok(id)) => Ok(BranchId(id)),
        None => Err(AppError::Invalid(FieldErrors::one(
            "branch_id",
            "err-required",
        ))),
        Some(Err(())) => Err(AppError::Invalid(FieldErrors::one(
            "branch_id",
            "err-wrong-type",
        ))),
    }
}

pub async fn copy(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CopyBody>,
) -> Result<Response, AppError> {
    let branch = branch_of(body.branch_id.as_ref())?;
    let (link, made) = actions::copy_for_branch(&app.db, &ctx.principal, &id, branch).await?;
    redirects(&app)?.reload(&app.db).await?;
    let status = if made {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(link_json(&app.base_url, link))).into_response())
}

pub async fn stats(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<LinkStatsJson>, AppError> {
    let s = actions::stats(&app.db, &ctx.principal, &id).await?;
    Ok(Json(LinkStatsJson {
        slug: s.link.slug,
        clicks_total: s.total,
        daily: s
            .daily
            .into_iter()
            .map(|(date, clicks)| DayJson { date, clicks })
            .collect(),
        branches: s
            .copies
            .into_iter()
            .map(|(c, total)| CopyStatsJson {
                slug: c.slug,
                branch_id: c.branch_id,
                clicks_total: total,
            })
            .collect(),
    }))
}

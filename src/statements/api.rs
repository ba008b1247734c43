//! `/api/v1/statements`: read by anyone, written by coordinators.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::store;
use crate::common::paging::Paging;
use crate::web::error::AppError;
use crate::web::extract::{ApiJson, Query};
use crate::web::lists::ListJson;
use crate::web::AppState;

#[derive(Serialize, ToSchema)]
pub struct StatementJson {
    pub id: StatementId,
    pub slug: String,
    pub title: String,
    pub title_uk: String,
    /// Markdown.
    pub body: String,
    pub body_uk: String,
    pub source: String,
    pub source_url: String,
    /// YYYY-MM-DD.
    pub published_on: String,
    /// The language it was written in: `en` or `uk`.
    pub original: String,
    /// Whether someone has checked the translation.
    pub translation_reviewed: bool,
    /// Its public page.
    pub url: String,
    pub version: i64,
}

pub fn statement_json(base_url: &str, s: Statement) -> StatementJson {
    StatementJson {
        url: format!("{base_url}/statements/{}", s.slug),
        id: s.id,
        slug: s.slug,
        title: s.title,
        title_uk: s.title_uk,
        body: s.body,
        body_uk: s.body_uk,
        source: s.source,
        source_url: s.source_url,
        published_on: s.published_on.to_string(),
        original: s.original.code().to_owned(),
        translation_reviewed: s.translation_reviewed,
        version: s.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let (items, total) = store::list(&app.db, paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(|s| statement_json(&app.base_url, s)),
        paging,
        total,
    ))
}

pub async fn create(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<StatementInput>,
) -> Result<Response, AppError> {
    let s = actions::create(&app.db, &input).await?;
    Ok((StatusCode::CREATED, Json(statement_json(&app.base_url, s))).into_response())
}

pub async fn get(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StatementJson>, AppError> {
    Ok(Json(statement_json(
        &app.base_url,
        actions::get(&app.db, &id).await?,
    )))
}

pub async fn edit(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatementInput>,
) -> Result<Json<StatementJson>, AppError> {
    Ok(Json(statement_json(
        &app.base_url,
        actions::edit(&app.db, &id, &input).await?,
    )))
}

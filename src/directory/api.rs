//! `/api/v1/unions`, `/api/v1/branches`, `/api/v1/people`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::store::{self, BranchFilter, PersonFilter, UnionFilter};
use crate::auth::Action;
use crate::common::clock::rfc3339;
use crate::common::input::FieldErrors;
use crate::common::paging::Paging;
use crate::web::error::AppError;
use crate::web::extract::{optional_param, ApiJson, Id, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct UnionJson {
    pub id: UnionId,
    pub name: String,
    pub name_uk: Option<String>,
    pub country: Country,
    pub kind: UnionKind,
    /// Send this back with an edit; a stale one gets 409.
    pub version: i64,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct BranchJson {
    pub id: BranchId,
    pub union_id: UnionId,
    pub union_name: String,
    pub country: Country,
    pub name: String,
    pub name_uk: Option<String>,
    pub region: String,
    pub sector: Sector,
    pub size_band: SizeBand,
    /// Languages its officers work in, e.g. `["uk", "en"]`.
    pub languages: Vec<String>,
    /// A region it would like its twin to be in.
    pub wished_region: String,
    pub at_risk: bool,
    /// True when the branch is at risk and this caller may not know who it
    /// is: its name then reads "A branch of <union> (details withheld…)",
    /// and its region is empty.
    pub withheld: bool,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PersonJson {
    pub id: PersonId,
    pub branch_id: Option<BranchId>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: BranchRole,
    pub at_risk: bool,
    pub version: i64,
    pub updated_at: String,
}

impl From<Union> for UnionJson {
    fn from(u: Union) -> UnionJson {
        UnionJson {
            id: u.id,
            name: u.name,
            name_uk: u.name_uk,
            country: u.country,
            kind: u.kind,
            version: u.version,
            updated_at: rfc3339(u.updated_at),
        }
    }
}

impl From<Branch> for BranchJson {
    fn from(b: Branch) -> BranchJson {
        BranchJson {
            id: b.id,
            union_id: b.union_id,
            union_name: b.union_name,
            country: b.country,
            name: b.name,
            name_uk: b.name_uk,
            region: b.region,
            sector: b.sector,
            size_band: b.size_band,
            languages: b.languages,
            wished_region: b.wished_region,
            at_risk: b.at_risk,
            withheld: b.withheld,
            version: b.version,
            updated_at: rfc3339(b.updated_at),
        }
    }
}

impl From<Person> for PersonJson {
    fn from(p: Person) -> PersonJson {
        PersonJson {
            id: p.id,
            branch_id: p.branch_id,
            name: p.name,
            email: p.email,
            phone: p.phone,
            role: p.role,
            at_risk: p.at_risk,
            version: p.version,
            updated_at: rfc3339(p.updated_at),
        }
    }
}

fn list<T, J: From<T> + Serialize>((items, total): (Vec<T>, i64), paging: Paging) -> Response {
    ListJson::page(items.into_iter().map(J::from), paging, total)
}

fn created<J: Serialize>(body: J) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// Query parameters of the lists, as text, parsed here so that a bad value
/// is a 422 naming the parameter.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    country: Option<String>,
    union_id: Option<String>,
    sector: Option<String>,
    region: Option<String>,
    branch_id: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn opt_choice<T>(
    value: &Option<String>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    errors: &mut FieldErrors,
) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    parse(v).or_else(|| {
        errors.add(field, "err-choice");
        None
    })
}

pub async fn list_unions(
    State(app): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let filter = UnionFilter {
        q: q.q.clone(),
        country: opt_choice(&q.country, "country", Country::parse, &mut errors),
    };
    errors.into_result()?;
    let found = store::list_unions(&app.db, &filter, paging).await?;
    Ok(list::<_, UnionJson>(found, paging).into_response())
}

pub async fn create_union(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<UnionInput>,
) -> Result<Response, AppError> {
    let union = actions::create_union(&app.db, &input).await?;
    Ok(created(UnionJson::from(union)))
}

pub async fn get_union(
    State(app): State<AppState>,
    Id(id): Id<UnionId>,
) -> Result<Json<UnionJson>, AppError> {
    let union = store::get_union(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(union.into()))
}

pub async fn edit_union(
    State(app): State<AppState>,
    Id(id): Id<UnionId>,
    ApiJson(input): ApiJson<UnionInput>,
) -> Result<Json<UnionJson>, AppError> {
    let union = actions::edit_union(&app.db, id, &input).await?;
    Ok(Json(union.into()))
}

pub async fn delete_union(
    State(app): State<AppState>,
    Id(id): Id<UnionId>,
) -> Result<StatusCode, AppError> {
    actions::delete_union(&app.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_branches(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let filter = BranchFilter {
        q: q.q.clone(),
        union_id: optional_param(&q.union_id, "union_id", &mut errors),
        country: opt_choice(&q.country, "country", Country::parse, &mut errors),
        sector: opt_choice(&q.sector, "sector", Sector::parse, &mut errors),
        region: q.region.clone(),
        at_risk_known: None,
    };
    errors.into_result()?;
    let found = actions::list_branches(&app.db, &ctx.principal, filter, paging).await?;
    Ok(list::<_, BranchJson>(found, paging).into_response())
}

pub async fn create_branch(
    State(app): State<AppState>,
    ApiJson(input): ApiJson<BranchInput>,
) -> Result<Response, AppError> {
    let branch = actions::create_branch(&app.db, &input).await?;
    Ok(created(BranchJson::from(branch)))
}

pub async fn get_branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
) -> Result<Json<BranchJson>, AppError> {
    let branch = actions::get_branch(&app.db, &ctx.principal, id).await?;
    Ok(Json(branch.into()))
}

pub async fn edit_branch(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<BranchId>,
    ApiJson(input): ApiJson<BranchInput>,
) -> Result<Json<BranchJson>, AppError> {
    let branch = actions::edit_branch(&app.db, &ctx.principal, id, &input).await?;
    Ok(Json(branch.into()))
}

pub async fn delete_branch(
    State(app): State<AppState>,
    Id(id): Id<BranchId>,
) -> Result<StatusCode, AppError> {
    actions::delete_branch(&app.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_people(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let filter = PersonFilter {
        q: q.q.clone(),
        branch_id: optional_param(&q.branch_id, "branch_id", &mut errors),
    };
    errors.into_result()?;
    let scope = ctx.principal.scope(Action::ViewPeople);
    let found = store::list_people(&app.db, &scope, &filter, paging).await?;
    actions::audit_views(&app.db, &ctx.principal, &found.0).await?;
    Ok(list::<_, PersonJson>(found, paging).into_response())
}

pub async fn create_person(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Response, AppError> {
    let person = actions::create_person(&app.db, &ctx.principal, &input).await?;
    Ok(created(PersonJson::from(person)))
}

pub async fn get_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
) -> Result<Json<PersonJson>, AppError> {
    Ok(Json(
        actions::get_person(&app.db, &ctx.principal, id)
            .await?
            .into(),
    ))
}

pub async fn edit_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Json<PersonJson>, AppError> {
    Ok(Json(
        actions::edit_person(&app.db, &ctx.principal, id, &input)
            .await?
            .into(),
    ))
}

pub async fn delete_person(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<PersonId>,
) -> Result<StatusCode, AppError> {
    actions::delete_person(&app.db, &ctx.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

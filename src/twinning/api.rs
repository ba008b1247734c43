//! `/api/v1/twinnings` and `/api/v1/needs`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions;
use super::model::*;
use super::store::{self, LinkFilter, NeedFilter};
use crate::auth::Principal;
use crate::common::clock::rfc3339;
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::common::input::Loose;
use crate::common::paging::Paging;
use crate::money::Money;
use crate::web::error::AppError;
use crate::web::extract::{optional_param, ApiJson, Id, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct TwinningJson {
    pub id: TwinningId,
    pub gb_branch_id: BranchId,
    pub ua_branch_id: BranchId,
    pub status: LinkStatus,
    /// When the British branch agreed to twin; null while it has not.
    pub gb_agreed_at: Option<String>,
    /// When the Ukrainian branch agreed; the link is agreed, and contacts
    /// open, only once both have.
    pub ua_agreed_at: Option<String>,
    /// When activity was last logged (or the link last started or revived).
    pub last_activity_at: String,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionJson {
    /// The suggested counterpart.
    pub branch_id: BranchId,
    pub name: String,
    pub score: i64,
    /// Why, in the caller's language.
    pub reasons: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityJson {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub happened_on: String,
    pub logged_by: String,
    pub note: String,
    pub amount: Option<Money>,
}

#[derive(Serialize, ToSchema)]
pub struct NeedJson {
    pub id: NeedId,
    /// The branch that posted it; null when that branch is at risk and the
    /// caller may not know who it is.
    pub branch_id: Option<BranchId>,
    pub title: String,
    pub description: String,
    pub quantity: i64,
    /// Estimated cost, if known.
    pub cost: Option<Money>,
    pub urgency: Urgency,
    pub status: NeedStatus,
    pub adopted_by: Option<BranchId>,
    pub version: i64,
}

pub fn twinning_json(t: Twinning) -> TwinningJson {
    TwinningJson {
        id: t.id,
        gb_branch_id: t.gb_branch_id,
        ua_branch_id: t.ua_branch_id,
        status: t.status,
        gb_agreed_at: t.gb_agreed_at.map(rfc3339),
        ua_agreed_at: t.ua_agreed_at.map(rfc3339),
        last_activity_at: rfc3339(t.last_activity_at),
        version: t.version,
    }
}

fn activity_json(a: Activity) -> ActivityJson {
    ActivityJson {
        id: a.id,
        kind: a.kind,
        happened_on: a.happened_on,
        logged_by: a.logged_by_name,
        note: a.note,
        amount: a.amount,
    }
}

fn need_json(who: &Principal, n: Need) -> NeedJson {
    NeedJson {
        id: n.id,
        branch_id: n.branch_shown_to(who).then_some(n.branch_id),
        title: n.title,
        description: n.description,
        quantity: n.quantity,
        cost: n.cost,
        urgency: n.urgency,
        status: n.status,
        adopted_by: n.adopted_by,
        version: n.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    branch_id: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn parse_status<T>(
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    errors: &mut FieldErrors,
) -> Option<T> {
    let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    parse(v).or_else(|| {
        errors.add("status", "err-choice");
        None
    })
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let filter = LinkFilter {
        status: parse_status(&q.status, LinkStatus::parse, &mut errors),
        branch_id: optional_param(&q.branch_id, "branch_id", &mut errors),
    };
    errors.into_result()?;
    let (items, total) = actions::list_links(&app.db, &ctx.principal, &filter, paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(twinning_json),
        paging,
        total,
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ProposeInput {
    gb_branch_id: Option<Loose>,
    ua_branch_id: Option<Loose>,
}

fn branch_param(v: &Option<Loose>, field: &str, errors: &mut FieldErrors) -> Option<BranchId> {
    let text = v.as_ref()?.as_text();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| {
        errors.add(field, "err-unknown-branch");
        None
    })
}

pub async fn propose(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<ProposeInput>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let gb = branch_param(&input.gb_branch_id, "gb_branch_id", &mut errors);
    let ua = branch_param(&input.ua_branch_id, "ua_branch_id", &mut errors);
    errors.into_result()?;
    let link = actions::propose(&app.db, &ctx.principal, gb, ua).await?;
    Ok((StatusCode::CREATED, Json(twinning_json(link))).into_response())
}

pub async fn get(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
) -> Result<Json<TwinningJson>, AppError> {
    Ok(Json(twinning_json(
        actions::get_link(&app.db, &ctx.principal, id).await?,
    )))
}

#[derive(Deserialize, Default)]
pub struct SuggestionQuery {
    branch_id: Option<String>,
    limit: Option<String>,
}

pub async fn suggestions(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SuggestionQuery>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let branch: Option<BranchId> = optional_param(&q.branch_id, "branch_id", &mut errors);
    if branch.is_none() && !errors.has("branch_id") {
        errors.add("branch_id", "err-required");
    }
    let limit = match q.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => 20,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.add_with("limit", "err-range", "1–100");
                20
            }
        },
    };
    errors.into_result()?;
    let branch = branch.ok_or(AppError::Internal("checked branch missing".into()))?;
    let ranked = actions::suggestions(&app.db, &ctx.principal, branch, &ctx.tr, limit).await?;
    let items: Vec<SuggestionJson> = ranked
        .into_iter()
        .map(|r| SuggestionJson {
            branch_id: r.branch.id,
            name: ctx.tr.pick(&r.branch.name, &r.branch.name_uk).to_owned(),
            score: r.suggestion.score,
            reasons: r
                .suggestion
                .reasons
                .iter()
                .map(|reason| actions::reason_text(&ctx.tr, reason))
                .collect(),
        })
        .collect();
    Ok(ListJson::whole(items))
}

macro_rules! link_verb {
    ($name:ident, $verb:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            ctx: Ctx,
            Id(id): Id<TwinningId>,
        ) -> Result<Json<TwinningJson>, AppError> {
            Ok(Json(twinning_json(
                actions::act(&app.db, &ctx.principal, id, $verb).await?,
            )))
        }
    };
}

link_verb!(introduce, LinkVerb::Introduce);
/// `?side=gb|ua`: the branch a coordinator agrees for.
#[derive(Deserialize, Default)]
pub struct SideQuery {
    pub side: Option<String>,
}

pub async fn agree(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
    Query(q): Query<SideQuery>,
) -> Result<Json<TwinningJson>, AppError> {
    let side = actions::named_side(q.side.as_deref())?;
    Ok(Json(twinning_json(
        actions::agree(&app.db, &ctx.principal, id, side).await?,
    )))
}
link_verb!(activate, LinkVerb::Activate);
link_verb!(pause, LinkVerb::Pause);
link_verb!(end, LinkVerb::End);

pub async fn activities(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
) -> Result<Response, AppError> {
    actions::get_link(&app.db, &ctx.principal, id).await?;
    let items: Vec<ActivityJson> = store::activities(&app.db, id)
        .await?
        .into_iter()
        .map(activity_json)
        .collect();
    Ok(ListJson::whole(items))
}

pub async fn log_activity(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<TwinningId>,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<Response, AppError> {
    let activity = actions::log_activity(&app.db, &ctx.principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(activity_json(activity))).into_response())
}

pub async fn needs(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let mut filter = NeedFilter {
        status: parse_status(&q.status, NeedStatus::parse, &mut errors),
        branch_id: optional_param(&q.branch_id, "branch_id", &mut errors),
    };
    errors.into_result()?;
    // Visitors see what is still needed; the campaign sees everything.
    if !ctx.signed_in() {
        filter.status = Some(NeedStatus::Open);
    }
    let (items, total) = actions::list_needs(&app.db, &ctx.principal, &filter, paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(|n| need_json(&ctx.principal, n)),
        paging,
        total,
    ))
}

pub async fn post_need(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NeedInput>,
) -> Result<Response, AppError> {
    let need = actions::post_need(&app.db, &ctx.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(need_json(&ctx.principal, need))).into_response())
}

pub async fn need(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
) -> Result<Json<NeedJson>, AppError> {
    let need = actions::get_need(&app.db, id).await?;
    if !ctx.signed_in() && need.status != NeedStatus::Open {
        return Err(AppError::NotFound);
    }
    Ok(Json(need_json(&ctx.principal, need)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct AdoptInput {
    /// The branch that takes the need on.
    branch_id: Option<Loose>,
}

pub async fn adopt(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
    ApiJson(input): ApiJson<AdoptInput>,
) -> Result<Json<NeedJson>, AppError> {
    let mut errors = FieldErrors::new();
    let branch = branch_param(&input.branch_id, "branch_id", &mut errors);
    errors.into_result()?;
    Ok(Json(need_json(
        &ctx.principal,
        actions::adopt_need(&app.db, &ctx.principal, id, branch).await?,
    )))
}

pub async fn deliver(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<NeedId>,
) -> Result<Json<NeedJson>, AppError> {
    Ok(Json(need_json(
        &ctx.principal,
        actions::deliver_need(&app.db, &ctx.principal, id).await?,
    )))
}

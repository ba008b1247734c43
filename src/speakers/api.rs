//! `/api/v1/speakers` and `/api/v1/speaker-requests`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actions::{self, VerbInput};
use super::model::*;
use super::store::{self, RequestFilter};
use crate::auth::Action;
use crate::common::ids::BranchId;
use crate::common::input::FieldErrors;
use crate::common::paging::Paging;
use crate::web::error::AppError;
use crate::web::extract::{optional_param, ApiJson, Id, Query};
use crate::web::lists::ListJson;
use crate::web::{AppState, Ctx};

#[derive(Serialize, ToSchema)]
pub struct SpeakerJson {
    pub id: SpeakerId,
    pub name: String,
    /// ISO 639-1 codes, e.g. `["uk", "en"]`.
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    /// Home IANA zone.
    pub time_zone: String,
    pub online: bool,
    pub in_person: bool,
    pub regions: Vec<String>,
    pub bio: String,
    /// Shown to coordinators and to the speaker themself.
    pub email: Option<String>,
    /// The speaker's calendar feed, with its secret: shown to coordinators
    /// and to the speaker themself.
    pub calendar_url: Option<String>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SpeakerRequestJson {
    pub id: RequestId,
    pub branch_id: Option<BranchId>,
    /// RFC 3339, with the offset in force where it was planned.
    pub starts_at: String,
    pub ends_at: String,
    /// The IANA zone it was planned in.
    pub time_zone: String,
    /// The wall-clock start in that zone, e.g. `2026-11-03T19:00`.
    pub local_start: String,
    pub duration_minutes: i64,
    pub format: Format,
    pub status: Status,
    pub speaker_id: Option<SpeakerId>,
    pub place: String,
    pub meeting_link: String,
    pub audience: Option<i64>,
    pub interpretation: bool,
    pub topics: Vec<String>,
    pub notes: String,
    pub attendance: Option<i64>,
    pub report: String,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MatchJson {
    pub speaker_id: SpeakerId,
    pub name: String,
    /// Free at that time, and able to do it.
    pub available: bool,
    pub score: i64,
    pub reasons: Vec<String>,
}

pub fn request_json(r: Request) -> SpeakerRequestJson {
    let local = jiff::Timestamp::from_second(r.starts_at)
        .map(|t| {
            t.to_zoned(crate::common::clock::zone(&r.time_zone).unwrap_or(jiff::tz::TimeZone::UTC))
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    SpeakerRequestJson {
        id: r.id,
        branch_id: r.branch_id,
        starts_at: crate::common::clock::rfc3339_in(r.starts_at, &r.time_zone),
        ends_at: crate::common::clock::rfc3339_in(r.ends_at(), &r.time_zone),
        local_start: local,
        time_zone: r.time_zone,
        duration_minutes: r.duration_minutes,
        format: r.format,
        status: r.status,
        speaker_id: r.speaker_id,
        place: r.place,
        meeting_link: r.meeting_link,
        audience: r.audience,
        interpretation: r.interpretation,
        topics: r.topics,
        notes: r.notes,
        attendance: r.attendance,
        report: r.report,
        version: r.version,
    }
}

/// Whether this caller sees a speaker's e-mail and calendar feed.
fn sees_private(ctx: &Ctx, s: &Speaker) -> bool {
    ctx.may(Action::ManageSpeakers) || ctx.account().is_some_and(|a| s.user_id == Some(a.id))
}

pub fn calendar_url(base_url: &str, s: &Speaker) -> String {
    format!(
        "{base_url}/speakers/{}/calendar.ics?token={}",
        s.id, s.feed_token
    )
}

fn speaker_json(app: &AppState, ctx: &Ctx, s: Speaker) -> SpeakerJson {
    let private = sees_private(ctx, &s);
    SpeakerJson {
        id: s.id,
        calendar_url: private.then(|| calendar_url(&app.base_url, &s)),
        email: if private { s.email } else { None },
        name: s.name,
        languages: s.languages,
        topics: s.topics,
        time_zone: s.time_zone,
        online: s.online,
        in_person: s.in_person,
        regions: s.regions,
        bio: s.bio,
        version: s.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    branch_id: Option<String>,
    speaker_id: Option<String>,
    upcoming: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn list_speakers(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let (items, total) = store::list_speakers(&app.db, q.q.as_deref(), paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(|s| speaker_json(&app, &ctx, s)),
        paging,
        total,
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct NewSpeaker {
    #[serde(flatten)]
    input: SpeakerInput,
    /// The e-mail of the account the speaker logs in with, if they have one.
    account_email: Option<String>,
}

pub async fn create_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewSpeaker>,
) -> Result<Response, AppError> {
    let speaker =
        actions::create_speaker(&app.db, &body.input, body.account_email.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(speaker_json(&app, &ctx, speaker))).into_response())
}

pub async fn get_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<SpeakerId>,
) -> Result<Json<SpeakerJson>, AppError> {
    let speaker = store::get_speaker(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(speaker_json(&app, &ctx, speaker)))
}

pub async fn edit_speaker(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<SpeakerId>,
    ApiJson(input): ApiJson<SpeakerInput>,
) -> Result<Json<SpeakerJson>, AppError> {
    let speaker = actions::edit_speaker(&app.db, &ctx.principal, id, &input).await?;
    Ok(Json(speaker_json(&app, &ctx, speaker)))
}

pub async fn list_requests(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let paging = Paging::parse_strict(q.page.as_deref(), q.per_page.as_deref())?;
    let mut errors = FieldErrors::new();
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Status::parse(s).or_else(|| {
            errors.add("status", "err-choice");
            None
        }),
        None => None,
    };
    let filter = RequestFilter {
        status,
        branch_id: optional_param(&q.branch_id, "branch_id", &mut errors),
        speaker_id: optional_param(&q.speaker_id, "speaker_id", &mut errors),
        after: crate::web::extract::optional_flag(&q.upcoming, "upcoming", &mut errors)
            .filter(|&u| u)
            .map(|_| crate::common::clock::now()),
    };
    errors.into_result()?;
    let visible = actions::visible_to(&app.db, &ctx.principal).await?;
    let (items, total) = store::list_requests(&app.db, &visible, &filter, paging).await?;
    Ok(ListJson::page(
        items.into_iter().map(request_json),
        paging,
        total,
    ))
}

pub async fn create_request(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<Response, AppError> {
    let request = actions::create_request(&app.db, &ctx.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(request_json(request))).into_response())
}

pub async fn get_request(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<RequestId>,
) -> Result<Json<SpeakerRequestJson>, AppError> {
    Ok(Json(request_json(
        actions::get_request(&app.db, &ctx.principal, id).await?,
    )))
}

pub async fn matches(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<RequestId>,
) -> Result<Response, AppError> {
    let request = actions::get_request(&app.db, &ctx.principal, id).await?;
    let found = actions::matches(&app.db, &request).await?;
    let items: Vec<MatchJson> = found
        .into_iter()
        .map(|m| MatchJson {
            speaker_id: m.speaker.id,
            name: m.speaker.name,
            available: m.fit.available,
            score: m.fit.score,
            reasons: m
                .fit
                .reasons
                .iter()
                .map(|r| match &r.arg {
                    Some(arg) => ctx.tr.t1(r.key, "arg", arg),
                    None => ctx.tr.t(r.key),
                })
                .collect(),
        })
        .collect();
    Ok(ListJson::whole(items))
}

async fn verb(
    app: AppState,
    ctx: Ctx,
    id: RequestId,
    verb: Verb,
    body: Option<VerbInput>,
) -> Result<Json<SpeakerRequestJson>, AppError> {
    let input = body.unwrap_or_default();
    let request = actions::act(&app.db, &ctx.principal, id, verb, &input, &app.base_url).await?;
    Ok(Json(request_json(request)))
}

/// A verb's body is optional: `accept` needs none.
pub struct MaybeJson(pub Option<VerbInput>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for MaybeJson {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let has_body = request
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .is_some_and(|l| l != "0")
            || request
                .headers()
                .contains_key(axum::http::header::TRANSFER_ENCODING);
        if !has_body {
            return Ok(MaybeJson(None));
        }
        let ApiJson(body) = ApiJson::<VerbInput>::from_request(request, state).await?;
        Ok(MaybeJson(Some(body)))
    }
}

macro_rules! verb_handler {
    ($name:ident, $verb:expr) => {
        pub async fn $name(
            State(app): State<AppState>,
            ctx: Ctx,
            Id(id): Id<RequestId>,
            MaybeJson(body): MaybeJson,
        ) -> Result<Json<SpeakerRequestJson>, AppError> {
            verb(app, ctx, id, $verb, body).await
        }
    };
}

verb_handler!(offer, Verb::Offer);
verb_handler!(accept, Verb::Accept);
verb_handler!(decline, Verb::Decline);
verb_handler!(confirm, Verb::Confirm);
verb_handler!(cancel, Verb::Cancel);
verb_handler!(hold, Verb::Hold);
verb_handler!(report, Verb::Report);

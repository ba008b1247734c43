//! The calendar feeds people subscribe to: a speaker's bookings and a
//! branch's (behind an unguessable token, since calendar programs send no
//! cookies), and one booking as a file to add by hand. The iCalendar text
//! itself is written by `ics`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::actions;
use super::ics;
use super::model::*;
use super::store::{self, RequestFilter, Visible};
use crate::common::paging::Paging;
use crate::directory::store as directory;
use crate::web::error::AppError;
use crate::web::extract::{Id, Query};
use crate::web::{AppState, Ctx};

#[derive(Deserialize, Default)]
pub struct FeedQuery {
    #[serde(default)]
    token: String,
}

fn ics_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            // People's names and meetings: kept by no cache on the way.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

fn host_of(base_url: &str) -> String {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split('/')
        .next()
        .unwrap_or("solidarnist")
        .to_owned()
}

fn event_for<'a>(tr: &crate::i18n::Tr, r: &'a Request) -> ics::Event<'a> {
    let branch = r
        .branch_name
        .as_deref()
        .map(|n| tr.pick(n, &r.branch_name_uk).to_owned())
        .unwrap_or_else(|| r.branch_text.clone());
    let summary = match &r.speaker_name {
        Some(s) => tr.with("ics-summary", &[("speaker", s.clone()), ("branch", branch)]),
        None => tr.t1("ics-summary-unmatched", "arg", branch),
    };
    let mut description = vec![tr.t1("mail-format", "arg", tr.t(r.format.label_key()))];
    if !r.meeting_link.is_empty() {
        description.push(tr.t1("mail-link", "arg", &r.meeting_link));
    }
    if !r.topics.is_empty() {
        description.push(tr.t1("mail-topics", "arg", r.topics.join(", ")));
    }
    ics::Event {
        request: r,
        summary,
        description: description.join("\n"),
    }
}

/// Every booking a feed shows: offered and confirmed ones still to come
/// and those of the last ninety days, cancelled ones included so that
/// calendars drop them.
async fn feed_requests(app: &AppState, filter: RequestFilter) -> Result<Vec<Request>, AppError> {
    let since = crate::common::clock::now() - 90 * 24 * 60 * 60;
    let filter = RequestFilter {
        after: Some(since),
        ..filter
    };
    let paging = Paging {
        page: 1,
        per_page: Paging::MAX_PER_PAGE,
    };
    let (list, _) = store::list_requests(&app.db, &Visible::All, &filter, paging).await?;
    Ok(list
        .into_iter()
        .filter(|r| r.speaker_id.is_some() && r.status != Status::Requested)
        .collect())
}

pub async fn speaker_feed(
    State(app): State<AppState>,
    Id(id): Id<SpeakerId>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let speaker = store::speaker_by_feed(&app.db, &q.token)
        .await?
        .filter(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let list = feed_requests(
        &app,
        RequestFilter {
            speaker_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    let tr = crate::i18n::Tr::new(speaker.lang);
    let events: Vec<_> = list.iter().map(|r| event_for(&tr, r)).collect();
    let body = ics::calendar(
        &speaker.name,
        &host_of(&app.base_url),
        &events,
        jiff::Timestamp::now(),
    );
    Ok(ics_response(body, "speaker.ics"))
}

pub async fn branch_feed(
    State(app): State<AppState>,
    Id(id): Id<crate::directory::BranchId>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let branch = crate::directory::store::branch_of_feed(&app.db, &q.token)
        .await?
        .filter(|b| *b == id)
        .ok_or(AppError::NotFound)?;
    let name = directory::get_branch(&app.db, branch)
        .await?
        .map(|b| b.name)
        .unwrap_or_default();
    let list = feed_requests(
        &app,
        RequestFilter {
            branch_id: Some(branch),
            ..Default::default()
        },
    )
    .await?;
    let tr = crate::i18n::Tr::new(crate::i18n::Lang::En);
    let events: Vec<_> = list.iter().map(|r| event_for(&tr, r)).collect();
    let body = ics::calendar(
        &name,
        &host_of(&app.base_url),
        &events,
        jiff::Timestamp::now(),
    );
    Ok(ics_response(body, "branch.ics"))
}

/// One event, to add to a calendar by hand.
pub async fn event_file(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<RequestId>,
) -> Result<Response, AppError> {
    let request = actions::get_request(&app.db, &ctx.principal, id).await?;
    let event = event_for(&ctx.tr, &request);
    let body = ics::calendar(
        "Solidarnist",
        &host_of(&app.base_url),
        &[event],
        jiff::Timestamp::now(),
    );
    Ok(ics_response(body, &format!("speaker-request-{id}.ics")))
}

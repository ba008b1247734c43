//! The e-mail queue as coordinators see it: what went, what waits, what
//! failed and why.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::store::{self, Entry};
use crate::auth::Action;
use crate::web::error::AppError;
use crate::web::{page, AppState, Ctx, Route};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/admin/outbox", Action::ViewOutbox, outbox)]
}

#[derive(Template)]
#[template(path = "outbox/list.html")]
struct OutboxPage {
    ctx: Ctx,
    mails: Vec<(Entry, String)>,
}

async fn outbox(State(app): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let zone = ctx
        .account()
        .and_then(|a| a.time_zone.clone())
        .unwrap_or_else(|| crate::common::clock::CAMPAIGN_ZONE.to_owned());
    let mails = store::recent(&app.db, 200)
        .await?
        .into_iter()
        .map(|m| {
            let when = crate::common::clock::format(&ctx.tr, m.created_at, &zone);
            (m, when)
        })
        .collect();
    page(OutboxPage { ctx, mails })
}

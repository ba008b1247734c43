//! The public home page: what the campaign is, and the six things it asks of
//! every union branch.

use askama::Template;
use axum::response::Response;

use crate::auth::Action;
use crate::common::actions::{CampaignAction, ACTIONS};
use crate::web::error::AppError;
use crate::web::{page, Ctx, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Action::ViewPublic, home),
        Route::get("/static/style.css", Action::ViewPublic, stylesheet),
        Route::get("/static/icon.svg", Action::ViewPublic, icon),
        Route::get("/take-part/{action}", Action::ViewPublic, take_part),
    ]
}

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    ctx: Ctx,
    actions: &'static [CampaignAction],
}

async fn home(ctx: Ctx) -> Result<Response, AppError> {
    page(HomePage {
        ctx,
        actions: &ACTIONS,
    })
}

/// The actions that have no working page of their own yet, or whose page is
/// a guide rather than a form: what to do, with links to what exists.
const GUIDES: [&str; 3] = ["national", "motion", "network"];

#[derive(Template)]
#[template(path = "home/take_part.html")]
struct TakePartPage {
    ctx: Ctx,
    action: &'static CampaignAction,
}

impl TakePartPage {
    fn key(&self, part: &str) -> String {
        format!("take-part-{}-{part}", self.action.key)
    }
}

async fn take_part(
    ctx: Ctx,
    axum::extract::Path(key): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    let action = ACTIONS
        .iter()
        .find(|a| a.key == key && GUIDES.contains(&a.key))
        .ok_or(AppError::NotFound)?;
    page(TakePartPage { ctx, action })
}

const STYLE: &str = include_str!("../static/style.css");

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

const ICON: &str = include_str!("../static/icon.svg");

/// The tab icon: without one, every browser asks for `/favicon.ico` and
/// logs the 404.
async fn icon() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{message_ids, Lang};

    #[test]
    fn every_guide_has_its_words_in_both_languages() {
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            for key in GUIDES {
                for part in ["lead", "what", "how"] {
                    let id = format!("take-part-{key}-{part}");
                    assert!(ids.contains(&id), "{} {id}", lang.code());
                }
            }
        }
    }
}

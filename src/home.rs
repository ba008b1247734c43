//! The public home page: what the campaign is, and the six things it asks of
//! every union branch.

use askama::Template;
use axum::response::Response;

use crate::auth::Action;
use crate::web::error::AppError;
use crate::web::{page, Ctx, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Action::ViewPublic, home),
        Route::get("/static/style.css", Action::ViewPublic, stylesheet),
        Route::get("/take-part/{action}", Action::ViewPublic, take_part),
    ]
}

/// One of the campaign's asks, as the home page shows it.
pub struct CampaignAction {
    /// Message id prefix: `action-<key>-title` and `action-<key>-text`.
    pub key: &'static str,
    pub number: u8,
    /// The page where a visitor takes this action, once it exists.
    pub href: Option<&'static str>,
}

impl CampaignAction {
    pub fn title_key(&self) -> String {
        format!("action-{}-title", self.key)
    }

    pub fn text_key(&self) -> String {
        format!("action-{}-text", self.key)
    }
}

/// The six actions, in the campaign's own order. Those without a page of
/// their own yet say so rather than link to nothing.
pub const ACTIONS: [CampaignAction; 6] = [
    CampaignAction {
        key: "speaker",
        number: 1,
        href: Some("/request-a-speaker"),
    },
    CampaignAction {
        key: "twinning",
        number: 2,
        href: Some("/needs"),
    },
    CampaignAction {
        key: "national",
        number: 3,
        href: Some("/take-part/national"),
    },
    CampaignAction {
        key: "donate",
        number: 4,
        href: Some("/appeals"),
    },
    CampaignAction {
        key: "motion",
        number: 5,
        href: Some("/take-part/motion"),
    },
    CampaignAction {
        key: "network",
        number: 6,
        href: Some("/take-part/network"),
    },
];

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

    #[test]
    fn every_action_has_its_words_in_both_languages() {
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            for a in &ACTIONS {
                assert!(
                    ids.contains(&a.title_key()),
                    "{} {}",
                    lang.code(),
                    a.title_key()
                );
                assert!(
                    ids.contains(&a.text_key()),
                    "{} {}",
                    lang.code(),
                    a.text_key()
                );
            }
        }
    }
}

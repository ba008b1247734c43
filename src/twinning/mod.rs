//! Twinning: British branches linked with Ukrainian counterparts, the link's
//! life and its activity log, and the needs Ukrainian branches post.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

pub use model::{NeedId, TwinningId};

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("twinning", summary, request, response, status)
}

pub fn routes() -> Vec<Route> {
    vec![
        // Pages.
        Route::get("/twinnings", ViewTwinnings, pages::links),
        Route::get("/twinnings/board", ProposeTwinnings, pages::board),
        Route::post("/twinnings/new", ProposeTwinnings, pages::propose),
        Route::get("/twinnings/{id}", ViewTwinnings, pages::link),
        Route::post(
            "/twinnings/{id}/activities",
            MoveTwinnings,
            pages::log_activity,
        ),
        Route::post("/twinnings/{id}/introduce", MoveTwinnings, pages::introduce),
        Route::post("/twinnings/{id}/agree", MoveTwinnings, pages::agree),
        Route::post("/twinnings/{id}/activate", MoveTwinnings, pages::activate),
        Route::post("/twinnings/{id}/pause", MoveTwinnings, pages::pause),
        Route::post("/twinnings/{id}/end", MoveTwinnings, pages::end),
        Route::get(
            "/branches/{id}/suggestions",
            ViewTwinnings,
            pages::suggestions,
        ),
        Route::get("/needs", ViewPublic, pages::needs),
        Route::get("/needs/new", PostNeeds, pages::new_need),
        Route::post("/needs/new", PostNeeds, pages::post_need),
        Route::get("/needs/{id}", ViewPublic, pages::need),
        Route::post("/needs/{id}/adopt", AdoptNeeds, pages::adopt),
        Route::post("/needs/{id}/deliver", AdoptNeeds, pages::deliver),
        // API.
        Route::get("/api/v1/twinnings", ViewTwinnings, api::list).doc(ApiDoc {
            query: &[
                (
                    "status",
                    "proposed, introduced, agreed, active, dormant or ended",
                ),
                ("branch_id", "Only this branch's links"),
            ],
            list: true,
            ..doc(
                "List the links the caller may see",
                None,
                Some(schema::<api::TwinningJson>()),
                200,
            )
        }),
        Route::post("/api/v1/twinnings", ProposeTwinnings, api::propose).doc(doc(
            "Propose a link between a British and a Ukrainian branch",
            Some(schema::<api::ProposeInput>()),
            Some(schema::<api::TwinningJson>()),
            201,
        )),
        Route::get(
            "/api/v1/twinnings/suggestions",
            ViewTwinnings,
            api::suggestions,
        )
        .doc(ApiDoc {
            query: &[
                (
                    "branch_id",
                    "The branch to find counterparts for (required)",
                ),
                ("limit", "How many, 1–100 (default 20)"),
            ],
            list: true,
            whole: true,
            ..doc(
                "Counterparts for a branch, best first, with the reasons",
                None,
                Some(schema::<api::SuggestionJson>()),
                200,
            )
        }),
        Route::get("/api/v1/twinnings/{id}", ViewTwinnings, api::get).doc(doc(
            "Read a link",
            None,
            Some(schema::<api::TwinningJson>()),
            200,
        )),
        Route::post(
            "/api/v1/twinnings/{id}/introduce",
            MoveTwinnings,
            api::introduce,
        )
        .doc(doc(
            "The branches have been introduced",
            None,
            Some(schema::<api::TwinningJson>()),
            200,
        )),
        Route::post("/api/v1/twinnings/{id}/agree", MoveTwinnings, api::agree).doc(ApiDoc {
            query: &[(
                "side",
                "gb or ua: the branch a coordinator agrees for (audited); officers agree for their own",
            )],
            ..doc(
                "One side agrees to twin; the link is agreed, and contacts open, once both have",
                None,
                Some(schema::<api::TwinningJson>()),
                200,
            )
        }),
        Route::post(
            "/api/v1/twinnings/{id}/activate",
            MoveTwinnings,
            api::activate,
        )
        .doc(doc(
            "The link is active (also revives a dormant one)",
            None,
            Some(schema::<api::TwinningJson>()),
            200,
        )),
        Route::post("/api/v1/twinnings/{id}/pause", MoveTwinnings, api::pause).doc(doc(
            "Mark the link dormant",
            None,
            Some(schema::<api::TwinningJson>()),
            200,
        )),
        Route::post("/api/v1/twinnings/{id}/end", MoveTwinnings, api::end).doc(doc(
            "End the link",
            None,
            Some(schema::<api::TwinningJson>()),
            200,
        )),
        Route::get(
            "/api/v1/twinnings/{id}/activities",
            ViewTwinnings,
            api::activities,
        )
        .doc(ApiDoc {
            list: true,
            whole: true,
            ..doc(
                "The link's activity log, newest first",
                None,
                Some(schema::<api::ActivityJson>()),
                200,
            )
        }),
        Route::post(
            "/api/v1/twinnings/{id}/activities",
            MoveTwinnings,
            api::log_activity,
        )
        .doc(doc(
            "Log a meeting, message, aid sent, visit or joint statement",
            Some(schema::<model::ActivityInput>()),
            Some(schema::<api::ActivityJson>()),
            201,
        )),
        Route::get("/api/v1/needs", ViewPublic, api::needs).doc(ApiDoc {
            query: &[
                (
                    "status",
                    "open, adopted or delivered (visitors see open ones only)",
                ),
                ("branch_id", "Needs of, or adopted by, this branch"),
            ],
            list: true,
            ..doc(
                "List needs, most urgent first",
                None,
                Some(schema::<api::NeedJson>()),
                200,
            )
        }),
        Route::post("/api/v1/needs", PostNeeds, api::post_need).doc(doc(
            "Post a need for a Ukrainian branch",
            Some(schema::<model::NeedInput>()),
            Some(schema::<api::NeedJson>()),
            201,
        )),
        Route::get("/api/v1/needs/{id}", ViewPublic, api::need).doc(doc(
            "Read a need",
            None,
            Some(schema::<api::NeedJson>()),
            200,
        )),
        Route::post("/api/v1/needs/{id}/adopt", AdoptNeeds, api::adopt).doc(doc(
            "Adopt an open need for a branch",
            Some(schema::<api::AdoptInput>()),
            Some(schema::<api::NeedJson>()),
            200,
        )),
        Route::post("/api/v1/needs/{id}/deliver", AdoptNeeds, api::deliver).doc(doc(
            "Mark an adopted need delivered",
            None,
            Some(schema::<api::NeedJson>()),
            200,
        )),
    ]
}

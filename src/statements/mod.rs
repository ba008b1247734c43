//! Statements and news in English and Ukrainian: public pages, an Atom feed,
//! the coordinators' form and `/api/v1/statements`.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

pub use model::StatementId;

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("statements", summary, request, response, status)
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/statements", ViewPublic, pages::list),
        Route::get("/statements/feed.atom", ViewPublic, pages::feed),
        Route::get("/statements/new", ManageStatements, pages::new_form),
        Route::post("/statements", ManageStatements, pages::create),
        Route::get("/statements/{id}", ViewPublic, pages::show),
        Route::get("/statements/{id}/edit", ManageStatements, pages::edit_form),
        Route::post("/statements/{id}", ManageStatements, pages::edit),
        Route::get("/api/v1/statements", ViewPublic, api::list).doc(ApiDoc {
            list: true,
            ..doc(
                "List statements, newest first",
                None,
                Some(schema::<api::StatementJson>()),
                200,
            )
        }),
        Route::post("/api/v1/statements", ManageStatements, api::create).doc(doc(
            "Publish a statement; the original language needs a title and body",
            Some(schema::<model::StatementInput>()),
            Some(schema::<api::StatementJson>()),
            201,
        )),
        Route::get("/api/v1/statements/{id}", ViewPublic, api::get).doc(doc(
            "Read a statement by id or slug",
            None,
            Some(schema::<api::StatementJson>()),
            200,
        )),
        Route::patch("/api/v1/statements/{id}", ManageStatements, api::edit).doc(doc(
            "Edit a statement (send `version` to refuse a stale edit)",
            Some(schema::<model::StatementInput>()),
            Some(schema::<api::StatementJson>()),
            200,
        )),
    ]
}

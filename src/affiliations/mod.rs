//! Affiliations: branches, regions and national bodies that affiliate to
//! the campaign, their fees, renewals and the public list of affiliates.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod store;

pub use model::AffiliationId;

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("affiliations", summary, request, response, status)
}

const LIST_QUERY: &[(&str, &str)] = &[("status", "applied, active or lapsed")];

pub fn routes() -> Vec<Route> {
    vec![
        // Pages.
        Route::get("/affiliates", ViewPublic, pages::affiliates),
        Route::get("/affiliate", ViewPublic, pages::apply_form),
        Route::post("/affiliate", ViewPublic, pages::apply),
        Route::get("/affiliations", ManageAffiliations, pages::manage),
        Route::post(
            "/affiliations/{id}/activate",
            ManageAffiliations,
            pages::activate,
        ),
        Route::post("/affiliations/{id}/lapse", ManageAffiliations, pages::lapse),
        Route::post(
            "/affiliations/fees/{id}",
            ManageAffiliations,
            pages::set_fee,
        ),
        // API.
        Route::get("/api/v1/affiliations", ManageAffiliations, api::list).doc(ApiDoc {
            query: LIST_QUERY,
            list: true,
            ..doc(
                "List applications and affiliations, national bodies first",
                None,
                Some(schema::<api::AffiliationJson>()),
                200,
            )
        }),
        Route::post("/api/v1/affiliations", ManageAffiliations, api::create).doc(doc(
            "Record an application to affiliate; the fee comes from the fee table",
            Some(schema::<model::ApplicationInput>()),
            Some(schema::<api::AffiliationJson>()),
            201,
        )),
        Route::get("/api/v1/affiliations/{id}", ManageAffiliations, api::get).doc(doc(
            "Read an application or affiliation",
            None,
            Some(schema::<api::AffiliationJson>()),
            200,
        )),
        Route::post(
            "/api/v1/affiliations/{id}/activate",
            ManageAffiliations,
            api::activate,
        )
        .doc(doc(
            "Activate an application or a lapsed affiliation; renewal falls a year on",
            None,
            Some(schema::<api::AffiliationJson>()),
            200,
        )),
        Route::post(
            "/api/v1/affiliations/{id}/lapse",
            ManageAffiliations,
            api::lapse,
        )
        .doc(doc(
            "Lapse an unpaid affiliation",
            None,
            Some(schema::<api::AffiliationJson>()),
            200,
        )),
    ]
}

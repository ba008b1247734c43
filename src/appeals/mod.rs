//! Appeals: aid appeals, the donations and pledges made to them, and their
//! running totals, kept exact in every currency.

pub mod actions;
pub mod api;
pub mod csv;
pub mod model;
pub mod pages;
pub mod store;

pub use model::{AppealId, DonationId};

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("appeals", summary, request, response, status)
}

pub fn routes() -> Vec<Route> {
    vec![
        // Pages.
        Route::get("/appeals", ViewPublic, pages::appeals),
        Route::get("/appeals/new", ManageAppeals, pages::new_appeal),
        Route::post("/appeals/new", ManageAppeals, pages::create_appeal),
        Route::get("/appeals/{id}", ViewPublic, pages::appeal),
        Route::get("/appeals/{id}/edit", ManageAppeals, pages::edit_appeal_form),
        Route::post("/appeals/{id}/edit", ManageAppeals, pages::edit_appeal),
        Route::post("/appeals/{id}/pledge", RecordDonations, pages::pledge),
        Route::post("/appeals/{id}/public-pledge", ViewPublic, pages::public_pledge),
        Route::post("/donations/{id}/receive", ConfirmReceipts, pages::receive),
        Route::post("/donations/{id}/cancel", RecordDonations, pages::cancel),
        // API.
        Route::get("/api/v1/appeals", ViewPublic, api::list)
            .doc(ApiDoc { list: true, ..doc("List appeals (visitors see open and closed ones)", None, Some(schema::<api::AppealJson>()), 200) }),
        Route::post("/api/v1/appeals", ManageAppeals, api::create).doc(doc("Create an appeal", Some(schema::<model::AppealInput>()), Some(schema::<api::AppealJson>()), 201)),
        Route::get("/api/v1/appeals/{id}", ViewPublic, api::get).doc(doc("Read an appeal with its totals per currency", None, Some(schema::<api::AppealJson>()), 200)),
        Route::patch("/api/v1/appeals/{id}", ManageAppeals, api::edit).doc(doc("Edit an appeal", Some(schema::<model::AppealInput>()), Some(schema::<api::AppealJson>()), 200)),
        Route::get("/api/v1/appeals/{id}/donations", RecordDonations, api::donations).doc(ApiDoc {
            list: true,
            ..doc("Donations to an appeal (officers: their own branches')", None, Some(schema::<api::DonationJson>()), 200)
        }),
        Route::post("/api/v1/appeals/{id}/donations", RecordDonations, api::record).doc(doc(
            "Record a donation or pledge; send an Idempotency-Key header so that a repeat records nothing new",
            Some(schema::<model::DonationInput>()),
            Some(schema::<api::DonationJson>()),
            201,
        )),
        Route::post("/api/v1/donations/{id}/receive", ConfirmReceipts, api::receive)
            .doc(doc("Confirm that a pledge was received", None, Some(schema::<api::DonationJson>()), 200)),
        Route::post("/api/v1/donations/{id}/cancel", RecordDonations, api::cancel).doc(doc("Cancel a pledge", None, Some(schema::<api::DonationJson>()), 200)),
    ]
}

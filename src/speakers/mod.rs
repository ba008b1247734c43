//! Speakers: branches request a speaker, coordinators match one, nobody is
//! double-booked, and every clock is right.

pub mod actions;
pub mod api;
pub mod calendar;
pub mod ics;
pub mod mail;
pub mod model;
pub mod pages;
pub mod reminders;
pub mod store;

pub use model::{RequestId, SpeakerId};

use crate::auth::Action::*;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::Route;

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("speakers", summary, request, response, status)
}

pub fn routes() -> Vec<Route> {
    vec![
        // Pages.
        Route::get("/speakers", ViewSpeakers, pages::speakers),
        Route::get("/speakers/new", ManageSpeakers, pages::new_speaker),
        Route::post("/speakers/new", ManageSpeakers, pages::create_speaker),
        Route::get("/speakers/me", OwnAccount, pages::own_profile),
        Route::get("/speakers/{id}", ViewSpeakers, pages::profile),
        Route::get(
            "/speakers/{id}/edit",
            EditSpeakerProfile,
            pages::edit_speaker_form,
        ),
        Route::post(
            "/speakers/{id}/edit",
            EditSpeakerProfile,
            pages::edit_speaker,
        ),
        Route::get(
            "/speakers/{id}/calendar.ics",
            ViewPublic,
            calendar::speaker_feed,
        ),
        Route::get(
            "/branches/{id}/calendar.ics",
            ViewPublic,
            calendar::branch_feed,
        ),
        Route::get("/speaker-requests", ViewSpeakerRequests, pages::requests),
        Route::get("/speaker-requests/new", RequestSpeakers, pages::new_request),
        Route::post(
            "/speaker-requests/new",
            RequestSpeakers,
            pages::create_request,
        ),
        Route::get(
            "/speaker-requests/{id}",
            ViewSpeakerRequests,
            pages::request,
        ),
        Route::get(
            "/speaker-requests/{id}/event.ics",
            ViewSpeakerRequests,
            calendar::event_file,
        ),
        Route::post("/speaker-requests/{id}/offer", MatchSpeakers, pages::offer),
        Route::post("/speaker-requests/{id}/accept", AnswerOffers, pages::accept),
        Route::post(
            "/speaker-requests/{id}/decline",
            AnswerOffers,
            pages::decline,
        ),
        Route::post(
            "/speaker-requests/{id}/confirm",
            MatchSpeakers,
            pages::confirm,
        ),
        Route::post(
            "/speaker-requests/{id}/cancel",
            ChangeBookings,
            pages::cancel,
        ),
        Route::post("/speaker-requests/{id}/hold", ChangeBookings, pages::hold),
        Route::post(
            "/speaker-requests/{id}/report",
            ChangeBookings,
            pages::report,
        ),
        Route::get("/events", ViewSpeakerRequests, pages::events),
        Route::get("/request-a-speaker", ViewPublic, pages::public_form),
        Route::post("/request-a-speaker", ViewPublic, pages::public_submit),
        // API.
        Route::get("/api/v1/speakers", ViewSpeakers, api::list_speakers).doc(ApiDoc {
            query: &[("q", "Search in names and topics")],
            list: true,
            ..doc(
                "List speakers",
                None,
                Some(schema::<api::SpeakerJson>()),
                200,
            )
        }),
        Route::post("/api/v1/speakers", ManageSpeakers, api::create_speaker).doc(doc(
            "Add a speaker",
            Some(schema::<api::NewSpeaker>()),
            Some(schema::<api::SpeakerJson>()),
            201,
        )),
        Route::get("/api/v1/speakers/{id}", ViewSpeakers, api::get_speaker).doc(doc(
            "Read a speaker",
            None,
            Some(schema::<api::SpeakerJson>()),
            200,
        )),
        Route::patch(
            "/api/v1/speakers/{id}",
            EditSpeakerProfile,
            api::edit_speaker,
        )
        .doc(doc(
            "Edit a speaker (coordinators, or the speaker themself)",
            Some(schema::<model::SpeakerInput>()),
            Some(schema::<api::SpeakerJson>()),
            200,
        )),
        Route::get(
            "/api/v1/speaker-requests",
            ViewSpeakerRequests,
            api::list_requests,
        )
        .doc(ApiDoc {
            query: &[
                (
                    "status",
                    "requested, offered, confirmed, held, reported, declined or cancelled",
                ),
                ("branch_id", "Only this branch's"),
                ("speaker_id", "Only this speaker's"),
                ("upcoming", "true: only those not yet over"),
            ],
            list: true,
            ..doc(
                "List the requests the caller may see",
                None,
                Some(schema::<api::SpeakerRequestJson>()),
                200,
            )
        }),
        Route::post(
            "/api/v1/speaker-requests",
            RequestSpeakers,
            api::create_request,
        )
        .doc(doc(
            "Request a speaker for a branch",
            Some(schema::<model::RequestInput>()),
            Some(schema::<api::SpeakerRequestJson>()),
            201,
        )),
        Route::get(
            "/api/v1/speaker-requests/{id}",
            ViewSpeakerRequests,
            api::get_request,
        )
        .doc(doc(
            "Read a request",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::get(
            "/api/v1/speaker-requests/{id}/matches",
            MatchSpeakers,
            api::matches,
        )
        .doc(ApiDoc {
            list: true,
            whole: true,
            ..doc(
                "Speakers ranked for a request, best first, with reasons",
                None,
                Some(schema::<api::MatchJson>()),
                200,
            )
        }),
        Route::post(
            "/api/v1/speaker-requests/{id}/offer",
            MatchSpeakers,
            api::offer,
        )
        .doc(doc(
            "Offer the booking to a speaker (409 if they are not free)",
            Some(schema::<actions::VerbInput>()),
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/accept",
            AnswerOffers,
            api::accept,
        )
        .doc(doc(
            "The speaker accepts the offer",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/decline",
            AnswerOffers,
            api::decline,
        )
        .doc(doc(
            "The speaker declines the offer",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/confirm",
            MatchSpeakers,
            api::confirm,
        )
        .doc(doc(
            "A coordinator confirms on the speaker's behalf",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/cancel",
            ChangeBookings,
            api::cancel,
        )
        .doc(doc(
            "Cancel the request or booking",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/hold",
            ChangeBookings,
            api::hold,
        )
        .doc(doc(
            "Mark the meeting as held (after it started)",
            None,
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
        Route::post(
            "/api/v1/speaker-requests/{id}/report",
            ChangeBookings,
            api::report,
        )
        .doc(doc(
            "Record attendance and a short report",
            Some(schema::<actions::VerbInput>()),
            Some(schema::<api::SpeakerRequestJson>()),
            200,
        )),
    ]
}

//! Short links: `/s/{slug}` answered from memory with clicks counted per
//! day, branch copies that credit the branch that handed a leaflet out, QR
//! codes of every link, and the pages and API to manage them.

pub mod actions;
pub mod api;
pub mod model;
pub mod pages;
pub mod redirect;
pub mod store;

use std::sync::Arc;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, Method};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use tower::ServiceExt;

pub use model::LinkId;
pub use redirect::Redirects;

use crate::auth::Action::*;
use crate::web::error::AppError;
use crate::web::routes::{schema, ApiDoc, Schema};
use crate::web::{AppState, Route};

/// This instance's redirect table, which the app keeps for the links area.
fn redirects(app: &AppState) -> Result<&Redirects, AppError> {
    app.kept::<Redirects>()
}

/// Puts the redirect in front of `app`: `GET /s/{slug}` for a live link is
/// answered from memory before any session, CSRF or page machinery runs (a
/// burst of scans at a conference costs little more than the network).
/// Everything else, and an unknown or ended slug, goes to `app`, whose own
/// `/s/{slug}` route explains.
pub fn in_front(redirects: Arc<Redirects>, app: Router) -> Router {
    Router::new()
        .route("/s/{slug}", any(fast_redirect))
        .with_state(Front {
            redirects,
            app: app.clone(),
        })
        .fallback_service(app)
}

#[derive(Clone)]
struct Front {
    redirects: Arc<Redirects>,
    app: Router,
}

async fn fast_redirect(State(front): State<Front>, request: Request) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let slug = request.uri().path().strip_prefix("/s/").unwrap_or("");
        if let Some(target) = front.redirects.live(slug) {
            return target.redirect(request.method());
        }
    }
    // The app routes the request afresh: it gets the client's address and
    // nothing of this router's own matching (its path parameters would add
    // to the app's).
    let (mut parts, body) = request.into_parts();
    let client = parts.extensions.remove::<ConnectInfo<SocketAddr>>();
    parts.extensions = Extensions::new();
    if let Some(client) = client {
        parts.extensions.insert(client);
    }
    match front.app.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn doc(
    summary: &'static str,
    request: Option<Schema>,
    response: Option<Schema>,
    status: u16,
) -> ApiDoc {
    ApiDoc::new("links", summary, request, response, status)
}

pub fn routes() -> Vec<Route> {
    vec![
        // Public.
        Route::get("/s/{slug}", ViewPublic, pages::follow),
        Route::get("/s/{slug}/qr.svg", ViewPublic, pages::qr_svg),
        Route::get("/s/{slug}/qr.png", ViewPublic, pages::qr_png),
        Route::get("/s/{slug}/poster", ViewPublic, pages::poster),
        // Pages.
        Route::get("/links", BranchLinks, pages::list),
        Route::post("/links", ManageLinks, pages::create),
        Route::get("/links/{id}", BranchLinks, pages::show),
        Route::post("/links/{id}", ManageLinks, pages::edit),
        Route::post("/links/{id}/copies", BranchLinks, pages::copy),
        // API.
        Route::get("/api/v1/links", BranchLinks, api::list).doc(ApiDoc {
            list: true,
            ..doc(
                "List short links, newest first (officers: originals and their branches' copies)",
                None,
                Some(schema::<api::LinkJson>()),
                200,
            )
        }),
        Route::post("/api/v1/links", ManageLinks, api::create).doc(doc(
            "Create a short link; 409 when the slug is taken",
            Some(schema::<model::LinkInput>()),
            Some(schema::<api::LinkJson>()),
            201,
        )),
        Route::get("/api/v1/links/{id}", BranchLinks, api::get).doc(doc(
            "Read a link by id or slug",
            None,
            Some(schema::<api::LinkJson>()),
            200,
        )),
        Route::patch("/api/v1/links/{id}", ManageLinks, api::edit).doc(doc(
            "Edit a link's target, title, appeal or end date (its branch copies follow)",
            Some(schema::<model::LinkInput>()),
            Some(schema::<api::LinkJson>()),
            200,
        )),
        Route::post("/api/v1/links/{id}/copies", BranchLinks, api::copy).doc(doc(
            "Make a branch's own copy of a link (200 with the existing copy if made before)",
            Some(schema::<api::CopyBody>()),
            Some(schema::<api::LinkJson>()),
            201,
        )),
        Route::get("/api/v1/links/{id}/stats", BranchLinks, api::stats).doc(doc(
            "Clicks by day of a link and of the branch copies the caller may see",
            None,
            Some(schema::<api::LinkStatsJson>()),
            200,
        )),
    ]
}

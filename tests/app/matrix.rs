//! The route × role matrix: every route of the application, tried by every
//! kind of caller. A route missing from the table below fails the test, so a
//! new route cannot ship without someone deciding who may use it.

use std::collections::HashMap;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{db_test, Body, Client, TestApp};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    /// Anyone, signed in or not.
    Public,
    /// Any account.
    SignedIn,
    /// Coordinators and admins.
    Staff,
    /// Staff, and officers of any branch (each sees only their own).
    Officers,
    /// Administrators only.
    Admin,
    /// Staff, and the speaker whose profile it is.
    SpeakerSelf,
    /// A booking at branch A offered to the speaker: staff, officer A and
    /// that speaker; officer B gets "not found".
    Booking,
    /// Only the speaker the booking was offered to.
    TheSpeaker,
    /// Staff, and the officers of the record's own branch; officers of
    /// another branch are refused (403, 404 or, for a form naming the
    /// branch, 422).
    OwnBranch,
}

fn expected() -> HashMap<(&'static str, &'static str), Who> {
    use Who::*;
    HashMap::from([
        (("GET", "/"), Public),
        (("GET", "/static/style.css"), Public),
        (("GET", "/static/icon.svg"), Public),
        (("GET", "/healthz"), Public),
        (("GET", "/api/v1/openapi.json"), Public),
        (("GET", "/login"), Public),
        (("POST", "/login"), Public),
        (("POST", "/logout"), SignedIn),
        (("GET", "/setup"), Public),
        (("POST", "/setup"), Public),
        (("POST", "/lang"), Public),
        (("GET", "/account"), SignedIn),
        (("POST", "/account/password"), SignedIn),
        (("POST", "/account/time-zone"), SignedIn),
        (("POST", "/account/tokens"), SignedIn),
        (("POST", "/account/tokens/{id}/revoke"), SignedIn),
        (("GET", "/reset"), Public),
        (("POST", "/reset"), Public),
        (("POST", "/reset/request"), Public),
        (("GET", "/admin/accounts"), Admin),
        (("GET", "/admin/audit"), Admin),
        (("GET", "/api/v1/audit-log"), Admin),
        (("GET", "/admin/outbox"), Staff),
        (("POST", "/admin/accounts"), Admin),
        (("GET", "/admin/accounts/{id}"), Admin),
        (("POST", "/admin/accounts/{id}"), Admin),
        (("POST", "/admin/accounts/{id}/disable"), Admin),
        (("POST", "/admin/accounts/{id}/enable"), Admin),
        (("GET", "/unions"), SignedIn),
        (("GET", "/unions/new"), Staff),
        (("POST", "/unions/new"), Staff),
        (("GET", "/unions/{id}"), SignedIn),
        (("GET", "/unions/{id}/edit"), Staff),
        (("POST", "/unions/{id}/edit"), Staff),
        (("POST", "/unions/{id}/delete"), Staff),
        (("GET", "/branches"), SignedIn),
        (("GET", "/branches/new"), Staff),
        (("POST", "/branches/new"), Staff),
        (("GET", "/branches/{id}"), SignedIn),
        (("GET", "/branches/{id}/edit"), OwnBranch),
        (("POST", "/branches/{id}/edit"), OwnBranch),
        (("POST", "/branches/{id}/delete"), Staff),
        (("GET", "/people"), Officers),
        (("GET", "/people/new"), Officers),
        (("POST", "/people/new"), OwnBranch),
        (("GET", "/people/{id}"), OwnBranch),
        (("GET", "/people/{id}/edit"), OwnBranch),
        (("POST", "/people/{id}/edit"), OwnBranch),
        (("POST", "/people/{id}/delete"), OwnBranch),
        (("GET", "/api/v1/unions"), SignedIn),
        (("POST", "/api/v1/unions"), Staff),
        (("GET", "/api/v1/unions/{id}"), SignedIn),
        (("PATCH", "/api/v1/unions/{id}"), Staff),
        (("DELETE", "/api/v1/unions/{id}"), Staff),
        (("GET", "/api/v1/branches"), SignedIn),
        (("POST", "/api/v1/branches"), Staff),
        (("GET", "/api/v1/branches/{id}"), SignedIn),
        (("PATCH", "/api/v1/branches/{id}"), OwnBranch),
        (("DELETE", "/api/v1/branches/{id}"), Staff),
        (("GET", "/api/v1/people"), Officers),
        (("POST", "/api/v1/people"), OwnBranch),
        (("GET", "/api/v1/people/{id}"), OwnBranch),
        (("PATCH", "/api/v1/people/{id}"), OwnBranch),
        (("DELETE", "/api/v1/people/{id}"), OwnBranch),
        (("GET", "/speakers"), SignedIn),
        (("GET", "/speakers/new"), Staff),
        (("POST", "/speakers/new"), Staff),
        (("GET", "/speakers/me"), SignedIn),
        (("GET", "/speakers/{id}"), SignedIn),
        (("GET", "/speakers/{id}/edit"), SpeakerSelf),
        (("POST", "/speakers/{id}/edit"), SpeakerSelf),
        (("GET", "/speakers/{id}/calendar.ics"), Public),
        (("GET", "/branches/{id}/calendar.ics"), Public),
        (("GET", "/speaker-requests"), SignedIn),
        (("GET", "/speaker-requests/new"), Officers),
        (("POST", "/speaker-requests/new"), OwnBranch),
        (("GET", "/speaker-requests/{id}"), Booking),
        (("GET", "/speaker-requests/{id}/event.ics"), Booking),
        (("POST", "/speaker-requests/{id}/offer"), Staff),
        (("POST", "/speaker-requests/{id}/accept"), TheSpeaker),
        (("POST", "/speaker-requests/{id}/decline"), TheSpeaker),
        (("POST", "/speaker-requests/{id}/confirm"), Staff),
        (("POST", "/speaker-requests/{id}/cancel"), OwnBranch),
        (("POST", "/speaker-requests/{id}/hold"), OwnBranch),
        (("POST", "/speaker-requests/{id}/report"), OwnBranch),
        (("GET", "/events"), SignedIn),
        (("GET", "/request-a-speaker"), Public),
        (("POST", "/request-a-speaker"), Public),
        (("GET", "/api/v1/speakers"), SignedIn),
        (("POST", "/api/v1/speakers"), Staff),
        (("GET", "/api/v1/speakers/{id}"), SignedIn),
        (("PATCH", "/api/v1/speakers/{id}"), SpeakerSelf),
        (("GET", "/api/v1/speaker-requests"), SignedIn),
        (("POST", "/api/v1/speaker-requests"), OwnBranch),
        (("GET", "/api/v1/speaker-requests/{id}"), Booking),
        (("GET", "/api/v1/speaker-requests/{id}/matches"), Staff),
        (("POST", "/api/v1/speaker-requests/{id}/offer"), Staff),
        (("POST", "/api/v1/speaker-requests/{id}/accept"), TheSpeaker),
        (
            ("POST", "/api/v1/speaker-requests/{id}/decline"),
            TheSpeaker,
        ),
        (("POST", "/api/v1/speaker-requests/{id}/confirm"), Staff),
        (("POST", "/api/v1/speaker-requests/{id}/cancel"), OwnBranch),
        (("POST", "/api/v1/speaker-requests/{id}/hold"), OwnBranch),
        (("POST", "/api/v1/speaker-requests/{id}/report"), OwnBranch),
        (("GET", "/twinnings"), Officers),
        (("GET", "/twinnings/board"), Staff),
        (("POST", "/twinnings/new"), Staff),
        (("GET", "/twinnings/{id}"), OwnBranch),
        (("POST", "/twinnings/{id}/activities"), OwnBranch),
        (("POST", "/twinnings/{id}/introduce"), OwnBranch),
        (("POST", "/twinnings/{id}/agree"), OwnBranch),
        (("POST", "/twinnings/{id}/activate"), OwnBranch),
        (("POST", "/twinnings/{id}/pause"), OwnBranch),
        (("POST", "/twinnings/{id}/end"), OwnBranch),
        (("GET", "/branches/{id}/suggestions"), OwnBranch),
        (("GET", "/needs"), Public),
        (("GET", "/needs/new"), Officers),
        (("POST", "/needs/new"), OwnBranch),
        (("GET", "/needs/{id}"), Public),
        (("POST", "/needs/{id}/adopt"), OwnBranch),
        // The fixture's need is open and belongs to neither officer's branch.
        (("POST", "/needs/{id}/deliver"), Staff),
        (("GET", "/api/v1/twinnings"), Officers),
        (("POST", "/api/v1/twinnings"), Staff),
        (("GET", "/api/v1/twinnings/suggestions"), Officers),
        (("GET", "/api/v1/twinnings/{id}"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/introduce"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/agree"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/activate"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/pause"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/end"), OwnBranch),
        (("GET", "/api/v1/twinnings/{id}/activities"), OwnBranch),
        (("POST", "/api/v1/twinnings/{id}/activities"), OwnBranch),
        (("GET", "/api/v1/needs"), Public),
        (("POST", "/api/v1/needs"), OwnBranch),
        (("GET", "/api/v1/needs/{id}"), Public),
        (("POST", "/api/v1/needs/{id}/adopt"), OwnBranch),
        (("POST", "/api/v1/needs/{id}/deliver"), Staff),
        (("GET", "/appeals"), Public),
        (("GET", "/appeals/new"), Staff),
        (("POST", "/appeals/new"), Staff),
        (("GET", "/appeals/{id}"), Public),
        (("GET", "/appeals/{id}/edit"), Staff),
        (("POST", "/appeals/{id}/edit"), Staff),
        (("POST", "/appeals/{id}/pledge"), OwnBranch),
        (("POST", "/appeals/{id}/public-pledge"), Public),
        (("POST", "/donations/{id}/receive"), Staff),
        (("POST", "/donations/{id}/cancel"), OwnBranch),
        (("GET", "/api/v1/appeals"), Public),
        (("POST", "/api/v1/appeals"), Staff),
        (("GET", "/api/v1/appeals/{id}"), Public),
        (("PATCH", "/api/v1/appeals/{id}"), Staff),
        (("GET", "/api/v1/appeals/{id}/donations"), Officers),
        (("POST", "/api/v1/appeals/{id}/donations"), OwnBranch),
        (("POST", "/api/v1/donations/{id}/receive"), Staff),
        (("POST", "/api/v1/donations/{id}/cancel"), OwnBranch),
        (("GET", "/affiliates"), Public),
        (("GET", "/affiliate"), Public),
        (("POST", "/affiliate"), Public),
        (("GET", "/affiliations"), Staff),
        (("POST", "/affiliations/{id}/activate"), Staff),
        (("POST", "/affiliations/{id}/lapse"), Staff),
        (("POST", "/affiliations/fees/{id}"), Staff),
        (("GET", "/api/v1/affiliations"), Staff),
        (("POST", "/api/v1/affiliations"), Staff),
        (("GET", "/api/v1/affiliations/{id}"), Staff),
        (("POST", "/api/v1/affiliations/{id}/activate"), Staff),
        (("POST", "/api/v1/affiliations/{id}/lapse"), Staff),
        (("GET", "/take-part/{action}"), Public),
        (("GET", "/statements"), Public),
        (("GET", "/statements/feed.atom"), Public),
        (("GET", "/statements/new"), Staff),
        (("POST", "/statements"), Staff),
        (("GET", "/statements/{id}"), Public),
        (("GET", "/statements/{id}/edit"), Staff),
        (("POST", "/statements/{id}"), Staff),
        (("GET", "/api/v1/statements"), Public),
        (("POST", "/api/v1/statements"), Staff),
        (("GET", "/api/v1/statements/{id}"), Public),
        (("PATCH", "/api/v1/statements/{id}"), Staff),
        (("GET", "/s/{slug}"), Public),
        (("GET", "/s/{slug}/qr.svg"), Public),
        (("GET", "/s/{slug}/qr.png"), Public),
        (("GET", "/s/{slug}/poster"), Public),
        (("GET", "/links"), Officers),
        (("POST", "/links"), Staff),
        (("GET", "/links/{id}"), Officers),
        (("POST", "/links/{id}"), Staff),
        (("POST", "/links/{id}/copies"), Officers),
        (("GET", "/api/v1/links"), Officers),
        (("POST", "/api/v1/links"), Staff),
        (("GET", "/api/v1/links/{id}"), Officers),
        (("PATCH", "/api/v1/links/{id}"), Staff),
        (("POST", "/api/v1/links/{id}/copies"), Officers),
        (("GET", "/api/v1/links/{id}/stats"), Officers),
    ])
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Speaker,
    OfficerA,
    OfficerB,
    Coordinator,
    Admin,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Speaker,
    Caller::OfficerB,
    Caller::OfficerA,
    Caller::Coordinator,
    Caller::Admin,
];

fn allowed(who: Who, caller: Caller) -> bool {
    use Caller::*;
    match who {
        Who::Public => true,
        Who::SignedIn => caller != Anonymous,
        Who::Staff => matches!(caller, Coordinator | Admin),
        Who::Admin => caller == Admin,
        Who::SpeakerSelf => matches!(caller, Speaker | Coordinator | Admin),
        Who::Booking => matches!(caller, Speaker | OfficerA | Coordinator | Admin),
        Who::TheSpeaker => caller == Speaker,
        Who::Officers => matches!(caller, OfficerA | OfficerB | Coordinator | Admin),
        Who::OwnBranch => matches!(caller, OfficerA | Coordinator | Admin),
    }
}

struct Callers {
    pages: HashMap<&'static str, Client>,
    api: HashMap<&'static str, Client>,
    emails: HashMap<&'static str, String>,
}

fn key(c: Caller) -> &'static str {
    match c {
        Caller::Anonymous => "anonymous",
        Caller::Speaker => "speaker",
        Caller::OfficerA => "officer_a",
        Caller::OfficerB => "officer_b",
        Caller::Coordinator => "coordinator",
        Caller::Admin => "admin",
    }
}

async fn callers(
    app: &TestApp,
    a: solidarnist::directory::BranchId,
    b: solidarnist::directory::BranchId,
) -> Callers {
    let mut pages = HashMap::new();
    let mut api = HashMap::new();
    let mut emails = HashMap::new();
    for caller in CALLERS {
        let (page_client, api_client) = match caller {
            Caller::Anonymous => (app.client(), app.client()),
            _ => {
                let (role, branches) = match caller {
                    Caller::Speaker => (Role::Speaker, vec![]),
                    Caller::OfficerA => (Role::BranchOfficer, vec![a]),
                    Caller::OfficerB => (Role::BranchOfficer, vec![b]),
                    Caller::Coordinator => (Role::Coordinator, vec![]),
                    _ => (Role::Admin, vec![]),
                };
                let email = app.user(role, &branches).await;
                emails.insert(key(caller), email.clone());
                let client = app.client();
                assert_eq!(
                    client
                        .login(&email, crate::helpers::PASSWORD)
                        .await
                        .status(),
                    StatusCode::SEE_OTHER
                );
                (client, app.api_for(&email).await)
            }
        };
        pages.insert(key(caller), page_client);
        api.insert(key(caller), api_client);
    }
    Callers { pages, api, emails }
}

db_test!(every_route_checks_every_kind_of_caller, |app| {
    let table = expected();
    let routes = solidarnist::app::route_table();
    for route in &routes {
        assert!(
            table.contains_key(&(route.method.as_str(), route.path)),
            "{} {} is not in the route × role table",
            route.method,
            route.path
        );
    }
    assert_eq!(
        routes.len(),
        table.len(),
        "the table lists routes the application does not have"
    );

    let union = app.union("Matrix Union", Country::Gb).await;
    let a = app.branch(union, "Branch A").await;
    let b = app.branch(union, "Branch B").await;
    let callers = callers(&app, a, b).await;
    let speaker_profile = app
        .speaker("Matrix Speaker", Some(&callers.emails["speaker"]), &["en"])
        .await;
    let ua_union = app.union("Matrix UA Union", Country::Ua).await;

    for route in &routes {
        let who = table[&(route.method.as_str(), route.path)];
        for caller in CALLERS {
            // Fresh records for each attempt, so a delete by one caller does
            // not turn the next caller's refusal into a plain "not found".
            let spare_union = app
                .union(
                    &format!("Spare {}", solidarnist::auth::random_hex(4)),
                    Country::Ua,
                )
                .await;
            let spare_branch = app
                .branch(
                    union,
                    &format!("Spare {}", solidarnist::auth::random_hex(4)),
                )
                .await;
            let person = app.person(Some(a), "Person at A", false).await;
            let booking = app.speaker_request(a, 500, Some(speaker_profile)).await;
            let ua_branch = app
                .branch(
                    ua_union,
                    &format!("UA {}", solidarnist::auth::random_hex(4)),
                )
                .await;
            let link = app.twinning(a, ua_branch).await;
            let need = app.need(ua_branch).await;
            let (appeal, donation) = app.appeal_with_pledge(a).await;
            let (short_link, slug) = app.short_link().await;
            let id = if route.path.starts_with("/statements/")
                || route.path.starts_with("/api/v1/statements/")
            {
                app.statement().await
            } else if route.path.starts_with("/links/") || route.path.starts_with("/api/v1/links/")
            {
                short_link
            } else if route.path.starts_with("/affiliations/fees/") {
                solidarnist::affiliations::store::fee_bands(&app.db)
                    .await
                    .unwrap()[0]
                    .id
                    .0
            } else if route.path.starts_with("/affiliations/")
                || route.path.starts_with("/api/v1/affiliations/")
            {
                app.affiliation().await
            } else if route.path.starts_with("/api/v1/appeals/")
                || route.path.starts_with("/appeals/")
            {
                appeal
            } else if route.path.starts_with("/api/v1/donations/")
                || route.path.starts_with("/donations/")
            {
                donation
            } else if route.path.starts_with("/twinnings/")
                || route.path.starts_with("/api/v1/twinnings/")
            {
                link.0
            } else if route.path.starts_with("/needs/") || route.path.starts_with("/api/v1/needs/")
            {
                need.0
            } else if route.path.starts_with("/speaker-requests/")
                || route.path.starts_with("/api/v1/speaker-requests/")
            {
                booking.0
            } else if route.path.starts_with("/speakers/")
                || route.path.starts_with("/api/v1/speakers/")
            {
                speaker_profile.0
            } else if route.path.starts_with("/account/tokens/") {
                // Nobody's token: revoking one of the callers' own would
                // sign them out of the rest of the table.
                999_999
            } else if route.path.starts_with("/admin/accounts/") {
                // Disabling a spare account, never one of the callers.
                let email = app.user(Role::Speaker, &[]).await;
                solidarnist::auth::store::find_id_by_email(&app.db, &email)
                    .await
                    .unwrap()
                    .unwrap()
                    .0
            } else if route.path.starts_with("/unions/")
                || route.path.starts_with("/api/v1/unions/")
            {
                spare_union.0
            } else if route.path.starts_with("/people/")
                || route.path.starts_with("/api/v1/people/")
            {
                person.0
            } else if route.path.contains("/delete") || route.method == Method::DELETE {
                spare_branch.0
            } else {
                a.0
            };
            let path = route
                .path
                .replace("{id}", &id.to_string())
                .replace("{slug}", &slug)
                .replace("{action}", "national");
            let is_api = path.starts_with("/api/");
            // Logging out ends the session, so it gets a session of its own.
            let throwaway;
            let client = match callers.emails.get(key(caller)) {
                Some(email) if route.path == "/logout" => {
                    throwaway = app.client();
                    throwaway.login(email, crate::helpers::PASSWORD).await;
                    &throwaway
                }
                _ if is_api => &callers.api[key(caller)],
                _ => &callers.pages[key(caller)],
            };
            let (status, location) = send(client, &route.method, &path, is_api, a).await;
            // A failed login answers 401 by design: the route itself ran.
            let login_attempt = route.path == "/login" && route.method == Method::POST;
            let refused = (matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                && !login_attempt)
                || (!is_api && status == StatusCode::SEE_OTHER && location.starts_with("/login?"));
            if allowed(who, caller) {
                assert!(
                    !refused,
                    "{caller:?} should be allowed {} {path}, got {status}",
                    route.method
                );
                assert!(
                    !status.is_server_error(),
                    "{caller:?} {} {path}: {status}",
                    route.method
                );
            } else if matches!(who, Who::OwnBranch | Who::Booking) && caller == Caller::OfficerB {
                assert!(
                    refused
                        || matches!(
                            status,
                            StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
                        ),
                    "officer of another branch got {status} for {} {path}",
                    route.method
                );
                assert!(
                    !status.is_success(),
                    "officer of another branch got {status} for {} {path}",
                    route.method
                );
            } else {
                assert!(
                    refused,
                    "{caller:?} should be refused {} {path}, got {status}",
                    route.method
                );
                if is_api {
                    let expected = if caller == Caller::Anonymous {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(status, expected, "{caller:?} {} {path}", route.method);
                }
            }
        }
    }
});

/// The body each kind of route gets: valid where it is easy to be, aimed at
/// branch A. Returns the status and any redirect target.
async fn send(
    client: &Client,
    method: &Method,
    path: &str,
    is_api: bool,
    a: solidarnist::directory::BranchId,
) -> (StatusCode, String) {
    let branch = a.0.to_string();
    let response = if *method == Method::GET || *method == Method::DELETE {
        client
            .request(method.clone(), path, HeaderMap::new(), None)
            .await
    } else if is_api {
        let body = json!({"name": format!("Edited {}", solidarnist::auth::random_hex(3)), "branch_id": a.0, "role": "member",
                          "country": "GB", "kind": "national_union"});
        client
            .request(
                method.clone(),
                path,
                HeaderMap::new(),
                Some(Body::Json(body)),
            )
            .await
    } else {
        let name = format!("Edited {}", solidarnist::auth::random_hex(3));
        let fields = [
            ("name", name.as_str()),
            ("branch_id", branch.as_str()),
            ("role", "member"),
            ("country", "GB"),
            ("kind", "national_union"),
            ("idempotency_key", "0123456789abcdef0123456789abcdef"),
        ];
        client.post_form(path, &fields).await
    };
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

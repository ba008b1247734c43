//! Hostile input on every route: the route table walked with a corpus of
//! values a careless or hostile client sends (NUL bytes, characters XML and
//! HTML cannot hold, numbers past every range, year 9999, offsets past
//! ±24 hours, words where numbers go), into every path parameter, every
//! query parameter the API document lists and the usual list filters, and
//! every body field (the API document's request schemas; for pages, every
//! field name any template's form uses). Anonymously and as a coordinator,
//! on both engines. Nothing may answer with a server error.

use std::collections::BTreeSet;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use solidarnist::auth::Role;

use crate::helpers::{db_test, Body, Client};

/// The values, as text. Each goes everywhere a value can go.
const CORPUS: &[&str] = &[
    "a\u{0}b",
    "\u{0}",
    "\u{FFFF}",
    "\u{FDD0}x",
    "\u{1}\u{1F}",
    "\u{202E}gnp.exe",
    "99999999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9999-12-31",
    "9999-12-31T23:59",
    "0000-01-01",
    "2026-02-30",
    "+25:00",
    "europe/london",
    "maybe",
    "x",
    "",
    "   ",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "=HYPERLINK(\"http://x\")",
    "£-5",
    "1,000,000,000,000,000 UAH",
];

/// Percent-encodes a value for a path segment or a query string.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every `name="…"` of a form field in the templates.
fn form_fields() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("name=\"").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "_csrf" {
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// What the API document says about one operation: its query parameters
/// and the properties of its request body.
#[derive(Default)]
struct Operation {
    query: Vec<String>,
    body: Vec<String>,
}

fn operation(doc: &Value, path: &str, method: &Method) -> Operation {
    let op = &doc["paths"][path][method.as_str().to_lowercase()];
    let mut out = Operation::default();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "query" {
            out.query.push(p["name"].as_str().unwrap().to_owned());
        }
    }
    let mut schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        schema = doc["components"]["schemas"][name].clone();
    }
    if let Some(props) = schema["properties"].as_object() {
        out.body.extend(props.keys().cloned());
    }
    out
}

async fn walk(app: &crate::helpers::TestApp, who: &str, page: &Client, api: &Client) {
    let (_, doc) = api.get_json("/api/v1/openapi.json").await;
    let fields = form_fields();
    let routes = solidarnist::app::route_table();
    let mut failures = Vec::new();
    for route in &routes {
        // Logging out would end the walker's own session.
        if route.path == "/logout" {
            continue;
        }
        let is_api = route.path.starts_with("/api/");
        let client = if is_api { api } else { page };
        let op = operation(&doc, route.path, &route.method);
        let mut query: Vec<String> = op.query.clone();
        query.extend(["page", "per_page", "q", "status", "branch_id", "lang"].map(String::from));
        for value in CORPUS {
            let enc = encode(value);
            let path = route
                .path
                .replace("{id}", &enc)
                .replace("{slug}", &enc)
                .replace("{action}", &enc);
            let qs: Vec<String> = query.iter().map(|q| format!("{q}={enc}")).collect();
            let url = format!("{path}?{}", qs.join("&"));
            let response = if route.method == Method::GET || route.method == Method::DELETE {
                client
                    .request(route.method.clone(), &url, HeaderMap::new(), None)
                    .await
            } else if is_api {
                let mut body = serde_json::Map::new();
                for f in &op.body {
                    body.insert(f.clone(), json!(value));
                }
                client
                    .request(
                        route.method.clone(),
                        &url,
                        HeaderMap::new(),
                        Some(Body::Json(Value::Object(body))),
                    )
                    .await
            } else {
                let form: Vec<(&str, &str)> = fields.iter().map(|f| (f.as_str(), *value)).collect();
                client.post_form(&url, &form).await
            };
            let status = response.status();
            if status.is_server_error() {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{who} {} {url} with {value:?}: {status} {}",
                    route.method,
                    text.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    // A walk this long must not have broken the app for the next caller.
    assert_eq!(app.client().get("/healthz").await.status(), StatusCode::OK);
    assert!(
        failures.is_empty(),
        "{} server errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

db_test!(no_hostile_value_anywhere_gives_a_server_error, |app| {
    let union = app
        .union("Hostile union", solidarnist::directory::model::Country::Gb)
        .await;
    let branch = app.branch(union, "Hostile branch").await;
    app.person(Some(branch), "Someone", false).await;
    let coordinator_page = app.login_as(Role::Coordinator, &[]).await;
    let coordinator_api = app.api_as(Role::Coordinator, &[]).await;
    walk(&app, "coordinator", &coordinator_page, &coordinator_api).await;
    let anonymous = app.client();
    walk(&app, "anonymous", &anonymous, &anonymous).await;
});

// Each class the walk above cannot reach with one value everywhere: a
// request otherwise right, with one field wrong.
db_test!(each_bad_value_is_a_field_error_not_a_500, |app| {
    use crate::helpers::PASSWORD;
    let union = app
        .union("Hostile GB", solidarnist::directory::model::Country::Gb)
        .await;
    let branch = app.branch(union, "Leeds health").await;
    let officer = app.api_as(Role::BranchOfficer, &[branch]).await;
    let request = |patch: Value| {
        let mut body = json!({
            "branch_id": branch.0, "date": "2027-03-04", "time": "19:00",
            "time_zone": "Europe/London", "duration_minutes": 90, "format": "online",
            "meeting_link": "https://meet.example/x"
        });
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let officer = officer.clone();
        async move {
            officer
                .json(Method::POST, "/api/v1/speaker-requests", body)
                .await
        }
    };
    let (status, body) = request(json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "the baseline is right: {body}");
    assert_eq!(body["time_zone"], "Europe/London");
    for (patch, field) in [
        (json!({"date": "9999-12-31"}), "date"),
        (json!({"date": "2031-01-01"}), "date"),
        (json!({"starts_at": "2027-03-04T19:00+25:00"}), "starts_at"),
        (json!({"notes": "a\u{0}b"}), "notes"),
        (json!({"place": "\u{FFFF}"}), "place"),
        (json!({"time_zone": "Mars/Olympus"}), "time_zone"),
    ] {
        let (status, body) = request(patch.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{patch} names {field}: {body}"
        );
    }
    // A zone typed in lower case is kept as the zone database spells it.
    let (status, body) = request(json!({"time_zone": "europe/kyiv", "date": "2027-03-05"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["time_zone"], "Europe/Kyiv");

    // Lenient parameters are errors like the rest.
    for query in [
        "upcoming=maybe",
        "branch_id=x",
        "page=99999999999",
        "per_page=0",
    ] {
        let (status, body) = officer
            .get_json(&format!("/api/v1/speaker-requests?{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
    let page = app.login_as(Role::Coordinator, &[]).await;
    let (status, _) = page.get_text("/unions?page=99999999999999").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a list page past the end is an empty page"
    );

    // The public form: year 9999 is a field error on the page.
    let visitor = app.client();
    let r = visitor
        .post_form(
            "/request-a-speaker",
            &[
                ("branch_text", "Leeds health branch"),
                ("contact_name", "Sam"),
                ("contact_email", "sam@hostile.test"),
                ("date", "9999-12-31"),
                ("time", "19:00"),
                ("time_zone", "Europe/London"),
                ("duration_minutes", "90"),
                ("format", "online"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A form body that is not UTF-8, or holds NUL, is refused on its field.
    let coordinator = app.client();
    coordinator
        .login(&app.user(Role::Coordinator, &[]).await, PASSWORD)
        .await;
    let token = coordinator.csrf().await;
    for raw in [
        "name=%FF%FE&country=GB&kind=national_union",
        "name=a%00b&country=GB&kind=national_union",
    ] {
        let body = format!("_csrf={token}&{raw}");
        let r = coordinator
            .request(
                Method::POST,
                "/unions/new",
                HeaderMap::new(),
                Some(Body::Raw(
                    "application/x-www-form-urlencoded",
                    body.into_bytes(),
                )),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{raw}");
    }
    let api = app.api_as(Role::Coordinator, &[]).await;
    let (_, unions) = api.get_json("/api/v1/unions?per_page=200").await;
    assert!(
        !unions.to_string().contains("\\u0000") && !unions.to_string().contains('\u{FFFD}'),
        "nothing was stored lossy: {unions}"
    );
});

// A branch that records still refer to is not deleted, and the answer says
// what holds it (it was a 500 from the foreign key), on the API and the page.
db_test!(every_delete_says_what_still_holds_the_record, |app| {
    let gb = app
        .union("Delete GB", solidarnist::directory::model::Country::Gb)
        .await;
    let ua = app
        .union("Delete UA", solidarnist::directory::model::Country::Ua)
        .await;
    let api = app.api_as(Role::Coordinator, &[]).await;
    let delete = |id: i64| {
        let api = api.clone();
        async move {
            api.request(
                Method::DELETE,
                &format!("/api/v1/branches/{id}"),
                HeaderMap::new(),
                None,
            )
            .await
        }
    };
    let with_request = app.branch(gb, "Has a request").await;
    app.speaker_request(with_request, 500, None).await;
    let with_link_gb = app.branch(gb, "Has a twin").await;
    let twin = app.branch(ua, "Is a twin").await;
    app.twinning(with_link_gb, twin).await;
    let with_donation = app.branch(gb, "Gave").await;
    app.appeal_with_pledge(with_donation).await;
    for (branch, words) in [
        (with_request, "speaker requests"),
        (with_link_gb, "twinning"),
        (twin, "twinning"),
        (with_donation, "donations"),
    ] {
        let r = delete(branch.0).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{words}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "in_use");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(words),
            "{body}"
        );
    }
    let page = app.login_as(Role::Coordinator, &[]).await;
    let r = page
        .post_form(&format!("/branches/{}/delete", with_donation), &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("donations recorded"));
    let free = app.branch(gb, "Nothing here").await;
    assert_eq!(delete(free.0).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(delete(free.0).await.status(), StatusCode::NOT_FOUND);
    let r = api
        .request(
            Method::DELETE,
            &format!("/api/v1/unions/{}", gb.0),
            HeaderMap::new(),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
});

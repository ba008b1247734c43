//! CSRF on every form, escaping of stored payloads on every page, and the
//! security headers on every kind of response.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;

use crate::helpers::{db_test, Body};

db_test!(every_form_without_its_csrf_token_is_refused, |app| {
    let admin = app.login_as(Role::Admin, &[]).await;
    let stranger = app.login_as(Role::Admin, &[]).await;
    let foreign_token = stranger.csrf().await;
    let own_token = admin.csrf().await;
    let mut checked = 0;
    for route in solidarnist::app::route_table() {
        if route.method != Method::POST || route.path.starts_with("/api/") {
            continue;
        }
        let path = route.path.replace("{id}", "1");
        // No token at all.
        let response = admin.post_form_raw(&path, &[("name", "x")]).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} without a token"
        );
        // Another session's token.
        let response = admin
            .post_form_raw(&path, &[("_csrf", &foreign_token), ("name", "x")])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} with another session's token"
        );
        // The right token, but the browser says the request came from another site.
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", "cross-site".parse().unwrap());
        let body = Body::Form(vec![("_csrf".into(), own_token.clone())]);
        let response = admin
            .request(Method::POST, &path, headers, Some(body))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} from another site"
        );
        let mut headers = HeaderMap::new();
        headers.insert("origin", "https://evil.example".parse().unwrap());
        let body = Body::Form(vec![("_csrf".into(), own_token.clone())]);
        let response = admin
            .request(Method::POST, &path, headers, Some(body))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} with a foreign Origin"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} forms found");
    // The refusal page explains itself.
    let (status, html) = {
        let r = admin.post_form_raw("/unions/new", &[]).await;
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("This form has expired"));
});

db_test!(the_api_with_a_session_cookie_needs_the_csrf_header, |app| {
    let client = app.login_as(Role::Coordinator, &[]).await;
    let body = json!({"name": "Via cookie", "country": "GB", "kind": "national_union"});
    let (status, _) = client
        .json(Method::POST, "/api/v1/unions", body.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = client.csrf().await;
    let mut headers = HeaderMap::new();
    headers.insert("x-csrf-token", token.parse().unwrap());
    let response = client
        .request(
            Method::POST,
            "/api/v1/unions",
            headers,
            Some(Body::Json(body)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
});

const PAYLOADS: &[&str] = &[
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</title><script>alert(2)</script>",
    "{{7*7}} ${7*7} <!--",
];

db_test!(stored_payloads_appear_escaped_on_every_page, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let mut pages = vec![
        "/unions".to_owned(),
        "/branches".to_owned(),
        "/people".to_owned(),
    ];
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let (status, union) = api
            .json(Method::POST, "/api/v1/unions", json!({"name": format!("{payload} {i}"), "name_uk": payload, "country": "UA", "kind": "federation"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{union}");
        let union_id = union["id"].as_i64().unwrap();
        let (status, branch) = api
            .json(Method::POST, "/api/v1/branches", json!({"union_id": union_id, "name": payload, "name_uk": payload, "region": payload, "sector": "health", "size_band": "under_50"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{branch}");
        let branch_id = branch["id"].as_i64().unwrap();
        let (status, person) = api
            .json(
                Method::POST,
                "/api/v1/people",
                json!({"name": payload, "role": "member", "branch_id": branch_id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{person}");
        let person_id = person["id"].as_i64().unwrap();
        pages.extend([
            format!("/unions/{union_id}"),
            format!("/unions/{union_id}/edit"),
            format!("/branches/{branch_id}"),
            format!("/branches/{branch_id}/edit"),
            format!("/people/{person_id}"),
            format!("/people/{person_id}/edit"),
            format!("/branches?region={}", urlencode(payload)),
            format!("/unions?q={}", urlencode(payload)),
        ]);
    }
    // Speakers and requests carry free text too.
    let union = app
        .union("Payload union", solidarnist::directory::model::Country::Gb)
        .await;
    let branch = app.branch(union, "Payload branch").await;
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let (status, speaker) = api
            .json(Method::POST, "/api/v1/speakers", json!({"name": payload, "bio": payload, "languages": ["en"], "topics": [payload],
                   "time_zone": "Europe/London", "online": true, "in_person": true, "regions": [payload]}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{speaker}");
        let (status, request) = api
            .json(Method::POST, "/api/v1/speaker-requests", json!({"branch_id": branch.0, "starts_at": format!("2027-06-0{}T19:00", i + 1),
                   "time_zone": "Europe/London", "duration_minutes": 60, "format": "in_person", "place": payload,
                   "topics": [payload], "notes": payload}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{request}");
        let speaker_id = speaker["id"].as_i64().unwrap();
        let request_id = request["id"].as_i64().unwrap();
        let (status, _) = api
            .json(
                Method::POST,
                &format!("/api/v1/speaker-requests/{request_id}/offer"),
                json!({"speaker_id": speaker_id}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        pages.extend([
            format!("/speakers/{speaker_id}"),
            format!("/speakers/{speaker_id}/edit"),
            format!("/speaker-requests/{request_id}"),
        ]);
    }
    pages.extend([
        "/speakers".to_owned(),
        "/speaker-requests".to_owned(),
        "/events".to_owned(),
    ]);
    // Appeals and donations too.
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let (status, appeal) = api
            .json(
                Method::POST,
                "/api/v1/appeals",
                json!({"slug": format!("payload-{i}"), "title": payload, "title_uk": payload,
                   "description": payload, "description_uk": payload, "beneficiary": payload,
                   "target": {"amount_minor": 1000, "currency": "GBP"}, "status": "open"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{appeal}");
        let id = appeal["id"].as_i64().unwrap();
        let (status, _) = api
            .json(
                Method::POST,
                &format!("/api/v1/appeals/{id}/donations"),
                json!({"amount": {"amount_minor": 100, "currency": "GBP"},
                   "donor_name": payload, "reference": payload}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        pages.extend([format!("/appeals/{id}"), format!("/appeals/{id}/edit")]);
    }
    pages.push("/appeals".to_owned());
    let client = app.login_as(Role::Coordinator, &[]).await;
    for lang in ["en", "uk"] {
        for page in &pages {
            let sep = if page.contains('?') { '&' } else { '?' };
            let (status, html) = client.get_text(&format!("{page}{sep}lang={lang}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            for payload in PAYLOADS {
                assert!(
                    !html.contains(payload),
                    "{page} shows {payload:?} unescaped"
                );
            }
            assert!(!html.contains("<script"), "{page} has a script tag");
            assert!(!html.contains("<img"), "{page} has an injected tag");
            assert!(!html.contains("<svg"), "{page} has an injected tag");
        }
    }
    // And the payload is kept as typed, only escaped on the way out.
    let (_, html) = client.get_text("/unions?q=script").await;
    assert!(html.contains("&#60;script&#62;"), "escaped, not dropped");
});

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

db_test!(every_response_carries_the_security_headers, |app| {
    let anonymous = app.client();
    let api = app.api_as(Role::Speaker, &[]).await;
    let mut responses = vec![
        ("home", anonymous.get("/").await),
        ("redirect to login", anonymous.get("/unions").await),
        ("missing page", anonymous.get("/nope").await),
        ("missing api route", anonymous.get("/api/v1/nope").await),
        ("no credentials", anonymous.get("/api/v1/unions").await),
        ("static file", anonymous.get("/static/style.css").await),
        ("health", anonymous.get("/healthz").await),
        ("forbidden", api.get("/api/v1/people").await),
        ("csrf refusal", anonymous.post_form_raw("/login", &[]).await),
    ];
    responses.push((
        "invalid",
        api.request(
            Method::GET,
            "/api/v1/unions?per_page=0",
            HeaderMap::new(),
            None,
        )
        .await,
    ));
    for (what, response) in responses {
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no CSP"))
            .to_str()
            .unwrap();
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: CSP lacks {directive}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert!(h.contains_key("referrer-policy"), "{what}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "{what}: no HSTS over plain HTTP"
        );
    }
});

// Behind a TLS-terminating proxy the site tells browsers to keep to HTTPS.
crate::helpers::backend_test!(hsts_is_sent_when_a_trusted_proxy_says_https, |backend| {
    let app = crate::helpers::TestApp::spawn_with(backend, |c| c.trust_proxy_headers = true).await;
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-proto", "https".parse().unwrap());
    let response = app.client().request(Method::GET, "/", headers, None).await;
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.contains("max-age=63072000"), "{hsts}");
    let plain = app.client().get("/").await;
    assert!(!plain.headers().contains_key("strict-transport-security"));
});

db_test!(oversized_bodies_are_refused_cleanly, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let response = api
        .request(
            Method::POST,
            "/api/v1/unions",
            HeaderMap::new(),
            Some(Body::Raw("application/json", big.into_bytes())),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
});

// Nothing a cache could hand to the next person: every answer to someone
// signed in, and every answer that sets a cookie, says no-store; the
// public pages and files anyone may see stay cacheable.
db_test!(private_answers_are_never_stored, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let page = app.login_as(Role::Coordinator, &[]).await;
    let anonymous = app.client();
    let no_store = |r: &reqwest::Response| {
        r.headers()
            .get("cache-control")
            .is_some_and(|v| v.to_str().unwrap().contains("no-store"))
    };
    for (what, r) in [
        ("people by API", api.get("/api/v1/people").await),
        ("an API error", api.get("/api/v1/people/999999").await),
        ("people page", page.get("/people").await),
        ("account page", page.get("/account").await),
        ("home page signed in", page.get("/").await),
        ("login page", anonymous.get("/login").await),
        (
            "a failed login",
            anonymous
                .login("nobody@test.example", "wrong password")
                .await,
        ),
    ] {
        assert!(
            no_store(&r),
            "{what}: {:?}",
            r.headers().get("cache-control")
        );
    }
    // A visitor's first answer sets the form token's cookie, so it is not
    // stored either; after it, public files are cacheable again.
    let visitor = app.client();
    assert!(no_store(&visitor.get("/static/style.css").await));
    let style = visitor.get("/static/style.css").await;
    assert!(!no_store(&style), "a public file stays cacheable");
});

// A client that sends its headers a byte at a time, or nothing at all, is
// closed once its time for the headers is up, and cannot hold the
// connections others need: with every slot taken by such clients, a real
// request is served as soon as their time runs out.
crate::helpers::backend_test!(slow_and_silent_clients_cannot_hold_the_server, |backend| {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::TestApp::spawn_with(backend, |c| {
        c.header_timeout = std::time::Duration::from_secs(1);
        c.max_connections = 16;
    })
    .await;
    let mut slow = Vec::new();
    for i in 0..16 {
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        if i % 2 == 0 {
            // Half send the start of a request and stall; half say nothing.
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
        }
        slow.push(stream);
    }
    // A real request gets through once the stalled clients' time is up.
    let started = std::time::Instant::now();
    let response = app.client().get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // And every stalled connection has been closed by the server.
    for mut stream in slow {
        let mut buf = [0u8; 512];
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the server closes a stalled connection");
        // A reset (an error) is a close too.
        if let Ok(n) = read {
            let text = String::from_utf8_lossy(&buf[..n]);
            assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
        }
    }
});

//! Short links: made by coordinators, copied for branches by their officers,
//! answered from memory with clicks counted exactly, ended with a friendly
//! page, and printed as QR codes that a standard reader decodes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{db_test, Client, TestApp};

async fn stats(client: &Client, slug: &str) -> Value {
    let (status, body) = client
        .get_json(&format!("/api/v1/links/{slug}/stats"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Waits for the counted clicks to be written (the test config flushes
/// every 200 ms) until the stats show `total`.
async fn wait_for_total(client: &Client, slug: &str, total: i64) -> Value {
    for _ in 0..50 {
        let s = stats(client, slug).await;
        if s["clicks_total"] == total {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{slug} never reached {total} clicks: {}",
        stats(client, slug).await
    );
}

async fn follow(client: &Client, path: &str) -> (StatusCode, String) {
    let r = client.get(path).await;
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), location)
}

db_test!(links_redirect_count_and_credit_branches, |app| {
    let union = app.union("Union L", Country::Gb).await;
    let a = app.branch(union, "Branch L-A").await;
    let b = app.branch(union, "Branch L-B").await;
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let officer = app.api_as(Role::BranchOfficer, &[a]).await;
    let other_officer = app.api_as(Role::BranchOfficer, &[b]).await;

    let (status, link) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "donate", "target_url": "https://donate.example/donetsk?src=leaflet",
                   "title": "Donetsk rescue workers"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    assert_eq!(link["short_url"], format!("{}/s/donate", app.base_url()));
    assert_eq!(link["branch_id"], Value::Null);

    // Bad slugs and targets are named; a taken slug is a conflict.
    for (body, field) in [
        (
            json!({"slug": "with space", "target_url": "https://x.example"}),
            "slug",
        ),
        (
            json!({"slug": "a/b", "target_url": "https://x.example"}),
            "slug",
        ),
        (
            json!({"slug": "d\u{43e}nate", "target_url": "https://x.example"}),
            "slug",
        ),
        (
            json!({"slug": "admin", "target_url": "https://x.example"}),
            "slug",
        ),
        (
            json!({"slug": "fine", "target_url": "javascript:alert(1)"}),
            "target_url",
        ),
        (
            json!({"slug": "fine", "target_url": "/appeals/1"}),
            "target_url",
        ),
        (
            json!({"slug": "fine", "target_url": "https://x.example", "expires_on": "soon"}),
            "expires_on",
        ),
    ] {
        let (status, err) = coordinator
            .json(Method::POST, "/api/v1/links", body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {err}");
        assert!(err["error"]["fields"][field].is_string(), "{body} → {err}");
    }
    let (status, err) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "donate", "target_url": "https://y.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    // Officers make no links of their own.
    let (status, _) = officer
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"target_url": "https://y.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An officer copies the link for their branch, once.
    let (status, copy) = officer
        .json(
            Method::POST,
            "/api/v1/links/donate/copies",
            json!({"branch_id": a.0}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    let copy_slug = copy["slug"].as_str().unwrap().to_owned();
    assert_eq!(copy_slug, format!("donate-b{}", a.0));
    assert_eq!(copy["branch_id"], a.0);
    let (status, again) = officer
        .json(
            Method::POST,
            "/api/v1/links/donate/copies",
            json!({"branch_id": a.0}),
        )
        .await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &copy["id"]));
    let (status, _) = officer
        .json(
            Method::POST,
            "/api/v1/links/donate/copies",
            json!({"branch_id": b.0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not their branch");

    // Visitors follow both; nothing about them is kept, only counts.
    let visitor = app.client();
    for _ in 0..2 {
        assert_eq!(
            follow(&visitor, "/s/donate").await,
            (
                StatusCode::FOUND,
                "https://donate.example/donetsk?src=leaflet".to_owned()
            )
        );
    }
    for _ in 0..3 {
        assert_eq!(
            follow(&visitor, &format!("/s/{copy_slug}")).await.0,
            StatusCode::FOUND
        );
    }
    assert_eq!(
        follow(&visitor, "/s/no-such-link").await.0,
        StatusCode::NOT_FOUND
    );

    let s = wait_for_total(&coordinator, "donate", 2).await;
    let today = solidarnist::common::clock::today().to_string();
    assert_eq!(s["daily"], json!([{"date": today, "clicks": 2}]));
    assert_eq!(
        s["branches"],
        json!([{"slug": copy_slug, "branch_id": a.0, "clicks_total": 3}])
    );
    // The officer sees their branch's clicks, not the original's; another
    // branch's officer cannot see the copy at all.
    let mine = stats(&officer, "donate").await;
    assert_eq!(mine["clicks_total"], 0);
    assert_eq!(mine["branches"][0]["clicks_total"], 3);
    assert_eq!(stats(&officer, &copy_slug).await["clicks_total"], 3);
    let (status, _) = other_officer
        .get_json(&format!("/api/v1/links/{copy_slug}/stats"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, theirs) = other_officer.get_json("/api/v1/links").await;
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["branch_id"].is_null()));

    // A new target applies at once, to the copy too.
    let (status, edited) = coordinator
        .json(
            Method::PATCH,
            "/api/v1/links/donate",
            json!({"target_url": "https://donate.example/new"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        follow(&visitor, &format!("/s/{copy_slug}")).await.1,
        "https://donate.example/new"
    );
    wait_for_total(&coordinator, &copy_slug, 4).await;

    // The link's page: the short address, the chart and the day's table.
    let page = app.login_as(Role::Coordinator, &[]).await;
    let (status, html) = page.get_text(&format!("/links/{}", link["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("{}/s/donate", app.base_url())));
    assert!(
        html.contains("<svg class=\"chart\"")
            && html.contains(&format!("<td>{today}</td><td>2</td>"))
    );
});

db_test!(ended_links_say_so_and_clicks_survive_a_restart, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let yesterday = solidarnist::common::clock::today()
        .yesterday()
        .unwrap()
        .to_string();
    let (status, _) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "conference-2025", "target_url": "https://x.example", "expires_on": yesterday}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, html) = app.client().get_text("/s/conference-2025").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("This link has ended"), "{html}");

    // Clicks counted but not yet written are written on a clean stop.
    let app =
        TestApp::restart_with(app, |c| c.click_flush_interval = Duration::from_secs(3600)).await;
    let (status, _) = coordinator_again(&app)
        .await
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "rally", "target_url": "https://x.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for _ in 0..7 {
        assert_eq!(follow(&app.client(), "/s/rally").await.0, StatusCode::FOUND);
    }
    let app = app.restart().await;
    assert_eq!(
        solidarnist::links::store::total_clicks(&app.db)
            .await
            .unwrap(),
        7
    );
});

async fn coordinator_again(app: &TestApp) -> Client {
    app.api_as(Role::Coordinator, &[]).await
}

db_test!(two_instances_share_links_and_their_counts, |app| {
    let second = app.another_instance().await;
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, _) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "shared", "target_url": "https://x.example/a"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // The other instance answers at once (it looks the new link up), and
    // follows an edit within its next look.
    for _ in 0..3 {
        assert_eq!(
            follow(&second.client(), "/s/shared").await.1,
            "https://x.example/a"
        );
        assert_eq!(
            follow(&app.client(), "/s/shared").await.1,
            "https://x.example/a"
        );
    }
    let (status, _) = coordinator
        .json(
            Method::PATCH,
            "/api/v1/links/shared",
            json!({"target_url": "https://x.example/b"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut served = 6;
    let mut seen = String::new();
    for _ in 0..50 {
        seen = follow(&second.client(), "/s/shared").await.1;
        served += 1;
        if seen.ends_with("/b") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen, "https://x.example/b");
    // Each instance writes its own counts; together they add up exactly.
    wait_for_total(&coordinator, "shared", served).await;
});

/// Decodes a QR image with zbarimg, the standard reader (`zbar-tools`).
fn decode(png: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(png)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

db_test!(qr_codes_decode_to_the_short_address, |app| {
    if std::process::Command::new("zbarimg")
        .arg("--version")
        .output()
        .is_err()
        || std::process::Command::new("rsvg-convert")
            .arg("--version")
            .output()
            .is_err()
    {
        eprintln!("notice: zbarimg or rsvg-convert is missing (apt-get install zbar-tools librsvg2-bin); skipping the QR decoding test");
        return;
    }
    let (_, slug) = app.short_link().await;
    let short = format!("{}/s/{slug}", app.base_url());
    let dir = tempfile::tempdir().unwrap();
    let client = app.client();

    let r = client
        .get(&format!("/s/{slug}/qr.png?size=300&margin=2"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    let png = dir.path().join("code.png");
    std::fs::write(&png, r.bytes().await.unwrap()).unwrap();
    assert_eq!(decode(&png).as_deref(), Some(short.as_str()), "PNG");

    let r = client.get(&format!("/s/{slug}/qr.svg")).await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = dir.path().join("code.svg");
    std::fs::write(&svg, r.bytes().await.unwrap()).unwrap();
    let drawn = dir.path().join("from-svg.png");
    let ok = std::process::Command::new("rsvg-convert")
        .args(["-w", "400", "-o"])
        .arg(&drawn)
        .arg(&svg)
        .status()
        .unwrap()
        .success();
    assert!(ok, "the SVG draws");
    assert_eq!(decode(&drawn).as_deref(), Some(short.as_str()), "SVG");

    for bad in ["size=0", "size=huge", "margin=99"] {
        let r = client.get(&format!("/s/{slug}/qr.png?{bad}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        client.get("/s/nothing-here/qr.svg").await.status(),
        StatusCode::NOT_FOUND
    );
});

// A mistyped short link, as someone types it from a leaflet, gets a page
// that says what it was most likely meant to be and what the campaign asks
// for now, in the reader's language, not a bare "not found".
db_test!(
    a_mistyped_link_suggests_the_right_one_and_the_current_appeals,
    |app| {
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, body) = coordinator
        .json(
            Method::POST,
            "/api/v1/links",
            json!({"slug": "donetsk-rescue-workers", "target_url": "https://donate.example/donetsk",
                   "title": "Give to the rescue workers of Donetsk region"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, html) = app.client().get_text("/s/donetsk-rescue-workerz").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            html.contains("href=\"/s/donetsk-rescue-workers\""),
            "{html}"
        );
        assert!(html.contains("Did you mean"));
        assert!(html.contains("Give to the rescue workers of Donetsk region"));
        let (status, html) = app
            .client()
            .get_text("/s/something-else-entirely?lang=uk")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Такого короткого посилання немає"));
        assert!(
            !html.contains("Можливо, ви мали на увазі"),
            "no guess when nothing is close"
        );
    }
);

//! Statements: written in one language and translated, read in either with
//! an honest note about translation, safe Markdown, and an Atom feed.

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;

use crate::helpers::db_test;

db_test!(statements_read_in_both_languages_and_feed, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, s) = coordinator
        .json(
            Method::POST,
            "/api/v1/statements",
            json!({
                "original": "uk",
                "title_uk": "Заява ФПУ про шахтарів (демо)",
                "body_uk": "Шахтарі працюють під обстрілами.",
                "title": "FPU statement on miners (demo)",
                "body": "Miners work under shelling. <script>alert(1)</script>\n\n**Solidarity.**",
                "source": "FPU",
                "source_url": "https://fpu.example/statement",
                "published_on": "2026-11-20"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let slug = s["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "2026-11-20");
    assert_eq!(
        (s["original"].as_str(), s["translation_reviewed"].as_bool()),
        (Some("uk"), Some(false))
    );

    let visitor = app.client();
    let (status, html) = visitor.get_text(&format!("/statements/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("FPU statement on miners (demo)"));
    assert!(html.contains("Translated from Ukrainian; the translation has not been checked yet."));
    assert!(
        !html.contains("<script>alert"),
        "script is shown as text, never run"
    );
    assert!(html.contains("<strong>Solidarity.</strong>"));
    let (_, uk) = visitor
        .get_text(&format!("/statements/{slug}?lang=uk"))
        .await;
    assert!(uk.contains("Заява ФПУ про шахтарів (демо)") && !uk.contains("Переклад з"));

    // Checked translation.
    let (status, edited) = coordinator
        .json(
            Method::PATCH,
            &format!("/api/v1/statements/{slug}"),
            json!({"translation_reviewed": true, "version": s["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (_, html) = visitor.get_text(&format!("/statements/{slug}")).await;
    assert!(html.contains("the translation has been checked"));
    // A stale edit is refused.
    let (status, _) = coordinator
        .json(
            Method::PATCH,
            &format!("/api/v1/statements/{slug}"),
            json!({"source": "KVPU", "version": s["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The list and the feed, in each language.
    let (_, list) = visitor.get_text("/statements").await;
    assert!(list.contains(&format!("href=\"/statements/{slug}\"")));
    let r = visitor.get("/statements/feed.atom").await;
    assert_eq!(
        r.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = r.text().await.unwrap();
    assert!(feed.starts_with("<?xml") && feed.trim_end().ends_with("</feed>"));
    assert!(feed.contains("<title>FPU statement on miners (demo)</title>"));
    assert!(feed.contains(&format!("{}/statements/{slug}", app.base_url())));
    assert!(
        feed.contains("&lt;strong&gt;Solidarity.&lt;/strong&gt;"),
        "HTML content, escaped"
    );
    assert!(!feed.contains("<script"));
    let (_, feed_uk) = visitor.get_text("/statements/feed.atom?lang=uk").await;
    assert!(feed_uk.contains("xml:lang=\"uk\"") && feed_uk.contains("Заява ФПУ"));

    // Public API reads; officers cannot write.
    let (status, listed) = app.client().get_json("/api/v1/statements").await;
    assert_eq!(
        (status, listed["total"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let union = app
        .union("Union S", solidarnist::directory::model::Country::Gb)
        .await;
    let branch = app.branch(union, "Branch S").await;
    let officer = app.api_as(Role::BranchOfficer, &[branch]).await;
    let (status, _) = officer
        .json(
            Method::POST,
            "/api/v1/statements",
            json!({"title": "x", "body": "y", "source": "z"}),
        )
        .await;
    assert!(matches!(status, StatusCode::FORBIDDEN), "{status}");
});

db_test!(bad_statements_name_their_fields, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    for (body, field) in [
        (json!({"title": "T", "body": "B"}), "source"),
        (json!({"title": "T", "source": "S"}), "body"),
        (
            json!({"original": "uk", "title": "T", "body": "B", "source": "S"}),
            "title_uk",
        ),
        (
            json!({"original": "xx", "title": "T", "body": "B", "source": "S"}),
            "original",
        ),
        (
            json!({"title": "T", "body": "B", "source": "S", "source_url": "javascript:alert(1)"}),
            "source_url",
        ),
        (
            json!({"title": "T", "body": "B", "source": "S", "published_on": "last week"}),
            "published_on",
        ),
        (
            json!({"title": "T", "body": "B", "source": "S", "slug": "no spaces please"}),
            "slug",
        ),
    ] {
        let (status, err) = coordinator
            .json(Method::POST, "/api/v1/statements", body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {err}");
        assert!(err["error"]["fields"][field].is_string(), "{body} → {err}");
    }
    let body = json!({"title": "Same", "body": "B", "source": "S", "slug": "same-one"});
    let (status, _) = coordinator
        .json(Method::POST, "/api/v1/statements", body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = coordinator
        .json(Method::POST, "/api/v1/statements", body)
        .await;
    // A duplicate is a conflict, as everywhere else.
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "duplicate");
    assert!(err["error"]["fields"]["slug"].is_string());

    // Through the form as well.
    let page = app.login_as(Role::Coordinator, &[]).await;
    let r = page
        .post_form(
            "/statements",
            &[
                ("original", "en"),
                ("title", "From the form"),
                ("body", "Text"),
                ("source", "The campaign"),
                ("published_on", "2026-11-25"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/statements/2026-11-25-from-the-form"
    );
    let r = page
        .post_form("/statements", &[("original", "en"), ("title", "No body")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.client().get_text("/statements/no-such-statement").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

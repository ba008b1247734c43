//! The server itself: health, home page, languages, errors, restarts.

use reqwest::StatusCode;
use serde_json::json;
use solidarnist::auth::Role;

use crate::helpers::{db_test, TestApp};

db_test!(healthz_names_the_database, |app| {
    let (status, body) = app.client().get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.backend.name());
});

db_test!(home_page_shows_the_six_actions_in_both_languages, |app| {
    let client = app.client();
    let (status, en) = client.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    for title in [
        "Invite a speaker",
        "Make direct links",
        "Push your national union",
        "Donate to the appeal",
        "Pass a motion and affiliate",
        "Join the network",
    ] {
        assert!(en.contains(title), "missing {title}");
    }
    // Every action leads to a real page, in both languages; the one not
    // open yet says so plainly on its page.
    for href in [
        "/request-a-speaker",
        "/needs",
        "/take-part/national",
        "/appeals",
        "/take-part/motion",
        "/take-part/network",
    ] {
        assert!(en.contains(&format!("href=\"{href}\"")), "{href}");
        for lang in ["en", "uk"] {
            let (status, _) = client.get_text(&format!("{href}?lang={lang}")).await;
            assert_eq!(status, StatusCode::OK, "{href} {lang}");
        }
    }
    let (_, network) = client.get_text("/take-part/network").await;
    assert!(network.contains("Coming soon") && network.contains("not open yet"));
    let (_, motion) = client.get_text("/take-part/motion?lang=uk").await;
    assert!(motion.contains("href=\"/affiliate\"") && motion.contains("<html lang=\"uk\">"));
    assert_eq!(
        client.get_text("/take-part/nothing").await.0,
        StatusCode::NOT_FOUND
    );
    assert!(en.contains("<html lang=\"en\">"));

    let uk = client
        .request(
            reqwest::Method::GET,
            "/",
            {
                let mut h = reqwest::header::HeaderMap::new();
                h.insert(
                    "accept-language",
                    "uk-UA,uk;q=0.9,en;q=0.5".parse().unwrap(),
                );
                h
            },
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(uk.contains("<html lang=\"uk\">"));
    assert!(uk.contains("Запросіть доповідача"));
});

db_test!(the_language_switch_is_remembered, |app| {
    let client = app.client();
    let response = client
        .post_form("/lang", &[("lang", "uk"), ("next", "/?lang=en")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
    let (_, html) = client.get_text("/").await;
    assert!(html.contains("<html lang=\"uk\">"));
    // A `?lang=` link shows one page in another language without changing the choice.
    let (_, html) = client.get_text("/?lang=en").await;
    assert!(html.contains("<html lang=\"en\">"));
    let (_, html) = client.get_text("/").await;
    assert!(html.contains("<html lang=\"uk\">"));
});

db_test!(a_signed_in_users_language_follows_them, |app| {
    let client = app.login_as(Role::Coordinator, &[]).await;
    client
        .post_form("/lang", &[("lang", "uk"), ("next", "/unions")])
        .await;
    let (_, html) = client.get_text("/unions").await;
    assert!(html.contains("Профспілки"));
});

db_test!(
    unknown_pages_and_api_routes_are_404_in_their_own_format,
    |app| {
        let client = app.client();
        let (status, html) = client.get_text("/no/such/page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Not found."));
        let (status, body) = client.get_json("/api/v1/nothing-here").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
    }
);

db_test!(wrong_methods_are_405_not_500, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let (status, body) = api
        .json(reqwest::Method::PUT, "/api/v1/unions", json!({}))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["code"], "method_not_allowed");
});

db_test!(the_openapi_document_covers_every_api_route, |app| {
    let (status, doc) = app.client().get_json("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for route in solidarnist::app::route_table() {
        if let Some(path) = route.path.strip_prefix("/api/v1") {
            let method = route.method.as_str().to_lowercase();
            assert!(
                doc["paths"][path][&method].is_object(),
                "{method} {path} is not documented"
            );
        }
    }
    assert!(doc["components"]["schemas"]["BranchJson"].is_object());
    assert!(doc["components"]["schemas"]["Sector"].is_object());
});

db_test!(data_survives_a_restart, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let api = app.api_for(&email).await;
    let (status, union) = api
        .json(
            reqwest::Method::POST,
            "/api/v1/unions",
            json!({"name": "Durable Union", "country": "GB", "kind": "national_union"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = api.bearer.clone();
    let app = app.restart().await;
    let mut api = app.client();
    api.bearer = token;
    let (status, found) = api
        .get_json(&format!("/api/v1/unions/{}", union["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["name"], "Durable Union");
});

#[tokio::test]
#[cfg_attr(skip_sqlite, ignore = "SOLIDARNIST_TEST_DATABASE=postgres")]
async fn sqlite_is_durable_by_configuration() {
    let app = TestApp::spawn(solidarnist::db::Backend::Sqlite).await;
    use sqlx::Row;
    let mut conn = app.db.conn().await.unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let sync: i64 = sqlx::query("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(fk, 1);
}

#[tokio::test]
#[cfg_attr(skip_sqlite, ignore = "SOLIDARNIST_TEST_DATABASE=postgres")]
async fn under_overload_it_sheds_load_with_503_then_recovers() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(solidarnist::db::Backend::Sqlite, |c| {
        c.max_concurrent_requests = 1
    })
    .await;
    // One request holds the only slot: its body is still on its way.
    let token = app.api_as(Role::Coordinator, &[]).await.bearer.unwrap();
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/unions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, body) = app.client().get_json("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], "overloaded");
    let refused = app.client().get("/").await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        refused.headers().contains_key("content-security-policy"),
        "headers even on a shed request"
    );
    drop(slow);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, _) = app.client().get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK, "it recovers once the slot is free");
}

// Every write goes through the one path that queues SQLite writers and
// counts committed changes (the kept public pages rely on the count): the
// engine itself refuses a write sent through the read path.
db_test!(writes_go_only_through_the_write_path, |app| {
    let insert = "INSERT INTO settings (key, value, updated_at) VALUES ('probe', 'x', 0)";
    assert!(
        sqlx::query(insert).execute(app.db.read()).await.is_err(),
        "a write through the read pool is refused"
    );
    let mut conn = app.db.conn().await.unwrap();
    assert!(
        sqlx::query(insert).execute(&mut *conn).await.is_err(),
        "a write through a read connection is refused"
    );
    drop(conn);
    let changes = app.db.changes();
    let before = changes.load(std::sync::atomic::Ordering::Acquire);
    app.db.write_one(sqlx::query(insert)).await.unwrap();
    assert_eq!(
        changes.load(std::sync::atomic::Ordering::Acquire),
        before + 1,
        "a write is counted"
    );
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM settings WHERE key = 'probe'")
        .fetch_one(app.db.read())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 1);
});

// A database made before the migrations moved to sqlx's migrator kept its
// own ledger; starting on it records those migrations in sqlx's ledger and
// applies nothing twice.
db_test!(
    a_database_with_the_old_migration_ledger_is_taken_over,
    |app| {
        use sqlx::Row;
        // The old ledger lists every migration the database has.
        let versions: Vec<i64> =
            sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(app.db.read())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get("version").unwrap())
                .collect();
        let mut tx = app.db.write().await.unwrap();
        for statement in [
            "DROP TABLE _sqlx_migrations",
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        ] {
            sqlx::query(statement).execute(&mut *tx).await.unwrap();
        }
        for &version in &versions {
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'old', 0)",
            )
            .bind(version)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let app = app.restart().await;
        let (status, _) = app.client().get_json("/healthz").await;
        assert_eq!(status, StatusCode::OK);
        let recorded: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(app.db.read())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
        assert_eq!(
            recorded,
            versions.len() as i64,
            "every old migration is in sqlx's ledger"
        );
        assert!(
            sqlx::query("SELECT COUNT(*) AS n FROM schema_migrations")
                .fetch_one(app.db.read())
                .await
                .is_err(),
            "the old ledger is gone"
        );
        // And a second start finds nothing to do.
        let app = app.restart().await;
        let (status, _) = app.client().get_json("/healthz").await;
        assert_eq!(status, StatusCode::OK);
    }
);

// A duplicate has one answer, whatever the record: 409 `duplicate`, naming
// the field that must be unique.
db_test!(every_duplicate_is_a_conflict_naming_its_field, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let appeal = json!({"slug": "same-appeal", "title": "An appeal", "beneficiary": "Someone",
                        "target": {"amount_minor": 100, "currency": "GBP"}});
    for (path, body, field) in [
        (
            "/api/v1/unions",
            json!({"name": "Same Union", "country": "GB", "kind": "national_union"}),
            "name",
        ),
        (
            "/api/v1/links",
            json!({"slug": "same-link", "target_url": "https://donate.example"}),
            "slug",
        ),
        (
            "/api/v1/statements",
            json!({"title": "T", "body": "B", "source": "S", "slug": "same-statement"}),
            "slug",
        ),
        ("/api/v1/appeals", appeal, "slug"),
    ] {
        let (status, first) = api.json(reqwest::Method::POST, path, body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {first}");
        let (status, again) = api.json(reqwest::Method::POST, path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {again}");
        assert_eq!(again["error"]["code"], "duplicate", "{path}: {again}");
        assert!(
            again["error"]["fields"][field].is_string(),
            "{path} names {field}: {again}"
        );
    }
});

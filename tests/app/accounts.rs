//! Logging in and out, sessions, throttling, tokens and the first admin.

use reqwest::StatusCode;
use solidarnist::auth::Role;

use crate::helpers::{db_test, PASSWORD};

db_test!(a_user_logs_in_and_out, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let client = app.client();
    let response = client.login(&email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-solidarnist-session="))
        .expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(
        !cookie.contains("Domain"),
        "__Host- cookies carry no Domain"
    );
    let (status, _) = client.get_text("/unions").await;
    assert_eq!(status, StatusCode::OK);

    let session = client.cookie("__Host-solidarnist-session").unwrap();
    let response = client.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The old session id no longer works, even if someone kept it.
    let thief = app.client();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "cookie",
        format!("__Host-solidarnist-session={session}")
            .parse()
            .unwrap(),
    );
    let response = thief
        .request(reqwest::Method::GET, "/unions", headers, None)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
});

db_test!(login_gives_a_new_session_id_each_time, |app| {
    let email = app.user(Role::Speaker, &[]).await;
    let client = app.client();
    client.login(&email, PASSWORD).await;
    let first = client.cookie("__Host-solidarnist-session").unwrap();
    client.login(&email, PASSWORD).await;
    let second = client.cookie("__Host-solidarnist-session").unwrap();
    assert_ne!(first, second);
    assert_eq!(first.len(), 32, "128 bits as hex");
});

db_test!(login_does_not_tell_known_from_unknown_emails, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let a = app.client();
    let b = app.client();
    // Both clients share a CSRF token shape but not a value; compare bodies
    // with the token taken out.
    let known = a.login(&email, "wrong password entirely").await;
    let known_status = known.status();
    let known_body = known.text().await.unwrap();
    let unknown = b
        .login("nobody-here@test.example", "wrong password entirely")
        .await;
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.unwrap();
    assert_eq!(known_status, StatusCode::UNAUTHORIZED);
    assert_eq!(known_status, unknown_status);
    let strip = |body: &str, email: &str| {
        body.replace(&crate::helpers::extract_csrf(body).unwrap(), "TOKEN")
            .replace(email, "EMAIL")
    };
    assert_eq!(
        strip(&known_body, &email),
        strip(&unknown_body, "nobody-here@test.example")
    );
    assert!(known_body.contains("do not match an account"));
});

db_test!(repeated_bad_logins_are_throttled_per_account, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let client = app.client();
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(client.login(&email, "not the password").await.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Once throttled, even the right password waits.
    let response = client.login(&email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account is not locked out by it (different account, same address, under the IP limit).
    let other = app.user(Role::Coordinator, &[]).await;
    assert_eq!(
        app.client().login(&other, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
});

db_test!(
    bad_logins_from_one_address_are_throttled_across_accounts,
    |app| {
        let client = app.client();
        let mut last = StatusCode::OK;
        for i in 0..25 {
            last = client
                .login(&format!("guess{i}@test.example"), "not the password")
                .await
                .status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
);

db_test!(unknown_api_tokens_get_401, |app| {
    let mut client = app.client();
    client.bearer = Some("sol_0000000000000000000000000000000000000000".into());
    let (status, body) = client.get_json("/api/v1/unions").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, body) = app.client().get_json("/api/v1/unions").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
});

db_test!(tokens_are_stored_hashed, |app| {
    let client = app.api_as(Role::Coordinator, &[]).await;
    let token = client.bearer.clone().unwrap();
    use sqlx::Row;
    let rows = sqlx::query("SELECT token_hash FROM api_tokens")
        .fetch_all(app.db.read())
        .await
        .unwrap();
    for row in rows {
        let stored: String = row.try_get("token_hash").unwrap();
        assert_ne!(stored, token);
        assert!(!stored.contains(&token[4..]));
    }
    let (status, _) = client.get_json("/api/v1/unions").await;
    assert_eq!(status, StatusCode::OK);
});

db_test!(
    the_first_admin_is_made_through_the_one_time_setup_link,
    |app| {
        let token = solidarnist::accounts::pages::issue_setup_token(&app.db)
            .await
            .unwrap()
            .expect("no admin yet");
        let client = app.client();
        assert_eq!(
            client.get("/setup?token=wrong").await.status(),
            StatusCode::NOT_FOUND
        );
        let (status, html) = client.get_text(&format!("/setup?token={token}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Create the first administrator"));

        // Mistakes come back beside their fields, keeping what was typed.
        let response = client
            .post_form(
                "/setup",
                &[
                    ("token", &token),
                    ("name", "Olena"),
                    ("email", "olena@test.example"),
                    ("password", "short"),
                    ("password_confirm", "short"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("at least 8 characters"));
        assert!(html.contains("value=\"olena@test.example\""));

        let response = client
            .post_form(
                "/setup",
                &[
                    ("token", &token),
                    ("name", "Olena"),
                    ("email", "olena@test.example"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = client.get_text("/").await;
        assert!(html.contains("Olena · Administrator"));

        // The link works once only.
        let again = app.client();
        assert_eq!(
            again.get(&format!("/setup?token={token}")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert!(solidarnist::accounts::pages::issue_setup_token(&app.db)
            .await
            .unwrap()
            .is_none());
    }
);

db_test!(user_add_checks_what_a_person_could_get_wrong, |app| {
    let db = &app.db;
    let add = |email: &'static str, role: &'static str, password: &'static str| async move {
        solidarnist::cli::add_user(db, email, role, &[], None, password).await
    };
    assert!(add("not-an-email", "coordinator", PASSWORD)
        .await
        .unwrap_err()
        .contains("not an e-mail"));
    assert!(add("a@test.example", "emperor", PASSWORD)
        .await
        .unwrap_err()
        .contains("unknown role"));
    assert!(add("a@test.example", "branch_officer", PASSWORD)
        .await
        .unwrap_err()
        .contains("--branch"));
    assert!(add("a@test.example", "coordinator", "password1")
        .await
        .unwrap_err()
        .contains("too common"));
    add("a@test.example", "coordinator", PASSWORD)
        .await
        .unwrap();
    assert!(add("A@Test.Example", "coordinator", PASSWORD)
        .await
        .unwrap_err()
        .contains("already"));
});

db_test!(logs_of_a_login_hold_no_password, |app| {
    // The audit log records the event, never the secret.
    let email = app.user(Role::Coordinator, &[]).await;
    app.client().login(&email, "canary-password-8f3a").await;
    app.client().login(&email, PASSWORD).await;
    use sqlx::Row;
    let rows = sqlx::query("SELECT action, detail FROM audit_log")
        .fetch_all(app.db.read())
        .await
        .unwrap();
    let actions: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>("action").unwrap())
        .collect();
    assert!(actions.contains(&"login_failed".to_owned()));
    assert!(actions.contains(&"login".to_owned()));
    for row in rows {
        let detail: String = row.try_get("detail").unwrap();
        assert!(!detail.contains("canary-password") && !detail.contains(PASSWORD));
    }
});

db_test!(changing_the_password_ends_every_other_session, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let laptop = app.client();
    let phone = app.client();
    laptop.login(&email, PASSWORD).await;
    phone.login(&email, PASSWORD).await;

    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("current", "wrong"),
                ("password", "password"),
                ("password_confirm", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("not your current password"));
    assert!(html.contains("too common"));
    assert!(html.contains("passwords differ"));

    let new = "a brand new long passphrase";
    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The laptop carries on with a fresh session; the phone is signed out.
    assert_eq!(laptop.get("/unions").await.status(), StatusCode::OK);
    assert_eq!(phone.get("/unions").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.client().login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().login(&email, new).await.status(),
        StatusCode::SEE_OTHER
    );
});

db_test!(an_admin_creates_and_disables_accounts, |app| {
    let admin = app.login_as(Role::Admin, &[]).await;
    let union = app
        .union("ASLEF", solidarnist::directory::model::Country::Gb)
        .await;
    let branch = app.branch(union, "Kingsreach Depot").await;
    let branch_text = branch.to_string();

    let response = admin
        .post_form(
            "/admin/accounts",
            &[
                ("name", "New Officer"),
                ("email", "new-officer@test.example"),
                ("role", "branch_officer"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("needs at least one branch"));

    let response = admin
        .post_form(
            "/admin/accounts",
            &[
                ("name", "New Officer"),
                ("email", "new-officer@test.example"),
                ("role", "branch_officer"),
                ("branch", &branch_text),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let officer = app.client();
    assert_eq!(
        officer
            .login("new-officer@test.example", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let api = app.api_for("new-officer@test.example").await;
    assert_eq!(api.get_json("/api/v1/people").await.0, StatusCode::OK);

    let id = solidarnist::auth::store::find_id_by_email(&app.db, "new-officer@test.example")
        .await
        .unwrap()
        .unwrap();
    let response = admin
        .post_form(&format!("/admin/accounts/{id}/disable"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Disabling ends the session and stops the token.
    assert_eq!(officer.get("/people").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        api.get_json("/api/v1/people").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .login("new-officer@test.example", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    admin
        .post_form(&format!("/admin/accounts/{id}/enable"), &[])
        .await;
    assert_eq!(
        app.client()
            .login("new-officer@test.example", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
});

db_test!(the_last_admin_cannot_be_disabled, |app| {
    let email = app.user(Role::Admin, &[]).await;
    let admin = app.client();
    admin.login(&email, PASSWORD).await;
    let id = solidarnist::auth::store::find_id_by_email(&app.db, &email)
        .await
        .unwrap()
        .unwrap();
    let response = admin
        .post_form(&format!("/admin/accounts/{id}/disable"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("last active administrator"));
});

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

fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_solidarnist"))
}

/// The last line a command printed, and whether it succeeded.
fn run(database_url: &str, args: &[&str]) -> (bool, String, String) {
    let out = bin()
        .env("SOLIDARNIST_DATABASE_URL", database_url)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// Tokens are listed and revoked on the account page and the command line;
// an expired or revoked one lets nobody in; a new password and a disabled
// account revoke them all, and enabling the account again revives none.
db_test!(
    tokens_are_listed_revoked_expire_and_never_come_back,
    |app| {
        let email = app.user(Role::Coordinator, &[]).await;
        let page = app.client();
        page.login(&email, PASSWORD).await;
        let response = page
            .post_form(
                "/account/tokens",
                &[("token_name", "report script"), ("expires_in_days", "30")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        let token = html
            .split("value=\"")
            .filter_map(|s| s.split('"').next())
            .find(|v| v.starts_with(solidarnist::auth::TOKEN_PREFIX))
            .expect("the new token is shown once")
            .to_owned();
        let mut script = app.client();
        script.bearer = Some(token.clone());
        assert_eq!(script.get_json("/api/v1/unions").await.0, StatusCode::OK);
        let (_, html) = page.get_text("/account").await;
        assert!(
            html.contains("report script") && !html.contains(&token),
            "shown once"
        );
        let main = &html[html.find("<main").unwrap()..];
        assert!(
            main.contains("report script"),
            "the list is on the page, not in its title"
        );
        let bad = page
            .post_form(
                "/account/tokens",
                &[("token_name", ""), ("expires_in_days", "forever")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The command line lists it, with its expiry, and revokes it.
        let url = app.database_url.clone();
        let (ok, listed, err) = run(&url, &["token", "list", "--email", &email]);
        assert!(ok, "{err}");
        assert!(
            listed.contains("report script") && listed.contains("live"),
            "{listed}"
        );
        let id = listed
            .lines()
            .find(|l| l.contains("report script"))
            .and_then(|l| l.split_whitespace().next())
            .unwrap()
            .to_owned();
        let (ok, _, err) = run(&url, &["token", "revoke", &id]);
        assert!(ok, "{err}");
        assert_eq!(
            script.get_json("/api/v1/unions").await.0,
            StatusCode::UNAUTHORIZED
        );
        let (ok, _, err) = run(&url, &["token", "revoke", &id]);
        assert!(!ok && err.contains("no live token"), "{err}");
        let (_, listed, _) = run(&url, &["token", "list", "--email", &email]);
        assert!(listed.contains("revoked"), "{listed}");

        // An expired token lets nobody in.
        let user = solidarnist::auth::store::find_id_by_email(&app.db, &email)
            .await
            .unwrap()
            .unwrap();
        let expired = format!(
            "{}{}",
            solidarnist::auth::TOKEN_PREFIX,
            solidarnist::auth::random_hex(20)
        );
        solidarnist::auth::store::create_token(
            &app.db,
            user,
            "old",
            &solidarnist::auth::sha256_hex(&expired),
            Some(solidarnist::common::clock::now() - 1),
        )
        .await
        .unwrap();
        script.bearer = Some(expired);
        assert_eq!(
            script.get_json("/api/v1/unions").await.0,
            StatusCode::UNAUTHORIZED
        );

        // Someone else's token cannot be revoked from my page.
        let other = app.api_as(Role::Coordinator, &[]).await;
        let other_email = app.user(Role::Coordinator, &[]).await;
        let other_user = solidarnist::auth::store::find_id_by_email(&app.db, &other_email)
            .await
            .unwrap()
            .unwrap();
        let theirs =
            solidarnist::auth::store::create_token(&app.db, other_user, "theirs", "x", None)
                .await
                .unwrap();
        let response = page
            .post_form(&format!("/account/tokens/{theirs}/revoke"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        drop(other);

        // A new password revokes every token.
        let keep = app.api_for(&email).await;
        assert_eq!(keep.get_json("/api/v1/unions").await.0, StatusCode::OK);
        let new = "a brand new long passphrase";
        let response = page
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
        assert_eq!(
            keep.get_json("/api/v1/unions").await.0,
            StatusCode::UNAUTHORIZED
        );

        // Disabling revokes them; enabling again revives none.
        let speaker = app.user(Role::Speaker, &[]).await;
        let api = app.api_for(&speaker).await;
        assert_eq!(api.get_json("/api/v1/unions").await.0, StatusCode::OK);
        let admin = app.login_as(Role::Admin, &[]).await;
        let id = solidarnist::auth::store::find_id_by_email(&app.db, &speaker)
            .await
            .unwrap()
            .unwrap();
        admin
            .post_form(&format!("/admin/accounts/{id}/disable"), &[])
            .await;
        assert_eq!(
            api.get_json("/api/v1/unions").await.0,
            StatusCode::UNAUTHORIZED
        );
        admin
            .post_form(&format!("/admin/accounts/{id}/enable"), &[])
            .await;
        assert_eq!(
            api.get_json("/api/v1/unions").await.0,
            StatusCode::UNAUTHORIZED,
            "re-enabling never revives a token"
        );
    }
);

// An administrator's one-time link sets a new password once, and ends
// every session and token; asking by e-mail answers the same for any
// address, sends only to real ones, and only so often.
db_test!(reset_links_work_once_and_asking_tells_nothing, |app| {
    let email = app
        .user(
            Role::BranchOfficer,
            &[app
                .branch(
                    app.union("GMB", solidarnist::directory::model::Country::Gb)
                        .await,
                    "Depot",
                )
                .await],
        )
        .await;
    let laptop = app.client();
    laptop.login(&email, PASSWORD).await;
    let api = app.api_for(&email).await;

    let (ok, out, err) = run(
        &app.database_url,
        &[
            "user",
            "reset-password",
            "--email",
            &email,
            "--public-url",
            "https://campaign.example/",
        ],
    );
    assert!(ok, "{err}");
    let link = out.lines().last().unwrap().trim().to_owned();
    assert!(
        link.starts_with("https://campaign.example/reset?token="),
        "{out}"
    );
    let path = link.trim_start_matches("https://campaign.example");
    let visitor = app.client();
    let (status, html) = visitor.get_text(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"password_confirm\""));
    let token = path.split("token=").nth(1).unwrap();
    let weak = visitor
        .post_form(
            "/reset",
            &[
                ("token", token),
                ("password", "Password123!"),
                ("password_confirm", "Password123!"),
            ],
        )
        .await;
    assert_eq!(
        weak.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the policy holds here too"
    );
    let new = "the branch meets on thursdays";
    let done = visitor
        .post_form(
            "/reset",
            &[
                ("token", token),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], "/login?reset=1");
    assert_eq!(
        app.client().login(&email, new).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.client().login(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        laptop.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        api.get_json("/api/v1/unions").await.0,
        StatusCode::UNAUTHORIZED,
        "token revoked"
    );
    // Once only.
    let again = visitor
        .post_form(
            "/reset",
            &[
                ("token", token),
                ("password", "yet another passphrase"),
                ("password_confirm", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(visitor.get(path).await.status(), StatusCode::GONE);

    // Asking by e-mail: the same page for a known and an unknown address.
    let ask = |address: String| {
        let visitor = app.client();
        async move {
            let r = visitor
                .post_form("/reset/request", &[("email", &address)])
                .await;
            (r.status(), r.text().await.unwrap())
        }
    };
    let (known_status, known) = ask(email.clone()).await;
    let (unknown_status, unknown) = ask("nobody-at-all@test.example".into()).await;
    assert_eq!(known_status, StatusCode::OK);
    assert_eq!(unknown_status, StatusCode::OK);
    let strip = |html: &str| {
        html.split("name=\"_csrf\" value=\"")
            .map(|part| part.split_once('"').map_or(part, |(_, rest)| rest))
            .collect::<String>()
    };
    assert_eq!(strip(&known), strip(&unknown));
    async fn sent(app: &crate::helpers::TestApp) -> usize {
        app.outbox()
            .await
            .into_iter()
            .filter(|m| m.kind == "password_reset")
            .count()
    }
    assert_eq!(sent(&app).await, 1, "only the real address gets mail");
    for _ in 0..5 {
        ask(email.clone()).await;
    }
    assert_eq!(
        sent(&app).await,
        3,
        "three an hour per address, then silence"
    );
    let mail = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.kind == "password_reset")
        .unwrap();
    assert!(mail.body.contains("/reset?token="), "{}", mail.body);
});

// An administrator changes an account's role and branches in place; the
// last active administrator keeps the role.
db_test!(an_admin_changes_an_accounts_role_and_branches, |app| {
    let union = app
        .union("RMT", solidarnist::directory::model::Country::Gb)
        .await;
    let first = app.branch(union, "North depot").await;
    let second = app.branch(union, "South depot").await;
    let email = app.user(Role::BranchOfficer, &[first]).await;
    let officer = app.api_for(&email).await;
    let id = solidarnist::auth::store::find_id_by_email(&app.db, &email)
        .await
        .unwrap()
        .unwrap();
    let admin_email = app.user(Role::Admin, &[]).await;
    let admin = app.client();
    admin.login(&admin_email, PASSWORD).await;
    let (status, html) = admin.get_text(&format!("/admin/accounts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("North depot"));
    // An officer needs a branch; a coordinator has none.
    let r = admin
        .post_form(
            &format!("/admin/accounts/{id}"),
            &[("role", "branch_officer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post_form(
            &format!("/admin/accounts/{id}"),
            &[("role", "coordinator"), ("branch", &second.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post_form(
            &format!("/admin/accounts/{id}"),
            &[("role", "branch_officer"), ("branch", &second.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let person = app.person(Some(second), "South person", false).await;
    assert_eq!(
        officer
            .get_json(&format!("/api/v1/people/{person}"))
            .await
            .0,
        StatusCode::OK,
        "the same token now reaches the new branch"
    );
    let north = app.person(Some(first), "North person", false).await;
    assert_eq!(
        officer.get_json(&format!("/api/v1/people/{north}")).await.0,
        StatusCode::NOT_FOUND
    );
    // Promoted to coordinator: no branches, everything in reach.
    let r = admin
        .post_form(&format!("/admin/accounts/{id}"), &[("role", "coordinator")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        officer.get_json(&format!("/api/v1/people/{north}")).await.0,
        StatusCode::OK
    );
    // The only administrator cannot step down.
    let admin_id = solidarnist::auth::store::find_id_by_email(&app.db, &admin_email)
        .await
        .unwrap()
        .unwrap();
    let r = admin
        .post_form(
            &format!("/admin/accounts/{admin_id}"),
            &[("role", "coordinator")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("last active administrator"));
});

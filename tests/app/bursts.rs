//! Limits under bursts: forty requests sent at the same moment, as a script
//! would send them, get no further than the limit lets one request at a
//! time get. Each limit counts and records in one step.

use reqwest::StatusCode;
use solidarnist::auth::Role;

use crate::helpers::{db_test, Client, TestApp};

/// Sends `n` copies of one request at once; the statuses, in any order.
async fn burst<F, Fut>(n: usize, send: F) -> Vec<StatusCode>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        set.spawn(send(i));
    }
    let mut statuses = Vec::with_capacity(n);
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|&&s| s == status).count()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.read())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

db_test!(forty_parallel_wrong_passwords_get_five_tries, |app| {
    let email = app.user(Role::Coordinator, &[]).await;
    let client = app.client();
    // The form's token first, so every request of the burst is a real try.
    client.csrf().await;
    let statuses = burst(40, |_| {
        let (client, email) = (client.clone(), email.clone());
        async move { client.login(&email, "not the password").await.status() }
    })
    .await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        solidarnist::auth::THROTTLE_PER_ACCOUNT as usize,
        "{statuses:?}"
    );
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        40 - solidarnist::auth::THROTTLE_PER_ACCOUNT as usize
    );
    assert_eq!(
        audited(&app, "login_failed").await,
        solidarnist::auth::THROTTLE_PER_ACCOUNT
    );
});

db_test!(
    forty_parallel_guesses_at_many_accounts_get_twenty_tries,
    |app| {
        let client = app.client();
        client.csrf().await;
        let statuses = burst(40, |i| {
            let client = client.clone();
            async move {
                client
                    .login(&format!("guess{i}@test.example"), "not the password")
                    .await
                    .status()
            }
        })
        .await;
        assert_eq!(
            count(&statuses, StatusCode::UNAUTHORIZED),
            solidarnist::auth::THROTTLE_PER_IP as usize,
            "{statuses:?}"
        );
    }
);

db_test!(
    forty_parallel_current_password_guesses_get_five_tries,
    |app| {
        let page = app.login_as(Role::Speaker, &[]).await;
        page.csrf().await;
        let statuses = burst(40, |_| {
            let page: Client = page.clone();
            async move {
                page.post_form(
                    "/account/password",
                    &[
                        ("current", "a wrong guess"),
                        ("password", "a brand new passphrase"),
                        ("password_confirm", "a brand new passphrase"),
                    ],
                )
                .await
                .status()
            }
        })
        .await;
        assert_eq!(
            count(&statuses, StatusCode::UNPROCESSABLE_ENTITY),
            solidarnist::auth::THROTTLE_PER_ACCOUNT as usize,
            "{statuses:?}"
        );
        assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 35);
    }
);

db_test!(forty_parallel_applications_pass_no_more_than_ten, |app| {
    let visitor = app.client();
    visitor.csrf().await;
    let statuses = burst(40, |i| {
        let visitor = visitor.clone();
        async move {
            visitor
                .post_form(
                    "/affiliate",
                    &[
                        ("kind", "branch"),
                        ("organisation", &format!("Burst branch {i} (test)")),
                        ("union_name", "UNISON"),
                        ("members", "120"),
                        ("contact_name", "Sam"),
                        ("contact_email", &format!("sam{i}@burst.test")),
                    ],
                )
                .await
                .status()
        }
    })
    .await;
    assert_eq!(count(&statuses, StatusCode::SEE_OTHER), 10, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 30);
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (_, listed) = coordinator.get_json("/api/v1/affiliations").await;
    assert_eq!(listed["total"], 10);
    let mails = app
        .outbox()
        .await
        .into_iter()
        .filter(|m| m.to_address.ends_with("@burst.test"))
        .count();
    assert!(mails <= 10, "{mails} e-mails went out");
});

db_test!(unknown_api_tokens_are_counted_per_address, |app| {
    let mut client = app.client();
    let mut last = StatusCode::OK;
    for i in 0..25 {
        client.bearer = Some(format!("sol_{i:040}"));
        last = client.get_json("/api/v1/unions").await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
});

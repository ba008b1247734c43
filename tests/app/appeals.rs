//! Appeals and donations: exact money, never counted twice.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{db_test, Body, Client};

async fn open_appeal(api: &Client) -> i64 {
    let (status, appeal) = api
        .json(Method::POST, "/api/v1/appeals", json!({"slug": "donetsk-rescue-workers", "title": "Rescue workers of Donetsk region",
               "title_uk": "Рятувальники Донеччини", "beneficiary": "Rescue workers' union branch (demo)",
               "target": {"amount_minor": 2_000_000, "currency": "GBP"}, "status": "open"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{appeal}");
    appeal["id"].as_i64().unwrap()
}

async fn donate(
    api: &Client,
    appeal: i64,
    key: Option<&str>,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let mut headers = HeaderMap::new();
    if let Some(k) = key {
        headers.insert("idempotency-key", k.parse().unwrap());
    }
    let response = api
        .request(
            Method::POST,
            &format!("/api/v1/appeals/{appeal}/donations"),
            headers,
            Some(Body::Json(body)),
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

db_test!(
    ten_concurrent_requests_with_one_key_record_one_donation,
    |app| {
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let appeal = open_appeal(&coordinator).await;
        let body =
            json!({"amount": {"amount_minor": 2500, "currency": "GBP"}, "donor_name": "A. Donor"});
        let requests = (0..10).map(|_| donate(&coordinator, appeal, Some("key-123"), body.clone()));
        let results = futures_join_all(requests).await;
        let ids: Vec<i64> = results
            .iter()
            .map(|(s, b)| {
                assert_eq!(*s, StatusCode::CREATED, "{b}");
                b["id"].as_i64().unwrap()
            })
            .collect();
        assert!(ids.iter().all(|&id| id == ids[0]), "one donation: {ids:?}");
        let (_, list) = coordinator
            .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
            .await;
        assert_eq!(list["total"], 1);
        let (_, read) = coordinator
            .get_json(&format!("/api/v1/appeals/{appeal}"))
            .await;
        assert_eq!(
            read["totals"],
            json!([{"currency": "GBP", "pledged_minor": 2500, "received_minor": 0, "count": 1}])
        );
        // The same key with another body is a conflict, and records nothing.
        let (status, body) = donate(
            &coordinator,
            appeal,
            Some("key-123"),
            json!({"amount": {"amount_minor": 9999, "currency": "GBP"}}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "idempotency_key_reused");
        assert_eq!(
            coordinator
                .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
                .await
                .1["total"],
            1
        );
    }
);

// A key belongs to whoever sent it: another caller's request under the same
// key is a request of its own, and never answers with the first caller's
// donation. The same request says the same thing however it is written.
db_test!(
    idempotency_keys_are_the_callers_and_compare_what_was_meant,
    |app| {
        let first = app.api_as(Role::Coordinator, &[]).await;
        let second = app.api_as(Role::Coordinator, &[]).await;
        let appeal = open_appeal(&first).await;
        let body =
            json!({"amount": {"amount_minor": 2500, "currency": "GBP"}, "donor_name": "A. Donor"});
        let (status, one) = donate(&first, appeal, Some("shared-key"), body.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{one}");
        let (status, two) = donate(&second, appeal, Some("shared-key"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{two}");
        assert_ne!(one["id"], two["id"], "two callers, two donations");
        // The first caller again, with the keys in another order and the name
        // with spaces around it: the same request, the same donation.
        let (status, again) = donate(
        &first,
        appeal,
        Some("shared-key"),
        json!({"donor_name": "  A. Donor ", "amount": {"currency": "GBP", "amount_minor": 2500}}),
    )
    .await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        assert_eq!(again["id"], one["id"]);
        let (_, list) = first
            .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
            .await;
        assert_eq!(list["total"], 2);
    }
);

/// Runs futures at once (a tiny join_all, so the tests need no crate for it).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.push(r.expect("every future finished"));
    }
    out
}

db_test!(totals_move_with_every_change_and_check_agrees, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let appeal = open_appeal(&coordinator).await;
    let union = app.union("GMB", Country::Gb).await;
    let branch = app.branch(union, "Southmere").await;
    let officer = app.api_as(Role::BranchOfficer, &[branch]).await;

    let (status, pledge) = donate(
        &officer,
        appeal,
        None,
        json!({"amount": {"amount_minor": 50_000, "currency": "GBP"}, "branch_id": branch.0}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{pledge}");
    assert_eq!(pledge["status"], "pledged");
    let (status, _) = donate(
        &coordinator,
        appeal,
        None,
        json!({"amount": {"amount_minor": 100_000, "currency": "UAH"}, "status": "received"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let totals = |app_api: Client| async move {
        app_api
            .get_json(&format!("/api/v1/appeals/{appeal}"))
            .await
            .1["totals"]
            .clone()
    };
    assert_eq!(
        totals(coordinator.clone()).await,
        json!([
            {"currency": "GBP", "pledged_minor": 50_000, "received_minor": 0, "count": 1},
            {"currency": "UAH", "pledged_minor": 0, "received_minor": 100_000, "count": 1}
        ])
    );
    // The coordinator confirms the receipt; the totals move in the same instant.
    let pledge_id = pledge["id"].as_i64().unwrap();
    let (status, received) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/donations/{pledge_id}/receive"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{received}");
    assert_eq!(
        totals(coordinator.clone()).await[0],
        json!({"currency": "GBP", "pledged_minor": 0, "received_minor": 50_000, "count": 1})
    );
    // A received donation cannot be cancelled; a cancelled pledge cannot be received.
    let (status, _) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/donations/{pledge_id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, second) = donate(
        &officer,
        appeal,
        None,
        json!({"amount": {"amount_minor": 1_000, "currency": "GBP"}, "branch_id": branch.0}),
    )
    .await;
    let second_id = second["id"].as_i64().unwrap();
    assert_eq!(
        officer
            .json(
                Method::POST,
                &format!("/api/v1/donations/{second_id}/cancel"),
                json!({})
            )
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/donations/{second_id}/receive"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "not_allowed_now");
    // Officers cannot confirm receipts.
    let (_, third) = donate(
        &officer,
        appeal,
        None,
        json!({"amount": {"amount_minor": 700, "currency": "GBP"}, "branch_id": branch.0}),
    )
    .await;
    let (status, _) = officer
        .json(
            Method::POST,
            &format!("/api/v1/donations/{}/receive", third["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let differences = solidarnist::appeals::store::check_totals(&app.db)
        .await
        .unwrap();
    assert!(differences.is_empty(), "{differences:?}");
    // Tampering is found.
    app.db
        .write_one(sqlx::query(
            "UPDATE appeal_totals SET received_minor = received_minor + 1 WHERE currency = 'GBP'",
        ))
        .await
        .unwrap();
    let differences = solidarnist::appeals::store::check_totals(&app.db)
        .await
        .unwrap();
    assert_eq!(differences.len(), 1);
    assert_eq!(differences[0].currency, "GBP");
});

db_test!(bad_money_and_closed_appeals_are_refused_clearly, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let appeal = open_appeal(&coordinator).await;
    for (amount, why) in [
        (json!({"amount_minor": 0, "currency": "GBP"}), "zero"),
        (json!({"amount_minor": -500, "currency": "GBP"}), "negative"),
        (
            json!({"amount_minor": 9_000_000_000_000_i64, "currency": "GBP"}),
            "absurd",
        ),
    ] {
        let (status, body) = donate(&coordinator, appeal, None, json!({"amount": amount})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {body}");
        assert!(
            body["error"]["fields"]["amount"].is_string(),
            "{why}: {body}"
        );
    }
    let (status, body) = donate(
        &coordinator,
        appeal,
        None,
        json!({"amount": {"amount_minor": 5, "currency": "XYZ"}}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown currency: {body}"
    );
    let (status, body) = donate(
        &coordinator,
        appeal,
        None,
        json!({"amount_text": "12.345", "currency": "GBP"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["fields"]["amount"],
        "That currency does not have that many decimal places."
    );
    let (status, ok) = donate(&coordinator, appeal, None, json!({"amount_text": "20 грн"})).await;
    assert_eq!(status, StatusCode::CREATED, "{ok}");
    assert_eq!(
        ok["amount"],
        json!({"amount_minor": 2000, "currency": "UAH"})
    );

    let (status, _) = coordinator
        .json(
            Method::PATCH,
            &format!("/api/v1/appeals/{appeal}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = donate(
        &coordinator,
        appeal,
        None,
        json!({"amount": {"amount_minor": 500, "currency": "GBP"}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "appeal_not_open");

    let (status, body) = coordinator
        .json(Method::POST, "/api/v1/appeals", json!({"slug": "donetsk-rescue-workers", "title": "Again", "beneficiary": "x", "target": {"amount_minor": 1, "currency": "GBP"}}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "duplicate slug: {body}");
    let (status, body) = coordinator
        .json(Method::POST, "/api/v1/appeals", json!({"slug": "Bad Slug/", "title": "x", "beneficiary": "x", "target": {"amount_minor": 1, "currency": "GBP"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["slug"].is_string());
});

db_test!(donations_are_seen_only_by_those_who_may, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let appeal = open_appeal(&coordinator).await;
    let union = app.union("PCS", Country::Gb).await;
    let a = app.branch(union, "A").await;
    let b = app.branch(union, "B").await;
    let officer_a = app.api_as(Role::BranchOfficer, &[a]).await;
    let officer_b = app.api_as(Role::BranchOfficer, &[b]).await;
    donate(
        &officer_a,
        appeal,
        None,
        json!({"amount": {"amount_minor": 100, "currency": "GBP"}, "branch_id": a.0}),
    )
    .await;
    donate(
        &coordinator,
        appeal,
        None,
        json!({"amount": {"amount_minor": 300, "currency": "GBP"}, "donor_name": "A person"}),
    )
    .await;
    // An officer records for their own branch only, and sees only its donations.
    let (status, body) = donate(
        &officer_b,
        appeal,
        None,
        json!({"amount": {"amount_minor": 100, "currency": "GBP"}, "branch_id": a.0}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, list) = officer_b
        .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
        .await;
    assert_eq!(list["total"], 0);
    let (_, list) = officer_a
        .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(
        coordinator
            .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
            .await
            .1["total"],
        2
    );
    // Visitors see the appeal and its totals, not the donations, and not drafts.
    let visitor = app.client();
    let (status, public) = visitor.get_json(&format!("/api/v1/appeals/{appeal}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["totals"][0]["count"], 2);
    assert_eq!(
        visitor
            .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (_, draft) = coordinator
        .json(Method::POST, "/api/v1/appeals", json!({"slug": "next-appeal", "title": "Next", "beneficiary": "x", "target": {"amount_minor": 1, "currency": "GBP"}}))
        .await;
    assert_eq!(
        visitor
            .get_json(&format!("/api/v1/appeals/{}", draft["id"]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(visitor.get_json("/api/v1/appeals").await.1["total"], 1);
});

db_test!(
    branches_pledge_on_the_page_once_however_often_they_click,
    |app| {
        let coordinator_api = app.api_as(Role::Coordinator, &[]).await;
        let appeal = open_appeal(&coordinator_api).await;
        let union = app.union("ASLEF", Country::Gb).await;
        let branch = app.branch(union, "Kingsreach Depot").await;
        let officer = app.login_as(Role::BranchOfficer, &[branch]).await;
        let (status, html) = officer.get_text(&format!("/appeals/{appeal}")).await;
        assert_eq!(status, StatusCode::OK);
        let key = html
            .split("name=\"idempotency_key\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let fields = [
            ("branch_id", branch.to_string()),
            ("amount_text", "£1,250.50".to_owned()),
            ("currency", "GBP".to_owned()),
            ("idempotency_key", key),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // A double click: the same form twice.
        for _ in 0..2 {
            let response = officer
                .post_form(&format!("/appeals/{appeal}/pledge"), &fields)
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let (_, list) = coordinator_api
            .get_json(&format!("/api/v1/appeals/{appeal}/donations"))
            .await;
        assert_eq!(list["total"], 1, "one pledge");
        assert_eq!(
            list["items"][0]["amount"],
            json!({"amount_minor": 125_050, "currency": "GBP"})
        );

        // The coordinator confirms it on the page; the public page shows the progress.
        let coordinator = app.login_as(Role::Coordinator, &[]).await;
        let donation = list["items"][0]["id"].as_i64().unwrap();
        let response = coordinator
            .post_form(&format!("/donations/{donation}/receive"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = app.client().get_text(&format!("/appeals/{appeal}")).await;
        assert!(html.contains("1,250.50 GBP"), "received, shown exactly");
        assert!(
            html.contains("<progress value=\"125050\" max=\"2000000\""),
            "progress toward the target"
        );
        assert!(html.contains("one branch has given"));
        let (_, html) = app
            .client()
            .get_text(&format!("/appeals/{appeal}?lang=uk"))
            .await;
        assert!(html.contains("Рятувальники Донеччини"));

        // A visitor pledges without logging in; the totals count it.
        let visitor = app.client();
        let (_, html) = visitor.get_text(&format!("/appeals/{appeal}")).await;
        let key = html
            .split("name=\"idempotency_key\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let response = visitor
            .post_form(
                &format!("/appeals/{appeal}/public-pledge"),
                &[
                    ("donor_name", "Sam"),
                    ("amount_text", "20 грн"),
                    ("idempotency_key", &key),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // Visitors share one kept rendering of the page, yet it shows the
        // pledge at once and each visitor's forms carry their own keys.
        let (_, first) = app.client().get_text(&format!("/appeals/{appeal}")).await;
        let (_, second) = app.client().get_text(&format!("/appeals/{appeal}")).await;
        assert!(first.contains("20.00 UAH"), "the new pledge is counted");
        let keys = |html: &str| -> Vec<String> {
            html.split("name=\"idempotency_key\" value=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_owned())
                .collect()
        };
        assert!(!keys(&first).is_empty());
        assert!(keys(&first)
            .iter()
            .all(|k| k.len() == 32 && !keys(&second).contains(k)));
        assert!(!first.contains("@@solidarnist"), "no slot left unfilled");
        let (_, read) = coordinator_api
            .get_json(&format!("/api/v1/appeals/{appeal}"))
            .await;
        assert!(read["totals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["currency"] == "UAH" && t["pledged_minor"] == 2000));
        assert!(solidarnist::appeals::store::check_totals(&app.db)
            .await
            .unwrap()
            .is_empty());
    }
);

/// A treasurer's file: `rows` received gifts with references `REF-0..`, one
/// in hryvnias every tenth row; `bad_line` (if any) has an amount no one
/// can read.
fn donations_csv(rows: usize, bad_line: Option<u64>) -> (String, i64, i64) {
    let mut csv = String::from("\u{feff}appeal,amount,currency,status,received_on,branch_id,donor_name,reference,notes\r\n");
    let (mut gbp, mut uah) = (0, 0);
    for i in 0..rows {
        let line = i as u64 + 2;
        let (amount, currency) = if i % 10 == 0 {
            (125_050, "UAH")
        } else {
            (2_500 + i as i64 % 7, "GBP")
        };
        if currency == "UAH" {
            uah += amount;
        } else {
            gbp += amount;
        }
        let text = if Some(line) == bad_line {
            "lots".to_owned()
        } else {
            format!("{}.{:02}", amount / 100, amount % 100)
        };
        csv.push_str(&format!("donetsk-rescue-workers,{text},{currency},received,2026-01-05,,\"Donor, {i}\",REF-{i},\r\n"));
    }
    (csv, gbp, uah)
}

db_test!(
    a_treasurers_file_imports_once_in_batches_and_resumes,
    |app| {
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let appeal = open_appeal(&coordinator).await;
        let dir = tempfile::tempdir().unwrap();

        // A bad row in the second batch: the first batch is in, nothing after it.
        let (broken, _, _) = donations_csv(25_003, Some(15_000));
        let report = solidarnist::appeals::csv::import(&app.db, broken.as_bytes(), None, false)
            .await
            .unwrap();
        assert_eq!(report.inserted, 10_000);
        assert_eq!(
            (report.errors[0].line, report.errors[0].field.as_str()),
            (15_000, "amount")
        );

        // Fixed and run again (here through the command), it resumes.
        let (csv, gbp, uah) = donations_csv(25_003, None);
        let path = dir.path().join("statement.csv");
        std::fs::write(&path, &csv).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_solidarnist"))
            .env("SOLIDARNIST_DATABASE_URL", &app.database_url)
            .args(["import", "donations"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("imported 15003 donations; 10000 already recorded"),
            "{stdout}"
        );

        let (_, read) = coordinator
            .get_json(&format!("/api/v1/appeals/{appeal}"))
            .await;
        let totals = read["totals"].as_array().unwrap();
        let of = |c: &str| {
            totals.iter().find(|t| t["currency"] == c).unwrap()["received_minor"]
                .as_i64()
                .unwrap()
        };
        assert_eq!((of("GBP"), of("UAH")), (gbp, uah));
        assert!(solidarnist::appeals::store::check_totals(&app.db)
            .await
            .unwrap()
            .is_empty());

        // The same file again adds nothing.
        let again = solidarnist::appeals::csv::import(&app.db, csv.as_bytes(), None, false)
            .await
            .unwrap();
        assert_eq!((again.inserted, again.skipped), (0, 25_003));

        // The export is the ledger, in the import's columns; it imports back as nothing new.
        let mut out = Vec::new();
        let count = solidarnist::appeals::csv::export(&app.db, None, &mut out)
            .await
            .unwrap();
        assert_eq!(count, 25_003);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "donetsk-rescue-workers,1250.50,UAH,received,2026-01-05,,\"Donor, 0\",REF-0,"
            ),
            "{}",
            &text[..300]
        );
        let back = solidarnist::appeals::csv::import(&app.db, text.as_bytes(), None, false)
            .await
            .unwrap();
        assert_eq!(
            (back.inserted, back.skipped, back.errors.len()),
            (0, 25_003, 0)
        );

        // A reference twice in one file goes in once, and free text arrives
        // exactly as written, quotes, backslashes and Cyrillic included.
        let twice = "appeal,amount,currency,status,donor_name,reference,notes\r\n\
            donetsk-rescue-workers,7,GBP,pledged,\"O'Neil \"\"Jo\"\" \\ Петренко\",DUP-1,a\\b\r\n\
            donetsk-rescue-workers,7,GBP,pledged,Other,DUP-1,\r\n";
        let report = solidarnist::appeals::csv::import(&app.db, twice.as_bytes(), None, false)
            .await
            .unwrap();
        assert_eq!(
            (report.inserted, report.skipped),
            (1, 1),
            "{:?}",
            report.errors
        );
        let row = sqlx::query("SELECT donor_name, notes FROM donations WHERE reference = 'DUP-1'")
            .fetch_one(app.db.read())
            .await
            .unwrap();
        use sqlx::Row;
        assert_eq!(
            (
                row.get::<String, _>("donor_name"),
                row.get::<String, _>("notes")
            ),
            ("O'Neil \"Jo\" \\ Петренко".to_owned(), "a\\b".to_owned())
        );
        assert!(solidarnist::appeals::store::check_totals(&app.db)
            .await
            .unwrap()
            .is_empty());

        // Each bad row is named; an unknown appeal and a missing reference too.
        let bad = "appeal,amount,currency,reference\r\nno-such-appeal,5,GBP,R1\r\ndonetsk-rescue-workers,5,XYZ,R2\r\ndonetsk-rescue-workers,5,GBP,\r\n";
        let report = solidarnist::appeals::csv::import(&app.db, bad.as_bytes(), None, false)
            .await
            .unwrap();
        let named: Vec<(u64, &str)> = report
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert!(
            named.contains(&(2, "appeal"))
                && named.contains(&(3, "amount"))
                && named.contains(&(4, "reference")),
            "{named:?}"
        );
        let missing =
            solidarnist::appeals::csv::import(&app.db, "appeal,amount\r\n".as_bytes(), None, false)
                .await;
        assert!(matches!(
            missing,
            Err(solidarnist::appeals::csv::ImportError::MissingColumn(
                "currency"
            ))
        ));

        // A reference already recorded is refused through the API as well.
        let (status, body) = coordinator
            .json(
                Method::POST,
                &format!("/api/v1/appeals/{appeal}/donations"),
                json!({"amount": {"amount_minor": 500, "currency": "GBP"}, "reference": "REF-7"}),
            )
            .await;
        // A duplicate is a conflict, as everywhere else.
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "duplicate", "{body}");
        assert!(
            body["error"]["fields"]["reference"].is_string()
                || body["error"]["fields"].to_string().contains("reference"),
            "{body}"
        );
    }
);

db_test!(
    appeal_descriptions_are_markdown_that_cannot_run_script,
    |app| {
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, appeal) = coordinator
        .json(
            Method::POST,
            "/api/v1/appeals",
            json!({"slug": "generators", "title": "Generators", "beneficiary": "A branch (demo)",
                   "target": {"amount_minor": 100_000, "currency": "GBP"}, "status": "open",
                   "donate_url": "https://donate.example/generators",
                   "description": "They need **generators**.\n\n<script>alert(1)</script>\n\n[more](javascript:alert(2))"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{appeal}");
        let (_, html) = app
            .client()
            .get_text(&format!("/appeals/{}", appeal["id"]))
            .await;
        assert!(html.contains("<strong>generators</strong>"));
        assert!(
            html.contains(r#"<svg role="img" aria-label="QR code of the donation page""#),
            "a QR code of the donation page"
        );
        assert!(
            !html.contains("<script>alert(1)") && !html.contains("javascript:alert(2)\""),
            "{html}"
        );
    }
);

db_test!(
    random_donation_files_are_reported_never_half_written,
    |app| {
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        open_appeal(&coordinator).await;
        // Files of good rows with hostile cells among them: whatever comes in,
        // the import reports (or refuses the file) and the totals stay exact.
        let cells = crate::fuzz::strings(0x0c5f_11e5, 600, 4, crate::fuzz::ANY);
        let mut imported = 0;
        for (n, chunk) in cells.chunks(6).enumerate() {
            let mut csv =
                String::from("appeal,amount,currency,status,received_on,reference,notes\n");
            for (i, cell) in chunk.iter().enumerate() {
                let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
                // A third of the files are good rows with strange but valid
                // notes, a third have hostile amounts, a third rows of noise.
                let printable: String = cell.chars().filter(|c| !c.is_control()).collect();
                let notes = format!("\"{}\"", printable.replace('"', "\"\""));
                let row = match n % 3 {
                    0 => format!(
                        "donetsk-rescue-workers,12.50,GBP,received,2026-01-05,F-{n}-{i},{notes}\n"
                    ),
                    1 => format!(
                        "donetsk-rescue-workers,{quoted},GBP,received,2026-01-05,F-{n}-{i},\n"
                    ),
                    _ if i % 2 == 0 => format!("{cell},{cell},{cell}\n"),
                    _ => format!(
                        "donetsk-rescue-workers,12.50,GBP,received,2026-01-05,F-{n}-{i},{quoted}\n"
                    ),
                };
                csv.push_str(&row);
            }
            let result =
                solidarnist::appeals::csv::import(&app.db, csv.as_bytes(), None, false).await;
            let stored: i64 = {
                use sqlx::Row;
                sqlx::query("SELECT COUNT(*) AS n FROM donations WHERE reference LIKE $1")
                    .bind(format!("F-{n}-%"))
                    .fetch_one(app.db.read())
                    .await
                    .unwrap()
                    .get("n")
            };
            match result {
                Ok(report) if report.errors.is_empty() => {
                    assert_eq!(stored, report.inserted as i64, "file {n}");
                    imported += report.inserted;
                }
                Ok(report) => {
                    assert!(
                        report.errors.iter().all(|e| e.line >= 2),
                        "{:?}",
                        report.errors
                    );
                    assert_eq!(stored, 0, "file {n} had bad rows, yet some went in");
                }
                Err(solidarnist::appeals::csv::ImportError::Csv(_)) => assert_eq!(stored, 0),
                Err(e) => panic!("file {n}: {e}"),
            }
        }
        assert!(
            imported > 20,
            "only {imported} rows went in: the files miss the point"
        );
        assert!(solidarnist::appeals::store::check_totals(&app.db)
            .await
            .unwrap()
            .is_empty());
    }
);

// A pledge form that comes back with a mistake keeps what was typed, and
// says what is wrong with the amount.
db_test!(a_pledge_with_a_mistake_keeps_what_was_typed, |app| {
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let appeal = open_appeal(&coordinator).await;
    let visitor = app.client();
    let (_, page) = visitor.get_text(&format!("/appeals/{appeal}")).await;
    let key = page
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let response = visitor
        .post_form(
            &format!("/appeals/{appeal}/public-pledge"),
            &[
                ("amount_text", "abc"),
                ("currency", "UAH"),
                ("donor_name", "Maria Test"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"abc\""), "the amount stays");
    assert!(html.contains("value=\"Maria Test\""), "the name stays");
    assert!(
        html.contains("<option value=\"UAH\" selected>"),
        "the currency stays"
    );
    assert!(html.contains("aria-invalid"), "the amount is marked");
});

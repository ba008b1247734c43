//! Affiliations: an application goes through to active, is listed in
//! public, and is reminded a month before renewal.

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;

use crate::helpers::db_test;

db_test!(an_application_goes_active_is_listed_and_reminded, |app| {
    // A visitor applies through the public form; the fee comes from the band.
    let visitor = app.client();
    let (status, html) = visitor.get_text("/affiliate").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("50.00 GBP"), "the fee table is shown");
    let response = visitor
        .post_form(
            "/affiliate",
            &[
                ("kind", "branch"),
                ("organisation", "Eastbrook Health branch (demo)"),
                ("union_name", "UNISON"),
                ("members", "1,250"),
                ("contact_name", "Sam Okafor"),
                ("contact_email", "Sam@Eastbrook.test"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, thanks) = visitor.get_text(&location).await;
    assert!(thanks.contains("100.00 GBP"), "the quoted fee: {location}");
    // An address written by hand cannot put words or made-up fees on the page.
    let (_, forged) = visitor
        .get_text("/affiliate?applied=Pay%20cash%20to%20Bob%201.00%20GBP")
        .await;
    assert!(
        !forged.contains("will be"),
        "no fee quoted from the address"
    );
    assert!(forged.contains("We will tell you the fee."));

    let ack = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.kind == "affiliation_received")
        .expect("acknowledgement queued");
    assert_eq!(ack.to_address, "sam@eastbrook.test");
    assert!(ack.body.contains("100.00 GBP"), "{}", ack.body);
    // The address is not confirmed: nothing typed into the form is in it.
    for typed in ["Eastbrook", "Sam Okafor", "UNISON"] {
        assert!(
            !ack.subject.contains(typed) && !ack.body.contains(typed),
            "{typed} relayed: {} / {}",
            ack.subject,
            ack.body
        );
    }

    // Not public until a coordinator activates it.
    let (_, list) = visitor.get_text("/affiliates").await;
    assert!(!list.contains("Eastbrook Health branch"));

    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (_, applied) = coordinator
        .get_json("/api/v1/affiliations?status=applied")
        .await;
    assert_eq!(applied["total"], 1);
    let a = &applied["items"][0];
    assert_eq!(
        (a["fee"]["amount_minor"].as_i64(), a["fee_band"].as_str()),
        (Some(10_000), Some("1,000 to 9,999 members"))
    );
    let id = a["id"].as_i64().unwrap();

    // A national body applies through the API and is listed first once active.
    let (status, national) = coordinator
        .json(
            Method::POST,
            "/api/v1/affiliations",
            json!({"kind": "national", "organisation": "PCS", "union_name": "PCS", "members": 180000,
                   "contact_name": "National office", "contact_email": "office@pcs.test"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{national}");
    let national_id = national["id"].as_i64().unwrap();

    // Lapsing an application is not a move it can make.
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/affiliations/{id}/lapse"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    for target in [id, national_id] {
        let (status, active) = coordinator
            .json(
                Method::POST,
                &format!("/api/v1/affiliations/{target}/activate"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{active}");
        assert_eq!(active["status"], "active");
        assert!(active["renewal_on"].as_str().is_some());
    }
    let (_, list) = visitor.get_text("/affiliates").await;
    let (pcs, branch) = (
        list.find("PCS").unwrap(),
        list.find("Eastbrook Health branch").unwrap(),
    );
    assert!(pcs < branch, "national bodies come first");
    assert!(
        !list.contains("sam@eastbrook.test"),
        "contact details stay private"
    );

    // No reminder while renewal is a year away; one, once, when it is near.
    assert_eq!(
        solidarnist::affiliations::actions::queue_renewal_reminders(&app.db)
            .await
            .unwrap(),
        0
    );
    let soon = solidarnist::common::clock::today()
        .checked_add(jiff::Span::new().days(20))
        .unwrap()
        .to_string();
    app.db
        .write_one(
            sqlx::query("UPDATE affiliations SET renewal_on = $1 WHERE id = $2")
                .bind(soon.clone())
                .bind(id),
        )
        .await
        .unwrap();
    assert_eq!(
        solidarnist::affiliations::actions::queue_renewal_reminders(&app.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        solidarnist::affiliations::actions::queue_renewal_reminders(&app.db)
            .await
            .unwrap(),
        0
    );
    let reminder = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.kind == "affiliation_renewal")
        .expect("renewal reminder queued");
    assert_eq!(reminder.to_address, "sam@eastbrook.test");
    assert!(reminder.body.contains(&soon), "{}", reminder.body);

    // Lapsed, it leaves the public list; renewed, it is active for another year.
    let (status, _) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/affiliations/{id}/lapse"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = visitor.get_text("/affiliates").await;
    assert!(!list.contains("Eastbrook Health branch"));
    let (_, renewed) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/affiliations/{id}/activate"),
            json!({}),
        )
        .await;
    assert_eq!(renewed["status"], "active");
    assert_ne!(renewed["renewal_on"].as_str(), Some(soon.as_str()));
});

db_test!(
    bad_applications_name_each_field_and_fees_are_editable,
    |app| {
        let visitor = app.client();
        let response = visitor
            .post_form(
                "/affiliate",
                &[
                    ("kind", "guild"),
                    ("members", "lots"),
                    ("contact_email", "not an address"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("aria-invalid"), "fields are marked");
        assert!(html.contains("value=\"lots\""), "what was typed is kept");

        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, body) = coordinator
            .json(
                Method::POST,
                "/api/v1/affiliations",
                json!({"kind": "branch", "members": -3}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = coordinator
            .get_json("/api/v1/affiliations?status=sleeping")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = coordinator.get_json("/api/v1/affiliations/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The coordinator changes a band's fee on the page; new quotes use it.
        let staff = app.login_as(Role::Coordinator, &[]).await;
        let bands = solidarnist::affiliations::store::fee_bands(&app.db)
            .await
            .unwrap();
        let small = bands.iter().find(|b| b.min_members == 1).unwrap().id;
        let bad = staff
            .post_form(&format!("/affiliations/fees/{small}"), &[("fee", "twenty")])
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let ok = staff
            .post_form(&format!("/affiliations/fees/{small}"), &[("fee", "£30")])
            .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let (_, a) = coordinator
        .json(
            Method::POST,
            "/api/v1/affiliations",
            json!({"kind": "branch", "organisation": "Small branch", "union_name": "GMB", "members": 40,
                   "contact_name": "Jo", "contact_email": "jo@small.test"}),
        )
        .await;
        assert_eq!(a["fee"], json!({"amount_minor": 3000, "currency": "GBP"}));
        let (status, page) = staff.get_text("/affiliations").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Small branch"));
    }
);

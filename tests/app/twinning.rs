//! Twinning: suggestions, the board, the link's life and log, needs, and
//! the protection of partners at risk.

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{db_test, ids, PASSWORD};

db_test!(
    a_link_goes_from_the_board_to_active_with_a_log_in_both_languages,
    |app| {
        let logins = solidarnist::demo::load(&app.db, &app.base_url())
            .await
            .unwrap()
            .unwrap();
        let coordinator_login = logins.iter().find(|l| l.role == Role::Coordinator).unwrap();
        let coordinator = app.client();
        coordinator
            .login(&coordinator_login.email, &coordinator_login.password)
            .await;

        // The board shows unmatched branches, each with a proposed counterpart and reasons.
        let (status, html) = coordinator
            .get_text("/twinnings/board?sector=emergency_services")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Same sector: Emergency services."),
            "reasons in words"
        );
        assert!(
            html.contains("Has no twin yet.") || html.contains("Already has"),
            "the load is a reason too"
        );
        assert!(html.contains("By Ukrainian union"), "the balance view");

        // The API ranks the same way: same sector first.
        let api = app.api_for(&coordinator_login.email).await;
        let (_, branches) = api
            .get_json("/api/v1/branches?q=Kelderby%20Fire&per_page=5")
            .await;
        let gb = branches["items"][0]["id"].as_i64().unwrap();
        let (status, suggestions) = api
            .get_json(&format!("/api/v1/twinnings/suggestions?branch_id={gb}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{suggestions}");
        let best = &suggestions["items"][0];
        assert!(
            best["reasons"][0]
                .as_str()
                .unwrap()
                .starts_with("Same sector"),
            "{best}"
        );
        let ua = best["branch_id"].as_i64().unwrap();
        let (_, ua_branch) = api.get_json(&format!("/api/v1/branches/{ua}")).await;
        assert_eq!(ua_branch["country"], "UA");

        // Proposed from the board's form.
        let response = coordinator
            .post_form(
                "/twinnings/new",
                &[
                    ("gb_branch_id", &gb.to_string()),
                    ("ua_branch_id", &ua.to_string()),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let link_path = response.headers()["location"].to_str().unwrap().to_owned();
        let link_id = link_path.rsplit('/').next().unwrap().to_owned();

        // Both branches' officers see it and move it on, each in their own language.
        let gb_officer = app
            .user(Role::BranchOfficer, &[solidarnist::directory::BranchId(gb)])
            .await;
        let ua_officer = app
            .user(Role::BranchOfficer, &[solidarnist::directory::BranchId(ua)])
            .await;
        let gb_client = app.client();
        gb_client.login(&gb_officer, PASSWORD).await;
        let ua_client = app.client();
        ua_client.login(&ua_officer, PASSWORD).await;
        ua_client
            .post_form("/lang", &[("lang", "uk"), ("next", "/")])
            .await;
        for (client, verb) in [
            (&gb_client, "introduce"),
            (&ua_client, "agree"),
            (&gb_client, "agree"),
            (&gb_client, "activate"),
        ] {
            let response = client.post_form(&format!("{link_path}/{verb}"), &[]).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{verb}");
        }
        let (_, html) = ua_client.get_text(&link_path).await;
        assert!(
            html.contains("Активний"),
            "the Ukrainian officer reads it in Ukrainian"
        );
        let response = ua_client
            .post_form(
                &format!("{link_path}/activities"),
                &[("kind", "message"), ("note", "Дякуємо за листа!")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = gb_client
            .post_form(
                &format!("{link_path}/activities"),
                &[
                    ("kind", "aid_sent"),
                    ("amount_text", "1,250.00"),
                    ("currency", "GBP"),
                    ("note", "Generator fund"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = gb_client.get_text(&link_path).await;
        assert!(html.contains("Дякуємо за листа!") && html.contains("1,250.00 GBP"));
        let (_, log) = app
            .api_for(&gb_officer)
            .await
            .get_json(&format!("/api/v1/twinnings/{link_id}/activities"))
            .await;
        assert_eq!(log["total"], 2);
        assert_eq!(
            log["items"][0]["amount"],
            json!({"amount_minor": 125000, "currency": "GBP"})
        );

        // An unrelated officer cannot see the link at all.
        let other = app
            .api_as(
                Role::BranchOfficer,
                &[solidarnist::directory::BranchId(gb + 1)],
            )
            .await;
        assert_eq!(
            other
                .get_json(&format!("/api/v1/twinnings/{link_id}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let (status, _) = other
            .json(
                Method::POST,
                &format!("/api/v1/twinnings/{link_id}/pause"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

db_test!(needs_are_posted_adopted_and_delivered, |app| {
    let gb_union = app.union("UNISON", Country::Gb).await;
    let ua_union = app.union("FPU", Country::Ua).await;
    let gb = app.branch(gb_union, "Kelderby Fire").await;
    let ua = app.branch(ua_union, "Rescue workers No. 1").await;
    let ua_officer = app.api_as(Role::BranchOfficer, &[ua]).await;
    let gb_officer = app.api_as(Role::BranchOfficer, &[gb]).await;

    let (status, need) = ua_officer
        .json(
            Method::POST,
            "/api/v1/needs",
            json!({"branch_id": ua.0, "title": "Two thermal imagers", "quantity": 2,
               "cost": {"amount_minor": 9_000_000, "currency": "UAH"}, "urgency": "urgent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{need}");
    let id = need["id"].as_i64().unwrap();
    // Visitors see it on the public page, without the branch's people.
    let (status, html) = app.client().get_text("/needs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Two thermal imagers") && html.contains("90,000.00 UAH"));
    let (_, public) = app.client().get_json("/api/v1/needs").await;
    assert_eq!(ids(&public), vec![id]);

    // A British branch adopts it; nobody else can adopt it again.
    let (status, adopted) = gb_officer
        .json(
            Method::POST,
            &format!("/api/v1/needs/{id}/adopt"),
            json!({"branch_id": gb.0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{adopted}");
    assert_eq!(adopted["status"], "adopted");
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/needs/{id}/adopt"),
            json!({"branch_id": gb.0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Adopted needs leave the public list.
    assert_eq!(app.client().get_json("/api/v1/needs").await.1["total"], 0);
    let (status, delivered) = gb_officer
        .json(
            Method::POST,
            &format!("/api/v1/needs/{id}/deliver"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(delivered["status"], "delivered");

    // Bad needs are refused field by field.
    let (status, body) = ua_officer
        .json(Method::POST, "/api/v1/needs", json!({"branch_id": ua.0, "title": "x", "quantity": -1, "cost": {"amount_minor": -5, "currency": "UAH"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["quantity"].is_string()
            && body["error"]["fields"]["cost"].is_string(),
        "{body}"
    );
    let (status, body) = gb_officer
        .json(
            Method::POST,
            "/api/v1/needs",
            json!({"branch_id": gb.0, "title": "A British need"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["branch_id"].is_string(),
        "needs are Ukrainian branches': {body}"
    );
});

db_test!(bad_links_and_moves_are_refused_clearly, |app| {
    let gb_union = app.union("PCS", Country::Gb).await;
    let ua_union = app.union("KVPU", Country::Ua).await;
    let gb = app.branch(gb_union, "Northgate").await;
    let gb2 = app.branch(gb_union, "Westmoor").await;
    let ua = app.branch(ua_union, "Metro").await;
    let coordinator = app.api_as(Role::Coordinator, &[]).await;

    let (status, body) = coordinator
        .json(
            Method::POST,
            "/api/v1/twinnings",
            json!({"gb_branch_id": gb.0, "ua_branch_id": gb2.0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["ua_branch_id"].is_string(),
        "same side: {body}"
    );
    let (status, link) = coordinator
        .json(
            Method::POST,
            "/api/v1/twinnings",
            json!({"gb_branch_id": gb.0, "ua_branch_id": ua.0}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = coordinator
        .json(
            Method::POST,
            "/api/v1/twinnings",
            json!({"gb_branch_id": gb.0, "ua_branch_id": ua.0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "duplicate");
    let id = link["id"].as_i64().unwrap();
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/twinnings/{id}/activate"),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "proposed cannot jump to active"
    );
    assert_eq!(body["error"]["code"], "not_allowed_now");
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/twinnings/{id}/activities"),
            json!({"kind": "meeting", "happened_on": "2099-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["happened_on"].is_string());
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/twinnings/{id}/activities"),
            json!({"kind": "meeting", "amount": {"amount_minor": 100, "currency": "GBP"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = coordinator.get_json("/api/v1/twinnings/suggestions").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "branch_id is required"
    );
    let (status, _) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/twinnings/{id}/end"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/twinnings/{id}/activities"),
            json!({"kind": "message"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "ended");
});

db_test!(
    quiet_links_turn_dormant_tell_coordinators_and_can_be_revived,
    |app| {
        let gb_union = app.union("GMB", Country::Gb).await;
        let ua_union = app.union("Miners", Country::Ua).await;
        let gb = app.branch(gb_union, "Dunmoor").await;
        let ua = app.branch(ua_union, "Mine No. 7").await;
        app.user(Role::Coordinator, &[]).await;
        let link = app.twinning(gb, ua).await;
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        for verb in ["introduce", "agree?side=gb", "agree?side=ua", "activate"] {
            coordinator
                .json(
                    Method::POST,
                    &format!("/api/v1/twinnings/{link}/{verb}"),
                    json!({}),
                )
                .await;
        }
        assert_eq!(
            solidarnist::twinning::actions::mark_dormant(&app.db, "http://s.test")
                .await
                .unwrap(),
            0,
            "still lively"
        );
        // Ninety-one days of silence.
        app.db.write_one(sqlx::query("UPDATE twinnings SET last_activity_at = last_activity_at - 91 * 24 * 60 * 60 WHERE id = $1")
        .bind(link.0)
        )
        .await
        .unwrap();
        assert_eq!(
            solidarnist::twinning::actions::mark_dormant(&app.db, "http://s.test")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            solidarnist::twinning::actions::mark_dormant(&app.db, "http://s.test")
                .await
                .unwrap(),
            0,
            "once"
        );
        let (_, read) = coordinator
            .get_json(&format!("/api/v1/twinnings/{link}"))
            .await;
        assert_eq!(read["status"], "dormant");
        assert!(app
            .outbox()
            .await
            .iter()
            .any(|m| m.kind == "twinning_dormant" && m.body.contains("ninety days")));
        let (status, revived) = coordinator
            .json(
                Method::POST,
                &format!("/api/v1/twinnings/{link}/activate"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(revived["status"], "active");
    }
);

db_test!(
    partners_at_risk_are_seen_only_by_coordinators_and_their_twins,
    |app| {
        let gb_union = app.union("UNISON", Country::Gb).await;
        let ua_union = app.union("FPU", Country::Ua).await;
        let twin = app.branch(gb_union, "The twin").await;
        let unrelated = app.branch(gb_union, "Unrelated").await;
        let ua = app.branch(ua_union, "Near the front").await;
        let secret = app.person(Some(ua), "Partner At Risk", true).await;
        let link = app.twinning(twin, ua).await;

        // An unrelated officer: not by API, not by page.
        let stranger = app.api_as(Role::BranchOfficer, &[unrelated]).await;
        assert_eq!(
            stranger
                .get_json(&format!("/api/v1/people/{secret}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(stranger.get_json("/api/v1/people").await.1["total"], 0);
        let stranger_page = app.login_as(Role::BranchOfficer, &[unrelated]).await;
        let (_, html) = stranger_page.get_text(&format!("/branches/{ua}")).await;
        assert!(!html.contains("Partner At Risk"));

        // The twin's officer cannot while the link is only proposed, nor
        // once the British side alone has agreed…
        let twin_officer = app.api_as(Role::BranchOfficer, &[twin]).await;
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let path = format!("/api/v1/people/{secret}");
        let read = || twin_officer.get_json(&path);
        assert_eq!(read().await.0, StatusCode::NOT_FOUND, "only proposed");
        for verb in ["introduce", "agree?side=gb"] {
            let (status, body) = coordinator
                .json(
                    Method::POST,
                    &format!("/api/v1/twinnings/{link}/{verb}"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{verb}: {body}");
        }
        assert_eq!(read().await.0, StatusCode::NOT_FOUND, "one side agreed");
        // …but once the Ukrainian side has agreed too, and the view is in
        // the audit log.
        let (status, body) = coordinator
            .json(
                Method::POST,
                &format!("/api/v1/twinnings/{link}/agree?side=ua"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "agreed");
        let (status, person) = twin_officer
            .get_json(&format!("/api/v1/people/{secret}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{person}");
        assert!(person["email"].is_string());
        use sqlx::Row;
        let views: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'view_at_risk'")
                .fetch_one(app.db.read())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
        assert!(views >= 1);
        // But cannot change them: partners manage their own.
        let (status, _) = twin_officer
            .json(
                Method::PATCH,
                &format!("/api/v1/people/{secret}"),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Exports leave out their contact details unless asked.
        let mut out = Vec::new();
        solidarnist::directory::csv::export(
            &app.db,
            solidarnist::directory::csv::Kind::People,
            &mut out,
            false,
        )
        .await
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Partner At Risk") && !text.contains("@people.example"));

        // A branch marked at risk protects everyone at it; its needs hide its name publicly.
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, _) = coordinator
            .json(
                Method::PATCH,
                &format!("/api/v1/branches/{ua}"),
                json!({"at_risk": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        app.need(ua).await;
        let (_, html) = app.client().get_text("/needs").await;
        assert!(
            !html.contains("Near the front"),
            "the public page withholds an at-risk branch's name"
        );
        assert!(html.contains("details withheld"));
    }
);

// A twinning is agreed only when both branches have agreed, each through
// its own officers; one side cannot agree for the other, nor activate a
// link the other has not agreed to, and a coordinator who agrees for a
// branch is in the audit log.
db_test!(
    each_side_agrees_for_itself_and_contacts_open_only_then,
    |app| {
        let gb_union = app.union("PCS", Country::Gb).await;
        let ua_union = app.union("FPU", Country::Ua).await;
        let gb = app.branch(gb_union, "Civil servants").await;
        let ua = app.branch(ua_union, "Rescue workers").await;
        let partner = app.person(Some(ua), "Partner Contact", false).await;
        let link = app.twinning(gb, ua).await;
        let gb_officer = app.api_as(Role::BranchOfficer, &[gb]).await;
        let ua_officer = app.api_as(Role::BranchOfficer, &[ua]).await;
        let post = |client: &crate::helpers::Client, verb: &str| {
            let path = format!("/api/v1/twinnings/{link}/{verb}");
            let client = client.clone();
            async move { client.json(Method::POST, &path, json!({})).await }
        };
        assert_eq!(post(&gb_officer, "introduce").await.0, StatusCode::OK);
        let (status, body) = post(&gb_officer, "agree").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "introduced", "one side is not both");
        assert!(body["gb_agreed_at"].is_string() && body["ua_agreed_at"].is_null());
        // Not twice, not for the other side, and no activating alone.
        assert_eq!(
            post(&gb_officer, "agree").await.1["error"]["code"],
            "already_agreed"
        );
        assert_eq!(
            post(&gb_officer, "agree?side=ua").await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(post(&gb_officer, "activate").await.0, StatusCode::CONFLICT);
        let people = format!("/api/v1/people/{partner}");
        assert_eq!(gb_officer.get_json(&people).await.0, StatusCode::NOT_FOUND);
        // The Ukrainian side's agreement opens its contacts.
        let (status, body) = post(&ua_officer, "agree").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "agreed");
        assert_eq!(gb_officer.get_json(&people).await.0, StatusCode::OK);
        assert_eq!(post(&gb_officer, "activate").await.0, StatusCode::OK);

        // A coordinator agrees for a branch only by naming it, and it is audited.
        let other_ua = app.branch(ua_union, "Miners").await;
        let second = app.twinning(gb, other_ua).await;
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let path = |verb: &str| format!("/api/v1/twinnings/{second}/{verb}");
        coordinator
            .json(Method::POST, &path("introduce"), json!({}))
            .await;
        let (status, body) = coordinator
            .json(Method::POST, &path("agree"), json!({}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"]["side"].is_string());
        let (status, _) = coordinator
            .json(Method::POST, &path("agree?side=ua"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        use sqlx::Row;
        let audited: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'twinning_agreed_for' AND detail LIKE $1",
    )
    .bind(format!("twinning={second} side=ua%"))
    .fetch_one(app.db.read())
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
        assert_eq!(audited, 1);
    }
);

// Who an at-risk branch is (its name and region) is known only to
// coordinators, its own officers and the branch it has agreed to twin
// with; everyone else, speakers and visitors included, sees "a branch of
// <union> (details withheld)" in every list, page, search and suggestion,
// and every view of the real details is in the audit log.
db_test!(
    an_at_risk_branch_is_withheld_from_those_who_may_not_know_it,
    |app| {
        let gb_union = app.union("UNISON", Country::Gb).await;
        let ua_union = app.union("FPU", Country::Ua).await;
        let gb = app.branch(gb_union, "Cardiff health").await;
        let unrelated = app.branch(gb_union, "Swansea health").await;
        let ua = app.branch(ua_union, "Near the front").await;
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, body) = coordinator
            .json(
                Method::PATCH,
                &format!("/api/v1/branches/{ua}"),
                json!({"at_risk": true, "region": "Donetsk oblast", "name_uk": "Біля фронту"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let link = app.twinning(gb, ua).await;
        app.need(ua).await;

        let speaker = app.api_as(Role::Speaker, &[]).await;
        let stranger = app.api_as(Role::BranchOfficer, &[unrelated]).await;
        let gb_officer = app.api_as(Role::BranchOfficer, &[gb]).await;
        let ua_email = app.user(Role::BranchOfficer, &[ua]).await;
        let ua_officer = app.api_for(&ua_email).await;
        let one = format!("/api/v1/branches/{ua}");
        let withheld = |b: &serde_json::Value| {
            b["withheld"] == true
                && b["name"].as_str().unwrap().contains("details withheld")
                && b["region"] == ""
                && !b.to_string().contains("front")
                && !b.to_string().contains("Donetsk")
        };
        // Speakers, unrelated officers, and the British side of a link
        // that is only proposed: withheld everywhere they look.
        for client in [&speaker, &stranger, &gb_officer] {
            let (status, b) = client.get_json(&one).await;
            assert_eq!(status, StatusCode::OK);
            assert!(withheld(&b), "{b}");
            let (_, list) = client.get_json("/api/v1/branches?per_page=100").await;
            let listed: Vec<_> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|b| b["id"] == ua.0)
                .collect();
            assert_eq!(listed.len(), 1);
            assert!(withheld(listed[0]), "{list}");
            for search in ["q=front", "region=Donetsk%20oblast"] {
                let (_, found) = client.get_json(&format!("/api/v1/branches?{search}")).await;
                assert_eq!(found["total"], 0, "{search} finds it: {found}");
            }
        }
        // Nor by its place in a list: withheld branches come last, not in
        // the alphabetical place their real name would give them.
        app.branch(ua_union, "Zaporizhzhia depot").await;
        let (_, listed) = speaker
            .get_json("/api/v1/branches?country=UA&per_page=100")
            .await;
        let names: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert!(
            names.last().unwrap().contains("details withheld"),
            "{names:?}"
        );
        let page = app.login_as(Role::Speaker, &[]).await;
        for path in ["/branches".to_owned(), format!("/branches/{ua}")] {
            let (status, html) = page.get_text(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(
                !html.contains("Near the front") && !html.contains("Donetsk"),
                "{path}"
            );
            assert!(html.contains("details withheld"), "{path}");
        }
        // A search by its region (the words typed are echoed back) finds nothing.
        let (_, html) = page.get_text("/branches?region=Donetsk+oblast").await;
        assert!(!html.contains("details withheld") && !html.contains("Near the front"));
        let officer_page = app.login_as(Role::BranchOfficer, &[gb]).await;
        for path in ["/twinnings".to_owned(), format!("/twinnings/{link}")] {
            let (_, html) = officer_page.get_text(&path).await;
            assert!(!html.contains("Near the front"), "{path}");
            assert!(html.contains("details withheld"), "{path}");
        }
        let (status, suggested) = gb_officer
            .get_json(&format!("/api/v1/twinnings/suggestions?branch_id={gb}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!suggested.to_string().contains("front"), "{suggested}");
        assert!(!suggested.to_string().contains("Donetsk"), "{suggested}");

        // The public needs API does not tie the need to the branch.
        let visitor = app.client();
        let (_, needs) = visitor.get_json("/api/v1/needs").await;
        assert_eq!(
            needs["items"][0]["branch_id"],
            serde_json::Value::Null,
            "{needs}"
        );
        let (_, needs) = visitor
            .get_json(&format!("/api/v1/needs?branch_id={ua}"))
            .await;
        assert_eq!(needs["total"], 0);

        // Its own officers and coordinators know it, and each view is audited.
        use sqlx::Row;
        let audited = || async {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'view_at_risk' AND detail = $1",
            )
            .bind(format!("branch={ua}"))
            .fetch_one(app.db.read())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
        };
        assert_eq!(audited().await, 0, "nobody has seen it yet");
        for client in [&ua_officer, &coordinator] {
            let (_, b) = client.get_json(&one).await;
            assert_eq!(b["name"], "Near the front");
            assert_eq!(b["region"], "Donetsk oblast");
            assert_eq!(b["withheld"], false);
        }
        assert_eq!(audited().await, 2);
        let (_, needs) = coordinator.get_json("/api/v1/needs").await;
        assert_eq!(needs["items"][0]["branch_id"], ua.0);

        // Once both sides have agreed, the twin knows who its partner is.
        for verb in ["introduce", "agree?side=gb", "agree?side=ua"] {
            let (status, body) = coordinator
                .json(
                    Method::POST,
                    &format!("/api/v1/twinnings/{link}/{verb}"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{verb}: {body}");
        }
        let (_, b) = gb_officer.get_json(&one).await;
        assert_eq!(b["name"], "Near the front", "{b}");
        let (_, html) = officer_page.get_text(&format!("/twinnings/{link}")).await;
        assert!(html.contains("Near the front"));
        // Still withheld from the unrelated officer.
        assert!(withheld(&stranger.get_json(&one).await.1));

        // An administrator reads who saw it in the audit log, filtered by
        // record, action and account; nobody else may.
        let admin = app.api_as(Role::Admin, &[]).await;
        let log = format!("/api/v1/audit-log?action=view_at_risk&record=branch={ua}");
        let (status, rows) = admin.get_json(&log).await;
        assert_eq!(status, StatusCode::OK, "{rows}");
        assert!(rows["total"].as_i64().unwrap() >= 3, "{rows}");
        assert!(rows["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["detail"] == format!("branch={ua}") && r["user_email"].is_string()));
        let email = ua_email.as_str();
        let (_, mine) = admin
            .get_json(&format!("{log}&user={}", email.replace('+', "%2B")))
            .await;
        assert_eq!(mine["total"], 1, "{mine}");
        let (status, _) = admin.get_json("/api/v1/audit-log?from=yesterday").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(coordinator.get_json(&log).await.0, StatusCode::FORBIDDEN);
        let admin_page = app.login_as(Role::Admin, &[]).await;
        let (status, html) = admin_page
            .get_text(&format!(
                "/admin/audit?action=view_at_risk&record=branch%3D{ua}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("branch={ua}")) && html.contains(email));
    }
);

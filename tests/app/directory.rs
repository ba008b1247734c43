//! Unions, branches and people through the API and the pages.

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{db_test, ids};

db_test!(the_api_creates_lists_reads_and_edits_unions, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let (status, created) = api
        .json(
            Method::POST,
            "/api/v1/unions",
            json!({"name": "PCS", "name_uk": "ПКС", "country": "GB", "kind": "national_union"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["country"], "GB");
    assert_eq!(created["version"], 1);

    let (status, list) = api.get_json("/api/v1/unions?country=GB").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), vec![id]);
    assert_eq!(list["total"], 1);

    let (status, edited) = api
        .json(
            Method::PATCH,
            &format!("/api/v1/unions/{id}"),
            json!({"name_uk": "Профспілка PCS", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["name"], "PCS");
    assert_eq!(edited["name_uk"], "Профспілка PCS");
    assert_eq!(edited["version"], 2);

    // An edit based on the old version is refused, not silently applied.
    let (status, body) = api
        .json(
            Method::PATCH,
            &format!("/api/v1/unions/{id}"),
            json!({"name": "Lost update", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale");

    let (status, read) = api.get_json(&format!("/api/v1/unions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["name_uk"], "Профспілка PCS");
});

db_test!(bad_input_gets_400_or_422_naming_every_field, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let response = api
        .request(
            Method::POST,
            "/api/v1/unions",
            Default::default(),
            Some(crate::helpers::Body::Raw(
                "application/json",
                b"{\"name\": ".to_vec(),
            )),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed");

    let (status, body) = api
        .json(
            Method::POST,
            "/api/v1/unions",
            json!({"name": "", "country": "FR", "kind": "guild"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid");
    for field in ["name", "country", "kind"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field} not named: {body}"
        );
    }

    let (status, body) = api
        .json(
            Method::POST,
            "/api/v1/branches",
            json!({"union_id": "abc", "name": 42}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["name"].is_string(), "{body}");

    let (status, _) = api.get_json("/api/v1/unions?page=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api.get_json("/api/v1/unions/not-a-number").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.get_json("/api/v1/unions/99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = api
        .request(
            Method::POST,
            "/api/v1/unions",
            Default::default(),
            Some(crate::helpers::Body::Raw("text/plain", b"hello".to_vec())),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
});

db_test!(duplicates_and_records_in_use_are_conflicts, |app| {
    let api = app.api_as(Role::Coordinator, &[]).await;
    let body = json!({"name": "GMB", "country": "GB", "kind": "national_union"});
    let (status, union) = api.json(Method::POST, "/api/v1/unions", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, conflict) = api.json(Method::POST, "/api/v1/unions", body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"]["code"], "duplicate");

    let union_id = union["id"].as_i64().unwrap();
    let (status, branch) = api
        .json(Method::POST, "/api/v1/branches", json!({"union_id": union_id, "name": "Southmere", "region": "South West", "sector": "energy", "size_band": "250_999"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{branch}");
    assert_eq!(
        api.delete(&format!("/api/v1/unions/{union_id}")).await,
        StatusCode::CONFLICT
    );
    let branch_id = branch["id"].as_i64().unwrap();
    let (status, _) = api
        .json(
            Method::POST,
            "/api/v1/people",
            json!({"name": "Sam", "role": "chair", "branch_id": branch_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        api.delete(&format!("/api/v1/branches/{branch_id}")).await,
        StatusCode::CONFLICT
    );
});

db_test!(branches_are_filtered_searched_and_paged, |app| {
    let gb = app.union("UNISON", Country::Gb).await;
    let ua = app.union("Профспілка медиків", Country::Ua).await;
    for i in 0..30 {
        app.branch(gb, &format!("Branch {i:02}")).await;
    }
    app.branch(ua, "Київська лікарня").await;
    let api = app.api_as(Role::Speaker, &[]).await;

    let (_, page1) = api.get_json("/api/v1/branches?per_page=10").await;
    assert_eq!(page1["total"], 31);
    assert_eq!(ids(&page1).len(), 10);
    let (_, page4) = api.get_json("/api/v1/branches?per_page=10&page=4").await;
    assert_eq!(ids(&page4).len(), 1);

    let (_, found) = api
        .get_json("/api/v1/branches?q=%D0%BA%D0%B8%D0%87%D0%B2")
        .await; // "київ", lower case
    assert_eq!(found["total"], 1, "Cyrillic search ignores case: {found}");
    let (_, found) = api.get_json("/api/v1/branches?country=UA").await;
    assert_eq!(found["total"], 1);
    let (_, found) = api
        .get_json(&format!("/api/v1/branches?union_id={gb}&q=branch%2001"))
        .await;
    assert_eq!(found["total"], 1);
    let (status, body) = api.get_json("/api/v1/branches?sector=astrology").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["sector"].is_string());
});

db_test!(an_officer_only_ever_sees_their_own_branches_people, |app| {
    let union = app.union("UCU", Country::Gb).await;
    let a = app.branch(union, "Branch A").await;
    let b = app.branch(union, "Branch B").await;
    let alice = app.person(Some(a), "Alice at A", false).await;
    let bob = app.person(Some(b), "Bob at B", false).await;
    let officer_a = app.api_as(Role::BranchOfficer, &[a]).await;

    let (status, list) = officer_a.get_json("/api/v1/people").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), vec![alice.0]);
    let (status, _) = officer_a.get_json(&format!("/api/v1/people/{bob}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = officer_a
        .get_json(&format!("/api/v1/people?branch_id={b}"))
        .await;
    assert_eq!(list["total"], 0);

    // Nor can they write there, or move their own people there.
    let (status, _) = officer_a
        .json(
            Method::PATCH,
            &format!("/api/v1/people/{bob}"),
            json!({"name": "Taken over"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a.delete(&format!("/api/v1/people/{bob}")).await,
        StatusCode::NOT_FOUND
    );
    let (status, body) = officer_a
        .json(
            Method::POST,
            "/api/v1/people",
            json!({"name": "New", "role": "member", "branch_id": b.0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["branch_id"].is_string());
    let (status, _) = officer_a
        .json(
            Method::PATCH,
            &format!("/api/v1/people/{alice}"),
            json!({"branch_id": b.0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // They can edit their own branch, but not move it to another union, nor edit B.
    let (status, _) = officer_a
        .json(
            Method::PATCH,
            &format!("/api/v1/branches/{a}"),
            json!({"region": "Scotland"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = officer_a
        .json(
            Method::PATCH,
            &format!("/api/v1/branches/{b}"),
            json!({"region": "Scotland"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = app.union("Other", Country::Gb).await;
    let (status, _) = officer_a
        .json(
            Method::PATCH,
            &format!("/api/v1/branches/{a}"),
            json!({"union_id": other.0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The page for branch B shows no people to officer A.
    let page_client = app.login_as(Role::BranchOfficer, &[a]).await;
    let (status, html) = page_client.get_text(&format!("/branches/{b}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Bob at B"));
    let (status, _) = page_client.get_text(&format!("/people/{bob}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = page_client.get_text("/people").await;
    assert!(html.contains("Alice at A") && !html.contains("Bob at B"));
});

db_test!(
    a_form_with_mistakes_keeps_the_input_and_shows_each_error,
    |app| {
        let client = app.login_as(Role::Coordinator, &[]).await;
        let response = client
            .post_form(
                "/unions/new",
                &[
                    ("name", "Typed by hand"),
                    ("name_uk", "Введено вручну"),
                    ("country", ""),
                    ("kind", "nonsense"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("value=\"Typed by hand\""));
        assert!(html.contains("value=\"Введено вручну\""));
        assert!(
            html.contains("id=\"e-country\""),
            "country error shown by its field"
        );
        assert!(
            html.contains("id=\"e-kind\""),
            "kind error shown by its field"
        );
        assert!(html.contains("Please choose one of the options."));

        let response = client
            .post_form(
                "/unions/new",
                &[
                    ("name", "NEU"),
                    ("country", "GB"),
                    ("kind", "national_union"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let (status, html) = client.get_text(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("NEU"));

        // The same name again is an error beside the name, in Ukrainian for a Ukrainian viewer.
        client
            .post_form("/lang", &[("lang", "uk"), ("next", "/")])
            .await;
        let response = client
            .post_form(
                "/unions/new",
                &[
                    ("name", "NEU"),
                    ("country", "GB"),
                    ("kind", "national_union"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Запис із такою назвою вже існує."));
    }
);

db_test!(people_pages_create_edit_and_delete, |app| {
    let union = app.union("GMB", Country::Gb).await;
    let branch = app.branch(union, "Kelderby Ambulance").await;
    let client = app.login_as(Role::BranchOfficer, &[branch]).await;
    let response = client
        .post_form(
            "/people/new",
            &[
                ("name", "Priya Example"),
                ("branch_id", &branch.to_string()),
                ("role", "secretary"),
                ("email", "Priya@Example.org"),
                ("at_risk", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = client.get_text(&location).await;
    assert!(html.contains("priya@example.org"));
    assert!(html.contains("marked at risk"));

    // Unticking the box clears the flag.
    let (_, form) = client.get_text(&format!("{location}/edit")).await;
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let response = client
        .post_form(
            &format!("{location}/edit"),
            &[
                ("name", "Priya Example"),
                ("branch_id", &branch.to_string()),
                ("role", "chair"),
                ("email", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = client.get_text(&location).await;
    assert!(!html.contains("marked at risk"));
    assert!(html.contains("Chair"));

    // A stale form (the old version) is refused with a message, not applied.
    let response = client
        .post_form(
            &format!("{location}/edit"),
            &[
                ("name", "Overwritten"),
                ("branch_id", &branch.to_string()),
                ("role", "chair"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Someone else changed this record"));

    let response = client.post_form(&format!("{location}/delete"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(client.get(&location).await.status(), StatusCode::NOT_FOUND);
});

db_test!(
    lists_have_empty_states_and_names_in_the_viewers_language,
    |app| {
        let client = app.login_as(Role::Coordinator, &[]).await;
        let (_, html) = client.get_text("/branches").await;
        assert!(html.contains("No branches yet."));
        let union = app.union("KVPU", Country::Ua).await;
        let api = app.api_as(Role::Coordinator, &[]).await;
        api.json(
            Method::PATCH,
            &format!("/api/v1/unions/{union}"),
            json!({"name_uk": "КВПУ"}),
        )
        .await;
        let (_, html) = client.get_text("/unions?lang=uk").await;
        assert!(html.contains("КВПУ"));
        let (_, html) = client.get_text("/unions?lang=en").await;
        assert!(html.contains(">KVPU<"));
        let (_, html) = client.get_text("/unions?q=zzz").await;
        assert!(html.contains("Nothing matches these filters."));
    }
);

db_test!(the_demo_data_set_loads_once_with_a_login_per_role, |app| {
    let logins = solidarnist::demo::load(&app.db, &app.base_url())
        .await
        .unwrap()
        .expect("an empty database");
    let roles: Vec<_> = logins.iter().map(|l| l.role).collect();
    for role in Role::ALL {
        assert!(roles.contains(&role), "{role:?} has a login");
    }
    assert!(
        solidarnist::demo::load(&app.db, &app.base_url())
            .await
            .unwrap()
            .is_none(),
        "never twice"
    );
    // The public list of affiliates: national unions first, then branches;
    // the waiting application is not on it.
    let (_, affiliates) = app.client().get_text("/affiliates").await;
    let unison = affiliates.find("UNISON").expect("UNISON is listed");
    let branch = affiliates
        .find("Eastbrook Health branch")
        .expect("the branch is listed");
    assert!(unison < branch);
    assert!(!affiliates.contains("Northfield Region"));
    // The demo appeal's short link answers from the start, with its clicks
    // and a branch copy; the statements read in both languages.
    // (A HEAD request, which a link checker sends: it is not a click, so the
    // counts below are the demo's own whenever the clicks are next written.)
    let r = app
        .client()
        .request(
            Method::HEAD,
            "/s/donetsk",
            reqwest::header::HeaderMap::new(),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let (_, statements) = app.client().get_text("/statements?lang=uk").await;
    assert!(statements.contains("Профспілка рятувальників дякує британським осередкам (демо)"));
    assert!(
        statements.contains("Winter appeal opens (demo)"),
        "shown in the original when untranslated"
    );
    let coordinator = logins.iter().find(|l| l.role == Role::Coordinator).unwrap();
    let (_, stats) = app
        .api_for(&coordinator.email)
        .await
        .get_json("/api/v1/links/donetsk/stats")
        .await;
    assert_eq!(stats["clicks_total"], 52);
    assert_eq!(stats["branches"][0]["clicks_total"], 30);
    let client = app.client();
    assert_eq!(
        client
            .login(&coordinator.email, &coordinator.password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, list) = app
        .api_for(&coordinator.email)
        .await
        .get_json("/api/v1/branches?per_page=200")
        .await;
    assert!(list["total"].as_i64().unwrap() >= 40);
    let (_, unions) = app
        .api_for(&coordinator.email)
        .await
        .get_json("/api/v1/unions?per_page=200")
        .await;
    let names: Vec<&str> = unions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    for name in ["UNISON", "PCS", "ASLEF", "UCU", "GMB", "NUM", "NEU"] {
        assert!(names.contains(&name), "{name} is in the demo data");
    }
    assert!(
        unions["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["country"] == "UA")
            .count()
            >= 4
    );
    // Speakers, and requests in many states.
    let coordinator_api = app.api_for(&coordinator.email).await;
    let (_, speakers) = coordinator_api.get_json("/api/v1/speakers").await;
    assert!(speakers["total"].as_i64().unwrap() >= 4);
    let (_, requests) = coordinator_api
        .get_json("/api/v1/speaker-requests?per_page=200")
        .await;
    let mut states: Vec<&str> = requests["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    states.sort();
    states.dedup();
    for state in ["requested", "offered", "confirmed", "reported", "cancelled"] {
        assert!(states.contains(&state), "{state} in the demo: {states:?}");
    }
    // Twinning links in every state, and needs.
    let (_, links) = coordinator_api
        .get_json("/api/v1/twinnings?per_page=200")
        .await;
    let mut link_states: Vec<&str> = links["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    link_states.sort();
    link_states.dedup();
    assert_eq!(
        link_states,
        [
            "active",
            "agreed",
            "dormant",
            "ended",
            "introduced",
            "proposed"
        ]
    );
    let (_, needs) = coordinator_api.get_json("/api/v1/needs").await;
    assert_eq!(needs["total"], 3);
    // The appeal, with totals that agree with its donations.
    let (_, appeals) = coordinator_api.get_json("/api/v1/appeals").await;
    assert_eq!(appeals["total"], 1);
    assert_eq!(appeals["items"][0]["slug"], "donetsk-rescue-workers");
    assert!(solidarnist::appeals::store::check_totals(&app.db)
        .await
        .unwrap()
        .is_empty());
    // The demo speaker has a profile and sees their own bookings.
    let speaker = logins.iter().find(|l| l.role == Role::Speaker).unwrap();
    let (_, own) = app
        .api_for(&speaker.email)
        .await
        .get_json("/api/v1/speaker-requests")
        .await;
    assert!(own["total"].as_i64().unwrap() >= 1);
});

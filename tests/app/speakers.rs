//! Speakers: requests, matching, the life cycle, double-booking, time
//! zones, calendar feeds and the e-mails that go with them.

use reqwest::{Method, StatusCode};
use serde_json::json;
use solidarnist::auth::Role;
use solidarnist::directory::model::Country;

use crate::helpers::{backend_test, db_test, mail_text, spawn_with_mail, PASSWORD};

/// The first Tuesday after British Summer Time begins in 2027, at 19:00
/// London time: 18:00 UTC, 21:00 in Kyiv.
const AFTER_CLOCK_CHANGE: &str = "2027-04-06";

backend_test!(
    a_branch_books_a_ukrainian_speaker_from_request_to_calendar,
    |backend| {
        let (app, sink) = spawn_with_mail(backend).await;
        let union = app.union("UNISON", Country::Gb).await;
        let branch = app.branch(union, "Eastbrook Health").await;
        let officer_email = app.user(Role::BranchOfficer, &[branch]).await;
        let officer = app.api_for(&officer_email).await;
        let speaker_email = app.user(Role::Speaker, &[]).await;
        let speaker_id = app
            .speaker("Оксана Приклад", Some(&speaker_email), &["uk"])
            .await;
        let other = app
            .speaker("Someone Without The Topic", None, &["en"])
            .await;

        // The officer asks for an online meeting at 19:00 London time.
        let (status, request) = officer
        .json(
            Method::POST,
            "/api/v1/speaker-requests",
            json!({"branch_id": branch.0, "starts_at": format!("{AFTER_CLOCK_CHANGE}T19:00"), "time_zone": "Europe/London",
                   "duration_minutes": 90, "format": "online", "interpretation": true, "topics": ["rescue workers"]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{request}");
        assert_eq!(
            request["starts_at"],
            format!("{AFTER_CLOCK_CHANGE}T19:00:00+01:00")
        );
        assert_eq!(
            request["local_start"],
            format!("{AFTER_CLOCK_CHANGE}T19:00")
        );
        assert_eq!(request["status"], "requested");
        let id = request["id"].as_i64().unwrap();

        // The coordinator sees the speakers ranked, with reasons.
        let coordinator = app.api_as(Role::Coordinator, &[]).await;
        let (status, _) = coordinator
            .json(
                Method::PATCH,
                &format!("/api/v1/speakers/{}", other.0),
                json!({"topics": ["pensions"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, matches) = coordinator
            .get_json(&format!("/api/v1/speaker-requests/{id}/matches"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let first = &matches["items"][0];
        assert_eq!(first["speaker_id"], speaker_id.0);
        assert_eq!(first["available"], true);
        let reasons: Vec<&str> = first["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(
            reasons.iter().any(|r| r.contains("rescue workers")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("interpretation")),
            "{reasons:?}"
        );
        assert!(matches["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["speaker_id"] == other.0));

        let (status, offered) = coordinator
            .json(
                Method::POST,
                &format!("/api/v1/speaker-requests/{id}/offer"),
                json!({"speaker_id": speaker_id.0}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{offered}");
        assert_eq!(offered["status"], "offered");

        // The speaker reads it in Ukrainian, with Kyiv time, and accepts.
        let speaker = app.client();
        speaker.login(&speaker_email, PASSWORD).await;
        speaker
            .post_form("/lang", &[("lang", "uk"), ("next", "/")])
            .await;
        let (status, html) = speaker.get_text(&format!("/speaker-requests/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("21:00"), "Kyiv time is shown");
        assert!(
            html.contains("19:00"),
            "the planned London time is shown too"
        );
        assert!(html.contains("Прийняти"), "the accept button, in Ukrainian");
        let response = speaker
            .post_form(&format!("/speaker-requests/{id}/accept"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, read) = officer
            .get_json(&format!("/api/v1/speaker-requests/{id}"))
            .await;
        assert_eq!(read["status"], "confirmed");

        // E-mails went through a real SMTP listener, each in its reader's language.
        let mails: Vec<String> = sink
            .wait_for(2)
            .await
            .iter()
            .map(|m| mail_text(m))
            .collect();
        let offer = mails
            .iter()
            .find(|m| m.contains("Запрошення виступити"))
            .expect("the offer, in Ukrainian");
        assert!(
            offer.contains("21:00"),
            "the speaker's own (Kyiv) time: {offer}"
        );
        let confirmation = mails
            .iter()
            .find(|m| m.contains("Speaker confirmed"))
            .expect("the confirmation, in English");
        assert!(confirmation.contains("19:00 BST"), "{confirmation}");
        let raw = sink.received().join("\n");
        assert!(raw.contains(&officer_email));

        // The speaker's calendar feed places the meeting at the right instant.
        let speaker_json = coordinator
            .get_json(&format!("/api/v1/speakers/{}", speaker_id.0))
            .await
            .1;
        let feed_url = speaker_json["calendar_url"].as_str().unwrap().to_owned();
        let path = feed_url
            .split_once(&app.addr.to_string())
            .unwrap()
            .1
            .to_owned();
        let (status, ics) = app.client().get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            ics.contains("DTSTART;TZID=Europe/London:20270406T190000"),
            "{ics}"
        );
        let calendar: icalendar::Calendar = ics
            .parse()
            .expect("a standard iCalendar library reads the feed");
        let event = calendar
            .components
            .iter()
            .find_map(|c| match c {
                icalendar::CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .expect("one event");
        use icalendar::Component;
        let start = match event.get_start().unwrap() {
            icalendar::DatePerhapsTime::DateTime(dt) => {
                dt.try_into_utc().expect("the zone is known")
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            start.timestamp(),
            "2027-04-06T18:00:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_second()
        );

        // Without its secret the feed is not there.
        let (status, _) = app
            .client()
            .get_text(&format!(
                "/speakers/{}/calendar.ics?token=guess",
                speaker_id.0
            ))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

db_test!(two_offers_of_one_speaker_at_once_exactly_one_wins, |app| {
    let union = app.union("PCS", Country::Gb).await;
    let branch = app.branch(union, "Northgate").await;
    let speaker = app.speaker("Busy Speaker", None, &["en"]).await;
    let first = app.api_as(Role::Coordinator, &[]).await;
    let second = app.api_as(Role::Coordinator, &[]).await;
    for round in 0..5 {
        // Two requests for overlapping times, offered to one speaker by two
        // coordinators at the same moment.
        let a = app.speaker_request(branch, 200 + round * 24, None).await;
        let b = app.speaker_request(branch, 200 + round * 24, None).await;
        let body = json!({"speaker_id": speaker.0});
        let (path_a, path_b) = (
            format!("/api/v1/speaker-requests/{a}/offer"),
            format!("/api/v1/speaker-requests/{b}/offer"),
        );
        let (ra, rb) = tokio::join!(
            first.json(Method::POST, &path_a, body.clone()),
            second.json(Method::POST, &path_b, body.clone()),
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}: {ra:?} {rb:?}"
        );
        let loser = if ra.0 == StatusCode::CONFLICT {
            ra.1
        } else {
            rb.1
        };
        assert_eq!(loser["error"]["code"], "speaker_not_free");
    }
    // Exactly one booking per slot holds the speaker.
    let (_, list) = first
        .get_json(&format!(
            "/api/v1/speaker-requests?speaker_id={}&per_page=200",
            speaker.0
        ))
        .await;
    assert_eq!(list["total"], 5);
});

db_test!(bad_times_and_moves_get_clear_errors, |app| {
    let union = app.union("GMB", Country::Gb).await;
    let branch = app.branch(union, "Southmere").await;
    let officer = app.api_as(Role::BranchOfficer, &[branch]).await;
    let post = |body: serde_json::Value| {
        let officer = officer.clone();
        async move {
            officer
                .json(Method::POST, "/api/v1/speaker-requests", body)
                .await
        }
    };
    let base = json!({"branch_id": branch.0, "time_zone": "Europe/London", "duration_minutes": 60, "format": "online"});
    let with = |extra: serde_json::Value| {
        let mut b = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (
            json!({"starts_at": "2027-05-01T19:00", "duration_minutes": 0}),
            "duration_minutes",
        ),
        (
            json!({"starts_at": "2027-05-01T19:00", "duration_minutes": 1440}),
            "duration_minutes",
        ),
        (
            json!({"starts_at": "2027-05-01T19:00", "time_zone": "Mars/Olympus"}),
            "time_zone",
        ),
        (json!({"starts_at": "2020-05-01T19:00"}), "date"),
        (json!({"starts_at": "2027-03-28T01:30"}), "time"),
        (json!({"starts_at": "2027-10-31T01:30"}), "time"),
        (json!({"starts_at": "not a time"}), "starts_at"),
        (
            json!({"starts_at": "2027-05-01T19:00", "format": "telepathy"}),
            "format",
        ),
        (
            json!({"starts_at": "2027-05-01T19:00", "format": "in_person"}),
            "place",
        ),
    ];
    for (extra, field) in cases {
        let (status, body) = post(with(extra.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{extra} should name {field}: {body}"
        );
    }
    // A time the clocks pass twice is fine once the caller says which.
    let (status, body) = post(with(
        json!({"starts_at": "2027-10-31T01:30", "fold": "later"}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["starts_at"], "2027-10-31T01:30:00+00:00");
    let (_, body) = post(with(
        json!({"starts_at": "2027-10-31T01:30", "fold": "earlier"}),
    ))
    .await;
    assert_eq!(body["starts_at"], "2027-10-31T01:30:00+01:00");

    // A move the state does not allow is a conflict that says so.
    let (_, created) = post(with(json!({"starts_at": "2027-05-01T19:00"}))).await;
    let id = created["id"].as_i64().unwrap();
    let (status, body) = officer
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{id}/hold"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "not_allowed_now");
    // Officers do not match speakers.
    let (status, _) = officer
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{id}/offer"),
            json!({"speaker_id": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Offering an unknown speaker names the field.
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, body) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{id}/offer"),
            json!({"speaker_id": 99999}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["speaker_id"].is_string());
});

db_test!(officers_and_speakers_see_only_their_own_requests, |app| {
    let union = app.union("UCU", Country::Gb).await;
    let a = app.branch(union, "Branch A").await;
    let b = app.branch(union, "Branch B").await;
    let speaker_email = app.user(Role::Speaker, &[]).await;
    let mine = app.speaker("Me", Some(&speaker_email), &["en"]).await;
    let theirs = app.speaker("Them", None, &["en"]).await;
    let at_a = app.speaker_request(a, 100, Some(mine)).await;
    let at_b = app.speaker_request(b, 300, Some(theirs)).await;

    let officer_a = app.api_as(Role::BranchOfficer, &[a]).await;
    let (_, list) = officer_a.get_json("/api/v1/speaker-requests").await;
    assert_eq!(crate::helpers::ids(&list), vec![at_a.0]);
    assert_eq!(
        officer_a
            .get_json(&format!("/api/v1/speaker-requests/{at_b}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = officer_a
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{at_b}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = officer_a
        .json(Method::POST, "/api/v1/speaker-requests", json!({"branch_id": b.0, "starts_at": "2027-05-01T19:00", "time_zone": "Europe/London", "duration_minutes": 60, "format": "online"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["branch_id"].is_string());

    let speaker = app.api_for(&speaker_email).await;
    let (_, list) = speaker.get_json("/api/v1/speaker-requests").await;
    assert_eq!(crate::helpers::ids(&list), vec![at_a.0]);
    assert_eq!(
        speaker
            .get_json(&format!("/api/v1/speaker-requests/{at_b}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A speaker cannot answer an offer made to someone else.
    let (status, _) = speaker
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{at_b}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor edit another speaker's profile; their own, yes.
    let (status, _) = speaker
        .json(
            Method::PATCH,
            &format!("/api/v1/speakers/{}", theirs.0),
            json!({"bio": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, me) = speaker
        .json(
            Method::PATCH,
            &format!("/api/v1/speakers/{}", mine.0),
            json!({"topics": ["miners", "energy"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["topics"], json!(["miners", "energy"]));
    assert!(
        me["calendar_url"].is_string(),
        "a speaker sees their own feed"
    );
    let (_, them) = speaker
        .get_json(&format!("/api/v1/speakers/{}", theirs.0))
        .await;
    assert!(
        them["calendar_url"].is_null() && them["email"].is_null(),
        "but not another's"
    );
});

/// A meeting 30 hours away at a branch with an officer, offered to a
/// speaker and confirmed by a coordinator: due its reminders.
async fn confirmed_meeting_soon(app: &crate::helpers::TestApp, union: &str, branch: &str) {
    let union = app.union(union, Country::Gb).await;
    let branch = app.branch(union, branch).await;
    app.user(Role::BranchOfficer, &[branch]).await;
    let speaker = app.speaker("Soon Speaker", None, &["en"]).await;
    let soon = app.speaker_request(branch, 30, Some(speaker)).await;
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    let (status, _) = coordinator
        .json(
            Method::POST,
            &format!("/api/v1/speaker-requests/{soon}/confirm"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

db_test!(reminders_and_report_requests_are_queued_once, |app| {
    confirmed_meeting_soon(&app, "ASLEF", "Depot").await;
    let before = app.outbox().await.len();
    let base = "http://solidarnist.test";
    let queued = solidarnist::speakers::reminders::queue_due(&app.db, base)
        .await
        .unwrap();
    assert_eq!(queued, 2, "the branch's officer and the speaker");
    assert_eq!(
        solidarnist::speakers::reminders::queue_due(&app.db, base)
            .await
            .unwrap(),
        0,
        "once only"
    );
    let mails = app.outbox().await;
    assert_eq!(mails.len(), before + 2);
    assert!(mails
        .iter()
        .any(|m| m.kind == "reminder"
            && m.body.contains("http://solidarnist.test/speaker-requests/")));
});

backend_test!(two_outbox_workers_never_send_one_email_twice, |backend| {
    // The app's own worker stays out of the way: these two are the test.
    let app = crate::helpers::TestApp::spawn_with(backend, |c| {
        c.outbox_interval = std::time::Duration::from_secs(3600)
    })
    .await;
    let sink = crate::helpers::SmtpSink::start().await;
    let mut tx = app.db.write().await.unwrap();
    for i in 0..30 {
        let mail = solidarnist::outbox::Mail {
            kind: "test",
            to: format!("reader{i}@test.example"),
            lang: solidarnist::i18n::Lang::En,
            subject: format!("Message {i}"),
            body: "Hello".into(),
        };
        solidarnist::outbox::enqueue(&mut tx, &mail).await.unwrap();
    }
    tx.commit().await.unwrap();
    let worker = |name: &str| solidarnist::outbox::Worker {
        db: app.db.clone(),
        transport: solidarnist::outbox::Transport::from_config(
            Some(&sink.url()),
            std::env::temp_dir(),
        )
        .unwrap(),
        from: "Solidarnist <solidarnist@test.example>".parse().unwrap(),
        interval: std::time::Duration::from_millis(50),
        name: name.into(),
    };
    let (one, two) = (worker("one"), worker("two"));
    let mut sent = 0;
    for _ in 0..4 {
        let (a, b) = tokio::join!(one.send_due(), two.send_due());
        sent += a.unwrap() + b.unwrap();
    }
    assert_eq!(sent, 30);
    let received = sink.received();
    assert_eq!(received.len(), 30, "each e-mail exactly once");
    let mut subjects: Vec<String> = received
        .iter()
        .map(|m| mail_text(m).lines().next().unwrap().to_owned())
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 30);
    assert!(app.outbox().await.iter().all(|m| m.sent));
    // Coordinators see the queue.
    let coordinator = app.login_as(Role::Coordinator, &[]).await;
    let (status, html) = coordinator.get_text("/admin/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Message 29") && html.contains("Sent"));
});

db_test!(
    an_unreachable_mail_server_means_a_retry_later_not_a_loss,
    |app| {
        let mut tx = app.db.write().await.unwrap();
        let mail = solidarnist::outbox::Mail {
            kind: "test",
            to: "reader@test.example".into(),
            lang: solidarnist::i18n::Lang::En,
            subject: "Kept".into(),
            body: "Hello".into(),
        };
        solidarnist::outbox::enqueue(&mut tx, &mail).await.unwrap();
        tx.commit().await.unwrap();
        // Nothing listens on this port.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let worker = solidarnist::outbox::Worker {
            db: app.db.clone(),
            transport: solidarnist::outbox::Transport::from_config(
                Some(&format!("smtp://127.0.0.1:{closed}")),
                std::env::temp_dir(),
            )
            .unwrap(),
            from: "Solidarnist <solidarnist@test.example>".parse().unwrap(),
            interval: std::time::Duration::from_millis(50),
            name: "w".into(),
        };
        assert_eq!(worker.send_due().await.unwrap(), 0);
        let entry = app.outbox().await.into_iter().next().unwrap();
        assert!(!entry.sent && !entry.failed);
        assert_eq!(entry.attempts, 1);
        // Not due again straight away: it backs off.
        assert_eq!(worker.send_due().await.unwrap(), 0);
        assert_eq!(app.outbox().await[0].attempts, 1);
    }
);

db_test!(visitors_ask_through_the_public_form, |app| {
    app.user(Role::Coordinator, &[]).await;
    let visitor = app.client();
    let (status, html) = visitor.get_text("/request-a-speaker").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Invite a speaker"));
    // Mistakes come back by their fields.
    let response = visitor
        .post_form(
            "/request-a-speaker",
            &[
                ("date", "2027-05-01"),
                ("time", "19:00"),
                ("time_zone", "Europe/London"),
                ("duration_minutes", "60"),
                ("format", "online"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-contact_name\""));
    // A robot that fills the hidden field is thanked and forgotten.
    let fields = [
        ("contact_name", "Sam Visitor"),
        ("contact_email", "sam@branch.example"),
        ("branch_text", "GMB Southmere"),
        ("date", "2027-05-01"),
        ("time", "19:00"),
        ("time_zone", "Europe/London"),
        ("duration_minutes", "60"),
        ("format", "online"),
    ];
    let mut robot = fields.to_vec();
    robot.push(("website", "http://spam.example"));
    assert_eq!(
        visitor
            .post_form("/request-a-speaker", &robot)
            .await
            .status(),
        StatusCode::OK
    );
    let coordinator = app.api_as(Role::Coordinator, &[]).await;
    assert_eq!(
        coordinator.get_json("/api/v1/speaker-requests").await.1["total"],
        0
    );
    // A person's request waits for a coordinator, who hears of it.
    let response = visitor.post_form("/request-a-speaker", &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Thank you"));
    let (_, list) = coordinator.get_json("/api/v1/speaker-requests").await;
    assert_eq!(list["total"], 1);
    assert!(list["items"][0]["branch_id"].is_null());
    assert!(app.outbox().await.iter().any(|m| m.kind == "new_request"));
    // Dozens from one address in an hour are refused.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = visitor
            .post_form("/request-a-speaker", &fields)
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        coordinator.get_json("/api/v1/speaker-requests").await.1["total"]
            .as_i64()
            .unwrap()
            <= 5
    );
});

db_test!(the_pages_walk_a_request_through_its_life, |app| {
    let union = app.union("NEU", Country::Gb).await;
    let branch = app.branch(union, "Glenard District").await;
    let officer = app.login_as(Role::BranchOfficer, &[branch]).await;
    let response = officer
        .post_form(
            "/speaker-requests/new",
            &[
                ("branch_id", &branch.to_string()),
                ("date", "2027-10-31"),
                ("time", "01:30"),
                ("time_zone", "Europe/London"),
                ("duration_minutes", "60"),
                ("format", "online"),
            ],
        )
        .await;
    // The clocks go back that night: the form asks which 01:30.
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("name=\"fold\""), "the choice is offered");
    let response = officer
        .post_form(
            "/speaker-requests/new",
            &[
                ("branch_id", &branch.to_string()),
                ("date", "2027-10-31"),
                ("time", "01:30"),
                ("fold", "later"),
                ("time_zone", "Europe/London"),
                ("duration_minutes", "60"),
                ("format", "online"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let speaker = app.speaker("Page Speaker", None, &["en"]).await;

    let coordinator = app.login_as(Role::Coordinator, &[]).await;
    let (_, html) = coordinator.get_text(&location).await;
    assert!(html.contains("Page Speaker"), "the matching list");
    let response = coordinator
        .post_form(
            &format!("{location}/offer"),
            &[("speaker_id", &speaker.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = coordinator
        .post_form(&format!("{location}/confirm"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = officer.get_text(&location).await;
    assert!(html.contains("Confirmed"));
    let (_, html) = officer.get_text("/events").await;
    assert!(html.contains("Page Speaker"));
    // An action the state does not allow shows why, on the page.
    let response = coordinator
        .post_form(&format!("{location}/accept"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = officer
        .post_form(
            &format!("{location}/report"),
            &[("attendance", "40"), ("report", "Good")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("cannot be done in this request"));
    let (status, ics) = officer.get_text(&format!("{location}/event.ics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ics.contains("BEGIN:VEVENT"));
});

db_test!(times_follow_the_viewers_chosen_zone, |app| {
    let union = app.union("FPU", Country::Ua).await;
    let branch = app.branch(union, "Kyiv branch").await;
    // 19:00 London on this date is 21:00 in Kyiv.
    let coordinator = app.login_as(Role::Coordinator, &[]).await;
    let api = app.api_as(Role::Coordinator, &[]).await;
    let (status, r) = api
        .json(Method::POST, "/api/v1/speaker-requests", json!({"branch_id": branch.0, "starts_at": "2027-04-06T19:00", "time_zone": "Europe/London", "duration_minutes": 60, "format": "online"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, html) = coordinator.get_text("/speaker-requests").await;
    assert!(
        html.contains("Tue 6 Apr 2027, 19:00 BST"),
        "London by default"
    );
    let response = coordinator
        .post_form("/account/time-zone", &[("time_zone", "Mars/Base")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = coordinator
        .post_form("/account/time-zone", &[("time_zone", "Europe/Kyiv")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = coordinator.get_text("/speaker-requests").await;
    assert!(
        html.contains("Tue 6 Apr 2027, 21:00 EEST"),
        "the viewer's own zone"
    );
    assert!(
        html.contains("19:00 BST"),
        "and the planned wall clock beside it"
    );
});

// The scheduler runs each area's periodic jobs by itself: a confirmed
// meeting two days away gets its reminders without anyone asking, and the
// outbox sends them.
backend_test!(
    the_scheduler_queues_reminders_that_the_outbox_sends,
    |backend| {
        let sink = crate::helpers::SmtpSink::start().await;
        let url = sink.url();
        let app = crate::helpers::TestApp::spawn_with(backend, move |c| {
            c.smtp_url = Some(url.clone());
            c.outbox_interval = std::time::Duration::from_millis(100);
            c.jobs_interval = std::time::Duration::from_millis(100);
        })
        .await;
        confirmed_meeting_soon(&app, "RMT", "Scheduled Depot").await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let reminders = app
                .outbox()
                .await
                .into_iter()
                .filter(|m| m.kind == "reminder")
                .collect::<Vec<_>>();
            if reminders.len() == 2 && reminders.iter().all(|m| m.sent) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "reminders queued and sent by the app itself: {reminders:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
);

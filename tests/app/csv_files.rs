//! CSV import and export: all or nothing, with a report naming each bad row.

use solidarnist::directory::csv::{self, Kind};
use solidarnist::directory::model::Country;

use crate::helpers::db_test;

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

db_test!(unions_import_with_bom_quotes_and_cyrillic, |app| {
    let mut file = BOM.to_vec();
    file.extend_from_slice(
        "name,name_uk,country,kind\r\n\
         \"Federation of Trade Unions of Ukraine, FPU\",Федерація професійних спілок України,UA,federation\r\n\
         UNISON,ЮНІСОН,GB,national_union\r\n"
            .as_bytes(),
    );
    let report = csv::import(&app.db, Kind::Unions, &file[..]).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inserted, 2);

    // Running it again changes nothing: the rows are already there.
    let report = csv::import(&app.db, Kind::Unions, &file[..]).await.unwrap();
    assert_eq!((report.inserted, report.skipped), (0, 2));

    let mut out = Vec::new();
    let count = csv::export(&app.db, Kind::Unions, &mut out, false)
        .await
        .unwrap();
    assert_eq!(count, 2);
    assert!(
        out.starts_with(BOM),
        "spreadsheets need the byte-order mark"
    );
    let text = String::from_utf8(out[3..].to_vec()).unwrap();
    assert!(text.starts_with("id,name,name_uk,country,kind\r\n"));
    assert!(text.contains("\"Federation of Trade Unions of Ukraine, FPU\",Федерація професійних спілок України,UA,federation"));
});

db_test!(
    a_bad_row_names_its_line_and_field_and_nothing_is_written,
    |app| {
        let file = "name,name_uk,country,kind\n\
                Good Union,,GB,national_union\n\
                ,,GB,national_union\n\
                Another,,FR,guild\n\
                Good Union,,GB,national_union\n";
        let report = csv::import(&app.db, Kind::Unions, file.as_bytes())
            .await
            .unwrap();
        assert_eq!(report.inserted, 0);
        let found: Vec<(u64, &str)> = report
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert!(found.contains(&(3, "name")), "{found:?}");
        assert!(found.contains(&(4, "country")), "{found:?}");
        assert!(found.contains(&(4, "kind")), "{found:?}");
        assert!(
            found.contains(&(5, "name")),
            "duplicate of line 2: {found:?}"
        );
        assert!(
            solidarnist::directory::store::all_unions(&app.db)
                .await
                .unwrap()
                .is_empty(),
            "all or nothing"
        );
    }
);

db_test!(branches_and_people_import_against_the_directory, |app| {
    app.union("PCS", Country::Gb).await;
    let branches = "union,name,name_uk,region,sector,size_band\n\
                    pcs,Northgate Tax Office,,North East,civil_service,250_999\n\
                    PCS,Westmoor Benefits,,West Midlands,civil_service,1000_4999\n";
    let report = csv::import(&app.db, Kind::Branches, branches.as_bytes())
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inserted, 2);
    let bad = "union,name,name_uk,region,sector,size_band\nNo Such Union,X,,Y,health,under_50\nPCS,Z,,Y,astrology,under_50\n";
    let report = csv::import(&app.db, Kind::Branches, bad.as_bytes())
        .await
        .unwrap();
    let found: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(found, vec![(2, "union"), (3, "sector")]);

    let mut out = Vec::new();
    csv::export(&app.db, Kind::Branches, &mut out, false)
        .await
        .unwrap();
    let text = String::from_utf8(out[3..].to_vec()).unwrap();
    let branch_id = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let people = format!(
        "name,email,phone,role,at_risk,branch_id\n\
         Олена Приклад,olena@example.org,+380 44 000 0000,secretary,true,{branch_id}\n\
         Sam Example,sam@example.org,,chair,false,{branch_id}\n"
    );
    let report = csv::import(&app.db, Kind::People, people.as_bytes())
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inserted, 2);

    // People at risk are exported without their contact details unless asked.
    let mut out = Vec::new();
    csv::export(&app.db, Kind::People, &mut out, false)
        .await
        .unwrap();
    let text = String::from_utf8(out[3..].to_vec()).unwrap();
    assert!(text.contains("Олена Приклад"));
    assert!(!text.contains("olena@example.org") && !text.contains("+380"));
    assert!(text.contains("sam@example.org"));
    let mut out = Vec::new();
    csv::export(&app.db, Kind::People, &mut out, true)
        .await
        .unwrap();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("olena@example.org"));
});

db_test!(a_file_without_a_required_column_is_refused, |app| {
    let err = csv::import(
        &app.db,
        Kind::Unions,
        "name,kind\nX,federation\n".as_bytes(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("country"), "{err}");
});

/// Runs the program on a database; its standard output and error.
fn cli(url: &str, args: &[&str]) -> (String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_solidarnist"))
        .env("SOLIDARNIST_DATABASE_URL", url)
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

/// A file's lines without the leading `id` column an import ignores.
fn without_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned())
        .collect()
}

// Every export imports back into an empty instance as itself: formula-like
// cells survive the spreadsheet guard, a donation without a reference gets
// one that stays the same, a cancelled pledge is accepted, and a person
// without an e-mail address is not copied twice by a second import.
db_test!(every_export_imports_back_as_itself, |app| {
    use reqwest::Method;
    use serde_json::json;
    use solidarnist::auth::Role;
    use solidarnist::db::Backend;
    let api = app.api_as(Role::Coordinator, &[]).await;
    let (_, union) = api
        .json(Method::POST, "/api/v1/unions", json!({"name": "=HYPERLINK(\"http://x\",\"Union\")", "country": "GB", "kind": "national_union"}))
        .await;
    let (_, branch) = api
        .json(Method::POST, "/api/v1/branches", json!({"union_id": union["id"], "name": "+Plus branch", "region": "-North", "sector": "health", "size_band": "50_249"}))
        .await;
    let b = branch["id"].as_i64().unwrap();
    for person in [
        json!({"branch_id": b, "name": "Olena Kovalenko", "email": "olena@roundtrip.test", "phone": "+44 20 7946 0000", "role": "secretary"}),
        json!({"branch_id": b, "name": "=cmd|' /C calc'!A0", "role": "member"}),
        json!({"branch_id": b, "name": "No Address", "role": "contact"}),
        json!({"branch_id": b, "name": "At Risk", "email": "risk@roundtrip.test", "role": "member", "at_risk": true}),
    ] {
        let (status, body) = api.json(Method::POST, "/api/v1/people", person).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    }
    let (_, appeal) = api
        .json(
            Method::POST,
            "/api/v1/appeals",
            json!({"slug": "round-trip", "title": "Round trip", "beneficiary": "Rescue workers",
              "target": {"amount_minor": 100_000, "currency": "GBP"}, "status": "open"}),
        )
        .await;
    let appeal = appeal["id"].as_i64().unwrap();
    let donations = format!("/api/v1/appeals/{appeal}/donations");
    for body in [
        json!({"amount": {"amount_minor": 2500, "currency": "GBP"}, "branch_id": b}),
        json!({"amount": {"amount_minor": 500000, "currency": "UAH"}, "status": "received", "reference": "BANK-1", "donor_name": "@donor"}),
        json!({"amount": {"amount_minor": 700, "currency": "GBP"}, "donor_name": "Changed mind"}),
    ] {
        let (status, d) = api.json(Method::POST, &donations, body).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{d}");
        if d["donor_name"] == "Changed mind" {
            let (status, _) = api
                .json(
                    Method::POST,
                    &format!("/api/v1/donations/{}/cancel", d["id"]),
                    json!({}),
                )
                .await;
            assert_eq!(status, reqwest::StatusCode::OK);
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let kinds = ["unions", "branches", "people", "donations"];
    let export = |url: &str, tag: &str| {
        kinds
            .iter()
            .map(|kind| {
                let file = dir.path().join(format!("{tag}-{kind}.csv"));
                cli(url, &["export", kind, "--output", file.to_str().unwrap()]);
                (file.clone(), std::fs::read_to_string(&file).unwrap())
            })
            .collect::<Vec<_>>()
    };
    let first = export(&app.database_url, "a");
    assert!(
        first[0].1.contains("'=HYPERLINK"),
        "a formula is written as text"
    );
    assert!(first[2].1.contains("'+44 20 7946 0000"), "{}", first[2].1);
    assert!(
        first[3].1.contains("solidarnist-"),
        "a stable reference: {}",
        first[3].1
    );

    let other = match app.backend {
        Backend::Sqlite if std::env::var("SOLIDARNIST_TEST_POSTGRES_URL").is_ok() => {
            Backend::Postgres
        }
        _ => Backend::Sqlite,
    };
    let target = crate::helpers::TestApp::spawn(other).await;
    let (status, _) = target
        .api_as(Role::Coordinator, &[])
        .await
        .json(
            Method::POST,
            "/api/v1/appeals",
            json!({"slug": "round-trip", "title": "Round trip", "beneficiary": "Rescue workers",
              "target": {"amount_minor": 100_000, "currency": "GBP"}, "status": "open"}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    for ((file, _), kind) in first.iter().zip(kinds) {
        cli(
            &target.database_url,
            &["import", kind, file.to_str().unwrap()],
        );
    }
    let second = export(&target.database_url, "b");
    for (((_, a), (_, b)), kind) in first.iter().zip(&second).zip(kinds) {
        if kind == "donations" {
            assert_eq!(a, b, "{kind}");
        } else {
            assert_eq!(without_ids(a), without_ids(b), "{kind}");
        }
    }
    // Importing the same files again adds nothing.
    for ((file, _), kind) in first.iter().zip(kinds) {
        let (out, err) = cli(
            &target.database_url,
            &["import", kind, file.to_str().unwrap()],
        );
        let said = format!("{out}{err}");
        assert!(said.contains("imported 0 "), "{kind}: {said}");
    }
    cli(&target.database_url, &["check"]);
});

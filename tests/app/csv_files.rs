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

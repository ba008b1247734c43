//! The demo data set: fictional branches and people in real unions, so that
//! a new instance can be tried out. Every branch, person and account in it
//! is invented; e-mail addresses use the reserved `.example` domain.

use crate::auth::{self, password, store as accounts, Role};
use crate::db::{Db, DbError};
use crate::directory::model::*;
use crate::directory::store;
use crate::i18n::Lang;

/// A login printed by `serve --demo`.
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
}

struct DemoUnion {
    name: &'static str,
    name_uk: &'static str,
    country: Country,
    kind: UnionKind,
}

const UNIONS: &[DemoUnion] = &[
    DemoUnion {
        name: "UNISON",
        name_uk: "ЮНІСОН",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "PCS",
        name_uk: "Профспілка державних і комерційних служб (PCS)",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "ASLEF",
        name_uk: "Профспілка машиністів ASLEF",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "UCU",
        name_uk: "Профспілка університетів і коледжів (UCU)",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "GMB",
        name_uk: "Профспілка GMB",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "NUM",
        name_uk: "Національна профспілка гірників (NUM)",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "NEU",
        name_uk: "Національна освітянська профспілка (NEU)",
        country: Country::Gb,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "Federation of Trade Unions of Ukraine (FPU)",
        name_uk: "Федерація професійних спілок України (ФПУ)",
        country: Country::Ua,
        kind: UnionKind::Federation,
    },
    DemoUnion {
        name: "Confederation of Free Trade Unions of Ukraine (KVPU)",
        name_uk: "Конфедерація вільних профспілок України (КВПУ)",
        country: Country::Ua,
        kind: UnionKind::Confederation,
    },
    DemoUnion {
        name: "Independent Trade Union of Miners of Ukraine",
        name_uk: "Незалежна профспілка гірників України",
        country: Country::Ua,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "Trade Union of Education and Science Workers of Ukraine",
        name_uk: "Профспілка працівників освіти і науки України",
        country: Country::Ua,
        kind: UnionKind::NationalUnion,
    },
    DemoUnion {
        name: "Medical workers' union \"Be Like Us\"",
        name_uk: "Профспілка медичних працівників «Будь як ми»",
        country: Country::Ua,
        kind: UnionKind::NationalUnion,
    },
];

/// (union index, English name, Ukrainian name, region, sector, size)
type DemoBranch = (
    usize,
    &'static str,
    Option<&'static str>,
    &'static str,
    Sector,
    SizeBand,
);

const BRANCHES: &[DemoBranch] = &[
    (
        0,
        "Eastbrook Health (demo)",
        None,
        "North West",
        Sector::Health,
        SizeBand::From1000,
    ),
    (
        0,
        "Marlow Vale County (demo)",
        None,
        "South East",
        Sector::LocalGovernment,
        SizeBand::From5000,
    ),
    (
        0,
        "Kelderby Fire and Rescue Staff (demo)",
        None,
        "Yorkshire and the Humber",
        Sector::EmergencyServices,
        SizeBand::From250,
    ),
    (
        0,
        "Glenard Colleges (demo)",
        None,
        "Scotland",
        Sector::Education,
        SizeBand::From250,
    ),
    (
        0,
        "Tregarth Energy (demo)",
        None,
        "Wales",
        Sector::Energy,
        SizeBand::From50,
    ),
    (
        1,
        "Northgate Tax Office (demo)",
        None,
        "North East",
        Sector::CivilService,
        SizeBand::From250,
    ),
    (
        1,
        "Westmoor Benefits Centre (demo)",
        None,
        "West Midlands",
        Sector::CivilService,
        SizeBand::From1000,
    ),
    (
        1,
        "Ardlinn Courts (demo)",
        None,
        "Scotland",
        Sector::CivilService,
        SizeBand::From50,
    ),
    (
        1,
        "Hollin Cross Museums (demo)",
        None,
        "London",
        Sector::Culture,
        SizeBand::Under50,
    ),
    (
        2,
        "Eastbrook Depot (demo)",
        None,
        "North West",
        Sector::Rail,
        SizeBand::From50,
    ),
    (
        2,
        "Kingsreach Depot (demo)",
        None,
        "London",
        Sector::Rail,
        SizeBand::From250,
    ),
    (
        2,
        "Caer Dathyl Depot (demo)",
        None,
        "Wales",
        Sector::Rail,
        SizeBand::Under50,
    ),
    (
        3,
        "University of Hallowmere (demo)",
        None,
        "East Midlands",
        Sector::HigherEducation,
        SizeBand::From1000,
    ),
    (
        3,
        "Fenwick College (demo)",
        None,
        "East of England",
        Sector::HigherEducation,
        SizeBand::From50,
    ),
    (
        3,
        "Strathcarrow University (demo)",
        None,
        "Scotland",
        Sector::HigherEducation,
        SizeBand::From250,
    ),
    (
        4,
        "Kelderby Ambulance (demo)",
        None,
        "Yorkshire and the Humber",
        Sector::EmergencyServices,
        SizeBand::From250,
    ),
    (
        4,
        "Southmere Energy (demo)",
        None,
        "South West",
        Sector::Energy,
        SizeBand::From250,
    ),
    (
        4,
        "Broadwater Manufacturing (demo)",
        None,
        "West Midlands",
        Sector::Manufacturing,
        SizeBand::From1000,
    ),
    (
        4,
        "Marlow Vale Schools Support (demo)",
        None,
        "South East",
        Sector::Education,
        SizeBand::From50,
    ),
    (
        5,
        "Dunmoor Area (demo)",
        None,
        "Yorkshire and the Humber",
        Sector::Mining,
        SizeBand::Under50,
    ),
    (
        5,
        "Cwm Tawel Lodge (demo)",
        None,
        "Wales",
        Sector::Mining,
        SizeBand::Under50,
    ),
    (
        5,
        "Northfell Lodge (demo)",
        None,
        "North East",
        Sector::Mining,
        SizeBand::Under50,
    ),
    (
        6,
        "Eastbrook District (demo)",
        None,
        "North West",
        Sector::Education,
        SizeBand::From1000,
    ),
    (
        6,
        "Hallowmere District (demo)",
        None,
        "East Midlands",
        Sector::Education,
        SizeBand::From250,
    ),
    (
        6,
        "Kingsreach District (demo)",
        None,
        "London",
        Sector::Education,
        SizeBand::From5000,
    ),
    (
        6,
        "Glenard District (demo)",
        None,
        "Scotland",
        Sector::Education,
        SizeBand::From250,
    ),
    (
        7,
        "Rescue workers' branch No. 1 (demo)",
        Some("Первинна організація рятувальників № 1 (демо)"),
        "Donetsk oblast",
        Sector::EmergencyServices,
        SizeBand::From250,
    ),
    (
        7,
        "City utilities workers (demo)",
        Some("Працівники міських комунальних служб (демо)"),
        "Dnipropetrovsk oblast",
        Sector::LocalGovernment,
        SizeBand::From1000,
    ),
    (
        7,
        "Regional energy workers (demo)",
        Some("Працівники регіональної енергетики (демо)"),
        "Kharkiv oblast",
        Sector::Energy,
        SizeBand::From1000,
    ),
    (
        7,
        "Railway workers of the depot (demo)",
        Some("Залізничники депо (демо)"),
        "Kyiv oblast",
        Sector::Rail,
        SizeBand::From250,
    ),
    (
        8,
        "Hospital nurses' branch (demo)",
        Some("Первинна організація медсестер лікарні (демо)"),
        "Lviv oblast",
        Sector::Health,
        SizeBand::From250,
    ),
    (
        8,
        "Metro workers' branch (demo)",
        Some("Первинна організація працівників метро (демо)"),
        "Kyiv city",
        Sector::Transport,
        SizeBand::From1000,
    ),
    (
        8,
        "Steelworkers' branch (demo)",
        Some("Первинна організація металургів (демо)"),
        "Zaporizhzhia oblast",
        Sector::Manufacturing,
        SizeBand::From5000,
    ),
    (
        8,
        "Emergency service drivers (demo)",
        Some("Водії аварійних служб (демо)"),
        "Mykolaiv oblast",
        Sector::EmergencyServices,
        SizeBand::From50,
    ),
    (
        9,
        "Mine No. 7 branch (demo)",
        Some("Первинна організація шахти № 7 (демо)"),
        "Dnipropetrovsk oblast",
        Sector::Mining,
        SizeBand::From1000,
    ),
    (
        9,
        "Mine rescue team branch (demo)",
        Some("Первинна організація гірничорятувальників (демо)"),
        "Donetsk oblast",
        Sector::Mining,
        SizeBand::From50,
    ),
    (
        9,
        "Mining town branch (demo)",
        Some("Первинна організація шахтарського міста (демо)"),
        "Volyn oblast",
        Sector::Mining,
        SizeBand::From250,
    ),
    (
        10,
        "Village school teachers (demo)",
        Some("Вчителі сільської школи (демо)"),
        "Chernihiv oblast",
        Sector::Education,
        SizeBand::Under50,
    ),
    (
        10,
        "University staff branch (demo)",
        Some("Первинна організація працівників університету (демо)"),
        "Kharkiv oblast",
        Sector::HigherEducation,
        SizeBand::From1000,
    ),
    (
        10,
        "City schools branch (demo)",
        Some("Первинна організація міських шкіл (демо)"),
        "Odesa oblast",
        Sector::Education,
        SizeBand::From250,
    ),
    (
        11,
        "Regional hospital branch (demo)",
        Some("Первинна організація обласної лікарні (демо)"),
        "Kyiv city",
        Sector::Health,
        SizeBand::From250,
    ),
    (
        11,
        "Ambulance station branch (demo)",
        Some("Первинна організація станції швидкої допомоги (демо)"),
        "Kharkiv oblast",
        Sector::Health,
        SizeBand::From50,
    ),
    (
        11,
        "Frontline clinic branch (demo)",
        Some("Первинна організація прифронтової клініки (демо)"),
        "Donetsk oblast",
        Sector::Health,
        SizeBand::Under50,
    ),
];

const GB_NAMES: &[&str] = &[
    "Alex Demo-Marsh",
    "Bea Exampleton",
    "Cal Fictitia",
    "Dana Sampleford",
    "Eli Mockridge",
    "Fran Placeholder",
    "Gus Testwood",
    "Hana Notreal",
    "Ivo Pretendley",
    "Jo Madeupson",
];
const UA_NAMES: &[(&str, &str)] = &[
    ("Oksana Demchenko (demo)", "oksana"),
    ("Taras Prykladenko (demo)", "taras"),
    ("Iryna Vyhadko (demo)", "iryna"),
    ("Mykola Zrazkovyi (demo)", "mykola"),
    ("Halyna Testova (demo)", "halyna"),
    ("Andrii Uiavnyi (demo)", "andrii"),
];
const ROLES: &[BranchRole] = &[
    BranchRole::Secretary,
    BranchRole::InternationalOfficer,
    BranchRole::Chair,
];

/// Loads the demo data into an empty database and returns one login per role;
/// `None` when the database already holds unions or accounts.
pub async fn load(db: &Db) -> Result<Option<Vec<DemoLogin>>, DbError> {
    if !store::all_unions(db).await?.is_empty() || accounts::admin_exists(db).await? {
        return Ok(None);
    }
    let mut tx = db.write().await?;
    let mut union_ids = Vec::new();
    for u in UNIONS {
        let fields = UnionFields {
            name: u.name.to_owned(),
            name_uk: Some(u.name_uk.to_owned()),
            country: u.country,
            kind: u.kind,
        };
        union_ids.push(store::insert_union(&mut tx, &fields).await?);
    }
    let mut branch_ids = Vec::new();
    for (i, &(union, name, name_uk, region, sector, size_band)) in BRANCHES.iter().enumerate() {
        let fields = BranchFields {
            union_id: union_ids[union],
            name: name.to_owned(),
            name_uk: name_uk.map(str::to_owned),
            region: region.to_owned(),
            sector,
            size_band,
            // Ukrainian officers work in Ukrainian, some in English too;
            // branches in Donetsk oblast are near the front line.
            languages: match UNIONS[union].country {
                Country::Gb => vec!["en".to_owned()],
                Country::Ua if i % 2 == 0 => vec!["uk".to_owned(), "en".to_owned()],
                Country::Ua => vec!["uk".to_owned()],
            },
            wished_region: if UNIONS[union].country == Country::Gb
                && sector == Sector::EmergencyServices
            {
                "Donetsk oblast".to_owned()
            } else {
                String::new()
            },
            at_risk: UNIONS[union].country == Country::Ua && region == "Donetsk oblast",
        };
        let id = store::insert_branch(&mut tx, &fields).await?;
        branch_ids.push((id, UNIONS[union].country));
        // Two people at each branch, with fictional names and addresses.
        for k in 0..2 {
            let role = ROLES[(i + k) % ROLES.len()];
            let (name, email) = match UNIONS[union].country {
                Country::Gb => {
                    let name = GB_NAMES[(i * 2 + k) % GB_NAMES.len()];
                    let handle = name.to_lowercase().replace([' ', '-'], ".");
                    (
                        name.to_owned(),
                        format!("{handle}.{}@branch{}.demo.example", k + 1, i + 1),
                    )
                }
                Country::Ua => {
                    let (name, handle) = UA_NAMES[(i * 2 + k) % UA_NAMES.len()];
                    (
                        name.to_owned(),
                        format!("{handle}.{}@branch{}.demo.example", k + 1, i + 1),
                    )
                }
            };
            // A few Ukrainian contacts near the front line are marked at risk.
            let at_risk = UNIONS[union].country == Country::Ua && region == "Donetsk oblast";
            let person = PersonFields {
                branch_id: Some(id),
                name,
                email: Some(email),
                phone: None,
                role,
                at_risk,
            };
            store::insert_person(&mut tx, &person).await?;
        }
    }
    let gb: Vec<_> = branch_ids
        .iter()
        .filter(|b| b.1 == Country::Gb)
        .map(|b| b.0)
        .collect();
    let ua: Vec<_> = branch_ids
        .iter()
        .filter(|b| b.1 == Country::Ua)
        .map(|b| b.0)
        .collect();
    let plan: [(Role, &str, &str, Vec<_>, Option<Lang>); 5] = [
        (
            Role::Admin,
            "admin@demo.example",
            "Demo Admin",
            vec![],
            None,
        ),
        (
            Role::Coordinator,
            "coordinator@demo.example",
            "Demo Coordinator",
            vec![],
            None,
        ),
        (
            Role::BranchOfficer,
            "officer@demo.example",
            "Demo Branch Officer",
            gb[..2].to_vec(),
            None,
        ),
        (
            Role::BranchOfficer,
            "ua-officer@demo.example",
            "Демо Секретар",
            ua[..1].to_vec(),
            Some(Lang::Uk),
        ),
        (
            Role::Speaker,
            "speaker@demo.example",
            "Demo Speaker",
            vec![],
            None,
        ),
    ];
    let mut logins = Vec::new();
    let mut speaker_account = None;
    for (role, email, name, branches, lang) in plan {
        let password = format!("demo-{}", auth::random_hex(6));
        let hash = password::hash(&password);
        let id = accounts::create_user(
            &mut tx,
            accounts::NewUser {
                email,
                name,
                role,
                password_hash: &hash,
                branches: &branches,
                lang,
            },
        )
        .await?;
        if role == Role::Speaker {
            speaker_account = Some(id);
        }
        logins.push(DemoLogin {
            role,
            email: email.to_owned(),
            password,
        });
    }
    speakers_and_requests(&mut tx, speaker_account, &gb).await?;
    let by_index: Vec<crate::directory::BranchId> = branch_ids.iter().map(|b| b.0).collect();
    twinnings_and_needs(&mut tx, &by_index).await?;
    appeal(&mut tx, &by_index).await?;
    affiliates(&mut tx).await?;
    accounts::put_setting(&mut tx, "demo_data", "fictional").await?;
    tx.commit().await?;
    Ok(Some(logins))
}

/// (name, languages, zone, topics, online, in person, regions, hours)
type DemoSpeaker = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
    bool,
    bool,
    &'static [&'static str],
    &'static [(i8, i32, i32)],
);

const SPEAKERS: &[DemoSpeaker] = &[
    (
        "Oksana Demchenko (demo)",
        &["uk", "en"],
        "Europe/Kyiv",
        &["rescue workers", "energy", "aid appeals"],
        true,
        false,
        &[],
        &[(2, 18 * 60, 23 * 60), (4, 18 * 60, 23 * 60)],
    ),
    (
        "Taras Prykladenko (demo)",
        &["uk"],
        "Europe/Kyiv",
        &["mining", "miners", "trade union rights"],
        true,
        true,
        &["Wales", "Yorkshire and the Humber"],
        &[],
    ),
    (
        "Jo Madeupson (demo)",
        &["en"],
        "Europe/London",
        &["the campaign", "aid appeals", "twinning"],
        true,
        true,
        &[],
        &[],
    ),
    (
        "Iryna Vyhadko (demo)",
        &["uk", "en"],
        "Europe/Kyiv",
        &["health", "nurses", "women workers"],
        true,
        false,
        &[],
        &[(1, 17 * 60, 22 * 60), (3, 17 * 60, 22 * 60)],
    ),
];

/// A demo request: its branch, days from now, hour in London, format, the
/// speaker's index in SPEAKERS, and the states it went through.
type DemoRequest = (
    crate::directory::BranchId,
    i64,
    i8,
    crate::speakers::model::Format,
    Option<usize>,
    &'static [crate::speakers::model::Status],
);

/// A wall-clock time `days` from today in London.
fn london(days: i64, hour: i8) -> jiff::Timestamp {
    let tz = jiff::tz::TimeZone::get("Europe/London").expect("the bundled database has London");
    let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
    let day = today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today);
    tz.to_ambiguous_timestamp(day.at(hour, 0, 0, 0))
        .compatible()
        .unwrap_or_else(|_| jiff::Timestamp::now())
}

/// Speakers (one of them the demo speaker's own profile) and requests in
/// every state, from last month to next.
async fn speakers_and_requests(
    tx: &mut crate::db::Conn,
    speaker_account: Option<crate::auth::UserId>,
    gb: &[crate::directory::BranchId],
) -> Result<(), DbError> {
    use crate::speakers::model::*;
    use crate::speakers::store as speakers;
    let mut ids = Vec::new();
    for (i, &(name, languages, zone_name, topics, online, in_person, regions, hours)) in
        SPEAKERS.iter().enumerate()
    {
        let fields = SpeakerFields {
            name: name.to_owned(),
            email: Some(format!("speaker{}@speakers.demo.example", i + 1)),
            bio: String::new(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            time_zone: zone_name.to_owned(),
            online,
            in_person,
            regions: regions.iter().map(|r| r.to_string()).collect(),
            lang: if languages.contains(&"en") {
                Lang::En
            } else {
                Lang::Uk
            },
        };
        let user = if i == 0 { speaker_account } else { None };
        let id = speakers::insert_speaker(tx, &fields, user, &auth::random_hex(16)).await?;
        let windows: Vec<Window> = hours
            .iter()
            .map(|&(weekday, start_minute, end_minute)| Window {
                weekday,
                start_minute,
                end_minute,
            })
            .collect();
        speakers::replace_windows(tx, id, &windows).await?;
        ids.push(id);
    }
    // (branch, days from now, hour in London, format, speaker, the states it went through)
    let plan: [DemoRequest; 6] = [
        (gb[0], 21, 19, Format::Online, None, &[]),
        (gb[1], 28, 18, Format::Online, Some(0), &[Status::Offered]),
        (
            gb[2],
            10,
            19,
            Format::InPerson,
            Some(2),
            &[Status::Offered, Status::Confirmed],
        ),
        (
            gb[19],
            35,
            18,
            Format::Hybrid,
            Some(1),
            &[Status::Offered, Status::Confirmed],
        ),
        (
            gb[3],
            -20,
            19,
            Format::Online,
            Some(3),
            &[
                Status::Offered,
                Status::Confirmed,
                Status::Held,
                Status::Reported,
            ],
        ),
        (
            gb[5],
            14,
            12,
            Format::Online,
            Some(0),
            &[Status::Offered, Status::Cancelled],
        ),
    ];
    for (branch, days, hour, format, speaker, states) in plan {
        let fields = RequestFields {
            branch_id: Some(branch),
            contact_name: String::new(),
            contact_email: None,
            branch_text: String::new(),
            planned: PlannedTime {
                starts_at: london(days, hour),
                zone: jiff::tz::TimeZone::get("Europe/London").expect("bundled"),
                zone_name: "Europe/London".to_owned(),
                duration_minutes: 90,
            },
            format,
            place: if format.needs_travel() {
                "Branch office, 1 Example Street (demo)".to_owned()
            } else {
                String::new()
            },
            meeting_link: if format == Format::InPerson {
                String::new()
            } else {
                "https://meet.example/demo".to_owned()
            },
            audience: Some(30),
            interpretation: speaker.is_some_and(|s| !SPEAKERS[s].1.contains(&"en")),
            topics: vec!["aid appeals".to_owned()],
            notes: "Fictional demo request.".to_owned(),
        };
        let id = speakers::insert_request(tx, &fields, None).await?;
        let mut from = Status::Requested;
        for &to in states {
            let speaker_id = if to == Status::Offered {
                speaker.map(|s| ids[s])
            } else {
                None
            };
            let report = (to == Status::Reported).then_some((
                42,
                "A full room; the branch voted to twin with a Ukrainian branch.",
            ));
            speakers::move_request(tx, id, from, to, speaker_id, report).await?;
            from = to;
        }
    }
    // A visitor's request from the website, not yet linked to a branch.
    let visitor = RequestFields {
        branch_id: None,
        contact_name: "Sam Visitor (demo)".to_owned(),
        contact_email: Some("sam@visitor.demo.example".to_owned()),
        branch_text: "UNITE Westmoor Bus Drivers (demo)".to_owned(),
        planned: PlannedTime {
            starts_at: london(40, 19),
            zone: jiff::tz::TimeZone::get("Europe/London").expect("bundled"),
            zone_name: "Europe/London".to_owned(),
            duration_minutes: 60,
        },
        format: Format::Online,
        place: String::new(),
        meeting_link: String::new(),
        audience: None,
        interpretation: true,
        topics: vec!["transport".to_owned()],
        notes: String::new(),
    };
    speakers::insert_request(tx, &visitor, None).await?;
    Ok(())
}

/// A demo need: the Ukrainian branch's index in BRANCHES, title, quantity,
/// cost in kopiyky, urgency, the adopting branch's index, delivered or not.
type DemoNeed = (
    usize,
    &'static str,
    i64,
    i64,
    crate::twinning::model::Urgency,
    Option<usize>,
    bool,
);

/// (index in BRANCHES of the British branch, of the Ukrainian one, the
/// states the link went through)
type DemoLink = (usize, usize, &'static [crate::twinning::model::LinkStatus]);

/// Links in every state, with some activity, and needs: open, adopted and
/// delivered.
async fn twinnings_and_needs(
    tx: &mut crate::db::Conn,
    branches: &[crate::directory::BranchId],
) -> Result<(), DbError> {
    use crate::money::{Currency, Money};
    use crate::twinning::model::*;
    use crate::twinning::store as twinning;
    use LinkStatus::*;
    let links: [DemoLink; 6] = [
        (2, 26, &[Introduced, Agreed, Active]),
        (0, 30, &[Introduced]),
        (4, 28, &[]),
        (19, 34, &[Introduced, Agreed]),
        (21, 35, &[Introduced, Agreed, Active, Dormant]),
        (8, 27, &[Introduced, Ended]),
    ];
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let days_ago = |n: i64| {
        today
            .checked_sub(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    for (gb, ua, states) in links {
        let id = twinning::insert_link(tx, branches[gb], branches[ua], None).await?;
        let mut from = Proposed;
        for &to in states {
            twinning::move_link(tx, id, from, to).await?;
            from = to;
        }
        if from == Active {
            let log = [
                (
                    ActivityKind::Meeting,
                    40,
                    "Online meeting of both branch committees (demo).",
                    None,
                ),
                (
                    ActivityKind::AidSent,
                    21,
                    "Collection at the branch meeting for a generator (demo).",
                    Some(Money {
                        amount_minor: 125_000,
                        currency: Currency::GBP,
                    }),
                ),
                (
                    ActivityKind::Message,
                    3,
                    "Дякуємо! Генератор уже працює. (демо)",
                    None,
                ),
            ];
            for (kind, ago, note, amount) in log {
                let fields = ActivityFields {
                    kind,
                    happened_on: days_ago(ago),
                    note: note.to_owned(),
                    amount,
                };
                twinning::insert_activity(tx, id, &fields, None, "Demo Branch Officer").await?;
            }
        }
    }
    let needs: [DemoNeed; 3] = [
        (
            26,
            "Two thermal imagers for the rescue team (demo)",
            2,
            9_000_000,
            Urgency::Urgent,
            None,
            false,
        ),
        (
            30,
            "A generator for the union office (demo)",
            1,
            4_500_000,
            Urgency::Soon,
            Some(0),
            false,
        ),
        (
            35,
            "First-aid kits for mine rescuers (demo)",
            40,
            1_600_000,
            Urgency::Urgent,
            Some(21),
            true,
        ),
    ];
    for (ua, title, quantity, cost, urgency, adopter, delivered) in needs {
        let fields = NeedFields {
            branch_id: branches[ua],
            title: title.to_owned(),
            description: String::new(),
            quantity,
            cost: Some(Money {
                amount_minor: cost,
                currency: Currency::UAH,
            }),
            urgency,
        };
        let id = twinning::insert_need(tx, &fields).await?;
        if let Some(by) = adopter {
            twinning::adopt_need(tx, id, branches[by]).await?;
            if delivered {
                twinning::deliver_need(tx, id).await?;
            }
        }
    }
    Ok(())
}

/// The appeal for rescue workers and firefighters in Donetsk region, with
/// branch pledges and gifts in pounds and hryvnias, some already received.
async fn appeal(
    tx: &mut crate::db::Conn,
    branches: &[crate::directory::BranchId],
) -> Result<(), DbError> {
    use crate::appeals::model::*;
    use crate::appeals::store as appeals;
    use crate::money::{Currency, Money};
    let fields = AppealFields {
        slug: "donetsk-rescue-workers".to_owned(),
        title: "Rescue workers and firefighters in Donetsk region (demo)".to_owned(),
        title_uk: Some("Рятувальники й пожежники Донеччини (демо)".to_owned()),
        description: "Rescue workers and firefighters in Donetsk region keep working under shelling. Their union asks for thermal imagers, protective kit and generators.\n\nThis is a fictional demo appeal.".to_owned(),
        description_uk: "Рятувальники й пожежники Донеччини працюють під обстрілами. Їхня профспілка просить тепловізори, захисне спорядження й генератори.\n\nЦе вигаданий демонстраційний збір.".to_owned(),
        beneficiary: "The rescue workers' union branch, Donetsk region (demo)".to_owned(),
        target: Money { amount_minor: 2_000_000, currency: Currency::GBP },
        opens_on: None,
        closes_on: None,
        donate_url: "https://donate.example/donetsk-rescue-workers".to_owned(),
        status: AppealStatus::Open,
    };
    let id = appeals::insert_appeal(tx, &fields).await?;
    // (branch index, amount, currency, received)
    let gifts: [(Option<usize>, i64, Currency, bool); 6] = [
        (Some(2), 125_000, Currency::GBP, true),
        (Some(0), 50_000, Currency::GBP, true),
        (Some(22), 30_000, Currency::GBP, false),
        (Some(19), 10_000, Currency::GBP, false),
        (None, 2_500, Currency::GBP, true),
        (None, 500_000, Currency::UAH, true),
    ];
    for (branch, amount, currency, received) in gifts {
        let status = if received {
            DonationStatus::Received
        } else {
            DonationStatus::Pledged
        };
        let donation = DonationFields {
            amount: Money {
                amount_minor: amount,
                currency,
            },
            branch_id: branch.map(|b| branches[b]),
            donor_name: if branch.is_none() {
                "A supporter (demo)".to_owned()
            } else {
                String::new()
            },
            status,
            received_on: received.then(|| {
                jiff::Timestamp::now()
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date()
            }),
            reference: String::new(),
            notes: String::new(),
        };
        appeals::insert_donation(tx, id, &donation, None, None).await?;
        appeals::apply_delta(tx, id, currency, delta(None, status, amount)).await?;
    }
    links_and_statements(tx, id, branches[0]).await
}

/// The appeal's short link with a copy for one branch (a few days of
/// fictional clicks on each), and two statements: one written in Ukrainian
/// with a checked translation, one by the campaign not yet translated.
async fn links_and_statements(
    tx: &mut crate::db::Conn,
    appeal: crate::appeals::AppealId,
    branch: crate::directory::BranchId,
) -> Result<(), DbError> {
    use crate::links::model::{variant_slug, LinkFields};
    use crate::links::store as links;
    use crate::statements::model::StatementFields;
    let fields = LinkFields {
        slug: "donetsk".to_owned(),
        target_url: "https://donate.example/donetsk-rescue-workers".to_owned(),
        title: String::new(),
        appeal_id: Some(appeal),
        statement_id: None,
        action: Some("donate".to_owned()),
        expires_at: None,
    };
    let original = links::insert(tx, &fields, None, None, None).await?;
    let copy_fields = LinkFields {
        slug: variant_slug("donetsk", branch),
        ..fields
    };
    let copy = links::insert(tx, &copy_fields, Some(original), Some(branch), None).await?;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    for (back, own, branch_clicks) in [(3, 12, 4), (2, 30, 9), (1, 7, 15), (0, 3, 2)] {
        let day = today
            .checked_sub(jiff::Span::new().days(back))
            .unwrap_or(today)
            .to_string();
        for (link, n) in [(original, own), (copy, branch_clicks)] {
            sqlx::query("INSERT INTO link_clicks (link_id, day, clicks) VALUES ($1, $2, $3)")
                .bind(link.0)
                .bind(&day)
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }
    }
    let statements = [
        StatementFields {
            slug: "demo-fpu-rescue-workers".to_owned(),
            title: "Rescue workers' union thanks British branches (demo)".to_owned(),
            title_uk: "Профспілка рятувальників дякує британським осередкам (демо)".to_owned(),
            body: "Our members in Donetsk region keep working under shelling. The thermal imagers and generators your branches paid for are already in use.\n\n*This is a fictional demo statement.*".to_owned(),
            body_uk: "Наші члени на Донеччині працюють під обстрілами. Тепловізори й генератори, за які заплатили ваші осередки, уже використовуються.\n\n*Це вигадана демонстраційна заява.*".to_owned(),
            source: "Rescue workers' union (demo)".to_owned(),
            source_url: String::new(),
            published_on: today,
            original: crate::i18n::Lang::Uk,
            translation_reviewed: true,
        },
        StatementFields {
            slug: "demo-campaign-winter-appeal".to_owned(),
            title: "Winter appeal opens (demo)".to_owned(),
            title_uk: String::new(),
            body: "The campaign asks every branch to give to the appeal for rescue workers and firefighters in Donetsk region, and to print the poster for their next meeting.\n\n*This is a fictional demo statement.*".to_owned(),
            body_uk: String::new(),
            source: "The campaign (demo)".to_owned(),
            source_url: String::new(),
            published_on: today.yesterday().unwrap_or(today),
            original: crate::i18n::Lang::En,
            translation_reviewed: false,
        },
    ];
    for s in &statements {
        crate::statements::store::insert(tx, s).await?;
    }
    Ok(())
}

/// National unions on the public list of affiliates, one active branch and
/// one application waiting for a coordinator. Contacts are fictional.
async fn affiliates(tx: &mut crate::db::Conn) -> Result<(), DbError> {
    use crate::affiliations::model::*;
    use crate::affiliations::store;
    let bands = store::fee_bands_in(tx).await?;
    let renewal = crate::common::clock::today()
        .checked_add(jiff::Span::new().days(200))
        .ok();
    // (kind, organisation, union, members, active)
    let list: [(AffiliationKind, &str, &str, i64, bool); 8] = [
        (
            AffiliationKind::National,
            "UNISON",
            "UNISON",
            1_300_000,
            true,
        ),
        (AffiliationKind::National, "PCS", "PCS", 180_000, true),
        (AffiliationKind::National, "ASLEF", "ASLEF", 22_000, true),
        (AffiliationKind::National, "UCU", "UCU", 120_000, true),
        (AffiliationKind::National, "GMB", "GMB", 560_000, true),
        (AffiliationKind::National, "NUM", "NUM", 100, true),
        (
            AffiliationKind::Branch,
            "Eastbrook Health branch (demo)",
            "UNISON",
            1_250,
            true,
        ),
        (
            AffiliationKind::Region,
            "Northfield Region (demo)",
            "GMB",
            9_000,
            false,
        ),
    ];
    for (i, (kind, organisation, union_name, members, active)) in list.into_iter().enumerate() {
        let fields = ApplicationFields {
            kind,
            organisation: organisation.to_owned(),
            union_name: union_name.to_owned(),
            members,
            contact_name: "Affiliations contact (demo)".to_owned(),
            contact_email: format!("affiliations-{i}@demo.invalid"),
        };
        let id = store::insert(tx, &fields, band_for(&bands, members)).await?;
        if active {
            store::set_status(
                tx,
                id,
                AffiliationStatus::Applied,
                AffiliationStatus::Active,
                renewal,
            )
            .await?;
        }
    }
    Ok(())
}

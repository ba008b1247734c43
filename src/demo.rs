//! The demo data set: fictional branches and people in real unions, so that
//! a new instance can be tried out. Every branch, person and account in it
//! is invented; e-mail addresses use the reserved `.example` domain.
//!
//! It is loaded through the areas' own actions, as a coordinator would
//! enter it, so the demo obeys every rule it shows: each field is checked,
//! each booking is offered only to a free speaker, each donation moves the
//! totals, and the e-mails those steps send are queued (to the fictional
//! addresses). The one thing an action cannot do is let time pass, so one
//! confirmed meeting is moved into the past before it is marked held.

use crate::accounts::actions::{create_account, NewAccount};
use crate::auth::{self, Account, Principal, Role};
use crate::common::ids::{BranchId, UserId};
use crate::common::input::{Loose, TextList};
use crate::db::Db;
use crate::directory::model::*;
use crate::i18n::Lang;
use crate::web::error::AppError;

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
/// `None` when the database already holds unions or accounts. `base_url` is
/// where the links in the e-mails it queues point.
pub async fn load(db: &Db, base_url: &str) -> Result<Option<Vec<DemoLogin>>, AppError> {
    if !crate::directory::store::all_unions(db).await?.is_empty()
        || auth::store::admin_exists(db).await?
    {
        return Ok(None);
    }
    let branches = directory(db).await?;
    let gb: Vec<BranchId> = branches
        .iter()
        .filter(|b| b.1 == Country::Gb)
        .map(|b| b.0)
        .collect();
    let ua: Vec<BranchId> = branches
        .iter()
        .filter(|b| b.1 == Country::Ua)
        .map(|b| b.0)
        .collect();
    let by_index: Vec<BranchId> = branches.iter().map(|b| b.0).collect();
    let (logins, coordinator) = accounts(db, &gb, &ua).await?;
    let campaign = Demo {
        db,
        who: coordinator,
        base_url,
    };
    campaign.speakers_and_requests(&gb).await?;
    campaign.twinnings_and_needs(&by_index).await?;
    let appeal = campaign.appeal(&by_index).await?;
    campaign.links_and_statements(appeal, by_index[0]).await?;
    campaign.affiliates().await?;
    let mut tx = db.write().await?;
    auth::store::put_setting(&mut tx, "demo_data", "fictional").await?;
    tx.commit().await?;
    Ok(Some(logins))
}

fn text(value: impl Into<String>) -> Option<String> {
    Some(value.into())
}

/// The unions, their branches and two people at each; the branches with the
/// country of their union, in the order of `BRANCHES`.
async fn directory(db: &Db) -> Result<Vec<(BranchId, Country)>, AppError> {
    let mut union_ids = Vec::new();
    for u in UNIONS {
        let input = UnionInput {
            name: text(u.name),
            name_uk: text(u.name_uk),
            country: text(u.country.code()),
            kind: text(u.kind.code()),
            version: None,
        };
        union_ids.push(
            crate::directory::actions::create_union(db, &input)
                .await?
                .id,
        );
    }
    let staff = Principal::Account(demo_account(UserId(0), Role::Coordinator));
    let mut branch_ids = Vec::new();
    for (i, &(union, name, name_uk, region, sector, size_band)) in BRANCHES.iter().enumerate() {
        let country = UNIONS[union].country;
        // Ukrainian officers work in Ukrainian, some in English too;
        // branches in Donetsk oblast are near the front line.
        let languages = match country {
            Country::Gb => "en",
            Country::Ua if i % 2 == 0 => "uk, en",
            Country::Ua => "uk",
        };
        let wished_region = if country == Country::Gb && sector == Sector::EmergencyServices {
            "Donetsk oblast"
        } else {
            ""
        };
        let at_risk = country == Country::Ua && region == "Donetsk oblast";
        let input = BranchInput {
            union_id: Some(Loose::Int(union_ids[union].0)),
            name: text(name),
            name_uk: name_uk.map(str::to_owned),
            region: text(region),
            sector: text(sector.code()),
            size_band: text(size_band.code()),
            languages: Some(TextList::Text(languages.to_owned())),
            wished_region: text(wished_region),
            at_risk: Some(Loose::Bool(at_risk)),
            version: None,
        };
        let id = crate::directory::actions::create_branch(db, &input)
            .await?
            .id;
        branch_ids.push((id, country));
        // Two people at each branch, with fictional names and addresses; a
        // few Ukrainian contacts near the front line are marked at risk.
        for k in 0..2 {
            let (name, handle) = match country {
                Country::Gb => {
                    let name = GB_NAMES[(i * 2 + k) % GB_NAMES.len()];
                    (name, name.to_lowercase().replace([' ', '-'], "."))
                }
                Country::Ua => {
                    let (name, handle) = UA_NAMES[(i * 2 + k) % UA_NAMES.len()];
                    (name, handle.to_owned())
                }
            };
            let person = PersonInput {
                branch_id: Some(Loose::Int(id.0)),
                name: text(name),
                email: Some(format!("{handle}.{}@branch{}.demo.example", k + 1, i + 1)),
                phone: None,
                role: text(ROLES[(i + k) % ROLES.len()].code()),
                at_risk: Some(Loose::Bool(at_risk)),
                version: None,
            };
            crate::directory::actions::create_person(db, &staff, &person).await?;
        }
    }
    Ok(branch_ids)
}

/// An account as the permission model sees it, for acting as it.
fn demo_account(id: UserId, role: Role) -> Account {
    Account {
        id,
        email: String::new(),
        name: "Demo Coordinator".to_owned(),
        role,
        branches: Vec::new(),
        time_zone: None,
        twins: Vec::new(),
    }
}

/// (role, e-mail, name, branches, language)
type DemoAccount = (
    Role,
    &'static str,
    &'static str,
    Vec<BranchId>,
    Option<Lang>,
);

/// One account of each role (two branch officers: a British and a
/// Ukrainian one), with a fresh password each; and the coordinator, to act as.
async fn accounts(
    db: &Db,
    gb: &[BranchId],
    ua: &[BranchId],
) -> Result<(Vec<DemoLogin>, Principal), AppError> {
    let plan: [DemoAccount; 5] = [
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
    let mut coordinator = None;
    for (role, email, name, branches, lang) in plan {
        let password = format!("demo-{}", auth::random_hex(6));
        let id = create_account(
            db,
            None,
            NewAccount {
                email,
                name: Some(name),
                role: role.as_str(),
                branches: &branches,
                password: &password,
                lang,
            },
        )
        .await?;
        if role == Role::Coordinator {
            coordinator = Some(Principal::Account(demo_account(id, role)));
        }
        logins.push(DemoLogin {
            role,
            email: email.to_owned(),
            password,
        });
    }
    let coordinator =
        coordinator.ok_or_else(|| AppError::Internal("the demo has no coordinator".into()))?;
    Ok((logins, coordinator))
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
/// speaker's index in SPEAKERS, and the verbs that moved it on.
type DemoRequest = (
    BranchId,
    i64,
    i8,
    crate::speakers::model::Format,
    Option<usize>,
    &'static [crate::speakers::model::Verb],
);

/// A wall-clock date and time `days` from today in London, as a form sends them.
fn london(days: i64, hour: i8) -> (String, String) {
    let today = crate::common::clock::today();
    let day = today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today);
    (day.to_string(), format!("{hour:02}:00"))
}

/// A need: the Ukrainian branch's index in BRANCHES, title, quantity, cost
/// as typed, urgency, the adopting branch's index, delivered or not.
type DemoNeed = (
    usize,
    &'static str,
    i64,
    &'static str,
    crate::twinning::model::Urgency,
    Option<usize>,
    bool,
);

/// The coordinator acting for the whole demo, with the links its e-mails use.
struct Demo<'a> {
    db: &'a Db,
    who: Principal,
    base_url: &'a str,
}

impl Demo<'_> {
    /// Speakers (one of them the demo speaker's own profile) and requests
    /// in every state, from last month to next.
    async fn speakers_and_requests(&self, gb: &[BranchId]) -> Result<(), AppError> {
        use crate::speakers::actions::{self as speakers, VerbInput};
        use crate::speakers::model::*;
        let mut ids: Vec<SpeakerId> = Vec::new();
        for (i, &(name, languages, zone_name, topics, online, in_person, regions, hours)) in
            SPEAKERS.iter().enumerate()
        {
            let input = SpeakerInput {
                name: text(name),
                email: Some(format!("speaker{}@speakers.demo.example", i + 1)),
                bio: None,
                languages: Some(TextList::Text(languages.join(", "))),
                topics: Some(TextList::Text(topics.join(", "))),
                time_zone: text(zone_name),
                online: Some(Loose::Bool(online)),
                in_person: Some(Loose::Bool(in_person)),
                regions: Some(TextList::Text(regions.join(", "))),
                lang: None,
                version: None,
            };
            let account = (i == 0).then_some("speaker@demo.example");
            let speaker = speakers::create_speaker(self.db, &input, account).await?;
            let windows: Vec<Window> = hours
                .iter()
                .map(|&(weekday, start_minute, end_minute)| Window {
                    weekday,
                    start_minute,
                    end_minute,
                })
                .collect();
            speakers::set_schedule(self.db, speaker.id, &windows, &[]).await?;
            ids.push(speaker.id);
        }
        let held_days_ago = 20;
        let plan: [DemoRequest; 6] = [
            (gb[0], 21, 19, Format::Online, None, &[]),
            (gb[1], 28, 18, Format::Online, Some(0), &[Verb::Offer]),
            (
                gb[2],
                10,
                19,
                Format::InPerson,
                Some(2),
                &[Verb::Offer, Verb::Confirm],
            ),
            (
                gb[19],
                35,
                18,
                Format::Hybrid,
                Some(1),
                &[Verb::Offer, Verb::Confirm],
            ),
            // Booked for next week; time passes, and it is held and reported.
            (
                gb[3],
                7,
                19,
                Format::Online,
                Some(3),
                &[Verb::Offer, Verb::Confirm, Verb::Hold, Verb::Report],
            ),
            (
                gb[5],
                14,
                12,
                Format::Online,
                Some(0),
                &[Verb::Offer, Verb::Cancel],
            ),
        ];
        for (branch, days, hour, format, speaker, verbs) in plan {
            let (date, time) = london(days, hour);
            let input = RequestInput {
                branch_id: Some(Loose::Int(branch.0)),
                date: Some(date),
                time: Some(time),
                time_zone: text("Europe/London"),
                duration_minutes: Some(Loose::Int(90)),
                format: text(format.code()),
                place: format
                    .needs_travel()
                    .then(|| "Branch office, 1 Example Street (demo)".to_owned()),
                meeting_link: (format != Format::InPerson)
                    .then(|| "https://meet.example/demo".to_owned()),
                audience: Some(Loose::Int(30)),
                interpretation: Some(Loose::Bool(
                    speaker.is_some_and(|s| !SPEAKERS[s].1.contains(&"en")),
                )),
                topics: Some(TextList::Text("aid appeals".to_owned())),
                notes: text("Fictional demo request."),
                ..Default::default()
            };
            let request = speakers::create_request(self.db, &self.who, &input).await?;
            for &verb in verbs {
                if verb == Verb::Hold {
                    self.time_passes(request.id, held_days_ago).await?;
                }
                let body = VerbInput {
                    speaker_id: speaker
                        .filter(|_| verb == Verb::Offer)
                        .map(|s| Loose::Int(ids[s].0)),
                    attendance: Some(Loose::Int(42)),
                    report: text("A full room; the branch voted to twin with a Ukrainian branch."),
                    branch_id: None,
                };
                speakers::act(self.db, &self.who, request.id, verb, &body, self.base_url).await?;
            }
        }
        // A visitor's request from the website, not yet linked to a branch.
        let (date, time) = london(40, 19);
        let visitor = RequestInput {
            date: Some(date),
            time: Some(time),
            time_zone: text("Europe/London"),
            duration_minutes: Some(Loose::Int(60)),
            format: text("online"),
            interpretation: Some(Loose::Bool(true)),
            topics: Some(TextList::Text("transport".to_owned())),
            contact_name: text("Sam Visitor (demo)"),
            contact_email: text("sam@visitor.demo.example"),
            branch_text: text("UNITE Westmoor Bus Drivers (demo)"),
            ..Default::default()
        };
        speakers::public_request(self.db, &visitor, self.base_url).await?;
        Ok(())
    }

    /// Moves a booking's meeting `days_ago` into the past, keeping its
    /// wall-clock time: the one step no action takes, since only the
    /// calendar can make a meeting happen.
    async fn time_passes(
        &self,
        request: crate::common::ids::RequestId,
        days_ago: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        sqlx::query("UPDATE speaker_requests SET starts_at = starts_at - $1 - $2 WHERE id = $3")
            .bind(days_ago * 24 * 60 * 60)
            .bind(7 * 24 * 60 * 60)
            .bind(request)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links in every state, with some activity, and needs: open, adopted
    /// and delivered.
    async fn twinnings_and_needs(&self, branches: &[BranchId]) -> Result<(), AppError> {
        use crate::twinning::actions as twinning;
        use crate::twinning::model::*;
        use LinkVerb::*;
        let links: [(usize, usize, &[LinkVerb]); 6] = [
            (2, 26, &[Introduce, Agree, Activate]),
            (0, 30, &[Introduce]),
            (4, 28, &[]),
            (19, 34, &[Introduce, Agree]),
            (21, 35, &[Introduce, Agree, Activate, Pause]),
            (8, 27, &[Introduce, End]),
        ];
        let today = crate::common::clock::today();
        for (gb, ua, verbs) in links {
            let link =
                twinning::propose(self.db, &self.who, Some(branches[gb]), Some(branches[ua]))
                    .await?;
            for &verb in verbs {
                if verb == Agree {
                    // Each branch agrees, the coordinator acting for both.
                    for side in [Side::Gb, Side::Ua] {
                        twinning::agree(self.db, &self.who, link.id, Some(side)).await?;
                    }
                } else {
                    twinning::act(self.db, &self.who, link.id, verb).await?;
                }
            }
            if verbs.last() != Some(&Activate) {
                continue;
            }
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
                    Some("£1,250"),
                ),
                (
                    ActivityKind::Message,
                    3,
                    "Дякуємо! Генератор уже працює. (демо)",
                    None,
                ),
            ];
            for (kind, days_ago, note, amount) in log {
                let day = today
                    .checked_sub(jiff::Span::new().days(days_ago))
                    .unwrap_or(today);
                let input = ActivityInput {
                    kind: text(kind.code()),
                    happened_on: Some(day.to_string()),
                    note: text(note),
                    amount: None,
                    amount_text: amount.map(str::to_owned),
                    currency: None,
                };
                twinning::log_activity(self.db, &self.who, link.id, &input).await?;
            }
        }
        let needs: [DemoNeed; 3] = [
            (
                26,
                "Two thermal imagers for the rescue team (demo)",
                2,
                "90,000 грн",
                Urgency::Urgent,
                None,
                false,
            ),
            (
                30,
                "A generator for the union office (demo)",
                1,
                "45,000 грн",
                Urgency::Soon,
                Some(0),
                false,
            ),
            (
                35,
                "First-aid kits for mine rescuers (demo)",
                40,
                "16,000 грн",
                Urgency::Urgent,
                Some(21),
                true,
            ),
        ];
        for (ua, title, quantity, cost, urgency, adopter, delivered) in needs {
            let input = NeedInput {
                branch_id: Some(Loose::Int(branches[ua].0)),
                title: text(title),
                description: None,
                quantity: Some(Loose::Int(quantity)),
                cost: None,
                cost_text: text(cost),
                currency: None,
                urgency: text(urgency.code()),
            };
            let need = twinning::post_need(self.db, &self.who, &input).await?;
            if let Some(by) = adopter {
                twinning::adopt_need(self.db, &self.who, need.id, Some(branches[by])).await?;
                if delivered {
                    twinning::deliver_need(self.db, &self.who, need.id).await?;
                }
            }
        }
        Ok(())
    }

    /// The appeal for rescue workers and firefighters in Donetsk region,
    /// with branch pledges and gifts in pounds and hryvnias, some received.
    async fn appeal(
        &self,
        branches: &[BranchId],
    ) -> Result<crate::common::ids::AppealId, AppError> {
        use crate::appeals::actions as appeals;
        use crate::appeals::model::*;
        let input = AppealInput {
            slug: text("donetsk-rescue-workers"),
            title: text("Rescue workers and firefighters in Donetsk region (demo)"),
            title_uk: text("Рятувальники й пожежники Донеччини (демо)"),
            description: text("Rescue workers and firefighters in Donetsk region keep working under shelling. Their union asks for thermal imagers, protective kit and generators.\n\nThis is a fictional demo appeal."),
            description_uk: text("Рятувальники й пожежники Донеччини працюють під обстрілами. Їхня профспілка просить тепловізори, захисне спорядження й генератори.\n\nЦе вигаданий демонстраційний збір."),
            beneficiary: text("The rescue workers' union branch, Donetsk region (demo)"),
            target: None,
            target_text: text("£20,000"),
            target_currency: None,
            opens_on: None,
            closes_on: None,
            donate_url: text("https://donate.example/donetsk-rescue-workers"),
            status: text(AppealStatus::Open.code()),
            version: None,
        };
        let appeal = appeals::create_appeal(self.db, &self.who, &input)
            .await?
            .appeal;
        // (branch index, amount, received)
        let gifts: [(Option<usize>, &str, bool); 6] = [
            (Some(2), "£1,250", true),
            (Some(0), "£500", true),
            (Some(22), "£300", false),
            (Some(19), "£100", false),
            (None, "£25", true),
            (None, "5,000 грн", true),
        ];
        for (branch, amount, received) in gifts {
            let status = if received {
                DonationStatus::Received
            } else {
                DonationStatus::Pledged
            };
            let input = DonationInput {
                amount_text: text(amount),
                branch_id: branch.map(|b| Loose::Int(branches[b].0)),
                donor_name: branch.is_none().then(|| "A supporter (demo)".to_owned()),
                status: text(status.code()),
                ..Default::default()
            };
            appeals::record(self.db, &self.who, appeal.id, &input, None).await?;
        }
        Ok(appeal.id)
    }

    /// The appeal's short link with a copy for one branch (a few days of
    /// fictional clicks on each), and two statements: one written in
    /// Ukrainian with a checked translation, one by the campaign not yet
    /// translated.
    async fn links_and_statements(
        &self,
        appeal: crate::common::ids::AppealId,
        branch: BranchId,
    ) -> Result<(), AppError> {
        use crate::links::model::LinkInput;
        let input = LinkInput {
            slug: text("donetsk"),
            target_url: text("https://donate.example/donetsk-rescue-workers"),
            appeal_id: Some(Loose::Int(appeal.0)),
            action: text("donate"),
            ..Default::default()
        };
        let original = crate::links::actions::create(self.db, &self.who, &input).await?;
        let (copy, _) =
            crate::links::actions::copy_for_branch(self.db, &self.who, "donetsk", branch).await?;
        // Clicks as the redirect writes them, day by day.
        let today = crate::common::clock::today();
        let mut counts = Vec::new();
        for (back, own, branch_clicks) in [(3, 12, 4), (2, 30, 9), (1, 7, 15), (0, 3, 2)] {
            let day = today
                .checked_sub(jiff::Span::new().days(back))
                .unwrap_or(today)
                .to_string();
            counts.push((original.id, day.clone(), own));
            counts.push((copy.id, day, branch_clicks));
        }
        crate::links::store::add_clicks(self.db, &counts).await?;
        let statements = [
            crate::statements::model::StatementInput {
                slug: text("demo-fpu-rescue-workers"),
                title: text("Rescue workers' union thanks British branches (demo)"),
                title_uk: text("Профспілка рятувальників дякує британським осередкам (демо)"),
                body: text("Our members in Donetsk region keep working under shelling. The thermal imagers and generators your branches paid for are already in use.\n\n*This is a fictional demo statement.*"),
                body_uk: text("Наші члени на Донеччині працюють під обстрілами. Тепловізори й генератори, за які заплатили ваші осередки, уже використовуються.\n\n*Це вигадана демонстраційна заява.*"),
                source: text("Rescue workers' union (demo)"),
                source_url: None,
                published_on: Some(today.to_string()),
                original: text(Lang::Uk.code()),
                translation_reviewed: Some(Loose::Bool(true)),
                version: None,
            },
            crate::statements::model::StatementInput {
                slug: text("demo-campaign-winter-appeal"),
                title: text("Winter appeal opens (demo)"),
                title_uk: None,
                body: text("The campaign asks every branch to give to the appeal for rescue workers and firefighters in Donetsk region, and to print the poster for their next meeting.\n\n*This is a fictional demo statement.*"),
                body_uk: None,
                source: text("The campaign (demo)"),
                source_url: None,
                published_on: Some(today.yesterday().unwrap_or(today).to_string()),
                original: text(Lang::En.code()),
                translation_reviewed: Some(Loose::Bool(false)),
                version: None,
            },
        ];
        for input in &statements {
            crate::statements::actions::create(self.db, input).await?;
        }
        Ok(())
    }

    /// National unions on the public list of affiliates, one active branch
    /// and one application waiting for a coordinator. Contacts are fictional.
    async fn affiliates(&self) -> Result<(), AppError> {
        use crate::affiliations::actions as affiliations;
        use crate::affiliations::model::*;
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
            let input = ApplicationInput {
                kind: text(kind.code()),
                organisation: text(organisation),
                union_name: text(union_name),
                members: Some(Loose::Int(members)),
                contact_name: text("Affiliations contact (demo)"),
                contact_email: Some(format!("affiliations-{i}@demo.example")),
            };
            let affiliation = affiliations::apply(self.db, &input, Lang::En, self.base_url).await?;
            if active {
                affiliations::set_status(self.db, affiliation.id, AffiliationStatus::Active)
                    .await?;
            }
        }
        Ok(())
    }
}

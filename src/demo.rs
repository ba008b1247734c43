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
    for (role, email, name, branches, lang) in plan {
        let password = format!("demo-{}", auth::random_hex(6));
        let hash = password::hash(&password);
        accounts::create_user(
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
        logins.push(DemoLogin {
            role,
            email: email.to_owned(),
            password,
        });
    }
    accounts::put_setting(&mut tx, "demo_data", "fictional").await?;
    tx.commit().await?;
    Ok(Some(logins))
}

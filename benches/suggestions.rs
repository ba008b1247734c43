//! Twin suggestions for one branch among 10,000 British and 3,000 Ukrainian
//! branches (issue: "well under 50 ms"), measured two ways: the pure ranking
//! in memory, and the whole lookup the API makes against a SQLite database
//! of that size. Run with `cargo bench --bench suggestions`; the figures go
//! into BENCHMARKS.md. A benchmark, not a test: nothing here asserts a time.

use std::time::Instant;

use solidarnist::auth::{Account, Principal, Role, UserId};
use solidarnist::db::Db;
use solidarnist::directory::model::{
    BranchFields, Country, Sector, SizeBand, UnionFields, UnionKind,
};
use solidarnist::directory::{store as directory, BranchId, UnionId};
use solidarnist::i18n::{Lang, Tr};
use solidarnist::twinning::model::{self, Candidate};

const GB: usize = 10_000;
const UA: usize = 3_000;
const REGIONS_GB: [&str; 6] = [
    "Scotland",
    "Wales",
    "London",
    "North West",
    "South West",
    "Yorkshire and the Humber",
];
const REGIONS_UA: [&str; 6] = [
    "Kyiv city",
    "Kharkiv oblast",
    "Donetsk oblast",
    "Lviv oblast",
    "Odesa oblast",
    "Dnipropetrovsk oblast",
];

/// A deterministic spread of sectors, sizes, regions and languages.
fn branch_fields(i: usize, union_id: UnionId, country: Country) -> BranchFields {
    let sectors = Sector::ALL;
    let sizes = SizeBand::ALL;
    let region = if country == Country::Gb {
        REGIONS_GB[i % 6]
    } else {
        REGIONS_UA[i % 6]
    };
    BranchFields {
        union_id,
        name: format!("{} bench branch {i}", country.code()),
        name_uk: None,
        region: region.into(),
        sector: sectors[(i * 7) % sectors.len()],
        size_band: sizes[(i * 3) % sizes.len()],
        languages: match (country, i % 3) {
            (Country::Gb, _) => vec!["en".into()],
            (Country::Ua, 0) => vec!["uk".into(), "en".into()],
            (Country::Ua, _) => vec!["uk".into()],
        },
        wished_region: if country == Country::Gb && i % 10 == 0 {
            "Kharkiv oblast".into()
        } else {
            String::new()
        },
        at_risk: false,
    }
}

fn candidate(i: usize, country: Country) -> Candidate {
    let f = branch_fields(i, UnionId(1), country);
    Candidate {
        id: BranchId(i as i64 + if country == Country::Gb { 1 } else { 100_000 }),
        union_id: f.union_id,
        country,
        sector: f.sector,
        size_band: f.size_band,
        region: f.region,
        languages: f.languages,
        wished_region: f.wished_region,
        links: (i % 4) as u32,
    }
}

fn summary(label: &str, mut micros: Vec<u128>) {
    micros.sort_unstable();
    let p = |q: f64| micros[((micros.len() - 1) as f64 * q) as usize];
    println!(
        "{label}: median {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} runs",
        p(0.5) as f64 / 1000.0,
        p(0.95) as f64 / 1000.0,
        p(1.0) as f64 / 1000.0,
        micros.len()
    );
}

fn main() {
    let tr = Tr::new(Lang::En);
    let label = |s: Sector| tr.t(s.label_key());

    // 1. The ranking alone.
    let gb: Vec<Candidate> = (0..GB).map(|i| candidate(i, Country::Gb)).collect();
    let ua: Vec<Candidate> = (0..UA).map(|i| candidate(i, Country::Ua)).collect();
    let mut times = Vec::new();
    for me in gb.iter().step_by(GB / 200) {
        let start = Instant::now();
        let ranked = model::suggestions(me, &ua, &[], 20, &label);
        times.push(start.elapsed().as_micros());
        assert_eq!(ranked.len(), 20);
    }
    summary(
        "ranking 3,000 Ukrainian branches for a British one (in memory)",
        times,
    );

    // 2. The whole lookup on SQLite, as GET /api/v1/twinnings/suggestions does it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary folder");
        let db = Db::connect(&format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))
        .await
        .expect("database");
        db.migrate().await.expect("schema");
        let started = Instant::now();
        let mut tx = db.write().await.expect("transaction");
        let mut ids = Vec::new();
        for (country, count) in [(Country::Gb, GB), (Country::Ua, UA)] {
            let union = directory::insert_union(
                &mut tx,
                &UnionFields {
                    name: format!("{} bench union", country.code()),
                    name_uk: None,
                    country,
                    kind: UnionKind::NationalUnion,
                },
            )
            .await
            .expect("union");
            for i in 0..count {
                let id = directory::insert_branch(&mut tx, &branch_fields(i, union, country))
                    .await
                    .expect("branch");
                ids.push((country, id));
            }
        }
        // Some existing links, so that the load rule has work to do.
        let gb_ids: Vec<BranchId> = ids
            .iter()
            .filter(|b| b.0 == Country::Gb)
            .map(|b| b.1)
            .collect();
        let ua_ids: Vec<BranchId> = ids
            .iter()
            .filter(|b| b.0 == Country::Ua)
            .map(|b| b.1)
            .collect();
        for i in 0..1_500 {
            solidarnist::twinning::store::insert_link(&mut tx, gb_ids[i * 5], ua_ids[i % UA], None)
                .await
                .expect("link");
        }
        tx.commit().await.expect("commit");
        println!(
            "seeded {} branches and 1,500 links in {:.1} s",
            GB + UA,
            started.elapsed().as_secs_f64()
        );

        let coordinator = Principal::Account(Account {
            id: UserId(1),
            email: "bench@example.org".into(),
            name: "Bench".into(),
            role: Role::Coordinator,
            branches: Vec::new(),
            time_zone: None,
            twins: Vec::new(),
        });
        let mut times = Vec::new();
        for &branch in gb_ids.iter().step_by(GB / 50) {
            let start = Instant::now();
            let ranked =
                solidarnist::twinning::actions::suggestions(&db, &coordinator, branch, &tr, 20)
                    .await
                    .expect("suggestions");
            times.push(start.elapsed().as_micros());
            assert_eq!(ranked.len(), 20);
        }
        summary(
            "suggestions for a British branch, read from SQLite and ranked",
            times,
        );
        let mut times = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let all = solidarnist::twinning::store::candidates(&db, Some(Country::Ua))
                .await
                .expect("candidates");
            times.push(start.elapsed().as_micros());
            assert_eq!(all.len(), UA);
        }
        summary("  of which: reading the 3,000 Ukrainian candidates", times);
        db.close().await;
    });
}

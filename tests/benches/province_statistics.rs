//! What a province's statistics cost in the reporting service: a generated province (province
//! 15, `COMMUNES` communes of `MEMBERS_PER_COMMUNE` members, some moved between communes) is
//! written straight into reporting's store through its apply path (the projection and the
//! aggregate ledgers, as the feed consumer writes them), then, in alternating rounds:
//!
//! - **ledgers**: what GetStatistics does for `provinces/15` (units, communes of the day, the
//!   ledger sums, the report) — the answer the service gives;
//! - **members**: the same figures counted from every member's history (how the service answered
//!   before the ledgers, kept as the recomputation they are checked against);
//! - **raw SQL**: the same figures as SQL over the member and stint tables (the roll on the day,
//!   one GROUP BY per breakdown, age bands from cut-off dates bound from Rust).
//!
//! `cargo bench -p partyregistry-tests --bench province_statistics` (add
//! `TEST_DATABASE_URL=postgres://…` to run on PostgreSQL too; `PROVINCE_MEMBERS=N` changes the
//! size). It prints milliseconds per answer (median round), the ratios to raw SQL, and the
//! process's resident memory after each path. The machines are shared and noisy: compare ratios.

use std::collections::BTreeSet;
use std::time::Instant;

use partyregistry_kit::BoxError;
use partyregistry_kit::db;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_proto::membership::v1::{
    Admission, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member, MemberEvent,
    MemberStatus, PoliticalTheory, Province, Qualification,
};
use partyregistry_proto::reporting::v1::{Freshness, Statistics};
use partyregistry_reporting::report::statistics::{self, StatisticsOptions, roll_counts_of};
use partyregistry_reporting::report::units::Scope;
use partyregistry_reporting::store::Store;
use partyregistry_tests::bench::{median, memory_mb};
use partyregistry_tests::raw_statistics::{self, RawScope};
use partyregistry_tests::{Backend, Dice, TestDatabase, postgres_admin_url};
use partyregistry_vocab::date::{self, Date};

/// Communes of the generated province.
const COMMUNES: usize = 50;
/// Members written per commune unless `PROVINCE_MEMBERS` says otherwise.
const MEMBERS_PER_COMMUNE: usize = 400;
/// Changes applied per transaction while loading.
const BATCH: usize = 1000;
/// Alternating rounds; the median counts.
const ROUNDS: usize = 5;
/// The days the statistics are asked for: next to the ledgers' pivot (1 January 2026, until a
/// rebuild moves it), and ten years before it.
const DAYS: [&str; 2] = ["2025-12-31", "2015-06-30"];

fn change(sequence: i64, resource: Resource, events: Vec<MemberEvent>) -> Change {
    Change {
        moved_from_commune: String::new(),
        events,
        sequence,
        commit_time: Some(db::timestamp(1_700_000_000_000_000 + sequence)),
        resource: Some(resource),
        ..Change::default()
    }
}

fn commune_code(index: usize) -> String {
    format!("{:05}", 4000 + index)
}

fn member(dice: &mut Dice, id: i64, commune: &str) -> Member {
    let decided = dice.day(1970, 56);
    let year: i32 = decided[..4].parse().unwrap_or(2000);
    let ceremony = format!("{}-28", &decided[..7]);
    let official = if year >= 2025 {
        String::new()
    } else {
        format!("{}{}", year + 1, &ceremony[4..])
    };
    let levels = [
        Qualification::None,
        Qualification::Vocational,
        Qualification::College,
        Qualification::University,
    ];
    Member {
        name: format!("members/{id}"),
        full_name: format!("Đảng Viên Thử {id}"),
        gender: if dice.below(3) == 0 {
            Gender::Female as i32
        } else {
            Gender::Male as i32
        },
        birth_date: dice.day(1935, 70),
        ethnicity_code: ["01", "01", "01", "02", "04", "12"][dice.below(6) as usize].into(),
        religion: ["", "", "", "Phật giáo", "Công giáo"][dice.below(5) as usize].into(),
        general_education: if dice.below(4) == 0 {
            GeneralEducation::LowerSecondary as i32
        } else {
            GeneralEducation::UpperSecondary as i32
        },
        qualification: levels[dice.below(4) as usize] as i32,
        political_theory: if dice.below(3) == 0 {
            PoliticalTheory::Intermediate as i32
        } else {
            PoliticalTheory::Elementary as i32
        },
        admission: Some(Admission {
            decision_date: decided.clone(),
            ceremony_date: ceremony,
            official_date: official.clone(),
            ..Admission::default()
        }),
        status: if official.is_empty() {
            MemberStatus::Probationary as i32
        } else {
            MemberStatus::Official as i32
        },
        cell: format!("communes/{commune}/cells/c"),
        cell_since: decided,
        admitted_in_cell: format!("communes/{commune}/cells/c"),
        ..Member::default()
    }
}

/// The province's feed: units, cells, members, and a tenth of them moved to another commune.
fn province_feed(members_per_commune: usize) -> Vec<Change> {
    let mut dice = Dice(15);
    let mut changes = vec![change(
        1,
        Resource::Province(Province {
            name: "provinces/15".into(),
            code: "15".into(),
            display_name: "Tỉnh Thử Nghiệm".into(),
            valid_from: "1976-01-01".into(),
            ..Province::default()
        }),
        Vec::new(),
    )];
    for index in 0..COMMUNES {
        let code = commune_code(index);
        let sequence = changes.len() as i64 + 1;
        changes.push(change(
            sequence,
            Resource::Commune(Commune {
                name: format!("communes/{code}"),
                code: code.clone(),
                display_name: format!("Xã Thử Nghiệm {index}"),
                province_code: "15".into(),
                valid_from: "1970-01-01".into(),
                ..Commune::default()
            }),
            Vec::new(),
        ));
        changes.push(change(
            sequence + 1,
            Resource::Cell(Cell {
                name: format!("communes/{code}/cells/c"),
                display_name: format!("Chi bộ Trung Tâm {index}"),
                kind: CellKind::Residential as i32,
                open_date: "1970-01-01".into(),
                ..Cell::default()
            }),
            Vec::new(),
        ));
    }
    let mut id = 0;
    let mut moved = Vec::new();
    for index in 0..COMMUNES {
        let code = commune_code(index);
        for _ in 0..members_per_commune {
            id += 1;
            let mut written = member(&mut dice, id, &code);
            let sequence = changes.len() as i64 + 1;
            changes.push(change(
                sequence,
                Resource::Member(written.clone()),
                Vec::new(),
            ));
            if dice.below(10) == 0 {
                let to = commune_code(dice.below(COMMUNES as u64) as usize);
                written.cell = format!("communes/{to}/cells/c");
                written.cell_since = dice.day(2024, 2);
                moved.push(written);
            }
        }
    }
    for written in moved {
        let sequence = changes.len() as i64 + 1;
        changes.push(change(sequence, Resource::Member(written), Vec::new()));
    }
    changes
}

fn options() -> StatisticsOptions {
    // The defaults are valid bounds by construction.
    StatisticsOptions::from_request(&[], &[], &[]).unwrap_or_else(|_| unreachable!())
}

/// GetStatistics for the province as the service answers it: from the ledgers.
async fn from_ledgers(store: &Store, scope: &Scope, as_of: Date) -> Result<Statistics, BoxError> {
    let mut reader = store.reader().await?;
    let directory = reader.directory().await?;
    let resolved = directory
        .resolve(scope, as_of)
        .map_err(|error| format!("{error:?}"))?;
    let codes: Vec<String> = resolved.communes.iter().map(|c| c.code.clone()).collect();
    let counts = reader.roll_counts(&codes, as_of).await?;
    reader.finish().await?;
    Ok(statistics::statistics(
        &scope.name(),
        &directory.display_name(scope),
        as_of,
        &resolved,
        &counts,
        &options(),
        Freshness::default(),
    ))
}

/// The same figures counted from every member's history.
async fn from_members(store: &Store, scope: &Scope, as_of: Date) -> Result<Statistics, BoxError> {
    let mut reader = store.reader().await?;
    let directory = reader.directory().await?;
    let resolved = directory
        .resolve(scope, as_of)
        .map_err(|error| format!("{error:?}"))?;
    let codes: Vec<String> = resolved.communes.iter().map(|c| c.code.clone()).collect();
    let members = reader.histories(&codes).await?;
    reader.finish().await?;
    let communes: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
    Ok(statistics::statistics(
        &scope.name(),
        &directory.display_name(scope),
        as_of,
        &resolved,
        &roll_counts_of(&members, &communes, as_of),
        &options(),
        Freshness::default(),
    ))
}

/// Measures the three paths for `scope` on `day`, in alternating rounds.
async fn measure(
    store: &Store,
    scope: &Scope,
    day: &str,
    members: usize,
    backend: Backend,
) -> Result<(), BoxError> {
    let as_of = date::parse(day)?;
    let answer = from_ledgers(store, scope, as_of).await?;
    let recount = from_members(store, scope, as_of).await?;
    if answer != recount {
        return Err("the ledgers and the members disagree".into());
    }
    println!(
        "  provinces/15 on {day}: {} members, {} official, {} women (the ledgers and the members agree)",
        answer.total_members, answer.official_members, answer.women
    );
    let (mut ledgers, mut counted, mut raw) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rss_ledgers, mut rss_members) = (0, 0);
    let province = RawScope::Province("15".into());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        from_ledgers(store, scope, as_of).await?;
        ledgers.push(started.elapsed().as_secs_f64() * 1000.0);
        rss_ledgers = rss_ledgers.max(memory_mb().0);
        let started = Instant::now();
        raw_statistics::statistics(&store.database().pool, &province, as_of).await?;
        raw.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        from_members(store, scope, as_of).await?;
        counted.push(started.elapsed().as_secs_f64() * 1000.0);
        rss_members = rss_members.max(memory_mb().0);
    }
    let (ledgers, counted, raw) = (median(ledgers), median(counted), median(raw));
    println!(
        "  {:<34} {:>10} {:>10}",
        "GetStatistics provinces/15", "ms", "× raw"
    );
    for (label, ms) in [
        ("from the ledgers (the service)", ledgers),
        ("from member histories (before)", counted),
        ("raw SQL over members and stints", raw),
    ] {
        println!("  {label:<34} {ms:>10.1} {:>10.2}", ms / raw);
    }
    let (_, peak) = memory_mb();
    println!(
        "  resident memory: {rss_ledgers} MB after the ledger answers, {rss_members} MB after the member recounts, peak {peak} MB"
    );
    println!(
        "province statistics ({backend:?}, {members} members, {day}): ledgers {:.2}× raw SQL, members {:.2}× raw SQL",
        ledgers / raw,
        counted / raw
    );
    Ok(())
}

async fn run(backend: Backend, members_per_commune: usize) -> Result<(), BoxError> {
    let database = TestDatabase::create(backend, "bench_province").await?;
    let store = Store::new(db::connect(&database.url, &partyregistry_reporting::MIGRATIONS).await?);
    let feed = province_feed(members_per_commune);
    let loading = Instant::now();
    for batch in feed.chunks(BATCH) {
        store.apply_changes(batch, 0).await?;
    }
    let members = COMMUNES * members_per_commune;
    println!(
        "{backend:?}: {members} members in {COMMUNES} communes ({} changes) loaded through the apply path in {:.1} s",
        feed.len(),
        loading.elapsed().as_secs_f64()
    );
    drop(feed);
    let scope = Scope::Province("15".into());
    for day in DAYS {
        measure(&store, &scope, day, members, backend).await?;
    }
    store.close().await;
    database.remove().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let members_per_commune = std::env::var("PROVINCE_MEMBERS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(MEMBERS_PER_COMMUNE, |n| (n / COMMUNES).max(1));
    run(Backend::Sqlite, members_per_commune).await?;
    if postgres_admin_url().is_some() {
        run(Backend::Postgres, members_per_commune).await?;
    } else {
        println!("TEST_DATABASE_URL not set: PostgreSQL skipped");
    }
    Ok(())
}

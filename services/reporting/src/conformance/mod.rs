//! Conformance tests of the whole read path: the same synthetic feed read by the projection,
//! applied by the store to SQLite (a temporary file) and, when `TEST_DATABASE_URL` names a
//! PostgreSQL server, to a fresh PostgreSQL database, then read back through the reports and the
//! API. They sit above every floor, so that no floor's own tests reach up into another.

/// Runs each named store test (`async fn name(store: &Store)`) on a fresh database of each
/// backend, labelled `label`: as `name::sqlite` always, and as `name::postgres` when
/// `TEST_DATABASE_URL` names a server (it returns at once otherwise, as the storage tests say).
macro_rules! on_each_store {
    ($($name:ident => $label:literal;)*) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let (store, cleanup) = crate::conformance::sqlite_store($label).await;
                    super::$name(&store).await;
                    store.close().await;
                    cleanup.remove().await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some((store, cleanup)) = crate::conformance::postgres_store($label).await
                    else {
                        return;
                    };
                    super::$name(&store).await;
                    store.close().await;
                    cleanup.remove().await;
                }
            }
        )*
    };
}

mod admission;
mod aggregates;
mod statistics;

use partyregistry_kit::db::{self, Backend};
use partyregistry_kit::test_database::{TestDatabase, postgres_admin_url};
use partyregistry_proto::membership::v1::{
    Admission, Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member,
    MemberStatus, PoliticalTheory, change::Resource,
};
use partyregistry_vocab::date::{self, Date};
use sqlx::Executor;

use crate::model::feed::FeedContact;
use crate::report::commune as reports;
use crate::store::Store;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

fn change(sequence: i64, resource: Resource) -> Change {
    Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        events: Vec::new(),
        sequence,
        commit_time: Some(db::timestamp(1_650_000_000_000_000 + sequence)),
        resource: Some(resource),
    }
}

fn commune() -> Resource {
    Resource::Commune(Commune {
        name: "communes/02680".into(),
        code: "02680".into(),
        display_name: "Xã Hợp Thành".into(),
        province_code: "15".into(),
        valid_from: "2025-07-01".into(),
        ..Commune::default()
    })
}

fn cell(id: &str, display_name: &str, kind: CellKind) -> Resource {
    Resource::Cell(Cell {
        name: format!("communes/02680/cells/{id}"),
        display_name: display_name.into(),
        kind: kind as i32,
        open_date: "2000-01-01".into(),
        ..Cell::default()
    })
}

/// A member admitted by the commune in `cell` on `decided`, with the ceremony two weeks later.
fn admitted(id: i64, cell: &str, decided: &str, ceremony: &str) -> Member {
    Member {
        name: format!("members/{id}"),
        full_name: "Người Thử Nghiệm".into(),
        gender: Gender::Female as i32,
        birth_date: "1990-03-15".into(),
        ethnicity_code: "02".into(),
        general_education: GeneralEducation::UpperSecondary as i32,
        political_theory: PoliticalTheory::Elementary as i32,
        admission: Some(Admission {
            decision_date: decided.into(),
            ceremony_date: ceremony.into(),
            ..Admission::default()
        }),
        status: MemberStatus::Probationary as i32,
        cell: format!("communes/02680/cells/{cell}"),
        cell_since: decided.into(),
        assignment: Assignment::Local as i32,
        admitted_in_cell: format!("communes/02680/cells/{cell}"),
        ..Member::default()
    }
}

/// A seconded official who joined the roll by transfer.
fn seconded(id: i64, cell: &str, joined: &str) -> Member {
    Member {
        name: format!("members/{id}"),
        gender: Gender::Male as i32,
        birth_date: "1960-01-01".into(),
        ethnicity_code: "01".into(),
        general_education: GeneralEducation::UpperSecondary as i32,
        admission: Some(Admission {
            decision_date: "1985-01-01".into(),
            ceremony_date: "1985-01-20".into(),
            official_date: "1986-01-20".into(),
            ..Admission::default()
        }),
        status: MemberStatus::Official as i32,
        cell: format!("communes/02680/cells/{cell}"),
        cell_since: joined.into(),
        joined_date: joined.into(),
        assignment: Assignment::Seconded as i32,
        ..Member::default()
    }
}

/// Applies a small feed and checks the reports, a move between cells and a replay.
async fn projection_follows_the_feed(store: &Store) {
    let mut moved = admitted(3, "tuong-1", "2021-03-01", "2021-03-15");
    let mut feed = vec![
        change(1, commune()),
        change(
            2,
            cell("tuong-1", "Chi bộ thôn Tượng 1", CellKind::Residential),
        ),
        change(
            3,
            cell("dong-tam", "Chi bộ thôn Đồng Tâm", CellKind::Residential),
        ),
        change(
            4,
            cell("truong-th", "Chi bộ Trường Tiểu học", CellKind::School),
        ),
        change(
            5,
            Resource::Member(admitted(1, "tuong-1", "2021-03-01", "2021-03-15")),
        ),
        change(
            6,
            Resource::Member(admitted(2, "tuong-1", "2022-05-10", "")),
        ),
        change(7, Resource::Member(moved.clone())),
        change(8, Resource::Member(seconded(4, "tuong-1", "2020-01-01"))),
    ];
    let outcome = store
        .apply_changes(&feed, 1)
        .await
        .expect("first batch applies");
    assert_eq!(
        (
            outcome.applied,
            outcome.replayed,
            outcome.position.last_sequence
        ),
        (8, 0, 8)
    );

    // Member 3 moves to Đồng Tâm on 1 June 2022; member 2 has the ceremony on 1 June 2022.
    moved.cell = "communes/02680/cells/dong-tam".into();
    moved.cell_since = "2022-06-01".into();
    let mut ceremony_held = admitted(2, "tuong-1", "2022-05-10", "2022-06-01");
    ceremony_held.status = MemberStatus::Probationary as i32;
    feed = vec![
        change(8, Resource::Member(seconded(4, "tuong-1", "1999-01-01"))), // replayed: must be skipped
        change(9, Resource::Member(moved.clone())),
        change(10, Resource::Member(ceremony_held)),
    ];
    let outcome = store
        .apply_changes(&feed, 2)
        .await
        .expect("second batch applies");
    assert_eq!(
        (
            outcome.applied,
            outcome.replayed,
            outcome.position.last_sequence
        ),
        (2, 1, 10)
    );
    // Applying the very same batch again changes nothing.
    let outcome = store
        .apply_changes(&feed, 3)
        .await
        .expect("a replayed batch is harmless");
    assert_eq!((outcome.applied, outcome.replayed), (0, 3));

    let report_on = |day: &'static str| async move {
        let snapshot = store
            .commune_snapshot("02680", d(day))
            .await
            .expect("snapshot reads")
            .expect("commune is known");
        reports::commune_report(
            &snapshot.facts,
            reports::freshness(snapshot.cursor.position, FeedContact::default(), 0),
        )
    };

    // Before the move: Tượng 1 has members 1 and 3 (local) and 4 (seconded); 2 has no ceremony yet.
    let before = report_on("2022-05-31").await;
    assert_eq!(
        (
            before.total_members,
            before.official_members,
            before.probationary_members
        ),
        (3, 1, 2)
    );
    assert_eq!(before.women, 2);
    let tuong = before
        .cells
        .iter()
        .find(|c| c.cell.ends_with("/tuong-1"))
        .expect("Tượng 1 is listed");
    assert_eq!(
        (tuong.members, tuong.local_members, tuong.seconded_members),
        (3, 2, 1)
    );
    assert_eq!(
        (
            tuong.last_admission_date.as_str(),
            tuong.years_since_last_admission
        ),
        ("2022-05-10", 0)
    );
    let names: Vec<&str> = before
        .cells
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Chi bộ thôn Đồng Tâm",
            "Chi bộ thôn Tượng 1",
            "Chi bộ Trường Tiểu học"
        ]
    );
    assert_eq!(
        before.freshness.as_ref().map(|f| f.last_applied_sequence),
        Some(10)
    );

    // After: member 3 counts in Đồng Tâm, member 2 is on Tượng 1's roll.
    let after = report_on("2022-06-01").await;
    assert_eq!(after.total_members, 4);
    let figures = |cell: &str| {
        after
            .cells
            .iter()
            .find(|c| c.cell.ends_with(cell))
            .map(|c| (c.members, c.local_members, c.seconded_members))
    };
    assert_eq!(figures("/tuong-1"), Some((3, 2, 1)));
    assert_eq!(figures("/dong-tam"), Some((1, 1, 0)));
    let kinds: Vec<(&str, i64)> = after
        .by_cell_kind
        .iter()
        .map(|b| (b.key.as_str(), b.members))
        .collect();
    assert_eq!(
        kinds,
        [("CELL_KIND_RESIDENTIAL", 4), ("CELL_KIND_SCHOOL", 0)]
    );
    let bands: Vec<i64> = after.age_bands.iter().map(|b| b.members).collect();
    assert_eq!(bands, [0, 3, 0, 0, 1, 0]);

    // Nobody was on the roll before the seconded official joined.
    let early = report_on("2019-12-31").await;
    assert_eq!(early.total_members, 0);

    let admissions = store
        .admissions_snapshot("02680", d("2021-01-01"), d("2022-12-31"))
        .await
        .expect("admissions read")
        .expect("commune is known");
    let years = reports::admissions_by_year(2021, 2022, &admissions.monthly);
    assert_eq!(years.iter().map(|y| y.total).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(years[0].by_month[2], 2);
    assert_eq!(years[1].by_month[4], 1);

    assert!(
        store
            .commune_snapshot("02677", d("2022-06-01"))
            .await
            .expect("snapshot reads")
            .is_none()
    );

    // A departure closes the roll period on the day.
    let mut departed = seconded(4, "tuong-1", "2020-01-01");
    departed.left_date = "2023-01-01".into();
    departed.status = MemberStatus::Deceased as i32;
    store
        .apply_changes(&[change(11, Resource::Member(departed))], 4)
        .await
        .expect("departure applies");
    assert_eq!(report_on("2022-12-31").await.total_members, 4);
    assert_eq!(report_on("2023-01-01").await.total_members, 3);

    store
        .record_heartbeat(20, 5)
        .await
        .expect("heartbeat is recorded");
    store
        .record_heartbeat(15, 6)
        .await
        .expect("an older head is ignored");
    let cursor = store.cursor().await.expect("cursor reads");
    assert_eq!(
        (
            cursor.position.last_sequence,
            cursor.head_sequence,
            cursor.last_contact_us
        ),
        (11, 20, 6)
    );
}

/// A store on a fresh database of `backend` for one test, and the database to remove after it;
/// `None` (the test is skipped) on PostgreSQL when `TEST_DATABASE_URL` is not set.
async fn test_store(backend: Backend, label: &str) -> Option<(Store, TestDatabase)> {
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL storage test skipped");
        return None;
    }
    let database = TestDatabase::create(backend, &format!("reporting_{label}"))
        .await
        .expect("test database is created");
    let store = Store::new(
        db::connect(&database.url, &crate::MIGRATIONS)
            .await
            .expect("test database opens"),
    );
    Some((store, database))
}

/// A store on a fresh SQLite database.
async fn sqlite_store(label: &str) -> (Store, TestDatabase) {
    test_store(Backend::Sqlite, label)
        .await
        .expect("SQLite always runs")
}

/// A store on a fresh PostgreSQL database, when there is a server to create it on.
async fn postgres_store(label: &str) -> Option<(Store, TestDatabase)> {
    test_store(Backend::Postgres, label).await
}

on_each_store! {
    projection_follows_the_feed => "store";
    a_new_database_follows_the_feed_without_a_replay => "fresh";
}

/// The replays the migrations ask for concern what an older version projected: a new database,
/// which applied nothing, starts following the feed at once and answers reports.
async fn a_new_database_follows_the_feed_without_a_replay(store: &Store) {
    assert!(
        !store.replay_if_requested().await.expect("requests read"),
        "nothing to count again"
    );
    assert!(!store.cursor().await.expect("cursor reads").rebuilding);
    assert!(
        !store.replay_if_requested().await.expect("requests read"),
        "the requests are gone"
    );
}

/// A database of `backend` migrated up to `version` and given the rows `statements` write (a
/// cursor at 42 of a feed whose head was 42 among them) upgrades to the latest migrations by
/// replaying the feed: the migrations ask for a replay, which the service carries out at start
/// (and the start then refuses reports until the replay reaches the head); the cursor rewinds to
/// 0, each of `tables` is empty, and the request is carried out once.
async fn upgrade_replays_the_feed(
    backend: Backend,
    label: &str,
    version: i64,
    statements: &[&str],
    tables: &[&str],
) {
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL upgrade test skipped");
        return;
    }
    let database = TestDatabase::create(backend, label)
        .await
        .expect("test database is created");
    let url = database.url.clone();
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            crate::MIGRATIONS
                .migrations
                .iter()
                .filter(|migration| migration.version <= version)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    let old = db::connect(&url, &before).await.expect("database opens");
    for statement in statements {
        old.pool
            .execute(*statement)
            .await
            .expect("old rows written");
    }
    old.pool.close().await;

    let store = Store::new(
        db::connect(&url, &crate::MIGRATIONS)
            .await
            .expect("the database upgrades"),
    );
    assert!(
        store.replay_if_requested().await.expect("replay starts"),
        "the upgrade asks for a replay"
    );
    assert!(
        !store.replay_if_requested().await.expect("nothing left"),
        "carried out once"
    );
    let cursor = store.cursor().await.expect("cursor reads");
    assert_eq!(
        (
            cursor.position.last_sequence,
            cursor.position.last_commit_time_us
        ),
        (0, 0)
    );
    assert!(
        cursor.rebuilding,
        "a restart before the replay ends goes on with it"
    );
    store.finish_rebuild().await.expect("rebuild ends");
    assert!(!store.cursor().await.expect("cursor reads").rebuilding);
    let mut connection = store.database().pool.acquire().await.expect("connection");
    for table in tables {
        let rows = sqlx::query(&format!("select * from {table}"))
            .fetch_all(&mut *connection)
            .await
            .expect("table reads");
        assert!(rows.is_empty(), "{table} is rebuilt from the feed");
    }
    drop(connection);
    store.close().await;
    database.remove().await;
}

/// A database migrated before reporting kept candidates and regulation versions in its own
/// columns upgrades by replaying the feed: the cursor rewinds and the projection empties.
#[tokio::test]
async fn sqlite_projection_of_encoded_messages_upgrades_by_replaying_the_feed() {
    upgrade_replays_the_feed(
        Backend::Sqlite,
        "reporting_upgrade",
        4,
        &[
            "update feed_cursor set last_sequence = 42, last_commit_time_us = 7, head_sequence = 42 where id = 1",
            "insert into communes (code, display_name, province_code) values ('02680', 'Xã Hợp Thành', '10')",
            "insert into candidates (candidate_id, commune_code, cell_id, stage, stage_date, resource, last_sequence) \
             values ('c1', '02680', 'tuong-1', 'CANDIDATE_STAGE_IDENTIFIED', '2022-01-10', x'0a0263', 40)",
            "insert into rule_versions (in_force_from, code, resource) values ('2021-10-01', '24-QĐ/TW', x'0a02')",
        ],
        &["communes", "candidates", "rule_versions"],
    )
    .await;
}

/// A database migrated before reporting kept candidates' exceptions, Youth Union organisation and
/// failed votes upgrades by replaying the feed, which already carried them: the cursor rewinds and
/// the projection empties.
async fn projection_without_exceptions_upgrades_by_replaying_the_feed(backend: Backend) {
    upgrade_replays_the_feed(
        backend,
        "reporting_exceptions_upgrade",
        11,
        &[
            "update feed_cursor set last_sequence = 42, last_commit_time_us = 7, head_sequence = 42 where id = 1",
            "insert into communes (code, display_name, province_code) values ('02680', 'Xã Hợp Thành', '10')",
            "insert into candidates (candidate_id, commune_code, cell_id, stage, stage_date, full_name, \
                 family_name, middle_name, given_name, birth_date, general_education, youth_union, \
                 demobilised_soldier, has_military_referral, lives_away, background_check_failed, \
                 decision_extended, last_sequence) \
             values ('c1', '02680', 'tuong-1', 'CANDIDATE_STAGE_CLASS_DONE', '2022-03-01', \
                 'Nguyễn Văn Đồng Ý', 'Nguyễn', 'Văn', 'Đồng Ý', '1960-01-10', \
                 'GENERAL_EDUCATION_UPPER_SECONDARY', 0, 0, 0, 0, 0, 0, 40)",
            "insert into candidate_introducers (candidate_id, position, member_id, \
                 youth_union_committee, months_worked_together) values ('c1', 0, 1, 0, 24)",
        ],
        &["communes", "candidates", "candidate_introducers"],
    )
    .await;
}

#[tokio::test]
async fn sqlite_projection_without_exceptions_upgrades_by_replaying_the_feed() {
    projection_without_exceptions_upgrades_by_replaying_the_feed(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_projection_without_exceptions_upgrades_by_replaying_the_feed() {
    projection_without_exceptions_upgrades_by_replaying_the_feed(Backend::Postgres).await;
}

/// A database whose ledgers counted the roll from the admission decision upgrades by replaying
/// the feed, so that every member's contribution is counted again from the ceremony: the cursor
/// rewinds and the projection and the ledgers empty.
async fn ledgers_of_the_decision_roll_upgrade_by_replaying_the_feed(backend: Backend) {
    upgrade_replays_the_feed(
        backend,
        "reporting_one_roll_upgrade",
        12,
        &[
            "update feed_cursor set last_sequence = 42, last_commit_time_us = 7, head_sequence = 42 where id = 1",
            "insert into communes (code, display_name, province_code) values ('02680', 'Xã Hợp Thành', '10')",
            "insert into roll_deltas (commune_code, dimension, value, day, delta) \
             values ('02680', 'total', '', '2022-03-01', 1)",
            "insert into roll_movements (commune_code, dimension, value, day, count) \
             values ('02680', 'admitted', 'total', '2022-03-01', 1)",
            "insert into roll_base (commune_code, dimension, value, members) \
             values ('02680', 'total', '', 1)",
            "insert into candidate_exceptions (candidate_id, position, kind, decision_date) \
             values ('c1', 0, 'EXCEPTION_KIND_OVER_AGE_CONSENT', '2024-01-10')",
            "insert into candidate_failed_votes (candidate_id, position, vote_date) \
             values ('c1', 0, '2024-02-01')",
        ],
        &[
            "communes",
            "roll_deltas",
            "roll_movements",
            "roll_base",
            "candidate_exceptions",
            "candidate_failed_votes",
        ],
    )
    .await;
}

#[tokio::test]
async fn sqlite_ledgers_of_the_decision_roll_upgrade_by_replaying_the_feed() {
    ledgers_of_the_decision_roll_upgrade_by_replaying_the_feed(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_ledgers_of_the_decision_roll_upgrade_by_replaying_the_feed() {
    ledgers_of_the_decision_roll_upgrade_by_replaying_the_feed(Backend::Postgres).await;
}

/// A database whose roll ledger held a row per breakdown, keyed by commune, dimension, value and
/// day, upgrades by replaying the feed into the ledgers keyed by commune and day with one profile
/// row per roll period.
async fn ledgers_by_breakdown_upgrade_by_replaying_the_feed(backend: Backend) {
    upgrade_replays_the_feed(
        backend,
        "reporting_profile_upgrade",
        14,
        &[
            "update feed_cursor set last_sequence = 42, last_commit_time_us = 7, head_sequence = 42 where id = 1",
            "insert into roll_deltas (commune_code, dimension, value, day, delta) \
             values ('02680', 'gender', 'GENDER_FEMALE', '2022-03-01', 1)",
            "insert into roll_movements (commune_code, dimension, value, day, count) \
             values ('02680', 'ceremony', '', '2022-03-01', 1)",
            "insert into roll_base (commune_code, dimension, value, members) \
             values ('02680', 'gender', 'GENDER_FEMALE', 1)",
        ],
        &["roll_deltas", "roll_movements", "roll_base"],
    )
    .await;
}

#[tokio::test]
async fn sqlite_ledgers_by_breakdown_upgrade_by_replaying_the_feed() {
    ledgers_by_breakdown_upgrade_by_replaying_the_feed(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_ledgers_by_breakdown_upgrade_by_replaying_the_feed() {
    ledgers_by_breakdown_upgrade_by_replaying_the_feed(Backend::Postgres).await;
}

//! Storage conformance tests: the same synthetic feed applied to SQLite (a temporary file) and,
//! when `TEST_DATABASE_URL` names a PostgreSQL server, to a fresh PostgreSQL database.

use partyregistry_kit::db;
use partyregistry_proto::membership::v1::{
    Admission, Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member,
    MemberStatus, PoliticalTheory, change::Resource,
};
use partyregistry_vocab::date::{self, Date};
use sqlx::Executor;

use super::Store;
use crate::model::feed::FeedContact;
use crate::report::commune as reports;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

fn change(sequence: i64, resource: Resource) -> Change {
    Change {
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

/// A fresh SQLite database in a temporary file, removed by [`SqliteCleanup::run`].
async fn sqlite_store(label: &str) -> (Store, SqliteCleanup) {
    let path = std::env::temp_dir().join(format!(
        "{}.db",
        partyregistry_kit::db::unique_test_name(&format!("reporting_{label}_test"))
    ));
    let url = format!("sqlite://{}", path.display());
    let database = db::connect(&url, &crate::MIGRATIONS)
        .await
        .expect("SQLite opens");
    (Store::new(database), SqliteCleanup { path })
}

/// Removes a test's SQLite files.
struct SqliteCleanup {
    path: std::path::PathBuf,
}

impl SqliteCleanup {
    fn run(self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

#[tokio::test]
async fn sqlite_projection_follows_the_feed() {
    let (store, cleanup) = sqlite_store("store").await;
    projection_follows_the_feed(&store).await;
    store.close().await;
    cleanup.run();
}

/// A fresh PostgreSQL database for one test, dropped by [`PostgresCleanup::run`]; `None` (the
/// test is skipped) when `TEST_DATABASE_URL` is not set.
async fn postgres_store(label: &str) -> Option<(Store, PostgresCleanup)> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL storage test skipped");
        return None;
    };
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&admin_url)
        .await
        .expect("PostgreSQL admin connection");
    let name = partyregistry_kit::db::unique_test_name(&format!("reporting_{label}"));
    admin
        .execute(format!("create database {name}").as_str())
        .await
        .expect("test database is created");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let database = db::connect(&format!("{base}/{name}"), &crate::MIGRATIONS)
        .await
        .expect("test database opens");
    Some((Store::new(database), PostgresCleanup { admin, name }))
}

/// Drops a test database.
struct PostgresCleanup {
    admin: sqlx::AnyPool,
    name: String,
}

impl PostgresCleanup {
    async fn run(self) {
        self.admin
            .execute(format!("drop database {} with (force)", self.name).as_str())
            .await
            .expect("test database is dropped");
        self.admin.close().await;
    }
}

#[tokio::test]
async fn postgres_projection_follows_the_feed() {
    let Some((store, cleanup)) = postgres_store("test").await else {
        return;
    };
    projection_follows_the_feed(&store).await;
    store.close().await;
    cleanup.run().await;
}

mod admission {
    //! The admission pipeline through storage: the Hợp Thành story as feed changes, then the
    //! reports read back from the projection.

    use chrono::Datelike;
    use partyregistry_kit::admission::rule_version_to_proto;
    use partyregistry_proto::membership::v1::{
        AreaFlag, AreaKind, AwarenessCertificate, Candidate, CandidateSource, CandidateStage,
        CellPlan, CellRating, Holiday, Introducer, MemberRating, RatingLevel, Target, VoteTally,
    };
    use partyregistry_proto::reporting::v1::Freshness;
    use partyregistry_rules::RuleVersion;
    use partyregistry_rules::calendar::reference_holidays;
    use sqlx::Row;

    use super::*;
    use crate::model::admission::AdmissionFacts;
    use crate::report::admission as admission_reports;
    use crate::store::AdmissionWindow;

    const CITIZEN_ID: &str = "001098012345";

    fn official(id: i64, cell: &str) -> Member {
        Member {
            name: format!("members/{id}"),
            full_name: format!("Đảng Viên Số {id}"),
            gender: Gender::Male as i32,
            birth_date: "1970-01-01".into(),
            ethnicity_code: "01".into(),
            general_education: GeneralEducation::UpperSecondary as i32,
            admission: Some(Admission {
                decision_date: "2008-01-10".into(),
                ceremony_date: "2008-02-01".into(),
                official_date: "2009-02-01".into(),
                ..Admission::default()
            }),
            status: MemberStatus::Official as i32,
            cell: format!("communes/02680/cells/{cell}"),
            cell_since: "2008-02-01".into(),
            admitted_in_cell: format!("communes/02680/cells/{cell}"),
            ..Member::default()
        }
    }

    fn candidate(id: i64, cell: &str, name: &str, stage: CandidateStage, day: &str) -> Candidate {
        Candidate {
            name: format!("candidates/{id}"),
            cell: format!("communes/02680/cells/{cell}"),
            full_name: name.into(),
            birth_date: "1999-03-03".into(),
            ethnicity_code: "01".into(),
            general_education: GeneralEducation::UpperSecondary as i32,
            citizen_id: CITIZEN_ID.into(),
            source: CandidateSource::Other as i32,
            stage: stage as i32,
            stage_date: day.into(),
            ..Candidate::default()
        }
    }

    /// Finished the class in 2022 with two qualified introducers and recent papers.
    fn finished(id: i64, cell: &str, name: &str, education: GeneralEducation) -> Candidate {
        Candidate {
            general_education: education as i32,
            certificate: Some(AwarenessCertificate {
                issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
                issue_date: "2022-03-01".into(),
            }),
            introducers: [1, 2]
                .map(|member| Introducer {
                    member: format!("members/{member}"),
                    youth_union_committee: false,
                    months_worked_together: 24,
                })
                .to_vec(),
            papers_date: "2022-04-01".into(),
            ..candidate(id, cell, name, CandidateStage::ClassDone, "2022-03-01")
        }
    }

    fn story_feed() -> Vec<Change> {
        let mut resources = vec![
            Resource::Commune(Commune {
                area_flags: vec![AreaFlag {
                    kind: AreaKind::Mountainous as i32,
                    valid_from: "2010-01-01".into(),
                    valid_to: "2015-12-31".into(),
                }],
                ..match commune() {
                    Resource::Commune(c) => c,
                    _ => unreachable!("commune() builds a commune"),
                }
            }),
            cell("tuong-1", "Chi bộ thôn Tượng 1", CellKind::Residential),
            cell("dong-tam", "Chi bộ thôn Đồng Tâm", CellKind::Residential),
            cell("an-thanh", "Chi bộ thôn An Thành", CellKind::Residential),
            Resource::RuleVersion(rule_version_to_proto(
                &RuleVersion::regulation_2021(),
                "1".into(),
            )),
            Resource::RuleVersion(rule_version_to_proto(
                &RuleVersion::regulation_2025(),
                "1".into(),
            )),
        ];
        resources.extend(
            reference_holidays()
                .into_iter()
                .filter(|(day, _)| day.year() <= 2022)
                .map(|(day, name)| {
                    Resource::Holiday(Holiday {
                        name: format!("holidays/{}", date::format(day)),
                        date: date::format(day),
                        display_name: name.into(),
                    })
                }),
        );
        let mut probationary = admitted(3, "an-thanh", "2021-04-01", "2021-04-20");
        probationary.full_name = "Đảng Viên Dự Bị".into();
        resources.extend([
            Resource::Member(official(1, "dong-tam")),
            Resource::Member(official(2, "an-thanh")),
            Resource::Member(probationary),
            Resource::Member(admitted(10, "an-thanh", "2022-03-10", "2022-03-25")),
            Resource::Member(admitted(11, "dong-tam", "2022-05-10", "")),
            Resource::Target(Target {
                name: "communes/02680/targets/2020".into(),
                first_year: 2020,
                last_year: 2025,
                admissions_per_year: 6,
                good_cells_percent: 80,
                etag: String::new(),
            }),
            Resource::CellPlan(CellPlan {
                name: "communes/02680/cells/dong-tam/plans/2022".into(),
                year: 2022,
                sources_to_develop: 4,
                admissions: 3,
                ..CellPlan::default()
            }),
            Resource::CellPlan(CellPlan {
                name: "communes/02680/cells/tuong-1/plans/2022".into(),
                year: 2022,
                ..CellPlan::default()
            }),
            Resource::CellRating(CellRating {
                name: "communes/02680/cells/tuong-1/ratings/2021".into(),
                year: 2021,
                level: RatingLevel::Completed as i32,
                etag: String::new(),
            }),
            Resource::CellRating(CellRating {
                name: "communes/02680/cells/dong-tam/ratings/2021".into(),
                year: 2021,
                level: RatingLevel::Excellent as i32,
                etag: String::new(),
            }),
            Resource::MemberRating(MemberRating {
                name: "members/1/ratings/2021".into(),
                year: 2021,
                level: RatingLevel::Good as i32,
                etag: String::new(),
            }),
        ]);
        // Two on primary education, two eligible (one of them followed through its stages).
        let mut approved = finished(
            104,
            "dong-tam",
            "Lò Văn Dũng",
            GeneralEducation::UpperSecondary,
        );
        let mut stages = Vec::new();
        for (stage, day) in [
            (CandidateStage::ClassDone, "2022-03-01"),
            (CandidateStage::Dossier, "2022-04-01"),
            (CandidateStage::Verified, "2022-05-02"),
            (CandidateStage::CellApproved, "2022-05-16"),
        ] {
            approved.stage = stage as i32;
            approved.stage_date = day.into();
            if stage == CandidateStage::CellApproved {
                approved.cell_vote = Some(VoteTally {
                    eligible: 9,
                    present: 9,
                    yes: 8,
                    no: 1,
                });
                approved.cell_vote_date = day.into();
            }
            stages.push(Resource::Candidate(approved.clone()));
        }
        let soldier = |id, name: &str| Candidate {
            source: CandidateSource::DemobilisedSoldier as i32,
            ..candidate(
                id,
                "an-thanh",
                name,
                CandidateStage::Identified,
                "2022-02-01",
            )
        };
        let away = |id, cell: &str, name: &str| Candidate {
            source: CandidateSource::YouthUnion as i32,
            youth_union: true,
            lives_away: true,
            ..candidate(id, cell, name, CandidateStage::Identified, "2022-01-10")
        };
        resources.extend([
            Resource::Candidate(finished(
                101,
                "dong-tam",
                "Hoàng Thị Mai",
                GeneralEducation::Primary,
            )),
            Resource::Candidate(finished(
                102,
                "an-thanh",
                "Vàng A Sùng",
                GeneralEducation::Primary,
            )),
            Resource::Candidate(finished(
                103,
                "an-thanh",
                "Nguyễn Văn An",
                GeneralEducation::LowerSecondary,
            )),
        ]);
        resources.extend(stages);
        resources.extend([
            Resource::Candidate(soldier(105, "Phạm Văn Bình")),
            Resource::Candidate(soldier(106, "Trần Văn Cường")),
            Resource::Candidate(away(107, "dong-tam", "Lý Thị Hoa")),
            Resource::Candidate(away(108, "an-thanh", "Giàng Seo Lử")),
            // Identified only after the day of the story.
            Resource::Candidate(candidate(
                109,
                "an-thanh",
                "Đỗ Văn Khải",
                CandidateStage::Identified,
                "2022-07-15",
            )),
            // A holiday set by mistake, then removed.
            Resource::Holiday(Holiday {
                name: "holidays/2022-06-06".into(),
                date: "2022-06-06".into(),
                display_name: "Nhầm".into(),
            }),
            Resource::DeletedResource("holidays/2022-06-06".into()),
        ]);
        resources
            .into_iter()
            .enumerate()
            .map(|(i, resource)| change(i as i64 + 1, resource))
            .collect()
    }

    async fn facts_on(store: &Store, window: AdmissionWindow) -> AdmissionFacts {
        store
            .admission_snapshot("02680", window)
            .await
            .expect("snapshot reads")
            .expect("commune is known")
            .facts
    }

    fn window(roll_day: &str, from: &str, to: &str) -> AdmissionWindow {
        AdmissionWindow {
            roll_day: d(roll_day),
            admissions_from: d(from),
            admissions_to: d(to),
        }
    }

    async fn admission_reports_follow_the_feed(store: &Store) {
        let feed = story_feed();
        let last = feed.last().map_or(0, |c| c.sequence);
        let outcome = store.apply_changes(&feed, 1).await.expect("feed applies");
        assert_eq!((outcome.applied, outcome.malformed), (feed.len(), 0));

        // A replay of an applied change with other content is skipped.
        let mut replayed = feed[4].clone();
        replayed.resource = Some(Resource::Target(Target {
            name: "communes/02680/targets/2020".into(),
            first_year: 2020,
            last_year: 2025,
            admissions_per_year: 1,
            good_cells_percent: 10,
            etag: String::new(),
        }));
        let outcome = store
            .apply_changes(&[replayed], 2)
            .await
            .expect("replay is harmless");
        assert_eq!((outcome.applied, outcome.replayed), (0, 1));
        assert_eq!(outcome.position.last_sequence, last);

        // The citizen id is never stored.
        let mut connection = store.database.pool.acquire().await.expect("connection");
        let rows = sqlx::query("select * from candidates")
            .fetch_all(&mut *connection)
            .await
            .expect("candidates read");
        assert_eq!(rows.len(), 9);
        for row in &rows {
            // Every text column of every candidate; the numeric ones cannot hold the id.
            for column in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(column) {
                    assert!(!text.contains(CITIZEN_ID), "citizen id stored");
                }
            }
        }
        drop(connection);

        let facts = facts_on(store, window("2022-06-30", "2022-01-01", "2022-06-30")).await;
        assert_eq!(facts.rules.versions().len(), 2);
        assert_eq!(facts.area_flags.len(), 1);
        assert!(!facts.calendar.is_working_day(d("2022-09-02")));
        assert!(
            facts.calendar.is_working_day(d("2022-06-06")),
            "the deleted holiday is a working day again"
        );
        let progress = admission_reports::admission_progress(
            &facts,
            2022,
            d("2022-06-30"),
            Freshness::default(),
        );
        assert_eq!(
            (
                progress.target,
                progress.admitted,
                progress.open_candidates,
                progress.eligible_candidates,
                progress.best_case,
                progress.at_risk
            ),
            (6, 2, 8, 2, 4, true)
        );
        assert!(
            progress
                .reasons
                .iter()
                .any(|r| r == "Chưa đủ trình độ học vấn: 2 người")
        );

        // The stage history answers for earlier days.
        let april = facts_on(store, window("2022-04-15", "2022-04-15", "2022-04-15")).await;
        let pipeline = admission_reports::pipeline(&april, d("2022-04-15"), Freshness::default());
        let dossier = pipeline
            .by_stage
            .iter()
            .find(|b| b.key == "CANDIDATE_STAGE_DOSSIER")
            .map(|b| b.members);
        assert_eq!(dossier, Some(1));
        assert_eq!(pipeline.open_candidates, 8);

        let listed = crate::report::deadlines::deadlines(
            &facts,
            d("2022-06-30"),
            d("2022-06-30"),
            Freshness::default(),
        );
        let subjects: Vec<(&str, bool)> = listed
            .deadlines
            .iter()
            .map(|x| (x.subject.as_str(), x.overdue))
            .collect();
        assert_eq!(
            subjects,
            [
                ("members/3", true),
                ("members/11", true),
                ("candidates/104", false)
            ]
        );
        assert_eq!(listed.deadlines[0].full_name, "Đảng Viên Dự Bị");

        let ratings = facts_on(store, window("2021-12-31", "2021-12-31", "2021-12-31")).await;
        let summary = admission_reports::cell_rating_summary(&ratings, 2021, Freshness::default());
        assert_eq!(
            (summary.numerator, summary.denominator, summary.needed),
            (1, 2, 2)
        );
        assert_eq!(summary.exclusions.len(), 1);

        let june = facts_on(store, window("2022-06-01", "2022-01-01", "2022-06-01")).await;
        let briefing = admission_reports::monthly_briefing(
            &june,
            d("2022-06-01"),
            d("2022-06-30"),
            Freshness::default(),
        );
        let cells: Vec<(&str, bool, i64, i64)> = briefing
            .cells
            .iter()
            .map(|c| (c.display_name.as_str(), c.has_plan, c.admitted, c.sources))
            .collect();
        assert_eq!(
            cells,
            [
                ("Chi bộ thôn An Thành", false, 1, 5),
                ("Chi bộ thôn Đồng Tâm", true, 1, 3),
                ("Chi bộ thôn Tượng 1", true, 0, 0),
            ]
        );

        let health = admission_reports::cell_health(
            &facts,
            d("2022-06-30"),
            admission_reports::HealthThresholds::from_request(0, 0, 0).expect("defaults"),
            Freshness::default(),
        );
        let an = &health.cells[0];
        assert_eq!(
            (
                an.members,
                an.last_admission_date.as_str(),
                an.open_candidates
            ),
            (3, "2022-03-10", 5)
        );

        assert!(
            store
                .admission_snapshot("02677", window("2022-06-30", "2022-01-01", "2022-06-30"))
                .await
                .expect("snapshot reads")
                .is_none()
        );
    }

    #[tokio::test]
    async fn sqlite_admission_reports_follow_the_feed() {
        let (store, cleanup) = super::sqlite_store("admission").await;
        admission_reports_follow_the_feed(&store).await;
        store.close().await;
        cleanup.run();
    }

    #[tokio::test]
    async fn postgres_admission_reports_follow_the_feed() {
        let Some((store, cleanup)) = super::postgres_store("admission").await else {
            return;
        };
        admission_reports_follow_the_feed(&store).await;
        store.close().await;
        cleanup.run().await;
    }
}

mod statistics {
    //! The provincial statistics through storage and the service's handlers: provinces, a merge
    //! of communes and member events on the feed, then statistics, movements, badges and the
    //! ranking read back, and the errors of units that do not exist on the day.

    use std::sync::Arc;

    use partyregistry_proto::membership::v1::{
        BadgeAward, EventType, MemberEvent, PartyAgeGap, Province, UnitLevel, UnitMerge,
    };
    use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
    use partyregistry_proto::reporting::v1::{
        AwardRound, GetCommuneReportRequest, GetMovementsRequest, GetStatisticsRequest,
        ListBadgesDueRequest, RankCommunesRequest, RankingIndicator, Statistics,
    };
    use tonic::Code;

    use super::*;
    use crate::grpc::api::ReportingApi;
    use crate::ingest::consumer::FeedState;

    fn province(code: &str, display_name: &str, from: &str, to: &str) -> Resource {
        Resource::Province(Province {
            name: format!("provinces/{code}"),
            code: code.into(),
            display_name: display_name.into(),
            valid_from: from.into(),
            valid_to: to.into(),
            etag: String::new(),
        })
    }

    fn commune_in(code: &str, display_name: &str, from: &str, to: &str) -> Resource {
        Resource::Commune(Commune {
            name: format!("communes/{code}"),
            code: code.into(),
            display_name: display_name.into(),
            province_code: "12".into(),
            valid_from: from.into(),
            valid_to: to.into(),
            ..Commune::default()
        })
    }

    fn cell_of(commune: &str, from: &str) -> Resource {
        Resource::Cell(Cell {
            name: format!("communes/{commune}/cells/c"),
            display_name: format!("Chi bộ thôn Trung Tâm ({commune})"),
            kind: CellKind::Residential as i32,
            open_date: from.into(),
            ..Cell::default()
        })
    }

    /// An official member of `commune` admitted there on `decided` (ceremony two weeks later).
    fn official(id: i64, commune: &str, decided: &str) -> Member {
        let year: i32 = decided[..4].parse().expect("a year");
        Member {
            name: format!("members/{id}"),
            full_name: format!("Đảng Viên Số {id}"),
            gender: Gender::Male as i32,
            birth_date: "1970-02-02".into(),
            ethnicity_code: "01".into(),
            general_education: GeneralEducation::UpperSecondary as i32,
            admission: Some(Admission {
                decision_date: decided.into(),
                ceremony_date: format!("{}-20", &decided[..7]),
                official_date: format!("{}{}-20", year + 1, &decided[4..7]),
                ..Admission::default()
            }),
            status: MemberStatus::Official as i32,
            cell: format!("communes/{commune}/cells/c"),
            cell_since: decided.into(),
            admitted_in_cell: format!("communes/{commune}/cells/c"),
            ..Member::default()
        }
    }

    fn event(member: i64, n: u32, kind: EventType, day: &str) -> MemberEvent {
        MemberEvent {
            name: format!("members/{member}/events/{n}"),
            r#type: kind as i32,
            effective_date: day.into(),
            ..MemberEvent::default()
        }
    }

    fn with_events(sequence: i64, member: Member, events: Vec<MemberEvent>) -> Change {
        Change {
            events,
            ..change(sequence, Resource::Member(member))
        }
    }

    fn feed() -> Vec<Change> {
        let mut changes = vec![
            change(1, province("12", "Tỉnh Lai Châu", "1976-01-01", "")),
            change(2, commune_in("03001", "Xã Nậm Tăm", "2010-01-01", "")),
            change(3, commune_in("03002", "Xã Pa Vây Sử", "2010-01-01", "")),
            change(4, commune_in("03009", "Xã Nậm Hàng", "2025-07-01", "")),
            change(5, cell_of("03001", "2010-01-01")),
            change(6, cell_of("03002", "2010-01-01")),
            change(7, cell_of("03009", "2025-07-01")),
        ];
        let mut sequence = 7;
        let mut members = Vec::new();
        for (id, commune) in [
            (1, "03001"),
            (2, "03001"),
            (3, "03002"),
            (4, "03002"),
            (5, "03002"),
        ] {
            let member = official(id, commune, "2015-04-06");
            sequence += 1;
            changes.push(with_events(
                sequence,
                member.clone(),
                vec![event(id, 1, EventType::AdmissionDecided, "2015-04-06")],
            ));
            members.push(member);
        }
        // A woman under 30 admitted in 2024; her ceremony comes later in the month.
        let mut newcomer = official(6, "03001", "2024-03-01");
        newcomer.gender = Gender::Female as i32;
        newcomer.birth_date = "1999-08-08".into();
        newcomer.youth_union = true;
        sequence += 1;
        changes.push(with_events(
            sequence,
            newcomer.clone(),
            vec![event(6, 1, EventType::AdmissionDecided, "2024-03-01")],
        ));
        members.push(newcomer);
        sequence += 1;
        changes.push(change(
            sequence,
            Resource::Merge(UnitMerge {
                name: "merges/1".into(),
                level: UnitLevel::Commune as i32,
                predecessor_codes: vec!["03001".into(), "03002".into()],
                successor_code: "03009".into(),
                effective_date: "2025-07-01".into(),
                legal_basis: "Nghị quyết 1670/NQ-UBTVQH15".into(),
            }),
        ));
        for code in ["03001", "03002"] {
            sequence += 1;
            changes.push(change(
                sequence,
                commune_in(code, "", "2010-01-01", "2025-06-30"),
            ));
        }
        for member in &mut members {
            let id = names_id(&member.name);
            member.cell = "communes/03009/cells/c".into();
            member.cell_since = "2025-07-01".into();
            sequence += 1;
            changes.push(with_events(
                sequence,
                member.clone(),
                vec![event(id, 2, EventType::TransferredToCommune, "2025-07-01")],
            ));
        }
        // Member 5 dies in February 2026; member 1 has a gap and a seriously ill flag; member 2
        // has had the 30-year badge... which is years away: a 40-year badge is recorded instead.
        members[4].status = MemberStatus::Deceased as i32;
        members[4].left_date = "2026-02-10".into();
        sequence += 1;
        changes.push(with_events(
            sequence,
            members[4].clone(),
            vec![event(5, 3, EventType::Died, "2026-02-10")],
        ));
        members[0].party_age_gaps = vec![PartyAgeGap {
            from_date: "2016-01-01".into(),
            to_date: "2016-12-31".into(),
            reason: "Mất liên lạc".into(),
        }];
        members[1].badges = vec![BadgeAward {
            years: 40,
            award_date: "2025-11-07".into(),
        }];
        for index in [0, 1] {
            sequence += 1;
            changes.push(change(sequence, Resource::Member(members[index].clone())));
        }
        changes
    }

    fn names_id(name: &str) -> i64 {
        name.trim_start_matches("members/").parse().expect("an id")
    }

    async fn statistics_of(api: &ReportingApi, scope: &str, day: &str) -> Result<Statistics, Code> {
        api.get_statistics(crate::testing::request(GetStatisticsRequest {
            scope: scope.into(),
            as_of_date: day.into(),
            ..GetStatisticsRequest::default()
        }))
        .await
        .map(tonic::Response::into_inner)
        .map_err(|status| status.code())
    }

    async fn statistics_follow_the_feed(store: &Store) {
        let outcome = store.apply_changes(&feed(), 1).await.expect("feed applies");
        assert_eq!(outcome.malformed, 0);
        let cursor = store.cursor().await.expect("cursor reads");
        let api = crate::testing::api(store, Arc::new(FeedState::from_cursor(&cursor)));

        let before = statistics_of(&api, "communes/03009", "2024-12-31")
            .await
            .expect("counts the predecessors");
        assert_eq!(before.total_members, 6);
        let units: Vec<&str> = before.units.iter().map(|u| u.commune.as_str()).collect();
        assert_eq!(units, ["communes/03001", "communes/03002"]);
        assert!(!before.notes.is_empty());
        for breakdown in &before.breakdowns {
            assert_eq!(
                breakdown.rows.iter().map(|r| r.members).sum::<i64>(),
                before.total_members,
                "{}",
                breakdown.kind
            );
        }
        let after = statistics_of(&api, "communes/03009", "2026-06-30")
            .await
            .expect("counts the successor");
        assert_eq!((after.total_members, after.units.len()), (5, 1));
        assert_eq!(
            statistics_of(&api, "communes/03001", "2026-06-30")
                .await
                .err(),
            Some(Code::FailedPrecondition)
        );
        assert_eq!(
            statistics_of(&api, "communes/03001", "1999-01-01")
                .await
                .err(),
            Some(Code::InvalidArgument)
        );
        assert_eq!(
            statistics_of(&api, "provinces/77", "2024-12-31")
                .await
                .err(),
            Some(Code::NotFound)
        );
        assert_eq!(
            statistics_of(&api, "provinces/12", "2024-12-31")
                .await
                .map(|s| s.total_members),
            Ok(6)
        );
        assert_eq!(
            statistics_of(&api, "country", "2026-06-30")
                .await
                .map(|s| s.total_members),
            Ok(5)
        );
        // The commune report keeps its roll, from the ceremony: the newcomer is not on it on the
        // day between her decision and her ceremony, while the statistics count her.
        let report = api
            .get_commune_report(crate::testing::request(GetCommuneReportRequest {
                commune: "communes/03001".into(),
                as_of_date: "2024-03-10".into(),
            }))
            .await
            .expect("commune report")
            .into_inner();
        assert_eq!(report.total_members, 2);
        assert_eq!(
            statistics_of(&api, "communes/03001", "2024-03-10")
                .await
                .map(|s| (s.total_members, s.probationary_members)),
            Ok((3, 1))
        );

        for (scope, from, to) in [
            ("provinces/12", "2024-01-01", "2024-12-31"),
            ("provinces/12", "2025-01-01", "2025-12-31"),
            ("communes/03009", "2025-07-01", "2026-06-30"),
            ("communes/03009", "2015-01-01", "2026-06-30"),
            ("communes/03001", "2015-01-01", "2025-06-30"),
            ("country", "2010-01-01", "2026-06-30"),
        ] {
            let found = api
                .get_movements(crate::testing::request(GetMovementsRequest {
                    scope: scope.into(),
                    from_date: from.into(),
                    to_date: to.into(),
                }))
                .await
                .expect("movements")
                .into_inner();
            let check = found.reconciliation.expect("reconciled");
            assert!(check.balanced, "{scope} {from} {to}: {found:?}");
            if scope == "communes/03009" && from == "2025-07-01" {
                assert_eq!((found.died, found.transferred_in), (1, 6));
            }
            if scope == "provinces/12" && from == "2024-01-01" {
                let admitted = found.admitted.expect("admissions");
                assert_eq!(
                    (admitted.total, admitted.under_30, admitted.women),
                    (1, 1, 1)
                );
                assert_eq!(admitted.youth_union, 1);
            }
        }
        let backwards = api
            .get_movements(crate::testing::request(GetMovementsRequest {
                scope: "provinces/12".into(),
                from_date: "2025-12-31".into(),
                to_date: "2025-01-01".into(),
            }))
            .await;
        assert_eq!(
            backwards.err().map(|s| s.code()),
            Some(Code::InvalidArgument)
        );

        // Member 1's gap of 366 days moves the 30-year badge of 2045 to 2046; nothing is due in
        // 2045 but members 2..4 (member 5 died long before, member 6 joined in 2024).
        let due = api
            .list_badges_due(crate::testing::request(ListBadgesDueRequest {
                scope: "communes/03009".into(),
                year: 2045,
                round: AwardRound::Unspecified as i32,
            }))
            .await
            .expect("badges")
            .into_inner()
            .badges;
        let listed: Vec<(&str, i32, &str)> = due
            .iter()
            .map(|b| (b.member.as_str(), b.badge_years, b.round_date.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                ("members/2", 30, "2045-05-19"),
                ("members/3", 30, "2045-05-19"),
                ("members/4", 30, "2045-05-19"),
            ]
        );
        let gap = api
            .list_badges_due(crate::testing::request(ListBadgesDueRequest {
                scope: "provinces/12".into(),
                year: 2046,
                round: AwardRound::May19 as i32,
            }))
            .await
            .expect("badges")
            .into_inner()
            .badges;
        assert_eq!(gap.len(), 1);
        assert_eq!(
            (gap[0].member.as_str(), gap[0].milestone_date.as_str()),
            ("members/1", "2046-04-07")
        );

        let ranking = api
            .rank_communes(crate::testing::request(RankCommunesRequest {
                province: "provinces/12".into(),
                indicator: RankingIndicator::Members as i32,
                year: 2024,
                as_of_date: "2024-12-31".into(),
            }))
            .await
            .expect("ranking")
            .into_inner();
        let ranked: Vec<(&str, i32, f64)> = ranking
            .communes
            .iter()
            .map(|c| (c.commune.as_str(), c.rank, c.value))
            .collect();
        assert_eq!(
            ranked,
            [("communes/03001", 1, 3.0), ("communes/03002", 1, 3.0)]
        );
        let targets = api
            .rank_communes(crate::testing::request(RankCommunesRequest {
                province: "provinces/12".into(),
                indicator: RankingIndicator::AdmissionsAgainstTarget as i32,
                year: 2024,
                as_of_date: String::new(),
            }))
            .await
            .expect("ranking")
            .into_inner();
        assert!(targets.communes.iter().all(|c| !c.has_value && c.rank == 1));
    }

    #[tokio::test]
    async fn sqlite_statistics_follow_the_feed() {
        let (store, cleanup) = super::sqlite_store("statistics").await;
        statistics_follow_the_feed(&store).await;
        store.close().await;
        cleanup.run();
    }

    #[tokio::test]
    async fn postgres_statistics_follow_the_feed() {
        let Some((store, cleanup)) = super::postgres_store("statistics").await else {
            return;
        };
        statistics_follow_the_feed(&store).await;
        store.close().await;
        cleanup.run().await;
    }
}

/// A database migrated before reporting kept candidates and regulation versions in its own
/// columns upgrades by replaying the feed: the cursor rewinds and the projection empties.
#[tokio::test]
async fn sqlite_projection_of_encoded_messages_upgrades_by_replaying_the_feed() {
    let path = std::env::temp_dir().join(format!(
        "{}.db",
        partyregistry_kit::db::unique_test_name("reporting_upgrade_test")
    ));
    let url = format!("sqlite://{}", path.display());
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            crate::MIGRATIONS
                .migrations
                .iter()
                .filter(|migration| migration.version <= 4)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    let old = db::connect(&url, &before).await.expect("SQLite opens");
    for statement in [
        "update feed_cursor set last_sequence = 42, last_commit_time_us = 7 where id = 1",
        "insert into communes (code, display_name, province_code) values ('02680', 'Xã Hợp Thành', '10')",
        "insert into candidates (candidate_id, commune_code, cell_id, stage, stage_date, resource, last_sequence) \
         values ('c1', '02680', 'tuong-1', 'CANDIDATE_STAGE_IDENTIFIED', '2022-01-10', x'0a0263', 40)",
        "insert into rule_versions (in_force_from, code, resource) values ('2021-10-01', '24-QĐ/TW', x'0a02')",
    ] {
        old.pool.execute(statement).await.expect("old rows written");
    }
    old.pool.close().await;

    let store = Store::new(
        db::connect(&url, &crate::MIGRATIONS)
            .await
            .expect("the database upgrades"),
    );
    let cursor = store.cursor().await.expect("cursor reads");
    assert_eq!(
        (
            cursor.position.last_sequence,
            cursor.position.last_commit_time_us
        ),
        (0, 0)
    );
    let mut connection = store.database.pool.acquire().await.expect("connection");
    for table in ["communes", "candidates", "rule_versions"] {
        let rows = sqlx::query(&format!("select * from {table}"))
            .fetch_all(&mut *connection)
            .await
            .expect("table reads");
        assert!(rows.is_empty(), "{table} is rebuilt from the feed");
    }
    drop(connection);
    store.close().await;
    SqliteCleanup { path }.run();
}

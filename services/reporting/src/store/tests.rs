//! Storage conformance tests: the same synthetic feed applied to SQLite (a temporary file) and,
//! when `TEST_DATABASE_URL` names a PostgreSQL server, to a fresh PostgreSQL database.

use partyregistry_kit::date::{self, Date};
use partyregistry_kit::db;
use partyregistry_proto::membership::v1::{
    Admission, Assignment, Cell, CellKind, Change, Commune, Gender, GeneralEducation, Member,
    MemberStatus, PoliticalTheory, change::Resource,
};
use sqlx::Executor;

use super::Store;
use crate::reports::{self, FeedContact};

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

/// A name unique to this test run, for temporary files and databases.
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos)
}

fn change(sequence: i64, resource: Resource) -> Change {
    Change {
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

#[tokio::test]
async fn sqlite_projection_follows_the_feed() {
    let path = std::env::temp_dir().join(format!("reporting_store_test_{}.db", unique_suffix()));
    let url = format!("sqlite://{}", path.display());
    let database = db::connect(&url, &crate::MIGRATIONS)
        .await
        .expect("SQLite opens");
    let store = Store::new(database);
    projection_follows_the_feed(&store).await;
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
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
    let name = format!("reporting_{label}_{}", unique_suffix());
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
    use crate::admission_reports;
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

    async fn facts_on(store: &Store, window: AdmissionWindow) -> admission_reports::AdmissionFacts {
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
        let mut connection = store.pool.acquire().await.expect("connection");
        let blobs = sqlx::query("select resource from candidates")
            .fetch_all(&mut *connection)
            .await
            .expect("candidates read");
        assert_eq!(blobs.len(), 9);
        for row in &blobs {
            let bytes: Vec<u8> = row.try_get(0).expect("blob");
            assert!(
                !bytes
                    .windows(CITIZEN_ID.len())
                    .any(|w| w == CITIZEN_ID.as_bytes()),
                "citizen id stored"
            );
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

        let listed = admission_reports::deadlines(
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
        let path =
            std::env::temp_dir().join(format!("reporting_admission_test_{}.db", unique_suffix()));
        let url = format!("sqlite://{}", path.display());
        let database = db::connect(&url, &crate::MIGRATIONS)
            .await
            .expect("SQLite opens");
        let store = Store::new(database);
        admission_reports_follow_the_feed(&store).await;
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
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

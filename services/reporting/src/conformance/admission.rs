//! The admission pipeline through storage: the Hợp Thành story as feed changes, then the
//! reports read back from the projection.

use chrono::Datelike;
use partyregistry_kit::admission::rule_version_to_proto;
use partyregistry_proto::membership::v1::{
    AdmissionException, AreaFlag, AreaKind, AwarenessCertificate, Candidate, CandidateSource,
    CandidateStage, CellPlan, CellRating, ExceptionKind, FailedCellVote, Holiday, Introducer,
    MemberRating, RatingLevel, Target, VoteTally,
};
use partyregistry_proto::reporting::v1::Freshness;
use partyregistry_rules::RuleVersion;
use partyregistry_rules::calendar::reference_holidays;
use sqlx::Row;

use super::*;
use crate::model::admission::AdmissionFacts;
use crate::report::admission as admission_reports;
use crate::store::AdmissionWindow;

mod deadlines;

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
        // The story's candidates are of youth age and not Youth Union members: none lives where
        // a Youth Union organisation exists, so its introduction is not required of them.
        no_youth_union_organisation: true,
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

/// The 2021 and 2025 regulation versions and the reference days off of the years `kept`.
fn reference_rules(kept: impl Fn(i32) -> bool) -> Vec<Resource> {
    let versions = [
        RuleVersion::regulation_2021(),
        RuleVersion::regulation_2025(),
    ]
    .iter()
    .map(|version| Resource::RuleVersion(rule_version_to_proto(version, "1".into())))
    .collect::<Vec<_>>();
    let holidays = reference_holidays()
        .into_iter()
        .filter(|(day, _)| kept(day.year()))
        .map(|(day, name)| {
            Resource::Holiday(Holiday {
                name: format!("holidays/{}", date::format(day)),
                date: date::format(day),
                display_name: name.into(),
                make_up_working_day: false,
            })
        });
    versions.into_iter().chain(holidays).collect()
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
    ];
    resources.extend(reference_rules(|year| year <= 2022));
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
            make_up_working_day: false,
        }),
        Resource::DeletedResource("holidays/2022-06-06".into()),
        // A make-up Saturday: worked, though a weekend day.
        Resource::Holiday(Holiday {
            name: "holidays/2024-05-04".into(),
            date: "2024-05-04".into(),
            display_name: "Làm bù".into(),
            make_up_working_day: true,
        }),
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
    let mut connection = store.database().pool.acquire().await.expect("connection");
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
        facts.calendar.is_working_day(d("2024-05-04")),
        "make-up Saturday"
    );
    assert!(
        !facts.calendar.is_working_day(d("2022-06-04")),
        "a Saturday"
    );
    assert!(
        facts.calendar.is_working_day(d("2022-06-06")),
        "the deleted holiday is a working day again"
    );
    let progress =
        admission_reports::admission_progress(&facts, 2022, d("2022-06-30"), Freshness::default());
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

/// Candidates of the Đồng Tâm cell, each with the class, two qualified introducers and recent
/// papers, judged on the rules that need their exceptions, the Youth Union organisation and
/// the failed votes; under a version whose cell votes run out after two failures.
fn exceptions_feed() -> Vec<Change> {
    let over_sixty = |id: i64, name: &str| Candidate {
        birth_date: "1960-01-10".into(),
        ..finished(id, "dong-tam", name, GeneralEducation::UpperSecondary)
    };
    let youth = |id: i64, name: &str, organisation: bool| Candidate {
        no_youth_union_organisation: !organisation,
        ..finished(id, "dong-tam", name, GeneralEducation::UpperSecondary)
    };
    let failed_vote = |day: &str| FailedCellVote {
        tally: Some(VoteTally {
            eligible: 9,
            present: 9,
            yes: 5,
            no: 4,
        }),
        vote_date: day.into(),
    };
    let resources = vec![
        commune(),
        cell("dong-tam", "Chi bộ thôn Đồng Tâm", CellKind::Residential),
        Resource::RuleVersion(rule_version_to_proto(
            &RuleVersion {
                failed_cell_votes_limit: 2,
                ..RuleVersion::regulation_2021()
            },
            "1".into(),
        )),
        Resource::Member(official(1, "dong-tam")),
        Resource::Member(official(2, "dong-tam")),
        Resource::Candidate(Candidate {
            exceptions: vec![AdmissionException {
                kind: ExceptionKind::OverAgeConsent as i32,
                decided_by: "Ban Thường vụ Tỉnh ủy Lào Cai".into(),
                decision_date: "2022-04-01".into(),
                reference_number: "125-CV/TU".into(),
                note: String::new(),
            }],
            ..over_sixty(201, "Nguyễn Văn Đồng Ý")
        }),
        Resource::Candidate(over_sixty(202, "Trần Văn Chưa Đồng Ý")),
        Resource::Candidate(youth(203, "Lê Thị Thanh Niên", true)),
        Resource::Candidate(youth(204, "Phạm Thị Xa Đoàn", false)),
        Resource::Candidate(Candidate {
            failed_cell_votes: vec![failed_vote("2022-02-01"), failed_vote("2022-04-10")],
            ..youth(205, "Hoàng Văn Hai Lần", false)
        }),
    ];
    resources
        .into_iter()
        .enumerate()
        .map(|(i, resource)| change(i as i64 + 1, resource))
        .collect()
}

/// The blocker buckets of the commune's pipeline on `day`.
async fn pipeline_blockers(store: &Store, day: &str) -> (i64, Vec<(String, i64)>) {
    let facts = facts_on(store, window(day, "2022-01-01", day)).await;
    let pipeline = admission_reports::pipeline(&facts, d(day), Freshness::default());
    let blockers = pipeline
        .by_blocker
        .iter()
        .map(|bucket| (bucket.key.clone(), bucket.members))
        .collect();
    (pipeline.eligible_candidates, blockers)
}

async fn pipeline_judges_exceptions_youth_union_and_failed_votes(store: &Store) {
    let feed = exceptions_feed();
    let outcome = store.apply_changes(&feed, 1).await.expect("feed applies");
    assert_eq!((outcome.applied, outcome.malformed), (feed.len(), 0));

    // Who decided an exception, its reference number and its note stay with membership.
    let mut connection = store.database().pool.acquire().await.expect("connection");
    let rows = sqlx::query("select * from candidate_exceptions")
        .fetch_all(&mut *connection)
        .await
        .expect("exceptions read");
    assert_eq!(rows.len(), 1);
    for column in 0..rows[0].len() {
        if let Ok(Some(text)) = rows[0].try_get::<Option<String>, _>(column) {
            assert!(!text.contains("Tỉnh ủy") && !text.contains("125-CV/TU"));
        }
    }
    drop(connection);

    // On 15 April the provincial consent (decided 1 April) lifts the age of 201 but not of 202;
    // 203 lives where a Youth Union organisation exists and is no member, 204 does not; 205's
    // second failed vote (10 April) reaches the version's limit of two.
    let (eligible, blockers) = pipeline_blockers(store, "2022-04-15").await;
    assert_eq!(
        blockers,
        [
            ("AGE_OVER_MAXIMUM".to_owned(), 1),
            ("YOUTH_UNION_INTRODUCTION_MISSING".to_owned(), 1),
            ("CELL_VOTES_EXHAUSTED".to_owned(), 1),
        ]
    );
    assert_eq!(eligible, 2);
    let facts = facts_on(store, window("2022-04-15", "2022-01-01", "2022-04-15")).await;
    let codes_of = |id: &str| -> Vec<&str> {
        let record = facts
            .candidates
            .iter()
            .find(|record| record.id == id)
            .expect("candidate projected");
        facts
            .blockers_on(record, d("2022-04-15"))
            .iter()
            .map(|blocker| blocker.code.code())
            .collect()
    };
    assert_eq!(codes_of("201"), Vec::<&str>::new());
    assert_eq!(codes_of("202"), ["AGE_OVER_MAXIMUM"]);
    assert_eq!(codes_of("203"), ["YOUTH_UNION_INTRODUCTION_MISSING"]);
    assert_eq!(codes_of("204"), Vec::<&str>::new());
    assert_eq!(codes_of("205"), ["CELL_VOTES_EXHAUSTED"]);

    // Before the consent was decided and the second vote taken, neither counts.
    let (eligible, blockers) = pipeline_blockers(store, "2022-03-20").await;
    assert_eq!(
        blockers,
        [
            ("AGE_OVER_MAXIMUM".to_owned(), 2),
            ("YOUTH_UNION_INTRODUCTION_MISSING".to_owned(), 1),
        ]
    );
    assert_eq!(eligible, 2);

    // A later change without the consent takes it away again.
    let withdrawn = change(
        feed.len() as i64 + 1,
        Resource::Candidate(Candidate {
            birth_date: "1960-01-10".into(),
            ..finished(
                201,
                "dong-tam",
                "Nguyễn Văn Đồng Ý",
                GeneralEducation::UpperSecondary,
            )
        }),
    );
    store
        .apply_changes(&[withdrawn], 2)
        .await
        .expect("change applies");
    let (_, blockers) = pipeline_blockers(store, "2022-04-15").await;
    assert_eq!(blockers[0], ("AGE_OVER_MAXIMUM".to_owned(), 2));
}

/// Candidates of the Đồng Tâm cell, each with the class, two qualified introducers and recent
/// papers: demobilised soldiers without the unit's referral, one of whom took the class again
/// locally, and candidates living away, the organisation where they live having commented on
/// 1 April, on 10 May or not at all.
fn away_feed() -> Vec<Change> {
    let soldier = |id: i64, name: &str, retaken: bool| Candidate {
        source: CandidateSource::DemobilisedSoldier as i32,
        class_retaken_locally: retaken,
        ..finished(id, "dong-tam", name, GeneralEducation::UpperSecondary)
    };
    let away = |id: i64, name: &str, commented: &str| Candidate {
        lives_away: true,
        away_comment_date: commented.into(),
        ..finished(id, "dong-tam", name, GeneralEducation::UpperSecondary)
    };
    let resources = vec![
        commune(),
        cell("dong-tam", "Chi bộ thôn Đồng Tâm", CellKind::Residential),
        Resource::RuleVersion(rule_version_to_proto(
            &RuleVersion::regulation_2021(),
            "1".into(),
        )),
        Resource::Member(official(1, "dong-tam")),
        Resource::Member(official(2, "dong-tam")),
        Resource::Candidate(soldier(301, "Vương Văn Học Lại", true)),
        Resource::Candidate(soldier(302, "Đinh Văn Chờ Giấy", false)),
        Resource::Candidate(away(303, "Lầu Thị Sớm", "2022-04-01")),
        Resource::Candidate(away(304, "Thào Văn Muộn", "2022-05-10")),
        Resource::Candidate(away(305, "Sần Thị Chưa", "")),
    ];
    resources
        .into_iter()
        .enumerate()
        .map(|(i, resource)| change(i as i64 + 1, resource))
        .collect()
}

async fn pipeline_lifts_the_referral_and_living_away(store: &Store) {
    let feed = away_feed();
    let outcome = store.apply_changes(&feed, 1).await.expect("feed applies");
    assert_eq!((outcome.applied, outcome.malformed), (feed.len(), 0));

    // On 15 April the local class stands for 301's referral; of those living away only 303 has
    // the comment by then.
    let (eligible, blockers) = pipeline_blockers(store, "2022-04-15").await;
    assert_eq!(
        blockers,
        [
            ("MILITARY_REFERRAL_MISSING".to_owned(), 1),
            ("LIVES_AWAY".to_owned(), 2),
        ]
    );
    assert_eq!(eligible, 2);
    // By 15 May, 304's comment of 10 May counts too.
    let (eligible, blockers) = pipeline_blockers(store, "2022-05-15").await;
    assert_eq!(
        blockers,
        [
            ("MILITARY_REFERRAL_MISSING".to_owned(), 1),
            ("LIVES_AWAY".to_owned(), 1),
        ]
    );
    assert_eq!(eligible, 3);

    // A later change without the comment or the local class brings the blockers back.
    let next = feed.len() as i64;
    let changes = [
        change(
            next + 1,
            Resource::Candidate(Candidate {
                source: CandidateSource::DemobilisedSoldier as i32,
                ..finished(
                    301,
                    "dong-tam",
                    "Vương Văn Học Lại",
                    GeneralEducation::UpperSecondary,
                )
            }),
        ),
        change(
            next + 2,
            Resource::Candidate(Candidate {
                lives_away: true,
                ..finished(
                    303,
                    "dong-tam",
                    "Lầu Thị Sớm",
                    GeneralEducation::UpperSecondary,
                )
            }),
        ),
    ];
    store
        .apply_changes(&changes, 2)
        .await
        .expect("changes apply");
    let (eligible, blockers) = pipeline_blockers(store, "2022-05-15").await;
    assert_eq!(
        blockers,
        [
            ("MILITARY_REFERRAL_MISSING".to_owned(), 2),
            ("LIVES_AWAY".to_owned(), 2),
        ]
    );
    assert_eq!(eligible, 1);
}

on_each_store! {
    pipeline_lifts_the_referral_and_living_away => "pipeline_away";
    pipeline_judges_exceptions_youth_union_and_failed_votes => "pipeline_exceptions";
    admission_reports_follow_the_feed => "admission";
}

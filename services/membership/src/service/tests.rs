//! Storage conformance of the admission pipeline: the same commands run against SQLite (a
//! temporary file) and, when `TEST_DATABASE_URL` names a PostgreSQL server, a fresh PostgreSQL
//! database. They go through [`Membership`] (transactions, feed, idempotency) without gRPC.

use partyregistry_kit::db;
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_rules::DayKind;
use partyregistry_vocab::date::{self, Date};
use sqlx::Executor;

use super::{AdmitDecision, Membership, RequestKey, Writer};
use crate::convert::{self, admission as convert_admission};
use crate::domain::admission::Advance;
use crate::domain::{AdmissionContext, AdmissionFields, Cell, CellKind, Commune, VoteTally};
use crate::store::{CandidateFilter, Store};

/// A writer that sees every commune.
fn national() -> Writer {
    Writer::everywhere("test", "Test")
}

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

/// Where a test's database lives, to remove it afterwards.
enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres { admin: sqlx::AnyPool, name: String },
}

impl TestDb {
    async fn sqlite() -> (String, Self) {
        let path = std::env::temp_dir().join(format!(
            "{}.db",
            partyregistry_kit::test_database::unique_test_name("membership_test")
        ));
        (format!("sqlite://{}", path.display()), Self::Sqlite(path))
    }

    /// `None` (the test is skipped) when `TEST_DATABASE_URL` is not set.
    async fn postgres() -> Option<(String, Self)> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL storage test skipped");
            return None;
        };
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url)
            .await
            .expect("PostgreSQL admin connection");
        let name = partyregistry_kit::test_database::unique_test_name("membership");
        admin
            .execute(format!("create database {name}").as_str())
            .await
            .expect("test database is created");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Some((format!("{base}/{name}"), Self::Postgres { admin, name }))
    }

    async fn remove(self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Self::Postgres { admin, name } => {
                admin
                    .execute(format!("drop database {name} with (force)").as_str())
                    .await
                    .expect("test database is dropped");
                admin.close().await;
            }
        }
    }
}

/// The changes of the first seeding: every reference version, holiday, province and merge.
fn seed_size() -> usize {
    partyregistry_rules::RuleTable::reference().versions().len()
        + partyregistry_rules::calendar::reference_holidays().len()
        + partyregistry_rules::calendar::reference_make_up_days().len()
        + crate::domain::units::REFERENCE_PROVINCES.len()
        + crate::domain::units::REFERENCE_MERGES.len()
}

async fn open(url: &str) -> Membership {
    let database = db::connect(url, &crate::MIGRATIONS)
        .await
        .expect("database opens");
    // The fixtures send bare codes of the 1979 list, as `Config::for_database` reads them.
    Membership::new(Store::new(database))
        .with_bare_ethnicity_codes(convert::BareEthnicityCodes::In1979List)
}

/// Runs each scenario on a fresh SQLite database and, when `TEST_DATABASE_URL` is set, on a
/// fresh PostgreSQL database: one test function per backend.
macro_rules! on_both_backends {
    ($($scenario:ident => $sqlite:ident, $postgres:ident;)*) => {
        $(
            #[tokio::test]
            async fn $sqlite() {
                let (url, database) = TestDb::sqlite().await;
                let membership = open(&url).await;
                $scenario(&membership).await;
                membership.store().pool().close().await;
                database.remove().await;
            }

            #[tokio::test]
            async fn $postgres() {
                let Some((url, database)) = TestDb::postgres().await else {
                    return;
                };
                let membership = open(&url).await;
                $scenario(&membership).await;
                membership.store().pool().close().await;
                database.remove().await;
            }
        )*
    };
}

on_both_backends! {
    pipeline_runs_from_source_to_member =>
        sqlite_pipeline_runs_from_source_to_member, postgres_pipeline_runs_from_source_to_member;
    units_are_recorded_with_their_changes =>
        sqlite_units_are_recorded_with_their_changes, postgres_units_are_recorded_with_their_changes;
    member_facts_and_events_reach_the_feed =>
        sqlite_member_facts_and_events_reach_the_feed,
        postgres_member_facts_and_events_reach_the_feed;
}

fn key(id: &str, method: &'static str, fingerprint: &[u8]) -> Option<RequestKey> {
    Some(RequestKey {
        caller: "tester".into(),
        id: id.into(),
        method,
        fingerprint: fingerprint.to_vec(),
    })
}

fn rejection(error: ApiError) -> (String, String) {
    match error {
        ApiError::FailedPrecondition { reason, field, .. } => (reason.into(), field),
        ApiError::InvalidArgument(v) => ("INVALID_ARGUMENT".into(), v[0].field.clone()),
        ApiError::NotFound { name, .. } => ("NOT_FOUND".into(), name),
        other => panic!("unexpected error {other:?}"),
    }
}

async fn head(membership: &Membership) -> i64 {
    membership
        .changes_after(0, 1)
        .await
        .expect("feed is readable")
        .1
}

/// Loads a member with the given dates in `communes/02680/cells/a`.
async fn member(membership: &Membership, name: &str, dates: (&str, &str, &str)) -> pb::Member {
    let (decision, ceremony, official) = dates;
    let sent = pb::Member {
        full_name: name.into(),
        gender: pb::Gender::Male.into(),
        birth_date: "1975-06-02".into(),
        ethnicity_code: "02".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        admission: Some(pb::Admission {
            decision_date: decision.into(),
            ceremony_date: ceremony.into(),
            official_date: official.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    record_member(membership, &sent).await
}

/// Records the admission of `sent` in `communes/02680/cells/a`, by a unanimous cell vote.
async fn record_member(membership: &Membership, sent: &pb::Member) -> pb::Member {
    let vote = VoteTally {
        eligible: 9,
        present: 9,
        yes: 9,
        no: 0,
    };
    try_record_member(membership, sent, Some(vote))
        .await
        .expect("member recorded")
}

/// Records the admission of `sent` in `communes/02680/cells/a` with `cell_vote`.
async fn try_record_member(
    membership: &Membership,
    sent: &pb::Member,
    cell_vote: Option<VoteTally>,
) -> Result<pb::Member, ApiError> {
    let mut sent = sent.clone();
    membership
        .bare_ethnicity_codes()
        .qualify(&sent.ethnicity_code, &mut sent.ethnicity_code_system);
    let sent = &sent;
    let mut v = Violations::new();
    let person = convert::person_from_proto(sent, &mut v);
    let admission = convert::admission_from_proto(sent.admission.as_ref(), &mut v);
    v.finish()?;
    let (Some(person), Some(admission)) = (person, admission) else {
        return Err(ApiError::Internal(
            "validation passed without values".into(),
        ));
    };
    membership
        .record_admission(
            person,
            admission,
            ("02680".into(), "a".into()),
            AdmissionContext {
                cell_vote,
                cell_vote_date: None,
                deciding_body: "Đảng ủy xã".into(),
                fields: AdmissionFields::RECORD_ADMISSION,
                over_age_consent: false,
            },
            (None, &national()),
        )
        .await
}

async fn commune_with_cell(membership: &Membership) {
    membership
        .create_commune(
            Commune {
                code: "02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province_code: "10".into(),
                valid_from: d("2000-01-01"),
                valid_to: None,
                area_flags: Vec::new(),
            },
            None,
        )
        .await
        .expect("commune");
    membership
        .create_cell(
            Cell {
                commune_code: "02680".into(),
                cell_id: "a".into(),
                display_name: "Chi bộ thôn Ánh Dương".into(),
                kind: CellKind::Residential,
                open_date: d("2000-01-01"),
                close_date: None,
            },
            None,
        )
        .await
        .expect("cell");
}

fn candidate_message(full_name: &str) -> pb::Candidate {
    pb::Candidate {
        cell: "communes/02680/cells/a".into(),
        full_name: full_name.into(),
        gender: pb::Gender::Female.into(),
        birth_date: "2001-02-14".into(),
        ethnicity_code: "09".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        youth_union: true,
        source: pb::CandidateSource::YouthUnion.into(),
        ..Default::default()
    }
}

async fn create(
    membership: &Membership,
    sent: &pb::Candidate,
    request: Option<RequestKey>,
) -> Result<pb::Candidate, ApiError> {
    let mut sent = sent.clone();
    membership
        .bare_ethnicity_codes()
        .qualify(&sent.ethnicity_code, &mut sent.ethnicity_code_system);
    let (candidate, cell) = convert_admission::candidate_from_proto(&sent, d("2026-11-28"))?;
    membership
        .create_candidate(candidate, cell, d("2025-01-10"), request)
        .await
}

/// The refusal of `step`, as (reason, field), after checking that it wrote nothing.
async fn refused_step(
    membership: &Membership,
    id: i64,
    stage: pb::CandidateStage,
    on: &str,
    why: &str,
) -> (String, String) {
    let before = head(membership).await;
    let refused = step(membership, id, stage, on).await.expect_err(why);
    assert_eq!(head(membership).await, before, "nothing written");
    rejection(refused)
}

async fn step(
    membership: &Membership,
    id: i64,
    stage: pb::CandidateStage,
    on: &str,
) -> Result<pb::Candidate, ApiError> {
    membership
        .advance_candidate(
            id,
            Advance {
                stage: partyregistry_kit::admission::stage(stage),
                stage_date: d(on),
                reason: String::new(),
            },
            None,
        )
        .await
}

async fn update(membership: &Membership, c: &pb::Candidate) -> Result<pb::Candidate, ApiError> {
    let id = convert_admission::parse_candidate("name", &c.name)?;
    membership
        .update_candidate(
            id,
            &c.etag,
            c.clone(),
            convert_admission::CANDIDATE_UPDATABLE.to_vec(),
        )
        .await
}

async fn pipeline_runs_from_source_to_member(membership: &Membership) {
    assert_eq!(
        membership.seed_reference_data().await.ok(),
        Some(seed_size())
    );
    assert_eq!(
        membership.seed_reference_data().await.ok(),
        Some(0),
        "seeded once"
    );
    let codes: Vec<String> = membership
        .rule_versions()
        .await
        .expect("versions")
        .into_iter()
        .map(|v| v.code)
        .collect();
    assert_eq!(codes, ["29-QĐ/TW", "24-QĐ/TW", "232-QĐ/TW", "294-QĐ/TW"]);
    assert!(
        membership
            .holidays(2026)
            .await
            .expect("holidays")
            .iter()
            .any(|h| h.date == "2026-09-02")
    );

    commune_with_cell(membership).await;
    let introducer = member(
        membership,
        "Hoàng Văn Bút",
        ("2010-03-01", "2010-03-20", "2011-03-20"),
    )
    .await;
    let probationary = member(
        membership,
        "Vàng Thị Dung",
        ("2022-03-01", "2022-03-20", ""),
    )
    .await;

    // Created once, replayed by its request id.
    let sent = candidate_message("Lò Thị Ngọc Mai");
    let created = create(membership, &sent, key("c1", "CreateCandidate", b"1"))
        .await
        .expect("created");
    assert_eq!(created.stage(), pb::CandidateStage::Identified);
    assert_eq!(created.stage_date, "2025-01-10");
    let replayed = create(membership, &sent, key("c1", "CreateCandidate", b"1"))
        .await
        .expect("replayed");
    assert_eq!(replayed, created);
    create(membership, &candidate_message("Giàng A Sình"), None)
        .await
        .expect("second candidate");
    let id = convert_admission::parse_candidate("name", &created.name).expect("name");

    // Listing in roster order, searching without diacritics, filtering by stage.
    let filter = |words: &[&str], stage| CandidateFilter {
        commune_code: "02680".into(),
        cell_id: Some("a".into()),
        stage,
        name_words: words.iter().map(|w| (*w).to_owned()).collect(),
    };
    let (all, next) = membership
        .candidates(&filter(&[], None), "", 1)
        .await
        .expect("page 1");
    assert_eq!(all[0].full_name, "Lò Thị Ngọc Mai", "Mai before Sình");
    let (rest, last) = membership
        .candidates(&filter(&[], None), &next, 1)
        .await
        .expect("page 2");
    assert_eq!(
        (rest[0].full_name.as_str(), last.as_str()),
        ("Giàng A Sình", "")
    );
    let (found, _) = membership
        .candidates(&filter(&["lo", "ngoc"], None), "", 10)
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    let (none, _) = membership
        .candidates(&filter(&[], Some(pb::CandidateStage::Verified)), "", 10)
        .await
        .expect("by stage");
    assert!(none.is_empty());

    // A probationary introducer is refused and nothing is written.
    let before = head(membership).await;
    let mut introduced = created.clone();
    introduced.introducers = vec![
        pb::Introducer {
            member: probationary.name.clone(),
            youth_union_committee: false,
            months_worked_together: 14,
        },
        pb::Introducer {
            member: introducer.name.clone(),
            youth_union_committee: false,
            months_worked_together: 30,
        },
    ];
    let refused = update(membership, &introduced)
        .await
        .expect_err("probationary");
    assert_eq!(
        rejection(refused),
        (
            "INTRODUCER_NOT_OFFICIAL".into(),
            "candidate.introducers[0].member".into()
        )
    );
    introduced.introducers[0].member = "members/999".into();
    let missing = update(membership, &introduced)
        .await
        .expect_err("unknown member");
    assert_eq!(
        rejection(missing),
        ("NOT_FOUND".into(), "members/999".into())
    );
    assert_eq!(head(membership).await, before, "nothing written");

    // The facts, the stages and the votes.
    let mut facts = created.clone();
    facts.certificate = Some(pb::AwarenessCertificate {
        issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
        issue_date: "2025-03-01".into(),
    });
    facts.introducers = vec![
        pb::Introducer {
            member: String::new(),
            youth_union_committee: true,
            months_worked_together: 12,
        },
        pb::Introducer {
            member: introducer.name.clone(),
            youth_union_committee: false,
            months_worked_together: 24,
        },
    ];
    facts.papers_date = "2025-04-01".into();
    facts.background_check = pb::BackgroundCheck::Passed.into();
    // The cell has one official member on the vote day, the introducer.
    facts.cell_vote = Some(pb::VoteTally {
        eligible: 1,
        present: 1,
        yes: 1,
        no: 0,
    });
    facts.cell_vote_date = "2025-06-10".into();
    facts.committee_vote = Some(pb::VoteTally {
        eligible: 11,
        present: 10,
        yes: 9,
        no: 1,
    });
    facts.committee_vote_date = "2025-07-15".into();
    let updated = update(membership, &facts).await.expect("facts");
    assert_eq!(updated.introducers, facts.introducers);
    assert_eq!(updated.etag, "2");
    let stale = update(membership, &facts).await.expect_err("old etag");
    assert!(matches!(stale, ApiError::Aborted { .. }), "{stale:?}");
    use pb::CandidateStage::*;
    for (stage, on) in [
        (ClassDone, "2025-03-01"),
        (Dossier, "2025-04-01"),
        (Verified, "2025-05-10"),
        (CellApproved, "2025-06-10"),
        (CommitteeApproved, "2025-07-15"),
    ] {
        step(membership, id, stage, on).await.expect("next stage");
    }
    let check = membership
        .check_eligibility(id, d("2025-07-15"))
        .await
        .expect("assessed");
    assert!(check.eligible, "{:?}", check.blockers);
    // Judged on the cell's vote day, under the regulation in force then (232-QĐ/TW until
    // 30 June 2025), not on the day asked.
    assert_eq!(
        (check.judged_on.as_str(), check.rule_version.as_str()),
        ("2025-06-10", "232-QĐ/TW")
    );

    // Admission: member then candidate, in one transaction; replayed by request id; refused
    // the second time.
    let decision = AdmitDecision {
        decision_date: d("2025-07-20"),
        decision_number: "152-QĐ/ĐU".into(),
        deciding_body: "Đảng ủy xã Hợp Thành".into(),
        ceremony_date: None,
        decision_received_date: None,
    };
    let before = head(membership).await;
    let admitted = membership
        .admit_candidate(
            id,
            decision.clone(),
            (key("a1", "AdmitCandidate", b"a"), &national()),
        )
        .await
        .expect("admitted");
    assert_eq!(admitted.status(), pb::MemberStatus::Admitted);
    assert_eq!(
        (admitted.full_name.as_str(), admitted.cell.as_str()),
        ("Lò Thị Ngọc Mai", "communes/02680/cells/a")
    );
    let (changes, after) = membership.changes_after(before, 10).await.expect("feed");
    assert_eq!(after, before + 2);
    match (&changes[0].resource, &changes[1].resource) {
        (Some(Resource::Member(m)), Some(Resource::Candidate(c))) => {
            assert_eq!(m.name, admitted.name);
            assert_eq!(c.stage(), Admitted);
            assert_eq!(c.admitted_member, admitted.name);
            assert_eq!(c.stage_date, "2025-07-20");
        }
        other => panic!("member then candidate expected, got {other:?}"),
    }
    assert_eq!(changes[1].sequence, changes[0].sequence + 1);
    // The member's change carries the admission decision, for movement counts; the
    // candidate's carries none.
    assert_eq!(
        changes[0]
            .events
            .iter()
            .map(|e| (e.r#type(), e.effective_date.as_str()))
            .collect::<Vec<_>>(),
        [(pb::EventType::AdmissionDecided, "2025-07-20")]
    );
    assert!(changes[1].events.is_empty());
    let replay = membership
        .admit_candidate(
            id,
            decision.clone(),
            (key("a1", "AdmitCandidate", b"a"), &national()),
        )
        .await
        .expect("replayed");
    assert_eq!(replay, admitted);
    let again = membership
        .admit_candidate(
            id,
            decision,
            (key("a2", "AdmitCandidate", b"a"), &national()),
        )
        .await
        .expect_err("admitted once");
    assert_eq!(
        rejection(again),
        ("CANDIDATE_ALREADY_ADMITTED".into(), "name".into())
    );
    assert_eq!(head(membership).await, before + 2, "nothing more written");
    let member_id = partyregistry_vocab::names::parse_member("name", &admitted.name).expect("id");
    let events = membership.events(member_id).await.expect("events");
    assert_eq!(events[0].rule_version, "294-QĐ/TW");

    // Ratings, plans and targets.
    let year_before = membership
        .rate_cell(
            ("02680", "a"),
            pb::CellRating {
                year: 1999,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("the cell opened in 2000");
    assert_eq!(
        rejection(year_before),
        ("CELL_CLOSED".into(), "rating.year".into())
    );
    let rated = membership
        .rate_cell(
            ("02680", "a"),
            pb::CellRating {
                year: 2021,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            },
        )
        .await
        .expect("rated");
    assert_eq!(rated.name, "communes/02680/cells/a/ratings/2021");
    let corrected = membership
        .rate_cell(
            ("02680", "a"),
            pb::CellRating {
                year: 2021,
                level: pb::RatingLevel::Excellent.into(),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    assert_eq!(corrected.etag, "2");
    let ratings = membership
        .cell_ratings("02680", 2021)
        .await
        .expect("ratings");
    assert_eq!(ratings, [corrected]);
    membership
        .set_target(
            "02680",
            pb::Target {
                first_year: 2020,
                last_year: 2025,
                admissions_per_year: 6,
                good_cells_percent: 80,
                ..Default::default()
            },
        )
        .await
        .expect("target");
    let targets = membership.targets("02680").await.expect("targets");
    assert_eq!(
        (targets.len(), targets[0].name.as_str()),
        (1, "communes/02680/targets/2020")
    );
    membership
        .set_cell_plan(
            ("02680", "a"),
            pb::CellPlan {
                year: 2022,
                sources_to_develop: 2,
                admissions: 1,
                notes: "Bồi dưỡng đoàn viên".into(),
                ..Default::default()
            },
        )
        .await
        .expect("plan");
    assert_eq!(
        membership
            .cell_plans("02680", 2022)
            .await
            .expect("plans")
            .len(),
        1
    );
    let introducer_id =
        partyregistry_vocab::names::parse_member("name", &introducer.name).expect("id");
    membership
        .rate_member(
            introducer_id,
            pb::MemberRating {
                year: 2021,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            },
        )
        .await
        .expect("member rated");
    let too_early = membership
        .rate_member(
            introducer_id,
            pb::MemberRating {
                year: 2009,
                level: pb::RatingLevel::Good.into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("not on the roll in 2009");
    assert_eq!(
        rejection(too_early),
        ("MEMBER_NOT_ON_ROLL".into(), "rating.year".into())
    );

    // The regulation table and the calendar are data.
    let mut next = partyregistry_rules::RuleVersion::regulation_2025();
    next.code = "300-QĐ/TW".into();
    next.in_force_from = d("2025-01-20");
    let taken = membership
        .create_rule_version(next.clone(), None)
        .await
        .expect_err("232-QĐ/TW starts that day");
    assert_eq!(
        rejection(taken),
        (
            "RULE_VERSION_TAKEN".into(),
            "rule_version.in_force_from".into()
        )
    );
    // An earlier version is inserted before the stored ones: history is corrected.
    let mut earliest = partyregistry_rules::RuleVersion::regulation_2016();
    earliest.code = "23-QĐ/TW".into();
    earliest.in_force_from = d("2011-01-01");
    let inserted = membership
        .create_rule_version(earliest, None)
        .await
        .expect("inserted before the others");
    assert_eq!(inserted.name, "ruleVersions/2011-01-01");
    next.in_force_from = d("2026-01-01");
    let created_rule = membership
        .create_rule_version(next, None)
        .await
        .expect("new version");
    assert_eq!(created_rule.name, "ruleVersions/2026-01-01");
    let mut longer = created_rule.clone();
    longer.ceremony_working_days = 40;
    let corrected_rule = membership
        .update_rule_version(
            d("2026-01-01"),
            "1",
            longer,
            (vec!["ceremony_working_days"], None),
        )
        .await
        .expect("corrected");
    assert_eq!(
        (
            corrected_rule.ceremony_working_days,
            corrected_rule.etag.as_str()
        ),
        (40, "2")
    );
    membership
        .set_holiday(d("2026-03-10"), "Ngày nghỉ bù".into(), DayKind::DayOff)
        .await
        .expect("holiday");
    membership
        .delete_holiday(d("2026-03-10"))
        .await
        .expect("deleted");
    let (changes, _) = membership
        .changes_after(head(membership).await - 1, 1)
        .await
        .expect("feed");
    assert_eq!(
        changes[0].resource,
        Some(Resource::DeletedResource("holidays/2026-03-10".into()))
    );
    let gone = membership
        .delete_holiday(d("2026-03-10"))
        .await
        .expect_err("already deleted");
    assert_eq!(
        rejection(gone),
        ("NOT_FOUND".into(), "holidays/2026-03-10".into())
    );
}

/// Replicas starting together on one database seed the reference rules and units once.
async fn replicas_seed_once(url: &str) {
    let replicas = [open(url).await, open(url).await, open(url).await];
    let seeded = futures_join(&replicas).await;
    assert_eq!(seeded.iter().sum::<usize>(), seed_size(), "{seeded:?}");
    assert_eq!(
        replicas[0].rule_versions().await.expect("versions").len(),
        partyregistry_rules::RuleTable::reference().versions().len()
    );
    assert_eq!(
        replicas[1].provinces(None).await.expect("provinces").len(),
        crate::domain::units::REFERENCE_PROVINCES.len()
    );
    assert_eq!(
        replicas[2].merges(None).await.expect("merges").len(),
        crate::domain::units::REFERENCE_MERGES.len()
    );
    for replica in replicas {
        replica.store().pool().close().await;
    }
}

async fn futures_join(replicas: &[Membership; 3]) -> Vec<usize> {
    let (a, b, c) = tokio::join!(
        replicas[0].seed_reference_data(),
        replicas[1].seed_reference_data(),
        replicas[2].seed_reference_data()
    );
    [a, b, c]
        .into_iter()
        .map(|seeded| seeded.expect("seeding succeeds"))
        .collect()
}

#[tokio::test]
async fn sqlite_replicas_seed_once() {
    let (url, database) = TestDb::sqlite().await;
    // The first connection creates the file and runs the migrations alone.
    open(&url).await.store().pool().close().await;
    replicas_seed_once(&url).await;
    database.remove().await;
}

#[tokio::test]
async fn postgres_replicas_seed_once() {
    let Some((url, database)) = TestDb::postgres().await else {
        return;
    };
    open(&url).await.store().pool().close().await;
    replicas_seed_once(&url).await;
    database.remove().await;
}

/// A candidate recorded as approved by the committee, ready to be admitted.
fn approved_candidate(full_name: &str, introducer: &str) -> pb::Candidate {
    pb::Candidate {
        stage: pb::CandidateStage::CommitteeApproved.into(),
        certificate: Some(pb::AwarenessCertificate {
            issuer: "Trung tâm Chính trị thành phố Lào Cai".into(),
            issue_date: "2024-06-01".into(),
        }),
        introducers: vec![
            pb::Introducer {
                member: String::new(),
                youth_union_committee: true,
                months_worked_together: 12,
            },
            pb::Introducer {
                member: introducer.into(),
                youth_union_committee: false,
                months_worked_together: 24,
            },
        ],
        papers_date: "2024-10-01".into(),
        background_check: pb::BackgroundCheck::Passed.into(),
        // The cell's one official member, the introducer.
        cell_vote: Some(pb::VoteTally {
            eligible: 1,
            present: 1,
            yes: 1,
            no: 0,
        }),
        cell_vote_date: "2024-12-10".into(),
        committee_vote: Some(pb::VoteTally {
            eligible: 11,
            present: 11,
            yes: 9,
            no: 2,
        }),
        ..candidate_message(full_name)
    }
}

/// Admissions (two changes per transaction) racing other writers while a follower reads the
/// feed: the follower sees every change exactly once, in sequence order, and each admitted
/// member is immediately followed by its closed candidate.
async fn concurrent_admissions_keep_the_feed_in_order(membership: std::sync::Arc<Membership>) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(&membership).await;
    let introducer = member(
        &membership,
        "Hoàng Văn Bút",
        ("2010-03-01", "2010-03-20", "2011-03-20"),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let created = create(
            &membership,
            &approved_candidate(&format!("Lò Thị Mai {i}"), &introducer.name),
            None,
        )
        .await
        .expect("approved candidate");
        ids.push(convert_admission::parse_candidate("name", &created.name).expect("name"));
    }
    let start = head(&membership).await;

    let follower = {
        let membership = membership.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut cursor = start;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while seen.len() < 6 * 2 + 6 && std::time::Instant::now() < deadline {
                let (changes, _) = membership
                    .changes_after(cursor, 100)
                    .await
                    .expect("feed is readable");
                for change in changes {
                    assert_eq!(change.sequence, cursor + 1, "no gap, no repeat");
                    cursor = change.sequence;
                    seen.push(change);
                }
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    let mut writers = Vec::new();
    for (i, id) in ids.iter().copied().enumerate() {
        let admitting = membership.clone();
        writers.push(tokio::spawn(async move {
            admitting
                .admit_candidate(
                    id,
                    AdmitDecision {
                        decision_date: d("2025-02-01"),
                        decision_number: format!("{i}-QĐ/ĐU"),
                        deciding_body: "Đảng ủy xã Hợp Thành".into(),
                        ceremony_date: Some(d("2025-02-15")),
                        decision_received_date: None,
                    },
                    (None, &national()),
                )
                .await
                .map(|_| ())
        }));
        let holidays = membership.clone();
        writers.push(tokio::spawn(async move {
            holidays
                .set_holiday(
                    d(&format!("2027-03-0{}", i + 1)),
                    format!("Ngày nghỉ {i}"),
                    DayKind::DayOff,
                )
                .await
                .map(|_| ())
        }));
    }
    for writer in writers {
        writer.await.expect("writer ran").expect("write succeeded");
    }
    let seen = follower.await.expect("follower ran");
    assert_eq!(seen.len(), 18);
    let mut admitted = 0;
    for (i, change) in seen.iter().enumerate() {
        if let Some(Resource::Member(m)) = &change.resource {
            assert_eq!(m.status(), pb::MemberStatus::Probationary);
            match seen.get(i + 1).and_then(|next| next.resource.as_ref()) {
                Some(Resource::Candidate(c)) => assert_eq!(c.admitted_member, m.name),
                other => panic!("the admitted member is followed by {other:?}"),
            }
            admitted += 1;
        }
    }
    assert_eq!(admitted, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_admissions_keep_the_feed_in_order() {
    let (url, database) = TestDb::sqlite().await;
    let membership = std::sync::Arc::new(open(&url).await);
    concurrent_admissions_keep_the_feed_in_order(membership.clone()).await;
    membership.store().pool().close().await;
    database.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_admissions_keep_the_feed_in_order() {
    let Some((url, database)) = TestDb::postgres().await else {
        return;
    };
    let membership = std::sync::Arc::new(open(&url).await);
    concurrent_admissions_keep_the_feed_in_order(membership.clone()).await;
    membership.store().pool().close().await;
    database.remove().await;
}

/// The changes appended after `after`.
async fn changes_since(membership: &Membership, after: i64) -> Vec<pb::Change> {
    membership
        .changes_after(after, 100)
        .await
        .expect("feed is readable")
        .0
}

fn commune(code: &str, province: &str, from: &str) -> Commune {
    Commune {
        code: code.into(),
        display_name: format!("Xã {code}"),
        province_code: province.into(),
        valid_from: d(from),
        valid_to: None,
        area_flags: Vec::new(),
    }
}

fn commune_merge(predecessors: &[&str], successor: &str, effective: &str) -> pb::UnitMerge {
    pb::UnitMerge {
        level: pb::UnitLevel::Commune.into(),
        predecessor_codes: predecessors.iter().map(|c| (*c).to_owned()).collect(),
        successor_code: successor.into(),
        effective_date: effective.into(),
        legal_basis: "Nghị quyết 1673/NQ-UBTVQH15".into(),
        ..Default::default()
    }
}

async fn create_merge(
    membership: &Membership,
    merge: &pb::UnitMerge,
    request: Option<RequestKey>,
) -> Result<pb::UnitMerge, ApiError> {
    membership
        .create_merge(convert::units::merge_from_proto(merge)?, request)
        .await
}

/// Provinces and merges: the seeded reference units, communes that must name a province,
/// merges that close their predecessors in the same transaction, and bad input that writes
/// nothing.
async fn units_are_recorded_with_their_changes(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    let all = membership.provinces(None).await.expect("provinces");
    assert_eq!(all.len(), 63);
    let former = all.iter().find(|p| p.code == "10").expect("former Lào Cai");
    assert_eq!(
        (former.display_name.as_str(), former.valid_to.as_str()),
        ("Tỉnh Lào Cai (cũ)", "2025-06-30")
    );
    let in_force = membership
        .provinces(Some(d("2026-01-01")))
        .await
        .expect("provinces");
    assert_eq!(in_force.len(), 34);
    assert!(in_force.iter().all(|p| p.code != "10"));
    assert_eq!(
        membership
            .provinces(Some(d("2022-06-30")))
            .await
            .expect("provinces")
            .iter()
            .filter(|p| p.code == "10" || p.code == "15")
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["10"]
    );
    let merges = membership.merges(None).await.expect("merges");
    assert_eq!(merges.len(), 23);
    let lao_cai = merges
        .iter()
        .find(|m| m.successor_code == "15")
        .expect("Lào Cai's merge");
    assert_eq!(
        (
            lao_cai.predecessor_codes.clone(),
            lao_cai.successor_code.as_str(),
            lao_cai.effective_date.as_str(),
            lao_cai.level()
        ),
        (
            vec!["10".to_owned()],
            "15",
            "2025-07-01",
            pb::UnitLevel::Province
        )
    );
    assert!(
        membership
            .merges(Some(crate::domain::units::UnitLevel::Commune))
            .await
            .expect("merges")
            .is_empty()
    );

    // A commune must name a province that exists; in force or not.
    let before = head(membership).await;
    let unknown = membership
        .create_commune(commune("02677", "99", "2008-01-01"), None)
        .await
        .expect_err("unknown province");
    assert_eq!(
        rejection(unknown),
        ("PROVINCE_NOT_FOUND".into(), "commune.province_code".into())
    );
    assert_eq!(head(membership).await, before, "nothing written");
    membership
        .create_commune(commune("02677", "10", "2008-01-01"), None)
        .await
        .expect("commune of the former province");
    let hop_thanh = membership
        .create_commune(commune("02680", "10", "2000-01-01"), None)
        .await
        .expect("commune");
    let mut moved = hop_thanh.clone();
    moved.province_code = "98".into();
    let refused = membership
        .update_commune("02680", &hop_thanh.etag, moved, vec!["province_code"])
        .await
        .expect_err("unknown province");
    assert_eq!(
        rejection(refused),
        ("PROVINCE_NOT_FOUND".into(), "commune.province_code".into())
    );

    // Provinces: validation, duplicates, updates with an etag.
    let bad = convert::units::province_from_proto(
        &pb::Province {
            display_name: String::new(),
            valid_from: "2025-07-01".into(),
            valid_to: "2025-01-01".into(),
            ..Default::default()
        },
        "1",
    )
    .expect_err("bad province");
    let ApiError::InvalidArgument(violations) = bad else {
        panic!("expected violations")
    };
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "province.code",
            "province.display_name",
            "province.valid_to"
        ]
    );
    let duplicate = membership
        .create_province(
            crate::domain::units::Province {
                code: "15".into(),
                display_name: "Tỉnh Lào Cai".into(),
                valid_from: d("2025-07-01"),
                valid_to: None,
            },
            None,
        )
        .await
        .expect_err("exists");
    assert!(matches!(duplicate, ApiError::AlreadyExists { .. }));
    let lao_cai = membership.province("15").await.expect("province");
    let renamed = membership
        .update_province(
            "15",
            &lao_cai.etag,
            pb::Province {
                display_name: "Tỉnh  Lào Cai ".into(),
                ..Default::default()
            },
            vec!["display_name"],
        )
        .await
        .expect("renamed");
    assert_eq!(
        (renamed.display_name.as_str(), renamed.etag.as_str()),
        ("Tỉnh Lào Cai", "2")
    );
    let stale = membership
        .update_province("15", &lao_cai.etag, renamed.clone(), vec!["display_name"])
        .await
        .expect_err("stale etag");
    assert!(matches!(stale, ApiError::Aborted { .. }));

    // Bad merges name the field and write nothing.
    let before = head(membership).await;
    for (merge, expected) in [
        (
            commune_merge(&["02680"], "02680", "2025-07-01"),
            ("MERGE_INTO_ITSELF", "merge.successor_code"),
        ),
        (
            commune_merge(&["02677", "02999"], "02680", "2025-07-01"),
            ("NOT_FOUND", "communes/02999"),
        ),
        (
            commune_merge(&["02677"], "02998", "2025-07-01"),
            ("NOT_FOUND", "communes/02998"),
        ),
        (
            commune_merge(&["02677", "02680"], "02680", "2008-01-01"),
            ("DATE_RULE_VIOLATED", "merge.predecessor_codes[0]"),
        ),
        (
            commune_merge(&["02677", "2680"], "02680", "2025-07-01"),
            ("INVALID_ARGUMENT", "merge.predecessor_codes[1]"),
        ),
        (
            commune_merge(&["02677", "02677"], "02680", "2025-07-01"),
            ("INVALID_ARGUMENT", "merge.predecessor_codes[1]"),
        ),
        (
            pb::UnitMerge {
                level: 0,
                ..commune_merge(&["02677"], "02680", "2025-07-01")
            },
            ("INVALID_ARGUMENT", "merge.level"),
        ),
    ] {
        let error = create_merge(membership, &merge, None)
            .await
            .expect_err("bad merge");
        assert_eq!(
            rejection(error),
            (expected.0.to_owned(), expected.1.to_owned()),
            "{merge:?}"
        );
    }
    assert_eq!(head(membership).await, before, "nothing written");

    // The commune merge of 2025: Tả Phời ends the day before; Hợp Thành continues.
    let sent = commune_merge(&["02677", "02680"], "02680", "2025-07-01");
    let fingerprint = b"merge 2025";
    let merge = create_merge(membership, &sent, key("m-1", "CreateMerge", fingerprint))
        .await
        .expect("merge");
    // Numbered after the reference merges.
    let name = format!(
        "merges/{}",
        crate::domain::units::REFERENCE_MERGES.len() + 1
    );
    assert_eq!(merge.name, name);
    let changes = changes_since(membership, before).await;
    let resources: Vec<String> = changes
        .iter()
        .map(|c| match &c.resource {
            Some(Resource::Merge(m)) => m.name.clone(),
            Some(Resource::Commune(c)) => format!("{} {}", c.name, c.valid_to),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(resources, [name.as_str(), "communes/02677 2025-06-30"]);
    assert_eq!(
        membership.commune("02680").await.expect("commune").valid_to,
        ""
    );
    let replayed = create_merge(membership, &sent, key("m-1", "CreateMerge", fingerprint))
        .await
        .expect("replayed");
    assert_eq!(replayed, merge);
    assert_eq!(
        changes_since(membership, before).await.len(),
        2,
        "a replay writes nothing"
    );
    // Tả Phời has ended: it cannot be merged again later.
    let again = create_merge(
        membership,
        &commune_merge(&["02677"], "02680", "2026-01-01"),
        None,
    )
    .await
    .expect_err("ended");
    assert_eq!(
        rejection(again),
        (
            "DATE_RULE_VIOLATED".into(),
            "merge.predecessor_codes[0]".into()
        )
    );
    assert_eq!(
        membership.merges(None).await.expect("merges").len(),
        crate::domain::units::REFERENCE_MERGES.len() + 1
    );

    // A province merge closes an open province and appends its change after the merge's.
    for (code, from) in [("97", "2000-01-01"), ("98", "2026-01-01")] {
        membership
            .create_province(
                crate::domain::units::Province {
                    code: code.into(),
                    display_name: format!("Tỉnh {code}"),
                    valid_from: d(from),
                    valid_to: None,
                },
                None,
            )
            .await
            .expect("province");
    }
    let before = head(membership).await;
    create_merge(
        membership,
        &pb::UnitMerge {
            level: pb::UnitLevel::Province.into(),
            predecessor_codes: vec!["97".into()],
            successor_code: "98".into(),
            effective_date: "2026-01-01".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .expect("province merge");
    let changes = changes_since(membership, before).await;
    match changes
        .iter()
        .map(|c| &c.resource)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [Some(Resource::Merge(m)), Some(Resource::Province(p))] => {
            assert_eq!(m.predecessor_codes, ["97"]);
            assert_eq!((p.code.as_str(), p.valid_to.as_str()), ("97", "2025-12-31"));
        }
        other => panic!("merge then province expected, got {other:?}"),
    }
}

fn event_types(change: &pb::Change) -> Vec<pb::EventType> {
    change.events.iter().map(|e| e.r#type()).collect()
}

/// Member changes made by lifecycle commands carry the events they recorded; party-age gaps,
/// badges, serious illness and re-admission are stored, returned and validated.
async fn member_facts_and_events_reach_the_feed(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    let before = head(membership).await;
    let bút = member(
        membership,
        "Hoàng Văn Bút",
        ("1996-03-01", "1996-03-20", "1997-03-20"),
    )
    .await;
    let id = partyregistry_vocab::names::parse_member("name", &bút.name).expect("member name");
    let changes = changes_since(membership, before).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(
        event_types(&changes[0]),
        [
            pb::EventType::AdmissionDecided,
            pb::EventType::CeremonyHeld,
            pb::EventType::RecognizedOfficial
        ]
    );
    assert_eq!(changes[0].events[0].name, format!("{}/events/1", bút.name));
    assert_eq!(changes[0].events[0].effective_date, "1996-03-01");
    assert!(!bút.admission.as_ref().expect("admission").readmission);

    // Lifecycle steps: one event each.
    let before = head(membership).await;
    membership
        .apply_step(
            id,
            super::Step::Exempt {
                effective_date: d("2024-05-01"),
                reason: "Tuổi cao".into(),
            },
            None,
        )
        .await
        .expect("exempt");
    membership
        .apply_step(id, super::Step::EndExemption(d("2024-09-01")), None)
        .await
        .expect("exemption ended");
    let changes = changes_since(membership, before).await;
    assert_eq!(
        changes.iter().map(event_types).collect::<Vec<_>>(),
        [
            vec![pb::EventType::Exempted],
            vec![pb::EventType::ExemptionEnded]
        ]
    );
    assert_eq!(changes[1].events[0].name, format!("{}/events/5", bút.name));

    // Party-age facts through UpdateMember, with DETAILS_UPDATED on the change.
    let current = membership.member(id).await.expect("member");
    let update = pb::Member {
        party_age_gaps: vec![
            pb::PartyAgeGap {
                from_date: "1997-01-01".into(),
                to_date: "1997-12-31".into(),
                reason: "Mất liên lạc".into(),
            },
            pb::PartyAgeGap {
                from_date: "2001-06-01".into(),
                to_date: "2001-08-31".into(),
                reason: String::new(),
            },
        ],
        seriously_ill: true,
        badges: vec![pb::BadgeAward {
            years: 30,
            award_date: "2024-09-02".into(),
        }],
        ..Default::default()
    };
    let before = head(membership).await;
    let updated = membership
        .update_member(
            id,
            &current.etag,
            update.clone(),
            (
                vec!["party_age_gaps", "seriously_ill", "badges"],
                &national(),
            ),
        )
        .await
        .expect("updated");
    assert_eq!(updated.party_age_gaps, update.party_age_gaps);
    assert_eq!(updated.badges, update.badges);
    assert!(updated.seriously_ill);
    assert_eq!(updated.full_name, "Hoàng Văn Bút", "other fields kept");
    let changes = changes_since(membership, before).await;
    assert_eq!(event_types(&changes[0]), [pb::EventType::DetailsUpdated]);
    let Some(Resource::Member(on_feed)) = &changes[0].resource else {
        panic!("member change expected")
    };
    assert_eq!(on_feed.badges, update.badges);
    assert_eq!(membership.member(id).await.expect("member"), updated);
    let (listed, _) = membership
        .members(&crate::store::MemberFilter::default(), "", 10)
        .await
        .expect("roster");
    assert_eq!(listed[0].party_age_gaps, update.party_age_gaps);

    // An update that leaves the lists alone keeps them, and answers what a read then gives.
    let recovered = membership
        .update_member(
            id,
            &updated.etag,
            pb::Member {
                seriously_ill: false,
                ..Default::default()
            },
            (vec!["seriously_ill"], &national()),
        )
        .await
        .expect("updated again");
    assert_eq!(recovered.party_age_gaps, update.party_age_gaps);
    assert_eq!(recovered.badges, update.badges);
    assert!(!recovered.seriously_ill);
    assert_eq!(membership.member(id).await.expect("member"), recovered);
    let events: Vec<String> = membership
        .events(id)
        .await
        .expect("events")
        .into_iter()
        .map(|event| event.name)
        .collect();
    let numbered: Vec<String> = (1..=events.len())
        .map(|position| format!("members/{id}/events/{position}"))
        .collect();
    assert_eq!(events, numbered, "each event numbered one past the last");

    // Disciplines are kept oldest first, whatever order they are recorded in.
    for (decided, form) in [
        ("2010-05-04", partyregistry_rules::DisciplineForm::Warning),
        ("2005-01-10", partyregistry_rules::DisciplineForm::Reprimand),
    ] {
        membership
            .apply_step(
                id,
                super::Step::Discipline {
                    record: crate::domain::Discipline {
                        form,
                        decision_date: d(decided),
                        deciding_body: "Đảng ủy xã".into(),
                        decision_number: format!("{decided}-QĐ/ĐU"),
                    },
                    reason: String::new(),
                },
                None,
            )
            .await
            .expect("disciplined");
    }
    let recovered = membership.member(id).await.expect("member");
    let decided: Vec<&str> = recovered
        .disciplines
        .iter()
        .map(|discipline| discipline.discipline_date.as_str())
        .collect();
    assert_eq!(decided, ["2005-01-10", "2010-05-04"]);

    // A member stored by an earlier version, its gaps and badges in tables of their own and its
    // row's lists NULL, reads the same once they are folded in (at start).
    let mut legacy = membership.store().begin().await.expect("write transaction");
    let conn = legacy.conn();
    sqlx::query(
        "update members set party_age_gaps = null, badges = null, disciplines = null where id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .expect("lists emptied");
    for (position, gap) in recovered.party_age_gaps.iter().enumerate() {
        sqlx::query("insert into member_party_age_gaps (member_id, position, from_date, to_date, reason) values ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(position as i64)
            .bind(&gap.from_date)
            .bind(&gap.to_date)
            .bind(&gap.reason)
            .execute(&mut *conn)
            .await
            .expect("gap stored apart");
    }
    for (position, badge) in recovered.badges.iter().enumerate() {
        sqlx::query("insert into member_badges (member_id, position, years, award_date) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(i64::from(badge.years))
            .bind(&badge.award_date)
            .execute(&mut *conn)
            .await
            .expect("badge stored apart");
    }
    legacy.commit().await.expect("committed");
    membership
        .member(id)
        .await
        .expect_err("a row not folded is not read as one without lists");
    let store = membership.store();
    assert_eq!(store.fold_legacy_member_lists().await.expect("folded"), 1);
    assert_eq!(membership.member(id).await.expect("member"), recovered);
    assert_eq!(store.fold_legacy_member_lists().await.expect("once"), 0);
    let updated = recovered;

    // Bad facts: every field named, nothing written.
    let before = head(membership).await;
    let gap = |from: &str, to: &str| pb::PartyAgeGap {
        from_date: from.into(),
        to_date: to.into(),
        reason: String::new(),
    };
    let badge = |years: i32, on: &str| pb::BadgeAward {
        years,
        award_date: on.into(),
    };
    let bad = pb::Member {
        party_age_gaps: vec![
            gap("1999-01-01", "1998-01-01"),
            gap("1989-01-01", "1989-12-31"),
            gap("2000-01-01", "2000-12-31"),
            gap("2000-06-01", "2001-01-31"),
            gap("", "2002-01-01"),
        ],
        badges: vec![
            badge(35, "2020-01-01"),
            badge(40, "2099-01-01"),
            badge(45, "2025-01-01"),
            badge(50, "2020-01-01"),
            badge(30, "2024-05-19"),
            badge(30, "2024-09-02"),
        ],
        ..Default::default()
    };
    let refused = membership
        .update_member(
            id,
            &updated.etag,
            bad,
            (vec!["party_age_gaps", "badges"], &national()),
        )
        .await
        .expect_err("bad facts");
    let ApiError::InvalidArgument(violations) = refused else {
        panic!("expected violations, got {refused:?}")
    };
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "member.party_age_gaps[0].to_date",
            "member.party_age_gaps[1].from_date",
            "member.party_age_gaps[3].from_date",
            "member.party_age_gaps[4].from_date",
            "member.badges[0].years",
            "member.badges[1].award_date",
            "member.badges[2].award_date",
            "member.badges[3].award_date",
            "member.badges[5].years",
        ]
    );
    assert_eq!(head(membership).await, before, "nothing written");

    // Re-admission is stored and returned.
    let sent = pb::Member {
        full_name: "Lò Văn Hải".into(),
        gender: pb::Gender::Male.into(),
        birth_date: "1980-06-02".into(),
        ethnicity_code: "02".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        admission: Some(pb::Admission {
            decision_date: "2024-03-01".into(),
            readmission: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let readmitted = record_member(membership, &sent).await;
    assert!(
        readmitted
            .admission
            .as_ref()
            .expect("admission")
            .readmission
    );
    let id =
        partyregistry_vocab::names::parse_member("name", &readmitted.name).expect("member name");
    assert!(
        membership
            .member(id)
            .await
            .expect("member")
            .admission
            .expect("admission")
            .readmission
    );
    // Ceremony and departure: their events too.
    let before = head(membership).await;
    membership
        .apply_step(
            id,
            super::Step::Ceremony {
                ceremony_date: d("2024-03-20"),
                decision_received_date: None,
            },
            None,
        )
        .await
        .expect("ceremony");
    membership
        .apply_step(
            id,
            super::Step::Depart {
                kind: crate::domain::DepartureKind::Death,
                effective_date: d("2025-02-01"),
                decision_number: String::new(),
                reason: String::new(),
            },
            None,
        )
        .await
        .expect("death");
    assert_eq!(
        changes_since(membership, before)
            .await
            .iter()
            .map(event_types)
            .collect::<Vec<_>>(),
        [vec![pb::EventType::CeremonyHeld], vec![pb::EventType::Died]]
    );
}

mod calendar;
mod decision_receipt;
mod exceptions;
mod group_commit;
mod qualifications;
mod readmission;
mod redating;
mod vote_day;

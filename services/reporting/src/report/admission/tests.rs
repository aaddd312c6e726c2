//! Unit tests of the admission reports on a small Hợp Thành as of mid-2022: target 6, two
//! admissions, eight open candidates of which two are eligible.

use partyregistry_proto::reporting::v1::DeadlineKind as DeadlineKindPb;
use partyregistry_rules::eligibility::Vote;
use partyregistry_rules::{Calendar, DeadlineKind, Education, RuleTable};

use super::*;
use crate::model::admission::{CellAdmissions, CellBirths, MemberRecord, StageEntry};
use crate::model::candidate::{CandidateDetails, Introducer};
use crate::model::commune::{CellRoll, LastAdmission};
use crate::model::rows::{AreaFlagRow, CellPlanRow};
use crate::model::vocabulary::{CellKind, MemberStatus};
use crate::report::deadlines::deadlines;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

fn cell(id: &str, name: &str) -> CellInfo {
    CellInfo {
        cell_id: id.into(),
        display_name: name.into(),
        kind: CellKind::Residential,
        open_date: Some(d("2000-01-01")),
        close_date: None,
    }
}

fn official(id: i64, cell: &str, since: &str) -> MemberRecord {
    MemberRecord {
        id,
        full_name: format!("Đảng Viên {id}"),
        commune_code: "02680".into(),
        cell_id: cell.into(),
        status: MemberStatus::Official,
        decision_date: Some(d("2005-01-10")),
        decision_received_date: None,
        ceremony_date: Some(d("2005-02-01")),
        official_date: Some(d(since)),
        left_date: None,
        admitted_in: Some(("02680".into(), cell.into())),
    }
}

fn introducers() -> Vec<Introducer> {
    [1, 2]
        .map(|id| Introducer {
            member_id: Some(id),
            youth_union_committee: false,
            months_worked_together: 24,
        })
        .to_vec()
}

fn certificate(day: &str) -> Option<Date> {
    Some(d(day))
}

/// A candidate born on `birth_date` with `education` and nothing else known yet.
fn candidate(name: &str, birth_date: &str, education: Education) -> CandidateDetails {
    CandidateDetails {
        full_name: name.into(),
        family_name: String::new(),
        middle_name: String::new(),
        given_name: String::new(),
        birth_date: d(birth_date),
        education,
        certificate_date: None,
        papers_date: None,
        introducers: Vec::new(),
        youth_union: false,
        demobilised_soldier: false,
        has_military_referral: false,
        class_retaken_locally: false,
        lives_away: false,
        away_comment_date: None,
        cell_vote: None,
        background_check_failed: false,
        cell_vote_date: None,
        decision_extended: false,
        admitted_member: None,
        exceptions: Vec::new(),
        // No Youth Union organisation where these candidates live unless a test says so: the
        // Youth Union's introduction is judged only where one exists.
        youth_union_organisation: false,
        failed_cell_votes: Vec::new(),
    }
}

/// A candidate who finished the class in 2022 with a complete dossier.
fn finished_class(name: &str, education: Education) -> CandidateDetails {
    CandidateDetails {
        certificate_date: certificate("2022-03-01"),
        introducers: introducers(),
        papers_date: Some(d("2022-04-01")),
        ..candidate(name, "1998-04-12", education)
    }
}

fn record(
    id: &str,
    cell: &str,
    candidate: CandidateDetails,
    history: &[(CandidateStage, &str)],
) -> CandidateRecord {
    CandidateRecord {
        id: id.into(),
        cell_id: cell.into(),
        candidate,
        history: history
            .iter()
            .enumerate()
            .map(|(i, (stage, day))| StageEntry {
                stage: *stage,
                date: d(day),
                sequence: i as i64 + 1,
            })
            .collect(),
    }
}

fn story() -> AdmissionFacts {
    use CandidateStage::*;
    let mut approved = finished_class("Lò Văn Dũng", Education::UpperSecondary);
    approved.cell_vote = Some(Vote {
        eligible: 9,
        yes: 8,
    });
    approved.cell_vote_date = Some(d("2022-05-16"));
    let soldier = |name: &str, with_certificate: bool| CandidateDetails {
        demobilised_soldier: true,
        certificate_date: if with_certificate {
            certificate("2021-11-20")
        } else {
            None
        },
        introducers: if with_certificate {
            introducers()
        } else {
            Vec::new()
        },
        ..candidate(name, "1999-09-09", Education::UpperSecondary)
    };
    let away = |name: &str| CandidateDetails {
        youth_union: true,
        lives_away: true,
        ..candidate(name, "2001-01-01", Education::UpperSecondary)
    };
    AdmissionFacts {
        commune_code: "02680".into(),
        display_name: "Xã Hợp Thành".into(),
        cells: vec![
            cell("tuong-1", "Chi bộ thôn Tượng 1"),
            cell("dong-tam", "Chi bộ thôn Đồng Tâm"),
            cell("an-thanh", "Chi bộ thôn An Thành"),
        ],
        area_flags: Vec::new(),
        candidates: vec![
            record(
                "c1",
                "dong-tam",
                finished_class("Hoàng Thị Mai", Education::Primary),
                &[(Identified, "2021-09-01"), (ClassDone, "2022-03-01")],
            ),
            record(
                "c2",
                "an-thanh",
                finished_class("Vàng A Sùng", Education::Primary),
                &[(ClassDone, "2022-03-01")],
            ),
            record(
                "c3",
                "dong-tam",
                finished_class("Nguyễn Văn An", Education::LowerSecondary),
                &[(ClassDone, "2022-03-01"), (Dossier, "2022-04-01")],
            ),
            record(
                "c4",
                "dong-tam",
                approved,
                &[
                    (ClassDone, "2022-03-01"),
                    (Dossier, "2022-04-01"),
                    (Verified, "2022-05-02"),
                    (CellApproved, "2022-05-16"),
                ],
            ),
            record(
                "c5",
                "an-thanh",
                soldier("Phạm Văn Bình", true),
                &[(ClassDone, "2021-11-20")],
            ),
            record(
                "c6",
                "an-thanh",
                soldier("Trần Văn Cường", false),
                &[(Identified, "2022-02-01")],
            ),
            record(
                "c7",
                "dong-tam",
                away("Lý Thị Hoa"),
                &[(Identified, "2022-01-10")],
            ),
            record(
                "c8",
                "an-thanh",
                away("Giàng Seo Lử"),
                &[(Identified, "2022-01-10")],
            ),
            // Not a source yet on 30 June 2022.
            record(
                "c9",
                "an-thanh",
                finished_class("Đỗ Văn Khải", Education::UpperSecondary),
                &[(Identified, "2022-07-15")],
            ),
            record(
                "c10",
                "dong-tam",
                away("Bùi Văn Tú"),
                &[(Identified, "2021-10-01"), (Withdrawn, "2022-02-01")],
            ),
        ],
        members: vec![
            official(1, "dong-tam", "2010-02-01"),
            official(2, "an-thanh", "2012-05-01"),
            // Probationary since the ceremony of 20 April 2021: recognition overdue by mid-2022.
            MemberRecord {
                official_date: None,
                decision_date: Some(d("2021-04-01")),
                ceremony_date: Some(d("2021-04-20")),
                status: MemberStatus::Probationary,
                ..official(3, "an-thanh", "2000-01-01")
            },
            // Admitted on 10 May 2022, ceremony pending.
            MemberRecord {
                official_date: None,
                decision_date: Some(d("2022-05-10")),
                ceremony_date: None,
                status: MemberStatus::Admitted,
                ..official(4, "dong-tam", "2000-01-01")
            },
            // Ceremony on 1 August 2021: the recognition clock starts on 1 August 2022.
            MemberRecord {
                official_date: None,
                decision_date: Some(d("2021-07-15")),
                ceremony_date: Some(d("2021-08-01")),
                status: MemberStatus::Probationary,
                ..official(5, "dong-tam", "2000-01-01")
            },
        ],
        rules: RuleTable::reference(),
        calendar: Calendar::reference(),
        targets: vec![TargetRow {
            commune_code: "02680".into(),
            first_year: 2020,
            last_year: 2025,
            admissions_per_year: 6,
            good_cells_percent: 80,
        }],
        plans: vec![
            CellPlanRow {
                commune_code: "02680".into(),
                cell_id: "dong-tam".into(),
                year: 2022,
                sources_to_develop: 4,
                admissions: 3,
            },
            CellPlanRow {
                commune_code: "02680".into(),
                cell_id: "tuong-1".into(),
                year: 2022,
                sources_to_develop: 0,
                admissions: 0,
            },
        ],
        cell_ratings: Vec::new(),
        admissions: vec![
            CellAdmissions {
                cell_id: "dong-tam".into(),
                month: "2022-05".into(),
                decisions: 1,
            },
            CellAdmissions {
                cell_id: "an-thanh".into(),
                month: "2022-03".into(),
                decisions: 1,
            },
        ],
        cell_rolls: Vec::new(),
        cell_births: Vec::new(),
        last_admissions: Vec::new(),
    }
}

fn keys_and_counts(buckets: &[Bucket]) -> Vec<(&str, i64)> {
    buckets
        .iter()
        .map(|b| (b.key.as_str(), b.members))
        .collect()
}

#[test]
fn progress_in_the_story_is_at_risk_with_the_blockers_counted() {
    let progress = admission_progress(&story(), 2022, d("2022-06-30"), Freshness::default());
    assert_eq!((progress.target, progress.has_target), (6, true));
    assert_eq!(progress.admitted, 2);
    assert_eq!(progress.by_month.len(), 12);
    assert_eq!((progress.by_month[2], progress.by_month[4]), (1, 1));
    assert_eq!(progress.remaining, 4);
    assert_eq!(
        (progress.open_candidates, progress.eligible_candidates),
        (8, 2)
    );
    assert_eq!(progress.best_case, 4);
    assert!(progress.at_risk);
    assert!(
        progress.reasons[0].contains("4/6"),
        "{:?}",
        progress.reasons
    );
    assert_eq!(
        &progress.reasons[1..],
        [
            "Chưa học lớp nhận thức về Đảng: 3 người",
            "Thiếu người giới thiệu: 3 người",
            "Chưa đủ trình độ học vấn: 2 người",
            "Thiếu giấy giới thiệu của đơn vị quân đội: 2 người",
            "Đi làm ăn xa: 2 người",
        ]
    );
}

#[test]
fn progress_without_a_target_is_never_at_risk() {
    let mut facts = story();
    facts.targets.clear();
    let progress = admission_progress(&facts, 2022, d("2022-06-30"), Freshness::default());
    assert_eq!(
        (progress.target, progress.has_target, progress.at_risk),
        (0, false, false)
    );
    assert_eq!(progress.remaining, 0);
    assert!(!progress.reasons[0].contains("tối đa"));
}

#[test]
fn a_flagged_area_accepts_primary_education() {
    let mut facts = story();
    facts.area_flags.push(AreaFlagRow {
        kind: "AREA_KIND_MOUNTAINOUS".into(),
        valid_from: d("2022-01-01"),
        valid_to: Some(d("2022-06-29")),
    });
    let on = |day: &str| admission_progress(&facts, 2022, d(day), Freshness::default());
    assert_eq!(on("2022-06-29").eligible_candidates, 4);
    // The flag's last day was the 29th.
    assert_eq!(on("2022-06-30").eligible_candidates, 2);
}

#[test]
fn an_introducer_must_be_official_on_the_day() {
    let mut facts = story();
    // Member 2 left the roll on 30 June 2022: from that day the introductions they made fail,
    // except for the candidate the cell voted on before (on 16 May 2022), who is judged on the
    // vote day, when the introducer was official.
    facts.members[1].left_date = Some(d("2022-06-30"));
    assert_eq!(
        admission_progress(&facts, 2022, d("2022-06-29"), Freshness::default()).eligible_candidates,
        2
    );
    let pipeline = pipeline(&facts, d("2022-06-30"), Freshness::default());
    assert_eq!(pipeline.eligible_candidates, 1);
    assert!(
        keys_and_counts(&pipeline.by_blocker).contains(&("INTRODUCER_NOT_QUALIFIED", 4)),
        "{:?}",
        pipeline.by_blocker
    );
}

#[test]
fn pipeline_lists_every_stage_and_every_open_cell() {
    let pipeline = pipeline(&story(), d("2022-06-30"), Freshness::default());
    assert_eq!(
        (pipeline.open_candidates, pipeline.eligible_candidates),
        (8, 2)
    );
    assert_eq!(
        keys_and_counts(&pipeline.by_stage),
        [
            ("CANDIDATE_STAGE_IDENTIFIED", 3),
            ("CANDIDATE_STAGE_CLASS_DONE", 3),
            ("CANDIDATE_STAGE_DOSSIER", 1),
            ("CANDIDATE_STAGE_VERIFIED", 0),
            ("CANDIDATE_STAGE_CELL_APPROVED", 1),
            ("CANDIDATE_STAGE_COMMITTEE_APPROVED", 0),
            ("CANDIDATE_STAGE_ADMITTED", 0),
            ("CANDIDATE_STAGE_WITHDRAWN", 1),
            ("CANDIDATE_STAGE_INELIGIBLE", 0),
        ]
    );
    assert_eq!(pipeline.by_stage[1].label, "Đã học lớp nhận thức về Đảng");
    assert_eq!(
        keys_and_counts(&pipeline.by_blocker),
        [
            ("EDUCATION_BELOW_MINIMUM", 2),
            ("CERTIFICATE_MISSING", 3),
            ("INTRODUCERS_MISSING", 3),
            ("MILITARY_REFERRAL_MISSING", 2),
            ("LIVES_AWAY", 2),
        ]
    );
    let cells: Vec<(&str, i64, i64)> = pipeline
        .cells
        .iter()
        .map(|c| {
            (
                c.display_name.as_str(),
                c.open_candidates,
                c.eligible_candidates,
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("Chi bộ thôn An Thành", 4, 0),
            ("Chi bộ thôn Đồng Tâm", 4, 2),
            ("Chi bộ thôn Tượng 1", 0, 0),
        ]
    );
    assert_eq!(pipeline.cells[1].by_stage.len(), 6);
}

#[test]
fn pipeline_uses_the_stage_reached_by_the_day() {
    let pipeline = pipeline(&story(), d("2022-03-15"), Freshness::default());
    // c4 was at CLASS_DONE then; c3 too; c7, c8 identified; c10 withdrawn already.
    let stages = keys_and_counts(&pipeline.by_stage);
    assert_eq!(stages[1], ("CANDIDATE_STAGE_CLASS_DONE", 5));
    assert_eq!(stages[4], ("CANDIDATE_STAGE_CELL_APPROVED", 0));
    assert_eq!(pipeline.open_candidates, 8);
    // Before anyone was identified, nothing exists.
    assert_eq!(
        pipeline_of(d("2021-01-01"))
            .by_stage
            .iter()
            .map(|b| b.members)
            .sum::<i64>(),
        0
    );
}

fn pipeline_of(day: Date) -> Pipeline {
    pipeline(&story(), day, Freshness::default())
}

#[test]
fn rating_summary_counts_good_or_better_and_lists_unrated_cells() {
    let mut facts = story();
    facts.cells.push(cell("ban-xen", "Chi bộ thôn Bản Xen"));
    let mut closed = cell("cu", "Chi bộ cũ");
    closed.close_date = Some(d("2020-06-01"));
    facts.cells.push(closed);
    let rate = |cell: &str, level: RatingLevel| CellRatingRow {
        commune_code: "02680".into(),
        cell_id: cell.into(),
        year: 2021,
        level,
    };
    facts.cell_ratings = vec![
        rate("tuong-1", RatingLevel::Excellent),
        rate("dong-tam", RatingLevel::Good),
        rate("an-thanh", RatingLevel::Completed),
    ];
    let summary = cell_rating_summary(&facts, 2021, Freshness::default());
    assert_eq!((summary.numerator, summary.denominator), (2, 3));
    assert!((summary.percent - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!((summary.target_percent, summary.has_target), (80, true));
    assert!(!summary.meets_target);
    assert_eq!(summary.needed, 3);
    assert_eq!(
        keys_and_counts(&summary.by_level),
        [
            ("RATING_LEVEL_EXCELLENT", 1),
            ("RATING_LEVEL_GOOD", 1),
            ("RATING_LEVEL_COMPLETED", 1),
            ("RATING_LEVEL_NOT_COMPLETED", 0),
        ]
    );
    let excluded: Vec<(&str, &str)> = summary
        .exclusions
        .iter()
        .map(|e| (e.display_name.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(excluded, [("Chi bộ thôn Bản Xen", "Chưa được đánh giá")]);
}

#[test]
fn thirteen_of_sixteen_meets_eighty_percent() {
    let mut facts = story();
    facts.cells = (0..16)
        .map(|i| cell(&format!("c{i}"), &format!("Chi bộ {i}")))
        .collect();
    facts.cell_ratings = (0..16)
        .map(|i| CellRatingRow {
            commune_code: "02680".into(),
            cell_id: format!("c{i}"),
            year: 2021,
            level: match i {
                0..3 => RatingLevel::Excellent,
                3..13 => RatingLevel::Good,
                _ => RatingLevel::Completed,
            },
        })
        .collect();
    let summary = cell_rating_summary(&facts, 2021, Freshness::default());
    assert_eq!(
        (summary.numerator, summary.denominator, summary.needed),
        (13, 16, 13)
    );
    assert!((summary.percent - 81.25).abs() < 1e-9);
    assert!(summary.meets_target);
    assert!(summary.exclusions.is_empty());
}

#[test]
fn cell_health_flags_cells_by_the_thresholds() {
    let mut facts = story();
    let roll = |cell: &str, seconded: bool, members: i64| CellRoll {
        cell_id: cell.into(),
        seconded,
        members,
        official: members,
    };
    facts.cell_rolls = vec![
        roll("tuong-1", false, 2),
        roll("tuong-1", true, 3),
        roll("dong-tam", false, 4),
    ];
    let born = |cell: &str, day: &str, members: i64| CellBirths {
        cell_id: cell.into(),
        births: BirthCount {
            birth_date: Some(d(day)),
            members,
        },
    };
    facts.cell_births = vec![
        born("tuong-1", "1950-01-01", 2),
        born("tuong-1", "1990-01-01", 3),
        born("dong-tam", "1962-07-01", 1),
        born("dong-tam", "1962-06-30", 3),
    ];
    facts.last_admissions = vec![
        LastAdmission {
            cell_id: "dong-tam".into(),
            decision_date: d("2022-05-10"),
        },
        LastAdmission {
            cell_id: "an-thanh".into(),
            decision_date: d("2019-07-01"),
        },
    ];
    let thresholds = HealthThresholds::from_request(0, 0, 0).expect("defaults apply");
    let health = cell_health(&facts, d("2022-06-30"), thresholds, Freshness::default());
    let row = |name: &str| {
        health
            .cells
            .iter()
            .find(|c| c.display_name == name)
            .expect("open cell is listed")
    };
    let tuong = row("Chi bộ thôn Tượng 1");
    assert_eq!((tuong.members, tuong.seconded_members), (5, 3));
    assert!(tuong.seconded_dominated && tuong.no_recent_admission);
    assert_eq!(
        (tuong.years_since_last_admission, tuong.ageing_members),
        (-1, 2)
    );
    let dong = row("Chi bộ thôn Đồng Tâm");
    assert!(!dong.no_recent_admission && !dong.seconded_dominated);
    // 60 on 30 June 2022 for the three born 30 June 1962; not yet for the one born 1 July.
    assert_eq!(dong.ageing_members, 3);
    assert_eq!(dong.open_candidates, 4);
    assert!((dong.average_age - 60.0).abs() < 0.01);
    let an = row("Chi bộ thôn An Thành");
    assert_eq!(an.years_since_last_admission, 2);
    assert!(
        !an.no_recent_admission,
        "2 whole years is under the default 3"
    );
    assert_eq!(
        (
            health.cells_without_recent_admission,
            health.seconded_dominated_cells
        ),
        (1, 1)
    );
    let strict = HealthThresholds::from_request(2, 0, 0).expect("valid");
    let health = cell_health(&facts, d("2022-06-30"), strict, Freshness::default());
    assert_eq!(health.cells_without_recent_admission, 2);
}

#[test]
fn health_thresholds_refuse_negative_values() {
    assert_eq!(
        HealthThresholds::from_request(0, 0, 0),
        Ok(HealthThresholds {
            years_without_admission: 3,
            seconded_percent: 50,
            ageing_age: 60
        })
    );
    assert_eq!(
        HealthThresholds::from_request(-1, 0, 0).map_err(|e| e.0),
        Err("years_without_admission")
    );
    assert_eq!(
        HealthThresholds::from_request(0, 101, 0).map_err(|e| e.0),
        Err("seconded_percent")
    );
    assert_eq!(
        HealthThresholds::from_request(0, 0, -60).map_err(|e| e.0),
        Err("ageing_age")
    );
}

#[test]
fn deadlines_list_running_clocks_overdue_first() {
    let facts = story();
    let listed = deadlines(
        &facts,
        d("2022-06-30"),
        d("2022-06-30"),
        Freshness::default(),
    );
    let rows: Vec<(i32, &str, &str, bool)> = listed
        .deadlines
        .iter()
        .map(|x| (x.kind, x.subject.as_str(), x.due_date.as_str(), x.overdue))
        .collect();
    assert_eq!(
        rows,
        [
            // Ceremony 2021-04-20 + 12 months = 2022-04-20, + 30 working days skipping 2–3 May.
            (
                DeadlineKindPb::Recognition as i32,
                "members/3",
                "2022-06-03",
                true
            ),
            // Decision 2022-05-10 + 30 working days.
            (
                DeadlineKindPb::Ceremony as i32,
                "members/4",
                "2022-06-21",
                true
            ),
            // Cell approval 2022-05-16 + 60 working days.
            (
                DeadlineKindPb::AdmissionDecision as i32,
                "candidates/c4",
                "2022-08-08",
                false
            ),
        ]
    );
    assert_eq!(listed.overdue, 2);
    let recognition = &listed.deadlines[0];
    assert_eq!(recognition.start_date, "2022-04-20");
    assert_eq!(recognition.working_days_left, -19);
    assert_eq!(recognition.rule_version, "24-QĐ/TW");
    assert_eq!(recognition.full_name, "Đảng Viên 3");
    assert_eq!(recognition.cell, "communes/02680/cells/an-thanh");
    assert_eq!(listed.deadlines[2].full_name, "Lò Văn Dũng");
    assert_eq!(listed.deadlines[2].working_days_left, 27);

    // Member 5's probation ends on 1 August 2022: listed once the window reaches the due day.
    let later = deadlines(
        &facts,
        d("2022-06-30"),
        d("2022-12-31"),
        Freshness::default(),
    );
    let five = later
        .deadlines
        .iter()
        .find(|x| x.subject == "members/5")
        .expect("the coming recognition is listed");
    assert_eq!(
        (five.start_date.as_str(), five.overdue),
        ("2022-08-01", false)
    );
}

#[test]
fn the_ceremony_deadline_runs_from_the_day_the_cell_received_the_decision() {
    let mut facts = story();
    // Decided on 3 March 2025, received by the cell on 20 March, ceremony pending.
    facts.members.push(MemberRecord {
        official_date: None,
        decision_date: Some(d("2025-03-03")),
        decision_received_date: Some(d("2025-03-20")),
        ceremony_date: None,
        status: MemberStatus::Admitted,
        ..official(21, "dong-tam", "2000-01-01")
    });
    let ceremony_of = |facts: &AdmissionFacts, as_of: &str| {
        deadlines(facts, d(as_of), d(as_of), Freshness::default())
            .deadlines
            .into_iter()
            .find(|x| x.subject == "members/21")
            .map(|x| (x.kind, x.start_date, x.due_date))
            .expect("the ceremony is pending")
    };
    let due_from = |start: &str| {
        let rules = facts.rules.in_force_on(d(start));
        date::format(
            facts
                .calendar
                .due(DeadlineKind::Ceremony, d(start), rules, false)
                .due,
        )
    };
    let (from_receipt, from_decision) = (due_from("2025-03-20"), due_from("2025-03-03"));
    assert_ne!(from_receipt, from_decision);
    assert_eq!(
        ceremony_of(&facts, "2025-04-01"),
        (
            DeadlineKindPb::Ceremony as i32,
            "2025-03-20".to_owned(),
            from_receipt
        )
    );
    // Before the decision reached the cell, the clock ran from the decision.
    assert_eq!(
        ceremony_of(&facts, "2025-03-10"),
        (
            DeadlineKindPb::Ceremony as i32,
            "2025-03-03".to_owned(),
            from_decision.clone()
        )
    );
    // Without the day of receipt: from the decision, as before.
    facts
        .members
        .last_mut()
        .expect("pushed")
        .decision_received_date = None;
    assert_eq!(
        ceremony_of(&facts, "2025-04-01"),
        (
            DeadlineKindPb::Ceremony as i32,
            "2025-03-03".to_owned(),
            from_decision
        )
    );
}

#[test]
fn deadlines_stop_when_the_step_is_done_and_extend_once() {
    let mut facts = story();
    facts.members[2].official_date = Some(d("2022-06-01"));
    facts.candidates[3].candidate.decision_extended = true;
    let listed = deadlines(
        &facts,
        d("2022-06-30"),
        d("2022-06-30"),
        Freshness::default(),
    );
    assert!(listed.deadlines.iter().all(|x| x.subject != "members/3"));
    let decision = listed
        .deadlines
        .iter()
        .find(|x| x.subject == "candidates/c4")
        .expect("still pending");
    // 60 + 30 working days after 16 May 2022, skipping 1–2 September.
    assert_eq!(decision.due_date, "2022-09-21");
}

#[test]
fn briefing_lists_each_open_cell_with_plan_candidates_and_deadlines() {
    let (first, last) = parse_month("2022-06").expect("valid month");
    let briefing = monthly_briefing(&story(), first, last, Freshness::default());
    assert_eq!(briefing.month, "2022-06");
    let progress = briefing.progress.as_ref().expect("progress is included");
    assert_eq!(progress.as_of_date, "2022-06-01");
    assert_eq!((progress.admitted, progress.eligible_candidates), (2, 2));
    let names: Vec<&str> = briefing
        .cells
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Chi bộ thôn An Thành",
            "Chi bộ thôn Đồng Tâm",
            "Chi bộ thôn Tượng 1"
        ]
    );
    let dong = &briefing.cells[1];
    assert_eq!(
        (dong.planned_sources, dong.planned_admissions, dong.has_plan),
        (4, 3, true)
    );
    assert_eq!((dong.admitted, dong.sources), (1, 4));
    // Roster order: An, Dũng, Hoa, Mai (given names).
    let candidates: Vec<(&str, &str)> = dong
        .candidates
        .iter()
        .map(|c| (c.full_name.as_str(), c.next_step.as_str()))
        .collect();
    assert_eq!(
        candidates,
        [
            ("Nguyễn Văn An", "Thẩm tra lý lịch"),
            ("Lò Văn Dũng", "Đảng ủy xã xét, biểu quyết kết nạp"),
            (
                "Lý Thị Hoa",
                "Tháo gỡ vướng mắc — Chưa học lớp nhận thức về Đảng"
            ),
            (
                "Hoàng Thị Mai",
                "Tháo gỡ vướng mắc — Chưa đủ trình độ học vấn"
            ),
        ]
    );
    assert_eq!(dong.candidates[3].blockers, ["EDUCATION_BELOW_MINIMUM"]);
    // Member 4's ceremony is due on 21 June; the decision on c4 falls due in August.
    let due: Vec<&str> = dong.deadlines.iter().map(|x| x.subject.as_str()).collect();
    assert_eq!(due, ["members/4"]);
    let an = &briefing.cells[0];
    assert!(!an.has_plan);
    assert_eq!(an.admitted, 1);
    // Recognition of member 3 was due on 3 June.
    assert_eq!(an.deadlines.len(), 1);
    let tuong = &briefing.cells[2];
    assert_eq!(
        (tuong.has_plan, tuong.sources, tuong.planned_sources),
        (true, 0, 0)
    );
}

#[test]
fn briefing_counts_admissions_before_the_month_only() {
    let (first, last) = parse_month("2022-05").expect("valid month");
    let briefing = monthly_briefing(&story(), first, last, Freshness::default());
    let dong = briefing
        .cells
        .iter()
        .find(|c| c.cell.ends_with("/dong-tam"))
        .expect("listed");
    assert_eq!(dong.admitted, 0, "the May admission is not before May");
}

#[test]
fn months_and_years_are_checked() {
    assert_eq!(
        parse_month("2022-02"),
        Ok((d("2022-02-01"), d("2022-02-28")))
    );
    assert_eq!(
        parse_month("2024-12"),
        Ok((d("2024-12-01"), d("2024-12-31")))
    );
    for bad in ["2022-13", "2022-1", "22-01", "2022/01", "", "2022-01-01"] {
        assert!(parse_month(bad).is_err(), "{bad}");
    }
    assert_eq!(
        progress_period(0, d("2022-06-30")),
        Ok((2022, d("2022-06-30")))
    );
    assert_eq!(
        progress_period(2021, d("2022-06-30")),
        Ok((2021, d("2021-12-31")))
    );
    assert_eq!(
        progress_period(-3, d("2022-06-30")).map_err(|e| e.0),
        Err("year")
    );
    assert_eq!(rating_year(0).map_err(|e| e.0), Err("year"));
    assert_eq!(rating_year(2021), Ok(2021));
}

#[test]
fn the_decision_deadline_ends_with_the_decision_whatever_the_stage_date() {
    let mut facts = story();
    // Admitted on 20 June 2022 as member 20; the candidate's closing is dated later.
    facts.candidates[3].candidate.admitted_member = Some(20);
    facts.candidates[3].history.push(StageEntry {
        stage: CandidateStage::Admitted,
        date: d("2022-07-05"),
        sequence: 99,
    });
    facts.members.push(MemberRecord {
        official_date: None,
        decision_date: Some(d("2022-06-20")),
        ceremony_date: None,
        status: MemberStatus::Admitted,
        ..official(20, "dong-tam", "2000-01-01")
    });
    let listed = deadlines(
        &facts,
        d("2022-06-30"),
        d("2022-06-30"),
        Freshness::default(),
    );
    let kinds: Vec<(&str, i32)> = listed
        .deadlines
        .iter()
        .map(|x| (x.subject.as_str(), x.kind))
        .collect();
    assert!(!kinds.contains(&("candidates/c4", DeadlineKindPb::AdmissionDecision as i32)));
    assert!(kinds.contains(&("members/20", DeadlineKindPb::Ceremony as i32)));
}

/// Changes the candidate `id` of `facts` by `change`.
fn change_candidate(
    facts: &mut AdmissionFacts,
    id: &str,
    change: impl FnOnce(&mut CandidateDetails),
) {
    let record = facts
        .candidates
        .iter_mut()
        .find(|record| record.id == id)
        .expect("a candidate of the story");
    change(&mut record.candidate);
}

/// The story with the cell-approved candidate (voted on 2022-05-16) changed by `change`.
fn story_with_approved(change: impl FnOnce(&mut CandidateDetails)) -> AdmissionFacts {
    let mut facts = story();
    change_candidate(&mut facts, "c4", change);
    facts
}

#[test]
fn pipeline_lifts_the_referral_and_living_away_as_membership_does() {
    let mut facts = story();
    // c5 and c6 are soldiers without the unit's referral; c5, who has the certificate and the
    // introducers, took the class again locally. c7 and c8 live away: the organisation where c7
    // lives commented on 1 June, the one where c8 works only on 10 July, after the report date.
    change_candidate(&mut facts, "c5", |c| c.class_retaken_locally = true);
    change_candidate(&mut facts, "c7", |c| {
        c.away_comment_date = Some(d("2022-06-01"))
    });
    change_candidate(&mut facts, "c8", |c| {
        c.away_comment_date = Some(d("2022-07-10"))
    });
    let pipeline = pipeline(&facts, d("2022-06-30"), Freshness::default());
    assert_eq!(
        (pipeline.open_candidates, pipeline.eligible_candidates),
        (8, 3)
    );
    assert_eq!(
        keys_and_counts(&pipeline.by_blocker),
        [
            ("EDUCATION_BELOW_MINIMUM", 2),
            ("CERTIFICATE_MISSING", 3),
            ("INTRODUCERS_MISSING", 3),
            ("MILITARY_REFERRAL_MISSING", 1),
            ("LIVES_AWAY", 1),
        ]
    );
    let codes_of = |id: &str, day: &str| -> Vec<&'static str> {
        let record = facts
            .candidates
            .iter()
            .find(|record| record.id == id)
            .expect("a candidate of the story");
        facts
            .blockers_on(record, d(day))
            .iter()
            .map(|b| b.code.code())
            .collect()
    };
    assert_eq!(codes_of("c5", "2022-06-30"), Vec::<&str>::new());
    assert!(codes_of("c6", "2022-06-30").contains(&"MILITARY_REFERRAL_MISSING"));
    assert!(!codes_of("c7", "2022-06-30").contains(&"LIVES_AWAY"));
    assert!(codes_of("c8", "2022-06-30").contains(&"LIVES_AWAY"));
    assert!(!codes_of("c8", "2022-07-10").contains(&"LIVES_AWAY"));
}

#[test]
fn pipeline_judges_an_approved_candidate_on_the_cells_vote_day() {
    // The certificate is exactly 60 months old and the papers exactly 12 months old at the vote;
    // both have lapsed by the report date, and do not block.
    let lapsing = story_with_approved(|c| {
        c.certificate_date = Some(d("2017-05-16"));
        c.papers_date = Some(d("2021-05-16"));
    });
    let progress = admission_progress(&lapsing, 2022, d("2022-06-30"), Freshness::default());
    assert_eq!(progress.eligible_candidates, 2);

    // 17 years 11 months at the vote, 18 by the report date: too young.
    let young = story_with_approved(|c| c.birth_date = d("2004-06-01"));
    let progress = admission_progress(&young, 2022, d("2022-06-30"), Freshness::default());
    assert_eq!(progress.eligible_candidates, 1);
    let c4 = young
        .candidates
        .iter()
        .find(|record| record.id == "c4")
        .expect("c4");
    let codes: Vec<&str> = young
        .blockers_on(c4, d("2022-06-30"))
        .iter()
        .map(|b| b.code.code())
        .collect();
    assert_eq!(codes, ["AGE_UNDER_MINIMUM"]);
}

#[test]
fn a_deadline_counted_through_a_year_not_loaded_says_so() {
    let mut facts = story();
    // Admitted on 15 December 2026: the ceremony's 30 working days run into 2027, whose calendar
    // is not loaded.
    facts.members[3].decision_date = Some(d("2026-12-15"));
    let listed = deadlines(
        &facts,
        d("2026-12-20"),
        d("2026-12-20"),
        Freshness::default(),
    );
    let ceremony = listed
        .deadlines
        .iter()
        .find(|x| x.subject == "members/4")
        .expect("the ceremony clock runs");
    assert_eq!(ceremony.calendar_missing_years, [2027]);
    let exact = deadlines(
        &story(),
        d("2022-06-30"),
        d("2022-06-30"),
        Freshness::default(),
    );
    assert!(
        exact
            .deadlines
            .iter()
            .all(|x| x.calendar_missing_years.is_empty())
    );
}

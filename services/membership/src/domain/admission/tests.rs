use super::*;
use crate::convert::admission::{progress, set_progress};
use crate::domain::{
    AdmissionDates, AreaFlag, AreaKind, Assignment, CellKind, Gender, GeneralEducation, Person,
    PoliticalTheory, Qualification,
};
use partyregistry_kit::admission::candidate_facts;
use partyregistry_proto::membership::v1 as pb;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

const TODAY: &str = "2026-11-28";

fn rules() -> RuleTable {
    RuleTable::reference()
}

fn tally(eligible: i32, yes: i32) -> pb::VoteTally {
    pb::VoteTally {
        eligible,
        present: eligible,
        yes,
        no: eligible - yes,
    }
}

fn candidate(stage: pb::CandidateStage, stage_date: &str) -> pb::Candidate {
    pb::Candidate {
        name: "candidates/1".into(),
        cell: "communes/02680/cells/a".into(),
        full_name: "Lò Thị Mai".into(),
        gender: pb::Gender::Female.into(),
        birth_date: "2001-02-14".into(),
        ethnicity_code: "09".into(),
        general_education: pb::GeneralEducation::UpperSecondary.into(),
        youth_union: true,
        source: pb::CandidateSource::YouthUnion.into(),
        stage: stage.into(),
        stage_date: stage_date.into(),
        ..Default::default()
    }
}

/// The rules move a candidate's progress; the service reads it from and writes it back to the
/// stored record, as here.
fn advance(
    candidate: &mut pb::Candidate,
    to: &Advance,
    today: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let mut moved = progress(candidate);
    super::advance(&mut moved, to, today, rules)?;
    set_progress(candidate, &moved);
    Ok(())
}

fn check_admissible(candidate: &pb::Candidate) -> Result<(), RuleError> {
    super::check_admissible(&progress(candidate))
}

fn check_initial_stage(
    candidate: &pb::Candidate,
    stage_date: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    super::check_initial_stage(&progress(candidate), stage_date, rules)
}

fn to(stage: pb::CandidateStage, on: &str) -> Advance {
    Advance {
        stage: partyregistry_kit::admission::stage(stage),
        stage_date: d(on),
        reason: String::new(),
    }
}

fn reason_and_field(error: RuleError) -> (&'static str, String) {
    match error {
        RuleError::Broken { reason, field, .. } => (reason, field),
        RuleError::Invalid { field, .. } => ("INVALID_ARGUMENT", field),
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn candidate_moves_forward_one_stage_at_a_time() {
    use pb::CandidateStage::*;
    let mut c = candidate(Identified, "2025-01-10");
    for (stage, on) in [
        (ClassDone, "2025-03-01"),
        (Dossier, "2025-04-01"),
        (Verified, "2025-05-01"),
    ] {
        advance(&mut c, &to(stage, on), d(TODAY), &rules()).expect("next stage");
        assert_eq!((c.stage(), c.stage_date.as_str()), (stage, on));
    }
    let skipped = advance(
        &mut c,
        &to(CommitteeApproved, "2025-06-01"),
        d(TODAY),
        &rules(),
    )
    .expect_err("a stage cannot be skipped");
    assert_eq!(
        reason_and_field(skipped),
        (ILLEGAL_TRANSITION, "stage".into())
    );
    let backwards =
        advance(&mut c, &to(ClassDone, "2025-06-01"), d(TODAY), &rules()).expect_err("no way back");
    assert_eq!(reason_and_field(backwards).0, ILLEGAL_TRANSITION);
}

#[test]
fn withdrawal_needs_a_reason_and_closes_the_candidate() {
    use pb::CandidateStage::*;
    let mut c = candidate(Dossier, "2025-04-01");
    let error = advance(&mut c, &to(Withdrawn, "2025-05-01"), d(TODAY), &rules())
        .expect_err("a reason is required");
    assert_eq!(
        reason_and_field(error),
        ("INVALID_ARGUMENT", "reason".into())
    );
    let mut withdraw = to(Withdrawn, "2025-05-01");
    withdraw.reason = "Đi làm ăn xa".into();
    advance(&mut c, &withdraw, d(TODAY), &rules()).expect("withdrawn");
    assert_eq!(c.stage(), Withdrawn);
    assert_eq!(c.closing_reason, "Đi làm ăn xa");
    let mut ineligible = to(Ineligible, "2025-06-01");
    ineligible.reason = "Không đủ tiêu chuẩn".into();
    let error = advance(&mut c, &ineligible, d(TODAY), &rules()).expect_err("closed for good");
    assert_eq!(reason_and_field(error), (ILLEGAL_TRANSITION, "name".into()));
}

#[test]
fn admitted_is_reached_only_through_admission() {
    let mut c = candidate(pb::CandidateStage::CommitteeApproved, "2025-07-15");
    let error = advance(
        &mut c,
        &to(pb::CandidateStage::Admitted, "2025-07-20"),
        d(TODAY),
        &rules(),
    )
    .expect_err("use AdmitCandidate");
    assert_eq!(
        reason_and_field(error),
        ("INVALID_ARGUMENT", "stage".into())
    );
}

#[test]
fn stage_dates_keep_their_order_and_stay_in_the_past() {
    let mut c = candidate(pb::CandidateStage::Identified, "2025-01-10");
    let early = advance(
        &mut c,
        &to(pb::CandidateStage::ClassDone, "2025-01-09"),
        d(TODAY),
        &rules(),
    )
    .expect_err("before the current stage");
    assert_eq!(reason_and_field(early), (DATE_RULE, "stage_date".into()));
    let future = advance(
        &mut c,
        &to(pb::CandidateStage::ClassDone, "2026-12-01"),
        d(TODAY),
        &rules(),
    )
    .expect_err("in the future");
    assert_eq!(reason_and_field(future), (DATE_RULE, "stage_date".into()));
    assert_eq!(c.stage(), pb::CandidateStage::Identified, "nothing changed");
}

#[test]
fn cell_approval_needs_a_passing_vote() {
    let mut c = candidate(pb::CandidateStage::Verified, "2025-05-10");
    let approve = to(pb::CandidateStage::CellApproved, "2025-06-10");
    let missing = advance(&mut c, &approve, d(TODAY), &rules()).expect_err("no vote");
    assert_eq!(
        reason_and_field(missing),
        (VOTE_MISSING, "candidate.cell_vote".into())
    );
    c.cell_vote = Some(tally(9, 5));
    let low = advance(&mut c, &approve, d(TODAY), &rules()).expect_err("5 of 9");
    assert_eq!(
        reason_and_field(low),
        (VOTE_BELOW_THRESHOLD, "candidate.cell_vote".into())
    );
    c.cell_vote = Some(tally(9, 6));
    advance(&mut c, &approve, d(TODAY), &rules()).expect("6 of 9 is two thirds");
    assert_eq!(c.stage(), pb::CandidateStage::CellApproved);
}

#[test]
fn committee_approval_needs_the_committee_vote() {
    let mut c = candidate(pb::CandidateStage::CellApproved, "2025-06-10");
    c.cell_vote = Some(tally(9, 7));
    let approve = to(pb::CandidateStage::CommitteeApproved, "2025-07-15");
    let missing = advance(&mut c, &approve, d(TODAY), &rules()).expect_err("no vote");
    assert_eq!(
        reason_and_field(missing),
        (VOTE_MISSING, "candidate.committee_vote".into())
    );
    c.committee_vote = Some(tally(11, 9));
    advance(&mut c, &approve, d(TODAY), &rules()).expect("approved");
}

#[test]
fn a_candidate_is_admitted_once_and_only_after_the_committee() {
    let approved = candidate(pb::CandidateStage::CommitteeApproved, "2025-07-15");
    check_admissible(&approved).expect("admissible");
    let mut admitted = approved.clone();
    admitted.stage = pb::CandidateStage::Admitted.into();
    admitted.admitted_member = "members/9".into();
    assert_eq!(
        reason_and_field(check_admissible(&admitted).expect_err("twice")),
        (CANDIDATE_ALREADY_ADMITTED, "name".into())
    );
    let early = candidate(pb::CandidateStage::CellApproved, "2025-06-10");
    assert_eq!(
        reason_and_field(check_admissible(&early).expect_err("too early")),
        (ILLEGAL_TRANSITION, "name".into())
    );
}

#[test]
fn initial_stage_must_be_open() {
    let closed = candidate(pb::CandidateStage::Admitted, "2025-01-10");
    assert!(check_initial_stage(&closed, d("2025-01-10"), &rules()).is_err());
    let mut approved = candidate(pb::CandidateStage::CellApproved, "2025-01-10");
    assert!(check_initial_stage(&approved, d("2025-01-10"), &rules()).is_err());
    approved.cell_vote = Some(tally(3, 2));
    check_initial_stage(&approved, d("2025-01-10"), &rules()).expect("with its vote");
}

#[test]
fn vote_numbers_are_checked_field_by_field() {
    let fields = |t: pb::VoteTally| -> Vec<String> {
        let numbers = VoteTally {
            eligible: t.eligible.into(),
            present: t.present.into(),
            yes: t.yes.into(),
            no: t.no.into(),
        };
        vote_violations(&numbers, "candidate.cell_vote")
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    };
    assert!(fields(tally(9, 6)).is_empty());
    let more_yes_than_present = pb::VoteTally {
        eligible: 9,
        present: 6,
        yes: 7,
        no: 0,
    };
    assert_eq!(fields(more_yes_than_present), ["candidate.cell_vote.yes"]);
    let too_many_present = pb::VoteTally {
        eligible: 5,
        present: 6,
        yes: 3,
        no: 1,
    };
    assert_eq!(fields(too_many_present), ["candidate.cell_vote.present"]);
    let yes_and_no = pb::VoteTally {
        eligible: 9,
        present: 6,
        yes: 4,
        no: 3,
    };
    assert_eq!(fields(yes_and_no), ["candidate.cell_vote.yes"]);
    let nobody = pb::VoteTally {
        eligible: 0,
        present: 0,
        yes: 0,
        no: -1,
    };
    assert_eq!(
        fields(nobody),
        ["candidate.cell_vote.eligible", "candidate.cell_vote.no"]
    );
    let negative_yes = pb::VoteTally {
        eligible: 9,
        present: 6,
        yes: -1,
        no: 0,
    };
    assert_eq!(fields(negative_yes), ["candidate.cell_vote.yes"]);
}

#[test]
fn targets_and_plans_reject_negative_numbers() {
    let good = Target {
        first_year: 2020,
        last_year: 2025,
        admissions_per_year: 6,
        good_cells_percent: 80,
    };
    assert!(target_violations(&good).is_empty());
    let bad = Target {
        admissions_per_year: -1,
        good_cells_percent: -5,
        ..good
    };
    let fields: Vec<_> = target_violations(&bad)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        ["target.admissions_per_year", "target.good_cells_percent"]
    );
    let plan = CellPlan {
        year: 2022,
        sources_to_develop: -1,
        admissions: -2,
    };
    let fields: Vec<_> = plan_violations(&plan).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["plan.sources_to_develop", "plan.admissions"]);
    assert!(rating_year_violation(2027, d(TODAY)).is_some());
    assert!(rating_year_violation(2026, d(TODAY)).is_none());
}

fn cell(open: &str, close: Option<&str>) -> Cell {
    Cell {
        commune_code: "02680".into(),
        cell_id: "a".into(),
        display_name: "Chi bộ thôn A".into(),
        kind: CellKind::Residential,
        open_date: d(open),
        close_date: close.map(d),
    }
}

#[test]
fn a_cell_is_open_during_a_year_it_existed_on_one_day_of() {
    assert!(!cell_open_during(&cell("2000-01-01", None), 1999));
    assert!(cell_open_during(&cell("2000-12-31", None), 2000));
    assert!(cell_open_during(
        &cell("2000-01-01", Some("2010-01-02")),
        2010
    ));
    assert!(!cell_open_during(
        &cell("2000-01-01", Some("2010-01-01")),
        2010
    ));
}

fn member(status: MemberStatus, official: Option<&str>, left: Option<&str>) -> Member {
    Member {
        id: 3,
        person: Person {
            full_name: "Hoàng Văn Bút".into(),
            family_name: "Hoàng".into(),
            middle_name: "Văn".into(),
            given_name: "Bút".into(),
            gender: Gender::Male,
            birth_date: d("1975-06-02"),
            ethnicity_code: "02".into(),
            religion: String::new(),
            home_town: String::new(),
            citizen_id: None,
            phone: String::new(),
            address: String::new(),
            general_education: GeneralEducation::UpperSecondary,
            qualification: Qualification::None,
            political_theory: PoliticalTheory::None,
            occupation: String::new(),
            youth_union: false,
            card_number: String::new(),
            assignment: Assignment::Local,
        },
        admission: AdmissionDates {
            decision_date: d("2010-03-01"),
            decision_number: String::new(),
            ceremony_date: Some(d("2010-03-20")),
            official_date: official.map(d),
            readmission: false,
            previous_member: None,
            first_decision_date: None,
            decision_received_date: None,
        },
        status,
        commune_code: "02680".into(),
        cell_id: "a".into(),
        cell_since: d("2010-03-01"),
        temporarily_away: false,
        away_until: None,
        joined_date: None,
        left_date: left.map(d),
        admitted_in_cell: None,
        party_age_gaps: Vec::new(),
        seriously_ill: false,
        badges: Vec::new(),
        disciplines: Vec::new(),
    }
}

#[test]
fn introducers_are_official_between_recognition_and_departure() {
    let official = member(MemberStatus::Official, Some("2011-03-20"), None);
    assert!(official_on(&official, d("2011-03-20")));
    assert!(!official_on(&official, d("2011-03-19")));
    assert!(may_introduce_now(&official));
    let departed = member(
        MemberStatus::Deceased,
        Some("2011-03-20"),
        Some("2020-01-01"),
    );
    assert!(official_on(&departed, d("2019-12-31")));
    assert!(!official_on(&departed, d("2020-01-01")));
    assert!(!may_introduce_now(&departed));
    assert!(!may_introduce_now(&member(
        MemberStatus::Probationary,
        None,
        None
    )));
}

#[test]
fn members_are_rated_only_for_years_on_the_roll() {
    let departed = member(
        MemberStatus::Deceased,
        Some("2011-03-20"),
        Some("2020-01-01"),
    );
    assert!(!on_roll_during(&departed, 2009));
    assert!(on_roll_during(&departed, 2010));
    assert!(on_roll_during(&departed, 2020));
    assert!(!on_roll_during(&departed, 2021));
}

#[test]
fn area_flags_apply_within_their_period() {
    let commune = Commune {
        code: "02680".into(),
        display_name: "Xã Hợp Thành".into(),
        province_code: "10".into(),
        valid_from: d("2000-01-01"),
        valid_to: None,
        area_flags: vec![AreaFlag {
            kind: AreaKind::Mountainous,
            valid_from: d("2020-01-01"),
            valid_to: Some(d("2022-12-31")),
        }],
    };
    assert!(!flagged_on(&commune, d("2019-12-31")));
    assert!(flagged_on(&commune, d("2022-12-31")));
    assert!(!flagged_on(&commune, d("2023-01-01")));
}

#[test]
fn eligibility_uses_the_regulation_in_force_that_day() {
    let mut c = candidate(pb::CandidateStage::Verified, "2025-05-10");
    c.general_education = pb::GeneralEducation::Primary.into();
    for (on, code) in [
        ("2021-07-29", "29-QĐ/TW"),
        ("2021-07-30", "24-QĐ/TW"),
        ("2025-01-19", "24-QĐ/TW"),
        ("2025-01-20", "232-QĐ/TW"),
        ("2025-06-30", "232-QĐ/TW"),
        ("2025-07-01", "294-QĐ/TW"),
    ] {
        let facts = candidate_facts(&c, false, |_| true).expect("assessed");
        let assessment = assess(&c.name, &facts, (d(on), d(on)), &rules());
        assert_eq!(assessment.rule_version, code);
        assert!(!assessment.eligible());
        let codes: Vec<_> = assessment.blockers.iter().map(|b| b.code.code()).collect();
        assert!(codes.contains(&"EDUCATION_BELOW_MINIMUM"), "{codes:?}");
        let error = check_no_blockers(&assessment, "admitted").expect_err("blocked");
        assert_eq!(
            reason_and_field(error),
            (CANDIDATE_NOT_ELIGIBLE, "name".into())
        );
    }
    let facts = candidate_facts(&c, true, |_| true).expect("assessed");
    let on = d("2025-07-01");
    let flagged = assess(&c.name, &facts, (on, on), &rules());
    assert!(
        flagged
            .blockers
            .iter()
            .all(|b| b.code.code() != "EDUCATION_BELOW_MINIMUM"),
        "primary suffices in a flagged area"
    );
}

#[test]
fn cell_approval_records_the_vote_day_and_refuses_a_later_vote() {
    use pb::CandidateStage::*;
    let mut c = candidate(Verified, "2025-05-10");
    c.cell_vote = Some(tally(9, 7));
    advance(&mut c, &to(CellApproved, "2025-06-10"), d(TODAY), &rules()).expect("approved");
    assert_eq!(c.cell_vote_date, "2025-06-10", "the approval day stands in");

    let mut late = candidate(Verified, "2025-05-10");
    late.cell_vote = Some(tally(9, 7));
    late.cell_vote_date = "2025-06-11".into();
    let error = advance(
        &mut late,
        &to(CellApproved, "2025-06-10"),
        d(TODAY),
        &rules(),
    )
    .expect_err("a vote after the approval");
    assert_eq!(
        reason_and_field(error),
        (DATE_RULE, "candidate.cell_vote_date".into())
    );
}

#[test]
fn committee_approval_without_a_vote_day_is_refused() {
    let c = candidate(pb::CandidateStage::CellApproved, "2025-06-10");
    let error = required_cell_vote_day(&progress(&c), "name").expect_err("no vote day");
    assert_eq!(reason_and_field(error), (VOTE_DATE_MISSING, "name".into()));
}

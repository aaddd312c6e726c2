use super::*;
use crate::domain::{
    Assignment, CellKind, Gender, GeneralEducation, PoliticalTheory, Qualification, Transfer,
};

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

const TODAY: &str = "2026-11-28";

fn rules() -> RuleTable {
    RuleTable::reference()
}

fn cell(commune: &str, id: &str) -> Cell {
    Cell {
        commune_code: commune.into(),
        cell_id: id.into(),
        display_name: format!("Chi bộ {id}"),
        kind: CellKind::Residential,
        open_date: d("2000-01-01"),
        close_date: None,
    }
}

fn person(birth: &str) -> Person {
    Person {
        full_name: "Lý Thị Mai".into(),
        family_name: "Lý".into(),
        middle_name: "Thị".into(),
        given_name: "Mai".into(),
        gender: Gender::Female,
        birth_date: d(birth),
        ethnicity_code: "09".into(),
        religion: String::new(),
        home_town: String::new(),
        citizen_id: None,
        phone: String::new(),
        address: String::new(),
        general_education: GeneralEducation::UpperSecondary,
        qualification: Qualification::None,
        political_theory: PoliticalTheory::None,
        occupation: String::new(),
        youth_union: true,
        card_number: String::new(),
        assignment: Assignment::Local,
    }
}

fn dates(decision: &str, ceremony: Option<&str>, official: Option<&str>) -> AdmissionDates {
    AdmissionDates {
        decision_date: d(decision),
        decision_number: "12-QĐ/ĐU".into(),
        ceremony_date: ceremony.map(d),
        official_date: official.map(d),
        readmission: false,
        previous_member: None,
        first_decision_date: None,
        decision_received_date: None,
    }
}

fn vote(eligible: i64, yes: i64) -> VoteTally {
    VoteTally {
        eligible,
        present: eligible,
        yes,
        no: eligible - yes,
    }
}

fn context(vote: Option<VoteTally>) -> AdmissionContext {
    AdmissionContext {
        cell_vote: vote,
        cell_vote_date: None,
        deciding_body: "Đảng ủy xã".into(),
        fields: AdmissionFields::RECORD_ADMISSION,
        over_age_consent: false,
    }
}

fn reason(error: RuleError) -> (&'static str, String) {
    match error {
        RuleError::Broken { reason, field, .. } => (reason, field),
        RuleError::Invalid { field, .. } => ("INVALID_ARGUMENT", field),
        other => panic!("unexpected error {other:?}"),
    }
}

fn probationary() -> Member {
    admit(
        person("1998-03-01"),
        dates("2022-03-10", Some("2022-04-01"), None),
        &cell("02680", "a"),
        context(Some(vote(9, 7))),
        d(TODAY),
        &rules(),
    )
    .expect("valid admission")
    .0
}

#[test]
fn admit_with_ceremony_is_probationary_with_two_events() {
    let (member, events) = admit(
        person("1998-03-01"),
        dates("2022-03-10", Some("2022-04-01"), None),
        &cell("02680", "a"),
        context(Some(vote(9, 6))),
        d(TODAY),
        &rules(),
    )
    .expect("valid");
    assert_eq!(member.status, MemberStatus::Probationary);
    assert_eq!(
        member.admitted_in_cell.as_deref(),
        Some("communes/02680/cells/a")
    );
    assert_eq!(
        events.iter().map(|e| e.event_type).collect::<Vec<_>>(),
        [EventType::AdmissionDecided, EventType::CeremonyHeld]
    );
    assert_eq!(events[0].rule_version, "24-QĐ/TW");
}

#[test]
fn admit_under_18_in_months_is_rejected() {
    let error = admit(
        person("2004-05-20"),
        dates("2022-05-19", None, None),
        &cell("02680", "a"),
        context(Some(vote(9, 9))),
        d(TODAY),
        &rules(),
    )
    .expect_err("one day short of 18");
    assert_eq!(
        reason(error),
        (AGE_OUT_OF_RANGE, "member.birth_date".into())
    );
    assert!(
        admit(
            person("2004-05-20"),
            dates("2022-05-20", None, None),
            &cell("02680", "a"),
            context(Some(vote(9, 9))),
            d(TODAY),
            &rules()
        )
        .is_ok()
    );
}

/// The cell voted on `voted`; the committee decides on the decision date of `admission`.
fn admit_voted_on(
    birth: &str,
    voted: &str,
    admission: AdmissionDates,
) -> Result<Member, RuleError> {
    admit(
        person(birth),
        admission,
        &cell("02680", "a"),
        AdmissionContext {
            cell_vote_date: Some(d(voted)),
            ..context(Some(vote(9, 9)))
        },
        d(TODAY),
        &rules(),
    )
    .map(|(member, _)| member)
}

#[test]
fn admit_17_years_11_months_at_the_vote_is_rejected_though_18_at_the_decision() {
    // Born 2007-07-01: 17 years 11 months on 2025-06-10, 18 on 2025-07-15.
    let error = admit_voted_on("2007-07-01", "2025-06-10", dates("2025-07-15", None, None))
        .expect_err("too young at the vote");
    assert_eq!(
        reason(error),
        (AGE_OUT_OF_RANGE, "member.birth_date".into())
    );
    assert!(
        admit_voted_on("2007-06-10", "2025-06-10", dates("2025-07-15", None, None)).is_ok(),
        "18 years 0 months at the vote"
    );
}

#[test]
fn admit_59_years_11_months_at_the_vote_is_accepted_though_60_at_the_decision() {
    // Born 1965-07-01: 59 years 11 months on 2025-06-10, past 60 years on 2025-08-15.
    assert!(admit_voted_on("1965-07-01", "2025-06-10", dates("2025-08-15", None, None)).is_ok());
}

#[test]
fn admit_with_a_vote_after_the_decision_is_rejected() {
    let error = admit_voted_on("1990-01-01", "2025-07-16", dates("2025-07-15", None, None))
        .expect_err("vote after the decision");
    assert_eq!(reason(error), (DATE_RULE, "cell_vote_date".into()));
}

#[test]
fn admit_over_60_without_history_is_rejected() {
    let error = admit(
        person("1960-01-01"),
        dates("2022-01-02", None, None),
        &cell("02680", "a"),
        context(Some(vote(9, 9))),
        d(TODAY),
        &rules(),
    )
    .expect_err("over 60");
    assert_eq!(reason(error).0, AGE_OUT_OF_RANGE);
}

#[test]
fn admit_with_ceremony_before_decision_is_rejected() {
    let error = admit(
        person("1990-01-01"),
        dates("2022-03-10", Some("2022-03-09"), None),
        &cell("02680", "a"),
        context(Some(vote(9, 9))),
        d(TODAY),
        &rules(),
    )
    .expect_err("ceremony first");
    assert_eq!(
        reason(error),
        (DATE_RULE, "member.admission.ceremony_date".into())
    );
}

#[test]
fn admit_with_official_date_before_12_months_is_rejected() {
    let error = admit(
        person("1990-01-01"),
        dates("2020-03-10", Some("2020-04-01"), Some("2021-03-31")),
        &cell("02680", "a"),
        context(None),
        d(TODAY),
        &rules(),
    )
    .expect_err("probation too short");
    assert_eq!(
        reason(error),
        (DATE_RULE, "member.admission.official_date".into())
    );
}

#[test]
fn admit_with_vote_below_two_thirds_is_rejected() {
    let error = admit(
        person("1990-01-01"),
        dates("2022-03-10", None, None),
        &cell("02680", "a"),
        context(Some(vote(9, 5))),
        d(TODAY),
        &rules(),
    )
    .expect_err("5 of 9 < 2/3");
    assert_eq!(reason(error), (VOTE_BELOW_THRESHOLD, "cell_vote".into()));
    assert!(
        admit(
            person("1990-01-01"),
            dates("2022-03-10", None, None),
            &cell("02680", "a"),
            context(Some(vote(9, 6))),
            d(TODAY),
            &rules()
        )
        .is_ok()
    );
}

#[test]
fn admit_without_vote_needs_history() {
    let error = admit(
        person("1990-01-01"),
        dates("2022-03-10", None, None),
        &cell("02680", "a"),
        context(None),
        d(TODAY),
        &rules(),
    )
    .expect_err("no vote");
    assert_eq!(reason(error).1, "cell_vote");
    let (member, events) = admit(
        person("1950-01-01"),
        dates("1975-03-10", Some("1975-04-01"), Some("1976-04-01")),
        &cell("02680", "a"),
        context(None),
        d(TODAY),
        &rules(),
    )
    .expect("history");
    assert_eq!(member.status, MemberStatus::Official);
    assert_eq!(events.len(), 3);
}

#[test]
fn admit_in_the_future_is_rejected() {
    let error = admit(
        person("1990-01-01"),
        dates("2027-01-01", None, None),
        &cell("02680", "a"),
        context(Some(vote(3, 3))),
        d(TODAY),
        &rules(),
    )
    .expect_err("future");
    assert_eq!(reason(error).0, DATE_RULE);
}

#[test]
fn recognize_after_probation_makes_official() {
    let mut member = probationary();
    let event = recognize(
        &mut member,
        d("2023-04-01"),
        "5-QĐ".into(),
        vote(9, 6),
        d(TODAY),
        &rules(),
    )
    .expect("12 months done");
    assert_eq!(member.status, MemberStatus::Official);
    assert_eq!(event.event_type, EventType::RecognizedOfficial);
}

#[test]
fn recognize_before_12_months_is_rejected() {
    let mut member = probationary();
    let before = member.clone();
    let error = recognize(
        &mut member,
        d("2023-03-31"),
        "5-QĐ".into(),
        vote(9, 9),
        d(TODAY),
        &rules(),
    )
    .expect_err("too early");
    assert_eq!(reason(error), (DATE_RULE, "official_date".into()));
    assert_eq!(member, before, "a refused step changes nothing");
}

#[test]
fn recognize_an_official_member_is_illegal() {
    let mut member = probationary();
    recognize(
        &mut member,
        d("2023-04-01"),
        String::new(),
        vote(9, 9),
        d(TODAY),
        &rules(),
    )
    .expect("first time");
    let error = recognize(
        &mut member,
        d("2023-05-01"),
        String::new(),
        vote(9, 9),
        d(TODAY),
        &rules(),
    )
    .expect_err("twice");
    assert_eq!(reason(error), (ILLEGAL_TRANSITION, "name".into()));
}

#[test]
fn ceremony_moves_admitted_to_probationary() {
    let (mut member, _) = admit(
        person("1990-01-01"),
        dates("2022-03-10", None, None),
        &cell("02680", "a"),
        context(Some(vote(3, 2))),
        d(TODAY),
        &rules(),
    )
    .expect("valid");
    assert_eq!(member.status, MemberStatus::Admitted);
    assert!(record_ceremony(&mut member, d("2022-03-01"), None, d(TODAY), &rules()).is_err());
    record_ceremony(&mut member, d("2022-04-01"), None, d(TODAY), &rules())
        .expect("after decision");
    assert_eq!(member.status, MemberStatus::Probationary);
}

#[test]
fn transfer_of_a_deceased_member_is_illegal() {
    let mut member = probationary();
    depart(
        &mut member,
        DepartureKind::Death,
        d("2023-01-01"),
        String::new(),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect("death");
    let error = transfer(
        &mut member,
        Transfer::BetweenCells(cell("02680", "b")),
        d("2023-02-01"),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect_err("deceased");
    assert_eq!(reason(error).0, ILLEGAL_TRANSITION);
}

#[test]
fn transfer_between_cells_moves_the_member() {
    let mut member = probationary();
    let event = transfer(
        &mut member,
        Transfer::BetweenCells(cell("02680", "b")),
        d("2022-06-01"),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect("move");
    assert_eq!(
        (member.cell_id.as_str(), member.cell_since),
        ("b", d("2022-06-01"))
    );
    assert_eq!(event.from_organization, "communes/02680/cells/a");
    assert_eq!(event.to_organization, "communes/02680/cells/b");
}

#[test]
fn transfer_kind_must_match_the_destination() {
    let mut member = probationary();
    assert!(
        transfer(
            &mut member,
            Transfer::BetweenCells(cell("02677", "b")),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err()
    );
    assert!(
        transfer(
            &mut member,
            Transfer::ToCommune(cell("02680", "b")),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err()
    );
    assert!(
        transfer(
            &mut member,
            Transfer::BetweenCells(cell("02680", "a")),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err()
    );
    transfer(
        &mut member,
        Transfer::ToCommune(cell("02677", "b")),
        d("2022-06-01"),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect("to commune");
    assert_eq!(member.commune_code, "02677");
}

#[test]
fn temporary_transfer_limits() {
    let mut member = probationary();
    let out = |until: &str, study: bool| Transfer::TemporaryOut {
        to_organization: "Hà Nội".into(),
        away_until: d(until),
        for_study: study,
    };
    assert!(
        transfer(
            &mut member.clone(),
            out("2022-08-31", false),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err(),
        "under 3 months"
    );
    assert!(
        transfer(
            &mut member.clone(),
            out("2023-06-01", false),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err(),
        "a full year"
    );
    assert!(
        transfer(
            &mut member.clone(),
            out("2024-06-01", true),
            d("2022-06-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_ok(),
        "2 years of study"
    );
    transfer(
        &mut member,
        out("2023-05-31", false),
        d("2022-06-01"),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect("under a year");
    assert!(member.temporarily_away);
    assert!(
        transfer(
            &mut member,
            Transfer::TemporaryReturn,
            d("2023-01-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_ok()
    );
    assert!(!member.temporarily_away);
    assert!(
        transfer(
            &mut member,
            Transfer::TemporaryReturn,
            d("2023-01-02"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err(),
        "not away"
    );
}

#[test]
fn probationary_member_is_never_expelled() {
    let mut member = probationary();
    let error = depart(
        &mut member,
        DepartureKind::Expulsion,
        d("2022-06-01"),
        "9-QĐ".into(),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect_err("never");
    assert_eq!(reason(error).0, ILLEGAL_TRANSITION);
    depart(
        &mut member,
        DepartureKind::Removal,
        d("2022-06-01"),
        "9-QĐ".into(),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect("removal is allowed");
    assert_eq!(member.status, MemberStatus::Removed);
    assert_eq!(member.left_date, Some(d("2022-06-01")));
}

#[test]
fn exemption_round_trip() {
    let mut member = probationary();
    assert!(
        exempt(
            &mut member,
            d("2023-06-01"),
            "Tuổi cao".into(),
            d(TODAY),
            &rules()
        )
        .is_err(),
        "probationary"
    );
    recognize(
        &mut member,
        d("2023-04-01"),
        String::new(),
        vote(9, 9),
        d(TODAY),
        &rules(),
    )
    .expect("official");
    exempt(
        &mut member,
        d("2023-06-01"),
        "Tuổi cao".into(),
        d(TODAY),
        &rules(),
    )
    .expect("exempt");
    assert_eq!(member.status, MemberStatus::Exempt);
    end_exemption(&mut member, d("2024-06-01"), d(TODAY), &rules()).expect("back");
    assert_eq!(member.status, MemberStatus::Official);
}

#[test]
fn steps_cannot_predate_the_latest_fact() {
    let mut member = probationary();
    let error = depart(
        &mut member,
        DepartureKind::Death,
        d("2022-03-31"),
        String::new(),
        String::new(),
        d(TODAY),
        &rules(),
    )
    .expect_err("before ceremony");
    assert_eq!(reason(error), (DATE_RULE, "effective_date".into()));
}

#[test]
fn transfer_in_requires_a_ceremony_and_keeps_status() {
    let (member, event) = transfer_in(
        person("1980-01-01"),
        dates("2005-01-01", Some("2005-02-01"), Some("2006-02-01")),
        &cell("02680", "a"),
        d("2020-01-01"),
        "Đảng bộ phường Cốc Lếu".into(),
        d(TODAY),
        &rules(),
    )
    .expect("valid");
    assert_eq!(member.status, MemberStatus::Official);
    assert_eq!(member.joined_date, Some(d("2020-01-01")));
    assert_eq!(event.event_type, EventType::TransferredIn);
    assert!(
        transfer_in(
            person("1980-01-01"),
            dates("2005-01-01", None, None),
            &cell("02680", "a"),
            d("2020-01-01"),
            String::new(),
            d(TODAY),
            &rules()
        )
        .is_err()
    );
}

#[test]
fn the_official_date_is_the_ceremony_plus_12_months() {
    let mut member = admit(
        person("1990-01-01"),
        dates("2022-03-10", Some("2022-04-01"), None),
        &cell("02680", "a"),
        context(Some(vote(9, 9))),
        d(TODAY),
        &rules(),
    )
    .expect("admitted")
    .0;
    let late = recognize(
        &mut member.clone(),
        d("2023-09-01"),
        "15-QĐ/ĐU".into(),
        vote(9, 8),
        d(TODAY),
        &rules(),
    )
    .expect_err("the cell met later, the date stays");
    assert_eq!(reason(late), (DATE_RULE, "official_date".into()));
    recognize(
        &mut member,
        d("2023-04-01"),
        "15-QĐ/ĐU".into(),
        vote(9, 8),
        d(TODAY),
        &rules(),
    )
    .expect("official on 1 April 2023");
    assert_eq!(member.admission.official_date, Some(d("2023-04-01")));

    let loaded = admit(
        person("1990-01-01"),
        dates("2022-03-10", Some("2022-04-01"), Some("2023-09-01")),
        &cell("02680", "a"),
        context(Some(vote(9, 9))),
        d(TODAY),
        &rules(),
    )
    .expect_err("a loaded record with a later official date");
    assert_eq!(
        reason(loaded),
        (DATE_RULE, "member.admission.official_date".into())
    );
}

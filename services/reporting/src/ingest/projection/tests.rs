//! The projection over hand-built feed changes: names, enums, dates and refusals.

use super::*;
use partyregistry_proto::membership::v1::{Admission, BadgeAward, ExceptionKind};

use crate::model::vocabulary::{STAGES, exception_key, stage_key};
use partyregistry_rules::eligibility::ExceptionKind as RulesExceptionKind;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

/// The value names of a contract enum, in its order.
fn contract_names<E: TryFrom<i32>>(name: fn(&E) -> &'static str) -> Vec<&'static str> {
    (0..64)
        .filter_map(|number| E::try_from(number).ok())
        .map(|value| name(&value))
        .collect()
}

/// Reporting spells its enums as the contract's value names, in the contract's order: a
/// stored row, a bucket key and a label lookup agree only while the spellings match. Enums
/// whose unset value the projection refuses or reads as a default leave it out.
#[test]
fn reporting_spells_its_enums_as_the_contract_does() {
    let stages: Vec<&str> = STAGES.iter().map(|stage| stage_key(*stage)).collect();
    assert_eq!(
        stages,
        contract_names::<CandidateStage>(CandidateStage::as_str_name)[1..]
    );
    let exceptions: Vec<&str> = RulesExceptionKind::ALL
        .iter()
        .map(|kind| exception_key(*kind))
        .collect();
    assert_eq!(
        exceptions,
        contract_names::<ExceptionKind>(ExceptionKind::as_str_name)[1..]
    );
    assert_eq!(
        own::CellKind::KEYS,
        contract_names::<CellKind>(CellKind::as_str_name)
    );
    assert_eq!(
        own::Gender::KEYS,
        contract_names::<Gender>(Gender::as_str_name)
    );
    assert_eq!(
        own::GeneralEducation::KEYS,
        contract_names::<GeneralEducation>(GeneralEducation::as_str_name)
    );
    assert_eq!(
        own::MemberStatus::KEYS,
        contract_names::<MemberStatus>(MemberStatus::as_str_name)
    );
    assert_eq!(
        own::EventType::KEYS,
        contract_names::<EventType>(EventType::as_str_name)
    );
    assert_eq!(
        own::PoliticalTheory::KEYS,
        &contract_names::<PoliticalTheory>(PoliticalTheory::as_str_name)[1..]
    );
    assert_eq!(
        own::Qualification::KEYS,
        &contract_names::<Qualification>(Qualification::as_str_name)[1..]
    );
    assert_eq!(
        own::Assignment::KEYS,
        &contract_names::<Assignment>(Assignment::as_str_name)[1..]
    );
    assert_eq!(
        own::UnitLevel::KEYS,
        &contract_names::<UnitLevel>(UnitLevel::as_str_name)[1..]
    );
    assert_eq!(
        own::RatingLevel::KEYS,
        &contract_names::<RatingLevel>(RatingLevel::as_str_name)[1..]
    );
}

#[test]
fn members_without_a_resource_are_malformed() {
    let change = Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        sequence: 1,
        commit_time: None,
        resource: None,
        events: Vec::new(),
    };
    assert_eq!(project(&change), Err(MalformedChange::NoResource));
}

#[test]
fn unspecified_theory_and_assignment_read_as_defaults() {
    let member = Member {
        name: "members/3".into(),
        cell: "communes/02680/cells/tuong-1".into(),
        ..Member::default()
    };
    let Ok(row) = project_member(&member) else {
        panic!("a minimal member projects")
    };
    assert_eq!(row.political_theory.key(), "POLITICAL_THEORY_NONE");
    assert_eq!(row.assignment.key(), "ASSIGNMENT_LOCAL");
    assert_eq!(row.admitted_in, None);
}

fn project_resource(resource: Resource) -> Result<Projected, MalformedChange> {
    project(&Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        sequence: 1,
        commit_time: None,
        resource: Some(resource),
        events: Vec::new(),
    })
}

#[test]
fn candidates_are_kept_without_the_citizen_id() {
    let candidate = Candidate {
        name: "candidates/17".into(),
        cell: "communes/02680/cells/tuong-1".into(),
        full_name: "Lý Thị Hoa".into(),
        birth_date: "2001-01-01".into(),
        general_education: GeneralEducation::UpperSecondary.into(),
        citizen_id: "001201012345".into(),
        stage: CandidateStage::ClassDone.into(),
        stage_date: "2022-03-01".into(),
        ..Candidate::default()
    };
    let Ok(Projected::Candidate(row)) = project_resource(Resource::Candidate(candidate.clone()))
    else {
        panic!("a complete candidate projects")
    };
    assert_eq!((row.id.as_str(), row.cell_id.as_str()), ("17", "tuong-1"));
    assert_eq!(stage_key(row.stage), "CANDIDATE_STAGE_CLASS_DONE");
    assert_eq!(row.stage_date, Some(d("2022-03-01")));
    assert!(!format!("{row:?}").contains(&candidate.citizen_id));
    assert_eq!(row.details.birth_date, d("2001-01-01"));

    let without_birth_date = Candidate {
        birth_date: String::new(),
        ..candidate
    };
    assert!(matches!(
        project_resource(Resource::Candidate(without_birth_date)),
        Err(MalformedChange::Field {
            field: "candidate",
            ..
        })
    ));
}

#[test]
fn holiday_and_redated_version_deletions_name_the_day() {
    assert_eq!(
        project_resource(Resource::DeletedResource("holidays/2022-09-02".into())),
        Ok(Projected::HolidayDeleted(d("2022-09-02")))
    );
    assert_eq!(
        project_resource(Resource::DeletedResource("ruleVersions/2026-01-01".into())),
        Ok(Projected::RuleVersionDeleted(d("2026-01-01")))
    );
    assert!(project_resource(Resource::DeletedResource("members/3".into())).is_err());
}

#[test]
fn plans_ratings_and_targets_read_their_names() {
    let plan = CellPlan {
        name: "communes/02680/cells/tuong-1/plans/2022".into(),
        year: 2022,
        sources_to_develop: 2,
        admissions: 1,
        ..CellPlan::default()
    };
    assert_eq!(
        project_resource(Resource::CellPlan(plan)),
        Ok(Projected::CellPlan(CellPlanRow {
            commune_code: "02680".into(),
            cell_id: "tuong-1".into(),
            year: 2022,
            sources_to_develop: 2,
            admissions: 1,
        }))
    );
    let unrated = CellRating {
        name: "communes/02680/cells/tuong-1/ratings/2021".into(),
        year: 2021,
        level: RatingLevel::Unspecified.into(),
        etag: String::new(),
    };
    assert!(project_resource(Resource::CellRating(unrated)).is_err());
    let rating = MemberRating {
        name: "members/5/ratings/2021".into(),
        year: 2021,
        level: RatingLevel::Good.into(),
        etag: String::new(),
    };
    assert_eq!(
        project_resource(Resource::MemberRating(rating)),
        Ok(Projected::MemberRating(MemberRatingRow {
            member_id: 5,
            year: 2021,
            level: Level::Good,
        }))
    );
    let target = Target {
        name: "communes/02680/targets/20x0".into(),
        first_year: 2020,
        last_year: 2025,
        ..Target::default()
    };
    assert!(project_resource(Resource::Target(target)).is_err());
}

#[test]
fn provinces_merges_and_member_events_are_read() {
    let province = Province {
        name: "provinces/15".into(),
        code: "15".into(),
        display_name: "Tỉnh Lào Cai".into(),
        valid_from: "2025-07-01".into(),
        ..Province::default()
    };
    assert_eq!(
        project_resource(Resource::Province(province)),
        Ok(Projected::Province(ProvinceRow {
            code: "15".into(),
            display_name: "Tỉnh Lào Cai".into(),
            valid_from: d("2025-07-01"),
            valid_to: None,
        }))
    );
    let merge = UnitMerge {
        name: "merges/7".into(),
        level: UnitLevel::Commune as i32,
        predecessor_codes: vec!["02677".into(), "02680".into()],
        successor_code: "02680".into(),
        effective_date: "2025-07-01".into(),
        legal_basis: "Nghị quyết 1673/NQ-UBTVQH15".into(),
    };
    let Ok(Projected::Merge(row)) = project_resource(Resource::Merge(merge.clone())) else {
        panic!("a merge projects")
    };
    assert_eq!(
        (row.id.as_str(), row.level.key()),
        ("7", "UNIT_LEVEL_COMMUNE")
    );
    let unleveled = UnitMerge {
        level: UnitLevel::Unspecified as i32,
        ..merge
    };
    assert!(project_resource(Resource::Merge(unleveled)).is_err());

    let member = Member {
        name: "members/3".into(),
        cell: "communes/02680/cells/tuong-1".into(),
        religion: "Phật giáo".into(),
        admission: Some(Admission {
            readmission: true,
            ..Admission::default()
        }),
        badges: vec![
            BadgeAward {
                years: 30,
                award_date: "2020-02-03".into(),
            },
            BadgeAward {
                years: 30,
                award_date: "2020-02-03".into(),
            },
        ],
        ..Member::default()
    };
    let change = Change {
        trace_parent: String::new(),
        moved_from_commune: String::new(),
        sequence: 9,
        commit_time: None,
        resource: Some(Resource::Member(member)),
        events: vec![
            MemberEvent {
                name: "members/3/events/1".into(),
                r#type: EventType::Died as i32,
                effective_date: "2025-12-01".into(),
                ..MemberEvent::default()
            },
            MemberEvent {
                r#type: EventType::Exempted as i32,
                effective_date: "2025-01-01".into(),
                ..MemberEvent::default()
            },
        ],
    };
    let Ok(Projected::Member(row, events)) = project(&change) else {
        panic!("a member projects")
    };
    assert!(row.readmission);
    assert_ne!(row.religion_code, "00");
    assert_eq!(row.badges, [(30, Some(d("2020-02-03")))]);
    assert_eq!(events[0].event_type.key(), "EVENT_TYPE_DIED");
    assert_eq!(events[1].name, "members/3/events/change-9-1");
}

#[test]
fn area_flags_cover_their_last_day() {
    let flag = AreaFlagRow {
        kind: "AREA_KIND_MOUNTAINOUS".into(),
        valid_from: d("2020-01-01"),
        valid_to: Some(d("2022-06-30")),
    };
    assert!(flag.covers(d("2022-06-30")));
    assert!(!flag.covers(d("2022-07-01")));
    assert!(!flag.covers(d("2019-12-31")));
}

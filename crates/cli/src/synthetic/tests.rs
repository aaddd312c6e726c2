//! The plan's determinism, its histories and the figures computed from them.

use std::collections::HashSet;

use chrono::Duration;
use partyregistry_proto::membership::v1::DepartureKind;
use partyregistry_vocab::{date, names};

use crate::dataset::people::identity::ymd;
use crate::synthetic::figures::{ProvinceMovements, periods};
use crate::synthetic::people::members::{Plan, SpecialCase, Step, StepKind, admission_of, code_of};
use crate::synthetic::people::plan;
use crate::synthetic::province::{
    COMMUNES, COUNT_DATES, DEFAULT_SEED, FIRST_EVENT_DATE, LAST_DATE, MERGE_DATE, MERGED,
    PROVINCE_CODE, SUCCESSOR, commune_spec, day,
};

fn steps_of<'a>(plan: &'a Plan, kind: impl Fn(&StepKind) -> bool + 'a) -> usize {
    plan.members
        .iter()
        .flat_map(|m| m.steps.iter())
        .filter(|s| kind(&s.kind))
        .count()
}

#[test]
fn constants_are_dates_and_the_plan_is_deterministic() {
    for value in COUNT_DATES
        .iter()
        .chain(&[MERGE_DATE, FIRST_EVENT_DATE, LAST_DATE])
    {
        assert!(date::parse(value).is_ok(), "{value}");
    }
    assert_eq!(plan(DEFAULT_SEED), plan(DEFAULT_SEED));
    assert_ne!(plan(DEFAULT_SEED), plan(DEFAULT_SEED + 1));
}

#[test]
fn four_communes_and_a_new_successor_in_province_12() {
    let plan = plan(DEFAULT_SEED);
    assert_eq!(plan.communes.len(), 5);
    let codes: HashSet<String> = plan
        .communes
        .iter()
        .filter_map(|c| c.commune.as_ref())
        .map(|c| {
            assert_eq!(c.province_code, PROVINCE_CODE);
            assert!(c.code.starts_with("03") && c.code.len() == 5);
            c.code.clone()
        })
        .collect();
    assert_eq!(codes.len(), 5);
    let merge = plan.merge.merge.as_ref().expect("merge");
    assert_eq!(merge.predecessor_codes.len(), 2);
    assert!(!merge.predecessor_codes.contains(&merge.successor_code));
    let successor = plan
        .communes
        .iter()
        .filter_map(|c| c.commune.as_ref())
        .find(|c| c.code == merge.successor_code)
        .expect("the successor is created");
    assert_eq!(successor.valid_from, MERGE_DATE);
    for cell in plan
        .cells
        .iter()
        .filter(|c| c.parent.ends_with(&merge.successor_code))
    {
        assert_eq!(cell.cell.as_ref().expect("cell").open_date, MERGE_DATE);
    }
}

#[test]
fn every_movement_kind_and_special_case_occurs() {
    let plan = plan(DEFAULT_SEED);
    assert!(
        steps_of(&plan, |k| matches!(
            k,
            StepKind::Depart(DepartureKind::Death)
        )) > 0
    );
    for kind in [
        DepartureKind::Removal,
        DepartureKind::Expulsion,
        DepartureKind::Resignation,
    ] {
        assert!(
            steps_of(&plan, move |k| *k == StepKind::Depart(kind)) > 0,
            "{kind:?}"
        );
    }
    assert!(steps_of(&plan, |k| matches!(k, StepKind::OutOfSystem { .. })) > 0);
    assert!(steps_of(&plan, |k| matches!(k, StepKind::TemporaryOut { .. })) > 0);
    assert!(steps_of(&plan, |k| *k == StepKind::TemporaryReturn) > 0);
    assert!(steps_of(&plan, |k| *k == StepKind::Exempt) > 0);
    assert!(steps_of(&plan, |k| matches!(k, StepKind::ToCommune { .. })) > 0);
    assert!(plan.members.iter().any(|m| m.arrival.is_some()));
    for case in [
        SpecialCase::PartyAgeGap,
        SpecialCase::SeriouslyIll,
        SpecialCase::DiedBeforeMilestone,
        SpecialCase::BadgeHanded,
        SpecialCase::Readmitted,
    ] {
        assert_eq!(
            plan.members.iter().filter(|m| m.role == Some(case)).count(),
            1,
            "{case:?}"
        );
    }
    let religions: HashSet<&str> = plan
        .members
        .iter()
        .filter_map(|m| m.admission.as_ref()?.member.as_ref())
        .map(|m| m.religion.as_str())
        .collect();
    assert!(religions.contains("Tin Lành") || religions.contains("Đạo Tin lành"));
    assert!(religions.len() >= 4, "{religions:?}");
    let ethnicities: HashSet<&str> = plan
        .members
        .iter()
        .filter_map(|m| m.admission.as_ref()?.member.as_ref())
        .map(|m| m.ethnicity_code.as_str())
        .collect();
    assert!(ethnicities.len() >= 5, "{ethnicities:?}");
}

#[test]
fn histories_are_ordered_and_follow_the_lifecycle() {
    let plan = plan(DEFAULT_SEED);
    let merge_day = day(MERGE_DATE);
    let last = day(LAST_DATE);
    let mut names_seen = HashSet::new();
    for member in &plan.members {
        assert!(
            names_seen.insert(member.full_name.clone()),
            "{}",
            member.full_name
        );
        let admission = admission_of(member).expect("every member has an admission");
        let decided = date::parse(&admission.decision_date).expect("decision");
        let ceremony = date::parse(&admission.ceremony_date).expect("ceremony");
        assert!(ceremony > decided && decided <= last);
        let birth = member
            .admission
            .as_ref()
            .and_then(|r| r.member.as_ref())
            .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
            .and_then(|m| date::parse(&m.birth_date).ok())
            .expect("birth");
        let months = date::whole_months_between(birth, decided);
        assert!(
            (18 * 12..=60 * 12).contains(&months),
            "{}",
            member.full_name
        );
        let mut previous = decided;
        let mut away = false;
        let mut ended = false;
        for step in &member.steps {
            assert!(!ended, "nothing after leaving: {}", member.full_name);
            assert!(step.date >= previous, "{}: {step:?}", member.full_name);
            assert!(step.date <= last);
            // The merge transfers are the one change of the roll on a counting day, and
            // recognitions do not change it.
            if step.date != merge_day && step.kind != StepKind::Recognize {
                assert!(!COUNT_DATES.contains(&date::format(step.date).as_str()));
            }
            previous = step.date;
            match &step.kind {
                StepKind::TemporaryOut { away_until, .. } => {
                    assert!(!away);
                    assert!(*away_until >= date::add_months(step.date, 3));
                    away = true;
                }
                StepKind::TemporaryReturn => {
                    assert!(away);
                    away = false;
                }
                StepKind::ToCommune { to_cell } | StepKind::BetweenCells { to_cell } => {
                    assert!(!away, "no move while away: {}", member.full_name);
                    let code = code_of(to_cell);
                    let spec = commune_spec(&code);
                    if code == SUCCESSOR.code {
                        assert!(step.date >= merge_day);
                    } else if MERGED.iter().any(|i| COMMUNES[*i].code == code) {
                        assert!(step.date < merge_day);
                    }
                    assert!(
                        spec.cells
                            .iter()
                            .any(|(id, _, _)| names::cell(&code, id) == *to_cell)
                    );
                }
                StepKind::OutOfSystem { .. } | StepKind::Depart(_) => ended = true,
                _ => {}
            }
        }
        // Nobody stays in a merged commune after the merge.
        let periods = periods(member);
        for (code, _, until) in &periods {
            if MERGED.iter().any(|i| COMMUNES[*i].code == *code) {
                assert!(
                    until.is_some_and(|u| u <= merge_day),
                    "{}",
                    member.full_name
                );
            }
        }
    }
}

#[test]
fn counts_add_up_and_the_successor_holds_its_predecessors() {
    let plan = plan(DEFAULT_SEED);
    let summary = plan.summary();
    for (day_text, total) in &summary.province_counts {
        let sum: i64 = summary
            .counts
            .iter()
            .filter(|c| &c.date == day_text)
            .map(|c| c.members)
            .sum();
        assert_eq!(sum, *total, "{day_text}");
    }
    let on = |commune: &str, d: &str| summary.members_on(commune, d).expect("counted");
    let [a, b] = [&summary.merged[0], &summary.merged[1]];
    // The merge moves exactly the members of the pair.
    assert_eq!(
        on(a, "2025-06-30") + on(b, "2025-06-30"),
        on(&summary.successor, "2025-07-01")
    );
    assert!(
        summary
            .members_on(&summary.successor, "2025-06-30")
            .is_none()
    );
    assert!(summary.members_on(a, "2025-07-01").is_none());
    let province = |d: &str| {
        summary
            .province_counts
            .iter()
            .find(|(day, _)| day == d)
            .map(|(_, n)| *n)
            .expect("counted")
    };
    assert_eq!(province("2025-06-30"), province("2025-07-01"));
    assert!(province("2014-12-31") > 50);
}

/// The roll: members at the start + ceremonies + transfers in = members at the end + movements
/// out.
fn roll_reconciles(m: &ProvinceMovements) -> bool {
    m.members_at_start + m.ceremonies + m.transferred_in
        == m.members_at_end + m.transferred_out + m.died + m.removed + m.expelled + m.resigned
}

/// The line awaiting the ceremony: awaiting at the start + admissions = ceremonies + those who
/// left before theirs + awaiting at the end.
fn awaiting_reconciles(m: &ProvinceMovements) -> bool {
    m.awaiting_at_start + m.admitted == m.ceremonies + m.left_awaiting_ceremony + m.awaiting_at_end
}

#[test]
fn the_province_movements_reconcile_every_year() {
    let plan = plan(DEFAULT_SEED);
    let summary = plan.summary();
    assert_eq!(summary.movements.len(), 12);
    let mut any_out = false;
    for m in &summary.movements {
        assert!(roll_reconciles(m), "{m:?}");
        assert!(awaiting_reconciles(m), "{m:?}");
        any_out |= m.transferred_out + m.died + m.removed + m.expelled + m.resigned > 0;
    }
    assert!(any_out);
    // Each year starts where the previous one ended, on the roll and awaiting the ceremony.
    for pair in summary.movements.windows(2) {
        assert_eq!(pair[0].members_at_end, pair[1].members_at_start, "{pair:?}");
        assert_eq!(
            pair[0].awaiting_at_end, pair[1].awaiting_at_start,
            "{pair:?}"
        );
    }
    // Some admissions decided in December have their ceremony in January: the line awaiting it
    // is not always empty at a year's end.
    assert!(
        summary.movements.iter().any(|m| m.awaiting_at_end > 0),
        "{:?}",
        summary.movements
    );
    let whole = plan.movements(ymd(2015, 1, 1), day(LAST_DATE));
    assert!(
        roll_reconciles(&whole) && awaiting_reconciles(&whole),
        "{whole:?}"
    );
    assert!(whole.admitted > 10 && whole.ceremonies > 10 && whole.transferred_in > 0);
}

#[test]
fn an_admitted_member_enters_the_roll_at_its_ceremony() {
    let mut plan = plan(DEFAULT_SEED);
    let mut member = plan
        .members
        .iter()
        .find(|m| {
            m.arrival.is_none()
                && admission_of(m).is_some_and(|a| a.decision_date.as_str() >= "2016-01-01")
        })
        .cloned()
        .expect("an admission of the period");
    let admission = admission_of(&member).expect("admitted");
    let decided = date::parse(&admission.decision_date).expect("decision");
    let ceremony = date::parse(&admission.ceremony_date).expect("ceremony");
    let the_day_before = ceremony - Duration::days(1);
    plan.members = vec![member.clone()];
    assert_eq!(plan.members_on(None, the_day_before), 0);
    assert_eq!(plan.awaiting_on(the_day_before), 1);
    assert_eq!(plan.members_on(None, ceremony), 1);
    assert_eq!(plan.awaiting_on(ceremony), 0);
    assert_eq!(plan.awaiting_on(decided - Duration::days(1)), 0);
    let year = plan.movements(decided, ceremony);
    assert_eq!((year.admitted, year.ceremonies), (1, 1), "{year:?}");

    // Dying before the ceremony: never on the roll, a death of the line awaiting it.
    member.steps = vec![Step {
        date: the_day_before,
        kind: StepKind::Depart(DepartureKind::Death),
    }];
    plan.members = vec![member];
    assert!(periods(&plan.members[0]).is_empty());
    assert_eq!(plan.awaiting_on(the_day_before), 0);
    let period = plan.movements(decided, ceremony);
    assert_eq!(
        (
            period.admitted,
            period.ceremonies,
            period.left_awaiting_ceremony,
            period.died
        ),
        (1, 0, 1, 0),
        "{period:?}"
    );
    assert!(roll_reconciles(&period) && awaiting_reconciles(&period));
}

#[test]
fn special_cases_sit_where_the_badge_rules_need_them() {
    let plan = plan(DEFAULT_SEED);
    let find = |case| {
        plan.members
            .iter()
            .find(|m| m.role == Some(case))
            .expect("present")
    };
    let gap = find(SpecialCase::PartyAgeGap);
    assert_eq!(gap.party_age.party_age_gaps.len(), 1);
    let died = find(SpecialCase::DiedBeforeMilestone);
    let death = died.steps.last().expect("a death");
    assert_eq!(death.kind, StepKind::Depart(DepartureKind::Death));
    let decided = date::parse(&admission_of(died).expect("admission").decision_date).expect("date");
    let milestone = date::add_months(decided, 40 * 12);
    assert!(death.date < milestone && milestone - death.date < Duration::days(365));
    assert!(find(SpecialCase::SeriouslyIll).party_age.seriously_ill);
    assert!(!find(SpecialCase::BadgeHanded).party_age.badges.is_empty());
    assert!(admission_of(find(SpecialCase::Readmitted)).is_some_and(|a| a.readmission));
}

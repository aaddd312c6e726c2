//! The statistics over hand-built member histories: breakdowns that sum to the total, movements
//! that reconcile across a merge, the statistics roll and the ranking.

use super::*;
use crate::model::history::EventFact;
use crate::model::units::{CommuneUnit, Directory, Merge, ProvinceUnit};
use crate::model::vocabulary::{
    EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification, UnitLevel,
};
use crate::report::units::Scope;

fn d(text: &str) -> Date {
    date::parse(text).expect("test dates are valid")
}

fn period(commune: &str, from: &str, to: Option<&str>) -> Stint {
    Stint {
        commune_code: commune.into(),
        cell_id: "c".into(),
        from: d(from),
        to: to.map(d),
    }
}

fn event(event_type: EventType, day: &str) -> EventFact {
    EventFact {
        event_type,
        date: d(day),
    }
}

/// An official member admitted in `commune` (decision `decided`, ceremony two weeks later).
fn member(id: i64, commune: &str, decided: &str, ceremony: &str) -> MemberHistory {
    MemberHistory {
        id,
        full_name: format!("Đảng Viên Số {id}"),
        status: MemberStatus::Official,
        gender: Gender::Male,
        birth_date: Some(d("1970-02-02")),
        ethnicity_code: "01".into(),
        religion_code: "00".into(),
        general_education: GeneralEducation::UpperSecondary,
        qualification: Qualification::University,
        political_theory: PoliticalTheory::Elementary,
        decision_date: Some(d(decided)),
        ceremony_date: Some(d(ceremony)),
        official_date: None,
        admitted_in: Some((commune.into(), "c".into())),
        stints: vec![period(commune, ceremony, None)],
        events: vec![event(EventType::AdmissionDecided, decided)],
        ..MemberHistory::default()
    }
}

fn directory() -> Directory {
    let commune = |code: &str, from: &str, to: Option<&str>| CommuneUnit {
        code: code.into(),
        display_name: format!("Xã {code}"),
        province_code: "12".into(),
        valid_from: Some(d(from)),
        valid_to: to.map(d),
    };
    Directory {
        communes: vec![
            commune("03001", "2010-01-01", Some("2025-06-30")),
            commune("03002", "2010-01-01", Some("2025-06-30")),
            commune("03009", "2025-07-01", None),
            commune("04000", "2010-01-01", None),
        ],
        provinces: vec![ProvinceUnit {
            code: "12".into(),
            display_name: "Tỉnh Lai Châu".into(),
            valid_from: d("1976-01-01"),
            valid_to: None,
        }],
        merges: vec![Merge {
            level: UnitLevel::Commune,
            predecessors: vec!["03001".into(), "03002".into()],
            successor: "03009".into(),
            effective_date: d("2025-07-01"),
        }],
    }
}

/// Moves `member` to `commune` on `day`.
fn transfer(member: &mut MemberHistory, commune: &str, day: &str) {
    if let Some(last) = member.stints.last_mut() {
        last.to = Some(d(day));
    }
    member.stints.push(period(commune, day, None));
    member
        .events
        .push(event(EventType::TransferredToCommune, day));
}

/// The merge story: two members in 03001, three in 03002, and one admitted in 03001 in 2024
/// (awaiting the ceremony until 2024-03-20); all moved to 03009 on the merge day; one dies in
/// 2026; one is exempted in 2025.
fn story() -> Vec<MemberHistory> {
    let mut members = vec![
        member(1, "03001", "2015-04-20", "2015-05-04"),
        member(2, "03001", "2015-04-20", "2015-05-04"),
        member(3, "03002", "2015-04-20", "2015-05-04"),
        member(4, "03002", "2015-04-20", "2015-05-04"),
        member(5, "03002", "2015-04-20", "2015-05-04"),
    ];
    let mut newcomer = member(6, "03001", "2024-03-01", "2024-03-20");
    newcomer.gender = Gender::Female;
    newcomer.birth_date = Some(d("1999-08-08"));
    newcomer.ethnicity_code = "09".into();
    newcomer.youth_union = true;
    members.push(newcomer);
    for member in &mut members {
        transfer(member, "03009", "2025-07-01");
    }
    members[4].status = MemberStatus::Deceased;
    members[4].left_date = Some(d("2026-02-10"));
    if let Some(last) = members[4].stints.last_mut() {
        last.to = Some(d("2026-02-10"));
    }
    members[4].events.push(event(EventType::Died, "2026-02-10"));
    members[0]
        .events
        .push(event(EventType::Exempted, "2025-09-01"));
    members
}

fn options() -> StatisticsOptions {
    StatisticsOptions::from_request(&[], &[], &[]).expect("defaults are valid")
}

fn stats(scope: &Scope, day: &str, members: &[MemberHistory]) -> Statistics {
    let units = directory();
    let resolved = units.resolve(scope, d(day)).expect("resolves");
    let communes: BTreeSet<&str> = resolved.communes.iter().map(|c| c.code.as_str()).collect();
    let counts = roll_counts_of(members, &communes, d(day));
    assert_eq!(
        from_members::ledger_roll(members, &communes, d(day)),
        counts,
        "the ledger sums agree with the members on {day}"
    );
    statistics(
        &scope.name(),
        &units.display_name(scope),
        d(day),
        &resolved,
        &counts,
        &options(),
        Freshness::default(),
    )
}

fn assert_sums(statistics: &Statistics) {
    assert_eq!(statistics.breakdowns.len(), BREAKDOWNS.len());
    for breakdown in &statistics.breakdowns {
        assert_eq!(
            breakdown.rows.iter().map(|r| r.members).sum::<i64>(),
            statistics.total_members,
            "{} sums to the total",
            breakdown.kind
        );
    }
    assert_eq!(
        statistics.units.iter().map(|u| u.members).sum::<i64>(),
        statistics.total_members
    );
}

#[test]
fn the_roll_starts_at_the_ceremony_and_the_decision_opens_the_line_awaiting_it() {
    let newcomer = member(6, "03001", "2024-03-01", "2024-03-20");
    assert_eq!(
        newcomer.roll_periods(),
        [period("03001", "2024-03-20", None)]
    );
    assert_eq!(
        newcomer.awaiting_period(),
        Some(period("03001", "2024-03-01", Some("2024-03-20")))
    );
    // Awaiting the ceremony: not on the roll, on the line from the decision.
    let mut waiting = member(7, "03001", "2024-03-01", "2024-03-20");
    waiting.ceremony_date = None;
    waiting.stints.clear();
    assert!(waiting.roll_periods().is_empty());
    assert_eq!(
        waiting.awaiting_period(),
        Some(period("03001", "2024-03-01", None))
    );
    // Removed before the ceremony.
    waiting.left_date = Some(d("2024-04-01"));
    assert_eq!(
        waiting.awaiting_period(),
        Some(period("03001", "2024-03-01", Some("2024-04-01")))
    );
    // Transferred in: the stints only, never awaiting.
    let mut joined = member(8, "03001", "1990-01-01", "1990-01-20");
    joined.joined_date = Some(d("2020-01-01"));
    joined.stints = vec![period("03001", "2020-01-01", None)];
    assert_eq!(joined.roll_periods(), [period("03001", "2020-01-01", None)]);
    assert_eq!(joined.awaiting_period(), None);
}

#[test]
fn breakdowns_sum_to_the_total_before_and_after_the_merge() {
    let mut members = story();
    // A member without a birth date, of an unknown ethnic code and an unknown religion text.
    members[1].birth_date = None;
    members[1].ethnicity_code = "77".into();
    members[1].religion_code = "99".into();
    members[2].gender = Gender::Unspecified;
    let successor = Scope::Commune("03009".into());
    let before = stats(&successor, "2024-12-31", &members);
    assert_eq!(before.total_members, 6);
    let units: Vec<(&str, i64)> = before
        .units
        .iter()
        .map(|u| (u.commune.as_str(), u.members))
        .collect();
    assert_eq!(units, [("communes/03001", 3), ("communes/03002", 3)]);
    assert_eq!(
        before.notes.len(),
        2,
        "predecessors and missing birth dates"
    );
    assert_eq!((before.women, before.official_members), (1, 0));
    assert_sums(&before);
    let ethnicity = &before.breakdowns[0];
    assert!(
        ethnicity
            .rows
            .iter()
            .any(|r| r.key == "other" && r.members == 1)
    );
    let age = before
        .breakdowns
        .iter()
        .find(|b| b.kind == "age")
        .expect("age is listed");
    assert_eq!(age.rows.last().map(|r| r.key.as_str()), Some("unknown"));
    let party_age = before
        .breakdowns
        .iter()
        .find(|b| b.kind == "party_age")
        .expect("party age is listed");
    let counts: Vec<(&str, i64)> = party_age
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.members))
        .collect();
    assert_eq!(
        counts,
        [
            ("<=9", 6),
            ("10-19", 0),
            ("20-29", 0),
            ("30-39", 0),
            ("40-49", 0),
            (">=50", 0)
        ]
    );

    // Decided, awaiting the ceremony: a line of its own, neither on the roll nor probationary.
    let waiting = stats(&successor, "2024-03-10", &members);
    assert_eq!(
        (
            waiting.total_members,
            waiting.probationary_members,
            waiting.awaiting_ceremony_members
        ),
        (5, 5, 1)
    );
    assert_sums(&waiting);
    assert_eq!(before.awaiting_ceremony_members, 0);

    let after = stats(&successor, "2026-06-30", &members);
    assert_eq!(after.total_members, 5);
    assert_eq!(after.units.len(), 1);
    assert_sums(&after);
    let province = stats(&Scope::Province("12".into()), "2024-12-31", &members);
    assert_eq!(province.total_members, 6);
    assert_sums(&province);
}

#[test]
fn options_refuse_unknown_breakdowns_and_bad_bands() {
    let only = StatisticsOptions::from_request(&["gender".into(), "age".into()], &[], &[])
        .expect("known breakdowns");
    assert_eq!(only.breakdowns, ["age", "gender"]);
    assert_eq!(
        StatisticsOptions::from_request(&["age".into(), "star_sign".into()], &[], &[])
            .map_err(|e| e.0),
        Err("breakdowns[1]".to_owned())
    );
    assert_eq!(
        StatisticsOptions::from_request(&[], &[40, 30], &[]).map_err(|e| e.0),
        Err("age_band_upper_bounds".to_owned())
    );
    let custom = StatisticsOptions::from_request(&[], &[35], &[]).expect("one bound");
    assert_eq!(reports::band_keys(&custom.age_bounds), ["<=35", ">=36"]);
}

fn moves(scope: &Scope, from: &str, to: &str, members: &[MemberHistory]) -> Movements {
    let units = directory();
    let territory = units.territory(scope, d(from), d(to)).expect("resolves");
    let counted = from_members::movements_of_members(
        &scope.name(),
        &units.display_name(scope),
        d(from),
        d(to),
        &territory,
        members,
        Freshness::default(),
    );
    assert_eq!(
        from_members::ledger_movements(
            &scope.name(),
            &units.display_name(scope),
            (d(from), d(to)),
            &territory,
            members,
        ),
        counted,
        "the ledger sums agree with the members over {from}..{to}"
    );
    counted
}

fn check(movements: &Movements) -> Reconciliation {
    let check = movements.reconciliation.expect("reconciled");
    assert!(check.balanced, "{movements:?}");
    assert_eq!(
        check.members_at_start + check.movements_in,
        check.members_at_end + check.movements_out
    );
    assert_eq!(
        check.awaiting_at_start + movements.admitted.clone().unwrap_or_default().total,
        movements.ceremonies + movements.left_awaiting_ceremony + check.awaiting_at_end
    );
    check
}

#[test]
fn admissions_count_on_the_decision_and_enter_the_roll_at_the_ceremony() {
    let mut members = story();
    // Decided in December, admitted at a ceremony in January.
    members.push(member(9, "04000", "2024-12-20", "2025-01-08"));
    // Decided, died before the ceremony: never on the roll.
    let mut died = member(10, "04000", "2024-11-05", "2024-11-25");
    died.ceremony_date = None;
    died.stints.clear();
    died.status = MemberStatus::Deceased;
    died.left_date = Some(d("2024-11-15"));
    died.events.push(event(EventType::Died, "2024-11-15"));
    members.push(died);
    let commune = Scope::Commune("04000".into());
    let year_2024 = moves(&commune, "2024-01-01", "2024-12-31", &members);
    let reconciled = check(&year_2024);
    assert_eq!(year_2024.admitted.clone().unwrap_or_default().total, 2);
    assert_eq!(
        (
            year_2024.ceremonies,
            year_2024.left_awaiting_ceremony,
            year_2024.died
        ),
        (0, 1, 0)
    );
    assert_eq!(
        (
            reconciled.members_at_start,
            reconciled.members_at_end,
            reconciled.awaiting_at_start,
            reconciled.awaiting_at_end
        ),
        (0, 0, 0, 1)
    );
    let year_2025 = moves(&commune, "2025-01-01", "2025-12-31", &members);
    let reconciled = check(&year_2025);
    assert_eq!(year_2025.admitted.clone().unwrap_or_default().total, 0);
    assert_eq!((year_2025.ceremonies, reconciled.movements_in), (1, 1));
    assert_eq!(
        (
            reconciled.awaiting_at_start,
            reconciled.awaiting_at_end,
            reconciled.members_at_end
        ),
        (1, 0, 1)
    );
    let on_new_year = stats(&commune, "2024-12-31", &members);
    assert_eq!(
        (
            on_new_year.total_members,
            on_new_year.awaiting_ceremony_members
        ),
        (0, 1)
    );
}

#[test]
fn movements_reconcile_across_the_merge() {
    let members = story();
    let province = Scope::Province("12".into());
    for (scope, from, to) in [
        (&province, "2024-01-01", "2024-12-31"),
        (&province, "2025-01-01", "2025-12-31"),
        (&province, "2015-01-01", "2026-06-30"),
        (&Scope::Commune("03009".into()), "2025-07-01", "2026-06-30"),
        (&Scope::Commune("03009".into()), "2024-01-01", "2026-06-30"),
        (&Scope::Commune("03001".into()), "2015-01-01", "2025-06-30"),
        (&Scope::Country, "2010-01-01", "2026-06-30"),
    ] {
        check(&moves(scope, from, to, &members));
    }
    let year_2024 = moves(&province, "2024-01-01", "2024-12-31", &members);
    let admitted = year_2024.admitted.expect("admissions");
    assert_eq!(
        (
            admitted.total,
            admitted.under_30,
            admitted.women,
            admitted.youth_union,
            admitted.ethnic_minority
        ),
        (1, 1, 1, 1, 1)
    );
    let year_2025 = moves(&province, "2025-01-01", "2025-12-31", &members);
    assert_eq!(
        (year_2025.transferred_in, year_2025.transferred_out),
        (0, 0)
    );
    assert_eq!(year_2025.exempted, 1);
    let successor = moves(
        &Scope::Commune("03009".into()),
        "2025-07-01",
        "2026-06-30",
        &members,
    );
    assert_eq!((successor.died, successor.transferred_in), (1, 6));
    assert_eq!(
        (
            check(&successor).members_at_start,
            check(&successor).members_at_end
        ),
        (0, 5)
    );
    let predecessor = moves(
        &Scope::Commune("03001".into()),
        "2025-01-01",
        "2025-06-30",
        &members,
    );
    let reconciled = check(&predecessor);
    assert_eq!(
        (reconciled.members_at_start, reconciled.members_at_end),
        (3, 3)
    );
    // The transfer on the first day after its end is not in a period that ends before it.
    assert_eq!(predecessor.transferred_out, 0);
}

#[test]
fn a_departure_without_an_event_still_balances_and_is_noted() {
    let mut members = story();
    members[0].status = MemberStatus::Official;
    if let Some(last) = members[0].stints.last_mut() {
        last.to = Some(d("2026-01-15"));
    }
    let found = moves(
        &Scope::Commune("03009".into()),
        "2026-01-01",
        "2026-06-30",
        &members,
    );
    check(&found);
    assert_eq!(found.transferred_out, 1);
    assert!(found.notes.iter().any(|n| n.contains("không kèm sự kiện")));
}

#[test]
fn equal_values_share_a_rank_and_communes_without_a_value_come_last() {
    let value = |code: &str, value: Option<f64>| CommuneValue {
        code: code.into(),
        display_name: format!("Xã {code}"),
        province_code: "15".into(),
        value,
        detail: String::new(),
    };
    let ranked = rank(vec![
        value("03004", None),
        value("03002", Some(3.0)),
        value("03003", Some(5.0)),
        value("03001", Some(3.0)),
        value("03005", None),
    ]);
    let got: Vec<(&str, i32, bool)> = ranked
        .iter()
        .map(|r| (r.commune.as_str(), r.rank, r.has_value))
        .collect();
    assert_eq!(
        got,
        [
            ("communes/03003", 1, true),
            ("communes/03001", 2, true),
            ("communes/03002", 2, true),
            ("communes/03004", 4, false),
            ("communes/03005", 4, false),
        ]
    );
}

#[test]
fn party_age_subtracts_the_gaps() {
    let gaps = [(d("2000-01-01"), d("2000-12-31"))];
    assert_eq!(
        party_age_months(d("1995-01-15"), &gaps, d("2026-02-03")),
        360
    );
    assert_eq!(party_age_months(d("1995-01-15"), &[], d("2026-02-03")), 372);
}

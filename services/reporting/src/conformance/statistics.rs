//! The provincial statistics through storage and the service's handlers: provinces, a merge
//! of communes and member events on the feed, then statistics, movements, badges and the
//! ranking read back, and the errors of units that do not exist on the day.

use std::sync::Arc;

use partyregistry_proto::membership::v1::{
    BadgeAward, Discipline, DisciplineForm, EventType, MemberEvent, PartyAgeGap, Province,
    UnitLevel, UnitMerge,
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
    // One roll: between her decision and her ceremony the newcomer is on none of the reports'
    // rolls and on every report's line awaiting the ceremony.
    let report = api
        .get_commune_report(crate::testing::request(GetCommuneReportRequest {
            commune: "communes/03001".into(),
            as_of_date: "2024-03-10".into(),
        }))
        .await
        .expect("commune report")
        .into_inner();
    assert_eq!(
        (
            report.total_members,
            report.probationary_members,
            report.awaiting_ceremony_members
        ),
        (2, 0, 1)
    );
    assert_eq!(
        statistics_of(&api, "communes/03001", "2024-03-10")
            .await
            .map(|s| (
                s.total_members,
                s.probationary_members,
                s.awaiting_ceremony_members
            )),
        Ok((2, 0, 1))
    );
    let ranked_that_day = api
        .rank_communes(crate::testing::request(RankCommunesRequest {
            province: "provinces/12".into(),
            indicator: RankingIndicator::Members as i32,
            year: 2024,
            as_of_date: "2024-03-10".into(),
        }))
        .await
        .expect("ranking")
        .into_inner();
    assert!(
        ranked_that_day
            .communes
            .iter()
            .any(|c| c.commune == "communes/03001" && c.value == 2.0),
        "{ranked_that_day:?}"
    );
    // Her decision is an admission of the day it was taken; the roll gains her at the ceremony.
    let march = api
        .get_movements(crate::testing::request(GetMovementsRequest {
            scope: "communes/03001".into(),
            from_date: "2024-03-01".into(),
            to_date: "2024-03-10".into(),
        }))
        .await
        .expect("movements")
        .into_inner();
    let check = march.reconciliation.expect("reconciled");
    assert_eq!(
        (
            march.admitted.map(|a| a.total),
            march.ceremonies,
            check.movements_in,
            check.awaiting_at_end,
            check.balanced
        ),
        (Some(1), 0, 0, 1, true)
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

    // Member 1's gap of a year moves the 30-year badge of 2045 to 2046; nothing is due in 2045
    // but members 2..4 (member 5 died long before, member 6 joined in 2024), who stay due at
    // every round of the year once due, the badge not being recorded as handed.
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
            ("members/2", 30, "2045-09-02"),
            ("members/3", 30, "2045-09-02"),
            ("members/4", 30, "2045-09-02"),
            ("members/2", 30, "2045-11-07"),
            ("members/3", 30, "2045-11-07"),
            ("members/4", 30, "2045-11-07"),
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
    // Members 2..4 were not handed theirs in 2045 and are still due. Member 1's one-year gap
    // moves the milestone by twelve months (not by 366 days).
    let due_in_may: Vec<(&str, &str)> = gap
        .iter()
        .map(|b| (b.member.as_str(), b.milestone_date.as_str()))
        .collect();
    assert_eq!(due_in_may.len(), 4, "{due_in_may:?}");
    assert!(
        due_in_may.contains(&("members/1", "2046-04-06")),
        "{due_in_may:?}"
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

/// The rounds of 2026 and 2027 at which each member of Nậm Tăm is listed for a badge.
async fn badge_rounds(api: &ReportingApi) -> Vec<(String, String)> {
    let mut listed = Vec::new();
    for year in [2026, 2027] {
        let due = api
            .list_badges_due(crate::testing::request(ListBadgesDueRequest {
                scope: "communes/03001".into(),
                year,
                round: AwardRound::Unspecified as i32,
            }))
            .await
            .expect("badges")
            .into_inner()
            .badges;
        listed.extend(due.into_iter().map(|b| (b.member, b.round_date)));
    }
    listed
}

/// The rounds of `member` in `listed`.
fn rounds_of_member<'a>(listed: &'a [(String, String)], member: &str) -> Vec<&'a str> {
    listed
        .iter()
        .filter(|(name, _)| name == member)
        .map(|(_, day)| day.as_str())
        .collect()
}

/// Three members reach 30 years of party age on 2026-05-10 (first round 19 May 2026); each was
/// disciplined on 2026-03-19, two months before that round: member 1 with a warning, member 2
/// with a reprimand, member 3 with a dismissal from post.
async fn disciplines_defer_badges(store: &Store) {
    let mut changes = vec![
        change(1, province("12", "Tỉnh Lai Châu", "1976-01-01", "")),
        change(2, commune_in("03001", "Xã Nậm Tăm", "1990-01-01", "")),
        change(3, cell_of("03001", "1990-01-01")),
    ];
    for (id, form) in [
        (1, DisciplineForm::Warning),
        (2, DisciplineForm::Reprimand),
        (3, DisciplineForm::Dismissal),
    ] {
        let mut member = official(id, "03001", "1996-05-10");
        member.disciplines = vec![Discipline {
            form: form as i32,
            discipline_date: "2026-03-19".into(),
            deciding_body: "Đảng ủy xã Nậm Tăm".into(),
            decision_number: format!("{id}-QĐ/ĐU"),
        }];
        changes.push(with_events(
            3 + id,
            member,
            vec![MemberEvent {
                discipline_form: form as i32,
                ..event(id, 2, EventType::Disciplined, "2026-03-19")
            }],
        ));
    }
    let outcome = store
        .apply_changes(&changes, 1)
        .await
        .expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let cursor = store.cursor().await.expect("cursor reads");
    let api = crate::testing::api(store, Arc::new(FeedState::from_cursor(&cursor)));
    let every = [
        "2026-05-19",
        "2026-09-02",
        "2026-11-07",
        "2027-02-03",
        "2027-05-19",
        "2027-09-02",
        "2027-11-07",
    ];
    let listed = badge_rounds(&api).await;
    // The warning defers to 2026-09-19: not due at 19 May nor 2 September, due from 7 November.
    assert_eq!(rounds_of_member(&listed, "members/1"), every[2..]);
    // A reprimand defers nothing.
    assert_eq!(rounds_of_member(&listed, "members/2"), every);
    // A dismissal defers a year, to 2027-03-19.
    assert_eq!(rounds_of_member(&listed, "members/3"), every[4..]);

    // A regulation version on the feed that defers a warning 9 months: the member's badge
    // waits until 2026-12-19, past the round of 7 November.
    let longer = partyregistry_rules::RuleVersion {
        badge_deferral_warning_months: 9,
        ..partyregistry_rules::RuleVersion::regulation_2021()
    };
    let version = change(
        7,
        Resource::RuleVersion(partyregistry_kit::admission::rule_version_to_proto(
            &longer,
            "1".into(),
        )),
    );
    let outcome = store
        .apply_changes(&[version], 1)
        .await
        .expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let cursor = store.cursor().await.expect("cursor reads");
    let api = crate::testing::api(store, Arc::new(FeedState::from_cursor(&cursor)));
    let listed = badge_rounds(&api).await;
    assert_eq!(rounds_of_member(&listed, "members/1"), every[3..]);
    assert_eq!(rounds_of_member(&listed, "members/3"), every[4..]);
}

on_each_store! {
    disciplines_defer_badges => "disciplines";
    statistics_follow_the_feed => "statistics";
}

/// The units directory is read once while no unit changes, and again once one does: a report
/// after a commune is added counts it.
async fn the_units_directory_is_read_again_after_a_unit_change(store: &Store) {
    let changes = feed();
    store
        .apply_changes(&changes, 1)
        .await
        .expect("feed applies");
    let directory = || async {
        let mut reader = store.reader().await.expect("snapshot");
        let units = reader.directory().await.expect("units");
        reader.finish().await.expect("snapshot ends");
        units
    };
    let first = directory().await;
    let cached = directory().await;
    assert!(Arc::ptr_eq(&first, &cached), "read once");
    // Anything but a unit leaves it as read.
    let next = changes.last().map_or(1, |c| c.sequence) + 1;
    store
        .apply_changes(&[change(next, cell_of("03002", "2020-01-01"))], 1)
        .await
        .expect("cell applies");
    assert!(Arc::ptr_eq(&first, &directory().await), "no unit changed");
    store
        .apply_changes(
            &[change(
                next + 1,
                commune_in("03010", "Xã Mường Mô", "2026-01-01", ""),
            )],
            1,
        )
        .await
        .expect("commune applies");
    let after = directory().await;
    assert!(!Arc::ptr_eq(&first, &after), "read again");
    assert!(after.communes.iter().any(|c| c.code == "03010"));
    assert!(!first.communes.iter().any(|c| c.code == "03010"));
}

on_each_store! { the_units_directory_is_read_again_after_a_unit_change => "units_cache"; }

//! The aggregate read model against a recomputation from the members: a generated province
//! (four communes, two of them merged on 1 July 2025, moves between communes and out of the
//! province, departures, events, party-age gaps, members awaiting the ceremony) applied through
//! the feed, then GetStatistics, GetMovements and RankCommunes answered from the ledgers and
//! compared with the same figures counted from every member's history, at dates around the
//! merge and the moves; then the consistency check, a damaged ledger found, and a rebuild.

use std::collections::BTreeSet;
use std::sync::Arc;

use partyregistry_proto::membership::v1::{
    BadgeAward, Discipline, DisciplineForm, EventType, MemberEvent, PartyAgeGap, Province,
    Qualification, UnitLevel, UnitMerge,
};
use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
use partyregistry_proto::reporting::v1::{
    Freshness, GetMovementsRequest, GetStatisticsRequest, Movements, RankCommunesRequest,
    RankingIndicator, Statistics,
};

use super::*;
use crate::grpc::api::ReportingApi;
use crate::ingest::consumer::FeedState;
use crate::report::statistics::{self, StatisticsOptions, from_members, roll_counts_of};
use crate::report::units::Scope;

/// A small deterministic generator (a linear congruential one), so that the province is the
/// same on every run and on both backends.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn day(&mut self, first_year: u64, years: u64) -> String {
        format!(
            "{}-{:02}-{:02}",
            first_year + self.below(years),
            1 + self.below(12),
            1 + self.below(28)
        )
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[usize::try_from(self.below(values.len() as u64)).unwrap_or(0)]
    }
}

fn unit(code: &str, province: &str, from: &str, to: &str) -> Resource {
    Resource::Commune(Commune {
        name: format!("communes/{code}"),
        code: code.into(),
        display_name: format!("Xã Thử Nghiệm {code}"),
        province_code: province.into(),
        valid_from: from.into(),
        valid_to: to.into(),
        ..Commune::default()
    })
}

fn cell_in(code: &str) -> Resource {
    Resource::Cell(Cell {
        name: format!("communes/{code}/cells/c"),
        display_name: format!("Chi bộ Trung Tâm ({code})"),
        kind: CellKind::Residential as i32,
        open_date: "1970-01-01".into(),
        ..Cell::default()
    })
}

fn event(member: i64, n: usize, kind: EventType, day: &str) -> MemberEvent {
    MemberEvent {
        name: format!("members/{member}/events/{n}"),
        r#type: kind as i32,
        effective_date: day.into(),
        ..MemberEvent::default()
    }
}

/// The communes of province 12 before the merge, the successor, one more commune of 12 and one
/// of province 13.
const BEFORE_MERGE: [&str; 2] = ["03001", "03002"];
const SUCCESSOR: &str = "03009";
const OTHER: &str = "03004";
const ELSEWHERE: &str = "04001";

fn generated_member(dice: &mut Dice, id: i64) -> (Member, Vec<MemberEvent>) {
    let commune = dice.pick(&["03001", "03002", OTHER, ELSEWHERE]);
    let decided = dice.day(1975, 50);
    let year: i32 = decided[..4].parse().unwrap_or(2000);
    let awaiting = year >= 2024 && dice.below(2) == 0;
    let ceremony = if awaiting {
        String::new()
    } else {
        format!("{}-28", &decided[..7])
    };
    let official = if awaiting || year >= 2024 {
        String::new()
    } else {
        format!("{}{}", year + 1, &ceremony[4..])
    };
    let transferred_in = dice.below(6) == 0 && !awaiting;
    let mut member = Member {
        name: format!("members/{id}"),
        full_name: format!("Đảng Viên Thử {id}"),
        gender: if dice.below(3) == 0 {
            Gender::Female as i32
        } else {
            Gender::Male as i32
        },
        birth_date: if dice.below(20) == 0 {
            String::new()
        } else {
            dice.day(1940, 60)
        },
        ethnicity_code: dice
            .pick(&["01", "01", "01", "02", "04", "12", "99"])
            .into(),
        religion: dice
            .pick(&["", "", "Phật giáo", "Công giáo", "Tin lành"])
            .into(),
        general_education: if dice.below(4) == 0 {
            GeneralEducation::LowerSecondary as i32
        } else {
            GeneralEducation::UpperSecondary as i32
        },
        qualification: [
            Qualification::Unspecified,
            Qualification::None,
            Qualification::College,
            Qualification::University,
        ][usize::try_from(dice.below(4)).unwrap_or(0)] as i32,
        political_theory: if dice.below(3) == 0 {
            PoliticalTheory::Intermediate as i32
        } else {
            PoliticalTheory::Elementary as i32
        },
        youth_union: dice.below(4) == 0,
        admission: Some(Admission {
            decision_date: decided.clone(),
            ceremony_date: ceremony,
            official_date: official.clone(),
            readmission: dice.below(15) == 0,
            ..Admission::default()
        }),
        status: if official.is_empty() {
            MemberStatus::Probationary as i32
        } else {
            MemberStatus::Official as i32
        },
        cell: format!("communes/{commune}/cells/c"),
        cell_since: decided.clone(),
        assignment: Assignment::Local as i32,
        ..Member::default()
    };
    if transferred_in {
        let joined = dice.day(2000, 24);
        member.joined_date = joined.clone();
        member.cell_since = joined;
    } else {
        member.admitted_in_cell = member.cell.clone();
    }
    if dice.below(8) == 0 {
        member.party_age_gaps = vec![PartyAgeGap {
            from_date: format!("{}-03-01", year + 2),
            to_date: format!("{}-02-15", year + 4),
            reason: "Mất liên lạc".into(),
        }];
    }
    let mut events = vec![event(id, 1, EventType::AdmissionDecided, &decided)];
    if !official.is_empty() {
        events.push(event(id, 2, EventType::RecognizedOfficial, &official));
    }
    (member, events)
}

/// The generated feed: units, members, the merge with its moves, then moves between communes,
/// departures and events in 2024–2026.
fn generated_feed() -> Vec<Change> {
    let mut dice = Dice(20_250_701);
    let mut changes = vec![
        change(
            1,
            Resource::Province(Province {
                name: "provinces/12".into(),
                code: "12".into(),
                display_name: "Tỉnh Thử Nghiệm".into(),
                valid_from: "1976-01-01".into(),
                ..Province::default()
            }),
        ),
        change(
            2,
            Resource::Province(Province {
                name: "provinces/13".into(),
                code: "13".into(),
                display_name: "Tỉnh Bên Cạnh".into(),
                valid_from: "1976-01-01".into(),
                ..Province::default()
            }),
        ),
    ];
    for (code, province, from) in [
        ("03001", "12", "1970-01-01"),
        ("03002", "12", "1970-01-01"),
        (SUCCESSOR, "12", "2025-07-01"),
        (OTHER, "12", "1970-01-01"),
        (ELSEWHERE, "13", "1970-01-01"),
    ] {
        let sequence = changes.len() as i64 + 1;
        changes.push(change(sequence, unit(code, province, from, "")));
        changes.push(change(sequence + 1, cell_in(code)));
    }
    let mut members = Vec::new();
    for id in 1..=240 {
        let (member, events) = generated_member(&mut dice, id);
        let sequence = changes.len() as i64 + 1;
        changes.push(Change {
            events: events.clone(),
            ..change(sequence, Resource::Member(member.clone()))
        });
        members.push((member, events.len()));
    }
    let push = |changes: &mut Vec<Change>, member: &Member, events: Vec<MemberEvent>| {
        let sequence = changes.len() as i64 + 1;
        changes.push(Change {
            events,
            ..change(sequence, Resource::Member(member.clone()))
        });
    };
    // Moves between communes in 2024, some of them out of the province, before the merge.
    for index in (0..members.len()).step_by(7) {
        let (member, events) = &mut members[index];
        let id = names_id(&member.name);
        let to = dice.pick(&["03001", "03002", OTHER, ELSEWHERE]);
        if member.cell.contains(to) || !member.left_date.is_empty() {
            continue;
        }
        let day = dice.day(2024, 1);
        member.cell = format!("communes/{to}/cells/c");
        member.cell_since = day.clone();
        *events += 1;
        let moved = vec![event(id, *events, EventType::TransferredToCommune, &day)];
        push(&mut changes, member, moved);
    }
    let sequence = changes.len() as i64 + 1;
    changes.push(change(
        sequence,
        Resource::Merge(UnitMerge {
            name: "merges/1".into(),
            level: UnitLevel::Commune as i32,
            predecessor_codes: BEFORE_MERGE.iter().map(|c| (*c).to_owned()).collect(),
            successor_code: SUCCESSOR.into(),
            effective_date: "2025-07-01".into(),
            legal_basis: "Nghị quyết thử nghiệm".into(),
        }),
    ));
    for code in BEFORE_MERGE {
        let sequence = changes.len() as i64 + 1;
        changes.push(change(
            sequence,
            unit(code, "12", "1970-01-01", "2025-06-30"),
        ));
    }
    for (member, events) in &mut members {
        if BEFORE_MERGE.iter().any(|code| member.cell.contains(code)) {
            let id = names_id(&member.name);
            member.cell = format!("communes/{SUCCESSOR}/cells/c");
            member.cell_since = "2025-07-01".into();
            *events += 1;
            let moved = vec![event(
                id,
                *events,
                EventType::TransferredToCommune,
                "2025-07-01",
            )];
            push(&mut changes, member, moved);
        }
    }
    // Departures and events of 2025–2026; one departure carries no event.
    for (index, (member, events)) in members.iter_mut().enumerate() {
        let id = names_id(&member.name);
        let day = dice.day(2025, 2);
        let departure = match index % 11 {
            0 => Some((MemberStatus::Deceased, Some(EventType::Died))),
            3 => Some((MemberStatus::Removed, Some(EventType::Removed))),
            5 => Some((MemberStatus::Resigned, Some(EventType::Resigned))),
            7 => Some((
                MemberStatus::TransferredOut,
                Some(EventType::TransferredOut),
            )),
            9 if index % 2 == 0 => Some((MemberStatus::Expelled, None)),
            _ => None,
        };
        let mut carried = Vec::new();
        if let Some((status, kind)) = departure {
            member.status = status as i32;
            member.left_date = day.clone();
            if let Some(kind) = kind {
                *events += 1;
                carried.push(event(id, *events, kind, &day));
            }
        } else if index % 5 == 1 && member.status == MemberStatus::Official as i32 {
            member.status = MemberStatus::Exempt as i32;
            *events += 1;
            carried.push(event(id, *events, EventType::Exempted, &day));
        } else if index % 5 == 2 {
            *events += 1;
            carried.push(event(
                id,
                *events,
                EventType::TemporaryTransferStarted,
                &day,
            ));
        } else {
            continue;
        }
        push(&mut changes, member, carried);
    }
    changes
}

fn names_id(name: &str) -> i64 {
    name.trim_start_matches("members/").parse().unwrap_or(0)
}

/// The statistics of `scope` on `day` counted from every member's history.
async fn statistics_from_members(store: &Store, scope: &str, day: Date) -> Statistics {
    let scope = Scope::parse(scope).expect("a scope");
    let mut reader = store.reader().await.expect("snapshot");
    let directory = reader.directory().await.expect("units");
    let resolved = directory.resolve(&scope, day).expect("resolves");
    let codes: Vec<String> = resolved.communes.iter().map(|c| c.code.clone()).collect();
    let members = reader.histories(&codes).await.expect("histories");
    reader.finish().await.expect("snapshot closes");
    let communes: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
    statistics::statistics(
        &scope.name(),
        &directory.display_name(&scope),
        day,
        &resolved,
        &roll_counts_of(&members, &communes, day),
        &StatisticsOptions::from_request(&[], &[], &[]).expect("defaults"),
        Freshness::default(),
    )
}

/// The movements of `scope` over `from..=to` counted from every member's history.
async fn movements_from_members(store: &Store, scope: &str, from: Date, to: Date) -> Movements {
    let scope = Scope::parse(scope).expect("a scope");
    let mut reader = store.reader().await.expect("snapshot");
    let directory = reader.directory().await.expect("units");
    let territory = directory.territory(&scope, from, to).expect("resolves");
    let codes: Vec<String> = territory.communes.iter().map(|c| c.code.clone()).collect();
    let members = reader.histories(&codes).await.expect("histories");
    reader.finish().await.expect("snapshot closes");
    from_members::movements_of_members(
        &scope.name(),
        &directory.display_name(&scope),
        from,
        to,
        &territory,
        &members,
        Freshness::default(),
    )
}

const DAYS: [&str; 7] = [
    "2000-01-01",
    "2023-12-31",
    "2024-06-30",
    "2025-06-30",
    "2025-07-01",
    "2025-12-31",
    "2026-12-31",
];

const SCOPES: [&str; 5] = [
    "provinces/12",
    "provinces/13",
    "country",
    "communes/03009",
    "communes/03004",
];

/// Every answer of the ledgers equals the recomputation from the members; the number of
/// comparisons made.
async fn answers_match_the_members(store: &Store, api: &ReportingApi) -> usize {
    let mut compared = 0;
    for scope in SCOPES {
        for day in DAYS {
            let answered = api
                .get_statistics(crate::testing::request(GetStatisticsRequest {
                    scope: scope.into(),
                    as_of_date: day.into(),
                    ..GetStatisticsRequest::default()
                }))
                .await;
            let Ok(answered) = answered else {
                // A unit that does not exist on the day: no figures to compare.
                continue;
            };
            let answered = Statistics {
                freshness: Some(Freshness::default()),
                ..answered.into_inner()
            };
            assert_eq!(
                answered,
                statistics_from_members(store, scope, d(day)).await,
                "statistics of {scope} on {day}"
            );
            compared += 1;
        }
        for (from, to) in [
            ("2024-01-01", "2024-12-31"),
            ("2025-01-01", "2025-06-30"),
            ("2025-06-01", "2025-07-31"),
            ("2025-07-01", "2026-12-31"),
            ("1970-01-01", "2026-12-31"),
        ] {
            let answered = api
                .get_movements(crate::testing::request(GetMovementsRequest {
                    scope: scope.into(),
                    from_date: from.into(),
                    to_date: to.into(),
                }))
                .await;
            let Ok(answered) = answered else {
                continue;
            };
            let answered = Movements {
                freshness: Some(Freshness::default()),
                ..answered.into_inner()
            };
            assert_eq!(
                answered,
                movements_from_members(store, scope, d(from), d(to)).await,
                "movements of {scope} over {from}..{to}"
            );
            compared += 1;
        }
    }
    for day in DAYS {
        let ranking = api
            .rank_communes(crate::testing::request(RankCommunesRequest {
                province: "provinces/12".into(),
                indicator: RankingIndicator::Members as i32,
                year: 0,
                as_of_date: day.into(),
            }))
            .await
            .expect("ranking")
            .into_inner();
        for ranked in &ranking.communes {
            let counted = statistics_from_members(store, &ranked.commune, d(day)).await;
            assert_eq!(
                ranked.value, counted.total_members as f64,
                "{} on {day}",
                ranked.commune
            );
        }
        compared += 1;
    }
    compared
}

async fn ledgers_agree_with_the_members(store: &Store) {
    let outcome = store
        .apply_changes(&generated_feed(), 1)
        .await
        .expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let cursor = store.cursor().await.expect("cursor reads");
    let api = crate::testing::api(store, Arc::new(FeedState::from_cursor(&cursor)));
    let province = api
        .get_statistics(crate::testing::request(GetStatisticsRequest {
            scope: "provinces/12".into(),
            as_of_date: "2025-07-01".into(),
            ..GetStatisticsRequest::default()
        }))
        .await
        .expect("province statistics")
        .into_inner();
    assert!(
        province.total_members > 100,
        "the generated province is counted"
    );
    let compared = answers_match_the_members(store, &api).await;
    assert!(compared > 50, "{compared} answers compared");

    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!(check.members, 240);
    assert_eq!(check.differing_rows, 0);
    assert_eq!(check.stored_rows, check.expected_rows);
    // Dated rows carry a member's profile whole; the sum at the pivot keeps each breakdown apart.
    let profiles = |table: &'static str| {
        let pool = store.database().pool.clone();
        async move {
            sqlx::query(&format!(
                "select count(*) from {table} where dimension = 'profile'"
            ))
            .fetch_one(&pool)
            .await
            .map(|row| sqlx::Row::get::<i64, _>(&row, 0))
            .expect("ledger reads")
        }
    };
    assert!(profiles("roll_deltas").await > 0);
    assert_eq!(profiles("roll_base").await, 0);

    // A ledger row lost by hand is found, and a rebuild restores the same answers.
    sqlx::query("delete from roll_deltas where commune_code = $1 and dimension = 'total'")
        .bind(SUCCESSOR)
        .execute(&store.database().pool)
        .await
        .expect("a row removed");
    let damaged = store.check_aggregates().await.expect("check runs");
    assert!(damaged.differing_rows > 0);
    let rebuilt = store.rebuild_aggregates().await.expect("rebuild runs");
    assert_eq!(rebuilt.members, 240);
    // The rebuild moves the pivot to today: the days of the comparison now fall on its other
    // side.
    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!(check.differing_rows, 0);
    assert_eq!(
        (check.stored_rows, check.expected_rows),
        (rebuilt.stored_rows, rebuilt.stored_rows)
    );
    assert_eq!(answers_match_the_members(store, &api).await, compared);

    // Replaying the whole feed changes nothing.
    let replay = store
        .apply_changes(&generated_feed(), 2)
        .await
        .expect("replay applies");
    assert_eq!(replay.applied, 0);
    assert_eq!(
        store
            .check_aggregates()
            .await
            .expect("check runs")
            .differing_rows,
        0
    );
}

on_each_store! { ledgers_agree_with_the_members => "aggregates"; }

/// The exemptions the movements ledger counts, over every commune and day.
async fn exemptions_counted(store: &Store) -> i64 {
    sqlx::query(
        "select cast(sum(count) as bigint) from roll_movements \
         where dimension = 'event' and value = 'EVENT_TYPE_EXEMPTED'",
    )
    .fetch_one(&store.database().pool)
    .await
    .map(|row| sqlx::Row::get(&row, 0))
    .expect("movements read")
}

/// An event the feed names again (a corrected day) is counted once, on its new day, whether the
/// correction comes in the batch that first carried the event or in a later one: the ledgers a
/// batch follows in memory hold what a recount from the stored members gives; named again as
/// an event they do not read, it leaves them.
async fn an_event_named_again_is_counted_once(store: &Store) {
    let mut feed = generated_feed();
    let exempted = EventType::Exempted as i32;
    let Some(first) = feed
        .iter()
        .rev()
        .find(|change| change.events.iter().any(|event| event.r#type == exempted))
        .cloned()
    else {
        panic!("the generated feed exempts members")
    };
    let corrected = |sequence: i64, day: &str| {
        let mut change = first.clone();
        change.sequence = sequence;
        for event in &mut change.events {
            if event.r#type == exempted {
                event.effective_date = day.into();
            }
        }
        change
    };
    let next = feed.len() as i64 + 1;
    feed.push(corrected(next, "2026-03-02"));
    let outcome = store.apply_changes(&feed, 1).await.expect("feed applies");
    assert_eq!(outcome.malformed, 0);
    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!((check.members, check.differing_rows), (240, 0));

    let later = store
        .apply_changes(&[corrected(next + 1, "2026-03-09")], 2)
        .await
        .expect("correction applies");
    assert_eq!(later.applied, 1);
    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!((check.members, check.differing_rows), (240, 0));
    let exempted_rows = exemptions_counted(store).await;
    let exempted_members = feed
        .iter()
        .filter(|change| change.events.iter().any(|event| event.r#type == exempted))
        .filter_map(|change| match &change.resource {
            Some(Resource::Member(member)) => Some(member.name.clone()),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(
        exempted_rows <= exempted_members as i64,
        "{exempted_rows} exemptions counted for {exempted_members} members exempted"
    );

    // Named again as an event the ledgers do not read, the exemption leaves them.
    let mut retyped = corrected(next + 2, "2026-03-09");
    for event in &mut retyped.events {
        if event.r#type == exempted {
            event.r#type = EventType::DetailsUpdated as i32;
        }
    }
    store
        .apply_changes(&[retyped], 3)
        .await
        .expect("retyped event applies");
    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!((check.members, check.differing_rows), (240, 0));
    let after = exemptions_counted(store).await;
    assert_eq!(after, exempted_rows - 1);
}

on_each_store! { an_event_named_again_is_counted_once => "aggregates_event_again"; }

/// A member's party-age gaps, badges and disciplines as stored, as text: `(gap from, gap to)`s,
/// `(badge years, award day)`s and `(discipline form, decision day)`s.
type StoredLists = (
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<(String, String)>,
);

async fn stored_lists(store: &Store, id: i64) -> StoredLists {
    let pairs = |columns: &str, table: &str, order: &str| {
        let sql = format!("select {columns} from {table} where member_id = $1 order by {order}");
        async move {
            use sqlx::Row;
            sqlx::query(&sql)
                .bind(id)
                .fetch_all(&store.database().pool)
                .await
                .expect("lists read")
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect()
        }
    };
    (
        pairs("from_date, to_date", "member_party_age_gaps", "position").await,
        pairs(
            "cast(years as text), coalesce(award_date, '')",
            "member_badges",
            "years",
        )
        .await,
        pairs("form, decision_date", "member_disciplines", "position").await,
    )
}

/// A change rewrites a member's lists only when they differ from the stored ones, and what is
/// stored is always the last change's lists: left as they were by a change of details, changed
/// one list at a time (badges given out of order), emptied, given again — in the batch that
/// created the member and in later ones, on a member the generated feed gave a party-age gap.
async fn a_member_s_lists_are_the_last_change_s(store: &Store) {
    let mut feed = generated_feed();
    let Some(first) = feed
        .iter()
        .find(|change| {
            matches!(&change.resource, Some(Resource::Member(member)) if !member.party_age_gaps.is_empty())
        })
        .cloned()
    else {
        panic!("the generated feed gives members party-age gaps")
    };
    let Some(Resource::Member(member)) = &first.resource else {
        panic!("a member's change")
    };
    let id = names_id(&member.name);
    let gap = member.party_age_gaps[0].clone();
    let stored_gap = (gap.from_date.clone(), gap.to_date.clone());
    let mut sequence = feed.len() as i64;
    let mut changed = |edit: &dyn Fn(&mut Member)| {
        sequence += 1;
        let mut change = first.clone();
        change.sequence = sequence;
        change.events.clear();
        if let Some(Resource::Member(member)) = &mut change.resource {
            edit(member);
        }
        change
    };
    let badge = |years: i32, day: &str| BadgeAward {
        years,
        award_date: day.into(),
    };
    let discipline = |form: DisciplineForm, day: &str| Discipline {
        form: form as i32,
        discipline_date: day.into(),
        ..Discipline::default()
    };
    // In the batch that created the member: details only, then badges and a discipline.
    feed.push(changed(&|member| member.occupation = "Nông dân".into()));
    feed.push(changed(&|member| {
        member.badges = vec![badge(40, "2025-09-02"), badge(30, "")];
        member.disciplines = vec![discipline(DisciplineForm::Reprimand, "2024-05-06")];
    }));
    store.apply_changes(&feed, 1).await.expect("feed applies");
    let badges = vec![
        ("30".to_owned(), String::new()),
        ("40".to_owned(), "2025-09-02".to_owned()),
    ];
    let disciplined = vec![("REPRIMAND".to_owned(), "2024-05-06".to_owned())];
    assert_eq!(
        stored_lists(store, id).await,
        (
            vec![stored_gap.clone()],
            badges.clone(),
            disciplined.clone()
        )
    );

    // Later batches: details only (lists as they were); the gap gone and a second discipline;
    // everything emptied; then a list given again, each change in a batch of its own and then
    // all in one.
    let later = [
        changed(&|member| {
            member.badges = vec![badge(40, "2025-09-02"), badge(30, "")];
            member.disciplines = vec![discipline(DisciplineForm::Reprimand, "2024-05-06")];
            member.occupation = "Công nhân".into();
        }),
        changed(&|member| {
            member.party_age_gaps.clear();
            member.badges = vec![badge(30, ""), badge(40, "2025-09-02")];
            member.disciplines = vec![
                discipline(DisciplineForm::Reprimand, "2024-05-06"),
                discipline(DisciplineForm::Warning, "2025-01-10"),
            ];
        }),
        changed(&|member| {
            member.party_age_gaps.clear();
        }),
        changed(&|member| {
            member.badges = vec![badge(30, "")];
        }),
    ];
    let expected = [
        (
            vec![stored_gap.clone()],
            badges.clone(),
            disciplined.clone(),
        ),
        (
            Vec::new(),
            badges.clone(),
            vec![
                ("REPRIMAND".to_owned(), "2024-05-06".to_owned()),
                ("WARNING".to_owned(), "2025-01-10".to_owned()),
            ],
        ),
        (Vec::new(), Vec::new(), Vec::new()),
        (
            vec![stored_gap.clone()],
            vec![("30".to_owned(), String::new())],
            Vec::new(),
        ),
    ];
    for (change, lists) in later.iter().zip(&expected) {
        let outcome = store
            .apply_changes(std::slice::from_ref(change), 2)
            .await
            .expect("change applies");
        assert_eq!(outcome.applied, 1);
        assert_eq!(&stored_lists(store, id).await, lists);
    }
    let again: Vec<Change> = later
        .iter()
        .map(|change| {
            let mut change = change.clone();
            change.sequence += later.len() as i64;
            change
        })
        .collect();
    store.apply_changes(&again, 3).await.expect("changes apply");
    assert_eq!(stored_lists(store, id).await, expected[3]);
    let check = store.check_aggregates().await.expect("check runs");
    assert_eq!(check.differing_rows, 0);
}

on_each_store! { a_member_s_lists_are_the_last_change_s => "aggregates_lists"; }

/// Every row of the three ledgers, in key order.
async fn ledger_rows(store: &Store) -> Vec<(String, String, String, String, i64)> {
    let mut rows = Vec::new();
    for (table, count, day) in [
        ("roll_deltas", "delta", "day"),
        ("roll_movements", "count", "day"),
        ("roll_base", "members", "''"),
    ] {
        let query = format!(
            "select commune_code, dimension, value, {day}, {count} from {table} \
             order by 1, 2, 3, 4"
        );
        for row in sqlx::query(&query)
            .fetch_all(&store.database().pool)
            .await
            .expect("ledger reads")
        {
            use sqlx::Row;
            rows.push((
                format!("{table}:{}", row.get::<String, _>(0)),
                row.get(1),
                row.get(2),
                row.get(3),
                row.get(4),
            ));
        }
    }
    rows
}

/// The ledgers do not depend on how the feed is cut into batches: applied one change at a time
/// (where a member's rows are taken away and given back across transactions, and rows that reach
/// zero are deleted) and in batches of uneven sizes, they hold the rows of one whole-feed batch.
async fn ledgers_do_not_depend_on_batches(whole: &Store, cut: &Store, sizes: &[usize]) {
    let feed = generated_feed();
    whole.apply_changes(&feed, 1).await.expect("feed applies");
    let mut rest = feed.as_slice();
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (batch, after) = rest.split_at((*size).min(rest.len()));
        let outcome = cut.apply_changes(batch, 1).await.expect("batch applies");
        assert_eq!(outcome.applied, batch.len());
        rest = after;
    }
    let expected = ledger_rows(whole).await;
    assert!(expected.len() > 1_000, "{} ledger rows", expected.len());
    assert_eq!(ledger_rows(cut).await, expected);
    let check = cut.check_aggregates().await.expect("check runs");
    assert_eq!((check.members, check.differing_rows), (240, 0));
}

#[tokio::test]
async fn sqlite_ledgers_do_not_depend_on_batches() {
    for sizes in [&[1][..], &[3, 17, 64, 5, 200]] {
        let (whole, whole_cleanup) = super::sqlite_store("aggregates_whole").await;
        let (cut, cut_cleanup) = super::sqlite_store("aggregates_cut").await;
        ledgers_do_not_depend_on_batches(&whole, &cut, sizes).await;
        for (store, cleanup) in [(whole, whole_cleanup), (cut, cut_cleanup)] {
            store.close().await;
            cleanup.remove().await;
        }
    }
}

#[tokio::test]
async fn postgres_ledgers_do_not_depend_on_batches() {
    for sizes in [&[1][..], &[3, 17, 64, 5, 200]] {
        let Some((whole, whole_cleanup)) = super::postgres_store("aggregates_whole").await else {
            return;
        };
        let Some((cut, cut_cleanup)) = super::postgres_store("aggregates_cut").await else {
            return;
        };
        ledgers_do_not_depend_on_batches(&whole, &cut, sizes).await;
        for (store, cleanup) in [(whole, whole_cleanup), (cut, cut_cleanup)] {
            store.close().await;
            cleanup.remove().await;
        }
    }
}

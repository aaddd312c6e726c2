//! The lives of the planned members between 2015 and mid-2026: random later steps (recognition,
//! transfers, exemptions, departures), the transfers of the 2025 merge, and the special cases the
//! statistics tests look for (a party-age gap, a serious illness, a death before a badge
//! milestone, a badge handed, a re-admission).

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use partyregistry_proto::membership::v1::{BadgeAward, DepartureKind, PartyAgeGap};
use partyregistry_vocab::{date, names};

use crate::dataset::people::identity::{SplitMix64, ymd};
use crate::synthetic::people::members::{
    PlannedMember, SpecialCase, Step, StepKind, admission_of, code_of, entry_cell, settled,
};
use crate::synthetic::people::person::Person;
use crate::synthetic::province::{
    COMMUNES, CommuneSpec, MERGE_DATE, MERGED, SUCCESSOR, avoid_count_dates, commune_spec, day,
    destinations, random_day,
};

/// Zero, one or two steps after the member is official, between `first` and `last`.
pub(in crate::synthetic) fn random_steps(
    rng: &mut SplitMix64,
    spec: &CommuneSpec,
    cell: &str,
    member: &PlannedMember,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Step> {
    let Some(settled) = settled(member) else {
        return Vec::new();
    };
    let start = (settled + Duration::days(1)).max(first);
    if start + Duration::days(200) >= last {
        return Vec::new();
    }
    let merge_day = day(MERGE_DATE);
    let in_merged = MERGED.iter().any(|i| COMMUNES[*i].code == spec.code);
    // Members of the merged communes change only before the merge (their later life is the
    // successor's, reached by the merge transfer).
    let end = if in_merged {
        merge_day - Duration::days(10)
    } else {
        last - Duration::days(190)
    };
    if start >= end {
        return Vec::new();
    }
    let roll = rng.range(0, 99);
    let when = random_day(rng, start, end);
    let mut steps = Vec::new();
    match roll {
        0..=44 => {}
        45..=52 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Death),
        }),
        53..=60 => {
            let targets = destinations(spec.code, when);
            let target = rng.pick(&targets);
            let to_cell = names::cell(target.code, target.cells[rng.range(0, 2) as usize].0);
            steps.push(Step {
                date: when,
                kind: StepKind::ToCommune { to_cell },
            });
        }
        61..=65 => steps.push(Step {
            date: when,
            kind: StepKind::OutOfSystem {
                to_organization: "Đảng bộ phường Mường Thanh, tỉnh Điện Biên".to_owned(),
            },
        }),
        66..=73 => {
            // A temporary transfer never spans the merge of the member's commune.
            let mut out = when;
            if in_merged && out < merge_day && out + Duration::days(200) >= merge_day {
                out = merge_day - Duration::days(400);
            }
            if out < start {
                return steps;
            }
            let back = out + Duration::days(rng.range(120, 170));
            steps.push(Step {
                date: out,
                kind: StepKind::TemporaryOut {
                    to_organization: "Chi bộ Công ty TNHH Điện tử, tỉnh Bắc Ninh".to_owned(),
                    away_until: date::add_months(out, 6),
                },
            });
            steps.push(Step {
                date: avoid_count_dates(back),
                kind: StepKind::TemporaryReturn,
            });
        }
        74..=81 => {
            steps.push(Step {
                date: when,
                kind: StepKind::Exempt,
            });
            let later = when + Duration::days(rng.range(60, 180));
            if rng.chance(50) {
                steps.push(Step {
                    date: avoid_count_dates(later),
                    kind: StepKind::Depart(DepartureKind::Death),
                });
            } else if rng.chance(50) {
                steps.push(Step {
                    date: avoid_count_dates(later),
                    kind: StepKind::EndExemption,
                });
            }
        }
        82..=85 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Removal),
        }),
        86..=88 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Expulsion),
        }),
        89..=91 => steps.push(Step {
            date: when,
            kind: StepKind::Depart(DepartureKind::Resignation),
        }),
        _ => {
            let other = spec
                .cells
                .iter()
                .map(|(id, _, _)| *id)
                .find(|id| *id != cell)
                .unwrap_or(cell);
            steps.push(Step {
                date: when,
                kind: StepKind::BetweenCells {
                    to_cell: names::cell(spec.code, other),
                },
            });
        }
    }
    steps
}

/// Inserts the transfer into the successor on the merge day for a member who is then in one of
/// the merged communes and still on the roll; moves a recognition due after it behind it.
pub(in crate::synthetic) fn add_merge_transfer(member: &mut PlannedMember, merge_day: NaiveDate) {
    let entry = admission_of(member)
        .and_then(|a| date::parse(&a.decision_date).ok())
        .unwrap_or(merge_day);
    let joined = member
        .arrival
        .as_ref()
        .and_then(|a| date::parse(&a.joined_date).ok())
        .unwrap_or(entry);
    if joined >= merge_day {
        return;
    }
    let mut cell = entry_cell(member);
    for step in member.steps.iter().filter(|s| s.date < merge_day) {
        match &step.kind {
            StepKind::ToCommune { to_cell } | StepKind::BetweenCells { to_cell } => {
                cell = to_cell.clone();
            }
            StepKind::OutOfSystem { .. } | StepKind::Depart(_) => return,
            _ => {}
        }
    }
    let code = code_of(&cell);
    let Some(position) = MERGED.iter().position(|i| COMMUNES[*i].code == code) else {
        return;
    };
    let source = commune_spec(&code);
    let index = source
        .cells
        .iter()
        .position(|(id, _, _)| names::cell(&code, id) == cell)
        .unwrap_or(0);
    let target = match (position, index) {
        (_, 2) => SUCCESSOR.cells[2].0,
        (0, _) => SUCCESSOR.cells[0].0,
        _ => SUCCESSOR.cells[1].0,
    };
    member.steps.push(Step {
        date: merge_day,
        kind: StepKind::ToCommune {
            to_cell: names::cell(SUCCESSOR.code, target),
        },
    });
    // An admission recorded with an official date after the merge could not be transferred on
    // the merge day: it is recorded probationary and recognised later in the new commune.
    if let Some(request) = member.admission.as_mut()
        && let Some(admission) = request.member.as_mut().and_then(|m| m.admission.as_mut())
        && let Ok(official) = date::parse(&admission.official_date)
        && official > merge_day
    {
        admission.official_date = String::new();
        member.steps.push(Step {
            date: official,
            kind: StepKind::Recognize,
        });
    }
    member.steps.sort_by_key(|s| s.date);
}

/// The hand-made members: a gap, a seriously ill veteran, a death before a milestone, a badge
/// handed, a re-admission. All in Sơn Bình, which is not merged.
pub(in crate::synthetic) fn special_cases(
    rng: &mut SplitMix64,
    seed: u64,
    counter: &mut usize,
    members: &mut Vec<PlannedMember>,
    used_names: &mut HashSet<String>,
    used_ids: &mut HashSet<String>,
) {
    let spec = &COMMUNES[0];
    let cases = [
        (SpecialCase::PartyAgeGap, ymd(1995, 1, 15)),
        (SpecialCase::SeriouslyIll, ymd(1996, 9, 15)),
        (SpecialCase::DiedBeforeMilestone, ymd(1986, 4, 10)),
        (SpecialCase::BadgeHanded, ymd(1985, 3, 1)),
        (SpecialCase::Readmitted, ymd(2019, 8, 20)),
    ];
    for (case, decision) in cases {
        *counter += 1;
        let person = Person::generate(rng, decision, used_names);
        let mut member = person.admitted(
            rng,
            seed,
            *counter,
            spec,
            spec.cells[0].0,
            decision,
            used_ids,
        );
        member.role = Some(case);
        match case {
            SpecialCase::PartyAgeGap => {
                member.party_age.party_age_gaps = vec![PartyAgeGap {
                    from_date: "2000-01-01".to_owned(),
                    to_date: "2000-12-31".to_owned(),
                    reason: "Mất liên lạc".to_owned(),
                }];
            }
            SpecialCase::SeriouslyIll => member.party_age.seriously_ill = true,
            SpecialCase::DiedBeforeMilestone => member.steps.push(Step {
                date: ymd(2026, 1, 15),
                kind: StepKind::Depart(DepartureKind::Death),
            }),
            SpecialCase::BadgeHanded => {
                member.party_age.badges = vec![
                    BadgeAward {
                        years: 30,
                        award_date: "2015-05-19".to_owned(),
                    },
                    BadgeAward {
                        years: 40,
                        award_date: "2025-05-19".to_owned(),
                    },
                ];
            }
            SpecialCase::Readmitted => {
                if let Some(admission) = member
                    .admission
                    .as_mut()
                    .and_then(|r| r.member.as_mut())
                    .and_then(|m| m.admission.as_mut())
                {
                    admission.readmission = true;
                }
            }
        }
        members.push(member);
    }
}

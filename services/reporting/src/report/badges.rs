//! Party badges (Huy hiệu Đảng), in plain Rust: the milestone of each badge from the admission
//! decision and the party-age gaps, and the award round at which a member is due, with the early
//! rules for the seriously ill and the deceased. No sqlx, no I/O.
//!
//! The rules, as data here (domain §3 and the plan of the statistics):
//! - the milestone of a badge of N years is the decision date plus N years plus the gap days
//!   before it;
//! - a member is due at the first round (3/2, 19/5, 2/9, 7/11) on or after the milestone, for a
//!   badge not handed over yet;
//! - a seriously ill member at the first round on or after 12 months before the milestone (24
//!   months for badges of 70 years and more), early reason `SERIOUSLY_ILL` when before it;
//! - a deceased member, when the round they would have been due at comes after the death: at the
//!   first round after the death, provided the milestone is at most 12 months after that round;
//!   early reason `POSTHUMOUS` when before it.

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::reporting::v1::AwardRound;
use partyregistry_vocab::date::{self, Date};

use partyregistry_proto::reporting::v1::BadgeDue;
use partyregistry_vocab::{names, text};

use crate::model::history::MemberHistory;
use crate::model::units::Directory;
use crate::model::vocabulary::MemberStatus;
use crate::report::statistics::party_age_months;
use crate::report::units::Resolved;

/// Years of party age that earn a badge.
pub const BADGE_YEARS: [i32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/// The award rounds of a year as (round, month, day), in calendar order.
pub const ROUNDS: [(AwardRound, u32, u32); 4] = [
    (AwardRound::February3, 2, 3),
    (AwardRound::May19, 5, 19),
    (AwardRound::September2, 9, 2),
    (AwardRound::November7, 11, 7),
];

/// Months a seriously ill member may receive a badge early; and from which badge the longer
/// window applies.
const ILL_MONTHS: u32 = 12;
const ILL_MONTHS_LONG: u32 = 24;
const LONG_WINDOW_FROM_YEARS: i32 = 70;
/// Months before the milestone within which a deceased member may receive it.
const POSTHUMOUS_MONTHS: u32 = 12;

/// The early reason of a seriously ill member.
pub const SERIOUSLY_ILL: &str = "SERIOUSLY_ILL";
/// The early reason of a deceased member.
pub const POSTHUMOUS: &str = "POSTHUMOUS";

/// What the badge rules read of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeFacts {
    /// Admission decision date.
    pub decided: Date,
    /// Party-age gaps (first day, last day).
    pub gaps: Vec<(Date, Date)>,
    /// Years of the badges handed over.
    pub awarded: Vec<i32>,
    /// Seriously ill.
    pub seriously_ill: bool,
    /// The day of death, for a deceased member.
    pub died: Option<Date>,
}

/// A badge a member is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// Years of the badge.
    pub years: i32,
    /// The round.
    pub round: AwardRound,
    /// Its day.
    pub round_date: Date,
    /// The day party age reaches the years.
    pub milestone: Date,
    /// Party age on the round day, whole months.
    pub party_age_months: i64,
    /// `SERIOUSLY_ILL`, `POSTHUMOUS` or empty.
    pub early_reason: &'static str,
}

fn months_before(day: Date, months: u32) -> Date {
    day.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// The rounds of `year`, as (round, day).
pub fn rounds_of(year: i32) -> Vec<(AwardRound, Date)> {
    ROUNDS
        .iter()
        .filter_map(|(round, month, day)| {
            NaiveDate::from_ymd_opt(year, *month, *day).map(|d| (*round, d))
        })
        .collect()
}

/// The first round on `day` or after it.
pub fn first_round_from(day: Date) -> (AwardRound, Date) {
    (day.year()..=day.year() + 1)
        .flat_map(rounds_of)
        .find(|(_, round_day)| *round_day >= day)
        // The next year always has a February round; MAX only for dates at the end of time.
        .unwrap_or((AwardRound::February3, NaiveDate::MAX))
}

/// The day party age reaches `years`: the decision date plus the years, pushed later by every gap
/// that starts before the day so pushed (a gap that straddles it pushes it past the whole gap).
/// Days before the decision do not count; overlapping gaps count once.
pub fn milestone(decided: Date, gaps: &[(Date, Date)], years: i32) -> Date {
    let months = u32::try_from(years.max(0) * 12).unwrap_or(0);
    let mut sorted: Vec<(Date, Date)> = gaps
        .iter()
        .filter(|(_, to)| *to >= decided)
        .map(|(from, to)| ((*from).max(decided), *to))
        .collect();
    sorted.sort();
    let mut day = date::add_months(decided, months);
    let mut counted_to: Option<Date> = None;
    for (from, to) in sorted {
        let from = counted_to.map_or(from, |last| from.max(last + Duration::days(1)));
        if from > to {
            continue;
        }
        if from >= day {
            break;
        }
        day += Duration::days((to - from).num_days() + 1);
        counted_to = Some(to);
    }
    day
}

/// Every badge the member is due, at the round the rules give (any year).
pub fn due_badges(facts: &BadgeFacts) -> Vec<Due> {
    BADGE_YEARS
        .iter()
        .filter(|years| !facts.awarded.contains(years))
        .filter_map(|years| due(facts, *years))
        .collect()
}

fn due(facts: &BadgeFacts, years: i32) -> Option<Due> {
    let milestone = milestone(facts.decided, &facts.gaps, years);
    let (round, round_date, early_reason) = match facts.died {
        Some(died) => {
            let (_, normal) = first_round_from(milestone);
            if normal <= died {
                // Due while alive: that round has passed.
                return None;
            }
            let (round, round_date) = first_round_from(died.succ_opt()?);
            if months_before(milestone, POSTHUMOUS_MONTHS) > round_date {
                return None;
            }
            (round, round_date, POSTHUMOUS)
        }
        None if facts.seriously_ill => {
            let months = if years >= LONG_WINDOW_FROM_YEARS {
                ILL_MONTHS_LONG
            } else {
                ILL_MONTHS
            };
            let (round, round_date) = first_round_from(months_before(milestone, months));
            (round, round_date, SERIOUSLY_ILL)
        }
        None => {
            let (round, round_date) = first_round_from(milestone);
            (round, round_date, "")
        }
    };
    Some(Due {
        years,
        round,
        round_date,
        milestone,
        party_age_months: party_age_months(facts.decided, &facts.gaps, round_date),
        early_reason: if round_date < milestone {
            early_reason
        } else {
            ""
        },
    })
}

/// The badges due at `rounds` (each with the communes its day counts): members on the roll of
/// those communes that day, and deceased members whose last roll period was in a commune the
/// scope counts on the round (or that became one of them by a merge). By round, then badge years
/// (highest first), then roster order.
pub fn listed(
    directory: &Directory,
    rounds: &[(AwardRound, Date, Resolved)],
    members: &[MemberHistory],
) -> Vec<BadgeDue> {
    let mut due: Vec<(Date, i32, Vec<u8>, i64, BadgeDue)> = Vec::new();
    for member in members {
        let Some(decided) = member.decision_date else {
            continue;
        };
        let died = (member.status == MemberStatus::Deceased)
            .then_some(member.left_date)
            .flatten();
        let facts = BadgeFacts {
            decided,
            gaps: member.gaps.clone(),
            awarded: member.badges.clone(),
            seriously_ill: member.seriously_ill,
            died,
        };
        let periods = member.roll_periods();
        for badge in due_badges(&facts) {
            let Some((_, _, resolved)) = rounds
                .iter()
                .find(|(round, day, _)| *round == badge.round && *day == badge.round_date)
            else {
                continue;
            };
            let counted = |code: &str| resolved.communes.iter().any(|c| c.code == code);
            let period = if died.is_some() {
                periods.last().filter(|p| {
                    counted(&p.commune_code)
                        || counted(&directory.commune_on(&p.commune_code, badge.round_date))
                })
            } else {
                periods
                    .iter()
                    .find(|p| p.covers(badge.round_date) && counted(&p.commune_code))
            };
            let Some(period) = period else {
                continue;
            };
            let key = text::roster_key(&text::split_full_name(&member.full_name));
            due.push((
                badge.round_date,
                badge.years,
                key,
                member.id,
                BadgeDue {
                    member: names::member(member.id),
                    full_name: member.full_name.clone(),
                    cell: names::cell(&period.commune_code, &period.cell_id),
                    badge_years: badge.years,
                    round: badge.round.into(),
                    round_date: date::format(badge.round_date),
                    milestone_date: date::format(badge.milestone),
                    party_age_months: i32::try_from(badge.party_age_months).unwrap_or(i32::MAX),
                    early_reason: badge.early_reason.to_owned(),
                    deceased: died.is_some(),
                },
            ));
        }
    }
    due.sort_by(|a, b| {
        (a.0, std::cmp::Reverse(a.1), &a.2, a.3).cmp(&(b.0, std::cmp::Reverse(b.1), &b.2, b.3))
    });
    due.into_iter().map(|(_, _, _, _, badge)| badge).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        date::parse(text).expect("test dates are valid")
    }

    fn facts(decided: &str) -> BadgeFacts {
        BadgeFacts {
            decided: d(decided),
            gaps: Vec::new(),
            awarded: Vec::new(),
            seriously_ill: false,
            died: None,
        }
    }

    fn thirty(facts: &BadgeFacts) -> Option<Due> {
        due_badges(facts).into_iter().find(|due| due.years == 30)
    }

    #[test]
    fn the_first_round_on_or_after_the_milestone() {
        let due = thirty(&facts("1996-05-10")).expect("due");
        assert_eq!(
            (due.milestone, due.round, due.round_date, due.early_reason),
            (d("2026-05-10"), AwardRound::May19, d("2026-05-19"), "")
        );
        assert_eq!(due.party_age_months, 360);
        // A milestone on a round day is due that day; after the last round, next February.
        assert_eq!(
            thirty(&facts("1995-09-02")).map(|d| d.round_date),
            Some(d("2025-09-02"))
        );
        assert_eq!(
            thirty(&facts("1995-12-01")).map(|d| d.round_date),
            Some(d("2026-02-03"))
        );
    }

    #[test]
    fn a_gap_period_moves_the_milestone() {
        let mut gap = facts("1995-01-15");
        gap.gaps = vec![(d("2000-01-01"), d("2000-12-31"))];
        let due = thirty(&gap).expect("due");
        // 366 days (2000 is a leap year) after 15 January 2025.
        assert_eq!(due.milestone, d("2026-01-16"));
        assert_eq!(
            (due.round, due.round_date),
            (AwardRound::February3, d("2026-02-03"))
        );
        // 31 years and 18 days less the gap: 30 whole years.
        assert_eq!(due.party_age_months, 360);
        // A gap straddling the milestone pushes it past the rest of the gap.
        let mut late = facts("1995-01-15");
        late.gaps = vec![(d("2024-12-01"), d("2025-02-28"))];
        assert_eq!(milestone(late.decided, &late.gaps, 30), d("2025-04-15"));
        // Gaps before the decision do not count.
        let mut early = facts("1995-01-15");
        early.gaps = vec![(d("1990-01-01"), d("1990-12-31"))];
        assert_eq!(milestone(early.decided, &early.gaps, 30), d("2025-01-15"));
    }

    #[test]
    fn the_seriously_ill_may_receive_it_12_or_24_months_early() {
        let mut ill = facts("1996-10-01");
        ill.seriously_ill = true;
        let due = thirty(&ill).expect("due");
        assert_eq!(
            (due.round, due.round_date, due.early_reason),
            (AwardRound::November7, d("2025-11-07"), SERIOUSLY_ILL)
        );
        // 70 years: 24 months early, first round on or after 1 October 2024.
        let mut old = facts("1956-10-01");
        old.seriously_ill = true;
        old.awarded = vec![30, 40, 45, 50, 55, 60, 65];
        let seventy = due_badges(&old)
            .into_iter()
            .find(|due| due.years == 70)
            .expect("due");
        assert_eq!(seventy.round_date, d("2024-11-07"));
        assert_eq!(seventy.early_reason, SERIOUSLY_ILL);
    }

    #[test]
    fn the_deceased_receive_it_posthumously_within_12_months() {
        let mut deceased = facts("1996-03-01");
        deceased.died = Some(d("2025-12-01"));
        let due = thirty(&deceased).expect("due");
        assert_eq!(
            (due.round, due.round_date, due.early_reason),
            (AwardRound::February3, d("2026-02-03"), POSTHUMOUS)
        );
        // Died long before the milestone: nothing.
        let mut early_death = facts("1996-03-01");
        early_death.died = Some(d("2020-01-01"));
        assert_eq!(thirty(&early_death), None);
        // Died after the round they were due at: that round has passed.
        let mut late_death = facts("1995-03-01");
        late_death.died = Some(d("2025-06-01"));
        assert_eq!(thirty(&late_death), None);
        // Died between the milestone and its round: at the first round after the death, on time.
        let mut between = facts("1995-03-01");
        between.died = Some(d("2025-04-01"));
        let due = thirty(&between).expect("due");
        assert_eq!((due.round_date, due.early_reason), (d("2025-05-19"), ""));
    }

    #[test]
    fn lists_follow_the_roll_and_the_merges() {
        use crate::model::units::{CommuneUnit, Merge};
        use crate::model::vocabulary::UnitLevel;
        use crate::report::units::Scope;
        let commune = |code: &str, to: Option<&str>| CommuneUnit {
            code: code.into(),
            display_name: format!("Xã {code}"),
            province_code: "10".into(),
            valid_from: Some(d("2000-01-01")),
            valid_to: to.map(d),
        };
        let directory = Directory {
            communes: vec![commune("02677", Some("2025-06-30")), commune("02680", None)],
            provinces: Vec::new(),
            merges: vec![Merge {
                level: UnitLevel::Commune,
                predecessors: vec!["02677".into(), "02680".into()],
                successor: "02680".into(),
                effective_date: d("2025-07-01"),
            }],
        };
        let member = |id: i64, commune: &str, decided: &str| MemberHistory {
            id,
            full_name: format!("Người Số {id}"),
            status: MemberStatus::Official,
            decision_date: Some(d(decided)),
            stints: vec![crate::model::stint::Stint {
                commune_code: commune.into(),
                cell_id: "c".into(),
                from: d(decided),
                to: None,
            }],
            ..MemberHistory::default()
        };
        // Died in Tả Phời before the merge; listed with Hợp Thành after it.
        let mut deceased = member(1, "02677", "1996-03-01");
        deceased.status = MemberStatus::Deceased;
        deceased.left_date = Some(d("2025-12-01"));
        deceased.stints[0].to = Some(d("2025-12-01"));
        // Transferred out before the round: not listed.
        let mut left = member(2, "02680", "1996-05-10");
        left.status = MemberStatus::TransferredOut;
        left.stints[0].to = Some(d("2026-01-01"));
        let members = [deceased, left, member(3, "02680", "1996-05-12")];
        let scope = Scope::Commune("02680".into());
        let rounds: Vec<(AwardRound, Date, Resolved)> = rounds_of(2026)
            .into_iter()
            .map(|(round, day)| {
                let found = directory.resolve(&scope, day).expect("resolves");
                (round, day, found)
            })
            .collect();
        let listed: Vec<(String, String, bool)> = listed(&directory, &rounds, &members)
            .into_iter()
            .map(|b| (b.member, b.round_date, b.deceased))
            .collect();
        assert_eq!(
            listed,
            [
                ("members/1".to_owned(), "2026-02-03".to_owned(), true),
                ("members/3".to_owned(), "2026-05-19".to_owned(), false),
            ]
        );
    }

    #[test]
    fn a_badge_already_handed_is_not_due_again() {
        let mut awarded = facts("1996-01-20");
        awarded.awarded = vec![30];
        assert_eq!(thirty(&awarded), None);
        assert!(due_badges(&awarded).iter().any(|due| due.years == 40));
    }
}

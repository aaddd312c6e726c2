//! Party badges (Huy hiệu Đảng), in plain Rust: the milestone of each badge from the admission
//! decision and the party-age gaps, and the award rounds at which a member is due, with the
//! early rules for the seriously ill and the deceased. No sqlx, no I/O.
//!
//! The rules, as data here (domain.md §3):
//! - the milestone of a badge of N years is the day party age reaches N years
//!   ([`partyregistry_rules::party_age::milestone`]: gaps move it by their months, then days);
//! - a badge stays due at every round (3/2, 19/5, 2/9, 7/11) from the first one on or after the
//!   milestone until it is recorded as handed;
//! - a seriously ill member is due from the first round on or after 12 months before the
//!   milestone (24 months for badges of 70 years and more), at that round and every later one,
//!   early reason `SERIOUSLY_ILL` while before the milestone;
//! - a deceased member who reached the milestone alive and was not handed the badge is awarded
//!   it posthumously, at every round after the death; one who died at most 12 months short of it
//!   (party age stops at death) likewise, early reason `POSTHUMOUS`;
//! - a member under a discipline's deferral on a round's day is not due at that round: from the
//!   discipline's decision for the months the regulation version in force on it gives for its
//!   form (reference: 6 after a warning, 12 after a dismissal from post, none after a
//!   reprimand, [A], Quy định 29-QĐ/TW on Huy hiệu Đảng, see
//!   [`partyregistry_rules::RuleVersion::badge_deferral_months`]); the badge is due again at
//!   the first round on or after the deferral's end, and at every later one until handed.

use chrono::{Datelike, NaiveDate};
use partyregistry_proto::reporting::v1::AwardRound;
use partyregistry_rules::{RuleTable, party_age};
use partyregistry_vocab::date::{self, Date};

use partyregistry_proto::reporting::v1::BadgeDue;
use partyregistry_vocab::{names, text};

use crate::model::history::MemberHistory;
use crate::model::units::Directory;
use crate::model::vocabulary::MemberStatus;
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
/// Months of party age a deceased member may lack and still be awarded the badge.
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
    /// The days a discipline defers every badge (first day, last day).
    pub deferrals: Vec<(Date, Date)>,
}

/// A badge a member is due at a round.
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
    /// Party age on the round day (on the day of death for the deceased), whole months.
    pub party_age_months: i64,
    /// `SERIOUSLY_ILL`, `POSTHUMOUS` or empty.
    pub early_reason: &'static str,
    /// The member had died by the round: the badge is awarded posthumously.
    pub posthumous: bool,
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

/// The day party age reaches `years`: see [`party_age::milestone`].
pub fn milestone(decided: Date, gaps: &[(Date, Date)], years: i32) -> Date {
    party_age::milestone(decided, gaps, u32::try_from(years.max(0) * 12).unwrap_or(0))
}

/// Every badge not yet handed that the member is due at the round `round` on `round_date`.
pub fn due_at(facts: &BadgeFacts, (round, round_date): (AwardRound, Date)) -> Vec<Due> {
    BADGE_YEARS
        .iter()
        .filter(|years| !facts.awarded.contains(years))
        .filter_map(|years| due(facts, *years, (round, round_date)))
        .collect()
}

/// The first day the badge of `years` may be handed: the milestone, or the start of the early
/// window of the seriously ill; for the deceased, the day after the death when they reached the
/// milestone alive or died at most 12 months short of it.
fn window_opens(facts: &BadgeFacts, years: i32, milestone: Date) -> Option<Date> {
    match facts.died {
        Some(died) if milestone <= died => Some(milestone),
        Some(died) if months_before(milestone, POSTHUMOUS_MONTHS) <= died => died.succ_opt(),
        Some(_) => None,
        None if facts.seriously_ill => {
            let months = if years >= LONG_WINDOW_FROM_YEARS {
                ILL_MONTHS_LONG
            } else {
                ILL_MONTHS
            };
            Some(months_before(milestone, months))
        }
        None => Some(milestone),
    }
}

fn due(facts: &BadgeFacts, years: i32, (round, round_date): (AwardRound, Date)) -> Option<Due> {
    let milestone = milestone(facts.decided, &facts.gaps, years);
    let opens = window_opens(facts, years, milestone)?;
    if round_date < first_round_from(opens).1 {
        return None;
    }
    if facts
        .deferrals
        .iter()
        .any(|(from, to)| (*from..=*to).contains(&round_date))
    {
        return None;
    }
    let posthumous = facts.died.is_some_and(|died| died < round_date);
    let early_reason = match (round_date < milestone, posthumous) {
        (false, _) => "",
        (true, true) => POSTHUMOUS,
        (true, false) => SERIOUSLY_ILL,
    };
    Some(Due {
        years,
        round,
        round_date,
        milestone,
        party_age_months: party_age::party_age_months(
            facts.decided,
            &facts.gaps,
            round_date,
            facts.died,
        ),
        early_reason,
        posthumous,
    })
}

/// The badges due at `rounds` (each with the communes its day counts): members on the roll of
/// those communes that day, and deceased members whose last roll period was in a commune the
/// scope counts on the round (or that became one of them by a merge); the deferrals of their
/// disciplines by `rules`. By round, then badge years (highest first), then roster order.
pub fn listed(
    directory: &Directory,
    rules: &RuleTable,
    rounds: &[(AwardRound, Date, Resolved)],
    members: &[MemberHistory],
) -> Vec<BadgeDue> {
    let mut due: Vec<(Date, i32, Vec<u8>, i64, BadgeDue)> = Vec::new();
    for member in members {
        let Some(decided) = member.party_age_start() else {
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
            deferrals: member
                .disciplines
                .iter()
                .filter_map(|(form, decided)| rules.badge_deferral(*form, *decided))
                .collect(),
        };
        let periods = member.roll_periods();
        for (round, round_date, resolved) in rounds {
            for badge in due_at(&facts, (*round, *round_date)) {
                let counted = |code: &str| resolved.communes.iter().any(|c| c.code == code);
                // The deceased are listed with the commune of their last roll period (or the
                // one it became by a merge); the living with the period covering the round.
                let period = if badge.posthumous {
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
                        deceased: badge.posthumous,
                    },
                ));
            }
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
            deferrals: Vec::new(),
        }
    }

    /// The badge of `years` at every round from the decision's year on, as long as it is due.
    fn rounds_due(facts: &BadgeFacts, years: i32) -> Vec<Due> {
        (facts.decided.year()..facts.decided.year() + 100)
            .flat_map(rounds_of)
            .filter_map(|round| {
                due_at(facts, round)
                    .into_iter()
                    .find(|due| due.years == years)
            })
            .collect()
    }

    /// The first round the badge of `years` is due at.
    fn first_due(facts: &BadgeFacts, years: i32) -> Option<Due> {
        rounds_due(facts, years).into_iter().next()
    }

    fn thirty(facts: &BadgeFacts) -> Option<Due> {
        first_due(facts, 30)
    }

    #[test]
    fn a_badge_not_handed_stays_due_at_every_later_round() {
        let member = facts("1996-05-10");
        let rounds: Vec<Date> = rounds_due(&member, 30)
            .iter()
            .take(4)
            .map(|due| due.round_date)
            .collect();
        assert_eq!(
            rounds,
            [
                d("2026-05-19"),
                d("2026-09-02"),
                d("2026-11-07"),
                d("2027-02-03")
            ]
        );
        let mut handed = member.clone();
        handed.awarded = vec![30];
        assert!(due_at(&handed, (AwardRound::September2, d("2026-09-02"))).is_empty());
    }

    #[test]
    fn a_seriously_ill_member_past_the_early_round_stays_due() {
        // Flagged after the early round of 7 November 2025: due at the next rounds, early until
        // the milestone of 1 October 2026, then on time.
        let mut ill = facts("1996-10-01");
        ill.seriously_ill = true;
        let later = due_at(&ill, (AwardRound::May19, d("2026-05-19")));
        assert_eq!(
            later
                .iter()
                .map(|due| (due.years, due.early_reason))
                .collect::<Vec<_>>(),
            [(30, SERIOUSLY_ILL)]
        );
        let after = due_at(&ill, (AwardRound::November7, d("2026-11-07")));
        assert_eq!(after[0].early_reason, "");
    }

    #[test]
    fn a_member_who_died_after_the_milestone_is_awarded_posthumously() {
        // Milestone 1 March 2025, due at 19 May 2025, died 1 June 2025 without the badge.
        let mut late_death = facts("1995-03-01");
        late_death.died = Some(d("2025-06-01"));
        let rounds = rounds_due(&late_death, 30);
        assert_eq!(
            (rounds[0].round_date, rounds[0].posthumous),
            (d("2025-05-19"), false)
        );
        let after = &rounds[1];
        assert_eq!(
            (after.round_date, after.posthumous, after.early_reason),
            (d("2025-09-02"), true, "")
        );
        // Party age stops at death: 30 years and 3 months, whatever the round.
        assert_eq!(after.party_age_months, 363);
        assert_eq!(rounds[5].party_age_months, 363);
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
        // A gap of twelve months after 15 January 2025.
        assert_eq!(due.milestone, d("2026-01-15"));
        assert_eq!(
            (due.round, due.round_date),
            (AwardRound::February3, d("2026-02-03"))
        );
        // 31 years and 19 days less the twelve months: 30 whole years.
        assert_eq!(due.party_age_months, 360);
        // A one-month gap moves the milestone by a month, not by 29 days onto the 2 September
        // round.
        let mut february = facts("1996-08-04");
        february.gaps = vec![(d("2000-02-01"), d("2000-02-29"))];
        let due = thirty(&february).expect("due");
        assert_eq!(
            (due.milestone, due.round_date),
            (d("2026-09-04"), d("2026-11-07"))
        );
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
        let seventy = first_due(&old, 70).expect("due");
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
        let listed: Vec<(String, String, bool)> =
            listed(&directory, &RuleTable::reference(), &rounds, &members)
                .into_iter()
                .map(|b| (b.member, b.round_date, b.deceased))
                .collect();
        // Each stays listed at every later round until the badge is recorded as handed.
        let expected: Vec<(String, String, bool)> = [
            ("members/1", "2026-02-03", true),
            ("members/1", "2026-05-19", true),
            ("members/3", "2026-05-19", false),
            ("members/1", "2026-09-02", true),
            ("members/3", "2026-09-02", false),
            ("members/1", "2026-11-07", true),
            ("members/3", "2026-11-07", false),
        ]
        .into_iter()
        .map(|(member, day, deceased)| (member.to_owned(), day.to_owned(), deceased))
        .collect();
        assert_eq!(listed, expected);
    }

    /// The rounds of 2026 and 2027 at which a member of Hợp Thành admitted on 1996-05-10 (30 years
    /// on 2026-05-10, first due on 2026-05-19) is listed, disciplined on 2026-03-19 (two months
    /// before that round) with `form`.
    fn listed_after(form: Option<partyregistry_rules::DisciplineForm>) -> Vec<String> {
        use crate::model::units::CommuneUnit;
        use crate::report::units::Scope;
        let directory = Directory {
            communes: vec![CommuneUnit {
                code: "02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province_code: "10".into(),
                valid_from: Some(d("1980-01-01")),
                valid_to: None,
            }],
            provinces: Vec::new(),
            merges: Vec::new(),
        };
        let member = MemberHistory {
            id: 9,
            full_name: "Lò Văn Chín".into(),
            status: MemberStatus::Official,
            decision_date: Some(d("1996-05-10")),
            disciplines: form.into_iter().map(|f| (f, d("2026-03-19"))).collect(),
            stints: vec![crate::model::stint::Stint {
                commune_code: "02680".into(),
                cell_id: "c".into(),
                from: d("1996-05-10"),
                to: None,
            }],
            ..MemberHistory::default()
        };
        let scope = Scope::Commune("02680".into());
        let rounds: Vec<(AwardRound, Date, Resolved)> = (2026..=2027)
            .flat_map(rounds_of)
            .map(|(round, day)| {
                (
                    round,
                    day,
                    directory.resolve(&scope, day).expect("resolves"),
                )
            })
            .collect();
        listed(&directory, &RuleTable::reference(), &rounds, &[member])
            .into_iter()
            .map(|badge| badge.round_date)
            .collect()
    }

    #[test]
    fn a_warning_defers_the_badge_six_months_and_a_dismissal_a_year() {
        use partyregistry_rules::DisciplineForm;
        let every = [
            "2026-05-19",
            "2026-09-02",
            "2026-11-07",
            "2027-02-03",
            "2027-05-19",
            "2027-09-02",
            "2027-11-07",
        ];
        assert_eq!(listed_after(None), every);
        // A reprimand defers nothing.
        assert_eq!(listed_after(Some(DisciplineForm::Reprimand)), every);
        // A warning of 2026-03-19 defers to 2026-09-19: not at the rounds of 19 May and 2
        // September, due from the first round after it.
        assert_eq!(listed_after(Some(DisciplineForm::Warning)), every[2..]);
        // A dismissal defers a year, to 2027-03-19.
        assert_eq!(listed_after(Some(DisciplineForm::Dismissal)), every[4..]);
    }

    #[test]
    fn a_badge_already_handed_is_not_due_again() {
        let mut awarded = facts("1996-01-20");
        awarded.awarded = vec![30];
        assert_eq!(thirty(&awarded), None);
        assert!(first_due(&awarded, 40).is_some());
    }

    #[test]
    fn a_readmitted_member_counts_from_the_first_decision() {
        use crate::model::units::CommuneUnit;
        use crate::report::units::Scope;
        let directory = Directory {
            communes: vec![CommuneUnit {
                code: "02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province_code: "10".into(),
                valid_from: Some(d("1980-01-01")),
                valid_to: None,
            }],
            provinces: Vec::new(),
            merges: Vec::new(),
        };
        // Admitted 1985-03-10, expelled 1995-06-01, re-admitted 2000-09-15: 30 years on
        // 2020-06-24, due at the round of 2 September 2020.
        let member = MemberHistory {
            id: 7,
            full_name: "Hoàng Văn Tám".into(),
            status: MemberStatus::Official,
            decision_date: Some(d("2000-09-15")),
            first_decision_date: Some(d("1985-03-10")),
            gaps: vec![(d("1995-06-01"), d("2000-09-14"))],
            stints: vec![crate::model::stint::Stint {
                commune_code: "02680".into(),
                cell_id: "c".into(),
                from: d("2000-09-15"),
                to: None,
            }],
            ..MemberHistory::default()
        };
        let scope = Scope::Commune("02680".into());
        let rounds: Vec<(AwardRound, Date, Resolved)> = rounds_of(2020)
            .into_iter()
            .map(|(round, day)| {
                (
                    round,
                    day,
                    directory.resolve(&scope, day).expect("resolves"),
                )
            })
            .collect();
        let due = listed(&directory, &RuleTable::reference(), &rounds, &[member]);
        let first = due.first().expect("due in 2020");
        assert_eq!(
            (
                first.badge_years,
                first.milestone_date.as_str(),
                first.round_date.as_str()
            ),
            (30, "2020-06-24", "2020-09-02")
        );
    }
}

//! Party age (tuổi đảng): counted from the admission decision, less the gaps (expulsion,
//! removal, lost contact, transfer gaps, the years between leaving and a re-admission), and
//! stopped at death. A gap is measured as whole months plus the days left over, and taken off
//! (or added to a milestone) month-wise, then day-wise: a milestone counted in months moves by
//! the gap's months, not by its length in days (a 29-day February gap moves it by one month,
//! not by 29 days), so that a milestone never falls one award round too early or too late.
//!
//! Worked example (domain.md §3, re-admission): admitted 1985-03-10, expelled 1995-06-01,
//! re-admitted 2000-09-15; the gap 1995-06-01 to 2000-09-14 is 63 months and 14 days, and
//! 30 years of party age are reached on 2015-03-10 + 63 months + 14 days = 2020-06-24.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// A gap's first and last day (both not counted in party age).
pub type Gap = (NaiveDate, NaiveDate);

fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    while months > 0
        && from
            .checked_add_months(Months::new(months as u32))
            .is_none_or(|reached| reached > to)
    {
        months -= 1;
    }
    u32::try_from(months.max(0)).unwrap_or(0)
}

/// The length of the days `from` to `to` (inclusive) as whole months and the days left over.
pub fn gap_length(from: NaiveDate, to: NaiveDate) -> (u32, i64) {
    let end = to.succ_opt().unwrap_or(to);
    if end <= from {
        return (0, 0);
    }
    let months = whole_months(from, end);
    let reached = from.checked_add_months(Months::new(months)).unwrap_or(from);
    (months, (end - reached).num_days())
}

/// The gaps that count after `decided`, clipped to start no earlier and to end no later than
/// `until`, sorted, with overlaps merged so that a day counts once.
fn counted_gaps(gaps: &[Gap], decided: NaiveDate, until: NaiveDate) -> Vec<Gap> {
    let mut clipped: Vec<Gap> = gaps
        .iter()
        .map(|(from, to)| ((*from).max(decided), (*to).min(until)))
        .filter(|(from, to)| from <= to)
        .collect();
    clipped.sort();
    let mut merged: Vec<Gap> = Vec::new();
    for (from, to) in clipped {
        match merged.last_mut() {
            Some(last) if from <= last.1 + Duration::days(1) => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// Party age on `day` in whole months: from `decided` to `day` (or to `died`, when earlier:
/// party age stops at death), less the gaps up to that day, each taken off month-wise, then
/// day-wise.
pub fn party_age_months(
    decided: NaiveDate,
    gaps: &[Gap],
    day: NaiveDate,
    died: Option<NaiveDate>,
) -> i64 {
    let day = died.map_or(day, |died| day.min(died));
    let (mut months, mut days) = (0u32, 0i64);
    // The gaps before `day`: the day itself is the one party age is asked about.
    let before = day.pred_opt().unwrap_or(day);
    for (from, to) in counted_gaps(gaps, decided, before) {
        let (m, d) = gap_length(from, to);
        months += m;
        days += d;
    }
    let counted = (day - Duration::days(days))
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    let whole = whole_months(decided, counted);
    if counted < decided {
        0
    } else {
        i64::from(whole)
    }
}

/// The day party age reaches `months`: `decided` plus the months, moved later by every gap that
/// starts before the day so moved (a gap that straddles it moves it past the whole gap), each
/// gap by its months, then its days.
pub fn milestone(decided: NaiveDate, gaps: &[Gap], months: u32) -> NaiveDate {
    let add = |day: NaiveDate, (m, d): (u32, i64)| {
        day.checked_add_months(Months::new(m))
            .map_or(NaiveDate::MAX, |moved| moved + Duration::days(d))
    };
    let mut day = add(decided, (months, 0));
    for (from, to) in counted_gaps(gaps, decided, NaiveDate::MAX) {
        if from >= day {
            break;
        }
        day = add(day, gap_length(from, to));
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn a_readmitted_member_reaches_30_years_on_2020_06_24() {
        let gaps = [(d(1995, 6, 1), d(2000, 9, 14))];
        assert_eq!(gap_length(d(1995, 6, 1), d(2000, 9, 14)), (63, 14));
        assert_eq!(milestone(d(1985, 3, 10), &gaps, 360), d(2020, 6, 24));
        assert_eq!(
            party_age_months(d(1985, 3, 10), &gaps, d(2020, 6, 24), None),
            360
        );
        assert_eq!(
            party_age_months(d(1985, 3, 10), &gaps, d(2020, 6, 23), None),
            359
        );
    }

    #[test]
    fn a_gap_moves_a_milestone_by_its_months() {
        // February 2000 is one month (29 days): 4 August 2026 moves to 4 September, not to
        // 2 September (an award round).
        let gaps = [(d(2000, 2, 1), d(2000, 2, 29))];
        assert_eq!(gap_length(d(2000, 2, 1), d(2000, 2, 29)), (1, 0));
        assert_eq!(milestone(d(1996, 8, 4), &gaps, 360), d(2026, 9, 4));
        assert_eq!(
            party_age_months(d(1996, 8, 4), &gaps, d(2026, 9, 3), None),
            359
        );
        // A whole year's gap is twelve months.
        let year = [(d(2000, 1, 1), d(2000, 12, 31))];
        assert_eq!(milestone(d(1995, 1, 15), &year, 360), d(2026, 1, 15));
        // Overlapping gaps count once; gaps before the decision not at all.
        let overlapping = [
            (d(2000, 1, 1), d(2000, 6, 30)),
            (d(2000, 4, 1), d(2000, 12, 31)),
            (d(1990, 1, 1), d(1990, 12, 31)),
        ];
        assert_eq!(milestone(d(1995, 1, 15), &overlapping, 360), d(2026, 1, 15));
    }

    #[test]
    fn party_age_stops_at_death() {
        let died = Some(d(2020, 1, 9));
        assert_eq!(
            party_age_months(d(1990, 1, 10), &[], d(2030, 1, 10), died),
            359
        );
        assert_eq!(
            party_age_months(d(1990, 1, 10), &[], d(2030, 1, 10), None),
            480
        );
        // An open gap running on the day counts up to that day.
        let open = [(d(2019, 1, 10), d(2099, 12, 31))];
        assert_eq!(
            party_age_months(d(1990, 1, 10), &open, d(2020, 1, 10), None),
            348
        );
    }
}

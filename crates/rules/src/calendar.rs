//! Working days: Monday to Friday, minus the days off kept as data (public holidays, their
//! compensatory days and the days off the Government moves each year), plus the make-up working
//! days (usually Saturdays) those moves come with, also kept as data. The regulations count the
//! admission decision, the ceremony and the recognition deadlines in working days.
//!
//! A year is loaded once the calendar holds any day of it; a count that runs through a year that
//! is not loaded says so ([`Due::unloaded_years`]) instead of silently counting every weekday.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

use crate::RuleVersion;

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// The committee's admission decision, counted from the cell's approval.
    AdmissionDecision,
    /// The ceremony, counted from the decision.
    Ceremony,
    /// Recognition, counted from the end of the probation.
    Recognition,
}

/// When a deadline's clock starts and the last day allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The day the clock starts (the day itself is not counted).
    pub clock_start: NaiveDate,
    /// The last working day allowed.
    pub due: NaiveDate,
    /// Years the count ran through whose calendar is not loaded: there every weekday counted as
    /// a working day, so `due` is provisional until an administrator loads those years. Empty
    /// when the count is exact.
    pub unloaded_years: Vec<i32>,
}

/// What a day recorded in the calendar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// No work: a public holiday, its compensatory day, or a day off moved by the Government.
    DayOff,
    /// A make-up working day (ngày làm bù), usually a Saturday, worked in exchange for a moved
    /// day off: for example Saturday 4 May 2024 for Monday 29 April 2024.
    MakeUpWorkingDay,
}

/// The working-day calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days_off: BTreeSet<NaiveDate>,
    make_up_days: BTreeSet<NaiveDate>,
    loaded_years: BTreeSet<i32>,
}

impl Calendar {
    /// A calendar with these days off and no make-up working day.
    pub fn new(days_off: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self::from_days(days_off.into_iter().map(|date| (date, DayKind::DayOff)))
    }

    /// A calendar of these recorded days; the years they fall in are loaded.
    pub fn from_days(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut calendar = Self::default();
        for (date, kind) in days {
            calendar.loaded_years.insert(date.year());
            match kind {
                DayKind::DayOff => calendar.days_off.insert(date),
                DayKind::MakeUpWorkingDay => calendar.make_up_days.insert(date),
            };
        }
        calendar
    }

    /// The reference calendar: [`reference_holidays`] and [`reference_make_up_days`].
    pub fn reference() -> Self {
        Self::from_days(
            reference_holidays()
                .into_iter()
                .map(|(date, _)| (date, DayKind::DayOff))
                .chain(
                    reference_make_up_days()
                        .into_iter()
                        .map(|(date, _)| (date, DayKind::MakeUpWorkingDay)),
                ),
        )
    }

    /// Whether the calendar holds any day of `year`.
    pub fn is_loaded(&self, year: i32) -> bool {
        self.loaded_years.contains(&year)
    }

    /// The years from `from`'s to `to`'s (in either order) whose calendar is not loaded.
    pub fn unloaded_years_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (low, high) = (from.min(to).year(), from.max(to).year());
        (low..=high).filter(|year| !self.is_loaded(*year)).collect()
    }

    /// A make-up working day, or Monday to Friday and not a day off.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date)
            || (!matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
                && !self.days_off.contains(&date))
    }

    /// The `count`-th working day after `start` (`start` itself is not counted; 0 gives `start`).
    pub fn add_working_days(&self, start: NaiveDate, count: u32) -> NaiveDate {
        let mut date = start;
        let mut left = count;
        while left > 0 {
            date += Duration::days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to`; negative when `to` is earlier (the
    /// working days after `to` up to and including `from`, counted negatively).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (low, high, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let days = (high - low).num_days();
        let count = (1..=days)
            .filter(|offset| self.is_working_day(low + Duration::days(*offset)))
            .count();
        sign * count as i64
    }

    /// The deadline of `kind` for a step that started on `start` (the cell's approval, the
    /// decision, or the ceremony), under `rules`; `extended` adds the one-time extension of the
    /// admission decision.
    pub fn due(
        &self,
        kind: DeadlineKind,
        start: NaiveDate,
        rules: &RuleVersion,
        extended: bool,
    ) -> Due {
        let (clock_start, working_days) = match kind {
            DeadlineKind::AdmissionDecision => {
                let extra = if extended {
                    rules.decision_extension_working_days
                } else {
                    0
                };
                (start, rules.decision_working_days + extra)
            }
            DeadlineKind::Ceremony => (start, rules.ceremony_working_days),
            DeadlineKind::Recognition => {
                let probation_end = start
                    .checked_add_months(Months::new(rules.probation_months))
                    .unwrap_or(NaiveDate::MAX);
                (probation_end, rules.recognition_working_days)
            }
        };
        let due = self.add_working_days(clock_start, working_days);
        Due {
            clock_start,
            due,
            unloaded_years: self.unloaded_years_between(clock_start, due),
        }
    }
}

/// Vietnam's days off on weekdays, 2021–2026, as published each year (the lunar new year and
/// Hùng Kings' day move; a holiday on a weekend is compensated on the next working day; the days
/// off the Government moves, each with its make-up Saturday in [`reference_make_up_days`]).
/// Reference data to load into the calendar, which administrators then keep up to date and
/// extend to 2027 and later.
pub fn reference_holidays() -> Vec<(NaiveDate, &'static str)> {
    const TET: &str = "Tết Nguyên đán";
    const HUNG_KINGS: &str = "Giỗ Tổ Hùng Vương";
    const REUNIFICATION: &str = "Ngày Giải phóng miền Nam";
    const LABOUR: &str = "Ngày Quốc tế Lao động";
    const NATIONAL: &str = "Quốc khánh";
    const NEW_YEAR: &str = "Tết Dương lịch";
    const MOVED: &str = "Ngày nghỉ hoán đổi";
    let days: [((i32, u32, u32), &str); 57] = [
        ((2021, 1, 1), NEW_YEAR),
        ((2021, 2, 10), TET),
        ((2021, 2, 11), TET),
        ((2021, 2, 12), TET),
        ((2021, 2, 15), TET),
        ((2021, 2, 16), TET),
        ((2021, 4, 21), HUNG_KINGS),
        ((2021, 4, 30), REUNIFICATION),
        ((2021, 5, 3), LABOUR),
        ((2021, 9, 2), NATIONAL),
        ((2021, 9, 3), NATIONAL),
        ((2022, 1, 3), NEW_YEAR),
        ((2022, 1, 31), TET),
        ((2022, 2, 1), TET),
        ((2022, 2, 2), TET),
        ((2022, 2, 3), TET),
        ((2022, 2, 4), TET),
        ((2022, 4, 11), HUNG_KINGS),
        ((2022, 5, 2), REUNIFICATION),
        ((2022, 5, 3), LABOUR),
        ((2022, 9, 1), NATIONAL),
        ((2022, 9, 2), NATIONAL),
        ((2023, 1, 2), NEW_YEAR),
        ((2023, 1, 20), TET),
        ((2023, 1, 23), TET),
        ((2023, 1, 24), TET),
        ((2023, 1, 25), TET),
        ((2023, 1, 26), TET),
        ((2023, 5, 1), LABOUR),
        ((2023, 5, 2), REUNIFICATION),
        ((2023, 5, 3), HUNG_KINGS),
        ((2023, 9, 1), NATIONAL),
        ((2023, 9, 4), NATIONAL),
        ((2024, 1, 1), NEW_YEAR),
        ((2024, 2, 8), TET),
        ((2024, 2, 9), TET),
        ((2024, 2, 12), TET),
        ((2024, 2, 13), TET),
        ((2024, 2, 14), TET),
        ((2024, 4, 18), HUNG_KINGS),
        ((2024, 4, 29), MOVED),
        ((2024, 4, 30), REUNIFICATION),
        ((2024, 5, 1), LABOUR),
        ((2024, 9, 2), NATIONAL),
        ((2024, 9, 3), NATIONAL),
        ((2025, 1, 1), NEW_YEAR),
        ((2025, 1, 27), TET),
        ((2025, 1, 28), TET),
        ((2025, 1, 29), TET),
        ((2025, 1, 30), TET),
        ((2025, 1, 31), TET),
        ((2025, 4, 7), HUNG_KINGS),
        ((2025, 4, 30), REUNIFICATION),
        ((2025, 5, 1), LABOUR),
        ((2025, 5, 2), MOVED),
        ((2025, 9, 1), NATIONAL),
        ((2025, 9, 2), NATIONAL),
    ];
    let from_2026: [((i32, u32, u32), &str); 12] = [
        ((2026, 1, 1), NEW_YEAR),
        ((2026, 1, 2), MOVED),
        ((2026, 2, 16), TET),
        ((2026, 2, 17), TET),
        ((2026, 2, 18), TET),
        ((2026, 2, 19), TET),
        ((2026, 2, 20), TET),
        ((2026, 4, 27), HUNG_KINGS),
        ((2026, 4, 30), REUNIFICATION),
        ((2026, 5, 1), LABOUR),
        // [A] The day adjacent to 2 September (Labour Code art. 112: "02 ngày (ngày 02 tháng 9
        // dương lịch và 01 ngày liền kề trước hoặc sau)"); taken as the day before, as in 2025.
        // Data: an administrator corrects it if the Government chose 3 September.
        ((2026, 9, 1), NATIONAL),
        ((2026, 9, 2), NATIONAL),
    ];
    days.iter()
        .chain(from_2026.iter())
        .filter_map(|((y, m, d), name)| {
            NaiveDate::from_ymd_opt(*y, *m, *d).map(|date| (date, *name))
        })
        .collect()
}

/// The make-up working Saturdays of the reference years, each paired with the day off it buys
/// (Thông báo of the Ministry of Labour / Home Affairs each year): Saturday 4 May 2024 for
/// Monday 29 April 2024, Saturday 26 April 2025 for Friday 2 May 2025, Saturday 10 January 2026
/// for Friday 2 January 2026.
pub fn reference_make_up_days() -> Vec<(NaiveDate, &'static str)> {
    const MAKE_UP: &str = "Làm bù";
    [(2024, 5, 4), (2025, 4, 26), (2026, 1, 10)]
        .iter()
        .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d).map(|date| (date, MAKE_UP)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn reference() -> Calendar {
        Calendar::reference()
    }

    #[test]
    fn moved_days_off_and_make_up_saturdays_are_kept() {
        let calendar = reference();
        for (off, make_up) in [
            (d(2024, 4, 29), d(2024, 5, 4)),
            (d(2025, 5, 2), d(2025, 4, 26)),
            (d(2026, 1, 2), d(2026, 1, 10)),
        ] {
            assert!(!calendar.is_working_day(off), "{off} is a day off");
            assert!(calendar.is_working_day(make_up), "{make_up} is worked");
        }
        assert!(!calendar.is_working_day(d(2026, 9, 1)), "two National Days");
        assert!(!calendar.is_working_day(d(2026, 9, 2)));
        // Friday 26 April 2024, then 29 April, 30 April and 1 May off: the next working day is
        // Thursday 2 May; after Friday 3 May comes the make-up Saturday 4 May.
        assert_eq!(calendar.add_working_days(d(2024, 4, 26), 1), d(2024, 5, 2));
        assert_eq!(calendar.add_working_days(d(2024, 5, 3), 1), d(2024, 5, 4));
        assert_eq!(
            calendar.working_days_between(d(2025, 4, 25), d(2025, 4, 28)),
            2,
            "Saturday 26 April and Monday 28 April"
        );
        assert_eq!(
            calendar.working_days_between(d(2025, 4, 29), d(2025, 5, 5)),
            1,
            "30 April, 1 and 2 May off"
        );
    }

    #[test]
    fn a_count_through_a_year_not_loaded_is_flagged() {
        let calendar = reference();
        let rules = RuleVersion::regulation_2025();
        let exact = calendar.due(DeadlineKind::Ceremony, d(2026, 6, 1), &rules, false);
        assert!(exact.unloaded_years.is_empty(), "{exact:?}");
        let provisional = calendar.due(DeadlineKind::Ceremony, d(2026, 12, 15), &rules, false);
        assert_eq!(provisional.unloaded_years, [2027]);
        assert!(!calendar.is_loaded(2027));
        let loaded = Calendar::from_days(
            reference_holidays()
                .into_iter()
                .map(|(date, _)| (date, DayKind::DayOff))
                .chain([(d(2027, 1, 1), DayKind::DayOff)]),
        );
        let counted = loaded.due(DeadlineKind::Ceremony, d(2026, 12, 15), &rules, false);
        assert!(counted.unloaded_years.is_empty());
        assert_eq!(
            Calendar::default().unloaded_years_between(d(2020, 5, 1), d(2019, 3, 1)),
            [2019, 2020]
        );
    }

    #[test]
    fn weekends_are_skipped() {
        let calendar = Calendar::default();
        // Friday 2022-07-01 + 1 working day = Monday 2022-07-04.
        assert_eq!(calendar.add_working_days(d(2022, 7, 1), 1), d(2022, 7, 4));
        assert_eq!(calendar.add_working_days(d(2022, 7, 1), 0), d(2022, 7, 1));
        assert_eq!(
            calendar.working_days_between(d(2022, 7, 1), d(2022, 7, 8)),
            5
        );
        assert_eq!(
            calendar.working_days_between(d(2022, 7, 8), d(2022, 7, 1)),
            -5
        );
    }

    #[test]
    fn holidays_are_skipped_across_tet() {
        let calendar = reference();
        // Friday 28 January 2022; Tết closes 31 Jan – 4 Feb; the first working day after is 7 Feb.
        assert_eq!(calendar.add_working_days(d(2022, 1, 28), 1), d(2022, 2, 7));
        assert_eq!(
            calendar.working_days_between(d(2022, 1, 28), d(2022, 2, 7)),
            1
        );
        assert!(!calendar.is_working_day(d(2022, 9, 2)));
        assert!(calendar.is_working_day(d(2022, 9, 5)));
    }

    #[test]
    fn ceremony_deadline_is_30_working_days_after_the_decision() {
        let calendar = reference();
        let rules = RuleVersion::regulation_2021();
        // Decision Wednesday 2022-08-17: 30 working days, skipping 1–2 September, end on 30 September.
        let due = calendar.due(DeadlineKind::Ceremony, d(2022, 8, 17), &rules, false);
        assert_eq!(due.due, d(2022, 9, 30));
        assert_eq!(calendar.working_days_between(d(2022, 8, 17), due.due), 30);
    }

    #[test]
    fn decision_deadline_can_be_extended_once() {
        let calendar = Calendar::default();
        let rules = RuleVersion::regulation_2025();
        let normal = calendar.due(
            DeadlineKind::AdmissionDecision,
            d(2025, 9, 1),
            &rules,
            false,
        );
        let extended = calendar.due(DeadlineKind::AdmissionDecision, d(2025, 9, 1), &rules, true);
        assert_eq!(calendar.working_days_between(d(2025, 9, 1), normal.due), 60);
        assert_eq!(calendar.working_days_between(normal.due, extended.due), 30);
    }

    #[test]
    fn recognition_clock_starts_after_12_months_of_probation() {
        let calendar = reference();
        let rules = RuleVersion::regulation_2021();
        let due = calendar.due(DeadlineKind::Recognition, d(2021, 4, 20), &rules, false);
        assert_eq!(due.clock_start, d(2022, 4, 20));
        // 30 working days from 20 April 2022, skipping 2 and 3 May.
        assert_eq!(due.due, d(2022, 6, 3));
    }

    #[test]
    fn reference_holidays_fall_on_weekdays_and_make_up_days_on_saturdays() {
        for (date, name) in reference_holidays() {
            assert!(
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                "{date} {name}"
            );
        }
        for (date, _) in reference_make_up_days() {
            assert_eq!(date.weekday(), Weekday::Sat, "{date}");
        }
    }
}

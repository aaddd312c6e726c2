//! Temporal protection for callers who may read aggregates only: the days a report describes are
//! moved to the ends of whole disclosure periods that have passed, so that two reports a day
//! apart cannot be subtracted to describe the one person who joined or left in between; and, for
//! the same reason, the statistics' bands are the default ones.
//!
//! Owns the periods, the snapping of days and of each request's dates ([`Periods`]). Does not own
//! who is snapped (the caller's rights, decided by [`super::Access`]) nor the reports' own checks
//! of the dates (an unreadable date is left as it is, for the report to refuse naming its field).

use chrono::{Datelike, Days, NaiveDate};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::audit::v1::{ListAuditEntriesRequest, VerifyAuditTrailRequest};
use partyregistry_proto::reporting::v1::{
    GetAdmissionProgressRequest, GetAdmissionsReportRequest, GetCellHealthRequest,
    GetCellRatingSummaryRequest, GetCommuneReportRequest, GetFreshnessRequest,
    GetMonthlyBriefingRequest, GetMovementsRequest, GetPipelineRequest, GetStatisticsRequest,
    ListBadgesDueRequest, ListDeadlinesRequest, RankCommunesRequest,
};
use partyregistry_vocab::date::{self, Date};

use crate::report::commune::DEFAULT_AGE_BOUNDS;
use crate::report::statistics::DEFAULT_PARTY_AGE_BOUNDS;

/// The span whose ends an aggregates-only caller's reports describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Period {
    /// Calendar months: reports as of a month's last day.
    #[default]
    Month,
    /// Calendar quarters (ending 31 March, 30 June, 30 September, 31 December).
    Quarter,
    /// Calendar years (ending 31 December).
    Year,
}

impl Period {
    /// The months a period spans.
    fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::Year => 12,
        }
    }

    /// The first day of the period holding `day`.
    pub fn start_of(self, day: Date) -> Date {
        let month0 = day.month0() / self.months() * self.months();
        // Day 1 of a month of the same year always exists.
        NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).unwrap_or(day)
    }

    /// The last day of the period holding `day`.
    pub fn end_of(self, day: Date) -> Date {
        let next = date::add_months(self.start_of(day), self.months());
        next.pred_opt().unwrap_or(day)
    }

    /// The last period end on or before `day`: `day` itself when it ends a period, else the last
    /// day of the period before.
    pub fn end_on_or_before(self, day: Date) -> Date {
        if self.end_of(day) == day {
            day
        } else {
            self.start_of(day).pred_opt().unwrap_or(day)
        }
    }

    /// The last day of the latest period that has wholly passed on `today` (a period still
    /// running today is not over).
    pub fn last_ended(self, today: Date) -> Date {
        self.end_on_or_before(today.checked_sub_days(Days::new(1)).unwrap_or(today))
    }

    /// The day an aggregates-only caller's report describes when `day` is asked for: the last
    /// period end on or before it that has passed by `today`.
    pub fn snap(self, day: Date, today: Date) -> Date {
        self.end_on_or_before(day.min(self.last_ended(today)))
    }

    /// The wording of the period in an error.
    fn word(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }
}

/// A request whose days are moved to period ends for an aggregates-only caller.
pub trait Periods {
    /// Moves the request's days to whole periods of `period` that have passed by `today`, or
    /// refuses (INVALID_ARGUMENT naming the field) when no such period fits the request.
    fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError>;
}

/// A day field: empty (meaning `default`) or a date; an unreadable one is `None`, left for the
/// report to refuse.
fn read(text: &str, default: Date) -> Option<Date> {
    if text.is_empty() {
        Some(default)
    } else {
        date::parse(text).ok()
    }
}

/// Snaps an optional as-of day whose default is today.
fn snap_as_of(field: &mut String, period: Period, today: Date) {
    if let Some(day) = read(field, today) {
        *field = date::format(period.snap(day, today));
    }
}

/// Snaps the as-of day of a report about one `year` (0: the as-of day's): the day stays in
/// the year, so a year none of whose periods has passed is refused.
fn snap_in_year(
    year: i32,
    as_of: &mut String,
    period: Period,
    today: Date,
) -> Result<(), ApiError> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31);
    let default = match year_end {
        Some(end) if year != 0 => today.min(end),
        _ => today,
    };
    let Some(day) = read(as_of, default) else {
        return Ok(());
    };
    let snapped = period.snap(day, today);
    if year != 0 && snapped.year() < year {
        return Err(ApiError::invalid(
            "as_of_date",
            format!(
                "no whole {} of {year} has passed yet: figures for callers without the records \
                 right describe the end of a past {}",
                period.word(),
                period.word()
            ),
        ));
    }
    *as_of = date::format(snapped);
    Ok(())
}

macro_rules! snapped_as_of {
    ($($request:ty),*) => {
        $(impl Periods for $request {
            fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError> {
                snap_as_of(&mut self.as_of_date, period, today);
                Ok(())
            }
        })*
    };
}

snapped_as_of!(
    GetCommuneReportRequest,
    GetPipelineRequest,
    GetCellHealthRequest
);

impl Periods for GetStatisticsRequest {
    fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError> {
        snap_as_of(&mut self.as_of_date, period, today);
        // Bands of the caller's choosing would cut the same people twice (ages up to 40, then up
        // to 41: the members aged 41), so such a caller gets the default bands only.
        for (field, bounds, default) in [
            (
                "age_band_upper_bounds",
                &self.age_band_upper_bounds,
                &DEFAULT_AGE_BOUNDS[..],
            ),
            (
                "party_age_band_upper_bounds",
                &self.party_age_band_upper_bounds,
                &DEFAULT_PARTY_AGE_BOUNDS[..],
            ),
        ] {
            if !bounds.is_empty() && bounds.as_slice() != default {
                return Err(ApiError::invalid(
                    field,
                    format!(
                        "callers without the records right get the default bands ({default:?}): \
                         leave it empty"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Periods for GetAdmissionProgressRequest {
    fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError> {
        snap_in_year(self.year, &mut self.as_of_date, period, today)
    }
}

impl Periods for RankCommunesRequest {
    fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError> {
        snap_in_year(self.year, &mut self.as_of_date, period, today)
    }
}

impl Periods for GetMovementsRequest {
    fn snap(&mut self, period: Period, today: Date) -> Result<(), ApiError> {
        // Both days are required; a missing or unreadable one is the report's to refuse.
        let (Ok(from), Ok(to)) = (date::parse(&self.from_date), date::parse(&self.to_date)) else {
            return Ok(());
        };
        if to < from {
            return Ok(());
        }
        let from = period.start_of(from);
        let to = period.end_of(to).min(period.last_ended(today));
        if to < from {
            return Err(ApiError::invalid(
                "to_date",
                format!(
                    "the {} holding from_date has not ended: movements for callers without the \
                     records right cover whole past {}s",
                    period.word(),
                    period.word()
                ),
            ));
        }
        self.from_date = date::format(from);
        self.to_date = date::format(to);
        Ok(())
    }
}

/// Requests with no day to move: whole years (admissions per month of past and current years,
/// ratings of a year), reports that need the records right (never snapped), and no figures.
macro_rules! unsnapped {
    ($($request:ty),*) => {
        $(impl Periods for $request {
            fn snap(&mut self, _period: Period, _today: Date) -> Result<(), ApiError> {
                Ok(())
            }
        })*
    };
}

unsnapped!(
    GetAdmissionsReportRequest,
    GetCellRatingSummaryRequest,
    ListDeadlinesRequest,
    GetMonthlyBriefingRequest,
    ListBadgesDueRequest,
    GetFreshnessRequest,
    ListAuditEntriesRequest,
    VerifyAuditTrailRequest
);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        date::parse(text).expect("a test date")
    }

    #[test]
    fn days_snap_back_to_the_last_passed_period_end() {
        let today = d("2026-12-03");
        let month = Period::Month;
        assert_eq!(month.snap(d("2022-06-02"), today), d("2022-05-31"));
        assert_eq!(month.snap(d("2022-06-03"), today), d("2022-05-31"));
        assert_eq!(month.snap(d("2022-06-30"), today), d("2022-06-30"));
        assert_eq!(month.snap(d("2024-03-01"), today), d("2024-02-29"));
        // The running month has not passed; nor has any later day.
        assert_eq!(month.snap(d("2026-12-03"), today), d("2026-11-30"));
        assert_eq!(month.snap(d("2030-12-31"), today), d("2026-11-30"));
        assert_eq!(
            month.snap(d("2026-11-30"), d("2026-11-30")),
            d("2026-10-31")
        );
        assert_eq!(
            month.snap(d("2026-11-30"), d("2026-12-01")),
            d("2026-11-30")
        );
        assert_eq!(
            Period::Quarter.snap(d("2022-06-02"), today),
            d("2022-03-31")
        );
        assert_eq!(
            Period::Quarter.snap(d("2022-09-30"), today),
            d("2022-09-30")
        );
        assert_eq!(Period::Year.snap(d("2022-06-02"), today), d("2021-12-31"));
        assert_eq!(Period::Year.snap(d("2026-12-03"), today), d("2025-12-31"));
    }

    #[test]
    fn periods_start_and_end_on_calendar_bounds() {
        assert_eq!(Period::Quarter.start_of(d("2022-05-17")), d("2022-04-01"));
        assert_eq!(Period::Quarter.end_of(d("2022-05-17")), d("2022-06-30"));
        assert_eq!(Period::Year.end_of(d("2022-05-17")), d("2022-12-31"));
        assert_eq!(Period::Month.end_of(d("2023-02-10")), d("2023-02-28"));
    }

    #[test]
    fn movements_cover_whole_passed_periods() {
        let today = d("2026-12-03");
        let mut request = GetMovementsRequest {
            scope: "provinces/15".into(),
            from_date: "2022-06-03".into(),
            to_date: "2022-06-03".into(),
        };
        request.snap(Period::Month, today).expect("snapped");
        assert_eq!(
            (request.from_date.as_str(), request.to_date.as_str()),
            ("2022-06-01", "2022-06-30")
        );
        let mut running = GetMovementsRequest {
            scope: "provinces/15".into(),
            from_date: "2026-12-01".into(),
            to_date: "2026-12-02".into(),
        };
        let error = running
            .snap(Period::Month, today)
            .expect_err("the month is running");
        assert!(error.to_string().contains("to_date"), "{error}");
        let mut partly = GetMovementsRequest {
            scope: "country".into(),
            from_date: "2026-01-15".into(),
            to_date: "2026-12-02".into(),
        };
        partly.snap(Period::Quarter, today).expect("snapped");
        assert_eq!(
            (partly.from_date.as_str(), partly.to_date.as_str()),
            ("2026-01-01", "2026-09-30")
        );
    }

    #[test]
    fn statistics_keep_the_default_bands() {
        let today = d("2026-12-03");
        let mut default = GetStatisticsRequest {
            scope: "provinces/15".into(),
            as_of_date: "2022-06-03".into(),
            age_band_upper_bounds: DEFAULT_AGE_BOUNDS.to_vec(),
            ..GetStatisticsRequest::default()
        };
        default
            .snap(Period::Month, today)
            .expect("the default bands");
        assert_eq!(default.as_of_date, "2022-05-31");
        let mut own = GetStatisticsRequest {
            scope: "provinces/15".into(),
            age_band_upper_bounds: vec![30, 41],
            ..GetStatisticsRequest::default()
        };
        let error = own
            .snap(Period::Month, today)
            .expect_err("bands of its own");
        assert!(
            error.to_string().contains("age_band_upper_bounds"),
            "{error}"
        );
        let mut party = GetStatisticsRequest {
            scope: "provinces/15".into(),
            party_age_band_upper_bounds: vec![10],
            ..GetStatisticsRequest::default()
        };
        let error = party
            .snap(Period::Month, today)
            .expect_err("bands of its own");
        assert!(
            error.to_string().contains("party_age_band_upper_bounds"),
            "{error}"
        );
    }

    #[test]
    fn a_year_with_no_passed_period_is_refused_naming_the_day() {
        let mut request = RankCommunesRequest {
            province: "provinces/15".into(),
            indicator: 1,
            year: 2026,
            as_of_date: "2026-01-20".into(),
        };
        let error = request
            .snap(Period::Month, d("2026-12-03"))
            .expect_err("January has not been reported yet");
        assert!(error.to_string().contains("as_of_date"), "{error}");
        let mut default_day = GetAdmissionProgressRequest {
            commune: "communes/02680".into(),
            year: 2022,
            as_of_date: String::new(),
        };
        default_day
            .snap(Period::Month, d("2026-12-03"))
            .expect("snapped");
        assert_eq!(default_day.as_of_date, "2022-12-31");
    }
}

//! Reading the common fields of report requests (scopes, days, years), each failure naming the
//! field at fault.

use chrono::NaiveDate;
use partyregistry_kit::error::ApiError;
use partyregistry_vocab::date::{self, Date};

use crate::report::units::Scope;
use crate::store::AdmissionWindow;

/// Reads a scope, naming `field` on failure.
pub(crate) fn parse_scope(field: &str, text: &str) -> Result<Scope, ApiError> {
    Scope::parse(text).ok_or_else(|| {
        ApiError::invalid(
            field,
            "must be communes/{code}, provinces/{code} or country",
        )
    })
}

/// Parses a required day, naming `field` on failure.
pub(crate) fn parse_day(field: &str, text: &str) -> Result<Date, ApiError> {
    date::parse(text).map_err(|error| ApiError::invalid(field, error.to_string()))
}

/// Parses an optional day; empty means today in Vietnam.
pub(crate) fn day_or_today(field: &str, text: &str) -> Result<Date, ApiError> {
    if text.is_empty() {
        Ok(date::today_in_vietnam())
    } else {
        parse_day(field, text)
    }
}

/// The window of a report that counts no admissions: rolls on `day`.
pub(crate) fn on_day(day: Date) -> AdmissionWindow {
    AdmissionWindow {
        roll_day: day,
        admissions_from: day,
        admissions_to: day,
    }
}

/// The first or last day of a year already checked to lie in 1900..=2200.
pub(crate) fn year_bound(year: i32, month: u32, day: u32) -> Result<NaiveDate, ApiError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| ApiError::Internal(format!("year {year} out of range")))
}

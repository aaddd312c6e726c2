//! Calendar dates as the contracts carry them (`YYYY-MM-DD`), month arithmetic for the rules that
//! count in months, and "today" in Vietnam.

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, Utc};

pub use chrono::NaiveDate as Date;

/// Dates before this are typing mistakes, not history.
const EARLIEST: (i32, u32, u32) = (1900, 1, 1);
/// Dates after this are typing mistakes, not plans.
const LATEST: (i32, u32, u32) = (2200, 12, 31);

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`, or not a real calendar day.
    #[error("must be a date of the form YYYY-MM-DD")]
    Malformed,
    /// Outside 1900-01-01 ..= 2200-12-31.
    #[error("must be between 1900-01-01 and 2200-12-31")]
    OutOfRange,
}

impl DateError {
    /// The reason in Vietnamese, for a person typing the date.
    pub fn vietnamese(&self) -> &'static str {
        match self {
            Self::Malformed => "cần một ngày có thật, viết YYYY-MM-DD",
            Self::OutOfRange => "phải trong khoảng 1900-01-01 đến 2200-12-31",
        }
    }
}

/// Parses `YYYY-MM-DD` strictly (exactly ten characters; real calendar day; 1900–2200).
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Malformed);
    }
    // Read from the digits the shape check found, rather than through chrono's format parser:
    // dates are read on every stored row, and the parser took most of the time.
    let number = |digits: &[u8]| {
        digits
            .iter()
            .fold(0_u32, |n, digit| n * 10 + u32::from(digit - b'0'))
    };
    let year = i32::try_from(number(&bytes[..4])).map_err(|_| DateError::Malformed)?;
    let date = NaiveDate::from_ymd_opt(year, number(&bytes[5..7]), number(&bytes[8..10]))
        .ok_or(DateError::Malformed)?;
    let (ey, em, ed) = EARLIEST;
    let (ly, lm, ld) = LATEST;
    let in_range = NaiveDate::from_ymd_opt(ey, em, ed).is_some_and(|min| date >= min)
        && NaiveDate::from_ymd_opt(ly, lm, ld).is_some_and(|max| date <= max);
    if in_range {
        Ok(date)
    } else {
        Err(DateError::OutOfRange)
    }
}

/// Parses an optional date: the empty string is `None`.
pub fn parse_optional(text: &str) -> Result<Option<NaiveDate>, DateError> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

/// Formats a date as `YYYY-MM-DD` (as chrono's `%Y-%m-%d` does: a year outside 0–9999 is
/// written with its sign and all its digits).
pub fn format(date: NaiveDate) -> String {
    let year = date.year();
    if (0..=9999).contains(&year) {
        // Written directly: chrono's formatter reads its format string on every call.
        format!("{year:04}-{:02}-{:02}", date.month(), date.day())
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// Formats an optional date; `None` is the empty string.
pub fn format_optional(date: Option<NaiveDate>) -> String {
    date.map(format).unwrap_or_default()
}

/// Adds whole months, clamping to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole months from `from` to `to` (negative when `to` is earlier), counting a month only once its
/// day is reached: from 2004-05-20, the 18th birthday in months (216) is reached on 2022-05-20.
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if months > 0 && to.day() < from.day() && !is_clamped_month_end(from, to) {
        months - 1
    } else if months < 0 && to.day() > from.day() {
        months + 1
    } else {
        months
    }
}

/// True when `to` is the last day of its month and `from`'s day does not exist in that month
/// (born on 31 January: the month is complete on 28 February).
fn is_clamped_month_end(from: NaiveDate, to: NaiveDate) -> bool {
    let next_day = to + Duration::days(1);
    next_day.month() != to.month() && from.day() > to.day()
}

/// Whole years of age on `on` for someone born on `birth`.
pub fn age_in_years(birth: NaiveDate, on: NaiveDate) -> i64 {
    whole_months_between(birth, on).div_euclid(12)
}

/// Today's date in Vietnam (UTC+7), the calendar the regulations count in.
pub fn today_in_vietnam() -> NaiveDate {
    // The offset is a constant within ±24 h, so `east_opt` always succeeds; UTC is the fallback.
    FixedOffset::east_opt(7 * 3600)
        .map(|offset| Utc::now().with_timezone(&offset).date_naive())
        .unwrap_or_else(|| Utc::now().date_naive())
}

/// An instant (seconds and nanoseconds since 1970 UTC) as Vietnam's wall-clock time with its zone,
/// `YYYY-MM-DD HH:MM:SS +07:00`; `None` for an instant out of range.
pub fn format_vietnam_time(seconds: i64, nanos: u32) -> Option<String> {
    let utc = chrono::DateTime::from_timestamp(seconds, nanos)?;
    // Vietnam keeps UTC+7 all year; the offset is a constant within ±24 h, so `east_opt` succeeds.
    let vietnam = FixedOffset::east_opt(7 * 3600)?;
    Some(
        utc.with_timezone(&vietnam)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_in_vietnam_time_with_the_zone() {
        assert_eq!(
            format_vietnam_time(1_656_547_200, 0).as_deref(),
            Some("2022-06-30 07:00:00 +07:00")
        );
    }

    fn d(text: &str) -> NaiveDate {
        parse(text).expect("test dates are valid")
    }

    #[test]
    fn parse_rejects_malformed_and_impossible_dates() {
        assert_eq!(parse("2022-02-30"), Err(DateError::Malformed));
        assert_eq!(parse("2022-2-3"), Err(DateError::Malformed));
        assert_eq!(parse("+2022-02-03"), Err(DateError::Malformed));
        assert_eq!(parse("1899-12-31"), Err(DateError::OutOfRange));
        assert_eq!(
            parse("2022-02-28"),
            Ok(NaiveDate::from_ymd_opt(2022, 2, 28).expect("valid"))
        );
    }

    #[test]
    fn dates_are_written_and_read_as_chrono_writes_and_reads_them() {
        let mut day = NaiveDate::from_ymd_opt(1899, 12, 1).expect("valid");
        let last = NaiveDate::from_ymd_opt(2201, 1, 31).expect("valid");
        while day <= last {
            let chrono_text = day.format("%Y-%m-%d").to_string();
            assert_eq!(format(day), chrono_text);
            let in_range = (1900..=2200).contains(&day.year());
            assert_eq!(
                parse(&chrono_text),
                if in_range {
                    Ok(day)
                } else {
                    Err(DateError::OutOfRange)
                }
            );
            day += Duration::days(1);
        }
        for far in [
            NaiveDate::MAX,
            NaiveDate::MIN,
            d("2022-02-28") + Duration::days(3_000_000),
        ] {
            assert_eq!(format(far), far.format("%Y-%m-%d").to_string());
        }
        for malformed in [
            "2022-13-01",
            "2022-00-10",
            "2022-04-31",
            "2023-02-29",
            "2022-01-00",
        ] {
            assert_eq!(parse(malformed), Err(DateError::Malformed), "{malformed}");
        }
        assert_eq!(parse("2024-02-29"), Ok(d("2024-02-29")));
    }

    #[test]
    fn whole_months_count_only_reached_days() {
        assert_eq!(whole_months_between(d("2004-05-20"), d("2022-05-19")), 215);
        assert_eq!(whole_months_between(d("2004-05-20"), d("2022-05-20")), 216);
        assert_eq!(whole_months_between(d("2021-01-31"), d("2021-02-28")), 1);
        assert_eq!(whole_months_between(d("2022-05-20"), d("2022-04-21")), 0);
        assert_eq!(whole_months_between(d("2022-05-20"), d("2022-04-20")), -1);
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(d("2021-01-31"), 1), d("2021-02-28"));
        assert_eq!(add_months(d("2021-03-15"), 12), d("2022-03-15"));
    }

    #[test]
    fn age_in_years_changes_on_the_birthday() {
        assert_eq!(age_in_years(d("1990-07-01"), d("2022-06-30")), 31);
        assert_eq!(age_in_years(d("1990-07-01"), d("2022-07-01")), 32);
    }
}

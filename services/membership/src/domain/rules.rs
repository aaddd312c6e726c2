//! The regulation table: every number the admission and lifecycle rules use, per regulation
//! version, keyed by the date of the event. Quy định 24-QĐ/TW (with Hướng dẫn 01-HD/TW) applied
//! until 30 June 2025; Quy định 294-QĐ/TW (with Hướng dẫn 06-HD/TW) from 1 July 2025.

use chrono::NaiveDate;

/// The numbers of one regulation version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    /// Identifier recorded on each event, for example `24-QĐ/TW`.
    pub id: &'static str,
    /// First day in force as (year, month, day); the earliest version also covers older events.
    pub in_force_from: (i32, u32, u32),
    /// Minimum age at the admission decision, in months.
    pub min_admission_age_months: i64,
    /// Maximum age at the admission decision without provincial consent, in months.
    pub max_admission_age_months: i64,
    /// Probation between the ceremony and recognition, in months.
    pub probation_months: u32,
    /// A vote passes when `yes * denominator >= eligible * numerator`.
    pub vote_numerator: i64,
    /// See `vote_numerator`.
    pub vote_denominator: i64,
    /// Shortest temporary transfer, in months.
    pub min_temporary_transfer_months: u32,
    /// A temporary transfer must be shorter than this, in months, unless it is for study.
    pub max_temporary_transfer_months: u32,
    /// Longest temporary transfer for study, in months.
    pub max_study_transfer_months: u32,
}

/// Quy định 24-QĐ/TW and Hướng dẫn 01-HD/TW; also applied to events older than 2021, the earliest
/// version this table keeps.
const RULES_2021: RuleVersion = RuleVersion {
    id: "24-QĐ/TW",
    in_force_from: (1900, 1, 1),
    min_admission_age_months: 18 * 12,
    max_admission_age_months: 60 * 12,
    probation_months: 12,
    vote_numerator: 2,
    vote_denominator: 3,
    min_temporary_transfer_months: 3,
    max_temporary_transfer_months: 12,
    max_study_transfer_months: 24,
};

/// Quy định 294-QĐ/TW and Hướng dẫn 06-HD/TW kept the numbers these rules use.
const RULES_2025: RuleVersion = RuleVersion {
    id: "294-QĐ/TW",
    in_force_from: (2025, 7, 1),
    ..RULES_2021
};

const VERSIONS: [RuleVersion; 2] = [RULES_2021, RULES_2025];

/// The regulation version in force on `date`.
pub fn rule_version_on(date: NaiveDate) -> &'static RuleVersion {
    VERSIONS
        .iter()
        .rev()
        .find(|version| {
            let (y, m, d) = version.in_force_from;
            NaiveDate::from_ymd_opt(y, m, d).is_some_and(|from| from <= date)
        })
        .unwrap_or(&VERSIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn version_changes_on_1_july_2025() {
        assert_eq!(rule_version_on(d(2025, 6, 30)).id, "24-QĐ/TW");
        assert_eq!(rule_version_on(d(2025, 7, 1)).id, "294-QĐ/TW");
        assert_eq!(rule_version_on(d(1975, 4, 30)).id, "24-QĐ/TW");
    }
}

//! Regulation versions and the table that picks the one in force on a date.

use chrono::NaiveDate;

/// General education levels, ordered from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Education {
    /// Biết đọc, biết viết: literate without a completed primary school, the level the
    /// village-elder exception asks for.
    Literate,
    /// Tiểu học.
    Primary,
    /// Trung học cơ sở.
    LowerSecondary,
    /// Trung học phổ thông.
    UpperSecondary,
}

impl Education {
    /// Vietnamese name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Literate => "biết đọc, biết viết",
            Self::Primary => "tiểu học",
            Self::LowerSecondary => "trung học cơ sở",
            Self::UpperSecondary => "trung học phổ thông",
        }
    }
}

/// Every number of one regulation version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    /// The regulation's code, recorded on each decision: `24-QĐ/TW`, `294-QĐ/TW`.
    pub code: String,
    /// First day in force; the version applies until the next one starts.
    pub in_force_from: NaiveDate,
    /// Minimum age at the cell's vote, in months.
    pub min_age_months: i64,
    /// Maximum age without provincial consent, in months.
    pub max_age_months: i64,
    /// Minimum general education.
    pub min_education: Education,
    /// Minimum general education in a flagged area.
    pub min_education_flagged_area: Education,
    /// Months an awareness-class certificate stays valid.
    pub certificate_valid_months: u32,
    /// Introducers required.
    pub introducers_required: usize,
    /// Months an introducer must have worked with the candidate.
    pub introducer_min_months: i64,
    /// A vote passes when `yes * vote_denominator >= eligible * vote_numerator`.
    pub vote_numerator: i64,
    /// See `vote_numerator`.
    pub vote_denominator: i64,
    /// Months after which dossier papers must be redone.
    pub papers_valid_months: u32,
    /// Months of probation.
    pub probation_months: u32,
    /// Minimum general education of a village elder, head of a hamlet or respected person
    /// admitted under the literacy exception.
    pub min_education_village_elder: Education,
    /// The oldest age, in whole months on the day the cell votes, that is still youth age: an
    /// applicant of youth age where a Youth Union organisation exists must be a Youth Union
    /// member introduced by its committee.
    pub youth_age_max_months: i64,
    /// Failed cell votes after which the case goes to the committee above instead of a further
    /// vote of the cell.
    pub failed_cell_votes_limit: u32,
    /// Working days for the admission decision after the cell's approval.
    pub decision_working_days: u32,
    /// Extra working days the decision may be extended by, once.
    pub decision_extension_working_days: u32,
    /// Working days for the ceremony after the decision.
    pub ceremony_working_days: u32,
    /// Working days for recognition after the probation.
    pub recognition_working_days: u32,
    /// Shortest temporary transfer, in months.
    pub min_temporary_transfer_months: u32,
    /// A temporary transfer lasts less than this many months, unless for study.
    pub max_temporary_transfer_months: u32,
    /// Longest temporary transfer for study, in months.
    pub max_study_transfer_months: u32,
    /// Months after a reprimand (khiển trách) during which a due Party badge is deferred.
    pub badge_deferral_reprimand_months: u32,
    /// Months after a warning (cảnh cáo) during which a due Party badge is deferred.
    pub badge_deferral_warning_months: u32,
    /// Months after a dismissal from post (cách chức) during which a due Party badge is deferred.
    pub badge_deferral_dismissal_months: u32,
}

impl RuleVersion {
    /// Quy định 29-QĐ/TW (25 July 2016) implementing the Statute, with Hướng dẫn 01-HD/TW (2016);
    /// in force until 29 July 2021. The numbers these rules use are those of 24-QĐ/TW (age 18 to
    /// 60 in months, two introducers of 12 months, 2/3 of the official members, 12 months'
    /// probation, 60/30/30 working days).
    pub fn regulation_2016() -> Self {
        Self {
            code: "29-QĐ/TW".into(),
            in_force_from: NaiveDate::from_ymd_opt(2016, 7, 25).unwrap_or(NaiveDate::MIN),
            ..Self::regulation_2021()
        }
    }

    /// Quy định 24-QĐ/TW (30 July 2021) with Hướng dẫn 01-HD/TW (28 September 2021), in force
    /// until 19 January 2025.
    pub fn regulation_2021() -> Self {
        Self {
            code: "24-QĐ/TW".into(),
            in_force_from: NaiveDate::from_ymd_opt(2021, 7, 30).unwrap_or(NaiveDate::MIN),
            min_age_months: 18 * 12,
            max_age_months: 60 * 12,
            min_education: Education::LowerSecondary,
            min_education_flagged_area: Education::Primary,
            certificate_valid_months: 60,
            introducers_required: 2,
            introducer_min_months: 12,
            vote_numerator: 2,
            vote_denominator: 3,
            papers_valid_months: 12,
            probation_months: 12,
            // Hướng dẫn 01-HD/TW (2021), 1.2: "già làng, trưởng bản, người có uy tín ... phải
            // biết đọc, biết viết chữ quốc ngữ" with the written consent of the standing
            // committee of the provincial Party committee.
            min_education_village_elder: Education::Literate,
            // Luật Thanh niên 2020, art. 1: youth is "từ đủ 16 tuổi đến 30 tuổi"; read as up to
            // the 31st birthday (30 years 11 months), the reading that keeps the Youth Union's
            // introduction for every applicant the Union still counts as its own. [A]
            youth_age_max_months: 30 * 12 + 11,
            // domain.md §3: "after three unsuccessful cell votes the case goes to the committee
            // above".
            failed_cell_votes_limit: 3,
            decision_working_days: 60,
            decision_extension_working_days: 30,
            ceremony_working_days: 30,
            recognition_working_days: 30,
            min_temporary_transfer_months: 3,
            max_temporary_transfer_months: 12,
            max_study_transfer_months: 24,
            // Party badges of a disciplined member [A]. Quy định 29-QĐ/TW (2016) on Huy hiệu
            // Đảng: a member under a Party discipline of a warning or more is not considered at
            // the round; considered again 6 months after a warning and 1 year after a
            // dismissal from post, if the fault was put right. Quy định 24-QĐ/TW and Hướng dẫn
            // 01-HD/TW (2021, mục 18) keep the badge and its rounds and say nothing new on
            // discipline, so this is the reading a provincial organisation department would
            // defend: counted from the discipline's decision date, a reprimand defers nothing.
            badge_deferral_reprimand_months: 0,
            badge_deferral_warning_months: 6,
            badge_deferral_dismissal_months: 12,
        }
    }

    /// Quy định 232-QĐ/TW (20 January 2025), still with Hướng dẫn 01-HD/TW (2021), in force until
    /// 30 June 2025. The numbers these rules use did not change; the version is recorded on
    /// every decision taken under it.
    pub fn regulation_2025_january() -> Self {
        Self {
            code: "232-QĐ/TW".into(),
            in_force_from: NaiveDate::from_ymd_opt(2025, 1, 20).unwrap_or(NaiveDate::MIN),
            ..Self::regulation_2021()
        }
    }

    /// Quy định 294-QĐ/TW with Hướng dẫn 06-HD/TW (9 June 2025), in force from 1 July 2025 (it
    /// drops the district level). The numbers these rules use did not change; the version is
    /// recorded on every decision taken under it.
    pub fn regulation_2025() -> Self {
        Self {
            code: "294-QĐ/TW".into(),
            in_force_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN),
            ..Self::regulation_2021()
        }
    }

    /// Months a Party badge is deferred after a discipline of `form`.
    pub fn badge_deferral_months(&self, form: DisciplineForm) -> u32 {
        match form {
            DisciplineForm::Reprimand => self.badge_deferral_reprimand_months,
            DisciplineForm::Warning => self.badge_deferral_warning_months,
            DisciplineForm::Dismissal => self.badge_deferral_dismissal_months,
        }
    }

    /// Whether `yes` votes of `eligible` reach the required fraction.
    pub fn vote_passes(&self, yes: i64, eligible: i64) -> bool {
        yes * self.vote_denominator >= eligible * self.vote_numerator
    }
}

/// The Party disciplines short of expulsion (Điều lệ Đảng, art. 35: khiển trách, cảnh cáo,
/// cách chức; khai trừ is a departure from the roll, not one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DisciplineForm {
    /// Khiển trách.
    Reprimand,
    /// Cảnh cáo.
    Warning,
    /// Cách chức.
    Dismissal,
}

impl DisciplineForm {
    /// Every form, lightest first.
    pub const ALL: [DisciplineForm; 3] = [Self::Reprimand, Self::Warning, Self::Dismissal];

    /// The stable key, also the contract's enum value name without `DISCIPLINE_FORM_`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Reprimand => "REPRIMAND",
            Self::Warning => "WARNING",
            Self::Dismissal => "DISMISSAL",
        }
    }

    /// The form with this key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|form| form.key() == key)
    }

    /// Vietnamese name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Reprimand => "khiển trách",
            Self::Warning => "cảnh cáo",
            Self::Dismissal => "cách chức",
        }
    }
}

/// Why a set of versions cannot form a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// No version at all.
    #[error("the rule table needs at least one version")]
    Empty,
    /// Two versions start on the same day.
    #[error("two rule versions start on {0}")]
    DuplicateStart(NaiveDate),
}

/// The regulation versions, ordered by the day they came into force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTable {
    versions: Vec<RuleVersion>,
}

impl RuleTable {
    /// A table of `versions` in any order.
    pub fn new(mut versions: Vec<RuleVersion>) -> Result<Self, TableError> {
        versions.sort_by_key(|v| v.in_force_from);
        if versions.is_empty() {
            return Err(TableError::Empty);
        }
        if let Some(pair) = versions
            .windows(2)
            .find(|pair| pair[0].in_force_from == pair[1].in_force_from)
        {
            return Err(TableError::DuplicateStart(pair[1].in_force_from));
        }
        Ok(Self { versions })
    }

    /// The reference table (domain.md §3): 29-QĐ/TW from 25 July 2016, 24-QĐ/TW from 30 July
    /// 2021, 232-QĐ/TW from 20 January 2025, 294-QĐ/TW from 1 July 2025.
    pub fn reference() -> Self {
        Self {
            versions: vec![
                RuleVersion::regulation_2016(),
                RuleVersion::regulation_2021(),
                RuleVersion::regulation_2025_january(),
                RuleVersion::regulation_2025(),
            ],
        }
    }

    /// The code of the version in force on `date`, to record on an event of that day; `None`
    /// before the earliest version (a 1975 admission was not taken under any of them).
    pub fn code_on(&self, date: NaiveDate) -> Option<&str> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.in_force_from <= date)
            .map(|v| v.code.as_str())
    }

    /// The version in force on `date`: the latest one started on or before it. Dates before
    /// every version are judged by the numbers of the earliest one (the table keeps no older
    /// numbers), but [`RuleTable::code_on`] records no version for them.
    pub fn in_force_on(&self, date: NaiveDate) -> &RuleVersion {
        self.versions
            .iter()
            .rev()
            .find(|v| v.in_force_from <= date)
            .unwrap_or(&self.versions[0])
    }

    /// Every version, oldest first.
    pub fn versions(&self) -> &[RuleVersion] {
        &self.versions
    }

    /// The days a Party badge is deferred by a discipline of `form` decided on `decided`: from
    /// the decision to the day before its end, by the version in force on the decision; `None`
    /// when that version defers nothing for the form.
    pub fn badge_deferral(
        &self,
        form: DisciplineForm,
        decided: NaiveDate,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let months = self.in_force_on(decided).badge_deferral_months(form);
        if months == 0 {
            return None;
        }
        let ends = decided
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(NaiveDate::MAX);
        Some((decided, ends.pred_opt().unwrap_or(ends)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn each_version_starts_on_its_day() {
        let table = RuleTable::reference();
        for (day, code) in [
            (d(2016, 7, 24), None),
            (d(2016, 7, 25), Some("29-QĐ/TW")),
            (d(2021, 7, 29), Some("29-QĐ/TW")),
            (d(2021, 7, 30), Some("24-QĐ/TW")),
            (d(2025, 1, 19), Some("24-QĐ/TW")),
            (d(2025, 1, 20), Some("232-QĐ/TW")),
            (d(2025, 6, 30), Some("232-QĐ/TW")),
            (d(2025, 7, 1), Some("294-QĐ/TW")),
        ] {
            assert_eq!(table.code_on(day), code, "{day}");
        }
        assert_eq!(table.code_on(d(1975, 4, 30)), None, "no version in 1975");
        assert_eq!(table.in_force_on(d(1975, 4, 30)).code, "29-QĐ/TW");
    }

    #[test]
    fn boundaries_pick_the_numbers_of_the_version_in_force() {
        // A table whose numbers differ between versions, so that the boundaries prove more
        // than a label.
        let versions = vec![
            RuleVersion {
                min_age_months: 18 * 12 + 1,
                ..RuleVersion::regulation_2016()
            },
            RuleVersion {
                min_age_months: 18 * 12 + 2,
                ..RuleVersion::regulation_2021()
            },
            RuleVersion {
                min_age_months: 18 * 12 + 3,
                ..RuleVersion::regulation_2025_january()
            },
            RuleVersion {
                min_age_months: 18 * 12 + 4,
                ..RuleVersion::regulation_2025()
            },
        ];
        let table = RuleTable::new(versions).expect("distinct starts");
        for (before, after, months) in [
            (d(2021, 7, 29), d(2021, 7, 30), (217, 218)),
            (d(2025, 1, 19), d(2025, 1, 20), (218, 219)),
            (d(2025, 6, 30), d(2025, 7, 1), (219, 220)),
        ] {
            assert_eq!(
                (
                    table.in_force_on(before).min_age_months,
                    table.in_force_on(after).min_age_months
                ),
                months,
                "{before} / {after}"
            );
        }
    }

    #[test]
    fn a_warning_defers_six_months_a_dismissal_a_year_a_reprimand_nothing() {
        let table = RuleTable::reference();
        let decided = d(2026, 3, 19);
        assert_eq!(
            table.badge_deferral(DisciplineForm::Warning, decided),
            Some((decided, d(2026, 9, 18)))
        );
        assert_eq!(
            table.badge_deferral(DisciplineForm::Dismissal, decided),
            Some((decided, d(2027, 3, 18)))
        );
        assert_eq!(
            table.badge_deferral(DisciplineForm::Reprimand, decided),
            None
        );
        // The version in force on the decision says how long.
        let longer = RuleTable::new(vec![
            RuleVersion::regulation_2021(),
            RuleVersion {
                badge_deferral_warning_months: 9,
                ..RuleVersion::regulation_2025()
            },
        ])
        .expect("distinct starts");
        assert_eq!(
            longer.badge_deferral(DisciplineForm::Warning, d(2025, 6, 30)),
            Some((d(2025, 6, 30), d(2025, 12, 29)))
        );
        assert_eq!(
            longer.badge_deferral(DisciplineForm::Warning, d(2025, 7, 1)),
            Some((d(2025, 7, 1), d(2026, 3, 31)))
        );
    }

    #[test]
    fn a_table_needs_distinct_starts() {
        assert_eq!(RuleTable::new(Vec::new()), Err(TableError::Empty));
        let twice = vec![
            RuleVersion::regulation_2025(),
            RuleVersion::regulation_2025(),
        ];
        assert!(matches!(
            RuleTable::new(twice),
            Err(TableError::DuplicateStart(_))
        ));
    }

    #[test]
    fn two_thirds_of_eligible_pass() {
        let rules = RuleVersion::regulation_2021();
        assert!(rules.vote_passes(6, 9));
        assert!(!rules.vote_passes(5, 9));
        assert!(rules.vote_passes(2, 3));
    }
}

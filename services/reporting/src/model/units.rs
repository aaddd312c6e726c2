//! Administrative units and their recorded merges, as the store reads them: which unit exists
//! on a day. Which communes a scope counts is the report's (`crate::report::units`).

use super::vocabulary::UnitLevel;
use partyregistry_vocab::date::Date;

/// A two-digit province code of the statistics office.
pub fn is_province_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A commune with its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneUnit {
    /// Five-digit code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// The province it is recorded in.
    pub province_code: String,
    /// First day; `None` reads as "since always".
    pub valid_from: Option<Date>,
    /// Last day; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A province with its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceUnit {
    /// Two-digit code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// First day.
    pub valid_from: Date,
    /// Last day; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A recorded merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The level of the merged units.
    pub level: UnitLevel,
    /// The joined units.
    pub predecessors: Vec<String>,
    /// The resulting unit.
    pub successor: String,
    /// Its first day as the merged unit.
    pub effective_date: Date,
}

/// Every unit and merge the projection knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    /// Communes.
    pub communes: Vec<CommuneUnit>,
    /// Provinces.
    pub provinces: Vec<ProvinceUnit>,
    /// Merges.
    pub merges: Vec<Merge>,
}

/// Whether a unit valid from `from` (`None`: since always) to `to` (inclusive; `None`: still in
/// force) exists on `day`.
pub fn valid_on(from: Option<Date>, to: Option<Date>, day: Date) -> bool {
    from.is_none_or(|from| from <= day) && to.is_none_or(|to| day <= to)
}

impl CommuneUnit {
    /// Whether the commune exists on `day`.
    pub fn valid_on(&self, day: Date) -> bool {
        valid_on(self.valid_from, self.valid_to, day)
    }
}

impl ProvinceUnit {
    /// Whether the province exists on `day`.
    pub fn valid_on(&self, day: Date) -> bool {
        valid_on(Some(self.valid_from), self.valid_to, day)
    }
}

//! The grouped facts of one commune on a day, as the store reads them for the commune report
//! (and the cell rows the admission reports share).

use super::vocabulary::{CellKind, Gender, GeneralEducation, PoliticalTheory};
use partyregistry_vocab::date::Date;

/// A cell of the commune, open or not on the report's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellInfo {
    /// The cell id within the commune.
    pub cell_id: String,
    /// Display name with diacritics.
    pub display_name: String,
    /// The kind of cell.
    pub kind: CellKind,
    /// Day the cell was founded; `None` reads as "always".
    pub open_date: Option<Date>,
    /// Day the cell was dissolved; `None` while active.
    pub close_date: Option<Date>,
}

impl CellInfo {
    /// Whether the cell exists on `day`: founded on or before it, not yet dissolved.
    pub fn is_open_on(&self, day: Date) -> bool {
        self.open_date.is_none_or(|open| open <= day)
            && self.close_date.is_none_or(|close| day < close)
    }
}

/// Members on a cell's roll on the date, for one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRoll {
    /// The cell id.
    pub cell_id: String,
    /// Whether these are seconded officials (otherwise local members).
    pub seconded: bool,
    /// Members on the roll.
    pub members: i64,
    /// Of which official on the date (exempt members are official).
    pub official: i64,
}

/// Members on the roll on the date sharing one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileCount {
    /// Gender.
    pub gender: Gender,
    /// Ethnic group code.
    pub ethnicity_code: String,
    /// General education.
    pub general_education: GeneralEducation,
    /// Political theory level.
    pub political_theory: PoliticalTheory,
    /// Members with this profile.
    pub members: i64,
}

/// Members on the roll on the date born on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BirthCount {
    /// The birth date; `None` if the feed did not carry one.
    pub birth_date: Option<Date>,
    /// Members born that day.
    pub members: i64,
}

/// The latest admission decided in a cell up to the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastAdmission {
    /// The cell id.
    pub cell_id: String,
    /// The latest decision date.
    pub decision_date: Date,
}

/// Everything the commune report is computed from, as read in one consistent snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneFacts {
    /// Commune code.
    pub commune_code: String,
    /// Commune display name.
    pub display_name: String,
    /// The day the figures describe.
    pub as_of: Date,
    /// Every cell of the commune, open or not.
    pub cells: Vec<CellInfo>,
    /// Roll counts per cell and assignment.
    pub cell_rolls: Vec<CellRoll>,
    /// Roll counts per profile.
    pub profiles: Vec<ProfileCount>,
    /// Roll counts per birth date.
    pub births: Vec<BirthCount>,
    /// The latest admission per cell.
    pub last_admissions: Vec<LastAdmission>,
    /// Members decided in the commune's cells, awaiting the ceremony (not on the roll).
    pub awaiting_ceremony: i64,
}

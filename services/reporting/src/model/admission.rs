//! The facts of a commune's admission pipeline, as the store reads them in one snapshot: the
//! candidates with what the eligibility rules and the deadlines read of them, the members the
//! pipeline concerns, and the commune's plans, ratings and rolls.
//!
//! Owns the questions a record answers about itself (the stage on a day, official on a day).
//! Does not own the judging and the reports (`crate::report::admission`).

use partyregistry_rules::{Calendar, CandidateStage, RuleTable};
use partyregistry_vocab::date::Date;
use partyregistry_vocab::text;

use super::candidate::CandidateDetails;
use super::commune::{BirthCount, CellInfo, CellRoll, LastAdmission};
use super::rows::{AreaFlagRow, CellPlanRow, CellRatingRow, TargetRow};
use super::vocabulary::MemberStatus;

/// One stage a candidate was seen at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageEntry {
    /// The stage.
    pub stage: CandidateStage,
    /// The day it was reached.
    pub date: Date,
    /// The feed sequence that first carried it: orders stages reached on the same day.
    pub sequence: i64,
}

/// A candidate with the latest known facts and every stage seen.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRecord {
    /// The candidate id of `candidates/{id}`.
    pub id: String,
    /// The developing cell (latest known).
    pub cell_id: String,
    /// The latest facts (no citizen id).
    pub candidate: CandidateDetails,
    /// Stages seen, in any order.
    pub history: Vec<StageEntry>,
}

impl CandidateRecord {
    /// The stage reached by `day`: the latest dated on or before it (the later in the feed on
    /// ties); `None` when the candidate was not yet a source that day.
    pub fn stage_on(&self, day: Date) -> Option<CandidateStage> {
        self.history
            .iter()
            .filter(|entry| entry.date <= day)
            .max_by_key(|entry| (entry.date, entry.sequence))
            .map(|entry| entry.stage)
    }

    /// The first day the candidate reached `stage`.
    pub fn reached(&self, stage: CandidateStage) -> Option<Date> {
        self.history
            .iter()
            .filter(|entry| entry.stage == stage)
            .map(|entry| entry.date)
            .min()
    }

    /// The day the cell voted, as known on `day`: the vote's own date, else the day the
    /// candidate reached CELL_APPROVED; `None` before either.
    pub fn cell_vote_day_by(&self, day: Date) -> Option<Date> {
        self.candidate
            .cell_vote_date
            .filter(|voted| *voted <= day)
            .or_else(|| self.reached(CandidateStage::CellApproved))
            .filter(|voted| *voted <= day)
    }

    pub fn name(&self) -> String {
        format!("candidates/{}", self.id)
    }

    /// Roster order: given name, middle name, family name (split from the full name when the
    /// parts are missing).
    pub fn roster_key(&self) -> Vec<u8> {
        let c = &self.candidate;
        if c.given_name.is_empty() {
            text::roster_key(&text::split_full_name(&c.full_name))
        } else {
            text::collation_key(&[&c.given_name, &c.middle_name, &c.family_name])
        }
    }
}

/// A member as the admission reports need them: introducers' status, admissions, deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// The member id.
    pub id: i64,
    /// Full name.
    pub full_name: String,
    /// Commune of the current cell.
    pub commune_code: String,
    /// The current cell.
    pub cell_id: String,
    /// Where the member stands.
    pub status: MemberStatus,
    /// Admission decision date.
    pub decision_date: Option<Date>,
    /// The day the cell received the decision, when known: the ceremony's clock starts at it.
    pub decision_received_date: Option<Date>,
    /// Ceremony date.
    pub ceremony_date: Option<Date>,
    /// Recognition as official member.
    pub official_date: Option<Date>,
    /// The day the member left the roll.
    pub left_date: Option<Date>,
    /// (commune code, cell id) where this commune admitted the member.
    pub admitted_in: Option<(String, String)>,
}

impl MemberRecord {
    /// Official on `day`: recognised on or before it and not departed by it.
    pub fn official_on(&self, day: Date) -> bool {
        self.official_date.is_some_and(|official| official <= day) && !self.departed_by(day)
    }

    pub fn departed_by(&self, day: Date) -> bool {
        self.left_date.is_some_and(|left| left <= day)
    }

    /// The admitting cell in `commune_code`: the ceremony is that commune's to hold.
    pub fn admitted_in_cell(&self, commune_code: &str) -> Option<&str> {
        self.admitted_in
            .as_ref()
            .filter(|(commune, _)| commune == commune_code)
            .map(|(_, cell)| cell.as_str())
    }

    /// The current cell in `commune_code`: recognition is the cell of the roll's.
    pub fn current_cell(&self, commune_code: &str) -> Option<&str> {
        (self.commune_code == commune_code).then_some(self.cell_id.as_str())
    }
}

/// Admission decisions of one cell in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellAdmissions {
    /// The admitting cell.
    pub cell_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Decisions.
    pub decisions: i64,
}

/// Members on a cell's roll born on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellBirths {
    /// The cell.
    pub cell_id: String,
    /// Members born that day.
    pub births: BirthCount,
}

/// Everything the admission reports of a commune read, from one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionFacts {
    /// Commune code.
    pub commune_code: String,
    /// Commune display name.
    pub display_name: String,
    /// Every cell of the commune, open or not.
    pub cells: Vec<CellInfo>,
    /// The commune's area classifications.
    pub area_flags: Vec<AreaFlagRow>,
    /// The commune's candidates.
    pub candidates: Vec<CandidateRecord>,
    /// Members on the commune's roll or admitted by it, and every member introducing a candidate.
    pub members: Vec<MemberRecord>,
    /// The regulation versions.
    pub rules: RuleTable,
    /// The working-day calendar.
    pub calendar: Calendar,
    /// The commune's targets.
    pub targets: Vec<TargetRow>,
    /// The commune's cell plans, every year.
    pub plans: Vec<CellPlanRow>,
    /// The commune's cell ratings, every year.
    pub cell_ratings: Vec<CellRatingRow>,
    /// Admission decisions per cell and month in the window the store was asked for.
    pub admissions: Vec<CellAdmissions>,
    /// Roll counts per cell and assignment on the roll day the store was asked for.
    pub cell_rolls: Vec<CellRoll>,
    /// Birth dates per cell on the roll day.
    pub cell_births: Vec<CellBirths>,
    /// The latest admission per cell up to the roll day.
    pub last_admissions: Vec<LastAdmission>,
}

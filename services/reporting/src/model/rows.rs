//! The rows the projection writes, one type per table group: what a feed change becomes once it
//! is read, before the store writes it. Plain data in reporting's own types: the contract's
//! messages stop at `crate::ingest::projection`.

use partyregistry_rules::{CandidateStage, DisciplineForm, RuleVersion};
use partyregistry_vocab::date::Date;

use super::candidate::CandidateDetails;
use super::vocabulary::{
    Assignment, CellKind, EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory,
    Qualification, RatingLevel, UnitLevel,
};

/// Why a change could not be projected. Messages name the field, never its value, so that logging
/// them leaks no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedChange {
    /// The change carries no resource (a newer feed version, or a bug upstream).
    #[error("the change carries no resource")]
    NoResource,
    /// A field does not have the form the contract promises.
    #[error("{field}: {problem}")]
    Field {
        /// The offending field, for example `member.cell`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

/// The projection rows one change writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Projected {
    /// A created or updated commune.
    Commune(CommuneRow),
    /// A created or updated cell.
    Cell(CellRow),
    /// A created or updated member, including every lifecycle step, with the events the change
    /// recorded (boxed: the row is large).
    Member(Box<MemberRow>, Vec<EventRow>),
    /// A created or updated admission candidate (boxed: the row is large).
    Candidate(Box<CandidateRow>),
    /// A created or updated regulation version, checked to be a readable version.
    RuleVersion(RuleVersion),
    /// A created or renamed public holiday.
    Holiday(HolidayRow),
    /// A public holiday removed from the calendar (`deleted_resource = "holidays/{date}"`).
    HolidayDeleted(Date),
    /// A regulation version's old name after it was re-dated (`deleted_resource =
    /// "ruleVersions/{date}"`): the version follows under its new date.
    RuleVersionDeleted(Date),
    /// A created or replaced commune target.
    Target(TargetRow),
    /// A created or replaced cell plan.
    CellPlan(CellPlanRow),
    /// A recorded or corrected cell rating.
    CellRating(CellRatingRow),
    /// A recorded or corrected member rating.
    MemberRating(MemberRatingRow),
    /// A created or updated province.
    Province(ProvinceRow),
    /// A recorded merge of units.
    Merge(MergeRow),
}

/// A province as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceRow {
    /// Two-digit code.
    pub code: String,
    /// Display name.
    pub display_name: String,
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force; `None` while in force.
    pub valid_to: Option<Date>,
}

/// A recorded merge of administrative units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRow {
    /// The merge id of `merges/{id}`.
    pub id: String,
    /// The level of the merged units.
    pub level: UnitLevel,
    /// Codes of the joined units.
    pub predecessor_codes: Vec<String>,
    /// Code of the resulting unit.
    pub successor_code: String,
    /// First day of the successor as the merged unit.
    pub effective_date: Date,
    /// The legal basis.
    pub legal_basis: String,
}

/// A member event carried by a member change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// `members/{id}/events/{event_id}`.
    pub name: String,
    /// The member id.
    pub member_id: i64,
    /// What happened.
    pub event_type: EventType,
    /// The day it took effect.
    pub effective_date: Date,
    /// Organisation the member came from.
    pub from_organization: String,
    /// Organisation the member went to.
    pub to_organization: String,
}

/// A commune as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneRow {
    /// Five-digit statistics-office code.
    pub code: String,
    /// Display name with diacritics.
    pub display_name: String,
    /// Two-digit province code.
    pub province_code: String,
    /// First day the unit exists; `None` if the feed did not carry it (then: since always).
    pub valid_from: Option<Date>,
    /// Last day the unit exists; `None` while in force.
    pub valid_to: Option<Date>,
    /// The dated area classifications, in the order the feed lists them.
    pub area_flags: Vec<AreaFlagRow>,
}

/// A period during which a commune is a flagged area (primary education then suffices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFlagRow {
    /// `AreaKind` value name: which classification (the reports only ask whether any applies).
    pub kind: String,
    /// First day the classification applies.
    pub valid_from: Date,
    /// Last day it applies (inclusive); `None` while in force.
    pub valid_to: Option<Date>,
}

impl AreaFlagRow {
    /// Whether the classification applies on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|last| day <= last)
    }
}

/// A candidate as the projection keeps it: the row's keys and the facts the reports read, without
/// the citizen id (the eligibility rules need the other facts, birth date included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRow {
    /// The candidate id of `candidates/{id}`.
    pub id: String,
    /// Commune of the developing cell.
    pub commune_code: String,
    /// The developing cell.
    pub cell_id: String,
    /// The stage as of the latest change.
    pub stage: CandidateStage,
    /// The day the stage was reached; `None` if the feed did not carry it (then the stage is not
    /// added to the history that dated reports read).
    pub stage_date: Option<Date>,
    /// What the reports read of the candidate.
    pub details: CandidateDetails,
}

/// A day of the working-day calendar: a day off, or a make-up working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRow {
    /// The day.
    pub date: Date,
    /// What it is.
    pub display_name: String,
    /// A make-up working day (usually a Saturday) rather than a day off.
    pub make_up_working_day: bool,
}

/// A commune's targets for a congress term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// Commune code.
    pub commune_code: String,
    /// First year of the term.
    pub first_year: i32,
    /// Last year of the term.
    pub last_year: i32,
    /// Admissions to reach every year.
    pub admissions_per_year: i32,
    /// Percentage of cells to be rated GOOD or better.
    pub good_cells_percent: i32,
}

/// A cell's plan for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellPlanRow {
    /// Commune code.
    pub commune_code: String,
    /// The cell.
    pub cell_id: String,
    /// The year.
    pub year: i32,
    /// Admission sources to develop.
    pub sources_to_develop: i32,
    /// Admissions planned.
    pub admissions: i32,
}

/// A cell's rating for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRatingRow {
    /// Commune code.
    pub commune_code: String,
    /// The cell.
    pub cell_id: String,
    /// The year.
    pub year: i32,
    /// The rating.
    pub level: RatingLevel,
}

/// A member's rating for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRatingRow {
    /// The member id.
    pub member_id: i64,
    /// The year.
    pub year: i32,
    /// The rating.
    pub level: RatingLevel,
}

/// A cell as the projection keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRow {
    /// Code of the commune the cell belongs to.
    pub commune_code: String,
    /// The cell id within the commune.
    pub cell_id: String,
    /// Display name with diacritics.
    pub display_name: String,
    /// The kind of cell.
    pub kind: CellKind,
    /// Day the cell was founded.
    pub open_date: Option<Date>,
    /// Day the cell was dissolved.
    pub close_date: Option<Date>,
}

/// A member as the projection keeps it: the facts the reports read, nothing personal beyond the
/// birth date and gender the age and women figures need, and the name deadlines are listed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// The member id of `members/{id}`.
    pub id: i64,
    /// Full name: deadlines name the person a secretary must follow up.
    pub full_name: String,
    /// Commune of the current cell.
    pub commune_code: String,
    /// The current cell.
    pub cell_id: String,
    /// The day the member joined the current cell.
    pub cell_since: Option<Date>,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Two-digit ethnic group code.
    pub ethnicity_code: String,
    /// General education.
    pub general_education: GeneralEducation,
    /// Political theory level; unspecified reads as none.
    pub political_theory: PoliticalTheory,
    /// Local member or seconded official; unspecified reads as local.
    pub assignment: Assignment,
    /// Where the member stands.
    pub status: MemberStatus,
    /// Admission decision date.
    pub decision_date: Option<Date>,
    /// The day the cell received the admission decision, when known.
    pub decision_received_date: Option<Date>,
    /// Admission ceremony date.
    pub ceremony_date: Option<Date>,
    /// Recognition as official member.
    pub official_date: Option<Date>,
    /// The day the member joined this roll by transfer.
    pub joined_date: Option<Date>,
    /// The day the member left the roll.
    pub left_date: Option<Date>,
    /// (commune code, cell id) of the cell in which this commune admitted the member.
    pub admitted_in: Option<(String, String)>,
    /// Religion code of the reference list (`00` for none).
    pub religion_code: String,
    /// Professional qualification; unspecified reads as none.
    pub qualification: Qualification,
    /// Also a Youth Union member.
    pub youth_union: bool,
    /// Seriously ill (badges may come early).
    pub seriously_ill: bool,
    /// The admission is a re-admission.
    pub readmission: bool,
    /// For a re-admission, the person's first admission decision (party age counts from it).
    pub first_decision_date: Option<Date>,
    /// Periods not counting towards party age, (first day, last day).
    pub party_age_gaps: Vec<(Date, Date)>,
    /// Badges handed over: (years, award day).
    pub badges: Vec<(i32, Option<Date>)>,
    /// Party disciplines short of expulsion: (form, decision day), oldest first.
    pub disciplines: Vec<(DisciplineForm, Date)>,
}

impl MemberRow {
    /// First day on the roll: the transfer-in day, else the ceremony day. An admitted member
    /// whose ceremony has not taken place is not on the roll yet.
    pub fn roll_start(&self) -> Option<Date> {
        self.joined_date.or(self.ceremony_date)
    }
}

/// A member change as the store writes it and the ledgers follow it: the new state, the events
/// it carried, its feed sequence.
pub type MemberChange<'a> = (&'a MemberRow, &'a [EventRow], i64);

/// A feed change as the projection read it, ready for the store: its place in the feed and the
/// rows it writes, or why it could not be read (the cursor moves past it all the same).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectedChange {
    /// The change's sequence in the feed.
    pub sequence: i64,
    /// Its commit time at the membership service, microseconds; 0 when the feed did not say.
    pub commit_time_us: i64,
    /// The rows, or why there are none.
    pub rows: Result<Projected, MalformedChange>,
}

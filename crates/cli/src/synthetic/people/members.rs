//! What the plan is made of: a planned member (its admission or arrival, its later steps, its
//! party-age fields) and the questions asked of one (its admission, its first cell, where it is
//! settled).

use chrono::NaiveDate;
use partyregistry_proto::membership::v1::{
    Admission, CreateCellRequest, CreateCommuneRequest, CreateMemberRequest, CreateMergeRequest,
    DepartureKind, RecordAdmissionRequest,
};
use partyregistry_vocab::{date, names};

use crate::dataset::people::ta_phoi::PartyAgeFields;

/// What happens to a member after the admission.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// RecognizeOfficial.
    Recognize,
    /// TransferMember between cells of a commune.
    BetweenCells {
        /// The destination cell.
        to_cell: String,
    },
    /// TransferMember to a cell of another commune of the province.
    ToCommune {
        /// The destination cell.
        to_cell: String,
    },
    /// TransferMember out of the system (to another province's organisation).
    OutOfSystem {
        /// Where to.
        to_organization: String,
    },
    /// A temporary transfer away.
    TemporaryOut {
        /// Where to.
        to_organization: String,
        /// Planned end.
        away_until: NaiveDate,
    },
    /// Back from the temporary transfer.
    TemporaryReturn,
    /// ExemptMember.
    Exempt,
    /// EndExemption.
    EndExemption,
    /// RecordDeparture.
    Depart(DepartureKind),
}

/// One step of a member's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its effective date.
    pub date: NaiveDate,
    /// What it is.
    pub kind: StepKind,
}

/// A generated member: how it enters the roll, then its steps in date order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMember {
    /// The full name (unique in the province).
    pub full_name: String,
    /// Admitted by a commune of the province (RecordAdmission) …
    pub admission: Option<RecordAdmissionRequest>,
    /// … or arrived from another province (CreateMember).
    pub arrival: Option<CreateMemberRequest>,
    /// Later steps, by date.
    pub steps: Vec<Step>,
    /// Party-age gaps, serious illness and badges, set by UpdateMember when any is given.
    pub party_age: PartyAgeFields,
    /// Which special case this member is, if any.
    pub role: Option<SpecialCase>,
}

/// The hand-made cases an end-to-end test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCase {
    /// Lost contact for a year: every milestone moves by 366 days.
    PartyAgeGap,
    /// Seriously ill, 30 years on 15 September 2026.
    SeriouslyIll,
    /// Died on 15 January 2026, 40 years on 10 April 2026.
    DiedBeforeMilestone,
    /// Handed the 40-year badge on 19 May 2025.
    BadgeHanded,
    /// Re-admitted in 2019.
    Readmitted,
}

/// The whole generated province.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The seed it was generated from.
    pub seed: u64,
    /// The four communes and the successor.
    pub communes: Vec<CreateCommuneRequest>,
    /// Every cell.
    pub cells: Vec<CreateCellRequest>,
    /// The merge.
    pub merge: CreateMergeRequest,
    /// The members.
    pub members: Vec<PlannedMember>,
}

/// The member's admission, from whichever entry it has.
pub fn admission_of(member: &PlannedMember) -> Option<&Admission> {
    member
        .admission
        .as_ref()
        .and_then(|r| r.member.as_ref())
        .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
        .and_then(|m| m.admission.as_ref())
}

pub(in crate::synthetic) fn entry_cell(member: &PlannedMember) -> String {
    member
        .admission
        .as_ref()
        .and_then(|r| r.member.as_ref())
        .or_else(|| member.arrival.as_ref().and_then(|r| r.member.as_ref()))
        .map(|m| m.cell.clone())
        .unwrap_or_default()
}

/// The day the member's record allows later steps from: its official date, else its ceremony.
pub(in crate::synthetic) fn settled(member: &PlannedMember) -> Option<NaiveDate> {
    let admission = admission_of(member)?;
    let arrival = member
        .arrival
        .as_ref()
        .and_then(|a| date::parse(&a.joined_date).ok());
    let official = date::parse(&admission.official_date).ok()?;
    Some(arrival.map_or(official, |joined| joined.max(official)))
}

pub(in crate::synthetic) fn code_of(cell: &str) -> String {
    names::parse_cell("cell", cell)
        .map(|(code, _)| code)
        .unwrap_or_default()
}

//! A member's whole history as the statistics read it: profile, admission, stints, party-age
//! gaps, badges and events. What the statistics make of it is `crate::report::statistics`'s.

use partyregistry_rules::DisciplineForm;
use partyregistry_vocab::date::Date;

use super::rows::MemberRow;
use super::stint::Stint;
use super::vocabulary::{
    EventType, Gender, GeneralEducation, MemberStatus, PoliticalTheory, Qualification,
};

/// A member event as the movements read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    /// What happened.
    pub event_type: EventType,
    /// The day it took effect.
    pub date: Date,
}

/// Everything the statistics know of a member: the profile, the admission, the roll periods of
/// the projection (stints, from the ceremony or the transfer in) and the events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberHistory {
    /// The member id.
    pub id: i64,
    /// Full name.
    pub full_name: String,
    /// Where the member stands.
    pub status: MemberStatus,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Ethnic group code.
    pub ethnicity_code: String,
    /// Religion code.
    pub religion_code: String,
    /// General education.
    pub general_education: GeneralEducation,
    /// Professional qualification.
    pub qualification: Qualification,
    /// Political theory level.
    pub political_theory: PoliticalTheory,
    /// Youth Union member.
    pub youth_union: bool,
    /// Seriously ill.
    pub seriously_ill: bool,
    /// Re-admission.
    pub readmission: bool,
    /// Admission decision date.
    pub decision_date: Option<Date>,
    /// For a re-admission, the person's first admission decision.
    pub first_decision_date: Option<Date>,
    /// Ceremony date.
    pub ceremony_date: Option<Date>,
    /// Recognition as official.
    pub official_date: Option<Date>,
    /// Joined the roll by transfer.
    pub joined_date: Option<Date>,
    /// Left the roll.
    pub left_date: Option<Date>,
    /// (commune, cell) where the system admitted the member.
    pub admitted_in: Option<(String, String)>,
    /// The projection's stints, by start.
    pub stints: Vec<Stint>,
    /// Party-age gaps (first day, last day).
    pub gaps: Vec<(Date, Date)>,
    /// Years of the badges handed over.
    pub badges: Vec<i32>,
    /// Party disciplines short of expulsion: (form, decision day), oldest first.
    pub disciplines: Vec<(DisciplineForm, Date)>,
    /// The events recorded for the member.
    pub events: Vec<EventFact>,
}

impl MemberHistory {
    /// The day party age counts from: the person's first admission decision (a re-admitted
    /// member's earlier one), else the decision.
    pub fn party_age_start(&self) -> Option<Date> {
        self.first_decision_date.or(self.decision_date)
    }

    /// The days a member admitted here (not transferred in) is "decided, awaiting the
    /// ceremony": from the admission decision to the ceremony (the first stint), or to the
    /// departure, in the admitting cell. Not on the roll: see [`Self::roll_periods`].
    pub fn awaiting_period(&self) -> Option<Stint> {
        let (None, Some(decided), Some((commune, cell))) =
            (self.joined_date, self.decision_date, &self.admitted_in)
        else {
            return None;
        };
        let end = match (self.stints.first(), self.ceremony_date) {
            (Some(first), _) => Some(first.from),
            (None, Some(ceremony)) => Some(ceremony),
            (None, None) => self.left_date,
        };
        let end = match (end, self.left_date) {
            (Some(end), Some(left)) => Some(end.min(left)),
            (end, left) => end.or(left),
        };
        end.is_none_or(|end| decided < end).then(|| Stint {
            commune_code: commune.clone(),
            cell_id: cell.clone(),
            from: decided,
            to: end,
        })
    }

    /// Takes the state a member change writes: the profile and the admission of `row`, and its
    /// party-age gaps. The stints and the events are followed by the store, which writes them.
    pub fn take_state(&mut self, row: &MemberRow) {
        self.id = row.id;
        self.full_name.clone_from(&row.full_name);
        self.status = row.status;
        self.gender = row.gender;
        self.birth_date = row.birth_date;
        self.ethnicity_code.clone_from(&row.ethnicity_code);
        self.religion_code.clone_from(&row.religion_code);
        self.general_education = row.general_education;
        self.qualification = row.qualification;
        self.political_theory = row.political_theory;
        self.youth_union = row.youth_union;
        self.seriously_ill = row.seriously_ill;
        self.readmission = row.readmission;
        self.decision_date = row.decision_date;
        self.first_decision_date = row.first_decision_date;
        self.ceremony_date = row.ceremony_date;
        self.official_date = row.official_date;
        self.joined_date = row.joined_date;
        self.left_date = row.left_date;
        self.admitted_in.clone_from(&row.admitted_in);
        self.gaps.clone_from(&row.party_age_gaps);
    }

    /// The roll, one for every report: the stints, from the admission ceremony or the transfer
    /// in to the departure.
    pub fn roll_periods(&self) -> &[Stint] {
        &self.stints
    }

    /// The roll period covering `day`.
    pub fn period_on(&self, day: Date) -> Option<Stint> {
        self.stints.iter().find(|p| p.covers(day)).cloned()
    }
}

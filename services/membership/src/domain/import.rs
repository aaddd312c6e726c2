//! A roster being loaded: the rules that turn one roster row into a member with their history as
//! of the import, the outcome of each row, and the keys that recognise the same person or the
//! same cell again. The checks are those of a historical admission ([`super::admit_historical`]),
//! an exemption ([`super::exempt`]) and a departure ([`super::depart_recorded`]): a roster row
//! passes exactly the rules a member recorded step by step passes.

use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::Date;
use partyregistry_vocab::text;

use super::{
    AdmissionContext, AdmissionDates, AdmissionFields, BadgeAward, Cell, DepartureKind, Member,
    MemberEvent, PartyAgeGap, Person, RuleError, admit_historical, depart_recorded, exempt,
};

/// Where the parts of a roster row's admission sit in the row (`ImportMember`).
pub const IMPORT_FIELDS: AdmissionFields = AdmissionFields {
    dates: "admission.",
    birth_date: "member.birth_date",
    cell: "cell_display_name",
    cell_vote: "admission",
    // A roster holds no vote day: the decision date stands in for it.
    cell_vote_date: "admission.decision_date",
};

/// What a roster knows of a member beyond the person and the admission dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterHistory {
    /// Exempt from Party work and meetings since this day.
    pub exempt_since: Option<Date>,
    /// How and when the member left the roll.
    pub departure: Option<(DepartureKind, Date)>,
    /// Periods that do not count towards party age.
    pub party_age_gaps: Vec<PartyAgeGap>,
    /// Badges already handed over.
    pub badges: Vec<BadgeAward>,
    /// Seriously ill.
    pub seriously_ill: bool,
}

/// Why a row is not imported, as a stable code: the gRPC edge words each one for the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportIssue {
    /// A value that can never be right (format, length, required, unknown code).
    Invalid,
    /// A rule of the regulations or of the lifecycle refuses it; the rule's stable reason.
    Rule(&'static str),
    /// The unit is outside the caller's scope, or does not exist (the two are not told apart).
    OutOfScope,
    /// A unit with this code or name exists with another value of this field.
    Conflict,
    /// The member's cell is neither stored nor created by the batch.
    UnknownCell,
    /// The row key is used by an earlier row of the batch.
    RepeatedRowKey,
    /// Another row or a stored member has the same citizen ID.
    SameCitizenId,
    /// Another row or a stored member has the same name, birth date and commune.
    SamePerson,
}

/// One problem of a row: the field, relative to the row (`member.birth_date`), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The field within the row.
    pub field: String,
    /// Why.
    pub issue: ImportIssue,
    /// The detail in English, for logs and tests; never shown to the office as the reason.
    pub detail: String,
}

impl RowProblem {
    /// A problem of `field`.
    pub fn new(field: impl Into<String>, issue: ImportIssue, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            issue,
            detail: detail.into(),
        }
    }
}

impl From<RuleError> for RowProblem {
    fn from(error: RuleError) -> Self {
        match error {
            RuleError::Invalid { field, description } => {
                Self::new(field, ImportIssue::Invalid, description)
            }
            RuleError::Broken {
                reason,
                field,
                description,
            } => Self::new(field, ImportIssue::Rule(reason), description),
            RuleError::Internal(message) => Self::new("", ImportIssue::Invalid, message),
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Created (or would be, in a dry run): the resource name.
    Created(String),
    /// The unit existed with the same values.
    Unchanged(String),
    /// Imported earlier under the same import id and row key: the member it created.
    AlreadyImported(String),
    /// The same person as the row `of_row` of the import (0: a stored member); the problem names
    /// the field that matched.
    Duplicate {
        /// The row it repeats; 0 for a stored member.
        of_row: i64,
        /// The matching field.
        problem: RowProblem,
    },
    /// Not imported.
    Rejected(Vec<RowProblem>),
}

/// Gives `error`'s field the name `field` has in a roster row, when the step it came from names
/// its date `effective_date` (and its state otherwise).
fn in_row(error: RuleError, date_field: &str, state_field: &str) -> RuleError {
    let rename = |field: String| {
        if field == "effective_date" {
            date_field.to_owned()
        } else {
            state_field.to_owned()
        }
    };
    match error {
        RuleError::Invalid { field, description } => RuleError::Invalid {
            field: rename(field),
            description,
        },
        RuleError::Broken {
            reason,
            field,
            description,
        } => RuleError::Broken {
            reason,
            field: rename(field),
            description,
        },
        internal @ RuleError::Internal(_) => internal,
    }
}

/// The member a roster row describes, in `cell`, with the events of their history: the admission
/// dates, then the exemption, then the departure. Fields are named as in the row
/// (`admission.ceremony_date`, `exempt_since`, `departure_date`, `departure_kind`).
pub fn import_member(
    person: Person,
    admission: AdmissionDates,
    cell: &Cell,
    history: RosterHistory,
    today: Date,
    rules: &RuleTable,
) -> Result<(Member, Vec<MemberEvent>), RuleError> {
    let context = AdmissionContext {
        cell_vote: None,
        cell_vote_date: None,
        deciding_body: String::new(),
        fields: IMPORT_FIELDS,
        over_age_consent: false,
    };
    let (mut member, mut events) =
        admit_historical(person, admission, cell, context, today, rules)?;
    member.party_age_gaps = history.party_age_gaps;
    member.badges = history.badges;
    member.seriously_ill = history.seriously_ill;
    if let Some(since) = history.exempt_since {
        let event = exempt(&mut member, since, String::new(), today, rules)
            .map_err(|e| in_row(e, "exempt_since", "exempt_since"))?;
        events.push(event);
    }
    if let Some((kind, on)) = history.departure {
        let event = depart_recorded(&mut member, kind, on, today, rules)
            .map_err(|e| in_row(e, "departure_date", "departure_kind"))?;
        events.push(event);
    }
    Ok((member, events))
}

/// The key under which two full names are the same person's: NFC, whitespace collapsed, lower
/// case (diacritics kept: "Lê Văn An" and "Lê Văn Ân" are two people).
pub fn name_key(full_name: &str) -> String {
    text::normalize(full_name).to_lowercase()
}

/// The key under which two cell display names of a commune are the same cell: NFC and case
/// folded, as the contract says.
pub fn cell_key(display_name: &str) -> String {
    name_key(display_name)
}

/// A cell id for a new cell named `display_name`: its folded words joined by hyphens (ASCII
/// letters and digits only, at most 40 characters), made unique against `taken` with a numeric
/// suffix.
pub fn cell_id_for(display_name: &str, taken: impl Fn(&str) -> bool) -> String {
    let folded = text::fold(display_name);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut base = words.join("-");
    base.truncate(34);
    let base = base.trim_end_matches('-').to_owned();
    let base = if base.is_empty() {
        "chi-bo".to_owned()
    } else {
        base
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_ids_are_folded_words_made_unique() {
        assert_eq!(
            cell_id_for("Chi bộ thôn Tượng 1", |_| false),
            "chi-bo-thon-tuong-1"
        );
        assert_eq!(
            cell_id_for("Chi bộ Đồng Tâm", |id| id == "chi-bo-dong-tam"),
            "chi-bo-dong-tam-2"
        );
        assert_eq!(cell_id_for("???", |_| false), "chi-bo");
        assert!(cell_id_for(&"Chi bộ ".repeat(20), |_| false).len() <= 40);
    }

    #[test]
    fn names_match_without_case_but_with_diacritics() {
        assert_eq!(name_key("LÊ  VĂN AN"), name_key("Lê Văn An"));
        assert_ne!(name_key("Lê Văn Ân"), name_key("Lê Văn An"));
    }
}

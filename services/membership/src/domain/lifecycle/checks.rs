//! The checks every lifecycle step is made of: dates in order and not in the future, the
//! probation, the age on the cell's vote day, the vote, an open cell; and the reasons they refuse
//! with.

use partyregistry_rules::RuleTable;
use partyregistry_vocab::date::{self, Date};

use crate::domain::{AdmissionDates, Cell, MemberStatus, Person, RuleError, VoteTally};

/// Reason of a step the current state does not allow.
pub const ILLEGAL_TRANSITION: &str = "ILLEGAL_TRANSITION";
/// Reason of a date that breaks a rule (order of dates, probation, age).
pub const DATE_RULE: &str = "DATE_RULE_VIOLATED";
/// Reason of a vote below the required fraction.
pub const VOTE_BELOW_THRESHOLD: &str = "VOTE_BELOW_THRESHOLD";
/// Reason of an age outside the admission limits.
pub const AGE_OUT_OF_RANGE: &str = "AGE_OUT_OF_RANGE";
/// Reason of a step involving a cell that is closed on the day.
pub const CELL_CLOSED: &str = "CELL_CLOSED";

pub(super) fn not_in_future(field: &str, value: Date, today: Date) -> Result<(), RuleError> {
    if value > today {
        return Err(RuleError::precondition(
            DATE_RULE,
            field,
            format!("{} is in the future", date::format(value)),
        ));
    }
    Ok(())
}

pub(super) fn not_before(
    field: &str,
    value: Date,
    earliest: Date,
    what: &str,
) -> Result<(), RuleError> {
    if value < earliest {
        return Err(RuleError::precondition(
            DATE_RULE,
            field,
            format!(
                "{} is before {what} ({})",
                date::format(value),
                date::format(earliest)
            ),
        ));
    }
    Ok(())
}

pub(super) fn not_after(
    field: &str,
    value: Date,
    latest: Date,
    what: &str,
) -> Result<(), RuleError> {
    if value > latest {
        return Err(RuleError::precondition(
            DATE_RULE,
            field,
            format!(
                "{} is after {what} ({})",
                date::format(value),
                date::format(latest)
            ),
        ));
    }
    Ok(())
}

pub(super) fn cell_open(field: &str, cell: &Cell, on: Date) -> Result<(), RuleError> {
    if !cell.is_open_on(on) {
        return Err(RuleError::precondition(
            CELL_CLOSED,
            field,
            format!("cell {} is not open on {}", cell.cell_id, date::format(on)),
        ));
    }
    Ok(())
}

pub(super) fn illegal(from: MemberStatus, step: &str) -> RuleError {
    RuleError::precondition(
        ILLEGAL_TRANSITION,
        "name",
        format!("a member with status {} cannot be {step}", from.name()),
    )
}

/// Checks a vote against the regulation in force on `on`.
pub fn check_vote(
    field: &str,
    vote: &VoteTally,
    on: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let rules = rules.in_force_on(on);
    if !rules.vote_passes(vote.yes, vote.eligible) {
        return Err(RuleError::precondition(
            VOTE_BELOW_THRESHOLD,
            field,
            format!(
                "{} yes of {} eligible is below {}/{} ({})",
                vote.yes, vote.eligible, rules.vote_numerator, rules.vote_denominator, rules.code
            ),
        ));
    }
    Ok(())
}

/// Checks the order of the admission dates and the probation period, and that none is in the
/// future. `prefix` is the path of the admission in the request, with its trailing dot.
pub(super) fn check_admission_dates(
    prefix: &str,
    admission: &AdmissionDates,
    today: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    not_in_future(
        &format!("{prefix}decision_date"),
        admission.decision_date,
        today,
    )?;
    if let Some(ceremony) = admission.ceremony_date {
        let ceremony_field = format!("{prefix}ceremony_date");
        not_before(
            &ceremony_field,
            ceremony,
            admission.decision_date,
            "the admission decision",
        )?;
        not_in_future(&ceremony_field, ceremony, today)?;
    }
    check_decision_receipt(&format!("{prefix}decision_received_date"), admission, today)?;
    if let Some(official) = admission.official_date {
        let official_field = format!("{prefix}official_date");
        let Some(ceremony) = admission.ceremony_date else {
            return Err(RuleError::precondition(
                DATE_RULE,
                official_field,
                "an official date needs a ceremony date",
            ));
        };
        check_probation(&official_field, ceremony, official, rules)?;
        not_in_future(&official_field, official, today)?;
    }
    Ok(())
}

/// Checks the day the cell received the admission decision, when known: the decision reaches the
/// cell on or after the day it is taken and before the ceremony it calls for, and not later than
/// today.
pub(super) fn check_decision_receipt(
    field: &str,
    admission: &AdmissionDates,
    today: Date,
) -> Result<(), RuleError> {
    let Some(received) = admission.decision_received_date else {
        return Ok(());
    };
    not_before(
        field,
        received,
        admission.decision_date,
        "the admission decision",
    )?;
    if let Some(ceremony) = admission.ceremony_date {
        not_after(field, received, ceremony, "the admission ceremony")?;
    }
    not_in_future(field, received, today)
}

/// The official date is the day the probation ends (ceremony + 12 months), whatever day the cell
/// meets or the committee decides later: the guidance to the Statute's art. 5 (Hướng dẫn
/// 01-HD/TW) dates the recognition from the end of the 12 months of probation, domain.md §3
/// (Recognition, [V]). A later date would shorten the member's party-official standing and an
/// earlier one cut the probation. The probation's length is the version's in force at the
/// ceremony.
pub(super) fn check_probation(
    field: &str,
    ceremony: Date,
    official: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let version = rules.in_force_on(ceremony);
    let months = version.probation_months;
    let end = date::add_months(ceremony, months);
    if official != end {
        return Err(RuleError::precondition(
            DATE_RULE,
            field,
            format!(
                "{} is not the official date: a member becomes official on the day the {months}-month probation ends, {} ({})",
                date::format(official),
                date::format(end),
                version.code
            ),
        ));
    }
    Ok(())
}

/// Checks the age on `judged_on`, the day the cell voted (the decision date when the vote day is
/// not known): at least the minimum; at most the maximum for a new admission (historical records,
/// loaded with their official date or from a roster, may carry a provincial consent this service
/// does not record). Hướng dẫn 01-HD/TW (2021), 3.1: the age is counted in months "tính đến thời
/// điểm chi bộ họp xét kết nạp", so a person 17 years 11 months old at the vote stays too young
/// when the decision comes after the birthday, and one 59 years 11 months old at the vote is not
/// too old.
pub(super) fn check_admission_age(
    field: &str,
    person: &Person,
    judged_on: Date,
    historical: bool,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let rules = rules.in_force_on(judged_on);
    let months = date::whole_months_between(person.birth_date, judged_on);
    if months < rules.min_age_months {
        return Err(RuleError::precondition(
            AGE_OUT_OF_RANGE,
            field,
            format!(
                "the member was {} years {} months old at the cell's vote; the minimum is {} months ({})",
                months.div_euclid(12),
                months.rem_euclid(12),
                rules.min_age_months,
                rules.code
            ),
        ));
    }
    if !historical && months > rules.max_age_months {
        return Err(RuleError::precondition(
            AGE_OUT_OF_RANGE,
            field,
            format!(
                "the member was over {} months old at the cell's vote ({}); older applicants need provincial consent",
                rules.max_age_months, rules.code
            ),
        ));
    }
    Ok(())
}

pub(super) fn status_from_dates(admission: &AdmissionDates) -> MemberStatus {
    match (admission.ceremony_date, admission.official_date) {
        (_, Some(_)) => MemberStatus::Official,
        (Some(_), None) => MemberStatus::Probationary,
        (None, None) => MemberStatus::Admitted,
    }
}

//! Re-admission (kết nạp lại), domain.md §3: the new record of a person who left the roll links
//! to the earlier one, and the rules of the link are checked here.

use partyregistry_vocab::date;

use super::{AdmissionDates, Member, MemberStatus, PartyAgeGap, Person, RuleError};

/// Reason of a re-admission the rules do not allow (the earlier record did not leave the roll by
/// removal, resignation or expulsion, or was itself a re-admission).
pub const READMISSION_NOT_ALLOWED: &str = "READMISSION_NOT_ALLOWED";
/// Reason of a re-admission decided before the wait after leaving is over.
pub const READMISSION_TOO_EARLY: &str = "READMISSION_TOO_EARLY";
/// Months a person waits after leaving the roll before a re-admission: domain.md §3
/// (Re-admission, [V]: "at least 36 months after leaving"; the 60 months of some cases and the
/// reasons that bar it for good are not recorded here, and stay with the provincial consent).
pub const READMISSION_WAIT_MONTHS: u32 = 36;
/// Carries the party age of `earlier` over to the re-admitted `member`: party age counts from the
/// first decision, less the earlier record's gaps and the time away (from the day it left the
/// roll to the day before the new decision), domain.md §3 Re-admission [V]. Admitted 1985-03-10,
/// expelled 1995-06-01, re-admitted 2000-09-15: 30 years on 2020-06-24.
pub fn continue_party_age(member: &mut Member, earlier: &Member) {
    member.admission.first_decision_date = Some(earlier.admission.party_age_start());
    let mut gaps = earlier.party_age_gaps.clone();
    if let (Some(left), Some(last_day_away)) =
        (earlier.left_date, member.admission.decision_date.pred_opt())
        && left <= last_day_away
    {
        gaps.push(PartyAgeGap {
            from_date: left,
            to_date: last_day_away,
            reason: "Thời gian ra khỏi Đảng đến khi kết nạp lại".into(),
        });
    }
    gaps.append(&mut member.party_age_gaps);
    member.party_age_gaps = gaps;
}

/// Checks a re-admission linked to `previous`, the earlier record of the same person: it left the
/// roll by removal, resignation or expulsion at least [`READMISSION_WAIT_MONTHS`] before the
/// new decision, it is not itself a re-admission (once only), and the citizen ID is the same.
pub fn check_readmission(
    previous: &Member,
    person: &Person,
    admission: &AdmissionDates,
) -> Result<(), RuleError> {
    const FIELD: &str = "member.admission.previous_member";
    if !admission.readmission {
        return Err(RuleError::invalid(
            "member.admission.readmission",
            "must be true when previous_member names an earlier record",
        ));
    }
    if !matches!(
        previous.status,
        MemberStatus::Removed | MemberStatus::Resigned | MemberStatus::Expelled
    ) {
        return Err(RuleError::precondition(
            READMISSION_NOT_ALLOWED,
            FIELD,
            format!(
                "the earlier record is {}; only a person removed, resigned or expelled is re-admitted",
                previous.status.name()
            ),
        ));
    }
    if previous.admission.readmission || previous.admission.previous_member.is_some() {
        return Err(RuleError::precondition(
            READMISSION_NOT_ALLOWED,
            FIELD,
            "the earlier record was itself a re-admission; a person is re-admitted once only",
        ));
    }
    let left = previous.left_date.unwrap_or(previous.cell_since);
    let earliest = date::add_months(left, READMISSION_WAIT_MONTHS);
    if admission.decision_date < earliest {
        return Err(RuleError::precondition(
            READMISSION_TOO_EARLY,
            "member.admission.decision_date",
            format!(
                "left the roll on {}; a re-admission comes {READMISSION_WAIT_MONTHS} months later at the earliest, {}",
                date::format(left),
                date::format(earliest)
            ),
        ));
    }
    match (&person.citizen_id, &previous.person.citizen_id) {
        (Some(new), Some(old)) if new != old => Err(RuleError::invalid(
            "member.citizen_id",
            "must be the earlier record's: a re-admission is the same person",
        )),
        _ => Ok(()),
    }
}

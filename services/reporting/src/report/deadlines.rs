//! The deadlines of the admission steps, in plain Rust: the admission decision after the cell's
//! approval, the ceremony after the cell received the decision (after the decision while that day
//! is unknown), the recognition after the probation, each counted in working days under the
//! regulation version in force when its clock starts.
//!
//! Owns which clocks run on a day and which of them a report lists. Does not own the working-day
//! arithmetic (`partyregistry_rules::Calendar`) or the other admission reports
//! ([`crate::report::admission`]).

use partyregistry_proto::reporting::v1::{
    Deadline, DeadlineKind as DeadlineKindPb, Freshness, ListDeadlinesResponse,
};
use partyregistry_rules::calendar::Due;
use partyregistry_rules::{Calendar, DeadlineKind, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use partyregistry_rules::CandidateStage;

use crate::model::admission::AdmissionFacts;
use crate::model::vocabulary::MemberStatus;
use crate::report::commune::to_i32;

/// A deadline with its cell id, before it becomes a contract message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeadlineItem {
    /// The cell whose secretary follows it up.
    pub(crate) cell_id: String,
    /// The contract message.
    pub(crate) message: Deadline,
    /// The due day.
    pub(crate) due: Date,
}

/// A deadline's clock: which step, the event that started it (the cell's approval, the decision,
/// the ceremony) and whom it concerns.
struct Clock<'a> {
    kind: DeadlineKind,
    trigger: Date,
    /// The admission decision's one-time extension was granted.
    extended: bool,
    subject: String,
    full_name: &'a str,
    cell_id: &'a str,
}

/// The years without a loaded calendar that the deadline's count runs through, from its clock's
/// start to its due day, and from `as_of` to the due day (the days left).
fn missing_years(due: &Due, as_of: Date, calendar: &Calendar) -> Vec<i32> {
    let mut years = due.unloaded_years.clone();
    years.extend(calendar.unloaded_years_between(as_of, due.due));
    years.sort_unstable();
    years.dedup();
    years
}

impl AdmissionFacts {
    /// The deadline of `clock`, whose trigger is known on `as_of`. Listed when the clock is
    /// running on `as_of` (started, overdue or not), or starts later and falls due by `until`.
    fn deadline(&self, clock: Clock<'_>, as_of: Date, until: Date) -> Option<DeadlineItem> {
        let Clock {
            kind,
            trigger,
            extended,
            subject,
            full_name,
            cell_id,
        } = clock;
        let mut rules: &RuleVersion = self.rules.in_force_on(trigger);
        let mut due = self.calendar.due(kind, trigger, rules, extended);
        // The version in force when the clock starts sets the limit; recognition's clock starts
        // at the end of the probation, possibly under a newer version.
        let at_start = self.rules.in_force_on(due.clock_start);
        if at_start != rules {
            rules = at_start;
            due = self.calendar.due(kind, trigger, rules, extended);
        }
        if due.clock_start > as_of && due.due > until {
            return None;
        }
        let kind_pb = match kind {
            DeadlineKind::AdmissionDecision => DeadlineKindPb::AdmissionDecision,
            DeadlineKind::Ceremony => DeadlineKindPb::Ceremony,
            DeadlineKind::Recognition => DeadlineKindPb::Recognition,
        };
        Some(DeadlineItem {
            cell_id: cell_id.to_owned(),
            due: due.due,
            message: Deadline {
                kind: kind_pb.into(),
                subject,
                full_name: full_name.to_owned(),
                cell: names::cell(&self.commune_code, cell_id),
                start_date: date::format(due.clock_start),
                due_date: date::format(due.due),
                overdue: due.due < as_of,
                working_days_left: to_i32(self.calendar.working_days_between(as_of, due.due)),
                rule_version: rules.code.clone(),
                calendar_missing_years: missing_years(&due, as_of, &self.calendar),
            },
        })
    }

    /// Every deadline as it stood on `as_of` (see [`deadlines`]), with cell ids.
    pub(crate) fn deadline_items(&self, as_of: Date, until: Date) -> Vec<DeadlineItem> {
        let mut items = Vec::new();
        for record in &self.candidates {
            // The committee's decision is pending while the candidate is cell- or
            // committee-approved and no decision is known; admitted candidates continue as
            // members below (whatever day the candidate's closing was dated).
            let decided = record
                .candidate
                .admitted_member
                .and_then(|id| self.members.iter().find(|m| m.id == id))
                .and_then(|m| m.decision_date)
                .is_some_and(|day| day <= as_of);
            let pending = !decided
                && matches!(
                    record.stage_on(as_of),
                    Some(CandidateStage::CellApproved | CandidateStage::CommitteeApproved)
                );
            if !pending {
                continue;
            }
            if let Some(approved) = record.cell_vote_day_by(as_of) {
                let clock = Clock {
                    kind: DeadlineKind::AdmissionDecision,
                    trigger: approved,
                    extended: record.candidate.decision_extended,
                    subject: record.name(),
                    full_name: &record.candidate.full_name,
                    cell_id: &record.cell_id,
                };
                items.extend(self.deadline(clock, as_of, until));
            }
        }
        for member in self.members.iter().filter(|m| !m.departed_by(as_of)) {
            let decided = member.decision_date.filter(|day| *day <= as_of);
            let ceremony = member.ceremony_date.filter(|day| *day <= as_of);
            let recognised = member.official_date.is_some_and(|day| day <= as_of)
                || (member.status == MemberStatus::Exempt && member.official_date.is_none());
            let (kind, start, cell_id) = match (decided, ceremony) {
                // The ceremony's working days run from the day the cell received the decision
                // (Quy định 24-QĐ/TW: "kể từ ngày nhận được quyết định kết nạp"); while that
                // day is unknown on `as_of`, from the decision, the conservative reading.
                (Some(decided), None) => (
                    DeadlineKind::Ceremony,
                    member
                        .decision_received_date
                        .filter(|day| *day <= as_of)
                        .unwrap_or(decided),
                    member.admitted_in_cell(&self.commune_code),
                ),
                (_, Some(ceremony)) if !recognised => (
                    DeadlineKind::Recognition,
                    ceremony,
                    member.current_cell(&self.commune_code),
                ),
                _ => continue,
            };
            let Some(cell_id) = cell_id else {
                continue;
            };
            let clock = Clock {
                kind,
                trigger: start,
                extended: false,
                subject: names::member(member.id),
                full_name: &member.full_name,
                cell_id,
            };
            items.extend(self.deadline(clock, as_of, until));
        }
        // Overdue first, then by due date; the subject keeps the order stable.
        items.sort_by(|a, b| {
            (!a.message.overdue, a.due, &a.message.subject).cmp(&(
                !b.message.overdue,
                b.due,
                &b.message.subject,
            ))
        });
        items
    }
}

/// Deadlines as they stood on `as_of`: every clock running that day (overdue or not; a
/// probationary member past the probation and not yet recognised is listed) and the clocks
/// starting later that fall due by `until`. A clock counts only from an event known on `as_of`.
pub fn deadlines(
    facts: &AdmissionFacts,
    as_of: Date,
    until: Date,
    freshness: Freshness,
) -> ListDeadlinesResponse {
    let deadlines: Vec<Deadline> = facts
        .deadline_items(as_of, until)
        .into_iter()
        .map(|item| item.message)
        .collect();
    ListDeadlinesResponse {
        overdue: deadlines.iter().filter(|d| d.overdue).count() as i64,
        deadlines,
        freshness: Some(freshness),
    }
}

//! The lists a candidate request carries beside its introducers: exceptions to the admission
//! rules and the cell's unsuccessful votes, checked field by field.

use std::collections::HashSet;

use partyregistry_kit::error::Violations;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date::Date;

use super::super::text_field;
use super::{known_enum, past_date, vote};

/// The most exceptions a candidate carries: one of each kind.
const MAX_EXCEPTIONS: usize = 4;
/// The most unsuccessful votes kept; the rules stop the cell's votes well before.
const MAX_FAILED_VOTES: usize = 10;

/// The exceptions as sent, normalised: each with its kind, deciding body, decision date (not in
/// the future) and reference number; one of each kind.
pub(super) fn exceptions(
    v: &mut Violations,
    list: &[pb::AdmissionException],
    today: Date,
) -> Vec<pb::AdmissionException> {
    if list.len() > MAX_EXCEPTIONS {
        v.add(
            "candidate.exceptions",
            format!("must list at most {MAX_EXCEPTIONS} exceptions, one of each kind"),
        );
    }
    let mut kinds = HashSet::new();
    list.iter()
        .enumerate()
        .map(|(i, exception)| {
            let field = |name: &str| format!("candidate.exceptions[{i}].{name}");
            known_enum::<pb::ExceptionKind>(v, &field("kind"), exception.kind, true);
            if exception.kind != 0 && !kinds.insert(exception.kind) {
                v.add(
                    field("kind"),
                    "is already recorded; one exception of each kind",
                );
            }
            pb::AdmissionException {
                kind: exception.kind,
                decided_by: text_field(v, &field("decided_by"), &exception.decided_by, 200, true),
                decision_date: past_date(
                    v,
                    &field("decision_date"),
                    &exception.decision_date,
                    true,
                    today,
                ),
                reference_number: text_field(
                    v,
                    &field("reference_number"),
                    &exception.reference_number,
                    50,
                    true,
                ),
                note: text_field(v, &field("note"), &exception.note, 200, false),
            }
        })
        .collect()
}

/// The unsuccessful votes as sent: each a tally with its day (not in the future), oldest first.
/// Whether each fell below the fraction needs the rule table and is the service's to check.
pub(super) fn failed_votes(
    v: &mut Violations,
    list: &[pb::FailedCellVote],
    today: Date,
) -> Vec<pb::FailedCellVote> {
    if list.len() > MAX_FAILED_VOTES {
        v.add(
            "candidate.failed_cell_votes",
            format!("must list at most {MAX_FAILED_VOTES} votes"),
        );
    }
    let voted: Vec<pb::FailedCellVote> = list
        .iter()
        .enumerate()
        .map(|(i, failed)| {
            let field = format!("candidate.failed_cell_votes[{i}]");
            let tally = vote(v, &format!("{field}.tally"), failed.tally.as_ref());
            if tally.is_none() {
                v.add(format!("{field}.tally"), "is required");
            }
            let vote_date = past_date(
                v,
                &format!("{field}.vote_date"),
                &failed.vote_date,
                true,
                today,
            );
            pb::FailedCellVote { tally, vote_date }
        })
        .collect();
    // Dates are normalised YYYY-MM-DD, so text order is date order.
    if voted
        .windows(2)
        .any(|pair| !pair[0].vote_date.is_empty() && pair[1].vote_date < pair[0].vote_date)
    {
        v.add("candidate.failed_cell_votes", "must be listed oldest first");
    }
    voted
}

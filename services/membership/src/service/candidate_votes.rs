//! The cell's votes on a candidate as a whole: the unsuccessful ones recorded and the passing
//! one, against the regulation's limit of unsuccessful votes.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::{CandidateStage, RuleTable};

use crate::convert::admission as convert_admission;
use crate::domain::admission as rules_of;
use crate::store::Tx;

/// Checks the cell's votes of `candidate`: the unsuccessful ones recorded fell below the fraction
/// and stop at the regulation's limit, and a passing vote of an approved candidate came before
/// the limit was reached.
pub(super) fn check_vote_history(
    candidate: &pb::Candidate,
    rules: &RuleTable,
) -> Result<(), ApiError> {
    rules_of::check_failed_votes(&convert_admission::failed_votes(candidate), rules)?;
    let progress = convert_admission::progress(candidate);
    if matches!(
        progress.stage,
        Some(CandidateStage::CellApproved | CandidateStage::CommitteeApproved)
    ) && let Some(voted) = progress.cell_vote_date
    {
        let before = partyregistry_kit::admission::failed_cell_votes_by(candidate, voted);
        rules_of::check_cell_may_vote(before, voted, rules, "candidate.cell_vote_date")?;
    }
    Ok(())
}

/// Checks the cell's vote of `candidate`, recorded at CELL_APPROVED or later, against the cell's
/// official members on the vote day.
pub(super) async fn check_cell_vote_roll(
    tx: &mut Tx,
    cell: (&str, &str),
    candidate: &pb::Candidate,
) -> Result<(), ApiError> {
    let progress = convert_admission::progress(candidate);
    let (Some(vote), Some(voted)) = (progress.cell_vote, progress.cell_vote_date) else {
        return Ok(());
    };
    let roll = tx.cell_roll_on(cell, voted).await?;
    rules_of::check_vote_denominator("candidate.cell_vote", &vote, roll, voted)?;
    Ok(())
}

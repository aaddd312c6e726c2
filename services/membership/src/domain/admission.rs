//! The admission pipeline's own rules, in plain Rust: how a candidate moves between stages, when a
//! vote passes, what a target, a plan or a rating may hold, and when an introducer or a commune
//! qualifies on a day. The eligibility rules themselves live in `partyregistry_rules`; the
//! contract conversions in `partyregistry_kit::admission`.
//!
//! Candidates are kept as their contract message (`pb::Candidate`): both services judge the same
//! message with the same glue, and a second domain struct would only copy it field by field.

use chrono::{Datelike, NaiveDate};
use partyregistry_kit::admission::{blocker_to_proto, is_open, next_stage};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::RuleTable;
use partyregistry_rules::eligibility::{self, CandidateFacts};
use partyregistry_vocab::date::{self, Date};

use super::{Cell, Commune, Member, MemberStatus, RuleError, VoteTally};

/// Reason of a stage change the candidate's stage does not allow.
pub const ILLEGAL_TRANSITION: &str = super::ILLEGAL_TRANSITION;
/// Reason of a second admission of the same candidate.
pub const CANDIDATE_ALREADY_ADMITTED: &str = "CANDIDATE_ALREADY_ADMITTED";
/// Reason of a change to a candidate who left the pipeline.
pub const CANDIDATE_CLOSED: &str = "CANDIDATE_CLOSED";
/// Reason of an approval without its vote.
pub const VOTE_MISSING: &str = "VOTE_MISSING";
/// Reason of a vote below the required fraction.
pub const VOTE_BELOW_THRESHOLD: &str = super::VOTE_BELOW_THRESHOLD;
/// Reason of an approval or admission of a candidate with blockers.
pub const CANDIDATE_NOT_ELIGIBLE: &str = "CANDIDATE_NOT_ELIGIBLE";
/// Reason of an introducer who is not an official member.
pub const INTRODUCER_NOT_OFFICIAL: &str = "INTRODUCER_NOT_OFFICIAL";
/// Reason of a regulation version that does not start after every existing one.
pub const RULE_VERSION_NOT_LATEST: &str = "RULE_VERSION_NOT_LATEST";
/// Reason of a rating or plan for a year in which the cell was not open.
pub const CELL_CLOSED: &str = super::CELL_CLOSED;
/// Reason of a rating of an exempt member.
pub const MEMBER_EXEMPT: &str = "MEMBER_EXEMPT";
/// Reason of a rating of a member who was not on a roll that year.
pub const MEMBER_NOT_ON_ROLL: &str = "MEMBER_NOT_ON_ROLL";
/// Reason of a date that breaks the order of the pipeline.
pub const DATE_RULE: &str = super::DATE_RULE;

/// The earliest and latest years a target, plan or rating may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1930..=2200;

/// The first and last day of `year`.
pub fn year_bounds(year: i32) -> Option<(Date, Date)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// Whether `cell` was open on at least one day of `year`.
pub fn cell_open_during(cell: &Cell, year: i32) -> bool {
    year_bounds(year).is_some_and(|(first, last)| {
        cell.open_date <= last && cell.close_date.is_none_or(|close| close > first)
    })
}

/// Whether `member` was on a roll of this commune system on at least one day of `year`: admitted
/// (or joined) by its end and not gone before its start.
pub fn on_roll_during(member: &Member, year: i32) -> bool {
    // A member joining by transfer was on another roll since the decision.
    let joined = member.admission.decision_date;
    year_bounds(year).is_some_and(|(first, last)| {
        joined <= last && member.left_date.is_none_or(|left| left >= first)
    })
}

/// Whether the commune carries an area flag on `day`.
pub fn flagged_on(commune: &Commune, day: Date) -> bool {
    commune
        .area_flags
        .iter()
        .any(|flag| flag.valid_from <= day && flag.valid_to.is_none_or(|to| day <= to))
}

/// Whether `member` is an official member on `day`: recognised by then and not departed.
pub fn official_on(member: &Member, day: Date) -> bool {
    member.admission.official_date.is_some_and(|o| o <= day)
        && member.left_date.is_none_or(|left| left > day)
}

/// Whether `member` may be named as an introducer now: an official member (exempt members are
/// official members too), not probationary, merely admitted or departed.
pub fn may_introduce_now(member: &Member) -> bool {
    matches!(member.status, MemberStatus::Official | MemberStatus::Exempt)
}

/// The stage of a stored candidate.
pub fn stage_of(candidate: &pb::Candidate) -> pb::CandidateStage {
    candidate.stage()
}

/// Checks the stage a new candidate is recorded at: an open stage (IDENTIFIED by default),
/// with the votes an approved stage needs.
pub fn check_initial_stage(
    candidate: &pb::Candidate,
    stage_date: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let stage = stage_of(candidate);
    if !is_open(stage) {
        return Err(RuleError::invalid(
            "candidate.stage",
            "a new candidate starts at an open stage (IDENTIFIED to COMMITTEE_APPROVED); use AdvanceCandidate or AdmitCandidate to close it",
        ));
    }
    check_stage_votes(candidate, stage, stage_date, rules)
}

/// The day a vote counts from: its own date, else the day of the stage it supports.
fn vote_day(recorded: &str, fallback: Date) -> Date {
    date::parse(recorded).unwrap_or(fallback)
}

/// Checks that `tally` was taken and passes under the regulation in force on `on`.
pub fn check_passing_vote(
    field: &str,
    what: &str,
    tally: Option<&pb::VoteTally>,
    on: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let Some(tally) = tally.filter(|t| t.eligible > 0) else {
        return Err(RuleError::precondition(
            VOTE_MISSING,
            field,
            format!("{what} has not been recorded; update the candidate with it first"),
        ));
    };
    let vote = VoteTally {
        eligible: i64::from(tally.eligible),
        present: i64::from(tally.present),
        yes: i64::from(tally.yes),
        no: i64::from(tally.no),
    };
    let version = rules.in_force_on(on);
    if !version.vote_passes(vote.yes, vote.eligible) {
        return Err(RuleError::precondition(
            VOTE_BELOW_THRESHOLD,
            field,
            format!(
                "{what}: {} yes of {} eligible is below {}/{} ({})",
                vote.yes,
                vote.eligible,
                version.vote_numerator,
                version.vote_denominator,
                version.code
            ),
        ));
    }
    Ok(())
}

/// The votes an approved stage requires.
fn check_stage_votes(
    candidate: &pb::Candidate,
    stage: pb::CandidateStage,
    stage_date: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let cell = || {
        check_passing_vote(
            "candidate.cell_vote",
            "the cell's vote",
            candidate.cell_vote.as_ref(),
            vote_day(&candidate.cell_vote_date, stage_date),
            rules,
        )
    };
    let committee = || {
        check_passing_vote(
            "candidate.committee_vote",
            "the committee's vote",
            candidate.committee_vote.as_ref(),
            vote_day(&candidate.committee_vote_date, stage_date),
            rules,
        )
    };
    match stage {
        pb::CandidateStage::CellApproved => cell(),
        pb::CandidateStage::CommitteeApproved => cell().and_then(|()| committee()),
        _ => Ok(()),
    }
}

/// A requested stage change, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    /// The new stage.
    pub stage: pb::CandidateStage,
    /// The day it was reached.
    pub stage_date: Date,
    /// Why the candidate left the pipeline (WITHDRAWN, INELIGIBLE).
    pub reason: String,
}

/// Checks the request's own shape: a target stage AdvanceCandidate may set, and a reason for the
/// closing ones.
pub fn check_advance_request(advance: &Advance) -> Result<(), RuleError> {
    use pb::CandidateStage::*;
    match advance.stage {
        Unspecified => Err(RuleError::invalid("stage", "is required")),
        Admitted => Err(RuleError::invalid(
            "stage",
            "ADMITTED is reached only through AdmitCandidate",
        )),
        Withdrawn | Ineligible if advance.reason.is_empty() => Err(RuleError::invalid(
            "reason",
            "is required when a candidate withdraws or is found ineligible",
        )),
        _ => Ok(()),
    }
}

/// Moves `candidate` to `advance.stage`: one step forward, or out of the pipeline from any open
/// stage. The vote checks of the approved stages are made here; the blocker check of
/// COMMITTEE_APPROVED needs the facts of the day and is the caller's (see
/// [`check_no_blockers`]).
pub fn advance(
    candidate: &mut pb::Candidate,
    advance: &Advance,
    today: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    use pb::CandidateStage::*;
    check_advance_request(advance)?;
    let current = stage_of(candidate);
    if !is_open(current) {
        return Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            "name",
            format!(
                "the candidate is {} and has left the pipeline",
                current.as_str_name()
            ),
        ));
    }
    let closing = matches!(advance.stage, Withdrawn | Ineligible);
    if !closing && next_stage(current) != Some(advance.stage) {
        return Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            "stage",
            format!(
                "a candidate at {} moves one stage at a time, to {}",
                current.as_str_name(),
                next_stage(current).map_or("", |s| s.as_str_name())
            ),
        ));
    }
    if advance.stage_date > today {
        return Err(RuleError::precondition(
            DATE_RULE,
            "stage_date",
            format!("{} is in the future", date::format(advance.stage_date)),
        ));
    }
    if let Ok(current_date) = date::parse(&candidate.stage_date)
        && advance.stage_date < current_date
    {
        return Err(RuleError::precondition(
            DATE_RULE,
            "stage_date",
            format!(
                "{} is before the day the candidate reached {} ({})",
                date::format(advance.stage_date),
                current.as_str_name(),
                date::format(current_date)
            ),
        ));
    }
    check_stage_votes(candidate, advance.stage, advance.stage_date, rules)?;
    candidate.stage = advance.stage.into();
    candidate.stage_date = date::format(advance.stage_date);
    if closing {
        candidate.closing_reason.clone_from(&advance.reason);
    }
    Ok(())
}

/// The eligibility on `on`, under the regulation in force that day, of the candidate named
/// `candidate` whose facts (as of that day) are `facts`.
pub fn assess(
    candidate: &str,
    facts: &CandidateFacts,
    on: Date,
    rules: &RuleTable,
) -> pb::Eligibility {
    let version = rules.in_force_on(on);
    let blockers = eligibility::blockers(facts, on, version);
    pb::Eligibility {
        candidate: candidate.to_owned(),
        on_date: date::format(on),
        eligible: blockers.is_empty(),
        blockers: blockers.iter().map(blocker_to_proto).collect(),
        rule_version: version.code.clone(),
    }
}

/// Refuses a step that needs an eligible candidate when the assessment found blockers.
pub fn check_no_blockers(assessment: &pb::Eligibility, step: &str) -> Result<(), RuleError> {
    if assessment.eligible {
        return Ok(());
    }
    let codes: Vec<&str> = assessment
        .blockers
        .iter()
        .map(|b| b.code.as_str())
        .collect();
    Err(RuleError::precondition(
        CANDIDATE_NOT_ELIGIBLE,
        "name",
        format!(
            "the candidate cannot be {step} on {}: {} ({})",
            assessment.on_date,
            codes.join(", "),
            assessment.rule_version
        ),
    ))
}

/// Checks that a candidate may be admitted: the committee approved and it is not admitted yet.
pub fn check_admissible(candidate: &pb::Candidate) -> Result<(), RuleError> {
    match stage_of(candidate) {
        pb::CandidateStage::CommitteeApproved => Ok(()),
        pb::CandidateStage::Admitted => Err(RuleError::precondition(
            CANDIDATE_ALREADY_ADMITTED,
            "name",
            format!(
                "the candidate was already admitted as {}; a candidate is admitted once",
                candidate.admitted_member
            ),
        )),
        stage => Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            "name",
            format!(
                "only a COMMITTEE_APPROVED candidate can be admitted; this one is {}",
                stage.as_str_name()
            ),
        )),
    }
}

/// Checks a vote tally's numbers: eligible positive, present at most eligible, yes and no not
/// negative and together at most present. `field` is the tally's path; as for RecordAdmission, a
/// count of yes and no above present is reported on `yes`.
pub fn vote_violations(tally: &pb::VoteTally, field: &str) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    if tally.eligible <= 0 {
        found.push((format!("{field}.eligible"), "must be positive"));
    }
    if tally.present < 0 || tally.present > tally.eligible {
        found.push((format!("{field}.present"), "must be between 0 and eligible"));
    }
    if tally.no < 0 {
        found.push((format!("{field}.no"), "must not be negative"));
    }
    if tally.yes < 0 || i64::from(tally.yes) + i64::from(tally.no.max(0)) > i64::from(tally.present)
    {
        found.push((
            format!("{field}.yes"),
            "must not be negative, and yes + no must be at most present",
        ));
    }
    found
}

/// Checks a target's numbers; violations name fields under `target.`.
pub fn target_violations(target: &pb::Target) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    if !YEARS.contains(&target.first_year) {
        found.push((
            "target.first_year",
            format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
        ));
    }
    if !YEARS.contains(&target.last_year) {
        found.push((
            "target.last_year",
            format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
        ));
    } else if target.last_year < target.first_year {
        found.push((
            "target.last_year",
            "must not be before first_year".to_owned(),
        ));
    }
    if target.admissions_per_year < 0 {
        found.push((
            "target.admissions_per_year",
            "must not be negative".to_owned(),
        ));
    }
    if !(0..=100).contains(&target.good_cells_percent) {
        found.push((
            "target.good_cells_percent",
            "must be a percentage from 0 to 100".to_owned(),
        ));
    }
    found
}

/// Checks a plan's numbers; violations name fields under `plan.`.
pub fn plan_violations(plan: &pb::CellPlan) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    if !YEARS.contains(&plan.year) {
        found.push((
            "plan.year",
            format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
        ));
    }
    if plan.sources_to_develop < 0 {
        found.push(("plan.sources_to_develop", "must not be negative".to_owned()));
    }
    if plan.admissions < 0 {
        found.push(("plan.admissions", "must not be negative".to_owned()));
    }
    found
}

/// Checks the year of a rating: a plausible year that has begun by `today`.
pub fn rating_year_violation(year: i32, today: Date) -> Option<String> {
    if !YEARS.contains(&year) {
        return Some(format!(
            "must be a year from {} to {}",
            YEARS.start(),
            YEARS.end()
        ));
    }
    (year > today.year()).then(|| format!("{year} has not begun yet"))
}

#[cfg(test)]
mod tests;

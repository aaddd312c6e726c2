//! The admission pipeline's own rules, in plain Rust: how a candidate moves between stages, when a
//! vote passes, what a target, a plan or a rating may hold, and when an introducer or a commune
//! qualifies on a day. The eligibility rules themselves live in `partyregistry_rules`; the
//! contract conversions in `crate::convert::admission`.
//!
//! The rules see a candidate through [`CandidateProgress`], the part of the record the pipeline
//! moves: its stage, the votes and the days they were taken.

use chrono::{Datelike, NaiveDate};
use partyregistry_rules::eligibility::{self, Blocker, CandidateFacts};
use partyregistry_rules::{CandidateStage, RuleTable};
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
/// Reason of a vote whose number entitled to vote is not the cell's official members that day.
pub const VOTE_ELIGIBLE_MISMATCH: &str = "VOTE_ELIGIBLE_MISMATCH";
/// Reason of an approved candidate whose cell vote has no day.
pub const VOTE_DATE_MISSING: &str = "VOTE_DATE_MISSING";
/// Reason of a vote below the required fraction.
pub const VOTE_BELOW_THRESHOLD: &str = super::VOTE_BELOW_THRESHOLD;
/// Reason of an approval or admission of a candidate with blockers.
pub const CANDIDATE_NOT_ELIGIBLE: &str = "CANDIDATE_NOT_ELIGIBLE";
/// Reason of an introducer who is not an official member.
pub const INTRODUCER_NOT_OFFICIAL: &str = "INTRODUCER_NOT_OFFICIAL";
/// Reason of a regulation version starting on the day another one starts.
pub const RULE_VERSION_TAKEN: &str = "RULE_VERSION_TAKEN";
/// Reason of a new start for a regulation version that would move it past a neighbouring
/// version's start: the versions would change order or two would start on one day.
pub const RULE_VERSION_ORDER: &str = "RULE_VERSION_ORDER";
/// Reason of a rating or plan for a year in which the cell was not open.
pub const CELL_CLOSED: &str = super::CELL_CLOSED;
/// Reason of a rating of an exempt member.
pub const MEMBER_EXEMPT: &str = "MEMBER_EXEMPT";
/// Reason of a rating of a member who was not on a roll that year.
pub const MEMBER_NOT_ON_ROLL: &str = "MEMBER_NOT_ON_ROLL";
/// Reason of a date that breaks the order of the pipeline.
pub const DATE_RULE: &str = super::DATE_RULE;
/// Reason of a vote of the cell after the regulation's number of unsuccessful ones.
pub const CELL_VOTES_EXHAUSTED: &str = "CELL_VOTES_EXHAUSTED";
/// Reason of a vote recorded as unsuccessful that reached the required fraction.
pub const VOTE_NOT_FAILED: &str = "VOTE_NOT_FAILED";

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

/// Where a candidate stands in the pipeline: the stage, the votes that carried it there and, once
/// it left, how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CandidateProgress {
    /// The stage; `None` when not set.
    pub stage: Option<CandidateStage>,
    /// The day the stage was reached; `None` when not recorded.
    pub stage_date: Option<Date>,
    /// The cell's vote, once taken.
    pub cell_vote: Option<VoteTally>,
    /// The day of the cell's vote, when recorded.
    pub cell_vote_date: Option<Date>,
    /// The committee's vote, once taken.
    pub committee_vote: Option<VoteTally>,
    /// The day of the committee's vote, when recorded.
    pub committee_vote_date: Option<Date>,
    /// The member an admitted candidate became, `members/{id}`.
    pub admitted_member: String,
    /// Why the candidate left the pipeline (WITHDRAWN, INELIGIBLE).
    pub closing_reason: String,
}

/// The name of a stage in messages, as the contract spells it.
pub fn stage_name(stage: Option<CandidateStage>) -> &'static str {
    use CandidateStage::*;
    match stage {
        None => "UNSPECIFIED",
        Some(Identified) => "IDENTIFIED",
        Some(ClassDone) => "CLASS_DONE",
        Some(Dossier) => "DOSSIER",
        Some(Verified) => "VERIFIED",
        Some(CellApproved) => "CELL_APPROVED",
        Some(CommitteeApproved) => "COMMITTEE_APPROVED",
        Some(Admitted) => "ADMITTED",
        Some(Withdrawn) => "WITHDRAWN",
        Some(Ineligible) => "INELIGIBLE",
    }
}

/// Whether a candidate at `stage` is still in the pipeline (an unset stage is not).
pub fn is_open(stage: Option<CandidateStage>) -> bool {
    stage.is_some_and(CandidateStage::is_open)
}

/// Checks the stage a new candidate is recorded at: an open stage (IDENTIFIED by default),
/// with the votes an approved stage needs.
pub fn check_initial_stage(
    candidate: &CandidateProgress,
    stage_date: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let stage = candidate.stage;
    if !is_open(stage) {
        return Err(RuleError::invalid(
            "candidate.stage",
            "a new candidate starts at an open stage (IDENTIFIED to COMMITTEE_APPROVED); use AdvanceCandidate or AdmitCandidate to close it",
        ));
    }
    check_stage_votes(candidate, stage, stage_date, rules)
}

/// The day a vote counts from: its own date, else the day of the stage it supports.
fn vote_day(recorded: Option<Date>, fallback: Date) -> Date {
    recorded.unwrap_or(fallback)
}

/// Checks that `tally` was taken and passes under the regulation in force on `on`.
pub fn check_passing_vote(
    field: &str,
    what: &str,
    tally: Option<&VoteTally>,
    on: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let Some(vote) = tally.filter(|t| t.eligible > 0) else {
        return Err(RuleError::precondition(
            VOTE_MISSING,
            field,
            format!("{what} has not been recorded; update the candidate with it first"),
        ));
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
    candidate: &CandidateProgress,
    stage: Option<CandidateStage>,
    stage_date: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    let cell = || {
        check_passing_vote(
            "candidate.cell_vote",
            "the cell's vote",
            candidate.cell_vote.as_ref(),
            vote_day(candidate.cell_vote_date, stage_date),
            rules,
        )
    };
    let committee = || {
        check_passing_vote(
            "candidate.committee_vote",
            "the committee's vote",
            candidate.committee_vote.as_ref(),
            vote_day(candidate.committee_vote_date, stage_date),
            rules,
        )
    };
    match stage {
        Some(CandidateStage::CellApproved) => cell(),
        Some(CandidateStage::CommitteeApproved) => cell().and_then(|()| committee()),
        _ => Ok(()),
    }
}

/// The day the cell voted for a candidate it approves on `approved`: the recorded vote day, which
/// may not come after the approval, or the approval day itself. The eligibility rules judge the
/// candidate on this day from then on, so it is recorded once the cell has approved.
pub fn cell_vote_day(candidate: &CandidateProgress, approved: Date) -> Result<Date, RuleError> {
    match candidate.cell_vote_date {
        Some(voted) if voted > approved => Err(RuleError::precondition(
            DATE_RULE,
            "candidate.cell_vote_date",
            format!(
                "the cell's vote ({}) is after the day the cell approved ({})",
                date::format(voted),
                date::format(approved)
            ),
        )),
        Some(voted) => Ok(voted),
        None => Ok(approved),
    }
}

/// The day the cell voted for a candidate approved by the committee, which admission judges
/// eligibility on: required, because judging on the decision day instead would admit a person
/// too young at the vote and refuse one who was young enough.
pub fn required_cell_vote_day(
    candidate: &CandidateProgress,
    field: &str,
) -> Result<Date, RuleError> {
    candidate.cell_vote_date.ok_or_else(|| {
        RuleError::precondition(
            VOTE_DATE_MISSING,
            field,
            "the day of the cell's vote is not recorded; eligibility is judged on it, so update the candidate with it first",
        )
    })
}

/// A requested stage change, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    /// The new stage; `None` when the request left it unset.
    pub stage: Option<CandidateStage>,
    /// The day it was reached.
    pub stage_date: Date,
    /// Why the candidate left the pipeline (WITHDRAWN, INELIGIBLE).
    pub reason: String,
}

/// Checks the request's own shape: a target stage AdvanceCandidate may set, and a reason for the
/// closing ones.
pub fn check_advance_request(advance: &Advance) -> Result<(), RuleError> {
    use CandidateStage::*;
    let Some(stage) = advance.stage else {
        return Err(RuleError::invalid("stage", "is required"));
    };
    match stage {
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
    candidate: &mut CandidateProgress,
    advance: &Advance,
    today: Date,
    rules: &RuleTable,
) -> Result<(), RuleError> {
    use CandidateStage::*;
    check_advance_request(advance)?;
    let current = candidate.stage;
    if !is_open(current) {
        return Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            "name",
            format!(
                "the candidate is {} and has left the pipeline",
                stage_name(current)
            ),
        ));
    }
    let closing = matches!(advance.stage, Some(Withdrawn | Ineligible));
    let next = current.and_then(CandidateStage::next);
    if !closing && next != advance.stage {
        return Err(RuleError::precondition(
            ILLEGAL_TRANSITION,
            "stage",
            format!(
                "a candidate at {} moves one stage at a time, to {}",
                stage_name(current),
                next.map_or("", |s| stage_name(Some(s)))
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
    if let Some(current_date) = candidate.stage_date
        && advance.stage_date < current_date
    {
        return Err(RuleError::precondition(
            DATE_RULE,
            "stage_date",
            format!(
                "{} is before the day the candidate reached {} ({})",
                date::format(advance.stage_date),
                stage_name(current),
                date::format(current_date)
            ),
        ));
    }
    if advance.stage == Some(CellApproved) {
        candidate.cell_vote_date = Some(cell_vote_day(candidate, advance.stage_date)?);
    }
    check_stage_votes(candidate, advance.stage, advance.stage_date, rules)?;
    candidate.stage = advance.stage;
    candidate.stage_date = Some(advance.stage_date);
    if closing {
        candidate.closing_reason.clone_from(&advance.reason);
    }
    Ok(())
}

/// A candidate's eligibility on a day: what blocks the admission, under which regulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// The candidate, `candidates/{id}`.
    pub candidate: String,
    /// The day asked about.
    pub on: Date,
    /// The day the rules were applied: the cell's vote day once the cell has voted by `on`,
    /// else `on` (see [`eligibility::judgement_day`]).
    pub judged_on: Date,
    /// What stands in the way; none when the candidate is eligible.
    pub blockers: Vec<Blocker>,
    /// The code of the regulation in force that day.
    pub rule_version: String,
}

impl Eligibility {
    /// Whether nothing stands in the way.
    pub fn eligible(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// The eligibility asked about on `on` of the candidate named `candidate`, judged on
/// `judged_on` (the cell's vote day, see [`eligibility::judgement_day`]) under the regulation in
/// force that day; `facts` are as of `judged_on`.
pub fn assess(
    candidate: &str,
    facts: &CandidateFacts,
    (on, judged_on): (Date, Date),
    rules: &RuleTable,
) -> Eligibility {
    let version = rules.in_force_on(judged_on);
    Eligibility {
        candidate: candidate.to_owned(),
        on,
        judged_on,
        blockers: eligibility::blockers(facts, judged_on, version),
        rule_version: version.code.clone(),
    }
}

/// Refuses a step that needs an eligible candidate when the assessment found blockers.
pub fn check_no_blockers(assessment: &Eligibility, step: &str) -> Result<(), RuleError> {
    if assessment.eligible() {
        return Ok(());
    }
    let codes: Vec<&str> = assessment.blockers.iter().map(|b| b.code.code()).collect();
    Err(RuleError::precondition(
        CANDIDATE_NOT_ELIGIBLE,
        "name",
        format!(
            "the candidate cannot be {step}: on {}, the day judged, {} ({})",
            date::format(assessment.judged_on),
            codes.join(", "),
            assessment.rule_version
        ),
    ))
}

/// Checks that a candidate may be admitted: the committee approved and it is not admitted yet.
pub fn check_admissible(candidate: &CandidateProgress) -> Result<(), RuleError> {
    match candidate.stage {
        Some(CandidateStage::CommitteeApproved) => Ok(()),
        Some(CandidateStage::Admitted) => Err(RuleError::precondition(
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
                stage_name(stage)
            ),
        )),
    }
}

/// Checks a vote tally's numbers: eligible positive, present at most eligible, yes and no not
/// negative and together at most present. `field` is the tally's path; as for RecordAdmission, a
/// count of yes and no above present is reported on `yes`.
pub fn vote_violations(tally: &VoteTally, field: &str) -> Vec<(String, &'static str)> {
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
    if tally.yes < 0 || tally.yes + tally.no.max(0) > tally.present {
        found.push((
            format!("{field}.yes"),
            "must not be negative, and yes + no must be at most present",
        ));
    }
    found
}

/// A cell's official members on the day it votes, the denominator of its votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRoll {
    /// Official members that day.
    pub official: i64,
    /// Of them, the ones exempt from work and meetings.
    pub exempt: i64,
}

/// Checks a cell vote's `eligible` against the cell's roll on the vote day: the official members,
/// or those less the exempt ones. The Statute counts the cell's official members ("ít nhất hai
/// phần ba số đảng viên chính thức tán thành"); whether members exempt from meetings are counted
/// is left to the cell (domain.md §3: "exempt members may be excluded as the rules say"), so
/// both counts are accepted. A number the caller types otherwise (a 9-member cell "voting" with
/// eligible = 3) is refused.
pub fn check_vote_denominator(
    field: &str,
    tally: &VoteTally,
    roll: CellRoll,
    on: Date,
) -> Result<(), RuleError> {
    let lowest = roll.official - roll.exempt;
    if (lowest..=roll.official).contains(&tally.eligible) {
        return Ok(());
    }
    let expected = if roll.exempt > 0 {
        format!("{lowest} to {}", roll.official)
    } else {
        roll.official.to_string()
    };
    Err(RuleError::precondition(
        VOTE_ELIGIBLE_MISMATCH,
        format!("{field}.eligible"),
        format!(
            "{} entitled to vote, but the cell had {expected} official members on {} (exempt members may be left out)",
            tally.eligible,
            date::format(on)
        ),
    ))
}

/// Checks the cell's unsuccessful votes as recorded, oldest first: each fell below the fraction
/// of the regulation in force on its day, and none was taken after the regulation's number of
/// unsuccessful votes before it (from then on the case is the committee above's, domain.md §3:
/// "after three unsuccessful cell votes the case goes to the committee above").
pub fn check_failed_votes(votes: &[(Date, VoteTally)], rules: &RuleTable) -> Result<(), RuleError> {
    for (i, (voted, tally)) in votes.iter().enumerate() {
        let version = rules.in_force_on(*voted);
        if version.vote_passes(tally.yes, tally.eligible) {
            return Err(RuleError::precondition(
                VOTE_NOT_FAILED,
                format!("candidate.failed_cell_votes[{i}].tally"),
                format!(
                    "{} yes of {} eligible reaches {}/{} ({}); record a passing vote as cell_vote",
                    tally.yes,
                    tally.eligible,
                    version.vote_numerator,
                    version.vote_denominator,
                    version.code
                ),
            ));
        }
        check_cell_may_vote(
            u32::try_from(i).unwrap_or(u32::MAX),
            *voted,
            rules,
            &format!("candidate.failed_cell_votes[{i}]"),
        )?;
    }
    Ok(())
}

/// Refuses a vote of the cell on `voted` when `failed_before` unsuccessful votes already reached
/// the limit of the regulation in force that day: the case has gone to the committee above.
pub fn check_cell_may_vote(
    failed_before: u32,
    voted: Date,
    rules: &RuleTable,
    field: &str,
) -> Result<(), RuleError> {
    let version = rules.in_force_on(voted);
    if failed_before < version.failed_cell_votes_limit {
        return Ok(());
    }
    Err(RuleError::precondition(
        CELL_VOTES_EXHAUSTED,
        field,
        format!(
            "the cell has already voted {failed_before} times without {}/{} ({}); the case goes to the committee above, not to another vote of the cell on {}",
            version.vote_numerator,
            version.vote_denominator,
            version.code,
            date::format(voted)
        ),
    ))
}

/// The numbers of a term's admission target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The first year of the term.
    pub first_year: i32,
    /// The last year of the term.
    pub last_year: i32,
    /// Admissions to make each year.
    pub admissions_per_year: i32,
    /// The share of cells to be rated good or better, in percent.
    pub good_cells_percent: i32,
}

/// The numbers of a cell's plan for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPlan {
    /// The year planned.
    pub year: i32,
    /// Admission sources the cell means to develop.
    pub sources_to_develop: i32,
    /// Admissions the cell means to make.
    pub admissions: i32,
}

/// Checks a target's numbers; violations name fields under `target.`.
pub fn target_violations(target: &Target) -> Vec<(&'static str, String)> {
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
pub fn plan_violations(plan: &CellPlan) -> Vec<(&'static str, String)> {
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

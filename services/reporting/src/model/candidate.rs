//! A candidate as reporting keeps one: the facts the eligibility rules judge and the deadlines
//! count from, in reporting's own types (never the feed's message, never the citizen id).

use partyregistry_rules::Education;
use partyregistry_rules::eligibility::{CandidateFacts, ExceptionKind, IntroducerFacts, Vote};
use partyregistry_vocab::date::Date;

/// What the reports read of a candidate: the facts the eligibility rules judge and the deadlines
/// count from, the names rosters sort by. Never the citizen id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateDetails {
    /// Full name as written.
    pub full_name: String,
    /// Family name; empty when only the full name is known.
    pub family_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Given name; empty when only the full name is known.
    pub given_name: String,
    /// Birth date.
    pub birth_date: Date,
    /// General education.
    pub education: Education,
    /// Issue day of the awareness-class certificate.
    pub certificate_date: Option<Date>,
    /// Day the dossier papers were made.
    pub papers_date: Option<Date>,
    /// The introducers, in the feed's order.
    pub introducers: Vec<Introducer>,
    /// A Youth Union member.
    pub youth_union: bool,
    /// A demobilised soldier (who needs the unit's referral letter).
    pub demobilised_soldier: bool,
    /// The unit's referral letter is there.
    pub has_military_referral: bool,
    /// A demobilised soldier took the awareness class again locally (the referral is then not
    /// needed).
    pub class_retaken_locally: bool,
    /// Lives or works away from the commune.
    pub lives_away: bool,
    /// Day the Party organisation where a candidate living away lives or works gave its written
    /// comment on them; the rules count it from that day.
    pub away_comment_date: Option<Date>,
    /// The cell's vote, once somebody was entitled to cast it.
    pub cell_vote: Option<Vote>,
    /// The background verification failed.
    pub background_check_failed: bool,
    /// Day of the cell's vote, when the feed carried a readable one.
    pub cell_vote_date: Option<Date>,
    /// The admission decision's one-time extension was granted.
    pub decision_extended: bool,
    /// The member id of the admitted candidate's record, when known.
    pub admitted_member: Option<i64>,
    /// The exceptions to the admission rules recorded for the candidate, in the feed's order.
    pub exceptions: Vec<Exception>,
    /// A Youth Union organisation exists where the candidate lives or works.
    pub youth_union_organisation: bool,
    /// Days of the cell's unsuccessful votes, oldest first.
    pub failed_cell_votes: Vec<Date>,
}

/// An exception to the admission rules: which rule it lifts and the day it was decided (who
/// decided, the reference and the note stay with the membership service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exception {
    /// The rule lifted.
    pub kind: ExceptionKind,
    /// The day of the decision; the exception counts from it.
    pub decision_date: Date,
}

/// Somebody introducing a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Introducer {
    /// The introducing member's id; `None` for the Youth Union committee or an unreadable name.
    pub member_id: Option<i64>,
    /// The Youth Union committee rather than a member.
    pub youth_union_committee: bool,
    /// Months they have worked with the candidate.
    pub months_worked_together: i64,
}

impl CandidateDetails {
    /// The facts the eligibility rules judge for an assessment asked on `asked` and judged on
    /// `on` (see `eligibility::judgement_day`): `flagged_area` says whether the commune carries an
    /// area flag on `on`, `official_on_day` whether a member is official then. As the membership
    /// service judges: an exception counts once decided by `asked`, even after the cell's vote
    /// (a consent must come before the decision, not the vote); the cell's unsuccessful votes
    /// count up to `on`.
    pub fn facts(
        &self,
        (asked, on): (Date, Date),
        flagged_area: bool,
        official_on_day: impl Fn(i64) -> bool,
    ) -> CandidateFacts {
        CandidateFacts {
            birth_date: self.birth_date,
            education: self.education,
            flagged_area,
            certificate_date: self.certificate_date,
            introducers: self
                .introducers
                .iter()
                .map(|introducer| IntroducerFacts {
                    youth_union_committee: introducer.youth_union_committee,
                    official_member: !introducer.youth_union_committee
                        && introducer.member_id.is_some_and(&official_on_day),
                    months_worked_together: introducer.months_worked_together,
                })
                .collect(),
            youth_union: self.youth_union,
            demobilised_soldier: self.demobilised_soldier,
            has_military_referral: self.has_military_referral,
            class_retaken_locally: self.class_retaken_locally,
            lives_away: self.lives_away,
            away_comment_date: self.away_comment_date,
            papers_date: self.papers_date,
            cell_vote: self.cell_vote,
            background_check_failed: self.background_check_failed,
            exceptions: self
                .exceptions
                .iter()
                .filter(|exception| exception.decision_date <= asked)
                .map(|exception| exception.kind)
                .collect(),
            youth_union_organisation: self.youth_union_organisation,
            failed_cell_votes: u32::try_from(
                self.failed_cell_votes
                    .iter()
                    .filter(|voted| **voted <= on)
                    .count(),
            )
            .unwrap_or(u32::MAX),
        }
    }
}

//! A candidate as reporting keeps one: the facts the eligibility rules judge and the deadlines
//! count from, in reporting's own types (never the feed's message, never the citizen id).

use partyregistry_rules::Education;
use partyregistry_rules::eligibility::{CandidateFacts, IntroducerFacts, Vote};
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
    /// Lives or works away from the commune.
    pub lives_away: bool,
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
    /// The facts the eligibility rules judge on a day: `flagged_area` says whether the commune
    /// carries an area flag that day, `official_on_day` whether a member is official then.
    pub fn facts(
        &self,
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
            lives_away: self.lives_away,
            papers_date: self.papers_date,
            cell_vote: self.cell_vote,
            background_check_failed: self.background_check_failed,
            // Reporting's projection does not keep a candidate's exceptions, the Youth Union
            // organisation flag or the failed votes, so it does not judge the rules that need
            // them (the Youth Union's introduction, the limit of failed votes); the membership
            // service enforces them on every step.
            exceptions: Vec::new(),
            youth_union_organisation: false,
            failed_cell_votes: 0,
        }
    }
}

//! The facts of a commune's admission pipeline, as the store reads them in one snapshot: the
//! candidates with what the eligibility rules and the deadlines read of them, the members the
//! pipeline concerns, and the commune's plans, ratings and rolls.
//!
//! Owns the questions a record answers about itself (the stage on a day, official on a day).
//! Does not own the judging and the reports (`crate::report::admission`).

use partyregistry_rules::eligibility::{CandidateFacts, IntroducerFacts, Vote};
use partyregistry_rules::{Calendar, CandidateStage, Education, RuleTable};
use partyregistry_vocab::date::Date;
use partyregistry_vocab::text;

use super::commune::{BirthCount, CellInfo, CellRoll, LastAdmission};
use super::rows::{AreaFlagRow, CellPlanRow, CellRatingRow, TargetRow};

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
        }
    }
}

/// One stage a candidate was seen at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageEntry {
    /// The stage.
    pub stage: CandidateStage,
    /// The day it was reached.
    pub date: Date,
    /// The feed sequence that first carried it: orders stages reached on the same day.
    pub sequence: i64,
}

/// A candidate with the latest known facts and every stage seen.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRecord {
    /// The candidate id of `candidates/{id}`.
    pub id: String,
    /// The developing cell (latest known).
    pub cell_id: String,
    /// The latest facts (no citizen id).
    pub candidate: CandidateDetails,
    /// Stages seen, in any order.
    pub history: Vec<StageEntry>,
}

impl CandidateRecord {
    /// The stage reached by `day`: the latest dated on or before it (the later in the feed on
    /// ties); `None` when the candidate was not yet a source that day.
    pub fn stage_on(&self, day: Date) -> Option<CandidateStage> {
        self.history
            .iter()
            .filter(|entry| entry.date <= day)
            .max_by_key(|entry| (entry.date, entry.sequence))
            .map(|entry| entry.stage)
    }

    /// The first day the candidate reached `stage`.
    pub fn reached(&self, stage: CandidateStage) -> Option<Date> {
        self.history
            .iter()
            .filter(|entry| entry.stage == stage)
            .map(|entry| entry.date)
            .min()
    }

    pub fn name(&self) -> String {
        format!("candidates/{}", self.id)
    }

    /// Roster order: given name, middle name, family name (split from the full name when the
    /// parts are missing).
    pub fn roster_key(&self) -> Vec<u8> {
        let c = &self.candidate;
        if c.given_name.is_empty() {
            text::roster_key(&text::split_full_name(&c.full_name))
        } else {
            text::collation_key(&[&c.given_name, &c.middle_name, &c.family_name])
        }
    }
}

/// A member as the admission reports need them: introducers' status, admissions, deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// The member id.
    pub id: i64,
    /// Full name.
    pub full_name: String,
    /// Commune of the current cell.
    pub commune_code: String,
    /// The current cell.
    pub cell_id: String,
    /// `MemberStatus` value name.
    pub status: String,
    /// Admission decision date.
    pub decision_date: Option<Date>,
    /// Ceremony date.
    pub ceremony_date: Option<Date>,
    /// Recognition as official member.
    pub official_date: Option<Date>,
    /// The day the member left the roll.
    pub left_date: Option<Date>,
    /// (commune code, cell id) where this commune admitted the member.
    pub admitted_in: Option<(String, String)>,
}

impl MemberRecord {
    /// Official on `day`: recognised on or before it and not departed by it.
    pub fn official_on(&self, day: Date) -> bool {
        self.official_date.is_some_and(|official| official <= day) && !self.departed_by(day)
    }

    pub fn departed_by(&self, day: Date) -> bool {
        self.left_date.is_some_and(|left| left <= day)
    }

    /// The admitting cell in `commune_code`: the ceremony is that commune's to hold.
    pub fn admitted_in_cell(&self, commune_code: &str) -> Option<&str> {
        self.admitted_in
            .as_ref()
            .filter(|(commune, _)| commune == commune_code)
            .map(|(_, cell)| cell.as_str())
    }

    /// The current cell in `commune_code`: recognition is the cell of the roll's.
    pub fn current_cell(&self, commune_code: &str) -> Option<&str> {
        (self.commune_code == commune_code).then_some(self.cell_id.as_str())
    }
}

/// Admission decisions of one cell in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellAdmissions {
    /// The admitting cell.
    pub cell_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Decisions.
    pub decisions: i64,
}

/// Members on a cell's roll born on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellBirths {
    /// The cell.
    pub cell_id: String,
    /// Members born that day.
    pub births: BirthCount,
}

/// Everything the admission reports of a commune read, from one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionFacts {
    /// Commune code.
    pub commune_code: String,
    /// Commune display name.
    pub display_name: String,
    /// Every cell of the commune, open or not.
    pub cells: Vec<CellInfo>,
    /// The commune's area classifications.
    pub area_flags: Vec<AreaFlagRow>,
    /// The commune's candidates.
    pub candidates: Vec<CandidateRecord>,
    /// Members on the commune's roll or admitted by it, and every member introducing a candidate.
    pub members: Vec<MemberRecord>,
    /// The regulation versions.
    pub rules: RuleTable,
    /// The working-day calendar.
    pub calendar: Calendar,
    /// The commune's targets.
    pub targets: Vec<TargetRow>,
    /// The commune's cell plans, every year.
    pub plans: Vec<CellPlanRow>,
    /// The commune's cell ratings, every year.
    pub cell_ratings: Vec<CellRatingRow>,
    /// Admission decisions per cell and month in the window the store was asked for.
    pub admissions: Vec<CellAdmissions>,
    /// Roll counts per cell and assignment on the roll day the store was asked for.
    pub cell_rolls: Vec<CellRoll>,
    /// Birth dates per cell on the roll day.
    pub cell_births: Vec<CellBirths>,
    /// The latest admission per cell up to the roll day.
    pub last_admissions: Vec<LastAdmission>,
}

//! The admission-pipeline reports, in plain Rust: progress against the target, the pipeline by
//! stage and blocker, the cell rating summary, cell health, deadlines and the monthly briefing,
//! computed from the facts the store reads for one commune. No sqlx, no I/O.
//!
//! Owns: which candidate exists and at which stage on a day (from the stage history), who is
//! official on a day (introducers), whether the commune is a flagged area on a day, the
//! deadline instances and which of them a report lists, and the thresholds of cell health.
//! Does not own the rules themselves (`partyregistry_rules`), the proto↔rules conversions
//! (`partyregistry_kit::admission`), or how admissions are counted (the store's one query, shared
//! with the admissions report).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_kit::admission;
use partyregistry_proto::membership::v1::{Candidate, CandidateStage, RatingLevel};
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, BriefingCandidate, BriefingCell, Bucket, CellHealth, CellHealthRow,
    CellPipeline, CellRatingSummary, Deadline, DeadlineKind as DeadlineKindPb, Freshness,
    ListDeadlinesResponse, MonthlyBriefing, Pipeline, RatingExclusion,
};
use partyregistry_rules::eligibility::{self, Blocker, BlockerCode};
use partyregistry_rules::{Calendar, DeadlineKind, RuleTable, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::reference::label;
use partyregistry_vocab::{names, text};

use crate::projection::{AreaFlagRow, CellPlanRow, CellRatingRow, TargetRow};
use crate::reports::{self, BirthCount, CellInfo, CellRoll, LastAdmission};

/// The value name of an exempt member's status: official, whether or not the feed dated it.
const EXEMPT: &str = "MEMBER_STATUS_EXEMPT";

/// The stages in the contract's order, closed stages last.
const STAGES: [CandidateStage; 9] = [
    CandidateStage::Identified,
    CandidateStage::ClassDone,
    CandidateStage::Dossier,
    CandidateStage::Verified,
    CandidateStage::CellApproved,
    CandidateStage::CommitteeApproved,
    CandidateStage::Admitted,
    CandidateStage::Withdrawn,
    CandidateStage::Ineligible,
];

/// The open stages, in order.
const OPEN_STAGES: [CandidateStage; 6] = [
    CandidateStage::Identified,
    CandidateStage::ClassDone,
    CandidateStage::Dossier,
    CandidateStage::Verified,
    CandidateStage::CellApproved,
    CandidateStage::CommitteeApproved,
];

/// The four rating levels, best first.
const LEVELS: [RatingLevel; 4] = [
    RatingLevel::Excellent,
    RatingLevel::Good,
    RatingLevel::Completed,
    RatingLevel::NotCompleted,
];

/// Why a cell open during the year is not counted in the rating percentage.
const NOT_RATED: &str = "Chưa được đánh giá";

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
    pub candidate: Candidate,
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

    fn name(&self) -> String {
        format!("candidates/{}", self.id)
    }

    /// Roster order: given name, middle name, family name (split from the full name when the
    /// parts are missing).
    fn roster_key(&self) -> Vec<u8> {
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

    fn departed_by(&self, day: Date) -> bool {
        self.left_date.is_some_and(|left| left <= day)
    }

    /// The admitting cell in `commune_code`: the ceremony is that commune's to hold.
    fn admitted_in_cell(&self, commune_code: &str) -> Option<&str> {
        self.admitted_in
            .as_ref()
            .filter(|(commune, _)| commune == commune_code)
            .map(|(_, cell)| cell.as_str())
    }

    /// The current cell in `commune_code`: recognition is the cell of the roll's.
    fn current_cell(&self, commune_code: &str) -> Option<&str> {
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

/// A candidate as judged on a day.
#[derive(Debug, Clone)]
struct Judged<'a> {
    record: &'a CandidateRecord,
    stage: CandidateStage,
    /// Blockers of an open candidate; `None` when its facts could not be read (then it is not
    /// counted as eligible).
    blockers: Option<Vec<Blocker>>,
}

impl Judged<'_> {
    fn is_open(&self) -> bool {
        admission::is_open(self.stage)
    }

    fn is_eligible(&self) -> bool {
        self.is_open() && self.blockers.as_ref().is_some_and(Vec::is_empty)
    }

    /// Blocker codes, each once, in the contract's order.
    fn codes(&self) -> Vec<BlockerCode> {
        let mut codes: Vec<BlockerCode> = self
            .blockers
            .iter()
            .flatten()
            .map(|blocker| blocker.code)
            .collect();
        codes.dedup();
        codes
    }
}

impl AdmissionFacts {
    /// Whether the commune is a flagged area on `day`.
    pub fn flagged_area_on(&self, day: Date) -> bool {
        self.area_flags.iter().any(|flag| flag.covers(day))
    }

    /// Whether the member named `members/{id}` is official on `day`; unknown members are not.
    pub fn official_on(&self, member: &str, day: Date) -> bool {
        names::parse_member("member", member)
            .ok()
            .and_then(|id| self.members.iter().find(|m| m.id == id))
            .is_some_and(|m| m.official_on(day))
    }

    /// The blockers of `record` on `day` under the version in force that day; `None` when its
    /// facts cannot be read (the projection refuses such candidates, so only a hand-edited
    /// database gets here).
    pub fn blockers_on(&self, record: &CandidateRecord, day: Date) -> Option<Vec<Blocker>> {
        let facts = admission::candidate_facts(&record.candidate, self.flagged_area_on(day), |m| {
            self.official_on(m, day)
        })
        .ok()?;
        Some(eligibility::blockers(
            &facts,
            day,
            self.rules.in_force_on(day),
        ))
    }

    /// Candidates existing on `day`, with the blockers of the open ones.
    fn judge(&self, day: Date) -> Vec<Judged<'_>> {
        self.candidates
            .iter()
            .filter_map(|record| {
                let stage = record.stage_on(day)?;
                let blockers = if admission::is_open(stage) {
                    self.blockers_on(record, day)
                } else {
                    Some(Vec::new())
                };
                Some(Judged {
                    record,
                    stage,
                    blockers,
                })
            })
            .collect()
    }

    /// The target of the term covering `year` (the latest term starting on or before it).
    pub fn target_for(&self, year: i32) -> Option<&TargetRow> {
        self.targets
            .iter()
            .filter(|t| t.first_year <= year && year <= t.last_year)
            .max_by_key(|t| t.first_year)
    }

    fn open_cells(&self, day: Date) -> Vec<&CellInfo> {
        let mut open: Vec<&CellInfo> = self.cells.iter().filter(|c| c.is_open_on(day)).collect();
        reports::sort_by_collation(&mut open);
        open
    }
}

fn bucket(key: &str, label: &str, members: i64) -> Bucket {
    Bucket {
        key: key.to_owned(),
        label: label.to_owned(),
        members,
        suppressed: false,
    }
}

fn stage_buckets<'a>(
    stages: &[CandidateStage],
    judged: impl Iterator<Item = &'a Judged<'a>>,
) -> Vec<Bucket> {
    let mut counts = vec![0_i64; stages.len()];
    for candidate in judged {
        if let Some(index) = stages.iter().position(|s| *s == candidate.stage) {
            counts[index] += 1;
        }
    }
    stages
        .iter()
        .zip(counts)
        .map(|(stage, count)| bucket(stage.as_str_name(), label(stage.as_str_name()), count))
        .collect()
}

/// Open candidates per blocker code (once per candidate), in the codes' order.
fn blocker_counts<'a>(judged: impl Iterator<Item = &'a Judged<'a>>) -> BTreeMap<BlockerCode, i64> {
    let mut counts = BTreeMap::new();
    for candidate in judged.filter(|c| c.is_open()) {
        for code in candidate.codes() {
            *counts.entry(code).or_default() += 1;
        }
    }
    counts
}

fn blocker_buckets(counts: &BTreeMap<BlockerCode, i64>) -> Vec<Bucket> {
    counts
        .iter()
        .map(|(code, count)| bucket(code.code(), code.label(), *count))
        .collect()
}

fn to_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

/// `YYYY-MM` → (year, month).
fn year_month(key: &str) -> Option<(i32, u32)> {
    let (year, month) = key.split_once('-')?;
    Some((year.parse().ok()?, month.parse().ok()?))
}

/// A year's admission progress on `as_of`. The store read the admissions from 1 January of
/// `year` up to `as_of`; admissions of other years in the facts are ignored.
pub fn admission_progress(
    facts: &AdmissionFacts,
    year: i32,
    as_of: Date,
    freshness: Freshness,
) -> AdmissionProgress {
    let monthly: Vec<(String, i64)> = facts
        .admissions
        .iter()
        .map(|a| (a.month.clone(), a.decisions))
        .collect();
    let by_month = reports::admissions_by_year(year, year, &monthly)
        .pop()
        .map(|y| y.by_month)
        .unwrap_or_else(|| vec![0; 12]);
    let admitted: i64 = by_month.iter().sum();
    let judged = facts.judge(as_of);
    let open_candidates = judged.iter().filter(|c| c.is_open()).count() as i64;
    let eligible_candidates = judged.iter().filter(|c| c.is_eligible()).count() as i64;
    let target = facts.target_for(year);
    let target_value = target.map_or(0, |t| t.admissions_per_year);
    let best_case = admitted + eligible_candidates;
    let at_risk = target.is_some() && best_case < i64::from(target_value);

    let counts = blocker_counts(judged.iter());
    let mut ranked: Vec<(&BlockerCode, &i64)> = counts.iter().collect();
    // Largest first; the map's code order breaks ties (the sort is stable).
    ranked.sort_by_key(|(_, count)| std::cmp::Reverse(**count));
    let mut reasons = Vec::new();
    if at_risk {
        reasons.push(format!(
            "Năm {year} tối đa kết nạp được {best_case}/{target_value} đảng viên: đã kết nạp \
             {admitted}, còn {eligible_candidates} quần chúng đủ điều kiện trên \
             {open_candidates} nguồn"
        ));
    }
    reasons.extend(
        ranked
            .into_iter()
            .map(|(code, count)| format!("{}: {count} người", code.label())),
    );
    AdmissionProgress {
        commune: names::commune(&facts.commune_code),
        year,
        as_of_date: date::format(as_of),
        target: target_value,
        has_target: target.is_some(),
        admitted,
        by_month,
        remaining: (i64::from(target_value) - admitted).max(0),
        eligible_candidates,
        open_candidates,
        best_case,
        at_risk,
        reasons,
        freshness: Some(freshness),
    }
}

/// The pipeline on `as_of`: every stage for the commune, blockers of open candidates, and every
/// cell open that day.
pub fn pipeline(facts: &AdmissionFacts, as_of: Date, freshness: Freshness) -> Pipeline {
    let judged = facts.judge(as_of);
    let cells = facts
        .open_cells(as_of)
        .into_iter()
        .map(|cell| {
            let of_cell: Vec<&Judged> = judged
                .iter()
                .filter(|c| c.record.cell_id == cell.cell_id)
                .collect();
            CellPipeline {
                suppressed_fields: Vec::new(),
                cell: names::cell(&facts.commune_code, &cell.cell_id),
                display_name: cell.display_name.clone(),
                open_candidates: of_cell.iter().filter(|c| c.is_open()).count() as i64,
                eligible_candidates: of_cell.iter().filter(|c| c.is_eligible()).count() as i64,
                by_stage: stage_buckets(&OPEN_STAGES, of_cell.iter().copied()),
                by_blocker: blocker_buckets(&blocker_counts(of_cell.iter().copied())),
            }
        })
        .collect();
    Pipeline {
        commune: names::commune(&facts.commune_code),
        as_of_date: date::format(as_of),
        open_candidates: judged.iter().filter(|c| c.is_open()).count() as i64,
        eligible_candidates: judged.iter().filter(|c| c.is_eligible()).count() as i64,
        by_stage: stage_buckets(&STAGES, judged.iter()),
        by_blocker: blocker_buckets(&blocker_counts(judged.iter())),
        cells,
        freshness: Some(freshness),
    }
}

/// First and last day of a year already checked to lie in 1900..=2200.
fn year_days(year: i32) -> (Date, Date) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// The share of cells rated GOOD or better in `year` (domain §4): numerator, denominator, the
/// levels, and the cells open during the year that were not rated.
pub fn cell_rating_summary(
    facts: &AdmissionFacts,
    year: i32,
    freshness: Freshness,
) -> CellRatingSummary {
    let ratings: Vec<&CellRatingRow> = facts
        .cell_ratings
        .iter()
        .filter(|r| r.year == year && r.commune_code == facts.commune_code)
        .collect();
    let count = |level: RatingLevel| {
        ratings
            .iter()
            .filter(|r| r.level == level.as_str_name())
            .count() as i64
    };
    let numerator = count(RatingLevel::Excellent) + count(RatingLevel::Good);
    let denominator = ratings.len() as i64;
    let target = facts.target_for(year);
    let target_percent = target.map_or(0, |t| t.good_cells_percent);
    let (first_day, last_day) = year_days(year);
    let mut unrated: Vec<&CellInfo> = facts
        .cells
        .iter()
        .filter(|cell| {
            cell.open_date.is_none_or(|open| open <= last_day)
                && cell.close_date.is_none_or(|close| close > first_day)
                && !ratings.iter().any(|r| r.cell_id == cell.cell_id)
        })
        .collect();
    reports::sort_by_collation(&mut unrated);
    CellRatingSummary {
        commune: names::commune(&facts.commune_code),
        year,
        numerator,
        denominator,
        percent: if denominator == 0 {
            0.0
        } else {
            100.0 * numerator as f64 / denominator as f64
        },
        target_percent,
        has_target: target.is_some(),
        // Without a target there is nothing to meet.
        meets_target: target.is_some()
            && numerator * 100 >= i64::from(target_percent) * denominator,
        // Integer ceiling of target_percent * denominator / 100, both non-negative.
        needed: (i64::from(target_percent) * denominator + 99) / 100,
        by_level: LEVELS
            .iter()
            .map(|level| {
                bucket(
                    level.as_str_name(),
                    label(level.as_str_name()),
                    count(*level),
                )
            })
            .collect(),
        exclusions: unrated
            .into_iter()
            .map(|cell| RatingExclusion {
                cell: names::cell(&facts.commune_code, &cell.cell_id),
                display_name: cell.display_name.clone(),
                reason: NOT_RATED.to_owned(),
            })
            .collect(),
        freshness: Some(freshness),
    }
}

/// The thresholds of the cell health report, defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthThresholds {
    /// Whole years without admission that flag a cell.
    pub years_without_admission: i32,
    /// Seconded share (percent) above which a cell is flagged.
    pub seconded_percent: i32,
    /// Age from which a member counts as ageing.
    pub ageing_age: i32,
}

impl HealthThresholds {
    /// Applies the defaults (0 = 3 years, 50 %, 60 years) and checks the limits; returns the field
    /// at fault and why on failure.
    pub fn from_request(
        years_without_admission: i32,
        seconded_percent: i32,
        ageing_age: i32,
    ) -> Result<Self, (&'static str, String)> {
        let pick = |field: &'static str, value: i32, default: i32, max: i32| {
            if value < 0 {
                Err((field, "must not be negative".to_owned()))
            } else if value > max {
                Err((field, format!("must be at most {max}")))
            } else if value == 0 {
                Ok(default)
            } else {
                Ok(value)
            }
        };
        Ok(Self {
            years_without_admission: pick(
                "years_without_admission",
                years_without_admission,
                3,
                200,
            )?,
            seconded_percent: pick("seconded_percent", seconded_percent, 50, 100)?,
            ageing_age: pick("ageing_age", ageing_age, 60, 150)?,
        })
    }
}

/// Cell health on `as_of` (the roll day the store read): every open cell with its roll, seconded
/// share, last admission, ages and open candidates.
pub fn cell_health(
    facts: &AdmissionFacts,
    as_of: Date,
    thresholds: HealthThresholds,
    freshness: Freshness,
) -> CellHealth {
    let judged = facts.judge(as_of);
    let cells: Vec<CellHealthRow> = facts
        .open_cells(as_of)
        .into_iter()
        .map(|cell| {
            let (mut members, mut seconded) = (0, 0);
            for roll in facts
                .cell_rolls
                .iter()
                .filter(|r| r.cell_id == cell.cell_id)
            {
                members += roll.members;
                if roll.seconded {
                    seconded += roll.members;
                }
            }
            let last_admission = facts
                .last_admissions
                .iter()
                .filter(|a| a.cell_id == cell.cell_id && a.decision_date <= as_of)
                .map(|a| a.decision_date)
                .max();
            let years_since =
                last_admission.map_or(-1, |admitted| to_i32(date::age_in_years(admitted, as_of)));
            let births: Vec<BirthCount> = facts
                .cell_births
                .iter()
                .filter(|b| b.cell_id == cell.cell_id)
                .map(|b| b.births.clone())
                .collect();
            let ageing_members = births
                .iter()
                .filter(|b| {
                    b.birth_date.is_some_and(|born| {
                        date::age_in_years(born, as_of) >= i64::from(thresholds.ageing_age)
                    })
                })
                .map(|b| b.members)
                .sum();
            CellHealthRow {
                suppressed_fields: Vec::new(),
                cell: names::cell(&facts.commune_code, &cell.cell_id),
                display_name: cell.display_name.clone(),
                members,
                seconded_members: seconded,
                last_admission_date: date::format_optional(last_admission),
                years_since_last_admission: years_since,
                no_recent_admission: years_since < 0
                    || years_since >= thresholds.years_without_admission,
                seconded_dominated: members > 0
                    && seconded * 100 > i64::from(thresholds.seconded_percent) * members,
                average_age: reports::average_age(&births, as_of),
                ageing_members,
                open_candidates: judged
                    .iter()
                    .filter(|c| c.is_open() && c.record.cell_id == cell.cell_id)
                    .count() as i64,
            }
        })
        .collect();
    CellHealth {
        commune: names::commune(&facts.commune_code),
        as_of_date: date::format(as_of),
        cells_without_recent_admission: cells.iter().filter(|c| c.no_recent_admission).count()
            as i64,
        seconded_dominated_cells: cells.iter().filter(|c| c.seconded_dominated).count() as i64,
        cells,
        freshness: Some(freshness),
    }
}

/// A deadline with its cell id, before it becomes a contract message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DeadlineItem {
    cell_id: String,
    message: Deadline,
    due: Date,
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
            },
        })
    }

    /// Every deadline as it stood on `as_of` (see [`deadlines`]), with cell ids.
    fn deadline_items(&self, as_of: Date, until: Date) -> Vec<DeadlineItem> {
        let mut items = Vec::new();
        for record in &self.candidates {
            // The committee's decision is pending while the candidate is cell- or
            // committee-approved and no decision is known; admitted candidates continue as
            // members below (whatever day the candidate's closing was dated).
            let decided = names::parse_member("member", &record.candidate.admitted_member)
                .ok()
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
            let approved = date::parse(&record.candidate.cell_vote_date)
                .ok()
                .filter(|day| *day <= as_of)
                .or_else(|| record.reached(CandidateStage::CellApproved));
            if let Some(approved) = approved {
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
                || (member.status == EXEMPT && member.official_date.is_none());
            let (kind, start, cell_id) = match (decided, ceremony) {
                (Some(decided), None) => (
                    DeadlineKind::Ceremony,
                    decided,
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

/// `YYYY-MM` → its first and last day; the description of the problem on failure.
pub fn parse_month(text: &str) -> Result<(Date, Date), String> {
    const SHAPE: &str = "must be a month of the form YYYY-MM";
    let bytes = text.as_bytes();
    if bytes.len() != 7 || bytes[4] != b'-' {
        return Err(SHAPE.into());
    }
    let first = date::parse(&format!("{text}-01")).map_err(|_| SHAPE.to_owned())?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| SHAPE.to_owned())?;
    Ok((first, next - Duration::days(1)))
}

/// The year and day of a progress request: the year defaults to the day's year, and the day is
/// at most the year's last day. Returns the field at fault and why on failure.
pub fn progress_period(year: i32, as_of: Date) -> Result<(i32, Date), (&'static str, String)> {
    let year = if year == 0 { as_of.year() } else { year };
    if !(1900..=2200).contains(&year) {
        return Err(("year", "must be a year between 1900 and 2200".into()));
    }
    let (_, last_day) = year_days(year);
    Ok((year, as_of.min(last_day)))
}

/// Checks the year of a rating summary.
pub fn rating_year(year: i32) -> Result<i32, (&'static str, String)> {
    if (1900..=2200).contains(&year) {
        Ok(year)
    } else {
        Err(("year", "must be a year between 1900 and 2200".into()))
    }
}

/// The monthly briefing for the month from `first_day` to `last_day`: progress and blockers on
/// the first day, per open cell the plan of the year, admissions before the month, open
/// candidates with their next step, and the cell's deadlines overdue or due in the month. The
/// store read the admissions from 1 January up to `first_day`.
pub fn monthly_briefing(
    facts: &AdmissionFacts,
    first_day: Date,
    last_day: Date,
    freshness: Freshness,
) -> MonthlyBriefing {
    let year = first_day.year();
    let month_key = first_day.format("%Y-%m").to_string();
    let progress = admission_progress(facts, year, first_day, freshness);
    let judged = facts.judge(first_day);
    let deadlines = facts.deadline_items(first_day, last_day);
    let cells = facts
        .open_cells(first_day)
        .into_iter()
        .map(|cell| {
            let plan = facts
                .plans
                .iter()
                .find(|p| p.cell_id == cell.cell_id && p.year == year);
            let admitted = facts
                .admissions
                .iter()
                .filter(|a| {
                    a.cell_id == cell.cell_id
                        && year_month(&a.month)
                            .is_some_and(|(y, m)| y == year && m < first_day.month())
                })
                .map(|a| a.decisions)
                .sum();
            let mut open: Vec<&Judged> = judged
                .iter()
                .filter(|c| c.is_open() && c.record.cell_id == cell.cell_id)
                .collect();
            open.sort_by_cached_key(|c| (c.record.roster_key(), c.record.id.clone()));
            let candidates: Vec<BriefingCandidate> = open
                .iter()
                .map(|c| {
                    let codes = c.codes();
                    BriefingCandidate {
                        candidate: c.record.name(),
                        full_name: c.record.candidate.full_name.clone(),
                        stage: c.stage.as_str_name().to_owned(),
                        next_step: admission::next_step(c.stage, codes.first().copied()),
                        blockers: codes.iter().map(|code| code.code().to_owned()).collect(),
                    }
                })
                .collect();
            BriefingCell {
                cell: names::cell(&facts.commune_code, &cell.cell_id),
                display_name: cell.display_name.clone(),
                planned_sources: plan.map_or(0, |p| p.sources_to_develop),
                planned_admissions: plan.map_or(0, |p| p.admissions),
                has_plan: plan.is_some(),
                admitted,
                sources: candidates.len() as i64,
                candidates,
                deadlines: deadlines
                    .iter()
                    .filter(|d| {
                        d.cell_id == cell.cell_id && (d.message.overdue || d.due <= last_day)
                    })
                    .map(|d| d.message.clone())
                    .collect(),
            }
        })
        .collect();
    MonthlyBriefing {
        commune: names::commune(&facts.commune_code),
        month: month_key,
        freshness: progress.freshness,
        progress: Some(progress),
        cells,
    }
}

#[cfg(test)]
mod tests;

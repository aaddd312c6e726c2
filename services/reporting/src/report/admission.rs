//! The admission-pipeline reports, in plain Rust: progress against the target, the pipeline by
//! stage and blocker, the cell rating summary, cell health, deadlines and the monthly briefing,
//! computed from the facts the store reads for one commune. No sqlx, no I/O, no membership
//! contract: candidates are reporting's own [`CandidateRecord`]s.
//!
//! Owns: how candidates are judged on a day (stage, blockers under the version in force), who is
//! official on a day (introducers), whether the commune is a flagged area on a day, and the
//! thresholds of cell health. Does not own the rules themselves (`partyregistry_rules`), the
//! deadlines ([`crate::report::deadlines`]), or how admissions are counted (the store's one
//! query, shared with the admissions report).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use partyregistry_proto::reporting::v1::{
    AdmissionProgress, BriefingCandidate, BriefingCell, Bucket, CellHealth, CellHealthRow,
    CellPipeline, CellRatingSummary, Freshness, MonthlyBriefing, Pipeline, RatingExclusion,
};
use partyregistry_rules::CandidateStage;
use partyregistry_rules::eligibility::{self, Blocker, BlockerCode};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use partyregistry_vocab::reference::label;

use crate::model::admission::{AdmissionFacts, CandidateRecord};
use crate::model::commune::{BirthCount, CellInfo};
use crate::model::rows::{CellRatingRow, TargetRow};
use crate::model::vocabulary::{RatingLevel, STAGES, stage_key};
use crate::report::commune::{self as reports, to_i32};

/// The open stages, in order.
const OPEN_STAGES: [CandidateStage; 6] = [
    CandidateStage::Identified,
    CandidateStage::ClassDone,
    CandidateStage::Dossier,
    CandidateStage::Verified,
    CandidateStage::CellApproved,
    CandidateStage::CommitteeApproved,
];

/// Why a cell open during the year is not counted in the rating percentage.
const NOT_RATED: &str = "Chưa được đánh giá";

/// A candidate as judged on a day.
#[derive(Debug, Clone)]
struct Judged<'a> {
    record: &'a CandidateRecord,
    stage: CandidateStage,
    /// Blockers of an open candidate.
    blockers: Vec<Blocker>,
}

impl Judged<'_> {
    fn is_open(&self) -> bool {
        self.stage.is_open()
    }

    fn is_eligible(&self) -> bool {
        self.is_open() && self.blockers.is_empty()
    }

    /// Blocker codes, each once, in the contract's order.
    fn codes(&self) -> Vec<BlockerCode> {
        let mut codes: Vec<BlockerCode> =
            self.blockers.iter().map(|blocker| blocker.code).collect();
        codes.dedup();
        codes
    }
}

impl AdmissionFacts {
    /// Whether the commune is a flagged area on `day`.
    pub fn flagged_area_on(&self, day: Date) -> bool {
        self.area_flags.iter().any(|flag| flag.covers(day))
    }

    /// Whether the member `member_id` is official on `day`; unknown members are not.
    pub fn official_on(&self, member_id: i64, day: Date) -> bool {
        self.members
            .iter()
            .find(|m| m.id == member_id)
            .is_some_and(|m| m.official_on(day))
    }

    /// The blockers of `record` asked about on `asked`, judged on the cell's vote day once the
    /// cell has voted by then (else on `asked`), under the version in force on the day judged:
    /// see [`eligibility::judgement_day`].
    pub fn blockers_on(&self, record: &CandidateRecord, asked: Date) -> Vec<Blocker> {
        let day = eligibility::judgement_day(record.cell_vote_day_by(asked), asked);
        let facts = record
            .candidate
            .facts((asked, day), self.flagged_area_on(day), |member| {
                self.official_on(member, day)
            });
        eligibility::blockers(&facts, day, self.rules.in_force_on(day))
    }

    /// Candidates existing on `day`, with the blockers of the open ones.
    fn judge(&self, day: Date) -> Vec<Judged<'_>> {
        self.candidates
            .iter()
            .filter_map(|record| {
                let stage = record.stage_on(day)?;
                let blockers = if stage.is_open() {
                    self.blockers_on(record, day)
                } else {
                    Vec::new()
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
        .map(|(stage, count)| bucket(stage_key(*stage), label(stage_key(*stage)), count))
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
    let count = |level: RatingLevel| ratings.iter().filter(|r| r.level == level).count() as i64;
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
        by_level: RatingLevel::ALL
            .iter()
            .map(|level| bucket(level.key(), label(level.key()), count(*level)))
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
                kind: cell.kind.key().to_owned(),
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
                        stage: stage_key(c.stage).to_owned(),
                        next_step: c.stage.next_step(codes.first().copied()),
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

//! Reading the facts of the reports: small grouped counts over one commune, all from one
//! consistent snapshot so that the totals and the breakdowns of a report agree even while the
//! consumer writes.

use partyregistry_kit::db::Backend;
use partyregistry_vocab::date::{self, Date};
use sqlx::{Any, AnyConnection, Row, Transaction};

use partyregistry_rules::eligibility::Vote;
use partyregistry_rules::{Calendar, DayKind, RuleTable, RuleVersion};

use super::aggregates;
use super::apply::RULE_VERSION_COLUMNS;
use super::{
    Store, StoreError, StoredCursor, read_cursor, spelled, stored_date, stored_optional_date,
    unreadable,
};
use crate::model::admission::{
    AdmissionFacts, CandidateRecord, CellAdmissions, CellBirths, MemberRecord, StageEntry,
};
use crate::model::candidate::{CandidateDetails, Exception, Introducer};
use crate::model::commune::{
    BirthCount, CellInfo, CellRoll, CommuneFacts, LastAdmission, ProfileCount,
};
use crate::model::rows::{AreaFlagRow, CellPlanRow, CellRatingRow, TargetRow};
use crate::model::vocabulary::{
    Assignment, CellKind, Gender, GeneralEducation, MemberStatus, PoliticalTheory, RatingLevel,
    education_from_key, exception_from_key, stage_from_key,
};

/// The members on the commune's roll on the day: their stint in the commune covers it (`$1`
/// commune code, `$2` the day). Stints of one member never overlap, so nobody counts twice.
const ROLL_ON_DAY: &str = "from member_stints s join members m on m.id = s.member_id \
     where s.commune_code = $1 and s.from_date <= $2 and (s.to_date is null or s.to_date > $2)";

/// A commune report's facts with the cursor read in the same snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneSnapshot {
    /// The facts.
    pub facts: CommuneFacts,
    /// The cursor at that moment.
    pub cursor: StoredCursor,
}

/// Admission decisions of a commune per month, with the cursor read in the same snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionsSnapshot {
    /// `(YYYY-MM, decisions)`.
    pub monthly: Vec<(String, i64)>,
    /// The cursor at that moment.
    pub cursor: StoredCursor,
}

impl Store {
    /// Opens a read transaction that sees one snapshot for all its statements: SQLite's read
    /// transactions do so already; PostgreSQL needs REPEATABLE READ for it.
    pub(super) async fn snapshot(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.database.pool.begin().await?;
        if self.database.backend == Backend::Postgres {
            sqlx::query("set transaction isolation level repeatable read, read only")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// The facts of a commune's report on `as_of`; `None` if the commune was never on the feed.
    pub async fn commune_snapshot(
        &self,
        commune_code: &str,
        as_of: Date,
    ) -> Result<Option<CommuneSnapshot>, StoreError> {
        let mut tx = self.snapshot().await?;
        let Some(display_name) = commune_display_name(&mut tx, commune_code).await? else {
            return Ok(None);
        };
        let day = date::format(as_of);
        let facts = CommuneFacts {
            commune_code: commune_code.to_owned(),
            display_name,
            as_of,
            cells: cells(&mut tx, commune_code).await?,
            cell_rolls: cell_rolls(&mut tx, commune_code, &day).await?,
            profiles: profiles(&mut tx, commune_code, &day).await?,
            births: births(&mut tx, commune_code, &day).await?,
            last_admissions: last_admissions(&mut tx, commune_code, &day).await?,
            awaiting_ceremony: aggregates::roll_lines(&mut tx, &[commune_code.to_owned()], as_of)
                .await?
                .1,
        };
        let cursor = read_cursor(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(CommuneSnapshot { facts, cursor }))
    }

    /// Admission decisions of a commune per month between two days inclusive; `None` if the
    /// commune was never on the feed.
    pub async fn admissions_snapshot(
        &self,
        commune_code: &str,
        first_day: Date,
        last_day: Date,
    ) -> Result<Option<AdmissionsSnapshot>, StoreError> {
        let mut tx = self.snapshot().await?;
        if commune_display_name(&mut tx, commune_code).await?.is_none() {
            return Ok(None);
        }
        let mut monthly: Vec<(String, i64)> = Vec::new();
        for count in admission_counts(&mut tx, commune_code, first_day, last_day).await? {
            match monthly.iter_mut().find(|(month, _)| *month == count.month) {
                Some((_, decisions)) => *decisions += count.decisions,
                None => monthly.push((count.month, count.decisions)),
            }
        }
        let cursor = read_cursor(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(AdmissionsSnapshot { monthly, cursor }))
    }
}

/// What an admission report reads besides the commune's pipeline data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionWindow {
    /// The day of the rolls, births and last admissions per cell.
    pub roll_day: Date,
    /// First day of the admission decisions counted.
    pub admissions_from: Date,
    /// Last day of the admission decisions counted (inclusive).
    pub admissions_to: Date,
}

/// The facts of an admission report with the cursor read in the same snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionSnapshot {
    /// The facts.
    pub facts: AdmissionFacts,
    /// The cursor at that moment.
    pub cursor: StoredCursor,
}

impl Store {
    /// The facts of a commune's admission reports; `None` if the commune was never on the feed.
    pub async fn admission_snapshot(
        &self,
        commune_code: &str,
        window: AdmissionWindow,
    ) -> Result<Option<AdmissionSnapshot>, StoreError> {
        let mut tx = self.snapshot().await?;
        let Some(facts) = admission_facts(&mut tx, commune_code, window).await? else {
            return Ok(None);
        };
        let cursor = read_cursor(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(AdmissionSnapshot { facts, cursor }))
    }
}

/// The facts of a commune's admission reports on `connection`; `None` if the commune was never on
/// the feed.
pub(super) async fn admission_facts(
    tx: &mut AnyConnection,
    commune_code: &str,
    window: AdmissionWindow,
) -> Result<Option<AdmissionFacts>, StoreError> {
    let Some(display_name) = commune_display_name(&mut *tx, commune_code).await? else {
        return Ok(None);
    };
    let day = date::format(window.roll_day);
    let candidates = candidates(&mut *tx, commune_code).await?;
    let mut members = admission_members(&mut *tx, commune_code).await?;
    introducers(&mut *tx, &candidates, &mut members).await?;
    Ok(Some(AdmissionFacts {
        commune_code: commune_code.to_owned(),
        display_name,
        cells: cells(&mut *tx, commune_code).await?,
        area_flags: area_flags(&mut *tx, commune_code).await?,
        candidates,
        members,
        rules: rule_table(&mut *tx).await?,
        calendar: calendar(&mut *tx).await?,
        targets: targets(&mut *tx, commune_code).await?,
        plans: cell_plans(&mut *tx, commune_code).await?,
        cell_ratings: cell_ratings(&mut *tx, commune_code).await?,
        admissions: admission_counts(
            &mut *tx,
            commune_code,
            window.admissions_from,
            window.admissions_to,
        )
        .await?,
        cell_rolls: cell_rolls(&mut *tx, commune_code, &day).await?,
        cell_births: cell_births(&mut *tx, commune_code, &day).await?,
        last_admissions: last_admissions(&mut *tx, commune_code, &day).await?,
    }))
}

/// Admission decisions of a commune per admitting cell and month between two days inclusive: the
/// one definition of "admitted" that every report counts with.
async fn admission_counts(
    connection: &mut AnyConnection,
    commune_code: &str,
    first_day: Date,
    last_day: Date,
) -> Result<Vec<CellAdmissions>, StoreError> {
    let rows = sqlx::query(
        "select admitted_in_cell, substr(decision_date, 1, 7) as month, count(*) from members \
         where admitted_in_commune = $1 and decision_date >= $2 and decision_date <= $3 \
         group by admitted_in_cell, substr(decision_date, 1, 7)",
    )
    .bind(commune_code)
    .bind(date::format(first_day))
    .bind(date::format(last_day))
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CellAdmissions {
                cell_id: row.try_get(0)?,
                month: row.try_get(1)?,
                decisions: row.try_get(2)?,
            })
        })
        .collect()
}

/// Reads an integer column the projection wrote from a smaller unsigned type.
fn unsigned<T: TryFrom<i64>>(row: &sqlx::any::AnyRow, column: &str) -> Result<T, StoreError> {
    let value: i64 = row.try_get(column)?;
    T::try_from(value).map_err(|_| unreadable(column, &value.to_string()))
}

/// Reads a 0/1 flag column.
fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Reads an education column.
fn education(
    row: &sqlx::any::AnyRow,
    column: &str,
) -> Result<partyregistry_rules::Education, StoreError> {
    let key: String = row.try_get(column)?;
    education_from_key(&key).ok_or_else(|| unreadable(column, &key))
}

async fn area_flags(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<AreaFlagRow>, StoreError> {
    let rows = sqlx::query(
        "select kind, valid_from, valid_to from commune_area_flags where commune_code = $1 order by position",
    )
    .bind(commune_code)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get(0)?;
            Ok(AreaFlagRow {
                kind,
                valid_from: stored_date(&row.try_get::<String, _>(1)?)?,
                valid_to: stored_optional_date(row.try_get(2)?)?,
            })
        })
        .collect()
}

async fn candidates(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<CandidateRecord>, StoreError> {
    let rows = sqlx::query(
        "select candidate_id, cell_id, full_name, family_name, middle_name, given_name, \
             birth_date, general_education, certificate_date, papers_date, youth_union, \
             demobilised_soldier, has_military_referral, lives_away, vote_eligible, vote_yes, \
             background_check_failed, cell_vote_date, decision_extended, admitted_member_id, \
             no_youth_union_organisation, class_retaken_locally, away_comment_date \
         from candidates where commune_code = $1 order by candidate_id",
    )
    .bind(commune_code)
    .fetch_all(&mut *connection)
    .await?;
    let mut records = rows
        .iter()
        .map(|row| {
            let vote_eligible: Option<i64> = row.try_get("vote_eligible")?;
            let vote_yes: Option<i64> = row.try_get("vote_yes")?;
            Ok(CandidateRecord {
                id: row.try_get("candidate_id")?,
                cell_id: row.try_get("cell_id")?,
                candidate: CandidateDetails {
                    full_name: row.try_get("full_name")?,
                    family_name: row.try_get("family_name")?,
                    middle_name: row.try_get("middle_name")?,
                    given_name: row.try_get("given_name")?,
                    birth_date: stored_date(&row.try_get::<String, _>("birth_date")?)?,
                    education: education(row, "general_education")?,
                    certificate_date: stored_optional_date(row.try_get("certificate_date")?)?,
                    papers_date: stored_optional_date(row.try_get("papers_date")?)?,
                    introducers: Vec::new(),
                    youth_union: flag(row, "youth_union")?,
                    demobilised_soldier: flag(row, "demobilised_soldier")?,
                    has_military_referral: flag(row, "has_military_referral")?,
                    class_retaken_locally: flag(row, "class_retaken_locally")?,
                    lives_away: flag(row, "lives_away")?,
                    away_comment_date: stored_optional_date(row.try_get("away_comment_date")?)?,
                    cell_vote: vote_eligible
                        .zip(vote_yes)
                        .map(|(eligible, yes)| Vote { eligible, yes }),
                    background_check_failed: flag(row, "background_check_failed")?,
                    cell_vote_date: stored_optional_date(row.try_get("cell_vote_date")?)?,
                    decision_extended: flag(row, "decision_extended")?,
                    admitted_member: row.try_get("admitted_member_id")?,
                    exceptions: Vec::new(),
                    youth_union_organisation: !flag(row, "no_youth_union_organisation")?,
                    failed_cell_votes: Vec::new(),
                },
                history: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let rows = sqlx::query(
        "select i.candidate_id, i.member_id, i.youth_union_committee, i.months_worked_together \
         from candidate_introducers i join candidates c on c.candidate_id = i.candidate_id \
         where c.commune_code = $1 order by i.candidate_id, i.position",
    )
    .bind(commune_code)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let id: String = row.try_get("candidate_id")?;
        let introducer = Introducer {
            member_id: row.try_get("member_id")?,
            youth_union_committee: flag(row, "youth_union_committee")?,
            months_worked_together: row.try_get("months_worked_together")?,
        };
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            record.candidate.introducers.push(introducer);
        }
    }
    let rows = sqlx::query(
        "select e.candidate_id, e.kind, e.decision_date \
         from candidate_exceptions e join candidates c on c.candidate_id = e.candidate_id \
         where c.commune_code = $1 order by e.candidate_id, e.position",
    )
    .bind(commune_code)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let id: String = row.try_get("candidate_id")?;
        let kind: String = row.try_get("kind")?;
        let exception = Exception {
            kind: exception_from_key(&kind).ok_or_else(|| unreadable("kind", &kind))?,
            decision_date: stored_date(&row.try_get::<String, _>("decision_date")?)?,
        };
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            record.candidate.exceptions.push(exception);
        }
    }
    let rows = sqlx::query(
        "select v.candidate_id, v.vote_date \
         from candidate_failed_votes v join candidates c on c.candidate_id = v.candidate_id \
         where c.commune_code = $1 order by v.candidate_id, v.position",
    )
    .bind(commune_code)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let id: String = row.try_get("candidate_id")?;
        let voted = stored_date(&row.try_get::<String, _>("vote_date")?)?;
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            record.candidate.failed_cell_votes.push(voted);
        }
    }
    let rows = sqlx::query(
        "select h.candidate_id, h.stage, h.stage_date, h.sequence from candidate_stages h \
         join candidates c on c.candidate_id = h.candidate_id where c.commune_code = $1",
    )
    .bind(commune_code)
    .fetch_all(connection)
    .await?;
    for row in &rows {
        let id: String = row.try_get(0)?;
        let stage: String = row.try_get(1)?;
        let Some(stage) = stage_from_key(&stage) else {
            continue;
        };
        let entry = StageEntry {
            stage,
            date: stored_date(&row.try_get::<String, _>(2)?)?,
            sequence: row.try_get(3)?,
        };
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            record.history.push(entry);
        }
    }
    Ok(records)
}

const MEMBER_RECORD_COLUMNS: &str = "id, full_name, commune_code, cell_id, status, decision_date, \
     ceremony_date, official_date, left_date, admitted_in_commune, admitted_in_cell, \
     decision_received_date";

fn member_record(row: &sqlx::any::AnyRow) -> Result<MemberRecord, StoreError> {
    let admitted_in_commune: Option<String> = row.try_get(9)?;
    let admitted_in_cell: Option<String> = row.try_get(10)?;
    Ok(MemberRecord {
        id: row.try_get(0)?,
        full_name: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
        commune_code: row.try_get(2)?,
        cell_id: row.try_get(3)?,
        status: spelled(row, 4, MemberStatus::from_key)?,
        decision_date: stored_optional_date(row.try_get(5)?)?,
        decision_received_date: stored_optional_date(row.try_get(11)?)?,
        ceremony_date: stored_optional_date(row.try_get(6)?)?,
        official_date: stored_optional_date(row.try_get(7)?)?,
        left_date: stored_optional_date(row.try_get(8)?)?,
        admitted_in: admitted_in_commune.zip(admitted_in_cell),
    })
}

/// Members on the commune's roll (current cell) or admitted by it.
async fn admission_members(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<MemberRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {MEMBER_RECORD_COLUMNS} from members \
         where commune_code = $1 or admitted_in_commune = $1 order by id"
    ))
    .bind(commune_code)
    .fetch_all(connection)
    .await?;
    rows.iter().map(member_record).collect()
}

/// Adds the introducing members of `candidates` that `members` does not hold yet (introducers
/// from another commune).
async fn introducers(
    connection: &mut AnyConnection,
    candidates: &[CandidateRecord],
    members: &mut Vec<MemberRecord>,
) -> Result<(), StoreError> {
    let mut missing: Vec<i64> = candidates
        .iter()
        .flat_map(|c| &c.candidate.introducers)
        .filter_map(|i| i.member_id)
        .filter(|id| !members.iter().any(|m| m.id == *id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for id in missing {
        let row = sqlx::query(&format!(
            "select {MEMBER_RECORD_COLUMNS} from members where id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
        if let Some(row) = row {
            members.push(member_record(&row)?);
        }
    }
    Ok(())
}

/// The regulation versions from the feed. Until the feed has delivered any (a projection being
/// rebuilt), the reference table stands in: the membership service seeds exactly these.
pub(super) async fn rule_table(connection: &mut AnyConnection) -> Result<RuleTable, StoreError> {
    let rows = sqlx::query(&format!(
        "select {RULE_VERSION_COLUMNS} from rule_versions order by in_force_from"
    ))
    .fetch_all(connection)
    .await?;
    let versions = rows
        .iter()
        .map(|row| {
            Ok(RuleVersion {
                code: row.try_get("code")?,
                in_force_from: stored_date(&row.try_get::<String, _>("in_force_from")?)?,
                min_age_months: row.try_get("min_age_months")?,
                max_age_months: row.try_get("max_age_months")?,
                min_education: education(row, "min_education")?,
                min_education_flagged_area: education(row, "min_education_flagged_area")?,
                certificate_valid_months: unsigned(row, "certificate_valid_months")?,
                introducers_required: unsigned(row, "introducers_required")?,
                introducer_min_months: row.try_get("introducer_min_months")?,
                vote_numerator: row.try_get("vote_numerator")?,
                vote_denominator: row.try_get("vote_denominator")?,
                papers_valid_months: unsigned(row, "papers_valid_months")?,
                probation_months: unsigned(row, "probation_months")?,
                decision_working_days: unsigned(row, "decision_working_days")?,
                decision_extension_working_days: unsigned(row, "decision_extension_working_days")?,
                ceremony_working_days: unsigned(row, "ceremony_working_days")?,
                recognition_working_days: unsigned(row, "recognition_working_days")?,
                min_temporary_transfer_months: unsigned(row, "min_temporary_transfer_months")?,
                max_temporary_transfer_months: unsigned(row, "max_temporary_transfer_months")?,
                max_study_transfer_months: unsigned(row, "max_study_transfer_months")?,
                badge_deferral_reprimand_months: unsigned(row, "badge_deferral_reprimand_months")?,
                badge_deferral_warning_months: unsigned(row, "badge_deferral_warning_months")?,
                badge_deferral_dismissal_months: unsigned(row, "badge_deferral_dismissal_months")?,
                min_education_village_elder: education(row, "min_education_village_elder")?,
                youth_age_max_months: row.try_get("youth_age_max_months")?,
                failed_cell_votes_limit: unsigned(row, "failed_cell_votes_limit")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(RuleTable::new(versions).unwrap_or_else(|_| RuleTable::reference()))
}

async fn calendar(connection: &mut AnyConnection) -> Result<Calendar, StoreError> {
    let rows = sqlx::query("select holiday_date, make_up_working_day from holidays")
        .fetch_all(connection)
        .await?;
    let days = rows
        .iter()
        .map(|row| {
            let day = stored_date(&row.try_get::<String, _>("holiday_date")?)?;
            let kind = if flag(row, "make_up_working_day")? {
                DayKind::MakeUpWorkingDay
            } else {
                DayKind::DayOff
            };
            Ok((day, kind))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Calendar::from_days(days))
}

/// Reads a small integer column the projection wrote from an `i32`.
fn small(row: &sqlx::any::AnyRow, index: usize) -> Result<i32, StoreError> {
    let value: i64 = row.try_get(index)?;
    i32::try_from(value).map_err(|_| unreadable(format!("column {index}"), &value.to_string()))
}

async fn targets(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<TargetRow>, StoreError> {
    let rows = sqlx::query(
        "select first_year, last_year, admissions_per_year, good_cells_percent from targets \
         where commune_code = $1 order by first_year",
    )
    .bind(commune_code)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TargetRow {
                commune_code: commune_code.to_owned(),
                first_year: small(row, 0)?,
                last_year: small(row, 1)?,
                admissions_per_year: small(row, 2)?,
                good_cells_percent: small(row, 3)?,
            })
        })
        .collect()
}

async fn cell_plans(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<CellPlanRow>, StoreError> {
    let rows = sqlx::query(
        "select cell_id, plan_year, sources_to_develop, admissions from cell_plans where commune_code = $1",
    )
    .bind(commune_code)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CellPlanRow {
                commune_code: commune_code.to_owned(),
                cell_id: row.try_get(0)?,
                year: small(row, 1)?,
                sources_to_develop: small(row, 2)?,
                admissions: small(row, 3)?,
            })
        })
        .collect()
}

async fn cell_ratings(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<CellRatingRow>, StoreError> {
    let rows =
        sqlx::query("select cell_id, rating_year, level from cell_ratings where commune_code = $1")
            .bind(commune_code)
            .fetch_all(connection)
            .await?;
    rows.iter()
        .map(|row| {
            let level: String = row.try_get(2)?;
            Ok(CellRatingRow {
                commune_code: commune_code.to_owned(),
                cell_id: row.try_get(0)?,
                year: small(row, 1)?,
                level: RatingLevel::from_key(&level)
                    .ok_or_else(|| unreadable("cell_ratings.level", &level))?,
            })
        })
        .collect()
}

/// Members on the commune's roll per cell and birth date. Grouping by the birth day keeps the
/// rows few; the ages are computed in Rust, where whole years follow the birthday rule of
/// `partyregistry_vocab::date`.
async fn cell_births(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<CellBirths>, StoreError> {
    let rows = sqlx::query(&format!(
        "select s.cell_id, m.birth_date, count(*) {ROLL_ON_DAY} group by s.cell_id, m.birth_date"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CellBirths {
                cell_id: row.try_get(0)?,
                births: BirthCount {
                    birth_date: stored_optional_date(row.try_get(1)?)?,
                    members: row.try_get(2)?,
                },
            })
        })
        .collect()
}

async fn commune_display_name(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("select display_name from communes where code = $1")
        .bind(code)
        .fetch_optional(connection)
        .await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

async fn cells(
    connection: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<CellInfo>, StoreError> {
    let rows = sqlx::query("select cell_id, display_name, kind, open_date, close_date from cells where commune_code = $1")
        .bind(commune_code)
        .fetch_all(connection)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(CellInfo {
                cell_id: row.try_get(0)?,
                display_name: row.try_get(1)?,
                kind: spelled(row, 2, CellKind::from_key)?,
                open_date: stored_optional_date(row.try_get(3)?)?,
                close_date: stored_optional_date(row.try_get(4)?)?,
            })
        })
        .collect()
}

async fn cell_rolls(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<CellRoll>, StoreError> {
    let rows = sqlx::query(&format!(
        "select s.cell_id, m.assignment, count(*), \
             count(case when m.official_date is not null and m.official_date <= $2 then 1 end) \
         {ROLL_ON_DAY} group by s.cell_id, m.assignment"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CellRoll {
                cell_id: row.try_get(0)?,
                seconded: spelled(row, 1, Assignment::from_key)? == Assignment::Seconded,
                members: row.try_get(2)?,
                official: row.try_get(3)?,
            })
        })
        .collect()
}

async fn profiles(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<ProfileCount>, StoreError> {
    let rows = sqlx::query(&format!(
        "select m.gender, m.ethnicity_code, m.general_education, m.political_theory, count(*) \
         {ROLL_ON_DAY} group by m.gender, m.ethnicity_code, m.general_education, m.political_theory"
    ))
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ProfileCount {
                gender: spelled(row, 0, Gender::from_key)?,
                ethnicity_code: row.try_get(1)?,
                general_education: spelled(row, 2, GeneralEducation::from_key)?,
                political_theory: spelled(row, 3, PoliticalTheory::from_key)?,
                members: row.try_get(4)?,
            })
        })
        .collect()
}

/// Members on the commune's roll per birth date: the per-cell counts added up, so that the
/// commune report and the cell health report read the same rows.
async fn births(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<BirthCount>, StoreError> {
    let mut counts: std::collections::BTreeMap<Option<Date>, i64> = Default::default();
    for cell in cell_births(connection, commune_code, day).await? {
        *counts.entry(cell.births.birth_date).or_default() += cell.births.members;
    }
    Ok(counts
        .into_iter()
        .map(|(birth_date, members)| BirthCount {
            birth_date,
            members,
        })
        .collect())
}

async fn last_admissions(
    connection: &mut AnyConnection,
    commune_code: &str,
    day: &str,
) -> Result<Vec<LastAdmission>, StoreError> {
    let rows = sqlx::query(
        "select admitted_in_cell, max(decision_date) from members \
         where admitted_in_commune = $1 and decision_date <= $2 group by admitted_in_cell",
    )
    .bind(commune_code)
    .bind(day)
    .fetch_all(connection)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LastAdmission {
                cell_id: row.try_get(0)?,
                decision_date: stored_date(&row.try_get::<String, _>(1)?)?,
            })
        })
        .collect()
}

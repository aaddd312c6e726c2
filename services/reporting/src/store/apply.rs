//! Applying a batch of projected feed changes: the projection rows and the cursor advance commit
//! in one transaction, and a change at or below the stored cursor is skipped, so that a replay
//! after a reconnect or a crash has no effect twice. The rows arrive already read
//! ([`crate::model::rows`]); how a change becomes rows is the ingest floor's.

use partyregistry_rules::RuleVersion;
use partyregistry_vocab::date;
use sqlx::{AnyConnection, Row};

use std::collections::HashSet;

use super::aggregates::Followed;
use super::apply_members::apply_members;
use super::{Store, StoreError, date_text};
use crate::model::feed::FeedPosition;
use crate::model::rows::{
    CandidateRow, CellPlanRow, CellRatingRow, CellRow, CommuneRow, HolidayRow, MemberChange,
    MemberRatingRow, MergeRow, Projected, ProjectedChange, ProvinceRow, TargetRow,
};
use crate::model::vocabulary::{education_key, exception_key, stage_key};

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Changes applied.
    pub applied: usize,
    /// Changes skipped because the cursor was already past them.
    pub replayed: usize,
    /// Changes skipped because they could not be read (logged; the cursor moves past them).
    pub malformed: usize,
    /// The position stored after the batch.
    pub position: FeedPosition,
}

impl Store {
    /// Applies `changes` (in feed order, as the projection read them) and advances the cursor to
    /// the last of them, in one transaction. `contact_us` is stored as the last contact time.
    pub async fn apply_projected(
        &self,
        changes: &[ProjectedChange],
        contact_us: i64,
    ) -> Result<BatchOutcome, StoreError> {
        let _writer = self.database.lock_writer().await;
        let mut tx = self.database.pool.begin().await?;
        // Writing the cursor row first serialises appliers: on PostgreSQL it takes the row lock
        // (a second replica waits here, then sees the advanced cursor); on SQLite it takes the
        // write lock up front instead of upgrading a read snapshot later.
        sqlx::query("update feed_cursor set last_sequence = last_sequence where id = 1")
            .execute(&mut *tx)
            .await?;
        let row =
            sqlx::query("select last_sequence, last_commit_time_us from feed_cursor where id = 1")
                .fetch_one(&mut *tx)
                .await?;
        let mut outcome = BatchOutcome {
            position: FeedPosition {
                last_sequence: row.try_get(0)?,
                last_commit_time_us: row.try_get(1)?,
            },
            ..BatchOutcome::default()
        };
        // The statistics' ledgers follow every member the batch changes: what they contributed
        // before it goes, what they contribute after it comes, in this same transaction.
        let mut changed: Vec<i64> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        for change in changes {
            if change.sequence > outcome.position.last_sequence
                && let Ok(Projected::Member(member, _)) = &change.rows
                && seen.insert(member.id)
            {
                changed.push(member.id);
            }
        }
        let mut ledgers = Followed::before(&mut tx, &changed).await?;
        // Consecutive member changes are written together (a member once per run, so that a
        // later change of the same member is applied after the earlier one).
        let mut run: Vec<MemberChange<'_>> = Vec::new();
        let mut in_run: HashSet<i64> = HashSet::new();
        for change in changes {
            if change.sequence <= outcome.position.last_sequence {
                tracing::debug!(
                    sequence = change.sequence,
                    "change already applied; skipped"
                );
                outcome.replayed += 1;
                continue;
            }
            match &change.rows {
                Ok(Projected::Member(member, events)) => {
                    if !in_run.insert(member.id) {
                        apply_members(&mut tx, &run, &mut ledgers).await?;
                        run.clear();
                        in_run = HashSet::from([member.id]);
                    }
                    run.push((member, events, change.sequence));
                    outcome.applied += 1;
                }
                Ok(projected) => {
                    apply_members(&mut tx, &run, &mut ledgers).await?;
                    run.clear();
                    in_run.clear();
                    apply_one(&mut tx, projected, change.sequence, &mut ledgers).await?;
                    outcome.applied += 1;
                }
                Err(error) => {
                    // Stalling the whole feed on one unreadable change would freeze every report;
                    // the error names the field only, never its value.
                    tracing::error!(sequence = change.sequence, %error, "malformed change skipped");
                    outcome.malformed += 1;
                }
            }
            outcome.position = FeedPosition {
                last_sequence: change.sequence,
                last_commit_time_us: change.commit_time_us,
            };
        }
        apply_members(&mut tx, &run, &mut ledgers).await?;
        ledgers.record(&mut tx).await?;
        sqlx::query(
            "update feed_cursor set last_sequence = $1, last_commit_time_us = $2, last_contact_us = $3 where id = 1",
        )
        .bind(outcome.position.last_sequence)
        .bind(outcome.position.last_commit_time_us)
        .bind(contact_us)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.applied.committed(&self.database, outcome.applied);
        Ok(outcome)
    }
}

async fn apply_one(
    connection: &mut AnyConnection,
    projected: &Projected,
    sequence: i64,
    ledgers: &mut Followed,
) -> Result<(), StoreError> {
    if matches!(
        projected,
        Projected::Commune(_) | Projected::Province(_) | Projected::Merge(_)
    ) {
        // Reports read the units directory from a cache kept while this version stands.
        sqlx::query("update feed_cursor set units_version = units_version + 1 where id = 1")
            .execute(&mut *connection)
            .await?;
    }
    match projected {
        Projected::Commune(commune) => {
            upsert_commune(connection, commune).await?;
            write_area_flags(connection, commune).await?;
        }
        Projected::Cell(cell) => upsert_cell(connection, cell).await?,
        Projected::Member(member, events) => {
            apply_members(connection, &[(member, events, sequence)], ledgers).await?;
        }
        Projected::Province(province) => upsert_province(connection, province).await?,
        Projected::Merge(merge) => upsert_merge(connection, merge).await?,
        Projected::Candidate(candidate) => {
            upsert_candidate(connection, candidate, sequence).await?;
        }
        Projected::RuleVersion(version) => upsert_rule_version(connection, version).await?,
        Projected::Holiday(holiday) => upsert_holiday(connection, holiday).await?,
        Projected::HolidayDeleted(day) => {
            sqlx::query("delete from holidays where holiday_date = $1")
                .bind(date::format(*day))
                .execute(&mut *connection)
                .await?;
        }
        Projected::RuleVersionDeleted(day) => {
            sqlx::query("delete from rule_versions where in_force_from = $1")
                .bind(date::format(*day))
                .execute(&mut *connection)
                .await?;
        }
        Projected::Target(target) => upsert_target(connection, target).await?,
        Projected::CellPlan(plan) => upsert_cell_plan(connection, plan).await?,
        Projected::CellRating(rating) => upsert_cell_rating(connection, rating).await?,
        Projected::MemberRating(rating) => upsert_member_rating(connection, rating).await?,
    }
    tracing::debug!(sequence, "change applied");
    Ok(())
}

async fn upsert_commune(
    connection: &mut AnyConnection,
    commune: &CommuneRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into communes (code, display_name, province_code, valid_from, valid_to) \
         values ($1, $2, $3, $4, $5) \
         on conflict (code) do update set display_name = excluded.display_name, \
             province_code = excluded.province_code, valid_from = excluded.valid_from, \
             valid_to = excluded.valid_to",
    )
    .bind(&commune.code)
    .bind(&commune.display_name)
    .bind(&commune.province_code)
    .bind(date_text(commune.valid_from))
    .bind(date_text(commune.valid_to))
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_cell(connection: &mut AnyConnection, cell: &CellRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into cells (commune_code, cell_id, display_name, kind, open_date, close_date) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (commune_code, cell_id) do update set display_name = excluded.display_name, \
             kind = excluded.kind, open_date = excluded.open_date, close_date = excluded.close_date",
    )
    .bind(&cell.commune_code)
    .bind(&cell.cell_id)
    .bind(&cell.display_name)
    .bind(cell.kind.key())
    .bind(date_text(cell.open_date))
    .bind(date_text(cell.close_date))
    .execute(connection)
    .await?;
    Ok(())
}

/// Replaces the commune's area flags with the ones the change carries.
async fn write_area_flags(
    connection: &mut AnyConnection,
    commune: &CommuneRow,
) -> Result<(), StoreError> {
    sqlx::query("delete from commune_area_flags where commune_code = $1")
        .bind(&commune.code)
        .execute(&mut *connection)
        .await?;
    for (position, flag) in commune.area_flags.iter().enumerate() {
        sqlx::query(
            "insert into commune_area_flags (commune_code, position, kind, valid_from, valid_to) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&commune.code)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&flag.kind)
        .bind(date::format(flag.valid_from))
        .bind(date_text(flag.valid_to))
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// Writes the candidate's latest facts and introducers, and adds its stage and day to the
/// history (kept once).
async fn upsert_candidate(
    connection: &mut AnyConnection,
    candidate: &CandidateRow,
    sequence: i64,
) -> Result<(), StoreError> {
    const COLUMNS: &str = "candidate_id, commune_code, cell_id, stage, stage_date, full_name, \
         family_name, middle_name, given_name, birth_date, general_education, certificate_date, \
         papers_date, youth_union, demobilised_soldier, has_military_referral, lives_away, \
         vote_eligible, vote_yes, background_check_failed, cell_vote_date, decision_extended, \
         admitted_member_id, no_youth_union_organisation, class_retaken_locally, \
         away_comment_date, last_sequence";
    let details = &candidate.details;
    let stage = stage_key(candidate.stage);
    sqlx::query(&format!(
        "insert into candidates ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
             $27) \
         on conflict (candidate_id) do update set commune_code = excluded.commune_code, \
             cell_id = excluded.cell_id, stage = excluded.stage, stage_date = excluded.stage_date, \
             full_name = excluded.full_name, family_name = excluded.family_name, \
             middle_name = excluded.middle_name, given_name = excluded.given_name, \
             birth_date = excluded.birth_date, general_education = excluded.general_education, \
             certificate_date = excluded.certificate_date, papers_date = excluded.papers_date, \
             youth_union = excluded.youth_union, demobilised_soldier = excluded.demobilised_soldier, \
             has_military_referral = excluded.has_military_referral, \
             lives_away = excluded.lives_away, vote_eligible = excluded.vote_eligible, \
             vote_yes = excluded.vote_yes, \
             background_check_failed = excluded.background_check_failed, \
             cell_vote_date = excluded.cell_vote_date, \
             decision_extended = excluded.decision_extended, \
             admitted_member_id = excluded.admitted_member_id, \
             no_youth_union_organisation = excluded.no_youth_union_organisation, \
             class_retaken_locally = excluded.class_retaken_locally, \
             away_comment_date = excluded.away_comment_date, \
             last_sequence = excluded.last_sequence"
    ))
    .bind(&candidate.id)
    .bind(&candidate.commune_code)
    .bind(&candidate.cell_id)
    .bind(stage)
    .bind(date_text(candidate.stage_date))
    .bind(&details.full_name)
    .bind(&details.family_name)
    .bind(&details.middle_name)
    .bind(&details.given_name)
    .bind(date::format(details.birth_date))
    .bind(education_key(details.education))
    .bind(date_text(details.certificate_date))
    .bind(date_text(details.papers_date))
    .bind(i64::from(details.youth_union))
    .bind(i64::from(details.demobilised_soldier))
    .bind(i64::from(details.has_military_referral))
    .bind(i64::from(details.lives_away))
    .bind(details.cell_vote.map(|vote| vote.eligible))
    .bind(details.cell_vote.map(|vote| vote.yes))
    .bind(i64::from(details.background_check_failed))
    .bind(date_text(details.cell_vote_date))
    .bind(i64::from(details.decision_extended))
    .bind(details.admitted_member)
    .bind(i64::from(!details.youth_union_organisation))
    .bind(i64::from(details.class_retaken_locally))
    .bind(date_text(details.away_comment_date))
    .bind(sequence)
    .execute(&mut *connection)
    .await?;
    for table in [
        "candidate_introducers",
        "candidate_exceptions",
        "candidate_failed_votes",
    ] {
        sqlx::query(&format!("delete from {table} where candidate_id = $1"))
            .bind(&candidate.id)
            .execute(&mut *connection)
            .await?;
    }
    for (position, introducer) in details.introducers.iter().enumerate() {
        sqlx::query(
            "insert into candidate_introducers (candidate_id, position, member_id, \
                 youth_union_committee, months_worked_together) values ($1, $2, $3, $4, $5)",
        )
        .bind(&candidate.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(introducer.member_id)
        .bind(i64::from(introducer.youth_union_committee))
        .bind(introducer.months_worked_together)
        .execute(&mut *connection)
        .await?;
    }
    for (position, exception) in details.exceptions.iter().enumerate() {
        sqlx::query(
            "insert into candidate_exceptions (candidate_id, position, kind, decision_date) \
             values ($1, $2, $3, $4)",
        )
        .bind(&candidate.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(exception_key(exception.kind))
        .bind(date::format(exception.decision_date))
        .execute(&mut *connection)
        .await?;
    }
    for (position, voted) in details.failed_cell_votes.iter().enumerate() {
        sqlx::query(
            "insert into candidate_failed_votes (candidate_id, position, vote_date) \
             values ($1, $2, $3)",
        )
        .bind(&candidate.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(date::format(*voted))
        .execute(&mut *connection)
        .await?;
    }
    if let Some(stage_date) = candidate.stage_date {
        sqlx::query(
            "insert into candidate_stages (candidate_id, stage, stage_date, sequence) \
             values ($1, $2, $3, $4) on conflict (candidate_id, stage, stage_date) do nothing",
        )
        .bind(&candidate.id)
        .bind(stage)
        .bind(date::format(stage_date))
        .bind(sequence)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// The columns of a regulation version, in the order [`upsert_rule_version`] binds them and
/// `queries::rule_table` reads them.
pub(super) const RULE_VERSION_COLUMNS: &str = "in_force_from, code, min_age_months, \
     max_age_months, min_education, min_education_flagged_area, certificate_valid_months, \
     introducers_required, introducer_min_months, vote_numerator, vote_denominator, \
     papers_valid_months, probation_months, decision_working_days, \
     decision_extension_working_days, ceremony_working_days, recognition_working_days, \
     min_temporary_transfer_months, max_temporary_transfer_months, max_study_transfer_months, \
     badge_deferral_reprimand_months, badge_deferral_warning_months, \
     badge_deferral_dismissal_months, min_education_village_elder, youth_age_max_months, \
     failed_cell_votes_limit";

async fn upsert_rule_version(
    connection: &mut AnyConnection,
    version: &RuleVersion,
) -> Result<(), StoreError> {
    // Every number of a version the projection read is far below `i64::MAX`.
    let count = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    sqlx::query(&format!(
        "insert into rule_versions ({RULE_VERSION_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
             $25, $26) \
         on conflict (in_force_from) do update set code = excluded.code, \
             min_age_months = excluded.min_age_months, max_age_months = excluded.max_age_months, \
             min_education = excluded.min_education, \
             min_education_flagged_area = excluded.min_education_flagged_area, \
             certificate_valid_months = excluded.certificate_valid_months, \
             introducers_required = excluded.introducers_required, \
             introducer_min_months = excluded.introducer_min_months, \
             vote_numerator = excluded.vote_numerator, \
             vote_denominator = excluded.vote_denominator, \
             papers_valid_months = excluded.papers_valid_months, \
             probation_months = excluded.probation_months, \
             decision_working_days = excluded.decision_working_days, \
             decision_extension_working_days = excluded.decision_extension_working_days, \
             ceremony_working_days = excluded.ceremony_working_days, \
             recognition_working_days = excluded.recognition_working_days, \
             min_temporary_transfer_months = excluded.min_temporary_transfer_months, \
             max_temporary_transfer_months = excluded.max_temporary_transfer_months, \
             max_study_transfer_months = excluded.max_study_transfer_months, \
             badge_deferral_reprimand_months = excluded.badge_deferral_reprimand_months, \
             badge_deferral_warning_months = excluded.badge_deferral_warning_months, \
             badge_deferral_dismissal_months = excluded.badge_deferral_dismissal_months, \
             min_education_village_elder = excluded.min_education_village_elder, \
             youth_age_max_months = excluded.youth_age_max_months, \
             failed_cell_votes_limit = excluded.failed_cell_votes_limit"
    ))
    .bind(date::format(version.in_force_from))
    .bind(&version.code)
    .bind(version.min_age_months)
    .bind(version.max_age_months)
    .bind(education_key(version.min_education))
    .bind(education_key(version.min_education_flagged_area))
    .bind(i64::from(version.certificate_valid_months))
    .bind(count(version.introducers_required))
    .bind(version.introducer_min_months)
    .bind(version.vote_numerator)
    .bind(version.vote_denominator)
    .bind(i64::from(version.papers_valid_months))
    .bind(i64::from(version.probation_months))
    .bind(i64::from(version.decision_working_days))
    .bind(i64::from(version.decision_extension_working_days))
    .bind(i64::from(version.ceremony_working_days))
    .bind(i64::from(version.recognition_working_days))
    .bind(i64::from(version.min_temporary_transfer_months))
    .bind(i64::from(version.max_temporary_transfer_months))
    .bind(i64::from(version.max_study_transfer_months))
    .bind(i64::from(version.badge_deferral_reprimand_months))
    .bind(i64::from(version.badge_deferral_warning_months))
    .bind(i64::from(version.badge_deferral_dismissal_months))
    .bind(education_key(version.min_education_village_elder))
    .bind(version.youth_age_max_months)
    .bind(i64::from(version.failed_cell_votes_limit))
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_holiday(
    connection: &mut AnyConnection,
    holiday: &HolidayRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into holidays (holiday_date, display_name, make_up_working_day) values ($1, $2, $3) \
         on conflict (holiday_date) do update set display_name = excluded.display_name, \
         make_up_working_day = excluded.make_up_working_day",
    )
    .bind(date::format(holiday.date))
    .bind(&holiday.display_name)
    .bind(i64::from(holiday.make_up_working_day))
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_target(
    connection: &mut AnyConnection,
    target: &TargetRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into targets (commune_code, first_year, last_year, admissions_per_year, good_cells_percent) \
         values ($1, $2, $3, $4, $5) \
         on conflict (commune_code, first_year) do update set last_year = excluded.last_year, \
             admissions_per_year = excluded.admissions_per_year, \
             good_cells_percent = excluded.good_cells_percent",
    )
    .bind(&target.commune_code)
    .bind(i64::from(target.first_year))
    .bind(i64::from(target.last_year))
    .bind(i64::from(target.admissions_per_year))
    .bind(i64::from(target.good_cells_percent))
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_cell_plan(
    connection: &mut AnyConnection,
    plan: &CellPlanRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into cell_plans (commune_code, cell_id, plan_year, sources_to_develop, admissions) \
         values ($1, $2, $3, $4, $5) \
         on conflict (commune_code, cell_id, plan_year) do update set \
             sources_to_develop = excluded.sources_to_develop, admissions = excluded.admissions",
    )
    .bind(&plan.commune_code)
    .bind(&plan.cell_id)
    .bind(i64::from(plan.year))
    .bind(i64::from(plan.sources_to_develop))
    .bind(i64::from(plan.admissions))
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_cell_rating(
    connection: &mut AnyConnection,
    rating: &CellRatingRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into cell_ratings (commune_code, cell_id, rating_year, level) values ($1, $2, $3, $4) \
         on conflict (commune_code, cell_id, rating_year) do update set level = excluded.level",
    )
    .bind(&rating.commune_code)
    .bind(&rating.cell_id)
    .bind(i64::from(rating.year))
    .bind(rating.level.key())
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_member_rating(
    connection: &mut AnyConnection,
    rating: &MemberRatingRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into member_ratings (member_id, rating_year, level) values ($1, $2, $3) \
         on conflict (member_id, rating_year) do update set level = excluded.level",
    )
    .bind(rating.member_id)
    .bind(i64::from(rating.year))
    .bind(rating.level.key())
    .execute(connection)
    .await?;
    Ok(())
}

async fn upsert_province(
    connection: &mut AnyConnection,
    province: &ProvinceRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into provinces (code, display_name, valid_from, valid_to) values ($1, $2, $3, $4) \
         on conflict (code) do update set display_name = excluded.display_name, \
             valid_from = excluded.valid_from, valid_to = excluded.valid_to",
    )
    .bind(&province.code)
    .bind(&province.display_name)
    .bind(date::format(province.valid_from))
    .bind(date_text(province.valid_to))
    .execute(connection)
    .await?;
    Ok(())
}

/// Writes a merge and its predecessors (replacing them: a merge is recorded once, but a replay
/// of a corrected feed must not leave stale rows).
async fn upsert_merge(connection: &mut AnyConnection, merge: &MergeRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into unit_merges (merge_id, level, successor_code, effective_date, legal_basis) \
         values ($1, $2, $3, $4, $5) \
         on conflict (merge_id) do update set level = excluded.level, \
             successor_code = excluded.successor_code, effective_date = excluded.effective_date, \
             legal_basis = excluded.legal_basis",
    )
    .bind(&merge.id)
    .bind(merge.level.key())
    .bind(&merge.successor_code)
    .bind(date::format(merge.effective_date))
    .bind(&merge.legal_basis)
    .execute(&mut *connection)
    .await?;
    sqlx::query("delete from unit_merge_predecessors where merge_id = $1")
        .bind(&merge.id)
        .execute(&mut *connection)
        .await?;
    for (position, code) in merge.predecessor_codes.iter().enumerate() {
        sqlx::query(
            "insert into unit_merge_predecessors (merge_id, position, predecessor_code) \
             values ($1, $2, $3)",
        )
        .bind(&merge.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(code)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

//! The versioned regulation table: one row per rule version, read back as the [`RuleTable`]
//! every command checks against.

use partyregistry_kit::admission::{education, education_to_proto};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::{Education, RuleTable, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_versioned, update_versioned};
use super::{corrupt, is_unique_violation, parse_date};

const RULE_VERSION_TYPE: &str = "partyregistry.membership.v1.RuleVersion";

/// A stored regulation version with its etag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersionRecord {
    /// The version.
    pub rule: RuleVersion,
    /// Incremented on every update; the etag.
    pub version: i64,
}

impl RuleVersionRecord {
    /// The contract form.
    pub fn to_proto(&self) -> pb::RuleVersion {
        partyregistry_kit::admission::rule_version_to_proto(&self.rule, self.version.to_string())
    }
}

fn education_name(level: Education) -> &'static str {
    education_to_proto(level).as_str_name()
}

/// A rule version as the columns of `rule_versions` ([`rule_from_row`] reads them back by name).
fn rule_columns(rule: &RuleVersion) -> Columns {
    vec![
        ("in_force_from", rule.in_force_from.into()),
        ("code", (&rule.code).into()),
        ("min_age_months", rule.min_age_months.into()),
        ("max_age_months", rule.max_age_months.into()),
        ("min_education", education_name(rule.min_education).into()),
        (
            "min_education_flagged_area",
            education_name(rule.min_education_flagged_area).into(),
        ),
        (
            "certificate_valid_months",
            rule.certificate_valid_months.into(),
        ),
        (
            "introducers_required",
            (rule.introducers_required as i64).into(),
        ),
        ("introducer_min_months", rule.introducer_min_months.into()),
        ("vote_numerator", rule.vote_numerator.into()),
        ("vote_denominator", rule.vote_denominator.into()),
        ("papers_valid_months", rule.papers_valid_months.into()),
        ("probation_months", rule.probation_months.into()),
        ("decision_working_days", rule.decision_working_days.into()),
        (
            "decision_extension_working_days",
            rule.decision_extension_working_days.into(),
        ),
        ("ceremony_working_days", rule.ceremony_working_days.into()),
        (
            "recognition_working_days",
            rule.recognition_working_days.into(),
        ),
        (
            "min_temporary_transfer_months",
            rule.min_temporary_transfer_months.into(),
        ),
        (
            "max_temporary_transfer_months",
            rule.max_temporary_transfer_months.into(),
        ),
        (
            "max_study_transfer_months",
            rule.max_study_transfer_months.into(),
        ),
        (
            "min_education_village_elder",
            education_name(rule.min_education_village_elder).into(),
        ),
        ("youth_age_max_months", rule.youth_age_max_months.into()),
        (
            "failed_cell_votes_limit",
            rule.failed_cell_votes_limit.into(),
        ),
        (
            "badge_deferral_reprimand_months",
            rule.badge_deferral_reprimand_months.into(),
        ),
        (
            "badge_deferral_warning_months",
            rule.badge_deferral_warning_months.into(),
        ),
        (
            "badge_deferral_dismissal_months",
            rule.badge_deferral_dismissal_months.into(),
        ),
    ]
}

fn rule_from_row(row: &sqlx::any::AnyRow) -> Result<RuleVersionRecord, ApiError> {
    let level = |column: &str| -> Result<Education, ApiError> {
        let text: String = row.try_get(column)?;
        pb::GeneralEducation::from_str_name(&text)
            .and_then(education)
            .ok_or_else(|| corrupt("education", &text))
    };
    let small = |column: &str| -> Result<u32, ApiError> {
        let value: i64 = row.try_get(column)?;
        u32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
    };
    Ok(RuleVersionRecord {
        rule: RuleVersion {
            code: row.try_get("code")?,
            in_force_from: parse_date(
                "rule version date",
                &row.try_get::<String, _>("in_force_from")?,
            )?,
            min_age_months: row.try_get("min_age_months")?,
            max_age_months: row.try_get("max_age_months")?,
            min_education: level("min_education")?,
            min_education_flagged_area: level("min_education_flagged_area")?,
            certificate_valid_months: small("certificate_valid_months")?,
            introducers_required: small("introducers_required")? as usize,
            introducer_min_months: row.try_get("introducer_min_months")?,
            vote_numerator: row.try_get("vote_numerator")?,
            vote_denominator: row.try_get("vote_denominator")?,
            papers_valid_months: small("papers_valid_months")?,
            probation_months: small("probation_months")?,
            decision_working_days: small("decision_working_days")?,
            decision_extension_working_days: small("decision_extension_working_days")?,
            ceremony_working_days: small("ceremony_working_days")?,
            recognition_working_days: small("recognition_working_days")?,
            min_temporary_transfer_months: small("min_temporary_transfer_months")?,
            max_temporary_transfer_months: small("max_temporary_transfer_months")?,
            max_study_transfer_months: small("max_study_transfer_months")?,
            min_education_village_elder: level("min_education_village_elder")?,
            youth_age_max_months: row.try_get("youth_age_max_months")?,
            failed_cell_votes_limit: small("failed_cell_votes_limit")?,
            badge_deferral_reprimand_months: small("badge_deferral_reprimand_months")?,
            badge_deferral_warning_months: small("badge_deferral_warning_months")?,
            badge_deferral_dismissal_months: small("badge_deferral_dismissal_months")?,
        },
        version: row.try_get("version")?,
    })
}

/// Every regulation version, oldest first.
pub async fn list_rule_versions(
    conn: &mut AnyConnection,
) -> Result<Vec<RuleVersionRecord>, ApiError> {
    let rows = sqlx::query("select * from rule_versions order by in_force_from")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(rule_from_row).collect()
}

/// The regulation table as stored. Before the reference versions are seeded (only in a store
/// that was never started as a service) the reference table applies.
pub async fn rule_table(conn: &mut AnyConnection) -> Result<RuleTable, ApiError> {
    let versions: Vec<RuleVersion> = list_rule_versions(conn)
        .await?
        .into_iter()
        .map(|r| r.rule)
        .collect();
    if versions.is_empty() {
        return Ok(RuleTable::reference());
    }
    RuleTable::new(versions).map_err(|error| ApiError::Internal(format!("rule table: {error}")))
}

/// The resource name of the version starting on `in_force_from`.
fn rule_name(in_force_from: Date) -> String {
    partyregistry_kit::admission::rule_version_name(in_force_from)
}

/// Reads the version starting on `in_force_from`, which must exist.
pub async fn require_rule_version(
    conn: &mut AnyConnection,
    in_force_from: Date,
) -> Result<RuleVersionRecord, ApiError> {
    let row = sqlx::query("select * from rule_versions where in_force_from = $1")
        .bind(date::format(in_force_from))
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => rule_from_row(&row),
        None => Err(ApiError::NotFound {
            resource_type: RULE_VERSION_TYPE,
            name: rule_name(in_force_from),
        }),
    }
}

/// Inserts a regulation version.
pub async fn insert_rule_version(
    conn: &mut AnyConnection,
    rule: &RuleVersion,
    now: i64,
) -> Result<RuleVersionRecord, ApiError> {
    let inserted = insert_versioned(conn, "rule_versions", rule_columns(rule), now).await;
    match inserted {
        Err(error) if is_unique_violation(&error) => Err(ApiError::AlreadyExists {
            resource_type: RULE_VERSION_TYPE,
            name: rule_name(rule.in_force_from),
        }),
        Err(error) => Err(error.into()),
        Ok(_) => Ok(RuleVersionRecord {
            rule: rule.clone(),
            version: 1,
        }),
    }
}

/// Replaces a regulation version's numbers if its version is still `expected_version`.
pub async fn update_rule_version(
    conn: &mut AnyConnection,
    rule: &RuleVersion,
    expected_version: i64,
    now: i64,
) -> Result<RuleVersionRecord, ApiError> {
    let updated = update_versioned(
        conn,
        "rule_versions",
        rule_columns(rule),
        &["in_force_from"],
        expected_version,
        now,
    )
    .await?;
    if updated.rows_affected() == 0 {
        require_rule_version(conn, rule.in_force_from).await?;
        return Err(ApiError::Aborted {
            name: rule_name(rule.in_force_from),
        });
    }
    require_rule_version(conn, rule.in_force_from).await
}
/// Moves the version starting on `from` to start on `to` (its numbers and etag are written by
/// [`update_rule_version`] in the same transaction). The caller has checked that `to` keeps the
/// versions in their order; a start already taken answers ALREADY_EXISTS.
pub async fn redate_rule_version(
    conn: &mut AnyConnection,
    from: Date,
    to: Date,
) -> Result<(), ApiError> {
    let moved = sqlx::query("update rule_versions set in_force_from = $1 where in_force_from = $2")
        .bind(date::format(to))
        .bind(date::format(from))
        .execute(&mut *conn)
        .await;
    match moved {
        Err(error) if is_unique_violation(&error) => Err(ApiError::AlreadyExists {
            resource_type: RULE_VERSION_TYPE,
            name: rule_name(to),
        }),
        Err(error) => Err(error.into()),
        Ok(done) if done.rows_affected() == 0 => Err(ApiError::NotFound {
            resource_type: RULE_VERSION_TYPE,
            name: rule_name(from),
        }),
        Ok(_) => Ok(()),
    }
}

/// Whether any regulation version is stored.
pub async fn has_rule_versions(conn: &mut AnyConnection) -> Result<bool, ApiError> {
    let count: i64 = sqlx::query("select count(*) as n from rule_versions")
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok(count > 0)
}

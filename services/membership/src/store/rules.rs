//! The versioned regulation table: one row per rule version, read back as the [`RuleTable`]
//! every command checks against.

use partyregistry_kit::admission::{education, education_to_proto};
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::{Education, RuleTable, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use sqlx::{AnyConnection, Row};

use super::{AnyQuery, corrupt, is_unique_violation, parse_date};

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

const RULE_COLUMNS: [&str; 20] = [
    "in_force_from",
    "code",
    "min_age_months",
    "max_age_months",
    "min_education",
    "min_education_flagged_area",
    "certificate_valid_months",
    "introducers_required",
    "introducer_min_months",
    "vote_numerator",
    "vote_denominator",
    "papers_valid_months",
    "probation_months",
    "decision_working_days",
    "decision_extension_working_days",
    "ceremony_working_days",
    "recognition_working_days",
    "min_temporary_transfer_months",
    "max_temporary_transfer_months",
    "max_study_transfer_months",
];

fn education_name(level: Education) -> &'static str {
    education_to_proto(level).as_str_name()
}

fn bind_rule<'q>(query: AnyQuery<'q>, rule: &RuleVersion) -> AnyQuery<'q> {
    query
        .bind(date::format(rule.in_force_from))
        .bind(rule.code.clone())
        .bind(rule.min_age_months)
        .bind(rule.max_age_months)
        .bind(education_name(rule.min_education))
        .bind(education_name(rule.min_education_flagged_area))
        .bind(i64::from(rule.certificate_valid_months))
        .bind(rule.introducers_required as i64)
        .bind(rule.introducer_min_months)
        .bind(rule.vote_numerator)
        .bind(rule.vote_denominator)
        .bind(i64::from(rule.papers_valid_months))
        .bind(i64::from(rule.probation_months))
        .bind(i64::from(rule.decision_working_days))
        .bind(i64::from(rule.decision_extension_working_days))
        .bind(i64::from(rule.ceremony_working_days))
        .bind(i64::from(rule.recognition_working_days))
        .bind(i64::from(rule.min_temporary_transfer_months))
        .bind(i64::from(rule.max_temporary_transfer_months))
        .bind(i64::from(rule.max_study_transfer_months))
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
        },
        version: row.try_get("version")?,
    })
}

/// Every regulation version, oldest first.
pub async fn list_rule_versions(
    conn: &mut AnyConnection,
) -> Result<Vec<RuleVersionRecord>, ApiError> {
    let rows = sqlx::query(&format!(
        "select {}, version from rule_versions order by in_force_from",
        RULE_COLUMNS.join(", ")
    ))
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
    let row = sqlx::query(&format!(
        "select {}, version from rule_versions where in_force_from = $1",
        RULE_COLUMNS.join(", ")
    ))
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
    let placeholders: Vec<String> = (1..=RULE_COLUMNS.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "insert into rule_versions ({}, version, create_time_us, update_time_us) values ({}, 1, $21, $21)",
        RULE_COLUMNS.join(", "),
        placeholders.join(", ")
    );
    let inserted = bind_rule(sqlx::query(&sql), rule)
        .bind(now)
        .execute(&mut *conn)
        .await;
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
    let assignments: Vec<String> = RULE_COLUMNS
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    let sql = format!(
        "update rule_versions set {}, version = version + 1, update_time_us = $21 where in_force_from = $1 and version = $22",
        assignments.join(", ")
    );
    let updated = bind_rule(sqlx::query(&sql), rule)
        .bind(now)
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        require_rule_version(conn, rule.in_force_from).await?;
        return Err(ApiError::Aborted {
            name: rule_name(rule.in_force_from),
        });
    }
    require_rule_version(conn, rule.in_force_from).await
}
/// Whether any regulation version is stored.
pub async fn has_rule_versions(conn: &mut AnyConnection) -> Result<bool, ApiError> {
    let count: i64 = sqlx::query("select count(*) as n from rule_versions")
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok(count > 0)
}

//! The admission pipeline's storage: candidates and their introducers, the regulation table,
//! the holiday calendar, commune targets, cell plans and yearly ratings.
//!
//! Candidates are read and written as their contract message; the columns are the message's
//! fields, so that listings can filter and order on them.

use partyregistry_kit::admission::{education, education_to_proto};
use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_rules::{Education, RuleTable, RuleVersion};
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;
use partyregistry_vocab::text::{NameParts, fold, roster_key};
use sqlx::{AnyConnection, Row};

use super::{
    RosterConditions, corrupt, is_unique_violation, parse_date, roster_next_token, roster_page,
};

const CANDIDATE_TYPE: &str = "partyregistry.membership.v1.Candidate";
const RULE_VERSION_TYPE: &str = "partyregistry.membership.v1.RuleVersion";
const HOLIDAY_TYPE: &str = "partyregistry.membership.v1.Holiday";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The resource name of a candidate.
pub fn candidate_name(id: i64) -> String {
    format!("candidates/{id}")
}

/// A stored candidate: the full contract message (name, etag and times filled in).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRecord {
    /// The service-assigned id.
    pub id: i64,
    /// The commune of the candidate's cell.
    pub commune_code: String,
    /// The candidate's cell.
    pub cell_id: String,
    /// The candidate as the contract shows it.
    pub candidate: pb::Candidate,
    /// Incremented on every change; the etag.
    pub version: i64,
}

/// The conditions of a candidate listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CandidateFilter {
    /// The commune.
    pub commune_code: String,
    /// Only this cell of the commune.
    pub cell_id: Option<String>,
    /// Only this stage.
    pub stage: Option<pb::CandidateStage>,
    /// Folded words the folded full name must contain.
    pub name_words: Vec<String>,
}

const CANDIDATE_COLUMNS: &str = "id, commune_code, cell_id, full_name, family_name, middle_name, given_name, gender, birth_date, \
    ethnicity_code, general_education, occupation, citizen_id, youth_union, source, certificate_issuer, certificate_date, \
    background_check, papers_date, has_military_referral, lives_away, cell_vote_eligible, cell_vote_present, cell_vote_yes, \
    cell_vote_no, cell_vote_date, committee_vote_eligible, committee_vote_present, committee_vote_yes, committee_vote_no, \
    committee_vote_date, decision_extended, stage, stage_date, admitted_member_id, closing_reason, version, create_time_us, \
    update_time_us";

/// The columns a candidate's state is written to, in the order [`bind_candidate`] binds them.
const WRITTEN_COLUMNS: [&str; 37] = [
    "commune_code",
    "cell_id",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "sort_key",
    "search_name",
    "gender",
    "birth_date",
    "ethnicity_code",
    "general_education",
    "occupation",
    "citizen_id",
    "youth_union",
    "source",
    "certificate_issuer",
    "certificate_date",
    "background_check",
    "papers_date",
    "has_military_referral",
    "lives_away",
    "cell_vote_eligible",
    "cell_vote_present",
    "cell_vote_yes",
    "cell_vote_no",
    "cell_vote_date",
    "committee_vote_eligible",
    "committee_vote_present",
    "committee_vote_yes",
    "committee_vote_no",
    "committee_vote_date",
    "decision_extended",
    "stage",
    "stage_date",
    "admitted_member_id",
    "closing_reason",
];

fn enum_name<E: TryFrom<i32>>(value: i32, name: impl Fn(&E) -> &'static str) -> String {
    E::try_from(value)
        .map(|e| name(&e))
        .unwrap_or_default()
        .to_owned()
}

fn enum_value<E: Into<i32>>(
    what: &str,
    text: &str,
    from_name: impl Fn(&str) -> Option<E>,
) -> Result<i32, ApiError> {
    from_name(text)
        .map(Into::into)
        .ok_or_else(|| corrupt(what, text))
}

fn sort_key(candidate: &pb::Candidate) -> Vec<u8> {
    roster_key(&NameParts {
        family: candidate.family_name.clone(),
        middle: candidate.middle_name.clone(),
        given: candidate.given_name.clone(),
    })
}

fn vote_parts(vote: Option<&pb::VoteTally>) -> [Option<i64>; 4] {
    match vote.filter(|v| v.eligible > 0) {
        Some(v) => [
            Some(i64::from(v.eligible)),
            Some(i64::from(v.present)),
            Some(i64::from(v.yes)),
            Some(i64::from(v.no)),
        ],
        None => [None; 4],
    }
}

fn admitted_member_id(candidate: &pb::Candidate) -> Result<Option<i64>, ApiError> {
    if candidate.admitted_member.is_empty() {
        return Ok(None);
    }
    names::parse_member("admitted_member", &candidate.admitted_member)
        .map(Some)
        .map_err(ApiError::from)
}

/// Binds a candidate's state as parameters `$1..$37`, in the order of [`WRITTEN_COLUMNS`].
fn bind_candidate<'q>(
    query: AnyQuery<'q>,
    (commune_code, cell_id): (&str, &str),
    c: &pb::Candidate,
) -> Result<AnyQuery<'q>, ApiError> {
    let cell_vote = vote_parts(c.cell_vote.as_ref());
    let committee_vote = vote_parts(c.committee_vote.as_ref());
    let mut query = query
        .bind(commune_code.to_owned())
        .bind(cell_id.to_owned())
        .bind(c.full_name.clone())
        .bind(c.family_name.clone())
        .bind(c.middle_name.clone())
        .bind(c.given_name.clone())
        .bind(sort_key(c))
        .bind(fold(&c.full_name))
        .bind(enum_name(c.gender, pb::Gender::as_str_name))
        .bind(c.birth_date.clone())
        .bind(c.ethnicity_code.clone())
        .bind(enum_name(
            c.general_education,
            pb::GeneralEducation::as_str_name,
        ))
        .bind(c.occupation.clone())
        .bind(c.citizen_id.clone())
        .bind(i64::from(c.youth_union))
        .bind(enum_name(c.source, pb::CandidateSource::as_str_name))
        .bind(c.certificate.as_ref().map(|cert| cert.issuer.clone()))
        .bind(
            c.certificate
                .as_ref()
                .map(|cert| cert.issue_date.clone())
                .filter(|d| !d.is_empty()),
        )
        .bind(enum_name(
            c.background_check,
            pb::BackgroundCheck::as_str_name,
        ))
        .bind(c.papers_date.clone())
        .bind(i64::from(c.has_military_referral))
        .bind(i64::from(c.lives_away));
    for part in cell_vote {
        query = query.bind(part);
    }
    query = query.bind(c.cell_vote_date.clone());
    for part in committee_vote {
        query = query.bind(part);
    }
    Ok(query
        .bind(c.committee_vote_date.clone())
        .bind(i64::from(c.decision_extended))
        .bind(enum_name(c.stage, pb::CandidateStage::as_str_name))
        .bind(c.stage_date.clone())
        .bind(admitted_member_id(c)?)
        .bind(c.closing_reason.clone()))
}

fn vote_from_row(row: &sqlx::any::AnyRow, prefix: &str) -> Result<Option<pb::VoteTally>, ApiError> {
    let get = |part: &str| row.try_get::<Option<i64>, _>(format!("{prefix}_{part}").as_str());
    let narrow = |value: i64| i32::try_from(value).map_err(|_| corrupt("vote", &value.to_string()));
    Ok(
        match (get("eligible")?, get("present")?, get("yes")?, get("no")?) {
            (Some(eligible), Some(present), Some(yes), Some(no)) => Some(pb::VoteTally {
                eligible: narrow(eligible)?,
                present: narrow(present)?,
                yes: narrow(yes)?,
                no: narrow(no)?,
            }),
            _ => None,
        },
    )
}

fn candidate_from_row(row: &sqlx::any::AnyRow) -> Result<CandidateRecord, ApiError> {
    let id: i64 = row.try_get("id")?;
    let commune_code: String = row.try_get("commune_code")?;
    let cell_id: String = row.try_get("cell_id")?;
    let version: i64 = row.try_get("version")?;
    let issuer: Option<String> = row.try_get("certificate_issuer")?;
    let certificate_date: Option<String> = row.try_get("certificate_date")?;
    let certificate = issuer.map(|issuer| pb::AwarenessCertificate {
        issuer,
        issue_date: certificate_date.unwrap_or_default(),
    });
    let candidate = pb::Candidate {
        name: candidate_name(id),
        cell: names::cell(&commune_code, &cell_id),
        full_name: row.try_get("full_name")?,
        family_name: row.try_get("family_name")?,
        middle_name: row.try_get("middle_name")?,
        given_name: row.try_get("given_name")?,
        gender: enum_value(
            "gender",
            &row.try_get::<String, _>("gender")?,
            pb::Gender::from_str_name,
        )?,
        birth_date: row.try_get("birth_date")?,
        ethnicity_code: row.try_get("ethnicity_code")?,
        general_education: enum_value(
            "education",
            &row.try_get::<String, _>("general_education")?,
            pb::GeneralEducation::from_str_name,
        )?,
        occupation: row.try_get("occupation")?,
        citizen_id: row.try_get("citizen_id")?,
        youth_union: row.try_get::<i64, _>("youth_union")? != 0,
        source: enum_value(
            "candidate source",
            &row.try_get::<String, _>("source")?,
            pb::CandidateSource::from_str_name,
        )?,
        certificate,
        introducers: Vec::new(),
        background_check: enum_value(
            "background check",
            &row.try_get::<String, _>("background_check")?,
            pb::BackgroundCheck::from_str_name,
        )?,
        papers_date: row.try_get("papers_date")?,
        has_military_referral: row.try_get::<i64, _>("has_military_referral")? != 0,
        lives_away: row.try_get::<i64, _>("lives_away")? != 0,
        cell_vote: vote_from_row(row, "cell_vote")?,
        cell_vote_date: row.try_get("cell_vote_date")?,
        committee_vote: vote_from_row(row, "committee_vote")?,
        committee_vote_date: row.try_get("committee_vote_date")?,
        stage: enum_value(
            "candidate stage",
            &row.try_get::<String, _>("stage")?,
            pb::CandidateStage::from_str_name,
        )?,
        stage_date: row.try_get("stage_date")?,
        admitted_member: row
            .try_get::<Option<i64>, _>("admitted_member_id")?
            .map(names::member)
            .unwrap_or_default(),
        closing_reason: row.try_get("closing_reason")?,
        etag: version.to_string(),
        create_time: Some(timestamp(row.try_get("create_time_us")?)),
        update_time: Some(timestamp(row.try_get("update_time_us")?)),
        decision_extended: row.try_get::<i64, _>("decision_extended")? != 0,
    };
    Ok(CandidateRecord {
        id,
        commune_code,
        cell_id,
        candidate,
        version,
    })
}

async fn load_introducers(
    conn: &mut AnyConnection,
    record: &mut CandidateRecord,
) -> Result<(), ApiError> {
    let rows = sqlx::query(
        "select member_id, youth_union_committee, months_worked_together from candidate_introducers \
         where candidate_id = $1 order by position",
    )
    .bind(record.id)
    .fetch_all(&mut *conn)
    .await?;
    record.candidate.introducers = rows
        .iter()
        .map(|row| {
            let months: i64 = row.try_get("months_worked_together")?;
            Ok(pb::Introducer {
                member: row
                    .try_get::<Option<i64>, _>("member_id")?
                    .map(names::member)
                    .unwrap_or_default(),
                youth_union_committee: row.try_get::<i64, _>("youth_union_committee")? != 0,
                months_worked_together: i32::try_from(months)
                    .map_err(|_| corrupt("months worked together", &months.to_string()))?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(())
}

async fn write_introducers(
    conn: &mut AnyConnection,
    id: i64,
    candidate: &pb::Candidate,
) -> Result<(), ApiError> {
    sqlx::query("delete from candidate_introducers where candidate_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, introducer) in candidate.introducers.iter().enumerate() {
        let member_id = if introducer.member.is_empty() {
            None
        } else {
            Some(names::parse_member(
                &format!("candidate.introducers[{position}].member"),
                &introducer.member,
            )?)
        };
        sqlx::query(
            "insert into candidate_introducers (candidate_id, position, member_id, youth_union_committee, months_worked_together) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(member_id)
        .bind(i64::from(introducer.youth_union_committee))
        .bind(i64::from(introducer.months_worked_together))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads a candidate.
pub async fn get_candidate(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<CandidateRecord>, ApiError> {
    let row = sqlx::query(&format!(
        "select {CANDIDATE_COLUMNS} from candidates where id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let mut record = candidate_from_row(&row)?;
            load_introducers(conn, &mut record).await?;
            Ok(Some(record))
        }
        None => Ok(None),
    }
}

/// Reads a candidate that must exist.
pub async fn require_candidate(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<CandidateRecord, ApiError> {
    get_candidate(conn, id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource_type: CANDIDATE_TYPE,
            name: candidate_name(id),
        })
}

/// Inserts a new candidate in `cell` and returns it with its id.
pub async fn insert_candidate(
    conn: &mut AnyConnection,
    cell: (&str, &str),
    candidate: &pb::Candidate,
    now: i64,
) -> Result<CandidateRecord, ApiError> {
    let id: i64 = sqlx::query(
        "update id_sequences set last_value = last_value + 1 where name = 'candidates' returning last_value",
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get("last_value")?;
    let placeholders: Vec<String> = (1..=WRITTEN_COLUMNS.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "insert into candidates ({}, id, version, create_time_us, update_time_us) values ({}, $38, 1, $39, $39)",
        WRITTEN_COLUMNS.join(", "),
        placeholders.join(", ")
    );
    bind_candidate(sqlx::query(&sql), cell, candidate)?
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    write_introducers(conn, id, candidate).await?;
    require_candidate(conn, id).await
}

/// Writes a candidate's new state (in `cell`) if its version is still `expected_version`.
pub async fn update_candidate(
    conn: &mut AnyConnection,
    id: i64,
    cell: (&str, &str),
    candidate: &pb::Candidate,
    expected_version: i64,
    now: i64,
) -> Result<CandidateRecord, ApiError> {
    let assignments: Vec<String> = WRITTEN_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    let sql = format!(
        "update candidates set {}, version = version + 1, update_time_us = $38 where id = $39 and version = $40",
        assignments.join(", ")
    );
    let updated = bind_candidate(sqlx::query(&sql), cell, candidate)?
        .bind(now)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *conn)
        .await;
    let updated = match updated {
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::precondition(
                crate::domain::admission::CANDIDATE_ALREADY_ADMITTED,
                "name",
                "the member is already recorded as another candidate's admission",
            ));
        }
        other => other?,
    };
    if updated.rows_affected() == 0 {
        require_candidate(conn, id).await?;
        return Err(ApiError::Aborted {
            name: candidate_name(id),
        });
    }
    write_introducers(conn, id, candidate).await?;
    require_candidate(conn, id).await
}

/// One page of a commune's candidates, ordered like a roster.
pub async fn list_candidates(
    conn: &mut AnyConnection,
    filter: &CandidateFilter,
    page_token: &str,
    page_size: i64,
) -> Result<(Vec<CandidateRecord>, String), ApiError> {
    let mut equal = vec![("commune_code", filter.commune_code.clone())];
    if let Some(cell) = &filter.cell_id {
        equal.push(("cell_id", cell.clone()));
    }
    if let Some(stage) = filter.stage {
        equal.push(("stage", stage.as_str_name().to_owned()));
    }
    let conditions = RosterConditions {
        equal,
        name_words: &filter.name_words,
    };
    let (rows, more) = roster_page(
        conn,
        (CANDIDATE_COLUMNS, "candidates"),
        conditions,
        page_token,
        page_size,
    )
    .await?;
    let mut candidates = Vec::new();
    for row in &rows {
        let mut record = candidate_from_row(row)?;
        load_introducers(conn, &mut record).await?;
        candidates.push(record);
    }
    let next = roster_next_token(
        more,
        candidates
            .last()
            .map(|last| (sort_key(&last.candidate), last.id)),
    );
    Ok((candidates, next))
}

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

/// The resource name of the holiday on `day`.
pub fn holiday_name(day: Date) -> String {
    format!("holidays/{}", date::format(day))
}

/// Creates or renames the holiday on `day`.
pub async fn set_holiday(
    conn: &mut AnyConnection,
    day: Date,
    display_name: &str,
    now: i64,
) -> Result<pb::Holiday, ApiError> {
    let updated = sqlx::query(
        "update holidays set display_name = $1, update_time_us = $2 where holiday_date = $3",
    )
    .bind(display_name)
    .bind(now)
    .bind(date::format(day))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        let inserted = sqlx::query(
            "insert into holidays (holiday_date, display_name, create_time_us, update_time_us) values ($1, $2, $3, $3)",
        )
        .bind(date::format(day))
        .bind(display_name)
        .bind(now)
        .execute(&mut *conn)
        .await;
        match inserted {
            // A concurrent writer created it between the update and the insert.
            Err(error) if is_unique_violation(&error) => {
                return Err(ApiError::Aborted {
                    name: holiday_name(day),
                });
            }
            other => other?,
        };
    }
    Ok(pb::Holiday {
        name: holiday_name(day),
        date: date::format(day),
        display_name: display_name.to_owned(),
    })
}

/// Deletes the holiday on `day`, which must exist.
pub async fn delete_holiday(conn: &mut AnyConnection, day: Date) -> Result<(), ApiError> {
    let deleted = sqlx::query("delete from holidays where holiday_date = $1")
        .bind(date::format(day))
        .execute(&mut *conn)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApiError::NotFound {
            resource_type: HOLIDAY_TYPE,
            name: holiday_name(day),
        });
    }
    Ok(())
}

/// The holidays between `from` and `to`, in date order.
pub async fn list_holidays(
    conn: &mut AnyConnection,
    from: Date,
    to: Date,
) -> Result<Vec<pb::Holiday>, ApiError> {
    let rows = sqlx::query(
        "select holiday_date, display_name from holidays where holiday_date >= $1 and holiday_date <= $2 order by holiday_date",
    )
    .bind(date::format(from))
    .bind(date::format(to))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let day = parse_date("holiday", &row.try_get::<String, _>("holiday_date")?)?;
            Ok(pb::Holiday {
                name: holiday_name(day),
                date: date::format(day),
                display_name: row.try_get("display_name")?,
            })
        })
        .collect()
}

/// Whether any regulation version is stored.
pub async fn has_rule_versions(conn: &mut AnyConnection) -> Result<bool, ApiError> {
    let count: i64 = sqlx::query("select count(*) as n from rule_versions")
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok(count > 0)
}

/// A column value of the small keyed tables (targets, plans, ratings).
#[derive(Debug, Clone)]
pub enum Value {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
}

fn bind_values<'q>(mut query: AnyQuery<'q>, values: &[&Value]) -> AnyQuery<'q> {
    for value in values {
        query = match value {
            Value::Text(text) => query.bind(text.clone()),
            Value::Int(number) => query.bind(*number),
        };
    }
    query
}

/// Creates or replaces the row of `table` identified by `keys`; when `etag` is given it must be
/// the stored version. Returns the new version. `name` is the resource name, for errors.
pub async fn upsert(
    conn: &mut AnyConnection,
    table: &str,
    keys: &[(&str, Value)],
    data: &[(&str, Value)],
    (name, etag): (&str, &str),
    now: i64,
) -> Result<i64, ApiError> {
    let key_condition: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ${}", i + 1))
        .collect();
    let key_values: Vec<&Value> = keys.iter().map(|(_, v)| v).collect();
    let current: Option<i64> = bind_values(
        sqlx::query(&format!(
            "select version from {table} where {}",
            key_condition.join(" and ")
        )),
        &key_values,
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get("version"))
    .transpose()?;
    let aborted = || ApiError::Aborted {
        name: name.to_owned(),
    };
    if !etag.is_empty() && current.map(|v| v.to_string()).as_deref() != Some(etag) {
        return Err(aborted());
    }
    let data_values: Vec<&Value> = data.iter().map(|(_, v)| v).collect();
    match current {
        None => {
            let columns: Vec<&str> = keys.iter().chain(data).map(|(c, _)| *c).collect();
            let count = columns.len();
            let placeholders: Vec<String> = (1..=count).map(|i| format!("${i}")).collect();
            let sql = format!(
                "insert into {table} ({}, version, create_time_us, update_time_us) values ({}, 1, ${}, ${})",
                columns.join(", "),
                placeholders.join(", "),
                count + 1,
                count + 1
            );
            let values: Vec<&Value> = key_values.iter().chain(&data_values).copied().collect();
            let inserted = bind_values(sqlx::query(&sql), &values)
                .bind(now)
                .execute(&mut *conn)
                .await;
            match inserted {
                // A concurrent writer created it first: the command is retried from a fresh read.
                Err(error) if is_unique_violation(&error) => Err(aborted()),
                Err(error) => Err(error.into()),
                Ok(_) => Ok(1),
            }
        }
        Some(version) => {
            let assignments: Vec<String> = data
                .iter()
                .enumerate()
                .map(|(i, (column, _))| format!("{column} = ${}", i + 1))
                .collect();
            let n = data.len();
            let conditions: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, (column, _))| format!("{column} = ${}", n + 3 + i))
                .collect();
            let sql = format!(
                "update {table} set {}, version = version + 1, update_time_us = ${} where version = ${} and {}",
                assignments.join(", "),
                n + 1,
                n + 2,
                conditions.join(" and ")
            );
            let updated = bind_values(sqlx::query(&sql), &data_values)
                .bind(now)
                .bind(version);
            let updated = bind_values(updated, &key_values)
                .execute(&mut *conn)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(aborted());
            }
            Ok(version + 1)
        }
    }
}

/// The resource name of a commune's target.
pub fn target_name(commune_code: &str, first_year: i32) -> String {
    format!("{}/targets/{first_year}", names::commune(commune_code))
}

/// The resource name of a cell's plan.
pub fn plan_name(commune_code: &str, cell_id: &str, year: i32) -> String {
    format!("{}/plans/{year}", names::cell(commune_code, cell_id))
}

/// The resource name of a cell's rating.
pub fn cell_rating_name(commune_code: &str, cell_id: &str, year: i32) -> String {
    format!("{}/ratings/{year}", names::cell(commune_code, cell_id))
}

/// The resource name of a member's rating.
pub fn member_rating_name(member_id: i64, year: i32) -> String {
    format!("{}/ratings/{year}", names::member(member_id))
}

fn year_of(row: &sqlx::any::AnyRow, column: &str) -> Result<i32, ApiError> {
    let value: i64 = row.try_get(column)?;
    i32::try_from(value).map_err(|_| corrupt("year", &value.to_string()))
}

fn small_of(row: &sqlx::any::AnyRow, column: &str) -> Result<i32, ApiError> {
    let value: i64 = row.try_get(column)?;
    i32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
}

/// Creates or replaces a commune's target.
pub async fn put_target(
    conn: &mut AnyConnection,
    commune_code: &str,
    target: &pb::Target,
    now: i64,
) -> Result<pb::Target, ApiError> {
    let name = target_name(commune_code, target.first_year);
    let version = upsert(
        conn,
        "targets",
        &[
            ("commune_code", Value::Text(commune_code.to_owned())),
            ("first_year", Value::Int(i64::from(target.first_year))),
        ],
        &[
            ("last_year", Value::Int(i64::from(target.last_year))),
            (
                "admissions_per_year",
                Value::Int(i64::from(target.admissions_per_year)),
            ),
            (
                "good_cells_percent",
                Value::Int(i64::from(target.good_cells_percent)),
            ),
        ],
        (&name, &target.etag),
        now,
    )
    .await?;
    Ok(pb::Target {
        name,
        etag: version.to_string(),
        ..target.clone()
    })
}

/// A commune's targets, earliest term first.
pub async fn list_targets(
    conn: &mut AnyConnection,
    commune_code: &str,
) -> Result<Vec<pb::Target>, ApiError> {
    let rows = sqlx::query(
        "select first_year, last_year, admissions_per_year, good_cells_percent, version from targets \
         where commune_code = $1 order by first_year",
    )
    .bind(commune_code)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let first_year = year_of(row, "first_year")?;
            Ok(pb::Target {
                name: target_name(commune_code, first_year),
                first_year,
                last_year: year_of(row, "last_year")?,
                admissions_per_year: small_of(row, "admissions_per_year")?,
                good_cells_percent: small_of(row, "good_cells_percent")?,
                etag: row.try_get::<i64, _>("version")?.to_string(),
            })
        })
        .collect()
}

/// The key of a yearly record of a cell (a plan, a rating): commune, cell and year.
fn cell_year_key(
    (commune_code, cell_id): (&str, &str),
    (year_column, year): (&'static str, i32),
) -> [(&'static str, Value); 3] {
    [
        ("commune_code", Value::Text(commune_code.to_owned())),
        ("cell_id", Value::Text(cell_id.to_owned())),
        (year_column, Value::Int(i64::from(year))),
    ]
}

/// The `columns` (of `r`, the rows of `table`) of a commune's yearly cell records for `year`,
/// in the cells' display order.
async fn cell_year_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &str,
    (year_column, commune_code, year): (&str, &str, i32),
) -> Result<Vec<sqlx::any::AnyRow>, ApiError> {
    Ok(sqlx::query(&format!(
        "select {columns} from {table} r \
         join cells c on c.commune_code = r.commune_code and c.cell_id = r.cell_id \
         where r.commune_code = $1 and r.{year_column} = $2 order by c.sort_key, r.cell_id"
    ))
    .bind(commune_code)
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?)
}

/// Creates or replaces a cell's plan.
pub async fn put_cell_plan(
    conn: &mut AnyConnection,
    (commune_code, cell_id): (&str, &str),
    plan: &pb::CellPlan,
    now: i64,
) -> Result<pb::CellPlan, ApiError> {
    let name = plan_name(commune_code, cell_id, plan.year);
    let version = upsert(
        conn,
        "cell_plans",
        &cell_year_key((commune_code, cell_id), ("plan_year", plan.year)),
        &[
            (
                "sources_to_develop",
                Value::Int(i64::from(plan.sources_to_develop)),
            ),
            ("admissions", Value::Int(i64::from(plan.admissions))),
            ("notes", Value::Text(plan.notes.clone())),
        ],
        (&name, &plan.etag),
        now,
    )
    .await?;
    Ok(pb::CellPlan {
        name,
        etag: version.to_string(),
        ..plan.clone()
    })
}

/// The plans of a commune's cells for `year`, in the cells' display order.
pub async fn list_cell_plans(
    conn: &mut AnyConnection,
    commune_code: &str,
    year: i32,
) -> Result<Vec<pb::CellPlan>, ApiError> {
    let rows = cell_year_rows(
        conn,
        "cell_plans",
        "r.cell_id, r.sources_to_develop, r.admissions, r.notes, r.version",
        ("plan_year", commune_code, year),
    )
    .await?;
    rows.iter()
        .map(|row| {
            let cell_id: String = row.try_get("cell_id")?;
            Ok(pb::CellPlan {
                name: plan_name(commune_code, &cell_id, year),
                year,
                sources_to_develop: small_of(row, "sources_to_develop")?,
                admissions: small_of(row, "admissions")?,
                notes: row.try_get("notes")?,
                etag: row.try_get::<i64, _>("version")?.to_string(),
            })
        })
        .collect()
}

fn level_name(level: i32) -> String {
    enum_name(level, pb::RatingLevel::as_str_name)
}

/// Records or corrects a cell's rating.
pub async fn put_cell_rating(
    conn: &mut AnyConnection,
    (commune_code, cell_id): (&str, &str),
    rating: &pb::CellRating,
    now: i64,
) -> Result<pb::CellRating, ApiError> {
    let name = cell_rating_name(commune_code, cell_id, rating.year);
    let version = upsert(
        conn,
        "cell_ratings",
        &cell_year_key((commune_code, cell_id), ("rating_year", rating.year)),
        &[("level", Value::Text(level_name(rating.level)))],
        (&name, &rating.etag),
        now,
    )
    .await?;
    Ok(pb::CellRating {
        name,
        etag: version.to_string(),
        ..rating.clone()
    })
}

/// The ratings of a commune's cells for `year`, in the cells' display order.
pub async fn list_cell_ratings(
    conn: &mut AnyConnection,
    commune_code: &str,
    year: i32,
) -> Result<Vec<pb::CellRating>, ApiError> {
    let rows = cell_year_rows(
        conn,
        "cell_ratings",
        "r.cell_id, r.level, r.version",
        ("rating_year", commune_code, year),
    )
    .await?;
    rows.iter()
        .map(|row| {
            let cell_id: String = row.try_get("cell_id")?;
            let level: String = row.try_get("level")?;
            Ok(pb::CellRating {
                name: cell_rating_name(commune_code, &cell_id, year),
                year,
                level: enum_value("rating level", &level, pb::RatingLevel::from_str_name)?,
                etag: row.try_get::<i64, _>("version")?.to_string(),
            })
        })
        .collect()
}

/// Records or corrects a member's rating.
pub async fn put_member_rating(
    conn: &mut AnyConnection,
    member_id: i64,
    rating: &pb::MemberRating,
    now: i64,
) -> Result<pb::MemberRating, ApiError> {
    let name = member_rating_name(member_id, rating.year);
    let version = upsert(
        conn,
        "member_ratings",
        &[
            ("member_id", Value::Int(member_id)),
            ("rating_year", Value::Int(i64::from(rating.year))),
        ],
        &[("level", Value::Text(level_name(rating.level)))],
        (&name, &rating.etag),
        now,
    )
    .await?;
    Ok(pb::MemberRating {
        name,
        etag: version.to_string(),
        ..rating.clone()
    })
}

//! Candidates for admission and their introducers.
//!
//! Candidates are read and written as their contract message; the columns are the message's
//! fields, so that listings can filter and order on them.

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::names;
use partyregistry_vocab::text::{NameParts, fold, roster_key};
use sqlx::{AnyConnection, Row};

use super::columns::{Columns, insert_versioned, update_versioned};
use super::{
    RosterConditions, corrupt, enum_name, enum_value, is_unique_violation, roster_next_token,
    roster_page,
};

const CANDIDATE_TYPE: &str = "partyregistry.membership.v1.Candidate";

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

/// A candidate's state in `cell` as the columns of `candidates`: the one place where a candidate
/// field meets its column on the way in ([`candidate_from_row`] reads them back by name).
fn candidate_columns(
    (commune_code, cell_id): (&str, &str),
    c: &pb::Candidate,
) -> Result<Columns, ApiError> {
    let [
        cell_vote_eligible,
        cell_vote_present,
        cell_vote_yes,
        cell_vote_no,
    ] = vote_parts(c.cell_vote.as_ref());
    let [
        committee_vote_eligible,
        committee_vote_present,
        committee_vote_yes,
        committee_vote_no,
    ] = vote_parts(c.committee_vote.as_ref());
    Ok(vec![
        ("commune_code", commune_code.into()),
        ("cell_id", cell_id.into()),
        ("full_name", (&c.full_name).into()),
        ("family_name", (&c.family_name).into()),
        ("middle_name", (&c.middle_name).into()),
        ("given_name", (&c.given_name).into()),
        ("sort_key", sort_key(c).into()),
        ("search_name", fold(&c.full_name).into()),
        (
            "gender",
            enum_name(c.gender, pb::Gender::as_str_name).into(),
        ),
        ("birth_date", (&c.birth_date).into()),
        ("ethnicity_code", (&c.ethnicity_code).into()),
        (
            "general_education",
            enum_name(c.general_education, pb::GeneralEducation::as_str_name).into(),
        ),
        ("occupation", (&c.occupation).into()),
        ("citizen_id", (&c.citizen_id).into()),
        ("youth_union", c.youth_union.into()),
        (
            "source",
            enum_name(c.source, pb::CandidateSource::as_str_name).into(),
        ),
        (
            "certificate_issuer",
            c.certificate
                .as_ref()
                .map(|cert| cert.issuer.clone())
                .into(),
        ),
        (
            "certificate_date",
            c.certificate
                .as_ref()
                .map(|cert| cert.issue_date.clone())
                .filter(|d| !d.is_empty())
                .into(),
        ),
        (
            "background_check",
            enum_name(c.background_check, pb::BackgroundCheck::as_str_name).into(),
        ),
        ("papers_date", (&c.papers_date).into()),
        ("has_military_referral", c.has_military_referral.into()),
        ("class_retaken_locally", c.class_retaken_locally.into()),
        ("lives_away", c.lives_away.into()),
        ("away_comment_date", (&c.away_comment_date).into()),
        ("cell_vote_eligible", cell_vote_eligible.into()),
        ("cell_vote_present", cell_vote_present.into()),
        ("cell_vote_yes", cell_vote_yes.into()),
        ("cell_vote_no", cell_vote_no.into()),
        ("cell_vote_date", (&c.cell_vote_date).into()),
        ("committee_vote_eligible", committee_vote_eligible.into()),
        ("committee_vote_present", committee_vote_present.into()),
        ("committee_vote_yes", committee_vote_yes.into()),
        ("committee_vote_no", committee_vote_no.into()),
        ("committee_vote_date", (&c.committee_vote_date).into()),
        ("decision_extended", c.decision_extended.into()),
        (
            "no_youth_union_organisation",
            c.no_youth_union_organisation.into(),
        ),
        (
            "stage",
            enum_name(c.stage, pb::CandidateStage::as_str_name).into(),
        ),
        ("stage_date", (&c.stage_date).into()),
        ("admitted_member_id", admitted_member_id(c)?.into()),
        ("closing_reason", (&c.closing_reason).into()),
    ])
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
        // Every stored code is one of the 1979 list's: the conversions resolve the others.
        ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
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
        class_retaken_locally: row.try_get::<i64, _>("class_retaken_locally")? != 0,
        lives_away: row.try_get::<i64, _>("lives_away")? != 0,
        away_comment_date: row.try_get("away_comment_date")?,
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
        no_youth_union_organisation: row.try_get::<i64, _>("no_youth_union_organisation")? != 0,
        // Read by `candidate_records::load`.
        exceptions: Vec::new(),
        failed_cell_votes: Vec::new(),
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
    let row = sqlx::query("select * from candidates where id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => {
            let mut record = candidate_from_row(&row)?;
            load_introducers(conn, &mut record).await?;
            super::candidate_records::load(conn, record.id, &mut record.candidate).await?;
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
    let mut columns = candidate_columns(cell, candidate)?;
    columns.push(("id", id.into()));
    insert_versioned(conn, "candidates", columns, now).await?;
    write_introducers(conn, id, candidate).await?;
    super::candidate_records::write(conn, id, candidate).await?;
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
    let mut columns = candidate_columns(cell, candidate)?;
    columns.push(("id", id.into()));
    let updated =
        update_versioned(conn, "candidates", columns, &["id"], expected_version, now).await;
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
    super::candidate_records::write(conn, id, candidate).await?;
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
    let (rows, more) =
        roster_page(conn, ("*", "candidates"), conditions, page_token, page_size).await?;
    let mut candidates = Vec::new();
    for row in &rows {
        let mut record = candidate_from_row(row)?;
        load_introducers(conn, &mut record).await?;
        super::candidate_records::load(conn, record.id, &mut record.candidate).await?;
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

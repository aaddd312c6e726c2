//! The lists a candidate carries beside its introducers: the exceptions recorded for it and the
//! cell's unsuccessful votes. Written whole with the candidate, read back in their order.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use sqlx::{AnyConnection, Row};

use super::{corrupt, enum_name, enum_value};

fn small(row: &sqlx::any::AnyRow, column: &str) -> Result<i32, ApiError> {
    let value: i64 = row.try_get(column)?;
    i32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
}

/// Reads the exceptions and failed votes of candidate `id` into `candidate`.
pub(super) async fn load(
    conn: &mut AnyConnection,
    id: i64,
    candidate: &mut pb::Candidate,
) -> Result<(), ApiError> {
    let rows = sqlx::query(
        "select kind, decided_by, decision_date, reference_number, note from candidate_exceptions \
         where candidate_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    candidate.exceptions = rows
        .iter()
        .map(|row| {
            Ok(pb::AdmissionException {
                kind: enum_value(
                    "exception kind",
                    &row.try_get::<String, _>("kind")?,
                    pb::ExceptionKind::from_str_name,
                )?,
                decided_by: row.try_get("decided_by")?,
                decision_date: row.try_get("decision_date")?,
                reference_number: row.try_get("reference_number")?,
                note: row.try_get("note")?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let rows = sqlx::query(
        "select vote_date, eligible, present, yes, no from candidate_failed_votes \
         where candidate_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    candidate.failed_cell_votes = rows
        .iter()
        .map(|row| {
            Ok(pb::FailedCellVote {
                tally: Some(pb::VoteTally {
                    eligible: small(row, "eligible")?,
                    present: small(row, "present")?,
                    yes: small(row, "yes")?,
                    no: small(row, "no")?,
                }),
                vote_date: row.try_get("vote_date")?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(())
}

/// Replaces the exceptions and failed votes of candidate `id` with those of `candidate`.
pub(super) async fn write(
    conn: &mut AnyConnection,
    id: i64,
    candidate: &pb::Candidate,
) -> Result<(), ApiError> {
    for table in ["candidate_exceptions", "candidate_failed_votes"] {
        sqlx::query(&format!("delete from {table} where candidate_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for (position, exception) in candidate.exceptions.iter().enumerate() {
        sqlx::query(
            "insert into candidate_exceptions (candidate_id, position, kind, decided_by, decision_date, reference_number, note) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(enum_name(exception.kind, pb::ExceptionKind::as_str_name))
        .bind(&exception.decided_by)
        .bind(&exception.decision_date)
        .bind(&exception.reference_number)
        .bind(&exception.note)
        .execute(&mut *conn)
        .await?;
    }
    for (position, vote) in candidate.failed_cell_votes.iter().enumerate() {
        let tally = vote.tally.unwrap_or_default();
        sqlx::query(
            "insert into candidate_failed_votes (candidate_id, position, vote_date, eligible, present, yes, no) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&vote.vote_date)
        .bind(i64::from(tally.eligible))
        .bind(i64::from(tally.present))
        .bind(i64::from(tally.yes))
        .bind(i64::from(tally.no))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

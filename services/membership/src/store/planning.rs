//! Admission planning: a commune's targets per term and its cells' yearly plans.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::names;
use sqlx::{AnyConnection, Row};

use super::columns::Value;
use super::keyed::{cell_year_key, cell_year_rows, small_of, upsert, year_of};

/// The resource name of a commune's target.
pub fn target_name(commune_code: &str, first_year: i32) -> String {
    format!("{}/targets/{first_year}", names::commune(commune_code))
}

/// The resource name of a cell's plan.
pub fn plan_name(commune_code: &str, cell_id: &str, year: i32) -> String {
    format!("{}/plans/{year}", names::cell(commune_code, cell_id))
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

//! Yearly quality ratings of cells and members.

use partyregistry_kit::error::ApiError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::names;
use sqlx::{AnyConnection, Row};

use super::columns::Value;
use super::enum_name;
use super::enum_value;
use super::keyed::{cell_year_key, cell_year_rows, upsert};

/// The resource name of a cell's rating.
pub fn cell_rating_name(commune_code: &str, cell_id: &str, year: i32) -> String {
    format!("{}/ratings/{year}", names::cell(commune_code, cell_id))
}

/// The resource name of a member's rating.
pub fn member_rating_name(member_id: i64, year: i32) -> String {
    format!("{}/ratings/{year}", names::member(member_id))
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
